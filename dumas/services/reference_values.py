"""Map a value imports kept as written to a master value: it becomes an alias of the list,
and the records holding it take the master value."""

from __future__ import annotations

import duckdb

from dumas.db import Database, facts
from dumas.domain.codes import Channel, ReferenceList, ResponseStatus
from dumas.domain.errors import Conflict, Message, ValidationError
from dumas.domain.permissions import Action, User, require
from dumas.importer.values import alias_key
from dumas.queries.reference_values import MASTER_TABLES, STORED, stored_spellings
from dumas.services.common import audit

_ENUMS = {ReferenceList.CHANNEL: Channel, ReferenceList.RESPONSE_STATUS: ResponseStatus}


def _master_value(cur: duckdb.DuckDBPyConnection, listed: ReferenceList, code: object) -> str:
    """The code when it is a value of the list's master, else a ValidationError."""
    if listed in _ENUMS:
        known = _ENUMS[listed].allows(code)
    else:
        sql = f"SELECT 1 FROM {MASTER_TABLES[listed]} WHERE code = $code"  # noqa: S608
        known = isinstance(code, str) and bool(cur.execute(sql, {"code": code}).fetchall())
    if not known:
        raise ValidationError(Message("error.unknown_reference_value"))
    return str(code)


def map_unmatched_value(db: Database, actor: User, *, listed: str, written: str, code: str) -> int:
    """Map an unknown value of a list (as the screen listed it) to the master value `code`:
    every spelling with its matching key becomes that value in the stored records, and
    the value an alias for later imports. Returns the number of records updated."""
    require(actor, Action.MERGE_AGENCY)  # whoever keeps the master lists
    if listed not in ReferenceList._value2member_map_:
        raise ValidationError(Message("error.unknown_reference_value"))
    kind = ReferenceList(listed)
    key = alias_key(kind, written)
    table, column, raw = STORED[kind]
    with db.transaction() as cur:
        code = _master_value(cur, kind, code)
        spellings = sorted(s for s in stored_spellings(cur, kind) if alias_key(kind, s) == key)
        if not spellings:  # mapped meanwhile from another screen
            raise Conflict(Message("error.unmatched_gone", {"value": written}))
        complaint = "id" if table == "complaint" else "complaint_id"
        held = {"spellings": spellings}
        rows = cur.execute(
            f"SELECT id, {complaint} FROM {table}"  # noqa: S608 - names from STORED
            f" WHERE {raw} IN (SELECT unnest($spellings)) ORDER BY id",
            held,
        ).fetchall()
        cur.execute(
            f"UPDATE {table} SET {column} = $code, {raw} = NULL"  # noqa: S608
            f" WHERE {raw} IN (SELECT unnest($spellings))",
            {**held, "code": code},
        )
        if key:  # a value of punctuation only ("?") has no key to match by
            cur.execute(
                "INSERT INTO reference_alias (list, alias_key, alias, code)"
                " VALUES ($list, $key, $alias, $code)"
                " ON CONFLICT (list, alias_key) DO UPDATE SET code = $code",
                {"list": kind.value, "key": key, "alias": written, "code": code},
            )
        facts.refresh(cur, sorted({r[1] for r in rows}))
        old = {"list": kind.value, "written": spellings, table: [r[0] for r in rows]}
        audit(cur, actor.username, "reference.map", "reference_alias", f"{kind}:{key}", old,
              {"list": kind.value, "alias": written, "code": code})  # fmt: skip
    return len(rows)
