"""Where one run of a command prints, reads its input files, writes its output files, and
which database it works on.

A run in the terminal (python -m dumas) prints to the process's stdout and stderr, opens
the file named by --db and closes it at the end, and reads and writes the user's files.
A run handed over to the app (POST /ops/command) works on the serving database, which it
neither opens again nor closes; it prints into buffers (the server is multi-threaded: the
process's sys.stdout is no one command's), reads the files the command line sent and keeps
the files it writes for the command line to write at the user's paths.
"""

from __future__ import annotations

import argparse
import errno
import os
from pathlib import Path
from typing import TextIO

from dumas import config
from dumas.db import Database, connect


class Console:
    """One command's streams, files and database (see the module's docstring)."""

    def __init__(
        self,
        out: TextIO,
        err: TextIO,
        *,
        serving: Database | None = None,
        inputs: dict[str, bytes] | None = None,
        cwd: Path | None = None,
    ) -> None:
        self.out, self.err = out, err
        self.serving = serving
        self.inputs = inputs or {}  # handed over: the files the command line sent, by their path
        self.outputs: dict[str, bytes] = {}  # handed over: the files written, by their path
        self.cwd = cwd  # handed over: the command line's folder, for relative paths
        self._opened: list[Database] = []

    @property
    def handed_over(self) -> bool:
        return self.serving is not None

    def open(self, args: argparse.Namespace, *, read_only: bool = False) -> Database:
        """The database of --db (read-only for the commands that only read); handed over,
        the serving database, already open and left open."""
        if self.serving is not None:
            return self.serving
        db = connect(config.db_path(args.db), read_only=read_only)
        self._opened.append(db)
        return db

    def read(self, path: str) -> bytes:
        """An input file's bytes (OSError as reading it would raise)."""
        if not self.handed_over:
            return Path(path).read_bytes()
        if path not in self.inputs:
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
        return self.inputs[path]

    def write(self, path: str | Path, data: bytes) -> None:
        """An output file at the user's path (handed over: kept for the command line)."""
        if not self.handed_over:
            Path(path).write_bytes(data)
        else:
            self.outputs[str(path)] = data

    def local(self, path: str | Path) -> Path:
        """A path the user named, where this process finds it (handed over: relative to
        the command line's folder)."""
        if self.cwd is None or not self.handed_over:
            return Path(path)
        return self.cwd / path

    def print(self, *values: object, end: str = "\n", flush: bool = False) -> None:
        print(*values, end=end, file=self.out, flush=flush)

    def error(self, *values: object, end: str = "\n", flush: bool = False) -> None:
        print(*values, end=end, file=self.err, flush=flush)

    def close(self) -> None:
        """Close what this run opened (never the serving database)."""
        while self._opened:
            self._opened.pop().close()
