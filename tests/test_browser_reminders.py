"""The analyst chases one agency in a real Chromium against `streamlit run`: on Tindak Lanjut,
filtered to the agency, the "Surat konfirmasi" view previews its reminders, downloads them
(.zip: the agency's .docx, the combined .docx, the list), records their numbers counted up,
and downloads the numbered letters; then files the scanned response of the agency's one
answered letter on its complaint (Cari Pengaduan)."""

from __future__ import annotations

import io
import zipfile
from urllib.parse import urlencode

import docx
import pytest

from dumas.db import connect
from dumas.render import reminders as files
from tests import reminder_support as world_of
from tests.attachment_support import scan_pdf
from tests.browser_support import attach_scan, download, running_app, settle, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _agendas(data: bytes) -> list[str]:
    """The agenda numbers the letters of a .docx list (the first line of the list's cells)."""
    doc = docx.Document(io.BytesIO(data))
    return [
        row.cells[1].text.split("\n")[0]
        for table in doc.tables
        if table.rows[0].cells[1].text.startswith("No Agenda")
        for row in table.rows[1:]
    ]


def _numbers(data: bytes) -> list[str]:
    """The letter number of each letter of a .docx (its Nomor line)."""
    doc = docx.Document(io.BytesIO(data))
    return [t.rows[0].cells[2].text for t in doc.tables if t.rows[0].cells[0].text == "Nomor"]


def test_the_analyst_generates_one_agencys_reminders_and_files_its_scanned_response(
    browser, template_db, tmp_path, tmp_path_factory
):
    built = world_of.built(template_db, tmp_path_factory)
    path, world = world_of.copy_of(built, tmp_path), built[1]
    agency = world["names"][2]  # the third: its head's title and city are known
    expected = [world_of.agenda(2, c) for c in range(world_of.FRESH + world_of.SECOND)]
    cases = [case for case, *_ in world_of.CASES]
    answered, scan = world_of.agenda(2, cases.index("answered")), scan_pdf("Tanggapan instansi")

    with running_app(path) as base:
        page = browser.new_context(accept_downloads=True).new_page()
        sign_in(page, base, "analis.uji", PASSWORD)
        page.goto(f"{base}/?{urlencode({'agency': agency, 'view': 'Surat konfirmasi'})}")
        settle(page)
        page.locator(".st-key-reminder_preview button").click()
        settle(page)
        page.get_by_text(
            "7 surat penerusan dari 1 instansi akan dikonfirmasi dalam 2 surat konfirmasi; "
            "2 surat tidak disertakan."
        ).wait_for()
        drafts = download(page, "reminder_zip", tmp_path)

        page.locator(".st-key-reminder_first input").fill("300")
        page.locator(".st-key-reminder_record_counted button").click()
        settle(page)
        page.get_by_text("2 surat konfirmasi tercatat untuk 7 surat penerusan.").wait_for()
        numbered = download(page, "reminder_recorded_zip", tmp_path)

        attach_scan(page, base, answered, "tanggapan.pdf", scan)  # its answered letter

    with zipfile.ZipFile(drafts) as archive:
        names = archive.namelist()
        assert names[1:] == [files.COMBINED, files.LIST] and names[0].startswith("konfirmasi-")
        assert _agendas(archive.read(names[0])) == expected
        assert _numbers(archive.read(names[0])) == ["B-.../Kemensetneg/D-4/DM.00.00/11/2026"] * 2
    with zipfile.ZipFile(numbered) as archive:
        assert _agendas(archive.read(files.COMBINED)) == expected
        numbers = _numbers(archive.read(files.COMBINED))
    assert [n.split("/")[0] for n in numbers] == ["B-300", "B-301"]
    db = connect(path)
    try:
        stored = (
            db.cursor()
            .execute(
                "SELECT count(*), count(DISTINCT letter_id) FROM reminder"
                " WHERE letter_no IN ('B-300/Kemensetneg/D-4/DM.00.00/11/2026',"
                " 'B-301/Kemensetneg/D-4/DM.00.00/11/2026')"
            )
            .fetchall()
        )
        filed = (
            db.cursor()
            .execute(
                "SELECT a.record_kind, a.display_name, c.agenda_no FROM attachment AS a"
                " JOIN response AS r ON r.id = a.record_id"
                " JOIN complaint AS c ON c.id = r.complaint_id"
            )
            .fetchall()
        )
    finally:
        db.close()
    assert stored == [(7, 2)]
    assert filed == [("response", "tanggapan.pdf", answered)]
