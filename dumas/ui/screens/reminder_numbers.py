"""Recording a previewed batch of reminder letters (issue 20), the second half of the
"Surat konfirmasi" view (reminders.py): the numbers and dates the registry gave, counted up
from a first number or one by one, written in one transaction; then the numbered letters to
download."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dumas import i18n
from dumas.domain.codes import ReminderKind
from dumas.domain.errors import DomainError
from dumas.domain.reminders import ReminderBatch, counted_up
from dumas.queries import reminders as queries
from dumas.queries import settings as settings_queries
from dumas.render import reminders as files
from dumas.render.documents.inputs import DocumentSettings
from dumas.render.documents.reminder_letter import number_and_date
from dumas.services import reminders as service
from dumas.ui.actions import perform_untimed
from dumas.ui.screens import reminder_mail
from dumas.ui.state import get_db, lang, show_error, t, today
from dumas.ui.widgets import edit_table, generated_text

BATCH = "reminder_batch"  # (selection, batch) of the last preview
DONE = "reminder_recorded"  # ids of the letters just recorded
ERROR = "reminder_error"  # a refusal of the last write


def switch(label: str, options: list[str], key: str) -> str:
    """A choice among `options` (the first by default), each named `<label>_<option>`."""
    chosen = st.segmented_control(t(label), options, default=options[0], required=True,
                                  format_func=lambda m: t(f"{label}_{m}"), key=key)  # fmt: skip
    return str(chosen or options[0])


def form(settings: DocumentSettings, batch: ReminderBatch) -> None:
    """The numbers and dates as signed: counted up from a first number, or one by one."""
    st.subheader(t("reminders.record_title"))
    st.caption(t("reminders.record_caption"))
    if error := st.session_state.pop(ERROR, None):
        show_error(error)
    how = switch("reminders.numbering", ["counted", "each"], key="reminder_numbering")
    if how == "counted":
        _counted_form(settings, batch)
    else:
        _each_form(settings, batch)


def _counted_form(settings: DocumentSettings, batch: ReminderBatch) -> None:
    draft, _ = number_and_date(settings, batch.letters[0], batch.as_of)
    with st.form("reminder_counted"):
        left, middle, right = st.columns([4, 2, 2])
        pattern = left.text_input(
            t("field.number_pattern"),
            value=draft,
            max_chars=120,
            help=t("reminders.pattern_help"),
            key="reminder_pattern",
        )
        first = middle.text_input(t("field.first_number"), max_chars=9, key="reminder_first")
        on = right.date_input(
            t("field.letter_date"),
            value=batch.as_of,
            max_value=batch.as_of,
            format="DD/MM/YYYY",
            key="reminder_on",
        )
        if st.form_submit_button(
            t("reminders.record"), key="reminder_record_counted", type="primary"
        ):
            try:
                numbers = counted_up(pattern, first, len(batch.letters))
            except DomainError as error:
                st.session_state[ERROR] = error
                st.rerun()
            _record(batch, [(number, on) for number in numbers])


def _each_form(settings: DocumentSettings, batch: ReminderBatch) -> None:
    rows = []
    for letter in batch.letters:
        draft, _ = number_and_date(settings, letter, batch.as_of)
        rows.append(
            {
                "agency": letter.agency,
                "kind": t(ReminderKind(letter.kind).label_key),
                "letters": len(letter.letters),
                "letter_no": draft,
                "letter_date": batch.as_of,
            }
        )
    config = {
        "agency": st.column_config.TextColumn(t("col.agency"), disabled=True),
        "kind": st.column_config.TextColumn(t("reminders.col.kind"), disabled=True),
        "letters": st.column_config.NumberColumn(t("reminders.col.letters"), disabled=True),
        "letter_no": st.column_config.TextColumn(
            t("field.letter_no"), max_chars=120, required=True
        ),
        "letter_date": st.column_config.DateColumn(
            t("field.letter_date"), format="DD/MM/YYYY", max_value=batch.as_of, required=True
        ),
    }
    with st.form("reminder_each"):
        edited = edit_table(
            pd.DataFrame(rows),
            hide_index=True,
            column_config=config,
            num_rows="fixed",
            key="reminder_numbers",
        )
        if st.form_submit_button(t("reminders.record"), key="reminder_record_each", type="primary"):
            _record(
                batch,
                [
                    (r["letter_no"] or "", _date(r["letter_date"]))
                    for r in edited.to_dict("records")
                ],
            )


def _date(value: object) -> dt.date | None:
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _record(batch: ReminderBatch, numbers: list[tuple[str, dt.date | None]]) -> None:
    """Write the batch with these numbers and dates (the letters' order); show the outcome."""
    letters = [
        service.NumberedLetter(
            agency_id=x.agency_id,
            kind=x.kind,
            letter_no=number,
            letter_date=on,
            forwarding_ids=tuple(item.forwarding_id for item in x.letters),
        )
        for x, (number, on) in zip(batch.letters, numbers, strict=True)
    ]
    try:
        ids = perform_untimed(service.record_reminder_letters, letters, today=batch.as_of)
    except DomainError as error:
        st.session_state[ERROR] = error
    else:
        st.session_state.pop(BATCH, None)
        st.session_state[DONE] = ids
    st.rerun()


def recorded() -> None:
    """After a write: what was recorded, and the letters with their numbers to download."""
    ids = st.session_state.get(DONE)
    if not ids:
        return
    with get_db().reading() as cur:
        letters = queries.recorded_letters(cur, ids)
        settings = settings_queries.for_documents(cur)
    count = sum(len(x.letters) for x in letters)
    st.success(
        t(
            "reminders.recorded",
            documents=i18n.fmt_int(len(letters), lang()),
            letters=i18n.fmt_int(count, lang()),
        ),
        icon=":material/check_circle:",
    )
    language, generated = lang(), generated_text()
    title = i18n.t("reminders.list_title", language)
    on = letters[0].letter_date if letters and letters[0].letter_date else today()
    st.download_button(
        t("reminders.download_recorded"),
        file_name=files.ZIP_NUMBERED,
        mime="application/zip",
        data=lambda: files.bundle(
            settings,
            letters,
            on,
            files.list_workbook(
                settings, letters, (), on, lang=language, title=title, generated=generated
            ),
        ),
        key="reminder_recorded_zip",
        icon=":material/folder_zip:",
        on_click="ignore",
    )
    reminder_mail.section(settings, letters)
    if st.button(t("reminders.start_again"), key="reminder_again"):
        st.session_state.pop(DONE, None)
        st.rerun()
