"""Impor dan Ekspor Data: the unit's follow-up spreadsheets in, the whole database out."""

from __future__ import annotations

import streamlit as st

from dumas.domain.permissions import Action
from dumas.ui.actions import flash
from dumas.ui.navigation import guard
from dumas.ui.screens import import_data as sections
from dumas.ui.state import t

user = guard(__file__)

st.title(t("import.title"))
st.caption(t("import.caption"))
flash()
parts = [
    (t("import.tab_import"), Action.IMPORT_DATA, sections.import_tab),
    (t("import.tab_export"), Action.EXPORT_DATA, sections.export_tab),
    (t("import.tab_merge"), Action.MERGE_AGENCY, sections.merge_agencies),
    (t("import.tab_backup"), Action.BACKUP_DATA, sections.backup_tab),
]
allowed = [(label, show) for label, action, show in parts if user.can(action)]
for tab, (_, show) in zip(st.tabs([label for label, _ in allowed]), allowed, strict=True):
    with tab:
        show()
