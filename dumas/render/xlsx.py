"""DataFrame -> formatted .xlsx bytes that an office can file or print as is (pure).

Layout: title, filter description, "generated at" line, a blank row, then a bold frozen
header with an autofilter, real Excel dates and numbers, fitted column widths.
Number formats are stored in Excel's neutral syntax ("#,##0.0"); Excel shows them with
the reader's separators, so an Indonesian Excel displays 1.234,5 and an English one 1,234.5.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections.abc import Iterable
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
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")

_WORKBOOK_OPTIONS = {
    # User text is data, never a formula or a link: "=HYPERLINK(...)" stays text.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "remove_timezone": True,
    "in_memory": True,
}


def to_xlsx(
    df: pd.DataFrame,
    *,
    title: str,
    filters: str,
    generated: str,
    sheet_name: str = "Data",
    columns: dict[str, str] | None = None,
    number_formats: dict[str, str] | None = None,
) -> bytes:
    """The DataFrame as one formatted sheet; `columns` and `number_formats` key on df columns."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, _WORKBOOK_OPTIONS)
    workbook.set_properties({"title": title, "comments": filters})
    ws = workbook.add_worksheet(sheet_safe_name(sheet_name))
    _write_preamble(workbook, ws, (title, filters, generated))
    labels = [str((columns or {}).get(name, name)) for name in df.columns]
    _write_header(workbook, ws, labels)
    for index, name in enumerate(df.columns):
        fmt = (number_formats or {}).get(name)
        _write_column(workbook, ws, index, df.iloc[:, index], labels[index], fmt)
    if labels:
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + len(df), len(labels) - 1)
    _set_page_layout(ws)
    workbook.close()
    return buffer.getvalue()


def sheet_safe_name(text: str) -> str:
    """`text` made a valid Excel sheet name: no []:*?/\\, no edge quote, at most 31 chars."""
    name = " ".join(_SHEET_FORBIDDEN.sub("-", str(text)).split())
    name = name.strip("'")[:31].strip().strip("'")
    if not name:
        return "Data"
    # Excel reserves "History" for its change tracking.
    return f"{name}_" if name.lower() == "history" else name


def _write_preamble(workbook: xlsxwriter.Workbook, ws: Worksheet, lines: Iterable[str]) -> None:
    """Title (bold, larger), filter description and "generated at" in rows 1-3."""
    title_fmt = workbook.add_format({"bold": True, "font_size": 14})
    note_fmt = workbook.add_format({"font_color": "#595959"})
    for row, text in enumerate(lines):
        ws.write_string(row, 0, str(text), title_fmt if row == 0 else note_fmt)


def _write_header(workbook: xlsxwriter.Workbook, ws: Worksheet, labels: list[str]) -> None:
    """Bold filled header row, frozen so it stays visible while scrolling."""
    header_fmt = workbook.add_format(
        {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"}
    )
    for col, label in enumerate(labels):
        ws.write_string(HEADER_ROW, col, label, header_fmt)
    ws.freeze_panes(HEADER_ROW + 1, 0)


def _write_column(
    workbook: xlsxwriter.Workbook,
    ws: Worksheet,
    col: int,
    series: pd.Series,
    label: str,
    number_format: str | None,
) -> None:
    """One column's cells, each typed by its value, and the column's width."""
    series = _naive(series)
    width = _fit_width(series, label)
    wrap = width >= MAX_WIDTH
    formats = _CellFormats(workbook, number_format or _default_format(series), wrap)
    row = HEADER_ROW
    for value in series.tolist():
        row += 1
        _write_cell(ws, row, col, value, formats)
    ws.set_column(col, col, width)


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
    """One cell, written by the type of `value`; missing values leave the cell empty."""
    if isinstance(value, str):
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
        content = values.astype(str).str.len().max() if len(values) else 0
    # +3 leaves room for the autofilter arrow.
    width = max(longest_word + 3, _as_int(content) + 2, MIN_WIDTH)
    return min(width, MAX_WIDTH)


def _set_page_layout(ws: Worksheet) -> None:
    """A4 landscape, one page wide, header row repeated and page numbers on print."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.set_footer("&R&P / &N")


def _as_int(value: Any) -> int:
    """A length from pandas' max(), 0 when it is missing."""
    return 0 if _is_missing(value) else int(value)


def _is_missing(value: Any) -> bool:
    """Whether a cell value is None, NaN, NaT or pd.NA."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, (float, np.floating)) and math.isnan(value)
