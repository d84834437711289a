"""Where each periodic report stands on its route (dumas/domain/report_flow.py): its
recorded events, its state, whether and when it was sent, and the reports that are due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from dumas import config
from dumas.domain import periods, report_flow
from dumas.domain.periods import Period
from dumas.domain.report_flow import ReportEvent, ReportState, RouteView

_EVENTS = """
SELECT e.action, e.revision, coalesce(u.full_name, '?') AS who, e.acted_at, e.sent_on, e.note
  FROM periodic_report_event AS e
  LEFT JOIN app_user AS u ON u.id = e.actor_id
 WHERE e.period_code = $code
 ORDER BY e.id
"""
_FIELDS = ("action", "revision", "who", "at", "sent_on", "note")


@dataclass(frozen=True)
class Route:
    """A report's route as stored: its state, the draft revision it concerns, its events
    (oldest first), the Kabid's standing review and the forwarding, if any."""

    state: ReportState
    revision: int  # the draft's revision (0: none saved)
    events: tuple[dict, ...]
    review: dict | None  # the latest check or return
    forwarded: dict | None  # who forwarded, when recorded, sent_on, note


def route(cur: duckdb.DuckDBPyConnection, period: Period) -> Route:
    """The period's report on its route."""
    rows = cur.execute(_EVENTS, {"code": period.code}).fetchall()
    events = tuple(dict(zip(_FIELDS, row, strict=True)) for row in rows)
    found = cur.execute(
        """
        SELECT (SELECT max(revision) FROM report_draft WHERE period_code = $code),
               (SELECT count(*) FROM periodic_report WHERE period_code = $code)
        """,
        {"code": period.code},
    ).fetchone()
    revision, final = (found[0] or 0, bool(found[1])) if found else (0, False)
    reviews = [e for e in events if e["action"] in (ReportEvent.CHECK, ReportEvent.RETURN)]
    forwards = [e for e in events if e["action"] == ReportEvent.FORWARD]
    review = reviews[-1] if reviews else None
    view = RouteView(
        draft_revision=revision,
        review=ReportEvent(review["action"]) if review else None,
        review_revision=review["revision"] if review else None,
        final=final,
        forwarded=bool(forwards),
    )
    return Route(view.state, revision, events, review, forwards[-1] if forwards else None)


def first_worked_on(cur: duckdb.DuckDBPyConnection) -> dt.date | None:
    """The start of the earliest period any report was drafted, checked or finalised for:
    from there on the unit owes a report for every month, semester and year."""
    codes = [
        row[0]
        for row in cur.execute(
            """
            SELECT period_code FROM report_draft
            UNION SELECT period_code FROM periodic_report
            UNION SELECT period_code FROM periodic_report_event
            """
        ).fetchall()
    ]
    starts = []
    for code in codes:
        try:
            starts.append(periods.parse(code).start)
        except ValueError:
            continue
    return min(starts, default=None)


def due_reports(cur: duckdb.DuckDBPyConnection, now: dt.datetime) -> list[tuple[Period, Route]]:
    """Every month, semester and year that has ended since the unit's first report and
    whose report is not yet forwarded, with its route."""
    first = first_worked_on(cur)
    if first is None:
        return []
    today = now.astimezone(config.TIMEZONE).date()
    found = []
    for period in report_flow.owed(first, today):
        state = route(cur, period)
        if state.state is not ReportState.FORWARDED:
            found.append((period, state))
    return found


def sent(cur: duckdb.DuckDBPyConnection) -> dict[str, dt.date]:
    """Each forwarded report's period code and the day it was sent."""
    rows = cur.execute(
        "SELECT period_code, max(sent_on) FROM periodic_report_event"
        " WHERE action = 'forward' GROUP BY period_code"
    ).fetchall()
    return dict(rows)
