"""Passwords (scrypt), sign-in with lockout, and browser sessions with idle expiry."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets

import duckdb

from dumas.db import Database
from dumas.errors import Message, ValidationError
from dumas.permissions import Role, User
from dumas.services.common import audit

MIN_PASSWORD = 10
MAX_FAILURES = 5
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # 16 MiB per hash: memory-hard, ~50 ms


class SignInRefused(ValidationError):
    """Wrong name or password (never says which), or a locked account."""


def _minutes(name: str, default: int) -> dt.timedelta:
    return dt.timedelta(minutes=int(os.environ.get(name, default)))


def lock_time() -> dt.timedelta:
    """How long an account stays locked after MAX_FAILURES wrong passwords."""
    return _minutes("DUMAS_LOCK_MINUTES", 15)


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


def sign_in(db: Database, username: str, password: str, now: dt.datetime) -> tuple[User, str]:
    """Check the password; return the user and a new session token (for the cookie)."""
    name = (username or "").strip().lower()[:100]
    with db.transaction() as cur:
        found = cur.execute(
            "SELECT id, password_hash, is_active, failed_attempts, locked_until FROM app_user"
            " WHERE username = $u",
            {"u": name},
        ).fetchall()
        if not found:
            hash_password(password or "")  # same work as a real check: no timing oracle
            raise SignInRefused(Message("error.sign_in"))
        uid, stored, active, failures, locked_until = found[0]
        if locked_until is not None and locked_until > now:
            raise SignInRefused(Message("error.locked", {"until": locked_until}))
        if not active or not verify_password(stored, password or ""):
            _record_failure(cur, uid, name, failures, now)
            return_error = Message("error.sign_in")
        else:
            return_error = None
    if return_error is not None:
        raise SignInRefused(return_error)
    return _open_session(db, uid, name, now)


def _record_failure(
    cur: duckdb.DuckDBPyConnection, uid: int, name: str, failures: int, now: dt.datetime
) -> None:
    """Count a failure; the MAX_FAILURES-th locks the account for lock_time()."""
    failures += 1
    locked = now + lock_time() if failures >= MAX_FAILURES else None
    cur.execute(
        "UPDATE app_user SET failed_attempts = $f, locked_until = $l WHERE id = $id",
        {"f": 0 if locked else failures, "l": locked, "id": uid},
    )
    audit(cur, name, "auth.failed", "app_user", uid, None, {"locked_until": locked})


def _open_session(db: Database, uid: int, name: str, now: dt.datetime) -> tuple[User, str]:
    token = secrets.token_urlsafe(32)
    with db.transaction() as cur:
        cur.execute(
            "UPDATE app_user SET failed_attempts = 0, locked_until = NULL WHERE id = $id",
            {"id": uid},
        )
        cur.execute(
            "INSERT INTO user_session VALUES ($h, $u, $now, $now, $exp, NULL)",
            {"h": _digest(token), "u": uid, "now": now, "exp": now + session_lifetime()},
        )
        audit(cur, name, "auth.sign_in", "app_user", uid, None, None)
        user = load_user(cur, uid)
    return user, token


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_user(db: Database, token: str | None, now: dt.datetime) -> User | None:
    """The user of a live session (not ended, not expired, not idle, user active), or None."""
    if not token:
        return None
    with db.transaction() as cur:
        row = cur.execute(
            "SELECT user_id, last_seen, expires_at FROM user_session"
            " WHERE token_hash = $h AND ended_at IS NULL",
            {"h": _digest(token)},
        ).fetchall()
        if not row or row[0][2] <= now or now - row[0][1] > idle_time():
            return None
        user = load_user(cur, row[0][0])
        if user is not None:  # bookkeeping, not a change of any record: no audit row
            cur.execute(
                "UPDATE user_session SET last_seen = $now WHERE token_hash = $h",
                {"now": now, "h": _digest(token)},
            )
    return user


def sign_out(db: Database, token: str | None, now: dt.datetime) -> None:
    """End the session of this browser."""
    if not token:
        return
    with db.transaction() as cur:
        cur.execute(
            "UPDATE user_session SET ended_at = $now WHERE token_hash = $h AND ended_at IS NULL",
            {"now": now, "h": _digest(token)},
        )


def cookie_value(token: str, secret: bytes) -> str:
    """token.signature: a cookie whose tampering is caught before any lookup."""
    return f"{token}.{hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()}"


def token_from_cookie(value: str | None, secret: bytes) -> str | None:
    """The token of a correctly signed cookie, else None."""
    if not value or value.count(".") != 1:
        return None
    token, signature = value.split(".")
    expected = hmac.new(secret, token.encode(), hashlib.sha256).hexdigest()
    return token if hmac.compare_digest(signature, expected) else None


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
    cur = db.cursor()
    try:
        found = cur.execute(
            "SELECT id FROM app_user WHERE username = $u AND is_active", {"u": name}
        ).fetchall()
        return load_user(cur, found[0][0]) if found else None
    finally:
        cur.close()
