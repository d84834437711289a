"""The periodic report as plain data: every table of queries/periodic.py with its labels,
as the ReportTable (dumas/periodic/table.py) the workbook, the document and the page take."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from dumas import config, i18n
from dumas.domain.codes import Channel, Result
from dumas.domain.periods import Period
from dumas.periodic.table import Chart, Column, ReportTable
from dumas.queries import lookups
from dumas.queries import periodic as q

TOP_AGENCIES = 10
COMPARE = ("current", "previous", "year_ago")


def period_label(period: Period, lang: str) -> str:
    """ "Mei 2026", "Semester I 2026", "Tahun 2026" or the range, with its dates."""
    dates = f"{i18n.fmt_date(period.start, lang)} – {i18n.fmt_date(period.end, lang)}"
    if period.kind == "range":
        return dates
    return f"{period_name(period, lang)} ({dates})"


def period_name(period: Period, lang: str) -> str:
    """A month, semester or year by its name: "Mei 2026", "Semester I 2026", "Tahun 2026"
    (a range has no name: its dates)."""
    if period.kind == "range":
        return f"{i18n.fmt_date(period.start, lang)} – {i18n.fmt_date(period.end, lang)}"
    if period.kind == "month":
        return i18n.fmt_month(period.start, lang)
    if period.kind == "semester":
        half = 1 if period.start.month == 1 else 2
        return i18n.t(f"report.semester_{half}", lang, year=period.start.year)
    return i18n.t("report.year", lang, year=period.start.year)


def _columns(lang: str, first: tuple[str, str], *rest: tuple[str, str]) -> tuple[Column, ...]:
    """The first (label) column, then numeric columns: (name, kind)."""
    name, key = first
    cols = [Column(name, i18n.t(key, lang), "text")]
    for column, kind in rest:
        cols.append(Column(column, i18n.t(f"report.col_{column}", lang), kind))
    return tuple(cols)


def _compare_table(
    key: str, frame: pd.DataFrame, label: str, names: dict, lang: str, chart: str | None = "bar"
) -> ReportTable:
    """A table of counts in the period, the period before and a year earlier."""
    rows = [
        {"label": names.get(r["code"], r["code"]), **{c: int(r[c]) for c in COMPARE}}
        for r in frame.to_dict("records")
    ]
    total = {
        "label": i18n.t("report.total", lang),
        **{c: int(frame[c].sum()) if len(frame) else 0 for c in COMPARE},
    }
    return ReportTable(
        key=key,
        title=i18n.t(f"report.table_{key}", lang),
        columns=_columns(lang, ("label", label), *((c, "int") for c in COMPARE)),
        rows=tuple(rows),
        total=total,
        chart=Chart(chart, "label", ("current", "previous")) if chart else None,
    )


def build(
    cur: duckdb.DuckDBPyConnection, period: Period, lang: str, *, title: str, generated: str
) -> dict:
    """Every table of the report for the period, as a draft (services/periodic.py
    finalises it)."""
    unknown = {"?": i18n.t("report.unknown", lang)}
    channels = {c.value: i18n.t(c.label_key, lang) for c in Channel}
    received = [  # tables 1-2: (key, dimension, label of the first column, names of codes)
        ("channels", "channel", "report.col_channel", channels),
        ("problems", "problem_code", "report.col_problem", lookups.options(cur, "problem_code")),
        ("categories", "category", "report.col_category", lookups.options(cur, "category")),
        ("provinces", "province", "report.col_province", lookups.options(cur, "province")),
    ]
    categories = {**lookups.options(cur, "agency_category"), **unknown}
    tables = [
        *(
            _compare_table(key, q.received_by(cur, dim, period), label, {**names, **unknown}, lang)
            for key, dim, label, names in received
        ),
        _agencies(cur, period, lang),
        _compare_table(
            "agency_categories",
            q.forwarded_by_category(cur, period),
            "report.col_agency_category",
            categories,
            lang,
        ),
        _response(cur, period, lang),
        _ageing(cur, period, lang),
        _monitoring(cur, period, lang),
        _money(cur, period, lang),
        _trend(cur, period, lang),
    ]
    return {
        "title": title,
        "unit": i18n.t("report.unit", lang),
        "period_label": period_label(period, lang),
        "generated": generated,
        "final": False,
        "finalised": None,
        "tables": tables,
    }


def _agencies(cur: duckdb.DuckDBPyConnection, period: Period, lang: str) -> ReportTable:
    frame = q.forwarded_by_agency(cur, period, TOP_AGENCIES)
    records = frame.to_dict("records")
    named = [r for r in records if isinstance(r["agency"], str)]
    others = [r for r in records if not isinstance(r["agency"], str)]  # the rest, summed
    rows = [
        {
            "agency": r["agency"]
            if isinstance(r["agency"], str)
            else i18n.t("report.others", lang),
            "agency_category": r["agency_category"]
            if isinstance(r["agency_category"], str)
            else "",
            **{c: int(r[c]) for c in COMPARE},
        }
        for r in (*named, *others)
    ]
    return ReportTable(
        key="agencies",
        title=i18n.t("report.table_agencies", lang),
        columns=_columns(
            lang,
            ("agency", "report.col_agency"),
            ("agency_category", "text"),
            *((c, "int") for c in COMPARE),
        ),
        rows=tuple(rows),
        # "Instansi lainnya" (every agency below the top ten, summed) is in the table only:
        # as a bar it would dwarf the ten the chart compares
        chart=Chart("bar", "agency", ("current",), limit=len(named)),
    )


def _response(cur: duckdb.DuckDBPyConnection, period: Period, lang: str) -> ReportTable:
    frame = q.response_status(cur, period)
    numbers = ("forwarded", "on_time", "late", "not_yet")
    rows = [
        {
            "agency": r["agency"],
            **{c: int(r[c]) for c in numbers},
            "response_rate": None if pd.isna(r["response_rate"]) else float(r["response_rate"]),
        }
        for r in frame.to_dict("records")
    ]
    total = next((r for r in rows if not isinstance(r["agency"], str)), None)
    if total:
        total["agency"] = i18n.t("report.total", lang)
    rows = [r for r in rows if r is not total]
    return ReportTable(
        key="response",
        title=i18n.t("report.table_response", lang),
        columns=_columns(
            lang,
            ("agency", "report.col_agency"),
            *((c, "int") for c in numbers),
            ("response_rate", "pct"),
        ),
        rows=tuple(rows),
        total=total,
        chart=Chart("bar", "agency", ("on_time", "late", "not_yet")),
    )


def _ageing(cur: duckdb.DuckDBPyConnection, period: Period, lang: str) -> ReportTable:
    names = {b: i18n.t(f"bucket.{b}", lang) for b in ("0_14", "15_30", "31_60", "over_60")}
    frame = q.ageing_at_end(cur, period).rename(columns={"bucket": "code"})
    return _compare_table("ageing", frame, "report.col_age", names, lang)


def _monitoring(cur: duckdb.DuckDBPyConnection, period: Period, lang: str) -> ReportTable:
    summary = q.monitoring_summary(cur, period)
    rows = [
        {"figure": i18n.t(f"report.m_{f}", lang), "value": int(summary[f] or 0)}
        for f in q.MONITORING_FIGURES
    ]
    rows += [
        {"figure": i18n.t(Result(r["result"]).label_key, lang), "value": int(r["letters"])}
        for r in summary["findings"].to_dict("records")
    ]
    return ReportTable(
        key="monitoring",
        title=i18n.t("report.table_monitoring", lang),
        columns=_columns(lang, ("figure", "report.col_figure"), ("value", "int")),
        rows=tuple(rows),
        chart=Chart("bar", "figure", ("value",)),
    )


def _money(cur: duckdb.DuckDBPyConnection, period: Period, lang: str) -> ReportTable:
    frame = q.money(cur, period)
    rows = [
        {
            "agency": r["agency"],
            "planned": None if pd.isna(r["planned"]) else int(r["planned"]),
            "actual": None if pd.isna(r["actual"]) else int(r["actual"]),
        }
        for r in frame.to_dict("records")
    ]
    total = {
        "agency": i18n.t("report.total", lang),
        "planned": sum(r["planned"] or 0 for r in rows),
        "actual": None
        if any(r["actual"] is None for r in rows)
        else sum(r["actual"] for r in rows),
    }
    return ReportTable(
        key="money",
        title=i18n.t("report.table_money", lang),
        columns=_columns(
            lang, ("agency", "report.col_agency"), ("planned", "rupiah"), ("actual", "rupiah")
        ),
        rows=tuple(rows),
        total=total if rows else None,
        chart=Chart("bar", "agency", ("planned", "actual")),
    )


def _trend(cur: duckdb.DuckDBPyConnection, period: Period, lang: str) -> ReportTable:
    frame = q.trend(cur, period)
    frame = frame[frame["figure"] != "response_rate"]
    rows = [
        {"figure": i18n.t(f"report.t_{r['figure']}", lang), **{c: int(r[c]) for c in COMPARE}}
        for r in frame.to_dict("records")
    ]
    return ReportTable(
        key="trend",
        title=i18n.t("report.table_trend", lang),
        columns=_columns(lang, ("figure", "report.col_figure"), *((c, "int") for c in COMPARE)),
        rows=tuple(rows),
        chart=Chart("bar", "figure", COMPARE),
    )


def default_title(period: Period, lang: str) -> str:
    """What the report reports and on which period: "Laporan Pemantauan Tindak Lanjut
    Pengaduan Masyarakat, Bulan Mei 2026" (Semester I Tahun 2026, Tahun 2026, or the range's
    dates)."""
    if period.kind == "month":
        named = i18n.t("report.title_month", lang, month=i18n.fmt_month(period.start, lang))
    elif period.kind == "semester":
        half = "I" if period.start.month == 1 else "II"
        named = i18n.t("report.title_semester", lang, half=half, year=period.start.year)
    elif period.kind == "year":
        named = i18n.t("report.title_year", lang, year=period.start.year)
    else:
        named = i18n.t("report.title_range", lang, start=i18n.fmt_date(period.start, lang),
                       end=i18n.fmt_date(period.end, lang))  # fmt: skip
    return i18n.t("report.title", lang, period=named)


def generated_on(now: dt.datetime, lang: str) -> str:
    """ "Dibuat pada …" at `now` as a clock in Jakarta reads it."""
    local = now.astimezone(config.TIMEZONE) if now.tzinfo else now
    return i18n.t("export.generated", lang, when=i18n.fmt_datetime(local, lang))
