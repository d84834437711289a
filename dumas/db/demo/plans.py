"""Demo monitoring plans, made through the real services so every rule and audit row holds.

Three plans, dated on working days before `today`: one decided (its rows are
monitorings), one proposed and waiting for the Asdep, one draft the analyst is still
writing. A field visit's estimate is its people, days and the SBM rates of its locus, the
same the monitoring's cost plan takes (monitoring_records.plan_costs_from_sbm).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dumas.db import Database
from dumas.db.demo.timeline import Timeline
from dumas.domain.codes import Level, Method, PlanSource, Priority
from dumas.domain.permissions import User
from dumas.domain.plan_flow import PlanAction
from dumas.queries import plans as q
from dumas.queries import sbm
from dumas.services import auth, plans

VISIT_TEAM = ("kabid", "kasubbid", "analis")  # the lead first
LETTER_TEAM = ("kabid", "analis")
VISIT_TRANSPORT = 3_450_000  # per person: return flight and local transport


@dataclass(frozen=True)
class Schedule:
    """The proposed days of a plan's field visit and of its official letters."""

    trip_from: dt.date
    trip_to: dt.date
    letters_from: dt.date
    letters_to: dt.date

    @property
    def trip(self) -> tuple[dt.date, dt.date]:
        return self.trip_from, self.trip_to

    @property
    def letters(self) -> tuple[dt.date, dt.date]:
        return self.letters_from, self.letters_to


def user(db: Database, username: str) -> User:
    """A demo account, by its username (the role's name)."""
    cur = db.cursor()
    found = cur.execute("SELECT id FROM app_user WHERE username = $u", {"u": username}).fetchall()
    return auth.load_user(cur, found[0][0])


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
        period=period,
        source=PlanSource.DATABASE,
        bidang="Bidang Pemantauan I",
        now=at,
    )
    plans.add_letters(db, who, plan_id, revision=_rev(db, plan_id), forwarding_ids=letters, now=at)
    return plan_id


def _semester(on: dt.datetime) -> str:
    """The semester a plan drafted on `on` is for, as a report period ("2026-S2")."""
    return f"{on.year}-S{1 if on.month <= 6 else 2}"


def _next_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _rev(db: Database, plan_id: int) -> int:
    found = q.plan(db.cursor(), plan_id)
    assert found is not None, plan_id  # the demo just created it
    return found["revision"]


def _ids(db: Database, *usernames: str) -> list[int]:
    return [user(db, name).id for name in usernames]


def _fill(
    db: Database,
    who: User,
    plan_id: int,
    at: dt.datetime,
    schedule: Schedule,
    lead: User | None,
) -> None:
    """First row a field visit of three people with its costs at the SBM rates of its
    locus, the others official letters of two; the Kabid names the teams (step 2)."""
    cur = db.cursor()
    found = q.matrix(cur, plan_id, at.date())
    ids = [int(r) for r in found["row_id"]]
    trip_from, trip_to = schedule.trip
    days = (trip_to - trip_from).days + 1  # away from home: allowance for each day
    province = cur.execute(
        "SELECT province_code FROM plan_row WHERE id = $id", {"id": ids[0]}
    ).fetchall()[0][0]
    allowance, lodging = sbm.rates(cur, trip_from.year)[province]
    visit = {
        "method": Method.KUNJUNGAN_LAPANGAN,
        "persons": len(VISIT_TEAM),
        "days": days,
        "transport": VISIT_TRANSPORT,
        "lodging": int(lodging),
        "allowance": int(allowance),
        "priority": Priority.TINGGI,
        "priority_reason": "Surat tertua belum ditanggapi setelah dua kali konfirmasi",
        "schedule_from": trip_from,
        "schedule_to": trip_to,
    }
    letter = {
        "method": Method.SURAT_RESMI,
        "priority": Priority.SEDANG,
        "persons": len(LETTER_TEAM),
        "schedule_from": schedule.letters[0],
        "schedule_to": schedule.letters[1],
    }
    updated = {
        row_id: {**(visit if i == 0 else letter), "level": Level.KABID}
        for i, row_id in enumerate(ids)
    }
    if lead is not None:
        for i, values in enumerate(updated.values()):
            values["team_lead"] = lead.id
            values["team"] = _ids(db, *(VISIT_TEAM if i == 0 else LETTER_TEAM))
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


def _proposed(
    db: Database, days: Timeline, title: str, letters: list[int], start: int, schedule: Schedule
) -> int:
    """A plan drafted `start` working days ago and carried through steps 1 and 2, one
    working day each."""
    analyst, kasubbid, kabid = (user(db, name) for name in ("analis", "kasubbid", "kabid"))
    drafted, submitted, proposed = days.back[start], days.back[start - 1], days.back[start - 2]
    at = days.at(drafted, 9)
    plan_id = _draft(db, analyst, title, _semester(at), letters, at)
    _fill(db, analyst, plan_id, days.at(drafted, 10), schedule, None)
    _step(db, analyst, plan_id, PlanAction.SUBMIT, days.at(submitted, 9))
    _step(db, kasubbid, plan_id, PlanAction.FORWARD, days.at(submitted, 14))
    _fill(db, kabid, plan_id, days.at(proposed, 9), schedule, kabid)
    _step(db, kabid, plan_id, PlanAction.PROPOSE, days.at(proposed, 10))
    return plan_id


def make_demo_plans(db: Database, days: Timeline) -> int:
    """Create the three demo plans (demo accounts and SBM rates must exist); return how
    many."""
    today = days.today
    decided = _proposed(
        db,
        days,
        "Pemantauan tindak lanjut (contoh, sudah diputuskan)",
        _oldest_unanswered(db, today, 2, 0),
        start=23,
        schedule=Schedule(days.trip[0], days.trip[-1], *days.letter_window),
    )
    _step(
        db,
        user(db, "asdep"),
        decided,
        PlanAction.APPROVE,
        days.at(days.approved, 10, 15),
        "Laksanakan; laporkan hasil kunjungan dalam dua minggu.",
    )
    proposed = _proposed(
        db,
        days,
        "Pemantauan surat tertua (contoh, menunggu Asdep)",
        _oldest_unanswered(db, today, 3, 2),
        start=4,
        schedule=Schedule(*days.next_trip, *days.next_letters),
    )
    draft = _draft(
        db,
        user(db, "analis"),
        "Rencana bulan depan (contoh, konsep)",
        f"{_next_month(today):%Y-%m}",  # a report period: stored as "Juni 2026" with its code
        _oldest_unanswered(db, today, 2, 5),
        days.at(days.back[1], 9),
    )
    return len({decided, proposed, draft})
