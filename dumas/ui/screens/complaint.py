"""The sections of the complaint detail page: the complaint, its timeline, the forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import pandas as pd
import streamlit as st

from dumas import i18n, services
from dumas.domain.codes import Channel, ReminderKind, ResponseStatus
from dumas.domain.errors import DomainError
from dumas.domain.permissions import Action
from dumas.render import followup_table
from dumas.ui import data
from dumas.ui.actions import FLASH, perform_untimed
from dumas.ui.escape import plain
from dumas.ui.state import actor, lang, show_error, t, today
from dumas.ui.widgets import generated_text, show_table, xlsx_button


def header(c: dict) -> None:
    """The complaint's own facts."""
    st.subheader(f"{t('col.agenda_no')} {plain(c['agenda_no'])}")
    left, right = st.columns(2)
    rows_left = [
        (t("complaint.received_on"), i18n.fmt_date(c["received_on"], lang())),
        (t("filters.channel"), _channel(c["channel"])),
        (t("complaint.complainant"), _personal(c, "complainant_name")),
        (t("complaint.contact"), _personal(c, "complainant_contact")),
    ]
    rows_right = [
        (t("complaint.locus"), ", ".join(x for x in (c["regency"], c["province"]) if x) or "–"),
        (t("complaint.reported_agency"), c["reported_agency"] or i18n.MISSING),
        (t("filters.problem_code"), c["problem"] or i18n.MISSING),
        (t("filters.category"), c["category"] or i18n.MISSING),
    ]
    for column, rows in ((left, rows_left), (right, rows_right)):
        column.markdown("\n".join(f"- **{k}:** {plain(v)}" for k, v in rows))
    st.markdown(f"**{t('complaint.summary')}:** {plain(c['summary'] or i18n.MISSING)}")


def _personal(c: dict, field: str) -> str:
    """Personal data only once revealed in this session (an audited action)."""
    shown = st.session_state.get("revealed", {}).get(c["id"])
    if shown is None:
        return f"••• ({t('complaint.masked')})"
    return shown[field] or i18n.MISSING


def reveal_button(c: dict) -> None:
    """For roles allowed personal data: show it, and record that it was shown."""
    user = actor()
    if not user.can(Action.VIEW_PERSONAL_DATA) or c["id"] in st.session_state.get("revealed", {}):
        return
    if st.button(t("complaint.reveal"), key="reveal", icon=":material/visibility:"):
        shown = perform_untimed(services.reveal_complainant, c["id"])
        st.session_state.setdefault("revealed", {})[c["id"]] = shown
        st.rerun()
    st.caption(t("complaint.reveal_note"))


def letters(letters_df: pd.DataFrame, timeline: pd.DataFrame, agenda_no: str) -> None:
    """Per agency: its letters' status and the dated timeline of letters and responses."""
    if letters_df.empty:
        st.info(t("complaint.no_forwarding"))
        return
    names = followup_table.labels(followup_table.TIMELINE_COLUMNS, lang())
    events = followup_table.with_event_names(timeline, lang())
    for agency, group in letters_df.groupby("agency", sort=True):
        with st.container(border=True):
            st.markdown(f"**{plain(agency)}**")
            for row in group.itertuples():
                st.markdown(_letter_line(row))
            own = events[events["agency"] == agency].drop(columns="agency")
            show_table(
                own,
                hide_index=True,
                column_config={
                    **names,
                    "event_date": st.column_config.DateColumn(
                        names["event_date"], format="DD/MM/YYYY"
                    ),
                },
            )
    title = i18n.t("complaint.timeline_title", lang(), agenda=agenda_no)  # a workbook's title
    generated, language = generated_text(), lang()
    xlsx_button(
        lambda: followup_table.workbook(
            events,
            followup_table.TIMELINE_COLUMNS,
            lang=language,
            title=title,
            filters_text="",
            generated=generated,
        ),
        filename=f"riwayat-{agenda_no}.xlsx",
        key="export_timeline",
    )


def _channel(code: str | None) -> str:
    return t(Channel(code).label_key) if code else i18n.MISSING


def _letter_line(row) -> str:
    when = i18n.fmt_date(row.letter_date, lang())
    if row.answered:
        state = t(
            "complaint.answered_in",
            days=i18n.fmt_int(row.days_to_respond, lang()),
            status=t(f"status.{row.last_status}"),
        )
    else:
        state = t("complaint.unanswered_for", days=i18n.fmt_int(row.age_wd, lang()))
    return f"- {plain(row.letter_no)} ({when}): {state}"


def _submit(call: Callable[[], object], success_key: str) -> None:
    try:
        call()
    except DomainError as error:
        show_error(error)
    else:
        st.session_state[FLASH] = t(success_key)
        st.rerun()


def forms(c: dict, letters_df: pd.DataFrame) -> None:
    """Forms to record a response, a reminder or a new forwarding letter (if allowed)."""
    if not actor().can(Action.RECORD_LETTERS):
        return
    tab_resp, tab_rem, tab_fwd = st.tabs(
        [t("form.response"), t("form.reminder"), t("form.forwarding")]
    )
    with tab_resp:
        _response_form(c, letters_df)
    with tab_rem:
        _reminder_form(letters_df)
    with tab_fwd:
        _forwarding_form(c)


def _response_form(c: dict, letters_df: pd.DataFrame) -> None:
    agencies = dict(zip(letters_df["agency_id"], letters_df["agency"], strict=False))
    if not agencies:
        st.info(t("complaint.no_forwarding"))
        return
    with st.form("response_form", clear_on_submit=False):
        agency_id = st.selectbox(t("field.agency"), list(agencies), format_func=agencies.get)
        letter_no = st.text_input(t("field.letter_no"), key="resp_letter_no")
        date = st.date_input(
            t("field.response_date"),
            value=today(),
            max_value=today(),
            format="DD/MM/YYYY",
        )
        status = st.selectbox(
            t("field.status"),
            list(ResponseStatus),
            format_func=lambda s: t(ResponseStatus(s).label_key),
        )
        summary = st.text_area(t("field.summary"), max_chars=services.MAX_TEXT)
        if st.form_submit_button(t("form.save"), key="save_response", type="primary"):
            _submit(
                lambda: perform_untimed(
                    services.record_response,
                    complaint_id=c["id"],
                    agency_id=int(agency_id),
                    response=services.ResponseInput(
                        letter_no=letter_no,
                        response_date=date,
                        status=status or "",
                        summary=summary,
                    ),
                    today=today(),
                ),
                "form.response_saved",
            )


def _reminder_form(letters_df: pd.DataFrame) -> None:
    if letters_df.empty:
        st.info(t("complaint.no_forwarding"))
        return
    labels = {int(r.forwarding_id): f"{r.letter_no} – {r.agency}" for r in letters_df.itertuples()}
    with st.form("reminder_form"):
        forwarding_id = st.selectbox(t("field.forwarding"), list(labels), format_func=labels.get)
        kind = st.selectbox(
            t("field.kind"), list(ReminderKind), format_func=lambda k: t(ReminderKind(k).label_key)
        )
        letter_no = st.text_input(t("field.letter_no"), key="rem_letter_no")
        date = st.date_input(
            t("field.letter_date"), value=today(), max_value=today(), format="DD/MM/YYYY"
        )
        if st.form_submit_button(t("form.save"), key="save_reminder", type="primary"):
            # Both lists are non-empty and offer no empty choice: neither value is None.
            _submit(
                lambda: perform_untimed(
                    services.record_reminder,
                    forwarding_id=cast(int, forwarding_id),
                    kind=cast(str, kind),
                    letter_no=letter_no,
                    letter_date=date,
                    today=today(),
                ),
                "form.reminder_saved",
            )


def _forwarding_form(c: dict) -> None:
    agencies = data.options("agency")
    with st.form("forwarding_form"):
        agency_id = st.selectbox(t("field.agency"), list(agencies), format_func=agencies.get)
        letter_no = st.text_input(t("field.letter_no"), key="fwd_letter_no")
        date = st.date_input(
            t("field.letter_date"), value=today(), max_value=today(), format="DD/MM/YYYY"
        )
        if st.form_submit_button(t("form.save"), key="save_forwarding", type="primary"):
            _submit(
                lambda: perform_untimed(
                    services.record_forwarding,
                    complaint_id=c["id"],
                    agency_id=int(agency_id),
                    letter_no=letter_no,
                    letter_date=date,
                    today=today(),
                ),
                "form.forwarding_saved",
            )
