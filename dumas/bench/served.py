"""Sessions acting at once against the real server (`python -m dumas bench --served 1,5,10,20`).

The app is started as `make run` starts it (`streamlit run server.py`), on the benchmark's
database, with every page run logged with its duration (DUMAS_SLOW_PAGE_MS=0). Sessions of
a light client that speaks Streamlit's websocket protocol (dumas/ui/bench_client.py; it
draws nothing, so the server has the machine's cores as it would with its users' browsers
on their own computers) sign in as the demo analyst first; then, for each N, N of them
choose a province of their own in the dashboard's filter at the same moment (no cache can
help). Reported per N: the server's own time for those page runs (from its log), median
and p95; the time until every client was told its run had finished; the ratio of the
N-session median to the one-session median; the server's peak memory; and its time for
the first dashboard after the start.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dumas import config

RUN_LINE = re.compile(r"slow page run: / took (\d+) ms")  # "/": Tindak Lanjut


@dataclass
class Round:
    sessions: int
    server_median_ms: float
    server_p95_ms: float
    clients_s: float  # until every client was told its run had finished


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _server(db: Path, log: Path) -> Iterator[tuple[str, int]]:
    """server.py as `make run` starts it; yields its address and process id."""
    port = _free_port()
    env = {**os.environ, "DUMAS_DB": str(db), "DUMAS_DEMO": "0", "DUMAS_JOBS": "0",
           "DUMAS_SLOW_PAGE_MS": "0", "DUMAS_LOG_FILE": str(log),
           "FORWARDED_ALLOW_IPS": ""}  # fmt: skip
    command = [sys.executable, "-m", "streamlit", "run", str(config.ROOT / "server.py"),
               "--server.headless=true", f"--server.port={port}",
               "--server.address=127.0.0.1", "--browser.gatherUsageStats=false"]  # fmt: skip
    with open(log.with_suffix(".out"), "w") as out:
        proc = subprocess.Popen(command, cwd=config.ROOT, env=env, stdout=out,  # noqa: S603
                                stderr=subprocess.STDOUT)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    health = f"{base}/_stcore/health"  # http on this machine
                    with urllib.request.urlopen(health, timeout=2) as r:  # noqa: S310
                        if r.read() == b"ok":
                            break
                except OSError:
                    time.sleep(0.3)
            else:
                raise TimeoutError("the server did not start")
            yield base, proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[round(share * (len(ordered) - 1))]


def run(db: Path, counts: tuple[int, ...], password: str) -> tuple[list[Round], float, float]:
    """Each N of `counts` in turn, on one server: each session signs in and opens the
    dashboard, then N sessions choose a province of their own at the same moment. The
    rounds, the server's peak MB and its time for the first dashboard after the start
    (the first sign-in's, ms)."""
    import duckdb

    from dumas.ui import bench_client as wsclient

    con = duckdb.connect(str(db), read_only=True)
    names = [r[0] for r in con.execute("SELECT name FROM province ORDER BY code").fetchall()]
    con.close()
    if sum(counts) > len(names):
        raise ValueError(f"at most {len(names)} sessions over all rounds (one province each)")
    rounds: list[Round] = []
    with tempfile.TemporaryDirectory(prefix="dumas-served-") as folder:
        log = Path(folder) / "dumas.log"
        with _server(db, log) as (base, pid):
            sessions = []
            signed_in_at = 0
            for n in range(max(counts)):
                cookie = wsclient.sign_in(base, "analis", password)
                if n == 0:
                    signed_in_at = log.stat().st_size  # the first dashboard follows
                session = wsclient.Session(base, cookie).open()
                session.run()
                sessions.append(session)
            with log.open(encoding="utf-8") as fh:
                fh.seek(signed_in_at)
                first = RUN_LINE.search(fh.read())
            first_ms = float(first.group(1)) if first else float("nan")
            time.sleep(2)  # the warm-up is done
            chosen = iter(names)
            for n in counts:
                states = [s.choose("province", [next(chosen)]) for s in sessions[:n]]
                mark = log.stat().st_size
                clients, failures = _at_once(sessions[:n], states)
                if failures:
                    raise RuntimeError(f"a session's run failed: {failures[0]}")
                time.sleep(0.3)  # the log lines of the last runs are written
                with log.open(encoding="utf-8") as fh:
                    fh.seek(mark)
                    runs = [float(m.group(1)) for m in RUN_LINE.finditer(fh.read())]
                runs = sorted(runs)[-n:]
                rounds.append(Round(n, statistics.median(runs), _percentile(runs, 0.95),
                                    clients))  # fmt: skip
            peak = _peak_mb(pid)
            for session in sessions:
                session.close()
    return rounds, peak, first_ms


def _at_once(sessions: list[Any], states: list[Any]) -> tuple[float, list[BaseException]]:
    """Each session asks for a run with its widget state at the same moment; the seconds
    until the last was told its run finished, and the failures."""
    import threading

    ready = threading.Barrier(len(sessions) + 1)
    failures: list[BaseException] = []

    def act(session: Any, state: Any) -> None:
        ready.wait()
        try:
            session.run([state])
        except BaseException as error:  # reported by the caller
            failures.append(error)

    threads = [threading.Thread(target=act, args=pair)
               for pair in zip(sessions, states, strict=True)]  # fmt: skip
    for thread in threads:
        thread.start()
    ready.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, failures
