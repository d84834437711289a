"""The page part of `python -m dumas bench`: reruns of Tindak Lanjut through AppTest."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from dumas import config


def page_rerun_ms(path: Path, repeat: int) -> tuple[float, float]:
    """Cold (cache cleared) and warm reruns of the Tindak Lanjut page through AppTest."""
    os.environ["DUMAS_DB"] = str(path)
    app = str(config.ROOT / "app.py")
    cold, warm = [], []
    for _ in range(repeat):
        st.cache_data.clear()
        at = AppTest.from_file(app, default_timeout=120)
        start = time.perf_counter()
        at.run()
        cold.append((time.perf_counter() - start) * 1000)
        if at.exception:
            raise RuntimeError(at.exception[0].message)
        start = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - start) * 1000)
    return statistics.median(cold), statistics.median(warm)
