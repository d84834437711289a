"""The "Matriks Rencana Pemantauan" page through AppTest, per role, signed in for real.

An analyst opens a plan, adds the default proposal of letters, edits the matrix in the
table editor and submits; Kasubbid, Kabid and Asdep each see their own buttons; a click
on a stale screen shows the message and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dumas import config
from dumas.db import Database
from dumas.domain.permissions import PERMISSIONS, Action, Role
from dumas.domain.plan_flow import PlanAction
from dumas.queries import plans as q
from dumas.services import auth, plans
from dumas.ui import navigation
from tests.conftest import TODAY, Factory, open_page, prebuilt, username

PAGE = "pages/plans.py"
NOW = dt.datetime.combine(TODAY, dt.time(9), config.TIMEZONE)

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env


def _user(db: Database, role: Role):
    cur = db.cursor()
    uid = cur.execute(
        "SELECT id FROM app_user WHERE username = $u", {"u": username(role)}
    ).fetchone()[0]
    return auth.load_user(cur, uid)


def _open(role: Role, **query: object) -> AppTest:
    at = open_page(role, PAGE, **query)
    assert not at.exception, at.exception
    return at


def _letters(db: Database) -> list[int]:
    """Three forwarding letters: to Kemendagri (2 March), to BPN (6 April), and to BPN
    (4 May) answered on 11 May; their ids in that order."""
    make = Factory(db)
    kemendagri = make.agency("Kementerian Dalam Negeri")
    bpn = make.agency("Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional")
    first = make.complaint(province_code="31")
    second = make.complaint(province_code="31")
    answered = make.complaint(province_code="32")
    ids = [make.forward(first, kemendagri, dt.date(2026, 3, 2)),
           make.forward(second, bpn, dt.date(2026, 4, 6)),
           make.forward(answered, bpn, dt.date(2026, 5, 4))]  # fmt: skip
    make.respond(answered, bpn, dt.date(2026, 5, 11), status="selesai")
    return ids


letters_prebuilt = prebuilt("plan-page-letters", _letters)


@pytest.fixture
def letters(letters_prebuilt, db_path) -> list[int]:
    """The three letters of _letters: the test's database is a copy of that world."""
    return letters_prebuilt[1]


def _plan(db: Database, letters: list[int]) -> int:
    analyst = _user(db, Role.ANALIS)
    plan_id = plans.create_plan(
        db, analyst, title="Semester II", period="2026-S2", source="database",
        bidang="Bidang Uji", now=NOW,
    )  # fmt: skip
    plans.add_letters(db, analyst, plan_id, revision=1, forwarding_ids=letters[:2], now=NOW)
    return plan_id


def _revision(db: Database, plan_id: int) -> int:
    return q.plan(db.cursor(), plan_id)["revision"]


def _ready(db: Database, plan_id: int) -> None:
    analyst = _user(db, Role.ANALIS)
    ids = [int(r) for r in q.matrix(db.cursor(), plan_id, TODAY)["row_id"]]
    updated = {r: {"method": "surat_resmi", "level": "kabid"} for r in ids}
    plans.save_rows(db, analyst, plan_id, revision=_revision(db, plan_id), updated=updated,
                    added=[], deleted=[], now=NOW)  # fmt: skip


def _buttons(at: AppTest) -> set[str]:
    return {b.label for b in at.button}


def test_analyst_creates_a_plan_and_it_opens(db):
    at = _open(Role.ANALIS)
    at.text_input(key="new_title").input("Pemantauan Semester I")
    at.selectbox(key="new_period").set_value("2027-S1")
    at.button(key="FormSubmitter:new_plan-Buat rencana").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Rencana dibuat."]
    assert at.query_params["plan"] == "1"
    assert q.plan(db.cursor(), 1)["title"] == "Pemantauan Semester I"


def test_the_plan_period_is_chosen_from_the_report_periods_current_and_coming_first(db):
    at = _open(Role.ANALIS)  # 27 November 2026
    offered = at.selectbox(key="new_period").options
    assert offered[:5] == ["Tahun 2026", "Semester II 2026", "November 2026", "Desember 2026",
                           "Tahun 2027"]  # fmt: skip
    assert offered[-1] == "Januari 2026"  # this year's past periods last, the latest first
    assert len(offered) == 2 + 4 + 24  # this year and the next: years, semesters, months


def test_the_created_plan_shows_the_chosen_period_and_keeps_its_code(db):
    at = _open(Role.ANALIS)
    at.text_input(key="new_title").input("Rencana Desember")
    at.selectbox(key="new_period").set_value("2026-12")
    at.button(key="FormSubmitter:new_plan-Buat rencana").click().run()
    assert not at.exception
    assert "**Periode:** Desember 2026" in at.markdown[0].value
    assert q.plan(db.cursor(), 1)["period_code"] == "2026-12"
    at.session_state["lang"] = "en"  # the language selector
    at.run()
    assert "**Period:** December 2026" in at.markdown[0].value


def test_a_plan_with_its_period_typed_as_free_text_before_still_shows_it(db):
    plan_id = plans.create_plan(db, _user(db, Role.ANALIS), title="Rencana lama", period="2026-11",
                                source="database", bidang=None, now=NOW)  # fmt: skip
    db.cursor().execute(
        "UPDATE plan SET period_label = 'Bulan depan 2026', period_code = NULL WHERE id = $id",
        {"id": plan_id},
    )
    listed = _open(Role.ANALIS)
    assert listed.dataframe[0].value["period_label"].tolist() == ["Bulan depan 2026"]
    opened = _open(Role.ANALIS, plan=plan_id)
    assert not opened.exception
    assert "**Periode:** Bulan depan 2026" in opened.markdown[0].value


def test_a_plan_without_a_title_is_refused_in_indonesian(db):
    at = _open(Role.ANALIS)
    at.button(key="FormSubmitter:new_plan-Buat rencana").click().run()
    assert "Judul: wajib diisi." in [e.value for e in at.error]
    assert q.plans(db.cursor()).empty


def test_default_proposal_adds_the_unanswered_letters_grouped_by_agency(db, letters):
    at = _open(Role.ANALIS)
    at.text_input(key="new_title").input("Semester II")
    at.selectbox(key="new_period").set_value("2026-S2")
    at.button(key="FormSubmitter:new_plan-Buat rencana").click().run()
    at.segmented_control(key="plan_view").set_value("add").run()
    assert not at.exception
    at.button(key="add_all").click().run()
    assert "2 surat ditambahkan; 2 baris baru." in [s.value for s in at.success]
    matrix = q.matrix(db.cursor(), 1, TODAY)
    assert sorted(matrix["agency"]) == [
        "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
        "Kementerian Dalam Negeri",
    ]  # the answered letter is not proposed


def test_analyst_edits_the_matrix_in_the_table_and_saves(db, letters):
    plan_id = _plan(db, letters)
    at = _open(Role.ANALIS, plan=plan_id)
    key = f"matrix_{plan_id}_{_revision(db, plan_id)}"
    at.session_state[key] = {
        "edited_rows": {0: {"method": "kunjungan_lapangan", "level": "kabid", "persons": 2,
                            "days": 3, "transport": 1_000_000.0, "lodging": 500_000,
                            "allowance": 400_000}},
        "added_rows": [], "deleted_rows": [1],
    }  # fmt: skip
    at.run()
    at.button(key="save_matrix").click().run()
    assert not at.exception
    assert "Matriks disimpan." in [s.value for s in at.success]
    matrix = q.matrix(db.cursor(), plan_id, TODAY)
    assert len(matrix) == 1
    # 2 x (1.000.000 + 2 nights x 500.000 + 3 days x 400.000)
    assert matrix["estimated_cost"][0] == 6_400_000
    shown = {m.label: m.value for m in at.metric}
    assert shown["Perkiraan biaya (Rp)"] == "Rp6,40\u00a0jt"  # short: it fits its card
    helps = {m.label: m.proto.help.replace("\\", "") for m in at.metric}  # markdown-escaped
    assert helps["Perkiraan biaya (Rp)"] == "Nilai persis: Rp6.400.000"  # exact, on hover
    assert shown["Baris (instansi dan lokus)"] == "1"


def test_a_bad_edit_is_shown_with_its_row_and_nothing_is_saved(db, letters):
    plan_id = _plan(db, letters)
    at = _open(Role.ANALIS, plan=plan_id)
    key = f"matrix_{plan_id}_{_revision(db, plan_id)}"
    at.session_state[key] = {
        "edited_rows": {1: {"schedule_from": "2026-12-10", "schedule_to": "2026-12-07"}},
        "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    at.run()
    at.button(key="save_matrix").click().run()
    errors = [e.value for e in at.error]
    assert "Jadwal selesai: pada baris 2, tanggal selesai sebelum tanggal mulai." in errors
    assert q.matrix(db.cursor(), plan_id, TODAY)["schedule_to"].isna().all()


def test_submit_is_offered_only_when_every_row_has_a_method_and_a_level(db, letters):
    plan_id = _plan(db, letters)
    at = _open(Role.ANALIS, plan=plan_id)
    assert "Ajukan kepada Kasubbid" not in _buttons(at)
    assert any("metode dan tingkat" in c.value for c in at.caption)
    _ready(db, plan_id)
    at = _open(Role.ANALIS, plan=plan_id)
    at.button(key="act_submit").click().run()
    assert q.plan(db.cursor(), plan_id)["state"] == "submitted"


def test_each_role_sees_only_its_own_step_buttons(db, letters):
    plan_id = _plan(db, letters)
    _ready(db, plan_id)
    plans.act(db, _user(db, Role.ANALIS), plan_id, revision=_revision(db, plan_id),
              action=PlanAction.SUBMIT, note=None, now=NOW)  # fmt: skip
    kasubbid = _buttons(_open(Role.KASUBBID, plan=plan_id))
    assert {"Teruskan kepada Kabid", "Kembalikan kepada analis"} <= kasubbid
    for role in (Role.ANALIS, Role.KABID, Role.ASDEP, Role.DEPUTI):
        assert not {"Teruskan kepada Kabid", "Setujui"} & _buttons(_open(role, plan=plan_id))


def test_kabid_proposes_and_asdep_approves_through_the_page(db, letters):
    plan_id = _plan(db, letters)
    _ready(db, plan_id)
    analyst, kasubbid = _user(db, Role.ANALIS), _user(db, Role.KASUBBID)
    plans.act(db, analyst, plan_id, revision=_revision(db, plan_id), action=PlanAction.SUBMIT,
              note=None, now=NOW)  # fmt: skip
    plans.act(db, kasubbid, plan_id, revision=_revision(db, plan_id), action=PlanAction.FORWARD,
              note=None, now=NOW)  # fmt: skip
    kabid = _open(Role.KABID, plan=plan_id)
    lead = _user(db, Role.KABID).id
    kabid.session_state[f"matrix_{plan_id}_{_revision(db, plan_id)}"] = {
        "edited_rows": {0: {"team_lead": lead}, 1: {"team_lead": lead}},
        "added_rows": [], "deleted_rows": [],
    }  # fmt: skip
    kabid.run()
    kabid.button(key="save_matrix").click().run()
    kabid.button(key="act_propose").click().run()
    assert not kabid.exception
    assert q.plan(db.cursor(), plan_id)["state"] == "proposed"
    asdep = _open(Role.ASDEP, plan=plan_id)
    asdep.text_area(key=f"note_{plan_id}").input("Laksanakan")
    asdep.button(key="act_approve").click().run()
    assert "Disetujui." in [s.value for s in asdep.success]
    assert len(q.monitorings(db.cursor(), plan_id)) == 2


def _selected(at: AppTest, key: str, row: int) -> AppTest:
    """A click on a row's box of a selectable table (AppTest sets the selection state)."""
    at.session_state[key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    return at.run()


def _decided(db: Database, letters: list[int]) -> int:
    plan_id = _plan(db, letters)
    _ready(db, plan_id)
    lead = _user(db, Role.KABID).id
    rows = [int(r) for r in q.matrix(db.cursor(), plan_id, TODAY)["row_id"]]
    plans.save_rows(db, _user(db, Role.ANALIS), plan_id, revision=_revision(db, plan_id),
                    updated={r: {"team_lead": lead} for r in rows}, added=[], deleted=[],
                    now=NOW)  # fmt: skip
    steps = [(Role.ANALIS, PlanAction.SUBMIT), (Role.KASUBBID, PlanAction.FORWARD),
             (Role.KABID, PlanAction.PROPOSE), (Role.ASDEP, PlanAction.APPROVE)]  # fmt: skip
    for role, action in steps:
        plans.act(db, _user(db, role), plan_id, revision=_revision(db, plan_id), action=action,
                  note=None, now=NOW)  # fmt: skip
    return plan_id


def test_selecting_a_plan_in_the_list_opens_it_in_the_same_tab(db, letters):
    plan_id = _plan(db, letters)
    at = _open(Role.ANALIS)
    assert "link" not in at.dataframe[0].value.columns  # no cell opening a new browser tab
    _selected(at, "plan_list", 0)
    assert not at.exception
    assert at.query_params["plan"] == str(plan_id)
    assert at.subheader[0].value == "Semester II"


def test_a_decided_plan_lists_its_monitorings_and_one_opens_in_the_same_tab(db, letters):
    plan_id = _decided(db, letters)
    at = _open(Role.KABID, plan=plan_id)
    assert "**Pemantauan dari rencana ini**" in [m.value for m in at.markdown]
    found = at.dataframe(key="plan_monitorings").value
    assert list(found.columns) == ["agency", "province", "method", "state"]
    assert sorted(found["agency"]) == [
        "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
        "Kementerian Dalam Negeri",
    ]
    assert set(found["method"]) == {"Tidak langsung: surat resmi"}
    assert set(found["state"]) == {"Persiapan"}
    opened = found["agency"].tolist().index("Kementerian Dalam Negeri")
    monitoring = int(q.monitorings(db.cursor(), plan_id)["id"].iloc[opened])
    _selected(at, "plan_monitorings", opened)
    assert not at.exception
    assert at.query_params["id"] == str(monitoring)
    assert at.title[0].value == "Pemantauan"
    assert at.subheader[0].value == "Kementerian Dalam Negeri"


def test_a_plan_not_yet_decided_lists_no_monitorings(db, letters):
    at = _open(Role.ANALIS, plan=_plan(db, letters))
    assert "**Pemantauan dari rencana ini**" not in [m.value for m in at.markdown]


def test_a_click_on_a_stale_screen_is_refused_with_a_message(db, letters):
    plan_id = _plan(db, letters)
    _ready(db, plan_id)
    at = _open(Role.ANALIS, plan=plan_id)  # drawn at this revision
    analyst = _user(db, Role.ANALIS)
    row_id = int(q.matrix(db.cursor(), plan_id, TODAY)["row_id"][0])
    plans.save_rows(db, analyst, plan_id, revision=_revision(db, plan_id),
                    updated={row_id: {"days": 2}}, added=[], deleted=[], now=NOW)  # fmt: skip
    at.button(key="act_submit").click().run()
    assert any("sudah diubah oleh Analis Uji" in e.value for e in at.error)
    assert q.plan(db.cursor(), plan_id)["state"] == "draft"


def test_a_change_saved_meanwhile_in_another_session_shows_on_the_next_run(db, letters):
    plan_id = _plan(db, letters)
    at = _open(Role.ANALIS, plan=plan_id)
    before = {m.label: m.value for m in at.metric}["Perkiraan biaya (Rp)"]
    row_id = int(q.matrix(db.cursor(), plan_id, TODAY)["row_id"][0])
    change = {"method": "kunjungan_lapangan", "level": "kabid", "persons": 2, "days": 1,
              "transport": 1_000_000}  # fmt: skip
    plans.save_rows(db, _user(db, Role.ANALIS), plan_id, revision=_revision(db, plan_id),
                    updated={row_id: change}, added=[], deleted=[], now=NOW)  # fmt: skip
    at.run()  # the screen's reads are cached by data version: the write moved it
    after = {m.label: m.value for m in at.metric}["Perkiraan biaya (Rp)"]
    assert (before, after) == ("Rp0", "Rp2,00\u00a0jt")


def test_refused_edits_on_a_stale_screen_are_kept_over_the_new_version(db, letters):
    plan_id = _plan(db, letters)
    at = _open(Role.ANALIS, plan=plan_id)
    key = f"matrix_{plan_id}_{_revision(db, plan_id)}"
    row_id = int(q.matrix(db.cursor(), plan_id, TODAY)["row_id"][0])
    plans.save_rows(db, _user(db, Role.ANALIS), plan_id, revision=_revision(db, plan_id),
                    updated={row_id: {"days": 2}}, added=[], deleted=[], now=NOW)  # fmt: skip
    at.session_state[key] = {"edited_rows": {0: {"priority_reason": "Sudah 3 kali dikonfirmasi"}},
                             "added_rows": [], "deleted_rows": []}  # fmt: skip
    at.run()
    at.button(key="save_matrix").click().run()
    assert any("sudah diubah" in e.value for e in at.error)
    assert any("belum tersimpan" in w.value for w in at.warning)
    at.button(key="save_matrix").click().run()  # saved again over the new version
    matrix = q.matrix(db.cursor(), plan_id, TODAY)
    assert (matrix["days"][0], matrix["priority_reason"][0]) == (2, "Sudah 3 kali dikonfirmasi")


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_the_page_renders_for_every_role_that_may_see_it(db, letters, role):
    plan_id = _plan(db, letters)
    user = _user(db, role)
    visible = PAGE in {p.path for p in navigation.visible(user)}
    assert visible == (role in PERMISSIONS[Action.VIEW_PLANS])
    if visible:
        at = _open(role, plan=plan_id)
        for view in ("matrix", "letters", "add", "history"):
            at.segmented_control(key="plan_view").set_value(view).run()
            assert not at.exception, (role, view)


def test_the_history_view_shows_the_checklist_and_the_discussion_changes(db, letters):
    plan_id = _plan(db, letters)
    _ready(db, plan_id)
    plans.act(db, _user(db, Role.ANALIS), plan_id, revision=_revision(db, plan_id),
              action=PlanAction.SUBMIT, note=None, now=NOW)  # fmt: skip
    plans.act(db, _user(db, Role.KASUBBID), plan_id, revision=_revision(db, plan_id),
              action=PlanAction.FORWARD, note=None, now=NOW)  # fmt: skip
    row_id = int(q.matrix(db.cursor(), plan_id, TODAY)["row_id"][0])
    plans.save_rows(db, _user(db, Role.KABID), plan_id, revision=_revision(db, plan_id),
                    updated={row_id: {"method": "kontak_elektronik",
                                      "schedule_from": dt.date(2026, 12, 7)}},
                    added=[], deleted=[], now=NOW)  # fmt: skip
    at = _open(Role.ASDEP, plan=plan_id)
    at.segmented_control(key="plan_view").set_value("history").run()
    checklist, changes = at.dataframe[0].value, at.dataframe[1].value
    assert list(checklist["Langkah SOP"])[:2] == [
        "1. Telaahan database, penyusunan matriks, pengajuan",
        "2. Pembahasan Kasubbid–Kabid, usulan tim",
    ]
    assert changes.iloc[0].tolist()[-3:] == [
        "Metode",
        "Tidak langsung: surat resmi",
        "Tidak langsung: kontak elektronik",
    ]
    assert changes.iloc[1].tolist()[-3:] == ["Jadwal mulai", "–", "07/12/2026"]
    notes = at.dataframe[2].value["Catatan"]
    assert "None" not in list(notes)


def test_one_form_sets_method_level_and_lead_on_every_undecided_row(db, letters):
    plan_id = _plan(db, letters)
    at = _open(Role.ANALIS, plan=plan_id)
    at.selectbox(key="bulk_method").set_value("kunjungan_lapangan")
    at.selectbox(key="bulk_level").set_value("kabid")
    at.selectbox(key="bulk_team_lead").set_value(_user(db, Role.KABID).id)
    at.button(key="FormSubmitter:bulk_1-Terapkan ke semua baris").click().run()
    assert not at.exception
    matrix = q.matrix(db.cursor(), plan_id, TODAY)
    assert set(matrix["method"]) == {"kunjungan_lapangan"}
    assert set(matrix["level"]) == {"kabid"}
    assert set(matrix["team_lead_name"]) == {"Kabid Uji"}
    assert "Ajukan kepada Kasubbid" in _buttons(at)  # every row is ready now


def test_a_response_needing_clarification_is_proposed_and_shows_no_age(db, letters, make, bpn):
    unclear = make.complaint(province_code="33")
    make.forward(unclear, bpn, dt.date(2026, 6, 1))
    make.respond(unclear, bpn, dt.date(2026, 6, 8), status="perlu_klarifikasi")
    plan_id = _plan(db, letters)
    at = _open(Role.ANALIS, plan=plan_id)
    at.segmented_control(key="plan_view").set_value("add").run()
    proposed = at.dataframe[0].value
    row = proposed[proposed["Status tanggapan"] == "Perlu klarifikasi"]
    assert len(row) == 1 and row["Umur (hari kerja)"].iloc[0] == "–"
    assert row.iloc[0, :2].tolist() == [
        "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
        "Jawa Tengah",
    ]


def test_asdep_approves_one_row_and_returns_the_other_from_the_page(db, letters):
    plan_id = _plan(db, letters)
    _ready(db, plan_id)
    for role, action in ((Role.ANALIS, PlanAction.SUBMIT), (Role.KASUBBID, PlanAction.FORWARD)):
        plans.act(db, _user(db, role), plan_id, revision=_revision(db, plan_id), action=action,
                  note=None, now=NOW)  # fmt: skip
    ids = [int(r) for r in q.matrix(db.cursor(), plan_id, TODAY)["row_id"]]
    kabid = _user(db, Role.KABID)
    plans.save_rows(db, kabid, plan_id, revision=_revision(db, plan_id),
                    updated={r: {"team_lead": kabid.id} for r in ids}, added=[], deleted=[],
                    now=NOW)  # fmt: skip
    plans.act(db, kabid, plan_id, revision=_revision(db, plan_id), action=PlanAction.PROPOSE,
              note=None, now=NOW)  # fmt: skip
    at = _open(Role.ASDEP, plan=plan_id)
    at.segmented_control(key=f"choice_{plan_id}_{ids[1]}").set_value("return")
    at.text_area(key=f"note_{plan_id}").input("Baris 2: lengkapi jadwal")
    at.button(key="act_decide").click().run()
    assert "Diputuskan per baris." in [s.value for s in at.success]
    statuses = list(q.matrix(db.cursor(), plan_id, TODAY)["status"])
    assert statuses == ["approved", "pending"]
    assert q.plan(db.cursor(), plan_id)["state"] == "draft"


def test_the_matrix_downloads_as_a_workbook_of_the_plan_shown(db, letters, downloads):
    plan_id = _plan(db, letters)
    _open(Role.KABID, plan=plan_id)
    build = downloads[f"matriks-rencana-pemantauan-{plan_id}-v0.xlsx"]
    book = openpyxl.load_workbook(io.BytesIO(build()))
    text = [str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "Semester II" in text
    assert "Kementerian Dalam Negeri" in text
