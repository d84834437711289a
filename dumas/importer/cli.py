"""`python -m dumas import FILE`: the importer on the terminal."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from dumas import config, i18n
from dumas.cli.console import Console
from dumas.domain.permissions import SYSTEM
from dumas.importer import ImportReport, import_file
from dumas.importer.files import rejects_xlsx, sheets_rejects_xlsx
from dumas.importer.import_report import dropped_lines, terminal_lines


class _ProgressLine:
    """The progress, redrawn in place on stderr (a carriage return before each update) and
    ended with a newline before any other output, so no message runs on from "…0%"."""

    def __init__(self, lang: str, console: Console) -> None:
        self.lang = lang
        self.console = console
        self.open = False

    def __call__(self, stage: str, fraction: float) -> None:
        label = i18n.t(f"import.stage.{stage}", self.lang)
        self.console.error(f"\r{label} {fraction:4.0%}", end="", flush=True)
        self.open = True
        if stage == "done":
            self.end()

    def end(self) -> None:
        if self.open:
            self.console.error(flush=True)
            self.open = False


def run(args: argparse.Namespace, console: Console) -> int:
    """Exit 0 when imported (or a clean dry run), 2 for invalid rows or an unusable file."""
    from dumas.importer.model import ImportFileError, MissingColumns

    lang, path = args.lang, Path(args.file)
    try:
        data = console.read(args.file)
    except OSError as exc:
        console.error(i18n.t("import.error.cannot_open", lang, file=path, reason=exc.strerror))
        return 2
    db = console.open(args)
    progress = _ProgressLine(lang, console)
    try:
        report = import_file(
            db, SYSTEM, data, path.name, today=config.today(), sheet=args.sheet,
            dry_run=args.dry_run, skip_invalid=args.skip_invalid, progress=progress,
            all_sheets=args.all_sheets,
        )  # fmt: skip
    except ImportFileError as exc:
        progress.end()
        console.error(i18n.t(exc.key, lang, **i18n.display_params(exc.params, lang)))
        if isinstance(exc, MissingColumns):  # perhaps there, under a heading not known yet
            for line in dropped_lines(exc.dropped, lang):
                console.error(f"  {line}")
        return 2
    finally:
        progress.end()  # also before a traceback or the busy-database message
    _print(report, lang, console)
    _write_rejects(report, args, path, console)
    return 2 if report.errors and not report.applied else 0


def _print(report: ImportReport, lang: str, console: Console) -> None:
    for line in terminal_lines(report, lang):
        console.print(line)


def _write_rejects(
    report: ImportReport, args: argparse.Namespace, path: Path, console: Console
) -> None:
    """With --rejects, or --skip-invalid, the rejected rows go to an .xlsx to fix."""
    lang = args.lang
    if not report.errors or not (args.rejects or args.skip_invalid):
        return
    target = Path(args.rejects) if args.rejects else path.with_name(f"{path.stem}-ditolak.xlsx")
    when = i18n.fmt_datetime(dt.datetime.now(config.TIMEZONE), lang)
    generated = i18n.t("export.generated", lang, when=when)
    if report.sheets:
        rejects = sheets_rejects_xlsx(report.sheets, lang, generated)
    else:
        rejects = rejects_xlsx(report.table, report.errors, lang, generated)
    console.write(target, rejects)
    console.print(i18n.t("import.rejects_written", lang, path=target))
