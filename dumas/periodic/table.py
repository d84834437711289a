"""One table of the periodic report: the contract between the build (reports.py), the
workbook (periodic/workbook.py), the chart pictures (periodic/images.py), the document
(periodic/docx.py), the page (ui/report_sections.py) and the frozen copy of a
finalised report (services/periodic.py stores `as_dict()` and reads back `from_dict()`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Row = Mapping[str, Any]  # one row: column name -> value (None when missing)


@dataclass(frozen=True)
class Column:
    """A column: its key in the rows, its header in the report's language, and how its
    values are shown: "text", "int", "pct" (a fraction) or "rupiah"."""

    name: str
    label: str
    kind: str


@dataclass(frozen=True)
class Chart:
    """The table's chart: "bar", "line" or "pie", the column naming each group of bars,
    the value columns drawn, and how many of the first rows are drawn (None: every row; a
    remainder row such as "Instansi lainnya" is listed in the table, never drawn)."""

    type: str
    category: str
    values: tuple[str, ...]
    limit: int | None = None


@dataclass(frozen=True)
class ReportTable:
    """Rows under labelled columns (the first one the row's label), an optional total row
    (never charted) and an optional chart."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total: Row | None = None
    chart: Chart | None = None

    @property
    def records(self) -> tuple[Row, ...]:
        """The rows, then the total row when there is one: the table as printed."""
        return (*self.rows, *((self.total,) if self.total is not None else ()))

    @property
    def chart_rows(self) -> tuple[Row, ...]:
        """The rows the chart draws: none without a chart, else the first `limit` rows."""
        if self.chart is None:
            return ()
        return self.rows if self.chart.limit is None else self.rows[: self.chart.limit]

    @property
    def nothing_to_chart(self) -> bool:
        """Whether the table has no data to show for the period: no rows, or a chart whose
        every drawn value is zero or missing (a chart of zeros says nothing: the document,
        the workbook and the page write "no data for this period" instead)."""
        if not self.rows:
            return True
        if self.chart is None:
            return False
        values = [self.column(value).name for value in self.chart.values]  # ValueError if none
        return not any(row.get(value) for row in self.chart_rows for value in values)

    def column(self, name: str) -> Column:
        """The column called `name`; ValueError when the table has none."""
        for column in self.columns:
            if column.name == name:
                return column
        raise ValueError(f"chart column {name!r} is not a column of the table")

    def as_dict(self) -> dict[str, Any]:
        """The table as plain JSON-ready data (the shape a finalised report stores)."""
        return {
            "key": self.key,
            "title": self.title,
            "columns": [{"name": c.name, "label": c.label, "kind": c.kind} for c in self.columns],
            "rows": [dict(row) for row in self.rows],
            "total": None if self.total is None else dict(self.total),
            "chart": None
            if self.chart is None
            else {"type": self.chart.type, "category": self.chart.category,
                  "values": list(self.chart.values), "limit": self.chart.limit},
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReportTable:
        """The table from the shape `as_dict` gives (a finalised report's stored copy)."""
        chart = data.get("chart")
        return cls(
            key=str(data["key"]),
            title=data["title"],
            columns=tuple(Column(c["name"], c["label"], c["kind"]) for c in data["columns"]),
            rows=tuple(data.get("rows") or ()),
            total=data.get("total"),
            chart=None
            if not chart
            else Chart(
                chart["type"], chart["category"], tuple(chart["values"]), chart.get("limit")
            ),
        )
