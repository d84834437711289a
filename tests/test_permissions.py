"""Each role tries each action: allowed or refused exactly as the permission table says.

For every action one representative use case is attempted the way the app does it: the
service (which checks the permission itself, so a forged request is refused too), the audit
export, or, for the read-only pages, the menu (a page not offered cannot be opened by URL).
A refusal raises Forbidden and leaves every table as it was.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dumas import config, services
from dumas.db import Database, connect
from dumas.domain.errors import Message
from dumas.domain.permissions import BIDANG_ROLES, PERMISSIONS, Action, Forbidden, Role, User
from dumas.importer import files, import_file
from dumas.queries import audit
from dumas.services import memo_answer, monitoring, plans, settings, users
from dumas.services import monitoring_records as records
from dumas.ui import navigation
from tests.conftest import ANALYST, TODAY, Factory
from tests.importing import row, xlsx

NEW_AGENCY = "Dinas Perumahan Kabupaten Contoh"  # not in the master list: an import creates it


@dataclass(frozen=True)
class World:
    """What the attempts act on: a forwarded complaint and an agency an import created."""

    complaint_id: int
    agency_id: int
    imported_agency_id: int
    monitorings: dict[str, int]


@pytest.fixture(scope="module")
def world_file(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    """The world built once (its import runs a parser child) in a copy of the template."""
    path = tmp_path_factory.mktemp("world") / "world.duckdb"
    shutil.copy(template_db, path)
    db = connect(path)
    try:
        make = Factory(db)
        kemendagri = make.agency("Kementerian Dalam Negeri")
        complaint = make.complaint()
        make.forward(complaint, kemendagri, dt.date(2026, 3, 2))
        import_file(db, ANALYST, xlsx([row(agency=NEW_AGENCY)]), "awal.xlsx", today=TODAY)
        imported = db.cursor().execute("SELECT id FROM agency WHERE from_import").fetchone()[0]
        world = World(complaint, kemendagri, imported, _monitorings(db, kemendagri))
        _reports(db)
    finally:
        db.close()
    return path, world


@pytest.fixture
def db_path(world_file: tuple[Path, World], tmp_path: Path) -> Path:
    """Every attempt starts from its own copy of the world (overrides conftest.db_path)."""
    path = tmp_path / "dumas.duckdb"
    shutil.copy(world_file[0], path)
    return path


@pytest.fixture
def world(world_file: tuple[Path, World]) -> World:
    return world_file[1]


# Monitorings at the step each attempt needs: (name, method, level, state, finance stage).
_MONITORINGS = (
    ("team_of_7000", "kunjungan_lapangan", "kabid", "execution", None),
    ("to_asdep", "surat_resmi", "kabid", "submission", None),
    ("to_deputi", "surat_resmi", "asdep", "submission", None),
    ("at_bpp", "kunjungan_lapangan", "kabid", "submission", "submitted_on"),
    ("at_ppk", "kunjungan_lapangan", "kabid", "submission", "bpp_received_on"),
    ("memo_waiting", "kunjungan_lapangan", "kabid", "preparation", None),  # its memo: below
)


def _monitorings(db: Database, agency_id: int) -> dict[str, int]:
    """Stored directly: the attempts concern steps 4-8, not how a plan got approved."""
    cur = db.cursor()
    ids = {}
    for number, (name, method, level, state, finance) in enumerate(_MONITORINGS, start=1):
        cur.execute(
            """
            INSERT INTO monitoring (id, plan_id, plan_row_id, agency_id, level, method,
                                    team_lead, state, approved_by, approved_at, state_since)
            VALUES ($id, 1, $id, $agency, $level, $method, 1, $state, 1, now(), now())
            """,
            {"id": number, "agency": agency_id, "level": level, "method": method,
             "state": state},
        )  # fmt: skip
        member = 7000 if name == "team_of_7000" else 1
        cur.execute("INSERT INTO monitoring_member VALUES ($id, $u, true)",
                    {"id": number, "u": member})  # fmt: skip
        if finance:
            cur.execute(
                "INSERT INTO monitoring_finance (monitoring_id, submitted_on, bpp_received_on)"
                " VALUES ($id, DATE '2026-11-20', $received)",
                {"id": number, "received": dt.date(2026, 11, 23) if finance == "bpp_received_on"
                 else None},
            )  # fmt: skip
        ids[name] = number
    cur.execute(
        "INSERT INTO monitoring_document VALUES ($id, 'memo_deputi', '31/D-4', $on, 1)",
        {"id": ids["memo_waiting"], "on": dt.date(2026, 11, 20)},
    )
    return ids


def _open_page(path: str) -> Callable[[Database, User, World], None]:
    """Read-only pages are guarded by the menu: refused when the page is not offered."""

    def attempt(db: Database, user: User, world: World) -> None:
        if path not in {page.path for page in navigation.visible(user)}:
            raise Forbidden(Message("error.forbidden"))

    return attempt


def _record_response(db: Database, user: User, world: World) -> None:
    services.record_response(
        db, user, complaint_id=world.complaint_id, agency_id=world.agency_id,
        response=services.ResponseInput("T-77/2026", dt.date(2026, 3, 9), "selesai", None),
        today=TODAY,
    )  # fmt: skip


def _reveal(db: Database, user: User, world: World) -> None:
    shown = services.reveal_complainant(db, user, world.complaint_id)
    assert shown["complainant_name"] == "Siti Aminah"


def _import(db: Database, user: User, world: World) -> None:
    data = xlsx([row(agenda_no="IMP-0002", letter_no="B-900/D-4/DM.04.00/03/2026")])
    assert import_file(db, user, data, "tambahan.xlsx", today=TODAY).applied


def _merge(db: Database, user: User, world: World) -> None:
    source, target = world.imported_agency_id, world.agency_id
    services.merge_agency(db, user, source_id=source, source_name=NEW_AGENCY, target_id=target)


def _backup(db: Database, user: User, world: World) -> None:
    from dumas.services.backups import take_backup

    folder = db.path.parent / "cadangan"  # in the test's own folder, deleted with it
    take_backup(db, user, folder=folder, keep=(14, 12), now=NOW)


def _run_jobs(db: Database, user: User, world: World) -> None:
    from dumas.services.jobs import request_run

    request_run(db, user, "backup", now=NOW)


def _export_data(db: Database, user: User, world: World) -> None:
    with db.transaction() as cur:
        data = files.export_for(cur, user, title="Ekspor", generated="")
    assert data[:2] == b"PK"


def _audit_export(db: Database, user: User, world: World) -> None:
    data = audit.audit_xlsx(
        db.cursor(), user, lang="id", title="Jejak Audit", filters_text="", generated=""
    )
    assert data[:2] == b"PK"  # an xlsx (zip) file


def _create_user(db: Database, user: User, world: World) -> None:
    users.create_user(
        db, user, username="pegawai.baru", full_name="Pegawai Baru",
        password="sandi-pegawai-baru", roles=["analis"],
    )  # fmt: skip


def _create_plan(db: Database, user: User, world: World) -> None:
    now = dt.datetime(2026, 11, 27, 9, tzinfo=config.TIMEZONE)
    plans.create_plan(
        db, user, title="Rencana Uji", period="2026-S2", source="database",
        bidang=None, now=now,
    )  # fmt: skip


NOW = dt.datetime(2026, 11, 27, 9, tzinfo=config.TIMEZONE)


def _work_monitoring(db: Database, user: User, world: World) -> None:
    records.add_agreement(db, user, world.monitorings["team_of_7000"], item="Jawab surat",
                          responsible="Itjen", due_on=None, now=NOW)  # fmt: skip


def _revision(db: Database, mid: int) -> int:
    sql = "SELECT revision FROM monitoring WHERE id = $id"
    return db.cursor().execute(sql, {"id": mid}).fetchone()[0]


def _acknowledge(db: Database, user: User, world: World) -> None:
    name = "to_deputi" if Role.DEPUTI in user.roles else "to_asdep"
    mid = world.monitorings[name]
    revision = _revision(db, mid)
    monitoring.act(db, user, mid, revision=revision, action="acknowledge", note=None, now=NOW)


def _answer_memo(db: Database, user: User, world: World) -> None:
    mid = world.monitorings["memo_waiting"]
    memo_answer.answer_memo(db, user, mid, revision=_revision(db, mid), outcome="approved",
                            note=None, now=NOW)  # fmt: skip


def _receive(db: Database, user: User, world: World) -> None:
    mid = world.monitorings["at_bpp"]
    monitoring.record_finance(db, user, mid, revision=_revision(db, mid), stage="bpp_received_on",
                              on=TODAY, today=TODAY, now=NOW)  # fmt: skip


def _accept(db: Database, user: User, world: World) -> None:
    mid = world.monitorings["at_ppk"]
    monitoring.record_finance(db, user, mid, revision=_revision(db, mid), stage="ppk_accepted_on",
                              on=TODAY, today=TODAY, now=NOW)  # fmt: skip


def _sbm(db: Database, user: User, world: World) -> None:
    rows = [{"province_code": "31", "daily_allowance": 530_000, "lodging_cap": 1_490_000}]
    settings.save_sbm_rates(db, user, year=2026, rows=rows, seen={}, now=NOW)


def _settings(db: Database, user: User, world: World) -> None:
    settings.save_settings(db, user, {"unit_code": "D-5"}, now=NOW, seen={"unit_code": "D-4"})


def _reports(db: Database) -> None:
    """January 2026 drafted (the Kabid may check it), April 2026 drafted and checked (the
    Asdep may finalise it), February 2026 also finalised (the Deputi may forward it): the
    route's earlier steps by the command line."""
    from dumas.domain import periods
    from dumas.domain.permissions import SYSTEM
    from dumas.domain.report_flow import ReportMove
    from dumas.services import periodic

    at = dt.datetime(2026, 5, 4, 9, tzinfo=config.TIMEZONE)
    periodic.save_draft(db, SYSTEM, periods.parse("2026-01"), narrative={"key_issues": "Isu"},
                        revision=0, now=at)  # fmt: skip
    for code in ("2026-04", "2026-02"):
        period = periods.parse(code)
        periodic.save_draft(db, SYSTEM, period, narrative={"key_issues": "Isu"}, revision=0, now=at)
        periodic.review(db, SYSTEM, period, move=ReportMove.CHECK, revision=1, now=at)
    periodic.finalise(db, SYSTEM, periods.parse("2026-02"), narrative={"key_issues": "Isu"},
                      revision=1, now=at)  # fmt: skip


def _finalise(db: Database, user: User, world: World) -> None:
    """Finalised after the Kabid's check (report_flow)."""
    from dumas.domain import periods
    from dumas.services import periodic

    periodic.finalise(db, user, periods.parse("2026-04"), narrative={"key_issues": "Isu"},
                      revision=1, now=NOW)  # fmt: skip


def _check_report(db: Database, user: User, world: World) -> None:
    from dumas.domain import periods
    from dumas.domain.report_flow import ReportMove
    from dumas.services import periodic

    period = periods.parse("2026-01")
    periodic.review(db, user, period, move=ReportMove.CHECK, revision=1, now=NOW)


def _forward_report(db: Database, user: User, world: World) -> None:
    from dumas.domain import periods
    from dumas.services import periodic

    periodic.forward(db, user, periods.parse("2026-02"), sent_on=TODAY, now=NOW)


def _write_report(db: Database, user: User, world: World) -> None:
    from dumas.domain import periods
    from dumas.services import periodic

    periodic.save_draft(db, user, periods.parse("2026-03"), narrative={"key_issues": "Catatan"},
                       revision=0, now=NOW)  # fmt: skip


def _create_ops_token(db: Database, user: User, world: World) -> None:
    from dumas.services import ops_tokens

    ops_tokens.create_token(db, user, label="impor malam", now=NOW)


def _receive_notices(db: Database, user: User, world: World) -> None:
    from dumas.services import notices

    notices.set_notices(db, user, digest=True, area=False, language="id", now=NOW)


ATTEMPTS: dict[Action, Callable[[Database, User, World], None]] = {
    Action.VIEW_DASHBOARD: _open_page("pages/followup.py"),
    Action.VIEW_COMPLAINT: _open_page("pages/complaint.py"),
    Action.RECORD_LETTERS: _record_response,
    Action.VIEW_PERSONAL_DATA: _reveal,
    Action.IMPORT_DATA: _import,
    Action.MERGE_AGENCY: _merge,
    Action.EXPORT_DATA: _export_data,
    Action.BACKUP_DATA: _backup,
    Action.MANAGE_OPS_TOKENS: _create_ops_token,
    Action.RUN_JOBS: _run_jobs,
    Action.VIEW_AUDIT: _audit_export,
    Action.MANAGE_USERS: _create_user,
    Action.VIEW_PLANS: _open_page("pages/plans.py"),
    Action.CREATE_PLAN: _create_plan,
    Action.VIEW_MONITORINGS: _open_page("pages/monitorings.py"),
    Action.WORK_MONITORING: _work_monitoring,
    Action.ACKNOWLEDGE_REPORT: _acknowledge,
    Action.ANSWER_MEMO: _answer_memo,
    Action.RECEIVE_ACCOUNTABILITY: _receive,
    Action.ACCEPT_ACCOUNTABILITY: _accept,
    Action.MANAGE_SBM: _sbm,
    Action.MANAGE_SETTINGS: _settings,
    Action.WRITE_REPORT: _write_report,
    Action.FINALISE_REPORT: _finalise,
    Action.VIEW_REPORTS: _open_page("pages/reports.py"),
    Action.CHECK_REPORT: _check_report,
    Action.FORWARD_REPORT: _forward_report,
    Action.RECEIVE_NOTICES: _receive_notices,
}
WRITES = {  # the attempts audited when allowed (writes, and reads of personal data)
    Action.RECORD_LETTERS,
    Action.VIEW_PERSONAL_DATA,  # every reveal is audited
    Action.EXPORT_DATA,  # the whole database leaves the building: audited
    Action.IMPORT_DATA,
    Action.MERGE_AGENCY,
    Action.BACKUP_DATA,  # a copy of everything: audited
    Action.MANAGE_OPS_TOKENS,
    Action.RUN_JOBS,  # "Jalankan sekarang"
    Action.MANAGE_USERS,
    Action.CREATE_PLAN,
    Action.WORK_MONITORING,
    Action.ACKNOWLEDGE_REPORT,
    Action.ANSWER_MEMO,
    Action.RECEIVE_ACCOUNTABILITY,
    Action.ACCEPT_ACCOUNTABILITY,
    Action.MANAGE_SBM,
    Action.MANAGE_SETTINGS,
    Action.WRITE_REPORT,
    Action.FINALISE_REPORT,
    Action.CHECK_REPORT,
    Action.FORWARD_REPORT,
    Action.RECEIVE_NOTICES,
}


def _everything(db: Database) -> dict[str, tuple]:
    """A fingerprint of every row of every table (and so the audit log and the data
    version): per table the row count and the sum of the rows' hashes, computed in DuckDB
    (fetching every row, reference data included, took a third of this module's time)."""
    cur = db.cursor()
    names = [r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    sql = " UNION ALL ".join(
        f"SELECT '{name}', count(*), sum(hash(t)::HUGEINT) FROM {name} AS t" for name in names
    )
    return {name: (rows, digest) for name, rows, digest in cur.execute(sql).fetchall()}


def _audited_by(db: Database, user: User) -> int:
    sql = "SELECT count(*) FROM audit_log WHERE actor = $actor"
    return db.cursor().execute(sql, {"actor": user.username}).fetchone()[0]


def _only(role: Role) -> User:
    """A user holding just this role (not stored: services trust the User they are given)."""
    bidang = "Bidang Uji" if role in BIDANG_ROLES else None
    return User(
        7000, f"peran.{role.value}", f"Peran {role.name.title()}", frozenset({role}), bidang
    )


# Each (role, action) pair, as the permission table allows it or not.
ALLOWED = [(role, action) for action in PERMISSIONS for role in Role if role in PERMISSIONS[action]]
REFUSED = [
    (role, action) for action in PERMISSIONS for role in Role if role not in PERMISSIONS[action]
]


@pytest.fixture(scope="module")
def refusing_db(
    world_file: tuple[Path, World], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """One copy of the world for every refused attempt: each attempt proves, by the
    fingerprint of every table, that it wrote nothing, so the next one meets the same world
    (a copy per attempt was most of this module's time)."""
    path = tmp_path_factory.mktemp("refused") / "dumas.duckdb"
    shutil.copy(world_file[0], path)
    database = connect(path)
    yield database
    database.close()


@pytest.mark.parametrize(("role", "action"), ALLOWED, ids=lambda value: value.value)
def test_each_role_the_permission_table_allows_takes_the_action_and_is_audited(
    db, world, role, action
):
    user = _only(role)
    ATTEMPTS[action](db, user, world)
    assert _audited_by(db, user) == (1 if action in WRITES else 0)


@pytest.mark.parametrize(("role", "action"), REFUSED, ids=lambda value: value.value)
def test_each_role_the_permission_table_does_not_allow_is_refused_and_nothing_is_written(
    refusing_db, world, role, action
):
    before = _everything(refusing_db)
    with pytest.raises(Forbidden):
        ATTEMPTS[action](refusing_db, _only(role), world)
    assert _everything(refusing_db) == before
