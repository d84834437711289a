"""A page that fails shows one line with a code, never a traceback; the log (a rotated
file) has the code with the traceback (issue 17). The suite itself runs with DUMAS_DEBUG=1,
so a failing page raises in every other test."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler

import pytest

from dumas.domain.permissions import Role
from dumas.ui import logs
from dumas.ui.screens import followup
from tests.conftest import open_page


@pytest.mark.usefixtures("app_env")
def test_a_failing_page_shows_a_code_and_the_log_has_it_with_the_traceback(monkeypatch, caplog):
    monkeypatch.setenv("DUMAS_DEBUG", "0")  # as served

    def broken(*args, **kwargs):
        raise RuntimeError("rahasia server: /srv/dumas/data")

    monkeypatch.setattr(followup, "kpis", broken)
    with caplog.at_level(logging.ERROR, logger="dumas"):
        at = open_page(Role.ANALIS, "pages/followup.py")
    assert not at.exception
    (shown,) = [e.value for e in at.error]
    assert shown.startswith("Halaman ini gagal ditampilkan karena kesalahan aplikasi.")
    code = shown.split("kode ")[1].split(" ")[0]
    assert "rahasia" not in " ".join(str(e.value) for e in (*at.markdown, *at.error))
    (record,) = [r for r in caplog.records if r.name == "dumas"]
    assert record.getMessage().startswith(f"[{code}] the page ")
    assert "rahasia server" in caplog.text  # the traceback, for the operator


@pytest.mark.usefixtures("app_env")
def test_with_dumas_debug_a_failing_page_raises_for_the_developer(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("gagal")

    monkeypatch.setattr(followup, "kpis", broken)
    at = open_page(Role.ANALIS, "pages/followup.py")
    assert at.exception and "gagal" in at.exception[0].message


def test_the_log_goes_to_a_rotated_file_once_however_often_it_is_configured(tmp_path):
    path = tmp_path / "logs" / "dumas.log"
    logger = logging.getLogger(logs.LOGGER)
    before = list(logger.handlers)
    try:
        logs.configure(path)
        logs.configure(path)
        added = [h for h in logger.handlers if h not in before]
        assert len(added) == 1 and isinstance(added[0], RotatingFileHandler)
        assert (added[0].maxBytes, added[0].backupCount) == (logs.MAX_BYTES, logs.BACKUPS)
        logger.error("[abcd1234] contoh")
        added[0].flush()
        assert "ERROR dumas [abcd1234] contoh" in path.read_text(encoding="utf-8")
    finally:
        for handler in [h for h in logger.handlers if h not in before]:
            logger.removeHandler(handler)
            handler.close()


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize(("threshold", "logged"), [("0", True), ("600000", False)])
def test_a_page_run_longer_than_the_setting_is_logged_with_its_duration(
    monkeypatch, caplog, threshold, logged
):
    monkeypatch.setenv("DUMAS_SLOW_PAGE_MS", threshold)
    with caplog.at_level(logging.WARNING, logger="dumas"):
        at = open_page(Role.ANALIS, "pages/followup.py")
    assert not at.exception
    slow = [r.getMessage() for r in caplog.records if r.getMessage().startswith("slow page run")]
    assert bool(slow) == logged
    assert all(m.endswith(" ms") and " took " in m for m in slow)
