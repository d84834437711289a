"""The matrix's letters: each row's list (expandable, removable) and adding letters from
the follow-up database with the dashboard's filters."""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from dumas import i18n
from dumas.domain import plan_flow
from dumas.domain.codes import ResponseStatus
from dumas.queries import plans as q
from dumas.services import plans as service
from dumas.ui import data
from dumas.ui.actions import FLASH, perform, run
from dumas.ui.screens.plan_editor import may_edit
from dumas.ui.state import get_db, lang, t, today
from dumas.ui.widgets import followup_filters, show_table

DEFAULT_STATUSES = ("unanswered", ResponseStatus.PERLU_KLARIFIKASI)
SHOWN_CANDIDATES = 200


def row_letters(plan: q.PlanRow, matrix: pd.DataFrame) -> None:
    """Each row's letters, expandable; editors may take letters out of undecided rows."""
    letters = data.read("row_letters", plan["id"], today())
    editable = may_edit(plan)
    for row in matrix.itertuples():
        own = letters[letters["row_id"] == row.row_id]
        title = t("plans.row_letters", position=row.position, agency=row.agency, n=len(own))
        with st.expander(title):
            if own.empty:
                st.caption(t("plans.no_letters"))
                continue
            show_table(_letters_shown(own), hide_index=True, width="stretch")
            if editable and plan_flow.row_open(row.status):
                _remove_form(plan, row.row_id, own)


def _letters_shown(own: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("col.agenda_no"): own["agenda_no"],
            t("col.letter_no"): own["letter_no"],
            t("col.letter_date"): [i18n.fmt_date(d, lang(), "short") for d in own["letter_date"]],
            t("col.age_wd"): [i18n.fmt_int(v, lang()) for v in own["age_wd"]],
            t("col.reminders"): own["reminders"],
            t("col.last_status"): [t(f"status.{s}") for s in own["last_status"]],
        }
    )


def _remove_form(plan: q.PlanRow, row_id: int, own: pd.DataFrame) -> None:
    labels = dict(zip(own["forwarding_id"].astype(int), own["letter_no"], strict=True))
    key = f"remove_{plan['revision']}_{row_id}"
    st.multiselect(
        t("plans.remove_letters"),
        options=list(labels),
        key=key,
        format_func=lambda f: labels.get(f, str(f)),
        placeholder=t("widget.choose"),
    )
    st.button(
        t("plans.remove"),
        key=f"remove_btn_{row_id}",
        on_click=_remove,
        args=(plan["id"], plan["revision"], key),
    )


def _remove(plan_id: int, revision: int, key: str) -> None:
    chosen = [int(f) for f in st.session_state.get(key, [])]
    run(
        lambda: perform(service.remove_letters, plan_id, revision=revision, forwarding_ids=chosen),
        t("plans.removed", n=len(chosen)),
    )


def add_letters(plan: q.PlanRow) -> None:
    """Letters from the follow-up database, with the dashboard's filters (in the sidebar).

    The default proposal: letters lacking a response, plus responses marked perlu
    klarifikasi, oldest first.
    """
    filters = followup_filters()
    if not filters.statuses:
        filters = dataclasses.replace(filters, statuses=DEFAULT_STATUSES)
        st.caption(t("plans.default_selection"))
    with get_db().reading() as cur:
        found, total = q.candidates(cur, plan["id"], filters, today(), service.MAX_LETTERS_PER_ADD)
    st.markdown(t("plans.candidates", n=i18n.fmt_int(total, lang())))
    if found.empty:
        return
    shown = found.head(SHOWN_CANDIDATES)
    picked = show_table(
        pd.concat(
            [
                pd.DataFrame(
                    {t("col.agency"): shown["agency"], t("col.province"): shown["province"]}
                ),
                _letters_shown(shown),
            ],
            axis=1,
        ),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="multi-row",
        key=f"candidates_{plan['revision']}",
    )
    rows = picked.selection.rows if picked else []
    chosen = [int(shown["forwarding_id"].iloc[i]) for i in rows]
    everything = [int(f) for f in found["forwarding_id"]]
    left, right = st.columns(2)
    left.button(
        t("plans.add_selected", n=len(chosen)),
        disabled=not chosen,
        key="add_sel",
        on_click=_add,
        args=(plan["id"], plan["revision"], chosen),
    )
    right.button(
        t("plans.add_all", n=i18n.fmt_int(len(everything), lang())),
        key="add_all",
        type="primary",
        on_click=_add_all,
        args=(plan["id"], plan["revision"], everything),
    )
    if total > len(everything):
        st.caption(t("plans.add_limit", max=i18n.fmt_int(len(everything), lang())))
    _confirm_add_all(plan, found)


CONFIRM_ABOVE = 50  # letters: a larger "add everything" is confirmed first


def _add_all(plan_id: int, revision: int, ids: list[int]) -> None:
    if len(ids) > CONFIRM_ABOVE:
        st.session_state[f"confirm_add_{plan_id}"] = (revision, ids)
    else:
        _add(plan_id, revision, ids)


def _confirm_add_all(plan: q.PlanRow, found: pd.DataFrame) -> None:
    """How many letters and agencies a large addition brings, and why there may be more
    than the dashboard's unanswered count: responses marked "perlu klarifikasi" are
    proposed too (DEFAULT_STATUSES), as letters still waiting for an answer."""
    key = f"confirm_add_{plan['id']}"
    asked = st.session_state.get(key)
    if asked is None:
        return
    revision, ids = asked
    chosen = found[found["forwarding_id"].isin(ids)]
    language = lang()
    parts = [
        t(
            "plans.confirm_add_all",
            n=i18n.fmt_int(len(ids), language),
            agencies=i18n.fmt_int(chosen["agency"].nunique(), language),
        )
    ]
    unclear = int((chosen["last_status"] == ResponseStatus.PERLU_KLARIFIKASI).sum())
    if unclear:
        parts.append(t("plans.confirm_add_unclear", n=i18n.fmt_int(unclear, language)))
    text = " ".join(parts)
    with st.container(border=True):
        st.warning(text, icon=":material/playlist_add_check:")
        left, right = st.columns(2)
        left.button(
            t("plans.confirm_add_yes", n=i18n.fmt_int(len(ids), language)),
            key="add_all_confirm",
            type="primary",
            on_click=_confirmed,
            args=(plan["id"], revision, ids),
        )
        right.button(t("plans.confirm_add_no"), key="add_all_cancel", on_click=_forget_confirm,
                     args=(plan["id"],))  # fmt: skip


def _confirmed(plan_id: int, revision: int, ids: list[int]) -> None:
    _forget_confirm(plan_id)
    _add(plan_id, revision, ids)


def _forget_confirm(plan_id: int) -> None:
    st.session_state.pop(f"confirm_add_{plan_id}", None)


def _add(plan_id: int, revision: int, ids: list[int]) -> None:
    outcome: dict[str, int] = {}

    def write() -> None:
        outcome.update(perform(service.add_letters, plan_id, revision=revision, forwarding_ids=ids))

    if run(write, "") and outcome:
        st.session_state[FLASH] = t("plans.added", added=outcome["added"], rows=outcome["rows"])
