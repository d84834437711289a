"""Sending an e-mail and recording it: every attempt, sent or failed, is a row of the mail
log with its audit row (one transaction, after the server answered). And the use case the
reminders will call: a letter e-mailed to an agency with its files."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dumas import config
from dumas.config import SmtpSettings
from dumas.db import Database, next_id
from dumas.domain.codes import MailKind, MailOutcome
from dumas.domain.errors import DomainError, Message, NotFound, ValidationError
from dumas.domain.permissions import Action, User, require
from dumas.mail import message, smtp
from dumas.mail.message import Attachment, Mail
from dumas.queries import notices
from dumas.services.common import audit, raise_if

MAX_SUBJECT = 200
MAX_BODY = 20_000
MAX_ATTACHMENTS = 20 * 1024 * 1024  # bytes in all: mail servers commonly refuse above 25 MB
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # keeps tab and line feed
_RELATED_KIND = re.compile(r"[a-z_]{1,40}")


@dataclass(frozen=True)
class SentMail:
    """How one attempt ended: its mail log row, and why it failed if it did."""

    log_id: int
    outcome: MailOutcome
    reason: str | None = None


class DeliveryFailed(DomainError):
    """The mail server did not take the e-mail; the attempt is in the mail log (log_id)."""

    def __init__(self, log_id: int, reason: str) -> None:
        super().__init__(Message("mail.error.failed", {"reason": reason}))
        self.log_id = log_id


def settings_or_refuse() -> SmtpSettings:
    """The SMTP settings, or a refusal saying that nothing can be sent and why."""
    try:
        settings = config.smtp()
    except ValueError as error:
        raise ValidationError(Message("mail.error.settings", {"error": str(error)})) from None
    if settings is None:
        raise ValidationError(Message("mail.error.not_configured"))
    return settings


def send(
    db: Database,
    actor: str,
    mail: Mail,
    *,
    kind: MailKind,
    settings: SmtpSettings,
    now: dt.datetime,
    user_id: int | None = None,
    related: tuple[str | None, object] = (None, None),
    digest_day: dt.date | None = None,
) -> SentMail:
    """Send one e-mail and record the attempt (`actor`: who sends, a user name)."""
    try:
        smtp.deliver(settings, message.build(mail, settings, now))
        outcome, reason = MailOutcome.SENT, None
    except smtp.MailError as error:
        outcome, reason = MailOutcome.FAILED, str(error)
    related_kind, related_id = related
    row = {
        "sent_at": now, "recipient": mail.to, "user_id": user_id, "kind": kind.value,
        "subject": mail.subject, "outcome": outcome.value, "message": reason,
        "related_kind": related_kind,
        "related_id": None if related_id is None else str(related_id),
        "attachments": [message.attachment_name(a.filename) for a in mail.attachments],
        "digest_day": digest_day, "actor": actor,
    }  # fmt: skip
    with db.transaction() as cur:
        log_id = next_id(cur, "mail_log")
        cur.execute(
            """
            INSERT INTO mail_log (id, sent_at, recipient, user_id, kind, subject, outcome,
                                  message, related_kind, related_id, attachments, digest_day,
                                  actor)
            VALUES ($id, $sent_at, $recipient, $user_id, $kind, $subject, $outcome, $message,
                    $related_kind, $related_id, $attachments, $digest_day, $actor)
            """,
            {"id": log_id, **row},
        )
        facts = {k: v for k, v in row.items() if k not in ("sent_at", "actor") and v is not None}
        audit(cur, actor, "mail.send", "mail_log", log_id, None, facts, data_changed=False)
    return SentMail(log_id, outcome, reason)


def send_agency_email(
    db: Database,
    actor: User,
    *,
    agency_id: int,
    subject: str,
    body: str,
    attachments: list[tuple[str, bytes, str]],
    related_kind: str | None,
    related_id: object,
    now: dt.datetime,
) -> int:
    """E-mail a letter to an agency's address with its files (filename, bytes, media type),
    recorded in the mail log about `related_kind`/`related_id` (e.g. "reminder", its id);
    the log row's id. Refused, with nothing sent, when SMTP is not configured or the agency
    has no address; DeliveryFailed (recorded) when the server does not take it."""
    require(actor, Action.RECORD_LETTERS)
    settings = settings_or_refuse()
    mail_subject, text, files = _letter(subject, body, attachments, related_kind)
    with db.reading() as cur:
        found = notices.agency_address(cur, agency_id)
    if found is None:
        raise NotFound(Message("error.unknown_agency", {}, "agency"))
    name, address = found
    if not address:
        raise ValidationError(Message("mail.error.agency_no_address", {"name": name}))
    sent = send(db, actor.username, Mail(address, mail_subject, text, None, files),
                kind=MailKind.AGENCY, settings=settings, now=now,
                related=(related_kind, related_id))  # fmt: skip
    if sent.outcome is MailOutcome.FAILED:
        raise DeliveryFailed(sent.log_id, sent.reason or "")
    return sent.log_id


def _letter(
    subject: str, body: str, attachments: list[tuple[str, bytes, str]], related_kind: str | None
) -> tuple[str, str, tuple[Attachment, ...]]:
    """The subject on one line, the body without control characters, the files checked."""
    errors: list[Message] = []
    line = " ".join(_CONTROL.sub(" ", subject or "").split())
    if not line:
        errors.append(Message("error.required", {}, "mail_subject"))
    elif len(line) > MAX_SUBJECT:
        errors.append(Message("error.too_long", {"max": MAX_SUBJECT}, "mail_subject"))
    text = _CONTROL.sub("", (body or "").replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        errors.append(Message("error.required", {}, "mail_body"))
    elif len(text) > MAX_BODY:
        errors.append(Message("error.too_long", {"max": MAX_BODY}, "mail_body"))
    files = tuple(Attachment(name, bytes(data), media) for name, data, media in attachments)
    if any(not f.data or not f.filename.strip() for f in files):
        errors.append(Message("mail.error.empty_attachment", {}, "mail_attachments"))
    if sum(len(f.data) for f in files) > MAX_ATTACHMENTS:
        size = MAX_ATTACHMENTS // (1024 * 1024)
        errors.append(Message("mail.error.attachments_too_large", {"mb": size}, "mail_attachments"))
    if related_kind is not None and not _RELATED_KIND.fullmatch(related_kind):
        raise ValueError(f"related_kind must be a short code, not {related_kind!r}")
    raise_if(errors)
    return line, text + "\n", files
