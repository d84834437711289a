"""The money of a field visit: cost lines planned against actual (with the financial
report's draft), and the accountability from the team through the BPP to the PPK."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dumas import i18n
from dumas.domain import monitoring_flow as flow
from dumas.domain.codes import CostItem
from dumas.render.documents import FINANCIAL_REPORT
from dumas.services import monitoring as service
from dumas.services import monitoring_records as records
from dumas.ui.actions import perform, run
from dumas.ui.screens.inbox import late_text
from dumas.ui.screens.monitoring_detail import Screen, day, document_button, outcome_text, when
from dumas.ui.state import actor, lang, t, today
from dumas.ui.widgets import Figure, edit_table, metric_row, show_table

COST_COLUMNS = ("item", "user_id", "planned", "actual")


def costs(screen: Screen, *, report: bool = True) -> None:
    """The cost lines in a table editor for the team (read-only otherwise), the totals
    against the matrix estimate, and (in the report's view) the financial report's draft."""
    frame = screen.records["costs"][list(COST_COLUMNS)].astype(
        {"item": "object", "user_id": "Int64", "planned": "Int64", "actual": "Int64"}
    )
    people = {int(p.id): p.name for p in screen.team.itertuples()}
    cc, money = st.column_config, {"format": "localized", "min_value": 0, "step": 1}
    columns = {
        "item": cc.SelectboxColumn(t("field.item"), options=[i.value for i in CostItem],
                                   format_func=lambda i: t(CostItem(i).label_key), required=True),
        "user_id": cc.SelectboxColumn(t("field.user_id"), options=list(people),
                                      format_func=lambda u: people.get(u, str(u))),
        "planned": cc.NumberColumn(t("field.planned"), required=True, **money),
        "actual": cc.NumberColumn(t("field.actual"), **money),
    }  # fmt: skip
    if screen.may_write():
        _cost_editor(screen, frame, columns)
    else:
        _cost_table(screen.records["costs"])
    planned, actual = (Figure(screen.totals[k], rupiah=True) for k in ("planned", "actual"))
    metric_row([
        (t("monitoring.total_planned"), planned),
        (t("monitoring.total_actual"), actual, t("monitoring.total_actual_help")),
    ])  # fmt: skip
    comparison(screen)
    if report:
        document_button(screen, FINANCIAL_REPORT)


def comparison(screen: Screen) -> None:
    """The approved matrix estimate beside the planned lines and the actuals, with each
    difference from the estimate: an edited plan or the money spent never silently
    replaces what the matrix approved."""
    stored = screen.monitoring["estimated_cost"]  # DECIMAL: exact whole rupiah
    estimate = None if stored is None else int(stored)
    figures = (
        ("monitoring.cost_estimate", estimate),
        ("monitoring.cost_planned", screen.totals["planned"]),
        ("monitoring.cost_actual", screen.totals["actual"]),
    )
    language = lang()
    shown = pd.DataFrame({
        t("monitoring.cost_source"): [t(key) for key, _ in figures],
        t("monitoring.cost_amount"): [i18n.fmt_rupiah(v, language) for _, v in figures],
        t("monitoring.cost_difference"): [
            _difference(value, estimate) if key != "monitoring.cost_estimate" else i18n.MISSING
            for key, value in figures
        ],
    })  # fmt: skip
    show_table(shown, hide_index=True, width="content", key=f"cost_comparison_{screen.id}")
    planned = screen.totals["planned"]
    if estimate is not None and planned is not None and planned != estimate:
        st.warning(
            t("monitoring.cost_plan_differs", difference=_difference(planned, estimate),
              estimate=i18n.fmt_rupiah(estimate, language)),
            icon=":material/compare_arrows:",
        )  # fmt: skip


def _difference(value: int | None, estimate: int | None) -> str:
    """value - estimate in rupiah with its sign (a dash when either is unknown)."""
    if value is None or estimate is None:
        return i18n.MISSING
    gap = int(value) - int(estimate)
    sign = "+" if gap > 0 else "−" if gap < 0 else ""
    return sign + i18n.fmt_rupiah(abs(gap), lang())


def _cost_table(costs: pd.DataFrame) -> None:
    """The cost lines read-only, amounts in the user's notation (a dash when unknown)."""
    if costs.empty:
        st.caption(t("monitoring.none_yet"))
        return
    money = {n: [i18n.fmt_rupiah(v, lang()) for v in costs[n]] for n in ("planned", "actual")}
    shown = pd.DataFrame({
        t("field.item"): [t(CostItem(i).label_key) for i in costs["item"]],
        t("field.user_id"): costs["person"].fillna(i18n.MISSING),
        t("field.planned"): money["planned"],
        t("field.actual"): money["actual"],
    })  # fmt: skip
    show_table(shown, hide_index=True, width="stretch")


def _cost_editor(screen: Screen, frame: pd.DataFrame, columns: dict) -> None:
    """The editor keyed by the revision shown; saved as a whole on the button."""
    key, mid, revision = f"costs_{screen.id}_{screen.revision}", screen.id, screen.revision
    edit_table(frame, key=key, hide_index=True, num_rows="dynamic", column_config=columns)
    base = [{n: _plain(v) for n, v in row.items()} for row in frame.to_dict("records")]
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.button(
            t("monitoring.save_costs"),
            key="costs_save",
            type="primary",
            icon=":material/save:",
            on_click=_save_costs,
            args=(mid, revision, key, base),
        )
        st.number_input(
            t("field.year"),
            min_value=2000,
            max_value=2100,
            step=1,
            value=today().year,
            key=f"sbm_year_{mid}",
            width=140,
        )
        st.button(t("monitoring.plan_from_sbm"), key="costs_sbm", on_click=_plan_from_sbm,
                  args=(mid, revision))  # fmt: skip


def _plain(value: object) -> object:
    """A pandas missing value as None, numpy numbers as Python numbers."""
    if value is None or pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _save_costs(mid: int, revision: int, key: str, base: list[dict]) -> None:
    edits = st.session_state.get(key) or {}
    rows = [dict(row) for row in base]
    for position, changes in (edits.get("edited_rows") or {}).items():
        rows[int(position)].update(changes)
    deleted = {int(p) for p in edits.get("deleted_rows") or []}
    rows = [row for i, row in enumerate(rows) if i not in deleted]
    rows += [dict(row) for row in edits.get("added_rows") or []]
    lines = [{name: _plain(row.get(name)) for name in COST_COLUMNS} for row in rows]
    run(
        lambda: perform(records.save_costs, mid, revision=revision, rows=lines),
        t("monitoring.costs_saved"),
    )


def _plan_from_sbm(mid: int, revision: int) -> None:
    year = int(st.session_state.get(f"sbm_year_{mid}") or today().year)
    run(
        lambda: perform(records.plan_costs_from_sbm, mid, revision=revision, year=year),
        t("monitoring.costs_planned", year=year),
    )


def finance(screen: Screen) -> None:
    """Submitted by the team, received by the BPP, accepted by the PPK: one line each,
    with a date and a button for the one who may record that stage now."""
    done, user = screen.records["finance"], actor()
    track = next((r for r in screen.runs if r.step is flow.FINANCE_STEP), None)
    if track is not None:  # step 8b's own clock, as the checklist shows it
        late = t("monitoring.finance_late", late=late_text(track.late)) if track.late else ""
        st.caption(t("monitoring.finance_track", stage=outcome_text(track), due=when(track.due),
                     late=late))  # fmt: skip
    recorded = frozenset(stage for stage in flow.FINANCE_STAGES if done.get(stage) is not None)
    actuals = [_plain(v) for v in screen.records["costs"]["actual"]]
    seen = flow.FinanceView(screen.view.state, screen.direct, screen.view.team, recorded,
                            len(actuals), flow.unpaid_lines(actuals))  # fmt: skip
    for stage in flow.FINANCE_STAGES:
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.markdown(f"{t(f'monitoring.finance_{stage}')}: **{day(done.get(stage))}**")
            reason = flow.finance_refusal(stage, seen, user)
            if reason == "error.finance_order":  # theirs to record, after the stage before
                st.caption(t("monitoring.finance_waits"))
            elif reason in ("error.finance_no_costs", "error.finance_actuals_missing"):
                st.warning(t(reason, **flow.finance_params(reason, seen)),
                           icon=":material/receipt_long:")  # fmt: skip
            if reason:
                continue
            st.date_input(
                t("field.finance_date"),
                value=today(),
                max_value=today(),
                format="DD/MM/YYYY",
                key=f"fin_{stage}_{screen.id}",
                width=180,
            )
            st.button(t(f"monitoring.record_{stage}"), key=f"fin_{stage}", on_click=_record_finance,
                      args=(screen.id, screen.revision, stage))  # fmt: skip


def _record_finance(mid: int, revision: int, stage: str) -> None:
    """Callback: the stage on the monitoring as this screen showed it (its revision)."""
    on = st.session_state.get(f"fin_{stage}_{mid}")
    run(lambda: perform(service.record_finance, mid, revision=revision, stage=stage, on=on,
                        today=today()),
        t("monitoring.finance_saved"))  # fmt: skip
