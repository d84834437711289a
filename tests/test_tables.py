"""The follow-up tables exported as a government office receives them."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from dumas.queries import followup
from dumas.queries.filters import Filters
from dumas.render import followup_table
from tests.conftest import TODAY


def test_exported_letter_list_keeps_a_formula_like_summary_as_text(db, make, kemendagri):
    c = make.complaint(summary='=HYPERLINK("http://contoh.id","klik")')
    make.forward(c, kemendagri, dt.date(2026, 10, 1))
    frame = followup.letters(db.cursor(), Filters(), TODAY)
    total = followup.letter_total(db.cursor(), Filters(), TODAY)
    data = followup_table.workbook(
        followup_table.with_status_names(frame, "id"),
        followup_table.LETTER_EXPORT_COLUMNS,
        lang="id",
        title="Surat penerusan yang belum ditanggapi",
        filters_text="Filter: tidak ada",
        generated="Dibuat pada 27 November 2026 10.00",
    )
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = [cell.value for cell in sheet[5]]
    assert header == [
        "No Agenda", "Nomor surat", "Tanggal surat penerusan", "Instansi", "Provinsi",
        "Kategori", "Umur (hari kerja)", "Surat konfirmasi", "Status tanggapan", "Ringkasan",
    ]  # fmt: skip
    row = sheet[6]
    assert total == 1
    assert row[0].value == "UJI-0001"
    assert row[2].value == dt.datetime(2026, 10, 1)  # a real date, shown dd/mm/yyyy
    assert "dd/mm/yyyy" in row[2].number_format
    assert row[6].value == 41
    assert row[8].value == "Belum ditanggapi"
    assert row[9].data_type == "s"
    assert row[9].value == '=HYPERLINK("http://contoh.id","klik")'


def test_exported_agency_table_has_rates_as_percentages(db, make, kemendagri):
    for answered in (True, False):
        c = make.complaint()
        make.forward(c, kemendagri, dt.date(2026, 10, 1))
        if answered:
            make.respond(c, kemendagri, dt.date(2026, 10, 2))
    frame = followup.agency_table(db.cursor(), Filters(), TODAY, 10)
    data = followup_table.workbook(
        frame, followup_table.AGENCY_COLUMNS, lang="en", title="Agency responsiveness",
        filters_text="Filters: none", generated="Generated",
    )  # fmt: skip
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["G5"].value == "Response rate"
    assert sheet["G6"].value == 0.5
    assert sheet["G6"].number_format == "0.0%"
    assert sheet["A6"].value is None  # too few letters to be ranked
