"""The audit trail in words, for its export (pure): who did what to which record, and what
changed, one "Field: old → new" per line, in the user's language.

A row of the log holds codes (`plan.forward`, `app_user`, `{"state": "submitted"}`); an
inspector reads "Kabid meneruskan rencana", "Rencana: Rencana Pemantauan Semester II" and
"Status: Diajukan ke Kasubbid → Pembahasan Kasubbid dan Kabid". A code the catalogue does
not know is shown as it is, never dropped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from dumas import i18n
from dumas.render import xlsx

# Columns of the export, by catalogue id of their header.
EXPORT_COLUMNS = {
    "logged_at": "audit.col.logged_at",
    "actor": "audit.col.actor",
    "action": "audit.col.action",
    "record": "audit.col.record",
    "entity_id": "audit.col.entity_id",
    "changes": "audit.col.changes",
}
_HIDDEN_FIELDS = {"id", "revision", "password_hash"}  # bookkeeping, never news to a reader
_VALUE_CAP = 300  # characters of one value (a nested list of edits can run long)
# Field -> catalogue prefix of its coded values; "state" depends on the record's kind.
_CODED = {
    "method": "method",
    "level": "level",
    "priority": "priority",
    "roles": "audit.role",
}
_STATES = {"plan": "plan_state", "monitoring": "monitoring_state"}


def has(key: str, lang: str) -> bool:
    """Whether the catalogue holds `key`."""
    return key in i18n.MESSAGES[lang if lang in i18n.MESSAGES else i18n.DEFAULT_LANGUAGE]


def readable(
    frame: pd.DataFrame,
    people: Mapping[str, tuple[str, list[str]]],
    names: Mapping[tuple[str, str], str],
    lang: str,
) -> pd.DataFrame:
    """The log rows as an inspector reads them: `people` maps a username to its full name
    and roles, `names` an (entity, id) to the record's name."""
    rows = []
    for row in frame.to_dict("records"):
        old, new = _parsed(row["old_value"]), _parsed(row["new_value"])
        entity = str(row["entity"])
        entity_id = None if xlsx._is_missing(row["entity_id"]) else str(row["entity_id"])
        full_name, roles = people.get(str(row["actor"]), (None, []))
        rows.append(
            {
                "logged_at": row["logged_at"],
                "actor": f"{full_name} ({row['actor']})" if full_name else str(row["actor"]),
                "action": action_text(str(row["action"]), entity, roles, lang),
                "record": record_text(entity, entity_id, names, old, new, lang),
                "entity_id": entity_id,
                "changes": "\n".join(change_lines(entity, old, new, lang)) or None,
            }
        )
    return pd.DataFrame(rows, columns=list(EXPORT_COLUMNS))


def action_text(action: str, entity: str, roles: list[str], lang: str) -> str:
    """ "Kabid meneruskan rencana": the actor's role and the action, from the catalogue."""
    if has(f"audit.action.{action}", lang):
        verb = i18n.t(f"audit.action.{action}", lang)
    else:
        verb = i18n.t("audit.action.other", lang, entity=entity_label(entity, lang).lower())
    role = " / ".join(_label(f"audit.role.{r}", r, lang) for r in roles)
    if not role:
        return verb[:1].upper() + verb[1:]
    return i18n.t("audit.sentence", lang, role=role, verb=verb)


def entity_label(entity: str, lang: str) -> str:
    """The kind of record in words ("Rencana" for `plan`)."""
    return _label(f"audit.entity.{entity}", entity, lang)


def record_text(
    entity: str,
    entity_id: str | None,
    names: Mapping[tuple[str, str], str],
    old: dict,
    new: dict,
    lang: str,
) -> str:
    """ "Rencana: Rencana Pemantauan Semester II"; the name as the log row recorded it when
    the record is gone (a merged agency), the kind alone when the row names no record."""
    name = names.get((entity, entity_id or ""))
    for source in (new, old):
        for key in ("title", "name", "full_name", "agenda_no", "letter_no", "username"):
            if not name and isinstance(source.get(key), str):
                name = source[key]
    label = entity_label(entity, lang)
    if name:
        return f"{label}: {name}"
    return f"{label} {entity_id}" if entity_id else label


def change_lines(entity: str, old: dict, new: dict, lang: str) -> list[str]:
    """One line per field that changed: "Status: Diajukan → Diteruskan"; a field only set
    (a record created, a note given) reads "Catatan: Lengkap"."""
    lines = []
    for key in [*old, *(k for k in new if k not in old)]:
        if key in _HIDDEN_FIELDS:
            continue
        label = _label(f"audit.field.{key}", key.replace("_", " ").capitalize(), lang)
        if key in old and key in new:
            if old[key] == new[key]:
                continue
            before = value_text(entity, key, old[key], lang)
            after = value_text(entity, key, new[key], lang)
            lines.append(f"{label}: {before} → {after}")
        elif key in new:
            if new[key] is None:
                continue
            lines.append(f"{label}: {value_text(entity, key, new[key], lang)}")
        else:
            lines.append(f"{label}: {value_text(entity, key, old[key], lang)} → {i18n.MISSING}")
    return lines


def value_text(entity: str, key: str, value: Any, lang: str) -> str:
    """A logged value in words: codes by their names, yes/no, lists joined, nested edits
    as compact JSON cut at _VALUE_CAP characters."""
    if value is None:
        return i18n.MISSING
    if isinstance(value, bool):
        return i18n.t("audit.yes" if value else "audit.no", lang)
    prefix = _STATES.get(entity) if key == "state" else _CODED.get(key)
    if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
        return ", ".join(value_text(entity, key, v, lang) for v in value) or i18n.MISSING
    if isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    elif prefix and isinstance(value, str):
        text = _label(f"{prefix}.{value}", value, lang)
    else:
        text = str(value)
    return text if len(text) <= _VALUE_CAP else text[: _VALUE_CAP - 1] + "…"


def _label(key: str, fallback: str, lang: str) -> str:
    return i18n.t(key, lang) if has(key, lang) else fallback


def _parsed(value: Any) -> dict:
    """A logged JSON value as a dict ({} when empty; {"value": …} for anything else)."""
    if xlsx._is_missing(value) or value == "":
        return {}
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return {"value": value}
    return parsed if isinstance(parsed, dict) else {"value": parsed}
