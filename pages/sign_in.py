"""Masuk: the sign-in form (posted to /auth/masuk, which sets the session cookie).

An empty database without demo data has no account yet: this page then asks for the first
Administrator instead (there is no default password).
"""

from __future__ import annotations

import streamlit as st

from dumas.services.users import has_users
from dumas.ui.screens import account as sections
from dumas.ui.state import get_db, t

if not has_users(get_db()):
    st.title(t("setup.title"))
    st.caption(t("setup.caption"))
    sections.first_admin_form()
    st.stop()

st.title(t("signin.title"))
sections.sign_in_feedback()
sections.single_sign_on()
sections.sign_in_form()
sections.demo_accounts()
