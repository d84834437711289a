"""The command line while the app serves (issue 17), end to end: a real `streamlit run
server.py` holds a demo database, and `python -m dumas import|report|summary|backup` run in
another process hand their work to it with an Administrator's token. Each prints what a
direct run of the same command prints on a twin of the database (a copy taken before the
app started, changed by the same commands), writes its files at the user's paths, and ends
with the same status; a wrong, revoked or missing token ends in one line and status 3.

One app serves the whole module; every test changes the database and its twin alike, so
the tests need not run in order (nor all in one worker).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import pytest

from dumas import config
from dumas.config import ROOT
from dumas.db import backup as backups
from dumas.db import connect, demo
from dumas.services import auth, ops_tokens
from tests.browser_support import running_app
from tests.cli_support import run_cli
from tests.conftest import TODAY
from tests.importing import row, xlsx

pytestmark = [pytest.mark.slow, pytest.mark.server]
NOW = dt.datetime.combine(TODAY, dt.time(20, 0), config.TIMEZONE)


@dataclass(frozen=True)
class Served:
    base: str  # the app's address
    served: Path  # the database the app holds
    twin: Path  # its copy, for the direct runs
    token: str
    revoked: str


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A demo database with a token and a revoked one, its twin, and the app serving it."""
    folder = tmp_path_factory.mktemp("serah")
    served, twin = folder / "dumas.duckdb", folder / "kembar.duckdb"
    db = connect(served)
    try:
        demo.generate(db, 200, today=TODAY)
        with db.reading() as cur:
            uid = cur.execute("SELECT id FROM app_user WHERE username = 'admin'").fetchall()
            admin = auth.load_user(cur, uid[0][0])
        assert admin is not None
        token = ops_tokens.create_token(db, admin, label="impor malam", now=NOW)
        revoked = ops_tokens.create_token(db, admin, label="lama", now=NOW)
        ops_tokens.revoke_token(db, admin, token_id=2, now=NOW)
    finally:
        db.close()
    shutil.copy(served, twin)
    with running_app(served) as base:
        with urllib.request.urlopen(f"{base}/ops/health", timeout=60) as answer:
            assert answer.status == 200  # the app has opened (and now holds) the database
        yield Served(base, served, twin, token, revoked)


def _through_app(
    app: Served, *args: str, cwd: Path, token: str | None
) -> subprocess.CompletedProcess:
    """`python -m dumas ARGS --db SERVED` in another process, in the folder `cwd`."""
    env = {**os.environ, "DUMAS_TODAY": TODAY.isoformat(), "DUMAS_APP_URL": app.base,
           "PYTHONPATH": str(ROOT)}  # fmt: skip
    env.pop("DUMAS_OPS_TOKEN_FILE", None)
    env.pop("DUMAS_OPS_TOKEN", None)
    if token is not None:
        env["DUMAS_OPS_TOKEN"] = token
    done = subprocess.run(
        [sys.executable, "-m", "dumas", *args, "--db", str(app.served)],
        cwd=cwd, env=env, capture_output=True, timeout=300,
    )  # fmt: skip
    # Decoded by hand: text=True would read the progress line's carriage returns as newlines.
    return subprocess.CompletedProcess(done.args, done.returncode, done.stdout.decode(),
                                       done.stderr.decode())  # fmt: skip


def _folders(tmp_path: Path) -> tuple[Path, Path]:
    handed, direct = tmp_path / "lewat-aplikasi", tmp_path / "langsung"
    handed.mkdir()
    direct.mkdir()
    return handed, direct


def _cells(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's values; the line saying when the file was made is left out."""
    book = openpyxl.load_workbook(path)
    return {
        sheet.title: [
            tuple(None if str(v).startswith("Dibuat pada ") else v for v in values)
            for values in sheet.iter_rows(values_only=True)
        ]
        for sheet in book.worksheets
    }


def test_summary_import_and_report_through_the_app_print_what_a_direct_run_prints(
    app: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    handed_dir, direct_dir = _folders(tmp_path)
    late = dt.date(2026, 2, 1)  # the letter before the complaint came: rejected
    rows = [row(agenda_no="SERAH-1", letter_no="B-SERAH-1/2026"),
            row(agenda_no="SERAH-2", letter_no="B-SERAH-2/2026", letter_date=late)]  # fmt: skip
    workbook = xlsx(rows)
    for folder in (handed_dir, direct_dir):
        (folder / "rekap.xlsx").write_bytes(workbook)
    monkeypatch.chdir(direct_dir)  # the direct runs name the same relative paths there
    commands = [
        ("summary", "--json"),
        ("import", "rekap.xlsx", "--skip-invalid", "--rejects", "ditolak.xlsx"),
        ("summary", "--json"),
        ("report", "--period", "2026-10", "--xlsx", "laporan.xlsx"),
        ("import", "tidak-ada.xlsx"),  # refused before the database is opened: status 2
    ]
    printed = []
    for command in commands:
        handed = _through_app(app, *command, cwd=handed_dir, token=app.token)
        direct = run_cli(*command, db=str(app.twin))
        assert (handed.returncode, handed.stdout, handed.stderr) == (
            direct.returncode, direct.stdout, direct.stderr), command  # fmt: skip
        printed.append(handed)
    before, after = (json.loads(printed[i].stdout)["complaints"] for i in (0, 2))
    assert after == before + 1  # the valid row, imported by the app
    assert printed[1].stdout.endswith("ditolak.xlsx\n") and printed[3].stdout == "laporan.xlsx\n"
    assert [printed[4].returncode, printed[4].stdout] == [2, ""]
    assert "SERAH-2" in str(_cells(handed_dir / "ditolak.xlsx"))
    for name in ("ditolak.xlsx", "laporan.xlsx"):
        assert _cells(handed_dir / name) == _cells(direct_dir / name), name


def test_a_backup_through_the_app_is_written_where_the_user_said(
    app: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    handed_dir, direct_dir = _folders(tmp_path)
    monkeypatch.chdir(direct_dir)
    handed = _through_app(app, "backup", "--to", "cadangan", cwd=handed_dir, token=app.token)
    direct = run_cli("backup", "--to", "cadangan", db=str(app.twin))

    def timeless(text: str) -> str:  # the backup's name is its time, its checksum its bytes
        text = re.sub(r"dumas-\d{8}-\d{6}\.duckdb", "dumas-WAKTU.duckdb", text)
        return re.sub(r"SHA-256 [0-9a-f]{64}", "SHA-256 …", text)

    assert (handed.returncode, timeless(handed.stdout), handed.stderr) == (
        direct.returncode, timeless(direct.stdout), direct.stderr)  # fmt: skip
    assert handed.returncode == 0 and handed.stdout.startswith("Cadangan dibuat: cadangan/dumas-")
    (made,) = backups.listed(handed_dir / "cadangan")
    assert made.name in handed.stdout
    digest = made.with_name(made.name + ".sha256").read_text().split()[0]
    assert hashlib.sha256(made.read_bytes()).hexdigest() == digest
    copy = duckdb.connect(str(made), read_only=True)  # the app took it: its audit says so
    try:
        audited = copy.execute(
            "SELECT actor, json_extract_string(new_value, '$.argv[0]') FROM audit_log"
            " WHERE action = 'ops.command'"
        ).fetchall()
    finally:
        copy.close()
    assert ("token:impor malam", "backup") in audited


def test_a_wrong_revoked_or_missing_token_ends_in_one_line_with_status_3(
    app: Served, tmp_path: Path
):
    for token in ("salah", app.revoked):
        refused = _through_app(app, "summary", "--json", cwd=tmp_path, token=token)
        assert (refused.returncode, refused.stdout) == (3, "")
        assert refused.stderr == (
            f"Aplikasi di {app.base} menolak token ini (salah atau sudah dicabut); perintah "
            "tidak dijalankan. Minta Administrator membuat token baru di Impor dan Ekspor "
            "Data → Cadangan.\n"
        )
    missing = _through_app(app, "report", "--period", "2026-10", "--xlsx", "x.xlsx",
                           cwd=tmp_path, token=None)  # fmt: skip
    assert (missing.returncode, missing.stdout) == (3, "")
    assert len(missing.stderr.splitlines()) == 1
    assert "Administrator membuatnya di Impor dan Ekspor Data → Cadangan" in missing.stderr
    assert not (tmp_path / "x.xlsx").exists()
