"""Pemantauan: the monitorings approved from the plans; ?id=N opens one (SOP steps 4-8)."""

from __future__ import annotations

import streamlit as st

from dumas.ui.actions import flash
from dumas.ui.navigation import guard
from dumas.ui.screens import monitoring as sections
from dumas.ui.screens import monitoring_detail as detail
from dumas.ui.screens import monitoring_forms as forms
from dumas.ui.state import t

guard(__file__)

st.title(t("monitorings.title"))
wanted = str(st.query_params.get("id", ""))  # read by hand: a link, not a bound widget
if not wanted.isdigit():
    st.caption(t("monitorings.caption"))
    states, levels = sections.filters()
    listed = sections.chosen(sections.load(), states, levels)
    sections.table(listed)
    sections.export(listed, states, levels)
    st.stop()

detail.back_button()
flash()
screen = detail.load(int(wanted))
if screen is None:
    st.warning(t("error.unknown_monitoring"), icon=":material/search_off:")
    st.stop()

detail.header(screen)
detail.checklist(screen)
detail.actions(screen)
view = detail.choose_view(screen)
if view == "preparation":
    forms.preparation(screen)
elif view == "coordination":
    forms.coordination(screen)
elif view == "execution":
    forms.execution(screen)
elif view == "report":
    forms.report(screen)
else:
    detail.history(screen)
