"""Pengguna: accounts, roles and passwords (Administrator only)."""

from __future__ import annotations

import streamlit as st

from dumas.ui.actions import flash
from dumas.ui.navigation import guard
from dumas.ui.screens import users as sections
from dumas.ui.state import t

guard(__file__)

st.title(t("users.title"))
st.caption(t("users.caption"))
flash()
accounts = sections.accounts()
tab_new, tab_manage = st.tabs([t("users.tab_new"), t("users.tab_manage")])
with tab_new:
    sections.create_user()
with tab_manage:
    sections.manage_user(accounts)
