"""The memorandum to the Deputi of a direct visit (SOP step 4a) and the Deputi's answer:
what the answer rule (monitoring_flow.answer_refusal, document_refusal) reads, shared by
the services, which check, and the page and the inbox, which offer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

import duckdb
import pandas as pd

from dumas.domain import monitoring_flow as flow
from dumas.domain.codes import MemoOutcome
from dumas.domain.permissions import User
from dumas.queries.monitoring_state import Monitoring, team
from dumas.queries.plan_history import InboxItem


@dataclass(frozen=True)
class MemoAnswer:
    """The memo as recorded and its answer (outcome None: it waits for the Deputi)."""

    memo_no: str
    memo_signed_on: dt.date
    outcome: MemoOutcome | None = None
    note: str | None = None
    answered_on: dt.date | None = None
    answered_by: str | None = None  # the Deputi's name (app, plan)
    entered_by: str | None = None  # who recorded the answer
    via: str | None = None
    recorded_at: dt.datetime | None = None


# The memo recorded now, and the answer given to that very memo (number and date).
_CURRENT = """
SELECT d.letter_no, d.signed_on, a.outcome, a.note, a.answered_on, deputi.full_name,
       entered.full_name, a.via, a.recorded_at
  FROM monitoring_document AS d
  LEFT JOIN monitoring_memo_answer AS a ON a.monitoring_id = d.monitoring_id
       AND a.memo_no = d.letter_no AND a.memo_signed_on = d.signed_on
  LEFT JOIN app_user AS deputi ON deputi.id = a.answered_by
  LEFT JOIN app_user AS entered ON entered.id = a.entered_by
 WHERE d.monitoring_id = $id AND d.kind = 'memo_deputi'
 ORDER BY a.id DESC NULLS LAST
 LIMIT 1
"""


def current(cur: duckdb.DuckDBPyConnection, monitoring_id: int) -> MemoAnswer | None:
    """The recorded memo with its answer, or None before the memo is recorded."""
    found = cur.execute(_CURRENT, {"id": monitoring_id}).fetchall()
    if not found:
        return None
    no, on, outcome, *rest = found[0]
    return MemoAnswer(no, on, MemoOutcome(outcome) if outcome else None, *rest)


def memo_view(
    cur: duckdb.DuckDBPyConnection, monitoring: Monitoring, members: frozenset[int] | None = None
) -> flow.MemoView:
    """What the answer rule needs to know about the monitoring now."""
    answer = current(cur, monitoring.id)
    return flow.MemoView(
        monitoring.state,
        monitoring.level,
        monitoring.direct,
        team(cur, monitoring.id) if members is None else members,
        memo=answer is not None,
        answer=answer.outcome if answer else None,
    )


def history(cur: duckdb.DuckDBPyConnection, monitoring_id: int) -> pd.DataFrame:
    """Every answer given to the monitoring's memos, oldest first."""
    return cur.execute(
        """
        SELECT a.memo_no, a.memo_signed_on, a.outcome, a.note, a.answered_on, a.via,
               deputi.full_name AS answered_by, entered.full_name AS entered_by
          FROM monitoring_memo_answer AS a
          LEFT JOIN app_user AS deputi ON deputi.id = a.answered_by
          LEFT JOIN app_user AS entered ON entered.id = a.entered_by
         WHERE a.monitoring_id = $id
         ORDER BY a.id
        """,
        {"id": monitoring_id},
    ).df()


def items(cur: duckdb.DuckDBPyConnection, monitoring_id: int) -> dict[str, Any]:
    """The memo's items a-f as the Deputi reads them: the scope (a-e) and the letters to
    clarify (f, their number), with the memo's number and date."""
    scope = cur.execute(
        """
        SELECT purpose, partner, mechanism, expected_results, expected_relationship
          FROM monitoring_scope WHERE monitoring_id = $id
        """,
        {"id": monitoring_id},
    ).fetchall()
    names = ("purpose", "partner", "mechanism", "expected_results", "expected_relationship")
    letters = cur.execute(
        "SELECT count(*) FROM monitoring_letter WHERE monitoring_id = $id", {"id": monitoring_id}
    ).fetchall()[0][0]
    memo = current(cur, monitoring_id)
    return {
        **dict(zip(names, scope[0] if scope else (None,) * len(names), strict=True)),
        "letters": letters,
        "memo_no": memo.memo_no if memo else None,
        "memo_signed_on": memo.memo_signed_on if memo else None,
    }


@dataclass(frozen=True)
class MemoInboxItem(InboxItem):
    """A monitoring in "Menunggu Saya" whose memo waits for this user's answer, with the
    memo's items (see items())."""

    memo: dict[str, Any] | None = None


def with_memo(
    cur: duckdb.DuckDBPyConnection, item: InboxItem, monitoring: Monitoring, user: User
) -> InboxItem:
    """The item with its memo's items when the memo waits for this user (the Deputi)."""
    if not waits_for(cur, monitoring, user):
        return item
    values = {field.name: getattr(item, field.name) for field in fields(item)}
    return MemoInboxItem(**values, memo=items(cur, monitoring.id))


def waits_for(cur: duckdb.DuckDBPyConnection, monitoring: Monitoring, user: User) -> bool:
    """Whether the monitoring's memo waits for this user's answer (the inbox asks; the
    memo is read only for a direct visit in preparation, the only one that can wait)."""
    if not monitoring.direct or monitoring.state is not flow.MonitoringState.PREPARATION:
        return False
    return flow.memo_waits_for(memo_view(cur, monitoring), user)
