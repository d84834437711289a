"""The Administrator's section for the command line's tokens (dumas/services/ops_tokens.py):
create one under a label, its token shown once with how to use it; the list with each
token's last use; revoke one. Shown on "Impor dan Ekspor Data" → "Cadangan" for now."""

from __future__ import annotations

import streamlit as st

from dumas import i18n
from dumas.domain.errors import DomainError
from dumas.queries import ops_tokens as listing
from dumas.services import ops_tokens as service
from dumas.ui.actions import FLASH, perform_untimed
from dumas.ui.auth_gate import now
from dumas.ui.state import get_db, lang, show_error, t
from dumas.ui.widgets import show_table

_CREATED = "ops_token_created"  # session key: (label, token) just created, shown once
_ERROR = "ops_token_error"
_LABEL, _REVOKE = "ops_token_label", "ops_token_revoke"


def section() -> None:
    """Create, list and revoke the tokens; a token just created is shown on this run only."""
    st.subheader(t("ops_token.title"))
    st.caption(t("ops_token.caption"))
    if error := st.session_state.pop(_ERROR, None):
        show_error(error)
    if created := st.session_state.pop(_CREATED, None):
        _show_once(*created)
    with st.form("ops_token_form", clear_on_submit=True):
        st.text_input(t("field.token_label"), key=_LABEL, max_chars=service.MAX_LABEL,
                      placeholder=t("ops_token.label_hint"))  # fmt: skip
        st.form_submit_button(t("ops_token.create"), key="ops_token_create", on_click=_create)
    _listed()


def _show_once(label: str, token: str) -> None:
    """The token, which is not stored and cannot be shown again, and how to use it."""
    st.success(t("ops_token.created", label=label), icon=":material/key:")
    st.code(token, language=None)
    st.markdown(t("ops_token.how_to_use"))


def _create() -> None:
    """Callback: the service checks the permission and the label, stores the hash only."""
    label = str(st.session_state.get(_LABEL) or "")
    try:
        token = perform_untimed(service.create_token, label=label, now=now())
    except DomainError as error:
        st.session_state[_ERROR] = error
        return
    st.session_state[_CREATED] = (" ".join(label.split()), token)


def _listed() -> None:
    with get_db().reading() as cur:
        frame = listing.tokens(cur)
    if frame.empty:
        st.info(t("ops_token.none"))
        return
    names = {column: i18n.t(key, lang()) for column, key in listing.COLUMNS.items()}
    config = {column: st.column_config.TextColumn(label) for column, label in names.items()}
    for moment in ("created_at", "last_used_at", "revoked_at"):
        config[moment] = st.column_config.DatetimeColumn(names[moment], format="DD/MM/YYYY HH:mm")
    show_table(frame[list(listing.COLUMNS)], column_config=config, hide_index=True)
    live = frame[frame["revoked_at"].isna()]
    active = {int(i): str(label) for i, label in zip(live["id"], live["label"], strict=True)}
    if not active:
        return
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.selectbox(t("ops_token.choose"), list(active), format_func=lambda i: active[i],
                     index=None, placeholder=t("ops_token.choose"), key=_REVOKE)  # fmt: skip
        st.button(t("ops_token.revoke"), key="ops_token_revoke_button",
                  icon=":material/key_off:", on_click=_revoke, args=(active,))  # fmt: skip


def _revoke(active: dict[int, str]) -> None:
    """Callback: revoke the chosen token (the service refuses one revoked meanwhile)."""
    chosen = st.session_state.get(_REVOKE)
    if chosen not in active:
        return
    try:
        label = perform_untimed(service.revoke_token, token_id=chosen, now=now())
    except DomainError as error:
        st.session_state[_ERROR] = error
        return
    st.session_state.pop(_REVOKE, None)
    st.session_state[FLASH] = t("ops_token.revoked", label=label)
