"""RawTable -> ParseResult: every cell cleaned, every row checked, within the file only."""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Callable, Iterator

from dumas.importer.headers import display_header, map_columns
from dumas.importer.model import (
    CANONICAL,
    COMPLAINT_FIELDS,
    FORWARDING_FIELDS,
    RESPONSE_FIELDS,
    ImportFileError,
    ParseResult,
    RawTable,
    Record,
    RowError,
)
from dumas.importer.values import (
    CellError,
    Lookups,
    is_blank,
    parse_category,
    parse_channel,
    parse_date,
    parse_problem_code,
    parse_province,
    parse_status,
    parse_text,
)
from dumas.reference import normalise_name

FIELDS = tuple(CANONICAL)
DATE_FIELDS = ("received_on", "letter_date", "response_date")
_complaint_of = operator.itemgetter(*COMPLAINT_FIELDS)
_response_of = operator.itemgetter("response_date", "response_status", "response_summary")
# A reader returns the clean value, None for a blank cell, or the CellError (returned,
# not raised, so that columns can be cleaned with map() and per distinct value).
Reader = Callable[[object], object]


def parse(table: RawTable, lookups: Lookups, today: dt.date) -> ParseResult:
    """Clean and check every row of the table; rows with errors produce no Record."""
    columns, unknown, missing = map_columns(table.headers)
    if missing:
        raise ImportFileError("import.error.missing_columns", {"columns": ", ".join(missing)})
    headers = {name: CANONICAL[name] for name in FIELDS}
    headers.update({name: display_header(table.headers[i]) for i, name in columns.items()})
    result = ParseResult(table, columns, unknown, records=[], errors=[])
    consistency = _Consistency(headers)
    seen: set[tuple] = set()
    numbers = [number for number, _ in table.rows]
    for number, cleaned in zip(numbers, _clean_rows(table, columns, lookups), strict=True):
        if cleaned.count(None) == len(FIELDS):
            continue  # nothing in the known columns (e.g. only a pre-filled row counter)
        result.rows_read += 1
        values = dict(zip(FIELDS, cleaned, strict=True))
        errors = _cell_errors(number, values, headers) if CellError in map(type, cleaned) else []
        errors += _row_rules(number, values, headers, today)
        if not errors and cleaned in seen:
            result.duplicates += 1
            continue
        errors = errors or consistency.check(number, values)
        if errors:
            result.errors.extend(errors)
            continue
        seen.add(cleaned)
        result.records.append(Record(row=number, **values))
    return result


def _clean_rows(table: RawTable, columns: dict[int, str], lookups: Lookups) -> Iterator[tuple]:
    """Each row's cleaned values in FIELDS order, cleaned column by column."""
    readers = _readers(lookups)
    cells = [row for _, row in table.rows]
    width = max(columns, default=-1) + 1
    if any(len(row) < width for row in cells):  # CSV records may stop early
        cells = [
            row if len(row) >= width else [*row, *[None] * (width - len(row))] for row in cells
        ]
    by_field = {name: _clean_column(cells, i, readers[name]) for i, name in columns.items()}
    return zip(*(by_field.get(name, itertools.repeat(None)) for name in FIELDS))


def _clean_column(cells: list[list[object]], index: int, read: Reader) -> list[object]:
    """One column cleaned: each distinct cell read once, then looked up for every row."""
    column = list(map(operator.itemgetter(index), cells))
    distinct = set(column)
    if any(type(cell) is bool for cell in distinct):  # True == 1.0 would share an entry
        return [read(cell) for cell in column]
    results = {cell: read(cell) for cell in distinct}
    return list(map(results.__getitem__, column))


def _readers(lookups: Lookups) -> dict[str, Reader]:
    """The reader of each field."""
    text = _returning_errors(parse_text)
    dates = _returning_errors(parse_date)
    readers = dict.fromkeys(FIELDS, text)
    readers.update(dict.fromkeys(DATE_FIELDS, dates))
    readers["channel"] = _returning_errors(parse_channel)
    readers["response_status"] = _returning_errors(parse_status)
    readers["province"] = _returning_errors(lambda cell: parse_province(cell, lookups))
    readers["problem_code"] = _returning_errors(lambda cell: parse_problem_code(cell, lookups))
    readers["category"] = _returning_errors(lambda cell: parse_category(cell, lookups))
    return readers


def _returning_errors(parse_cell: Callable[[object], object]) -> Reader:
    """A reader that returns the CellError instead of raising it; blank cells give None."""

    def read(cell: object) -> object:
        if is_blank(cell):
            return None
        try:
            return parse_cell(cell)
        except CellError as error:
            return error

    return read


def _cell_errors(number: int, values: dict[str, object], headers: dict) -> list[RowError]:
    """The row's unreadable cells, in column order."""
    return [
        RowError(number, headers[name], value.key, value.params)
        for name, value in values.items()
        if type(value) is CellError
    ]


def _row_rules(
    number: int, values: dict[str, object], headers: dict, today: dt.date
) -> list[RowError]:
    """The rules one row must keep on its own, each broken rule one RowError."""
    broken: list[tuple[str, str, dict[str, object]]] = []
    for name in ("agenda_no", "received_on"):
        if values[name] is None:
            broken.append((name, "import.error.required", {}))
    for name in DATE_FIELDS:
        if _date(values, name) is not None and values[name] > today:
            broken.append((name, "import.error.future_date", {"value": values[name]}))
    if any(values[name] is not None for name in FORWARDING_FIELDS):
        broken += _forwarding_rules(values)
    if any(values[name] is not None for name in RESPONSE_FIELDS):
        broken += _response_rules(values)
    return [RowError(number, headers[name], key, params) for name, key, params in broken]


def _date(values: dict[str, object], name: str) -> dt.date | None:
    """The field's date, or None when the cell was empty or unreadable."""
    value = values[name]
    return value if type(value) is dt.date else None


def _forwarding_rules(values: dict[str, object]) -> list[tuple[str, str, dict]]:
    """A forwarding needs agency, letter number and date, dated on or after receipt."""
    broken: list[tuple[str, str, dict]] = []
    if values["agency"] is None:
        broken.append(("agency", "import.error.forwarding_without_agency", {}))
    for name in ("letter_no", "letter_date"):
        if values[name] is None:
            broken.append((name, "import.error.required", {}))
    received, letter = _date(values, "received_on"), _date(values, "letter_date")
    if received is not None and letter is not None and letter < received:
        params = {"value": letter, "received": received}
        broken.append(("letter_date", "import.error.before_received", params))
    return broken


def _response_rules(values: dict[str, object]) -> list[tuple[str, str, dict]]:
    """A response needs a forwarding, its number, date and status, dated after the letter."""
    broken: list[tuple[str, str, dict]] = []
    if all(values[name] is None for name in FORWARDING_FIELDS):
        given = next(name for name in RESPONSE_FIELDS if values[name] is not None)
        broken.append((given, "import.error.response_without_forwarding", {}))
    for name in ("response_no", "response_date", "response_status"):
        if values[name] is None:
            broken.append((name, "import.error.required", {}))
    letter, answered = _date(values, "letter_date"), _date(values, "response_date")
    if letter is not None and answered is not None and answered < letter:
        params = {"value": answered, "letter_date": letter}
        broken.append(("response_date", "import.error.response_before_letter", params))
    return broken


class _Consistency:
    """Rows that share a letter, complaint or response must agree with the first of them."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers
        self.complaints: dict[object, tuple[int, tuple]] = {}
        self.letters: dict[object, tuple[int, tuple]] = {}
        self.responses: dict[object, tuple[int, tuple]] = {}
        self._names: dict[str, str] = {}

    def check(self, number: int, values: dict[str, object]) -> list[RowError]:
        """A valid row's conflicts with earlier rows; it is registered when there are none."""
        agenda, agency = values["agenda_no"], self._name(values["agency"])
        items = [(self.complaints, agenda, _complaint_of(values))]
        if values["letter_no"] is not None:
            content = (agenda, agency, values["letter_date"])
            items.append((self.letters, values["letter_no"], content))
        if values["response_no"] is not None:
            content = (agenda, *_response_of(values))
            items.append((self.responses, (agency, values["response_no"]), content))
        errors = self._complaint(number, values, items[0])
        errors += self._conflict(number, values, items[1:])
        if not errors:
            for seen, key, content in items:
                seen.setdefault(key, (number, content))
        return errors

    def _complaint(self, number: int, values: dict, item: tuple) -> list[RowError]:
        """One error per complaint column that differs from the complaint's first row."""
        seen, agenda, content = item
        first = seen.get(agenda)
        if first is None or first[1] == content:
            return []
        params = {"agenda_no": agenda, "first_row": first[0]}
        return [
            RowError(number, self.headers[name], "import.error.complaint_conflict", params)
            for name, old, new in zip(COMPLAINT_FIELDS, first[1], content, strict=True)
            if old != new
        ]

    def _conflict(self, number: int, values: dict, items: list[tuple]) -> list[RowError]:
        """An error for a letter or response number first seen with other contents."""
        errors = []
        for seen, key, content in items:
            first = seen.get(key)
            if first is not None and first[1] != content:
                kind = "letter" if seen is self.letters else "response"
                column = f"{kind}_no" if kind == "letter" else "response_no"
                params = {column: values[column], "first_row": first[0]}
                error = RowError(
                    number, self.headers[column], f"import.error.{kind}_conflict", params
                )
                errors.append(error)
        return errors

    def _name(self, name: object) -> str | None:
        """Agency name key (case and spacing ignored), cached."""
        if name is None:
            return None
        key = self._names.get(name)
        if key is None:
            key = self._names[name] = normalise_name(name)
        return key
