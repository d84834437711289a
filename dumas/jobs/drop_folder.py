"""The import drop folder: each spreadsheet dropped in is imported once, through the same
importer as `python -m dumas import`, then moved to `done/` or `failed/` with its report.

A file is left alone while it may still be being copied: until a look finds it as the
previous look did (same size and modification time) and unchanged for a few seconds. The
moved file carries the time of its import in its name, so a file of the same name dropped
later is imported too. Beside it: `<name>.txt` with the lines the command line prints, and
`<name>-ditolak.xlsx` with the refused rows and their reasons, if any.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from pathlib import Path

from dumas import config, i18n
from dumas.db import Database
from dumas.domain.permissions import SYSTEM
from dumas.importer import ImportReport, import_file
from dumas.importer.files import rejects_xlsx
from dumas.importer.import_report import terminal_lines
from dumas.importer.model import ImportFileError
from dumas.jobs.model import FAILED, OK, SKIPPED, JobRun, Outcome

LOG = logging.getLogger("dumas.jobs")
LANG = i18n.DEFAULT_LANGUAGE  # reports beside the files, as the command line prints them
SUFFIXES = (".xlsx", ".csv")
DONE, FAILED_FOLDER = "done", "failed"
REJECTS = "ditolak"  # as `python -m dumas import --skip-invalid` names its rejects file


class DropFolder:
    """The job's run function, keeping between runs what the folder held at the last look."""

    def __init__(self, folder: Path, settle_seconds: int) -> None:
        self.folder = folder
        self.settle_seconds = settle_seconds
        self._seen: dict[str, tuple[int, int]] = {}  # name -> (size, mtime) at the last look

    def __call__(self, db: Database, run: JobRun) -> Outcome:
        self.folder.mkdir(parents=True, exist_ok=True)
        ready, waiting = self._look()
        for path in waiting:
            run.log(i18n.t("jobs.drop.waits", LANG, file=path.name))
        if not ready:
            key = "jobs.drop.waiting" if waiting else "jobs.drop.empty"
            return Outcome(SKIPPED, i18n.t(key, LANG, n=len(waiting), folder=self.folder))
        failed = sum(not self._import(db, path, run) for path in ready)
        message = i18n.t("jobs.drop.done", LANG, imported=len(ready) - failed, failed=failed)
        return Outcome(FAILED if failed else OK, message)

    def _look(self) -> tuple[list[Path], list[Path]]:
        """The spreadsheets ready to import, and those that may still be being written."""
        seen: dict[str, tuple[int, int]] = {}
        ready, waiting = [], []
        for path in sorted(self.folder.iterdir()):
            if path.name.startswith((".", "~$")) or path.suffix.lower() not in SUFFIXES:
                continue  # hidden files, Excel's lock files, anything else
            try:
                found = path.stat()
            except FileNotFoundError:
                continue  # moved away between the listing and now
            if not path.is_file():
                continue
            seen[path.name] = (found.st_size, found.st_mtime_ns)
            settled = time.time() - found.st_mtime >= self.settle_seconds  # files: real time
            if settled and self._seen.get(path.name) == seen[path.name]:
                ready.append(path)
            else:
                waiting.append(path)
        self._seen = seen
        return ready, waiting

    def _import(self, db: Database, path: Path, run: JobRun) -> bool:
        """Import one file, move it aside with its report; whether it was imported."""
        report: ImportReport | None = None
        try:
            report = import_file(db, SYSTEM, path.read_bytes(), path.name, today=config.today(),
                                 skip_invalid=config.import_skip_invalid())  # fmt: skip
            lines = terminal_lines(report, LANG)
            imported = not (report.errors and not report.applied)
        except ImportFileError as error:  # the file itself cannot be used: said in one line
            lines = [i18n.t(error.key, LANG, **i18n.display_params(error.params, LANG))]
            imported = False
        except Exception as error:  # the importer stopped: the file is not tried again
            LOG.exception("importing %s from the drop folder failed", path.name)
            lines = [i18n.t("jobs.drop.crashed", LANG, error=f"{type(error).__name__}: {error}"),
                     *traceback.format_exc(limit=-3).splitlines()]  # fmt: skip
            imported = False
        target = _move(path, self.folder / (DONE if imported else FAILED_FOLDER), run.now)
        self._seen.pop(path.name, None)
        target.with_name(f"{target.stem}.txt").write_text("\n".join(lines) + "\n", "utf-8")
        if report is not None and report.table is not None and report.errors:
            when = i18n.fmt_datetime(run.now.astimezone(config.TIMEZONE), LANG)
            rejects = rejects_xlsx(report.table, report.errors, LANG,
                                   i18n.t("export.generated", LANG, when=when))  # fmt: skip
            target.with_name(f"{target.stem}-{REJECTS}.xlsx").write_bytes(rejects)
        key = "jobs.drop.imported" if imported else "jobs.drop.refused"
        run.log(i18n.t(key, LANG, file=path.name, moved=target.relative_to(self.folder)))
        run.lines.extend(f"  {line}" for line in lines)
        return imported


def _move(path: Path, folder: Path, now: dt.datetime) -> Path:
    """Move the file into `folder` as `<stem>-YYYYMMDD-HHMMSS<suffix>` (never over another)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(config.TIMEZONE).strftime("%Y%m%d-%H%M%S")
    target, n = folder / f"{path.stem}-{stamp}{path.suffix}", 1
    while target.exists() or target.with_name(f"{target.stem}.txt").exists():
        n += 1
        target = folder / f"{path.stem}-{stamp}-{n}{path.suffix}"
    path.rename(target)
    return target
