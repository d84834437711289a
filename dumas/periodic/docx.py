"""The periodic report as an official .docx: narrative, tables and charts (pure).

The report dict is the one dumas/periodic/contents.py builds (or the frozen copy of a finalised
report), its tables ReportTable (dumas/periodic/table.py); `settings` is the monitoring
documents' (dumas.queries.settings.for_documents). Fixed words come from the catalogue in `lang`;
user text is written as plain text, never as fields.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from typing import Any

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from dumas import i18n
from dumas.config import TIMEZONE
from dumas.i18n import t
from dumas.periodic.images import MAX_CATEGORIES, chart_png
from dumas.periodic.table import Column, ReportTable
from dumas.render.documents.common import DOTS, clean, grounds, official
from dumas.render.documents.docx_tables import bold_row, font_size, grid_table
from dumas.render.documents.inputs import DocumentSettings
from dumas.render.documents.layout import (
    body,
    new_document,
    numbered,
    para,
    place_and_date,
    signature,
    to_bytes,
)

PICTURE_WIDTH = Cm(15)
TEXT_WIDTH_CM = 16.0
NUMBER_WIDTHS = {"int": 2.6, "pct": 2.6, "rupiah": 3.2}  # cm: "sebelumnya" fits unbroken
MIN_TEXT_WIDTH = 3.0  # cm per text column
_INDENT = 0.5  # cm: narrative under a section heading
_OWN_NUMBER = re.compile(r"^\s*(\d+[a-z]?)\.\s+")  # "3a. " at the start of a table's title
_FORMATS = {"int": i18n.fmt_int, "pct": i18n.fmt_percent, "rupiah": i18n.fmt_rupiah}


def periodic_report_docx(report: dict, settings: DocumentSettings, lang: str = "id") -> bytes:
    """Title, the legal basis, I. key issues, II. recommendations, III. the tables with their
    charts, then the closing and the Asdep's signature block, dated the day the report was
    finalised. A draft says KONSEP under its title and leaves the date to be filled in; the
    official copy of a final report carries no status line (the workbook's cover does)."""
    doc = new_document(settings)
    doc.core_properties.title = clean(report.get("title"))
    _head(doc, report, lang)
    _basis(doc, settings, lang)
    narrative = report.get("narrative") or {}
    _section(doc, t("report_docx.key_issues", lang))
    body(doc, narrative.get("key_issues"), indent=_INDENT)
    _section(doc, t("report_docx.recommendations", lang))
    body(doc, narrative.get("recommendations"), indent=_INDENT)
    _section(doc, t("report_docx.data", lang))
    for running, table in enumerate(report.get("tables") or [], 1):
        number = _number(table, running)
        _table(doc, table, number, settings, lang)
        _chart(doc, table, number, lang)
    _closing(doc, report, settings, lang)
    return to_bytes(doc)


def _head(doc: Document, report: dict, lang: str) -> None:
    """Title in capitals, unit and period centred, the addressee; a draft then says KONSEP
    with its note and when it was generated. A final report, the copy that is signed and
    sent, has no status, finalisation or forwarding line."""
    para(doc, clean(report.get("title")).upper(), bold=True, align="center")
    para(doc, clean(report.get("unit")), align="center")
    period = t("report_docx.period", lang, period=clean(report.get("period_label")))
    para(doc, period, align="center")
    _addressee(doc, report, lang)
    para(doc)
    if report.get("final"):
        return
    state = t("report_docx.draft", lang)
    para(doc, t("report_docx.status", lang, state=state), bold=True, align="center")
    para(doc, t("report_docx.draft_note", lang), align="center")
    if report.get("generated"):
        para(doc, report["generated"], align="center")
    para(doc)


def _basis(doc: Document, settings: DocumentSettings, lang: str) -> None:
    """The introduction: the legal basis of the document settings, numbered (the titles are
    Indonesian law, the same in either language)."""
    _section(doc, t("report_docx.basis", lang))
    body(doc, t("report_docx.basis_intro", lang), indent=_INDENT)
    items = grounds(settings, [])
    numbered(doc, [(f"{i}.", item) for i, item in enumerate(items, 1)], indent=_INDENT)
    para(doc)


def _addressee(doc: Document, report: dict, lang: str) -> None:
    """To whom the report goes (the Menteri Sekretaris Negara by default) and through which
    official (the settings' forwarding official: the Deputi by default)."""
    if not str(report.get("addressee") or "").strip():
        return
    para(doc)
    addressee = clean(report["addressee"])
    para(doc, t("report_docx.addressee", lang, addressee=addressee), align="left")
    via = (report.get("forwarding_official") or {}).get("title")
    if str(via or "").strip():
        para(doc, t("report_docx.via", lang, official=clean(via)), align="left")


def _section(doc: Document, heading: str) -> None:
    """A Roman-numbered section heading in bold, kept with what follows."""
    paragraph = para(doc, heading, bold=True, align="left", after=6)
    paragraph.paragraph_format.keep_with_next = True


def _table(
    doc: Document, table: ReportTable, number: str, settings: DocumentSettings, lang: str
) -> None:
    """ "Tabel N. title", then the bordered table with its bold total row."""
    title = t("report_docx.table_caption", lang, n=number, title=_title(table))
    _caption(doc, title).paragraph_format.keep_with_next = True
    columns, total = table.columns, table.total
    rows = [_cells(row, columns, lang) for row in table.rows]
    if total:
        rows.append(_cells(total, columns, lang))
    right = [i for i, column in enumerate(columns) if column.kind in _FORMATS]
    header = [column.label for column in columns]
    empty = [i18n.MISSING] * len(columns)
    grid = grid_table(doc, header, rows or [empty], _widths(columns), right)
    if total:
        bold_row(grid)
    font_size(grid, Pt(max(8, int(settings.get("font_size") or 12) - 2)))


def _chart(doc: Document, table: ReportTable, number: str, lang: str) -> None:
    """The table's chart centred under it with "Gambar N. title" (N: the table's number);
    for a table with nothing to show in the period, a line that says so instead."""
    if table.nothing_to_chart:
        para(doc, t("report.no_data", lang), align="center").runs[0].italic = True
        para(doc)
        return
    png = chart_png(table, lang)
    if png is None:
        return
    doc.add_picture(io.BytesIO(png), width=PICTURE_WIDTH)
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    picture.paragraph_format.keep_with_next = True
    title, rows = _title(table), len(table.chart_rows)
    if rows > MAX_CATEGORIES:  # the picture shows only the first rows
        part = {"shown": MAX_CATEGORIES, "rows": rows}
        _caption(doc, t("report_docx.figure_caption_part", lang, n=number, title=title, **part))
    else:
        _caption(doc, t("report_docx.figure_caption", lang, n=number, title=title))
    para(doc)


def _closing(doc: Document, report: dict, settings: DocumentSettings, lang: str) -> None:
    """The closing sentence, place and date (the finalisation day; dots on a draft) and the
    signature."""
    para(doc)
    body(doc, t("report_docx.closing", lang))
    para(doc)
    place_and_date(doc, settings, _dated(report, lang))
    doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the date stays with the block
    signature(doc, official(settings, "asdep"))


def _dated(report: dict, lang: str) -> str:
    """The day a final report was finalised, in Jakarta ("27 November 2026"); dots for a
    draft (or a final report that does not say when)."""
    when = report.get("finalised_at") if report.get("final") else None
    if isinstance(when, str):
        when = dt.datetime.fromisoformat(when)
    if isinstance(when, dt.datetime):
        when = (when.astimezone(TIMEZONE) if when.tzinfo else when).date()
    return i18n.fmt_date(when, lang) if isinstance(when, dt.date) else DOTS


def _caption(doc: Document, text: str) -> Paragraph:
    """A centred bold caption line."""
    return para(doc, text, bold=True, align="center", after=3)


def _number(table: ReportTable, running: int) -> str:
    """The table's own number ("3a" of "3a. Surat ..."), so the document, the page and the
    workbook cite the same numbers; else its place in the report."""
    found = _OWN_NUMBER.match(clean(table.title))
    return found.group(1) if found else str(running)


def _title(table: ReportTable) -> str:
    """The table's title without its own leading number (the caption numbers it)."""
    return _OWN_NUMBER.sub("", clean(table.title), count=1)


def _cells(row: Mapping[str, Any], columns: tuple[Column, ...], lang: str) -> list[str]:
    """One row as text: numbers in the language's format, "–" when missing."""
    return [_cell(row.get(column.name), column.kind, lang) for column in columns]


def _cell(value: object, kind: str, lang: str) -> str:
    if value is None:
        return i18n.MISSING
    if kind in _FORMATS:
        return _FORMATS[kind](value, lang)
    return clean(value) if str(value).strip() else ""


def _widths(columns: tuple[Column, ...]) -> list[float]:
    """Centimetres: numbers get a fixed width, text columns share the rest of the 16 cm."""
    numbers = [NUMBER_WIDTHS.get(c.kind) for c in columns]
    texts = numbers.count(None)
    spare = TEXT_WIDTH_CM - sum(w for w in numbers if w)
    text = max(MIN_TEXT_WIDTH, spare / texts) if texts else 0.0
    widths = [text if w is None else w for w in numbers]
    scale = min(1.0, TEXT_WIDTH_CM / sum(widths))
    return [round(w * scale, 2) for w in widths]


def _font_size(table: Table, size: Pt) -> None:
    """A smaller font in every cell of a data table."""
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = size
