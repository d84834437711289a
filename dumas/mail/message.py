"""An e-mail as the standard library sends it: a text part, an HTML part if any, and
attached files. Headers come from values already checked (addresses, a one-line subject)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from dumas.config import SmtpSettings

_UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
MAX_NAME = 120


@dataclass(frozen=True)
class Attachment:
    """A file sent with an e-mail: its name as shown, its bytes, its media type."""

    filename: str
    data: bytes
    media_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Mail:
    """What one e-mail says, to one address."""

    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


def attachment_name(name: str) -> str:
    """A file name safe in a header and on the reader's disk: no folders, no controls."""
    base = re.split(r"[/\\]", name)[-1]
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .") or "lampiran"
    return cleaned[-MAX_NAME:]


def build(mail: Mail, settings: SmtpSettings, now: dt.datetime) -> EmailMessage:
    """The message: text part, then HTML as its alternative, then the files."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2])
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    for attached in mail.attachments:
        main, _, sub = attached.media_type.partition("/")
        message.add_attachment(attached.data, maintype=main or "application",
                               subtype=sub or "octet-stream",
                               filename=attachment_name(attached.filename))  # fmt: skip
    return message
