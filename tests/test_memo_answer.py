"""The Deputi's direction and approval of a direct visit (SOP step 4a), by personas.

The memorandum from the Asdep to the Deputi asks for "arahan dan persetujuan": the Deputi
answers in the app (approve with a direction, or return with a note), or a team member
enters the written disposition with its date. The assignment letter and the travel
memorandum wait for the approval; a returned memo is revised under a new number and
asked again. An Asdep-led visit was approved by the Deputi in step 3, and that approval
answers its memo. Every call is a real service on a real DuckDB.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dumas import config
from dumas.db import Database
from dumas.domain.errors import Conflict, ValidationError
from dumas.domain.monitoring_flow import MonitoringAction, MonitoringState
from dumas.domain.permissions import Forbidden, User
from dumas.domain.plan_flow import PlanAction
from dumas.queries import inbox
from dumas.queries import memo_answer as memo_queries
from dumas.queries import monitoring as mq
from dumas.queries import plans as pq
from dumas.queries.memo_answer import MemoInboxItem
from dumas.services import memo_answer as answers
from dumas.services import monitoring as ms
from dumas.services import monitoring_records as rec
from dumas.services import plans
from tests import monitoring_support as support
from tests.conftest import TODAY, Factory, prebuilt
from tests.monitoring_support import People, people_of

NOW = dt.datetime.combine(TODAY, dt.time(10), config.TIMEZONE)
MEMO, REVISED = "31/D-4/DM.00.00/11/2026", "34/D-4/DM.00.00/11/2026"
ASSIGNMENT = "B-77/Kemensetneg/D-4/DM.00.00/11/2026"


@pytest.fixture
def people(db: Database) -> People:
    return people_of(db)


@pytest.fixture
def letters(make, kemendagri: int) -> list[int]:
    return [make.forward(make.complaint(province_code="31"), kemendagri, dt.date(2026, 3, 2))]


def _visit(db: Database) -> int:
    """One unanswered letter to Kemendagri (as `letters` writes it) in a Kabid-led field
    visit, approved by the Asdep in step 3 three days before NOW, its scope written at NOW."""
    make, p = Factory(db), people_of(db)
    kemendagri = make.agency("Kementerian Dalam Negeri")
    letters = [make.forward(make.complaint(province_code="31"), kemendagri, dt.date(2026, 3, 2))]
    mid = support.approved(db, p, letters, direct=True, now=NOW - dt.timedelta(days=3))
    rec.save_scope(db, p.analyst, mid, revision=rev(db, mid), now=NOW,
                   values={"purpose": "Klarifikasi", "partner": "Inspektorat Jenderal",
                           "mechanism": "Rapat koordinasi"})  # fmt: skip
    return mid


visit_prebuilt = prebuilt("memo-answer-visit", _visit)


@pytest.fixture
def visit(visit_prebuilt, db_path) -> int:
    """A Kabid-led field visit, approved by the Asdep in step 3, its scope written (_visit):
    the test's database is a copy of that world."""
    return visit_prebuilt[1]


def rev(db: Database, mid: int) -> int:
    return mq.detail(db.cursor(), mid)["revision"]


def record(db: Database, who: User, mid: int, kind: str, number: str) -> None:
    document = rec.DocumentRecord(kind, number, TODAY)
    rec.record_document(db, who, mid, revision=rev(db, mid), document=document, today=TODAY,
                        now=NOW)  # fmt: skip


def answer(db: Database, who: User, mid: int, outcome: str, note: str | None = None) -> None:
    answers.answer_memo(db, who, mid, revision=rev(db, mid), outcome=outcome, note=note, now=NOW)


def disposition(db: Database, who: User, mid: int, outcome: str, on: dt.date, note=None) -> None:
    answers.record_disposition(db, who, mid, revision=rev(db, mid), outcome=outcome, note=note,
                               answered_on=on, today=TODAY, now=NOW)  # fmt: skip


def refusal(error: pytest.ExceptionInfo) -> str:
    return error.value.messages[0].key


def audited(db: Database, action: str) -> tuple[str, dict]:
    sql = "SELECT actor, new_value FROM audit_log WHERE action = $a ORDER BY id DESC LIMIT 1"
    actor, new = db.cursor().execute(sql, {"a": action}).fetchone()
    return actor, json.loads(new)


def test_the_deputi_approves_with_a_direction_and_the_assignment_letter_can_then_be_recorded(
    db, people, visit
):
    p = people
    record(db, p.analyst, visit, "memo_deputi", MEMO)
    for kind in ("surat_tugas", "memo_keuangan"):
        with pytest.raises(Conflict) as held:
            record(db, p.analyst, visit, kind, ASSIGNMENT)
        assert refusal(held) == "error.memo_not_approved"
    answer(db, p.deputi, visit, "approved", "Utamakan surat tertua")
    record(db, p.analyst, visit, "surat_tugas", ASSIGNMENT)
    record(db, p.analyst, visit, "memo_keuangan", "32/D-4/DM.00.00/11/2026")
    found = memo_queries.current(db.cursor(), visit)
    assert (found.memo_no, found.outcome, found.via) == (MEMO, "approved", "app")
    assert (found.note, found.answered_on, found.answered_by) == (
        "Utamakan surat tertua", TODAY, p.deputi.full_name,
    )  # fmt: skip
    assert audited(db, "monitoring.memo_approved")[0] == p.deputi.username
    assert ms.act(db, p.analyst, visit, revision=rev(db, visit), action=MonitoringAction.PREPARED,
                  note=None, now=NOW) is MonitoringState.COORDINATION  # fmt: skip


def test_a_returned_memo_holds_the_letters_back_until_a_revised_memo_is_approved(db, people, visit):
    p = people
    record(db, p.analyst, visit, "memo_deputi", MEMO)
    with pytest.raises(ValidationError) as no_note:
        answer(db, p.deputi, visit, "returned")
    assert refusal(no_note) == "error.note_required"
    answer(db, p.deputi, visit, "returned", "Tambahkan mitra di pemerintah daerah")
    with pytest.raises(Conflict) as held:
        record(db, p.analyst, visit, "surat_tugas", ASSIGNMENT)
    assert refusal(held) == "error.memo_not_approved"
    with pytest.raises(Conflict) as again:  # the returned memo cannot be answered twice
        answer(db, p.deputi, visit, "approved")
    assert refusal(again) == "error.memo_answered"
    with pytest.raises(ValidationError) as same:
        record(db, p.analyst, visit, "memo_deputi", MEMO)
    assert refusal(same) == "error.memo_number_reused"
    record(db, p.analyst, visit, "memo_deputi", REVISED)  # revised: asked again
    assert memo_queries.current(db.cursor(), visit).outcome is None
    answer(db, p.deputi, visit, "approved")
    record(db, p.analyst, visit, "surat_tugas", ASSIGNMENT)
    history = memo_queries.history(db.cursor(), visit)
    assert history[["memo_no", "outcome"]].values.tolist() == [
        [MEMO, "returned"], [REVISED, "approved"],
    ]  # fmt: skip
    documents = mq.records(db.cursor(), visit)["documents"].set_index("kind")["letter_no"]
    assert documents["memo_deputi"] == REVISED


def test_a_team_member_enters_the_deputis_written_disposition_with_its_date(db, people, visit):
    p, given = people, dt.date(2026, 11, 25)
    record(db, p.analyst, visit, "memo_deputi", MEMO)
    with pytest.raises(ValidationError) as future:
        disposition(db, p.analyst, visit, "approved", TODAY + dt.timedelta(days=1))
    assert refusal(future) == "error.future_date"
    disposition(db, p.analyst, visit, "approved", given, "Setuju, laporkan hasilnya")
    found = memo_queries.current(db.cursor(), visit)
    assert (found.outcome, found.via, found.answered_on) == ("approved", "paper", given)
    assert (found.answered_by, found.entered_by) == (None, p.analyst.full_name)
    actor, details = audited(db, "monitoring.memo_paper_approved")
    assert (actor, details["entered_by"], details["answered_on"]) == (
        p.analyst.username, p.analyst.full_name, "2026-11-25",
    )  # fmt: skip
    record(db, p.kabid, visit, "surat_tugas", ASSIGNMENT)


def test_a_written_disposition_may_return_the_memo_too(db, people, visit):
    p = people
    record(db, p.analyst, visit, "memo_deputi", MEMO)
    with pytest.raises(ValidationError):
        disposition(db, p.kabid, visit, "returned", TODAY)  # a return needs its note
    disposition(db, p.kabid, visit, "returned", TODAY, "Jadwal terlalu dekat")
    with pytest.raises(Conflict) as held:
        record(db, p.analyst, visit, "surat_tugas", ASSIGNMENT)
    assert refusal(held) == "error.memo_not_approved"


def test_only_the_deputi_answers_in_the_app_and_only_the_team_enters_a_disposition(
    db, people, visit
):
    p = people
    with pytest.raises(Conflict) as early:
        answer(db, p.deputi, visit, "approved")
    assert refusal(early) == "error.memo_not_recorded"
    record(db, p.analyst, visit, "memo_deputi", MEMO)
    for someone in (p.analyst, p.kasubbid, p.kabid, p.asdep, p.ppk, p.bpp):
        with pytest.raises(Forbidden) as refused:
            answer(db, someone, visit, "approved")
        assert refusal(refused) == "error.forbidden", someone.username
    outsiders = ((p.deputi, "error.forbidden"), (p.kasubbid, "error.not_on_team"),
                 (p.asdep, "error.not_on_team"), (p.ppk, "error.forbidden"))  # fmt: skip
    for outsider, reason in outsiders:
        with pytest.raises(Forbidden) as refused:
            disposition(db, outsider, visit, "approved", TODAY)
        assert refusal(refused) == reason, outsider.username
    assert memo_queries.history(db.cursor(), visit).empty


def test_an_indirect_monitoring_has_no_memo_to_answer(db, people, letters):
    mid = support.approved(db, people, letters, direct=False, now=NOW - dt.timedelta(days=3))
    with pytest.raises(Conflict) as refused:
        answer(db, people.deputi, mid, "approved")
    assert refusal(refused) == "error.memo_direct_only"


def test_the_deputis_inbox_shows_the_memo_awaiting_their_answer_with_its_items(db, people, visit):
    p = people

    def waiting() -> list[MemoInboxItem]:
        items = inbox.inbox(db.cursor(), p.deputi, NOW)
        return [i for i in items if i.kind == "monitoring" and i.record_id == visit and i.mine]

    assert waiting() == []  # no memo recorded yet
    record(db, p.analyst, visit, "memo_deputi", MEMO)
    (item,) = waiting()
    assert isinstance(item, MemoInboxItem)
    assert item.memo["memo_no"] == MEMO
    assert (item.memo["purpose"], item.memo["partner"], item.memo["letters"]) == (
        "Klarifikasi", "Inspektorat Jenderal", 1,
    )  # fmt: skip
    asdep_items = inbox.inbox(db.cursor(), p.asdep, NOW)
    assert not any(isinstance(i, MemoInboxItem) for i in asdep_items)
    answer(db, p.deputi, visit, "approved")
    assert waiting() == []


def _asdep_led_visit(db: Database, p: People, letters: list[int], direction: str) -> int:
    """A field visit led by the Asdep: the Deputi approves its plan row in step 3."""
    at = NOW - dt.timedelta(days=2)
    plan_id = plans.create_plan(db, p.analyst, title="Uji", period="2026-11",
                                source="database", bidang="Bidang Uji", now=at)  # fmt: skip
    plans.add_letters(db, p.analyst, plan_id, revision=1, forwarding_ids=letters, now=at)
    row_id = int(pq.matrix(db.cursor(), plan_id, TODAY)["row_id"][0])
    values = {"method": "kunjungan_lapangan", "level": "asdep", "persons": 2, "days": 3,
              "team_lead": p.asdep.id, "team": [p.analyst.id]}  # fmt: skip
    plans.save_rows(db, p.analyst, plan_id, revision=pq.plan(db.cursor(), plan_id)["revision"],
                    added=[], deleted=[], updated={row_id: values}, now=at)  # fmt: skip
    for who, action, note in ((p.analyst, PlanAction.SUBMIT, None),
                              (p.kasubbid, PlanAction.FORWARD, None),
                              (p.kabid, PlanAction.PROPOSE, None),
                              (p.asdep, PlanAction.APPROVE, None),
                              (p.deputi, PlanAction.APPROVE, direction)):  # fmt: skip
        plans.act(db, who, plan_id, revision=pq.plan(db.cursor(), plan_id)["revision"],
                  action=action, note=note, now=at)  # fmt: skip
    return int(pq.monitorings(db.cursor(), plan_id)["id"][0])


def test_an_asdep_led_visits_memo_is_approved_by_the_deputis_step_3_decision(db, people, letters):
    p, direction = people, "Koordinasikan dengan gubernur"
    mid = _asdep_led_visit(db, p, letters, direction)
    with pytest.raises(Conflict):  # the memo itself is still recorded first
        record(db, p.analyst, mid, "surat_tugas", ASSIGNMENT)
    record(db, p.analyst, mid, "memo_deputi", MEMO)
    found = memo_queries.current(db.cursor(), mid)
    approved_on = (NOW - dt.timedelta(days=2)).date()
    assert (found.outcome, found.via, found.answered_on) == ("approved", "plan", approved_on)
    assert (found.answered_by, found.note) == (p.deputi.full_name, direction)
    assert found.entered_by == p.analyst.full_name
    events = mq.events(db.cursor(), mid)["action"].tolist()
    assert events[-2:] == ["document", "memo_approved_in_plan"]
    record(db, p.analyst, mid, "surat_tugas", ASSIGNMENT)  # no second approval asked
    with pytest.raises(Conflict) as twice:
        answer(db, p.deputi, mid, "approved")
    assert refusal(twice) == "error.memo_answered"
    assert not any(isinstance(i, MemoInboxItem) for i in inbox.inbox(db.cursor(), p.deputi, NOW))
