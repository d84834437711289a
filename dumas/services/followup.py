"""Follow-up writes: complaints, forwarding letters, reminders and agency responses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from dumas.db import Database, facts, next_id
from dumas.domain.codes import Channel, ReminderKind, ResponseStatus
from dumas.domain.errors import Conflict, Message, NotFound, ValidationError
from dumas.domain.permissions import Action, User, require
from dumas.services.common import (
    audit,
    check_date,
    clean_letter_no,
    clean_text,
    insert_row,
    raise_if,
)

_COMPLAINT_TEXT = ("complainant_name", "complainant_contact", "regency", "summary")
_COMPLAINT_CODES = ("province_code", "reported_agency_id", "problem_code", "category_code")


def _record(
    cur: duckdb.DuckDBPyConnection, actor: User, table: str, row: dict, complaint_id: int
) -> int:
    """Insert the row with the next id, refresh the complaint's facts, audit it."""
    row = {"id": next_id(cur, table), **row}
    insert_row(cur, table, row)
    facts.refresh(cur, [complaint_id])
    audit(cur, actor.username, f"{table}.create", table, row["id"], None, row)
    return row["id"]


def _complaint_received_on(cur: duckdb.DuckDBPyConnection, complaint_id: int) -> dt.date:
    row = cur.execute(
        "SELECT received_on FROM complaint WHERE id = $id", {"id": complaint_id}
    ).fetchone()
    if row is None:
        raise NotFound(Message("error.unknown_complaint"))
    return row[0]


def _refuse_duplicate(cur: duckdb.DuckDBPyConnection, table: str, letter_no: str) -> None:
    """Our own letter numbers are unique across forwarding letters and reminders."""
    sql = {
        "forwarding": "SELECT 1 FROM forwarding WHERE lower(letter_no) = lower($no)",
        "reminder": "SELECT 1 FROM reminder_letter WHERE lower(letter_no) = lower($no)",
    }[table]
    if cur.execute(sql, {"no": letter_no}).fetchone():
        raise Conflict(Message("error.duplicate_letter", {"letter_no": letter_no}, "letter_no"))


def record_forwarding(
    db: Database,
    actor: User,
    *,
    complaint_id: int,
    agency_id: int,
    letter_no: str,
    letter_date: dt.date | None,
    today: dt.date,
) -> int:
    """Record a forwarding letter (surat penerusan) of a complaint to an agency."""
    require(actor, Action.RECORD_LETTERS)
    errors: list[Message] = []
    letter_no = clean_letter_no(letter_no, "letter_no", errors)
    check_date(letter_date, "letter_date", today, errors)
    raise_if(errors)
    with db.transaction() as cur:
        received_on = _complaint_received_on(cur, complaint_id)
        if cur.execute("SELECT 1 FROM agency WHERE id = $id", {"id": agency_id}).fetchone() is None:
            raise NotFound(Message("error.unknown_agency", {}, "agency"))
        if letter_date < received_on:
            raise ValidationError(
                Message("error.before_received", {"date": received_on}, "letter_date")
            )
        _refuse_duplicate(cur, "forwarding", letter_no)
        row = {
            "complaint_id": complaint_id,
            "agency_id": agency_id,
            "letter_no": letter_no,
            "letter_date": letter_date,
        }
        return _record(cur, actor, "forwarding", row, complaint_id)


def record_reminder(
    db: Database,
    actor: User,
    *,
    forwarding_id: int,
    kind: str,
    letter_no: str,
    letter_date: dt.date | None,
    today: dt.date,
) -> int:
    """Record a reminder (surat konfirmasi I or II) about a forwarding letter."""
    require(actor, Action.RECORD_LETTERS)
    errors: list[Message] = []
    if not ReminderKind.allows(kind):
        errors.append(Message("error.invalid_choice", {}, "kind"))
    letter_no = clean_letter_no(letter_no, "letter_no", errors)
    check_date(letter_date, "letter_date", today, errors)
    raise_if(errors)
    with db.transaction() as cur:
        found = cur.execute(
            "SELECT letter_date, complaint_id, agency_id FROM forwarding WHERE id = $id",
            {"id": forwarding_id},
        ).fetchone()
        if found is None:
            raise NotFound(Message("error.unknown_forwarding"))
        forwarded_on, complaint_id, agency_id = found
        if letter_date < forwarded_on:
            raise ValidationError(
                Message("error.before_forwarding", {"date": forwarded_on}, "letter_date")
            )
        _check_reminder_order(cur, forwarding_id, kind, letter_date)
        _refuse_duplicate(cur, "reminder", letter_no)
        # A letter of its own (reminder_letter, migration 0024) about this one forwarding
        # letter; services/reminders.py writes the letters that list many.
        letter_id = next_id(cur, "reminder_letter")
        cur.execute(
            "INSERT INTO reminder_letter (id, agency_id, kind, letter_no, letter_date)"
            " VALUES ($id, $agency_id, $kind, $letter_no, $letter_date)",
            {"id": letter_id, "agency_id": agency_id, "kind": kind, "letter_no": letter_no,
             "letter_date": letter_date},
        )  # fmt: skip
        row = {
            "forwarding_id": forwarding_id,
            "kind": kind,
            "letter_no": letter_no,
            "letter_date": letter_date,
            "letter_id": letter_id,
        }
        return _record(cur, actor, "reminder", row, complaint_id)


def _check_reminder_order(
    cur: duckdb.DuckDBPyConnection, forwarding_id: int, kind: str, letter_date: dt.date
) -> None:
    """One reminder of each kind; the second only after the first."""
    sent = dict(
        cur.execute(
            "SELECT kind, min(letter_date) FROM reminder WHERE forwarding_id = $id GROUP BY kind",
            {"id": forwarding_id},
        ).fetchall()
    )
    if kind in sent:
        raise Conflict(Message("error.reminder_exists", {}, "kind"))
    if kind == ReminderKind.KONFIRMASI_2:
        first = sent.get(ReminderKind.KONFIRMASI_1)
        if first is None:
            raise ValidationError(Message("error.konfirmasi_2_needs_1", {}, "kind"))
        if letter_date < first:
            raise ValidationError(
                Message("error.before_konfirmasi_1", {"date": first}, "letter_date")
            )


@dataclass(frozen=True)
class ResponseInput:
    """An agency's response letter as the user typed it: number, date, status, summary."""

    letter_no: str
    response_date: dt.date | None
    status: str
    summary: str | None


def record_response(
    db: Database,
    actor: User,
    *,
    complaint_id: int,
    agency_id: int,
    response: ResponseInput,
    today: dt.date,
) -> int:
    """Record an agency's response (tanggapan) to a forwarded complaint."""
    require(actor, Action.RECORD_LETTERS)
    with db.transaction() as cur:
        return insert_response(
            cur, actor, complaint_id=complaint_id, agency_id=agency_id, response=response,
            today=today,
        )  # fmt: skip


def insert_response(
    cur: duckdb.DuckDBPyConnection,
    actor: User,
    *,
    complaint_id: int,
    agency_id: int,
    response: ResponseInput,
    today: dt.date,
) -> int:
    """The checks and the write of a response inside the caller's transaction (the
    caller checked the permission: recording letters, or a monitoring's team)."""
    errors: list[Message] = []
    letter_no = clean_letter_no(response.letter_no, "letter_no", errors)
    check_date(response.response_date, "response_date", today, errors)
    if not ResponseStatus.allows(response.status):
        errors.append(Message("error.invalid_choice", {}, "status"))
    summary = clean_text(response.summary, "summary", errors)
    raise_if(errors)
    _complaint_received_on(cur, complaint_id)
    _check_response(cur, complaint_id, agency_id, letter_no, response.response_date)
    row = {
        "complaint_id": complaint_id,
        "agency_id": agency_id,
        "letter_no": letter_no,
        "response_date": response.response_date,
        "status": response.status,
        "summary": summary,
    }
    return _record(cur, actor, "response", row, complaint_id)


def _check_response(
    cur: duckdb.DuckDBPyConnection,
    complaint_id: int,
    agency_id: int,
    letter_no: str,
    response_date: dt.date,
) -> None:
    """The agency was sent the complaint before this date; its letter is new."""
    first = cur.execute(
        """
        SELECT min(letter_date) FROM forwarding
         WHERE complaint_id = $complaint_id AND agency_id = $agency_id
        """,
        {"complaint_id": complaint_id, "agency_id": agency_id},
    ).fetchone()[0]
    if first is None:
        raise ValidationError(Message("error.not_forwarded_to_agency", {}, "agency"))
    if response_date < first:
        raise ValidationError(Message("error.before_forwarding", {"date": first}, "response_date"))
    duplicate = cur.execute(
        """
        SELECT 1 FROM response
         WHERE agency_id = $agency_id AND lower(letter_no) = lower($letter_no)
        """,
        {"agency_id": agency_id, "letter_no": letter_no},
    ).fetchone()
    if duplicate:
        raise Conflict(Message("error.duplicate_letter", {"letter_no": letter_no}, "letter_no"))


def create_complaint(db: Database, actor: User, *, today: dt.date, **fields: object) -> int:
    """Register a complaint (used by the importer and tests; the form comes later)."""
    require(actor, Action.RECORD_LETTERS)
    errors: list[Message] = []
    agenda_no = clean_letter_no(fields.get("agenda_no"), "agenda_no", errors)
    check_date(fields.get("received_on"), "received_on", today, errors)
    if not Channel.allows(fields.get("channel")):
        errors.append(Message("error.invalid_choice", {}, "channel"))
    text = {name: clean_text(fields.get(name), name, errors) for name in _COMPLAINT_TEXT}
    raise_if(errors)
    with db.transaction() as cur:
        exists = cur.execute(
            "SELECT 1 FROM complaint WHERE agenda_no = $no", {"no": agenda_no}
        ).fetchone()
        if exists:
            raise Conflict(Message("error.duplicate_agenda", {"agenda_no": agenda_no}, "agenda_no"))
        row = {
            "id": next_id(cur, "complaint"),
            "agenda_no": agenda_no,
            "received_on": fields["received_on"],
            "channel": fields["channel"],
            **text,
            **{name: fields.get(name) for name in _COMPLAINT_CODES},
        }
        insert_row(cur, "complaint", row)
        audit(cur, actor.username, "complaint.create", "complaint", row["id"], None, row)
        return row["id"]


def reveal_complainant(db: Database, actor: User, complaint_id: int) -> dict[str, str | None]:
    """The complainant's name and contact, for a role allowed them; every reveal is audited."""
    require(actor, Action.VIEW_PERSONAL_DATA)
    with db.transaction() as cur:
        row = cur.execute(
            "SELECT complainant_name, complainant_contact FROM complaint WHERE id = $id",
            {"id": complaint_id},
        ).fetchall()
        if not row:
            raise NotFound(Message("error.unknown_complaint"))
        audit(cur, actor.username, "complaint.reveal", "complaint", complaint_id, None, None)
    return {"complainant_name": row[0][0], "complainant_contact": row[0][1]}
