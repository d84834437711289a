"""The suite's own setup: what it changes for its speed stays inside the test processes."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from dumas.config import ROOT
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


def test_the_library_the_makefile_preloads_is_the_one_the_pinned_wheel_installs():
    """A new cmeel-mimalloc that renamed its library would leave the suite on glibc's
    allocator without a word (the Makefile preloads only a file it finds)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    pattern = re.search(r"^MIMALLOC = \$\(shell ls \$\(CURDIR\)/\$\(VENV\)/(\S+) ", makefile, re.M)
    assert pattern, "the Makefile's MIMALLOC line changed: update this test"
    found = list(Path(sys.prefix).glob(pattern[1]))
    assert len(found) == 1, f"{pattern[1]} not in {sys.prefix}: run make install"
