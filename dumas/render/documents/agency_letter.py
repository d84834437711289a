"""The official letter from the Asdep asking an agency for the follow-up status (SOP 6b(2))."""

from __future__ import annotations

import datetime as dt

from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from dumas.domain.codes import DocumentKind
from dumas.render.documents.common import (
    SOP,
    agency,
    clean,
    date_text,
    issue,
    official,
    reply_deadline,
    secrecy,
)
from dumas.render.documents.docx_tables import fits_on_a_line, plain_table
from dumas.render.documents.inputs import CitedLetter, DocumentSettings, MonitoringDocument
from dumas.render.documents.layout import (
    body,
    new_document,
    numbered,
    para,
    signature,
    tembusan,
    to_bytes,
)

KIND = DocumentKind.SURAT_INSTANSI
SUBJECT = "Permintaan Informasi Tindak Lanjut Penanganan Pengaduan Masyarakat"
CLOSING = "Atas perhatian dan kerja sama Saudara, kami ucapkan terima kasih."
_HEAD_WIDTHS = (2.5, 0.4, 7.6, 5.5)  # cm: label, colon, value, the date at the right


def letter_to_agency(
    settings: DocumentSettings, monitoring: MonitoringDocument, on: dt.date
) -> bytes:
    """Nomor/Sifat/Lampiran/Hal, Yth. the agency's head, the three-part body, tembusan."""
    number, on = issue(settings, monitoring, KIND, on)
    doc = new_document(settings)
    head(doc, settings, number, on, SUBJECT)
    addressee(doc, monitoring.agency_head, agency(monitoring), monitoring.agency_city)
    _cited(doc, monitoring.letters)
    request_and_sign(doc, settings)
    return to_bytes(doc)


def request_and_sign(doc: Document, settings: DocumentSettings, again: bool = False) -> None:
    """The request for the follow-up status within the reply deadline ("kami mohon kembali"
    when asked `again`: a konfirmasi II), the closing, the Asdep's signature, tembusan the
    Deputi: how every letter to an agency ends."""
    body(
        doc,
        "Sehubungan dengan hal tersebut, dalam rangka pemantauan tindak lanjut penanganan "
        f"pengaduan masyarakat sesuai dengan {SOP}, kami mohon {'kembali ' if again else ''}"
        "Saudara berkenan menyampaikan informasi mengenai status tindak lanjut penanganan "
        "pengaduan masyarakat dimaksud dalam waktu paling lambat "
        f"{reply_deadline(settings)} sejak tanggal surat ini.",
    )
    body(doc, CLOSING)
    para(doc)
    signature(doc, official(settings, "asdep"))
    tembusan(doc, [official(settings, "deputi")["title"]])


def head(doc: Document, settings: DocumentSettings, number: str, on: dt.date, subject: str) -> None:
    """The Nomor, Sifat, Lampiran and Hal lines, the place and date right of Nomor (above it,
    on the right, when the number is too long to share its line). Every letter to an agency
    opens so (the reminders too: reminder_letter.py)."""
    dated = f"{clean(settings.get('city'))}, {date_text(on)}"
    rows = [
        ["Nomor", ":", number, dated],
        ["Sifat", ":", secrecy(settings), ""],
        ["Lampiran", ":", "–", ""],
        ["Hal", ":", subject, ""],
    ]
    if not fits_on_a_line(doc, ["Lampiran", ":", number, dated]):
        para(doc, dated, align="right")
        rows[0][3] = ""
    table = plain_table(doc, rows, _HEAD_WIDTHS, whole=[(0, 2), (0, 3)])  # never wrapped
    table.cell(0, 3).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def addressee(doc: Document, head_title: str | None, name: str, city: str | None) -> None:
    """Yth. the office title of the agency's head, the agency, "di" its city, from the
    agency list ("Yth. Jaksa Agung Republik Indonesia / Kejaksaan Agung Republik Indonesia /
    di Jakarta"). What the list lacks prints dotted for the editor to fill in, never a
    guess ("Pimpinan ...", "di Tempat"): the page that offers the letter says what to
    complete."""
    lines = (f"Yth. {clean(head_title)}", clean(name), f"di {clean(city)}")
    for line in lines:
        para(doc, line, align="left")
    para(doc)


def _cited(doc: Document, letters: list[CitedLetter]) -> None:
    """The opening citing each forwarding letter: inline for one, numbered for several."""
    cited = [
        f"Nomor {clean(x.get('letter_no'))} tanggal {date_text(x.get('letter_date'))}"
        for x in letters
    ] or [f"Nomor {clean(None)} tanggal {clean(None)}"]
    if len(cited) == 1:
        body(
            doc,
            f"Menindaklanjuti surat kami {cited[0]} perihal penerusan pengaduan masyarakat "
            "kepada Saudara, bersama ini kami sampaikan bahwa kami melakukan pemantauan atas "
            "tindak lanjut penanganan pengaduan masyarakat tersebut.",
        )
        return
    body(
        doc,
        "Menindaklanjuti surat-surat kami perihal penerusan pengaduan masyarakat kepada "
        "Saudara, yaitu:",
    )
    last = len(cited)
    numbered(
        doc, [(f"{i}.", f"{c}{'.' if i == last else ';'}") for i, c in enumerate(cited, 1)], 0.5
    )
    para(doc)
