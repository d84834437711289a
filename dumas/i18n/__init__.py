"""The message catalogue (id, en) and Indonesian-aware formatting of dates and numbers.

All output formatting goes through Babel (CLDR data): no hand-written month names or
separators. Missing values (None, NaN, NaT, pd.NA) format as an en dash.
"""

from __future__ import annotations

import datetime as dt
import decimal
from contextlib import AbstractContextManager
from typing import Any

import pandas as pd
from babel import Locale
from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent

from dumas.config import TIMEZONE
from dumas.i18n.en import MESSAGES as _EN
from dumas.i18n.id import MESSAGES as _ID

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"
MISSING = "–"

MESSAGES: dict[str, dict[str, str]] = {"id": _ID, "en": _EN}

# Date patterns per style; "long" is spelled out so English reads "28 December 2012"
# like Indonesian, not the US "December 28, 2012" of CLDR's en long format.
_DATE_PATTERNS = {"long": "d MMMM y", "medium": "d MMM y", "short": "dd/MM/yyyy"}


def display_params(params: dict[str, object], lang: str = DEFAULT_LANGUAGE) -> dict[str, object]:
    """Message placeholders ready to show: dates in words, numbers with separators."""
    shown: dict[str, object] = {}
    for name, value in params.items():
        if isinstance(value, dt.datetime):
            local = value.astimezone(TIMEZONE) if value.tzinfo else value
            shown[name] = fmt_datetime(local, lang)
        elif isinstance(value, dt.date):
            shown[name] = fmt_date(value, lang)
        elif isinstance(value, dt.time):
            shown[name] = fmt_time(value, lang)
        elif isinstance(value, int) and not isinstance(value, bool):
            shown[name] = fmt_int(value, lang)
        elif callable(value):  # named in the reader's language, e.g. a report's period
            shown[name] = value(lang)
        else:
            shown[name] = value
    return shown


def t(key: str, lang: str = DEFAULT_LANGUAGE, **kwargs: Any) -> str:
    """The message `key` in `lang`, with `{name}` placeholders filled from kwargs."""
    return MESSAGES[_language(lang)][key].format(**kwargs)


def fmt_date(value: dt.date | None, lang: str = DEFAULT_LANGUAGE, style: str = "long") -> str:
    """A date as "28 Desember 2012" (long), "28 Des 2012" (medium) or "28/12/2012" (short)."""
    if _is_missing(value):
        return MISSING
    return format_date(value, _DATE_PATTERNS[style], locale=_language(lang))


def fmt_month(value: dt.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """A month as "Mei 2026" (id) or "May 2026" (en)."""
    return format_date(value, "LLLL y", locale=_language(lang))


def fmt_datetime(
    value: dt.datetime | None, lang: str = DEFAULT_LANGUAGE, style: str = "long"
) -> str:
    """A date and time as "28 Desember 2012 14.05" (id) or "28 December 2012 2:05 PM" (en)."""
    if _is_missing(value):
        return MISSING
    time = format_time(value, "short", locale=_language(lang))
    return f"{fmt_date(value, lang, style)} {time}"


def fmt_time(value: dt.time, lang: str = DEFAULT_LANGUAGE) -> str:
    """A time of day as "02.00" (id) or "2:00 AM" (en)."""
    return format_time(value, "short", locale=_language(lang))


def fmt_int(value: float | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """A whole number with grouping: "1.234" (id) or "1,234" (en)."""
    return fmt_decimal(value, lang, digits=0)


def fmt_decimal(value: float | None, lang: str = DEFAULT_LANGUAGE, digits: int = 1) -> str:
    """A number with a fixed count of decimals: "1.234,5" (id) or "1,234.5" (en)."""
    if _is_missing(value):
        return MISSING
    with _half_up():
        return format_decimal(value, format=_number_pattern(digits), locale=_language(lang))


def fmt_percent(ratio: float | None, lang: str = DEFAULT_LANGUAGE, digits: int = 1) -> str:
    """A ratio as a percentage: 0.573 -> "57,3%" (id) or "57.3%" (en)."""
    if _is_missing(ratio):
        return MISSING
    pattern = _number_pattern(digits) + "%"
    with _half_up():
        return format_percent(ratio, format=pattern, locale=_language(lang))


def fmt_rupiah(amount: float | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """An amount in rupiah without decimals: "Rp1.500.000" (id) or "Rp1,500,000" (en)."""
    if _is_missing(amount):
        return MISSING
    # A quoted "Rp" literal: CLDR's en symbol for IDR is "IDR", unfamiliar to the readers.
    with _half_up():
        return format_decimal(amount, format="'Rp'#,##0", locale=_language(lang))


def fmt_late(late: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """How late a step is (a dumas.domain.deadlines.LateBy): "3 hari kerja", or "10 jam 42
    menit" / "45 menit" when less than a working day; plain text."""
    if late.working_days:
        key = "inbox.late_one_day" if late.working_days == 1 else "inbox.late_days"
        return t(key, lang, n=fmt_int(late.working_days, lang))
    if late.minutes >= 60:
        hours, minutes = divmod(late.minutes, 60)
        return t("inbox.late_hours", lang, h=hours, m=minutes)
    key = "inbox.late_one_minute" if late.minutes == 1 else "inbox.late_minutes"
    return t(key, lang, n=fmt_int(late.minutes, lang))


# From this size on a figure gets its short form: "462.345" or "Rp750.000" (7 characters or
# more) no longer fits a metric card five to a row at 1,280 px.
COMPACT_FROM = 100_000


def fmt_compact(value: float | None, lang: str = DEFAULT_LANGUAGE, *, rupiah: bool = False) -> str:
    """A figure short enough for a metric card: three significant digits and CLDR's short
    unit from COMPACT_FROM on ("1,08\u00a0jt", "Rp24,1\u00a0jt", "462\u00a0rb"; "1.08M",
    "Rp24.1M", "462K" in English), the whole number below it (fmt_int / fmt_rupiah)."""
    if _is_missing(value):
        return MISSING
    assert value is not None
    whole = fmt_rupiah(value, lang) if rupiah else fmt_int(value, lang)
    if abs(value) < COMPACT_FROM:
        return whole
    units = Locale.parse(_language(lang)).compact_decimal_formats["short"]["other"]
    steps = sorted(int(k) for k in units if (len(k) - 1) % 3 == 0)  # 10^3, 10^6, 10^9, 10^12
    step = max(s for s in steps if s <= abs(value))
    while True:
        scaled = abs(value) / step
        digits = 2 if scaled < 10 else 1 if scaled < 100 else 0
        bigger = [s for s in steps if s > step]
        if round(scaled, digits) < 1000 or not bigger:  # 999.999 rb is 1,00 jt
            break
        step = bigger[0]
    unit = units[str(step)].pattern.replace("0", "")  # "\u00a0jt", "M"
    sign = "-" if value < 0 else ""
    return f"{sign}{'Rp' if rupiah else ''}{fmt_decimal(scaled, lang, digits=digits)}{unit}"


def _language(lang: str) -> str:
    """`lang` itself if supported, else ValueError."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    return lang


def _number_pattern(digits: int) -> str:
    """A CLDR pattern with grouping and exactly `digits` decimals."""
    return "#,##0" + ("." + "0" * digits if digits > 0 else "")


def _half_up() -> AbstractContextManager[decimal.Context]:
    """Round 2.5 to 3 like Excel and people do (Babel's default is half-even)."""
    return decimal.localcontext(rounding=decimal.ROUND_HALF_UP)


def _is_missing(value: object) -> bool:
    """Whether `value` is None, NaN, NaT or pd.NA."""
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))
