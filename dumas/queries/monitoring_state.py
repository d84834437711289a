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


_GUARDS = """
WITH m AS (SELECT * FROM monitoring WHERE id = $id),
s AS (SELECT * FROM monitoring_scope WHERE monitoring_id = $id),
d AS (SELECT list(kind) AS kinds FROM monitoring_document WHERE monitoring_id = $id),
c AS (SELECT * FROM monitoring_coordination WHERE monitoring_id = $id),
r AS (SELECT * FROM monitoring_report WHERE monitoring_id = $id)
SELECT
    (SELECT count(*) FROM s WHERE purpose IS NOT NULL
        AND ($indirect OR (partner IS NOT NULL AND mechanism IS NOT NULL))) = 1
    AND ($indirect OR len(list_intersect(coalesce((SELECT kinds FROM d), []),
                                         ['memo_deputi', 'surat_tugas', 'memo_keuangan'])) = 3)
        AS documents_ready,
    (SELECT count(*) FROM c WHERE material_sent_on IS NOT NULL AND contact_name IS NOT NULL
        AND ($indirect OR letter_sent_on IS NOT NULL)) = 1 AS coordination_recorded,
    (SELECT count(*) FROM monitoring_letter WHERE monitoring_id = $id)
        = (SELECT count(*) FROM monitoring_result WHERE monitoring_id = $id)
    AND ((SELECT count(*) FROM monitoring_activity WHERE monitoring_id = $id) > 0
         OR ($indirect AND list_contains(coalesce((SELECT kinds FROM d), []), 'surat_instansi')))
        AS results_complete,
    (SELECT count(*) FROM r WHERE conclusions IS NOT NULL AND recommendations IS NOT NULL) = 1
    AND ($indirect OR ((SELECT count(*) FROM monitoring_cost WHERE monitoring_id = $id) > 0
         AND (SELECT count(*) FROM monitoring_cost
               WHERE monitoring_id = $id AND actual IS NULL) = 0)) AS report_ready,
    $indirect OR (SELECT count(*) FROM monitoring_finance
                   WHERE monitoring_id = $id AND ppk_accepted_on IS NOT NULL) = 1
        AS finance_done
"""


def view(cur: duckdb.DuckDBPyConnection, monitoring: Monitoring) -> MonitoringView:
    """What the move table needs: state, level, team, and which guards hold now."""
    cursor = cur.execute(_GUARDS, {"id": monitoring.id, "indirect": not monitoring.direct})
    names = [d[0] for d in cursor.description]
    values = cursor.fetchall()[0]
    held = frozenset(name for name, ok in zip(names, values, strict=True) if ok)
    return MonitoringView(
        monitoring.state, monitoring.level, monitoring.direct, team(cur, monitoring.id), held
    )
