"""A real `streamlit run server.py` and Debian's Chromium, shared by the browser tests."""

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
from contextlib import contextmanager
from pathlib import Path

from dumas.config import ROOT
from tests.conftest import TODAY

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def demo_app(folder: Path, complaints: int) -> Iterator[str]:
    """A running app on a new demo database of `complaints` (with the demo accounts)."""
    from dumas.db import connect, demo

    path = folder / "dumas.duckdb"
    database = connect(path)
    demo.generate(database, complaints, today=TODAY)
    database.close()
    with running_app(path) as base:
        yield base


@contextmanager
def running_app(db_path: Path, settings: dict[str, str] | None = None) -> Iterator[str]:
    """The app as `make run` serves it (server.py: Streamlit plus the sign-in routes), with
    these environment settings besides the test's own."""
    port = _free_port()
    env = {**os.environ, "DUMAS_DB": str(db_path), "DUMAS_DEMO": "0", **(settings or {})}
    env["DUMAS_TODAY"] = TODAY.isoformat()
    env["FORWARDED_ALLOW_IPS"] = ""  # as `make run`: only DUMAS_TRUSTED_PROXIES decides
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "server.py"),
        "--server.headless=true", f"--server.port={port}", "--server.address=127.0.0.1",
        "--browser.gatherUsageStats=false",
    ]  # fmt: skip
    with open(db_path.with_suffix(".log"), "w") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base, proc)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=20)


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


@contextmanager
def chromium() -> Iterator[object]:
    """Debian's Chromium through the playwright package (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def settle(page) -> None:
    """Wait like Streamlit's own e2e suite: connected, then the script not running."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']")
    page.wait_for_timeout(300)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=60_000
    )


def metric(page, label: str) -> int:
    """A KPI card's value as an integer (Indonesian thousands separator removed)."""
    card = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=re.compile(f"^{label}$"))
    )
    return int(card.locator("[data-testid='stMetricValue']").inner_text().replace(".", ""))


def sign_in(page, base: str, username: str, password: str) -> None:
    """Through the real sign-in form (posted to /auth/masuk, which sets the cookie)."""
    page.goto(f"{base}/")
    settle(page)
    page.locator("input[name='username']").fill(username)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(f"{base}/")
    settle(page)


def menu(page) -> list[str]:
    """The page titles in the sidebar navigation."""
    links = page.locator("[data-testid='stSidebarNav'] a")
    return [text.strip().splitlines()[-1] for text in links.all_inner_texts()]  # after the icon


def download(page, key: str, folder: Path) -> Path:
    """Click the download button of widget `key` and save the file under its own name."""
    with page.expect_download() as info:
        page.locator(f".st-key-{key} button").click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def choose(page, label: str, text: str) -> None:
    """Pick the option of the select box `label` that starts with `text`, as a user who
    types into its search: typed until it is the one option listed, then Enter (a click
    right after the list opens may land before the list settles, or miss it)."""
    from playwright.sync_api import expect

    box = page.get_by_role("combobox", name=label)
    options = page.get_by_role("option")
    for _ in range(3):
        box.click()
        box.fill(text)
        try:
            expect(options).to_have_count(1, timeout=5_000)
            expect(options.first).to_contain_text(text)
        except AssertionError:
            page.keyboard.press("Escape")
            continue
        page.keyboard.press("Enter")
        expect(box).to_have_value(re.compile("^" + re.escape(text)))
        return
    raise AssertionError(f"no single option {text!r} in {label!r}")


def attach_scan(page, base: str, agenda: str, name: str, data: bytes) -> None:
    """On a complaint's page (Cari Pengaduan), attach a scanned PDF to its agency's response,
    as the analyst does: the record chosen, the file uploaded, "Lampirkan berkas"."""
    page.goto(f"{base}/pengaduan?agenda={agenda}")
    settle(page)
    page.locator("[data-testid='stExpander'] summary", has_text="Lampirkan berkas baru").click()
    choose(page, "Lampirkan ke", "Tanggapan")
    settle(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": data}
    )
    settle(page)
    page.get_by_role("button", name=re.compile(r"Lampirkan berkas$")).click()
    settle(page)
    page.get_by_text(f"Berkas {name} dilampirkan.").wait_for()
