"""Issue 14 points 6-7: the time standards the SOP does not give are the unit's own
settings (office hours, the Deputi's minutes, the reply deadline in the letter to an
agency), marked so in the checklists; the SOP's Dasar Hukum is an editable list the
Surat Perintah, the substance report and the periodic report cite."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest

from dumas import config, i18n
from dumas.db import Database
from dumas.domain import deadlines, plan_flow, sop
from dumas.domain.deadlines import Standard
from dumas.domain.errors import ValidationError
from dumas.domain.permissions import Role
from dumas.domain.plan_flow import PlanAction, PlanState
from dumas.queries import plan_history, settings
from dumas.render.documents import (
    assignment_letter,
    letter_to_agency,
    periodic_report_docx,
    substance_report,
)
from dumas.render.documents.common import in_words
from dumas.services import settings as service
from tests.conftest import ADMIN, open_page, username
from tests.monitoring_support import approved, people_of
from tests.test_documents import ON, monitoring, open_docx
from tests.test_documents import settings as document_settings
from tests.test_plans import Team, _load, do, draft, to_asdep

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=config.TIMEZONE)  # Friday, a working day
DEPUTI_STEP = next(step for step in plan_flow.STEPS if step.key == "3d")
EDITED_BASIS = "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik\n\nKeputusan Uji 1/2026"


@pytest.fixture
def asdep_plan(db: Database, make, kemendagri: int) -> tuple[Team, int]:
    """The personas, and a plan with one Asdep-led row (step 3 needs the Deputi)."""
    roles = (Role.ANALIS, Role.KASUBBID, Role.KABID, Role.ASDEP, Role.DEPUTI)
    crew = Team(*(_load(db, username(role)) for role in roles))
    letter = make.forward(make.complaint(province_code="31"), kemendagri, dt.date(2026, 3, 2))
    return crew, draft(db, crew, {"kemendagri_31": letter}, levels=("asdep",))


def _save(db: Database, **values: str) -> None:
    seen = {key: settings.stored(db.cursor())[key] for key in values}
    service.save_settings(db, ADMIN, values, NOW, seen=seen)


def _refusal(db: Database, **values: str) -> str:
    with pytest.raises(ValidationError) as refused:
        _save(db, **values)
    message = refused.value.messages[0]
    return i18n.t(message.key, "id", **message.params)


def _stored(db: Database) -> dict[str, str]:
    return dict(db.cursor().execute("SELECT key, value FROM setting").fetchall())


# The settings: saved, read back, refused with a clear message


def test_the_defaults_are_todays_behaviour_and_the_sops_legal_basis(db):
    cur = db.cursor()
    values = settings.stored(cur)
    assert (values["office_opens"], values["office_closes"]) == ("08.00", "16.00")
    assert (values["deputi_minutes"], values["agency_reply_days"]) == ("20", "14")
    assert deadlines.office_hours(cur) == (dt.time(8), dt.time(16))
    shaped = settings.for_documents(cur)
    assert shaped["reply_days"] == 14
    assert shaped["legal_basis"] == list(sop.LEGAL_BASIS)
    assert shaped["legal_basis"][0] == "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"
    assert "PER/05/M.PAN/4/2009" in shaped["legal_basis"][1]
    assert "Nomor 2 Tahun 2011 tentang Organisasi dan Tata Kerja" in shaped["legal_basis"][2]
    assert "Nomor 21 Tahun 2011" in shaped["legal_basis"][3]
    assert shaped["legal_basis"][4] == sop.TITLE


def test_the_unit_standards_are_saved_normalised_and_read_back(db):
    _save(db, office_opens="7:30", office_closes="15.30", deputi_minutes="045",
          agency_reply_days="10", legal_basis=EDITED_BASIS)  # fmt: skip
    assert _stored(db) == {
        "office_opens": "07.30", "office_closes": "15.30", "deputi_minutes": "45",
        "agency_reply_days": "10", "legal_basis": EDITED_BASIS,
    }  # fmt: skip
    cur = db.cursor()
    assert deadlines.office_hours(cur) == (dt.time(7, 30), dt.time(15, 30))
    assert deadlines.effective(cur, DEPUTI_STEP.standard).minutes == 45
    shaped = settings.for_documents(cur)
    assert shaped["reply_days"] == 10
    assert shaped["legal_basis"] == [  # blank lines dropped
        "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
        "Keputusan Uji 1/2026",
    ]


def test_office_hours_closing_before_opening_are_refused_and_nothing_is_stored(db):
    text = _refusal(db, office_opens="16.00", office_closes="08.00")
    assert text == "jam kerja selesai (08.00) harus sesudah jam kerja mulai (16.00)."
    # against the stored opening too, when only the closing is changed
    assert _refusal(db, office_closes="07.00").startswith("jam kerja selesai (07.00)")
    assert _stored(db) == {}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"deputi_minutes": "dua puluh"}, "waktu Deputi diisi bilangan bulat menit, 1 sampai 480."),
        ({"deputi_minutes": "0"}, "waktu Deputi diisi bilangan bulat menit, 1 sampai 480."),
        ({"agency_reply_days": "14,5"},
         "batas tanggapan instansi diisi bilangan bulat hari kerja, 1 sampai 60."),
        ({"office_opens": "8 pagi"}, "jam kerja ditulis JJ.MM, misalnya 08.00 (bukan “8 pagi”)."),
        ({"office_closes": "24.00"}, "jam kerja ditulis JJ.MM, misalnya 08.00 (bukan “24.00”)."),
    ],
)  # fmt: skip
def test_an_invalid_standard_is_refused_with_a_clear_indonesian_message(db, values, expected):
    assert _refusal(db, **values) == expected
    assert _stored(db) == {}


# Deadlines read the settings


def at(hour: int, minute: int = 0, day: int = 27) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=config.TIMEZONE)


def test_a_minutes_deadline_counts_the_office_hours_set(db):
    cur = db.cursor()
    twenty = Standard(minutes=20)
    assert deadlines.due_at(cur, at(7), twenty) == at(8, 20)  # default: opens 08.00
    assert deadlines.due_at(cur, at(16, 30), twenty) == at(8, 20, day=30)  # closed: Monday
    _save(db, office_opens="09.30", office_closes="17.00")
    assert deadlines.due_at(cur, at(7), twenty) == at(9, 50)
    assert deadlines.due_at(cur, at(16, 30), twenty) == at(16, 50)  # still open at 16.30
    assert deadlines.due_at(cur, at(17, 0), twenty) == at(9, 50, day=30)


def test_the_deputis_standard_is_the_units_own_and_follows_its_setting(db):
    cur = db.cursor()
    asdep_step = next(step for step in plan_flow.STEPS if step.key == "3")
    assert not asdep_step.standard.own  # the SOP's 20 minutes for the Asdep
    assert DEPUTI_STEP.standard.own
    assert deadlines.due_at(cur, at(9), DEPUTI_STEP.standard) == at(9, 20)
    _save(db, deputi_minutes="90")
    assert deadlines.due_at(cur, at(9), DEPUTI_STEP.standard) == at(10, 30)
    assert deadlines.due_at(cur, at(9), asdep_step.standard) == at(9, 20)  # unchanged


def test_the_plan_checklist_marks_the_deputis_standard_with_the_value_in_force(db, asdep_plan):
    team, plan_id = asdep_plan
    to_asdep(db, team, plan_id)
    assert do(db, team.asdep, plan_id, PlanAction.APPROVE) is PlanState.AWAITING_DEPUTI
    _save(db, deputi_minutes="45")
    runs = plan_history.checklist(db.cursor(), plan_id, at(9, 30))
    deputi = next(r for r in runs if r.step.key == "3d")
    assert (deputi.standard.minutes, deputi.standard.own) == (45, True)
    assert deputi.due == at(9, 45) and deputi.late is None
    assert [r.standard.own for r in runs if r.step.key != "3d"] == [False, False, False]


# The documents


def test_the_letter_to_an_agency_asks_for_a_reply_within_the_days_set():
    doc = open_docx(letter_to_agency(_doc_settings(reply_days=10), monitoring(), ON))
    assert any("paling lambat 10 (sepuluh) hari kerja sejak" in p.text for p in doc.paragraphs)
    assert [in_words(n) for n in (1, 11, 14, 20, 21, 45, 60)] == [
        "satu", "sebelas", "empat belas", "dua puluh", "dua puluh satu", "empat puluh lima",
        "enam puluh",
    ]  # fmt: skip


def _doc_settings(**overrides: object) -> dict:
    return document_settings(**overrides)


def _dasar(doc) -> list[tuple[str, str]]:
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Dasar")
    return [(row.cells[2].text, row.cells[3].text) for row in table.rows]


def test_the_surat_perintah_cites_the_legal_basis_from_the_settings(db):
    shaped = settings.for_documents(db.cursor())
    grounds = _dasar(open_docx(assignment_letter(shaped, monitoring(), ON)))
    assert [marker for marker, _ in grounds] == ["1.", "2.", "3.", "4.", "5.", "6."]
    assert [text for _, text in grounds[:5]] == [f"{item};" for item in sop.LEGAL_BASIS]
    assert grounds[5][1].endswith("yang disetujui pada tanggal 4 Mei 2026.")
    _save(db, legal_basis=EDITED_BASIS)
    edited = _dasar(open_docx(assignment_letter(settings.for_documents(db.cursor()),
                                                monitoring(), ON)))  # fmt: skip
    assert [text for _, text in edited[:2]] == [
        "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;",
        "Keputusan Uji 1/2026;",
    ]
    assert [marker for marker, _ in edited] == ["1.", "2.", "3."]


def test_the_substance_reports_dasar_lists_the_legal_basis_then_the_surat_perintah():
    shaped = _doc_settings(legal_basis=["Keputusan Uji 1/2026"])
    texts = [p.text for p in open_docx(substance_report(shaped, monitoring(), ON)).paragraphs]
    assert "a.\tKeputusan Uji 1/2026;" in texts
    assert any(t.startswith("b.\tSurat Perintah Nomor") for t in texts)


def _report() -> dict:
    return {"title": "Laporan November 2026", "unit": "Asdep Dumas", "period_label": "November",
            "final": False, "narrative": {}, "tables": []}  # fmt: skip


def test_the_periodic_reports_introduction_lists_the_legal_basis(db):
    shaped = settings.for_documents(db.cursor())
    built = periodic_report_docx(_report(), shaped)
    texts = [p.text for p in docx.Document(io.BytesIO(built)).paragraphs]
    start = texts.index("Laporan ini disusun berdasarkan:")
    assert texts[start - 1] == "Dasar"
    assert texts[start + 1 : start + 6] == [
        f"{i}.\t{item}{'.' if i == 5 else ';'}" for i, item in enumerate(sop.LEGAL_BASIS, 1)
    ]
    assert texts.index("I. Pokok Permasalahan") > start
    _save(db, legal_basis="Keputusan Uji 1/2026")
    edited = periodic_report_docx(_report(), settings.for_documents(db.cursor()), "en")
    texts = [p.text for p in docx.Document(io.BytesIO(edited)).paragraphs]
    start = texts.index("This report is prepared on the basis of:")
    assert texts[start + 1] == "1.\tKeputusan Uji 1/2026."


# The pages


@pytest.mark.usefixtures("app_env")
def test_the_settings_page_shows_the_unit_standards_and_the_legal_basis_and_saves_them(db_path):
    at = open_page(Role.ADMIN, "pages/settings.py")
    assert not at.exception
    headers = [h.value for h in at.subheader]
    assert "Standar waktu unit (bukan SOP)" in headers and "Dasar hukum" in headers
    assert at.text_input(key="setting_office_opens").value == "08.00"
    assert at.text_input(key="setting_deputi_minutes").value == "20"
    assert at.text_input(key="setting_agency_reply_days").value == "14"
    assert at.text_area(key="setting_legal_basis").value == "\n".join(sop.LEGAL_BASIS)
    at.text_input(key="setting_office_closes").input("07.00")
    at.button(key="settings_save").click().run()
    assert [e.value.replace("\\", "") for e in at.error] == [  # markdown escapes removed
        "Pengaturan: jam kerja selesai (07.00) harus sesudah jam kerja mulai (08.00)."
    ]
    at.text_input(key="setting_office_closes").input("17.00")
    at.text_area(key="setting_legal_basis").input("Keputusan Uji 1/2026")
    at.button(key="settings_save").click().run()
    assert not at.exception and not at.error
    assert [s.value for s in at.success] == ["Pengaturan disimpan (2 isian diubah)."]
    assert at.text_input(key="setting_office_closes").value == "17.00"
    assert at.text_area(key="setting_legal_basis").value == "Keputusan Uji 1/2026"


@pytest.mark.usefixtures("app_env")
def test_the_plan_pages_checklist_marks_the_unit_standard_with_its_legend(asdep_plan):
    _, plan_id = asdep_plan
    at = open_page(Role.ASDEP, "pages/plans.py", plan=plan_id)
    at.segmented_control(key="plan_view").set_value("history").run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["Waktu baku"])[-2:] == ["20 menit", "20 menit *"]
    captions = [c.value.replace("\\", "") for c in at.caption]  # markdown escapes removed
    assert any("menit dihitung pada jam kerja 08.00–16.00" in c for c in captions)
    assert any(c.startswith("* Standar unit, bukan SOP") for c in captions)


@pytest.mark.usefixtures("app_env")
def test_an_indirect_monitorings_checklist_names_the_reply_deadline_as_the_units_own(
    db, make, kemendagri
):
    letter = make.forward(make.complaint(province_code="31"), kemendagri, dt.date(2026, 3, 2))
    mid = approved(db, people_of(db), [letter], direct=False, now=NOW)
    _save(db, agency_reply_days="10")
    at = open_page(Role.ASDEP, "pages/monitorings.py", id=mid)
    assert not at.exception
    captions = [c.value.replace("\\", "") for c in at.caption]  # markdown escapes removed
    legend = "Surat kepada instansi (langkah 6) meminta tanggapan paling lambat 10 hari kerja *. "
    assert any(c.startswith(f"{legend}* Standar unit, bukan SOP") for c in captions)
