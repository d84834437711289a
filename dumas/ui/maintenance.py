"""The page every visitor sees while the database cannot be opened (dumas/db/faults.py).

Visitors read that the app is under maintenance and a short code; the operator finds the
code in the server's log with the one line saying what is wrong and what to do. No path,
traceback or page list reaches the browser.
"""

from __future__ import annotations

import logging
import secrets

import streamlit as st

from dumas import i18n
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
