"""Past one process (issue 18): the dashboard's KPI and letter list through the embedded
DuckDB, through PostgreSQL, and through DuckDB read replicas fed from the writer's
snapshots, side by side in one run.

    python -m dumas.bench.past_one_process --db PATH [--repeat 5] [--snapshots 2]

The database at PATH is copied first (nothing is written to it). PostgreSQL runs as a
throw-away server (dumas/bench/postgres.py); its figures must equal DuckDB's. The design
note it informs: docs/decisions/0014-past-one-process.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import duckdb
import numpy as np
import pandas as pd

from dumas import config
from dumas.bench import postgres
from dumas.db import Database, backup, connect, facts
from dumas.queries import followup
from dumas.queries.filters import Filters

REPLICAS = 2  # reader processes holding the same snapshot open at once
WRITE_EVERY_S = 1.0  # the serving process records a response every second meanwhile
READ_EVERY_S = 0.25  # and a user of it asks for the KPI four times a second


class _Recorder:
    """Stands in for a DuckDB cursor to capture the SQL a query function sends."""

    description: tuple[()] = ()

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, object]]] = []

    def execute(self, sql: str, params: dict[str, object] | None = None) -> _Recorder:
        self.sent.append((sql, dict(params or {})))
        return self

    def fetchone(self) -> tuple[()]:
        return ()

    def fetchall(self) -> list[tuple[int]]:
        return [(0,)]

    def df(self) -> pd.DataFrame:
        return pd.DataFrame({"forwarding_id": []})


def postgres_sql(query: Callable[[duckdb.DuckDBPyConnection], object]) -> list[str]:
    """The statements the app's query function sends, translated for PostgreSQL."""
    recorder = _Recorder()
    query(cast(duckdb.DuckDBPyConnection, recorder))
    return [postgres.translate(sql, params) for sql, params in recorder.sent]


# The engines are compared on the figures' one definition, letter_facts(as_of): the
# summaries that serve DuckDB's unfiltered view (decision 0015) are not part of the design.
def _kpi(filters: Filters, as_of: dt.date) -> Callable[[duckdb.DuckDBPyConnection], object]:
    return lambda cur: followup.kpis_from_facts(cur, filters, as_of)


def _list(filters: Filters, as_of: dt.date) -> Callable[[duckdb.DuckDBPyConnection], object]:
    return lambda cur: (  # the list's count, then its first page: what the page asks
        followup.letter_total_from_facts(cur, filters, as_of),
        followup.letters(cur, filters, as_of),
    )


def _equal(duck: object, pg: str) -> bool:
    """A DuckDB value and PostgreSQL's CSV text of it are the same value."""
    if duck is None or (not isinstance(duck, str) and pd.isna(cast(Any, duck))):
        return pg == ""
    if isinstance(duck, bool | np.bool_):
        return pg == ("t" if duck else "f")
    if isinstance(duck, float):
        return pg != "" and float(pg) == duck
    if isinstance(duck, int | np.integer):
        return pg != "" and int(pg) == int(duck)
    if isinstance(duck, dt.datetime):  # pandas gives dates as Timestamps
        return pg == duck.date().isoformat()
    if isinstance(duck, dt.date):
        return pg == duck.isoformat()
    return pg == str(duck)


def differences(
    cur: duckdb.DuckDBPyConnection, pg: postgres.Server, filters: Filters, as_of: dt.date
) -> list[str]:
    """Where PostgreSQL's KPI and first list page differ from the app's own (none: equal)."""
    found = []
    kpi = followup.kpis_from_facts(cur, filters, as_of)
    (pg_kpi,) = pg.rows(postgres_sql(_kpi(filters, as_of))[0])
    found += [f"KPI {k}: {v!r} != {pg_kpi.get(k)!r}" for k, v in kpi.items()
              if not _equal(v, pg_kpi.get(k, "?"))]  # fmt: skip
    total = followup.letter_total_from_facts(cur, filters, as_of)
    frame = followup.letters(cur, filters, as_of)
    total_sql, page_sql = postgres_sql(_list(filters, as_of))
    pg_total = int(pg.rows(total_sql)[0]["count"])
    if pg_total != total:
        found.append(f"list total: {total} != {pg_total}")
    pg_rows = pg.rows(page_sql)
    if len(pg_rows) != len(frame):
        found.append(f"list rows: {len(frame)} != {len(pg_rows)}")
    for n, (row, pg_row) in enumerate(zip(frame.to_dict("records"), pg_rows, strict=False)):
        found += [f"list row {n} {k}: {v!r} != {pg_row.get(str(k))!r}" for k, v in row.items()
                  if not _equal(v, pg_row.get(str(k), "?"))]  # fmt: skip
    return found


def _ms(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def _figures_ms(cur: duckdb.DuckDBPyConnection, as_of: dt.date, repeat: int) -> dict[str, float]:
    """The KPI over all letters and the list's first page as the app runs them: the
    median of `repeat` runs after a warm-up."""
    calls = {"kpi": _kpi(Filters(), as_of), "list": _list(Filters(), as_of)}
    times: dict[str, list[float]] = {name: [] for name in calls}
    for n in range(repeat + 1):
        for name, call in calls.items():
            spent = _ms(functools.partial(call, cur))
            times[name] += [spent] if n else []
    return {name: statistics.median(spent) for name, spent in times.items()}


def measure_postgres(
    cur: duckdb.DuckDBPyConnection, folder: Path, as_of: dt.date, repeat: int
) -> tuple[dict[str, float], dict[str, Any]]:
    """Load a throw-away server and check its figures equal DuckDB's; then time the two
    figures in both engines, interleaved run by run (this machine's load moves)."""
    with postgres.server() as pg:
        start = time.perf_counter()
        postgres.load(cur, pg, folder)
        loaded_s = time.perf_counter() - start
        wrong = differences(cur, pg, Filters(), as_of)
        scan = postgres.translate(
            "SELECT count(*) FROM letter_fact WHERE letter_date <= $as_of", {"as_of": as_of}
        )
        runs: dict[str, Callable[[], float]] = {
            "duck kpi": lambda: _ms(lambda: _kpi(Filters(), as_of)(cur)),
            "pg kpi": lambda: pg.timed_ms(postgres_sql(_kpi(Filters(), as_of))),
            "duck list": lambda: _ms(lambda: _list(Filters(), as_of)(cur)),
            "pg list": lambda: pg.timed_ms(postgres_sql(_list(Filters(), as_of))),
            "pg scan": lambda: pg.timed_ms([scan]),
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        for n in range(repeat + 1):  # the first round warms up
            for name, run in runs.items():
                spent = run()
                times[name] += [spent] if n else []
        version = pg.rows("SHOW server_version")[0]["server_version"].split()[0]
    median = {name: statistics.median(spent) for name, spent in times.items()}
    duck = {"kpi": median["duck kpi"], "list": median["duck list"]}
    return duck, {"version": version, "load_s": loaded_s, "differences": wrong,
                  "kpi": median["pg kpi"], "list": median["pg list"],
                  "count": median["pg scan"]}  # fmt: skip


class _Writer(threading.Thread):
    """Records a response to an unanswered letter every WRITE_EVERY_S, one write
    transaction each (letter_fact kept in step), as a user of the serving process would."""

    def __init__(self, db: Database, as_of: dt.date) -> None:
        super().__init__(daemon=True)
        self.db, self.as_of, self.done = db, as_of, 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            with self.db.transaction() as cur:
                complaint, agency = cur.execute(
                    "SELECT complaint_id, agency_id FROM letter_fact"
                    " WHERE first_response_on IS NULL AND letter_date <= $as_of"
                    " ORDER BY forwarding_id LIMIT 1",
                    {"as_of": self.as_of},
                ).fetchall()[0]
                cur.execute(
                    "INSERT INTO response (id, complaint_id, agency_id, letter_no,"
                    " response_date, status) SELECT coalesce(max(id), 0) + 1, $c, $a,"
                    " 'BENCH-' || (coalesce(max(id), 0) + 1), $as_of, 'selesai' FROM response",
                    {"c": complaint, "a": agency, "as_of": self.as_of},
                )
                facts.refresh(cur, [complaint])
            self.done += 1
            self.stop.wait(WRITE_EVERY_S)


def _reader(
    cur: duckdb.DuckDBPyConnection, as_of: dt.date, stop: threading.Event, times: list[float]
) -> None:
    """A user of the serving process asking for the KPI every READ_EVERY_S until stopped;
    each time is added to `times`."""
    while not stop.is_set():
        times.append(_ms(lambda: followup.kpis(cur, Filters(), as_of)))
        stop.wait(READ_EVERY_S)


def measure_replicas(
    db: Database, folder: Path, as_of: dt.date, repeat: int, snapshots: int
) -> dict[str, Any]:
    """Snapshots taken while the process serves (a reader and a writer busy), then
    REPLICAS processes reading the last one read-only while this one goes on writing."""
    writer = _Writer(db, as_of)
    writer.start()
    taken: list[float] = []
    during: list[float] = []
    snapshot = None
    for _ in range(snapshots):
        stop, cur = threading.Event(), db.cursor()
        reading = threading.Thread(target=_reader, args=(cur, as_of, stop, during))
        reading.start()
        start = time.perf_counter()
        snapshot = backup.take(db, folder / "snapshots", config.now())
        taken.append(time.perf_counter() - start)
        stop.set()
        reading.join()
        cur.close()
    assert snapshot is not None
    writes_before = writer.done
    try:
        results = _run_replicas(snapshot.path, as_of, repeat)
    finally:
        writer.stop.set()
        writer.join()
    now = followup.kpis(db.cursor(), Filters(), as_of)
    return {"snapshot_s": statistics.median(taken), "snapshot_runs": taken,
            "snapshot_mb": snapshot.path.stat().st_size / 1e6,
            "kpi_during_snapshot": statistics.median(during) if during else None,
            "kpi_during_snapshot_max": max(during, default=None),
            "replicas": results, "writes_meanwhile": writer.done - writes_before,
            "answered_now": now["answered"]}  # fmt: skip


def _run_replicas(path: Path, as_of: dt.date, repeat: int) -> list[dict[str, Any]]:
    """REPLICAS processes open the snapshot at once; each is timed in turn while all of
    them hold it open (so their timings do not share the two cores)."""
    command = [sys.executable, "-m", "dumas.bench.past_one_process", "--replica", str(path),
               "--as-of", as_of.isoformat(), "--repeat", str(repeat)]  # fmt: skip
    children = [
        subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for _ in range(REPLICAS)
    ]
    try:
        opened = [json.loads(_line(child)) for child in children]
        results = []
        for child, first in zip(children, opened, strict=True):
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
            results.append({**first, **json.loads(_line(child))})
    except BaseException:
        for child in children:
            child.kill()
        raise
    finally:
        for child in children:
            child.communicate()
    if any(child.returncode for child in children):
        raise RuntimeError("a replica process failed")
    return results


def _line(child: subprocess.Popen[str]) -> str:
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line:
        raise RuntimeError("a replica process stopped before answering")
    return line


def replica(path: Path, as_of: dt.date, repeat: int) -> None:
    """In another process: open a snapshot read-only, say so, and when told (a line on
    stdin) time the two figures and print them."""
    start = time.perf_counter()
    db = connect(path, read_only=True)
    print(json.dumps({"open_ms": (time.perf_counter() - start) * 1000}), flush=True)
    sys.stdin.readline()
    cur = db.cursor()
    start = time.perf_counter()
    kpi = followup.kpis(cur, Filters(), as_of)
    first = (time.perf_counter() - start) * 1000
    timed = _figures_ms(cur, as_of, repeat)
    print(json.dumps({"first_kpi_ms": first, **timed, "answered": kpi["answered"]}), flush=True)
    db.close()


def _table(
    duck: dict[str, float], pg: dict[str, Any] | None, rep: dict[str, Any], repeat: int
) -> str:
    rows = [("DuckDB, in the serving process (today)", duck["kpi"], duck["list"])]
    if pg:
        rows.append((f"PostgreSQL {pg['version']}, same SQL translated, via psql", pg["kpi"],
                     pg["list"]))  # fmt: skip
    for n, child in enumerate(rep["replicas"], start=2):
        rows.append((f"DuckDB replica: process {n} on the snapshot", child["kpi"], child["list"]))
    lines = [f"| ms, median of {repeat}{' ' * 40} | KPI (all letters) | list, page 1 |",
             f"|{'-' * 56}|------------------:|-------------:|"]  # fmt: skip
    lines += [f"| {name:54} | {kpi:17.1f} | {page:12.1f} |" for name, kpi, page in rows]
    return "\n".join(lines)


def _report(
    duck: dict[str, float], pg: dict[str, Any] | None, rep: dict[str, Any], repeat: int
) -> None:
    print(_table(duck, pg, rep, repeat))
    print()
    if pg:
        wrong = pg["differences"]
        equal = "DIFFERENT: " + "; ".join(wrong) if wrong else "equal"
        print(f"PostgreSQL: loaded in {pg['load_s']:.1f} s (CSV from DuckDB, COPY, key, ANALYZE);"
              f" KPI and list page 1 {equal} to DuckDB's; one scan of letter_fact (count(*))"
              f" {pg['count']:.0f} ms.")  # fmt: skip
    runs = ", ".join(f"{s:.1f}" for s in rep["snapshot_runs"])
    during, worst = rep["kpi_during_snapshot"], rep["kpi_during_snapshot_max"]
    print(f"Snapshot while serving (backup.take): median {rep['snapshot_s']:.1f} s (runs {runs}),"
          f" {rep['snapshot_mb']:.0f} MB; the serving process's KPI meanwhile: median"
          f" {during:.0f} ms, max {worst:.0f} ms.")  # fmt: skip
    for n, child in enumerate(rep["replicas"], start=2):
        print(
            f"Replica process {n}: opened read-only in {child['open_ms']:.0f} ms, first KPI"
            f" {child['first_kpi_ms']:.0f} ms; answered {child['answered']:,} (the snapshot)."
        )
    print(f"The first process wrote {rep['writes_meanwhile']} responses while they read;"
          f" answered there now: {rep['answered_now']:,}.")  # fmt: skip


def main(path: Path, repeat: int, snapshots: int) -> int:
    as_of = config.today()
    try:
        postgres.find_bin()
        missing = None
    except postgres.PostgresMissing as exc:
        missing = str(exc)
    connect(path, read_only=True).close()  # refused while the app holds it (DatabaseBusy)
    with tempfile.TemporaryDirectory(prefix="dumas-past-one-") as tmp:
        folder = Path(tmp)
        working = folder / "serving.duckdb"
        shutil.copyfile(path, working)
        db = connect(working)
        try:
            cur = db.cursor()
            if missing:
                duck, pg = _figures_ms(cur, as_of, repeat), None
            else:
                duck, pg = measure_postgres(cur, folder, as_of, repeat)
            rep = measure_replicas(db, folder, as_of, repeat, snapshots)
        finally:
            db.close()
    print(f"{path} on {as_of.isoformat()}, {dt.datetime.now(config.TIMEZONE):%Y-%m-%d %H:%M} WIB")
    _report(duck, pg, rep, repeat)
    if missing:
        print(f"PostgreSQL skipped: {missing}")
    return 1 if pg and pg["differences"] else 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m dumas.bench.past_one_process")
    parser.add_argument("--db", type=Path, help="a database not in use (a demo) to copy")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--snapshots", type=int, default=2)
    parser.add_argument("--replica", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.replica is None and args.db is None:
        parser.error("--db is required")
    return args


if __name__ == "__main__":
    arguments = _arguments(None)
    if arguments.replica:
        replica(arguments.replica, arguments.as_of, arguments.repeat)
        sys.exit(0)
    sys.exit(main(arguments.db, arguments.repeat, arguments.snapshots))
