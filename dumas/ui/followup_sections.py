"""The sections of the "Tindak Lanjut" page: KPI cards, letter list, charts, agency table."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dumas import charts, config, i18n
from dumas.queries.filters import Filters
from dumas.queries.followup import SORT_COLUMNS
from dumas.ui import data
from dumas.ui.state import lang, t
from dumas.ui.widgets import describe, metric_row, xlsx_button

EXPORT_CAP = 100_000  # rows in one list export; beyond that, narrow the filters
PAGE_SIZES = (25, 50, 100, 200)


def kpis(filters: Filters, as_of: dt.date) -> dict:
    """The headline figures as cards; returns them for other sections."""
    k = data.followup_query("kpis", filters, as_of)
    n, pct = (lambda v: i18n.fmt_int(v, lang())), (lambda v: i18n.fmt_percent(v, lang()))
    metric_row(
        [
            (t("kpi.complaints"), n(k["complaints"])),
            (t("kpi.forwardings"), n(k["forwardings"])),
            (t("kpi.answered"), n(k["answered"])),
            (t("kpi.unanswered"), n(k["unanswered"])),
            (t("kpi.response_rate"), pct(k["response_rate"])),
        ]
    )
    metric_row(
        [
            (t("kpi.median_days"), i18n.fmt_decimal(k["median_days_to_respond"], lang())),
            (t("kpi.complaints_lacking"), n(k["complaints_lacking_response"])),
            (t("kpi.over_14"), n(k["unanswered_over_14"])),
            (t("kpi.over_30"), n(k["unanswered_over_30"])),
            (t("kpi.over_60"), n(k["unanswered_over_60"])),
        ]
    )
    return k


def _list_columns() -> dict[str, str]:
    return {
        "agenda_no": t("col.agenda_no"),
        "letter_no": t("col.letter_no"),
        "letter_date": t("col.letter_date"),
        "agency": t("col.agency"),
        "province": t("col.province"),
        "category": t("col.category"),
        "age_wd": t("col.age_wd"),
        "reminders": t("col.reminders"),
        "last_status": t("col.last_status"),
    }


def letter_list(filters: Filters, as_of: dt.date) -> None:
    """The paginated, sortable list of letters (lacking a response unless asked otherwise)."""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        scope = st.segmented_control(
            t("list.scope"), options=["lacking", "all"], default="lacking", required=True,
            format_func=lambda v: t(f"list.scope_{v}"), key="scope", bind="query-params",
        )  # fmt: skip
        sort = st.selectbox(
            t("list.sort"), options=list(SORT_COLUMNS), format_func=lambda c: t(f"sort.{c}"),
            key="sort", bind="query-params",
        )  # fmt: skip
        descending = st.toggle(t("list.descending"), value=True, key="desc", bind="query-params")
        size = st.selectbox(t("list.page_size"), PAGE_SIZES, index=1, key="size")
    lacking = scope != "all"
    _, total = data.followup_query(
        "letters", filters, as_of, unanswered_only=lacking, sort=sort, descending=descending,
        limit=1, offset=0,
    )  # fmt: skip
    pages = max(1, -(-total // size))
    page = st.number_input(
        t("list.page", pages=i18n.fmt_int(pages, lang())), min_value=1, max_value=pages, value=1,
        key="page",
    )  # fmt: skip
    frame, _ = data.followup_query(
        "letters", filters, as_of, unanswered_only=lacking, sort=sort, descending=descending,
        limit=size, offset=(int(page) - 1) * size,
    )  # fmt: skip
    st.caption(t("list.count", total=i18n.fmt_int(total, lang())))
    _show_letters(frame)
    title = t("list.title_lacking" if lacking else "list.title_all")
    xlsx_button(
        lambda: data.followup_query(
            "letters", filters, as_of, unanswered_only=lacking, sort=sort,
            descending=descending, limit=EXPORT_CAP, offset=0,
        )[0].assign(last_status=lambda d: d["last_status"].map(lambda s: t(f"status.{s}"))),
        title=title, filters_text=describe(filters), filename="surat-belum-ditanggapi.xlsx",
        columns=_list_columns(), key="export_letters",
    )  # fmt: skip
    if total > EXPORT_CAP:
        st.caption(t("list.export_capped", cap=i18n.fmt_int(EXPORT_CAP, lang())))


def _show_letters(frame) -> None:  # noqa: ANN001 - DataFrame
    shown = frame.assign(
        link=frame["agenda_no"].map(lambda a: f"pengaduan?agenda={a}"),
        last_status=frame["last_status"].map(lambda s: t(f"status.{s}")),
    )
    cols = _list_columns()
    st.dataframe(
        shown[["link", *cols]],
        hide_index=True,
        column_config={
            "link": st.column_config.LinkColumn(
                t("col.open"), display_text=t("list.open"), width="small"
            ),
            "letter_date": st.column_config.DateColumn(cols["letter_date"], format="DD/MM/YYYY"),
            **{k: v for k, v in cols.items() if k != "letter_date"},
        },
        key="letters_table",
    )


def charts_section(filters: Filters, as_of: dt.date) -> None:
    """The four charts of the follow-up page."""
    left, right = st.columns(2)
    monthly = data.followup_query("monthly", filters, as_of)
    left.plotly_chart(
        charts.forwarded_vs_answered(
            monthly,
            {
                "title": t("chart.monthly"), "x": t("chart.month"), "y": t("chart.letters"),
                "forwarded": t("kpi.forwardings"), "answered": t("kpi.answered"),
            },
        ),
        key="chart_monthly",
    )  # fmt: skip
    buckets = data.followup_query("unanswered_by_bucket", filters, as_of)
    buckets = buckets.assign(bucket=buckets["bucket"].map(lambda b: t(f"bucket.{b}")))
    right.plotly_chart(
        charts.bars(buckets, "bucket", "unanswered", _labels("chart.by_bucket", "col.age_bucket")),
        key="chart_buckets",
    )
    for column, dimension in ((left, "province"), (right, "category")):
        frame = data.followup_query("unanswered_by", filters, as_of, dimension=dimension)
        column.plotly_chart(
            charts.bars(
                frame, "label", "unanswered",
                _labels(f"chart.by_{dimension}", f"col.{dimension}"), horizontal=True,
            ),
            key=f"chart_{dimension}",
        )  # fmt: skip


def _labels(title: str, x: str) -> dict[str, str]:
    return {"title": t(title), "x": t(x), "y": t("kpi.unanswered")}


def _agency_columns() -> dict[str, str]:
    return {
        "rank": t("col.rank"),
        "agency": t("col.agency"),
        "forwarded": t("col.forwarded"),
        "on_time": t("col.on_time"),
        "late": t("col.late"),
        "unanswered": t("col.unanswered"),
        "response_rate": t("col.response_rate"),
        "median_days": t("col.median_days"),
    }


def agencies_section(filters: Filters, as_of: dt.date) -> None:
    """Per-agency responsiveness, ranked only above the minimum sample."""
    minimum = config.min_ranking_sample()
    frame = data.followup_query("agency_table", filters, as_of, min_sample=minimum)
    st.caption(t("agencies.rule", n=minimum))
    cols = _agency_columns()
    shown = frame.assign(
        response_rate=frame["response_rate"].map(lambda r: i18n.fmt_percent(r, lang())),
        median_days=frame["median_days"].map(lambda r: i18n.fmt_decimal(r, lang())),
    )
    st.dataframe(shown[list(cols)], hide_index=True, column_config=cols, key="agency_table")
    xlsx_button(
        lambda: frame, title=t("agencies.title"), filters_text=describe(filters),
        filename="responsivitas-instansi.xlsx", columns=cols, key="export_agencies",
    )  # fmt: skip
