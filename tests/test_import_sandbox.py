"""The reader child: whatever a file does to the parser, only the child pays for it.

These tests run real child processes: a native abort of calamine, an exhausted memory
limit and an expired time limit each end the child and come back as a refusal saying
"Berkas tidak dapat dibaca" with the reason, while this process (the server) goes on.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import pickle
import signal
import subprocess
import sys

import pytest

from dumas import i18n
from dumas.config import ROOT
from dumas.importer import sandbox
from dumas.importer.model import ImportFileError
from dumas.importer.reader_child import EXIT_MEMORY
from dumas.importer.reading import read_table, sheet_names
from tests import hostile_files as hf

RUST_OUT_OF_MEMORY = b"memory allocation of 549755813888 bytes failed\n"


def _refusal(data: bytes, filename: str = "rekap.xlsx") -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        read_table(data, filename)
    return caught.value


def _text(error: ImportFileError, lang: str = "id") -> str:
    return i18n.t(error.key, lang, **i18n.display_params(error.params, lang))


def test_a_native_abort_of_the_parser_ends_the_child_only_and_reads_as_out_of_memory():
    # A false dimension lets calamine meet the far cell: it asks for 512 GiB and aborts.
    data = hf.xlsx([*hf.table_cells(1), ("XFD1048576", "x")], dimension="A1:Q2")
    frames = sandbox.frames("table", data, "stray.xlsx")
    with pytest.raises(ImportFileError) as caught:
        list(frames)
    assert caught.value.key == "import.error.read_memory"
    assert _text(caught.value) == (
        "Berkas tidak dapat dibaca: membaca “stray.xlsx” melampaui batas memori 512 MB. "
        "Kosongkan sel yang tidak perlu (misalnya sel terisi jauh di luar tabel), lalu coba lagi."
    )


def test_a_sheet_that_declared_too_little_is_read_again_by_its_used_cells():
    data = hf.xlsx([*hf.table_cells(1), ("XFD1048576", " ")], dimension="A1:Q2")
    table = read_table(data, "stray.xlsx")
    assert [number for number, _ in table.rows] == [2]
    assert len(table.headers) == len(hf.HEADERS)


def test_a_file_needing_more_than_the_memory_limit_is_refused_with_the_limit(monkeypatch):
    monkeypatch.setenv("DUMAS_READ_MEMORY_MB", "24")
    data = hf.xlsx(hf.grid([hf.HEADERS, *hf.data_rows(20_000)]), shared=True)
    error = _refusal(data, "besar.xlsx")
    assert error.key == "import.error.read_memory"
    assert _text(error, "en").startswith(
        "The file cannot be read: reading “besar.xlsx” went over the memory limit of 24 MB."
    )


def test_a_read_over_the_time_limit_is_stopped_and_refused(monkeypatch):
    monkeypatch.setenv("DUMAS_READ_SECONDS", "0")  # the watchdog fires at once
    error = _refusal(hf.xlsx(hf.table_cells(1)))
    assert error.key == "import.error.read_timeout"
    assert _text(error) == (
        "Berkas tidak dapat dibaca: membaca “rekap.xlsx” melampaui batas waktu 0 detik."
    )


@pytest.mark.parametrize(
    ("status", "stderr", "timed_out", "key"),
    [
        (
            -signal.SIGABRT,
            b"memory allocation of 549755813888 bytes failed\n",
            False,
            "read_memory",
        ),
        (EXIT_MEMORY, b"", False, "read_memory"),
        (-signal.SIGKILL, b"", False, "read_memory"),  # the kernel's out-of-memory killer
        (-signal.SIGKILL, b"", True, "read_timeout"),  # our watchdog
        (-signal.SIGXCPU, b"", False, "read_timeout"),
        (-signal.SIGSEGV, b"", False, "read_crash"),
        (-signal.SIGABRT, b"thread panicked\n", False, "read_crash"),
        (1, b"Traceback (most recent call last):\n", False, "read_crash"),
    ],
)
def test_each_way_a_child_can_die_has_its_reason(status, stderr, timed_out, key):
    child = sandbox._Child("table", "rekap.xlsx", "")
    child.timed_out = timed_out
    error = sandbox._error(status, stderr, child, too_much=False)
    assert error.key == f"import.error.{key}"
    assert _text(error).startswith("Berkas tidak dapat dibaca: ")
    child.stderr.close()


def test_the_child_may_send_back_only_plain_values_and_dates():
    allowed = ("rows", [(2, ["a", 1.5, 3, True, None, dt.date(2026, 3, 2), dt.time(8)])])
    loaded = sandbox._Unpickler(io.BytesIO(pickle.dumps(allowed))).load()
    assert loaded == allowed
    for hostile in (("rows", [(2, [os.system])]), ("rows", {1: frozenset()}, ValueError("x"))):
        with pytest.raises(pickle.UnpicklingError):
            sandbox._Unpickler(io.BytesIO(pickle.dumps(hostile))).load()


def test_a_refusal_from_the_child_must_name_an_import_error():
    from dumas.importer.reading import _refusal as refusal

    assert refusal("import.error.unreadable", {"filename": "x"}).key == "import.error.unreadable"
    with pytest.raises(ValueError):
        refusal("auth.error.locked", {})


def test_sheet_names_of_a_hostile_file_are_none_rather_than_an_error():
    assert sheet_names(hf.encrypted_workbook(), "sandi.xlsx") == []
    assert sheet_names(hf.zip_bomb(), "bom.xlsx") == []
    assert sheet_names(b"PK\x03\x04 rusak", "rusak.xlsx") == []
    book = hf.workbook(hf.sheet_xml(hf.table_cells(1)), sheet_name="Rekap & Data")
    assert sheet_names(book, "rekap.xlsx") == ["Rekap & Data"]


def test_the_reader_child_loads_no_database_or_dataframe_library():
    heavy = {"duckdb", "pandas", "pyarrow", "numpy", "streamlit", "openpyxl"}
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); import dumas.importer.reader_child; "
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {heavy!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", probe, str(ROOT)], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
