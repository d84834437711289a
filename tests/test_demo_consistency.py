"""The demo database agrees with itself: what a new user first judges the tool by.

Each monitoring's team is the plan row's people, its planned cost lines are the plan row's
estimate, every dated record follows the SOP's order on working days, and every agency a
monitoring writes to carries its head's title and city.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from dumas import config, i18n
from dumas.db import Database, connect
from dumas.domain.monitoring_flow import FINANCE_STAGES, MonitoringAction
from dumas.domain.plan_flow import PlanAction
from dumas.domain.report_flow import ReportEvent
from tests.conftest import built_once
from tests.test_demo import build_demo


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """tests/test_demo.py's demo database (conftest.built_once: built once per run)."""
    path, _ = built_once(tmp_path_factory, "demo", build_demo)
    database = connect(path)
    yield database
    database.close()


def rows(db: Database, sql: str) -> list[tuple]:
    return db.cursor().execute(sql).fetchall()


def test_every_demo_monitorings_team_is_as_large_as_its_plan_rows_people(
    demo_db: Database,
) -> None:
    mismatched = rows(
        demo_db,
        """
        SELECT m.id, r.persons, (SELECT count(*) FROM monitoring_member AS t
                                  WHERE t.monitoring_id = m.id) AS members
          FROM monitoring AS m JOIN plan_row AS r ON r.id = m.plan_row_id
         WHERE r.persons IS DISTINCT FROM members
        """,
    )
    assert mismatched == []


def test_every_demo_team_member_carries_a_name_nip_rank_and_position(
    demo_db: Database,
) -> None:
    incomplete = rows(
        demo_db,
        """
        SELECT DISTINCT u.username, u.full_name, u.nip, u.rank, u.position
          FROM monitoring_member AS t JOIN app_user AS u ON u.id = t.user_id
         WHERE u.full_name ILIKE 'demo %' OR u.full_name = u.username
            OR NOT regexp_full_match(coalesce(u.nip, ''), '[0-9]{18}')
            OR coalesce(u.rank, '') = '' OR coalesce(u.position, '') = ''
        """,
    )
    assert incomplete == []


def test_every_demo_monitorings_planned_costs_are_its_plan_rows_estimate(
    demo_db: Database,
) -> None:
    checked = rows(
        demo_db,
        """
        SELECT m.id,
               trip_cost(r.persons, r.days, r.transport, r.lodging, r.allowance)::BIGINT,
               m.estimated_cost::BIGINT,
               (SELECT sum(c.planned) FROM monitoring_cost AS c
                 WHERE c.monitoring_id = m.id)::BIGINT
          FROM monitoring AS m JOIN plan_row AS r ON r.id = m.plan_row_id
         WHERE m.method = 'kunjungan_lapangan' AND m.state <> 'preparation'
        """,
    )
    assert checked  # the demo's field visit has its costs planned
    for mid, matrix, estimated, planned in checked:
        assert matrix is not None and matrix > 0, mid
        assert estimated == matrix, mid  # the monitoring carries the matrix's estimate
        assert planned == matrix, mid  # the financial report's planned total


def test_every_demo_field_visit_reported_spent_within_a_few_percent_of_its_plan(
    demo_db: Database,
) -> None:
    spent = rows(
        demo_db,
        """
        SELECT m.id, sum(c.planned)::BIGINT, sum(c.actual)::BIGINT, count(c.actual), count(*)
          FROM monitoring AS m JOIN monitoring_cost AS c ON c.monitoring_id = m.id
         WHERE m.state IN ('reporting', 'submission', 'accepted', 'closed')
         GROUP BY m.id
        """,
    )
    assert spent  # the visit being reported on has its actual amounts
    for mid, planned, actual, with_actual, lines in spent:
        assert with_actual == lines, mid  # every line has what was spent
        assert actual != planned, mid  # a real trip never costs exactly the plan
        assert abs(actual - planned) <= 0.05 * planned, mid


def test_every_demo_activity_and_result_falls_within_its_monitorings_schedule(
    demo_db: Database,
) -> None:
    outside = rows(
        demo_db,
        """
        WITH dated AS (
            SELECT monitoring_id, 'activity' AS what, activity_date AS day
              FROM monitoring_activity
            UNION ALL
            SELECT monitoring_id, 'result', jakarta_date(recorded_at) FROM monitoring_result
            UNION ALL
            SELECT monitoring_id, 'agreement', NULL FROM monitoring_agreement
            UNION ALL
            SELECT monitoring_id, 'letter to the agency', signed_on FROM monitoring_document
             WHERE kind = 'surat_instansi'
        )
        SELECT d.monitoring_id, d.what, d.day, m.schedule_from, m.schedule_to
          FROM dated AS d JOIN monitoring AS m ON m.id = d.monitoring_id
         WHERE m.schedule_from IS NULL OR m.schedule_to IS NULL
            OR d.day < m.schedule_from OR d.day > m.schedule_to
         ORDER BY ALL
        """,
    )
    assert outside == []


# Each monitoring's milestones, one column each (NULL: not reached, or not of its method).
_MILESTONES = """
    SELECT m.id,
           jakarta_date(m.approved_at) AS approved,
           max(d.signed_on) FILTER (d.kind = 'memo_deputi') AS memo,
           (SELECT max(a.answered_on) FROM monitoring_memo_answer AS a
             WHERE a.monitoring_id = m.id AND a.outcome = 'approved') AS memo_approved,
           max(d.signed_on) FILTER (d.kind = 'surat_tugas') AS surat_perintah,
           max(d.signed_on) FILTER (d.kind = 'memo_keuangan') AS travel_memo,
           max(d.signed_on) FILTER (d.kind = 'daftar_berkas') AS file_list,
           (SELECT least(c.letter_sent_on, c.material_sent_on) FROM monitoring_coordination AS c
             WHERE c.monitoring_id = m.id) AS coordinated,
           m.schedule_from AS trip_from,
           m.schedule_to AS trip_to,
           (SELECT min(jakarta_date(e.occurred_at)) FROM monitoring_event AS e
             WHERE e.monitoring_id = m.id AND e.action = 'submit_report') AS report,
           max(d.signed_on) FILTER (d.kind = 'laporan_substansi') AS report_signed,
           (SELECT min(jakarta_date(e.occurred_at)) FROM monitoring_event AS e
             WHERE e.monitoring_id = m.id AND e.action = 'acknowledge') AS acceptance,
           (SELECT f.submitted_on FROM monitoring_finance AS f
             WHERE f.monitoring_id = m.id) AS finance
      FROM monitoring AS m
      LEFT JOIN monitoring_document AS d ON d.monitoring_id = m.id
     GROUP BY m.id, m.approved_at, m.schedule_from, m.schedule_to
"""
# The SOP's order: (earlier, later, strictly before). Step 3's approval, step 4's memo and
# its answer, then the Surat Perintah and the travel memo, step 5, step 6 within the trip,
# then the report, its acceptance and the financial accountability.
_ORDER = (
    ("approved", "memo", True),
    ("memo", "memo_approved", False),
    ("memo", "surat_perintah", True),
    ("memo_approved", "surat_perintah", False),
    ("surat_perintah", "travel_memo", False),
    ("surat_perintah", "coordinated", False),
    ("surat_perintah", "trip_from", True),
    ("travel_memo", "trip_from", True),
    ("coordinated", "trip_from", False),
    ("approved", "file_list", True),
    ("file_list", "coordinated", False),
    ("approved", "trip_from", True),
    ("trip_from", "trip_to", False),
    ("trip_to", "report", True),
    ("trip_to", "report_signed", True),
    ("report_signed", "acceptance", False),
    ("report", "acceptance", True),
    ("acceptance", "finance", False),
    ("trip_to", "finance", True),
)


def test_every_demo_monitorings_dated_records_follow_the_sops_order(demo_db: Database) -> None:
    cur = demo_db.cursor()
    frame = cur.execute(_MILESTONES).df().set_index("id")
    reached = frame[["approved", "memo", "surat_perintah", "trip_from", "report"]].notna()
    assert reached.any().all()  # every column of the order is read at least once
    wrong = {}
    for earlier, later, strict in _ORDER:
        both = frame[[earlier, later]].dropna()
        bad = both[earlier] >= both[later] if strict else both[earlier] > both[later]
        if bad.any():
            wrong[earlier, later] = both[bad].to_dict("index")
    assert wrong == {}


def test_every_demo_date_of_the_workflow_falls_on_a_working_day(demo_db: Database) -> None:
    off = rows(
        demo_db,
        """
        WITH dated AS (
            SELECT 'plan event ' || action AS what, jakarta_date(occurred_at) AS day
              FROM plan_event
            UNION ALL
            SELECT 'monitoring event ' || action, jakarta_date(occurred_at) FROM monitoring_event
            UNION ALL
            SELECT 'document ' || kind, signed_on FROM monitoring_document
            UNION ALL
            SELECT 'memo answer', answered_on FROM monitoring_memo_answer
            UNION ALL
            SELECT 'schedule from', schedule_from FROM plan_row
            UNION ALL
            SELECT 'schedule to', schedule_to FROM plan_row
            UNION ALL
            SELECT 'activity', activity_date FROM monitoring_activity
            UNION ALL
            SELECT 'letter sent', letter_sent_on FROM monitoring_coordination
            UNION ALL
            SELECT 'material sent', material_sent_on FROM monitoring_coordination
            UNION ALL
            SELECT 'finance', unnest([submitted_on, bpp_received_on, ppk_accepted_on])
              FROM monitoring_finance
        )
        SELECT DISTINCT d.what, d.day
          FROM dated AS d JOIN calendar_day AS c ON c.d = d.day
         WHERE NOT c.is_working
         ORDER BY ALL
        """,
    )
    assert off == []


def test_every_agency_of_a_demo_plan_or_monitoring_has_its_heads_title_and_city(
    demo_db: Database,
) -> None:
    used = rows(demo_db, "SELECT count(DISTINCT agency_id) FROM plan_row")
    incomplete = rows(
        demo_db,
        """
        SELECT a.id, a.name, a.head_title, a.city FROM agency AS a
         WHERE a.id IN (SELECT agency_id FROM plan_row UNION SELECT agency_id FROM monitoring)
           AND (coalesce(a.head_title, '') = '' OR coalesce(a.city, '') = '')
        """,
    )
    assert used[0][0] >= 2
    assert incomplete == []


def test_every_action_the_demo_audits_reads_as_words_in_both_languages(demo_db: Database):
    """The audit export names each action from the catalogue; the demo writes most kinds
    (plans, monitorings, reports, accounts, settings), and the literal ones in dumas/ too."""
    written = {action for (action,) in rows(demo_db, "SELECT DISTINCT action FROM audit_log")}
    literal = set()
    for path in (config.ROOT / "dumas").rglob("*.py"):
        literal |= set(re.findall(r'audit\(\s*cur,\s*[\w.]+,\s*"([a-z_.]+)"', path.read_text()))
    literal |= {f"monitoring.{a}" for a in MonitoringAction} | {f"plan.{a}" for a in PlanAction}
    literal |= {f"monitoring.finance_{stage}" for stage in FINANCE_STAGES}
    literal |= {f"report.{event}" for event in ReportEvent}
    assert {"plan.approve", "agency.merge", "agency.complete"} <= written | literal
    for language in i18n.LANGUAGES:
        missing = sorted(
            a for a in written | literal if f"audit.action.{a}" not in i18n.MESSAGES[language]
        )
        assert not missing, (language, missing)
