"""Hostile input in every text field: stored literally or refused with a message, never SQL."""

from __future__ import annotations

import datetime as dt

import pytest

from dumas import services
from dumas.errors import DomainError
from dumas.services import users
from tests.conftest import ADMIN, ANALYST, TODAY

HOSTILE = [
    "'; DROP TABLE complaint; --",
    '" OR 1=1 --',
    "$1 $name ? %s {0}",
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "x" * 100_000,
    "\x00\x1f",
]


def _tables_intact(db) -> bool:
    names = {r[0] for r in db.cursor().execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    return {"complaint", "forwarding", "response", "app_user", "audit_log"} <= names


def _try(call) -> str:
    """'stored' or 'refused'; anything else (a database error, a crash) fails the test."""
    try:
        call()
    except DomainError:
        return "refused"
    return "stored"


@pytest.mark.parametrize("text", HOSTILE)
def test_every_follow_up_text_field_takes_hostile_text_safely(db, make, kemendagri, text):
    c = make.complaint()
    f = make.forward(c, kemendagri, dt.date(2026, 3, 2))
    calls = {
        "complaint fields": lambda: services.create_complaint(
            db, ANALYST, today=TODAY, agenda_no=text[:100] + "A", received_on=TODAY,
            channel="surat", complainant_name=text, complainant_contact=text, regency=text,
            summary=text,
        ),
        "forwarding number": lambda: services.record_forwarding(
            db, ANALYST, complaint_id=c, agency_id=kemendagri, letter_no=text,
            letter_date=dt.date(2026, 3, 3), today=TODAY,
        ),
        "reminder number": lambda: services.record_reminder(
            db, ANALYST, forwarding_id=f, kind="konfirmasi_1", letter_no=text,
            letter_date=dt.date(2026, 4, 6), today=TODAY,
        ),
        "response number and summary": lambda: services.record_response(
            db, ANALYST, complaint_id=c, agency_id=kemendagri, letter_no=text,
            response_date=dt.date(2026, 3, 5), status="selesai", summary=text, today=TODAY,
        ),
        "user name and full name": lambda: users.create_user(
            db, ADMIN, username=text, full_name=text, password="sandi-kuat-2026",
            roles=["analis"],
        ),
    }  # fmt: skip
    outcomes = {name: _try(call) for name, call in calls.items()}
    assert set(outcomes.values()) <= {"stored", "refused"}
    assert _tables_intact(db)
    if len(text) > 4000:  # too long for any field: refused with a message, nothing stored
        assert set(outcomes.values()) == {"refused"}
    stored = db.cursor().execute("SELECT summary FROM response").fetchall()
    if outcomes["response number and summary"] == "stored":
        assert stored == [(" ".join(text.split()),)]  # literally, spaces collapsed
