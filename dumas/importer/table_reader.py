"""A file's table as the reader child sends it: header row found, blank rows left out.

Runs in the reader child only (dumas.importer.reader_child); the app calls
dumas.importer.reading, which runs this in a child process with a memory and time limit.
The table is produced as a stream of frames, so that the parent can take in the first
rows while the child still reads the rest:
("table", sheet, header row, headers), ("rows", [(sheet row number, cells), ...]) ...,
("end", notices) or ("error", message id, params).
"""

from __future__ import annotations

import io
import itertools
import os.path
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from dumas.importer import xlsx_extent, xlsx_package
from dumas.importer.cells import is_blank
from dumas.importer.csv_text import CsvText
from dumas.importer.headers import combined_headings, count_known, display_header
from dumas.importer.model import ImportFileError

SUPPORTED = (".xlsx", ".csv")
HEADER_SCAN_ROWS = 30  # the header row is looked for among the first rows only
MIN_HEADER_MATCHES = 2
CHUNK_ROWS = 2_000  # rows per frame
MAX_ROWS = xlsx_extent.MAX_ROWS
MAX_COLUMNS = xlsx_extent.MAX_COLUMNS
MAX_CELLS = xlsx_extent.MAX_CELLS
_SEPARATORS = (",", ";")


@dataclass
class Source:
    """A sheet's rows from sheet row 1, and what to tell the user once they are read."""

    sheet: str
    rows: Iterable[list[object]]
    notices: Callable[[], list[tuple[str, dict[str, object]]]] = field(default=lambda: [])


def frames(
    data: bytes,
    filename: str,
    sheet: str | None,
    exact: bool = False,
    aliases: Mapping[str, str] | None = None,
) -> Iterator[tuple]:
    """The table of an .xlsx (first visible sheet unless `sheet`) or .csv, as frames.

    `exact`: find an .xlsx sheet's used range cell by cell whatever it declares.
    `aliases`: headings users taught the import (heading key -> field), to find the header.
    """
    source = _source(data, filename, sheet, exact, aliases)
    yield from _table_frames(source, filename, "end", aliases)


def all_frames(
    data: bytes, filename: str, exact: bool = False, aliases: Mapping[str, str] | None = None
) -> Iterator[tuple]:
    """Every visible worksheet of an .xlsx in turn, each as frames() gives one but ended by
    ("sheet_end", notices); a sheet without a header row (a cover, notes), an empty or a
    hidden one is ("skipped", sheet, message id, params); then ("end", []). A CSV is one
    table, ended by "end". `aliases`: as frames() takes them, for every sheet."""
    if _suffix(filename) != ".xlsx":
        yield from frames(data, filename, None, exact, aliases)
        return
    try:
        listed = xlsx_package.sheets(xlsx_package.open_package(data, filename))
    except ImportFileError:
        raise
    except Exception as exc:  # damaged: as _xlsx_source says it
        if _out_of_memory(exc):
            raise MemoryError from exc
        raise ImportFileError("import.error.unreadable", {"filename": filename}) from exc
    for sheet in listed:
        if not sheet.worksheet:
            continue  # a chart sheet holds no table
        if not sheet.visible:
            yield ("skipped", sheet.name, "import.sheet.hidden", {})
            continue
        try:
            source = _xlsx_source(data, filename, sheet.name, exact)
            yield from _table_frames(source, filename, "sheet_end", aliases)
        except ImportFileError as error:
            if error.key not in ("import.error.no_header", "import.error.empty_sheet"):
                raise
            yield ("skipped", sheet.name, error.key, {**error.params, "sheet": sheet.name})
    yield ("end", [])


def _table_frames(
    source: Source, filename: str, last: str, aliases: Mapping[str, str] | None = None
) -> Iterator[tuple]:
    """A sheet's header and its rows as frames, the header taking one row or two."""
    rows = iter(source.rows)
    head = list(itertools.islice(rows, HEADER_SCAN_ROWS))
    index, depth = _header_index(head, rows, source.sheet, aliases)
    if depth == 2:
        headers = combined_headings(head[index], head[index + 1], aliases)
    else:
        headers = [display_header(cell) for cell in head[index]]
    yield ("table", source.sheet, index + 1, headers)
    body = enumerate(itertools.chain(head[index + depth :], rows), start=index + depth + 1)
    for chunk in _chunks(body, filename):
        yield ("rows", chunk)
    yield (last, source.notices())


def _chunks(body: Iterable[tuple[int, list[object]]], filename: str) -> Iterator[list]:
    """The rows that are not blank, with their sheet row numbers, CHUNK_ROWS at a time."""
    chunk, cells = [], 0
    for number, row in body:
        if len(row) > MAX_COLUMNS:
            row = _within_columns(row, filename)
        if not all(map(is_blank, row)):
            chunk.append((number, row))
            cells += len(row)
            if len(chunk) == CHUNK_ROWS:
                _check_size(number, cells, filename)
                yield chunk
                chunk = []
    _check_size(0, cells, filename)
    yield chunk


def sheet_names(data: bytes, filename: str) -> list[str]:
    """The sheets of an .xlsx, first visible first ([] for a CSV or an unreadable file)."""
    if _suffix(filename) != ".xlsx":
        return []
    try:
        listed = xlsx_package.sheets(xlsx_package.open_package(data, filename))
    except Exception:  # damaged or refused: the import itself will say why
        return []
    first = xlsx_package.first_sheet(listed)
    return [s.name for s in sorted(listed, key=lambda s: s is not first)]


def _source(
    data: bytes, filename: str, sheet: str | None, exact: bool, aliases: Mapping[str, str] | None
) -> Source:
    suffix = _suffix(filename)
    if suffix not in SUPPORTED:
        params = {"filename": filename, "types": ", ".join(SUPPORTED)}
        raise ImportFileError("import.error.unsupported_file", params)
    if suffix == ".xlsx":
        return _xlsx_source(data, filename, sheet, exact)
    text = CsvText(data, filename)
    separator = max(_SEPARATORS, key=lambda sep: _header_score(text, sep, aliases))
    return Source(os.path.basename(filename), text.records(separator), text.notices)


def _suffix(filename: str) -> str:
    """ ".xlsx" for "Rekap.XLSX" (os.path, not pathlib: the child starts faster without it)."""
    return os.path.splitext(filename)[1].lower()


def _xlsx_source(data: bytes, filename: str, sheet: str | None, exact: bool) -> Source:
    """The chosen worksheet's rows, read by calamine from the workbook or its trimmed copy."""
    from python_calamine import CalamineWorkbook

    unreadable = ImportFileError("import.error.unreadable", {"filename": filename})
    package = xlsx_package.open_package(data, filename)
    try:
        listed = xlsx_package.sheets(package)
        chosen = _chosen(listed, sheet, filename)
        strings = xlsx_package.shared_strings_part(package)
        readable = xlsx_extent.readable(data, package, chosen, strings, exact)
    except ImportFileError:
        raise
    except Exception as exc:  # zipfile, zlib and expat fail in many ways on damaged bytes
        if _out_of_memory(exc):
            raise MemoryError from exc
        raise unreadable from exc
    try:  # any other failure of the reader means the file is not a workbook it can read
        book = CalamineWorkbook.from_filelike(io.BytesIO(readable))
        cells = book.get_sheet_by_name(chosen.name)
    except MemoryError:
        raise
    except Exception as exc:
        raise unreadable from exc
    rows: Iterable[list[object]] = cells.iter_rows()
    if cells.start and cells.start[1]:  # the grid starts right of column A
        pad = [""] * cells.start[1]
        rows = (pad + row for row in rows)
    return Source(chosen.name, rows)


def _out_of_memory(error: BaseException | None) -> bool:
    """Whether a "damaged file" error was an exhausted memory: zlib and expat say so in
    words, and zipfile may hide a MemoryError behind an error of its own clean-up."""
    while error is not None:
        if isinstance(error, MemoryError) or "memory" in str(error):
            return True
        error = error.__context__
    return False


def _chosen(
    listed: list[xlsx_package.Sheet], sheet: str | None, filename: str
) -> xlsx_package.Sheet:
    """The named sheet, else the first visible worksheet; refused when there is none."""
    if sheet is not None:
        for candidate in listed:
            if candidate.name == sheet:
                return candidate
        names = ", ".join(s.name for s in listed)
        raise ImportFileError("import.error.no_sheet", {"sheet": sheet, "sheets": names})
    first = xlsx_package.first_sheet(listed)
    if first is None:
        raise ImportFileError("import.error.empty_sheet", {"sheet": filename})
    return first


def _header_score(
    text: CsvText, separator: str, aliases: Mapping[str, str] | None = None
) -> tuple[int, int]:
    """(known headers in the best candidate row, its cell count) when split by `separator`."""
    head = text.records(separator, limit=HEADER_SCAN_ROWS)
    return max(((count_known(row, aliases), len(row)) for row in head), default=(0, 0))


def _header_index(
    head: list[list[object]],
    rest: Iterator[list[object]],
    sheet: str,
    aliases: Mapping[str, str] | None = None,
) -> tuple[int, int]:
    """(index, 1 or 2): the first row, or pair of rows read as one (a group title above
    sub-headings), naming the most known headings (at least two); one row wins a tie.
    `aliases` (headings users taught) count as known, in one row or combined from two."""
    singles = [count_known(row, aliases) for row in head]
    best, depth, best_count = -1, 1, MIN_HEADER_MATCHES - 1
    for index, row in enumerate(head):
        if singles[index] > best_count:
            best, depth, best_count = index, 1, singles[index]
        if index + 1 < len(head):  # a pair must name more than either of its rows alone
            combined: list[object] = [*combined_headings(row, head[index + 1], aliases)]
            count = count_known(combined, aliases)
            if count > max(best_count, singles[index + 1]):
                best, depth, best_count = index, 2, count
    if best >= 0:
        return best, depth
    if all(all(map(is_blank, row)) for row in itertools.chain(head, rest)):
        raise ImportFileError("import.error.empty_sheet", {"sheet": sheet})
    raise ImportFileError("import.error.no_header", {"rows": HEADER_SCAN_ROWS})


def _within_columns(row: list[object], filename: str) -> list[object]:
    """A wide row without its trailing blank cells; refused if still too wide."""
    end = len(row)
    while end and is_blank(row[end - 1]):
        end -= 1
    _check_size(0, 0, filename, columns=end)
    return row[:end]


def _check_size(row: int, cells: int, filename: str, columns: int = 0) -> None:
    """Refuse a table beyond the limits (a CSV has no grid to check beforehand)."""
    if row > MAX_ROWS or cells > MAX_CELLS or columns > MAX_COLUMNS:
        limits = {"max_rows": MAX_ROWS, "max_columns": MAX_COLUMNS, "max_cells": MAX_CELLS}
        raise ImportFileError("import.error.too_large", {"filename": filename, **limits})
