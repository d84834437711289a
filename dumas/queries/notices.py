"""Read side of the notices by e-mail: a user's preferences and address, who reads the
digest today, and the mail log (a user's last digest, the e-mails about a record)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from dumas import i18n
from dumas.config import TIMEZONE


@dataclass(frozen=True)
class Preferences:
    """What a user asked to receive (nothing, until they say so)."""

    digest: bool = False
    area: bool = False
    language: str = i18n.DEFAULT_LANGUAGE


def preferences(cur: duckdb.DuckDBPyConnection, user_id: int) -> Preferences:
    """The user's notice preferences (the defaults when never set)."""
    rows = cur.execute(
        "SELECT digest, area, language FROM notice_pref WHERE user_id = $id", {"id": user_id}
    ).fetchall()
    return Preferences(*rows[0]) if rows else Preferences()


def user_email(cur: duckdb.DuckDBPyConnection, user_id: int) -> str | None:
    """The user's address as an Administrator set it (None: none yet)."""
    rows = cur.execute("SELECT email FROM app_user WHERE id = $id", {"id": user_id}).fetchall()
    return rows[0][0] if rows else None


def digest_readers(cur: duckdb.DuckDBPyConnection) -> list[tuple[int, str | None, Preferences]]:
    """The active users who asked for the digest: id, address (None: not set), preferences;
    by user name."""
    rows = cur.execute(
        """
        SELECT u.id, u.email, p.digest, p.area, p.language
          FROM notice_pref AS p
          JOIN app_user AS u ON u.id = p.user_id
         WHERE p.digest AND u.is_active
         ORDER BY u.username
        """
    ).fetchall()
    return [(uid, email, Preferences(*prefs)) for uid, email, *prefs in rows]


def digests_sent(cur: duckdb.DuckDBPyConnection, day: dt.date) -> set[int]:
    """The users whose digest of this day (Asia/Jakarta) the mail server took."""
    rows = cur.execute(
        """
        SELECT DISTINCT user_id FROM mail_log
         WHERE kind = 'digest' AND outcome = 'sent' AND digest_day = $day
        """,
        {"day": day},
    ).fetchall()
    return {row[0] for row in rows}


@dataclass(frozen=True)
class LoggedMail:
    """One row of the mail log, its time in Asia/Jakarta."""

    id: int
    sent_at: dt.datetime
    recipient: str
    kind: str
    subject: str
    outcome: str
    message: str | None
    attachments: list[str]
    actor: str


_COLUMNS = "id, sent_at, recipient, kind, subject, outcome, message, attachments, actor"
_LOGGED = f"SELECT {_COLUMNS} FROM mail_log"  # noqa: S608 - fixed column names


def _logged(cursor: duckdb.DuckDBPyConnection) -> list[LoggedMail]:
    return [LoggedMail(id_, at.astimezone(TIMEZONE), *rest) for id_, at, *rest in cursor.fetchall()]


def last_digests(cur: duckdb.DuckDBPyConnection, user_id: int, n: int = 5) -> list[LoggedMail]:
    """The user's latest digests, sent or failed, the newest first."""
    sql = _LOGGED + " WHERE kind = 'digest' AND user_id = $id ORDER BY sent_at DESC, id DESC"
    return _logged(cur.execute(sql + " LIMIT $n", {"id": user_id, "n": n}))


def mails_about(
    cur: duckdb.DuckDBPyConnection, related_kind: str, related_id: object
) -> list[LoggedMail]:
    """Every e-mail about one record (a reminder, an agency), the oldest first."""
    return mails_about_each(cur, related_kind, [related_id]).get(str(related_id), [])


def mails_about_each(
    cur: duckdb.DuckDBPyConnection, related_kind: str, related_ids: list[object]
) -> dict[str, list[LoggedMail]]:
    """The e-mails about each of these records (by its id as text), the oldest first: one
    query for a page listing many."""
    sql = f"SELECT related_id, {_COLUMNS} FROM mail_log"  # noqa: S608 - fixed column names
    sql += " WHERE related_kind = $kind AND related_id IN (SELECT unnest($ids))"
    rows = cur.execute(sql + " ORDER BY sent_at, id",
                       {"kind": related_kind, "ids": [str(i) for i in related_ids]})  # fmt: skip
    found: dict[str, list[LoggedMail]] = {}
    for related, id_, at, *rest in rows.fetchall():
        found.setdefault(related, []).append(LoggedMail(id_, at.astimezone(TIMEZONE), *rest))
    return found


def agency_address(cur: duckdb.DuckDBPyConnection, agency_id: int) -> tuple[str, str | None] | None:
    """An agency's name and e-mail address (None: no such agency)."""
    return agency_addresses(cur, [agency_id]).get(agency_id)


def agency_addresses(
    cur: duckdb.DuckDBPyConnection, agency_ids: list[int]
) -> dict[int, tuple[str, str | None]]:
    """Each of these agencies' name and e-mail address, in one query."""
    rows = cur.execute(
        "SELECT id, name, email FROM agency WHERE id IN (SELECT unnest($ids))",
        {"ids": list(agency_ids)},
    ).fetchall()
    return {agency_id: (name, email) for agency_id, name, email in rows}
