"""The "Surat konfirmasi" view of Tindak Lanjut through AppTest, on the world of
tests/reminder_support.py (440 letters, 40 agencies): the analyst previews every letter
unanswered for more than 14 working days, downloads the drafts and records the numbers
counted up; a bad pattern is refused on the page with nothing written; only the roles that
record letters are offered the view."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from dumas.db import connect
from dumas.domain.permissions import Role
from dumas.render import reminders as files
from dumas.ui.escape import plain
from tests import reminder_support as world_of
from tests.conftest import open_page

pytestmark = pytest.mark.usefixtures("app_env")
FOLLOWUP = "pages/followup.py"
VIEW = "Surat konfirmasi"  # a bound widget carries its label in the URL


@pytest.fixture(scope="module")
def world(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    return world_of.built(template_db, tmp_path_factory)


@pytest.fixture
def db_path(world: tuple[Path, dict], tmp_path: Path) -> Path:
    return world_of.copy_of(world, tmp_path)


def _stored(path: Path, sql: str) -> list[tuple]:
    db = connect(path)
    try:
        return db.cursor().execute(sql).fetchall()
    finally:
        db.close()


def _previewed(role: Role = Role.ANALIS):
    at = open_page(role, FOLLOWUP, view=VIEW)
    assert not at.exception
    return at.button(key="reminder_preview").click().run()


def test_the_analyst_previews_downloads_and_records_the_reminders_counted_up(
    db_path, world, downloads
):
    at = _previewed()
    assert not at.exception
    summary = at.info[0].value
    assert summary.startswith(
        "280 surat penerusan dari 40 instansi akan dikonfirmasi dalam 80 "
        "surat konfirmasi; 80 surat tidak disertakan."
    )
    names = world[1]["names"]
    # the agencies whose addresses to complete, shown as written (plain Markdown)
    assert all(plain(name) in at.warning[0].value for name in names[:2])
    assert "sudah dua kali dikonfirmasi" in at.expander[0].label
    listed = openpyxl.load_workbook(io.BytesIO(downloads[files.LIST]())).worksheets[0]
    assert listed.max_row - 5 == 280  # title, generated, blank, header; a row per letter
    assert {files.ZIP, files.COMBINED} <= set(downloads)
    at.text_input(key="reminder_first").input("500")
    at.button(key="reminder_record_counted").click().run()
    assert not at.exception
    assert at.success[0].value == "80 surat konfirmasi tercatat untuk 280 surat penerusan."
    recorded = _stored(
        db_path,
        "SELECT min(letter_no), count(*) FROM reminder_letter"
        " WHERE letter_no LIKE '%/DM.00.00/11/2026'",
    )
    assert recorded == [("B-500/Kemensetneg/D-4/DM.00.00/11/2026", 80)]
    with zipfile.ZipFile(io.BytesIO(downloads[files.ZIP_NUMBERED]())) as archive:
        assert len(archive.namelist()) == 40 + 2
        combined = archive.read(files.COMBINED)
    document = zipfile.ZipFile(io.BytesIO(combined)).read("word/document.xml")
    assert b"B-579/Kemensetneg/D-4/DM.00.00/11/2026" in document


def test_a_pattern_without_a_running_part_is_refused_on_the_page_and_nothing_written(db_path):
    before = _stored(db_path, "SELECT count(*) FROM reminder_letter")
    at = _previewed()
    at.text_input(key="reminder_pattern").input("B-12/Kemensetneg/2026")
    at.text_input(key="reminder_first").input("1")
    at.button(key="reminder_record_counted").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        'Pola nomor surat: tulis nomor surat dengan satu "..." (atau "…") di tempat nomor urut.'
    ]
    assert not at.success
    assert _stored(db_path, "SELECT count(*) FROM reminder_letter") == before


def test_numbers_one_by_one_start_from_the_draft_numbers_which_must_be_replaced(db_path):
    before = _stored(db_path, "SELECT count(*) FROM reminder_letter")
    at = _previewed()
    at.segmented_control(key="reminder_numbering").set_value("each").run()
    assert not at.exception
    at.button(key="reminder_record_each").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("Nomor surat: nomor ")
    assert at.error[0].value.endswith(
        'masih memuat "..." nomor urut konsep: isi nomor yang diberikan tata usaha.'
    )
    assert _stored(db_path, "SELECT count(*) FROM reminder_letter") == before


def test_picking_letters_offers_the_oldest_unanswered_and_previews_only_once_some_are_picked():
    at = open_page(Role.ANALIS, FOLLOWUP, view=VIEW)
    at.segmented_control(key="reminder_mode").set_value("picked").run()
    assert not at.exception
    offered = at.dataframe[0].value
    assert len(offered) == 440 - 40  # every unanswered letter (under the 500 offered)
    assert list(offered["age_wd"]) == sorted(offered["age_wd"], reverse=True)  # oldest first
    assert at.button(key="reminder_preview").disabled  # none picked yet


@pytest.mark.parametrize("role", [Role.PIMPINAN, Role.ASDEP, Role.KABID])
def test_the_view_is_offered_only_to_the_roles_that_record_letters(role):
    at = open_page(role, FOLLOWUP, view=VIEW)  # even asked for by its address
    assert not at.exception
    offered = VIEW in at.segmented_control(key="view").options
    previews = [b for b in at.button if b.key == "reminder_preview"]
    assert offered == bool(previews) == (role is Role.KABID)
