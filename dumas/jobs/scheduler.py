"""The scheduler: one daemon thread of the serving process that looks every few seconds for
jobs that are due and starts each in a thread of its own (docs/decisions/0013).

A job is due when an Administrator asked for it, or when the moment its rule gives after
its last start has passed. The last start is read from job_run, so after a restart a job
whose slots passed while the app was down runs once; a job never run waits for its first
slot after the scheduler started. A job never runs twice at once; a failing job is caught,
recorded with its traceback's last lines, and does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import traceback
from collections.abc import Callable

from dumas import config
from dumas.db import Database
from dumas.domain.permissions import SYSTEM
from dumas.jobs import catalogue
from dumas.jobs.model import FAILED, SKIPPED, Job, JobRun, Outcome
from dumas.queries import jobs as job_queries
from dumas.services import jobs as job_services

LOG = logging.getLogger("dumas.jobs")
TRACEBACK_LINES = 12  # of a failed run's traceback, the last lines are kept in its log


class Scheduler:
    """Runs the jobs `build` makes from the database `open_db` returns."""

    def __init__(
        self,
        open_db: Callable[[], Database],
        build: Callable[[Database], list[Job]] = catalogue.build,
        *,
        clock: Callable[[], dt.datetime] = config.now,
        tick_seconds: float = 30,
    ) -> None:
        self._open_db, self._build, self._clock = open_db, build, clock
        self.tick_seconds = tick_seconds
        self.since = clock()  # a job never run waits for its first slot after this
        self._db: Database | None = None
        self._jobs: list[Job] | None = None
        self._lock = threading.Lock()
        self._running: dict[str, threading.Thread] = {}
        self._started: dict[str, dt.datetime] = {}  # in case a run could not be recorded
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start looking for due jobs, in a daemon thread."""
        self._thread = threading.Thread(target=self._loop, name="dumas-jobs", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop looking, and give the runs under way `timeout` seconds to end."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        with self._lock:
            under_way = list(self._running.values())
        for thread in under_way:
            thread.join(timeout)
            if thread.is_alive():  # a daemon thread: it ends with the process
                LOG.warning("the job thread %s still runs at shutdown", thread.name)

    def wake(self) -> None:
        """Look now rather than at the next tick (a run was asked for)."""
        self._wake.set()

    @property
    def running(self) -> frozenset[str]:
        """The jobs running now."""
        with self._lock:
            return frozenset(self._running)

    def _loop(self) -> None:
        """Look every tick_seconds (or when woken), the first time one tick after the start
        (a visitor arriving at once opens a new database and sees the demo being filled)."""
        trouble = None  # the last failure logged, so a lasting one is logged once
        while True:
            self._wake.wait(self.tick_seconds)
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                self.tick()
                trouble = None
            except Exception as error:  # e.g. the database cannot be opened: look again later
                if f"{type(error).__name__}: {error}" != trouble:
                    LOG.exception("the scheduler could not look for due jobs")
                trouble = f"{type(error).__name__}: {error}"

    def jobs(self) -> list[Job]:
        """The jobs, built once from the settings when the database was first opened."""
        database = self._database()
        if self._jobs is None:
            self._jobs = self._build(database)
        return self._jobs

    def _database(self) -> Database:
        if self._db is None:
            self._db = self._open_db()
        return self._db

    def tick(self) -> list[threading.Thread]:
        """Start every job that is due now; the threads started (tests join them)."""
        jobs, database = self.jobs(), self._database()
        now = self._clock()
        with database.reading() as cur:
            last, asked = job_queries.last_started(cur), job_queries.requested(cur)
        started = []
        for job in jobs:
            with self._lock:
                if not job.enabled or job.name in self._running:
                    continue
                known = [t for t in (last.get(job.name), self._started.get(job.name)) if t]
                previous = max(known, default=self.since)
                if job.name not in asked and now < job.rule.next_run(previous):
                    continue
                thread = threading.Thread(target=self._run, args=(database, job),
                                          name=f"dumas-job-{job.name}", daemon=True)  # fmt: skip
                self._running[job.name] = thread
            thread.start()
            started.append(thread)
        return started

    def _run(self, database: Database, job: Job) -> None:
        """Run one job and record how it ended; nothing it raises leaves this thread."""
        run = JobRun(job.name, self._clock())
        try:
            with self._lock:
                self._started[job.name] = run.now
            try:
                outcome = job.run(database, run) or Outcome()
            except Exception as error:
                LOG.exception("the job %s failed", job.name)
                outcome = Outcome(FAILED, f"{type(error).__name__}: {error}")
                run.lines.extend(_traceback_tail(error))
            self._record(database, run, outcome)
        finally:
            with self._lock:
                self._running.pop(job.name, None)

    def _record(self, database: Database, run: JobRun, outcome: Outcome) -> None:
        try:
            job_services.record_run(
                database, SYSTEM, job=run.job, started_at=run.now, finished_at=self._clock(),
                outcome=outcome.outcome, message=outcome.message, lines=run.lines,
            )  # fmt: skip
        except Exception:
            LOG.exception("the run of the job %s could not be recorded", run.job)
            return
        if outcome.outcome != SKIPPED:
            LOG.info("job %s: %s: %s", run.job, outcome.outcome, outcome.message)


def _traceback_tail(error: BaseException) -> list[str]:
    lines = "".join(traceback.format_exception(error)).splitlines()
    return lines[-TRACEBACK_LINES:]
