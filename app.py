"""Dumas Monitor: the frame and router. No SQL, no logic."""

from __future__ import annotations

import streamlit as st

from dumas.ui.state import get_db, language_selector, t

st.set_page_config(page_title="Dumas Monitor", page_icon=":material/fact_check:", layout="wide")
language_selector()
get_db()  # creates, migrates and (first start) fills the database before any page

pages = [
    st.Page(
        "pages/followup.py",
        title=t("nav.followup"),
        icon=":material/pending_actions:",
        default=True,  # served at "/"
    ),
    st.Page(
        "pages/complaint.py",
        title=t("nav.complaint"),
        icon=":material/description:",
        url_path="pengaduan",
    ),
    st.Page(
        "pages/import_data.py",
        title=t("nav.import"),
        icon=":material/upload_file:",
        url_path="impor",
    ),
]
page = st.navigation(pages)
st.sidebar.caption(t("app.subtitle"))
page.run()
