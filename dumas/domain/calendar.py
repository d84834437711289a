"""Working days (hari kerja): weekends, national holidays and cuti bersama excluded.

The calendar is a table (calendar_day) so that every figure counts working days in SQL
with one definition: working days from a to b = wd_index(b) - wd_index(a), i.e. the
working days d with a < d <= b (docs/figures.md).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import holidays
import pandas as pd

FIRST_DAY = dt.date(2000, 1, 1)
LAST_DAY = dt.date(2040, 12, 31)


def national_holidays(first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> dict[dt.date, str]:
    """National holidays and cuti bersama from the holidays package (country ID)."""
    found = holidays.country_holidays(
        "ID",
        years=range(first.year, last.year + 1),
        categories=("public", "government"),
        language="id",
    )
    return {d: name for d, name in found.items() if first <= d <= last}


def build_days(overrides: dict[dt.date, bool]) -> pd.DataFrame:
    """One row per date with is_working and the running working-day index."""
    names = national_holidays()
    days = pd.date_range(FIRST_DAY, LAST_DAY, freq="D").date
    rows = []
    index = 0
    for d in days:
        working = d.weekday() < 5 and d not in names
        working = overrides.get(d, working)
        index += int(working)
        rows.append((d, working, index, names.get(d)))
    return pd.DataFrame(rows, columns=["d", "is_working", "wd_index", "holiday"])


def rebuild(cur: duckdb.DuckDBPyConnection) -> None:
    """Recompute calendar_day from the holidays package and calendar_override."""
    overrides = dict(cur.execute("SELECT d, is_working FROM calendar_override").fetchall())
    frame = build_days(overrides)
    cur.execute("DELETE FROM calendar_day")
    cur.register("_calendar_frame", frame)
    try:
        cur.execute(
            "INSERT INTO calendar_day"
            " SELECT d::DATE, is_working, wd_index, holiday FROM _calendar_frame"
        )
    finally:
        cur.unregister("_calendar_frame")
    if _has_letter_fact(cur):  # stored working-day indexes follow the calendar
        from dumas.db import facts

        facts.refresh(cur)


def _has_letter_fact(cur: duckdb.DuckDBPyConnection) -> bool:
    found = cur.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'letter_fact'"
    ).fetchone()
    return bool(found[0])


def working_days(cur: duckdb.DuckDBPyConnection, start: dt.date, end: dt.date) -> int:
    """Working days d with start < d <= end (negative when end is before start)."""
    row = cur.execute(
        """
        SELECT b.wd_index - a.wd_index
          FROM calendar_day AS a, calendar_day AS b
         WHERE a.d = $start
           AND b.d = $end
        """,
        {"start": start, "end": end},
    ).fetchone()
    if row is None:
        raise ValueError(f"date outside the calendar ({FIRST_DAY}..{LAST_DAY})")
    return int(row[0])


def add_working_days(cur: duckdb.DuckDBPyConnection, start: dt.date, n: int) -> dt.date:
    """The n-th working day after start (n >= 1): a Friday plus 1 is the Monday."""
    row = cur.execute(
        """
        SELECT min(b.d)
          FROM calendar_day AS a
          JOIN calendar_day AS b ON b.wd_index = a.wd_index + $n AND b.is_working
         WHERE a.d = $start
        """,
        {"start": start, "n": n},
    ).fetchone()
    if row is None or row[0] is None:
        raise ValueError(f"date outside the calendar ({FIRST_DAY}..{LAST_DAY})")
    return row[0]


def is_working(cur: duckdb.DuckDBPyConnection, d: dt.date) -> bool:
    """Whether d is a working day (weekends, holidays and cuti bersama are not)."""
    row = cur.execute("SELECT is_working FROM calendar_day WHERE d = $d", {"d": d}).fetchone()
    if row is None:
        raise ValueError(f"date outside the calendar ({FIRST_DAY}..{LAST_DAY})")
    return bool(row[0])


def in_range(d: dt.date) -> bool:
    """Whether d is covered by the working-day calendar."""
    return FIRST_DAY <= d <= LAST_DAY
