"""CSV files in mixed encodings: each line read in its own, and the user told which."""

from __future__ import annotations

import pytest

from dumas.importer import import_file
from dumas.importer.import_report import count_lines
from dumas.importer.model import ImportFileError
from dumas.importer.reading import read_table
from tests import hostile_files as hf
from tests.conftest import ANALYST, TODAY

HEADERS = ["No Agenda", "Tanggal Diterima", "Pengadu", "Ringkasan"]
ROWS = [
    ["DM-001", "02/03/2026", "Siti Aminah", "Jalan rusak – mohon perbaikan"],
    ["DM-002", "03/03/2026", "José Núñez", "Café “Señor” ditutup"],
    ["DM-003", "04/03/2026", "Ahmad Fauzi", "Izin usaha — tertunda"],
    ["DM-004", "05/03/2026", "Zoë Brontë", "Tarif naik 10 €"],
]


def _csv(windows_lines: set[int]) -> bytes:
    """The table with the given lines (1 is the header) saved as Windows-1252."""
    return hf.csv_bytes([HEADERS, *ROWS], lambda n: "cp1252" if n in windows_lines else "utf-8")


def test_a_utf8_file_with_one_windows_1252_row_keeps_every_row_as_written():
    table = read_table(_csv({3}), "campur.csv")
    assert [cells for _, cells in table.rows] == ROWS  # no â€“ and no Ã© anywhere
    (notice,) = table.notices
    assert notice.key == "import.notice.cp1252_rows"
    assert notice.params == {"rows": "3", "count": 1}


def test_a_wholly_windows_1252_file_gets_one_notice_for_the_whole_file():
    table = read_table(_csv({1, 2, 3, 4, 5}), "ansi.csv")
    assert [cells for _, cells in table.rows] == ROWS
    assert [(n.key, n.params) for n in table.notices] == [("import.notice.cp1252_file", {})]


def test_a_utf8_file_gets_no_notice():
    table = read_table(b"\xef\xbb\xbf" + _csv(set()), "utf8.csv")
    assert table.headers[0] == "No Agenda"  # the BOM is not part of the first heading
    assert [cells for _, cells in table.rows] == ROWS
    assert table.notices == []


def test_a_row_is_named_by_its_record_even_when_a_quoted_cell_spans_lines():
    text = 'No Agenda,Tanggal Diterima,Ringkasan\r\nDM-1,02/03/2026,"baris satu\r\nbaris dua"\r\n'
    data = (
        text.encode()
        + "DM-2,03/03/2026,Café\r\n".encode("cp1252")
        + "DM-3,04/03/2026,Zoë\r\n".encode()
    )
    table = read_table(data, "baris.csv")
    assert [cells[2] for _, cells in table.rows] == ["baris satu\r\nbaris dua", "Café", "Zoë"]
    assert table.notices[0].params == {"rows": "3", "count": 1}  # the sheet row number, as errors


def test_many_windows_1252_rows_are_counted_and_the_first_twenty_named():
    rows = [["No Agenda", "Ringkasan"], ["DM-0", "Zoë"]]
    rows += [[f"DM-{n}", "Café"] for n in range(1, 31)]
    data = hf.csv_bytes(rows, lambda n: "cp1252" if n > 2 else "utf-8")
    (notice,) = read_table(data, "banyak.csv").notices
    assert notice.params["count"] == 30
    assert notice.params["rows"] == ", ".join(str(n) for n in range(3, 23)) + ", …"


def test_bytes_that_windows_1252_leaves_undefined_make_the_file_unreadable():
    data = _csv(set()) + b"DM-9,06/03/2026,\x81\x8d\r\n"
    with pytest.raises(ImportFileError) as caught:
        read_table(data, "rusak.csv")
    assert caught.value.key == "import.error.unreadable"


def test_the_import_report_names_the_rows_read_as_windows_1252_in_both_languages(db):
    rows = [hf.HEADERS, *hf.data_rows(3)]
    rows[2][2] = "José Núñez"
    data = hf.csv_bytes(rows, lambda n: "cp1252" if n == 3 else "utf-8")
    report = import_file(db, ANALYST, data, "campur.csv", today=TODAY, dry_run=True)
    assert not report.errors
    assert count_lines(report, "id")[-1] == (
        "1 baris dibaca sebagai Windows-1252, baris lainnya sebagai UTF-8: baris 3. "
        "Periksa huruf beraksen dan tanda baca pada baris itu."
    )
    assert count_lines(report, "en")[-1].startswith(
        "Rows read as Windows-1252, the other rows as UTF-8: 3 (1 in all)."
    )
    assert report.table.rows[1][1][2] == "José Núñez"
