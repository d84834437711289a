"""A periodic-report table's chart as a PNG picture for the .docx report (pure, thread-safe).

It reads the same chart spec as dumas/render/charts.py `report_chart` (grouped bars of the value
columns, one group per row, in row order) but draws horizontal bars so long agency names
stay readable. The value axis starts at zero and carries a few short ticks ("2 jt", "4 jt")
that never overlap. Only matplotlib's object API is used: no pyplot, no global state.
"""

from __future__ import annotations

import functools
import io
import math
import re
import textwrap
from typing import TYPE_CHECKING

from dumas import i18n
from dumas.periodic.table import ReportTable

if TYPE_CHECKING:  # matplotlib is imported when a chart is drawn: it costs every process
    from matplotlib.figure import Figure  # that never draws one (the CLI, the app) ~0.25 s

CM = 1 / 2.54  # inches per centimetre
WIDTH_CM = 16
MIN_HEIGHT_CM, MAX_HEIGHT_CM = 8, 16
DPI = 150
LABEL_WIDTH = 28  # characters per line of a category label
LABEL_LINES = 2  # lines kept of a category label, the last one ending in "…" when cut
MAX_CATEGORIES = 15  # rows drawn at most (the first ones; the table itself lists them all)
COLOURS = ("#8B1E24", "#5B6770", "#C9A227", "#2E6F95", "#7A9A3A")  # charts.py's palette first
_FONT_SIZE = 8
VALUE_TICKS = 5  # at most this many intervals on the value axis, so labels never touch
_SCALES = ((1e9, "chart.billions"), (1e6, "chart.millions"))  # "1,2 jt": millions and up
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")  # shown as spaces


Spec = tuple[tuple[str, ...], tuple[tuple[str, tuple], ...], bool]  # labels, series, percent


def chart_png(table: ReportTable, lang: str) -> bytes | None:
    """The table's chart as PNG bytes (about 16 cm wide at 150 dpi), or None without one or
    with nothing to draw (no rows, or only zeros). Only the chart's rows (never a remainder
    such as "Instansi lainnya"), at most the first MAX_CATEGORIES, are drawn, so that every
    bar stays legible."""
    spec = _spec(table)
    return None if spec is None else _render(*spec, lang)


def chart_figure(table: ReportTable, lang: str) -> Figure | None:
    """The matplotlib figure chart_png saves (None as there), to read its axes."""
    spec = _spec(table)
    return None if spec is None else _figure(*spec, lang)


def _spec(table: ReportTable) -> Spec | None:
    spec, rows = table.chart, table.chart_rows[:MAX_CATEGORIES]
    if not spec or not rows or table.nothing_to_chart:
        return None
    columns = {c.name: c for c in table.columns}
    labels = tuple(_label(row.get(spec.category)) for row in rows)
    series = tuple((columns[v].label, tuple(row.get(v) for row in rows)) for v in spec.values)
    percent = {columns[v].kind for v in spec.values} == {"pct"}
    return labels, series, percent


@functools.lru_cache(maxsize=128)  # the same report drawn again (each download) is not redrawn
def _render(
    labels: tuple[str, ...], series: tuple[tuple[str, tuple], ...], percent: bool, lang: str
) -> bytes:
    figure = _figure(labels, series, percent, lang)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _figure(
    labels: tuple[str, ...], series: tuple[tuple[str, tuple], ...], percent: bool, lang: str
) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_CM * CM, _height(len(labels), len(series)) * CM), dpi=DPI,
                    layout="constrained")  # fmt: skip
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    _bars(axes, list(labels), [(name, list(values)) for name, values in series])
    _value_axis(axes, lang, percent=percent)
    legend = figure.legend(loc="outside lower center", ncols=min(len(series), 3),
                           fontsize=_FONT_SIZE, frameon=False)  # fmt: skip
    for text in [*axes.get_yticklabels(), *legend.get_texts()]:
        text.set_parse_math(False)  # a "$" in a name is text, not mathematics
    return figure


def _height(categories: int, series: int) -> float:
    """Centimetres: enough room for every bar, within the page's reasonable bounds."""
    wanted = 3 + categories * (0.3 * series + 0.35)
    return min(MAX_HEIGHT_CM, max(MIN_HEIGHT_CM, wanted))


def _label(value: object) -> str:
    """A category label as plain text, wrapped and cut to a few short lines."""
    text = " ".join(_CONTROL.sub(" ", "" if value is None else str(value)).split())
    lines = textwrap.wrap(text, LABEL_WIDTH, max_lines=LABEL_LINES,
                          placeholder="…")  # fmt: skip
    return "\n".join(lines) or i18n.MISSING


def _bars(axes, labels: list[str], series: list[tuple[str, list]]) -> None:
    """Grouped horizontal bars, the first row on top and the first series first in a group."""
    height = 0.8 / len(series)
    for index, (name, values) in enumerate(series):
        widths = [math.nan if v is None else float(v) for v in values]
        offsets = [i - 0.4 + height * (index + 0.5) for i in range(len(labels))]
        axes.barh(offsets, widths, height=height, label=name,
                  color=COLOURS[index % len(COLOURS)])  # fmt: skip
    axes.set_yticks(range(len(labels)), labels, fontsize=_FONT_SIZE)
    axes.invert_yaxis()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    axes.set_axisbelow(True)


def _value_axis(axes, lang: str, percent: bool) -> None:
    """The value axis from zero, with at most VALUE_TICKS intervals in the language's
    separators: percentages, whole numbers, or millions and billions abbreviated."""
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    if percent:
        axes.xaxis.set_major_locator(MaxNLocator(VALUE_TICKS))
        formatter = FuncFormatter(lambda value, _: i18n.fmt_percent(value, lang, digits=0))
    else:
        axes.xaxis.set_major_locator(MaxNLocator(VALUE_TICKS, integer=True))
        formatter = FuncFormatter(
            lambda value, _: short_number(value, lang, top=max(map(abs, axes.get_xlim())))
        )
    axes.xaxis.set_major_formatter(formatter)
    axes.tick_params(axis="x", labelsize=_FONT_SIZE)
    axes.set_xlim(left=0)


def short_number(value: float, lang: str, top: float | None = None) -> str:
    """A tick label on an axis reaching `top` (default: the value): "1.500" as is; from a
    million every tick in millions ("0,5 jt", "1 jt" / "0.5M"), from a billion in billions,
    with the decimals the tick needs (none when whole, at most two)."""
    reach = abs(value) if top is None else top
    for scale, key in _SCALES:
        if not value:
            break  # zero reads "0" on any axis
        if reach >= scale:
            scaled = value / scale
            digits = next((d for d in (0, 1) if abs(round(scaled, d) - scaled) < 1e-9), 2)
            return i18n.t(key, lang, n=i18n.fmt_decimal(scaled, lang, digits=digits))
    return i18n.fmt_int(value, lang)
