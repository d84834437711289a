"""The Impor dan Ekspor Data page through AppTest: preview, import, rejected rows, English,
the export, agency merge."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dumas.domain.permissions import Role
from dumas.importer.model import CANONICAL
from tests.conftest import open_page, signed_in_app

IMPORT_PAGE = "pages/import_data.py"
KEMENDAGRI = "Kementerian Dalam Negeri"
BPN = "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional"
NEW_AGENCY = "Dinas Perumahan Kabupaten Contoh"  # not in data/reference/agencies.csv
FIELDS = (
    "agenda_no",
    "received_on",
    "complainant_name",
    "channel",
    "province",
    "summary",
    "agency",
    "letter_no",
    "letter_date",
    "response_no",
    "response_date",
    "response_status",
)
# Two complaints, three forwarding letters (one to an agency outside the master list), one
# response: the unit's own spreadsheet, as the analysts keep it.
VALID_ROWS = [
    {
        "agenda_no": "IMP-001",
        "received_on": dt.date(2026, 3, 2),
        "complainant_name": "Budi Santoso",
        "channel": "Surat",
        "province": "DKI Jakarta",
        "summary": "Pungutan liar pembuatan KTP",
        "agency": KEMENDAGRI,
        "letter_no": "B-101/D-4/DM.04.00/03/2026",
        "letter_date": dt.date(2026, 3, 10),
        "response_no": "T-55/Kemendagri/2026",
        "response_date": dt.date(2026, 3, 20),
        "response_status": "Selesai",
    },
    {
        "agenda_no": "IMP-001",
        "received_on": dt.date(2026, 3, 2),
        "complainant_name": "Budi Santoso",
        "channel": "Surat",
        "province": "DKI Jakarta",
        "summary": "Pungutan liar pembuatan KTP",
        "agency": BPN,
        "letter_no": "B-102/D-4/DM.04.00/03/2026",
        "letter_date": dt.date(2026, 3, 10),
    },
    {
        "agenda_no": "IMP-002",
        "received_on": dt.date(2026, 4, 6),
        "complainant_name": "Siti Rahmawati",
        "channel": "Email",
        "province": "Jawa Barat",
        "summary": "Rumah subsidi belum diserahkan",
        "agency": NEW_AGENCY,
        "letter_no": "B-103/D-4/DM.04.00/04/2026",
        "letter_date": dt.date(2026, 4, 15),
    },
]
# The letter is dated before the complaint was received: refused.
INVALID_ROW = {
    "agenda_no": "IMP-003",
    "received_on": dt.date(2026, 5, 4),
    "complainant_name": "Andi Wijaya",
    "channel": "Surat",
    "agency": KEMENDAGRI,
    "letter_no": "B-104/D-4/DM.04.00/04/2026",
    "letter_date": dt.date(2026, 4, 30),
}
INVALID_SHEET_ROW = 7  # a title row, a blank row, the header, three valid rows, then this one

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env


def _xlsx(rows: list[dict[str, object]]) -> bytes:
    """A workbook as kept by hand: a title row and a blank row above the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Rekap 2026"
    sheet.append(["Rekap tindak lanjut pengaduan 2026"])
    sheet.append([])
    sheet.append([CANONICAL[f] for f in FIELDS])
    for row in rows:
        sheet.append([row.get(f) for f in FIELDS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _count(db_path: Path, sql: str) -> int:
    """A second connection in this process (DuckDB shares the app's open database)."""
    con = duckdb.connect(str(db_path))
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def _rows(db_path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db_path))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _app(role: Role = Role.ANALIS, **query: str) -> AppTest:
    return signed_in_app(role, **query)


def _import_page(role: Role = Role.ANALIS, **query: str) -> AppTest:
    at = open_page(role, IMPORT_PAGE, **query)
    assert not at.exception
    return at


def _upload(at: AppTest, data: bytes, name: str = "rekap-2026.xlsx") -> AppTest:
    at.file_uploader(key="import_upload").upload(name, data).run()
    assert not at.exception
    return at


def _click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception
    return at


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _dashboard(at: AppTest) -> AppTest:
    at.switch_page("pages/followup.py").run()
    assert not at.exception
    return at


def _texts(elements) -> list[str]:
    return [e.value for e in elements]


def _report(at: AppTest) -> str:
    """The count lines under the outcome (one markdown bullet list)."""
    return next(m.value for m in at.markdown if m.value.startswith("- "))


def _selectbox(at: AppTest, label: str):
    return next(s for s in at.selectbox if s.label == label)


def test_the_page_offers_the_template_and_explains_the_layout_before_any_upload():
    at = _import_page(Role.ADMIN)  # an administrator sees every tab
    assert at.title[0].value == "Impor dan Ekspor Data"
    labels = [tab.label for tab in at.tabs]
    assert labels == ["Impor berkas", "Ekspor data", "Gabungkan instansi", "Cadangan"]
    assert at.get("download_button")[0].label == "Unduh templat (.xlsx)"
    assert at.file_uploader(key="import_upload").label == "Berkas .xlsx atau .csv"
    assert any(text.startswith("Satu baris = satu surat penerusan") for text in _texts(at.info))
    assert "Tidak ada instansi hasil impor yang perlu digabungkan." in _texts(at.info)
    assert not [b for b in at.button if b.key == "import_run"]  # nothing to import yet


def test_an_analyst_imports_and_exports_but_does_not_see_the_merge_tab():
    at = _import_page(Role.ANALIS)
    assert [tab.label for tab in at.tabs] == ["Impor berkas", "Ekspor data"]


def test_the_asdep_who_may_export_opens_the_page_and_downloads_the_audited_export(
    db_path, downloads
):
    at = _app(Role.ASDEP).run()
    at.switch_page(IMPORT_PAGE).run()  # offered to the Asdep: it opens
    assert not at.exception
    assert [tab.label for tab in at.tabs] == ["Ekspor data"]  # no import, no merge
    assert not [u for u in at.get("file_uploader")]
    book = openpyxl.load_workbook(io.BytesIO(downloads["data-tindak-lanjut.xlsx"]()))
    assert [c.value for c in book["Data"][5]][:2] == ["No Agenda", "Tanggal Diterima"]
    actions = "SELECT actor, action FROM audit_log WHERE action = 'data.export'"
    assert _rows(db_path, actions) == [("asdep.uji", "data.export")]


def test_the_deputi_who_may_neither_import_nor_export_cannot_open_the_page():
    at = _app(Role.DEPUTI).run()
    with pytest.raises(ValueError):  # not registered for this user: no URL reaches it
        at.switch_page(IMPORT_PAGE).run()


def test_preview_of_a_valid_file_reports_the_counts_and_writes_nothing(db_path):
    at = _click(_upload(_import_page(), _xlsx(VALID_ROWS)), "import_preview")
    assert "Pratinjau: tidak ada baris yang ditolak; belum ada yang ditulis." in _texts(at.info)
    assert not at.error
    report = _report(at)
    assert "Baris dibaca: 3 (duplikat persis: 0; ditolak: 0)" in report
    assert "Pengaduan: 2 akan dibuat, 0 akan diperbarui, 0 tetap" in report
    assert "Surat penerusan: 3 akan dibuat, 0 akan diperbarui, 0 tetap" in report
    assert "Tanggapan: 1 akan dibuat, 0 akan diperbarui, 0 tetap" in report
    assert f"dapat digabungkan nanti): {NEW_AGENCY}" in report
    assert not at.dataframe  # no rejected rows to list

    assert _count(db_path, "SELECT count(*) FROM complaint") == 0
    assert _count(db_path, "SELECT count(*) FROM forwarding") == 0
    assert _count(db_path, f"SELECT count(*) FROM agency WHERE name = '{NEW_AGENCY}'") == 0
    assert _metric(_dashboard(at), "Surat penerusan") == "0"


def test_importing_a_valid_file_adds_its_letters_to_the_dashboard():
    at = _app().run()
    assert _metric(at, "Surat penerusan") == "0"
    at.switch_page(IMPORT_PAGE).run()
    at = _click(_upload(at, _xlsx(VALID_ROWS)), "import_run")
    assert _texts(at.success) == ["Impor selesai."]
    assert "Surat penerusan: 3 baru, 0 diperbarui, 0 tetap" in _report(at)

    at = _dashboard(at)
    assert _metric(at, "Surat penerusan") == "3"
    assert _metric(at, "Pengaduan diteruskan") == "2"
    assert _metric(at, "Ditanggapi") == "1"
    assert sorted(set(at.dataframe[0].value["agenda_no"])) == ["IMP-001", "IMP-002"]


def test_importing_the_same_file_again_adds_nothing():
    at = _click(_upload(_import_page(), _xlsx(VALID_ROWS)), "import_run")
    at = _click(at, "import_run")
    assert _texts(at.success) == ["Impor selesai."]
    report = _report(at)
    assert "Pengaduan: 0 baru, 0 diperbarui, 2 tetap" in report
    assert "Surat penerusan: 0 baru, 0 diperbarui, 3 tetap" in report
    assert "Instansi baru" not in report
    assert _metric(_dashboard(at), "Surat penerusan") == "3"


def test_one_invalid_row_stops_the_import_and_names_its_sheet_row_and_reason(db_path):
    at = _click(_upload(_import_page(), _xlsx([*VALID_ROWS, INVALID_ROW])), "import_run")
    assert _texts(at.error) == [
        "Impor dibatalkan: 1 baris tidak valid, tidak ada yang ditulis. "
        "Perbaiki barisnya, atau impor baris yang valid saja."
    ]
    rejected = at.dataframe[0].value
    assert list(rejected.columns) == ["Baris", "Kolom", "Alasan"]
    assert rejected.to_dict("records") == [
        {
            "Baris": INVALID_SHEET_ROW,
            "Kolom": "Tanggal Surat Penerusan",
            "Alasan": "Tanggal surat penerusan (30 April 2026) lebih awal dari tanggal "
            "pengaduan diterima (4 Mei 2026).",
        }
    ]
    assert _count(db_path, "SELECT count(*) FROM complaint") == 0
    assert _count(db_path, "SELECT count(*) FROM forwarding") == 0
    assert _metric(_dashboard(at), "Surat penerusan") == "0"


def test_importing_only_the_valid_rows_writes_them_and_offers_the_rejected_rows(db_path):
    at = _upload(_import_page(), _xlsx([*VALID_ROWS, INVALID_ROW]))
    at = _click(at, "import_run_valid")
    assert _texts(at.warning) == ["Impor selesai untuk baris yang valid; 1 baris ditolak."]
    assert "Baris dibaca: 4 (duplikat persis: 0; ditolak: 1)" in _report(at)
    assert at.dataframe[0].value["Baris"].tolist() == [INVALID_SHEET_ROW]
    rejects = next(b for b in at.get("download_button") if b.key == "download_rejects")
    assert rejects.label == "Unduh baris yang ditolak (.xlsx)"

    assert _count(db_path, "SELECT count(*) FROM complaint WHERE agenda_no = 'IMP-003'") == 0
    assert _metric(_dashboard(at), "Surat penerusan") == "3"


def test_choosing_english_in_the_sidebar_translates_the_page_and_its_report():
    at = _import_page()
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Import and export data"
    assert [tab.label for tab in at.tabs] == ["Import a file", "Export data"]  # no merge
    assert at.get("download_button")[0].label == "Download the template (.xlsx)"
    at = _upload(at, _xlsx(VALID_ROWS))
    labels = {b.key: b.label for b in at.button}
    assert labels["import_preview"] == "Preview"
    assert labels["import_run"] == "Import"
    assert labels["import_run_valid"] == "Import the valid rows only"

    at = _click(at, "import_preview")
    assert "Preview: no row would be rejected; nothing written yet." in _texts(at.info)
    report = _report(at)
    assert "Rows read: 3 (exact duplicates: 0; rejected: 0)" in report
    assert "Forwarding letters: 3 to be created, 0 to be updated, 0 unchanged" in report


def test_a_merge_chosen_on_a_stale_list_is_refused_with_who_and_when(db_path):
    from dumas import services
    from dumas.db import connect
    from tests.conftest import ADMIN

    at = _click(_upload(_import_page(Role.ADMIN), _xlsx(VALID_ROWS)), "import_run")
    source = _count(db_path, f"SELECT id FROM agency WHERE name = '{NEW_AGENCY}'")
    kemendagri = _count(db_path, f"SELECT id FROM agency WHERE name = '{KEMENDAGRI}'")
    _selectbox(at, "Instansi hasil impor").set_value(source)
    _selectbox(at, "Gabungkan ke instansi di daftar induk").set_value(
        _count(db_path, f"SELECT id FROM agency WHERE name = '{BPN}'")
    )
    db = connect(db_path)  # another administrator's session merges it first
    try:
        services.merge_agency(db, ADMIN, source_id=source, source_name=NEW_AGENCY,
                              target_id=kemendagri)  # fmt: skip
    finally:
        db.close()
    at = _click(at, "merge_run")
    [refusal] = _texts(at.error)
    assert refusal.startswith(f"{NEW_AGENCY} sudah digabungkan ke {KEMENDAGRI} oleh Admin Uji")
    assert not [m for m in _texts(at.success) if "menjadi alias" in m]
    assert "Tidak ada instansi hasil impor yang perlu digabungkan." in _texts(at.info)
    moved = f"SELECT count(*) FROM forwarding WHERE agency_id = {kemendagri}"
    assert _count(db_path, moved) == 2  # where the first merge put its letter, not BPN


def test_an_agency_created_by_an_import_is_listed_until_merged_into_a_master_agency(db_path):
    # Only an Administrator merges agencies; the administrator may import too.
    at = _click(_upload(_import_page(Role.ADMIN), _xlsx(VALID_ROWS)), "import_run")
    source = _selectbox(at, "Instansi hasil impor")
    assert source.options == [NEW_AGENCY]
    assert source.value is None  # nothing is preselected: a merge is a deliberate choice
    source.set_value(_count(db_path, f"SELECT id FROM agency WHERE name = '{NEW_AGENCY}'"))
    target = _selectbox(at, "Gabungkan ke instansi di daftar induk")
    assert target.value is None
    assert KEMENDAGRI in target.options and NEW_AGENCY not in target.options
    target.set_value(_count(db_path, f"SELECT id FROM agency WHERE name = '{KEMENDAGRI}'"))
    at = _click(at, "merge_run")
    assert f"{NEW_AGENCY} sudah digabungkan; namanya kini menjadi alias." in _texts(at.success)
    assert "Tidak ada instansi hasil impor yang perlu digabungkan." in _texts(at.info)
    assert not [s for s in at.selectbox if s.label == "Instansi hasil impor"]

    # The old name is now an alias: importing the file again creates no agency.
    at = _click(at, "import_run")
    assert "Instansi baru" not in _report(at)
    assert "Tidak ada instansi hasil impor yang perlu digabungkan." in _texts(at.info)

    # Its letter now counts for the master agency.
    at = _app(agency=KEMENDAGRI).run()
    assert _metric(at, "Surat penerusan") == "2"


def test_an_administrator_completes_the_letter_address_of_an_agency_the_import_created(db_path):
    at = _click(_upload(_import_page(Role.ADMIN), _xlsx(VALID_ROWS)), "import_run")
    [missing] = [w for w in _texts(at.warning) if "belum lengkap jabatan pimpinan" in w]
    assert missing.startswith("1 instansi belum lengkap")  # the reference list is complete
    agency = _selectbox(at, "Instansi")
    assert agency.options[0] == f"⚠ {NEW_AGENCY}"  # the incomplete one first, marked
    new_id = _count(db_path, f"SELECT id FROM agency WHERE name = '{NEW_AGENCY}'")
    agency.set_value(new_id).run()
    at.text_input(key=f"address_head_{new_id}").input("Kepala Dinas Perumahan Kabupaten Contoh")
    at.text_input(key=f"address_city_{new_id}").input("Contoh")
    at = _click(at, "address_save")
    assert f"Alamat surat {NEW_AGENCY} disimpan." in _texts(at.success)
    assert _rows(db_path, f"SELECT head_title, city FROM agency WHERE id = {new_id}") == [
        ("Kepala Dinas Perumahan Kabupaten Contoh", "Contoh")
    ]
    assert "Semua instansi sudah lengkap jabatan pimpinan dan kotanya." in _texts(at.caption)
    audited = "SELECT count(*) FROM audit_log WHERE action = 'agency.complete'"
    assert _count(db_path, audited) == 1


def test_a_workbook_of_yearly_sheets_is_imported_whole_when_all_sheets_is_ticked(db_path):
    from tests.importing import hand_kept_workbook

    at = _upload(_import_page(), hand_kept_workbook())
    assert _selectbox(at, "Nama lembar (kosongkan untuk lembar pertama)").options == [
        "Sampul", "2024", "2025", "2026",
    ]  # fmt: skip
    at.checkbox(key="import_all_sheets").check().run()
    assert _selectbox(at, "Nama lembar (kosongkan untuk lembar pertama)").disabled
    at = _click(at, "import_run")
    assert _texts(at.success) == ["Impor selesai."]
    assert "Lembar “Sampul” dilewati:" in _report(at)
    assert "**Lembar “2026”**" in _texts(at.markdown)
    assert _count(db_path, "SELECT count(*) FROM complaint") == 7
    assert _count(db_path, "SELECT count(*) FROM forwarding") == 8


def test_a_single_sheet_upload_offers_no_all_sheets_choice():
    at = _upload(_import_page(), _xlsx(VALID_ROWS))
    assert not at.checkbox
