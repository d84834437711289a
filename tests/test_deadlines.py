"""Due times count working days (weekends, national holidays, cuti bersama) or office
minutes; lateness is in working days, or in minutes under a day."""

from __future__ import annotations

import datetime as dt

import pytest

from dumas import config, i18n
from dumas.domain import deadlines
from dumas.domain.deadlines import LateBy, Standard

JKT = config.TIMEZONE


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=JKT)


@pytest.mark.parametrize(
    ("started", "due"),
    [
        (at(2026, 11, 26, 10, 0), at(2026, 11, 27, 10, 0)),  # Thursday -> Friday
        (at(2026, 11, 27, 10, 0), at(2026, 11, 30, 10, 0)),  # Friday -> Monday (weekend)
        (at(2026, 12, 23, 10, 0), at(2026, 12, 28, 10, 0)),  # cuti bersama, Christmas, weekend
        (at(2026, 5, 13, 14, 30), at(2026, 5, 18, 14, 30)),  # Ascension + cuti bersama
        (at(2026, 11, 28, 9, 0), at(2026, 11, 30, 9, 0)),  # started on a Saturday
    ],
)
def test_one_working_day_step_is_due_on_the_next_working_day(db, started, due):
    assert deadlines.due_at(db.cursor(), started, Standard(working_days=1)) == due


@pytest.mark.parametrize(
    ("started", "due"),
    [
        (at(2026, 12, 23, 10, 0), at(2026, 12, 23, 10, 20)),  # office hours
        (at(2026, 12, 23, 7, 0), at(2026, 12, 23, 8, 20)),  # before opening
        (at(2026, 12, 23, 17, 0), at(2026, 12, 28, 8, 20)),  # evening before the holidays
        (at(2026, 12, 25, 9, 0), at(2026, 12, 28, 8, 20)),  # on Christmas day
    ],
)
def test_twenty_minute_step_counts_office_time_on_working_days(db, started, due):
    assert deadlines.due_at(db.cursor(), started, Standard(minutes=20)) == due


def test_lateness_is_in_working_days_or_in_minutes_under_a_day(db):
    due = at(2026, 12, 23, 10, 0)
    cur = db.cursor()
    assert deadlines.late_by(cur, due, at(2026, 12, 23, 9, 0)) is None
    assert deadlines.late_by(cur, due, at(2026, 12, 23, 10, 45)) == LateBy(0, 45)
    # 24 and 25 December are not working days: Monday 28 is one working day later
    assert deadlines.late_by(cur, due, at(2026, 12, 28, 9, 0)) == LateBy(1, 0)


@pytest.mark.parametrize(
    ("standard", "lang", "words"),
    [
        (Standard(working_days=1), "en", "1 working day"),
        (Standard(working_days=4), "en", "4 working days"),
        (Standard(working_days=1), "id", "1 hari kerja"),
        (Standard(minutes=20), "en", "20 minutes"),
    ],
)
def test_a_standard_time_reads_in_words_with_the_singular_for_one_day(standard, lang, words):
    key, number = deadlines.standard_words(standard)
    assert i18n.t(key, lang, n=number) == words
