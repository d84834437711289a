"""DataFrame -> plotly figure, pure functions (labels come translated from the caller).

Plotly reads a subset of HTML in every text (<a href> makes a link, <b> bold): names from
the data, such as an imported agency, go in with that HTML escaped, so they read as typed.
Every bar chart's value axis starts at zero, so the bars' lengths compare as the values do.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dumas.periodic.table import ReportTable

_COLOURS = {"primary": "#8B1E24", "secondary": "#C9A227", "muted": "#5B6770"}


def text(value: object) -> str:
    """A label as plotly shows it literally: no link, no formatting (entities read back)."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title=text(title),
        xaxis_title=text(x_title),
        yaxis_title=text(y_title),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "y": -0.2},
        separators=",.",  # Indonesian: decimal comma, thousands dot
        height=360,
    )
    return fig


def forwarded_vs_answered(df: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """Monthly bars of letters forwarded and of those answered."""
    fig = go.Figure(
        [
            go.Bar(
                x=df["month"],
                y=df["forwarded"],
                name=text(labels["forwarded"]),
                marker_color=_COLOURS["muted"],
            ),
            go.Bar(
                x=df["month"],
                y=df["answered"],
                name=text(labels["answered"]),
                marker_color=_COLOURS["primary"],
            ),
        ]
    )
    fig.update_layout(barmode="group")
    return _from_zero(_layout(fig, labels["title"], labels["x"], labels["y"]))


def _from_zero(fig: go.Figure, horizontal: bool = False) -> go.Figure:
    """The value axis (x for horizontal bars, else y) reaches down to zero, whatever the
    data: never an axis cut at 7.600.000 that makes 8,07 against 8,82 look 2.5 times as big."""
    axis = fig.update_xaxes if horizontal else fig.update_yaxes
    axis(rangemode="tozero", autorangeoptions={"minallowed": 0})
    return fig


def bars(
    df: pd.DataFrame, x: str, y: str, labels: dict[str, str], *, horizontal: bool = False
) -> go.Figure:
    """One series of bars; horizontal for long category names (largest on top)."""
    if horizontal:
        data = df.iloc[::-1]
        names = [text(v) for v in data[x]]
        trace = go.Bar(x=data[y], y=names, orientation="h", marker_color=_COLOURS["primary"])
        fig = go.Figure([trace])
        fig = _layout(fig, labels["title"], labels["y"], labels["x"]).update_layout(
            height=max(360, 22 * len(df) + 80)
        )
        return _from_zero(fig, horizontal=True)
    names = [text(v) for v in df[x]]
    fig = go.Figure([go.Bar(x=names, y=df[y], marker_color=_COLOURS["primary"])])
    return _from_zero(_layout(fig, labels["title"], labels["x"], labels["y"]))


def report_chart(table: ReportTable) -> go.Figure | None:
    """A periodic-report table's chart (grouped bars of its value columns), or None without
    one or with nothing to draw (the page then says there is no data). Only the chart's rows
    are drawn ("Instansi lainnya" stays in the table). Many or long labels (agencies,
    provinces) lie as horizontal bars, the first row on top."""
    spec, rows = table.chart, table.chart_rows
    if not spec or not rows or table.nothing_to_chart:
        return None
    labels = {c.name: c.label for c in table.columns}
    names = [str(row[spec.category]) for row in rows]
    categories = [text(name) for name in names]
    values = {v: [row.get(v) for row in rows] for v in spec.values}
    horizontal = len(names) > 6 or max(map(len, names)) > 18
    if horizontal:
        fig = go.Figure(
            [
                go.Bar(name=text(labels[v]), y=categories, x=xs, orientation="h")
                for v, xs in values.items()
            ]
        )
        fig.update_yaxes(autorange="reversed")
        fig = _layout(fig, table.title, "", labels[spec.category])
        fig.update_layout(height=max(360, 18 * len(names) * len(values) + 120))
    else:
        bars = [go.Bar(name=text(labels[v]), x=categories, y=ys) for v, ys in values.items()]
        fig = _layout(go.Figure(bars), table.title, labels[spec.category], "")
    fig.update_layout(barmode="group")
    return _from_zero(fig, horizontal)
