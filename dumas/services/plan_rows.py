"""Cleaning and checking one matrix row as the editor sends it (no database access)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

from dumas.domain import calendar
from dumas.domain.codes import Coded, Level, Method, Priority, RowOrigin
from dumas.domain.errors import Message
from dumas.domain.permissions import Role
from dumas.domain.text import BIDI_CONTROL
from dumas.services.common import MAX_MONEY, MAX_TEXT

MONEY = ("transport", "lodging", "allowance")
MAX_PERSONS = 50
MAX_DAYS = 60

# Fields the editor may change; agency_id only on rows added from the work programme.
EDITABLE = (
    "province_code", "origin_reason", "method", "priority", "priority_reason",
    "schedule_from", "schedule_to", "level", "team_lead", "team",
    "persons", "days", *MONEY,
)  # fmt: skip


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _text(value: object, field: str, row: int, errors: list[Message]) -> str | None:
    text = None if _missing(value) else " ".join(str(value).split())
    if text and len(text) > MAX_TEXT:
        errors.append(Message("error.row_too_long", {"row": row, "max": MAX_TEXT}, field))
    if text and BIDI_CONTROL.search(text):
        errors.append(Message("error.row_bidi_control", {"row": row}, field))
    return text


def _choice(value: object, allowed: type[Coded], field: str, row: int, errors: list) -> object:
    if _missing(value):
        return None
    if not allowed.allows(value):
        errors.append(Message("error.row_invalid_choice", {"row": row}, field))
    return value


def _date(value: object, field: str, row: int, errors: list[Message]) -> dt.date | None:
    if _missing(value) or str(value) == "NaT":
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            errors.append(Message("error.row_bad_date", {"row": row}, field))
            return None
    if not calendar.in_range(value):
        errors.append(Message("error.row_date_out_of_range", {"row": row}, field))
        return None
    return value


def _count(value: object, top: int, field: str, row: int, errors: list[Message]) -> int | None:
    if _missing(value):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        number = Decimal(-1)
    if number != number.to_integral_value() or not 0 <= number <= top:
        errors.append(Message("error.row_count", {"row": row, "max": top}, field))
        return None
    return int(number)


def _money(value: object, field: str, row: int, errors: list[Message]) -> Decimal | None:
    """Whole rupiah, not negative; floats from the editor are read through their text."""
    if _missing(value):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        errors.append(Message("error.row_money", {"row": row}, field))
        return None
    if amount < 0:
        errors.append(Message("error.row_negative", {"row": row}, field))
    elif amount != amount.to_integral_value() or amount > MAX_MONEY:
        errors.append(Message("error.row_money", {"row": row}, field))
    else:
        return Decimal(int(amount))
    return None


def _method(value: object, field: str, row: int, errors: list[Message]) -> object:
    """A method offered now: a stored retired one loads and runs, but is given no more."""
    method = _choice(value, Method, field, row, errors)
    if Method.allows(method) and method not in Method.offered():
        errors.append(Message("error.row_method_retired", {"row": row}, field))
    return method


def _team(value: object, field: str, row: int, errors: list[Message]) -> list[int]:
    if _missing(value):
        return []
    try:
        members = [int(v) for v in value]  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        errors.append(Message("error.row_invalid_choice", {"row": row}, field))
        return []
    return list(dict.fromkeys(members))


def clean_row(values: dict[str, object], row: int, errors: list[Message]) -> dict[str, object]:
    """The editable fields given, cleaned; problems appended to errors with the row number."""
    cleaners = {
        "province_code": lambda v, f: _text(v, f, row, errors),
        "origin_reason": lambda v, f: _text(v, f, row, errors),
        "priority_reason": lambda v, f: _text(v, f, row, errors),
        "method": lambda v, f: _method(v, f, row, errors),
        "priority": lambda v, f: _choice(v, Priority, f, row, errors),
        "level": lambda v, f: _choice(v, Level, f, row, errors),
        "schedule_from": lambda v, f: _date(v, f, row, errors),
        "schedule_to": lambda v, f: _date(v, f, row, errors),
        "team_lead": lambda v, f: None if _missing(v) else _count(v, 2**31 - 1, f, row, errors),
        "team": lambda v, f: _team(v, f, row, errors),
        "persons": lambda v, f: _count(v, MAX_PERSONS, f, row, errors),
        "days": lambda v, f: _count(v, MAX_DAYS, f, row, errors),
        **{name: (lambda v, f: _money(v, f, row, errors)) for name in MONEY},
    }
    return {name: cleaners[name](value, name) for name, value in values.items() if name in cleaners}


def check_row(merged: dict[str, object], row: int, errors: list[Message]) -> None:
    """Rules across fields of a row as it will be stored."""
    start, end = merged.get("schedule_from"), merged.get("schedule_to")
    if start and end and end < start:
        errors.append(Message("error.row_schedule_order", {"row": row}, "schedule_to"))
    if merged.get("origin") == RowOrigin.WORK_PROGRAMME and not merged.get("origin_reason"):
        errors.append(Message("error.row_reason_required", {"row": row}, "origin_reason"))
    has_money = any(merged.get(name) for name in MONEY)
    if has_money and merged.get("method") not in (None, Method.KUNJUNGAN_LAPANGAN):
        errors.append(Message("error.row_cost_direct_only", {"row": row}, "method"))
    if merged.get("priority") == Priority.TINGGI and not merged.get("priority_reason"):
        errors.append(Message("error.row_priority_reason", {"row": row}, "priority_reason"))


def check_team(
    merged: dict[str, object],
    staff: dict[int, frozenset[str]],
    row: int,
    errors: list[Message],
) -> None:
    """Team members are active staff; an Asdep-led row is led by an Asdep, others are not."""
    team = list(merged.get("team") or [])
    lead = merged.get("team_lead")
    if any(member not in staff for member in team) or (lead is not None and lead not in staff):
        errors.append(Message("error.row_unknown_member", {"row": row}, "team"))
        return
    if lead is None:
        return
    level, roles = merged.get("level"), staff[lead]
    if level == Level.ASDEP and Role.ASDEP not in roles:
        errors.append(Message("error.row_lead_asdep", {"row": row}, "team_lead"))
    if level == Level.KABID and not roles & {Role.ANALIS, Role.KASUBBID, Role.KABID}:
        errors.append(Message("error.row_lead_kabid", {"row": row}, "team_lead"))
