"""nav.settings (placeholder while the page is built)."""

from __future__ import annotations

import streamlit as st

from dumas.ui.state import t

st.title(t("nav.settings"))
