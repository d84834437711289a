"""A plan's history: its events, the SOP checklist, version differences, and the inbox."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import duckdb
import pandas as pd

from dumas.domain import plan_flow
from dumas.domain.deadlines import LateBy, Standard, due_at, effective, late_by
from dumas.domain.monitoring_flow import MonitoringStep
from dumas.domain.permissions import User
from dumas.domain.plan_flow import PlanState, PlanStep
from dumas.domain.report_flow import ReportStep
from dumas.queries.plan_state import Plan, view

# Fields compared between two versions of the matrix, in the order shown.
DIFF_FIELDS = (
    "agency", "province_code", "origin_reason", "method", "priority", "priority_reason",
    "schedule_from", "schedule_to", "level", "team_lead", "team", "persons", "days",
    "transport", "lodging", "allowance", "letters",
)  # fmt: skip


def events(cur: duckdb.DuckDBPyConnection, plan_id: int) -> pd.DataFrame:
    """Every event of the plan in order, with who took it."""
    return cur.execute(
        """
        SELECT e.id, e.occurred_at AS at, u.full_name AS actor, e.action, e.from_state, e.to_state,
               e.version, e.note
          FROM plan_event AS e
          LEFT JOIN app_user AS u ON u.id = e.actor_id
         WHERE e.plan_id = $id
         ORDER BY e.id
        """,
        {"id": plan_id},
    ).df()


def rows_at(
    cur: duckdb.DuckDBPyConnection, plan_id: int, action: str | None = None
) -> list[dict] | None:
    """The matrix as it stood after the latest event of this action (e.g. 'submit'), or
    after the latest change of any kind when no action is given (notes change no row)."""
    found = cur.execute(
        """
        SELECT rows FROM plan_event
         WHERE plan_id = $id
           AND (action = $action OR ($action IS NULL AND action <> 'comment'))
         ORDER BY id DESC
         LIMIT 1
        """,
        {"id": plan_id, "action": action},
    ).fetchall()
    return json.loads(found[0][0]) if found else None


def diff(before: list[dict], after: list[dict]) -> list[dict[str, object]]:
    """Row by row: added, removed, or each changed field with its old and new value."""
    old = {row["id"]: row for row in before}
    new = {row["id"]: row for row in after}
    changes: list[dict[str, object]] = []
    for row_id, row in new.items():
        if row_id not in old:
            changes.append(_change(row, "added", None, None, None))
            continue
        for name in DIFF_FIELDS:
            was, now = _comparable(old[row_id].get(name)), _comparable(row.get(name))
            if was != now:
                changes.append(_change(row, "changed", name, was, now))
    for row_id, row in old.items():
        if row_id not in new:
            changes.append(_change(row, "removed", None, None, None))
    return changes


def _comparable(value: object) -> object:
    """Snapshot values come back from JSON as text and lists; compare them as such."""
    if isinstance(value, list):
        return sorted(str(v) for v in value)
    return None if value is None else str(value)


def _change(row: dict, kind: str, name: str | None, old: object, new: object) -> dict:
    return {"position": row.get("position"), "agency": row.get("agency"), "change": kind,
            "field": name, "old": old, "new": new}  # fmt: skip


@dataclass(frozen=True)
class StepRun:
    """One pass through an SOP step (of a plan or of a monitoring): the standard time it
    is measured against, who, when it started and ended, when it was due."""

    step: PlanStep | MonitoringStep
    standard: Standard
    started: dt.datetime | None
    done: dt.datetime | None
    done_by: str | None
    due: dt.datetime | None
    late: LateBy | None
    outcome: str | None = None  # a monitoring's: the m_event.* code that ended the run


def checklist(cur: duckdb.DuckDBPyConnection, plan_id: int, now: dt.datetime) -> list[StepRun]:
    """Each pass through steps 1-3 in order, then the steps not reached yet in this round."""
    timeline = cur.execute(
        """
        SELECT e.occurred_at, e.from_state, e.to_state, u.full_name
          FROM plan_event AS e
          LEFT JOIN app_user AS u ON u.id = e.actor_id
         WHERE e.plan_id = $id AND (e.from_state <> e.to_state OR e.action = 'create')
         ORDER BY e.id
        """,
        {"id": plan_id},
    ).fetchall()
    runs: list[StepRun] = []
    current: tuple[PlanStep, dt.datetime] | None = None
    for at, _from_state, to_state, actor in timeline:
        step = plan_flow.step_of(PlanState(to_state))
        if current and current[0] is step:
            continue  # e.g. submitted -> discussion: both step 2
        if current:
            runs.append(_run(cur, current[0], current[1], at, actor, now))
        current = (step, at) if step else None
    if current:
        runs.append(_run(cur, current[0], current[1], None, None, now))
        reached = {run.step.key for run in runs[_round_start(runs) :]}
        later = plan_flow.STEPS[plan_flow.STEPS.index(current[0]) + 1 :]
        runs += [StepRun(s, effective(cur, s.standard), None, None, None, None, None)
                 for s in later if s.key not in reached]  # fmt: skip
    return runs


def _round_start(runs: list[StepRun]) -> int:
    starts = [i for i, run in enumerate(runs) if run.step.key == "1"]
    return starts[-1] if starts else 0


def _run(
    cur: duckdb.DuckDBPyConnection,
    step: PlanStep,
    started: dt.datetime,
    done: dt.datetime | None,
    done_by: str | None,
    now: dt.datetime,
) -> StepRun:
    standard = effective(cur, step.standard)  # the unit's own standards: as set now
    due = due_at(cur, started, standard)
    return StepRun(step, standard, started, done, done_by, due, late_by(cur, due, done or now))


@dataclass(frozen=True)
class InboxItem:
    """A plan or a monitoring waiting for someone, with its current step's due time."""

    record_id: int  # the plan's id, or the monitoring's
    title: str
    period_label: str
    state: str  # a plan_state.* or monitoring_state.* code, by kind
    bidang: str | None
    step: PlanStep | MonitoringStep | ReportStep  # by kind
    since: dt.datetime
    due: dt.datetime
    late: LateBy | None
    mine: bool  # waiting for this user's action (else: overdue in their area)
    kind: str = "plan"  # "plan", "monitoring", "finance" (a field visit's money, step 8b), "report"
    period_code: str = ""  # a report's period (2026-05, 2026-S1, 2026): its page's link
    locus: str | None = None  # a monitoring's province: what tells one plan's monitorings apart
    method: str | None = None  # a monitoring's method code (method.*)


def inbox(cur: duckdb.DuckDBPyConnection, user: User, now: dt.datetime) -> list[InboxItem]:
    """What waits for the user's action, and for a Kabid or Asdep what is overdue in
    their area; overdue first, then by due time. Overdue changes no state."""
    open_plans = cur.execute(
        """
        SELECT id, title, period_label, state, bidang, revision, version, created_by, source
          FROM plan
         WHERE state NOT IN ('decided', 'rejected', 'cancelled')
        """
    ).fetchall()
    items = []
    for pid, title, period, state, bidang, revision, version, created_by, source in open_plans:
        plan = Plan(pid, PlanState(state), bidang, revision, version, created_by, source)
        mine = _waits_for(plan, user, view(cur, plan))
        run = checklist(cur, pid, now)
        current = next(r for r in run if r.done is None and r.started is not None)
        watching = plan_flow.watches(user, bidang) and current.late is not None
        if mine or watching:
            items.append(InboxItem(pid, title, period, plan.state.value, bidang, current.step,
                                   current.started, current.due, current.late, mine))  # fmt: skip
    return sorted(items, key=lambda i: (i.late is None, i.due))


def _waits_for(plan: Plan, user: User, view: plan_flow.PlanView) -> bool:
    """The plan needs this user: a draft its author, otherwise a transition they may take."""
    if view.state is PlanState.DRAFT:
        return plan.created_by == user.id
    return bool(plan_flow.available_actions(view, user))
