"""Laporan Berkala: the report of the chosen period, its downloads (workbook, document,
each table on its own), every table with its chart, and the reconciliation of a finalised
report against today's data. The narrative and finalising are in report_narrative.py.

Kept quick (issue 16): the figures are built once per (period, data version, language),
a chart is drawn once per content and only when its expander is opened, and the
reconciliation is computed only when asked for, once per data version."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dumas import config, i18n
from dumas.domain import periods
from dumas.periodic import contents
from dumas.periodic.names import file_name
from dumas.periodic.table import Column, ReportTable
from dumas.periodic.workbook import report_xlsx, table_xlsx
from dumas.queries import settings
from dumas.render import charts
from dumas.render.documents import periodic_report_docx
from dumas.services import periodic as final
from dumas.ui.data import version as data_version
from dumas.ui.escape import plain
from dumas.ui.state import get_db, lang, t
from dumas.ui.widgets import generated_text, show_table, xlsx_button

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@st.cache_data(ttl=900, max_entries=64, show_spinner=False)
def _report(path: str, version: str, code: str, language: str) -> tuple[dict, dict | None]:
    period = periods.parse(code)
    with get_db().reading() as cur:
        title = contents.default_title(period, language)
        data = contents.build(cur, period, language, title=title, generated="")
        return data, final.frozen(cur, period)


def load(period: periods.Period) -> tuple[dict, dict | None]:
    """Today's report of the period and the finalised one if any, computed once per data
    version (every write changes it, finalising included)."""
    version = data_version()
    data, frozen = _report(str(get_db().path), version, period.code, lang())
    return {**data, "generated": generated_text()}, frozen


def _finalised(frozen: dict) -> dict[str, str]:
    """Who finalised and when, the values of the "reports.final" line."""
    when = i18n.fmt_datetime(frozen["finalised_at"].astimezone(config.TIMEZONE), lang())
    return {"who": frozen["finalised_by"] or "?", "when": when}


def header(data: dict, frozen: dict | None) -> None:
    """Title, period, and whether the figures are a draft or final."""
    st.subheader(plain(data["title"]))
    st.caption(plain(data["period_label"]))
    if frozen is None:
        st.info(t("reports.draft"), icon=":material/edit_note:")
    else:
        st.success(t("reports.final", **_finalised(frozen)), icon=":material/verified:")


def tables(report: dict, period: periods.Period) -> None:
    """Each table, its chart on request (drawn only when opened) and its own download."""
    language = lang()
    for table in report["tables"]:
        st.markdown(f"**{plain(table.title)}**")
        frame = pd.DataFrame(list(table.records), columns=[c.name for c in table.columns])
        show_table(styled(frame, table.columns, language), hide_index=True, width="stretch")
        if table.nothing_to_chart:  # not a chart of zeros
            st.caption(t("report.no_data"))
        elif table.chart and table.chart_rows:
            with st.expander(t("reports.chart"), key=f"chart_open_{table.key}",
                             icon=":material/bar_chart:", on_change="rerun") as shown:  # fmt: skip
                figure = chart(table) if shown.open else None
                if figure is not None:
                    st.plotly_chart(figure, key=f"chart_{table.key}")
        xlsx_button(
            lambda key=table.key: table_xlsx(report, key, language),
            key=f"table_xlsx_{table.key}", label=t("reports.table_download"),
            filename=file_name(period.code, language, "xlsx", table),
        )  # fmt: skip


def chart(table: ReportTable) -> go.Figure | None:
    """The table's chart, drawn once per content (the same figures, the same chart)."""
    content = json.dumps(table.as_dict(), default=str, sort_keys=True)
    return _chart(hashlib.sha256(content.encode()).hexdigest(), table)


@st.cache_resource(max_entries=256, show_spinner=False)
def _chart(content: str, _table: ReportTable) -> go.Figure | None:
    return charts.report_chart(_table)  # never changed once drawn: shared, not copied


FORMATS = {"int": i18n.fmt_int, "pct": i18n.fmt_percent, "rupiah": i18n.fmt_rupiah}


def styled(frame: pd.DataFrame, columns: tuple[Column, ...], language: str):
    """Labelled columns, numbers shown as 1.234 / 33,3% / Rp1.234 (sorting keeps values)."""
    labels = {c.name: c.label for c in columns}
    shown_as = {
        c.label: (lambda v, f=FORMATS[c.kind]: "–" if pd.isna(v) else f(v, language))
        for c in columns
        if c.kind in FORMATS
    }
    return frame.rename(columns=labels).style.format(shown_as)


def shown(data: dict, frozen: dict | None, period: periods.Period) -> dict:
    """The report as it goes out: the finalised figures and narrative once final, else
    today's figures with the saved narrative draft."""
    with get_db().reading() as cur:
        addressed = final.addressing(cur, period)  # addressee, forwarding official, sent
    if frozen is not None:
        line = i18n.t("reports.final", lang(), **_finalised(frozen))  # plain: workbook, document
        return {**frozen, **addressed, "finalised": line}
    with get_db().reading() as cur:
        saved = final.draft(cur, period)
    return {**data, **addressed, "narrative": saved["narrative"] if saved else {}}


def downloads(report: dict, period: periods.Period) -> None:
    """The workbook and the document of the report as shown."""
    language = lang()
    left, right, _ = st.columns([1, 1, 2])
    with left:
        xlsx_button(
            lambda: report_xlsx(report, language), key="report_xlsx",
            filename=file_name(period.code, language, "xlsx"), label=t("reports.xlsx"),
        )  # fmt: skip
    with right:
        st.download_button(
            t("reports.docx"), data=lambda: _docx(report, language),
            file_name=file_name(period.code, language, "docx"), mime=DOCX, key="report_docx",
            icon=":material/description:", on_click="ignore",
        )  # fmt: skip


def _docx(report: dict, language: str) -> bytes:
    with get_db().reading() as cur:
        letterhead = settings.for_documents(cur)
    return periodic_report_docx(report, letterhead, language)


@st.cache_data(ttl=900, max_entries=32, show_spinner=False)
def _changes(path: str, version: str, code: str) -> list[dict]:
    with get_db().reading() as cur:
        return final.reconcile(cur, periods.parse(code), config.now())


def reconciliation(period: periods.Period, frozen: dict | None) -> None:
    """How today's data differ from the finalised figures: computed only when opened,
    once per data version."""
    if frozen is None:
        return
    with st.expander(t("reports.reconcile"), key="report_reconcile", on_change="rerun") as box:
        if not box.open:
            return
        version = data_version()
        changes = _changes(str(get_db().path), version, period.code)
        if not changes:
            st.caption(t("reports.no_change"))
            return
        show_table(pd.DataFrame(changes).astype(str), hide_index=True, width="stretch")
