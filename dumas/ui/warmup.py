"""The dashboard's default view computed in the background: once the server has started,
and again after each write that changes a follow-up figure, so that the first visitor (and
the first after a write) finds it in the cache (ui/data.py) instead of waiting for it.

The same cached functions as the page, with the same arguments as a visitor's first run
(no filter, today, the list's first page in its default order), so the cache keys match.
Streamlit computes one cache key once even when a visitor asks while it is being warmed
(st.cache_data holds a lock per key), so warming never doubles the work.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from dumas import config
from dumas.queries.filters import Filters
from dumas.queries.followup import SORT_COLUMNS
from dumas.ui import data
from dumas.ui.screens.followup import DEFAULT_PAGE_SIZE, PAGE_SIZES

log = logging.getLogger(__name__)

POLL_SECONDS = 5.0
REWARM_SECONDS = 600.0  # within the cache's ttl (ui/data.py, 900 s), and past midnight
OPTION_KINDS = ("agency", "agency_category", "province", "problem_code", "category")


def default_view() -> list[tuple[str, dict[str, Any]]]:
    """The dashboard queries of a visitor's first run, with their arguments."""
    first_page = {"unanswered_only": True, "sort": next(iter(SORT_COLUMNS)), "descending": True}
    return [
        ("kpis", {}),
        ("changes", {}),
        ("agency_table", {"min_sample": config.min_ranking_sample()}),
        ("letter_total", {"unanswered_only": True}),
        ("letters", {**first_page, "limit": PAGE_SIZES[DEFAULT_PAGE_SIZE], "offset": 0}),
    ]


def warm() -> str:
    """Compute the default view into the cache now; return the follow-up version warmed."""
    version = data.version("followup_version")
    filters, as_of = Filters(), config.today()
    for kind in OPTION_KINDS:
        data.options(kind)
    for name, kwargs in default_view():
        data.followup_query(name, filters, as_of, **kwargs)
    return version


def _runtime_started() -> bool:
    from streamlit.runtime import Runtime

    return Runtime.exists()


def _loop(stop: threading.Event, poll: float) -> None:
    while not stop.is_set() and not _runtime_started():  # the cache lives in the runtime
        stop.wait(0.2)
    warmed, at = "", 0.0
    while not stop.is_set():
        try:
            current = data.version("followup_version")
            if current != warmed or time.monotonic() - at > REWARM_SECONDS:
                started = time.monotonic()
                warmed, at = warm(), started
                log.info("default view warmed in %.0f ms", (time.monotonic() - started) * 1000)
        except Exception:  # a fault here must not stop the server; pages report their own
            log.exception("warming the default view failed")
        stop.wait(poll)


def start(poll: float = POLL_SECONDS) -> threading.Event:
    """Start warming in a daemon thread; setting the returned event stops it."""
    stop = threading.Event()
    threading.Thread(target=_loop, args=(stop, poll), name="dumas-warmup", daemon=True).start()
    return stop
