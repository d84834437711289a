"""Read side of accounts and the audit trail: the audit log with filters, and the user list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from dumas.config import TIMEZONE
from dumas.domain.permissions import Action, Role, User, require
from dumas.render import audit_trail, followup_table

PAGE_SIZE = 50
MAX_EXPORT = 100_000  # rows in one audit export; Excel's own limit is about a million

# Column -> catalogue id of its header, in screen and Excel order.
AUDIT_COLUMNS = {
    "logged_at": "audit.col.logged_at",
    "actor": "audit.col.actor",
    "action": "audit.col.action",
    "entity": "audit.col.entity",
    "entity_id": "audit.col.entity_id",
    "old_value": "audit.col.old_value",
    "new_value": "audit.col.new_value",
}
USER_COLUMNS = {
    "username": "users.col.username",
    "full_name": "users.col.full_name",
    "roles": "users.col.roles",
    "bidang": "users.col.bidang",
    "is_active": "users.col.is_active",
    "locked_until": "users.col.locked_until",
    "last_sign_in": "users.col.last_sign_in",
}

# Every filter is optional: a NULL parameter switches its condition off.
_FILTERED = """
  FROM audit_log
 WHERE ($actor::VARCHAR IS NULL OR actor = $actor)
   AND ($entity::VARCHAR IS NULL OR entity = $entity)
   AND ($entity_id::VARCHAR IS NULL OR entity_id = $entity_id)
   AND ($action::VARCHAR IS NULL OR action = $action)
   AND ($start::TIMESTAMPTZ IS NULL OR logged_at >= $start)
   AND ($end::TIMESTAMPTZ IS NULL OR logged_at < $end)
"""
_COUNT = "SELECT count(*)" + _FILTERED
_PAGE = (
    """
SELECT id,
       timezone($tz, logged_at) AS logged_at,
       actor,
       action,
       entity,
       entity_id,
       masked(old_value, $mask) AS old_value,
       masked(new_value, $mask) AS new_value
"""
    + _FILTERED
    + """
 ORDER BY logged_at DESC, id DESC
 LIMIT $limit OFFSET $offset
"""
)
_FACETS = {  # the filter widgets' options
    "actor": "SELECT DISTINCT actor FROM audit_log ORDER BY actor",
    "entity": "SELECT DISTINCT entity FROM audit_log ORDER BY entity",
    "action": "SELECT DISTINCT action FROM audit_log ORDER BY action",
}


def _day_start(day: dt.date | None) -> dt.datetime | None:
    """Midnight of a Jakarta calendar day, as an aware moment."""
    return None if day is None else dt.datetime.combine(day, dt.time(), TIMEZONE)


@dataclass(frozen=True)
class AuditFilter:
    """What the audit log is narrowed to: actor, record (type and id), action, period.
    Each is optional; None or empty means any."""

    user: str | None = None
    entity: str | None = None
    entity_id: str | int | None = None
    action: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def params(self) -> dict[str, object]:
        """The filters as SQL parameters; the period covers whole days in Asia/Jakarta."""
        record_id = str(self.entity_id).strip() if self.entity_id is not None else ""
        end = self.date_to + dt.timedelta(days=1) if self.date_to else None
        return {
            "actor": self.user or None,
            "entity": self.entity or None,
            "entity_id": record_id or None,
            "action": self.action or None,
            "start": _day_start(self.date_from),
            "end": _day_start(end),
        }


EVERYTHING = AuditFilter()


def audit_rows(
    cur: duckdb.DuckDBPyConnection,
    filters: AuditFilter = EVERYTHING,
    *,
    limit: int | None = PAGE_SIZE,
    offset: int = 0,
    mask_personal: bool = True,
) -> tuple[pd.DataFrame, int]:
    """One page of audit rows, newest first (times in Asia/Jakarta), and the filtered total.

    Complainants' names and contacts inside old/new values are masked unless the caller
    says the reader may see personal data.
    """
    params = filters.params()
    total = cur.execute(_COUNT, params).fetchall()[0][0]
    page = {**params, "tz": str(TIMEZONE), "limit": limit, "offset": max(0, offset)}
    page["mask"] = mask_personal
    return cur.execute(_PAGE, page).df(), total


def audit_facets(cur: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """The distinct actors, entities and actions of the log, for the filter widgets."""
    return {name: [r[0] for r in cur.execute(sql).fetchall()] for name, sql in _FACETS.items()}


def audit_xlsx(
    cur: duckdb.DuckDBPyConnection,
    actor: User,
    filters: AuditFilter = EVERYTHING,
    *,
    lang: str,
    title: str,
    filters_text: str,
    generated: str,
) -> bytes:
    """The filtered audit rows (at most MAX_EXPORT) as .xlsx, for a user allowed to see them."""
    require(actor, Action.VIEW_AUDIT)
    mask = not actor.can(Action.VIEW_PERSONAL_DATA)
    frame, _ = audit_rows(cur, filters, limit=MAX_EXPORT, offset=0, mask_personal=mask)
    shown = audit_trail.readable(frame, _people(cur), _record_names(cur, frame), lang)
    return followup_table.workbook(
        shown,
        audit_trail.EXPORT_COLUMNS,
        lang=lang,
        title=title,
        filters_text=filters_text,
        generated=generated,
    )


# The name of a record of each kind the log refers to, by id (as text, as the log keeps it).
_NAMES = {
    "plan": "SELECT id::VARCHAR, title FROM plan WHERE id::VARCHAR IN (SELECT unnest($ids))",
    "monitoring": "SELECT m.id::VARCHAR, ag.name FROM monitoring m"
    " JOIN agency ag ON ag.id = m.agency_id WHERE m.id::VARCHAR IN (SELECT unnest($ids))",
    "app_user": "SELECT id::VARCHAR, full_name FROM app_user"
    " WHERE id::VARCHAR IN (SELECT unnest($ids))",
    "complaint": "SELECT id::VARCHAR, agenda_no FROM complaint"
    " WHERE id::VARCHAR IN (SELECT unnest($ids))",
    "forwarding": "SELECT id::VARCHAR, letter_no FROM forwarding"
    " WHERE id::VARCHAR IN (SELECT unnest($ids))",
    "reminder": "SELECT id::VARCHAR, letter_no FROM reminder"
    " WHERE id::VARCHAR IN (SELECT unnest($ids))",
    "response": "SELECT id::VARCHAR, letter_no FROM response"
    " WHERE id::VARCHAR IN (SELECT unnest($ids))",
    "agency": "SELECT id::VARCHAR, name FROM agency WHERE id::VARCHAR IN (SELECT unnest($ids))",
    "periodic_report": "SELECT id::VARCHAR, title FROM periodic_report"
    " WHERE id::VARCHAR IN (SELECT unnest($ids))",
}


def _people(cur: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, list[str]]]:
    """Every account's username -> full name and roles (in the order of Role)."""
    order = {role.value: n for n, role in enumerate(Role)}
    found = cur.execute(
        """
        SELECT u.username, u.full_name, list(r.role) FILTER (WHERE r.role IS NOT NULL)
          FROM app_user u LEFT JOIN user_role r ON r.user_id = u.id
         GROUP BY u.username, u.full_name
        """
    ).fetchall()
    return {
        name: (full, sorted(roles or [], key=lambda r: order.get(r, len(order))))
        for name, full, roles in found
    }


def _record_names(
    cur: duckdb.DuckDBPyConnection, frame: pd.DataFrame
) -> dict[tuple[str, str], str]:
    """(entity, id) -> the record's name, for the records the rows refer to."""
    names: dict[tuple[str, str], str] = {}
    for entity, rows in frame.dropna(subset=["entity_id"]).groupby("entity"):
        sql = _NAMES.get(str(entity))
        if sql is None:
            continue
        wanted = sorted(set(rows["entity_id"].astype(str)))
        found = cur.execute(sql, {"ids": wanted}).fetchall()
        names |= {(str(entity), key): name for key, name in found if name}
    return names


def users(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account with its roles (comma-joined codes), state, last sign-in and revision;
    no hashes."""
    return cur.execute(
        """
        SELECT u.id,
               u.username,
               u.full_name,
               coalesce(r.roles, '') AS roles,
               u.bidang,
               u.is_active,
               timezone($tz, u.locked_until) AS locked_until,
               timezone($tz, s.last_sign_in) AS last_sign_in,
               u.revision                  -- sent back with every change made from the list
          FROM app_user AS u
          LEFT JOIN (
                SELECT user_id,
                       string_agg(role, ', ' ORDER BY list_position($order, role)) AS roles
                  FROM user_role
                 GROUP BY user_id
               ) AS r ON r.user_id = u.id
          LEFT JOIN (
                SELECT user_id, max(created_at) AS last_sign_in
                  FROM user_session
                 GROUP BY user_id
               ) AS s ON s.user_id = u.id
         ORDER BY u.username
        """,
        {"tz": str(TIMEZONE), "order": [role.value for role in Role]},
    ).df()
