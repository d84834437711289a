"""The periodic report's sheet and file names, in the report's language (pure).

A sheet name is the table's short name from the catalogue ("3a. Instansi"), or its title
for a table the catalogue does not name; both fit Excel's 31 characters by dropping whole
words, never by cutting one ("… tahun 202").
"""

from __future__ import annotations

import re

from dumas import i18n
from dumas.periodic.table import ReportTable

SHEET_LIMIT = 31  # Excel's longest sheet name
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
_NOT_IN_FILE_NAMES = re.compile(r"[^0-9a-z]+")


def shortened(text: str, limit: int = SHEET_LIMIT) -> str:
    """`text` within `limit` characters, whole words dropped from the end (and a trailing
    comma, dash or dot with them); a single word longer than the limit is the only one cut."""
    words = " ".join(text.split()).split(" ")
    kept: list[str] = []
    for word in words:
        if len(" ".join([*kept, word])) > limit:
            break
        kept.append(word)
    if not kept:
        return words[0][:limit]
    return " ".join(kept).rstrip(" ,;–—-")


def sheet_name(table: ReportTable, lang: str) -> str:
    """The table's sheet name in `lang`: its short name, else its title; Excel-safe."""
    key = f"report.sheet_{table.key}"
    name = i18n.t(key, lang) if key in i18n.MESSAGES["id"] else str(table.title)
    safe = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", name).split()).strip("'")
    return shortened(safe) or table.key[:SHEET_LIMIT] or "-"


def _slug(text: str) -> str:
    """Lower-case letters and digits joined by hyphens: "3a. Instansi" -> "3a-instansi"."""
    return _NOT_IN_FILE_NAMES.sub("-", text.lower()).strip("-")


def file_name(period_code: str, lang: str, extension: str, table: ReportTable | None = None) -> str:
    """The download's name: "laporan-pemantauan-2026-10.docx", or for one table
    "laporan-pemantauan-2026-10-tabel-3a-instansi.xlsx" (English words with lang="en")."""
    period = re.sub(r"[^0-9A-Za-z]+", "-", period_code).strip("-")  # "2026-S1" as typed
    if table is None:
        stem = i18n.t("report.file", lang, period=period)
    else:
        stem = i18n.t("report.table_file", lang, period=period,
                      table=_slug(sheet_name(table, lang)))  # fmt: skip
    return f"{stem}.{extension}"
