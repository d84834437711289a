"""Files kept with a record, on the complaint page and the monitoring page: the list with
buttons to open (an image on the page, any file as a download; each opening audited by
the service) and to take one off, and the upload, each offered by the rule the service
checks (dumas/domain/attachments.py, monitoring_flow.record_refusal)."""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
import streamlit as st

from dumas import config, i18n
from dumas.db import blobs
from dumas.domain import file_types
from dumas.domain.attachments import Record, attach_action, may_open
from dumas.domain.codes import DocumentKind, MediaType, RecordKind, ReminderKind
from dumas.domain.errors import DomainError, Message, ValidationError
from dumas.queries import attachments as queries
from dumas.services import attachments as service
from dumas.ui.actions import ERROR, perform, perform_untimed, run
from dumas.ui.escape import plain
from dumas.ui.http_security import FILE_PATH
from dumas.ui.state import actor, get_db, lang, t

SHOWN = "attachment_shown"  # session key: {attachment id: image bytes shown on the page}
CONFIRM = "attachment_confirm"  # session key: the attachment whose removal awaits a yes
Label = Callable[[Record], str]


def complaint_files(complaint: dict) -> None:
    """The files of the complaint itself and of its letters and responses; the upload for
    whoever records letters."""
    complaint_id = int(complaint["id"])
    with get_db().reading() as cur:
        records = queries.complaint_records(cur, complaint_id)
        files = queries.of_complaint(cur, complaint_id)
    labels = {_record(row): _letter_label(row) for row in records.to_dict("records")}
    st.subheader(t("attachment.heading"))
    allowed = actor().can(attach_action(RecordKind.RESPONSE))  # the letters' one rule
    file_list(files, lambda r: labels.get(r, ""), key="att", removable=allowed)
    if allowed:
        with st.expander(t("attachment.add"), icon=":material/attach_file:"):
            upload(labels, key="att")


def monitoring_files(
    monitoring_id: int, records: dict[Record, str], *, key: str, writes: bool
) -> None:
    """The files of some of a monitoring's records (a document, the results), and for its
    team in steps 4-7 (`writes`, the service's rule) the upload and the removal."""
    with get_db().reading() as cur:
        files = queries.of_monitoring(cur, monitoring_id)
    wanted = [_stored_record(row) in records for row in files.to_dict("records")]
    mine = files[pd.Series(wanted, index=files.index, dtype=bool)]
    file_list(mine, lambda r: records.get(r, "") if len(records) > 1 else "", key=key,
              removable=writes)  # fmt: skip
    if writes and records:
        with st.expander(t("attachment.add"), icon=":material/attach_file:"):
            upload(records, key=key)


def document_record(monitoring_id: int, kind: DocumentKind) -> dict[Record, str]:
    """A monitoring's document as a record, with its name as plain text."""
    name = i18n.t(kind.label_key, lang())
    return {Record(RecordKind.MONITORING_DOCUMENT, monitoring_id, kind.value): name}


def result_records(monitoring_id: int, letters: pd.DataFrame) -> dict[Record, str]:
    """A monitoring's letters as the records its results' evidence is attached to, named
    (plain text) by their agenda and letter numbers."""
    return {
        Record(RecordKind.MONITORING_RESULT, monitoring_id, str(int(row["forwarding_id"]))): (
            f"{row['agenda_no']} · {row['letter_no']}"
        )
        for row in letters.to_dict("records")
    }


def file_list(files: pd.DataFrame, label: Label, *, key: str, removable: bool) -> None:
    """One line per file: its record, name, type and size, who attached it and when; the
    buttons to open it as the user's roles allow."""
    if files.empty:
        st.caption(t("attachment.none"))
        return
    user, store = actor(), blobs.store_for(get_db().path)
    for row in files.to_dict("records"):
        kind = RecordKind(row["record_kind"])
        record = _stored_record(row)
        opens = may_open(user, kind)
        with st.container(border=True):
            st.markdown(_file_line(row, label(record), opens))
            if not opens:
                st.caption(t("attachment.personal_only"))
            elif not store.exists(row["sha256"]):
                st.caption(t("error.attachment_missing", name=row["display_name"]))
            else:
                _buttons(row, f"{key}_{row['id']}", removable)


def _file_line(row, record: str, opens: bool) -> str:
    """The file's line (Markdown): its record (plain text), name, type, size, who, when."""
    name = plain(row["display_name"]) if opens else f"••• ({t('complaint.masked')})"
    media = file_types.EXTENSIONS[MediaType(row["media_type"])].upper()
    when = i18n.fmt_datetime(row["uploaded_at"].astimezone(config.TIMEZONE), lang(), "short")
    facts = t("attachment.facts", type=media, size=size_text(row["size"]), who=row["uploaded_by"],
              when=when)  # fmt: skip
    head = f"**{plain(record)}:** " if record else ""
    return f"{head}{name} · {facts}"


def _buttons(row, key: str, removable: bool) -> None:
    """Open (an image on the page, a PDF in the browser's viewer in a tab of its own),
    download, and take off: each a service call."""
    media = MediaType(row["media_type"])
    slots = iter(st.columns(3))  # the buttons drawn, from the left
    shown = st.session_state.get(SHOWN, {})
    if media is MediaType.PDF:  # the file route checks and audits as the download does
        next(slots).link_button(t("attachment.open_tab"), f"{FILE_PATH.lstrip('/')}{row['id']}",
                                icon=":material/open_in_new:")  # fmt: skip
    elif media in file_types.IMAGES:
        column = next(slots)
        if row["id"] in shown:
            column.button(t("attachment.hide"), key=f"{key}_hide", icon=":material/close:",
                              on_click=_hide, args=(row["id"],))  # fmt: skip
        else:
            column.button(t("attachment.show"), key=f"{key}_show", icon=":material/image:",
                              on_click=_show, args=(row["id"],))  # fmt: skip
    database, user, attachment_id = get_db(), actor(), int(row["id"])

    def fetch() -> bytes:  # on click, in another thread: values by closure; audited
        return service.open_file(database, user, attachment_id).data

    next(slots).download_button(
        t("attachment.download", type=file_types.EXTENSIONS[media]),
        data=fetch,
        file_name=file_types.download_name(row["display_name"], media),
        mime=media.value,
        icon=":material/download:",
        key=f"{key}_download",
        on_click="ignore",
    )
    if removable:
        _removal(next(slots), row["id"], key)
    if row["id"] in shown:
        st.image(shown[row["id"]], width="content")


def _removal(column, attachment_id: int, key: str) -> None:
    """Take the file off its record, after a second click says yes."""
    if st.session_state.get(CONFIRM) != attachment_id:
        column.button(t("attachment.remove"), key=f"{key}_remove", icon=":material/link_off:",
                      type="tertiary", on_click=_ask, args=(attachment_id,))  # fmt: skip
        return
    column.button(t("attachment.remove_confirm"), key=f"{key}_remove_yes", type="primary",
                  on_click=_remove, args=(attachment_id,))  # fmt: skip


def _ask(attachment_id: int) -> None:
    st.session_state[CONFIRM] = attachment_id


def _remove(attachment_id: int) -> None:
    st.session_state.pop(CONFIRM, None)
    st.session_state.get(SHOWN, {}).pop(attachment_id, None)
    run(lambda: perform(service.remove, attachment_id), t("attachment.removed"))


def _show(attachment_id: int) -> None:
    """Callback: the image's bytes through the service (audited), kept to draw it."""
    try:
        opened = perform_untimed(service.open_file, attachment_id)
    except DomainError as error:
        st.session_state[ERROR] = error
        return
    st.session_state.setdefault(SHOWN, {})[attachment_id] = opened.data


def _hide(attachment_id: int) -> None:
    st.session_state.get(SHOWN, {}).pop(attachment_id, None)


def upload(records: dict[Record, str], *, key: str) -> None:
    """Choose the record (when there are several), the file, then attach it."""
    chosen = list(records)
    if len(chosen) > 1:
        st.selectbox(t("attachment.record"), options=range(len(chosen)), key=f"{key}_record",
                     format_func=lambda i: records[chosen[i]])  # fmt: skip
    limit = config.attachment_max_mb()
    round_ = st.session_state.get(f"{key}_round", 0)  # a new uploader once a file is kept
    st.file_uploader(t("attachment.file"), key=f"{key}_file_{round_}", max_upload_size=limit,
                     help=t("attachment.file_help", mb=limit))  # fmt: skip
    st.button(t("attachment.attach"), key=f"{key}_attach", type="primary",
              icon=":material/upload_file:", on_click=_attach, args=(chosen, key))  # fmt: skip


def _attach(chosen: list[Record], key: str) -> None:
    """Callback: the chosen record and the uploaded file to the service."""
    state = st.session_state
    record = chosen[state.get(f"{key}_record", 0) or 0]
    round_ = state.get(f"{key}_round", 0)
    uploaded = state.get(f"{key}_file_{round_}")
    if uploaded is None:
        state[ERROR] = ValidationError(Message("error.attachment_no_file", {}, "file"))
        return
    file = service.Upload(uploaded.name, uploaded.getvalue())
    if run(lambda: perform(service.attach, record, file), t("attachment.added", name=file.name)):
        state[f"{key}_round"] = round_ + 1


def size_text(size: int) -> str:
    """A file's size in kilobytes below a megabyte, else in megabytes (as the uploader)."""
    if size < service.MB:
        return f"{i18n.fmt_int(math.ceil(size / 1024), lang())} KB"
    return f"{i18n.fmt_decimal(size / service.MB, lang())} MB"


def _record(row) -> Record:
    return Record(RecordKind(row["record_kind"]), int(row["record_id"]))


def _stored_record(row) -> Record:
    return Record(RecordKind(row["record_kind"]), int(row["record_id"]), str(row["record_part"]))


def _letter_label(row) -> str:
    """ "Tanggapan T-12 – Kementerian X (5 Mei 2026)": which letter of the complaint, as
    plain text (a choice in a list; plain() before any Markdown)."""
    kind = RecordKind(row["record_kind"])
    if kind is RecordKind.COMPLAINT:
        return i18n.t("attachment.complaint_itself", lang(), agenda=row["letter_no"])
    reminder = row["reminder_kind"]
    key = ReminderKind(reminder).label_key if isinstance(reminder, str) else kind.label_key
    agency = f" – {row['agency']}" if isinstance(row["agency"], str) else ""
    when = i18n.fmt_date(row["letter_date"], lang(), "medium")
    return f"{i18n.t(key, lang())} {row['letter_no']}{agency} ({when})"
