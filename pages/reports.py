"""Laporan Berkala: the monthly, semester and annual report tables, finalised by the Asdep."""

from __future__ import annotations

import streamlit as st

from dumas.ui import period_picker
from dumas.ui.navigation import guard
from dumas.ui.screens import periodic_report as sections
from dumas.ui.screens import report_narrative, report_route
from dumas.ui.state import t

guard(__file__)

st.title(t("nav.reports"))
st.caption(t("reports.caption"))
report_narrative.listing()
period = period_picker.choose()
if period is None:
    st.stop()
data, frozen = sections.load(period)
sections.header(data, frozen)
report = sections.shown(data, frozen, period)
sections.downloads(report, period)
report_narrative.narrative(period, frozen)
report_route.section(period)
sections.reconciliation(period, frozen)
sections.tables(report, period)
