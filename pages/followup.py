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
# The frame first (title, filters, view switch), then the figures: the KPI cards take their
# place above the views, filled once the views have been drawn.
figures = st.container()
sections.views(filters, as_of, sections.first_view(actor()))
with figures, st.spinner(t("app.loading")):
    sections.kpis(filters, as_of)
