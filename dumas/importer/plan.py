"""What an import would change: parsed records compared with the database (read only)."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from dumas.importer.model import Record, RowError
from dumas.reference import normalise_name

# complaint column -> Record attribute; None in the file keeps the stored value
COMPLAINT_COLUMNS = {
    "received_on": "received_on",
    "complainant_name": "complainant_name",
    "channel": "channel",
    "province_code": "province",
    "regency": "regency",
    "problem_code": "problem_code",
    "category_code": "category",
    "summary": "summary",
}


@dataclass
class Counts:
    """Created, updated and unchanged records of one kind."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class Change:
    """One record to write: its stored row (None when new) and the row to store."""

    old: dict | None
    new: dict


@dataclass
class Plan:
    """The writes an import needs, and the rows the database refuses."""

    new_agencies: dict[str, str] = field(default_factory=dict)  # alias key -> name as written
    agency_ids: dict[str, int] = field(default_factory=dict)  # alias key -> existing id
    complaints: dict[str, Change] = field(default_factory=dict)  # agenda_no -> change
    forwardings: dict[str, Change] = field(default_factory=dict)  # lower(letter_no) -> change
    responses: dict[tuple[str, str], Change] = field(default_factory=dict)
    counts: dict[str, Counts] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def _fetch(cur: duckdb.DuckDBPyConnection, sql: str, keys: list) -> list[dict]:
    cursor = cur.execute(sql, {"keys": keys})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _existing(cur: duckdb.DuckDBPyConnection, records: list[Record]) -> dict[str, dict]:
    """Stored complaints, forwarding letters and responses that the file refers to."""
    agendas = sorted({r.agenda_no for r in records})
    letters = sorted({r.letter_no.lower() for r in records if r.letter_no})
    replies = sorted({r.response_no.lower() for r in records if r.response_no})
    complaint_sql = f"""
        SELECT id, agenda_no, reported_agency_id, {", ".join(COMPLAINT_COLUMNS)}
          FROM complaint WHERE agenda_no IN (SELECT unnest($keys))
    """  # noqa: S608 - column names from COMPLAINT_COLUMNS
    return {
        "complaint": {row["agenda_no"]: row for row in _fetch(cur, complaint_sql, agendas)},
        "forwarding": {
            row["letter_no"].lower(): row
            for row in _fetch(
                cur,
                "SELECT f.*, c.agenda_no FROM forwarding AS f"
                " JOIN complaint AS c ON c.id = f.complaint_id"
                " WHERE lower(f.letter_no) IN (SELECT unnest($keys))",
                letters,
            )
        },
        "response": {
            (row["agency_id"], row["letter_no"].lower()): row
            for row in _fetch(
                cur,
                "SELECT r.*, c.agenda_no FROM response AS r"
                " JOIN complaint AS c ON c.id = r.complaint_id"
                " WHERE lower(r.letter_no) IN (SELECT unnest($keys))",
                replies,
            )
        },
    }


def _resolve_agencies(cur: duckdb.DuckDBPyConnection, records: list[Record], plan: Plan) -> None:
    """Known agencies by name or alias; the others become new agencies."""
    names = {}
    for r in records:
        for name in (r.agency, r.reported_agency):
            if name:
                names.setdefault(normalise_name(name), name)
    found = cur.execute(
        "SELECT alias_key, agency_id FROM agency_alias WHERE alias_key IN (SELECT unnest($k))",
        {"k": sorted(names)},
    ).fetchall()
    plan.agency_ids = dict(found)
    plan.new_agencies = {k: v for k, v in names.items() if k not in plan.agency_ids}


def agency_ref(plan: Plan, name: str | None) -> int | str | None:
    """The agency's id, or its alias key while it is still to be created."""
    if not name:
        return None
    key = normalise_name(name)
    return plan.agency_ids.get(key, key)


def make_plan(cur: duckdb.DuckDBPyConnection, records: list[Record]) -> tuple[Plan, list[Record]]:
    """Compare the records with the database; return the plan and the records it accepts."""
    plan = Plan(counts={kind: Counts() for kind in ("complaint", "forwarding", "response")})
    _resolve_agencies(cur, records, plan)
    stored = _existing(cur, records)
    accepted = [r for r in records if not _conflicts(r, plan, stored)]
    for record in accepted:
        _plan_complaint(record, plan, stored["complaint"])
        if record.has_forwarding():
            _plan_forwarding(record, plan, stored["forwarding"])
        if record.has_response():
            _plan_response(record, plan, stored["response"])
    return plan, accepted


def _conflicts(record: Record, plan: Plan, stored: dict[str, dict]) -> bool:
    """Refuse a row whose letter numbers already belong to another complaint."""
    errors = []
    letter = stored["forwarding"].get((record.letter_no or "").lower())
    if letter and letter["agenda_no"] != record.agenda_no:
        errors.append(
            RowError(
                record.row,
                "No Surat Penerusan",
                "import.error.letter_taken",
                {"letter_no": record.letter_no, "agenda": letter["agenda_no"]},
            )
        )
    reply = stored["response"].get(
        (agency_ref(plan, record.agency), (record.response_no or "").lower())
    )
    if reply and reply["agenda_no"] != record.agenda_no:
        errors.append(
            RowError(
                record.row,
                "No Surat Tanggapan",
                "import.error.response_taken",
                {"letter_no": record.response_no, "agenda": reply["agenda_no"]},
            )
        )
    plan.errors.extend(errors)
    return bool(errors)


def _count(plan: Plan, kind: str, change: Change) -> None:
    counts = plan.counts[kind]
    if change.old is None:
        counts.created += 1
    elif any(change.old.get(k) != v for k, v in change.new.items()):
        counts.updated += 1
    else:
        counts.unchanged += 1


def _merge(old: dict | None, new: dict) -> dict:
    """The file's values over the stored ones; an empty cell keeps what is stored."""
    if old is None:
        return new
    return {k: (old.get(k) if v is None else v) for k, v in new.items()}  # not old's id


def _plan_complaint(record: Record, plan: Plan, stored: dict[str, dict]) -> None:
    if record.agenda_no in plan.complaints:
        return
    old = stored.get(record.agenda_no)
    new = {column: getattr(record, attr) for column, attr in COMPLAINT_COLUMNS.items()}
    new["reported_agency_id"] = agency_ref(plan, record.reported_agency)
    old_view = None if old is None else {k: old[k] for k in new} | {"id": old["id"]}
    change = Change(old_view, _merge(old_view, new))
    plan.complaints[record.agenda_no] = change
    _count(plan, "complaint", change)


def _plan_forwarding(record: Record, plan: Plan, stored: dict[str, dict]) -> None:
    key = record.letter_no.lower()
    if key in plan.forwardings:
        return
    old = stored.get(key)
    new = {
        "agenda_no": record.agenda_no,
        "agency_id": agency_ref(plan, record.agency),
        "letter_no": record.letter_no if old is None else old["letter_no"],
        "letter_date": record.letter_date,
    }
    old_view = None if old is None else {k: old[k] for k in new} | {"id": old["id"]}
    change = Change(old_view, _merge(old_view, new))
    plan.forwardings[key] = change
    _count(plan, "forwarding", change)


def _plan_response(record: Record, plan: Plan, stored: dict[tuple, dict]) -> None:
    agency = agency_ref(plan, record.agency)
    key = (agency, record.response_no.lower())
    if key in plan.responses:
        return
    old = stored.get(key)
    new = {
        "agenda_no": record.agenda_no,
        "agency_id": agency,
        "letter_no": record.response_no if old is None else old["letter_no"],
        "response_date": record.response_date,
        "status": record.response_status,
        "summary": record.response_summary,
    }
    old_view = None if old is None else {k: old[k] for k in new} | {"id": old["id"]}
    change = Change(old_view, _merge(old_view, new))
    plan.responses[key] = change
    _count(plan, "response", change)
