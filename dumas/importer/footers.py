"""Total rows under a hand-kept table ("Jumlah", "Total", a sum under a numeric column).

Such a row is no data: it is left out before the rows are checked and the report names
it, instead of refusing it as a row without an agenda number. A real data row is never
taken for one: a total row holds nothing in the required columns (a total label aside),
and besides its label nothing but numbers, and those not only in the row-counter column
(a pre-filled counter on an unused row is no total).
"""

from __future__ import annotations

import re

from dumas.importer.cells import is_blank
from dumas.importer.headers import header_key
from dumas.importer.model import REQUIRED_COLUMNS, RawTable

_WORD = re.compile(r"[^\W_]+")
_LEADING = {"jumlah", "total", "subtotal", "sub", "grand"}  # a label starts with one of these
_INITIALS = "jtsg"
_LABEL_WORDS = _LEADING | {"keseluruhan", "seluruhnya", "akhir", "semua"}
_NUMBER = re.compile(r"(?:rp\.?)?\s*[-+]?[\d.,\s]*\d[\d.,\s]*", re.IGNORECASE)


def is_total_label(cell: object) -> bool:
    """ "Jumlah", "TOTAL", "Jumlah Total", "Grand Total", "Sub Total", "Jumlah 2024:"..."""
    if not isinstance(cell, str) or cell.lstrip()[:1].lower() not in _INITIALS:
        return False  # most cells are ruled out by their first letter, without the regex
    words = _WORD.findall(cell.lower())
    return (
        bool(words)
        and words[0] in _LEADING
        and all(w in _LABEL_WORDS or w.isdigit() for w in words)
    )


def _is_number(cell: object) -> bool:
    if isinstance(cell, bool):
        return False
    if isinstance(cell, int | float):
        return True
    return isinstance(cell, str) and _NUMBER.fullmatch(cell.strip()) is not None


def total_rows(table: RawTable, columns: dict[int, str]) -> list[int]:
    """The sheet row numbers of the table's total rows (`columns`: cell index -> field)."""
    required = frozenset(i for i, name in columns.items() if name in REQUIRED_COLUMNS)
    counter = _counter_index(table.headers, columns)
    return [number for number, cells in table.rows if _is_total(cells, required, counter)]


def _counter_index(headers: list[str], columns: dict[int, str]) -> int | None:
    """The leading row-counter column ("No"), which map_columns leaves unmapped."""
    first = next((i for i, h in enumerate(headers) if header_key(h)), None)
    if first is None or first in columns or header_key(headers[first]) != "no":
        return None
    return first


def _is_total(cells: list[object], required: frozenset[int], counter: int | None) -> bool:
    for index in required:  # a data row fails here, on its agenda number mostly
        cell = cells[index] if index < len(cells) else None
        if not is_blank(cell) and not is_total_label(cell):
            return False
    labelled = summed = False
    for index, cell in enumerate(cells):
        if is_blank(cell):
            continue
        if is_total_label(cell):
            labelled = True
        elif index in required:
            return False  # a value where data rows have theirs: a data row
        elif _is_number(cell):
            summed = summed or index != counter
        else:
            return False  # text that is no total label: a row of data or a note
    return labelled or summed
