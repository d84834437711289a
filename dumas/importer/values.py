"""Cell parsers: a cell as read (text, number, date) to a clean value, or a CellError."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import duckdb

from dumas.domain import calendar
from dumas.domain.codes import Channel, Coded, ReferenceList, ResponseStatus
from dumas.domain.text import BIDI_CONTROL
from dumas.i18n import MESSAGES
from dumas.importer.cells import PLACEHOLDERS
from dumas.importer.dates import date_from_cell

MAX_TEXT = 4000  # characters in one text cell
_WORD = re.compile(r"[^\W_]+")


class CellError(Exception):
    """A cell that cannot be read: a catalogue key and its placeholders."""

    def __init__(self, key: str, params: dict[str, object] | None = None) -> None:
        super().__init__(key)
        self.key = key
        self.params = dict(params or {})


def shown(value: object) -> str:
    """A cell as the clerk sees it, for messages: 123.0 -> "123", spaces collapsed."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def parse_text(value: object) -> str | None:
    """Trimmed text with inner whitespace collapsed; None when empty; too long is an error."""
    (text,) = parse_text_column([value])
    if isinstance(text, CellError):
        raise text
    return text


def parse_text_column(cells: Sequence[object]) -> list[object]:
    """parse_text over a whole column, in C loops: text, None if blank, CellError if too long."""
    try:
        texts = list(map(" ".join, map(str.split, cells)))
    except TypeError:  # numbers, dates or None among the text
        cells = [_as_text(cell) for cell in cells]
        texts = list(map(" ".join, map(str.split, cells)))
    column: list[object] = [t if t and t not in PLACEHOLDERS else None for t in texts]
    if max(map(len, texts), default=0) > MAX_TEXT:
        column = [_too_long(t) if isinstance(t, str) and len(t) > MAX_TEXT else t for t in column]
    if BIDI_CONTROL.search("".join(texts)):  # one C scan of the column; rare, so then per cell
        column = [_hidden(t) if _is_hidden(t) else t for t in column]
    return column


def _as_text(cell: object) -> str:
    return cell if type(cell) is str else "" if cell is None else shown(cell)


def _is_hidden(text: object) -> bool:
    return isinstance(text, str) and BIDI_CONTROL.search(text) is not None


def _hidden(text: str) -> CellError:
    return CellError("import.error.bidi_control")


def _too_long(text: str) -> CellError:
    return CellError("import.error.too_long", {"length": len(text), "max": MAX_TEXT})


def key(value: object) -> str:
    """Matching key of a coded value: case, spaces and punctuation ignored."""
    return "".join(_WORD.findall(shown(value).lower()))


def parse_date(value: object) -> dt.date:
    """A date from an Excel date cell, an Excel serial number or a written date."""
    found = date_from_cell(value)
    if found is None:
        raise CellError("import.error.bad_date", {"value": shown(value)})
    if not calendar.in_range(found):  # the working-day calendar covers 2000-2040
        raise CellError("import.error.date_out_of_range", {"value": shown(value)})
    return found


# ---- coded values ---------------------------------------------------------------------


def _codes(written: dict[Coded, tuple[str, ...]]) -> dict[str, str]:
    """Key -> code from the written forms, the codes and the catalogue labels (id, en)."""
    table: dict[str, str] = {}
    for code, forms in written.items():
        labels = [MESSAGES[lang].get(code.label_key, "") for lang in MESSAGES]
        for form in (*forms, code.value, *labels):
            if form:
                table.setdefault(key(form), code.value)
    return table


CHANNELS = _codes(
    {
        Channel.SURAT: ("Surat", "Pos", "Surat tertulis"),
        Channel.EMAIL: ("Email", "E-mail", "Surel"),
        Channel.LAPOR: ("SP4N-LAPOR!", "LAPOR!", "Lapor", "SP4N LAPOR"),
        Channel.LANGSUNG: ("Datang langsung", "Langsung", "Tatap muka"),
        Channel.WHATSAPP: ("WhatsApp", "WA", "Whats App"),
    },
)
STATUSES = _codes(
    {
        ResponseStatus.DALAM_PROSES: ("Dalam proses", "Proses", "Sedang diproses"),
        ResponseStatus.SELESAI: ("Selesai", "Tuntas"),
        ResponseStatus.BUKAN_KEWENANGAN: ("Bukan kewenangan",),
        ResponseStatus.TIDAK_DAPAT_DITINDAKLANJUTI: ("Tidak dapat ditindaklanjuti",),
        ResponseStatus.PERLU_KLARIFIKASI: ("Perlu klarifikasi",),
    },
)


def parse_channel(value: object, lookups: Lookups | None = None) -> str:
    """Saluran -> channel code (surat, email, lapor, langsung, whatsapp)."""
    table = CHANNELS if lookups is None else lookups.channels
    return _coded(value, table, "import.error.unknown_channel")


def parse_status(value: object, lookups: Lookups | None = None) -> str:
    """Status Tanggapan -> status code (dalam_proses, selesai, ...)."""
    table = STATUSES if lookups is None else lookups.statuses
    return _coded(value, table, "import.error.unknown_status")


def _coded(value: object, table: dict[str, str], error: str) -> str:
    """The code whose key matches the cell's, else CellError(error)."""
    code = table.get(key(value))
    if code is None:
        raise CellError(error, {"value": shown(value)})
    return code


# ---- reference tables -----------------------------------------------------------------

# The common short forms and old names ("Jatim", "DIY", "Irian Jaya") are shipped in
# data/reference/reference_aliases.csv, with those of the other lists (table reference_alias).
_TABLE_OF: dict[str, str] = {
    ReferenceList.CATEGORY: "categories",
    ReferenceList.CHANNEL: "channels",
    ReferenceList.PROVINCE: "provinces",
    ReferenceList.PROBLEM_CODE: "problem_codes",
    ReferenceList.RESPONSE_STATUS: "statuses",
}
_PROVINCE_PREFIXES = ("provinsi", "propinsi", "prov")
_LEADING_CODE = re.compile(r"(\d{1,2})(?!\d)\W*(.*)")
_REFERENCE_SQL = {
    "province": "SELECT code, name FROM province ORDER BY code",
    "problem_code": "SELECT code, name FROM problem_code ORDER BY code",
    "category": "SELECT code, name FROM category ORDER BY code",
}


@dataclass(frozen=True)
class Lookups:
    """Reference tables as matching key -> code, for provinces, problem codes, categories;
    channels and statuses (their codes, written forms and the database's aliases)."""

    provinces: dict[str, str] = field(default_factory=dict)
    problem_codes: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=lambda: dict(CHANNELS))
    statuses: dict[str, str] = field(default_factory=lambda: dict(STATUSES))

    def of(self, listed: str) -> dict[str, str]:
        """The table of one list (a ReferenceList value: "category", "channel", ...)."""
        return getattr(self, _TABLE_OF[listed])


def lookups_from_db(cur: duckdb.DuckDBPyConnection) -> Lookups:
    """Build the lookups from the reference tables of the database and their aliases (a
    master code or name wins over an alias with the same key)."""
    tables = {name: cur.execute(sql).fetchall() for name, sql in _REFERENCE_SQL.items()}
    found = Lookups(
        provinces=_keyed(tables["province"], province_key),
        problem_codes=_keyed(tables["problem_code"], key),
        categories=_keyed(tables["category"], key),
    )
    aliases = cur.execute("SELECT list, alias_key, code FROM reference_alias ORDER BY ALL")
    for listed, alias, code in aliases.fetchall():
        found.of(listed).setdefault(alias, code)
    return found


def _keyed(rows: list[tuple[str, str]], keyer: Callable[[object], str]) -> dict[str, str]:
    """Key of the code and key of the name -> code."""
    table: dict[str, str] = {}
    for code, name in rows:
        table.setdefault(keyer(code), code)
        table.setdefault(keyer(name), code)
    return table


def province_key(value: object) -> str:
    """Matching key of a province: no leading "Provinsi"/"Prov.", "Kep." is "Kepulauan"."""
    words = _WORD.findall(shown(value).lower())
    if len(words) > 1 and words[0] in _PROVINCE_PREFIXES:
        words = words[1:]
    return "".join("kepulauan" if word == "kep" else word for word in words)


def parse_province(value: object, lookups: Lookups) -> str:
    """Provinsi (code, name or common short form) -> Kemendagri code."""
    code = lookups.provinces.get(province_key(value))
    if code is None:
        raise CellError("import.error.unknown_province", {"value": shown(value)})
    return code


def parse_problem_code(value: object, lookups: Lookups) -> str:
    """Kode Masalah: "1", "01", 1.0, "01 Penyalahgunaan wewenang" or the name -> '01'."""
    codes = lookups.problem_codes
    match = _LEADING_CODE.fullmatch(shown(value))
    if match is None:
        code = codes.get(key(value))
    else:
        code = codes.get(match[1].zfill(2))
        rest = key(match[2])
        if rest and codes.get(rest) != code:
            code = None  # the name after the number names another code, or none
    if code is None:
        raise CellError("import.error.unknown_problem_code", {"value": shown(value)})
    return code


def parse_category(value: object, lookups: Lookups) -> str:
    """Kategori (code or name) -> category code."""
    return _coded(value, lookups.categories, "import.error.unknown_category")


def alias_key(listed: str, value: object) -> str:
    """The matching key of a value of one list, as reference_alias.alias_key holds it."""
    return province_key(value) if listed == ReferenceList.PROVINCE else key(value)
