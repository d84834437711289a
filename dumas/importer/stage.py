"""The database half of an import, in SQL over the staged rows (fast at 100,000 rows).

Every step runs inside the caller's transaction; a dry run is the same steps rolled back,
so a preview's counts are exactly what the import would do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from dumas.db import facts, next_id
from dumas.db.reference import normalise_name
from dumas.domain.codes import ResponseStatus
from dumas.importer.model import CANONICAL, RAW_FIELDS, RowError, Unmatched
from dumas.importer.values import alias_key

Progress = Callable[[str, float], None]


@dataclass
class Counts:
    """Created, updated and unchanged records of one kind."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


_FIELDS = ("row", *CANONICAL)
# Columns compared with the stored row (an empty cell in the file keeps the stored value).
COMPLAINT_COLUMNS = (
    "received_on",
    "complainant_name",
    "channel",
    "province_code",
    "regency",
    "reported_agency_id",
    "problem_code",
    "category_code",
    "summary",
    "channel_raw",
    "province_raw",
    "problem_code_raw",
    "category_raw",
)
FORWARDING_COLUMNS = ("agency_id", "letter_date")
RESPONSE_COLUMNS = ("response_date", "status", "summary", "status_raw")
# A coded column and its raw column go together: a file giving either sets both (an empty
# cell keeps both as stored).
_PAIRED = {
    "channel": "channel_raw",
    "province_code": "province_raw",
    "problem_code": "problem_code_raw",
    "category_code": "category_raw",
    "status": "status_raw",
}
_PAIRED.update({raw: code for code, raw in list(_PAIRED.items())})


_DATES = {"received_on", "letter_date", "response_date"}


def _arrow(rows: list[tuple]) -> pa.Table:
    """The valid rows as typed columns (dates as date32), plus agency name keys and the
    unmatched coded values as written (<field>_raw)."""
    values = list(zip(*rows, strict=True)) or [()] * len(_FIELDS)
    columns = {}
    for name, column in zip(_FIELDS, values, strict=True):
        kind = pa.int32() if name == "row" else pa.date32() if name in _DATES else pa.string()
        if name in RAW_FIELDS:
            codes, raw = _split_unmatched(name, column)
            columns[f"{name}_raw"] = pa.array(raw, type=pa.string())
            columns[name] = pa.array(codes, type=kind)
            continue
        columns[name] = pa.array(column, type=kind)
        if name in {"agency", "reported_agency"}:
            keys = [normalise_name(v) if v else None for v in column]
            columns[f"{name}_key"] = pa.array(keys, type=pa.string())
    return pa.table(columns)


# The code an unmatched value is stored under, until an Administrator maps it (else NULL):
# the category "Lainnya"; a response whose status is unknown is "dalam proses" (it is a
# response, so its letter counts as answered; the status claims no outcome).
UNMATCHED_CODE = {"category": "lainnya", "response_status": ResponseStatus.DALAM_PROSES.value}


def _split_unmatched(name: str, column: tuple) -> tuple[Sequence[object], list[str | None]]:
    """A coded column as (codes, values as written): an Unmatched cell gives its field's
    UNMATCHED_CODE and its text; any other cell its code and None."""
    if Unmatched not in map(type, column):
        return column, [None] * len(column)
    fallback = UNMATCHED_CODE.get(name)
    codes = [fallback if type(v) is Unmatched else v for v in column]
    return codes, [v.written if type(v) is Unmatched else None for v in column]


def stage_records(cur: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    """The valid rows (row number, then CANONICAL's fields) as the temporary table imp."""
    cur.register("_imp_rows", _arrow(rows))
    try:
        cur.execute(
            """
            CREATE OR REPLACE TEMP TABLE imp AS
            SELECT * EXCLUDE (province, category),
                   province AS province, category AS category,
                   lower(letter_no) AS letter_key, lower(response_no) AS response_key
              FROM _imp_rows
            """
        )
    finally:
        cur.unregister("_imp_rows")


def resolve_agencies(cur: duckdb.DuckDBPyConnection) -> list[str]:
    """Match agency names to the master list and its aliases; return the unknown names."""
    cur.execute(
        """
        CREATE OR REPLACE TEMP TABLE imp_agency AS
        SELECT k.key, arg_min(k.name, k.row) AS name, any_value(a.agency_id) AS agency_id
          FROM (
                SELECT agency_key AS key, agency AS name, row FROM imp
                 WHERE agency_key IS NOT NULL
                 UNION ALL
                SELECT reported_agency_key, reported_agency, row FROM imp
                 WHERE reported_agency_key IS NOT NULL
               ) AS k
          LEFT JOIN agency_alias AS a ON a.alias_key = k.key
         GROUP BY k.key
        """
    )
    rows = cur.execute("SELECT name FROM imp_agency WHERE agency_id IS NULL ORDER BY name")
    return [r[0] for r in rows.fetchall()]


def refuse_taken_numbers(cur: duckdb.DuckDBPyConnection) -> list[RowError]:
    """Rows whose letter numbers already belong to another complaint in the database."""
    rows = cur.execute(
        """
        SELECT i.row, 'No Surat Penerusan', 'import.error.letter_taken', i.letter_no, c.agenda_no
          FROM imp AS i
          JOIN forwarding AS f ON lower(f.letter_no) = i.letter_key
          JOIN complaint AS c ON c.id = f.complaint_id
         WHERE c.agenda_no <> i.agenda_no
         UNION ALL
        SELECT i.row, 'No Surat Tanggapan', 'import.error.response_taken', i.response_no,
               c.agenda_no
          FROM imp AS i
          JOIN imp_agency AS ia ON ia.key = i.agency_key
          JOIN response AS r ON r.agency_id = ia.agency_id AND lower(r.letter_no) = i.response_key
          JOIN complaint AS c ON c.id = r.complaint_id
         WHERE c.agenda_no <> i.agenda_no
         ORDER BY 1
        """
    ).fetchall()
    errors = [RowError(r[0], r[1], r[2], {"letter_no": r[3], "agenda": r[4]}) for r in rows]
    if errors:
        cur.execute(
            "DELETE FROM imp WHERE row IN (SELECT unnest($rows))",
            {"rows": sorted({e.row for e in errors})},
        )
    return errors


def unmatched_values(cur: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[str, int]]]:
    """Per coded field, each value imported as written with its number of rows, most rows
    first; spellings of one value count together, under the first one in the sheet."""
    union = " UNION ALL ".join(
        f"SELECT '{name}', {name}_raw, count(*), min(row) FROM imp"  # noqa: S608 - RAW_FIELDS
        f" WHERE {name}_raw IS NOT NULL GROUP BY {name}_raw"
        for name in RAW_FIELDS
    )
    found: dict[tuple[str, str], list] = {}
    for name, written, rows, _first in cur.execute(f"{union} ORDER BY 4").fetchall():
        entry = found.setdefault((name, alias_key(name, written)), [written, 0])
        entry[1] += rows
    values: dict[str, list[tuple[str, int]]] = {}
    for (name, _), (written, rows) in sorted(found.items(), key=lambda i: (-i[1][1], i[1][0])):
        values.setdefault(name, []).append((written, rows))
    return values


def create_agencies(cur: duckdb.DuckDBPyConnection) -> None:
    """New agencies (category 'lainnya', marked as imported), their names as aliases."""
    start = next_id(cur, "agency")
    cur.execute(
        """
        UPDATE imp_agency SET agency_id = n.id
          FROM (SELECT key, ($start + row_number() OVER (ORDER BY name, key) - 1)::INTEGER AS id
                  FROM imp_agency WHERE agency_id IS NULL) AS n
         WHERE imp_agency.key = n.key
        """,
        {"start": start},
    )
    cur.execute(
        "INSERT INTO agency (id, name, category_code, from_import)"
        " SELECT agency_id, name, 'lainnya', true FROM imp_agency WHERE agency_id >= $start",
        {"start": start},
    )
    cur.execute(
        "INSERT INTO agency_alias (alias_key, alias, agency_id)"
        " SELECT key, name, agency_id FROM imp_agency WHERE agency_id >= $start",
        {"start": start},
    )


class _Spec:
    """How staged rows meet one table: source query, match, fixed and compared columns."""

    def __init__(self, table: str, source: str, match: str, fixed: tuple, compared: tuple):
        self.table, self.source, self.match = table, source, match
        self.fixed, self.compared = fixed, compared


_COMPLAINTS = _Spec(
    "complaint",
    """SELECT DISTINCT ON (i.agenda_no) i.agenda_no, i.received_on, i.complainant_name,
              i.channel, i.province AS province_code, i.regency,
              ra.agency_id AS reported_agency_id, i.problem_code,
              i.category AS category_code, i.summary, i.channel_raw, i.province_raw,
              i.problem_code_raw, i.category_raw
         FROM imp AS i
         LEFT JOIN imp_agency AS ra ON ra.key = i.reported_agency_key
        ORDER BY i.agenda_no, i.row""",
    "t.agenda_no = s.agenda_no",
    ("agenda_no",),
    COMPLAINT_COLUMNS,
)
_FORWARDINGS = _Spec(
    "forwarding",
    """SELECT DISTINCT ON (i.letter_key) i.letter_key, i.letter_no, c.id AS complaint_id,
              ia.agency_id, i.letter_date
         FROM imp AS i
         JOIN imp_agency AS ia ON ia.key = i.agency_key
         JOIN complaint AS c ON c.agenda_no = i.agenda_no
        WHERE i.letter_key IS NOT NULL
        ORDER BY i.letter_key, i.row""",
    "lower(t.letter_no) = s.letter_key",
    ("letter_no", "complaint_id"),
    FORWARDING_COLUMNS,
)
_RESPONSES = _Spec(
    "response",
    """SELECT DISTINCT ON (ia.agency_id, i.response_key) i.response_key,
              i.response_no AS letter_no, c.id AS complaint_id, ia.agency_id,
              i.response_date, i.response_status AS status, i.response_summary AS summary,
              i.response_status_raw AS status_raw
         FROM imp AS i
         JOIN imp_agency AS ia ON ia.key = i.agency_key
         JOIN complaint AS c ON c.agenda_no = i.agenda_no
        WHERE i.response_key IS NOT NULL
        ORDER BY ia.agency_id, i.response_key, i.row""",
    "t.agency_id = s.agency_id AND lower(t.letter_no) = s.response_key",
    ("letter_no", "complaint_id", "agency_id"),
    RESPONSE_COLUMNS,
)


def _merged(column: str) -> str:
    """The value a column gets: the file's, else the stored one (of the pair, for a coded
    column and its raw column)."""
    other = _PAIRED.get(column)
    if other is None:
        return f"coalesce(s.{column}, t.{column})"
    return f"CASE WHEN s.{column} IS NULL AND s.{other} IS NULL THEN t.{column} ELSE s.{column} END"


def _plan(cur: duckdb.DuckDBPyConnection, spec: _Spec) -> None:
    """imp_<table>: each staged record, its stored twin, the merged values and its state."""
    merged = ", ".join(f"{_merged(c)} AS n_{c}, t.{c} AS o_{c}" for c in spec.compared)
    differs = " OR ".join(f"{_merged(c)} IS DISTINCT FROM t.{c}" for c in spec.compared)
    fixed = ", ".join(f"s.{c}" for c in spec.fixed)
    cur.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE imp_{spec.table} AS
        SELECT {fixed}, t.id AS old_id, {merged},
               CASE WHEN t.id IS NULL THEN 'created'
                    WHEN {differs} THEN 'updated'
                    ELSE 'unchanged' END AS state
          FROM ({spec.source}) AS s
          LEFT JOIN {spec.table} AS t ON {spec.match}
        """  # noqa: S608 - table and column names come from the _Spec constants
    )


def _write(cur: duckdb.DuckDBPyConnection, spec: _Spec, actor: str) -> None:
    """Insert the created rows, update the changed ones, audit each update."""
    start = next_id(cur, spec.table)
    columns = [*spec.fixed, *spec.compared]
    values = ", ".join([*spec.fixed, *(f"n_{c}" for c in spec.compared)])
    cur.execute(
        f"""
        INSERT INTO {spec.table} (id, {", ".join(columns)})
        SELECT $start + row_number() OVER (ORDER BY {spec.fixed[0]}) - 1, {values}
          FROM imp_{spec.table} WHERE state = 'created'
        """,  # noqa: S608
        {"start": start},
    )
    sets = ", ".join(f"{c} = u.n_{c}" for c in spec.compared)
    cur.execute(
        f"UPDATE {spec.table} SET {sets} FROM imp_{spec.table} AS u"  # noqa: S608
        f" WHERE {spec.table}.id = u.old_id AND u.state = 'updated'"
    )
    old = ", ".join(f"'{c}': o_{c}" for c in spec.compared)
    new = ", ".join(f"'{c}': n_{c}" for c in spec.compared)
    cur.execute(
        f"""
        INSERT INTO audit_log (id, actor, action, entity, entity_id, old_value, new_value)
        SELECT $start + row_number() OVER (ORDER BY old_id) - 1, $actor, '{spec.table}.update',
               '{spec.table}', old_id::VARCHAR, to_json({{{old}}}), to_json({{{new}}})
          FROM imp_{spec.table} WHERE state = 'updated'
        """,  # noqa: S608
        {"start": next_id(cur, "audit_log"), "actor": actor},
    )


def _counts(cur: duckdb.DuckDBPyConnection, table: str) -> Counts:
    row = cur.execute(
        f"SELECT count(*) FILTER (state = 'created'), count(*) FILTER (state = 'updated'),"  # noqa: S608
        f" count(*) FILTER (state = 'unchanged') FROM imp_{table}"
    ).fetchall()[0]
    return Counts(*row)


def upsert(cur: duckdb.DuckDBPyConnection, actor: str, progress: Progress) -> dict[str, Counts]:
    """Complaints, then their letters, then responses; facts of what changed; counts."""
    counts = {}
    for step, spec in enumerate((_COMPLAINTS, _FORWARDINGS, _RESPONSES)):
        _plan(cur, spec)
        _write(cur, spec, actor)
        counts[spec.table] = _counts(cur, spec.table)
        progress("write", (step + 1) / 4)
    touched = cur.execute(
        """
        SELECT c.id FROM imp_complaint AS u JOIN complaint AS c ON c.agenda_no = u.agenda_no
         WHERE u.state <> 'unchanged'
        UNION SELECT complaint_id FROM imp_forwarding WHERE state <> 'unchanged'
        UNION SELECT complaint_id FROM imp_response WHERE state <> 'unchanged'
        """
    ).fetchall()
    if touched:
        facts.refresh(cur, [r[0] for r in touched])
    return counts
