"""Write a plan inside the caller's transaction: bulk inserts and updates, facts, audit."""

from __future__ import annotations

import json
from collections.abc import Callable

import duckdb
import pandas as pd

from dumas import facts
from dumas.db import next_id
from dumas.importer.plan import Change, Plan

Progress = Callable[[str, float], None]


def _frame(cur: duckdb.DuckDBPyConnection, name: str, rows: list[dict], sql: str) -> None:
    """Run sql with rows registered as the view `name` (skipped when there are none)."""
    if not rows:
        return
    cur.register(name, pd.DataFrame(rows))
    try:
        cur.execute(sql)
    finally:
        cur.unregister(name)


def _create_agencies(cur: duckdb.DuckDBPyConnection, plan: Plan) -> dict[str, int]:
    """New agencies (category 'lainnya', marked as imported), with their name as alias."""
    start = next_id(cur, "agency")
    ids = {key: start + i for i, key in enumerate(sorted(plan.new_agencies))}
    rows = [{"id": ids[k], "name": plan.new_agencies[k], "alias_key": k} for k in sorted(ids)]
    _frame(
        cur,
        "_new_agency",
        rows,
        "INSERT INTO agency (id, name, category_code, from_import)"
        " SELECT id::INTEGER, name, 'lainnya', true FROM _new_agency",
    )
    _frame(
        cur,
        "_new_agency",
        rows,
        "INSERT INTO agency_alias (alias_key, alias, agency_id)"
        " SELECT alias_key, name, id::INTEGER FROM _new_agency",
    )
    return {**plan.agency_ids, **ids}


def _complaints(cur: duckdb.DuckDBPyConnection, plan: Plan, agencies: dict) -> dict[str, int]:
    """Insert new complaints and update changed ones; return agenda_no -> id."""
    ids = {agenda: c.old["id"] for agenda, c in plan.complaints.items() if c.old}
    start = next_id(cur, "complaint")
    new = [a for a, c in plan.complaints.items() if c.old is None]
    ids |= {agenda: start + i for i, agenda in enumerate(new)}
    rows = [_complaint_row(a, ids[a], plan.complaints[a], agencies) for a in new]
    cols = ", ".join(rows[0]) if rows else ""
    _frame(cur, "_c", rows, f"INSERT INTO complaint ({cols}) SELECT {cols} FROM _c")  # noqa: S608
    changed = [
        _complaint_row(a, ids[a], c, agencies) for a, c in plan.complaints.items() if _changed(c)
    ]
    if changed:
        sets = ", ".join(f"{k} = u.{k}" for k in changed[0] if k not in {"id", "agenda_no"})
        sql = f"UPDATE complaint SET {sets} FROM _u AS u WHERE complaint.id = u.id"  # noqa: S608
        _frame(cur, "_u", changed, sql)
    return ids


def _complaint_row(agenda: str, cid: int, change: Change, agencies: dict) -> dict:
    row = {"id": cid, "agenda_no": agenda, **change.new}
    row["reported_agency_id"] = _agency_id(row["reported_agency_id"], agencies)
    return row


def _agency_id(ref: int | str | None, agencies: dict) -> int | None:
    return None if ref is None else agencies.get(ref, ref)


def _changed(change: Change) -> bool:
    return change.old is not None and any(change.old.get(k) != v for k, v in change.new.items())


def _letters(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    changes: dict,
    complaint_ids: dict[str, int],
    agencies: dict,
) -> None:
    """Insert or update forwarding letters or responses (same shape: complaint, agency)."""
    start = next_id(cur, table)
    new, changed = [], []
    for change in changes.values():
        row = {k: v for k, v in change.new.items() if k != "agenda_no"}
        row["complaint_id"] = complaint_ids[change.new["agenda_no"]]
        row["agency_id"] = _agency_id(row["agency_id"], agencies)
        if change.old is None:
            new.append({"id": start + len(new), **row})
        elif _changed(change):
            changed.append({"id": change.old["id"], **row})
    cols = ", ".join(new[0]) if new else ""
    _frame(cur, "_n", new, f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _n")  # noqa: S608
    if changed:
        sets = ", ".join(
            f"{k} = u.{k}" for k in changed[0] if k not in {"id", "letter_no", "complaint_id"}
        )
        sql = f"UPDATE {table} SET {sets} FROM _u AS u WHERE {table}.id = u.id"  # noqa: S608
        _frame(cur, "_u", changed, sql)


def _writes(change: Change) -> bool:
    return change.old is None or _changed(change)


def _touched(plan: Plan, complaint_ids: dict[str, int]) -> set[int]:
    """Complaints whose own row, letters or responses are written."""
    agendas = {agenda for agenda, c in plan.complaints.items() if _writes(c)}
    for group in (plan.forwardings, plan.responses):
        agendas |= {c.new["agenda_no"] for c in group.values() if _writes(c)}
    return {complaint_ids[agenda] for agenda in agendas}


def _audit_updates(cur: duckdb.DuckDBPyConnection, actor: str, plan: Plan) -> list[dict]:
    """One audit row per updated record, with its old and new values."""
    rows = []
    groups = (
        ("complaint", plan.complaints),
        ("forwarding", plan.forwardings),
        ("response", plan.responses),
    )
    for entity, changes in groups:
        for change in changes.values():
            if _changed(change):
                rows.append(
                    {
                        "actor": actor,
                        "action": f"{entity}.update",
                        "entity": entity,
                        "entity_id": str(change.old.get("id", change.new.get("agenda_no"))),
                        "old_value": json.dumps(change.old, default=str),
                        "new_value": json.dumps(change.new, default=str),
                    }
                )
    return rows


def apply_plan(cur: duckdb.DuckDBPyConnection, actor: str, plan: Plan, progress: Progress) -> None:
    """All writes of the import; the caller's transaction makes them one unit."""
    progress("write", 0.0)
    agencies = _create_agencies(cur, plan)
    complaint_ids = _complaints(cur, plan, agencies)
    progress("write", 0.3)
    _letters(cur, "forwarding", plan.forwardings, complaint_ids, agencies)
    progress("write", 0.5)
    _letters(cur, "response", plan.responses, complaint_ids, agencies)
    progress("write", 0.7)
    touched = _touched(plan, complaint_ids)
    if touched:
        facts.refresh(cur, touched)
    progress("write", 0.9)
    start = next_id(cur, "audit_log")
    updates = [{"id": start + i, **row} for i, row in enumerate(_audit_updates(cur, actor, plan))]
    _frame(
        cur,
        "_a",
        updates,
        "INSERT INTO audit_log (id, actor, action, entity, entity_id, old_value, new_value)"
        " SELECT id, actor, action, entity, entity_id, old_value::JSON, new_value::JSON FROM _a",
    )
