"""The complaint table: dates, channels, agencies, places, problems and complainants."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dumas.db.demo.arrays import calendar_year, pick, running_number, stamp, text
from dumas.db.demo.reference import Names, Reference, category_share
from dumas.db.demo.vocabulary import EMAIL_DOMAIN_SHARE, EMAIL_DOMAINS, PHONE_PREFIXES, SUMMARIES
from dumas.db.demo.weights import (
    CATEGORY_PROBLEM,
    CHANNEL_FIRST_YEAR,
    CHANNEL_LAST_YEAR,
    CHANNELS,
    EMAIL_SHARE,
    OFFLINE,
)


def draw_complaints(
    rng: np.random.Generator, ref: Reference, n: int, weights: np.ndarray, names: Names
) -> tuple[pd.DataFrame, np.ndarray]:
    """The complaint frame and three candidate agencies per row (reported one first)."""
    received, channel = _received(rng, ref, n)
    category = rng.choice(len(ref.categories), n, p=category_share(ref))
    agencies = _draw_agencies(rng, weights, category)
    province, regency = _locus(rng, ref, agencies[:, 0])
    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "seq": running_number(calendar_year(received)),
            "received": received,
            "created": stamp(rng, received),
            "channel": text(channel, CHANNELS),
            **_people(rng, names, channel),
            "province": text(province, ref.provinces),
            "regency": text(regency, ref.regencies),
            "agency_id": ref.agency_id[agencies[:, 0]],
            "problem": text(_problems(rng, ref, category), ref.problems),
            "category": text(category, ref.categories),
            "template": _summaries(rng, ref, category),
            "instansi": text(agencies[:, 0], ref.agency_label),
        }
    )
    return frame, agencies


def _received(rng: np.random.Generator, ref: Reference, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Dates received (volume growing over the years, fewer on days off) and channels."""
    days = np.arange(ref.start, ref.today + 1)
    t = (days - ref.start) / max(len(days) - 1, 1)
    working = np.isin(days, ref.workdays)
    weight = (1 + 0.6 * t) * np.where(working, 1.0, 0.25)
    received = np.sort(rng.choice(days, n, p=weight / weight.sum()))
    channel = _channels(rng, (received - ref.start) / max(len(days) - 1, 1))
    offline = np.isin(channel, OFFLINE)
    nxt = ref.workdays[np.clip(np.searchsorted(ref.workdays, received), 0, len(ref.workdays) - 1)]
    prev = ref.workdays[np.clip(np.searchsorted(ref.workdays, received, "right") - 1, 0, None)]
    moved = np.where(nxt <= ref.today, nxt, prev)
    received = np.where(offline, moved, received)
    order = np.argsort(received, kind="stable")
    return received[order], channel[order]


def _channels(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Channel positions, the mix moving linearly from the first to the last year."""
    first, last = np.array(CHANNEL_FIRST_YEAR), np.array(CHANNEL_LAST_YEAR)
    cumulative = np.cumsum(first + np.outer(t, last - first), axis=1)
    u = rng.random(len(t)) * cumulative[:, -1]
    return (u[:, None] > cumulative).sum(axis=1)


def _draw_agencies(
    rng: np.random.Generator, weights: np.ndarray, category: np.ndarray
) -> np.ndarray:
    """Per row: the reported agency and two more candidates for forwarding."""
    out = np.empty((len(category), 3), dtype=np.int64)
    for c in range(len(weights)):
        rows = np.flatnonzero(category == c)
        out[rows] = rng.choice(weights.shape[1], (len(rows), 3), p=weights[c])
    return out


def _locus(
    rng: np.random.Generator, ref: Reference, agency: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Province and regency: the regional agency's own, else where complainants live."""
    province = ref.agency_province[agency]
    drawn = rng.choice(len(ref.provinces), len(agency), p=ref.province_share)
    province = np.where(province >= 0, province, drawn)
    skew = rng.random(len(agency)) ** 1.7  # the capital comes first and most often
    regency = ref.regency_first[province] + (ref.regency_count[province] * skew).astype(np.int64)
    own = ref.agency_regency[agency]
    return province, np.where(own >= 0, own, regency)


def _problems(rng: np.random.Generator, ref: Reference, category: np.ndarray) -> np.ndarray:
    """Mostly the category's own problem code, sometimes abuse of power or another."""
    last = len(ref.problems) - 1
    own = np.array(
        [
            ref.problems.index(p) if p in ref.problems else last
            for p in (CATEGORY_PROBLEM.get(c, "10") for c in ref.categories)
        ]
    )
    abuse = ref.problems.index("01") if "01" in ref.problems else last
    u = rng.random(len(category))
    other = rng.integers(0, len(ref.problems), len(category))
    return np.where(u < 0.8, own[category], np.where(u < 0.9, abuse, other))


def _summaries(rng: np.random.Generator, ref: Reference, category: np.ndarray) -> pd.Categorical:
    """A summary template of the complaint's category."""
    groups = [SUMMARIES.get(c, SUMMARIES["lainnya"]) for c in ref.categories]
    count = np.array([len(g) for g in groups])
    first = np.concatenate([[0], np.cumsum(count)[:-1]])
    texts = [t for g in groups for t in g]
    return text(pick(rng, first[category], count[category]), texts)


def _people(rng: np.random.Generator, names: Names, channel: np.ndarray) -> dict[str, object]:
    """Complainant name and contact parts (a mobile number or an e-mail address)."""
    n = len(channel)
    male = rng.random(n) < 0.6
    first = np.where(
        male,
        rng.integers(0, names.first_male, n),
        rng.integers(names.first_male, len(names.first), n),
    )
    last = np.where(
        male, rng.integers(0, names.last_male, n), rng.integers(names.last_male, len(names.last), n)
    )
    last = np.where(rng.random(n) < 0.12, -1, last)  # many Indonesians have one name
    separator = np.where(last < 0, -1, rng.integers(0, 3, n))
    return {
        "first": text(first, names.first),
        "last": text(last, names.last),
        "first_key": text(first, [_ascii(x) for x in names.first]),
        "last_key": text(last, [_ascii(x) for x in names.last]),
        "separator": text(separator, (".", "_", "")),
        "digits": np.where(rng.random(n) < 0.5, rng.integers(1, 2000, n), 0),
        "domain": text(rng.choice(len(EMAIL_DOMAINS), n, p=EMAIL_DOMAIN_SHARE), EMAIL_DOMAINS),
        "is_email": rng.random(n) < np.array(EMAIL_SHARE)[channel],
        "prefix": text(rng.integers(0, len(PHONE_PREFIXES), n), PHONE_PREFIXES),
        "phone": rng.integers(0, 10**8, n),
        "short_phone": rng.random(n) < 0.3,
        "intl": rng.random(n) < 0.08,
    }


def _ascii(name: str) -> str:
    """A name as e-mail letters: lower-case a-z only."""
    return "".join(ch for ch in name.lower() if "a" <= ch <= "z") or "pengadu"
