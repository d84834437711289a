"""The periodic report's charts, titles, sheet and file names, on hand-built tables (fast;
tests/test_render_periodic.py prints the same from a real database)."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from dumas.domain import periods
from dumas.periodic import contents
from dumas.periodic.images import chart_figure, chart_png, short_number
from dumas.periodic.names import file_name, sheet_name, shortened
from dumas.periodic.table import ReportTable
from dumas.render import charts

COLUMNS = [{"name": "agency", "label": "Instansi", "kind": "text"},
           {"name": "planned", "label": "Rencana (Rp)", "kind": "rupiah"},
           {"name": "actual", "label": "Realisasi (Rp)", "kind": "rupiah"}]  # fmt: skip


def _money(rows: list[dict], limit: int | None = None) -> ReportTable:
    chart = {"type": "bar", "category": "agency", "values": ["planned", "actual"],
             "limit": limit}  # fmt: skip
    return ReportTable.from_dict({"key": "money", "title": "7. Biaya", "columns": COLUMNS,
                                  "rows": rows, "chart": chart})  # fmt: skip


CLOSE = [{"agency": "Kejaksaan Agung", "planned": 8_070_000, "actual": 8_820_000}]


@pytest.mark.parametrize(
    ("code", "indonesian", "english"),
    [
        ("2026-10", "Bulan Oktober 2026", "October 2026"),
        ("2026-S1", "Semester I Tahun 2026", "Semester I 2026"),
        ("2026-S2", "Semester II Tahun 2026", "Semester II 2026"),
        ("2026", "Tahun 2026", "Year 2026"),
        ("2026-03-01..2026-03-10", "Periode 1 Maret 2026 s.d. 10 Maret 2026",
         "1 March 2026 to 10 March 2026"),
    ],
)  # fmt: skip
def test_the_title_says_what_the_report_reports_and_on_which_period(code, indonesian, english):
    period = periods.parse(code)
    assert contents.default_title(period, "id") == (
        f"Laporan Pemantauan Tindak Lanjut Pengaduan Masyarakat, {indonesian}"
    )
    assert contents.default_title(period, "en") == (
        f"Report on the Follow-up Monitoring of Public Complaints, {english}")  # fmt: skip


def test_a_close_pair_of_amounts_is_drawn_from_zero_in_the_document_and_on_the_page():
    figure = chart_figure(_money(CLOSE), "id")
    assert figure is not None and figure.axes[0].get_xlim()[0] == 0
    page = charts.report_chart(_money(CLOSE))
    assert page is not None and page.layout.yaxis.rangemode == "tozero"  # upright bars
    wide = charts.report_chart(_money([{**CLOSE[0], "agency": "Instansi " * 5}]))
    assert wide is not None and wide.layout.xaxis.rangemode == "tozero"  # lying bars


def test_the_dashboards_bar_charts_start_at_zero_too():
    frame = pd.DataFrame({"month": ["2026-09", "2026-10"], "forwarded": [810, 882],
                          "answered": [800, 870]})  # fmt: skip
    labels = {"forwarded": "Diteruskan", "answered": "Ditanggapi", "title": "", "x": "", "y": ""}
    assert charts.forwarded_vs_answered(frame, labels).layout.yaxis.rangemode == "tozero"
    one = charts.bars(frame, "month", "forwarded", labels)
    assert one.layout.yaxis.rangemode == "tozero"
    lying = charts.bars(frame, "month", "forwarded", labels, horizontal=True)
    assert lying.layout.xaxis.rangemode == "tozero"


@pytest.mark.parametrize(
    ("value", "top", "lang", "shown"),
    [(0, 9e6, "id", "0"), (2_000_000, 9e6, "id", "2 jt"), (1_200_000, None, "id", "1,2 jt"),
     (500_000, 2.5e6, "id", "0,5 jt"), (250_000, 1e6, "id", "0,25 jt"),
     (2_082, 2_500, "id", "2.082"), (12_500_000, None, "en", "12.5M"),
     (3_000_000_000, None, "id", "3 M"), (3_000_000_000, None, "en", "3bn")],
)  # fmt: skip
def test_value_ticks_are_short_with_the_languages_separators(value, top, lang, shown):
    assert short_number(value, lang, top=top) == shown


def test_the_money_axis_has_few_ticks_that_never_touch():
    figure = chart_figure(_money(CLOSE), "id")
    assert figure is not None
    figure.canvas.draw()
    labels = [label for label in figure.axes[0].get_xticklabels() if label.get_text()]
    boxes = [label.get_window_extent() for label in labels]
    assert len(labels) <= 7 and all(a.x1 < b.x0 for a, b in itertools.pairwise(boxes))


def test_a_remainder_row_is_in_the_table_but_not_in_any_chart():
    rows = [{"agency": f"Instansi {i}", "planned": 3, "actual": 3} for i in range(3)]
    table = _money([*rows, {"agency": "Instansi lainnya", "planned": 20, "actual": 20}], limit=3)
    assert len(table.rows) == 4 and len(table.chart_rows) == 3
    assert ReportTable.from_dict(table.as_dict()) == table  # a finalised copy keeps the limit
    figure = chart_figure(table, "id")
    assert figure is not None
    assert "Instansi lainnya" not in [t.get_text() for t in figure.axes[0].get_yticklabels()]
    page = charts.report_chart(table)
    assert page is not None and "Instansi lainnya" not in list(page.data[0].x)


def test_a_table_of_zeros_or_without_rows_has_nothing_to_chart():
    zeros = _money([{"agency": "A", "planned": 0, "actual": None}])
    assert zeros.nothing_to_chart and _money([]).nothing_to_chart
    assert not _money(CLOSE).nothing_to_chart
    for table in (zeros, _money([])):
        assert chart_png(table, "id") is None and charts.report_chart(table) is None


def test_sheet_names_are_short_words_in_the_reports_language():
    assert sheet_name(_money(CLOSE), "id") == "7. Biaya pemantauan"
    assert sheet_name(_money(CLOSE), "en") == "7. Monitoring costs"
    unnamed = ReportTable.from_dict(
        {
            "key": "history",
            "columns": COLUMNS,
            "rows": [],
            "title": "Riwayat pengaduan menurut instansi tahun 2026",
        }
    )
    assert sheet_name(unnamed, "id") == "Riwayat pengaduan menurut"  # fmt: skip
    assert shortened("Satu dua tiga", 9) == "Satu dua" and shortened("x" * 40) == "x" * 31


def test_download_names_follow_the_reports_language():
    assert file_name("2026-S1", "id", "docx") == "laporan-pemantauan-2026-S1.docx"
    assert file_name("2026-10", "en", "xlsx") == "monitoring-report-2026-10.xlsx"
    assert (file_name("2026-10", "id", "xlsx", _money(CLOSE))
            == "laporan-pemantauan-2026-10-tabel-7-biaya-pemantauan.xlsx")  # fmt: skip
    assert file_name("2026-03-01..2026-03-10", "id", "docx") == (
        "laporan-pemantauan-2026-03-01-2026-03-10.docx")  # fmt: skip
