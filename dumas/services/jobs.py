"""Scheduled jobs' writes: a run recorded when it ends, and an Administrator's request to
run a job now ("Jalankan sekarang")."""

from __future__ import annotations

import datetime as dt

from dumas.db import Database, next_id
from dumas.domain.errors import Message, ValidationError
from dumas.domain.permissions import Action, User, require
from dumas.jobs import catalogue
from dumas.jobs.model import OUTCOMES, SKIPPED
from dumas.services.common import audit

MAX_LOG_LINES = 400  # a run's log kept: the first lines, then how many were left out
MAX_LINE = 1000


def record_run(
    db: Database,
    actor: User,
    *,
    job: str,
    started_at: dt.datetime,
    finished_at: dt.datetime,
    outcome: str,
    message: str,
    lines: list[str],
) -> int:
    """One run of a job, and the requests it answered gone; a run that did something is
    audited, a skipped one (nothing to do) replaces the job's previous skipped one."""
    require(actor, Action.RUN_JOBS)
    if outcome not in OUTCOMES:
        raise ValueError(outcome)
    kept = _kept(lines)
    with db.transaction() as cur:
        if outcome == SKIPPED:
            cur.execute(
                "DELETE FROM job_run WHERE job = $job AND outcome = 'skipped'", {"job": job}
            )
        run_id = next_id(cur, "job_run")
        cur.execute(
            """
            INSERT INTO job_run (id, job, started_at, finished_at, outcome, message, log)
            VALUES ($id, $job, $started, $finished, $outcome, $message, $log)
            """,
            {"id": run_id, "job": job, "started": started_at, "finished": finished_at,
             "outcome": outcome, "message": message[:MAX_LINE], "log": "\n".join(kept)},
        )  # fmt: skip
        cur.execute(
            "DELETE FROM job_request WHERE job = $job AND requested_at <= $started",
            {"job": job, "started": started_at},
        )
        if outcome != SKIPPED:
            facts = {"run": run_id, "outcome": outcome, "message": message[:MAX_LINE]}
            audit(cur, actor.username, "job.run", "job", job, None, facts, data_changed=False)
    return run_id


def _kept(lines: list[str]) -> list[str]:
    """A run's log lines as stored: the first MAX_LOG_LINES, each cut at MAX_LINE, then
    how many were left out."""
    kept = [line[:MAX_LINE] for line in lines[:MAX_LOG_LINES]]
    if len(lines) > MAX_LOG_LINES:
        kept.append(f"… (+{len(lines) - MAX_LOG_LINES})")
    return kept


def request_run(db: Database, actor: User, job: str, *, now: dt.datetime) -> None:
    """Ask the scheduler to run a job at its next look (within seconds); audited."""
    require(actor, Action.RUN_JOBS)
    if job not in catalogue.NAMES:
        raise ValidationError(Message("jobs.error.unknown", {"job": job}))
    if not catalogue.enabled()[job]:
        raise ValidationError(Message("jobs.error.disabled", {"job": job}))
    with db.transaction() as cur:
        cur.execute(
            """
            INSERT INTO job_request (job, requested_at, requested_by)
            VALUES ($job, $now, $actor)
            ON CONFLICT (job) DO UPDATE
               SET requested_at = excluded.requested_at,
                   requested_by = excluded.requested_by
            """,
            {"job": job, "now": now, "actor": actor.username},
        )
        audit(cur, actor.username, "job.request", "job", job, None, {"requested_at": now},
              data_changed=False)  # fmt: skip
