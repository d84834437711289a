"""Attaching and opening files on the complaint page and the monitoring page (AppTest):
what each role is offered is what the service accepts, a refusal shows its message and
keeps nothing, and every opening goes through the service, audited."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dumas.db import Database
from dumas.domain.codes import RecordKind
from dumas.domain.permissions import Role
from tests import attachment_support as support
from tests.attachment_support import AGENDA, World, photo_png, scan_pdf
from tests.conftest import open_page

world, db_path = support.world, support.db_path  # the fixtures: one world a run

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env
COMPLAINT_PAGE, MONITORING_PAGE = "pages/complaint.py", "pages/monitorings.py"


def _count(db: Database, sql: str) -> int:
    return db.cursor().execute(sql).fetchall()[0][0]


def _texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _upload(at: AppTest, key: str, name: str, data: bytes, record: int | None = None) -> AppTest:
    """Choose the record (by its place in the list), the file, then "Lampirkan berkas"."""
    if record is not None:
        at.selectbox(key=f"{key}_record").set_value(record)
    at.file_uploader(key=f"{key}_file_0").upload(name, data).run()
    at.button(key=f"{key}_attach").click().run()
    assert not at.exception, at.exception
    return at


def test_the_analyst_attaches_a_scanned_response_on_the_complaint_page_and_downloads_it(
    db: Database, world: World, downloads
):
    at = open_page(Role.ANALIS, COMPLAINT_PAGE, agenda=AGENDA)
    labels = at.selectbox(key="att_record").options  # as shown
    assert len(labels) == 4 and labels[0].startswith("Surat pengaduan")  # itself, 3 letters
    response = next(i for i, label in enumerate(labels) if label.startswith("Tanggapan"))
    at = _upload(at, "att", "Scan Tanggapan.pdf", scan_pdf(), response)
    assert [s.value for s in at.success] == ["Berkas Scan Tanggapan\\.pdf dilampirkan."]
    stored = db.cursor().execute("SELECT record_kind, record_id FROM attachment").fetchall()
    assert stored == [("response", world.response)]
    assert "Scan Tanggapan\\.pdf" in _texts(at)
    (aid,) = db.cursor().execute("SELECT id FROM attachment").fetchall()[0]
    links = [(x.proto.label, x.proto.url) for x in at.get("link_button")]
    assert links == [("Buka di tab baru", f"berkas/{aid}")]  # the file route, in a new tab
    assert downloads["Scan Tanggapan.pdf"]() == scan_pdf()  # the click, through the service
    assert _count(db, "SELECT count(*) FROM audit_log WHERE action = 'attachment.open'") == 1


def test_a_file_named_pdf_that_is_none_is_refused_on_the_page_and_nothing_is_kept(db: Database):
    at = _upload(open_page(Role.KABID, COMPLAINT_PAGE, agenda=AGENDA), "att", "surat.pdf",
                 b"<html>bukan surat</html>", 0)  # fmt: skip
    assert [e.value for e in at.error] == [
        "Berkas: surat\\.pdf bukan PDF, JPG, PNG, DOCX atau XLSX menurut isinya (jenis berkas"
        " diperiksa dari isinya, bukan dari namanya)."
    ]
    assert _count(db, "SELECT count(*) FROM attachment") == 0
    assert not (db.path.parent / "files").exists()


def test_a_file_is_taken_off_after_a_second_click_and_is_no_longer_listed(
    db: Database, world: World
):
    aid = support.attach(db, world.users[Role.ANALIS], RecordKind.FORWARDING, world.forwarding,
                         scan_pdf("keliru"), "keliru.pdf")  # fmt: skip
    at = open_page(Role.KASUBBID, COMPLAINT_PAGE, agenda=AGENDA)
    at.button(key=f"att_{aid}_remove").click().run()
    assert _count(db, "SELECT count(*) FROM attachment WHERE removed_at IS NULL") == 1  # asked
    at.button(key=f"att_{aid}_remove_yes").click().run()
    assert [s.value for s in at.success] == ["Berkas dilepaskan dari catatannya."]
    assert "keliru" not in _texts(at)
    assert _count(db, "SELECT count(*) FROM attachment WHERE removed_at IS NULL") == 0


def test_pimpinan_sees_the_complaints_own_file_without_its_name_and_cannot_attach(
    db: Database, world: World, downloads
):
    analyst = world.users[Role.ANALIS]
    support.attach(db, analyst, RecordKind.COMPLAINT, world.complaint, scan_pdf("pengadu"),
                   "surat-siti-aminah.pdf")  # fmt: skip
    support.attach(db, analyst, RecordKind.RESPONSE, world.response, scan_pdf(), "tanggapan.pdf")
    at = open_page(Role.PIMPINAN, COMPLAINT_PAGE, agenda=AGENDA)
    assert not at.exception, at.exception
    text = _texts(at)
    assert "siti" not in text.lower() and "•••" in text and "tanggapan\\.pdf" in text
    files = [name for name in downloads if name.endswith(".pdf")]  # not the timeline's .xlsx
    assert files == ["tanggapan.pdf"]  # the complaint's own file is not offered
    assert not at.get("file_uploader")


def test_the_team_attaches_the_signed_memo_and_shows_a_photo_of_the_visit(
    db: Database, world: World
):
    at = open_page(Role.ANALIS, MONITORING_PAGE, id=world.monitoring)  # preparation (step 4)
    at = _upload(at, "att_memo_deputi", "memo bertanda tangan.pdf", scan_pdf("memo"))
    assert "memo bertanda tangan\\.pdf" in _texts(at)
    at.segmented_control(key="monitoring_view").set_value("execution").run()
    at = _upload(at, "att_results", "lokasi.png", photo_png(), 1)  # the second letter
    kept = db.cursor().execute(
        "SELECT id, record_kind, record_part FROM attachment ORDER BY id"
    ).fetchall()  # fmt: skip
    result = ("monitoring_result", str(world.other_forwarding))
    assert [row[1:] for row in kept] == [("monitoring_document", "memo_deputi"), result]
    photo = kept[1][0]
    at.button(key=f"att_results_{photo}_show").click().run()
    assert len(at.get("image")) == 1
    assert _count(db, "SELECT count(*) FROM audit_log WHERE action = 'attachment.open'") == 1


def test_the_ppk_reads_a_monitorings_files_but_is_offered_no_upload_nor_removal(
    db: Database, world: World, downloads
):
    support.attach(db, world.users[Role.ANALIS], RecordKind.MONITORING_DOCUMENT,
                   world.monitoring, scan_pdf("tugas"), "surat perintah.pdf",
                   "surat_tugas")  # fmt: skip
    at = open_page(Role.PPK, MONITORING_PAGE, id=world.monitoring)
    assert not at.exception, at.exception
    assert [name for name in downloads if name.endswith(".pdf")] == ["surat perintah.pdf"]
    assert not at.get("file_uploader")
    assert not [b for b in at.button if (b.key or "").endswith("_remove")]
