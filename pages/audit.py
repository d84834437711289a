"""Jejak Audit: who changed what and when, with filters and an xlsx export."""

from __future__ import annotations

import streamlit as st

from dumas.permissions import Action
from dumas.ui import audit_sections as sections
from dumas.ui.state import actor, t

if not actor().can(Action.VIEW_AUDIT):  # the menu hides the page; this guards a stray route
    st.error(t("error.forbidden"), icon=":material/block:")
    st.stop()

st.title(t("audit.title"))
st.caption(t("audit.caption"))
chosen = sections.filters()
total = sections.log(chosen)
sections.export(chosen, total)
