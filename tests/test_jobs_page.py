"""The page "Tugas Terjadwal" through AppTest: the Administrator sees each job, its last run
with its log and its next run, and asks for a run now; no other role gets the page, and the
service refuses them too."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from streamlit.testing.v1 import AppTest

from dumas.config import TIMEZONE
from dumas.db import Database
from dumas.domain.permissions import SYSTEM, Forbidden, Role
from dumas.queries import jobs as queries
from dumas.services import jobs as services
from dumas.ui import navigation
from tests.conftest import ANALYST, open_page, signed_in_app

JOBS_PAGE = "pages/jobs.py"

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env


def _shown(at: AppTest) -> list[str]:
    """The page's Markdown lines as the browser shows them (plain()'s escapes removed)."""
    return [re.sub(r"\\(.)", r"\1", m.value) for m in at.markdown]


def _failed_backup(db: Database) -> None:
    started = dt.datetime(2026, 11, 27, 2, 0, tzinfo=TIMEZONE)
    services.record_run(
        db, SYSTEM, job="backup", started_at=started,
        finished_at=started + dt.timedelta(seconds=3, milliseconds=200), outcome="failed",
        message="OSError: [Errno 28] No space left on device",
        lines=["Traceback (most recent call last):", "OSError: [Errno 28] No space left on device"],
    )  # fmt: skip


def test_the_administrator_sees_each_job_its_last_run_with_its_log_and_its_next_run(db):
    _failed_backup(db)
    at = open_page(Role.ADMIN, JOBS_PAGE)
    assert not at.exception
    assert at.title[0].value == "Tugas Terjadwal"
    assert [h.value for h in at.subheader] == [
        "Cadangan malam",
        "Impor dari folder",
        "Konsep laporan berkala",
        "Ringkasan harian lewat e-mail",
    ]
    shown = _shown(at)
    assert "Jadwal: setiap hari pukul 02.00 · Aktif" in shown
    assert "Jadwal: hari kerja pertama setiap bulan, pukul 06.00 · Aktif" in shown
    assert (
        "Terakhir: 27 November 2026 02.00 — gagal (3,2 detik)  \nBerikutnya: 28 November 2026 02.00"
    ) in shown
    assert "Terakhir: belum pernah dijalankan  \nBerikutnya: 1 Desember 2026 06.00" in shown
    assert [c.value for c in at.code] == [
        "Traceback (most recent call last):\nOSError: [Errno 28] No space left on device"
    ]
    # AppTest serves no lifespan: the page says this process runs no job.
    assert at.warning[0].value.startswith("Tugas terjadwal tidak berjalan")


def test_the_administrator_asks_for_a_run_now_and_the_page_says_it_comes_soon(db):
    at = open_page(Role.ADMIN, JOBS_PAGE)
    at.button(key="job_run_import_drop").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [
        "Impor dari folder akan dijalankan dalam beberapa detik."
    ]
    asked = queries.requested(db.cursor())
    assert list(asked) == ["import_drop"]
    soon = f"Berikutnya: segera (diminta 27 November 2026 {asked['import_drop']:%H.%M})"
    assert any(line.endswith(soon) for line in _shown(at))


def test_a_job_switched_off_says_so_and_cannot_be_run_from_the_page(monkeypatch):
    monkeypatch.setenv("DUMAS_REPORT_AT", "off")
    at = open_page(Role.ADMIN, JOBS_PAGE)
    assert at.button(key="job_run_draft_reports").disabled
    assert not at.button(key="job_run_backup").disabled
    assert (
        "Jadwal: hari kerja pertama setiap bulan, pukul 06.00 · Nonaktif (pengaturan "
        "DUMAS_REPORT_AT=off)"
    ) in _shown(at)


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMIN])
def test_no_other_role_is_offered_the_page(role):
    at = signed_in_app(role).run()
    with pytest.raises(ValueError):  # not registered for this user: no URL reaches it
        at.switch_page(JOBS_PAGE).run()


def test_the_page_is_in_the_administrators_menu_only_and_the_service_refuses_the_others(db):
    offered = {
        role for role in Role
        if any(p.path == JOBS_PAGE for p in navigation.visible(_holding(role)))
    }  # fmt: skip
    assert offered == {Role.ADMIN}
    with pytest.raises(Forbidden):
        services.request_run(db, ANALYST, "backup", now=dt.datetime.now(TIMEZONE))
    assert queries.requested(db.cursor()) == {}


def _holding(role: Role):
    from dumas.domain.permissions import User

    return User(id=1, username="uji", full_name="Uji", roles=frozenset({role}))
