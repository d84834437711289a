"""The health check a monitoring system polls (issue 17): whether the database answers,
with its schema version; nothing else about the server."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from starlette.applications import Starlette

from dumas.db import SCHEMA_FILE, split_migrations
from dumas.ui import routes
from tests.asgi_support import Client

LAST = split_migrations(SCHEMA_FILE.read_text(encoding="utf-8"))[-1][0]


def _client() -> Client:
    return Client(Starlette(routes=routes.ROUTES, middleware=routes.MIDDLEWARE))


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize("accept", ["*/*", "text/html"])  # a poller, and a person's browser
def test_the_health_check_says_ok_with_the_schema_version(accept):
    reply = _client().get("/ops/health", headers={"accept": accept})
    assert reply.status_code == 200
    body = json.loads(reply.text)
    assert (body["status"], body["schema"]) == ("ok", LAST)
    assert set(body) == {"status", "schema", "checked_at"}  # no path, no counts
    assert reply.headers["cache-control"] == "no-store"


def test_the_health_check_says_unavailable_and_why_when_the_database_is_broken(
    tmp_path, monkeypatch
):
    broken = tmp_path / "rusak.duckdb"
    broken.write_bytes(b"bukan basis data " * 500)
    monkeypatch.setenv("DUMAS_DB", str(broken))
    st.cache_resource.clear()
    reply = _client().get("/ops/health")
    assert reply.status_code == 503
    body = json.loads(reply.text)
    assert (body["status"], body["reason"]) == ("unavailable", "db.fault.corrupt")
    assert str(tmp_path) not in reply.text
    st.cache_resource.clear()
