"""Backups of the database while it serves, their retention, and restoring one.

A backup is taken inside the process that holds the database: one `COPY FROM DATABASE`
statement into a new file, so it is a transaction's snapshot (every committed write before
it, none after) while the app goes on reading and writing. Copying the file from outside
misses what is still in the `.wal`; see docs/decisions/0011-backups.md.

Each backup is `dumas-YYYYMMDD-HHMMSS.duckdb` (Asia/Jakarta time) with two files beside it:
`<name>.sha256` (as `sha256sum` writes it, so `sha256sum -c` checks it) and `<name>.json`
(when, the schema's migrations, the row counts). The attached files the backup's rows name
are copied into `dumas-YYYYMMDD-HHMMSS.files/` beside it and listed in the manifest
(dumas/db/backup_files.py). Restoring checks all three, never writes over an existing
file, opens the copy as the app would (migrating it if it is older), and puts the files
back into the restored database's file store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from dumas import config
from dumas.db import SCHEMA_FILE, Database, backup_files, blobs, connect, split_migrations

PREFIX = "dumas-"
_NAME = re.compile(r"^dumas-(\d{8})-(\d{6})(?:-(\d+))?\.duckdb$")
COUNTED = ("complaint", "forwarding", "response", "reminder", "plan", "monitoring",
           "periodic_report", "app_user", "audit_log", "attachment")  # fmt: skip


class BackupError(Exception):
    """A backup that cannot be taken or restored; `key` is its catalogue message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class Backup:
    path: Path
    sha256: str
    taken_at: dt.datetime
    migrations: tuple[str, ...]
    counts: dict[str, int]
    files: dict = field(default_factory=dict)  # backup_files.Carried.manifest: the files carried

    @property
    def schema(self) -> str:
        """The schema version: the last migration it holds."""
        return self.migrations[-1] if self.migrations else "-"

    def file_notes(self) -> list[tuple[str, dict[str, object]]]:
        """What the command line and the job's log say of the files carried: catalogue
        keys with their values (none when the database has no attached file)."""
        notes: list[tuple[str, dict[str, object]]] = []
        if self.files.get("count"):
            folder = self.path.with_name(self.files["folder"])
            notes.append(("cli.backup_files", {"count": self.files["count"], "folder": folder}))
        if missing := self.files.get("missing"):
            notes.append(("cli.backup_files_missing", {"count": len(missing),
                                                       "first": missing[0]}))  # fmt: skip
        return notes


def _literal(path: Path) -> str:
    """A file path as an SQL string literal (ATTACH takes no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def _counts(cur, catalog: str | None = None) -> dict[str, int]:
    """Rows of each COUNTED table (of the attached `catalog`, else the connection's own)."""
    prefix = f"{catalog}." if catalog else ""
    return {
        table: cur.execute(f"SELECT count(*) FROM {prefix}{table}").fetchall()[0][0]  # noqa: S608 - fixed names
        for table in COUNTED
    }


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def take(db: Database, folder: Path, now: dt.datetime) -> Backup:
    """A consistent copy of the database in `folder`, with its checksum and manifest, and
    the attached files it names beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.astimezone(config.TIMEZONE).strftime("%Y%m%d-%H%M%S")
    target, n = folder / f"{PREFIX}{stamp}.duckdb", 1
    while target.exists():
        n += 1
        target = folder / f"{PREFIX}{stamp}-{n}.duckdb"
    partial = folder / f".{target.name}.partial"
    files = backup_files.folder_of(target)
    files_partial = folder / f".{files.name}.partial"
    earlier = listed(folder)
    partial.unlink(missing_ok=True)
    cur = db.cursor()
    alias = f"dumas_backup_{secrets.token_hex(4)}"  # attached instance-wide: one per backup
    try:
        source = cur.execute("SELECT current_database()").fetchall()[0][0]
        cur.execute(f"ATTACH {_literal(partial)} AS {alias}")
        try:
            # One statement, one snapshot: writers go on meanwhile (MVCC).
            cur.execute(f'COPY FROM DATABASE "{source}" TO {alias}')
            names = f"SELECT name FROM {alias}.schema_migration ORDER BY name"  # noqa: S608
            migrations = tuple(r[0] for r in cur.execute(names).fetchall())
            counts = _counts(cur, alias)
            wanted = backup_files.referenced(cur, alias)
        finally:
            cur.execute(f"DETACH {alias}")
        previous = backup_files.folder_of(earlier[-1]) if earlier else None
        carried = backup_files.carry(wanted, files_partial, blobs.store_for(db.path), previous)
    except BaseException:
        partial.unlink(missing_ok=True)
        shutil.rmtree(files_partial, ignore_errors=True)
        raise
    finally:
        cur.close()
    digest = _digest(partial)
    shutil.rmtree(files, ignore_errors=True)
    if files_partial.exists():
        os.replace(files_partial, files)
    os.replace(partial, target)
    Path(f"{target}.sha256").write_text(f"{digest}  {target.name}\n", encoding="utf-8")
    carries = carried.manifest(files)
    manifest = {"taken_at": now.isoformat(), "migrations": list(migrations), "counts": counts,
                "sha256": digest, "files": carries}  # fmt: skip
    Path(f"{target}.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return Backup(target, digest, now, migrations, counts, carries)


def listed(folder: Path) -> list[Path]:
    """The backups in `folder`, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _NAME.match(p.name))


def _day(path: Path) -> str:
    found = _NAME.match(path.name)
    assert found is not None
    return found.group(1)


def prune(folder: Path, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Delete the backups retention does not keep; the ones deleted. Kept: the newest
    backup of each of the last `keep_daily` days that have one, and the newest of each of
    the last `keep_monthly` months that have one."""
    backups = listed(folder)
    kept: set[Path] = set()
    for width, keep in ((8, keep_daily), (6, keep_monthly)):
        newest: dict[str, Path] = {}
        for path in backups:  # oldest first: the last one of a period wins
            newest[_day(path)[:width]] = path
        kept |= {newest[period] for period in sorted(newest)[-keep:]} if keep > 0 else set()
    gone = [p for p in backups if p not in kept]
    for path in gone:
        for extra in (path, Path(f"{path}.sha256"), Path(f"{path}.json")):
            extra.unlink(missing_ok=True)
        backup_files.forget(path)
    return gone


def verify(path: Path) -> Backup:
    """The backup described by its manifest, after checking its checksum, that this
    version of the app knows every migration it holds, and that every file it carries is
    there as its name says."""
    if not path.is_file():
        raise BackupError("backup.error.missing", path=path)
    checksum, manifest = Path(f"{path}.sha256"), Path(f"{path}.json")
    if not checksum.is_file() or not manifest.is_file():
        raise BackupError("backup.error.no_checksum", path=path)
    expected = checksum.read_text(encoding="utf-8").split()[0]
    if _digest(path) != expected:
        raise BackupError("backup.error.checksum", path=path)
    facts = json.loads(manifest.read_text(encoding="utf-8"))
    known = {name for name, _ in split_migrations(SCHEMA_FILE.read_text(encoding="utf-8"))}
    unknown = [name for name in facts["migrations"] if name not in known]
    if unknown:
        raise BackupError("backup.error.newer_schema", path=path, schema=unknown[-1])
    files = facts.get("files") or {}  # none in a backup from before attached files
    if found := backup_files.fault(path, files):
        key, where = found
        raise BackupError(key, path=where)
    taken = dt.datetime.fromisoformat(facts["taken_at"])
    return Backup(path, expected, taken, tuple(facts["migrations"]), facts["counts"], files)


def restore(path: Path, target: Path) -> tuple[Backup, dict[str, int]]:
    """Restore a verified backup into a new file `target` (never over an existing one, nor
    beside a stray `.wal`), and its files into the file store of `target`; the backup and
    the restored database's counts ("files": the files written into the store)."""
    backup = verify(path)
    wal = Path(f"{target}.wal")
    if target.exists() or wal.exists():
        raise BackupError("backup.error.target_exists", path=target if target.exists() else wal)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(path, partial)
    os.replace(partial, target)
    db = connect(target)  # migrates a backup taken by an older version
    try:
        counts = _counts(db.cursor())
    finally:
        db.close()
    counts["files"] = backup_files.bring_back(path, backup.files, blobs.store_for(target))
    return backup, counts
