"""The benchmark's sessions against the real server (dumas/bench/served.py), at a small
size, through the light websocket client (dumas/ui/bench_client.py):
every round is measured from the server's own log (no timing is asserted: speed is shown
by `make bench`, README "Many users at once")."""

from __future__ import annotations

import pytest

from dumas.bench import served
from dumas.db import connect, demo
from dumas.queries import followup
from dumas.queries.filters import Filters
from dumas.services.users import DEMO_PASSWORD
from dumas.ui import bench_client as wsclient
from tests.conftest import TODAY


@pytest.mark.server
def test_the_websocket_client_drives_the_real_server_and_sees_the_provinces_figures(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("DUMAS_TODAY", TODAY.isoformat())  # the server's today too
    path = tmp_path / "dumas.duckdb"
    database = connect(path)
    demo.generate(database, 300, today=TODAY)
    cur = database.cursor()
    code, name = cur.execute(
        "SELECT province_code, any_value(p.name) FROM letter_fact JOIN province AS p"
        " ON p.code = province_code GROUP BY ALL ORDER BY count(*) DESC LIMIT 1"
    ).fetchall()[0]
    expected = followup.kpis(cur, Filters(provinces=(code,)), TODAY)["forwardings"]
    everything = followup.kpis(cur, Filters(), TODAY)["forwardings"]
    database.close()
    with served._server(path, tmp_path / "dumas.log") as (base, _):
        session = wsclient.Session(base, wsclient.sign_in(base, "analis", DEMO_PASSWORD))
        session.open().run()
        before = list(session.metrics)
        session.run([session.choose("province", [name])])
        session.close()
    assert (str(everything) in before, str(expected) in session.metrics) == (True, True)
    assert expected < everything


@pytest.mark.server
def test_the_served_rounds_through_the_websocket_client_are_timed_by_the_server(tmp_path):
    path = tmp_path / "dumas.duckdb"
    database = connect(path)
    demo.generate(database, 300, today=TODAY)
    database.close()
    rounds, peak, first_ms = served.run(path, (1, 3), DEMO_PASSWORD)
    assert [r.sessions for r in rounds] == [1, 3]
    assert all(0 < r.server_median_ms <= r.server_p95_ms for r in rounds)
    assert all(r.clients_s > 0 for r in rounds) and peak > 50 and first_ms > 0
