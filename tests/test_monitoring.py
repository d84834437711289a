"""A monitoring carried from approval to closure (SOP steps 4-8) by personas.

A direct monitoring (a field visit led by the Kabid, the analyst on the team) and an
indirect one (an official letter led by the Asdep) go through preparation, coordination,
execution, reporting and submission; the receiver by level acknowledges; the money of
the visit goes to the PPK through the BPP. Every call is a real service on a real DuckDB.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json

import docx
import pandas as pd
import pytest

from dumas import config
from dumas.db import Database
from dumas.domain.deadlines import LateBy
from dumas.domain.errors import Conflict, DomainError, Message, ValidationError
from dumas.domain.monitoring_flow import MonitoringAction, MonitoringState
from dumas.domain.permissions import Forbidden, User
from dumas.queries import followup
from dumas.queries import monitoring as mq
from dumas.queries.filters import Filters
from dumas.services import ResponseInput
from dumas.services import monitoring as ms
from dumas.services import monitoring_records as rec
from tests import monitoring_support as support
from tests.conftest import TODAY, prebuilt, started_from
from tests.monitoring_support import People, people_of

START = dt.datetime(2026, 12, 21, 9, 0, tzinfo=config.TIMEZONE)  # Monday before Christmas
WEEK = dt.timedelta(days=7)


@pytest.fixture
def people(db: Database) -> People:
    return people_of(db)


# Each test starts from one of these worlds, approved a week before START or, for a visit
# of three persons, at START; the test's database is a copy of it (conftest.prebuilt).
_approved = support.two_letters_approved
direct_prebuilt = prebuilt(
    "monitoring-direct", functools.partial(_approved, direct=True, now=START - WEEK)
)
indirect_prebuilt = prebuilt(
    "monitoring-indirect", functools.partial(_approved, direct=False, now=START - WEEK)
)
three_persons_prebuilt = prebuilt(
    "monitoring-three-persons", functools.partial(_approved, direct=True, now=START, persons=3)
)


@pytest.fixture
def direct(direct_prebuilt, db_path) -> int:
    """A Kabid-led field visit of two persons (the analyst on the team), approved."""
    return direct_prebuilt[1]["monitoring"]


@pytest.fixture
def indirect(indirect_prebuilt, db_path) -> int:
    """An Asdep-led official letter (so the Deputi approved it too), approved."""
    return indirect_prebuilt[1]["monitoring"]


@pytest.fixture
def three_persons(three_persons_prebuilt, db_path) -> int:
    """A Kabid-led field visit whose row counts three persons, two named, approved at START."""
    return three_persons_prebuilt[1]["monitoring"]


@pytest.fixture
def letters(request: pytest.FixtureRequest, db_path) -> list[int]:
    """The two letters of the monitoring's world this test starts from."""
    return started_from(request)["letters"]


def rev(db: Database, mid: int) -> int:
    return mq.detail(db.cursor(), mid)["revision"]


def spent(db: Database, mid: int) -> None:
    """Every planned line spent as planned (the actuals the hand-over to the BPP needs)."""
    db.cursor().execute(
        "UPDATE monitoring_cost SET actual = planned WHERE monitoring_id = $m", {"m": mid}
    )


def move(
    db: Database, who: User, mid: int, action: MonitoringAction, at: dt.datetime, note=None
) -> MonitoringState:
    return ms.act(db, who, mid, revision=rev(db, mid), action=action, note=note, now=at)


def finance(db: Database, who: User, mid: int, stage: str, on: dt.date, at: dt.datetime) -> None:
    """One stage of the accountability, from a screen showing the current revision."""
    ms.record_finance(db, who, mid, revision=rev(db, mid), stage=stage, on=on, today=on, now=at)


def files_listed(db: Database, who: User, mid: int, at: dt.datetime) -> None:
    """The signed list of files to clarify: step 4 of an indirect monitoring."""
    files = rec.DocumentRecord("daftar_berkas", "40/D-4/DM.00.00/12/2026", TODAY)
    rec.record_document(db, who, mid, revision=rev(db, mid), document=files, today=TODAY, now=at)


def day(n: int, hour: int = 10) -> dt.datetime:
    return START + dt.timedelta(days=n, hours=hour - 9)


def test_direct_monitoring_runs_from_approval_to_closure(db, people, direct, letters):
    p, mid = people, direct
    # Step 4: scope and the three signed documents
    with pytest.raises(Forbidden) as refused:
        move(db, p.analyst, mid, MonitoringAction.PREPARED, day(0))
    assert refused.value.messages[0].key == "error.guard_documents_ready"
    rec.save_scope(
        db,
        p.analyst,
        mid,
        revision=rev(db, mid),
        now=day(0),
        values={
            "purpose": "Klarifikasi tindak lanjut",
            "partner": "Inspektorat Jenderal",
            "mechanism": "Rapat koordinasi",
            "expected_results": "Status jelas",
            "expected_relationship": "Kerja sama berlanjut",
        },
    )
    support.memo_approved(db, p, mid, now=day(0), memo_no="12/D-4/DM.00.00/12/2026")
    for kind, no in (
        ("surat_tugas", "B-45/Kemensetneg/D-4/DM.00.00/12/2026"),
        ("memo_keuangan", "13/D-4/DM.00.00/12/2026"),
    ):
        rec.record_document(
            db,
            p.analyst,
            mid,
            revision=rev(db, mid),
            document=rec.DocumentRecord(kind=kind, letter_no=no, signed_on=dt.date(2026, 12, 21)),
            today=dt.date(2026, 12, 21),
            now=day(0),
        )
    assert (
        move(db, p.analyst, mid, MonitoringAction.PREPARED, day(0, 11))
        is MonitoringState.COORDINATION
    )
    # Step 5: coordination
    rec.save_coordination(
        db,
        p.kabid,
        mid,
        revision=rev(db, mid),
        today=dt.date(2026, 12, 22),
        now=day(1),
        values={
            "letter_sent_on": dt.date(2026, 12, 22),
            "material_sent_on": dt.date(2026, 12, 22),
            "contact_name": "Budi Santoso",
            "contact_position": "Irjen",
        },
    )
    assert (
        move(db, p.kabid, mid, MonitoringAction.COORDINATED, day(1, 14))
        is MonitoringState.EXECUTION
    )
    # Step 6: the visit, an agreement, the results (one response obtained on the spot)
    rec.add_activity(
        db,
        p.analyst,
        mid,
        today=dt.date(2026, 12, 29),
        now=day(8),
        values={
            "kind": "rapat_koordinasi",
            "activity_date": dt.date(2026, 12, 29),
            "place": "Kantor Kemendagri",
            "participants": "Tim, Itjen",
        },
    )
    rec.add_agreement(
        db,
        p.analyst,
        mid,
        item="Itjen menjawab surat dalam 14 hari",
        responsible="Itjen Kemendagri",
        due_on=dt.date(2027, 1, 15),
        now=day(8),
    )
    with pytest.raises(Forbidden):
        move(
            db, p.analyst, mid, MonitoringAction.EXECUTED, day(8)
        )  # a letter still lacks its result
    first, second = letters
    rec.record_result(
        db,
        p.analyst,
        mid,
        forwarding_id=first,
        found=rec.ResultInput(
            result="ditindaklanjuti",
            evidence="Surat Itjen",
            recommendation=None,
            response=ResponseInput(
                letter_no="700/123/Itjen",
                response_date=dt.date(2026, 12, 29),
                status="selesai",
                summary="Diterima saat pemantauan",
            ),
        ),
        today=dt.date(2026, 12, 29),
        now=day(8),
    )
    rec.record_result(
        db,
        p.analyst,
        mid,
        forwarding_id=second,
        found=rec.ResultInput(result="belum", evidence=None, recommendation="Konfirmasi ulang"),
        today=dt.date(2026, 12, 29),
        now=day(8),
    )
    assert move(db, p.analyst, mid, MonitoringAction.EXECUTED, day(9)) is MonitoringState.REPORTING
    # Step 7: the report and the money
    rec.save_report(
        db,
        p.analyst,
        mid,
        revision=rev(db, mid),
        now=day(10),
        values={
            "introduction": "Pendahuluan",
            "conclusions": "Satu surat selesai",
            "recommendations": "Pantau surat kedua",
        },
    )
    rec.save_costs(
        db,
        p.analyst,
        mid,
        revision=rev(db, mid),
        now=day(10),
        rows=[
            {
                "item": "uang_harian",
                "user_id": p.kabid.id,
                "planned": 1_590_000,
                "actual": 1_590_000,
            },
            {"item": "transport", "user_id": p.kabid.id, "planned": 2_500_000, "actual": 2_350_500},
            {"item": "penginapan", "user_id": None, "planned": 1_600_000, "actual": 1_450_000},
        ],
    )
    assert mq.cost_totals(db.cursor(), mid) == {"planned": 5_690_000, "actual": 5_390_500}
    assert (
        move(db, p.analyst, mid, MonitoringAction.SUBMIT_REPORT, day(10, 15))
        is MonitoringState.SUBMISSION
    )
    # Step 8, two tracks: the Asdep receives the report whatever the money's stage, and
    # the money goes to the PPK through the BPP; the PPK's acceptance, last, closes it
    on = dt.date(2026, 12, 31)
    finance(db, p.kabid, mid, "submitted_on", on, day(10))
    with pytest.raises(Forbidden):
        finance(db, p.kabid, mid, "ppk_accepted_on", on, day(10))
    with pytest.raises(Forbidden):
        move(
            db, p.deputi, mid, MonitoringAction.ACKNOWLEDGE, day(11)
        )  # the Asdep's, for Kabid level
    assert move(db, p.asdep, mid, MonitoringAction.ACKNOWLEDGE, day(11)) is MonitoringState.ACCEPTED
    finance(db, p.bpp, mid, "bpp_received_on", on, day(11))
    assert mq.detail(db.cursor(), mid)["state"] == "accepted"
    finance(db, p.ppk, mid, "ppk_accepted_on", on, day(11, 14))
    assert mq.detail(db.cursor(), mid)["state"] == "closed"


def test_a_response_obtained_during_monitoring_leaves_the_unanswered_list(
    db, people, direct, letters
):
    p, mid = people, direct
    on = dt.date(2026, 11, 20)
    before = followup.kpis(db.cursor(), Filters(), TODAY)["unanswered"]
    rec.record_result(
        db,
        p.analyst,
        mid,
        forwarding_id=letters[0],
        found=rec.ResultInput(
            result="ditindaklanjuti",
            evidence=None,
            recommendation=None,
            response=ResponseInput("700/9/Itjen", response_date=on, status="selesai", summary=None),
        ),
        today=TODAY,
        now=START,
    )
    assert followup.kpis(db.cursor(), Filters(), TODAY)["unanswered"] == before - 1
    found = mq.letters(db.cursor(), mid, TODAY)
    assert list(found["answered"]) == [True, False]
    assert found["response_id"].notna().sum() == 1


def test_indirect_asdep_led_monitoring_closes_with_the_deputi(db, people, indirect, letters):
    p, mid = people, indirect
    rec.save_scope(
        db,
        p.asdep,
        mid,
        revision=rev(db, mid),
        now=day(0),
        values={"purpose": "Meminta informasi tindak lanjut"},
    )
    files_listed(db, p.asdep, mid, day(0))  # step 4 of every indirect monitoring
    assert move(db, p.asdep, mid, MonitoringAction.PREPARED, day(0)) is MonitoringState.COORDINATION
    rec.save_coordination(
        db,
        p.analyst,
        mid,
        revision=rev(db, mid),
        today=TODAY,
        now=day(1),
        values={"material_sent_on": TODAY, "contact_name": "Sekretariat"},
    )
    move(db, p.analyst, mid, MonitoringAction.COORDINATED, day(1))
    rec.record_document(
        db,
        p.analyst,
        mid,
        revision=rev(db, mid),
        document=rec.DocumentRecord(
            kind="surat_instansi",
            letter_no="B-77/Kemensetneg/D-4/DM.00.00/12/2026",
            signed_on=TODAY,
        ),
        today=TODAY,
        now=day(2),
    )
    for forwarding_id in letters:
        rec.record_result(
            db,
            p.analyst,
            mid,
            forwarding_id=forwarding_id,
            found=rec.ResultInput(result="sebagian", evidence=None, recommendation=None),
            today=TODAY,
            now=day(2),
        )
    move(db, p.analyst, mid, MonitoringAction.EXECUTED, day(2))
    with pytest.raises(Conflict):  # no money in an indirect monitoring
        rec.save_costs(db, p.analyst, mid, revision=rev(db, mid), now=day(3), rows=[])
    rec.save_report(
        db,
        p.analyst,
        mid,
        revision=rev(db, mid),
        now=day(3),
        values={"conclusions": "Sebagian", "recommendations": "Lanjutkan"},
    )
    move(db, p.analyst, mid, MonitoringAction.SUBMIT_REPORT, day(3))
    with pytest.raises(Forbidden) as refused:
        move(
            db, p.asdep, mid, MonitoringAction.ACKNOWLEDGE, day(3)
        )  # the Asdep led it: the Deputi's
    assert refused.value.messages[0].key == "error.not_the_receiver"
    assert move(db, p.deputi, mid, MonitoringAction.RETURN_REPORT, day(3), "Lengkapi analisis") is (
        MonitoringState.REPORTING
    )
    move(db, p.analyst, mid, MonitoringAction.SUBMIT_REPORT, day(4))
    assert move(db, p.deputi, mid, MonitoringAction.ACKNOWLEDGE, day(4)) is MonitoringState.CLOSED


def test_only_the_team_records_and_only_while_steps_4_to_7_run(db, people, direct):
    p, mid = people, direct
    for outsider in (p.kasubbid, p.ppk, p.deputi):
        with pytest.raises(Forbidden):
            rec.add_agreement(db, outsider, mid, item="x", responsible=None, due_on=None, now=START)
    with pytest.raises(ValidationError):
        rec.save_costs(
            db,
            p.analyst,
            mid,
            revision=rev(db, mid),
            now=START,
            rows=[{"item": "transport", "user_id": None, "planned": -5}],
        )
    with pytest.raises(ValidationError):
        rec.save_costs(
            db,
            p.analyst,
            mid,
            revision=rev(db, mid),
            now=START,
            rows=[{"item": "transport", "user_id": None, "planned": 10.5}],
        )


def test_a_document_number_is_recorded_once(db, people, direct):
    p, mid = people, direct
    support.memo_approved(db, p, mid, now=START)
    args = {"today": TODAY, "now": START}
    first = rec.DocumentRecord("surat_tugas", "B-1/Kemensetneg/D-4/DM.00.00/11/2026", TODAY)
    rec.record_document(db, p.analyst, mid, revision=rev(db, mid), document=first, **args)
    again = rec.DocumentRecord("surat_tugas", "B-2/X", TODAY)
    with pytest.raises(Conflict) as refused:
        rec.record_document(db, p.kabid, mid, revision=rev(db, mid), document=again, **args)
    assert refused.value.messages[0].key == "error.document_recorded"


def test_a_stale_screen_cannot_move_a_monitoring(db, people, indirect):
    p, mid = people, indirect
    seen = rev(db, mid)
    rec.save_scope(db, p.asdep, mid, revision=seen, now=START, values={"purpose": "A"})
    with pytest.raises(DomainError) as refused:
        rec.save_scope(db, p.analyst, mid, revision=seen, now=START, values={"purpose": "B"})
    assert refused.value.messages[0].key == "error.monitoring_changed"
    assert mq.records(db.cursor(), mid)["scope"]["purpose"] == "A"


def test_planned_costs_come_from_the_sbm_rates_of_the_year_and_locus(db, people, direct):
    p, mid = people, direct
    db.cursor().execute("INSERT INTO sbm_rate VALUES (2026, '31', 530000, 1490000)")
    with pytest.raises(ValidationError):
        rec.plan_costs_from_sbm(db, p.analyst, mid, revision=rev(db, mid), year=2027, now=START)
    lines = rec.plan_costs_from_sbm(db, p.analyst, mid, revision=rev(db, mid), year=2026, now=START)
    assert lines == 6  # 2 team members x (uang harian, penginapan, transport)
    # per person: 530.000 x 3 days + 1.490.000 x 2 nights + 2.500.000 transport
    assert mq.cost_totals(db.cursor(), mid)["planned"] == 2 * (1_590_000 + 2_980_000 + 2_500_000)


def test_checklist_counts_step_times_across_christmas(db, people, indirect):
    p, mid = people, indirect
    rec.save_scope(db, p.asdep, mid, revision=rev(db, mid), now=START, values={"purpose": "A"})
    files_listed(db, p.asdep, mid, START)
    # approved Monday 14 Dec 09:00; step 4 done on Wednesday 23 Dec
    move(
        db,
        p.asdep,
        mid,
        MonitoringAction.PREPARED,
        dt.datetime(2026, 12, 23, 10, tzinfo=config.TIMEZONE),
    )
    later = dt.datetime(2026, 12, 28, 11, tzinfo=config.TIMEZONE)
    step4, step5 = mq.checklist(db.cursor(), mid, later)
    assert step4.due == dt.datetime(2026, 12, 15, 9, tzinfo=config.TIMEZONE)
    assert step4.late == LateBy(working_days=6, minutes=0)
    # step 5 (1 working day) began Wednesday 23 Dec: 24-25 Dec are off, due Monday 28 10:00
    assert step5.due == dt.datetime(2026, 12, 28, 10, tzinfo=config.TIMEZONE)
    assert step5.late == LateBy(working_days=0, minutes=60)


def _inbox(db: Database, user: User, at: dt.datetime, kind: str = "monitoring") -> dict[int, bool]:
    from dumas.queries import inbox

    return {i.record_id: i.mine for i in inbox.inbox(db.cursor(), user, at)
            if i.kind == kind}  # fmt: skip


def test_the_inbox_shows_each_monitoring_to_whoever_must_act_next(db, people, direct):
    p, mid = people, direct
    at = START  # a week after the approval: step 4 (1 working day) is overdue
    assert _inbox(db, p.analyst, at) == {mid: True}  # on the team
    assert _inbox(db, p.kasubbid, at) == {}  # neither on the team nor watching
    assert _inbox(db, p.asdep, at) == {mid: False}  # overdue in the Asdep's area
    db.cursor().execute("UPDATE monitoring SET state = 'submission' WHERE id = $id", {"id": mid})
    spent(db, mid)
    on = dt.date(2026, 12, 21)
    finance(db, p.kabid, mid, "submitted_on", on, at)
    assert _inbox(db, p.bpp, at, "finance") == {mid: True}  # step 8b: the money's own item
    assert _inbox(db, p.ppk, at, "finance") == {}
    finance(db, p.bpp, mid, "bpp_received_on", on, at)
    money = (_inbox(db, p.bpp, at, "finance"), _inbox(db, p.ppk, at, "finance"))
    assert money == ({}, {mid: True})
    assert _inbox(db, p.asdep, at) == {mid: True}  # the receiver of a Kabid-level report


# Decisions from a stale screen: each carries the revision the screen showed.


def _audit_rows(db: Database) -> list[tuple]:
    return db.cursor().execute("SELECT * FROM audit_log ORDER BY id").fetchall()


def _old_value(db: Database, action: str) -> dict:
    sql = "SELECT old_value FROM audit_log WHERE action = $a ORDER BY id DESC LIMIT 1"
    return json.loads(db.cursor().execute(sql, {"a": action}).fetchone()[0])


def _submitted(db: Database, p: People, mid: int) -> int:
    """The Asdep-led letter monitoring, its substance report waiting for the Deputi."""
    db.cursor().execute("UPDATE monitoring SET state = 'reporting' WHERE id = $id", {"id": mid})
    report = {"conclusions": "Belum dijawab", "recommendations": "Surat kedua"}
    rec.save_report(db, p.analyst, mid, revision=rev(db, mid), now=day(9), values=report)
    move(db, p.analyst, mid, MonitoringAction.SUBMIT_REPORT, day(9, 11))
    return mid


def test_a_report_accepted_from_a_stale_screen_is_refused_with_who_and_when(db, people, indirect):
    p = people
    mid = _submitted(db, p, indirect)
    seen = rev(db, mid)  # the Deputi's screen: the report as first submitted
    move(db, p.deputi, mid, MonitoringAction.RETURN_REPORT, day(10), note="Lengkapi rekomendasi")
    rewritten = {"conclusions": "Belum dijawab", "recommendations": "Surat kedua dan kunjungan"}
    rec.save_report(db, p.analyst, mid, revision=rev(db, mid), now=day(10, 13), values=rewritten)
    move(db, p.analyst, mid, MonitoringAction.SUBMIT_REPORT, day(10, 14))
    audits = _audit_rows(db)
    with pytest.raises(Conflict) as refused:
        ms.act(db, p.deputi, mid, revision=seen, action=MonitoringAction.ACKNOWLEDGE, note=None,
               now=day(10, 15))  # fmt: skip
    assert refused.value.messages == [
        Message("error.monitoring_changed", {"who": p.analyst.full_name, "at": day(10, 14)})
    ]
    assert mq.detail(db.cursor(), mid)["state"] == "submission"
    assert _audit_rows(db) == audits
    fresh = rev(db, mid)
    assert (
        move(db, p.deputi, mid, MonitoringAction.ACKNOWLEDGE, day(10, 16)) is MonitoringState.CLOSED
    )
    assert _old_value(db, "monitoring.acknowledge") == {"state": "submission", "revision": fresh}


def test_two_receivers_accepting_one_report_at_once_close_it_once(db, people, indirect):
    import threading

    p = people
    mid = _submitted(db, p, indirect)
    seen, start, outcomes = rev(db, mid), threading.Barrier(2), []

    def accept() -> None:
        start.wait()
        try:
            ms.act(db, p.deputi, mid, revision=seen, action=MonitoringAction.ACKNOWLEDGE, note=None,
                   now=day(10))  # fmt: skip
            outcomes.append("closed")
        except DomainError as error:
            outcomes.append(error.messages[0].key)

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["closed", "error.monitoring_changed"]
    sql = "SELECT count(*) FROM audit_log WHERE action = 'monitoring.acknowledge'"
    assert db.cursor().execute(sql).fetchone()[0] == 1


def test_a_finance_stage_recorded_from_a_stale_screen_is_refused_with_who_and_when(
    db, people, direct
):
    p, mid = people, direct
    db.cursor().execute("UPDATE monitoring SET state = 'reporting' WHERE id = $id", {"id": mid})
    spent(db, mid)
    on = dt.date(2026, 12, 21)
    finance(db, p.kabid, mid, "submitted_on", on, day(0))
    seen = rev(db, mid)  # the BPP's screen
    lines = [{"item": "transport", "user_id": None, "planned": 1_000_000, "actual": 1_250_000}]
    rec.save_costs(db, p.kabid, mid, revision=seen, now=day(0, 11), rows=lines)
    audits = _audit_rows(db)
    with pytest.raises(Conflict) as refused:
        ms.record_finance(db, p.bpp, mid, revision=seen, stage="bpp_received_on", on=on,
                          today=on, now=day(0, 12))  # fmt: skip
    assert refused.value.messages == [
        Message("error.monitoring_changed", {"who": p.kabid.full_name, "at": day(0, 11)})
    ]
    assert mq.records(db.cursor(), mid)["finance"]["bpp_received_on"] is None
    assert _audit_rows(db) == audits
    fresh = rev(db, mid)
    finance(db, p.bpp, mid, "bpp_received_on", on, day(0, 13))
    assert mq.records(db.cursor(), mid)["finance"]["bpp_received_on"] == on
    assert _old_value(db, "monitoring.finance_bpp_received_on")["revision"] == fresh


def test_a_signed_document_recorded_from_a_stale_screen_is_refused_with_who_and_when(
    db, people, direct
):
    p, mid = people, direct
    seen = rev(db, mid)
    rec.save_scope(db, p.kabid, mid, revision=seen, now=START, values={"purpose": "A"})
    audits = _audit_rows(db)
    signed = {"document": rec.DocumentRecord("memo_deputi", "9/D-4/DM.00.00/12/2026", TODAY),
              "today": TODAY}  # fmt: skip
    with pytest.raises(Conflict) as refused:
        rec.record_document(db, p.analyst, mid, revision=seen, now=day(0, 11), **signed)
    assert refused.value.messages == [
        Message("error.monitoring_changed", {"who": p.kabid.full_name, "at": START})
    ]
    assert mq.records(db.cursor(), mid)["documents"].empty
    assert _audit_rows(db) == audits
    fresh = rev(db, mid)
    rec.record_document(db, p.analyst, mid, revision=fresh, now=day(0, 12), **signed)
    recorded = mq.records(db.cursor(), mid)["documents"]["letter_no"].tolist()
    assert recorded == ["9/D-4/DM.00.00/12/2026"]
    assert _old_value(db, "monitoring.document")["revision"] == fresh


def _result(db, who, mid, letter, result, seen, evidence=None):
    rec.record_result(
        db, who, mid, forwarding_id=letter, found=rec.ResultInput(result, evidence, None),
        today=TODAY, now=START, seen=seen,
    )  # fmt: skip


def test_a_letters_result_from_a_stale_screen_is_refused_with_who_and_when(
    db, people, direct, letters
):
    mid = direct  # the Kabid leads, the analyst is on it
    first, second = letters
    nothing = {"result": None, "evidence": None, "recommendation": None}
    _result(db, people.kabid, mid, first, "belum", nothing, evidence="Belum ada jawaban")
    with pytest.raises(Conflict) as refused:  # the analyst's screen still showed no result
        _result(db, people.analyst, mid, first, "ditindaklanjuti", nothing)
    (message,) = refused.value.messages
    assert message.key == "error.result_changed"
    assert message.params["who"] == people.kabid.full_name
    stored = "SELECT forwarding_id, result, evidence FROM monitoring_result ORDER BY 1"
    assert db.cursor().execute(stored).fetchall() == [(first, "belum", "Belum ada jawaban")]
    _result(db, people.analyst, mid, second, "belum", nothing)  # another letter: no clash
    shown = {"result": "belum", "evidence": "Belum ada jawaban", "recommendation": None}
    _result(db, people.analyst, mid, first, "ditindaklanjuti", shown)  # after a reload
    assert db.cursor().execute(stored).fetchall()[0] == (first, "ditindaklanjuti", None)


# The substance report's narrative (issue 15): paragraphs kept, long text allowed


def _report_lines(db: Database, mid: int) -> list[str]:
    from dumas.queries.settings import for_documents
    from dumas.render.documents import substance_report

    cur = db.cursor()
    data = substance_report(for_documents(cur), mq.document_data(cur, mid, TODAY), TODAY)
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_a_reports_narrative_keeps_its_paragraphs_and_its_length_into_the_draft(db, people, direct):
    p, mid = people, direct
    analysis = "\n".join(f"Paragraf {n}: " + ("temuan pemantauan " * 600).strip() for n in (1, 2))
    assert len(analysis) > 20_000
    values = {"execution": "  Hari pertama:   rapat koordinasi.\n\n\nHari kedua: klarifikasi.",
              "analysis": analysis}  # fmt: skip
    rec.save_report(db, p.analyst, mid, revision=rev(db, mid), now=START, values=values)
    stored = mq.records(db.cursor(), mid)["report"]
    assert stored["execution"] == "Hari pertama: rapat koordinasi.\n\nHari kedua: klarifikasi."
    assert stored["analysis"] == analysis
    lines = _report_lines(db, mid)
    assert "Hari pertama: rapat koordinasi." in lines and "Hari kedua: klarifikasi." in lines
    assert [x for x in lines if x.startswith("Paragraf ")] == stored["analysis"].splitlines()


def test_a_narrative_part_over_fifty_thousand_characters_is_refused_a_short_field_keeps_4000(
    db, people, direct
):
    p, mid = people, direct
    with pytest.raises(ValidationError) as refused:
        rec.save_report(db, p.analyst, mid, revision=rev(db, mid), now=START,
                        values={"analysis": "a" * (rec.MAX_NARRATIVE + 1)})  # fmt: skip
    assert refused.value.messages == [
        Message("error.too_long", {"max": rec.MAX_NARRATIVE}, "analysis")
    ]
    assert rec.MAX_NARRATIVE == 50_000
    with pytest.raises(ValidationError) as short:
        rec.save_scope(db, p.analyst, mid, revision=rev(db, mid), now=START,
                       values={"purpose": "a" * 4001})  # fmt: skip
    assert short.value.messages == [Message("error.too_long", {"max": 4000}, "purpose")]


def test_a_field_visit_starts_step_4_with_the_approved_rows_money_for_every_person(
    db, people, three_persons
):
    """Three persons approved in the matrix, two of them named on the team: step 4 holds
    planned lines for all three at the row's rates, their total the row's estimate, and
    the travel memo to the Kepala Biro Keuangan asks for exactly that estimate."""
    from dumas.queries.settings import for_documents
    from dumas.render.documents.common import rupiah
    from dumas.render.documents.travel import travel_request_memo

    mid = three_persons
    cur = db.cursor()
    estimate = int(mq.detail(cur, mid)["estimated_cost"])
    # 3 persons x (2.500.000 transport + 800.000 x 2 nights + 530.000 x 3 days)
    assert estimate == 3 * (2_500_000 + 1_600_000 + 1_590_000) == 17_070_000
    costs = mq.costs(cur, mid)
    assert len(costs) == 9  # 3 persons x (uang harian, penginapan, transport)
    named = costs["user_id"].dropna().astype(int)
    assert set(named) == {people.kabid.id, people.analyst.id}
    assert costs["user_id"].isna().sum() == 3  # the third person, not yet named
    assert mq.cost_totals(cur, mid)["planned"] == estimate
    logged = cur.execute(
        "SELECT new_value FROM audit_log WHERE action = 'monitoring.costs' AND entity_id = $m",
        {"m": str(mid)},
    ).fetchall()
    assert json.loads(logged[0][0])["planned"] == estimate
    memo = travel_request_memo(for_documents(cur), mq.document_data(cur, mid, TODAY), TODAY)
    read = docx.Document(io.BytesIO(memo))
    text = "\n".join(p.text for p in read.paragraphs)
    assert f"perkiraan biaya sebesar {rupiah(estimate)}." in text
    assert "sebesar Rp0" not in text
    assert [c.text for c in read.tables[-1].rows[-1].cells][-1] == rupiah(estimate)


def test_planning_from_the_sbm_counts_the_rows_persons_not_only_the_named_members(
    db, people, three_persons
):
    mid = three_persons
    db.cursor().execute("INSERT INTO sbm_rate VALUES (2026, '31', 530000, 1490000)")
    lines = rec.plan_costs_from_sbm(
        db, people.analyst, mid, revision=rev(db, mid), year=2026, now=START
    )
    assert lines == 9
    assert mq.cost_totals(db.cursor(), mid)["planned"] == 3 * (1_590_000 + 2_980_000 + 2_500_000)


def test_an_indirect_monitoring_starts_without_cost_lines(db, indirect):
    mid = indirect
    assert mq.costs(db.cursor(), mid).empty


def test_the_money_is_not_handed_to_the_bpp_while_an_actual_cost_is_missing(db, people, direct):
    p, mid = people, direct
    db.cursor().execute("UPDATE monitoring SET state = 'reporting' WHERE id = $id", {"id": mid})
    on = dt.date(2026, 12, 21)
    with pytest.raises(ValidationError) as refused:  # six planned lines, none spent yet
        finance(db, p.kabid, mid, "submitted_on", on, day(0))
    message = refused.value.messages[0]
    assert message.key == "error.finance_actuals_missing"
    assert message.params == {"count": 6, "rows": "1, 2, 3, 4, 5, 6"}
    db.cursor().execute(
        "UPDATE monitoring_cost SET actual = planned"
        " WHERE monitoring_id = $m AND item <> 'transport'",
        {"m": mid},
    )
    with pytest.raises(ValidationError) as refused:
        finance(db, p.kabid, mid, "submitted_on", on, day(0))
    assert refused.value.messages[0].params == {"count": 2, "rows": "5, 6"}
    assert ms.finance_done(db.cursor(), mid)["submitted_on"] is None
    rec.save_costs(db, p.kabid, mid, revision=rev(db, mid), now=day(0), rows=[])
    with pytest.raises(ValidationError) as refused:  # no lines at all: nothing to account for
        finance(db, p.kabid, mid, "submitted_on", on, day(0))
    assert refused.value.messages[0].key == "error.finance_no_costs"
    lines = [{"item": "transport", "user_id": None, "planned": 1_000_000, "actual": 950_000}]
    rec.save_costs(db, p.kabid, mid, revision=rev(db, mid), now=day(0), rows=lines)
    finance(db, p.kabid, mid, "submitted_on", on, day(0))
    assert ms.finance_done(db.cursor(), mid)["submitted_on"] == on


def test_results_of_many_letters_are_saved_together_or_not_at_all(db, people, direct, letters):
    p, mid = people, direct
    first, second = letters
    rows = [
        rec.ResultRow(first, rec.ResultInput("ditindaklanjuti", "BA rapat", "Tutup"), {}),
        rec.ResultRow(second, rec.ResultInput("tidak_dikenal", "Foto", None), {}),
    ]
    with pytest.raises(ValidationError) as refused:  # row 2 names an unknown result
        rec.record_results(db, p.analyst, mid, rows=rows, today=TODAY, now=START)
    assert [(m.key, m.params) for m in refused.value.messages] == [
        ("error.row_invalid_choice", {"row": 2})
    ]
    found = mq.letters(db.cursor(), mid, TODAY).set_index("forwarding_id")
    assert found["result"].isna().all()  # nothing half-written
    rows[1] = rec.ResultRow(second, rec.ResultInput("belum", "Foto", "Pantau"), {})
    assert rec.record_results(db, p.analyst, mid, rows=rows, today=TODAY, now=START) == 2
    found = mq.letters(db.cursor(), mid, TODAY).set_index("forwarding_id")
    assert found.loc[first, "result"] == "ditindaklanjuti"
    assert found.loc[second, "recommendation"] == "Pantau"
    events = mq.events(db.cursor(), mid)
    assert (events["action"] == "result").sum() == 2  # one history row per letter


def test_a_results_table_drawn_before_a_colleagues_save_is_refused_naming_the_row(
    db, people, direct, letters
):
    p, mid = people, direct
    first, second = letters
    rec.record_result(db, p.kabid, mid, forwarding_id=second, today=TODAY, now=START,
                      found=rec.ResultInput("belum", None, None))  # fmt: skip
    rows = [  # the analyst's table showed both letters without a result
        rec.ResultRow(first, rec.ResultInput("ditindaklanjuti", None, None), {}),
        rec.ResultRow(second, rec.ResultInput("ditindaklanjuti", None, None), {}),
    ]
    with pytest.raises(Conflict) as refused:
        rec.record_results(db, p.analyst, mid, rows=rows, today=TODAY, now=START)
    message = refused.value.messages[0]
    assert message.key == "error.row_result_changed"
    assert message.params["row"] == 2 and message.params["who"] == "Kabid Uji"
    found = mq.letters(db.cursor(), mid, TODAY).set_index("forwarding_id")
    assert pd.isna(found.loc[first, "result"])  # the first row rolled back with it
    assert found.loc[second, "result"] == "belum"
