"""A real Chromium attaches a scanned response (a PDF) on the complaint page of a running
app and opens it: the download is the same file, under its name, read through the service
(an audit row) and within the Content-Security-Policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dumas.db import blobs, connect
from tests import attachment_support as support
from tests.browser_support import attach_scan, running_app, sign_in
from tests.conftest import PASSWORD
from tests.test_browser import REPORT_VIOLATIONS

pytestmark = pytest.mark.browser


def test_a_scanned_response_attached_on_the_complaint_page_opens_as_the_same_pdf(
    browser, template_db: Path, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
):
    path = support.copy_of(support.built(template_db, tmp_path_factory), tmp_path)
    scan, violations = support.scan_pdf("Surat tanggapan Kemendagri"), []
    with running_app(path) as base:
        context = browser.new_context(accept_downloads=True)
        context.expose_function("reportViolation", lambda text: violations.append(text))
        context.add_init_script(REPORT_VIOLATIONS)
        page = context.new_page()
        sign_in(page, base, "analis.uji", PASSWORD)
        attach_scan(page, base, support.AGENDA, "scan tanggapan.pdf", scan)
        with page.expect_download() as downloaded:
            page.get_by_role("button", name=re.compile(r"Unduh berkas \(\.pdf\)$")).click()
        download = downloaded.value
        opened = Path(download.path()).read_bytes()
        assert (download.suggested_filename, opened) == ("scan tanggapan.pdf", scan)
        link = page.get_by_role("link", name=re.compile(r"Buka di tab baru$"))
        assert link.get_attribute("target") == "_blank"
        href = link.get_attribute("href")
        shown = context.request.get(f"{base}/{href}")  # the tab's request, with its cookie
        assert (shown.status, shown.headers["content-type"], shown.body()) == (
            200,
            "application/pdf",
            scan,
        )
        assert shown.headers["content-disposition"].startswith("inline; ")
        assert violations == []
        context.close()
    db = connect(path)  # the app has let the file go
    try:
        cur = db.cursor()
        kept = cur.execute("SELECT record_kind, sha256 FROM attachment").fetchall()
        opened_by = cur.execute(
            "SELECT actor FROM audit_log WHERE action = 'attachment.open'"
        ).fetchall()  # fmt: skip
    finally:
        db.close()
    assert kept == [("response", blobs.digest_of(scan))]
    assert opened_by == [("analis.uji",), ("analis.uji",)]  # the download, then the tab
