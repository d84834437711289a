"""The "Laporan Berkala" page through AppTest: every role that may see it, finalising."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from dumas import periods
from dumas.permissions import PERMISSIONS, Action, Role
from dumas.services import reports as final
from dumas.ui import navigation
from tests.conftest import signed_in_app

PAGE = "pages/reports.py"
pytestmark = pytest.mark.usefixtures("app_env")


@pytest.fixture
def may(make, kemendagri: int) -> None:
    first = make.complaint(received_on=dt.date(2026, 5, 4), channel="surat")
    make.forward(first, kemendagri, dt.date(2026, 5, 5))


def _open(role: Role):
    at = signed_in_app(role).run()
    at.switch_page(PAGE).run()
    at.text_input(key="report_period").input("2026-05").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_the_page_is_offered_to_the_roles_that_read_reports(db, may, role):
    from dumas import auth
    from tests.conftest import username

    cur = db.cursor()
    uid = cur.execute("SELECT id FROM app_user WHERE username = $u",
                      {"u": username(role)}).fetchone()[0]  # fmt: skip
    visible = PAGE in {p.path for p in navigation.visible(auth.load_user(cur, uid))}
    assert visible == (role in PERMISSIONS[Action.VIEW_REPORTS])
    if visible:
        at = _open(role)
        assert at.subheader[0].value.startswith("Laporan Mei 2026")
        assert len(at.dataframe) == 10


def test_the_asdep_finalises_and_the_page_then_shows_the_frozen_figures(db, may, downloads):
    at = _open(Role.ASDEP)
    assert any("Draf" in i.value for i in at.info)
    at.text_area(key="report_key_issues").input("Kemendagri belum menjawab")
    at.button(key="FormSubmitter:finalise-Finalkan laporan").click().run()
    assert not at.exception
    assert final.frozen(db.cursor(), periods.parse("2026-05")) is not None
    assert any(s.value.startswith("Final: difinalkan oleh Asdep Uji") for s in at.success)
    book = openpyxl.load_workbook(io.BytesIO(downloads["laporan-2026-05.xlsx"]()))
    cover = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    assert "FINAL" in cover


def test_a_wrong_period_says_so_in_indonesian(db):
    at = signed_in_app(Role.KABID).run()
    at.switch_page(PAGE).run()
    at.text_input(key="report_period").input("2026-13").run()
    assert any("Periode tidak dikenal: 2026-13" in e.value for e in at.error)


def test_only_the_asdep_is_offered_finalising(db, may):
    at = _open(Role.KABID)
    assert "Finalkan laporan" not in [b.label for b in at.button]
