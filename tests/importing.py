"""Spreadsheets for the import tests, written by the tests themselves."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import duckdb
import openpyxl

from dumas.importer.model import CANONICAL

HEADERS = list(CANONICAL.values())
KEMENDAGRI = "Kementerian Dalam Negeri"
BPN = "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional"


def row(**values: object) -> list[object]:
    """A data row in canonical column order; unnamed cells stay empty."""
    base = {
        "agenda_no": "IMP-0001",
        "received_on": dt.date(2026, 3, 2),
        "complainant_name": "Budi Santoso",
        "channel": "Surat",
        "province": "DKI Jakarta",
        "regency": "Kota Jakarta Pusat",
        "reported_agency": KEMENDAGRI,
        "problem_code": "02",
        "category": "Pelayanan Publik",
        "summary": "Layanan KTP elektronik tertunda",
        "agency": KEMENDAGRI,
        "letter_no": "B-1/D-4/DM.04.00/03/2026",
        "letter_date": dt.date(2026, 3, 4),
    }
    base.update(values)
    return [base.get(field) for field in CANONICAL]


def xlsx(rows: list[list[object]], *, title: bool = True) -> bytes:
    """A workbook with a title row above the header, as offices keep them."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["REKAP TINDAK LANJUT PENGADUAN MASYARAKAT"])
        sheet.append([])
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- a workbook as a unit keeps it by hand: one sheet per year ---------------------------

# Each yearly sheet's data rows, by field. A row repeated across sheets (A-2024-003's letter
# on 2025, A-2024-001 on 2026 with a new letter) is what clerks do when a case runs on.
HAND_KEPT_ROWS: dict[str, list[dict[str, object]]] = {
    "2024": [
        {"agenda_no": "A-2024-001", "received_on": dt.date(2024, 2, 5),
         "complainant_name": "Budi Santoso", "agency": KEMENDAGRI,
         "letter_no": "B-1/D-4/2024", "letter_date": dt.date(2024, 2, 7)},
        {"agenda_no": "A-2024-002", "received_on": dt.date(2024, 5, 10),
         "complainant_name": "Siti Aminah", "agency": BPN,
         "letter_no": "B-2/D-4/2024", "letter_date": dt.date(2024, 5, 13),
         "response_no": "T-1/BPN/2024", "response_date": dt.date(2024, 6, 3),
         "response_status": "Selesai"},
        {"agenda_no": "A-2024-003", "received_on": dt.date(2024, 11, 20),
         "complainant_name": "Rahmat Hidayat", "agency": KEMENDAGRI,
         "letter_no": "B-3/D-4/2024", "letter_date": dt.date(2024, 11, 22)},
    ],
    "2025": [
        {"agenda_no": "A-2024-003", "received_on": dt.date(2024, 11, 20), "agency": KEMENDAGRI,
         "letter_no": "B-3/D-4/2024", "letter_date": dt.date(2024, 11, 22),
         "response_no": "T-7/Kemendagri/2025", "response_date": dt.date(2025, 1, 15),
         "response_status": "Dalam proses"},
        {"agenda_no": "A-2025-001", "received_on": dt.date(2025, 3, 3),
         "complainant_name": "Dewi Lestari", "agency": BPN,
         "letter_no": "B-1/D-4/2025", "letter_date": dt.date(2025, 3, 5)},
        {"agenda_no": "A-2025-002", "received_on": dt.date(2025, 8, 18),
         "complainant_name": "Agus Salim", "agency": KEMENDAGRI,
         "letter_no": "B-2/D-4/2025", "letter_date": dt.date(2025, 8, 20)},
    ],
    "2026": [
        {"agenda_no": "A-2026-001", "received_on": dt.date(2026, 1, 12), "agency": KEMENDAGRI,
         "letter_no": "B-1/D-4/2026", "letter_date": dt.date(2026, 1, 14), "days": 5},
        {"agenda_no": "A-2026-002", "received_on": dt.date(2026, 2, 2), "agency": BPN,
         "letter_no": "B-2/D-4/2026", "letter_date": dt.date(2026, 2, 4), "days": 7},
        {"agenda_no": "A-2024-001", "received_on": dt.date(2024, 2, 5), "agency": KEMENDAGRI,
         "letter_no": "B-9/D-4/2026", "letter_date": dt.date(2026, 2, 10), "days": 3},
    ],
}  # fmt: skip
# 2024 and 2026: one header row; "days" is a column the import does not know.
_YEAR_2024 = {"agenda_no": "No Agenda", "received_on": "Tanggal Diterima",
              "complainant_name": "Pengadu", "agency": "Instansi Tujuan",
              "letter_no": "No Surat Penerusan", "letter_date": "Tanggal Surat Penerusan",
              "response_no": "No Surat Tanggapan", "response_date": "Tanggal Tanggapan",
              "response_status": "Status Tanggapan"}  # fmt: skip
_YEAR_2026 = {"agenda_no": "No Agenda", "received_on": "Tanggal Diterima",
              "agency": "Instansi Tujuan", "letter_no": "No Surat Penerusan",
              "letter_date": "Tanggal Surat Penerusan", "days": "Lama Proses (hari)"}  # fmt: skip
# 2025: two header rows, as the plan matrix the app writes: (group over it, sub-heading);
# a heading without a group spans both rows.
_YEAR_2025 = {"agenda_no": (None, "No Agenda"), "received_on": (None, "Tanggal Diterima"),
              "complainant_name": (None, "Pengadu"), "agency": (None, "Instansi Tujuan"),
              "letter_no": ("Surat Penerusan", "No"), "letter_date": ("Surat Penerusan", "Tanggal"),
              "response_no": ("Tanggapan", "No"), "response_date": ("Tanggapan", "Tanggal"),
              "response_status": ("Tanggapan", "Status")}  # fmt: skip


def hand_kept_workbook(
    rows: dict[str, list[dict[str, object]]] | None = None,
    headings: dict[str, dict[str, object]] | None = None,
) -> bytes:
    """A cover sheet, then one sheet per year, each with title rows and total rows below.

    `headings` replaces a year's headings (field -> heading; for 2025 field -> (group over
    it or None, heading)). With the default rows (HAND_KEPT_ROWS), in sheet rows:
    - "Sampul": a cover, no table.
    - "2024": titles 1-2, header 4 with a row counter "No", data 5-7, "JUMLAH" 8.
    - "2025": titles 1-2, a two-row header 4-5 ("Surat Penerusan" over "No" and "Tanggal",
      "Tanggapan" over "No", "Tanggal", "Status"; "No" and the rest merged down), data 6-8,
      "Jumlah Total" 9.
    - "2026": title 1, header 2 (no counter; an unknown column "Lama Proses (hari)"), data
      3-5, a sum alone under that column 6, "TOTAL" with the sum 7.
    """
    rows = HAND_KEPT_ROWS if rows is None else rows
    written = {"2024": _YEAR_2024, "2025": _YEAR_2025, "2026": _YEAR_2026, **(headings or {})}
    book = openpyxl.Workbook()
    cover = book.active
    cover.title = "Sampul"
    for line in ("REKAPITULASI PENGADUAN MASYARAKAT", "Asisten Deputi Pengaduan Masyarakat",
                 "Tahun 2024-2026", "", "Catatan: satu lembar untuk setiap tahun."):  # fmt: skip
        cover.append([line])
    _one_row_sheet(book, "2024", rows["2024"], written["2024"], counter=True, titles=2)
    _two_row_sheet(book, "2025", rows["2025"], written["2025"])
    _one_row_sheet(book, "2026", rows["2026"], written["2026"], counter=False, titles=1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _titles(sheet, year: str, count: int) -> int:
    """The title rows (two: a blank row below them); the row number the header goes in."""
    sheet.append([f"REKAP TINDAK LANJUT PENGADUAN MASYARAKAT TAHUN {year}"])
    if count == 1:
        return 2
    sheet.append(["Asisten Deputi Pengaduan Masyarakat"])
    sheet.append([])
    return 4


def _one_row_sheet(book, year, data, headings, *, counter: bool, titles: int) -> None:
    sheet = book.create_sheet(year)
    _titles(sheet, year, titles)
    lead = ["No"] if counter else []
    sheet.append([*lead, *headings.values()])
    for number, values in enumerate(data, start=1):
        sheet.append([*([number] if counter else []), *(values.get(f) for f in headings)])
    if counter:  # JUMLAH across the counter and the agenda column
        sheet.append(["JUMLAH"])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row,
                          end_column=2)  # fmt: skip
    else:  # the sum of the days under its column, alone, then again labelled
        total = sum(int(v.get("days") or 0) for v in data)
        sheet.append([*[None] * (len(headings) - 1), total])
        sheet.append(["TOTAL", *[None] * (len(headings) - 2), total])


def _two_row_sheet(book, year, data, headings) -> None:
    sheet = book.create_sheet(year)
    top = _titles(sheet, year, 2)
    sub = top + 1
    sheet.cell(top, 1, "No")
    sheet.merge_cells(start_row=top, start_column=1, end_row=sub, end_column=1)
    groups: dict[str, list[int]] = {}
    for column, (group, heading) in enumerate(headings.values(), start=2):
        if group is None:
            sheet.cell(top, column, heading)
            sheet.merge_cells(start_row=top, start_column=column, end_row=sub,
                              end_column=column)  # fmt: skip
        else:
            groups.setdefault(group, []).append(column)
            sheet.cell(sub, column, heading)
    for group, columns in groups.items():
        sheet.cell(top, columns[0], group)
        sheet.merge_cells(start_row=top, start_column=columns[0], end_row=top,
                          end_column=columns[-1])  # fmt: skip
    for number, values in enumerate(data, start=1):
        sheet.append([number, *(values.get(f) for f in headings)])
    sheet.append(["Jumlah Total"])
    sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row,
                      end_column=5)  # fmt: skip


def stored(path: Path, sql: str) -> list[tuple]:
    """Rows of the app's open database at path (DuckDB shares it within this process)."""
    con = duckdb.connect(str(path))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()
