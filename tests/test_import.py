"""Importing spreadsheets into a real database: idempotent, all-or-nothing, audited."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest

from dumas import services
from dumas.db import connect, demo
from dumas.domain.errors import Conflict, Message, ValidationError
from dumas.domain.permissions import Forbidden
from dumas.importer import import_file, stage
from dumas.importer.files import export_xlsx, rejects_xlsx, template_xlsx
from dumas.importer.model import CANONICAL, ImportFileError
from dumas.queries.exchange import import_layout
from dumas.services.agencies import complete_agency
from tests.conftest import ADMIN, ANALYST, TODAY
from tests.importing import BPN, KEMENDAGRI, row, xlsx

TABLES = ("complaint", "forwarding", "reminder", "response", "agency", "letter_fact")


def _run(db, data: bytes, **mode):
    return import_file(db, ANALYST, data, "rekap.xlsx", today=TODAY, **mode)


def _snapshot(db) -> dict[str, list]:
    cur = db.cursor()
    return {
        t: sorted(cur.execute(f"SELECT * EXCLUDE (created_at) FROM {t}").fetchall(), key=str)
        if t in {"complaint", "forwarding", "reminder", "response"}
        else sorted(cur.execute(f"SELECT * FROM {t}").fetchall(), key=str)
        for t in TABLES
    }


def _counts(report) -> dict[str, tuple[int, int, int]]:
    return {k: (c.created, c.updated, c.unchanged) for k, c in report.counts.items()}


def test_export_then_import_reproduces_the_follow_up_data(db, empty_db_path):
    demo.generate(db, 300, today=TODAY)
    data = export_xlsx(import_layout(db.cursor()), title="Ekspor", generated="uji")
    target = connect(empty_db_path)
    report = _run(target, data)
    assert report.applied and not report.errors
    queries = {
        "complaint": "SELECT agenda_no, received_on, complainant_name, channel, province_code,"
        " regency, problem_code, category_code, summary FROM complaint",
        "forwarding": "SELECT c.agenda_no, a.name, f.letter_no, f.letter_date FROM forwarding f"
        " JOIN complaint c ON c.id = f.complaint_id JOIN agency a ON a.id = f.agency_id",
        "response": "SELECT c.agenda_no, a.name, r.letter_no, r.response_date, r.status,"
        " r.summary FROM response r JOIN complaint c ON c.id = r.complaint_id"
        " JOIN agency a ON a.id = r.agency_id",
        "figures": "SELECT agenda_no, letter_no, answered, days_to_respond, age_wd, last_status"
        " FROM letter_facts(DATE '2026-11-27')",
    }
    for name, sql in queries.items():
        assert sorted(db.cursor().execute(sql).fetchall(), key=str) == sorted(
            target.cursor().execute(sql).fetchall(), key=str
        ), name


def test_importing_the_same_file_twice_changes_nothing(db):
    data = xlsx([row(), row(agenda_no="IMP-0002", letter_no="B-2/D-4", agency=BPN)])
    first = _run(db, data)
    before = _snapshot(db)
    again = _run(db, data)
    assert _counts(first)["forwarding"] == (2, 0, 0)
    assert _counts(again) == {
        "complaint": (0, 0, 2),
        "forwarding": (0, 0, 2),
        "response": (0, 0, 0),
    }
    assert _snapshot(db) == before


def test_a_later_file_with_new_responses_adds_them_and_the_letter_is_answered(db):
    _run(db, xlsx([row()]))
    later = row(
        response_no="T-55/KDN/2026",
        response_date=dt.date(2026, 3, 20),
        response_status="Selesai",
        response_summary="Sudah diterbitkan",
    )
    report = _run(db, xlsx([later]))
    assert _counts(report)["response"] == (1, 0, 0)
    assert _counts(report)["forwarding"] == (0, 0, 1)
    answered = db.cursor().execute(
        "SELECT answered, days_to_respond FROM letter_facts($d)", {"d": TODAY}
    )
    assert answered.fetchall() == [(True, 9)]  # 18-20 March 2026: Nyepi and Idul Fitri leave


def test_a_changed_summary_updates_the_complaint_with_an_audit_row(db):
    _run(db, xlsx([row()]))
    report = _run(db, xlsx([row(summary="Layanan KTP tertunda tiga bulan")]))
    assert _counts(report)["complaint"] == (0, 1, 0)
    old, new = (
        db.cursor()
        .execute("SELECT old_value, new_value FROM audit_log WHERE action = 'complaint.update'")
        .fetchone()
    )
    assert json.loads(old)["summary"] == "Layanan KTP elektronik tertunda"
    assert json.loads(new)["summary"] == "Layanan KTP tertunda tiga bulan"


def test_an_empty_cell_keeps_what_is_stored(db):
    _run(db, xlsx([row()]))
    report = _run(db, xlsx([row(summary=None, complainant_name=None)]))
    assert _counts(report)["complaint"] == (0, 0, 1)
    stored = db.cursor().execute("SELECT summary, complainant_name FROM complaint").fetchone()
    assert stored == ("Layanan KTP elektronik tertunda", "Budi Santoso")


def test_an_invalid_row_stops_the_whole_import_by_default(db):
    before = _snapshot(db)
    data = xlsx([row(), row(agenda_no="IMP-0002", letter_no="B-2", letter_date="31/02/2026")])
    report = _run(db, data)
    assert report.blocked and not report.applied
    assert [(e.row, e.column, e.key) for e in report.errors] == [
        (5, "Tanggal Surat Penerusan", "import.error.bad_date")
    ]  # row 5 of the sheet: title, blank, header, first row
    assert _snapshot(db) == before


def test_skip_invalid_imports_the_valid_rows_and_the_rejects_can_be_fixed(db):
    bad = row(agenda_no="IMP-0002", letter_no="B-2", letter_date=dt.date(2027, 1, 4))
    report = _run(db, xlsx([row(), bad]), skip_invalid=True)
    assert report.applied and report.rejected_rows == [5]
    assert _counts(report)["forwarding"] == (1, 0, 0)
    rejects = rejects_xlsx(report.table, report.errors, "id", "Dibuat pada uji")
    sheet = openpyxl.load_workbook(io.BytesIO(rejects)).active
    header = [c.value for c in sheet[5]]
    assert header[:2] == ["Baris", "Alasan"]
    assert sheet.cell(6, 1).value == 5
    assert "melewati hari ini" in sheet.cell(6, 2).value
    sheet.cell(6, header.index("Tanggal Surat Penerusan") + 1).value = dt.datetime(2026, 3, 5)
    fixed = io.BytesIO()
    sheet.parent.save(fixed)
    again = _run(db, fixed.getvalue())
    assert not again.errors and _counts(again)["forwarding"] == (1, 0, 0)
    assert set(again.unknown_columns) == {"Baris", "Alasan"}


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(db):
    before = _snapshot(db)
    report = _run(db, xlsx([row(agency="Dinas Perumahan Kota Fiktif")]), dry_run=True)
    assert not report.applied
    assert _counts(report)["complaint"] == (1, 0, 0)
    assert report.new_agencies == ["Dinas Perumahan Kota Fiktif"]
    assert _snapshot(db) == before


def test_a_letter_number_of_another_complaint_is_refused(db, make, kemendagri):
    c = make.complaint(agenda_no="LAIN-1")
    services.record_forwarding(
        db, ANALYST, complaint_id=c, agency_id=kemendagri, letter_no="B-1/D-4/DM.04.00/03/2026",
        letter_date=dt.date(2026, 3, 4), today=TODAY,
    )  # fmt: skip
    report = _run(db, xlsx([row()]))
    assert [(e.key, e.params["agenda"]) for e in report.errors] == [
        ("import.error.letter_taken", "LAIN-1")
    ]
    assert not report.applied


def test_an_unknown_agency_is_created_and_can_be_merged_into_the_master_list(db):
    report = _run(db, xlsx([row(agency="Kemendagri RI (Ditjen Dukcapil)")]))
    assert report.new_agencies == ["Kemendagri RI (Ditjen Dukcapil)"]
    source = db.cursor().execute("SELECT id FROM agency WHERE from_import").fetchone()[0]
    target = db.cursor().execute("SELECT id FROM agency WHERE name = $n", {"n": KEMENDAGRI})
    target = target.fetchone()[0]
    moved = services.merge_agency(
        db, ADMIN, source_id=source, source_name="Kemendagri RI (Ditjen Dukcapil)", target_id=target
    )
    assert moved["forwarding"] == 1
    agency = db.cursor().execute("SELECT agency_id FROM letter_facts($d)", {"d": TODAY})
    assert agency.fetchone()[0] == target
    again = _run(db, xlsx([row(agency="Kemendagri RI (Ditjen Dukcapil)")]))
    assert again.new_agencies == [] and _counts(again)["forwarding"] == (0, 0, 1)


def _merger(db):
    """A second Administrator, merging on another screen."""
    from dumas.services import auth, users

    uid = users.create_user(db, ADMIN, username="admin.dua", full_name="Admin Kedua",
                            password="sandi-admin-kedua", roles=["admin"])  # fmt: skip
    return auth.load_user(db.cursor(), uid)


def _agency_id(db, name: str) -> int:
    return db.cursor().execute("SELECT id FROM agency WHERE name = $n", {"n": name}).fetchone()[0]


def _agency_state(db) -> dict[str, list]:
    cur = db.cursor()
    return {
        table: cur.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        for table in ("agency", "agency_alias", "forwarding", "response", "audit_log")
    }


def test_an_agency_merged_meanwhile_is_refused_with_who_when_and_where_it_went(db):
    name = "Kemendagri RI (Ditjen Dukcapil)"
    _run(db, xlsx([row(agency=name)]))
    listed = _agency_id(db, name)  # both administrators' screens list it
    other = _merger(db)
    services.merge_agency(db, other, source_id=listed, source_name=name,
                          target_id=_agency_id(db, KEMENDAGRI))  # fmt: skip
    at = db.cursor().execute("SELECT max(logged_at) FROM audit_log").fetchone()[0]
    before = _agency_state(db)
    with pytest.raises(Conflict) as refused:
        services.merge_agency(db, ADMIN, source_id=listed, source_name=name,
                              target_id=_agency_id(db, BPN))  # fmt: skip
    params = {"name": name, "target": KEMENDAGRI, "who": "Admin Kedua", "at": at}
    assert refused.value.messages == [Message("error.agency_merged", params)]
    assert _agency_state(db) == before


def test_a_newer_agency_given_a_merged_agencys_id_is_not_merged_under_the_old_name(db):
    first, second = "Dinas Contoh Lama", "Dinas Contoh Baru"
    _run(db, xlsx([row(agency=first)]))
    listed = _agency_id(db, first)  # the stale screen lists it
    services.merge_agency(db, _merger(db), source_id=listed, source_name=first,
                          target_id=_agency_id(db, KEMENDAGRI))  # fmt: skip
    _run(db, xlsx([row(agenda_no="IMP-0002", letter_no="B-2/2026", agency=second)]))
    assert _agency_id(db, second) == listed  # the id came free and was given again
    before = _agency_state(db)
    with pytest.raises(Conflict) as refused:
        services.merge_agency(db, ADMIN, source_id=listed, source_name=first,
                              target_id=_agency_id(db, BPN))  # fmt: skip
    assert refused.value.messages[0].key == "error.agency_merged"
    assert _agency_state(db) == before


def test_a_merge_from_a_fresh_screen_records_the_name_it_saw(db):
    name = "Dinas Contoh"
    _run(db, xlsx([row(agency=name)]))
    source, target = _agency_id(db, name), _agency_id(db, KEMENDAGRI)
    services.merge_agency(db, ADMIN, source_id=source, source_name=name, target_id=target)
    old, new = (
        db.cursor()
        .execute("SELECT old_value, new_value FROM audit_log WHERE action = 'agency.merge'")
        .fetchone()
    )
    assert json.loads(old) == {"id": source, "name": name, "from_import": True}
    assert (json.loads(new)["id"], json.loads(new)["forwarding"]) == (target, 1)


# How letters address an agency (issue 15): its head's title and its city


def _address(db, agency_id: int) -> tuple:
    return (
        db.cursor()
        .execute("SELECT head_title, city FROM agency WHERE id = $id", {"id": agency_id})
        .fetchone()
    )


def test_an_administrator_completes_an_imported_agencys_head_title_and_city_with_an_audit_row(
    db,
):
    name = "Dinas Perumahan Kabupaten Manokwari"
    _run(db, xlsx([row(agency=name)]))
    agency_id = _agency_id(db, name)
    assert _address(db, agency_id) == (None, None)  # an import knows neither
    complete_agency(
        db, ADMIN, agency_id=agency_id, head_title="  Kepala Dinas Perumahan  Kabupaten Manokwari",
        city="Manokwari", seen={"head_title": None, "city": None},
    )  # fmt: skip
    assert _address(db, agency_id) == ("Kepala Dinas Perumahan Kabupaten Manokwari", "Manokwari")
    actor, old, new = (
        db.cursor()
        .execute(
            "SELECT actor, old_value, new_value FROM audit_log WHERE action = 'agency.complete'"
        )
        .fetchone()
    )
    assert actor == ADMIN.username
    assert json.loads(old) == {"name": name, "head_title": None, "city": None, "email": None}
    head = "Kepala Dinas Perumahan Kabupaten Manokwari"
    assert json.loads(new) == {"name": name, "head_title": head, "city": "Manokwari", "email": None}


def test_an_analyst_may_not_complete_an_agencys_address_and_nothing_changes(db):
    agency_id = _agency_id(db, KEMENDAGRI)
    before = _agency_state(db)
    with pytest.raises(Forbidden):
        complete_agency(db, ANALYST, agency_id=agency_id, head_title="Menteri", city="Bogor")
    assert _agency_state(db) == before


def test_an_agency_address_needs_both_the_head_title_and_the_city(db):
    agency_id = _agency_id(db, KEMENDAGRI)
    with pytest.raises(ValidationError) as refused:
        complete_agency(db, ADMIN, agency_id=agency_id, head_title=" ", city=None)
    assert [(m.key, m.field) for m in refused.value.messages] == [
        ("error.required", "head_title"), ("error.required", "city"),
    ]  # fmt: skip
    assert _address(db, agency_id) == ("Menteri Dalam Negeri", "Jakarta")


def test_an_agency_address_changed_since_the_screen_showed_it_is_refused(db):
    agency_id = _agency_id(db, KEMENDAGRI)
    shown = {"head_title": "Menteri Dalam Negeri", "city": "Jakarta"}
    complete_agency(db, _merger(db), agency_id=agency_id, head_title="Menteri Dalam Negeri RI",
                    city="Jakarta")  # fmt: skip
    with pytest.raises(Conflict) as refused:
        complete_agency(db, ADMIN, agency_id=agency_id, head_title="Mendagri",
                        city="Jakarta Pusat", seen=shown)  # fmt: skip
    assert refused.value.messages[0].key == "error.agency_changed"
    assert _address(db, agency_id) == ("Menteri Dalam Negeri RI", "Jakarta")


def test_a_crash_half_way_leaves_the_database_as_it_was(db, monkeypatch):
    _run(db, xlsx([row()]))
    before = _snapshot(db)
    real = stage._write

    def crash_on_responses(cur, spec, actor):
        if spec.table == "response":
            raise RuntimeError("disk full")
        return real(cur, spec, actor)

    monkeypatch.setattr(stage, "_write", crash_on_responses)
    more = [
        row(agenda_no="IMP-0009", letter_no="B-9", response_no="T-9",
            response_date=dt.date(2026, 3, 9), response_status="Selesai"),
    ]  # fmt: skip
    with pytest.raises(RuntimeError):
        _run(db, xlsx(more))
    assert _snapshot(db) == before


def test_the_import_is_audited_with_file_name_and_counts(db):
    _run(db, xlsx([row()]))
    actor, entity_id, new = (
        db.cursor()
        .execute("SELECT actor, entity_id, new_value FROM audit_log WHERE action = 'import'")
        .fetchone()
    )
    summary = json.loads(new)
    assert (actor, entity_id) == (ANALYST.username, "rekap.xlsx")
    assert summary["forwarding"] == {"created": 1, "updated": 0, "unchanged": 0}


def test_the_template_has_the_canonical_headers_an_example_and_drop_downs():
    book = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    data, example = book["Data"], book["Contoh"]
    assert book.sheetnames[0] == "Data" and data.max_row == 1  # nothing to import by mistake
    for sheet in (data, example):
        assert [c.value for c in sheet[1]] == list(CANONICAL.values())
        lists = {str(dv.sqref)[0]: dv.formula1 for dv in sheet.data_validations.dataValidation}
        assert "SP4N-LAPOR!" in lists["D"] and "Perlu klarifikasi" in lists["P"]
    assert example["A2"].value == "DM-2026-000123"


def test_the_template_example_sheet_imports_as_it_is(db):
    report = import_file(db, ANALYST, template_xlsx(), "templat.xlsx", today=TODAY, sheet="Contoh")
    assert not report.errors
    assert _counts(report)["forwarding"] == (1, 0, 0)


def test_the_empty_template_imports_nothing_with_a_clear_message(db):
    with pytest.raises(ImportFileError) as error:
        _run(db, template_xlsx())
    assert error.value.key == "import.error.no_rows"


def test_a_cell_with_an_invisible_direction_control_refuses_its_row_with_the_reason(db):
    spoofed = row(agenda_no="IMP-0002", letter_no="B-2/D-4", agency="Dinas \u202eanaDS")
    report = _run(db, xlsx([row(), spoofed]), skip_invalid=True)
    assert [(e.row, e.column, e.key) for e in report.errors] == [
        (5, "Instansi Tujuan", "import.error.bidi_control")
    ]  # the header is on row 3 under the title rows, so the second data row is row 5
    assert _counts(report)["forwarding"] == (1, 0, 0)
    names = db.cursor().execute("SELECT name FROM agency WHERE name LIKE 'Dinas%'").fetchall()
    assert names == []
