"""Tokens with which the command line hands its work to the running app (POST /ops/command,
docs/decisions/0012-cli-hands-over-to-the-app.md). An Administrator creates and revokes
them; only each token's SHA-256 is stored, the token itself is shown once."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

import duckdb

from dumas.db import Database, next_id
from dumas.domain.errors import Message, ValidationError
from dumas.domain.permissions import Action, User, require
from dumas.services.common import audit, clean_name, raise_if

MAX_LABEL = 80


@dataclass(frozen=True)
class OpsToken:
    """An active token, as the endpoint knows it: whom the audit names, by its label."""

    id: int
    label: str

    @property
    def actor(self) -> str:
        """The audit row's actor for work handed over with this token."""
        return f"token:{self.label}"


def digest(token: str) -> str:
    """What is stored of a token: its SHA-256, hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(db: Database, actor: User, *, label: str | None, now: dt.datetime) -> str:
    """A new token under a label no active token has; returns the token (shown once)."""
    require(actor, Action.MANAGE_OPS_TOKENS)
    errors: list[Message] = []
    name = clean_name(label, "token_label", errors, MAX_LABEL)
    if name is None:
        errors.append(Message("error.required", {}, "token_label"))
    raise_if(errors)
    token = secrets.token_urlsafe(32)
    with db.transaction() as cur:
        if _active_label(cur, str(name)):
            raise ValidationError(Message("ops_token.error.label_taken", {"label": name},
                                          "token_label"))  # fmt: skip
        token_id = next_id(cur, "ops_token")
        cur.execute(
            """
            INSERT INTO ops_token (id, label, token_hash, created_by, created_at)
            VALUES ($id, $label, $hash, $by, $at)
            """,
            {"id": token_id, "label": name, "hash": digest(token), "by": actor.id, "at": now},
        )
        audit(cur, actor.username, "ops_token.create", "ops_token", token_id, None,
              {"name": name}, data_changed=False)  # fmt: skip
    return token


def _active_label(cur: duckdb.DuckDBPyConnection, label: str) -> bool:
    found = cur.execute(
        "SELECT count(*) FROM ops_token WHERE lower(label) = lower($l) AND revoked_at IS NULL",
        {"l": label},
    ).fetchall()
    return bool(found[0][0])


def revoke_token(db: Database, actor: User, *, token_id: int, now: dt.datetime) -> str:
    """Revoke a token (from now on the endpoint refuses it); returns its label."""
    require(actor, Action.MANAGE_OPS_TOKENS)
    with db.transaction() as cur:
        found = cur.execute(
            "SELECT label, revoked_at FROM ops_token WHERE id = $id", {"id": token_id}
        ).fetchall()
        if not found:
            raise ValidationError(Message("ops_token.error.unknown"))
        label, revoked = found[0]
        if revoked is not None:
            raise ValidationError(Message("ops_token.error.revoked", {"label": label}))
        cur.execute(
            "UPDATE ops_token SET revoked_at = $at WHERE id = $id", {"at": now, "id": token_id}
        )
        audit(cur, actor.username, "ops_token.revoke", "ops_token", token_id,
              {"name": label}, {"revoked_at": now}, data_changed=False)  # fmt: skip
    return label


def verify(cur: duckdb.DuckDBPyConnection, token: str) -> OpsToken | None:
    """The active token `token` is, or None (unknown, revoked, empty or absurdly long)."""
    if not token or len(token) > 200:
        return None
    found = cur.execute(
        "SELECT id, label FROM ops_token WHERE token_hash = $h AND revoked_at IS NULL",
        {"h": digest(token)},
    ).fetchall()
    return OpsToken(*found[0]) if found else None


def record_use(db: Database, token: OpsToken, argv: list[str], now: dt.datetime) -> None:
    """The hand-over of one command, before it runs: the token's last use and the audit
    row naming the token's label and the command (the command audits its own writes)."""
    with db.transaction() as cur:
        cur.execute(
            "UPDATE ops_token SET last_used_at = $at WHERE id = $id", {"at": now, "id": token.id}
        )
        audit(cur, token.actor, "ops.command", "ops_token", token.id, None,
              {"name": token.label, "argv": argv}, data_changed=False)  # fmt: skip
