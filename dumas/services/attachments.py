"""Files attached to a record: attach one, open one (each opening audited), remove one.

The rules are dumas/domain/attachments.py; the bytes go to the file store (dumas/db/
blobs.py) before the row that names them is written in one transaction with its audit
row (docs/decisions/0017-attached-files-by-digest.md). Every check that can refuse runs
before the bytes are stored, so a refusal leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import duckdb

from dumas import config, i18n
from dumas.db import Database, blobs, next_id
from dumas.domain import file_types
from dumas.domain import monitoring_flow as flow
from dumas.domain.attachments import LETTER_KINDS, Record, attach_action, open_refusal
from dumas.domain.codes import DocumentKind, MediaType, RecordKind
from dumas.domain.errors import Conflict, Message, NotFound, ValidationError
from dumas.domain.permissions import Forbidden, User, require
from dumas.queries.monitoring_state import load
from dumas.services.common import audit
from dumas.services.monitoring import require_team

MB = 1 << 20  # a megabyte as the upload widget counts it
_LETTER_TABLES = {RecordKind.COMPLAINT: "complaint", RecordKind.FORWARDING: "forwarding",
                  RecordKind.REMINDER: "reminder", RecordKind.RESPONSE: "response"}  # fmt: skip


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name the user's computer gave it, and its bytes."""

    name: str | None
    data: bytes


@dataclass(frozen=True)
class OpenedFile:
    """An attached file's bytes with what a browser needs to show or save them."""

    id: int
    display_name: str
    download_name: str
    media_type: MediaType
    data: bytes


def attach(
    db: Database,
    actor: User,
    record: Record,
    upload: Upload,
    *,
    now: dt.datetime,
    store: blobs.BlobStore | None = None,
) -> int:
    """Keep the file with the record: its bytes in the store (once per content), a row
    naming them, audited. Returns the attachment's id."""
    kind = _kind(record.kind)
    require(actor, attach_action(kind))
    media_type, name = _accepted(upload)
    digest = blobs.digest_of(upload.data)
    with db.reading() as cur:  # refused here, nothing is stored
        _check_record(cur, actor, record, digest)
    (store or blobs.store_for(db.path)).put(digest, upload.data)
    with db.transaction() as cur:
        _check_record(cur, actor, record, digest)  # as it stands now, under the write lock
        new_id = next_id(cur, "attachment")
        row = {"id": new_id, "record_kind": kind.value,
               "record_id": record.id, "record_part": record.part, "sha256": digest,
               "size": len(upload.data), "media_type": media_type.value,
               "display_name": name, "uploaded_by": actor.id, "uploaded_at": now}  # fmt: skip
        cur.execute(
            """
            INSERT INTO attachment (id, record_kind, record_id, record_part, sha256, size,
                                    media_type, display_name, uploaded_by, uploaded_at)
            VALUES ($id, $record_kind, $record_id, $record_part, $sha256, $size,
                    $media_type, $display_name, $uploaded_by, $uploaded_at)
            """,
            row,
        )
        audit(cur, actor.username, "attachment.add", "attachment", new_id, None,
              _facts(row))  # fmt: skip
    return new_id


def open_file(
    db: Database,
    actor: User,
    attachment_id: int,
    *,
    store: blobs.BlobStore | None = None,
) -> OpenedFile:
    """The file's bytes, for a role that may see its record; every opening is audited."""
    with db.reading() as cur:
        row = _stored(cur, attachment_id)
    if reason := open_refusal(actor, RecordKind(row["record_kind"])):
        raise Forbidden(Message(reason))
    try:
        data = (store or blobs.store_for(db.path)).get(row["sha256"])
    except blobs.BlobMissing:
        raise NotFound(Message("error.attachment_missing", {"name": row["display_name"]})) from None
    if blobs.digest_of(data) != row["sha256"]:
        raise Conflict(Message("error.attachment_damaged", {"name": row["display_name"]}))
    with db.transaction() as cur:
        audit(cur, actor.username, "attachment.open", "attachment", attachment_id, None,
              _facts(row), data_changed=False)  # fmt: skip
    media_type = MediaType(row["media_type"])
    return OpenedFile(attachment_id, row["display_name"],
                      file_types.download_name(row["display_name"], media_type), media_type,
                      data)  # fmt: skip


def remove(db: Database, actor: User, attachment_id: int, *, now: dt.datetime) -> None:
    """Take a file off its record, for whoever may attach to it there (the row and the bytes
    stay, marked removed: the audit trail names them)."""
    with db.transaction() as cur:
        row = _stored(cur, attachment_id)
        kind = RecordKind(row["record_kind"])
        require(actor, attach_action(kind))
        _check_record(cur, actor, Record(kind, row["record_id"], row["record_part"]), None)
        cur.execute(
            "UPDATE attachment SET removed_at = $now, removed_by = $by WHERE id = $id",
            {"now": now, "by": actor.id, "id": attachment_id},
        )
        audit(cur, actor.username, "attachment.remove", "attachment", attachment_id,
              _facts(row), {"removed_at": now})  # fmt: skip


def _kind(kind: object) -> RecordKind:
    if not RecordKind.allows(kind):
        raise ValidationError(Message("error.invalid_choice", {}, "record"))
    return RecordKind(str(kind))


def _accepted(upload: Upload) -> tuple[MediaType, str]:
    """The file's type by its content and the name it will be shown by, or the refusal."""
    name = file_types.display_name(upload.name)
    limit = config.attachment_max_mb()
    if not upload.data:
        raise ValidationError(Message("error.attachment_empty", {"name": name}, "file"))
    if len(upload.data) > limit * MB:
        size = functools.partial(i18n.fmt_decimal, len(upload.data) / MB)
        params = {"name": name, "size": size, "limit": limit}
        raise ValidationError(Message("error.attachment_too_large", params, "file"))
    try:
        media_type = file_types.sniff(upload.data)
    except file_types.NotAccepted as refused:
        raise ValidationError(
            Message(f"error.attachment_{refused.reason}", {"name": name}, "file")
        ) from None
    return media_type, file_types.display_name(upload.name, media_type)


def _check_record(
    cur: duckdb.DuckDBPyConnection, actor: User, record: Record, digest: str | None
) -> None:
    """The record exists, the actor may attach to it now, and (given a digest) it does not
    already hold this very file."""
    if record.kind in LETTER_KINDS:
        table = _LETTER_TABLES[record.kind]
        sql = f"SELECT 1 FROM {table} WHERE id = $id"  # noqa: S608 - names from the map above
        if record.part or not cur.execute(sql, {"id": record.id}).fetchall():
            raise NotFound(Message("error.unknown_record"))
    else:
        monitoring = load(cur, record.id)
        require_team(cur, monitoring, actor)
        _check_part(cur, record, monitoring.direct)
    if digest is not None and _holds(cur, record, digest):
        raise Conflict(Message("error.attachment_duplicate", {}, "file"))


def _check_part(cur: duckdb.DuckDBPyConnection, record: Record, direct: bool) -> None:
    """A monitoring's document of a kind it has, or a letter it clarifies."""
    if record.kind is RecordKind.MONITORING_DOCUMENT:
        if not DocumentKind.allows(record.part):
            raise ValidationError(Message("error.invalid_choice", {}, "kind"))
        if reason := flow.document_kind_refusal(record.part, direct):
            raise Conflict(Message(reason, {}, "kind"))
        return
    clarified = (
        record.part.isdigit()
        and cur.execute(
            "SELECT 1 FROM monitoring_letter WHERE monitoring_id = $m AND forwarding_id = $f",
            {"m": record.id, "f": int(record.part)},
        ).fetchall()
    )
    if not clarified:
        raise NotFound(Message("error.unknown_forwarding"))


def _holds(cur: duckdb.DuckDBPyConnection, record: Record, digest: str) -> bool:
    return bool(
        cur.execute(
            """
            SELECT 1 FROM attachment
             WHERE record_kind = $kind AND record_id = $id AND record_part = $part
               AND sha256 = $sha256 AND removed_at IS NULL
            """,
            {"kind": record.kind.value, "id": record.id, "part": record.part, "sha256": digest},
        ).fetchall()
    )


def _stored(cur: duckdb.DuckDBPyConnection, attachment_id: int) -> dict:
    """The attachment's row, unless there is none or it was removed."""
    found = cur.execute(
        """
        SELECT id, record_kind, record_id, record_part, sha256, size, media_type, display_name
          FROM attachment WHERE id = $id AND removed_at IS NULL
        """,
        {"id": attachment_id},
    ).fetchall()
    if not found:
        raise NotFound(Message("error.unknown_attachment"))
    names = ("id", "record_kind", "record_id", "record_part", "sha256", "size", "media_type",
             "display_name")  # fmt: skip
    return dict(zip(names, found[0], strict=True))


def _facts(row: dict) -> dict:
    """What the audit row says of an attachment: its record, name, type, size and digest."""
    facts = {"record_kind": row["record_kind"], "record_id": row["record_id"],
             "record_part": row["record_part"] or None, "name": row["display_name"],
             "media_type": row["media_type"], "size": row["size"],
             "sha256": row["sha256"]}  # fmt: skip
    return {key: value for key, value in facts.items() if value is not None}
