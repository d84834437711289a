"""DataFrame -> formatted .xlsx bytes that an office can file or print as is (pure).

Layout: title, filter description, "generated at" line, a blank row, then a bold frozen
header with an autofilter, real Excel dates and numbers, fitted column widths. Printed:
A4 in the orientation its width needs, one page wide at a legible scale (wide text columns
are narrowed and wrap), the header on every page, every wrapped row as tall as its text.
The print and row-height helpers (`set_print`, `row_height`, `fit_widths`) serve every
workbook the app writes.
Number formats are stored in Excel's neutral syntax ("#,##0.0"); Excel shows them with
the reader's separators, so an Indonesian Excel displays 1.234,5 and an English one 1,234.5.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

DATE = "dd/mm/yyyy"
DATETIME = "dd/mm/yyyy hh:mm"
INTEGER = "#,##0"
DECIMAL = "#,##0.0"
PERCENT = "0.0%"

HEADER_ROW = 4  # 0-based: title, filters, generated, blank, header
MAX_WIDTH = 60
MIN_WIDTH = 8
MIN_TEXT_WIDTH = 10  # a text column narrowed to fit the page keeps this much at least
LONGEST_UNBROKEN = 40  # characters: a letter number fits whole; longer words may break
SHEET_NAME_MAX = 31  # Excel's limit

# Print: A4 (points), margins in inches, and what the widths are judged by.
A4_PAPER = 9  # Excel's paper code
A4_SHORT, A4_LONG = 595.0, 842.0
MARGIN = 0.5
MIN_PRINT_SCALE = 0.85  # 10 pt text prints at 8.5 pt or more
# Arial 10 throughout: Excel has it, LibreOffice prints it with the metric-compatible
# Liberation Sans, so widths and wraps come out alike in both (Calibri, where missing, is
# replaced by a wider font and every column and line grows). Its digit, 7 px, is the unit
# of Excel's column width, as Calibri 11's is; LibreOffice takes the unit from Liberation
# Sans's digit, 7.4 px, so the widths are judged by that (the wider of the two).
FONT_NAME, FONT_SIZE = "Arial", 10
DIGIT_PX, PADDING_PX = 7.4, 5
# Row heights: 13 pt a line of 10 pt text (Excel's 12.75 and a little). A column w wide
# holds about w characters; the estimate counts on fewer (and fewer again in bold) and
# rounds up: a row a little tall, never one whose last line hides under the next row.
LINE_HEIGHT = 13.0
MAX_ROW_HEIGHT = 409.0  # Excel's tallest row
TEXT_FILL = 1.0
BOLD_FILL = 0.9
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")

_WORKBOOK_OPTIONS = {
    # User text is data, never a formula or a link: "=HYPERLINK(...)" stays text.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "remove_timezone": True,
    "in_memory": True,
    "default_format_properties": {
        "font_name": FONT_NAME,
        "font_size": FONT_SIZE,
        "font_scheme": "none",  # the named font, not the theme's (Calibri)
    },
    "default_row_height": 17,  # pixels: 12.75 pt, Excel's for Arial 10
}


@dataclass(frozen=True)
class Sheet:
    """One table of a workbook, laid out as `to_xlsx` lays its one sheet out: `columns`,
    `number_formats` and `keep_widths` (the least width a column keeps when the table is
    narrowed to the page: the column a reader must read) key on the frame's columns;
    `filters` replaces the workbook's filter line on this sheet (\"\": none)."""

    frame: pd.DataFrame
    title: str
    name: str = "Data"
    columns: dict[str, str] | None = None
    number_formats: dict[str, str] | None = None
    keep_widths: dict[str, float] | None = None
    filters: str | None = None


def to_xlsx(
    df: pd.DataFrame,
    *,
    title: str,
    filters: str,
    generated: str,
    sheet_name: str = "Data",
    columns: dict[str, str] | None = None,
    number_formats: dict[str, str] | None = None,
    keep_widths: dict[str, float] | None = None,
    more: Sequence[Sheet] = (),
) -> bytes:
    """The DataFrame as one formatted sheet (and each of `more` as a sheet after it, laid
    out alike); the keyword arguments as `Sheet`'s.

    An empty `filters` leaves its line out (no "Filter: none" on a table nobody filtered).
    """
    sheet = Sheet(df, title, sheet_name, columns, number_formats, keep_widths)
    return to_xlsx_sheets([sheet, *more], filters=filters, generated=generated)


def to_xlsx_sheets(sheets: Sequence[Sheet], *, filters: str, generated: str) -> bytes:
    """Several tables, each a sheet as `to_xlsx` writes one (the workbook takes the first
    sheet's title); sheet names are made valid and distinct."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, _WORKBOOK_OPTIONS)
    workbook.set_properties({"title": sheets[0].title if sheets else "", "comments": filters})
    used: set[str] = set()
    for sheet in sheets:
        name = sheet_safe_name(sheet.name)
        while name.lower() in used:
            name = sheet_safe_name(f"{name[: SHEET_NAME_MAX - 2]} {len(used) + 1}")
        used.add(name.lower())
        ws = workbook.add_worksheet(name)
        df = sheet.frame
        labels = [str((sheet.columns or {}).get(c, c)) for c in df.columns]
        formats = [(sheet.number_formats or {}).get(c) for c in df.columns]
        kept = [(sheet.keep_widths or {}).get(c, 0.0) for c in df.columns]
        widths = write_table(workbook, ws, df, labels, formats, kept)
        notes = (sheet.title, filters if sheet.filters is None else sheet.filters, generated)
        _write_preamble(workbook, ws, notes, widths)
        set_print(ws, widths, header_rows=(HEADER_ROW, HEADER_ROW))
    workbook.close()
    return buffer.getvalue()


def sheet_safe_name(text: str) -> str:
    """`text` made a valid Excel sheet name: no []:*?/\\, no edge quote, at most 31 chars,
    shortened by whole words where it has several."""
    name = " ".join(_SHEET_FORBIDDEN.sub("-", str(text)).split()).strip("'")
    if len(name) > SHEET_NAME_MAX:
        cut = name[: SHEET_NAME_MAX + 1].rfind(" ")
        name = name[:cut] if cut > 0 else name[:SHEET_NAME_MAX]
    name = name.strip().strip("'")
    if not name:
        return "Data"
    # Excel reserves "History" for its change tracking.
    return f"{name}_" if name.lower() == "history" else name


def write_table(
    workbook: xlsxwriter.Workbook,
    ws: Worksheet,
    df: pd.DataFrame,
    labels: list[str],
    number_formats: list[str | None],
    keep_widths: list[float] | None = None,
) -> list[float]:
    """Header at HEADER_ROW and one row per record, as `to_xlsx` lays them out; returns widths.

    Columns are sized from their content, text columns narrowed (and wrapped) where the
    table would otherwise print below MIN_PRINT_SCALE on A4 landscape, and every row that
    wraps gets the height of its tallest cell, so no line hides under the next row.
    """
    series = [_naive(df.iloc[:, index]) for index in range(len(df.columns))]
    natural = [_fit_width(s, label) for s, label in zip(series, labels, strict=True)]
    textual = [_is_text(s) for s in series]
    floors = [
        _narrowest(s, label) if text else width
        for s, label, text, width in zip(series, labels, textual, natural, strict=True)
    ]
    for col, kept in enumerate(keep_widths or []):
        floors[col] = max(floors[col], min(kept, natural[col]))
    widths = fit_widths(natural, floors)
    _write_header(workbook, ws, labels, widths)
    wrapped: list[tuple[int, float]] = []
    for col, s in enumerate(series):
        wrap = textual[col] and (_longest_line(s) + 2 > widths[col] or _multiline(s))
        formats = _CellFormats(workbook, number_formats[col] or _default_format(s), wrap)
        row = HEADER_ROW
        for value in s.tolist():
            row += 1
            _write_cell(ws, row, col, value, formats)
        ws.set_column(col, col, widths[col])
        if wrap:
            wrapped.append((col, widths[col]))
    if wrapped:
        for offset in range(len(df)):
            cells = [(df.iat[offset, col], width) for col, width in wrapped]
            height = row_height(cells)
            if height is not None:
                ws.set_row(HEADER_ROW + 1 + offset, height)
    if labels:
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + len(df), len(labels) - 1)
    return widths


def fit_widths(
    natural: list[float], floors: list[float], scale: float | None = None
) -> list[float]:
    """Column widths that print at `scale` or more on one A4 landscape page wide: the widest
    columns narrowed alike (never below their floor) until the table fits, if it can."""
    budget = printable_points(landscape=True) / (scale or MIN_PRINT_SCALE)
    if sum(map(column_points, natural)) <= budget:
        return list(natural)
    low, high = 0.0, max(natural, default=0.0)
    for _ in range(30):  # the widest cap that still fits, to a fraction of a character
        cap = (low + high) / 2
        capped = [max(min(w, cap), f) for w, f in zip(natural, floors, strict=True)]
        if sum(map(column_points, capped)) <= budget:
            low = cap
        else:
            high = cap
    # Rounded down to a tenth, so the rounding never tips the table over the page.
    return [math.floor(max(min(w, low), f) * 10) / 10 for w, f in zip(natural, floors, strict=True)]


def column_points(width: float) -> float:
    """A column's printed width in points at 100%: Excel's width is in digit widths of the
    default font, plus 5 px of padding, at 96 px to the inch."""
    return (width * DIGIT_PX + PADDING_PX) * 0.75


def printable_points(*, landscape: bool, margin: float = MARGIN) -> float:
    """The width of an A4 page between its left and right margins (inches), in points."""
    return (A4_LONG if landscape else A4_SHORT) - 2 * 72 * margin


def wrapped_lines(
    text: object, width: float, *, font_size: float = FONT_SIZE, bold: bool = False
) -> int:
    """How many lines `text` takes when wrapped in a column `width` wide (an estimate that
    errs on the tall side: LibreOffice without Calibri prints wider than Excel)."""
    if not isinstance(text, str) or not text:
        return 1
    fill = TEXT_FILL * (FONT_SIZE / font_size) * (BOLD_FILL if bold else 1)
    capacity = max(1, int(width * fill))
    lines = 0
    for paragraph in text.split("\n"):
        used = 0
        lines += 1
        for word in paragraph.split():
            if used and used + 1 + len(word) <= capacity:
                used += 1 + len(word)
                continue
            if used:
                lines += 1
            lines += (len(word) - 1) // capacity  # a word longer than the column breaks
            used = len(word) - ((len(word) - 1) // capacity) * capacity
    return max(lines, 1)


def row_height(
    cells: Iterable[tuple[object, float]], *, font_size: float = FONT_SIZE, bold: bool = False
) -> float | None:
    """The height (points) of a row whose wrapped cells are (value, column width), or None
    when every cell fits on one line (the default height is right)."""
    lines = max((wrapped_lines(v, w, font_size=font_size, bold=bold) for v, w in cells), default=1)
    if lines <= 1:
        return None
    return line_height(lines, font_size)


def line_height(lines: int, font_size: float = FONT_SIZE) -> float:
    """The height (points) of a row of `lines` lines of `font_size` text, within Excel's cap."""
    return min(lines * LINE_HEIGHT * font_size / FONT_SIZE + 2, MAX_ROW_HEIGHT)


def set_print(
    ws: Worksheet,
    widths: list[float],
    *,
    header_rows: tuple[int, int],
    margin: float = MARGIN,
) -> None:
    """A4, portrait when the columns fit its width and landscape otherwise, fitted to one
    page wide only (as many pages down as it takes), the header rows on every page and
    page numbers in the footer. A table too wide to fit at MIN_PRINT_SCALE (the import
    layout's seventeen columns) prints at that scale instead, its columns over pages side
    by side with the first column repeated on each."""
    total = sum(map(column_points, widths))
    landscape = total > printable_points(landscape=False, margin=margin)
    ws.set_paper(A4_PAPER)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=margin, right=margin, top=0.6, bottom=0.6)
    if total * MIN_PRINT_SCALE > printable_points(landscape=True, margin=margin):
        ws.set_print_scale(round(MIN_PRINT_SCALE * 100))
        ws.repeat_columns(0, 0)
        ws.print_across()
    else:
        ws.fit_to_pages(1, 0)
    ws.repeat_rows(*header_rows)
    ws.set_footer("&R&P / &N")


def _write_preamble(
    workbook: xlsxwriter.Workbook,
    ws: Worksheet,
    lines: Iterable[str],
    widths: list[float] | None = None,
) -> None:
    """Title (bold, larger), filter description and "generated at" from row 1, blank lines
    left out; each across the table's width, wrapped, its row as tall as its text."""
    title_fmt = workbook.add_format({"bold": True, "font_size": 14, "valign": "top"})
    note_fmt = workbook.add_format({"font_color": "#595959", "valign": "top"})
    widths = widths or []
    span = sum(widths) if widths else MAX_WIDTH
    present = [str(text) for text in lines if str(text).strip()]
    for row, text in enumerate(present[: HEADER_ROW - 1]):
        size = 14 if row == 0 else FONT_SIZE
        fmt = title_fmt if row == 0 else note_fmt
        lines_needed = wrapped_lines(text, span, font_size=size, bold=row == 0)
        if lines_needed > 1:
            fmt.set_text_wrap()
        if lines_needed > 1 or size != FONT_SIZE:
            ws.set_row(row, line_height(lines_needed, size))
        if len(widths) > 1:
            ws.merge_range(row, 0, row, len(widths) - 1, "", fmt)
        ws.write_string(row, 0, text, fmt)


def _write_header(
    workbook: xlsxwriter.Workbook,
    ws: Worksheet,
    labels: list[str],
    widths: list[float] | None = None,
) -> None:
    """Bold filled header row, frozen so it stays visible while scrolling, as tall as its
    longest label wraps."""
    header_fmt = workbook.add_format(
        {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"}
    )
    for col, label in enumerate(labels):
        ws.write_string(HEADER_ROW, col, label, header_fmt)
    if widths:
        # The autofilter's arrow takes about three characters of each header cell.
        cells = [(label, max(w - 3, 1)) for label, w in zip(labels, widths, strict=True)]
        height = row_height(cells, bold=True)
        if height is not None:
            ws.set_row(HEADER_ROW, height)
    ws.freeze_panes(HEADER_ROW + 1, 0)


class _CellFormats:
    """The formats of one column's cells, by kind of value."""

    def __init__(self, workbook: xlsxwriter.Workbook, number_format: str | None, wrap: bool):
        """Formats built once per column; `number_format` overrides the kind's default."""
        base = {"valign": "top"}

        def make(default: str | None) -> Format:
            code = number_format or default
            return workbook.add_format({**base, "num_format": code} if code else base)

        self.text = workbook.add_format({**base, "text_wrap": wrap})
        self.date = make(DATE)
        self.datetime = make(DATETIME)
        self.integer = make(INTEGER)
        self.decimal = make(DECIMAL)
        self.other = make(None)


def _write_cell(ws: Worksheet, row: int, col: int, value: Any, formats: _CellFormats) -> None:
    """One cell, written by the type of `value`; missing values and blank text leave the
    cell empty (not a cell holding "")."""
    if isinstance(value, str):
        if value.strip():
            ws.write_string(row, col, value, formats.text)
    elif _is_missing(value):
        return
    elif isinstance(value, (bool, np.bool_)):
        ws.write_boolean(row, col, value, formats.other)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value, formats.datetime)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, value, formats.date)
    elif isinstance(value, (int, np.integer)):
        ws.write_number(row, col, int(value), formats.integer)
    elif isinstance(value, (float, np.floating, Decimal)):
        ws.write_number(row, col, float(value), formats.decimal)
    else:
        ws.write_string(row, col, str(value), formats.text)


def _naive(series: pd.Series) -> pd.Series:
    """Datetime columns as naive values (aware ones keep wall time); midnight-only -> dates."""
    if not pd.api.types.is_datetime64_any_dtype(series):
        return series
    if series.dt.tz is not None:
        series = series.dt.tz_localize(None)
    present = series.dropna()
    if (present == present.dt.normalize()).all():
        return series.dt.date.astype(object)
    return series.astype(object)


def _default_format(series: pd.Series) -> str | None:
    """Whole-number floats (ints that met a NaN) show as integers; else by value type."""
    if pd.api.types.is_float_dtype(series):
        present = series.dropna()
        if len(present) and (present == present.round()).all():
            return INTEGER
    return None


def _fit_width(series: pd.Series, label: str) -> float:
    """Width from the longest header word or value, capped; long text wraps at the cap."""
    longest_word = max((len(word) for word in label.split()), default=0)
    values = series.dropna()
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        content = values.map(lambda v: len(f"{v:,.1f}")).max() if len(values) else 0
    elif len(values) and isinstance(values.iloc[0], dt.datetime):
        content = len("dd/mm/yyyy hh:mm")
    else:
        content = _longest_line(values)
    # +3 leaves room for the autofilter arrow.
    width = max(longest_word + 3, _as_int(content) + 2, MIN_WIDTH)
    return min(width, MAX_WIDTH)


def _longest_line(series: pd.Series) -> int:
    """The length of the longest line of a column's values (a cell may hold several)."""
    values = series.dropna()
    if not len(values):
        return 0
    return _as_int(values.astype(str).str.split("\n").explode().str.len().max())


def _multiline(series: pd.Series) -> bool:
    """Whether any value of a column holds a line break (shown only in a wrapped cell)."""
    return bool(series.map(lambda v: isinstance(v, str) and "\n" in v).any())


def _is_text(series: pd.Series) -> bool:
    """Whether a column holds text (it may then wrap), not numbers, dates or booleans."""
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_datetime64_any_dtype(series):
        return False
    values = series.dropna()
    return bool(len(values)) and isinstance(values.iloc[0], str)


def _narrowest(series: pd.Series, label: str) -> float:
    """The narrowest a text column may be made: its longest word (a letter number or an
    agenda number never breaks) up to LONGEST_UNBROKEN, its header's longest word,
    MIN_TEXT_WIDTH."""
    words = series.dropna().astype(str).str.split().explode().str.len()
    longest = min(_as_int(words.max()) if len(words) else 0, LONGEST_UNBROKEN)
    header = max((len(word) for word in label.split()), default=0)
    return float(min(max(longest + 1, header + 1, MIN_TEXT_WIDTH), MAX_WIDTH))


def _as_int(value: Any) -> int:
    """A length from pandas' max(), 0 when it is missing."""
    return 0 if _is_missing(value) else int(value)


def _is_missing(value: Any) -> bool:
    """Whether a cell value is None, NaN, NaT or pd.NA."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)
