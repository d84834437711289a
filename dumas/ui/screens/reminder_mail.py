"""E-mailing recorded reminder letters to their agencies (issue 20), below the numbered
letters of the "Surat konfirmasi" view: when the unit chooses, one click per letter sends it
to the agency's address with its .docx; each e-mail is recorded on the letter (mail_log,
related 'reminder_letter') and listed under it, sent or failed."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dumas import config, i18n
from dumas.domain.codes import MailOutcome
from dumas.domain.errors import DomainError
from dumas.domain.reminders import ReminderLetter
from dumas.queries import notices
from dumas.render import reminders as files
from dumas.render.documents.inputs import DocumentSettings
from dumas.services import mail
from dumas.ui.actions import perform
from dumas.ui.escape import plain
from dumas.ui.state import get_db, lang, show_error, t

RELATED = "reminder_letter"  # what the mail log says an e-mail is about
DONE = "reminder_mail_done"  # the last e-mail sent, said once


def section(settings: DocumentSettings, letters: Sequence[ReminderLetter]) -> None:
    """Each recorded letter with its agency's address, its e-mails so far and a button."""
    st.subheader(t("reminders.mail_title"))
    if done := st.session_state.pop(DONE, None):
        st.success(done, icon=":material/outgoing_mail:")
    configured = _configured()
    with get_db().reading() as cur:
        addresses = notices.agency_addresses(cur, [x.agency_id for x in letters])
        sent = notices.mails_about_each(cur, RELATED, [x.id for x in letters])
    for letter in letters:
        _, address = addresses.get(letter.agency_id) or (letter.agency, None)
        kind = t(f"reminder.{letter.kind}")
        st.markdown(plain(f"{kind} {letter.letter_no} · {letter.agency}"))
        for logged in sent.get(str(letter.id), []):
            said = {"address": logged.recipient, "at": i18n.fmt_datetime(logged.sent_at, lang())}
            if logged.outcome == MailOutcome.SENT:
                st.caption(plain(t("reminders.mail_sent", **said)))
            else:
                st.caption(plain(t("reminders.mail_failed", reason=logged.message or "", **said)))
        if not address:
            st.caption(plain(t("reminders.mail_no_address", agency=letter.agency)))
        elif configured and st.button(
            t("reminders.mail_send", address=address),
            key=f"reminder_mail_{letter.id}",
            icon=":material/send:",
        ):
            _send(settings, letter, address)


def _configured() -> bool:
    """Whether e-mail can leave at all; if not, the page says why, once: unset is a fact of
    this installation (the letters still go by hand), a setting that cannot be used an error."""
    if config.smtp_host() is None:
        st.info(t("reminders.mail_off"), icon=":material/mail_lock:")
        return False
    try:
        mail.settings_or_refuse()
    except DomainError as error:
        show_error(error)
        return False
    return True


def _send(settings: DocumentSettings, letter: ReminderLetter, address: str) -> None:
    subject, body, attached = files.agency_mail(settings, letter)
    try:
        perform(
            mail.send_agency_email,
            agency_id=letter.agency_id,
            subject=subject,
            body=body,
            attachments=attached,
            related_kind=RELATED,
            related_id=letter.id,
        )
    except DomainError as error:  # refused, or the server did not take it (recorded)
        show_error(error)
        return
    kind = t(f"reminder.{letter.kind}")
    st.session_state[DONE] = t(
        "reminders.mail_done", kind=kind, number=letter.letter_no, address=address
    )
    st.rerun()
