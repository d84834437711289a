"""Pengguna: accounts, roles and passwords (Administrator only)."""

from __future__ import annotations

import streamlit as st

from dumas.permissions import Action
from dumas.ui import users_sections as sections
from dumas.ui.state import actor, t

if not actor().can(Action.MANAGE_USERS):  # the menu hides the page; this guards a stray route
    st.error(t("error.forbidden"), icon=":material/block:")
    st.stop()

st.title(t("users.title"))
st.caption(t("users.caption"))
sections.flash()
accounts = sections.accounts()
tab_new, tab_manage = st.tabs([t("users.tab_new"), t("users.tab_manage")])
with tab_new:
    sections.create_user()
with tab_manage:
    sections.manage_user(accounts)
