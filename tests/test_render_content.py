"""What the monitoring documents say, as printed (issue 15): the letter to an agency addressed
to its head and city, a report's paragraphs kept and long text printed whole, an indirect
monitoring's basis without a Surat Perintah, the plan period with its year.

One batch per module (one LibreOffice start); the realistic monitoring of tests/realistic.py.
The report's narrative goes through the service's cleaning (report_values), and the period
is the name the plan service stores for a chosen report period, as the app stores them.
"""

from __future__ import annotations

import re

import pytest

from dumas.domain.periods import plan_period
from dumas.periodic.contents import period_name
from dumas.render.documents import (
    DOTS,
    assignment_letter,
    files_to_clarify,
    letter_to_agency,
    memo_to_deputi,
    substance_report,
)
from dumas.services.monitoring_records import report_values
from tests.realistic import (
    AGENCY_LETTER,
    ON,
    indirect,
    long_analysis,
    monitoring,
    settings,
)
from tests.render_support import Pdf, render, to_pdf

pytestmark = render

ANALYSIS = long_analysis(10_000)
REPORT = {
    **monitoring().report,
    "analysis": ANALYSIS,
}
PERIOD = period_name(plan_period("2026-S1"), "id")  # as create_plan stores it


def _stored(**overrides: object) -> dict:
    """A monitoring whose narrative and period are as the services store them."""
    return {"report": report_values(REPORT), "plan_period": PERIOD, **overrides}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pdf]:
    """The agency letter, the direct and indirect reports, the documents citing the plan."""
    direct, other = monitoring(**_stored()), indirect(**_stored())
    files = {
        "letter.docx": letter_to_agency(settings(), other, ON),
        "unaddressed.docx": letter_to_agency(
            settings(), indirect(agency_head=None, agency_city=None), ON
        ),
        "report.docx": substance_report(settings(), direct, ON),
        "indirect.docx": substance_report(settings(), other, ON),
        "memo.docx": memo_to_deputi(settings(), direct, ON),
        "assignment.docx": assignment_letter(settings(), direct, ON),
        "clarify.docx": files_to_clarify(settings(), other, ON),
    }
    return to_pdf(files, tmp_path_factory.mktemp("content"))


def _stripped(pdf: Pdf) -> list[str]:
    return [line.strip() for line in pdf.lines()]


def _body(pdf: Pdf) -> str:
    """The printed text without the page numbers (a line holding a number only)."""
    return "\n".join(x for x in pdf.lines() if not x.strip().isdigit())


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def test_the_agency_letter_is_addressed_to_the_heads_title_and_the_agencys_city(printed):
    lines = _stripped(printed["letter"])
    at = lines.index("Yth. Jaksa Agung Republik Indonesia")
    assert lines[at : at + 3] == [
        "Yth. Jaksa Agung Republik Indonesia",
        "Kejaksaan Agung Republik Indonesia",
        "di Jakarta",
    ]
    text = printed["letter"].text
    assert "Pimpinan" not in text and "di Tempat" not in text


def test_an_agency_letter_lacking_the_head_or_city_prints_dots_for_the_editor_not_a_guess(
    printed,
):
    lines = _stripped(printed["unaddressed"])
    at = lines.index(f"Yth. {DOTS}")
    assert lines[at : at + 3] == [
        f"Yth. {DOTS}",
        "Kejaksaan Agung Republik Indonesia",
        f"di {DOTS}",
    ]
    text = printed["unaddressed"].text
    assert "Pimpinan" not in text and "Tempat" not in text


def test_each_paragraph_of_a_report_narrative_prints_as_its_own_paragraph(printed):
    lines = _stripped(printed["report"])
    # Two one-line paragraphs of the execution: each alone on its line, not run together.
    assert "Hari pertama: rapat koordinasi." in lines
    assert "Hari kedua: klarifikasi berkas." in lines
    # The introduction's second paragraph starts a line of its own.
    second = next(i for i, x in enumerate(lines) if x.startswith("Pemantauan ini merupakan"))
    assert lines[second - 1].endswith("Semester I.")  # the first one ends the line before


def test_a_ten_thousand_character_analysis_prints_whole_in_its_three_paragraphs(printed):
    pdf = printed["report"]
    assert len(ANALYSIS) >= 10_000
    printed_text = _squash(_body(pdf))
    paragraphs = ANALYSIS.splitlines()
    assert len(paragraphs) == 3
    for paragraph in paragraphs:
        assert _squash(paragraph) in printed_text  # every finding, word for word
    starts = [p.split(":", 1)[0] + ":" for p in paragraphs]  # "Temuan 001:", ...
    lines = _stripped(pdf)
    assert all(any(line.startswith(start) for line in lines) for start in starts)


def test_the_indirect_report_rests_on_the_approval_and_the_letter_never_a_surat_perintah(
    printed,
):
    pdf = printed["indirect"]
    text = _squash(pdf.text)
    assert "Surat Perintah" not in text
    assert (
        "Persetujuan Asisten Deputi Pengaduan Masyarakat atas pelaksanaan pemantauan dalam "
        "Rencana Pemantauan Semester I periode Semester I 2026 pada tanggal 4 Mei 2026;"
    ) in text
    number = AGENCY_LETTER["letter_no"]
    assert f"Nomor {number} tanggal 12 Mei 2026." in text
    assert pdf.on_one_line(number)


def test_the_direct_report_still_rests_on_its_surat_perintah(printed):
    assert "Surat Perintah Nomor" in _squash(printed["report"].text)


@pytest.mark.parametrize("name", ["memo", "assignment", "clarify", "indirect"])
def test_the_plan_period_prints_with_its_year_in_the_basis(printed, name):
    text = _squash(printed[name].text)
    assert "Rencana Pemantauan Semester I periode Semester I 2026" in text
