"""A sheet's used range found cell by cell, and the sheet rewritten to hold only that range.

Runs in the reader child, and only for sheets whose extent is large or unverified
(dumas.importer.xlsx_extent decides). A cell is used when it holds something that is not
blank: a styled empty cell, a formula without a value, or text of spaces is not.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

from dumas.importer.cells import is_blank

MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
BLANK, TEXT, LONG = 0, 1, 2  # what a cell or a shared string holds, for the used range

_ROOT = re.compile(rb"<(?:([\w.-]+):)?(worksheet|sst)\b[^>]*>")
_ATTR_R = re.compile(rb"""\sr=["']([A-Z]{1,3})([0-9]{1,7})["']""")
_ATTR_ROW = re.compile(rb"""\sr=["']([0-9]{1,7})["']""")
_ATTR_T = re.compile(rb"""\st=["'](\w+)["']""")
_SPANS = re.compile(rb"""\sspans=["'][^"']*["']""")
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


@dataclass
class Used:
    """The last used row and column (0 when none), a cell at each, and the first long cell."""

    rows: int = 0
    columns: int = 0
    row_cell: str = ""
    column_cell: str = ""
    long_cell: str = ""


class _Syntax:
    """The element patterns of one part, with its namespace prefix (b"x:" or b"")."""

    def __init__(self, xml: bytes) -> None:
        root = _ROOT.search(xml)
        self.root_end = root.end() if root else -1
        self.prefix = root[1] + b":" if root is not None and root[1] else b""
        p = re.escape(self.prefix)
        self.row = re.compile(rb"<%srow\b([^>]*?)(?:/>|>(.*?)</%srow>)" % (p, p), re.S)
        self.cell = re.compile(rb"<%sc\b([^>]*?)(?:/>|>(.*?)</%sc>)" % (p, p), re.S)
        self.value = re.compile(rb"<%sv\b[^>]*>(.*?)</%sv>" % (p, p), re.S)
        self.item = re.compile(rb"<%ssi\b[^>]*?(?:/>|>(.*?)</%ssi>)" % (p, p), re.S)
        self.run = re.compile(rb"<%st\b[^>]*?(?:/>|>(.*?)</%st>)" % (p, p), re.S)
        self.phonetic = re.compile(rb"<%srPh\b.*?</%srPh>" % (p, p), re.S)


def column_name(number: int) -> str:
    """1 -> A, 27 -> AA, 16384 -> XFD."""
    name = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def column_number(letters: bytes) -> int:
    """b"A" -> 1, b"XFD" -> 16384."""
    number = 0
    for byte in letters:
        number = number * 26 + byte - 64
    return number


def shared_string_kinds(xml: bytes) -> bytearray:
    """BLANK, TEXT or LONG for each entry of a sharedStrings part."""
    syntax = _Syntax(xml)
    return bytearray(_kind(_text(m[1] or b"", syntax)) for m in syntax.item.finditer(xml))


def used_range(xml: bytes, strings: bytearray) -> Used:
    """The used range of a worksheet part, cell by cell."""
    used, syntax = Used(), _Syntax(xml)
    for _, _, cells in _rows(xml, syntax):
        for row, column, cell in cells:
            kind = _cell_kind(cell[1], cell[2] or b"", strings, syntax)
            if kind == BLANK:
                continue
            ref = f"{column_name(column)}{row}"
            if kind == LONG and not used.long_cell:
                used.long_cell = ref
            if row >= used.rows:
                used.rows, used.row_cell = row, ref
            if column > used.columns:
                used.columns, used.column_cell = column, ref
    return used


def trimmed_sheet(xml: bytes, rows: int, columns: int) -> bytes:
    """The worksheet with only its cells inside A1:(columns, rows) and a true dimension.

    Everything but the dimension and the cells (views, column widths, merges, validations)
    is left out: the reader needs none of it, and it may name the far cells too.
    """
    syntax = _Syntax(xml)
    if syntax.root_end < 0:
        return xml
    p = syntax.prefix
    ref = f"A1:{column_name(max(columns, 1))}{max(rows, 1)}".encode()
    parts = [xml[: syntax.root_end], b'<%sdimension ref="%s"/><%ssheetData>' % (p, ref, p)]
    for number, attrs, cells in _rows(xml, syntax):
        kept = [cell[0] for row, column, cell in cells if row <= rows and column <= columns]
        if kept or number <= rows:
            attrs = _SPANS.sub(b"", attrs)
            parts.append(b"<%srow%s>%s</%srow>" % (p, attrs, b"".join(kept), p))
    parts.append(b"</%ssheetData></%sworksheet>" % (p, p))
    return b"".join(parts)


def _rows(xml: bytes, syntax: _Syntax) -> Iterator[tuple[int, bytes, list[tuple]]]:
    """(row number, row attributes, [(row, column, cell match)]) in document order.

    A row or cell without its r attribute takes the position after the previous one.
    """
    number = 0
    for row in syntax.row.finditer(xml):
        found = _ATTR_ROW.search(row[1])
        number = int(found[1]) if found else number + 1
        cells, column = [], 0
        for cell in syntax.cell.finditer(row[2] or b""):
            ref = _ATTR_R.search(cell[1])
            column = column_number(ref[1]) if ref else column + 1
            cells.append((int(ref[2]) if ref else number, column, cell))
        yield number, row[1], cells


def _cell_kind(attrs: bytes, body: bytes, strings: bytearray, syntax: _Syntax) -> int:
    """BLANK, TEXT or LONG for one cell, by its type and value."""
    kind = _ATTR_T.search(attrs)
    typ = kind[1] if kind else b"n"
    if typ == b"inlineStr":
        return _kind(_text(body, syntax))
    value = syntax.value.search(body)
    if value is None:
        return BLANK  # a styled empty cell, or a formula never calculated
    if typ == b"s":
        index = value[1].strip()
        if index.isdigit() and int(index) < len(strings):
            return strings[int(index)]
        return TEXT
    if typ == b"str":
        return _kind(_unescape(value[1]))
    return TEXT if value[1].strip() else BLANK


def _text(body: bytes, syntax: _Syntax) -> str:
    """The text of a string item: its runs joined, phonetic guides left out."""
    if b"rPh" in body:
        body = syntax.phonetic.sub(b"", body)
    return "".join(_unescape(run[1] or b"") for run in syntax.run.finditer(body))


def _unescape(raw: bytes) -> str:
    """XML character references and Excel's _xHHHH_ escapes resolved."""
    text = html.unescape(raw.decode("utf-8", "replace"))
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text) if "_x" in text else text


def _kind(text: str) -> int:
    if len(text) > MAX_CELL_CHARS:
        return LONG
    return BLANK if is_blank(text) else TEXT
