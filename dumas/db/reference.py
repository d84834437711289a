"""Reference data shipped in data/reference/, loaded by migration 0002."""

from __future__ import annotations

import re
from functools import lru_cache

import duckdb

from dumas import config

# table -> (csv file, columns in insert order)
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "province": ("provinces.csv", ("code", "name")),
    "problem_code": ("problem_codes.csv", ("code", "name")),
    "category": ("categories.csv", ("code", "name")),
    "agency_category": ("agency_categories.csv", ("code", "name")),
    "agency": (
        "agencies.csv",
        ("id", "name", "short_name", "category_code", "province_code", "head_title", "city"),
    ),
}


@lru_cache(maxsize=65_536)  # imports repeat the same agency names on many rows
def normalise_name(text: str) -> str:
    """Key for matching names: lower case, punctuation to spaces, single spaces."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w]+", " ", text.lower())).strip()


def load(cur: duckdb.DuckDBPyConnection) -> None:
    """Insert every reference table from its CSV (all columns read as text)."""
    for table, (filename, columns) in TABLES.items():
        path = config.REFERENCE_DIR / filename
        cols = ", ".join(columns)
        cur.execute(
            f"INSERT INTO {table} ({cols})"  # noqa: S608 - names from TABLES, not user input
            f" SELECT {cols} FROM read_csv($path, header = true, all_varchar = true)",
            {"path": str(path)},
        )
    aliases = cur.execute(
        "SELECT alias, agency_id::INTEGER FROM read_csv($path, header = true, all_varchar = true)",
        {"path": str(config.REFERENCE_DIR / "agency_aliases.csv")},
    ).fetchall()
    names = cur.execute("SELECT name, id FROM agency").fetchall()
    keys: dict[str, tuple[str, int]] = {}
    for alias, agency_id in [*names, *aliases]:
        keys.setdefault(normalise_name(alias), (alias, agency_id))
    cur.executemany(
        "INSERT INTO agency_alias (alias_key, alias, agency_id) VALUES (?, ?, ?)",
        [(key, alias, agency_id) for key, (alias, agency_id) in keys.items()],
    )


ALIASES_FILE = "reference_aliases.csv"


def load_aliases(cur: duckdb.DuckDBPyConnection) -> None:
    """Insert the shipped variants of the master lists (migration 0022): each keyed as the
    importer matches it; the first of several with one key is kept."""
    from dumas.importer.values import alias_key  # the importer's matching, not its reading

    rows = cur.execute(
        "SELECT list, alias, code FROM read_csv($path, header = true, all_varchar = true)",
        {"path": str(config.REFERENCE_DIR / ALIASES_FILE)},
    ).fetchall()
    keys: dict[tuple[str, str], tuple[str, str]] = {}
    for listed, alias, code in rows:
        keys.setdefault((listed, alias_key(listed, alias)), (alias, code))
    cur.executemany(
        "INSERT INTO reference_alias (list, alias_key, alias, code) VALUES (?, ?, ?, ?)",
        [(listed, k, alias, code) for (listed, k), (alias, code) in keys.items()],
    )
