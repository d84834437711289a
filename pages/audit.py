"""Jejak Audit: who changed what and when, with filters and an xlsx export."""

from __future__ import annotations

import streamlit as st

from dumas.ui.navigation import guard
from dumas.ui.screens import audit as sections
from dumas.ui.state import t

guard(__file__)

st.title(t("audit.title"))
st.caption(t("audit.caption"))
chosen = sections.filters()
total = sections.log(chosen)
sections.export(chosen, total)
