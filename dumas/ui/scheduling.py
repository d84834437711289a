"""The serving process's scheduler (dumas/jobs/): started by server.py's lifespan, stopped
when the server shuts down; the page "Tugas Terjadwal" wakes it when a run is asked for."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from dumas import config
from dumas.jobs.scheduler import Scheduler
from dumas.ui.state import get_db

LOG = logging.getLogger("dumas.jobs")
_current: list[Scheduler] = []  # the one scheduler of this process, while it serves


@asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """Run the scheduled jobs while the app serves (unless DUMAS_JOBS=0)."""
    scheduler = start()
    try:
        yield None
    finally:
        if scheduler is not None:
            stop(scheduler)


def start() -> Scheduler | None:
    """Start the scheduler, if the settings want one and they can be read."""
    if not config.jobs_enabled():
        LOG.info("scheduled jobs are off (DUMAS_JOBS=0)")
        return None
    try:
        scheduler = Scheduler(get_db, tick_seconds=config.jobs_tick_seconds())
    except ValueError:  # a setting that cannot be read: said in the log, the app serves on
        LOG.exception("the scheduled jobs are not started")
        return None
    scheduler.start()
    _current.append(scheduler)
    return scheduler


def stop(scheduler: Scheduler) -> None:
    """Stop looking for jobs and let the runs under way end (a few seconds at most)."""
    scheduler.stop()
    if scheduler in _current:
        _current.remove(scheduler)


def running() -> frozenset[str]:
    """The jobs running now in this process (none without a scheduler)."""
    return _current[0].running if _current else frozenset()


def wake() -> None:
    """Have the scheduler look for due jobs now (a run was asked for)."""
    if _current:
        _current[0].wake()


def active() -> bool:
    """Whether this process runs the scheduled jobs."""
    return bool(_current)
