"""Settings an administrator edits (letterhead, letter-number parts, officials, font, the
unit's own time standards, the legal basis), with the defaults of docs/letters.md for
every key not stored in table `setting`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from dumas.domain import sop
from dumas.domain.deadlines import UNIT_DEFAULTS, unit_number

if TYPE_CHECKING:  # the documents package loads python-docx: not needed to read settings
    from dumas.render.documents.inputs import DocumentSettings

OFFICIALS = ("asdep", "deputi", "ppk", "kepala_biro_keuangan")
OFFICIAL_TITLES = {
    "asdep": "Asisten Deputi Pengaduan Masyarakat",
    "deputi": "Deputi Bidang Hubungan Kelembagaan dan Kemasyarakatan",
    "ppk": "Pejabat Pembuat Komitmen",
    "kepala_biro_keuangan": "Kepala Biro Keuangan",
}
SECURITY_CODES = ("B", "T", "R", "SR")

# Flat keys as stored; the letterhead is one line of text per line of the kop.
DEFAULTS: dict[str, str] = {
    "letterhead": "\n".join(
        (
            "KEMENTERIAN SEKRETARIAT NEGARA REPUBLIK INDONESIA",
            "DEPUTI BIDANG HUBUNGAN KELEMBAGAAN DAN KEMASYARAKATAN",
            "Jalan Veteran No. 17-18, Jakarta 10110",
        )
    ),
    "font_name": "Arial",
    "font_size": "12",
    "city": "Jakarta",
    "security_code": "B",
    "agency_code": "Kemensetneg",
    "unit_code": "D-4",
    "archive_code": "DM.00.00",
    **{f"official.{who}.title": title for who, title in OFFICIAL_TITLES.items()},
    **{f"official.{who}.name": "" for who in OFFICIALS},
    **{f"official.{who}.nip": "" for who in OFFICIALS},
    # issue 14: the unit's own standards (not the SOP's) and the legal basis documents cite
    **UNIT_DEFAULTS,
    "legal_basis": "\n".join(sop.LEGAL_BASIS),  # one item per line, in order
}


def stored(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every key with its value: the stored one, else the default."""
    rows = dict(cur.execute("SELECT key, value FROM setting").fetchall())
    return {key: rows.get(key, default) for key, default in DEFAULTS.items()}


def for_documents(cur: duckdb.DuckDBPyConnection) -> DocumentSettings:
    """The settings in the shape the document builders take (dumas/render/documents)."""
    flat = stored(cur)
    return {
        "letterhead": [line for line in flat["letterhead"].splitlines() if line.strip()],
        "font_name": flat["font_name"],
        "font_size": int(flat["font_size"]) if flat["font_size"].isdigit() else 12,
        "city": flat["city"],
        "security_code": flat["security_code"],
        "agency_code": flat["agency_code"],
        "unit_code": flat["unit_code"],
        "archive_code": flat["archive_code"],
        "officials": {
            who: {
                "title": flat[f"official.{who}.title"],
                "name": flat[f"official.{who}.name"],
                "nip": flat[f"official.{who}.nip"],
            }
            for who in OFFICIALS
        },
        "legal_basis": legal_basis(flat["legal_basis"]),
        "reply_days": unit_number(cur, "agency_reply_days"),
    }


def legal_basis(text: str) -> list[str]:
    """The legal basis as a list: one item per non-empty line, the SOP's list if none."""
    items = [line.strip() for line in text.splitlines() if line.strip()]
    return items or list(sop.LEGAL_BASIS)


# The periodic report's route (dumas/domain/report_flow.py): whom the report is addressed
# to, which official forwards it (one of OFFICIALS: the document shows their title and
# name), and the working day of the month after the period by which it is due.
REPORT_DEFAULTS: dict[str, str] = {
    "report.addressee": "Menteri Sekretaris Negara",
    "report.forwarding_official": "deputi",
    "report.due_working_day": "5",
}
DEFAULTS.update(REPORT_DEFAULTS)
DUE_DAYS = range(1, 21)  # the due working day a setting may name


def report_route(cur: duckdb.DuckDBPyConnection) -> dict:
    """The addressee, the forwarding official (title, name, nip) and the due working day."""
    flat = stored(cur)
    who = flat["report.forwarding_official"]
    who = who if who in OFFICIALS else REPORT_DEFAULTS["report.forwarding_official"]
    day = flat["report.due_working_day"]
    return {
        "addressee": flat["report.addressee"],
        "forwarding_official": {part: flat[f"official.{who}.{part}"]
                                for part in ("title", "name", "nip")},
        "due_working_day": int(day) if day.isdigit() and int(day) in DUE_DAYS else 5,
    }  # fmt: skip
