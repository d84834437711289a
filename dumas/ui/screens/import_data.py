"""The sections of the "Impor dan Ekspor Data" page: template, preview, import, export, merge
(agencies, and the unknown values imports kept as written), backups (with the command
line's tokens)."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from dumas import config, i18n, services
from dumas.domain.codes import Channel, ReferenceList, ResponseStatus
from dumas.domain.errors import DomainError, Message
from dumas.domain.permissions import Action
from dumas.importer import ImportReport, import_file
from dumas.importer.files import export_for, rejects_xlsx, sheets_rejects_xlsx, template_xlsx
from dumas.importer.import_report import count_lines, outcome, reason, sheet_heading, sheet_lines
from dumas.importer.model import ImportFileError, MissingColumns, RowError
from dumas.importer.reading import sheet_names
from dumas.queries import lookups
from dumas.queries import reference_values as unmatched
from dumas.queries.reference_values import UnmatchedValue
from dumas.services import agencies as agency_service
from dumas.services import reference_values
from dumas.ui import ops_tokens
from dumas.ui.actions import ERROR, FLASH, perform, perform_untimed
from dumas.ui.escape import plain
from dumas.ui.screens.import_headers import redo_requested, unknown_column_choices
from dumas.ui.state import actor, get_db, lang, show_error, t, today
from dumas.ui.widgets import generated_text, show_table, xlsx_button

_REPORT = "import_report"  # session key: (file digest, report) of the last preview or import


def template_download() -> None:
    """The empty template with its drop-down lists."""
    st.download_button(
        t("import.template"),
        data=template_xlsx(),
        file_name="templat-impor-dumas.xlsx",
        icon=":material/table_view:",
        on_click="ignore",
        key="download_template",
    )


def export_tab() -> None:
    """The whole follow-up database in the import layout (audited; names masked by role)."""
    title, generated = t("import.export_title"), generated_text()
    user = actor()

    def export() -> bytes:
        with get_db().transaction() as cur:  # the export is audited
            return export_for(cur, user, title=title, generated=generated)

    st.caption(t("import.export_hint"))
    xlsx_button(
        export,
        filename="data-tindak-lanjut.xlsx",
        key="download_export",
        label=t("import.export_all"),
    )


def _run(data: bytes, name: str, sheet: str | None, **mode: bool) -> ImportReport | None:
    bar = st.progress(0.0, text=t("import.stage.read"))

    def progress(stage: str, fraction: float) -> None:
        bar.progress(min(1.0, fraction), text=t(f"import.stage.{stage}"))

    try:
        return perform_untimed(
            import_file, data, name, today=today(), sheet=sheet or None, progress=progress, **mode
        )
    except ImportFileError as error:
        show_error(error)
        if isinstance(error, MissingColumns):  # the missing one may be there under a new name
            unknown_column_choices(error.dropped, error.fields)
        return None
    finally:
        bar.empty()


@st.cache_data(max_entries=16, show_spinner=False)
def _sheet_names(data: bytes, name: str) -> list[str]:
    """The file's sheets, read once per upload (each read runs a child process)."""
    return sheet_names(data, name)


def upload_and_import() -> None:
    """Upload, preview (a dry run), then import all or only the valid rows."""
    redo = redo_requested()  # a heading was just taught: the preview again, with it
    upload = st.file_uploader(t("import.upload"), type=["xlsx", "csv"], key="import_upload")
    if upload is None:
        st.info(t("import.hint"))
        return
    data = upload.getvalue()
    sheets = _sheet_names(data, upload.name)
    every = len(sheets) > 1 and st.checkbox(t("import.all_sheets"), key="import_all_sheets")
    sheet = None
    if sheets:
        sheet = st.selectbox(t("import.sheet"), sheets, key="import_sheet", disabled=every)
    digest = hashlib.sha256(data + (sheet or "").encode() + b"\0all" * every).hexdigest()
    with st.container(horizontal=True):
        preview = st.button(t("import.preview"), key="import_preview", icon=":material/preview:")
        run_all = st.button(t("import.run"), key="import_run", type="primary")
        run_valid = st.button(t("import.run_valid"), key="import_run_valid")
    if preview or run_all or run_valid or redo:
        mode = {"dry_run": preview or redo, "skip_invalid": run_valid, "all_sheets": every}
        report = _run(data, upload.name, None if every else sheet, **mode)
        st.session_state[_REPORT] = (digest, report) if report else None
    stored = st.session_state.get(_REPORT)
    if stored and stored[0] == digest:
        show_report(stored[1])


def show_report(report: ImportReport) -> None:
    """The outcome, the counts, the rejected rows and their download."""
    language = lang()
    if report.blocked:
        box = st.error
    elif report.dry_run:
        box = st.warning if report.errors else st.info
    else:
        box = st.warning if report.errors else st.success
    box(outcome(report, language, quote=plain))
    st.markdown("\n".join(f"- {line}" for line in count_lines(report, language, quote=plain)))
    unknown_column_choices(report.dropped, report.fields)
    for skipped in report.skipped_sheets:  # refused for a missing column, perhaps under a new name
        if skipped.dropped:
            st.markdown(f"**{t('import.report.sheet', sheet=plain(skipped.sheet))}**")
            unknown_column_choices(list(skipped.dropped), list(skipped.fields), skipped.sheet)
    for part in report.sheets:
        lines = sheet_lines(part, report.applied, language, quote=plain)
        st.markdown(f"**{sheet_heading(part, language, quote=plain)}**")
        st.markdown("\n".join(f"- {line}" for line in lines))
        unknown_column_choices(part.dropped, list(part.columns.values()), part.sheet)
    if not report.errors:
        return
    located: list[tuple[str | None, RowError]] = [
        (p.sheet, e) for p in report.sheets for e in p.errors
    ]
    located = located or [(None, e) for e in report.errors]
    table = pd.DataFrame(
        [
            {
                **({t("import.col.sheet"): sheet} if report.sheets else {}),
                t("import.col.row"): e.row,
                t("import.col.column"): e.column or "",
                t("import.col.reason"): reason(e, language),
            }
            for sheet, e in located
        ]
    )
    show_table(table, hide_index=True)
    generated = generated_text()

    def rejects() -> bytes:
        if report.sheets:
            return sheets_rejects_xlsx(report.sheets, language, generated)
        return rejects_xlsx(report.table, report.errors, language, generated)

    st.download_button(
        t("import.rejects_download"),
        data=rejects,
        file_name=f"{report.file_name.rsplit('.', 1)[0]}-ditolak.xlsx",
        icon=":material/download:",
        on_click="ignore",
        key="download_rejects",
    )


def merge_agencies() -> None:
    """Merge an agency an import created into one of the master list. The merge runs in a
    callback that carries the agencies as this screen listed them, so an agency someone
    merged meanwhile is refused with who and when instead of merging whatever has its id."""
    _merge_form()
    unmatched_values()
    agency_addresses()


def _merge_form() -> None:
    if error := st.session_state.pop("merge_error", None):
        show_error(error)
    with get_db().reading() as cur:
        imported = lookups.imported_agencies(cur)
        masters = lookups.options(cur, "master_agency")
    if not imported:
        st.info(t("merge.none"))
        return
    with st.form("merge_form"):
        choose = {"index": None, "placeholder": t("merge.choose")}
        st.selectbox(t("merge.source"), list(imported), format_func=imported.get,
                     key="merge_source", **choose)  # fmt: skip
        st.selectbox(t("merge.target"), list(masters), format_func=masters.get,
                     key="merge_target", **choose)  # fmt: skip
        st.form_submit_button(t("merge.run"), key="merge_run", type="primary",
                              on_click=_merge, args=(imported,))  # fmt: skip


def _merge(listed: dict[int, str]) -> None:
    """Callback: merge the chosen agency under the name this screen listed it by."""
    state = st.session_state
    source, target = state.get("merge_source"), state.get("merge_target")
    if source is None or target is None or source not in listed:
        state["merge_error"] = DomainError(Message("merge.pick_both"))
        return
    try:
        perform_untimed(services.merge_agency, source_id=source, source_name=listed[source],
                        target_id=target)  # fmt: skip
    except DomainError as error:
        state["merge_error"] = error
    else:
        st.session_state[FLASH] = t("merge.done", source=listed[source])
        for key in ("merge_source", "merge_target"):
            state.pop(key, None)  # the next merge starts from no choice again


def unmatched_values() -> None:
    """The values imports kept as written, with their records; mapping one to a master
    value makes it an alias and updates the records. The callback carries the value as
    this screen listed it, so a value mapped meanwhile is refused, not mapped again."""
    st.subheader(t("unmatched.heading"))
    if error := st.session_state.pop("unmatched_error", None):
        show_error(error)
    with get_db().reading() as cur:
        found = unmatched.unmatched_values(cur)
        tables = {k: lookups.options(cur, k) for k in ("category", "province", "problem_code")}
    if not found:
        st.info(t("unmatched.none"))
        return
    st.caption(t("unmatched.caption"))
    show_table(pd.DataFrame({
        t("unmatched.col.list"): [t(v.list.label_key) for v in found],
        t("unmatched.col.value"): [v.written for v in found],
        t("unmatched.col.rows"): [v.records for v in found],
    }), hide_index=True)  # fmt: skip
    listed = {f"{v.list}:{v.key}": v for v in found}

    def label(choice: str) -> str:
        value = listed[choice]
        return t("unmatched.option", list=t(value.list.label_key), value=value.written,
                 rows=i18n.fmt_int(value.records, lang()))  # fmt: skip

    chosen = st.selectbox(t("unmatched.value"), list(listed), format_func=label, index=None,
                          placeholder=t("unmatched.choose"), key="unmatched_value")  # fmt: skip
    if chosen is None or chosen not in listed:
        return
    masters = _master_values(listed[chosen].list, tables)
    st.selectbox(t("unmatched.target"), list(masters), format_func=masters.__getitem__, index=None,
                 placeholder=t("unmatched.choose_target"), key="unmatched_target")  # fmt: skip
    st.button(t("unmatched.run"), key="unmatched_run", type="primary",
              on_click=_map_value, args=(listed[chosen], masters))  # fmt: skip


def _master_values(listed: ReferenceList, tables: dict[str, dict]) -> dict[str, str]:
    """The master values of a list: code -> label."""
    if listed == ReferenceList.CHANNEL:
        return {c.value: t(c.label_key) for c in Channel}
    if listed == ReferenceList.RESPONSE_STATUS:
        return {s.value: t(s.label_key) for s in ResponseStatus}
    return {str(code): str(name) for code, name in tables[listed.value].items()}


def _map_value(value: UnmatchedValue, masters: dict[str, str]) -> None:
    """Callback: map the value this screen listed to the chosen master value."""
    state = st.session_state
    code = state.get("unmatched_target")
    if code is None or code not in masters:
        state["unmatched_error"] = DomainError(Message("unmatched.pick_both"))
        return
    try:
        records = perform_untimed(reference_values.map_unmatched_value, listed=value.list,
                                  written=value.written, code=code)  # fmt: skip
    except DomainError as error:  # it may name the value as written: shown as plain text
        state["unmatched_error"] = DomainError(*(
            Message(m.key, {k: plain(v) if isinstance(v, str) else v for k, v in m.params.items()},
                    m.field)
            for m in error.messages
        ))  # fmt: skip
    else:
        state[FLASH] = t("unmatched.done", value=plain(value.written), target=masters[code],
                         rows=i18n.fmt_int(records, lang()))  # fmt: skip
    for key in ("unmatched_value", "unmatched_target"):
        state.pop(key, None)  # the next mapping starts from no choice again


def agency_addresses() -> None:
    """How letters address an agency: its head's office title and its city. The agencies
    missing either (an import creates them without) come first and are marked. The save
    carries what this screen showed, so a change made meanwhile is refused, not overwritten."""
    st.subheader(t("agency_address.heading"))
    if error := st.session_state.pop("address_error", None):
        show_error(error)
    with get_db().reading() as cur:
        agencies = lookups.agency_addresses(cur)
    missing = [i for i, a in agencies.items() if not (a["head_title"] and a["city"])]
    if missing:
        st.warning(t("agency_address.missing", n=len(missing)), icon=":material/warning:")
    else:
        st.caption(t("agency_address.all_complete"))

    def label(agency_id: int) -> str:
        marked = "⚠ " if agency_id in missing else ""
        return marked + str(agencies[agency_id]["name"])

    chosen = st.selectbox(
        t("agency_address.agency"), list(agencies), format_func=label, index=None,
        placeholder=t("merge.choose"), key="address_agency",
    )  # fmt: skip
    if chosen is None or chosen not in agencies:
        return
    shown = agencies[chosen]
    with st.form(f"address_form_{chosen}"):
        st.text_input(t("field.head_title"), value=shown["head_title"] or "",
                      key=f"address_head_{chosen}",
                      placeholder=t("agency_address.head_hint"))  # fmt: skip
        st.text_input(t("field.city"), value=shown["city"] or "", key=f"address_city_{chosen}",
                      placeholder=t("agency_address.city_hint"))  # fmt: skip
        st.text_input(t("field.agency_email"), value=shown["email"] or "", max_chars=254,
                      key=f"address_email_{chosen}", placeholder=t("agency_address.email_hint"),
                      help=t("agency_address.email_help"))  # fmt: skip
        if config.smtp_host() is None:
            st.caption(t("agency_address.email_unsent"))
        st.form_submit_button(t("agency_address.save"), key="address_save", type="primary",
                              on_click=_save_address, args=(chosen, dict(shown)))  # fmt: skip


def _save_address(agency_id: int, shown: dict[str, str | None]) -> None:
    """Callback: the head title and city typed, with what the screen showed of them."""
    state = st.session_state
    try:
        perform_untimed(agency_service.complete_agency, agency_id=agency_id,
                        head_title=state.get(f"address_head_{agency_id}"),
                        city=state.get(f"address_city_{agency_id}"), seen=shown,
                        email=state.get(f"address_email_{agency_id}") or "")  # fmt: skip
    except DomainError as error:
        state["address_error"] = error
    else:
        state[FLASH] = t("agency_address.saved", name=shown["name"])


def import_tab() -> None:
    """The template, then upload, preview and import."""
    template_download()
    upload_and_import()


def backup_tab() -> None:
    """Take a backup now (Administrators); the backups kept, newest first."""
    from dumas.db import backup as backups

    folder = config.backup_dir()
    daily, monthly = config.backup_keep()
    st.subheader(t("backup.title"))
    st.caption(t("backup.caption", folder=str(folder), daily=daily, monthly=monthly))
    st.button(t("backup.take"), key="backup_take", type="primary",
              icon=":material/backup:", on_click=_take_backup)  # fmt: skip
    kept = list(reversed(backups.listed(folder)))
    if kept:
        st.markdown(f"**{t('backup.listed')}**")
        show_table(pd.DataFrame({t("backup.file"): [p.name for p in kept],
                                 t("backup.size_mb"): [p.stat().st_size / 2**20 for p in kept]}),
                   hide_index=True)  # fmt: skip
    if actor().can(Action.MANAGE_OPS_TOKENS):  # the rule the service checks
        st.divider()
        ops_tokens.section()


def _take_backup() -> None:
    """Callback: the service checks the permission, takes the copy and audits it."""
    from dumas.services.backups import take_backup

    try:
        taken = perform(take_backup, folder=config.backup_dir(), keep=config.backup_keep())
    except DomainError as error:
        st.session_state[ERROR] = error
        return
    complaints = i18n.fmt_int(taken.counts["complaint"], lang())
    st.session_state[FLASH] = t("backup.done", name=taken.path.name, complaints=complaints)
