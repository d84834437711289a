"""An import report in words, for the terminal and the page (pure)."""

from __future__ import annotations

from collections.abc import Callable

from dumas import i18n
from dumas.importer import ImportReport
from dumas.importer.model import CANONICAL, RAW_FIELDS, DroppedColumn, RowError, SkippedSheet
from dumas.importer.service import SheetReport

KINDS = ("complaint", "forwarding", "response")
MAX_ERRORS_SHOWN = 50
Quote = Callable[[object], str]  # how a value is put into a message (the page: as Markdown)


def _say(key: str, lang: str, quote: Quote, **values: object) -> str:
    return i18n.t(key, lang, **{name: quote(value) for name, value in values.items()})


def outcome(report: ImportReport, lang: str, quote: Quote = str) -> str:
    """One line: what happened to the database."""
    if report.dry_run:
        key = "import.outcome.dry_run_errors" if report.errors else "import.outcome.dry_run"
    elif report.blocked:
        key = "import.outcome.blocked"
    elif report.errors:
        key = "import.outcome.partial"
    else:
        key = "import.outcome.done"
    return _say(key, lang, quote, rejected=i18n.fmt_int(len(report.rejected_rows), lang))


def count_lines(report: ImportReport, lang: str, quote: Quote = str) -> list[str]:
    """Rows read and, per kind of record, created / updated / unchanged; the agencies
    created and the columns ignored, by name (each name put in with `quote`)."""
    n = lambda v: i18n.fmt_int(v, lang)  # noqa: E731
    lines = [
        _say(
            "import.report.rows",
            lang,
            quote,
            rows=n(report.rows_read),
            duplicates=n(report.duplicates),
            rejected=n(len(report.rejected_rows)),
        )
    ]
    for kind in KINDS:
        c = report.counts[kind]
        lines.append(
            _say(
                "import.report.kind" if report.applied else "import.report.kind_would",
                lang,
                quote,
                kind=i18n.t(f"import.kind.{kind}", lang),
                created=n(c.created),
                updated=n(c.updated),
                unchanged=n(c.unchanged),
            )
        )
    if report.new_agencies:
        names = ", ".join(map(quote, report.new_agencies))
        key = "import.report.new_agencies" if report.applied else "import.report.new_agencies_would"
        lines.append(_say(key, lang, str, names=names))
    lines += dropped_lines(report.dropped, lang, quote)
    lines += total_row_lines(report.total_rows, lang)
    lines += unmatched_lines(report, lang, quote)
    lines += notice_lines(report, lang)
    if report.sheets:
        lines.append(_say("import.report.sheets", lang, quote, n=n(len(report.sheets))))
    lines += [skipped_line(skipped, lang, quote) for skipped in report.skipped_sheets]
    return lines


def total_row_lines(rows: list[int], lang: str) -> list[str]:
    """The total rows left out, by sheet row number (none: no line)."""
    if not rows:
        return []
    numbers = ", ".join(map(str, rows))
    return [i18n.t("import.report.total_rows", lang, count=i18n.fmt_int(len(rows), lang),
                   rows=numbers)]  # fmt: skip


def skipped_line(skipped: SkippedSheet, lang: str, quote: Quote = str) -> str:
    """A sheet an all-sheets import passed over, and why (refused for a missing column:
    also the columns it had that the import did not know, with their cells)."""
    why = i18n.t(skipped.reason.key, lang, **i18n.display_params(skipped.reason.params, lang))
    why = " ".join([why, *dropped_lines(list(skipped.dropped), lang, quote)])
    return i18n.t("import.report.sheet_skipped", lang, sheet=quote(skipped.sheet), reason=why)


def sheet_heading(part: SheetReport, lang: str, quote: Quote = str) -> str:
    """ "Sheet “2024”" above that sheet's own lines."""
    return i18n.t("import.report.sheet", lang, sheet=quote(part.sheet))


def sheet_lines(part: SheetReport, applied: bool, lang: str, quote: Quote = str) -> list[str]:
    """One sheet of an all-sheets import: its rows, counts, total rows, unknown columns."""
    n = lambda v: i18n.fmt_int(v, lang)  # noqa: E731
    rejected = n(len(part.rejected_rows))
    lines = [_say("import.report.rows", lang, quote, rows=n(part.rows_read),
                  duplicates=n(part.duplicates), rejected=rejected)]  # fmt: skip
    for kind in KINDS:
        c = part.counts[kind]
        lines.append(
            _say("import.report.kind" if applied else "import.report.kind_would", lang, quote,
                 kind=i18n.t(f"import.kind.{kind}", lang), created=n(c.created),
                 updated=n(c.updated), unchanged=n(c.unchanged))
        )  # fmt: skip
    lines += dropped_lines(part.dropped, lang, quote)
    lines += total_row_lines(part.total_rows, lang)
    lines += [
        i18n.t(notice.key, lang, **i18n.display_params(notice.params, lang))
        for notice in part.notices
    ]
    return lines


def unmatched_lines(report: ImportReport, lang: str, quote: Quote = str) -> list[str]:
    """Per column, the values no master list knows, imported as written, with their rows."""
    key = "import.report.unmatched" if report.applied else "import.report.unmatched_would"
    lines = []
    for name in RAW_FIELDS:
        found = report.unmatched.get(name)
        if not found:
            continue
        values = ", ".join(
            i18n.t("import.report.unmatched_value", lang, value=quote(written),
                   rows=i18n.fmt_int(rows, lang))
            for written, rows in found
        )  # fmt: skip
        lines.append(i18n.t(key, lang, column=CANONICAL[name], values=values))
    return lines


def dropped_lines(dropped: list[DroppedColumn], lang: str, quote: Quote = str) -> list[str]:
    """Each column not imported, by its heading (or place, when it has none), with how many
    of its cells held something: they were not stored."""
    lines = []
    for column in dropped:
        cells = i18n.fmt_int(column.cells, lang)
        if not column.heading:
            key, name = "import.report.dropped_unnamed", str(column.position)
        else:
            key = "import.report.dropped" if column.cells else "import.report.dropped_empty"
            name = quote(column.heading)
        lines.append(i18n.t(key, lang, column=name, cells=cells))
    return lines


def terminal_lines(report: ImportReport, lang: str) -> list[str]:
    """What `python -m dumas import` prints (and the drop folder's report holds): the
    outcome, the counts, and the first MAX_ERRORS_SHOWN refused rows."""
    lines = [outcome(report, lang), *(f"  {line}" for line in count_lines(report, lang))]
    for part in report.sheets:
        lines.append(f"  {sheet_heading(part, lang)}")
        lines += [f"    {line}" for line in sheet_lines(part, report.applied, lang)]
    if report.sheets:
        shown = [(p.sheet, e) for p in report.sheets for e in p.errors][:MAX_ERRORS_SHOWN]
        lines += [f"  - {sheet}: {error_line(error, lang)}" for sheet, error in shown]
    else:
        lines += [f"  - {error_line(error, lang)}" for error in report.errors[:MAX_ERRORS_SHOWN]]
    hidden = len(report.errors) - MAX_ERRORS_SHOWN
    if hidden > 0:
        more = i18n.t("import.report.more_errors", lang, n=i18n.fmt_int(hidden, lang))
        lines.append(f"  … {more}")
    return lines


def notice_lines(report: ImportReport, lang: str) -> list[str]:
    """How the file was read, where the user should look (e.g. rows read as Windows-1252)."""
    return [
        i18n.t(notice.key, lang, **i18n.display_params(notice.params, lang))
        for notice in report.notices
    ]


def reason(error: RowError, lang: str) -> str:
    """Why a row was refused, in the user's language."""
    return i18n.t(error.key, lang, **i18n.display_params(error.params, lang))


def error_line(error: RowError, lang: str) -> str:
    """Row N, column C: reason."""
    text = reason(error, lang)
    if error.column:
        return i18n.t("import.report.error_at", lang, row=error.row, column=error.column, text=text)
    return i18n.t("import.report.error_row", lang, row=error.row, text=text)
