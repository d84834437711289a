"""Tables: borderless ones that align labels and colons, bordered ones for data."""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Sequence

from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from dumas.render.documents.common import clean

LABEL_WIDTHS = (3.0, 0.5, 12.5)  # cm: label, colon, value across the 16 cm text width
CLAUSE_WIDTHS = (3.0, 0.5, 0.8, 11.7)  # cm: label, colon, marker, text
TEXT_WIDTH_CM = 16.0  # A4 width 21 cm less the 3 cm and 2 cm margins
MIN_TABLE_PT = 9  # a data table's font is made smaller, down to this, until its numbers fit
_GRID_PAD_CM = 0.1  # a bordered table's cell margin on either side (LibreOffice's default)
_PLAIN_PAD_CM = 0.19  # a borderless table's cell margin: Word's default, kept
_SLACK_CM = 0.08  # a column is kept this much wider than its widest word, for the rounding


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
    doc: Document,
    rows: Sequence[Sequence[object]],
    widths: Sequence[float],
    gap: bool = True,
    whole: Sequence[tuple[int, int]] = (),
) -> Table:
    """A borderless table of text, a blank line after it if `gap`. The column widths are
    `widths` (cm), widened where a number or word would not fit (taken from the columns that
    have room); the `whole` cells (row, column) never wrap at all."""
    texts = [[clean(v) if v != "" else "" for v in row] for row in rows]
    size = _normal_size(doc)
    table = doc.add_table(rows=len(rows), cols=len(widths))
    needed = _needed(texts, [], size, _PLAIN_PAD_CM, whole)
    _widths(table, fitted(widths, needed, max(sum(widths), TEXT_WIDTH_CM)))
    for row, values in zip(_grid(table), rows, strict=True):
        for cell, value in zip(row, values, strict=True):
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
    """A bordered table, its bold header row repeated on each page; `right` columns align right.

    No number, NIP, letter number or placeholder ever wraps: each column is at least as wide
    as its widest such word (widths from the content, `widths` giving the proportions of the
    rest). When the columns cannot all fit the text width, the table's font is made smaller,
    down to 9 pt: first so that no word at all breaks, else so that no number does."""
    texts = [[clean(v) if v != "" else "" for v in row] for row in rows]
    normal = _normal_size(doc)
    size, needed = _fitting_size(texts, header, normal)
    table = doc.add_table(rows=1 + min(len(rows), 1), cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_margins(table, _GRID_PAD_CM)
    _widths(table, fitted(widths, needed, TEXT_WIDTH_CM))
    cells = _grid(table)
    for cell, name in zip(cells[0], header, strict=True):
        _text(cell, name, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_header(table)
    _rows_unbroken(table)
    if rows:
        for i, (cell, value) in enumerate(zip(cells[1], rows[0], strict=True)):
            _text(cell, value, align=WD_ALIGN_PARAGRAPH.RIGHT if i in right else None)
    if size != normal:
        font_size(table, Pt(size))
    _more_rows(table, rows[1:], Pt(size) if size != normal else None)
    doc.add_paragraph()
    return table


def _fitting_size(
    texts: Sequence[Sequence[str]], header: Sequence[str], normal: float
) -> tuple[float, list[float]]:
    """The largest font size (normal, then down by half points to 9) at which every word of
    the table fits its column within the text width, with the columns' needed widths. When
    none does, 9 pt: every number whole, the other words sharing what is left."""
    sizes = [normal - i / 2 for i in range(int(2 * (normal - MIN_TABLE_PT)) + 1)] or [normal]
    widest = _widest(texts, header)  # at 1 pt: a width grows with the size
    for size in sizes:
        words = _scaled(widest, size, _GRID_PAD_CM)
        if sum(words) <= TEXT_WIDTH_CM:
            return size, words
    numbers = _needed(texts, header, sizes[-1], _GRID_PAD_CM, words=False)
    wanted = sum(w - n for w, n in zip(words, numbers, strict=True))
    share = max(0.0, min(1.0, (TEXT_WIDTH_CM - sum(numbers)) / wanted)) if wanted else 0.0
    return sizes[-1], [n + share * (w - n) for w, n in zip(words, numbers, strict=True)]


def fits_on_a_line(doc: Document, cells: Sequence[str]) -> bool:
    """Whether `cells`, none of them wrapping, fit side by side in a borderless table across
    the text width, in the document's font size."""
    size = _normal_size(doc)
    pad = 2 * _PLAIN_PAD_CM + _SLACK_CM
    return sum(text_width_pt(c, size) / _PT_PER_CM + pad for c in cells) <= TEXT_WIDTH_CM


def fitted(widths: Sequence[float], needed: Sequence[float], limit: float) -> list[float]:
    """Column widths (cm): `widths`, each raised to what its content needs, the excess taken
    from the columns with room in proportion to that room; within `limit` all told."""
    total = min(max(sum(widths), sum(needed)), limit)
    if sum(needed) >= total:  # no room left: the needs, scaled to the total
        return [round(n * total / sum(needed), 3) for n in needed]
    result = [max(w, n) for w, n in zip(widths, needed, strict=True)]
    excess = sum(result) - total
    room = [r - n for r, n in zip(result, needed, strict=True)]
    if excess > 0:
        share = excess / sum(room)
        result = [r - share * x for r, x in zip(result, room, strict=True)]
    return [round(r, 3) for r in result]


def font_size(table: Table, size: Pt) -> None:
    """Every run of every cell of `table` in the font size `size`."""
    for row in _grid(table):
        for cell in row:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = size


@functools.lru_cache(maxsize=65_536)  # the same words (dates, numbers' parts) recur
def text_width_pt(text: str, size: float, bold: bool = False) -> float:
    """The printed width of `text` in points at `size` points: by the wider of Arial and
    DejaVu Sans, so the estimate holds wherever the document is opened; a narrower font
    takes less."""
    table = _BOLD if bold else _REGULAR
    return sum(table.get(ch, _OTHER.get(ch, 600)) for ch in text) * size * _MARGIN / 1000


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
    for row in _grid(table):
        for cell, width in zip(row, widths, strict=True):
            cell.width = Cm(width)


def _more_rows(table: Table, rows: Sequence[Sequence[object]], size: Pt | None) -> None:
    """Rows after the first data row, each a copy of it (widths, alignment, unbroken, font
    size) with its own text: setting every cell's properties anew took most of a long
    table's time."""
    if not rows:
        return
    first = table._tbl.tr_lst[1]
    for values in rows:
        row = copy.deepcopy(first)
        for tc, value in zip(row.tc_lst, values, strict=True):
            paragraph = Paragraph(tc.p_lst[0], table)
            runs = paragraph.runs
            if value == "":
                for run in runs:
                    tc.p_lst[0].remove(run._r)
            elif runs:
                runs[0].text = clean(value)  # its formatting kept
            else:
                run = paragraph.add_run(clean(value))
                run.font.size = size
        table._tbl.append(row)


def _grid(table: Table) -> list[list[_Cell]]:
    """The cells of a table without merged cells, row by row, read from its XML once:
    python-docx's row.cells and column.cells lay out the whole table on every call, which
    made a table's cost grow with the square of its rows (a reminder letter lists dozens)."""
    return [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def _repeat_header(table: Table) -> None:
    """Mark the first row as a header row that Word repeats across pages."""
    properties = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def _rows_unbroken(table: Table) -> None:
    """No row breaks across a page: a team member's name, NIP and pangkat print together."""
    for row in table.rows:
        flag = OxmlElement("w:cantSplit")
        flag.set(qn("w:val"), "true")
        row._tr.get_or_add_trPr().append(flag)


def _cell_margins(table: Table, pad_cm: float) -> None:
    """The left and right cell margins of every cell of `table`."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(pad_cm * 567)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties = table._tbl.tblPr
    properties.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def _normal_size(doc: Document) -> float:
    """The document's body font size in points (12 when not set)."""
    size = doc.styles["Normal"].font.size
    return size.pt if size else 12.0


def _needed(
    rows: Sequence[Sequence[str]],
    header: Sequence[str],
    size: float,
    pad_cm: float,
    whole: Sequence[tuple[int, int]] = (),
    words: bool = True,
) -> list[float]:
    """Per column, the width (cm) its widest unbreakable piece needs at `size` points: the
    header and the last row (a total line) in bold, every cell; the lines of the `whole`
    cells (row, column; rows after the header) count whole; words without a digit only if
    `words`."""
    return _scaled(_widest(rows, header, whole, words), size, pad_cm)


def _scaled(widest: Sequence[float], size: float, pad_cm: float) -> list[float]:
    """Column widths (cm) at `size` points from the widest pieces' widths at 1 point."""
    return [w * size / _PT_PER_CM + 2 * pad_cm + _SLACK_CM for w in widest]


def _widest(
    rows: Sequence[Sequence[str]],
    header: Sequence[str],
    whole: Sequence[tuple[int, int]] = (),
    words: bool = True,
) -> list[float]:
    """Per column, the printed width (points at 1 pt) of its widest unbreakable piece, as
    `_needed` counts pieces."""
    columns = len(header) or max((len(r) for r in rows), default=0)
    widest = [0.0] * columns
    lines = [(-1, list(header), True)] if header else []
    lines += [(r, list(row), r == len(rows) - 1) for r, row in enumerate(rows)]
    for r, values, bold in lines:
        for i, value in enumerate(values):
            pieces = value.splitlines() if (r, i) in whole else _pieces(value, words)
            width = max((text_width_pt(p, 1.0, bold) for p in pieces), default=0.0)
            widest[i] = max(widest[i], width)
    return widest


def _pieces(text: str, words: bool = True) -> list[str]:
    """The pieces a line of `text` can never break inside: a word holding a digit or a dotted
    placeholder (money, NIP, letter and agenda numbers) or a short word ("No") is one piece;
    other words may break after "/" or a dash, as LibreOffice and Word do (and are left out
    unless `words`)."""
    pieces = []
    for word in text.split():
        if _WHOLE.search(word) or len(word) <= _SHORT:
            pieces.append(word)
        elif words:
            pieces += [p for p in _BREAK_AFTER.findall(word) if p]
    return pieces


_PT_PER_CM = 72 / 2.54
_MARGIN = 1.04  # fonts wider still (Bookman Old Style, the Kemensetneg letter font) take a bit more
_SHORT = 4  # characters: a word this short never breaks ("No", "hari")
_WHOLE = re.compile(r"\d|\.\.")
_BREAK_AFTER = re.compile(r"[^/\-–—]*[/\-–—]?")
# Advance widths (thousandths of the font size) of the printable ASCII characters, " " to "~":
# the wider of Arial's and DejaVu Sans's (what LibreOffice prints Arial with where neither Arial
# nor its metric twin Liberation Sans is installed), so a column fits in either.
_REGULAR = dict(zip(map(chr, range(32, 127)), (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 556,
    1015, 684, 686, 722, 770, 667, 611, 778, 752, 295, 500, 667, 557, 863, 748, 787,
    667, 787, 722, 667, 611, 732, 684, 989, 685, 667, 685, 390, 337, 390, 838, 556,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
), strict=True))  # fmt: skip
_BOLD = dict(zip(map(chr, range(32, 127)), (
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365,
    696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 611,
    1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 556, 775, 637, 995, 837, 850,
    733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 556,
    500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
    716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
), strict=True))  # fmt: skip
_OTHER = {"–": 556, "—": 1000, "−": 838, "\u00a0": 348, "…": 1000}
