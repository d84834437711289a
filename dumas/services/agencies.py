"""Agency writes: merge an agency created by an import into the master list; complete how
letters address an agency (its head's title and its city)."""

from __future__ import annotations

import duckdb

from dumas.db import Database, facts
from dumas.db.reference import normalise_name
from dumas.domain.errors import Conflict, Message, NotFound, ValidationError
from dumas.domain.permissions import Action, User, require
from dumas.mail.address import clean_address
from dumas.services.common import audit, clean_name, raise_if


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


def _seen_source(cur: duckdb.DuckDBPyConnection, source_id: int, name: str) -> dict:
    """The imported agency the user's screen listed under this name. If someone merged it
    since (its id gone, or reused by a newer agency), the refusal says who, when and into
    which agency."""
    exists = cur.execute(
        "SELECT 1 FROM agency WHERE id = $id AND name = $name", {"id": source_id, "name": name}
    ).fetchall()
    if exists:
        return _agency(cur, source_id)
    merged = cur.execute(
        """
        SELECT coalesce(u.full_name, a.actor), a.logged_at, a.new_value ->> 'name'
          FROM audit_log AS a
          LEFT JOIN app_user AS u ON u.username = a.actor
         WHERE a.action = 'agency.merge' AND a.entity_id = $id AND a.old_value ->> 'name' = $name
         ORDER BY a.id DESC
         LIMIT 1
        """,
        {"id": str(source_id), "name": name},
    ).fetchall()
    if not merged:
        raise NotFound(Message("error.unknown_agency", {}, "agency"))
    who, at, target = merged[0]
    raise Conflict(
        Message("error.agency_merged", {"name": name, "target": target, "who": who, "at": at})
    )


def merge_agency(
    db: Database, actor: User, *, source_id: int, source_name: str, target_id: int
) -> dict[str, int]:
    """Move everything of an imported agency to a master one; its name becomes an alias.
    `source_name` is the agency's name as the user's screen listed it."""
    require(actor, Action.MERGE_AGENCY)
    if source_id == target_id:
        raise ValidationError(Message("error.merge_same", {}, "agency"))
    with db.transaction() as cur:
        source, target = _seen_source(cur, source_id, source_name), _agency(cur, target_id)
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


MAX_HEAD_TITLE = 300  # "Menteri Koordinator Bidang Hukum, Hak Asasi Manusia, ..." fits
MAX_CITY = 100
ADDRESS_FIELDS = ("head_title", "city", "email")


def complete_agency(
    db: Database,
    actor: User,
    *,
    agency_id: int,
    head_title: str | None,
    city: str | None,
    seen: dict[str, str | None] | None = None,
    email: str | None = None,
) -> None:
    """Record how letters address an agency: its head's office title ("Jaksa Agung Republik
    Indonesia") and its city ("Jakarta"), both required, and the address letters are
    e-mailed to (optional; None leaves it as stored, "" removes it). `seen` is what the
    user's screen showed of them: changed meanwhile by someone else, the write is refused."""
    require(actor, Action.MERGE_AGENCY)  # whoever keeps the agency master list
    errors: list[Message] = []
    values = {
        "head_title": clean_name(head_title, "head_title", errors, MAX_HEAD_TITLE),
        "city": clean_name(city, "city", errors, MAX_CITY),
    }
    for name, value in values.items():
        if not value:
            errors.append(Message("error.required", {}, name))
    address = None if email is None else clean_address(email, "agency_email", errors)
    raise_if(errors)
    with db.transaction() as cur:
        cursor = cur.execute(
            "SELECT name, head_title, city, email FROM agency WHERE id = $id", {"id": agency_id}
        )
        row = cursor.fetchone()
        if row is None:
            raise NotFound(Message("error.unknown_agency", {}, "agency"))
        name, *stored = row
        old = dict(zip(ADDRESS_FIELDS, stored, strict=True))
        if seen is not None and {k: seen.get(k) for k in ADDRESS_FIELDS} != old:
            raise Conflict(Message("error.agency_changed", {"name": name}))
        values["email"] = old["email"] if email is None else address
        if old == values:
            return
        cur.execute(
            "UPDATE agency SET head_title = $head_title, city = $city, email = $email"
            " WHERE id = $id",
            {**values, "id": agency_id},
        )
        audit(cur, actor.username, "agency.complete", "agency", agency_id,
              {"name": name, **old}, {"name": name, **values})  # fmt: skip
