"""`python -m tests.typecheck` (make typecheck): mypy against a baseline that only shrinks.

mypy checks what `[tool.mypy]` in pyproject.toml names. Its errors are compared with
`mypy-baseline.txt`, one known error per line, written without its line number so that an
edit above an old error does not make it look new. Any error beyond the baseline fails;
baseline entries that no longer occur are reported, to be dropped with
`make typecheck-baseline` (`--update`), which refuses to let the baseline grow.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "mypy-baseline.txt"
# "dumas/x.py:12: error: Message  [code]"; notes and the summary line are not errors.
_ERROR = re.compile(r"^(?P<path>[^:\s][^:]*):\d+(?::\d+)?: error: (?P<message>.*)$")
_LINE_REF = re.compile(r"\bon line \d+\b")


def normalise(mypy_output: str) -> Counter[str]:
    """Each error as `path: message  [code]`, counted; line numbers left out."""
    errors: Counter[str] = Counter()
    for line in mypy_output.splitlines():
        match = _ERROR.match(line.strip())
        if match:
            message = _LINE_REF.sub("on line N", match["message"])
            errors[f"{match['path'].replace(chr(92), '/')}: {message}"] += 1
    return errors


def read_baseline(path: Path = BASELINE) -> Counter[str]:
    if not path.exists():
        return Counter()
    lines = path.read_text(encoding="utf-8").splitlines()
    return Counter(line for line in lines if line and not line.startswith("#"))


def write_baseline(errors: Counter[str], path: Path = BASELINE) -> None:
    header = "# Known mypy errors (python -m tests.typecheck); this list may only shrink.\n"
    path.write_text(header + "".join(f"{e}\n" for e in sorted(errors.elements())), "utf-8")


def compare(current: Counter[str], baseline: Counter[str]) -> tuple[Counter[str], Counter[str]]:
    """(new errors not in the baseline, baseline entries that no longer occur)."""
    return current - baseline, baseline - current


def run_mypy(*args: str, cwd: Path = ROOT) -> str:
    """mypy's report; a crash or a configuration error (exit 2) stops everything."""
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--no-pretty", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"mypy failed (exit {done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def report(new: Counter[str], gone: Counter[str]) -> list[str]:
    lines = [f"new type error: {e}" for e in sorted(new.elements())]
    if gone:
        lines.append(
            f"{sum(gone.values())} baseline error(s) no longer occur; "
            "shrink the baseline with `make typecheck-baseline`:"
        )
        lines += [f"  fixed: {e}" for e in sorted(gone.elements())]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.typecheck", description=__doc__)
    parser.add_argument("--update", action="store_true", help="rewrite the baseline (shrink)")
    parser.add_argument("--allow-growth", action="store_true", help="with --update: accept new")
    args = parser.parse_args(argv)
    current = normalise(run_mypy())
    baseline = read_baseline()
    new, gone = compare(current, baseline)
    if args.update:
        if new and not args.allow_growth:
            print("\n".join(report(new, Counter())))
            print("refusing to add errors to the baseline (fix them, or --allow-growth)")
            return 1
        write_baseline(current)
        print(f"baseline: {sum(baseline.values())} -> {sum(current.values())} errors")
        return 0
    for line in report(new, gone):
        print(line)
    print(f"mypy: {sum(current.values())} errors, {sum(new.values())} beyond the baseline")
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
