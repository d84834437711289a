"""Keep letter_fact, and its summaries, in step with the base tables, inside the caller's
write transaction."""

from __future__ import annotations

from collections.abc import Iterable

import duckdb

# The summaries of letter_fact (figures.sql <table>_source) and the columns they count by.
SUMMARIES = {"agency_summary": ("agency_id", "single", "days"), "day_summary": ("d", "kind")}
RECOUNT_ABOVE = 1_000  # complaints in one write


def refresh(cur: duckdb.DuckDBPyConnection, complaint_ids: Iterable[int] | None = None) -> None:
    """Rebuild the stored facts of these complaints' letters (all letters when None)."""
    scope = None if complaint_ids is None else sorted({int(i) for i in complaint_ids})
    # Many complaints (an import): counting every letter afresh is cheaper than taking
    # theirs out and adding them back (a 100,000-row import took about 0.5 s less).
    recount = scope is None or len(scope) > RECOUNT_ABOVE
    if scope is None:
        cur.execute("DELETE FROM letter_fact")
    elif not recount:
        _count(cur, scope, -1)  # their letters as they were, out of the summaries
        cur.execute(
            "DELETE FROM letter_fact WHERE complaint_id IN (SELECT unnest($scope))",
            {"scope": scope},
        )
    cur.execute(
        "INSERT INTO letter_fact SELECT * FROM letter_fact_source($scope::BIGINT[])",
        {"scope": scope},
    )
    if not recount:
        _count(cur, scope or [], 1)
    elif _has_summaries(cur):  # not while migrating to 0021, which fills them itself
        rebuild_summaries(cur)


def rebuild_summaries(cur: duckdb.DuckDBPyConnection) -> None:
    """Count every letter of letter_fact into the summaries afresh."""
    for table in SUMMARIES:
        cur.execute(f"DELETE FROM {table}")  # noqa: S608 - table names from SUMMARIES
        cur.execute(f"INSERT INTO {table} SELECT * FROM {table}_source(NULL)")  # noqa: S608


def _count(cur: duckdb.DuckDBPyConnection, scope: list[int], sign: int) -> None:
    """Add (sign 1) or take away (-1) the scope's letters of letter_fact in the summaries:
    one MERGE per summary (a count that falls to zero is deleted, a new one inserted)."""
    for table, keys in SUMMARIES.items():  # names from SUMMARIES; values are parameters
        same = " AND ".join(f"s.{k} IS NOT DISTINCT FROM x.{k}" for k in keys)
        columns = ", ".join(keys)
        merge = f"MERGE INTO {table} AS s USING (SELECT {columns}, $sign * n AS n"
        merge += f" FROM {table}_source($scope::BIGINT[])) AS x ON {same}"
        merge += " WHEN MATCHED AND s.n + x.n = 0 THEN DELETE"
        merge += " WHEN MATCHED THEN UPDATE SET n = s.n + x.n"
        merge += f" WHEN NOT MATCHED THEN INSERT ({columns}, n)"
        merge += f" VALUES ({', '.join(f'x.{k}' for k in keys)}, x.n)"
        cur.execute(merge, {"scope": scope, "sign": sign})


def _has_summaries(cur: duckdb.DuckDBPyConnection) -> bool:
    found = cur.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'day_summary'"
    ).fetchone()
    return bool(found and found[0])
