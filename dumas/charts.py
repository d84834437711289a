"""DataFrame -> plotly figure, pure functions (labels come translated from the caller)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

_COLOURS = {"primary": "#8B1E24", "secondary": "#C9A227", "muted": "#5B6770"}


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        title=title,
        xaxis_title=x_title,
        yaxis_title=y_title,
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
                name=labels["forwarded"],
                marker_color=_COLOURS["muted"],
            ),
            go.Bar(
                x=df["month"],
                y=df["answered"],
                name=labels["answered"],
                marker_color=_COLOURS["primary"],
            ),
        ]
    )
    fig.update_layout(barmode="group")
    return _layout(fig, labels["title"], labels["x"], labels["y"])


def bars(
    df: pd.DataFrame, x: str, y: str, labels: dict[str, str], *, horizontal: bool = False
) -> go.Figure:
    """One series of bars; horizontal for long category names (largest on top)."""
    if horizontal:
        data = df.iloc[::-1]
        trace = go.Bar(x=data[y], y=data[x], orientation="h", marker_color=_COLOURS["primary"])
        fig = go.Figure([trace])
        return _layout(fig, labels["title"], labels["y"], labels["x"]).update_layout(
            height=max(360, 22 * len(df) + 80)
        )
    fig = go.Figure([go.Bar(x=df[x], y=df[y], marker_color=_COLOURS["primary"])])
    return _layout(fig, labels["title"], labels["x"], labels["y"])


def report_chart(table: dict) -> go.Figure | None:
    """A periodic-report table's chart (grouped bars of its value columns), or None. Many
    or long labels (agencies, provinces) lie as horizontal bars, the first row on top."""
    spec = table.get("chart")
    if not spec or not table["rows"]:
        return None
    labels = {c["name"]: c["label"] for c in table["columns"]}
    categories = [str(row[spec["category"]]) for row in table["rows"]]
    values = {v: [row.get(v) for row in table["rows"]] for v in spec["values"]}
    if len(categories) > 6 or max(map(len, categories)) > 18:
        fig = go.Figure(
            [
                go.Bar(name=labels[v], y=categories, x=xs, orientation="h")
                for v, xs in values.items()
            ]
        )
        fig.update_yaxes(autorange="reversed")
        fig = _layout(fig, table["title"], "", labels[spec["category"]])
        fig.update_layout(height=max(360, 18 * len(categories) * len(values) + 120))
    else:
        fig = go.Figure([go.Bar(name=labels[v], x=categories, y=ys) for v, ys in values.items()])
        fig = _layout(fig, table["title"], labels[spec["category"]], "")
    fig.update_layout(barmode="group")
    return fig
