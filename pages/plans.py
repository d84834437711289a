"""Matriks Rencana Pemantauan: draft, discuss and decide a monitoring plan (SOP steps 1-3)."""

from __future__ import annotations

import streamlit as st

from dumas.ui import unsaved
from dumas.ui.actions import flash
from dumas.ui.navigation import guard
from dumas.ui.screens import plan as sections
from dumas.ui.screens import plan_editor as editor
from dumas.ui.screens import plan_letters as letters
from dumas.ui.state import t
from dumas.ui.widgets import view_switch

guard(__file__)

st.title(t("nav.plans"))
st.caption(t("plans.caption"))
flash()

plan_id = sections.choose_plan()
if plan_id is None:
    sections.create_form()
    st.stop()

plan, matrix = editor.plan_and_matrix(plan_id)
if plan is None:
    st.warning(t("error.unknown_plan"), icon=":material/search_off:")
    st.stop()

staff = editor.staff_names()
sections.header(plan)
sections.summary(matrix)
sections.actions(plan, matrix)
sections.monitorings(plan)

view = view_switch("plans", ["matrix", "letters", "add", "history"], "matrix", key="plan_view")
if unsaved.keep_left(drawn=plan_id if view == "matrix" else None):
    st.warning(t("plans.unsaved_left"), icon=":material/edit_note:")
if view == "letters":
    letters.row_letters(plan, matrix)
elif view == "add":
    if editor.may_add_letters(plan):
        letters.add_letters(plan)
    else:
        st.info(t("plans.add_not_now"), icon=":material/info:")
elif view == "history":
    sections.checklist(plan)
    sections.difference(plan, staff)
    sections.history(plan)
else:
    editor.matrix_table(plan, matrix, staff)
    if editor.may_edit(plan):
        editor.bulk_form(plan, matrix, staff)
        editor.work_programme_form(plan)
    editor.export_button(plan, matrix)
