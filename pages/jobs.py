"""Tugas Terjadwal: the jobs the serving process runs, their runs and logs (Administrator)."""

from __future__ import annotations

import streamlit as st

from dumas.ui.actions import flash
from dumas.ui.navigation import guard
from dumas.ui.screens import jobs as sections
from dumas.ui.state import t

guard(__file__)

st.title(t("nav.jobs"))
st.caption(t("jobs.caption"))
flash()
sections.status()
for job in sections.jobs():
    sections.section(job)
