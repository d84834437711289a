"""Notices by e-mail: a user's own choice of what to receive, and the daily digest of
"Menunggu Saya" sent to everyone who asked for it (the scheduled job, `python -m dumas
digest`). A user gets at most one digest a day, and none when nothing waits."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from dataclasses import dataclass

from dumas import config, i18n
from dumas.config import SmtpSettings
from dumas.db import Database
from dumas.domain import plan_flow
from dumas.domain.codes import MailKind, MailOutcome
from dumas.domain.errors import Message, ValidationError
from dumas.domain.permissions import Action, User, require
from dumas.mail import digest
from dumas.mail.message import Mail
from dumas.queries import notices
from dumas.services import auth, mail
from dumas.services.common import audit


def may_receive_area(user: User) -> bool:
    """Whether the user may also receive the overdue list of their area: whoever watches
    an area on "Menunggu Saya" (the Asdep, a Kabid; plan_flow.watches)."""
    return plan_flow.watches(user)


def set_notices(
    db: Database, actor: User, *, digest: bool, area: bool, language: str, now: dt.datetime
) -> None:
    """The signed-in user's own choice: the daily digest or not, with their area's overdue
    list or not, in which language. Audited when it changes."""
    require(actor, Action.RECEIVE_NOTICES)
    if language not in i18n.LANGUAGES:
        raise ValidationError(Message("notices.error.language", {}, "notice_language"))
    if area and not may_receive_area(actor):
        raise ValidationError(Message("notices.error.area", {}, "notice_area"))
    new = {"digest": bool(digest), "area": bool(area), "language": language}
    with db.transaction() as cur:
        old = dataclasses.asdict(notices.preferences(cur, actor.id))
        if old == new:
            return
        cur.execute(
            """
            INSERT INTO notice_pref (user_id, digest, area, language, updated_at)
            VALUES ($id, $digest, $area, $language, $now)
            ON CONFLICT (user_id) DO UPDATE
               SET digest = excluded.digest, area = excluded.area,
                   language = excluded.language, updated_at = excluded.updated_at
            """,
            {"id": actor.id, **new, "now": now},
        )
        audit(cur, actor.username, "user.set_notices", "app_user", actor.id, old, new)


@dataclass(frozen=True)
class DigestOutcome:
    """What the digest run did for one reader."""

    username: str
    email: str | None
    status: str  # sent, failed, nothing (nothing waits), already (sent today), no_address
    waiting: int = 0
    overdue: int = 0
    area: int = 0
    reason: str | None = None


# One run at a time in the serving process (the job, and `python -m dumas digest` handed
# over to it): a run reads who already had today's digest only once the one before is done.
_ONE_RUN = threading.Lock()


def send_digests(db: Database, actor: User, *, now: dt.datetime) -> list[DigestOutcome]:
    """Today's digest to each active user who asked for it and has none yet today: what
    waits for them, overdue marked, and their area's overdue list if they asked for it.
    Refused, with nothing sent, when SMTP is not configured."""
    require(actor, Action.RUN_JOBS)
    settings = mail.settings_or_refuse()
    base_url = _public_url()
    with _ONE_RUN:
        return _send_digests(db, actor, settings, base_url, now)


def _send_digests(
    db: Database, actor: User, settings: SmtpSettings, base_url: str | None, now: dt.datetime
) -> list[DigestOutcome]:
    day = now.astimezone(config.TIMEZONE).date()
    with db.reading() as cur:
        readers = notices.digest_readers(cur)
        done = notices.digests_sent(cur, day)
        users = {uid: auth.load_user(cur, uid) for uid, _, _ in readers}
    outcomes = []
    for uid, email, prefs in readers:
        user = users[uid]
        if user is None or not user.can(Action.RECEIVE_NOTICES):
            continue  # disabled, or no longer holding a role with an inbox
        if not email or uid in done:
            outcomes.append(DigestOutcome(user.username, email, "already" if email else
                                          "no_address"))  # fmt: skip
            continue
        reader = digest.Reader(user, email, prefs.language, prefs.area and may_receive_area(user))
        with db.reading() as cur:
            mine, area = digest.items_for(cur, reader, now)
        composed = digest.compose(reader, mine, area, now, base_url)
        if composed is None:
            outcomes.append(DigestOutcome(user.username, email, "nothing"))
            continue
        sent = mail.send(
            db, actor.username, Mail(email, composed.subject, composed.text, composed.html),
            kind=MailKind.DIGEST, settings=settings, now=now, user_id=uid, digest_day=day,
        )  # fmt: skip
        status = "sent" if sent.outcome is MailOutcome.SENT else "failed"
        outcomes.append(DigestOutcome(user.username, email, status, composed.waiting,
                                      composed.overdue, composed.area, sent.reason))  # fmt: skip
    return outcomes


def _public_url() -> str | None:
    try:
        return config.public_url()
    except ValueError as error:
        raise ValidationError(Message("mail.error.settings", {"error": str(error)})) from None
