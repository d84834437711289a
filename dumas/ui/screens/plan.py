"""The plan page around the matrix: choosing or opening a plan, its actions, its history.

Writes run in on_click callbacks that carry the plan's revision as it was drawn, so a
click on a stale screen is refused by the service instead of overwriting someone else.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dumas import config, i18n
from dumas.domain import periods, plan_flow
from dumas.domain.codes import Level, Method, PlanSource
from dumas.domain.deadlines import LateBy, Standard, clock_text, office_hours, standard_words
from dumas.domain.permissions import Action
from dumas.domain.plan_flow import PlanAction, PlanState, RowChoice
from dumas.periodic import contents
from dumas.queries import plan_history
from dumas.queries import plans as q
from dumas.queries.plan_state import load, view
from dumas.services import plans as service
from dumas.ui import data
from dumas.ui.actions import ERROR, perform, run
from dumas.ui.escape import plain
from dumas.ui.navigation import go, may_go
from dumas.ui.screens.inbox import PLAN_PAGE, late_text
from dumas.ui.screens.plan_editor import forget_edits, is_stale, keep_refused_edits, pending_edits
from dumas.ui.state import actor, get_db, lang, t, today
from dumas.ui.widgets import Figure, metric_row, opened_row, show_table

MONITORING_PAGE = "pages/monitorings.py"


def choose_plan() -> int | None:
    """The plan in the URL (?plan=ID), chosen from the list of plans."""
    listed = data.read("plans")
    titles = {
        int(r.id): f"#{r.id} · {r.title} · {period_text(r.period_code, r.period_label)} · "
        f"{t(f'plan_state.{r.state}')}"
        for r in listed.itertuples()
    }
    wanted = str(st.query_params.get("plan", ""))
    chosen = int(wanted) if wanted.isdigit() and int(wanted) in titles else None
    st.session_state["plan_select"] = chosen  # the URL decides (links, reloads, back)
    st.selectbox(
        t("plans.open"),
        options=list(titles),
        format_func=lambda i: titles.get(i, f"#{i}"),
        key="plan_select",
        on_change=_follow_selection,
        placeholder=t("plans.choose"),
    )
    if chosen is None:
        _plan_table(listed)
    return chosen


def _follow_selection() -> None:
    chosen = st.session_state.get("plan_select")
    if chosen is None:
        st.query_params.pop("plan", None)
    else:
        st.query_params["plan"] = str(chosen)


def _plan_table(listed: pd.DataFrame) -> None:
    """Every plan; selecting one opens it in this tab (?plan=ID)."""
    if listed.empty:
        st.info(t("plans.none"), icon=":material/info:")
        return
    shown = listed.assign(
        period_label=[
            period_text(c, v)
            for c, v in zip(listed["period_code"], listed["period_label"], strict=True)
        ],
        state=listed["state"].map(lambda s: t(f"plan_state.{s}")),
        source=listed["source"].map(lambda s: t(PlanSource(s).label_key)),
    )[
        [
            "title",
            "period_label",
            "state",
            "source",
            "bidang",
            "rows",
            "letters",
            "monitorings",
            "created_by",
        ]
    ]
    row = opened_row(
        shown,
        key="plan_list",
        hide_index=True,
        width="stretch",
        column_config={c: t(f"plans.col_{c}") for c in shown.columns},
    )
    if row is not None:
        go(PLAN_PAGE, plan=str(listed["id"].iloc[row]))


def period_text(code: object, label: str) -> str:
    """A plan's period in the user's language ("Semester II 2026", "December 2026"); a plan
    from before periods were chosen (no code) shows its label as it was typed."""
    if not isinstance(code, str):
        return label
    return contents.period_name(periods.parse(code), lang())


def create_form() -> None:
    """An analyst opens a new plan for a period (from the database or the work programme)."""
    if not actor().can(Action.CREATE_PLAN):
        return
    with get_db().reading() as cur:
        bidang = q.bidang_options(cur)
    with st.expander(t("plans.new"), icon=":material/add:"), st.form("new_plan"):
        st.text_input(t("field.title"), key="new_title", max_chars=200)
        choices = {p.code: contents.period_name(p, lang()) for p in periods.plan_choices(today())}
        st.selectbox(t("field.period_label"), options=list(choices),
                     format_func=lambda c: choices[c], index=None, key="new_period",
                     placeholder=t("plans.choose_period"), help=t("plans.period_hint"))  # fmt: skip
        st.radio(
            t("field.source"),
            options=list(PlanSource),
            key="new_source",
            format_func=lambda s: t(PlanSource(s).label_key),
            horizontal=True,
        )
        st.selectbox(
            t("field.bidang"),
            options=bidang,
            index=None,
            key="new_bidang",
            placeholder=t("plans.any_bidang"),
        )
        st.form_submit_button(t("plans.create"), on_click=_create, type="primary")


def _create() -> None:
    state = st.session_state
    created: list[int] = []

    def write() -> None:
        created.append(
            perform(
                service.create_plan,
                title=state.get("new_title", ""),
                period=state.get("new_period") or "",
                source=state.get("new_source", ""),
                bidang=state.get("new_bidang"),
            )
        )

    if run(write, t("plans.created")):
        st.query_params["plan"] = str(created[0])


def monitorings(plan: q.PlanRow) -> None:
    """A decided plan's monitorings (agency, locus, method, state); selecting one opens it
    in this tab (pemantauan?id=ID)."""
    if plan["state"] != PlanState.DECIDED:
        return
    found = data.read("plan_monitorings", plan["id"])
    st.markdown(f"**{t('plans.monitorings')}**")
    if found.empty:
        st.caption(t("plans.monitorings_none"))
        return
    shown = pd.DataFrame(
        {
            "agency": found["agency"],
            "province": found["province"],
            "method": found["method"].map(lambda v: t(Method(v).label_key)),
            "state": found["state"].map(lambda v: t(f"monitoring_state.{v}")),
        }
    )
    names = {
        "agency": t("col.agency"),
        "province": t("monitorings.col.province"),
        "method": t("monitorings.col.method"),
        "state": t("monitorings.col.state"),
    }
    if not may_go(MONITORING_PAGE):
        show_table(shown, hide_index=True, width="stretch", column_config=names)
        return
    row = opened_row(
        shown, key="plan_monitorings", hide_index=True, width="stretch", column_config=names
    )
    if row is not None:
        go(MONITORING_PAGE, id=str(found["id"].iloc[row]))


def header(plan: q.PlanRow) -> None:
    """Title, period, state and version of the plan."""
    st.subheader(plain(plan["title"]))
    facts = [
        (t("field.period_label"), period_text(plan["period_code"], plan["period_label"])),
        (t("plans.state"), t(f"plan_state.{plan['state']}")),
        (t("plans.version"), str(plan["version"])),
        (t("field.source"), t(PlanSource(plan["source"]).label_key)),
        (t("field.bidang"), plan["bidang"] or t("plans.any_bidang")),
        (t("plans.author"), plan["created_by_name"] or i18n.MISSING),
    ]
    st.markdown(" · ".join(f"**{k}:** {plain(v)}" for k, v in facts))


def summary(matrix: pd.DataFrame) -> None:
    """What the plan covers at a glance: rows, complaints, letters, estimated cost."""
    if matrix.empty:
        return
    metric_row([
        (t("plans.sum_rows"), Figure(len(matrix))),
        (t("plans.col_complaints"), Figure(int(matrix["complaints"].sum()))),
        (t("plans.col_letters"), Figure(int(matrix["letters"].sum()))),
        (t("plans.sum_unanswered"), Figure(int(matrix["unanswered"].sum()))),
        (t("plans.col_cost"), Figure(int(matrix["estimated_cost"].fillna(0).sum()), rupiah=True)),
    ])  # fmt: skip


def actions(plan: q.PlanRow, matrix: pd.DataFrame) -> None:
    """The buttons the transition table offers this user now, with a note and row choices."""
    user = actor()
    with get_db().reading() as cur:
        seen = view(cur, load(cur, plan["id"]))
    offered = plan_flow.available_actions(seen, user)
    blocked = plan_flow.blocked_actions(seen, user)
    can_note = plan_flow.may_comment(user, seen.state, seen.bidang)
    if not (offered or blocked or can_note):
        return
    with st.container(border=True):
        st.markdown(f"**{t('plans.your_actions')}**")
        note_key = f"note_{plan['id']}"  # no revision: a rerun must not lose the text
        st.text_area(t("field.note"), key=note_key, height=80, placeholder=t("plans.note_hint"))
        if offered and pending_edits(plan):
            st.warning(t("plans.unsaved_with_action"), icon=":material/edit_note:")
        if PlanAction.DECIDE in offered:
            _row_choices(plan, matrix, seen.state)
        columns = st.columns(max(1, len(offered) + int(can_note)))
        for column, action in zip(columns, offered, strict=False):
            column.button(
                t(f"plan_act.{action.value}"),
                key=f"act_{action.value}",
                on_click=_act,
                args=(plan, action, note_key),
                type="primary" if action in _FORWARD else "secondary",
            )
        if can_note:
            columns[-1].button(
                t("plans.add_note"), key="add_note", on_click=_comment, args=(plan["id"], note_key)
            )
        for action, reason in blocked.items():
            st.caption(f"{t(f'plan_act.{action.value}')}: {t(reason)}")


# The actions that carry the plan forward: their buttons are the primary ones.
_FORWARD = (PlanAction.APPROVE, PlanAction.SUBMIT, PlanAction.PROPOSE, PlanAction.FORWARD)


def _row_choices(plan: q.PlanRow, matrix: pd.DataFrame, state: PlanState) -> None:
    """One choice per waiting row, folded away: most decisions are for the whole plan."""
    waiting = matrix[matrix["status"] == plan_flow.deciding(state)]
    expander = st.expander(t("plans.decide_rows", n=len(waiting)), icon=":material/rule:")
    for row in waiting.itertuples():
        locus = row.province if isinstance(row.province, str) else i18n.MISSING
        level = t(Level(row.level).label_key) if isinstance(row.level, str) else i18n.MISSING
        expander.segmented_control(
            plain(f"{row.position}. {row.agency} — {locus} ({level})"),
            options=[c.value for c in RowChoice],
            format_func=lambda c: t(f"row_choice.{c}"),
            default=RowChoice.APPROVE.value,
            required=True,
            key=f"choice_{plan['id']}_{row.row_id}",
        )


def _act(plan: q.PlanRow, action: PlanAction, note_key: str) -> None:
    """Take the step; edits the grid holds unsaved are saved first, in the same
    transaction and with the same checks as the save button (refused: nothing changes,
    and the edits stay in the grid)."""
    state = st.session_state
    plan_id = plan["id"]
    prefix = f"choice_{plan_id}_"
    choices = {int(k[len(prefix) :]): v for k, v in state.items() if str(k).startswith(prefix)}
    common = {
        "action": action,
        "note": state.get(note_key),
        "choices": choices if action is PlanAction.DECIDE else None,
    }
    pending = pending_edits(plan)
    done_text = t("plans.done", action=t(f"plan_event.{action.value}"))
    if pending is None:
        done = run(
            lambda: perform(service.act, plan_id, revision=plan["revision"], **common), done_text
        )
    else:
        done = run(
            lambda: perform(
                service.save_and_act,
                plan_id,
                revision=pending.revision,
                updated=pending.updated,
                deleted=pending.deleted,
                **common,
            ),
            t("plans.saved_and_done", action=t(f"plan_event.{action.value}")),
        )
        if not done and is_stale(state.get(ERROR)):
            keep_refused_edits(plan_id, pending)
    if done:
        state[note_key] = ""  # an emptied box: a second click cannot record the note again
        for key in [k for k in state if str(k).startswith(prefix)]:
            state.pop(key, None)
        forget_edits(plan_id)  # the next run draws the new revision, with no stale warning


def _comment(plan_id: int, note_key: str) -> None:
    def write() -> None:
        perform(service.comment, plan_id, note=st.session_state.get(note_key, ""))

    if run(write, t("plans.note_added")):
        st.session_state[note_key] = ""


def checklist(plan: q.PlanRow) -> None:
    """The SOP checklist: step, who, started, done, due, late by."""
    with get_db().reading() as cur:
        runs = plan_history.checklist(cur, plan["id"], config.now())
        hours = office_hours(cur)
    rows = [
        {
            t("plans.col_step"): t(f"step.{r.step.key}"),
            t("plans.col_who"): ", ".join(t(f"role.{role.value}") for role in r.step.roles),
            t("plans.col_standard"): standard_text(r.standard),
            t("plans.col_started"): _when(r.started),
            t("plans.col_done"): _when(r.done) + (f" ({r.done_by})" if r.done_by else ""),
            t("plans.col_due"): _when(r.due),
            t("plans.col_late"): _late(r.late),
        }
        for r in runs
    ]
    show_table(pd.DataFrame(rows), hide_index=True, width="stretch")
    st.caption(t("plans.checklist_rule", hours="–".join(clock_text(h) for h in hours)))
    if any(r.standard.own for r in runs):
        st.caption(t("checklist.own_legend", mark=OWN_MARK))


OWN_MARK = "*"  # after a standard time the unit set itself (not the SOP's)


def standard_text(standard: Standard) -> str:
    """An SOP standard time in words: "1 hari kerja", "20 menit" (plain text: table cells);
    the unit's own standard marked with OWN_MARK (the legend under the checklist)."""
    key, number = standard_words(standard)
    words = i18n.t(key, lang(), n=number)
    return f"{words} {OWN_MARK}" if standard.own else words


def _when(value: object) -> str:
    if value is None or pd.isna(value):
        return i18n.MISSING
    return i18n.fmt_datetime(
        pd.Timestamp(value).to_pydatetime().astimezone(config.TIMEZONE), lang(), "short"
    )


def _late(late: LateBy | None) -> str:
    return "" if late is None else "⚠ " + late_text(late)


def difference(plan: q.PlanRow, staff: dict[int, str]) -> None:
    """What Kasubbid and Kabid changed since the analyst submitted this version."""
    if plan["state"] == "draft" or plan["version"] == 0:
        return
    with get_db().reading() as cur:
        submitted = plan_history.rows_at(cur, plan["id"], "submit") or []
        current = plan_history.rows_at(cur, plan["id"]) or []
    changes = plan_history.diff(submitted, current)
    st.markdown(f"**{t('plans.diff_title', version=plan['version'])}**")
    if not changes:
        st.caption(t("plans.diff_none"))
        return
    shown = pd.DataFrame(
        {
            t("plans.col_row"): [c["position"] for c in changes],
            t("col.agency"): [c["agency"] for c in changes],
            t("plans.col_change"): [t(f"plans.change_{c['change']}") for c in changes],
            t("plans.col_field"): [t(f"field.{c['field']}") if c["field"] else "" for c in changes],
            t("plans.col_old"): [_value(c["field"], c["old"], staff) for c in changes],
            t("plans.col_new"): [_value(c["field"], c["new"], staff) for c in changes],
        }
    )
    show_table(shown, hide_index=True, width="stretch")


def _value(field: str | None, value: object, staff: dict[int, str]) -> str:
    if value is None or value == []:
        return i18n.MISSING
    if field in ("method", "priority", "level"):
        return t(f"{field}.{value}")
    if field == "team_lead":
        return staff.get(int(value), str(value))
    if field == "team":
        return ", ".join(staff.get(int(v), str(v)) for v in value)
    if field == "letters":
        return i18n.t("plans.n_letters", lang(), n=len(value))
    if field in ("schedule_from", "schedule_to"):
        return i18n.fmt_date(dt.date.fromisoformat(str(value)[:10]), lang(), "short")
    if field in ("persons", "days", "transport", "lodging", "allowance"):
        return i18n.fmt_int(int(value), lang())
    return str(value)


def history(plan: q.PlanRow) -> None:
    """Every event: who did what, when, with the note."""
    with get_db().reading() as cur:
        events = plan_history.events(cur, plan["id"])
    shown = pd.DataFrame(
        {
            t("plans.col_when"): [_when(v) for v in events["at"]],
            t("plans.col_who"): events["actor"],
            t("plans.col_event"): [t(f"plan_event.{a}") for a in events["action"]],
            t("plans.state"): [t(f"plan_state.{s}") for s in events["to_state"]],
            t("plans.version"): events["version"],
            t("field.note"): [n if isinstance(n, str) else "" for n in events["note"]],
        }
    )
    show_table(shown, hide_index=True, width="stretch")
