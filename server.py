"""The ASGI entry point: the Streamlit app plus the sign-in and sign-out routes.

`streamlit run server.py` (what `make run` does). The routes exist because only an HTTP
response can set an httponly cookie: a sign-in form posts here, the cookie is set, and the
browser returns to the app, which reads it with st.context.cookies on every run. The
middleware adds the security headers (Content-Security-Policy and others) to every response.
The lifespan runs the scheduled jobs (dumas/jobs/) while the app serves.
"""

from __future__ import annotations

import gc
from pathlib import Path

import streamlit as st

from dumas import config
from dumas.ui import logs, scheduling, warmup
from dumas.ui.navigation import preload
from dumas.ui.routes import MIDDLEWARE, ROUTES

logs.configure(config.log_file())  # faults visitors meet, under the code they are shown
preload()  # the screens' imports at start, not in the first visitor's first run
gc.freeze()  # what start-up made lives as long as the process: no collection walks it again
app = st.App(
    str(Path(__file__).with_name("app.py")),
    routes=ROUTES,
    middleware=MIDDLEWARE,
    lifespan=scheduling.lifespan,
)
warmup.start()  # the default dashboard view, computed before the first visitor asks
