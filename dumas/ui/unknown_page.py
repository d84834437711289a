"""A URL that names no page: the main page, with a warning in the user's language.

Streamlit's frontend answers every unknown path with its own English "Page not found"
dialog. So the server (the middleware, mounted by server.py) sends a browser that opens a
path that is no page of the app to the main page, naming the path in the query
(`/?tidak_ditemukan=halaman-x`); the app shows the warning once (notice) and drops the
parameter. Streamlit's own routes, its static files and the sign-in routes pass untouched.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import streamlit as st
from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import config as st_config
from streamlit import file_util

from dumas.ui.navigation import PAGES
from dumas.ui.state import t

PARAM = "tidak_ditemukan"
MAX_SHOWN = 200  # characters of the path named in the warning

# Path prefixes served by Streamlit (its API, media, components, frontend bundles, the
# app's static folder) or by dumas.ui.routes (sign in, sign out, the health check, files).
_SERVED = ("_stcore/", "media/", "component/", "static/", "app/static/", "auth/", "ops/",
           "berkas/")  # fmt: skip
# Segments that never belong to a page: the frontend probes "<page>/_stcore/health" to find
# the base URL and must get Streamlit's 404 there, never an HTML page.
_NEVER_A_PAGE = frozenset({"_stcore", "static", "media", "component"})


def _page_paths() -> frozenset[str]:
    """Every page's url_path (those outside a role too: the app refuses them itself)."""
    return frozenset(page.url_path for page in PAGES if page.url_path is not None)


def _frontend_files() -> frozenset[str]:
    """The files at the root of Streamlit's frontend (favicon.png, manifest.json, ...), but
    not index.html: opened by name it is no page either."""
    folder = Path(file_util.get_static_dir())
    names = {entry.name for entry in folder.iterdir()} if folder.is_dir() else set()
    return frozenset(names - {"index.html"})


def unknown(path: str) -> str | None:
    """The page path a request names if it is no page of the app (None: a page, or a
    route of the server). `path` is the request's path below the base URL, decoded."""
    name = path.strip("/")
    segments = name.split("/")
    if not name or name in _page_paths():
        return None
    if name.startswith(_SERVED) or _NEVER_A_PAGE.intersection(segments):
        return None
    if name in _frontend_files():
        return None
    return name


def _base() -> str:
    """Streamlit's server.baseUrlPath as "/base" ("" when the app is served at the root)."""
    base = str(st_config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


class UnknownPageRedirect:
    """ASGI middleware: a page request (GET/HEAD asking for HTML) for a path that is no page
    goes to the main page with the path in PARAM; the other query parameters (lang) stay."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        target = self._target(scope) if scope["type"] == "http" else None
        if target is None:
            await self.app(scope, receive, send)
            return
        headers = [(b"location", target.encode("latin-1")), (b"content-length", b"0")]
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    def _target(scope: Scope) -> str | None:
        if scope["method"] not in {"GET", "HEAD"}:
            return None
        accept = dict(scope["headers"]).get(b"accept", b"").decode("latin-1")
        if "text/html" not in accept:  # a script's fetch, an image, a font: not a page
            return None
        base, path = _base(), scope["path"]
        if base and not (path == base or path.startswith(base + "/")):
            return None
        name = unknown(path[len(base) :])
        if name is None:
            return None
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        kept = [(key, value) for key, value in query if key != PARAM]
        return f"{base}/?" + urlencode([*kept, (PARAM, name[:MAX_SHOWN])])


def notice() -> None:
    """The warning for a path that named no page (sent here by UnknownPageRedirect), once:
    the parameter leaves the URL, so a reload or the next click does not repeat it."""
    name = st.query_params.get(PARAM)
    if name is None:
        return
    del st.query_params[PARAM]
    shown = "".join(ch for ch in name[:MAX_SHOWN] if unicodedata.category(ch) not in _INVISIBLE)
    st.warning(t("error.page_not_found", path=shown), icon=":material/search_off:")


# Control and format characters (a line break, a right-to-left override that would turn
# the rest of the message around): a path never needs them to be recognised.
_INVISIBLE = frozenset({"Cc", "Cf"})
