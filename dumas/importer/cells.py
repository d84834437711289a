"""What counts as an empty cell: shared by the reader child and the cell parsers."""

from __future__ import annotations

PLACEHOLDERS = frozenset({"-", "–", "—", "--"})  # what clerks type into an empty cell


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing: empty, spaces only, or a lone dash."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        return not text or text in PLACEHOLDERS
    return False
