"""Read side of the scheduled jobs: each job's last start and pending request (what the
scheduler needs) and its latest runs (the page "Tugas Terjadwal")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from dumas.config import TIMEZONE


@dataclass(frozen=True)
class Run:
    """One recorded run, its times in Asia/Jakarta."""

    id: int
    job: str
    started_at: dt.datetime
    finished_at: dt.datetime
    outcome: str
    message: str
    lines: list[str]

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


def last_started(cur: duckdb.DuckDBPyConnection) -> dict[str, dt.datetime]:
    """When each job last started (a job never run is absent)."""
    rows = cur.execute("SELECT job, max(started_at) FROM job_run GROUP BY job").fetchall()
    return {job: started.astimezone(TIMEZONE) for job, started in rows}


def requested(cur: duckdb.DuckDBPyConnection) -> dict[str, dt.datetime]:
    """The jobs an Administrator asked to run now, with when they asked."""
    rows = cur.execute("SELECT job, requested_at FROM job_request").fetchall()
    return {job: at.astimezone(TIMEZONE) for job, at in rows}


def latest_runs(cur: duckdb.DuckDBPyConnection, per_job: int = 10) -> dict[str, list[Run]]:
    """Each job's latest runs, the newest first."""
    rows = cur.execute(
        """
        SELECT id, job, started_at, finished_at, outcome, message, log
          FROM job_run
        QUALIFY row_number() OVER (PARTITION BY job ORDER BY started_at DESC, id DESC) <= $n
         ORDER BY job, started_at DESC, id DESC
        """,
        {"n": per_job},
    ).fetchall()
    runs: dict[str, list[Run]] = {}
    for id_, job, started, finished, outcome, message, log in rows:
        started, finished = started.astimezone(TIMEZONE), finished.astimezone(TIMEZONE)
        lines = log.splitlines() if log else []
        runs.setdefault(job, []).append(
            Run(id_, job, started, finished, outcome, message or "", lines)
        )
    return runs
