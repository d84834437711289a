"""The ASGI entry point: the Streamlit app plus the sign-in and sign-out routes.

`streamlit run server.py` (what `make run` does). The routes exist because only an HTTP
response can set an httponly cookie: a sign-in form posts here, the cookie is set, and the
browser returns to the app, which reads it with st.context.cookies on every run.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.routing import Route

from dumas.ui.routes import SecurityHeaders, sign_in, sign_out

app = st.App(
    str(Path(__file__).with_name("app.py")),
    routes=[
        Route("/auth/masuk", sign_in, methods=["POST"]),
        Route("/auth/keluar", sign_out, methods=["POST"]),
    ],
    middleware=[Middleware(SecurityHeaders)],
)
