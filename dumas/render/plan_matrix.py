"""The monitoring-plan matrix (SOP step 1) as an xlsx laid out like the paper matrix (pure).

Sheet 1: title rows, a two-level header (group headings merged over their columns), one
row per matrix row with its letters listed one per line in a cell, then a JUMLAH row of
SUM formulas. Sheet 2 ("Daftar Surat"): every letter with the number of its matrix row.

Printed, the matrix's 24 columns do not fit one A4 page at a legible size: it prints A4
landscape at PRINT_SCALE (10 pt text at 8.5 pt), its columns split over pages side by side
where a group of columns ends, No and Instansi repeated at the left of every page and the
two header rows at the top of every page, each row as tall as its wrapped text.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from itertools import groupby
from typing import Any, NamedTuple

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_range
from xlsxwriter.worksheet import Worksheet

from dumas.i18n import MISSING, fmt_date, fmt_int, t
from dumas.render import xlsx
from dumas.services.plan_rows import MONEY  # transport, lodging, allowance: per-person rates

TITLE_ROWS = 6  # matrix title, plan title, period, Bidang, stage and version, generated
GROUP_ROW = TITLE_ROWS + 1  # 0-based; a blank row separates the titles from the header
SUB_ROW = GROUP_ROW + 1
FIRST_ROW = SUB_ROW + 1
PRINT_SCALE = 85  # percent: 10 pt prints at 8.5 pt (fitting the width would give ~4 pt)
PRINT_MARGIN = 0.25  # inches, left and right
REPEATED_COLUMNS = 2  # No and Instansi, at the left of every printed page


class _Column(NamedTuple):
    """One matrix column: its label key, the group heading over it, width, kind, summed?"""

    key: str  # the matrix() column shown as is, or a cell _row_values() computes
    group: str | None
    width: float
    kind: str  # text, int or date
    summed: bool = False


_COLUMNS = (
    _Column("no", None, 5, "int"),
    _Column("agency", None, 24, "text"),
    _Column("province", None, 13, "text"),
    _Column("origin", None, 16, "text"),
    _Column("complaints", "count", 11, "int", summed=True),
    _Column("letters", "count", 8, "int", summed=True),
    _Column("oldest_letter_date", "oldest", 11, "date"),
    _Column("oldest_age_wd", "oldest", 10, "int"),
    _Column("reminders", None, 11, "int"),
    _Column("letter_list", None, 36, "text"),
    _Column("method", None, 17, "text"),
    _Column("priority", "priority", 10, "text"),
    _Column("priority_reason", "priority", 16, "text"),
    _Column("schedule_from", "schedule", 11, "date"),
    _Column("schedule_to", "schedule", 11, "date"),
    _Column("days", "schedule", 6, "int"),
    _Column("level", None, 13, "text"),
    _Column("team", "team", 22, "text"),
    _Column("persons", "team", 7, "int"),
    _Column("transport", "cost", 12, "int", summed=True),
    _Column("lodging", "cost", 12, "int", summed=True),
    _Column("allowance", "cost", 12, "int", summed=True),
    _Column("estimated_cost", "cost", 13, "int", summed=True),
    _Column("status", None, 16, "text"),
)
_TOTAL_LABEL_SPAN = 4  # JUMLAH is written across No, Instansi, Lokus and Asal usulan


def matrix_xlsx(
    header: Mapping[str, object],
    rows: pd.DataFrame,
    letters: pd.DataFrame,
    lang: str,
    generated: str,
) -> bytes:
    """The plan's matrix and its letters as a workbook an office can print and file as is."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, xlsx._WORKBOOK_OPTIONS)
    book.set_properties({"title": str(header["title"]), "comments": t("matrix_xlsx.title", lang)})
    numbers = {row_id: n for n, row_id in enumerate(rows["row_id"].tolist(), start=1)}
    lines: dict[Any, list[str]] = {}  # row id -> one line per letter
    for letter in letters.to_dict("records"):
        lines.setdefault(letter["row_id"], []).append(_letter_line(letter, lang))
    values = [
        _row_values(row, numbers[row["row_id"]], lines.get(row["row_id"], []), lang)
        for row in rows.to_dict("records")
    ]
    titles = _title_lines(header, lang, generated)
    _write_matrix(book, titles, values, lang)
    heading = t("matrix_xlsx.letters_heading", lang, title=header["title"])
    frame = _letters_frame(rows, letters, numbers, lang)
    _write_letters(book, (heading, titles[2], generated), frame, lang)
    book.close()
    return buffer.getvalue()


def _write_matrix(
    book: xlsxwriter.Workbook, titles: list[str], values: list[list[Any]], lang: str
) -> None:
    """Sheet 1: titles, the two-level header, the rows and the JUMLAH row, ready to print."""
    ws = book.add_worksheet(xlsx.sheet_safe_name(t("matrix_xlsx.sheet", lang)))
    breaks = _column_breaks()
    _write_titles(book, ws, titles, breaks[0] if breaks else len(_COLUMNS))
    _write_header(book, ws, lang)
    fmts = _body_formats(book)
    for index, cells in enumerate(values):
        for col, (column, value) in enumerate(zip(_COLUMNS, cells, strict=True)):
            _put(ws, FIRST_ROW + index, col, value, column.kind, fmts)
        ws.set_row(FIRST_ROW + index, _height(cells))
    _write_totals(book, ws, values, lang)
    for col, column in enumerate(_COLUMNS):
        ws.set_column(col, col, column.width)
    ws.freeze_panes(FIRST_ROW, 2)
    _set_print(ws, breaks)


def _set_print(ws: Worksheet, breaks: list[int]) -> None:
    """A4 landscape at PRINT_SCALE, pages side by side at `breaks` then down, the header
    rows and the first columns on every page, page numbers in the footer."""
    ws.set_paper(xlsx.A4_PAPER)
    ws.set_landscape()
    ws.set_print_scale(PRINT_SCALE)
    ws.set_margins(left=PRINT_MARGIN, right=PRINT_MARGIN, top=0.5, bottom=0.5)
    ws.repeat_rows(GROUP_ROW, SUB_ROW)
    ws.repeat_columns(0, REPEATED_COLUMNS - 1)
    ws.set_v_pagebreaks(breaks)
    ws.print_across()  # a page's rows left part, then their right part, then the next rows
    ws.set_footer("&R&P / &N")


def _column_breaks() -> list[int]:
    """The columns that start a new printed page: a page holds, beside the repeated first
    columns, as many whole groups of columns as fit at PRINT_SCALE."""
    page = xlsx.printable_points(landscape=True, margin=PRINT_MARGIN) * 100 / PRINT_SCALE
    repeated = sum(xlsx.column_points(c.width) for c in _COLUMNS[:REPEATED_COLUMNS])
    room = page - repeated - 2  # a little slack for rounding in the office programs
    breaks: list[int] = []
    used = 0.0
    runs = groupby(enumerate(_COLUMNS), key=lambda item: item[1].group or item[0])
    for _, run in runs:
        cols = [col for col, _ in run]
        if cols[0] < REPEATED_COLUMNS:
            continue
        width = sum(xlsx.column_points(_COLUMNS[col].width) for col in cols)
        if used and used + width > room:
            breaks.append(cols[0])
            used = 0.0
        used += width
    return breaks


def _title_lines(header: Mapping[str, object], lang: str, generated: str) -> list[str]:
    """The lines above the matrix, as on the paper form."""
    bidang = header.get("bidang") or t("matrix_xlsx.any_bidang", lang)
    state = t(f"plan_state.{header['state']}", lang)
    author = header.get("created_by_name") or MISSING
    stage = t("matrix_xlsx.stage", lang, state=state, version=header["version"], author=author)
    return [
        t("matrix_xlsx.title", lang),
        str(header["title"]),
        t("matrix_xlsx.period", lang, period=header["period_label"]),
        t("matrix_xlsx.bidang", lang, bidang=bidang),
        stage,
        generated,
    ]


def _write_titles(book: xlsxwriter.Workbook, ws: Worksheet, lines: list[str], span: int) -> None:
    """Each title line merged across the first printed page's `span` columns, wrapped and
    centred, the first two bold."""
    base = {"valign": "top", "text_wrap": True}
    big = book.add_format({**base, "bold": True, "font_size": 14, "align": "center"})
    bold = book.add_format({**base, "bold": True, "font_size": 12, "align": "center"})
    # Centred too: the repeated first columns of the later pages then show none of them.
    note = book.add_format({**base, "font_color": "#595959", "align": "center"})
    width = sum(column.width for column in _COLUMNS[:span])
    for row, text in enumerate(lines):
        fmt, size = (big, 14) if row == 0 else (bold, 12) if row == 1 else (note, xlsx.FONT_SIZE)
        ws.merge_range(row, 0, row, span - 1, "", fmt)
        ws.write_string(row, 0, text, fmt)
        count = xlsx.wrapped_lines(text, width, font_size=size, bold=row < 2)
        ws.set_row(row, xlsx.line_height(count, size))


def _write_header(book: xlsxwriter.Workbook, ws: Worksheet, lang: str) -> None:
    """Group headings merged over their sub-columns; ungrouped labels span both rows."""
    fmt = book.add_format(
        {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
         "align": "center", "valign": "vcenter"}
    )  # fmt: skip
    runs = groupby(enumerate(_COLUMNS), key=lambda item: item[1].group or item[0])
    for group, run in runs:
        cols = [col for col, _ in run]
        labels = [t(f"matrix_xlsx.col.{_COLUMNS[col].key}", lang) for col in cols]
        if isinstance(group, int):  # no group: one label over both header rows
            ws.merge_range(GROUP_ROW, cols[0], SUB_ROW, cols[0], labels[0], fmt)
            continue
        heading = t(f"matrix_xlsx.group.{group}", lang)
        ws.merge_range(GROUP_ROW, cols[0], GROUP_ROW, cols[-1], heading, fmt)
        for col, label in zip(cols, labels, strict=True):
            ws.write_string(SUB_ROW, col, label, fmt)
    group_lines, sub_lines = _header_lines(lang)
    ws.set_row(GROUP_ROW, xlsx.line_height(group_lines))
    ws.set_row(SUB_ROW, xlsx.line_height(sub_lines))


def _header_lines(lang: str) -> tuple[int, int]:
    """Lines of the group row and of the sub-column row: group headings over their merged
    width, sub-labels in their column, and the ungrouped labels across both rows."""
    group_lines, sub_lines, spanning = 1, 1, 1
    runs = groupby(enumerate(_COLUMNS), key=lambda item: item[1].group or item[0])
    for group, run in runs:
        columns = [column for _, column in run]
        for column in columns:
            label = t(f"matrix_xlsx.col.{column.key}", lang)
            lines = xlsx.wrapped_lines(label, column.width - 1, bold=True)
            if isinstance(group, int):
                spanning = max(spanning, lines)
            else:
                sub_lines = max(sub_lines, lines)
        if not isinstance(group, int):
            heading = t(f"matrix_xlsx.group.{group}", lang)
            width = sum(column.width for column in columns) - 1
            group_lines = max(group_lines, xlsx.wrapped_lines(heading, width, bold=True))
    return group_lines, max(sub_lines, spanning - group_lines)


def _body_formats(book: xlsxwriter.Workbook, total: bool = False) -> dict[str, Format]:
    """Bordered, top-aligned cell formats by kind (bold and shaded for the JUMLAH row)."""
    base: dict[str, Any] = {"border": 1, "valign": "top"}
    if total:
        base |= {"bold": True, "bg_color": "#F2F2F2"}
    return {
        "text": book.add_format({**base, "text_wrap": True}),
        "int": book.add_format({**base, "num_format": xlsx.INTEGER}),
        "date": book.add_format({**base, "num_format": xlsx.DATE}),
    }


def _put(ws: Worksheet, row: int, col: int, value: Any, kind: str, fmts: dict) -> None:
    """One cell by its column's kind; user text is always a string, never a formula."""
    if xlsx._is_missing(value):
        ws.write_blank(row, col, None, fmts[kind])
    elif kind == "int":
        ws.write_number(row, col, int(value), fmts["int"])
    elif kind == "date":
        ws.write_datetime(row, col, value, fmts["date"])
    else:
        ws.write_string(row, col, str(value), fmts["text"])


def _height(cells: list[Any]) -> float:
    """Row height for the wrapped text of its tallest cell."""
    texts = [
        (value, column.width)
        for column, value in zip(_COLUMNS, cells, strict=True)
        if column.kind == "text" and isinstance(value, str)
    ]
    return xlsx.row_height(texts) or xlsx.line_height(1)


def _write_totals(
    book: xlsxwriter.Workbook, ws: Worksheet, values: list[list[Any]], lang: str
) -> None:
    """JUMLAH: SUM formulas over the summed columns (with their value cached)."""
    row = FIRST_ROW + len(values)
    fmts = _body_formats(book, total=True)
    label = t("matrix_xlsx.total", lang)
    ws.merge_range(row, 0, row, _TOTAL_LABEL_SPAN - 1, label, fmts["text"])
    for col, column in enumerate(_COLUMNS[_TOTAL_LABEL_SPAN:], start=_TOTAL_LABEL_SPAN):
        if not column.summed:
            ws.write_blank(row, col, None, fmts["text"])
            continue
        total = sum(int(cells[col]) for cells in values if not xlsx._is_missing(cells[col]))
        if values:
            cells = xl_range(FIRST_ROW, col, row - 1, col)
            ws.write_formula(row, col, f"=SUM({cells})", fmts["int"], total)
        else:
            ws.write_number(row, col, total, fmts["int"])


def _row_values(row: dict[str, Any], number: int, lines: list[str], lang: str) -> list[Any]:
    """One matrix row's cells in the order of _COLUMNS: codes as labels, costs in parts."""
    computed = dict(zip(MONEY, _cost_parts(row), strict=True)) | {
        "no": number,
        "origin": _joined(_label("origin", row["origin"], lang), row["origin_reason"]),
        "letter_list": "\n".join(lines) or None,
        "method": _label("method", row["method"], lang),
        "priority": _label("priority", row["priority"], lang),
        "level": _label("level", row["level"], lang),
        "team": _team(row["team_lead_name"], row["team_names"], lang),
        "status": _joined(_label("row_status", row["status"], lang), row["decision_note"]),
    }
    return [computed[c.key] if c.key in computed else row[c.key] for c in _COLUMNS]


def _cost_parts(row: dict[str, Any]) -> list[int | None]:
    """Transport, lodging and allowance totals, as the query computed them (figures.sql)."""
    return [
        None if xlsx._is_missing(row[f"{name}_total"]) else int(row[f"{name}_total"])
        for name in MONEY
    ]


def _team(lead: Any, names: Any, lang: str) -> str | None:
    """The lead, then the other members (the team's names include the lead)."""
    lead, names = _present(lead), _present(names)
    members = _without(names, lead) if names else None
    lines = []
    if lead:
        lines.append(t("matrix_xlsx.team_lead", lang, name=lead))
    if members:
        lines.append(t("matrix_xlsx.team_members", lang, names=members))
    return "\n".join(lines) or None


def _without(names: str, lead: str | None) -> str:
    """The "; "-joined names (queries/plans.matrix) minus the lead's."""
    return "; ".join(name for name in names.split("; ") if name != lead)


def _letter_line(letter: dict[str, Any], lang: str) -> str:
    """One letter as "agenda — letter no — dd/mm/yyyy — status[, age]" in the list cell."""
    state = t(f"status.{letter['last_status']}", lang)
    if not letter["answered"] and not xlsx._is_missing(letter["age_wd"]):
        age = fmt_int(letter["age_wd"], lang)
        state = t("matrix_xlsx.unanswered_age", lang, status=state, age=age)
    parts = [
        _present(letter["agenda_no"]) or MISSING,
        _present(letter["letter_no"]) or MISSING,
        fmt_date(letter["letter_date"], lang, "short"),
        state,
    ]
    return " — ".join(parts)


def _write_letters(
    book: xlsxwriter.Workbook, preamble: tuple[str, ...], frame: pd.DataFrame, lang: str
) -> None:
    """Sheet 2: every letter with its matrix row number, laid out as the other exports."""
    ws = book.add_worksheet(xlsx.sheet_safe_name(t("matrix_xlsx.letters_sheet", lang)))
    labels = [t(f"matrix_xlsx.letter.{name}", lang) for name in frame.columns]
    numbers = ("row_no", "age_wd", "reminders")
    formats = [xlsx.INTEGER if name in numbers else None for name in frame.columns]
    widths = xlsx.write_table(book, ws, frame, labels, formats)
    xlsx._write_preamble(book, ws, preamble, widths)
    xlsx.set_print(ws, widths, header_rows=(xlsx.HEADER_ROW, xlsx.HEADER_ROW))


def _letters_frame(
    rows: pd.DataFrame, letters: pd.DataFrame, numbers: dict[Any, int], lang: str
) -> pd.DataFrame:
    """The letters with their row number and agency, labels in `lang`, by row then date."""
    agencies = dict(zip(rows["row_id"].tolist(), rows["agency"].tolist(), strict=True))
    answered = {True: t("matrix_xlsx.yes", lang), False: t("matrix_xlsx.no", lang)}
    frame = pd.DataFrame(
        {
            "row_no": letters["row_id"].map(numbers).astype("Int64"),
            "agency": letters["row_id"].map(agencies),
            "agenda_no": letters["agenda_no"],
            "letter_no": letters["letter_no"],
            "letter_date": letters["letter_date"],
            "answered": letters["answered"].map(lambda a: answered[bool(a)]),
            "status": letters["last_status"].map(lambda s: t(f"status.{s}", lang)),
            "age_wd": letters["age_wd"].astype("Int64"),
            "reminders": letters["reminders"].astype("Int64"),
        }
    )
    return frame.sort_values(["row_no", "letter_date"], kind="stable")


def _label(prefix: str, code: Any, lang: str) -> str | None:
    """The catalogue label of a code ("method.surat_resmi"), None when there is no code."""
    return None if xlsx._is_missing(code) else t(f"{prefix}.{code}", lang)


def _joined(first: str | None, second: Any) -> str | None:
    """Two pieces of text on two lines of one cell, either may be missing."""
    return "\n".join(p for p in (first, _present(second)) if p) or None


def _present(value: Any) -> str | None:
    """Text, or None for a missing or blank value."""
    if xlsx._is_missing(value):
        return None
    return str(value).strip() or None
