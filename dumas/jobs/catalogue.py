"""The jobs the serving process runs, each switched on or off by its setting (dumas/config.py)."""

from __future__ import annotations

import datetime as dt

from dumas import config
from dumas.db import Database
from dumas.jobs import schedule
from dumas.jobs.model import Job, JobRun, Outcome

BACKUP, IMPORT_DROP, DRAFT_REPORTS = "backup", "import_drop", "draft_reports"
DIGEST = "digest"
NAMES = (BACKUP, IMPORT_DROP, DRAFT_REPORTS, DIGEST)  # in the page's order
# The time shown for a job switched off (its setting says `off`), as the default would be.
_DEFAULT_BACKUP_AT, _DEFAULT_REPORT_AT = dt.time(2, 0), dt.time(6, 0)
_DEFAULT_DIGEST_AT = dt.time(7, 0)


def enabled() -> dict[str, bool]:
    """Which jobs their settings switch on."""
    return {
        BACKUP: config.backup_at() is not None,
        IMPORT_DROP: config.import_drop() is not None,
        DRAFT_REPORTS: config.report_at() is not None,
        # No mail server, no digest (its other settings are read when it runs: one that
        # cannot be used fails the digest's run, not the scheduler's other jobs).
        DIGEST: config.digest_at() is not None and config.smtp_host() is not None,
    }


def build(db: Database) -> list[Job]:
    """The jobs, from the settings as they are now (the drop folder keeps what it saw)."""
    from dumas.jobs import backup, digest, draft_reports, drop_folder

    switched = enabled()
    drop = config.import_drop()
    return [
        Job(BACKUP, schedule.Daily(config.backup_at() or _DEFAULT_BACKUP_AT), backup.run,
            enabled=switched[BACKUP]),
        Job(IMPORT_DROP, schedule.Every(config.import_poll_seconds()),
            drop_folder.DropFolder(drop, config.import_settle_seconds()) if drop else _off,
            enabled=switched[IMPORT_DROP]),
        Job(DRAFT_REPORTS,
            schedule.FirstWorkingDay(config.report_at() or _DEFAULT_REPORT_AT,
                                     schedule.working_days(db)),
            draft_reports.run, enabled=switched[DRAFT_REPORTS]),
        Job(DIGEST,
            schedule.WorkingDays(config.digest_at() or _DEFAULT_DIGEST_AT,
                                 schedule.working_days(db)),
            digest.run, enabled=switched[DIGEST]),
    ]  # fmt: skip


def _off(db: Database, run: JobRun) -> Outcome:
    """A job switched off is never started (Scheduler.tick); nothing to do if it were."""
    raise RuntimeError(f"the job {run.job} is switched off")
