"""The rules a row keeps on its own, and those rows sharing a complaint or letter keep.

Row rules run column by column over all rows at once (one loop, no call per row): a
sheet of 100,000 rows is checked in tens of milliseconds.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
from collections.abc import Iterator

from dumas.db.reference import normalise_name
from dumas.importer.model import CANONICAL, COMPLAINT_FIELDS, RowError
from dumas.importer.values import CellError

FIELDS = tuple(CANONICAL)  # the order of a cleaned row
DATE_FIELDS = ("received_on", "letter_date", "response_date")
REQUIRED = "import.error.required"

Broken = dict[int, list[tuple[str, str, dict[str, object]]]]  # position -> (field, key, params)
_Found = Iterator[tuple[int, str, str, dict[str, object]]]  # (position, field, key, params)


def broken_rules(cols: dict[str, list[object]], today: dt.date) -> Broken:
    """Row position -> the row's unreadable cells and broken rules, in a stable order."""
    found: Broken = {}
    for position, name, key, params in itertools.chain(
        _cell_errors(cols),
        _required(cols),
        _future_dates(cols, today),
        _forwarding_rules(cols),
        _response_rules(cols),
    ):
        found.setdefault(position, []).append((name, key, params))
    return found


def _cell_errors(cols: dict[str, list[object]]) -> _Found:
    """Cells that could not be read (bad date, unknown code, text too long)."""
    for name in FIELDS:
        column = cols[name]
        if CellError in map(type, column):
            yield from (
                (i, name, cell.key, cell.params)
                for i, cell in enumerate(column)
                if type(cell) is CellError
            )


def _required(cols: dict[str, list[object]]) -> _Found:
    """Every row has an agenda number and a received date."""
    for name in ("agenda_no", "received_on"):
        yield from ((i, name, REQUIRED, {}) for i, cell in enumerate(cols[name]) if cell is None)


def _future_dates(cols: dict[str, list[object]], today: dt.date) -> _Found:
    """No date lies after today."""
    key = "import.error.future_date"
    for name in DATE_FIELDS:
        yield from (
            (i, name, key, {"value": day})
            for i, day in enumerate(cols[name])
            if type(day) is dt.date and day > today
        )


def _forwarding_rules(cols: dict[str, list[object]]) -> _Found:
    """A forwarding needs agency, letter number and date, dated on or after receipt."""
    names = ("received_on", "agency", "letter_no", "letter_date")
    for i, (received, agency, number, date) in enumerate(zip(*map(cols.get, names), strict=True)):
        if agency is None and number is None and date is None:
            continue
        if agency is None:
            yield i, "agency", "import.error.forwarding_without_agency", {}
        if number is None:
            yield i, "letter_no", REQUIRED, {}
        if date is None:
            yield i, "letter_date", REQUIRED, {}
        if type(received) is dt.date and type(date) is dt.date and date < received:
            params = {"value": date, "received": received}
            yield i, "letter_date", "import.error.before_received", params


def _response_rules(cols: dict[str, list[object]]) -> _Found:
    """A response needs a forwarding, its number, date and status, dated after the letter."""
    names = ("agency", "letter_no", "letter_date", "response_no", "response_date")
    names += ("response_status", "response_summary")
    rows = zip(*map(cols.get, names), strict=True)
    for i, (agency, letter_no, letter_date, number, date, status, summary) in enumerate(rows):
        if number is None and date is None and status is None and summary is None:
            continue
        given = (number, date, status, summary)
        if agency is None and letter_no is None and letter_date is None:
            first = next(n for n, cell in zip(names[3:], given, strict=True) if cell is not None)
            yield i, first, "import.error.response_without_forwarding", {}
        for name, cell in zip(names[3:6], given, strict=False):
            if cell is None:
                yield i, name, REQUIRED, {}
        if type(letter_date) is dt.date and type(date) is dt.date and date < letter_date:
            params = {"value": date, "letter_date": letter_date}
            yield i, "response_date", "import.error.response_before_letter", params


_AT = {name: index for index, name in enumerate(FIELDS)}
_AGENDA, _AGENCY, _LETTER_NO, _RESPONSE_NO = map(
    _AT.__getitem__, ("agenda_no", "agency", "letter_no", "response_no")
)
_complaint_of = operator.itemgetter(*map(_AT.get, COMPLAINT_FIELDS))
_letter_of = operator.itemgetter(*map(_AT.get, ("agenda_no", "letter_date")))
_response_of = operator.itemgetter(
    *map(_AT.get, ("agenda_no", "response_date", "response_status", "response_summary"))
)


class Consistency:
    """Rows sharing a complaint, letter or response must agree with the first such row."""

    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers  # field -> column as headed in the file
        self.complaints: dict[object, tuple[int, tuple]] = {}
        self.letters: dict[object, tuple[int, tuple]] = {}
        self.responses: dict[object, tuple[int, tuple]] = {}
        self._agency_keys: dict[str, str] = {}

    def check(self, number: int, row: tuple) -> list[RowError]:
        """A valid row's conflicts with earlier rows; it is registered when there are none."""
        agency = self._agency_key(row[_AGENCY])
        items = [(self.complaints, row[_AGENDA], _complaint_of(row), "complaint")]
        if row[_LETTER_NO] is not None:
            content = (*_letter_of(row), agency)
            items.append((self.letters, row[_LETTER_NO], content, "letter"))
        if row[_RESPONSE_NO] is not None:
            key = (agency, row[_RESPONSE_NO])
            items.append((self.responses, key, _response_of(row), "response"))
        errors: list[RowError] = []
        for seen, key, content, kind in items:
            first = seen.get(key)
            if first is not None and first[1] != content:
                errors += self._conflicts(number, row, kind, first, content)
        if not errors:
            for seen, key, content, _ in items:
                seen.setdefault(key, (number, content))
        return errors

    def _conflicts(
        self, number: int, row: tuple, kind: str, first: tuple[int, tuple], content: tuple
    ) -> list[RowError]:
        """The errors for a row that disagrees with the first row of its complaint or letter."""
        key = f"import.error.{kind}_conflict"
        if kind == "complaint":
            params = {"agenda_no": row[_AGENDA], "first_row": first[0]}
            return [
                RowError(number, self.headers[name], key, params)
                for name, old, new in zip(COMPLAINT_FIELDS, first[1], content, strict=True)
                if old != new
            ]
        field = f"{kind}_no"
        params = {field: row[FIELDS.index(field)], "first_row": first[0]}
        return [RowError(number, self.headers[field], key, params)]

    def _agency_key(self, name: object) -> str | None:
        """The agency's matching key (case and spacing ignored), computed once per name."""
        if name is None:
            return None
        key = self._agency_keys.get(name)
        if key is None:
            key = self._agency_keys[name] = normalise_name(str(name))
        return key
