"""Pengaturan Naskah: letterhead, letter-number parts, signing officials and font."""

from __future__ import annotations

import streamlit as st

from dumas.ui.actions import flash
from dumas.ui.navigation import guard
from dumas.ui.screens import settings as sections
from dumas.ui.state import t

guard(__file__)

st.title(t("nav.settings"))
st.caption(t("settings.caption"))
flash()
sections.form(sections.stored())
shaped = sections.preview()
sections.sample(shaped)
