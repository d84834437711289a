"""The monitoring-plan matrix through SOP steps 1-3: draft, discuss, decide.

Every function is one transaction: it re-reads the plan, refuses a stale screen (the
revision the user saw is no longer current), checks the transition table and the
user's roles, writes, appends a plan_event (with the matrix as it then stood) and an
audit row. Approved rows become monitorings.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from dumas.db import Database, next_id
from dumas.domain import periods, plan_flow
from dumas.domain.codes import Level, PlanSource, RowStatus
from dumas.domain.errors import Message, ValidationError
from dumas.domain.permissions import Action, Forbidden, User, require
from dumas.domain.plan_flow import PlanAction, PlanState, RowChoice
from dumas.periodic.contents import period_name
from dumas.queries.plan_state import Plan, load, view
from dumas.services.common import clean_text, raise_if
from dumas.services.monitoring_records import plan_costs_from_rows
from dumas.services.plan_common import open_plan, record_event, snapshot
from dumas.services.plan_matrix import (
    MAX_LETTERS_PER_ADD,
    add_letters,
    apply_rows,
    remove_letters,
    save_rows,
)

__all__ = [
    "MAX_LETTERS_PER_ADD",
    "act",
    "add_letters",
    "comment",
    "create_plan",
    "remove_letters",
    "save_and_act",
    "save_rows",
    "snapshot",
]

MAX_TITLE = 200


def create_plan(
    db: Database,
    actor: User,
    *,
    title: str,
    period: str,
    source: str,
    bidang: str | None,
    now: dt.datetime,
) -> int:
    """Open a draft plan for a report period (2026-S2, 2026-12, 2026: docs/figures.md), from
    the database review or the work programme. The plan keeps the period's code, so plans,
    monitorings and reports line up, and its Indonesian name ("Semester II 2026"), which
    every document's basis clause cites."""
    require(actor, Action.CREATE_PLAN)
    errors: list[Message] = []
    title = _required_text(title, "title", errors)
    chosen = _plan_period(period, errors)
    bidang = clean_text(bidang, "bidang", errors)
    if not PlanSource.allows(source):
        errors.append(Message("error.invalid_choice", {}, "source"))
    raise_if(errors)
    assert chosen is not None  # raise_if refused a missing one
    with db.transaction() as cur:
        plan_id = next_id(cur, "plan")
        cur.execute(
            """
            INSERT INTO plan (id, title, period_label, period_code, source, bidang, state,
                              state_since, created_by, created_at)
            VALUES ($id, $title, $label, $code, $source, $bidang, 'draft', $now, $by, $now)
            """,
            {"id": plan_id, "title": title, "label": period_name(chosen, "id"),
             "code": chosen.code, "source": source, "bidang": bidang, "now": now,
             "by": actor.id},
        )  # fmt: skip
        plan = load(cur, plan_id)
        record_event(cur, plan, actor, "create", PlanState.DRAFT, None, now)
        return plan_id


def _plan_period(code: str | None, errors: list[Message]) -> periods.Period | None:
    """The report period chosen (a month, semester or year); None with an error if not."""
    if not (code or "").strip():
        errors.append(Message("error.required", {}, "period_label"))
        return None
    try:
        return periods.plan_period(code or "")
    except ValueError:
        errors.append(Message("error.plan_period", {}, "period_label"))
        return None


def _required_text(value: str | None, field: str, errors: list[Message]) -> str:
    text = clean_text(value, field, errors) or ""
    if not text:
        errors.append(Message("error.required", {}, field))
    elif len(text) > MAX_TITLE:
        errors.append(Message("error.too_long", {"max": MAX_TITLE}, field))
    return text


def comment(db: Database, actor: User, plan_id: int, *, note: str, now: dt.datetime) -> None:
    """A discussion note (step 2) or a direction note; appended, never a conflict."""
    errors: list[Message] = []
    note = clean_text(note, "note", errors) or ""
    if not note:
        errors.append(Message("error.required", {}, "note"))
    raise_if(errors)
    with db.transaction() as cur:
        plan = load(cur, plan_id)
        require(actor, Action.VIEW_PLANS)
        if not plan_flow.may_comment(actor, plan.state, plan.bidang):
            raise Forbidden(Message("error.cannot_comment_plan"))
        record_event(cur, plan, actor, "comment", plan.state, note, now)


def act(
    db: Database,
    actor: User,
    plan_id: int,
    *,
    revision: int,
    action: PlanAction | str,
    note: str | None,
    now: dt.datetime,
    choices: dict[int, RowChoice | str] | None = None,
) -> PlanState:
    """Take one step of the transition table; returns the plan's new state."""
    action, note = _checked_action(actor, action, note)
    with db.transaction() as cur:
        plan = open_plan(cur, plan_id, revision)
        return _take(cur, plan, actor, action, note, choices, now)


def save_and_act(
    db: Database,
    actor: User,
    plan_id: int,
    *,
    revision: int,
    updated: dict[int, dict[str, object]],
    deleted: list[int],
    action: PlanAction | str,
    note: str | None,
    now: dt.datetime,
    choices: dict[int, RowChoice | str] | None = None,
) -> PlanState:
    """The matrix edits the user has not saved yet, saved with the same checks as
    save_rows, then the step taken, in one transaction: both happen or neither does."""
    action, note = _checked_action(actor, action, note)
    with db.transaction() as cur:
        plan = open_plan(cur, plan_id, revision)
        if apply_rows(cur, actor, plan, updated=updated, added=[], deleted=deleted, now=now):
            plan = load(cur, plan_id)  # the revision the save moved on
        return _take(cur, plan, actor, action, note, choices, now)


def _checked_action(
    actor: User, action: PlanAction | str, note: str | None
) -> tuple[PlanAction, str | None]:
    require(actor, Action.VIEW_PLANS)
    errors: list[Message] = []
    note = clean_text(note, "note", errors)
    raise_if(errors)
    try:
        return PlanAction(action), note
    except ValueError:
        raise ValidationError(Message("error.invalid_choice", {}, "action")) from None


def _take(
    cur: duckdb.DuckDBPyConnection,
    plan: Plan,
    actor: User,
    action: PlanAction,
    note: str | None,
    choices: dict[int, RowChoice | str] | None,
    now: dt.datetime,
) -> PlanState:
    transition, reason = plan_flow.permitted(view(cur, plan), actor, action)
    if transition is None:
        raise Forbidden(Message(reason or "error.forbidden_step"))
    if transition.note_required and not note:
        raise ValidationError(Message("error.note_required", {}, "note"))
    outcome: str | None = None
    details: dict = {}
    if transition.is_decision:
        outcome, details = _decide(cur, plan, actor, action, choices, note, now)
    target = plan_flow.next_state(plan.state, action, outcome)
    version = plan.version + 1 if action is PlanAction.SUBMIT else plan.version
    cur.execute(
        """
        UPDATE plan SET state = $state, state_since = $now, version = $version,
                        revision = revision + 1
         WHERE id = $id
        """,
        {"state": target.value, "now": now, "version": version, "id": plan.id},
    )
    record_event(
        cur, plan, actor, action.value, target, note, now, version=version, details=details
    )
    return target


def _decide(
    cur: duckdb.DuckDBPyConnection,
    plan: Plan,
    actor: User,
    action: PlanAction,
    choices: dict[int, RowChoice | str] | None,
    note: str | None,
    now: dt.datetime,
) -> tuple[str, dict]:
    """Apply the approver's choice to each undecided row; approved rows become monitorings."""
    waiting = plan_flow.deciding(plan.state)
    rows = dict(
        cur.execute(
            "SELECT id, level FROM plan_row WHERE plan_id = $id AND status = $status",
            {"id": plan.id, "status": waiting},
        ).fetchall()
    )
    chosen = _choices(action, rows, choices)
    if not note and any(c is not RowChoice.APPROVE for c in chosen.values()):
        raise ValidationError(Message("error.note_required", {}, "note"))
    after = {row_id: _status_after(plan.state, rows[row_id], c) for row_id, c in chosen.items()}
    cur.execute(
        """
        UPDATE plan_row AS r SET status = c.status, decision_note = $note
          FROM (SELECT unnest($ids) AS id, unnest($statuses) AS status) AS c
         WHERE r.id = c.id
        """,
        {"ids": list(after), "statuses": list(after.values()), "note": note},
    )
    approved = [row_id for row_id, status in after.items() if status == RowStatus.APPROVED]
    monitorings = _create_monitorings(cur, approved, actor, now) if approved else []
    statuses = [
        r[0]
        for r in cur.execute(
            "SELECT status FROM plan_row WHERE plan_id = $id", {"id": plan.id}
        ).fetchall()
    ]
    details = {"choices": {str(k): v.value for k, v in chosen.items()}, "monitorings": monitorings}
    return plan_flow.outcome_of(plan.state, statuses), details


def _choices(
    action: PlanAction, rows: dict[int, str], choices: dict[int, RowChoice | str] | None
) -> dict[int, RowChoice]:
    """Every undecided row's choice: the same for all, or one each (DECIDE)."""
    if not rows:
        raise ValidationError(Message("error.nothing_to_decide"))
    uniform = {PlanAction.APPROVE: RowChoice.APPROVE, PlanAction.RETURN: RowChoice.RETURN,
               PlanAction.REJECT: RowChoice.REJECT}  # fmt: skip
    if action in uniform:
        return dict.fromkeys(rows, uniform[action])
    try:
        chosen = {int(k): RowChoice(v) for k, v in (choices or {}).items()}
    except ValueError:
        raise ValidationError(Message("error.invalid_choice", {}, "decision")) from None
    if set(chosen) != set(rows):
        raise ValidationError(Message("error.choices_incomplete"))
    return chosen


def _status_after(state: PlanState, level: str, choice: RowChoice) -> RowStatus:
    if choice is RowChoice.RETURN:
        return RowStatus.PENDING
    if choice is RowChoice.REJECT:
        return RowStatus.REJECTED
    if state is PlanState.PROPOSED and level == Level.ASDEP:
        return RowStatus.AWAITING_DEPUTI  # an Asdep-led monitoring also needs the Deputi
    return RowStatus.APPROVED


def _create_monitorings(
    cur: duckdb.DuckDBPyConnection, row_ids: list[int], actor: User, now: dt.datetime
) -> list[int]:
    """The approved rows as monitorings: level, method, team and lead, agency, letters."""
    params = {"rows": row_ids, "by": actor.id, "now": now}
    created = cur.execute(
        """
        INSERT INTO monitoring (id, plan_id, plan_row_id, agency_id, province_code, level,
                                method, team_lead, schedule_from, schedule_to,
                                estimated_cost, approved_by, approved_at, state_since)
        SELECT (SELECT coalesce(max(id), 0) FROM monitoring)
                   + row_number() OVER (ORDER BY position),
               plan_id, id, agency_id, province_code, level, method, team_lead,
               schedule_from, schedule_to,
               CASE WHEN method = 'kunjungan_lapangan'
                    THEN trip_cost(persons, days, transport, lodging, allowance) END,
               $by, $now, $now
          FROM plan_row
         WHERE id IN (SELECT unnest($rows))
        RETURNING id
        """,
        params,
    ).fetchall()
    scope = {"rows": row_ids}
    cur.execute(
        """
        INSERT INTO monitoring_member
        SELECT m.id, member, member = r.team_lead
          FROM plan_row AS r
          JOIN monitoring AS m ON m.plan_row_id = r.id,
               unnest(list_distinct(list_prepend(r.team_lead, r.team))) AS t(member)
         WHERE r.id IN (SELECT unnest($rows))
        """,
        scope,
    )
    cur.execute(
        """
        INSERT INTO monitoring_letter
        SELECT m.id, l.forwarding_id
          FROM plan_letter AS l
          JOIN monitoring AS m ON m.plan_row_id = l.plan_row_id
         WHERE l.plan_row_id IN (SELECT unnest($rows))
        """,
        scope,
    )
    created_ids = sorted(r[0] for r in created)
    plan_costs_from_rows(cur, actor, created_ids)  # step 4 starts with the row's money
    return created_ids
