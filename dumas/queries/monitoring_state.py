"""The stored monitoring and what the move table needs to know about it (shared by the
services, which check, and the pages and the inbox, which offer)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from dumas.domain import monitoring_flow as flow
from dumas.domain.errors import Message, NotFound
from dumas.domain.monitoring_flow import MonitoringState, MonitoringView


@dataclass(frozen=True)
class Monitoring:
    """The stored monitoring as a service reads it inside its transaction."""

    id: int
    state: MonitoringState
    level: str
    method: str
    revision: int

    @property
    def direct(self) -> bool:
        return flow.is_direct(self.method)


def load(cur: duckdb.DuckDBPyConnection, monitoring_id: int) -> Monitoring:
    found = cur.execute(
        "SELECT id, state, level, method, revision FROM monitoring WHERE id = $id",
        {"id": monitoring_id},
    ).fetchall()
    if not found:
        raise NotFound(Message("error.unknown_monitoring"))
    mid, state, level, method, revision = found[0]
    return Monitoring(mid, MonitoringState(state), level, method, revision or 1)


def team(cur: duckdb.DuckDBPyConnection, monitoring_id: int) -> frozenset[int]:
    rows = cur.execute(
        "SELECT user_id FROM monitoring_member WHERE monitoring_id = $id", {"id": monitoring_id}
    ).fetchall()
    return frozenset(r[0] for r in rows)


# What the guards read: counts over the monitoring's own records, one row per table. One
# UNION ALL of plain aggregates plans in about 2 ms; the same counts as eleven scalar
# subqueries in one SELECT took 20 ms to plan, on every page run and every service call.
_COUNTS = """
SELECT 'scope', count(*) FILTER (purpose IS NOT NULL),
       count(*) FILTER (purpose IS NOT NULL AND partner IS NOT NULL AND mechanism IS NOT NULL)
  FROM monitoring_scope WHERE monitoring_id = $id
UNION ALL
SELECT 'documents',
       count(DISTINCT kind) FILTER (kind IN ('memo_deputi', 'surat_tugas', 'memo_keuangan')),
       count(*) FILTER (kind = 'surat_instansi')
  FROM monitoring_document WHERE monitoring_id = $id
UNION ALL
SELECT 'coordination',
       count(*) FILTER (material_sent_on IS NOT NULL AND contact_name IS NOT NULL),
       count(*) FILTER (material_sent_on IS NOT NULL AND contact_name IS NOT NULL
                        AND letter_sent_on IS NOT NULL)
  FROM monitoring_coordination WHERE monitoring_id = $id
UNION ALL
SELECT 'letters', count(*), 0 FROM monitoring_letter WHERE monitoring_id = $id
UNION ALL
SELECT 'results', count(*), 0 FROM monitoring_result WHERE monitoring_id = $id
UNION ALL
SELECT 'activities', count(*), count(*) FILTER (kind = 'kontak_elektronik')
  FROM monitoring_activity WHERE monitoring_id = $id
UNION ALL
SELECT 'files', count(*), 0
  FROM monitoring_document WHERE monitoring_id = $id AND kind = 'daftar_berkas'
UNION ALL
SELECT 'report', count(*) FILTER (conclusions IS NOT NULL AND recommendations IS NOT NULL), 0
  FROM monitoring_report WHERE monitoring_id = $id
UNION ALL
SELECT 'costs', count(*), count(*) FILTER (actual IS NULL)
  FROM monitoring_cost WHERE monitoring_id = $id
UNION ALL
SELECT 'finance', count(*) FILTER (ppk_accepted_on IS NOT NULL), 0
  FROM monitoring_finance WHERE monitoring_id = $id
UNION ALL
SELECT 'memo_approved', count(*) FILTER (a.outcome = 'approved'), 0
  FROM monitoring_document AS d
  JOIN monitoring_memo_answer AS a ON a.monitoring_id = d.monitoring_id
       AND a.memo_no = d.letter_no AND a.memo_signed_on = d.signed_on
 WHERE d.monitoring_id = $id AND d.kind = 'memo_deputi'
"""


def guards(cur: duckdb.DuckDBPyConnection, monitoring: Monitoring) -> frozenset[str]:
    """The guards of the move table that hold now for this monitoring.

    A direct visit needs more than an indirect monitoring: its scope names the partner
    and the mechanism, its three documents (memo to the Deputi, assignment letter, travel
    memorandum) with the memo approved by the Deputi, the coordination letter sent, and
    its costs with the actual amounts. An indirect monitoring needs its files list in
    step 4 and, in step 6, an electronic contact logged or the official letter recorded
    (flow.indirect_ways).
    """
    counts = {name: (a, b) for name, a, b in cur.execute(_COUNTS, {"id": monitoring.id}).fetchall()}
    direct = monitoring.direct
    scoped, scoped_fully = counts["scope"]
    kinds, agency_letters = counts["documents"]
    coordinated, coordinated_by_letter = counts["coordination"]
    costs, costs_without_actual = counts["costs"]
    held = {
        flow.DOCUMENTS_READY: (scoped_fully if direct else scoped) == 1
        and (not direct or (kinds == 3 and counts["memo_approved"][0] > 0))
        and (direct or counts["files"][0] == 1),  # indirect: the files list (step 4b)
        flow.COORDINATION_RECORDED: (coordinated_by_letter if direct else coordinated) == 1,
        flow.RESULTS_COMPLETE: counts["letters"][0] == counts["results"][0]
        and (
            counts["activities"][0] > 0
            if direct
            else bool(flow.indirect_ways(counts["activities"][1], agency_letters))
        ),
        flow.REPORT_READY: counts["report"][0] == 1
        and (not direct or (costs > 0 and costs_without_actual == 0)),
        flow.FINANCE_DONE: not direct or counts["finance"][0] == 1,
    }
    return frozenset(name for name, ok in held.items() if ok)


def view(cur: duckdb.DuckDBPyConnection, monitoring: Monitoring) -> MonitoringView:
    """What the move table needs: state, level, team, and which guards hold now."""
    return MonitoringView(
        monitoring.state,
        monitoring.level,
        monitoring.direct,
        team(cur, monitoring.id),
        guards(cur, monitoring),
    )
