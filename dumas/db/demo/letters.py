"""Letters to agencies, their responses and reminders, and the registry numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dumas.db.demo.arrays import (
    NEVER,
    add_workdays,
    calendar_year,
    pick,
    running_number,
    stamp,
    text,
)
from dumas.db.demo.reference import Reference, category_share
from dumas.db.demo.vocabulary import (
    FIRST_STATUS_SHARE,
    RESPONSE_CLASSES,
    RESPONSE_SUMMARIES,
    STATUSES,
)
from dumas.domain.codes import ReminderKind, ResponseStatus


def forwardings(
    rng: np.random.Generator, ref: Reference, received: np.ndarray, agencies: np.ndarray
) -> pd.DataFrame:
    """One letter per complaint (some to two agencies) a few working days after receipt."""
    n = len(received)
    first = np.where(rng.random(n) < 0.85, agencies[:, 0], agencies[:, 1])
    second = np.flatnonzero((rng.random(n) < 0.085) & (agencies[:, 2] != first))
    wait = np.minimum(rng.geometric(0.35, n), 15)
    later = wait + np.where(rng.random(n) < 0.7, 0, rng.integers(1, 10, n))
    complaint = np.concatenate([np.arange(n), second])
    agency = np.concatenate([first, agencies[second, 2]])
    day = np.concatenate(
        [
            add_workdays(ref.workdays, received, wait),
            add_workdays(ref.workdays, received[second], later[second]),
        ]
    )
    keep = np.flatnonzero(day <= ref.today)  # not yet forwarded: no letter
    order = keep[np.lexsort((complaint[keep], day[keep]))]
    return pd.DataFrame(
        {
            "id": np.arange(1, len(order) + 1),
            "complaint_id": complaint[order] + 1,
            "agency_pos": agency[order],
            "agency_id": ref.agency_id[agency[order]],
            "day": day[order],
            "created": stamp(rng, day[order]),
        }
    )


def behaviour(
    rng: np.random.Generator, ref: Reference, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per agency: the share of letters it ever answers and its median delay (working days)."""
    k = len(ref.agency_id)
    rate = rng.uniform(0.40, 0.85, k)
    silent = rng.random(k) < 0.08
    rate[silent] = rng.uniform(0.05, 0.15, silent.sum())
    busiest = np.argsort(-(category_share(ref) @ weights), kind="stable")[:8]
    picked = rng.choice(busiest, 4, replace=False)
    rate[picked[:2]] = rng.uniform(0.05, 0.12, 2)  # big and chronically silent
    rate[picked[2:]] = rng.uniform(0.88, 0.95, 2)  # big and exemplary
    delay = np.exp(rng.uniform(np.log(5), np.log(35), k))
    return rate, delay


def responses(
    rng: np.random.Generator,
    ref: Reference,
    fwd: pd.DataFrame,
    rate: np.ndarray,
    delay: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Responses (some 'dalam_proses' followed by a final one) and each letter's first."""
    m = len(fwd)
    agency, day = fwd["agency_pos"].to_numpy(), fwd["day"].to_numpy()
    wait = np.minimum(np.rint(delay[agency] * np.exp(0.85 * rng.standard_normal(m))), 500)
    first = add_workdays(ref.workdays, day, wait.astype(np.int64))
    first = np.where((rng.random(m) < rate[agency]) & (first <= ref.today), first, NEVER)
    status = rng.choice(len(STATUSES), m, p=FIRST_STATUS_SHARE)
    again = (status == STATUSES.index(ResponseStatus.DALAM_PROSES)) & (rng.random(m) < 0.5)
    wait = 1 + np.minimum(np.rint(25 * np.exp(0.7 * rng.standard_normal(m))), 400)
    second = add_workdays(ref.workdays, np.minimum(first, ref.workdays[-1]), wait.astype(np.int64))
    second = np.where(again & (first < NEVER) & (second <= ref.today), second, NEVER)
    refused = STATUSES.index(ResponseStatus.TIDAK_DAPAT_DITINDAKLANJUTI)
    final = np.where(rng.random(m) < 0.85, 0, refused)
    one, two = np.flatnonzero(first < NEVER), np.flatnonzero(second < NEVER)
    source = np.concatenate([one, two])
    answer_day = np.concatenate([first[one], second[two]])
    order = np.lexsort((source, answer_day))
    states = np.concatenate([status[one], final[two]])[order]
    frame = _response_frame(rng, ref, fwd, source[order], answer_day[order], states)
    return frame, first


def _response_frame(
    rng: np.random.Generator,
    ref: Reference,
    fwd: pd.DataFrame,
    source: np.ndarray,
    day: np.ndarray,
    status: np.ndarray,
) -> pd.DataFrame:
    """Response rows with per-agency letter numbering (a running number per year)."""
    agency = fwd["agency_pos"].to_numpy()[source]
    k = len(ref.agency_id)
    base, step = rng.integers(1, 400, k), rng.integers(1, 30, k)  # other letters in between
    rank = running_number(agency * 10_000 + calendar_year(day))
    groups = [RESPONSE_SUMMARIES[s] for s in STATUSES]
    count = np.array([len(g) for g in groups])
    first = np.concatenate([[0], np.cumsum(count)[:-1]])
    return pd.DataFrame(
        {
            "id": np.arange(1, len(source) + 1),
            "complaint_id": fwd["complaint_id"].to_numpy()[source],
            "agency_id": ref.agency_id[agency],
            "seq": base[agency] + step[agency] * (rank - 1),
            "code": text(agency, [_letter_code(x) for x in ref.agency_label]),
            "class": text(rng.integers(0, len(RESPONSE_CLASSES), k)[agency], RESPONSE_CLASSES),
            "day": day,
            "status": text(status, STATUSES),
            "summary": text(
                pick(rng, first[status], count[status]), [t for g in groups for t in g]
            ),
            "created": stamp(rng, day),
        }
    )


def _letter_code(label: str) -> str:
    """'Kemendagri' -> 'KEMENDAGRI'; 'Pemprov Papua Selatan' -> 'PEMPROV-PS'."""
    words = "".join(ch if ch.isalnum() else " " for ch in label.upper()).split() or ["INST"]
    if len("".join(words)) <= 12:
        return "".join(words)
    return words[0] + "-" + "".join(w[0] for w in words[1:])


def reminders(
    rng: np.random.Generator, ref: Reference, fwd: pd.DataFrame, first_answer: np.ndarray
) -> pd.DataFrame:
    """Konfirmasi letters for letters still unanswered after about 30 and 60 working days."""
    m, day = len(fwd), fwd["day"].to_numpy()
    due1 = add_workdays(ref.workdays, day, 30 + rng.integers(0, 6, m))
    due2 = add_workdays(ref.workdays, day, 60 + rng.integers(0, 6, m))
    sent1 = (due1 <= ref.today) & (due1 < first_answer) & (rng.random(m) < 0.6)
    sent2 = sent1 & (due2 <= ref.today) & (due2 < first_answer) & (rng.random(m) < 0.5)
    one, two = np.flatnonzero(sent1), np.flatnonzero(sent2)
    source = np.concatenate([one, two])
    kind = np.concatenate([np.zeros(len(one), np.int64), np.ones(len(two), np.int64)])
    letter_day = np.concatenate([due1[one], due2[two]])
    order = np.lexsort((kind, source, letter_day))
    return pd.DataFrame(
        {
            "id": np.arange(1, len(order) + 1),
            "forwarding_id": fwd["id"].to_numpy()[source[order]],
            "kind": text(kind[order], tuple(ReminderKind)),
            "day": letter_day[order],
            "created": stamp(rng, letter_day[order]),
        }
    )


def number_outgoing(
    rng: np.random.Generator, forwarding: pd.DataFrame, reminder: pd.DataFrame
) -> None:
    """Registry numbers per year over all outgoing letters, set in place on both frames."""
    # Gaps stand for the ministry's other letters; a year the data starts in the middle of
    # starts at a matching number.
    days = np.concatenate([forwarding["day"].to_numpy(), reminder["day"].to_numpy()])
    order = np.lexsort((np.arange(len(days)), days))
    gaps = rng.integers(1, 6, len(days))
    total = np.cumsum(gaps)
    year = calendar_year(days[order])
    first = np.searchsorted(year, year, side="left")
    new_year = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    per_day = total[-1] / max(days.max() - days.min(), 1) if len(days) else 0
    offset = np.rint((days[order][first] - new_year) * per_day).astype(np.int64)
    seq = np.empty(len(days), dtype=np.int64)
    seq[order] = total - total[first] + gaps[first] + offset
    forwarding["seq"] = seq[: len(forwarding)]
    reminder["seq"] = seq[len(forwarding) :]
