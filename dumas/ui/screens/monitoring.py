"""The sections of the "Pemantauan" page: filters, the list of monitorings, its xlsx export.

Selecting a listed monitoring opens its detail in the same tab (?id=N,
dumas/ui/screens/monitoring_detail.py). The list carries no complainant data (the PPK and
the BPP read it too).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dumas import config, i18n
from dumas.domain.codes import Level, Method
from dumas.domain.monitoring_flow import MonitoringState
from dumas.queries import plans as plan_queries
from dumas.render import followup_table
from dumas.ui.data import version as data_version
from dumas.ui.navigation import go
from dumas.ui.state import get_db, lang, t
from dumas.ui.widgets import generated_text, opened_row, xlsx_button

PAGE = "pages/monitorings.py"

# The monitoring's own states (schema.sql monitoring.state: SOP steps 4-8), in order.
# Column -> catalogue id of its header, in the order on screen and in Excel.
COLUMNS = {
    "agency": "col.agency",
    "province": "monitorings.col.province",
    "level": "monitorings.col.level",
    "method": "monitorings.col.method",
    "team_lead": "monitorings.col.team_lead",
    "team": "monitorings.col.team",
    "letters": "monitorings.col.letters",
    "schedule_from": "monitorings.col.schedule_from",
    "schedule_to": "monitorings.col.schedule_to",
    "estimated_cost": "monitorings.col.estimated_cost",
    "state": "monitorings.col.state",
    "approved_by": "monitorings.col.approved_by",
    "approved_at": "monitorings.col.approved_at",
    "plan": "monitorings.col.plan",
}


@st.cache_data(ttl=900, max_entries=64, show_spinner=False)
def _monitorings(path: str, version: str) -> pd.DataFrame:
    with get_db().reading() as cur:
        return plan_queries.monitorings(cur)


def load() -> pd.DataFrame:
    """Every monitoring, newest first, recomputed only when the data changes."""
    return _monitorings(str(get_db().path), data_version())


def filters() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The states and levels chosen (none chosen: all)."""
    state_col, level_col = st.columns(2)
    states = state_col.multiselect(
        t("monitorings.filter_state"),
        options=list(MonitoringState),
        format_func=lambda s: t(f"monitoring_state.{s}"),
        key="monitoring_state",
        placeholder=t("filters.all"),
    )
    levels = level_col.multiselect(
        t("monitorings.filter_level"),
        options=list(Level),
        format_func=lambda v: t(Level(v).label_key),
        key="monitoring_level",
        placeholder=t("filters.all"),
    )
    return tuple(states), tuple(levels)


def chosen(frame: pd.DataFrame, states: tuple[str, ...], levels: tuple[str, ...]) -> pd.DataFrame:
    """The monitorings in the chosen states and levels."""
    keep = pd.Series(True, index=frame.index)
    if states:
        keep &= frame["state"].isin(states)
    if levels:
        keep &= frame["level"].isin(levels)
    return frame[keep]


def named(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """Codes replaced by their names, approval time in Asia/Jakarta."""
    return frame.assign(
        level=frame["level"].map(lambda v: i18n.t(Level(v).label_key, language)),
        method=frame["method"].map(lambda v: i18n.t(Method(v).label_key, language)),
        state=frame["state"].map(lambda v: i18n.t(f"monitoring_state.{v}", language)),
        approved_at=pd.to_datetime(frame["approved_at"], utc=True).dt.tz_convert(config.TIMEZONE),
    )


def table(frame: pd.DataFrame) -> None:
    """The list on screen: rupiah and dates in the user's notation; selecting a monitoring
    opens it in this tab (?id=N), where its plan is linked."""
    st.caption(t("monitorings.count", n=i18n.fmt_int(len(frame), lang())))
    if frame.empty:
        st.info(t("monitorings.empty"), icon=":material/travel_explore:")
        return
    language, names = lang(), followup_table.labels(COLUMNS, lang())
    shown = named(frame, language)[list(COLUMNS)]
    styled = shown.style.format(
        {
            "estimated_cost": lambda v: i18n.fmt_rupiah(v, language),
            "schedule_from": lambda d: i18n.fmt_date(d, language, "medium"),
            "schedule_to": lambda d: i18n.fmt_date(d, language, "medium"),
            "approved_at": lambda d: i18n.fmt_datetime(d, language, "medium"),
            "letters": lambda n: i18n.fmt_int(n, language),
        },
        na_rep=i18n.MISSING,
    )  # display in the user's notation; sorting still uses the values
    row = opened_row(styled, key="monitoring_list", hide_index=True, column_config=names)
    if row is not None:
        go(PAGE, id=str(frame["id"].iloc[row]))


def export(frame: pd.DataFrame, states: tuple[str, ...], levels: tuple[str, ...]) -> None:
    """The listed monitorings as .xlsx, with the filters in words."""
    if frame.empty:
        return
    language, title, generated = lang(), t("monitorings.title"), generated_text()
    filters_text = _describe(states, levels)
    rows = named(frame, language)

    def build() -> bytes:
        return followup_table.workbook(
            rows, COLUMNS, lang=language, title=title,
            filters_text=filters_text, generated=generated,
        )  # fmt: skip

    xlsx_button(build, filename="pemantauan.xlsx", key="export_monitorings")


def _describe(states: tuple[str, ...], levels: tuple[str, ...]) -> str:
    parts = []
    if states:
        names = ", ".join(t(f"monitoring_state.{s}") for s in states)
        parts.append(f"{t('monitorings.filter_state')}: {names}")
    if levels:
        parts.append(
            f"{t('monitorings.filter_level')}: " + ", ".join(t(Level(v).label_key) for v in levels)
        )
    if not parts:
        return ""  # no filter line at all on a workbook nobody filtered
    return i18n.t("export.filters", lang(), filters="; ".join(parts))  # plain text
