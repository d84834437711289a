"""Files attached to records (table `attachment`, dumas/services/attachments.py): those of
one complaint's records, of one monitoring's records, and all of them for the export.
Removed ones are left out."""

from __future__ import annotations

import duckdb
import pandas as pd

# Each of a complaint's records a file may be attached to, with what names it on a page.
_COMPLAINT_RECORDS = """
SELECT 'complaint' AS record_kind, c.id AS record_id, c.agenda_no AS letter_no,
       NULL AS agency, c.received_on AS letter_date, NULL AS reminder_kind, 0 AS place
  FROM complaint AS c WHERE c.id = $complaint
UNION ALL
SELECT 'forwarding', f.id, f.letter_no, a.name, f.letter_date, NULL, 1
  FROM forwarding AS f LEFT JOIN agency AS a ON a.id = f.agency_id
 WHERE f.complaint_id = $complaint
UNION ALL
SELECT 'reminder', r.id, r.letter_no, a.name, r.letter_date, r.kind, 2
  FROM reminder AS r
  JOIN forwarding AS f ON f.id = r.forwarding_id
  LEFT JOIN agency AS a ON a.id = f.agency_id
 WHERE f.complaint_id = $complaint
UNION ALL
SELECT 'response', r.id, r.letter_no, a.name, r.response_date, NULL, 3
  FROM response AS r LEFT JOIN agency AS a ON a.id = r.agency_id
 WHERE r.complaint_id = $complaint
"""

_FILE_COLUMNS = """
       t.id, t.record_kind, t.record_id, t.record_part, t.display_name, t.media_type, t.size,
       t.sha256, coalesce(u.full_name, t.uploaded_by::VARCHAR) AS uploaded_by, t.uploaded_at
"""


def complaint_records(cur: duckdb.DuckDBPyConnection, complaint_id: int) -> pd.DataFrame:
    """The complaint itself, its forwarding letters, reminders and responses, in that order
    (by date within each): what a file may be attached to on the complaint's page."""
    return cur.execute(
        f"SELECT * EXCLUDE (place) FROM ({_COMPLAINT_RECORDS})"  # noqa: S608 - fixed text
        " ORDER BY place, letter_date, record_id",
        {"complaint": complaint_id},
    ).df()


def of_complaint(cur: duckdb.DuckDBPyConnection, complaint_id: int) -> pd.DataFrame:
    """The files attached to the complaint and to its letters and responses, oldest first."""
    return cur.execute(
        f"""
        WITH records AS ({_COMPLAINT_RECORDS})
        SELECT {_FILE_COLUMNS}
          FROM attachment AS t
          JOIN records AS r ON r.record_kind = t.record_kind AND r.record_id = t.record_id
          LEFT JOIN app_user AS u ON u.id = t.uploaded_by
         WHERE t.removed_at IS NULL
         ORDER BY r.place, r.letter_date, t.record_id, t.uploaded_at, t.id
        """,  # noqa: S608 - fixed text
        {"complaint": complaint_id},
    ).df()


def of_monitoring(cur: duckdb.DuckDBPyConnection, monitoring_id: int) -> pd.DataFrame:
    """The files attached to a monitoring's documents and results, oldest first."""
    return cur.execute(
        f"""
        SELECT {_FILE_COLUMNS}
          FROM attachment AS t
          LEFT JOIN app_user AS u ON u.id = t.uploaded_by
         WHERE t.record_kind IN ('monitoring_document', 'monitoring_result')
           AND t.record_id = $monitoring AND t.removed_at IS NULL
         ORDER BY t.uploaded_at, t.id
        """,  # noqa: S608 - fixed text
        {"monitoring": monitoring_id},
    ).df()


def listing(cur: duckdb.DuckDBPyConnection, *, names: bool) -> pd.DataFrame:
    """Every file kept, for the whole-database export: its record (the complaint's agenda
    number and the letter's number, or the monitoring), name, type, size, SHA-256 and its
    place in the file store. `names=False` (a role that may not see the complainant's
    identity) leaves out the names of the files of the complaint itself."""
    return cur.execute(
        """
        WITH letters AS (
            SELECT 'complaint' AS kind, c.id, c.id AS complaint_id, NULL AS letter_no
              FROM complaint AS c
            UNION ALL SELECT 'forwarding', f.id, f.complaint_id, f.letter_no FROM forwarding AS f
            UNION ALL
            SELECT 'reminder', r.id, f.complaint_id, r.letter_no
              FROM reminder AS r JOIN forwarding AS f ON f.id = r.forwarding_id
            UNION ALL SELECT 'response', r.id, r.complaint_id, r.letter_no FROM response AS r
        )
        SELECT t.record_kind,
               c.agenda_no,
               l.letter_no,
               CASE WHEN t.record_kind LIKE 'monitoring%' THEN t.record_id END AS monitoring_id,
               CASE WHEN t.record_kind = 'monitoring_document' THEN t.record_part END
                   AS document_kind,
               CASE WHEN t.record_kind = 'monitoring_result' THEN f.letter_no END
                   AS result_letter_no,
               CASE WHEN t.record_kind = 'complaint' AND NOT $names THEN NULL
                    ELSE t.display_name END AS display_name,
               t.media_type,
               t.size,
               t.sha256,
               substr(t.sha256, 1, 2) || '/' || substr(t.sha256, 3) AS stored_as,
               coalesce(u.username, t.uploaded_by::VARCHAR) AS uploaded_by,
               t.uploaded_at
          FROM attachment AS t
          LEFT JOIN letters AS l ON l.kind = t.record_kind AND l.id = t.record_id
          LEFT JOIN complaint AS c ON c.id = l.complaint_id
          LEFT JOIN forwarding AS f
            ON t.record_kind = 'monitoring_result' AND f.id = TRY_CAST(t.record_part AS BIGINT)
          LEFT JOIN app_user AS u ON u.id = t.uploaded_by
         WHERE t.removed_at IS NULL
         ORDER BY t.id
        """,
        {"names": names},
    ).df()
