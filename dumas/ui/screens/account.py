"""Sign-in, first administrator, the signed-in user's box, and the DEMO banner."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from dumas.domain.errors import DomainError
from dumas.domain.permissions import Role, User
from dumas.services import users
from dumas.services.auth import lock_minutes
from dumas.ui import data
from dumas.ui.auth_gate import sign_out_key, sso_configured
from dumas.ui.escape import plain
from dumas.ui.state import get_db, show_error, t
from dumas.ui.widgets import show_table

_FORM = """
<form method="post" action="/auth/masuk" style="display:grid;gap:.6rem;max-width:22rem">
  <label>{user_label}<br><input name="username" autocomplete="username" required
    maxlength="60" style="width:100%;padding:.45rem" aria-label="{user_label}"></label>
  <label>{password_label}<br><input name="password" type="password" required
    autocomplete="current-password" maxlength="200" style="width:100%;padding:.45rem"
    aria-label="{password_label}"></label>
  <button type="submit" style="padding:.5rem;font-weight:600">{submit}</button>
</form>
"""
_SIGN_OUT = """
<form method="post" action="/auth/keluar"><input type="hidden" name="sesi" value="{key}">
  <button type="submit">{label}</button></form>
"""


def sign_in_form() -> None:
    """A plain HTML form: the browser posts it, the server answers with the cookie."""
    st.html(
        _FORM.format(
            user_label=html.escape(t("field.username")),
            password_label=html.escape(t("field.password")),
            submit=html.escape(t("signin.submit")),
        )
    )


def single_sign_on() -> None:
    """Where an OpenID Connect provider is configured, sign in through it instead."""
    if not sso_configured():
        return
    if st.user.is_logged_in:  # signed in at the provider, but no account here
        st.warning(t("signin.sso_unknown", email=st.user.get("email") or "?"))
        st.button(t("signin.sign_out"), on_click=st.logout, key="sso_logout")
        return
    st.button(t("signin.sso"), on_click=st.login, key="sso_login", type="primary")
    st.caption(t("signin.sso_or"))


def sign_in_feedback() -> None:
    """What the last attempt said (carried back in the URL by the sign-in route)."""
    if st.query_params.get("masuk") == "gagal":  # one answer for every refusal
        st.error(t("error.sign_in", minutes=lock_minutes()), icon=":material/lock:")
    elif st.query_params.get("keluar"):
        st.info(t("signin.signed_out"))


def demo_accounts() -> None:
    """In demo mode, the demo accounts (one per role) and their shared password."""
    if not data.is_demo():
        return
    st.subheader(t("signin.demo_title"))
    rows = [
        {t("field.username"): role.value, t("field.roles"): t(f"role.{role.value}")}
        for role in Role
    ]
    show_table(pd.DataFrame(rows), hide_index=True)
    st.caption(t("signin.demo_password", password=users.DEMO_PASSWORD))


def demo_banner() -> None:
    """A visible DEMO banner on every page of a demo database."""
    if data.is_demo():
        st.warning(t("app.demo_banner"), icon=":material/science:")


def first_admin_form() -> None:
    """Create the first administrator; afterwards everyone signs in."""
    with st.form("first_admin"):
        username = st.text_input(t("field.username"), max_chars=60)
        full_name = st.text_input(t("setup.full_name"), max_chars=120)
        password = st.text_input(t("field.password"), type="password", max_chars=200)
        again = st.text_input(t("setup.password_again"), type="password", max_chars=200)
        if st.form_submit_button(t("setup.submit"), key="setup_submit", type="primary"):
            if password != again:
                st.error(t("setup.mismatch"))
                return
            try:
                users.create_first_admin(
                    get_db(), username=username, full_name=full_name, password=password
                )
            except DomainError as error:
                show_error(error)
            else:
                st.success(t("setup.done"))
                st.rerun()


def user_box(user: User) -> None:
    """Who is signed in, with which roles, and the sign-out button."""
    with st.sidebar:
        roles = ", ".join(t(f"role.{r.value}") for r in sorted(user.roles))
        st.markdown(f"**{plain(user.full_name)}**  \n{plain(roles)}")
        if sso_configured() and st.user.is_logged_in:
            st.button(t("signin.sign_out"), on_click=st.logout, key="sso_sign_out")
        else:
            label = html.escape(t("signin.sign_out"))
            st.html(_SIGN_OUT.format(key=html.escape(sign_out_key()), label=label))
