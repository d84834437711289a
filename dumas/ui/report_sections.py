"""Laporan Berkala: the period chosen, every table with its chart, the downloads, and
finalising (Asdep) with the reconciliation of a finalised report against today's data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dumas import charts, config, i18n, periods, reports
from dumas.errors import DomainError
from dumas.permissions import Action
from dumas.queries import lookups
from dumas.report_workbook import report_xlsx
from dumas.services import reports as final
from dumas.ui.state import actor, get_db, lang, show_error, t, today
from dumas.ui.widgets import generated_text, plain, xlsx_button


def choose_period() -> periods.Period | None:
    """A period typed as 2026-05, 2026-S1, 2026 or A..B (the last month by default)."""
    last_month = (today().replace(day=1) - pd.Timedelta(days=1)).strftime("%Y-%m")
    code = st.text_input(
        t("reports.period"), value=last_month, key="report_period", help=t("reports.period_help")
    )
    try:
        return periods.parse(code)
    except ValueError:
        st.error(t("cli.bad_period", period=code), icon=":material/error:")
        return None


@st.cache_data(ttl=900, max_entries=64, show_spinner=False)
def _report(path: str, version: str, code: str, language: str) -> tuple[dict, dict | None]:
    period = periods.parse(code)
    cur = get_db().cursor()
    try:
        title = reports.default_title(period, language)
        data = reports.build(cur, period, language, title=title, generated="")
        return data, final.frozen(cur, period)
    finally:
        cur.close()


def load(period: periods.Period) -> tuple[dict, dict | None]:
    """Today's report of the period and the finalised one if any, computed once per data
    version (every write changes it, finalising included)."""
    cur = get_db().cursor()
    try:
        version = lookups.data_version(cur)
    finally:
        cur.close()
    data, frozen = _report(str(get_db().path), version, period.code, lang())
    return {**data, "generated": generated_text()}, frozen


def _final_line(frozen: dict) -> str:
    when = i18n.fmt_datetime(frozen["finalised_at"].astimezone(config.TIMEZONE), lang())
    return t("reports.final", who=frozen["finalised_by"] or "?", when=when)


def header(data: dict, frozen: dict | None) -> None:
    """Title, period, and whether the figures are a draft or final."""
    st.subheader(plain(data["title"]))
    st.caption(plain(data["period_label"]))
    if frozen is None:
        st.info(t("reports.draft"), icon=":material/edit_note:")
    else:
        st.success(_final_line(frozen), icon=":material/verified:")


def tables(data: dict) -> None:
    """Each table with its chart."""
    for table in data["tables"]:
        st.markdown(f"**{plain(table['title'])}**")
        rows = [*table["rows"], *([table["total"]] if table["total"] else [])]
        frame = pd.DataFrame(rows, columns=[c["name"] for c in table["columns"]])
        st.dataframe(
            frame.rename(columns={c["name"]: c["label"] for c in table["columns"]}),
            hide_index=True,
            width="stretch",
        )
        figure = charts.report_chart(table)
        if figure is not None:
            st.plotly_chart(figure, key=f"chart_{table['key']}")


def downloads(data: dict, frozen: dict | None, period: periods.Period) -> None:
    """The workbook of the report as shown (the finalised figures once final)."""
    shown = data if frozen is None else {**frozen, "finalised": _final_line(frozen)}
    language = lang()
    xlsx_button(
        lambda: report_xlsx(shown, language), key="report_xlsx",
        filename=f"laporan-{period.code}.xlsx",
    )  # fmt: skip


def finalise(period: periods.Period, frozen: dict | None) -> None:
    """For the Asdep: key issues and recommendations, then freeze the report."""
    if frozen is not None or not actor().can(Action.FINALISE_REPORT):
        return
    with st.form("finalise"):
        st.text_area(t("field.key_issues"), key="report_key_issues")
        st.text_area(t("field.recommendations"), key="report_recommendations")
        if st.form_submit_button(t("reports.finalise"), type="primary"):
            narrative = {
                "key_issues": st.session_state.get("report_key_issues"),
                "recommendations": st.session_state.get("report_recommendations"),
            }
            try:
                final.finalise(get_db(), actor(), period, narrative=narrative, now=config.now())
            except DomainError as error:
                show_error(error)
            else:
                st.rerun()


def reconciliation(period: periods.Period, frozen: dict | None) -> None:
    """How today's data differ from the finalised figures (on request)."""
    if frozen is None:
        return
    with st.expander(t("reports.reconcile")):
        cur = get_db().cursor()
        try:
            changes = final.reconcile(cur, period, config.now())
        finally:
            cur.close()
        if not changes:
            st.caption(t("reports.no_change"))
            return
        st.dataframe(pd.DataFrame(changes).astype(str), hide_index=True, width="stretch")
