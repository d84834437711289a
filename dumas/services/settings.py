"""Writes of the settings an administrator keeps and the SBM rates finance staff keep."""

from __future__ import annotations

import datetime as dt

from dumas.db import Database
from dumas.domain import deadlines
from dumas.domain.errors import Conflict, Message, ValidationError
from dumas.domain.permissions import Action, User, require
from dumas.queries import sbm, settings
from dumas.services.common import (
    MAX_TEXT,
    audit,
    check_visible,
    clean_rupiah,
    last_change,
    raise_if,
)


def save_settings(
    db: Database,
    actor: User,
    values: dict[str, str],
    now: dt.datetime,
    *,
    seen: dict[str, str],
) -> None:
    """Store the given settings (unknown keys refused); empty means back to the default.
    `seen` holds each given key's value as the user's screen showed it: if someone changed
    one of them since, nothing is stored and the refusal says who and when."""
    require(actor, Action.MANAGE_SETTINGS)
    errors: list[Message] = []
    unknown = sorted(set(values) - set(settings.DEFAULTS))
    if unknown:
        raise ValidationError(Message("error.unknown_setting", {"keys": ", ".join(unknown)}))
    cleaned = {key: (value or "").strip() for key, value in values.items()}
    if any(len(value) > MAX_TEXT for value in cleaned.values()):
        errors.append(Message("error.too_long", {"max": MAX_TEXT}, "setting"))
    check_visible("".join(cleaned.values()), "setting", errors)
    size = cleaned.get("font_size")
    if size and not (size.isdigit() and 8 <= int(size) <= 16):
        errors.append(Message("error.font_size", {}, "setting"))
    code = cleaned.get("security_code")
    if code and code not in settings.SECURITY_CODES:
        errors.append(Message("error.invalid_choice", {}, "setting"))
    errors += _unit_standard_errors(cleaned)
    _check_report_route(cleaned, errors)
    raise_if(errors)
    with db.transaction() as cur:
        old = settings.stored(cur)
        if any(old[key] != seen.get(key) for key in cleaned):
            who, at = last_change(cur, "setting", None, ("settings.save",))
            raise Conflict(Message("error.settings_changed", {"who": who, "at": at}))
        _check_office_hours({**old, **cleaned})
        for key, value in cleaned.items():
            if value:
                cur.execute(
                    "INSERT INTO setting VALUES ($k, $v)"
                    " ON CONFLICT (key) DO UPDATE SET value = $v",
                    {"k": key, "v": value},
                )
            else:
                cur.execute("DELETE FROM setting WHERE key = $k", {"k": key})
        changed = {k: v for k, v in cleaned.items() if old.get(k) != (v or settings.DEFAULTS[k])}
        audit(cur, actor.username, "settings.save", "setting", None,
              {k: old[k] for k in changed}, changed)  # fmt: skip


def _unit_standard_errors(cleaned: dict[str, str]) -> list[Message]:
    """The unit's own standards (issue 14): office hours as HH.MM, whole numbers within
    their range. Clocks are stored as "08.00", numbers without leading zeros."""
    errors: list[Message] = []
    for key in ("office_opens", "office_closes"):
        if value := cleaned.get(key):
            clock = deadlines.parse_clock(value)
            if clock is None:
                errors.append(Message("error.office_hour", {"value": value}, "setting"))
            else:
                cleaned[key] = deadlines.clock_text(clock)
    checks = (("deputi_minutes", "error.deputi_minutes"),
              ("agency_reply_days", "error.agency_reply_days"),
              ("reminder_gap_days", "error.reminder_gap_days"))  # fmt: skip
    for key, message in checks:
        if value := cleaned.get(key):
            number = deadlines.parse_whole(key, value)
            low, high = deadlines.UNIT_RANGES[key]
            if number is None:
                errors.append(Message(message, {"low": low, "high": high}, "setting"))
            else:
                cleaned[key] = str(number)
    return errors


def _check_office_hours(values: dict[str, str]) -> None:
    """Office time closes after it opens (an emptied field counts as its default)."""
    opens, closes = (
        deadlines.parse_clock(values[key] or settings.DEFAULTS[key])
        for key in ("office_opens", "office_closes")
    )
    if opens and closes and closes <= opens:
        texts: dict[str, object] = {
            "opens": deadlines.clock_text(opens),
            "closes": deadlines.clock_text(closes),
        }
        raise ValidationError(Message("error.office_hours_order", texts, "setting"))


def _check_report_route(cleaned: dict[str, str], errors: list[Message]) -> None:
    """The periodic report's forwarding official is one of the officials; its due day a
    working day from 1 to 20 of the month after the period."""
    who = cleaned.get("report.forwarding_official")
    if who and who not in settings.OFFICIALS:
        errors.append(Message("error.invalid_choice", {}, "setting"))
    day = cleaned.get("report.due_working_day")
    if day and not (day.isdigit() and int(day) in settings.DUE_DAYS):
        errors.append(Message("error.due_working_day", {}, "setting"))


def save_sbm_rates(
    db: Database,
    actor: User,
    *,
    year: int,
    rows: list[dict],
    seen: dict[str, tuple[object, object]],
    now: dt.datetime,
) -> int:
    """Replace one year's Standar Biaya Masukan rates (per province, whole rupiah).
    `seen` is the year's stored rates as the user's screen showed them (province code ->
    daily allowance, lodging cap): if someone saved the year since, nothing is replaced and
    the refusal says who and when."""
    require(actor, Action.MANAGE_SBM)
    if not 2000 <= int(year) <= 2040:
        raise ValidationError(Message("error.date_out_of_range", {}, "year"))
    errors: list[Message] = []
    clean = []
    for number, row in enumerate(rows, start=1):
        allowance = clean_rupiah(row.get("daily_allowance"), "daily_allowance", number, errors)
        lodging = clean_rupiah(row.get("lodging_cap"), "lodging_cap", number, errors)
        if allowance is None or lodging is None:
            errors.append(Message("error.row_money", {"row": number}, "daily_allowance"))
        clean.append((row.get("province_code"), allowance, lodging))
    raise_if(errors)
    with db.transaction() as cur:
        if sbm.rates(cur, year) != {code: tuple(pair) for code, pair in seen.items()}:
            who, at = last_change(cur, "sbm_rate", year, ("sbm.save",))
            raise Conflict(Message("error.sbm_changed", {"year": str(year), "who": who, "at": at}))
        known = {r[0] for r in cur.execute("SELECT code FROM province").fetchall()}
        codes = [code for code, _, _ in clean]
        if any(code not in known for code in codes) or len(set(codes)) != len(codes):
            raise ValidationError(Message("error.sbm_province", {}, "province_code"))
        cur.execute("DELETE FROM sbm_rate WHERE year = $y", {"y": year})
        for code, allowance, lodging in clean:
            cur.execute(
                "INSERT INTO sbm_rate VALUES ($y, $code, $allowance, $lodging)",
                {"y": year, "code": code, "allowance": allowance, "lodging": lodging},
            )
        replaced = {code: [int(a), int(lo)] for code, (a, lo) in sorted(seen.items())}
        written = {code: [int(a), int(lo)] for code, a, lo in sorted(clean)}
        audit(cur, actor.username, "sbm.save", "sbm_rate", year,
              {"rows": len(replaced), "rates": replaced},
              {"rows": len(written), "rates": written})  # fmt: skip
        return len(clean)
