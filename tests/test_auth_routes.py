"""The sign-in and sign-out routes over HTTP: cross-site posts, throttling by source, timing.

An in-process client (tests/asgi_support.py) drives the very routes and middleware
server.py mounts; its peer address is "testclient", so tests that need several sources
name "testclient" a trusted proxy and send X-Forwarded-For, as a reverse proxy would.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import statistics
import time

import pytest
from starlette.applications import Starlette
from streamlit.testing.v1 import AppTest

from dumas import i18n
from dumas.config import ROOT
from dumas.domain.permissions import Role
from dumas.services import auth, users
from dumas.ui import routes, state
from dumas.ui.auth_gate import COOKIE
from tests.asgi_support import Client
from tests.conftest import PASSWORD, signed_in_app

HOME = "http://testserver"
OWNER_DESK = "10.20.30.40"
ATTACKER = "203.0.113.9"


@pytest.fixture
def client(app_env) -> Client:
    return Client(Starlette(routes=routes.ROUTES, middleware=routes.MIDDLEWARE))


@pytest.fixture
def behind_proxy(monkeypatch) -> None:
    """The client's peer is a trusted reverse proxy: X-Forwarded-For names the client."""
    monkeypatch.setenv("DUMAS_TRUSTED_PROXIES", "testclient")


def _sign_in(client, name, password=PASSWORD, source=None, **headers):
    """Post the sign-in form from the app's own page (unless headers say otherwise)."""
    headers = {"origin": HOME, **headers}
    if source:
        headers["x-forwarded-for"] = source
    form = {"username": name, "password": password}
    return client.post("/auth/masuk", data=form, headers=headers)


def _sessions(status: str = "open") -> int:
    where = "ended_at IS NULL" if status == "open" else "ended_at IS NOT NULL"
    cur = state.get_db().cursor()
    return cur.execute(f"SELECT count(*) FROM user_session WHERE {where}").fetchall()[0][0]


def _signed_in(response) -> bool:
    return (
        response.status_code == 303
        and response.headers["location"] == "/"
        and (COOKIE in response.headers.get("set-cookie", ""))
    )


def _refused(response) -> bool:
    return response.status_code == 303 and response.headers["location"] == "/?masuk=gagal"


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "https://evil.example"},
        {"origin": "null"},  # a sandboxed frame or a data: page
        {"origin": "http://testserver.evil.example"},
        {"referer": "https://evil.example/form.html"},
        {"origin": HOME, "sec-fetch-site": "cross-site"},
        {"origin": HOME, "sec-fetch-site": "same-site"},  # a sibling subdomain
        {},  # names no page at all
    ],
)
def test_a_sign_in_posted_from_another_site_is_refused_and_signs_nobody_in(client, headers):
    response = client.post(
        "/auth/masuk", data={"username": "analis.uji", "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 403
    assert response.text == i18n.t("signin.cross_site")
    assert "set-cookie" not in response.headers
    assert _sessions() == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": HOME},
        {"referer": f"{HOME}/?masuk=gagal"},
        {"origin": HOME, "sec-fetch-site": "same-origin"},
    ],
)
def test_a_sign_in_from_the_apps_own_page_sets_a_strict_httponly_cookie(client, headers):
    response = client.post(
        "/auth/masuk", data={"username": "analis.uji", "password": PASSWORD}, headers=headers
    )
    assert _signed_in(response)
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain HTTP: a Secure cookie would never come back
    assert _sessions() == 1


def test_the_cookie_is_secure_over_https_or_behind_a_trusted_proxy_that_says_so(
    client, monkeypatch
):
    def cookie(**headers) -> str:
        response = _sign_in(client, "analis.uji", **headers)
        assert _signed_in(response)
        return response.headers["set-cookie"]

    https = {"x-forwarded-proto": "https"}
    assert "Secure" not in cookie(**https)  # anyone can write the header: not believed
    monkeypatch.setenv("DUMAS_TRUSTED_PROXIES", "testclient")
    assert "Secure" in cookie(**https)
    assert "Secure" not in cookie()
    monkeypatch.setenv("DUMAS_SECURE_COOKIE", "1")  # the deployment says so
    assert "Secure" in cookie()
    https_client = Client(client.app, base_url="https://testserver")
    monkeypatch.delenv("DUMAS_SECURE_COOKIE")
    monkeypatch.delenv("DUMAS_TRUSTED_PROXIES")
    response = _sign_in(https_client, "analis.uji", origin="https://testserver")
    assert "Secure" in response.headers["set-cookie"]  # served over HTTPS itself


def _sign_out_form(client) -> tuple[str, str]:
    """Sign in; the cookie's value and what the sign-out form carries."""
    response = _sign_in(client, "asdep.uji")
    value = client.cookies[COOKIE]
    secret = auth.cookie_secret(state.get_db())
    token = auth.token_from_cookie(value, secret)
    assert _signed_in(response) and token
    return value, auth.sign_out_key(token, secret)


def test_a_sign_out_posted_from_another_site_is_refused_and_the_session_lives(client):
    _, key = _sign_out_form(client)
    response = client.post(
        "/auth/keluar", data={"sesi": key}, headers={"origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert _sessions() == 1


def test_a_sign_out_without_the_cookie_ends_the_session_the_form_names(client):
    _, key = _sign_out_form(client)
    client.cookies.clear()  # the cookie is gone (cleared, expired), the page still open
    response = client.post("/auth/keluar", data={"sesi": key}, headers={"origin": HOME})
    assert (response.status_code, response.headers["location"]) == (303, "/?keluar=1")
    assert (_sessions(), _sessions("ended")) == (0, 1)


def test_a_sign_out_with_the_cookie_alone_still_ends_the_session(client):
    _sign_out_form(client)
    response = client.post("/auth/keluar", headers={"origin": HOME})
    assert response.status_code == 303
    assert COOKIE not in client.cookies  # and forgets the cookie
    assert (_sessions(), _sessions("ended")) == (0, 1)


def test_the_sign_out_form_of_a_page_ends_its_session_without_the_cookie(client):
    at = signed_in_app(Role.ASDEP).run()  # the token is kept in the session, no cookie
    [form] = [html.proto.body for html in at.get("html") if "/auth/keluar" in html.proto.body]
    key = re.search(r'name="sesi" value="([^"]+)"', form).group(1)
    assert _sessions() == 1
    response = client.post("/auth/keluar", data={"sesi": key}, headers={"origin": HOME})
    assert response.headers["location"] == "/?keluar=1"
    assert _sessions() == 0
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    again.session_state["session_token"] = at.session_state["session_token"]
    assert again.run().title[0].value == "Masuk"  # that browser's next run is signed out


@pytest.mark.parametrize("outcome", ["gagal", "terkunci"])
def test_the_sign_in_page_says_the_same_whatever_the_refusal(app_env, outcome):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["masuk"] = outcome
    at.run()
    shown = [error.value for error in at.error]
    assert shown == ([i18n.t("error.sign_in", minutes=15)] if outcome == "gagal" else [])


@pytest.mark.usefixtures("behind_proxy")
def test_an_attackers_failures_from_one_source_do_not_lock_the_owner_out_from_another(client):
    assert _signed_in(_sign_in(client, "asdep.uji", source=OWNER_DESK))  # where they work
    for _ in range(auth.MAX_FAILURES + 5):
        assert _refused(_sign_in(client, "asdep.uji", "tebakan-saja", source=ATTACKER))
    assert _refused(_sign_in(client, "asdep.uji", source=ATTACKER))  # even the right one
    assert _refused(_sign_in(client, "asdep.uji", source="198.51.100.4"))  # locked elsewhere
    assert _signed_in(_sign_in(client, "asdep.uji", source=OWNER_DESK))


def test_x_forwarded_for_is_not_believed_from_a_client_that_is_not_a_trusted_proxy(client):
    for _ in range(auth.MAX_FAILURES):  # spoofing a new address each time does not help
        spoofed = f"198.51.100.{random.randint(1, 254)}"
        assert _refused(_sign_in(client, "analis.uji", "tebakan-saja", source=spoofed))
    assert _refused(_sign_in(client, "analis.uji", source=OWNER_DESK))
    cur = state.get_db().cursor()
    sources = cur.execute("SELECT DISTINCT source FROM sign_in_failure").fetchall()
    assert sources == [("testclient",)]


def test_every_response_carries_the_security_headers(client):
    response = _sign_in(client, "analis.uji", "salah")
    assert "frame-ancestors 'self'" in response.headers["content-security-policy"]
    assert "camera=()" in response.headers["permissions-policy"]
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


ROUNDS = 9


@pytest.mark.usefixtures("production_scrypt", "behind_proxy")
@pytest.mark.slow
def test_every_refusal_takes_the_same_time(client):
    """Unknown name, wrong password, disabled, locked, throttled: the same work and time.

    Each round runs the five kinds in a shuffled order, each from a new source, so load
    from other processes falls on all of them alike. Two accounts take turns where a kind
    must not turn into another (a sixth wrong password would lock the account). The work
    is compared on CPU time: a refusal without its scrypt took a tenth of the CPU time, one
    with two scrypts would take twice, so every median within 60% above the smallest
    says exactly one scrypt each (on a busy 2-core machine the medians of the same work
    were seen 45% apart). The wall-clock medians only have to be of one order.
    """
    db, now = state.get_db(), dt.datetime.now(dt.UTC)
    admin = auth.load_user(db.cursor(), 1)
    for name in ("bpp.uji", "ppk.uji"):
        uid = auth.sign_in(db, name, PASSWORD, now)[0].id
        revision = db.cursor().execute("SELECT revision FROM app_user WHERE id = $id", {"id": uid})
        users.set_active(db, admin, uid, False, now, revision=revision.fetchone()[0])
    for _ in range(auth.MAX_FAILURES):  # someone elsewhere locks the Asdep's account
        assert _refused(_sign_in(client, "asdep.uji", "tebakan", source="192.0.2.200"))
    for i in range(auth.MAX_SOURCE_FAILURES):  # one source guesses names
        assert _refused(_sign_in(client, f"nama.{i}", "tebakan", source="192.0.2.1"))
    kinds = {
        "unknown name": lambda r: (f"tidak.ada.{r}", PASSWORD, None),
        "wrong password": lambda r: (("deputi.uji", "kasubbid.uji")[r % 2], "salah", None),
        "disabled": lambda r: (("bpp.uji", "ppk.uji")[r % 2], PASSWORD, None),
        "locked": lambda r: ("asdep.uji", PASSWORD, None),
        "throttled source": lambda r: ("kabid.uji", PASSWORD, "192.0.2.1"),
    }
    wall: dict[str, list[float]] = {kind: [] for kind in kinds}
    cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
    _sign_in(client, "tidak.ada", source="198.18.0.1")  # warm up the route
    for r in range(ROUNDS):
        for n, kind in enumerate(random.sample(list(kinds), len(kinds))):
            name, password, source = kinds[kind](r)
            started, started_cpu = time.perf_counter(), time.process_time()
            response = _sign_in(client, name, password, source=source or f"198.18.{r}.{n + 1}")
            wall[kind].append(time.perf_counter() - started)
            cpu[kind].append(time.process_time() - started_cpu)
            assert _refused(response), kind
    work = {kind: round(statistics.median(values) * 1000, 1) for kind, values in cpu.items()}
    took = {kind: round(statistics.median(values) * 1000, 1) for kind, values in wall.items()}
    assert max(work.values()) <= 1.6 * min(work.values()), work
    assert min(took.values()) >= 0.3 * max(took.values()), took
