"""The Asdep picks a semester whose narrative the analyst drafted and the Kabid checked,
finalises the report and downloads the workbook and the document, in a real Chromium
against `streamlit run`."""

from __future__ import annotations

import datetime as dt

import docx
import openpyxl
import pytest
from playwright.sync_api import expect

from dumas import config
from dumas.db import connect, demo
from dumas.db.demo.plans import user
from dumas.domain import periods
from dumas.domain.report_flow import ReportMove
from dumas.services import periodic as final
from dumas.services.users import DEMO_PASSWORD
from tests.browser_support import download, running_app, settle, sign_in
from tests.conftest import TODAY

pytestmark = pytest.mark.browser
KEY_ISSUES = "Tanggapan BPN masih lambat di Semester I."
RECOMMENDATIONS = "Pemantauan langsung ke Kanwil BPN pada Semester II."
JULY_6 = dt.datetime(2026, 7, 6, 9, tzinfo=config.TIMEZONE)


def _pick(page, label: str, option: str) -> None:
    """One option (exact name) of the selectbox labelled `label`."""
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label)
    box.locator("input").click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def _drafted_and_checked(database, code: str = "2026-S1", now: dt.datetime = JULY_6) -> None:
    """The analyst's narrative of a period, checked by the Kabid, through the services."""
    period = periods.parse(code)
    text = {"key_issues": KEY_ISSUES, "recommendations": RECOMMENDATIONS}
    final.save_draft(database, user(database, "analis"), period, narrative=text, revision=0,
                     now=now)  # fmt: skip
    final.review(database, user(database, "kabid"), period, move=ReportMove.CHECK,
                 revision=1, now=now)  # fmt: skip


def _open_report(page, base: str, code: str, title: str) -> None:
    """The Asdep's Laporan Berkala on one period, by its link (?report=...)."""
    page.goto(f"{base}/laporan?report={code}")
    settle(page)
    page.get_by_role("heading", name=f"Laporan Pemantauan Tindak Lanjut Pengaduan "
                     f"Masyarakat, {title}").wait_for()  # fmt: skip


def test_the_asdep_finalises_a_semester_report_and_downloads_both_files(browser, tmp_path):
    path = tmp_path / "dumas.duckdb"
    database = connect(path)
    try:
        demo.generate(database, 1_500, today=TODAY)
        _drafted_and_checked(database)  # since issue 14 the Asdep finalises after the check
    finally:
        database.close()

    with running_app(path) as base:
        page = browser.new_context(accept_downloads=True).new_page()
        sign_in(page, base, "asdep", DEMO_PASSWORD)
        page.goto(f"{base}/laporan")
        settle(page)
        kinds = page.get_by_role("radiogroup", name="Jenis periode", exact=True)
        kinds.get_by_role("radio", name="Semester", exact=True).click()
        settle(page)
        _pick(page, "Semester", "I")
        page.get_by_role(
            "heading",
            name="Laporan Pemantauan Tindak Lanjut Pengaduan Masyarakat, Semester I Tahun 2026",
        ).wait_for()
        assert page.url.endswith("report=2026-S1")

        form = page.locator("[data-testid='stForm']").first
        page.get_by_text("Konsep narasi terakhir disimpan oleh").wait_for()
        assert form.get_by_label("Pokok permasalahan", exact=True).input_value() == KEY_ISSUES
        form.get_by_text("Saya mengerti", exact=False).click()  # the confirmation box
        form.get_by_role("button", name="Finalkan laporan", exact=True).click()
        settle(page)
        page.get_by_text("Final: difinalkan oleh").wait_for()

        workbook = download(page, "report_xlsx", tmp_path)
        document = download(page, "report_docx", tmp_path)

    assert (workbook.name, document.name) == (
        "laporan-pemantauan-2026-S1.xlsx",
        "laporan-pemantauan-2026-S1.docx",
    )
    book = openpyxl.load_workbook(workbook)
    cover = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert "FINAL" in cover and KEY_ISSUES in cover and RECOMMENDATIONS in cover
    assert len(book.sheetnames) == 12  # the cover and every table
    report = docx.Document(str(document))
    words = [p.text for p in report.paragraphs]
    assert (
        "LAPORAN PEMANTAUAN TINDAK LANJUT PENGADUAN MASYARAKAT, SEMESTER I TAHUN 2026" in words
        and KEY_ISSUES in words
    )
    # The signed copy: dated the day it was finalised, no status line (that is on the cover).
    assert not any(w.startswith("Status:") for w in words)
    dated = [w for w in words if w.startswith("Jakarta, ")]
    assert dated and "…" not in dated[0] and "." not in dated[0]
    assert "Kepada Yth.: Menteri Sekretaris Negara" in words
    assert len(report.inline_shapes) >= 5  # the charts, as pictures
    database = connect(path)
    try:
        frozen = final.frozen(database.cursor(), periods.parse("2026-S1"))
        audited = (
            database.cursor()
            .execute(
                "SELECT actor, new_value->>'period' FROM audit_log WHERE action = 'report.finalise'"
            )
            .fetchall()
        )
    finally:
        database.close()
    assert frozen["narrative"] == {"key_issues": KEY_ISSUES, "recommendations": RECOMMENDATIONS}
    assert ("asdep", "2026-S1") in audited  # (the demo finalised 2026-09 itself)


def test_a_period_still_running_is_not_offered_for_finalising_and_names_the_day_it_can_be(
    browser, tmp_path
):
    """Issue 16: today is pinned to 27 November 2026 (DUMAS_TODAY); Semester II runs to
    31 December, so its checked report cannot be finalised before 1 January 2027, while
    October's, checked too, can."""
    path = tmp_path / "dumas.duckdb"
    database = connect(path)
    try:
        demo.generate(database, 300, today=TODAY)  # drafts 2026-10 (last month)
        now = dt.datetime.combine(TODAY, dt.time(9), config.TIMEZONE)
        _drafted_and_checked(database, "2026-S2", now)
        final.review(database, user(database, "kabid"), periods.parse("2026-10"),
                     move=ReportMove.CHECK, revision=1, now=now)  # fmt: skip
    finally:
        database.close()

    with running_app(path) as base:
        page = browser.new_context().new_page()
        sign_in(page, base, "asdep", DEMO_PASSWORD)
        _open_report(page, base, "2026-S2", "Semester II Tahun 2026")
        form = page.locator("[data-testid='stForm']").first
        expect(form.get_by_label("Pokok permasalahan", exact=True)).to_have_value(KEY_ISSUES)
        expect(
            page.locator("[data-testid='stAlert'] [data-testid='stMarkdownContainer']").filter(
                has_text="dapat difinalkan"
            )
        ).to_have_text(
            "Laporan Semester II 2026 dapat difinalkan mulai 1 Januari 2027: periodenya belum "
            "berakhir, angkanya masih dapat berubah."
        )
        expect(form.get_by_role("button", name="Simpan konsep narasi", exact=True)).to_be_visible()
        expect(form.get_by_role("button", name="Finalkan laporan", exact=True)).to_have_count(0)
        expect(form.get_by_text("Saya mengerti", exact=False)).to_have_count(0)

        # October is over (since 1 November): the same Asdep is offered to finalise it.
        _open_report(page, base, "2026-10", "Bulan Oktober 2026")
        form = page.locator("[data-testid='stForm']").first
        expect(form.get_by_role("button", name="Finalkan laporan", exact=True)).to_be_visible()
        expect(form.get_by_text("Saya mengerti", exact=False)).to_be_visible()
        expect(page.get_by_text("dapat difinalkan mulai")).to_have_count(0)

    database = connect(path)
    try:
        assert final.frozen(database.cursor(), periods.parse("2026-S2")) is None
    finally:
        database.close()
