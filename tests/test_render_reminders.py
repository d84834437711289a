"""Reminder letters (surat konfirmasi) as printed: LibreOffice to PDF, the pages read back.

A konfirmasi I listing 30 letters, and lists a few letters longer or shorter so that one of
them pushes the signature block to a page end: the block (title, name, NIP), with the
closing sentence above it, always prints whole on one page. The combined file prints each
letter from a new page with the letterhead on its first page. One LibreOffice start.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dumas.domain.reminders import ListedLetter, ReminderLetter
from dumas.render import reminders as files
from dumas.render.documents.agency_letter import CLOSING
from tests.realistic import settings
from tests.render_support import Pdf, render, to_pdf
from tests.test_documents import ASDEP, KOP

pytestmark = render
ON = dt.date(2026, 11, 27)
LENGTHS = (26, 28, 30, 32, 34)  # listed letters; 30 is the issue's
BLOCK = f"{CLOSING} {ASDEP['title']}, {ASDEP['name']} NIP {ASDEP['nip']}"


def _letter(n: int, kind: str = "konfirmasi_1", agency: int = 1) -> ReminderLetter:
    listed = tuple(
        ListedLetter(
            forwarding_id=i, complaint_id=i, agenda_no=f"PM-2026/01/{1234 + i:05d}",
            letter_no=f"B-{1187 + i}/Kemensetneg/D-4/DM.04.02/01/2026",
            letter_date=dt.date(2026, 1, 5 + i % 25),
            subject="Keterlambatan pembayaran ganti rugi pembebasan lahan jalan nasional "
            f"di Kabupaten Nomor {i}",
            age_wd=1194 + i,
            first_reminder_no=f"B-{4400 + i}/Kemensetneg/D-4/DM.04.01/06/2026"
            if kind == "konfirmasi_2" else None,
            first_reminder_on=dt.date(2026, 6, 1) if kind == "konfirmasi_2" else None,
        )
        for i in range(1, n + 1)
    )  # fmt: skip
    return ReminderLetter(
        agency_id=agency, agency=f"Kejaksaan Agung Republik Indonesia {agency}",
        agency_head="Jaksa Agung Republik Indonesia", agency_city="Jakarta", kind=kind,
        letters=listed,
    )  # fmt: skip


COMBINED = (_letter(3, agency=1), _letter(12, "konfirmasi_2", agency=2), _letter(2, agency=3))


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pdf]:
    sources = {
        f"konfirmasi-{n}.docx": files.combined_document(settings(), [_letter(n)], ON)
        for n in LENGTHS
    }
    sources["konfirmasi-ii-30.docx"] = files.combined_document(
        settings(), [_letter(30, "konfirmasi_2")], ON
    )
    sources["gabungan.docx"] = files.combined_document(settings(), COMBINED, ON)
    return to_pdf(sources, tmp_path_factory.mktemp("reminders"))


def _on_one_page(pdf: Pdf, text: str) -> bool:
    want = " ".join(text.split())
    return any(want in " ".join(page.split()) for page in pdf.pages)


@pytest.mark.parametrize("name", [*(f"konfirmasi-{n}" for n in LENGTHS), "konfirmasi-ii-30"])
def test_a_long_list_of_letters_prints_with_the_signature_block_whole(printed, name):
    pdf = printed[name]
    assert len(pdf.pages) >= 2  # the list runs over the first page
    assert _on_one_page(pdf, BLOCK)


def test_thirty_listed_letters_print_every_agenda_and_letter_number_whole(printed):
    pdf = printed["konfirmasi-30"]
    numbers = [n for y in _letter(30).letters for n in (y.agenda_no, y.letter_no)]
    assert [x for x in numbers if not pdf.on_one_line(x)] == []
    assert min(w.height for w in pdf.words()) >= 9 * 1.1  # nothing below 9 pt


def test_the_list_header_repeats_on_the_page_it_runs_onto(printed):
    pdf = printed["konfirmasi-30"]
    last = pdf.page_of("PM-2026/01/01264")  # the 30th letter
    assert last > 0 and "No Agenda" in pdf.pages[last]


def test_the_combined_file_starts_each_letter_on_a_new_page_under_the_letterhead(printed):
    pdf = printed["gabungan"]
    starts = [pdf.page_of(f"Kejaksaan Agung Republik Indonesia {n}") for n in (1, 2, 3)]
    assert starts[0] == 0 and starts[0] < starts[1] < starts[2]
    for page in starts:
        assert KOP[0] in pdf.pages[page]
    # each letter ends (its signature) before the next one starts
    ends = [i for i, page in enumerate(pdf.pages) if ASDEP["nip"] in page]
    assert len(ends) == 3 and ends[0] < starts[1] and ends[1] < starts[2]
