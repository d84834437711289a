"""Spreadsheets around an import: the template, the rejected rows, and the full export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import duckdb
import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from dumas import config, i18n
from dumas.domain.codes import Channel, DocumentKind, MediaType, RecordKind, ResponseStatus
from dumas.domain.file_types import EXTENSIONS
from dumas.domain.permissions import Action, User, require
from dumas.importer.import_report import reason
from dumas.importer.model import CANONICAL, RAW_FIELDS, RawTable, RowError
from dumas.importer.service import SheetReport
from dumas.queries import attachments
from dumas.queries.exchange import import_layout
from dumas.render import xlsx
from dumas.services.common import audit

EXAMPLE_ROW = {
    "agenda_no": "DM-2026-000123",
    "received_on": dt.date(2026, 5, 4),
    "complainant_name": "Siti Aminah",
    "channel": "SP4N-LAPOR!",
    "province": "Jawa Barat",
    "regency": "Kabupaten Bogor",
    "reported_agency": "Pemerintah Kabupaten Bogor",
    "problem_code": "03",
    "category": "Pertanahan",
    "summary": "Sengketa batas tanah dengan pengembang perumahan",
    "agency": "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
    "letter_no": "B-123/Kemensetneg/D-4/DM.04.00/05/2026",
    "letter_date": dt.date(2026, 5, 6),
    "response_no": "",
    "response_date": None,
    "response_status": "",
    "response_summary": "",
}
CHANNEL_NAMES = ("Surat", "Email", "SP4N-LAPOR!", "Datang langsung", "WhatsApp")
STATUS_NAMES = (
    "Dalam proses",
    "Selesai",
    "Bukan kewenangan",
    "Tidak dapat ditindaklanjuti",
    "Perlu klarifikasi",
)


def template_xlsx() -> bytes:
    """Sheet "Data" to fill in (headers, drop-down lists), sheet "Contoh" with an example row.

    The example sits on its own sheet so that a template filled in below it never imports a
    made-up complaint; the importer reads the first sheet unless told otherwise.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, xlsx._WORKBOOK_OPTIONS)
    formats = {
        "header": book.add_format(
            {"bold": True, "bg_color": "#E7E6E6", "border": 1, "text_wrap": True}
        ),
        "date": book.add_format({"num_format": xlsx.DATE}),
    }
    data = _template_sheet(book, "Data", formats)
    data.write_comment(0, 0, i18n.t("import.template_sheet_hint", "id"), {"x_scale": 3})
    example = _template_sheet(book, "Contoh", formats)
    for col, name in enumerate(CANONICAL):
        value = EXAMPLE_ROW[name]
        if isinstance(value, dt.date):
            example.write_datetime(1, col, dt.datetime.combine(value, dt.time()), formats["date"])
        elif value:
            example.write_string(1, col, value)
    book.close()
    return buffer.getvalue()


def _template_sheet(book: xlsxwriter.Workbook, name: str, formats: dict) -> Worksheet:
    """Canonical headers, column widths, date formats and the two drop-down lists."""
    sheet = book.add_worksheet(name)
    fields = list(CANONICAL)
    widths = [float(max(14, len(CANONICAL[field]) + 2)) for field in fields]
    for col, field in enumerate(fields):
        sheet.write_string(0, col, CANONICAL[field], formats["header"])
        date = formats["date"] if "date" in field or field == "received_on" else None
        sheet.set_column(col, col, widths[col], date)
    labels = [CANONICAL[field] for field in fields]
    height = xlsx.row_height(zip(labels, widths, strict=True), bold=True)
    if height is not None:
        sheet.set_row(0, height)
    xlsx.set_print(sheet, widths, header_rows=(0, 0))
    for field, choices in (("channel", CHANNEL_NAMES), ("response_status", STATUS_NAMES)):
        col = fields.index(field)
        sheet.data_validation(1, col, 100_000, col, {"validate": "list", "source": list(choices)})
    sheet.freeze_panes(1, 0)
    return sheet


REASON_WIDTH = 25.0  # the reasons column keeps this width when the table is narrowed


def rejects_xlsx(table: RawTable, errors: list[RowError], lang: str, generated: str) -> bytes:
    """The rejected rows as they were, each after its row number and reasons (first, so the
    printed page shows why beside which), ready to fix."""
    reasons: dict[int, list[str]] = {}
    for error in errors:
        text = reason(error, lang)
        reasons.setdefault(error.row, []).append(
            f"{error.column}: {text}" if error.column else text
        )
    headers = [h or f"Kolom {i + 1}" for i, h in enumerate(table.headers)]
    rows = [
        {
            i18n.t("import.col.row", lang): number,
            i18n.t("import.col.reason", lang): "\n".join(reasons[number]),
            **dict(zip(headers, (cells + [None] * len(headers))[: len(headers)], strict=True)),
        }
        for number, cells in table.rows
        if number in reasons
    ]
    frame = pd.DataFrame(rows)
    return xlsx.to_xlsx(
        frame,
        title=i18n.t("import.rejects_title", lang, file=table.sheet),
        filters=i18n.t("import.rejects_hint", lang),
        generated=generated,
        keep_widths={i18n.t("import.col.reason", lang): REASON_WIDTH},
    )


def sheets_rejects_xlsx(sheets: list[SheetReport], lang: str, generated: str) -> bytes:
    """An all-sheets import's rejected rows in one table, each after its sheet, row number
    and reasons, under the canonical headings (the sheets may head a column differently; a
    counter column is left out), so the fixed file imports as it is."""
    sheet_col, row_col = i18n.t("import.col.sheet", lang), i18n.t("import.col.row", lang)
    reason_col = i18n.t("import.col.reason", lang)
    rows, extra = [], {}
    for part in sheets:
        reasons: dict[int, list[str]] = {}
        for error in part.errors:
            text = reason(error, lang)
            reasons.setdefault(error.row, []).append(
                f"{error.column}: {text}" if error.column else text
            )
        unknown = {
            i: heading for i, heading in enumerate(part.table.headers)
            if heading and i not in part.columns and heading in part.unknown_columns
        }  # fmt: skip
        extra.update(dict.fromkeys(unknown.values()))
        for number, cells in part.table.rows:
            if number not in reasons:
                continue
            at = lambda i, cells=cells: cells[i] if i < len(cells) else None  # noqa: E731
            row = {sheet_col: part.sheet, row_col: number}
            row.update({CANONICAL[name]: at(i) for i, name in part.columns.items()})
            row.update({heading: at(i) for i, heading in unknown.items()})
            row[reason_col] = "\n".join(reasons[number])
            rows.append(row)
    order = [sheet_col, row_col, reason_col, *CANONICAL.values(), *extra]
    frame = pd.DataFrame(rows, columns=order)
    return xlsx.to_xlsx(
        frame,
        title=i18n.t("import.rejects_title", lang, file=", ".join(p.sheet for p in sheets)),
        filters=i18n.t("import.rejects_hint", lang),
        generated=generated,
        keep_widths={i18n.t("import.col.reason", lang): REASON_WIDTH},
    )


def export_xlsx(
    frame: pd.DataFrame, *, title: str, generated: str, files: pd.DataFrame | None = None
) -> bytes:
    """The follow-up data in the import layout (codes shown by their Indonesian names); with
    `files` (queries/attachments.listing), a second sheet listing the attached files."""
    shown = frame.assign(
        channel=frame["channel"].map(
            lambda c: i18n.t(Channel(c).label_key, "id") if isinstance(c, str) else None
        ),
        response_status=frame["response_status"].map(
            lambda s: i18n.t(ResponseStatus(s).label_key, "id") if isinstance(s, str) else None
        ),
    )
    for name in RAW_FIELDS:  # a value kept as written is exported as written, not as 'Lainnya'
        if f"{name}_raw" in frame:
            raw = frame[f"{name}_raw"]
            shown[name] = shown[name].where(raw.isna(), raw)
    return xlsx.to_xlsx(
        shown[list(CANONICAL)],
        title=title,
        filters="",
        generated=generated,
        columns=CANONICAL,
        sheet_name="Data",
        more=() if files is None else (files_sheet(files),),
    )


FILE_COLUMNS = ("record_kind", "agenda_no", "letter_no", "monitoring_id", "document_kind",
                "result_letter_no", "display_name", "media_type", "size", "sha256", "stored_as",
                "uploaded_by", "uploaded_at")  # fmt: skip


def files_sheet(files: pd.DataFrame) -> xlsx.Sheet:
    """The attached files as the export's second sheet "Berkas": the record each belongs
    to, its name, type, size, SHA-256 and its place in the file store (the files
    themselves travel in backups: README "Attached files")."""
    lang = "id"
    shown = files.assign(
        record_kind=files["record_kind"].map(lambda k: i18n.t(RecordKind(k).label_key, lang)),
        document_kind=files["document_kind"].map(
            lambda k: i18n.t(DocumentKind(k).label_key, lang) if isinstance(k, str) else None
        ),
        media_type=files["media_type"].map(lambda m: EXTENSIONS[MediaType(m)].upper()),
        uploaded_at=files["uploaded_at"].map(_local),
    )
    columns = {name: i18n.t(f"attachment.col.{name}", lang) for name in FILE_COLUMNS}
    title = i18n.t("attachment.export_title", lang)
    return xlsx.Sheet(shown[list(FILE_COLUMNS)], title, "Berkas", columns, filters="")


def _local(moment: Any) -> dt.datetime | None:
    """A stored moment as the wall-clock time in Asia/Jakarta (a workbook has no zones)."""
    if moment is None or pd.isna(moment):
        return None
    return pd.Timestamp(moment).to_pydatetime().astimezone(config.TIMEZONE).replace(tzinfo=None)


def export_for(cur: duckdb.DuckDBPyConnection, user: User, *, title: str, generated: str) -> bytes:
    """The whole database in the import layout, with the list of attached files on a
    second sheet, for roles allowed it (audited).

    Complainants' names, and the names of files attached to the complaint itself, stay
    masked for roles without the right to personal data.
    """
    require(user, Action.EXPORT_DATA)
    frame = import_layout(cur)
    personal = user.can(Action.VIEW_PERSONAL_DATA)
    if not personal:
        frame = frame.assign(complainant_name=None)
    files = attachments.listing(cur, names=personal)
    audit(cur, user.username, "data.export", "database", None, None,
          {"rows": len(frame), "files": len(files)})  # fmt: skip
    return export_xlsx(frame, title=title, generated=generated, files=files)
