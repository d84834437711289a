"""Teach the import a column heading: an unknown heading of a file is named as one of the
import's fields, and the next imports map it (one transaction, audited)."""

from __future__ import annotations

from dumas.db import Database
from dumas.domain.errors import Message, ValidationError
from dumas.domain.permissions import Action, User, require
from dumas.importer.headers import display_header, header_key, heading_fields
from dumas.importer.model import CANONICAL
from dumas.services.common import audit

MAX_HEADING = 200


def remember_header_alias(db: Database, actor: User, *, heading: str, field: str) -> str:
    """Store that `heading` (as a file wrote it) names `field`; returns the heading's key.

    A heading the import already knows by itself is refused: a stored alias could not
    change what it means. Choosing again for the same heading replaces the choice."""
    require(actor, Action.IMPORT_DATA)
    shown, key = display_header(heading), header_key(heading)
    if field not in CANONICAL:
        raise ValidationError(Message("import.alias.unknown_field", {"field": field}))
    if not key or len(shown) > MAX_HEADING:
        raise ValidationError(Message("import.alias.bad_heading", {"max": MAX_HEADING}))
    known = heading_fields(heading)
    if len(known) == 1:
        (name,) = known
        params: dict[str, object] = {"heading": shown, "column": CANONICAL[name]}
        raise ValidationError(Message("import.alias.known", params))
    with db.transaction() as cur:
        found = cur.execute(
            "SELECT heading, field FROM header_alias WHERE heading_key = $key", {"key": key}
        ).fetchall()
        old = {"heading": found[0][0], "field": found[0][1]} if found else None
        if old is not None and old["field"] == field:
            return key  # already so: nothing to write
        cur.execute(
            """
            INSERT INTO header_alias (heading_key, heading, field, created_by)
            VALUES ($key, $heading, $field, $actor)
            ON CONFLICT (heading_key) DO UPDATE
               SET heading = $heading, field = $field, created_by = $actor,
                   created_at = excluded.created_at
            """,
            {"key": key, "heading": shown, "field": field, "actor": actor.username},
        )
        new = {"heading": shown, "field": field}
        audit(cur, actor.username, "data.header_alias", "header_alias", key, old, new)
    return key
