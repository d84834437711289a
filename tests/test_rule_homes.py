"""Every role against every control the plan and monitoring pages offer: the service
accepts what the page offers, and the page hides what the service refuses.

One database is built per module with a plan in each state (and a plan of another
source) and monitorings through steps 4-8. Each role's page is drawn once per record
(AppTest, one session per role), and every service the page could call is called for
that role in a dry run (its transaction rolled back), so every call sees the same data.
A Kasubbid and a Kabid of another Bidang take part: the rules also hold across Bidang.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dumas import config
from dumas.db import Database, Rollback, connect
from dumas.domain import monitoring_flow as flow
from dumas.domain import plan_flow
from dumas.domain.errors import DomainError
from dumas.domain.monitoring_flow import MonitoringAction, MonitoringState
from dumas.domain.permissions import Role, User
from dumas.domain.plan_flow import PlanAction, PlanState
from dumas.queries import monitoring as mq
from dumas.queries import plans as pq
from dumas.services import auth, memo_answer, plans, users
from dumas.services import monitoring as ms
from dumas.services import monitoring_records as rec
from tests import monitoring_support as support
from tests.conftest import (
    PASSWORD,
    TODAY,
    Factory,
    app_reading,
    built_on_template,
    open_page,
    username,
)
from tests.monitoring_support import People, people_of

NOW = dt.datetime.combine(TODAY, dt.time(10), config.TIMEZONE)
BIDANG, OTHER = "Bidang Uji", "Bidang Lain"
PLAN_PATH = [(Role.ANALIS, PlanAction.SUBMIT), (Role.KASUBBID, PlanAction.FORWARD),
             (Role.KABID, PlanAction.PROPOSE), (Role.ASDEP, PlanAction.APPROVE),
             (Role.DEPUTI, PlanAction.APPROVE)]  # fmt: skip
# The accounts the pages are drawn for: one per role, and the other Bidang's two.
STAFF = (Role.ANALIS, Role.KASUBBID, Role.KABID, Role.ASDEP, Role.DEPUTI)
PLAN_ACCOUNTS = (*(username(r) for r in STAFF), "kasubbid.lain", "kabid.lain")
MONITORING_ACCOUNTS = tuple(username(r) for r in (*STAFF, Role.PPK, Role.BPP))


class DryRun(Database):
    """The database with every service transaction rolled back once its checks passed."""

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with super().transaction() as cur:
            yield cur
            raise Rollback  # accepted: undone, so the next call sees the same data


@dataclass(frozen=True)
class World:
    path: Path
    users: dict[str, User]
    plans: dict[str, int]
    monitorings: dict[str, int]
    spare_letter: int  # a letter in no plan, for the "add letters" control


@pytest.fixture(scope="module")
def world(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> World:
    """Built once per run (conftest.built_once); this worker reads its own copy."""
    path, built = built_on_template(tmp_path_factory, "rules", template_db, _build)
    return dataclasses.replace(built, path=path)


def _build(db: Database, path: Path) -> World:
    p, make = people_of(db), Factory(db)
    admin = auth.load_user(db.cursor(), _uid(db, username(Role.ADMIN)))
    for role in (Role.KASUBBID, Role.KABID):
        users.create_user(db, admin, username=f"{role.value}.lain", full_name=f"{role.name} Lain",
                          password=PASSWORD, roles=[role.value], bidang=OTHER)  # fmt: skip
    kemendagri = make.agency("Kementerian Dalam Negeri")
    bpn = make.agency("Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional")
    k1, k2, b1, spare = (
        make.forward(make.complaint(), agency, dt.date(2026, month, 2))
        for agency, month in ((kemendagri, 3), (kemendagri, 4), (bpn, 5), (bpn, 6))
    )
    steps = {"draft": 0, "submitted": 1, "discussion": 2, "proposed": 3, "awaiting": 4,
             "decided": 5}  # fmt: skip
    made = {name: _plan(db, p, [k1, b1], bpn, n) for name, n in steps.items()}
    made["work_programme"] = _plan(db, p, [], bpn, 0)
    monitorings = {
        "direct_preparation": _monitoring(db, p, [k1, k2], True, []),
        "direct_memo_waiting": _monitoring(db, p, [k1, k2], True, ["memo"]),
        "direct_memo_returned": _monitoring(db, p, [k1, k2], True, ["memo", "memo_returned"]),
        "direct_memo_approved": _monitoring(db, p, [k1, k2], True, ["memo", "memo_approved"]),
        "direct_reporting": _monitoring(db, p, [k1, k2], True, ["prepare", "coordinate",
                                                                 "execute", "write"]),
        "direct_submission": _monitoring(db, p, [k1, k2], True, [*_TO_SUBMISSION]),
        "direct_bpp_received": _monitoring(db, p, [k1, k2], True, [*_TO_SUBMISSION, "submit_fin",
                                                                    "bpp"]),
        "direct_closed": _monitoring(db, p, [k1, k2], True, [*_TO_SUBMISSION, "submit_fin",
                                                              "bpp", "ppk", "acknowledge"]),
        # step 8's two tracks: the report accepted while the money is open, then closed
        "direct_accepted": _monitoring(db, p, [k1, k2], True, [*_TO_SUBMISSION, "acknowledge"]),
        "direct_accepted_bpp": _monitoring(db, p, [k1, k2], True, [*_TO_SUBMISSION,
                                           "acknowledge", "submit_fin", "bpp"]),
        "direct_closed_by_ppk": _monitoring(db, p, [k1, k2], True, [*_TO_SUBMISSION,
                                            "acknowledge", "submit_fin", "bpp", "ppk"]),
        "direct_returned_paid": _monitoring(db, p, [k1, k2], True, [*_TO_SUBMISSION,
                                            "submit_fin", "return", "bpp", "ppk"]),
        "indirect_preparation": _monitoring(db, p, [k1, k2], False, []),
        "indirect_execution": _monitoring(db, p, [k1, k2], False, ["prepare", "coordinate"]),
        "indirect_submission": _monitoring(db, p, [k1, k2], False, [*_TO_SUBMISSION]),
    }  # fmt: skip
    cur = db.cursor()
    accounts = {*PLAN_ACCOUNTS, *MONITORING_ACCOUNTS}
    people = {name: auth.load_user(cur, _uid(db, name)) for name in accounts}
    return World(path, people, made, monitorings, spare)


def _uid(db: Database, name: str) -> int:
    cur = db.cursor()
    return cur.execute("SELECT id FROM app_user WHERE username = $u", {"u": name}).fetchone()[0]


def _plan(db: Database, p: People, letters: list[int], bpn: int, steps: int) -> int:
    """A plan of Bidang Uji whose rows are ready, taken `steps` steps along PLAN_PATH: a
    Kabid-level row and an Asdep-led one (or one work-programme row when no letters)."""
    source = "database" if letters else "work_programme"
    plan_id = plans.create_plan(db, p.analyst, title=f"Uji {steps}", period="2026",
                                source=source, bidang=BIDANG, now=NOW)  # fmt: skip
    kabid_row = {"method": "surat_resmi", "level": "kabid", "team_lead": p.kabid.id}
    added, updated = [], {}
    if letters:
        plans.add_letters(db, p.analyst, plan_id, revision=_rev(db, plan_id),
                          forwarding_ids=letters, now=NOW)  # fmt: skip
        first, second = (int(r) for r in pq.matrix(db.cursor(), plan_id, TODAY)["row_id"])
        asdep_row = {"method": "surat_resmi", "level": "asdep", "team_lead": p.asdep.id}
        updated = {first: kabid_row, second: asdep_row}
    else:
        added = [{**kabid_row, "agency_id": bpn, "origin_reason": "Program kerja"}]
    plans.save_rows(db, p.analyst, plan_id, revision=_rev(db, plan_id), updated=updated,
                    added=added, deleted=[], now=NOW)  # fmt: skip
    by_role = {
        Role.ANALIS: p.analyst, Role.KASUBBID: p.kasubbid, Role.KABID: p.kabid,
        Role.ASDEP: p.asdep, Role.DEPUTI: p.deputi,
    }  # fmt: skip
    for role, action in PLAN_PATH[:steps]:
        plans.act(db, by_role[role], plan_id, revision=_rev(db, plan_id), action=action,
                  note="ok", now=NOW)  # fmt: skip
    return plan_id


def _rev(db: Database, plan_id: int) -> int:
    return pq.plan(db.cursor(), plan_id)["revision"]


def _mrev(db: Database, mid: int) -> int:
    return mq.detail(db.cursor(), mid)["revision"]


_TO_SUBMISSION = ("prepare", "coordinate", "execute", "write", "submit_report")


def _monitoring(db: Database, p: People, letters: list[int], direct: bool, steps: list[str]) -> int:
    """An approved monitoring (the analyst on its team) taken through the named steps."""
    mid = support.approved(db, p, letters, direct=direct, now=NOW)
    for step in steps:
        _STEPS[step](db, p, mid, letters, direct)
    return mid


def _prepare(db: Database, p: People, mid: int, letters: list[int], direct: bool) -> None:
    rec.save_scope(db, p.analyst, mid, revision=_mrev(db, mid), now=NOW,
                   values={"purpose": "Klarifikasi", "partner": "Itjen",
                           "mechanism": "Rapat"})  # fmt: skip
    for kind in ("memo_deputi", "surat_tugas", "memo_keuangan") if direct else ("daftar_berkas",):
        rec.record_document(db, p.analyst, mid, revision=_mrev(db, mid),
                            document=rec.DocumentRecord(kind, f"B-1/{kind}", TODAY), today=TODAY,
                            now=NOW)  # fmt: skip
        if kind == "memo_deputi":
            _memo_answer("approved")(db, p, mid, letters, direct)
    _move(db, p.analyst, mid, MonitoringAction.PREPARED)


def _memo(db: Database, p: People, mid: int, letters: list[int], direct: bool) -> None:
    """Step 4a: the scope and the memo to the Deputi recorded; the answer not yet given."""
    rec.save_scope(
        db,
        p.analyst,
        mid,
        revision=_mrev(db, mid),
        now=NOW,
        values={"purpose": "Klarifikasi", "partner": "Itjen", "mechanism": "Rapat"},
    )
    rec.record_document(
        db,
        p.analyst,
        mid,
        revision=_mrev(db, mid),
        today=TODAY,
        now=NOW,
        document=rec.DocumentRecord("memo_deputi", "B-1/memo_deputi", TODAY),
    )


def _memo_answer(outcome: str) -> Callable[..., None]:
    def answer(db: Database, p: People, mid: int, letters: list[int], direct: bool) -> None:
        memo_answer.answer_memo(db, p.deputi, mid, revision=_mrev(db, mid), outcome=outcome,
                                note="Catatan Deputi", now=NOW)  # fmt: skip

    return answer


def _coordinate(db: Database, p: People, mid: int, letters: list[int], direct: bool) -> None:
    rec.save_coordination(db, p.analyst, mid, revision=_mrev(db, mid), today=TODAY, now=NOW,
                          values={"letter_sent_on": TODAY, "material_sent_on": TODAY,
                                  "contact_name": "Budi"})  # fmt: skip
    _move(db, p.analyst, mid, MonitoringAction.COORDINATED)


def _execute(db: Database, p: People, mid: int, letters: list[int], direct: bool) -> None:
    rec.add_activity(db, p.analyst, mid, today=TODAY, now=NOW,
                     values=_ACTIVITY if direct else _CONTACT)  # fmt: skip
    for forwarding_id in letters:
        rec.record_result(db, p.analyst, mid, forwarding_id=forwarding_id,
                          found=rec.ResultInput("belum", None, None), today=TODAY,
                          now=NOW)  # fmt: skip
    _move(db, p.analyst, mid, MonitoringAction.EXECUTED)


_ACTIVITY = {"kind": "rapat_koordinasi", "activity_date": TODAY}
_CONTACT = {"kind": "kontak_elektronik", "activity_date": TODAY, "channel": "Telepon",
            "participants": "Sekretariat Itjen"}  # fmt: skip


def _write(db: Database, p: People, mid: int, letters: list[int], direct: bool) -> None:
    rec.save_report(db, p.analyst, mid, revision=_mrev(db, mid), now=NOW,
                    values={"conclusions": "Selesai", "recommendations": "Pantau"})  # fmt: skip
    if direct:
        rec.save_costs(db, p.analyst, mid, revision=_mrev(db, mid), now=NOW,
                       rows=[{"item": "transport", "user_id": None, "planned": 100,
                              "actual": 100}])  # fmt: skip


def _finance(who: str, stage: str) -> Callable[..., None]:
    def record(db: Database, p: People, mid: int, letters: list[int], direct: bool) -> None:
        ms.record_finance(db, getattr(p, who), mid, revision=_mrev(db, mid), stage=stage,
                          on=TODAY, today=TODAY, now=NOW)  # fmt: skip

    return record


def _acknowledge(db: Database, p: People, mid: int, letters: list[int], direct: bool) -> None:
    _move(db, p.asdep if direct else p.deputi, mid, MonitoringAction.ACKNOWLEDGE)


def _return(db: Database, p: People, mid: int, letters: list[int], direct: bool) -> None:
    _move(db, p.asdep if direct else p.deputi, mid, MonitoringAction.RETURN_REPORT)


def _move(db: Database, who: User, mid: int, action: MonitoringAction) -> None:
    ms.act(db, who, mid, revision=_mrev(db, mid), action=action, note="ok", now=NOW)


_STEPS = {
    "prepare": _prepare,
    "coordinate": _coordinate,
    "execute": _execute,
    "write": _write,
    "submit_report": lambda db, p, mid, letters, direct: _move(db, p.analyst, mid,
                                                               MonitoringAction.SUBMIT_REPORT),
    "submit_fin": _finance("analyst", "submitted_on"),
    "bpp": _finance("bpp", "bpp_received_on"),
    "ppk": _finance("ppk", "ppk_accepted_on"),
    "acknowledge": _acknowledge,
    "memo": _memo,
    "memo_approved": _memo_answer("approved"),
    "memo_returned": _memo_answer("returned"),
    "return": _return,
}  # fmt: skip


@pytest.fixture(scope="module")
def rules_env(world: World) -> Iterator[None]:
    """For AppTest: the app reads this module's database (conftest.app_reading)."""
    with pytest.MonkeyPatch.context() as patch, app_reading(world.path, patch):
        yield


@pytest.fixture(scope="module")
def dry(world: World, rules_env: None) -> Iterator[DryRun]:
    db = connect(world.path)
    try:
        yield DryRun(path=db.path, con=db.con)
    finally:
        db.close()


def _signed_in(name: str, page: str, **query: str) -> AppTest:
    """An AppTest of app.py signed in as this account, on this page."""
    return open_page(name, page, **query)


def _controls(at: AppTest) -> set[str]:
    """The keys of the buttons and inputs the page draws now."""
    assert not at.exception, at.exception
    widgets = [*at.button, *at.selectbox, *at.text_input]
    return {str(w.key) for w in widgets if w.key}


def _accepts(call: Callable[[], object]) -> bool:
    """Whether the service accepts the call (its rules pass; nothing is kept)."""
    try:
        result = call()
    except DomainError:
        return False
    return result != 0  # remove_letters: 0 letters taken out is no removal


# The plan page


@pytest.mark.parametrize("account", PLAN_ACCOUNTS)
def test_the_plan_page_offers_exactly_what_the_plan_services_accept(world, dry, account):
    user = world.users[account]
    at = None
    for name, plan_id in world.plans.items():
        shown: set[str] = set()
        for view in ("matrix", "letters", "add"):
            if at is None:
                at = _signed_in(account, "pages/plans.py", plan=str(plan_id), plan_view=view)
            else:
                at.query_params["plan"] = str(plan_id)
                at.segmented_control(key="plan_view").set_value(view).run()
            shown |= _controls(at)
        calls = _plan_calls(dry, world, plan_id, user)
        offered = {control: control in shown for control in calls}
        accepted = {control: _accepts(call) for control, call in calls.items()}
        assert offered == accepted, (account, name)


def _plan_calls(
    dry: DryRun, world: World, plan_id: int, user: User
) -> dict[str, Callable[[], object]]:
    """Each control of the plan page (by widget key) and the service call it makes."""
    revision = _rev(dry, plan_id)
    matrix = pq.matrix(dry.cursor(), plan_id, TODAY)
    open_rows = [int(r) for r in matrix.loc[matrix["status"] == "pending", "row_id"]]
    letters = pq.row_letters(dry.cursor(), plan_id, TODAY)
    common = {"revision": revision, "now": NOW}

    def act(action: PlanAction) -> Callable[[], object]:
        waiting = matrix[matrix["status"].isin(["pending", "awaiting_deputi"])]
        choices = dict.fromkeys((int(r) for r in waiting["row_id"]), "approve")
        return lambda: plans.act(dry, user, plan_id, action=action, note="Catatan", choices=choices,
                                 **common)  # fmt: skip

    def save(**change: object) -> Callable[[], object]:
        values = {"updated": {}, "added": [], "deleted": [], **change}
        return lambda: plans.save_rows(dry, user, plan_id, **values, **common)

    def remove(row_id: int) -> Callable[[], object]:
        own = [int(f) for f in letters.loc[letters["row_id"] == row_id, "forwarding_id"]]
        return lambda: plans.remove_letters(dry, user, plan_id, forwarding_ids=own, **common)

    programme_row = {"agency_id": int(matrix["agency_id"][0]), "origin_reason": "Program kerja",
                     "method": "surat_resmi", "level": "kabid"}  # fmt: skip
    calls = {f"act_{action.value}": act(action) for action in PlanAction}
    calls |= {
        "add_note": lambda: plans.comment(dry, user, plan_id, note="Catatan", now=NOW),
        "save_matrix": save(),
        "wp_reason": save(added=[programme_row]),
        "add_all": lambda: plans.add_letters(dry, user, plan_id,
                                             forwarding_ids=[world.spare_letter], **common),
        **{f"remove_btn_{r}": remove(r) for r in set(map(int, letters["row_id"]))},
    }  # fmt: skip
    if open_rows:
        calls["bulk_method"] = save(updated={r: {"priority": "sedang"} for r in open_rows})
    return calls


# The monitoring page: the moves, the records of the step's own view, the accountability


@pytest.mark.parametrize("account", MONITORING_ACCOUNTS)
def test_the_monitoring_page_offers_exactly_what_the_monitoring_services_accept(
    world, dry, account
):
    user = world.users[account]
    at = None
    for name, mid in world.monitorings.items():
        seen = mq.detail(dry.cursor(), mid)
        view = _VIEW_OF.get(MonitoringState(seen["state"]), "report")
        if at is None:
            at = _signed_in(account, "pages/monitorings.py", id=str(mid), monitoring_view=view)
        else:
            at.query_params["id"] = str(mid)
            at.segmented_control(key="monitoring_view").set_value(view).run()
        shown = _controls(at)
        calls = _monitoring_calls(dry, seen, user, view)
        offered = {control: control in shown for control in calls}
        accepted = {control: _accepts(call) for control, call in calls.items()}
        assert offered == accepted, (account, name)


def _one_result(dry: DryRun, mid: int) -> list[rec.ResultRow]:
    """The results table saving one letter of the monitoring (what its button sends)."""
    first = int(mq.letters(dry.cursor(), mid, TODAY)["forwarding_id"][0])
    return [rec.ResultRow(first, rec.ResultInput("belum", None, None))]


_VIEW_OF = {MonitoringState.PREPARATION: "preparation",
            MonitoringState.COORDINATION: "coordination",
            MonitoringState.EXECUTION: "execution"}  # fmt: skip


def _monitoring_calls(
    dry: DryRun, seen: mq.MonitoringRow, user: User, view: str
) -> dict[str, Callable[[], object]]:
    """Each control of the view (by widget key) and the service call it makes, on the
    monitoring as the page was drawn (`seen`: its detail row; the dry runs change nothing)."""
    mid, revision = seen["id"], seen["revision"]

    def move(action: MonitoringAction) -> Callable[[], object]:
        return lambda: ms.act(dry, user, mid, revision=revision, action=action,
                                  note="Catatan", now=NOW)  # fmt: skip

    def finance(stage: str) -> Callable[[], object]:
        return lambda: ms.record_finance(dry, user, mid, revision=revision, stage=stage,
                                         on=TODAY, today=TODAY, now=NOW)  # fmt: skip

    direct = seen["method"] == "kunjungan_lapangan"

    def document(kind: str) -> Callable[[], object]:
        signed = rec.DocumentRecord(kind, f"B-99/{kind}", TODAY)
        return lambda: rec.record_document(dry, user, mid, revision=revision, document=signed,
                                           today=TODAY, now=NOW)  # fmt: skip

    def answer(outcome: str) -> Callable[[], object]:
        given = {"outcome": outcome, "note": "Catatan", "now": NOW}
        return lambda: memo_answer.answer_memo(dry, user, mid, revision=revision, **given)

    memo = {  # the Deputi's answer, the team's written disposition, the documents it holds back
        "memo_approved": answer("approved"),
        "memo_returned": answer("returned"),
        "memo_paper_save": lambda: memo_answer.record_disposition(
            dry, user, mid, revision=revision, outcome="approved", note=None, answered_on=TODAY,
            today=TODAY, now=NOW),
        **({f"doc_{kind}_save": document(kind)
            for kind in ("memo_deputi", "surat_tugas", "memo_keuangan")} if direct else {}),
    }  # fmt: skip
    costs = ({"costs_save": lambda: rec.save_costs(dry, user, mid, revision=revision, rows=[],
                                                   now=NOW)}
             if direct else {})  # fmt: skip
    records = {
        "preparation": {"scope_save": lambda: rec.save_scope(
            dry, user, mid, revision=revision, values={"purpose": "Uji"}, now=NOW),
            "doc_daftar_berkas_save": document("daftar_berkas"), **memo, **costs},
        "execution": {"contact_save": lambda: rec.add_activity(
            dry, user, mid, values=_CONTACT, today=TODAY, now=NOW),
            "results_save": lambda: rec.record_results(dry, user, mid, rows=_one_result(dry, mid),
                                                       today=TODAY, now=NOW),
            "doc_surat_instansi_save": document("surat_instansi")},
        "report": {
            "report_save": lambda: rec.save_report(
                dry, user, mid, revision=revision, values={"conclusions": "Uji"}, now=NOW),
            **({"costs_save": lambda: rec.save_costs(dry, user, mid, revision=revision, rows=[],
                                                     now=NOW)}
               if direct else {}),
            **{f"fin_{stage}": finance(stage)
               for stage in ("submitted_on", "bpp_received_on", "ppk_accepted_on")},
        },
    }  # fmt: skip
    return {f"mact_{action.value}": move(action) for action in MonitoringAction} | records.get(
        view, {}
    )


# The rules themselves, on plain data


def _person(role: Role, bidang: str | None = None, uid: int = 7) -> User:
    return User(uid, role.value, role.value, frozenset({role}), bidang)


def test_a_kasubbid_of_another_bidang_may_neither_edit_nor_comment_on_a_plan():
    own, other = _person(Role.KASUBBID, BIDANG), _person(Role.KASUBBID, OTHER)
    assert plan_flow.may_edit(own, PlanState.SUBMITTED, BIDANG)
    assert plan_flow.may_comment(own, PlanState.SUBMITTED, BIDANG)
    assert not plan_flow.may_edit(other, PlanState.SUBMITTED, BIDANG)
    assert not plan_flow.may_comment(other, PlanState.SUBMITTED, BIDANG)
    assert plan_flow.may_comment(other, PlanState.SUBMITTED, None)  # a plan of every Bidang


def test_letters_are_added_only_to_a_plan_from_the_database_review():
    analyst = _person(Role.ANALIS)
    assert plan_flow.may_add_letters(analyst, PlanState.DRAFT, BIDANG, "database")
    assert not plan_flow.may_add_letters(analyst, PlanState.DRAFT, BIDANG, "work_programme")
    assert not plan_flow.may_add_letters(analyst, PlanState.SUBMITTED, BIDANG, "database")


def test_the_asdep_watches_every_plan_and_a_kabid_those_of_their_bidang():
    assert plan_flow.watches(_person(Role.ASDEP), OTHER)
    assert plan_flow.watches(_person(Role.KABID, BIDANG), BIDANG)
    assert not plan_flow.watches(_person(Role.KABID, BIDANG), OTHER)
    assert not plan_flow.watches(_person(Role.KASUBBID, BIDANG), BIDANG)


def test_the_money_goes_from_the_team_to_the_bpp_to_the_ppk_in_that_order():
    member, bpp, ppk = _person(Role.ANALIS, uid=1), _person(Role.BPP, uid=2), _person(Role.PPK)
    seen = flow.FinanceView(MonitoringState.REPORTING, True, frozenset({1}), frozenset(), 1, ())
    assert flow.finance_refusal("submitted_on", seen, member) is None
    assert flow.finance_refusal("bpp_received_on", seen, bpp) == "error.finance_order"
    assert flow.finance_refusal("bpp_received_on", seen, member) == "error.forbidden"
    submitted = flow.FinanceView(MonitoringState.SUBMISSION, True, frozenset({1}),
                                 frozenset({"submitted_on"}), 1, ())  # fmt: skip
    assert flow.finance_refusal("submitted_on", submitted, member) == "error.finance_recorded"
    assert flow.finance_refusal("bpp_received_on", submitted, bpp) is None
    assert flow.finance_refusal("ppk_accepted_on", submitted, ppk) == "error.finance_order"
    indirect = flow.FinanceView(
        MonitoringState.REPORTING, False, frozenset({1}), frozenset(), 0, ()
    )
    assert flow.finance_refusal("submitted_on", indirect, member) == "error.finance_direct_only"
