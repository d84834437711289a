"""Paths and settings, read from the environment at call time."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
DEFAULT_DB = DATA_DIR / "dumas.duckdb"
TIMEZONE = ZoneInfo("Asia/Jakarta")


def db_path(cli_value: str | None = None) -> Path:
    """The database path: --db, else DUMAS_DB, else data/dumas.duckdb."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get("DUMAS_DB")
    return Path(env) if env else DEFAULT_DB


def backup_dir(cli_value: str | None = None) -> Path:
    """Where backups go: --to, else DUMAS_BACKUP_DIR, else a `backups` folder beside the
    database."""
    if cli_value:
        return Path(cli_value)
    env = os.environ.get("DUMAS_BACKUP_DIR")
    return Path(env) if env else db_path().parent / "backups"


def debug() -> bool:
    """DUMAS_DEBUG=1 (developers, the test suite): a failing page raises, so Streamlit shows
    its traceback, instead of one line with a code (dumas/ui/maintenance.run_page)."""
    return os.environ.get("DUMAS_DEBUG", "").strip().lower() in {"1", "true", "yes", "on"}


def slow_page_ms() -> float:
    """A page run longer than this (DUMAS_SLOW_PAGE_MS, default 3000; 0 logs every run) is
    logged with its duration, for the operator to see when users wait. A value that is no
    number falls back to the default: a log setting never stops the app."""
    try:
        return max(0.0, float(os.environ.get("DUMAS_SLOW_PAGE_MS", "3000")))
    except ValueError:
        return 3000.0


def log_file() -> Path:
    """The serving process's log (rotated): DUMAS_LOG_FILE, else logs/dumas.log beside the
    database."""
    env = os.environ.get("DUMAS_LOG_FILE")
    return Path(env) if env else db_path().parent / "logs" / "dumas.log"


def backup_keep() -> tuple[int, int]:
    """Backups kept: the newest of each of the last N days and M months that have one
    (DUMAS_BACKUP_KEEP_DAILY, default 14; DUMAS_BACKUP_KEEP_MONTHLY, default 12)."""
    values = []
    for name, default in (("DUMAS_BACKUP_KEEP_DAILY", "14"), ("DUMAS_BACKUP_KEEP_MONTHLY", "12")):
        text = os.environ.get(name, default).strip()
        if not text.isdigit():
            raise ValueError(f"{name} must be a whole number, not {text!r}")
        values.append(int(text))
    return values[0], values[1]


def demo_enabled() -> bool:
    """Whether an empty database is filled with demo data on first start."""
    return os.environ.get("DUMAS_DEMO", "1").strip().lower() not in {"0", "false", "no", "off"}


def demo_size() -> int:
    """Number of complaints the first-start demo generates."""
    return int(os.environ.get("DUMAS_DEMO_COMPLAINTS", "25000"))


def memory_limit() -> str:
    """DuckDB's memory cap; uncommitted bulk loads count against it (spills beyond)."""
    return os.environ.get("DUMAS_MEMORY_LIMIT", "1GB")


def db_threads() -> int | None:
    """DuckDB's worker threads (DUMAS_DB_THREADS); unset: one per core, DuckDB's default.

    The test suite sets 1: its databases are tiny, two test processes already share the
    two cores, and a second thread per query only waits.
    """
    value = os.environ.get("DUMAS_DB_THREADS", "").strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"DUMAS_DB_THREADS must be a whole number of at least 1, not {value!r}")
    return int(value)


def read_memory_mb() -> int:
    """Memory a child process reading an uploaded file may use (DUMAS_READ_MEMORY_MB)."""
    return int(os.environ.get("DUMAS_READ_MEMORY_MB", "512"))


def read_seconds() -> int:
    """Time a child process reading an uploaded file may take (DUMAS_READ_SECONDS)."""
    return int(os.environ.get("DUMAS_READ_SECONDS", "60"))


def min_ranking_sample() -> int:
    """Agencies are ranked only with at least this many letters (docs/figures.md)."""
    return int(os.environ.get("DUMAS_MIN_RANKING", "10"))


def today() -> dt.date:
    """Today in Asia/Jakarta; DUMAS_TODAY=YYYY-MM-DD pins it (tests, demos)."""
    pinned = os.environ.get("DUMAS_TODAY")
    if pinned:
        return dt.date.fromisoformat(pinned)
    return dt.datetime.now(TIMEZONE).date()


def now() -> dt.datetime:
    """Now in Asia/Jakarta; with DUMAS_TODAY pinned, that date at the current clock time."""
    current = dt.datetime.now(TIMEZONE)
    pinned = os.environ.get("DUMAS_TODAY")
    if pinned:
        return dt.datetime.combine(dt.date.fromisoformat(pinned), current.timetz())
    return current


def trusted_proxies() -> list[str]:
    """Reverse proxies (addresses or networks) whose X-Forwarded-* headers are believed.

    DUMAS_TRUSTED_PROXIES=10.0.0.5,10.1.0.0/24; empty (the default) believes no one, so the
    client address is the one the connection comes from.
    """
    items = os.environ.get("DUMAS_TRUSTED_PROXIES", "").split(",")
    return [item.strip() for item in items if item.strip()]


def secure_cookie() -> bool | None:
    """DUMAS_SECURE_COOKIE=1 always marks the cookie Secure, 0 never; unset: over HTTPS only."""
    value = os.environ.get("DUMAS_SECURE_COOKIE", "").strip().lower()
    if not value:
        return None
    return value not in {"0", "false", "no", "off"}


def ops_remote() -> bool:
    """DUMAS_OPS_REMOTE=1 lets POST /ops/command come from another machine; by default only
    from this one (loopback), whatever token it carries."""
    return os.environ.get("DUMAS_OPS_REMOTE", "").strip().lower() in {"1", "true", "yes", "on"}


def app_url() -> str:
    """Where the command line finds the running app (DUMAS_APP_URL)."""
    return os.environ.get("DUMAS_APP_URL", "").strip().rstrip("/") or "http://127.0.0.1:8501"


def ops_token() -> str | None:
    """The token the command line hands its work to the app with (DUMAS_OPS_TOKEN)."""
    return os.environ.get("DUMAS_OPS_TOKEN", "").strip() or None


def ops_token_file() -> Path | None:
    """A file holding that token (DUMAS_OPS_TOKEN_FILE), read when DUMAS_OPS_TOKEN is unset."""
    env = os.environ.get("DUMAS_OPS_TOKEN_FILE", "").strip()
    return Path(env) if env else None


def _switch(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() not in {"0", "false", "no", "off"}


def _whole(name: str, default: str, least: int = 1) -> int:
    text = os.environ.get(name, default).strip()
    if not text.isdigit() or int(text) < least:
        raise ValueError(f"{name} must be a whole number of at least {least}, not {text!r}")
    return int(text)


def _clock(name: str, default: str) -> dt.time | None:
    """A time of day HH:MM (Asia/Jakarta); `off` (or 0, empty) turns the job off."""
    text = os.environ.get(name, default).strip().lower()
    if text in {"", "0", "false", "no", "off"}:
        return None
    try:
        hours, minutes = (int(part) for part in text.replace(".", ":").split(":"))
        return dt.time(hours, minutes)
    except ValueError:
        raise ValueError(f"{name} must be a time HH:MM or off, not {text!r}") from None


def jobs_enabled() -> bool:
    """Whether the serving process runs the scheduled jobs (DUMAS_JOBS, default on)."""
    return _switch("DUMAS_JOBS", "1")


def jobs_tick_seconds() -> int:
    """How often the scheduler looks for a job that is due (DUMAS_JOBS_TICK_SECONDS, 30)."""
    return _whole("DUMAS_JOBS_TICK_SECONDS", "30")


def backup_at() -> dt.time | None:
    """The nightly backup's time (DUMAS_BACKUP_AT, default 02:00; off: no nightly backup)."""
    return _clock("DUMAS_BACKUP_AT", "02:00")


def import_drop() -> Path | None:
    """The import drop folder (DUMAS_IMPORT_DROP, default `import/` beside the database;
    off: none)."""
    env = os.environ.get("DUMAS_IMPORT_DROP")
    if env is not None and env.strip().lower() in {"0", "false", "no", "off"}:
        return None
    return Path(env) if env else db_path().parent / "import"


def import_poll_seconds() -> int:
    """How often the drop folder is looked at (DUMAS_IMPORT_POLL_SECONDS, default 60)."""
    return _whole("DUMAS_IMPORT_POLL_SECONDS", "60")


def import_settle_seconds() -> int:
    """A dropped file is left alone until unchanged for this long and between two looks
    (DUMAS_IMPORT_SETTLE_SECONDS, default 5): it may still be being copied."""
    return _whole("DUMAS_IMPORT_SETTLE_SECONDS", "5", least=0)


def import_skip_invalid() -> bool:
    """A dropped file with invalid rows: import its valid rows (DUMAS_IMPORT_SKIP_INVALID=1)
    or, by default, none of them (as `python -m dumas import` without --skip-invalid)."""
    return _switch("DUMAS_IMPORT_SKIP_INVALID", "0")


def report_at() -> dt.time | None:
    """When the draft periodic reports are written on the first working day after a month
    ends (DUMAS_REPORT_AT, default 06:00; off: never)."""
    return _clock("DUMAS_REPORT_AT", "06:00")


def report_dir() -> Path:
    """Where the scheduled draft reports go (DUMAS_REPORT_DIR, default `reports/` beside
    the database)."""
    env = os.environ.get("DUMAS_REPORT_DIR")
    return Path(env) if env else db_path().parent / "reports"


# Notices by e-mail (dumas/mail/; README "Notices by e-mail"). No setting is stored in the
# database: the password stays in the environment or in a file (systemd credentials).
TLS_MODES = ("none", "starttls", "ssl")
_TLS_PORTS = {"none": 25, "starttls": 587, "ssl": 465}


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how mail is sent; the password never shows in a repr or a log line."""

    host: str
    port: int
    tls: str  # one of TLS_MODES
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    ca_file: Path | None = None  # a CA to trust besides the system's (an internal server)
    timeout: int = 30


def smtp_host() -> str | None:
    """DUMAS_SMTP_HOST: the mail server; unset, nothing is ever sent."""
    return os.environ.get("DUMAS_SMTP_HOST", "").strip() or None


def smtp() -> SmtpSettings | None:
    """The SMTP settings, or None when DUMAS_SMTP_HOST is unset. A setting that cannot be
    used raises ValueError naming it (never showing the password)."""
    host = smtp_host()
    if host is None:
        return None
    tls = os.environ.get("DUMAS_SMTP_TLS", "starttls").strip().lower() or "starttls"
    if tls not in TLS_MODES:
        raise ValueError(f"DUMAS_SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}")
    given = os.environ.get("DUMAS_SMTP_PORT", "").strip()  # unset: by the TLS mode
    port = _whole("DUMAS_SMTP_PORT", "") if given else _TLS_PORTS[tls]
    sender = os.environ.get("DUMAS_SMTP_FROM", "").strip()
    if "@" not in sender:
        raise ValueError(f"DUMAS_SMTP_FROM must be the sender's e-mail address, not {sender!r}")
    user = os.environ.get("DUMAS_SMTP_USER", "").strip() or None
    ca_file = os.environ.get("DUMAS_SMTP_CA_FILE", "").strip()
    return SmtpSettings(host, port, tls, sender, user, _smtp_password(),
                        Path(ca_file) if ca_file else None,
                        _whole("DUMAS_SMTP_TIMEOUT", "30"))  # fmt: skip


def _smtp_password() -> str | None:
    """DUMAS_SMTP_PASSWORD, else the first line of the file DUMAS_SMTP_PASSWORD_FILE names
    (a systemd credential: /run/credentials/dumas.service/smtp-password)."""
    if password := os.environ.get("DUMAS_SMTP_PASSWORD", ""):
        return password
    named = os.environ.get("DUMAS_SMTP_PASSWORD_FILE", "").strip()
    if not named:
        return None
    try:
        text = Path(named).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        raise ValueError(f"DUMAS_SMTP_PASSWORD_FILE {named} cannot be read: {reason}") from None
    return text.splitlines()[0] if text.strip() else None


def public_url() -> str | None:
    """The app's address as its users open it (DUMAS_PUBLIC_URL), for links in e-mails;
    unset: the e-mails carry no link and say so."""
    value = os.environ.get("DUMAS_PUBLIC_URL", "").strip().rstrip("/")
    if value and not value.startswith(("http://", "https://")):
        raise ValueError(f"DUMAS_PUBLIC_URL must start with http:// or https://, not {value!r}")
    return value or None


def digest_at() -> dt.time | None:
    """When the daily digest of "Menunggu Saya" is sent on working days (DUMAS_DIGEST_AT,
    default 07:00; off: never)."""
    return _clock("DUMAS_DIGEST_AT", "07:00")


def files_dir(database: Path | None = None) -> Path:
    """Where attached files are kept (dumas/db/blobs.py): DUMAS_FILES_DIR, else a `files`
    folder beside the database (`database`, else the one DUMAS_DB names)."""
    env = os.environ.get("DUMAS_FILES_DIR", "").strip()
    if env:
        return Path(env)
    return (database if database is not None else db_path()).parent / "files"


def attachment_max_mb() -> int:
    """The largest file that may be attached, in megabytes (DUMAS_ATTACHMENT_MAX_MB, 20)."""
    return _whole("DUMAS_ATTACHMENT_MAX_MB", "20")
