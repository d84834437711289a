"""Untrusted files are parsed in a child process, so that no file can take the server down.

The child (dumas.importer.reader_child) runs under a memory limit (DUMAS_READ_MEMORY_MB)
and a time limit (DUMAS_READ_SECONDS, enforced by a watchdog here and a CPU limit there).
A native abort, an exhausted memory, a kill or a timeout ends that child only and becomes
an ImportFileError "file cannot be read: <reason>". What the child sends back is unpickled
with an allow-list of classes (dates and times), never with plain pickle.loads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import io
import logging
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Generator, Mapping

from dumas import config
from dumas.importer.headers import encode_aliases
from dumas.importer.model import ImportFileError
from dumas.importer.reader_child import EXIT_MEMORY

PIPE_BYTES = 1 << 20  # the default pipe-max-size of Linux
MAX_TRANSFER_BYTES = 256 << 20  # all frames of one read (100,000 rows of 17 cells: 40 MB)
_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from dumas.importer.reader_child import main; sys.exit(main(sys.argv[2:]))"
)
_CLASSES = {("datetime", name): getattr(dt, name) for name in ("date", "datetime", "time")}
_CLASSES[("datetime", "timedelta")] = dt.timedelta
_log = logging.getLogger(__name__)


class _Unpickler(pickle.Unpickler):
    """Builds only containers, numbers, text and the datetime classes."""

    def find_class(self, module: str, name: str) -> object:
        try:
            return _CLASSES[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed") from None


def frames(
    mode: str,
    data: bytes,
    filename: str,
    sheet: str | None = None,
    aliases: Mapping[str, str] | None = None,
) -> Generator[tuple, None, None]:
    """The frames a reader child sends for this file; ImportFileError if the child fails.

    `aliases`: the headings users taught the import, passed to the child as an argument."""
    child = _Child(mode, filename, sheet or "", encode_aliases(aliases or {}))
    try:
        child.start(data)
        while True:
            frame = child.next_frame()
            yield frame
            if frame[0] in ("end", "error", "sheets"):
                return
    finally:
        child.stop()


class _Child:
    """One reader process, its watchdog, and what its death means."""

    def __init__(self, mode: str, filename: str, sheet: str, aliases: str = "") -> None:
        self.args = [mode, filename, sheet]
        self.aliases = aliases  # headers.encode_aliases: the child's last argument
        self.filename = filename
        self.memory_mb, self.seconds = config.read_memory_mb(), config.read_seconds()
        self.timed_out = False
        self.received = 0
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.proc: subprocess.Popen | None = None
        self.timer = threading.Timer(self.seconds, self._expire)
        self.timer.daemon = True

    def start(self, data: bytes) -> None:
        command = [sys.executable, "-I", "-c", _BOOT, str(config.ROOT), *self.args]
        command += [str(self.memory_mb), str(self.seconds), self.aliases]
        env = {"RUST_BACKTRACE": "0", "LC_ALL": "C.UTF-8", "PATH": os.defpath}
        try:
            self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, env=env
            )
        except OSError as exc:  # no process to be had (the machine is out of them or memory)
            _log.warning("cannot start a reader child: %s", exc)
            raise ImportFileError("import.error.read_crash", {"filename": self.filename}) from exc
        _widen(self.proc.stdout)
        self.timer.start()
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # the child died while reading its input: next_frame says why

    def next_frame(self) -> tuple:
        """The next frame; raises the child's failure when there is none."""
        stream = self.proc.stdout
        size = int.from_bytes(stream.read(8) or b"\0" * 8, "little")
        self.received += size
        if size == 0 or self.received > MAX_TRANSFER_BYTES:
            raise self._failure(too_much=self.received > MAX_TRANSFER_BYTES)
        data = stream.read(size)
        try:
            frame = _Unpickler(io.BytesIO(data)).load()
        except Exception as exc:  # cut short (the child died), or not what our child writes
            raise self._failure() from exc
        if not isinstance(frame, tuple) or not frame or not isinstance(frame[0], str):
            raise self._failure()
        return frame

    def stop(self) -> None:
        """Stop the watchdog; the child, done or not, is reaped without keeping the caller."""
        self.timer.cancel()
        if self.proc is not None:
            self.proc.stdout.close()
            if self.proc.poll() is None:  # still exiting (a large heap takes a moment)
                threading.Thread(target=self._reap, daemon=True).start()
        self.stderr.close()

    def _reap(self) -> None:
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def _expire(self) -> None:
        self.timed_out = True
        if self.proc is not None:
            self.proc.kill()

    def _failure(self, too_much: bool = False) -> ImportFileError:
        """Why the child stopped without a last frame, as the user will read it."""
        if too_much:
            self.proc.kill()
        try:
            status = self.proc.wait(timeout=self.seconds)
        except subprocess.TimeoutExpired:
            self._expire()
            status = self.proc.wait()
        self.stderr.seek(0)
        tail = self.stderr.read()[-2000:]
        _log.info("reader child for %s ended with %s: %r", self.filename, status, tail)
        return _error(status, tail, self, too_much)


def _widen(pipe: io.BufferedReader) -> None:
    """A 1 MB pipe (Linux) holds a whole frame: the child writes the next one while this
    process unpickles the last, instead of each waiting on the other."""
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _error(status: int, tail: bytes, child: _Child, too_much: bool) -> ImportFileError:
    params: dict[str, object] = {"filename": child.filename}
    if too_much:
        limit = MAX_TRANSFER_BYTES >> 20
        return ImportFileError("import.error.read_too_much", {**params, "limit": limit})
    if child.timed_out or status == -signal.SIGXCPU:
        return ImportFileError("import.error.read_timeout", {**params, "seconds": child.seconds})
    memory = status in (EXIT_MEMORY, -signal.SIGKILL) or b"memory allocation" in tail
    if memory:
        return ImportFileError("import.error.read_memory", {**params, "limit": child.memory_mb})
    return ImportFileError("import.error.read_crash", params)
