"""import_file: read, check, compare and write a spreadsheet in one unit of work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dumas.db import Database, Rollback
from dumas.domain.errors import Message
from dumas.domain.permissions import Action, User, require
from dumas.importer import stage
from dumas.importer.model import (
    DroppedColumn,
    ImportFileError,
    MissingColumns,
    ParseResult,
    RawTable,
    RowError,
    SkippedSheet,
    paused_gc,
)
from dumas.importer.parse import parse
from dumas.importer.reading import read_sheets, read_table
from dumas.importer.stage import Counts, Progress
from dumas.importer.values import lookups_from_db
from dumas.queries.header_aliases import header_aliases
from dumas.services.common import audit

KINDS = ("complaint", "forwarding", "response")


@dataclass
class ImportReport:
    """What an import found and did (or, in a dry run, would do)."""

    file_name: str
    rows_read: int
    duplicates: int
    unknown_columns: list[str]
    counts: dict[str, Counts]
    new_agencies: list[str]
    errors: list[RowError]
    applied: bool
    dry_run: bool
    rejected_rows: list[int] = field(default_factory=list)
    table: RawTable | None = field(default=None, repr=False)  # for the rejects file
    notices: list[Message] = field(default_factory=list)  # how the file was read, not errors
    dropped: list[DroppedColumn] = field(default_factory=list)  # cells not stored, by column
    fields: list[str] = field(default_factory=list)  # the fields the file's columns mapped to
    total_rows: list[int] = field(default_factory=list)  # "Jumlah"/"Total" rows left out
    # An all-sheets import: each sheet apart (the fields above then sum them; errors and
    # rejected_rows are all sheets' together, their row numbers each of its own sheet;
    # dropped, fields and total_rows are each sheet's own, in its SheetReport).
    sheets: list[SheetReport] = field(default_factory=list)
    skipped_sheets: list[SkippedSheet] = field(default_factory=list)
    # per coded field, the values no master list knows, imported as written, with their rows
    unmatched: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        """Invalid rows stopped the import (nothing was written)."""
        return bool(self.errors) and not self.applied and not self.dry_run


@dataclass
class SheetReport:
    """One sheet of an all-sheets import: what it held and what became of its rows."""

    sheet: str
    rows_read: int
    duplicates: int
    unknown_columns: list[str]
    counts: dict[str, Counts]
    errors: list[RowError]
    total_rows: list[int]
    columns: dict[int, str]  # cell index -> field, for the rejects file
    table: RawTable = field(repr=False)
    notices: list[Message] = field(default_factory=list)
    dropped: list[DroppedColumn] = field(default_factory=list)  # cells not stored, by column

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})


def _no_progress(stage: str, fraction: float) -> None:
    return None


def import_file(
    db: Database,
    actor: User,
    data: bytes,
    file_name: str,
    *,
    today: dt.date,
    sheet: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    all_sheets: bool = False,
) -> ImportReport:
    """Import a spreadsheet; raises ImportFileError when the file itself cannot be used.

    `all_sheets`: every visible sheet holding a table (one per year or month), in one
    transaction, each reported apart; sheets without one are passed over and named.
    """
    require(actor, Action.IMPORT_DATA)
    with paused_gc():
        if all_sheets:
            mode = {"dry_run": dry_run, "skip_invalid": skip_invalid}
            return _import_sheets(db, actor, data, file_name, today, progress, **mode)
        return _import(db, actor, data, file_name, today, sheet, dry_run, skip_invalid, progress)


def _import(
    db: Database,
    actor: User,
    data: bytes,
    file_name: str,
    today: dt.date,
    sheet: str | None,
    dry_run: bool,
    skip_invalid: bool,
    progress: Progress | None,
) -> ImportReport:
    progress = progress or _no_progress
    progress("read", 0.0)
    with db.reading() as cur:
        aliases = header_aliases(cur)  # the child reading the file opens no database
    table = read_table(data, file_name, sheet, aliases)
    progress("check", 0.0)
    with db.reading() as cur:
        parsed = parse(table, lookups_from_db(cur), today, aliases)
    if parsed.rows_read == 0:
        raise ImportFileError("import.error.no_rows", {"sheet": table.sheet})
    progress("check", 0.5)
    outcome: dict = {}
    with db.transaction() as cur:
        _stage(cur, actor, parsed, progress, outcome)
        outcome["write"] = not dry_run and (skip_invalid or not outcome["errors"])
        if not outcome["write"]:
            raise Rollback  # a preview, or invalid rows: the same work, undone
        audit(cur, actor.username, "import", "file", file_name, None, _summary(parsed, outcome))
    progress("done", 1.0)
    return _report(file_name, parsed, outcome, dry_run=dry_run)


def _stage(cur, actor: User, parsed: ParseResult, progress: Progress, outcome: dict) -> None:
    """Every database step of the import, recording what it found in outcome."""
    stage.stage_records(cur, parsed.rows)
    outcome["new_agencies"] = stage.resolve_agencies(cur)
    taken = stage.refuse_taken_numbers(cur)
    outcome["errors"] = sorted(
        [*parsed.errors, *taken], key=lambda e: (e.row, e.column or "", e.key)
    )
    outcome["unmatched"] = stage.unmatched_values(cur)
    stage.create_agencies(cur)
    outcome["counts"] = stage.upsert(cur, actor.username, progress)


def _summary(parsed: ParseResult, outcome: dict) -> dict:
    return {
        "rows_read": parsed.rows_read,
        "rejected_rows": len({e.row for e in outcome["errors"]}),
        "new_agencies": outcome["new_agencies"],
        "unmatched": {name: len(found) for name, found in outcome["unmatched"].items()},
        **{kind: vars(c) for kind, c in outcome["counts"].items()},
    }


def _report(file_name: str, parsed: ParseResult, outcome: dict, *, dry_run: bool) -> ImportReport:
    errors = outcome["errors"]
    return ImportReport(
        file_name=file_name,
        rows_read=parsed.rows_read,
        duplicates=parsed.duplicates,
        unknown_columns=parsed.unknown_columns,
        counts=outcome["counts"],
        new_agencies=outcome["new_agencies"],
        errors=errors,
        applied=outcome["write"],
        dry_run=dry_run,
        rejected_rows=sorted({e.row for e in errors}),
        table=parsed.table,
        notices=parsed.table.notices,
        dropped=parsed.dropped,
        fields=list(parsed.columns.values()),
        total_rows=parsed.total_rows,
        unmatched=outcome["unmatched"],
    )


def _import_sheets(
    db: Database,
    actor: User,
    data: bytes,
    file_name: str,
    today: dt.date,
    progress: Progress | None,
    *,
    dry_run: bool,
    skip_invalid: bool,
) -> ImportReport:
    """Every data sheet, staged and written one after the other in one transaction: a row
    a later sheet repeats is unchanged, as in a second import of the same file."""
    progress = progress or _no_progress
    progress("read", 0.0)
    with db.reading() as cur:
        aliases = header_aliases(cur)  # the child reading the file opens no database
        lookups = lookups_from_db(cur)
    tables, skipped = read_sheets(data, file_name, aliases)
    progress("check", 0.0)
    sheets = []
    for table in tables:
        try:
            parsed = parse(table, lookups, today, aliases)
        except MissingColumns as error:  # perhaps there, under a heading not taught yet
            reason = Message(error.key, error.params)
            dropped, fields = tuple(error.dropped), tuple(error.fields)
            skipped.append(SkippedSheet(table.sheet, reason, dropped, fields))
            continue
        except ImportFileError as error:  # a heading row, but not the import's columns
            skipped.append(SkippedSheet(table.sheet, Message(error.key, error.params)))
            continue
        if parsed.rows_read == 0:
            empty = Message("import.error.no_rows", {"sheet": table.sheet})
            skipped.append(SkippedSheet(table.sheet, empty))
            continue
        sheets.append(parsed)
    if not sheets:
        names = ", ".join(s.sheet for s in skipped)
        raise ImportFileError("import.error.no_data_sheets", {"sheets": names})
    progress("check", 0.5)
    outcomes: list[dict] = []
    write = False
    with db.transaction() as cur:
        for index, parsed in enumerate(sheets):
            outcomes.append({})
            _stage(cur, actor, parsed, _part(progress, index, len(sheets)), outcomes[-1])
        write = not dry_run and (skip_invalid or not any(o["errors"] for o in outcomes))
        if not write:
            raise Rollback  # a preview, or invalid rows: the same work, undone
        summary = {p.table.sheet: _summary(p, o) for p, o in zip(sheets, outcomes, strict=True)}
        audit(cur, actor.username, "import", "file", file_name, None, _sheets_summary(summary))
    progress("done", 1.0)
    return _sheets_report(file_name, sheets, outcomes, skipped, applied=write, dry_run=dry_run)


def _part(progress: Progress, index: int, count: int) -> Progress:
    """The progress of one sheet's writing as its share of all sheets'."""
    return lambda stage, fraction: progress(stage, (index + fraction) / count)


def _sheets_summary(by_sheet: dict[str, dict]) -> dict:
    """The audit row of an all-sheets import: the sums, and each sheet's own summary."""
    total: dict = {"rows_read": 0, "rejected_rows": 0, "new_agencies": []}
    for summary in by_sheet.values():
        total["rows_read"] += summary["rows_read"]
        total["rejected_rows"] += summary["rejected_rows"]
        total["new_agencies"] += summary["new_agencies"]
        for kind in KINDS:
            sums = total.setdefault(kind, dict.fromkeys(summary[kind], 0))
            for name, n in summary[kind].items():
                sums[name] += n
    return {**total, "sheets": by_sheet}


def _sheets_report(
    file_name: str,
    sheets: list[ParseResult],
    outcomes: list[dict],
    skipped: list[SkippedSheet],
    *,
    applied: bool,
    dry_run: bool,
) -> ImportReport:
    parts = [
        SheetReport(
            sheet=p.table.sheet,
            rows_read=p.rows_read,
            duplicates=p.duplicates,
            unknown_columns=p.unknown_columns,
            counts=o["counts"],
            errors=o["errors"],
            total_rows=p.total_rows,
            columns=p.columns,
            table=p.table,
            notices=p.table.notices,
            dropped=p.dropped,
        )
        for p, o in zip(sheets, outcomes, strict=True)
    ]
    counts = {
        kind: Counts(*(sum(vars(p.counts[kind])[n] for p in parts) for n in vars(Counts())))
        for kind in KINDS
    }
    return ImportReport(
        file_name=file_name,
        rows_read=sum(p.rows_read for p in parts),
        duplicates=sum(p.duplicates for p in parts),
        unknown_columns=list(dict.fromkeys(c for p in parts for c in p.unknown_columns)),
        counts=counts,
        new_agencies=[name for o in outcomes for name in o["new_agencies"]],
        errors=[e for p in parts for e in p.errors],
        applied=applied,
        dry_run=dry_run,
        rejected_rows=[row for p in parts for row in p.rejected_rows],
        sheets=parts,
        skipped_sheets=skipped,
        unmatched=_unmatched_of_all(outcomes),
    )


def _unmatched_of_all(outcomes: list[dict]) -> dict[str, list[tuple[str, int]]]:
    """The unknown values of every sheet, per field, each value's rows added up."""
    found: dict[str, dict[str, int]] = {}
    for outcome in outcomes:
        for name, values in outcome["unmatched"].items():
            for value, rows in values:
                found.setdefault(name, {})
                found[name][value] = found[name].get(value, 0) + rows
    return {name: list(values.items()) for name, values in found.items()}
