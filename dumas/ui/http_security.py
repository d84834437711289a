"""What an HTTP request says about itself (client, HTTPS, origin), and the security headers.

A reverse proxy's X-Forwarded-For/-Proto/-Host are believed only from the addresses in
DUMAS_TRUSTED_PROXIES (none by default): anyone else could write them.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import streamlit
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from dumas import config


def _trusted(address: str, proxies: list[str]) -> bool:
    """Whether address is one of the proxies (an address, a network, or a literal name)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address in proxies
    for proxy in proxies:
        try:
            if ip in ipaddress.ip_network(proxy, strict=False):
                return True
        except ValueError:
            continue
    return False


def _from_trusted_proxy(request: Request) -> bool:
    peer = request.client.host if request.client else ""
    return _trusted(peer, config.trusted_proxies())


def client_address(request: Request) -> str:
    """The client: the connection's peer, or behind trusted proxies the address they saw.

    X-Forwarded-For is read from the right (each proxy appends the address it saw) and the
    first address that is not a trusted proxy is the client; what lies left of it, the
    client wrote itself.
    """
    peer = request.client.host if request.client else ""
    proxies = config.trusted_proxies()
    if not _trusted(peer, proxies):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    hops = [h for h in hops if h]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop
    return hops[0] if hops else peer


# Headers a proxy adds when it relays a request: a proxy on this machine connects from
# loopback, so its clients would all look local.
_RELAYED = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip", "via")


def from_this_machine(request: Request) -> bool:
    """Whether the request comes from this machine itself: a loopback peer (127.0.0.0/8,
    ::1) that says it relays no one else's request. The proxy headers are not believed
    here but refused: whoever wrote them, the request did not start on this machine."""
    peer = request.client.host if request.client else ""
    try:
        ip = ipaddress.ip_address(peer)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback and not any(name in request.headers for name in _RELAYED)


def is_https(request: Request) -> bool:
    """Whether the browser talks HTTPS to us (directly, or to a trusted proxy)."""
    forced = config.secure_cookie()
    if forced is not None:
        return forced
    if request.url.scheme == "https":
        return True
    proto = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return proto == "https" and _from_trusted_proxy(request)


def same_origin(request: Request) -> bool:
    """Whether a form post comes from one of this app's own pages.

    Browsers name the page that posts in Origin (every POST) or else Referer, and say
    where it stands in Sec-Fetch-Site; a post that names no page, or another host, is
    refused. Host and port are compared, not the scheme: a proxy ending TLS in front of
    the app would otherwise make every post look foreign.
    """
    if request.headers.get("sec-fetch-site", "same-origin") not in {"same-origin", "none"}:
        return False
    page = request.headers.get("origin") or request.headers.get("referer") or ""
    parts = urlsplit(page)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return False  # absent, or "null" (a sandboxed frame, a file, a data: URL)
    host = request.headers.get("host", "")
    if _from_trusted_proxy(request):
        host = request.headers.get("x-forwarded-host", host).split(",")[0].strip()
    return parts.netloc.lower() == host.lower()


@cache
def _inline_script_hashes() -> tuple[str, ...]:
    """CSP hashes of the inline scripts in Streamlit's own index.html (one, today).

    Read from the installed Streamlit at start-up, so an upgrade that changes the script
    keeps working without a change here.
    """
    page = Path(streamlit.__file__).with_name("static").joinpath("index.html")
    scripts = re.findall(r"<script>(.*?)</script>", page.read_text(encoding="utf-8"), re.S)
    digests = (hashlib.sha256(script.encode()).digest() for script in scripts)
    return tuple(f"'sha256-{base64.b64encode(digest).decode()}'" for digest in digests)


@cache
def content_security_policy() -> str:
    """The tightest policy the app's pages pass, checked in Chromium (tests/test_browser.py).

    Nothing is allowed by default; each directive names what Streamlit 1.67 needs:
    - script-src: the bundles from /static; the hash of index.html's one inline script;
      'wasm-unsafe-eval' because protobuf's long.js compiles a tiny WebAssembly multiply
      (it would fall back to JavaScript, but the attempt is reported). Never 'unsafe-eval'.
    - style-src 'unsafe-inline': Emotion writes <style> elements and the components set
      style attributes at run time; there is no nonce to give them.
    - img-src data: blob:: the tab icon (an SVG data: URL), Plotly's "download as PNG"
      (drawn through a blob: image).
    - font-src data:: one of the bundled fonts is inlined as a data: URL.
    - connect-src 'self': the websocket and /_stcore (health, upload, host config).
    - no frames, workers, plugins, <base>; forms post only here; framed only by us.
    """
    directives = {
        "default-src": ["'none'"],
        "script-src": ["'self'", "'wasm-unsafe-eval'", *_inline_script_hashes()],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "worker-src": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera", "microphone", "geolocation", "payment", "usb", "serial", "hid",
        "display-capture", "midi", "accelerometer", "gyroscope", "magnetometer",
        "publickey-credentials-get", "screen-wake-lock", "xr-spatial-tracking",
    )
)  # fmt: skip


# An attached file opened in its own tab (dumas.ui.routes.open_attachment): no script, no
# frame; the browser's own PDF viewer (a plugin, hence object-src) and an image, from here.
FILE_PATH = "/berkas/"
FILE_POLICY = (
    "default-src 'none'; object-src 'self'; img-src 'self'; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


class SecurityHeaders(BaseHTTPMiddleware):
    """Headers every response carries: what the page may load, use, and who may frame it."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        file = request.url.path.startswith(FILE_PATH)
        response.headers["Content-Security-Policy"] = (
            FILE_POLICY if file else content_security_policy()
        )
        response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Referrer-Policy"] = "same-origin"
        return response
