"""The import drop folder end to end on a real database file, with workbooks the tests
write: each file imported once and moved to done/ with its report, a bad one to failed/
with the reason, a file still being written left alone until it is complete."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path

import openpyxl
import pytest

from dumas.config import TIMEZONE
from dumas.db import Database
from dumas.jobs.drop_folder import DropFolder
from dumas.jobs.model import JobRun, Outcome
from tests.importing import HEADERS, row, xlsx

NOW = dt.datetime(2026, 11, 27, 10, 15, 30, tzinfo=TIMEZONE)
STAMP = "20261127-101530"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "import"


@pytest.fixture
def drop(folder: Path) -> DropFolder:
    return DropFolder(folder, settle_seconds=2)


def put(folder: Path, name: str, data: bytes, *, age: float = 60) -> Path:
    """A file dropped `age` seconds ago (its modification time set back)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def look(drop: DropFolder, db: Database, now: dt.datetime = NOW) -> tuple[Outcome, list[str]]:
    run = JobRun("import_drop", now)
    return drop(db, run), run.lines


def complaints(db: Database) -> list[str]:
    return [r[0] for r in db.cursor().execute("SELECT agenda_no FROM complaint").fetchall()]


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_dropped_workbook_is_imported_once_and_moved_to_done_with_its_report(db, drop, folder):
    put(folder, "rekap-november.xlsx", xlsx([row(agenda_no="DROP-0001")]))
    outcome, lines = look(drop, db)  # first look: seen, not yet known to be complete
    assert outcome.outcome == "skipped"
    assert lines == ["rekap-november.xlsx menunggu: mungkin masih disalin."]
    assert complaints(db) == []
    outcome, lines = look(drop, db)
    assert (outcome.outcome, outcome.message) == ("ok", "1 berkas diimpor, 0 gagal.")
    assert complaints(db) == ["DROP-0001"]
    assert listing(folder) == [f"done/rekap-november-{STAMP}.txt",
                               f"done/rekap-november-{STAMP}.xlsx"]  # fmt: skip
    report = (folder / "done" / f"rekap-november-{STAMP}.txt").read_text("utf-8").splitlines()
    assert report[0] == "Impor selesai."
    assert "  Baris dibaca: 1 (duplikat persis: 0; ditolak: 0)" in report
    assert (
        lines[0] == f"rekap-november.xlsx diimpor, dipindahkan ke done/rekap-november-{STAMP}.xlsx."
    )
    assert lines[1:] == [f"  {line}" for line in report]
    outcome, _ = look(drop, db)  # nothing left: the file is not imported again
    assert outcome.outcome == "skipped"
    imports = "SELECT entity_id FROM audit_log WHERE action = 'import'"
    assert db.cursor().execute(imports).fetchall() == [("rekap-november.xlsx",)]


def test_a_file_of_the_same_name_dropped_later_is_imported_too(db, drop, folder):
    put(folder, "rekap.csv", _csv("DROP-0001", "B-1/D-4/DM.04.00/11/2026"))
    look(drop, db)
    look(drop, db)
    put(folder, "rekap.csv", _csv("DROP-0002", "B-2/D-4/DM.04.00/11/2026"))
    look(drop, db)
    outcome, _ = look(drop, db, NOW + dt.timedelta(minutes=2))
    assert outcome.outcome == "ok"
    assert sorted(complaints(db)) == ["DROP-0001", "DROP-0002"]
    assert listing(folder) == [
        f"done/rekap-{STAMP}.csv",
        f"done/rekap-{STAMP}.txt",
        "done/rekap-20261127-101730.csv",
        "done/rekap-20261127-101730.txt",
    ]


def test_a_workbook_with_invalid_rows_goes_to_failed_with_the_reasons_and_writes_nothing(
    db, drop, folder
):
    bad = row(agenda_no="DROP-0002", received_on="31/02/2026")
    put(folder, "salah.xlsx", xlsx([row(agenda_no="DROP-0001"), bad]))
    look(drop, db)
    outcome, lines = look(drop, db)
    assert (outcome.outcome, outcome.message) == ("failed", "0 berkas diimpor, 1 gagal.")
    assert complaints(db) == []
    assert listing(folder) == [f"failed/salah-{STAMP}-ditolak.xlsx", f"failed/salah-{STAMP}.txt",
                               f"failed/salah-{STAMP}.xlsx"]  # fmt: skip
    report = (folder / "failed" / f"salah-{STAMP}.txt").read_text("utf-8")
    assert report.startswith("Impor dibatalkan")
    assert "Baris 5" in report and "Tanggal Diterima" in report  # the row and its column
    rejects = openpyxl.load_workbook(folder / "failed" / f"salah-{STAMP}-ditolak.xlsx")
    values = [c for r in rejects.active.iter_rows(values_only=True) for c in r]
    assert "DROP-0002" in values and "DROP-0001" not in values
    assert lines[0] == f"salah.xlsx tidak diimpor, dipindahkan ke failed/salah-{STAMP}.xlsx."


def test_a_file_that_cannot_be_read_goes_to_failed_with_the_reason(db, drop, folder):
    put(folder, "rusak.xlsx", b"PK\x03\x04 bukan buku kerja")
    look(drop, db)
    outcome, _ = look(drop, db)
    assert outcome.outcome == "failed"
    report = (folder / "failed" / f"rusak-{STAMP}.txt").read_text("utf-8")
    assert report == (
        "Berkas “rusak.xlsx” tidak dapat dibaca. Pastikan berkas tidak rusak dan tidak dikunci"
        " dengan kata sandi.\n"
    )
    assert listing(folder) == [f"failed/rusak-{STAMP}.txt", f"failed/rusak-{STAMP}.xlsx"]


def test_a_file_still_being_written_waits_until_it_is_unchanged_and_settled(db, drop, folder):
    whole = xlsx([row(agenda_no="DROP-0001")])
    path = put(folder, "besar.xlsx", whole[:1000])  # the copy has begun
    look(drop, db)
    put(folder, "besar.xlsx", whole[:5000])  # it grew between two looks
    outcome, _ = look(drop, db)
    assert outcome.outcome == "skipped"
    put(folder, "besar.xlsx", whole, age=0.2)  # complete, but written a moment ago
    look(drop, db)
    outcome, lines = look(drop, db)
    assert (outcome.outcome, lines) == ("skipped", ["besar.xlsx menunggu: mungkin masih disalin."])
    assert path.exists() and complaints(db) == []
    then = time.time() - 60
    os.utime(path, (then, then))  # settled now, as the next look sees it
    look(drop, db)
    outcome, _ = look(drop, db)
    assert outcome.outcome == "ok"
    assert complaints(db) == ["DROP-0001"]


def test_other_files_in_the_folder_are_left_alone(db, drop, folder):
    put(folder, "catatan.txt", b"bukan data")
    put(folder, "~$rekap.xlsx", b"kunci Excel")
    put(folder, ".rekap.csv.part", b"salinan")
    outcome, lines = look(drop, db)
    assert (outcome.outcome, lines) == ("skipped", [])
    assert outcome.message == f"Tidak ada berkas baru di {folder}."
    assert listing(folder) == [".rekap.csv.part", "catatan.txt", "~$rekap.xlsx"]


def _csv(agenda_no: str, letter_no: str) -> bytes:
    """The row as a semicolon CSV, dates typed as the office does."""
    values = row(agenda_no=agenda_no, letter_no=letter_no)
    cells = [v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else (v or "") for v in values]
    return (";".join(HEADERS) + "\n" + ";".join(map(str, cells)) + "\n").encode("utf-8")
