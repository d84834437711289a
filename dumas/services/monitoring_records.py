"""What the team records during steps 4-7: scope, signed documents, coordination, the
execution log, results per letter (a response obtained goes into the follow-up
database), the report's narrative, and the money planned and spent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from dumas.db import Database, next_id
from dumas.domain import monitoring_flow as flow
from dumas.domain.codes import ActivityKind, CostItem, DocumentKind, Result
from dumas.domain.errors import Conflict, Message, NotFound, ValidationError
from dumas.domain.permissions import User
from dumas.queries.monitoring_state import Monitoring
from dumas.services import memo_answer
from dumas.services.common import (
    MAX_NARRATIVE,
    audit,
    check_date,
    clean_letter_no,
    clean_paragraphs,
    clean_rupiah,
    clean_text,
    raise_if,
)
from dumas.services.followup import ResponseInput, insert_response
from dumas.services.monitoring import open_monitoring, record_event, require_team, team

SCOPE_FIELDS = ("purpose", "partner", "mechanism", "expected_results", "expected_relationship")
COORDINATION_TEXT = ("contact_name", "contact_position", "contact_phone", "contact_email", "note")
COORDINATION_DATES = ("letter_sent_on", "material_sent_on")
# The substance report's narrative: paragraphs kept, long text allowed (MAX_NARRATIVE).
REPORT_FIELDS = ("introduction", "execution", "analysis", "conclusions", "recommendations")


def _texts(values: dict, names: tuple[str, ...], errors: list[Message]) -> dict[str, str | None]:
    return {name: clean_text(values.get(name), name, errors) for name in names}


def _upsert(cur: duckdb.DuckDBPyConnection, table: str, mid: int, values: dict) -> None:
    """One row per monitoring in a record table (names from the allow-lists above)."""
    columns = ", ".join(["monitoring_id", *values])
    placeholders = ", ".join(["$monitoring_id", *(f"${k}" for k in values)])
    updates = ", ".join(f"{k} = EXCLUDED.{k}" for k in values)
    cur.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
        f" ON CONFLICT (monitoring_id) DO UPDATE SET {updates}",
        {"monitoring_id": mid, **values},
    )


def _save_record(
    db: Database,
    actor: User,
    monitoring_id: int,
    revision: int,
    record: tuple[str, str],
    values: dict,
    now: dt.datetime,
    *,
    audited: bool = True,
) -> None:
    """Store a monitoring's one-row record (table, event name) for its team, in one
    transaction, refusing a stale screen; the values go into the event when audited."""
    table, action = record
    with db.transaction() as cur:
        monitoring = open_monitoring(cur, monitoring_id, revision)
        require_team(cur, monitoring, actor)
        _upsert(cur, table, monitoring.id, values)
        details = values if audited else None
        record_event(cur, monitoring, actor, action, monitoring.state, None, now, details)


def save_scope(
    db: Database, actor: User, monitoring_id: int, *, revision: int, values: dict, now: dt.datetime
) -> None:
    """The six scope items of the proposal memorandum (the sixth is the letters matrix)."""
    errors: list[Message] = []
    cleaned = _texts(values, SCOPE_FIELDS, errors)
    raise_if(errors)
    _save_record(db, actor, monitoring_id, revision, ("monitoring_scope", "scope"), cleaned, now)


@dataclass(frozen=True)
class DocumentRecord:
    """A signed document as the user typed it: which one, its number and its date."""

    kind: str
    letter_no: str
    signed_on: dt.date | None


def record_document(
    db: Database,
    actor: User,
    monitoring_id: int,
    *,
    revision: int,
    document: DocumentRecord,
    today: dt.date,
    now: dt.datetime,
) -> None:
    """A generated document's number and date, once it is signed (recorded once), on the
    monitoring as the recorder's screen showed it (`revision`). Of a direct visit, the
    assignment letter and the travel memorandum wait for the Deputi's approval of the memo,
    and a returned memo is recorded again under a new number (memo_answer.check_document)."""
    errors: list[Message] = []
    kind, signed_on = document.kind, document.signed_on
    if not DocumentKind.allows(kind):
        errors.append(Message("error.invalid_choice", {}, "kind"))
    letter_no = clean_letter_no(document.letter_no, "letter_no", errors)
    check_date(signed_on, "signed_on", today, errors)
    raise_if(errors)
    with db.transaction() as cur:
        monitoring = open_monitoring(cur, monitoring_id, revision)
        require_team(cur, monitoring, actor)
        if reason := flow.document_kind_refusal(kind, monitoring.direct):
            raise Conflict(Message(reason, {}, "kind"))
        revised = memo_answer.check_document(cur, monitoring, kind, letter_no)
        found = cur.execute(
            "SELECT 1 FROM monitoring_document WHERE monitoring_id = $id AND kind = $kind",
            {"id": monitoring.id, "kind": kind},
        ).fetchall()
        if found and not revised:
            raise Conflict(Message("error.document_recorded", {}, "kind"))
        cur.execute(
            "INSERT INTO monitoring_document VALUES ($id, $kind, $no, $on, $by)"
            " ON CONFLICT (monitoring_id, kind) DO UPDATE SET letter_no = EXCLUDED.letter_no,"
            " signed_on = EXCLUDED.signed_on, recorded_by = EXCLUDED.recorded_by",
            {"id": monitoring.id, "kind": kind, "no": letter_no, "on": signed_on, "by": actor.id},
        )
        details = {"kind": kind, "letter_no": letter_no, "signed_on": signed_on}
        record_event(cur, monitoring, actor, "document", monitoring.state, None, now, details)
        if kind == DocumentKind.MEMO_DEPUTI:
            memo_answer.after_memo(cur, monitoring, actor, now)


def save_coordination(
    db: Database,
    actor: User,
    monitoring_id: int,
    *,
    revision: int,
    values: dict,
    today: dt.date,
    now: dt.datetime,
) -> None:
    """Step 5: the assignment letter and material sent, the contact at the agency."""
    errors: list[Message] = []
    cleaned: dict[str, object] = _texts(values, COORDINATION_TEXT, errors)
    for name in COORDINATION_DATES:
        if values.get(name) is not None:
            check_date(values[name], name, today, errors)
        cleaned[name] = values.get(name)
    raise_if(errors)
    record = ("monitoring_coordination", "coordination")
    _save_record(db, actor, monitoring_id, revision, record, cleaned, now)


def add_activity(
    db: Database,
    actor: User,
    monitoring_id: int,
    *,
    values: dict,
    today: dt.date,
    now: dt.datetime,
) -> int:
    """Step 6: one entry of the log (direct: meetings and visits; indirect: electronic
    contacts, each with its channel and the person contacted)."""
    errors: list[Message] = []
    if not ActivityKind.allows(values.get("kind")):
        errors.append(Message("error.invalid_choice", {}, "activity_kind"))
    check_date(values.get("activity_date"), "activity_date", today, errors)
    texts = _texts(values, ("place", "participants", "channel", "summary"), errors)
    raise_if(errors)
    with db.transaction() as cur:
        monitoring = open_monitoring(cur, monitoring_id, None)
        require_team(cur, monitoring, actor)
        if refused := flow.activity_refusal(values["kind"], monitoring.direct, texts):
            raise ValidationError(Message(refused[0], {}, refused[1]))
        row = {"id": next_id(cur, "monitoring_activity"), "kind": values["kind"],
               "activity_date": values["activity_date"], **texts}  # fmt: skip
        cur.execute(
            """
            INSERT INTO monitoring_activity (id, monitoring_id, kind, activity_date, place,
                                             participants, channel, summary)
            VALUES ($id, $m, $kind, $activity_date, $place, $participants, $channel, $summary)
            """,
            {**row, "m": monitoring.id},
        )
        record_event(cur, monitoring, actor, "activity", monitoring.state, None, now, row)
        return row["id"]


def add_agreement(
    db: Database,
    actor: User,
    monitoring_id: int,
    *,
    item: str,
    responsible: str | None,
    due_on: dt.date | None,
    now: dt.datetime,
) -> int:
    """Step 6: a kesepakatan with the party responsible and its due date."""
    errors: list[Message] = []
    item = clean_text(item, "item", errors) or ""
    if not item:
        errors.append(Message("error.required", {}, "item"))
    responsible = clean_text(responsible, "responsible", errors)
    raise_if(errors)
    with db.transaction() as cur:
        monitoring = open_monitoring(cur, monitoring_id, None)
        require_team(cur, monitoring, actor)
        row = {"id": next_id(cur, "monitoring_agreement"), "item": item,
               "responsible": responsible, "due_on": due_on}  # fmt: skip
        cur.execute(
            "INSERT INTO monitoring_agreement VALUES ($id, $m, $item, $responsible, $due_on)",
            {**row, "m": monitoring.id},
        )
        record_event(cur, monitoring, actor, "agreement", monitoring.state, None, now, row)
        return row["id"]


@dataclass(frozen=True)
class ResultInput:
    """What the user recorded as found for one letter: the result, its evidence, the
    recommendation, and the agency's response when one was obtained."""

    result: str
    evidence: str | None
    recommendation: str | None
    response: ResponseInput | None = None


def record_result(
    db: Database,
    actor: User,
    monitoring_id: int,
    *,
    forwarding_id: int,
    found: ResultInput,
    today: dt.date,
    now: dt.datetime,
    seen: dict | None = None,
) -> None:
    """What was found for one letter; a response obtained is recorded as the agency's
    response in the follow-up database in the same transaction. `seen` is the letter's
    result as the recorder's screen showed it (result, evidence, recommendation; None for
    none): a colleague's result saved since is refused with who and when, not overwritten."""
    errors: list[Message] = []
    cleaned = _clean_result(found, errors)
    raise_if(errors)
    with db.transaction() as cur:
        monitoring = open_monitoring(cur, monitoring_id, None)
        require_team(cur, monitoring, actor)
        _write_result(cur, monitoring, actor, forwarding_id, cleaned, found.response, seen,
                      today, now)  # fmt: skip


@dataclass(frozen=True)
class ResultRow:
    """One row of the results table: the letter, what was found, and what the screen
    showed of it before (result, evidence, recommendation; None for none)."""

    forwarding_id: int
    found: ResultInput
    seen: dict | None = None


def record_results(
    db: Database,
    actor: User,
    monitoring_id: int,
    *,
    rows: list[ResultRow],
    today: dt.date,
    now: dt.datetime,
) -> int:
    """The results of many letters at once, with the checks of record_result on every row,
    in one transaction: one invalid row (named by its number in the table) refuses the
    whole save and nothing is written. Returns how many letters were recorded."""
    errors: list[Message] = []
    cleaned = []
    for number, row in enumerate(rows, start=1):
        found: list[Message] = []
        cleaned.append(_clean_result(row.found, found))
        errors += [_in_row(message, number) for message in found]
    raise_if(errors)
    with db.transaction() as cur:
        monitoring = open_monitoring(cur, monitoring_id, None)
        require_team(cur, monitoring, actor)
        for number, (row, values) in enumerate(zip(rows, cleaned, strict=True), start=1):
            try:
                _write_result(cur, monitoring, actor, row.forwarding_id, values,
                              row.found.response, row.seen, today, now)  # fmt: skip
            except NotFound:
                raise NotFound(_in_row(Message("error.letter_not_in_monitoring"), number)) from None
            except Conflict as changed:  # a colleague's result since: who and when, and where
                raise Conflict(*(_in_row(m, number) for m in changed.messages)) from None
        return len(rows)


def _in_row(message: Message, number: int) -> Message:
    """A field's refusal as the same refusal on a numbered row of a table."""
    key = message.key.removeprefix("error.")
    return Message(f"error.row_{key}", {**message.params, "row": number}, message.field)


def _clean_result(found: ResultInput, errors: list[Message]) -> dict:
    """A letter's result as stored: a known result, the texts cleaned."""
    if not Result.allows(found.result):
        errors.append(Message("error.invalid_choice", {}, "result"))
    evidence = clean_text(found.evidence, "evidence", errors)
    recommendation = clean_text(found.recommendation, "recommendation", errors)
    return {"result": found.result, "evidence": evidence, "recommendation": recommendation}


def _write_result(
    cur: duckdb.DuckDBPyConnection,
    monitoring: Monitoring,
    actor: User,
    forwarding_id: int,
    values: dict,
    response: ResponseInput | None,
    seen: dict | None,
    today: dt.date,
    now: dt.datetime,
) -> None:
    """One letter's result (and the response obtained) in the caller's transaction."""
    letter = cur.execute(
        """
        SELECT f.complaint_id, f.agency_id FROM monitoring_letter AS ml
          JOIN forwarding AS f ON f.id = ml.forwarding_id
         WHERE ml.monitoring_id = $m AND ml.forwarding_id = $f
        """,
        {"m": monitoring.id, "f": forwarding_id},
    ).fetchall()
    if not letter:
        raise NotFound(Message("error.letter_not_in_monitoring"))
    if seen is not None:
        _refuse_changed_result(cur, monitoring.id, forwarding_id, seen)
    response_id = None
    if response is not None:
        complaint_id, agency_id = letter[0]
        response_id = insert_response(
            cur, actor, complaint_id=complaint_id, agency_id=agency_id, response=response,
            today=today,
        )  # fmt: skip
    row = {"m": monitoring.id, "f": forwarding_id, **values, "response": response_id}
    cur.execute(  # recorded_at: when the result was first saved or last changed
        """
        INSERT INTO monitoring_result (monitoring_id, forwarding_id, result, evidence,
                                       recommendation, response_id, recorded_at)
        VALUES ($m, $f, $result, $evidence, $recommendation, $response, $now)
        ON CONFLICT (monitoring_id, forwarding_id) DO UPDATE SET
            result = EXCLUDED.result, evidence = EXCLUDED.evidence,
            recommendation = EXCLUDED.recommendation,
            response_id = coalesce(EXCLUDED.response_id, monitoring_result.response_id),
            recorded_at = CASE WHEN monitoring_result.result = EXCLUDED.result
                               THEN monitoring_result.recorded_at
                               ELSE EXCLUDED.recorded_at END
        """,
        {**row, "now": now},
    )
    record_event(cur, monitoring, actor, "result", monitoring.state, None, now, row)


def _refuse_changed_result(
    cur: duckdb.DuckDBPyConnection, monitoring_id: int, forwarding_id: int, seen: dict
) -> None:
    """A letter's stored result must still be the one the screen showed."""
    stored = cur.execute(
        """
        SELECT result, evidence, recommendation FROM monitoring_result
         WHERE monitoring_id = $m AND forwarding_id = $f
        """,
        {"m": monitoring_id, "f": forwarding_id},
    ).fetchall()
    now = dict(zip(_RESULT_FIELDS, stored[0] if stored else (None,) * 3, strict=True))
    if now == {name: seen.get(name) for name in _RESULT_FIELDS}:
        return
    last = cur.execute(
        """
        SELECT coalesce(u.full_name, a.actor), a.logged_at
          FROM audit_log AS a LEFT JOIN app_user AS u ON u.username = a.actor
         WHERE a.entity = 'monitoring' AND a.entity_id = $m AND a.action = 'monitoring.result'
           AND json_extract(a.new_value, '$.f')::INTEGER = $f
         ORDER BY a.id DESC
         LIMIT 1
        """,
        {"m": str(monitoring_id), "f": forwarding_id},
    ).fetchall()
    who, at = last[0] if last else ("?", None)
    raise Conflict(Message("error.result_changed", {"who": who, "at": at}))


_RESULT_FIELDS = ("result", "evidence", "recommendation")


def report_values(values: dict) -> dict[str, str | None]:
    """The substance report's narrative as stored: each part's paragraphs kept (one per
    line), up to MAX_NARRATIVE characters; every part too long is refused at once."""
    errors: list[Message] = []
    cleaned = {
        name: clean_paragraphs(values.get(name), name, errors, MAX_NARRATIVE)
        for name in REPORT_FIELDS
    }
    raise_if(errors)
    return cleaned


def save_report(
    db: Database, actor: User, monitoring_id: int, *, revision: int, values: dict, now: dt.datetime
) -> None:
    """Step 7: the narrative parts of the substance report, each kept in its paragraphs."""
    cleaned = report_values(values)
    record = ("monitoring_report", "report")
    _save_record(db, actor, monitoring_id, revision, record, cleaned, now, audited=False)


def save_costs(
    db: Database,
    actor: User,
    monitoring_id: int,
    *,
    revision: int,
    rows: list[dict],
    now: dt.datetime,
) -> None:
    """Step 7: every cost line, planned and actual, in whole rupiah (replaces the list)."""
    errors: list[Message] = []
    clean: list[dict] = []
    for number, row in enumerate(rows, start=1):
        if not CostItem.allows(row.get("item")):
            errors.append(Message("error.row_invalid_choice", {"row": number}, "item"))
        planned = clean_rupiah(row.get("planned"), "planned", number, errors)
        if planned is None:
            errors.append(Message("error.row_money", {"row": number}, "planned"))
        actual = clean_rupiah(row.get("actual"), "actual", number, errors)
        clean.append({"item": row.get("item"), "user_id": row.get("user_id"),
                      "planned": planned, "actual": actual})  # fmt: skip
    raise_if(errors)
    with db.transaction() as cur:
        monitoring = open_monitoring(cur, monitoring_id, revision)
        require_team(cur, monitoring, actor)
        if not monitoring.direct:
            raise Conflict(Message("error.finance_direct_only"))
        members = team(cur, monitoring.id)
        if any(r["user_id"] is not None and int(r["user_id"]) not in members for r in clean):
            raise ValidationError(Message("error.cost_person_not_on_team", {}, "user_id"))
        cur.execute("DELETE FROM monitoring_cost WHERE monitoring_id = $id", {"id": monitoring.id})
        for row in clean:
            cur.execute(
                "INSERT INTO monitoring_cost VALUES ($id, $m, $item, $user_id, $planned, $actual)",
                {"id": next_id(cur, "monitoring_cost"), "m": monitoring.id, **row},
            )
        record_event(cur, monitoring, actor, "costs", monitoring.state, None, now,
                     {"lines": len(clean)})  # fmt: skip


def plan_costs_from_sbm(
    db: Database, actor: User, monitoring_id: int, *, revision: int, year: int, now: dt.datetime
) -> int:
    """Planned lines per person of the approved plan row (its persons, the team members
    named first) from the SBM table of the year and the locus: daily allowance x days,
    lodging cap x nights, and the transport the plan estimated."""
    with db.transaction() as cur:
        monitoring = open_monitoring(cur, monitoring_id, revision)
        require_team(cur, monitoring, actor)
        if not monitoring.direct:
            raise Conflict(Message("error.finance_direct_only"))
        found = cur.execute(_SBM_PLAN, {"m": monitoring.id, "year": year}).fetchall()
        if not found:
            raise ValidationError(Message("error.sbm_missing", {"year": year}))
        _replace_planned(cur, monitoring.id, found)
        record_event(cur, monitoring, actor, "costs", monitoring.state, None, now,
                     {"from_sbm": year, "lines": len(found)})  # fmt: skip
        return len(found)


def plan_costs_from_rows(
    cur: duckdb.DuckDBPyConnection, actor: User, monitoring_ids: list[int]
) -> None:
    """Step 4 starts with the money the matrix approved: for each new field visit, planned
    lines per person of its plan row (the team members named first) at the row's own
    rates, so the travel memo asks for the row's estimate; the team edits them from
    there. Called in the approval's transaction; one audit row per monitoring."""
    for mid in monitoring_ids:
        found = cur.execute(_ROW_PLAN, {"m": mid}).fetchall()
        if not found:
            continue  # not a field visit, or a row without persons or days
        _replace_planned(cur, mid, found)
        total = sum(int(planned) for _, _, planned in found)
        audit(cur, actor.username, "monitoring.costs", "monitoring", mid, None,
              {"from_plan_row": True, "lines": len(found), "planned": total})  # fmt: skip


def _replace_planned(cur: duckdb.DuckDBPyConnection, mid: int, lines: list) -> None:
    """The monitoring's cost lines become these planned lines (no actuals yet)."""
    cur.execute("DELETE FROM monitoring_cost WHERE monitoring_id = $id", {"id": mid})
    for item, user_id, planned in lines:
        cur.execute(
            "INSERT INTO monitoring_cost VALUES ($id, $m, $item, $user, $planned, NULL)",
            {"id": next_id(cur, "monitoring_cost"), "m": mid, "item": item,
             "user": user_id, "planned": planned},
        )  # fmt: skip


# The persons of the approved row, numbered: the team members first (lead first), then
# unnamed places up to the row's persons (the team itself when the row counts none).
_SLOTS = """
m AS (
    SELECT mo.id, mo.province_code, r.days, r.persons, r.transport, r.lodging, r.allowance
      FROM monitoring AS mo JOIN plan_row AS r ON r.id = mo.plan_row_id
     WHERE mo.id = $m AND mo.method = 'kunjungan_lapangan'
),
named AS (
    SELECT mm.user_id, row_number() OVER (ORDER BY mm.is_lead DESC, mm.user_id) AS n
      FROM monitoring_member AS mm, m WHERE mm.monitoring_id = m.id
),
slot AS (
    SELECT s.n, named.user_id
      FROM m, range(1, coalesce(m.persons, (SELECT count(*) FROM named)) + 1) AS s(n)
      LEFT JOIN named ON named.n = s.n
)
"""
_LINES = """
SELECT item, user_id, planned FROM (
    SELECT 'uang_harian' AS item, slot.user_id, allowance * days AS planned, 1 AS o, slot.n
      FROM p, slot
    UNION ALL
    SELECT 'penginapan', slot.user_id, lodging * greatest(days - 1, 0), 2, slot.n FROM p, slot
    UNION ALL
    SELECT 'transport', slot.user_id, transport, 3, slot.n FROM p, slot
)
ORDER BY o, n
"""
# The row's own rates (those the matrix estimated with: trip_cost in db/figures.sql).
_ROW_PLAN = f"""
WITH {_SLOTS},
p AS (
    SELECT coalesce(allowance, 0) AS allowance, coalesce(lodging, 0) AS lodging,
           coalesce(transport, 0) AS transport, days
      FROM m WHERE persons IS NOT NULL AND days IS NOT NULL
)
{_LINES}
"""  # noqa: S608
# The SBM rates of the year and the locus, and the row's transport.
_SBM_PLAN = f"""
WITH {_SLOTS},
p AS (
    SELECT s.daily_allowance AS allowance, s.lodging_cap AS lodging,
           coalesce(m.transport, 0) AS transport, coalesce(m.days, 1) AS days
      FROM m JOIN sbm_rate AS s ON s.year = $year AND s.province_code = m.province_code
)
{_LINES}
"""  # noqa: S608
