"""Hostile input in every text field: stored literally or refused with a message, never SQL."""

from __future__ import annotations

import datetime as dt

import pytest

from dumas import services
from dumas.domain.errors import DomainError
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
            db, ANALYST, complaint_id=c, agency_id=kemendagri, today=TODAY,
            response=services.ResponseInput(text, dt.date(2026, 3, 5), "selesai", summary=text),
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


RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Budi \u202eosotnaS" reads "Budi Santoso"


def test_invisible_direction_controls_are_refused_in_every_typed_field(db, make, kemendagri):
    from dumas.domain import periods
    from dumas.services import periodic

    c = make.complaint()
    f = make.forward(c, kemendagri, dt.date(2026, 3, 2))
    spoof = f"Budi {RLO}osotnaS"
    calls = {
        "complaint name": lambda: services.create_complaint(
            db, ANALYST, today=TODAY, agenda_no="RLO-1", received_on=TODAY, channel="surat",
            complainant_name=spoof,
        ),
        "agenda number": lambda: services.create_complaint(
            db, ANALYST, today=TODAY, agenda_no=f"RLO-{RLO}2", received_on=TODAY, channel="surat",
        ),
        "forwarding number": lambda: services.record_forwarding(
            db, ANALYST, complaint_id=c, agency_id=kemendagri, letter_no=f"B-1{RLO}/D-4",
            letter_date=dt.date(2026, 3, 3), today=TODAY,
        ),
        "reminder number": lambda: services.record_reminder(
            db, ANALYST, forwarding_id=f, kind="konfirmasi_1", letter_no=f"K-1{RLO}",
            letter_date=dt.date(2026, 4, 6), today=TODAY,
        ),
        "response summary": lambda: services.record_response(
            db, ANALYST, complaint_id=c, agency_id=kemendagri, today=TODAY,
            response=services.ResponseInput("T-1", dt.date(2026, 3, 5), "selesai", summary=spoof),
        ),
        "full name": lambda: users.create_user(
            db, ADMIN, username="budi", full_name=spoof, password="sandi-kuat-2026",
            roles=["analis"],
        ),
        "jabatan": lambda: users.set_official_details(
            db, ADMIN, 1, revision=_revision(db, 1), nip=None, rank=None, position=spoof
        ),
        "report narrative": lambda: periodic.save_draft(
            db, ANALYST, periods.parse("2026-05"), narrative={"key_issues": spoof}, revision=0,
            now=dt.datetime(2026, 11, 27, 9),
        ),
    }  # fmt: skip
    before = db.cursor().execute("SELECT count(*) FROM audit_log").fetchone()[0]
    for name, call in calls.items():
        with pytest.raises(DomainError) as refused:
            call()
            pytest.fail(f"{name}: stored")
        assert [m.key for m in refused.value.messages] == ["error.bidi_control"], name
    assert db.cursor().execute("SELECT count(*) FROM audit_log").fetchone()[0] == before
    stored = db.cursor().execute("SELECT count(*) FROM complaint WHERE agenda_no LIKE 'RLO%'")
    assert stored.fetchone()[0] == 0


def _revision(db, user_id: int) -> int:
    found = db.cursor().execute("SELECT revision FROM app_user WHERE id = $id", {"id": user_id})
    return found.fetchone()[0]


def test_the_same_texts_without_the_control_are_stored_as_typed(db):
    uid = users.create_user(
        db, ADMIN, username="budi", full_name="  Budi   Santoso, S.H.  ",
        password="sandi-kuat-2026", roles=["analis"],
    )  # fmt: skip
    name = db.cursor().execute("SELECT full_name FROM app_user WHERE id = $id", {"id": uid})
    assert name.fetchall() == [("Budi Santoso, S.H.",)]


def test_a_full_name_longer_than_a_signature_line_is_refused_not_cut(db):
    with pytest.raises(DomainError) as refused:
        users.create_user(
            db, ADMIN, username="budi", full_name="B" * 121, password="sandi-kuat-2026",
            roles=["analis"],
        )  # fmt: skip
    assert [m.key for m in refused.value.messages] == ["error.too_long"]
