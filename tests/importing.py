"""Spreadsheets for the import tests, written by the tests themselves."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from dumas.importer.model import CANONICAL

HEADERS = list(CANONICAL.values())
KEMENDAGRI = "Kementerian Dalam Negeri"
BPN = "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional"


def row(**values: object) -> list[object]:
    """A data row in canonical column order; unnamed cells stay empty."""
    base = {
        "agenda_no": "IMP-0001",
        "received_on": dt.date(2026, 3, 2),
        "complainant_name": "Budi Santoso",
        "channel": "Surat",
        "province": "DKI Jakarta",
        "regency": "Kota Jakarta Pusat",
        "reported_agency": KEMENDAGRI,
        "problem_code": "02",
        "category": "Pelayanan Publik",
        "summary": "Layanan KTP elektronik tertunda",
        "agency": KEMENDAGRI,
        "letter_no": "B-1/D-4/DM.04.00/03/2026",
        "letter_date": dt.date(2026, 3, 4),
    }
    base.update(values)
    return [base.get(field) for field in CANONICAL]


def xlsx(rows: list[list[object]], *, title: bool = True) -> bytes:
    """A workbook with a title row above the header, as offices keep them."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["REKAP TINDAK LANJUT PENGADUAN MASYARAKAT"])
        sheet.append([])
    sheet.append(HEADERS)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
