"""Menunggu Saya: the plans waiting for the user's action, and what is overdue in their area."""

from __future__ import annotations

import streamlit as st

from dumas.permissions import Action
from dumas.ui import inbox_sections as sections
from dumas.ui.state import actor, t

user = actor()
if not user.can(Action.VIEW_PLANS):  # the menu hides the page; this guards a stray route
    st.error(t("error.forbidden"), icon=":material/block:")
    st.stop()

st.title(t("nav.inbox"))
st.caption(t("inbox.caption"))
items = sections.load(user)
sections.counts(items, user)
sections.waiting(items)
if sections.watches(user):
    sections.area(items)
