"""Cached reads for pages: keyed by database, data version, query and arguments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import streamlit as st

from dumas.db import Database
from dumas.queries import followup, lookups
from dumas.queries import monitoring as monitoring_queries
from dumas.queries import plans as plan_queries
from dumas.queries.filters import Filters
from dumas.services import monitoring as monitoring_service
from dumas.ui.state import get_db

_FOLLOWUP = {
    "kpis": followup.kpis,
    "letters": followup.letters,
    "letter_total": followup.letter_total,
    "agency_table": followup.agency_table,
    "monthly": followup.monthly,
    "unanswered_by_bucket": followup.unanswered_by_bucket,
    "unanswered_by": followup.unanswered_by,
    "changes": followup.changes,
}


# The versions last read, per Database, with the commit count they were read at: a page
# run reads them again only after a commit in this process (the one that owns the file,
# Database.commits), so most runs read no version at all and the rest read both at once.
# Keyed by id() and holding the Database itself, so that an id is not reused while kept.
_SEEN: dict[int, tuple[Database, int, dict[str, str]]] = {}


def version(key: str = "data_version") -> str:
    """The data version token (key "followup_version": the follow-up figures' own) that
    cached reads are keyed by."""
    db = get_db()
    commits = db.commits  # taken before the read: a commit during it reads again next time
    seen = _SEEN.get(id(db))
    if seen is None or seen[0] is not db or seen[1] != commits:
        with db.reading() as cur:
            seen = (db, commits, lookups.data_versions(cur))
        if len(_SEEN) >= 8:  # databases of finished tests, a database reopened
            _SEEN.clear()
        _SEEN[id(db)] = seen
    return seen[2][key]


_version = version


def is_demo() -> bool:
    """Whether the database holds demo data and demo accounts (the mark services.users
    writes), read with the versions (queries.lookups.data_versions): once per commit, not
    on every page run."""
    return _version("demo") == "true"


@st.cache_data(ttl=900, max_entries=512, show_spinner=False)
def _followup(
    path: str, version: str, name: str, filters: Filters, as_of: dt.date, kwargs: tuple
) -> Any:
    with get_db().reading() as cur:
        return _FOLLOWUP[name](cur, filters, as_of, **dict(kwargs))


def followup_query(name: str, filters: Filters, as_of: dt.date, **kwargs: Any) -> Any:
    """A dashboard query, recomputed only when the data or the arguments change."""
    packed = tuple(sorted(kwargs.items()))
    version = _version("followup_version")  # a plan or monitoring write keeps these
    return _followup(str(get_db().path), version, name, filters, as_of, packed)


def followup_fresh(name: str, filters: Filters, as_of: dt.date, **kwargs: Any) -> Any:
    """The same query without the cache (large exports are not worth keeping in memory)."""
    with get_db().reading() as cur:
        return _FOLLOWUP[name](cur, filters, as_of, **kwargs)


# Reference option lists by (database, version, kind): a plain dict, not st.cache_data,
# which hashes the arguments (inspecting the function's signature) and unpickles a copy on
# every call; the dashboard asks for five lists twice a run, and with twenty sessions at
# once that was a seventh of the server's time holding the GIL. The lists are small.
_OPTIONS: dict[tuple[str, str, str], dict[object, str]] = {}
_OPTIONS_KEPT = 64


def options(kind: str) -> dict[object, str]:
    """Reference option list (code -> label), read once per follow-up data version; a copy
    (callers may change theirs)."""
    key = (str(get_db().path), _version("followup_version"), kind)
    found = _OPTIONS.get(key)
    if found is None:
        with get_db().reading() as cur:
            found = lookups.options(cur, kind)
        if len(_OPTIONS) >= _OPTIONS_KEPT:  # older versions' lists: read again if asked
            _OPTIONS.clear()
        _OPTIONS[key] = found
    return dict(found)


def _plan_and_matrix(cur, plan_id: int, as_of: dt.date) -> tuple[Any, Any]:
    plan = plan_queries.plan(cur, plan_id)
    return (None, None) if plan is None else (plan, plan_queries.matrix(cur, plan_id, as_of))


def _monitoring(cur, monitoring_id: int, as_of: dt.date) -> dict[str, Any] | None:
    """What the monitoring screen shows that depends on the data alone (its checklist,
    which depends on the clock, is read apart)."""
    found = monitoring_queries.detail(cur, monitoring_id)
    if found is None:
        return None
    return {
        "monitoring": found,
        "team": monitoring_queries.team(cur, monitoring_id),
        "view": monitoring_service.view(cur, monitoring_service.load(cur, monitoring_id)),
        "records": monitoring_queries.records(cur, monitoring_id),
        "letters": monitoring_queries.letters(cur, monitoring_id, as_of),
        "totals": monitoring_queries.cost_totals(cur, monitoring_id),
        "events": monitoring_queries.events(cur, monitoring_id),
    }


_READS: dict[str, Callable[..., Any]] = {
    "plans": plan_queries.plans,
    "plan_and_matrix": _plan_and_matrix,
    "row_letters": plan_queries.row_letters,
    "staff": plan_queries.staff,
    "monitoring": _monitoring,
    "plan_monitorings": plan_queries.monitorings,
}


@st.cache_data(ttl=900, max_entries=256, show_spinner=False)
def _read(path: str, version: str, name: str, args: tuple) -> Any:
    with get_db().reading() as cur:
        return _READS[name](cur, *args)


def read(name: str, *args: Any) -> Any:
    """A read of the workflow screens (the plans, a plan with its matrix, its letters, the
    staff, a monitoring), recomputed only when the data or the arguments change. Every
    write moves the data version, so a revision read here is never older than the last
    write, and a rerun that only switches a view or edits a cell reads nothing again."""
    return _read(str(get_db().path), _version(), name, args)
