"""The monitoring-plan matrix through SOP steps 1-3: draft, discuss, decide.

Every function is one transaction: it re-reads the plan, refuses a stale screen (the
revision the user saw is no longer current), checks the transition table and the
user's roles, writes, appends a plan_event (with the matrix as it then stood) and an
audit row. Approved rows become monitorings.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from dumas import workflow
from dumas.db import Database, next_id
from dumas.errors import Conflict, Message, NotFound, ValidationError
from dumas.permissions import TEAM_ROLES, Action, Forbidden, User, require
from dumas.queries.plan_state import Plan, load, view
from dumas.services.common import audit, clean_text, raise_if
from dumas.services.plan_rows import EDITABLE, check_row, check_team, clean_row
from dumas.workflow import Act, RowChoice, State

SOURCES = ("database", "work_programme")
MAX_LETTERS_PER_ADD = 2000
MAX_TITLE = 200


def create_plan(
    db: Database,
    actor: User,
    *,
    title: str,
    period_label: str,
    source: str,
    bidang: str | None,
    now: dt.datetime,
) -> int:
    """Open a draft plan for a period, from the database review or the work programme."""
    require(actor, Action.CREATE_PLAN)
    errors: list[Message] = []
    title = _required_text(title, "title", errors)
    period_label = _required_text(period_label, "period_label", errors)
    bidang = clean_text(bidang, "bidang", errors)
    if source not in SOURCES:
        errors.append(Message("error.invalid_choice", {}, "source"))
    raise_if(errors)
    with db.transaction() as cur:
        plan_id = next_id(cur, "plan")
        cur.execute(
            """
            INSERT INTO plan (id, title, period_label, source, bidang, state, state_since,
                              created_by, created_at)
            VALUES ($id, $title, $period, $source, $bidang, 'draft', $now, $by, $now)
            """,
            {"id": plan_id, "title": title, "period": period_label, "source": source,
             "bidang": bidang, "now": now, "by": actor.id},
        )  # fmt: skip
        plan = load(cur, plan_id)
        _event(cur, plan, actor, "create", State.DRAFT, None, now)
        return plan_id


def _required_text(value: str | None, field: str, errors: list[Message]) -> str:
    text = clean_text(value, field, errors) or ""
    if not text:
        errors.append(Message("error.required", {}, field))
    elif len(text) > MAX_TITLE:
        errors.append(Message("error.too_long", {"max": MAX_TITLE}, field))
    return text


def _open(cur: duckdb.DuckDBPyConnection, plan_id: int, revision: int) -> Plan:
    """The plan, provided nobody changed it since the user's screen was drawn."""
    plan = load(cur, plan_id)
    if plan.revision != revision:
        last = cur.execute(
            """
            SELECT coalesce(u.full_name, '?'), e.occurred_at, e.action
              FROM plan_event AS e
              LEFT JOIN app_user AS u ON u.id = e.actor_id
             WHERE e.plan_id = $id AND e.action <> 'comment'
             ORDER BY e.id DESC
             LIMIT 1
            """,
            {"id": plan_id},
        ).fetchall()
        who, at, action = last[0] if last else ("?", None, "")
        raise Conflict(Message("error.plan_changed", {"who": who, "at": at, "action": action}))
    return plan


def _event(
    cur: duckdb.DuckDBPyConnection,
    plan: Plan,
    actor: User,
    action: str,
    to_state: State,
    note: str | None,
    now: dt.datetime,
    *,
    version: int | None = None,
    details: dict | None = None,
) -> None:
    """Append the plan's history row (with the matrix as it now stands) and the audit row."""
    version = plan.version if version is None else version
    rows = snapshot(cur, plan.id)
    cur.execute(
        """
        INSERT INTO plan_event (id, plan_id, occurred_at, actor_id, action, from_state, to_state,
                                version, note, rows)
        VALUES ($id, $plan, $at, $actor, $action, $from, $to, $version, $note, $rows)
        """,
        {"id": next_id(cur, "plan_event"), "plan": plan.id, "at": now, "actor": actor.id,
         "action": action, "from": plan.state.value, "to": to_state.value, "version": version,
         "note": note, "rows": json.dumps(rows, default=str)},
    )  # fmt: skip
    old = {"state": plan.state.value, "revision": plan.revision}
    new = {"state": to_state.value, "note": note, "version": version, **(details or {})}
    audit(cur, actor.username, f"plan.{action}", "plan", plan.id, old, new)


def snapshot(cur: duckdb.DuckDBPyConnection, plan_id: int) -> list[dict]:
    """The matrix rows as plain values, with their letters (kept with every event)."""
    cursor = cur.execute(
        """
        SELECT r.id, r.position, r.agency_id, ag.name AS agency, r.province_code, r.origin,
               r.origin_reason, r.method, r.priority, r.priority_reason, r.schedule_from,
               r.schedule_to, r.level, r.team_lead, r.team, r.persons, r.days,
               r.transport::BIGINT AS transport, r.lodging::BIGINT AS lodging,
               r.allowance::BIGINT AS allowance, r.status, r.decision_note,
               coalesce((SELECT list(l.forwarding_id ORDER BY l.forwarding_id)
                           FROM plan_letter AS l WHERE l.plan_row_id = r.id), []) AS letters
          FROM plan_row AS r
          JOIN agency AS ag ON ag.id = r.agency_id
         WHERE r.plan_id = $id
         ORDER BY r.position
        """,
        {"id": plan_id},
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _touch(cur: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    cur.execute("UPDATE plan SET revision = revision + 1 WHERE id = $id", {"id": plan.id})


def _require_editor(plan: Plan, actor: User) -> None:
    """Rows change only in the states (and by the roles) of workflow.EDITORS."""
    require(actor, Action.VIEW_PLANS)
    roles = workflow.EDITORS.get(plan.state, frozenset()) & actor.roles
    if not any(workflow.in_area(actor, role, plan.bidang) for role in roles):
        raise Forbidden(Message("error.cannot_edit_plan"))


# add_letters, set-based (a click may add 2,000 letters in hundreds of rows):
# the chosen letters not yet in the plan, with their agency and locus ...
_CHOSEN_LETTERS = """
    CREATE TEMP TABLE _chosen AS
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
        plan = _open(cur, plan_id, revision)
        _require_editor(plan, actor)
        params = {"ids": list(forwarding_ids), "plan": plan_id}
        cur.execute(_CHOSEN_LETTERS, params)
        rows_created = len(cur.execute(_NEW_ROWS, {"plan": plan_id}).fetchall())
        added = len(cur.execute(_FILE_LETTERS, {"plan": plan_id}).fetchall())
        cur.execute("DROP TABLE _chosen")
        result = {"added": added, "skipped": len(set(forwarding_ids)) - added, "rows": rows_created}
        if added:
            _touch(cur, plan)
            _event(cur, plan, actor, "save", plan.state, None, now, details={"letters": result})
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
        plan = _open(cur, plan_id, revision)
        _require_editor(plan, actor)
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
            _touch(cur, plan)
            details = {"letters_removed": len(removed)}
            _event(cur, plan, actor, "save", plan.state, None, now, details=details)
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
        plan = _open(cur, plan_id, revision)
        _require_editor(plan, actor)
        stored = {row["id"]: row for row in snapshot(cur, plan_id)}
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
            row_id = _insert_row(cur, plan_id, agency_id, None, "work_programme")
            _update_row(cur, row_id, values)
        if changes or new_rows or deleted:
            _touch(cur, plan)
            details = {"updated": changes, "added": new_rows, "deleted": deleted}
            _event(cur, plan, actor, "save", plan.state, None, now, details=details)


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
        if row["status"] != "pending":
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
        merged = _with_lead_in_team({"origin": "work_programme", **cleaned})
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


def comment(db: Database, actor: User, plan_id: int, *, note: str, now: dt.datetime) -> None:
    """A discussion note (step 2) or a direction note; appended, never a conflict."""
    errors: list[Message] = []
    note = clean_text(note, "note", errors) or ""
    if not note:
        errors.append(Message("error.required", {}, "note"))
    raise_if(errors)
    with db.transaction() as cur:
        plan = load(cur, plan_id)
        require(actor, Action.VIEW_PLANS)
        roles = workflow.COMMENTERS.get(plan.state, frozenset()) & actor.roles
        if not any(workflow.in_area(actor, role, plan.bidang) for role in roles):
            raise Forbidden(Message("error.cannot_comment_plan"))
        _event(cur, plan, actor, "comment", plan.state, note, now)


def act(
    db: Database,
    actor: User,
    plan_id: int,
    *,
    revision: int,
    action: Act | str,
    note: str | None,
    now: dt.datetime,
    choices: dict[int, RowChoice | str] | None = None,
) -> State:
    """Take one step of the transition table; returns the plan's new state."""
    require(actor, Action.VIEW_PLANS)
    errors: list[Message] = []
    note = clean_text(note, "note", errors)
    raise_if(errors)
    try:
        action = Act(action)
    except ValueError:
        raise ValidationError(Message("error.invalid_choice", {}, "action")) from None
    with db.transaction() as cur:
        plan = _open(cur, plan_id, revision)
        transition, reason = workflow.permitted(view(cur, plan), actor, action)
        if transition is None:
            raise Forbidden(Message(reason or "error.forbidden_step"))
        if transition.note_required and not note:
            raise ValidationError(Message("error.note_required", {}, "note"))
        outcome, details = None, {}
        if transition.is_decision:
            outcome, details = _decide(cur, plan, actor, action, choices, note, now)
        target = workflow.next_state(plan.state, action, outcome)
        version = plan.version + 1 if action is Act.SUBMIT else plan.version
        cur.execute(
            """
            UPDATE plan SET state = $state, state_since = $now, version = $version,
                            revision = revision + 1
             WHERE id = $id
            """,
            {"state": target.value, "now": now, "version": version, "id": plan.id},
        )
        _event(cur, plan, actor, action.value, target, note, now, version=version, details=details)
        return target


def _decide(
    cur: duckdb.DuckDBPyConnection,
    plan: Plan,
    actor: User,
    action: Act,
    choices: dict[int, RowChoice | str] | None,
    note: str | None,
    now: dt.datetime,
) -> tuple[str, dict]:
    """Apply the approver's choice to each undecided row; approved rows become monitorings."""
    waiting = "pending" if plan.state is State.PROPOSED else "awaiting_deputi"
    rows = dict(
        cur.execute(
            "SELECT id, level FROM plan_row WHERE plan_id = $id AND status = $status",
            {"id": plan.id, "status": waiting},
        ).fetchall()
    )
    chosen = _choices(action, rows, choices)
    if not note and any(c is not RowChoice.APPROVE for c in chosen.values()):
        raise ValidationError(Message("error.note_required", {}, "note"))
    monitorings = []
    for row_id, choice in chosen.items():
        status = _status_after(plan.state, rows[row_id], choice)
        cur.execute(
            "UPDATE plan_row SET status = $status, decision_note = $note WHERE id = $id",
            {"status": status, "note": note, "id": row_id},
        )
        if status == "approved":
            monitorings.append(_create_monitoring(cur, row_id, actor, now))
    statuses = [
        r[0]
        for r in cur.execute(
            "SELECT status FROM plan_row WHERE plan_id = $id", {"id": plan.id}
        ).fetchall()
    ]
    details = {"choices": {str(k): v.value for k, v in chosen.items()}, "monitorings": monitorings}
    return workflow.outcome_of(plan.state, statuses), details


def _choices(
    action: Act, rows: dict[int, str], choices: dict[int, RowChoice | str] | None
) -> dict[int, RowChoice]:
    """Every undecided row's choice: the same for all, or one each (DECIDE)."""
    if not rows:
        raise ValidationError(Message("error.nothing_to_decide"))
    uniform = {Act.APPROVE: RowChoice.APPROVE, Act.RETURN: RowChoice.RETURN,
               Act.REJECT: RowChoice.REJECT}  # fmt: skip
    if action in uniform:
        return dict.fromkeys(rows, uniform[action])
    try:
        chosen = {int(k): RowChoice(v) for k, v in (choices or {}).items()}
    except ValueError:
        raise ValidationError(Message("error.invalid_choice", {}, "decision")) from None
    if set(chosen) != set(rows):
        raise ValidationError(Message("error.choices_incomplete"))
    return chosen


def _status_after(state: State, level: str, choice: RowChoice) -> str:
    if choice is RowChoice.RETURN:
        return "pending"
    if choice is RowChoice.REJECT:
        return "rejected"
    if state is State.PROPOSED and level == "asdep":
        return "awaiting_deputi"  # an Asdep-led monitoring also needs the Deputi
    return "approved"


def _create_monitoring(
    cur: duckdb.DuckDBPyConnection, row_id: int, actor: User, now: dt.datetime
) -> int:
    """The approved row as a monitoring: level, method, team and lead, agency, letters."""
    monitoring_id = next_id(cur, "monitoring")
    params = {"id": monitoring_id, "row": row_id, "by": actor.id, "now": now}
    cur.execute(
        """
        INSERT INTO monitoring (id, plan_id, plan_row_id, agency_id, province_code, level,
                                method, team_lead, schedule_from, schedule_to,
                                estimated_cost, approved_by, approved_at)
        SELECT $id, plan_id, id, agency_id, province_code, level, method, team_lead,
               schedule_from, schedule_to,
               CASE WHEN method = 'kunjungan_lapangan'
                    THEN trip_cost(persons, days, transport, lodging, allowance) END,
               $by, $now
          FROM plan_row
         WHERE id = $row
        """,
        params,
    )
    cur.execute(
        """
        INSERT INTO monitoring_member
        SELECT $id, member, member = team_lead
          FROM (SELECT unnest(list_distinct(list_prepend(team_lead, team))) AS member,
                       team_lead
                  FROM plan_row WHERE id = $row)
        """,
        {"id": monitoring_id, "row": row_id},
    )
    cur.execute(
        "INSERT INTO monitoring_letter SELECT $id, forwarding_id FROM plan_letter"
        " WHERE plan_row_id = $row",
        {"id": monitoring_id, "row": row_id},
    )
    return monitoring_id
