"""SOP 305/2012 steps 1-3 as data: the plan's states, the transition table, the steps.

The table drives both the buttons a page shows (available_actions) and the check the
service makes when the button is pressed (permitted). Each step names its standard time;
when a step is due and how late it is, dumas/domain/deadlines.py says. Nothing here touches the
database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from dumas.domain.codes import PlanSource, RowStatus
from dumas.domain.deadlines import Standard
from dumas.domain.permissions import BIDANG_ROLES, Role, User


class PlanState(StrEnum):
    """Where a monitoring plan stands."""

    DRAFT = "draft"  # step 1: the analyst drafts (or revises) the matrix
    SUBMITTED = "submitted"  # step 2: at the Kasubbid
    DISCUSSION = "discussion"  # step 2: Kasubbid and Kabid discuss, the Kabid proposes
    PROPOSED = "proposed"  # step 3: the Asdep decides
    AWAITING_DEPUTI = "awaiting_deputi"  # step 3: Asdep-led rows need the Deputi
    DECIDED = "decided"  # every row approved or rejected; approved rows are monitorings
    REJECTED = "rejected"  # the whole plan refused
    CANCELLED = "cancelled"  # withdrawn by the analyst before it was ever submitted


class PlanAction(StrEnum):
    """What a user can do to a plan."""

    SUBMIT = "submit"
    FORWARD = "forward"
    PROPOSE = "propose"
    APPROVE = "approve"  # every undecided row approved
    DECIDE = "decide"  # per row: approve, return or reject
    RETURN = "return"  # every undecided row back to the analyst
    REJECT = "reject"  # every undecided row refused
    CANCEL = "cancel"


class RowChoice(StrEnum):
    """An approver's decision on one row."""

    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"


# The outcome of a decision, which picks the next state among a decision's transitions.
DEPUTI_NEEDED = "deputi_needed"  # approved Asdep-led rows now wait for the Deputi
ROWS_RETURNED = "rows_returned"  # some rows go back to the analyst for revision
ALL_REJECTED = "all_rejected"  # nothing in the plan was approved
ALL_DECIDED = "all_decided"  # every row approved or rejected, at least one approved

# Guards: preconditions on the plan's rows (queries/plan_state.py), checked by refusal().
ROWS_READY = "rows_ready"  # undecided rows exist, each with a method and a level
TEAMS_READY = "teams_ready"  # ... and each with a team lead
NEVER_SUBMITTED = "never_submitted"


@dataclass(frozen=True)
class PlanTransition:
    """One allowed move: in state, role may take action, leading to next_state."""

    state: PlanState
    action: PlanAction
    next_state: PlanState
    role: Role
    guard: str | None = None  # a precondition on the plan
    outcome: str | None = None  # for decisions: which result leads here
    self_approval: bool = True  # False: not by anyone who already acted in this round
    note_required: bool = False

    @property
    def is_decision(self) -> bool:
        return self.outcome is not None


T = PlanTransition
S = PlanState
A = PlanAction
DECISIONS = frozenset({A.APPROVE, A.DECIDE, A.RETURN, A.REJECT})

# The asdep's decision: every outcome that each of its actions can have.
_ASDEP_OUTCOMES = {
    A.APPROVE: {DEPUTI_NEEDED: S.AWAITING_DEPUTI, ALL_DECIDED: S.DECIDED},
    A.DECIDE: {
        DEPUTI_NEEDED: S.AWAITING_DEPUTI,
        ROWS_RETURNED: S.DRAFT,
        ALL_REJECTED: S.REJECTED,
        ALL_DECIDED: S.DECIDED,
    },
    A.RETURN: {ROWS_RETURNED: S.DRAFT},
    A.REJECT: {ALL_REJECTED: S.REJECTED, ALL_DECIDED: S.DECIDED},
}
# The Deputi decides the Asdep-led rows; rows the Asdep returned wait for this.
_DEPUTI_OUTCOMES = {
    A.APPROVE: {ROWS_RETURNED: S.DRAFT, ALL_DECIDED: S.DECIDED},
    A.DECIDE: {ROWS_RETURNED: S.DRAFT, ALL_REJECTED: S.REJECTED, ALL_DECIDED: S.DECIDED},
    A.RETURN: {ROWS_RETURNED: S.DRAFT},
    A.REJECT: {ROWS_RETURNED: S.DRAFT, ALL_REJECTED: S.REJECTED, ALL_DECIDED: S.DECIDED},
}
_NOTE_REQUIRED = {A.RETURN, A.REJECT}


def _decisions(state: PlanState, role: Role, outcomes: dict) -> tuple[PlanTransition, ...]:
    return tuple(
        T(state, action, target, role, outcome=outcome, self_approval=action is A.RETURN,
          note_required=action in _NOTE_REQUIRED)
        for action, by_outcome in outcomes.items()
        for outcome, target in by_outcome.items()
    )  # fmt: skip


TRANSITIONS: tuple[PlanTransition, ...] = (
    T(S.DRAFT, A.SUBMIT, S.SUBMITTED, Role.ANALIS, guard=ROWS_READY),
    T(S.DRAFT, A.CANCEL, S.CANCELLED, Role.ANALIS, guard=NEVER_SUBMITTED, note_required=True),
    T(S.SUBMITTED, A.FORWARD, S.DISCUSSION, Role.KASUBBID),
    T(S.SUBMITTED, A.RETURN, S.DRAFT, Role.KASUBBID, note_required=True),
    T(S.DISCUSSION, A.PROPOSE, S.PROPOSED, Role.KABID, guard=TEAMS_READY),
    T(S.DISCUSSION, A.RETURN, S.DRAFT, Role.KASUBBID, note_required=True),
    T(S.DISCUSSION, A.RETURN, S.DRAFT, Role.KABID, note_required=True),
    *_decisions(S.PROPOSED, Role.ASDEP, _ASDEP_OUTCOMES),
    *_decisions(S.AWAITING_DEPUTI, Role.DEPUTI, _DEPUTI_OUTCOMES),
)
INITIAL = PlanState.DRAFT
FINAL = frozenset({PlanState.DECIDED, PlanState.REJECTED, PlanState.CANCELLED})

# Who may change the matrix rows in each state (not a transition: the plan stays put).
EDITORS: dict[PlanState, frozenset[Role]] = {
    PlanState.DRAFT: frozenset({Role.ANALIS}),
    PlanState.SUBMITTED: frozenset({Role.KASUBBID}),
    PlanState.DISCUSSION: frozenset({Role.KASUBBID, Role.KABID}),
}
# Who may add a note without acting, in each state (the discussion of step 2, the
# Asdep's or Deputi's direction); the analyst writes a note with the submission itself.
COMMENTERS: dict[PlanState, frozenset[Role]] = {
    PlanState.SUBMITTED: frozenset({Role.KASUBBID}),
    PlanState.DISCUSSION: frozenset({Role.KASUBBID, Role.KABID}),
    PlanState.PROPOSED: frozenset({Role.ASDEP}),
    PlanState.AWAITING_DEPUTI: frozenset({Role.DEPUTI}),
}


@dataclass(frozen=True)
class PlanStep:
    """One SOP step of the plan: the states it covers and who acts in it."""

    key: str  # "1", "2", "3", "3d" (step 3, the Deputi's part)
    sop_step: int
    states: tuple[PlanState, ...]
    roles: tuple[Role, ...]
    standard: Standard


STEPS: tuple[PlanStep, ...] = (
    PlanStep("1", 1, (S.DRAFT,), (Role.ANALIS,), Standard(working_days=1)),
    PlanStep("2", 2, (S.SUBMITTED, S.DISCUSSION), (Role.KASUBBID, Role.KABID),
         Standard(working_days=1)),
    PlanStep("3", 3, (S.PROPOSED,), (Role.ASDEP,), Standard(minutes=20)),
    PlanStep("3d", 3, (S.AWAITING_DEPUTI,), (Role.DEPUTI,),
             Standard(minutes=20, setting="deputi_minutes")),  # the unit's own: not in the SOP
)  # fmt: skip


@dataclass(frozen=True)
class PlanView:
    """What the table needs to know about a plan to offer or check an action."""

    state: PlanState
    bidang: str | None
    participants: frozenset[int]  # users who moved it in this round (self-approval rule)
    never_submitted: bool
    rows_ready: bool
    teams_ready: bool


def step_of(state: PlanState) -> PlanStep | None:
    """The SOP step a state belongs to (None once the plan is final)."""
    return next((step for step in STEPS if state in step.states), None)


def in_area(user: User, role: Role, bidang: str | None) -> bool:
    """A Kasubbid or Kabid acts only on plans of their own Bidang (when both are set)."""
    return role not in BIDANG_ROLES or not bidang or not user.bidang or user.bidang == bidang


# The rules besides the transitions, each asked by the service that enforces it and by
# the page that offers it (one home: the page never re-derives them).


def may_edit(user: User, state: PlanState, bidang: str | None) -> bool:
    """Whether the user may change the matrix rows now (EDITORS, in their own Bidang)."""
    return _holds_role_in(EDITORS, user, state, bidang)


def may_comment(user: User, state: PlanState, bidang: str | None) -> bool:
    """Whether the user may add a note without acting (COMMENTERS, in their own Bidang)."""
    return _holds_role_in(COMMENTERS, user, state, bidang)


def _holds_role_in(
    table: dict[PlanState, frozenset[Role]], user: User, state: PlanState, bidang: str | None
) -> bool:
    roles = table.get(state, frozenset()) & user.roles
    return any(in_area(user, role, bidang) for role in roles)


LETTERS_SOURCE = PlanSource.DATABASE  # letters come into a matrix only from the database review


def may_add_letters(user: User, state: PlanState, bidang: str | None, source: str) -> bool:
    """Whether the user may add letters: an editor now, of a plan from the database review."""
    return source == LETTERS_SOURCE and may_edit(user, state, bidang)


def row_open(status: str) -> bool:
    """A row's fields and letters change only while it is undecided (plan_row.status)."""
    return status == RowStatus.PENDING


def deciding(state: PlanState) -> RowStatus:
    """The row status a decision in this state works through: the Asdep decides the
    undecided rows, the Deputi the Asdep-led rows the Asdep approved."""
    return RowStatus.AWAITING_DEPUTI if state is PlanState.AWAITING_DEPUTI else RowStatus.PENDING


def watches(user: User, bidang: str | None = None) -> bool:
    """Whether the user oversees plans of this Bidang (any Bidang without one): the Asdep
    every plan, a Kabid those of their own Bidang; they see what runs late there."""
    return Role.ASDEP in user.roles or (
        Role.KABID in user.roles and in_area(user, Role.KABID, bidang)
    )


def refusal(transition: PlanTransition, plan: PlanView, user: User) -> str | None:
    """Why the user may not take this transition now (a catalogue id), or None."""
    if plan.state is not transition.state:
        return "error.plan_state"
    if transition.role not in user.roles:
        return "error.forbidden_step"
    if not in_area(user, transition.role, plan.bidang):
        return "error.not_your_bidang"
    if not transition.self_approval and user.id in plan.participants:
        return "error.self_approval"
    guard = transition.guard
    if guard == ROWS_READY and not plan.rows_ready:
        return "error.rows_not_ready"
    if guard == TEAMS_READY and not plan.teams_ready:
        return "error.teams_not_ready"
    if guard == NEVER_SUBMITTED and not plan.never_submitted:
        return "error.already_submitted"
    return None


def available_actions(plan: PlanView, user: User) -> list[PlanAction]:
    """The actions to offer this user on this plan, in table order, each once."""
    offered: list[PlanAction] = []
    for transition in TRANSITIONS:
        if transition.action not in offered and refusal(transition, plan, user) is None:
            offered.append(transition.action)
    return offered


def blocked_actions(plan: PlanView, user: User) -> dict[PlanAction, str]:
    """Actions the user's roles allow in this state but a rule forbids now, with why."""
    blocked: dict[PlanAction, str] = {}
    allowed = set(available_actions(plan, user))
    for transition in TRANSITIONS:
        if transition.state is plan.state and transition.role in user.roles:
            reason = refusal(transition, plan, user)
            if reason and transition.action not in allowed:
                blocked.setdefault(transition.action, reason)
    return blocked


def transitions_for(state: PlanState, action: PlanAction) -> list[PlanTransition]:
    """Every row of the table for this state and action (several for decisions)."""
    return [t for t in TRANSITIONS if t.state is state and t.action is action]


def permitted(
    plan: PlanView, user: User, action: PlanAction
) -> tuple[PlanTransition | None, str | None]:
    """The first transition the user may take for this action, else the first refusal."""
    rows = transitions_for(plan.state, action)
    if not rows:
        return None, "error.plan_state"
    reasons = [refusal(row, plan, user) for row in rows]
    for row, reason in zip(rows, reasons, strict=True):
        if reason is None:
            return row, None
    return None, reasons[0]


def outcome_of(state: PlanState, statuses: Iterable[str]) -> str:
    """The result of a decision from every row's status after it (see plan_row.status)."""
    statuses = list(statuses)
    if state is PlanState.PROPOSED and RowStatus.AWAITING_DEPUTI in statuses:
        return DEPUTI_NEEDED
    if RowStatus.PENDING in statuses:
        return ROWS_RETURNED
    if RowStatus.APPROVED not in statuses:
        return ALL_REJECTED
    return ALL_DECIDED


def next_state(state: PlanState, action: PlanAction, outcome: str | None) -> PlanState:
    """Where the action leads; decisions pick their row of the table by outcome."""
    for transition in transitions_for(state, action):
        if transition.outcome is None or transition.outcome == outcome:
            return transition.next_state
    raise ValueError(f"no transition for {state} {action} {outcome}")


def waiting_roles(state: PlanState) -> frozenset[Role]:
    """The roles whose action the plan waits for in this state."""
    return frozenset(t.role for t in TRANSITIONS if t.state is state)
