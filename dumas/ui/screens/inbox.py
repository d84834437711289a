"""The sections of the "Menunggu Saya" page: counts, the user's queue, overdue in their area.

Read only: an overdue plan is flagged here and nowhere changes state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

from dumas import config, i18n
from dumas.domain import periods, plan_flow
from dumas.domain.deadlines import LateBy
from dumas.domain.permissions import User
from dumas.periodic import contents
from dumas.queries import inbox
from dumas.queries.memo_answer import MemoInboxItem
from dumas.queries.plan_history import InboxItem
from dumas.ui.escape import plain
from dumas.ui.state import get_db, lang, t
from dumas.ui.widgets import Figure, metric_row

PLAN_PAGE = "pages/plans.py"
# The items a-e of the memo to the Deputi (SOP step 4a; f is the letters to clarify).
MEMO_ITEMS = ("purpose", "partner", "mechanism", "expected_results", "expected_relationship")
# By kind: the page, its query parameter and the icon (the labels: inbox.LABELS).
_KINDS = {
    "plan": (PLAN_PAGE, "plan", ":material/table_view:"),
    "monitoring": ("pages/monitorings.py", "id", ":material/travel_explore:"),
    "report": ("pages/reports.py", "report", ":material/summarize:"),
    "finance": ("pages/monitorings.py", "id", ":material/payments:"),
}  # fmt: skip


def load(user: User) -> list[InboxItem]:
    """What waits for the user now (overdue first), and what is overdue in their area."""
    with get_db().reading() as cur:
        return inbox.inbox(cur, user, config.now())


def watches(user: User) -> bool:
    """Whether the user also oversees the plans of their area (Kabid, Asdep)."""
    return plan_flow.watches(user)


def counts(items: list[InboxItem], user: User) -> None:
    """Cards: waiting for me, of which overdue (and, for Kabid/Asdep, overdue in the area)."""
    mine = [item for item in items if item.mine]
    cards = [
        (t("inbox.metric_mine"), Figure(len(mine))),
        (t("inbox.metric_overdue"), Figure(_overdue(mine))),
    ]
    if watches(user):
        area = [item for item in items if not item.mine]
        cards.append((t("inbox.metric_area"), Figure(len(area))))
    metric_row(cards)


def _overdue(items: list[InboxItem]) -> int:
    return sum(item.late is not None for item in items)


def waiting(items: list[InboxItem]) -> None:
    """The plans waiting for the user's action, overdue first."""
    st.subheader(t("inbox.section_mine"))
    mine = [item for item in items if item.mine]
    if not mine:
        st.info(t("inbox.empty"), icon=":material/inbox:")
    for item in mine:
        _item(item)


def area(items: list[InboxItem]) -> None:
    """Plans overdue in the user's area that wait for someone else."""
    st.subheader(t("inbox.section_area"))
    st.caption(t("inbox.area_caption"))
    others = [item for item in items if not item.mine]
    if not others:
        st.caption(t("inbox.area_empty"))
    for item in others:
        _item(item)


def _item(item: InboxItem) -> None:
    """One plan or monitoring: its link, where it stands, since and due, how late it is."""
    page, param, icon = _KINDS[item.kind]
    state_key, step_key = inbox.LABELS[item.kind]
    if item.kind == "report":
        item = _report_item(item)
    with st.container(border=True):
        with st.container(horizontal=True, vertical_alignment="center"):
            st.page_link(
                page,
                label=plain(item.title),
                icon=icon,
                query_params={param: item.period_code or str(item.record_id)},
            )
            if item.late is not None:
                st.badge(
                    t("inbox.late_by", late=late_text(item.late)),
                    icon=":material/alarm:",
                    color="red",
                )
        details = t(
            "inbox.details",
            period=plain(item.period_label),
            state=t(f"{state_key}.{item.state}"),
            step=t(f"{step_key}.{item.step.key}"),
        )
        if item.bidang:
            details += " · " + plain(item.bidang)
        if item.kind in ("monitoring", "finance"):  # one plan's monitorings told apart
            st.markdown(_monitoring_line(item))
        st.markdown(details)
        st.caption(t("inbox.timing", since=_when(item.since), due=_when(item.due)))
        if isinstance(item, MemoInboxItem) and item.memo:
            _memo(item.memo)


def _monitoring_line(item: InboxItem) -> str:
    """What a monitoring is: the word itself, its locus and its method."""
    method = t(f"method.{item.method}") if item.method else i18n.MISSING
    return t("inbox.monitoring_line", locus=plain(item.locus or i18n.MISSING), method=method)


def _memo(memo: dict) -> None:
    """The memo awaiting the Deputi's answer: its number and date, and its items a-f."""
    on = i18n.fmt_date(memo["memo_signed_on"], lang(), "medium")
    st.markdown(t("inbox.memo_waiting", number=memo["memo_no"], on=on))
    with st.expander(t("inbox.memo_items"), icon=":material/description:"):
        for letter, name in zip("abcde", MEMO_ITEMS, strict=True):
            shown = memo[name] or i18n.MISSING
            st.markdown(t("inbox.memo_item", letter=letter, label=t(f"field.{name}"), text=shown))
        st.markdown(t("inbox.memo_letters", n=i18n.fmt_int(memo["letters"], lang())))


def _report_item(item: InboxItem) -> InboxItem:
    """A periodic report's title and period in the user's language."""
    period = periods.parse(item.period_code)
    language = lang()
    return dataclasses.replace(item, title=contents.default_title(period, language),
                               period_label=contents.period_label(period, language))  # fmt: skip


def _when(moment: dt.datetime) -> str:
    return i18n.fmt_datetime(moment.astimezone(config.TIMEZONE), lang())


def late_text(late: LateBy) -> str:
    """How late, in working days (or hours and minutes when less than a day); plain text,
    for table cells too."""
    return i18n.fmt_late(late, lang())
