"""Keep letter_fact in step with the base tables, inside the caller's write transaction."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb


def refresh(cur: duckdb.DuckDBPyConnection, complaint_ids: Iterable[int] | None = None) -> None:
    """Rebuild the stored facts of these complaints' letters (all letters when None)."""
    scope = None if complaint_ids is None else sorted({int(i) for i in complaint_ids})
    if scope is None:
        cur.execute("DELETE FROM letter_fact")
    else:
        cur.execute(
            "DELETE FROM letter_fact WHERE complaint_id IN (SELECT unnest($scope))",
            {"scope": scope},
        )
    cur.execute(
        "INSERT INTO letter_fact SELECT * FROM letter_fact_source($scope::BIGINT[])",
        {"scope": scope},
    )
