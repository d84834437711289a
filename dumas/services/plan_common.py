"""What every plan service shares: the stale-screen check, the event and audit rows,
the matrix snapshot, and who may edit rows in a state."""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from dumas.db import next_id
from dumas.domain import plan_flow
from dumas.domain.errors import Conflict, Message
from dumas.domain.permissions import Action, Forbidden, User, require
from dumas.domain.plan_flow import PlanState
from dumas.queries.plan_state import Plan, load
from dumas.services.common import audit


def open_plan(cur: duckdb.DuckDBPyConnection, plan_id: int, revision: int) -> Plan:
    """The plan, provided nobody changed it since the user's screen was drawn."""
    plan = load(cur, plan_id)
    if plan.revision != revision:
        last = cur.execute(
            """
            SELECT coalesce(u.full_name, '?'), e.occurred_at, e.action
              FROM plan_event AS e
              LEFT JOIN app_user AS u ON u.id = e.actor_id
             WHERE e.plan_id = $id AND e.action <> 'comment'
             ORDER BY e.id DESC
             LIMIT 1
            """,
            {"id": plan_id},
        ).fetchall()
        who, at, action = last[0] if last else ("?", None, "")
        raise Conflict(Message("error.plan_changed", {"who": who, "at": at, "action": action}))
    return plan


def record_event(
    cur: duckdb.DuckDBPyConnection,
    plan: Plan,
    actor: User,
    action: str,
    to_state: PlanState,
    note: str | None,
    now: dt.datetime,
    *,
    version: int | None = None,
    details: dict | None = None,
) -> None:
    """Append the plan's history row (with the matrix as it now stands) and the audit row."""
    version = plan.version if version is None else version
    rows = snapshot(cur, plan.id)
    cur.execute(
        """
        INSERT INTO plan_event (id, plan_id, occurred_at, actor_id, action, from_state, to_state,
                                version, note, rows)
        VALUES ($id, $plan, $at, $actor, $action, $from, $to, $version, $note, $rows)
        """,
        {"id": next_id(cur, "plan_event"), "plan": plan.id, "at": now, "actor": actor.id,
         "action": action, "from": plan.state.value, "to": to_state.value, "version": version,
         "note": note, "rows": json.dumps(rows, default=str)},
    )  # fmt: skip
    old = {"state": plan.state.value, "revision": plan.revision}
    new = {"state": to_state.value, "note": note, "version": version, **(details or {})}
    audit(cur, actor.username, f"plan.{action}", "plan", plan.id, old, new)


def snapshot(cur: duckdb.DuckDBPyConnection, plan_id: int) -> list[dict]:
    """The matrix rows as plain values, with their letters (kept with every event)."""
    cursor = cur.execute(
        """
        SELECT r.id, r.position, r.agency_id, ag.name AS agency, r.province_code, r.origin,
               r.origin_reason, r.method, r.priority, r.priority_reason, r.schedule_from,
               r.schedule_to, r.level, r.team_lead, r.team, r.persons, r.days,
               r.transport::BIGINT AS transport, r.lodging::BIGINT AS lodging,
               r.allowance::BIGINT AS allowance, r.status, r.decision_note,
               coalesce(l.letters, []) AS letters
          FROM plan_row AS r
          JOIN agency AS ag ON ag.id = r.agency_id
          LEFT JOIN (SELECT plan_row_id, list(forwarding_id ORDER BY forwarding_id) AS letters
                       FROM plan_letter WHERE plan_id = $id GROUP BY plan_row_id) AS l
                 ON l.plan_row_id = r.id
         WHERE r.plan_id = $id
         ORDER BY r.position
        """,
        {"id": plan_id},
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def touch(cur: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    cur.execute("UPDATE plan SET revision = revision + 1 WHERE id = $id", {"id": plan.id})


def require_editor(plan: Plan, actor: User) -> None:
    """Rows change only in the states (and by the roles) of workflow.EDITORS."""
    require(actor, Action.VIEW_PLANS)
    if not plan_flow.may_edit(actor, plan.state, plan.bidang):
        raise Forbidden(Message("error.cannot_edit_plan"))
