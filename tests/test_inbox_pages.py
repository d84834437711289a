"""The Menunggu Saya and Pemantauan pages through AppTest, with plans built by the real services.

A draft waits for its analyst; once submitted it waits for the Kasubbid, once proposed for
the Asdep. A plan past its SOP standard time is also shown, flagged, to the Kabid and the
Asdep of its area, though not theirs to act on; showing it changes nothing. Approved rows
are listed as monitorings, which the PPK and the BPP read too, without complainant data.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from dumas import config
from dumas.db import Database
from dumas.domain import plan_flow
from dumas.domain.permissions import Role, User
from dumas.domain.plan_flow import PlanAction
from dumas.queries import plans as pq
from dumas.services import auth, plans
from dumas.ui import navigation
from tests.conftest import TODAY, Factory, open_page, prebuilt, signed_in_app, username

INBOX_PAGE = "pages/inbox.py"
MONITORINGS_PAGE = "pages/monitorings.py"
TZ = config.TIMEZONE
LONG_AGO = dt.datetime(2026, 11, 17, 9, 0, tzinfo=TZ)  # ten days before today (2026-11-27)
# One matrix row: a field visit of two people for three days, led by the analyst.
TRIP = {"method": "kunjungan_lapangan", "level": "kabid", "persons": 2, "days": 3,
        "transport": 2_500_000, "lodging": 750_000, "allowance": 430_000,
        "schedule_from": dt.date(2026, 12, 7), "schedule_to": dt.date(2026, 12, 9)}  # fmt: skip
TRIP_COST = 2 * (2_500_000 + 750_000 * 2 + 430_000 * 3)  # trip_cost(): 10,580,000 rupiah
# The SOP steps 1-3 in order: who moves the plan, and how.
ROUTE = ((Role.ANALIS, PlanAction.SUBMIT), (Role.KASUBBID, PlanAction.FORWARD),
         (Role.KABID, PlanAction.PROPOSE), (Role.ASDEP, PlanAction.APPROVE))  # fmt: skip

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env


class Plans:
    """Builds monitoring plans through the real services, at chosen moments."""

    def __init__(self, db: Database, forwarding_id: int) -> None:
        self.db = db
        self.forwarding_id = forwarding_id
        cur = db.cursor()
        self.people = {
            role: auth.load_user(cur, self._id(cur, username(role)))
            for role in Role
        }  # fmt: skip

    @staticmethod
    def _id(cur: duckdb.DuckDBPyConnection, name: str) -> int:
        return cur.execute("SELECT id FROM app_user WHERE username = $u", {"u": name}).fetchone()[0]

    def _one(self, sql: str, plan_id: int) -> object:
        return self.db.cursor().execute(sql, {"id": plan_id}).fetchone()[0]

    def _revision(self, plan_id: int) -> int:
        return self._one("SELECT revision FROM plan WHERE id = $id", plan_id)

    def drafted(self, title: str, at: dt.datetime) -> int:
        """A draft with one complete row (method, level, team, costs)."""
        analyst = self.people[Role.ANALIS]
        plan_id = plans.create_plan(
            self.db, analyst, title=title, period="2026-S2", source="database",
            bidang="Bidang Uji", now=at,
        )  # fmt: skip
        plans.add_letters(self.db, analyst, plan_id, revision=self._revision(plan_id),
                          forwarding_ids=[self.forwarding_id], now=at)  # fmt: skip
        row_id = self._one("SELECT id FROM plan_row WHERE plan_id = $id", plan_id)
        row = {**TRIP, "team_lead": analyst.id, "team": [analyst.id]}
        plans.save_rows(self.db, analyst, plan_id, revision=self._revision(plan_id),
                        updated={row_id: row}, added=[], deleted=[], now=at)  # fmt: skip
        return plan_id

    def moved(self, title: str, steps: int, at: dt.datetime) -> int:
        """A plan drafted at `at` and taken `steps` steps along the route, an hour apart."""
        plan_id = self.drafted(title, at)
        for n, (role, action) in enumerate(ROUTE[:steps], start=1):
            plans.act(self.db, self.people[role], plan_id, revision=self._revision(plan_id),
                      action=action, note=None, now=at + dt.timedelta(hours=n))  # fmt: skip
        return plan_id


def _letter(db: Database) -> int:
    """One unanswered letter to Kemendagri (complainant: Siti Aminah)."""
    make = Factory(db)
    complaint = make.complaint(summary="Sengketa tanah ulayat")
    return make.forward(complaint, make.agency("Kementerian Dalam Negeri"), dt.date(2026, 6, 1))


letter_prebuilt = prebuilt("inbox-pages-letter", _letter)


@pytest.fixture
def build(letter_prebuilt, db: Database) -> Plans:
    """The plan builder, over the letter of _letter: the test's database is a copy of that
    world."""
    return Plans(db, letter_prebuilt[1])


def _recently() -> dt.datetime:
    """A moment of today (TODAY, as the app pins it) some minutes ago, at midnight at the
    earliest. TODAY itself, not config.today(): a prebuilt world is written before app_env
    pins the app's today."""
    clock = dt.datetime.combine(TODAY, dt.datetime.now(TZ).timetz())  # as config.now()
    return max(clock - dt.timedelta(minutes=5), dt.datetime.combine(TODAY, dt.time(0, 0), TZ))


def _open(role: Role, page: str, **query: str) -> AppTest:
    at = open_page(role, page, **query)
    assert not at.exception
    return at


def _unescaped(text: str) -> str:
    """Text as the browser shows it (markdown escapes of user text removed)."""
    return re.sub(r"\\(.)", r"\1", text)


def _links(at: AppTest) -> list[tuple[str, str]]:
    """Each plan link on the page: (title, query string)."""
    return [(_unescaped(link.value), link.proto.query_string) for link in at.page_link]


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def _badges(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "badge[" in m.value]


def _state(db_path: Path, plan_id: int) -> str:
    """Read through a second connection (the app holds the file in this process)."""
    con = duckdb.connect(str(db_path))
    try:
        return con.execute("SELECT state FROM plan WHERE id = $id", {"id": plan_id}).fetchone()[0]
    finally:
        con.close()


# Menunggu Saya


def test_the_analyst_finds_their_draft_waiting_with_its_due_time(build, db):
    plan_id = build.drafted("Rencana Desember", _recently())
    db.close()  # the app opens its own connection to the file
    at = _open(Role.ANALIS, INBOX_PAGE)
    assert at.title[0].value == "Menunggu Saya"
    assert _metric(at, "Menunggu saya") == "1"
    assert _metric(at, "Di antaranya terlambat") == "0"
    assert _links(at) == [("Rencana Desember", f"plan={plan_id}")]
    assert any("Periode Semester II 2026 · Konsep (analis)" in m.value for m in at.markdown)
    timing = next(c.value for c in at.caption if c.value.startswith("Sejak"))
    assert "Sejak 27 November 2026" in timing
    assert "batas waktu 30 November 2026" in timing  # Friday + 1 working day = Monday
    assert not _badges(at)
    assert [h.value for h in at.subheader] == ["Menunggu tindakan Anda"]  # no area section


def test_a_submitted_plan_waits_for_the_kasubbid_and_leaves_the_analysts_inbox(build, db):
    plan_id = build.moved("Rencana Desember", 1, _recently())
    db.close()
    kasubbid = _open(Role.KASUBBID, INBOX_PAGE)
    assert _links(kasubbid) == [("Rencana Desember", f"plan={plan_id}")]
    assert any("Diajukan kepada Kasubbid" in m.value for m in kasubbid.markdown)
    analyst = _open(Role.ANALIS, INBOX_PAGE)
    assert _metric(analyst, "Menunggu saya") == "0"
    assert not analyst.page_link
    assert [i.value for i in analyst.info] == ["Tidak ada yang menunggu tindakan Anda."]


def test_the_asdep_finds_a_proposed_plan_waiting_for_the_decision(build, db):
    plan_id = build.moved("Rencana Desember", 3, _recently() - dt.timedelta(hours=4))
    db.close()
    at = _open(Role.ASDEP, INBOX_PAGE)
    assert _metric(at, "Menunggu saya") == "1"
    assert _links(at) == [("Rencana Desember", f"plan={plan_id}")]
    assert any("3. Arahan dan persetujuan Asdep" in m.value for m in at.markdown)


def test_an_old_plan_is_overdue_for_the_kasubbid_and_in_the_area_of_kabid_and_asdep(
    build, db, db_path
):
    plan_id = build.moved("Rencana November", 1, LONG_AGO)  # submitted 17 Nov, due 18 Nov
    db.close()
    kasubbid = _open(Role.KASUBBID, INBOX_PAGE)
    assert _metric(kasubbid, "Di antaranya terlambat") == "1"
    assert _badges(kasubbid) == [":red-badge[:material/alarm: Terlambat 7 hari kerja]"]
    for role in (Role.KABID, Role.ASDEP):  # not theirs to act on, but late in their area
        at = _open(role, INBOX_PAGE)
        assert _metric(at, "Menunggu saya") == "0"
        assert _metric(at, "Terlambat di bidang Anda") == "1"
        assert [h.value for h in at.subheader] == [
            "Menunggu tindakan Anda",
            "Terlambat di bidang Anda",
        ]
        assert _links(at) == [("Rencana November", f"plan={plan_id}")]
        assert len(_badges(at)) == 1
    assert _state(db_path, plan_id) == "submitted"  # lateness is flagged, never acted on


def test_overdue_plans_come_before_the_ones_still_on_time(build, db):
    build.moved("Rencana baru", 1, _recently() - dt.timedelta(hours=1))
    build.moved("Rencana lama", 1, LONG_AGO)
    db.close()
    at = _open(Role.KASUBBID, INBOX_PAGE)
    assert [title for title, _ in _links(at)] == ["Rencana lama", "Rencana baru"]
    assert _metric(at, "Menunggu saya") == "2"
    assert _metric(at, "Di antaranya terlambat") == "1"


def test_the_inbox_speaks_english_for_one_late_day_and_for_several(build, db):
    build.moved("Rencana November", 1, LONG_AGO)
    build.moved("Rencana Rabu", 1, dt.datetime(2026, 11, 25, 8, 0, tzinfo=TZ))  # due Thursday
    db.close()
    at = _open(Role.KASUBBID, INBOX_PAGE)
    at.segmented_control(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value == "Waiting for me"
    assert _badges(at) == [
        ":red-badge[:material/alarm: Late by 7 working days]",
        ":red-badge[:material/alarm: Late by 1 working day]",
    ]


def test_a_kabid_with_nothing_overdue_is_told_so():
    at = _open(Role.KABID, INBOX_PAGE)
    assert [i.value for i in at.info] == ["Tidak ada yang menunggu tindakan Anda."]
    assert "Tidak ada rencana yang terlambat di bidang Anda." in [c.value for c in at.caption]


@pytest.mark.parametrize("role", [Role.BPP, Role.PPK])
def test_the_bpp_and_the_ppk_find_the_accountability_waiting_for_them_in_their_inbox(
    db, make, kemendagri, role
):
    from dumas.services import monitoring as ms
    from tests.monitoring_support import approved, people_of

    p = people_of(db)
    letter = make.forward(make.complaint(), kemendagri, dt.date(2026, 6, 1))
    mid = approved(db, p, [letter], direct=True, now=LONG_AGO)
    db.cursor().execute("UPDATE monitoring SET state = 'submission' WHERE id = $id", {"id": mid})
    # What was spent is known: the hand-over to the BPP waits for every actual.
    db.cursor().execute(
        "UPDATE monitoring_cost SET actual = planned WHERE monitoring_id = $m", {"m": mid}
    )
    stages = [(p.kabid, "submitted_on")] + (
        [(p.bpp, "bpp_received_on")] if role is Role.PPK else []
    )
    for who, stage in stages:
        seen = db.cursor().execute("SELECT revision FROM monitoring WHERE id = $id", {"id": mid})
        ms.record_finance(db, who, mid, revision=seen.fetchone()[0], stage=stage,
                          on=dt.date(2026, 11, 24), today=dt.date(2026, 11, 24),
                          now=dt.datetime(2026, 11, 24, 10, tzinfo=TZ))  # fmt: skip
    db.close()
    persona = User(id=1, username=username(role), full_name="Uji", roles=frozenset({role}))
    assert INBOX_PAGE in [page.path for page in navigation.visible(persona)]
    at = _open(role, INBOX_PAGE)
    assert at.title[0].value == "Menunggu Saya"
    assert _metric(at, "Menunggu saya") == "1"
    assert [query for _, query in _links(at)] == [f"id={mid}"]  # to the monitoring's money


@pytest.mark.parametrize("role", [Role.PIMPINAN, Role.ADMIN])
def test_the_url_of_a_page_the_role_may_not_open_says_so_in_the_users_language(role):
    from streamlit.util import calc_hash

    for query, words in (
        ({}, "tidak tersedia untuk peran Anda"),
        ({"lang": "English"}, "not available to your roles"),
    ):
        at = signed_in_app(role, **query)
        at._page_hash = calc_hash("menunggu")  # as a browser opening /menunggu
        at.run()
        assert not at.exception
        assert [w.value for w in at.warning if words in w.value], at.warning
        assert not at.title and not at.metric  # the inbox itself never ran


@pytest.mark.parametrize("role", [Role.PIMPINAN, Role.ADMIN])
def test_roles_without_plans_are_not_offered_the_inbox(role):
    persona = User(id=1, username=username(role), full_name="Uji", roles=frozenset({role}))
    assert INBOX_PAGE not in [page.path for page in navigation.visible(persona)]
    at = signed_in_app(role).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(INBOX_PAGE)  # not in the menu, so no URL opens it either
    direct = AppTest.from_file(str(config.ROOT / INBOX_PAGE), default_timeout=60)
    direct.session_state["user"] = persona  # as if a route reached the script anyway
    direct.run()
    assert not direct.exception
    assert [e.value for e in direct.error] == ["Peran Anda tidak mengizinkan tindakan ini."]
    assert not direct.metric


# Pemantauan


def _approved(db: Database) -> int:
    """The letter of _letter in a plan taken through steps 1-3 today, when the world is
    written (a run's tests see it a few seconds to minutes later): its one row is now a
    monitoring."""
    build = Plans(db, _letter(db))
    return build.moved("Rencana Desember", len(ROUTE), _recently() - dt.timedelta(hours=5))


approved_prebuilt = prebuilt("inbox-pages-approved", _approved)


@pytest.fixture
def approved(approved_prebuilt, db_path) -> int:
    """A plan taken through steps 1-3 today, its one row now a monitoring (_approved): the
    test's database is a copy of that world."""
    return approved_prebuilt[1]


def _display(at: AppTest, column: str) -> list[str]:
    """A column of the table as displayed (the Styler's formatted values)."""
    from streamlit import dataframe_util

    proto = at.dataframe[0].proto.arrow_data.styler
    shown = dataframe_util.convert_arrow_bytes_to_pandas_df(proto.display_values)
    frame = at.dataframe[0].value
    return shown.iloc[:, list(frame.columns).index(column)].tolist()


def test_the_monitorings_page_lists_an_approved_monitoring_with_its_cost_in_rupiah(approved):
    at = _open(Role.KABID, MONITORINGS_PAGE)
    assert at.title[0].value == "Pemantauan"
    frame = at.dataframe[0].value
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row["agency"] == "Kementerian Dalam Negeri"
    assert row["level"] == "Kabid ke bawah"
    assert row["method"] == "Langsung: kunjungan lapangan"
    assert row["state"] == "Persiapan"
    assert (row["team_lead"], row["team"], row["letters"]) == ("Analis Uji", "Analis Uji", 1)
    assert row["approved_by"] == "Asdep Uji"
    assert row["plan"] == "Rencana Desember"
    assert "plan_link" not in frame.columns  # its plan is linked on its page, in this tab
    assert row["estimated_cost"] == TRIP_COST
    assert _display(at, "estimated_cost") == ["Rp10.580.000"]
    assert _display(at, "schedule_from") == ["7 Des 2026"]
    at.session_state["monitoring_list"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()  # the monitoring opens in this tab, with a link to its plan
    assert at.get("page_link")[0].proto.query_string == f"plan={approved}"


@pytest.mark.parametrize("role", [Role.PPK, Role.BPP])
def test_the_ppk_and_the_bpp_read_the_monitorings_without_plan_links_or_complainants(
    approved, role
):
    at = _open(role, MONITORINGS_PAGE)
    frame = at.dataframe[0].value
    assert frame["agency"].tolist() == ["Kementerian Dalam Negeri"]
    assert "Siti Aminah" not in frame.astype(str).to_string()
    assert [b.label for b in at.get("download_button")] == ["Unduh .xlsx"]
    at.session_state["monitoring_list"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()  # the monitoring opens, with no link to its plan: they cannot open plans
    assert at.subheader[0].value == "Kementerian Dalam Negeri"
    assert at.get("page_link") == []


def test_the_monitorings_filter_by_level_and_state(approved):
    at = _open(Role.ASDEP, MONITORINGS_PAGE)
    at.multiselect(key="monitoring_level").set_value(["asdep"]).run()
    assert not at.exception
    assert [i.value for i in at.info] == ["Tidak ada pemantauan yang cocok dengan filter."]
    assert not at.get("download_button")
    at.multiselect(key="monitoring_level").set_value(["kabid"]).run()
    at.multiselect(key="monitoring_state").set_value(["preparation"]).run()
    assert len(at.dataframe[0].value) == 1


def test_the_monitorings_xlsx_reads_back_with_names_numbers_and_no_complainant(approved, downloads):
    _open(Role.PPK, MONITORINGS_PAGE)
    book = openpyxl.load_workbook(io.BytesIO(downloads["pemantauan.xlsx"]()))
    sheet = book.active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Pemantauan"
    assert rows[1][0].startswith("Dibuat pada")  # no filter set: no "Filter: tidak ada" line
    header, first = rows[4], dict(zip(rows[4], rows[5], strict=True))
    assert header[:3] == ["Instansi", "Lokus (provinsi)", "Tingkat pimpinan"]
    assert first["Instansi"] == "Kementerian Dalam Negeri"
    assert first["Metode"] == "Langsung: kunjungan lapangan"
    assert first["Perkiraan biaya (Rp)"] == TRIP_COST
    assert first["Jadwal mulai"] == dt.datetime(2026, 12, 7)
    assert first["Rencana"] == "Rencana Desember"
    cells = " ".join(str(v) for r in rows for v in r if v is not None)
    assert "Siti Aminah" not in cells and "0812" not in cells


def test_every_code_these_pages_name_has_a_label_in_both_languages():
    from dumas import i18n
    from dumas.domain.codes import Level, Method
    from dumas.domain.monitoring_flow import MonitoringState

    generated = [
        *(f"monitoring_state.{s}" for s in MonitoringState),
        *(f"level.{v}" for v in Level),
        *(f"method.{m}" for m in Method),
        *(f"plan_state.{s.value}" for s in plan_flow.PlanState),
        *(f"step.{step.key}" for step in plan_flow.STEPS),
    ]
    for lang in i18n.LANGUAGES:
        assert [key for key in generated if key not in i18n.MESSAGES[lang]] == []


def test_lateness_under_a_working_day_reads_in_hours_and_minutes():
    from dumas.domain.deadlines import LateBy
    from dumas.ui.screens.inbox import late_text

    assert late_text(LateBy(0, 642)) == "10 jam 42 menit"
    assert late_text(LateBy(0, 45)) == "45 menit"
    assert late_text(LateBy(3, 0)) == "3 hari kerja"


def test_one_plans_monitorings_are_told_apart_by_locus_and_method_on_their_cards(
    db, make, kemendagri
):
    from tests.monitoring_support import people_of

    p = people_of(db)
    letters = [
        make.forward(make.complaint(province_code=code), kemendagri, dt.date(2026, 6, 1))
        for code in ("31", "35", "73")
    ]
    plan_id = plans.create_plan(
        db, p.analyst, title="Tiga lokus", period="2026-12", source="database",
        bidang="Bidang Uji", now=LONG_AGO,
    )  # fmt: skip
    plans.add_letters(db, p.analyst, plan_id, revision=1, forwarding_ids=letters, now=LONG_AGO)
    rows = [int(r) for r in pq.matrix(db.cursor(), plan_id, TODAY)["row_id"]]
    methods = ("kunjungan_lapangan", "surat_resmi", "kontak_elektronik")
    updated = {
        row: {**TRIP, "method": method, "team_lead": p.kabid.id, "team": [p.analyst.id]}
        if method == "kunjungan_lapangan"
        else {"method": method, "level": "kabid", "team_lead": p.kabid.id, "team": [p.analyst.id]}
        for row, method in zip(rows, methods, strict=True)
    }
    plans.save_rows(db, p.analyst, plan_id, revision=pq.plan(db.cursor(), plan_id)["revision"],
                    added=[], deleted=[], updated=updated, now=LONG_AGO)  # fmt: skip
    for role, action in ROUTE:
        who = {Role.ANALIS: p.analyst, Role.KASUBBID: p.kasubbid, Role.KABID: p.kabid,
               Role.ASDEP: p.asdep}[role]  # fmt: skip
        plans.act(db, who, plan_id, revision=pq.plan(db.cursor(), plan_id)["revision"],
                  action=action, note="ok", now=LONG_AGO)  # fmt: skip
    db.close()
    at = _open(Role.ANALIS, INBOX_PAGE)
    lines = sorted(m.value for m in at.markdown if m.value.startswith("**Pemantauan**"))
    assert lines == [
        "**Pemantauan** · lokus DKI Jakarta · Langsung: kunjungan lapangan",
        "**Pemantauan** · lokus Jawa Timur · Tidak langsung: surat resmi",
        "**Pemantauan** · lokus Sulawesi Selatan · Tidak langsung: kontak elektronik",
    ]
