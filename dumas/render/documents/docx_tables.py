"""Tables: borderless ones that align labels and colons, bordered ones for data."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table, _Cell

from dumas.render.documents.common import clean

LABEL_WIDTHS = (3.0, 0.5, 12.5)  # cm: label, colon, value across the 16 cm text width
CLAUSE_WIDTHS = (3.0, 0.5, 0.8, 11.7)  # cm: label, colon, marker, text


def label_block(doc: Document, rows: Sequence[tuple[str, object]]) -> Table:
    """Aligned "Label : value" lines (Yth., Dari, Hal, Tanggal ...) without borders."""
    return plain_table(doc, [[label, ":", value] for label, value in rows], LABEL_WIDTHS)


def clause_block(doc: Document, label: str, items: Sequence[tuple[str, object]]) -> Table:
    """A label with lettered or numbered clauses: "Menimbang : a. bahwa ..."."""
    rows = [
        [label if i == 0 else "", ":" if i == 0 else "", m, t] for i, (m, t) in enumerate(items)
    ]
    return plain_table(doc, rows, CLAUSE_WIDTHS)


def plain_table(
    doc: Document, rows: Sequence[Sequence[object]], widths: Sequence[float], gap: bool = True
) -> Table:
    """A borderless table of text with fixed column widths, a blank line after it if `gap`."""
    table = doc.add_table(rows=len(rows), cols=len(widths))
    _widths(table, widths)
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            _text(cell, value)
    if gap:
        doc.add_paragraph()
    return table


def grid_table(
    doc: Document,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    right: Sequence[int] = (),
) -> Table:
    """A bordered table, its bold header row repeated on each page; `right` columns align right."""
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths)
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        _text(cell, name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_header(table)
    for row, values in zip(table.rows[1:], rows, strict=True):
        for i, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            _text(cell, value, align=WD_ALIGN_PARAGRAPH.RIGHT if i in right else None)
    doc.add_paragraph()
    return table


def bold_row(table: Table, index: int = -1) -> None:
    """Make every run of one row bold (a total line)."""
    for cell in table.rows[index].cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = True


def _text(cell: _Cell, value: object, bold: bool = False, align: int | None = None) -> None:
    """Plain text in a cell; empty strings stay empty, None becomes the placeholder."""
    paragraph = cell.paragraphs[0]
    if value != "":
        paragraph.add_run(clean(value)).bold = bold or None
    if align is not None:
        paragraph.alignment = align


def _widths(table: Table, widths: Sequence[float]) -> None:
    """Fixed column widths, set on the grid and on every cell (Word reads the cells)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


def _repeat_header(table: Table) -> None:
    """Mark the first row as a header row that Word repeats across pages."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)
