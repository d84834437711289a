"""The demo frames into their tables, DuckDB building the strings."""

from __future__ import annotations

import duckdb
import pandas as pd

_INSERT = {
    "complaint": """
        INSERT INTO complaint (id, agenda_no, received_on, channel, complainant_name,
               complainant_contact, province_code, regency, reported_agency_id, problem_code,
               category_code, summary, created_at)
        SELECT id,
               printf('DM-%d-%06d', year(DATE '1970-01-01' + received::INTEGER), seq),
               DATE '1970-01-01' + received::INTEGER,
               channel::VARCHAR,
               concat_ws(' ', first::VARCHAR, last::VARCHAR),
               CASE WHEN is_email
                    THEN concat(first_key::VARCHAR, separator::VARCHAR, last_key::VARCHAR,
                                CASE WHEN digits > 0 THEN digits::VARCHAR END,
                                '@', domain::VARCHAR)
                    ELSE concat(CASE WHEN intl THEN '+62' ELSE '0' END, prefix::VARCHAR,
                                CASE WHEN short_phone THEN printf('%07d', phone % 10000000)
                                     ELSE printf('%08d', phone) END)
               END,
               province::VARCHAR,
               regency::VARCHAR,
               agency_id,
               problem::VARCHAR,
               category::VARCHAR,
               replace(replace(template::VARCHAR, '{lokus}', regency::VARCHAR),
                       '{instansi}', instansi::VARCHAR),
               to_timestamp(created)
          FROM _demo_source
    """,
    "forwarding": """
        INSERT INTO forwarding (id, complaint_id, agency_id, letter_no, letter_date, created_at)
        SELECT id, complaint_id, agency_id,
               printf('B-%d/Kemensetneg/D-4/DM.04.00/%02d/%d', seq,
                      month(DATE '1970-01-01' + day::INTEGER),
                      year(DATE '1970-01-01' + day::INTEGER)),
               DATE '1970-01-01' + day::INTEGER,
               to_timestamp(created)
          FROM _demo_source
    """,
    "reminder": """
        INSERT INTO reminder (id, forwarding_id, kind, letter_no, letter_date, created_at,
                              letter_id)
        SELECT id, forwarding_id, kind::VARCHAR,
               printf('B-%d/Kemensetneg/D-4/DM.04.01/%02d/%d', seq,
                      month(DATE '1970-01-01' + day::INTEGER),
                      year(DATE '1970-01-01' + day::INTEGER)),
               DATE '1970-01-01' + day::INTEGER,
               to_timestamp(created),
               id
          FROM _demo_source
    """,
    "response": """
        INSERT INTO response (id, complaint_id, agency_id, letter_no, response_date, status,
               summary, created_at)
        SELECT id, complaint_id, agency_id,
               printf('B-%d/%s/%s/%02d/%d', seq, code::VARCHAR, class::VARCHAR,
                      month(DATE '1970-01-01' + day::INTEGER),
                      year(DATE '1970-01-01' + day::INTEGER)),
               DATE '1970-01-01' + day::INTEGER,
               status::VARCHAR,
               summary::VARCHAR,
               to_timestamp(created)
          FROM _demo_source
    """,
}


def insert_tables(
    cur: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]
) -> dict[str, int]:
    """Insert each frame through its SQL, parents first; return the row counts."""
    counts: dict[str, int] = {}
    for table in ("complaint", "forwarding", "reminder", "response"):
        cur.register("_demo_source", tables[table])
        try:
            cur.execute(_INSERT[table])
        finally:
            cur.unregister("_demo_source")
        counts[table] = len(tables[table])
    cur.execute(_REMINDER_LETTERS)
    return counts


# Each demo reminder is a surat konfirmasi of its own (reminder_letter, migration 0024), to
# the agency of the letter it reminds of, under the reminder's id, number and date.
_REMINDER_LETTERS = """
    INSERT INTO reminder_letter (id, agency_id, kind, letter_no, letter_date, created_at)
    SELECT m.id, f.agency_id, m.kind, m.letter_no, m.letter_date, m.created_at
      FROM reminder AS m
      JOIN forwarding AS f ON f.id = m.forwarding_id
"""
