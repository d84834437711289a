"""A real Chromium imports a spreadsheet into an empty database through the Impor Data page."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from dumas.config import ROOT
from dumas.db import connect
from dumas.importer.model import CANONICAL
from tests.conftest import TODAY

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run app.py` on an empty migrated database (no demo data)."""
    path = tmp_path_factory.mktemp("browser_import") / "dumas.duckdb"
    connect(path).close()
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
    page = browser.new_page()
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
    page = browser.new_page()
    page.goto(f"{server}/impor?lang=English")
    _settle(page)
    assert page.locator("h1").first.inner_text().strip() == "Import data"
    tabs = [t.strip() for t in page.get_by_role("tab").all_inner_texts()]
    assert tabs == ["Import a file", "Merge agencies"]
    assert _button(page, "Download the template").is_visible()
    page.close()
