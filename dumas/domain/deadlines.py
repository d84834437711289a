"""SOP standard times and deadlines, for the steps of plans and of monitorings alike.

A step's standard time is working days or minutes of office time (SOP 305/2012); the
flows say which standard each step has (workflow.STEPS, monitoring_flow.STEPS), this
module says when a step started at a given moment is due and how late it is. Nothing
here touches the database except the working-day lookups of the calendar and
`unit_settings`, the one place the unit's own standards are read from table `setting`.

The unit's own standards are those the SOP does not give: office hours (minutes count
office time), the Deputi's time in step 3, the reply deadline written in the letter to an
agency. They are settings an Administrator edits on "Pengaturan Naskah"; their defaults
(UNIT_DEFAULTS) are the values the tool has always used.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

import duckdb

from dumas import config
from dumas.domain import calendar

OFFICE_OPENS = dt.time(8, 0)  # minutes-standards count office time from here ...
OFFICE_CLOSES = dt.time(16, 0)  # ... to here, on working days (defaults of the settings)


@dataclass(frozen=True)
class Standard:
    """An SOP standard time: working days, or minutes of office time. `setting` names the
    setting that holds a standard the SOP does not give (the unit's own): the number here
    is then its default, and `effective` reads the value in force."""

    working_days: int = 0
    minutes: int = 0
    setting: str | None = None

    @property
    def own(self) -> bool:
        """The unit's own standard, not the SOP's."""
        return self.setting is not None


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
    standard = effective(cur, standard)
    if standard.working_days:
        day = calendar.add_working_days(cur, local.date(), standard.working_days)
        return dt.datetime.combine(day, local.timetz())
    opening = _next_office_time(cur, local, office_hours(cur))
    return opening + dt.timedelta(minutes=standard.minutes)


def _next_office_time(
    cur: duckdb.DuckDBPyConnection, local: dt.datetime, hours: tuple[dt.time, dt.time]
) -> dt.datetime:
    """local itself during office hours, else the next opening."""
    tz = config.TIMEZONE
    opens, closes = hours
    if calendar.is_working(cur, local.date()):
        if opens <= local.time() < closes:
            return local
        if local.time() < opens:
            return dt.datetime.combine(local.date(), opens, tz)
    day = calendar.add_working_days(cur, local.date(), 1)
    return dt.datetime.combine(day, opens, tz)


# The unit's own standards, as settings (stored as text in table `setting`, like every
# setting). Defaults: today's behaviour.
UNIT_DEFAULTS: dict[str, str] = {
    "office_opens": "08.00",
    "office_closes": "16.00",
    "deputi_minutes": "20",  # step 3, the Deputi's part: the SOP gives the Asdep 20 minutes
    "agency_reply_days": "14",  # working days, in the letter to an agency (SOP step 6b(2))
    # issue 20: no surat konfirmasi about a letter forwarded or reminded fewer working days
    # ago (dumas/domain/reminders.py): the reply time the last letter asked for
    "reminder_gap_days": "14",
}
# Whole numbers each numeric setting accepts.
UNIT_RANGES: dict[str, tuple[int, int]] = {
    "deputi_minutes": (1, 480),
    "agency_reply_days": (1, 60),
    "reminder_gap_days": (1, 120),
}
_CLOCK = re.compile(r"^([01]?\d|2[0-3])[.:]([0-5]\d)$")


def parse_clock(text: str) -> dt.time | None:
    """ "08.00" (or "8:00") as a time of day; None when it is not one."""
    found = _CLOCK.match(text.strip())
    return dt.time(int(found.group(1)), int(found.group(2))) if found else None


def clock_text(value: dt.time) -> str:
    """A time of day as the settings store and show it: "08.00"."""
    return f"{value.hour:02d}.{value.minute:02d}"


def parse_whole(key: str, text: str) -> int | None:
    """A numeric unit setting as a whole number within its range; None when it is not."""
    low, high = UNIT_RANGES[key]
    text = text.strip()
    return int(text) if text.isdigit() and low <= int(text) <= high else None


def unit_settings(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The unit's own standards as stored, the default for each one not stored: the one
    place deadlines (and the letter's reply deadline) read them."""
    rows = dict(
        cur.execute(
            "SELECT key, value FROM setting WHERE list_contains($keys, key)",
            {"keys": list(UNIT_DEFAULTS)},
        ).fetchall()
    )
    return {key: rows.get(key, default) for key, default in UNIT_DEFAULTS.items()}


def office_hours(cur: duckdb.DuckDBPyConnection) -> tuple[dt.time, dt.time]:
    """When office time opens and closes on a working day (minutes-standards count it)."""
    values = unit_settings(cur)
    opens = parse_clock(values["office_opens"]) or OFFICE_OPENS
    closes = parse_clock(values["office_closes"]) or OFFICE_CLOSES
    return (opens, closes) if opens < closes else (OFFICE_OPENS, OFFICE_CLOSES)


def unit_number(cur: duckdb.DuckDBPyConnection, key: str) -> int:
    """A numeric unit standard in force (its default if the stored text is unusable)."""
    value = parse_whole(key, unit_settings(cur)[key])
    return int(UNIT_DEFAULTS[key]) if value is None else value


def effective(cur: duckdb.DuckDBPyConnection, standard: Standard) -> Standard:
    """The standard in force: the unit's own ones take their setting's value."""
    if standard.setting is None:
        return standard
    value = unit_number(cur, standard.setting)
    if standard.minutes:
        return dataclasses.replace(standard, minutes=value)
    return dataclasses.replace(standard, working_days=value)


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
