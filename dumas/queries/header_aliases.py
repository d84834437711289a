"""The column headings users taught the import (read side)."""

from __future__ import annotations

import duckdb


def header_aliases(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Heading key -> field, for dumas.importer.headers.map_columns."""
    return dict(cur.execute("SELECT heading_key, field FROM header_alias").fetchall())
