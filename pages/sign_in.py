"""Masuk: the sign-in form (posted to /auth/masuk, which sets the session cookie)."""

from __future__ import annotations

import streamlit as st

from dumas.ui import account_sections as sections
from dumas.ui.state import t

st.title(t("signin.title"))
sections.sign_in_feedback()
sections.single_sign_on()
sections.sign_in_form()
sections.demo_accounts()
