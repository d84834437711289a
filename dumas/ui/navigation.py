"""The pages, each with the actions that open it; a role sees only what it may use."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import streamlit as st

from dumas.domain.permissions import Action, User
from dumas.ui import unsaved
from dumas.ui.state import actor, t


@dataclass(frozen=True)
class PageSpec:
    """One page of the app and the permission(s) that show it (any of them)."""

    path: str
    title: str  # catalogue id
    icon: str
    url_path: str | None  # None: the default page, served at "/"
    actions: tuple[Action, ...]


PLANS_PAGE = "pages/plans.py"  # keeps its own grids' unsaved edits (dumas/ui/unsaved.py)
PAGES = (
    PageSpec(
        "pages/followup.py", "nav.followup", ":material/pending_actions:", None,
        (Action.VIEW_DASHBOARD,),
    ),
    # Whoever has a queue: the plans' staff, and the BPP and PPK for the accountability (8b).
    PageSpec(
        "pages/inbox.py", "nav.inbox", ":material/inbox:", "menunggu",
        (Action.VIEW_PLANS, Action.RECEIVE_ACCOUNTABILITY, Action.ACCEPT_ACCOUNTABILITY),
    ),
    PageSpec(
        PLANS_PAGE, "nav.plans", ":material/table_view:", "rencana", (Action.VIEW_PLANS,),
    ),
    PageSpec(
        "pages/monitorings.py", "nav.monitorings", ":material/travel_explore:", "pemantauan",
        (Action.VIEW_MONITORINGS,),
    ),
    PageSpec(
        "pages/reports.py", "nav.reports", ":material/summarize:", "laporan",
        (Action.VIEW_REPORTS,),
    ),
    PageSpec(
        "pages/complaint.py", "nav.complaint", ":material/description:", "pengaduan",
        (Action.VIEW_COMPLAINT,),
    ),
    PageSpec(
        "pages/import_data.py", "nav.import", ":material/upload_file:", "impor",
        (Action.IMPORT_DATA, Action.EXPORT_DATA, Action.MERGE_AGENCY),
    ),
    PageSpec(
        "pages/users.py", "nav.users", ":material/manage_accounts:", "pengguna",
        (Action.MANAGE_USERS,),
    ),
    PageSpec("pages/audit.py", "nav.audit", ":material/history:", "audit", (Action.VIEW_AUDIT,)),
    PageSpec("pages/sbm.py", "nav.sbm", ":material/payments:", "sbm", (Action.MANAGE_SBM,)),
    PageSpec(
        "pages/settings.py", "nav.settings", ":material/settings:", "pengaturan",
        (Action.MANAGE_SETTINGS,),
    ),
    PageSpec("pages/jobs.py", "nav.jobs", ":material/schedule:", "tugas", (Action.RUN_JOBS,)),
    PageSpec(
        "pages/account.py", "nav.account", ":material/account_circle:", "akun",
        (Action.RECEIVE_NOTICES,),
    ),
)  # fmt: skip


_SIGN_IN = "pages/sign_in.py"


def may_open(user: User, page: PageSpec) -> bool:
    """Whether the user's roles may use the page: any of the actions that show it."""
    return any(user.can(action) for action in page.actions)


def visible(user: User) -> list[PageSpec]:
    """The pages the user's roles may use, in menu order."""
    return [page for page in PAGES if may_open(user, page)]


def may_go(path: str) -> bool:
    """Whether the signed-in user's menu offers the page (a pages/*.py path of PAGES)."""
    return may_open(actor(), next(p for p in PAGES if p.path == path))


def go(path: str, **params: str) -> NoReturn:
    """Open a page of the menu in this tab, with its query parameters (?plan=ID): a link
    cell would open a new browser tab, a new session that takes seconds to start."""
    st.switch_page(path, query_params=params)


def guard(script: str) -> User:
    """The signed-in user, if the menu offers them this page (`__file__` of pages/NAME.py);
    else a refusal, and the page stops. The menu hides the page; this guards a stray route."""
    here = Path(script)
    page = next(p for p in PAGES if Path(p.path) == Path(here.parent.name, here.name))
    user = actor()
    if not may_open(user, page):
        st.error(t("error.forbidden"), icon=":material/block:")
        st.stop()
    if page.path != PLANS_PAGE and unsaved.keep_left():  # the plan page keeps its own
        st.warning(t("plans.unsaved_left"), icon=":material/edit_note:")
    return user


def pages_for(user: User) -> list[st.Page]:
    """st.Page objects for the menu; pages not listed cannot be opened by URL either.

    The URL of a page the user may not open (a shared link, a bookmark) reaches a hidden
    page that says so in the user's language, not Streamlit's English "Page not found";
    it never runs the page's script."""
    offered = visible(user)
    menu = [
        st.Page(spec.path, title=t(spec.title), icon=spec.icon, default=True)
        if spec.url_path is None
        else st.Page(spec.path, title=t(spec.title), icon=spec.icon, url_path=spec.url_path)
        for spec in offered
    ]
    refused = [
        st.Page(_not_allowed, title=t(spec.title), url_path=spec.url_path, visibility="hidden")
        for spec in PAGES
        if spec not in offered and spec.url_path is not None
    ]
    return menu + refused


def sign_in_pages() -> list[st.Page]:
    """Before signing in: the sign-in page, also at every page's URL (a bookmark opened
    before signing in asks to sign in, not Streamlit's English "Page not found")."""
    return [
        st.Page(_SIGN_IN, title=t("signin.title"), default=True),
        *(
            st.Page(_SIGN_IN, title=t("signin.title"), url_path=spec.url_path, visibility="hidden")
            for spec in PAGES
            if spec.url_path is not None
        ),
    ]


def _not_allowed() -> None:
    """What a page the user's roles do not offer shows when its URL is opened."""
    st.warning(t("error.page_not_allowed"), icon=":material/block:")


def preload() -> None:
    """Import every screen (and with them pandas, DuckDB, the renderers) now: server.py
    calls this at start, so a visitor's first run does not wait for the imports."""
    for module in sorted((Path(__file__).parent / "screens").glob("*.py")):
        importlib.import_module(f"dumas.ui.screens.{module.stem}")
