"""SOP 305/2012 steps 4-8 of an approved monitoring, as data: states, transitions, times.

Who acts is not one role but a relation to the monitoring: its team (any member), or
the receiver of its report (the Asdep for Kabid-and-below monitoring, the Deputi for
Asdep-led). Step 8 has two tracks in parallel (SOP 8a and 8b): the receiver accepts or
returns the substance report whenever it is submitted, and the financial accountability
of a direct monitoring goes from the team through the BPP to the PPK on its own clock.
The monitoring closes when both are done, whichever finishes last (the CLOSE row, which
no one takes by hand: the service takes it as soon as its guard holds): an accepted
report whose money is still open waits in `accepted`; an indirect monitoring has no
money and closes on acceptance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from dumas import config
from dumas.domain.codes import ActivityKind, AnswerVia, DocumentKind, Level, MemoOutcome, Method
from dumas.domain.deadlines import OFFICE_OPENS, Standard
from dumas.domain.permissions import Action, Role, User


class MonitoringState(StrEnum):
    """Where a monitoring stands (the values of monitoring.state)."""

    PREPARATION = "preparation"  # step 4
    COORDINATION = "coordination"  # step 5
    EXECUTION = "execution"  # step 6
    REPORTING = "reporting"  # step 7
    SUBMISSION = "submission"  # step 8: the report awaits its receiver
    ACCEPTED = "accepted"  # step 8: report accepted, the accountability still open
    CLOSED = "closed"


class MonitoringAction(StrEnum):
    """The moves between the steps."""

    PREPARED = "prepared"
    COORDINATED = "coordinated"
    EXECUTED = "executed"
    SUBMIT_REPORT = "submit_report"
    ACKNOWLEDGE = "acknowledge"
    RETURN_REPORT = "return_report"
    CLOSE = "close"  # step 8: both tracks done (taken by the service, never offered)


TEAM = "team"  # any member of the monitoring's team
RECEIVER = "receiver"  # the report's receiver by level (see receiver_role)
SETTLED = "settled"  # nobody: the service takes the move once its guard holds (settled)

# Guards: preconditions the service checks on the monitoring's records.
DOCUMENTS_READY = "documents_ready"
COORDINATION_RECORDED = "coordination_recorded"
RESULTS_COMPLETE = "results_complete"
REPORT_READY = "report_ready"
FINANCE_DONE = "finance_done"


@dataclass(frozen=True)
class MonitoringTransition:
    """One allowed move of a monitoring."""

    state: MonitoringState
    action: MonitoringAction
    next_state: MonitoringState
    who: str  # TEAM, RECEIVER or SETTLED
    guard: str | None = None
    note_required: bool = False


T = MonitoringTransition
S = MonitoringState
A = MonitoringAction
TRANSITIONS: tuple[MonitoringTransition, ...] = (
    T(S.PREPARATION, A.PREPARED, S.COORDINATION, TEAM, DOCUMENTS_READY),
    T(S.COORDINATION, A.COORDINATED, S.EXECUTION, TEAM, COORDINATION_RECORDED),
    T(S.EXECUTION, A.EXECUTED, S.REPORTING, TEAM, RESULTS_COMPLETE),
    T(S.REPORTING, A.SUBMIT_REPORT, S.SUBMISSION, TEAM, REPORT_READY),
    T(S.SUBMISSION, A.ACKNOWLEDGE, S.ACCEPTED, RECEIVER),  # 8a, whatever the money's stage
    T(S.SUBMISSION, A.RETURN_REPORT, S.REPORTING, RECEIVER, note_required=True),
    # Where step 8's two tracks meet, in the same transaction as the move or the finance
    # stage that made the guard hold: the receiver's acceptance if the PPK came first (or
    # there is no money), the PPK's acceptance otherwise.
    T(S.ACCEPTED, A.CLOSE, S.CLOSED, SETTLED, FINANCE_DONE),
)
INITIAL = MonitoringState.PREPARATION
FINAL = frozenset({MonitoringState.CLOSED})
# The states whose records (scope, log, results, report) the team may still change.
TEAM_WRITES = frozenset({S.PREPARATION, S.COORDINATION, S.EXECUTION, S.REPORTING})


@dataclass(frozen=True)
class MonitoringStep:
    """One SOP step of a monitoring: its states and its standard time (direct, indirect)."""

    key: str
    sop_step: int
    states: tuple[MonitoringState, ...]
    direct: Standard
    indirect: Standard


STEPS: tuple[MonitoringStep, ...] = (
    MonitoringStep("4", 4, (S.PREPARATION,), Standard(working_days=1), Standard(working_days=1)),
    MonitoringStep("5", 5, (S.COORDINATION,), Standard(working_days=1), Standard(working_days=1)),
    MonitoringStep("6", 6, (S.EXECUTION,), Standard(working_days=4), Standard(working_days=1)),
    MonitoringStep("7", 7, (S.REPORTING,), Standard(working_days=2), Standard(working_days=2)),
    MonitoringStep("8", 8, (S.SUBMISSION,), Standard(working_days=1), Standard(working_days=1)),
    # Step 8b, the money's own track beside 8a: the SOP's one day of step 8 applies to it
    # too, counted from when the track starts (finance_started) to the PPK's acceptance,
    # not from the state (only an accepted report waiting for its money is in it).
    MonitoringStep("8b", 8, (S.ACCEPTED,), Standard(working_days=1), Standard(working_days=1)),
)
FINANCE_STEP = STEPS[-1]


@dataclass(frozen=True)
class MonitoringView:
    """What the table needs to know about a monitoring to offer or check a move."""

    state: MonitoringState
    level: str
    direct: bool
    team: frozenset[int]
    guards: frozenset[str]  # the guards currently satisfied


def is_direct(method: str) -> bool:
    """A field visit is direct monitoring; every other method is indirect."""
    return method == Method.KUNJUNGAN_LAPANGAN


# The indirect path (SOP steps 4b and 6b), whatever the plan row proposed (a stored
# "klarifikasi berkas" row runs as indirect too): step 4 prepares the files to clarify,
# recorded as the signed list of files; step 6 uses one or both of its two ways, the
# electronic contact (a log entry: date, channel, person) and the Asdep's official letter
# (its number and date). The guards in queries/monitoring_state.py count these records.
INDIRECT_FILES = DocumentKind.DAFTAR_BERKAS
INDIRECT_LETTER = DocumentKind.SURAT_INSTANSI
INDIRECT_CONTACT = ActivityKind.KONTAK_ELEKTRONIK
CONTACT, LETTER = "contact", "letter"  # the two ways of step 6b
# The guards whose message differs for an indirect monitoring (what it lacks differs).
INDIRECT_GUARDS = frozenset({DOCUMENTS_READY, RESULTS_COMPLETE})


def indirect_ways(contacts: int, letters: int) -> tuple[str, ...]:
    """The ways of step 6b used so far: electronic contacts logged, the letter recorded."""
    return tuple(way for way, count in ((CONTACT, contacts), (LETTER, letters)) if count)


def activity_kinds(direct: bool) -> tuple[ActivityKind, ...]:
    """The entries a monitoring's execution log takes: an indirect one logs contacts only."""
    return tuple(ActivityKind) if direct else (INDIRECT_CONTACT,)


def activity_refusal(kind: object, direct: bool, values: dict) -> tuple[str, str] | None:
    """Why a log entry is refused (catalogue id, field), or None: a kind this monitoring
    logs, and an electronic contact names its channel and the person contacted (stored
    as the entry's participants, shown as the "contacted" field)."""
    if kind not in activity_kinds(direct):
        known = ActivityKind.allows(kind)
        return "error.activity_kind_indirect" if known else "error.invalid_choice", "activity_kind"
    if kind == INDIRECT_CONTACT:
        for name, field in (("channel", "channel"), ("participants", "contacted")):
            if not values.get(name):
                return "error.required", field
    return None


def document_kind_refusal(kind: str, direct: bool) -> str | None:
    """Why this document does not belong to the monitoring (a catalogue id), or None: the
    files list and the official letter are the indirect path's."""
    if direct and kind in (INDIRECT_FILES, INDIRECT_LETTER):
        return "error.document_indirect_only"
    return None


def guard_message(guard: str, direct: bool) -> str:
    """The catalogue id saying what a guard still lacks, for this kind of monitoring."""
    indirect = not direct and guard in INDIRECT_GUARDS
    return f"error.guard_{guard}" + ("_indirect" if indirect else "")


def receiver_role(level: str) -> Role:
    """Who receives the substance report: the Asdep, or the Deputi for Asdep-led."""
    return Role.DEPUTI if level == Level.ASDEP else Role.ASDEP


def standard(step: MonitoringStep, direct: bool) -> Standard:
    """The step's SOP time: execution is 3-4 days direct (4 counted), 1 indirect."""
    return step.direct if direct else step.indirect


def step_of(state: MonitoringState) -> MonitoringStep | None:
    """The SOP step a state belongs to (None once closed)."""
    return next((step for step in STEPS if state in step.states), None)


def may_act_as(user: User, who: str, monitoring: MonitoringView) -> bool:
    """Whether the user stands in the transition's relation to the monitoring (nobody
    does to a SETTLED move)."""
    if who == TEAM:
        return user.id in monitoring.team
    if who == SETTLED:
        return False
    return receiver_role(monitoring.level) in user.roles and user.id not in monitoring.team


def record_refusal(user: User, state: MonitoringState, team: frozenset[int]) -> str | None:
    """Why the user may not change the monitoring's records now (a catalogue id), or None:
    the records are the team's, and only while the monitoring is in steps 4-7."""
    if not user.can(Action.WORK_MONITORING):
        return "error.forbidden"
    if user.id not in team:
        return "error.not_on_team"
    if state not in TEAM_WRITES:
        return "error.monitoring_state"
    return None


# Step 8b, the financial accountability of a direct monitoring: its stages in order, and
# who records each (the team holds WORK_MONITORING; the BPP receives, the PPK accepts).
FINANCE_STAGES = ("submitted_on", "bpp_received_on", "ppk_accepted_on")
FINANCE_ACTIONS = {
    "submitted_on": Action.WORK_MONITORING,
    "bpp_received_on": Action.RECEIVE_ACCOUNTABILITY,
    "ppk_accepted_on": Action.ACCEPT_ACCOUNTABILITY,
}
# The team submits once reporting, and still after the report is accepted.
FINANCE_STATES = frozenset({S.REPORTING, S.SUBMISSION, S.ACCEPTED})


@dataclass(frozen=True)
class FinanceView:
    """What the hand-over rule needs: the monitoring's state, kind, team, stages recorded,
    and its cost lines (how many, and the numbers of those still without an actual)."""

    state: MonitoringState
    direct: bool
    team: frozenset[int]
    done: frozenset[str]  # the stages recorded so far
    lines: int  # cost lines recorded
    unpaid: tuple[int, ...]  # their numbers (1-based, in the editor's order) without actual


def unpaid_lines(actuals: list[object]) -> tuple[int, ...]:
    """The numbers (1-based) of the cost lines whose actual amount is still missing."""
    return tuple(
        number
        for number, actual in enumerate(actuals, start=1)
        if actual is None or actual != actual  # None, or a missing value read as NaN
    )


def finance_refusal(stage: str, finance: FinanceView, user: User) -> str | None:
    """Why the user may not record this stage now (a catalogue id), or None: the team
    submits (once the report is being written, with an actual amount on every cost line),
    then the BPP receives, then the PPK accepts."""
    if not finance.direct:
        return "error.finance_direct_only"
    if not user.can(FINANCE_ACTIONS[stage]):
        return "error.forbidden"
    if stage == FINANCE_STAGES[0]:
        if user.id not in finance.team:
            return "error.not_on_team"
        if finance.state not in FINANCE_STATES:
            return "error.monitoring_state"
    if stage in finance.done:
        return "error.finance_recorded"
    position = FINANCE_STAGES.index(stage)
    if position and FINANCE_STAGES[position - 1] not in finance.done:
        return "error.finance_order"
    if stage == FINANCE_STAGES[0]:  # the money handed over whole: every line spent
        if not finance.lines:
            return "error.finance_no_costs"
        if finance.unpaid:
            return "error.finance_actuals_missing"
    return None


def finance_params(reason: str, finance: FinanceView) -> dict[str, object]:
    """The values the refusal's message names: the cost lines still without an actual."""
    if reason == "error.finance_actuals_missing":
        return {"count": len(finance.unpaid), "rows": ", ".join(map(str, finance.unpaid))}
    return {}


def settled(state: MonitoringState, guards: frozenset[str]) -> MonitoringState:
    """The state a monitoring comes to rest in: `state` itself, or where the table's
    SETTLED rows take it once their guard holds (an accepted report, money done: closed)."""
    for t in TRANSITIONS:
        if t.who == SETTLED and t.state is state and (t.guard is None or t.guard in guards):
            return settled(t.next_state, guards)
    return state


def finance_started(
    step8_started: dt.datetime | None,
    submitted_on: dt.date | None,
    opens: dt.time = OFFICE_OPENS,
) -> dt.datetime | None:
    """When the money's track starts its clock: when step 8 starts (the report first
    submitted: step 7 made both reports), or when the team hands the accountability to
    the BPP, if earlier (at the office's opening of that day, the unit's setting: see
    deadlines.office_hours); None before either."""
    starts = [step8_started] if step8_started else []
    if submitted_on:
        starts.append(dt.datetime.combine(submitted_on, opens, config.TIMEZONE))
    return min(starts) if starts else None


def finance_stage(done: frozenset[str]) -> str | None:
    """The last stage of the accountability recorded (None: not submitted yet)."""
    return next((stage for stage in reversed(FINANCE_STAGES) if stage in done), None)


def refusal(transition: MonitoringTransition, monitoring: MonitoringView, user: User) -> str | None:
    """Why the user may not take this move now (a catalogue id), or None."""
    if monitoring.state is not transition.state or transition.who == SETTLED:
        return "error.monitoring_state"
    if not may_act_as(user, transition.who, monitoring):
        return "error.not_on_team" if transition.who == TEAM else "error.not_the_receiver"
    if transition.guard and transition.guard not in monitoring.guards:
        return guard_message(transition.guard, monitoring.direct)
    return None


def available_actions(monitoring: MonitoringView, user: User) -> list[MonitoringAction]:
    """The moves to offer this user now, in table order."""
    return [t.action for t in TRANSITIONS if refusal(t, monitoring, user) is None]


def blocked_actions(monitoring: MonitoringView, user: User) -> dict[MonitoringAction, str]:
    """Moves of this state the user stands in relation to but a guard still blocks."""
    return {
        t.action: t.guard and guard_message(t.guard, monitoring.direct)
        for t in TRANSITIONS
        if t.state is monitoring.state
        and may_act_as(user, t.who, monitoring)
        and refusal(t, monitoring, user) is not None
    }


def transitions_for(state: MonitoringState, action: MonitoringAction) -> list[MonitoringTransition]:
    """Every row of the table for this state and action (at most one in this table)."""
    return [t for t in TRANSITIONS if t.state is state and t.action is action]


# Step 4a, the Deputi's answer to the memorandum proposing a direct visit ("arahan dan
# persetujuan"): the Deputi answers in the app, or a team member enters the written
# disposition; the assignment letter and the travel memorandum wait for an approval, and a
# returned memo is revised (recorded again under a new number) and answered again. An
# Asdep-led visit was approved by the Deputi in step 3 (plan_flow: AWAITING_DEPUTI); that
# approval covers the memo, and is recorded as its answer when the memo is recorded.
WAIT_FOR_APPROVAL = frozenset({DocumentKind.SURAT_TUGAS, DocumentKind.MEMO_KEUANGAN})


@dataclass(frozen=True)
class MemoView:
    """What the answer rule needs: the monitoring, its memo, and that memo's answer."""

    state: MonitoringState
    level: str
    direct: bool
    team: frozenset[int]
    memo: bool  # the memorandum to the Deputi is recorded (number and date)
    answer: MemoOutcome | None  # the answer to that memorandum, None while it waits


def answered_in_plan(level: str) -> bool:
    """Whether the Deputi's step-3 approval of the plan row answers the memo (Asdep-led)."""
    return level == Level.ASDEP


def answer_refusal(memo: MemoView, user: User, via: str) -> str | None:
    """Why the user may not record the Deputi's answer this way now (a catalogue id), or
    None: the Deputi answers in the app; a team member enters a written disposition; only
    for a direct visit in preparation whose recorded memo has no answer yet."""
    if via == AnswerVia.APP:
        if not user.can(Action.ANSWER_MEMO):
            return "error.forbidden"
    elif via == AnswerVia.PAPER:
        reason = record_refusal(user, memo.state, memo.team)
        if reason:
            return reason
    else:  # AnswerVia.PLAN is recorded with the memo, never entered by a person
        return "error.invalid_choice"
    if not memo.direct:
        return "error.memo_direct_only"
    if memo.state is not MonitoringState.PREPARATION:
        return "error.monitoring_state"
    if not memo.memo:
        return "error.memo_not_recorded"
    if memo.answer is not None:
        return "error.memo_answered"
    return None


def memo_waits_for(memo: MemoView, user: User) -> bool:
    """Whether the memo waits for this user's answer (the Deputi's "Menunggu Saya")."""
    return answer_refusal(memo, user, AnswerVia.APP) is None


def document_refusal(kind: str, memo: MemoView) -> str | None:
    """Why this document of a direct visit may not be recorded now (a catalogue id), or
    None: the memo once (again only after it was returned), the assignment letter and the
    travel memorandum once the memo is approved. Who records is record_refusal's rule."""
    if not memo.direct:
        return None
    if kind == DocumentKind.MEMO_DEPUTI and memo.memo and memo.answer is not MemoOutcome.RETURNED:
        return "error.document_recorded"
    if kind in WAIT_FOR_APPROVAL and memo.answer is not MemoOutcome.APPROVED:
        return "error.memo_not_approved"
    return None
