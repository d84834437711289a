"""Roles, actions and the one permission table (role x action) that every check reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from dumas.domain.errors import DomainError, Message


class Role(StrEnum):
    """The SOP's people; a user may hold several roles."""

    ANALIS = "analis"  # Perencana Program dan Penyusun Laporan / Analis
    KASUBBID = "kasubbid"
    KABID = "kabid"
    ASDEP = "asdep"
    DEPUTI = "deputi"
    PPK = "ppk"
    BPP = "bpp"
    PIMPINAN = "pimpinan"  # read-only: dashboards and reports
    ADMIN = "admin"


class Action(StrEnum):
    """What a user can do; pages and services ask for one of these."""

    VIEW_DASHBOARD = "view_dashboard"
    VIEW_COMPLAINT = "view_complaint"
    RECORD_LETTERS = "record_letters"  # forwarding letters, reminders, agency responses
    VIEW_PERSONAL_DATA = "view_personal_data"  # complainant name and contact (audited)
    IMPORT_DATA = "import_data"
    MERGE_AGENCY = "merge_agency"
    EXPORT_DATA = "export_data"  # the whole database in the import layout
    BACKUP_DATA = "backup_data"  # a backup of the database, taken while it serves
    MANAGE_OPS_TOKENS = "manage_ops_tokens"  # tokens the command line hands work over with
    RUN_JOBS = "run_jobs"  # the scheduled jobs: see their runs, ask for one now
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    VIEW_PLANS = "view_plans"  # the monitoring-plan matrices and "Menunggu Saya"
    CREATE_PLAN = "create_plan"  # open a plan; its steps are governed by dumas/domain/plan_flow.py
    VIEW_MONITORINGS = "view_monitorings"
    WORK_MONITORING = "work_monitoring"  # steps 4-8, by the monitoring's own team
    ACKNOWLEDGE_REPORT = "acknowledge_report"  # the receiver by level (Asdep or Deputi)
    ANSWER_MEMO = "answer_memo"  # the Deputi's answer to the memo proposing a direct visit
    RECEIVE_ACCOUNTABILITY = "receive_accountability"  # BPP
    ACCEPT_ACCOUNTABILITY = "accept_accountability"  # PPK
    MANAGE_SBM = "manage_sbm"  # Standar Biaya Masukan rates, by finance staff
    MANAGE_SETTINGS = "manage_settings"  # letterhead, letter numbers, officials, font
    WRITE_REPORT = "write_report"  # a periodic report's narrative, before it is final
    FINALISE_REPORT = "finalise_report"  # freeze a periodic report as sent
    VIEW_REPORTS = "view_reports"  # the periodic reports (Laporan Berkala)
    CHECK_REPORT = "check_report"  # the Kabid checks a periodic report's draft (or returns it)
    FORWARD_REPORT = "forward_report"  # the Deputi forwards a final report to the Minister
    RECEIVE_NOTICES = "receive_notices"  # a daily digest of one's own "Menunggu Saya" by e-mail


_STAFF = {Role.ANALIS, Role.KASUBBID, Role.KABID, Role.ASDEP, Role.DEPUTI}
_EVERYONE = {*_STAFF, Role.PPK, Role.BPP, Role.PIMPINAN, Role.ADMIN}

# The single source of who may do what. Pages, menus and services all read it.
PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.VIEW_DASHBOARD: frozenset(_EVERYONE),
    Action.VIEW_COMPLAINT: frozenset(_EVERYONE - {Role.ADMIN}),
    Action.RECORD_LETTERS: frozenset({Role.ANALIS, Role.KASUBBID, Role.KABID}),
    Action.VIEW_PERSONAL_DATA: frozenset(_STAFF),
    Action.IMPORT_DATA: frozenset({Role.ANALIS, Role.KASUBBID, Role.KABID, Role.ADMIN}),
    Action.MERGE_AGENCY: frozenset({Role.ADMIN}),
    Action.EXPORT_DATA: frozenset({Role.ANALIS, Role.KASUBBID, Role.KABID, Role.ASDEP, Role.ADMIN}),
    Action.BACKUP_DATA: frozenset({Role.ADMIN}),
    Action.MANAGE_OPS_TOKENS: frozenset({Role.ADMIN}),
    Action.RUN_JOBS: frozenset({Role.ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.ADMIN, Role.ASDEP}),
    Action.MANAGE_USERS: frozenset({Role.ADMIN}),
    Action.VIEW_PLANS: frozenset(_STAFF),
    Action.CREATE_PLAN: frozenset({Role.ANALIS}),
    Action.VIEW_MONITORINGS: frozenset({*_STAFF, Role.PPK, Role.BPP}),
    Action.WORK_MONITORING: frozenset({Role.ANALIS, Role.KASUBBID, Role.KABID, Role.ASDEP}),
    Action.ACKNOWLEDGE_REPORT: frozenset({Role.ASDEP, Role.DEPUTI}),
    Action.ANSWER_MEMO: frozenset({Role.DEPUTI}),
    Action.RECEIVE_ACCOUNTABILITY: frozenset({Role.BPP}),
    Action.ACCEPT_ACCOUNTABILITY: frozenset({Role.PPK}),
    Action.MANAGE_SBM: frozenset({Role.PPK, Role.BPP}),
    Action.MANAGE_SETTINGS: frozenset({Role.ADMIN}),
    Action.WRITE_REPORT: frozenset({Role.ANALIS, Role.KASUBBID, Role.KABID, Role.ASDEP}),
    Action.FINALISE_REPORT: frozenset({Role.ASDEP}),
    Action.VIEW_REPORTS: frozenset({*_STAFF, Role.PIMPINAN}),
    Action.CHECK_REPORT: frozenset({Role.KABID}),
    Action.FORWARD_REPORT: frozenset({Role.DEPUTI}),
    Action.RECEIVE_NOTICES: frozenset({*_STAFF, Role.PPK, Role.BPP}),  # who has an inbox
}
TEAM_ROLES = frozenset({Role.ANALIS, Role.KASUBBID, Role.KABID, Role.ASDEP})  # on a team
BIDANG_ROLES = frozenset({Role.KASUBBID, Role.KABID})  # these belong to a Bidang


@dataclass(frozen=True)
class User:
    """The acting user, as services see it."""

    id: int
    username: str
    full_name: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    bidang: str | None = None

    def can(self, action: Action) -> bool:
        """Whether any of the user's roles is allowed the action."""
        return bool(self.roles & PERMISSIONS[action])


# Commands run on the server by whoever operates it (python -m dumas ...).
SYSTEM = User(id=0, username="sistem", full_name="Sistem", roles=frozenset(Role))


class Forbidden(DomainError):
    """The user's roles do not allow this action (whatever the page showed)."""


def require(user: User, action: Action) -> None:
    """Refuse the action unless the permission table allows it to one of the user's roles."""
    if not user.can(action):
        raise Forbidden(Message("error.forbidden", {"action": action.value}))
