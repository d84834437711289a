"""Official document drafts: page, kop, font, numbers and placeholders, read back with python-docx.

The helpers and fixtures here are shared with tests/test_documents_letters.py.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.shared import Pt

from dumas.render.documents import BUILDERS, DOTS, letter_number
from dumas.render.documents.inputs import MonitoringDocument

ON = dt.date(2026, 5, 12)
KOP = [
    "KEMENTERIAN SEKRETARIAT NEGARA REPUBLIK INDONESIA",
    "DEPUTI BIDANG HUBUNGAN KELEMBAGAAN DAN KEMASYARAKATAN",
    "Jalan Veteran No. 17-18, Jakarta 10110",
]
ASDEP = {
    "title": "Asisten Deputi Pengaduan Masyarakat",
    "name": "Dr. Siti Rahma, S.H.",
    "nip": "197001011995032001",
}
DEPUTI = {
    "title": "Deputi Bidang Hubungan Kelembagaan dan Kemasyarakatan",
    "name": "Budi Santoso",
    "nip": "196801011990031001",
}
PPK = {"title": "Pejabat Pembuat Komitmen", "name": "Agus Salim", "nip": "197505052000031002"}
BIRO = {"title": "Kepala Biro Keuangan", "name": "Wati Lestari", "nip": "197202022000032002"}
LEAD = {
    "name": "Rina Wulandari",
    "nip": "198001012005012001",
    "rank": "Pembina (IV/a)",
    "position": "Kepala Bidang",
    "is_lead": True,
}
ANALYST = {
    "name": "Dedi Kurniawan",
    "nip": None,
    "rank": None,
    "position": "Analis",
    "is_lead": False,
}


def settings(**overrides: object) -> dict:
    """The unit's settings, Bookman Old Style so a default font would show."""
    officials = {"asdep": ASDEP, "deputi": DEPUTI, "ppk": PPK, "kepala_biro_keuangan": BIRO}
    return {
        "letterhead": KOP,
        "font_name": "Bookman Old Style",
        "font_size": 12,
        "city": "Jakarta",
        "security_code": "B",
        "agency_code": "Kemensetneg",
        "unit_code": "D-4",
        "archive_code": "DM.00.00",
        "officials": officials,
        **overrides,
    }


def letter(agenda_no: str, seq: int, day: int) -> dict:
    """A forwarding letter still awaiting a response."""
    return {
        "agenda_no": agenda_no,
        "letter_no": f"B-{seq}/Kemensetneg/D-4/DM.00.00/01/2026",
        "letter_date": dt.date(2026, 1, day),
        "summary": "Sengketa tanah ulayat di Kabupaten Bekasi",
        "status": "Belum ditanggapi",
        "age_wd": 80,
    }


def monitoring(**overrides: object) -> MonitoringDocument:
    """A Kabid-led field visit to the Ministry of Home Affairs with two letters to chase."""
    fields: dict[str, Any] = {
        "id": 7,
        "level": "kabid",
        "method": "kunjungan_lapangan",
        "agency": "Kementerian Dalam Negeri",
        "agency_head": "Menteri Dalam Negeri",
        "agency_city": "Jakarta",
        "province": "DKI Jakarta",
        "schedule_from": dt.date(2026, 5, 18),
        "schedule_to": dt.date(2026, 5, 21),
        "days": 4,
        "plan_title": "Rencana Pemantauan Semester I",
        "plan_period": "Januari–Juni 2026",
        "approved_on": dt.date(2026, 5, 4),
        "team": [LEAD, ANALYST],
        "letters": [letter("D-2026-0101", 55, 10), letter("D-2026-0102", 56, 12)],
        "scope": {
            "purpose": "Mengklarifikasi tindak lanjut dua surat penerusan",
            "partner": "Inspektorat Jenderal",
            "mechanism": "Rapat koordinasi dan klarifikasi",
            "expected_results": "Tanggapan tertulis atas kedua surat",
            "expected_relationship": "Kerja sama penanganan pengaduan yang berkelanjutan",
        },
        "documents": {},
        "costs": [],
        "activities": [],
        "agreements": [],
        "results": [],
        "report": {},
        **overrides,
    }
    return MonitoringDocument(**fields)


def open_docx(data: bytes) -> Document:
    """The bytes read back as a python-docx document."""
    return docx.Document(io.BytesIO(data))


def lines(doc: Document) -> list[str]:
    """Every body paragraph's text, then every table cell's text."""
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return [p.text for p in doc.paragraphs] + cells


def rows(table: object) -> list[list[str]]:
    """A table's cell texts row by row."""
    return [[c.text for c in row.cells] for row in table.rows]


def table_with(doc: Document, header_cell: str) -> list[list[str]]:
    """The rows of the first table whose header row holds `header_cell`."""
    return next(rows(t) for t in doc.tables if header_cell in rows(t)[0])


def signature_of(doc: Document, title: str) -> tuple[str, str]:
    """The name and NIP lines under the signatory's title (which ends with a comma)."""
    texts = [p.text for p in doc.paragraphs]
    after = texts[texts.index(f"{title},") + 1 :]
    name, nip = [t for t in after if t][:2]
    return name, nip


def _build(kind: str, **overrides: object) -> Document:
    return open_docx(BUILDERS[kind](settings(), monitoring(**overrides), ON))


TITLES = {
    "memo_deputi": "MEMORANDUM",
    "surat_tugas": "SURAT PERINTAH",
    "memo_keuangan": "MEMORANDUM",
    "daftar_berkas": "DAFTAR BERKAS YANG AKAN DIKLARIFIKASI",
    "laporan_substansi": "LAPORAN HASIL PEMANTAUAN TINDAK LANJUT PENGADUAN MASYARAKAT",
}


@pytest.mark.parametrize("kind", sorted(TITLES))
def test_each_document_opens_with_its_centred_title(kind: str):
    doc = _build(kind)
    first = next(p for p in doc.paragraphs if p.text)
    assert first.text == TITLES[kind]
    assert first.alignment == 1  # centred
    assert first.runs[0].bold


def test_every_document_kind_has_a_builder():
    expected = {"memo_deputi", "surat_tugas", "memo_keuangan", "daftar_berkas"}
    assert set(BUILDERS) == expected | {"surat_instansi", "laporan_substansi"}


@pytest.mark.parametrize(
    ("kind", "seq", "expected"),
    [
        ("surat_tugas", "...", "B-.../Kemensetneg/D-4/DM.00.00/05/2026"),
        ("surat_instansi", "123", "B-123/Kemensetneg/D-4/DM.00.00/05/2026"),
        ("memo_deputi", "...", ".../D-4/DM.00.00/05/2026"),
        ("memo_keuangan", "45", "45/D-4/DM.00.00/05/2026"),
    ],
)
def test_letter_numbers_are_built_from_the_configured_parts(kind: str, seq: str, expected: str):
    assert letter_number(settings(), kind, ON, seq) == expected


def test_a_letter_number_carries_the_month_with_two_digits_and_the_security_code():
    restricted = settings(security_code="R")
    assert letter_number(restricted, "surat_tugas", dt.date(2026, 1, 5)) == (
        "R-.../Kemensetneg/D-4/DM.00.00/01/2026"
    )


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_the_kop_is_in_the_first_page_header_only(kind: str):
    doc = _build(kind)
    section = doc.sections[0]
    assert section.different_first_page_header_footer
    assert [p.text for p in section.first_page_header.paragraphs] == KOP
    later_pages = " ".join(p.text for p in section.header.paragraphs)
    body = " ".join(lines(doc))
    assert all(line not in later_pages and line not in body for line in KOP)


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_every_document_is_a4_with_the_official_margins_and_the_configured_font(kind: str):
    doc = _build(kind)
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = (section.left_margin, section.right_margin, section.bottom_margin)
    assert [round(m.cm, 2) for m in margins] == [3.0, 2.0, 2.5]
    normal = doc.styles["Normal"]
    assert (normal.font.name, normal.font.size) == ("Bookman Old Style", Pt(12))
    runs = [r for p in doc.paragraphs for r in p.runs]
    assert runs and all(r.font.name is None for r in runs)  # every run inherits it


@pytest.mark.parametrize("kind", ["surat_tugas", "surat_instansi", "memo_deputi"])
def test_a_draft_leaves_the_running_number_to_the_registry(kind: str):
    text = "\n".join(lines(_build(kind)))
    draft = letter_number(settings(), kind, ON)
    assert draft.count("...") == 1 and draft in text


@pytest.mark.parametrize("kind", ["surat_tugas", "memo_keuangan"])
def test_a_signed_document_shows_its_recorded_number_and_signing_date(kind: str):
    recorded = {
        "letter_no": "B-123/Kemensetneg/D-4/DM.00.00/05/2026",
        "signed_on": ON.replace(day=14),
    }
    text = "\n".join(lines(_build(kind, documents={kind: recorded})))
    assert f"Nomor {recorded['letter_no']}" in text
    assert "14 Mei 2026" in text and "12 Mei 2026" not in text
    assert letter_number(settings(), kind, ON) not in text


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_a_nearly_empty_monitoring_still_builds_with_dotted_placeholders(kind: str):
    bare = BUILDERS[kind]({}, MonitoringDocument(level="kabid"), ON)
    text = "\n".join(lines(open_docx(bare)))
    assert DOTS in text
    assert "None" not in text


def test_an_official_without_a_configured_name_signs_as_dots():
    officials = {"asdep": {"title": "", "name": "", "nip": ""}}
    doc = open_docx(BUILDERS["surat_tugas"](settings(officials=officials), monitoring(), ON))
    # the office title falls back to the SOP's name for it; name and NIP are left to fill in
    assert signature_of(doc, "Asisten Deputi Pengaduan Masyarakat") == (DOTS, f"NIP {DOTS}")


def test_an_acting_official_signs_with_plt_before_the_title():
    officials = {"asdep": {**ASDEP, "acting": "Plt."}}
    doc = open_docx(BUILDERS["surat_tugas"](settings(officials=officials), monitoring(), ON))
    assert signature_of(doc, f"Plt. {ASDEP['title']}") == (ASDEP["name"], f"NIP {ASDEP['nip']}")


def test_control_characters_in_user_text_are_stripped():
    dirty = monitoring(
        agency="Kementerian\x00 Dalam\x0b Negeri\x1f",
        letters=[{**letter("D-2026-0101", 55, 10), "summary": "Tanah\x07 ulayat\x1b"}],
    )
    doc = open_docx(BUILDERS["memo_deputi"](settings(), dirty, ON))
    text = "\n".join(lines(doc))
    assert "Kementerian Dalam Negeri" in text and "Tanah ulayat" in text
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", text)


def test_user_text_is_written_literally_never_interpreted():
    odd = "<w:b/> & {agency} %s"
    doc = open_docx(BUILDERS["surat_instansi"](settings(), monitoring(agency_head=odd), ON))
    assert f"Yth. {odd}" in lines(doc)


def test_an_attachment_starts_on_a_new_page_headed_lampiran():
    doc = _build("memo_deputi")
    texts = [p.text for p in doc.paragraphs]
    at = texts.index("Lampiran")
    assert doc.paragraphs[at - 1]._p.xpath(".//w:br/@w:type") == ["page"]
