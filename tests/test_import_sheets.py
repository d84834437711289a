"""Sheets as they are really kept: two-row headers, total rows, one sheet per year."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from dumas.importer import import_file
from dumas.importer.files import sheets_rejects_xlsx
from dumas.importer.footers import total_rows
from dumas.importer.headers import map_columns
from dumas.importer.import_report import terminal_lines
from dumas.importer.model import ImportFileError
from dumas.importer.reading import read_table
from tests.conftest import ANALYST, TODAY
from tests.importing import HAND_KEPT_ROWS, KEMENDAGRI, hand_kept_workbook, row, xlsx


def _run(db, data: bytes, **mode):
    return import_file(db, ANALYST, data, "rekap.xlsx", today=TODAY, **mode)


def _counts(counts) -> dict[str, tuple[int, int, int]]:
    return {k: (c.created, c.updated, c.unchanged) for k, c in counts.items()}


def _total(db, table: str) -> int:
    return db.cursor().execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _book(rows: list[list[object]], merged: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for values in rows:
        sheet.append(values)
    for cells in merged:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- two-row headers ------------------------------------------------------------------

PLAN_STYLE = [
    ["REKAP TINDAK LANJUT 2025"],
    [],
    ["No", "No Agenda", "Tanggal Diterima", "Instansi Tujuan", "Surat Penerusan", None,
     "Tanggapan", None, None],
    [None, None, None, None, "No", "Tanggal", "No", "Tanggal", "Status"],
    [1, "A-1", dt.date(2025, 3, 3), KEMENDAGRI, "B-1/2025", dt.date(2025, 3, 5), "T-1/2025",
     dt.date(2025, 4, 1), "Selesai"],
]  # fmt: skip
PLAN_MERGES = ("A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:F3", "G3:I3")


def test_a_group_title_over_sub_headings_makes_one_heading_per_column():
    table = read_table(_book(PLAN_STYLE, PLAN_MERGES), "rekap.xlsx")
    assert table.header_row == 3
    assert table.headers == [
        "No", "No Agenda", "Tanggal Diterima", "Instansi Tujuan", "Surat Penerusan No",
        "Surat Penerusan Tanggal", "Tanggapan No", "Tanggapan Tanggal", "Tanggapan Status",
    ]  # fmt: skip
    assert [number for number, _ in table.rows] == [5]


def test_the_combined_headings_map_to_the_canonical_fields_and_the_counter_is_ignored():
    columns, unknown, missing = map_columns(read_table(_book(PLAN_STYLE), "r.xlsx").headers)
    assert columns == {
        1: "agenda_no", 2: "received_on", 3: "agency", 4: "letter_no", 5: "letter_date",
        6: "response_no", 7: "response_date", 8: "response_status",
    }  # fmt: skip
    assert (unknown, missing) == ([], [])


def test_a_title_row_above_a_one_row_header_is_not_read_as_a_group():
    data = _book([["REKAP TINDAK LANJUT PENGADUAN"], ["No Agenda", "Tanggal Diterima", "Saluran"]])
    table = read_table(data, "rekap.xlsx")
    assert (table.header_row, table.headers) == (2, ["No Agenda", "Tanggal Diterima", "Saluran"])


def test_a_sub_heading_that_names_a_field_by_itself_keeps_its_own_name_under_a_group():
    data = _book(
        [
            ["Pengaduan", None, "Surat Penerusan", None],
            ["No Agenda", "Tanggal Diterima", "No", "Tanggal"],
        ]
    )
    assert read_table(data, "rekap.xlsx").headers == [
        "No Agenda", "Tanggal Diterima", "Surat Penerusan No", "Surat Penerusan Tanggal",
    ]  # fmt: skip


def test_a_two_row_header_imports_its_rows(db):
    report = _run(db, _book(PLAN_STYLE, PLAN_MERGES))
    assert report.applied and not report.errors
    assert _counts(report.counts) == {
        "complaint": (1, 0, 0), "forwarding": (1, 0, 0), "response": (1, 0, 0),
    }  # fmt: skip


# ---- total rows -----------------------------------------------------------------------


def test_total_rows_are_left_out_and_named_not_refused(db):
    rows = [
        row(),
        row(agenda_no="IMP-2", letter_no="B-2"),
        ["JUMLAH"],
        ["Jumlah Total", *[None] * 8, "2 pengaduan"],  # text beside the label: not a total
        [None] * 16 + ["12"],
        ["Grand Total:"],
    ]
    report = _run(db, xlsx(rows))
    assert report.total_rows == [6, 8, 9]
    assert report.rows_read == 3
    assert report.rejected_rows == [7]  # the row with text beside its label
    assert "  Baris jumlah/total dilewati (bukan data): 3, yaitu baris 6, 8, 9." in (
        terminal_lines(report, "id")
    )


def test_a_sheet_with_only_total_rows_beneath_its_data_imports_cleanly(db):
    report = _run(db, xlsx([row(), ["Total"], [None] * 16 + [1]]))
    assert report.applied and not report.errors
    assert (report.rows_read, report.total_rows) == (1, [5, 6])


def test_a_data_row_is_never_taken_for_a_total(db):
    rows = [
        row(agenda_no="TOTAL", letter_no="B-9"),  # an odd agenda number, but a data row
        row(agenda_no=None, received_on=None, agency=None, letter_no=1, letter_date=None),
        ["Jumlah", 3, dt.date(2026, 3, 2)],  # a date where data rows have theirs
    ]
    report = _run(db, xlsx(rows), skip_invalid=True)
    assert report.total_rows == []
    assert {e.row for e in report.errors} == {5, 6}
    assert db.cursor().execute("SELECT agenda_no FROM complaint").fetchall() == [("TOTAL",)]


def test_a_pre_filled_row_counter_alone_is_no_total():
    data = _book(
        [
            [
                "No",
                "No Agenda",
                "Tanggal Diterima",
                "Instansi Tujuan",
                "No Surat Penerusan",
                "Tanggal Surat Penerusan",
            ],
            [1, "A-1", dt.date(2026, 3, 2), KEMENDAGRI, "B-1", dt.date(2026, 3, 4)],
            [2],
            [3],
        ]
    )
    table = read_table(data, "rekap.xlsx")
    assert total_rows(table, map_columns(table.headers)[0]) == []


# ---- several sheets: the hand-kept workbook -------------------------------------------


def _per_sheet(report) -> dict[str, tuple]:
    return {
        p.sheet: (p.rows_read, p.total_rows, len(p.errors), _counts(p.counts))
        for p in report.sheets
    }


EXPECTED_SHEETS = {
    "2024": (3, [8], 0, {"complaint": (3, 0, 0), "forwarding": (3, 0, 0), "response": (1, 0, 0)}),
    "2025": (3, [9], 0, {"complaint": (2, 0, 1), "forwarding": (2, 0, 1), "response": (1, 0, 0)}),
    "2026": (3, [6, 7], 0, {"complaint": (2, 0, 1), "forwarding": (3, 0, 0),
                            "response": (0, 0, 0)}),
}  # fmt: skip


def test_all_sheets_of_a_hand_kept_workbook_import_each_reported_apart(db):
    report = _run(db, hand_kept_workbook(), all_sheets=True)
    assert report.applied and not report.errors
    assert _per_sheet(report) == EXPECTED_SHEETS
    assert [(s.sheet, s.reason.key) for s in report.skipped_sheets] == [
        ("Sampul", "import.error.no_header")
    ]
    assert report.rows_read == 9
    assert _counts(report.counts) == {
        "complaint": (7, 0, 2), "forwarding": (8, 0, 1), "response": (2, 0, 0),
    }  # fmt: skip
    assert (_total(db, "complaint"), _total(db, "forwarding"), _total(db, "response")) == (7, 8, 2)
    assert report.sheets[2].unknown_columns == ["Lama Proses (hari)"]


def test_the_report_names_each_sheet_its_total_rows_and_the_skipped_cover(db):
    lines = terminal_lines(_run(db, hand_kept_workbook(), all_sheets=True, dry_run=True), "id")
    assert "  Lembar berisi data: 3" in lines
    assert "  Lembar “Sampul” dilewati: Baris judul kolom tidak ditemukan dalam 30 baris " \
        "pertama. Judul kolom harus memuat sedikitnya dua nama yang dikenal, misalnya " \
        "“No Agenda” dan “Tanggal Diterima”." in lines  # fmt: skip
    assert lines.index("  Lembar “2026”") < lines.index(
        "    Baris jumlah/total dilewati (bukan data): 2, yaitu baris 6, 7."
    )
    assert "    Pengaduan: 2 akan dibuat, 0 akan diperbarui, 1 tetap" in lines


def test_a_preview_of_all_sheets_counts_what_the_import_does_and_writes_nothing(db):
    preview = _run(db, hand_kept_workbook(), all_sheets=True, dry_run=True)
    assert _per_sheet(preview) == EXPECTED_SHEETS
    assert _total(db, "complaint") == 0


def test_importing_all_sheets_again_changes_nothing(db):
    _run(db, hand_kept_workbook(), all_sheets=True)
    again = _run(db, hand_kept_workbook(), all_sheets=True)
    assert _counts(again.counts) == {
        "complaint": (0, 0, 9), "forwarding": (0, 0, 9), "response": (0, 0, 2),
    }  # fmt: skip
    assert _total(db, "complaint") == 7


def _with_invalid_row() -> bytes:
    rows = {sheet: list(values) for sheet, values in HAND_KEPT_ROWS.items()}
    late = {**rows["2025"][1], "agenda_no": "A-2025-009", "letter_no": "B-9/D-4/2025",
            "letter_date": dt.date(2025, 3, 1)}  # before the complaint came in  # fmt: skip
    rows["2025"].append(late)
    return hand_kept_workbook(rows)


def test_an_invalid_row_on_one_sheet_stops_the_import_of_every_sheet(db):
    report = _run(db, _with_invalid_row(), all_sheets=True)
    assert report.blocked
    assert [(p.sheet, p.rejected_rows) for p in report.sheets if p.errors] == [("2025", [9])]
    assert _total(db, "complaint") == 0
    assert any(line.startswith("  - 2025: Baris 9, kolom Surat Penerusan Tanggal:")
               for line in terminal_lines(report, "id"))  # fmt: skip


def test_skip_invalid_writes_the_valid_rows_of_every_sheet_and_rejects_with_their_sheet(db):
    report = _run(db, _with_invalid_row(), all_sheets=True, skip_invalid=True)
    assert report.applied and report.rejected_rows == [9]
    assert _total(db, "complaint") == 7
    rejects = openpyxl.load_workbook(io.BytesIO(sheets_rejects_xlsx(report.sheets, "id", "uji")))
    values = list(rejects.active.iter_rows(min_row=5, values_only=True))
    header = values[0]
    assert header[:3] == ("Lembar", "Baris", "Alasan")
    record = dict(zip(header, values[1], strict=True))
    assert (record["Lembar"], record["Baris"], record["No Agenda"]) == ("2025", 9, "A-2025-009")
    assert record["No Surat Penerusan"] == "B-9/D-4/2025"  # under the canonical heading


def test_a_workbook_without_any_data_sheet_is_refused_naming_its_sheets(db):
    data = _book([["Catatan"], ["Tidak ada data di sini"]])
    with pytest.raises(ImportFileError) as caught:
        _run(db, data, all_sheets=True)
    assert caught.value.key == "import.error.no_data_sheets"
    assert caught.value.params == {"sheets": "Sheet"}


def test_a_sheet_whose_header_lacks_required_columns_is_skipped_with_their_names(db):
    book = openpyxl.load_workbook(io.BytesIO(hand_kept_workbook()))
    rekap = book.create_sheet("Rekap instansi")
    rekap.append(["Instansi Tujuan", "Status Tanggapan", "Jumlah"])
    rekap.append([KEMENDAGRI, "Selesai", 4])
    hidden = book.create_sheet("Lama")
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    report = _run(db, buffer.getvalue(), all_sheets=True)
    assert [(s.sheet, s.reason.key) for s in report.skipped_sheets] == [
        ("Sampul", "import.error.no_header"),
        ("Lama", "import.sheet.hidden"),
        ("Rekap instansi", "import.error.missing_columns"),
    ]
    assert report.applied and [p.sheet for p in report.sheets] == ["2024", "2025", "2026"]


def test_a_csv_imported_with_all_sheets_is_its_one_table(db):
    data = (
        "No Agenda;Tanggal Diterima;Instansi Tujuan;No Surat Penerusan;Tanggal Surat Penerusan\r\n"
    )
    data += f"A-1;02/03/2026;{KEMENDAGRI};B-1;04/03/2026\r\nJumlah;;;;\r\n"
    report = import_file(db, ANALYST, data.encode(), "rekap.csv", today=TODAY, all_sheets=True)
    assert [(p.sheet, p.rows_read, p.total_rows) for p in report.sheets] == [("rekap.csv", 1, [3])]
