"""Spreadsheet exports: the bytes are written, then read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.escape import unescape
from openpyxl.worksheet.worksheet import Worksheet

from dumas.render.xlsx import PERCENT, sheet_safe_name, to_xlsx

HEADER = 5  # 1-based row of the header: title, filters, generated, blank, header
FIRST = HEADER + 1


def _export(df: pd.DataFrame, **kwargs: object) -> Worksheet:
    """The first sheet of `to_xlsx(df)` as openpyxl reads it back."""
    options = {"title": "Rekap Tindak Lanjut", "filters": "Filter: tidak ada"}
    options |= {"generated": "Dibuat pada 28 Desember 2012 14.05", **kwargs}
    data = to_xlsx(df, **options)
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def _letters() -> pd.DataFrame:
    """Three forwarded letters with a date, a count, a ratio and free text."""
    return pd.DataFrame(
        {
            "sent_on": [dt.date(2012, 12, 28), dt.date(2013, 1, 2), None],
            "letters": pd.array([1234, 5, None], dtype="Int32"),
            "response_rate": [0.573, 1.0, np.nan],
            "agency": ["Kementerian Dalam Negeri", "Pemkot Bekasi", "Polri"],
        }
    )


def test_preamble_rows_carry_title_filters_and_generated_time() -> None:
    ws = _export(_letters(), filters="Filter: Kanal = Surat")
    assert ws["A1"].value == "Rekap Tindak Lanjut"
    assert ws["A1"].font.bold
    assert ws["A1"].font.sz > ws["A2"].font.sz
    assert ws["A2"].value == "Filter: Kanal = Surat"
    assert ws["A3"].value == "Dibuat pada 28 Desember 2012 14.05"
    assert ws["A4"].value is None


def test_header_is_bold_filled_frozen_and_filtered() -> None:
    ws = _export(_letters())
    header = list(ws[HEADER])
    assert [cell.value for cell in header] == ["sent_on", "letters", "response_rate", "agency"]
    assert all(cell.font.bold and cell.fill.fgColor.rgb.endswith("D9E1F2") for cell in header)
    assert ws.freeze_panes == f"A{FIRST}"
    assert ws.auto_filter.ref == f"A{HEADER}:D{HEADER + 3}"


def test_header_labels_come_from_columns_mapping() -> None:
    labels = {"sent_on": "Tanggal kirim", "letters": "Jumlah surat", "agency": "Instansi"}
    ws = _export(_letters(), columns=labels)
    assert [c.value for c in ws[HEADER]] == [
        "Tanggal kirim",
        "Jumlah surat",
        "response_rate",
        "Instansi",
    ]


def test_dates_are_real_excel_dates_shown_day_first() -> None:
    ws = _export(_letters())
    cell = ws.cell(FIRST, 1)
    assert cell.value == dt.datetime(2012, 12, 28)
    assert cell.is_date
    assert "dd/mm/yyyy" in cell.number_format


def test_timestamps_keep_their_time_and_jakarta_wall_clock() -> None:
    stamps = pd.Series(pd.to_datetime(["2012-12-28 14:05", None]).tz_localize("Asia/Jakarta"))
    ws = _export(pd.DataFrame({"received_at": stamps}))
    cell = ws.cell(FIRST, 1)
    assert cell.value == dt.datetime(2012, 12, 28, 14, 5)
    assert cell.number_format.startswith("dd/mm/yyyy")
    assert ws.cell(FIRST + 1, 1).value is None


def test_integers_stay_integers_with_grouping() -> None:
    ws = _export(_letters())
    cell = ws.cell(FIRST, 2)
    assert cell.value == 1234
    assert isinstance(cell.value, int)
    assert cell.number_format == "#,##0"


def test_ratio_column_declared_as_percent() -> None:
    ws = _export(_letters(), number_formats={"response_rate": PERCENT})
    cell = ws.cell(FIRST, 3)
    assert cell.value == pytest.approx(0.573)
    assert cell.number_format == "0.0%"


def test_missing_values_become_empty_cells() -> None:
    ws = _export(_letters())
    assert [ws.cell(FIRST + 2, col).value for col in (1, 2, 3)] == [None, None, None]
    assert ws.cell(FIRST + 2, 4).value == "Polri"


@pytest.mark.parametrize(
    "summary",
    ['=HYPERLINK("http://x")', "+62 812", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", "http://x.id"],
)
def test_summary_starting_with_equals_stays_text(summary: str) -> None:
    ws = _export(pd.DataFrame({"summary": [summary]}), title=summary)
    cell = ws.cell(FIRST, 1)
    assert cell.data_type == "s"
    # xlsxwriter stores a carriage return as the OOXML escape _x000D_, which Excel decodes.
    assert unescape(cell.value) == summary
    assert cell.hyperlink is None
    assert ws["A1"].data_type == "s"


def test_zero_rows_still_give_a_workbook_with_header() -> None:
    ws = _export(_letters().iloc[0:0], columns={"agency": "Instansi"})
    assert ws.max_row == HEADER
    assert ws.cell(HEADER, 4).value == "Instansi"
    assert ws.auto_filter.ref == f"A{HEADER}:D{HEADER}"


def test_no_columns_still_give_a_workbook() -> None:
    ws = _export(pd.DataFrame())
    assert ws["A1"].value == "Rekap Tindak Lanjut"


def test_long_text_wraps_at_capped_width() -> None:
    ws = _export(pd.DataFrame({"summary": ["Jalan rusak " * 40], "id": ["D-1"]}))
    assert ws.column_dimensions["A"].width <= 61
    assert ws.cell(FIRST, 1).alignment.wrap_text
    assert not ws.cell(FIRST, 2).alignment.wrap_text


def test_whole_number_floats_show_as_integers() -> None:
    ws = _export(pd.DataFrame({"days": [3.0, np.nan]}))
    assert ws.cell(FIRST, 1).number_format == "#,##0"


def test_sheet_name_is_made_safe() -> None:
    assert sheet_safe_name("Rekap 01/2026 [draft]: *final?*") == "Rekap 01-2026 -draft-- -final--"
    assert (
        sheet_safe_name("Rekapitulasi_tindak_lanjut_per_instansi")
        == "Rekapitulasi_tindak_lanjut_per_"
    )
    assert (
        sheet_safe_name("Rekapitulasi tindak lanjut per instansi")
        == "Rekapitulasi tindak lanjut per"
    )
    assert sheet_safe_name("'quoted'") == "quoted"
    assert sheet_safe_name("   ") == "Data"
    assert sheet_safe_name("History") == "History_"


def test_sheet_name_argument_is_applied_safely() -> None:
    data = to_xlsx(_letters(), title="t", filters="f", generated="g", sheet_name="Rekap 2026/01")
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["Rekap 2026-01"]


def test_a_wrapped_row_is_as_tall_as_its_text_and_a_short_one_keeps_the_default() -> None:
    long = "Sengketa tanah ulayat masyarakat adat yang belum diselesaikan " * 4
    ws = _export(pd.DataFrame({"summary": [long, "Singkat"], "id": ["D-1", "D-2"]}))
    assert ws.cell(FIRST, 1).alignment.wrap_text
    assert ws.row_dimensions[FIRST].height >= 5 * 12.75
    assert ws.row_dimensions[FIRST + 1].height is None


def test_a_multi_line_value_wraps_and_gets_a_line_per_line() -> None:
    ws = _export(pd.DataFrame({"reason": ["Kolom A: wajib diisi.\nKolom B: tanggal salah."]}))
    assert ws.cell(FIRST, 1).alignment.wrap_text
    assert ws.row_dimensions[FIRST].height >= 2 * 12.75


def test_blank_text_leaves_the_cell_empty_not_an_empty_string() -> None:
    ws = _export(pd.DataFrame({"response_no": ["", "  ", "T-1"]}))
    assert [ws.cell(FIRST + i, 1).value for i in range(3)] == [None, None, "T-1"]


def test_an_empty_filter_line_is_left_out() -> None:
    ws = _export(_letters(), filters="")
    assert ws["A2"].value == "Dibuat pada 28 Desember 2012 14.05"
    assert ws["A3"].value is None


def test_a_wide_table_is_narrowed_to_print_legibly_on_one_landscape_page() -> None:
    words = "Keterlambatan pembayaran ganti rugi pembebasan lahan jalan nasional " * 2
    ws = _export(pd.DataFrame({f"teks {i}": [words] for i in range(6)}))
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert sum(ws.column_dimensions[c].width for c in "ABCDEF") < 6 * 40
    assert ws.print_title_rows == f"${HEADER}:${HEADER}"


def test_a_narrow_table_prints_portrait() -> None:
    assert _export(_letters()).page_setup.orientation == "portrait"


def test_a_long_sheet_name_is_shortened_by_whole_words() -> None:
    assert sheet_safe_name("Riwayat surat pengaduan PM-2026/01/01234") == "Riwayat surat pengaduan"
    assert (
        sheet_safe_name("Laporan pengaduan per instansi tahun 2026")
        == "Laporan pengaduan per instansi"
    )
