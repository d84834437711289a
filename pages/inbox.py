"""Menunggu Saya: the plans waiting for the user's action, and what is overdue in their area."""

from __future__ import annotations

import streamlit as st

from dumas.ui.navigation import guard
from dumas.ui.screens import inbox as sections
from dumas.ui.state import t

user = guard(__file__)

st.title(t("nav.inbox"))
st.caption(t("inbox.caption"))
items = sections.load(user)
sections.counts(items, user)
sections.waiting(items)
if sections.watches(user):
    sections.area(items)
