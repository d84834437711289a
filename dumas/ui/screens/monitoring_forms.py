"""The views of one monitoring's records: Persiapan, Koordinasi, Pelaksanaan, Laporan.

Forms are drawn for the team while the monitoring is in steps 4-7; everyone else reads.
Each document, and the results, keep their files (the signed scan, the evidence): see
dumas/ui/screens/attachments.py.
Widget keys carry the revision the screen showed, so a saved change draws fresh forms;
what a stale screen could not save is laid over the fresh form once more.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd
import streamlit as st

from dumas import i18n
from dumas.domain import monitoring_flow as flow
from dumas.domain.codes import ActivityKind, Coded, DocumentKind, ResponseStatus, Result
from dumas.services import monitoring_records as records
from dumas.services.common import MAX_NARRATIVE, MAX_TEXT
from dumas.services.followup import ResponseInput
from dumas.ui.actions import ERROR, FLASH, perform, run
from dumas.ui.escape import Markdown, plain
from dumas.ui.screens import attachments as files
from dumas.ui.screens import monitoring_memo as memo_ui
from dumas.ui.screens import monitoring_money as money
from dumas.ui.screens.monitoring_detail import Screen, day, document_button, is_stale
from dumas.ui.state import t, today
from dumas.ui.widgets import edit_table, show_table

D = DocumentKind
DIRECT_DOCUMENTS = (D.MEMO_DEPUTI, D.SURAT_TUGAS, D.MEMO_KEUANGAN)
INDIRECT_DOCUMENTS = (flow.INDIRECT_FILES,)  # step 4b; the official letter is step 6b
COST_COLUMNS = ("item", "user_id", "planned", "actual")
# Choice fields and their codes.
SELECTS: dict[str, type[Coded]] = {"kind": ActivityKind, "result": Result, "status": ResponseStatus}
# (field name, widget: text, area, long (a narrative of paragraphs), date, due, select, check)
Fields = tuple[tuple[str, str], ...]
Write = Callable[[int, int, dict], object]  # (monitoring id, revision shown, values)

SCOPE: Fields = tuple((name, "area") for name in records.SCOPE_FIELDS)
REPORT: Fields = tuple((name, "long") for name in records.REPORT_FIELDS)  # paragraphs
CONTACT: Fields = (("contact_name", "text"), ("contact_position", "text"),
                   ("contact_phone", "text"), ("contact_email", "text"),
                   ("note", "area"))  # fmt: skip
DOCUMENT: Fields = (("letter_no", "text"), ("signed_on", "date"))
ACTIVITY: Fields = (("kind", "select"), ("activity_date", "date"), ("place", "text"),
                    ("participants", "text"), ("channel", "text"), ("summary", "area"))  # fmt: skip
# An electronic contact of an indirect monitoring (stored as a log entry; "contacted" is
# the entry's participants column).
CONTACT_LOG: Fields = (("activity_date", "date"), ("channel", "text"), ("contacted", "text"),
                       ("summary", "area"))  # fmt: skip
# What step 6b says of the ways used so far (flow.indirect_ways).
WAYS_USED = {(): "monitoring.ways_none", (flow.CONTACT,): "monitoring.ways_used_contact",
             (flow.LETTER,): "monitoring.ways_used_letter",
             (flow.CONTACT, flow.LETTER): "monitoring.ways_used_contact_letter"}  # fmt: skip
AGREEMENT: Fields = (("item", "area"), ("responsible", "text"), ("due_on", "due"))
RESULT: Fields = (("result", "select"), ("evidence", "area"), ("recommendation", "area"))
RESPONSE: Fields = (("response_obtained", "check"), ("letter_no", "text"),
                    ("response_date", "date"), ("status", "select"),
                    ("summary", "area"))  # fmt: skip


def _key(form: str, mid: int, revision: int, name: str) -> str:
    return f"{form}_{mid}_{revision}_{name}"


def _form(screen: Screen, form: str, fields: Fields, stored: dict, write: Write, *,
          submit: str = "monitoring.save", success: str = "monitoring.saved") -> None:  # fmt: skip
    """A form prefilled with the stored values, sent with the revision the screen showed."""
    mid, revision = screen.id, screen.revision
    kept = st.session_state.pop(f"draft_{form}_{mid}", None)
    if kept:
        st.warning(t("monitoring.draft_kept"), icon=":material/edit_note:")
    current = kept or stored
    with st.form(f"{form}_{mid}_{revision}"):
        for name, widget in fields:
            _widget(_key(form, mid, revision, name), name, widget, current.get(name))
        names = tuple(name for name, _ in fields)
        st.form_submit_button(
            t(submit), key=f"{form}_save", type="primary", on_click=_submit,
            args=(form, mid, revision, names, write, success),
        )  # fmt: skip


def _widget(key: str, name: str, widget: str, value: object) -> None:
    label = t(f"field.{name}")
    if widget in ("area", "long"):  # as long as the service accepts (services.common)
        long = widget == "long"
        st.text_area(
            label, value=value if isinstance(value, str) else "", key=key,
            height=200 if long else 90, max_chars=MAX_NARRATIVE if long else MAX_TEXT,
        )  # fmt: skip
    elif widget == "text":
        st.text_input(label, value=value if isinstance(value, str) else "", key=key)
    elif widget == "check":
        st.checkbox(label, value=bool(value), key=key)
    elif widget == "select":
        coded = SELECTS[name]
        codes = list(coded)
        st.selectbox(
            label, options=codes, index=codes.index(value) if value in codes else None,
            format_func=lambda c: t(coded(c).label_key), key=key,
            placeholder=t("widget.choose"),
        )  # fmt: skip
    else:  # "date": a day that has happened; "due": any day
        latest = today() if widget == "date" else None
        value = None if value is None or pd.isna(value) else value
        st.date_input(label, value=value, max_value=latest, format="DD/MM/YYYY", key=key)


def _submit(form: str, mid: int, revision: int, names: tuple, write: Write, success: str) -> None:
    values = {name: st.session_state.get(_key(form, mid, revision, name)) for name in names}
    saved = run(lambda: write(mid, revision, values), t(success))
    if not saved and is_stale(st.session_state.get(ERROR)):  # laid over the next run's form
        st.session_state[f"draft_{form}_{mid}"] = values


def _facts(fields: Fields, values: dict) -> None:
    """Stored values shown read-only, one labelled line each (a narrative: its paragraphs)."""
    for name, widget in fields:
        value = values.get(name)
        shown = day(value) if hasattr(value, "year") else plain(value or i18n.MISSING)
        if widget == "long" and isinstance(value, str):
            shown = "\n\n".join(plain(line) for line in value.splitlines() if line.strip())
        st.markdown(f"**{t(f'field.{name}')}:** {shown}")


def _heading(key: str) -> None:
    st.markdown(f"**{t(key)}**")


# Persiapan (step 4)


def preparation(screen: Screen) -> None:
    """The scope of the proposal, the letters to clarify, the documents of the method."""
    _heading("monitoring.scope")
    if screen.may_write():
        _form(screen, "scope", SCOPE, screen.records["scope"], _save_scope)
    else:
        _facts(SCOPE, screen.records["scope"])
    _heading("monitoring.letters")
    letters_table(screen)
    _heading("monitoring.documents")
    if not screen.direct:
        st.caption(t("monitoring.files_step4"))
    documents = screen.records["documents"].set_index("kind").to_dict("index")
    memo = memo_ui.load(screen) if screen.direct else None
    for kind in DIRECT_DOCUMENTS if screen.direct else INDIRECT_DOCUMENTS:
        with st.container(border=True):
            _document(screen, kind, documents.get(kind), memo)
            if memo is not None and kind is D.MEMO_DEPUTI:
                memo_ui.answer(screen, memo)
    if screen.direct:  # the travel memo asks for the planned money: planned from step 4
        _heading("monitoring.costs_planned_step4")
        money.costs(screen, report=False)


def _save_scope(mid: int, revision: int, values: dict) -> None:
    perform(records.save_scope, mid, revision=revision, values=values)


def _document(
    screen: Screen, kind: DocumentKind, recorded: dict | None, memo: memo_ui.Memo | None = None
) -> None:
    """One document: its draft to download, then its number and date once signed (of a
    direct visit, as far as the Deputi's answer to the memo allows: memo_ui)."""
    st.markdown(t(kind.label_key))
    document_button(screen, kind)
    if recorded:
        number, on = plain(recorded["letter_no"]), day(recorded["signed_on"])
        st.caption(t("monitoring.document_recorded", number=number, on=on))
    offered = not recorded if memo is None else memo_ui.offers_record(memo, kind, bool(recorded))
    if offered and screen.may_write():
        _form(screen, f"doc_{kind}", DOCUMENT, {}, partial(_record_document, kind),
              submit="monitoring.record_document", success="monitoring.document_saved")  # fmt: skip
    elif memo is not None and not recorded and memo_ui.waits(memo, kind):
        st.caption(t("monitoring.memo_document_waits"))
    elif not recorded:
        st.caption(t("monitoring.document_not_recorded"))
    _document_files(screen, kind)


def _document_files(screen: Screen, kind: DocumentKind) -> None:
    """The document's files (its signed scan), attached by the team in steps 4-7."""
    records = files.document_record(screen.id, kind)
    files.monitoring_files(screen.id, records, key=f"att_{kind}", writes=screen.may_write())


def _record_document(kind: str, mid: int, revision: int, values: dict) -> None:
    document = records.DocumentRecord(kind, values["letter_no"] or "", values["signed_on"])
    perform(records.record_document, mid, revision=revision, document=document, today=today())


def letters_table(screen: Screen) -> None:
    """The letters to clarify: numbers, date, status, summary, result (no complainant)."""
    found = screen.letters
    if found.empty:
        st.caption(t("monitoring.no_letters"))
        return
    shown = pd.DataFrame({
        t("field.agenda_no"): found["agenda_no"],
        t("field.letter_no"): found["letter_no"],
        t("field.letter_date"): [day(d) for d in found["letter_date"]],
        t("field.status"): [t(f"status.{s}") for s in found["last_status"]],
        t("field.summary"): found["summary"],
        t("field.result"): [t(Result(r).label_key) if isinstance(r, str) else i18n.MISSING
                            for r in found["result"]],
    })  # fmt: skip
    show_table(shown, hide_index=True, width="stretch")


# Koordinasi (step 5)


def coordination(screen: Screen) -> None:
    """Step 5: when the assignment letter (direct) and the material went, the contact."""
    dates = records.COORDINATION_DATES if screen.direct else ("material_sent_on",)
    fields = (*((name, "date") for name in dates), *CONTACT)
    if screen.may_write():
        _form(screen, "coord", fields, screen.records["coordination"], _save_coordination)
    else:
        _facts(fields, screen.records["coordination"])


def _save_coordination(mid: int, revision: int, values: dict) -> None:
    perform(records.save_coordination, mid, revision=revision, values=values, today=today())


# Pelaksanaan (step 6)


def execution(screen: Screen) -> None:
    """Step 6: the log of activities (indirect: its two ways), the agreements, and a result
    for every letter."""
    writes = screen.may_write()
    if not screen.direct:
        _indirect_ways(screen, writes)
    else:
        _heading("monitoring.activities")
        _table(screen.records["activities"], ACTIVITY, {"kind": ActivityKind})
        if writes:
            with st.expander(t("monitoring.add_activity"), icon=":material/add:"):
                _form(screen, "activity", ACTIVITY, {}, _add_activity,
                      submit="monitoring.add", success="monitoring.added")  # fmt: skip
    _heading("monitoring.agreements")
    _table(screen.records["agreements"], AGREEMENT, {})
    if writes:
        with st.expander(t("monitoring.add_agreement"), icon=":material/handshake:"):
            _form(screen, "agreement", AGREEMENT, {}, _add_agreement,
                  submit="monitoring.add", success="monitoring.added")  # fmt: skip
    _heading("monitoring.results")
    letters_table(screen)
    if writes and not screen.letters.empty:
        _results_table(screen)
        st.markdown(f"**{t('monitoring.result_one')}**")
        _result_form(screen)
    _heading("attachment.evidence")
    records = files.result_records(screen.id, screen.letters)
    files.monitoring_files(screen.id, records, key="att_results", writes=writes)


def _indirect_ways(screen: Screen, writes: bool) -> None:
    """Step 6b: the two ways of an indirect monitoring, the electronic contacts and the
    Asdep's official letter, and which of them have been used (one at least)."""
    _heading("monitoring.ways")
    log = screen.records["activities"]
    contacts = log[log["kind"] == flow.INDIRECT_CONTACT].rename(
        columns={"participants": "contacted"}
    )
    documents = screen.records["documents"].set_index("kind").to_dict("index")
    letter = documents.get(flow.INDIRECT_LETTER)
    used = flow.indirect_ways(len(contacts), int(letter is not None))
    st.caption(t(WAYS_USED[used]))
    with st.container(border=True):
        _heading("monitoring.way_contact")
        _table(contacts, CONTACT_LOG, {})
        if writes:
            with st.expander(t("monitoring.add_contact"), icon=":material/add_call:"):
                _form(screen, "contact", CONTACT_LOG, {}, _add_contact,
                      submit="monitoring.add", success="monitoring.added")  # fmt: skip
    with st.container(border=True):
        _heading("monitoring.way_letter")
        address_prompt(screen)
        _document(screen, flow.INDIRECT_LETTER, letter)
    earlier = log[log["kind"] != flow.INDIRECT_CONTACT]  # logged before issue 14: still shown
    if not earlier.empty:
        _heading("monitoring.activities")
        _table(earlier, ACTIVITY, {"kind": ActivityKind})


def address_prompt(screen: Screen) -> None:
    """What the letter to the agency cannot address yet (the head's title, the city), and
    where an administrator completes it; the draft still builds, dotted where missing."""
    m = screen.monitoring
    address = (("head_title", m["agency_head"]), ("city", m["agency_city"]))
    missing = [t(f"field.{name}") for name, value in address if not value]
    if missing:
        missed = Markdown(", ".join(missing))  # catalogue labels, already Markdown
        prompt = t("agency_address.letter_prompt", agency=m["agency"], missing=missed)
        st.warning(prompt, icon=":material/contact_mail:")


def _add_contact(mid: int, revision: int, values: dict) -> None:
    entry = {"kind": flow.INDIRECT_CONTACT, "activity_date": values["activity_date"],
             "channel": values["channel"], "participants": values["contacted"],
             "summary": values["summary"]}  # fmt: skip
    perform(records.add_activity, mid, values=entry, today=today())


def _table(frame: pd.DataFrame, fields: Fields, coded: dict[str, type[Coded]]) -> None:
    """Logged rows with labelled columns, codes in words, dates in the user's notation."""
    if frame.empty:
        st.caption(t("monitoring.none_yet"))
        return
    columns = {}
    for name, widget in fields:
        values = frame[name]
        if name in coded:
            values = [t(coded[name](v).label_key) for v in values]
        elif widget in ("date", "due"):
            values = [day(v) for v in values]
        columns[t(f"field.{name}")] = [v if isinstance(v, str) else "" for v in values]
    show_table(pd.DataFrame(columns), hide_index=True, width="stretch")


def _add_activity(mid: int, revision: int, values: dict) -> None:
    perform(records.add_activity, mid, values=values, today=today())


def _add_agreement(mid: int, revision: int, values: dict) -> None:
    perform(records.add_agreement, mid, **values)


RESULT_COLUMNS = ("result", "evidence", "recommendation")


def _results_table(screen: Screen) -> None:
    """Every letter in one editor (result, evidence, recommendation), saved at once with
    the checks of the one-letter form; responses obtained go through that form."""
    st.markdown(f"**{t('monitoring.results_table')}**")
    st.caption(t("monitoring.results_table_help"))
    found = screen.letters
    base = [
        {"forwarding_id": int(row["forwarding_id"]),
         **{name: None if _missing(row[name]) else row[name] for name in RESULT_COLUMNS}}
        for row in found.to_dict("records")
    ]  # fmt: skip
    frame = pd.DataFrame({
        "agenda_no": found["agenda_no"].fillna(i18n.MISSING).astype(str),
        "letter_no": found["letter_no"].fillna(i18n.MISSING).astype(str),
        **{name: pd.Series([row[name] for row in base], dtype="object") for name in RESULT_COLUMNS},
    })  # fmt: skip
    cc, codes = st.column_config, [r.value for r in Result]
    columns = {
        "agenda_no": cc.TextColumn(t("field.agenda_no"), disabled=True),
        "letter_no": cc.TextColumn(t("field.letter_no"), disabled=True),
        "result": cc.SelectboxColumn(t("field.result"), options=codes,
                                     format_func=lambda c: t(Result(str(c)).label_key)),
        "evidence": cc.TextColumn(t("field.evidence"), max_chars=MAX_TEXT),
        "recommendation": cc.TextColumn(t("field.recommendation"), max_chars=MAX_TEXT),
    }  # fmt: skip
    key = f"results_{screen.id}_{screen.revision}"
    edit_table(frame, key=key, hide_index=True, num_rows="fixed", column_config=columns)
    st.button(
        t("monitoring.save_results"), key="results_save", type="primary",
        icon=":material/done_all:", on_click=_save_results, args=(screen.id, key, base),
    )  # fmt: skip


def _save_results(mid: int, key: str, base: list[dict]) -> None:
    """Callback: the rows the user changed, each with what the screen showed of it."""
    edits = (st.session_state.get(key) or {}).get("edited_rows") or {}
    rows = []
    for position, changes in sorted((int(p), c) for p, c in edits.items()):
        seen = {name: base[position][name] for name in RESULT_COLUMNS}
        now = {name: _blank(changes.get(name, seen[name])) for name in RESULT_COLUMNS}
        if now == seen:
            continue
        result, evidence, recommendation = (now[name] for name in RESULT_COLUMNS)
        found = records.ResultInput(
            str(result or ""),
            None if evidence is None else str(evidence),
            None if recommendation is None else str(recommendation),
        )
        rows.append(records.ResultRow(base[position]["forwarding_id"], found, seen))
    if not rows:
        st.session_state[FLASH] = t("monitoring.results_unchanged")
        return
    run(lambda: perform(records.record_results, mid, rows=rows, today=today()),
        t("monitoring.results_saved", count=len(rows)))  # fmt: skip


def _blank(value: object) -> object:
    """An emptied cell as None (the editor gives "" or a missing value)."""
    return None if value == "" or _missing(value) else value


def _result_form(screen: Screen) -> None:
    """One letter at a time: its result, and the agency's response when one was obtained."""
    found = screen.letters.set_index("forwarding_id")
    names = {int(f): f"{r.agenda_no} · {r.letter_no}" for f, r in found.iterrows()}
    chosen = st.selectbox(
        t("monitoring.result_letter"), options=list(names), key=f"result_letter_{screen.id}",
        format_func=lambda f: names.get(f, str(f)),
    )  # fmt: skip
    letter = found.loc[chosen].to_dict()
    fields = RESULT if pd.notna(letter["response_id"]) else (*RESULT, *RESPONSE)
    stored = {name: None if _missing(letter[name]) else letter[name] for name, _ in RESULT}
    write = partial(_record_result, int(chosen), dict(stored))  # what this screen showed
    _form(screen, f"result_{chosen}", fields, stored, write,
          submit="monitoring.save_result", success="monitoring.result_saved")  # fmt: skip


def _missing(value: object) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _record_result(forwarding_id: int, seen: dict, mid: int, revision: int, values: dict) -> None:
    response = None
    if values.get("response_obtained"):
        response = ResponseInput(values["letter_no"] or "", values["response_date"],
                                 values["status"], values["summary"])  # fmt: skip
    found = records.ResultInput(
        values["result"] or "", values["evidence"], values["recommendation"], response
    )
    perform(records.record_result, mid, forwarding_id=forwarding_id, found=found, today=today(),
            seen=seen)  # fmt: skip


# Laporan (steps 7-8)


def report(screen: Screen) -> None:
    """Step 7: the narrative, the substance report's draft, money; step 8b: accountability."""
    _heading("monitoring.report")
    if screen.may_write():
        _form(screen, "report", REPORT, screen.records["report"], _save_report)
    else:
        _facts(REPORT, screen.records["report"])
    document_button(screen, DocumentKind.LAPORAN_SUBSTANSI)
    _document_files(screen, DocumentKind.LAPORAN_SUBSTANSI)
    if screen.direct:
        _heading("monitoring.costs")
        money.costs(screen)
        _heading("monitoring.finance")
        money.finance(screen)


def _save_report(mid: int, revision: int, values: dict) -> None:
    perform(records.save_report, mid, revision=revision, values=values)
