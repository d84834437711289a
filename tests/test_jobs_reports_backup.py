"""The nightly backup and the draft periodic reports as the scheduler runs them: real files
from a real database, a backup that restores, drafts that are never finalised."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import openpyxl
import pytest

from dumas.config import TIMEZONE
from dumas.db import Database
from dumas.db import backup as backups
from dumas.domain import periods
from dumas.domain.permissions import SYSTEM
from dumas.jobs import backup, draft_reports
from dumas.jobs.model import JobRun
from dumas.services import periodic
from tests.conftest import Factory

FIRST_WORKING_DAY = dt.datetime(2026, 12, 1, 6, 0, tzinfo=TIMEZONE)


@pytest.mark.parametrize(
    ("day", "codes"),
    [
        (dt.date(2026, 12, 1), ["2026-11"]),
        (dt.date(2026, 7, 1), ["2026-06", "2026-S1"]),
        (dt.date(2027, 1, 4), ["2026-12", "2026-S2", "2026"]),
        (dt.date(2026, 3, 15), ["2026-02"]),  # asked for by hand mid-month: the last month
    ],
)
def test_the_reports_due_are_of_the_month_just_ended_and_the_semester_and_year_it_closes(
    day, codes
):
    assert [period.code for period in draft_reports.ended_before(day)] == codes


def test_the_draft_report_job_writes_the_workbook_and_document_and_finalises_nothing(
    db: Database, make: Factory, kemendagri: int, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("DUMAS_REPORT_DIR", str(tmp_path / "laporan"))
    complaint = make.complaint(received_on=dt.date(2026, 11, 2))
    make.forward(complaint, kemendagri, dt.date(2026, 11, 3))
    november = periods.parse("2026-11")
    periodic.save_draft(db, SYSTEM, november, narrative={"key_issues": "Isu pokok uji bulan ini"},
                        revision=0, now=FIRST_WORKING_DAY)  # fmt: skip
    run = JobRun("draft_reports", FIRST_WORKING_DAY)
    outcome = draft_reports.run(db, run)
    folder = tmp_path / "laporan"
    assert sorted(p.name for p in folder.iterdir()) == [
        "laporan-pemantauan-2026-11.docx",
        "laporan-pemantauan-2026-11.xlsx",
    ]
    assert outcome.outcome == "ok"
    assert outcome.message == f"Laporan berkala 2026-11 ditulis ke {folder}."
    assert run.lines == [f"Ditulis: {folder}/laporan-pemantauan-2026-11.xlsx",
                         f"Ditulis: {folder}/laporan-pemantauan-2026-11.docx"]  # fmt: skip
    book = openpyxl.load_workbook(folder / "laporan-pemantauan-2026-11.xlsx")
    assert len(book.sheetnames) > 1  # a cover and the tables
    document = docx.Document(str(folder / "laporan-pemantauan-2026-11.docx"))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Isu pokok uji bulan ini" in text  # the narrative saved so far
    cur = db.cursor()
    assert cur.execute("SELECT count(*) FROM periodic_report").fetchone() == (0,)
    assert periodic.frozen(cur, november) is None
    assert periodic.draft(cur, november)["revision"] == 1  # the draft as it was


def test_the_nightly_backup_takes_a_copy_that_verifies_and_applies_retention(
    db: Database, make: Factory, tmp_path: Path, monkeypatch
):
    folder = tmp_path / "cadangan"
    monkeypatch.setenv("DUMAS_BACKUP_DIR", str(folder))
    monkeypatch.setenv("DUMAS_BACKUP_KEEP_DAILY", "1")
    monkeypatch.setenv("DUMAS_BACKUP_KEEP_MONTHLY", "0")
    make.complaint()
    older = backups.take(db, folder, dt.datetime(2026, 11, 26, 2, 0, tzinfo=TIMEZONE))
    run = JobRun("backup", dt.datetime(2026, 11, 27, 2, 0, tzinfo=TIMEZONE))
    outcome = backup.run(db, run)
    assert outcome.message == "Cadangan dibuat: dumas-20261127-020000.duckdb."
    taken = backups.verify(folder / "dumas-20261127-020000.duckdb")
    assert taken.counts["complaint"] == 1
    assert backups.listed(folder) == [taken.path]  # the older one pruned
    assert not older.path.exists()
    assert run.lines[0].startswith(f"Cadangan dibuat: {taken.path} (skema ")
    assert run.lines[1] == f"Cadangan lama dihapus menurut aturan penyimpanan: {older.path.name}."


def test_a_backup_setting_that_cannot_be_read_fails_the_run_before_anything_is_written(
    db: Database, tmp_path: Path, monkeypatch
):
    monkeypatch.setenv("DUMAS_BACKUP_DIR", str(tmp_path / "cadangan"))
    monkeypatch.setenv("DUMAS_BACKUP_KEEP_DAILY", "empat belas")
    with pytest.raises(ValueError, match="DUMAS_BACKUP_KEEP_DAILY"):
        backup.run(db, JobRun("backup", dt.datetime(2026, 11, 27, 2, 0, tzinfo=TIMEZONE)))
    assert not (tmp_path / "cadangan").exists()
