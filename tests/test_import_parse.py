"""Parsing a read sheet: every cell cleaned, every bad row named by row, column and reason."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import openpyxl
import pytest

from dumas.db import connect
from dumas.i18n import MESSAGES
from dumas.importer.model import CANONICAL, ImportFileError, RawTable, Record
from dumas.importer.parse import parse
from dumas.importer.reading import read_table
from dumas.importer.values import (
    CellError,
    Lookups,
    lookups_from_db,
    parse_category,
    parse_channel,
    parse_date,
    parse_problem_code,
    parse_province,
    parse_status,
    parse_text,
)
from tests.conftest import TODAY

HEADERS = list(CANONICAL.values())
# One complete, valid row (a forwarding with its response), by field.
GOOD: dict[str, object] = {
    "agenda_no": "DM-2026-001",
    "received_on": dt.date(2026, 3, 2),
    "complainant_name": "Siti Aminah",
    "channel": "SP4N-LAPOR!",
    "province": "Jawa Barat",
    "regency": "Kabupaten Bogor",
    "reported_agency": "Pemerintah Kabupaten Bogor",
    "problem_code": "03",
    "category": "Pertanahan",
    "summary": "Sengketa batas tanah dengan pengembang",
    "agency": "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
    "letter_no": "B-101/Kemensetneg/D-4/DM.04.00/03/2026",
    "letter_date": dt.date(2026, 3, 4),
    "response_no": "T-55/ATR/2026",
    "response_date": dt.date(2026, 4, 1),
    "response_status": "Dalam proses",
    "response_summary": "Sedang diperiksa kantor pertanahan",
}
NO_RESPONSE = dict.fromkeys(["response_no", "response_date", "response_status"])
NO_RESPONSE["response_summary"] = None
NO_FORWARDING = {**NO_RESPONSE, **dict.fromkeys(["agency", "letter_no", "letter_date"])}


@pytest.fixture(scope="module")
def lookups(empty_template: Path) -> Lookups:
    """The reference tables of a freshly migrated database."""
    db = connect(empty_template, read_only=True)
    try:
        return lookups_from_db(db.cursor())
    finally:
        db.close()


def row(**fields: object) -> list[object]:
    """GOOD with some fields replaced, as cells in HEADERS order."""
    values = {**GOOD, **fields}
    return [values[name] for name in CANONICAL]


def table(*rows: list[object], headers: list[str] = HEADERS) -> RawTable:
    """A sheet whose header is row 1 and whose data rows start at row 2."""
    return RawTable("Data", 1, headers, [(i, r) for i, r in enumerate(rows, start=2)])


def errors_of(result) -> list[tuple[int, str | None, str]]:
    return [(e.row, e.column, e.key) for e in result.errors]


# ---- a good row -----------------------------------------------------------------------


def test_a_complete_row_becomes_a_clean_record(lookups: Lookups) -> None:
    result = parse(table(row()), lookups, TODAY)
    assert result.errors == []
    assert result.records == [
        Record(
            row=2,
            agenda_no="DM-2026-001",
            received_on=dt.date(2026, 3, 2),
            complainant_name="Siti Aminah",
            channel="lapor",
            province="32",
            regency="Kabupaten Bogor",
            reported_agency="Pemerintah Kabupaten Bogor",
            problem_code="03",
            category="pertanahan",
            summary="Sengketa batas tanah dengan pengembang",
            agency="Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
            letter_no="B-101/Kemensetneg/D-4/DM.04.00/03/2026",
            letter_date=dt.date(2026, 3, 4),
            response_no="T-55/ATR/2026",
            response_date=dt.date(2026, 4, 1),
            response_status="dalam_proses",
            response_summary="Sedang diperiksa kantor pertanahan",
        )
    ]
    assert (result.rows_read, result.duplicates) == (1, 0)


def test_a_complaint_without_forwarding_or_response_is_valid(lookups: Lookups) -> None:
    result = parse(table(row(**NO_FORWARDING)), lookups, TODAY)
    assert result.errors == []
    assert not result.records[0].has_forwarding()


def test_text_is_trimmed_and_inner_whitespace_collapsed(lookups: Lookups) -> None:
    messy = row(
        agenda_no=123.0,
        complainant_name="  Siti\u00a0 Aminah ",
        summary="Sengketa\nbatas   tanah\r\n dengan pengembang",
        response_no=None,
        response_date=" - ",
        response_status="",
        response_summary="—",
    )
    record = parse(table(messy), lookups, TODAY).records[0]
    assert record.agenda_no == "123"
    assert record.complainant_name == "Siti Aminah"
    assert record.summary == "Sengketa batas tanah dengan pengembang"
    assert not record.has_response()


def test_only_a_prefilled_row_counter_makes_no_row(lookups: Lookups) -> None:
    headers = ["No", *HEADERS]
    sheet = table([1, *row()], [2], [3.0, *[None] * len(HEADERS)], headers=headers)
    result = parse(sheet, lookups, TODAY)
    assert (result.rows_read, len(result.records), result.errors) == (1, 1, [])


def test_missing_required_columns_stop_the_parse_with_their_names(lookups: Lookups) -> None:
    headers = ["No Agenda", "Pengadu", "Instansi Tujuan"]
    with pytest.raises(ImportFileError) as caught:
        parse(table(["DM-1", "Siti", "Kemendagri"], headers=headers), lookups, TODAY)
    assert caught.value.key == "import.error.missing_columns"
    assert caught.value.params == {
        "columns": "Tanggal Diterima, No Surat Penerusan, Tanggal Surat Penerusan"
    }


def test_unknown_columns_are_reported_and_ignored(lookups: Lookups) -> None:
    sheet = table([*row(), "paraf"], headers=[*HEADERS, "Paraf Kabid"])
    result = parse(sheet, lookups, TODAY)
    assert result.unknown_columns == ["Paraf Kabid"]
    assert len(result.records) == 1


# ---- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (dt.date(2012, 12, 28), dt.date(2012, 12, 28)),
        (dt.datetime(2012, 12, 28, 14, 5), dt.date(2012, 12, 28)),
        (41271.0, dt.date(2012, 12, 28)),  # Excel serial
        (41271, dt.date(2012, 12, 28)),
        ("41271", dt.date(2012, 12, 28)),
        ("46083", dt.date(2026, 3, 2)),
        (36526.0, dt.date(2000, 1, 1)),  # the first day of the working-day calendar
        ("28/12/2012", dt.date(2012, 12, 28)),
        ("8/1/2012", dt.date(2012, 1, 8)),
        ("8-1-2012", dt.date(2012, 1, 8)),
        ("08-01-2012", dt.date(2012, 1, 8)),
        ("28.12.2012", dt.date(2012, 12, 28)),
        ("2012-12-28", dt.date(2012, 12, 28)),
        ("2012-12-28 00:00:00", dt.date(2012, 12, 28)),
        ("28 Desember 2012", dt.date(2012, 12, 28)),
        ("28 DESEMBER 2012", dt.date(2012, 12, 28)),
        ("28 Des 2012", dt.date(2012, 12, 28)),
        ("28 des. 2012", dt.date(2012, 12, 28)),
        ("28-Des-2012", dt.date(2012, 12, 28)),
        (" 28  Desember\n2012 ", dt.date(2012, 12, 28)),
        ("1 Januari 2013", dt.date(2013, 1, 1)),
        ("1 Jan 2013", dt.date(2013, 1, 1)),
        ("1 Februari 2013", dt.date(2013, 2, 1)),
        ("1 Pebruari 2013", dt.date(2013, 2, 1)),
        ("1 Feb 2013", dt.date(2013, 2, 1)),
        ("1 Peb 2013", dt.date(2013, 2, 1)),
        ("1 Maret 2013", dt.date(2013, 3, 1)),
        ("1 Mar 2013", dt.date(2013, 3, 1)),
        ("1 April 2013", dt.date(2013, 4, 1)),
        ("1 Apr 2013", dt.date(2013, 4, 1)),
        ("1 Mei 2013", dt.date(2013, 5, 1)),
        ("1 Juni 2013", dt.date(2013, 6, 1)),
        ("1 Jun 2013", dt.date(2013, 6, 1)),
        ("1 Juli 2013", dt.date(2013, 7, 1)),
        ("1 Jul 2013", dt.date(2013, 7, 1)),
        ("17 Agustus 2013", dt.date(2013, 8, 17)),
        ("17 Agt 2013", dt.date(2013, 8, 17)),
        ("17 Agu 2013", dt.date(2013, 8, 17)),
        ("17 Ags 2013", dt.date(2013, 8, 17)),
        ("17 Agust. 2013", dt.date(2013, 8, 17)),
        ("1 September 2013", dt.date(2013, 9, 1)),
        ("1 Sep 2013", dt.date(2013, 9, 1)),
        ("1 Sept 2013", dt.date(2013, 9, 1)),
        ("1 Oktober 2013", dt.date(2013, 10, 1)),
        ("1 Okt 2013", dt.date(2013, 10, 1)),
        ("1 November 2013", dt.date(2013, 11, 1)),
        ("1 Nov 2013", dt.date(2013, 11, 1)),
        ("1 Nop 2013", dt.date(2013, 11, 1)),
        ("1 Nopember 2013", dt.date(2013, 11, 1)),
    ],
)
def test_every_date_form_is_read(cell: object, expected: dt.date) -> None:
    assert parse_date(cell) == expected


@pytest.mark.parametrize(
    "cell",
    [
        "31/02/2024",
        "29/02/2023",
        "12/13/2024",
        "2024-02-30",
        "2024-13-01",
        "32 Desember 2012",
        "28 Decembre 2012",
        "28/12/12",  # a two-digit year would be a guess
        "28/12-2012",
        "12/05/0224",
        "kemarin",
        60.0,  # Excel's 29 February 1900, which never was
        "2024",  # a year, not an Excel serial
        0.0,
        80001.0,
        45000.5,
        -3.0,
        True,
        dt.time(10, 0),
    ],
)
def test_an_impossible_or_unreadable_date_is_an_error_never_a_guess(cell: object) -> None:
    with pytest.raises(CellError) as caught:
        parse_date(cell)
    assert caught.value.key == "import.error.bad_date"
    assert caught.value.params["value"]


@pytest.mark.parametrize("cell", [36525.0, "31/12/1999", "1 Januari 2041"])
def test_a_date_outside_the_working_day_calendar_is_an_error(cell: object) -> None:
    with pytest.raises(CellError) as caught:
        parse_date(cell)
    assert caught.value.key == "import.error.date_out_of_range"


def _workbook(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    for r in rows:
        book.active.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_excel_date_cells_serials_and_written_dates_come_through_a_workbook(
    lookups: Lookups,
) -> None:
    forms = [dt.date(2026, 3, 2), dt.datetime(2026, 3, 2, 9, 30), 46083, "02/03/2026"]
    forms += ["2 Maret 2026", "2 Mar 2026", "2026-03-02"]
    minimal = ["No Agenda", "Tgl Terima", "Instansi Tujuan", "No Surat Penerusan"]
    minimal += ["Tgl Surat Penerusan"]
    rows = [minimal] + [[f"DM-{i}", form] for i, form in enumerate(forms)]
    result = parse(read_table(_workbook(rows), "rekap.xlsx"), lookups, TODAY)
    assert result.errors == []
    assert [r.received_on for r in result.records] == [dt.date(2026, 3, 2)] * len(forms)


def test_a_bad_date_names_its_row_column_as_headed_and_value(lookups: Lookups) -> None:
    headers = [("Tgl. Terima" if h == "Tanggal Diterima" else h) for h in HEADERS]
    sheet = table(row(), row(agenda_no="DM-2", received_on="31/02/2026"), headers=headers)
    result = parse(sheet, lookups, TODAY)
    assert errors_of(result) == [(3, "Tgl. Terima", "import.error.bad_date")]
    assert result.errors[0].params == {"value": "31/02/2026"}
    assert [r.row for r in result.records] == [2]


# ---- coded values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Surat", "surat"),
        ("Pos", "surat"),
        ("Surat tertulis", "surat"),
        ("Email", "email"),
        ("E-mail", "email"),
        ("surel", "email"),
        ("SP4N-LAPOR!", "lapor"),
        ("LAPOR!", "lapor"),
        ("Lapor", "lapor"),
        ("SP4N LAPOR", "lapor"),
        ("Datang langsung", "langsung"),
        ("Langsung", "langsung"),
        ("Tatap muka", "langsung"),
        ("WhatsApp", "whatsapp"),
        ("WA", "whatsapp"),
        ("Whats App", "whatsapp"),
        ("whatsapp", "whatsapp"),
    ],
)
def test_every_channel_form_is_read(cell: str, code: str) -> None:
    assert parse_channel(cell) == code


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("Dalam proses", "dalam_proses"),
        ("Proses", "dalam_proses"),
        ("Sedang diproses", "dalam_proses"),
        ("Selesai", "selesai"),
        ("TUNTAS", "selesai"),
        ("Bukan kewenangan", "bukan_kewenangan"),
        ("Tidak dapat ditindaklanjuti", "tidak_dapat_ditindaklanjuti"),
        ("Tidak dapat ditindak lanjuti", "tidak_dapat_ditindaklanjuti"),
        ("Perlu klarifikasi", "perlu_klarifikasi"),
    ],
)
def test_every_status_form_is_read(cell: str, code: str) -> None:
    assert parse_status(cell) == code


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        ("31", "31"),
        (31.0, "31"),
        ("DKI Jakarta", "31"),
        ("Prov. DKI Jakarta", "31"),
        ("Provinsi DKI Jakarta", "31"),
        ("jakarta", "31"),
        ("DKI", "31"),
        ("DIY", "34"),
        ("Yogyakarta", "34"),
        ("D.I. Yogyakarta", "34"),
        ("Daerah Istimewa Yogyakarta", "34"),
        ("Jabar", "32"),
        ("PROVINSI JAWA TIMUR", "35"),
        ("Kep. Bangka Belitung", "19"),
        ("Kep. Riau", "21"),
        ("Atlantis", None),
        ("Bangka Belitung", "19"),
        ("NTB", "52"),
        ("Papua Barat Daya", "96"),
    ],
)
def test_a_province_is_found_by_code_name_or_short_form(
    cell: object, code: str | None, lookups: Lookups
) -> None:
    if code is None:
        with pytest.raises(CellError):
            parse_province(cell, lookups)
    else:
        assert parse_province(cell, lookups) == code


@pytest.mark.parametrize(
    "cell", ["1", "01", 1.0, "01 Penyalahgunaan wewenang", "01. Penyalahgunaan Wewenang"]
)
def test_a_problem_code_is_found_by_number_or_name(cell: object, lookups: Lookups) -> None:
    assert parse_problem_code(cell, lookups) == "01"
    assert parse_problem_code("penyalahgunaan  wewenang", lookups) == "01"
    assert parse_problem_code("10", lookups) == "10"


@pytest.mark.parametrize("cell", ["11", "0", "01 Pertanahan", "Penipuan", 123.0])
def test_an_unknown_or_contradictory_problem_code_is_an_error(
    cell: object, lookups: Lookups
) -> None:
    with pytest.raises(CellError) as caught:
        parse_problem_code(cell, lookups)
    assert caught.value.key == "import.error.unknown_problem_code"


@pytest.mark.parametrize("cell", ["penegakan_hukum", "Penegakan Hukum", "PENEGAKAN HUKUM"])
def test_a_category_is_found_by_code_or_name(cell: str, lookups: Lookups) -> None:
    assert parse_category(cell, lookups) == "penegakan_hukum"


def test_text_longer_than_4000_characters_is_an_error() -> None:
    assert parse_text("a" * 4000) == "a" * 4000
    with pytest.raises(CellError) as caught:
        parse_text("a" * 4001)
    assert (caught.value.key, caught.value.params) == (
        "import.error.too_long",
        {"length": 4001, "max": 4000},
    )


# ---- bad rows -------------------------------------------------------------------------

BAD_ROWS = [
    ({"agenda_no": None}, [("No Agenda", "import.error.required")]),
    ({"agenda_no": "  "}, [("No Agenda", "import.error.required")]),
    ({"received_on": None}, [("Tanggal Diterima", "import.error.required")]),
    ({"received_on": "kemarin"}, [("Tanggal Diterima", "import.error.bad_date")]),
    ({"received_on": "30/02/2026"}, [("Tanggal Diterima", "import.error.bad_date")]),
    (
        {"received_on": dt.date(2026, 11, 28), "letter_date": dt.date(2026, 11, 28), **NO_RESPONSE},
        [
            ("Tanggal Diterima", "import.error.future_date"),
            ("Tanggal Surat Penerusan", "import.error.future_date"),
        ],
    ),
    (
        {"response_date": dt.date(2027, 1, 4)},
        [("Tanggal Tanggapan", "import.error.future_date")],
    ),
    (
        {"agency": None, **NO_RESPONSE},
        [("Instansi Tujuan", "import.error.forwarding_without_agency")],
    ),
    ({"letter_no": None, **NO_RESPONSE}, [("No Surat Penerusan", "import.error.required")]),
    (
        {"letter_date": None, **NO_RESPONSE},
        [("Tanggal Surat Penerusan", "import.error.required")],
    ),
    (
        {"letter_date": dt.date(2026, 3, 1)},
        [("Tanggal Surat Penerusan", "import.error.before_received")],
    ),
    (
        {"agency": None, "letter_no": None, "letter_date": None},
        [("No Surat Tanggapan", "import.error.response_without_forwarding")],
    ),
    (
        {"response_date": None, "response_status": None},
        [
            ("Tanggal Tanggapan", "import.error.required"),
            ("Status Tanggapan", "import.error.required"),
        ],
    ),
    (
        {"response_no": None, "response_date": None, "response_status": None},
        [
            ("No Surat Tanggapan", "import.error.required"),
            ("Tanggal Tanggapan", "import.error.required"),
            ("Status Tanggapan", "import.error.required"),
        ],
    ),
    (
        {"response_date": dt.date(2026, 3, 3)},
        [("Tanggal Tanggapan", "import.error.response_before_letter")],
    ),
    # A coded value no master list knows is imported as written, not refused
    # (tests/test_import_reference_aliases.py).
    ({"summary": "x" * 4001}, [("Ringkasan", "import.error.too_long")]),
]


@pytest.mark.parametrize(("change", "expected"), BAD_ROWS)
def test_each_kind_of_bad_row_is_named_by_row_column_and_reason(
    change: dict[str, object], expected: list[tuple[str, str]], lookups: Lookups
) -> None:
    other = row(agenda_no="DM-OTHER", letter_no="B-OTHER", response_no="T-OTHER")
    result = parse(table(other, other, row(**change)), lookups, TODAY)
    assert errors_of(result) == [(4, column, key) for column, key in expected]
    assert [r.row for r in result.records] == [2]  # the bad row gives no record
    assert result.duplicates == 1


def test_every_error_of_a_row_is_reported(lookups: Lookups) -> None:
    bad = row(agenda_no=None, summary="x" * 4001, letter_date="1/13/2026", response_date="?")
    result = parse(table(bad), lookups, TODAY)
    assert sorted(errors_of(result)) == [
        (2, "No Agenda", "import.error.required"),
        (2, "Ringkasan", "import.error.too_long"),
        (2, "Tanggal Surat Penerusan", "import.error.bad_date"),
        (2, "Tanggal Tanggapan", "import.error.bad_date"),
    ]
    assert result.records == []


def test_a_response_column_absent_from_the_file_is_named_canonically(lookups: Lookups) -> None:
    headers = [*HEADERS[:13], "Status"]  # no response number, date or summary
    bad = [*row()[:13], "Selesai"]
    result = parse(table(bad, headers=headers), lookups, TODAY)
    assert errors_of(result) == [
        (2, "No Surat Tanggapan", "import.error.required"),
        (2, "Tanggal Tanggapan", "import.error.required"),
    ]


def test_date_errors_carry_the_dates_for_the_message(lookups: Lookups) -> None:
    early = row(letter_date=dt.date(2026, 3, 1), response_date=dt.date(2026, 2, 27))
    result = parse(table(early), lookups, TODAY)
    assert [e.params for e in result.errors] == [
        {"value": dt.date(2026, 3, 1), "received": dt.date(2026, 3, 2)},
        {"value": dt.date(2026, 2, 27), "letter_date": dt.date(2026, 3, 1)},
    ]


# ---- rows against each other ----------------------------------------------------------


def test_an_exact_duplicate_row_counts_once(lookups: Lookups) -> None:
    same_when_cleaned = row(complainant_name=" Siti  Aminah", channel="lapor")
    result = parse(table(row(), row(), same_when_cleaned), lookups, TODAY)
    assert [r.row for r in result.records] == [2]
    assert (result.duplicates, result.rows_read, result.errors) == (2, 3, [])


def test_one_complaint_with_several_letters_is_fine(lookups: Lookups) -> None:
    second = row(agency="Kementerian Dalam Negeri", letter_no="B-102", **NO_RESPONSE)
    result = parse(table(row(), second), lookups, TODAY)
    assert (len(result.records), result.errors) == (2, [])


def test_a_second_response_to_the_same_letter_is_fine(lookups: Lookups) -> None:
    later = row(response_no="T-80", response_date=dt.date(2026, 5, 2), response_status="Selesai")
    result = parse(table(row(), later), lookups, TODAY)
    assert (len(result.records), result.errors) == (2, [])


@pytest.mark.parametrize(
    "change",
    [
        {"agenda_no": "DM-2026-002"},
        {"agency": "Kementerian Dalam Negeri"},
        {"letter_date": dt.date(2026, 3, 5)},
    ],
)
def test_a_letter_number_with_conflicting_contents_names_the_first_row(
    change: dict[str, object], lookups: Lookups
) -> None:
    clash = row(**change, **NO_RESPONSE)
    other = row(agenda_no="DM-X", letter_no="B-X", response_no="T-X")
    result = parse(table(row(), other, clash), lookups, TODAY)
    assert errors_of(result) == [(4, "No Surat Penerusan", "import.error.letter_conflict")]
    assert result.errors[0].params == {"letter_no": GOOD["letter_no"], "first_row": 2}
    assert [r.row for r in result.records] == [2, 3]


def test_the_same_letter_with_the_agency_spelt_differently_is_no_conflict(
    lookups: Lookups,
) -> None:
    shouted = row(agency=str(GOOD["agency"]).upper(), **NO_RESPONSE)
    result = parse(table(row(), shouted), lookups, TODAY)
    assert result.errors == []


def test_a_complaint_with_conflicting_contents_names_each_differing_column(
    lookups: Lookups,
) -> None:
    clash = row(letter_no="B-102", complainant_name="Budi", channel="Email", **NO_RESPONSE)
    result = parse(table(row(), clash), lookups, TODAY)
    assert errors_of(result) == [
        (3, "Pengadu", "import.error.complaint_conflict"),
        (3, "Saluran", "import.error.complaint_conflict"),
    ]
    assert result.errors[0].params == {"agenda_no": "DM-2026-001", "first_row": 2}


def test_a_response_number_with_conflicting_contents_is_refused(lookups: Lookups) -> None:
    clash = row(letter_no="B-102", response_status="Selesai")
    result = parse(table(row(), clash), lookups, TODAY)
    assert errors_of(result) == [(3, "No Surat Tanggapan", "import.error.response_conflict")]
    assert result.errors[0].params == {"response_no": GOOD["response_no"], "first_row": 2}


def test_the_same_response_number_from_another_agency_is_no_conflict(lookups: Lookups) -> None:
    other = row(agenda_no="DM-9", agency="Kementerian Dalam Negeri", letter_no="B-9")
    result = parse(table(row(), other), lookups, TODAY)
    assert (len(result.records), result.errors) == (2, [])


def test_a_rejected_row_is_never_the_first_row_others_must_agree_with(
    lookups: Lookups,
) -> None:
    rejected = row(summary="x" * 4001, complainant_name="Budi")
    result = parse(table(rejected, row()), lookups, TODAY)
    assert errors_of(result) == [(2, "Ringkasan", "import.error.too_long")]
    assert [r.row for r in result.records] == [3]


# ---- a large file ---------------------------------------------------------------------

BIG = 100_000


def _big_rows() -> Iterator[list[object]]:
    """BIG rows, two letters per complaint, every third letter answered; a few bad rows.
    A date cell is a dt.date (a serial number shown as dd/mm/yyyy)."""
    yield ["No", "No Agenda", "Tgl Terima", "Saluran", "Instansi Tujuan", "No Surat Penerusan",
           "Tgl Surat Penerusan", "No Surat Tanggapan", "Tanggal Tanggapan", "Status"]  # fmt: skip
    for i in range(BIG):
        complaint = i // 2
        received = dt.date(2025, 1, 1) + dt.timedelta(days=complaint % 300)
        letter = received + dt.timedelta(days=3)
        written = f"{letter.day} Agt {letter.year}" if letter.month == 8 else letter.isoformat()
        if i % 10_000 == 1:
            written = "31/02/2025"  # an impossible letter date
        cells = [i + 1, f"DM-{complaint:06d}", received, "Surat", f"Instansi {i % 2}",
                 f"B-{i}", written]  # fmt: skip
        if i % 3 == 0:
            cells += [f"T-{i}", (letter - EXCEL_EPOCH).days + 5, "Selesai"]
        yield cells


EXCEL_EPOCH = dt.date(1899, 12, 30)
_PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
    'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override '
    'PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.styles+xml"/></Types>',
    "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/workbook.xml": '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/'
    'sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>',
    "xl/styles.xml": '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
    '2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '</numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders '
    'count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs '
    'count="2"><xf/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs><cellStyles '
    'count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>',
}


def _write_xlsx(path: Path, rows: Iterable[list[object]]) -> None:
    """A one-sheet workbook as Excel writes one (shared strings, dates as styled serial
    numbers, the used range stated), put together from its XML parts: a writer library
    takes seconds for 100,000 rows, this a fraction of one. Text is plain ASCII here, so
    nothing needs escaping."""
    strings: dict[str, int] = {}
    lines = []
    for r, cells in enumerate(rows, start=1):
        row = []
        for c, value in enumerate(cells):
            ref = f"{'ABCDEFGHIJ'[c]}{r}"
            if isinstance(value, str):
                row.append(
                    f'<c r="{ref}" t="s"><v>{strings.setdefault(value, len(strings))}</v></c>'
                )
            elif isinstance(value, dt.date):
                row.append(f'<c r="{ref}" s="1"><v>{(value - EXCEL_EPOCH).days}</v></c>')
            elif value is not None:
                row.append(f'<c r="{ref}"><v>{value}</v></c>')
        lines.append(f'<row r="{r}">{"".join(row)}</row>')
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    extent = f'<dimension ref="A1:J{len(lines)}"/>'  # the used range, as Excel states it
    sheet = f"<worksheet {main}>{extent}<sheetData>{''.join(lines)}</sheetData></worksheet>"
    shared = "".join(f"<si><t>{text}</t></si>" for text in strings)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, xml in _PARTS.items():
            book.writestr(name, xml)
        book.writestr("xl/worksheets/sheet1.xml", sheet)
        book.writestr("xl/sharedStrings.xml", f'<sst {main} count="{len(strings)}">{shared}</sst>')


@pytest.mark.slow
def test_a_100000_row_workbook_parses_completely(tmp_path: Path, lookups: Lookups) -> None:
    path = tmp_path / "besar.xlsx"
    _write_xlsx(path, _big_rows())
    result = parse(read_table(path.read_bytes(), path.name), lookups, TODAY)
    records = result.records
    bad_rows = [i + 2 for i in range(BIG) if i % 10_000 == 1]
    assert result.rows_read == BIG
    assert len(records) == BIG - len(bad_rows)
    assert [(e.row, e.key) for e in result.errors] == [
        (r, "import.error.bad_date") for r in bad_rows
    ]
    assert {r.channel for r in records} == {"surat"}
    answered = [i for i in range(0, BIG, 3) if i % 10_000 != 1]
    assert sum(r.has_response() for r in records) == len(answered)


def test_every_message_key_the_parser_uses_is_in_both_catalogues() -> None:
    source = Path(__file__).parents[1] / "dumas" / "importer"
    modules = ("reading", "headers", "values", "dates", "parse", "rules", "model")
    used = {
        key
        for name in modules
        for key in re.findall(r"import\.error\.[a-z_]+", (source / f"{name}.py").read_text())
        if not key.endswith("_")
    }
    used |= {f"import.error.{kind}_conflict" for kind in ("complaint", "letter", "response")}
    assert len(used) > 20
    assert used <= set(MESSAGES["id"])
    assert used <= set(MESSAGES["en"])
