"""A periodic report's files as `python -m dumas report` writes them without --final (and
the scheduled draft-report job): the frozen report once it is final, else a draft with the
narrative saved so far on the page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from dumas import config, i18n
from dumas.domain.periods import Period
from dumas.domain.permissions import SYSTEM
from dumas.periodic import contents


def report_data(
    cur: duckdb.DuckDBPyConnection, period: Period, lang: str, now: dt.datetime
) -> dict:
    """The frozen report when final, else the draft with the narrative saved so far."""
    from dumas.services import periodic

    frozen = periodic.frozen(cur, period)
    addressed = periodic.addressing(cur, period)  # addressee, forwarding official, sent
    if frozen is not None:
        when = i18n.fmt_datetime(frozen["finalised_at"].astimezone(config.TIMEZONE), lang)
        who = frozen["finalised_by"] or SYSTEM.full_name
        line = i18n.t("cli.finalised", lang, who=who, when=when)
        return {**frozen, **addressed, "finalised": line}
    title = contents.default_title(period, lang)
    generated = contents.generated_on(now, lang)
    data = contents.build(cur, period, lang, title=title, generated=generated)
    saved = periodic.draft(cur, period)
    return {**data, **addressed, "narrative": saved["narrative"] if saved else {}}


def xlsx_bytes(data: dict, lang: str) -> bytes:
    """The report's workbook."""
    from dumas.periodic.workbook import report_xlsx

    return report_xlsx(data, lang)


def docx_bytes(cur: duckdb.DuckDBPyConnection, data: dict, lang: str) -> bytes:
    """The report's document, on the letterhead of the settings."""
    from dumas.queries import settings
    from dumas.render.documents import periodic_report_docx

    return periodic_report_docx(data, settings.for_documents(cur), lang)


def write(
    cur: duckdb.DuckDBPyConnection,
    data: dict,
    lang: str,
    *,
    xlsx: Path | None = None,
    docx: Path | None = None,
) -> list[Path]:
    """Write the report's workbook and/or document; the files written, in that order."""
    written = []
    if xlsx:
        xlsx.write_bytes(xlsx_bytes(data, lang))
        written.append(xlsx)
    if docx:
        docx.write_bytes(docx_bytes(cur, data, lang))
        written.append(docx)
    return written
