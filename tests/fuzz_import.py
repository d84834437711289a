"""`python -m tests.fuzz_import --files 1000` (make fuzz): many generated hostile files.

Each file is previewed against a real database of demo data, as the Impor Data page does.
Every outcome must be a clean import report or an ImportFileError, and the database must
hash the same after every file. Prints the outcomes, the slowest files, and the peak memory
of this process (the server's stand-in) and of the reader children. A failing file is
kept in the output folder to be replayed.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import random
import resource
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from dumas.db import connect, demo
from dumas.domain.permissions import SYSTEM
from dumas.importer import import_file
from dumas.importer.model import ImportFileError
from tests import hostile_files as hf

Maker = Callable[[random.Random], tuple[str, bytes]]
TODAY = dt.date(2026, 11, 27)  # as in tests/conftest.py (not imported: it loads Streamlit)


def _far_ref(rng: random.Random) -> str:
    column = rng.choice([rng.randint(18, 60), rng.randint(60, 16_384), 16_384])
    row = rng.choice([rng.randint(5, 100), rng.randint(100, 1_048_576), 1_048_576])
    return f"{hf.column_name(column)}{row}"


def stray_cell(rng: random.Random) -> tuple[str, bytes]:
    cells = [
        *hf.table_cells(rng.randint(1, 40)),
        (_far_ref(rng), rng.choice([" ", "  ", "-", "x"])),
    ]
    dimension = rng.choice(["auto", "auto", None, "A1:Q2", "A1:XFD1048576"])
    options = {"shared": rng.random() < 0.5, "prefix": rng.choice(["", "", "x"])}
    return "stray.xlsx", hf.xlsx(cells, dimension=dimension, **options)


def huge_dimension(rng: random.Random) -> tuple[str, bytes]:
    ref = f"A1:{hf.column_name(rng.randint(1, 16_384))}{rng.randint(1, 1_048_576)}"
    return "dimensi.xlsx", hf.xlsx(hf.table_cells(rng.randint(1, 20)), dimension=ref)


def damaged(rng: random.Random) -> tuple[str, bytes]:
    good = hf.xlsx(hf.table_cells(rng.randint(1, 20)), shared=rng.random() < 0.5)
    if rng.random() < 0.4:
        return "potong.xlsx", good[: rng.randrange(len(good))]
    return "rusak.xlsx", hf.mutated(good, rng, flips=rng.randint(1, 20))


def bomb(rng: random.Random) -> tuple[str, bytes]:
    return "bom.xlsx", hf.zip_bomb(rng.randint(2, 24) << 20)


def huge_cell(rng: random.Random) -> tuple[str, bytes]:
    rows = hf.data_rows(3)
    rows[rng.randrange(3)][9] = rng.choice("xé–") * rng.choice([5_000, 33_000, 200_000])
    dimension = rng.choice(["auto", "A1:XFD1048576"])
    return "panjang.xlsx", hf.xlsx(hf.grid([hf.HEADERS, *rows]), dimension=dimension)


def odd_cells(rng: random.Random) -> tuple[str, bytes]:
    """Formulas with or without values, error cells, booleans, numbers where dates go."""
    sheet = hf.sheet_xml(hf.table_cells(5)).decode()
    for ref in rng.sample([f"{c}{r}" for c in "ABLM" for r in range(2, 7)], 6):
        start = sheet.find(f'<c r="{ref}"')
        if start >= 0:
            end = sheet.index("</c>", start) + 4
            sheet = sheet[:start] + rng.choice(_ODD).format(ref=ref) + sheet[end:]
    return "aneh.xlsx", hf.workbook(sheet.encode())


_ODD = [
    '<c r="{ref}"><f>TODAY()</f></c>',
    '<c r="{ref}" t="str"><f>A1</f><v>02/03/2026</v></c>',
    '<c r="{ref}" t="e"><v>#N/A</v></c>',
    '<c r="{ref}" t="b"><v>1</v></c>',
    '<c r="{ref}"><v>46083</v></c>',
    '<c r="{ref}"><v>1e308</v></c>',
    '<c r="{ref}" t="s"><v>99999</v></c>',
    '<c r="{ref}" t="inlineStr"><is><t>_x0000__x001F_</t></is></c>',
]


def encrypted(rng: random.Random) -> tuple[str, bytes]:
    return "sandi.xlsx", hf.encrypted_workbook() + rng.randbytes(rng.randint(0, 4096))


def csv_file(rng: random.Random) -> tuple[str, bytes]:
    rows = [hf.HEADERS, *hf.data_rows(rng.randint(1, 30))]
    for row in rng.sample(rows[1:], min(3, len(rows) - 1)):
        row[2] = rng.choice(["José Núñez", "Zoë – “kutip”", "x" * rng.choice([10, 40_000])])
    windows = {n for n in range(1, len(rows) + 1) if rng.random() < 0.2}
    data = hf.csv_bytes(rows, lambda n: "cp1252" if n in windows else "utf-8")
    if rng.random() < 0.2:
        data = hf.mutated(data, rng, flips=rng.randint(1, 10))
    return "rekap.csv", data


def swapped(rng: random.Random) -> tuple[str, bytes]:
    choices = [
        ("rekap.xlsx", hf.csv_bytes([hf.HEADERS, *hf.data_rows(2)])),
        ("rekap.csv", hf.xlsx(hf.table_cells(2))),
        (rng.choice(["kosong.xlsx", "kosong.csv"]), b""),
        (rng.choice(["acak.xlsx", "acak.csv"]), rng.randbytes(rng.randint(1, 5000))),
    ]
    return rng.choice(choices)


MAKERS: list[Maker] = [
    stray_cell, stray_cell, huge_dimension, damaged, damaged, bomb, huge_cell, odd_cells,
    encrypted, csv_file, csv_file, swapped,
]  # fmt: skip


def run(files: int, seed: int, out: Path) -> int:
    """Preview `files` generated files; 0 when every one ended cleanly and wrote nothing."""
    rng = random.Random(seed)
    db = connect(out / "fuzz.duckdb")
    demo.generate(db, 200, today=TODAY)
    before = hf.fingerprint(db)
    outcomes: collections.Counter[str] = collections.Counter()
    slowest: list[tuple[float, str]] = []
    failures = 0
    start = time.perf_counter()
    for n in range(files):
        maker = rng.choice(MAKERS)
        name, data = maker(rng)
        began = time.perf_counter()
        outcome = _preview(db, name, data)
        seconds = time.perf_counter() - began
        slowest = sorted([*slowest, (seconds, f"{n:04d} {maker.__name__} {name}")])[-5:]
        if outcome.startswith("FAIL") or hf.fingerprint(db) != before:
            failures += 1
            (out / f"{n:04d}-{name}").write_bytes(data)
            print(f"{n:04d} {maker.__name__}: {outcome}", file=sys.stderr)
        outcomes[outcome.splitlines()[0]] += 1
    _summary(files, time.perf_counter() - start, outcomes, slowest, failures, out)
    return 1 if failures else 0


def _preview(db, name: str, data: bytes) -> str:
    try:
        report = import_file(db, SYSTEM, data, name, today=TODAY, dry_run=True)
    except ImportFileError as error:
        return error.key
    except Exception:
        return "FAIL " + traceback.format_exc()
    return "read (rows refused)" if report.errors else "read"


def _summary(files, seconds, outcomes, slowest, failures, out) -> None:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"{files} files in {seconds:.1f} s; failures: {failures} (kept in {out})")
    for outcome, count in outcomes.most_common():
        print(f"  {count:5}  {outcome}")
    print("slowest: " + "; ".join(f"{name} {s:.2f} s" for s, name in reversed(slowest)))
    print(f"peak memory: this process {own:.0f} MB, largest reader child {children:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz_import", description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--out", help="folder for the database and failing files")
    args = parser.parse_args(argv)
    out = Path(args.out or tempfile.mkdtemp(prefix="dumas-fuzz-"))
    out.mkdir(parents=True, exist_ok=True)
    return run(args.files, args.seed, out)


if __name__ == "__main__":
    sys.exit(main())
