"""Per-process database, per-session language and user, and the translated message helper."""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import sys
from typing import Any

import streamlit as st

from dumas import config, i18n
from dumas.db import Database, connect
from dumas.domain.errors import DomainError
from dumas.domain.permissions import User
from dumas.ui.escape import Markdown, plain


@functools.cache  # the arguments of the process do not change; read them once
def _cli_db() -> str | None:
    """--db PATH after `streamlit run app.py --`."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    known, _ = parser.parse_known_args(sys.argv[1:])
    return known.db


@st.cache_resource(show_spinner=False)
def _database(path: str) -> Database:
    database = connect(path)
    if config.demo_enabled() and _is_empty(database):
        from dumas.db import demo

        with st.spinner(t("app.demo_loading")):
            demo.generate(database, config.demo_size(), today=today())
    return database


def _is_empty(database: Database) -> bool:
    with database.reading() as cur:
        return cur.execute("SELECT count(*) FROM complaint").fetchone()[0] == 0


def get_db() -> Database:
    """The process-wide database (one connection; a cursor per unit of work)."""
    return _database(str(config.db_path(_cli_db())))


def lang() -> str:
    """The session's interface language (Bahasa Indonesia by default)."""
    value = st.session_state.get("lang", i18n.DEFAULT_LANGUAGE)
    return value if value in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def t(key: str, **kwargs: Any) -> Markdown:
    """A catalogue message in the session's language, for the screen: the message is
    Markdown, each value put into it shows literally (plain()). Text that leaves the screen
    (exports, file names, table cells) takes i18n.t(key, lang(), ...) instead."""
    values = {name: plain(value) for name, value in kwargs.items()}
    return Markdown(i18n.t(key, lang(), **values))


def today() -> dt.date:
    """Today in Asia/Jakarta; tests may pin it with DUMAS_TODAY."""
    return config.today()


def actor() -> User:
    """The signed-in user (set by the sign-in gate in app.py)."""
    user = st.session_state.get("user")
    if user is None:
        raise RuntimeError("no signed-in user: app.py must run the sign-in gate first")
    return user


def show_error(error: DomainError) -> None:
    """Each message of a refusal, in the user's language."""
    for message in error.messages:
        text = t(message.key, **i18n.display_params(message.params, lang()))
        if message.field:
            text = f"{t('field.' + message.field)}: {text}"
        st.error(text, icon=":material/error:")


def language_selector() -> None:
    """Sidebar choice of language, kept in the URL so it survives a reload."""
    st.sidebar.segmented_control(
        t("language.label"),
        options=list(i18n.LANGUAGES),
        format_func=lambda code: {"id": "Bahasa Indonesia", "en": "English"}[code],
        default=i18n.DEFAULT_LANGUAGE,
        key="lang",
        bind="query-params",
        required=True,
    )
