"""Sending through SMTP: plain, STARTTLS or SSL, with a login if a user is set. A failure
(refused, unreachable, bad login, a refused recipient) is one MailError with the server's
words, and the password is never in it: smtplib's debug output, which would show the login,
is never switched on."""

from __future__ import annotations

import base64
import smtplib
import ssl
from email.message import EmailMessage

from dumas.config import SmtpSettings

HIDDEN = "***"


class MailError(Exception):
    """The message was not sent; str() says why, in the server's or the system's words."""


def deliver(settings: SmtpSettings, message: EmailMessage) -> None:
    """Send one message, or raise MailError."""
    try:
        context = ssl.create_default_context(
            cafile=str(settings.ca_file) if settings.ca_file else None
        )
        if settings.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.tls == "starttls":
                client.starttls(context=context)
            if settings.user:
                client.login(settings.user, settings.password or "")
            client.send_message(message)
    except (OSError, smtplib.SMTPException, ValueError) as error:  # ssl.SSLError: an OSError
        raise MailError(reason(error, settings)) from None


def reason(error: BaseException, settings: SmtpSettings) -> str:
    """Why sending failed, in one line, without the password in any form."""
    if isinstance(error, smtplib.SMTPResponseException):
        said = error.smtp_error
        text = said.decode("utf-8", "replace") if isinstance(said, bytes) else str(said)
        line = f"{error.smtp_code} {text}"
    elif isinstance(error, smtplib.SMTPRecipientsRefused):
        line = "; ".join(f"{to}: {code} {said.decode('utf-8', 'replace')}"
                         for to, (code, said) in error.recipients.items())  # fmt: skip
    else:
        line = f"{type(error).__name__}: {error}"
    return scrub(" ".join(line.split()), settings)


def scrub(text: str, settings: SmtpSettings) -> str:
    """The text with the password, and its base64 forms an SMTP login sends, hidden."""
    secret = settings.password
    if not secret:
        return text
    forms = {secret, base64.b64encode(secret.encode()).decode()}
    if settings.user:
        plain = f"\0{settings.user}\0{secret}".encode()
        forms.add(base64.b64encode(plain).decode())
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, HIDDEN)
    return text
