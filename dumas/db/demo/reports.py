"""Demo periodic reports, through the services: the month before last drafted by the
analyst, checked by the Kabid, finalised by the Asdep and forwarded by the Deputi early in
the following month, and last month's narrative drafted by the analyst."""

from __future__ import annotations

import datetime as dt

from dumas import config
from dumas.db import Database
from dumas.db.demo.plans import user
from dumas.domain import calendar, periods
from dumas.domain.report_flow import ReportMove
from dumas.services import periodic


def _early_in(db: Database, month_after: dt.date, nth: int, hour: int) -> dt.datetime:
    """The nth working day of a month, at an office hour."""
    day = calendar.add_working_days(db.cursor(), month_after - dt.timedelta(days=1), nth)
    return dt.datetime.combine(day, dt.time(hour), config.TIMEZONE)


def make_demo_reports(db: Database, today: dt.date) -> None:
    first = today.replace(day=1)
    last_month = periods.parse(f"{(first - dt.timedelta(days=1)):%Y-%m}")
    before = last_month.previous()
    analyst, kabid, asdep = user(db, "analis"), user(db, "kabid"), user(db, "asdep")
    final_text = {
        "key_issues": "Sebagian besar surat penerusan belum ditanggapi dalam 14 hari kerja.\n"
        "Tanggapan instansi daerah lebih lambat daripada kementerian.",
        "recommendations": "Kirim surat pengingat kedua kepada instansi dengan surat tertua.\n"
        "Usulkan pemantauan langsung untuk instansi dengan tunggakan terbanyak.",
    }
    periodic.save_draft(db, analyst, before, narrative=final_text, revision=0,
                       now=_early_in(db, last_month.start, 2, 15))  # fmt: skip
    periodic.review(db, kabid, before, move=ReportMove.CHECK, revision=1,
                    now=_early_in(db, last_month.start, 3, 9))  # fmt: skip
    periodic.finalise(db, asdep, before, narrative=final_text, revision=1,
                     now=_early_in(db, last_month.start, 3, 10))  # fmt: skip
    sent = _early_in(db, last_month.start, 4, 11)
    periodic.forward(db, user(db, "deputi"), before, sent_on=sent.date(), now=sent)
    draft = {"key_issues": "Jumlah pengaduan melalui SP4N-LAPOR! meningkat.",
             "recommendations": None}  # fmt: skip
    periodic.save_draft(db, analyst, last_month, narrative=draft, revision=0,
                       now=_early_in(db, first, 1, 14))  # fmt: skip
