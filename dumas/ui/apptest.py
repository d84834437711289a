"""AppTest runs as a browser's runs: for the benchmark (dumas/ui/bench_runs.py) and the tests.

AppTest resets PagesManager.uses_pages_directory before every run, so each run starts in
Streamlit's older pages/ folder mode until app.py calls st.navigation: a rerun asking for
the page the last run ended on (the dashboard, Audit, SBM: pages whose hash the folder mode
also gives a file in pages/) ran that file alone, without app.py's sign-in check and
sidebar. The app routes with st.navigation only: with this, every run starts at app.py.
"""

from __future__ import annotations

from typing import Any

from streamlit.runtime.pages_manager import PagesManager

_original_init = PagesManager.__init__


def _navigation_only(self: PagesManager, *args: Any, **kwargs: Any) -> None:
    PagesManager.uses_pages_directory = False
    _original_init(self, *args, **kwargs)


def start_runs_at_app() -> None:
    """From now on in this process, every AppTest run starts at app.py (idempotent)."""
    PagesManager.__init__ = _navigation_only  # type: ignore[method-assign]
