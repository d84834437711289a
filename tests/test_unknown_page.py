"""A URL that names no page: the main page with a warning in the user's language, never
Streamlit's English "Page not found".

The server side is driven through the very routes and middleware server.py mounts, with a
stand-in for Streamlit's routes behind them (its static mount answers every other path
with the frontend's index.html); the app side is an AppTest of app.py.
"""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from dumas import i18n
from dumas.config import ROOT
from dumas.domain.permissions import Role
from dumas.ui import routes
from dumas.ui.escape import plain
from dumas.ui.unknown_page import PARAM
from tests.asgi_support import Client
from tests.conftest import signed_in_app

PAGE = {"accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


async def _frontend(request: Request) -> PlainTextResponse:
    return PlainTextResponse("index.html")


@pytest.fixture
def client(app_env) -> Client:
    streamlit = [Route("/{path:path}", _frontend, methods=["GET", "HEAD", "POST"])]
    app = Starlette(routes=routes.ROUTES + streamlit, middleware=routes.MIDDLEWARE)
    return Client(app)


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/halaman-tidak-ada", "/?tidak_ditemukan=halaman-tidak-ada"),
        ("/halaman-tidak-ada/", "/?tidak_ditemukan=halaman-tidak-ada"),
        ("/rencana/lama", "/?tidak_ditemukan=rencana%2Flama"),  # under a page: no page either
        ("/halaman-tidak-ada?lang=English", "/?lang=English&tidak_ditemukan=halaman-tidak-ada"),
        ("/x?tidak_ditemukan=y", "/?tidak_ditemukan=x"),
        ("/index.html", "/?tidak_ditemukan=index.html"),  # the frontend's file, by name
        ("/app", "/?tidak_ditemukan=app"),  # not the app's static folder (/app/static/...)
        ("/auth", "/?tidak_ditemukan=auth"),  # not a sign-in route (/auth/masuk)
        ("/" + "a" * 300, "/?tidak_ditemukan=" + "a" * 200),  # named, but not at length
        ("/%5Bklik%5D(http:%2F%2Fx)", "/?tidak_ditemukan=%5Bklik%5D%28http%3A%2F%2Fx%29"),
    ],
)  # fmt: skip
def test_a_page_request_for_a_path_that_is_no_page_goes_to_the_main_page_naming_it(
    client, path, location
):
    reply = client.get(path, headers=PAGE)
    assert reply.status_code == 303
    assert reply.headers["location"] == location
    assert "content-security-policy" in reply.headers  # the security headers still apply


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/rencana",
        "/rencana/",
        "/pengguna",  # a page outside some roles: the app itself says so (hidden page)
        "/impor?lang=English",
        "/_stcore/health",
        "/rencana/_stcore/health",  # the frontend probing for its base URL
        "/static/js/index.js",
        "/favicon.png",
        "/manifest.json",
        "/media/abc.png",
        "/component/x/index.html",
        "/app/static/logo.png",
    ],
)
def test_pages_and_streamlits_own_paths_pass_untouched(client, path):
    reply = client.get(path, headers=PAGE)
    assert (reply.status_code, reply.text) == (200, "index.html")


def test_only_a_page_request_is_redirected_not_a_fetch_or_a_post(client):
    assert client.get("/halaman-tidak-ada", headers={"accept": "*/*"}).status_code == 200
    assert client.post("/halaman-tidak-ada", headers=PAGE).status_code == 200


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ({}, "Halaman “halaman-tidak-ada” tidak ditemukan. Anda dibawa ke halaman utama."),
        (
            {"lang": "English"},
            "Page “halaman-tidak-ada” not found. You are on the main page instead.",
        ),
    ],
)
def test_the_main_page_warns_once_in_the_users_language_about_the_missing_page(language, expected):
    at = signed_in_app(Role.ANALIS, **{PARAM: "halaman-tidak-ada"}, **language).run()
    assert not at.exception
    assert [w.value for w in at.warning][:1] == [expected.replace("-", "\\-")]
    assert PARAM not in at.query_params  # gone from the URL: a reload does not repeat it
    assert at.title  # the main page itself is there


@pytest.mark.usefixtures("app_env")
def test_the_warning_is_gone_on_the_next_run():
    at = signed_in_app(Role.ANALIS, **{PARAM: "halaman-tidak-ada"}).run()
    assert "tidak ditemukan" in at.warning[0].value
    at.run()
    assert not at.exception
    assert not any("tidak ditemukan" in w.value for w in at.warning)


@pytest.mark.usefixtures("app_env")
def test_hostile_text_in_the_path_shows_as_plain_text_not_a_link():
    hostile = "[klik di sini](http://evil.example) **tebal** <b>x</b>"
    at = signed_in_app(Role.ANALIS, **{PARAM: hostile}).run()
    assert not at.exception
    assert at.warning[0].value == i18n.t("error.page_not_found", "id", path=plain(hostile))
    assert "\\[klik di sini\\]\\(http" in at.warning[0].value  # escaped: no link


@pytest.mark.usefixtures("app_env")
def test_control_and_direction_characters_in_the_path_are_left_out():
    at = signed_in_app(Role.ANALIS, **{PARAM: "abc\u202edcba\nx\u200by"}).run()
    assert not at.exception
    assert at.warning[0].value == i18n.t("error.page_not_found", "id", path="abcdcbaxy")


@pytest.mark.usefixtures("app_env")
def test_before_signing_in_the_warning_shows_on_the_sign_in_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params[PARAM] = "halaman-tidak-ada"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Masuk"
    assert "tidak ditemukan" in at.warning[0].value


@pytest.mark.usefixtures("app_env")
def test_a_pages_url_opened_before_signing_in_asks_to_sign_in():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at._page_hash = calc_hash("rencana")  # what a browser opening /rencana asks for
    at.run()
    assert not at.exception
    assert at._finished_page_script_hash == calc_hash("rencana")  # no "Page not found"
    assert at.title[0].value == "Masuk"


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ({}, "Halaman ini tidak tersedia untuk peran Anda."),
        ({"lang": "English"}, "This page is not available to your roles."),
    ],
)
def test_a_page_outside_the_role_says_so_in_the_users_language(language, expected):
    at = signed_in_app(Role.PIMPINAN, **language)
    at._page_hash = calc_hash("impor")  # what a browser opening /impor asks for
    at.run()
    assert not at.exception
    assert at._finished_page_script_hash == calc_hash("impor")
    assert at.warning[0].value.startswith(expected)
    assert not at.title
