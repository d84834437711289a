"""The default dashboard view is computed in the background (dumas/ui/warmup.py), so the
first visitor after a start, and after a write, finds it cached."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from dumas import config
from dumas.db import connect
from dumas.domain.permissions import Role
from dumas.queries.filters import Filters
from dumas.ui import data, warmup
from dumas.ui.state import get_db
from tests.conftest import Factory, signed_in_app

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env


@pytest.fixture
def computed(monkeypatch, db, make, kemendagri) -> list[str]:
    """The dashboard queries actually computed (cache misses), by name."""
    complaint = make.complaint(summary="Sengketa tanah")
    make.forward(complaint, kemendagri, dt.date(2026, 6, 1))
    db.close()
    data._followup.clear()
    ran: list[str] = []
    queries = dict(data._FOLLOWUP)
    for name, query in queries.items():
        monkeypatch.setitem(
            data._FOLLOWUP,
            name,
            lambda *a, _q=query, _n=name, **k: (ran.append(_n), _q(*a, **k))[1],
        )
    return ran


@pytest.mark.parametrize("role", [Role.ANALIS, Role.KABID])
def test_a_visitor_after_the_warmup_computes_none_of_the_default_views_queries(role, computed):
    warmup.warm()
    warmed = list(computed)
    computed.clear()
    at = signed_in_app(role).run()
    assert not at.exception
    assert (sorted(set(warmed)), computed) == (sorted(n for n, _ in warmup.default_view()), [])


def test_without_the_warmup_the_first_visitor_computes_them(computed):
    at = signed_in_app(Role.ANALIS).run()
    assert not at.exception
    assert {"kpis", "letters"} <= set(computed)


def test_after_a_write_the_warmup_computes_the_view_again(computed, kemendagri):
    first = warmup.warm()
    computed.clear()
    make = Factory(get_db())  # the app's own connection: it holds the file
    make._n = 100  # agenda numbers after the fixture's
    make.forward(make.complaint(), kemendagri, dt.date(2026, 6, 2))
    second = warmup.warm()
    assert (second != first, "kpis" in computed) == (True, True)


def test_sessions_asking_the_same_figures_at_once_have_them_computed_once(computed):
    filters = Filters(provinces=("31",))
    started = threading.Barrier(8)

    def ask() -> None:
        started.wait()
        data.followup_query("kpis", filters, config.today())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert computed == ["kpis"]


def test_the_data_versions_are_read_again_only_after_a_commit(computed, kemendagri, monkeypatch):
    read: list[int] = []
    real = data.lookups.data_versions
    monkeypatch.setattr(data.lookups, "data_versions", lambda cur: (read.append(1), real(cur))[1])
    data._SEEN.clear()
    first = (data.version(), data.version("followup_version"), data.version())
    assert len(read) == 1  # three asks, one read
    make = Factory(get_db())
    make._n = 100
    make.forward(make.complaint(), kemendagri, dt.date(2026, 6, 2))
    second = (data.version(), data.version("followup_version"))
    assert (len(read), second[0] != first[0], second[1] != first[1]) == (2, True, True)


def test_a_commit_through_another_database_on_the_same_file_is_seen(computed, kemendagri):
    before = data.version("followup_version")
    other = connect(get_db().path)  # the same file in this process: DuckDB shares it
    try:
        make = Factory(other)
        make._n = 100
        make.forward(make.complaint(), kemendagri, dt.date(2026, 6, 2))
    finally:
        other.close()
    assert data.version("followup_version") != before
