"""The command line run in this process: main(argv) with its output captured.

A subprocess costs a fresh interpreter and its imports (1-2 s) per call; the commands'
own behaviour is the same in-process. test_cli keeps real `python -m dumas` runs where a
separate process is the point: the entry point's exit status, and a database file held by
another process (DuckDB shares one instance between connections of a process, so a
holder in this process would not hold anything).
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
from unittest import mock

from dumas.__main__ import main
from tests.conftest import TODAY


def run_cli(*args: str, db: str | None = None) -> subprocess.CompletedProcess:
    """python -m dumas ARGS [--db DB] with today pinned: exit status, stdout, stderr."""
    argv = [*args, *(["--db", db] if db else [])]
    out, err = io.StringIO(), io.StringIO()
    with (
        mock.patch.dict(os.environ, {"DUMAS_TODAY": TODAY.isoformat()}),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse refusing the arguments
            code = exit_.code if isinstance(exit_.code, int) else 2
    return subprocess.CompletedProcess(["python", "-m", "dumas", *argv], code, out.getvalue(),
                                       err.getvalue())  # fmt: skip
