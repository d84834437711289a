"""Choosing a report period: a month, a semester, a year or a date range, picked with
selectors, kept in the URL (?report=2026-S1) so a link opens the same report."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dumas import i18n
from dumas.domain import periods
from dumas.ui.state import lang, t, today

KINDS = ("month", "semester", "year", "range")
FIRST_YEAR = 2012  # SOP 305/2012
DATES = "DD/MM/YYYY"
URL_KEY = "report"  # ?report=2026-S1 ("period" is the dashboard filter)


def _years() -> list[int]:
    return list(range(today().year, FIRST_YEAR - 1, -1))


def _last_month() -> periods.Period:
    end = today().replace(day=1) - dt.timedelta(days=1)
    return periods.month(end.year, end.month)


def show(period: periods.Period) -> None:
    """Set the selectors to a period (call before they are drawn, or from a callback)."""
    state = st.session_state
    state["report_kind"] = period.kind
    year = min(max(period.start.year, FIRST_YEAR), today().year)
    state["report_year"] = year
    state["report_month"] = period.start.month if period.kind == "month" else 1
    state["report_semester"] = 1 if period.start.month <= 6 else 2
    state["report_from"], state["report_to"] = period.start, period.end


def _initial() -> None:
    """The URL's period on the first run of a session, else the last full month."""
    if "report_kind" in st.session_state:
        return
    try:
        show(periods.parse(st.query_params.get(URL_KEY, "")))
    except ValueError:
        show(_last_month())


def choose() -> periods.Period | None:
    """The period the user picked (None, with a message, when a range is impossible)."""
    _initial()
    language = lang()
    kind = st.segmented_control(
        t("reports.kind"), KINDS, key="report_kind", required=True,
        format_func=lambda k: t(f"reports.kind_{k}"),
    )  # fmt: skip
    columns = st.columns([1, 1, 2])
    if kind == "range":
        start = columns[0].date_input(
            t("reports.range_from"), key="report_from", format="DD/MM/YYYY"
        )
        end = columns[1].date_input(t("reports.range_to"), key="report_to", format="DD/MM/YYYY")
        code = f"{start.isoformat()}..{end.isoformat()}" if start and end else ""
    else:
        year = columns[0].selectbox(t("reports.year"), _years(), key="report_year")
        code = str(year)
        if kind == "month":
            month = columns[1].selectbox(
                t("reports.month"), range(1, 13), key="report_month",
                format_func=lambda m: i18n.fmt_month(dt.date(2000, m, 1), language).split()[0],
            )  # fmt: skip
            code = f"{year}-{month:02d}"
        elif kind == "semester":
            half = columns[1].selectbox(
                t("reports.semester"), (1, 2), key="report_semester",
                format_func=lambda h: "I" if h == 1 else "II",
            )  # fmt: skip
            code = f"{year}-S{half}"
    try:
        period = periods.parse(code)
    except ValueError:
        st.error(t("cli.bad_period", period=code), icon=":material/error:")
        return None
    st.query_params[URL_KEY] = period.code
    return period
