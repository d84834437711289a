"""The draft periodic reports of the periods that just ended, written on the first working
day after a month ends: the month's, and the semester's and the year's when it ended them.
Never finalised: a report is finalised by the Asdep on "Laporan Berkala" (or --final)."""

from __future__ import annotations

import datetime as dt

from dumas import config, i18n
from dumas.db import Database
from dumas.domain import periods
from dumas.domain.periods import Period
from dumas.jobs.model import JobRun, Outcome
from dumas.periodic import names, output

LANG = i18n.DEFAULT_LANGUAGE  # official reports are in Indonesian


def ended_before(day: dt.date) -> list[Period]:
    """The periods whose end is the last month before `day`: that month, and the semester
    and the year it closes."""
    last = day.replace(day=1) - dt.timedelta(days=1)
    ended = [periods.month(last.year, last.month)]
    if last.month in (6, 12):
        ended.append(periods.parse(f"{last.year}-S{last.month // 6}"))
    if last.month == 12:
        ended.append(periods.year(last.year))
    return ended


def run(db: Database, run: JobRun) -> Outcome:
    """Each period's workbook and document in the report folder, named by the period."""
    folder = config.report_dir()
    folder.mkdir(parents=True, exist_ok=True)
    ended = ended_before(run.now.astimezone(config.TIMEZONE).date())
    for period in ended:
        with db.reading() as cur:
            data = output.report_data(cur, period, LANG, run.now)
            written = output.write(
                cur, data, LANG,
                xlsx=folder / names.file_name(period.code, LANG, "xlsx"),
                docx=folder / names.file_name(period.code, LANG, "docx"),
            )  # fmt: skip
        for path in written:
            run.log(i18n.t("jobs.reports.written", LANG, path=path))
    codes = ", ".join(period.code for period in ended)
    return Outcome(message=i18n.t("jobs.reports.done", LANG, periods=codes, folder=folder))
