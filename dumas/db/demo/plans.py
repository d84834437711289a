"""Demo monitoring plans, made through the real services so every rule and audit row holds.

Three plans, dated before `today`: one decided (its rows are monitorings), one proposed
and waiting for the Asdep, one draft the analyst is still writing.
"""

from __future__ import annotations

import datetime as dt

from dumas import config, i18n
from dumas.db import Database
from dumas.domain.codes import Level, Method, PlanSource, Priority
from dumas.domain.permissions import User
from dumas.domain.plan_flow import PlanAction
from dumas.queries import plans as q
from dumas.services import auth, plans


def user(db: Database, username: str) -> User:
    """A demo account, by its username (the role's name)."""
    cur = db.cursor()
    found = cur.execute("SELECT id FROM app_user WHERE username = $u", {"u": username}).fetchall()
    return auth.load_user(cur, found[0][0])


def _at(today: dt.date, days_before: int, hour: int) -> dt.datetime:
    return dt.datetime.combine(
        today - dt.timedelta(days=days_before), dt.time(hour), config.TIMEZONE
    )


def _oldest_unanswered(db: Database, today: dt.date, agencies: int, skip: int) -> list[int]:
    """The oldest unanswered letters of the agencies with most of them (a few per agency)."""
    rows = (
        db.cursor()
        .execute(
            """
        WITH open AS (
            SELECT forwarding_id, agency_id, letter_date,
                   row_number() OVER (PARTITION BY agency_id ORDER BY letter_date,
                                      forwarding_id) AS n,
                   count(*) OVER (PARTITION BY agency_id) AS total
              FROM letter_facts($today)
             WHERE NOT answered
        ),
        top AS (
            SELECT agency_id FROM open GROUP BY agency_id
             ORDER BY max(total) DESC, agency_id
             LIMIT $agencies OFFSET $skip
        )
        SELECT forwarding_id FROM open WHERE agency_id IN (SELECT agency_id FROM top) AND n <= 4
        """,
            {"today": today, "agencies": agencies, "skip": skip},
        )
        .fetchall()
    )
    return [r[0] for r in rows]


def _draft(db: Database, who: User, title: str, period: str, letters: list[int], at) -> int:
    plan_id = plans.create_plan(
        db,
        who,
        title=title,
        period_label=period,
        source=PlanSource.DATABASE,
        bidang="Bidang Pemantauan I",
        now=at,
    )
    plans.add_letters(db, who, plan_id, revision=_rev(db, plan_id), forwarding_ids=letters, now=at)
    return plan_id


def _semester(on: dt.datetime) -> str:
    """The semester a plan drafted on `on` is for, with its year ("Semester II 2026")."""
    return f"Semester {'I' if on.month <= 6 else 'II'} {on.year}"


def _next_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _rev(db: Database, plan_id: int) -> int:
    found = q.plan(db.cursor(), plan_id)
    assert found is not None, plan_id  # the demo just created it
    return found["revision"]


def _fill(db: Database, who: User, plan_id: int, at: dt.datetime, lead: User | None) -> None:
    """First row a field visit with its costs, the others official letters."""
    ids = [int(r) for r in q.matrix(db.cursor(), plan_id, at.date())["row_id"]]
    visit = {
        "method": Method.KUNJUNGAN_LAPANGAN,
        "persons": 3,
        "days": 4,
        "transport": 3_200_000,
        "lodging": 850_000,
        "allowance": 530_000,
        "priority": Priority.TINGGI,
        "priority_reason": "Surat tertua belum ditanggapi setelah dua kali konfirmasi",
        "schedule_from": at.date() + dt.timedelta(days=21),
        "schedule_to": at.date() + dt.timedelta(days=24),
    }
    letter = {"method": Method.SURAT_RESMI, "priority": Priority.SEDANG}
    updated = {
        row_id: {**(visit if i == 0 else letter), "level": Level.KABID}
        for i, row_id in enumerate(ids)
    }
    if lead is not None:
        for values in updated.values():
            values["team_lead"] = lead.id
    plans.save_rows(
        db, who, plan_id, revision=_rev(db, plan_id), updated=updated, added=[], deleted=[], now=at
    )


def _step(
    db: Database,
    who: User,
    plan_id: int,
    action: PlanAction,
    at: dt.datetime,
    note: str | None = None,
) -> None:
    plans.act(db, who, plan_id, revision=_rev(db, plan_id), action=action, note=note, now=at)


def _proposed(db: Database, today: dt.date, title: str, letters: list[int], start: int) -> int:
    """A plan drafted `start` days ago and carried through steps 1 and 2, one day each."""
    analyst, kasubbid, kabid = (user(db, name) for name in ("analis", "kasubbid", "kabid"))
    drafted = _at(today, start, 9)
    plan_id = _draft(db, analyst, title, _semester(drafted), letters, drafted)
    _fill(db, analyst, plan_id, _at(today, start, 10), None)
    _step(db, analyst, plan_id, PlanAction.SUBMIT, _at(today, start - 1, 9))
    _step(db, kasubbid, plan_id, PlanAction.FORWARD, _at(today, start - 1, 14))
    _fill(db, kabid, plan_id, _at(today, start - 2, 9), kabid)
    _step(db, kabid, plan_id, PlanAction.PROPOSE, _at(today, start - 2, 10))
    return plan_id


def make_demo_plans(db: Database, today: dt.date) -> int:
    """Create the three demo plans (demo accounts must exist); return how many."""
    decided = _proposed(
        db,
        today,
        "Pemantauan tindak lanjut (contoh, sudah diputuskan)",
        _oldest_unanswered(db, today, 2, 0),
        start=30,
    )
    approved_at = _at(today, 28, 10) + dt.timedelta(minutes=15)
    _step(
        db,
        user(db, "asdep"),
        decided,
        PlanAction.APPROVE,
        approved_at,
        "Laksanakan; laporkan hasil kunjungan dalam dua minggu.",
    )
    proposed = _proposed(
        db,
        today,
        "Pemantauan surat tertua (contoh, menunggu Asdep)",
        _oldest_unanswered(db, today, 3, 2),
        start=6,
    )
    draft = _draft(
        db,
        user(db, "analis"),
        "Rencana bulan depan (contoh, konsep)",
        i18n.fmt_month(_next_month(today), "id"),  # "Juni 2026": a period carries its year
        _oldest_unanswered(db, today, 2, 5),
        _at(today, 1, 9),
    )
    return len({decided, proposed, draft})
