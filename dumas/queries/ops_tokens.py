"""Read side of the command line's tokens (dumas/services/ops_tokens.py): the list an
Administrator manages, never the tokens themselves (only their hashes are stored)."""

from __future__ import annotations

import duckdb
import pandas as pd

from dumas.config import TIMEZONE

# Column -> catalogue id of its header, in screen order.
COLUMNS = {
    "label": "ops_token.col.label",
    "created_by": "ops_token.col.created_by",
    "created_at": "ops_token.col.created_at",
    "last_used_at": "ops_token.col.last_used_at",
    "revoked_at": "ops_token.col.revoked_at",
}


def tokens(cur: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every token, active ones first then newest first; moments in Jakarta wall time."""
    return cur.execute(
        """
        SELECT t.id,
               t.label,
               coalesce(u.full_name, t.created_by::VARCHAR) AS created_by,
               timezone($tz, t.created_at) AS created_at,
               timezone($tz, t.last_used_at) AS last_used_at,
               timezone($tz, t.revoked_at) AS revoked_at
          FROM ops_token AS t
          LEFT JOIN app_user AS u ON u.id = t.created_by
         ORDER BY t.revoked_at IS NOT NULL, t.created_at DESC, t.id DESC
        """,
        {"tz": str(TIMEZONE)},
    ).df()
