"""The values imports kept as written (no master list knew them), for their mapping."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from dumas.domain.codes import ReferenceList
from dumas.importer.values import alias_key

# list -> (table, coded column, raw column) where its unmatched values are stored
STORED: dict[ReferenceList, tuple[str, str, str]] = {
    ReferenceList.CATEGORY: ("complaint", "category_code", "category_raw"),
    ReferenceList.CHANNEL: ("complaint", "channel", "channel_raw"),
    ReferenceList.PROVINCE: ("complaint", "province_code", "province_raw"),
    ReferenceList.PROBLEM_CODE: ("complaint", "problem_code", "problem_code_raw"),
    ReferenceList.RESPONSE_STATUS: ("response", "status", "status_raw"),
}
# lists kept in a reference table: list -> table of codes
MASTER_TABLES = {
    ReferenceList.CATEGORY: "category",
    ReferenceList.PROVINCE: "province",
    ReferenceList.PROBLEM_CODE: "problem_code",
}


@dataclass(frozen=True)
class UnmatchedValue:
    """One unknown value of a list: its spellings (as stored) and how many records hold it."""

    list: ReferenceList
    written: str  # the spelling most records hold
    key: str  # values.alias_key
    spellings: tuple[str, ...]
    records: int


def stored_spellings(cur: duckdb.DuckDBPyConnection, listed: ReferenceList) -> dict[str, int]:
    """Each value of one list stored as written -> how many records hold it."""
    table, _, raw = STORED[listed]
    rows = cur.execute(
        f"SELECT {raw}, count(*) FROM {table}"  # noqa: S608 - names from STORED
        f" WHERE {raw} IS NOT NULL GROUP BY {raw}"
    ).fetchall()
    return dict(rows)


def unmatched_values(cur: duckdb.DuckDBPyConnection) -> list[UnmatchedValue]:
    """Every unknown value stored, its spellings counted together; by list, most first."""
    found: list[UnmatchedValue] = []
    for listed in ReferenceList:
        groups: dict[str, dict[str, int]] = {}
        for written, records in stored_spellings(cur, listed).items():
            groups.setdefault(alias_key(listed, written), {})[written] = records
        for key, spellings in groups.items():
            ordered = sorted(spellings, key=lambda s: (-spellings[s], s))
            total = sum(spellings.values())
            found.append(UnmatchedValue(listed, ordered[0], key, tuple(ordered), total))
    order = list(ReferenceList)
    return sorted(found, key=lambda v: (order.index(v.list), -v.records, v.written))
