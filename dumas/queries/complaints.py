"""Queries behind the complaint detail page."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd


def by_agenda(cur: duckdb.DuckDBPyConnection, agenda_no: str) -> dict[str, object] | None:
    """The complaint with its reference names, or None when the agenda number is unknown.

    The complainant's name and contact are not read here: only the audited reveal service
    returns them, to roles allowed them.
    """
    cursor = cur.execute(
        """
        SELECT c.id,
               c.agenda_no,
               c.received_on,
               c.channel,
               p.name AS province,
               c.regency,
               ra.name AS reported_agency,
               c.problem_code,
               pc.code || ' ' || pc.name AS problem,
               cat.name AS category,
               c.summary
          FROM complaint AS c
          LEFT JOIN province AS p ON p.code = c.province_code
          LEFT JOIN agency AS ra ON ra.id = c.reported_agency_id
          LEFT JOIN problem_code AS pc ON pc.code = c.problem_code
          LEFT JOIN category AS cat ON cat.code = c.category_code
         WHERE c.agenda_no = $agenda_no
        """,
        {"agenda_no": agenda_no.strip()},
    )
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def letters_of(cur: duckdb.DuckDBPyConnection, complaint_id: int, as_of: dt.date) -> pd.DataFrame:
    """The complaint's forwarding letters with their figures at as_of."""
    return cur.execute(
        """
        SELECT lf.forwarding_id,
               lf.agency_id,
               ag.name AS agency,
               lf.letter_no,
               lf.letter_date,
               lf.answered,
               lf.first_response_on,
               lf.days_to_respond,
               lf.age_wd,
               lf.reminders,
               lf.last_status
          FROM letter_facts($as_of) AS lf
          JOIN agency AS ag ON ag.id = lf.agency_id
         WHERE lf.complaint_id = $complaint_id
         ORDER BY ag.name, lf.letter_date
        """,
        {"complaint_id": complaint_id, "as_of": as_of},
    ).df()


def timeline(cur: duckdb.DuckDBPyConnection, complaint_id: int) -> pd.DataFrame:
    """Forwarding letters, reminders and responses of a complaint, per agency by date."""
    return cur.execute(
        """
        SELECT ag.name AS agency, e.event_date, e.kind, e.letter_no, e.status, e.detail
          FROM (
                SELECT f.agency_id, f.letter_date AS event_date, 'forwarding' AS kind,
                       f.letter_no, NULL AS status, NULL AS detail, 1 AS pos
                  FROM forwarding AS f
                 WHERE f.complaint_id = $complaint_id
                 UNION ALL
                SELECT f.agency_id, m.letter_date, m.kind, m.letter_no, NULL, NULL, 2
                  FROM reminder AS m
                  JOIN forwarding AS f ON f.id = m.forwarding_id
                 WHERE f.complaint_id = $complaint_id
                 UNION ALL
                SELECT r.agency_id, r.response_date, 'response', r.letter_no, r.status,
                       r.summary, 3
                  FROM response AS r
                 WHERE r.complaint_id = $complaint_id
               ) AS e
          JOIN agency AS ag ON ag.id = e.agency_id
         ORDER BY ag.name, e.event_date, e.pos, e.letter_no
        """,
        {"complaint_id": complaint_id},
    ).df()
