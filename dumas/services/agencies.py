"""Agency writes: merge an agency created by an import into the master list."""

from __future__ import annotations

import duckdb

from dumas import facts
from dumas.db import Database
from dumas.errors import Conflict, Message, NotFound, ValidationError
from dumas.permissions import Action, User, require
from dumas.reference import normalise_name
from dumas.services.common import audit


def _agency(cur: duckdb.DuckDBPyConnection, agency_id: int) -> dict:
    cursor = cur.execute(
        "SELECT id, name, from_import FROM agency WHERE id = $id", {"id": agency_id}
    )
    row = cursor.fetchone()
    if row is None:
        raise NotFound(Message("error.unknown_agency", {}, "agency"))
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


def _clashing_responses(cur: duckdb.DuckDBPyConnection, source: int, target: int) -> list[str]:
    """Response letter numbers both agencies hold (they would collide after the merge)."""
    rows = cur.execute(
        """
        SELECT s.letter_no
          FROM response AS s
          JOIN response AS t ON lower(t.letter_no) = lower(s.letter_no)
         WHERE s.agency_id = $source AND t.agency_id = $target
         ORDER BY s.letter_no
        """,
        {"source": source, "target": target},
    ).fetchall()
    return [r[0] for r in rows]


def merge_agency(db: Database, actor: User, *, source_id: int, target_id: int) -> dict[str, int]:
    """Move everything of an imported agency to a master one; its name becomes an alias."""
    require(actor, Action.MERGE_AGENCY)
    if source_id == target_id:
        raise ValidationError(Message("error.merge_same", {}, "agency"))
    with db.transaction() as cur:
        source, target = _agency(cur, source_id), _agency(cur, target_id)
        if not source["from_import"]:
            raise ValidationError(Message("error.merge_master", {"name": source["name"]}, "agency"))
        clashes = _clashing_responses(cur, source_id, target_id)
        if clashes:
            raise Conflict(Message("error.merge_clash", {"letters": ", ".join(clashes[:10])}))
        ids = {"source": source_id, "target": target_id}
        complaints = [
            r[0]
            for r in cur.execute(
                "SELECT complaint_id FROM forwarding WHERE agency_id = $source"
                " UNION SELECT complaint_id FROM response WHERE agency_id = $source",
                {"source": source_id},
            ).fetchall()
        ]
        moved = {}
        for table, column in (
            ("forwarding", "agency_id"),
            ("response", "agency_id"),
            ("complaint", "reported_agency_id"),
            ("agency_alias", "agency_id"),
        ):
            sql = f"UPDATE {table} SET {column} = $target WHERE {column} = $source"  # noqa: S608
            moved[table] = cur.execute(sql, ids).fetchone()[0]
        cur.execute(
            "INSERT INTO agency_alias (alias_key, alias, agency_id) VALUES ($key, $name, $target)"
            " ON CONFLICT (alias_key) DO UPDATE SET agency_id = $target",
            {"key": normalise_name(source["name"]), "name": source["name"], "target": target_id},
        )
        cur.execute("DELETE FROM agency WHERE id = $source", {"source": source_id})
        facts.refresh(cur, complaints)
        audit(cur, actor.username, "agency.merge", "agency", source_id, source, {**target, **moved})
    return moved
