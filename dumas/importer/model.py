"""The import's data: canonical columns, a raw sheet, parsed records and row errors."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from dumas.domain.errors import DomainError, Message

# field -> canonical header (the template's header row, in this order)
CANONICAL: dict[str, str] = {
    "agenda_no": "No Agenda",
    "received_on": "Tanggal Diterima",
    "complainant_name": "Pengadu",
    "channel": "Saluran",
    "province": "Provinsi",
    "regency": "Kabupaten/Kota",
    "reported_agency": "Instansi Terlapor",
    "problem_code": "Kode Masalah",
    "category": "Kategori",
    "summary": "Ringkasan",
    "agency": "Instansi Tujuan",
    "letter_no": "No Surat Penerusan",
    "letter_date": "Tanggal Surat Penerusan",
    "response_no": "No Surat Tanggapan",
    "response_date": "Tanggal Tanggapan",
    "response_status": "Status Tanggapan",
    "response_summary": "Ringkasan Tanggapan",
}
REQUIRED_COLUMNS = ("agenda_no", "received_on", "agency", "letter_no", "letter_date")
COMPLAINT_FIELDS = (
    "received_on",
    "complainant_name",
    "channel",
    "province",
    "regency",
    "reported_agency",
    "problem_code",
    "category",
    "summary",
)


@dataclass(frozen=True)
class Unmatched:
    """A coded cell that matches no master value nor alias: imported as written (into the
    column's raw column). Two cells with one matching key are the same value."""

    written: str = field(compare=False)  # as the clerk wrote it (values.shown)
    key: str  # values.alias_key


# Coded fields whose unmatched cells are imported as written, each named as its master list
# (codes.ReferenceList).
RAW_FIELDS = ("channel", "province", "problem_code", "category", "response_status")


@dataclass(frozen=True)
class RowError:
    """A rejected row: the sheet's own row number, the column as headed there, and why."""

    row: int
    column: str | None
    key: str  # catalogue id, e.g. "import.error.future_date"
    params: dict[str, object] = field(default_factory=dict)


@dataclass
class RawTable:
    """A sheet as read: its header row and the data rows with their sheet row numbers."""

    sheet: str
    header_row: int  # 1-based row number in the sheet
    headers: list[str]  # as written in the file
    rows: list[tuple[int, list[object]]]  # (1-based sheet row number, cells)
    notices: list[Message] = field(default_factory=list)  # e.g. rows read as Windows-1252


@dataclass
class Record:
    """One valid data row, cleaned; codes resolved except agency names (done against the DB).
    A coded value no master list knows is an Unmatched (imported as written)."""

    row: int
    agenda_no: str
    received_on: dt.date
    complainant_name: str | None = None
    channel: str | Unmatched | None = None  # code: surat, email, lapor, langsung, whatsapp
    province: str | Unmatched | None = None  # Kemendagri code
    regency: str | None = None
    reported_agency: str | None = None  # name as written, cleaned
    problem_code: str | Unmatched | None = None  # '01'..'10'
    category: str | Unmatched | None = None  # category code
    summary: str | None = None
    agency: str | None = None  # name as written, cleaned
    letter_no: str | None = None
    letter_date: dt.date | None = None
    response_no: str | None = None
    response_date: dt.date | None = None
    response_status: str | Unmatched | None = None  # code: dalam_proses, selesai, ...
    response_summary: str | None = None

    def has_forwarding(self) -> bool:
        return self.letter_no is not None

    def has_response(self) -> bool:
        return self.response_no is not None


@dataclass(frozen=True)
class DroppedColumn:
    """A column whose cells were not stored: its heading as written ("" when it has none),
    its place in the sheet (1 = the first column) and how many of its cells held something."""

    heading: str
    position: int
    cells: int


@dataclass
class ParseResult:
    """What the file says, before it meets the database."""

    table: RawTable
    columns: dict[int, str]  # cell index -> field
    unknown_columns: list[str]
    rows: list[tuple]  # valid rows: (sheet row number, *cleaned values in CANONICAL order)
    errors: list[RowError]
    duplicates: int = 0  # exact duplicate rows counted once
    rows_read: int = 0
    dropped: list[DroppedColumn] = field(default_factory=list)  # named in the report
    total_rows: list[int] = field(default_factory=list)  # "Jumlah"/"Total" rows left out

    @property
    def records(self) -> list[Record]:
        """The valid rows as Records (built on demand; the database side uses rows)."""
        return [Record(*values) for values in self.rows]


class ImportFileError(DomainError):
    """The file as a whole cannot be imported (format, sheet, header row, columns)."""

    def __init__(self, key: str, params: dict[str, object] | None = None) -> None:
        self.key = key
        self.params = dict(params or {})
        super().__init__(Message(key, self.params))


class MissingColumns(ImportFileError):
    """Required columns not found; with the columns the file has that the import did not
    know (one of them may be the missing column under a name to be taught)."""

    def __init__(self, missing: list[str], dropped: list[DroppedColumn], fields: list[str]):
        super().__init__("import.error.missing_columns", {"columns": ", ".join(missing)})
        self.dropped = dropped
        self.fields = fields  # the fields the file's columns did map to


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cycle collector while a large sheet becomes objects, then restore it.

    Reading and cleaning 100,000 rows allocates millions of objects without any cycle; the
    collector would rescan the whole table many times over (about a third of the time).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class SkippedSheet:
    """A sheet an all-sheets import passed over, and why (no header row, empty, hidden...)."""

    sheet: str
    reason: Message
    # refused for a missing column: the columns it had that the import did not know (one
    # may be the missing one under a name to be taught), and the fields it did map
    dropped: tuple[DroppedColumn, ...] = ()
    fields: tuple[str, ...] = ()
