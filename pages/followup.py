"""Tindak Lanjut: which forwarded complaints still lack an agency response."""

from __future__ import annotations

import streamlit as st

from dumas import i18n
from dumas.ui.navigation import guard
from dumas.ui.screens import followup as sections
from dumas.ui.state import actor, lang, t, today
from dumas.ui.widgets import followup_filters

guard(__file__)

st.title(t("followup.title"))
as_of = today()
st.caption(t("followup.caption", date=i18n.fmt_date(as_of, lang())))
filters = followup_filters()
sections.kpis(filters, as_of)

view = st.segmented_control(
    t("followup.view"),
    options=["summary", "list", "charts", "agencies"],
    format_func=lambda v: t(f"followup.view_{v}"),
    default=sections.first_view(actor()),
    required=True,
    key="view",
    bind="query-params",
)
if view == "summary":
    sections.summary_section(filters, as_of)
elif view == "charts":
    sections.charts_section(filters, as_of)
elif view == "agencies":
    sections.agencies_section(filters, as_of)
else:
    sections.letter_list(filters, as_of)
