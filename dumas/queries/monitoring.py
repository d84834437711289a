"""Read side of a monitoring (steps 4-8): its records, its checklist, its documents' data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict, cast

import duckdb
import pandas as pd

from dumas import config, i18n
from dumas.domain import monitoring_flow as flow
from dumas.domain.codes import ActivityKind, Result
from dumas.domain.deadlines import LateBy, due_at, late_by, office_hours
from dumas.domain.monitoring_flow import MonitoringState
from dumas.queries.plan_history import StepRun
from dumas.render.documents.inputs import (
    Activity,
    Agreement,
    CitedLetter,
    CostLine,
    Finding,
    MonitoringDocument,
    TeamMember,
)


class MonitoringRow(TypedDict):
    """A monitoring row (schema.sql) with its plan, agency, locus, lead and planned trip."""

    id: int
    plan_id: int
    plan_row_id: int
    agency_id: int
    province_code: str | None
    level: str
    method: str
    team_lead: int
    schedule_from: dt.date | None
    schedule_to: dt.date | None
    estimated_cost: Decimal | None
    state: str
    approved_by: int
    approved_at: dt.datetime
    state_since: dt.datetime | None
    revision: int
    plan_title: str
    period_label: str
    agency: str
    agency_head: str | None  # the agency's head_title: how letters address it
    agency_city: str | None
    province: str | None
    team_lead_name: str | None
    approved_by_name: str | None
    days: int | None
    persons: int | None
    planned_transport: Decimal | None


class MonitoringRecords(TypedDict):
    """What a monitoring recorded: one row per step (empty dict before it) and the lists."""

    scope: dict[str, Any]
    coordination: dict[str, Any]
    report: dict[str, Any]
    finance: dict[str, Any]
    documents: pd.DataFrame
    activities: pd.DataFrame
    agreements: pd.DataFrame
    costs: pd.DataFrame


def _one(cur: duckdb.DuckDBPyConnection, sql: str, params: dict) -> dict[str, Any] | None:
    cursor = cur.execute(sql, params)
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    return dict(zip(names, rows[0], strict=True)) if rows else None


def detail(cur: duckdb.DuckDBPyConnection, monitoring_id: int) -> MonitoringRow | None:
    """The monitoring with its plan, agency, locus and lead, or None."""
    row = _one(
        cur,
        """
        SELECT m.*, p.title AS plan_title, p.period_label, ag.name AS agency,
               ag.head_title AS agency_head, ag.city AS agency_city,
               pv.name AS province, lead.full_name AS team_lead_name,
               approver.full_name AS approved_by_name,
               r.days, r.persons, r.transport AS planned_transport
          FROM monitoring AS m
          JOIN plan AS p ON p.id = m.plan_id
          JOIN plan_row AS r ON r.id = m.plan_row_id
          JOIN agency AS ag ON ag.id = m.agency_id
          LEFT JOIN province AS pv ON pv.code = m.province_code
          LEFT JOIN app_user AS lead ON lead.id = m.team_lead
          LEFT JOIN app_user AS approver ON approver.id = m.approved_by
         WHERE m.id = $id
        """,
        {"id": monitoring_id},
    )
    return cast(MonitoringRow | None, row)


def team(cur: duckdb.DuckDBPyConnection, monitoring_id: int) -> pd.DataFrame:
    """The team, lead first, with what assignment letters need."""
    return cur.execute(
        """
        SELECT u.id, u.full_name AS name, u.nip, u.rank, u.position, mm.is_lead
          FROM monitoring_member AS mm JOIN app_user AS u ON u.id = mm.user_id
         WHERE mm.monitoring_id = $id
         ORDER BY mm.is_lead DESC, u.full_name
        """,
        {"id": monitoring_id},
    ).df()


def letters(cur: duckdb.DuckDBPyConnection, monitoring_id: int, as_of: dt.date) -> pd.DataFrame:
    """The letters to clarify with their state at as_of and what the monitoring found."""
    return cur.execute(
        """
        SELECT lf.forwarding_id, lf.complaint_id, lf.agency_id, lf.agenda_no, lf.letter_no,
               lf.letter_date, lf.answered, lf.age_wd, lf.last_status, c.summary,
               res.result, res.evidence, res.recommendation, res.response_id
          FROM monitoring_letter AS ml
          JOIN letter_facts($as_of) AS lf ON lf.forwarding_id = ml.forwarding_id
          JOIN complaint AS c ON c.id = lf.complaint_id
          LEFT JOIN monitoring_result AS res
            ON res.monitoring_id = ml.monitoring_id AND res.forwarding_id = ml.forwarding_id
         WHERE ml.monitoring_id = $id
         ORDER BY lf.letter_date, lf.forwarding_id
        """,
        {"id": monitoring_id, "as_of": as_of},
    ).df()


def records(cur: duckdb.DuckDBPyConnection, monitoring_id: int) -> MonitoringRecords:
    """Scope, coordination, report, finance (dicts) and documents, activities,
    agreements, costs (frames) of one monitoring."""
    params = {"id": monitoring_id}
    one = {
        name: _one(cur, f"SELECT * FROM {name} WHERE monitoring_id = $id", params)  # noqa: S608
        for name in ("monitoring_scope", "monitoring_coordination", "monitoring_report",
                     "monitoring_finance")
    }  # fmt: skip
    return {
        "scope": one["monitoring_scope"] or {},
        "coordination": one["monitoring_coordination"] or {},
        "report": one["monitoring_report"] or {},
        "finance": one["monitoring_finance"] or {},
        "documents": cur.execute(
            "SELECT kind, letter_no, signed_on FROM monitoring_document"
            " WHERE monitoring_id = $id ORDER BY kind",
            params,
        ).df(),
        "activities": cur.execute(
            "SELECT * FROM monitoring_activity WHERE monitoring_id = $id"
            " ORDER BY activity_date, id",
            params,
        ).df(),
        "agreements": cur.execute(
            "SELECT * FROM monitoring_agreement WHERE monitoring_id = $id ORDER BY id", params
        ).df(),
        "costs": costs(cur, monitoring_id),
    }


def costs(cur: duckdb.DuckDBPyConnection, monitoring_id: int) -> pd.DataFrame:
    """Cost lines, planned against actual, in whole rupiah (BIGINT: exact)."""
    return cur.execute(
        """
        SELECT c.id, c.item, c.user_id, u.full_name AS person, c.planned::BIGINT AS planned,
               c.actual::BIGINT AS actual, (c.actual - c.planned)::BIGINT AS difference
          FROM monitoring_cost AS c LEFT JOIN app_user AS u ON u.id = c.user_id
         WHERE c.monitoring_id = $id
         ORDER BY c.id
        """,
        {"id": monitoring_id},
    ).df()


def cost_totals(cur: duckdb.DuckDBPyConnection, monitoring_id: int) -> dict[str, int | None]:
    """Planned and actual totals summed in SQL as DECIMAL (never floats)."""
    row = cur.execute(
        """
        SELECT sum(planned)::BIGINT, sum(actual)::BIGINT, count(*) - count(actual)
          FROM monitoring_cost WHERE monitoring_id = $id
        """,
        {"id": monitoring_id},
    ).fetchall()[0]
    return {"planned": row[0], "actual": row[1] if row[2] == 0 else None}


def finance_view(
    cur: duckdb.DuckDBPyConnection,
    monitoring_id: int,
    state: MonitoringState,
    direct: bool,
    members: frozenset[int],
    done: frozenset[str],
) -> flow.FinanceView:
    """What the hand-over rule (flow.finance_refusal) reads of a monitoring: with its cost
    lines in the editor's order, and which of them still lack an actual amount."""
    actuals = [row[0] for row in cur.execute(
        "SELECT actual FROM monitoring_cost WHERE monitoring_id = $id ORDER BY id",
        {"id": monitoring_id},
    ).fetchall()]  # fmt: skip
    return flow.FinanceView(state, direct, members, done, len(actuals), flow.unpaid_lines(actuals))


def events(cur: duckdb.DuckDBPyConnection, monitoring_id: int) -> pd.DataFrame:
    """Every move and record of steps 4-8, in order."""
    return cur.execute(
        """
        SELECT e.occurred_at AS at, u.full_name AS actor, e.action, e.from_state,
               e.to_state, e.note
          FROM monitoring_event AS e LEFT JOIN app_user AS u ON u.id = e.actor_id
         WHERE e.monitoring_id = $id
         ORDER BY e.id
        """,
        {"id": monitoring_id},
    ).df()


def checklist(
    cur: duckdb.DuckDBPyConnection,
    monitoring_id: int,
    now: dt.datetime,
    found: MonitoringRow | None = None,
) -> list[StepRun]:
    """Each pass through steps 4-8 with its standard time, due time, lateness and what
    ended it; then, for a field visit whose money's clock runs, step 8b (finance_track).
    `found`: the monitoring's detail() row when the caller has read it already."""
    m = found or detail(cur, monitoring_id)
    assert m is not None, monitoring_id  # callers pass a monitoring they have found
    direct = flow.is_direct(m["method"])
    moves = cur.execute(
        """
        SELECT occurred_at, to_state, u.full_name, e.action FROM monitoring_event AS e
          LEFT JOIN app_user AS u ON u.id = e.actor_id
         WHERE monitoring_id = $id AND from_state <> to_state ORDER BY e.id
        """,
        {"id": monitoring_id},
    ).fetchall()
    runs: list[StepRun] = []
    state, started = MonitoringState.PREPARATION, m["approved_at"]
    for at, to_state, actor, action in [*moves, (None, None, None, None)]:
        step = flow.step_of(state)
        if step in (None, flow.FINANCE_STEP):  # accepted or closed: the report's track ended
            break
        standard = flow.standard(step, direct)
        due = due_at(cur, started, standard)
        runs.append(StepRun(step, standard, started, at, actor, due,
                            late_by(cur, due, at or now), action))  # fmt: skip
        if to_state is None:
            break
        state, started = MonitoringState(to_state), at
    money = finance_track(cur, monitoring_id, now)
    if money.started is not None:  # a field visit whose money's clock runs
        runs.append(money.run)
    return runs


@dataclass(frozen=True)
class FinanceTrack:
    """Step 8b of a direct monitoring, beside the report's track: the date of each stage
    (team to BPP, BPP, PPK), the last one recorded, its clock and how late it is."""

    stages: dict[str, dt.date | None]
    stage: str | None  # the last stage recorded (None: not submitted yet)
    started: dt.datetime | None  # None: the clock has not started (flow.finance_started)
    due: dt.datetime | None
    done: dt.datetime | None  # the PPK's acceptance, on its date at the due time of day
    done_by: str | None
    late: LateBy | None

    @property
    def run(self) -> StepRun:
        """The track as a row of the checklist."""
        outcome = self.stage and f"finance_{self.stage}"
        return StepRun(flow.FINANCE_STEP, flow.FINANCE_STEP.direct, self.started, self.done,
                       self.done_by, self.due, self.late, outcome)  # fmt: skip


def finance_track(
    cur: duckdb.DuckDBPyConnection, monitoring_id: int, now: dt.datetime
) -> FinanceTrack:
    """The money's track of step 8 (SOP 8b) on its own clock: one working day from when
    it starts (flow.finance_started) to the PPK's acceptance, judged by the stages' dates.
    An indirect monitoring has no money: its track never starts."""
    row = cur.execute(
        """
        SELECT f.submitted_on, f.bpp_received_on, f.ppk_accepted_on, m.method,
               (SELECT min(occurred_at) FROM monitoring_event
                 WHERE monitoring_id = $id AND to_state = 'submission'
                   AND from_state <> 'submission'),
               (SELECT arg_max(u.full_name, e.id)
                  FROM monitoring_event AS e LEFT JOIN app_user AS u ON u.id = e.actor_id
                 WHERE e.monitoring_id = $id AND e.action = 'finance_ppk_accepted_on')
          FROM monitoring AS m
          LEFT JOIN monitoring_finance AS f ON f.monitoring_id = m.id
         WHERE m.id = $id
        """,
        {"id": monitoring_id},
    ).fetchall()[0]
    stages = dict(zip(flow.FINANCE_STAGES, row[:3], strict=True))
    stage = flow.finance_stage(frozenset(s for s, on in stages.items() if on is not None))
    opens, _ = office_hours(cur)
    started = flow.finance_started(row[4], stages["submitted_on"], opens)
    if started is None or not flow.is_direct(row[3]):  # no clock yet, or no money at all
        return FinanceTrack(stages, stage, None, None, None, None, None)
    due = due_at(cur, started, flow.FINANCE_STEP.direct)
    accepted = stages["ppk_accepted_on"]
    done = accepted and dt.datetime.combine(accepted, due.timetz())
    return FinanceTrack(stages, stage, started, due, done, row[5] if done else None,
                        late_by(cur, due, done or now))  # fmt: skip


def document_data(
    cur: duckdb.DuckDBPyConnection, monitoring_id: int, as_of: dt.date
) -> MonitoringDocument:
    """The monitoring in the shape the document builders take (see dumas/render/documents)."""
    m = detail(cur, monitoring_id)
    assert m is not None, monitoring_id  # callers pass a monitoring they have found
    rec = records(cur, monitoring_id)
    found = letters(cur, monitoring_id, as_of)
    people = team(cur, monitoring_id)
    return MonitoringDocument(
        id=m["id"], level=m["level"], method=m["method"], agency=m["agency"],
        agency_head=m["agency_head"], agency_city=m["agency_city"], province=m["province"],
        schedule_from=m["schedule_from"], schedule_to=m["schedule_to"],
        days=m["days"], plan_title=m["plan_title"], plan_period=m["period_label"],
        approved_on=m["approved_at"].astimezone(config.TIMEZONE).date(),
        team=[cast(TeamMember, _plain(p)) for p in people.to_dict("records")],
        letters=[_letter(r) for r in found.to_dict("records")],
        scope=_plain(rec["scope"]),
        documents={d["kind"]: {"letter_no": d["letter_no"], "signed_on": d["signed_on"]}
                   for d in rec["documents"].to_dict("records")},
        costs=_costs(rec["costs"]),
        activities=_activities(rec["activities"]),
        agreements=_agreements(rec["agreements"]),
        results=_results(found),
        report=_plain(rec["report"]),
    )  # fmt: skip


def _costs(frame: pd.DataFrame) -> list[CostLine]:
    return [
        {"item": c["item"], "person": _none(c["person"]), "planned": int(c["planned"]),
         "actual": None if pd.isna(c["actual"]) else int(c["actual"])}
        for c in frame.to_dict("records")
    ]  # fmt: skip


def _activities(frame: pd.DataFrame) -> list[Activity]:
    return [
        {"kind_label": i18n.t(ActivityKind(a["kind"]).label_key, "id"),
         "date": _none(a["activity_date"]),
         "place": _none(a["place"]), "participants": _none(a["participants"]),
         "summary": _none(a["summary"])}
        for a in frame.to_dict("records")
    ]  # fmt: skip


def _agreements(frame: pd.DataFrame) -> list[Agreement]:
    return [
        {"item": a["item"], "responsible": _none(a["responsible"]), "due_on": _none(a["due_on"])}
        for a in frame.to_dict("records")
    ]


def _results(found: pd.DataFrame) -> list[Finding]:
    return [
        {"agenda_no": r["agenda_no"], "letter_no": r["letter_no"],
         "result_label": i18n.t(Result(r["result"]).label_key, "id"),
         "evidence": _none(r["evidence"]), "recommendation": _none(r["recommendation"])}
        for r in found.to_dict("records")
        if isinstance(r["result"], str)
    ]  # fmt: skip


def _none(value: Any) -> Any:
    """pandas' missing values as None; timestamps as dates."""
    if value is None or (not isinstance(value, (list, dict)) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _plain(row: dict) -> dict[str, Any]:
    return {k: _none(v) for k, v in row.items() if k != "monitoring_id"}


def _letter(row: dict) -> CitedLetter:
    return {"agenda_no": row["agenda_no"], "letter_no": row["letter_no"],
            "letter_date": _none(row["letter_date"]), "summary": _none(row["summary"]),
            "status": i18n.t(f"status.{row['last_status']}", "id"),
            "age_wd": _none(row["age_wd"])}  # fmt: skip
