"""The periodic report workbook: built from plain data and read back with openpyxl."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Any

import openpyxl
import pytest
from openpyxl.chart import BarChart, LineChart, PieChart
from openpyxl.workbook.workbook import Workbook

from dumas.periodic.table import Chart, ReportTable
from dumas.periodic.workbook import FIRST_ROW, HEADER_ROW, report_xlsx, table_xlsx

TRAP = '=HYPERLINK("x")'
CHANNEL_COLUMNS = [
    {"name": "channel", "label": "Saluran", "kind": "text"},
    {"name": "current", "label": "Periode ini", "kind": "int"},
    {"name": "previous", "label": "Periode sebelumnya", "kind": "int"},
    {"name": "year_ago", "label": "Periode sama tahun lalu", "kind": "int"},
    {"name": "rate", "label": "Tingkat respons", "kind": "pct"},
    {"name": "cost", "label": "Biaya", "kind": "rupiah"},
]


def _channels(chart: dict | None) -> ReportTable:
    """Table 1 with three channels (one a formula-looking label) and its total."""
    return ReportTable.from_dict({
        "key": "channels",
        "title": "1. Pengaduan diterima menurut saluran",
        "columns": CHANNEL_COLUMNS,
        "rows": [
            {"channel": "Surat", "current": 120, "previous": 100, "year_ago": 90,
             "rate": 0.75, "cost": 1_500_000},
            {"channel": "Email", "current": 150, "previous": 130, "year_ago": None,
             "rate": None, "cost": 2_250_000},
            {"channel": TRAP, "current": 30, "previous": 20, "year_ago": 10,
             "rate": 0.5, "cost": 0},
        ],
        "total": {"channel": "Jumlah", "current": 300, "previous": 250, "year_ago": 100,
                  "rate": 0.7, "cost": 3_750_000},
        "chart": chart,
    })  # fmt: skip


def _simple(key: str, title: str, rows: list[dict], chart: dict | None) -> ReportTable:
    """A two-column table (label, count) without a total."""
    return ReportTable.from_dict(
        {
            "key": key,
            "title": title,
            "columns": [
                {"name": "label", "label": "Uraian", "kind": "text"},
                {"name": "count", "label": "Jumlah", "kind": "int"},
            ],
            "rows": rows,
            "total": None,
            "chart": chart,
        }
    )


def _report(final: bool = False) -> dict[str, Any]:
    """A report of four tables: bar chart, pie chart, no chart, and an empty line-chart one."""
    ageing = [{"label": "0-14", "count": 5}, {"label": "15-30", "count": 3}]
    return {
        "title": "Laporan Semester I 2026",
        "unit": "Asisten Deputi Pengaduan Masyarakat",
        "period_label": "Semester I 2026 (1 Januari – 30 Juni 2026)",
        "generated": "Dibuat 28 November 2026 14.05",
        "final": final,
        "finalised": "Difinalkan oleh Asdep Uji pada 28 November 2026" if final else None,
        "tables": [
            _channels({"type": "bar", "category": "channel", "values": ["current", "previous"]}),
            _simple("ageing", "5. Umur surat belum dijawab", ageing,
                    {"type": "pie", "category": "label", "values": ["count"]}),
            _simple("findings", "6. Temuan pemantauan", [{"label": "Ditindaklanjuti",
                                                          "count": 2}], None),
            _simple("trend", "8. Tren", [], {"type": "line", "category": "label",
                                             "values": ["count"]}),
        ],
    }  # fmt: skip


def _open(report: dict[str, Any], lang: str = "id") -> Workbook:
    """The workbook as a reader's Excel would load it."""
    return openpyxl.load_workbook(io.BytesIO(report_xlsx(report, lang)))


def _cover_text(book: Workbook) -> list[str]:
    """Every non-empty text on the cover sheet."""
    ws = book.worksheets[0]
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_sheets_are_the_cover_then_one_per_table_in_order() -> None:
    names = ["Sampul", "1. Saluran", "5. Umur surat", "6. Temuan pemantauan", "8. Perbandingan"]
    assert _open(_report()).sheetnames == names


def test_sheet_names_are_excel_safe_short_and_distinct() -> None:
    report = _report()
    report["tables"] = [
        _simple("a/b:c*" + "x" * 40, "Satu", [], None),
        _simple("a/b:c*" + "x" * 40, "Dua", [], None),
        _simple("Sampul", "Tiga", [], None),
    ]
    names = _open(report).sheetnames
    assert len(set(n.lower() for n in names)) == 4
    assert all(len(n) <= 31 and not set(n) & set("[]:*?/\\") for n in names)


def test_draft_cover_shows_draf_title_unit_period_and_the_list_of_tables() -> None:
    text = _cover_text(_open(_report()))
    for expected in ("Laporan Semester I 2026", "Asisten Deputi Pengaduan Masyarakat",
                     "Semester I 2026 (1 Januari – 30 Juni 2026)", "Dibuat 28 November 2026 14.05",
                     "KONSEP", "Unit", "Periode", "Daftar tabel",
                     "1. Pengaduan diterima menurut saluran", "8. Tren", "1. Saluran"):  # fmt: skip
        assert expected in text
    assert "FINAL" not in text


def test_final_cover_shows_final_in_large_bold_and_who_finalised() -> None:
    book = _open(_report(final=True))
    text = _cover_text(book)
    assert "FINAL" in text and "KONSEP" not in text
    assert "Difinalkan oleh Asdep Uji pada 28 November 2026" in text
    status = next(c for row in book.worksheets[0].iter_rows() for c in row if c.value == "FINAL")
    assert status.font.b and status.font.sz >= 16


def test_cover_words_are_english_with_lang_en() -> None:
    book = _open(_report(), "en")
    text = _cover_text(book)
    assert book.sheetnames[0] == "Cover"
    assert {"DRAFT", "Period", "Tables"} <= set(text)
    assert "KONSEP" not in text and "Periode" not in text


def test_table_sheet_has_title_rows_and_a_frozen_bold_header() -> None:
    ws = _open(_report())["1. Saluran"]
    assert ws["A1"].value == "1. Pengaduan diterima menurut saluran"
    assert ws["A1"].font.b
    assert "Semester I 2026" in ws["A2"].value and "KONSEP" in ws["A3"].value
    header = [c.value for c in ws[HEADER_ROW]]
    assert header == [c["label"] for c in CHANNEL_COLUMNS]
    assert all(c.font.b for c in ws[HEADER_ROW])
    assert ws.freeze_panes == f"A{FIRST_ROW}"


def test_table_values_are_written_as_numbers_and_missing_ones_left_empty() -> None:
    ws = _open(_report())["1. Saluran"]
    assert [c.value for c in ws[FIRST_ROW]] == ["Surat", 120, 100, 90, 0.75, 1_500_000]
    assert [c.value for c in ws[FIRST_ROW + 1]] == ["Email", 150, 130, None, None, 2_250_000]


def test_total_row_is_bold_and_last() -> None:
    ws = _open(_report())["1. Saluran"]
    total = ws[FIRST_ROW + 3]
    assert [c.value for c in total] == ["Jumlah", 300, 250, 100, 0.7, 3_750_000]
    assert all(c.font.b for c in total)
    assert not any(c.font.b for c in ws[FIRST_ROW])
    assert ws.max_row == FIRST_ROW + 3


def test_int_pct_and_rupiah_cells_carry_their_number_formats() -> None:
    ws = _open(_report())["1. Saluran"]
    for row in (FIRST_ROW, FIRST_ROW + 3):
        assert ws.cell(row, 2).number_format == "#,##0"
        assert ws.cell(row, 5).number_format == "0.0%"
        assert ws.cell(row, 6).number_format == "#,##0"


def test_table_sheet_is_bordered_sized_and_prints_landscape_one_page_wide() -> None:
    ws = _open(_report())["1. Saluran"]
    assert ws.cell(FIRST_ROW, 1).border.left.style == "thin"
    assert ws.column_dimensions["D"].width >= len("tahun") + 2
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage


@pytest.mark.parametrize(
    ("sheet", "kind"), [("1. Saluran", BarChart), ("5. Umur surat", PieChart)]
)  # fmt: skip
def test_a_native_chart_of_the_right_type_is_on_sheets_that_ask_for_one(sheet, kind) -> None:
    charts = _open(_report())[sheet]._charts
    assert len(charts) == 1 and isinstance(charts[0], kind)


def test_no_chart_on_a_sheet_without_one() -> None:
    assert _open(_report())["6. Temuan pemantauan"]._charts == []


def test_the_chart_references_the_category_and_value_cells_not_the_total() -> None:
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(_report(), "id")))
    chart = book["1. Saluran"]._charts[0]
    refs = [s.val.numRef.f for s in chart.series]
    last = FIRST_ROW + 2
    assert refs == [
        f"'1. Saluran'!$B${FIRST_ROW}:$B${last}",
        f"'1. Saluran'!$C${FIRST_ROW}:$C${last}",
    ]
    assert chart.series[0].cat.strRef.f == f"'1. Saluran'!$A${FIRST_ROW}:$A${last}"
    assert chart.series[0].tx.strRef.f.replace("$", "") == f"'1. Saluran'!B{HEADER_ROW}"


def test_a_line_chart_is_written_when_asked() -> None:
    report = _report()
    rows = ({"label": "Mei", "count": 4}, {"label": "Juni", "count": 6})
    report["tables"][3] = replace(report["tables"][3], rows=rows)
    charts = _open(report)["8. Perbandingan"]._charts
    assert len(charts) == 1 and isinstance(charts[0], LineChart)


def test_a_formula_looking_label_is_stored_as_text() -> None:
    ws = _open(_report())["1. Saluran"]
    cell = ws.cell(FIRST_ROW + 2, 1)
    assert cell.value == TRAP
    assert cell.data_type == "s"


def test_formula_looking_titles_stay_text_on_the_cover_and_the_sheet() -> None:
    report = _report()
    report["title"] = TRAP
    report["tables"][2] = replace(report["tables"][2], title=TRAP)
    book = _open(report)
    assert book.worksheets[0]["A1"].value == TRAP and book.worksheets[0]["A1"].data_type == "s"
    assert book.worksheets[3]["A1"].data_type == "s"


def test_an_empty_table_writes_its_sheet_with_the_header_and_says_there_is_no_data() -> None:
    ws = _open(_report())["8. Perbandingan"]
    assert [c.value for c in ws[HEADER_ROW]] == ["Uraian", "Jumlah"]
    assert ws.max_row == FIRST_ROW + 1
    assert ws.cell(FIRST_ROW + 1, 1).value == "Tidak ada data untuk periode ini"
    assert ws._charts == []


def test_an_unknown_chart_column_is_refused() -> None:
    report = _report()
    report["tables"][2] = replace(report["tables"][2], chart=Chart("bar", "label", ("nope",)))
    with pytest.raises(ValueError, match="nope"):
        report_xlsx(report, "id")


NARRATIVE = {
    "key_issues": "BPN belum menjawab 12 surat.\nKemendagri terlambat rata-rata 20 hari.",
    "recommendations": "Surati BPN kembali.\n\nRapat koordinasi dengan Kemendagri.",
}


def _with_narrative(narrative: dict[str, Any] | None) -> dict[str, Any]:
    """The report with its narrative (key issues, recommendations) as typed by the Asdep."""
    return {**_report(final=True), "narrative": narrative}


def _cover_links(book: Workbook) -> dict[str, str]:
    """Each cover hyperlink's text and its in-workbook target."""
    ws = book.worksheets[0]
    return {c.value: c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink}


def _row_of(ws: Any, value: str) -> int:
    """The row of the first cell holding `value`."""
    return next(c.row for row in ws.iter_rows() for c in row if c.value == value)


def test_a_single_table_workbook_has_only_that_tables_sheet_with_header_rows_and_total() -> None:
    book = openpyxl.load_workbook(io.BytesIO(table_xlsx(_report(), "channels", "id")))
    assert book.sheetnames == ["1. Saluran"]
    ws = book["1. Saluran"]
    assert [c.value for c in ws[HEADER_ROW]] == [c["label"] for c in CHANNEL_COLUMNS]
    assert all(c.font.b for c in ws[HEADER_ROW])
    assert [c.value for c in ws[FIRST_ROW]] == ["Surat", 120, 100, 90, 0.75, 1_500_000]
    assert ws.cell(FIRST_ROW + 2, 1).value == TRAP and ws.cell(FIRST_ROW + 2, 1).data_type == "s"
    total = ws[FIRST_ROW + 3]
    assert [c.value for c in total] == ["Jumlah", 300, 250, 100, 0.7, 3_750_000]
    assert all(c.font.b for c in total) and ws.max_row == FIRST_ROW + 3
    assert ws.freeze_panes == f"A{FIRST_ROW}" and ws.page_setup.orientation == "landscape"
    assert ws.cell(FIRST_ROW, 5).number_format == "0.0%"


def test_a_single_table_sheet_names_its_report_period_and_status_on_its_own() -> None:
    book = openpyxl.load_workbook(io.BytesIO(table_xlsx(_report(), "findings", "id")))
    ws = book["6. Temuan pemantauan"]
    assert ws["A1"].value == "6. Temuan pemantauan"
    assert "Laporan Semester I 2026" in ws["A2"].value
    assert "Semester I 2026 (1 Januari – 30 Juni 2026)" in ws["A2"].value
    assert "KONSEP" in ws["A3"].value and "Dibuat 28 November 2026 14.05" in ws["A3"].value
    final = openpyxl.load_workbook(io.BytesIO(table_xlsx(_report(final=True), "findings", "en")))
    assert "FINAL" in final["6. Temuan pemantauan"]["A3"].value


def test_a_single_table_workbook_carries_the_same_native_chart_as_the_full_one() -> None:
    book = openpyxl.load_workbook(io.BytesIO(table_xlsx(_report(), "channels", "id")))
    charts = book["1. Saluran"]._charts
    assert len(charts) == 1 and isinstance(charts[0], BarChart)
    full = _open(_report())["1. Saluran"]._charts[0]
    assert [s.val.numRef.f for s in charts[0].series] == [s.val.numRef.f for s in full.series]
    assert charts[0].series[0].cat.strRef.f == f"'1. Saluran'!$A${FIRST_ROW}:$A${FIRST_ROW + 2}"
    pie = openpyxl.load_workbook(io.BytesIO(table_xlsx(_report(), "ageing", "id")))["5. Umur surat"]
    assert len(pie._charts) == 1 and isinstance(pie._charts[0], PieChart)


def test_a_single_table_workbook_of_an_unknown_key_raises_key_error() -> None:
    with pytest.raises(KeyError, match="nope"):
        table_xlsx(_report(), "nope", "id")


def test_the_cover_shows_key_issues_and_recommendations_under_bold_headings() -> None:
    book = _open(_with_narrative(NARRATIVE))
    ws = book.worksheets[0]
    text = _cover_text(book)
    assert {"Pokok Permasalahan", "Rekomendasi"} <= set(text)
    for heading in ("Pokok Permasalahan", "Rekomendasi"):
        assert ws.cell(_row_of(ws, heading), 1).font.b
    issues = _row_of(ws, "Pokok Permasalahan")
    assert [ws.cell(issues + n, 1).value for n in (1, 2)] == [
        "BPN belum menjawab 12 surat.",
        "Kemendagri terlambat rata-rata 20 hari.",
    ]
    advice = _row_of(ws, "Rekomendasi")
    assert advice > issues + 2
    lines = [ws.cell(advice + n, 1).value for n in (1, 2, 3)]
    assert lines == ["Surati BPN kembali.", None, "Rapat koordinasi dengan Kemendagri."]
    assert (
        _row_of(ws, "Dibuat 28 November 2026 14.05") < issues < advice < _row_of(ws, "Daftar tabel")
    )


def test_the_cover_narrative_wraps_across_the_page_width_with_a_row_tall_enough() -> None:
    long = "Surat dari BPN belum dijawab meskipun telah diingatkan tiga kali. " * 6
    ws = _open(_with_narrative({"key_issues": long, "recommendations": None})).worksheets[0]
    row = _row_of(ws, "Pokok Permasalahan") + 1
    assert f"A{row}:B{row}" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(row, 1).alignment.wrap_text
    assert ws.row_dimensions[row].height >= 4 * 15
    assert ws.page_setup.fitToWidth == 1 and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)


def test_the_cover_narrative_headings_are_english_with_lang_en() -> None:
    text = _cover_text(_open(_with_narrative(NARRATIVE), "en"))
    assert {"Key issues", "Recommendations"} <= set(text)
    assert "Pokok Permasalahan" not in text


def test_a_formula_looking_narrative_stays_a_string_cell() -> None:
    trap = '=HYPERLINK("http://x")'
    ws = _open(_with_narrative({"key_issues": trap, "recommendations": None})).worksheets[0]
    cell = ws.cell(_row_of(ws, "Pokok Permasalahan") + 1, 1)
    assert cell.value == trap and cell.data_type == "s"


@pytest.mark.parametrize(
    "narrative",
    ["absent", None, {}, {"key_issues": None, "recommendations": "  \n "}, {"key_issues": ""}],
)
def test_an_absent_or_empty_narrative_shows_no_heading_and_keeps_the_cover_rows(narrative) -> None:
    report = _report(final=True)
    if narrative != "absent":
        report["narrative"] = narrative
    ws = _open(report).worksheets[0]
    text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Pokok Permasalahan" not in text and "Rekomendasi" not in text
    assert _row_of(ws, "Daftar tabel") == 9 and _row_of(ws, "1. Saluran") == 11


def test_only_the_narrative_part_given_gets_its_heading() -> None:
    text = _cover_text(_open(_with_narrative({"key_issues": None, "recommendations": "Rapat"})))
    assert "Rekomendasi" in text and "Rapat" in text
    assert "Pokok Permasalahan" not in text


@pytest.mark.parametrize("narrative", [None, NARRATIVE])
def test_the_cover_table_links_point_at_their_sheets_below_the_narrative(narrative) -> None:
    book = _open(_with_narrative(narrative))
    names = ("1. Saluran", "5. Umur surat", "6. Temuan pemantauan", "8. Perbandingan")
    assert _cover_links(book) == {name: f"'{name}'!A1" for name in names}
    ws = book.worksheets[0]
    for name, title in (
        ("1. Saluran", "1. Pengaduan diterima menurut saluran"),
        ("8. Perbandingan", "8. Tren"),
    ):
        row = _row_of(ws, name)
        assert ws.cell(row, 2).value == title and ws.cell(row, 1).hyperlink.ref == f"A{row}"
        assert row > _row_of(ws, "Daftar tabel")
        assert name in book.sheetnames


def _with_rows(n: int) -> dict[str, Any]:
    rows = [{"label": f"Provinsi {i}", "count": i} for i in range(n)]
    chart = {"type": "bar", "category": "label", "values": ["count"]}
    return {**_report(), "tables": [_simple("provinces", "2c. Provinsi", rows, chart)]}


def test_no_printed_page_break_falls_through_a_chart():
    sheet = _open(_with_rows(5)).worksheets[1]
    assert sheet.page_setup.fitToHeight == 1 and not sheet.row_breaks.brk  # one page
    sheet = _open(_with_rows(30)).worksheets[1]
    chart_row = sheet._charts[0].anchor._from.row + 1  # 1-based
    assert [b.id for b in sheet.row_breaks.brk] == [chart_row - 1]  # the chart starts a page


def test_a_long_list_is_charted_as_horizontal_bars_first_row_on_top():
    long = _open(_with_rows(30)).worksheets[1]._charts[0]
    assert (long.type, long.x_axis.scaling.orientation) == ("bar", "maxMin")
    short = _open(_with_rows(3)).worksheets[1]._charts[0]
    assert (short.type, short.x_axis.scaling.orientation) == ("col", "minMax")

    assert long.anchor.ext.height > short.anchor.ext.height  # taller: room for each bar
