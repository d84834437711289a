"""The periodic report as printed: a month, a semester and a year built from a real database,
finalised through the route, the document and the workbook converted by LibreOffice and read
page by page; and an empty month, still a draft. The charts are pictures in the PDF, so what
they draw is read from the figures themselves (matplotlib for the document, plotly for the
page, the native chart for the workbook).

October 2026: 3 letters to each of ten agencies and 2 to each of ten more, so the ten below
the top ten sum to 20 letters ("Instansi lainnya", larger than any bar); one direct
monitoring approved on 12 October with Rp8.070.000 planned against Rp8.820.000 spent.
March 2026 has nothing at all.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from dumas import config
from dumas.db import connect
from dumas.domain import periods
from dumas.domain.report_flow import ReportMove
from dumas.periodic.images import chart_figure
from dumas.periodic.table import ReportTable
from dumas.periodic.workbook import report_xlsx
from dumas.render import charts
from dumas.render.documents import periodic_report_docx
from dumas.services import monitoring_records as rec
from dumas.services import periodic as final
from tests.conftest import Factory
from tests.monitoring_support import approved, people_of
from tests.realistic import settings
from tests.render_support import Pdf, render, to_pdf

pytestmark = render

TZ = config.TIMEZONE
# 18.30 UTC on the 3rd is 01.30 on the 4th in Jakarta: the document must say the 4th (after
# the semester and the year ended: a running period is not finalised)
FINALISED_AT = dt.datetime(2027, 1, 3, 18, 30, tzinfo=dt.UTC)
FINALISED_ON = "4 Januari 2027"
OCT, S2, YEAR, EMPTY = (periods.parse(c) for c in ("2026-10", "2026-S2", "2026", "2026-03"))
TITLE = "Laporan Pemantauan Tindak Lanjut Pengaduan Masyarakat, "
TITLES = {
    "month": TITLE + "Bulan Oktober 2026",
    "semester": TITLE + "Semester II Tahun 2026",
    "year": TITLE + "Tahun 2026",
    "empty": TITLE + "Bulan Maret 2026",
}
NO_DATA = "Tidak ada data untuk periode ini"
OTHERS = "Instansi lainnya"
ASDEP = settings()["officials"]["asdep"]


def _october(db) -> None:
    """Letters to twenty agencies, and one direct monitoring with its costs."""
    make = Factory(db)
    names = [row[0] for row in db.cursor().execute(
        "SELECT name FROM agency ORDER BY id LIMIT 20").fetchall()]  # fmt: skip
    letters = []
    for index, name in enumerate(names):
        for n in range(3 if index < 10 else 2):
            complaint = make.complaint(received_on=dt.date(2026, 10, 1 + n))
            letters.append(make.forward(complaint, make.agency(name), dt.date(2026, 10, 5 + n)))
    people = people_of(db)
    at = dt.datetime(2026, 10, 12, 9, tzinfo=TZ)
    mid = approved(db, people, letters[:2], direct=True, now=at)
    revision = db.cursor().execute(
        "SELECT revision FROM monitoring WHERE id = $id", {"id": mid}).fetchone()[0]  # fmt: skip
    costs = [
        {"item": "transport", "user_id": None, "planned": 5_070_000, "actual": 5_820_000},
        {"item": "penginapan", "user_id": None, "planned": 3_000_000, "actual": 3_000_000},
    ]
    rec.save_costs(db, people.analyst, mid, revision=revision, now=at, rows=costs)


def _finalise(db, period: periods.Period) -> None:
    """Drafted by the analyst, checked by the Kabid, finalised by the Asdep."""
    people = people_of(db)
    final.save_draft(db, people.analyst, period, now=FINALISED_AT, revision=0,
                     narrative={"key_issues": "Empat instansi belum menjawab."})  # fmt: skip
    final.review(db, people.kabid, period, move=ReportMove.CHECK, revision=1, now=FINALISED_AT)
    final.finalise(db, people.asdep, period, narrative={"key_issues": "Empat instansi belum "
                   "menjawab."}, revision=1, now=FINALISED_AT)  # fmt: skip


def _as_sent(db, period: periods.Period) -> dict:
    """The report as the page and the command line hand it out: the frozen copy, with the
    finalisation line the workbook's cover shows; a draft as built today."""
    from dumas.periodic import contents

    cur = db.cursor()
    frozen = final.frozen(cur, period)
    if frozen is None:
        title = contents.default_title(period, "id")
        report = contents.build(cur, period, "id", title=title, generated="Dibuat hari ini")
    else:
        report = {**frozen, "finalised": f"Difinalkan oleh {frozen['finalised_by']}"}
    return {**report, **final.addressing(cur, period)}


@pytest.fixture(scope="module")
def reports(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """The month, the semester and the year finalised; the empty month a draft."""
    path = tmp_path_factory.mktemp("periodic") / "dumas.duckdb"
    shutil.copy(template_db, path)
    db = connect(path)
    try:
        _october(db)
        for period in (OCT, S2, YEAR):
            _finalise(db, period)
        kinds = {"month": OCT, "semester": S2, "year": YEAR, "empty": EMPTY}
        return {kind: _as_sent(db, period) for kind, period in kinds.items()}
    finally:
        db.close()


@pytest.fixture(scope="module")
def printed(reports: dict[str, dict], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pdf]:
    """Each report's document (docx-KIND) and workbook (xlsx-KIND), printed in one batch."""
    files: dict[str, bytes] = {}
    for kind, report in reports.items():
        files[f"docx-{kind}.docx"] = periodic_report_docx(report, settings(), "id")
        files[f"xlsx-{kind}.xlsx"] = report_xlsx(report, "id")
    return to_pdf(files, tmp_path_factory.mktemp("periodic-pdf"))


def _last_page_of(pdf: Pdf, needle: str) -> int:
    """The last page (0-based) printing `needle` (the unit's name heads the first page too)."""
    want = " ".join(needle.split())
    found = [n for n, page in enumerate(pdf.pages) if want in " ".join(page.split())]
    assert found, f"{needle!r} is printed on no page of {pdf.path.name}"
    return found[-1]


def _table(report: dict, key: str) -> ReportTable:
    return next(table for table in report["tables"] if table.key == key)


@pytest.mark.parametrize("kind", ["month", "semester", "year", "empty"])
def test_the_report_is_titled_with_what_it_reports_and_its_period(printed, kind):
    assert printed[f"docx-{kind}"].page_of(TITLES[kind].upper()) == 0
    assert printed[f"xlsx-{kind}"].page_of(TITLES[kind]) == 0  # the workbook's cover


@pytest.mark.parametrize("kind", ["month", "semester", "year"])
def test_a_final_report_is_dated_the_day_it_was_finalised_on_the_page_the_asdep_signs(
    printed, kind
):
    pdf = printed[f"docx-{kind}"]
    page = pdf.page_of(f"Jakarta, {FINALISED_ON}")
    assert page == len(pdf.pages) - 1  # the signature closes the report
    for line in (f"{ASDEP['title']},", ASDEP["name"], f"NIP {ASDEP['nip']}"):
        assert _last_page_of(pdf, line) == page
    assert "Jakarta, ……" not in pdf.text and "Jakarta, ..." not in pdf.text


@pytest.mark.parametrize("kind", ["month", "semester", "year"])
def test_the_official_copy_of_a_final_report_prints_no_status_line(printed, kind):
    text = printed[f"docx-{kind}"].text
    assert not re.search(r"Status\s*:", text)
    assert "Difinalkan" not in text and "FINAL" not in text and "KONSEP" not in text
    cover = printed[f"xlsx-{kind}"].pages[0]  # the status belongs on the workbook's cover
    assert "FINAL" in cover and "Difinalkan oleh Asdep Uji" in cover


def test_a_draft_stays_undated_and_says_it_is_a_draft(printed):
    pdf = printed["docx-empty"]
    assert "Status: KONSEP" in pdf.text
    page = _last_page_of(pdf, "Jakarta, ")
    for line in (f"{ASDEP['title']},", ASDEP["name"], f"NIP {ASDEP['nip']}"):
        assert _last_page_of(pdf, line) == page
    assert re.search(r"Jakarta, …+|Jakarta, \.{3,}", pdf.text)


def test_the_workbook_names_its_sheets_in_indonesian_and_the_cover_lists_them(printed, reports):
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(reports["month"], "id")))
    assert book.sheetnames == ["Sampul", "1. Saluran", "2a. Kode masalah", "2b. Kategori",
                               "2c. Provinsi", "3a. Instansi", "3b. Kategori instansi",
                               "4. Status tanggapan", "5. Umur surat", "6. Pemantauan",
                               "7. Biaya pemantauan", "8. Perbandingan"]  # fmt: skip
    cover = printed["xlsx-month"]
    for name in book.sheetnames[1:]:
        assert cover.page_of(name) == 0
    words = set(re.findall(r"[a-z_]+", cover.text))
    assert not words & {"channels", "money", "trend", "agencies", "ageing", "response"}


def test_the_periodic_workbook_prints_no_filter_line(printed):
    for kind in ("month", "empty"):
        assert "Filter" not in printed[f"xlsx-{kind}"].text


def test_an_empty_period_says_there_is_no_data_instead_of_charts_of_zeros(printed, reports):
    tables = reports["empty"]["tables"]
    assert all(table.nothing_to_chart for table in tables)
    assert printed["docx-empty"].text.count(NO_DATA) == len(tables)
    assert "Gambar" not in printed["docx-empty"].text  # no figure caption: no picture
    assert printed["xlsx-empty"].text.count(NO_DATA) == len(tables)
    assert all(charts.report_chart(table) is None for table in tables)  # the page: a caption
    month = printed["docx-month"].text
    assert NO_DATA not in month.split("Tabel 3a.")[1].split("Tabel 3b.")[0]  # 3a has data


def test_instansi_lainnya_is_a_row_of_the_table_but_never_a_bar(printed, reports):
    agencies = _table(reports["month"], "agencies")
    assert agencies.rows[-1]["agency"] == OTHERS and agencies.rows[-1]["current"] == 20
    assert len(agencies.rows) == 11
    assert printed["docx-month"].page_of(OTHERS) >= 0  # listed in the printed table
    figure = chart_figure(agencies, "id")
    assert figure is not None
    drawn = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert len(drawn) == 10 and not any(OTHERS in label for label in drawn)
    widths = [bar.get_width() for bar in figure.axes[0].patches]
    assert max(widths) == 3  # the top ten, not the remainder's 20
    page = charts.report_chart(agencies)
    assert page is not None and OTHERS not in list(page.data[0].y)
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(reports["month"], "id")))["3a. Instansi"]
    reference = sheet._charts[0].series[0].val.numRef.f
    last = int(reference.rsplit("$", 1)[1])
    assert sheet.cell(last, 1).value != OTHERS and sheet.cell(last + 1, 1).value == OTHERS


def _charted(report: dict) -> list[ReportTable]:
    return [table for table in report["tables"] if not table.nothing_to_chart and table.chart]


def test_every_bar_chart_starts_its_value_axis_at_zero(reports):
    month = reports["month"]
    money = _table(month, "money")
    assert money.rows[0]["planned"] == 8_070_000 and money.rows[0]["actual"] == 8_820_000
    for table in _charted(month):
        figure = chart_figure(table, "id")
        assert figure is not None and figure.axes[0].get_xlim()[0] == 0, table.key
        page = charts.report_chart(table)
        assert page is not None
        horizontal = page.data[0].orientation == "h"
        value_axis = page.layout.xaxis if horizontal else page.layout.yaxis
        assert value_axis.rangemode == "tozero", table.key
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(month, "id")))
    for sheet in book.worksheets[1:]:
        for chart in sheet._charts:
            assert chart.y_axis.scaling.min == 0, sheet.title


def test_the_money_chart_ticks_are_few_short_and_from_zero(reports):
    figure = chart_figure(_table(reports["month"], "money"), "id")
    assert figure is not None
    figure.canvas.draw()
    axes = figure.axes[0]
    ticks = [label.get_text() for label in axes.get_xticklabels()
             if axes.get_xlim()[0] <= label.get_position()[0] <= axes.get_xlim()[1]]  # fmt: skip
    assert ticks[0] == "0" and len(ticks) <= 6
    assert all(tick == "0" or tick.endswith(" jt") for tick in ticks)
    boxes = [label.get_window_extent() for label in axes.get_xticklabels() if label.get_text()]
    assert all(a.x1 < b.x0 for a, b in itertools.pairwise(boxes))  # none overlap
