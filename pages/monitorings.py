"""Pemantauan: the monitorings approved from the plans, filtered by state and level."""

from __future__ import annotations

import streamlit as st

from dumas.permissions import Action
from dumas.ui import monitoring_sections as sections
from dumas.ui.state import actor, t

if not actor().can(Action.VIEW_MONITORINGS):  # the menu hides the page; this guards a stray route
    st.error(t("error.forbidden"), icon=":material/block:")
    st.stop()

st.title(t("monitorings.title"))
st.caption(t("monitorings.caption"))
states, levels = sections.filters()
listed = sections.chosen(sections.load(), states, levels)
sections.table(listed)
sections.export(listed, states, levels)
