"""Standar Biaya (SBM): the yearly daily allowance and lodging cap per province."""

from __future__ import annotations

import streamlit as st

from dumas.permissions import Action
from dumas.ui import sbm_sections as sections
from dumas.ui.state import actor, t

if not actor().can(Action.MANAGE_SBM):  # the menu hides the page; this guards a stray route
    st.error(t("error.forbidden"), icon=":material/block:")
    st.stop()

st.title(t("nav.sbm"))
st.caption(t("sbm.caption"))
sections.flash()
year = sections.year()
rates = sections.stored(year)
drawn = sections.editor(year, rates)
sections.save(year, rates, drawn)
sections.export(year, rates)
