"""Reminder letters in bulk (surat konfirmasi, issue 20): which kind a forwarding letter is
due, why a letter is left out, the letters as the documents and the list print them, and
the running numbers counted up from a pattern. Plain data and rules: no database.

One konfirmasi letter goes to one agency and lists its forwarding letters of one kind:
konfirmasi I for letters never reminded, konfirmasi II for those reminded once (the order
services/followup._check_reminder_order keeps for a single reminder). A letter already
answered, reminded twice, or sent (forwarded or reminded) fewer than the setting's working
days ago is left out, with its reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum

from dumas.domain.codes import ReminderKind
from dumas.domain.errors import Message, ValidationError

MAX_LETTERS = 5_000  # forwarding letters in one batch: beyond it, narrow the filters
SHOWN_LEFT_OUT = 1_000  # left-out letters listed one by one (all are counted)
SUBJECT_CHARS = 240  # the complaint's summary as a letter's subject, cut at a word
RUNNING_MARKS = ("…", "...")  # the running part of a number pattern (a draft's "...")
GAP_SETTING = "reminder_gap_days"  # deadlines.UNIT_DEFAULTS: working days between letters


class LeftOut(StrEnum):
    """Why a chosen forwarding letter gets no reminder now (label: reminders.left_out.*)."""

    ANSWERED = "answered"
    REMINDED_TWICE = "reminded_twice"
    RECENTLY_REMINDED = "recently_reminded"  # its last reminder is fewer than N days old
    RECENTLY_FORWARDED = "recently_forwarded"  # the letter itself is fewer than N days old


def next_kind(sent: int) -> ReminderKind | None:
    """The reminder a forwarding letter is due after `sent` reminders: I, then II, then none."""
    kinds = tuple(ReminderKind)
    return kinds[sent] if 0 <= sent < len(kinds) else None


def subject(summary: str | None) -> str | None:
    """A complaint's summary as the subject a letter lists: whole up to SUBJECT_CHARS, else
    cut at the last word that fits, with "…"."""
    text = " ".join((summary or "").split())
    if len(text) <= SUBJECT_CHARS:
        return text or None
    cut = text[:SUBJECT_CHARS].rsplit(" ", 1)[0] or text[:SUBJECT_CHARS]
    return f"{cut.rstrip(',;:.')}…"


@dataclass(frozen=True)
class ListedLetter:
    """A forwarding letter as a reminder lists it; the age in working days is
    letter_facts' age_wd at the reminder's date, the first reminder's number and date only
    in a konfirmasi II."""

    forwarding_id: int
    complaint_id: int
    agenda_no: str
    letter_no: str
    letter_date: dt.date
    subject: str | None
    age_wd: int | None
    first_reminder_no: str | None = None
    first_reminder_on: dt.date | None = None


@dataclass(frozen=True)
class ReminderLetter:
    """One konfirmasi letter to one agency: a draft (no number yet) or as recorded."""

    agency_id: int
    agency: str
    agency_head: str | None
    agency_city: str | None
    kind: str
    letters: tuple[ListedLetter, ...]
    letter_no: str | None = None  # recorded; a draft prints the running part as "..."
    letter_date: dt.date | None = None  # recorded; a draft is dated the day it is made
    id: int | None = None  # reminder_letter.id once recorded

    @property
    def complete_address(self) -> bool:
        """Whether the agency list gives the head's title and the city the letter needs."""
        return bool((self.agency_head or "").strip() and (self.agency_city or "").strip())


@dataclass(frozen=True)
class LeftOutLetter:
    """A chosen forwarding letter left out, with why."""

    agenda_no: str
    letter_no: str
    letter_date: dt.date
    agency: str
    reason: str  # LeftOut
    last_reminder_on: dt.date | None


@dataclass(frozen=True)
class ReminderBatch:
    """What a preview shows before anything is written: the letters per agency and kind,
    and the chosen letters left out (all counted, the first SHOWN_LEFT_OUT listed)."""

    as_of: dt.date
    gap_days: int
    included: int  # forwarding letters to remind
    agencies: int
    left_out: dict[str, int] = field(default_factory=dict)  # reason -> letters
    letters: tuple[ReminderLetter, ...] = ()  # empty when too_many
    left_out_letters: tuple[LeftOutLetter, ...] = ()

    @property
    def too_many(self) -> bool:
        """More letters than one batch may hold (MAX_LETTERS)."""
        return self.included > MAX_LETTERS

    @property
    def left_out_total(self) -> int:
        return sum(self.left_out.values())

    @property
    def incomplete_agencies(self) -> list[str]:
        """The agencies whose letters print dots for the head's title or the city."""
        return sorted({x.agency for x in self.letters if not x.complete_address})


def counted_up(pattern: str, first: str, count: int) -> list[str]:
    """`count` letter numbers from a pattern whose running part is "…" (or "...", as a draft
    prints it), counted up from `first` and as wide as it is written ("007", "008", ...)."""
    pattern = " ".join((pattern or "").split())
    marks = [(mark, pattern.count(mark)) for mark in RUNNING_MARKS if mark in pattern]
    start = (first or "").strip()
    errors: list[Message] = []
    if [n for _, n in marks] != [1]:  # one running part, written one way
        errors.append(Message("error.reminder_pattern", {}, "number_pattern"))
    if not re.fullmatch(r"\d{1,9}", start):
        errors.append(Message("error.reminder_first_number", {}, "first_number"))
    if errors:
        raise ValidationError(*errors)
    width = len(start) if start.startswith("0") else 1
    before, after = pattern.split(marks[0][0])
    return [f"{before}{int(start) + i:0{width}d}{after}" for i in range(count)]
