"""SOP standard times and deadlines, for the steps of plans and of monitorings alike.

A step's standard time is working days or minutes of office time (SOP 305/2012); the
flows say which standard each step has (workflow.STEPS, monitoring_flow.STEPS), this
module says when a step started at a given moment is due and how late it is. Nothing
here touches the database except the working-day lookups of the calendar.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from dumas import config
from dumas.domain import calendar

OFFICE_OPENS = dt.time(8, 0)  # minutes-standards count office time from here ...
OFFICE_CLOSES = dt.time(16, 0)  # ... to here, on working days


@dataclass(frozen=True)
class Standard:
    """An SOP standard time: working days, or minutes of office time."""

    working_days: int = 0
    minutes: int = 0


def standard_words(standard: Standard) -> tuple[str, int]:
    """The catalogue id and number that say a standard time in words ("1 hari kerja")."""
    if standard.working_days:
        key = "step.one_day" if standard.working_days == 1 else "step.days"
        return key, standard.working_days
    return "step.minutes", standard.minutes


def due_at(cur: duckdb.DuckDBPyConnection, started: dt.datetime, standard: Standard) -> dt.datetime:
    """When a step started at `started` is due by its SOP standard time.

    Working days: the same clock time on the n-th working day after the start date (a
    step started on Friday with 1 day is due on Monday). Minutes: office time on
    working days, so a start at night or on a holiday counts from the next opening.
    """
    local = started.astimezone(config.TIMEZONE)
    if standard.working_days:
        day = calendar.add_working_days(cur, local.date(), standard.working_days)
        return dt.datetime.combine(day, local.timetz())
    opening = _next_office_time(cur, local)
    return opening + dt.timedelta(minutes=standard.minutes)


def _next_office_time(cur: duckdb.DuckDBPyConnection, local: dt.datetime) -> dt.datetime:
    """local itself during office hours, else the next opening."""
    tz = config.TIMEZONE
    if calendar.is_working(cur, local.date()):
        if OFFICE_OPENS <= local.time() < OFFICE_CLOSES:
            return local
        if local.time() < OFFICE_OPENS:
            return dt.datetime.combine(local.date(), OFFICE_OPENS, tz)
    day = calendar.add_working_days(cur, local.date(), 1)
    return dt.datetime.combine(day, OFFICE_OPENS, tz)


@dataclass(frozen=True)
class LateBy:
    """How late a step is: whole working days, or minutes when less than a day."""

    working_days: int
    minutes: int


def late_by(cur: duckdb.DuckDBPyConnection, due: dt.datetime, end: dt.datetime) -> LateBy | None:
    """How far `end` (done, or now) is past `due`; None when on time."""
    if end <= due:
        return None
    tz = config.TIMEZONE
    days = calendar.working_days(cur, due.astimezone(tz).date(), end.astimezone(tz).date())
    if days >= 1:
        return LateBy(working_days=days, minutes=0)
    return LateBy(working_days=0, minutes=max(1, int((end - due).total_seconds() // 60)))
