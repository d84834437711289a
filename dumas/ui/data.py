"""Cached reads for pages: keyed by database, data version, query and arguments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from dumas.queries import followup, lookups
from dumas.queries.filters import Filters
from dumas.ui.state import get_db

_FOLLOWUP = {
    "kpis": followup.kpis,
    "letters": followup.letters,
    "agency_table": followup.agency_table,
    "monthly": followup.monthly,
    "unanswered_by_bucket": followup.unanswered_by_bucket,
    "unanswered_by": followup.unanswered_by,
    "changes": followup.changes,
}


def _version() -> str:
    with get_db().reading() as cur:
        return lookups.data_version(cur)


@st.cache_data(ttl=900, max_entries=512, show_spinner=False)
def _followup(
    path: str, version: str, name: str, filters: Filters, as_of: dt.date, kwargs: tuple
) -> Any:
    with get_db().reading() as cur:
        return _FOLLOWUP[name](cur, filters, as_of, **dict(kwargs))


def followup_query(name: str, filters: Filters, as_of: dt.date, **kwargs: Any) -> Any:
    """A dashboard query, recomputed only when the data or the arguments change."""
    packed = tuple(sorted(kwargs.items()))
    return _followup(str(get_db().path), _version(), name, filters, as_of, packed)


def followup_fresh(name: str, filters: Filters, as_of: dt.date, **kwargs: Any) -> Any:
    """The same query without the cache (large exports are not worth keeping in memory)."""
    with get_db().reading() as cur:
        return _FOLLOWUP[name](cur, filters, as_of, **kwargs)


@st.cache_data(ttl=900, show_spinner=False)
def _options(path: str, version: str, kind: str) -> dict[object, str]:
    with get_db().reading() as cur:
        return lookups.options(cur, kind)


def options(kind: str) -> dict[object, str]:
    """Reference option list (code -> label), cached per data version."""
    return _options(str(get_db().path), _version(), kind)
