"""A light client of the real server for the benchmark: Streamlit's own websocket protocol.

Twenty Chromium pages drawing the dashboard take most of two cores themselves, so the
server's times measured beside them are partly the browsers' (README "Many users at
once"). This client signs in as a browser does (a form post to /auth/masuk, which sets the
session cookie), opens the websocket a browser opens (/_stcore/stream, the cookie sent in
the handshake), asks for a run as the browser's frontend does (a BackMsg rerun_script with
the widget values) and reads the server's messages until the run has finished. It draws
nothing: the server does all the work it does for a browser. (In ui/: it speaks
Streamlit's protocol, with Streamlit's protobuf messages.)
"""

from __future__ import annotations

import http.client
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.sync.client import ClientConnection, connect

from dumas.ui.auth_gate import COOKIE


def sign_in(base: str, username: str, password: str) -> str:
    """The session cookie ("name=value") the sign-in route sets for this account."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    try:
        body = urllib.parse.urlencode({"username": username, "password": password})
        conn.request("POST", "/auth/masuk", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Origin": base,
        })  # fmt: skip
        response = conn.getresponse()
        response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith(f"{COOKIE}="):
                return value.split(";", 1)[0]
    finally:
        conn.close()
    raise RuntimeError(f"signing in as {username} set no session cookie")


@dataclass
class Session:
    """One signed-in tab: its websocket, and the widgets its last run drew, by key."""

    base: str
    cookie: str
    ws: ClientConnection | None = None
    widgets: dict[str, Any] = field(default_factory=dict)  # user key -> the element proto
    metrics: list[str] = field(default_factory=list)  # the KPI cards' values, last run

    def open(self) -> Session:
        url = self.base.replace("http://", "ws://", 1) + "/_stcore/stream"
        opened = connect(url, subprotocols=["streamlit"],  # type: ignore[list-item]
                         additional_headers={"Cookie": self.cookie, "Origin": self.base},
                         max_size=2**28, open_timeout=60)  # fmt: skip
        self.ws = opened.__enter__()  # closed by close(); a session outlives a with block
        return self

    def run(self, widget_states: list[WidgetState] | None = None, timeout: float = 600) -> float:
        """Ask for a run (the default page, these widget values) and wait for its end;
        the seconds until the server said it finished."""
        assert self.ws is not None
        message = BackMsg()
        message.rerun_script.query_string = ""
        message.rerun_script.page_script_hash = ""
        message.rerun_script.widget_states.widgets.extend(widget_states or [])
        self.metrics = []
        start = time.perf_counter()
        self.ws.send(message.SerializeToString())
        deadline = start + timeout
        while True:
            data = self.ws.recv(timeout=max(0.1, deadline - time.perf_counter()))
            forward = ForwardMsg()
            forward.ParseFromString(data if isinstance(data, bytes) else data.encode())
            kind = forward.WhichOneof("type")
            if kind == "delta":
                self._note_widget(forward)
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished)
                if status == "FINISHED_SUCCESSFULLY":
                    return time.perf_counter() - start
                if status != "FINISHED_EARLY_FOR_RERUN":
                    raise RuntimeError(f"the run ended: {status}")

    def _note_widget(self, forward: ForwardMsg) -> None:
        delta = forward.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "metric":
            self.metrics.append(element.metric.body)
        widget = getattr(element, kind) if kind else None
        widget_id = getattr(widget, "id", "")
        if widget_id and "-" in widget_id:  # "$$ID-<hash>-<user key>"
            self.widgets[widget_id.rsplit("-", 1)[-1]] = widget

    def choose(self, key: str, values: list[str]) -> WidgetState:
        """The widget state of a multiselect (by its key) with these options chosen."""
        state = WidgetState(id=self.widgets[key].id)
        state.string_array_value.data.extend(values)
        return state

    def close(self) -> None:
        if self.ws is not None:
            self.ws.__exit__(None, None, None)
            self.ws = None
