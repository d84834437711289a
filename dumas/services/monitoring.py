"""A monitoring through SOP steps 4-8: the moves of dumas/domain/monitoring_flow.py and the
financial accountability beside them. One transaction per call, an event and an audit
row each, and the revision the user's screen showed checked on every move."""

from __future__ import annotations

import datetime as dt

import duckdb

from dumas.db import Database
from dumas.domain import monitoring_flow as flow
from dumas.domain.errors import Conflict, DomainError, Message, ValidationError
from dumas.domain.monitoring_flow import MonitoringAction, MonitoringState
from dumas.domain.permissions import Action, Forbidden, User, require
from dumas.queries.monitoring import finance_view
from dumas.queries.monitoring_state import Monitoring, guards, load, team, view
from dumas.services.common import audit, check_date, clean_text, raise_if


def open_monitoring(
    cur: duckdb.DuckDBPyConnection, monitoring_id: int, revision: int | None
) -> Monitoring:
    """The monitoring, provided nobody changed it since the user's screen was drawn."""
    monitoring = load(cur, monitoring_id)
    if revision is not None and monitoring.revision != revision:
        last = cur.execute(
            """
            SELECT coalesce(u.full_name, '?'), e.occurred_at
              FROM monitoring_event AS e LEFT JOIN app_user AS u ON u.id = e.actor_id
             WHERE e.monitoring_id = $id ORDER BY e.id DESC LIMIT 1
            """,
            {"id": monitoring_id},
        ).fetchall()
        who, at = last[0] if last else ("?", None)
        raise Conflict(Message("error.monitoring_changed", {"who": who, "at": at}))
    return monitoring


def record_event(
    cur: duckdb.DuckDBPyConnection,
    monitoring: Monitoring,
    actor: User,
    action: str,
    to_state: MonitoringState,
    note: str | None,
    now: dt.datetime,
    details: dict | None = None,
) -> None:
    """Append the monitoring's history row and the audit row; bump its revision."""
    cur.execute(
        """
        INSERT INTO monitoring_event (id, monitoring_id, occurred_at, actor_id, action,
                                      from_state, to_state, note)
        VALUES ($id, $m, $at, $actor, $action, $from, $to, $note)
        """,
        {"id": _next_event_id(cur), "m": monitoring.id, "at": now, "actor": actor.id,
         "action": action, "from": monitoring.state.value, "to": to_state.value,
         "note": note},
    )  # fmt: skip
    cur.execute(
        "UPDATE monitoring SET revision = coalesce(revision, 1) + 1 WHERE id = $id",
        {"id": monitoring.id},
    )
    old = {"state": monitoring.state.value, "revision": monitoring.revision}
    new = {"state": to_state.value, "note": note, **(details or {})}
    audit(cur, actor.username, f"monitoring.{action}", "monitoring", monitoring.id, old, new)


def _next_event_id(cur: duckdb.DuckDBPyConnection) -> int:
    return cur.execute("SELECT coalesce(max(id), 0) + 1 FROM monitoring_event").fetchall()[0][0]


def require_team(cur: duckdb.DuckDBPyConnection, monitoring: Monitoring, actor: User) -> None:
    """Records are the team's, and only while the monitoring is in steps 4-7."""
    require(actor, Action.WORK_MONITORING)
    reason = flow.record_refusal(actor, monitoring.state, team(cur, monitoring.id))
    if reason == "error.monitoring_state":
        raise Conflict(Message(reason))
    if reason:
        raise Forbidden(Message(reason))


def act(
    db: Database,
    actor: User,
    monitoring_id: int,
    *,
    revision: int,
    action: MonitoringAction | str,
    note: str | None,
    now: dt.datetime,
) -> MonitoringState:
    """Take one move of the table; returns the monitoring's new state."""
    errors: list[Message] = []
    note = clean_text(note, "note", errors)
    raise_if(errors)
    try:
        action = MonitoringAction(action)
    except ValueError:
        raise ValidationError(Message("error.invalid_choice", {}, "action")) from None
    with db.transaction() as cur:
        monitoring = open_monitoring(cur, monitoring_id, revision)
        rows = flow.transitions_for(monitoring.state, action)
        if not rows:
            raise Conflict(Message("error.monitoring_state"))
        transition = rows[0]  # one row per state and action: no decisions by outcome here
        require(actor, Action.WORK_MONITORING if transition.who == flow.TEAM
                else Action.ACKNOWLEDGE_REPORT)  # fmt: skip
        seen = view(cur, monitoring)
        reason = flow.refusal(transition, seen, actor)
        if reason:
            raise Forbidden(Message(reason))
        if transition.note_required and not note:
            raise ValidationError(Message("error.note_required", {}, "note"))
        to_state = flow.settled(transition.next_state, seen.guards)  # step 8: both tracks?
        cur.execute(
            "UPDATE monitoring SET state = $state, state_since = $now WHERE id = $id",
            {"state": to_state.value, "now": now, "id": monitoring.id},
        )
        record_event(cur, monitoring, actor, action.value, to_state, note, now)
        return to_state


def record_finance(
    db: Database,
    actor: User,
    monitoring_id: int,
    *,
    revision: int,
    stage: str,
    on: dt.date | None,
    today: dt.date,
    now: dt.datetime,
) -> None:
    """Submitted by the team (report written), received by the BPP, accepted by the PPK
    (which closes the monitoring if its report was accepted already: step 8's two tracks),
    each on the monitoring as the recorder's screen showed it (`revision`): after any
    change since (costs, the report, another stage) it is refused with who and when."""
    if stage not in flow.FINANCE_STAGES:
        raise ValidationError(Message("error.invalid_choice", {}, "stage"))
    errors: list[Message] = []
    check_date(on, "finance_date", today, errors)
    raise_if(errors)
    with db.transaction() as cur:
        monitoring = open_monitoring(cur, monitoring_id, revision)
        done = finance_done(cur, monitoring.id)
        recorded = frozenset(s for s, day in done.items() if day is not None)
        seen = finance_view(
            cur, monitoring.id, monitoring.state, monitoring.direct, team(cur, monitoring.id),
            recorded,
        )  # fmt: skip
        reason = flow.finance_refusal(stage, seen, actor)
        if reason:
            raise _finance_refused(reason, stage, flow.finance_params(reason, seen))
        position = flow.FINANCE_STAGES.index(stage)
        if position and on < done[flow.FINANCE_STAGES[position - 1]]:
            raise ValidationError(Message("error.finance_order", {}, "finance_date"))
        cur.execute(
            "INSERT INTO monitoring_finance (monitoring_id) VALUES ($id) ON CONFLICT DO NOTHING",
            {"id": monitoring.id},
        )
        cur.execute(
            f"UPDATE monitoring_finance SET {stage} = $on WHERE monitoring_id = $id",  # noqa: S608
            {"on": on, "id": monitoring.id},
        )
        # The PPK's acceptance closes a monitoring whose report was accepted already.
        to_state = flow.settled(monitoring.state, guards(cur, monitoring))
        if to_state is not monitoring.state:
            cur.execute(
                "UPDATE monitoring SET state = $state, state_since = $now WHERE id = $id",
                {"state": to_state.value, "now": now, "id": monitoring.id},
            )
        record_event(cur, monitoring, actor, f"finance_{stage}", to_state, None, now,
                     {"date": on})  # fmt: skip


def finance_done(cur: duckdb.DuckDBPyConnection, mid: int) -> dict[str, dt.date | None]:
    """The date each stage of the accountability was recorded on (None: not yet)."""
    row = cur.execute(
        "SELECT submitted_on, bpp_received_on, ppk_accepted_on FROM monitoring_finance"
        " WHERE monitoring_id = $id",
        {"id": mid},
    ).fetchall()
    stages = flow.FINANCE_STAGES
    return dict(zip(stages, row[0], strict=True)) if row else dict.fromkeys(stages)


def _finance_refused(reason: str, stage: str, params: dict) -> DomainError:
    """The refusal of flow.finance_refusal as the error a caller has always received."""
    if reason == "error.forbidden":
        return Forbidden(Message(reason, {"action": flow.FINANCE_ACTIONS[stage].value}))
    if reason == "error.not_on_team":
        return Forbidden(Message(reason))
    if reason == "error.finance_order":
        return ValidationError(Message(reason, {}, "finance_date"))
    if reason in ("error.finance_no_costs", "error.finance_actuals_missing"):
        return ValidationError(Message(reason, params, "actual"))
    return Conflict(Message(reason))  # not direct, not this step, already recorded
