"""letter_facts(as_of) agrees with the definitions computed independently, letter by letter."""

from __future__ import annotations

import datetime as dt

import pytest

from dumas.db import demo
from dumas.domain import calendar
from tests.conftest import TODAY


@pytest.fixture
def demo_db(db):
    demo.generate(db, 300, today=TODAY)
    return db


def _reference(db, as_of: dt.date) -> dict[int, tuple]:
    """docs/figures.md read literally, in Python, straight from the base tables."""
    cur = db.cursor()
    letters = cur.execute(
        "SELECT id, complaint_id, agency_id, letter_date FROM forwarding WHERE letter_date <= $d",
        {"d": as_of},
    ).fetchall()
    responses = cur.execute(
        "SELECT complaint_id, agency_id, response_date, id, status FROM response"
        " WHERE response_date <= $d",
        {"d": as_of},
    ).fetchall()
    reminders = cur.execute(
        "SELECT forwarding_id, count(*) FROM reminder WHERE letter_date <= $d GROUP BY ALL",
        {"d": as_of},
    ).fetchall()
    sent = dict(reminders)
    expected = {}
    for fid, cid, aid, letter_date in letters:
        mine = sorted(
            (r[2], r[3], r[4]) for r in responses if r[:2] == (cid, aid) and r[2] >= letter_date
        )
        if mine:
            days = calendar.working_days(cur, letter_date, mine[0][0])
            expected[fid] = (True, days, days <= 14, None, mine[-1][2], sent.get(fid, 0))
        else:
            age = calendar.working_days(cur, letter_date, as_of)
            expected[fid] = (False, None, None, age, "unanswered", sent.get(fid, 0))
    return expected


def _actual(db, as_of: dt.date) -> dict[int, tuple]:
    rows = (
        db.cursor()
        .execute(
            "SELECT forwarding_id, answered, days_to_respond, on_time, age_wd, last_status,"
            " reminders FROM letter_facts($d)",
            {"d": as_of},
        )
        .fetchall()
    )
    return {r[0]: r[1:] for r in rows}


@pytest.mark.parametrize("as_of", [TODAY, dt.date(2025, 6, 30), dt.date(2024, 1, 2)])
def test_letter_facts_match_the_definitions_at_any_date(demo_db, as_of):
    expected = _reference(demo_db, as_of)
    assert expected  # the demo has letters before each date
    assert _actual(demo_db, as_of) == expected


def test_stored_facts_follow_every_write(demo_db, make):
    cur = demo_db.cursor()
    cid, aid, letter_date = cur.execute(
        "SELECT complaint_id, agency_id, letter_date FROM letter_facts($d)"
        " WHERE NOT answered ORDER BY forwarding_id LIMIT 1",
        {"d": TODAY},
    ).fetchone()
    make.respond(cid, aid, letter_date + dt.timedelta(days=1), status="perlu_klarifikasi")
    stored, derived = "FROM letter_fact", "FROM letter_fact_source(NULL)"
    for a, b in ((stored, derived), (derived, stored)):
        stale = cur.execute(f"SELECT count(*) FROM (SELECT * {a} EXCEPT ALL SELECT * {b})")
        assert stale.fetchone()[0] == 0
    assert _actual(demo_db, TODAY) == _reference(demo_db, TODAY)


def test_a_calendar_correction_moves_the_stored_working_days(db, make, kemendagri):
    c = make.complaint()
    f = make.forward(c, kemendagri, dt.date(2026, 11, 20))
    make.respond(c, kemendagri, dt.date(2026, 11, 24))
    with db.transaction() as cur:
        cur.execute("INSERT INTO calendar_override VALUES ('2026-11-23', false, 'Keppres uji')")
        calendar.rebuild(cur)
    days = db.cursor().execute(
        "SELECT days_to_respond FROM letter_facts($d) WHERE forwarding_id = $f",
        {"d": TODAY, "f": f},
    )
    assert days.fetchone()[0] == 1
