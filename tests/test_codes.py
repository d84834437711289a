"""Each coded column's enum allows exactly what the migrated database's CHECK allows."""

from __future__ import annotations

import re
from enum import StrEnum

import pytest

from dumas import i18n
from dumas.db import Database
from dumas.domain import codes
from dumas.domain.monitoring_flow import MonitoringState
from dumas.domain.permissions import Role
from dumas.domain.plan_flow import PlanState
from dumas.domain.report_flow import ReportEvent, ReportMove, ReportState
from dumas.importer.model import CANONICAL

# header_alias.field holds one of the import's fields: CANONICAL's keys.
ImportField = StrEnum("ImportField", [(name.upper(), name) for name in CANONICAL])  # type: ignore[misc]

# Every column whose CHECK constraint is a list of allowed values, and its enum.
CODED_COLUMNS: dict[tuple[str, str], type[StrEnum]] = {
    ("complaint", "channel"): codes.Channel,
    ("response", "status"): codes.ResponseStatus,
    ("reminder", "kind"): codes.ReminderKind,
    ("reminder_letter", "kind"): codes.ReminderKind,
    ("user_role", "role"): Role,
    ("plan", "source"): codes.PlanSource,
    ("plan", "state"): PlanState,
    ("plan_row", "origin"): codes.RowOrigin,
    ("plan_row", "method"): codes.Method,
    ("plan_row", "priority"): codes.Priority,
    ("plan_row", "level"): codes.Level,
    ("plan_row", "status"): codes.RowStatus,
    ("monitoring", "level"): codes.Level,
    ("monitoring", "state"): MonitoringState,
    ("monitoring_document", "kind"): codes.DocumentKind,
    ("monitoring_activity", "kind"): codes.ActivityKind,
    ("monitoring_result", "result"): codes.Result,
    ("monitoring_cost", "item"): codes.CostItem,
    ("periodic_report_event", "action"): ReportEvent,
    ("monitoring_memo_answer", "outcome"): codes.MemoOutcome,
    ("monitoring_memo_answer", "via"): codes.AnswerVia,
    ("job_run", "outcome"): codes.JobOutcome,
    ("day_summary", "kind"): codes.SummaryDayKind,
    ("reference_alias", "list"): codes.ReferenceList,
    ("header_alias", "field"): ImportField,
    ("mail_log", "kind"): codes.MailKind,
    ("mail_log", "outcome"): codes.MailOutcome,
    ("attachment", "record_kind"): codes.RecordKind,
    ("attachment", "media_type"): codes.MediaType,
}
CODED = sorted({e for e in CODED_COLUMNS.values() if issubclass(e, codes.Coded)}, key=repr)
_IN_LIST = re.compile(r"""^\(?"?(\w+)"? IN \((.*)\)\)?$""")


def _allowed_values(db: Database) -> dict[tuple[str, str], set[str]]:
    """(table, column) -> the values its CHECK ... IN (...) allows, as the database holds it."""
    sql = """
        SELECT table_name, expression
          FROM duckdb_constraints()
         WHERE constraint_type = 'CHECK' AND expression LIKE '% IN (%'
    """
    rows = db.con.execute(sql).fetchall()
    allowed = {}
    for table, expression in rows:
        match = _IN_LIST.match(expression)
        assert match, expression
        column, values = match.groups()
        allowed[(table, column)] = set(re.findall(r"'([^']*)'", values))
    return allowed


def test_every_coded_column_of_the_migrated_database_has_an_enum(db: Database) -> None:
    assert set(_allowed_values(db)) == set(CODED_COLUMNS)


@pytest.mark.parametrize("column", list(CODED_COLUMNS), ids=".".join)
def test_each_enum_equals_the_values_its_check_constraint_allows(
    db: Database, column: tuple[str, str]
) -> None:
    assert {m.value for m in CODED_COLUMNS[column]} == _allowed_values(db)[column]


@pytest.mark.parametrize("enum", CODED, ids=lambda e: e.__name__)
def test_every_coded_value_has_a_label_in_both_catalogues(enum: type[codes.Coded]) -> None:
    for lang in i18n.LANGUAGES:
        assert [m.label_key for m in enum if m.label_key not in i18n.MESSAGES[lang]] == []


def test_a_label_key_is_the_group_and_the_stored_value() -> None:
    assert codes.Channel.LAPOR.label_key == "channel.lapor"
    assert codes.RowStatus("awaiting_deputi").label_key == "row_status.awaiting_deputi"
    assert codes.CostItem.UANG_HARIAN == "uang_harian"  # stored as the plain value


def test_roles_and_flow_states_have_labels_in_both_catalogues() -> None:
    keys = [
        *(f"role.{r}" for r in Role),
        *(f"plan_state.{s}" for s in PlanState),
        *(f"monitoring_state.{s}" for s in MonitoringState),
        *(f"report_state.{s}" for s in ReportState),
        *(f"report_event.{e}" for e in ReportEvent),
        *(f"r_step.{m}" for m in ReportMove if m is not ReportMove.RETURN),
    ]
    for lang in i18n.LANGUAGES:
        assert [k for k in keys if k not in i18n.MESSAGES[lang]] == []
