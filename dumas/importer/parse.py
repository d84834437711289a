"""RawTable -> ParseResult: every cell cleaned, every row checked, within the file only."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

from dumas.importer.cells import is_blank
from dumas.importer.dropped import dropped_columns
from dumas.importer.footers import total_rows
from dumas.importer.headers import display_header, map_columns
from dumas.importer.model import (
    CANONICAL,
    MissingColumns,
    ParseResult,
    RawTable,
    Record,
    RowError,
    Unmatched,
    paused_gc,
)
from dumas.importer.rules import FIELDS, Broken, Consistency, broken_rules
from dumas.importer.values import (
    CellError,
    Lookups,
    alias_key,
    parse_category,
    parse_channel,
    parse_date,
    parse_problem_code,
    parse_province,
    parse_status,
    parse_text,
    parse_text_column,
    shown,
)

# Records are built positionally from the cleaned row (three times faster than by name).
if tuple(f.name for f in dataclasses.fields(Record)) != ("row", *FIELDS):
    raise ImportError("Record's fields must be row, then CANONICAL's fields in order")
# A reader returns the clean value, None for a blank cell, or the CellError (returned,
# not raised, so that a column is cleaned once per distinct value and looked up after).
Reader = Callable[[object], object]


def parse(
    table: RawTable, lookups: Lookups, today: dt.date, aliases: Mapping[str, str] | None = None
) -> ParseResult:
    """Clean and check every row of the table; rows with errors produce no Record.

    `aliases`: the headings users taught the import (heading key -> field)."""
    columns, unknown, missing = map_columns(table.headers, aliases)
    if missing:
        raise MissingColumns(missing, dropped_columns(table, columns), list(columns.values()))
    headers = {name: CANONICAL[name] for name in FIELDS}
    headers.update({name: display_header(table.headers[i]) for i, name in columns.items()})
    totals = total_rows(table, columns)
    if totals:  # left out before checking; the report names them
        skipped = set(totals)
        table = dataclasses.replace(table, rows=[r for r in table.rows if r[0] not in skipped])
    result = ParseResult(table, columns, unknown, rows=[], errors=[], total_rows=totals)
    result.dropped = dropped_columns(table, columns)  # data rows only: totals are named apart
    with paused_gc():
        cols = _clean_columns(table, columns, lookups)
        _collect(result, cols, broken_rules(cols, today), headers)
    return result


def _collect(
    result: ParseResult, cols: dict[str, list[object]], broken: Broken, headers: dict[str, str]
) -> None:
    """Each row to a Record, an exact duplicate, or its errors, in sheet order."""
    consistency = Consistency(headers)
    shared = _shared_keys(cols)
    seen: set[tuple] = set()
    rows = zip(*(cols[name] for name in FIELDS), strict=True)
    for position, ((number, _), cleaned) in enumerate(zip(result.table.rows, rows, strict=True)):
        if cleaned.count(None) == len(FIELDS):
            continue  # nothing in the known columns (e.g. only a pre-filled row counter)
        result.rows_read += 1
        found = broken.get(position)
        if found is None and cleaned in seen:
            result.duplicates += 1
            continue
        if found is not None:
            errors = [RowError(number, headers[name], key, params) for name, key, params in found]
        elif shared[position]:
            errors = consistency.check(number, cleaned)
        else:  # its agenda, letter and response numbers appear on no other row
            errors = []
        if errors:
            result.errors.extend(errors)
            continue
        seen.add(cleaned)
        result.rows.append((number, *cleaned))


def _shared_keys(cols: dict[str, list[object]]) -> list[bool]:
    """Per row: does it share an agenda, letter or response number with another row?

    Only such rows can disagree with one another, so only they go through the
    (row-by-row) consistency check; counting each column once is done in C.
    """
    agendas, letters, replies = (
        {value for value, n in Counter(cols[name]).items() if n > 1 and value is not None}
        for name in ("agenda_no", "letter_no", "response_no")
    )
    return [
        a in agendas or b in letters or c in replies
        for a, b, c in zip(cols["agenda_no"], cols["letter_no"], cols["response_no"], strict=True)
    ]


def _clean_columns(
    table: RawTable, columns: dict[int, str], lookups: Lookups
) -> dict[str, list[object]]:
    """Field -> its cleaned cells for every row (all None for a field not in the file)."""
    cells = [row for _, row in table.rows]
    width = max(len(table.headers), *map(len, cells), 0)
    if any(len(row) < width for row in cells):  # CSV records may stop early
        cells = [
            row if len(row) == width else [*row, *[None] * (width - len(row))] for row in cells
        ]
    transposed = list(zip(*cells, strict=True)) if cells else [()] * width
    readers = _readers(lookups)
    cols = {name: [None] * len(cells) for name in FIELDS}
    for index, name in columns.items():
        read = readers.get(name)
        column = transposed[index]
        cols[name] = parse_text_column(column) if read is None else _coded(column, read)
    return cols


def _coded(column: Sequence[object], read: Reader) -> list[object]:
    """A column of repeating values cleaned: each distinct cell read once, then looked up."""
    distinct = set(column)
    if any(type(cell) is bool for cell in distinct):  # True == 1.0 would share an entry
        return [read(cell) for cell in column]
    results = {cell: read(cell) for cell in distinct}
    return list(map(results.__getitem__, column))


def _readers(lookups: Lookups) -> dict[str, Reader]:
    """The reader of each field that is not plain text."""
    dates = _returning_errors(parse_date)
    return {
        "received_on": dates,
        "letter_date": dates,
        "response_date": dates,
        "channel": _keeping_unmatched("channel", lambda cell: parse_channel(cell, lookups)),
        "response_status": _keeping_unmatched(
            "response_status", lambda cell: parse_status(cell, lookups)
        ),
        "province": _keeping_unmatched("province", lambda cell: parse_province(cell, lookups)),
        "problem_code": _keeping_unmatched(
            "problem_code", lambda cell: parse_problem_code(cell, lookups)
        ),
        "category": _keeping_unmatched("category", lambda cell: parse_category(cell, lookups)),
    }


def _keeping_unmatched(listed: str, parse_cell: Callable[[object], object]) -> Reader:
    """A reader of a coded column: a value no master list nor alias knows is imported as
    written (an Unmatched), not refused."""

    def unmatched(cell: object) -> object:
        try:
            return parse_cell(cell)
        except CellError:  # kept as typed text is: too long or hidden controls are refused
            return Unmatched(str(parse_text(shown(cell))), alias_key(listed, cell))

    return _returning_errors(unmatched)


def _returning_errors(parse_cell: Callable[[object], object]) -> Reader:
    """A reader that returns the CellError instead of raising it; blank cells give None."""

    def read(cell: object) -> object:
        if is_blank(cell):
            return None
        try:
            return parse_cell(cell)
        except CellError as error:
            return error

    return read
