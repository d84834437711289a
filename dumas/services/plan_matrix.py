"""The matrix rows: letters filed per agency and locus, and the editor's changes."""

from __future__ import annotations

import datetime as dt

import duckdb

from dumas.db import Database, next_id
from dumas.domain import plan_flow
from dumas.domain.codes import RowOrigin
from dumas.domain.errors import Conflict, Message, NotFound, ValidationError
from dumas.domain.permissions import TEAM_ROLES, User
from dumas.queries.plan_state import Plan
from dumas.services.common import raise_if
from dumas.services.plan_common import open_plan, record_event, require_editor, snapshot, touch
from dumas.services.plan_rows import EDITABLE, check_row, check_team, clean_row

MAX_LETTERS_PER_ADD = 2000


# add_letters, set-based (a click may add 2,000 letters in hundreds of rows):
# the chosen letters not yet in the plan, with their agency and locus ...
_CHOSEN_LETTERS = """
    CREATE OR REPLACE TEMP TABLE _chosen AS  -- gone with the transaction's cursor
    SELECT f.id AS forwarding_id, f.agency_id, c.province_code, f.letter_date
      FROM forwarding AS f
      JOIN complaint AS c ON c.id = f.complaint_id
     WHERE f.id IN (SELECT unnest($ids))
       AND f.id NOT IN (SELECT forwarding_id FROM plan_letter WHERE plan_id = $plan)
"""
# ... a new undecided row for each agency and locus the matrix lacks, oldest letter first ...
_NEW_ROWS = """
    INSERT INTO plan_row (id, plan_id, agency_id, province_code, origin, position)
    WITH missing AS (
        SELECT agency_id, province_code, min(letter_date) AS oldest
          FROM _chosen AS ch
         WHERE NOT EXISTS (SELECT 1 FROM plan_row AS r
                            WHERE r.plan_id = $plan AND r.status = 'pending'
                              AND r.agency_id = ch.agency_id
                              AND r.province_code IS NOT DISTINCT FROM ch.province_code)
         GROUP BY ALL
    )
    SELECT (SELECT coalesce(max(id), 0) FROM plan_row) + n, $plan, agency_id, province_code,
           'database', (SELECT coalesce(max(position), 0) FROM plan_row WHERE plan_id = $plan) + n
      FROM (SELECT *, row_number() OVER (ORDER BY oldest, agency_id, province_code) AS n
              FROM missing)
    RETURNING 1
"""
# ... and each letter filed under its agency's and locus's undecided row.
_FILE_LETTERS = """
    INSERT INTO plan_letter (plan_id, plan_row_id, forwarding_id)
    SELECT $plan, min(r.id), ch.forwarding_id
      FROM _chosen AS ch
      JOIN plan_row AS r
        ON r.plan_id = $plan AND r.status = 'pending' AND r.agency_id = ch.agency_id
       AND r.province_code IS NOT DISTINCT FROM ch.province_code
     GROUP BY ch.forwarding_id
    RETURNING 1
"""


def add_letters(
    db: Database,
    actor: User,
    plan_id: int,
    *,
    revision: int,
    forwarding_ids: list[int],
    now: dt.datetime,
) -> dict[str, int]:
    """Put forwarding letters in the matrix: one row per agency and locus (province)."""
    if len(forwarding_ids) > MAX_LETTERS_PER_ADD:
        raise ValidationError(Message("error.too_many_letters", {"max": MAX_LETTERS_PER_ADD}))
    with db.transaction() as cur:
        plan = open_plan(cur, plan_id, revision)
        require_editor(plan, actor)
        if not plan_flow.may_add_letters(actor, plan.state, plan.bidang, plan.source):
            raise Conflict(Message("error.letters_database_only"))
        params = {"ids": list(forwarding_ids), "plan": plan_id}
        cur.execute(_CHOSEN_LETTERS, params)
        rows_created = len(cur.execute(_NEW_ROWS, {"plan": plan_id}).fetchall())
        added = len(cur.execute(_FILE_LETTERS, {"plan": plan_id}).fetchall())
        result = {"added": added, "skipped": len(set(forwarding_ids)) - added, "rows": rows_created}
        if added:
            touch(cur, plan)
            record_event(
                cur, plan, actor, "save", plan.state, None, now, details={"letters": result}
            )
        return result


def _insert_row(
    cur: duckdb.DuckDBPyConnection,
    plan_id: int,
    agency_id: int,
    province_code: str | None,
    origin: str,
    origin_reason: str | None = None,
) -> int:
    row_id = next_id(cur, "plan_row")
    cur.execute(
        """
        INSERT INTO plan_row (id, plan_id, agency_id, province_code, origin, origin_reason,
                              position)
        SELECT $id, $plan, $agency, $province, $origin, $reason,
               coalesce(max(position), 0) + 1
          FROM plan_row WHERE plan_id = $plan
        """,
        {"id": row_id, "plan": plan_id, "agency": agency_id, "province": province_code,
         "origin": origin, "reason": origin_reason},
    )  # fmt: skip
    return row_id


def remove_letters(
    db: Database,
    actor: User,
    plan_id: int,
    *,
    revision: int,
    forwarding_ids: list[int],
    now: dt.datetime,
) -> int:
    """Take letters out of undecided rows; a database row left without letters goes too."""
    with db.transaction() as cur:
        plan = open_plan(cur, plan_id, revision)
        require_editor(plan, actor)
        params = {"plan": plan_id, "ids": list(forwarding_ids)}
        removed = cur.execute(
            """
            DELETE FROM plan_letter
             WHERE plan_id = $plan AND forwarding_id IN (SELECT unnest($ids))
               AND plan_row_id IN (SELECT id FROM plan_row
                                    WHERE plan_id = $plan AND status = 'pending')
            RETURNING forwarding_id
            """,
            params,
        ).fetchall()
        cur.execute(
            """
            DELETE FROM plan_row
             WHERE plan_id = $plan AND status = 'pending' AND origin = 'database'
               AND id NOT IN (SELECT plan_row_id FROM plan_letter WHERE plan_id = $plan)
            """,
            {"plan": plan_id},
        )
        if removed:
            touch(cur, plan)
            details = {"letters_removed": len(removed)}
            record_event(cur, plan, actor, "save", plan.state, None, now, details=details)
        return len(removed)


def save_rows(
    db: Database,
    actor: User,
    plan_id: int,
    *,
    revision: int,
    updated: dict[int, dict[str, object]],
    added: list[dict[str, object]],
    deleted: list[int],
    now: dt.datetime,
) -> None:
    """Save the editor's changes to undecided rows, all or nothing, with every problem."""
    with db.transaction() as cur:
        plan = open_plan(cur, plan_id, revision)
        apply_rows(cur, actor, plan, updated=updated, added=added, deleted=deleted, now=now)


def apply_rows(
    cur: duckdb.DuckDBPyConnection,
    actor: User,
    plan: Plan,
    *,
    updated: dict[int, dict[str, object]],
    added: list[dict[str, object]],
    deleted: list[int],
    now: dt.datetime,
) -> bool:
    """save_rows inside a caller's transaction (the plan already opened at the user's
    revision); True when something changed (the plan's revision then moved on)."""
    require_editor(plan, actor)
    stored = {row["id"]: row for row in snapshot(cur, plan.id)}
    staff = _staff(cur)
    errors: list[Message] = []
    changes = _check_updates(stored, updated, deleted, staff, errors)
    new_rows = _check_additions(cur, stored, added, staff, errors)
    raise_if(errors)
    for row_id in deleted:
        params = {"id": row_id}
        cur.execute("DELETE FROM plan_letter WHERE plan_row_id = $id", params)
        cur.execute("DELETE FROM plan_row WHERE id = $id", params)
    for row_id, values in changes.items():
        _update_row(cur, row_id, values)
    for values in new_rows:
        agency_id = values.pop("agency_id")
        row_id = _insert_row(cur, plan.id, agency_id, None, RowOrigin.WORK_PROGRAMME)
        _update_row(cur, row_id, values)
    if not (changes or new_rows or deleted):
        return False
    touch(cur, plan)
    details = {"updated": changes, "added": new_rows, "deleted": deleted}
    record_event(cur, plan, actor, "save", plan.state, None, now, details=details)
    return True


def _staff(cur: duckdb.DuckDBPyConnection) -> dict[int, frozenset[str]]:
    """Active users who can be on a team, with their roles."""
    rows = cur.execute(
        """
        SELECT u.id, list(r.role)
          FROM app_user AS u
          JOIN user_role AS r ON r.user_id = u.id
         WHERE u.is_active AND r.role IN (SELECT unnest($roles))
         GROUP BY u.id
        """,
        {"roles": sorted(TEAM_ROLES)},
    ).fetchall()
    return {uid: frozenset(roles) for uid, roles in rows}


def _check_updates(
    stored: dict[int, dict],
    updated: dict[int, dict[str, object]],
    deleted: list[int],
    staff: dict[int, frozenset[str]],
    errors: list[Message],
) -> dict[int, dict[str, object]]:
    changes: dict[int, dict[str, object]] = {}
    for row_id in [*updated, *deleted]:
        row = stored.get(int(row_id))
        if row is None:
            raise NotFound(Message("error.unknown_plan_row"))
        if not plan_flow.row_open(row["status"]):
            raise Conflict(Message("error.row_decided", {"row": row["position"]}))
    for row_id, values in updated.items():
        row = stored[int(row_id)]
        cleaned = clean_row(values, row["position"], errors)
        merged = _with_lead_in_team({**row, **cleaned})
        check_row(merged, row["position"], errors)
        check_team(merged, staff, row["position"], errors)
        changed = {k: merged[k] for k in EDITABLE if k in merged and merged[k] != row.get(k)}
        if changed:
            changes[int(row_id)] = changed
    return changes


def _check_additions(
    cur: duckdb.DuckDBPyConnection,
    stored: dict[int, dict],
    added: list[dict[str, object]],
    staff: dict[int, frozenset[str]],
    errors: list[Message],
) -> list[dict[str, object]]:
    """Rows from the work programme: an agency and a reason are required."""
    known = {r[0] for r in cur.execute("SELECT id FROM agency").fetchall()}
    position = max((row["position"] for row in stored.values()), default=0)
    new_rows = []
    for values in added:
        position += 1
        cleaned = clean_row(values, position, errors)
        agency_id = values.get("agency_id")
        if agency_id is None or int(agency_id) not in known:
            errors.append(Message("error.row_agency_required", {"row": position}, "agency"))
            continue
        merged = _with_lead_in_team({"origin": RowOrigin.WORK_PROGRAMME, **cleaned})
        check_row(merged, position, errors)
        check_team(merged, staff, position, errors)
        merged.pop("origin")
        new_rows.append({"agency_id": int(agency_id), **merged})
    return new_rows


def _with_lead_in_team(row: dict[str, object]) -> dict[str, object]:
    lead, team = row.get("team_lead"), list(row.get("team") or [])
    if lead is not None and lead not in team:
        row = {**row, "team": [lead, *team]}
    return row


def _update_row(cur: duckdb.DuckDBPyConnection, row_id: int, values: dict[str, object]) -> None:
    columns = [name for name in values if name in EDITABLE]  # names from the allow-list
    if not columns:
        return
    assignments = ", ".join(f"{name} = ${name}" for name in columns)
    cur.execute(
        f"UPDATE plan_row SET {assignments} WHERE id = $id",  # noqa: S608
        {**{name: values[name] for name in columns}, "id": row_id},
    )
