"""The page part of `python -m dumas bench` (it drives Streamlit, so it lives in ui/): reruns
of Tindak Lanjut and of Laporan Berkala through AppTest."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from dumas import config
from dumas.db import connect
from dumas.services import auth
from dumas.services.users import DEMO_PASSWORD


def _analyst_token(path: Path) -> str:
    """A real session of the demo analyst account (the page needs a signed-in user)."""
    db = connect(path)
    try:
        _, token = auth.sign_in(db, "analis", DEMO_PASSWORD, dt.datetime.now(config.TIMEZONE))
    finally:
        db.close()
    return token


def page_rerun_ms(path: Path, repeat: int) -> tuple[float, float]:
    """Cold (cache cleared) and warm reruns of the Tindak Lanjut page through AppTest."""
    os.environ["DUMAS_DB"] = str(path)
    app = str(config.ROOT / "app.py")
    token = _analyst_token(path)
    cold, warm = [], []
    for _ in range(repeat):
        st.cache_data.clear()
        at = AppTest.from_file(app, default_timeout=120)
        at.session_state["session_token"] = token
        start = time.perf_counter()
        at.run()
        cold.append((time.perf_counter() - start) * 1000)
        if at.exception or not at.metric:  # the dashboard itself, not the sign-in page
            raise RuntimeError(f"the page did not render: {at.exception}")
        start = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - start) * 1000)
    return statistics.median(cold), statistics.median(warm)


def report_page_ms(path: Path, period: str, repeat: int) -> tuple[float, float]:
    """Cold (cache cleared) and warm runs of Laporan Berkala on a period: every table and
    chart of the report, drawn as the Asdep sees them."""
    os.environ["DUMAS_DB"] = str(path)
    db = connect(path)
    try:
        _, token = auth.sign_in(db, "asdep", DEMO_PASSWORD, dt.datetime.now(config.TIMEZONE))
    finally:
        db.close()
    cold, warm = [], []
    for _ in range(repeat):
        at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=120)
        at.session_state["session_token"] = token
        at.query_params["report"] = period
        at.run()
        st.cache_data.clear()
        start = time.perf_counter()
        at.switch_page("pages/reports.py").run()
        cold.append((time.perf_counter() - start) * 1000)
        if at.exception or len(at.dataframe) < 10:
            raise RuntimeError(f"the report page did not render: {at.exception}")
        start = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - start) * 1000)
    return statistics.median(cold), statistics.median(warm)
