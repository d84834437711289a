"""HTTP routes of the ASGI wrapper: sign in (sets the signed cookie) and sign out, the
health check (`/ops/health`); a path that is no page goes to the main page
(dumas.ui.unknown_page).

Both refuse a post from another site (login CSRF: a foreign form must not sign the
browser in as someone else, nor sign it out).
"""

from __future__ import annotations

from urllib.parse import urlencode

import duckdb
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from dumas import i18n
from dumas.db.faults import DatabaseFault
from dumas.services import auth
from dumas.ui.auth_gate import COOKIE, now, secret
from dumas.ui.http_security import SecurityHeaders, client_address, is_https, same_origin
from dumas.ui.state import get_db
from dumas.ui.unknown_page import UnknownPageRedirect

MAX_FIELD = 200


def _back(query: dict[str, str] | None = None) -> RedirectResponse:
    return RedirectResponse("/" + (f"?{urlencode(query)}" if query else ""), status_code=303)


def _foreign() -> Response:
    return PlainTextResponse(i18n.t("signin.cross_site"), status_code=403)


async def sign_in(request: Request) -> Response:
    """Check the posted name and password; on success set the cookie and go to the app."""
    if not same_origin(request):
        return _foreign()
    form = await request.form()
    username = str(form.get("username", ""))[:MAX_FIELD]
    password = str(form.get("password", ""))[:MAX_FIELD]
    source = client_address(request)
    try:
        _, token = await run_in_threadpool(
            auth.sign_in, get_db(), username, password, now(), source
        )
    except auth.SignInRefused:  # one answer for every refusal: nothing to learn from it
        return _back({"masuk": "gagal"})
    response = _back()
    response.set_cookie(
        COOKIE,
        auth.cookie_value(token, secret()),
        max_age=int(auth.session_lifetime().total_seconds()),
        httponly=True,
        secure=is_https(request),
        samesite="strict",
        path="/",
    )
    return response


async def sign_out(request: Request) -> Response:
    """End this browser's session (named by the cookie, or by the form if the cookie is gone)."""
    if not same_origin(request):
        return _foreign()
    form = await request.form()
    token = auth.token_from_cookie(request.cookies.get(COOKIE), secret())
    key = str(form.get("sesi", ""))[:MAX_FIELD]
    await run_in_threadpool(auth.sign_out, get_db(), token, now(), key, secret())
    response = _back({"keluar": "1"})
    response.delete_cookie(COOKIE, path="/", secure=is_https(request), samesite="strict")
    return response


def _health() -> tuple[int, dict[str, str]]:
    """Whether the database answers, and its schema version (no path, no counts)."""
    checked = now().isoformat(timespec="seconds")
    try:
        with get_db().reading() as cur:
            schema = cur.execute("SELECT max(name) FROM schema_migration").fetchall()[0][0]
    except DatabaseFault as fault:
        return 503, {"status": "unavailable", "reason": fault.key, "checked_at": checked}
    except duckdb.Error as error:
        reason = type(error).__name__
        return 503, {"status": "unavailable", "reason": reason, "checked_at": checked}
    return 200, {"status": "ok", "schema": str(schema), "checked_at": checked}


async def health(request: Request) -> Response:
    """For a monitoring system to poll: 200 and the schema version while the database
    answers, 503 and the reason when it does not."""
    status, body = await run_in_threadpool(_health)
    return JSONResponse(body, status_code=status, headers={"cache-control": "no-store"})


ROUTES = [
    Route("/auth/masuk", sign_in, methods=["POST"]),
    Route("/auth/keluar", sign_out, methods=["POST"]),
    Route("/ops/health", health, methods=["GET", "HEAD"]),
]
MIDDLEWARE = [Middleware(SecurityHeaders), Middleware(UnknownPageRedirect)]
