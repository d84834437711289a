"""Standar Biaya (SBM): the yearly daily allowance and lodging cap per province."""

from __future__ import annotations

import streamlit as st

from dumas.ui.actions import flash
from dumas.ui.navigation import guard
from dumas.ui.screens import sbm as sections
from dumas.ui.state import t

guard(__file__)

st.title(t("nav.sbm"))
st.caption(t("sbm.caption"))
flash()
year = sections.year()
rates = sections.stored(year)
drawn = sections.editor(year, rates)
sections.save(year, rates, drawn)
sections.export(year, rates)
