"""The Deputi's answer to the memorandum of a direct visit, on the Persiapan view (SOP
step 4a): where the memo stands, the Deputi's approve / return controls, the team's form
for a written disposition, and the earlier answers. What is offered is what
monitoring_flow.answer_refusal and document_refusal allow, the rules the services check."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dumas import i18n
from dumas.domain import monitoring_flow as flow
from dumas.domain.codes import AnswerVia, DocumentKind, MemoOutcome
from dumas.queries import memo_answer as queries
from dumas.queries.memo_answer import MemoAnswer
from dumas.services import memo_answer as service
from dumas.services import monitoring as monitorings
from dumas.ui.actions import perform, run
from dumas.ui.screens.monitoring_detail import Screen, day
from dumas.ui.state import actor, get_db, t, today


@dataclass(frozen=True)
class Memo:
    """The memo of this screen's monitoring: the rule's view, its answer, earlier answers."""

    view: flow.MemoView
    answer: MemoAnswer | None
    history: pd.DataFrame


def load(screen: Screen) -> Memo:
    """Read once per run, beside the screen's own records."""
    with get_db().reading() as cur:
        monitoring = monitorings.load(cur, screen.id)
        return Memo(
            queries.memo_view(cur, monitoring, screen.view.team),
            queries.current(cur, screen.id),
            queries.history(cur, screen.id),
        )


def offers_record(memo: Memo, kind: str, recorded: bool) -> bool:
    """Whether the document's number may be recorded now as far as the memo goes: once,
    and the memo again only after it was returned."""
    return flow.document_refusal(kind, memo.view) is None and (
        not recorded or kind == DocumentKind.MEMO_DEPUTI
    )


def waits(memo: Memo, kind: str) -> bool:
    """Whether this document waits for the Deputi's approval of the memo."""
    return flow.document_refusal(kind, memo.view) == "error.memo_not_approved"


def answer(screen: Screen, memo: Memo) -> None:
    """Under the memo: its answer (or that it waits), then the controls this user has."""
    _status(memo.answer)
    user = actor()
    if flow.answer_refusal(memo.view, user, AnswerVia.APP) is None:
        _deputi_controls(screen)
    if flow.answer_refusal(memo.view, user, AnswerVia.PAPER) is None:
        with st.expander(t("monitoring.memo_paper"), icon=":material/draw:"):
            _paper_form(screen)
    earlier = memo.history.iloc[:-1] if memo.answer and memo.answer.outcome else memo.history
    if not earlier.empty:
        st.markdown(f"**{t('monitoring.memo_earlier')}**")
        for row in earlier.itertuples():
            st.caption(_answer_text(row.outcome, row.via, row.answered_on, row.answered_by,
                                    row.entered_by, row.note, row.memo_no))  # fmt: skip


def _status(found: MemoAnswer | None) -> None:
    if found is None:
        return
    if found.outcome is None:
        st.info(t("monitoring.memo_waits"), icon=":material/hourglass_top:")
        return
    text = _answer_text(found.outcome, found.via, found.answered_on, found.answered_by,
                        found.entered_by, found.note, found.memo_no)  # fmt: skip
    if found.outcome is MemoOutcome.APPROVED:
        st.success(text, icon=":material/verified:")
    else:
        st.warning(text + " " + t("monitoring.memo_revise"), icon=":material/undo:")


def _answer_text(
    outcome: object,
    via: object,
    on: object,
    deputi: object,
    entered: object,
    note: object,
    no: object,
) -> str:
    """One answer in words: what, how, when, by whom, with the direction or the note."""
    name = deputi if isinstance(deputi, str) else t("role.deputi")
    key = f"monitoring.memo_{outcome}_{via}"
    text: str = t(key, number=no, on=day(on), who=name,
             entered=entered if isinstance(entered, str) else i18n.MISSING)  # fmt: skip
    if isinstance(note, str) and note:
        shown = "direction" if outcome == MemoOutcome.APPROVED else "note"
        text += " " + t(f"monitoring.memo_{shown}_shown", note=note)
    return text


def _deputi_controls(screen: Screen) -> None:
    """The Deputi's answer: a direction or a note, then approve or return."""
    with st.container(border=True):
        st.markdown(f"**{t('monitoring.memo_your_answer')}**")
        note_key = f"memo_note_{screen.id}"
        st.text_area(t("monitoring.memo_note"), key=note_key, height=80,
                     placeholder=t("monitoring.memo_note_hint"))  # fmt: skip
        approve, give_back = st.columns(2)
        approved, returned = MemoOutcome.APPROVED, MemoOutcome.RETURNED
        approve.button(
            t("monitoring.memo_approve"),
            key="memo_approved",
            type="primary",
            on_click=_answer,
            args=(screen.id, screen.revision, approved, note_key),
        )
        give_back.button(
            t("monitoring.memo_return"),
            key="memo_returned",
            type="secondary",
            on_click=_answer,
            args=(screen.id, screen.revision, returned, note_key),
        )


def _answer(mid: int, revision: int, outcome: MemoOutcome, note_key: str) -> None:
    state = st.session_state
    done = run(
        lambda: perform(service.answer_memo, mid, revision=revision, outcome=outcome,
                        note=state.get(note_key)),
        t("monitoring.memo_answer_saved"),
    )  # fmt: skip
    if done:
        state.pop(note_key, None)


def _paper_form(screen: Screen) -> None:
    """A team member enters the written disposition: outcome, its date, its note."""
    mid, revision = screen.id, screen.revision
    key = f"memo_paper_{mid}_{revision}"
    with st.form(key):
        options = list(MemoOutcome)
        st.selectbox(t("field.outcome"), options=options, key=f"{key}_outcome",
                     format_func=lambda o: t(MemoOutcome(o).label_key), index=None,
                     placeholder=t("widget.choose"))  # fmt: skip
        st.date_input(t("field.answered_on"), value=None, max_value=today(),
                      format="DD/MM/YYYY", key=f"{key}_on")  # fmt: skip
        st.text_area(t("monitoring.memo_note"), key=f"{key}_note", height=80,
                     placeholder=t("monitoring.memo_note_hint"))  # fmt: skip
        st.caption(t("monitoring.memo_paper_hint", who=actor().full_name))
        st.form_submit_button(t("monitoring.memo_paper_save"), key="memo_paper_save",
                              type="primary", on_click=_record_paper,
                              args=(mid, revision, key))  # fmt: skip


def _record_paper(mid: int, revision: int, key: str) -> None:
    state = st.session_state
    run(
        lambda: perform(service.record_disposition, mid, revision=revision,
                        outcome=state.get(f"{key}_outcome") or "", note=state.get(f"{key}_note"),
                        answered_on=state.get(f"{key}_on"), today=today()),
        t("monitoring.memo_answer_saved"),
    )  # fmt: skip
