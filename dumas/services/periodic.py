"""A periodic report's life: its narrative drafted (saved with the revision the writer saw),
its figures frozen as sent when the Asdep finalises it (audited), the list of drafts and
finalised reports, and how today's data differ from what was finalised (reconciliation)."""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from dumas import config
from dumas.db import Database, next_id
from dumas.domain.errors import Conflict, Message, ValidationError
from dumas.domain.periods import Period
from dumas.domain.permissions import Action, Forbidden, User, require
from dumas.domain.report_flow import ReportEvent, ReportMove, refusal, still_running
from dumas.periodic import contents
from dumas.periodic.table import ReportTable
from dumas.queries import report_route, settings
from dumas.services.common import MAX_TEXT, audit, clean_paragraphs, raise_if

LANG = "id"  # official reports are in Indonesian
NARRATIVE = ("key_issues", "recommendations")


def _cleaned(narrative: dict[str, str | None]) -> dict[str, str | None]:
    """Key issues and recommendations as paragraphs, refused at once when too long."""
    errors: list[Message] = []
    text = {k: clean_paragraphs(narrative.get(k), k, errors) for k in NARRATIVE}
    raise_if(errors)
    return text


def _refuse_if_final(cur: duckdb.DuckDBPyConnection, period: Period) -> None:
    if frozen(cur, period) is not None:
        raise Conflict(Message("error.report_final", {"period": period.code}))


def finalise(
    db: Database,
    actor: User,
    period: Period,
    *,
    narrative: dict[str, str | None],
    revision: int,
    now: dt.datetime,
) -> int:
    """Freeze the period's report as it stands now (once per period) with the narrative
    the finaliser's screen showed: `revision` is the draft revision it showed (0 for none).
    If someone saved a newer draft since, nothing is frozen and the refusal says who and
    when. Text changed on the screen is first kept as the next draft revision."""
    require(actor, Action.FINALISE_REPORT)
    text = _cleaned(narrative)
    with db.transaction() as cur:
        _refuse_if_final(cur, period)
        stored = _unchanged_since(cur, period, revision, "error.report_changed_final")
        _refuse_unless(cur, period, ReportMove.FINALISE, actor,
                       today=now.astimezone(config.TIMEZONE).date())  # fmt: skip
        if (stored["narrative"] if stored else dict.fromkeys(NARRATIVE)) != text:
            stored = _write_draft(cur, actor, period, text, stored, now)
        title = contents.default_title(period, LANG)
        data = contents.build(cur, period, LANG, title=title,
                             generated=contents.generated_on(now, LANG))  # fmt: skip
        data = {**data, "final": True, "narrative": text, **_addressed(cur)}
        report_id = next_id(cur, "periodic_report")
        frozen_revision = stored["revision"] if stored else 0
        cur.execute(
            """
            INSERT INTO periodic_report (id, period_code, title, narrative, data, finalised_by,
                                         finalised_at, narrative_revision)
            VALUES ($id, $code, $title, $narrative, $data, $by, $at, $revision)
            """,
            {"id": report_id, "code": period.code, "title": title, "narrative": json.dumps(text),
             "data": _stored(data), "by": actor.id, "at": now,
             "revision": frozen_revision},
        )  # fmt: skip
        audit(cur, actor.username, "report.finalise", "periodic_report", report_id, None,
              {"period": period.code, "title": title, "narrative_revision": frozen_revision,
               "narrative_saved_by": stored and stored["saved_by"],
               "narrative_saved_at": stored and stored["saved_at"]})  # fmt: skip
        return report_id


def save_draft(
    db: Database,
    actor: User,
    period: Period,
    *,
    narrative: dict[str, str | None],
    revision: int,
    now: dt.datetime,
) -> int:
    """Keep the narrative of a report not yet final; `revision` is the draft revision the
    writer's screen showed (0 for none). Returns the new revision."""
    require(actor, Action.WRITE_REPORT)
    text = _cleaned(narrative)
    with db.transaction() as cur:
        _refuse_if_final(cur, period)
        stored = _unchanged_since(cur, period, revision, "error.report_changed")
        _refuse_unless(cur, period, ReportMove.DRAFT, actor)
        return _write_draft(cur, actor, period, text, stored, now)["revision"]


def _unchanged_since(
    cur: duckdb.DuckDBPyConnection, period: Period, revision: int, refusal: str
) -> dict | None:
    """The stored draft, provided it is still the revision the user's screen showed."""
    stored = draft(cur, period)
    if (stored["revision"] if stored else 0) != revision:
        who, at = (stored["saved_by"], stored["saved_at"]) if stored else ("?", None)
        raise Conflict(Message(refusal, {"who": who, "at": at}))
    return stored


def _write_draft(
    cur: duckdb.DuckDBPyConnection,
    actor: User,
    period: Period,
    text: dict[str, str | None],
    stored: dict | None,
    now: dt.datetime,
) -> dict:
    """Store the narrative as the next revision (audited); returns it as draft() would."""
    revision = (stored["revision"] if stored else 0) + 1
    cur.execute(
        """
        INSERT OR REPLACE INTO report_draft
        VALUES ($code, $narrative, $revision, $by, $at)
        """,
        {"code": period.code, "narrative": json.dumps(text), "revision": revision,
         "by": actor.id, "at": now},
    )  # fmt: skip
    audit(cur, actor.username, "report.draft", "report_draft", period.code,
          stored and stored["narrative"], text)  # fmt: skip
    return {"narrative": text, "revision": revision, "saved_by": actor.full_name, "saved_at": now}


def _stored(data: dict) -> str:
    """The report as the JSON a finalised report keeps: its tables as plain data."""
    tables = [table.as_dict() for table in data["tables"]]
    return json.dumps({**data, "tables": tables}, default=str)


def _loaded(stored: str) -> dict:
    """The report from its stored JSON, its tables ReportTable again."""
    data = json.loads(stored)
    return {**data, "tables": [ReportTable.from_dict(table) for table in data["tables"]]}


def draft(cur: duckdb.DuckDBPyConnection, period: Period) -> dict | None:
    """The saved narrative of the period, its revision, who saved it and when."""
    found = cur.execute(
        """
        SELECT d.narrative, d.revision, coalesce(u.full_name, '?'), d.saved_at
          FROM report_draft AS d LEFT JOIN app_user AS u ON u.id = d.saved_by
         WHERE d.period_code = $code
        """,
        {"code": period.code},
    ).fetchall()
    if not found:
        return None
    narrative, revision, who, at = found[0]
    return {"narrative": json.loads(narrative), "revision": revision, "saved_by": who,
            "saved_at": at}  # fmt: skip


def listing(cur: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every report someone worked on: finalised ones and drafts with a saved narrative,
    the latest worked on first. A finalised period is listed once, as final, with the day
    it was sent (None until the Deputi forwards it)."""
    rows = cur.execute(
        """
        SELECT coalesce(r.period_code, d.period_code) AS period_code,
               r.id IS NOT NULL AS final,
               coalesce(fu.full_name, du.full_name, '?') AS who,
               coalesce(r.finalised_at, d.saved_at) AS changed_at,
               (SELECT max(e.sent_on) FROM periodic_report_event AS e
                 WHERE e.period_code = r.period_code AND e.action = 'forward') AS sent_on
          FROM periodic_report AS r
          FULL JOIN report_draft AS d ON d.period_code = r.period_code
          LEFT JOIN app_user AS fu ON fu.id = r.finalised_by
          LEFT JOIN app_user AS du ON du.id = d.saved_by
         ORDER BY changed_at DESC, period_code
        """
    ).fetchall()
    names = ("period_code", "final", "who", "at", "sent_on")
    return [dict(zip(names, row, strict=True)) for row in rows]


def frozen(cur: duckdb.DuckDBPyConnection, period: Period) -> dict | None:
    """The finalised report of the period as it was frozen, with who and when, and the
    draft revision of its narrative."""
    found = cur.execute(
        """
        SELECT r.data, u.full_name, r.finalised_at, r.narrative_revision
          FROM periodic_report AS r LEFT JOIN app_user AS u ON u.id = r.finalised_by
         WHERE r.period_code = $code
        """,
        {"code": period.code},
    ).fetchall()
    if not found:
        return None
    data, who, at, revision = found[0]
    return {**_loaded(data), "finalised_by": who, "finalised_at": at,
            "narrative_revision": revision}  # fmt: skip


def reconcile(cur: duckdb.DuckDBPyConnection, period: Period, now: dt.datetime) -> list[dict]:
    """Every cell where today's figures differ from the finalised ones: table, row, column,
    then and now. Empty when nothing changed (or nothing was finalised)."""
    then = frozen(cur, period)
    if then is None:
        return []
    today = contents.build(cur, period, LANG, title=then["title"],
                          generated=contents.generated_on(now, LANG))  # fmt: skip
    today = _loaded(_stored(today))  # the same JSON round trip as the frozen figures
    changes = []
    for old, new in zip(then["tables"], today["tables"], strict=True):
        label = old.columns[0].name
        before = {r[label]: r for r in old.records}
        after = {r[label]: r for r in new.records}
        for row in sorted(set(before) | set(after), key=str):
            for column in (c.name for c in old.columns[1:]):
                was = (before.get(row) or {}).get(column)
                now_value = (after.get(row) or {}).get(column)
                if was != now_value:
                    changes.append({"table": old.title, "row": row, "column": column,
                                    "final": was, "today": now_value})  # fmt: skip
    return changes


# The route (dumas/domain/report_flow.py): the Kabid checks or returns a draft, the Deputi
# forwards the final report; each a recorded event with its date, audited.


def _refuse_unless(
    cur: duckdb.DuckDBPyConnection,
    period: Period,
    move: ReportMove,
    actor: User,
    *,
    today: dt.date | None = None,
) -> None:
    """Refuse a move the route does not allow this user now (the page asks the same);
    given today, finalising a period still running is refused with the day it may be."""
    state = report_route.route(cur, period).state
    why = refusal(move, state, actor, period=period, today=today)
    if why == "error.forbidden":
        raise Forbidden(Message(why, {"action": move.value}))
    if why == "error.report_running" and today is not None:
        raise Conflict(still_running(period, today) or Message(why))
    if why is not None:
        raise Conflict(Message(why, {"period": period.code}))


def _addressed(cur: duckdb.DuckDBPyConnection) -> dict:
    """The addressee and the forwarding official as the settings name them now."""
    found = settings.report_route(cur)
    return {"addressee": found["addressee"], "forwarding_official": found["forwarding_official"]}


def addressing(cur: duckdb.DuckDBPyConnection, period: Period) -> dict:
    """The report's addressee and forwarding official (as frozen once final, else as the
    settings say now), and when it was sent (the day, who recorded it), if it was."""
    then = frozen(cur, period)
    now = _addressed(cur)
    addressed = {key: (then or {}).get(key) or value for key, value in now.items()}
    forwarded = report_route.route(cur, period).forwarded
    return {**addressed, "sent_on": forwarded and forwarded["sent_on"],
            "sent_by": forwarded and forwarded["who"]}  # fmt: skip


def _event(
    cur: duckdb.DuckDBPyConnection,
    actor: User,
    period: Period,
    action: ReportEvent,
    revision: int,
    now: dt.datetime,
    *,
    sent_on: dt.date | None = None,
    note: str | None = None,
) -> int:
    event_id = next_id(cur, "periodic_report_event")
    cur.execute(
        "INSERT INTO periodic_report_event VALUES ($id, $code, $action, $revision, $by, $at,"
        " $sent_on, $note)",
        {"id": event_id, "code": period.code, "action": action.value, "revision": revision,
         "by": actor.id, "at": now, "sent_on": sent_on, "note": note},
    )  # fmt: skip
    recorded = {"period": period.code, "revision": revision, "sent_on": sent_on, "note": note}
    audit(cur, actor.username, f"report.{action.value}", "periodic_report_event", event_id,
          None, recorded)  # fmt: skip
    return event_id


def _note(note: str | None, required: bool) -> str | None:
    text = (note or "").strip() or None
    if required and text is None:
        raise ValidationError(Message("error.note_required", {}, "note"))
    if text is not None and len(text) > MAX_TEXT:
        raise ValidationError(Message("error.too_long", {"max": MAX_TEXT}, "note"))
    return text


def review(
    db: Database,
    actor: User,
    period: Period,
    *,
    move: ReportMove,
    revision: int,
    note: str | None = None,
    now: dt.datetime,
) -> int:
    """The Kabid checks the draft revision their screen showed (ReportMove.CHECK), or
    returns it to the analysts with a note (ReportMove.RETURN). A newer draft saved since
    is refused, saying who and when."""
    if move not in (ReportMove.CHECK, ReportMove.RETURN):
        raise ValueError(move)
    require(actor, Action.CHECK_REPORT)
    text = _note(note, required=move is ReportMove.RETURN)
    with db.transaction() as cur:
        _refuse_if_final(cur, period)
        _unchanged_since(cur, period, revision, "error.report_changed")
        _refuse_unless(cur, period, move, actor)
        return _event(cur, actor, period, ReportEvent(move.value), revision, now, note=text)


def forward(
    db: Database,
    actor: User,
    period: Period,
    *,
    sent_on: dt.date,
    note: str | None = None,
    now: dt.datetime,
) -> int:
    """The Deputi records that the final report was sent to the addressee, and the day:
    not before it was finalised, not after today. Once per report."""
    require(actor, Action.FORWARD_REPORT)
    text = _note(note, required=False)
    with db.transaction() as cur:
        then = frozen(cur, period)
        _refuse_unless(cur, period, ReportMove.FORWARD, actor)
        if then is None:  # the route allows forwarding only a final report
            raise Conflict(Message("error.report_route", {"period": period.code}))
        finalised = then["finalised_at"].astimezone(config.TIMEZONE).date()
        if not finalised <= sent_on <= now.astimezone(config.TIMEZONE).date():
            raise ValidationError(Message("error.report_sent_on", {}, "sent_on"))
        return _event(cur, actor, period, ReportEvent.FORWARD, then["narrative_revision"] or 0,
                      now, sent_on=sent_on, note=text)  # fmt: skip
