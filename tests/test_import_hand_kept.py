"""Issue 19 end to end: a workbook kept by hand over three years, as the unit really keeps
one (a cover sheet; a sheet per year; abbreviated and slashed headings; a two-row header;
total rows; categories, channels and provinces written as people write them, and one
category no list knows), is imported whole, with its exact counts, nothing typed lost; an
Administrator maps the unknown category on the page; importing the file again changes
nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dumas.db import connect
from dumas.domain.permissions import Role
from dumas.importer import import_file
from tests.conftest import ANALYST, TODAY, open_page
from tests.importing import BPN, KEMENDAGRI, hand_kept_workbook, stored

# Abbreviated headings, one sheet each way; 2025 has its two-row header (group, heading).
HEADINGS: dict[str, dict[str, object]] = {
    "2024": {"agenda_no": "No. Agenda", "received_on": "Tgl Terima", "channel": "Media",
             "province": "Prov", "category": "Kategori", "agency": "Instansi",
             "letter_no": "No. Srt", "letter_date": "Tgl Srt Penerusan",
             "response_no": "No. Tanggapan", "response_date": "Tgl Tanggapan",
             "response_status": "Status TL"},
    "2025": {"agenda_no": (None, "Agenda"), "received_on": (None, "Tgl. Diterima"),
             "channel": (None, "Saluran Pengaduan"), "category": (None, "Kategori"),
             "agency": (None, "Instansi Tujuan"), "letter_no": ("Surat Penerusan", "No"),
             "letter_date": ("Surat Penerusan", "Tanggal"),
             "response_no": ("Tanggapan", "No"), "response_date": ("Tanggapan", "Tanggal"),
             "response_status": ("Tanggapan", "Status")},
    "2026": {"agenda_no": "No Agenda", "received_on": "Tgl Terima", "channel": "Media",
             "category": "Kategori", "agency": "Instansi", "letter_no": "No Srt Penerusan",
             "letter_date": "Tgl Surat", "days": "Lama Proses (hari)"},
}  # fmt: skip
D = dt.date
ROWS: dict[str, list[dict[str, object]]] = {
    "2024": [
        {"agenda_no": "A-2024-001", "received_on": D(2024, 2, 5), "channel": "Surat Masuk",
         "province": "Jatim", "category": "Sengketa Tanah", "agency": KEMENDAGRI,
         "letter_no": "B-1/D-4/2024", "letter_date": D(2024, 2, 7)},
        {"agenda_no": "A-2024-002", "received_on": D(2024, 5, 10), "channel": "E-mail",
         "province": "DIY", "category": "Kepegawaian/ASN", "agency": BPN,
         "letter_no": "B-2/D-4/2024", "letter_date": D(2024, 5, 13),
         "response_no": "T-1/BPN/2024", "response_date": D(2024, 6, 3),
         "response_status": "Selesai"},
        {"agenda_no": "A-2024-003", "received_on": D(2024, 11, 20), "channel": "surat",
         "province": "Prov. Jawa Barat", "category": "Pungli di Desa", "agency": KEMENDAGRI,
         "letter_no": "B-3/D-4/2024", "letter_date": D(2024, 11, 22)},
    ],
    "2025": [
        {"agenda_no": "A-2024-003", "received_on": D(2024, 11, 20), "channel": "surat",
         "category": "Pungli di Desa", "agency": KEMENDAGRI, "letter_no": "B-3/D-4/2024",
         "letter_date": D(2024, 11, 22), "response_no": "T-7/Kemendagri/2025",
         "response_date": D(2025, 1, 15), "response_status": "Dalam proses"},
        {"agenda_no": "A-2025-001", "received_on": D(2025, 3, 3), "channel": "E-mail",
         "category": "Agraria", "agency": BPN, "letter_no": "B-1/D-4/2025",
         "letter_date": D(2025, 3, 5)},
        {"agenda_no": "A-2025-002", "received_on": D(2025, 8, 18), "channel": "Surat Masuk",
         "category": "PUNGLI DI DESA", "agency": KEMENDAGRI, "letter_no": "B-2/D-4/2025",
         "letter_date": D(2025, 8, 20)},
    ],
    "2026": [
        {"agenda_no": "A-2026-001", "received_on": D(2026, 1, 12), "channel": "E-mail",
         "category": "ASN", "agency": KEMENDAGRI, "letter_no": "B-1/D-4/2026",
         "letter_date": D(2026, 1, 14), "days": 5},
        {"agenda_no": "A-2026-002", "received_on": D(2026, 2, 2), "channel": "Surat Biasa",
         "category": "Tanah", "agency": BPN, "letter_no": "B-2/D-4/2026",
         "letter_date": D(2026, 2, 4), "days": 7},
        {"agenda_no": "A-2024-001", "received_on": D(2024, 2, 5), "channel": "Surat Masuk",
         "category": "Sengketa Tanah", "agency": KEMENDAGRI, "letter_no": "B-9/D-4/2026",
         "letter_date": D(2026, 2, 10), "days": 3},
    ],
}  # fmt: skip
IMPORT_PAGE = "pages/import_data.py"


def _workbook() -> bytes:
    return hand_kept_workbook(ROWS, HEADINGS)


def test_a_hand_kept_workbook_imports_every_readable_row_with_its_exact_counts(db):
    report = import_file(db, ANALYST, _workbook(), "rekap.xlsx", today=TODAY, all_sheets=True)
    assert report.applied and report.errors == []
    per_sheet = {s.sheet: (s.rows_read, s.total_rows) for s in report.sheets}
    assert per_sheet == {"2024": (3, [8]), "2025": (3, [9]), "2026": (3, [6, 7])}
    assert [s.sheet for s in report.skipped_sheets] == ["Sampul"]
    counts = {kind: (c.created, c.updated, c.unchanged) for kind, c in report.counts.items()}
    # A-2024-003 and A-2024-001 come again on a later sheet: the same complaint
    assert counts["complaint"][0] == 7 and counts["forwarding"][0] == 8
    assert counts["response"][0] == 2
    # the one category no list knows, written two ways, kept as written (one key)
    assert {n: sum(r for _, r in v) for n, v in report.unmatched.items()} == {"category": 3}
    # the days column is not the import's: named with its filled cells, not silently dropped
    dropped = {d.heading for s in report.sheets for d in s.dropped}
    assert dropped == {"Lama Proses (hari)"}
    stored = dict(db.cursor().execute(
        "SELECT agenda_no, (channel, province_code, category_code, category_raw)"
        " FROM complaint").fetchall())  # fmt: skip
    assert stored["A-2024-001"] == ("surat", "35", "pertanahan", None)
    assert stored["A-2024-002"] == ("email", "34", "kepegawaian", None)
    assert stored["A-2024-003"][1:] == ("32", "lainnya", "Pungli di Desa")
    assert stored["A-2025-001"][2] == "pertanahan" and stored["A-2026-001"][2] == "kepegawaian"


@pytest.mark.usefixtures("app_env")
def test_the_unknown_category_is_mapped_on_the_page_and_a_second_import_changes_nothing(
    db_path: Path,
):
    db = connect(db_path)
    try:
        import_file(db, ANALYST, _workbook(), "rekap.xlsx", today=TODAY, all_sheets=True)
    finally:
        db.close()
    at = open_page(Role.ADMIN, IMPORT_PAGE)
    value = at.selectbox(key="unmatched_value")
    assert value.options == ["Kategori: PUNGLI DI DESA (2)"]  # two complaints, one key
    [option] = value.options
    value.select(option).run()
    at.selectbox(key="unmatched_target").set_value("korupsi").run()
    at.button(key="unmatched_run").click().run()
    assert not at.exception, at.exception
    assert "unmatched_value" not in [s.key for s in at.selectbox]  # none left to map
    categories = stored(db_path, "SELECT DISTINCT category_code, category_raw FROM complaint"
                         " WHERE agenda_no IN ('A-2024-003', 'A-2025-002')")  # fmt: skip
    assert categories == [("korupsi", None)]
    db = connect(db_path)
    try:
        again = import_file(db, ANALYST, _workbook(), "rekap.xlsx", today=TODAY, all_sheets=True)
    finally:
        db.close()
    assert again.unmatched == {}  # the mapping is an alias now
    assert {kind: (c.created, c.updated) for kind, c in again.counts.items()} == {
        "complaint": (0, 0), "forwarding": (0, 0), "response": (0, 0)}  # fmt: skip
