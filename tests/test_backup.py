"""Backups taken while the app serves, their retention, and restoring one (issue 17).

A backup is one COPY FROM DATABASE in the serving process: the snapshot of a transaction.
Writers run in other threads while it is taken; the backup must then hold exactly the
writes committed before it, row for row, and restore into a new file only.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest

from dumas import config
from dumas.db import Database, connect
from dumas.db import backup as backups
from dumas.domain.permissions import Forbidden, Role
from dumas.services.backups import take_backup
from tests.cli_support import run_cli
from tests.conftest import TODAY, Factory, open_page, username

NOW = dt.datetime.combine(TODAY, dt.time(22, 30), config.TIMEZONE)
TABLES = ("complaint", "forwarding", "audit_log", "letter_fact", "meta", "app_user")


def _user(db: Database, role: Role):
    from dumas.services import auth

    cur = db.cursor()
    uid = cur.execute("SELECT id FROM app_user WHERE username = $u",
                      {"u": username(role)}).fetchone()[0]  # fmt: skip
    return auth.load_user(cur, uid)


def _rows(db: Database, table: str, catalog: str | None = None) -> list[tuple]:
    name = f"{catalog}.{table}" if catalog else table
    return sorted(map(repr, db.cursor().execute(f"SELECT * FROM {name}").fetchall()))


def test_a_backup_taken_while_others_write_holds_exactly_what_was_committed_before_it(
    db: Database, tmp_path: Path
):
    make = Factory(db)
    agency = make.agency("Kementerian Dalam Negeri")
    stop, errors = threading.Event(), []

    def writer() -> None:
        try:
            while not stop.is_set():  # each: a complaint and its letter, two transactions
                make.forward(make.complaint(), agency, dt.date(2026, 3, 2))
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for thread in threads:
        thread.start()
    while db.cursor().execute("SELECT count(*) FROM complaint").fetchone()[0] < 10:
        pass
    taken = backups.take(db, tmp_path / "cadangan", NOW)
    while db.cursor().execute("SELECT count(*) FROM complaint").fetchone()[0] < 30:
        pass  # the writers go on after the backup
    stop.set()
    for thread in threads:
        thread.join()
    assert not errors
    cur = db.cursor()
    cur.execute(f"ATTACH '{taken.path}' AS b (READ_ONLY)")
    # The audit log is append-only and each write adds its row in its own transaction: the
    # backup's log is the source's up to one row, and every table matches that moment.
    last = cur.execute("SELECT max(id) FROM b.audit_log").fetchone()[0]
    assert _rows(db, "audit_log", "b") == sorted(
        map(repr, cur.execute("SELECT * FROM audit_log WHERE id <= $n", {"n": last}).fetchall())
    )
    made = {"complaint": "complaint", "forwarding": "forwarding"}
    for table, entity in made.items():
        ids = "SELECT entity_id::BIGINT FROM audit_log WHERE entity = $e AND id <= $n"
        expected = cur.execute(f"SELECT * FROM {table} WHERE id IN ({ids})",
                               {"e": entity, "n": last}).fetchall()  # fmt: skip
        assert _rows(db, table, "b") == sorted(map(repr, expected)), table
    assert 10 <= len(_rows(db, "complaint", "b")) < len(_rows(db, "complaint"))
    backed = cur.execute("SELECT value FROM b.meta WHERE key = 'data_version'").fetchone()[0]
    changes = cur.execute("SELECT count(*) FROM audit_log WHERE id <= $n AND action <> "
                          "'user.create'", {"n": last}).fetchone()[0]  # fmt: skip
    assert int(backed) >= changes > 0
    assert taken.counts["complaint"] == len(_rows(db, "complaint", "b"))  # its manifest
    cur.execute("DETACH b")


def test_a_backup_restores_into_a_new_file_equal_to_the_source_table_for_table(
    db: Database, make: Factory, tmp_path: Path
):
    kemendagri = make.agency("Kementerian Dalam Negeri")
    make.forward(make.complaint(), kemendagri, dt.date(2026, 3, 2))
    taken = backups.take(db, tmp_path, NOW)
    assert taken.path.name == "dumas-20261127-223000.duckdb"  # Jakarta time
    assert (tmp_path / f"{taken.path.name}.sha256").read_text().split() == [
        taken.sha256,
        taken.path.name,
    ]  # as sha256sum writes it
    found, counts = backups.restore(taken.path, tmp_path / "pulih" / "dumas.duckdb")
    assert (found.schema, counts["complaint"], counts["forwarding"]) == (taken.schema, 1, 1)
    restored = connect(tmp_path / "pulih" / "dumas.duckdb")
    try:
        for table in TABLES:
            assert _rows(restored, table) == _rows(db, table), table
    finally:
        restored.close()


def test_a_damaged_backup_is_refused_and_nothing_is_written(db: Database, tmp_path: Path):
    taken = backups.take(db, tmp_path, NOW)
    data = bytearray(taken.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    taken.path.write_bytes(bytes(data))
    target = tmp_path / "baru.duckdb"
    with pytest.raises(backups.BackupError) as refused:
        backups.restore(taken.path, target)
    assert refused.value.key == "backup.error.checksum"
    assert not target.exists()


def test_a_restore_never_writes_over_a_database_nor_beside_a_stray_wal(
    db: Database, tmp_path: Path
):
    taken = backups.take(db, tmp_path, NOW)
    existing = tmp_path / "ada.duckdb"
    existing.write_bytes(b"isi lama")
    stray = tmp_path / "baru.duckdb"
    Path(f"{stray}.wal").write_bytes(b"wal lama")
    for target in (existing, stray):
        with pytest.raises(backups.BackupError) as refused:
            backups.restore(taken.path, target)
        assert refused.value.key == "backup.error.target_exists"
    assert existing.read_bytes() == b"isi lama" and not stray.exists()


def test_a_backup_of_a_newer_schema_is_refused_by_name(db: Database, tmp_path: Path):
    taken = backups.take(db, tmp_path, NOW)
    manifest = Path(f"{taken.path}.json")
    facts = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**facts, "migrations": [*facts["migrations"], "9999_nanti"]}))
    with pytest.raises(backups.BackupError) as refused:
        backups.restore(taken.path, tmp_path / "baru.duckdb")
    assert (refused.value.key, refused.value.params["schema"]) == (
        "backup.error.newer_schema",
        "9999_nanti",
    )


def test_retention_keeps_the_newest_of_each_recent_day_and_of_each_recent_month(tmp_path):
    names = ["20260930-230000", "20261031-220000", "20261101-010000", "20261101-230000",
             "20261102-230000", "20261103-230000", "20261103-235900"]  # fmt: skip
    for name in names:
        for suffix in ("", ".sha256", ".json"):
            (tmp_path / f"dumas-{name}.duckdb{suffix}").write_text("x")
    gone = backups.prune(tmp_path, keep_daily=2, keep_monthly=2)
    kept = sorted(p.name for p in tmp_path.iterdir())
    # days: 2 Nov and 3 Nov (its later backup); months: Oct (31st) and Nov (3rd, 23.59)
    assert [p.name for p in backups.listed(tmp_path)] == [
        "dumas-20261031-220000.duckdb", "dumas-20261102-230000.duckdb",
        "dumas-20261103-235900.duckdb",
    ]  # fmt: skip
    assert len(gone) == 4 and len(kept) == 9  # each kept backup with its two files


def test_only_an_administrator_may_take_a_backup_and_it_is_audited(db: Database, tmp_path):
    with pytest.raises(Forbidden):
        take_backup(db, _user(db, Role.KABID), folder=tmp_path, keep=(14, 12), now=NOW)
    assert backups.listed(tmp_path) == []
    taken = take_backup(db, _user(db, Role.ADMIN), folder=tmp_path, keep=(14, 12), now=NOW)
    row = db.cursor().execute("SELECT actor, new_value FROM audit_log WHERE action = "
                              "'backup.take'").fetchone()  # fmt: skip
    assert row[0] == username(Role.ADMIN) and json.loads(row[1])["file"] == taken.path.name


def test_the_command_line_backs_up_and_restores_and_says_what_it_restored(
    db_path: Path, tmp_path: Path
):
    folder = tmp_path / "cadangan"
    done = run_cli("backup", "--to", str(folder), db=str(db_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Cadangan dibuat: ") and "0 pengaduan" in done.stdout
    (made,) = backups.listed(folder)
    target = tmp_path / "pulih.duckdb"
    restored = run_cli("restore", str(made), db=str(target))
    assert restored.returncode == 0, restored.stderr
    lines = restored.stdout.splitlines()
    assert lines[0].startswith(f"Cadangan {made.name} (skema ")
    assert "app_user" in restored.stdout and target.exists()
    again = run_cli("restore", str(made), db=str(target))
    assert (again.returncode, again.stderr.strip()) == (
        2,
        f"Berkas {target} sudah ada: pemulihan tidak pernah menimpa basis data. Pilih berkas baru.",
    )


def test_an_administrator_takes_a_backup_from_the_page(app_env, db_path, tmp_path, monkeypatch):
    monkeypatch.setenv("DUMAS_BACKUP_DIR", str(tmp_path / "cadangan"))
    at = open_page(Role.ADMIN, "pages/import_data.py")
    at.button(key="backup_take").click().run()
    assert not at.exception, at.exception
    (made,) = backups.listed(tmp_path / "cadangan")
    shown = [s.value.replace("\\", "") for s in at.success]  # as shown (markdown unescaped)
    assert f"Cadangan dibuat: {made.name} (0 pengaduan)." in shown
    assert made.name in at.dataframe[-1].value.iloc[:, 0].tolist()


def test_a_bad_retention_setting_is_refused_by_name_before_any_backup(
    db_path: Path, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("DUMAS_BACKUP_KEEP_DAILY", "seminggu")
    done = run_cli("backup", "--to", str(tmp_path), db=str(db_path))
    assert done.returncode == 2
    assert "DUMAS_BACKUP_KEEP_DAILY must be a whole number, not 'seminggu'" in done.stderr
    assert backups.listed(tmp_path) == []
