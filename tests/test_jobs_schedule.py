"""Schedule rules of the scheduled jobs: when each runs next, across days, months and years,
on working days by the database's calendar (weekends, national holidays, cuti bersama)."""

from __future__ import annotations

import datetime as dt

import pytest

from dumas import i18n
from dumas.config import TIMEZONE
from dumas.db import Database
from dumas.jobs import schedule

AT_SIX = dt.time(6, 0)


def at(y: int, m: int, d: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hour, minute, tzinfo=TIMEZONE)


@pytest.fixture
def first_working_day(db: Database) -> schedule.FirstWorkingDay:
    return schedule.FirstWorkingDay(AT_SIX, schedule.working_days(db))


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (at(2026, 11, 27, 1, 59), at(2026, 11, 27, 2)),  # later the same night
        (at(2026, 11, 27, 2), at(2026, 11, 28, 2)),  # strictly after: not the same moment
        (at(2026, 11, 30, 14), at(2026, 12, 1, 2)),  # across the month's end
        (at(2026, 12, 31, 23, 59), at(2027, 1, 1, 2)),  # across the year's end
    ],
)
def test_a_daily_job_runs_next_at_its_time_on_the_next_day_it_has_not_passed(after, expected):
    assert schedule.Daily(dt.time(2, 0)).next_run(after) == expected


def test_a_daily_rule_reads_a_moment_of_another_time_zone_in_jakarta_time():
    utc_evening = dt.datetime(2026, 11, 26, 19, 30, tzinfo=dt.UTC)  # 02.30 in Jakarta
    assert schedule.Daily(dt.time(2, 0)).next_run(utc_evening) == at(2026, 11, 28, 2)


def test_an_interval_job_runs_that_long_after_its_last_start():
    last = dt.datetime(2026, 12, 31, 23, 59, 30, tzinfo=TIMEZONE)
    assert schedule.Every(60).next_run(last) == last + dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # Friday 27 November 2026: the next first working day is Tuesday 1 December.
        (at(2026, 11, 27, 10), at(2026, 12, 1, 6)),
        # 1 January 2027 is a holiday (a Friday), the 2nd and 3rd a weekend: Monday the 4th.
        (at(2026, 12, 1, 6), at(2027, 1, 4, 6)),
        # 1 May 2026 (Hari Buruh, a Friday) and the weekend after it: Monday 4 May.
        (at(2026, 4, 15), at(2026, 5, 4, 6)),
        # 1 June 2026 is Hari Lahir Pancasila: the semester's last month begins on the 2nd.
        (at(2026, 5, 4, 6), at(2026, 6, 2, 6)),
        # Earlier on the first working day itself: that day, at its time.
        (at(2026, 7, 1, 5, 59), at(2026, 7, 1, 6)),
    ],
)
def test_the_report_job_runs_on_the_first_working_day_of_the_next_month(
    first_working_day, after, expected
):
    assert first_working_day.next_run(after) == expected


def test_a_date_beyond_the_calendar_counts_monday_to_friday_as_working_days(db: Database):
    is_working = schedule.working_days(db)
    assert is_working(dt.date(2041, 1, 1))  # a Tuesday, past the calendar's last day
    assert not is_working(dt.date(2041, 1, 5))  # a Saturday


def test_each_rule_says_its_schedule_in_both_languages(first_working_day):
    said = {
        lang: [
            i18n.t(m.key, lang, **i18n.display_params(m.params, lang))
            for m in (
                schedule.Daily(dt.time(2, 0)).describe(),
                schedule.Every(60).describe(),
                first_working_day.describe(),
            )
        ]
        for lang in i18n.LANGUAGES
    }
    assert said["id"] == [
        "setiap hari pukul 02.00",
        "setiap 60 detik",
        "hari kerja pertama setiap bulan, pukul 06.00",
    ]
    assert said["en"][0] == "every day at 2:00\u202fAM"  # CLDR: a narrow space before AM
