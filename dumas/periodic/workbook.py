"""The periodic report as an xlsx workbook: a cover, one sheet per table (pure).

Each table sheet has title rows, a frozen bold header, number formats, a bold total row and,
when asked, a native Excel chart of its rows. Number formats use Excel's neutral codes, so
Excel and LibreOffice show the reader's separators. User text is always text, never a formula.
"""

from __future__ import annotations

import io
import numbers
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.chart.data_source import AxDataSource, NumFmt, StrRef
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from dumas.i18n import t
from dumas.periodic.names import sheet_name, shortened
from dumas.periodic.route_text import sent_line
from dumas.periodic.table import Chart, Column, ReportTable
from dumas.render import xlsx

HEADER_ROW = 5  # 1-based: table title, report and period, status and generated, blank, header
FIRST_ROW = HEADER_ROW + 1
FORMATS = {"int": xlsx.INTEGER, "rupiah": xlsx.INTEGER, "pct": xlsx.PERCENT}
CHARTS = {"bar": BarChart, "line": LineChart, "pie": PieChart}
CHART_GAP = 2  # blank rows between a table and its chart
ONE_PAGE_ROWS = 20  # a table this short prints on one landscape page with its chart
LINE_HEIGHT = 15  # points per wrapped line of an 11 pt cell
MAX_ROW_HEIGHT = 409  # points: Excel's tallest row
COVER_NARRATIVE_ROW = 9  # the first row below the status lines (the tables follow it)
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_NOTE = Font(color="595959")
_WRAP = Alignment(wrap_text=True, vertical="top")


def report_xlsx(report: dict, lang: str) -> bytes:
    """The report as a workbook: its cover sheet, then one formatted sheet per table."""
    book = Workbook()
    cover = book.active
    cover.title = xlsx.sheet_safe_name(t("report_xlsx.cover_sheet", lang))
    book.properties.title = _clean(report["title"])
    tables = report["tables"]
    names = _sheet_names([sheet_name(table, lang) for table in tables], cover.title)
    for table, name in zip(tables, names, strict=True):
        _write_table(book.create_sheet(name), table, report, lang)
    _write_cover(cover, report, names, lang)
    return _saved(book)


def table_xlsx(report: dict, key: str, lang: str) -> bytes:
    """One table of the report on its own: the workbook of just its sheet, as in the full one.

    The sheet's title rows name the report, its period and KONSEP/FINAL. KeyError for a key
    that is not one of the report's tables.
    """
    table = next((table for table in report["tables"] if table.key == key), None)
    if table is None:
        raise KeyError(f"the report has no table {key!r}")
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name(table, lang)
    book.properties.title = _clean(f"{report['title']} — {table.title}")
    _write_table(sheet, table, report, lang)
    return _saved(book)


def _saved(book: Workbook) -> bytes:
    """The workbook's xlsx bytes."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_names(wanted: list[str], reserved: str) -> list[str]:
    """Distinct sheet names from the tables' Excel-safe names (" (2)" added on a clash, the
    name shortened by whole words to make room)."""
    used, names = {reserved.lower()}, []
    for base in wanted:
        name, n = base, 1
        while name.lower() in used:
            n += 1
            suffix = f" ({n})"
            name = shortened(base, 31 - len(suffix)) + suffix
        used.add(name.lower())
        names.append(name)
    return names


def _status(report: dict, lang: str) -> str:
    """KONSEP or FINAL in `lang`."""
    return t("report_xlsx.final" if report.get("final") else "report_xlsx.draft", lang)


def _write_cover(ws: Worksheet, report: dict, names: list[str], lang: str) -> None:
    """Title, unit, period, KONSEP/FINAL in large bold, generated, the narrative, the tables."""
    ws.column_dimensions["A"].width = max([14, *(len(name) + 2 for name in names)])
    ws.column_dimensions["B"].width = 80
    _text(ws, 1, 1, report["title"]).font = Font(bold=True, size=16)
    for row, key, field in ((3, "unit", "unit"), (4, "period", "period_label")):
        _text(ws, row, 1, t(f"report_xlsx.{key}", lang)).font = Font(bold=True)
        _text(ws, row, 2, report.get(field) or "")
    _text(ws, 5, 1, t("report_xlsx.status", lang)).font = Font(bold=True)
    colour = "00703C" if report.get("final") else "C00000"
    _text(ws, 5, 2, _status(report, lang)).font = Font(bold=True, size=20, color=colour)
    ws.row_dimensions[5].height = 30
    note = report.get("finalised") if report.get("final") else t("report_xlsx.draft_note", lang)
    _text(ws, 6, 2, note or "").font = _NOTE
    _text(ws, 7, 2, report.get("generated") or "").font = _NOTE
    _route_rows(ws, report, lang)
    top = _write_narrative(ws, report.get("narrative") or {}, COVER_NARRATIVE_ROW, lang)
    _text(ws, top, 1, t("report_xlsx.tables", lang)).font = Font(bold=True, size=12)
    _header(ws, top + 1, [t("report_xlsx.sheet", lang), t("report_xlsx.table", lang)])
    for row, (table, name) in enumerate(zip(report["tables"], names, strict=True), start=top + 2):
        link = _text(ws, row, 1, name)
        link.hyperlink = Hyperlink(ref=link.coordinate, location=_location(name))
        link.font = Font(color="0563C1", underline="single")
        _text(ws, row, 2, table.title)
        for col in (1, 2):
            ws.cell(row=row, column=col).border = _BORDER
    _print_setup(ws, landscape=False)


def _route_rows(ws: Worksheet, report: dict, lang: str) -> None:
    """Row 2: the addressee; row 8: sent (by whom, on which day) or not yet."""
    if report.get("addressee"):
        _text(ws, 2, 1, t("report_xlsx.addressee", lang)).font = Font(bold=True)
        _text(ws, 2, 2, report["addressee"])
    if "sent_on" in report:
        _text(ws, 8, 1, t("report_xlsx.sent", lang)).font = Font(bold=True)
        line = sent_line(report, lang) or t("report_xlsx.not_sent", lang)
        _text(ws, 8, 2, line).font = _NOTE


def _write_narrative(ws: Worksheet, narrative: dict, row: int, lang: str) -> int:
    """Each non-empty part (key issues, recommendations) under its bold heading, a line of
    the text per row across A:B, wrapped; the row where the list of tables goes."""
    width = ws.column_dimensions["A"].width + ws.column_dimensions["B"].width
    parts = (("key_issues", t("report_xlsx.key_issues", lang)),
             ("recommendations", t("report_xlsx.recommendations", lang)))  # fmt: skip
    for part, heading in parts:
        lines = [line.rstrip() for line in str(narrative.get(part) or "").strip().splitlines()]
        if not lines:
            continue
        _text(ws, row, 1, heading).font = Font(bold=True, size=12)
        for line in lines:
            row += 1
            if line:  # a blank line stays an empty row between paragraphs
                ws.merge_cells(start_row=row, end_row=row, start_column=1, end_column=2)
                _text(ws, row, 1, line).alignment = _WRAP
                height = _line_count(line, width) * LINE_HEIGHT
                ws.row_dimensions[row].height = min(height, MAX_ROW_HEIGHT)
        row += 2  # a blank row after each part
    return row


def _location(name: str) -> str:
    """An in-workbook link target: the sheet's first cell."""
    return "'{}'!A1".format(name.replace("'", "''"))


def _write_table(ws: Worksheet, table: ReportTable, report: dict, lang: str) -> None:
    """Title rows, the frozen header, the rows, the bold total, widths, print setup, chart."""
    columns, rows, total = table.columns, table.rows, table.total
    _text(ws, 1, 1, table.title).font = Font(bold=True, size=14)
    subtitle = t("report_xlsx.subtitle", lang, title=report["title"], period=report["period_label"])
    _text(ws, 2, 1, subtitle).font = _NOTE
    status = _status(report, lang)
    state = t("report_xlsx.state_line", lang, state=status, generated=report["generated"])
    _text(ws, 3, 1, state).font = _NOTE
    _header(ws, HEADER_ROW, [column.label for column in columns])
    for index, values in enumerate(rows):
        _write_row(ws, FIRST_ROW + index, columns, values, bold=False)
    if total is not None:
        _write_row(ws, FIRST_ROW + len(rows), columns, total, bold=True)
    _set_widths(ws, columns, table.records)
    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _print_setup(ws, landscape=True)
    after = FIRST_ROW + len(rows) + (total is not None)  # the first row below the table
    if table.nothing_to_chart:  # no chart of zeros: the sheet says there is nothing to show
        _text(ws, after + 1, 1, t("report.no_data", lang)).font = Font(italic=True)
    elif table.chart:
        drawn = len(table.chart_rows)
        _add_chart(ws, table, table.chart, drawn, anchor_row=after + CHART_GAP)
        _keep_chart_whole(ws, len(rows), chart_row=after + CHART_GAP)


def _keep_chart_whole(ws: Worksheet, rows: int, chart_row: int) -> None:
    """Never print a page break through the chart: a short table and its chart print on
    one page; a long table ends its pages and the chart starts a page of its own."""
    if rows <= ONE_PAGE_ROWS:
        ws.page_setup.fitToHeight = 1
    else:
        ws.row_breaks.append(Break(id=chart_row - 1))


def _header(ws: Worksheet, row: int, labels: list[str]) -> None:
    """A bold, filled, bordered header row."""
    for col, label in enumerate(labels, start=1):
        cell = _text(ws, row, col, label)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = _WRAP


def _write_row(
    ws: Worksheet, row: int, columns: tuple[Column, ...], values: Mapping[str, Any], bold: bool
) -> None:
    """One table row, each cell by its column's kind; the total row bold and shaded."""
    for col, column in enumerate(columns, start=1):
        cell = _put(ws, row, col, values.get(column.name), column.kind)
        cell.border = _BORDER
        if bold:
            cell.font = Font(bold=True)
            cell.fill = _TOTAL_FILL


def _put(ws: Worksheet, row: int, col: int, value: Any, kind: str) -> Cell:
    """A number with its column's format, an empty cell, or text (never a formula)."""
    if _is_number(value):
        cell = ws.cell(row=row, column=col, value=_number(value))
    elif xlsx._is_missing(value):
        cell = ws.cell(row=row, column=col)
    else:
        cell = _text(ws, row, col, value)
        cell.alignment = _WRAP
    if kind in FORMATS:
        cell.number_format = FORMATS[kind]
    return cell


def _text(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    """A cell holding `value` as a string: "=..." stays text, control characters dropped."""
    cell = ws.cell(row=row, column=col)
    cell.value = _clean(value)
    cell.data_type = "s"
    return cell


def _clean(value: Any) -> str:
    """`value` as text Excel accepts (no control characters)."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _is_number(value: Any) -> bool:
    """Whether `value` is a real number (not a bool, not NaN)."""
    numeric = isinstance(value, (numbers.Real, Decimal)) and not isinstance(value, bool)
    return numeric and not xlsx._is_missing(value) and value == value


def _number(value: Any) -> int | float:
    """A plain int or float openpyxl writes as is."""
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def _set_widths(
    ws: Worksheet, columns: tuple[Column, ...], records: tuple[Mapping[str, Any], ...]
) -> None:
    """Each column as wide as its longest value or header word; long text wraps at the cap."""
    lines = 1
    for col, column in enumerate(columns, start=1):
        shown = [_shown(record.get(column.name), column.kind) for record in records]
        label = str(column.label)
        word = max((len(w) for w in label.split()), default=0)
        content = max((len(text) for text in shown), default=0)
        width = min(max(word + 2, content + 2, xlsx.MIN_WIDTH), xlsx.MAX_WIDTH)
        ws.column_dimensions[get_column_letter(col)].width = width
        lines = max(lines, _line_count(label, width))
    ws.row_dimensions[HEADER_ROW].height = lines * LINE_HEIGHT


def _line_count(text: str, width: float) -> int:
    """Roughly how many lines `text` wraps to in a cell `width` characters wide."""
    return max(1, -(-len(text) // max(int(width) - 1, 1)))


def _shown(value: Any, kind: str) -> str:
    """Roughly how a cell reads, to size its column."""
    if _is_number(value):
        return f"{value:.1%}" if kind == "pct" else f"{_number(value):,.0f}"
    return "" if xlsx._is_missing(value) else str(value)


def _add_chart(ws: Worksheet, table: ReportTable, spec: Chart, count: int, anchor_row: int) -> None:
    """The table's native chart over its first `count` rows (never the total, nor a remainder
    row such as "Instansi lainnya"), below the table; the value axis starts at zero."""
    if spec.type not in CHARTS:
        raise ValueError(f"unknown chart type {spec.type!r}; expected one of {sorted(CHARTS)}")
    chart = CHARTS[spec.type]()
    last = FIRST_ROW + count - 1
    values = spec.values[:1] if spec.type == "pie" else spec.values
    for name in values:
        data = Reference(ws, min_col=_column(table, name), min_row=HEADER_ROW, max_row=last)
        chart.add_data(data, titles_from_data=True)
    category = _column(table, spec.category)
    cats = Reference(ws, min_col=category, min_row=FIRST_ROW, max_row=last)
    chart.set_categories(cats)
    if table.column(spec.category).kind not in FORMATS:  # text categories: a string reference
        for series in chart.series:
            series.cat = AxDataSource(strRef=StrRef(f=str(cats)))
    chart.title = _clean(table.title)
    kind = table.column(values[0]).kind
    _style_chart(chart, spec.type, FORMATS.get(kind, "General"))
    labels = [str(row.get(spec.category) or "") for row in table.chart_rows]
    if spec.type == "bar" and (count > 6 or max(map(len, labels), default=0) > 18):
        _lay_flat(chart, count * len(values))
    ws.add_chart(chart, f"A{anchor_row}")


def _lay_flat(chart: BarChart, bars: int) -> None:
    """Many or long labels (agencies, provinces): horizontal bars, the first row on top,
    as on the page."""
    chart.type = "bar"
    chart.x_axis.scaling.orientation = "maxMin"
    chart.height = min(max(10, 0.3 * bars + 3), 14)  # one landscape page with the header


def _column(table: ReportTable, name: str) -> int:
    """The 1-based column of `name`, ValueError when the table has no such column."""
    return table.columns.index(table.column(name)) + 1


def _style_chart(chart: Any, kind: str, number_format: str) -> None:
    """Size, legend, visible axes with the values' format; percentages on a pie."""
    chart.legend.position = "b"
    if kind == "pie":
        chart.width, chart.height = 16, 10
        chart.dataLabels = DataLabelList(showPercent=True)
        return
    chart.width, chart.height = 24, 10
    if kind == "bar":
        chart.type, chart.grouping = "col", "clustered"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.numFmt = NumFmt(formatCode=number_format, sourceLinked=False)
    chart.y_axis.scaling.min = 0  # bars from zero: never a cut axis that magnifies a gap


def _print_setup(ws: Worksheet, landscape: bool) -> None:
    """A4, one page wide, page numbers in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.right.text = "&P / &N"
