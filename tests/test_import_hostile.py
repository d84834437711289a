"""Hostile files end in a clean refusal or a clean import, and never change the database.

Each file is previewed (the page's "Pratinjau") against a real database holding one
complaint, and a refused file is also imported: a refusal must be an ImportFileError that
reads in both languages; a preview must read exactly the table's rows (refusing only the
rows it should); and the database must be as it was, row for row.
"""

from __future__ import annotations

import io
import random
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dumas import i18n
from dumas.db import Database, connect
from dumas.importer import import_file
from dumas.importer.model import ImportFileError
from tests import hostile_files as hf
from tests.conftest import ANALYST, TODAY, Factory
from tests.importing import KEMENDAGRI

ROWS = 3  # the valid data rows of every table below
HUGE = "A1:XFD1048576"
# The reader's own refusals all say "the file cannot be read", with the reason.
READER_KEYS = {
    "import.error.unreadable", "import.error.encrypted", "import.error.zip_bomb",
    "import.error.sheet_too_large", "import.error.cell_too_long",
    "import.error.csv_field_too_long", "import.error.too_large", "import.error.read_memory",
    "import.error.read_timeout", "import.error.read_crash", "import.error.read_too_much",
}  # fmt: skip


def _stray(ref: str, text: str, **sheet: object) -> bytes:
    return hf.xlsx([*hf.table_cells(ROWS), (ref, text)], **sheet)


def _row_with(index: int, text: str) -> list[hf.Cell]:
    rows = hf.data_rows(ROWS)
    rows[0][index] = text
    return hf.grid([hf.HEADERS, *rows])


def _inline(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'.encode()


def _formulas() -> bytes:
    """Row 2's received date is a formula with its value; row 3's was never calculated."""
    sheet = hf.sheet_xml(hf.table_cells(ROWS))
    sheet = sheet.replace(
        _inline("B2", "02/03/2026"),
        b'<c r="B2" t="str"><f>TEXT(DATE(2026,3,2),"dd/mm/yyyy")</f><v>02/03/2026</v></c>',
    )
    return hf.workbook(sheet.replace(_inline("B3", "02/03/2026"), b'<c r="B3"><f>TODAY()</f></c>'))


def _error_cell() -> bytes:
    """Row 2's letter date is #DIV/0!."""
    sheet = hf.sheet_xml(hf.table_cells(ROWS))
    error = b'<c r="M2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
    return hf.workbook(sheet.replace(_inline("M2", "04/03/2026"), error))


def _parts(book: bytes) -> dict[str, bytes]:
    package = zipfile.ZipFile(io.BytesIO(book))
    return {info.filename: package.read(info) for info in package.infolist()}


def _laughs() -> bytes:
    """workbook.xml declaring entities that expand a billion times."""
    parts = _parts(hf.xlsx(hf.table_cells(ROWS)))
    entities = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    dtd = f'<!DOCTYPE workbook [<!ENTITY l0 "lol">{entities}]>'.encode()
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"?>", b"?>" + dtd, 1)
    return hf.zipped(parts)


def _many_members() -> bytes:
    parts = _parts(hf.xlsx(hf.table_cells(ROWS)))
    parts.update({f"xl/media/{n}.bin": b"" for n in range(6_000)})
    return hf.zipped(parts, method=zipfile.ZIP_STORED)


def _future_zip() -> bytes:
    """A package whose central directory asks for zip version 25.5 (found by make fuzz)."""
    book = bytearray(hf.xlsx(hf.table_cells(ROWS)))
    entry = book.index(b"PK\x01\x02")
    book[entry + 6 : entry + 8] = (255).to_bytes(2, "little")
    return bytes(book)


def _csv(encodings: Callable[[int], str] = lambda n: "utf-8") -> bytes:
    return hf.csv_bytes([hf.HEADERS, *hf.data_rows(ROWS)], encodings)


# name -> (file name, the file, a refusal's message id or (rows read, rows refused))
CASES: dict[str, tuple[str, Callable[[], bytes], str | tuple[int, int]]] = {
    "a value at XFD1048576": (
        "stray.xlsx", lambda: _stray("XFD1048576", "x"), "import.error.sheet_too_large"),
    "a value at XFD1048576 under a false small dimension": (
        "stray.xlsx", lambda: _stray("XFD1048576", "x", dimension="A1:Q4"),
        "import.error.sheet_too_large"),
    "a value at A1048576": (
        "stray.xlsx", lambda: _stray("A1048576", "x"), "import.error.sheet_too_large"),
    "a space at XFD1048576": ("stray.xlsx", lambda: _stray("XFD1048576", " "), (ROWS, 0)),
    "a space in column XFD after the rows, shared strings": (
        "stray.xlsx", lambda: _stray("XFD5", " ", shared=True, dimension=HUGE), (ROWS, 0)),
    "a space at XFD1048576 under a false small dimension": (
        "stray.xlsx", lambda: _stray("XFD1048576", " ", dimension="A1:Q4"), (ROWS, 0)),
    "a lone dash at XFD2 under a false small dimension": (
        "stray.xlsx", lambda: _stray("XFD2", "-", dimension="A1:Q4"), (ROWS, 0)),
    "a dimension of A1:XFD1048576 over a small table": (
        "besar.xlsx", lambda: hf.xlsx(hf.table_cells(ROWS), dimension=HUGE), (ROWS, 0)),
    "no dimension and cells without r": (
        "tanpa-r.xlsx",
        lambda: hf.xlsx(hf.table_cells(ROWS, empty=True), dimension=None, refs=False),
        (ROWS, 0)),
    "x: prefixed parts under a huge dimension": (
        "sdk.xlsx", lambda: _stray("XFD9", " ", prefix="x", dimension=HUGE), (ROWS, 0)),
    "a workbook cut in half": (
        "rusak.xlsx", lambda: (b := hf.xlsx(hf.table_cells(ROWS)))[: len(b) // 2],
        "import.error.unreadable"),
    "a zip asking for a zip version from the future": (
        "versi.xlsx", _future_zip, "import.error.unreadable"),
    "a shared strings part a thousand times its compressed size": (
        "bom.xlsx", hf.zip_bomb, "import.error.zip_bomb"),
    "6,000 parts in one package": ("bom.xlsx", _many_members, "import.error.zip_bomb"),
    "a 40,000-character cell (its row refused for the length)": (
        "panjang.xlsx", lambda: hf.xlsx(_row_with(9, "x" * 40_000)), (ROWS, 1)),
    "a 40,000-character cell under a huge dimension": (
        "panjang.xlsx", lambda: hf.xlsx(_row_with(9, "x" * 40_000), dimension=HUGE),
        "import.error.cell_too_long"),
    "formulas, one never calculated (its row lacks the date)": (
        "rumus.xlsx", _formulas, (ROWS, 1)),
    "an error cell where a date should be": ("galat.xlsx", _error_cell, (ROWS, 1)),
    "a password-protected workbook (OLE container)": (
        "sandi.xlsx", hf.encrypted_workbook, "import.error.encrypted"),
    "NUL characters escaped in cells": (
        "nul.xlsx", lambda: hf.xlsx(_row_with(2, "Siti\x00Aminah")), (ROWS, 0)),
    "an empty .xlsx": ("kosong.xlsx", lambda: b"", "import.error.unreadable"),
    "an empty .csv": ("kosong.csv", lambda: b"", "import.error.empty_sheet"),
    "a CSV named .xlsx": ("rekap.xlsx", _csv, "import.error.unreadable"),
    "a workbook named .csv": (
        "rekap.csv", lambda: hf.xlsx(hf.table_cells(ROWS)), "import.error.unreadable"),
    "entities expanding a billion times in workbook.xml": (
        "tawa.xlsx", _laughs, "import.error.unreadable"),
    "a CSV holding a NUL byte": (
        "nul.csv", lambda: _csv() + b"\x00", "import.error.unreadable"),
    "a CSV with one Windows-1252 row": (
        "campur.csv", lambda: _csv(lambda n: "cp1252" if n == 3 else "utf-8"), (ROWS, 0)),
    "a CSV with a 40,000-character field": (
        "panjang.csv", lambda: hf.csv_bytes([hf.HEADERS, ["HST-1", "x" * 40_000]]),
        "import.error.csv_field_too_long"),
    "a CSV 600 columns wide": (
        "lebar.csv", lambda: hf.csv_bytes([hf.HEADERS, *hf.data_rows(ROWS), ["x"] * 600]),
        "import.error.too_large"),
}  # fmt: skip


@pytest.fixture(scope="module")
def seeded(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One database for every case (none may write to it): one complaint and its letter."""
    path = tmp_path_factory.mktemp("hostile") / "dumas.duckdb"
    shutil.copy(template_db, path)
    database = connect(path)
    make = Factory(database)
    make.forward(make.complaint(), make.agency(KEMENDAGRI), TODAY.replace(day=2))
    yield database
    database.close()


@pytest.mark.parametrize("case", list(CASES))
def test_a_hostile_file_is_refused_or_read_cleanly_and_nothing_is_written(seeded, case):
    db = seeded
    before = hf.fingerprint(db)
    filename, build, expected = CASES[case]
    data = build()
    outcome = _preview(db, data, filename)
    if isinstance(expected, str):
        assert outcome == expected
        assert _preview(db, data, filename, dry_run=False) == expected
    else:
        assert (outcome.rows_read, len(outcome.rejected_rows)) == expected
    assert hf.fingerprint(db) == before


def _preview(db, data: bytes, filename: str, dry_run: bool = True):
    """The report, or the refusal's message id once it is known to read in both languages."""
    try:
        return import_file(db, ANALYST, data, filename, today=TODAY, dry_run=dry_run)
    except ImportFileError as error:
        texts = [
            i18n.t(error.key, lang, **i18n.display_params(error.params, lang))
            for lang in i18n.LANGUAGES
        ]
        if error.key in READER_KEYS:
            assert "tidak dapat dibaca" in texts[0] and "cannot be read" in texts[1]
        return error.key


def test_a_space_typed_far_away_imports_the_rows_of_the_clean_file(db):
    clean = import_file(db, ANALYST, hf.xlsx(hf.table_cells(ROWS)), "a.xlsx", today=TODAY)
    stray = import_file(db, ANALYST, _stray("XFD1048576", " "), "b.xlsx", today=TODAY)
    assert clean.counts["complaint"].created == ROWS
    assert stray.counts["complaint"].unchanged == ROWS
    assert stray.table.rows == clean.table.rows
    assert stray.table.headers == clean.table.headers  # trailing blank columns trimmed


def test_the_farthest_filled_cell_is_named_so_the_clerk_can_clear_it(db):
    with pytest.raises(ImportFileError) as caught:
        import_file(db, ANALYST, _stray("XFD1048576", "x"), "stray.xlsx", today=TODAY)
    text = i18n.t(caught.value.key, "id", **i18n.display_params(caught.value.params, "id"))
    assert "sel terjauh yang berisi: XFD1048576" in text
    assert "terisi sampai baris 1.048.576 dan kolom XFD" in text


def test_damaged_copies_of_a_workbook_end_cleanly(db):
    """Seeded random damage (bytes flipped, ends cut): each refused or read, none written."""
    rng = random.Random(20261127)
    good = hf.xlsx(hf.table_cells(ROWS), shared=True)
    before = hf.fingerprint(db)
    outcomes = set()
    for n in range(24):
        data = hf.mutated(good, rng, flips=1 + n % 4) if n % 3 else good[: rng.randrange(len(good))]
        outcome = _preview(db, data, "acak.xlsx")
        outcomes.add(outcome if isinstance(outcome, str) else "read")
    assert hf.fingerprint(db) == before
    assert "import.error.unreadable" in outcomes
