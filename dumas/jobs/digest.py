"""The daily digest of "Menunggu Saya" by e-mail, on working days: what
dumas.services.notices.send_digests does, with one log line per reader (never a password:
a failure's line is the server's words, scrubbed)."""

from __future__ import annotations

from dumas import i18n
from dumas.db import Database
from dumas.domain.errors import DomainError
from dumas.domain.permissions import SYSTEM
from dumas.jobs.model import FAILED, OK, SKIPPED, JobRun, Outcome
from dumas.services import notices
from dumas.services.notices import DigestOutcome

LANG = i18n.DEFAULT_LANGUAGE  # job logs are kept in one language, as the server's log


def run(db: Database, run: JobRun) -> Outcome:
    """Send today's digests; failed if any e-mail failed, skipped if none was due."""
    try:
        outcomes = notices.send_digests(db, SYSTEM, now=run.now)
    except DomainError as refused:  # SMTP unset or unusable since the job was built
        said = [
            i18n.t(m.key, LANG, **i18n.display_params(m.params, LANG)) for m in refused.messages
        ]
        return Outcome(FAILED, " ".join(said))
    for line in lines(outcomes, LANG):
        run.log(line)
    counts = tally(outcomes)
    message = i18n.t("jobs.digest.done", LANG, **counts)
    if counts["failed"]:
        return Outcome(FAILED, message)
    return Outcome(OK if counts["sent"] else SKIPPED, message)


def tally(outcomes: list[DigestOutcome]) -> dict[str, int]:
    """How many readers ended each way."""
    statuses = ("sent", "failed", "nothing", "already", "no_address")
    return {status: sum(o.status == status for o in outcomes) for status in statuses}


def lines(outcomes: list[DigestOutcome], lang: str) -> list[str]:
    """One line per reader, saying what was sent to whom, or why nothing was."""
    said = []
    for o in outcomes:
        values = {"user": o.username, "email": o.email or i18n.MISSING, "n": o.waiting,
                  "late": o.overdue, "area": o.area, "reason": o.reason or ""}  # fmt: skip
        said.append(i18n.t(f"jobs.digest.{o.status}", lang, **values))
    return said
