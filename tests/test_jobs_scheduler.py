"""The scheduler of the serving process on a real database, its clock set by the test: what
runs when, a missed run after a restart, failures, overlap, "Jalankan sekarang" and the
record of every run."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable

import pytest

from dumas.config import TIMEZONE
from dumas.db import Database
from dumas.domain.errors import ValidationError
from dumas.domain.permissions import SYSTEM, Forbidden
from dumas.jobs import catalogue, schedule
from dumas.jobs.model import SKIPPED, Job, JobRun, Outcome
from dumas.jobs.scheduler import Scheduler
from dumas.queries import jobs as queries
from dumas.services import jobs as services
from tests.conftest import ADMIN, ANALYST

NIGHTLY = schedule.Daily(dt.time(2, 0))


class Clock:
    """The scheduler's clock, moved by the test."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


def at(y: int, m: int, d: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hour, minute, tzinfo=TIMEZONE)


def counting(calls: list[str], name: str) -> Callable[[Database, JobRun], Outcome]:
    def run(db: Database, run: JobRun) -> Outcome:
        calls.append(name)
        run.log(f"{name} ran at {run.now:%H:%M}")
        return Outcome(message=f"{name} done")

    return run


def scheduler(db: Database, jobs: list[Job], clock: Clock) -> Scheduler:
    return Scheduler(lambda: db, lambda _db: jobs, clock=clock)


def tick(s: Scheduler) -> list[str]:
    """One look; the jobs it started, after they ended."""
    started = s.tick()
    for thread in started:
        thread.join(10)
    return sorted(thread.name.removeprefix("dumas-job-") for thread in started)


def runs(db: Database, job: str) -> list[queries.Run]:
    return queries.latest_runs(db.cursor(), 50).get(job, [])


def record(db: Database, job: str, started: dt.datetime, outcome: str = "ok") -> None:
    services.record_run(db, SYSTEM, job=job, started_at=started, finished_at=started,
                        outcome=outcome, message="", lines=[])  # fmt: skip


def test_a_job_never_run_waits_for_its_first_slot_after_the_scheduler_started(db):
    calls: list[str] = []
    clock = Clock(at(2026, 11, 27, 10))
    s = scheduler(db, [Job("backup", NIGHTLY, counting(calls, "backup"))], clock)
    assert tick(s) == []  # started at 10.00: the slot of 02.00 today was before it
    clock.now = at(2026, 11, 28, 1, 59)
    assert tick(s) == []
    clock.now = at(2026, 11, 28, 2, 0)
    assert tick(s) == ["backup"]
    assert calls == ["backup"]
    [run] = runs(db, "backup")
    assert (run.outcome, run.message, run.lines) == ("ok", "backup done", ["backup ran at 02:00"])
    assert run.started_at == at(2026, 11, 28, 2)


def test_a_job_whose_slots_passed_while_the_app_was_down_runs_once_after_the_restart(db):
    record(db, "backup", at(2026, 11, 24, 2))  # the last night the app ran
    calls: list[str] = []
    clock = Clock(at(2026, 11, 27, 10))  # three nightly slots missed
    s = scheduler(db, [Job("backup", NIGHTLY, counting(calls, "backup"))], clock)
    assert tick(s) == ["backup"]
    assert tick(s) == []  # not once per missed slot
    clock.now = at(2026, 11, 27, 23)
    assert tick(s) == []
    clock.now = at(2026, 11, 28, 2)  # the next slot after the catch-up run
    assert tick(s) == ["backup"]
    assert calls == ["backup", "backup"]
    assert len(runs(db, "backup")) == 3


def test_a_failing_job_is_recorded_with_its_traceback_and_the_next_job_still_runs(db):
    def broken(db: Database, run: JobRun) -> Outcome:
        run.log("before the fault")
        raise OSError(28, "No space left on device")

    calls: list[str] = []
    clock = Clock(at(2026, 11, 27, 1))
    jobs = [
        Job("backup", NIGHTLY, broken),
        Job("draft_reports", NIGHTLY, counting(calls, "draft_reports")),
    ]
    s = scheduler(db, jobs, clock)
    clock.now = at(2026, 11, 27, 2)
    assert tick(s) == ["backup", "draft_reports"]
    [failed] = runs(db, "backup")
    assert failed.outcome == "failed"
    assert failed.message == "OSError: [Errno 28] No space left on device"
    assert failed.lines[0] == "before the fault"
    assert any("in broken" in line for line in failed.lines)  # where it failed
    assert failed.lines[-1] == "OSError: [Errno 28] No space left on device"
    assert calls == ["draft_reports"]
    assert runs(db, "draft_reports")[0].outcome == "ok"
    audited = (
        db.cursor()
        .execute(
            "SELECT actor, entity_id, json_extract_string(new_value, '$.outcome') FROM audit_log"
            " WHERE action = 'job.run' ORDER BY id"
        )
        .fetchall()
    )
    assert sorted(audited) == [("sistem", "backup", "failed"), ("sistem", "draft_reports", "ok")]


def test_a_job_never_runs_twice_at_once(db):
    release, entered = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow(db: Database, run: JobRun) -> Outcome:
        calls.append("import_drop")
        entered.set()
        release.wait(10)
        return Outcome()

    clock = Clock(at(2026, 11, 27, 10))
    s = scheduler(db, [Job("import_drop", schedule.Every(60), slow)], clock)
    clock.now = at(2026, 11, 27, 10, 1)
    [first] = s.tick()
    assert entered.wait(10)
    clock.now = at(2026, 11, 27, 10, 5)  # due again while the first run goes on
    assert s.tick() == []
    assert s.running == {"import_drop"}
    release.set()
    first.join(10)
    assert s.running == frozenset()
    assert calls == ["import_drop"]


def test_a_run_asked_for_starts_at_the_next_look_and_the_request_is_answered(db):
    calls: list[str] = []
    clock = Clock(at(2026, 11, 27, 10))
    s = scheduler(db, [Job("backup", NIGHTLY, counting(calls, "backup"))], clock)
    assert tick(s) == []
    services.request_run(db, ADMIN, "backup", now=at(2026, 11, 27, 10, 5))
    clock.now = at(2026, 11, 27, 10, 6)
    assert tick(s) == ["backup"]
    assert queries.requested(db.cursor()) == {}
    assert tick(s) == []  # once: the next run is the nightly one
    audited = (
        db.cursor()
        .execute(
            "SELECT actor, action, entity, entity_id FROM audit_log WHERE action LIKE 'job.%'"
            " ORDER BY id"
        )
        .fetchall()
    )
    assert audited == [("admin.uji", "job.request", "job", "backup"),
                       ("sistem", "job.run", "job", "backup")]  # fmt: skip


def test_a_run_asked_for_while_the_job_runs_is_kept_for_a_run_after_it(db):
    record(db, "backup", at(2026, 11, 27, 2))
    services.request_run(db, ADMIN, "backup", now=at(2026, 11, 27, 10, 30))
    # A run that started before the request answers none of it.
    record(db, "backup", at(2026, 11, 27, 10, 29))
    assert set(queries.requested(db.cursor())) == {"backup"}
    record(db, "backup", at(2026, 11, 27, 10, 31))
    assert queries.requested(db.cursor()) == {}


def test_only_an_administrator_may_ask_for_a_run_and_only_of_a_job_that_is_on(db, monkeypatch):
    with pytest.raises(Forbidden):
        services.request_run(db, ANALYST, "backup", now=at(2026, 11, 27, 10))
    with pytest.raises(ValidationError):
        services.request_run(db, ADMIN, "e-mail digest", now=at(2026, 11, 27, 10))
    monkeypatch.setenv("DUMAS_BACKUP_AT", "off")
    with pytest.raises(ValidationError) as refused:
        services.request_run(db, ADMIN, "backup", now=at(2026, 11, 27, 10))
    assert refused.value.messages[0].key == "jobs.error.disabled"
    assert queries.requested(db.cursor()) == {}
    with pytest.raises(Forbidden):  # nor may anyone but the system record a run
        moment = at(2026, 11, 27, 10)
        services.record_run(db, ANALYST, job="backup", started_at=moment, finished_at=moment,
                            outcome="ok", message="", lines=[])  # fmt: skip


def test_a_job_switched_off_is_never_started(db):
    calls: list[str] = []
    clock = Clock(at(2026, 11, 27, 1))
    s = scheduler(db, [Job("backup", NIGHTLY, counting(calls, "backup"), enabled=False)], clock)
    clock.now = at(2026, 11, 29, 3)
    assert tick(s) == []
    assert calls == []


def test_runs_with_nothing_to_do_keep_only_the_latest_and_are_not_audited(db):
    clock = Clock(at(2026, 11, 27, 10))
    idle = Job("import_drop", schedule.Every(60), lambda db, run: Outcome(SKIPPED, "kosong"))
    s = scheduler(db, [idle], clock)
    for minute in (1, 2, 3):
        clock.now = at(2026, 11, 27, 10, minute)
        assert tick(s) == ["import_drop"]
    [kept] = runs(db, "import_drop")
    assert (kept.outcome, kept.started_at) == ("skipped", at(2026, 11, 27, 10, 3))
    assert db.cursor().execute(
        "SELECT count(*) FROM audit_log WHERE action = 'job.run'"
    ).fetchone() == (0,)


def test_a_long_log_is_kept_to_its_first_lines():
    lines = [f"baris {n}" for n in range(services.MAX_LOG_LINES + 5)]
    kept = services._kept(lines)
    assert len(kept) == services.MAX_LOG_LINES + 1
    assert kept[-1] == "… (+5)"


def test_the_scheduler_thread_starts_a_due_job_by_itself_and_stops_cleanly(db):
    ran = threading.Event()

    def job(db: Database, run: JobRun) -> Outcome:
        ran.set()
        return Outcome()

    clock = Clock(at(2026, 11, 27, 10))
    s = Scheduler(lambda: db, lambda _db: [Job("backup", NIGHTLY, job)], clock=clock,
                  tick_seconds=0.05)  # fmt: skip
    s.start()
    try:
        clock.now = at(2026, 11, 28, 2)
        assert ran.wait(10)
    finally:
        s.stop()
    assert not s._thread or not s._thread.is_alive()
    deadline = time.monotonic() + 10
    while not runs(db, "backup") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert runs(db, "backup")[0].outcome == "ok"


def test_a_database_that_cannot_be_opened_is_logged_once_while_it_lasts(caplog):
    attempts: list[int] = []

    def unavailable() -> Database:
        attempts.append(1)
        raise OSError(13, "Permission denied")

    s = Scheduler(unavailable, clock=Clock(at(2026, 11, 27, 10)), tick_seconds=0.01)
    with caplog.at_level("ERROR", logger="dumas.jobs"):
        s.start()
        deadline = time.monotonic() + 10
        while len(attempts) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        s.stop()
    assert len(attempts) >= 5  # it keeps looking
    assert [r.getMessage() for r in caplog.records] == ["the scheduler could not look for due jobs"]


def test_a_job_list_that_cannot_be_built_is_looked_for_again_at_the_next_tick(db, monkeypatch):
    monkeypatch.setenv("DUMAS_IMPORT_POLL_SECONDS", "sekali")
    s = Scheduler(lambda: db, clock=Clock(at(2026, 11, 27, 10)))
    with pytest.raises(ValueError, match="DUMAS_IMPORT_POLL_SECONDS"):
        s.tick()
    monkeypatch.setenv("DUMAS_IMPORT_POLL_SECONDS", "60")
    assert [job.name for job in s.jobs()] == list(catalogue.NAMES)
