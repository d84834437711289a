"""Notices by e-mail on the pages: "Akun Saya" (the user's own digest, in their language),
the address an Administrator sets on "Pengguna", and whether this server sends e-mail at
all (it does not until SMTP is configured: every page offering e-mail says so)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dumas import config, i18n
from dumas.domain.permissions import User
from dumas.queries import notices
from dumas.services import notices as service
from dumas.services import users
from dumas.ui.actions import perform, perform_untimed, run
from dumas.ui.state import get_db, lang, t
from dumas.ui.widgets import show_table

_LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}
_ADDRESS_ERROR = "manage_user_error"  # shown by the users page's own controls

__all__ = ["digests", "mail_status", "preferences", "profile", "user_address"]


def mail_status() -> bool:
    """Whether this server can send e-mail; if not, a line saying so and why."""
    try:
        settings = config.smtp()
    except ValueError as error:
        st.error(t("mail.settings_error", error=str(error)), icon=":material/error:")
        return False
    if settings is None:
        st.warning(t("mail.not_configured"), icon=":material/mail:")
        return False
    return True


def profile(user: User) -> None:
    """Who is signed in, with their roles and the address their notices go to."""
    with get_db().reading() as cur:
        email = notices.user_email(cur, user.id)
    roles = ", ".join(t(f"role.{r.value}") for r in sorted(user.roles))
    st.markdown(t("account.who", name=user.full_name, username=user.username, roles=roles))
    if email:
        st.markdown(t("account.email", email=email))
    else:
        st.info(t("account.no_email"), icon=":material/alternate_email:")


def preferences(user: User) -> None:
    """The daily digest of "Menunggu Saya": on or off (off until the user turns it on),
    with the area's overdue list for a Kabid or an Asdep, and its language."""
    st.subheader(t("notices.heading"))
    mail_status()
    st.caption(_when_sent())
    with get_db().reading() as cur:
        chosen = notices.preferences(cur, user.id)
    with st.form("notices_form"):
        st.checkbox(t("notices.digest"), value=chosen.digest, key="notice_digest")
        if service.may_receive_area(user):
            st.checkbox(t("notices.area"), value=chosen.area, key="notice_area")
        st.selectbox(t("field.notice_language"), list(i18n.LANGUAGES),
                     index=i18n.LANGUAGES.index(chosen.language),
                     format_func=_LANGUAGE_NAMES.__getitem__, key="notice_language")  # fmt: skip
        st.form_submit_button(t("notices.save"), key="notices_save", type="primary",
                              on_click=_save)  # fmt: skip


def _when_sent() -> str:
    """When the digest goes out, and whether it carries links into the app."""
    try:
        at, base = config.digest_at(), config.public_url()
    except ValueError as error:
        return t("mail.settings_error", error=str(error))
    when = t("notices.when", time=i18n.fmt_time(at, lang())) if at else t("notices.when_off")
    links = t("notices.links", url=base) if base else t("notices.no_links")
    return f"{when} {t('notices.nothing_waiting')} {links}"


def _save() -> None:
    """Callback: the service checks the permission and the area rule itself."""
    state = st.session_state
    run(lambda: perform(service.set_notices, digest=bool(state.get("notice_digest")),
                        area=bool(state.get("notice_area")),
                        language=state.get("notice_language") or i18n.DEFAULT_LANGUAGE),
        t("notices.saved"))  # fmt: skip


def digests(user: User) -> None:
    """The user's latest digests: when, sent or not, and why not."""
    with get_db().reading() as cur:
        logged = notices.last_digests(cur, user.id)
    if not logged:
        st.caption(t("notices.none_sent"))
        return
    language = lang()
    show_table(pd.DataFrame({
        t("mail.col.sent_at"): [i18n.fmt_datetime(m.sent_at, language) for m in logged],
        t("mail.col.outcome"): [t(f"mail.outcome.{m.outcome}") for m in logged],
        t("mail.col.subject"): [m.subject for m in logged],
        t("mail.col.message"): [m.message for m in logged],
    }), hide_index=True)  # fmt: skip


def user_address(seen: tuple[int, int, str]) -> None:
    """On "Pengguna": the address a user's notices go to (the users page's revision check:
    a change from a screen older than another administrator's is refused)."""
    st.subheader(t("users.section_email"))
    st.caption(t("users.email_caption"))
    user_id = seen[0]
    with get_db().reading() as cur:
        stored = notices.user_email(cur, user_id)
    with st.form(f"manage_email_form_{user_id}", border=False):
        st.text_input(t("field.email"), value=stored or "", key=f"manage_email_{user_id}",
                      max_chars=254, placeholder=t("users.email_placeholder"))  # fmt: skip
        st.form_submit_button(t("users.save_email"), key="manage_save_email",
                              on_click=_set_address, args=(seen,))  # fmt: skip


def _set_address(seen: tuple[int, int, str]) -> None:
    user_id, revision, name = seen
    typed = st.session_state.get(f"manage_email_{user_id}")
    saved = run(lambda: perform_untimed(users.set_email, user_id, revision=revision, email=typed),
                t("users.email_saved", username=name), refusal=_ADDRESS_ERROR)  # fmt: skip
    if saved:
        st.session_state.pop(f"manage_email_{user_id}", None)  # shown again as stored
