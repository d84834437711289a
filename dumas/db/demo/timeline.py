"""The demo's days, in the SOP's order and on working days, counted back from `today`.

The decided plan is drafted, discussed and approved (steps 1-3, a day each), then its
monitorings are prepared (step 4: the memo, the Deputi's answer, the Surat Perintah and
the travel memo on the next day), coordinated (step 5), carried out within their schedule
(step 6), and reported (steps 7-8). The field visit is being reported on today; the
official letter was sent, waited for, reported and accepted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dumas import config
from dumas.db import Database
from dumas.domain import calendar


@dataclass(frozen=True)
class Timeline:
    today: dt.date
    back: tuple[dt.date, ...]  # back[n]: the n-th working day before today (back[0] unused)
    ahead: tuple[dt.date, ...]  # ahead[n]: the n-th working day after today

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        """A moment of an office day, in Jakarta."""
        return dt.datetime.combine(day, dt.time(hour, minute), config.TIMEZONE)

    # The decided plan (steps 1-3) and the approval of its rows.
    @property
    def approved(self) -> dt.date:
        return self.back[20]

    # The field visit: step 4 over two days, step 5, the trip, steps 7 on the last days.
    @property
    def memo(self) -> dt.date:
        return self.back[19]

    @property
    def memo_answered(self) -> dt.date:  # also the Surat Perintah and the travel memo
        return self.back[18]

    @property
    def coordinated(self) -> dt.date:
        return self.back[17]

    @property
    def trip(self) -> tuple[dt.date, ...]:
        """Four working days in a row, no weekend or holiday between them: the latest
        such run ending five working days ago or earlier (after step 5, two weeks in)."""
        for end in range(5, 13):
            run = self.back[end + 3 : end - 1 : -1]
            if (run[-1] - run[0]).days == len(run) - 1:
                return run
        return self.back[8:4:-1]

    @property
    def costs_spent(self) -> dt.date:
        return self.back[3]

    @property
    def report_drafted(self) -> dt.date:
        return self.back[2]

    # The official letter: files (step 4), material (step 5), the letter, the wait.
    @property
    def letter_window(self) -> tuple[dt.date, dt.date]:
        return self.back[17], self.back[8]

    # The plan waiting for the Asdep (started four working days ago), its schedule ahead.
    @property
    def next_trip(self) -> tuple[dt.date, dt.date]:
        return self.ahead[10], self.ahead[13]

    @property
    def next_letters(self) -> tuple[dt.date, dt.date]:
        return self.ahead[5], self.ahead[15]

    def years(self) -> set[int]:
        """The budget years of every demo schedule (SBM rates are per year)."""
        return {day.year for day in (*self.back[1:], *self.ahead[1:])}


def timeline(db: Database, today: dt.date) -> Timeline:
    cur = db.cursor()
    back = tuple(calendar.add_working_days(cur, today, -n) if n else today for n in range(25))
    ahead = tuple(calendar.add_working_days(cur, today, n) if n else today for n in range(16))
    return Timeline(today, back, ahead)
