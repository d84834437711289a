"""Laporan Berkala: the list of drafts and final reports, the narrative (key issues and
recommendations) saved as a draft with the revision the writer saw, and finalising."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dumas import config, i18n
from dumas.domain import periods
from dumas.domain.errors import Conflict, DomainError
from dumas.domain.permissions import Action
from dumas.domain.report_flow import ReportMove, refusal, still_running
from dumas.periodic import contents
from dumas.queries import report_route
from dumas.services import periodic as final
from dumas.ui import period_picker
from dumas.ui.actions import perform
from dumas.ui.state import actor, get_db, lang, show_error, t, today
from dumas.ui.widgets import show_table

FIELDS = final.NARRATIVE


def _saved(period: periods.Period) -> dict | None:
    with get_db().reading() as cur:
        return final.draft(cur, period)


def _open_listed() -> None:
    """Callback of the list: show the selected report's period."""
    rows = st.session_state["report_list"].selection.rows
    listed = st.session_state.get("report_listed") or []
    if rows and rows[0] < len(listed):
        period_picker.show(periods.parse(listed[rows[0]]))


def listing() -> None:
    """Drafts (a narrative saved) and finalised reports; selecting one opens it."""
    with get_db().reading() as cur:
        found = final.listing(cur)
    with st.expander(f"{t('reports.list')} ({i18n.fmt_int(len(found), lang())})"):
        if not found:
            st.caption(t("reports.list_empty"))
            return
        st.session_state["report_listed"] = [r["period_code"] for r in found]
        frame = pd.DataFrame(
            {
                t("reports.col_period"): [r["period_code"] for r in found],
                t("reports.col_title"): [_title(r["period_code"]) for r in found],
                t("reports.col_state"): [_state(r) for r in found],
                t("reports.col_who"): [r["who"] for r in found],
                t("reports.col_at"): [_when(r["at"]) for r in found],
            }
        )
        show_table(frame, hide_index=True, width="stretch", key="report_list",
                     on_select=_open_listed, selection_mode="single-row")  # fmt: skip


def _state(listed: dict) -> str:
    """Draft, final, or sent with its day."""
    if listed.get("sent_on"):
        return t("reports.state_sent", when=i18n.fmt_date(listed["sent_on"], lang()))
    return t("reports.state_final" if listed["final"] else "reports.state_draft")


def _title(code: str) -> str:
    return contents.default_title(periods.parse(code), lang())


def _when(at) -> str:
    return i18n.fmt_datetime(at.astimezone(config.TIMEZONE), lang())


def narrative(period: periods.Period, frozen: dict | None) -> None:
    """The narrative: frozen once final; else a form for writers (read-only for others)."""
    st.markdown(f"**{t('reports.narrative')}**")
    if frozen is not None:
        _show(frozen.get("narrative") or {})
        return
    saved = _saved(period)
    if saved:
        when = _when(saved["saved_at"])
        st.caption(t("reports.draft_saved", who=saved["saved_by"], when=when))
    if not actor().can(Action.WRITE_REPORT):
        _show(saved["narrative"] if saved else {})
        return
    _form(period, saved)


def _show(text: dict) -> None:
    for field in FIELDS:
        st.markdown(f"*{t(f'field.{field}')}*")
        st.text(text.get(field) or "–")


def _keys(period: periods.Period) -> dict[str, str]:
    return {field: f"report_{field}_{period.code}" for field in FIELDS}


def _form(period: periods.Period, saved: dict | None) -> None:
    """Text areas keep what was typed across reruns; the base revision is the one the
    writer last saw, kept in session_state when the text was loaded, so a save or a
    finalisation over someone else's newer text is refused, never lost."""
    keys, base = _keys(period), _base(period)
    state = st.session_state
    if base not in state:
        _load(period, saved)
    elif saved and state[base] != saved["revision"]:
        _newer(period, saved)
    with get_db().reading() as cur:
        stage = report_route.route(cur, period).state
    why = refusal(ReportMove.FINALISE, stage, actor(), period=period, today=today())
    can_finalise = why is None  # after the check, once the period is over
    running = still_running(period, today()) if why == "error.report_running" else None
    if running is not None:
        st.info(t(running.key, **i18n.display_params(running.params, lang())),
                icon=":material/schedule:")  # fmt: skip
    with st.form("narrative"):
        for field, key in keys.items():
            st.text_area(t(f"field.{field}"), key=key, help=t("reports.narrative_help"))
        save = st.form_submit_button(t("reports.save_draft"))
        confirm = can_finalise and st.checkbox(t("reports.confirm_final"), key="report_confirm")
        close = can_finalise and st.form_submit_button(t("reports.finalise"), type="primary")
    text = {field: state.get(key) for field, key in keys.items()}
    if save:
        _save(period, text, base)
    elif close:
        if not confirm:
            st.error(t("error.confirm_final"), icon=":material/error:")
            return
        _finalise(period, text, base)


def _base(period: periods.Period) -> str:
    return f"report_base_{period.code}"


def _load(period: periods.Period, saved: dict | None) -> None:
    """Put a draft (or nothing) into the text areas; its revision becomes the one seen."""
    st.session_state[_base(period)] = saved["revision"] if saved else 0
    for field, key in _keys(period).items():
        st.session_state[key] = (saved["narrative"].get(field) if saved else None) or ""


def _reload(code: str) -> None:
    """Callback: the latest draft replaces the text on the screen."""
    period = periods.parse(code)
    _load(period, _saved(period))


def _newer(period: periods.Period, saved: dict) -> None:
    """Someone saved a newer draft than the one in the text areas: say so, offer it."""
    st.warning(
        t("reports.newer_draft", who=saved["saved_by"], when=_when(saved["saved_at"])),
        icon=":material/sync_problem:",
    )
    st.button(t("reports.reload_draft"), key="report_reload", icon=":material/refresh:",
              on_click=_reload, args=(period.code,))  # fmt: skip


def _latest(period: periods.Period) -> dict | None:
    """The latest saved narrative, shown under the form to compare after a refusal."""
    latest = _saved(period)
    if latest:
        with st.container(border=True):
            st.caption(t("reports.latest_narrative"))
            _show(latest["narrative"])
    return latest


def _save(period: periods.Period, text: dict, base: str) -> None:
    try:
        revision = perform(final.save_draft, period, narrative=text,
                           revision=st.session_state[base])  # fmt: skip
    except Conflict as conflict:
        show_error(conflict)
        latest = _latest(period)
        if latest:
            st.session_state[base] = latest["revision"]  # the writer has now seen it
    except DomainError as error:
        show_error(error)
    else:
        st.session_state[base] = revision
        st.rerun()


def _finalise(period: periods.Period, text: dict, base: str) -> None:
    """Freeze with the revision the text areas were loaded from; when refused, the text
    stays as it was until the Asdep reloads the latest draft (the button above)."""
    try:
        perform(final.finalise, period, narrative=text, revision=st.session_state[base])
    except Conflict as conflict:
        show_error(conflict)
        _latest(period)
    except DomainError as error:
        show_error(error)
    else:
        st.rerun()
