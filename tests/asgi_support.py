"""A small in-process HTTP client for ASGI apps (Starlette's TestClient needs httpx2).

It sends one request (a form post, or a GET) through the app as an ASGI server would
(scope, body, disconnect), keeps the cookies the app sets, and never follows redirects.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import unquote, urlencode, urlsplit


def _run(coroutine):
    """asyncio.run, also from a thread whose event loop is running (Playwright's sync API,
    kept by the browser tests of the same worker, runs one in the main thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@dataclass
class Reply:
    status_code: int
    headers: dict[str, str]  # lower-case names; Set-Cookie values joined by "\n"
    text: str
    content: bytes = b""  # the body as sent (text is it decoded, unreadable bytes replaced)


@dataclass
class Client:
    app: object
    base_url: str = "http://testserver"
    peer: str = "testclient"  # the address the connection comes from
    cookies: dict[str, str] = field(default_factory=dict)

    def post(
        self, path: str, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        """POST a form and return the app's answer; remember the cookies it sets."""
        body = urlencode(data or {}).encode()
        form = {"content-type": "application/x-www-form-urlencoded"}
        return self._send("POST", path, body, {**form, **(headers or {})})

    def post_json(self, path: str, body: object, headers: dict[str, str] | None = None) -> Reply:
        """POST a JSON body and return the app's answer."""
        sent = json.dumps(body).encode()
        return self._send("POST", path, sent, {"content-type": "application/json",
                                               **(headers or {})})  # fmt: skip

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        """GET a path (with its query, if any) and return the app's answer."""
        return self._send("GET", path, b"", headers or {})

    def _send(self, method: str, target: str, body: bytes, headers: dict[str, str]) -> Reply:
        url = urlsplit(self.base_url)
        path, _, query = target.partition("?")
        sent = {
            "host": url.netloc,
            "content-length": str(len(body)),
            **{name.lower(): value for name, value in headers.items()},
        }
        if self.cookies:
            sent["cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": url.scheme,
            "path": unquote(path),
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in sent.items()],
            "client": (self.peer, 50000),
            "server": (url.hostname, url.port or (443 if url.scheme == "https" else 80)),
        }
        reply = _run(_call(self.app, scope, body))
        self._keep_cookies(reply.headers.get("set-cookie", ""))
        return reply

    def _keep_cookies(self, set_cookie: str) -> None:
        for line in filter(None, set_cookie.split("\n")):
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value


async def _call(app, scope: dict, body: bytes) -> Reply:
    done = asyncio.Event()
    pending = [{"type": "http.request", "body": body, "more_body": False}]
    start: dict = {}
    chunks: list[bytes] = []

    async def receive() -> dict:
        if pending:
            return pending.pop()
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                done.set()

    await app(scope, receive, send)
    headers: dict[str, str] = {}
    for name, value in start["headers"]:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        headers[key] = f"{headers[key]}\n{text}" if key in headers else text
    content = b"".join(chunks)
    return Reply(start["status"], headers, content.decode(errors="replace"), content)
