"""Backups an Administrator takes from the app (the command line: `python -m dumas backup`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from dumas.db import Database
from dumas.db import backup as backups
from dumas.domain.permissions import Action, User, require
from dumas.services.common import audit


def take_backup(
    db: Database, actor: User, *, folder: Path, keep: tuple[int, int], now: dt.datetime
) -> backups.Backup:
    """A consistent copy of the database, retention applied, audited (no figure changes)."""
    require(actor, Action.BACKUP_DATA)
    taken = backups.take(db, folder, now)
    gone = backups.prune(folder, *keep)
    with db.transaction() as cur:
        facts = {"file": taken.path.name, "sha256": taken.sha256, "schema": taken.schema,
                 "files": taken.files.get("count", 0),
                 "pruned": [p.name for p in gone]}  # fmt: skip
        audit(cur, actor.username, "backup.take", "database", None, None, facts,
              data_changed=False)  # fmt: skip
    return taken
