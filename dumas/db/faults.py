"""A database that cannot be opened, said in one line an operator can act on.

DuckDB reports a damaged, foreign or unreachable file as an exception with a long
technical message; `classify` turns the known cases into a catalogue message (what is
wrong, what to do), keeping DuckDB's own first line as the detail. `check_size` catches
a file cut short (a copy that stopped, a full disk): DuckDB opens it and answers until a
query reaches a missing block.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb


class DatabaseFault(RuntimeError):
    """The database at `path` cannot be used; `key` is its catalogue message."""

    def __init__(self, key: str, path: Path, detail: str = "", **params: object) -> None:
        super().__init__(f"{key}: {path}: {detail}")
        self.key, self.path, self.detail = key, path, detail
        self.params = {"path": str(path), "detail": detail, **params}


# (pattern in DuckDB's message, catalogue key), first match wins.
_KNOWN = (
    (re.compile(r"version number|can only read|newer version|storage version", re.I),
     "db.fault.newer_duckdb"),
    (re.compile(r"not a valid DuckDB database file|Corrupt|checksum", re.I), "db.fault.corrupt"),
    (re.compile(r"No space left on device|disk full", re.I), "db.fault.disk_full"),
    (re.compile(r"Permission denied|Read-only file system|read-only", re.I),
     "db.fault.permission"),
    (re.compile(r"\bWAL\b|write-ahead|replay", re.I), "db.fault.wal"),
)  # fmt: skip


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0][:300] if text else type(error).__name__


def classify(error: duckdb.Error | OSError, path: Path) -> DatabaseFault:
    """The fault a DuckDB (or file system) error opening `path` stands for."""
    detail = _first_line(error)
    for pattern, key in _KNOWN:
        if pattern.search(str(error)):
            return DatabaseFault(key, path, detail)
    return DatabaseFault("db.fault.unknown", path, detail)


def check_size(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a file shorter than the blocks in use that DuckDB's header counts. Free
    blocks do not count: DuckDB cuts free blocks off the end of the file at a checkpoint
    and still counts them in total_blocks. Not beside a `.wal`: replaying it may count
    blocks not yet written to the file."""
    if not path.exists() or Path(f"{path}.wal").exists():
        return
    used, block_size = con.execute(
        "SELECT used_blocks, block_size FROM pragma_database_size()"
        " WHERE database_name = current_database()"
    ).fetchall()[0]
    expected, found = int(used) * int(block_size), path.stat().st_size
    if found < expected:
        raise DatabaseFault("db.fault.truncated", path, f"{found} < {expected} bytes",
                            found=found, expected=expected)  # fmt: skip
