"""The monitoring's move table: who moves it (its team, the report's receiver), what each
guard says, the buttons each person sees, the standard time of each step.

The checks both state machines share (reachability, exits, steps, labels) are in
test_flows.py."""

from __future__ import annotations

import pytest

from dumas import i18n
from dumas.domain import monitoring_flow as flow
from dumas.domain.deadlines import Standard
from dumas.domain.monitoring_flow import (
    RECEIVER,
    TEAM,
    TRANSITIONS,
    MonitoringAction,
    MonitoringState,
    MonitoringView,
)
from dumas.domain.permissions import PERMISSIONS, Action, Role, User

LEVELS = ("kabid", "asdep")  # monitoring.level's CHECK in schema.sql
MEMBER, OUTSIDER = 1, 2
EVERY_GUARD = frozenset(t.guard for t in TRANSITIONS if t.guard)


def test_every_move_is_the_teams_or_the_receivers_or_settles_by_itself():
    assert {t.who for t in TRANSITIONS} <= {TEAM, RECEIVER, flow.SETTLED}
    settling = [t for t in TRANSITIONS if t.who == flow.SETTLED]
    assert [(t.state, t.next_state) for t in settling] == [
        (MonitoringState.ACCEPTED, MonitoringState.CLOSED)  # step 8: both tracks done
    ]
    everyone = User(MEMBER, "u", "U", frozenset(Role))
    accepted = MonitoringView(MonitoringState.ACCEPTED, "kabid", True, frozenset({MEMBER}),
                              EVERY_GUARD)  # fmt: skip
    assert flow.available_actions(accepted, everyone) == []  # nobody closes it by hand
    assert flow.blocked_actions(accepted, everyone) == {}


@pytest.mark.parametrize("level", LEVELS)
def test_the_receiver_of_every_level_exists_and_may_acknowledge_reports(level):
    role = flow.receiver_role(level)
    assert role in set(Role)
    assert role in PERMISSIONS[Action.ACKNOWLEDGE_REPORT]


def test_a_state_and_an_action_name_at_most_one_row():
    rows = [(t.state, t.action) for t in TRANSITIONS]
    assert len(rows) == len(set(rows))  # the service takes the one row it finds


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_guard_says_what_is_missing_in_both_languages(lang):
    for guard in EVERY_GUARD:
        assert i18n.t(f"error.guard_{guard}", lang)


def test_the_team_writes_its_records_in_every_open_state_but_those_of_step_8():
    open_states = set(MonitoringState) - flow.FINAL
    assert open_states - flow.TEAM_WRITES == {MonitoringState.SUBMISSION, MonitoringState.ACCEPTED}


def _view(state: MonitoringState, *, level: str = "kabid", guards=EVERY_GUARD) -> MonitoringView:
    return MonitoringView(state, level, True, frozenset({MEMBER}), frozenset(guards))


def _user(*roles: Role, uid: int = MEMBER) -> User:
    return User(uid, "u", "U", frozenset(roles))


def test_buttons_offered_follow_the_table_for_the_team_and_the_receiver():
    member, asdep = _user(Role.ANALIS), _user(Role.ASDEP, uid=OUTSIDER)
    preparation = _view(MonitoringState.PREPARATION)
    assert flow.available_actions(preparation, member) == [MonitoringAction.PREPARED]
    assert flow.available_actions(preparation, asdep) == []
    submission = _view(MonitoringState.SUBMISSION)
    assert flow.available_actions(submission, member) == []
    assert flow.available_actions(submission, asdep) == [
        MonitoringAction.ACKNOWLEDGE,
        MonitoringAction.RETURN_REPORT,
    ]


def test_an_asdep_led_report_goes_to_the_deputi_and_never_to_a_team_member():
    report = _view(MonitoringState.SUBMISSION, level="asdep")
    assert flow.available_actions(report, _user(Role.ASDEP, uid=OUTSIDER)) == []
    assert flow.available_actions(report, _user(Role.DEPUTI, uid=OUTSIDER)) == [
        MonitoringAction.ACKNOWLEDGE,
        MonitoringAction.RETURN_REPORT,
    ]
    assert flow.available_actions(report, _user(Role.DEPUTI)) == []  # on the team


def test_a_move_is_not_offered_until_its_guard_holds_and_the_guard_says_why():
    unready = _view(MonitoringState.PREPARATION, guards=EVERY_GUARD - {flow.DOCUMENTS_READY})
    assert flow.available_actions(unready, _user(Role.ANALIS)) == []
    assert flow.blocked_actions(unready, _user(Role.ANALIS)) == {
        MonitoringAction.PREPARED: "error.guard_documents_ready"
    }
    assert flow.blocked_actions(unready, _user(Role.ANALIS, uid=OUTSIDER)) == {}


@pytest.mark.parametrize(
    ("state", "direct", "standard"),
    [
        (MonitoringState.EXECUTION, True, Standard(working_days=4)),  # SOP: 3-4 days
        (MonitoringState.EXECUTION, False, Standard(working_days=1)),
        (MonitoringState.REPORTING, False, Standard(working_days=2)),
    ],
)
def test_a_steps_standard_time_depends_on_whether_the_monitoring_is_direct(state, direct, standard):
    assert flow.standard(flow.step_of(state), direct) == standard
