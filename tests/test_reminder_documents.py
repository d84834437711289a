"""The files of a batch of reminder letters (surat konfirmasi), read back: a .docx per agency
listing exactly that agency's letters, the combined .docx with each letter from a new page
and the letterhead on each letter's first page, the list .xlsx (text never a formula, A4),
the .zip of them; laid out as the letter to an agency (docs/letters.md)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from dumas.domain.reminders import LeftOutLetter, ListedLetter, ReminderLetter
from dumas.render import reminders as files
from dumas.render.documents.common import DOTS
from dumas.render.documents.reminder_letter import HEADER, HEADER_II, SUBJECTS
from tests.test_documents import ASDEP, DEPUTI, KOP, open_docx, rows, settings

ON = dt.date(2026, 11, 27)


def _listed(agency: int, n: int, *, first: bool = False) -> tuple[ListedLetter, ...]:
    return tuple(
        ListedLetter(
            forwarding_id=agency * 100 + i,
            complaint_id=agency * 100 + i,
            agenda_no=f"PM-{agency:02d}-{i:04d}",
            letter_no=f"B-{agency * 100 + i}/Kemensetneg/D-4/DM.04.00/03/2026",
            letter_date=dt.date(2026, 3, 2 + i % 20),
            subject=f"Sengketa tanah nomor {i} di Kabupaten Bekasi",
            age_wd=1190 + i,
            first_reminder_no=f"B-{900 + i}/Kemensetneg/D-4/DM.04.01/09/2026" if first else None,
            first_reminder_on=dt.date(2026, 9, 1) if first else None,
        )
        for i in range(1, n + 1)
    )


def _letter(number: int, kind: str, n: int, **fields: object) -> ReminderLetter:
    values: dict = {
        "agency_id": number,
        "agency": f"Instansi Nomor {number}",
        "agency_head": f"Kepala Instansi Nomor {number}",
        "agency_city": "Surabaya",
        "kind": kind,
        "letters": _listed(number, n, first=kind == "konfirmasi_2"),
        **fields,
    }
    return ReminderLetter(**values)


# Agency 1 is due both kinds, agency 2 only konfirmasi I, agency 3's address is incomplete.
LETTERS = (
    _letter(1, "konfirmasi_1", 3),
    _letter(1, "konfirmasi_2", 2),
    _letter(2, "konfirmasi_1", 4),
    _letter(3, "konfirmasi_1", 1, agency_head=None, agency_city=None),
)


def _sections(data: bytes) -> list[tuple[list[str], list[list[list[str]]]]]:
    """Each section (letter) of a .docx: its paragraphs' texts and its tables' rows."""
    doc = open_docx(data)
    found: list[tuple[list[str], list[list[list[str]]]]] = [([], [])]
    for child in doc.element.body:
        if child.tag == qn("w:tbl"):
            found[-1][1].append(rows(Table(child, doc._body)))
        elif child.tag == qn("w:p"):
            found[-1][0].append(Paragraph(child, doc._body).text)
            if child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                found.append(([], []))
    return found


def _list(tables: list[list[list[str]]]) -> list[list[str]]:
    """The table of the letters a letter lists (headed "No", "No Agenda, ...")."""
    return next(t for t in tables if t[0][0] == "No" and t[0][1].startswith("No Agenda"))


def _agendas(tables: list[list[list[str]]]) -> list[str]:
    """The agenda numbers a letter lists (the first line of its second column)."""
    return [row[1].split("\n")[0] for row in _list(tables)[1:]]


@pytest.fixture(scope="module")
def per_agency() -> dict[int, bytes]:
    return files.reminder_documents(settings(), LETTERS, ON)


@pytest.fixture(scope="module")
def combined() -> bytes:
    return files.combined_document(settings(), LETTERS, ON)


def test_each_agencys_file_lists_exactly_its_own_letters_one_letter_per_kind(per_agency):
    assert set(per_agency) == {1, 2, 3}
    for agency, data in per_agency.items():
        own = [x for x in LETTERS if x.agency_id == agency]
        sections = _sections(data)
        assert len(sections) == len(own)
        for (_, tables), letter in zip(sections, own, strict=True):
            assert _agendas(tables) == [x.agenda_no for x in letter.letters]


def test_the_combined_file_holds_every_letter_each_starting_on_a_new_page(combined):
    doc = open_docx(combined)
    assert len(doc.sections) == len(LETTERS)
    assert all(s.start_type == WD_SECTION.NEW_PAGE for s in doc.sections)
    sections = _sections(combined)
    assert [_agendas(t) for _, t in sections] == [[y.agenda_no for y in x.letters] for x in LETTERS]
    for section in doc.sections:  # each letter's first page carries the letterhead
        assert section.different_first_page_header_footer
        assert [p.text for p in section.first_page_header.paragraphs] == KOP
        number = section._sectPr.find(qn("w:pgNumType"))
        assert number.get(qn("w:start")) == "1"  # each letter counts its pages from 1


def test_a_letter_is_headed_addressed_and_signed_as_the_letter_to_an_agency(per_agency):
    texts, tables = _sections(per_agency[2])[0]
    head = next(t for t in tables if t[0][0] == "Nomor")
    assert head[0][:3] == ["Nomor", ":", "B-.../Kemensetneg/D-4/DM.00.00/11/2026"]
    # the place and date right of the number, or above it when the number is too long
    assert "Jakarta, 27 November 2026" in (head[0][3], *texts)
    assert [r[0] for r in head] == ["Nomor", "Sifat", "Lampiran", "Hal"]
    assert head[1][2] == "Biasa" and head[3][2] == SUBJECTS["konfirmasi_1"]
    start = texts.index("Yth. Kepala Instansi Nomor 2")
    assert texts[start + 1 : start + 3] == ["Instansi Nomor 2", "di Surabaya"]
    assert any("sebanyak 4 surat" in t for t in texts)
    assert any("paling lambat 14 (empat belas) hari kerja" in t for t in texts)
    title = texts.index(f"{ASDEP['title']},")
    assert [t for t in texts[title + 1 :] if t][:4] == [
        ASDEP["name"],
        f"NIP {ASDEP['nip']}",
        "Tembusan:",
        DEPUTI["title"],
    ]


def test_the_list_gives_agenda_number_forwarding_letter_and_date_subject_and_age(per_agency):
    _, tables = _sections(per_agency[2])[0]
    table = _list(tables)
    assert table[0] == list(HEADER)
    assert table[1] == [
        "1", "PM-02-0001\nB-201/Kemensetneg/D-4/DM.04.00/03/2026\n3 Maret 2026",
        "Sengketa tanah nomor 1 di Kabupaten Bekasi", "1.191",
    ]  # fmt: skip
    assert [r[0] for r in table[1:]] == ["1", "2", "3", "4"]


def test_a_konfirmasi_ii_cites_the_first_reminder_of_each_letter(per_agency):
    texts, tables = _sections(per_agency[1])[1]
    table = _list(tables)
    assert table[0] == list(HEADER_II)
    assert table[1][1].split("\n")[3:] == [
        "Konfirmasi I:", "B-901/Kemensetneg/D-4/DM.04.01/09/2026", "1 September 2026"]  # fmt: skip
    head = next(t for t in tables if t[0][0] == "Nomor")
    assert head[3][2] == SUBJECTS["konfirmasi_2"]
    assert any("dan surat konfirmasi kami atas surat tersebut" in t for t in texts)
    assert any("kami mohon kembali Saudara" in t for t in texts)


def test_an_agency_without_its_heads_title_or_city_prints_dots_never_a_guess(per_agency):
    texts, _ = _sections(per_agency[3])[0]
    start = texts.index(f"Yth. {DOTS}")
    assert texts[start + 1 : start + 3] == ["Instansi Nomor 3", f"di {DOTS}"]


def test_a_recorded_letter_carries_its_number_and_date_instead_of_the_draft_ones():
    recorded = _letter(
        2,
        "konfirmasi_1",
        1,
        letter_no="B-777/Kemensetneg/D-4/DM.04.01/11/2026",
        letter_date=dt.date(2026, 11, 24),
        id=5,
    )
    texts, tables = _sections(files.reminder_documents(settings(), [recorded], ON)[2])[0]
    head = next(t for t in tables if t[0][0] == "Nomor")
    assert head[0][2] == "B-777/Kemensetneg/D-4/DM.04.01/11/2026"
    assert "Jakarta, 24 November 2026" in (head[0][3], *texts)


def test_the_list_workbook_has_a_row_per_letter_reminded_and_the_letters_left_out():
    left_out = [
        LeftOutLetter(
            "PM-9",
            "B-9/X/2026",
            dt.date(2026, 1, 5),
            "Instansi Nomor 9",
            "reminded_twice",
            dt.date(2026, 8, 3),
        )
    ]
    data = files.list_workbook(
        settings(),
        LETTERS,
        left_out,
        ON,
        lang="id",
        title="Daftar surat konfirmasi",
        generated="Dibuat",
    )
    book = openpyxl.load_workbook(io.BytesIO(data))
    letters, gone = book.worksheets
    table = [[c.value for c in row] for row in letters.iter_rows(min_row=5)]
    assert table[0][:5] == [
        "Instansi",
        "Jenis surat konfirmasi",
        "Nomor surat konfirmasi",
        "Tanggal surat konfirmasi",
        "No Agenda",
    ]
    assert len(table) - 1 == sum(len(x.letters) for x in LETTERS) == 10
    first = table[1]
    assert first[:3] == [
        "Instansi Nomor 1",
        "Surat konfirmasi I",
        "B-.../Kemensetneg/D-4/DM.00.00/11/2026",
    ]
    assert first[3].date() == ON and first[8] == 1191
    assert [c.value for c in gone[6]][4] == "sudah dua kali dikonfirmasi"
    assert letters.page_setup.paperSize == 9 and letters.print_title_rows == "$5:$5"


def test_user_text_in_the_list_stays_text_never_a_formula():
    hostile = ListedLetter(
        1, 1, "=1+1", '=HYPERLINK("http://x")', dt.date(2026, 3, 2), "@SUM(A1)", 5
    )
    letter = ReminderLetter(1, "=cmd|' /C calc'!A0", None, None, "konfirmasi_1", (hostile,))
    data = files.list_workbook(settings(), [letter], [], ON, lang="en", title="T", generated="")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [c for row in sheet.iter_rows(min_row=6) for c in row if c.value is not None]
    assert {c.data_type for c in cells if isinstance(c.value, str)} == {"s"}
    assert "=1+1" in [c.value for c in cells]


def test_the_zip_holds_each_agencys_file_the_combined_file_and_the_list():
    data = files.bundle(settings(), LETTERS, ON, b"xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert names == [
            "konfirmasi-instansi-nomor-1.docx",
            "konfirmasi-instansi-nomor-2.docx",
            "konfirmasi-instansi-nomor-3.docx",
            files.COMBINED,
            files.LIST,
        ]
        assert len(_sections(archive.read(files.COMBINED))) == 4
        assert _agendas(_sections(archive.read(names[1]))[0][1]) == [
            "PM-02-0001",
            "PM-02-0002",
            "PM-02-0003",
            "PM-02-0004",
        ]


def test_file_names_stay_distinct_and_plain_for_any_agency_name():
    same = [_letter(i, "konfirmasi_1", 1, agency="Dinas Pendidikan / Kota Bekasi") for i in (1, 2)]
    odd = _letter(3, "konfirmasi_1", 1, agency="Badan Ñusantara:*?")
    assert files.file_names([*same, odd]) == {
        1: "konfirmasi-dinas-pendidikan-kota-bekasi.docx",
        2: "konfirmasi-dinas-pendidikan-kota-bekasi-2.docx",
        3: "konfirmasi-badan-nusantara.docx",
    }
