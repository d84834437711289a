"""The tables of the periodic report, aggregated in DuckDB with the dashboard's figures.

Every letter figure reads letter_facts(as_of) with as_of = the period's end (docs/figures.md:
"a report at the period's end takes D = the period's last day"); complaints belong to the
period of their date received, letters to the period of their own date. Each table gives
the period, the period before and the same period a year earlier side by side.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from dumas.domain.periods import Period

# What the count tables count, by the code they group by (an allow-list of SQL fragments:
# nothing here comes from input): the rows, the date that places a row in a period, the code.
_COMPLAINTS = ("complaint AS c", "c.received_on")
_LETTERS = ("forwarding AS f JOIN agency AS ag ON ag.id = f.agency_id", "f.letter_date")
COUNTED = {
    "channel": (*_COMPLAINTS, "c.channel"),
    "problem_code": (*_COMPLAINTS, "c.problem_code"),
    "category": (*_COMPLAINTS, "c.category_code"),
    "province": (*_COMPLAINTS, "c.province_code"),
    "agency_category": (*_LETTERS, "ag.category_code"),
}


def _three(period: Period) -> dict[str, object]:
    """Parameters of the period, the one before, and the same period a year earlier."""
    before, ago = period.previous(), period.year_ago()
    return {"s": period.start, "e": period.end, "ps": before.start, "pe": before.end,
            "ys": ago.start, "ye": ago.end}  # fmt: skip


def _counted(cur: duckdb.DuckDBPyConnection, what: str, period: Period) -> pd.DataFrame:
    """Rows counted by code in the period, the one before and a year earlier; a code seen
    in any of the three keeps its row (unknown codes as '?')."""
    rows, day, code = COUNTED[what]
    return cur.execute(
        f"""
        SELECT * FROM (
            SELECT coalesce({code}, '?') AS code,
                   count(*) FILTER ({day} BETWEEN $s AND $e) AS current,
                   count(*) FILTER ({day} BETWEEN $ps AND $pe) AS previous,
                   count(*) FILTER ({day} BETWEEN $ys AND $ye) AS year_ago
              FROM {rows}
             WHERE {day} BETWEEN $ys AND $e
             GROUP BY 1
        )
         WHERE current + previous + year_ago > 0
         ORDER BY current DESC, code
        """,  # noqa: S608 - every fragment comes from COUNTED
        _three(period),
    ).df()


def received_by(cur: duckdb.DuckDBPyConnection, dimension: str, period: Period) -> pd.DataFrame:
    """Table 1-2: complaints received, by channel, problem code, category or province."""
    if COUNTED[dimension][0] != _COMPLAINTS[0]:
        raise KeyError(dimension)
    return _counted(cur, dimension, period)


def forwarded_by_agency(cur: duckdb.DuckDBPyConnection, period: Period, top: int) -> pd.DataFrame:
    """Table 3: forwarding letters dated in the period, the top agencies, then the rest."""
    return cur.execute(
        """
        WITH per_agency AS (
            SELECT ag.name AS agency, ac.name AS agency_category,
                   count(*) FILTER (f.letter_date BETWEEN $s AND $e) AS current,
                   count(*) FILTER (f.letter_date BETWEEN $ps AND $pe) AS previous,
                   count(*) FILTER (f.letter_date BETWEEN $ys AND $ye) AS year_ago
              FROM forwarding AS f
              JOIN agency AS ag ON ag.id = f.agency_id
              LEFT JOIN agency_category AS ac ON ac.code = ag.category_code
             WHERE f.letter_date BETWEEN $ys AND $e
             GROUP BY ALL
        ),
        ranked AS (
            SELECT *, row_number() OVER (ORDER BY current DESC, agency) AS n FROM per_agency
        )
        SELECT agency, agency_category, current, previous, year_ago FROM ranked
         WHERE n <= $top AND current > 0
        UNION ALL
        SELECT NULL, NULL, sum(current), sum(previous), sum(year_ago) FROM ranked
         WHERE n > $top OR current = 0
        HAVING sum(current) + sum(previous) + sum(year_ago) > 0
        """,
        {**_three(period), "top": top},
    ).df()


def forwarded_by_category(cur: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Table 3b: forwarding letters dated in the period, by agency category."""
    return _counted(cur, "agency_category", period)


def response_status(cur: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Table 4: per agency, letters dated in the period and their fate by the period's
    end: answered within 14 working days, late, not yet; the response rate. The last row
    (agency NULL) is the total, computed by the same SQL."""
    return cur.execute(
        """
        SELECT ag.name AS agency,
               count(*) AS forwarded,
               count(*) FILTER (lf.on_time) AS on_time,
               count(*) FILTER (lf.answered AND NOT lf.on_time) AS late,
               count(*) FILTER (NOT lf.answered) AS not_yet,
               response_rate(count(*) FILTER (lf.answered), count(*)) AS response_rate
          FROM letter_facts($e) AS lf
          JOIN agency AS ag ON ag.id = lf.agency_id
         WHERE lf.letter_date BETWEEN $s AND $e
         GROUP BY GROUPING SETS ((ag.name), ())
         ORDER BY agency IS NULL, forwarded DESC, agency
        """,
        {"s": period.start, "e": period.end},
    ).df()


def ageing_at_end(cur: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Table 5: letters still unanswered at the end of each period, by age bucket."""
    before, ago = period.previous(), period.year_ago()
    return cur.execute(
        """
        WITH buckets AS (SELECT unnest(['0_14', '15_30', '31_60', 'over_60']) AS bucket),
        counted AS (
            SELECT 'current' AS which, age_bucket AS bucket, count(*) AS n
              FROM letter_facts($e) WHERE NOT answered GROUP BY ALL
            UNION ALL
            SELECT 'previous', age_bucket, count(*) FROM letter_facts($pe)
             WHERE NOT answered GROUP BY ALL
            UNION ALL
            SELECT 'year_ago', age_bucket, count(*) FROM letter_facts($ye)
             WHERE NOT answered GROUP BY ALL
        )
        SELECT b.bucket,
               coalesce(sum(n) FILTER (which = 'current'), 0)::BIGINT AS current,
               coalesce(sum(n) FILTER (which = 'previous'), 0)::BIGINT AS previous,
               coalesce(sum(n) FILTER (which = 'year_ago'), 0)::BIGINT AS year_ago
          FROM buckets AS b LEFT JOIN counted AS c ON c.bucket = b.bucket
         GROUP BY b.bucket
         ORDER BY list_position(['0_14', '15_30', '31_60', 'over_60'], b.bucket)
        """,
        {"e": period.end, "pe": before.end, "ye": ago.end},
    ).df()


def trend(cur: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Table 8: the headline figures of the period, the one before, a year earlier."""
    rows = []
    for which, p in (("current", period), ("previous", period.previous()),
                     ("year_ago", period.year_ago())):  # fmt: skip
        figures = cur.execute(_TREND, {"s": p.start, "e": p.end}).fetchall()[0]
        rows.append((which, *figures))
    frame = pd.DataFrame(rows, columns=["which", *_TREND_FIGURES])
    return frame.set_index("which").T.reset_index(names="figure")


_TREND_FIGURES = ("received", "forwarded", "answered", "response_rate", "unanswered_at_end",
                  "monitorings_approved")  # fmt: skip
_TREND = """
SELECT (SELECT count(*) FROM complaint WHERE received_on BETWEEN $s AND $e),
       count(*) FILTER (lf.letter_date >= $s),
       count(*) FILTER (lf.letter_date >= $s AND lf.answered),
       response_rate(count(*) FILTER (lf.letter_date >= $s AND lf.answered),
                     count(*) FILTER (lf.letter_date >= $s)),
       count(*) FILTER (NOT lf.answered),
       (SELECT count(*) FROM monitoring WHERE jakarta_date(approved_at) BETWEEN $s AND $e)
  FROM letter_facts($e) AS lf
"""


def monitoring_summary(cur: duckdb.DuckDBPyConnection, period: Period) -> dict[str, object]:
    """Table 6: each monitoring fact in the period it happened (docs/figures.md
    "Monitorings"): approved (direct, indirect) by the approval day, carried out by the
    last day of the execution log, reports accepted and monitorings closed by those days,
    letters clarified (their complaints, their findings) by the day the result was
    recorded, letters answered after monitoring by the response's date."""
    params = {"s": period.start, "e": period.end}
    counts = cur.execute(_MONITORING_COUNTS, params).fetchall()[0]
    findings = cur.execute(
        """
        SELECT r.result, count(*) AS letters
          FROM monitoring_result AS r
         WHERE jakarta_date(r.recorded_at) BETWEEN $s AND $e
         GROUP BY r.result ORDER BY letters DESC, r.result
        """,
        params,
    ).df()
    return {**dict(zip(MONITORING_FIGURES, counts, strict=True)), "findings": findings}


MONITORING_FIGURES = ("approved", "approved_direct", "approved_indirect", "carried_out",
                      "reports_accepted", "closed", "complaints", "letters",
                      "answered_after")  # fmt: skip
_MONITORING_COUNTS = """
WITH md AS (SELECT * FROM monitoring_dates()),
clarified AS (
    SELECT r.forwarding_id FROM monitoring_result AS r
     WHERE jakarta_date(r.recorded_at) BETWEEN $s AND $e
)
SELECT count(*) FILTER (md.approved_on BETWEEN $s AND $e),
       count(*) FILTER (md.approved_on BETWEEN $s AND $e AND md.method = 'kunjungan_lapangan'),
       count(*) FILTER (md.approved_on BETWEEN $s AND $e AND md.method <> 'kunjungan_lapangan'),
       count(*) FILTER (md.carried_out_on BETWEEN $s AND $e),
       count(*) FILTER (md.accepted_on BETWEEN $s AND $e),
       count(*) FILTER (md.closed_on BETWEEN $s AND $e),
       (SELECT count(DISTINCT f.complaint_id) FROM clarified AS c
          JOIN forwarding AS f ON f.id = c.forwarding_id),
       (SELECT count(*) FROM clarified),
       (SELECT count(*) FROM letter_facts($e) AS lf
         WHERE lf.answered AND lf.first_response_on BETWEEN $s AND $e
           AND EXISTS (SELECT 1 FROM monitoring_letter AS ml
                         JOIN monitoring_dates() AS d ON d.monitoring_id = ml.monitoring_id
                        WHERE ml.forwarding_id = lf.forwarding_id
                          AND d.approved_on <= lf.first_response_on))
  FROM md
"""


def money(cur: duckdb.DuckDBPyConnection, period: Period) -> pd.DataFrame:
    """Table 7: direct monitorings approved in the period (the approval's day in Asia/Jakarta),
    planned against actual (whole rupiah, summed in SQL); planned is the cost lines' plan,
    else the matrix estimate."""
    return cur.execute(
        """
        SELECT ag.name AS agency, m.id AS monitoring_id,
               coalesce(sum(c.planned), any_value(m.estimated_cost))::BIGINT AS planned,
               CASE WHEN count(c.id) > 0 AND count(c.actual) = count(c.id)
                    THEN sum(c.actual) END::BIGINT AS actual
          FROM monitoring AS m
          JOIN agency AS ag ON ag.id = m.agency_id
          LEFT JOIN monitoring_cost AS c ON c.monitoring_id = m.id
         WHERE m.method = 'kunjungan_lapangan'
           AND jakarta_date(m.approved_at) BETWEEN $s AND $e
         GROUP BY ag.name, m.id
         ORDER BY m.id
        """,
        {"s": period.start, "e": period.end},
    ).df()
