"""The "Surat konfirmasi" view of Tindak Lanjut (issue 20): choose letters of the filters
(picked one by one, or every letter unanswered for more than N working days), preview the
reminders per agency before anything is written, download the drafts (a .docx per agency,
one combined .docx, the list .xlsx, or all of them as a .zip), then record the numbers and
dates the registry gave, counted up from a first number or one by one.

Offered to whoever may record letters (Action.RECORD_LETTERS), as the service requires.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dumas import i18n
from dumas.domain.codes import ReminderKind
from dumas.domain.permissions import Action, User
from dumas.domain.reminders import MAX_LETTERS, ReminderBatch, ReminderLetter
from dumas.queries import reminders as queries
from dumas.queries import settings as settings_queries
from dumas.queries.filters import Filters
from dumas.render import reminders as files
from dumas.render.documents.inputs import DocumentSettings
from dumas.ui.screens import reminder_numbers as numbers
from dumas.ui.state import actor, get_db, lang, t
from dumas.ui.widgets import generated_text, show_table

PICK_LIMIT = 500  # the oldest letters of the filters offered to pick from
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def offered(user: User) -> bool:
    """Whether the view is offered: the service's own rule."""
    return user.can(Action.RECORD_LETTERS)


def section(filters: Filters, as_of: dt.date) -> None:
    """Choose, preview, download, record."""
    if not offered(actor()):
        st.info(t("reminders.not_allowed"))
        return
    numbers.recorded()
    with get_db().reading() as cur:
        gap = queries.gap_days(cur)
    st.caption(t("reminders.caption", gap=gap))
    selection = _choice(filters, as_of, gap)
    chosen = selection.forwarding_ids is None or bool(selection.forwarding_ids)
    if st.button(
        t("reminders.preview"),
        key="reminder_preview",
        type="primary",
        disabled=not chosen,
        icon=":material/preview:",
    ):
        with st.spinner(t("app.loading")), get_db().reading() as cur:
            st.session_state[numbers.BATCH] = (selection, queries.prepare(cur, selection, as_of))
        st.session_state.pop(numbers.ERROR, None)
    shown = st.session_state.get(numbers.BATCH)
    if shown and shown[0] == selection and shown[1].as_of == as_of:
        _preview(shown[1])
    elif shown:
        st.caption(t("reminders.preview_again"))


def _choice(filters: Filters, as_of: dt.date, gap: int) -> queries.Selection:
    """Every unanswered letter of the filters older than N working days, or letters picked."""
    mode = numbers.switch("reminders.mode", ["older", "picked"], key="reminder_mode")
    if mode == "older":
        older = st.number_input(
            t("reminders.older_than"),
            min_value=0,
            max_value=5000,
            value=gap,
            step=1,
            key="reminder_older",
        )
        return queries.Selection(filters=filters, older_than=int(older))
    with get_db().reading() as cur:
        frame = queries.candidates(cur, filters, as_of, PICK_LIMIT)
    st.caption(t("reminders.pick_caption", n=i18n.fmt_int(PICK_LIMIT, lang())))
    names = {
        "agenda_no": t("col.agenda_no"),
        "letter_no": t("col.letter_no"),
        "letter_date": st.column_config.DateColumn(t("col.letter_date"), format="DD/MM/YYYY"),
        "agency": t("col.agency"),
        "age_wd": t("col.age_wd"),
        "reminders": t("col.reminders"),
    }
    event = show_table(
        frame[list(names)],
        hide_index=True,
        column_config=names,
        on_select="rerun",
        selection_mode="multi-row",
        key="reminder_pick",
    )
    rows = event.selection.rows
    ids = tuple(int(frame["forwarding_id"].iloc[i]) for i in rows)
    st.caption(t("reminders.picked", n=i18n.fmt_int(len(ids), lang())))
    return queries.Selection(forwarding_ids=ids)


def _preview(batch: ReminderBatch) -> None:
    """What would be written: counts, warnings, the letters, those left out, the files."""
    language = lang()
    n = {
        key: i18n.fmt_int(value, language)
        for key, value in (
            ("letters", batch.included),
            ("agencies", batch.agencies),
            ("documents", len(batch.letters)),
            ("left_out", batch.left_out_total),
        )
    }
    st.subheader(t("reminders.preview_title"))
    st.info(t("reminders.summary", **n), icon=":material/summarize:")
    if batch.too_many:
        st.warning(t("reminders.too_many", max=i18n.fmt_int(MAX_LETTERS, language)))
    elif not batch.included:
        st.warning(t("reminders.nothing"))
    if missing := batch.incomplete_agencies:
        st.warning(
            t("reminders.incomplete", agencies="; ".join(missing)), icon=":material/warning:"
        )
    if batch.letters:
        _letters_table(batch.letters)
    if batch.left_out:
        _left_out(batch)
    if batch.letters and not batch.too_many:
        settings = _settings()
        _downloads(settings, batch)
        numbers.form(settings, batch)


def _letters_table(letters: tuple[ReminderLetter, ...]) -> None:
    frame = pd.DataFrame(
        {
            "agency": [x.agency for x in letters],
            "kind": [t(ReminderKind(x.kind).label_key) for x in letters],
            "letters": [len(x.letters) for x in letters],
            "address": [
                t("reminders.address_ok" if x.complete_address else "reminders.address_missing")
                for x in letters
            ],
        }
    )
    names = {
        "agency": t("col.agency"),
        "kind": t("reminders.col.kind"),
        "letters": t("reminders.col.letters"),
        "address": t("reminders.col.address"),
    }
    show_table(frame, hide_index=True, column_config=names, key="reminder_letters")


def _left_out(batch: ReminderBatch) -> None:
    language = lang()
    counts = ", ".join(
        t(
            "reminders.left_out_count",
            reason=t(f"reminders.left_out.{reason}"),
            n=i18n.fmt_int(n, language),
        )
        for reason, n in batch.left_out.items()
    )
    with st.expander(t("reminders.left_out_title", counts=counts)):
        frame = pd.DataFrame(
            {
                "agenda_no": [x.agenda_no for x in batch.left_out_letters],
                "letter_no": [x.letter_no for x in batch.left_out_letters],
                "agency": [x.agency for x in batch.left_out_letters],
                "reason": [t(f"reminders.left_out.{x.reason}") for x in batch.left_out_letters],
                "last_reminder_on": [x.last_reminder_on for x in batch.left_out_letters],
            }
        )
        names = {
            "agenda_no": t("col.agenda_no"),
            "letter_no": t("col.letter_no"),
            "agency": t("col.agency"),
            "reason": t("reminders.col.reason"),
            "last_reminder_on": st.column_config.DateColumn(
                t("reminders.col.last_reminder_on"), format="DD/MM/YYYY"
            ),
        }
        show_table(frame, hide_index=True, column_config=names, key="reminder_left_out")
        if batch.left_out_total > len(batch.left_out_letters):
            st.caption(
                t("reminders.left_out_more", n=i18n.fmt_int(len(batch.left_out_letters), language))
            )


def _settings() -> DocumentSettings:
    with get_db().reading() as cur:
        return settings_queries.for_documents(cur)


def _downloads(settings: DocumentSettings, batch: ReminderBatch) -> None:
    """The drafts, built when a button is clicked: all as .zip, the combined .docx, the list."""
    language, generated, on = lang(), generated_text(), batch.as_of
    title = i18n.t("reminders.list_title", language)

    def workbook() -> bytes:
        return files.list_workbook(
            settings,
            batch.letters,
            batch.left_out_letters,
            on,
            lang=language,
            title=title,
            generated=generated,
        )

    st.markdown(f"**{t('reminders.downloads')}**")
    with st.container(horizontal=True):
        st.download_button(
            t("reminders.download_zip"),
            data=lambda: files.bundle(settings, batch.letters, on, workbook()),
            file_name=files.ZIP,
            mime="application/zip",
            key="reminder_zip",
            icon=":material/folder_zip:",
            on_click="ignore",
            type="primary",
        )
        st.download_button(
            t("reminders.download_combined"),
            file_name=files.COMBINED,
            mime=DOCX_MIME,
            data=lambda: files.combined_document(settings, batch.letters, on),
            key="reminder_combined",
            icon=":material/description:",
            on_click="ignore",
        )
        st.download_button(
            t("reminders.download_list"),
            data=workbook,
            file_name=files.LIST,
            mime=XLSX_MIME,
            key="reminder_list",
            icon=":material/download:",
            on_click="ignore",
        )
    st.caption(t("reminders.drafts_caption"))
