"""Impor Data: bring the unit's own follow-up spreadsheets into the database."""

from __future__ import annotations

import streamlit as st

from dumas.ui import import_sections as sections
from dumas.ui.state import t

st.title(t("import.title"))
st.caption(t("import.caption"))
sections.flash()
tab_import, tab_merge = st.tabs([t("import.tab_import"), t("import.tab_merge")])
with tab_import:
    sections.downloads()
    sections.upload_and_import()
with tab_merge:
    sections.merge_agencies()
