"""Personas and an approved monitoring, for the tests of steps 4-8 (services and page)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dumas.db import Database
from dumas.domain.permissions import Role, User
from dumas.domain.plan_flow import PlanAction
from dumas.queries import plans as pq
from dumas.services import auth, plans
from tests.conftest import TODAY, Factory, username


@dataclass(frozen=True)
class People:
    """The template database's accounts, each holding just its role."""

    analyst: User
    kasubbid: User
    kabid: User
    asdep: User
    deputi: User
    ppk: User
    bpp: User


def people_of(db: Database) -> People:
    cur = db.cursor()

    def load(role: Role) -> User:
        uid = cur.execute(
            "SELECT id FROM app_user WHERE username = $u", {"u": username(role)}
        ).fetchone()[0]
        return auth.load_user(cur, uid)

    roles = (Role.ANALIS, Role.KASUBBID, Role.KABID, Role.ASDEP, Role.DEPUTI, Role.PPK, Role.BPP)
    return People(*(load(r) for r in roles))


def _rev(db: Database, plan_id: int) -> int:
    return pq.plan(db.cursor(), plan_id)["revision"]


def approved(
    db: Database, p: People, letters: list[int], *, direct: bool, now: dt.datetime, persons: int = 2
) -> int:
    """A plan of one row walked through steps 1-3 at `now`; returns the monitoring's id.

    Direct: a Kabid-led field visit (2 persons, 3 days); indirect: an Asdep-led official
    letter (so the Deputi approves too). The analyst is on the team either way.
    """
    plan_id = plans.create_plan(
        db, p.analyst, title="Uji", period="2026-12", source="database",
        bidang="Bidang Uji", now=now,
    )  # fmt: skip
    plans.add_letters(db, p.analyst, plan_id, revision=1, forwarding_ids=letters, now=now)
    row_id = int(pq.matrix(db.cursor(), plan_id, TODAY)["row_id"][0])
    values = (
        {"method": "kunjungan_lapangan", "level": "kabid", "persons": persons, "days": 3,
         "transport": 2_500_000, "lodging": 800_000, "allowance": 530_000}
        if direct
        else {"method": "surat_resmi", "level": "asdep"}
    )  # fmt: skip
    lead = p.kabid if direct else p.asdep
    plans.save_rows(
        db, p.analyst, plan_id, revision=_rev(db, plan_id), added=[], deleted=[],
        updated={row_id: {**values, "team_lead": lead.id, "team": [p.analyst.id]}}, now=now,
    )  # fmt: skip
    steps = [(p.analyst, PlanAction.SUBMIT), (p.kasubbid, PlanAction.FORWARD),
             (p.kabid, PlanAction.PROPOSE), (p.asdep, PlanAction.APPROVE)]  # fmt: skip
    steps += [] if direct else [(p.deputi, PlanAction.APPROVE)]
    for who, action in steps:
        plans.act(db, who, plan_id, revision=_rev(db, plan_id), action=action, note="ok", now=now)
    return int(pq.monitorings(db.cursor(), plan_id)["id"][0])


def memo_approved(
    db: Database, p: People, mid: int, *, now: dt.datetime, memo_no: str = "11/D-4/DM.00.00/12/2026"
) -> None:
    """Step 4a: the analyst records the memo to the Deputi, and the Deputi approves it in
    the app (the assignment letter and the travel memorandum wait for this)."""
    from dumas.queries import monitoring as mq
    from dumas.services import memo_answer
    from dumas.services import monitoring_records as rec

    def revision() -> int:
        return mq.detail(db.cursor(), mid)["revision"]

    memo = rec.DocumentRecord("memo_deputi", memo_no, now.date())
    rec.record_document(db, p.analyst, mid, revision=revision(), document=memo, today=now.date(),
                        now=now)  # fmt: skip
    memo_answer.answer_memo(db, p.deputi, mid, revision=revision(), outcome="approved",
                            note="Setuju", now=now)  # fmt: skip


def two_letters_approved(
    db: Database, *, direct: bool, now: dt.datetime, persons: int = 2
) -> dict[str, object]:
    """A world (conftest.prebuilt): two unanswered letters to Kemendagri (locus DKI Jakarta)
    and one monitoring of them approved at `now` (approved): {"letters", "monitoring"}."""
    make = Factory(db)
    kemendagri = make.agency("Kementerian Dalam Negeri")
    first, second = make.complaint(province_code="31"), make.complaint(province_code="31")
    letters = [
        make.forward(first, kemendagri, dt.date(2026, 3, 2)),
        make.forward(second, kemendagri, dt.date(2026, 4, 6)),
    ]
    mid = approved(db, people_of(db), letters, direct=direct, now=now, persons=persons)
    return {"letters": letters, "monitoring": mid}
