"""The route of a periodic report, as data: drafted by the analysts, checked by the Kabid
(who may return it with a note), finalised by the Asdep, forwarded by the Deputi to the
Menteri Sekretaris Negara (the addressee is a setting), and when it is due.

The state is derived from what is stored (the draft's revision, the Kabid's latest check
or return and the revision it concerned, the finalised copy, the forwarding): a draft saved
after the check needs a new check. The table below drives both the buttons the report page
shows (refusal() is None) and the check the service makes (services/periodic.py). Nothing
here touches the database except the working-day lookup of the due date.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from enum import StrEnum

import duckdb

from dumas import config, i18n
from dumas.domain import calendar, periods
from dumas.domain.errors import Message
from dumas.domain.periods import Period
from dumas.domain.permissions import Action, Role, User

DUE_WORKING_DAY = 5  # default: a report is due by the 5th working day after its period
ROUTED_KINDS = ("month", "semester", "year")  # the reports that fall due (not ranges)


class ReportState(StrEnum):
    """Where a periodic report stands on its route (derived, never stored)."""

    NOT_STARTED = "not_started"  # no narrative saved yet: the analysts draft
    RETURNED = "returned"  # the Kabid returned the draft with a note: the analysts revise
    DRAFTED = "drafted"  # a draft the Kabid has not checked (or changed since the check)
    CHECKED = "checked"  # the Kabid checked this very draft: the Asdep finalises
    FINAL = "final"  # frozen (docs/decisions/0007): the Deputi forwards it
    FORWARDED = "forwarded"  # sent to the addressee, with its date


class ReportEvent(StrEnum):
    """The recorded route actions (the values of periodic_report_event.action); drafting
    and finalising keep their own tables (report_draft, periodic_report)."""

    CHECK = "check"
    RETURN = "return"
    FORWARD = "forward"


class ReportMove(StrEnum):
    """Every move of the route, as the page offers it and the service checks it."""

    DRAFT = "draft"
    CHECK = "check"
    RETURN = "return"
    FINALISE = "finalise"
    FORWARD = "forward"


@dataclass(frozen=True)
class Move:
    """Who may make a move (the permission table's action) and in which states."""

    states: frozenset[ReportState]
    action: Action
    note_required: bool = False


S = ReportState
_OPEN = frozenset({S.NOT_STARTED, S.RETURNED, S.DRAFTED, S.CHECKED})
MOVES: dict[ReportMove, Move] = {
    ReportMove.DRAFT: Move(_OPEN, Action.WRITE_REPORT),
    ReportMove.CHECK: Move(frozenset({S.DRAFTED}), Action.CHECK_REPORT),
    ReportMove.RETURN: Move(frozenset({S.DRAFTED, S.CHECKED}), Action.CHECK_REPORT, True),
    ReportMove.FINALISE: Move(frozenset({S.CHECKED}), Action.FINALISE_REPORT),
    ReportMove.FORWARD: Move(frozenset({S.FINAL}), Action.FORWARD_REPORT),
}
# Whose turn it is in each state ("Menunggu Saya"); nobody's once forwarded.
TURN: dict[ReportState, Role] = {
    S.NOT_STARTED: Role.ANALIS,
    S.RETURNED: Role.ANALIS,
    S.DRAFTED: Role.KABID,
    S.CHECKED: Role.ASDEP,
    S.FINAL: Role.DEPUTI,
}
# The move each turn asks for, by state (the inbox names it as the step).
NEXT_MOVE: dict[ReportState, ReportMove] = {
    S.NOT_STARTED: ReportMove.DRAFT,
    S.RETURNED: ReportMove.DRAFT,
    S.DRAFTED: ReportMove.CHECK,
    S.CHECKED: ReportMove.FINALISE,
    S.FINAL: ReportMove.FORWARD,
}


@dataclass(frozen=True)
class ReportStep:
    """The move a report awaits, as "Menunggu Saya" names it (catalogue r_step.<key>)."""

    key: str  # a ReportMove value


@dataclass(frozen=True)
class RouteView:
    """What the route needs to know about a report to derive its state."""

    draft_revision: int  # 0: nothing saved
    review: ReportEvent | None  # the Kabid's latest check or return, if any
    review_revision: int | None  # the draft revision that check or return concerned
    final: bool
    forwarded: bool

    @property
    def state(self) -> ReportState:
        if self.forwarded:
            return S.FORWARDED
        if self.final:
            return S.FINAL
        if self.review is not None and self.review_revision == self.draft_revision:
            return S.CHECKED if self.review is ReportEvent.CHECK else S.RETURNED
        return S.DRAFTED if self.draft_revision else S.NOT_STARTED


def refusal(
    move: ReportMove,
    state: ReportState,
    user: User,
    *,
    period: Period | None = None,
    today: dt.date | None = None,
) -> str | None:
    """Why the user may not make this move now (a catalogue id), or None. Given the period
    and today, a report is not finalised while its period is still running."""
    rule = MOVES[move]
    if not user.can(rule.action):
        return "error.forbidden"
    if state not in rule.states:
        return "error.report_route"
    running = (
        move is ReportMove.FINALISE
        and period is not None
        and today is not None
        and still_running(period, today) is not None
    )
    return "error.report_running" if running else None


def finalisable_on(period: Period) -> dt.date:
    """The first day a period's report may be finalised: the day after the period ends
    (until then its figures still change, and a final report never does)."""
    return period.end + dt.timedelta(days=1)


def still_running(period: Period, today: dt.date) -> Message | None:
    """The refusal to finalise a period not yet over, naming the day it becomes possible
    ("Laporan Semester II 2026 dapat difinalkan mulai 1 Januari 2027"), or None."""
    if today >= finalisable_on(period):
        return None
    return Message("error.report_running",
                   {"period": functools.partial(period_name, period),
                    "day": finalisable_on(period)})  # fmt: skip


def period_name(period: Period, lang: str) -> str:
    """ "Desember 2026", "Semester II 2026", "Tahun 2026", or a range's dates."""
    if period.kind == "month":
        return i18n.fmt_month(period.start, lang)
    if period.kind == "semester":
        half = 1 if period.start.month == 1 else 2
        return i18n.t(f"report.semester_{half}", lang, year=period.start.year)
    if period.kind == "year":
        return i18n.t("report.year", lang, year=period.start.year)
    return f"{i18n.fmt_date(period.start, lang)} – {i18n.fmt_date(period.end, lang)}"


def waits_for(state: ReportState, user: User) -> bool:
    """Whether the report waits for this user's role (and the user may make that move)."""
    role = TURN.get(state)
    return (
        role is not None and role in user.roles and refusal(NEXT_MOVE[state], state, user) is None
    )


def due_on(cur: duckdb.DuckDBPyConnection, period: Period, nth: int = DUE_WORKING_DAY) -> dt.date:
    """The day a month's, semester's or year's report is due: the nth working day of the
    month after the period (weekends, holidays and cuti bersama skipped)."""
    return calendar.add_working_days(cur, period.end, nth)


def due_at(
    cur: duckdb.DuckDBPyConnection, period: Period, nth: int = DUE_WORKING_DAY
) -> dt.datetime:
    """The end of the due day, in Jakarta time."""
    return dt.datetime.combine(due_on(cur, period, nth), dt.time(23, 59), config.TIMEZONE)


def owed(first: dt.date, today: dt.date) -> list[Period]:
    """The months, semesters and years that ended before today and began on or after
    `first` (the start of the first period the unit ever worked on in the app)."""
    found: list[Period] = []
    year, month = first.year, first.month
    while (period := periods.month(year, month)).end < today:
        found.append(period)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for y in range(first.year, today.year + 1):
        for code in (f"{y}-S1", f"{y}-S2", str(y)):
            period = periods.parse(code)
            if period.start >= first and period.end < today:
                found.append(period)
    return found
