"""A real Chromium (Debian's) against a real `streamlit run`, as an analyst would use it."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from urllib.parse import quote

import openpyxl
import pytest

from dumas import demo
from dumas.config import ROOT
from dumas.db import connect
from tests.conftest import TODAY

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AGENCY = "Kementerian Dalam Negeri"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on a demo database of 1,500 complaints."""
    path = tmp_path_factory.mktemp("browser") / "dumas.duckdb"
    database = connect(path)
    demo.generate(database, 1_500, today=TODAY)
    database.close()
    port = _free_port()
    env = {**os.environ, "DUMAS_DB": str(path), "DUMAS_DEMO": "0", "DUMAS_TODAY": TODAY.isoformat()}
    log = open(path.with_suffix(".log"), "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "app.py"),
            "--server.headless=true",
            f"--server.port={port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


def _wait_healthy(base: str, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("streamlit exited early")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError("streamlit did not become healthy")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


def _settle(page) -> None:
    """Wait like Streamlit's own e2e suite: connected, then the script not running."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    page.wait_for_timeout(300)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000
    )


def _metric(page, label: str) -> int:
    card = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=re.compile(f"^{label}$"))
    )
    return int(card.locator("[data-testid='stMetricValue']").inner_text().replace(".", ""))


def test_analyst_records_a_response_and_the_unanswered_count_drops(server, browser, tmp_path):
    page = browser.new_page(accept_downloads=True)
    page.goto(f"{server}/")  # the default page lives at the root
    _settle(page)
    before_all = _metric(page, "Belum ditanggapi")

    # Filter by one agency through the sidebar multiselect.
    picker = page.locator("[data-testid='stMultiSelect']").filter(has_text="Instansi tujuan")
    picker.locator("input").fill(AGENCY)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    _settle(page)
    before = _metric(page, "Belum ditanggapi")
    assert 0 < before < before_all
    assert "agency=" in page.url  # the filter survives a reload

    # Download the filtered list and read it back.
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh .xlsx").click()
    target = tmp_path / "daftar.xlsx"
    info.value.save_as(target)
    sheet = openpyxl.load_workbook(target).active
    assert sheet["A1"].value == "Surat penerusan yang belum ditanggapi"
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "No Agenda")
    rows = [r for r in sheet.iter_rows(min_row=header_row + 1, values_only=True) if r[0]]
    assert len(rows) == min(before, 100_000)
    assert {r[3] for r in rows} == {AGENCY}
    agenda = rows[0][0]

    # Open the complaint by its deep link and record the agency's response.
    page.goto(f"{server}/pengaduan?agenda={quote(agenda)}")
    _settle(page)
    form = page.locator("[data-testid='stForm']").first
    agency_box = form.locator("[data-testid='stSelectbox'] input").first
    if agency_box.input_value() != AGENCY:  # a complaint forwarded to two agencies
        agency_box.fill(AGENCY)
        page.get_by_role("option", name=AGENCY, exact=True).click()
    assert agency_box.input_value() == AGENCY
    form.get_by_label("Nomor surat").fill("B-4321/Kemendagri/2026")
    form.get_by_role("button", name="Simpan").click()
    _settle(page)
    page.get_by_text("Tanggapan instansi tercatat.").wait_for()

    # Back on the dashboard, with the same filter: one fewer unanswered letter.
    page.goto(f"{server}/?agency={quote(AGENCY)}")
    _settle(page)
    assert _metric(page, "Belum ditanggapi") == before - 1
    page.close()
