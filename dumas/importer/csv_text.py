"""CSV files as text and records (reader child), each line in the encoding it was written in.

A CSV saved by Excel on Windows is Windows-1252; one put together from several sources
may be UTF-8 with a few Windows-1252 lines pasted in. Decoding the whole file as
Windows-1252 because one line is not UTF-8 would garble every accented letter of the
other lines, so a file that is not wholly UTF-8 is decoded line by line: UTF-8 where the
line is valid UTF-8, else Windows-1252. The rows read as Windows-1252 are reported.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator

from dumas.importer.model import ImportFileError

MAX_FIELD_CHARS = 32_767  # one cell, as in Excel
MAX_ROWS_LISTED = 20  # rows named in the notice; the rest are counted
_BOM = b"\xef\xbb\xbf"


class CsvText:
    """A CSV file decoded, with the lines (1-based) that were read as Windows-1252."""

    def __init__(self, data: bytes, filename: str) -> None:
        self.filename = filename
        if b"\x00" in data:  # a binary file, or UTF-16, renamed to .csv
            raise ImportFileError("import.error.unreadable", {"filename": filename})
        self.latin_lines: set[int] = set()
        self.utf8_lines = 0  # lines with letters beyond ASCII read as UTF-8
        self.latin_records: list[int] = []
        try:
            self.text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.text = self._by_line(data)

    def _by_line(self, data: bytes) -> str:
        """Each line as UTF-8 if it is valid UTF-8, else as Windows-1252."""
        lines = data.removeprefix(_BOM).splitlines(keepends=True)
        decoded = []
        for number, line in enumerate(lines, start=1):
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                text = self._latin(line, number)
            else:
                self.utf8_lines += not line.isascii()
            decoded.append(text)
        return "".join(decoded)

    def _latin(self, line: bytes, number: int) -> str:
        try:
            text = line.decode("cp1252")
        except UnicodeDecodeError as exc:  # bytes Windows-1252 leaves undefined
            raise ImportFileError("import.error.unreadable", {"filename": self.filename}) from exc
        self.latin_lines.add(number)
        return text

    def records(self, separator: str, limit: int | None = None) -> Iterator[list[str]]:
        """The records (a quoted cell may span lines), noting those read as Windows-1252."""
        csv.field_size_limit(MAX_FIELD_CHARS)
        reader = csv.reader(io.StringIO(self.text, newline=""), delimiter=separator)
        before = number = 0
        try:
            for number, record in enumerate(itertools.islice(reader, limit), start=1):
                if self.latin_lines and limit is None:
                    lines = range(before + 1, reader.line_num + 1)
                    if not self.latin_lines.isdisjoint(lines):
                        self.latin_records.append(number)
                    before = reader.line_num
                yield record
        except csv.Error as exc:
            raise self._error(exc, number + 1) from exc

    def _error(self, exc: csv.Error, row: int) -> ImportFileError:
        if "field limit" in str(exc):
            params = {"filename": self.filename, "row": row, "max": MAX_FIELD_CHARS}
            return ImportFileError("import.error.csv_field_too_long", params)
        return ImportFileError("import.error.unreadable", {"filename": self.filename})

    def notices(self) -> list[tuple[str, dict[str, object]]]:
        """What the reader should be told about the encoding, once the records are read."""
        if not self.latin_lines:
            return []
        if not self.utf8_lines:
            return [("import.notice.cp1252_file", {})]
        rows = self.latin_records
        shown = ", ".join(str(row) for row in rows[:MAX_ROWS_LISTED])
        if len(rows) > MAX_ROWS_LISTED:
            shown += ", …"
        return [("import.notice.cp1252_rows", {"rows": shown, "count": len(rows)})]
