"""Record a batch of reminder letters (surat konfirmasi, issue 20) once the registry has
numbered them: each letter to an agency, and a reminder of each forwarding letter it lists,
in one transaction with the follow-up facts kept in step and one audit row per letter.

The letters are those a preview showed (queries/reminders.py prepare); each forwarding
letter is checked again inside the transaction, so a response or a reminder recorded since
the preview refuses the whole batch: nothing is written, and the user previews again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb

from dumas.db import Database, facts, next_id
from dumas.domain.codes import ReminderKind
from dumas.domain.errors import Conflict, Message, ValidationError
from dumas.domain.permissions import Action, User, require
from dumas.domain.reminders import MAX_LETTERS, RUNNING_MARKS
from dumas.queries import reminders as queries
from dumas.services.common import audit, check_date, clean_letter_no, raise_if


@dataclass(frozen=True)
class NumberedLetter:
    """One konfirmasi letter as signed: its agency, kind and forwarding letters as the
    preview showed them, with the number and date the registry gave it."""

    agency_id: int
    kind: str
    forwarding_ids: tuple[int, ...]
    letter_no: str
    letter_date: dt.date | None


def record_reminder_letters(
    db: Database, actor: User, letters: Sequence[NumberedLetter], *, today: dt.date
) -> list[int]:
    """Record the letters and their reminders; return the letters' ids (reminder_letter)."""
    require(actor, Action.RECORD_LETTERS)
    numbers = _checked(letters, today)
    with db.transaction() as cur:
        found = queries.classify(cur, [f for x in letters for f in x.forwarding_ids], today)
        for letter in letters:
            _check_still_due(letter, found)
        _refuse_taken(cur, numbers)
        letter_ids = _insert(cur, letters, numbers)
        facts.refresh(cur, {found[f].complaint_id for x in letters for f in x.forwarding_ids})
        for letter_id, letter, number in zip(letter_ids, letters, numbers, strict=True):
            row = {"id": letter_id, "agency_id": letter.agency_id, "kind": letter.kind,
                   "letter_no": number, "letter_date": letter.letter_date,
                   "forwarding_ids": list(letter.forwarding_ids)}  # fmt: skip
            audit(cur, actor.username, "reminder_letter.create", "reminder_letter", letter_id,
                  None, row)  # fmt: skip
        return letter_ids


def _checked(letters: Sequence[NumberedLetter], today: dt.date) -> list[str]:
    """Every number given, trimmed, none twice, none a draft's; every date given, not in the
    future; each forwarding letter in one letter only, at most MAX_LETTERS of them."""
    errors: list[Message] = []
    if not letters:
        raise ValidationError(Message("error.reminders_none"))
    numbers = [clean_letter_no(x.letter_no, "letter_no", errors) for x in letters]
    for letter in letters:
        check_date(letter.letter_date, "letter_date", today, errors)
        if not ReminderKind.allows(letter.kind) or not letter.forwarding_ids:
            errors.append(Message("error.invalid_choice", {}, "kind"))
    for number in numbers:  # a draft's "..." is no number the registry gave
        if any(mark in number for mark in RUNNING_MARKS):
            errors.append(Message("error.reminder_draft_number", {"letter_no": number},
                                  "letter_no"))  # fmt: skip
    seen: set[str] = set()
    for number in numbers:
        if number and number.lower() in seen:
            errors.append(Message("error.duplicate_letter", {"letter_no": number}, "letter_no"))
        seen.add(number.lower())
    ids = [f for x in letters for f in x.forwarding_ids]
    if len(set(ids)) != len(ids) or len(ids) > MAX_LETTERS:
        errors.append(Message("error.reminders_too_many", {"max": MAX_LETTERS}))
    unique: list[Message] = []
    for error in errors:  # one date missing in ten letters is one message
        if error not in unique:
            unique.append(error)
    raise_if(unique)
    return numbers


def _check_still_due(letter: NumberedLetter, found: dict[int, queries.Due]) -> None:
    """Each forwarding letter still due this kind of reminder to this agency (a response or
    a reminder recorded since the preview refuses the batch), and dated on or before the
    letter, as is its last reminder."""
    on = letter.letter_date
    for forwarding_id in letter.forwarding_ids:
        due = found.get(forwarding_id)
        if due is None or (due.agency_id, due.kind, due.left_out) != (
            letter.agency_id,
            letter.kind,
            None,
        ):
            agenda = due.agenda_no if due else str(forwarding_id)
            raise Conflict(Message("error.reminders_changed", {"agenda_no": agenda}))
        if on is not None and on < due.letter_date:
            raise ValidationError(
                Message("error.before_forwarding", {"date": due.letter_date}, "letter_date")
            )
        if on is not None and due.last_on is not None and on < due.last_on:
            raise ValidationError(
                Message("error.before_konfirmasi_1", {"date": due.last_on}, "letter_date")
            )


def _refuse_taken(cur: duckdb.DuckDBPyConnection, numbers: list[str]) -> None:
    """No number a reminder letter already carries (whatever its case)."""
    taken = cur.execute(
        "SELECT letter_no FROM reminder_letter"
        " WHERE lower(letter_no) IN (SELECT lower(unnest($numbers))) ORDER BY letter_no",
        {"numbers": numbers},
    ).fetchall()
    if taken:
        raise Conflict(Message("error.duplicate_letter", {"letter_no": taken[0][0]}, "letter_no"))


def _insert(
    cur: duckdb.DuckDBPyConnection, letters: Sequence[NumberedLetter], numbers: list[str]
) -> list[int]:
    """The letters, and a reminder row per forwarding letter each lists, in two statements
    (a statement per letter took seconds for a few hundred); returns the letters' ids."""
    first_letter, first_reminder = next_id(cur, "reminder_letter"), next_id(cur, "reminder")
    letter_ids = list(range(first_letter, first_letter + len(letters)))
    cur.execute(
        """
        INSERT INTO reminder_letter (id, agency_id, kind, letter_no, letter_date)
        SELECT unnest($ids), unnest($agencies), unnest($kinds), unnest($numbers),
               unnest($dates)
        """,
        {"ids": letter_ids, "agencies": [x.agency_id for x in letters],
         "kinds": [x.kind for x in letters], "numbers": numbers,
         "dates": [x.letter_date for x in letters]},
    )  # fmt: skip
    owners = [i for i, x in enumerate(letters) for _ in x.forwarding_ids]
    cur.execute(
        """
        INSERT INTO reminder (id, forwarding_id, kind, letter_no, letter_date, letter_id)
        SELECT $first + n - 1, f, l.kind, l.letter_no, l.letter_date, l.id
          FROM (SELECT unnest($forwarding) AS f, unnest($letters) AS letter_id,
                       unnest(range(1, len($forwarding) + 1)) AS n) AS m
          JOIN reminder_letter AS l ON l.id = m.letter_id
        """,
        {"first": first_reminder,
         "forwarding": [f for x in letters for f in x.forwarding_ids],
         "letters": [letter_ids[i] for i in owners]},
    )  # fmt: skip
    return letter_ids
