"""The Pengguna and Jejak Audit pages through AppTest, signed in through the real sign-in.

The Administrator manages accounts; the Asdep reads the audit trail; an Analis gets neither
(the menu hides both pages, and each page refuses by itself as a second line of defence).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dumas.config import ROOT, TIMEZONE
from dumas.domain.permissions import Role
from dumas.queries.audit import PAGE_SIZE
from dumas.services.common import audit as write_audit
from tests.conftest import ADMIN, ANALYST, open_page, signed_in_app, username

USERS_PAGE = "pages/users.py"
AUDIT_PAGE = "pages/audit.py"
SECRET = "kata-sandi-rina-2026"  # a test password

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env


def _open(role: Role, page: str, *, through_sign_in: bool = False, **query: str) -> AppTest:
    at = open_page(role, page, through_sign_in=through_sign_in, **query)
    assert not at.exception
    return at


def _query(db_path: Path, sql: str, params: dict | None = None) -> list[tuple]:
    """A second connection in this process (DuckDB shares the app's open database)."""
    con = duckdb.connect(str(db_path))
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def _user_id(db_path: Path, name: str) -> int:
    return _query(db_path, "SELECT id FROM app_user WHERE username = $u", {"u": name})[0][0]


def _texts(elements) -> list[str]:
    """The messages as the browser shows them (markdown escapes of user text removed)."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in elements]


def _create(at: AppTest, name: str, password: str, roles: list[str]) -> AppTest:
    at.text_input(key="new_user_username").input(name)
    at.text_input(key="new_user_full_name").input("Rina Wulandari")
    at.text_input(key="new_user_password").input(password)
    at.multiselect(key="new_user_roles").set_value(roles).run()
    return at


def _manage(at: AppTest, db_path: Path, name: str) -> AppTest:
    at.selectbox(key="manage_user").set_value(_user_id(db_path, name)).run()
    assert not at.exception
    return at


# Pengguna


def test_the_users_page_lists_every_account_with_role_names_and_no_password_hash():
    at = _open(Role.ADMIN, USERS_PAGE)
    assert at.title[0].value == "Pengguna"
    table = at.dataframe[0].value
    assert "password_hash" not in table.columns
    assert len(table) == len(Role)
    analyst = table.set_index("username").loc[username(Role.ANALIS)]
    assert analyst["roles"] == "Analis (Perencana Program dan Penyusun Laporan)"
    assert [tab.label for tab in at.tabs] == ["Pengguna baru", "Kelola pengguna"]


def test_an_administrator_creates_a_kabid_whose_bidang_field_appears_with_the_role(db_path):
    at = _open(Role.ADMIN, USERS_PAGE)
    assert not [w for w in at.text_input if w.key == "new_user_bidang"]  # no Bidang role yet
    _create(at, "Rina", SECRET, ["kabid"])
    at.text_input(key="new_user_bidang").input("Bidang Pemantauan II")
    at.button(key="new_user_create").click().run()
    assert not at.exception
    assert "Pengguna rina dibuat." in _texts(at.success)
    assert at.text_input(key="new_user_username").value == ""  # ready for the next one
    uid = _user_id(db_path, "rina")
    assert _query(db_path, "SELECT bidang FROM app_user WHERE id = $id", {"id": uid}) == [
        ("Bidang Pemantauan II",)
    ]
    roles = _query(db_path, "SELECT role FROM user_role WHERE user_id = $id", {"id": uid})
    assert roles == [("kabid",)]
    assert "rina" in at.dataframe[0].value["username"].tolist()


def test_a_refused_new_user_shows_why_in_the_users_language_and_creates_nothing(db_path):
    at = _open(Role.ADMIN, USERS_PAGE)
    _create(at, "rina", "pendek", ["analis"])
    at.button(key="new_user_create").click().run()
    assert not at.exception
    assert _texts(at.error) == [
        "Kata sandi: kata sandi minimal 10 karakter dan tidak boleh hanya pengulangan"
        " beberapa huruf."
    ]
    assert _query(db_path, "SELECT count(*) FROM app_user WHERE username = 'rina'") == [(0,)]
    assert at.text_input(key="new_user_username").value == "rina"  # kept for a retry


def test_an_administrator_disables_and_re_enables_an_account(db_path):
    at = _manage(_open(Role.ADMIN, USERS_PAGE), db_path, username(Role.ANALIS))
    at.button(key="manage_status").click().run()
    assert not at.exception
    assert f"Pengguna {username(Role.ANALIS)} dinonaktifkan; sesinya berakhir." in _texts(
        at.success
    )
    sql = "SELECT is_active FROM app_user WHERE username = $u"
    assert _query(db_path, sql, {"u": username(Role.ANALIS)}) == [(False,)]
    assert at.button(key="manage_status").label == "Aktifkan kembali"
    at.button(key="manage_status").click().run()
    assert _query(db_path, sql, {"u": username(Role.ANALIS)}) == [(True,)]


def test_the_administrator_is_told_they_cannot_disable_themself(db_path):
    at = _manage(_open(Role.ADMIN, USERS_PAGE), db_path, username(Role.ADMIN))
    at.button(key="manage_status").click().run()
    assert _texts(at.error) == ["Anda tidak dapat menonaktifkan akun Anda sendiri."]
    sql = "SELECT is_active FROM app_user WHERE username = $u"
    assert _query(db_path, sql, {"u": username(Role.ADMIN)}) == [(True,)]


def test_an_administrator_resets_a_password_twice_typed(db_path):
    at = _manage(_open(Role.ADMIN, USERS_PAGE), db_path, username(Role.PPK))
    at.text_input(key="manage_password").input(SECRET)
    at.text_input(key="manage_password2").input(SECRET + "x")
    at.button(key="manage_reset").click().run()
    assert "Kedua kata sandi tidak sama." in _texts(at.warning)
    at.text_input(key="manage_password").input(SECRET)
    at.text_input(key="manage_password2").input(SECRET)
    at.button(key="manage_reset").click().run()
    assert not at.exception
    assert f"Kata sandi {username(Role.PPK)} diatur ulang" in " ".join(_texts(at.success))
    actions = _query(db_path, "SELECT action FROM audit_log WHERE action = 'user.reset_password'")
    assert actions == [("user.reset_password",)]


def test_an_administrator_assigns_roles_and_the_bidang_follows_the_roles(db_path):
    name = username(Role.KASUBBID)
    uid = _user_id(db_path, name)
    at = _manage(_open(Role.ADMIN, USERS_PAGE), db_path, name)
    assert at.text_input(key=f"manage_bidang_{uid}").value == "Bidang Uji"
    at.multiselect(key=f"manage_roles_{uid}").set_value(["analis", "asdep"]).run()
    assert not [w for w in at.text_input if w.key == f"manage_bidang_{uid}"]
    at.button(key="manage_save_roles").click().run()
    assert not at.exception
    assert f"Peran {name} disimpan." in _texts(at.success)
    roles = _query(
        db_path, "SELECT role FROM user_role WHERE user_id = $id ORDER BY 1", {"id": uid}
    )
    assert roles == [("analis",), ("asdep",)]


def _other_admin_disables(db_path: Path, name: str) -> None:
    """A second administrator, in another session, disables the account first."""
    from dumas.db import connect
    from dumas.services import auth, users

    db = connect(db_path)
    try:
        uid = _user_id(db_path, name)
        other = users.create_user(db, ADMIN, username="admin.dua", full_name="Admin Kedua",
                                  password=SECRET, roles=["admin"])  # fmt: skip
        revision = _query(db_path, "SELECT revision FROM app_user WHERE id = $id", {"id": uid})
        users.set_active(db, auth.load_user(db.cursor(), other), uid, False,
                         dt.datetime.now(TIMEZONE), revision=revision[0][0])  # fmt: skip
    finally:
        db.close()


def test_a_disable_click_on_a_stale_screen_is_refused_and_never_re_enables(db_path):
    name = username(Role.ANALIS)
    at = _manage(_open(Role.ADMIN, USERS_PAGE), db_path, name)
    assert at.button(key="manage_status").label == "Nonaktifkan"
    _other_admin_disables(db_path, name)
    at.button(key="manage_status").click().run()  # "disable", as this screen still shows
    assert not at.exception
    [refusal] = _texts(at.error)
    assert refusal.startswith(f"Akun {name} sudah diubah oleh Admin Kedua pada ")
    sql = "SELECT is_active FROM app_user WHERE username = $u"
    assert _query(db_path, sql, {"u": name}) == [(False,)]  # not flipped back on
    assert at.button(key="manage_status").label == "Aktifkan kembali"  # the screen caught up
    assert not _texts(at.success)


def test_roles_saved_from_a_stale_screen_are_refused_and_the_roles_kept(db_path):
    name = username(Role.KASUBBID)
    uid = _user_id(db_path, name)
    at = _manage(_open(Role.ADMIN, USERS_PAGE), db_path, name)
    at.multiselect(key=f"manage_roles_{uid}").set_value(["analis"]).run()
    _other_admin_disables(db_path, name)
    at.button(key="manage_save_roles").click().run()
    assert any("sudah diubah oleh Admin Kedua" in e for e in _texts(at.error))
    roles = _query(db_path, "SELECT role FROM user_role WHERE user_id = $id", {"id": uid})
    assert roles == [("kasubbid",)]
    at.button(key="manage_save_roles").click().run()  # now from the fresh screen
    assert f"Peran {name} disimpan." in _texts(at.success)
    roles = _query(db_path, "SELECT role FROM user_role WHERE user_id = $id", {"id": uid})
    assert roles == [("analis",)]


# Jejak Audit


@pytest.fixture
def long_trail(db):
    """More audit rows than one page holds, one per complaint record 500-554."""
    with db.transaction() as cur:
        for n in range(PAGE_SIZE + 5):  # 55 rows: two pages
            write_audit(cur, ANALYST.username, "complaint.create", "complaint", 500 + n, None, {})
    db.close()  # the app opens its own connection to the file


def test_the_asdep_reads_the_audit_trail_newest_first_with_an_export(long_trail):
    at = _open(Role.ASDEP, AUDIT_PAGE, through_sign_in=True)
    assert at.title[0].value == "Jejak Audit"
    table = at.dataframe[0].value
    assert len(table) == PAGE_SIZE
    assert table["action"].iloc[0] == "auth.sign_in"  # the Asdep's own sign-in, just now
    assert [b.label for b in at.get("download_button")] == ["Unduh .xlsx"]
    assert at.number_input(key="audit_page").value == 1


def test_the_audit_trail_pages_and_filters_by_action_and_record(long_trail):
    at = _open(Role.ADMIN, AUDIT_PAGE)
    at.number_input(key="audit_page").set_value(2).run()
    assert not at.exception
    assert any(c.value.endswith("halaman 2 dari 2") for c in at.caption)
    at.selectbox(key="audit_action").set_value("complaint.create").run()
    table = at.dataframe[0].value
    assert set(table["action"]) == {"complaint.create"}
    assert at.number_input(key="audit_page").value == 1  # a new filter starts at page 1
    at.selectbox(key="audit_entity").set_value("complaint").run()
    at.text_input(key="audit_entity_id").input("503").run()
    table = at.dataframe[0].value
    assert table["entity_id"].tolist() == ["503"]


def test_an_audit_filter_matching_nothing_says_so(long_trail):
    at = _open(Role.ADMIN, AUDIT_PAGE)
    at.text_input(key="audit_entity_id").input("' OR 1=1 --").run()
    assert not at.exception
    assert "Tidak ada baris audit yang cocok dengan filter." in _texts(at.info)
    assert not at.get("download_button")


# Second line of defence: the pages refuse by themselves


@pytest.mark.parametrize("page", [USERS_PAGE, AUDIT_PAGE])
def test_an_analyst_is_not_offered_the_account_pages_and_each_refuses_by_itself(page):
    at = signed_in_app(Role.ANALIS).run()
    assert not at.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)  # not in the analyst's menu, so no URL opens it either
    direct = AppTest.from_file(str(ROOT / page), default_timeout=60)
    direct.session_state["user"] = ANALYST  # as if a route reached the script anyway
    direct.run()
    assert not direct.exception
    assert _texts(direct.error) == ["Peran Anda tidak mengizinkan tindakan ini."]
    assert not direct.title and not direct.dataframe


def test_the_asdep_is_offered_the_audit_trail_but_not_the_users_page():
    at = signed_in_app(Role.ASDEP).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(USERS_PAGE)
    at.switch_page(AUDIT_PAGE).run()
    assert not at.exception
    assert at.title[0].value == "Jejak Audit"


def test_the_administrator_page_opens_for_an_administrator_persona():
    direct = AppTest.from_file(str(ROOT / USERS_PAGE), default_timeout=60)
    direct.session_state["user"] = ADMIN
    direct.run()
    assert not direct.exception
    assert direct.title[0].value == "Pengguna"
