"""Reporting periods (docs/figures.md): a month, a semester (I = January-June, II =
July-December), a year, or any range; with the period before and the same period a year
earlier for comparison."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dumas.domain import calendar

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_SEMESTER = re.compile(r"^(\d{4})-S([12])$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    """A closed date range [start, end] and what kind of period it is."""

    kind: str  # "month", "semester", "year" or "range"
    start: dt.date
    end: dt.date

    @property
    def code(self) -> str:
        """The period as typed: 2026-05, 2026-S1, 2026, or 2026-01-01..2026-03-31."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "semester":
            return f"{self.start.year}-S{1 if self.start.month == 1 else 2}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        if self.kind == "month":
            return month(self.start.year - (self.start.month == 1), (self.start.month - 2) % 12 + 1)
        if self.kind == "semester":
            return _semester(
                self.start.year - (self.start.month == 1), 2 if self.start.month == 1 else 1
            )
        if self.kind == "year":
            return year(self.start.year - 1)
        days = (self.end - self.start).days + 1
        return Period(
            "range", self.start - dt.timedelta(days=days), self.start - dt.timedelta(days=1)
        )

    def year_ago(self) -> Period:
        """The same period one year earlier (29 February falls back to the 28th)."""
        return Period(self.kind, _minus_year(self.start), _minus_year(self.end))


def _minus_year(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def month(y: int, m: int) -> Period:
    start = dt.date(y, m, 1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return Period("month", start, end)


def _semester(y: int, half: int) -> Period:
    if half == 1:
        return Period("semester", dt.date(y, 1, 1), dt.date(y, 6, 30))
    return Period("semester", dt.date(y, 7, 1), dt.date(y, 12, 31))


def year(y: int) -> Period:
    return Period("year", dt.date(y, 1, 1), dt.date(y, 12, 31))


def parse(text: str) -> Period:
    """2026-05, 2026-S1, 2026 or 2026-01-01..2026-03-31; ValueError when unreadable."""
    text = (text or "").strip()
    if found := _MONTH.match(text):
        y, m = int(found[1]), int(found[2])
        if not 1 <= m <= 12:
            raise ValueError(text)
        period = month(y, m)
    elif found := _SEMESTER.match(text):
        period = _semester(int(found[1]), int(found[2]))
    elif found := _YEAR.match(text):
        period = year(int(found[1]))
    elif found := _RANGE.match(text):
        start, end = dt.date.fromisoformat(found[1]), dt.date.fromisoformat(found[2])
        if end < start:
            raise ValueError(text)
        period = Period("range", start, end)
    else:
        raise ValueError(text)
    if not (calendar.in_range(period.start) and calendar.in_range(period.end)):
        raise ValueError(text)
    return period


PLAN_KINDS = ("month", "semester", "year")  # a plan is for a report period, never a range
_KIND_ORDER = {"year": 0, "semester": 1, "month": 2}  # at one start: the longest first


def plan_period(text: str) -> Period:
    """A month, semester or year a plan may be for (2026-05, 2026-S1, 2026); ValueError
    when the text is not one of these report periods."""
    period = parse(text)
    if period.kind not in PLAN_KINDS:
        raise ValueError(text)
    return period


def plan_choices(today: dt.date) -> list[Period]:
    """The periods of this year and the next a plan may be for: those not yet over first,
    in time order (at one start, the year, then the semester, then the month), then this
    year's past ones, the latest first."""
    found = [
        *(year(y) for y in (today.year, today.year + 1)),
        *(_semester(y, h) for y in (today.year, today.year + 1) for h in (1, 2)),
        *(month(y, m) for y in (today.year, today.year + 1) for m in range(1, 13)),
    ]
    coming = sorted(
        (p for p in found if p.end >= today), key=lambda p: (p.start, _KIND_ORDER[p.kind])
    )
    past = sorted(
        (p for p in found if p.end < today),
        key=lambda p: (p.end, -_KIND_ORDER[p.kind]),
        reverse=True,
    )
    return coming + past
