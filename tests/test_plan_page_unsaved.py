"""The plan page with edits the matrix grid holds unsaved, the bulk form's priority reason,
and a page that follows the user's own steps (issue 16).

An action taken while the grid holds unsaved edits saves them first, in the same
transaction and with the same checks as the save button; a refused save stops the action
and keeps the edits in the grid.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dumas.domain.permissions import Forbidden, Role
from dumas.domain.plan_flow import PlanAction
from dumas.queries import plan_history
from dumas.queries import plans as q
from dumas.services import plans
from dumas.ui.screens import plan_letters
from tests.test_plan_page import (
    NOW,
    TODAY,
    _open,
    _plan,
    _ready,
    _revision,
    _user,
    letters,
    letters_prebuilt,
)

__all__ = ["letters", "letters_prebuilt"]  # the fixtures (and world), shared with test_plan_page

pytestmark = pytest.mark.usefixtures("app_env")

UNSAVED = "Ada perubahan matriks yang belum disimpan"
VISIT = {"method": "kunjungan_lapangan", "persons": 2, "days": 3, "transport": 1_000_000,
         "lodging": 500_000, "allowance": 400_000}  # fmt: skip


def _edit(at, plan_id: int, db, edited: dict) -> str:
    key = f"matrix_{plan_id}_{_revision(db, plan_id)}"
    at.session_state[key] = {"edited_rows": edited, "added_rows": [], "deleted_rows": []}
    at.run()
    return key


def test_an_unsaved_matrix_edit_is_warned_and_saved_with_the_submission(db, letters):
    plan_id = _plan(db, letters)
    _ready(db, plan_id)
    at = _open(Role.ANALIS, plan=plan_id)
    _edit(at, plan_id, db, {0: VISIT})
    assert any(UNSAVED in w.value for w in at.warning)
    at.button(key="act_submit").click().run()
    assert not at.exception
    assert "Diajukan kepada Kasubbid. Perubahan matriks yang belum disimpan ikut disimpan." in [
        s.value for s in at.success
    ]
    plan = q.plan(db.cursor(), plan_id)
    assert plan["state"] == "submitted"
    matrix = q.matrix(db.cursor(), plan_id, TODAY)
    assert matrix["estimated_cost"][0] == 6_400_000  # the plan went with the edit
    assert not any(UNSAVED in w.value for w in at.warning)


def test_an_unsaved_edit_that_breaks_a_rule_stops_the_submission_and_stays_in_the_grid(db, letters):
    plan_id = _plan(db, letters)
    _ready(db, plan_id)
    at = _open(Role.ANALIS, plan=plan_id)
    bad = {1: {"schedule_from": "2026-12-10", "schedule_to": "2026-12-07"}}
    key = _edit(at, plan_id, db, bad)
    before = _revision(db, plan_id)
    at.button(key="act_submit").click().run()
    errors = [e.value for e in at.error]
    assert "Jadwal selesai: pada baris 2, tanggal selesai sebelum tanggal mulai." in errors
    assert q.plan(db.cursor(), plan_id)["state"] == "draft"
    assert _revision(db, plan_id) == before  # nothing changed
    assert at.session_state[key]["edited_rows"] == bad  # the edits are still in the grid
    assert any(UNSAVED in w.value for w in at.warning)


def test_save_and_act_writes_neither_the_rows_nor_the_step_when_the_step_is_refused(db, letters):
    plan_id = _plan(db, letters)
    _ready(db, plan_id)
    row_id = int(q.matrix(db.cursor(), plan_id, TODAY)["row_id"][0])
    before = _revision(db, plan_id)
    with pytest.raises(Forbidden):
        plans.save_and_act(db, _user(db, Role.ANALIS), plan_id, revision=before,
                           updated={row_id: {"days": 4}}, deleted=[],
                           action=PlanAction.FORWARD, note=None, now=NOW)  # fmt: skip
    assert _revision(db, plan_id) == before
    assert q.matrix(db.cursor(), plan_id, TODAY)["days"].isna().all()


def test_a_bulk_edit_is_refused_while_the_grid_holds_unsaved_edits(db, letters):
    plan_id = _plan(db, letters)
    at = _open(Role.ANALIS, plan=plan_id)
    key = _edit(at, plan_id, db, {0: {"days": 4}})
    at.selectbox(key="bulk_level").set_value("kabid")
    at.button(key=f"FormSubmitter:bulk_{plan_id}-Terapkan ke semua baris").click().run()
    assert any("Simpan dahulu perubahan itu" in e.value for e in at.error)
    assert q.matrix(db.cursor(), plan_id, TODAY)["level"].isna().all()
    assert at.session_state[key]["edited_rows"] == {0: {"days": 4}}


def test_the_bulk_form_asks_for_the_reason_of_a_high_priority_and_keeps_the_choice(db, letters):
    plan_id = _plan(db, letters)
    at = _open(Role.ANALIS, plan=plan_id)
    submit = f"FormSubmitter:bulk_{plan_id}-Terapkan ke semua baris"
    at.selectbox(key="bulk_priority").set_value("tinggi")
    at.button(key=submit).click().run()
    errors = [e.value.replace("\\", "") for e in at.error]  # as shown (markdown unescaped)
    assert errors == ["Alasan prioritas: pada baris 1, 2, prioritas tinggi wajib diberi alasan."]
    assert at.selectbox(key="bulk_priority").value == "tinggi"  # the user's choice is kept
    assert q.matrix(db.cursor(), plan_id, TODAY)["priority"].isna().all()
    at.text_input(key="bulk_priority_reason").input("Sudah tiga kali diingatkan")
    at.button(key=submit).click().run()
    assert "Matriks disimpan." in [s.value for s in at.success]
    matrix = q.matrix(db.cursor(), plan_id, TODAY)
    assert set(matrix["priority"]) == {"tinggi"}
    assert set(matrix["priority_reason"]) == {"Sudah tiga kali diingatkan"}


def test_the_kasubbid_acts_twice_without_a_false_stale_warning_and_the_note_box_empties(
    db, letters
):
    plan_id = _plan(db, letters)
    _ready(db, plan_id)
    plans.act(db, _user(db, Role.ANALIS), plan_id, revision=_revision(db, plan_id),
              action=PlanAction.SUBMIT, note=None, now=NOW)  # fmt: skip
    at = _open(Role.KASUBBID, plan=plan_id)
    note = f"note_{plan_id}"
    at.text_area(key=note).input("Sudah sesuai, teruskan")
    at.button(key="act_forward").click().run()
    assert not at.exception
    assert q.plan(db.cursor(), plan_id)["state"] == "discussion"
    assert at.text_area(key=note).value == ""  # a second click cannot record it again
    assert not any("diubah orang lain" in w.value for w in at.warning)
    at.text_area(key=note).input("Jadwal baris 2 belum ada")
    at.button(key="act_return").click().run()  # the same user's second step, not refused
    assert not at.error
    assert q.plan(db.cursor(), plan_id)["state"] == "draft"
    notes = list(plan_history.events(db.cursor(), plan_id)["note"])
    assert notes.count("Sudah sesuai, teruskan") == 1


def _proposed(db, letters) -> int:
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
    return plan_id


@pytest.mark.parametrize("role", [Role.ASDEP, Role.DEPUTI])
def test_a_decider_reads_method_level_lead_schedule_and_cost_first(db, letters, role):
    plan_id = _proposed(db, letters)
    at = _open(role, plan=plan_id)
    columns = list(at.dataframe[0].value.columns)
    assert columns[:10] == [
        "position", "agency", "province_code", "method", "level", "team_lead", "team",
        "schedule_from", "schedule_to", "estimated_cost",
    ]  # fmt: skip


def test_the_analyst_keeps_the_matrix_in_the_paper_order(db, letters):
    plan_id = _proposed(db, letters)
    at = _open(Role.ANALIS, plan=plan_id)
    assert list(at.dataframe[0].value.columns)[:5] == [
        "position", "agency", "province_code", "complaints", "letters",
    ]  # fmt: skip


def test_adding_many_filtered_letters_asks_first_saying_how_many_and_why_more(
    db, letters, make, bpn, monkeypatch
):
    monkeypatch.setattr(plan_letters, "CONFIRM_ABOVE", 2)  # the real threshold is 50 letters
    unclear = make.complaint(province_code="33")
    make.forward(unclear, bpn, dt.date(2026, 6, 1))
    make.respond(unclear, bpn, dt.date(2026, 6, 8), status="perlu_klarifikasi")
    plan_id = plans.create_plan(db, _user(db, Role.ANALIS), title="Semester II",
                                period="2026-S2", source="database",
                                bidang="Bidang Uji", now=NOW)  # fmt: skip
    at = _open(Role.ANALIS, plan=plan_id)
    at.segmented_control(key="plan_view").set_value("add").run()
    at.button(key="add_all").click().run()
    assert q.matrix(db.cursor(), plan_id, TODAY).empty  # nothing added yet
    asked = " ".join(w.value for w in at.warning)
    assert "3 surat dari 2 instansi akan ditambahkan ke matriks." in asked
    assert "Termasuk 1 surat yang tanggapannya ditandai «perlu klarifikasi»" in asked
    at.button(key="add_all_cancel").click().run()
    assert not at.warning and q.matrix(db.cursor(), plan_id, TODAY).empty
    at.button(key="add_all").click().run()
    at.button(key="add_all_confirm").click().run()
    assert "3 surat ditambahkan; 3 baris baru." in [s.value for s in at.success]
    assert int(q.matrix(db.cursor(), plan_id, TODAY)["letters"].sum()) == 3


# Unsaved edits outlive a switch of view or page (issue 16)

LEFT = "tetap disimpan sementara selama sesi ini"
BACK = "Perubahan matriks yang belum Anda simpan ditampilkan lagi"


def _edit_and_delete(at, plan_id: int, db) -> None:
    """Four days on the first row, the second row deleted, neither saved."""
    key = f"matrix_{plan_id}_{_revision(db, plan_id)}"
    at.session_state[key] = {"edited_rows": {0: {"days": 4}}, "added_rows": [],
                             "deleted_rows": [1]}  # fmt: skip
    at.run()


def _view(at, view: str) -> None:
    at.segmented_control(key="plan_view").set_value(view).run()
    assert not at.exception, at.exception


def test_unsaved_edits_outlive_a_switch_to_another_view_and_are_saved_on_return(db, letters):
    plan_id = _plan(db, letters)
    first, _second = (int(r) for r in q.matrix(db.cursor(), plan_id, TODAY)["row_id"])
    at = _open(Role.ANALIS, plan=plan_id)
    _edit_and_delete(at, plan_id, db)
    _view(at, "letters")
    assert any(LEFT in w.value for w in at.warning)  # said where the edits went
    _view(at, "history")
    _view(at, "matrix")
    assert any(BACK in w.value for w in at.warning)
    at.button(key="save_matrix").click().run()
    assert "Matriks disimpan." in [s.value for s in at.success]
    matrix = q.matrix(db.cursor(), plan_id, TODAY)
    assert matrix["row_id"].tolist() == [first]  # the deleted row went with the save
    assert matrix["days"].tolist() == [4]
    assert not any(BACK in w.value or UNSAVED in w.value for w in at.warning)


def test_unsaved_edits_outlive_a_visit_to_another_page(db, letters):
    plan_id = _plan(db, letters)
    at = _open(Role.ANALIS, plan=plan_id)
    _edit_and_delete(at, plan_id, db)
    at.switch_page("pages/followup.py").run()
    assert not at.exception, at.exception
    assert any(LEFT in w.value for w in at.warning)  # the dashboard says the edits are kept
    at.switch_page("pages/plans.py")
    at.query_params["plan"] = str(plan_id)
    at.run()
    assert any(BACK in w.value for w in at.warning)
    at.button(key="save_matrix").click().run()
    assert q.matrix(db.cursor(), plan_id, TODAY)["days"].tolist() == [4]


def test_kept_edits_are_refused_not_written_over_a_change_made_meanwhile(db, letters):
    plan_id = _plan(db, letters)
    first = int(q.matrix(db.cursor(), plan_id, TODAY)["row_id"][0])
    at = _open(Role.ANALIS, plan=plan_id)
    _edit_and_delete(at, plan_id, db)
    _view(at, "letters")
    plans.save_rows(db, _user(db, Role.ANALIS), plan_id, revision=_revision(db, plan_id),
                    updated={first: {"days": 2}}, added=[], deleted=[], now=NOW)  # fmt: skip
    _view(at, "matrix")  # a save in another session (another tab) meanwhile
    at.button(key="save_matrix").click().run()
    assert any("sudah diubah oleh Analis Uji" in e.value for e in at.error)
    matrix = q.matrix(db.cursor(), plan_id, TODAY)
    assert (len(matrix), matrix["days"][0]) == (2, 2)  # the other session's change stands
    # The edits are now laid over the latest version, for the user to check and save.
    assert any("ditampilkan di atas versi terbaru" in w.value for w in at.warning)
    at.button(key="save_matrix").click().run()
    assert q.matrix(db.cursor(), plan_id, TODAY)["days"].tolist() == [4]
