"""The columns an import leaves out, with how many of their cells held something."""

from __future__ import annotations

from dumas.importer.cells import is_blank
from dumas.importer.headers import counter_index, display_header, header_key
from dumas.importer.model import DroppedColumn, RawTable


def dropped_columns(table: RawTable, columns: dict[int, str]) -> list[DroppedColumn]:
    """Every column not mapped to a field: each unknown heading (even if empty), and each
    column without a heading that has a filled cell. A leading row counter is not counted."""
    counter = counter_index(table.headers)
    width = max([len(table.headers), *(len(cells) for _, cells in table.rows)])
    dropped = []
    for index in range(width):
        if index in columns or index == counter:
            continue
        heading = table.headers[index] if index < len(table.headers) else ""
        filled = sum(
            1 for _, cells in table.rows if index < len(cells) and not is_blank(cells[index])
        )
        if header_key(heading):
            dropped.append(DroppedColumn(display_header(heading), index + 1, filled))
        elif filled:
            dropped.append(DroppedColumn("", index + 1, filled))
    return dropped
