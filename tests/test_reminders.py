"""Reminder letters in bulk (surat konfirmasi, issue 20): the preview of a choice at a
realistic size (440 letters, 40 agencies: tests/reminder_support.py) with exact counts, the
kind each letter is due, the reasons a letter is left out, the write of a batch's numbers
(counted up or one by one) in one audited transaction with the figures in step, and its
refusals, each leaving the database as it was."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from dumas import services
from dumas.db import Database
from dumas.db import migrate as run_migrations
from dumas.domain.errors import Conflict, ValidationError
from dumas.domain.permissions import Forbidden, Role, User
from dumas.domain.reminders import LeftOut, counted_up, next_kind, subject
from dumas.queries import reminders as queries
from dumas.queries.filters import Filters
from dumas.services import settings as settings_service
from dumas.services.reminders import NumberedLetter, record_reminder_letters
from tests import reminder_support as world_of
from tests.conftest import ANALYST, TODAY

MAY_RECORD = {Role.ANALIS, Role.KASUBBID, Role.KABID}


@pytest.fixture(scope="module")
def world(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    return world_of.built(template_db, tmp_path_factory)


@pytest.fixture
def db_path(world: tuple[Path, dict], tmp_path: Path) -> Path:
    return world_of.copy_of(world, tmp_path)  # conftest's db_path, replaced


@pytest.fixture
def agencies(world: tuple[Path, dict]) -> list[int]:
    return world[1]["agency_ids"]


def _every_letter(db: Database) -> queries.Selection:
    ids = [r[0] for r in db.cursor().execute("SELECT id FROM forwarding ORDER BY id").fetchall()]
    return queries.Selection(forwarding_ids=tuple(ids))


def _preview(db: Database, selection: queries.Selection) -> queries.ReminderBatch:
    with db.reading() as cur:
        return queries.prepare(cur, selection, TODAY)


def _numbered(batch, numbers: list[str], on: dt.date = TODAY) -> list[NumberedLetter]:
    return [
        NumberedLetter(
            agency_id=x.agency_id,
            kind=x.kind,
            letter_no=number,
            letter_date=on,
            forwarding_ids=tuple(y.forwarding_id for y in x.letters),
        )
        for x, number in zip(batch.letters, numbers, strict=True)
    ]


def _counts(db: Database) -> tuple[int, int, int]:
    cur = db.cursor()
    return tuple(
        cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
        for table in ("reminder_letter", "reminder", "audit_log")
    )


# The preview


def test_a_preview_of_every_letter_counts_the_letters_agencies_and_those_left_out(db):
    batch = _preview(db, _every_letter(db))
    assert (batch.included, batch.agencies, len(batch.letters)) == (280, 40, 80)
    assert batch.left_out == {reason: 40 for reason in LeftOut}
    assert batch.left_out_total == 160 == len(batch.left_out_letters)
    assert sum(len(x.letters) for x in batch.letters) == world_of.INCLUDED


def test_never_reminded_letters_are_due_konfirmasi_i_and_those_reminded_once_konfirmasi_ii(
    db, agencies
):
    batch = _preview(db, _every_letter(db))
    for letter in batch.letters:
        a = agencies.index(letter.agency_id)
        cases = range(5) if letter.kind == "konfirmasi_1" else range(5, 7)
        assert [x.agenda_no for x in letter.letters] == [world_of.agenda(a, c) for c in cases]
    first = dict(
        db.cursor()
        .execute("SELECT forwarding_id, letter_no FROM reminder WHERE kind = 'konfirmasi_1'")
        .fetchall()
    )
    cited = [
        (x.first_reminder_no, x.first_reminder_on, first[x.forwarding_id])
        for letter in batch.letters
        if letter.kind == "konfirmasi_2"
        for x in letter.letters
    ]
    assert len(cited) == 80
    assert all(no == stored and on == dt.date(2026, 9, 1) for no, on, stored in cited)


def test_each_letter_left_out_says_why(db, agencies):
    batch = _preview(db, _every_letter(db))
    why = {x.agenda_no: x.reason for x in batch.left_out_letters}
    for a in range(len(agencies)):
        assert [why[world_of.agenda(a, c)] for c in range(7, 11)] == list(world_of.LEFT_OUT)
    recent = next(x for x in batch.left_out_letters if x.reason == "recently_reminded")
    assert recent.last_reminder_on == dt.date(2026, 11, 20)


def test_all_unanswered_older_than_n_working_days_takes_the_filtered_letters_only(db, agencies):
    three = Filters(agency_ids=tuple(agencies[:3]))
    batch = _preview(db, queries.Selection(filters=three, older_than=30))
    # the letter forwarded 4 working days ago is not older than 30; the answered one is not
    # unanswered: neither is chosen, so neither is listed as left out
    assert (batch.included, batch.agencies, len(batch.letters)) == (21, 3, 6)
    assert batch.left_out == {"reminded_twice": 3, "recently_reminded": 3}
    assert {x.agency_id for x in batch.letters} == set(agencies[:3])


def test_the_age_listed_is_the_letters_age_in_working_days_of_letter_facts(db):
    batch = _preview(db, _every_letter(db))
    ages = dict(
        db.cursor()
        .execute("SELECT agenda_no, age_wd FROM letter_facts($d)", {"d": TODAY})
        .fetchall()
    )
    listed = [x for letter in batch.letters for x in letter.letters]
    assert all(x.age_wd == ages[x.agenda_no] for x in listed)
    assert listed[0].age_wd > 100


def test_the_gap_between_letters_is_the_setting_on_the_settings_page(db, agencies):
    from tests.conftest import ADMIN

    settings_service.save_settings(
        db, ADMIN, {"reminder_gap_days": "3"}, dt.datetime.now(), seen={"reminder_gap_days": "14"}
    )
    batch = _preview(db, _every_letter(db))
    assert batch.gap_days == 3
    assert (batch.included, batch.agencies) == (360, 40)  # 5 and 4 working days: now due
    assert batch.left_out == {"answered": 40, "reminded_twice": 40}


def test_an_agency_without_its_heads_title_or_city_is_named_in_the_preview(db, world):
    batch = _preview(db, _every_letter(db))
    names = world[1]["names"]
    assert batch.incomplete_agencies == sorted(names[:2])
    first = next(x for x in batch.letters if x.agency == names[0])
    assert first.agency_head is None and not first.complete_address


def test_more_letters_than_a_batch_holds_are_counted_but_not_drafted(db, monkeypatch):
    monkeypatch.setattr(queries, "MAX_LETTERS", 100)
    batch = _preview(db, _every_letter(db))
    assert batch.included == 280 and batch.letters == ()


# The write


def test_recording_a_batch_counted_up_writes_each_letter_and_a_reminder_per_listed_letter(db):
    batch = _preview(db, _every_letter(db))
    before = _counts(db)
    numbers = counted_up("B-.../Kemensetneg/D-4/DM.04.01/11/2026", "120", len(batch.letters))
    ids = record_reminder_letters(db, ANALYST, _numbered(batch, numbers), today=TODAY)
    assert len(ids) == 80
    assert _counts(db) == (before[0] + 80, before[1] + 280, before[2] + 80)
    cur = db.cursor()
    stored = cur.execute(
        "SELECT l.letter_no, l.agency_id, l.kind, list(m.forwarding_id ORDER BY m.forwarding_id)"
        " FROM reminder_letter AS l JOIN reminder AS m ON m.letter_id = l.id"
        " WHERE m.letter_no = l.letter_no AND m.letter_date = l.letter_date AND m.kind = l.kind"
        " AND l.id IN (SELECT unnest($ids)) GROUP BY ALL ORDER BY l.letter_no",
        {"ids": ids},
    ).fetchall()
    expected = sorted(
        (n, x.agency_id, x.kind, sorted(y.forwarding_id for y in x.letters))
        for n, x in zip(numbers, batch.letters, strict=True)
    )
    assert stored == expected
    assert stored[0][0] == "B-120/Kemensetneg/D-4/DM.04.01/11/2026"


def test_after_recording_the_letters_figures_count_one_reminder_more_and_stay_in_step(db):
    batch = _preview(db, _every_letter(db))
    listed = [y.forwarding_id for x in batch.letters for y in x.letters]
    sql = "SELECT forwarding_id, reminders FROM letter_facts($d) ORDER BY forwarding_id"
    before = dict(db.cursor().execute(sql, {"d": TODAY}).fetchall())
    record_reminder_letters(
        db, ANALYST, _numbered(batch, [f"K-{i}" for i in range(80)]), today=TODAY
    )
    after = dict(db.cursor().execute(sql, {"d": TODAY}).fetchall())
    assert {f: after[f] - before[f] for f in before} == {f: int(f in listed) for f in before}
    stale = (
        db.cursor()
        .execute(
            "SELECT count(*) FROM (SELECT * FROM letter_fact EXCEPT ALL"
            " SELECT * FROM letter_fact_source(NULL))"
        )
        .fetchall()[0][0]
    )
    assert stale == 0
    again = _preview(db, _every_letter(db))  # reminded today, or now twice: none due
    assert again.included == 0
    assert again.left_out == {
        "answered": 40,
        "reminded_twice": 40 + 80,
        "recently_reminded": 200 + 40,
        "recently_forwarded": 40,
    }


def test_each_recorded_letter_is_audited_with_its_agency_number_and_letters(db):
    batch = _preview(db, _every_letter(db))
    ids = record_reminder_letters(
        db, ANALYST, _numbered(batch, [f"K-{i}" for i in range(80)]), today=TODAY
    )
    rows = (
        db.cursor()
        .execute(
            "SELECT actor, entity_id, json_extract_string(new_value, '$.letter_no'),"
            " json_array_length(new_value -> '$.forwarding_ids') FROM audit_log"
            " WHERE action = 'reminder_letter.create' ORDER BY id"
        )
        .fetchall()
    )
    assert [(r[0], int(r[1]), r[2], r[3]) for r in rows] == [
        (ANALYST.username, i, f"K-{n}", len(x.letters))
        for n, (i, x) in enumerate(zip(ids, batch.letters, strict=True))
    ]


def test_numbers_given_one_by_one_and_dated_are_recorded_as_given(db):
    picked = _preview(db, _every_letter(db)).letters[:2]
    letters = [
        NumberedLetter(x.agency_id, x.kind, tuple(y.forwarding_id for y in x.letters), number, on)
        for x, number, on in zip(
            picked,
            ["B-77/A/2026", "B-5/B/2026"],
            [dt.date(2026, 11, 25), dt.date(2026, 11, 26)],
            strict=True,
        )
    ]
    ids = record_reminder_letters(db, ANALYST, letters, today=TODAY)
    stored = (
        db.cursor()
        .execute(
            "SELECT letter_no, letter_date FROM reminder_letter WHERE id IN (SELECT unnest($i))"
            " ORDER BY id",
            {"i": ids},
        )
        .fetchall()
    )
    assert stored == [("B-77/A/2026", dt.date(2026, 11, 25)), ("B-5/B/2026", dt.date(2026, 11, 26))]


@pytest.mark.parametrize(
    ("last", "refusal", "key"),
    [
        ("b-9001/kemensetneg/d-4/dm.04.01/2026", Conflict, "error.duplicate_letter"),  # taken
        ("k-3", ValidationError, "error.duplicate_letter"),  # twice in the batch
        ("B-.../Kemensetneg/D-4/DM.00.00/11/2026", ValidationError, "error.reminder_draft_number"),
    ],
    ids=["already_recorded", "twice_in_the_batch", "still_a_draft"],
)
def test_a_number_taken_repeated_or_still_a_drafts_refuses_the_batch_and_writes_nothing(
    db, last, refusal, key
):
    batch = _preview(db, _every_letter(db))
    numbers = [f"K-{i}" for i in range(79)] + [last]
    before = _counts(db)
    with pytest.raises(refusal) as refused:
        record_reminder_letters(db, ANALYST, _numbered(batch, numbers), today=TODAY)
    assert [m.key for m in refused.value.messages] == [key]
    assert _counts(db) == before


def test_a_response_recorded_after_the_preview_refuses_the_batch(db, agencies):
    batch = _preview(db, _every_letter(db))
    listed = batch.letters[0].letters[0]
    services.record_response(
        db,
        ANALYST,
        complaint_id=listed.complaint_id,
        agency_id=batch.letters[0].agency_id,
        response=services.ResponseInput("T-BARU", TODAY, "dalam_proses", None),
        today=TODAY,
    )
    before = _counts(db)
    with pytest.raises(Conflict) as refused:
        record_reminder_letters(
            db, ANALYST, _numbered(batch, [f"K-{i}" for i in range(80)]), today=TODAY
        )
    assert refused.value.messages[0].params == {"agenda_no": listed.agenda_no}
    assert _counts(db) == before


def test_a_letter_dated_before_a_forwarding_letter_it_lists_is_refused(db):
    batch = _preview(db, _every_letter(db))
    before = _counts(db)
    with pytest.raises(ValidationError) as refused:
        record_reminder_letters(
            db,
            ANALYST,
            _numbered(batch, [f"K-{i}" for i in range(80)], dt.date(2026, 5, 1)),
            today=TODAY,
        )
    assert refused.value.messages[0].key == "error.before_forwarding"
    assert _counts(db) == before


@pytest.mark.parametrize("role", list(Role))
def test_only_the_roles_that_record_letters_may_record_reminders(db, role):
    batch = _preview(db, _every_letter(db))
    user = User(id=77, username=f"{role.value}.x", full_name="X", roles=frozenset({role}))
    batch = dataclasses.replace(batch, letters=batch.letters[:3])
    letters = _numbered(batch, ["K-1", "K-2", "K-3"])
    if role in MAY_RECORD:
        assert len(record_reminder_letters(db, user, letters, today=TODAY)) == 3
    else:
        before = _counts(db)
        with pytest.raises(Forbidden):
            record_reminder_letters(db, user, letters, today=TODAY)
        assert _counts(db) == before


# One reminder at a time (the complaint page) and the rules beneath


def test_a_single_reminder_is_still_recorded_as_a_letter_of_its_own(db):
    batch = _preview(db, _every_letter(db))
    listed = batch.letters[0].letters[0]
    reminder_id = services.record_reminder(
        db,
        ANALYST,
        forwarding_id=listed.forwarding_id,
        kind="konfirmasi_1",
        letter_no="B-1/SATU/2026",
        letter_date=TODAY,
        today=TODAY,
    )
    row = (
        db.cursor()
        .execute(
            "SELECT l.agency_id, l.kind, l.letter_no, m.letter_no FROM reminder AS m"
            " JOIN reminder_letter AS l ON l.id = m.letter_id WHERE m.id = $id",
            {"id": reminder_id},
        )
        .fetchall()
    )
    assert row == [(batch.letters[0].agency_id, "konfirmasi_1", "B-1/SATU/2026", "B-1/SATU/2026")]
    with pytest.raises(Conflict):  # a bulk letter's number is taken for a single one too
        services.record_reminder(
            db,
            ANALYST,
            forwarding_id=batch.letters[1].letters[0].forwarding_id,
            kind="konfirmasi_1",
            letter_no="B-9001/Kemensetneg/D-4/DM.04.01/2026",
            letter_date=TODAY,
            today=TODAY,
        )


def test_the_reminder_due_goes_i_then_ii_then_none():
    assert [next_kind(n) for n in range(4)] == ["konfirmasi_1", "konfirmasi_2", None, None]


@pytest.mark.parametrize(
    ("pattern", "first", "expected"),
    [
        (
            "B-.../Kemensetneg/D-4/DM.04.01/11/2026",
            "120",
            ["B-120/Kemensetneg/D-4/DM.04.01/11/2026", "B-121/Kemensetneg/D-4/DM.04.01/11/2026"],
        ),
        ("B-…/K/2026", "009", ["B-009/K/2026", "B-010/K/2026"]),
        ("  …/D-4/2026 ", "7", ["7/D-4/2026", "8/D-4/2026"]),
    ],
)
def test_numbers_counted_up_fill_the_running_part_of_the_pattern(pattern, first, expected):
    assert counted_up(pattern, first, 2) == expected


@pytest.mark.parametrize(
    ("pattern", "first", "keys"),
    [
        ("B-120/K/2026", "1", ["error.reminder_pattern"]),
        ("B-.../K/.../2026", "1", ["error.reminder_pattern"]),
        ("B-…/K/...", "1", ["error.reminder_pattern"]),
        ("B-.../K/2026", "12a", ["error.reminder_first_number"]),
        ("nomor", "", ["error.reminder_pattern", "error.reminder_first_number"]),
    ],
)
def test_a_pattern_without_one_running_part_or_a_first_number_not_in_digits_is_refused(
    pattern, first, keys
):
    with pytest.raises(ValidationError) as refused:
        counted_up(pattern, first, 3)
    assert [m.key for m in refused.value.messages] == keys


def test_a_long_complaint_summary_is_cut_at_a_word_as_the_subject():
    long = "Sengketa tanah ulayat " * 30
    cut = subject(long)
    assert cut.endswith("…") and len(cut) <= 241 and not cut[:-1].endswith(" ")
    assert subject("  Pendek  ") == "Pendek" and subject(None) is None


# The migration


def test_migration_0024_makes_each_earlier_reminder_a_letter_of_its_own(db):
    with db.transaction() as cur:  # as a database before 0024: one table, numbers unique
        old = cur.execute(
            "SELECT id, forwarding_id, kind, letter_no, letter_date FROM reminder ORDER BY id"
        ).fetchall()
        cur.execute(
            "CREATE OR REPLACE TABLE reminder (id BIGINT PRIMARY KEY, forwarding_id"
            " BIGINT NOT NULL, kind VARCHAR NOT NULL, letter_no VARCHAR NOT NULL UNIQUE,"
            " letter_date DATE NOT NULL, created_at TIMESTAMPTZ NOT NULL DEFAULT"
            " current_timestamp)"
        )
        cur.executemany(
            "INSERT INTO reminder (id, forwarding_id, kind, letter_no, letter_date)"
            " VALUES (?, ?, ?, ?, ?)",
            old,
        )
        cur.execute("ALTER TABLE reminder_letter RENAME TO reminder_letter_gone")
        cur.execute("DELETE FROM schema_migration WHERE name = '0024_reminder_letters'")
    assert run_migrations(db) == ["0024_reminder_letters"]
    cur = db.cursor()
    letters = cur.execute(
        "SELECT l.id, f.id, l.kind, l.letter_no, l.letter_date, l.agency_id = f.agency_id"
        " FROM reminder_letter AS l JOIN reminder AS m ON m.letter_id = l.id"
        " JOIN forwarding AS f ON f.id = m.forwarding_id ORDER BY l.id"
    ).fetchall()
    assert [row[:5] for row in letters] == old and all(row[5] for row in letters)
    cur.execute(  # one number may now stand for a letter that lists several
        "INSERT INTO reminder (id, forwarding_id, kind, letter_no, letter_date, letter_id)"
        " SELECT 999, 1, 'konfirmasi_1', letter_no, letter_date, id FROM reminder_letter"
        " WHERE id = 1"
    )
