"""The plan's transition table: who decides, self-approval, the buttons each role sees.

The checks both state machines share (reachability, exits, steps, labels) are in
test_flows.py; due times in test_deadlines.py."""

from __future__ import annotations

from dumas.domain import plan_flow
from dumas.domain.permissions import PERMISSIONS, Action, Role, User
from dumas.domain.plan_flow import TRANSITIONS, PlanAction, PlanState, PlanView


def test_every_role_in_the_table_exists_and_may_open_the_plans():
    for transition in TRANSITIONS:
        assert transition.role in set(Role)
        assert transition.role in PERMISSIONS[Action.VIEW_PLANS]


def test_a_decision_has_one_next_state_per_outcome():
    for state in PlanState:
        for action in PlanAction:
            rows = plan_flow.transitions_for(state, action)
            outcomes = [(t.role, t.outcome) for t in rows]
            assert len(outcomes) == len(set(outcomes)), (state, action)


def test_only_decisions_other_than_returning_forbid_self_approval():
    for transition in TRANSITIONS:
        expected = transition.action in {PlanAction.APPROVE, PlanAction.DECIDE, PlanAction.REJECT}
        assert (not transition.self_approval) == expected, transition


def _view(state: PlanState, **kw) -> PlanView:
    values = {"bidang": "Bidang Uji", "participants": frozenset(), "never_submitted": False,
              "rows_ready": True, "teams_ready": True} | kw  # fmt: skip
    return PlanView(state=state, **values)


def _user(*roles: Role, uid: int = 1, bidang: str | None = "Bidang Uji") -> User:
    return User(uid, "u", "U", frozenset(roles), bidang)


def test_buttons_offered_follow_the_table_for_each_role():
    assert plan_flow.available_actions(_view(PlanState.DRAFT), _user(Role.ANALIS)) == [
        PlanAction.SUBMIT
    ]
    assert plan_flow.available_actions(_view(PlanState.SUBMITTED), _user(Role.KASUBBID)) == [
        PlanAction.FORWARD,
        PlanAction.RETURN,
    ]
    asdep = plan_flow.available_actions(_view(PlanState.PROPOSED), _user(Role.ASDEP))
    assert asdep == [PlanAction.APPROVE, PlanAction.DECIDE, PlanAction.RETURN, PlanAction.REJECT]
    assert plan_flow.available_actions(_view(PlanState.PROPOSED), _user(Role.KABID)) == []


def test_a_participant_is_offered_only_the_return_and_told_why_not_approve():
    plan = _view(PlanState.PROPOSED, participants=frozenset({1}))
    user = _user(Role.ASDEP, Role.KABID)
    assert plan_flow.available_actions(plan, user) == [PlanAction.RETURN]
    assert plan_flow.blocked_actions(plan, user)[PlanAction.APPROVE] == "error.self_approval"


def test_submit_is_not_offered_until_the_rows_are_ready():
    plan = _view(PlanState.DRAFT, rows_ready=False)
    assert plan_flow.available_actions(plan, _user(Role.ANALIS)) == []
    assert plan_flow.blocked_actions(plan, _user(Role.ANALIS)) == {
        PlanAction.SUBMIT: "error.rows_not_ready",
        PlanAction.CANCEL: "error.already_submitted",
    }
