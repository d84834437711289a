"""Every page through AppTest, against a real DuckDB file."""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from dumas import config, i18n
from dumas.db import Database
from dumas.domain.permissions import Role
from dumas.ui import navigation
from tests.conftest import Factory, open_page, prebuilt, signed_in_app

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env


def _letters(db: Database) -> dict[str, object]:
    """Two complaints: one forwarded to Kemendagri (answered) and BPN, one to BPN only."""
    make = Factory(db)
    kemendagri = make.agency("Kementerian Dalam Negeri")
    bpn = make.agency("Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional")
    c1 = make.complaint(summary="Sengketa tanah ulayat")
    c2 = make.complaint(summary='=HYPERLINK("http://contoh")')
    make.forward(c1, kemendagri, dt.date(2026, 6, 1))
    make.forward(c1, bpn, dt.date(2026, 6, 1))
    make.forward(c2, bpn, dt.date(2026, 9, 1))
    make.respond(c1, kemendagri, dt.date(2026, 6, 5))
    return {"agenda": ["UJI-0001", "UJI-0002"], "kemendagri": kemendagri, "bpn": bpn}


letters_prebuilt = prebuilt("pages-letters", _letters)


@pytest.fixture
def letters(letters_prebuilt, db_path) -> dict[str, object]:
    """The two complaints of _letters: the test's database is a copy of that world, which
    the app opens itself (no connection of the test is left open on it)."""
    return letters_prebuilt[1]


def _app(role: Role = Role.ANALIS, **query: str) -> AppTest:
    return signed_in_app(role, **query)


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_dashboard_counts_the_letters_lacking_a_response(letters):
    at = _app().run()
    assert not at.exception
    assert _metric(at, "Surat penerusan") == "3"
    assert _metric(at, "Belum ditanggapi") == "2"
    assert _metric(at, "Tingkat tanggapan") == "33,3%"
    table = at.dataframe[0].value
    assert sorted(table["agenda_no"]) == ["UJI-0001", "UJI-0002"]


def test_dashboard_filter_by_agency_from_the_url(letters):
    at = _app(agency="Kementerian Dalam Negeri").run()  # the URL carries the label
    assert not at.exception
    assert _metric(at, "Surat penerusan") == "1"
    assert _metric(at, "Belum ditanggapi") == "0"


@pytest.mark.parametrize("view", ["Daftar surat", "Grafik", "Instansi"])
def test_dashboard_renders_each_view(letters, view):
    at = _app(view=view).run()  # bound widgets carry their label in the URL
    assert not at.exception
    if view == "Grafik":
        assert len(at.get("plotly_chart")) == 4
    if view == "Instansi":
        frame = at.dataframe[0].value
        assert set(frame.iloc[:, 1]) == {
            "Kementerian Dalam Negeri",
            "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
        }


def test_dashboard_speaks_english_when_asked(letters):
    at = _app(lang="English").run()
    assert not at.exception
    assert at.title[0].value == "Complaint follow-up"
    assert _metric(at, "Response rate") == "33.3%"


def test_complaint_page_shows_the_timeline_per_agency(letters):
    at = _app().run()
    at.switch_page("pages/complaint.py")
    at.query_params["agenda"] = "UJI-0001"
    at.run()
    assert not at.exception
    markdown = " ".join(m.value for m in at.markdown)
    assert "Kementerian Dalam Negeri" in markdown
    assert "ditanggapi dalam 4 hari kerja" in markdown


def test_selecting_a_letter_in_the_list_opens_its_complaint_in_the_same_tab(letters):
    at = _app().run()
    listed = at.dataframe(key="letter_list").value
    assert "link" not in listed.columns  # no cell opening a new browser tab
    row = listed["agenda_no"].tolist().index("UJI-0001")
    at.session_state["letter_list"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.query_params["agenda"] == "UJI-0001"
    assert at.title[0].value == "Cari Pengaduan"
    assert "ditanggapi dalam 4 hari kerja" in " ".join(m.value for m in at.markdown)


def test_the_letters_open_nothing_for_the_admin_who_may_not_read_complaints(letters):
    at = _app(Role.ADMIN).run()
    [table] = at.dataframe
    assert sorted(table.value["agenda_no"]) == ["UJI-0001", "UJI-0002"]
    assert list(table.proto.selection_mode) == []  # no row to select


@pytest.mark.parametrize(
    ("code", "title", "prompt"),
    [("id", "Cari Pengaduan", "Ketik nomor"), ("en", "Find a complaint", "Type a complaint")],
)
def test_the_complaint_page_is_a_search_named_so_in_the_menu_and_asks_for_a_number(
    letters, code, title, prompt
):
    language = {"en": {"lang": "English"}}.get(code, {})
    at = open_page(Role.ANALIS, "pages/complaint.py", **language)
    assert not at.exception
    assert at.title[0].value == title
    assert at.info[0].value.startswith(prompt)
    assert not at.markdown or "Kementerian" not in " ".join(m.value for m in at.markdown)
    spec = next(page for page in navigation.PAGES if page.path == "pages/complaint.py")
    assert i18n.t(spec.title, code) == title  # the menu's label (pages_for), the same words


def test_complaint_page_warns_about_an_unknown_agenda_number(letters):
    at = _app().run()
    at.switch_page("pages/complaint.py")
    at.query_params["agenda"] = "TIDAK-ADA"
    at.run()
    assert not at.exception
    assert "tidak ditemukan" in at.warning[0].value


def _record_response(at: AppTest, letter_no: str, on: dt.date) -> AppTest:
    at.text_input(key="resp_letter_no").input(letter_no)
    at.date_input[0].set_value(on)
    return at.button(key="save_response").click().run()


def test_recording_a_response_drops_the_unanswered_count_by_one(letters):
    at = _app().run()
    assert _metric(at, "Belum ditanggapi") == "2"
    at.switch_page("pages/complaint.py")
    at.query_params["agenda"] = "UJI-0002"
    at.run()
    at = _record_response(at, "B-900/BPN/2026", dt.date(2026, 9, 10))
    assert not at.exception
    assert at.success[0].value == "Tanggapan instansi tercatat."
    at.switch_page("pages/followup.py").run()
    assert _metric(at, "Belum ditanggapi") == "1"


def test_a_response_before_its_letter_is_refused_with_a_message(letters):
    at = _app().run()
    at.switch_page("pages/complaint.py")
    at.query_params["agenda"] = "UJI-0002"
    at.run()
    at = _record_response(at, "B-901/BPN/2026", dt.date(2026, 8, 3))
    assert not at.exception
    assert "tidak boleh sebelum tanggal surat penerusan (1 September 2026)" in at.error[0].value


def test_dashboard_period_from_the_url_keeps_letters_dated_in_it(letters):
    at = _app(period=["2026-06-01", "2026-06-30"]).run()
    assert not at.exception
    assert at.sidebar.date_input[0].value == (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
    assert _metric(at, "Surat penerusan") == "2"
    assert _metric(at, "Pengaduan diteruskan") == "1"


def test_dashboard_search_matches_the_summary_literally(letters):
    at = _app(q="ulayat").run()
    assert _metric(at, "Surat penerusan") == "2"
    at = _app(q="%").run()  # a wildcard typed by the user matches only itself
    assert _metric(at, "Surat penerusan") == "0"


@pytest.mark.parametrize("page", ["pages/followup.py", "pages/audit.py"])
def test_a_click_after_the_account_is_disabled_lands_on_the_sign_in_page(letters, page):
    """Every run starts at app.py, which checks the session: also a rerun of the dashboard
    or of a page whose address is its file's name (tests/conftest.py _navigation_only)."""
    from dumas.services import auth, users
    from dumas.ui.state import get_db

    role = Role.ADMIN if page == "pages/audit.py" else Role.ANALIS
    at = open_page(role, page)
    assert not at.exception, at.exception
    victim = at.session_state["user"]
    db = get_db()
    admin = auth.load_user(db.cursor(), 1)
    other = users.create_user(db, admin, username="admin.dua", full_name="Admin Dua",
                              password="sandi-admin-dua-2026", roles=["admin"])  # fmt: skip
    revision = db.cursor().execute("SELECT revision FROM app_user WHERE id = $id",
                                   {"id": victim.id}).fetchone()[0]  # fmt: skip
    users.set_active(db, auth.load_user(db.cursor(), other), victim.id, False,
                     dt.datetime.now(config.TIMEZONE), revision=revision)  # fmt: skip
    at.run()
    assert not at.exception, at.exception
    assert (at.session_state["user"], len(at.metric)) == (None, 0)
