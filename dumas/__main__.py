"""Command line: python -m dumas init | demo | summary | import | report | backup | restore |
bench [--db PATH]."""

from __future__ import annotations

import argparse
import json
import sys

from dumas import config, i18n
from dumas.db import Database, DatabaseBusy, connect
from dumas.db.faults import DatabaseFault


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dumas", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database file (default: DUMAS_DB or data/dumas.duckdb)")
    common.add_argument("--lang", choices=i18n.LANGUAGES, default=i18n.DEFAULT_LANGUAGE)
    sub.add_parser("init", parents=[common], help="create and migrate the database")
    demo = sub.add_parser("demo", parents=[common], help="fill an empty database with demo data")
    demo.add_argument("--complaints", type=int, default=25_000)
    demo.add_argument("--seed", type=int, default=20121228)
    summary = sub.add_parser("summary", parents=[common], help="counts of the database")
    summary.add_argument("--json", action="store_true", help="print one JSON object")
    imp = sub.add_parser("import", parents=[common], help="import a follow-up spreadsheet")
    imp.add_argument("file", help=".xlsx or .csv")
    imp.add_argument("--sheet", help="sheet name (default: the first)")
    imp.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    imp.add_argument("--skip-invalid", action="store_true", help="import the valid rows")
    imp.add_argument("--rejects", help="write the rejected rows to this .xlsx")
    report = sub.add_parser("report", parents=[common], help="write a periodic report")
    report.add_argument("--period", required=True, help="2026-05 | 2026-S1 | 2026 | A..B")
    report.add_argument("--xlsx", help="the workbook to write")
    report.add_argument("--docx", help="the document (narrative, tables, charts) to write")
    report.add_argument("--final", action="store_true", help="finalise (freeze) it first")
    backup = sub.add_parser("backup", parents=[common], help="a consistent copy of the database")
    backup.add_argument("--to", help="folder (default: DUMAS_BACKUP_DIR or data/backups)")
    restore = sub.add_parser("restore", parents=[common], help="restore a backup into a new file")
    restore.add_argument("backup", help="the backup's .duckdb file")
    bench = sub.add_parser("bench", parents=[common], help="benchmark at national scale")
    bench.add_argument("--complaints", type=int, default=1_000_000)
    bench.add_argument("--repeat", type=int, default=7)
    return parser


_opened: list[Database] = []  # closed when the command ends (main), also when run in-process


def _open(args: argparse.Namespace, *, read_only: bool = False) -> Database:
    """The database of --db; read-only for the commands that only read (they then work on
    a snapshot, a backup or a read-only file, and never change it)."""
    db = connect(config.db_path(args.db), read_only=read_only)
    _opened.append(db)
    return db


def cmd_init(args: argparse.Namespace) -> int:
    db = _open(args)
    print(i18n.t("cli.initialised", args.lang, path=db.path))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from dumas.db import demo

    if not 1 <= args.complaints <= 1_000_000:
        print(i18n.t("cli.demo_size", args.lang), file=sys.stderr)
        return 2
    db = _open(args)
    try:
        counts = demo.generate(db, args.complaints, seed=args.seed, today=config.today())
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(json.dumps(counts))
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    from dumas.queries.followup import summary

    db = _open(args, read_only=True)
    cur = db.cursor()
    result = {"as_of": config.today().isoformat(), **summary(cur, config.today())}
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:32} {value}")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dumas.db import backup

    folder = config.backup_dir(args.to)
    try:
        keep = config.backup_keep()  # a bad setting is refused before anything is written
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    taken = backup.take(_open(args), folder, config.now())
    gone = backup.prune(folder, *keep)
    complaints = i18n.fmt_int(taken.counts["complaint"], args.lang)
    print(i18n.t("cli.backup_taken", args.lang, path=taken.path, schema=taken.schema,
                 sha256=taken.sha256, complaints=complaints))  # fmt: skip
    for path in gone:
        print(i18n.t("cli.backup_pruned", args.lang, path=Path(path).name))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dumas.db import backup

    if not args.db:
        print(i18n.t("cli.restore_needs_db", args.lang), file=sys.stderr)
        return 2
    try:
        found, counts = backup.restore(Path(args.backup), Path(args.db))
    except backup.BackupError as error:
        print(i18n.t(error.key, args.lang, **error.params), file=sys.stderr)
        return 2
    print(i18n.t("cli.restored", args.lang, path=args.db, backup=found.path.name,
                 schema=found.schema))  # fmt: skip
    for table, count in counts.items():
        print(f"{table:32} {count}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from dumas import bench

    return bench.main(args.complaints, repeat=args.repeat)


def cmd_import(args: argparse.Namespace) -> int:
    from dumas.importer.cli import run

    return run(args, _open)


def _report_data(db, period, args: argparse.Namespace) -> dict:
    """The frozen report when final (finalising it now with --final), else a draft with
    the narrative saved so far."""
    from dumas.domain.permissions import SYSTEM
    from dumas.periodic import output
    from dumas.services import periodic as final

    cur = db.cursor()
    if args.final and final.frozen(cur, period) is None:
        saved = final.draft(cur, period)  # what this run froze: the draft as it is now
        final.finalise(db, SYSTEM, period, narrative=saved["narrative"] if saved else {},
                       revision=saved["revision"] if saved else 0, now=config.now())  # fmt: skip
    return output.report_data(cur, period, args.lang, config.now())


def cmd_report(args: argparse.Namespace) -> int:
    """Write the period's report workbook and/or document and print each path."""
    from pathlib import Path

    from dumas.domain import periods
    from dumas.periodic import output

    try:
        period = periods.parse(args.period)
    except ValueError:
        print(i18n.t("cli.bad_period", args.lang, period=args.period), file=sys.stderr)
        return 2
    if not (args.xlsx or args.docx):
        print(i18n.t("cli.report_target", args.lang), file=sys.stderr)
        return 2
    db = _open(args, read_only=not args.final)  # finalising writes; a draft only reads
    from dumas.domain.errors import DomainError

    try:
        data = _report_data(db, period, args)
    except DomainError as refused:  # e.g. --final before the Kabid checked the draft
        for message in refused.messages:
            params = i18n.display_params(message.params, args.lang)
            print(i18n.t(message.key, args.lang, **params), file=sys.stderr)
        return 1
    output.write(db.cursor(), data, args.lang, xlsx=Path(args.xlsx) if args.xlsx else None,
                 docx=Path(args.docx) if args.docx else None)  # fmt: skip
    for name in (args.xlsx, args.docx):
        if name:
            print(name)  # as typed, for scheduled runs
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = {
        "init": cmd_init,
        "demo": cmd_demo,
        "summary": cmd_summary,
        "bench": cmd_bench,
        "import": cmd_import,
        "report": cmd_report,
        "backup": cmd_backup,
        "restore": cmd_restore,
    }
    try:
        return command[args.command](args)
    except DatabaseBusy as busy:
        print(i18n.t("cli.busy", args.lang, path=busy), file=sys.stderr)
        return 3
    except DatabaseFault as fault:  # one line saying what is wrong and what to do
        print(i18n.t(fault.key, args.lang, **fault.params), file=sys.stderr)
        return 4
    finally:
        while _opened:
            _opened.pop().close()


if __name__ == "__main__":
    sys.exit(main())
