"""The periodic report's forwarding in words, for the document and the workbook (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dumas import i18n


def _text(value: object) -> str:
    return " ".join(str(value or "").split())


def sent_line(report: Mapping[str, Any], lang: str) -> str | None:
    """ "Diteruskan oleh <official> (<name>) pada <day>" once the report was sent (its
    `sent_on`), else None."""
    sent_on = report.get("sent_on")
    if not sent_on:
        return None
    official = report.get("forwarding_official") or {}
    name = _text(official.get("name"))
    who = " ".join(part for part in (_text(official.get("title")), f"({name})" if name else "")
                   if part)  # fmt: skip
    return i18n.t("report_docx.sent", lang, official=who or _text(report.get("sent_by")),
                  when=i18n.fmt_date(sent_on, lang))  # fmt: skip
