"""The Pengaturan Naskah and Standar Biaya Masukan (SBM) pages, and the officials' details of users.

The Administrator keeps the document settings and the users' NIP, pangkat/golongan and
jabatan; the PPK and the BPP keep the yearly SBM rates; every other role gets neither page.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import docx
import duckdb
import openpyxl
import pytest
from docx.shared import Pt
from streamlit.testing.v1 import AppTest

from dumas.config import ROOT, TIMEZONE
from dumas.domain.errors import Conflict, Message, NotFound, ValidationError
from dumas.domain.permissions import PERMISSIONS, Action, Forbidden, Role, User
from dumas.queries import sbm, settings
from dumas.services import settings as settings_service
from dumas.services import users
from dumas.ui import navigation
from tests.conftest import ADMIN, open_page, signed_in_app, username

SETTINGS_PAGE = "pages/settings.py"
SBM_PAGE = "pages/sbm.py"
USERS_PAGE = "pages/users.py"
NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=TIMEZONE)
PPK = User(id=9003, username="ppk.persona", full_name="PPK Uji", roles=frozenset({Role.PPK}))
EDITOR_2026 = "sbm_editor_2026_0"  # the SBM table of this year, before any copy or save
NIP = "198001012005012001"

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env


def _open(role: Role, page: str) -> AppTest:
    at = open_page(role, page)
    assert not at.exception
    return at


def _query(db_path: Path, sql: str, params: dict | None = None) -> list[tuple]:
    """A second connection in this process (DuckDB shares the app's open database)."""
    con = duckdb.connect(str(db_path))
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


def _texts(elements) -> list[str]:
    """The messages as the browser shows them (markdown escapes of user text removed)."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in elements]


def _numbers(at: AppTest) -> list[str]:
    """The previewed letter numbers: the external letter, then the memorandum."""
    return [c.value for c in at.code]


def _provinces(db_path: Path) -> list[tuple[str, str]]:
    return _query(db_path, "SELECT code, name FROM province ORDER BY code")


def _rates(db_path: Path, year: int) -> list[tuple]:
    sql = (
        "SELECT province_code, daily_allowance::BIGINT, lodging_cap::BIGINT"
        " FROM sbm_rate WHERE year = $y ORDER BY province_code"
    )
    return _query(db_path, sql, {"y": year})


def _seed_rates(db_path: Path, year: int, rows: list[tuple[str, int, int]]) -> None:
    from dumas.db import connect

    db = connect(db_path)
    try:
        settings_service.save_sbm_rates(
            db, PPK, year=year, now=NOW, seen=sbm.rates(db.cursor(), year),
            rows=[{"province_code": c, "daily_allowance": a, "lodging_cap": lo}
                  for c, a, lo in rows],
        )  # fmt: skip
    finally:
        db.close()


def _user_id(db_path: Path, name: str) -> int:
    return _query(db_path, "SELECT id FROM app_user WHERE username = $u", {"u": name})[0][0]


def _details(db_path: Path, uid: int) -> tuple:
    sql = "SELECT nip, rank, position FROM app_user WHERE id = $id"
    return _query(db_path, sql, {"id": uid})[0]


# Pengaturan Naskah


def test_the_settings_form_is_prefilled_and_grouped_with_the_defaults():
    at = _open(Role.ADMIN, SETTINGS_PAGE)
    assert at.title[0].value == "Pengaturan Naskah"
    headers = [h.value for h in at.subheader]
    assert headers[:3] == ["Kop naskah", "Nomor surat", "Pejabat penandatangan"]
    assert at.text_area(key="setting_letterhead").value == settings.DEFAULTS["letterhead"]
    assert at.text_input(key="setting_unit_code").value == "D-4"
    assert at.selectbox(key="setting_security_code").value == "B"
    assert at.selectbox(key="setting_security_code").options == [
        "B — Biasa", "T — Terbatas", "R — Rahasia", "SR — Sangat Rahasia",
    ]  # fmt: skip
    for who in settings.OFFICIALS:
        assert at.text_input(key=f"setting_official.{who}.nip").value == ""
    assert any("Kosongkan isian" in c.value for c in at.caption)


def test_the_administrator_saves_a_unit_code_and_the_preview_number_follows(db_path):
    at = _open(Role.ADMIN, SETTINGS_PAGE)
    assert _numbers(at) == ["B-.../Kemensetneg/D-4/DM.00.00/11/2026", ".../D-4/DM.00.00/11/2026"]
    at.text_input(key="setting_unit_code").input("D-7")
    at.selectbox(key="setting_security_code").set_value("T")
    at.button(key="settings_save").click().run()
    assert not at.exception
    assert _texts(at.success) == ["Pengaturan disimpan (2 isian diubah)."]
    assert _numbers(at) == ["T-.../Kemensetneg/D-7/DM.00.00/11/2026", ".../D-7/DM.00.00/11/2026"]
    stored = _query(db_path, "SELECT key, value FROM setting ORDER BY key")
    assert stored == [("security_code", "T"), ("unit_code", "D-7")]  # unchanged ones not stored
    audit = _query(db_path, "SELECT new_value FROM audit_log WHERE action = 'settings.save'")
    assert json.loads(audit[0][0]) == {"security_code": "T", "unit_code": "D-7"}


def test_an_emptied_field_goes_back_to_its_default(db_path):
    at = _open(Role.ADMIN, SETTINGS_PAGE)
    at.text_input(key="setting_unit_code").input("D-7")
    at.button(key="settings_save").click().run()
    at.text_input(key="setting_unit_code").input("")
    at.button(key="settings_save").click().run()
    assert not at.exception
    assert _query(db_path, "SELECT count(*) FROM setting") == [(0,)]
    assert at.text_input(key="setting_unit_code").value == "D-4"  # shown again as the default
    assert _numbers(at)[1] == ".../D-4/DM.00.00/11/2026"


def test_an_invalid_font_size_is_refused_in_indonesian_and_nothing_is_stored(db_path):
    at = _open(Role.ADMIN, SETTINGS_PAGE)
    at.text_input(key="setting_unit_code").input("D-7")
    at.text_input(key="setting_font_size").input("20")
    at.button(key="settings_save").click().run()
    assert not at.exception
    assert _texts(at.error) == ["Pengaturan: ukuran huruf 8 sampai 16."]
    assert _query(db_path, "SELECT count(*) FROM setting") == [(0,)]
    assert at.text_input(key="setting_font_size").value == "20"  # kept for a correction
    assert _numbers(at)[1] == ".../D-4/DM.00.00/11/2026"


def test_the_sample_docx_carries_the_saved_font_and_kop(downloads):
    at = _open(Role.ADMIN, SETTINGS_PAGE)
    at.text_area(key="setting_letterhead").input("KEMENTERIAN UJI\n\nJalan Percobaan 1, Jakarta")
    at.text_input(key="setting_font_name").input("Bookman Old Style")
    at.text_input(key="setting_font_size").input("11")
    at.text_input(key="setting_official.asdep.name").input("Dr. Siti Rahma, S.H.")
    at.button(key="settings_save").click().run()
    assert not at.exception
    assert [b.label for b in at.get("download_button")] == ["Unduh contoh surat perintah (.docx)"]
    document = docx.Document(io.BytesIO(downloads["contoh-surat-perintah.docx"]()))
    normal = document.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Bookman Old Style", Pt(11))
    kop = [p.text for p in document.sections[0].first_page_header.paragraphs]
    assert kop == ["KEMENTERIAN UJI", "Jalan Percobaan 1, Jakarta"]  # blank lines dropped
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Nomor B-.../Kemensetneg/D-4/DM.00.00/11/2026" in body
    assert "Dr. Siti Rahma, S.H." in body  # the Asdep signs a Kabid-led monitoring


def test_the_settings_page_speaks_english_when_asked():
    at = _open(Role.ADMIN, SETTINGS_PAGE)
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert [h.value for h in at.subheader][:3] == [
        "Letterhead", "Letter number", "Signing officials",
    ]  # fmt: skip


# Standar Biaya Masukan (SBM)


def test_the_ppk_saves_sbm_rates_for_2026_and_only_filled_rows_are_stored(db_path):
    provinces = _provinces(db_path)
    at = _open(Role.PPK, SBM_PAGE)
    assert at.number_input(key="sbm_year").value == 2026
    table = at.dataframe[0].value
    assert len(table) == len(provinces) == 38
    assert table["daily_allowance"].isna().all()  # nothing stored yet
    at.session_state[EDITOR_2026] = {
        "edited_rows": {0: {"daily_allowance": 360_000, "lodging_cap": 556_000},
                        10: {"daily_allowance": 530_000.0, "lodging_cap": 1_490_000.0}},
        "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    at.run()
    at.button(key="sbm_save").click().run()
    assert not at.exception
    assert _texts(at.success) == ["Tarif SBM tahun 2026 disimpan: 2 provinsi."]
    assert _rates(db_path, 2026) == [
        (provinces[0][0], 360_000, 556_000),
        (provinces[10][0], 530_000, 1_490_000),
    ]
    shown = at.dataframe[0].value.set_index("province_code")
    assert shown.loc[provinces[10][0], "lodging_cap"] == 1_490_000  # drawn again as stored


def test_a_negative_amount_is_refused_with_its_row_and_province_and_nothing_changes(db_path):
    provinces = _provinces(db_path)
    _seed_rates(db_path, 2026, [(provinces[5][0], 380_000, 1_000_000)])
    at = _open(Role.PPK, SBM_PAGE)
    at.session_state[EDITOR_2026] = {
        "edited_rows": {1: {"daily_allowance": -5, "lodging_cap": 100_000}},
        "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    at.run()
    at.button(key="sbm_save").click().run()
    assert not at.exception
    assert _texts(at.error) == [
        f"Uang harian: pada baris 2 ({provinces[1][1]}), isi rupiah bulat tanpa sen, "
        "paling banyak 1 triliun."
    ]
    assert _rates(db_path, 2026) == [(provinces[5][0], 380_000, 1_000_000)]
    assert any("Hanya baris yang terisi yang disimpan" in c.value for c in at.caption)


def test_copy_from_last_year_fills_the_editor_and_saving_makes_them_this_years(db_path):
    provinces = _provinces(db_path)
    last_year = [(provinces[0][0], 350_000, 500_000), (provinces[30][0], 420_000, 900_000)]
    _seed_rates(db_path, 2025, last_year)
    at = _open(Role.PPK, SBM_PAGE)
    at.button(key="sbm_copy").click().run()
    assert not at.exception
    assert any("salinan tarif tahun 2025" in i.value for i in at.info)
    table = at.dataframe[0].value.set_index("province_code")
    assert table.loc[provinces[30][0], "daily_allowance"] == 420_000
    assert table["daily_allowance"].notna().sum() == 2
    assert _rates(db_path, 2026) == []  # copied into the editor only
    at.button(key="sbm_save").click().run()
    assert _texts(at.success) == ["Tarif SBM tahun 2026 disimpan: 2 provinsi."]
    assert _rates(db_path, 2026) == last_year


def test_copy_says_so_when_last_year_has_no_rates():
    at = _open(Role.BPP, SBM_PAGE)
    at.button(key="sbm_copy").click().run()
    assert not at.exception
    assert _texts(at.warning) == ["Belum ada tarif tahun 2025 untuk disalin."]


def test_the_years_rates_download_as_a_workbook(db_path, downloads):
    provinces = _provinces(db_path)
    _seed_rates(db_path, 2026, [(provinces[0][0], 360_000, 556_000)])
    at = _open(Role.PPK, SBM_PAGE)
    assert [b.label for b in at.get("download_button")] == ["Unduh .xlsx"]
    sheet = openpyxl.load_workbook(io.BytesIO(downloads["sbm-2026.xlsx"]())).worksheets[0]
    rows = [row for row in sheet.iter_rows(values_only=True) if any(row)]
    assert rows[0][0] == "Standar Biaya Masukan tahun 2026"
    header = rows.index(("Kode", "Provinsi", "Uang harian", "Batas penginapan"))
    assert rows[header + 1 :] == [(provinces[0][0], provinces[0][1], 360_000, 556_000)]


def test_a_year_without_rates_offers_no_download():
    at = _open(Role.PPK, SBM_PAGE)
    assert not at.get("download_button")
    assert any("Belum ada tarif tersimpan untuk tahun 2026." in c.value for c in at.caption)


# Who gets the pages


def _persona(role: Role) -> User:
    return User(id=1, username=role.value, full_name=role.value, roles=frozenset({role}))


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_only_the_roles_with_the_action_are_offered_the_pages(role):
    paths = {page.path for page in navigation.visible(_persona(role))}
    assert (SETTINGS_PAGE in paths) == (role in PERMISSIONS[Action.MANAGE_SETTINGS])
    assert (SBM_PAGE in paths) == (role in PERMISSIONS[Action.MANAGE_SBM])
    assert PERMISSIONS[Action.MANAGE_SETTINGS] == {Role.ADMIN}
    assert PERMISSIONS[Action.MANAGE_SBM] == {Role.PPK, Role.BPP}


@pytest.mark.parametrize(
    ("role", "page", "title"),
    [
        (Role.ADMIN, SETTINGS_PAGE, "Pengaturan Naskah"),
        (Role.PPK, SBM_PAGE, "Standar Biaya Masukan (SBM)"),
        (Role.BPP, SBM_PAGE, "Standar Biaya Masukan (SBM)"),
    ],
)
def test_each_page_renders_for_the_roles_that_may_use_it(role, page, title):
    assert _open(role, page).title[0].value == title


@pytest.mark.parametrize(
    ("role", "page"), [(Role.ANALIS, SETTINGS_PAGE), (Role.PPK, SETTINGS_PAGE),
                       (Role.ADMIN, SBM_PAGE), (Role.ASDEP, SBM_PAGE)],
)  # fmt: skip
def test_a_role_without_the_action_cannot_open_the_page(role, page):
    at = signed_in_app(role).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page)  # not in the menu, so no URL opens it either
    direct = AppTest.from_file(str(ROOT / page), default_timeout=60)
    direct.session_state["user"] = _persona(role)  # as if a route reached the script anyway
    direct.run()
    assert not direct.exception
    assert _texts(direct.error) == ["Peran Anda tidak mengizinkan tindakan ini."]
    assert not direct.title


# Officials' details on the Pengguna page


def _manage(db_path: Path, name: str) -> tuple[AppTest, int]:
    at = _open(Role.ADMIN, USERS_PAGE)
    uid = _user_id(db_path, name)
    at.selectbox(key="manage_user").set_value(uid).run()
    assert not at.exception
    return at, uid


def test_the_administrator_records_a_users_nip_rank_and_position(db_path):
    at, uid = _manage(db_path, username(Role.KABID))
    at.text_input(key=f"manage_nip_{uid}").input("19800101 200501 2 001")
    at.text_input(key=f"manage_rank_{uid}").input("Pembina (IV/a)")
    at.text_input(key=f"manage_position_{uid}").input("Kepala Bidang Pemantauan I")
    at.button(key="manage_save_official").click().run()
    assert not at.exception
    assert _texts(at.success) == [f"NIP, pangkat dan jabatan {username(Role.KABID)} disimpan."]
    assert _details(db_path, uid) == (NIP, "Pembina (IV/a)", "Kepala Bidang Pemantauan I")
    assert at.text_input(key=f"manage_nip_{uid}").value == NIP  # shown as stored


@pytest.mark.parametrize("wrong", ["19800101200501200A", "19800101200501200"])
def test_a_nip_with_letters_or_17_digits_is_refused_on_the_page(db_path, wrong):
    at, uid = _manage(db_path, username(Role.KABID))
    at.text_input(key=f"manage_nip_{uid}").input(wrong)
    at.text_input(key=f"manage_rank_{uid}").input("Pembina (IV/a)")
    at.button(key="manage_save_official").click().run()
    assert not at.exception
    assert _texts(at.error) == [
        "NIP: NIP terdiri atas 18 angka tanpa huruf (spasi di antara kelompok angka boleh)."
    ]
    assert _details(db_path, uid) == (None, None, None)


# set_official_details, the service


def test_set_official_details_stores_and_audits_old_and_new_values(db, db_path):
    uid = _user_id(db_path, username(Role.ANALIS))
    users.set_official_details(db, ADMIN, uid, revision=1, nip=NIP, rank=" Penata  (III/c) ",
                               position="Analis")  # fmt: skip
    users.set_official_details(db, ADMIN, uid, revision=2, nip="", rank="Penata (III/c)",
                               position=None)  # fmt: skip
    assert users.official_details(db.cursor(), uid) == {
        "nip": None, "rank": "Penata (III/c)", "position": None,
    }  # fmt: skip
    rows = (
        db.cursor()
        .execute(
            "SELECT actor, entity_id, old_value, new_value FROM audit_log"
            " WHERE action = 'user.set_official_details' ORDER BY id"
        )
        .fetchall()
    )
    assert [(actor, entity_id) for actor, entity_id, _, _ in rows] == [
        (ADMIN.username, str(uid)), (ADMIN.username, str(uid)),
    ]  # fmt: skip
    assert json.loads(rows[0][2]) == {"nip": None, "rank": None, "position": None, "revision": 1}
    assert json.loads(rows[1][2]) == {
        "nip": NIP, "rank": "Penata (III/c)", "position": "Analis", "revision": 2,
    }  # fmt: skip
    assert json.loads(rows[1][3]) == {
        "nip": None, "rank": "Penata (III/c)", "position": None, "revision": 3,
    }  # fmt: skip


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN], ids=lambda r: r.value)
def test_only_an_administrator_may_set_official_details(db, db_path, role):
    uid = _user_id(db_path, username(Role.ANALIS))
    with pytest.raises(Forbidden):
        users.set_official_details(
            db, _persona(role), uid, revision=1, nip=NIP, rank=None, position=None
        )
    assert users.official_details(db.cursor(), uid)["nip"] is None


@pytest.mark.parametrize(
    "nip",
    [
        "1980010120050120011",  # 19 digits
        "19800101200501200",  # 17 digits
        "19800101-200501-2-001",  # dashes
        "\u0661" * 18,  # digits, but Arabic-Indic ones
    ],
)
def test_a_nip_must_be_18_ascii_digits(db, db_path, nip):
    uid = _user_id(db_path, username(Role.ANALIS))
    with pytest.raises(ValidationError) as refused:
        users.set_official_details(db, ADMIN, uid, revision=1, nip=nip, rank=None, position=None)
    assert [(m.key, m.field) for m in refused.value.messages] == [("error.nip", "nip")]
    assert users.official_details(db.cursor(), uid)["nip"] is None


def test_every_problem_of_the_details_is_told_at_once_and_nothing_is_written(db, db_path):
    uid = _user_id(db_path, username(Role.ANALIS))
    long_text = "x" * (users.MAX_OFFICIAL_TEXT + 1)
    with pytest.raises(ValidationError) as refused:
        users.set_official_details(
            db, ADMIN, uid, revision=1, nip="123", rank=long_text, position=long_text
        )
    assert [(m.key, m.field) for m in refused.value.messages] == [
        ("error.nip", "nip"), ("error.too_long", "rank"), ("error.too_long", "position"),
    ]  # fmt: skip
    assert users.official_details(db.cursor(), uid) == {
        "nip": None, "rank": None, "position": None,
    }  # fmt: skip


def test_official_details_of_an_unknown_user_are_not_found(db):
    with pytest.raises(NotFound):
        users.set_official_details(db, ADMIN, 424242, revision=1, nip=NIP, rank=None, position=None)


# Settings and rates saved from a stale screen


def _account(db, role: Role) -> User:
    """The template database's account of the role, as the sign-in gate loads it."""
    from dumas.services import auth

    return auth.load_user(db.cursor(), _user_id(db.path, username(role)))


def _audit_rows(db) -> list[tuple]:
    return db.cursor().execute("SELECT * FROM audit_log ORDER BY id").fetchall()


def test_a_setting_saved_from_a_stale_screen_is_refused_with_who_and_when(db):
    other = users.create_user(db, ADMIN, username="admin.dua", full_name="Admin Kedua",
                              password="sandi-admin-kedua", roles=["admin"])  # fmt: skip
    from dumas.services import auth

    settings_service.save_settings(db, auth.load_user(db.cursor(), other), {"unit_code": "D-7"},
                                   NOW, seen={"unit_code": "D-4"})  # fmt: skip
    at = db.cursor().execute("SELECT max(logged_at) FROM audit_log").fetchone()[0]
    before = _audit_rows(db)
    with pytest.raises(Conflict) as refused:
        settings_service.save_settings(db, ADMIN, {"unit_code": "D-9"}, NOW,
                                       seen={"unit_code": "D-4"})  # fmt: skip
    assert refused.value.messages == [
        Message("error.settings_changed", {"who": "Admin Kedua", "at": at})
    ]
    assert settings.stored(db.cursor())["unit_code"] == "D-7"
    assert _audit_rows(db) == before
    settings_service.save_settings(db, ADMIN, {"unit_code": "D-9"}, NOW, seen={"unit_code": "D-7"})
    old, new = (
        db.cursor()
        .execute("SELECT old_value, new_value FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetchone()
    )
    assert (json.loads(old), json.loads(new)) == ({"unit_code": "D-7"}, {"unit_code": "D-9"})


def test_a_setting_changed_elsewhere_on_the_form_does_not_block_another(db):
    settings_service.save_settings(db, ADMIN, {"city": "Bogor"}, NOW, seen={"city": "Jakarta"})
    settings_service.save_settings(db, ADMIN, {"unit_code": "D-7"}, NOW,
                                   seen={"unit_code": "D-4"})  # fmt: skip
    stored = settings.stored(db.cursor())
    assert (stored["city"], stored["unit_code"]) == ("Bogor", "D-7")


def test_sbm_rates_saved_from_a_stale_screen_are_refused_with_who_and_when(db):
    bpp, ppk = _account(db, Role.BPP), _account(db, Role.PPK)
    seen = sbm.rates(db.cursor(), 2026)  # both screens: nothing stored yet
    theirs = [{"province_code": "31", "daily_allowance": 530_000, "lodging_cap": 1_490_000}]
    settings_service.save_sbm_rates(db, bpp, year=2026, rows=theirs, seen=seen, now=NOW)
    at = db.cursor().execute("SELECT max(logged_at) FROM audit_log").fetchone()[0]
    before = _audit_rows(db)
    mine = [{"province_code": "32", "daily_allowance": 430_000, "lodging_cap": 900_000}]
    with pytest.raises(Conflict) as refused:
        settings_service.save_sbm_rates(db, ppk, year=2026, rows=mine, seen=seen, now=NOW)
    assert refused.value.messages == [
        Message("error.sbm_changed", {"year": "2026", "who": "Bpp Uji", "at": at})
    ]
    assert sbm.rates(db.cursor(), 2026) == {"31": (530_000, 1_490_000)}
    assert _audit_rows(db) == before
    fresh = sbm.rates(db.cursor(), 2026)
    settings_service.save_sbm_rates(db, ppk, year=2026, rows=theirs + mine, seen=fresh, now=NOW)
    old, new = (
        db.cursor()
        .execute(
            "SELECT old_value, new_value FROM audit_log WHERE action = 'sbm.save' ORDER BY id DESC"
        )
        .fetchone()
    )
    assert json.loads(old) == {"rows": 1, "rates": {"31": [530_000, 1_490_000]}}
    assert json.loads(new)["rates"] == {"31": [530_000, 1_490_000], "32": [430_000, 900_000]}


def test_a_setting_typed_on_a_stale_page_is_refused_and_the_new_value_shown(db_path):
    at = _open(Role.ADMIN, SETTINGS_PAGE)
    from dumas.db import connect

    other = connect(db_path)  # another administrator's session saves first
    try:
        settings_service.save_settings(other, ADMIN, {"unit_code": "D-7"}, NOW,
                                       seen={"unit_code": "D-4"})  # fmt: skip
    finally:
        other.close()
    at.text_input(key="setting_unit_code").input("D-9")
    at.button(key="settings_save").click().run()
    assert not at.exception
    [refusal] = _texts(at.error)
    assert refusal.startswith("Pengaturan naskah sudah diubah oleh Admin Uji pada ")
    assert _query(db_path, "SELECT value FROM setting WHERE key = 'unit_code'") == [("D-7",)]
    assert at.text_input(key="setting_unit_code").value == "D-7"  # the colleague's value
    at.text_input(key="setting_unit_code").input("D-9")
    at.button(key="settings_save").click().run()
    assert _query(db_path, "SELECT value FROM setting WHERE key = 'unit_code'") == [("D-9",)]


def test_sbm_rates_edited_on_a_stale_page_are_refused_and_the_edits_kept(db_path):
    provinces = _provinces(db_path)
    at = _open(Role.PPK, SBM_PAGE)
    at.session_state[EDITOR_2026] = {
        "edited_rows": {0: {"daily_allowance": 360_000, "lodging_cap": 556_000}},
        "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    at.run()  # the PPK's edit, drawn over the year's rates as they then were (none)
    _seed_rates(db_path, 2026, [(provinces[10][0], 530_000, 1_490_000)])  # the BPP, meanwhile
    at.button(key="sbm_save").click().run()
    assert not at.exception
    [refusal] = _texts(at.error)
    assert refusal.startswith("Tarif SBM tahun 2026 sudah disimpan oleh ppk.persona pada ")
    assert _rates(db_path, 2026) == [(provinces[10][0], 530_000, 1_490_000)]
    shown = at.dataframe[0].value.set_index("province_code")
    assert shown.loc[provinces[10][0], "lodging_cap"] == 1_490_000  # the new rates
    at.button(key="sbm_save").click().run()  # now from the screen that shows them
    assert _texts(at.success) == ["Tarif SBM tahun 2026 disimpan: 2 provinsi."]
    assert _rates(db_path, 2026) == [
        (provinces[0][0], 360_000, 556_000),
        (provinces[10][0], 530_000, 1_490_000),
    ]
