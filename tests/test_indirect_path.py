"""The indirect path of SOP 305/2012 (issue 14.5), by personas on a real DuckDB.

Step 4 of every indirect monitoring prepares the files to clarify: it cannot move on
until the signed list of files is recorded. Step 6 has two ways, the electronic contact
(date, channel, person contacted) and the Asdep's official letter (number, date): one
or both are recorded, and it cannot move on without one. "Klarifikasi berkas" is no
longer a method a plan row is given; a row stored with it still loads, is approved and
runs as an indirect monitoring. The page (AppTest) shows steps 4 and 6 the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import io

import docx
import pytest

from dumas import config, i18n
from dumas.db import Database
from dumas.domain import monitoring_flow as flow
from dumas.domain.codes import Method
from dumas.domain.errors import Conflict, DomainError, ValidationError
from dumas.domain.monitoring_flow import MonitoringAction, MonitoringState
from dumas.domain.permissions import Forbidden, Role, User
from dumas.domain.plan_flow import PlanAction
from dumas.importer import import_file
from dumas.queries import monitoring as mq
from dumas.queries import plans as pq
from dumas.queries.settings import for_documents
from dumas.render.documents import BUILDERS, DOTS
from dumas.services import monitoring as ms
from dumas.services import monitoring_records as rec
from dumas.services import plans
from dumas.services.agencies import complete_agency
from tests import monitoring_support as support
from tests.conftest import ADMIN, ANALYST, TODAY, Factory, open_page, prebuilt
from tests.importing import row, xlsx
from tests.monitoring_support import People, people_of

START = dt.datetime.combine(TODAY, dt.time(9), config.TIMEZONE) - dt.timedelta(days=3)
PAGE = "pages/monitorings.py"
CONTACT = {"kind": "kontak_elektronik", "activity_date": TODAY, "channel": "Telepon",
           "participants": "Sekretaris Itjen", "summary": "Surat sedang diproses"}  # fmt: skip


@pytest.fixture
def people(db: Database) -> People:
    return people_of(db)


def _letters(db: Database) -> list[int]:
    """Two unanswered letters to Kemendagri (locus DKI Jakarta)."""
    make = Factory(db)
    kemendagri = make.agency("Kementerian Dalam Negeri")
    first, second = make.complaint(province_code="31"), make.complaint(province_code="31")
    return [
        make.forward(first, kemendagri, dt.date(2026, 3, 2)),
        make.forward(second, kemendagri, dt.date(2026, 4, 6)),
    ]


letters_prebuilt = prebuilt("indirect-path-letters", _letters)


@pytest.fixture
def letters(letters_prebuilt, db_path) -> list[int]:
    """The two letters of _letters: the test's database is a copy of that world."""
    return letters_prebuilt[1]


def rev(db: Database, mid: int) -> int:
    return mq.detail(db.cursor(), mid)["revision"]


def move(db: Database, who: User, mid: int, action: MonitoringAction) -> MonitoringState:
    return ms.act(db, who, mid, revision=rev(db, mid), action=action, note=None, now=START)


def document(db: Database, who: User, mid: int, kind: str, number: str) -> None:
    record = rec.DocumentRecord(kind, number, TODAY)
    rec.record_document(db, who, mid, revision=rev(db, mid), document=record, today=TODAY,
                        now=START)  # fmt: skip


def refusal(call) -> str:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value.messages[0].key


def _scoped(db: Database, p: People, mid: int) -> None:
    rec.save_scope(db, p.analyst, mid, revision=rev(db, mid), now=START,
                   values={"purpose": "Meminta informasi tindak lanjut"})  # fmt: skip


def _in_execution(db: Database, p: People, mid: int, letters: list[int]) -> None:
    """Steps 4 and 5 done, and a result for every letter: only the way of step 6 lacks."""
    _scoped(db, p, mid)
    document(db, p.analyst, mid, "daftar_berkas", "40/D-4/DM.00.00/11/2026")
    move(db, p.analyst, mid, MonitoringAction.PREPARED)
    rec.save_coordination(db, p.analyst, mid, revision=rev(db, mid), today=TODAY, now=START,
                          values={"material_sent_on": TODAY, "contact_name": "Budi"})  # fmt: skip
    move(db, p.analyst, mid, MonitoringAction.COORDINATED)
    for forwarding_id in letters:
        rec.record_result(db, p.analyst, mid, forwarding_id=forwarding_id,
                          found=rec.ResultInput("sebagian", None, None), today=TODAY,
                          now=START)  # fmt: skip


def _indirect(db: Database, *, executing: bool) -> int:
    """The letters of _letters in an Asdep-led official letter approved at START (so the
    Deputi approved it too): an indirect monitoring in step 4 or, executing, in step 6 with
    a result for every letter (_in_execution)."""
    p, letters = people_of(db), _letters(db)
    mid = support.approved(db, p, letters, direct=False, now=START)
    if executing:
        _in_execution(db, p, mid, letters)
    return mid


indirect_prebuilt = prebuilt("indirect-path-step-4", functools.partial(_indirect, executing=False))
executing_prebuilt = prebuilt("indirect-path-step-6", functools.partial(_indirect, executing=True))


@pytest.fixture
def indirect(indirect_prebuilt, db_path) -> int:
    """The indirect monitoring of _indirect in step 4: the test's database is a copy of it."""
    return indirect_prebuilt[1]


@pytest.fixture
def executing(executing_prebuilt, db_path) -> int:
    """The indirect monitoring of _indirect in step 6, only the way of step 6 lacking: the
    test's database is a copy of it."""
    return executing_prebuilt[1]


def _ways(db: Database, mid: int) -> tuple[str, ...]:
    records = mq.records(db.cursor(), mid)
    contacts = (records["activities"]["kind"] == flow.INDIRECT_CONTACT).sum()
    letter = (records["documents"]["kind"] == flow.INDIRECT_LETTER).sum()
    return flow.indirect_ways(int(contacts), int(letter))


# Step 4: the files list


def test_an_indirect_monitoring_cannot_leave_step_4_without_its_files_list(db, people, indirect):
    p = people
    mid = indirect
    _scoped(db, p, mid)
    refused = refusal(lambda: move(db, p.analyst, mid, MonitoringAction.PREPARED))
    assert refused == "error.guard_documents_ready_indirect"
    assert mq.detail(db.cursor(), mid)["state"] == "preparation"
    document(db, p.analyst, mid, "daftar_berkas", "40/D-4/DM.00.00/11/2026")
    assert move(db, p.asdep, mid, MonitoringAction.PREPARED) is MonitoringState.COORDINATION


def test_the_files_list_without_the_purpose_is_not_yet_step_4_done(db, people, indirect):
    p = people
    mid = indirect
    document(db, p.analyst, mid, "daftar_berkas", "40/D-4/DM.00.00/11/2026")
    refused = refusal(lambda: move(db, p.analyst, mid, MonitoringAction.PREPARED))
    assert refused == "error.guard_documents_ready_indirect"


def test_the_files_list_and_the_official_letter_are_not_a_field_visits(db, people, letters):
    p = people
    mid = support.approved(db, p, letters, direct=True, now=START)
    for kind in ("daftar_berkas", "surat_instansi"):
        with pytest.raises(Conflict) as refused:
            document(db, p.analyst, mid, kind, "B-1/Uji")
        assert refused.value.messages[0].key == "error.document_indirect_only"
    assert mq.records(db.cursor(), mid)["documents"].empty


# Step 6: electronic contact, official letter, or both


@pytest.mark.parametrize("used", [("contact",), ("letter",), ("contact", "letter")])
def test_step_6_of_an_indirect_monitoring_records_a_contact_a_letter_or_both(
    db, people, executing, used
):
    p = people
    mid = executing
    refused = refusal(lambda: move(db, p.analyst, mid, MonitoringAction.EXECUTED))
    assert refused == "error.guard_results_complete_indirect"
    if "contact" in used:
        rec.add_activity(db, p.analyst, mid, values=CONTACT, today=TODAY, now=START)
    if "letter" in used:
        document(db, p.asdep, mid, "surat_instansi", "B-77/Kemensetneg/D-4/DM.00.00/11/2026")
    assert _ways(db, mid) == used
    assert move(db, p.analyst, mid, MonitoringAction.EXECUTED) is MonitoringState.REPORTING
    records = mq.records(db.cursor(), mid)
    if "contact" in used:
        logged = records["activities"].iloc[0]
        assert (logged["activity_date"].date(), logged["channel"], logged["participants"]) == (
            TODAY, "Telepon", "Sekretaris Itjen",
        )  # fmt: skip
    if "letter" in used:
        letter = records["documents"].set_index("kind").loc["surat_instansi"]
        assert letter["letter_no"] == "B-77/Kemensetneg/D-4/DM.00.00/11/2026"


@pytest.mark.parametrize(
    ("entry", "key", "field"),
    [
        ({"kind": "rapat_koordinasi"}, "error.activity_kind_indirect", "activity_kind"),
        ({"channel": None}, "error.required", "channel"),
        ({"participants": "  "}, "error.required", "contacted"),
    ],
)
def test_an_indirect_monitoring_logs_only_contacts_each_with_its_channel_and_person(
    db, people, executing, entry, key, field
):
    p = people
    mid = executing
    with pytest.raises(ValidationError) as refused:
        rec.add_activity(db, p.analyst, mid, values={**CONTACT, **entry}, today=TODAY, now=START)
    assert (refused.value.messages[0].key, refused.value.messages[0].field) == (key, field)
    assert mq.records(db.cursor(), mid)["activities"].empty
    with pytest.raises(Forbidden):
        move(db, p.analyst, mid, MonitoringAction.EXECUTED)


def test_a_field_visit_still_logs_every_kind_of_activity(db, people, letters):
    p = people
    mid = support.approved(db, p, letters, direct=True, now=START)
    for kind in flow.activity_kinds(True):
        entry = {**CONTACT, "kind": kind}
        rec.add_activity(db, p.analyst, mid, values=entry, today=TODAY, now=START)
    assert len(mq.records(db.cursor(), mid)["activities"]) == len(flow.activity_kinds(True))


# The method: no longer "klarifikasi berkas" for a new row; a stored one still runs


def _plan(db: Database, p: People, letters: list[int]) -> tuple[int, int]:
    plan_id = plans.create_plan(db, p.analyst, title="Uji", period="2026-11",
                                source="database", bidang="Bidang Uji", now=START)  # fmt: skip
    plans.add_letters(db, p.analyst, plan_id, revision=1, forwarding_ids=letters, now=START)
    return plan_id, int(pq.matrix(db.cursor(), plan_id, TODAY)["row_id"][0])


def _save(db: Database, p: People, plan_id: int, **change: object) -> None:
    values = {"updated": {}, "added": [], "deleted": [], **change}
    plans.save_rows(db, p.analyst, plan_id, revision=pq.plan(db.cursor(), plan_id)["revision"],
                    now=START, **values)  # fmt: skip


def test_the_methods_offered_are_the_field_visit_and_the_two_indirect_ways():
    assert Method.offered() == [Method.KUNJUNGAN_LAPANGAN, Method.KONTAK_ELEKTRONIK,
                                Method.SURAT_RESMI]  # fmt: skip
    assert not flow.is_direct(Method.KLARIFIKASI_BERKAS)  # a stored one runs as indirect


def test_a_plan_row_can_no_longer_be_given_the_retired_method(db, people, letters, bpn):
    p = people
    plan_id, row_id = _plan(db, p, letters)
    retired = {"method": "klarifikasi_berkas", "level": "kabid"}
    with pytest.raises(ValidationError) as refused:
        _save(db, p, plan_id, updated={row_id: retired})
    assert refused.value.messages[0].key == "error.row_method_retired"
    programme = {**retired, "agency_id": bpn, "origin_reason": "Program kerja"}
    with pytest.raises(ValidationError) as refused:
        _save(db, p, plan_id, added=[programme])
    assert refused.value.messages[0].key == "error.row_method_retired"
    assert pq.matrix(db.cursor(), plan_id, TODAY)["method"].isna().all()


def test_a_stored_row_with_the_retired_method_loads_is_approved_and_runs_indirect(
    db, people, letters
):
    p = people
    plan_id, row_id = _plan(db, p, letters)
    _save(
        db,
        p,
        plan_id,
        updated={
            row_id: {
                "method": "surat_resmi",
                "level": "kabid",
                "team_lead": p.kabid.id,
                "team": [p.analyst.id],
            }
        },
    )
    # A row stored before issue 14 (the CHECK still allows the old value).
    db.cursor().execute("UPDATE plan_row SET method = 'klarifikasi_berkas' WHERE id = $id",
                        {"id": row_id})  # fmt: skip
    _save(db, p, plan_id, updated={row_id: {"priority": "sedang"}})  # other fields still edit
    assert pq.matrix(db.cursor(), plan_id, TODAY)["method"].tolist() == ["klarifikasi_berkas"]
    for who, action in ((p.analyst, PlanAction.SUBMIT), (p.kasubbid, PlanAction.FORWARD),
                        (p.kabid, PlanAction.PROPOSE), (p.asdep, PlanAction.APPROVE)):  # fmt: skip
        plans.act(db, who, plan_id, revision=pq.plan(db.cursor(), plan_id)["revision"],
                  action=action, note="ok", now=START)  # fmt: skip
    mid = int(pq.monitorings(db.cursor(), plan_id)["id"][0])
    assert mq.detail(db.cursor(), mid)["method"] == "klarifikasi_berkas"
    _in_execution(db, p, mid, letters)  # the indirect step 4: its files list
    rec.add_activity(db, p.analyst, mid, values=CONTACT, today=TODAY, now=START)
    assert move(db, p.analyst, mid, MonitoringAction.EXECUTED) is MonitoringState.REPORTING


# The page: steps 4 and 6 of an indirect monitoring


def _key(form: str, db: Database, mid: int, name: str) -> str:
    return f"{form}_{mid}_{rev(db, mid)}_{name}"


def _captions(at) -> list[str]:
    return [c.value for c in at.caption]


@pytest.mark.usefixtures("app_env")
def test_the_page_shows_the_files_list_as_step_4_of_an_indirect_monitoring(db, people, indirect):
    p = people
    mid = indirect
    _scoped(db, p, mid)
    at = open_page(Role.ANALIS, PAGE, id=mid)  # in step 4: its view
    assert not at.exception, at.exception
    assert any(c.startswith("Langkah 4 pemantauan tidak langsung") for c in _captions(at))
    assert [b.key for b in at.get("download_button")] == ["docx_daftar_berkas"]
    blocked = [c for c in _captions(at) if c.startswith("Persiapan selesai")]
    assert blocked and "daftar berkas" in blocked[0]
    assert "mact_prepared" not in {b.key for b in at.button}
    form = "doc_daftar_berkas"
    at.text_input(key=_key(form, db, mid, "letter_no")).input("40/D-4/DM.00.00/11/2026")
    at.date_input(key=_key(form, db, mid, "signed_on")).set_value(TODAY)
    at.button(key=f"{form}_save").click().run()
    assert not at.error, [e.value for e in at.error]
    at.button(key="mact_prepared").click().run()
    assert mq.detail(db.cursor(), mid)["state"] == "coordination"


@pytest.mark.usefixtures("app_env")
def test_the_page_records_a_contact_and_the_letter_as_step_6_of_an_indirect_monitoring(
    db, executing
):
    mid = executing
    at = open_page(Role.ANALIS, PAGE, id=mid)  # in step 6: its view
    assert not at.exception, at.exception
    assert "Belum ada cara yang tercatat" in " ".join(_captions(at))
    assert any("kontak elektronik (tanggal, saluran" in c for c in _captions(at))  # blocked
    keys = {b.key for b in at.button}
    assert {"contact_save", "doc_surat_instansi_save"} <= keys
    assert "activity_save" not in keys and "mact_executed" not in keys
    at.date_input(key=_key("contact", db, mid, "activity_date")).set_value(TODAY)
    at.text_input(key=_key("contact", db, mid, "channel")).input("WhatsApp")
    at.text_input(key=_key("contact", db, mid, "contacted")).input("Kabag TU Itjen")
    at.button(key="contact_save").click().run()
    assert not at.error, [e.value for e in at.error]
    assert "Cara yang sudah dipakai: kontak elektronik." in _captions(at)
    logged = mq.records(db.cursor(), mid)["activities"].iloc[0]
    assert (logged["kind"], logged["channel"], logged["participants"]) == (
        "kontak_elektronik", "WhatsApp", "Kabag TU Itjen",
    )  # fmt: skip
    form = "doc_surat_instansi"
    at.text_input(key=_key(form, db, mid, "letter_no")).input("B-77/Kemensetneg/D-4/11/2026")
    at.date_input(key=_key(form, db, mid, "signed_on")).set_value(TODAY)
    at.button(key=f"{form}_save").click().run()
    assert not at.error, [e.value for e in at.error]
    assert "Cara yang sudah dipakai: kontak elektronik dan surat resmi." in _captions(at)
    at.button(key="mact_executed").click().run()
    assert mq.detail(db.cursor(), mid)["state"] == "reporting"


@pytest.mark.usefixtures("app_env")
def test_the_plan_page_draws_a_stored_row_of_the_retired_method(db, people, letters):
    p = people
    plan_id, row_id = _plan(db, p, letters)
    db.cursor().execute("UPDATE plan_row SET method = 'klarifikasi_berkas' WHERE id = $id",
                        {"id": row_id})  # fmt: skip
    at = open_page(Role.ANALIS, "pages/plans.py", plan=str(plan_id), plan_view="matrix")
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]


@pytest.mark.usefixtures("app_env")
def test_an_activity_logged_on_an_indirect_monitoring_before_the_change_still_shows(db, indirect):
    mid = indirect
    db.cursor().execute(
        "INSERT INTO monitoring_activity (id, monitoring_id, kind, activity_date, place)"
        " VALUES (1, $m, 'diskusi', $d, 'Ruang rapat Itjen')",
        {"m": mid, "d": TODAY},
    )
    at = open_page(Role.KABID, PAGE, id=mid)
    at.segmented_control(key="monitoring_view").set_value("execution").run()
    assert not at.exception, at.exception
    places = [d.value["Tempat"].tolist() for d in at.dataframe if "Tempat" in d.value]
    assert places == [["Ruang rapat Itjen"]]


# What the documents of an indirect monitoring say (issue 15)


def _texts(db: Database, mid: int, kind: str) -> list[str]:
    """The draft of `kind` as the page builds it from the database, one text per paragraph."""
    cur = db.cursor()
    data = BUILDERS[kind](for_documents(cur), mq.document_data(cur, mid, TODAY), TODAY)
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def _addressee(texts: list[str]) -> list[str]:
    at = next(i for i, x in enumerate(texts) if x.startswith("Yth. "))
    return texts[at : at + 3]


def test_the_letter_to_the_agency_is_addressed_as_the_agency_list_holds_it(db, indirect):
    mid = indirect
    found = mq.document_data(db.cursor(), mid, TODAY)
    assert (found.agency_head, found.agency_city) == ("Menteri Dalam Negeri", "Jakarta")
    assert _addressee(_texts(db, mid, "surat_instansi")) == [
        "Yth. Menteri Dalam Negeri", "Kementerian Dalam Negeri", "di Jakarta",
    ]  # fmt: skip


def test_the_report_of_an_indirect_monitoring_rests_on_its_approval_and_letter_not_an_order(
    db, people, letters
):
    p = people
    mid = support.approved(db, p, letters, direct=False, now=START)  # Asdep-led: the Deputi
    approved_on = i18n.fmt_date(START.date(), "id")
    approval = (
        "Persetujuan Deputi Bidang Hubungan Kelembagaan dan Kemasyarakatan atas pelaksanaan "
        f"pemantauan dalam Uji periode Desember 2026 pada tanggal {approved_on}"
    )
    before = _texts(db, mid, "laporan_substansi")
    assert any(x.endswith(f"{approval}.") for x in before)  # no letter sent yet: the last item
    _in_execution(db, p, mid, letters)
    document(db, p.asdep, mid, "surat_instansi", "B-77/Kemensetneg/D-4/DM.00.00/11/2026")
    texts = _texts(db, mid, "laporan_substansi")
    assert any(x.endswith(f"{approval};") for x in texts)
    sent = (
        "Surat Asisten Deputi Pengaduan Masyarakat kepada Kementerian Dalam Negeri Nomor "
        f"B-77/Kemensetneg/D-4/DM.00.00/11/2026 tanggal {i18n.fmt_date(TODAY, 'id')}."
    )
    assert any(x.endswith(sent) for x in texts)
    assert not [x for x in texts if "Surat Perintah" in x]


def _imported_letters(db: Database, name: str) -> list[int]:
    """Two letters to an agency an import created (so without head title or city)."""
    rows = [row(agency=name), row(agenda_no="IMP-0002", letter_no="B-2/2026", agency=name)]
    import_file(db, ANALYST, xlsx(rows), "rekap.xlsx", today=TODAY)
    found = db.cursor().execute(
        "SELECT f.id FROM forwarding AS f JOIN agency AS a ON a.id = f.agency_id"
        " WHERE a.name = $n ORDER BY f.id",
        {"n": name},
    )
    return [r[0] for r in found.fetchall()]


@pytest.mark.usefixtures("app_env")
def test_an_agency_an_import_left_unaddressed_is_prompted_until_an_administrator_completes_it(
    db, people
):
    name = "Dinas Perumahan Kabupaten Manokwari"
    p = people
    letters = _imported_letters(db, name)
    mid = support.approved(db, p, letters, direct=False, now=START)
    _in_execution(db, p, mid, letters)
    at = open_page(Role.ANALIS, PAGE, id=mid)  # in step 6: the letter is offered
    assert not at.exception, at.exception
    [prompt] = [w.value for w in at.warning if name in w.value]
    assert "Jabatan pimpinan instansi, Kota instansi belum diisi" in prompt
    assert "Impor dan Ekspor Data, tab Gabungkan instansi" in prompt
    assert "docx_surat_instansi" in [b.key for b in at.get("download_button")]  # still offered
    assert _addressee(_texts(db, mid, "surat_instansi")) == [f"Yth. {DOTS}", name, f"di {DOTS}"]

    agency_id = mq.detail(db.cursor(), mid)["agency_id"]
    complete_agency(db, ADMIN, agency_id=agency_id, city="Manokwari",
                    head_title="Kepala Dinas Perumahan Kabupaten Manokwari")  # fmt: skip
    at = open_page(Role.ANALIS, PAGE, id=mid)
    assert not [w for w in at.warning if name in w.value]
    assert _addressee(_texts(db, mid, "surat_instansi")) == [
        "Yth. Kepala Dinas Perumahan Kabupaten Manokwari", name, "di Manokwari",
    ]  # fmt: skip
