"""The transition table is complete and consistent; due times count working days."""

from __future__ import annotations

import datetime as dt

import pytest

from dumas import config, i18n, workflow
from dumas.permissions import PERMISSIONS, Action, Role, User
from dumas.workflow import (
    FINAL,
    INITIAL,
    STEPS,
    TRANSITIONS,
    Act,
    LateBy,
    PlanView,
    Standard,
    State,
)

JKT = config.TIMEZONE


def _reachable() -> set[State]:
    seen, frontier = {INITIAL}, [INITIAL]
    while frontier:
        state = frontier.pop()
        for transition in TRANSITIONS:
            if transition.state is state and transition.next_state not in seen:
                seen.add(transition.next_state)
                frontier.append(transition.next_state)
    return seen


def test_every_state_is_reachable_from_the_draft():
    assert _reachable() == set(State)


def test_every_state_that_is_not_final_has_a_way_out_and_final_states_have_none():
    for state in State:
        leaving = [t for t in TRANSITIONS if t.state is state]
        assert bool(leaving) == (state not in FINAL), state


def test_every_role_in_the_table_exists_and_may_open_the_plans():
    for transition in TRANSITIONS:
        assert transition.role in set(Role)
        assert transition.role in PERMISSIONS[Action.VIEW_PLANS]


def test_every_open_state_belongs_to_exactly_one_sop_step():
    for state in set(State) - FINAL:
        assert sum(state in step.states for step in STEPS) == 1, state
    assert all(workflow.step_of(state) is None for state in FINAL)


def test_a_decision_has_one_next_state_per_outcome():
    for state in State:
        for action in Act:
            rows = workflow.transitions_for(state, action)
            outcomes = [(t.role, t.outcome) for t in rows]
            assert len(outcomes) == len(set(outcomes)), (state, action)


def test_only_decisions_other_than_returning_forbid_self_approval():
    for transition in TRANSITIONS:
        expected = transition.action in {Act.APPROVE, Act.DECIDE, Act.REJECT}
        assert (not transition.self_approval) == expected, transition


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_state_action_and_step_has_a_label(lang):
    for state in State:
        assert i18n.t(f"plan_state.{state.value}", lang)
    for action in Act:
        assert i18n.t(f"plan_act.{action.value}", lang)
        assert i18n.t(f"plan_event.{action.value}", lang)
    for step in STEPS:
        assert i18n.t(f"step.{step.key}", lang)


def _view(state: State, **kw) -> PlanView:
    values = {"bidang": "Bidang Uji", "participants": frozenset(), "never_submitted": False,
              "rows_ready": True, "teams_ready": True} | kw  # fmt: skip
    return PlanView(state=state, **values)


def _user(*roles: Role, uid: int = 1, bidang: str | None = "Bidang Uji") -> User:
    return User(uid, "u", "U", frozenset(roles), bidang)


def test_buttons_offered_follow_the_table_for_each_role():
    assert workflow.available_actions(_view(State.DRAFT), _user(Role.ANALIS)) == [Act.SUBMIT]
    assert workflow.available_actions(_view(State.SUBMITTED), _user(Role.KASUBBID)) == [
        Act.FORWARD,
        Act.RETURN,
    ]
    asdep = workflow.available_actions(_view(State.PROPOSED), _user(Role.ASDEP))
    assert asdep == [Act.APPROVE, Act.DECIDE, Act.RETURN, Act.REJECT]
    assert workflow.available_actions(_view(State.PROPOSED), _user(Role.KABID)) == []


def test_a_participant_is_offered_only_the_return_and_told_why_not_approve():
    plan = _view(State.PROPOSED, participants=frozenset({1}))
    user = _user(Role.ASDEP, Role.KABID)
    assert workflow.available_actions(plan, user) == [Act.RETURN]
    assert workflow.blocked_actions(plan, user)[Act.APPROVE] == "error.self_approval"


def test_submit_is_not_offered_until_the_rows_are_ready():
    plan = _view(State.DRAFT, rows_ready=False)
    assert workflow.available_actions(plan, _user(Role.ANALIS)) == []
    assert workflow.blocked_actions(plan, _user(Role.ANALIS)) == {
        Act.SUBMIT: "error.rows_not_ready",
        Act.CANCEL: "error.already_submitted",
    }


# Due times: working days skip weekends, national holidays and cuti bersama.


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=JKT)


@pytest.mark.parametrize(
    ("started", "due"),
    [
        (at(2026, 11, 26, 10, 0), at(2026, 11, 27, 10, 0)),  # Thursday -> Friday
        (at(2026, 11, 27, 10, 0), at(2026, 11, 30, 10, 0)),  # Friday -> Monday (weekend)
        (at(2026, 12, 23, 10, 0), at(2026, 12, 28, 10, 0)),  # cuti bersama, Christmas, weekend
        (at(2026, 5, 13, 14, 30), at(2026, 5, 18, 14, 30)),  # Ascension + cuti bersama
        (at(2026, 11, 28, 9, 0), at(2026, 11, 30, 9, 0)),  # started on a Saturday
    ],
)
def test_one_working_day_step_is_due_on_the_next_working_day(db, started, due):
    assert workflow.due_at(db.cursor(), started, Standard(working_days=1)) == due


@pytest.mark.parametrize(
    ("started", "due"),
    [
        (at(2026, 12, 23, 10, 0), at(2026, 12, 23, 10, 20)),  # office hours
        (at(2026, 12, 23, 7, 0), at(2026, 12, 23, 8, 20)),  # before opening
        (at(2026, 12, 23, 17, 0), at(2026, 12, 28, 8, 20)),  # evening before the holidays
        (at(2026, 12, 25, 9, 0), at(2026, 12, 28, 8, 20)),  # on Christmas day
    ],
)
def test_twenty_minute_step_counts_office_time_on_working_days(db, started, due):
    assert workflow.due_at(db.cursor(), started, Standard(minutes=20)) == due


def test_lateness_is_in_working_days_or_in_minutes_under_a_day(db):
    due = at(2026, 12, 23, 10, 0)
    cur = db.cursor()
    assert workflow.late_by(cur, due, at(2026, 12, 23, 9, 0)) is None
    assert workflow.late_by(cur, due, at(2026, 12, 23, 10, 45)) == LateBy(0, 45)
    # 24 and 25 December are not working days: Monday 28 is one working day later
    assert workflow.late_by(cur, due, at(2026, 12, 28, 9, 0)) == LateBy(1, 0)


@pytest.mark.parametrize(
    ("standard", "lang", "words"),
    [
        (Standard(working_days=1), "en", "1 working day"),
        (Standard(working_days=4), "en", "4 working days"),
        (Standard(working_days=1), "id", "1 hari kerja"),
        (Standard(minutes=20), "en", "20 minutes"),
    ],
)
def test_a_standard_time_reads_in_words_with_the_singular_for_one_day(standard, lang, words):
    key, number = workflow.standard_words(standard)
    assert i18n.t(key, lang, n=number) == words
