"""Surat konfirmasi I and II: the Asdep's letter reminding an agency of the forwarding letters
it has not answered, listing them (issue 20). Laid out as the letter to an agency
(agency_letter.py, docs/letters.md): Nomor/Sifat/Lampiran/Hal with the place and date, Yth.
the head of the agency and its city, the three-part body with the letters as a table,
signature, tembusan.

Several letters make one document, each letter a section of its own: it starts on a new page,
with the letterhead on its first page and its own page numbers (the combined file to print).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence

from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from dumas.domain.codes import ReminderKind
from dumas.domain.reminders import ListedLetter, ReminderLetter
from dumas.render.documents.agency_letter import addressee, head, request_and_sign
from dumas.render.documents.common import (
    clean,
    count,
    date_text,
    letter_number,
)
from dumas.render.documents.docx_tables import grid_table
from dumas.render.documents.inputs import DocumentSettings
from dumas.render.documents.layout import body, new_document, to_bytes

SUBJECTS = {
    ReminderKind.KONFIRMASI_1: "Konfirmasi Tindak Lanjut Penanganan Pengaduan Masyarakat",
    ReminderKind.KONFIRMASI_2: "Konfirmasi II Tindak Lanjut Penanganan Pengaduan Masyarakat",
}
# The agenda number, the forwarding letter's number and its date stacked in one column (and,
# in a konfirmasi II, the first reminder's under them): each whole, and room left for the
# subject (docs/letters.md "Tables").
HEADER = ("No", "No Agenda, Nomor dan Tanggal Surat Penerusan", "Pokok Pengaduan",
          "Umur (hari kerja)")  # fmt: skip
HEADER_II = ("No", "No Agenda, Nomor dan Tanggal Surat Penerusan dan Surat Konfirmasi I",
             "Pokok Pengaduan", "Umur (hari kerja)")  # fmt: skip
_WIDTHS = (1.0, 6.5, 6.5, 2.0)  # cm: proportions, widened by their content
FIRST_REMINDER = "Konfirmasi I:"


def reminder_letters(
    settings: DocumentSettings, letters: Sequence[ReminderLetter], on: dt.date
) -> bytes:
    """The letters in one .docx, each from a new page; a draft (no recorded number) carries
    "..." for its running number and is dated `on`."""
    return Rendered(settings, letters, on).package(range(len(letters)))


class Rendered:
    """Letters written once, each kept as its own run of body elements, so that any of them
    can be packaged as a .docx (one agency's, or all) without writing a letter twice: at
    400 letters, writing each letter for its agency's file and again for the combined file,
    each file a new document, took 26 s; this takes a fraction of it.

    Each packaged letter is a section of its own: it starts on a new page, with the
    letterhead on its first page (every section names the headers itself) and its page
    numbers from 1."""

    def __init__(
        self, settings: DocumentSettings, letters: Sequence[ReminderLetter], on: dt.date
    ) -> None:
        self._doc = new_document(settings)
        body = self._doc.element.body
        self._section = body.get_or_add_sectPr()
        _number_from_one(self._section)
        self._blocks: list[list[BaseOxmlElement]] = []
        for letter in letters:
            _letter(self._doc, settings, letter, on)
            block = [child for child in body if child is not self._section]
            for child in block:
                body.remove(child)
            self._blocks.append(block)
        # Every file holds the same parts but its body (word/document.xml): the others are
        # taken from one saved package instead of being written again for each file.
        with zipfile.ZipFile(io.BytesIO(to_bytes(self._doc))) as saved:
            self._parts = [(info.filename, saved.read(info)) for info in saved.infolist()]
        self._body_part = str(self._doc.part.partname).lstrip("/")

    def package(self, indices: Iterable[int]) -> bytes:
        """The letters at these positions as one .docx, in that order."""
        document = self._body(indices)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self._parts:
                archive.writestr(name, document if name == self._body_part else data)
        return buffer.getvalue()

    def _body(self, indices: Iterable[int]) -> bytes:
        """word/document.xml holding the letters at these positions, each a section."""
        for n, i in enumerate(indices):
            if n:  # the letter before ends its section: a paragraph holding its properties
                brk = OxmlElement("w:p")
                properties = OxmlElement("w:pPr")
                properties.append(copy.deepcopy(self._section))
                brk.append(properties)
                self._section.addprevious(brk)
            for child in self._blocks[i]:
                self._section.addprevious(child)
        try:
            return self._doc.part.blob
        finally:
            body = self._doc.element.body
            for child in [c for c in body if c is not self._section]:
                body.remove(child)


def number_and_date(
    settings: DocumentSettings, letter: ReminderLetter, on: dt.date
) -> tuple[str, dt.date]:
    """The letter's recorded number and date, else the draft number of a letter dated `on`."""
    if letter.letter_no:
        return clean(letter.letter_no), letter.letter_date or on
    return letter_number(settings, letter.kind, on), on


def _letter(doc: Document, settings: DocumentSettings, letter: ReminderLetter, on: dt.date) -> None:
    number, dated = number_and_date(settings, letter, on)
    second = letter.kind == ReminderKind.KONFIRMASI_2
    head(
        doc,
        settings,
        number,
        dated,
        SUBJECTS.get(ReminderKind(letter.kind), SUBJECTS[ReminderKind.KONFIRMASI_1]),
    )
    addressee(doc, letter.agency_head, letter.agency, letter.agency_city)
    n = count(len(letter.letters))
    cited = (
        f"surat kami perihal penerusan pengaduan masyarakat kepada Saudara dan surat "
        f"konfirmasi kami atas surat tersebut, sebanyak {n} surat"
        if second
        else f"surat kami perihal penerusan pengaduan masyarakat kepada Saudara, sebanyak {n} surat"
    )
    body(
        doc,
        f"Menindaklanjuti {cited} sebagaimana tercantum dalam daftar di bawah ini, sampai "
        "dengan tanggal surat ini kami belum menerima informasi mengenai tindak lanjut "
        "penanganan pengaduan masyarakat dimaksud.",
    )
    _table(doc, letter.letters, second)
    request_and_sign(doc, settings, again=second)


def _table(doc: Document, letters: Sequence[ListedLetter], second: bool) -> None:
    """The letters reminded of: the agenda number over the forwarding letter's number and
    date (and the first reminder's, in a konfirmasi II), the subject, the age in working
    days."""
    rows = []
    for i, x in enumerate(letters, 1):
        cited = [clean(x.agenda_no), clean(x.letter_no), date_text(x.letter_date)]
        if second:
            cited += [FIRST_REMINDER, clean(x.first_reminder_no), date_text(x.first_reminder_on)]
        rows.append([str(i), "\n".join(cited), clean(x.subject), count(x.age_wd)])
    grid_table(doc, HEADER_II if second else HEADER, rows, _WIDTHS, right=(3,))


def _number_from_one(section: BaseOxmlElement) -> None:
    """Page numbers of the section (w:sectPr) counted from 1."""
    found = section.find(qn("w:pgNumType"))
    if found is not None:
        section.remove(found)
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    successors = (
        "w:cols",
        "w:formProt",
        "w:vAlign",
        "w:noEndnote",
        "w:titlePg",
        "w:textDirection",
        "w:bidi",
        "w:rtlGutter",
        "w:docGrid",
        "w:printerSettings",
    )
    section.insert_element_before(numbering, *successors)
