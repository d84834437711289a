"""A real Chromium imports a spreadsheet into an empty database through the Impor dan Ekspor
Data page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import expect

from dumas.db import connect
from dumas.importer.model import CANONICAL
from dumas.services import users
from tests.browser_support import metric, running_app, settle, sign_in

pytestmark = pytest.mark.browser
PASSWORD = "sandi-admin-uji-2026"
HEADERS = [
    CANONICAL[f]
    for f in ("agenda_no", "received_on", "complainant_name", "agency", "letter_no", "letter_date")
]
# Two complaints, three letters; one agency is not in the master list.
ROWS = [
    ["BRW-001", dt.date(2026, 7, 1), "Rina Marlina", "Kementerian Dalam Negeri", "B-201/2026"],
    ["BRW-001", dt.date(2026, 7, 1), "Rina Marlina", "Kementerian Sosial", "B-202/2026"],
    ["BRW-002", dt.date(2026, 8, 3), "Yusuf Hidayat", "Dinas Sosial Kota Contoh", "B-203/2026"],
]
LETTER_DATE = dt.date(2026, 8, 10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty migrated database (no demo data) with one administrator account."""
    path = tmp_path_factory.mktemp("browser_import") / "dumas.duckdb"
    database = connect(path)
    users.create_first_admin(database, username="admin", full_name="Admin", password=PASSWORD)
    database.close()
    with running_app(path) as base:
        yield base


_settle, _metric = settle, metric


def _workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append([*row, LETTER_DATE])
    book.save(path)
    return path


def _button(page, label: str):
    """A button by its exact caption (a Material icon may precede it)."""
    return page.get_by_role("button", name=re.compile(rf"(^|\s){re.escape(label)}$"))


def test_an_uploaded_spreadsheet_is_previewed_imported_and_counted_on_the_dashboard(
    server, browser, tmp_path
):
    page = browser.new_context().new_page()
    sign_in(page, server, "admin", PASSWORD)
    page.goto(f"{server}/")
    _settle(page)
    assert _metric(page, "Surat penerusan") == 0

    page.goto(f"{server}/impor")
    _settle(page)
    upload = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    upload.set_input_files(_workbook(tmp_path / "rekap-penerusan.xlsx"))
    _settle(page)

    _button(page, "Pratinjau").click()
    _settle(page)
    outcome = page.locator("[data-testid='stAlert']").filter(has_text="Pratinjau:").inner_text()
    assert outcome.strip() == "Pratinjau: tidak ada baris yang ditolak; belum ada yang ditulis."
    report = page.locator("[data-testid='stMarkdownContainer'] li")
    lines = [line.strip() for line in report.all_inner_texts()]
    assert "Baris dibaca: 3 (duplikat persis: 0; ditolak: 0)" in lines
    assert "Pengaduan: 2 akan dibuat, 0 akan diperbarui, 0 tetap" in lines
    assert "Surat penerusan: 3 akan dibuat, 0 akan diperbarui, 0 tetap" in lines
    assert any(line.endswith(": Dinas Sosial Kota Contoh") for line in lines)

    _button(page, "Impor").click()
    _settle(page)
    page.get_by_text("Impor selesai.", exact=True).wait_for()

    page.goto(f"{server}/")
    _settle(page)
    assert _metric(page, "Surat penerusan") == len(ROWS)
    assert _metric(page, "Pengaduan diteruskan") == 2
    page.close()


def test_the_import_page_opens_in_english_from_its_url(server, browser):
    page = browser.new_context().new_page()
    sign_in(page, server, "admin", PASSWORD)
    page.goto(f"{server}/impor?lang=English")
    _settle(page)
    assert page.locator("h1").first.inner_text().strip() == "Import and export data"
    tabs = [t.strip() for t in page.get_by_role("tab").all_inner_texts()]
    assert tabs == ["Import a file", "Export data", "Merge agencies", "Backups"]
    # The template button is drawn in the same run as the tabs, but may reach the browser
    # a moment later: wait for it rather than look once.
    expect(_button(page, "Download the template (.xlsx)")).to_be_visible(timeout=15_000)
    page.close()
