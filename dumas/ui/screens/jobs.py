"""The sections of "Tugas Terjadwal": per job its schedule, whether it is on, its last and
next run, "Jalankan sekarang", and its latest runs with their log lines (Administrators)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dumas import config, i18n
from dumas.domain.errors import Message
from dumas.jobs import catalogue
from dumas.jobs.model import Job
from dumas.queries import jobs as queries
from dumas.ui import scheduling
from dumas.ui.actions import perform, run
from dumas.ui.state import get_db, lang, t
from dumas.ui.widgets import show_table

HISTORY = 10  # runs shown per job
SWITCH = {  # the setting that switches each job off
    catalogue.BACKUP: "DUMAS_BACKUP_AT=off",
    catalogue.IMPORT_DROP: "DUMAS_IMPORT_DROP=off",
    catalogue.DRAFT_REPORTS: "DUMAS_REPORT_AT=off",
    catalogue.DIGEST: "DUMAS_DIGEST_AT=off",
}

__all__ = ["jobs", "section", "status"]


def status() -> None:
    """Whether this process runs the jobs (it does unless DUMAS_JOBS=0)."""
    if not scheduling.active():
        st.warning(t("jobs.off"), icon=":material/pause_circle:")


def jobs() -> list[Job]:
    """The jobs as the settings make them; a setting that cannot be read says so and stops."""
    try:
        return catalogue.build(get_db())
    except ValueError as error:
        st.error(t("jobs.settings_error", error=str(error)), icon=":material/error:")
        st.stop()


def _folder(name: str) -> str:
    folders = {catalogue.BACKUP: config.backup_dir, catalogue.IMPORT_DROP: config.import_drop,
               catalogue.DRAFT_REPORTS: config.report_dir}  # fmt: skip
    return str(folders[name]() or "–") if name in folders else "–"


def _said(message: Message) -> str:
    return i18n.t(message.key, lang(), **i18n.display_params(message.params, lang()))


def _when(moment: dt.datetime) -> str:
    return i18n.fmt_datetime(moment.astimezone(config.TIMEZONE), lang())


def section(job: Job) -> None:
    """One job: what it does, its schedule, last and next run, the button, its history."""
    with get_db().reading() as cur:
        runs = queries.latest_runs(cur, HISTORY).get(job.name, [])
        asked = queries.requested(cur).get(job.name)
    with st.container(border=True):
        st.subheader(t(f"jobs.name.{job.name}"))
        st.caption(t(f"jobs.about.{job.name}", folder=_folder(job.name)))
        switched = t("jobs.enabled") if job.enabled else _switched_off(job)
        st.markdown(f"{t('jobs.schedule', schedule=_said(job.rule.describe()))} · {switched}")
        st.markdown(_last_line(runs) + "  \n" + _next_line(job, runs, asked))
        busy = job.name in scheduling.running()
        if busy:
            st.info(t("jobs.running"), icon=":material/sync:")
        st.button(
            t("jobs.run_now"),
            key=f"job_run_{job.name}",
            icon=":material/play_arrow:",
            disabled=not job.enabled or busy,
            on_click=_request,
            args=(job.name,),
        )
        if runs:
            _history(runs)


def _switched_off(job: Job) -> str:
    """Which setting keeps the job off; for the digest, also a mail server not configured."""
    if job.name == catalogue.DIGEST and config.smtp_host() is None:
        return t("jobs.digest.no_smtp")
    return t("jobs.disabled", setting=SWITCH[job.name])


def _last_line(runs: list[queries.Run]) -> str:
    if not runs:
        return t("jobs.never")
    last = runs[0]
    duration = t("jobs.seconds", n=i18n.fmt_decimal(last.seconds, lang()))
    return t("jobs.last", when=_when(last.started_at), outcome=t(f"jobs.outcome.{last.outcome}"),
             duration=duration)  # fmt: skip


def _next_line(job: Job, runs: list[queries.Run], asked: dt.datetime | None) -> str:
    """As the scheduler decides: asked for, else the rule's next moment after the last start
    (a job never run: after now)."""
    if not job.enabled:
        return t("jobs.next_off")
    if asked is not None:
        return t("jobs.next_requested", when=_when(asked))
    now = config.now()
    upcoming = job.rule.next_run(runs[0].started_at if runs else now)
    return t("jobs.next_due") if upcoming <= now else t("jobs.next", when=_when(upcoming))


def _history(runs: list[queries.Run]) -> None:
    """The latest runs as a table, then each run's log lines as they were written."""
    with st.expander(t("jobs.history", n=len(runs))):
        show_table(pd.DataFrame({
            t("jobs.col.started"): [_when(r.started_at) for r in runs],
            t("jobs.col.outcome"): [t(f"jobs.outcome.{r.outcome}") for r in runs],
            t("jobs.col.seconds"): [round(r.seconds, 1) for r in runs],
            t("jobs.col.message"): [r.message for r in runs],
        }), hide_index=True)  # fmt: skip
        for r in runs:
            if r.lines:
                st.caption(t("jobs.log_of", when=_when(r.started_at)))
                st.code("\n".join(r.lines), language=None)  # shown as written, never Markdown


def _request(name: str) -> None:
    """Callback: the service checks the permission and records the request; the scheduler
    of this process is woken to start it now."""
    from dumas.services.jobs import request_run

    job = i18n.t(f"jobs.name.{name}", lang())  # plain text: t() escapes it
    if run(lambda: perform(request_run, name), t("jobs.requested", job=job)):
        scheduling.wake()
