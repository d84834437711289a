"""import_file: read, check, compare and write a spreadsheet in one unit of work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dumas.db import Database, Rollback
from dumas.domain.errors import Message
from dumas.domain.permissions import Action, User, require
from dumas.importer import stage
from dumas.importer.model import ImportFileError, ParseResult, RawTable, RowError, paused_gc
from dumas.importer.parse import parse
from dumas.importer.reading import read_table
from dumas.importer.stage import Counts, Progress
from dumas.importer.values import lookups_from_db
from dumas.services.common import audit


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
    # per coded field, the values no master list knows, imported as written, with their rows
    unmatched: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        """Invalid rows stopped the import (nothing was written)."""
        return bool(self.errors) and not self.applied and not self.dry_run


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
) -> ImportReport:
    """Import a spreadsheet; raises ImportFileError when the file itself cannot be used."""
    require(actor, Action.IMPORT_DATA)
    with paused_gc():
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
    table = read_table(data, file_name, sheet)
    progress("check", 0.0)
    with db.reading() as cur:
        parsed = parse(table, lookups_from_db(cur), today)
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
        unmatched=outcome["unmatched"],
    )
