"""The command line: python -m dumas init | demo | summary --json, and a busy database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duckdb
import pytest

from dumas.config import ROOT
from tests.cli_support import run_cli
from tests.conftest import TODAY


def _run(*args: str, db: str) -> subprocess.CompletedProcess:
    """A real `python -m dumas` process (tests.cli_support.run_cli is the in-process run)."""
    env = {**os.environ, "DUMAS_TODAY": TODAY.isoformat()}
    return subprocess.run(
        [sys.executable, "-m", "dumas", *args, "--db", db],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_init_then_summary_reports_an_empty_database(tmp_path):
    db = str(tmp_path / "cli.duckdb")
    assert run_cli("init", db=db).returncode == 0
    result = run_cli("summary", "--json", db=db)
    assert result.returncode == 0
    summary = json.loads(result.stdout)
    assert summary["complaints"] == summary["forwardings"] == summary["lacking_response"] == 0
    assert summary["agencies"] > 100


def test_demo_then_summary_agrees_with_the_database(empty_db_path):
    db = str(empty_db_path)  # as `init` leaves it (test above)
    created = run_cli("demo", "--complaints", "400", db=db)
    assert created.returncode == 0, created.stderr
    counts = json.loads(created.stdout)
    summary = json.loads(run_cli("summary", "--json", db=db).stdout)
    assert summary["complaints"] == 400
    assert summary["forwardings"] == counts["forwarding"]
    assert summary["responses"] == counts["response"]
    con = duckdb.connect(db, read_only=True)
    lacking = con.execute(
        "SELECT count(*), count(DISTINCT complaint_id) FROM letter_facts($d) WHERE NOT answered",
        {"d": TODAY},
    ).fetchone()
    con.close()
    assert (summary["lacking_response"], summary["complaints_lacking_response"]) == lacking
    assert 0 < summary["complaints_lacking_response"] <= summary["lacking_response"]


def test_demo_refuses_a_database_that_already_has_complaints(empty_db_path):
    db = str(empty_db_path)
    assert run_cli("demo", "--complaints", "50", db=db).returncode == 0
    again = run_cli("demo", "--complaints", "50", db=db)
    assert again.returncode == 2
    assert again.stderr.strip()


def test_a_database_held_by_the_running_app_gives_one_clear_line(tmp_path):
    db = str(tmp_path / "cli.duckdb")
    assert run_cli("init", db=db).returncode == 0
    holder = duckdb.connect(db)  # stands in for the running app's process
    try:
        result = _run("summary", "--json", db=db)
    finally:
        holder.close()
    assert result.returncode == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "sedang dipakai proses lain" in lines[0]
    assert "token" in lines[0]  # how to hand the command over to the app


@pytest.mark.slow
def test_bench_prints_every_measure_for_a_small_database(tmp_path):
    env = {**os.environ, "DUMAS_TODAY": TODAY.isoformat()}
    result = subprocess.run(
        [sys.executable, "-m", "dumas", "bench", "--complaints", "300", "--repeat", "1",
         "--sessions", "1"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    names = [row.split("|")[1].strip() for row in rows[1:]]
    assert "KPI (semua)" in names
    assert "halaman Tindak Lanjut via AppTest (cache kosong)" in names
    assert "Tindak Lanjut: kerangka terkirim (cache kosong)" in names  # before the KPI cards
    assert "memori puncak proses dasbor (MB)" in names
    assert "1 sesi mengubah filter bersamaan: p95 (s)" in names
    lock = "1 sesi selama impor: tunggu kunci tulis terlama (ms)"  # 0 when never contended
    assert {"matriks rencana (rencana contoh)", "Menunggu Saya (Asdep)", lock} <= set(names)
    assert any(name.startswith("impor ") and "basis data kosong" in name for name in names)
    assert any(name.startswith("surat konfirmasi: pratinjau dan .zip") for name in names)
    values = {row.split("|")[1].strip(): float(row.split("|")[2]) for row in rows[1:]}
    assert values.pop(lock) >= 0 and all(value > 0 for value in values.values())


@pytest.mark.parametrize("sessions", ["0", "5,x", ""])
def test_bench_refuses_a_session_count_that_is_not_positive_whole_numbers(sessions):
    done = run_cli("bench", "--complaints", "300", "--sessions", sessions)
    assert done.returncode == 2
    assert "--sessions harus berisi bilangan bulat positif" in done.stderr


@pytest.mark.parametrize("served", ["0", "1,x"])
def test_bench_refuses_served_counts_that_are_not_positive_whole_numbers(served):
    done = run_cli("bench", "--complaints", "300", "--served", served)
    assert (
        done.returncode,
        "--served harus berisi bilangan bulat positif" in done.stderr,
        f"bukan: {served}" in done.stderr,
    ) == (2, True, True)
