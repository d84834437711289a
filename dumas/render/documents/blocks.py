"""Blocks several documents share: the memorandum head, the letters and team tables."""

from __future__ import annotations

from collections.abc import Sequence

from docx.document import Document

from dumas.render.documents.common import DOTS, clean, count, date_text
from dumas.render.documents.docx_tables import grid_table, label_block
from dumas.render.documents.inputs import CitedLetter, TeamMember
from dumas.render.documents.layout import SIGNATURE_INDENT, page_break, para, rule, title

# The agenda number, the letter number and its date stacked in one column: each whole, and
# room left for the summary.
LETTER_HEADER = ("No", "No Agenda, Nomor dan Tanggal Surat Penerusan", "Ringkasan", "Status")
TEAM_HEADER = ("No", "Nama", "NIP", "Pangkat/Golongan", "Jabatan")


def memo_head(doc: Document, number: str, rows: Sequence[tuple[str, object]]) -> None:
    """ "MEMORANDUM" with its number, the Yth./Dari/Hal/Tanggal labels and a rule."""
    para(doc, "MEMORANDUM", bold=True, align="center")
    para(doc, f"Nomor {number}", align="center")
    para(doc)
    label_block(doc, rows)
    rule(doc.paragraphs[-1])
    para(doc)


def letters_table(doc: Document, letters: Sequence[CitedLetter]) -> None:
    """The forwarding letters to clarify: agenda number, number and date, summary, status."""
    rows = [
        [
            str(i),
            "\n".join(
                (
                    clean(letter.get("agenda_no")),
                    clean(letter.get("letter_no")),
                    date_text(letter.get("letter_date")),
                )
            ),
            clean(letter.get("summary")),
            _status(letter),
        ]
        for i, letter in enumerate(letters, 1)
    ]
    grid_table(doc, LETTER_HEADER, rows or [["1", DOTS, DOTS, DOTS]], (1.0, 6.0, 6.0, 3.0))


def team_table(doc: Document, team: Sequence[TeamMember]) -> None:
    """The team: No, Nama, NIP, Pangkat/Golongan, Jabatan."""
    rows = [
        [str(i), *(clean(m.get(k)) for k in ("name", "nip", "rank", "position"))]
        for i, m in enumerate(team, 1)
    ]
    grid_table(doc, TEAM_HEADER, rows or [["1", DOTS, DOTS, DOTS, DOTS]], (1.0, 4.5, 4.0, 3.0, 3.5))


def attachment_head(doc: Document, of: str, number: str, on_text: str, heading: str) -> None:
    """A new page headed "Lampiran" naming the document it belongs to, then its title."""
    page_break(doc)
    for line in ("Lampiran", of, f"Nomor {number}", f"Tanggal {on_text}"):
        para(doc, line, align="left").paragraph_format.left_indent = SIGNATURE_INDENT
    para(doc)
    title(doc, heading)


def _status(letter: CitedLetter) -> str:
    """The follow-up status label, with the age in working days when known."""
    status = clean(letter.get("status"))
    age = letter.get("age_wd")
    return status if age is None else f"{status} ({count(age)} hari kerja)"
