"""The benchmark's sessions against the real server (dumas/bench/served.py), at a small
size: every round is measured from the server's own log (no timing is asserted: speed is
shown by `make bench`, README "Many users at once")."""

from __future__ import annotations

import pytest

from dumas.bench import served
from dumas.db import connect, demo
from dumas.services.users import DEMO_PASSWORD
from tests.conftest import TODAY

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_sessions_acting_at_once_are_each_timed_by_the_server(browser, tmp_path):
    path = tmp_path / "dumas.duckdb"
    database = connect(path)
    demo.generate(database, 300, today=TODAY)
    database.close()
    rounds, peak, first_ms = served.run(path, (1, 2), DEMO_PASSWORD, browser)
    assert [r.sessions for r in rounds] == [1, 2]
    assert all(0 < r.server_median_ms <= r.server_p95_ms for r in rounds)
    assert all(r.browsers_s > 0 for r in rounds) and peak > 50 and first_ms > 0
