"""Who is using the app: the signed cookie (or a token kept in the session), checked each run."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dumas import config
from dumas.domain.permissions import User
from dumas.services import auth
from dumas.ui.state import get_db

COOKIE = "dumas_session"


def now() -> dt.datetime:
    """The current moment in Asia/Jakarta."""
    return dt.datetime.now(config.TIMEZONE)


@st.cache_resource(show_spinner=False)
def _secret(path: str) -> bytes:
    return auth.cookie_secret(get_db())


def secret() -> bytes:
    """The cookie signing key of this database."""
    return _secret(str(get_db().path))


def session_token() -> str | None:
    """This browser's session token: from the signed cookie, else kept in the session."""
    cookie = auth.token_from_cookie(st.context.cookies.get(COOKIE), secret())
    return cookie or st.session_state.get("session_token")


def sign_out_key() -> str:
    """What the sign-out form carries, so a sign-out ends the session without the cookie."""
    token = session_token()
    return auth.sign_out_key(token, secret()) if token else ""


def sso_configured() -> bool:
    """Whether an OpenID Connect provider is configured ([auth] in .streamlit/secrets.toml)."""
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all
        return False


def current_user() -> User | None:
    """The signed-in user, re-checked on every run (a disabled user is out at once)."""
    user = auth.session_user(get_db(), session_token(), now())
    if user is None and sso_configured() and st.user.is_logged_in:
        user = auth.user_for_identity(get_db(), st.user.get("email"))
    st.session_state["user"] = user
    return user
