"""The "Laporan Berkala" page through AppTest: every role that may see it, the period
picker, the narrative draft (and a stale save), finalising, and the downloads."""

from __future__ import annotations

import datetime as dt
import io

import docx
import openpyxl
import pytest

from dumas import config, i18n
from dumas.db import Database
from dumas.domain import periods
from dumas.domain.permissions import PERMISSIONS, Action, Role
from dumas.domain.report_flow import ReportMove
from dumas.services import periodic as final
from dumas.ui import navigation
from dumas.ui.escape import plain
from tests.conftest import Factory, open_page, prebuilt
from tests.monitoring_support import people_of

PAGE = "pages/reports.py"
MAY = periods.parse("2026-05")
KEY_ISSUES = "report_key_issues_2026-05"
pytestmark = pytest.mark.usefixtures("app_env")


def _may(db: Database) -> None:
    """One complaint received on 4 May 2026 by letter, forwarded to Kemendagri on 5 May."""
    make = Factory(db)
    first = make.complaint(received_on=dt.date(2026, 5, 4), channel="surat")
    make.forward(first, make.agency("Kementerian Dalam Negeri"), dt.date(2026, 5, 5))


may_prebuilt = prebuilt("report-page-may", _may)


@pytest.fixture
def may(may_prebuilt, db_path) -> None:
    """The May of _may: the test's database is a copy of that world."""


def _open(role: Role, period: str = "2026-05"):
    at = open_page(role, PAGE, report=period)
    assert not at.exception, at.exception
    return at


def _cells(book: openpyxl.Workbook) -> list:
    return [c.value for row in book.worksheets[0].iter_rows() for c in row]


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_the_page_is_offered_to_the_roles_that_read_reports(db, may, role):
    from dumas.services import auth
    from tests.conftest import username

    cur = db.cursor()
    uid = cur.execute("SELECT id FROM app_user WHERE username = $u",
                      {"u": username(role)}).fetchone()[0]  # fmt: skip
    visible = PAGE in {p.path for p in navigation.visible(auth.load_user(cur, uid))}
    assert visible == (role in PERMISSIONS[Action.VIEW_REPORTS])
    if visible:
        at = _open(role)
        assert at.subheader[0].value.endswith("Bulan Mei 2026")
        assert len(at.dataframe) == 11  # every table
        writes = role in PERMISSIONS[Action.WRITE_REPORT]
        assert (KEY_ISSUES in [a.key for a in at.text_area]) == writes


def test_the_last_full_month_opens_by_default_and_a_semester_is_picked(db, may):
    at = open_page(Role.KABID, PAGE)
    assert at.subheader[0].value.endswith("Bulan Oktober 2026")  # today is 27 Nov 2026
    at.segmented_control(key="report_kind").set_value("semester").run()
    at.selectbox(key="report_semester").set_value(1).run()
    assert at.subheader[0].value.endswith("Semester I Tahun 2026")
    assert at.query_params["report"] == "2026-S1"
    at.segmented_control(key="report_kind").set_value("year").run()
    assert at.subheader[0].value.endswith("Masyarakat\\, Tahun 2026")


def test_a_reversed_date_range_says_so_in_indonesian(db):
    at = open_page(Role.KABID, PAGE)
    at.segmented_control(key="report_kind").set_value("range").run()
    at.date_input(key="report_from").set_value(dt.date(2026, 5, 10))
    at.date_input(key="report_to").set_value(dt.date(2026, 5, 1)).run()
    shown = f"Periode tidak dikenal: {plain('2026-05-10..2026-05-01')}"  # the code as typed
    assert any(shown in e.value for e in at.error)
    assert not at.subheader


def test_a_saved_narrative_draft_goes_into_both_downloads(db, may, downloads):
    at = _open(Role.KABID)
    at.text_area(key=KEY_ISSUES).input("Kemendagri belum menjawab\nPerlu surat kedua")
    at.button(key="FormSubmitter:narrative-Simpan konsep narasi").click().run()
    assert not at.exception and not at.error
    saved = final.draft(db.cursor(), MAY)
    assert saved["narrative"]["key_issues"] == "Kemendagri belum menjawab\nPerlu surat kedua"
    assert any("disimpan oleh Kabid Uji" in c.value for c in at.caption)
    book = openpyxl.load_workbook(io.BytesIO(downloads["laporan-pemantauan-2026-05.xlsx"]()))
    assert "Perlu surat kedua" in _cells(book)
    document = docx.Document(io.BytesIO(downloads["laporan-pemantauan-2026-05.docx"]()))
    assert "Perlu surat kedua" in [p.text for p in document.paragraphs]
    single = openpyxl.load_workbook(
        io.BytesIO(downloads["laporan-pemantauan-2026-05-tabel-4-status-tanggapan.xlsx"]())
    )
    assert len(single.sheetnames) == 1
    assert single.worksheets[0]["A1"].value.startswith("4. Status tanggapan")


def test_a_stale_narrative_save_is_refused_and_the_typed_text_kept(db, may):
    at = _open(Role.KABID)
    people = people_of(db)
    at_ten = dt.datetime(2026, 6, 2, 10, tzinfo=config.TIMEZONE)
    final.save_draft(db, people.analyst, MAY, narrative={"key_issues": "Versi analis"},
                     revision=0, now=at_ten)  # fmt: skip
    at.text_area(key=KEY_ISSUES).input("Versi Kabid")
    at.button(key="FormSubmitter:narrative-Simpan konsep narasi").click().run()
    assert any("sudah diubah oleh Analis Uji" in e.value for e in at.error)
    assert at.text_area(key=KEY_ISSUES).value == "Versi Kabid"
    assert "Versi analis" in [t.value for t in at.text]  # the latest version, to compare
    assert final.draft(db.cursor(), MAY)["narrative"]["key_issues"] == "Versi analis"
    at.button(key="FormSubmitter:narrative-Simpan konsep narasi").click().run()
    assert final.draft(db.cursor(), MAY)["narrative"]["key_issues"] == "Versi Kabid"


def _checked(db, text: str = "Draf analis", at_hour: int = 9) -> None:
    """The analyst's draft of May, checked by the Kabid (the route before the Asdep)."""
    people = people_of(db)
    now = dt.datetime(2026, 6, 2, at_hour, tzinfo=config.TIMEZONE)
    saved = final.draft(db.cursor(), MAY)
    revision = final.save_draft(db, people.analyst, MAY, narrative={"key_issues": text},
                                revision=saved["revision"] if saved else 0, now=now)  # fmt: skip
    final.review(db, people.kabid, MAY, move=ReportMove.CHECK, revision=revision, now=now)


def test_the_asdep_finalises_only_after_confirming(db, may, downloads):
    _checked(db)  # since issue 14: the Asdep finalises after the Kabid's check
    at = _open(Role.ASDEP)
    assert any("Konsep" in i.value for i in at.info)
    at.text_area(key=KEY_ISSUES).input("Kemendagri belum menjawab")
    at.button(key="FormSubmitter:narrative-Finalkan laporan").click().run()
    assert any("Centang pernyataan" in e.value for e in at.error)
    assert final.frozen(db.cursor(), MAY) is None
    at.checkbox(key="report_confirm").check()
    at.button(key="FormSubmitter:narrative-Finalkan laporan").click().run()
    assert not at.exception
    frozen = final.frozen(db.cursor(), MAY)
    assert frozen["narrative"]["key_issues"] == "Kemendagri belum menjawab"
    assert any(s.value.startswith("Final: difinalkan oleh Asdep Uji") for s in at.success)
    assert KEY_ISSUES not in [a.key for a in at.text_area]  # frozen: read only
    cover = _cells(
        openpyxl.load_workbook(io.BytesIO(downloads["laporan-pemantauan-2026-05.xlsx"]()))
    )
    assert "FINAL" in cover and "Kemendagri belum menjawab" in cover
    document = docx.Document(io.BytesIO(downloads["laporan-pemantauan-2026-05.docx"]()))
    texts = [p.text for p in document.paragraphs]
    assert not any(t.startswith(("Status", "Difinalkan")) for t in texts)  # the signed copy
    day = frozen["finalised_at"].astimezone(config.TIMEZONE).date()
    assert f"Jakarta, {i18n.fmt_date(day, 'id')}" in texts


def test_drafts_and_final_reports_are_listed_on_the_page(db, may):
    people = people_of(db)
    now = dt.datetime(2026, 7, 2, 9, tzinfo=config.TIMEZONE)
    final.save_draft(db, people.analyst, periods.parse("2026-S1"),
                     narrative={"key_issues": "S1"}, revision=0, now=now)  # fmt: skip
    _checked(db)
    final.finalise(db, people.asdep, MAY, narrative={"key_issues": "Draf analis"}, revision=1,
                   now=now - dt.timedelta(hours=1))  # fmt: skip
    at = _open(Role.DEPUTI)
    listed = at.dataframe[0].value
    assert listed["Periode"].tolist() == ["2026-S1", "2026-05"]
    assert listed["Status"].tolist() == ["Konsep", "Final"]
    assert listed["Oleh"].tolist() == ["Analis Uji", "Asdep Uji"]


def test_only_the_asdep_is_offered_finalising(db, may):
    at = _open(Role.KABID)
    assert "Finalkan laporan" not in [b.label for b in at.button]
    assert "report_confirm" not in [c.key for c in at.checkbox]


def test_report_tables_show_indonesian_numbers_percentages_and_rupiah():
    import pandas as pd

    from dumas.periodic.table import Column
    from dumas.ui.screens.periodic_report import styled

    columns = (Column("agency", "Instansi", "text"), Column("n", "Diteruskan", "int"),
               Column("rate", "Tingkat tanggapan", "pct"),
               Column("cost", "Rencana (Rp)", "rupiah"))  # fmt: skip
    frame = pd.DataFrame([{"agency": "BPN", "n": 12345, "rate": 1 / 3, "cost": 4_100_000},
                          {"agency": "Lain", "n": 0, "rate": None, "cost": None}])  # fmt: skip
    html = styled(frame, columns, "id").to_html()
    for shown in ("12.345", "33,3%", "Rp4.100.000", "Instansi", "–"):
        assert shown in html
    assert styled(frame, columns, "en").data["Diteruskan"].tolist() == [12345, 0]  # values kept


FINALISE = "FormSubmitter:narrative-Finalkan laporan"
SAVE = "FormSubmitter:narrative-Simpan konsep narasi"


def test_the_finalise_race_between_two_sessions(db, may):
    import json

    from dumas import i18n

    _checked(db, "Versi pertama")  # revision 1, checked by the Kabid
    asdep = _open(Role.ASDEP)  # the Asdep opens the report at revision 1
    assert asdep.text_area(key=KEY_ISSUES).value == "Versi pertama"
    analyst = _open(Role.ANALIS)
    analyst.text_area(key=KEY_ISSUES).input("Versi analis: BPN belum menjawab")
    analyst.button(key=SAVE).click().run()
    saved = final.draft(db.cursor(), MAY)
    assert saved["revision"] == 2
    people = people_of(db)  # the Kabid checks the new revision too
    final.review(db, people.kabid, MAY, move=ReportMove.CHECK, revision=2, now=saved["saved_at"])
    # four seconds later the Asdep finalises from the old screen
    asdep.checkbox(key="report_confirm").check()
    asdep.button(key=FINALISE).click().run()
    assert not asdep.exception
    when = i18n.fmt_datetime(saved["saved_at"].astimezone(config.TIMEZONE), "id")
    assert any("sudah diubah oleh Analis Uji pada " + plain(when) in e.value for e in asdep.error)
    assert final.frozen(db.cursor(), MAY) is None
    assert "Versi analis: BPN belum menjawab" in [t.value for t in asdep.text]  # to compare
    assert asdep.text_area(key=KEY_ISSUES).value == "Versi pertama"  # until reloaded
    asdep.button(key="report_reload").click().run()
    assert asdep.text_area(key=KEY_ISSUES).value == "Versi analis: BPN belum menjawab"
    assert "report_reload" not in [b.key for b in asdep.button]
    asdep.checkbox(key="report_confirm").check()
    asdep.button(key=FINALISE).click().run()
    assert not asdep.exception and not asdep.error
    frozen = final.frozen(db.cursor(), MAY)
    assert frozen["narrative"]["key_issues"] == "Versi analis: BPN belum menjawab"
    assert frozen["narrative_revision"] == 2
    new = (
        db.cursor()
        .execute("SELECT new_value FROM audit_log WHERE action = 'report.finalise'")
        .fetchall()
    )
    assert [json.loads(n)["narrative_revision"] for (n,) in new] == [2]
    assert json.loads(new[0][0])["narrative_saved_by"] == "Analis Uji"


def test_an_open_screen_says_when_a_newer_narrative_was_saved(db, may):
    at = _open(Role.KABID)
    people = people_of(db)
    final.save_draft(db, people.analyst, MAY, narrative={"key_issues": "Baru"}, revision=0,
                     now=dt.datetime(2026, 6, 2, 10, tzinfo=config.TIMEZONE))  # fmt: skip
    at.run()
    assert any("lebih baru sudah disimpan oleh Analis Uji" in w.value for w in at.warning)
    at.button(key="report_reload").click().run()
    assert at.text_area(key=KEY_ISSUES).value == "Baru"
    assert not any("lebih baru" in w.value for w in at.warning)


# Quick (issue 16): charts drawn once per content and only when opened; the reconciliation
# computed only when asked for


def test_charts_are_drawn_only_when_opened_and_once_per_content(db, may, monkeypatch):
    from dumas.render import charts

    drawn: list[str] = []
    original = charts.report_chart

    def counting(table):
        drawn.append(table.key)
        return original(table)

    monkeypatch.setattr(charts, "report_chart", counting)
    at = _open(Role.KABID)
    assert len(at.dataframe) == 11 and at.get("plotly_chart") == [] and drawn == []
    assert "Grafik" in [e.label for e in at.expander]
    at.session_state["chart_open_channels"] = True
    at.run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 1 and drawn == ["channels"]
    again = _open(Role.ASDEP)  # another session, the same figures: the same chart
    again.session_state["chart_open_channels"] = True
    again.run()
    assert len(again.get("plotly_chart")) == 1 and drawn == ["channels"]


def test_the_reconciliation_is_computed_only_when_opened(db, may, monkeypatch):
    people = people_of(db)
    now = dt.datetime(2026, 6, 2, 9, tzinfo=config.TIMEZONE)
    final.save_draft(db, people.analyst, MAY, narrative={"key_issues": "Isu"}, revision=0,
                     now=now)  # fmt: skip
    final.review(db, people.kabid, MAY, move=ReportMove.CHECK, revision=1, now=now)
    final.finalise(db, people.asdep, MAY, narrative={"key_issues": "Isu"}, revision=1, now=now)
    asked: list[str] = []
    original = final.reconcile
    monkeypatch.setattr(final, "reconcile", lambda cur, p, at: asked.append(p.code)
                        or original(cur, p, at))  # fmt: skip
    at = _open(Role.ASDEP)
    assert asked == []
    at.session_state["report_reconcile"] = True
    at.run()
    assert not at.exception, at.exception
    assert asked == ["2026-05"]
    assert "Data hari ini tidak mengubah angka yang sudah difinalkan." in [
        c.value for c in at.caption]  # fmt: skip
