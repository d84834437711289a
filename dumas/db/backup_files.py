"""The attached files a backup carries (dumas/db/backup.py): copied beside it, checked by
`verify`, and put back into the file store by `restore`.

Beside `dumas-YYYYMMDD-HHMMSS.duckdb` the folder `dumas-YYYYMMDD-HHMMSS.files/` holds every
file the backup's `attachment` rows name (removed ones too), laid out as the folder store
lays them out (`ab/cdef…`, the name being the SHA-256 of the content), and the backup's
`.json` manifest lists them with their sizes. A file the newest earlier backup already
holds, unchanged, is hard-linked from it instead of copied (the content cannot differ: it
is the name), so daily backups of a large store take the space of the new files only.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from dumas.db import blobs

SUFFIX = ".files"


@dataclass(frozen=True)
class Carried:
    """What a backup carries of the file store: the objects copied, their bytes, and the
    ones its rows name that the store did not have (or had altered) when it was taken."""

    objects: list[tuple[str, int]]
    missing: list[str]

    def manifest(self, folder: Path) -> dict:
        return {"folder": folder.name, "count": len(self.objects),
                "bytes": sum(size for _, size in self.objects),
                "objects": [list(pair) for pair in self.objects],
                "missing": self.missing}  # fmt: skip


def folder_of(backup: Path) -> Path:
    """The folder of a backup's files: `dumas-….files` beside `dumas-….duckdb`."""
    return backup.with_suffix(SUFFIX)


def referenced(cur: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, int]]:
    """Each distinct file the attachment rows of the attached `catalog` name, with its size."""
    sql = f"SELECT sha256, max(size) FROM {catalog}.attachment GROUP BY ALL ORDER BY ALL"  # noqa: S608
    return [(digest, int(size)) for digest, size in cur.execute(sql).fetchall()]


def carry(
    wanted: list[tuple[str, int]], partial: Path, source: blobs.BlobStore, earlier: Path | None
) -> Carried:
    """Copy the wanted files from the store into the folder `partial` (renamed by the
    caller once the backup is whole), each checked against its name; hard-linked from the
    earlier backup's folder where it holds the same file. No folder when none is wanted."""
    shutil.rmtree(partial, ignore_errors=True)
    if not wanted:
        return Carried([], [])
    partial.mkdir(parents=True)
    kept, missing = [], []
    for digest, size in wanted:
        target = partial / blobs.relative_path(digest)
        if earlier is not None and _link(earlier / blobs.relative_path(digest), target, digest):
            kept.append((digest, size))
            continue
        try:
            data = source.get(digest)
        except blobs.BlobMissing:
            missing.append(digest)
            continue
        if blobs.digest_of(data) != digest:
            missing.append(digest)  # altered in the store: not carried as if it were good
            continue
        blobs.write_whole(target, data)
        kept.append((digest, size))
    return Carried(kept, missing)


def _link(found: Path, target: Path, digest: str) -> bool:
    """Hard-link an earlier backup's copy, if it is there and still what its name says."""
    try:
        if blobs.digest_of(found.read_bytes()) != digest:
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.link(found, target)
    except OSError:  # not there, or another file system: copied instead
        return False
    return True


def fault(backup: Path, manifest: dict) -> tuple[str, Path] | None:
    """The first file the manifest lists that the backup's folder lacks or holds altered:
    (catalogue key, its path); None when every one is there as its name says."""
    folder = folder_of(backup)
    for digest, _ in manifest.get("objects", []):
        path = folder / blobs.relative_path(digest)
        if not path.is_file():
            return "backup.error.file_missing", path
        if blobs.digest_of(path.read_bytes()) != digest:
            return "backup.error.file_altered", path
    return None


def bring_back(backup: Path, manifest: dict, store: blobs.BlobStore) -> int:
    """Put the backup's files into the store (those it lacks); how many were written."""
    folder, written = folder_of(backup), 0
    for digest, _ in manifest.get("objects", []):
        if not store.exists(digest):
            store.put(digest, (folder / blobs.relative_path(digest)).read_bytes())
            written += 1
    return written


def forget(backup: Path) -> None:
    """Delete a backup's folder of files (retention)."""
    shutil.rmtree(folder_of(backup), ignore_errors=True)
