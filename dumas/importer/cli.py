"""`python -m dumas import FILE`: the importer on the terminal."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from dumas import config, i18n
from dumas.db import Database
from dumas.domain.permissions import SYSTEM
from dumas.importer import ImportReport, import_file
from dumas.importer.files import rejects_xlsx
from dumas.importer.import_report import terminal_lines


class _ProgressLine:
    """The progress, redrawn in place on stderr (a carriage return before each update) and
    ended with a newline before any other output, so no message runs on from "…0%"."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.open = False

    def __call__(self, stage: str, fraction: float) -> None:
        label = i18n.t(f"import.stage.{stage}", self.lang)
        print(f"\r{label} {fraction:4.0%}", end="", file=sys.stderr, flush=True)
        self.open = True
        if stage == "done":
            self.end()

    def end(self) -> None:
        if self.open:
            print(file=sys.stderr, flush=True)
            self.open = False


def run(args: argparse.Namespace, open_db: Callable[[argparse.Namespace], Database]) -> int:
    """Exit 0 when imported (or a clean dry run), 2 for invalid rows or an unusable file."""
    from dumas.importer.model import ImportFileError

    lang, path = args.lang, Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(
            i18n.t("import.error.cannot_open", lang, file=path, reason=exc.strerror),
            file=sys.stderr,
        )
        return 2
    db = open_db(args)
    progress = _ProgressLine(lang)
    try:
        report = import_file(
            db, SYSTEM, data, path.name, today=config.today(), sheet=args.sheet,
            dry_run=args.dry_run, skip_invalid=args.skip_invalid, progress=progress,
        )  # fmt: skip
    except ImportFileError as exc:
        progress.end()
        print(i18n.t(exc.key, lang, **i18n.display_params(exc.params, lang)), file=sys.stderr)
        return 2
    finally:
        progress.end()  # also before a traceback or the busy-database message
    _print(report, lang)
    _write_rejects(report, args, path, lang)
    return 2 if report.errors and not report.applied else 0


def _print(report: ImportReport, lang: str) -> None:
    for line in terminal_lines(report, lang):
        print(line)


def _write_rejects(report: ImportReport, args: argparse.Namespace, path: Path, lang: str) -> None:
    """With --rejects, or --skip-invalid, the rejected rows go to an .xlsx to fix."""
    if not report.errors or not (args.rejects or args.skip_invalid):
        return
    target = Path(args.rejects) if args.rejects else path.with_name(f"{path.stem}-ditolak.xlsx")
    when = i18n.fmt_datetime(dt.datetime.now(config.TIMEZONE), lang)
    generated = i18n.t("export.generated", lang, when=when)
    target.write_bytes(rejects_xlsx(report.table, report.errors, lang, generated))
    print(i18n.t("import.rejects_written", lang, path=target))
