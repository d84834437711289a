"""Queries behind the "Tindak Lanjut" dashboard, all over letter_facts(as_of)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from dumas.queries.filters import Filters, where_clause

# The filtered set of letters: every dashboard query starts from here.
_BASE = """
  FROM letter_facts($as_of) AS lf
  JOIN agency AS ag ON ag.id = lf.agency_id
  LEFT JOIN province AS p ON p.code = lf.province_code
  LEFT JOIN category AS cat ON cat.code = lf.category_code
 WHERE {where}
"""

# Sortable columns of the letter list, each with the expression it ranks by: an allow-list,
# never user text.
SORT_COLUMNS = {
    "age": "lf.age_wd",
    "letter_date": "lf.letter_date",
    "agenda_no": "lf.agenda_no",
    "agency": "ag.name",
    "province": "p.name",
    "category": "cat.name",
    "reminders": "lf.reminders",
}


def _base(filters: Filters, as_of: dt.date) -> tuple[str, dict[str, object]]:
    where, params = where_clause(filters)
    return _BASE.format(where=where), {**params, "as_of": as_of}


def kpis(cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date) -> dict[str, object]:
    """Headline figures for the filtered letters (one scan, then per letter and per complaint)."""
    base, params = _base(filters, as_of)
    sql = f"""
        WITH filtered AS MATERIALIZED (
            SELECT lf.complaint_id, lf.complaint_letters, lf.answered, lf.days_to_respond,
                   lf.age_wd
            {base}
        ),
        single AS (  -- a complaint with one letter: that letter says it all
            SELECT count(*) AS n, count(*) FILTER (NOT answered) AS lacking
              FROM filtered
             WHERE complaint_letters = 1
        ),
        per_complaint AS (  -- the others, by complaint (only its filtered letters count)
            SELECT complaint_id, bool_or(NOT answered) AS lacking
              FROM filtered
             WHERE complaint_letters > 1
             GROUP BY complaint_id
        ),
        several AS (
            SELECT count(*) AS n, count(*) FILTER (lacking) AS lacking FROM per_complaint
        ),
        complaints AS (
            SELECT single.n + several.n AS complaints,
                   single.lacking + several.lacking AS complaints_lacking_response
              FROM single, several
        ),
        letters AS (
            SELECT count(*) AS forwardings,
                   count(*) FILTER (answered) AS answered,
                   count(*) FILTER (NOT answered) AS unanswered,
                   response_rate(count(*) FILTER (answered), count(*)) AS response_rate,
                   median(days_to_respond) AS median_days_to_respond,
                   count(*) FILTER (age_wd > 14) AS unanswered_over_14,
                   count(*) FILTER (age_wd > 30) AS unanswered_over_30,
                   count(*) FILTER (age_wd > 60) AS unanswered_over_60
              FROM filtered
        )
        SELECT * FROM complaints, letters
    """  # noqa: S608 - structure only; values are parameters
    cursor = cur.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))


def letter_total(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: dt.date,
    *,
    unanswered_only: bool = True,
) -> int:
    """How many filtered letters the list holds (a count alone: the page needs it before it
    asks for its rows, and ranking every letter for it cost five times as much at 1M)."""
    base, params = _base(filters, as_of)
    if unanswered_only:
        base += "   AND NOT lf.answered\n"
    return int(cur.execute(f"SELECT count(*) {base}", params).fetchall()[0][0])


def letters(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: dt.date,
    *,
    unanswered_only: bool = True,
    sort: str = "age",
    descending: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> tuple[pd.DataFrame, int]:
    """One page of the filtered letters (by default those lacking a response), and the total."""
    base, params = _base(filters, as_of)
    if unanswered_only:
        base += "   AND NOT lf.answered\n"
    key = SORT_COLUMNS.get(sort, SORT_COLUMNS["age"])
    direction = "DESC" if descending else "ASC"
    total = letter_total(cur, filters, as_of, unanswered_only=unanswered_only)
    # Rank on the narrow sort key alone, then read the page's wide columns (names, the
    # complaint's summary) for its rows only: at 1M a page with its count took 40 ms
    # instead of 70, with identical rows for every sort, direction and scope.
    sql = f"""
        WITH ranked AS (
            SELECT lf.forwarding_id, {key} AS sort_key, lf.letter_date
            {base}
             ORDER BY sort_key {direction} NULLS LAST, lf.letter_date, lf.forwarding_id
             LIMIT $limit OFFSET $offset
        )
        SELECT lf.forwarding_id, lf.agenda_no, lf.letter_no, lf.letter_date,
               ag.name AS agency, p.name AS province, cat.name AS category, lf.age_wd,
               lf.reminders, lf.last_status, lf.first_response_on, lf.days_to_respond,
               c.summary
          FROM ranked
          JOIN letter_facts($as_of) AS lf ON lf.forwarding_id = ranked.forwarding_id
          JOIN agency AS ag ON ag.id = lf.agency_id
          LEFT JOIN province AS p ON p.code = lf.province_code
          LEFT JOIN category AS cat ON cat.code = lf.category_code
          JOIN complaint AS c ON c.id = lf.complaint_id
         ORDER BY ranked.sort_key {direction} NULLS LAST, ranked.letter_date,
                  ranked.forwarding_id
    """  # noqa: S608 - the key and direction come from SORT_COLUMNS and a bool
    frame = cur.execute(sql, {**params, "limit": limit, "offset": offset}).df()
    return frame.drop(columns="forwarding_id"), int(total)


def agency_table(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date, min_sample: int
) -> pd.DataFrame:
    """Per-agency responsiveness; ranked only with at least min_sample letters."""
    base, params = _base(filters, as_of)
    sql = f"""
        WITH per_agency AS (
            SELECT ag.name AS agency,
                   ag.category_code,
                   count(*) AS forwarded,
                   count(*) FILTER (lf.on_time) AS on_time,
                   count(*) FILTER (lf.answered AND NOT lf.on_time) AS late,
                   count(*) FILTER (NOT lf.answered) AS unanswered,
                   response_rate(count(*) FILTER (lf.answered), count(*)) AS response_rate,
                   median(lf.days_to_respond) AS median_days
            {base}
             GROUP BY ag.name, ag.category_code
        )
        SELECT CASE WHEN forwarded >= $min_sample
                    THEN rank() OVER (
                        PARTITION BY forwarded >= $min_sample
                        ORDER BY response_rate DESC, median_days ASC NULLS LAST
                    )
               END AS rank,
               per_agency.*
          FROM per_agency
         ORDER BY rank NULLS LAST, forwarded DESC, agency
    """  # noqa: S608
    return cur.execute(sql, {**params, "min_sample": min_sample}).df()


def monthly(cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date) -> pd.DataFrame:
    """Letters forwarded per month, and how many of them are answered by as_of."""
    base, params = _base(filters, as_of)
    sql = f"""
        SELECT date_trunc('month', lf.letter_date)::DATE AS month,
               count(*) AS forwarded,
               count(*) FILTER (lf.answered) AS answered
        {base}
         GROUP BY month
         ORDER BY month
    """
    return cur.execute(sql, params).df()


def unanswered_by_bucket(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date
) -> pd.DataFrame:
    """Unanswered letters per ageing bucket, every bucket present."""
    base, params = _base(filters, as_of)
    sql = f"""
        WITH counts AS (
            SELECT lf.age_bucket AS bucket, count(*) AS unanswered
            {base}
               AND NOT lf.answered
             GROUP BY lf.age_bucket
        )
        SELECT b.bucket, coalesce(counts.unanswered, 0) AS unanswered
          FROM (VALUES (1, '0_14'), (2, '15_30'), (3, '31_60'), (4, 'over_60')) AS b (pos, bucket)
          LEFT JOIN counts USING (bucket)
         ORDER BY b.pos
    """  # noqa: S608
    return cur.execute(sql, params).df()


def unanswered_by(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date, dimension: str
) -> pd.DataFrame:
    """Unanswered letters per province or per category, largest first."""
    label = {"province": "p.name", "category": "cat.name"}[dimension]
    base, params = _base(filters, as_of)
    sql = f"""
        SELECT coalesce({label}, '-') AS label, count(*) AS unanswered
        {base}
           AND NOT lf.answered
         GROUP BY label
         ORDER BY unanswered DESC, label
    """
    return cur.execute(sql, params).df()


CHANGE_DAYS = 7  # "what changed": the last seven days, today included
OVERDUE_WD = 14  # a letter unanswered after 14 working days is overdue (kpi.over_14)


def changes(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date, days: int = CHANGE_DAYS
) -> dict[str, Any]:
    """What changed among the filtered letters in the `days` days up to as_of, from the
    defined facts of letter_facts(as_of) (docs/figures.md): letters dated in the window,
    letters whose first response is dated in it, and letters unanswered today that passed
    14 working days in it (14 or fewer on the day before it began: working_days_between),
    with all unanswered letters over 14 working days for scale."""
    base, params = _base(filters, as_of)
    since = as_of - dt.timedelta(days=days - 1)
    sql = f"""
        SELECT count(*) FILTER (lf.letter_date >= $since) AS new_letters,
               count(*) FILTER (lf.first_response_on >= $since) AS responses,
               count(*) FILTER (NOT lf.answered AND lf.age_wd > $overdue
                                AND working_days_between(lf.letter_date, $before) <= $overdue)
                   AS newly_overdue,
               count(*) FILTER (NOT lf.answered AND lf.age_wd > $overdue) AS overdue
        {base}
    """
    values = {**params, "since": since, "before": since - dt.timedelta(days=1),
              "overdue": OVERDUE_WD}  # fmt: skip
    cursor = cur.execute(sql, values)
    names = [d[0] for d in cursor.description]
    found = dict(zip(names, cursor.fetchall()[0], strict=True))
    return {**found, "since": since}


def summary(cur: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, int]:
    """Whole-database counts for `python -m dumas summary`."""
    sql = """
        SELECT (SELECT count(*) FROM complaint) AS complaints,
               (SELECT count(*) FROM forwarding) AS forwardings,
               (SELECT count(*) FROM reminder) AS reminders,
               (SELECT count(*) FROM response) AS responses,
               (SELECT count(*) FROM letter_facts($as_of) WHERE NOT answered)
                   AS lacking_response,
               (SELECT count(DISTINCT complaint_id) FROM letter_facts($as_of) WHERE NOT answered)
                   AS complaints_lacking_response,
               (SELECT count(*) FROM agency) AS agencies
    """
    cursor = cur.execute(sql, {"as_of": as_of})
    names = [d[0] for d in cursor.description]
    return {n: int(v) for n, v in zip(names, cursor.fetchone(), strict=True)}
