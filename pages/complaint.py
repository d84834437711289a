"""Cari Pengaduan: a complaint found by its agenda number (or opened from a list), its letters
per agency, the files kept with them, and forms to record new ones; empty, the page says
what to type."""

from __future__ import annotations

import streamlit as st

from dumas.queries import complaints
from dumas.ui.actions import flash
from dumas.ui.navigation import guard
from dumas.ui.screens import attachments
from dumas.ui.screens import complaint as sections
from dumas.ui.state import get_db, t, today

guard(__file__)

st.title(t("complaint.title"))
flash()

agenda = st.text_input(t("col.agenda_no"), key="agenda", bind="query-params")
if not agenda.strip():
    st.info(t("complaint.enter_agenda"))
    st.stop()

with get_db().reading() as cur:
    complaint = complaints.by_agenda(cur, agenda)
    if complaint is not None:
        letters = complaints.letters_of(cur, complaint["id"], today())
        timeline = complaints.timeline(cur, complaint["id"])

if complaint is None:
    st.warning(t("complaint.not_found", agenda=agenda.strip()), icon=":material/search_off:")
    st.stop()

sections.header(complaint)
sections.reveal_button(complaint)
st.divider()
sections.letters(letters, timeline, complaint["agenda_no"])
st.divider()
attachments.complaint_files(complaint)
st.divider()
sections.forms(complaint, letters)
