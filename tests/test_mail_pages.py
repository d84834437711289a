"""The pages of the notices by e-mail through AppTest: a user chooses the daily digest on
"Akun Saya" (in their language; a Kabid also their area's overdue list), an Administrator
sets a user's address on "Pengguna" and an agency's with its letter address, and every page
says so when this server sends no e-mail (SMTP not configured)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from dumas.db import Database
from dumas.domain.permissions import Role
from tests.conftest import open_page, username

ACCOUNT_PAGE = "pages/account.py"

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env


def _shown(elements) -> list[str]:
    """Texts as the browser shows them (plain()'s escapes and word joiners removed)."""
    return [re.sub(r"\\(.)", r"\1", e.value).replace("\u2060", "") for e in elements]


def _user_id(db: Database, role: Role) -> int:
    sql = "SELECT id FROM app_user WHERE username = $u"
    return db.cursor().execute(sql, {"u": username(role)}).fetchone()[0]


def _preferences(db: Database, role: Role) -> tuple | None:
    sql = "SELECT digest, area, language FROM notice_pref WHERE user_id = $id"
    return db.cursor().execute(sql, {"id": _user_id(db, role)}).fetchone()


def _click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception
    return at


def test_the_analyst_turns_the_digest_on_and_the_page_says_no_e_mail_leaves_yet(db):
    at = open_page(Role.ANALIS, ACCOUNT_PAGE)
    assert not at.exception and at.title[0].value == "Akun Saya"
    assert [w for w in _shown(at.warning) if "pengelola server belum mengatur SMTP" in w]
    assert "Akun Anda belum memiliki alamat e-mail" in _shown(at.info)[0]
    caption = next(c for c in _shown(at.caption) if c.startswith("Ringkasan dikirim"))
    assert caption.endswith("alamat aplikasi (DUMAS_PUBLIC_URL) belum diatur.")
    assert at.checkbox(key="notice_digest").value is False  # off until the user says so
    assert not [c for c in at.checkbox if c.key == "notice_area"]  # an analyst has no area
    at.checkbox(key="notice_digest").check()
    at.selectbox(key="notice_language").set_value("en")
    at = _click(at, "notices_save")
    assert _shown(at.success) == ["Pilihan pemberitahuan disimpan."]
    assert _preferences(db, Role.ANALIS) == (True, False, "en")


def test_a_kabid_adds_their_areas_overdue_list_where_smtp_and_links_are_set(db, monkeypatch):
    for name, value in {"DUMAS_SMTP_HOST": "mail.setneg.go.id",
                        "DUMAS_SMTP_FROM": "dumas@setneg.go.id",
                        "DUMAS_PUBLIC_URL": "https://dumas.setneg.go.id"}.items():  # fmt: skip
        monkeypatch.setenv(name, value)
    at = open_page(Role.KABID, ACCOUNT_PAGE)
    assert not at.warning and not at.error
    assert any("Setiap butir bertaut ke aplikasi di https://dumas.setneg.go.id." in c
               for c in _shown(at.caption))  # fmt: skip
    at.checkbox(key="notice_digest").check()
    at.checkbox(key="notice_area").check()
    _click(at, "notices_save")
    assert _preferences(db, Role.KABID) == (True, True, "id")


def _typed(at: AppTest, field: str, text: str, button: str) -> AppTest:
    at.text_input(key=field).input(text)
    return _click(at, button)


MALFORMED = "alamat e-mail tidak valid (contoh: nama@instansi.go.id)."


def test_the_administrator_sets_a_users_address_and_a_malformed_one_is_refused(db):
    analyst = _user_id(db, Role.ANALIS)
    at = open_page(Role.ADMIN, "pages/users.py")
    at.selectbox(key="manage_user").set_value(analyst).run()
    at = _typed(at, f"manage_email_{analyst}", "analis di setneg", "manage_save_email")
    assert _shown(at.error) == [f"Alamat e-mail: {MALFORMED}"]
    at = _typed(at, f"manage_email_{analyst}", "Analis@SetNeg.go.id", "manage_save_email")
    assert _shown(at.success) == [f"Alamat e-mail {username(Role.ANALIS)} disimpan."]
    sql = "SELECT email FROM app_user WHERE id = $id"
    assert db.cursor().execute(sql, {"id": analyst}).fetchone()[0] == "Analis@setneg.go.id"


def test_the_agency_address_keeps_its_e_mail_and_says_no_e_mail_leaves_yet(db, kemendagri):
    at = open_page(Role.ADMIN, "pages/import_data.py")
    at.selectbox(key="address_agency").set_value(kemendagri).run()
    assert any(c.startswith("SMTP belum diatur di server") for c in _shown(at.caption))
    at = _typed(at, f"address_email_{kemendagri}", "persuratan kemendagri", "address_save")
    assert _shown(at.error) == [f"Alamat e-mail instansi: {MALFORMED}"]
    _typed(at, f"address_email_{kemendagri}", "persuratan@kemendagri.go.id", "address_save")
    sql = "SELECT head_title, city, email FROM agency WHERE id = $id"
    assert db.cursor().execute(sql, {"id": kemendagri}).fetchone() == (
        "Menteri Dalam Negeri", "Jakarta", "persuratan@kemendagri.go.id"
    )  # fmt: skip


def test_the_jobs_page_lists_the_digest_switched_off_until_smtp_is_configured():
    at = open_page(Role.ADMIN, "pages/jobs.py")
    assert "Ringkasan harian lewat e-mail" in [h.value for h in at.subheader]
    assert (
        "Jadwal: setiap hari kerja pukul 07.00 · Nonaktif (SMTP belum diatur: DUMAS_SMTP_HOST)"
        in _shown(at.markdown)
    )
    assert at.button(key="job_run_digest").disabled
