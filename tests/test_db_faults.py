"""A database that cannot be opened ends in one line an operator can act on, never a
traceback: on the command line (exit status 4) and, for visitors, as a maintenance page
with a code the operator finds in the log (issue 17)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dumas import config
from dumas.db import connect
from dumas.db.faults import DatabaseFault, classify
from tests.cli_support import run_cli
from tests.conftest import TODAY

NOW = dt.datetime.combine(TODAY, dt.time(22, 30), config.TIMEZONE)


def _truncated(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "terpotong.duckdb"
    shutil.copy(template_db, path)
    with path.open("r+b") as fh:
        fh.truncate(int(path.stat().st_size * 0.9))
    return path


def test_a_file_cut_short_is_refused_though_duckdb_would_open_it(template_db, tmp_path):
    path = _truncated(template_db, tmp_path)
    duckdb.connect(str(path)).close()  # DuckDB itself opens it without a word
    with pytest.raises(DatabaseFault) as refused:
        connect(path)
    assert refused.value.key == "db.fault.truncated"


def test_a_file_duckdb_trimmed_of_its_free_blocks_is_opened(tmp_path):
    path = tmp_path / "dipangkas.duckdb"
    rows = "SELECT range AS i, md5(range::VARCHAR) AS s FROM range(300000)"
    raw = duckdb.connect(str(path))
    raw.execute(f"CREATE TABLE first AS {rows}")
    raw.execute(f"CREATE TABLE second AS {rows}")
    raw.execute("CHECKPOINT")
    raw.execute("DROP TABLE second")  # its blocks, at the end of the file, are free
    raw.close()
    raw = duckdb.connect(str(path))
    raw.execute("CREATE TABLE kept AS SELECT range AS i FROM range(9)")
    raw.execute("DROP TABLE first")
    raw.close()  # this checkpoint cuts the free blocks off the end of the file
    raw = duckdb.connect(str(path))
    total, free, block = raw.execute(
        "SELECT total_blocks, free_blocks, block_size FROM pragma_database_size()"
    ).fetchall()[0]
    raw.close()
    assert path.stat().st_size < total * block and free > 0  # shorter than total_blocks say
    db = connect(path)  # yet whole: opened, migrated, read
    assert db.cursor().execute("SELECT count(*) FROM kept").fetchall() == [(9,)]
    db.close()


def test_the_command_line_says_in_one_line_what_is_wrong_and_what_to_do(template_db, tmp_path):
    for path, start in (
        (_truncated(template_db, tmp_path), "terpotong"),
        (tmp_path / "bukan.duckdb", "rusak atau bukan basis data DuckDB"),
    ):
        if not path.exists():
            path.write_bytes(b"bukan basis data " * 500)
        done = run_cli("summary", db=str(path))
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 4 and len(lines) == 1, done.stderr
        assert lines[0].startswith(f"Basis data {path} ") and start in lines[0]
        assert "python -m dumas restore" in lines[0]
        assert "Traceback" not in done.stderr + done.stdout


def test_a_database_of_a_newer_schema_is_not_opened_and_named(db_path: Path):
    raw = duckdb.connect(str(db_path))
    raw.execute("INSERT INTO schema_migration (name) VALUES ('9999_nanti')")
    raw.close()
    with pytest.raises(DatabaseFault) as refused:
        connect(db_path)
    assert (refused.value.key, refused.value.params["schema"]) == (
        "db.fault.newer_schema",
        "9999_nanti",
    )
    done = run_cli(
        "summary",
        db=str(db_path),
    )
    assert done.returncode == 4 and "skema 9999_nanti" in done.stderr


@pytest.mark.parametrize(
    ("message", "key"),
    [
        ("IO Error: Trying to read a database file with version number 99, but we can only "
         "read version 65", "db.fault.newer_duckdb"),
        ("IO Error: Could not write file \"x.duckdb\": No space left on device",
         "db.fault.disk_full"),
        ("IO Error: Cannot open file \"x.duckdb\": Permission denied", "db.fault.permission"),
        ("IO Error: Cannot open file \"x.duckdb\": Read-only file system",
         "db.fault.permission"),
        ("INTERNAL Error: Failure while replaying WAL file \"x.duckdb.wal\"", "db.fault.wal"),
        ("IO Error: Corrupt database file: computed checksum 1 does not match stored 2",
         "db.fault.corrupt"),
        ("IO Error: something nobody foresaw", "db.fault.unknown"),
    ],
)  # fmt: skip
def test_each_known_duckdb_failure_is_named_with_what_to_do(message, key):
    fault = classify(duckdb.IOException(message), Path("/srv/dumas/dumas.duckdb"))
    assert fault.key == key
    assert fault.params["detail"] == message  # DuckDB's own line, for the operator


def test_visitors_see_a_maintenance_page_with_a_code_and_the_log_says_why(
    tmp_path, monkeypatch, caplog
):
    broken = tmp_path / "rusak.duckdb"
    broken.write_bytes(b"bukan basis data " * 500)
    monkeypatch.setenv("DUMAS_DB", str(broken))
    import streamlit as st

    st.cache_resource.clear()
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=30)
    with caplog.at_level(logging.ERROR, logger="dumas"):
        at.run()
    assert not at.exception
    (shown,) = [e.value for e in at.error]
    assert shown.startswith("Aplikasi sedang dalam pemeliharaan")
    code = shown.split("kode ")[1].split(" ")[0]
    texts = " ".join(str(e.value) for e in (*at.markdown, *at.error, *at.caption))
    assert str(tmp_path) not in texts and "Traceback" not in texts  # no server path shown
    (logged,) = [r.getMessage() for r in caplog.records if r.name == "dumas"]
    assert logged.startswith(f"[{code}] Basis data {broken} rusak")
    st.cache_resource.clear()


def test_reading_commands_work_on_a_backup_and_leave_it_as_it_was(db, tmp_path):
    from dumas.db import backup as backups

    taken = backups.take(db, tmp_path, NOW)
    done = run_cli("summary", "--json", db=str(taken.path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["complaints"] == 0
    report = run_cli("report", "--period", "2026-10", "--xlsx", str(tmp_path / "l.xlsx"),
                     db=str(taken.path))  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert backups.verify(taken.path).sha256 == taken.sha256  # not a byte changed


def test_a_reading_command_refuses_an_older_database_rather_than_migrate_it(db_path):
    raw = duckdb.connect(str(db_path))
    raw.execute("DELETE FROM schema_migration WHERE name = (SELECT max(name) FROM "
                "schema_migration)")  # fmt: skip
    raw.close()
    before = db_path.read_bytes()
    done = run_cli("summary", db=str(db_path))
    assert done.returncode == 4
    assert "belum dimigrasikan ke versi aplikasi ini" in done.stderr
    assert db_path.read_bytes() == before
