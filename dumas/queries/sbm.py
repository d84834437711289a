"""Read side of the Standar Biaya Masukan rates kept by finance staff."""

from __future__ import annotations

from decimal import Decimal

import duckdb


def rates(cur: duckdb.DuckDBPyConnection, year: int) -> dict[str, tuple[Decimal, Decimal]]:
    """province code -> (daily allowance, lodging cap) of one budget year, whole rupiah."""
    rows = cur.execute(
        """
        SELECT province_code, daily_allowance, lodging_cap
          FROM sbm_rate
         WHERE year = $year
        """,
        {"year": year},
    ).fetchall()
    return {code: (allowance, lodging) for code, allowance, lodging in rows}
