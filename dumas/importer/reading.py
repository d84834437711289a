"""Read an uploaded .xlsx or .csv into a RawTable: find the header row, keep row numbers."""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

import python_calamine
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from dumas.importer.cells import is_blank
from dumas.importer.headers import count_known, display_header
from dumas.importer.model import ImportFileError, RawTable, paused_gc

SUPPORTED = (".xlsx", ".csv")
HEADER_SCAN_ROWS = 30  # the header row is looked for among the first rows only
MIN_HEADER_MATCHES = 2
_SEPARATORS = (",", ";")


def read_table(data: bytes, filename: str, sheet: str | None = None) -> RawTable:
    """The table in an .xlsx (first visible sheet unless `sheet`) or .csv file."""
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED:
        params = {"filename": filename, "types": ", ".join(SUPPORTED)}
        raise ImportFileError("import.error.unsupported_file", params)
    with paused_gc():
        if suffix == ".xlsx":
            name, rows = _xlsx_rows(data, filename, sheet)
        else:
            name, rows = Path(filename).name, _csv_rows(data, filename)
        return _table(name, rows)


def _xlsx_rows(data: bytes, filename: str, sheet: str | None) -> tuple[str, list[list[object]]]:
    """The cells of one worksheet, indexed from sheet row 1."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # any failure of the reader means the file is not a workbook
        raise ImportFileError("import.error.unreadable", {"filename": filename}) from exc
    try:
        if sheet is not None and sheet not in book.sheet_names:
            raise ImportFileError(
                "import.error.no_sheet", {"sheet": sheet, "sheets": ", ".join(book.sheet_names)}
            )
        name = sheet if sheet is not None else _first_sheet(book)
        if name is None:
            raise ImportFileError("import.error.empty_sheet", {"sheet": filename})
        try:
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except python_calamine.CalamineError as exc:
            raise ImportFileError("import.error.unreadable", {"filename": filename}) from exc
    finally:
        book.close()
    return name, rows


def sheet_names(data: bytes, filename: str) -> list[str]:
    """The worksheets of an .xlsx, first visible first ([] for a CSV or an unreadable file)."""
    if not filename.lower().endswith(".xlsx"):
        return []
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # the import itself will say why the file cannot be read
        return []
    try:
        first = _first_sheet(book)
        return sorted(book.sheet_names, key=lambda name: name != first)
    finally:
        book.close()


def _first_sheet(book: CalamineWorkbook) -> str | None:
    """The first visible worksheet (what Excel opens on), else the first sheet."""
    for meta in book.sheets_metadata:
        if meta.typ == SheetTypeEnum.WorkSheet and meta.visible == SheetVisibleEnum.Visible:
            return meta.name
    return book.sheet_names[0] if book.sheet_names else None


def _csv_rows(data: bytes, filename: str) -> list[list[object]]:
    """The records of a CSV file, separated by the comma or semicolon its header uses."""
    text = _decode(data, filename)
    try:
        separator = max(_SEPARATORS, key=lambda sep: _header_score(text, sep))
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as exc:
        raise ImportFileError("import.error.unreadable", {"filename": filename}) from exc


def _decode(data: bytes, filename: str) -> str:
    """UTF-8 (with or without BOM) if it decodes strictly, else Windows-1252."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise ImportFileError("import.error.unreadable", {"filename": filename}) from exc
    if "\x00" in text:  # a binary file, or UTF-16, renamed to .csv
        raise ImportFileError("import.error.unreadable", {"filename": filename})
    return text


def _header_score(text: str, separator: str) -> tuple[int, int]:
    """(known headers in the best candidate row, its cell count) when split by `separator`."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    head = list(itertools.islice(reader, HEADER_SCAN_ROWS))
    return max(((count_known(row), len(row)) for row in head), default=(0, 0))


def _table(sheet: str, rows: list[list[object]]) -> RawTable:
    """Header row found by its known headings; blank rows dropped, row numbers kept."""
    if all(_blank_row(row) for row in rows):
        raise ImportFileError("import.error.empty_sheet", {"sheet": sheet})
    index = _header_index(rows)
    body = [
        (number, row)
        for number, row in enumerate(rows[index + 1 :], start=index + 2)
        if not _blank_row(row)
    ]
    headers = [display_header(cell) for cell in rows[index]]
    return RawTable(sheet=sheet, header_row=index + 1, headers=headers, rows=body)


def _header_index(rows: list[list[object]]) -> int:
    """Index of the first row naming the most known headings (at least two)."""
    best, best_count = -1, MIN_HEADER_MATCHES - 1
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        count = count_known(row)
        if count > best_count:
            best, best_count = index, count
    if best < 0:
        raise ImportFileError("import.error.no_header", {"rows": HEADER_SCAN_ROWS})
    return best


def _blank_row(row: list[object]) -> bool:
    """Whether every cell of the row is blank."""
    return all(is_blank(cell) for cell in row)
