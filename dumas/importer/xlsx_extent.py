"""Sheets read by their used cells, never by a declared or stray extent (reader child).

calamine builds a dense grid from the first to the last cell holding a value: one space
typed at XFD1048576 asks for 512 GiB and aborts the process. So a sheet whose declared
<dimension> is large is never handed over as it is: its used range is found cell by cell
(dumas.importer.xlsx_trim), and calamine gets a copy holding only that range, or the file
is refused when the used range itself is beyond the limits. A sheet that declares a small
extent (or none) is read as it is, the fast path of nearly every file; if its declaration
was false and the child runs out of memory, the parent reads it again on the exact path.
"""

from __future__ import annotations

import re
import zipfile

from dumas.importer import xlsx_trim
from dumas.importer.model import ImportFileError
from dumas.importer.xlsx_package import MAX_PART_BYTES, Sheet, read_part, rebuilt
from dumas.importer.xlsx_trim import MAX_CELL_CHARS, column_name

MAX_ROWS = 500_000  # used rows of one sheet (Excel allows 1,048,576)
MAX_COLUMNS = 512  # used columns (Excel allows 16,384); the import layout has 17
MAX_CELLS = 4_000_000  # used rows x used columns: about 235,000 rows of 17 columns
HEAD_BYTES = 1 << 16  # the dimension comes before the cells, after a few settings
_DIMENSION = re.compile(
    rb"""<(?:[\w.-]+:)?dimension\s+ref=["'](?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})["']"""
)


def readable(
    data: bytes, package: zipfile.ZipFile, sheet: Sheet, strings: str | None, exact: bool
) -> bytes:
    """The workbook to hand to calamine for this sheet: as it is, or trimmed; or refused.

    `strings` is the shared strings part, if any; `exact` takes the exact path whatever
    the sheet declares. Only the exact path looks at cell lengths: on the fast path a long
    cell reaches the import's own check (a row refused for its too long text).
    """
    if sheet.part is None:
        return data  # calamine will say what is wrong with it
    if not exact and not _declared_large(package, sheet.part):
        return data
    table = read_part(package, strings, MAX_PART_BYTES) if strings else b""
    kinds = xlsx_trim.shared_string_kinds(table) if table else bytearray()
    xml = read_part(package, sheet.part, MAX_PART_BYTES)
    used = xlsx_trim.used_range(xml, kinds)
    _refuse_beyond_limits(used, sheet.name)
    return rebuilt(package, {sheet.part: xlsx_trim.trimmed_sheet(xml, used.rows, used.columns)})


def _declared_large(package: zipfile.ZipFile, part: str) -> bool:
    """Whether the sheet's <dimension> (near its start) spans more than MAX_CELLS."""
    with package.open(part) as stream:
        head = stream.read(HEAD_BYTES)
    dimension = _DIMENSION.search(head)
    if dimension is None:
        return False
    return int(dimension[2]) * xlsx_trim.column_number(dimension[1]) > MAX_CELLS


def _refuse_beyond_limits(used: xlsx_trim.Used, sheet: str) -> None:
    """A used range beyond the limits, or a cell longer than Excel allows, is refused."""
    if used.long_cell:
        raise ImportFileError(
            "import.error.cell_too_long",
            {"sheet": sheet, "cell": used.long_cell, "max": MAX_CELL_CHARS},
        )
    if used.rows > MAX_ROWS or used.columns > MAX_COLUMNS or used.rows * used.columns > MAX_CELLS:
        far = used.column_cell if used.columns > MAX_COLUMNS else used.row_cell
        raise ImportFileError(
            "import.error.sheet_too_large",
            {
                "sheet": sheet,
                "rows": used.rows,
                "column": column_name(used.columns),
                "cell": far,
                "max_rows": MAX_ROWS,
                "max_columns": MAX_COLUMNS,
                "max_cells": MAX_CELLS,
            },
        )
