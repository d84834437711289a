"""Laporan Berkala: the report's route (dumas/domain/report_flow.py), its addressee, whether
and when it was sent, its recorded events, and the move the user may make now: the Kabid
checks or returns the draft, the Deputi records the forwarding. The buttons are offered
when report_flow.refusal() is None, the very rule the service checks."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dumas import config, i18n
from dumas.domain import periods
from dumas.domain.errors import DomainError
from dumas.domain.report_flow import ReportMove, ReportState, refusal
from dumas.queries import report_route
from dumas.queries.report_route import Route
from dumas.services import periodic as final
from dumas.ui.actions import perform
from dumas.ui.escape import plain
from dumas.ui.state import actor, get_db, lang, show_error, t, today
from dumas.ui.widgets import show_table


def _when(at) -> str:
    return i18n.fmt_datetime(at.astimezone(config.TIMEZONE), lang())


def section(period: periods.Period) -> None:
    """The route of the period's report, and the user's move on it."""
    with get_db().reading() as cur:
        found = report_route.route(cur, period)
        addressed = final.addressing(cur, period)
    st.markdown(f"**{t('reports.route')}**")
    official = addressed["forwarding_official"]
    st.caption(t("reports.addressed", addressee=plain(addressed["addressee"]),
                 via=plain(official["title"])))  # fmt: skip
    state = t(f"report_state.{found.state.value}")
    st.markdown(t("reports.route_state", state=state))
    if addressed["sent_on"]:
        sent = i18n.fmt_date(addressed["sent_on"], lang())
        st.success(t("reports.sent", when=sent, who=plain(addressed["sent_by"])),
                   icon=":material/send:")  # fmt: skip
    else:
        st.caption(t("reports.not_sent"))
    if found.review and found.review["action"] == "return" and found.state is ReportState.RETURNED:
        st.warning(t("reports.returned_note", who=plain(found.review["who"]),
                     note=plain(found.review["note"] or "")), icon=":material/undo:")  # fmt: skip
    _history(found)
    _moves(period, found)


def _history(found: Route) -> None:
    if not found.events:
        return
    frame = pd.DataFrame(
        {
            t("reports.col_at"): [_when(e["at"]) for e in found.events],
            t("reports.col_who"): [e["who"] for e in found.events],
            t("reports.col_event"): [t(f"report_event.{e['action']}") for e in found.events],
            t("reports.col_sent_on"): [
                i18n.fmt_date(e["sent_on"], lang()) if e["sent_on"] else "" for e in found.events
            ],
            t("field.note"): [e["note"] or "" for e in found.events],
        }
    )
    show_table(frame, hide_index=True, width="stretch", key="report_route_history")


def _seen(period: periods.Period, found: Route) -> int:
    """The draft revision this screen showed (the narrative form's), else the stored one."""
    return int(st.session_state.get(f"report_base_{period.code}", found.revision))


def _moves(period: periods.Period, found: Route) -> None:
    user = actor()
    offered = refusal(ReportMove.CHECK, found.state, user) is None
    if offered and st.button(t("reports.check"), key="report_check", type="primary",
                             icon=":material/fact_check:"):  # fmt: skip
        _do(final.review, period, move=ReportMove.CHECK, revision=_seen(period, found))
    if refusal(ReportMove.RETURN, found.state, user) is None:
        with st.form("report_return"):
            note = st.text_area(t("field.note"), key="report_return_note")
            if st.form_submit_button(t("reports.return"), icon=":material/undo:"):
                _do(final.review, period, move=ReportMove.RETURN,
                    revision=_seen(period, found), note=note)  # fmt: skip
    if refusal(ReportMove.FORWARD, found.state, user) is None:
        with st.form("report_forward"):
            sent_on = st.date_input(t("field.sent_on"), value=today(), key="report_sent_on",
                                    max_value=today(), format="DD/MM/YYYY")  # fmt: skip
            note = st.text_input(t("field.note"), key="report_forward_note")
            if st.form_submit_button(t("reports.forward"), type="primary", icon=":material/send:"):
                _do(final.forward, period, sent_on=sent_on, note=note)


def _do(service, period: periods.Period, **kwargs) -> None:
    try:
        perform(service, period, **kwargs)
    except DomainError as error:
        show_error(error)
    else:
        st.rerun()
