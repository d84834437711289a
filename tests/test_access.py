"""Who sees what: menus per role, every page for every role that may open it, masking."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dumas.config import ROOT
from dumas.domain.permissions import Action, Role, User
from dumas.ui.navigation import PAGES
from tests.conftest import signed_in_app

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env


@pytest.fixture
def complaint(db, make, kemendagri):
    c = make.complaint(complainant_name="Siti Aminah", complainant_contact="0812-1111-2222")
    make.forward(c, kemendagri, dt.date(2026, 6, 1))
    db.close()
    return "UJI-0001"


@pytest.mark.parametrize("role", list(Role))
def test_every_page_a_role_may_use_renders_without_error(role, complaint):
    allowed = [p for p in PAGES if any(action in _actions(role) for action in p.actions)]
    assert allowed, f"{role} sees no page at all"
    at = signed_in_app(role).run()
    assert not at.exception
    for page in allowed:
        if page.path == "pages/complaint.py":
            at.query_params["agenda"] = complaint
        at.switch_page(page.path).run()
        assert not at.exception, (role, page.path, at.exception)


def _actions(role: Role) -> set[Action]:
    from dumas.domain.permissions import PERMISSIONS

    return {action for action, roles in PERMISSIONS.items() if role in roles}


@pytest.mark.parametrize("role", [Role.PIMPINAN, Role.PPK, Role.BPP])
def test_a_page_outside_the_role_cannot_be_opened(role):
    at = signed_in_app(role).run()
    with pytest.raises(ValueError):  # not registered for this user: no URL reaches it
        at.switch_page("pages/import_data.py").run()


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.path)
def test_every_page_refuses_by_itself_a_user_the_menu_does_not_offer_it_to(page):
    # Every role the menu does not offer the page to, at once (none, if all are offered).
    others = frozenset(r for r in Role if not any(a in _actions(r) for a in page.actions))
    direct = AppTest.from_file(str(ROOT / page.path), default_timeout=60)
    direct.session_state["user"] = User(id=1, username="uji", full_name="Uji", roles=others)
    direct.run()  # as if a route reached the script anyway
    assert not direct.exception
    assert [e.value for e in direct.error] == ["Peran Anda tidak mengizinkan tindakan ini."]
    assert not direct.title


def test_without_a_session_the_sign_in_page_is_all_there_is():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "Masuk"
    assert not at.metric  # no figures before signing in
    with pytest.raises(ValueError):
        at.switch_page("pages/followup.py").run()


def test_personal_data_is_masked_until_an_allowed_role_reveals_it_and_it_is_audited(
    complaint, db_path
):
    at = signed_in_app(Role.ANALIS, agenda=complaint).run()
    at.switch_page("pages/complaint.py").run()
    text = " ".join(m.value for m in at.markdown)
    assert "Siti Aminah" not in text and "disembunyikan" in text
    at.button(key="reveal").click().run()
    text = " ".join(m.value for m in at.markdown)
    assert "Siti Aminah" in text and "0812" in text
    import duckdb

    con = duckdb.connect(str(db_path))
    reveals = con.execute(
        "SELECT actor FROM audit_log WHERE action = 'complaint.reveal'"
    ).fetchall()
    con.close()
    assert reveals == [("analis.uji",)]


@pytest.mark.parametrize("role", [Role.PIMPINAN, Role.PPK, Role.BPP])
def test_roles_without_the_right_never_see_personal_data_nor_the_forms(role, complaint):
    at = signed_in_app(role, agenda=complaint).run()
    at.switch_page("pages/complaint.py").run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Siti Aminah" not in text and "disembunyikan" in text
    assert not [b for b in at.button if b.key == "reveal"]
    assert not [b for b in at.button if b.key == "save_response"]


def test_a_database_marked_as_demo_shows_the_banner_from_the_next_page_run(db, app_env):
    at = signed_in_app(Role.ANALIS).run()
    assert not [w for w in at.warning if "DEMO" in w.value]
    with db.transaction() as cur:  # what demo.generate marks, in a write of its own
        cur.execute("INSERT INTO meta VALUES ('demo', 'true')")
    at.run()
    assert [w for w in at.warning if "DEMO" in w.value]


def test_an_empty_database_asks_for_the_first_administrator(empty_db_path, monkeypatch):
    monkeypatch.setenv("DUMAS_DB", str(empty_db_path))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert at.title[0].value == "Administrator pertama"
    assert not [w for w in at.warning if "DEMO" in w.value]  # not a demo database
    fields = {field.label: field for field in at.text_input}
    fields["Nama pengguna"].input("kepala.dumas")
    fields["Nama lengkap"].input("Kepala Bagian")
    fields["Kata sandi"].input("pendek")
    fields["Ulangi kata sandi"].input("pendek")
    at.button(key="setup_submit").click().run()
    assert "minimal 10 karakter" in at.error[0].value  # a weak password is refused
    for label in ("Kata sandi", "Ulangi kata sandi"):
        {f.label: f for f in at.text_input}[label].input("sandi-kuat-2026")
    at.button(key="setup_submit").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == []
    assert at.title[0].value == "Masuk"  # from now on everyone signs in
    con = duckdb.connect(str(empty_db_path))
    roles = con.execute(
        "SELECT u.username, r.role FROM app_user u JOIN user_role r ON r.user_id = u.id"
    ).fetchall()
    con.close()
    assert roles == [("kepala.dumas", "admin")]
