"""Reading a clerk's spreadsheet: finding the header row, mapping headings, CSV dialects."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from dumas.importer.headers import header_key, map_columns
from dumas.importer.model import CANONICAL, ImportFileError
from dumas.importer.reading import read_table

CANONICAL_HEADERS = list(CANONICAL.values())
MINIMAL_HEADERS = ["No Agenda", "Tanggal Diterima", "Instansi Tujuan"]
MINIMAL_HEADERS += ["No Surat Penerusan", "Tanggal Surat Penerusan"]


def xlsx(rows: list[list[object]], *, title: str = "Data", merged: tuple[str, ...] = ()) -> bytes:
    """A workbook whose first sheet holds `rows` from A1 (None leaves a cell empty)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(r, c, value)
    for cells in merged:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]], separator: str, encoding: str) -> bytes:
    """A CSV file as Excel writes it: quoted only where needed, CRLF line ends."""
    lines = []
    for row in rows:
        cells = [f'"{c}"' if separator in c or "," in c or ";" in c else c for c in row]
        lines.append(separator.join(cells))
    return "\r\n".join(lines).encode(encoding)


# ---- the header row -------------------------------------------------------------------


def test_header_below_title_rows_and_merged_cells_is_found() -> None:
    data = xlsx(
        [
            ["REKAPITULASI TINDAK LANJUT PENGADUAN MASYARAKAT"],
            ["Asisten Deputi Pengaduan Masyarakat — Tahun 2026"],
            [],
            MINIMAL_HEADERS,
            [
                "DM-001",
                dt.date(2026, 3, 2),
                "Kementerian Keuangan",
                "B-1/2026",
                dt.date(2026, 3, 4),
            ],
        ],
        merged=("A1:E1", "A2:E2"),
    )
    table = read_table(data, "rekap.xlsx")
    assert table.sheet == "Data"
    assert table.header_row == 4
    assert table.headers == MINIMAL_HEADERS
    assert [number for number, _ in table.rows] == [5]


def test_blank_rows_are_dropped_and_sheet_row_numbers_kept() -> None:
    data = xlsx(
        [
            MINIMAL_HEADERS,
            ["DM-001", "02/03/2026"],
            [],
            [None, "   "],
            ["DM-002", "03/03/2026"],
            [],
            ["DM-003", "04/03/2026"],
        ]
    )
    table = read_table(data, "rekap.xlsx")
    assert [(number, cells[0]) for number, cells in table.rows] == [
        (2, "DM-001"),
        (5, "DM-002"),
        (7, "DM-003"),
    ]


def test_row_numbers_count_from_the_top_of_the_sheet_even_when_it_starts_lower() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    for col, heading in enumerate(MINIMAL_HEADERS, start=3):  # the table starts at C7
        sheet.cell(7, col, heading)
    sheet.cell(8, 3, "DM-001")
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "rekap.xlsx")
    assert table.header_row == 7
    assert table.rows[0][0] == 8
    assert table.rows[0][1][2] == "DM-001"


def test_the_row_naming_the_most_known_headings_wins() -> None:
    data = xlsx([["Saluran", "Pengadu"], ["Catatan"], CANONICAL_HEADERS, ["DM-001"]])
    assert read_table(data, "rekap.xlsx").header_row == 3


def test_a_sheet_without_a_header_row_is_refused() -> None:
    data = xlsx([["Daftar pengaduan"], ["No Agenda", "Keterangan"], ["DM-001", "x"]])
    with pytest.raises(ImportFileError) as caught:
        read_table(data, "rekap.xlsx")
    assert caught.value.key == "import.error.no_header"


def test_a_header_below_row_30_is_not_looked_for() -> None:
    data = xlsx([["judul"]] * 30 + [MINIMAL_HEADERS, ["DM-001"]])
    with pytest.raises(ImportFileError) as caught:
        read_table(data, "rekap.xlsx")
    assert caught.value.key == "import.error.no_header"


def test_trailing_empty_cells_and_short_rows_are_fine() -> None:
    data = csv_bytes([CANONICAL_HEADERS, ["DM-001", "02/03/2026"]], ",", "utf-8")
    table = read_table(data, "rekap.csv")
    assert table.rows == [(2, ["DM-001", "02/03/2026"])]


# ---- sheets and file kinds ------------------------------------------------------------


def _two_sheets() -> bytes:
    book = openpyxl.Workbook()
    first = book.active
    first.title = "Ringkasan"
    first.append(MINIMAL_HEADERS)
    first.append(["DM-001"])
    second = book.create_sheet("2025")
    second.append(MINIMAL_HEADERS)
    second.append(["DM-900"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_first_sheet_is_read_unless_a_sheet_is_named() -> None:
    assert read_table(_two_sheets(), "rekap.xlsx").rows[0][1][0] == "DM-001"
    named = read_table(_two_sheets(), "rekap.xlsx", sheet="2025")
    assert (named.sheet, named.rows[0][1][0]) == ("2025", "DM-900")


def test_a_hidden_first_sheet_is_passed_over() -> None:
    book = openpyxl.Workbook()
    old = book.active
    old.title = "Lama"
    old.append(MINIMAL_HEADERS)
    old.append(["DM-OLD"])
    old.sheet_state = "hidden"
    new = book.create_sheet("Baru")
    new.append(MINIMAL_HEADERS)
    new.append(["DM-NEW"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "rekap.xlsx")
    assert (table.sheet, table.rows[0][1][0]) == ("Baru", "DM-NEW")


def test_an_unknown_sheet_name_is_refused_with_the_sheets_there() -> None:
    with pytest.raises(ImportFileError) as caught:
        read_table(_two_sheets(), "rekap.xlsx", sheet="2024")
    assert caught.value.key == "import.error.no_sheet"
    assert caught.value.params == {"sheet": "2024", "sheets": "Ringkasan, 2025"}


def test_an_empty_sheet_is_refused() -> None:
    with pytest.raises(ImportFileError) as caught:
        read_table(xlsx([]), "kosong.xlsx")
    assert caught.value.key == "import.error.empty_sheet"


@pytest.mark.parametrize("name", ["rekap.xls", "rekap.ods", "rekap.txt", "rekap"])
def test_other_file_kinds_are_refused(name: str) -> None:
    with pytest.raises(ImportFileError) as caught:
        read_table(b"No Agenda,Tanggal Diterima\n", name)
    assert caught.value.key == "import.error.unsupported_file"
    assert caught.value.params["filename"] == name


@pytest.mark.parametrize(
    "data",
    [b"this is not a workbook", b"PK\x03\x04 broken zip", xlsx([MINIMAL_HEADERS])[:300]],
)
def test_a_damaged_workbook_is_refused(data: bytes) -> None:
    with pytest.raises(ImportFileError) as caught:
        read_table(data, "rusak.xlsx")
    assert caught.value.key == "import.error.unreadable"


def test_a_binary_file_named_csv_is_refused() -> None:
    data = "No Agenda,Tanggal Diterima\n".encode("utf-16")
    with pytest.raises(ImportFileError) as caught:
        read_table(data, "rekap.csv")
    assert caught.value.key == "import.error.unreadable"


def test_the_extension_is_matched_in_any_case() -> None:
    data = csv_bytes([MINIMAL_HEADERS, ["DM-001"]], ",", "utf-8")
    assert read_table(data, "REKAP.CSV").rows[0][1][0] == "DM-001"


# ---- CSV dialects ---------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("separator", [",", ";"])
def test_csv_in_each_encoding_and_separator(encoding: str, separator: str) -> None:
    data = ["1", "DM-001", "02/03/2026", "José D’Arcy", "Surat", "Jawa Barat", "Kota Bogor"]
    data += ["Pemkot Bogor", "03", "Pertanahan", "Jalan rusak, berlubang; lama"]
    rows = [["Rekap pengaduan 2026"], ["No", *CANONICAL_HEADERS], data]
    table = read_table(csv_bytes(rows, separator, encoding), "rekap.csv")
    assert table.header_row == 2
    assert table.headers[1] == "No Agenda"  # no BOM left on the first heading
    number, cells = table.rows[0]
    assert number == 3
    assert cells[3] == "José D’Arcy"
    assert cells[10] == "Jalan rusak, berlubang; lama"


def test_csv_quoted_line_breaks_stay_in_their_cell() -> None:
    data = (
        b'No Agenda,Tanggal Diterima,Ringkasan\r\nDM-001,02/03/2026,"baris satu\r\nbaris dua"\r\n'
    )
    table = read_table(data, "rekap.csv")
    assert table.rows == [(2, ["DM-001", "02/03/2026", "baris satu\r\nbaris dua"])]


# ---- headings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Nama Pengadu", "complainant_name"),
        ("Nama Pelapor", "complainant_name"),
        ("Perihal", "summary"),
        ("Substansi", "summary"),
        ("Instansi Terkait", "agency"),
        ("Ditujukan Kepada", "agency"),
        ("Tanggal Agenda", "received_on"),
        ("Tanggal Terima", "received_on"),
        ("Tgl. Terima", "received_on"),
        ("Status", "response_status"),
        ("Status Tindak Lanjut", "response_status"),
        ("Status Tindak-lanjut", "response_status"),
        ("Nomor Agenda", "agenda_no"),
        ("No. Agenda", "agenda_no"),
        ("NO AGENDA", "agenda_no"),
        ("no_agenda", "agenda_no"),
        ("Tgl Diterima", "received_on"),
        ("Tanggal\nDiterima", "received_on"),
        ("Nomor Surat Penerusan", "letter_no"),
        ("No. Surat Penerusan", "letter_no"),
        ("Tgl. Surat Penerusan", "letter_date"),
        ("Nomor Surat Tanggapan", "response_no"),
        ("Tgl Tanggapan", "response_date"),
        ("Kabupaten / Kota", "regency"),
        ("  Instansi  Tujuan ", "agency"),
    ],
)
def test_every_alias_and_spelling_of_a_heading_is_understood(heading: str, field: str) -> None:
    headers = [heading, *(h for f, h in CANONICAL.items() if f != field)]
    columns, unknown, missing = map_columns(headers)
    assert columns[0] == field
    assert (unknown, missing) == ([], [])


def test_every_canonical_heading_maps_to_its_field() -> None:
    columns, unknown, missing = map_columns(CANONICAL_HEADERS)
    assert columns == dict(enumerate(CANONICAL))
    assert (unknown, missing) == ([], [])


def test_headings_match_ignoring_case_spaces_and_punctuation() -> None:
    assert header_key("Tgl. Surat\nPenerusan") == header_key("tanggal surat penerusan")
    assert header_key("No.Agenda") == header_key("Nomor Agenda") == header_key("No Agenda")


@pytest.mark.parametrize("counter", ["No", "No.", "Nomor", "NO"])
def test_a_leading_row_counter_column_is_ignored(counter: str) -> None:
    columns, unknown, _ = map_columns([counter, *CANONICAL_HEADERS])
    assert 0 not in columns
    assert columns[1] == "agenda_no"
    assert unknown == []


def test_a_counter_heading_elsewhere_is_an_unknown_column() -> None:
    _, unknown, _ = map_columns([*CANONICAL_HEADERS, "No"])
    assert unknown == ["No"]


def test_unknown_columns_are_listed_as_written_and_empty_headings_ignored() -> None:
    headers = ["No", *CANONICAL_HEADERS, "", "Keterangan\nTambahan", "Paraf"]
    columns, unknown, _ = map_columns(headers)
    assert unknown == ["Keterangan Tambahan", "Paraf"]
    assert len(columns) == len(CANONICAL)


def test_missing_required_columns_are_named() -> None:
    headers = ["No Agenda", "Pengadu", "Instansi Tujuan", "Tgl Surat Penerusan"]
    _, _, missing = map_columns(headers)
    assert missing == ["Tanggal Diterima", "No Surat Penerusan"]


def test_a_column_given_twice_is_refused() -> None:
    with pytest.raises(ImportFileError) as caught:
        map_columns([*MINIMAL_HEADERS, "Status", "Status Tanggapan"])
    assert caught.value.key == "import.error.duplicate_column"
    assert caught.value.params == {"column": "Status Tanggapan", "first": "Status"}
