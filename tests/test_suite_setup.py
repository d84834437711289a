"""The suite's own setup: what it changes for its speed stays inside the test processes."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import MIMALLOC


def test_a_process_the_tests_start_runs_on_the_systems_allocator():
    """make test preloads mimalloc into the test processes only (tests/conftest.py): the
    app's server, the CLI and the import's reader, started by a test, run as served."""
    maps = subprocess.run(
        [sys.executable, "-c", "print(open('/proc/self/maps').read())"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "libc.so" in maps  # the child's own map was read
    assert MIMALLOC not in maps
    assert MIMALLOC not in os.environ.get("LD_PRELOAD", "")
