"""A throw-away PostgreSQL server for the "past one process" prototype (issue 18).

No Python driver: the server is made with `initdb` and `pg_ctl` in a temporary folder,
listens on a unix socket there only, and is spoken to with `psql` in subprocesses. The
dashboard's tables are copied into it from DuckDB as CSV, and the app's own SQL for a
figure is translated by `translate` (see past_one_process.sql for the figures).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

SQL_FILE = Path(__file__).with_name("past_one_process.sql")
PORT = 5432  # on a unix socket in a private folder: no clash with another server
SETTINGS = {  # a modest production-like server; durability off only to load faster
    "listen_addresses": "''",
    "shared_buffers": "'512MB'",
    "work_mem": "'64MB'",
    "max_parallel_workers_per_gather": "2",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
}
_STEP = re.compile(r"^-- step: (\w+).*$", re.MULTILINE)
_PARAM = re.compile(r"\$([a-z_]+)\b")
_FILTER = re.compile(r"\bFILTER \((?!WHERE\b)")
_MEDIAN = re.compile(r"\bmedian\(([\w.]+)\)")
_TIME = re.compile(r"^Time: ([\d.]+) ms", re.MULTILINE)


class PostgresMissing(RuntimeError):
    """PostgreSQL's server programs (initdb, pg_ctl) or psql are not installed."""


def find_bin() -> Path:
    """The folder holding initdb, pg_ctl and psql: on PATH, else Debian's
    /usr/lib/postgresql/NN/bin (the newest), where the `postgresql` package puts them."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for folder in [*candidates, *reversed(debian)]:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "psql")):
            return folder
    raise PostgresMissing(
        "PostgreSQL is not installed (no initdb, pg_ctl and psql on PATH or under "
        "/usr/lib/postgresql/NN/bin): run `make system-packages` as root, or "
        "`sudo apt-get install postgresql`."
    )


@dataclass
class Server:
    """A running server; `psql` runs SQL in one session and returns its output."""

    bin: Path
    socket_dir: Path

    def psql(self, sql: str, *, csv_out: bool = False) -> str:
        where = ["-h", str(self.socket_dir), "-p", str(PORT), "-U", "dumas", "-d", "postgres"]
        command = [str(self.bin / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", *where]
        if csv_out:
            command.append("--csv")
        done = subprocess.run(  # noqa: S603 - PostgreSQL's psql, our own SQL
            command, input=sql, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise RuntimeError(f"psql failed ({done.returncode}): {done.stderr.strip()}")
        return done.stdout

    def rows(self, sql: str) -> list[dict[str, str]]:
        """The rows of one query, as text (NULL as '')."""
        return list(csv.DictReader(io.StringIO(self.psql(sql, csv_out=True))))

    def timed_ms(self, statements: list[str]) -> float:
        """Milliseconds of one run of the statements, as psql's \\timing reports them (the
        server's work and the round trips, not psql's start)."""
        script = ["\\o /dev/null", "\\timing on", *statements]
        return sum(float(ms) for ms in _TIME.findall(self.psql("\n".join(script))))


def _owner() -> tuple[int, int] | None:
    """PostgreSQL refuses to run as root: then its programs run as the `postgres` user
    (made by Debian's package), else as `nobody`; None when not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        return entry.pw_uid, entry.pw_gid
    raise PostgresMissing("running as root and no `postgres` or `nobody` user to run as")


@contextmanager
def server() -> Iterator[Server]:
    """A fresh server in a temporary folder, stopped and removed when the block ends."""
    folder = find_bin()
    owner = _owner()
    user, group = owner if owner else (None, None)
    home = Path(tempfile.mkdtemp(prefix="dumas-pg-"))
    data, log = home / "data", home / "server.log"
    if owner:
        os.chown(home, *owner)

    def run(*args: str) -> None:
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own programs
            [str(folder / args[0]), *args[1:]], cwd=home, user=user, group=group,
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode:
            detail = log.read_text(errors="replace") if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip()} {detail[-2000:]}")

    try:  # --no-locale: text sorts by byte, as in DuckDB
        run("initdb", "-D", str(data), "-U", "dumas", "--auth=trust", "--no-locale",
            "--encoding=UTF8", "--no-sync")  # fmt: skip
        settings = {**SETTINGS, "unix_socket_directories": f"'{home}'", "port": str(PORT)}
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        run("pg_ctl", "-D", str(data), "-l", str(log), "-w", "-t", "60", "start")
        try:
            yield Server(folder, home)
        finally:
            run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _steps() -> dict[str, str]:
    parts = _STEP.split(SQL_FILE.read_text(encoding="utf-8"))
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


# What DuckDB exports for each PostgreSQL table: the struct list `responses` becomes two
# arrays, and lists are written as PostgreSQL array literals.
_EXPORTS = {
    "calendar_day": "SELECT d, wd_index FROM calendar_day",
    "province": "SELECT code, name FROM province",
    "category": "SELECT code, name FROM category",
    "agency": "SELECT id, name, category_code FROM agency",
    "complaint": "SELECT id, summary FROM complaint",
    "letter_fact": """
        SELECT forwarding_id, complaint_id, agency_id, letter_no, letter_date, letter_wd,
               agenda_no, received_on, channel, province_code, category_code, problem_code,
               first_response_on, first_response_wd,
               '{' || array_to_string([r.d FOR r IN responses], ',') || '}',
               '{' || array_to_string(['"' || r.status || '"' FOR r IN responses], ',') || '}',
               '{' || array_to_string(reminder_dates, ',') || '}',
               complaint_letters
          FROM letter_fact
    """,
}


def load(cur: duckdb.DuckDBPyConnection, pg: Server, folder: Path) -> None:
    """Copy the dashboard's tables from DuckDB into the server, then key and analyse them."""
    steps = _steps()
    pg.psql(steps["schema"])
    copies = []
    for table, select in _EXPORTS.items():
        path = folder / f"{table}.csv"
        cur.execute(f"COPY ({select}) TO {literal(str(path))} (FORMAT csv, HEADER false)")
        copies.append(f"\\copy {table} FROM {literal(str(path))} WITH (FORMAT csv)")
    pg.psql("\n".join(copies))
    pg.psql(steps["keys"] + "\nVACUUM ANALYZE;")
    pg.psql(steps["figures"])


def literal(value: object) -> str:
    """A parameter's value as a PostgreSQL literal (values of the app's own filters)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, list | tuple):
        items = [literal(v) for v in value]
        return f"ARRAY[{', '.join(items)}]" if items else "ARRAY[]::text[]"
    raise TypeError(f"no PostgreSQL literal for {type(value).__name__}")


def translate(sql: str, params: Mapping[str, object]) -> str:
    """The app's DuckDB SQL for a dashboard figure as PostgreSQL runs it; the only changes:
    `$name` parameters become literals (a driver would bind them), `FILTER (cond)` becomes
    `FILTER (WHERE cond)`, and `median(x)` becomes `percentile_cont(0.5) WITHIN GROUP
    (ORDER BY x)`. Everything else, letter_facts(as_of) included, is the same text."""
    sql = _PARAM.sub(lambda m: literal(params[m.group(1)]), sql)
    sql = _FILTER.sub("FILTER (WHERE ", sql)
    return _MEDIAN.sub(r"percentile_cont(0.5) WITHIN GROUP (ORDER BY \1)", sql).strip() + ";"
