"""The reader child: reads one untrusted file under a memory and a CPU time limit.

Started by dumas.importer.sandbox as
`python -I -c BOOT ROOT MODE FILENAME SHEET MB SECONDS [ALIASES]` with the file's bytes on
stdin; ALIASES are the headings users taught the import (headers.encode_aliases), given
here because the child opens no database. It writes length-prefixed pickled frames to stdout (see
dumas.importer.table_reader) and exits; whatever the file does to the reader (a native
abort, memory exhausted, an endless loop) ends this process only. It imports only what
reading needs: no database, no pandas.
"""

from __future__ import annotations

import gc
import io
import os
import pickle
import resource
import sys

from dumas.importer import table_reader
from dumas.importer.headers import decode_aliases
from dumas.importer.model import ImportFileError

EXIT_MEMORY = 71  # a MemoryError in Python code; a native allocation failure aborts
_STDERR_BYTES = 1 << 20  # the child's stderr is a file: a runaway message stops here


def main(argv: list[str]) -> int:
    """Run one read; the exit status is 0 whenever a frame said how it ended.

    Does not return: the process ends as soon as the last frame is written.
    """
    import python_calamine  # noqa: F401 - mapped before the memory limit, which counts it

    mode, filename, sheet, memory_mb, seconds, *rest = argv
    aliases = decode_aliases(rest[0]) if rest else {}
    limit(int(memory_mb), int(seconds))
    gc.disable()  # millions of cells, no cycles
    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    try:
        if mode == "sheets":
            send(out, ("sheets", table_reader.sheet_names(data, filename)))
        else:
            exact = mode in ("exact", "all-exact")
            if mode in ("all", "all-exact"):  # every sheet of the workbook
                produced = table_reader.all_frames(data, filename, exact, aliases)
            else:
                produced = table_reader.frames(data, filename, sheet or None, exact, aliases)
            for frame in produced:
                send(out, frame)
    except ImportFileError as error:
        send(out, ("error", error.key, error.params))
    except MemoryError:
        os._exit(EXIT_MEMORY)
    out.flush()
    os._exit(0)  # no teardown: freeing a large grid cell by cell would keep the parent waiting


def limit(memory_mb: int, seconds: int) -> None:
    """Cap this process: data segment (heap and anonymous maps), CPU time, no core file.

    RLIMIT_DATA rather than RLIMIT_AS, by measurement (2026-12-02): reading the 100,000-row
    bench workbook peaks at 178 MB resident (208 MB of address space) and works from 192 MB
    under either limit, not at 176 MB; the stray-cell workbook aborts at once under either.
    Being equal here, the one that counts memory the reader can write to wins: RLIMIT_AS
    would also count address space only reserved (thread stacks, per-thread malloc arenas).
    """
    _set(resource.RLIMIT_DATA, memory_mb << 20)
    _set(resource.RLIMIT_CPU, seconds)
    _set(resource.RLIMIT_CORE, 0)
    _set(resource.RLIMIT_FSIZE, _STDERR_BYTES)


def _set(which: int, soft: int) -> None:
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(which, (soft, hard if which == resource.RLIMIT_CPU else soft))


def send(out: io.BufferedWriter, frame: tuple) -> None:
    """One frame: its length as 8 bytes, then the pickle."""
    data = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(len(data).to_bytes(8, "little"))
    out.write(data)
    out.flush()
