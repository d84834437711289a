"""Laporan Berkala: the monthly, semester and annual report tables, finalised by the Asdep."""

from __future__ import annotations

import streamlit as st

from dumas.ui import report_sections as sections
from dumas.ui.state import t

st.title(t("nav.reports"))
st.caption(t("reports.caption"))
period = sections.choose_period()
if period is None:
    st.stop()
data, frozen = sections.load(period)
sections.header(data, frozen)
sections.downloads(data, frozen, period)
sections.finalise(period, frozen)
sections.reconciliation(period, frozen)
sections.tables(data if frozen is None else frozen)
