"""python -m dumas import: exit codes, messages, rejects file, progress on the terminal."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl

from tests.cli_support import run_cli as _run
from tests.importing import row, xlsx


def _file(tmp_path, rows, name="rekap.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx(rows))
    return str(path)


def _summary(db: str) -> dict:
    return json.loads(_run("summary", "--json", db=db).stdout)


def test_a_valid_file_is_imported_and_summary_counts_it(db_path, tmp_path):
    db = str(db_path)
    result = _run(
        "import", _file(tmp_path, [row(), row(agenda_no="IMP-2", letter_no="B-2")]), db=db
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Impor selesai."
    assert "Surat penerusan: 2 baru, 0 diperbarui, 0 tetap" in result.stdout
    assert "Menulis ke basis data" in result.stderr  # the progress line
    summary = _summary(db)
    assert (summary["complaints"], summary["forwardings"], summary["lacking_response"]) == (2, 2, 2)


def test_an_invalid_row_exits_2_and_writes_nothing(db_path, tmp_path):
    db = str(db_path)
    rows = [row(), row(agenda_no=None, letter_no="B-2")]
    result = _run("import", _file(tmp_path, rows), db=db)
    assert result.returncode == 2
    assert result.stdout.startswith("Impor dibatalkan: 1 baris tidak valid")
    assert "Baris 5, kolom No Agenda:" in result.stdout
    assert _summary(db)["complaints"] == 0


def test_skip_invalid_writes_the_rejected_rows_to_an_xlsx(db_path, tmp_path):
    db = str(db_path)
    rejects = tmp_path / "ditolak.xlsx"
    rows = [row(), row(agenda_no="IMP-2", letter_no="B-2", letter_date=dt.date(2026, 2, 1))]
    result = _run(
        "import", _file(tmp_path, rows), "--skip-invalid", "--rejects", str(rejects), db=db
    )
    assert result.returncode == 0, result.stderr
    assert str(rejects) in result.stdout
    sheet = openpyxl.load_workbook(rejects).active
    assert sheet.cell(6, 3).value == "IMP-2"  # after Baris and Alasan
    assert "lebih awal dari tanggal pengaduan diterima" in sheet.cell(6, 2).value
    assert _summary(db)["forwardings"] == 1


def test_a_dry_run_writes_nothing(db_path, tmp_path):
    db = str(db_path)
    result = _run("import", _file(tmp_path, [row()]), "--dry-run", db=db)
    assert result.returncode == 0
    assert result.stdout.startswith("Pratinjau:")
    assert "Pengaduan: 1 akan dibuat" in result.stdout
    assert _summary(db)["complaints"] == 0


def test_a_missing_required_column_is_named(db_path, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["No Agenda", "Tanggal Diterima", "Instansi Tujuan"])
    book.active.append(["IMP-1", dt.date(2026, 3, 2), "Kementerian Dalam Negeri"])
    path = tmp_path / "kurang.xlsx"
    book.save(path)
    result = _run("import", str(path), db=str(db_path))
    assert result.returncode == 2
    assert "No Surat Penerusan" in result.stderr and "Tanggal Surat Penerusan" in result.stderr


def test_a_file_that_is_not_a_spreadsheet_gets_one_clear_message(db_path, tmp_path):
    path = tmp_path / "catatan.txt"
    path.write_text("bukan lembar kerja")
    result = _run("import", str(path), db=str(db_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    messages = [line for line in result.stderr.splitlines() if "tidak didukung" in line]
    assert messages == [
        "Jenis berkas “catatan.txt” tidak didukung. Berkas yang didukung: .xlsx, .csv."
    ]


def test_an_error_message_starts_on_its_own_line_after_the_progress(db_path, tmp_path):
    path = tmp_path / "kosong.xlsx"
    openpyxl.Workbook().save(path)
    result = _run("import", str(path), db=str(db_path))
    assert result.returncode == 2
    progress, message = result.stderr.rsplit("\n", 2)[-3:-1]
    assert progress.endswith("Membaca berkas…   0%")  # the progress line, ended by a newline
    assert message == "Lembar “Sheet” kosong."


def test_a_workbook_the_reader_cannot_take_is_refused_with_the_reason_and_exit_2(db_path, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["No Agenda", "Tanggal Diterima"])
    book.active["XFD1048576"] = "x"  # a stray keystroke far away
    path = tmp_path / "stray.xlsx"
    book.save(path)
    result = _run("import", str(path), "--lang", "en", db=str(db_path))
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith(
        "The file cannot be read: sheet “Sheet” is filled down to row 1,048,576 and across to "
        "column XFD (farthest filled cell: XFD1048576)"
    )


def test_all_sheets_imports_every_yearly_sheet_and_reports_each(db_path, tmp_path):
    from tests.importing import hand_kept_workbook

    db, path = str(db_path), tmp_path / "rekap-2024-2026.xlsx"
    path.write_bytes(hand_kept_workbook())
    result = _run("import", str(path), "--all-sheets", db=db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Impor selesai."
    assert "  Lembar “2025”" in lines
    assert "    Baris jumlah/total dilewati (bukan data): 1, yaitu baris 9." in lines
    assert any(line.startswith("  Lembar “Sampul” dilewati:") for line in lines)
    assert _summary(db)["complaints"] == 7


def test_all_sheets_and_a_named_sheet_cannot_be_asked_together(db_path, tmp_path):
    result = _run("import", _file(tmp_path, [row()]), "--all-sheets", "--sheet", "2025",
                  db=str(db_path))  # fmt: skip
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr
