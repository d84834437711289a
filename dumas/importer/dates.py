"""Dates as clerks write them: Excel cells and serials, day first, ISO, Indonesian months.

An impossible or unreadable date gives None, never a guess.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

_MONTH_NAMES = (  # Indonesian names and abbreviations (old spellings too), and English
    "januari jan january",
    "februari pebruari feb peb february",
    "maret mar march",
    "april apr",
    "mei may",
    "juni jun june",
    "juli jul july",
    "agustus agt agu ags agust aug august",
    "september sep sept",
    "oktober okt oct october",
    "november nopember nov nop",
    "desember des dec december",
)
_MONTHS = {name: n for n, names in enumerate(_MONTH_NAMES, start=1) for name in names.split()}
_TIME = r"(?:[ T]\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?)?"
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})" + _TIME)
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME)
_NAMED = re.compile(r"(\d{1,2})[\s-]+([^\W\d_]+)\.?[\s-]+(\d{4})")
_SERIAL = re.compile(r"(\d{1,5})(?:\.0+)?")
_SERIAL_RANGE = (20000, 80000)  # 1954-10-03 .. 2119-01-10; "2024" is a year, not a serial
_YEAR_RANGE = (1900, 9999)  # written years outside it are typing slips, not dates


def date_from_cell(value: object) -> dt.date | None:
    """A date from an Excel date cell, an Excel serial number or a written date, or None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value)
    if isinstance(value, str):
        return _from_text(" ".join(value.split()))
    return None


def _from_serial(number: float) -> dt.date | None:
    """Excel's 1900 date system, which counts a 29 February 1900 that never was."""
    low, high = _SERIAL_RANGE
    if not (float(number).is_integer() and low <= number <= high):
        return None
    serial = int(number)
    if serial == 60:
        return None
    epoch = dt.date(1899, 12, 30) if serial > 60 else dt.date(1899, 12, 31)
    return epoch + dt.timedelta(days=serial)


@functools.lru_cache(maxsize=65536)
def _from_text(text: str) -> dt.date | None:
    """A written date (day first, ISO, or with a month name); None if unreadable."""
    if match := _DMY.fullmatch(text):
        return _valid(match[4], match[3], match[1])
    if match := _YMD.fullmatch(text):
        return _valid(match[1], match[2], match[3])
    if match := _NAMED.fullmatch(text):
        month = _MONTHS.get(match[2].lower())
        return None if month is None else _valid(match[3], str(month), match[1])
    if match := _SERIAL.fullmatch(text):
        return _from_serial(int(match[1]))
    return None


def _valid(year: str, month: str, day: str) -> dt.date | None:
    """The date if it exists (no 31 February, no month 13), else None."""
    if not _YEAR_RANGE[0] <= int(year) <= _YEAR_RANGE[1]:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
