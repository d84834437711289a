"""The file store: the bytes of attached files, named by their SHA-256.

The database keeps what it knows of each attaching (table `attachment`); the bytes live
here, one object per distinct content, so the same scan attached twice is stored once.
`BlobStore` is all the app asks of a store; `FolderStore` keeps the objects in a folder
(by default `files/` beside the database: `files/ab/cdef…` for the digest `abcdef…`).
An S3-compatible object store would implement the same three methods with the digest as
the object key (README "Attached files"). A service writes the object first and then the
row, so a crash between the two leaves an object no row names: harmless, and stored again
under the same name if the same file is attached later.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path
from typing import Protocol

from dumas import config

_DIGEST = re.compile(r"^[0-9a-f]{64}$")


class BlobMissing(LookupError):
    """The store holds no object of this digest."""


class BlobStore(Protocol):
    """Where the bytes of attached files live, by the hex SHA-256 of their content."""

    def put(self, digest: str, data: bytes) -> bool:
        """Keep `data` under its digest; True if written now, False if it was there."""
        ...

    def get(self, digest: str) -> bytes:
        """The bytes kept under the digest (BlobMissing when there are none)."""
        ...

    def exists(self, digest: str) -> bool:
        """Whether an object of this digest is kept."""
        ...


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def relative_path(digest: str) -> Path:
    """Where an object lies under a folder store's root: `ab/cdef…` (ValueError for a
    string that is no hex SHA-256, so no name can climb out of the folder)."""
    if not _DIGEST.match(digest):
        raise ValueError(f"not a SHA-256 digest: {digest!r}")
    return Path(digest[:2]) / digest[2:]


class FolderStore:
    """Objects as files under `root`, each written whole (a temporary file, flushed to the
    disk, then renamed) so a reader never sees part of one."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, digest: str) -> Path:
        return self.root / relative_path(digest)

    def exists(self, digest: str) -> bool:
        return self.path(digest).is_file()

    def get(self, digest: str) -> bytes:
        try:
            return self.path(digest).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(digest) from None

    def put(self, digest: str, data: bytes) -> bool:
        if digest_of(data) != digest:
            raise ValueError("the bytes do not have this digest")
        target = self.path(digest)
        if target.is_file():
            return False
        write_whole(target, data)
        return True


def write_whole(target: Path, data: bytes) -> None:
    """`data` at `target`, atomically: a temporary file beside it, fsynced, renamed over,
    and the folder fsynced so the rename survives a crash."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        with partial.open("xb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def store_for(database: Path) -> FolderStore:
    """The store of the database at this path (config.files_dir: DUMAS_FILES_DIR, else
    `files/` beside it)."""
    return FolderStore(config.files_dir(database))
