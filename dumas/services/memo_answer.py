"""The Deputi's answer to the memorandum proposing a direct visit (SOP step 4a): given by
the Deputi in the app, or entered by a team member from a written disposition; for an
Asdep-led visit, the Deputi's step-3 approval recorded as the answer with the memo. The
rule is monitoring_flow.answer_refusal; one transaction each, with its event and audit."""

from __future__ import annotations

import datetime as dt

import duckdb

from dumas import config
from dumas.db import Database, next_id
from dumas.domain import monitoring_flow as flow
from dumas.domain.codes import AnswerVia, DocumentKind, MemoOutcome
from dumas.domain.errors import Conflict, Message, ValidationError
from dumas.domain.permissions import Forbidden, User
from dumas.queries.memo_answer import current, memo_view
from dumas.queries.monitoring_state import Monitoring
from dumas.services.common import check_date, clean_text, raise_if
from dumas.services.monitoring import open_monitoring, record_event


def answer_memo(
    db: Database,
    actor: User,
    monitoring_id: int,
    *,
    revision: int,
    outcome: str,
    note: str | None,
    now: dt.datetime,
) -> None:
    """The Deputi approves the memo (with an optional direction) or returns it (with a
    note), today, on the monitoring as their screen showed it (`revision`)."""
    answered_on = now.astimezone(config.TIMEZONE).date()
    _answer(db, actor, monitoring_id, revision, (outcome, note, answered_on), AnswerVia.APP,
            answered_on, now)  # fmt: skip


def record_disposition(
    db: Database,
    actor: User,
    monitoring_id: int,
    *,
    revision: int,
    outcome: str,
    note: str | None,
    answered_on: dt.date | None,
    today: dt.date,
    now: dt.datetime,
) -> None:
    """A team member enters the Deputi's written disposition: its outcome, its note, the
    day it was given; the record names who entered it."""
    _answer(db, actor, monitoring_id, revision, (outcome, note, answered_on), AnswerVia.PAPER,
            today, now)  # fmt: skip


def _answer(
    db: Database,
    actor: User,
    monitoring_id: int,
    revision: int,
    answer: tuple[str, str | None, dt.date | None],
    via: AnswerVia,
    today: dt.date,
    now: dt.datetime,
) -> None:
    outcome, note, answered_on = answer
    errors: list[Message] = []
    if not MemoOutcome.allows(outcome):
        errors.append(Message("error.invalid_choice", {}, "outcome"))
    note = clean_text(note, "note", errors)
    if outcome == MemoOutcome.RETURNED and not note:
        errors.append(Message("error.note_required", {}, "note"))
    check_date(answered_on, "answered_on", today, errors)
    raise_if(errors)
    with db.transaction() as cur:
        monitoring = open_monitoring(cur, monitoring_id, revision)
        reason = flow.answer_refusal(memo_view(cur, monitoring), actor, via)
        if reason in ("error.forbidden", "error.not_on_team"):
            raise Forbidden(Message(reason))
        if reason:
            raise Conflict(Message(reason))
        memo = current(cur, monitoring.id)
        assert memo is not None  # answer_refusal refuses a memo not recorded
        deputi = actor.id if via is AnswerVia.APP else None  # on paper: not an account
        given = (MemoOutcome(outcome), note, answered_on, deputi)
        _insert(cur, monitoring, memo.memo_no, memo.memo_signed_on, given, actor, via, now)
        event = f"memo_{outcome}" if via is AnswerVia.APP else f"memo_paper_{outcome}"
        details = {"memo_no": memo.memo_no, "outcome": outcome, "answered_on": answered_on,
                   "via": via.value, "entered_by": actor.full_name}  # fmt: skip
        record_event(cur, monitoring, actor, event, monitoring.state, note, now, details)


def _insert(
    cur: duckdb.DuckDBPyConnection,
    monitoring: Monitoring,
    memo_no: str,
    memo_signed_on: dt.date,
    answer: tuple[MemoOutcome, str | None, dt.date | None, int | None],
    actor: User,
    via: AnswerVia,
    now: dt.datetime,
) -> None:
    outcome, note, answered_on, answered_by = answer
    cur.execute(
        """
        INSERT INTO monitoring_memo_answer (id, monitoring_id, memo_no, memo_signed_on, outcome,
                                            note, answered_on, answered_by, entered_by, via,
                                            recorded_at)
        VALUES ($id, $m, $no, $on, $outcome, $note, $answered_on, $by, $entered, $via, $now)
        """,
        {"id": next_id(cur, "monitoring_memo_answer"), "m": monitoring.id, "no": memo_no,
         "on": memo_signed_on, "outcome": outcome.value, "note": note,
         "answered_on": answered_on, "by": answered_by, "entered": actor.id, "via": via.value,
         "now": now},
    )  # fmt: skip


def check_document(
    cur: duckdb.DuckDBPyConnection, monitoring: Monitoring, kind: str, letter_no: str
) -> bool:
    """Inside record_document: refuse a document the memo's answer holds back (the rule is
    flow.document_refusal); True when the memo is a revision of a returned one, whose old
    record the caller replaces (its answer stays in the history under the old number)."""
    reason = flow.document_refusal(kind, memo_view(cur, monitoring))
    if reason:
        raise Conflict(Message(reason, {}, "kind"))
    if kind != DocumentKind.MEMO_DEPUTI or not monitoring.direct:
        return False
    memo = current(cur, monitoring.id)
    if memo is None:
        return False
    if memo.memo_no == letter_no:
        raise ValidationError(Message("error.memo_number_reused", {}, "letter_no"))
    return True


def after_memo(
    cur: duckdb.DuckDBPyConnection, monitoring: Monitoring, actor: User, now: dt.datetime
) -> None:
    """An Asdep-led visit's memo is answered by the Deputi's step-3 approval of its plan
    row: recorded as its answer (the day and the Deputi of that decision, its direction)."""
    if not (monitoring.direct and flow.answered_in_plan(monitoring.level)):
        return
    memo = current(cur, monitoring.id)
    decided = cur.execute(
        """
        SELECT m.approved_by, m.approved_at, r.decision_note
          FROM monitoring AS m LEFT JOIN plan_row AS r ON r.id = m.plan_row_id
         WHERE m.id = $id
        """,
        {"id": monitoring.id},
    ).fetchall()
    if memo is None or not decided:
        return
    deputi, approved_at, direction = decided[0]
    on = approved_at.astimezone(config.TIMEZONE).date()
    _insert(cur, monitoring, memo.memo_no, memo.memo_signed_on,
            (MemoOutcome.APPROVED, direction, on, deputi), actor, AnswerVia.PLAN, now)  # fmt: skip
    details = {"memo_no": memo.memo_no, "answered_on": on, "via": AnswerVia.PLAN.value}
    record_event(cur, monitoring, actor, "memo_approved_in_plan", monitoring.state, direction,
                 now, details)  # fmt: skip
