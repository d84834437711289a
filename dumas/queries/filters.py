"""The dashboard's filter set, turned into one parameterised WHERE clause."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from dumas.domain.codes import ResponseStatus

AGE_BUCKETS = ("0_14", "15_30", "31_60", "over_60")
RESPONSE_FILTERS = ("unanswered", *ResponseStatus)  # a letter's latest status (letter_facts)


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the follow-up data to; empty means everything."""

    date_from: dt.date | None = None  # forwarding letter date, inclusive
    date_to: dt.date | None = None
    agency_ids: tuple[int, ...] = ()
    agency_categories: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    problem_codes: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    age_buckets: tuple[str, ...] = ()  # only unanswered letters have an age bucket
    statuses: tuple[str, ...] = ()  # 'unanswered' or the latest follow-up status
    search: str = ""

    def is_empty(self) -> bool:
        """True when no filter narrows the data."""
        return not any(getattr(self, f.name) for f in fields(self))


# Lists filtered with "column IN (SELECT unnest($param))": one parameter per filter.
_LIST_FILTERS = (
    ("agency_ids", "lf.agency_id"),
    ("agency_categories", "ag.category_code"),
    ("provinces", "lf.province_code"),
    ("problem_codes", "lf.problem_code"),
    ("categories", "lf.category_code"),
    ("channels", "lf.channel"),
    ("age_buckets", "lf.age_bucket"),
    ("statuses", "lf.last_status"),
)


def where_clause(filters: Filters) -> tuple[str, dict[str, object]]:
    """SQL conditions over aliases lf (letter_facts) and ag (agency).

    The text search looks in the agenda number and, through a semi-join, the summary.
    """
    conditions = ["TRUE"]
    params: dict[str, object] = {}
    if filters.date_from:
        conditions.append("lf.letter_date >= $date_from")
        params["date_from"] = filters.date_from
    if filters.date_to:
        conditions.append("lf.letter_date <= $date_to")
        params["date_to"] = filters.date_to
    for name, column in _LIST_FILTERS:
        values = getattr(filters, name)
        if values:
            conditions.append(f"{column} IN (SELECT unnest(${name}))")
            params[name] = list(values)
    if filters.search.strip():
        conditions.append(
            "(lf.agenda_no ILIKE $search ESCAPE '\\' OR lf.complaint_id IN ("
            "SELECT id FROM complaint WHERE summary ILIKE $search ESCAPE '\\'))"
        )
        params["search"] = f"%{escape_like(filters.search.strip())}%"
    return "\n   AND ".join(conditions), params


def escape_like(text: str) -> str:
    """Escape LIKE wildcards so the user's text matches literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
