"""The serving process's Streamlit settings that many users at once depend on
(README "Speed at national scale", "Many users at once")."""

from __future__ import annotations

import tomllib

from dumas.config import ROOT


def _settings() -> dict:
    with (ROOT / ".streamlit" / "config.toml").open("rb") as fh:
        return tomllib.load(fh)


def test_no_full_garbage_collection_after_every_page_run():
    # With it on, twenty sessions at once spent a fifth of the server's time in
    # gc.collect(2) holding the GIL: the median page run 5-8 s instead of 0.5-2 s.
    assert _settings()["runner"]["postScriptGC"] is False


def test_the_server_watches_no_file_for_changes():
    assert _settings()["server"]["fileWatcherType"] == "none"
