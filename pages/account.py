"""Akun Saya: who is signed in, and the notices by e-mail they choose to receive."""

from __future__ import annotations

import streamlit as st

from dumas.ui.actions import flash
from dumas.ui.navigation import guard
from dumas.ui.screens import notices as sections
from dumas.ui.state import t

user = guard(__file__)

st.title(t("nav.account"))
st.caption(t("account.caption"))
flash()
sections.profile(user)
sections.preferences(user)
sections.digests(user)
