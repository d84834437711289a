"""SOP step 8 in two parallel tracks (issue 14, point 1), by personas on real services.

(a) The receiver accepts or returns the substance report whenever it is submitted;
(b) the money of a field visit goes from the team through the BPP to the PPK on its own
clock (the SOP's one day of step 8); the monitoring closes when both are done, whichever
finishes last. An indirect monitoring has no money and closes on acceptance. The inbox
and the checklist show each track with its own state and lateness.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dumas import config
from dumas.db import Database
from dumas.domain import monitoring_flow as flow
from dumas.domain.deadlines import LateBy
from dumas.domain.errors import Conflict
from dumas.domain.monitoring_flow import MonitoringAction, MonitoringState
from dumas.domain.permissions import Role, User
from dumas.queries import inbox
from dumas.queries import monitoring as mq
from dumas.services import monitoring as ms
from dumas.services import monitoring_records as rec
from tests import monitoring_support as support
from tests.conftest import Factory, open_page, prebuilt
from tests.monitoring_support import People, people_of

TZ = config.TIMEZONE
START = dt.datetime(2026, 12, 21, 9, 0, tzinfo=TZ)  # Monday before Christmas (24-25 off)
EVERY_GUARD = frozenset({flow.DOCUMENTS_READY, flow.COORDINATION_RECORDED,
                         flow.RESULTS_COMPLETE, flow.REPORT_READY, flow.FINANCE_DONE})  # fmt: skip


@pytest.fixture
def people(db: Database) -> People:
    return people_of(db)


def _letters(db: Database) -> list[int]:
    """Two unanswered letters to Kemendagri (locus DKI Jakarta)."""
    make = Factory(db)
    kemendagri = make.agency("Kementerian Dalam Negeri")
    first, second = make.complaint(province_code="31"), make.complaint(province_code="31")
    return [
        make.forward(first, kemendagri, dt.date(2026, 3, 2)),
        make.forward(second, kemendagri, dt.date(2026, 4, 6)),
    ]


letters_prebuilt = prebuilt("step8-letters", _letters)


@pytest.fixture
def letters(letters_prebuilt, db_path) -> list[int]:
    """The two letters of _letters: the test's database is a copy of that world."""
    return letters_prebuilt[1]


def at(day: int, hour: int = 10, start: dt.datetime = START) -> dt.datetime:
    return start + dt.timedelta(days=day, hours=hour - 9)


def rev(db: Database, mid: int) -> int:
    return mq.detail(db.cursor(), mid)["revision"]


def state(db: Database, mid: int) -> str:
    return mq.detail(db.cursor(), mid)["state"]


def move(
    db: Database, who: User, mid: int, action: MonitoringAction, when: dt.datetime, note=None
) -> MonitoringState:
    return ms.act(db, who, mid, revision=rev(db, mid), action=action, note=note, now=when)


def money(db: Database, who: User, mid: int, stage: str, when: dt.datetime) -> None:
    """One stage of the accountability on the date of `when`, from a fresh screen."""
    on = when.date()
    ms.record_finance(db, who, mid, revision=rev(db, mid), stage=stage, on=on, today=on, now=when)


def reporting(db: Database, p: People, letters: list[int], *, direct: bool, start=START) -> int:
    """A monitoring in step 7 with its report written (and a visit's costs actual)."""
    mid = support.approved(db, p, letters, direct=direct, now=start - dt.timedelta(days=7))
    db.cursor().execute("UPDATE monitoring SET state = 'reporting' WHERE id = $id", {"id": mid})
    report = {"conclusions": "Belum dijawab", "recommendations": "Pantau lagi"}
    rec.save_report(db, p.analyst, mid, revision=rev(db, mid), now=start, values=report)
    if direct:
        lines = [{"item": "transport", "user_id": None, "planned": 100_000, "actual": 90_000}]
        rec.save_costs(db, p.analyst, mid, revision=rev(db, mid), now=start, rows=lines)
    return mid


def submitted(db: Database, p: People, letters: list[int], *, direct: bool, start=START) -> int:
    """The report submitted on the first day at 11:00: step 8 starts."""
    mid = reporting(db, p, letters, direct=direct, start=start)
    move(db, p.analyst, mid, MonitoringAction.SUBMIT_REPORT, at(0, 11, start))
    return mid


def last_event(db: Database, mid: int) -> tuple:
    sql = """SELECT action, from_state, to_state, occurred_at FROM monitoring_event
              WHERE monitoring_id = $id ORDER BY id DESC LIMIT 1"""
    return db.cursor().execute(sql, {"id": mid}).fetchone()


# The two tracks, finishing in either order


def test_a_report_accepted_before_the_money_waits_then_the_ppk_closes_the_monitoring(
    db, people, letters
):
    p, mid = people, submitted(db, people, letters, direct=True)
    assert move(db, p.asdep, mid, MonitoringAction.ACKNOWLEDGE, at(1)) is MonitoringState.ACCEPTED
    assert flow.available_actions(ms.view(db.cursor(), ms.load(db.cursor(), mid)), p.asdep) == []
    with pytest.raises(Conflict):  # the report is the receiver's now: no more edits
        rec.save_report(db, p.analyst, mid, revision=rev(db, mid), now=at(1, 11),
                        values={"conclusions": "Ubah"})  # fmt: skip
    money(db, p.analyst, mid, "submitted_on", at(1, 11))  # the team may still hand it over
    money(db, p.bpp, mid, "bpp_received_on", at(2))
    assert state(db, mid) == "accepted"
    ppk_at = dt.datetime(2026, 12, 28, 10, tzinfo=TZ)
    money(db, p.ppk, mid, "ppk_accepted_on", ppk_at)
    assert state(db, mid) == "closed"
    assert last_event(db, mid) == ("finance_ppk_accepted_on", "accepted", "closed", ppk_at)
    assert mq.detail(db.cursor(), mid)["state_since"] == ppk_at


def test_money_accepted_by_the_ppk_first_lets_the_receivers_acceptance_close(db, people, letters):
    p, mid = people, submitted(db, people, letters, direct=True)
    for who, stage in ((p.analyst, "submitted_on"), (p.bpp, "bpp_received_on"),
                       (p.ppk, "ppk_accepted_on")):  # fmt: skip
        money(db, who, mid, stage, at(0, 14))
    assert state(db, mid) == "submission"  # the report still waits for the Asdep
    assert move(db, p.asdep, mid, MonitoringAction.ACKNOWLEDGE, at(1)) is MonitoringState.CLOSED
    assert last_event(db, mid)[:3] == ("acknowledge", "submission", "closed")


def test_a_returned_report_does_not_stop_the_money(db, people, letters):
    p, mid = people, submitted(db, people, letters, direct=True)
    money(db, p.analyst, mid, "submitted_on", at(0, 12))
    returned = move(db, p.asdep, mid, MonitoringAction.RETURN_REPORT, at(0, 13), "Lengkapi")
    assert returned is MonitoringState.REPORTING
    money(db, p.bpp, mid, "bpp_received_on", at(0, 14))
    money(db, p.ppk, mid, "ppk_accepted_on", at(0, 15))
    assert state(db, mid) == "reporting"  # the money is done; the report is not
    move(db, p.analyst, mid, MonitoringAction.SUBMIT_REPORT, at(1, 9))
    assert move(db, p.asdep, mid, MonitoringAction.ACKNOWLEDGE, at(1)) is MonitoringState.CLOSED
    report_runs = [(r.step.key, r.outcome) for r in mq.checklist(db.cursor(), mid, at(2))]
    assert report_runs[-4:] == [
        ("8", "return_report"),
        ("7", "submit_report"),
        ("8", "acknowledge"),
        ("8b", "finance_ppk_accepted_on"),
    ]


def test_an_indirect_monitoring_closes_on_acceptance_and_has_no_money_track(db, people, letters):
    p, mid = people, submitted(db, people, letters, direct=False)
    assert move(db, p.deputi, mid, MonitoringAction.ACKNOWLEDGE, at(1)) is MonitoringState.CLOSED
    assert [r.step.key for r in mq.checklist(db.cursor(), mid, at(2))][-1] == "8"
    assert mq.finance_track(db.cursor(), mid, at(2)).started is None


def test_the_table_settles_an_accepted_report_only_once_the_money_is_done():
    assert flow.settled(MonitoringState.ACCEPTED, EVERY_GUARD) is MonitoringState.CLOSED
    open_money = EVERY_GUARD - {flow.FINANCE_DONE}
    assert flow.settled(MonitoringState.ACCEPTED, open_money) is MonitoringState.ACCEPTED
    for other in set(MonitoringState) - {MonitoringState.ACCEPTED}:
        assert flow.settled(other, EVERY_GUARD) is other  # nothing else moves by itself
    row = flow.transitions_for(MonitoringState.SUBMISSION, MonitoringAction.ACKNOWLEDGE)[0]
    assert row.guard is None  # the acceptance never waits for the money


# Each track's state and lateness: the checklist and the inbox


def test_the_checklist_times_the_report_and_the_money_on_their_own_clocks(db, people, letters):
    p, mid = people, submitted(db, people, letters, direct=True)  # Monday 21 Dec 11:00
    move(db, p.asdep, mid, MonitoringAction.ACKNOWLEDGE, at(1))  # Tuesday 10:00: on time
    money(db, p.analyst, mid, "submitted_on", at(1, 11))
    now = dt.datetime(2026, 12, 28, 12, tzinfo=TZ)  # Monday after Christmas
    *_, report, finance = mq.checklist(db.cursor(), mid, now)
    assert (report.step.key, report.outcome, report.late) == ("8", "acknowledge", None)
    assert report.due == dt.datetime(2026, 12, 22, 11, tzinfo=TZ)
    assert (finance.step, finance.outcome, finance.done) == (
        flow.FINANCE_STEP, "finance_submitted_on", None)  # fmt: skip
    assert finance.started == at(0, 11)  # the report's submission started step 8
    assert finance.due == dt.datetime(2026, 12, 22, 11, tzinfo=TZ)
    assert finance.late == LateBy(working_days=2, minutes=0)  # 23 and 28 Dec
    money(db, p.bpp, mid, "bpp_received_on", now)
    money(db, p.ppk, mid, "ppk_accepted_on", now)
    finance = mq.checklist(db.cursor(), mid, now + dt.timedelta(days=3))[-1]
    assert finance.done == dt.datetime(2026, 12, 28, 11, tzinfo=TZ)  # judged by its date
    assert (finance.done_by, finance.late) == (p.ppk.full_name, LateBy(2, 0))


def test_money_handed_over_before_the_report_starts_its_clock_that_day(db, people, letters):
    p, mid = people, reporting(db, people, letters, direct=True)
    friday = dt.datetime(2026, 12, 18, 14, tzinfo=TZ)
    money(db, p.analyst, mid, "submitted_on", friday)  # still writing the report
    track = mq.finance_track(db.cursor(), mid, friday)
    assert track.started == dt.datetime(2026, 12, 18, 8, tzinfo=TZ)  # the office's opening
    assert track.due == dt.datetime(2026, 12, 21, 8, tzinfo=TZ)  # the next working day


def test_the_moneys_clock_starts_at_the_office_opening_the_settings_name(db, people, letters):
    from dumas.queries import settings
    from dumas.services import settings as service
    from tests.conftest import ADMIN

    seen = {"office_opens": settings.stored(db.cursor())["office_opens"]}
    service.save_settings(db, ADMIN, {"office_opens": "07.30"}, START, seen=seen)
    p, mid = people, reporting(db, people, letters, direct=True)
    friday = dt.datetime(2026, 12, 18, 14, tzinfo=TZ)
    money(db, p.analyst, mid, "submitted_on", friday)
    track = mq.finance_track(db.cursor(), mid, friday)
    assert track.started == dt.datetime(2026, 12, 18, 7, 30, tzinfo=TZ)


def _items(db: Database, user: User, now: dt.datetime) -> dict[str, tuple]:
    """The user's monitoring items by track: (state, mine, late)."""
    return {i.kind: (i.state, i.mine, i.late) for i in inbox.inbox(db.cursor(), user, now)
            if i.kind in ("monitoring", "finance")}  # fmt: skip


def test_the_inbox_shows_the_report_and_the_money_as_two_items_each_late_on_its_own(
    db, people, letters
):
    p, mid = people, reporting(db, people, letters, direct=True)
    money(db, p.analyst, mid, "submitted_on", dt.datetime(2026, 12, 18, 14, tzinfo=TZ))
    move(db, p.analyst, mid, MonitoringAction.SUBMIT_REPORT, at(0, 11))
    now = at(1, 12)  # Tuesday noon: the report an hour late, the money a day late
    hour, day = LateBy(working_days=0, minutes=60), LateBy(working_days=1, minutes=0)
    assert _items(db, p.asdep, now) == {
        "monitoring": ("submission", True, hour),  # the receiver's to accept
        "finance": ("submitted_on", False, day),  # late in the Asdep's area, not theirs
    }
    assert _items(db, p.bpp, now) == {"finance": ("submitted_on", True, day)}
    assert _items(db, p.ppk, now) == {}
    move(db, p.asdep, mid, MonitoringAction.ACKNOWLEDGE, now)
    money(db, p.bpp, mid, "bpp_received_on", now)
    assert _items(db, p.asdep, now) == {"finance": ("bpp_received_on", False, day)}
    assert _items(db, p.ppk, now) == {"finance": ("bpp_received_on", True, day)}
    money(db, p.ppk, mid, "ppk_accepted_on", now)
    assert _items(db, p.asdep, now) == _items(db, p.ppk, now) == {}


# The pages: the checklist's two tracks, the inbox's two items, the PPK closing


PAGE_START = dt.datetime(2026, 11, 16, 9, 0, tzinfo=TZ)  # Monday, before TODAY (27 Nov)


def _accepted_visit(db: Database) -> int:
    """The letters of _letters in a field visit whose report the Asdep accepted on time
    (from PAGE_START), its money with the BPP."""
    p = people_of(db)
    mid = submitted(db, p, _letters(db), direct=True, start=PAGE_START)
    move(db, p.asdep, mid, MonitoringAction.ACKNOWLEDGE, at(1, 10, PAGE_START))
    money(db, p.analyst, mid, "submitted_on", at(1, 11, PAGE_START))
    money(db, p.bpp, mid, "bpp_received_on", at(1, 12, PAGE_START))
    return mid


accepted_visit_prebuilt = prebuilt("step8-accepted-visit", _accepted_visit)


@pytest.fixture
def accepted_visit(accepted_visit_prebuilt, db_path) -> int:
    """A field visit whose report the Asdep accepted on time, its money with the BPP
    (_accepted_visit): the test's database is a copy of that world."""
    return accepted_visit_prebuilt[1]


@pytest.mark.usefixtures("app_env")
def test_the_monitoring_page_shows_each_track_and_the_ppk_closes_it(db, accepted_visit):
    mid = accepted_visit
    page = open_page(Role.PPK, "pages/monitorings.py", id=mid)
    assert not page.exception, page.exception
    table = page.dataframe[0].value.set_index("Langkah SOP")
    report = table.loc["8a. Penyampaian laporan substansi"]
    finance = table.loc["8b. Pertanggungjawaban keuangan kepada PPK melalui BPP"]
    assert (report["Hasil"], report["Terlambat"]) == ("Laporan substansi diterima", "")
    assert finance["Hasil"] == "Diterima BPP, menunggu PPK"
    assert finance["Terlambat"].startswith("⚠")  # due 17 Nov, still open on 27 Nov
    header = " ".join(m.value for m in page.markdown)
    assert "Laporan diterima, menunggu pertanggungjawaban keuangan" in header
    page.segmented_control(key="monitoring_view").set_value("report").run()
    page.button(key="fin_ppk_accepted_on").click().run()
    assert "Tahap pertanggungjawaban dicatat." in [s.value for s in page.success]
    assert state(db, mid) == "closed"


@pytest.mark.usefixtures("app_env")
def test_the_inbox_page_lists_the_late_money_as_its_own_item(db, people, accepted_visit):
    page = open_page(Role.ASDEP, "pages/inbox.py")  # watching: late in the area
    assert not page.exception, page.exception
    shown = " ".join(m.value for m in page.markdown)
    assert "8b. Pertanggungjawaban keuangan kepada PPK melalui BPP" in shown
    assert "Diterima BPP, menunggu PPK" in shown
    assert "8a. Penyampaian laporan substansi" not in shown  # the report's track is done
