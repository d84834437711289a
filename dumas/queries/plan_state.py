"""The stored plan and what the transition table needs to know about it (shared by the
services, which check, and the pages and inbox, which offer)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from dumas.domain.errors import Message, NotFound
from dumas.domain.plan_flow import PlanState, PlanView


@dataclass(frozen=True)
class Plan:
    """The stored plan as a service reads it at the start of its transaction."""

    id: int
    state: PlanState
    bidang: str | None
    revision: int
    version: int
    created_by: int
    source: str  # database or work_programme (see workflow.may_add_letters)


def load(cur: duckdb.DuckDBPyConnection, plan_id: int) -> Plan:
    found = cur.execute(
        "SELECT id, state, bidang, revision, version, created_by, source FROM plan WHERE id = $id",
        {"id": plan_id},
    ).fetchall()
    if not found:
        raise NotFound(Message("error.unknown_plan"))
    pid, state, bidang, revision, version, created_by, source = found[0]
    return Plan(pid, PlanState(state), bidang, revision, version, created_by, source)


def view(cur: duckdb.DuckDBPyConnection, plan: Plan) -> PlanView:
    """What the transition table needs to decide about this plan now."""
    ready = cur.execute(
        """
        SELECT count(*) FILTER (status = 'pending') AS pending,
               count(*) FILTER (status = 'pending' AND (method IS NULL OR level IS NULL)),
               count(*) FILTER (status = 'pending' AND team_lead IS NULL)
          FROM plan_row
         WHERE plan_id = $id
        """,
        {"id": plan.id},
    ).fetchall()[0]
    pending, incomplete, no_lead = ready
    return PlanView(
        state=plan.state,
        bidang=plan.bidang,
        participants=_participants(cur, plan),
        never_submitted=plan.version == 0,
        rows_ready=pending > 0 and incomplete == 0,
        teams_ready=pending > 0 and incomplete == 0 and no_lead == 0,
    )


def _participants(cur: duckdb.DuckDBPyConnection, plan: Plan) -> frozenset[int]:
    """The author and whoever moved the plan since it last went back to the analyst."""
    rows = cur.execute(
        """
        SELECT DISTINCT actor_id
          FROM plan_event
         WHERE plan_id = $id
           AND action NOT IN ('comment', 'create', 'save')
           AND id > (SELECT coalesce(max(id), 0) FROM plan_event
                      WHERE plan_id = $id AND to_state = 'draft' AND from_state <> 'draft')
        """,
        {"id": plan.id},
    ).fetchall()
    return frozenset({plan.created_by, *(r[0] for r in rows)})
