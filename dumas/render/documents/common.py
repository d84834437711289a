"""Plain-data helpers shared by the documents: placeholders, numbers, officials, phrases."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import NotRequired, TypedDict

from dumas.domain import sop
from dumas.domain.codes import DocumentKind, Level, Method
from dumas.i18n import fmt_date, fmt_int, fmt_rupiah
from dumas.render.documents.inputs import (
    DocumentSettings,
    MonitoringDocument,
    NumberingCode,
    TeamMember,
)

DOTS = "...................."  # what an editor fills in by hand when a value is missing
SEQ_DRAFT = "..."  # the running number: the registry assigns it at signing
# Internal memoranda; the other documents are external letters.
MEMORANDA = (DocumentKind.MEMO_DEPUTI, DocumentKind.MEMO_KEUANGAN)

# Characters XML 1.0 forbids (tab, newline and carriage return are allowed).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Offices are fixed by the SOP, so a title that is not configured falls back to its name.
_TITLES = {
    "asdep": "Asisten Deputi Pengaduan Masyarakat",
    "deputi": "Deputi Bidang Hubungan Kelembagaan dan Kemasyarakatan",
    "ppk": "Pejabat Pembuat Komitmen",
    "kepala_biro_keuangan": "Kepala Biro Keuangan",
}
_SECRECY = {"B": "Biasa", "T": "Terbatas", "R": "Rahasia", "SR": "Sangat Rahasia"}
_METHODS = {
    Method.KUNJUNGAN_LAPANGAN: "secara langsung melalui kunjungan lapangan",
    Method.KLARIFIKASI_BERKAS: "secara tidak langsung melalui klarifikasi berkas",
    Method.KONTAK_ELEKTRONIK: "secara tidak langsung melalui media komunikasi elektronik",
    Method.SURAT_RESMI: "secara tidak langsung melalui surat resmi",
}
SOP = sop.TITLE


class Signer(TypedDict):
    """A signatory as printed: title, name and NIP as text, "Plt."/"Plh." when acting."""

    title: str
    name: str
    nip: str
    acting: NotRequired[str]


def clean(value: object) -> str:
    """`value` as text without XML-invalid characters, or the dotted placeholder if empty."""
    if value is None:
        return DOTS
    text = _INVALID_XML.sub("", str(value)).strip()
    return text or DOTS


@functools.lru_cache(maxsize=4096)  # a long list repeats its dates; babel is slow
def date_text(value: dt.date | None) -> str:
    """A date as "12 Mei 2026", or the dotted placeholder."""
    return fmt_date(value, "id") if value else DOTS


def rupiah(amount: int | None) -> str:
    """An amount as "Rp1.500.000", or the dotted placeholder."""
    return DOTS if amount is None else fmt_rupiah(amount, "id")


def count(value: int | None) -> str:
    """A whole number with Indonesian grouping, or the dotted placeholder."""
    return DOTS if value is None else fmt_int(value, "id")


def period(start: dt.date | None, end: dt.date | None, between: str = " s.d. ") -> str:
    """ "12 Mei 2026 s.d. 15 Mei 2026", a single date when both are equal."""
    if start and start == end:
        return date_text(start)
    return f"{date_text(start)}{between}{date_text(end)}"


def letter_number(settings: DocumentSettings, kind: str, on: dt.date, seq: str = SEQ_DRAFT) -> str:
    """The letter number of a `kind` document: external letters carry security and agency."""
    unit = _code(settings, "unit_code")
    tail = f"{unit}/{_code(settings, 'archive_code')}/{on:%m}/{on:%Y}"
    if kind in MEMORANDA:
        return f"{seq}/{tail}"
    security = _code(settings, "security_code", "B")
    return f"{security}-{seq}/{_code(settings, 'agency_code')}/{tail}"


def issue(
    settings: DocumentSettings, monitoring: MonitoringDocument, kind: str, on: dt.date
) -> tuple[str, dt.date]:
    """The number and date of a document: as recorded once signed, else a draft number."""
    recorded = monitoring.documents.get(kind)
    if recorded and recorded.get("letter_no"):
        return clean(recorded["letter_no"]), recorded.get("signed_on") or on
    return letter_number(settings, kind, on), on


def recorded(monitoring: MonitoringDocument, kind: str) -> tuple[str, str]:
    """The recorded number and date of an earlier document, dotted when not yet signed."""
    entry = monitoring.documents.get(kind) or {}
    return clean(entry.get("letter_no")), date_text(entry.get("signed_on"))


def official(settings: DocumentSettings, key: str) -> Signer:
    """An official's title, name and nip as text; a missing title falls back to the office."""
    entry = (settings.get("officials") or {}).get(key) or {}
    title = entry.get("title") or _TITLES.get(key)
    result: Signer = {
        "title": clean(title),
        "name": clean(entry.get("name")),
        "nip": clean(entry.get("nip")),
    }
    if entry.get("acting"):  # "Plt." or "Plh." before the title of an acting official
        result["acting"] = clean(entry["acting"])
    return result


def team_lead(monitoring: MonitoringDocument) -> TeamMember:
    """The first team member marked as lead, else the first member, else an empty member."""
    team = monitoring.team
    leads = [m for m in team if m.get("is_lead")]
    return (leads or team or [{}])[0]


def as_signer(member: TeamMember, title: str) -> Signer:
    """A team member as a signatory with the given title."""
    return {"title": title, "name": clean(member.get("name")), "nip": clean(member.get("nip"))}


def recipient_key(monitoring: MonitoringDocument) -> str:
    """Who receives the substance report: the Deputi for Asdep-led work, else the Asdep."""
    return "deputi" if monitoring.level == Level.ASDEP else "asdep"


def secrecy(settings: DocumentSettings) -> str:
    """The "Sifat" of a letter from the security code."""
    return _SECRECY.get(settings.get("security_code") or "B", DOTS)


def method_phrase(monitoring: MonitoringDocument) -> str:
    """How the monitoring is carried out, as a phrase for a sentence."""
    return _METHODS.get(monitoring.method or "", DOTS)


def is_direct(monitoring: MonitoringDocument) -> bool:
    """Whether the monitoring is a field visit (the only direct method)."""
    return monitoring.method == Method.KUNJUNGAN_LAPANGAN


def agency(monitoring: MonitoringDocument) -> str:
    """The agency's name as text."""
    return clean(monitoring.agency)


def locus(monitoring: MonitoringDocument) -> str:
    """The province of the monitoring, or the placeholder."""
    return clean(monitoring.province)


def destination(monitoring: MonitoringDocument) -> str:
    """Where the team travels: the agency's city and the province, as known."""
    parts = [monitoring.agency_city, monitoring.province]
    known = [clean(p) for p in parts if p and clean(p) != DOTS]
    return ", ".join(dict.fromkeys(known)) or DOTS


def _code(settings: DocumentSettings, key: NumberingCode, default: str = SEQ_DRAFT) -> str:
    """A numbering code from the settings, "..." when not configured."""
    value = settings.get(key)
    return clean(value) if value else default


def grounds(settings: DocumentSettings, then: list[str]) -> list[str]:
    """The Dasar items: the legal basis of the settings (the SOP's Dasar Hukum when none is
    given), then `then` (the approved plan, the assignment letter); each ends with ";", the
    last with "."."""
    basis = [clean(item).rstrip(";.") for item in settings.get("legal_basis") or sop.LEGAL_BASIS]
    items = [*basis, *(item.rstrip(";.") for item in then)]
    return [f"{item}{'.' if i == len(items) else ';'}" for i, item in enumerate(items, 1)]


_UNITS = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
          "sepuluh", "sebelas")  # fmt: skip


def in_words(n: int) -> str:
    """A whole number 0-99 in Indonesian words ("empat belas"), for "14 (empat belas)"."""
    if n < 12:
        return _UNITS[n] or "nol"
    if n < 20:
        return f"{_UNITS[n - 10]} belas"
    tens, units = divmod(n, 10)
    return f"{_UNITS[tens]} puluh {_UNITS[units]}".strip()


def files(n: int) -> str:
    """The Lampiran line of a document with `n` attachments: "1 (satu) berkas"."""
    return f"{n} ({in_words(n)}) berkas"


def reply_deadline(settings: DocumentSettings) -> str:
    """The reply deadline asked of an agency: "14 (empat belas) hari kerja" (the unit's own
    standard, a setting)."""
    days = int(settings.get("reply_days") or 14)
    return f"{days} ({in_words(days)}) hari kerja"
