"""Import the unit's own follow-up spreadsheets: read, check, compare, write in one unit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dumas.db import Database
from dumas.importer.apply import Progress, apply_plan
from dumas.importer.model import ParseResult, RawTable, RowError
from dumas.importer.plan import Counts, Plan, make_plan
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

    @property
    def blocked(self) -> bool:
        """Invalid rows stopped the import (nothing was written)."""
        return bool(self.errors) and not self.applied and not self.dry_run


def _no_progress(stage: str, fraction: float) -> None:
    return None


def import_file(
    db: Database,
    actor: str,
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
    from dumas.importer.parse import parse
    from dumas.importer.reading import read_table
    from dumas.importer.values import lookups_from_db

    progress = progress or _no_progress
    progress("read", 0.0)
    table = read_table(data, file_name, sheet)
    progress("check", 0.0)
    cur = db.cursor()
    try:
        parsed = parse(table, lookups_from_db(cur), today)
    finally:
        cur.close()
    progress("check", 0.5)
    with db.transaction() as cur:
        plan, _ = make_plan(cur, parsed.records)
        errors = sorted([*parsed.errors, *plan.errors], key=lambda e: (e.row, e.column or ""))
        write = not dry_run and (skip_invalid or not errors)
        if write:
            apply_plan(cur, actor, plan, progress)
            audit(cur, actor, "import", "file", file_name, None, _summary(parsed, plan, errors))
    progress("done", 1.0)
    return _report(file_name, parsed, plan, errors, applied=write, dry_run=dry_run)


def _summary(parsed: ParseResult, plan: Plan, errors: list[RowError]) -> dict:
    return {
        "rows_read": parsed.rows_read,
        "rejected_rows": len({e.row for e in errors}),
        "new_agencies": sorted(plan.new_agencies.values()),
        **{kind: vars(c) for kind, c in plan.counts.items()},
    }


def _report(
    file_name: str,
    parsed: ParseResult,
    plan: Plan,
    errors: list[RowError],
    *,
    applied: bool,
    dry_run: bool,
) -> ImportReport:
    return ImportReport(
        file_name=file_name,
        rows_read=parsed.rows_read,
        duplicates=parsed.duplicates,
        unknown_columns=parsed.unknown_columns,
        counts=plan.counts,
        new_agencies=sorted(plan.new_agencies.values()),
        errors=errors,
        applied=applied,
        dry_run=dry_run,
        rejected_rows=sorted({e.row for e in errors}),
        table=parsed.table,
    )
