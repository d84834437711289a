"""Queries behind the "Tindak Lanjut" dashboard, all over letter_facts(as_of)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pandas as pd

from dumas.queries.filters import Filters, where_clause

# The filtered set of letters: every dashboard query starts from here. The names (ag, p,
# cat) are joined only when the query or a filter reads them: at 1M the three joins were
# a fifth of an unfiltered query's time. Every letter has an agency (a foreign key), so
# leaving the inner join out keeps the same rows.
_FROM = "  FROM letter_facts($as_of) AS lf\n"
_JOINS = {
    "ag": "  JOIN agency AS ag ON ag.id = lf.agency_id\n",
    "p": "  LEFT JOIN province AS p ON p.code = lf.province_code\n",
    "cat": "  LEFT JOIN category AS cat ON cat.code = lf.category_code\n",
}

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
_SORT_NAMES = {"agency": ("ag",), "province": ("p",), "category": ("cat",)}  # tables read


def _base(
    filters: Filters, as_of: dt.date, names: tuple[str, ...] = ()
) -> tuple[str, dict[str, object]]:
    """FROM the filtered letters, with the name tables `names` (of ag, p, cat) joined."""
    where, params = where_clause(filters)
    wanted = {*names, *(("ag",) if filters.agency_categories else ())}
    joins = "".join(sql for alias, sql in _JOINS.items() if alias in wanted)
    return f"{_FROM}{joins} WHERE {where}\n", {**params, "as_of": as_of}


def summary_applies(cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date) -> bool:
    """Whether the unfiltered figures at as_of may be read from the summaries of letter_fact
    (figures.sql agency_summary_source): no filter, and as_of on or after every date they
    count, so that every letter is dated and every recorded response given by as_of."""
    if not filters.is_empty():
        return False
    latest = cur.execute("SELECT max(d) FROM day_summary").fetchall()[0][0]
    return latest is None or latest <= as_of


def kpis(cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date) -> dict[str, object]:
    """Headline figures for the filtered letters."""
    if summary_applies(cur, filters, as_of):
        return kpis_from_summary(cur, as_of)
    return kpis_from_facts(cur, filters, as_of)


def kpis_from_summary(cur: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict[str, object]:
    """kpis() of every letter from the summaries (summary_applies must hold): the same
    figures, the complaints with several letters grouped from letter_fact as there."""
    sql = """
        WITH answered AS (
            SELECT days, sum(n) AS n FROM agency_summary WHERE days IS NOT NULL GROUP BY days
        ),
        running AS (
            SELECT days, sum(n) OVER (ORDER BY days) AS upto, sum(n) OVER () AS total
              FROM answered
        ),
        ages AS (
            SELECT t.wd_index - c.wd_index AS age, s.n
              FROM day_summary AS s
              JOIN calendar_day AS c ON c.d = s.d
              JOIN calendar_day AS t ON t.d = $as_of
             WHERE s.kind = 'open'
        ),
        several AS (
            SELECT count(*) AS n, count(*) FILTER (lacking) AS lacking
              FROM (SELECT complaint_id, bool_or(first_response_on IS NULL) AS lacking
                      FROM letter_fact
                     WHERE complaint_letters > 1
                     GROUP BY complaint_id)
        ),
        letters AS (
            SELECT coalesce(sum(n), 0)::BIGINT AS forwardings,
                   coalesce(sum(n) FILTER (days IS NOT NULL), 0)::BIGINT AS answered,
                   coalesce(sum(n) FILTER (days IS NULL), 0)::BIGINT AS unanswered,
                   coalesce(sum(n) FILTER (single), 0)::BIGINT AS single,
                   coalesce(sum(n) FILTER (single AND days IS NULL), 0)::BIGINT AS single_lacking
              FROM agency_summary
        )
        SELECT letters.single + several.n AS complaints,
               letters.single_lacking + several.lacking AS complaints_lacking_response,
               letters.forwardings, letters.answered, letters.unanswered,
               response_rate(letters.answered, letters.forwardings) AS response_rate,
               (SELECT histogram_median(days, upto, total) FROM running)
                   AS median_days_to_respond,
               (SELECT coalesce(sum(n) FILTER (age > 14), 0)::BIGINT FROM ages)
                   AS unanswered_over_14,
               (SELECT coalesce(sum(n) FILTER (age > 30), 0)::BIGINT FROM ages)
                   AS unanswered_over_30,
               (SELECT coalesce(sum(n) FILTER (age > 60), 0)::BIGINT FROM ages)
                   AS unanswered_over_60
          FROM letters, several
    """
    cursor = cur.execute(sql, {"as_of": as_of})
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchall()[0], strict=True))


def kpis_from_facts(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date
) -> dict[str, object]:
    """kpis() from letter_facts(as_of): one scan, then per letter and per complaint."""
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
    if summary_applies(cur, filters, as_of):
        kind = "open" if unanswered_only else "letter"
        found = cur.execute(
            "SELECT coalesce(sum(n), 0) FROM day_summary WHERE kind = $kind", {"kind": kind}
        )
        return int(found.fetchall()[0][0])
    return letter_total_from_facts(cur, filters, as_of, unanswered_only=unanswered_only)


def letter_total_from_facts(
    cur: duckdb.DuckDBPyConnection,
    filters: Filters,
    as_of: dt.date,
    *,
    unanswered_only: bool = True,
) -> int:
    """letter_total() counted over letter_facts(as_of)."""
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
) -> pd.DataFrame:
    """One page of the filtered letters (by default those lacking a response); letter_total
    counts them all."""
    base, params = _base(filters, as_of, _SORT_NAMES.get(sort, ()))
    if unanswered_only:
        base += "   AND NOT lf.answered\n"
    key = SORT_COLUMNS.get(sort, SORT_COLUMNS["age"])
    direction = "DESC" if descending else "ASC"
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
    return frame.drop(columns="forwarding_id")


_PER_AGENCY_FACTS = """
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
"""
# The same from agency_summary (summary_applies): on time is answered within 14 working
# days (letter_facts' on_time), the median from each agency's histogram of days.
_PER_AGENCY_SUMMARY = """
    WITH counted AS (
        SELECT agency_id, days, sum(n) AS n FROM agency_summary GROUP BY agency_id, days
    ),
    running AS (
        SELECT agency_id, days,
               sum(n) OVER (PARTITION BY agency_id ORDER BY days) AS upto,
               sum(n) OVER (PARTITION BY agency_id) AS total
          FROM counted
         WHERE days IS NOT NULL
    ),
    medians AS (
        SELECT agency_id, histogram_median(days, upto, total) AS median_days
          FROM running GROUP BY agency_id
    ),
    totals AS (
        SELECT agency_id,
               sum(n)::BIGINT AS forwarded,
               coalesce(sum(n) FILTER (days <= 14), 0)::BIGINT AS on_time,
               coalesce(sum(n) FILTER (days > 14), 0)::BIGINT AS late,
               coalesce(sum(n) FILTER (days IS NULL), 0)::BIGINT AS unanswered
          FROM counted GROUP BY agency_id
    )
    SELECT ag.name AS agency,  -- unique (schema.sql): one row per agency, as grouped there
           ag.category_code,
           t.forwarded, t.on_time, t.late, t.unanswered,
           response_rate(t.forwarded - t.unanswered, t.forwarded) AS response_rate,
           m.median_days
      FROM totals AS t
      JOIN agency AS ag ON ag.id = t.agency_id
      LEFT JOIN medians AS m ON m.agency_id = t.agency_id
"""


def agency_table(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date, min_sample: int
) -> pd.DataFrame:
    """Per-agency responsiveness; ranked only with at least min_sample letters."""
    params: dict[str, object]
    if summary_applies(cur, filters, as_of):
        per_agency, params = _PER_AGENCY_SUMMARY, {}
    else:
        base, params = _base(filters, as_of, ("ag",))
        per_agency = _PER_AGENCY_FACTS.format(base=base)
    sql = f"""
        WITH per_agency AS ({per_agency})
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
    if summary_applies(cur, filters, as_of):
        sql = """
            SELECT date_trunc('month', d)::DATE AS month,
                   sum(n) FILTER (kind = 'letter')::BIGINT AS forwarded,
                   (sum(n) FILTER (kind = 'letter')
                    - coalesce(sum(n) FILTER (kind = 'open'), 0))::BIGINT AS answered
              FROM day_summary
             WHERE kind IN ('letter', 'open')
             GROUP BY month
             ORDER BY month
        """
        return cur.execute(sql).df()
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


_BUCKETS_SUMMARY = """
    SELECT age_bucket(t.wd_index - c.wd_index) AS bucket, sum(s.n)::BIGINT AS unanswered
      FROM day_summary AS s
      JOIN calendar_day AS c ON c.d = s.d
      JOIN calendar_day AS t ON t.d = $as_of
     WHERE s.kind = 'open'
     GROUP BY bucket
"""


def unanswered_by_bucket(
    cur: duckdb.DuckDBPyConnection, filters: Filters, as_of: dt.date
) -> pd.DataFrame:
    """Unanswered letters per ageing bucket, every bucket present."""
    params: dict[str, object]
    if summary_applies(cur, filters, as_of):
        counts, params = _BUCKETS_SUMMARY, {"as_of": as_of}
    else:
        base, params = _base(filters, as_of)
        counts = f"""
            SELECT lf.age_bucket AS bucket, count(*) AS unanswered
            {base}
               AND NOT lf.answered
             GROUP BY lf.age_bucket
        """
    sql = f"""
        WITH counts AS ({counts})
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
    base, params = _base(filters, as_of, ({"province": "p", "category": "cat"}[dimension],))
    sql = f"""
        SELECT coalesce({label}, '-') AS label, count(*) AS unanswered
        {base}
           AND NOT lf.answered
         GROUP BY label
         ORDER BY unanswered DESC, label
    """
    return cur.execute(sql, params).df()


# changes() from day_summary (summary_applies): the same four counts, a letter's age at a
# date being working days from its letter date to that date.
_CHANGES_SUMMARY = """
    SELECT coalesce(sum(s.n) FILTER (s.kind = 'letter' AND s.d >= $since), 0)::BIGINT
               AS new_letters,
           coalesce(sum(s.n) FILTER (s.kind = 'response' AND s.d >= $since), 0)::BIGINT
               AS responses,
           coalesce(sum(s.n) FILTER (s.kind = 'open' AND t.wd_index - c.wd_index > $overdue
                                     AND b.wd_index - c.wd_index <= $overdue), 0)::BIGINT
               AS newly_overdue,
           coalesce(sum(s.n) FILTER (s.kind = 'open' AND t.wd_index - c.wd_index > $overdue),
                    0)::BIGINT AS overdue
      FROM day_summary AS s
      JOIN calendar_day AS c ON c.d = s.d
      JOIN calendar_day AS t ON t.d = $as_of
      JOIN calendar_day AS b ON b.d = $before
"""
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
    since = as_of - dt.timedelta(days=days - 1)
    values = {"as_of": as_of, "since": since, "before": since - dt.timedelta(days=1),
              "overdue": OVERDUE_WD}  # fmt: skip
    if summary_applies(cur, filters, as_of):
        cursor = cur.execute(_CHANGES_SUMMARY, values)
        names = [d[0] for d in cursor.description]
        return {**dict(zip(names, cursor.fetchall()[0], strict=True)), "since": since}
    base, params = _base(filters, as_of)
    sql = f"""
        SELECT count(*) FILTER (lf.letter_date >= $since) AS new_letters,
               count(*) FILTER (lf.first_response_on >= $since) AS responses,
               count(*) FILTER (NOT lf.answered AND lf.age_wd > $overdue
                                AND working_days_between(lf.letter_date, $before) <= $overdue)
                   AS newly_overdue,
               count(*) FILTER (NOT lf.answered AND lf.age_wd > $overdue) AS overdue
        {base}
    """
    cursor = cur.execute(sql, {**params, **values})
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
