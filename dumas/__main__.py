"""Command line: python -m dumas init | demo | summary | import | report | backup | restore |
digest | bench [--db PATH]. While the running app holds the database, import, report,
summary, backup and digest hand their work to it with an Administrator's token
(dumas/cli/handover.py)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable

from dumas import config, i18n
from dumas.cli import handover
from dumas.cli.console import Console
from dumas.db import Database, DatabaseBusy
from dumas.db.faults import DatabaseFault


def build_parser(
    kind: type[argparse.ArgumentParser] = argparse.ArgumentParser,
) -> argparse.ArgumentParser:
    """The commands and their options; `kind` lets the app parse a handed-over command
    without printing or exiting (dumas/cli/remote.py)."""
    parser = kind(prog="python -m dumas", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database file (default: DUMAS_DB or data/dumas.duckdb)")
    common.add_argument("--lang", choices=i18n.LANGUAGES, default=i18n.DEFAULT_LANGUAGE)
    handing = argparse.ArgumentParser(add_help=False, parents=[common])
    handing.add_argument(
        "--token-file",
        help="the app's token, when it holds the database (default: DUMAS_OPS_TOKEN, "
        "or the file DUMAS_OPS_TOKEN_FILE)",
    )
    sub.add_parser("init", parents=[common], help="create and migrate the database")
    demo = sub.add_parser("demo", parents=[common], help="fill an empty database with demo data")
    demo.add_argument("--complaints", type=int, default=25_000)
    demo.add_argument("--seed", type=int, default=20121228)
    summary = sub.add_parser("summary", parents=[handing], help="counts of the database")
    summary.add_argument("--json", action="store_true", help="print one JSON object")
    imp = sub.add_parser("import", parents=[handing], help="import a follow-up spreadsheet")
    imp.add_argument("file", help=".xlsx or .csv")
    which = imp.add_mutually_exclusive_group()
    which.add_argument("--sheet", help="sheet name (default: the first)")
    which.add_argument(
        "--all-sheets", action="store_true", help="every sheet with a table (one per year...)"
    )
    imp.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    imp.add_argument("--skip-invalid", action="store_true", help="import the valid rows")
    imp.add_argument("--rejects", help="write the rejected rows to this .xlsx")
    report = sub.add_parser("report", parents=[handing], help="write a periodic report")
    report.add_argument("--period", required=True, help="2026-05 | 2026-S1 | 2026 | A..B")
    report.add_argument("--xlsx", help="the workbook to write")
    report.add_argument("--docx", help="the document (narrative, tables, charts) to write")
    report.add_argument("--final", action="store_true", help="finalise (freeze) it first")
    backup = sub.add_parser("backup", parents=[handing], help="a consistent copy of the database")
    backup.add_argument("--to", help="folder (default: DUMAS_BACKUP_DIR or data/backups)")
    sub.add_parser("digest", parents=[handing], help="e-mail today's digests of Menunggu Saya")
    restore = sub.add_parser("restore", parents=[common], help="restore a backup into a new file")
    restore.add_argument("backup", help="the backup's .duckdb file")
    bench = sub.add_parser("bench", parents=[common], help="benchmark at national scale")
    bench.add_argument("--complaints", type=int, default=1_000_000)
    bench.add_argument("--repeat", type=int, default=7)
    bench.add_argument("--sessions", default="1,5,20", help="sessions changing filters at once")
    bench.add_argument(
        "--served", default="", help="sessions against server.py at once, e.g. 1,5,10,20"
    )
    bench.add_argument(
        "--only",
        choices=("reminders",),
        help="one part: the reminder letters in bulk (on --db as it is, else a demo database)",
    )
    return parser


def cmd_init(args: argparse.Namespace, console: Console) -> int:
    db = console.open(args)
    console.print(i18n.t("cli.initialised", args.lang, path=db.path))
    return 0


def cmd_demo(args: argparse.Namespace, console: Console) -> int:
    from dumas.db import demo

    if not 1 <= args.complaints <= 1_000_000:
        console.error(i18n.t("cli.demo_size", args.lang))
        return 2
    db = console.open(args)
    try:
        counts = demo.generate(db, args.complaints, seed=args.seed, today=config.today())
    except ValueError as exc:
        console.error(str(exc))
        return 2
    console.print(json.dumps(counts))
    return 0


def cmd_summary(args: argparse.Namespace, console: Console) -> int:
    from dumas.queries.followup import summary

    db = console.open(args, read_only=True)
    with db.reading() as cur:
        result = {"as_of": config.today().isoformat(), **summary(cur, config.today())}
    if args.json:
        console.print(json.dumps(result))
    else:
        for key, value in result.items():
            console.print(f"{key:32} {value}")
    return 0


def cmd_backup(args: argparse.Namespace, console: Console) -> int:
    from pathlib import Path

    from dumas.db import backup

    folder = config.backup_dir(args.to)  # handed over: always given, as the user sees it
    try:
        keep = config.backup_keep()  # a bad setting is refused before anything is written
    except ValueError as exc:
        console.error(str(exc))
        return 2
    taken = backup.take(console.open(args), console.local(folder), config.now())
    gone = backup.prune(console.local(folder), *keep)
    complaints = i18n.fmt_int(taken.counts["complaint"], args.lang)
    console.print(i18n.t("cli.backup_taken", args.lang, path=folder / taken.path.name,
                         schema=taken.schema, sha256=taken.sha256,
                         complaints=complaints))  # fmt: skip
    for key, params in taken.file_notes():
        console.print(i18n.t(key, args.lang, **i18n.display_params(params, args.lang)))
    for path in gone:
        console.print(i18n.t("cli.backup_pruned", args.lang, path=Path(path).name))
    return 0


def cmd_digest(args: argparse.Namespace, console: Console) -> int:
    """Send today's digests now, as the scheduled job does (a user still gets one a day)."""
    from dumas.domain.errors import DomainError
    from dumas.domain.permissions import SYSTEM
    from dumas.jobs import digest
    from dumas.services import notices

    db = console.open(args)
    try:
        outcomes = notices.send_digests(db, SYSTEM, now=config.now())
    except DomainError as refused:  # SMTP not configured, or a setting that cannot be used
        for message in refused.messages:
            params = i18n.display_params(message.params, args.lang)
            console.error(i18n.t(message.key, args.lang, **params))
        return 2
    for line in digest.lines(outcomes, args.lang):
        console.print(line)
    counts = digest.tally(outcomes)
    console.print(i18n.t("jobs.digest.done", args.lang, **counts))
    return 1 if counts["failed"] else 0


def cmd_restore(args: argparse.Namespace, console: Console) -> int:
    from pathlib import Path

    from dumas.db import backup

    if not args.db:
        console.error(i18n.t("cli.restore_needs_db", args.lang))
        return 2
    try:
        found, counts = backup.restore(Path(args.backup), Path(args.db))
    except backup.BackupError as error:
        console.error(i18n.t(error.key, args.lang, **error.params))
        return 2
    console.print(i18n.t("cli.restored", args.lang, path=args.db, backup=found.path.name,
                         schema=found.schema))  # fmt: skip
    for table, count in counts.items():
        console.print(f"{table:32} {count}")
    return 0


def cmd_bench(args: argparse.Namespace, console: Console) -> int:
    from dumas import bench

    if args.only == "reminders":
        return bench.main_reminders(args.db, args.complaints, repeat=args.repeat)
    sessions, served = _counts(args.sessions), _counts(args.served)
    for option, text, counts in (("--sessions", args.sessions, sessions),
                                 ("--served", args.served, served)):  # fmt: skip
        if counts is None or (option == "--sessions" and not counts):
            console.error(i18n.t("cli.bench_sessions", args.lang, option=option, value=text))
            return 2
    return bench.main(args.complaints, repeat=args.repeat, sessions=sessions or (),
                      served=served or ())  # fmt: skip


def _counts(text: str) -> tuple[int, ...] | None:
    """1,5,20 -> (1, 5, 20); () when empty; None when not positive whole numbers."""
    try:
        counts = tuple(int(n) for n in text.split(",") if n.strip())
    except ValueError:
        return None
    return None if counts and min(counts) < 1 else counts


def cmd_import(args: argparse.Namespace, console: Console) -> int:
    from dumas.importer.cli import run

    return run(args, console)


def _report_data(db: Database, period, args: argparse.Namespace) -> dict:
    """The frozen report when final (finalising it now with --final), else a draft with
    the narrative saved so far."""
    with db.reading() as cur:  # closed at the end (the app's process lives on)
        return _report_read(db, cur, period, args)


def _report_read(db: Database, cur, period, args: argparse.Namespace) -> dict:
    from dumas.domain.permissions import SYSTEM
    from dumas.periodic import output
    from dumas.services import periodic as final

    if args.final and final.frozen(cur, period) is None:
        saved = final.draft(cur, period)  # what this run froze: the draft as it is now
        final.finalise(db, SYSTEM, period, narrative=saved["narrative"] if saved else {},
                       revision=saved["revision"] if saved else 0, now=config.now())  # fmt: skip
    return output.report_data(cur, period, args.lang, config.now())


def cmd_report(args: argparse.Namespace, console: Console) -> int:
    """Write the period's report workbook and/or document and print each path."""
    from dumas.domain import periods
    from dumas.periodic import output

    try:
        period = periods.parse(args.period)
    except ValueError:
        console.error(i18n.t("cli.bad_period", args.lang, period=args.period))
        return 2
    if not (args.xlsx or args.docx):
        console.error(i18n.t("cli.report_target", args.lang))
        return 2
    db = console.open(args, read_only=not args.final)  # finalising writes; a draft only reads
    from dumas.domain.errors import DomainError

    try:
        data = _report_data(db, period, args)
    except DomainError as refused:  # e.g. --final before the Kabid checked the draft
        for message in refused.messages:
            params = i18n.display_params(message.params, args.lang)
            console.error(i18n.t(message.key, args.lang, **params))
        return 1
    if args.xlsx:
        console.write(args.xlsx, output.xlsx_bytes(data, args.lang))
        console.print(args.xlsx)
    if args.docx:
        with db.reading() as cur:
            document = output.docx_bytes(cur, data, args.lang)
        console.write(args.docx, document)
        console.print(args.docx)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace, Console], int]] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "summary": cmd_summary,
    "bench": cmd_bench,
    "import": cmd_import,
    "report": cmd_report,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "digest": cmd_digest,
}


def run(args: argparse.Namespace, console: Console) -> int:
    """One parsed command on a console: in the terminal, or handed over to the app; a
    database that cannot be used ends it with one line (status 4)."""
    try:
        return COMMANDS[args.command](args, console)
    except DatabaseFault as fault:  # one line saying what is wrong and what to do
        console.error(i18n.t(fault.key, args.lang, **fault.params))
        return 4
    finally:
        console.close()


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return run(args, Console(sys.stdout, sys.stderr))
    except DatabaseBusy as busy:  # the running app holds the file: hand the work over
        return handover.hand_over(args, str(busy), Console(sys.stdout, sys.stderr))


if __name__ == "__main__":
    sys.exit(main())
