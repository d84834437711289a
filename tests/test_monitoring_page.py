"""The monitoring detail on the "Pemantauan" page (?id=N) through AppTest, per role.

A direct field visit at Kabid level (the analyst on the team, the Kabid leading it) and
an indirect official letter led by the Asdep are approved through the real services;
the team then works through steps 4-8 on the page: scope, signed documents, the move to
coordination, a result with the agency's response, the costs. Outsiders only read; the
BPP and the PPK each get the one button of their stage of the accountability.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from pathlib import Path

import docx
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dumas import config, i18n
from dumas.db import Database
from dumas.domain.monitoring_flow import MonitoringAction
from dumas.domain.permissions import Role
from dumas.queries import monitoring as mq
from dumas.services import auth, memo_answer
from dumas.services import monitoring as ms
from dumas.services import monitoring_records as rec
from dumas.ui import navigation
from dumas.ui.escape import plain
from dumas.ui.screens.monitoring_detail import VIEWS
from tests import monitoring_support as support
from tests.conftest import TODAY, open_page, prebuilt, started_from, username
from tests.monitoring_support import People, people_of

PAGE = "pages/monitorings.py"
START = dt.datetime.combine(TODAY, dt.time(9), config.TIMEZONE) - dt.timedelta(days=3)
SIGNED = dt.date(2026, 11, 25)

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env


@pytest.fixture
def people(db: Database) -> People:
    return people_of(db)


# Each test starts from one of these worlds, written once per run through the real services;
# its database is a copy of it (conftest.prebuilt), or of the empty template.
_approved = functools.partial(support.two_letters_approved, now=START)
direct_prebuilt = prebuilt("monitoring-page-direct", functools.partial(_approved, direct=True))
indirect_prebuilt = prebuilt("monitoring-page-indirect", functools.partial(_approved, direct=False))


@pytest.fixture
def direct(direct_prebuilt, db_path) -> int:
    """The direct monitoring, approved (_approved)."""
    return direct_prebuilt[1]["monitoring"]


@pytest.fixture
def indirect(indirect_prebuilt, db_path) -> int:
    """The indirect monitoring, approved (_approved)."""
    return indirect_prebuilt[1]["monitoring"]


@pytest.fixture
def kind_prebuilt(request: pytest.FixtureRequest) -> tuple[Path, dict]:
    """The world of the test's `kind` parameter: the direct or the indirect monitoring's."""
    return request.getfixturevalue(f"{request.node.callspec.params['kind']}_prebuilt")


@pytest.fixture
def letters(request: pytest.FixtureRequest, db_path) -> list[int]:
    """The two letters of the monitoring's world this test starts from."""
    return started_from(request)["letters"]


def rev(db: Database, mid: int) -> int:
    return mq.detail(db.cursor(), mid)["revision"]


def _open(role: Role, mid: int, view: str | None = None) -> AppTest:
    at = open_page(role, PAGE, id=mid)
    if view:
        at.segmented_control(key="monitoring_view").set_value(view).run()
    assert not at.exception, at.exception
    return at


def _key(form: str, db: Database, mid: int, name: str) -> str:
    """A form field's widget key at the monitoring's current revision."""
    return f"{form}_{mid}_{rev(db, mid)}_{name}"


def _buttons(at: AppTest) -> set[str]:
    return {b.key for b in at.button if b.key}


def _messages(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def _prepared(db: Database, p: People, mid: int) -> None:
    """Step 4 done through the services: scope, the memo approved, the other documents."""
    rec.save_scope(db, p.analyst, mid, revision=rev(db, mid), now=START,
                   values={"purpose": "Klarifikasi", "partner": "Itjen",
                           "mechanism": "Rapat koordinasi"})  # fmt: skip
    support.memo_approved(db, p, mid, now=START)
    for kind in ("surat_tugas", "memo_keuangan"):
        rec.record_document(db, p.analyst, mid, revision=rev(db, mid),
                            document=rec.DocumentRecord(kind, f"B-1/{kind}", SIGNED), today=TODAY,
                            now=START)  # fmt: skip
    ms.act(db, p.analyst, mid, revision=rev(db, mid), action=MonitoringAction.PREPARED, note=None,
           now=START)  # fmt: skip


def _spent(db: Database, mid: int) -> None:
    """Every planned line spent as planned (the hand-over to the BPP needs the actuals)."""
    db.cursor().execute(
        "UPDATE monitoring_cost SET actual = planned WHERE monitoring_id = $m", {"m": mid}
    )


def _to_reporting(db: Database, p: People, mid: int, letters: list[int]) -> None:
    """Steps 4-6 of the direct monitoring through the services."""
    _prepared(db, p, mid)
    rec.save_coordination(db, p.analyst, mid, revision=rev(db, mid), today=TODAY, now=START,
                          values={"letter_sent_on": SIGNED, "material_sent_on": SIGNED,
                                  "contact_name": "Budi"})  # fmt: skip
    ms.act(db, p.analyst, mid, revision=rev(db, mid), action=MonitoringAction.COORDINATED,
           note=None, now=START)  # fmt: skip
    rec.add_activity(db, p.analyst, mid, today=TODAY, now=START,
                     values={"kind": "rapat_koordinasi", "activity_date": TODAY})  # fmt: skip
    for forwarding_id in letters:
        rec.record_result(db, p.analyst, mid, forwarding_id=forwarding_id,
                          found=rec.ResultInput("belum", None, None), today=TODAY,
                          now=START)  # fmt: skip
    ms.act(db, p.analyst, mid, revision=rev(db, mid), action=MonitoringAction.EXECUTED, note=None,
           now=START)  # fmt: skip


def test_selecting_a_listed_monitoring_opens_its_detail_in_the_same_tab(direct):
    at = open_page(Role.PPK, PAGE)
    assert "link" not in at.dataframe[0].value.columns  # no cell opening a new browser tab
    at.session_state["monitoring_list"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.query_params["id"] == str(direct)
    assert at.subheader[0].value == "Kementerian Dalam Negeri"
    detail = _open(Role.PPK, direct)
    assert detail.subheader[0].value == "Kementerian Dalam Negeri"
    detail.button(key="monitoring_back").click().run()
    assert "id" not in detail.query_params
    assert detail.dataframe[0].value["agency"].tolist() == ["Kementerian Dalam Negeri"]


@pytest.mark.parametrize("kind", ["direct", "indirect"])
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_the_detail_renders_in_every_view_for_every_role_that_may_see_it(
    db, kind_prebuilt, role, kind
):
    mid = kind_prebuilt[1]["monitoring"]
    cur = db.cursor()
    uid = cur.execute(
        "SELECT id FROM app_user WHERE username = $u", {"u": username(role)}
    ).fetchone()[0]
    visible = PAGE in {p.path for p in navigation.visible(auth.load_user(cur, uid))}
    assert visible == (role not in (Role.PIMPINAN, Role.ADMIN))
    if not visible:
        return
    at = _open(role, mid)
    for view in VIEWS:
        at.segmented_control(key="monitoring_view").set_value(view).run()
        assert not at.exception, (role, view)
        assert not at.error, (role, view, _messages(at))


def test_the_detail_names_who_approved_the_monitoring(direct):
    at = _open(Role.KABID, direct)
    summary = next(m.value for m in at.markdown if "Disetujui oleh" in m.value)
    assert "**Disetujui oleh:** Asdep Uji" in summary


def test_the_detail_links_the_plan_it_came_from_in_the_same_tab(db, direct):
    at = _open(Role.KABID, direct)
    [link] = at.get("page_link")
    assert link.proto.label == "Buka rencana: Uji"
    plan_id = mq.detail(db.cursor(), direct)["plan_id"]
    assert link.proto.page.endswith("rencana") and f"plan={plan_id}" in link.proto.query_string
    assert not link.proto.external


@pytest.mark.parametrize("role", [Role.PPK, Role.BPP])
def test_the_ppk_and_the_bpp_see_no_link_to_the_plan_they_may_not_open(direct, role):
    assert _open(role, direct).get("page_link") == []


def test_a_change_saved_meanwhile_in_another_session_shows_on_the_next_run(db, people, direct):
    at = _open(Role.ANALIS, direct, "preparation")
    rec.save_scope(db, people.analyst, direct, revision=rev(db, direct), now=START,
                   values={"purpose": "Disimpan rekan"})  # fmt: skip
    at.run()  # the screen's reads are cached by data version: the write moved it
    assert at.text_area(key=_key("scope", db, direct, "purpose")).value == "Disimpan rekan"


def test_an_unknown_id_says_so():
    at = _open(Role.KABID, 999)
    assert [w.value for w in at.warning] == ["Pemantauan tidak ditemukan."]


def test_the_team_fills_the_scope_records_the_documents_and_moves_to_coordination(
    db, people, direct
):
    at = _open(Role.ANALIS, direct, "preparation")
    blocked = [c.value for c in at.caption if c.value.startswith("Persiapan selesai")]
    assert blocked and "Lengkapi dahulu cakupan" in blocked[0]  # the guard says what is missing
    scope = {"purpose": "Klarifikasi tindak lanjut", "partner": "Inspektorat Jenderal",
             "mechanism": "Rapat koordinasi", "expected_results": "Status jelas",
             "expected_relationship": "Kerja sama berlanjut"}  # fmt: skip
    for name, text in scope.items():
        at.text_area(key=_key("scope", db, direct, name)).input(text)
    at.button(key="scope_save").click().run()
    assert "Disimpan." in [s.value for s in at.success]
    assert mq.records(db.cursor(), direct)["scope"]["partner"] == "Inspektorat Jenderal"
    for kind in ("memo_deputi", "surat_tugas", "memo_keuangan"):
        at.text_input(key=_key(f"doc_{kind}", db, direct, "letter_no")).input(f"B-7/{kind}")
        at.date_input(key=_key(f"doc_{kind}", db, direct, "signed_on")).set_value(SIGNED)
        at.button(key=f"doc_{kind}_save").click().run()
        assert not at.error, _messages(at)
        if kind == "memo_deputi":  # the other two wait for the Deputi's approval
            assert "Menunggu persetujuan Deputi atas memorandum." in [c.value for c in at.caption]
            memo_answer.answer_memo(db, people.deputi, direct, revision=rev(db, direct),
                                    outcome="approved", note=None, now=START)  # fmt: skip
            at.run()
    shown = [c.value for c in at.caption]
    assert f"Nomor {plain('B-7/surat_tugas')}, ditandatangani 25 Nov 2026." in shown  # as typed
    at.text_area(key=f"mnote_{direct}").input("Dokumen lengkap")
    at.button(key="mact_prepared").click().run()
    assert not at.exception
    assert mq.detail(db.cursor(), direct)["state"] == "coordination"
    assert "Tercatat: Persiapan selesai." in [s.value for s in at.success]
    assert at.segmented_control(key="monitoring_view").value == "coordination"  # follows
    events = mq.events(db.cursor(), direct)
    assert events["note"].iloc[-1] == "Dokumen lengkap"


def test_the_assignment_letter_of_a_kabid_level_monitoring_is_signed_by_the_asdep(
    direct, downloads
):
    at = _open(Role.KABID, direct, "preparation")
    assert sorted(b.label for b in at.get("download_button")) == [
        "Unduh konsep Memorandum Asdep kepada Deputi (usulan pemantauan) (.docx)",
        "Unduh konsep Memorandum PPK kepada Kepala Biro Keuangan (fasilitas perjalanan) (.docx)",
        "Unduh konsep Surat perintah penugasan (.docx)",
    ]
    assert {f"memo-deputi-{direct}.docx", f"memo-keuangan-{direct}.docx"} <= set(downloads)
    letter = docx.Document(io.BytesIO(downloads[f"surat-tugas-{direct}.docx"]()))
    lines = [p.text.strip() for p in letter.paragraphs]
    assert "SURAT PERINTAH" in lines
    assert "Asisten Deputi Pengaduan Masyarakat," in lines  # the signature block
    assert "Pejabat Pembuat Komitmen," not in lines
    text = "\n".join(lines) + "".join(c.text for t in letter.tables for c in t._cells)
    assert "Kementerian Dalam Negeri" in text
    assert "Siti Aminah" not in text


def test_an_indirect_monitoring_offers_its_file_list_and_agency_letter(indirect, downloads):
    at = _open(Role.ASDEP, indirect, "preparation")  # step 4: the files list only
    assert [b.key for b in at.get("download_button")] == ["docx_daftar_berkas"]
    at.segmented_control(key="monitoring_view").set_value("execution").run()  # step 6b
    assert [b.key for b in at.get("download_button")] == ["docx_surat_instansi"]
    assert {f"daftar-berkas-{indirect}.docx", f"surat-instansi-{indirect}.docx"} <= set(downloads)
    assert f"surat-tugas-{indirect}.docx" not in downloads
    report = _open(Role.DEPUTI, indirect, "report")
    assert not [m for m in report.markdown if "Biaya" in m.value]  # no money when indirect
    assert f"laporan-pemantauan-{indirect}.docx" in downloads
    assert docx.Document(io.BytesIO(downloads[f"laporan-pemantauan-{indirect}.docx"]()))


def test_a_response_obtained_through_the_page_answers_the_letter(db, people, direct, letters):
    _prepared(db, people, direct)
    first = letters[0]
    at = _open(Role.ANALIS, direct, "execution")
    at.selectbox(key=f"result_letter_{direct}").set_value(first).run()
    form = f"result_{first}"
    at.selectbox(key=_key(form, db, direct, "result")).set_value("ditindaklanjuti")
    at.text_area(key=_key(form, db, direct, "evidence")).input("Surat Itjen")
    at.checkbox(key=_key(form, db, direct, "response_obtained")).check()
    at.text_input(key=_key(form, db, direct, "letter_no")).input("700/123/Itjen")
    at.date_input(key=_key(form, db, direct, "response_date")).set_value(SIGNED)
    at.selectbox(key=_key(form, db, direct, "status")).set_value("selesai")
    at.text_area(key=_key(form, db, direct, "summary")).input("Diterima saat pemantauan")
    at.button(key=f"{form}_save").click().run()
    assert not at.error, _messages(at)
    assert "Hasil surat dicatat." in [s.value for s in at.success]
    found = mq.letters(db.cursor(), direct, TODAY).set_index("forwarding_id")
    assert bool(found.loc[first, "answered"]) is True
    assert bool(found.loc[letters[1], "answered"]) is False
    assert found.loc[first, "result"] == "ditindaklanjuti"
    table = [d.value for d in at.dataframe if "Hasil" in d.value.columns][-1]  # not the editor
    assert "Sudah ditindaklanjuti" in table["Hasil"].tolist()


def test_the_costs_editor_saves_and_the_totals_show_exact_rupiah(db, people, direct):
    p = people
    rec.save_costs(db, p.analyst, direct, revision=rev(db, direct), now=START,
                   rows=[{"item": "penginapan", "user_id": None, "planned": 1_600_000,
                          "actual": None}])  # fmt: skip
    at = _open(Role.ANALIS, direct, "report")
    at.session_state[f"costs_{direct}_{rev(db, direct)}"] = {
        "edited_rows": {0: {"actual": 1_450_000}},
        "added_rows": [
            {"item": "transport", "user_id": p.kabid.id, "planned": 2_500_000,
             "actual": 2_350_500},
            {"item": "uang_harian", "user_id": p.analyst.id, "planned": 1_590_000.0,
             "actual": 1_590_001},
        ],
        "deleted_rows": [],
    }  # fmt: skip
    at.run()
    at.button(key="costs_save").click().run()
    assert not at.error, _messages(at)
    assert "Biaya disimpan." in [s.value for s in at.success]
    assert mq.cost_totals(db.cursor(), direct) == {"planned": 5_690_000, "actual": 5_390_501}
    shown = {m.label: m.value for m in at.metric}
    assert shown == {"Total rencana": "Rp5,69\u00a0jt", "Total realisasi": "Rp5,39\u00a0jt"}
    exact = [m.proto.help.replace("\\", "").splitlines()[0] for m in at.metric]
    assert exact == ["Nilai persis: Rp5.690.000", "Nilai persis: Rp5.390.501"]
    costs = mq.costs(db.cursor(), direct)
    assert costs["person"].fillna("").tolist() == ["", "Kabid Uji", "Analis Uji"]


def test_the_financial_report_downloads_with_the_saved_lines_and_exact_totals(
    db, people, direct, downloads
):
    rec.save_costs(db, people.analyst, direct, revision=rev(db, direct), now=START, rows=[
        {"item": "penginapan", "user_id": None, "planned": 1_600_000, "actual": 1_450_000},
        {"item": "transport", "user_id": people.kabid.id, "planned": 2_500_000,
         "actual": 2_350_501}])  # fmt: skip
    _open(Role.KABID, direct, "report")
    report = docx.Document(io.BytesIO(downloads[f"laporan-keuangan-{direct}.docx"]()))
    total = [c.text for c in report.tables[-1].rows[-1].cells]
    assert total[1:] == ["JUMLAH", "", "Rp4.100.000", "Rp3.800.501", "−Rp299.499"]


def test_a_cost_line_for_someone_off_the_team_is_refused_and_nothing_saved(db, people, direct):
    before = mq.costs(db.cursor(), direct)  # the lines planned from the approved row
    at = _open(Role.ANALIS, direct, "report")
    at.session_state[f"costs_{direct}_{rev(db, direct)}"] = {
        "edited_rows": {},
        "added_rows": [{"item": "transport", "user_id": people.ppk.id, "planned": 100}],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="costs_save").click().run()
    assert any("harus anggota tim" in m for m in _messages(at))
    assert mq.costs(db.cursor(), direct).equals(before)


def test_the_bpp_sees_only_the_bpp_button(db, people, direct, letters):
    _to_reporting(db, people, direct, letters)
    _spent(db, direct)
    ms.record_finance(db, people.analyst, direct, revision=rev(db, direct), stage="submitted_on",
                      on=TODAY, today=TODAY, now=START)  # fmt: skip
    at = _open(Role.BPP, direct, "report")
    assert {k for k in _buttons(at) if k != "monitoring_back"} == {"fin_bpp_received_on"}
    assert not at.text_area and not at.text_input
    at.button(key="fin_bpp_received_on").click().run()
    assert "Tahap pertanggungjawaban dicatat." in [s.value for s in at.success]
    assert mq.records(db.cursor(), direct)["finance"]["bpp_received_on"] == TODAY
    ppk = _open(Role.PPK, direct, "report")
    assert {k for k in _buttons(ppk) if k != "monitoring_back"} == {"fin_ppk_accepted_on"}
    team = _open(Role.ANALIS, direct, "report")
    assert not {k for k in _buttons(team) if k.startswith("fin_")}  # submitted already


def test_a_stale_click_shows_the_monitoring_changed_message(db, people, direct):
    at = _open(Role.ANALIS, direct, "preparation")  # drawn at this revision
    at.text_area(key=_key("scope", db, direct, "purpose")).input("Tujuan saya")
    rec.save_scope(db, people.kabid, direct, revision=rev(db, direct), now=START,
                   values={"purpose": "Tujuan Kabid"})  # fmt: skip
    at.button(key="scope_save").click().run()
    assert any("sudah diubah oleh Kabid Uji" in m for m in _messages(at))
    assert mq.records(db.cursor(), direct)["scope"]["purpose"] == "Tujuan Kabid"
    assert any("belum tersimpan" in w.value for w in at.warning)
    assert at.text_area(key=_key("scope", db, direct, "purpose")).value == "Tujuan saya"


def test_a_kasubbid_not_on_the_team_sees_no_forms(db, people, direct, letters):
    _prepared(db, people, direct)
    at = _open(Role.KASUBBID, direct)
    for view in VIEWS:
        at.segmented_control(key="monitoring_view").set_value(view).run()
        assert not at.exception, view
        inputs = [*at.text_area, *at.text_input, *at.date_input, *at.checkbox]
        assert inputs == [], view
        assert _buttons(at) <= {"monitoring_back"}, view
    assert not [c for c in at.caption if "Persiapan selesai" in c.value]  # no moves either


def test_the_history_names_every_event_in_words(db, people, direct):
    _prepared(db, people, direct)
    at = _open(Role.ASDEP, direct, "history")
    table = at.dataframe[-1].value
    assert table["Peristiwa"].tolist() == [
        "Cakupan disimpan",
        "Nomor dokumen dicatat",
        "Memorandum disetujui Deputi",
        "Nomor dokumen dicatat",
        "Nomor dokumen dicatat",
        "Persiapan selesai",
    ]
    # every action an event can carry (services/monitoring*.py) reads in both languages
    records = ("scope", "document", "coordination", "activity", "agreement", "result",
               "report", "costs")  # fmt: skip
    finance = ("finance_submitted_on", "finance_bpp_received_on", "finance_ppk_accepted_on")
    memo = ("memo_approved", "memo_returned", "memo_paper_approved", "memo_paper_returned",
            "memo_approved_in_plan")  # services/memo_answer.py  # fmt: skip
    actions = [*(a.value for a in MonitoringAction), *records, *finance, *memo]
    for lang in i18n.LANGUAGES:
        assert [a for a in actions if f"m_event.{a}" not in i18n.MESSAGES[lang]] == []
        assert [v for v in VIEWS if f"monitoring.view_{v}" not in i18n.MESSAGES[lang]] == []


def test_a_finance_stage_clicked_on_a_stale_screen_is_refused_then_recorded_on_the_fresh_one(
    db, people, direct, letters
):
    _to_reporting(db, people, direct, letters)
    _spent(db, direct)
    ms.record_finance(db, people.analyst, direct, revision=rev(db, direct), stage="submitted_on",
                      on=TODAY, today=TODAY, now=START)  # fmt: skip
    at = _open(Role.BPP, direct, "report")  # drawn at this revision
    lines = [{"item": "transport", "user_id": None, "planned": 900_000, "actual": 950_000}]
    rec.save_costs(db, people.kabid, direct, revision=rev(db, direct), now=START, rows=lines)
    at.button(key="fin_bpp_received_on").click().run()
    assert any("sudah diubah oleh Kabid Uji" in m for m in _messages(at))
    assert mq.records(db.cursor(), direct)["finance"]["bpp_received_on"] is None
    at.button(key="fin_bpp_received_on").click().run()  # the screen now shows the costs
    assert not _messages(at)
    assert mq.records(db.cursor(), direct)["finance"]["bpp_received_on"] == TODAY


def test_a_document_number_typed_on_a_stale_screen_is_refused_and_kept(db, people, direct):
    at = _open(Role.ANALIS, direct, "preparation")
    form = "doc_memo_deputi"
    at.text_input(key=_key(form, db, direct, "letter_no")).input("B-7/Kemensetneg/D-4/2026")
    at.date_input(key=_key(form, db, direct, "signed_on")).set_value(SIGNED)
    rec.save_scope(db, people.kabid, direct, revision=rev(db, direct), now=START,
                   values={"purpose": "Tujuan Kabid"})  # fmt: skip
    at.button(key=f"{form}_save").click().run()
    assert any("sudah diubah oleh Kabid Uji" in m for m in _messages(at))
    assert mq.records(db.cursor(), direct)["documents"].empty
    kept = at.text_input(key=_key(form, db, direct, "letter_no"))
    assert kept.value == "B-7/Kemensetneg/D-4/2026"
    at.button(key=f"{form}_save").click().run()
    assert mq.records(db.cursor(), direct)["documents"]["letter_no"].tolist() == [
        "B-7/Kemensetneg/D-4/2026"
    ]


def test_a_result_saved_over_a_colleagues_newer_one_is_refused_with_who(
    db, people, direct, letters
):
    _prepared(db, people, direct)
    first = letters[0]
    at = _open(Role.ANALIS, direct, "execution")
    at.selectbox(key=f"result_letter_{direct}").set_value(first).run()
    form = f"result_{first}"
    at.selectbox(key=_key(form, db, direct, "result")).set_value("ditindaklanjuti")
    rec.record_result(
        db, people.kabid, direct, forwarding_id=first,
        found=rec.ResultInput("belum", evidence="Kata Kabid", recommendation=None), today=TODAY,
        now=START,
    )  # fmt: skip
    at.button(key=f"{form}_save").click().run()
    assert any("sudah dicatat atau diubah oleh Kabid Uji" in m for m in _messages(at))
    found = mq.letters(db.cursor(), direct, TODAY).set_index("forwarding_id")
    assert (found.loc[first, "result"], found.loc[first, "evidence"]) == ("belum", "Kata Kabid")


# The Deputi's answer to the memo of a direct visit (SOP step 4a)


def _memo_recorded(db: Database, p: People, mid: int) -> None:
    memo = rec.DocumentRecord("memo_deputi", "31/D-4/DM.00.00/11/2026", SIGNED)
    rec.record_document(db, p.analyst, mid, revision=rev(db, mid), document=memo, today=TODAY,
                        now=START)  # fmt: skip


def _answer(db: Database, mid: int) -> tuple:
    sql = """
        SELECT outcome, note, via, answered_by, entered_by, answered_on
          FROM monitoring_memo_answer WHERE monitoring_id = $m
    """
    return db.cursor().execute(sql, {"m": mid}).fetchone()


def test_the_deputi_approves_the_memo_on_the_page_and_the_team_may_record_the_letters(
    db, people, direct
):
    _memo_recorded(db, people, direct)
    team = _open(Role.ANALIS, direct, "preparation")
    assert {"doc_surat_tugas_save", "memo_approved", "memo_returned"}.isdisjoint(_buttons(team))
    assert "Menunggu persetujuan Deputi atas memorandum." in [c.value for c in team.caption]
    at = _open(Role.DEPUTI, direct, "preparation")
    assert {"memo_approved", "memo_returned"} <= _buttons(at)
    assert "memo_paper_save" not in _buttons(at)  # the written disposition is the team's
    at.text_area(key=f"memo_note_{direct}").input("Utamakan surat tertua")
    at.button(key="memo_approved").click().run()
    assert "Keputusan Deputi dicatat." in [s.value for s in at.success]
    assert _answer(db, direct)[:4] == ("approved", "Utamakan surat tertua", "app", people.deputi.id)
    assert {"memo_approved", "memo_returned"}.isdisjoint(_buttons(at))
    team = _open(Role.ANALIS, direct, "preparation")
    assert {"doc_surat_tugas_save", "doc_memo_keuangan_save"} <= _buttons(team)
    assert "doc_memo_deputi_save" not in _buttons(team)


def test_the_deputi_returns_the_memo_with_a_note_and_the_team_may_revise_it(db, people, direct):
    _memo_recorded(db, people, direct)
    at = _open(Role.DEPUTI, direct, "preparation")
    at.button(key="memo_returned").click().run()
    assert _messages(at) and _answer(db, direct) is None  # a return needs its note
    at.text_area(key=f"memo_note_{direct}").input("Tambahkan mitra daerah")
    at.button(key="memo_returned").click().run()
    assert _answer(db, direct)[:3] == ("returned", "Tambahkan mitra daerah", "app")
    team = _open(Role.ANALIS, direct, "preparation")
    assert "doc_memo_deputi_save" in _buttons(team)  # the revised memo, under a new number
    assert "doc_surat_tugas_save" not in _buttons(team)
    assert any("Tambahkan mitra daerah" in w.value for w in team.warning)


def test_a_team_member_enters_the_deputis_written_disposition_on_the_page(db, people, direct):
    _memo_recorded(db, people, direct)
    at = _open(Role.ANALIS, direct, "preparation")
    assert "memo_paper_save" in _buttons(at)
    form = f"memo_paper_{direct}_{rev(db, direct)}"
    at.selectbox(key=f"{form}_outcome").set_value("approved")
    at.date_input(key=f"{form}_on").set_value(SIGNED)
    at.text_area(key=f"{form}_note").input("Setuju")
    at.button(key="memo_paper_save").click().run()
    assert not _messages(at)
    outcome, note, via, deputi, entered, on = _answer(db, direct)
    assert (outcome, note, via, deputi, entered, on) == (
        "approved", "Setuju", "paper", None, people.analyst.id, SIGNED,
    )  # fmt: skip
    shown = [s.value for s in at.success]
    assert any("disposisi tertulis tanggal 25 Nov 2026" in s and people.analyst.full_name in s
               for s in shown)  # fmt: skip
    assert "memo_approved" not in _buttons(_open(Role.DEPUTI, direct, "preparation"))


def test_the_deputis_inbox_shows_the_memo_awaiting_their_answer_with_its_items(db, people, direct):
    scope = {"purpose": "Klarifikasi surat", "partner": "Inspektorat Jenderal"}
    rec.save_scope(db, people.analyst, direct, revision=rev(db, direct), now=START, values=scope)
    _memo_recorded(db, people, direct)
    at = open_page(Role.DEPUTI, "pages/inbox.py")
    assert not at.exception, at.exception
    shown = [m.value for m in at.markdown]
    assert any(plain("31/D-4/DM.00.00/11/2026") in m and "menunggu arahan dan persetujuan Anda" in m
               for m in shown)  # fmt: skip
    assert any("Inspektorat Jenderal" in m and m.startswith("b)") for m in shown)
    assert any(m.startswith("f) Matriks surat") and "2 surat" in m for m in shown)
    memo_answer.answer_memo(db, people.deputi, direct, revision=rev(db, direct),
                            outcome="approved", note=None, now=START)  # fmt: skip
    at = open_page(Role.DEPUTI, "pages/inbox.py")
    assert not any("menunggu arahan dan persetujuan Anda" in m.value for m in at.markdown)


# Issue 16: the money planned from the approved row in step 4; the hand-over with actuals

ESTIMATE = 2 * (2_500_000 + 800_000 * 2 + 530_000 * 3)  # the direct world's approved row


def _comparison(at: AppTest) -> dict[str, list[str]]:
    """The table of the matrix estimate, the planned lines and the actuals."""
    table = next(d.value for d in at.dataframe if "Sumber" in d.value.columns)
    return table.set_index("Sumber").to_dict("list")


def test_step_4_plans_the_approved_rows_money_and_the_travel_memo_asks_for_it(
    db, direct, downloads
):
    assert int(mq.detail(db.cursor(), direct)["estimated_cost"]) == ESTIMATE
    at = _open(Role.ANALIS, direct, "preparation")
    assert "costs_save" in _buttons(at)  # the planned lines are edited in step 4
    shown = _comparison(at)
    assert shown["Jumlah"] == ["Rp11.380.000", "Rp11.380.000", i18n.MISSING]
    assert not at.warning
    memo = docx.Document(io.BytesIO(downloads[f"memo-keuangan-{direct}.docx"]()))
    text = "\n".join(p.text for p in memo.paragraphs)
    assert "perkiraan biaya sebesar Rp11.380.000." in text
    assert [c.text for c in memo.tables[-1].rows[-1].cells][-1] == "Rp11.380.000"


def test_an_edited_plan_shows_its_difference_from_the_approved_estimate(db, direct):
    at = _open(Role.ANALIS, direct, "preparation")
    at.session_state[f"costs_{direct}_{rev(db, direct)}"] = {
        "edited_rows": {0: {"planned": 1_000_000}},  # uang harian of the lead: 1.590.000
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="costs_save").click().run()
    assert not at.error, _messages(at)
    assert mq.cost_totals(db.cursor(), direct)["planned"] == ESTIMATE - 590_000
    assert int(mq.detail(db.cursor(), direct)["estimated_cost"]) == ESTIMATE  # kept
    shown = _comparison(at)
    assert shown["Jumlah"][:2] == ["Rp11.380.000", "Rp10.790.000"]
    assert shown["Selisih terhadap perkiraan matriks"][1] == "−Rp590.000"
    warned = [w.value.replace("\\", "") for w in at.warning]  # Markdown escapes dropped
    assert any("−Rp590.000" in w and "Rp11.380.000" in w for w in warned)


def test_the_hand_over_to_the_bpp_waits_for_every_actual_and_says_which_lines(
    db, people, direct, letters
):
    _to_reporting(db, people, direct, letters)
    at = _open(Role.ANALIS, direct, "report")
    assert "fin_submitted_on" not in _buttons(at)
    warned = [w.value.replace("\\", "") for w in at.warning]  # Markdown escapes dropped
    assert any("Realisasi biaya belum diisi pada 6 baris biaya (baris 1, 2, 3, 4, 5, 6)" in w
               for w in warned)  # fmt: skip
    lines = mq.costs(db.cursor(), direct)[["item", "user_id", "planned"]]
    rows = [{**r, "user_id": None if pd.isna(r["user_id"]) else int(r["user_id"]),
             "planned": int(r["planned"]), "actual": int(r["planned"])}
            for r in lines.to_dict("records")]  # fmt: skip
    rec.save_costs(db, people.analyst, direct, revision=rev(db, direct), now=START, rows=rows)
    at = _open(Role.ANALIS, direct, "report")
    assert "fin_submitted_on" in _buttons(at)
    at.button(key="fin_submitted_on").click().run()
    assert not at.error, _messages(at)
    assert mq.records(db.cursor(), direct)["finance"]["submitted_on"] == TODAY


# Issue 16: results for many letters in one table


def test_results_for_every_letter_are_recorded_from_one_table_with_one_save(db, direct, letters):
    at = _open(Role.ANALIS, direct, "execution")
    at.session_state[f"results_{direct}_{rev(db, direct)}"] = {
        "edited_rows": {
            0: {"result": "ditindaklanjuti", "evidence": "BA rapat 3 Des"},
            1: {"result": "belum", "recommendation": "Surat pengingat"},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="results_save").click().run()
    assert not at.error, _messages(at)
    assert "Hasil 2 surat dicatat." in [s.value for s in at.success]
    found = mq.letters(db.cursor(), direct, TODAY).set_index("forwarding_id")
    assert found.loc[letters[0], "evidence"] == "BA rapat 3 Des"
    assert found.loc[letters[1], "result"] == "belum"
    assert found.loc[letters[1], "recommendation"] == "Surat pengingat"


def test_an_invalid_row_in_the_results_table_refuses_the_whole_save_naming_it(db, direct, letters):
    at = _open(Role.ANALIS, direct, "execution")
    at.session_state[f"results_{direct}_{rev(db, direct)}"] = {
        "edited_rows": {
            0: {"result": "ditindaklanjuti"},
            1: {"result": "belum", "evidence": "Foto\u202e"},  # an invisible direction control
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.button(key="results_save").click().run()
    assert any("pada baris 2" in m for m in _messages(at)), _messages(at)
    assert mq.letters(db.cursor(), direct, TODAY)["result"].isna().all()
