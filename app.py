"""Dumas Monitor: the frame and router. No SQL, no logic.

Signs the user in (or asks for the first administrator), then offers only the pages the
permission table allows the user's roles; a page not offered cannot be opened by URL.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dumas.ui import unknown_page
from dumas.ui.auth_gate import current_user
from dumas.ui.maintenance import open_database_or_stop, run_page
from dumas.ui.navigation import pages_for, sign_in_pages
from dumas.ui.screens.account import demo_banner, user_box
from dumas.ui.state import language_selector, t

# Our own tab icon: a ":material/...:" one is fetched from Google's font servers, which the
# Content-Security-Policy (dumas/ui/http_security.py) does not allow.
ICON = Path(__file__).parent / "dumas" / "ui" / "favicon.svg"
st.set_page_config(page_title="Dumas Monitor", page_icon=str(ICON), layout="wide")
language_selector()
open_database_or_stop()  # creates, migrates and (first start) fills it before any page
demo_banner()
unknown_page.notice()  # a URL that named no page (server.py sent it here)
user = current_user()
if user is None:  # the sign-in page (or, on an empty database, the first administrator)
    run_page(st.navigation(sign_in_pages()))
    st.stop()

user_box(user)
st.sidebar.caption(t("app.subtitle"))
run_page(st.navigation(pages_for(user)))
