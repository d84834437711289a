"""What a click does: call a service as the signed-in user, keep the outcome for the next
run, and show it there (a success line, or the refusal's messages).

Writes run in on_click callbacks (or just before st.rerun()), so their outcome is shown by
flash() on the run that follows, at the top of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, TypeVar

import streamlit as st

from dumas import config
from dumas.db import Database
from dumas.domain.errors import DomainError
from dumas.domain.permissions import User
from dumas.ui.state import actor, get_db, show_error

FLASH, ERROR = "flash", "action_error"
T = TypeVar("T")
P = ParamSpec("P")


def flash() -> None:
    """The outcome of the previous click: a success line or the refusal's messages."""
    if message := st.session_state.pop(FLASH, None):
        st.success(message, icon=":material/check_circle:")
    if error := st.session_state.pop(ERROR, None):
        show_error(error)


def run(write: Callable[[], object], success: str, *, refusal: str = ERROR) -> bool:
    """Call a service; keep its outcome for the next run. True when it succeeded.

    A refusal is kept for flash(), or under `refusal` for a section that shows it by its
    own controls."""
    try:
        write()
    except DomainError as error:
        st.session_state[refusal] = error
        return False
    st.session_state[FLASH] = success
    return True


def perform(service: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """A service call as the signed-in user, now: service(database, user, *args, now=...)."""
    return perform_untimed(service, *args, now=config.now(), **kwargs)


def perform_untimed(
    service: Callable[Concatenate[Database, User, P], T], /, *args: P.args, **kwargs: P.kwargs
) -> T:
    """A service call as the signed-in user, for a service that takes no `now`:
    service(database, user, *args)."""
    return service(get_db(), actor(), *args, **kwargs)
