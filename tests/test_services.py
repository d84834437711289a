"""Writes: validation in the user's language, one transaction, one audit row each."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from dumas import services
from dumas.domain.errors import Conflict, NotFound, ValidationError
from dumas.i18n import t
from tests.conftest import ANALYST, TODAY


def _count(db, table: str) -> int:
    return db.cursor().execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _keys(error) -> list[tuple[str, str | None]]:
    return [(m.key, m.field) for m in error.value.messages]


def test_recording_a_response_appends_one_audit_row_with_the_new_values(db, make, kemendagri):
    c = make.complaint()
    make.forward(c, kemendagri, dt.date(2026, 3, 2))
    before = _count(db, "audit_log")
    rid = services.record_response(
        db,
        ANALYST,
        complaint_id=c,
        agency_id=kemendagri,
        response=services.ResponseInput(
            letter_no="  T-9 /2026 ",
            response_date=dt.date(2026, 3, 9),
            status="dalam_proses",
            summary="Sedang  diproses",
        ),
        today=TODAY,
    )
    rows = (
        db.cursor()
        .execute(
            "SELECT actor, action, entity_id, old_value,"
            " new_value->>'letter_no', new_value->>'summary'"
            " FROM audit_log ORDER BY id DESC LIMIT 1"
        )
        .fetchone()
    )
    assert _count(db, "audit_log") == before + 1
    assert rows == (
        ANALYST.username,
        "response.create",
        str(rid),
        None,
        "T-9 /2026",
        "Sedang diproses",
    )


def test_letter_number_is_required(db, make, kemendagri):
    c = make.complaint()
    with pytest.raises(ValidationError) as error:
        services.record_forwarding(
            db,
            ANALYST,
            complaint_id=c,
            agency_id=kemendagri,
            letter_no="   ",
            letter_date=dt.date(2026, 3, 2),
            today=TODAY,
        )
    assert _keys(error) == [("error.required", "letter_no")]


def test_a_future_date_is_refused(db, make, kemendagri):
    c = make.complaint()
    with pytest.raises(ValidationError) as error:
        services.record_forwarding(
            db,
            ANALYST,
            complaint_id=c,
            agency_id=kemendagri,
            letter_no="B-1",
            letter_date=TODAY + dt.timedelta(days=1),
            today=TODAY,
        )
    assert _keys(error) == [("error.future_date", "letter_date")]
    assert t("error.future_date", "id") == "tanggal tidak boleh di masa depan."


def test_a_response_dated_before_its_forwarding_letter_is_refused(db, make, kemendagri):
    c = make.complaint()
    make.forward(c, kemendagri, dt.date(2026, 3, 2))
    before = _count(db, "response"), _count(db, "audit_log")
    with pytest.raises(ValidationError) as error:
        make.respond(c, kemendagri, dt.date(2026, 2, 27))
    assert _keys(error) == [("error.before_forwarding", "response_date")]
    assert error.value.messages[0].params == {"date": dt.date(2026, 3, 2)}
    assert (_count(db, "response"), _count(db, "audit_log")) == before


def test_a_response_from_an_agency_never_forwarded_to_is_refused(db, make, kemendagri, bpn):
    c = make.complaint()
    make.forward(c, kemendagri, dt.date(2026, 3, 2))
    with pytest.raises(ValidationError) as error:
        make.respond(c, bpn, dt.date(2026, 3, 5))
    assert _keys(error) == [("error.not_forwarded_to_agency", "agency")]


def test_a_duplicate_forwarding_letter_number_is_refused_whatever_its_case(
    db, make, kemendagri, bpn
):
    c = make.complaint()
    services.record_forwarding(
        db,
        ANALYST,
        complaint_id=c,
        agency_id=kemendagri,
        letter_no="B-77/D-4",
        letter_date=dt.date(2026, 3, 2),
        today=TODAY,
    )
    with pytest.raises(Conflict) as error:
        services.record_forwarding(
            db,
            ANALYST,
            complaint_id=c,
            agency_id=bpn,
            letter_no="b-77/d-4",
            letter_date=dt.date(2026, 3, 3),
            today=TODAY,
        )
    assert _keys(error) == [("error.duplicate_letter", "letter_no")]
    assert _count(db, "forwarding") == 1


def test_a_duplicate_response_letter_of_the_same_agency_is_refused(db, make, kemendagri):
    c = make.complaint()
    make.forward(c, kemendagri, dt.date(2026, 3, 2))
    kwargs = dict(
        complaint_id=c,
        agency_id=kemendagri,
        response=services.ResponseInput("T-1", dt.date(2026, 3, 4), "selesai", None),
        today=TODAY,
    )
    services.record_response(db, ANALYST, **kwargs)
    with pytest.raises(Conflict):
        services.record_response(db, ANALYST, **kwargs)


def test_a_forwarding_letter_before_the_complaint_was_received_is_refused(db, make, kemendagri):
    c = make.complaint(received_on=dt.date(2026, 3, 10))
    with pytest.raises(ValidationError) as error:
        make.forward(c, kemendagri, dt.date(2026, 3, 9))
    assert _keys(error) == [("error.before_received", "letter_date")]


def test_second_reminder_needs_the_first(db, make, kemendagri):
    c = make.complaint()
    f = make.forward(c, kemendagri, dt.date(2026, 3, 2))
    with pytest.raises(ValidationError) as error:
        services.record_reminder(
            db,
            ANALYST,
            forwarding_id=f,
            kind="konfirmasi_2",
            letter_no="K2-1",
            letter_date=dt.date(2026, 5, 4),
            today=TODAY,
        )
    assert _keys(error) == [("error.konfirmasi_2_needs_1", "kind")]
    services.record_reminder(
        db,
        ANALYST,
        forwarding_id=f,
        kind="konfirmasi_1",
        letter_no="K1-1",
        letter_date=dt.date(2026, 4, 6),
        today=TODAY,
    )
    services.record_reminder(
        db,
        ANALYST,
        forwarding_id=f,
        kind="konfirmasi_2",
        letter_no="K2-1",
        letter_date=dt.date(2026, 5, 4),
        today=TODAY,
    )
    reminders = db.cursor().execute("SELECT reminders FROM letter_facts($d)", {"d": TODAY})
    assert reminders.fetchone()[0] == 2


def test_unknown_complaint_is_not_found(db, kemendagri):
    with pytest.raises(NotFound):
        services.record_forwarding(
            db,
            ANALYST,
            complaint_id=999,
            agency_id=kemendagri,
            letter_no="B-1",
            letter_date=dt.date(2026, 3, 2),
            today=TODAY,
        )


def test_sql_metacharacters_and_long_text_are_stored_literally_or_refused(db, make, kemendagri):
    c = make.complaint()
    make.forward(c, kemendagri, dt.date(2026, 3, 2))
    nasty = "x'); DROP TABLE response; --"
    make_id = services.record_response(
        db,
        ANALYST,
        complaint_id=c,
        agency_id=kemendagri,
        response=services.ResponseInput(
            letter_no=nasty, response_date=dt.date(2026, 3, 3), status="selesai", summary=nasty
        ),
        today=TODAY,
    )
    stored = db.cursor().execute(
        "SELECT letter_no, summary FROM response WHERE id = $i", {"i": make_id}
    )
    assert stored.fetchone() == (nasty, nasty)
    with pytest.raises(ValidationError) as error:
        services.record_response(
            db,
            ANALYST,
            complaint_id=c,
            agency_id=kemendagri,
            response=services.ResponseInput(
                letter_no="T-2",
                response_date=dt.date(2026, 3, 3),
                status="selesai",
                summary="a" * 5000,
            ),
            today=TODAY,
        )
    assert _keys(error) == [("error.too_long", "summary")]


def test_a_failure_inside_the_transaction_leaves_nothing_behind(db, make, kemendagri):
    c = make.complaint()
    before = _count(db, "forwarding"), _count(db, "audit_log")
    with pytest.raises(RuntimeError), db.transaction() as cur:
        cur.execute(
            "INSERT INTO forwarding (id, complaint_id, agency_id, letter_no, letter_date)"
            " VALUES (500, $c, $a, 'B-500', DATE '2026-03-02')",
            {"c": c, "a": kemendagri},
        )
        raise RuntimeError("crash half-way")
    assert (_count(db, "forwarding"), _count(db, "audit_log")) == before


def test_a_reading_cursor_is_closed_when_its_block_ends_even_by_an_error(db):
    with db.reading() as cur:
        assert cur.execute("SELECT 1").fetchone() == (1,)
    with pytest.raises(RuntimeError), db.reading() as failed:
        raise RuntimeError("crash half-way")
    for closed in (cur, failed):
        with pytest.raises(duckdb.ConnectionException):
            closed.execute("SELECT 1")


def test_every_write_changes_the_data_version(db, make, kemendagri):
    def version() -> str:
        return (
            db.cursor().execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]
        )

    c = make.complaint()
    first = version()
    make.forward(c, kemendagri, dt.date(2026, 3, 2))
    assert version() != first
