"""Fixtures: a fresh real DuckDB file per test, factories, and a pinned today."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import os
import pickle
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar
from unittest.mock import NonCallableMock

import duckdb
import pytest
from streamlit import runtime
from streamlit.components.v2 import manifest_scanner
from streamlit.runtime import context as st_context
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest, local_script_runner
from streamlit.util import calc_hash

from dumas import config, services
from dumas.db import Database, connect
from dumas.domain.permissions import BIDANG_ROLES, Role, User
from dumas.services import auth, users
from dumas.ui import navigation
from dumas.ui.apptest import start_runs_at_app

T = TypeVar("T")
TODAY = dt.date(2026, 11, 27)  # a Friday; every test travels to it
ANALYST = User(
    id=9001, username="analis.uji", full_name="Analis Uji", roles=frozenset({Role.ANALIS})
)
ADMIN = User(id=9002, username="admin.uji", full_name="Admin Uji", roles=frozenset({Role.ADMIN}))

# One DuckDB thread per query (config.db_threads): the test databases are tiny and the two
# test processes already share the two cores; set before any test opens a database, so the
# command-line children and the browser tests' servers inherit it.
os.environ.setdefault("DUMAS_DB_THREADS", "1")
os.environ.setdefault("DUMAS_DEBUG", "1")  # a failing page raises: at.exception sees it
# The browser tests' servers run no scheduled job (a backup, a drop folder, reports); the
# test of the jobs in a running server switches them on for itself (tests/test_jobs_serving.py).
os.environ.setdefault("DUMAS_JOBS", "0")


# Every AppTest starts a Streamlit runtime, and every start scans the metadata of each
# installed distribution for components (7% of the page tests' time, measured with
# py-spy). The installed set cannot change during a run: the scan is made once.
manifest_scanner.scan_component_manifests = functools.cache(
    manifest_scanner.scan_component_manifests
)

# Every AppTest run starts with a new ScriptCache, so app.py and the page were parsed
# (Streamlit's "magic" rewrite: ast.parse) and compiled on every run, about 2% of the
# suite. A script's bytecode is the same while its file is: keyed by path, mtime, size.
_compiled: dict[tuple[str, int, int], object] = {}
_compile = ScriptCache.get_bytecode


def _bytecode(self: ScriptCache, script_path: str) -> object:
    found = os.stat(script_path)
    key = (os.path.abspath(script_path), found.st_mtime_ns, found.st_size)
    if key not in _compiled:
        _compiled[key] = _compile(self, script_path)
    return _compiled[key]


ScriptCache.get_bytecode = _bytecode  # type: ignore[method-assign]

# AppTest waits for a run by polling every millisecond (local_script_runner.require_widgets_
# deltas): a thread waking a thousand times a second, taking the GIL from the script it
# waits for. Joining the script thread waits for the same end (SHUTDOWN is sent before the
# thread returns) without waking.


def _wait_for_run(runner: local_script_runner.LocalScriptRunner, timeout: float = 3) -> None:
    thread = runner._script_thread
    if thread is not None:
        thread.join(timeout)
    if not runner.script_stopped():
        runner.request_stop()
        runner.join()
        raise RuntimeError(f"AppTest script run timed out after {timeout}(s)")


local_script_runner.require_widgets_deltas = _wait_for_run

# Every AppTest run starts at app.py, as a browser's does (dumas/ui/apptest.py).
start_runs_at_app()

# AppTest's runtime is a MagicMock, so st.context.cookies (read on every run by
# ui/auth_gate.session_token) was a tree of mocks made afresh on each access: 2% of the
# suite's CPU. An AppTest session has no browser and sends no cookie: it gets no context,
# as a session without a client does (the token comes from its session state).
_client_context = st_context._get_client_context


def _browserless_context() -> object:
    if isinstance(runtime.get_instance(), NonCallableMock):  # AppTest's
        return None
    return _client_context()


st_context._get_client_context = _browserless_context

PASSWORD = "sandi-uji-2026"  # every account of the template database

# Passwords in tests are hashed by the same scrypt, salt and format at 1 MiB (n=2**10)
# instead of the app's 16 MiB (2**14, about 50 ms a hash on purpose): account and sign-in
# tests spent a twentieth of the suite's CPU in scrypt. A test about the cost itself (the
# stored format, refusals taking the same time) asks for `production_scrypt`.
PRODUCTION_SCRYPT_N = auth._SCRYPT["n"]


def scrypt_cost(n: int) -> None:
    """Hash new passwords, and check unknown names, at cost n."""
    auth._SCRYPT["n"] = n
    auth._DUMMY_HASH = auth._dummy_hash()


scrypt_cost(2**10)


@pytest.fixture
def production_scrypt(db_path: Path) -> Iterator[None]:
    """The app's own scrypt cost for this test, every account of its database re-hashed
    at that cost."""
    scrypt_cost(PRODUCTION_SCRYPT_N)
    database = connect(db_path)
    try:
        with database.transaction() as cur:
            for (uid,) in cur.execute("SELECT id FROM app_user").fetchall():
                cur.execute(
                    "UPDATE app_user SET password_hash = $h WHERE id = $id",
                    {"h": auth.hash_password(PASSWORD), "id": uid},
                )
    finally:
        database.close()
    yield
    scrypt_cost(2**10)


def username(role: Role) -> str:
    """The template database's account holding just this role."""
    return f"{role.value}.uji"


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database with its reference data and nothing else (no account): what the
    app makes on a first start. Migrating takes about a second; a copy, milliseconds."""
    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    connect(path).close()  # closed with a checkpoint: the file alone holds it all
    return path


@pytest.fixture
def empty_db_path(empty_template: Path, tmp_path: Path) -> Path:
    """A copy of empty_template for this test only, beside its db_path."""
    path = tmp_path / "kosong.duckdb"
    shutil.copy(empty_template, path)
    return path


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, empty_template: Path) -> Path:
    """A migrated database with reference data, one account per role, no complaints."""
    path = tmp_path_factory.mktemp("template") / "template.duckdb"
    shutil.copy(empty_template, path)
    db = connect(path)
    admin_id = users.create_first_admin(
        db, username=username(Role.ADMIN), full_name="Admin Uji", password=PASSWORD
    )
    admin = auth.load_user(db.cursor(), admin_id)
    for role in Role:
        if role is not Role.ADMIN:
            bidang = "Bidang Uji" if role in BIDANG_ROLES else None
            users.create_user(
                db, admin, username=username(role), full_name=f"{role.name.title()} Uji",
                password=PASSWORD, roles=[role.value], bidang=bidang,
            )  # fmt: skip
    db.close()
    return path


# The databases app_reading holds open, by path (the value of DUMAS_DB).
_held: dict[str, Database] = {}


def signed_in_app(
    role: Role | str = Role.ANALIS, *, through_sign_in: bool = False, **query: object
) -> AppTest:
    """An AppTest of app.py signed in as the role's account (or the account so named).

    The session is opened directly (auth.new_session, as a sign-in opens it) unless
    through_sign_in asks for the real sign-in: its scrypt is slow on purpose, and the
    tests of the sign-in itself (test_auth, test_auth_routes) go through it anyway.
    """
    name = username(role) if isinstance(role, Role) else role
    path = os.environ["DUMAS_DB"]
    held = _held.get(path)
    db = held or connect(path)
    now = dt.datetime.now(config.TIMEZONE)
    try:
        if through_sign_in:
            _, token = auth.sign_in(db, name, PASSWORD, now)
        else:
            with db.transaction() as cur:
                uid = cur.execute(
                    "SELECT id FROM app_user WHERE username = $u", {"u": name}
                ).fetchall()[0][0]
                token = auth.new_session(cur, uid, now, "")
    finally:
        if held is None:
            db.close()
    at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=60)
    at.session_state["session_token"] = token
    for key, value in query.items():
        at.query_params[key] = value
    return at


def open_page(
    role: Role | str, page: str, *, through_sign_in: bool = False, **query: object
) -> AppTest:
    """signed_in_app, run once, straight on the page (a pages/*.py path of the menu).

    AppTest.switch_page needs a first run (on the default page, the dashboard) to learn
    the pages st.navigation registers; a browser opening /rencana runs only that page.
    So the first run asks for the page's own script hash, the one st.navigation gives an
    st.Page (the hash of its url_path), and the function checks the page it landed on.
    """
    spec = next(spec for spec in navigation.PAGES if spec.path == page)
    at = signed_in_app(role, through_sign_in=through_sign_in, **query)
    if spec.url_path is None:  # the default page
        return at.run()
    if spec.url_path == Path(page).stem:
        # Before the first run AppTest would take this hash for the file in pages/ and run
        # it alone, without app.py (Streamlit's older pages/ folder mode): go the long way.
        at.run()
        return at.switch_page(page).run()
    wanted = calc_hash(spec.url_path)
    at._page_hash = wanted  # what switch_page sets, before the first run
    at.run()
    landed = at._finished_page_script_hash
    assert landed == wanted, f"{role} did not land on {page}"
    return at


def built_once(
    factory: pytest.TempPathFactory, name: str, build: Callable[[Path], T]
) -> tuple[Path, T]:
    """A database that build(path) fills (and closes), made once per run: this worker's
    own copy of it, and what build returned.

    Under pytest-xdist both workers may need the same module-scoped world (worksteal
    splits a module between them); the first builds it in the run's shared folder under
    a lock and the other copies it. Alone, the world is built where it is used.
    """
    mine = factory.mktemp(name) / "dumas.duckdb"
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return mine, build(mine)
    shared = factory.getbasetemp().parent / f"shared-{name}"  # this run's, both workers'
    shared.mkdir(exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        made = shared / "built.pickle"
        if not made.exists():
            made.write_bytes(pickle.dumps(build(shared / "dumas.duckdb")))
        value = pickle.loads(made.read_bytes())
        shutil.copy(shared / "dumas.duckdb", mine)
    return mine, value


def built_on_template(
    factory: pytest.TempPathFactory, name: str, template: Path, fill: Callable[[Database, Path], T]
) -> tuple[Path, T]:
    """built_once for a world that `fill` writes into a copy of the template database (open
    while it fills, closed after)."""

    def build(path: Path) -> T:
        shutil.copy(template, path)
        db = connect(path)
        try:
            return fill(db, path)
        finally:
            db.close()

    return built_once(factory, name, build)


PREBUILT = "_prebuilt"


def started_from(request: pytest.FixtureRequest) -> object:
    """What the builder of the prebuilt world this test starts from returned."""
    [world] = [name for name in request.fixturenames if name.endswith(PREBUILT)]
    return request.getfixturevalue(world)[1]


def prebuilt(name: str, fill: Callable[[Database], T]) -> object:
    """A module fixture, to be named `<something>_prebuilt`, of the world `fill` writes
    (through the services, into a copy of the template) once per run; its tests start from
    a copy of it (db_path) and the fixture's value is (file, what fill returned)."""

    @pytest.fixture(scope="module")
    def world(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, T]:
        return built_on_template(tmp_path_factory, name, template_db, lambda db, _: fill(db))

    return world


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A copy of the template for this test only; or, when the test uses a fixture named
    `*_prebuilt` (directly or through another fixture), a copy of that world.

    A `*_prebuilt` fixture is module-scoped and returns what `built_on_template` returns:
    the world's file, written once per run, and what its builder returned (the ids). Its
    test gets the world by a file copy instead of writing it through the services again
    (a few letters and a plan: 100-300 ms of writes, against 2 ms to copy).
    """
    worlds = [name for name in request.fixturenames if name.endswith(PREBUILT)]
    assert len(worlds) <= 1, f"a test starts from one world, not {worlds}"
    source = request.getfixturevalue(worlds[0])[0] if worlds else template_db
    path = tmp_path / "dumas.duckdb"
    shutil.copy(source, path)
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = connect(db_path)
    yield database
    close_copy(database)


def close_copy(database: Database) -> None:
    """Close a test's own copy, deleted with the test: closing need not fold the WAL into
    it (a checkpoint takes twice as long as the close itself)."""
    with contextlib.suppress(duckdb.ConnectionException):  # a test may have closed it
        database.con.execute("PRAGMA disable_checkpoint_on_shutdown")
    database.close()


class Factory:
    """Builds complaints, letters and responses through the real services."""

    def __init__(self, db: Database) -> None:
        self.db = db
        # Numbers (agenda, letter) past those a prebuilt world's factory gave: each call
        # writes one row of these tables (none in the template).
        self._n = (
            db.cursor()
            .execute(
                "SELECT (SELECT count(*) FROM complaint) + (SELECT count(*) FROM forwarding)"
                " + (SELECT count(*) FROM response)"
            )
            .fetchall()[0][0]
        )

    def agency(self, name: str) -> int:
        return (
            self.db.cursor()
            .execute("SELECT id FROM agency WHERE name = $n", {"n": name})
            .fetchone()[0]
        )

    def complaint(self, received_on: dt.date = dt.date(2026, 1, 5), **fields: object) -> int:
        self._n += 1
        values = {
            "agenda_no": f"UJI-{self._n:04d}",
            "received_on": received_on,
            "channel": "surat",
            "complainant_name": "Siti Aminah",
            "complainant_contact": "0812-0000-0000",
            "province_code": "31",
            "category_code": "pertanahan",
            "problem_code": "03",
            "summary": "Sengketa tanah",
        }
        values.update(fields)
        return services.create_complaint(self.db, ANALYST, today=TODAY, **values)

    def forward(self, complaint_id: int, agency_id: int, letter_date: dt.date) -> int:
        self._n += 1
        return services.record_forwarding(
            self.db,
            ANALYST,
            complaint_id=complaint_id,
            agency_id=agency_id,
            letter_no=f"B-{self._n}/D-4/DM.04.00/{letter_date:%m/%Y}",
            letter_date=letter_date,
            today=TODAY,
        )

    def respond(
        self, complaint_id: int, agency_id: int, on: dt.date, status: str = "selesai"
    ) -> int:
        self._n += 1
        return services.record_response(
            self.db,
            ANALYST,
            complaint_id=complaint_id,
            agency_id=agency_id,
            response=services.ResponseInput(
                letter_no=f"T-{self._n}", response_date=on, status=status, summary=None
            ),
            today=TODAY,
        )


@contextlib.contextmanager
def app_reading(path: Path, patch: pytest.MonkeyPatch) -> Iterator[None]:
    """For AppTest: point the app at this database, pin today, empty the caches."""
    import streamlit as st

    patch.setenv("DUMAS_DB", str(path))
    patch.setenv("DUMAS_DEMO", "0")
    patch.setenv("DUMAS_TODAY", TODAY.isoformat())
    st.cache_resource.clear()
    st.cache_data.clear()
    # Held open while the app reads it: the sign-ins of signed_in_app and the app's own
    # connection then share one DuckDB instance (DuckDB keeps one per file and process)
    # instead of each starting and shutting down its own (about 20 ms of CPU apiece).
    _held[str(path)] = connect(path)
    try:
        yield
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
        close_copy(_held.pop(str(path)))


@pytest.fixture
def app_env(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """For AppTest: the app reads this test's database (app_reading)."""
    with app_reading(db_path, monkeypatch):
        yield


@pytest.fixture
def make(db: Database) -> Factory:
    return Factory(db)


@pytest.fixture
def kemendagri(make: Factory) -> int:
    return make.agency("Kementerian Dalam Negeri")


@pytest.fixture
def bpn(make: Factory) -> int:
    return make.agency("Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional")


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    """The data callables of the download buttons a page draws from now on, by file name
    (st.download_button(data=callable) builds the file only when clicked)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    registered: dict[str, Callable[[], bytes]] = {}
    original = MediaFileManager.add_deferred

    def spy(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        registered[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", spy)
    return registered


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, launched once for all browser tests."""
    from tests.browser_support import chromium

    with chromium() as instance:
        yield instance


MIMALLOC = "libmimalloc"  # in the file name the Makefile preloads (MIMALLOC there)


def pytest_configure(config: pytest.Config) -> None:
    """make test and make test-fast preload mimalloc into the test processes (Makefile
    MIMALLOC). The processes the tests start (the app's server, the CLI, the import's
    reader, Chromium, LibreOffice) run as they do when served, on the system's allocator:
    a process that runs tests takes it out of the environment its children inherit. The
    xdist controller keeps it for the workers it is about to start."""
    if os.environ.get("PYTEST_XDIST_WORKER") or not config.getoption("numprocesses", None):
        kept = [lib for lib in os.environ.get("LD_PRELOAD", "").split() if MIMALLOC not in lib]
        if kept:
            os.environ["LD_PRELOAD"] = " ".join(kept)
        else:
            os.environ.pop("LD_PRELOAD", None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slowest first: the browser files (30-40 s a test, a server each), then the
    render files (LibreOffice), then those that start a server process (`server`), then
    the single tests that take seconds (marked `slow`:
    the type check, the benchmark, the 100,000-row parse), then the rest. The workers take
    tests (or, under `--dist loadfile`, files) in this order, so the long ones start at
    once and the short ones fill the gaps, instead of one worker finishing a long test
    alone at the end of the run."""

    def weight(item: pytest.Item) -> int:
        for rank, marker in enumerate(("browser", "render", "server", "slow")):
            if item.get_closest_marker(marker):
                return rank
        return 4

    items.sort(key=weight)  # stable: each file keeps its own order
