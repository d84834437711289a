"""HTTP routes of the ASGI wrapper: sign in (sets the signed cookie) and sign out."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dumas import auth
from dumas.ui.auth_gate import COOKIE, now, secret
from dumas.ui.state import get_db

MAX_FIELD = 200


def _back(query: dict[str, str] | None = None) -> RedirectResponse:
    return RedirectResponse("/" + (f"?{urlencode(query)}" if query else ""), status_code=303)


async def sign_in(request: Request) -> Response:
    """Check the posted name and password; on success set the cookie and go to the app."""
    form = await request.form()
    username = str(form.get("username", ""))[:MAX_FIELD]
    password = str(form.get("password", ""))[:MAX_FIELD]
    try:
        _, token = await run_in_threadpool(auth.sign_in, get_db(), username, password, now())
    except auth.SignInRefused as refused:
        reason = "terkunci" if refused.messages[0].key == "error.locked" else "gagal"
        return _back({"masuk": reason})
    response = _back()
    response.set_cookie(
        COOKIE,
        auth.cookie_value(token, secret()),
        max_age=int(auth.session_lifetime().total_seconds()),
        httponly=True,
        samesite="strict",
        path="/",
    )
    return response


async def sign_out(request: Request) -> Response:
    """End this browser's session and forget its cookie."""
    token = auth.token_from_cookie(request.cookies.get(COOKIE), secret())
    await run_in_threadpool(auth.sign_out, get_db(), token, now())
    response = _back({"keluar": "1"})
    response.delete_cookie(COOKIE, path="/")
    return response


class SecurityHeaders(BaseHTTPMiddleware):
    """Headers every page should carry (no framing by other sites, no MIME sniffing)."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Referrer-Policy"] = "same-origin"
        return response
