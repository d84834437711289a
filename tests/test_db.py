"""Opening the database: migrations recorded once, the figure macros defined from the
current figures.sql, and an up-to-date file opened without a write."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dumas import db as database
from dumas.db import connect, demo, split_migrations
from tests.conftest import TODAY


def _names() -> list[str]:
    return [name for name, _ in split_migrations(database.SCHEMA_FILE.read_text("utf-8"))]


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def test_a_new_database_records_every_migration_and_the_figures_digest(tmp_path):
    db = connect(tmp_path / "new.duckdb")
    cur = db.cursor()
    recorded = [r[0] for r in cur.execute("SELECT name FROM schema_migration").fetchall()]
    assert sorted(recorded) == sorted(_names())
    assert len(cur.execute("SELECT digest FROM figure_definition").fetchall()) == 1
    assert cur.execute("SELECT response_rate(1, 2)").fetchone()[0] == pytest.approx(0.5)
    db.close()


def test_opening_an_up_to_date_database_applies_nothing_and_writes_nothing(tmp_path):
    path = tmp_path / "steady.duckdb"
    connect(path).close()
    before = path.stat().st_mtime_ns, path.stat().st_size
    db = connect(path)
    assert database.migrate(db) == []
    assert not _wal(path).exists() or _wal(path).stat().st_size == 0
    db.close()
    assert (path.stat().st_mtime_ns, path.stat().st_size) == before


def test_a_changed_figures_file_is_defined_again_at_the_next_start(tmp_path, monkeypatch):
    path = tmp_path / "changed.duckdb"
    connect(path).close()
    changed = tmp_path / "figures.sql"
    changed.write_text(
        database.FIGURES_FILE.read_text("utf-8")
        + "\nCREATE OR REPLACE MACRO figures_probe() AS 42;\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(database, "FIGURES_FILE", changed)
    db = connect(path)
    assert db.cursor().execute("SELECT figures_probe()").fetchone()[0] == 42
    db.close()


def test_migration_0016_gives_a_stored_plan_period_without_a_year_the_year_it_was_created(
    empty_db_path,
):
    db = connect(empty_db_path)  # migrated: the test takes it back before one migration
    with db.transaction() as cur:
        cur.executemany(
            "INSERT INTO plan (id, title, period_label, source, state, state_since, created_by,"
            " created_at) VALUES (?, 'Rencana', ?, 'database', 'draft', ?, 1, ?)",
            [
                (1, "Semester II", "2026-07-01 02:00:00+00", "2026-07-01 02:00:00+00"),
                (2, "Bulan depan", "2026-12-31 18:00:00+00", "2026-12-31 18:00:00+00"),
                (3, "Semester I 2026", "2026-01-05 02:00:00+00", "2026-01-05 02:00:00+00"),
            ],
        )
        cur.execute("DELETE FROM schema_migration WHERE name = '0016_plan_period_year'")
    assert database.migrate(db) == ["0016_plan_period_year"]
    labels = db.cursor().execute("SELECT period_label FROM plan ORDER BY id").fetchall()
    # The second was created at 01:00 WIB on 1 January 2027: its year in Jakarta.
    assert labels == [("Semester II 2026",), ("Bulan depan 2027",), ("Semester I 2026",)]
    db.close()


def test_migration_0017_keeps_the_free_text_period_of_a_plan_from_before_with_no_code(
    empty_db_path,
):
    db = connect(empty_db_path)  # migrated: the test takes it back before one migration
    with db.transaction() as cur:
        cur.execute("ALTER TABLE plan DROP COLUMN period_code")  # as a file before 0017
        cur.execute(
            "INSERT INTO plan (id, title, period_label, source, state, state_since, created_by,"
            " created_at) VALUES (1, 'Rencana', 'Bulan depan 2026', 'database', 'draft',"
            " '2026-11-02 02:00:00+00', 1, '2026-11-02 02:00:00+00')"
        )
        cur.execute("DELETE FROM schema_migration WHERE name = '0017_plan_period_code'")
    assert database.migrate(db) == ["0017_plan_period_code"]
    stored = db.cursor().execute("SELECT period_label, period_code FROM plan").fetchall()
    assert stored == [("Bulan depan 2026", None)]
    db.close()


def test_migration_0020_counts_each_complaints_letters_in_a_database_filled_before(empty_db_path):
    db = connect(empty_db_path)  # migrated: the test takes it back before one migration
    demo.generate(db, 100, today=TODAY)
    with db.transaction() as cur:
        cur.execute("ALTER TABLE letter_fact DROP COLUMN complaint_letters")  # as before 0020
        cur.execute(
            "DELETE FROM schema_migration WHERE name = '0020_letter_fact_complaint_letters'"
        )
    assert database.migrate(db) == ["0020_letter_fact_complaint_letters"]
    cur = db.cursor()
    stored, derived = "FROM letter_fact", "FROM letter_fact_source(NULL)"
    differing = cur.execute(
        f"SELECT count(*) FROM (SELECT * {stored} EXCEPT ALL SELECT * {derived})"
    ).fetchall()[0][0]
    several = cur.execute("SELECT count(*) FROM letter_fact WHERE complaint_letters > 1")
    assert (differing, several.fetchall()[0][0] > 0) == (0, True)
    db.close()


def test_migration_0026_gives_users_and_agencies_no_address_and_every_user_notices_off(
    empty_db_path,
):
    db = connect(empty_db_path)  # migrated: the test takes it back before one migration
    with db.transaction() as cur:  # as a file before 0026, with an account
        cur.execute("DROP TABLE notice_pref")
        cur.execute("DROP TABLE mail_log")
        cur.execute("ALTER TABLE app_user DROP COLUMN email")
        cur.execute("ALTER TABLE agency DROP COLUMN email")
        cur.execute(
            "INSERT INTO app_user (id, username, full_name, password_hash)"
            " VALUES (1, 'analis', 'Analis', 'x')"
        )
        cur.execute("DELETE FROM schema_migration WHERE name = '0026_notices'")
    assert database.migrate(db) == ["0026_notices"]
    cur = db.cursor()
    assert cur.execute("SELECT email FROM app_user").fetchall() == [(None,)]
    assert cur.execute("SELECT count(*) FROM agency WHERE email IS NOT NULL").fetchone()[0] == 0
    assert cur.execute("SELECT count(*) FROM notice_pref").fetchone()[0] == 0  # all off
    assert cur.execute("SELECT count(*) FROM mail_log").fetchone()[0] == 0
    db.close()


def _threads(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT current_setting('threads')").fetchone()[0]


def test_the_database_uses_the_threads_set_in_dumas_db_threads(empty_db_path, monkeypatch):
    monkeypatch.setenv("DUMAS_DB_THREADS", "1")
    one = connect(empty_db_path)
    assert _threads(one.cursor()) == 1
    one.close()
    monkeypatch.delenv("DUMAS_DB_THREADS")
    default, bare = connect(empty_db_path), duckdb.connect(":memory:")
    assert _threads(default.cursor()) == _threads(bare)  # DuckDB's own default: one per core
    default.close()
    bare.close()


@pytest.mark.parametrize("value", ["abc", "0", "-2", "1.5"])
def test_a_bad_thread_count_is_refused_naming_the_setting_before_anything_opens(
    tmp_path, monkeypatch, value
):
    monkeypatch.setenv("DUMAS_DB_THREADS", value)
    with pytest.raises(ValueError, match="DUMAS_DB_THREADS must be a whole number"):
        connect(tmp_path / "bad.duckdb")
    assert not (tmp_path / "bad.duckdb").exists()
