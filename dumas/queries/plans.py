"""Read side of the monitoring-plan matrix: plans, rows with live figures, letters, teams."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict, cast

import duckdb
import pandas as pd

from dumas.domain.permissions import TEAM_ROLES
from dumas.queries.filters import Filters, where_clause


class PlanRow(TypedDict):
    """A plan's header as stored (schema.sql) with the name of whoever created it."""

    id: int
    title: str
    period_label: str
    period_code: str | None  # NULL: a plan from before periods were chosen
    source: str
    bidang: str | None
    state: str
    version: int
    revision: int
    state_since: dt.datetime
    created_by: int
    created_at: dt.datetime
    created_by_name: str | None


def plans(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every plan, open ones first, newest first."""
    return cur.execute(
        """
        WITH rows AS (SELECT plan_id, count(*) AS n FROM plan_row GROUP BY plan_id),
             letters AS (SELECT plan_id, count(*) AS n FROM plan_letter GROUP BY plan_id),
             monitorings AS (SELECT plan_id, count(*) AS n FROM monitoring GROUP BY plan_id)
        SELECT p.id, p.title, p.period_label, p.period_code, p.source, p.bidang, p.state,
               p.version, p.state_since, u.full_name AS created_by, coalesce(r.n, 0) AS rows,
               coalesce(l.n, 0) AS letters, coalesce(m.n, 0) AS monitorings
          FROM plan AS p
          LEFT JOIN app_user AS u ON u.id = p.created_by
          LEFT JOIN rows AS r ON r.plan_id = p.id
          LEFT JOIN letters AS l ON l.plan_id = p.id
          LEFT JOIN monitorings AS m ON m.plan_id = p.id
         ORDER BY p.state IN ('decided', 'rejected', 'cancelled'), p.id DESC
        """
    ).df()


def plan(cur: duckdb.DuckDBPyConnection, plan_id: int) -> PlanRow | None:
    """One plan's header (with the revision a screen must send back), or None."""
    cursor = cur.execute(
        """
        SELECT p.*, u.full_name AS created_by_name
          FROM plan AS p
          LEFT JOIN app_user AS u ON u.id = p.created_by
         WHERE p.id = $id
        """,
        {"id": plan_id},
    )
    names = [d[0] for d in cursor.description]
    found = cursor.fetchall()
    return cast(PlanRow, dict(zip(names, found[0], strict=True))) if found else None


def matrix(cur: duckdb.DuckDBPyConnection, plan_id: int, as_of: dt.date) -> pd.DataFrame:
    """The matrix rows with their letters' figures at as_of (letter_facts) and the cost.

    oldest_letter_date / oldest_age_wd are those of the oldest letter still unanswered.
    Money is whole rupiah: BIGINT here, computed as DECIMAL by trip_cost().
    """
    return cur.execute(
        """
        WITH per_row AS (
            SELECT l.plan_row_id,
                   count(DISTINCT lf.complaint_id) AS complaints,
                   count(*) AS letters,
                   count(*) FILTER (NOT lf.answered) AS unanswered,
                   min(lf.letter_date) FILTER (NOT lf.answered) AS oldest_letter_date,
                   max(lf.age_wd) AS oldest_age_wd,
                   sum(lf.reminders) AS reminders
              FROM plan_letter AS l
              JOIN letter_facts($as_of) AS lf ON lf.forwarding_id = l.forwarding_id
             WHERE l.plan_id = $id
             GROUP BY l.plan_row_id
        )
        SELECT r.id AS row_id, r.position, r.agency_id, ag.name AS agency,
               r.province_code, pv.name AS province, r.origin, r.origin_reason,
               coalesce(pr.complaints, 0) AS complaints, coalesce(pr.letters, 0) AS letters,
               coalesce(pr.unanswered, 0) AS unanswered, pr.oldest_letter_date,
               pr.oldest_age_wd, coalesce(pr.reminders, 0)::BIGINT AS reminders,
               r.method, r.priority, r.priority_reason, r.schedule_from, r.schedule_to,
               r.level, r.team_lead, lead.full_name AS team_lead_name, r.team,
               -- "; " between names: a name carries commas of its own ("Budi, S.H.")
               (SELECT string_agg(u.full_name, '; ' ORDER BY u.full_name)
                  FROM app_user AS u WHERE list_contains(r.team, u.id)) AS team_names,
               r.persons, r.days, r.transport::BIGINT AS transport,
               r.lodging::BIGINT AS lodging, r.allowance::BIGINT AS allowance,
               trip_transport(r.persons, r.days, r.transport)::BIGINT AS transport_total,
               trip_lodging(r.persons, r.days, r.lodging)::BIGINT AS lodging_total,
               trip_allowance(r.persons, r.days, r.allowance)::BIGINT AS allowance_total,
               trip_cost(r.persons, r.days, r.transport, r.lodging, r.allowance)::BIGINT
                   AS estimated_cost,
               r.status, r.decision_note,
               (SELECT m.id FROM monitoring AS m WHERE m.plan_row_id = r.id) AS monitoring_id
          FROM plan_row AS r
          JOIN agency AS ag ON ag.id = r.agency_id
          LEFT JOIN province AS pv ON pv.code = r.province_code
          LEFT JOIN per_row AS pr ON pr.plan_row_id = r.id
          LEFT JOIN app_user AS lead ON lead.id = r.team_lead
         WHERE r.plan_id = $id
         ORDER BY r.position
        """,
        {"id": plan_id, "as_of": as_of},
    ).df()


def row_letters(cur: duckdb.DuckDBPyConnection, plan_id: int, as_of: dt.date) -> pd.DataFrame:
    """The letters of every row, oldest first, with their state at as_of."""
    return cur.execute(
        """
        SELECT l.plan_row_id AS row_id, lf.forwarding_id, lf.complaint_id, lf.agenda_no,
               lf.letter_no, lf.letter_date, lf.answered, lf.age_wd, lf.reminders,
               lf.last_status
          FROM plan_letter AS l
          JOIN letter_facts($as_of) AS lf ON lf.forwarding_id = l.forwarding_id
         WHERE l.plan_id = $id
         ORDER BY l.plan_row_id, lf.letter_date, lf.forwarding_id
        """,
        {"id": plan_id, "as_of": as_of},
    ).df()


def candidates(
    cur: duckdb.DuckDBPyConnection,
    plan_id: int,
    filters: Filters,
    as_of: dt.date,
    limit: int,
) -> tuple[pd.DataFrame, int]:
    """Filtered letters not yet in the plan, oldest first, and how many there are."""
    where, params = where_clause(filters)
    # The agency is joined only when a filter reads it; the names are read for the page's
    # rows alone (at 1M the default proposal took 162 -> 136 ms of CPU, the same rows).
    agency = "JOIN agency AS ag ON ag.id = lf.agency_id" if filters.agency_categories else ""
    base = f"""
          FROM letter_facts($as_of) AS lf
          {agency}
         WHERE {where}
           AND lf.forwarding_id NOT IN (SELECT forwarding_id FROM plan_letter
                                         WHERE plan_id = $plan)
    """  # noqa: S608 - structure only; values are parameters
    params = {**params, "as_of": as_of, "plan": plan_id}
    total = cur.execute(f"SELECT count(*) {base}", params).fetchall()[0][0]
    frame = cur.execute(
        f"""
        WITH page AS (
            SELECT lf.forwarding_id, lf.agenda_no, lf.letter_no, lf.letter_date, lf.agency_id,
                   lf.province_code, lf.age_wd, lf.reminders, lf.last_status
            {base}
             ORDER BY lf.letter_date, lf.forwarding_id
             LIMIT $limit
        )
        SELECT page.forwarding_id, page.agenda_no, page.letter_no, page.letter_date,
               a.name AS agency, p.name AS province, page.age_wd, page.reminders,
               page.last_status
          FROM page
          JOIN agency AS a ON a.id = page.agency_id
          LEFT JOIN province AS p ON p.code = page.province_code
         ORDER BY page.letter_date, page.forwarding_id
        """,  # noqa: S608
        {**params, "limit": limit},
    ).df()
    return frame, int(total)


def staff(cur: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Active users who can be on a monitoring team: id -> name (with their roles)."""
    rows = cur.execute(
        """
        SELECT u.id, u.full_name, string_agg(r.role, ', ' ORDER BY r.role)
          FROM app_user AS u
          JOIN user_role AS r ON r.user_id = u.id
         WHERE u.is_active AND r.role IN (SELECT unnest($roles))
         GROUP BY u.id, u.full_name
         ORDER BY u.full_name
        """,
        {"roles": sorted(TEAM_ROLES)},
    ).fetchall()
    return {uid: f"{name} ({roles})" for uid, name, roles in rows}


def bidang_options(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """The Bidang names users are assigned to."""
    rows = cur.execute(
        "SELECT DISTINCT bidang FROM app_user WHERE bidang IS NOT NULL ORDER BY bidang"
    ).fetchall()
    return [r[0] for r in rows]


def monitorings(cur: duckdb.DuckDBPyConnection, plan_id: int | None = None) -> pd.DataFrame:
    """Monitorings (approved matrix rows), newest first; optionally of one plan."""
    return cur.execute(
        """
        SELECT m.id, m.plan_id, p.title AS plan, p.period_label, ag.name AS agency,
               pv.name AS province, m.level, m.method, lead.full_name AS team_lead,
               (SELECT string_agg(u.full_name, '; ' ORDER BY mm.is_lead DESC, u.full_name)
                  FROM monitoring_member AS mm JOIN app_user AS u ON u.id = mm.user_id
                 WHERE mm.monitoring_id = m.id) AS team,
               (SELECT count(*) FROM monitoring_letter AS ml
                 WHERE ml.monitoring_id = m.id) AS letters,
               m.schedule_from, m.schedule_to, m.estimated_cost::BIGINT AS estimated_cost,
               m.state, approver.full_name AS approved_by, m.approved_at
          FROM monitoring AS m
          JOIN plan AS p ON p.id = m.plan_id
          JOIN agency AS ag ON ag.id = m.agency_id
          LEFT JOIN province AS pv ON pv.code = m.province_code
          LEFT JOIN app_user AS lead ON lead.id = m.team_lead
          LEFT JOIN app_user AS approver ON approver.id = m.approved_by
         WHERE $plan IS NULL OR m.plan_id = $plan
         ORDER BY m.id DESC
        """,
        {"plan": plan_id},
    ).df()
