"""The sections of the "Jejak Audit" page: filters, the log page by page, its xlsx export."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import streamlit as st

from dumas import i18n
from dumas.domain.permissions import Action
from dumas.queries import audit
from dumas.render import followup_table
from dumas.ui.state import actor, get_db, lang, t
from dumas.ui.widgets import generated_text, show_table, xlsx_button

_PAGE = "audit_page"  # session key of the page number widget
_SEEN = "audit_filters_seen"  # the filters the page number belongs to
MAX_RECORD_ID = 120


def filters() -> audit.AuditFilter:
    """User, record (type and id), action and period; each one optional."""
    with get_db().reading() as cur:
        facets = audit.audit_facets(cur)
    every = {"index": None, "placeholder": t("filters.all")}
    user_col, entity_col, id_col, action_col, period_col = st.columns(5)
    user = user_col.selectbox(t("audit.filter_user"), facets["actor"], key="audit_user", **every)
    entity = entity_col.selectbox(
        t("audit.filter_entity"), facets["entity"], key="audit_entity", **every
    )
    entity_id = id_col.text_input(
        t("audit.filter_entity_id"), key="audit_entity_id", max_chars=MAX_RECORD_ID
    )
    action = action_col.selectbox(
        t("audit.filter_action"), facets["action"], key="audit_action", **every
    )
    period = period_col.date_input(
        t("audit.filter_period"), value=[], key="audit_period", format="DD/MM/YYYY"
    )
    start, end = [*period, None, None][:2]
    return audit.AuditFilter(
        user=user,
        entity=entity,
        entity_id=entity_id.strip()[:MAX_RECORD_ID] or None,
        action=action,
        date_from=start,
        date_to=end,
    )


def describe(chosen: audit.AuditFilter) -> str:
    """The filters in words, for the export's title rows."""
    labels = {
        "user": "audit.filter_user",
        "entity": "audit.filter_entity",
        "entity_id": "audit.filter_entity_id",
        "action": "audit.filter_action",
    }
    values = dataclasses.asdict(chosen)
    parts = [f"{t(label)}: {values[name]}" for name, label in labels.items() if values[name]]
    if chosen.date_from or chosen.date_to:
        start = i18n.fmt_date(chosen.date_from, lang(), "short")
        end = i18n.fmt_date(chosen.date_to, lang(), "short")
        parts.append(f"{t('audit.filter_period')}: {start} – {end}")
    if not parts:
        return ""  # no filter line at all on a workbook nobody filtered
    return i18n.t("export.filters", lang(), filters="; ".join(parts))  # plain text


def _page_number(chosen: audit.AuditFilter) -> int:
    """The page asked for; back to the first whenever the filters change."""
    signature = repr(chosen)
    if st.session_state.get(_SEEN) != signature:
        st.session_state[_SEEN] = signature
        st.session_state[_PAGE] = 1
    return int(st.session_state.get(_PAGE) or 1)


def _rows(chosen: audit.AuditFilter, page: int) -> tuple[pd.DataFrame, int]:
    with get_db().reading() as cur:
        offset = (page - 1) * audit.PAGE_SIZE
        mask = not actor().can(Action.VIEW_PERSONAL_DATA)
        return audit.audit_rows(
            cur, chosen, limit=audit.PAGE_SIZE, offset=offset, mask_personal=mask
        )


def log(chosen: audit.AuditFilter) -> int:
    """One page of the filtered log, newest first, and the page picker; returns the total."""
    page = _page_number(chosen)
    frame, total = _rows(chosen, page)
    if not total:
        st.info(t("audit.empty"))
        return 0
    pages = max(1, math.ceil(total / audit.PAGE_SIZE))
    if page > pages:  # the log shrank under a narrower filter: show its last page
        page = st.session_state[_PAGE] = pages
        frame, total = _rows(chosen, page)
    st.caption(t("audit.count", total=i18n.fmt_int(total, lang()), page=page, pages=pages))
    names = followup_table.labels(audit.AUDIT_COLUMNS, lang())
    config = {name: st.column_config.TextColumn(label) for name, label in names.items()}
    config["logged_at"] = st.column_config.DatetimeColumn(
        names["logged_at"], format="DD/MM/YYYY HH:mm:ss"
    )
    show_table(frame[list(audit.AUDIT_COLUMNS)], column_config=config, hide_index=True)
    if pages > 1:
        st.number_input(t("audit.page"), min_value=1, max_value=pages, step=1, key=_PAGE)
    return total


def export(chosen: audit.AuditFilter, total: int) -> None:
    """The filtered rows as .xlsx; the export re-checks the permission itself."""
    if not total:
        return
    user, language, generated = actor(), lang(), generated_text()
    title, described = t("audit.title"), describe(chosen)

    def build() -> bytes:
        with get_db().reading() as cur:
            return audit.audit_xlsx(
                cur, user, chosen, lang=language, title=title, filters_text=described,
                generated=generated,
            )  # fmt: skip

    if total > audit.MAX_EXPORT:
        st.warning(t("audit.export_capped", max=i18n.fmt_int(audit.MAX_EXPORT, lang())))
    xlsx_button(build, filename="jejak-audit.xlsx", key="audit_export")
