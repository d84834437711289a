"""The follow-up database in the import layout: one row per forwarding letter and response."""

from __future__ import annotations

import duckdb
import pandas as pd


def import_layout(cur: duckdb.DuckDBPyConnection, limit: int | None = None) -> pd.DataFrame:
    """Every complaint with its letters and responses, as the importer reads them back.

    A response sits on the row of the latest letter to its agency dated on or before it;
    a letter with several responses has a row for each, a letter without one a row of its
    own, and a complaint never forwarded a row with only its own columns. A coded value
    an import kept as written is in <column>_raw too (files.export_xlsx writes it back).
    """
    return cur.execute(
        """
        WITH placed AS (
            SELECT r.id AS response_id,
                   arg_max(f.id, f.letter_date) AS forwarding_id
              FROM response AS r
              JOIN forwarding AS f
                ON f.complaint_id = r.complaint_id
               AND f.agency_id = r.agency_id
               AND f.letter_date <= r.response_date
             GROUP BY r.id
        )
        SELECT c.agenda_no,
               c.received_on,
               c.complainant_name,
               c.channel,
               p.name AS province,
               c.regency,
               ra.name AS reported_agency,
               c.problem_code,
               cat.name AS category,
               c.summary,
               ag.name AS agency,
               f.letter_no,
               f.letter_date,
               r.letter_no AS response_no,
               r.response_date,
               r.status AS response_status,
               r.summary AS response_summary,
               c.channel_raw,
               c.province_raw,
               c.problem_code_raw,
               c.category_raw,
               r.status_raw AS response_status_raw
          FROM complaint AS c
          LEFT JOIN province AS p ON p.code = c.province_code
          LEFT JOIN agency AS ra ON ra.id = c.reported_agency_id
          LEFT JOIN category AS cat ON cat.code = c.category_code
          LEFT JOIN forwarding AS f ON f.complaint_id = c.id
          LEFT JOIN agency AS ag ON ag.id = f.agency_id
          LEFT JOIN placed ON placed.forwarding_id = f.id
          LEFT JOIN response AS r ON r.id = placed.response_id
         ORDER BY c.id, f.letter_date, f.id, r.response_date, r.id
         LIMIT $limit
        """,
        {"limit": limit},
    ).df()
