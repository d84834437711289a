"""Finalising a periodic report: its figures frozen as sent, audited; and how today's
data differ from what was finalised (the reconciliation note)."""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from dumas import reports
from dumas.db import Database, next_id
from dumas.errors import Conflict, Message
from dumas.periods import Period
from dumas.permissions import Action, User, require
from dumas.services.common import audit, clean_text, raise_if

LANG = "id"  # official reports are in Indonesian
NARRATIVE = ("key_issues", "recommendations")


def finalise(
    db: Database,
    actor: User,
    period: Period,
    *,
    narrative: dict[str, str | None],
    now: dt.datetime,
) -> int:
    """Freeze the period's report as it stands now (once per period)."""
    require(actor, Action.FINALISE_REPORT)
    errors: list[Message] = []
    text = {k: clean_text(narrative.get(k), k, errors) for k in NARRATIVE}
    raise_if(errors)
    with db.transaction() as cur:
        if frozen(cur, period) is not None:
            raise Conflict(Message("error.report_final", {"period": period.code}))
        title = reports.default_title(period, LANG)
        data = reports.build(cur, period, LANG, title=title,
                             generated=reports.generated_on(now, LANG))  # fmt: skip
        data = {**data, "final": True, "narrative": text}
        report_id = next_id(cur, "periodic_report")
        cur.execute(
            "INSERT INTO periodic_report VALUES ($id, $code, $title, $narrative, $data, $by, $at)",
            {"id": report_id, "code": period.code, "title": title, "narrative": json.dumps(text),
             "data": json.dumps(data, default=str), "by": actor.id, "at": now},
        )  # fmt: skip
        audit(cur, actor.username, "report.finalise", "periodic_report", report_id, None,
              {"period": period.code, "title": title})  # fmt: skip
        return report_id


def frozen(cur: duckdb.DuckDBPyConnection, period: Period) -> dict | None:
    """The finalised report of the period as it was frozen, with who and when."""
    found = cur.execute(
        """
        SELECT r.data, u.full_name, r.finalised_at
          FROM periodic_report AS r LEFT JOIN app_user AS u ON u.id = r.finalised_by
         WHERE r.period_code = $code
        """,
        {"code": period.code},
    ).fetchall()
    if not found:
        return None
    data, who, at = found[0]
    return {**json.loads(data), "finalised_by": who, "finalised_at": at}


def reconcile(cur: duckdb.DuckDBPyConnection, period: Period, now: dt.datetime) -> list[dict]:
    """Every cell where today's figures differ from the finalised ones: table, row, column,
    then and now. Empty when nothing changed (or nothing was finalised)."""
    then = frozen(cur, period)
    if then is None:
        return []
    today = reports.build(cur, period, LANG, title=then["title"],
                          generated=reports.generated_on(now, LANG))  # fmt: skip
    today = json.loads(json.dumps(today, default=str))
    changes = []
    for old, new in zip(then["tables"], today["tables"], strict=True):
        label = old["columns"][0]["name"]
        before = {r[label]: r for r in [*old["rows"], *([old["total"]] if old["total"] else [])]}
        after = {r[label]: r for r in [*new["rows"], *([new["total"]] if new["total"] else [])]}
        for row in sorted(set(before) | set(after), key=str):
            for column in (c["name"] for c in old["columns"][1:]):
                was = (before.get(row) or {}).get(column)
                now_value = (after.get(row) or {}).get(column)
                if was != now_value:
                    changes.append({"table": old["title"], "row": row, "column": column,
                                    "final": was, "today": now_value})  # fmt: skip
    return changes
