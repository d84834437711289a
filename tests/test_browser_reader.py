"""A workbook that kills a naive reader, uploaded in a real Chromium while a colleague works.

The server (a real `streamlit run server.py`) reads every upload in a child process: the
stray-cell workbook is refused on the page with "Berkas tidak dapat dibaca", and the
other user's dashboard goes on answering, before and after.
"""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import openpyxl
import pytest

from dumas.services.users import DEMO_PASSWORD
from tests import hostile_files as hf
from tests.browser_support import demo_app, metric, settle, sign_in

pytestmark = pytest.mark.browser
AGENCY = "Kementerian Dalam Negeri"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """A demo database of 300 complaints, with the demo accounts."""
    with demo_app(tmp_path_factory.mktemp("browser_reader"), 300) as base:
        yield base


def _stray_workbooks(folder: Path) -> list[Path]:
    """One data row and one cell typed at XFD1048576: as Excel (or openpyxl) saves it, and
    with a dimension that hides the far cell, which makes calamine itself abort."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(hf.HEADERS)
    sheet.append(hf.data_rows(1)[0])
    sheet["XFD1048576"] = "x"
    saved = folder / "rekap-stray.xlsx"
    book.save(saved)
    hidden = folder / "rekap-stray-tersembunyi.xlsx"
    cells = [*hf.table_cells(1), ("XFD1048576", "x")]
    hidden.write_bytes(hf.xlsx(cells, dimension="A1:Q2"))
    return [saved, hidden]


def _filter_agency(page) -> None:
    picker = page.locator("[data-testid='stMultiSelect']").filter(has_text="Instansi tujuan")
    picker.locator("input").click()
    picker.locator("input").press_sequentially("Dalam Negeri")
    page.get_by_role("option", name=AGENCY, exact=True).click()
    page.keyboard.press("Escape")
    settle(page)


def _preview(page, workbook: Path) -> None:
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(workbook)
    settle(page)
    page.get_by_role("button", name=re.compile(r"(^|\s)Pratinjau$")).click()


def test_a_stray_cell_workbook_is_refused_while_another_user_keeps_working(
    server, browser, tmp_path
):
    colleague = browser.new_context().new_page()
    sign_in(colleague, server, "kabid", DEMO_PASSWORD)
    everything = metric(colleague, "Belum ditanggapi")

    clerk = browser.new_context().new_page()
    sign_in(clerk, server, "analis", DEMO_PASSWORD)
    clerk.goto(f"{server}/impor")
    settle(clerk)
    first, hidden = _stray_workbooks(tmp_path)
    _preview(clerk, first)
    _filter_agency(colleague)  # while the upload is being read
    one_agency = metric(colleague, "Belum ditanggapi")
    assert 0 < one_agency < everything

    for workbook, sheet in ((first, "Sheet"), (hidden, "Data")):
        if workbook is hidden:
            _preview(clerk, workbook)
        settle(clerk)
        alert = clerk.locator("[data-testid='stAlert']").filter(has_text="tidak dapat dibaca")
        text = alert.inner_text().strip().splitlines()[-1]  # after the icon's name
        assert text.startswith(f"Berkas tidak dapat dibaca: lembar “{sheet}” terisi sampai")
        assert "(sel terjauh yang berisi: XFD1048576)" in text

    colleague.goto(f"{server}/")  # the colleague's session still answers, filter and all
    settle(colleague)
    assert metric(colleague, "Belum ditanggapi") == everything
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=5) as health:
        assert health.read() == b"ok"  # the server process is alive
    clerk.goto(f"{server}/")
    settle(clerk)
    assert metric(clerk, "Belum ditanggapi") == everything
