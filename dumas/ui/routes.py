"""HTTP routes of the ASGI wrapper: sign in (sets the signed cookie) and sign out, the
health check (`/ops/health`), the command line's hand-over (`/ops/command`), an attached
file opened in its own tab (`/berkas/<id>`); a path that is no page goes to the main page
(dumas.ui.unknown_page).

Both refuse a post from another site (login CSRF: a foreign form must not sign the
browser in as someone else, nor sign it out).
"""

from __future__ import annotations

import json
import logging
import secrets
from urllib.parse import quote, urlencode

import duckdb
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from dumas import config, i18n
from dumas.cli import remote
from dumas.db.faults import DatabaseFault
from dumas.domain.codes import MediaType
from dumas.domain.errors import Conflict, DomainError, NotFound
from dumas.domain.permissions import Forbidden
from dumas.services import attachments, auth, ops_tokens
from dumas.ui.auth_gate import COOKIE, now, secret
from dumas.ui.http_security import (
    FILE_PATH,
    SecurityHeaders,
    client_address,
    from_this_machine,
    is_https,
    same_origin,
)
from dumas.ui.state import get_db
from dumas.ui.unknown_page import UnknownPageRedirect

MAX_FIELD = 200
MAX_COMMAND = 300 * 2**20  # a handed-over command with its file (base64): an upload's 200 MB
LOG = logging.getLogger("dumas")


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


def command_allowed_from(request: Request) -> bool:
    """Whether /ops/command may be asked from where this request comes: this machine only,
    unless DUMAS_OPS_REMOTE=1 (the token is checked either way)."""
    return config.ops_remote() or from_this_machine(request)


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


async def _body(request: Request) -> bytes | None:
    """The request's body, or None beyond MAX_COMMAND (read no further)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_COMMAND:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _verify(token: str) -> ops_tokens.OpsToken | None:
    with get_db().reading() as cur:
        return ops_tokens.verify(cur, token)


def _run_command(token: ops_tokens.OpsToken, body: object) -> tuple[int, dict[str, object]]:
    """Run the handed-over command; a failure inside it is logged under a code."""
    lang = remote.language(body)
    try:
        return 200, remote.run_command(get_db(), token, body, now())
    except remote.BadCommand as bad:
        return bad.status, {"error": bad.line}
    except Exception:
        code = secrets.token_hex(4)
        LOG.exception("[%s] the command handed over with token %r failed", code, token.label)
        return 500, {"error": i18n.t("cli.handover.failed", lang, code=code)}


async def ops_command(request: Request) -> Response:
    """The command line hands a command over to this process, which holds the database
    (docs/decisions/0012-cli-hands-over-to-the-app.md): this machine only, an
    Administrator's token, one of import, report, summary, backup, digest."""
    if not command_allowed_from(request):
        return Response(status_code=403)
    try:
        token = await run_in_threadpool(_verify, _bearer(request))
    except DatabaseFault as fault:
        said = i18n.t(fault.key, i18n.DEFAULT_LANGUAGE, **fault.params)
        return JSONResponse({"error": said}, status_code=503)
    if token is None:
        return Response(status_code=401, headers={"www-authenticate": "Bearer"})
    raw = await _body(request)
    if raw is None:
        return JSONResponse({"error": i18n.t("cli.handover.too_large")}, status_code=413)
    try:
        body = json.loads(raw)
    except ValueError:
        return JSONResponse({"error": i18n.t("cli.handover.bad_request")}, status_code=400)
    status, reply = await run_in_threadpool(_run_command, token, body)
    return JSONResponse(reply, status_code=status, headers={"cache-control": "no-store"})


# What a browser shows in its own tab (its PDF viewer, an image); the rest is saved.
SHOWN_INLINE = frozenset({MediaType.PDF, MediaType.JPEG, MediaType.PNG})
_REFUSED = ((Forbidden, 403), (NotFound, 404), (Conflict, 409))


def _open_file(token: str | None, attachment_id: int) -> Response:
    """The file for the signed-in user, through the service that checks and audits it."""
    db = get_db()
    user = auth.session_user(db, token, now())
    if user is None:
        return _back()  # not signed in (or the session ended): the sign-in page
    try:
        opened = attachments.open_file(db, user, attachment_id)
    except DomainError as error:
        status = next((code for kind, code in _REFUSED if isinstance(error, kind)), 400)
        said = " ".join(i18n.t(m.key, i18n.DEFAULT_LANGUAGE, **m.params) for m in error.messages)
        return PlainTextResponse(said, status_code=status, headers={"cache-control": "no-store"})
    how = "inline" if opened.media_type in SHOWN_INLINE else "attachment"
    name = quote(opened.download_name, safe="")
    headers = {
        "content-disposition": f"{how}; filename*=UTF-8''{name}",
        "cache-control": "no-store, private",
    }
    return Response(opened.data, media_type=opened.media_type.value, headers=headers)


async def open_attachment(request: Request) -> Response:
    """An attached PDF or image opened in a tab of its own (the browser's viewer), any other
    file saved; for a signed-in user whose role may open it, each opening audited."""
    token = auth.token_from_cookie(request.cookies.get(COOKIE), secret())
    return await run_in_threadpool(_open_file, token, request.path_params["attachment_id"])


ROUTES = [
    Route("/auth/masuk", sign_in, methods=["POST"]),
    Route("/auth/keluar", sign_out, methods=["POST"]),
    Route("/ops/health", health, methods=["GET", "HEAD"]),
    Route("/ops/command", ops_command, methods=["POST"]),
    Route(FILE_PATH + "{attachment_id:int}", open_attachment, methods=["GET"]),
]
MIDDLEWARE = [Middleware(SecurityHeaders), Middleware(UnknownPageRedirect)]
