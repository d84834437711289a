"""The unknown columns of an import's report, each with a one-click choice of the template
column it means: the choice is remembered for the next imports (audited) and the preview is
redone with it."""

from __future__ import annotations

import streamlit as st

from dumas import i18n
from dumas.domain.errors import DomainError
from dumas.domain.permissions import Action
from dumas.importer.headers import header_key
from dumas.importer.model import CANONICAL, DroppedColumn
from dumas.services.header_aliases import remember_header_alias
from dumas.ui.actions import ERROR, FLASH, perform_untimed
from dumas.ui.state import actor, lang, t

_REDO = "import_redo_preview"  # session key: a heading was taught, preview the file again


def redo_requested() -> bool:
    """Whether a choice was just stored, so the file's preview is to be redone (once)."""
    return bool(st.session_state.pop(_REDO, False))


def unknown_column_choices(
    dropped: list[DroppedColumn], fields: list[str], sheet: str = ""
) -> None:
    """Per unknown heading of a preview (or of a file refused for a missing column), the
    template columns the file does not have yet (`fields` it has) to choose from; `sheet`
    tells apart the choices of each sheet of an all-sheets import."""
    named = [column for column in dropped if column.heading]
    free = [name for name in CANONICAL if name not in fields]
    if not named or not free or not actor().can(Action.IMPORT_DATA):  # the service's rule
        return
    st.markdown(f"**{t('import.alias.title')}**")
    st.caption(t("import.alias.hint"))
    for column in named:
        key = f"header_alias_{sheet}_{column.position}_{header_key(column.heading)}"
        cells = i18n.fmt_int(column.cells, lang())
        st.selectbox(
            t("import.alias.choose", column=column.heading, cells=cells),
            free,
            index=None,
            format_func=CANONICAL.__getitem__,
            placeholder=t("import.alias.placeholder"),
            key=key,
            on_change=_remember,
            args=(column.heading, key),
        )


def _remember(heading: str, key: str) -> None:
    """Callback: store the chosen column for this heading, then ask for a new preview."""
    field = st.session_state.get(key)
    if field is None:
        return
    try:
        perform_untimed(remember_header_alias, heading=heading, field=field)
    except DomainError as error:
        st.session_state[ERROR] = error
        return
    st.session_state[FLASH] = t("import.alias.saved", heading=heading, column=CANONICAL[field])
    st.session_state[_REDO] = True
