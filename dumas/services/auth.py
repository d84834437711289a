"""Passwords (scrypt), sign-in with throttling, and browser sessions with idle expiry.

The throttle (README "Accounts and sign-in"), counted over the last lock_time():
- MAX_FAILURES failures for one name from one source refuse that name from that source;
- MAX_SOURCE_FAILURES failures from one source, whatever the names, refuse that source;
- MAX_FAILURES failures for one name from anywhere lock it, but only for sources it has
  not signed in from in the last FAMILIAR_FOR: its owner still signs in from where they
  usually do. A familiar source is held by the first rule only.
All three count the rows of sign_in_failure; app_user.locked_until only shows the lock to
the Administrator. Refused attempts count too: a source that keeps trying stays refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import os
import secrets
from dataclasses import dataclass

import duckdb

from dumas.db import Database
from dumas.domain.errors import Message, ValidationError
from dumas.domain.permissions import Role, User
from dumas.services.common import audit

MIN_PASSWORD = 10
MAX_FAILURES = 5  # per name from one source; per account from unfamiliar sources
MAX_SOURCE_FAILURES = 20  # per source, whatever the names (guessing names, spraying)
FAMILIAR_FOR = dt.timedelta(days=90)
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # 16 MiB per hash: memory-hard, ~50 ms


def _dummy_hash() -> str:
    """What an unknown name is checked against: same parameters, random digest, never
    matches."""
    return "scrypt${}${}${}".format(
        _SCRYPT["n"], *(base64.b64encode(os.urandom(size)).decode() for size in (16, 64))
    )


_DUMMY_HASH = _dummy_hash()


class SignInRefused(ValidationError):
    """Any refusal: never says whether the name, the password, the account or the source."""


def _minutes(name: str, default: int) -> dt.timedelta:
    return dt.timedelta(minutes=int(os.environ.get(name, default)))


def lock_time() -> dt.timedelta:
    """How long failures are counted, and an account stays locked after MAX_FAILURES."""
    return _minutes("DUMAS_LOCK_MINUTES", 15)


def lock_minutes() -> int:
    """lock_time() in whole minutes, as the refusal message says it."""
    return int(lock_time().total_seconds() // 60)


def idle_time() -> dt.timedelta:
    """A session not used for this long has to sign in again."""
    return _minutes("DUMAS_IDLE_MINUTES", 30)


def session_lifetime() -> dt.timedelta:
    """The longest a session (and its cookie) lives, used or not."""
    return _minutes("DUMAS_SESSION_MINUTES", 12 * 60)


def hash_password(password: str) -> str:
    """scrypt with a random salt, stored with its parameters."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, maxmem=64 * 2**20, **_SCRYPT)
    encode = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(stored: str, password: str) -> bool:
    """Constant-time comparison against a stored scrypt hash."""
    try:
        _, n, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        found = hashlib.scrypt(
            password.encode(), salt=base64.b64decode(salt), n=int(n), r=8, p=1, maxmem=64 * 2**20
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(found, expected)


def check_new_password(password: str) -> None:
    """At least MIN_PASSWORD characters, not only one repeated character."""
    if len(password or "") < MIN_PASSWORD or len(set(password)) < 4:
        raise ValidationError(Message("error.weak_password", {"min": MIN_PASSWORD}, "password"))


def load_user(cur: duckdb.DuckDBPyConnection, user_id: int) -> User | None:
    """An active user with their roles, or None."""
    row = cur.execute(
        "SELECT id, username, full_name, bidang FROM app_user WHERE id = $id AND is_active",
        {"id": user_id},
    ).fetchall()
    if not row:
        return None
    roles = cur.execute("SELECT role FROM user_role WHERE user_id = $id", {"id": user_id})
    uid, username, full_name, bidang = row[0]
    return User(uid, username, full_name, frozenset(Role(r[0]) for r in roles.fetchall()), bidang)


def source_key(address: str | None) -> str:
    """The source a sign-in is counted under: the address, an IPv6 address by its /64."""
    text = (address or "").strip()[:64] or "unknown"
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))  # one host has a whole /64
    return str(ip)


@dataclass(frozen=True)
class _Attempt:
    name: str
    source: str
    uid: int | None
    stored: str  # the account's hash, or a dummy one: every attempt costs one scrypt
    active: bool  # an account, and not disabled
    throttled: bool  # a rule of the throttle refuses this name from this source


def sign_in(
    db: Database, username: str, password: str, now: dt.datetime, source: str = ""
) -> tuple[User, str]:
    """Check the password; return the user and a new session token (for the cookie).

    Every refusal (unknown name, wrong password, disabled, locked, throttled) raises the
    same message after the same work: one scrypt, one recorded failure.
    """
    attempt = _begin(db, (username or "").strip().lower()[:100], source_key(source), now)
    correct = verify_password(attempt.stored, password or "")
    if correct and attempt.active and not attempt.throttled:
        return _open_session(db, attempt, now)
    _refuse(db, attempt, now)
    raise SignInRefused(Message("error.sign_in", {"minutes": lock_minutes()}))


def _begin(db: Database, name: str, source: str, now: dt.datetime) -> _Attempt:
    """Record the attempt as a failure first (undone on success), so parallel tries count."""
    with db.transaction() as cur:
        cur.execute("DELETE FROM sign_in_failure WHERE failed_at <= $t", {"t": now - lock_time()})
        pair, from_source, for_name = cur.execute(
            "SELECT count(*) FILTER (WHERE username = $u AND source = $s),"
            "       count(*) FILTER (WHERE source = $s),"
            "       count(*) FILTER (WHERE username = $u)"
            "  FROM sign_in_failure WHERE username = $u OR source = $s",
            {"u": name, "s": source},
        ).fetchall()[0]
        cur.execute(
            "INSERT INTO sign_in_failure VALUES ($u, $s, $now)",
            {"u": name, "s": source, "now": now},
        )
        found = cur.execute(
            "SELECT id, password_hash, is_active FROM app_user WHERE username = $u", {"u": name}
        ).fetchall()
        uid, stored, active = found[0] if found else (None, _DUMMY_HASH, False)
        familiar = cur.execute(
            "SELECT count(*) FROM user_session"
            " WHERE user_id = $id AND source = $s AND created_at > $since",
            {"id": uid, "s": source, "since": now - FAMILIAR_FOR},
        ).fetchall()[0][0]
    throttled = pair >= MAX_FAILURES or (
        not familiar and (for_name >= MAX_FAILURES or from_source >= MAX_SOURCE_FAILURES)
    )
    return _Attempt(name, source, uid, stored, bool(active), throttled)


def _refuse(db: Database, attempt: _Attempt, now: dt.datetime) -> None:
    """Count the failure (recorded in _begin) on the account's lock, and audit it.

    An unknown name is audited too (same work, and the Administrator sees names being
    guessed); a throttled attempt is not, so a source that keeps trying cannot flood the log.
    """
    with db.transaction() as cur:
        locked = _show_lock(cur, attempt)
        if not attempt.throttled:
            new = {"locked_until": locked, "source": attempt.source}
            _audit(cur, attempt, "auth.failed", new)


def _show_lock(cur: duckdb.DuckDBPyConnection, attempt: _Attempt) -> dt.datetime | None:
    """Until when the name's failures lock it for unfamiliar sources (None: they do not).

    That is the MAX_FAILURES-th latest failure plus lock_time(); kept on the account as
    locked_until for the Administrator's list of users.
    """
    held_from = cur.execute(
        "SELECT failed_at FROM sign_in_failure WHERE username = $u"
        " ORDER BY failed_at DESC LIMIT 1 OFFSET $n",
        {"u": attempt.name, "n": MAX_FAILURES - 1},
    ).fetchall()
    locked = held_from[0][0] + lock_time() if held_from else None
    cur.execute(
        "UPDATE app_user SET locked_until = $l WHERE id = $id", {"l": locked, "id": attempt.uid}
    )
    return locked


def _audit(cur: duckdb.DuckDBPyConnection, attempt: _Attempt, action: str, new: dict) -> None:
    """A sign-in event changes no figure: it leaves the cached pages alone."""
    audit(cur, attempt.name, action, "app_user", attempt.uid, None, new, data_changed=False)


def forget_failures(cur: duckdb.DuckDBPyConnection, username: str) -> None:
    """Forget the recorded failures of this name (a password reset by an Administrator)."""
    cur.execute("DELETE FROM sign_in_failure WHERE username = $u", {"u": username})


def _open_session(db: Database, attempt: _Attempt, now: dt.datetime) -> tuple[User, str]:
    with db.transaction() as cur:
        cur.execute(  # this source's failures for this name, this attempt's too
            "DELETE FROM sign_in_failure WHERE username = $u AND source = $s",
            {"u": attempt.name, "s": attempt.source},
        )
        _show_lock(cur, attempt)  # failures from elsewhere may still lock it there
        token = new_session(cur, attempt.uid, now, attempt.source)
        _audit(cur, attempt, "auth.sign_in", {"source": attempt.source})
        user = load_user(cur, attempt.uid)
    return user, token


def new_session(cur: duckdb.DuckDBPyConnection, user_id: int, now: dt.datetime, source: str) -> str:
    """Open a session for an account already checked (sign_in does); return its token."""
    token = secrets.token_urlsafe(32)
    cur.execute(
        "INSERT INTO user_session"
        " (token_hash, user_id, created_at, last_seen, expires_at, ended_at, source)"
        " VALUES ($h, $u, $now, $now, $exp, NULL, $s)",
        {
            "h": _digest(token),
            "u": user_id,
            "now": now,
            "exp": now + session_lifetime(),
            "s": source,
        },
    )
    return token


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A session's last activity is recorded at most this often: the idle limit is counted in
# minutes, and a page run that only reads (most of them) then writes nothing.
LAST_SEEN_STEP = dt.timedelta(minutes=1)
# How long a page run waits for the write lock to record it; past that it is left for later.
LAST_SEEN_WAIT = 0.05


# The sessions read, by database file and token digest: the file's commit count then, the
# session's last activity and expiry, and its user. Every write moves that count
# (Database.commits; one process owns the file): while it stands still, an ended session,
# a disabled user or changed roles cannot have happened, and a page run checks only the
# clock instead of reading three rows (about 3 ms of each run, for every user).
_seen: dict[tuple[str, str], tuple[int, dt.datetime, dt.datetime, User | None]] = {}
_SEEN_MAX = 4096


def _session(db: Database, digest: str) -> tuple[dt.datetime, dt.datetime, User | None] | None:
    """(last seen, expires at, its active user or None) of a session not ended, or None."""
    key, commits = (str(db.path), digest), db.commits  # the count before the read
    seen = _seen.get(key)
    if seen is not None and seen[0] == commits:
        return seen[1:]
    with db.reading() as cur:
        row = cur.execute(
            "SELECT user_id, last_seen, expires_at FROM user_session"
            " WHERE token_hash = $h AND ended_at IS NULL",
            {"h": digest},
        ).fetchall()
        if not row:
            return None
        user = load_user(cur, row[0][0])
    if len(_seen) >= _SEEN_MAX:
        _seen.clear()
    _seen[key] = (commits, row[0][1], row[0][2], user)
    return row[0][1], row[0][2], user


def session_user(db: Database, token: str | None, now: dt.datetime) -> User | None:
    """The user of a live session (not ended, not expired, not idle, user active), or None."""
    if not token:
        return None
    digest = _digest(token)
    found = _session(db, digest)
    if found is None:
        return None
    last_seen, expires_at, user = found
    if expires_at <= now or now - last_seen > idle_time():
        return None
    if user is not None and now - last_seen >= LAST_SEEN_STEP:
        # Bookkeeping, not a change of any record: no audit row; and skipped while another
        # write holds the lock (an import), to be recorded on a later run.
        with db.transaction_if_free(LAST_SEEN_WAIT) as cur:
            if cur is not None:
                cur.execute(
                    "UPDATE user_session SET last_seen = $now"
                    " WHERE token_hash = $h AND last_seen < $now",
                    {"now": now, "h": digest},
                )
    return user


def sign_out(
    db: Database, token: str | None, now: dt.datetime, key: str | None = None, secret: bytes = b""
) -> None:
    """End this browser's session: the cookie's token, and the session the form's key names."""
    digests = [_digest(token)] if token else []
    if key and key.count(".") == 1:
        digest, signature = key.split(".")
        if hmac.compare_digest(signature, _sign(secret, "sign-out:" + digest)):
            digests.append(digest)
    with db.transaction() as cur:
        for digest in digests:
            cur.execute(
                "UPDATE user_session SET ended_at = $now"
                " WHERE token_hash = $h AND ended_at IS NULL",
                {"now": now, "h": digest},
            )


def sign_out_key(token: str, secret: bytes) -> str:
    """What the sign-out form carries: it names the session to end, and cannot sign in.

    The session's stored digest (one-way from the token) with a signature of its own kind,
    so it is neither a token nor a cookie, and nobody without the key can make one.
    """
    digest = _digest(token)
    return f"{digest}.{_sign(secret, 'sign-out:' + digest)}"


def _sign(secret: bytes, text: str) -> str:
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def cookie_value(token: str, secret: bytes) -> str:
    """token.signature: a cookie whose tampering is caught before any lookup."""
    return f"{token}.{_sign(secret, token)}"


def token_from_cookie(value: str | None, secret: bytes) -> str | None:
    """The token of a correctly signed cookie, else None."""
    if not value or value.count(".") != 1:
        return None
    token, signature = value.split(".")
    return token if hmac.compare_digest(signature, _sign(secret, token)) else None


def cookie_secret(db: Database) -> bytes:
    """The server's signing key, made once and kept in the database."""
    with db.transaction() as cur:
        row = cur.execute("SELECT value FROM meta WHERE key = 'cookie_secret'").fetchall()
        if row:
            return bytes.fromhex(row[0][0])
        secret = secrets.token_bytes(32)
        cur.execute("INSERT INTO meta VALUES ('cookie_secret', $v)", {"v": secret.hex()})
        return secret


def user_for_identity(db: Database, email: str | None) -> User | None:
    """Single sign-on: the active account whose user name is the provider's e-mail address.

    Accounts are not created on the fly: an administrator creates the account first, with
    the e-mail address as user name, and gives it its roles.
    """
    name = (email or "").strip().lower()
    if not name or "@" not in name:
        return None
    with db.reading() as cur:
        found = cur.execute(
            "SELECT id FROM app_user WHERE username = $u AND is_active", {"u": name}
        ).fetchall()
        return load_user(cur, found[0][0]) if found else None
