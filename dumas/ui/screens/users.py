"""The sections of the "Pengguna" page: the accounts, a new user, and managing one user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st

from dumas.config import TIMEZONE
from dumas.domain.errors import DomainError
from dumas.domain.permissions import BIDANG_ROLES, Role
from dumas.queries import audit
from dumas.render import followup_table
from dumas.services import auth
from dumas.services import users as service
from dumas.ui.actions import FLASH, perform_untimed, run
from dumas.ui.screens import notices
from dumas.ui.state import actor, get_db, lang, show_error, t
from dumas.ui.widgets import show_table

_NEW = ("new_user_username", "new_user_full_name", "new_user_password", "new_user_roles")
_NEW_BIDANG = "new_user_bidang"

__all__ = ["accounts", "create_user", "manage_user", "role_name"]


def role_name(code: str) -> str:
    """A role's name in the user's language."""
    return t(f"role.{code}")


def _codes(joined: str) -> list[str]:
    """The role codes of the query's comma-joined column."""
    return [code for code in joined.split(", ") if code]


def _now() -> dt.datetime:
    return dt.datetime.now(TIMEZONE)


def _done(message: str) -> None:
    """Leave a message for the next run and show the change."""
    st.session_state[FLASH] = message
    st.rerun()


def accounts() -> pd.DataFrame:
    """Every account with its roles by name; returns the list for the other sections."""
    with get_db().reading() as cur:
        frame = audit.users(cur)
    now = _now().replace(tzinfo=None)  # the query gives Jakarta wall time
    shown = frame.assign(
        roles=frame["roles"].map(lambda codes: ", ".join(map(role_name, _codes(codes)))),
        locked_until=frame["locked_until"].where(frame["locked_until"] > now),  # past: unlocked
    )
    names = followup_table.labels(audit.USER_COLUMNS, lang())
    config = {name: st.column_config.TextColumn(label) for name, label in names.items()}
    config["is_active"] = st.column_config.CheckboxColumn(names["is_active"])
    for moment in ("locked_until", "last_sign_in"):
        config[moment] = st.column_config.DatetimeColumn(names[moment], format="DD/MM/YYYY HH:mm")
    show_table(shown[list(audit.USER_COLUMNS)], column_config=config, hide_index=True)
    return frame


def _roles_input(key: str, default: list[str]) -> list[str]:
    return st.multiselect(
        t("field.roles"),
        options=[role.value for role in Role],
        default=default,
        format_func=role_name,
        key=key,
        placeholder=t("users.choose_roles"),
    )


def _bidang_input(key: str, roles: list[str], default: str | None) -> str | None:
    """Shown only for Kasubbid and Kabid, who belong to a Bidang (the service requires it)."""
    if not {Role(r) for r in roles} & BIDANG_ROLES:
        return None
    return st.text_input(
        t("field.bidang"),
        value=default if isinstance(default, str) else "",  # NULL reads back as NaN
        key=key,
        max_chars=200,
        help=t("users.bidang_help"),
    )


def create_user() -> None:
    """User name, full name, first password, roles and (when needed) Bidang."""
    username = st.text_input(t("field.username"), key=_NEW[0], max_chars=100)
    full_name = st.text_input(t("users.full_name"), key=_NEW[1], max_chars=120)
    password = st.text_input(
        t("field.password"),
        type="password",
        key=_NEW[2],
        max_chars=200,
        help=t("users.password_help", min=auth.MIN_PASSWORD),
    )
    roles = _roles_input(_NEW[3], [])
    bidang = _bidang_input(_NEW_BIDANG, roles, None)
    if not st.button(t("users.create"), key="new_user_create", type="primary"):
        return
    try:
        perform_untimed(
            service.create_user, username=username, full_name=full_name, password=password,
            roles=roles, bidang=bidang,
        )  # fmt: skip
    except DomainError as error:
        show_error(error)
        return
    for key in (*_NEW, _NEW_BIDANG):
        st.session_state.pop(key, None)  # an empty form for the next user
    _done(t("users.created", username=username.strip().lower()))


def manage_user(frame: pd.DataFrame) -> None:
    """Pick an account, then change its status, password or roles. Every change runs in a
    callback carrying the account's revision as this screen showed it, so a change made
    from a screen older than another administrator's change is refused, never applied."""
    if message := st.session_state.pop(_WARNING, None):
        st.warning(message)
    if error := st.session_state.pop(_ERROR, None):
        show_error(error)
    names = {int(r.id): f"{r.username} — {r.full_name}" for r in frame.itertuples()}
    user_id = st.selectbox(
        t("users.choose"),
        list(names),
        format_func=names.get,
        index=None,
        placeholder=t("users.choose"),
        key="manage_user",
    )
    if user_id is None:
        return
    row = frame.set_index("id").loc[user_id]
    seen = (user_id, int(row["revision"]), str(row["username"]))  # what this screen shows
    status, password, roles = st.columns(3, border=True)
    with status:
        _status(seen, bool(row["is_active"]))
    with password:
        _password(seen)
    with roles:
        _roles(seen, row)
    with st.container(border=True):
        _official(seen)
    with st.container(border=True):
        notices.user_address(seen)


_ERROR, _WARNING = "manage_user_error", "manage_user_warning"
Seen = tuple[int, int, str]  # the account's id, revision and user name as shown


def _run(write: Callable[[], object], success: str, username: str) -> bool:
    """In a callback: call the service, leave its outcome (the catalogue message `success`
    about the account) for the run that follows; a refusal is shown by the controls."""
    return run(write, t(success, username=username), refusal=_ERROR)


def _status(seen: Seen, active: bool) -> None:
    st.subheader(t("users.section_status"))
    state = "users.status_active" if active else "users.status_inactive"
    st.markdown(t(state, username=seen[2]))
    label = t("users.disable" if active else "users.enable")
    st.button(label, key="manage_status", icon=":material/power_settings_new:",
              on_click=_set_active, args=(seen, not active))  # fmt: skip


def _set_active(seen: Seen, active: bool) -> None:
    user_id, revision, name = seen
    # By hand, not perform(): the sessions it ends keep the real clock (as sign-in does),
    # not config.now(), which DUMAS_TODAY may pin to another date.
    _run(lambda: service.set_active(get_db(), actor(), user_id, active, _now(), revision=revision),
         "users.enabled" if active else "users.disabled", name)  # fmt: skip


def _password(seen: Seen) -> None:
    st.subheader(t("users.section_password"))
    with st.form("manage_password_form", clear_on_submit=True, border=False):
        st.text_input(
            t("users.new_password"),
            type="password",
            key="manage_password",
            max_chars=200,
            help=t("users.password_help", min=auth.MIN_PASSWORD),
        )
        st.text_input(
            t("users.confirm_password"), type="password", key="manage_password2", max_chars=200
        )
        st.form_submit_button(t("users.reset"), key="manage_reset", on_click=_reset_password,
                              args=(seen,))  # fmt: skip


def _reset_password(seen: Seen) -> None:
    user_id, revision, name = seen
    first, again = (st.session_state.get(k) or "" for k in ("manage_password", "manage_password2"))
    if first != again:
        st.session_state[_WARNING] = t("users.password_mismatch")
        return
    _run(lambda: perform_untimed(service.reset_password, user_id, first, revision=revision),
         "users.reset_done", name)  # fmt: skip


def _roles(seen: Seen, row: pd.Series) -> None:
    st.subheader(t("users.section_roles"))
    user_id = seen[0]
    chosen = _roles_input(f"manage_roles_{user_id}", _codes(row["roles"]))  # keyed by user
    _bidang_input(f"manage_bidang_{user_id}", chosen, row["bidang"])
    st.button(t("users.save_roles"), key="manage_save_roles", on_click=_assign_roles,
              args=(seen,))  # fmt: skip


def _assign_roles(seen: Seen) -> None:
    user_id, revision, name = seen
    chosen = st.session_state.get(f"manage_roles_{user_id}") or []
    bidang = None
    if {Role(r) for r in chosen} & BIDANG_ROLES:
        bidang = st.session_state.get(f"manage_bidang_{user_id}")
    _run(lambda: perform_untimed(service.assign_roles, user_id, chosen, bidang, revision=revision),
         "users.roles_saved", name)  # fmt: skip


def _official(seen: Seen) -> None:
    """NIP, pangkat/golongan and jabatan, printed for the user in assignment letters."""
    st.subheader(t("users.section_official"))
    st.caption(t("users.official_caption"))
    user_id = seen[0]
    with get_db().reading() as cur:
        stored = service.official_details(cur, user_id)
    keys = _official_keys(user_id)  # keyed by user: fresh values
    with st.form(f"manage_official_form_{user_id}", border=False):
        nip, rank, position = st.columns(3)
        nip.text_input(
            t("field.nip"), value=stored["nip"] or "", key=keys["nip"], max_chars=30,
            help=t("users.nip_help", digits=service.NIP_DIGITS),
        )  # fmt: skip
        rank.text_input(
            t("field.rank"), value=stored["rank"] or "", key=keys["rank"],
            max_chars=service.MAX_OFFICIAL_TEXT, placeholder=t("users.rank_placeholder"),
        )  # fmt: skip
        position.text_input(
            t("field.position"), value=stored["position"] or "", key=keys["position"],
            max_chars=service.MAX_OFFICIAL_TEXT,
        )  # fmt: skip
        st.form_submit_button(t("users.save_official"), key="manage_save_official",
                              on_click=_set_official, args=(seen,))  # fmt: skip


def _official_keys(user_id: int) -> dict[str, str]:
    return {field: f"manage_{field}_{user_id}" for field in ("nip", "rank", "position")}


def _set_official(seen: Seen) -> None:
    user_id, revision, name = seen
    keys = _official_keys(user_id)
    values = {field: st.session_state.get(key) for field, key in keys.items()}
    saved = _run(lambda: perform_untimed(service.set_official_details, user_id,
                                         revision=revision, **values),
                 "users.official_saved", name)  # fmt: skip
    if saved:
        for key in keys.values():
            st.session_state.pop(key, None)  # shown again as stored (the NIP without spaces)
