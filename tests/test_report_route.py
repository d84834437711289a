"""A periodic report's route (issue 14 point 4): drafted by the analysts, checked (or returned
with a note) by the Kabid, finalised by the Asdep after the check, forwarded by the Deputi
with the day it was sent; addressed to the Menteri Sekretaris Negara; due by a working day
of the month after the period; shown in "Menunggu Saya" to the role whose turn it is."""

from __future__ import annotations

import datetime as dt
import io

import docx
import openpyxl
import pytest

from dumas import config
from dumas.domain import calendar, periods, report_flow
from dumas.domain.errors import Conflict, ValidationError
from dumas.domain.permissions import Forbidden, Role
from dumas.domain.report_flow import ReportMove, ReportState
from dumas.periodic import contents
from dumas.periodic.workbook import report_xlsx
from dumas.queries import inbox, report_route, settings
from dumas.render.documents import periodic_report_docx
from dumas.services import periodic as final
from dumas.services import settings as setting_service
from tests.conftest import open_page
from tests.monitoring_support import people_of

TZ = config.TIMEZONE
OCT = periods.parse("2026-10")
NOV = periods.parse("2026-11")
NOW = dt.datetime(2026, 11, 27, 10, tzinfo=TZ)  # the pinned today
PAGE = "pages/reports.py"


def _state(db, period=OCT) -> ReportState:
    return report_route.route(db.cursor(), period).state


def _drafted(db, period=OCT, revision: int = 0, text: str = "Isu utama") -> int:
    return final.save_draft(db, people_of(db).analyst, period, narrative={"key_issues": text},
                            revision=revision, now=NOW)  # fmt: skip


def _check(db, period=OCT, revision: int = 1) -> None:
    final.review(db, people_of(db).kabid, period, move=ReportMove.CHECK, revision=revision,
                 now=NOW)  # fmt: skip


def _finalised(db, period=OCT) -> None:
    _drafted(db, period)
    _check(db, period)
    final.finalise(db, people_of(db).asdep, period, narrative={"key_issues": "Isu utama"},
                   revision=1, now=NOW)  # fmt: skip


# The route, through the services


def test_the_route_runs_analyst_kabid_asdep_deputi_and_records_each_with_its_date(db):
    people = people_of(db)
    assert _state(db) is ReportState.NOT_STARTED
    _drafted(db)
    assert _state(db) is ReportState.DRAFTED
    _check(db)
    assert _state(db) is ReportState.CHECKED
    final.finalise(db, people.asdep, OCT, narrative={"key_issues": "Isu utama"}, revision=1,
                   now=NOW)  # fmt: skip
    assert _state(db) is ReportState.FINAL
    final.forward(db, people.deputi, OCT, sent_on=dt.date(2026, 11, 27), note="Nota 12",
                  now=NOW)  # fmt: skip
    route = report_route.route(db.cursor(), OCT)
    assert route.state is ReportState.FORWARDED
    assert [(e["action"], e["who"]) for e in route.events] == [
        ("check", people.kabid.full_name), ("forward", people.deputi.full_name)]  # fmt: skip
    assert route.forwarded["sent_on"] == dt.date(2026, 11, 27)
    assert route.forwarded["note"] == "Nota 12"
    audited = (
        db.cursor()
        .execute(
            "SELECT actor, action FROM audit_log WHERE action IN ('report.check', 'report.forward')"
            " ORDER BY id"
        )
        .fetchall()
    )
    assert audited == [(people.kabid.username, "report.check"),
                       (people.deputi.username, "report.forward")]  # fmt: skip
    assert final.addressing(db.cursor(), OCT)["sent_on"] == dt.date(2026, 11, 27)


def test_the_asdep_may_not_finalise_before_the_kabids_check(db):
    _drafted(db)
    with pytest.raises(Conflict) as refused:
        final.finalise(db, people_of(db).asdep, OCT, narrative={"key_issues": "Isu utama"},
                       revision=1, now=NOW)  # fmt: skip
    assert refused.value.messages[0].key == "error.report_route"
    assert final.frozen(db.cursor(), OCT) is None


def test_the_kabid_returns_with_a_note_and_a_new_draft_needs_a_new_check(db):
    people = people_of(db)
    _drafted(db)
    with pytest.raises(ValidationError):  # a return says why
        final.review(db, people.kabid, OCT, move=ReportMove.RETURN, revision=1, note=" ",
                     now=NOW)  # fmt: skip
    final.review(db, people.kabid, OCT, move=ReportMove.RETURN, revision=1,
                 note="Tambahkan rekomendasi", now=NOW)  # fmt: skip
    route = report_route.route(db.cursor(), OCT)
    assert route.state is ReportState.RETURNED
    assert route.review["note"] == "Tambahkan rekomendasi"
    _drafted(db, revision=1, text="Isu utama dan rekomendasi")
    assert _state(db) is ReportState.DRAFTED
    _check(db, revision=2)
    assert _state(db) is ReportState.CHECKED
    _drafted(db, revision=2, text="Diubah sesudah diperiksa")  # the check was of revision 2
    assert _state(db) is ReportState.DRAFTED


def test_a_check_from_a_stale_screen_is_refused_with_who_and_when(db):
    _drafted(db)
    _drafted(db, revision=1, text="Versi kedua")
    with pytest.raises(Conflict) as refused:
        _check(db, revision=1)
    assert refused.value.messages[0].key == "error.report_changed"
    assert _state(db) is ReportState.DRAFTED


@pytest.mark.parametrize("who", ["analyst", "kasubbid", "asdep", "deputi"])
def test_only_a_kabid_checks(db, who):
    _drafted(db)
    with pytest.raises(Forbidden):
        final.review(db, getattr(people_of(db), who), OCT, move=ReportMove.CHECK, revision=1,
                     now=NOW)  # fmt: skip
    assert _state(db) is ReportState.DRAFTED


@pytest.mark.parametrize("who", ["analyst", "kabid", "asdep"])
def test_only_the_deputi_forwards(db, who):
    _finalised(db)
    with pytest.raises(Forbidden):
        final.forward(db, getattr(people_of(db), who), OCT, sent_on=NOW.date(), now=NOW)
    assert _state(db) is ReportState.FINAL


def test_forwarding_needs_a_final_report_a_plausible_day_and_happens_once(db):
    deputi = people_of(db).deputi
    _drafted(db)
    with pytest.raises(Conflict):  # not final yet
        final.forward(db, deputi, OCT, sent_on=NOW.date(), now=NOW)
    _check(db)
    final.finalise(db, people_of(db).asdep, OCT, narrative={"key_issues": "Isu utama"},
                   revision=1, now=NOW)  # fmt: skip
    for day in (NOW.date() + dt.timedelta(days=1), NOW.date() - dt.timedelta(days=1)):
        with pytest.raises(ValidationError):  # after today / before it was finalised
            final.forward(db, deputi, OCT, sent_on=day, now=NOW)
    final.forward(db, deputi, OCT, sent_on=NOW.date(), now=NOW)
    with pytest.raises(Conflict):
        final.forward(db, deputi, OCT, sent_on=NOW.date(), now=NOW)


# When a report is due


def test_a_months_report_is_due_on_the_fifth_working_day_of_the_next_month(db):
    cur = db.cursor()
    assert report_flow.due_on(cur, NOV) == dt.date(2026, 12, 7)  # 1-4 and 7 December
    # December 2026 and the year 2026: 1 January and 5 January 2027 are holidays
    assert report_flow.due_on(cur, periods.parse("2026-12")) == dt.date(2027, 1, 11)
    assert report_flow.due_on(cur, periods.parse("2026")) == dt.date(2027, 1, 11)
    assert report_flow.due_on(cur, periods.parse("2026-S1")) == dt.date(2026, 7, 7)
    assert report_flow.due_on(cur, NOV, 1) == dt.date(2026, 12, 1)


def test_a_day_off_declared_in_the_calendar_moves_the_due_day(db):
    with db.transaction() as cur:
        cur.execute("INSERT INTO calendar_override VALUES (DATE '2026-12-03', false, 'Cuti')")
        calendar.rebuild(cur)
    assert report_flow.due_on(db.cursor(), NOV) == dt.date(2026, 12, 8)


# Menunggu Saya


def _reports_for(db, who: str) -> list:
    user = getattr(people_of(db), who)
    return [i for i in inbox.inbox(db.cursor(), user, NOW) if i.kind == "report"]


def test_no_report_is_owed_before_the_unit_first_worked_on_one(db):
    assert _reports_for(db, "analyst") == []


def test_a_due_report_waits_for_the_role_whose_turn_it_is(db):
    _drafted(db)  # October 2026: due on 6 November, late on 27 November
    assert _reports_for(db, "analyst") == []
    [item] = _reports_for(db, "kabid")
    assert (item.period_code, item.state, item.step.key) == ("2026-10", "drafted", "check")
    assert item.due.astimezone(TZ).date() == dt.date(2026, 11, 6)
    assert item.late is not None and item.late.working_days == 15
    _check(db)
    assert [i.period_code for i in _reports_for(db, "asdep")] == ["2026-10"]
    assert _reports_for(db, "kabid") == []
    final.finalise(db, people_of(db).asdep, OCT, narrative={"key_issues": "Isu utama"},
                   revision=1, now=NOW)  # fmt: skip
    assert [i.step.key for i in _reports_for(db, "deputi")] == ["forward"]
    final.forward(db, people_of(db).deputi, OCT, sent_on=NOW.date(), now=NOW)
    assert all(_reports_for(db, who) == [] for who in ("analyst", "kabid", "asdep", "deputi"))


def test_the_due_working_day_is_a_setting(db):
    from dumas.services import auth
    from tests.conftest import username

    cur = db.cursor()
    admin_id = cur.execute("SELECT id FROM app_user WHERE username = $u",
                           {"u": username(Role.ADMIN)}).fetchone()[0]  # fmt: skip
    admin = auth.load_user(cur, admin_id)
    with pytest.raises(ValidationError):
        setting_service.save_settings(db, admin, {"report.due_working_day": "0"}, NOW,
                                      seen={"report.due_working_day": "5"})  # fmt: skip
    setting_service.save_settings(db, admin, {"report.due_working_day": "20"}, NOW,
                                  seen={"report.due_working_day": "5"})  # fmt: skip
    _drafted(db)
    [item] = _reports_for(db, "kabid")
    assert item.due.astimezone(TZ).date() == dt.date(2026, 11, 27)  # 20th working day
    assert item.late is None


def test_the_inbox_page_links_the_due_report_for_the_kabid(db, app_env):
    _drafted(db)
    at = open_page(Role.KABID, "pages/inbox.py")
    assert not at.exception
    links = [(link.value, link.proto.query_string) for link in at.page_link]
    title = "Laporan Pemantauan Tindak Lanjut Pengaduan Masyarakat\\, Bulan Oktober 2026"
    assert (title, "report=2026-10") in links  # "\\,": the comma as Markdown text


# The document, the workbook and the settings


def _report(db, period=OCT) -> dict:
    cur = db.cursor()
    frozen = final.frozen(cur, period)
    if frozen is None:
        title = contents.default_title(period, "id")
        frozen = contents.build(cur, period, "id", title=title, generated="")
    return {**frozen, **final.addressing(cur, period)}


def _paragraphs(report: dict, db) -> list[str]:
    built = periodic_report_docx(report, settings.for_documents(db.cursor()), "id")
    return [p.text for p in docx.Document(io.BytesIO(built)).paragraphs]


def test_the_document_is_addressed_to_the_minister_through_the_deputi(db):
    texts = _paragraphs(_report(db), db)
    assert "Kepada Yth.: Menteri Sekretaris Negara" in texts
    assert "Melalui: Deputi Bidang Hubungan Kelembagaan dan Kemasyarakatan" in texts
    assert not any(t.startswith("Diteruskan oleh") for t in texts)
    _finalised(db)
    final.forward(db, people_of(db).deputi, OCT, sent_on=NOW.date(), now=NOW)
    texts = _paragraphs(_report(db), db)
    assert "Jakarta, 27 November 2026" in texts  # the day it was finalised
    # the official copy as sent: the forwarding is on the workbook's cover, not on it
    assert not any(t.startswith("Diteruskan oleh") for t in texts)


def test_the_addressee_is_a_setting_and_a_final_report_keeps_the_one_it_was_sent_to(db):
    with db.transaction() as cur:
        cur.execute("INSERT INTO setting VALUES ('report.addressee', 'Presiden')")
        cur.execute("INSERT INTO setting VALUES ('official.asdep.name', 'Budi')")
        cur.execute("INSERT INTO setting VALUES ('report.forwarding_official', 'asdep')")
    assert "Kepada Yth.: Presiden" in _paragraphs(_report(db), db)
    _finalised(db)
    with db.transaction() as cur:
        cur.execute("UPDATE setting SET value = 'Wakil Presiden' WHERE key = 'report.addressee'")
    texts = _paragraphs(_report(db), db)
    assert "Kepada Yth.: Presiden" in texts  # as finalised
    assert "Melalui: Asisten Deputi Pengaduan Masyarakat" in texts


def test_the_workbook_cover_names_the_addressee_and_whether_it_was_sent(db):
    cover = openpyxl.load_workbook(io.BytesIO(report_xlsx(_report(db), "id"))).worksheets[0]
    assert (cover["A2"].value, cover["B2"].value) == ("Kepada", "Menteri Sekretaris Negara")
    assert (cover["A8"].value, cover["B8"].value) == ("Pengiriman", "Belum diteruskan")
    _finalised(db)
    final.forward(db, people_of(db).deputi, OCT, sent_on=NOW.date(), now=NOW)
    cover = openpyxl.load_workbook(io.BytesIO(report_xlsx(_report(db), "id"))).worksheets[0]
    assert cover["B8"].value.endswith("pada 27 November 2026")


# The report page


def _open(role: Role):
    at = open_page(role, PAGE, report="2026-10")
    assert not at.exception, at.exception
    return at


def _buttons(at) -> set[str]:
    return {b.label for b in at.button}


def test_the_page_offers_each_move_to_its_role_only_and_the_move_is_recorded(db, app_env):
    _drafted(db)
    for role in (Role.ANALIS, Role.ASDEP, Role.DEPUTI):
        assert "Tandai sudah diperiksa" not in _buttons(_open(role))
    kabid = _open(Role.KABID)
    assert {"Tandai sudah diperiksa", "Kembalikan dengan catatan"} <= _buttons(kabid)
    kabid.button(key="report_check").click().run()
    assert not kabid.exception
    assert _state(db) is ReportState.CHECKED
    asdep = _open(Role.ASDEP)
    assert "Finalkan laporan" in _buttons(asdep)
    assert "Catat laporan sudah diteruskan" not in _buttons(asdep)
    asdep.checkbox(key="report_confirm").check()
    asdep.button(key="FormSubmitter:narrative-Finalkan laporan").click().run()
    assert _state(db) is ReportState.FINAL
    deputi = _open(Role.DEPUTI)
    assert any("Belum dikirim" in c.value for c in deputi.caption)
    deputi.button(key="FormSubmitter:report_forward-Catat laporan sudah diteruskan").click().run()
    assert not deputi.exception
    assert _state(db) is ReportState.FORWARDED
    assert any("Dikirim pada 27 November 2026" in s.value for s in deputi.success)


def test_the_kabid_returns_the_draft_from_the_page_with_a_note(db, app_env):
    _drafted(db)
    kabid = _open(Role.KABID)
    submit = "FormSubmitter:report_return-Kembalikan dengan catatan"
    kabid.button(key=submit).click().run()
    assert any("wajib diisi" in e.value for e in kabid.error)
    kabid.text_area(key="report_return_note").input("Lengkapi angka pemantauan")
    kabid.button(key=submit).click().run()
    assert _state(db) is ReportState.RETURNED
    analyst = _open(Role.ANALIS)
    assert any("Lengkapi angka pemantauan" in w.value for w in analyst.warning)


# One home: the page offers a move exactly when the service accepts it

_CONTROLS = {
    ReportMove.CHECK: "Tandai sudah diperiksa",
    ReportMove.RETURN: "Kembalikan dengan catatan",
    ReportMove.FINALISE: "Finalkan laporan",
    ReportMove.FORWARD: "Catat laporan sudah diteruskan",
}
_STAFF = (Role.ANALIS, Role.KASUBBID, Role.KABID, Role.ASDEP, Role.DEPUTI)


def _accepts(db, user, move: ReportMove) -> bool:
    """Whether the service takes the move now (in a dry run: rolled back once accepted)."""
    from dumas.domain.errors import DomainError
    from tests.test_rule_homes import DryRun

    dry = DryRun(path=db.path, con=db.con)
    revision = report_route.route(db.cursor(), OCT).revision
    calls = {
        ReportMove.CHECK: lambda: final.review(dry, user, OCT, move=move, revision=revision,
                                               now=NOW),
        ReportMove.RETURN: lambda: final.review(dry, user, OCT, move=move, revision=revision,
                                                note="Catatan", now=NOW),
        ReportMove.FINALISE: lambda: final.finalise(dry, user, OCT, revision=revision,
                                                    narrative={"key_issues": "Isu utama"},
                                                    now=NOW),
        ReportMove.FORWARD: lambda: final.forward(dry, user, OCT, sent_on=NOW.date(), now=NOW),
    }  # fmt: skip
    try:
        calls[move]()
    except DomainError:
        return False
    return True


@pytest.mark.parametrize("stage", [ReportState.DRAFTED, ReportState.CHECKED, ReportState.FINAL])
def test_each_role_is_offered_on_the_page_exactly_the_moves_the_service_accepts(db, app_env, stage):
    from dumas.services import auth
    from tests.conftest import username

    _drafted(db)
    if stage is not ReportState.DRAFTED:
        _check(db)
    if stage is ReportState.FINAL:
        final.finalise(db, people_of(db).asdep, OCT, narrative={"key_issues": "Isu utama"},
                       revision=1, now=NOW)  # fmt: skip
    assert _state(db) is stage
    cur = db.cursor()
    for role in _STAFF:
        uid = cur.execute("SELECT id FROM app_user WHERE username = $u",
                          {"u": username(role)}).fetchone()[0]  # fmt: skip
        user = auth.load_user(cur, uid)
        offered = {move for move, label in _CONTROLS.items() if label in _buttons(_open(role))}
        accepted = {move for move in _CONTROLS if _accepts(db, user, move)}
        assert offered == accepted, role
        assert offered == {m for m in _CONTROLS if report_flow.refusal(m, stage, user) is None}
    assert _state(db) is stage  # the dry runs changed nothing


# A period still running is not finalised (issue 16)

S2 = periods.parse("2026-S2")  # ends 31 December 2026
DEC_2 = dt.datetime(2026, 12, 2, 10, tzinfo=TZ)


def _checked(db, period) -> None:
    _drafted(db, period)
    _check(db, period)


def test_a_running_period_is_refused_with_the_day_it_can_be_finalised(db):
    from dumas import i18n

    _checked(db, S2)
    with pytest.raises(Conflict) as refused:
        final.finalise(db, people_of(db).asdep, S2, narrative={"key_issues": "Isu utama"},
                       revision=1, now=DEC_2)  # fmt: skip
    [message] = refused.value.messages
    assert message.key == "error.report_running"
    shown = {lang: i18n.t(message.key, lang, **i18n.display_params(message.params, lang))
             for lang in ("id", "en")}  # fmt: skip
    assert shown["id"].startswith("Laporan Semester II 2026 dapat difinalkan mulai 1 Januari 2027")
    assert "Semester II 2026 can be finalised from 1 January 2027" in shown["en"]
    assert final.frozen(db.cursor(), S2) is None
    assert _state(db, S2) is ReportState.CHECKED
    # the last day of the period is still too early; the day after it ends is not
    last_day = dt.datetime(2026, 12, 31, 23, 59, tzinfo=TZ)
    with pytest.raises(Conflict):
        final.finalise(db, people_of(db).asdep, S2, narrative={"key_issues": "Isu utama"},
                       revision=1, now=last_day)  # fmt: skip
    final.finalise(db, people_of(db).asdep, S2, narrative={"key_issues": "Isu utama"},
                   revision=1, now=last_day + dt.timedelta(minutes=1))  # fmt: skip
    assert _state(db, S2) is ReportState.FINAL


def test_the_day_a_report_can_be_finalised_is_the_day_after_its_period(db):
    assert report_flow.finalisable_on(S2) == dt.date(2027, 1, 1)
    assert report_flow.finalisable_on(NOV) == dt.date(2026, 12, 1)
    assert report_flow.still_running(NOV, dt.date(2026, 12, 1)) is None
    assert report_flow.still_running(NOV, dt.date(2026, 11, 30)) is not None


def test_the_page_does_not_offer_finalising_a_running_period_and_says_from_when(db, app_env):
    _checked(db, S2)
    asdep = open_page(Role.ASDEP, PAGE, report="2026-S2")
    assert not asdep.exception, asdep.exception
    assert "Finalkan laporan" not in _buttons(asdep)
    assert any("Laporan Semester II 2026 dapat difinalkan mulai 1 Januari 2027" in i.value
               for i in asdep.info)  # fmt: skip
    assert _state(db, S2) is ReportState.CHECKED
    _checked(db, OCT)  # October has ended: offered as before
    ended = _open(Role.ASDEP)
    assert "Finalkan laporan" in _buttons(ended)
    assert not any("dapat difinalkan mulai" in i.value for i in ended.info)


def test_for_a_running_period_the_page_offers_exactly_what_the_service_accepts(db, app_env):
    """One home: the page and the service both ask report_flow (the state, and the date)."""
    from dumas.domain.errors import DomainError
    from dumas.services import auth
    from tests.conftest import username
    from tests.test_rule_homes import DryRun

    _checked(db, S2)
    cur = db.cursor()
    for role in _STAFF:
        uid = cur.execute("SELECT id FROM app_user WHERE username = $u",
                          {"u": username(role)}).fetchone()[0]  # fmt: skip
        user = auth.load_user(cur, uid)
        offered = "Finalkan laporan" in _buttons(open_page(role, PAGE, report="2026-S2"))
        with pytest.raises(DomainError) as refused:
            final.finalise(DryRun(path=db.path, con=db.con), user, S2, revision=1,
                           narrative={"key_issues": "Isu utama"}, now=NOW)  # fmt: skip
        assert not offered, role
        why = report_flow.refusal(ReportMove.FINALISE, ReportState.CHECKED, user, period=S2,
                                  today=NOW.date())  # fmt: skip
        assert refused.value.messages[0].key == why  # the same rule, the same words
        if role is Role.ASDEP:
            assert why == "error.report_running"
    assert _state(db, S2) is ReportState.CHECKED
