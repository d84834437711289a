"""The nightly backup: what `python -m dumas backup` does, inside the serving process."""

from __future__ import annotations

from dumas import config, i18n
from dumas.db import Database
from dumas.db import backup as backups
from dumas.jobs.model import JobRun, Outcome

LANG = i18n.DEFAULT_LANGUAGE  # job logs are kept in one language, as the server's log


def run(db: Database, run: JobRun) -> Outcome:
    """A consistent copy into the backup folder, then retention; each file named in the log."""
    folder = config.backup_dir()
    keep = config.backup_keep()  # a bad setting fails the run before anything is written
    taken = backups.take(db, folder, run.now)
    complaints = i18n.fmt_int(taken.counts["complaint"], LANG)
    line = i18n.t("cli.backup_taken", LANG, path=taken.path, schema=taken.schema,
                  sha256=taken.sha256, complaints=complaints)  # fmt: skip
    run.log(line)
    for key, params in taken.file_notes():
        run.log(i18n.t(key, LANG, **i18n.display_params(params, LANG)))
    for path in backups.prune(folder, *keep):
        run.log(i18n.t("cli.backup_pruned", LANG, path=path.name))
    return Outcome(message=i18n.t("jobs.backup.done", LANG, name=taken.path.name))
