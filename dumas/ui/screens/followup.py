"""The sections of the "Tindak Lanjut" page: KPI cards, what changed this week, letter
list, charts, agency table."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dumas import config, i18n
from dumas.domain.permissions import Role, User
from dumas.queries.filters import Filters
from dumas.queries.followup import SORT_COLUMNS
from dumas.render import charts, followup_table
from dumas.ui import data
from dumas.ui.navigation import go, may_go
from dumas.ui.screens import reminders
from dumas.ui.state import actor, lang, t
from dumas.ui.widgets import (
    Figure,
    describe,
    generated_text,
    metric_row,
    opened_row,
    show_table,
    view_switch,
    xlsx_button,
)

SUMMARY_FIRST = frozenset({Role.KABID, Role.ASDEP})  # who reviews: they open on the summary
WORST = 5  # the lowest-ranked agencies the summary names
EXPORT_CAP = 100_000  # rows in one list export; beyond that, narrow the filters
PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 1  # the index in PAGE_SIZES: 50 letters a page
COMPLAINT_PAGE = "pages/complaint.py"


def kpis(filters: Filters, as_of: dt.date) -> None:
    """The headline figures as cards."""
    k = data.followup_query("kpis", filters, as_of)

    def n(value: object) -> Figure:
        return Figure(None if value is None else float(value))  # type: ignore[arg-type]

    metric_row(
        [
            (t("kpi.complaints"), n(k["complaints"])),
            (t("kpi.forwardings"), n(k["forwardings"])),
            (t("kpi.answered"), n(k["answered"])),
            (t("kpi.unanswered"), n(k["unanswered"])),
            (
                t("kpi.response_rate"),
                i18n.fmt_percent(k["response_rate"], lang()),
                t("kpi.help_response_rate"),
            ),
        ]
    )
    metric_row(
        [
            (
                t("kpi.median_days"),
                i18n.fmt_decimal(k["median_days_to_respond"], lang()),
                t("kpi.help_median_days"),
            ),
            (
                t("kpi.complaints_lacking"),
                n(k["complaints_lacking_response"]),
                t("kpi.help_complaints_lacking"),
            ),
            *(
                (t(f"kpi.over_{d}"), n(k[f"unanswered_over_{d}"]), t("kpi.help_over", n=d))
                for d in (14, 30, 60)
            ),
        ],
        widths=[1.1, 1.4, 1, 1, 1],
    )


def first_view(user: User) -> str:
    """The view the dashboard opens on: what changed for those who review (Kabid, Asdep),
    the letter list for those who work through it."""
    return "summary" if user.roles & SUMMARY_FIRST else "list"


@st.fragment
def views(filters: Filters, as_of: dt.date, first: str) -> None:
    """The view switch and the chosen view. Switching the view, or paging and sorting the
    list, reruns this part alone: the KPI cards and the sidebar filters stay as they are
    (a filter changes every figure, so it reruns the whole page)."""
    offered = [v for v in _VIEWS if v != "reminders" or reminders.offered(actor())]
    view = view_switch("followup", offered, first, key="view")
    with st.spinner(t("app.loading")):
        _VIEWS[view if view in offered else first](filters, as_of)


def summary_section(filters: Filters, as_of: dt.date) -> None:
    """What changed in the last seven days among the filtered letters, and the agencies
    answering worst (the ranking of the agency view, from its lowest rank)."""
    found = data.followup_query("changes", filters, as_of)
    language = lang()

    def n(value: int) -> str:
        return i18n.fmt_int(value, language)

    since = i18n.fmt_date(found["since"], language)
    st.markdown(f"**{t('summary.title', since=since, today=i18n.fmt_date(as_of, language))}**")
    metric_row(
        [
            (t("summary.new_letters"), n(found["new_letters"]), t("summary.help_new_letters")),
            (t("summary.responses"), n(found["responses"]), t("summary.help_responses")),
            (t("summary.newly_overdue"), n(found["newly_overdue"]),
             t("summary.help_newly_overdue", total=n(found["overdue"]))),
        ]
    )  # fmt: skip
    minimum = config.min_ranking_sample()
    frame = data.followup_query("agency_table", filters, as_of, min_sample=minimum)
    ranked = frame[frame["rank"].notna()]
    worst = ranked.sort_values(["rank", "agency"], ascending=[False, True]).head(WORST)
    st.markdown(f"**{t('summary.worst', n=WORST)}**")
    if worst.empty:
        st.caption(t("summary.none_ranked", n=minimum))
        return
    names = followup_table.labels(followup_table.AGENCY_COLUMNS, lang())
    shown = {c: names[c] for c in ("rank", "agency", "forwarded", "unanswered", "response_rate")}
    styled = worst[list(shown)].style.format(
        {
            "rank": n,
            "forwarded": n,
            "unanswered": n,
            "response_rate": lambda r: i18n.fmt_percent(r, language),
        }
    )
    show_table(styled, hide_index=True, column_config=shown, key="summary_worst")
    st.caption(t("agencies.rule", n=minimum))


def _list_controls() -> tuple[bool, str, bool, int]:
    with st.container(horizontal=True, vertical_alignment="bottom"):
        scope = st.segmented_control(
            t("list.scope"),
            options=["lacking", "all"],
            default="lacking",
            required=True,
            format_func=lambda v: t(f"list.scope_{v}"),
            key="scope",
        )
        sort = st.selectbox(
            t("list.sort"),
            options=list(SORT_COLUMNS),
            format_func=lambda c: t(f"sort.{c}"),
            key="sort",
        )
        descending = st.toggle(t("list.descending"), value=True, key="desc")
        size = st.selectbox(t("list.page_size"), PAGE_SIZES, index=DEFAULT_PAGE_SIZE, key="size")
    return scope != "all", sort, descending, size


def letter_list(filters: Filters, as_of: dt.date) -> None:
    """The paginated, sortable list of letters (lacking a response unless asked otherwise)."""
    lacking, sort, descending, size = _list_controls()
    query = {"unanswered_only": lacking, "sort": sort, "descending": descending}
    total = data.followup_query("letter_total", filters, as_of, unanswered_only=lacking)
    pages = max(1, -(-total // size))
    page = st.number_input(
        t("list.page", pages=i18n.fmt_int(pages, lang())),
        min_value=1,
        max_value=pages,
        value=1,
        key="page",
    )
    frame = data.followup_query(
        "letters", filters, as_of, **query, limit=size, offset=(int(page) - 1) * size
    )
    st.caption(t("list.count", total=i18n.fmt_int(total, lang())))
    _show_letters(frame)
    title = t("list.title_lacking" if lacking else "list.title_all")
    filters_text, generated, language = describe(filters), generated_text(), lang()

    def build() -> bytes:
        rows = data.followup_fresh("letters", filters, as_of, **query, limit=EXPORT_CAP)
        return followup_table.workbook(
            followup_table.with_status_names(rows, language),
            followup_table.LETTER_EXPORT_COLUMNS,
            lang=language,
            title=title,
            filters_text=filters_text,
            generated=generated,
        )

    xlsx_button(build, filename="surat-penerusan.xlsx", key="export_letters")
    if total > EXPORT_CAP:
        st.caption(t("list.export_capped", cap=i18n.fmt_int(EXPORT_CAP, lang())))


def _show_letters(frame: pd.DataFrame) -> None:
    """The letters of the page; selecting one opens its complaint in this tab
    (pengaduan?agenda=...), for whoever may open complaints."""
    shown = followup_table.with_status_names(frame, lang())
    names = followup_table.labels(followup_table.LETTER_COLUMNS, lang())
    settings = {
        "hide_index": True,
        "column_config": {
            **names,
            "letter_date": st.column_config.DateColumn(names["letter_date"], format="DD/MM/YYYY"),
        },
    }
    if not may_go(COMPLAINT_PAGE):
        show_table(shown[list(names)], **settings)
        return
    row = opened_row(shown[list(names)], key="letter_list", **settings)
    if row is not None:
        go(COMPLAINT_PAGE, agenda=str(frame["agenda_no"].iloc[row]))


def charts_section(filters: Filters, as_of: dt.date) -> None:
    """The four charts of the follow-up page."""
    left, right = st.columns(2)
    monthly = data.followup_query("monthly", filters, as_of)
    left.plotly_chart(
        charts.forwarded_vs_answered(
            monthly,
            {
                "title": t("chart.monthly"),
                "x": t("chart.month"),
                "y": t("chart.letters"),
                "forwarded": t("kpi.forwardings"),
                "answered": t("kpi.answered"),
            },
        ),
        key="chart_monthly",
    )
    buckets = data.followup_query("unanswered_by_bucket", filters, as_of)
    buckets = buckets.assign(bucket=buckets["bucket"].map(lambda b: t(f"bucket.{b}")))
    right.plotly_chart(
        charts.bars(buckets, "bucket", "unanswered", _labels("chart.by_bucket", "col.age_bucket")),
        key="chart_buckets",
    )
    for column, dimension in ((left, "province"), (right, "category")):
        frame = data.followup_query("unanswered_by", filters, as_of, dimension=dimension)
        labels = _labels(f"chart.by_{dimension}", f"col.{dimension}")
        column.plotly_chart(
            charts.bars(frame, "label", "unanswered", labels, horizontal=True),
            key=f"chart_{dimension}",
        )


def _labels(title: str, x: str) -> dict[str, str]:
    return {"title": t(title), "x": t(x), "y": t("kpi.unanswered")}


def agencies_section(filters: Filters, as_of: dt.date) -> None:
    """Per-agency responsiveness, ranked only above the minimum sample."""
    minimum = config.min_ranking_sample()
    frame = data.followup_query("agency_table", filters, as_of, min_sample=minimum)
    st.caption(t("agencies.rule", n=minimum))
    names = followup_table.labels(followup_table.AGENCY_COLUMNS, lang())
    language = lang()

    def whole(value: object) -> str:
        return i18n.fmt_int(value, language)

    styled = frame[list(names)].style.format(
        {
            "rank": whole,
            **{c: whole for c in ("forwarded", "on_time", "late", "unanswered")},
            "response_rate": lambda r: i18n.fmt_percent(r, language),
            "median_days": lambda r: i18n.fmt_decimal(r, language),
        }
    )  # display in Indonesian notation; sorting still uses the numbers
    show_table(styled, hide_index=True, column_config=names)
    title, filters_text, generated = t("agencies.title"), describe(filters), generated_text()
    xlsx_button(
        lambda: followup_table.workbook(
            frame,
            followup_table.AGENCY_COLUMNS,
            lang=language,
            title=title,
            filters_text=filters_text,
            generated=generated,
        ),
        filename="responsivitas-instansi.xlsx",
        key="export_agencies",
    )


_VIEWS = {
    "summary": summary_section,
    "list": letter_list,
    "charts": charts_section,
    "agencies": agencies_section,
    "reminders": reminders.section,  # offered to whoever may record letters
}
