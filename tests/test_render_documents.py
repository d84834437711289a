"""The monitoring documents as printed: LibreOffice to PDF, the pages read back.

One batch per module (one LibreOffice start); the realistic monitoring of tests/realistic.py,
the Surat Perintah for both signers, and variants whose body pushes the signature block to a
page end (where the block split before it was kept together).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from dumas.render.documents import DRAFTS, FINANCIAL_REPORT
from dumas.render.documents.common import DOTS, letter_number
from dumas.render.documents.inputs import DocumentSettings, MonitoringDocument
from tests.realistic import COSTS, ON, TEAM, letters, monitoring, settings
from tests.render_support import Pdf, render, to_pdf
from tests.test_documents import ASDEP, DEPUTI, PPK, open_docx

pytestmark = render

DATED = "Jakarta, 12 Mei 2026"
LEAD = TEAM[0]
ASDEP_LED = "surat_tugas_asdep_led"  # the Surat Perintah of an Asdep-led monitoring: the PPK signs


def _block(signer: dict, dated: bool = True) -> str:
    """The signature block as read down the page: place and date, title, name, NIP."""
    lines = [DATED] if dated else []
    return " ".join([*lines, f"{signer['title']},", signer["name"], f"NIP {signer['nip']}"])


_TEAM_LEAD = {"title": "Ketua Tim", "name": LEAD["name"], "nip": LEAD["nip"]}
# Each printed document with its signature block.
BLOCKS = {
    "memo_deputi": _block(ASDEP, dated=False),
    "surat_tugas": _block(ASDEP),  # a Kabid-led monitoring: the Asdep signs
    ASDEP_LED: _block(PPK),
    "memo_keuangan": _block(PPK, dated=False),
    "daftar_berkas": _block(_TEAM_LEAD),
    "surat_instansi": _block(ASDEP, dated=False),  # dated in the head, right of the number
    "laporan_substansi": _block(_TEAM_LEAD),
    FINANCIAL_REPORT: _block(_TEAM_LEAD),
}

Variant = Callable[[int], tuple[DocumentSettings, MonitoringDocument]]


def _basis(n: int) -> DocumentSettings:
    return settings(legal_basis=[f"Peraturan Nomor {i} Tahun 2020" for i in range(1, n + 2)])


_EXTRA_COST = {"item": "transport", "person": None, "planned": 100_000, "actual": 100_000}
# Bodies lengthened by n lines, for n where the old layout split the signature block over two
# pages (the place and date at the foot of one page, the rest on the next); several n each,
# so that a page a line longer or shorter elsewhere still puts the block at a page end.
LONG: dict[str, tuple[str, Variant, tuple[int, ...]]] = {
    "laporan_substansi": (
        "laporan_substansi",
        lambda n: (
            settings(),
            monitoring(report={"analysis": "\n".join(f"Paragraf {i}." for i in range(n))}),
        ),
        (28, 30, 32, 34, 36),
    ),
    "surat_tugas": ("surat_tugas", lambda n: (_basis(n), monitoring()), (0, 1, 2, 3)),
    ASDEP_LED: ("surat_tugas", lambda n: (_basis(n), monitoring(level="asdep")), (0, 1, 2, 3)),
    FINANCIAL_REPORT: (
        FINANCIAL_REPORT,
        lambda n: (settings(), monitoring(costs=COSTS + [_EXTRA_COST] * n)),
        (14, 17, 20),
    ),
    "daftar_berkas": (
        "daftar_berkas",
        lambda n: (settings(), monitoring(plan_title="\n".join(["Rencana Pemantauan"] * n))),
        (6, 8, 10, 12),
    ),
}


def _sources() -> dict[str, bytes]:
    files = {f"{kind}.docx": build(settings(), monitoring(), ON) for kind, build in DRAFTS.items()}
    files[f"{ASDEP_LED}.docx"] = DRAFTS["surat_tugas"](settings(), monitoring(level="asdep"), ON)
    for name, (kind, variant, lengths) in LONG.items():
        for n in lengths:
            files[f"long-{name}-{n}.docx"] = DRAFTS[kind](*variant(n), ON)
    return files


@pytest.fixture(scope="module")
def sources() -> dict[str, bytes]:
    """Every draft of the realistic monitoring, the Asdep-led Surat Perintah, the long ones."""
    return _sources()


@pytest.fixture(scope="module")
def printed(sources: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pdf]:
    """The documents of `sources`, printed."""
    return to_pdf(sources, tmp_path_factory.mktemp("documents"))


@pytest.mark.parametrize("kind", sorted(DRAFTS))
def test_every_monitoring_document_prints_with_the_letterhead_on_its_first_page(
    printed: dict[str, Pdf], kind: str
):
    pdf = printed[kind]
    assert pdf.page_of("KEMENTERIAN SEKRETARIAT NEGARA REPUBLIK INDONESIA") == 0
    assert len(pdf.pages) >= 1


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_the_signers_title_name_and_nip_print_together_on_one_page(
    printed: dict[str, Pdf], name: str
):
    assert _on_one_page(printed[name], BLOCKS[name])


LONG_CASES = [(name, n) for name, (_, _, lengths) in LONG.items() for n in lengths]


@pytest.mark.parametrize(("name", "n"), LONG_CASES)
def test_a_signature_block_pushed_to_a_page_end_moves_to_the_next_page_whole(
    printed: dict[str, Pdf], name: str, n: int
):
    assert _on_one_page(printed[f"long-{name}-{n}"], BLOCKS[name])


@pytest.mark.parametrize("n", LONG["laporan_substansi"][2])
def test_the_closing_sentence_stays_on_the_page_of_the_signature_block(
    printed: dict[str, Pdf], n: int
):
    closing = "Sekretaris Negara dan Presiden/Wakil Presiden."
    assert _on_one_page(
        printed[f"long-laporan_substansi-{n}"], f"{closing} {BLOCKS['laporan_substansi']}"
    )


def _on_one_page(pdf: Pdf, text: str) -> bool:
    """Whether one page prints `text` whole, its lines one after the other."""
    want = " ".join(text.split())
    return any(want in " ".join(page.split()) for page in pdf.pages)


def _numbers() -> list[str]:
    """Every money amount, NIP, letter number and agenda number the fixture can print."""
    rupiah = {
        f"Rp{amount:,}".replace(",", ".")
        for cost in COSTS
        for amount in (cost["planned"], cost["actual"])
    }
    rupiah |= {"Rp23.610.000", "Rp23.672.500", "−Rp462.500", "Rp525.000", "Rp62.500"}
    nips = {m["nip"] for m in TEAM} | {o["nip"] for o in (ASDEP, DEPUTI, PPK)}
    numbers = {x for letter in letters() for x in (letter["letter_no"], letter["agenda_no"])}
    numbers |= {f"B-{201 + i}/H/Hjw/05/2026" for i in range(4)}  # the agency's, as evidence
    drafts = {letter_number(settings(), k, ON) for k in ("surat_tugas", "memo_deputi")}
    return sorted(rupiah | nips | numbers | drafts | {DOTS})


def _text(data: bytes) -> str:
    """Every paragraph and cell of a .docx, as one text."""
    doc = open_docx(data)
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_no_money_amount_nip_letter_or_agenda_number_wraps(
    printed: dict[str, Pdf], sources: dict[str, bytes], name: str
):
    written = _text(sources[f"{name}.docx"])
    numbers = [x for x in _numbers() if x in written]
    assert numbers  # each document prints some
    pdf = printed[name]
    assert [x for x in numbers if not pdf.on_one_line(x)] == []


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_no_table_header_wraps_inside_a_short_word_and_no_text_prints_below_9_pt(
    printed: dict[str, Pdf], name: str
):
    words = printed[name].words()
    assert not [w for w in words if w.text in {"N", "o"}]  # "No" printed as "N" over "o"
    smallest = min(w.height for w in words)
    assert smallest >= 9 * 1.1


def _column_edges(pdf: Pdf, page: int, pattern: str) -> dict[int, int]:
    """How many amounts end at each x (points, rounded), on `page`."""
    edges: dict[int, int] = {}
    for word in pdf.words():
        if word.page == page and re.fullmatch(pattern, word.text):
            edges[round(word.x1)] = edges.get(round(word.x1), 0) + 1
    return edges


def test_the_financial_reports_amounts_align_right_in_their_three_columns(
    printed: dict[str, Pdf],
):
    pdf = printed[FINANCIAL_REPORT]
    page = pdf.page_of("JUMLAH")
    edges = _column_edges(pdf, page, r"−?Rp[\d.]+")
    # planned, actual, difference: each column's amounts end at one x, whatever their length
    assert sorted(edges.values()) == [6, 6, 6]


def test_the_travel_memos_cost_estimate_aligns_its_amounts_right(printed: dict[str, Pdf]):
    pdf = printed["memo_keuangan"]
    page = pdf.page_of("RINCIAN PERKIRAAN BIAYA")
    assert list(_column_edges(pdf, page, r"Rp[\d.]+").values()) == [len(COSTS) + 1]


@pytest.mark.parametrize(
    ("name", "copies"),
    [
        ("memo_deputi", ["Tembusan:", PPK["title"]]),
        ("memo_keuangan", ["Tembusan:", f"1. {DEPUTI['title']}", f"2. {ASDEP['title']}"]),
        ("surat_tugas", ["Tembusan:", f"1. {DEPUTI['title']}", "2. Kepala Biro Keuangan"]),
        ("surat_instansi", ["Tembusan:", DEPUTI["title"]]),
    ],
)
def test_the_tembusan_prints_after_the_signature(
    printed: dict[str, Pdf], name: str, copies: list[str]
):
    pdf = printed[name]
    assert _on_one_page(pdf, " ".join(copies))  # the heading with its whole list
    assert pdf.page_of(" ".join(copies)) >= pdf.page_of(BLOCKS[name])


@pytest.mark.parametrize("name", ["memo_deputi", "memo_keuangan"])
def test_a_memorandums_attachment_line_reads_one_file_in_figures_and_words(
    printed: dict[str, Pdf], name: str
):
    assert re.search(r"Lampiran\s+:\s+1 \(satu\) berkas", printed[name].pages[0])


@pytest.mark.parametrize("name", ["memo_deputi", "daftar_berkas"])
def test_working_days_print_with_the_thousands_separator(printed: dict[str, Pdf], name: str):
    text = printed[name].text
    assert "(1.194 hari" in text and "1194" not in text


@pytest.mark.parametrize("name", ["surat_tugas", ASDEP_LED, "memo_keuangan"])
def test_no_team_members_row_breaks_across_two_pages(printed: dict[str, Pdf], name: str):
    """The Surat Perintah's team table reaches the foot of page 1 with the realistic team:
    each member's name, NIP and pangkat print on one page."""
    pdf = printed[name]
    for member in TEAM:
        surname = member["name"].split(",")[0].split()[-1]  # the last word of the name
        assert pdf.page_of(member["nip"]) == pdf.page_of(surname), member["name"]
        assert pdf.page_of(member["nip"]) == pdf.page_of(member["rank"].split("(")[1]), member
