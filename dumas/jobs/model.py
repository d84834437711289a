"""A job as data: its name, its schedule rule, its run function; and one run's log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from dumas.db import Database
from dumas.domain.codes import JobOutcome
from dumas.domain.errors import Message

OK, FAILED, SKIPPED = JobOutcome.OK, JobOutcome.FAILED, JobOutcome.SKIPPED
OUTCOMES = tuple(JobOutcome)


class Rule(Protocol):
    """When a job runs: the first moment strictly after `after`, in Asia/Jakarta."""

    def next_run(self, after: dt.datetime) -> dt.datetime: ...

    def describe(self) -> Message: ...


@dataclass
class JobRun:
    """One run in progress: when it started (the scheduler's clock) and its log lines."""

    job: str
    now: dt.datetime
    lines: list[str] = field(default_factory=list)

    def log(self, line: str) -> None:
        self.lines.append(line)


@dataclass(frozen=True)
class Outcome:
    """How a run ended (ok, failed or skipped: nothing to do) and one line saying so."""

    outcome: str = OK
    message: str = ""


RunFunction = Callable[[Database, JobRun], Outcome | None]


@dataclass(frozen=True)
class Job:
    """A scheduled job; a disabled one is listed but never started."""

    name: str
    rule: Rule
    run: RunFunction
    enabled: bool = True
