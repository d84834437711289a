"""Headings as people write them (abbreviated, slashed), headings taught by one click on the
import page (stored, audited, used by the next import and the command line), and unknown
columns named in the report with how many of their cells were not stored."""

from __future__ import annotations

import datetime as dt
import io
import json

import duckdb
import openpyxl
import pytest

from dumas.domain.errors import ValidationError
from dumas.domain.permissions import Forbidden, Role, User
from dumas.importer import import_file
from dumas.importer.headers import (
    _ALIASES,
    decode_aliases,
    encode_aliases,
    header_key,
    heading_fields,
    map_columns,
)
from dumas.importer.import_report import count_lines, terminal_lines
from dumas.importer.model import CANONICAL, DroppedColumn, ImportFileError, MissingColumns
from dumas.importer.reading import read_table
from dumas.queries.header_aliases import header_aliases
from dumas.services.header_aliases import remember_header_alias
from tests.cli_support import run_cli
from tests.conftest import ANALYST, TODAY, open_page
from tests.importing import HEADERS, KEMENDAGRI, row

IMPORT_PAGE = "pages/import_data.py"
ASDEP = User(id=9003, username="asdep.uji", full_name="Asdep Uji", roles=frozenset({Role.ASDEP}))


def _headers(**renamed: str) -> list[str]:
    """The canonical header row with some headings written otherwise (field=heading)."""
    return [renamed.get(field, heading) for field, heading in CANONICAL.items()]


def _book(headers: list[str], rows: list[list[object]]) -> bytes:
    """A workbook with a title row above the header row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["REKAP TINDAK LANJUT PENGADUAN MASYARAKAT"])
    sheet.append([])
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _audits(db) -> list[tuple]:
    return (
        db.cursor()
        .execute(
            "SELECT actor, action, entity, entity_id, old_value, new_value FROM audit_log"
            " WHERE action = 'data.header_alias' ORDER BY id"
        )
        .fetchall()
    )


# ---- headings as written --------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Kab/Kota", "regency"),
        ("Kab./Kota", "regency"),
        ("Kota/Kab", "regency"),
        ("Kota / Kabupaten", "regency"),
        ("Kabupaten/Kota", "regency"),
        ("Kabupaten", "regency"),
        ("Prov", "province"),
        ("Prov.", "province"),
        ("Tgl Terima", "received_on"),
        ("Tgl. Diterima", "received_on"),
        ("Tgl Masuk", "received_on"),
        ("Agenda", "agenda_no"),
        ("No. Srt", "letter_no"),
        ("Nomor Surat", "letter_no"),
        ("No Srt Penerusan", "letter_no"),
        ("Tgl Srt Penerusan", "letter_date"),
        ("Tgl Surat", "letter_date"),
        ("Instansi", "agency"),
        ("Instansi Tujuan", "agency"),
        ("Diteruskan Kepada", "agency"),
        ("Terlapor", "reported_agency"),
        ("Tanggapan", "response_summary"),
        ("Isi Tanggapan", "response_summary"),
        ("Tgl Tanggapan", "response_date"),
        ("Tgl. Srt Tanggapan", "response_date"),
        ("No. Tanggapan", "response_no"),
        ("Status TL", "response_status"),
        ("Kategori Masalah", "category"),
        ("Kode", "problem_code"),
        ("Saluran Pengaduan", "channel"),
        ("Media", "channel"),
        ("Nama", "complainant_name"),
        ("Pelapor", "complainant_name"),
        ("Uraian", "summary"),
        ("Ringkasan Masalah", "summary"),
        ("Perihal/Substansi", "summary"),
        ("Nama Pengadu / Pelapor", "complainant_name"),
    ],
)
def test_each_written_variant_of_a_heading_maps_to_its_field(heading: str, field: str) -> None:
    columns, unknown, missing = map_columns(_headers(**{field: heading}))
    assert columns[list(CANONICAL).index(field)] == field
    assert (unknown, missing) == ([], [])


def test_every_built_in_alias_names_the_field_it_is_listed_for() -> None:
    for field, aliases in _ALIASES.items():
        for alias in aliases:
            assert heading_fields(alias) == {field}, alias


def test_a_slashed_pair_is_the_same_heading_in_either_order() -> None:
    assert header_key("Kota/Kab.") == header_key("Kab / Kota") == header_key("Kabupaten/Kota")


def test_instansi_alone_is_the_destination_agency_and_not_the_reported_one() -> None:
    columns, unknown, _ = map_columns(["No Agenda", "Instansi", "Instansi Terlapor"])
    assert columns == {0: "agenda_no", 1: "agency", 2: "reported_agency"}
    assert unknown == []


@pytest.mark.parametrize(
    "heading", ["Tanggal", "Tgl", "Masalah", "Keterangan", "Ket.", "Surat", "No/Tgl Surat"]
)
def test_a_heading_that_could_mean_several_fields_is_not_guessed(heading: str) -> None:
    columns, unknown, _ = map_columns([*HEADERS, heading])
    assert len(columns) == len(CANONICAL)
    assert unknown == [heading]


def test_a_slashed_heading_naming_two_fields_is_refused_with_both_named() -> None:
    headers = _headers(problem_code="Kode/Kategori", category="Jenis")
    with pytest.raises(ImportFileError) as caught:
        map_columns(headers)
    assert caught.value.key == "import.error.ambiguous_column"
    assert caught.value.params == {"column": "Kode/Kategori", "fields": "Kode Masalah, Kategori"}


def test_a_variant_and_the_canonical_heading_together_are_refused_as_the_same_column() -> None:
    with pytest.raises(ImportFileError) as caught:
        map_columns([*HEADERS, "Kab./Kota"])
    assert caught.value.key == "import.error.duplicate_column"
    assert caught.value.params == {"column": "Kab./Kota", "first": "Kabupaten/Kota"}


# ---- stored aliases in the mapping and in the reader child -----------------------------


def test_a_stored_alias_maps_an_unknown_heading() -> None:
    aliases = {header_key("Daerah"): "regency"}
    columns, unknown, _ = map_columns(_headers(regency="Daerah"), aliases)
    assert columns[5] == "regency"
    assert unknown == []
    assert map_columns(_headers(regency="Daerah"))[1] == ["Daerah"]  # not without it


def test_a_stored_alias_never_changes_what_a_built_in_heading_means() -> None:
    aliases = {header_key("Instansi"): "reported_agency"}
    columns, _, _ = map_columns(["No Agenda", "Instansi"], aliases)
    assert columns[1] == "agency"


def test_the_aliases_cross_to_the_reader_child_as_one_argument_and_back() -> None:
    aliases = {"daerah": "regency", "nosuratkeluar": "letter_no"}
    assert decode_aliases(encode_aliases(aliases)) == aliases
    assert decode_aliases("x=not_a_field,=agency,broken,y=summary") == {"y": "summary"}


def test_the_reader_child_finds_a_header_row_named_only_by_stored_aliases() -> None:
    data = b"Nmr Berkas;Tgl Berkas;Catatan\r\nDM-1;02/03/2026;x\r\n"
    with pytest.raises(ImportFileError) as caught:
        read_table(data, "rekap.csv")
    assert caught.value.key == "import.error.no_header"
    aliases = {header_key("Nmr Berkas"): "agenda_no", header_key("Tgl Berkas"): "received_on"}
    table = read_table(data, "rekap.csv", aliases=aliases)
    assert table.headers == ["Nmr Berkas", "Tgl Berkas", "Catatan"]
    assert table.rows == [(2, ["DM-1", "02/03/2026", "x"])]


# ---- the service that stores a choice --------------------------------------------------


def test_choosing_a_column_for_a_heading_stores_it_with_an_audit_row(db) -> None:
    key = remember_header_alias(db, ANALYST, heading="Daerah\n(Kab/Kota)", field="regency")
    assert header_aliases(db.cursor()) == {key: "regency"}
    stored = db.cursor().execute("SELECT heading, created_by FROM header_alias").fetchall()
    assert stored == [("Daerah (Kab/Kota)", ANALYST.username)]
    ((actor, action, entity, entity_id, old, new),) = _audits(db)
    assert (actor, action, entity, entity_id, old) == (
        ANALYST.username, "data.header_alias", "header_alias", key, None,
    )  # fmt: skip
    assert json.loads(new) == {"heading": "Daerah (Kab/Kota)", "field": "regency"}


def test_choosing_again_replaces_the_choice_and_audits_old_and_new(db) -> None:
    remember_header_alias(db, ANALYST, heading="Daerah", field="province")
    remember_header_alias(db, ANALYST, heading="DAERAH", field="regency")
    remember_header_alias(db, ANALYST, heading="Daerah", field="regency")  # no change
    assert header_aliases(db.cursor()) == {"daerah": "regency"}
    audits = _audits(db)
    assert len(audits) == 2
    assert json.loads(audits[1][4]) == {"heading": "Daerah", "field": "province"}
    assert json.loads(audits[1][5]) == {"heading": "DAERAH", "field": "regency"}


def test_a_role_without_import_rights_cannot_teach_a_heading(db) -> None:
    with pytest.raises(Forbidden):
        remember_header_alias(db, ASDEP, heading="Daerah", field="regency")
    assert header_aliases(db.cursor()) == {}
    assert _audits(db) == []


@pytest.mark.parametrize(
    ("heading", "field", "key"),
    [
        ("Kab./Kota", "province", "import.alias.known"),
        ("Daerah", "kecamatan", "import.alias.unknown_field"),
        (" - ", "regency", "import.alias.bad_heading"),
    ],
)
def test_a_known_or_empty_heading_or_an_unknown_field_is_not_stored(
    db, heading: str, field: str, key: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        remember_header_alias(db, ANALYST, heading=heading, field=field)
    assert [m.key for m in caught.value.messages] == [key]
    assert header_aliases(db.cursor()) == {}


def test_the_alias_table_takes_exactly_the_import_fields(db) -> None:
    cur = db.cursor()
    for number, field in enumerate(CANONICAL):
        cur.execute(
            "INSERT INTO header_alias (heading_key, heading, field, created_by)"
            " VALUES ($k, $k, $f, 'uji')",
            {"k": f"kolom{number}", "f": field},
        )
    with pytest.raises(duckdb.ConstraintException):
        cur.execute(
            "INSERT INTO header_alias (heading_key, heading, field, created_by)"
            " VALUES ('lain', 'Lain', 'kecamatan', 'uji')"
        )


# ---- imports: the taught heading, and the columns whose cells were not stored ----------


def test_the_next_import_of_the_same_file_maps_the_taught_column(db) -> None:
    data = _book(_headers(regency="Daerah"), [row(regency="Kota Bandung")])
    before = import_file(db, ANALYST, data, "rekap.xlsx", today=TODAY, dry_run=True)
    assert before.dropped == [DroppedColumn("Daerah", 6, 1)]
    assert "regency" not in before.fields
    remember_header_alias(db, ANALYST, heading="Daerah", field="regency")
    after = import_file(db, ANALYST, data, "rekap.xlsx", today=TODAY)
    assert after.applied and after.dropped == [] and "regency" in after.fields
    regency = db.cursor().execute("SELECT regency FROM complaint").fetchall()
    assert regency == [("Kota Bandung",)]


def test_the_report_names_an_unknown_column_with_its_filled_cells_not_stored(db) -> None:
    rows = [[*row(), "paraf AB", None], [*row(letter_no="B-2"), "paraf CD", None]]
    rows.append([*row(letter_no="B-3"), "-", "lupa judul"])
    data = _book([*HEADERS, "Paraf Kabid", None], rows)
    report = import_file(db, ANALYST, data, "rekap.xlsx", today=TODAY, dry_run=True)
    position = len(HEADERS) + 1
    assert report.dropped == [
        DroppedColumn("Paraf Kabid", position, 2),
        DroppedColumn("", position + 1, 1),
    ]
    assert count_lines(report, "id")[-2:] == [
        "Kolom “Paraf Kabid” tidak dikenal: 2 sel berisi tidak disimpan.",
        f"Kolom ke-{position + 1} tanpa judul: 1 sel berisi tidak disimpan.",
    ]
    assert count_lines(report, "en")[-2] == (
        "Column “Paraf Kabid” is not recognised; its non-empty cells (2) were not stored."
    )


def test_an_unknown_column_without_any_filled_cell_is_named_as_empty(db) -> None:
    data = _book([*HEADERS, "Paraf"], [row()])
    report = import_file(db, ANALYST, data, "rekap.xlsx", today=TODAY, dry_run=True)
    assert count_lines(report, "id")[-1] == "Kolom “Paraf” tidak dikenal (kosong)."


def test_a_missing_required_column_is_refused_with_the_unknown_ones_to_choose_from(db) -> None:
    data = _book(_headers(agency="Instansi Penerima Surat"), [row()])
    with pytest.raises(MissingColumns) as caught:
        import_file(db, ANALYST, data, "rekap.xlsx", today=TODAY, dry_run=True)
    assert caught.value.params == {"columns": "Instansi Tujuan"}
    assert caught.value.dropped == [DroppedColumn("Instansi Penerima Surat", 11, 1)]
    assert "agency" not in caught.value.fields and "letter_no" in caught.value.fields


def test_the_command_line_imports_with_the_stored_aliases(db, db_path, tmp_path) -> None:
    path = tmp_path / "rekap.xlsx"
    path.write_bytes(_book(_headers(agency="Instansi Penerima Surat"), [row()]))
    refused = run_cli("import", str(path), db=str(db_path))
    assert refused.returncode == 2
    assert "Kolom wajib tidak ditemukan: Instansi Tujuan." in refused.stderr
    assert "Kolom “Instansi Penerima Surat” tidak dikenal: 1 sel berisi" in refused.stderr
    remember_header_alias(db, ANALYST, heading="Instansi Penerima Surat", field="agency")
    db.close()
    imported = run_cli("import", str(path), db=str(db_path))
    assert imported.returncode == 0, imported.stderr
    assert "Surat penerusan: 1 baru, 0 diperbarui, 0 tetap" in imported.stdout


# ---- the page: one click teaches a heading --------------------------------------------


def _page_with_preview(data: bytes):
    at = open_page(Role.ANALIS, IMPORT_PAGE)
    at.file_uploader(key="import_upload").upload("rekap.xlsx", data).run()
    at.button(key="import_preview").click().run()
    assert not at.exception
    return at


def _choice(at, heading: str):
    return next(s for s in at.selectbox if s.label.startswith(f"Kolom “{heading}”"))


def _rows(db_path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db_path))
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.usefixtures("app_env")
def test_one_choice_in_the_preview_teaches_the_heading_and_redoes_the_preview(db_path) -> None:
    at = _page_with_preview(_book(_headers(regency="Daerah"), [row(regency="Kota Bandung")]))
    report = next(m.value for m in at.markdown if m.value.startswith("- "))
    assert "- Kolom “Daerah” tidak dikenal: 1 sel berisi tidak disimpan." in report.splitlines()
    choice = _choice(at, "Daerah")
    assert choice.label == "Kolom “Daerah” (sel berisi: 1) adalah"
    assert "Kabupaten/Kota" in choice.options and "No Agenda" not in choice.options

    at = choice.select("regency").run()
    assert not at.exception
    (saved,) = at.success  # the chosen column, as Markdown that shows it literally
    assert saved.value == "Judul “Daerah” kini dikenali sebagai “Kabupaten\\/Kota”."
    assert "Pratinjau: tidak ada baris yang ditolak; belum ada yang ditulis." in [
        i.value for i in at.info
    ]
    assert not [s for s in at.selectbox if s.label.startswith("Kolom “Daerah”")]
    assert not any("Daerah" in m.value for m in at.markdown)
    assert _rows(db_path, "SELECT heading_key, field, created_by FROM header_alias") == [
        ("daerah", "regency", "analis.uji")
    ]
    audit = "SELECT actor FROM audit_log WHERE action = 'data.header_alias'"
    assert _rows(db_path, audit) == [("analis.uji",)]

    at.button(key="import_run").click().run()
    assert [s.value for s in at.success] == ["Impor selesai."]
    assert _rows(db_path, "SELECT regency FROM complaint") == [("Kota Bandung",)]


@pytest.mark.usefixtures("app_env")
def test_a_file_refused_for_a_missing_column_offers_its_unknown_ones_to_choose(db_path) -> None:
    at = _page_with_preview(_book(_headers(agency="Instansi Penerima Surat"), [row()]))
    assert [e.value for e in at.error] == ["Kolom wajib tidak ditemukan: Instansi Tujuan."]
    at = _choice(at, "Instansi Penerima Surat").select("agency").run()
    assert not at.exception and not at.error
    assert "Pratinjau: tidak ada baris yang ditolak; belum ada yang ditulis." in [
        i.value for i in at.info
    ]
    assert _rows(db_path, "SELECT field FROM header_alias") == [("agency",)]


# ---- taught headings with the other parts of issue 19 ---------------------------------


def _sheets_book(sheets: dict[str, list[str]], rows: dict[str, list[object]]) -> bytes:
    """A workbook of one sheet per year, each with a title row above its own header row."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, headers in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append([f"REKAP {name}"])
        sheet.append(headers)
        sheet.append(rows[name])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_stored_aliases_find_and_map_the_header_of_every_sheet_of_an_all_sheets_import(
    db,
) -> None:
    # no heading the import knows by itself: without the aliases no sheet has a header row
    taught = {"agenda_no": "Reg", "received_on": "Tgl Masuk Berkas", "agency": "Tujuan"}
    taught |= {"letter_no": "Nmr Keluar", "letter_date": "Tgl Keluar", "regency": "Daerah"}
    headers = list(taught.values())
    rows = {}
    for year, city in (("2024", "Kota Bandung"), ("2025", "Kota Bogor")):
        values = row(agenda_no=f"A-{year}", letter_no=f"B-1/{year}", regency=city)
        rows[year] = [dict(zip(CANONICAL, values, strict=True))[field] for field in taught]
    data = _sheets_book({"2024": headers, "2025": headers}, rows)
    with pytest.raises(ImportFileError) as refused:
        import_file(db, ANALYST, data, "rekap.xlsx", today=TODAY, all_sheets=True)
    assert refused.value.key == "import.error.no_data_sheets"
    for field, heading in taught.items():
        remember_header_alias(db, ANALYST, heading=heading, field=field)
    report = import_file(db, ANALYST, data, "rekap.xlsx", today=TODAY, all_sheets=True)
    assert report.applied and report.skipped_sheets == []
    assert [(p.sheet, p.rows_read, p.dropped) for p in report.sheets] == [
        ("2024", 1, []),
        ("2025", 1, []),
    ]
    assert [(p.sheet, p.table.header_row) for p in report.sheets] == [("2024", 2), ("2025", 2)]
    stored = db.cursor().execute("SELECT agenda_no, regency FROM complaint ORDER BY 1")
    assert stored.fetchall() == [("A-2024", "Kota Bandung"), ("A-2025", "Kota Bogor")]


def test_an_all_sheets_report_names_each_sheets_unknown_columns_and_offers_the_skipped_ones(
    db,
) -> None:
    rows = {
        "2024": row(agenda_no="A-2024", letter_no="B-1/2024"),
        "2025": row(agenda_no="A-2025", letter_no="B-1/2025"),
    }
    sheets = {"2024": _headers(regency="Daerah"), "2025": _headers(agency="Instansi Penerima")}
    report = import_file(
        db, ANALYST, _sheets_book(sheets, rows), "rekap.xlsx", today=TODAY, all_sheets=True,
        dry_run=True,
    )  # fmt: skip
    (part,) = report.sheets
    assert part.sheet == "2024" and part.dropped == [DroppedColumn("Daerah", 6, 1)]
    (skipped,) = report.skipped_sheets
    assert skipped.reason.key == "import.error.missing_columns"
    assert skipped.dropped == (DroppedColumn("Instansi Penerima", 11, 1),)
    assert "agency" not in skipped.fields and "letter_no" in skipped.fields
    lines = terminal_lines(report, "id")
    assert "    Kolom “Daerah” tidak dikenal: 1 sel berisi tidak disimpan." in lines
    assert (
        "  Lembar “2025” dilewati: Kolom wajib tidak ditemukan: Instansi Tujuan. "
        "Kolom “Instansi Penerima” tidak dikenal: 1 sel berisi tidak disimpan."
    ) in lines


def test_a_heading_combined_from_two_rows_is_taught_and_matched_like_any_other(db) -> None:
    top = ["No Agenda", "Tanggal Diterima", "Instansi Tujuan", "No Surat Penerusan",
           "Tanggal Surat Penerusan", "Tanggapan", None, None]  # fmt: skip
    sub = [None, None, None, None, None, "No", "Tanggal", "Ket."]
    cells = ["A-1", dt.date(2026, 3, 2), KEMENDAGRI, "B-1", dt.date(2026, 3, 4), "T-1",
             dt.date(2026, 4, 1), "sudah dijawab"]  # fmt: skip
    book = openpyxl.Workbook()
    for values in (top, sub, cells):
        book.active.append(values)
    book.active.merge_cells("F1:H1")
    buffer = io.BytesIO()
    book.save(buffer)
    before = import_file(db, ANALYST, buffer.getvalue(), "r.xlsx", today=TODAY, dry_run=True)
    assert before.dropped == [DroppedColumn("Tanggapan Ket.", 8, 1)]
    assert {"response_no", "response_date"} <= set(before.fields)
    remember_header_alias(db, ANALYST, heading="Tanggapan Ket.", field="response_summary")
    after = import_file(db, ANALYST, buffer.getvalue(), "r.xlsx", today=TODAY, dry_run=True)
    assert after.dropped == [] and "response_summary" in after.fields


@pytest.mark.usefixtures("app_env")
def test_an_all_sheets_preview_offers_each_sheets_unknown_column_and_one_choice_redoes_it(
    db_path,
) -> None:
    rows = {
        "2024": row(agenda_no="A-2024", letter_no="B-1/2024"),
        "2025": row(agenda_no="A-2025", letter_no="B-1/2025"),
    }
    sheets = {"2024": _headers(regency="Daerah"), "2025": _headers(regency="Daerah")}
    at = open_page(Role.ANALIS, IMPORT_PAGE)
    at.file_uploader(key="import_upload").upload("rekap.xlsx", _sheets_book(sheets, rows)).run()
    at.checkbox(key="import_all_sheets").check().run()
    at.button(key="import_preview").click().run()
    assert not at.exception
    choices = [s for s in at.selectbox if s.label.startswith("Kolom “Daerah”")]
    assert len(choices) == 2  # one under each sheet
    at = choices[1].select("regency").run()
    assert not at.exception
    assert not [s for s in at.selectbox if s.label.startswith("Kolom “Daerah”")]
    assert "**Lembar “2025”**" in [m.value for m in at.markdown]
    assert _rows(db_path, "SELECT heading_key, field FROM header_alias") == [("daerah", "regency")]
