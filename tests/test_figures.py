"""Each figure of docs/figures.md on small hand-built data."""

from __future__ import annotations

import datetime as dt

import pytest

from dumas.domain import calendar
from dumas.queries import followup
from dumas.queries.filters import Filters
from tests.conftest import TODAY

ALL = Filters()


def _facts(db, as_of: dt.date = TODAY) -> dict[int, tuple]:
    rows = (
        db.cursor()
        .execute(
            "SELECT forwarding_id, answered, age_wd, days_to_respond, on_time, age_bucket"
            " FROM letter_facts($d)",
            {"d": as_of},
        )
        .fetchall()
    )
    return {r[0]: r[1:] for r in rows}


def test_a_friday_letter_is_one_working_day_old_on_monday(db):
    cur = db.cursor()
    assert calendar.working_days(cur, dt.date(2026, 11, 20), dt.date(2026, 11, 20)) == 0
    assert calendar.working_days(cur, dt.date(2026, 11, 20), dt.date(2026, 11, 23)) == 1


def test_age_skips_weekend_national_holiday_and_cuti_bersama(db, make, kemendagri):
    # Fri 13 Mar 2026 -> Wed 25 Mar 2026: Mon 16 and Tue 17 count; Wed 18 (cuti bersama
    # Nyepi), Thu 19 (Nyepi), Fri 20, Mon 23, Tue 24 (Idul Fitri and its cuti bersama) and
    # the weekends do not; Wed 25 counts. Three working days.
    c = make.complaint(received_on=dt.date(2026, 3, 12))
    f = make.forward(c, kemendagri, dt.date(2026, 3, 13))
    answered, age, *_ = _facts(db, dt.date(2026, 3, 25))[f]
    assert (answered, age) == (False, 3)


def test_march_2026_has_seventeen_working_days(db):
    rows = (
        db.cursor()
        .execute(
            "SELECT count(*) FROM calendar_day"
            " WHERE is_working AND d BETWEEN '2026-03-01' AND '2026-03-31'"
        )
        .fetchone()
    )
    assert rows[0] == 17


def test_calendar_override_turns_a_day_into_a_holiday(db):
    with db.transaction() as cur:
        cur.execute("INSERT INTO calendar_override VALUES ('2026-11-23', false, 'Keppres uji')")
        calendar.rebuild(cur)
    assert calendar.working_days(db.cursor(), dt.date(2026, 11, 20), dt.date(2026, 11, 24)) == 1


def test_response_from_another_agency_leaves_the_letter_lacking(db, make, kemendagri, bpn):
    c = make.complaint()
    f = make.forward(c, kemendagri, dt.date(2026, 2, 2))
    make.forward(c, bpn, dt.date(2026, 2, 2))
    make.respond(c, bpn, dt.date(2026, 2, 10))
    assert _facts(db)[f][0] is False


def test_a_response_on_the_letter_date_answers_it_in_zero_days(db, make, kemendagri):
    c = make.complaint()
    f = make.forward(c, kemendagri, dt.date(2026, 2, 2))
    make.respond(c, kemendagri, dt.date(2026, 2, 2), status="dalam_proses")
    answered, age, days, on_time, bucket = _facts(db)[f]
    assert (answered, age, days, on_time, bucket) == (True, None, 0, True, None)


def test_a_response_older_than_a_later_letter_does_not_answer_it(db, make, kemendagri):
    c = make.complaint()
    first = make.forward(c, kemendagri, dt.date(2026, 2, 2))
    make.respond(c, kemendagri, dt.date(2026, 2, 9))
    second = make.forward(c, kemendagri, dt.date(2026, 3, 2))
    facts = _facts(db)
    assert facts[first][0] is True
    assert facts[second][0] is False


def test_answered_after_fourteen_working_days_is_late(db, make, kemendagri):
    c = make.complaint()
    f = make.forward(c, kemendagri, dt.date(2026, 7, 1))  # Wednesday
    make.respond(c, kemendagri, dt.date(2026, 7, 22))  # 15 working days later
    _, _, days, on_time, _ = _facts(db)[f]
    assert (days, on_time) == (15, False)


def test_unanswered_at_a_past_date_ignores_later_responses(db, make, kemendagri):
    c = make.complaint()
    f = make.forward(c, kemendagri, dt.date(2026, 7, 1))
    make.respond(c, kemendagri, dt.date(2026, 9, 1))
    answered, age, _, _, bucket = _facts(db, dt.date(2026, 8, 31))[f]
    assert (answered, bucket) == (False, "31_60")
    assert age == calendar.working_days(db.cursor(), dt.date(2026, 7, 1), dt.date(2026, 8, 31))


@pytest.mark.parametrize(
    ("age", "bucket"),
    [
        (0, "0_14"),
        (14, "0_14"),
        (15, "15_30"),
        (30, "15_30"),
        (31, "31_60"),
        (60, "31_60"),
        (61, "over_60"),
    ],
)
def test_age_bucket_edges(db, age, bucket):
    assert db.cursor().execute("SELECT age_bucket($a)", {"a": age}).fetchone()[0] == bucket


def test_response_rate_and_complaints_lacking_a_response(db, make, kemendagri, bpn):
    c1, c2 = make.complaint(), make.complaint()
    make.forward(c1, kemendagri, dt.date(2026, 5, 4))
    make.forward(c1, bpn, dt.date(2026, 5, 4))
    make.forward(c2, kemendagri, dt.date(2026, 5, 5))
    make.respond(c1, kemendagri, dt.date(2026, 5, 6))
    make.respond(c2, kemendagri, dt.date(2026, 6, 30))
    k = followup.kpis(db.cursor(), ALL, TODAY)
    assert (k["forwardings"], k["answered"], k["unanswered"]) == (3, 2, 1)
    assert k["response_rate"] == pytest.approx(2 / 3)
    assert (k["complaints"], k["complaints_lacking_response"]) == (2, 1)


@pytest.mark.parametrize("narrowed", ["all", "one agency", "before the second letter"])
def test_complaints_lacking_a_response_count_only_the_letters_in_view(
    db, make, kemendagri, bpn, narrowed
):
    # c1: answered by Kemendagri, not by BPN (two letters); c2: one letter, unanswered;
    # c3: one letter, answered.
    c1, c2, c3 = make.complaint(), make.complaint(), make.complaint()
    make.forward(c1, kemendagri, dt.date(2026, 5, 4))
    make.forward(c1, bpn, dt.date(2026, 6, 1))
    make.forward(c2, bpn, dt.date(2026, 5, 5))
    make.forward(c3, kemendagri, dt.date(2026, 5, 5))
    make.respond(c1, kemendagri, dt.date(2026, 5, 6))
    make.respond(c3, kemendagri, dt.date(2026, 5, 7))
    filters, as_of, expected = {
        "all": (ALL, TODAY, (3, 2)),  # c1 (BPN unanswered) and c2 lack a response
        "one agency": (Filters(agency_ids=(kemendagri,)), TODAY, (2, 0)),  # in view: answered
        "before the second letter": (ALL, dt.date(2026, 5, 29), (3, 1)),  # c1's one letter
    }[narrowed]
    k = followup.kpis(db.cursor(), filters, as_of)
    assert (k["complaints"], k["complaints_lacking_response"]) == expected


def test_the_lists_total_counts_the_letters_it_pages_through_and_the_kpi_counts(
    db, make, kemendagri, bpn
):
    c1, c2 = make.complaint(), make.complaint()
    make.forward(c1, kemendagri, dt.date(2026, 5, 4))
    make.forward(c1, bpn, dt.date(2026, 5, 4))
    make.forward(c2, kemendagri, dt.date(2026, 5, 5))
    make.respond(c1, kemendagri, dt.date(2026, 5, 6))
    cur, kpis = db.cursor(), followup.kpis(db.cursor(), ALL, TODAY)
    for lacking, expected in ((True, kpis["unanswered"]), (False, kpis["forwardings"])):
        total = followup.letter_total(cur, ALL, TODAY, unanswered_only=lacking)
        rows = followup.letters(cur, ALL, TODAY, unanswered_only=lacking, limit=1)
        paged = followup.letters(cur, ALL, TODAY, unanswered_only=lacking, limit=100)
        assert total == len(paged) == expected and len(rows) == 1
    one = Filters(agency_ids=(bpn,))
    assert followup.letter_total(cur, one, TODAY) == 1


def test_the_list_sorts_each_way_and_breaks_ties_by_letter_date_then_letter(
    db, make, kemendagri, bpn
):
    a, b, c = make.complaint(), make.complaint(), make.complaint()
    make.forward(a, kemendagri, dt.date(2026, 5, 4))
    make.forward(b, bpn, dt.date(2026, 5, 4))  # as old as a's letter: a tie on age
    make.forward(c, kemendagri, dt.date(2026, 6, 1))
    agenda = dict(db.cursor().execute("SELECT id, agenda_no FROM complaint").fetchall())
    A, B, C = agenda[a], agenda[b], agenda[c]

    def order(**sort: object) -> list[str]:
        frame = followup.letters(db.cursor(), ALL, TODAY, **sort)
        return frame["agenda_no"].tolist()

    assert order(sort="age") == [A, B, C]  # oldest first; the tie by the letter
    assert order(sort="age", descending=False) == [C, A, B]
    assert order(sort="agency", descending=False) == [B, A, C]  # Kementerian Agraria…
    assert order(sort="agency") == [A, C, B]
    assert order(sort="letter_date", descending=False, limit=1, offset=1) == [B]


def test_median_days_to_respond_uses_answered_letters_only(db, make, kemendagri):
    days = [2, 4, 9]
    for n in days:
        c = make.complaint()
        make.forward(c, kemendagri, dt.date(2026, 6, 1))
        make.respond(c, kemendagri, dt.date(2026, 6, 1) + dt.timedelta(days=n if n < 5 else 11))
    make.forward(make.complaint(), kemendagri, dt.date(2026, 6, 1))
    k = followup.kpis(db.cursor(), ALL, TODAY)
    assert k["median_days_to_respond"] == 4


def test_ranking_needs_the_minimum_sample(db, make, kemendagri, bpn):
    for i in range(10):
        c = make.complaint()
        make.forward(c, kemendagri, dt.date(2026, 4, 6))
        if i < 5:
            make.respond(c, kemendagri, dt.date(2026, 4, 7))
    for _ in range(9):  # every letter answered, but too few to be ranked
        c = make.complaint()
        make.forward(c, bpn, dt.date(2026, 4, 6))
        make.respond(c, bpn, dt.date(2026, 4, 7))
    table = followup.agency_table(db.cursor(), ALL, TODAY, min_sample=10).set_index("agency")
    assert table.loc["Kementerian Dalam Negeri", "rank"] == 1
    assert table.loc["Kementerian Dalam Negeri", "response_rate"] == pytest.approx(0.5)
    bpn_name = "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional"
    assert table.loc[bpn_name, "response_rate"] == 1.0
    assert table["rank"].isna()[bpn_name]
