"""The matrix itself: the table editor, its letters, adding letters, the xlsx.

The editor's key carries the plan's revision, so a saved or changed plan draws a fresh
editor. If a save is refused because someone else changed the plan, the user's edits are
kept and laid over the new version, ready to be checked and saved again.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dumas.domain import plan_flow
from dumas.domain.codes import Coded, Level, Method, Priority, RowOrigin, RowStatus
from dumas.domain.errors import DomainError, Message, ValidationError
from dumas.domain.permissions import Role
from dumas.queries import plans as q
from dumas.services import plan_rows
from dumas.services import plans as service
from dumas.ui import data, unsaved
from dumas.ui.actions import ERROR, perform, run
from dumas.ui.state import actor, lang, t, today
from dumas.ui.widgets import edit_table, generated_text, show_table, xlsx_button

SHOWN = (
    "position",
    "agency",
    "province_code",
    "complaints",
    "letters",
    "oldest_letter_date",
    "oldest_age_wd",
    "reminders",
    "method",
    "priority",
    "priority_reason",
    "schedule_from",
    "schedule_to",
    "level",
    "team_lead",
    "team",
    "persons",
    "days",
    "transport",
    "lodging",
    "allowance",
    "estimated_cost",
    "status",
    "origin",
    "origin_reason",
    "decision_note",
)


# What a decider (Kabid, Asdep, Deputi) reads first: what will be done where, by whom,
# when and at what cost; the counts and money details follow.
DECIDER_FIRST = (
    "position", "agency", "province_code", "method", "level", "team_lead", "team",
    "schedule_from", "schedule_to", "estimated_cost", "priority", "priority_reason",
)  # fmt: skip
DECIDERS = frozenset({Role.KABID, Role.ASDEP, Role.DEPUTI})


def shown_columns() -> list[str]:
    """The matrix's columns in the order this user reads them."""
    if actor().roles & DECIDERS:
        return [*DECIDER_FIRST, *(c for c in SHOWN if c not in DECIDER_FIRST)]
    return list(SHOWN)


def may_edit(plan: q.PlanRow) -> bool:
    """Whether this user may change the rows now (the rule the service checks)."""
    return plan_flow.may_edit(actor(), plan_flow.PlanState(plan["state"]), plan["bidang"])


def may_add_letters(plan: q.PlanRow) -> bool:
    """Whether this user may add letters now (the rule the service checks)."""
    state = plan_flow.PlanState(plan["state"])
    return plan_flow.may_add_letters(actor(), state, plan["bidang"], plan["source"])


def matrix_table(plan: q.PlanRow, matrix: pd.DataFrame, staff: dict[int, str]) -> None:
    """The matrix: editable for the editors of this state, read-only for everyone else."""
    if matrix.empty:
        st.info(t("plans.no_rows"), icon=":material/info:")
        return
    updated, deleted, why = unsaved.kept(plan["id"])
    if why == unsaved.LEFT:
        st.warning(t("plans.unsaved_back"), icon=":material/edit_note:")
    elif why == unsaved.REFUSED:
        st.warning(t("plans.unsaved_kept"), icon=":material/edit_note:")
    config_ = _column_config(staff)
    if not may_edit(plan):
        frame = _display(matrix)
        show_table(frame, hide_index=True, width="stretch", column_config=config_)
        return
    base = _editing_base(plan, matrix, updated, deleted)
    if why is None and pending_edits(plan):
        st.warning(t("plans.unsaved_edits"), icon=":material/edit_note:")
    if base["revision"] != plan["revision"]:
        st.warning(t("plans.changed_while_editing"), icon=":material/sync_problem:")
    edit_table(
        base["frame"], key=base["key"], hide_index=True, width="stretch", num_rows="delete",
        column_config=config_, disabled=[c for c in SHOWN if c not in plan_rows.EDITABLE],
    )  # fmt: skip
    unsaved.mirror(plan["id"], pending_edits(plan))  # kept if the next run leaves the grid
    st.button(
        t("plans.save"), key="save_matrix", type="primary", icon=":material/save:",
        on_click=_save, args=(plan,),
    )  # fmt: skip
    st.caption(t("plans.cost_rule"))


def _editing_base(plan: q.PlanRow, matrix: pd.DataFrame, updated: dict, deleted: list[int]) -> dict:
    """The rows as they were when this user started editing, kept across the reruns each
    edit causes: the editor keeps its edits, and the save sends that revision, so a change
    by someone else meanwhile is refused rather than overwritten. Without edits held, a
    newer revision (the user's own step, a save elsewhere) is simply taken up. Kept edits
    (unsaved.py) are laid over the rows, their deleted rows left out."""
    key = f"matrix_base_{plan['id']}"
    held = st.session_state.get(key)
    if held is not None and held["revision"] != plan["revision"] and not pending_edits(plan):
        st.session_state.pop(key)
    if key not in st.session_state:
        gone = matrix["row_id"].isin(deleted)
        rows = matrix[~gone].reset_index(drop=True)
        frame = _display(rows)
        if updated:
            frame = _overlay(frame, rows, updated)
        revision = st.session_state.get(f"unsaved_rev_{plan['id']}", plan["revision"])
        # A grid drawn with kept edits laid over gets a widget key of its own: positions
        # of an earlier grid's edits never apply to these rows.
        laid = ""
        if updated or deleted:
            st.session_state["matrix_grids"] = st.session_state.get("matrix_grids", 0) + 1
            laid = f"_k{st.session_state['matrix_grids']}"
        st.session_state[key] = {
            "revision": revision, "frame": frame, "row_ids": [int(r) for r in rows["row_id"]],
            "key": f"matrix_{plan['id']}_{revision}{laid}",
        }  # fmt: skip
    return st.session_state[key]


Pending = unsaved.Pending


def pending_edits(plan: q.PlanRow) -> Pending | None:
    """The grid's unsaved edits (unsaved.pending); None when there are none."""
    return unsaved.pending(plan["id"], plan["revision"])


def forget_edits(plan_id: int) -> None:
    """After a save (or a step that saved them): the next run edits the latest version."""
    unsaved.forget(plan_id)


def keep_refused_edits(plan_id: int, pending: Pending) -> None:
    """A write refused because someone else changed the plan: the edits are kept and laid
    over the new version on the next run, ready to be checked and saved again."""
    unsaved.keep(plan_id, pending, unsaved.REFUSED)


def _display(matrix: pd.DataFrame) -> pd.DataFrame:
    frame = matrix[shown_columns()].copy()
    frame["team"] = [[str(v) for v in team] for team in matrix["team"]]
    for column in ("schedule_from", "schedule_to", "oldest_letter_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def _overlay(frame: pd.DataFrame, matrix: pd.DataFrame, unsaved: dict) -> pd.DataFrame:
    """The user's refused edits shown on top of the latest version of the rows."""
    frame = frame.copy()
    positions = {int(r): i for i, r in enumerate(matrix["row_id"])}
    for row_id, values in unsaved.items():
        if row_id in positions:
            for name, value in values.items():
                frame.at[positions[row_id], name] = value
    return frame


def _column_config(staff: dict[int, str]) -> dict:
    cc = st.column_config
    provinces = data.options("province")
    choice = {name: _labels(codes) for name, codes in _CHOICES.items()}
    status, origin = _labels(RowStatus), _labels(RowOrigin)
    money = {"format": "localized", "min_value": 0, "step": 1}
    return {
        "position": cc.NumberColumn(t("plans.col_row"), width="small"),
        "agency": cc.TextColumn(t("col.agency"), pinned=True),
        "province_code": cc.SelectboxColumn(
            t("field.province_code"),
            options=list(provinces),
            format_func=lambda c: provinces.get(c, c),
        ),
        **{
            name: cc.SelectboxColumn(
                t(f"field.{name}"),
                options=_options(name, labels),
                format_func=lambda c, labels=labels: labels.get(c, c),
            )
            for name, labels in choice.items()
        },
        "complaints": cc.NumberColumn(t("plans.col_complaints")),
        "letters": cc.NumberColumn(t("plans.col_letters")),
        "oldest_letter_date": cc.DateColumn(t("plans.col_oldest"), format="DD/MM/YYYY"),
        "oldest_age_wd": cc.NumberColumn(t("col.age_wd")),
        "reminders": cc.NumberColumn(t("col.reminders")),
        "priority_reason": cc.TextColumn(t("field.priority_reason"), max_chars=500),
        "schedule_from": cc.DateColumn(t("field.schedule_from"), format="DD/MM/YYYY"),
        "schedule_to": cc.DateColumn(t("field.schedule_to"), format="DD/MM/YYYY"),
        "team_lead": cc.SelectboxColumn(
            t("field.team_lead"), options=list(staff), format_func=lambda u: staff.get(u, str(u))
        ),
        "team": cc.MultiselectColumn(
            t("field.team"),
            options=[str(u) for u in staff],
            format_func=lambda u: staff.get(int(u), u),
        ),
        "persons": cc.NumberColumn(t("field.persons"), min_value=0, max_value=50, step=1),
        "days": cc.NumberColumn(t("field.days"), min_value=0, max_value=60, step=1),
        **{name: cc.NumberColumn(t(f"field.{name}"), **money) for name in plan_rows.MONEY},
        "estimated_cost": cc.NumberColumn(t("plans.col_cost"), format="localized"),
        "status": cc.SelectboxColumn(
            t("plans.col_status"),
            options=list(status),
            format_func=lambda s: status.get(s, s),
        ),
        "origin": cc.SelectboxColumn(
            t("plans.col_origin"),
            options=list(origin),
            format_func=lambda s: origin.get(s, s),
        ),
        "origin_reason": cc.TextColumn(t("field.origin_reason"), max_chars=500),
        "decision_note": cc.TextColumn(t("plans.col_decision_note")),
    }


_CHOICES: dict[str, type[Coded]] = {"method": Method, "priority": Priority, "level": Level}


def _options(name: str, labels: dict[str, str]) -> list[str]:
    """The codes a row may be given: for the method, those offered now (a stored retired
    method still shows its label)."""
    return [m.value for m in Method.offered()] if name == "method" else list(labels)


def _labels(codes: type[Coded]) -> dict[str, str]:
    """Each code's plain value -> its label, for the table editor's choice columns."""
    return {code.value: t(code.label_key) for code in codes}


def _save(plan: q.PlanRow) -> None:
    pending = pending_edits(plan) or Pending(plan["revision"], {}, [])
    ok = run(
        lambda: perform(
            service.save_rows,
            plan["id"],
            revision=pending.revision,
            updated=pending.updated,
            added=[],
            deleted=pending.deleted,
        ),
        t("plans.saved"),
    )
    if ok:
        forget_edits(plan["id"])
    elif is_stale(st.session_state.get(ERROR)):
        keep_refused_edits(plan["id"], pending)


def is_stale(error: object) -> bool:
    messages = getattr(error, "messages", [])
    return any(m.key == "error.plan_changed" for m in messages)


BULK_FIELDS = (
    "method", "level", "priority", "priority_reason", "team_lead", "schedule_from", "schedule_to",
)  # fmt: skip


def bulk_form(plan: q.PlanRow, matrix: pd.DataFrame, staff: dict[int, str]) -> None:
    """Set the same method, level, priority (with its reason), team lead or schedule on
    every undecided row. A refused fill keeps the form open with what the user chose."""
    pending = [int(r) for r in matrix.loc[matrix["status"].map(plan_flow.row_open), "row_id"]]
    if not pending:
        return
    reopen = bool(st.session_state.pop(f"bulk_open_{plan['id']}", False))
    expander = st.expander(
        t("plans.bulk", n=len(pending)), icon=":material/done_all:", expanded=reopen
    )
    with expander, st.form(f"bulk_{plan['id']}"):
        left, middle, right = st.columns(3)
        for column, name in zip(
            (left, middle, right), ("method", "level", "priority"), strict=True
        ):
            coded = _CHOICES[name]
            column.selectbox(t(f"field.{name}"), options=_options(name, _labels(coded)),
                             index=None, key=f"bulk_{name}", placeholder=t("plans.unchanged"),
                             format_func=lambda c, coded=coded: t(coded(c).label_key))  # fmt: skip
        st.text_input(t("field.priority_reason"), key="bulk_priority_reason", max_chars=500,
                      placeholder=t("plans.bulk_reason_hint"))  # fmt: skip
        left.selectbox(t("field.team_lead"), options=list(staff), index=None,
                       key="bulk_team_lead", placeholder=t("plans.unchanged"),
                       format_func=lambda u: staff.get(u, str(u)))  # fmt: skip
        middle.date_input(t("field.schedule_from"), value=None, key="bulk_schedule_from",
                          format="DD/MM/YYYY")  # fmt: skip
        right.date_input(t("field.schedule_to"), value=None, key="bulk_schedule_to",
                         format="DD/MM/YYYY")  # fmt: skip
        st.form_submit_button(t("plans.bulk_apply"), on_click=_apply_bulk, args=(plan, pending))


def _apply_bulk(plan: q.PlanRow, pending: list[int]) -> None:
    state = st.session_state
    values = {name: state.get(f"bulk_{name}") for name in BULK_FIELDS}
    values = {name: value for name, value in values.items() if value not in (None, "")}
    if not values:
        return
    if pending_edits(plan):  # the fill would be drawn over them: the user saves them first
        state[ERROR] = ValidationError(Message("error.plan_unsaved_edits"))
        state[f"bulk_open_{plan['id']}"] = True
        return
    updated = {row_id: dict(values) for row_id in pending}
    ok = run(
        lambda: perform(service.save_rows, plan["id"], revision=plan["revision"],
                        updated=updated, added=[], deleted=[]),
        t("plans.saved"),
    )  # fmt: skip
    if ok:
        forget_edits(plan["id"])
    else:
        state[ERROR] = _rows_together(state[ERROR])
        state[f"bulk_open_{plan['id']}"] = True


def _rows_together(error: DomainError) -> DomainError:
    """The same problem on every row said once, with the rows it concerns."""
    rows: dict[tuple[str, str | None], list[object]] = {}
    others: list[Message] = []
    for message in error.messages:
        if "row" in message.params:
            rows.setdefault((message.key, message.field), []).append(message.params["row"])
        else:
            others.append(message)
    merged = [
        Message(key, {**_first_params(error, key, field), "row": ", ".join(map(str, numbers))},
                field)
        for (key, field), numbers in rows.items()
    ]  # fmt: skip
    return type(error)(*merged, *others)


def _first_params(error: DomainError, key: str, field: str | None) -> dict[str, object]:
    return next(m.params for m in error.messages if (m.key, m.field) == (key, field))


def work_programme_form(plan: q.PlanRow) -> None:
    """A row from the work programme rather than the database review, with its reason."""
    agencies = data.options("agency")
    expander = st.expander(t("plans.add_programme_row"), icon=":material/playlist_add:")
    with expander, st.form(f"programme_{plan['id']}"):
        st.selectbox(
            t("field.agency"),
            options=list(agencies),
            index=None,
            format_func=lambda a: agencies.get(a, str(a)),
            key="wp_agency",
            placeholder=t("widget.choose"),
        )
        st.text_input(t("field.origin_reason"), key="wp_reason")
        st.selectbox(
            t("field.method"),
            options=Method.offered(),
            key="wp_method",
            format_func=lambda m: t(Method(m).label_key),
        )
        st.selectbox(
            t("field.level"),
            options=list(Level),
            key="wp_level",
            format_func=lambda v: t(Level(v).label_key),
        )
        st.form_submit_button(t("plans.add_row"), on_click=_add_programme_row, args=(plan,))


def _add_programme_row(plan: q.PlanRow) -> None:
    state = st.session_state
    plan_id, revision = plan["id"], plan["revision"]
    if pending_edits(plan):  # a new row would draw a new grid over them: save them first
        state[ERROR] = ValidationError(Message("error.plan_unsaved_edits"))
        return
    row = {
        "agency_id": state.get("wp_agency"),
        "origin_reason": state.get("wp_reason"),
        "method": state.get("wp_method"),
        "level": state.get("wp_level"),
    }
    run(
        lambda: perform(
            service.save_rows, plan_id, revision=revision, updated={}, added=[row], deleted=[]
        ),
        t("plans.saved"),
    )


def export_button(plan: q.PlanRow, matrix: pd.DataFrame) -> None:
    """The matrix as a formatted workbook laid out like the paper matrix."""
    from dumas.render.plan_matrix import matrix_xlsx

    letters = data.read("row_letters", plan["id"], today())
    language, generated = lang(), generated_text()
    xlsx_button(
        lambda: matrix_xlsx(plan, matrix, letters, language, generated),
        filename=f"matriks-rencana-pemantauan-{plan['id']}-v{plan['version']}.xlsx",
        key="matrix_xlsx",
        label=t("plans.download_xlsx"),
    )


def staff_names() -> dict[int, str]:
    """Team candidates (active analysts, Kasubbid, Kabid, Asdep)."""
    return data.read("staff")


def plan_and_matrix(plan_id: int) -> tuple[q.PlanRow | None, pd.DataFrame | None]:
    """The plan's header and matrix rows, read together (data.read)."""
    return data.read("plan_and_matrix", plan_id, today())
