"""The "past one process" prototype (issue 18, docs/decisions/0014-past-one-process.md):
PostgreSQL, given the app's own SQL with three named rewrites and letter_facts(as_of)
translated, gives the dashboard's KPI and letter list exactly as the embedded DuckDB does;
and read-only processes read a snapshot while the serving process writes.

These tests start PostgreSQL servers (Debian's `postgresql`, installed by `make
system-packages`): without it they fail and say so, they are never skipped."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from dumas.bench import past_one_process as bench
from dumas.bench import postgres
from dumas.db import Database, connect, demo
from dumas.queries.filters import Filters

pytestmark = [pytest.mark.slow, pytest.mark.server]

TODAY = dt.date(2026, 11, 27)
DATES = (dt.date(2024, 3, 1), dt.date(2025, 8, 15), TODAY)


def _postgres_installed() -> None:
    try:
        postgres.find_bin()
    except postgres.PostgresMissing as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed demo database of 300 complaints on TODAY."""
    path = tmp_path_factory.mktemp("past_one_process") / "demo.duckdb"
    database = connect(path)
    try:
        demo.generate(database, 300, today=TODAY)
    finally:
        database.close()
    return path


@pytest.fixture(scope="module")
def duck(demo_path: Path) -> Iterator[Database]:
    database = connect(demo_path, read_only=True)
    yield database
    database.close()


@pytest.fixture(scope="module")
def pg(duck: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[postgres.Server]:
    _postgres_installed()
    with postgres.server() as server:
        postgres.load(duck.cursor(), server, tmp_path_factory.mktemp("csv"))
        yield server


def _filters(duck: Database) -> dict[str, Filters]:
    cur = duck.cursor()
    province, agency = cur.execute(
        "SELECT province_code, agency_id FROM letter_fact WHERE province_code IS NOT NULL"
        " GROUP BY ALL ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    return {
        "everything": Filters(),
        "a province and an agency": Filters(provinces=(province,), agency_ids=(agency,)),
        "answered, by latest status": Filters(statuses=("selesai", "dalam_proses")),
        "a text search": Filters(search="tanah"),
    }


@pytest.mark.parametrize("as_of", DATES, ids=str)
def test_postgresql_gives_the_dashboards_kpi_and_list_exactly_as_duckdb(
    duck: Database, pg: postgres.Server, as_of: dt.date
) -> None:
    cur = duck.cursor()
    for name, filters in _filters(duck).items():
        assert bench.differences(cur, pg, filters, as_of) == [], name
    everything = Filters(statuses=("selesai", "dalam_proses", "unanswered"))
    kpi = bench.followup.kpis(cur, everything, as_of)
    frame = bench.followup.letters(cur, everything, as_of, unanswered_only=False)
    assert kpi["answered"] > 0 and kpi["unanswered"] > 0  # both kinds of letters compared
    assert len(frame) == 50 and frame["reminders"].gt(0).any()
    assert set(frame["last_status"]) >= {"unanswered"}


def test_a_list_cell_that_differs_in_postgresql_is_reported(
    duck: Database, pg: postgres.Server
) -> None:
    class OneDayOlder:
        """The real server, but the first listed letter a working day older."""

        def rows(self, sql: str) -> list[dict[str, str]]:
            rows = pg.rows(sql)
            if rows and "age_wd" in rows[0]:
                rows[0]["age_wd"] = str(int(rows[0]["age_wd"]) + 1)
            return rows

    found = bench.differences(duck.cursor(), OneDayOlder(), Filters(), TODAY)
    assert len(found) == 1 and found[0].startswith("list row 0 age_wd:")


def test_the_apps_sql_reaches_postgresql_with_only_the_three_named_rewrites() -> None:
    (sql,) = bench.postgres_sql(bench._kpi(Filters(provinces=("31", "32")), TODAY))
    assert "$" not in sql
    assert "letter_facts(DATE '2026-11-27')" in sql
    assert "IN (SELECT unnest(ARRAY['31', '32']))" in sql
    assert "count(*) FILTER (WHERE NOT answered)" in sql
    assert "percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_respond)" in sql
    assert "median(" not in sql and "FILTER (WHERE WHERE" not in sql


def test_the_bench_runs_both_engines_and_two_replicas_read_the_snapshot_while_it_writes(
    demo_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _postgres_installed()
    monkeypatch.setenv("DUMAS_TODAY", TODAY.isoformat())
    monkeypatch.setattr(bench, "WRITE_EVERY_S", 0.05)  # surely some writes while they read
    assert bench.main(demo_path, repeat=1, snapshots=1) == 0
    out = capsys.readouterr().out
    assert "KPI and list page 1 equal to DuckDB's" in out
    seen = []
    for n in (2, 3):  # both processes held the snapshot open at once, and read it
        assert f"| DuckDB replica: process {n} on the snapshot" in out
        found = re.search(rf"Replica process {n}: opened read-only .* answered ([\d,]+) ", out)
        assert found, out
        seen.append(int(found.group(1).replace(",", "")))
    writes = re.search(r"The first process wrote (\d+) responses .* now: ([\d,]+)\.", out)
    assert writes, out
    assert int(writes.group(1)) > 0
    assert seen[0] == seen[1] < int(writes.group(2).replace(",", ""))  # the snapshot's, stale
