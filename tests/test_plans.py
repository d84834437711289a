"""A monitoring plan walked through SOP steps 1-3 by personas, on every path.

The personas are the template database's accounts: an analyst drafts, a Kasubbid
forwards, a Kabid proposes the team, an Asdep decides, a Deputi approves Asdep-led rows.
Every call goes through the real services on a real DuckDB file.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass

import pytest

from dumas import config, i18n
from dumas.db import Database
from dumas.domain.errors import Conflict, DomainError, ValidationError
from dumas.domain.permissions import Forbidden, Role, User
from dumas.domain.plan_flow import PlanAction, PlanState
from dumas.queries import lookups, plan_history
from dumas.queries import plans as q
from dumas.services import auth, plans, users
from tests.conftest import PASSWORD, TODAY, Factory, prebuilt, username

NOW = dt.datetime.combine(TODAY, dt.time(9, 0), config.TIMEZONE)


@dataclass(frozen=True)
class Team:
    """The people of the SOP, each holding just their role."""

    analyst: User
    kasubbid: User
    kabid: User
    asdep: User
    deputi: User


def _load(db: Database, name: str) -> User:
    cur = db.cursor()
    uid = cur.execute("SELECT id FROM app_user WHERE username = $u", {"u": name}).fetchone()[0]
    return auth.load_user(cur, uid)


@pytest.fixture
def team(db: Database) -> Team:
    return Team(*(_load(db, username(role)) for role in
                  (Role.ANALIS, Role.KASUBBID, Role.KABID, Role.ASDEP, Role.DEPUTI)))  # fmt: skip


def _letters(db: Database) -> dict[str, int]:
    """Three unanswered forwarding letters: two to Kemendagri (two loci), one to BPN."""
    make = Factory(db)
    kemendagri = make.agency("Kementerian Dalam Negeri")
    bpn = make.agency("Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional")
    jakarta = make.complaint(province_code="31")
    jabar = make.complaint(province_code="32")
    tanah = make.complaint(province_code="31")
    return {
        "kemendagri_31": make.forward(jakarta, kemendagri, dt.date(2026, 3, 2)),
        "kemendagri_32": make.forward(jabar, kemendagri, dt.date(2026, 4, 6)),
        "bpn_31": make.forward(tanah, bpn, dt.date(2026, 5, 4)),
    }


letters_prebuilt = prebuilt("plans-letters", _letters)


@pytest.fixture
def letters(letters_prebuilt, db_path) -> dict[str, int]:
    """The three letters of _letters: the test's database is a copy of that world."""
    return letters_prebuilt[1]


def revision(db: Database, plan_id: int) -> int:
    return q.plan(db.cursor(), plan_id)["revision"]


def state(db: Database, plan_id: int) -> str:
    return q.plan(db.cursor(), plan_id)["state"]


def rows(db: Database, plan_id: int):
    return q.matrix(db.cursor(), plan_id, TODAY)


def do(db: Database, user: User, plan_id: int, action: PlanAction, note: str | None = None, **kw):
    return plans.act(
        db, user, plan_id, revision=revision(db, plan_id), action=action, note=note, now=NOW, **kw
    )


def save(db: Database, user: User, plan_id: int, updated=None, added=None, deleted=None):
    plans.save_rows(
        db, user, plan_id, revision=revision(db, plan_id), updated=updated or {},
        added=added or [], deleted=deleted or [], now=NOW,
    )  # fmt: skip


def draft(db: Database, team: Team, letters: dict[str, int], *, levels=("kabid",)) -> int:
    """A plan with one row per agency and locus, each with a method and a level set."""
    plan_id = plans.create_plan(
        db, team.analyst, title="Pemantauan Semester II", period="2026-S2",
        source="database", bidang="Bidang Uji", now=NOW,
    )  # fmt: skip
    plans.add_letters(
        db, team.analyst, plan_id, revision=revision(db, plan_id),
        forwarding_ids=list(letters.values()), now=NOW,
    )  # fmt: skip
    ids = list(rows(db, plan_id)["row_id"])
    updated = {}
    for i, row_id in enumerate(ids):
        level = levels[i % len(levels)]
        updated[row_id] = {"method": "surat_resmi", "level": level, "priority": "sedang"}
    save(db, team.analyst, plan_id, updated)
    return plan_id


def to_asdep(db: Database, team: Team, plan_id: int) -> None:
    """Submit, forward, set the team leads, propose."""
    do(db, team.analyst, plan_id, PlanAction.SUBMIT)
    do(db, team.kasubbid, plan_id, PlanAction.FORWARD)
    leads = {}
    for row in rows(db, plan_id).itertuples():
        if row.status != "pending":
            continue  # decided rows are locked
        lead = team.asdep if row.level == "asdep" else team.kabid
        leads[row.row_id] = {"team_lead": lead.id, "team": [team.analyst.id]}
    save(db, team.kabid, plan_id, leads)
    do(db, team.kabid, plan_id, PlanAction.PROPOSE)


def monitorings(db: Database, plan_id: int):
    return q.monitorings(db.cursor(), plan_id)


# Step 1: the matrix


def test_letters_are_grouped_into_one_row_per_agency_and_locus(db, team, letters):
    plan_id = draft(db, team, letters)
    matrix = rows(db, plan_id)
    assert len(matrix) == 3  # Kemendagri in 31 and in 32, BPN in 31
    first = matrix.iloc[0]
    assert first["agency"] == "Kementerian Dalam Negeri"
    assert first["province"] == "DKI Jakarta"
    assert (first["complaints"], first["letters"], first["unanswered"]) == (1, 1, 1)
    assert first["oldest_letter_date"].date() == dt.date(2026, 3, 2)
    assert first["oldest_age_wd"] > 0


def test_adding_the_same_letters_again_adds_nothing(db, team, letters):
    plan_id = draft(db, team, letters)
    result = plans.add_letters(
        db, team.analyst, plan_id, revision=revision(db, plan_id),
        forwarding_ids=list(letters.values()), now=NOW,
    )  # fmt: skip
    assert result == {"added": 0, "skipped": 3, "rows": 0}


def test_a_later_letter_joins_the_existing_row_of_its_agency_and_locus(
    db, team, letters, make, kemendagri
):
    plan_id = draft(db, team, letters)
    later = make.forward(make.complaint(province_code="31"), kemendagri, dt.date(2026, 6, 1))
    result = plans.add_letters(db, team.analyst, plan_id, revision=revision(db, plan_id),
                               forwarding_ids=[later], now=NOW)  # fmt: skip
    assert result == {"added": 1, "skipped": 0, "rows": 0}
    first = rows(db, plan_id).iloc[0]
    assert (first["province"], first["letters"], first["complaints"]) == ("DKI Jakarta", 2, 2)


def test_removing_a_rows_last_letter_removes_the_database_row(db, team, letters):
    plan_id = draft(db, team, letters)
    plans.remove_letters(
        db, team.analyst, plan_id, revision=revision(db, plan_id),
        forwarding_ids=[letters["bpn_31"]], now=NOW,
    )  # fmt: skip
    assert list(rows(db, plan_id)["agency"]).count("Kementerian Dalam Negeri") == 2
    assert len(rows(db, plan_id)) == 2


def test_a_rows_team_names_are_joined_by_semicolons_as_names_carry_commas(db, team, letters):
    plan_id = draft(db, team, letters)
    row_id = int(rows(db, plan_id)["row_id"][0])
    db.cursor().execute("UPDATE app_user SET full_name = full_name || ', S.H.'")
    save(db, team.analyst, plan_id, {row_id: {"team": [team.kasubbid.id, team.analyst.id]}})
    assert rows(db, plan_id)["team_names"][0] == "Analis Uji, S.H.; Kasubbid Uji, S.H."


def test_direct_visit_cost_is_computed_exactly_in_rupiah(db, team, letters):
    plan_id = draft(db, team, letters)
    row_id = int(rows(db, plan_id)["row_id"][0])
    save(db, team.analyst, plan_id, {row_id: {
        "method": "kunjungan_lapangan", "persons": 3, "days": 4, "transport": 2_500_000,
        "lodging": 800_000, "allowance": 530_000,
    }})  # fmt: skip
    # 3 persons x (transport 2.500.000 + 3 nights x 800.000 + 4 days x 530.000)
    assert rows(db, plan_id)["estimated_cost"][0] == 21_060_000


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"schedule_from": dt.date(2026, 12, 10), "schedule_to": dt.date(2026, 12, 7)},
            "error.row_schedule_order",
        ),
        ({"method": "kunjungan_lapangan", "transport": -1}, "error.row_negative"),
        ({"method": "kunjungan_lapangan", "transport": 1500.5}, "error.row_money"),
        ({"method": "surat_resmi", "lodging": 800_000}, "error.row_cost_direct_only"),
        ({"priority": "tinggi", "priority_reason": None}, "error.row_priority_reason"),
        ({"method": "naik_kuda"}, "error.row_invalid_choice"),
        ({"level": "asdep", "team_lead": "KABID"}, "error.row_lead_asdep"),
        ({"persons": 2.5}, "error.row_count"),
    ],
    ids=["dates", "negative", "sen", "indirect-cost", "priority", "method", "lead", "persons"],
)
def test_a_bad_row_is_refused_with_its_row_number_and_nothing_is_saved(
    db, team, letters, values, message
):
    plan_id = draft(db, team, letters)
    row_id = int(rows(db, plan_id)["row_id"][1])
    if values.get("team_lead") == "KABID":
        values = {**values, "team_lead": team.kabid.id}
    before = plans.snapshot(db.cursor(), plan_id)
    with pytest.raises(ValidationError) as refused:
        save(db, team.analyst, plan_id, {row_id: values})
    assert message in [m.key for m in refused.value.messages]
    assert all(m.params.get("row") == 2 for m in refused.value.messages)
    assert plans.snapshot(db.cursor(), plan_id) == before


def test_a_work_programme_row_needs_an_agency_and_a_reason(db, team, letters, bpn):
    plan_id = draft(db, team, letters)
    with pytest.raises(ValidationError) as refused:
        save(db, team.analyst, plan_id, added=[{"agency_id": bpn, "method": "surat_resmi"}])
    assert [m.key for m in refused.value.messages] == ["error.row_reason_required"]
    save(db, team.analyst, plan_id, added=[{
        "agency_id": bpn, "method": "surat_resmi", "level": "kabid",
        "origin_reason": "Program kerja 2026: koordinasi tahunan",
    }])  # fmt: skip
    added = rows(db, plan_id).iloc[-1]
    assert (added["origin"], added["letters"], added["position"]) == ("work_programme", 0, 4)


def test_a_plan_may_start_from_the_work_programme_without_letters(db, team, bpn):
    plan_id = plans.create_plan(
        db, team.analyst, title="Program kerja", period="2026",
        source="work_programme", bidang="Bidang Uji", now=NOW,
    )  # fmt: skip
    save(db, team.analyst, plan_id, added=[{
        "agency_id": bpn, "method": "kontak_elektronik", "level": "kabid",
        "origin_reason": "Rapat koordinasi dalam program kerja",
    }])  # fmt: skip
    to_asdep(db, team, plan_id)
    assert do(db, team.asdep, plan_id, PlanAction.APPROVE, "Laksanakan") is PlanState.DECIDED
    made = monitorings(db, plan_id)
    assert (len(made), made["letters"][0], made["method"][0]) == (1, 0, "kontak_elektronik")


def test_submit_is_refused_while_a_row_lacks_a_method_or_a_level(db, team, letters):
    plan_id = draft(db, team, letters)
    row_id = int(rows(db, plan_id)["row_id"][0])
    save(db, team.analyst, plan_id, {row_id: {"method": None}})
    with pytest.raises(Forbidden) as refused:
        do(db, team.analyst, plan_id, PlanAction.SUBMIT)
    assert refused.value.messages[0].key == "error.rows_not_ready"
    assert state(db, plan_id) == "draft"


# Steps 2 and 3: the paths


def test_approved_plan_turns_each_kabid_level_row_into_a_monitoring(db, team, letters):
    plan_id = draft(db, team, letters)
    to_asdep(db, team, plan_id)
    assert (
        do(db, team.asdep, plan_id, PlanAction.APPROVE, "Utamakan Kemendagri") is PlanState.DECIDED
    )
    made = monitorings(db, plan_id)
    assert len(made) == 3
    assert set(made["level"]) == {"kabid"}
    assert set(made["team_lead"]) == {team.kabid.full_name}
    assert set(made["approved_by"]) == {team.asdep.full_name}
    cur = db.cursor()
    letters_kept = cur.execute("SELECT count(*) FROM monitoring_letter").fetchone()[0]
    members = cur.execute("SELECT count(*) FROM monitoring_member WHERE is_lead").fetchone()[0]
    assert (letters_kept, members) == (3, 3)
    notes = set(rows(db, plan_id)["decision_note"])
    assert notes == {"Utamakan Kemendagri"}


def test_returned_plan_is_revised_and_resubmitted_as_a_new_version(db, team, letters):
    plan_id = draft(db, team, letters)
    to_asdep(db, team, plan_id)
    assert do(db, team.asdep, plan_id, PlanAction.RETURN, "Tambahkan jadwal") is PlanState.DRAFT
    assert monitorings(db, plan_id).empty
    row_id = int(rows(db, plan_id)["row_id"][0])
    save(db, team.analyst, plan_id, {row_id: {"schedule_from": dt.date(2026, 12, 7),
                                              "schedule_to": dt.date(2026, 12, 8)}})  # fmt: skip
    do(db, team.analyst, plan_id, PlanAction.SUBMIT)
    assert q.plan(db.cursor(), plan_id)["version"] == 2
    assert state(db, plan_id) == "submitted"


def test_asdep_can_approve_some_rows_and_return_the_others(db, team, letters):
    plan_id = draft(db, team, letters)
    to_asdep(db, team, plan_id)
    first, second, third = (int(r) for r in rows(db, plan_id)["row_id"])
    choices = {first: "approve", second: "return", third: "reject"}
    new_state = do(
        db, team.asdep, plan_id, PlanAction.DECIDE, "Baris 2 perlu data", choices=choices
    )
    assert new_state is PlanState.DRAFT
    statuses = dict(zip(rows(db, plan_id)["row_id"], rows(db, plan_id)["status"], strict=True))
    assert statuses == {first: "approved", second: "pending", third: "rejected"}
    assert len(monitorings(db, plan_id)) == 1
    with pytest.raises(Conflict):  # a decided row is locked
        save(db, team.analyst, plan_id, {first: {"priority": "tinggi", "priority_reason": "x"}})
    to_asdep(db, team, plan_id)  # only the returned row travels again
    assert do(db, team.asdep, plan_id, PlanAction.APPROVE, None) is PlanState.DECIDED
    assert len(monitorings(db, plan_id)) == 2


def test_a_decision_row_by_row_must_cover_every_waiting_row(db, team, letters):
    plan_id = draft(db, team, letters)
    to_asdep(db, team, plan_id)
    first = int(rows(db, plan_id)["row_id"][0])
    with pytest.raises(ValidationError) as refused:
        do(db, team.asdep, plan_id, PlanAction.DECIDE, "catatan", choices={first: "approve"})
    assert refused.value.messages[0].key == "error.choices_incomplete"
    assert state(db, plan_id) == "proposed"


def test_rejected_plan_makes_no_monitoring_and_needs_a_reason(db, team, letters):
    plan_id = draft(db, team, letters)
    to_asdep(db, team, plan_id)
    with pytest.raises(ValidationError):
        do(db, team.asdep, plan_id, PlanAction.REJECT)
    assert (
        do(db, team.asdep, plan_id, PlanAction.REJECT, "Tidak ada anggaran") is PlanState.REJECTED
    )
    assert monitorings(db, plan_id).empty
    assert set(rows(db, plan_id)["status"]) == {"rejected"}


def test_asdep_led_row_waits_for_the_deputi_before_it_becomes_a_monitoring(db, team, letters):
    plan_id = draft(db, team, letters, levels=("asdep", "kabid"))
    to_asdep(db, team, plan_id)
    assert do(db, team.asdep, plan_id, PlanAction.APPROVE, "Setuju") is PlanState.AWAITING_DEPUTI
    assert set(monitorings(db, plan_id)["level"]) == {"kabid"}  # Kabid-level rows at once
    with pytest.raises(Forbidden):
        do(db, team.asdep, plan_id, PlanAction.APPROVE)  # the Deputi's step, not the Asdep's
    assert do(db, team.deputi, plan_id, PlanAction.APPROVE, "Lanjutkan") is PlanState.DECIDED
    made = monitorings(db, plan_id)
    deputi_made = made[made["level"] == "asdep"]
    assert len(deputi_made) == 2
    assert set(deputi_made["approved_by"]) == {team.deputi.full_name}
    assert set(deputi_made["team_lead"]) == {team.asdep.full_name}


def test_deputi_may_return_asdep_led_rows_to_the_analyst(db, team, letters):
    plan_id = draft(db, team, letters, levels=("asdep",))
    to_asdep(db, team, plan_id)
    do(db, team.asdep, plan_id, PlanAction.APPROVE)
    assert do(db, team.deputi, plan_id, PlanAction.RETURN, "Jadwal bentrok") is PlanState.DRAFT
    assert set(rows(db, plan_id)["status"]) == {"pending"}
    assert monitorings(db, plan_id).empty


def test_rows_the_asdep_returned_wait_until_the_deputi_has_decided(db, team, letters):
    plan_id = draft(db, team, letters, levels=("asdep", "kabid"))
    to_asdep(db, team, plan_id)
    ids = [int(r) for r in rows(db, plan_id)["row_id"]]  # asdep, kabid, asdep
    choices = {ids[0]: "approve", ids[1]: "return", ids[2]: "approve"}
    assert do(db, team.asdep, plan_id, PlanAction.DECIDE, "Baris 2 kembali", choices=choices) is (
        PlanState.AWAITING_DEPUTI
    )
    assert do(db, team.deputi, plan_id, PlanAction.APPROVE) is PlanState.DRAFT
    assert list(rows(db, plan_id)["status"]) == ["approved", "pending", "approved"]


# Who may act, and stale screens


def test_each_step_is_refused_to_the_wrong_role(db, team, letters):
    plan_id = draft(db, team, letters)
    for user in (team.kasubbid, team.kabid, team.asdep, team.deputi):
        with pytest.raises(Forbidden):
            do(db, user, plan_id, PlanAction.SUBMIT)
    do(db, team.analyst, plan_id, PlanAction.SUBMIT)
    for user in (team.analyst, team.kabid, team.asdep):
        with pytest.raises(Forbidden):
            do(db, user, plan_id, PlanAction.FORWARD)
    with pytest.raises(Forbidden):
        save(db, team.analyst, plan_id, {int(rows(db, plan_id)["row_id"][0]): {"days": 2}})
    assert state(db, plan_id) == "submitted"


def test_a_kasubbid_of_another_bidang_cannot_forward(db, team, letters):
    plan_id = draft(db, team, letters)
    do(db, team.analyst, plan_id, PlanAction.SUBMIT)
    other = User(team.kasubbid.id, "lain", "Kasubbid Lain", frozenset({Role.KASUBBID}), "Bidang X")
    with pytest.raises(Forbidden) as refused:
        do(db, other, plan_id, PlanAction.FORWARD)
    assert refused.value.messages[0].key == "error.not_your_bidang"


def _plt(db: Database, admin_user: User) -> User:
    """A Kabid who is also acting Asdep (Plt.): two roles, one person."""
    uid = users.create_user(
        db, admin_user, username="plt.asdep", full_name="Plt Asdep", password=PASSWORD,
        roles=["kabid", "asdep"], bidang="Bidang Uji",
    )  # fmt: skip
    return auth.load_user(db.cursor(), uid)


def test_nobody_approves_what_they_proposed(db, team, letters):
    plt = _plt(db, _load(db, username(Role.ADMIN)))
    plan_id = draft(db, team, letters)
    do(db, team.analyst, plan_id, PlanAction.SUBMIT)
    do(db, team.kasubbid, plan_id, PlanAction.FORWARD)
    leads = {int(r): {"team_lead": plt.id} for r in rows(db, plan_id)["row_id"]}
    save(db, plt, plan_id, leads)
    do(db, plt, plan_id, PlanAction.PROPOSE)
    with pytest.raises(Forbidden) as refused:
        do(db, plt, plan_id, PlanAction.APPROVE, "saya setujui sendiri")
    assert refused.value.messages[0].key == "error.self_approval"
    assert state(db, plan_id) == "proposed"
    assert do(db, team.asdep, plan_id, PlanAction.APPROVE) is PlanState.DECIDED  # another Asdep may


def test_a_stale_screen_is_refused_and_nothing_is_overwritten(db, team, letters):
    plan_id = draft(db, team, letters)
    seen = revision(db, plan_id)
    row_id = int(rows(db, plan_id)["row_id"][0])
    plans.save_rows(db, team.analyst, plan_id, revision=seen, updated={row_id: {"days": 3}},
                    added=[], deleted=[], now=NOW)  # fmt: skip
    with pytest.raises(Conflict) as refused:
        plans.save_rows(db, team.analyst, plan_id, revision=seen, updated={row_id: {"days": 9}},
                        added=[], deleted=[], now=NOW)  # fmt: skip
    assert refused.value.messages[0].key == "error.plan_changed"
    assert refused.value.messages[0].params["who"] == team.analyst.full_name
    assert rows(db, plan_id)["days"][0] == 3


def test_two_approvers_on_the_same_version_one_wins_the_other_is_told(db, team, letters):
    second_asdep = auth.load_user(db.cursor(), users.create_user(
        db, _load(db, username(Role.ADMIN)), username="asdep.dua", full_name="Asdep Dua",
        password=PASSWORD, roles=["asdep"],
    ))  # fmt: skip
    plan_id = draft(db, team, letters)
    to_asdep(db, team, plan_id)
    seen = revision(db, plan_id)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def decide(user: User, action: PlanAction, note: str) -> None:
        start.wait()
        try:
            outcomes[user.username] = plans.act(
                db, user, plan_id, revision=seen, action=action, note=note, now=NOW
            )
        except DomainError as refused:
            outcomes[user.username] = refused.messages[0].key

    threads = [
        threading.Thread(target=decide, args=(team.asdep, PlanAction.APPROVE, "Setuju")),
        threading.Thread(target=decide, args=(second_asdep, PlanAction.REJECT, "Tolak")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results = sorted(map(str, outcomes.values()))
    assert "error.plan_changed" in results
    assert len(results) == 2
    winner = next(v for v in outcomes.values() if isinstance(v, PlanState))
    assert state(db, plan_id) == winner.value
    decisions = (
        db.cursor()
        .execute(
            "SELECT count(*) FROM plan_event"
            " WHERE plan_id = $id AND action IN ('approve', 'reject')",
            {"id": plan_id},
        )
        .fetchone()[0]
    )
    assert decisions == 1


def test_a_draft_never_submitted_can_be_cancelled_but_not_after_submission(db, team, letters):
    plan_id = draft(db, team, letters)
    with pytest.raises(ValidationError):
        do(db, team.analyst, plan_id, PlanAction.CANCEL)  # a reason is required
    assert do(db, team.analyst, plan_id, PlanAction.CANCEL, "Salah periode") is PlanState.CANCELLED
    other = draft(db, team, letters)
    do(db, team.analyst, other, PlanAction.SUBMIT)
    do(db, team.kasubbid, other, PlanAction.RETURN, "Lengkapi")
    with pytest.raises(Forbidden) as refused:
        do(db, team.analyst, other, PlanAction.CANCEL, "batal")
    assert refused.value.messages[0].key == "error.already_submitted"


# History: audit, versions, differences, checklist


def test_every_transition_appends_an_audit_row_with_its_note(db, team, letters):
    plan_id = draft(db, team, letters)
    to_asdep(db, team, plan_id)
    do(db, team.asdep, plan_id, PlanAction.RETURN, "Perbaiki prioritas")
    audited = (
        db.cursor()
        .execute(
            """
        SELECT actor, action, json_extract_string(old_value, '$.state'),
               json_extract_string(new_value, '$.state'), json_extract_string(new_value, '$.note')
          FROM audit_log WHERE entity = 'plan' AND entity_id = $id AND action NOT IN
               ('plan.save', 'plan.create')
         ORDER BY id
        """,
            {"id": str(plan_id)},
        )
        .fetchall()
    )
    assert audited == [
        (team.analyst.username, "plan.submit", "draft", "submitted", None),
        (team.kasubbid.username, "plan.forward", "submitted", "discussion", None),
        (team.kabid.username, "plan.propose", "discussion", "proposed", None),
        (team.asdep.username, "plan.return", "proposed", "draft", "Perbaiki prioritas"),
    ]


def test_changes_in_discussion_show_as_a_difference_from_the_submitted_version(db, team, letters):
    plan_id = draft(db, team, letters)
    do(db, team.analyst, plan_id, PlanAction.SUBMIT)
    do(db, team.kasubbid, plan_id, PlanAction.FORWARD)
    first = int(rows(db, plan_id)["row_id"][0])
    save(db, team.kabid, plan_id, {first: {"method": "kunjungan_lapangan", "days": 3}})
    plans.comment(db, team.kabid, plan_id, note="Kemendagri dikunjungi langsung", now=NOW)
    submitted = plan_history.rows_at(db.cursor(), plan_id, "submit")
    now_rows = plans.snapshot(db.cursor(), plan_id)
    changes = plan_history.diff(submitted, json.loads(json.dumps(now_rows, default=str)))
    fields = {(c["position"], c["field"], c["old"], c["new"]) for c in changes}
    assert fields == {(1, "method", "surat_resmi", "kunjungan_lapangan"), (1, "days", None, "3")}
    notes = plan_history.events(db.cursor(), plan_id)
    assert notes["note"].iloc[-1] == "Kemendagri dikunjungi langsung"


def test_checklist_shows_each_step_with_its_due_time_and_lateness(db, team, letters):
    created = dt.datetime(2026, 12, 23, 10, 0, tzinfo=config.TIMEZONE)  # Wed before Christmas
    plan_id = plans.create_plan(
        db, team.analyst, title="Desember", period="2026-12", source="database",
        bidang=None, now=created,
    )  # fmt: skip
    plans.add_letters(db, team.analyst, plan_id, revision=revision(db, plan_id),
                      forwarding_ids=list(letters.values()), now=created)  # fmt: skip
    updated = {int(r): {"method": "surat_resmi", "level": "kabid"}
               for r in rows(db, plan_id)["row_id"]}  # fmt: skip
    plans.save_rows(db, team.analyst, plan_id, revision=revision(db, plan_id), updated=updated,
                    added=[], deleted=[], now=created)  # fmt: skip
    submitted = dt.datetime(2026, 12, 29, 11, 0, tzinfo=config.TIMEZONE)  # Tuesday
    plans.act(db, team.analyst, plan_id, revision=revision(db, plan_id), action=PlanAction.SUBMIT,
              note=None, now=submitted)  # fmt: skip
    later = dt.datetime(2026, 12, 29, 12, 0, tzinfo=config.TIMEZONE)
    step1, step2, step3, step3d = plan_history.checklist(db.cursor(), plan_id, later)
    # 24 Dec is cuti bersama, 25 Dec Christmas, then the weekend: due Monday 28 Dec 10:00
    assert step1.due == dt.datetime(2026, 12, 28, 10, 0, tzinfo=config.TIMEZONE)
    assert step1.done == submitted and step1.late.working_days == 1
    assert step2.started == submitted and step2.done is None and step2.late is None
    assert step2.due == dt.datetime(2026, 12, 30, 11, 0, tzinfo=config.TIMEZONE)
    assert (step3.started, step3.due, step3d.started) == (None, None, None)


def test_discussion_notes_belong_to_the_discussion_not_to_the_draft(db, team, letters):
    plan_id = draft(db, team, letters)
    with pytest.raises(Forbidden) as refused:
        plans.comment(db, team.analyst, plan_id, note="catatan", now=NOW)
    assert refused.value.messages[0].key == "error.cannot_comment_plan"
    do(db, team.analyst, plan_id, PlanAction.SUBMIT, "Sudah sesuai arahan")
    plans.comment(db, team.kasubbid, plan_id, note="Dibahas Senin", now=NOW)
    notes = list(plan_history.events(db.cursor(), plan_id)["note"].dropna())
    assert notes == ["Sudah sesuai arahan", "Dibahas Senin"]


# A plan is for a report period (issue 16): plans, monitorings and reports line up, and
# every document's basis clause cites the period's Indonesian name with its year


@pytest.mark.parametrize(
    ("chosen", "stored"),
    [
        ("2026-S2", "Semester II 2026"),
        ("2026-12", "Desember 2026"),
        ("2027", "Tahun 2027"),
    ],
)
def test_a_plan_keeps_the_code_of_its_report_period_and_its_indonesian_name(
    db, team, chosen, stored
):
    plan_id = plans.create_plan(db, team.analyst, title="Rencana", period=chosen,
                                source="database", bidang=None, now=NOW)  # fmt: skip
    plan = q.plan(db.cursor(), plan_id)
    assert (plan["period_code"], plan["period_label"]) == (chosen, stored)


@pytest.mark.parametrize(
    "typed", ["Bulan depan", "Semester II", "Semester II 2026", "2026-13", "2026-01-01..2026-03-31"]
)
def test_a_plan_for_a_period_that_is_not_a_report_period_is_refused_and_not_written(
    db, team, typed
):
    with pytest.raises(ValidationError) as refused:
        plans.create_plan(db, team.analyst, title="Rencana", period=typed,
                          source="database", bidang=None, now=NOW)  # fmt: skip
    [message] = refused.value.messages
    assert (message.key, message.field) == ("error.plan_period", "period_label")
    assert i18n.t(message.key, "id") == "bukan periode laporan; pilih bulan, semester, atau tahun."
    assert i18n.t(message.key, "en") == "not a report period; choose a month, a semester or a year."
    assert db.cursor().execute("SELECT count(*) FROM plan").fetchone() == (0,)


def test_a_plan_period_left_empty_is_still_refused(db, team):
    with pytest.raises(ValidationError) as refused:
        plans.create_plan(db, team.analyst, title="Rencana", period="  ",
                          source="database", bidang=None, now=NOW)  # fmt: skip
    assert [m.key for m in refused.value.messages] == ["error.required"]


def test_a_plan_write_keeps_the_dashboards_version_and_a_letter_write_moves_both(
    db, team, letters, make, kemendagri
):
    def versions() -> tuple[str, str]:
        cur = db.cursor()
        return lookups.data_version(cur), lookups.data_version(cur, "followup_version")

    before = versions()
    draft(db, team, letters)  # plan writes: the screens' version only
    after_plan = versions()
    make.forward(make.complaint(), kemendagri, dt.date(2026, 6, 1))
    after_letter = versions()
    assert (after_plan[0] != before[0], after_plan[1] == before[1]) == (True, True)
    assert (after_letter[0] != after_plan[0], after_letter[1] != after_plan[1]) == (True, True)
