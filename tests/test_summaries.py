"""The dashboard's unfiltered figures read two small summaries of letter_fact
(agency_summary, day_summary: figures.sql, docs/figures.md "Summaries"). Every figure they
give equals the defined one of letter_facts(as_of), at three dates; every kind of write
keeps them equal to a fresh count of letter_fact; the page reads them."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from dumas import services
from dumas.db import Database, connect, facts
from dumas.domain import calendar
from dumas.domain.permissions import Role
from dumas.importer import import_file
from dumas.queries import followup
from dumas.queries.filters import Filters
from tests.conftest import ADMIN, ANALYST, TODAY, Factory, built_once, signed_in_app
from tests.importing import row, xlsx

ALL = Filters()
LAST = dt.date(2026, 11, 20)  # the latest date the letters fixture holds
# as_of on the latest date, a month after it, and the next year (ages keep growing)
DATES = (LAST, dt.date(2026, 12, 31), dt.date(2027, 6, 30))

FIGURES: dict[str, Callable[..., object]] = {
    "kpis": lambda cur, as_of: followup.kpis(cur, ALL, as_of),
    "changes": lambda cur, as_of: followup.changes(cur, ALL, as_of),
    "letter_total": lambda cur, as_of: followup.letter_total(cur, ALL, as_of),
    "all_letters": lambda cur, as_of: followup.letter_total(cur, ALL, as_of, unanswered_only=False),
    "agency_table": lambda cur, as_of: followup.agency_table(cur, ALL, as_of, 1),
    "buckets": lambda cur, as_of: followup.unanswered_by_bucket(cur, ALL, as_of),
    "monthly": lambda cur, as_of: followup.monthly(cur, ALL, as_of),
}


def _both_ways(cur, as_of: dt.date, monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple]:
    """Each figure from the summaries and from letter_facts(as_of), side by side."""
    assert followup.summary_applies(cur, ALL, as_of)
    summary = {name: figure(cur, as_of) for name, figure in FIGURES.items()}
    with monkeypatch.context() as patch:
        patch.setattr(followup, "summary_applies", lambda *_: False)
        facts = {name: figure(cur, as_of) for name, figure in FIGURES.items()}
    return {name: (summary[name], facts[name]) for name in FIGURES}


def _same(a: object, b: object) -> bool:
    if isinstance(a, pd.DataFrame):
        return isinstance(b, pd.DataFrame) and a.equals(b)
    return a == b


def _stale(cur) -> dict[str, int]:
    """Rows in which each summary differs from a fresh count of letter_fact (none: equal)."""
    found = {}
    for table in ("agency_summary", "day_summary"):
        sql = f"""
            SELECT count(*) FROM (
                (SELECT * FROM {table} EXCEPT ALL SELECT * FROM {table}_source(NULL))
                UNION ALL
                (SELECT * FROM {table}_source(NULL) EXCEPT ALL SELECT * FROM {table})
            )
        """
        found[table] = cur.execute(sql).fetchall()[0][0]
    return found


@pytest.fixture(scope="module")
def world(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """The letters below, written once per run (conftest.built_once); each test gets a copy."""

    def build(path: Path) -> dict[str, int]:
        shutil.copy(template_db, path)
        database = connect(path)
        try:
            return _write_letters(Factory(database))
        finally:
            database.close()

    return built_once(tmp_path_factory, "summaries", build)


@pytest.fixture
def db_path(world: tuple[Path, dict], tmp_path: Path) -> Path:
    """This module's tests start from a copy of the world (conftest's db_path, replaced)."""
    path = tmp_path / "dumas.duckdb"
    shutil.copy(world[0], path)
    return path


@pytest.fixture
def letters(world: tuple[Path, dict], make: Factory) -> dict[str, int]:
    make._n = 100  # agenda and letter numbers after the world's
    return world[1]


def _write_letters(make: Factory) -> dict[str, int]:
    """Answered on time and late, unanswered young and old, two complaints with two
    letters (one answered), a response dated before a letter (not its answer), a reminder."""
    db = make.db
    kemendagri = make.agency("Kementerian Dalam Negeri")
    bpn = make.agency("Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional")
    on_time, late, two, young, old, early = (make.complaint() for _ in range(6))
    make.forward(on_time, kemendagri, dt.date(2026, 3, 2))
    make.respond(on_time, kemendagri, dt.date(2026, 3, 10))
    make.forward(late, bpn, dt.date(2026, 4, 1))
    make.respond(late, bpn, dt.date(2026, 6, 15), status="dalam_proses")
    make.forward(two, kemendagri, dt.date(2026, 5, 4))
    make.forward(two, bpn, dt.date(2026, 5, 5))
    make.respond(two, bpn, dt.date(2026, 5, 20))
    make.forward(young, kemendagri, LAST)
    letter = make.forward(old, bpn, dt.date(2026, 7, 1))
    services.record_reminder(
        db, ANALYST, forwarding_id=letter, kind="konfirmasi_1", letter_no="K-1",
        letter_date=dt.date(2026, 8, 3), today=TODAY,
    )  # fmt: skip
    make.forward(early, kemendagri, dt.date(2026, 2, 2))
    make.respond(early, kemendagri, dt.date(2026, 2, 5))  # before the second letter: not its
    make.forward(early, kemendagri, dt.date(2026, 2, 9))  # answer
    return {"kemendagri": kemendagri, "bpn": bpn, "young": young}


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_every_unfiltered_figure_from_the_summaries_equals_letter_facts(
    db, letters, monkeypatch, as_of
):
    compared = _both_ways(db.cursor(), as_of, monkeypatch)
    assert {name: _same(*pair) for name, pair in compared.items()} == dict.fromkeys(FIGURES, True)
    kpis = compared["kpis"][0]
    assert (kpis["forwardings"], kpis["answered"], kpis["complaints"]) == (8, 4, 6)


def test_a_filter_or_a_date_before_the_latest_reads_letter_facts(db, letters):
    cur = db.cursor()
    assert followup.summary_applies(cur, ALL, LAST)
    assert not followup.summary_applies(cur, ALL, LAST - dt.timedelta(days=1))
    assert not followup.summary_applies(cur, Filters(provinces=("31",)), LAST)
    before = followup.kpis(cur, ALL, LAST - dt.timedelta(days=1))
    assert before == followup.kpis_from_facts(cur, ALL, LAST - dt.timedelta(days=1))
    assert before["forwardings"] == 7  # the youngest letter is not dated yet


def test_each_kind_of_write_keeps_the_summaries_equal_to_a_count_of_letter_fact(db, letters, make):
    cur = db.cursor()
    steps: dict[str, Callable[[], object]] = {
        "a letter": lambda: make.forward(make.complaint(), letters["bpn"], dt.date(2026, 9, 1)),
        "a second letter of a complaint": lambda: make.forward(
            _complaint_of(db, "young"), letters["bpn"], LAST
        ),
        "a response": lambda: make.respond(_complaint_of(db, "young"), letters["kemendagri"], LAST),
        "an import": lambda: import_file(
            db, ANALYST, xlsx([row(agency="Kementerian Baru Uji")]), "rekap.xlsx", today=TODAY
        ),
        "an agency merge": lambda: services.merge_agency(
            db,
            ADMIN,
            source_id=_imported(db),
            source_name="Kementerian Baru Uji",
            target_id=letters["kemendagri"],
        ),
        "a calendar change": lambda: _calendar_change(db),
    }
    stale = {}
    for name, step in steps.items():
        step()
        stale[name] = _stale(cur)
    assert stale == {name: {"agency_summary": 0, "day_summary": 0} for name in steps}


def _complaint_of(db: Database, which: str) -> int:
    """The complaint whose only letter is the fixture's youngest (dated LAST)."""
    assert which == "young"
    sql = "SELECT min(complaint_id) FROM letter_fact WHERE letter_date = $d"
    return db.cursor().execute(sql, {"d": LAST}).fetchall()[0][0]


def _imported(db: Database) -> int:
    return db.cursor().execute("SELECT id FROM agency WHERE from_import").fetchall()[0][0]


def _calendar_change(db: Database) -> None:
    """A day off declared (cuti bersama): every working-day count is computed again."""
    with db.transaction() as cur:
        cur.execute("INSERT INTO calendar_override VALUES ('2026-05-06', false, 'Cuti uji')")
        calendar.rebuild(cur)


def test_a_database_migrated_from_before_the_summaries_has_them_filled(db, letters, tmp_path):
    cur = db.cursor()
    expected = _stale(cur)
    with db.transaction() as tx:  # as a database of migration 0020 was
        tx.execute("DROP TABLE agency_summary")
        tx.execute("DROP TABLE day_summary")
        tx.execute("DELETE FROM schema_migration WHERE name = '0021_followup_summaries'")
    path = Path(db.path)
    db.close()
    again = connect(path)
    try:
        cur = again.cursor()
        assert _stale(cur) == expected == {"agency_summary": 0, "day_summary": 0}
        assert cur.execute("SELECT sum(n) FROM agency_summary").fetchall()[0][0] == 8
    finally:
        again.close()


def _demo(path: Path) -> None:
    from dumas.db import demo

    database = connect(path)
    try:
        demo.generate(database, 2_000, today=TODAY)
    finally:
        database.close()


def test_the_demo_databases_figures_are_the_same_both_ways(tmp_path_factory, monkeypatch):
    path, _ = built_once(tmp_path_factory, "demo", _demo)  # shared with tests/test_demo.py
    database = connect(path, read_only=True)
    try:
        cur = database.cursor()
        latest = cur.execute("SELECT max(d) FROM day_summary").fetchall()[0][0]
        compared = _both_ways(cur, max(latest, TODAY), monkeypatch)
        assert _stale(cur) == {"agency_summary": 0, "day_summary": 0}
    finally:
        database.close()
    assert {name: _same(*pair) for name, pair in compared.items()} == dict.fromkeys(FIGURES, True)
    assert compared["kpis"][0]["forwardings"] > 2_000


def test_the_dashboard_reads_its_unfiltered_figures_from_the_summaries(
    db, letters, app_env, monkeypatch
):
    expected = followup.kpis_from_facts(db.cursor(), ALL, TODAY)
    db.close()  # the app opens its own connection to the file
    read: list[dt.date] = []
    summary = followup.kpis_from_summary
    monkeypatch.setattr(
        followup,
        "kpis_from_summary",
        lambda cur, as_of: (read.append(as_of), summary(cur, as_of))[1],
    )
    at = signed_in_app(Role.ASDEP).run()
    assert not at.exception, at.exception
    shown = {m.label: m.value for m in at.metric}
    assert (read, shown["Surat penerusan"], shown["Belum ditanggapi"]) == (
        [TODAY],
        str(expected["forwardings"]),
        str(expected["unanswered"]),
    )


def test_a_write_of_many_complaints_counts_the_summaries_afresh_to_the_same_counts(
    db, letters, make, monkeypatch
):
    monkeypatch.setattr(facts, "RECOUNT_ABOVE", 0)  # as an import of thousands of rows
    make.respond(_complaint_of(db, "young"), letters["kemendagri"], LAST)
    make.forward(make.complaint(), letters["bpn"], dt.date(2026, 9, 1))
    assert _stale(db.cursor()) == {"agency_summary": 0, "day_summary": 0}
