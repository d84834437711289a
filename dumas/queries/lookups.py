"""Option lists for filters and forms: code -> display name."""

from __future__ import annotations

import duckdb

_LOOKUPS = {
    "province": "SELECT code, name FROM province ORDER BY code",
    "problem_code": "SELECT code, code || ' ' || name FROM problem_code ORDER BY code",
    "category": "SELECT code, name FROM category ORDER BY name",
    "agency_category": "SELECT code, name FROM agency_category ORDER BY name",
    "agency": "SELECT id, name FROM agency ORDER BY name",
    "master_agency": "SELECT id, name FROM agency WHERE NOT from_import ORDER BY name",
}


def imported_agencies(cur: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Agencies an import created (not yet merged into the master list)."""
    return dict(
        cur.execute("SELECT id, name FROM agency WHERE from_import ORDER BY name").fetchall()
    )


def agency_addresses(cur: duckdb.DuckDBPyConnection) -> dict[int, dict[str, str | None]]:
    """Every agency with how letters address it (head_title, city) and its e-mail address:
    the agencies missing the head's title or the city come first, then by name."""
    cursor = cur.execute(
        """
        SELECT id, name, head_title, city, email FROM agency
         ORDER BY (coalesce(head_title, '') = '' OR coalesce(city, '') = '') DESC, name
        """
    )
    return {
        row[0]: {"name": row[1], "head_title": row[2], "city": row[3], "email": row[4]}
        for row in cursor.fetchall()
    }


def options(cur: duckdb.DuckDBPyConnection, kind: str) -> dict[object, str]:
    """Ordered mapping of code to label for one reference table."""
    return dict(cur.execute(_LOOKUPS[kind]).fetchall())


def data_versions(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every version token (data_version, followup_version: see data_version) and the demo
    mark ("true" on a demo database, written by services.users; ui/data.is_demo) in one
    read."""
    found = cur.execute(
        "SELECT key, value FROM meta WHERE key IN ('data_version', 'followup_version', 'demo')"
    ).fetchall()
    return {"data_version": "0", "followup_version": "0", "demo": "false", **dict(found)}


def data_version(cur: duckdb.DuckDBPyConnection, key: str = "data_version") -> str:
    """A token that changes on every committed write (cache key for the UI); with
    key="followup_version", on every write that can change a follow-up figure
    (services.common.audit decides which)."""
    row = cur.execute("SELECT value FROM meta WHERE key = $key", {"key": key}).fetchone()
    return row[0] if row else "0"
