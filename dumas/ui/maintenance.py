"""What a visitor sees when something fails: never a traceback, a path or a page list.

While the database cannot be opened (dumas/db/faults.py) every page says the app is under
maintenance; a page that fails says so. Either message carries a short code, and the
server's log (dumas/ui/logs.py) has the code with what went wrong (and the traceback).
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

import streamlit as st

from dumas import config, i18n
from dumas.db.faults import DatabaseFault
from dumas.ui.state import get_db, t

LOG = logging.getLogger("dumas")


def open_database_or_stop() -> None:
    """Open (create, migrate, fill) the database; if it cannot be, say so and stop."""
    try:
        get_db()
    except DatabaseFault as fault:
        code = secrets.token_hex(4)
        LOG.error("[%s] %s", code, i18n.t(fault.key, i18n.DEFAULT_LANGUAGE, **fault.params))
        st.error(t("db.fault.maintenance", code=code), icon=":material/build:")
        st.stop()


def run_page(page: Any) -> None:
    """Run the page the navigation chose; a failure is logged with a code and shown as one
    line in the user's language (st.stop and st.rerun pass: they are no Exception)."""
    started = time.perf_counter()
    try:
        page.run()
    except Exception:
        code = secrets.token_hex(4)
        LOG.exception("[%s] the page %s failed", code, getattr(page, "url_path", "") or "/")
        if config.debug():
            raise
        st.error(t("app.page_failed", code=code), icon=":material/error:")
    finally:  # st.stop and st.rerun end a run too: it is timed all the same
        elapsed = (time.perf_counter() - started) * 1000
        if elapsed >= config.slow_page_ms():
            path = getattr(page, "url_path", "") or "/"
            LOG.warning("slow page run: %s took %.0f ms", path, elapsed)
