"""Administrator pertama: the first account of an empty database (no default password)."""

from __future__ import annotations

import streamlit as st

from dumas.ui import account_sections as sections
from dumas.ui.state import t

st.title(t("setup.title"))
st.caption(t("setup.caption"))
sections.first_admin_form()
