"""Reusable widgets: the follow-up filters, export buttons, KPI cards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import streamlit as st

from dumas import i18n
from dumas.config import TIMEZONE
from dumas.domain.codes import Channel
from dumas.queries.filters import AGE_BUCKETS, RESPONSE_FILTERS, Filters
from dumas.ui import data
from dumas.ui.state import lang, t

FILTER_KEYS = (
    "period",
    "agency",
    "agency_cat",
    "province",
    "problem",
    "category",
    "channel",
    "age",
    "status",
    "q",
)


def _multi(label_key: str, key: str, options: dict) -> tuple:
    chosen = st.multiselect(
        t(label_key),
        options=list(options),
        format_func=lambda code: options.get(code, code),
        key=key,
        bind="query-params",
        placeholder=t("filters.all"),
    )
    return tuple(chosen)


def _domain(kind: str, codes: tuple[str, ...]) -> dict[str, str]:
    """Domain words keep their Indonesian names, so a shared URL reads the same in any language."""
    return {str(code): i18n.t(f"{kind}.{code}", "id") for code in codes}


def _reset_filters() -> None:
    for key in FILTER_KEYS:
        st.session_state.pop(key, None)


def followup_filters() -> Filters:
    """The dashboard filters in the sidebar, each kept in the URL (survives a reload)."""
    with st.sidebar:
        st.subheader(t("filters.title"))
        period = st.date_input(
            t("filters.period"),
            value=[],
            key="period",
            bind="query-params",
            format="DD/MM/YYYY",
        )
        agencies = {str(k): v for k, v in data.options("agency").items()}
        agency_ids = _multi("filters.agency", "agency", agencies)
        agency_cats = _multi(
            "filters.agency_category", "agency_cat", data.options("agency_category")
        )
        provinces = _multi("filters.province", "province", data.options("province"))
        problems = _multi("filters.problem_code", "problem", data.options("problem_code"))
        categories = _multi("filters.category", "category", data.options("category"))
        channels = _multi("filters.channel", "channel", _domain("channel", tuple(Channel)))
        ages = _multi("filters.age_bucket", "age", _domain("bucket", AGE_BUCKETS))
        statuses = _multi("filters.status", "status", _domain("status", RESPONSE_FILTERS))
        search = st.text_input(t("filters.search"), key="q", bind="query-params")
        st.button(t("filters.reset"), on_click=_reset_filters, icon=":material/filter_alt_off:")
    start, end = [*period, None, None][:2]
    return Filters(
        date_from=start,
        date_to=end,
        agency_ids=tuple(int(a) for a in agency_ids if str(a).isdigit()),
        agency_categories=agency_cats,
        provinces=provinces,
        problem_codes=problems,
        categories=categories,
        channels=channels,
        age_buckets=ages,
        statuses=statuses,
        search=search or "",
    )


def describe(filters: Filters) -> str:
    """The filters in words, for export title rows (plain text)."""
    parts: list[str] = []
    if filters.date_from or filters.date_to:
        start = i18n.fmt_date(filters.date_from, lang(), "short")
        end = i18n.fmt_date(filters.date_to, lang(), "short")
        parts.append(f"{t('filters.period')}: {start} – {end}")
    lists = [
        ("filters.agency", filters.agency_ids, data.options("agency")),
        ("filters.agency_category", filters.agency_categories, data.options("agency_category")),
        ("filters.province", filters.provinces, data.options("province")),
        ("filters.problem_code", filters.problem_codes, data.options("problem_code")),
        ("filters.category", filters.categories, data.options("category")),
        ("filters.channel", filters.channels, _domain("channel", tuple(Channel))),
        ("filters.age_bucket", filters.age_buckets, _domain("bucket", AGE_BUCKETS)),
        ("filters.status", filters.statuses, _domain("status", RESPONSE_FILTERS)),
    ]
    for label, values, names in lists:
        if values:
            parts.append(f"{t(label)}: " + ", ".join(str(names.get(v, v)) for v in values))
    if filters.search.strip():
        parts.append(f"{t('filters.search')}: \u201c{filters.search.strip()}\u201d")
    if not parts:
        return ""  # no filter line at all on a workbook nobody filtered
    return i18n.t("export.filters", lang(), filters="; ".join(parts))


def generated_text() -> str:
    """The "generated at" line of exports, in the user's language (plain text)."""
    now = i18n.fmt_datetime(dt.datetime.now(TIMEZONE), lang())
    return i18n.t("export.generated", lang(), when=now)


def xlsx_button(
    build: Callable[[], bytes], *, filename: str, key: str, label: str | None = None
) -> None:
    """A download button that builds the workbook only when clicked."""
    st.download_button(
        label or t("export.download"),
        data=build,
        file_name=filename,
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key=key,
        on_click="ignore",
    )


# The characters of a value a card five to a row shows whole at 1,280 px ("150\u00a0rb",
# "91.055"; not "Rp35,6\u00a0jt", 131 px in a value 119 px wide): tests/test_browser_figures.py.
CARD_FITS = 6


class Figure(NamedTuple):
    """A number for a metric card: shown short when the whole would not fit (i18n.fmt_compact),
    the exact value on hover."""

    amount: float | None
    rupiah: bool = False


def metric_row(
    items: Sequence[tuple[Any, ...]],
    widths: list[float] | None = None,
) -> None:
    """A row of KPI cards, each (label, value[, help text]); a Figure value is shown short
    (i18n.fmt_compact) with its exact value in the help. Without `widths`, a card whose
    value is longer than CARD_FITS characters ("Rp35,6 jt") is widened to hold it."""
    cards = []
    for label, value, *help_text in items:
        shown, tip = str(value), next(iter(help_text), None)
        if isinstance(value, Figure):
            shown = i18n.fmt_compact(value.amount, lang(), rupiah=value.rupiah)
            exact = (i18n.fmt_rupiah if value.rupiah else i18n.fmt_int)(value.amount, lang())
            if exact != shown:
                extra = "\n\n" + tip if tip else ""
                tip = t("metric.exact", value=exact) + extra
        cards.append((label, shown, tip))
    columns = st.columns(widths or [max(len(shown), CARD_FITS) for _, shown, _ in cards])
    for column, (label, shown, tip) in zip(columns, cards, strict=True):
        column.metric(label, shown, border=True, height="stretch", help=tip)


def view_switch(catalogue: str, views: Sequence[str], default: str, key: str) -> str:
    """A page's view switch, kept in the URL: one view always chosen, each named by the
    catalogue id `<catalogue>.view_<view>` under the label `<catalogue>.view`."""
    return st.segmented_control(
        t(f"{catalogue}.view"),
        options=list(views),
        format_func=lambda v: t(f"{catalogue}.view_{v}"),
        default=default,
        required=True,
        key=key,
        bind="query-params",
    )


def show_table(data: object, **kwargs: Any) -> Any:
    """st.dataframe with empty cells reading "–" (i18n.MISSING), not "None": every
    read-only table of the app goes through here. Numbers stay numbers (they sort)."""
    kwargs.setdefault("placeholder", i18n.MISSING)
    return st.dataframe(data, **kwargs)


def opened_row(data: object, *, key: str, **kwargs: Any) -> int | None:
    """A read-only table (show_table) whose rows open something: the position of the row
    the user selected, or None; a caption under it says how."""
    event = show_table(data, key=key, on_select="rerun", selection_mode="single-row", **kwargs)
    st.caption(t("table.open_hint"))
    rows = event.selection.rows
    return int(rows[0]) if rows else None


def edit_table(data: Any, **kwargs: Any) -> Any:
    """st.data_editor with empty cells reading "–" (i18n.MISSING), like show_table()."""
    kwargs.setdefault("placeholder", i18n.MISSING)
    return st.data_editor(data, **kwargs)
