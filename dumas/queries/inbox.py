"""Menunggu Saya: the plans and the monitorings waiting for the user, and for a Kabid or
an Asdep what is overdue in their area. Overdue is attention; it changes no state. A
field visit in step 8 shows its report and its money as two items, each with its clock."""

from __future__ import annotations

import datetime as dt

import duckdb

from dumas.config import TIMEZONE
from dumas.domain import monitoring_flow as flow
from dumas.domain import plan_flow, report_flow
from dumas.domain.deadlines import due_at, late_by
from dumas.domain.monitoring_flow import MonitoringState
from dumas.domain.permissions import User
from dumas.domain.report_flow import ReportStep
from dumas.periodic import contents
from dumas.queries import memo_answer, plan_history, report_route, settings
from dumas.queries.monitoring import finance_track, finance_view
from dumas.queries.monitoring_state import Monitoring, team, view
from dumas.queries.plan_history import InboxItem

# By kind of item: the catalogue prefixes of its state and of its step (the page and the
# e-mailed digest name an item alike).
LABELS = {
    "plan": ("plan_state", "step"),
    "monitoring": ("monitoring_state", "m_step"),
    "report": ("report_state", "r_step"),
    "finance": ("finance_state", "m_step"),
}

_OPEN_MONITORINGS = """
SELECT m.id, ag.name AS agency, p.period_label, m.state, p.bidang, m.level, m.method,
       pv.name AS province,
       m.revision, coalesce(m.state_since, m.approved_at) AS since,
       f.submitted_on, f.bpp_received_on, f.ppk_accepted_on
  FROM monitoring AS m
  JOIN plan AS p ON p.id = m.plan_id
  JOIN agency AS ag ON ag.id = m.agency_id
  LEFT JOIN province AS pv ON pv.code = m.province_code
  LEFT JOIN monitoring_finance AS f ON f.monitoring_id = m.id
 WHERE m.state <> 'closed'
    OR (f.bpp_received_on IS NOT NULL AND f.ppk_accepted_on IS NULL)
"""


def inbox(cur: duckdb.DuckDBPyConnection, user: User, now: dt.datetime) -> list[InboxItem]:
    """Plans and monitorings together: overdue first, then by due time."""
    items = plan_history.inbox(cur, user, now) + monitoring_items(cur, user, now)
    items += report_items(cur, user, now)
    return sorted(items, key=lambda i: (i.late is None, i.due))


def monitoring_items(
    cur: duckdb.DuckDBPyConnection, user: User, now: dt.datetime
) -> list[InboxItem]:
    """Monitorings the user must move (team, receiver) or whose money they handle
    (team, BPP, PPK), and for watchers those of their area running late. Step 8's two
    tracks are two items: the report's (kind "monitoring") and the money's ("finance")."""
    cursor = cur.execute(_OPEN_MONITORINGS)
    names = [d[0] for d in cursor.description]
    items = []
    for row in (dict(zip(names, r, strict=True)) for r in cursor.fetchall()):
        monitoring = Monitoring(row["id"], MonitoringState(row["state"]), row["level"],
                                row["method"], row["revision"] or 1)  # fmt: skip
        watched = plan_flow.watches(user, row["bidang"])
        step = flow.step_of(monitoring.state)
        if step not in (None, flow.FINANCE_STEP):  # the report's track (4-8a) is still open
            standard = flow.standard(step, monitoring.direct)
            due = due_at(cur, row["since"], standard)
            late = late_by(cur, due, now)
            mine = _waits_for(cur, monitoring, user)
            if mine or (watched and late is not None):
                item = InboxItem(row["id"], row["agency"], row["period_label"],
                                 monitoring.state.value, row["bidang"], step, row["since"],
                                 due, late, mine, kind="monitoring",
                                 locus=row["province"], method=row["method"])  # fmt: skip
                items.append(memo_answer.with_memo(cur, item, monitoring, user) if mine else item)
        if monitoring.direct and row["ppk_accepted_on"] is None:
            items += _finance_item(cur, monitoring, row, user, now, watched)
    return items


def _finance_item(
    cur: duckdb.DuckDBPyConnection,
    monitoring: Monitoring,
    row: dict,
    user: User,
    now: dt.datetime,
    watched: bool,
) -> list[InboxItem]:
    """The money's track (step 8b) once its clock runs: the user's if a stage is theirs
    to record now, a watcher's when late. Its state is the last stage recorded."""
    track = finance_track(cur, monitoring.id, now)
    if track.started is None or track.due is None:
        return []
    done = frozenset(stage for stage in flow.FINANCE_STAGES if row[stage])
    money = finance_view(cur, monitoring.id, monitoring.state, monitoring.direct,
                         team(cur, monitoring.id), done)  # fmt: skip
    mine = any(flow.finance_refusal(stage, money, user) is None for stage in flow.FINANCE_STAGES)
    if not (mine or (watched and track.late is not None)):
        return []
    return [InboxItem(row["id"], row["agency"], row["period_label"], track.stage or "open",
                      row["bidang"], flow.FINANCE_STEP, track.started, track.due, track.late,
                      mine, kind="finance", locus=row["province"],
                      method=row["method"])]  # fmt: skip


def _waits_for(cur: duckdb.DuckDBPyConnection, monitoring: Monitoring, user: User) -> bool:
    """A move of the table the user stands in relation to in the monitoring's state, or the
    Deputi's answer to a field visit's memo (step 4)."""
    if memo_answer.waits_for(cur, monitoring, user):
        return True
    seen = view(cur, monitoring)
    return any(flow.may_act_as(user, t.who, seen) for t in flow.TRANSITIONS
               if t.state is monitoring.state)  # fmt: skip


def report_items(cur: duckdb.DuckDBPyConnection, user: User, now: dt.datetime) -> list[InboxItem]:
    """Periodic reports due and not yet forwarded that wait for the user's role: the
    analysts draft, the Kabid checks, the Asdep finalises, the Deputi forwards. Due by the
    working day of the month after the period the settings name (report_flow.due_on)."""
    nth = settings.report_route(cur)["due_working_day"]
    items = []
    for period, route in report_route.due_reports(cur, now):
        if not report_flow.waits_for(route.state, user):
            continue
        due = report_flow.due_at(cur, period, nth)
        since = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(0), TIMEZONE)
        step = ReportStep(report_flow.NEXT_MOVE[route.state].value)
        items.append(InboxItem(0, contents.default_title(period, "id"), period.code,
                               route.state.value, None, step, since, due,
                               late_by(cur, due, now), True, kind="report",
                               period_code=period.code))  # fmt: skip
    return items
