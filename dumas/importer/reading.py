"""Read an uploaded .xlsx or .csv into a RawTable, in a child process.

No parser touches an uploaded file inside the server: dumas.importer.sandbox runs
dumas.importer.table_reader in a child with a memory and a time limit, and the table
comes back as frames. A file that makes the reader crash or exceed a limit is refused
with the reason ("berkas tidak dapat dibaca: ..."), and the server goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

from dumas.domain.errors import Message
from dumas.importer import sandbox
from dumas.importer.model import ImportFileError, RawTable, SkippedSheet, paused_gc
from dumas.importer.table_reader import SUPPORTED

T = TypeVar("T")


def read_table(
    data: bytes, filename: str, sheet: str | None = None, aliases: Mapping[str, str] | None = None
) -> RawTable:
    """The table in an .xlsx (first visible sheet unless `sheet`) or .csv file.

    `aliases`: the headings users taught the import (heading key -> field), read by the
    caller from the database; the reader child gets them as an argument."""
    if Path(filename).suffix.lower() not in SUPPORTED:
        params = {"filename": filename, "types": ", ".join(SUPPORTED)}
        raise ImportFileError("import.error.unsupported_file", params)
    try:
        return _read("table", data, filename, sheet, aliases)
    except ImportFileError as error:
        if error.key != "import.error.read_memory" or not filename.lower().endswith(".xlsx"):
            raise
    # A sheet that declared a small extent and was not: read it by its used cells.
    return _read("exact", data, filename, sheet, aliases)


def read_sheets(
    data: bytes, filename: str, aliases: Mapping[str, str] | None = None
) -> tuple[list[RawTable], list[SkippedSheet]]:
    """Every visible worksheet's table of an .xlsx (a .csv is one table), and the sheets
    passed over: no header row among their first rows (a cover, notes), empty, or hidden.

    `aliases`: as read_table takes them, for the header row of every sheet."""
    if Path(filename).suffix.lower() not in SUPPORTED:
        params: dict[str, object] = {"filename": filename, "types": ", ".join(SUPPORTED)}
        raise ImportFileError("import.error.unsupported_file", params)
    try:
        return _read_all("all", data, filename, aliases)
    except ImportFileError as error:
        if error.key != "import.error.read_memory" or not filename.lower().endswith(".xlsx"):
            raise
    return _read_all("all-exact", data, filename, aliases)


def _read_all(
    mode: str, data: bytes, filename: str, aliases: Mapping[str, str] | None
) -> tuple[list[RawTable], list[SkippedSheet]]:
    return _from_child(mode, data, filename, None, aliases, _tables)


def _from_child(
    mode: str,
    data: bytes,
    filename: str,
    sheet: str | None,
    aliases: Mapping[str, str] | None,
    collect: Callable[[Iterator[tuple], str], T],
) -> T:
    """What `collect` makes of the frames the reader child sends for this file."""
    with paused_gc():
        frames = sandbox.frames(mode, data, filename, sheet, aliases)
        try:
            return collect(frames, filename)
        except (TypeError, ValueError) as exc:  # frames not shaped as our child sends them
            raise ImportFileError("import.error.read_crash", {"filename": filename}) from exc
        finally:
            frames.close()


def _tables(frames: Iterator[tuple], filename: str) -> tuple[list[RawTable], list[SkippedSheet]]:
    tables: list[RawTable] = []
    skipped: list[SkippedSheet] = []
    for kind, *payload in frames:
        if kind == "table":
            sheet, header_row, headers = payload
            tables.append(RawTable(str(sheet), int(header_row), headers, rows=[]))
        elif kind == "rows":
            tables[-1].rows.extend(payload[0])
        elif kind in ("sheet_end", "end"):
            if payload[0]:  # a sheet's notices; an .xlsx's last "end" carries none
                tables[-1].notices = [Message(key, dict(params)) for key, params in payload[0]]
            if kind == "end":
                return tables, skipped
        elif kind == "skipped":
            sheet, key, params = payload
            skipped.append(SkippedSheet(str(sheet), Message(str(key), dict(params))))
        elif kind == "error":
            raise _refusal(*payload)
    raise ImportFileError("import.error.read_crash", {"filename": filename})


def sheet_names(data: bytes, filename: str) -> list[str]:
    """The worksheets of an .xlsx, first visible first ([] for a CSV or an unreadable file)."""
    if Path(filename).suffix.lower() != ".xlsx":
        return []
    try:
        (frame,) = sandbox.frames("sheets", data, filename)
    except ImportFileError:
        return []  # the import itself will say why the file cannot be read
    names = frame[1] if frame[0] == "sheets" else []
    return [name for name in names if isinstance(name, str)]


def _read(
    mode: str, data: bytes, filename: str, sheet: str | None, aliases: Mapping[str, str] | None
) -> RawTable:
    return _from_child(mode, data, filename, sheet, aliases, _table)


def _table(frames: Iterator[tuple], filename: str) -> RawTable:
    kind, *head = next(frames)
    if kind == "error":
        raise _refusal(*head)
    sheet, header_row, headers = head
    table = RawTable(sheet=str(sheet), header_row=int(header_row), headers=headers, rows=[])
    for kind, payload, *rest in frames:
        if kind == "rows":
            table.rows.extend(payload)
        elif kind == "end":
            table.notices = [Message(key, dict(params)) for key, params in payload]
            return table
        elif kind == "error":
            raise _refusal(payload, *rest)
    raise ImportFileError("import.error.read_crash", {"filename": filename})


def _refusal(key: str, params: dict) -> ImportFileError:
    """The child's own refusal, if it names one of the import's file errors."""
    if not (isinstance(key, str) and key.startswith("import.error.") and isinstance(params, dict)):
        raise ValueError("not a refusal our reader sends")
    return ImportFileError(key, {str(k): v for k, v in params.items()})
