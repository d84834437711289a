"""Connect, run named migrations, and wrap writes in one transaction each."""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from dumas import config
from dumas.db import faults

SCHEMA_FILE = Path(__file__).with_name("schema.sql")
FIGURES_FILE = Path(__file__).with_name("figures.sql")
_MARKER = re.compile(r"^-- migration: (\S+)\s*$", re.MULTILINE)


# Commits made in this process, per database file. One process owns a database file (DuckDB
# lets one process write it), so a count that has not moved since a read means no write
# happened since: the pages read the data versions again only when it moved (ui/data.py).
# Per file, not per Database: two Databases on one file in one process share its writes.
_commits: dict[str, int] = {}
_commits_lock = threading.Lock()


class Rollback(Exception):
    """Raised inside a transaction to undo it on purpose (a dry run); not re-raised."""


class DatabaseBusy(RuntimeError):
    """Another process (usually the running app) holds the database file."""


def split_migrations(text: str) -> list[tuple[str, str]]:
    """Split schema.sql into (name, sql) pairs in file order."""
    parts = _MARKER.split(text)
    return [(parts[i], parts[i + 1].strip()) for i in range(1, len(parts), 2)]


@dataclass
class LockWaits:
    """How long callers waited for the write lock: how many waits, the longest, in all."""

    count: int = 0
    longest: float = 0.0
    total: float = 0.0

    def add(self, seconds: float) -> None:
        self.count += 1
        self.total += seconds
        self.longest = max(self.longest, seconds)


@dataclass
class Database:
    """One DuckDB connection per process, a cursor per unit of work, one writer at a time."""

    path: Path
    con: duckdb.DuckDBPyConnection
    write_lock: threading.RLock = field(default_factory=threading.RLock)
    # The waits of bookkeeping a page run may skip (transaction_if_free: last_seen), kept
    # for the benchmark's "lock time" figure (python -m dumas bench).
    bookkeeping_waits: LockWaits = field(default_factory=LockWaits, compare=False)
    _file: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._file = os.path.abspath(self.path)

    @property
    def commits(self) -> int:
        """How many transactions on this file this process has committed (see _commits)."""
        return _commits.get(self._file, 0)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one read; cursors are safe to use from one thread each."""
        return self.con.cursor()

    @contextmanager
    def reading(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for one unit of reading, closed when the block ends."""
        cur = self.con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Serialise writers in this process and commit or roll back as one unit."""
        with self.write_lock:
            cur = self.con.cursor()
            cur.execute("BEGIN TRANSACTION")
            try:
                yield cur
            except Rollback:
                cur.execute("ROLLBACK")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            else:
                cur.execute("COMMIT")
                with _commits_lock:  # two Databases on one file have two write locks
                    _commits[self._file] = _commits.get(self._file, 0) + 1
            finally:
                cur.close()

    @contextmanager
    def transaction_if_free(self, wait: float) -> Iterator[duckdb.DuckDBPyConnection | None]:
        """A transaction as `transaction`, if the write lock is free within `wait` seconds;
        else None, at once. For bookkeeping that may be skipped (a session's last activity),
        so that no page waits on another user's long write (an import)."""
        start = time.perf_counter()
        free = self.write_lock.acquire(timeout=wait)
        self.bookkeeping_waits.add(time.perf_counter() - start)
        if not free:
            yield None
            return
        try:
            with self.transaction() as cur:
                yield cur
        finally:
            self.write_lock.release()

    def close(self) -> None:
        self.con.close()


def connect(path: Path | str, *, read_only: bool = False) -> Database:
    """Open (creating if needed) and migrate the database at path."""
    path = Path(path)
    threads = config.db_threads()  # a bad setting is refused before any file is made
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseBusy(str(path)) from exc
        raise faults.classify(exc, path) from exc
    except (duckdb.Error, OSError) as exc:
        raise faults.classify(exc, path) from exc
    try:
        con.execute("SET memory_limit = $limit", {"limit": config.memory_limit()})
        if threads:
            con.execute("SET threads = $n", {"n": threads})
        faults.check_size(con, path)
        db = Database(path=path, con=con)
        if read_only:
            _refuse_unmigrated(db)
        else:
            migrate(db)
    except faults.DatabaseFault:
        con.close()
        raise
    except (duckdb.Error, OSError) as exc:  # a damaged file met while migrating
        con.close()
        raise faults.classify(exc, path) from exc
    return db


def _python_steps() -> dict[str, Callable[[duckdb.DuckDBPyConnection], None]]:
    """Data steps that follow a migration's DDL, by migration name."""
    from dumas.db import facts, reference
    from dumas.domain import calendar

    def fill_letter_fact(cur: duckdb.DuckDBPyConnection) -> None:
        if cur.execute("SELECT count(*) FROM letter_fact").fetchall()[0][0]:
            return  # filled before this column came: its UPDATE completed it
        _define_figures(cur)  # the macros bind to tables, so they follow the DDL
        facts.refresh(cur)

    def fill_summaries(cur: duckdb.DuckDBPyConnection) -> None:
        _define_figures(cur)  # this migration's macros, before the run defines them all
        facts.rebuild_summaries(cur)

    return {
        "0002_reference_data": lambda cur: (reference.load(cur), calendar.rebuild(cur)),
        # letter_fact is filled once it has all its columns (the last migration that adds
        # one); a database that had it filled before gets the new column by UPDATE.
        "0020_letter_fact_complaint_letters": fill_letter_fact,
        "0021_followup_summaries": fill_summaries,
        "0022_reference_aliases": reference.load_aliases,
    }


# The line of figures.sql after which the macros read tables of later migrations
# (monitorings): migration 0003 cannot bind them yet; migrate() defines them at its end.
LATER_FIGURES = "-- Figures over the tables of later migrations"


def _define_figures(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(FIGURES_FILE.read_text(encoding="utf-8").split(LATER_FIGURES)[0])


# The text of schema.sql and figures.sql, read again only when the file changed: every
# connection (each command, job, backup check, test) checks its database against them.
_sources: dict[tuple[str, int, int], str] = {}


def _source(path: Path) -> str:
    found = path.stat()
    key = (str(path), found.st_mtime_ns, found.st_size)
    if key not in _sources:
        _sources[key] = path.read_text(encoding="utf-8")
    return _sources[key]


def _migrations() -> list[tuple[str, str]]:
    return split_migrations(_source(SCHEMA_FILE))


def migrate(db: Database) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied now.

    An up-to-date database (every migration applied, the figure macros of this very
    figures.sql) is only read: opening it writes nothing.
    """
    migrations = _migrations()
    figures = _source(FIGURES_FILE)
    digest = hashlib.sha256(figures.encode("utf-8")).hexdigest()
    if _up_to_date(db, [name for name, _ in migrations], digest):
        return []
    applied_now: list[str] = []
    with db.transaction() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS schema_migration ("
            " name VARCHAR PRIMARY KEY,"
            " applied_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp)"
        )
        done = {row[0] for row in cur.execute("SELECT name FROM schema_migration").fetchall()}
        steps = _python_steps()
        for name, sql in migrations:
            if name in done:
                continue
            if _has_statements(sql):
                cur.execute(sql)
            if name in steps:
                steps[name](cur)
            cur.execute("INSERT INTO schema_migration (name) VALUES ($name)", {"name": name})
            applied_now.append(name)
        # The figure definitions are code, not data: (re)defined whenever the file changed.
        cur.execute(figures)
        cur.execute("DELETE FROM figure_definition")
        cur.execute("INSERT INTO figure_definition VALUES ($digest)", {"digest": digest})
    return applied_now


def _refuse_unmigrated(db: Database) -> None:
    """Opened read-only (a snapshot, a backup, a read-only file): nothing may be written,
    so a database of another schema is refused rather than migrated."""
    migrations = _migrations()
    digest = hashlib.sha256(_source(FIGURES_FILE).encode("utf-8")).hexdigest()
    if not _up_to_date(db, [name for name, _ in migrations], digest):
        raise faults.DatabaseFault("db.fault.needs_migration", db.path)


def _refuse_newer(db: Database, known: set[str], done: set[str] | None = None) -> None:
    """A database a newer version of the app has migrated (`done`: its recorded migrations,
    read when not given) is not opened by this one."""
    if done is None:
        with db.reading() as cur:
            try:
                rows = cur.execute("SELECT name FROM schema_migration").fetchall()
            except duckdb.CatalogException:
                return  # new, or older than the table
        done = {r[0] for r in rows}
    newer = sorted(done - known)
    if newer:
        raise faults.DatabaseFault("db.fault.newer_schema", db.path, newer[-1], schema=newer[-1])


def _up_to_date(db: Database, names: list[str], digest: str) -> bool:
    """Every migration recorded and the figure macros defined from this figures.sql; a
    database a newer version migrated is refused (DatabaseFault).

    One statement over the two bookkeeping tables (asking the catalogue first took as
    long again, on every connect); a database without them is new or older than 0011."""
    with db.reading() as cur:
        try:
            rows = cur.execute(
                "SELECT name, NULL FROM schema_migration"
                " UNION ALL SELECT NULL, digest FROM figure_definition"
            ).fetchall()
        except duckdb.CatalogException:
            _refuse_newer(db, set(names))  # schema_migration alone, if there is one
            return False
    done = {name for name, _ in rows if name is not None}
    _refuse_newer(db, set(names), done)
    stored = [(found,) for name, found in rows if name is None]
    return set(names) <= done and stored == [(digest,)]


def _has_statements(sql: str) -> bool:
    lines = [ln for ln in sql.splitlines() if ln.strip() and not ln.strip().startswith("--")]
    return bool(lines)


_ID_TABLES = frozenset(
    {"complaint", "forwarding", "reminder", "response", "audit_log", "agency"}
    | {"plan", "plan_row", "plan_event", "monitoring"}
    | {"monitoring_activity", "monitoring_agreement", "monitoring_cost", "periodic_report"}
    | {"periodic_report_event"}
    | {"monitoring_memo_answer", "ops_token", "job_run"}
    | {"mail_log"}
    | {"attachment"}
    | {"reminder_letter"}
)


def next_id(cur: duckdb.DuckDBPyConnection, table: str) -> int:
    """Next primary key for table; callers hold the write lock (see transaction)."""
    if table not in _ID_TABLES:
        raise ValueError(table)
    sql = f"SELECT coalesce(max(id), 0) + 1 FROM {table}"  # noqa: S608 - allow-listed above
    return cur.execute(sql).fetchall()[0][0]  # fetchall: leave no open result behind


def default_database() -> Database:
    """The database named by DUMAS_DB or the embedded default."""
    return connect(config.db_path())
