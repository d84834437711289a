"""Pengaturan Naskah: letterhead, letter-number parts, signing officials and font."""

from __future__ import annotations

import streamlit as st

from dumas.permissions import Action
from dumas.ui import settings_sections as sections
from dumas.ui.state import actor, t

if not actor().can(Action.MANAGE_SETTINGS):  # the menu hides the page; this guards a stray route
    st.error(t("error.forbidden"), icon=":material/block:")
    st.stop()

st.title(t("nav.settings"))
st.caption(t("settings.caption"))
sections.flash()
sections.form(sections.stored())
shaped = sections.preview()
sections.sample(shaped)
