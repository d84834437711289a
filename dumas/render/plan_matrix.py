"""The monitoring-plan matrix (SOP step 1) as an xlsx laid out like the paper matrix (pure).

Sheet 1: title rows, a two-level header (group headings merged over their columns), one
row per matrix row with its letters listed one per line in a cell, then a JUMLAH row of
SUM formulas. Sheet 2 ("Daftar Surat"): every letter with the number of its matrix row.
"""

from __future__ import annotations

import io
import math
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
LINE_HEIGHT = 15  # points per wrapped line of an 11 pt cell
MAX_HEIGHT = 409  # Excel's tallest row


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
    _Column("letter_list", None, 46, "text"),
    _Column("method", None, 17, "text"),
    _Column("priority", "priority", 10, "text"),
    _Column("priority_reason", "priority", 20, "text"),
    _Column("schedule_from", "schedule", 11, "date"),
    _Column("schedule_to", "schedule", 11, "date"),
    _Column("days", "schedule", 6, "int"),
    _Column("level", None, 13, "text"),
    _Column("team", "team", 24, "text"),
    _Column("persons", "team", 7, "int"),
    _Column("transport", "cost", 12, "int", summed=True),
    _Column("lodging", "cost", 12, "int", summed=True),
    _Column("allowance", "cost", 12, "int", summed=True),
    _Column("estimated_cost", "cost", 13, "int", summed=True),
    _Column("status", None, 20, "text"),
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
    _write_titles(book, ws, titles)
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
    xlsx._set_page_layout(ws)
    ws.repeat_rows(GROUP_ROW, SUB_ROW)
    ws.set_margins(left=0.3, right=0.3, top=0.5, bottom=0.5)


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


def _write_titles(book: xlsxwriter.Workbook, ws: Worksheet, lines: list[str]) -> None:
    """Each title line merged across the matrix: the first two bold and centred."""
    big = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    bold = book.add_format({"bold": True, "font_size": 12, "align": "center"})
    note = book.add_format({"font_color": "#595959"})
    last = len(_COLUMNS) - 1
    for row, text in enumerate(lines):
        fmt = big if row == 0 else bold if row == 1 else note
        ws.merge_range(row, 0, row, last, "", fmt)
        ws.write_string(row, 0, text, fmt)


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
    ws.set_row(GROUP_ROW, 2 * LINE_HEIGHT)
    ws.set_row(SUB_ROW, 3 * LINE_HEIGHT)


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
    lines = 1
    for column, value in zip(_COLUMNS, cells, strict=True):
        if column.kind == "text" and isinstance(value, str):
            chars = max(column.width - 1, 1)
            wrapped = sum(max(1, math.ceil(len(line) / chars)) for line in value.split("\n"))
            lines = max(lines, wrapped)
    return min(lines * LINE_HEIGHT, MAX_HEIGHT)


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
    """The ", "-joined names minus the lead's (a name may itself hold ", " as in "X, S.H.")."""
    parts, drop = names.split(", "), (lead or "").split(", ")
    for start in range(len(parts) - len(drop) + 1):
        if parts[start : start + len(drop)] == drop:
            return ", ".join(parts[:start] + parts[start + len(drop) :])
    return names


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
    xlsx._write_preamble(book, ws, preamble)
    labels = [t(f"matrix_xlsx.letter.{name}", lang) for name in frame.columns]
    xlsx._write_header(book, ws, labels)
    for col, name in enumerate(frame.columns):
        fmt = xlsx.INTEGER if name in ("row_no", "age_wd", "reminders") else None
        xlsx._write_column(book, ws, col, frame[name], labels[col], fmt)
    ws.autofilter(xlsx.HEADER_ROW, 0, xlsx.HEADER_ROW + len(frame), len(labels) - 1)
    xlsx._set_page_layout(ws)


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
