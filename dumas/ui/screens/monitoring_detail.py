"""One monitoring on the "Pemantauan" page (SOP steps 4-8): header, checklist, moves, history.

Everything the screen shows is read once per run into a Screen. Writes run in on_click
callbacks that carry the revision the screen showed, so a click on a stale screen is
refused by the service instead of overwriting someone else's change. The records' views
(scope, documents, coordination, execution, report, money) are in monitoring_forms.py.
No complainant personal data is read here: letters carry agenda and letter numbers only.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dumas import config, i18n
from dumas.domain import monitoring_flow as flow
from dumas.domain.codes import DocumentKind, Level, Method
from dumas.domain.deadlines import LateBy, unit_number
from dumas.domain.monitoring_flow import MonitoringAction, MonitoringView
from dumas.queries import monitoring as mq
from dumas.queries.plan_history import StepRun
from dumas.queries.settings import for_documents
from dumas.render.documents import DRAFTS, FINANCIAL_REPORT
from dumas.services import monitoring as service
from dumas.ui import data
from dumas.ui.actions import perform, run
from dumas.ui.escape import plain
from dumas.ui.navigation import may_go
from dumas.ui.screens.inbox import PLAN_PAGE, late_text
from dumas.ui.screens.plan import OWN_MARK, standard_text
from dumas.ui.state import actor, get_db, lang, t, today
from dumas.ui.widgets import show_table, view_switch

VIEWS = ("preparation", "coordination", "execution", "report", "history")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# The file name of each document kind's draft (suffixed with the monitoring's id).
FILE_NAMES = {
    DocumentKind.MEMO_DEPUTI: "memo-deputi",
    DocumentKind.SURAT_TUGAS: "surat-tugas",
    DocumentKind.MEMO_KEUANGAN: "memo-keuangan",
    DocumentKind.DAFTAR_BERKAS: "daftar-berkas",
    DocumentKind.SURAT_INSTANSI: "surat-instansi",
    DocumentKind.LAPORAN_SUBSTANSI: "laporan-pemantauan",
    FINANCIAL_REPORT: "laporan-keuangan",
}


@dataclass(frozen=True)
class Screen:
    """One monitoring as this run draws it (the revision is read first)."""

    monitoring: mq.MonitoringRow
    team: pd.DataFrame
    view: MonitoringView
    records: mq.MonitoringRecords
    letters: pd.DataFrame
    totals: dict[str, int | None]
    runs: list[StepRun]
    events: pd.DataFrame

    @property
    def id(self) -> int:
        return int(self.monitoring["id"])

    @property
    def revision(self) -> int:
        return int(self.monitoring["revision"] or 1)

    @property
    def direct(self) -> bool:
        return self.view.direct

    def may_write(self) -> bool:
        """Team members record while the monitoring is in steps 4-7 (the service's rule)."""
        return flow.record_refusal(actor(), self.view.state, self.view.team) is None


def load(monitoring_id: int) -> Screen | None:
    """The monitoring with everything its views show, or None when there is no such id."""
    parts = data.read("monitoring", monitoring_id, today())
    if parts is None:
        return None
    with get_db().reading() as cur:
        runs = mq.checklist(cur, monitoring_id, config.now(), parts["monitoring"])
    return Screen(**parts, runs=runs)


def is_stale(error: object) -> bool:
    """Whether a refusal says someone else changed the monitoring meanwhile."""
    return any(m.key == "error.monitoring_changed" for m in getattr(error, "messages", []))


def back_button() -> None:
    """Back to the list of monitorings (the id leaves the URL)."""
    st.button(
        t("monitoring.back"),
        key="monitoring_back",
        icon=":material/arrow_back:",
        type="tertiary",
        on_click=_back,
    )


def _back() -> None:
    for name in ("id", "monitoring_view"):
        st.query_params.pop(name, None)


def header(screen: Screen) -> None:
    """Agency, locus, level, method, team (lead first), schedule, state, approval."""
    m, language = screen.monitoring, lang()
    st.subheader(plain(m["agency"]))
    dates = [m[name] for name in ("schedule_from", "schedule_to") if m[name] is not None]
    schedule = " – ".join(i18n.fmt_date(d, language, "medium") for d in dates) or i18n.MISSING
    approved_at = m["approved_at"].astimezone(config.TIMEZONE)
    facts = [
        (t("monitorings.col.province"), m["province"] or i18n.MISSING),
        (t("monitorings.col.level"), t(Level(m["level"]).label_key)),
        (t("monitorings.col.method"), t(Method(m["method"]).label_key)),
        (t("monitoring.schedule"), schedule),
        (t("monitorings.col.state"), t(f"monitoring_state.{m['state']}")),
        (t("monitorings.col.approved_by"), m["approved_by_name"] or i18n.MISSING),
        (t("monitorings.col.approved_at"), i18n.fmt_datetime(approved_at, language, "medium")),
    ]
    st.markdown(" · ".join(f"**{k}:** {plain(v)}" for k, v in facts))
    if may_go(PLAN_PAGE):  # the plan it came from, in this tab (the PPK and BPP see none)
        st.page_link(
            PLAN_PAGE,
            label=f"{t('monitorings.open_plan')}: {plain(m['plan_title'])}",
            icon=":material/table_view:",
            query_params={"plan": str(m["plan_id"])},
        )
    team = [
        plain(p.name) + (f" ({t('monitoring.lead')})" if p.is_lead else "")
        for p in screen.team.itertuples()
    ]
    st.markdown(f"**{t('monitorings.col.team')}:** " + ", ".join(team))


def checklist(screen: Screen) -> None:
    """The SOP checklist of steps 4-8: standard time, started, done, what ended it, due,
    late by; a field visit's step 8 in two tracks (8a the report, 8b the money)."""
    rows = [
        {
            t("plans.col_step"): t(f"m_step.{r.step.key}"),
            t("plans.col_standard"): standard_text(r.standard),
            t("plans.col_started"): when(r.started),
            t("plans.col_done"): when(r.done) + (f" ({r.done_by})" if r.done_by else ""),
            t("monitoring.col_outcome"): outcome_text(r),
            t("plans.col_due"): when(r.due),
            t("plans.col_late"): _late(r.late),
        }
        for r in screen.runs
    ]
    show_table(pd.DataFrame(rows), hide_index=True, width="stretch")
    if not flow.is_direct(screen.monitoring["method"]):  # the letter to the agency's deadline
        with get_db().reading() as cur:
            days = unit_number(cur, "agency_reply_days")
        st.caption(t("checklist.reply_days_own", mark=OWN_MARK, n=days))
    if screen.direct:
        st.caption(t("monitoring.tracks_caption"))


def outcome_text(run: StepRun) -> str:
    """What ended a step (the event in words); for the money's track, its stage now."""
    if run.step is flow.FINANCE_STEP:
        stage = (run.outcome or "finance_open").removeprefix("finance_")
        return t(f"finance_state.{stage}")
    return t(f"m_event.{run.outcome}") if run.outcome else ""


def when(value: object) -> str:
    """A moment in Asia/Jakarta, or the dash."""
    if value is None or pd.isna(value):
        return i18n.MISSING
    moment = pd.Timestamp(value).to_pydatetime().astimezone(config.TIMEZONE)
    return i18n.fmt_datetime(moment, lang(), "short")


def day(value: object) -> str:
    """A date (or a pandas timestamp) in the user's notation, or the dash."""
    if value is None or pd.isna(value):
        return i18n.MISSING
    if isinstance(value, pd.Timestamp):
        value = value.date()
    return i18n.fmt_date(value, lang(), "medium")


def _late(late: LateBy | None) -> str:
    return "" if late is None else "⚠ " + late_text(late)


def actions(screen: Screen) -> None:
    """The moves the table offers this user now, and why the others are still blocked."""
    user = actor()
    offered = flow.available_actions(screen.view, user)
    blocked = flow.blocked_actions(screen.view, user)
    if not (offered or blocked):
        return
    with st.container(border=True):
        st.markdown(f"**{t('monitoring.actions')}**")
        note_key = f"mnote_{screen.id}"  # no revision: a rerun must not lose the text
        if offered:
            st.text_area(
                t("field.note"), key=note_key, height=80, placeholder=t("monitoring.note_hint")
            )
            columns = st.columns(len(offered))
            for column, action in zip(columns, offered, strict=True):
                column.button(
                    t(f"m_act.{action.value}"),
                    key=f"mact_{action.value}",
                    on_click=_move,
                    args=(screen.id, screen.revision, action, note_key),
                    type="secondary" if action is MonitoringAction.RETURN_REPORT else "primary",
                )
        for action, reason in blocked.items():
            st.caption(f"{t(f'm_act.{action.value}')}: {t(reason) if reason else ''}")


def _move(monitoring_id: int, revision: int, action: MonitoringAction, note_key: str) -> None:
    state = st.session_state
    done = run(
        lambda: perform(
            service.act,
            monitoring_id,
            revision=revision,
            action=action,
            note=state.get(note_key),
        ),
        t("monitoring.done", event=t(f"m_event.{action.value}")),
    )
    if done:
        state.pop(note_key, None)
        # Show the view of the step the monitoring has just reached.
        target = next(t.next_state.value for t in flow.TRANSITIONS if t.action is action)
        state["monitoring_view"] = target if target in VIEWS else "report"


def choose_view(screen: Screen) -> str:
    """The view in the segmented control; by default the one of the current step."""
    state = screen.view.state.value
    default = state if state in VIEWS else "report"
    return view_switch("monitoring", VIEWS, default, key="monitoring_view")


def document_button(screen: Screen, kind: str) -> None:
    """The .docx draft of one document, built from the database only when clicked."""
    database, monitoring_id, on = get_db(), screen.id, today()

    def build() -> bytes:  # runs in another thread: a cursor of its own, values by closure
        with database.reading() as cur:
            return DRAFTS[kind](for_documents(cur), mq.document_data(cur, monitoring_id, on), on)

    st.download_button(
        t("monitoring.download_docx", name=t(f"document.{kind}")),
        data=build,
        mime=DOCX,
        icon=":material/download:",
        file_name=f"{FILE_NAMES[kind]}-{monitoring_id}.docx",
        key=f"docx_{kind}",
        on_click="ignore",
    )


def history(screen: Screen) -> None:
    """Every move and record of steps 4-8: when, who, what, the stage after, the note."""
    events = screen.events
    if events.empty:
        st.caption(t("monitoring.no_events"))
        return
    shown = pd.DataFrame(
        {
            t("plans.col_when"): [when(v) for v in events["at"]],
            t("plans.col_who"): events["actor"],
            t("plans.col_event"): [t(f"m_event.{a}") for a in events["action"]],
            t("monitorings.col.state"): [t(f"monitoring_state.{s}") for s in events["to_state"]],
            t("field.note"): [n if isinstance(n, str) else "" for n in events["note"]],
        }
    )
    show_table(shown, hide_index=True, width="stretch")
