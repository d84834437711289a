"""The follow-up tables as shown and exported: columns, labels, display values (pure)."""

from __future__ import annotations

import pandas as pd

from dumas import i18n
from dumas.render import xlsx

# Column -> catalogue id of its header. The order is the order on screen and in Excel.
LETTER_COLUMNS = {
    "agenda_no": "col.agenda_no",
    "letter_no": "col.letter_no",
    "letter_date": "col.letter_date",
    "agency": "col.agency",
    "province": "col.province",
    "category": "col.category",
    "age_wd": "col.age_wd",
    "reminders": "col.reminders",
    "last_status": "col.last_status",
}
LETTER_EXPORT_COLUMNS = {**LETTER_COLUMNS, "summary": "col.summary"}
AGENCY_COLUMNS = {
    "rank": "col.rank",
    "agency": "col.agency",
    "forwarded": "col.forwarded",
    "on_time": "col.on_time",
    "late": "col.late",
    "unanswered": "col.unanswered",
    "response_rate": "col.response_rate",
    "median_days": "col.median_days",
}
TIMELINE_COLUMNS = {
    "agency": "col.agency",
    "event_date": "col.date",
    "kind": "col.event",
    "letter_no": "col.letter_no",
    "status": "col.last_status",
    "detail": "col.detail",
}


def labels(columns: dict[str, str], lang: str) -> dict[str, str]:
    """Header labels of a table in the user's language."""
    return {column: i18n.t(key, lang) for column, key in columns.items()}


def with_status_names(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Follow-up status codes replaced by their names."""
    return frame.assign(last_status=frame["last_status"].map(lambda s: i18n.t(f"status.{s}", lang)))


def with_event_names(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Timeline event and status codes replaced by their names."""
    return frame.assign(
        kind=frame["kind"].map(lambda k: i18n.t(f"event.{k}", lang)),
        status=frame["status"].map(
            lambda s: i18n.t(f"status.{s}", lang) if isinstance(s, str) else None
        ),
    )


def workbook(
    frame: pd.DataFrame,
    columns: dict[str, str],
    *,
    lang: str,
    title: str,
    filters_text: str,
    generated: str,
) -> bytes:
    """One table as a formatted .xlsx, headers in the user's language."""
    names = labels(columns, lang)
    formats = {"response_rate": xlsx.PERCENT} if "response_rate" in columns else None
    return xlsx.to_xlsx(
        frame[list(columns)],
        title=title,
        filters=filters_text,
        generated=generated,
        columns=names,
        number_formats=formats,
        sheet_name=xlsx.sheet_safe_name(title),
    )
