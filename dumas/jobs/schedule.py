"""Schedule rules (pure): each says when a job next runs after a given moment, in Asia/Jakarta.

The scheduler asks `next_run(last start)`; a job is due once that moment has passed. Only
the last start counts, so a job whose slots passed while the app was down runs once, not
once per missed slot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from dumas.config import TIMEZONE
from dumas.db import Database
from dumas.domain import calendar
from dumas.domain.errors import Message

MONTHS_AHEAD = 24  # a month without a single working day is not a calendar this app meets


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(TIMEZONE)


def _at(day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=TIMEZONE)


@dataclass(frozen=True)
class Daily:
    """Every day at a time of day."""

    at: dt.time

    def next_run(self, after: dt.datetime) -> dt.datetime:
        local = _local(after)
        candidate = _at(local.date(), self.at)
        return candidate if candidate > local else _at(local.date() + dt.timedelta(days=1), self.at)

    def describe(self) -> Message:
        return Message("jobs.schedule.daily", {"time": self.at})


@dataclass(frozen=True)
class Every:
    """At a fixed interval after the last start."""

    seconds: int

    def next_run(self, after: dt.datetime) -> dt.datetime:
        return _local(after) + dt.timedelta(seconds=self.seconds)

    def describe(self) -> Message:
        return Message("jobs.schedule.every", {"seconds": self.seconds})


@dataclass(frozen=True)
class FirstWorkingDay:
    """On the first working day of every month, at a time of day: the day after a month
    (and so a semester, a year) ended that the office works."""

    at: dt.time
    is_working: Callable[[dt.date], bool]

    def next_run(self, after: dt.datetime) -> dt.datetime:
        local = _local(after)
        month = local.date().replace(day=1)
        for _ in range(MONTHS_AHEAD):
            candidate = _at(self.first_working_day(month), self.at)
            if candidate > local:
                return candidate
            month = (month + dt.timedelta(days=32)).replace(day=1)
        raise ValueError(f"no working day in the {MONTHS_AHEAD} months after {local:%Y-%m}")

    def first_working_day(self, month: dt.date) -> dt.date:
        """The month's first working day (its 1st if no day of it is one)."""
        day = month
        while day.month == month.month:
            if self.is_working(day):
                return day
            day += dt.timedelta(days=1)
        return month

    def describe(self) -> Message:
        return Message("jobs.schedule.first_working_day", {"time": self.at})


def working_days(db: Database) -> Callable[[dt.date], bool]:
    """Whether a date is a working day by the database's calendar (dumas.domain.calendar:
    weekends, national holidays, cuti bersama); beyond the calendar, Monday to Friday."""

    def is_working(day: dt.date) -> bool:
        if not calendar.in_range(day):
            return day.weekday() < 5
        with db.reading() as cur:
            return calendar.is_working(cur, day)

    return is_working


@dataclass(frozen=True)
class WorkingDays:
    """On every working day at a time of day (the daily digest: no mail on a holiday)."""

    at: dt.time
    is_working: Callable[[dt.date], bool]

    def next_run(self, after: dt.datetime) -> dt.datetime:
        local = _local(after)
        day = local.date()
        for _ in range(MONTHS_AHEAD * 31):
            candidate = _at(day, self.at)
            if candidate > local and self.is_working(day):
                return candidate
            day += dt.timedelta(days=1)
        raise ValueError(f"no working day in the {MONTHS_AHEAD} months after {local:%Y-%m-%d}")

    def describe(self) -> Message:
        return Message("jobs.schedule.working_days", {"time": self.at})
