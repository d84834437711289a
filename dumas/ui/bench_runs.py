"""The page part of `python -m dumas bench` (it drives Streamlit, so it lives in ui/): reruns
of Tindak Lanjut and of Laporan Berkala through AppTest."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.testing.v1 import AppTest

from dumas import config
from dumas.db import Database, connect
from dumas.services import auth
from dumas.services.users import DEMO_PASSWORD
from dumas.ui.apptest import start_runs_at_app

# Reruns start at app.py, with its sign-in check and sidebar, as a browser's do.
start_runs_at_app()


def _analyst_token(path: Path) -> str:
    """A real session of the demo analyst account (the page needs a signed-in user)."""
    db = connect(path)
    try:
        _, token = auth.sign_in(db, "analis", DEMO_PASSWORD, dt.datetime.now(config.TIMEZONE))
    finally:
        db.close()
    return token


def page_rerun_ms(path: Path, repeat: int) -> tuple[float, float]:
    """Cold (cache cleared) and warm reruns of the Tindak Lanjut page through AppTest."""
    os.environ["DUMAS_DB"] = str(path)
    app = str(config.ROOT / "app.py")
    token = _analyst_token(path)
    cold, warm = [], []
    for _ in range(repeat):
        st.cache_data.clear()
        at = AppTest.from_file(app, default_timeout=120)
        at.session_state["session_token"] = token
        start = time.perf_counter()
        at.run()
        cold.append((time.perf_counter() - start) * 1000)
        if at.exception or not at.metric:  # the dashboard itself, not the sign-in page
            raise RuntimeError(f"the page did not render: {at.exception}")
        start = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - start) * 1000)
    return statistics.median(cold), statistics.median(warm)


def close_app_database(path: Path) -> None:
    """Close the database the pages held open (ui.state's st.cache_resource): the
    benchmark's next steps open the file themselves, or start a server process on it."""
    from dumas.ui.state import _database

    held = _database(str(path))
    _database.clear()
    held.close()


def report_page_ms(path: Path, period: str, repeat: int) -> tuple[float, float]:
    """Cold (cache cleared) and warm runs of Laporan Berkala on a period: every table and
    chart of the report, drawn as the Asdep sees them."""
    os.environ["DUMAS_DB"] = str(path)
    db = connect(path)
    try:
        _, token = auth.sign_in(db, "asdep", DEMO_PASSWORD, dt.datetime.now(config.TIMEZONE))
    finally:
        db.close()
    cold, warm = [], []
    for _ in range(repeat):
        at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=120)
        at.session_state["session_token"] = token
        at.query_params["report"] = period
        at.run()
        st.cache_data.clear()
        start = time.perf_counter()
        at.switch_page("pages/reports.py").run()
        cold.append((time.perf_counter() - start) * 1000)
        if at.exception or len(at.dataframe) < 10:
            raise RuntimeError(f"the report page did not render: {at.exception}")
        start = time.perf_counter()
        at.run()
        warm.append((time.perf_counter() - start) * 1000)
    return statistics.median(cold), statistics.median(warm)


def frame_ms(path: Path, role: str | None = "analis", repeat: int = 3) -> dict[str, float]:
    """When a page's parts leave the server, in ms from the start of the script run (after
    AppTest's own set-up) with the caches cleared, medians: the first element, the title,
    the view switch, the first KPI card, and the end of the run. role None is the sign-in
    page; a role is its demo account, on the page it opens on."""
    from streamlit.runtime.forward_msg_queue import ForwardMsgQueue
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    os.environ["DUMAS_DB"] = str(path)
    token = None
    if role is not None:
        db = connect(path)
        try:
            _, token = auth.sign_in(db, role, DEMO_PASSWORD, dt.datetime.now(config.TIMEZONE))
        finally:
            db.close()
    original, run_script = ForwardMsgQueue.enqueue, ScriptRunner._run_script
    sent: list[tuple[float, str]] = []

    def started(runner: ScriptRunner, *args: Any, **kwargs: Any) -> None:
        sent.append((time.perf_counter(), "start"))
        try:
            run_script(runner, *args, **kwargs)
        finally:
            sent.append((time.perf_counter(), "end"))

    def spy(queue: ForwardMsgQueue, msg: Any) -> None:
        kind = msg.WhichOneof("type")
        if kind == "delta":
            element = msg.delta.new_element
            kind = f"delta:{element.WhichOneof('type') or ''}"
            if kind == "delta:button_group":  # a segmented control: which one, by its key
                kind += ":" + element.button_group.id.rsplit("-", 1)[-1]
        sent.append((time.perf_counter(), kind))
        original(queue, msg)

    times: dict[str, list[float]] = {name: [] for name in _MILESTONES}
    ForwardMsgQueue.enqueue = spy  # type: ignore[method-assign,assignment]
    ScriptRunner._run_script = started  # type: ignore[method-assign,assignment]
    try:
        for _ in range(repeat):
            st.cache_data.clear()
            sent.clear()
            at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=120)
            if token:
                at.session_state["session_token"] = token
            at.run()
            if at.exception:
                raise RuntimeError(f"the page did not render: {at.exception}")
            start = next(s for s, k in sent if k == "start")
            for name, prefix in _MILESTONES.items():
                at_ms = [(s - start) * 1000 for s, k in sent if k.startswith(prefix)]
                times[name].append(at_ms[0] if at_ms else float("nan"))
    finally:
        ForwardMsgQueue.enqueue = original  # type: ignore[method-assign]
        ScriptRunner._run_script = run_script  # type: ignore[method-assign]
    return {name: statistics.median(values) for name, values in times.items()}


# The first message of each kind that marks a milestone (a prefix of "delta:<element>").
_MILESTONES = {
    "first": "delta:",
    "title": "delta:heading",
    "view switch": "delta:button_group:view",
    "metric": "delta:metric",
    "full": "end",
}


@contextmanager
def _runtime_shared() -> Iterator[None]:
    """AppTest sets the process-wide Runtime._instance to a mock of its own for each run and
    back to None at its end: with sessions running at once, the first to finish took the
    Runtime from those still running ("Runtime hasn't been created!"). For the round, a
    run that finds none takes the last one set (a real server has one Runtime throughout)."""
    from streamlit.runtime import Runtime

    last: list[Runtime] = []
    instance, exists = Runtime.__dict__["instance"], Runtime.__dict__["exists"]

    def shared(cls: type[Runtime]) -> Runtime:
        if cls._instance is not None:
            last[:] = [cls._instance]
            return cls._instance
        if last:
            return last[0]
        raise RuntimeError("Runtime hasn't been created!")

    def found(cls: type[Runtime]) -> bool:
        return cls._instance is not None or bool(last)

    Runtime.instance = classmethod(shared)  # type: ignore[method-assign,assignment]
    Runtime.exists = classmethod(found)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Runtime.instance, Runtime.exists = instance, exists  # type: ignore[method-assign]


def _held(lock: Any) -> bool:
    """Whether another thread holds the lock now."""
    if lock.acquire(blocking=False):
        lock.release()
        return False
    return True


@dataclass
class Together:
    """Page runs of sessions acting at once: seconds (median, p95, max); the longest wait
    of a page run for the write lock (ms); how long the work beside them took (s)."""

    median: float
    p95: float
    most: float
    lock_wait_ms: float
    beside_s: float = 0.0


def concurrent_filter_s(
    path: Path, sessions: int, beside: Callable[[Database], object] | None = None
) -> Together:
    """`sessions` signed-in sessions of Tindak Lanjut, each choosing a different province at
    the same moment (no cache can help), measured in the process that runs them (as the
    server does: one process, its threads). `beside`: a write on the app's own database (an
    import); the sessions act once it holds the write lock, each due to record its last
    activity, so that every page run meets the lock the import holds.
    """
    import threading

    from dumas.ui.state import _database

    os.environ["DUMAS_DB"] = str(path)
    token = _analyst_token(path)
    db = connect(path)
    try:
        provinces = [str(r[0]) for r in db.cursor().execute(
            "SELECT code FROM province ORDER BY code").fetchall()]  # fmt: skip
    finally:
        db.close()
    apps = []
    for _ in range(sessions):
        at = AppTest.from_file(str(config.ROOT / "app.py"), default_timeout=600)
        at.session_state["session_token"] = token
        apps.append(at.run())
    app_db = _database(str(path))  # the one the pages read (st.cache_resource)
    if beside is not None:  # last activity a minute ago: every run tries to record it
        with app_db.transaction() as cur:
            cur.execute("UPDATE user_session SET last_seen = last_seen - INTERVAL 2 MINUTE")
    waits = app_db.bookkeeping_waits
    waited = (waits.count, waits.longest)
    waits.longest = 0.0
    times = [0.0] * sessions
    go = threading.Event()
    failures: list[str] = []
    beside_s = [0.0]

    def change(i: int) -> None:
        box = apps[i].multiselect(key="province").select(provinces[i % len(provinces)])
        go.wait()
        start = time.perf_counter()
        box.run()
        times[i] = time.perf_counter() - start
        if apps[i].exception:
            failures.append(str(apps[i].exception))

    def write() -> None:
        assert beside is not None
        start = time.perf_counter()
        beside(app_db)
        beside_s[0] = time.perf_counter() - start

    threads = [threading.Thread(target=change, args=(i,)) for i in range(sessions)]
    writer = threading.Thread(target=write)
    with _runtime_shared():
        for thread in threads:
            thread.start()
        if beside is not None:  # the sessions act once the write holds the lock
            writer.start()
            while writer.is_alive() and not _held(app_db.write_lock):
                time.sleep(0.005)
        go.set()
        for thread in threads:
            thread.join()
        if beside is not None:
            writer.join()
    if failures:
        raise RuntimeError(f"a page did not render: {failures[0]}")
    longest = waits.longest
    waits.longest = max(waited[1], longest)
    close_app_database(path)
    times.sort()
    return Together(statistics.median(times), times[round(0.95 * (sessions - 1))], times[-1],
                    longest * 1000, beside_s[0])  # fmt: skip
