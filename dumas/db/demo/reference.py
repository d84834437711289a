"""What the demo draws from: reference tables, the calendar, agency weights, name pools."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import numpy as np

from dumas import config
from dumas.db.demo.weights import AFFINITY, BASE_VOLUME, CATEGORY_SHARE, POPULATION, VOLUME_BOOST

EPOCH = dt.date(1970, 1, 1)
YEARS = 5


@dataclass(frozen=True)
class Reference:
    """Reference rows and the working-day calendar, as arrays indexed by position."""

    today: int  # day ordinals (days since 1970-01-01)
    start: int
    workdays: np.ndarray  # sorted ordinals of the working days
    agency_id: np.ndarray
    agency_category: np.ndarray
    agency_label: list[str]  # short name, else name
    agency_province: np.ndarray  # province position, -1 for central agencies
    agency_regency: np.ndarray  # regency position for a Pemkab/Pemkot, else -1
    provinces: list[str]
    province_share: np.ndarray
    regencies: list[str]
    regency_first: np.ndarray  # per province: first regency position and count
    regency_count: np.ndarray
    categories: list[str]
    problems: list[str]


@dataclass(frozen=True)
class Names:
    """Pools of Indonesian first and last names, male ones first."""

    first: list[str]
    first_male: int
    last: list[str]
    last_male: int


_SQL_WORKDAYS = """
SELECT d - DATE '1970-01-01'
  FROM calendar_day
 WHERE is_working
 ORDER BY d
"""
_SQL_AGENCIES = """
SELECT id, coalesce(nullif(short_name, ''), name), category_code, coalesce(province_code, ''), name
  FROM agency
 ORDER BY id
"""


def _ordinal(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH).days


def read_reference(cur: duckdb.DuckDBPyConnection, today: dt.date) -> Reference:
    """Read the reference tables and the calendar the demo draws from."""
    workdays = np.array([r[0] for r in cur.execute(_SQL_WORKDAYS).fetchall()], dtype=np.int64)
    start = _five_years_before(today)
    if len(workdays) == 0 or _ordinal(today) > workdays[-1] or today <= start:
        raise ValueError(f"{today} is outside the working-day calendar.")
    provinces = [r[0] for r in cur.execute("SELECT code FROM province ORDER BY code").fetchall()]
    regencies, first, count = _regencies(provinces)
    agencies = cur.execute(_SQL_AGENCIES).fetchall()
    prov_pos = {code: i for i, code in enumerate(provinces)}
    reg_pos = {(regencies_prov, name): i for i, (regencies_prov, name) in enumerate(regencies)}
    share = np.array([POPULATION.get(code, 1.0) for code in provinces])
    return Reference(
        today=_ordinal(today),
        start=_ordinal(start),
        workdays=workdays,
        agency_id=np.array([a[0] for a in agencies], dtype=np.int32),
        agency_category=np.array([a[2] for a in agencies]),
        agency_label=[a[1] for a in agencies],
        agency_province=np.array([prov_pos.get(a[3], -1) for a in agencies]),
        agency_regency=np.array([reg_pos.get((a[3], _own_regency(a[4])), -1) for a in agencies]),
        provinces=provinces,
        province_share=share / share.sum(),
        regencies=[name for _, name in regencies],
        regency_first=first,
        regency_count=count,
        categories=[
            r[0] for r in cur.execute("SELECT code FROM category ORDER BY code").fetchall()
        ],
        problems=[
            r[0] for r in cur.execute("SELECT code FROM problem_code ORDER BY code").fetchall()
        ],
    )


def _five_years_before(today: dt.date) -> dt.date:
    """The first day of the five years that end with today (never before 2000-01-01)."""
    try:
        first = today.replace(year=today.year - YEARS)
    except ValueError:  # 29 February
        first = today.replace(year=today.year - YEARS, day=28)
    return max(first + dt.timedelta(days=1), dt.date(2000, 1, 1))


def _regencies(provinces: list[str]) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray]:
    """Regencies of the known provinces grouped by province (capital first)."""
    path = config.REFERENCE_DIR / "regencies.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(r["province_code"], r["name"]) for r in csv.DictReader(fh)]
    order = {code: i for i, code in enumerate(provinces)}
    rows = sorted((r for r in rows if r[0] in order), key=lambda r: order[r[0]])
    by_province = np.array([order[code] for code, _ in rows], dtype=np.int64)
    count = np.bincount(by_province, minlength=len(provinces))
    if (count == 0).any():
        raise ValueError("regencies.csv lacks a regency for some province.")
    return rows, np.concatenate([[0], np.cumsum(count)[:-1]]), count


def _own_regency(agency_name: str) -> str:
    """'Pemerintah Kabupaten Bogor' -> 'Kabupaten Bogor'; '' for other agencies."""
    for prefix, kind in (("Pemerintah Kabupaten ", "Kabupaten "), ("Pemerintah Kota ", "Kota ")):
        if agency_name.startswith(prefix):
            return kind + agency_name.removeprefix(prefix)
    return ""


def agency_weights(ref: Reference) -> np.ndarray:
    """Probability of each agency per category: volume times affinity, rows sum to 1."""
    label = np.array(ref.agency_label)
    base = np.array([BASE_VOLUME.get(c, 0.6) for c in ref.agency_category])
    base *= np.array([VOLUME_BOOST.get(x, 1.0) for x in ref.agency_label])
    regional = ref.agency_province >= 0
    share = ref.province_share[np.where(regional, ref.agency_province, 0)] * len(ref.provinces)
    base = np.where(regional, base * np.sqrt(share), base)
    weights = np.empty((len(ref.categories), len(label)))
    for i, category in enumerate(ref.categories):
        names = AFFINITY.get(category)
        if names is None:
            weights[i] = base
            continue
        named = np.isin(label, names)
        kinds = np.isin(ref.agency_category, [x[1:] for x in names if x.startswith("@")])
        weights[i] = base * np.where(named, 20.0, np.where(kinds, 1.5, 0.04))
    return weights / weights.sum(axis=1, keepdims=True)


def category_share(ref: Reference) -> np.ndarray:
    """Probability of each substance category."""
    share = np.array([CATEGORY_SHARE.get(c, 1) for c in ref.categories], dtype=float)
    return share / share.sum()


def name_pools(seed: int) -> Names:
    """A few thousand Indonesian names from Faker, drawn once and combined later."""
    from faker import Faker

    fake = Faker("id_ID")
    fake.seed_instance(seed)
    male = _unique(fake.first_name_male() for _ in range(3000))
    female = _unique(fake.first_name_female() for _ in range(3000))
    last_male = _unique(fake.last_name_male() for _ in range(2000))
    last_female = _unique(fake.last_name_female() for _ in range(2000))
    return Names(male + female, len(male), last_male + last_female, len(last_male))


def _unique(values: Iterable[str]) -> list[str]:
    """Distinct values in first-seen order."""
    return list(dict.fromkeys(values))
