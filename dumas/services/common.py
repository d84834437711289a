"""What every write shares: the audit row, input cleaning, and plain inserts."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation

import duckdb

from dumas.domain import calendar
from dumas.domain.errors import Message, ValidationError
from dumas.domain.text import BIDI_CONTROL

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_PARAGRAPHS = 20_000  # a report narrative: a few pages
MAX_TEXT = 4000  # longest free text accepted in any field (but the narratives below)
MAX_NARRATIVE = 50_000  # a substance report's narrative part: paragraphs over many pages
MAX_LETTER_NO = 120
MAX_MONEY = Decimal(10) ** 12  # an amount above a trillion rupiah is a typing error

# Tables a service may insert into with insert_row (names never come from users).
_INSERTABLE = {"complaint", "forwarding", "reminder", "response"}


VERSION_KEYS = ("data_version", "followup_version")
# Actions whose tables no follow-up figure reads (docs/figures.md: the figures read
# complaints, forwarding letters, responses, reminders, agencies and the settings). Any
# other action, a new one included, moves the dashboard's version too.
NOT_FOLLOWUP = ("plan.", "monitoring.", "report.", "user.", "auth.", "backup.", "data.", "sbm.",
                "attachment.")  # fmt: skip


def audit(
    cur: duckdb.DuckDBPyConnection,
    actor: str,
    action: str,
    entity: str,
    entity_id: object,
    old: dict | None,
    new: dict | None,
    *,
    data_changed: bool = True,
) -> None:
    """Append one audit row and mark the data as changed, inside the caller's transaction.

    data_changed=False for events that change no figure (signing in): cached pages stay.
    """
    # The id is taken in the same statement (callers hold the write lock, as for next_id):
    # one statement fewer in every write.
    cur.execute(
        """
        INSERT INTO audit_log (id, actor, action, entity, entity_id, old_value, new_value)
        SELECT coalesce(max(id), 0) + 1, $actor, $action, $entity, $entity_id, $old, $new
          FROM audit_log
        """,
        {
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": None if entity_id is None else str(entity_id),
            "old": None if old is None else json.dumps(old, default=str),
            "new": None if new is None else json.dumps(new, default=str),
        },
    )
    if not data_changed:
        return
    # Every write moves data_version (the screens' caches); a write that can change the
    # follow-up figures also moves followup_version (the dashboard's cache), so that a plan
    # saved or a monitoring step taken leaves every user's dashboard figures cached.
    keys = ["data_version"] if action.startswith(NOT_FOLLOWUP) else list(VERSION_KEYS)
    # A plain UPDATE (and the INSERT only on a database's first change): an upsert, ON
    # CONFLICT DO UPDATE, cost twice as much, and this runs in every write.
    bumped = cur.execute(
        "UPDATE meta SET value = (value::BIGINT + 1)::VARCHAR WHERE list_contains($keys, key)",
        {"keys": keys},
    ).fetchall()[0][0]
    if bumped < len(keys):
        cur.execute(
            "INSERT INTO meta (key, value) SELECT k, '1' FROM unnest($keys) AS t(k)"
            " WHERE k NOT IN (SELECT key FROM meta)",
            {"keys": keys},
        )


def last_change(
    cur: duckdb.DuckDBPyConnection, entity: str, entity_id: object, actions: tuple[str, ...]
) -> tuple[str, dt.datetime | None]:
    """Who (by name) and when of the latest audited change of one record, for a refusal
    that says who changed it since the user's screen was drawn."""
    found = cur.execute(
        """
        SELECT coalesce(u.full_name, a.actor), a.logged_at
          FROM audit_log AS a
          LEFT JOIN app_user AS u ON u.username = a.actor
         WHERE a.entity = $entity
           AND a.entity_id IS NOT DISTINCT FROM $id
           AND list_contains($actions, a.action)
         ORDER BY a.id DESC
         LIMIT 1
        """,
        {"entity": entity, "id": None if entity_id is None else str(entity_id),
         "actions": list(actions)},
    ).fetchall()  # fmt: skip
    return found[0] if found else ("?", None)


def insert_row(cur: duckdb.DuckDBPyConnection, table: str, row: dict[str, object]) -> None:
    """INSERT one row given as a dict; the table name comes from an allow-list."""
    if table not in _INSERTABLE:
        raise ValueError(table)
    columns = ", ".join(row)
    values = ", ".join(f"${name}" for name in row)
    cur.execute(f"INSERT INTO {table} ({columns}) VALUES ({values})", row)  # noqa: S608


def clean_letter_no(value: str | None, field: str, errors: list[Message]) -> str:
    """A required number (letter or agenda), trimmed with inner spaces collapsed."""
    text = " ".join((value or "").split())
    if not text:
        errors.append(Message("error.required", {}, field))
    elif len(text) > MAX_LETTER_NO:
        errors.append(Message("error.too_long", {"max": MAX_LETTER_NO}, field))
    check_visible(text, field, errors)
    return text


def check_visible(text: str | None, field: str, errors: list[Message]) -> None:
    """Refuse invisible direction controls, which make a text read otherwise than stored."""
    if text and BIDI_CONTROL.search(text):
        errors.append(Message("error.bidi_control", {}, field))


def clean_name(value: str | None, field: str, errors: list[Message], limit: int) -> str | None:
    """A person's or body's name: trimmed and collapsed, at most `limit`, no controls."""
    text = " ".join(_CONTROL.sub("", value or "").split()) or None
    if text and len(text) > limit:
        errors.append(Message("error.too_long", {"max": limit}, field))
    check_visible(text, field, errors)
    return text


def check_date(value: dt.date | None, field: str, today: dt.date, errors: list[Message]) -> None:
    """A required date, not in the future and inside the working-day calendar."""
    if value is None:
        errors.append(Message("error.required", {}, field))
    elif value > today:
        errors.append(Message("error.future_date", {}, field))
    elif not calendar.in_range(value):
        errors.append(Message("error.date_out_of_range", {}, field))


def clean_text(value: str | None, field: str, errors: list[Message]) -> str | None:
    """Optional free text, trimmed and collapsed; None when empty."""
    text = " ".join((value or "").split()) or None
    if text and len(text) > MAX_TEXT:
        errors.append(Message("error.too_long", {"max": MAX_TEXT}, field))
    check_visible(text, field, errors)
    return text


def clean_paragraphs(
    value: str | None, field: str, errors: list[Message], limit: int = MAX_PARAGRAPHS
) -> str | None:
    """Optional text of several paragraphs: each line trimmed and collapsed, runs of blank
    lines kept as one, control characters dropped; None when empty; at most `limit`."""
    lines = [" ".join(_CONTROL.sub("", line).split()) for line in (value or "").splitlines()]
    kept = [line for i, line in enumerate(lines) if line or (i and lines[i - 1])]
    text = "\n".join(kept).strip() or None
    if text and len(text) > limit:
        errors.append(Message("error.too_long", {"max": limit}, field))
    check_visible(text, field, errors)
    return text


def raise_if(errors: list[Message]) -> None:
    """Refuse the write with every problem found at once."""
    if errors:
        raise ValidationError(*errors)


def clean_rupiah(value: object, field: str, row: int, errors: list[Message]) -> Decimal | None:
    """Whole rupiah, not negative, below a trillion; None when empty."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        amount = Decimal(-1)
    if amount < 0 or amount != amount.to_integral_value() or amount > MAX_MONEY:
        errors.append(Message("error.row_money", {"row": row}, field))
        return None
    return Decimal(int(amount))
