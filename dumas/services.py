"""Write side: one function per use case, one transaction each, with its audit row."""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from dumas import calendar, facts
from dumas.db import Database, next_id
from dumas.errors import Conflict, Message, NotFound, ValidationError
from dumas.queries.filters import CHANNELS, FOLLOW_UP_STATUSES

REMINDER_KINDS = ("konfirmasi_1", "konfirmasi_2")
MAX_TEXT = 4000  # longest free text accepted in any field
MAX_LETTER_NO = 120


def audit(
    cur: duckdb.DuckDBPyConnection,
    actor: str,
    action: str,
    entity: str,
    entity_id: object,
    old: dict | None,
    new: dict | None,
) -> None:
    """Append one audit row and mark the data as changed, inside the caller's transaction."""
    cur.execute(
        """
        INSERT INTO audit_log (id, actor, action, entity, entity_id, old_value, new_value)
        VALUES ($id, $actor, $action, $entity, $entity_id, $old, $new)
        """,
        {
            "id": next_id(cur, "audit_log"),
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": None if entity_id is None else str(entity_id),
            "old": None if old is None else json.dumps(old, default=str),
            "new": None if new is None else json.dumps(new, default=str),
        },
    )
    cur.execute(
        """
        INSERT INTO meta (key, value) VALUES ('data_version', '1')
        ON CONFLICT (key) DO UPDATE SET value = (meta.value::BIGINT + 1)::VARCHAR
        """
    )


def _clean_letter_no(value: str | None, field: str, errors: list[Message]) -> str:
    text = " ".join((value or "").split())
    if not text:
        errors.append(Message("error.required", {}, field))
    elif len(text) > MAX_LETTER_NO:
        errors.append(Message("error.too_long", {"max": MAX_LETTER_NO}, field))
    return text


def _check_date(value: dt.date | None, field: str, today: dt.date, errors: list[Message]) -> None:
    if value is None:
        errors.append(Message("error.required", {}, field))
    elif value > today:
        errors.append(Message("error.future_date", {}, field))
    elif not calendar.in_range(value):
        errors.append(Message("error.date_out_of_range", {}, field))


def _clean_text(value: str | None, field: str, errors: list[Message]) -> str | None:
    text = " ".join((value or "").split()) or None
    if text and len(text) > MAX_TEXT:
        errors.append(Message("error.too_long", {"max": MAX_TEXT}, field))
    return text


def _raise_if(errors: list[Message]) -> None:
    if errors:
        raise ValidationError(*errors)


def _complaint(cur: duckdb.DuckDBPyConnection, complaint_id: int) -> tuple[int, dt.date]:
    row = cur.execute(
        "SELECT id, received_on FROM complaint WHERE id = $id", {"id": complaint_id}
    ).fetchone()
    if row is None:
        raise NotFound(Message("error.unknown_complaint"))
    return row


def _ensure_agency(cur: duckdb.DuckDBPyConnection, agency_id: int) -> None:
    if cur.execute("SELECT 1 FROM agency WHERE id = $id", {"id": agency_id}).fetchone() is None:
        raise NotFound(Message("error.unknown_agency", {}, "agency"))


def record_forwarding(
    db: Database,
    actor: str,
    *,
    complaint_id: int,
    agency_id: int,
    letter_no: str,
    letter_date: dt.date | None,
    today: dt.date,
) -> int:
    """Record a forwarding letter (surat penerusan) of a complaint to an agency."""
    errors: list[Message] = []
    letter_no = _clean_letter_no(letter_no, "letter_no", errors)
    _check_date(letter_date, "letter_date", today, errors)
    _raise_if(errors)
    with db.transaction() as cur:
        _, received_on = _complaint(cur, complaint_id)
        _ensure_agency(cur, agency_id)
        if letter_date < received_on:
            raise ValidationError(
                Message("error.before_received", {"date": received_on}, "letter_date")
            )
        _refuse_duplicate(cur, "forwarding", letter_no)
        new_id = next_id(cur, "forwarding")
        row = {
            "id": new_id,
            "complaint_id": complaint_id,
            "agency_id": agency_id,
            "letter_no": letter_no,
            "letter_date": letter_date,
        }
        cur.execute(
            """
            INSERT INTO forwarding (id, complaint_id, agency_id, letter_no, letter_date)
            VALUES ($id, $complaint_id, $agency_id, $letter_no, $letter_date)
            """,
            row,
        )
        facts.refresh(cur, [complaint_id])
        audit(cur, actor, "forwarding.create", "forwarding", new_id, None, row)
    return new_id


def _refuse_duplicate(cur: duckdb.DuckDBPyConnection, table: str, letter_no: str) -> None:
    sql = {
        "forwarding": "SELECT 1 FROM forwarding WHERE lower(letter_no) = lower($no)",
        "reminder": "SELECT 1 FROM reminder WHERE lower(letter_no) = lower($no)",
    }[table]
    if cur.execute(sql, {"no": letter_no}).fetchone():
        raise Conflict(Message("error.duplicate_letter", {"letter_no": letter_no}, "letter_no"))


def record_reminder(
    db: Database,
    actor: str,
    *,
    forwarding_id: int,
    kind: str,
    letter_no: str,
    letter_date: dt.date | None,
    today: dt.date,
) -> int:
    """Record a reminder (surat konfirmasi I or II) about a forwarding letter."""
    errors: list[Message] = []
    if kind not in REMINDER_KINDS:
        errors.append(Message("error.invalid_choice", {}, "kind"))
    letter_no = _clean_letter_no(letter_no, "letter_no", errors)
    _check_date(letter_date, "letter_date", today, errors)
    _raise_if(errors)
    with db.transaction() as cur:
        row = cur.execute(
            "SELECT letter_date, complaint_id FROM forwarding WHERE id = $id",
            {"id": forwarding_id},
        ).fetchone()
        if row is None:
            raise NotFound(Message("error.unknown_forwarding"))
        forwarded_on, complaint_id = row
        if letter_date < forwarded_on:
            raise ValidationError(
                Message("error.before_forwarding", {"date": forwarded_on}, "letter_date")
            )
        _check_reminder_order(cur, forwarding_id, kind, letter_date)
        _refuse_duplicate(cur, "reminder", letter_no)
        new_id = next_id(cur, "reminder")
        new = {
            "id": new_id,
            "forwarding_id": forwarding_id,
            "kind": kind,
            "letter_no": letter_no,
            "letter_date": letter_date,
        }
        cur.execute(
            """
            INSERT INTO reminder (id, forwarding_id, kind, letter_no, letter_date)
            VALUES ($id, $forwarding_id, $kind, $letter_no, $letter_date)
            """,
            new,
        )
        facts.refresh(cur, [complaint_id])
        audit(cur, actor, "reminder.create", "reminder", new_id, None, new)
    return new_id


def _check_reminder_order(
    cur: duckdb.DuckDBPyConnection, forwarding_id: int, kind: str, letter_date: dt.date
) -> None:
    sent = dict(
        cur.execute(
            "SELECT kind, min(letter_date) FROM reminder WHERE forwarding_id = $id GROUP BY kind",
            {"id": forwarding_id},
        ).fetchall()
    )
    if kind in sent:
        raise Conflict(Message("error.reminder_exists", {}, "kind"))
    if kind == "konfirmasi_2":
        first = sent.get("konfirmasi_1")
        if first is None:
            raise ValidationError(Message("error.konfirmasi_2_needs_1", {}, "kind"))
        if letter_date < first:
            raise ValidationError(
                Message("error.before_konfirmasi_1", {"date": first}, "letter_date")
            )


def record_response(
    db: Database,
    actor: str,
    *,
    complaint_id: int,
    agency_id: int,
    letter_no: str,
    response_date: dt.date | None,
    status: str,
    summary: str | None,
    today: dt.date,
) -> int:
    """Record an agency's response (tanggapan) to a forwarded complaint."""
    errors: list[Message] = []
    letter_no = _clean_letter_no(letter_no, "letter_no", errors)
    _check_date(response_date, "response_date", today, errors)
    if status not in FOLLOW_UP_STATUSES:
        errors.append(Message("error.invalid_choice", {}, "status"))
    summary = _clean_text(summary, "summary", errors)
    _raise_if(errors)
    with db.transaction() as cur:
        _complaint(cur, complaint_id)
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
            raise ValidationError(
                Message("error.before_forwarding", {"date": first}, "response_date")
            )
        duplicate = cur.execute(
            """
            SELECT 1 FROM response
             WHERE agency_id = $agency_id AND lower(letter_no) = lower($letter_no)
            """,
            {"agency_id": agency_id, "letter_no": letter_no},
        ).fetchone()
        if duplicate:
            raise Conflict(Message("error.duplicate_letter", {"letter_no": letter_no}, "letter_no"))
        new_id = next_id(cur, "response")
        new = {
            "id": new_id,
            "complaint_id": complaint_id,
            "agency_id": agency_id,
            "letter_no": letter_no,
            "response_date": response_date,
            "status": status,
            "summary": summary,
        }
        cur.execute(
            """
            INSERT INTO response
                (id, complaint_id, agency_id, letter_no, response_date, status, summary)
            VALUES
                ($id, $complaint_id, $agency_id, $letter_no, $response_date, $status, $summary)
            """,
            new,
        )
        facts.refresh(cur, [complaint_id])
        audit(cur, actor, "response.create", "response", new_id, None, new)
    return new_id


def create_complaint(db: Database, actor: str, *, today: dt.date, **fields: object) -> int:
    """Register a complaint (used by the importer and tests; the form comes later)."""
    errors: list[Message] = []
    agenda_no = _clean_letter_no(fields.get("agenda_no"), "agenda_no", errors)
    received_on = fields.get("received_on")
    _check_date(received_on, "received_on", today, errors)
    if fields.get("channel") not in CHANNELS:
        errors.append(Message("error.invalid_choice", {}, "channel"))
    text = {
        k: _clean_text(fields.get(k), k, errors)
        for k in ("complainant_name", "complainant_contact", "regency", "summary")
    }
    _raise_if(errors)
    with db.transaction() as cur:
        exists = cur.execute(
            "SELECT 1 FROM complaint WHERE agenda_no = $no", {"no": agenda_no}
        ).fetchone()
        if exists:
            raise Conflict(Message("error.duplicate_agenda", {"agenda_no": agenda_no}, "agenda_no"))
        new_id = next_id(cur, "complaint")
        new = {
            "id": new_id,
            "agenda_no": agenda_no,
            "received_on": received_on,
            "channel": fields["channel"],
            **text,
            "province_code": fields.get("province_code"),
            "reported_agency_id": fields.get("reported_agency_id"),
            "problem_code": fields.get("problem_code"),
            "category_code": fields.get("category_code"),
        }
        cols = ", ".join(new)
        values = ", ".join(f"${k}" for k in new)
        cur.execute(f"INSERT INTO complaint ({cols}) VALUES ({values})", new)  # noqa: S608
        audit(cur, actor, "complaint.create", "complaint", new_id, None, new)
    return new_id
