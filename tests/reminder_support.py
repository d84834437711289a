"""A follow-up database at a realistic size for the reminder letters in bulk (issue 20):
40 agencies with 11 forwarding letters each (440), one of every case a batch meets.

Per agency, on TODAY (27 November 2026, the default gap of 14 working days):
  5 never reminded, forwarded in June            -> konfirmasi I
  2 reminded once on 1 September                 -> konfirmasi II
  1 reminded twice (May, August)                 -> left out: reminded_twice
  1 answered in May                              -> left out: answered
  1 reminded on 20 November (5 working days ago) -> left out: recently_reminded
  1 forwarded on 23 November (4 working days)    -> left out: recently_forwarded
The first agency lacks its head's title, the second its city (the letters print dots).
Written in bulk and made consistent by facts.refresh, as an import writes.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from dumas.db import Database, facts
from tests.conftest import built_on_template

AGENCIES = 40
PER_AGENCY = 11
FRESH, SECOND = 5, 2  # due konfirmasi I, konfirmasi II
LEFT_OUT = ("reminded_twice", "answered", "recently_reminded", "recently_forwarded")
INCLUDED = AGENCIES * (FRESH + SECOND)  # 280
D = dt.date

# (case, forwarding date, reminders (kind, date), response date)
CASES: list[tuple[str, dt.date, list[tuple[str, dt.date]], dt.date | None]] = [
    *[("fresh", D(2026, 6, 1 + i), [], None) for i in range(FRESH)],
    *[
        ("second", D(2026, 3, 2 + i), [("konfirmasi_1", D(2026, 9, 1))], None)
        for i in range(SECOND)
    ],
    (
        "reminded_twice",
        D(2026, 2, 2),
        [("konfirmasi_1", D(2026, 5, 4)), ("konfirmasi_2", D(2026, 8, 3))],
        None,
    ),
    ("answered", D(2026, 4, 1), [], D(2026, 5, 4)),
    ("recently_reminded", D(2026, 5, 4), [("konfirmasi_1", D(2026, 11, 20))], None),
    ("recently_forwarded", D(2026, 11, 23), [], None),
]


def built(template: Path, factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The world, written once per run (conftest.built_on_template), and what fill returned."""
    return built_on_template(factory, "reminders", template, lambda db, _: fill(db))


def copy_of(world: tuple[Path, dict[str, object]], folder: Path) -> Path:
    """A test's own copy of the world's database."""
    path = folder / "dumas.duckdb"
    shutil.copy(world[0], path)
    return path


def agenda(agency: int, case: int) -> str:
    """The agenda number of an agency's (0-based) case letter."""
    return f"KF-{agency:02d}-{case:02d}"


def fill(db: Database) -> dict[str, object]:
    """Write the world; returns the agencies' ids and names, in order."""
    with db.transaction() as cur:
        agencies = cur.execute(
            "SELECT id, name FROM agency WHERE head_title IS NOT NULL AND city IS NOT NULL"
            " ORDER BY id LIMIT $n",
            {"n": AGENCIES},
        ).fetchall()
        ids = [a for a, _ in agencies]
        cur.execute("UPDATE agency SET head_title = NULL WHERE id = $id", {"id": ids[0]})
        cur.execute("UPDATE agency SET city = NULL WHERE id = $id", {"id": ids[1]})
        _letters(cur, ids)
        facts.refresh(cur)
    return {"agency_ids": ids, "names": [n for _, n in agencies]}


def _letters(cur, agency_ids: list[int]) -> None:
    complaints, forwardings, letters, reminders, responses = [], [], [], [], []
    for a, agency_id in enumerate(agency_ids):
        for c, (case, forwarded, sent, answered) in enumerate(CASES):
            n = len(complaints) + 1
            complaints.append(
                (
                    n,
                    agenda(a, c),
                    forwarded - dt.timedelta(days=7),
                    f"Pengaduan {case} nomor {n} tentang pelayanan publik",
                )
            )
            forwardings.append((n, n, agency_id, f"B-{n}/Kemensetneg/D-4/DM.04.00/2026", forwarded))
            for kind, on in sent:
                m = len(reminders) + 1
                number = f"B-{9000 + m}/Kemensetneg/D-4/DM.04.01/2026"
                letters.append((m, agency_id, kind, number, on))
                reminders.append((m, n, kind, number, on, m))
            if answered:
                responses.append((len(responses) + 1, n, agency_id, f"T-{n}", answered))
    cur.executemany(
        "INSERT INTO complaint (id, agenda_no, received_on, channel, summary)"
        " VALUES (?, ?, ?, 'surat', ?)",
        complaints,
    )
    cur.executemany(
        "INSERT INTO forwarding (id, complaint_id, agency_id, letter_no, letter_date)"
        " VALUES (?, ?, ?, ?, ?)",
        forwardings,
    )
    cur.executemany(
        "INSERT INTO reminder_letter (id, agency_id, kind, letter_no, letter_date)"
        " VALUES (?, ?, ?, ?, ?)",
        letters,
    )
    cur.executemany(
        "INSERT INTO reminder (id, forwarding_id, kind, letter_no, letter_date, letter_id)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        reminders,
    )
    cur.executemany(
        "INSERT INTO response (id, complaint_id, agency_id, letter_no, response_date, status)"
        " VALUES (?, ?, ?, ?, ?, 'selesai')",
        responses,
    )
