"""The type-check baseline: a new error fails, a fixed one is reported, line moves are not."""

from __future__ import annotations

import itertools
import os
from collections import Counter
from pathlib import Path

import pytest

from tests import typecheck

_TWO_ERRORS = """\
def name(x: int) -> str:
    return x


def count(x: str) -> int:
    return x
"""


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> str:
    """One mypy cache for these tests: the standard library is analysed once, not per test."""
    return str(tmp_path_factory.mktemp("mypy_cache"))


# mypy's cache trusts a file whose size and whole-second mtime are unchanged; an edit in
# the same second that keeps the size ("str" -> "int") must still be seen.
_MTIMES = itertools.count(1_700_000_000)


def _mypy(tmp_path: Path, cache: str, source: str) -> Counter[str]:
    module = tmp_path / "mod.py"
    module.write_text(source, encoding="utf-8")
    stamp = next(_MTIMES)
    os.utime(module, (stamp, stamp))
    return typecheck.normalise(typecheck.run_mypy("--cache-dir", cache, "mod.py", cwd=tmp_path))


def test_mypy_errors_are_counted_per_file_and_message_without_line_numbers(tmp_path, cache):
    errors = _mypy(tmp_path, cache, _TWO_ERRORS + _TWO_ERRORS.replace("name", "other"))
    assert errors == Counter(
        {
            'mod.py: Incompatible return value type (got "int", expected "str")  [return-value]': 2,
            'mod.py: Incompatible return value type (got "str", expected "int")  [return-value]': 2,
            'mod.py: Name "count" already defined on line N  [no-redef]': 1,
        }
    )


def test_an_error_not_in_the_baseline_fails_and_a_moved_one_does_not(tmp_path, cache):
    baseline = _mypy(tmp_path, cache, _TWO_ERRORS)
    moved_and_one_more = "\n\n\n" + _TWO_ERRORS + "\n\ndef third() -> int:\n    return 'x'\n"
    new, gone = typecheck.compare(_mypy(tmp_path, cache, moved_and_one_more), baseline)
    assert new == Counter(
        {'mod.py: Incompatible return value type (got "str", expected "int")  [return-value]': 1}
    )
    assert gone == Counter()
    assert typecheck.report(new, gone) == [
        'new type error: mod.py: Incompatible return value type (got "str", expected "int")'
        "  [return-value]"
    ]


def test_a_fixed_error_is_reported_so_the_baseline_can_shrink(tmp_path, cache):
    baseline_file = tmp_path / "baseline.txt"
    typecheck.write_baseline(_mypy(tmp_path, cache, _TWO_ERRORS), baseline_file)
    fixed = _TWO_ERRORS.replace("def count(x: str)", "def count(x: int)")
    baseline = typecheck.read_baseline(baseline_file)
    new, gone = typecheck.compare(_mypy(tmp_path, cache, fixed), baseline)
    assert new == Counter()
    assert list(gone) == [
        'mod.py: Incompatible return value type (got "str", expected "int")  [return-value]'
    ]
    assert "shrink the baseline with `make typecheck-baseline`" in typecheck.report(new, gone)[0]


def test_the_committed_baseline_is_sorted_and_written_as_the_tool_writes_it(tmp_path):
    committed = typecheck.read_baseline()
    rewritten = tmp_path / "baseline.txt"
    typecheck.write_baseline(committed, rewritten)
    assert rewritten.read_text("utf-8") == typecheck.BASELINE.read_text("utf-8")


@pytest.mark.slow
def test_the_code_has_no_type_error_beyond_the_baseline():
    """The check itself (`make typecheck`), run here so that it shares the two cores with
    the rest of the suite instead of running alone before it (about 18 s with no cache)."""
    new, gone = typecheck.compare(
        typecheck.normalise(typecheck.run_mypy()), typecheck.read_baseline()
    )
    assert not new, "\n".join(typecheck.report(new, gone))
