"""Reads behind the reminder letters in bulk (surat konfirmasi, issue 20): the letters a
user may choose from, the preview of a choice (which kind each letter is due, which are
left out and why, grouped per agency), and the letters as recorded, for their documents.

Everything is chosen, classified and counted in DuckDB over letter_facts(as_of), the one
definition of answered and age (figures.sql); Python receives the letters of the batch
only, never a whole table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import NamedTuple

import duckdb
import pandas as pd

from dumas.domain.deadlines import unit_number
from dumas.domain.reminders import (
    GAP_SETTING,
    MAX_LETTERS,
    SHOWN_LEFT_OUT,
    LeftOut,
    LeftOutLetter,
    ListedLetter,
    ReminderBatch,
    ReminderLetter,
    subject,
)
from dumas.queries.filters import Filters, where_clause


@dataclass(frozen=True)
class Selection:
    """What the user chose on "Tindak Lanjut": the letters picked by id, or every letter of
    the filters unanswered for more than `older_than` working days."""

    filters: Filters = field(default_factory=Filters)
    forwarding_ids: tuple[int, ...] | None = None  # picked; None: by age
    older_than: int = 0


# The chosen letters with what decides their reminder: how many were sent and when the last
# one was, whether it is due (the kind) or left out (the reason, in LeftOut's order), and
# the first reminder's number and date (cited by a konfirmasi II). {chosen} selects from
# letter_facts($as_of) AS lf (filters.where_clause, or the ids picked).
_CLASSIFIED = """
WITH chosen AS MATERIALIZED (
    SELECT lf.forwarding_id, lf.complaint_id, lf.agency_id, lf.agenda_no, lf.letter_no,
           lf.letter_date, lf.answered, lf.age_wd
      FROM letter_facts($as_of) AS lf
      {joins}
     WHERE {chosen}
),
sent AS (
    SELECT m.forwarding_id,
           count(*) AS sent,
           max(m.letter_date) AS last_on,
           min(m.letter_no) FILTER (m.kind = 'konfirmasi_1') AS first_no,
           min(m.letter_date) FILTER (m.kind = 'konfirmasi_1') AS first_on
      FROM reminder AS m
     WHERE m.forwarding_id IN (SELECT forwarding_id FROM chosen)
       AND m.letter_date <= $as_of
     GROUP BY m.forwarding_id
),
classified AS (
    SELECT c.*, coalesce(s.sent, 0) AS sent, s.last_on, s.first_no, s.first_on,
           CASE WHEN c.answered THEN 'answered'
                WHEN coalesce(s.sent, 0) >= 2 THEN 'reminded_twice'
                WHEN today.wd_index - last.wd_index < $gap THEN 'recently_reminded'
                WHEN c.age_wd < $gap THEN 'recently_forwarded'
           END AS left_out,
           CASE WHEN coalesce(s.sent, 0) = 0 THEN 'konfirmasi_1' ELSE 'konfirmasi_2' END
               AS kind
      FROM chosen AS c
      LEFT JOIN sent AS s USING (forwarding_id)
      LEFT JOIN calendar_day AS last ON last.d = s.last_on
     CROSS JOIN (SELECT wd_index FROM calendar_day WHERE d = $as_of) AS today
)
"""
_AGENCY_JOIN = "JOIN agency AS ag ON ag.id = lf.agency_id"  # a filter by agency category
_COUNTS = "SELECT agency_id, kind, left_out, count(*) AS n FROM classified GROUP BY ALL"
_CHECKED = """
SELECT forwarding_id, agency_id, kind, left_out, letter_date, last_on, complaint_id, agenda_no
  FROM classified
"""
_INCLUDED = """
SELECT c.forwarding_id, c.complaint_id, c.agency_id, ag.name AS agency, ag.head_title,
       ag.city, c.kind, c.agenda_no, c.letter_no, c.letter_date, c.age_wd, cp.summary,
       c.first_no, c.first_on
  FROM classified AS c
  JOIN agency AS ag ON ag.id = c.agency_id
  JOIN complaint AS cp ON cp.id = c.complaint_id
 WHERE c.left_out IS NULL
 ORDER BY ag.name, c.agency_id, c.kind, c.letter_date, c.agenda_no, c.forwarding_id
"""
_LEFT_OUT = """
SELECT c.agenda_no, c.letter_no, c.letter_date, ag.name AS agency, c.left_out, c.last_on
  FROM classified AS c
  JOIN agency AS ag ON ag.id = c.agency_id
 WHERE c.left_out IS NOT NULL
 ORDER BY ag.name, c.letter_date, c.agenda_no
 LIMIT $shown
"""


def _classified(selection: Selection, as_of: dt.date, gap: int) -> tuple[str, dict[str, object]]:
    """The _CLASSIFIED CTE for a selection, with its parameters."""
    params: dict[str, object] = {"as_of": as_of, "gap": gap}
    if selection.forwarding_ids is not None:
        chosen, joins = "lf.forwarding_id IN (SELECT unnest($ids))", ""
        params["ids"] = list(selection.forwarding_ids)
    else:
        where, filtered = where_clause(selection.filters)
        joins = _AGENCY_JOIN if selection.filters.agency_categories else ""
        chosen = f"{where}\n       AND NOT lf.answered AND lf.age_wd > $older"
        params |= {**filtered, "older": selection.older_than}
    return _CLASSIFIED.format(joins=joins, chosen=chosen), params


def gap_days(cur: duckdb.DuckDBPyConnection) -> int:
    """Working days a letter must have waited since it was forwarded or last reminded."""
    return unit_number(cur, GAP_SETTING)


def prepare(cur: duckdb.DuckDBPyConnection, selection: Selection, as_of: dt.date) -> ReminderBatch:
    """The preview of a choice at as_of: counts per agency, kind and reason; the draft
    letters (one per agency and kind) unless the batch is too large; the first letters
    left out, with their reasons."""
    gap = gap_days(cur)
    cte, params = _classified(selection, as_of, gap)
    counts = cur.execute(cte + _COUNTS, params).fetchall()
    included = [(agency, kind, n) for agency, kind, reason, n in counts if reason is None]
    left_out: dict[str, int] = {}
    for _, _, reason, n in counts:
        if reason is not None:
            left_out[reason] = left_out.get(reason, 0) + n
    total = sum(n for _, _, n in included)
    letters: tuple[ReminderLetter, ...] = ()
    if 0 < total <= MAX_LETTERS:
        letters = _drafts(cur.execute(cte + _INCLUDED, params).df())
    shown = cur.execute(cte + _LEFT_OUT, {**params, "shown": SHOWN_LEFT_OUT}).fetchall()
    return ReminderBatch(
        as_of=as_of,
        gap_days=gap,
        included=total,
        agencies=len({agency for agency, _, _ in included}),
        left_out={r.value: left_out[r.value] for r in LeftOut if r.value in left_out},
        letters=letters,
        left_out_letters=tuple(LeftOutLetter(*row) for row in shown),
    )


class Due(NamedTuple):
    """A chosen forwarding letter as the write checks it."""

    agency_id: int
    kind: str  # the reminder it is due
    left_out: str | None  # LeftOut, or None when it is due one
    letter_date: dt.date
    last_on: dt.date | None  # its last reminder's date
    complaint_id: int
    agenda_no: str


def classify(
    cur: duckdb.DuckDBPyConnection, forwarding_ids: Sequence[int], as_of: dt.date
) -> dict[int, Due]:
    """For the service's check: each forwarding letter (that exists by as_of) as classified
    for a preview at as_of."""
    cte, params = _classified(Selection(forwarding_ids=tuple(forwarding_ids)), as_of, gap_days(cur))
    rows = cur.execute(cte + _CHECKED, params).fetchall()
    return {row[0]: Due(*row[1:]) for row in rows}


def _drafts(frame: pd.DataFrame) -> tuple[ReminderLetter, ...]:
    """The included letters (sorted by agency and kind) as one draft letter each."""
    records = frame.to_dict("records")
    letters = []
    for (agency_id, kind), rows in groupby(records, key=lambda r: (r["agency_id"], r["kind"])):
        listed = list(rows)
        first = listed[0]
        letters.append(
            ReminderLetter(
                agency_id=int(agency_id),
                agency=first["agency"],
                agency_head=_text(first["head_title"]),
                agency_city=_text(first["city"]),
                kind=kind,
                letters=tuple(_listed(r) for r in listed),
            )
        )
    return tuple(letters)


def _listed(row: dict) -> ListedLetter:
    return ListedLetter(
        forwarding_id=int(row["forwarding_id"]),
        complaint_id=int(row["complaint_id"]),
        agenda_no=row["agenda_no"],
        letter_no=row["letter_no"],
        letter_date=_day(row["letter_date"]),
        subject=subject(_text(row["summary"])),
        age_wd=None if pd.isna(row["age_wd"]) else int(row["age_wd"]),
        first_reminder_no=_text(row["first_no"]),
        first_reminder_on=None if pd.isna(row["first_on"]) else _day(row["first_on"]),
    )


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)


def _day(value: object) -> dt.date:
    """A date column's value (pandas gives Timestamps) as a date."""
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(value)


def candidates(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date, limit: int
) -> pd.DataFrame:
    """The filtered unanswered letters to pick from, oldest first, with the reminders sent."""
    where, params = where_clause(filters)
    sql = f"""
        WITH oldest AS (
            SELECT lf.forwarding_id, lf.agenda_no, lf.letter_no, lf.letter_date,
                   lf.agency_id, lf.age_wd, lf.reminders
              FROM letter_facts($as_of) AS lf
              {_AGENCY_JOIN if filters.agency_categories else ""}
             WHERE {where}
               AND NOT lf.answered
             ORDER BY lf.age_wd DESC, lf.letter_date, lf.forwarding_id
             LIMIT $limit
        )
        SELECT o.forwarding_id, o.agenda_no, o.letter_no, o.letter_date, ag.name AS agency,
               o.age_wd, o.reminders
          FROM oldest AS o
          JOIN agency AS ag ON ag.id = o.agency_id
         ORDER BY o.age_wd DESC, o.letter_date, o.forwarding_id
    """  # noqa: S608 - structure only; values are parameters
    return cur.execute(sql, {**params, "as_of": as_of, "limit": limit}).df()


def recorded_letters(
    cur: duckdb.DuckDBPyConnection, letter_ids: Sequence[int]
) -> list[ReminderLetter]:
    """Recorded konfirmasi letters (reminder_letter ids) as their documents print them: each
    listed letter's age at the reminder's own date, by letter_facts at that date."""
    heads = cur.execute(
        """
        SELECT l.id, l.agency_id, ag.name, ag.head_title, ag.city, l.kind, l.letter_no,
               l.letter_date
          FROM reminder_letter AS l
          JOIN agency AS ag ON ag.id = l.agency_id
         WHERE l.id IN (SELECT unnest($ids))
         ORDER BY ag.name, l.agency_id, l.kind, l.id
        """,
        {"ids": list(letter_ids)},
    ).fetchall()
    listed: dict[int, list[ListedLetter]] = {}
    for day in sorted({head[7] for head in heads}):
        ids = [head[0] for head in heads if head[7] == day]
        for row in cur.execute(_AS_RECORDED, {"ids": ids, "as_of": day}).df().to_dict("records"):
            listed.setdefault(int(row["letter_id"]), []).append(_listed(row))
    return [
        ReminderLetter(
            agency_id=agency_id,
            agency=agency,
            agency_head=head,
            agency_city=city,
            kind=kind,
            letters=tuple(listed.get(letter_id, [])),
            letter_no=number,
            letter_date=on,
            id=letter_id,
        )
        for letter_id, agency_id, agency, head, city, kind, number, on in heads
    ]


# The letters each recorded reminder letter lists, with the first reminder of a konfirmasi II.
_AS_RECORDED = """
SELECT m.letter_id, lf.forwarding_id, lf.complaint_id, lf.agenda_no, lf.letter_no,
       lf.letter_date, lf.age_wd, cp.summary, first.letter_no AS first_no,
       first.letter_date AS first_on
  FROM reminder AS m
  JOIN letter_facts($as_of) AS lf ON lf.forwarding_id = m.forwarding_id
  JOIN complaint AS cp ON cp.id = lf.complaint_id
  LEFT JOIN reminder AS first
    ON first.forwarding_id = m.forwarding_id AND first.kind = 'konfirmasi_1'
   AND m.kind = 'konfirmasi_2'
 WHERE m.letter_id IN (SELECT unnest($ids))
 ORDER BY m.letter_id, lf.letter_date, lf.agenda_no, lf.forwarding_id
"""
