"""deploy/install.sh into a temporary root: an older version first, then this one over it
(an upgrade), and the app started the way the installed systemd unit says.

The older version is this repository's tracked files as a release folder (no .git), one
migration behind and with a module this version no longer has. The installations reuse the
test's own Python (`--python`), so nothing is downloaded.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from dumas.config import ROOT
from dumas.db import SCHEMA_FILE, split_migrations

pytestmark = [pytest.mark.slow, pytest.mark.server]

MIGRATIONS = [name for name, _ in split_migrations(SCHEMA_FILE.read_text(encoding="utf-8"))]
UNIT = "etc/systemd/system/dumas.service"
ENV_FILE = "etc/dumas/dumas.env"
SCHEMA = "dumas/db/schema.sql"
RETIRED = "dumas/retired.py"  # a module of the older version only
OPERATOR_LINE = "# Kantor: 30 hari cadangan harian (diubah operator)"
APP_FILES = ["server.py", "app.py", ".streamlit/config.toml", "dumas/db/schema.sql",
             "data/reference/agencies.csv", "dumas/__pycache__/config.cpython-311.pyc"]  # fmt: skip


@dataclass
class Installation:
    root: Path
    older: subprocess.CompletedProcess[str]
    upgrade: subprocess.CompletedProcess[str]
    edited_env: str


def _tracked_files() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout  # fmt: skip
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def _older_version(folder: Path) -> Path:
    """The release before the last migration (its commit, from git), with this version's
    deploy/ folder (what is under test), plus a module this version no longer has. A real
    older release, not this one with a migration cut off: its figures match its schema."""
    added = subprocess.run(
        ["git", "log", "--format=%H", "-S", f"-- migration: {MIGRATIONS[-1]}", "--",
         "dumas/db/schema.sql"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert added, f"no commit adds {MIGRATIONS[-1]}: commit it first"
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", f"{added[-1]}^"], cwd=ROOT,
                             capture_output=True, check=True).stdout  # fmt: skip
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    shutil.rmtree(folder / "deploy", ignore_errors=True)
    for name in _tracked_files():
        if name.startswith("deploy/"):
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, folder / name)
    assert f"-- migration: {MIGRATIONS[-1]}" not in (folder / SCHEMA).read_text(encoding="utf-8")
    (folder / RETIRED).write_text('"""Gone in the next version."""\n', encoding="utf-8")
    return folder


def _install(source: Path, root: Path) -> subprocess.CompletedProcess[str]:
    command = ["bash", str(source / "deploy" / "install.sh"), "--root", str(root),
               "--python", sys.executable]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def _unit(root: Path) -> dict[str, list[str]]:
    """The installed unit's settings, each key with its values in order."""
    settings: dict[str, list[str]] = {}
    for line in (root / UNIT).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def _assignments(lines: list[str]) -> dict[str, str]:
    """NAME=value lines (an env file, or Environment= values), comments left out."""
    found = {}
    for line in lines:
        line = line.strip()
        if line and not line.startswith(("#", ";")):
            name, _, value = line.partition("=")
            found[name.strip()] = value.strip().strip('"')
    return found


def _env_file(root: Path) -> dict[str, str]:
    return _assignments((root / ENV_FILE).read_text(encoding="utf-8").splitlines())


def _writable(settings: dict[str, str]) -> list[str]:
    """The folders of the database, the backups and the log, as the env file names them."""
    return [str(Path(settings["DUMAS_DB"]).parent), settings["DUMAS_BACKUP_DIR"],
            str(Path(settings["DUMAS_LOG_FILE"]).parent)]  # fmt: skip


def _under(root: Path, path: str) -> Path:
    return root / path.lstrip("/")


def _rooted(root: Path, value: str, folders: list[str]) -> str:
    """A setting naming a path inside one of the unit's writable folders, moved under root."""
    inside = any(value == f or value.startswith(f.rstrip("/") + "/") for f in folders)
    return str(_under(root, value)) if inside else value


def _service_environment(root: Path, port: int) -> dict[str, str]:
    """What systemd gives the service: a plain environment, the unit's Environment=, then
    its EnvironmentFile (which wins); its paths moved under root, only the port changed."""
    unit = _unit(root)
    folders = unit["ReadWritePaths"][0].split()
    (env_file,) = unit["EnvironmentFile"]
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "LANG": "C.UTF-8", "HOME": str(_under(root, folders[0]))}  # fmt: skip
    env |= _assignments([a for value in unit["Environment"] for a in shlex.split(value)])
    env |= _env_file_at(_under(root, env_file))
    env = {name: _rooted(root, value, folders) for name, value in env.items()}
    env["DUMAS_PORT"] = str(port)
    return env


def _env_file_at(path: Path) -> dict[str, str]:
    return _assignments(path.read_text(encoding="utf-8").splitlines())


def _exec_start(root: Path, env: dict[str, str]) -> list[str]:
    """ExecStart as systemd runs it: ${NAME} replaced from the environment."""
    (command,) = _unit(root)["ExecStart"]
    return [
        re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], word) for word in shlex.split(command)
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _health(port: int) -> dict[str, str] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ops/health", timeout=2) as reply:
            return json.loads(reply.read())
    except urllib.error.HTTPError as refused:  # 503 while the database does not answer
        return json.loads(refused.read())
    except OSError:  # not listening yet
        return None


def _files(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in folder.rglob("*")}  # fmt: skip


def _write_records(db_path: Path) -> None:
    """A complaint and a plan, written while the database has the older version's schema."""
    con = duckdb.connect(str(db_path))
    try:
        con.execute("INSERT INTO complaint (id, agenda_no, received_on) "
                    "VALUES (1, 'AG-2026-0001', DATE '2026-11-02')")  # fmt: skip
        con.execute("INSERT INTO plan (id, title, period_label, source, state, state_since, "
                    "created_by, created_at) VALUES (1, 'Rencana Pemantauan', "
                    "'Semester II 2026', 'database', 'draft', now(), 1, now())")  # fmt: skip
    finally:
        con.close()


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Installation:
    base = tmp_path_factory.mktemp("deploy")
    root = base / "root"
    older = _install(_older_version(base / "older"), root)
    _write_records(_under(root, _env_file(root)["DUMAS_DB"]))
    env_file = root / ENV_FILE
    edited = env_file.read_text(encoding="utf-8").replace(
        "DUMAS_BACKUP_KEEP_DAILY=14", f"{OPERATOR_LINE}\nDUMAS_BACKUP_KEEP_DAILY=30"
    )
    env_file.write_text(edited, encoding="utf-8")
    upgrade = _install(ROOT, root)
    return Installation(root, older, upgrade, edited)


def test_install_lays_out_the_app_the_unit_the_env_file_the_command_and_the_folders(
    installation: Installation,
) -> None:
    root = installation.root
    app = root / "opt" / "dumas"
    installed = (app / ".installed-files").read_text(encoding="utf-8").split("\n")
    assert sorted(filter(None, installed)) == sorted(_tracked_files())
    assert [name for name in APP_FILES if not (app / name).is_file()] == []
    assert (root / UNIT).is_file() and (root / "usr/local/bin/dumas").stat().st_mode & 0o111
    settings = _env_file(root)
    assert settings["DUMAS_DEMO"] == "0" and settings["DUMAS_TRUSTED_PROXIES"] == "127.0.0.1"
    assert all(_under(root, folder).is_dir() for folder in _writable(settings))
    assert _under(root, settings["DUMAS_DB"]).is_file()


def test_a_second_install_keeps_the_env_file_the_operator_edited(installation: Installation):
    env_file = installation.root / ENV_FILE
    assert env_file.read_text(encoding="utf-8") == installation.edited_env
    assert OPERATOR_LINE in installation.edited_env
    assert f"wrote {env_file}" in installation.older.stdout
    assert f"kept {env_file}" in installation.upgrade.stdout


def test_an_upgrade_removes_the_files_only_the_older_version_had(installation: Installation):
    assert f"removed {RETIRED}" in installation.upgrade.stdout
    assert not (installation.root / "opt" / "dumas" / RETIRED).exists()
    assert not list(
        (installation.root / "opt" / "dumas" / "dumas" / "__pycache__").glob("retired.*")
    )


def test_an_upgrade_migrates_the_database_and_keeps_its_records(installation: Installation):
    db_path = _under(installation.root, _env_file(installation.root)["DUMAS_DB"])
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        applied = con.execute("SELECT name FROM schema_migration ORDER BY name").fetchall()
        complaints = con.execute("SELECT agenda_no FROM complaint").fetchall()
        plans = con.execute("SELECT title, period_label, period_code FROM plan").fetchall()
    finally:
        con.close()
    assert [name for (name,) in applied] == sorted(MIGRATIONS)
    assert complaints == [("AG-2026-0001",)]
    assert plans == [("Rencana Pemantauan", "Semester II 2026", None)]


def test_the_installed_unit_is_valid_hardened_and_lets_the_service_write_only_its_folders(
    installation: Installation,
) -> None:
    root = installation.root
    unit = _unit(root)
    assert unit["ReadWritePaths"] == [" ".join(_writable(_env_file(root)))]
    assert unit["User"] == ["dumas"] and unit["WorkingDirectory"] == ["/opt/dumas"]
    assert unit["EnvironmentFile"] == ["/etc/dumas/dumas.env"]
    assert unit["Restart"] == ["on-failure"] and unit["ProtectSystem"] == ["strict"]
    assert unit["NoNewPrivileges"] == ["true"] and unit["PrivateTmp"] == ["true"]
    command = shlex.split(unit["ExecStart"][0])
    assert command[:5] == [sys.executable, "-m", "streamlit", "run", "server.py"]
    assert "--server.address=127.0.0.1" in command
    analyze = shutil.which("systemd-analyze")
    if analyze:  # systemd's own check: unknown keys and bad values are warnings on stderr
        checked = subprocess.run([analyze, "verify", "--man=no", str(root / UNIT)],
                                 capture_output=True, text=True, timeout=60)  # fmt: skip
        assert (checked.returncode, checked.stderr) == (0, "")


def test_the_app_started_as_the_unit_says_answers_healthy_with_the_latest_schema(
    installation: Installation,
) -> None:
    root = installation.root
    port = _free_port()
    env = _service_environment(root, port)
    command = _exec_start(root, env)
    cwd = _under(root, _unit(root)["WorkingDirectory"][0])
    code_before = _files(cwd)
    log_file = Path(env["DUMAS_LOG_FILE"])
    assert log_file.is_relative_to(root) and env["DUMAS_DB"].startswith(str(root))
    output = root / "service-output.txt"
    with output.open("w") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline, health = time.monotonic() + 60, None
            while time.monotonic() < deadline and proc.poll() is None:
                health = _health(port)
                if health and health["status"] == "ok":
                    break
                time.sleep(0.25)
        finally:
            proc.terminate()
            stopped = proc.wait(timeout=30)
    assert health is not None, output.read_text()
    assert (health["status"], health["schema"]) == ("ok", MIGRATIONS[-1])
    assert stopped in (0, -15)
    assert log_file.is_file()  # DUMAS_LOG_FILE of the env file, under the root
    assert _files(cwd) == code_before  # the code folder stays read-only to the service


def test_the_dumas_command_backs_up_with_the_settings_of_the_env_file(
    installation: Installation, tmp_path: Path
) -> None:
    root = installation.root
    settings = _service_environment(root, _free_port())
    env_file = tmp_path / "dumas.env"  # the installed settings, their paths under the root
    env_file.write_text(
        "".join(f"{k}={v}\n" for k, v in settings.items() if k.startswith("DUMAS_"))
    )
    me = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    env = {"PATH": settings["PATH"], "LANG": "C.UTF-8", "DUMAS_ENV_FILE": str(env_file),
           "DUMAS_APP": str(root / "opt" / "dumas"), "DUMAS_USER": me}  # fmt: skip
    done = subprocess.run([str(root / "usr/local/bin/dumas"), "backup"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    (backup,) = Path(settings["DUMAS_BACKUP_DIR"]).glob("dumas-*.duckdb")
    manifest = json.loads(Path(f"{backup}.json").read_text(encoding="utf-8"))
    assert str(backup) in done.stdout and manifest["counts"]["complaint"] == 1


def test_installing_the_same_version_again_keeps_the_files_the_unit_and_the_env_file(
    installation: Installation,
) -> None:
    root = installation.root
    app = root / "opt" / "dumas"
    before = [(app / ".installed-files").read_text(encoding="utf-8"), (root / UNIT).read_text()]
    again = _install(ROOT, root)
    assert "removed" not in again.stdout and "made the folder" not in again.stdout
    assert [
        (app / ".installed-files").read_text(encoding="utf-8"),
        (root / UNIT).read_text(),
    ] == before
    assert (root / ENV_FILE).read_text(encoding="utf-8") == installation.edited_env


def test_the_env_example_names_every_setting_the_code_reads() -> None:
    read = {
        name
        for path in (ROOT / "dumas").rglob("*.py")
        for name in re.findall(r"""["'](DUMAS_[A-Z_]+)["']""", path.read_text(encoding="utf-8"))
    }
    example = (ROOT / "deploy" / "dumas.env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#?(DUMAS_[A-Z_]+)=", example, re.MULTILINE))
    assert len(read) > 15 and sorted(read - named) == []


def test_the_nginx_site_forwards_what_the_app_believes_from_a_trusted_proxy() -> None:
    site = (ROOT / "deploy" / "nginx-dumas.conf").read_text(encoding="utf-8")
    example = (ROOT / "deploy" / "dumas.env.example").read_text(encoding="utf-8")
    port = re.search(r"^DUMAS_PORT=(\d+)$", example, re.MULTILINE)
    assert port and f"proxy_pass http://127.0.0.1:{port.group(1)};" in site
    assert re.search(r"location = /ops/command \{\s*return 404;", site)  # this machine only
    assert re.search(r"^DUMAS_TRUSTED_PROXIES=127\.0\.0\.1$", example, re.MULTILINE)
    for line in ("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
                 "proxy_set_header X-Forwarded-Proto $scheme;",
                 "proxy_set_header Upgrade $http_upgrade;",
                 "location /_stcore/stream {", "Strict-Transport-Security"):  # fmt: skip
        assert line in site, line
