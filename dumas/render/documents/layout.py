"""The page and paragraph layout every official document shares (tata naskah dinas)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document as new_docx
from docx.document import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import _Header
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from dumas.render.documents.common import Signer, clean
from dumas.render.documents.inputs import DocumentSettings

TEXT_WIDTH = Cm(16)  # A4 width 21 cm less the 3 cm and 2 cm margins
SIGNATURE_INDENT = Cm(8.5)  # the signature block sits on the right half of the page
_HANG = Cm(0.75)  # the hanging indent of a numbered point
_SIGNATURE_SPACE = 3  # blank lines left for the signature


def new_document(settings: DocumentSettings) -> Document:
    """An empty A4 document with the margins, font and first-page kop from `settings`."""
    doc = new_docx()
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.5)
    section.header_distance = Cm(1.25)
    _set_font(doc, settings.get("font_name") or "Arial", settings.get("font_size") or 12)
    section.different_first_page_header_footer = True
    _kop(section.first_page_header, settings.get("letterhead") or [])
    _page_number(section.header.paragraphs[0])
    return doc


def to_bytes(doc: Document) -> bytes:
    """The .docx file as bytes."""
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def para(
    doc: Document, text: object = "", *, bold: bool = False, align: str = "justify", after: int = 0
) -> Paragraph:
    """A paragraph of plain text (placeholder-free: empty text stays empty)."""
    paragraph = doc.add_paragraph()
    if text != "":
        paragraph.add_run(clean(text)).bold = bold or None
    paragraph.alignment = _ALIGN[align]
    paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def title(doc: Document, *lines: object) -> None:
    """Centred bold title lines, the last one followed by a blank line."""
    for line in lines:
        para(doc, line, bold=True, align="center")
    para(doc)


def numbered(doc: Document, items: Iterable[tuple[str, object]], indent: float = 0) -> None:
    """Points with a hanging marker ("1.", "a.", "a)") and justified text."""
    for marker, text in items:
        paragraph = para(doc, after=3)
        paragraph.add_run(f"{marker}\t{clean(text)}")
        _hang(paragraph, Cm(indent) + _HANG)


def body(doc: Document, text: object, indent: float = 0) -> None:
    """Narrative text, one paragraph per line, indented by `indent` cm."""
    for line in clean(text).splitlines() or [""]:
        if line.strip():
            paragraph = para(doc, line.strip(), after=6)
            paragraph.paragraph_format.left_indent = Cm(indent)


def rule(paragraph: Paragraph, size: int = 12) -> None:
    """A horizontal line under `paragraph` (eighths of a point)."""
    border = OxmlElement("w:bottom")
    for key, value in {"val": "single", "sz": str(size), "space": "1", "color": "auto"}.items():
        border.set(qn(f"w:{key}"), value)
    borders = OxmlElement("w:pBdr")
    borders.append(border)
    successors = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc")
    paragraph._p.get_or_add_pPr().insert_element_before(borders, *successors)


def page_break(doc: Document) -> None:
    """Start the following content on a new page."""
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def place_and_date(doc: Document, settings: DocumentSettings, on_text: str) -> None:
    """ "Jakarta, 12 Mei 2026" at the head of the signature block, kept on its page."""
    _keep_previous(doc)
    paragraph = para(doc, f"{clean(settings.get('city'))}, {on_text}", align="left")
    paragraph.paragraph_format.left_indent = SIGNATURE_INDENT
    _keep(paragraph)


def signature(doc: Document, signer: Signer, on_behalf_of: str | None = None) -> None:
    """The signature block: a.n. line, title with comma, blank lines, name, NIP.

    The block never splits across pages: every line is kept with the next (from the place
    and date above it to the NIP), and so are the blank line and the closing sentence before
    it, so that the block never stands alone at the top of a page."""
    _keep_previous(doc)
    lines = [f"a.n. {clean(on_behalf_of)}"] if on_behalf_of else []
    acting = f"{signer['acting']} " if signer.get("acting") else ""
    lines.append(f"{acting}{clean(signer.get('title'))},")
    lines += [""] * _SIGNATURE_SPACE
    lines += [clean(signer.get("name")), f"NIP {clean(signer.get('nip'))}"]
    for i, line in enumerate(lines, 1):
        paragraph = para(doc, line, align="left")
        paragraph.paragraph_format.left_indent = SIGNATURE_INDENT
        _keep(paragraph, with_next=i < len(lines))


def tembusan(doc: Document, titles: list[str]) -> None:
    """Copies, bottom left: office titles, numbered when more than one, never "Arsip"; the
    heading kept with its list. (Not chained to the signature block: LibreOffice then breaks
    the chain before the NIP when a page break follows the copies.)"""
    if not titles:
        return
    para(doc)
    _keep(para(doc, "Tembusan:", align="left"))
    if len(titles) == 1:
        para(doc, titles[0], align="left")
        return
    numbered(doc, [(f"{i}.", t) for i, t in enumerate(titles, 1)])
    for paragraph in doc.paragraphs[-len(titles) : -1]:
        _keep(paragraph)


def _keep(paragraph: Paragraph, with_next: bool = True) -> None:
    """A paragraph never split over two pages, and kept on the page of the next one."""
    paragraph.paragraph_format.keep_together = True
    paragraph.paragraph_format.keep_with_next = with_next


def _keep_previous(doc: Document) -> None:
    """Keep the paragraphs just before a signature block with it: the blank lines and the
    last paragraph of text (the closing sentence); a table before them ends the run."""
    element = doc.element.body[-1] if len(doc.element.body) else None
    while element is not None and element.tag == qn("w:sectPr"):
        element = element.getprevious()
    while element is not None and element.tag == qn("w:p"):
        paragraph = Paragraph(element, doc._body)
        paragraph.paragraph_format.keep_with_next = True
        if paragraph.text.strip():
            return
        element = element.getprevious()


def _kop(header: _Header, lines: list[str]) -> None:
    """The letterhead: centred lines, all but the address bold, a rule under the last."""
    paragraph = header.paragraphs[0]
    for i, line in enumerate(lines):
        paragraph = paragraph if i == 0 else header.add_paragraph()
        paragraph.add_run(clean(line)).bold = i < max(len(lines) - 1, 1) or None
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    rule(paragraph, size=18)


def _page_number(paragraph: Paragraph) -> None:
    """A centred PAGE field in the header of the pages after the first."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _set_font(doc: Document, name: str, size: int) -> None:
    """The font of every style: the defaults and Normal, replacing the theme fonts."""
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = defaults.find(qn("w:rPr")).find(qn("w:rFonts"))
    for key in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{key}"), None)
    for key in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{key}"), clean(name))
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = clean(name), Pt(size)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), clean(name))
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def _hang(paragraph: Paragraph, left: Cm) -> None:
    """A hanging indent whose marker ends at the tab stop."""
    paragraph.paragraph_format.left_indent = left
    paragraph.paragraph_format.first_line_indent = -_HANG
    paragraph.paragraph_format.tab_stops.add_tab_stop(left)


_ALIGN = {
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}
