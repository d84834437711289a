"""Column-wise helpers: working-day arithmetic, running numbers, text by position."""

from __future__ import annotations

import numpy as np
import pandas as pd

NEVER = 10**9  # a day ordinal after any real date: "no such date"


def add_workdays(workdays: np.ndarray, days: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The k-th working day after each day (k = 0 keeps a working day), else NEVER."""
    # NEVER when the k-th working day lies past the calendar's end.
    pos = np.searchsorted(workdays, days, side="right") - 1 + k
    inside = (pos >= 0) & (pos < len(workdays))
    return np.where(inside, workdays[np.clip(pos, 0, len(workdays) - 1)], NEVER)


def running_number(groups: np.ndarray) -> np.ndarray:
    """1-based rank of each row within its group, in row order."""
    order = np.argsort(groups, kind="stable")
    ranked = groups[order]
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups)) - np.searchsorted(ranked, ranked, side="left") + 1
    return rank


def calendar_year(days: np.ndarray) -> np.ndarray:
    """Calendar year of each day ordinal."""
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def text(codes: np.ndarray, values: list[str] | tuple[str, ...]) -> pd.Categorical:
    """Strings by position (-1 = NULL) as a categorical DuckDB reads without copying."""
    plain = [str(v) for v in values]  # coded values (StrEnum members) as their plain strings
    labels, inverse = np.unique(np.array(plain, dtype=object), return_inverse=True)
    mapped = np.where(codes >= 0, inverse[np.clip(codes, 0, None)], -1)
    return pd.Categorical.from_codes(mapped, categories=labels.tolist())


def pick(rng: np.random.Generator, first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """A uniform position in [first, first + count) per row."""
    return first + (count * rng.random(len(first))).astype(np.int64)


def stamp(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Epoch seconds during office hours (08-16 WIB, UTC+7) on each day."""
    return days * 86_400 + rng.integers(8 * 3600, 16 * 3600, len(days)) - 7 * 3600
