"""Account administration: first administrator, users, roles, passwords, demo accounts."""

from __future__ import annotations

import datetime as dt

import duckdb

from dumas.db import Database
from dumas.domain.errors import Conflict, Message, NotFound, ValidationError
from dumas.domain.permissions import BIDANG_ROLES, Action, Role, User, require
from dumas.mail.address import clean_address
from dumas.services import auth
from dumas.services.common import audit, clean_name, clean_text, last_change, raise_if

# The audited administrator changes of an account (each bumps app_user.revision).
ACCOUNT_CHANGES = (
    "user.create",
    "user.create_first_admin",
    "user.enable",
    "user.disable",
    "user.reset_password",
    "user.assign_roles",
    "user.set_official_details",
    "user.set_email",
)

# Demo mode only, and public on purpose: listed on the sign-in page and in the README.
DEMO_PASSWORD = "dumas-demo"  # noqa: S105
MAX_FULL_NAME = 120  # a name with its degrees, as printed under a signature


def _username(value: str | None) -> str:
    name = (value or "").strip().lower()
    if not name or len(name) > 100 or not all(ch.isalnum() or ch in "._-@" for ch in name):
        raise ValidationError(Message("error.username", {}, "username"))
    return name


def _full_name(value: str | None, username: str) -> str:
    """The name shown and printed for the account (the user name when left empty)."""
    errors: list[Message] = []
    full = clean_name(value, "full_name", errors, MAX_FULL_NAME)
    raise_if(errors)
    return full or username


def _roles(roles: list[str] | set[str], bidang: str | None) -> tuple[list[Role], str | None]:
    try:
        chosen = sorted({Role(r) for r in roles})
    except ValueError as exc:
        raise ValidationError(Message("error.invalid_choice", {}, "roles")) from exc
    if not chosen:
        raise ValidationError(Message("error.required", {}, "roles"))
    errors: list[Message] = []
    bidang = clean_text(bidang, "bidang", errors)
    if set(chosen) & BIDANG_ROLES and not bidang:
        raise ValidationError(Message("error.bidang_required", {}, "bidang"))
    return chosen, bidang


def _insert_user(
    cur: duckdb.DuckDBPyConnection,
    username: str,
    full_name: str,
    password_hash: str,
    bidang: str | None,
) -> int:
    if cur.execute("SELECT 1 FROM app_user WHERE username = $u", {"u": username}).fetchall():
        raise Conflict(Message("error.username_taken", {"username": username}, "username"))
    uid = cur.execute("SELECT coalesce(max(id), 0) + 1 FROM app_user").fetchall()[0][0]
    cur.execute(
        "INSERT INTO app_user (id, username, full_name, password_hash, bidang)"
        " VALUES ($id, $u, $n, $h, $b)",
        {"id": uid, "u": username, "n": full_name, "h": password_hash, "b": bidang},
    )
    return uid


def _set_roles(cur: duckdb.DuckDBPyConnection, uid: int, roles: list[Role]) -> None:
    cur.execute("DELETE FROM user_role WHERE user_id = $id", {"id": uid})
    cur.executemany("INSERT INTO user_role VALUES (?, ?)", [(uid, r.value) for r in roles])


def has_users(db: Database) -> bool:
    """Whether any account exists (else the app asks for the first administrator)."""
    with db.reading() as cur:
        return bool(cur.execute("SELECT count(*) FROM app_user").fetchall()[0][0])


def create_first_admin(db: Database, *, username: str, full_name: str, password: str) -> int:
    """The first administrator of an empty database; refused once any account exists."""
    name, auth_hash = _username(username), None
    auth.check_new_password(password)
    full = _full_name(full_name, name)
    auth_hash = auth.hash_password(password)
    with db.transaction() as cur:
        if cur.execute("SELECT count(*) FROM app_user").fetchall()[0][0]:
            raise Conflict(Message("error.already_set_up"))
        uid = _insert_user(cur, name, full, auth_hash, None)
        _set_roles(cur, uid, [Role.ADMIN])
        audit(cur, name, "user.create_first_admin", "app_user", uid, None, {"username": name})
    return uid


def create_user(
    db: Database,
    actor: User,
    *,
    username: str,
    full_name: str,
    password: str,
    roles: list[str],
    bidang: str | None = None,
) -> int:
    """A new account with its roles (Administrator only)."""
    require(actor, Action.MANAGE_USERS)
    name = _username(username)
    chosen, bidang = _roles(roles, bidang)
    auth.check_new_password(password)
    full = _full_name(full_name, name)
    password_hash = auth.hash_password(password)
    with db.transaction() as cur:
        uid = _insert_user(cur, name, full, password_hash, bidang)
        _set_roles(cur, uid, chosen)
        new = {"username": name, "full_name": full, "roles": chosen, "bidang": bidang}
        audit(cur, actor.username, "user.create", "app_user", uid, None, new)
    return uid


def _user_row(cur: duckdb.DuckDBPyConnection, uid: int) -> dict:
    cursor = cur.execute(
        "SELECT id, username, is_active, bidang, revision FROM app_user WHERE id = $id",
        {"id": uid},
    )
    row = cursor.fetchall()
    if not row:
        raise NotFound(Message("error.unknown_user"))
    stored = dict(zip([d[0] for d in cursor.description], row[0], strict=True))
    roles = [
        r[0]
        for r in cur.execute(
            "SELECT role FROM user_role WHERE user_id = $id ORDER BY role", {"id": uid}
        ).fetchall()
    ]
    return {**stored, "roles": roles}


def _open_account(cur: duckdb.DuckDBPyConnection, uid: int, revision: int) -> dict:
    """The account as stored, provided no administrator changed it since the screen that
    sends `revision` was drawn (else the refusal names who changed it and when); its
    revision is bumped for the change about to be written."""
    stored = _user_row(cur, uid)
    if stored["revision"] != revision:
        who, at = last_change(cur, "app_user", uid, ACCOUNT_CHANGES)
        raise Conflict(
            Message("error.user_changed", {"username": stored["username"], "who": who, "at": at})
        )
    cur.execute("UPDATE app_user SET revision = revision + 1 WHERE id = $id", {"id": uid})
    return stored


def set_active(
    db: Database, actor: User, user_id: int, active: bool, now: dt.datetime, *, revision: int
) -> None:
    """Disable (ending every session of the user) or re-enable an account, as the screen
    showed it (`revision`)."""
    require(actor, Action.MANAGE_USERS)
    if user_id == actor.id and not active:
        raise ValidationError(Message("error.disable_self"))
    with db.transaction() as cur:
        old = _open_account(cur, user_id, revision)
        cur.execute(
            "UPDATE app_user SET is_active = $a WHERE id = $id", {"a": active, "id": user_id}
        )
        if not active:
            cur.execute(
                "UPDATE user_session SET ended_at = $now WHERE user_id = $id AND ended_at IS NULL",
                {"now": now, "id": user_id},
            )
        action = "user.enable" if active else "user.disable"
        new = {**old, "is_active": active, "revision": revision + 1}
        audit(cur, actor.username, action, "app_user", user_id, old, new)


def reset_password(
    db: Database, actor: User, user_id: int, password: str, *, revision: int
) -> None:
    """A new password set by an administrator; the account is unlocked."""
    require(actor, Action.MANAGE_USERS)
    auth.check_new_password(password)
    password_hash = auth.hash_password(password)
    with db.transaction() as cur:
        old = _open_account(cur, user_id, revision)
        cur.execute(
            "UPDATE app_user SET password_hash = $h, failed_attempts = 0, locked_until = NULL"
            " WHERE id = $id",
            {"h": password_hash, "id": user_id},
        )
        auth.forget_failures(cur, old["username"])  # held from nowhere any more
        audit(
            cur,
            actor.username,
            "user.reset_password",
            "app_user",
            user_id,
            old,
            {"password": "***", "revision": revision + 1},
        )


def assign_roles(
    db: Database,
    actor: User,
    user_id: int,
    roles: list[str],
    bidang: str | None = None,
    *,
    revision: int,
) -> None:
    """Replace a user's roles (and Bidang)."""
    require(actor, Action.MANAGE_USERS)
    chosen, bidang = _roles(roles, bidang)
    with db.transaction() as cur:
        old = _open_account(cur, user_id, revision)
        if user_id == actor.id and Role.ADMIN not in chosen:
            raise ValidationError(Message("error.keep_own_admin"))
        _set_roles(cur, user_id, chosen)
        cur.execute("UPDATE app_user SET bidang = $b WHERE id = $id", {"b": bidang, "id": user_id})
        new = {**old, "roles": [r.value for r in chosen], "bidang": bidang,
               "revision": revision + 1}  # fmt: skip
        audit(cur, actor.username, "user.assign_roles", "app_user", user_id, old, new)


NIP_DIGITS = 18  # Nomor Induk Pegawai of a civil servant
MAX_OFFICIAL_TEXT = 120  # pangkat/golongan and jabatan as printed in letters


def official_details(cur: duckdb.DuckDBPyConnection, user_id: int) -> dict[str, str | None]:
    """A user's NIP, pangkat/golongan and jabatan as stored (None when not recorded)."""
    rows = cur.execute(
        "SELECT nip, rank, position FROM app_user WHERE id = $id", {"id": user_id}
    ).fetchall()
    if not rows:
        raise NotFound(Message("error.unknown_user"))
    return dict(zip(("nip", "rank", "position"), rows[0], strict=True))


def _official_values(nip: str | None, rank: str | None, position: str | None) -> dict:
    """The details cleaned: NIP digits (spaces people type between groups removed)."""
    errors: list[Message] = []
    number = "".join((nip or "").split()) or None
    if number and not (number.isascii() and number.isdigit() and len(number) == NIP_DIGITS):
        errors.append(Message("error.nip", {"digits": NIP_DIGITS}, "nip"))
    values: dict[str, str | None] = {"nip": number}
    for field, text in (("rank", rank), ("position", position)):
        values[field] = clean_name(text, field, errors, MAX_OFFICIAL_TEXT)
    if errors:
        raise ValidationError(*errors)
    return values


def set_official_details(
    db: Database,
    actor: User,
    user_id: int,
    *,
    revision: int,
    nip: str | None,
    rank: str | None,
    position: str | None,
) -> None:
    """Record the NIP, pangkat/golongan and jabatan printed in letters (Administrator only)."""
    require(actor, Action.MANAGE_USERS)
    new = _official_values(nip, rank, position)
    with db.transaction() as cur:
        _open_account(cur, user_id, revision)
        old = official_details(cur, user_id)
        cur.execute(
            "UPDATE app_user SET nip = $nip, rank = $rank, position = $position WHERE id = $id",
            {**new, "id": user_id},
        )
        audit(cur, actor.username, "user.set_official_details", "app_user", user_id,
              {**old, "revision": revision}, {**new, "revision": revision + 1})  # fmt: skip


def set_email(db: Database, actor: User, user_id: int, *, revision: int, email: str | None) -> None:
    """The address a user's notices go to ("" or None: none), kept by an Administrator so
    that the unit's work is mailed to addresses the office knows."""
    require(actor, Action.MANAGE_USERS)
    errors: list[Message] = []
    address = clean_address(email, "email", errors)
    raise_if(errors)
    with db.transaction() as cur:
        _open_account(cur, user_id, revision)
        old = cur.execute("SELECT email FROM app_user WHERE id = $id", {"id": user_id})
        was = old.fetchall()[0][0]
        cur.execute("UPDATE app_user SET email = $e WHERE id = $id", {"e": address, "id": user_id})
        audit(cur, actor.username, "user.set_email", "app_user", user_id,
              {"email": was, "revision": revision},
              {"email": address, "revision": revision + 1})  # fmt: skip


def create_demo_accounts(
    cur: duckdb.DuckDBPyConnection, names: dict[str, str] | None = None
) -> list[tuple[str, Role]]:
    """One account per role, password DEMO_PASSWORD (demo databases only), named by
    `names` (user name -> full name), else "Demo <role>"."""
    password_hash = auth.hash_password(DEMO_PASSWORD)
    made = []
    for role in Role:
        bidang = "Bidang Pemantauan I" if role in BIDANG_ROLES else None
        full_name = (names or {}).get(role.value) or f"Demo {role.name.title()}"
        uid = _insert_user(cur, role.value, full_name, password_hash, bidang)
        _set_roles(cur, uid, [role])
        made.append((role.value, role))
    cur.execute(
        "INSERT INTO meta VALUES ('demo', 'true') ON CONFLICT (key) DO UPDATE SET value = 'true'"
    )
    audit(
        cur,
        "sistem.demo",
        "user.create_demo_accounts",
        "app_user",
        None,
        None,
        {"accounts": [m[0] for m in made]},
    )
    return made
