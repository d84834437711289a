"""The substance report of a monitoring (SOP steps 7-8), to the Asdep or the Deputi by level."""

from __future__ import annotations

import datetime as dt

from docx.document import Document
from docx.shared import Cm

from dumas.domain.codes import DocumentKind
from dumas.render.documents.common import (
    DOTS,
    agency,
    as_signer,
    clean,
    count,
    date_text,
    grounds,
    is_direct,
    issue,
    locus,
    method_phrase,
    official,
    period,
    recipient_key,
    recorded,
    team_lead,
)
from dumas.render.documents.docx_tables import grid_table, label_block
from dumas.render.documents.inputs import DocumentSettings, MonitoringDocument
from dumas.render.documents.layout import (
    body,
    new_document,
    numbered,
    para,
    place_and_date,
    signature,
    title,
    to_bytes,
)

KIND = DocumentKind.LAPORAN_SUBSTANSI
TITLE = "LAPORAN HASIL PEMANTAUAN TINDAK LANJUT PENGADUAN MASYARAKAT"
LEAD_TITLE = "Ketua Tim"
CLOSING = (
    "Demikian laporan hasil pemantauan ini disampaikan sebagai bahan penyusunan laporan "
    "bulanan, semesteran, dan tahunan kepada Menteri Sekretaris Negara dan "
    "Presiden/Wakil Presiden."
)
_TEXT = 1.0  # cm: narrative under a numbered sub-heading


def substance_report(
    settings: DocumentSettings, monitoring: MonitoringDocument, on: dt.date
) -> bytes:
    """Sections A-F with the activities, results and agreements tables, signed by the lead."""
    _, on = issue(settings, monitoring, KIND, on)
    report = monitoring.report
    doc = new_document(settings)
    title(doc, TITLE, f"PADA {agency(monitoring).upper()}")
    label_block(
        doc,
        [
            ("Kepada Yth.", official(settings, recipient_key(monitoring))["title"]),
            ("Dari", "Ketua Tim Pemantauan Tindak Lanjut Pengaduan Masyarakat"),
            ("Tanggal", date_text(on)),
        ],
    )
    _introduction(doc, settings, monitoring, report)
    _execution(doc, monitoring, report)
    _results(doc, monitoring)
    _section(doc, "D. ANALISIS")
    body(doc, report.get("analysis"), indent=0.5)
    _section(doc, "E. KESIMPULAN DAN REKOMENDASI")
    _part(doc, "1.", "Kesimpulan", report.get("conclusions"))
    _part(doc, "2.", "Rekomendasi", report.get("recommendations"))
    _section(doc, "F. PENUTUP")
    body(doc, CLOSING, indent=0.5)
    para(doc)
    place_and_date(doc, settings, date_text(on))
    signature(doc, as_signer(team_lead(monitoring), LEAD_TITLE))
    _attachments(doc, monitoring)
    return to_bytes(doc)


def _introduction(
    doc: Document, settings: DocumentSettings, monitoring: MonitoringDocument, report: dict
) -> None:
    """A. Pendahuluan: Umum, Maksud dan Tujuan, Ruang Lingkup, Dasar (the legal basis of
    the settings, then the assignment letter)."""
    _section(doc, "A. PENDAHULUAN")
    _part(doc, "1.", "Umum", report.get("introduction"))
    _part(doc, "2.", "Maksud dan Tujuan", monitoring.scope.get("purpose"))
    letters = len(monitoring.letters)
    when = period(monitoring.schedule_from, monitoring.schedule_to)
    scope = (
        f"Pemantauan dilaksanakan {method_phrase(monitoring)} terhadap tindak lanjut "
        f"penanganan {count(letters)} surat penerusan pengaduan masyarakat kepada "
        f"{agency(monitoring)} dengan lokus di {locus(monitoring)}, pada tanggal {when}."
    )
    _part(doc, "3.", "Ruang Lingkup", scope)
    _part(doc, "4.", "Dasar", None, text=False)
    items = grounds(settings, _basis(settings, monitoring))
    numbered(doc, [(f"{chr(96 + i)}.", item) for i, item in enumerate(items, 1)], indent=_TEXT)


def _basis(settings: DocumentSettings, monitoring: MonitoringDocument) -> list[str]:
    """What the work rests on after the legal basis. A field visit: its Surat Perintah. An
    indirect monitoring has none: the step-3 approval of the plan row (by the Asdep, or the
    Deputi for Asdep-led work) and, once sent, the Asdep's letter to the agency."""
    if is_direct(monitoring):
        letter_no, letter_date = recorded(monitoring, DocumentKind.SURAT_TUGAS)
        return [f"Surat Perintah Nomor {letter_no} tanggal {letter_date}"]
    approver = official(settings, recipient_key(monitoring))["title"]
    plan = f"{clean(monitoring.plan_title)} periode {clean(monitoring.plan_period)}"
    items = [
        f"Persetujuan {approver} atas pelaksanaan pemantauan dalam {plan} pada tanggal "
        f"{date_text(monitoring.approved_on)}"
    ]
    if _sent(monitoring):
        letter_no, letter_date = recorded(monitoring, DocumentKind.SURAT_INSTANSI)
        asdep = official(settings, "asdep")["title"]
        items.append(
            f"Surat {asdep} kepada {agency(monitoring)} Nomor {letter_no} tanggal {letter_date}"
        )
    return items


def _sent(monitoring: MonitoringDocument) -> bool:
    """Whether the Asdep's letter to the agency is recorded as signed (its number known)."""
    return bool((monitoring.documents.get(DocumentKind.SURAT_INSTANSI) or {}).get("letter_no"))


def _execution(doc: Document, monitoring: MonitoringDocument, report: dict) -> None:
    """B. Pelaksanaan: the narrative and the activities table."""
    _section(doc, "B. PELAKSANAAN")
    body(doc, report.get("execution"), indent=0.5)
    rows = [
        [
            str(i),
            date_text(a.get("date")),
            _with_summary(a.get("kind_label"), a.get("summary")),
            clean(a.get("place")),
            clean(a.get("participants")),
        ]
        for i, a in enumerate(monitoring.activities, 1)
    ]
    header = ("No", "Tanggal", "Kegiatan", "Tempat", "Peserta")
    grid_table(doc, header, rows or [["1", *[DOTS] * 4]], (0.8, 3.0, 6.2, 3.0, 3.0))


def _results(doc: Document, monitoring: MonitoringDocument) -> None:
    """C. Hasil Pemantauan: per letter, then the written agreements."""
    _section(doc, "C. HASIL PEMANTAUAN")
    _part(doc, "1.", "Hasil per surat penerusan", None, text=False)
    rows = [
        [str(i), _lines(r.get("agenda_no"), r.get("letter_no")),
         _lines(r.get("result_label"), r.get("evidence")), clean(r.get("recommendation"))]
        for i, r in enumerate(monitoring.results, 1)
    ]  # fmt: skip
    # Stacked pairs (the agenda number over the letter number, the result over its evidence)
    # keep every number whole and leave room for the words.
    header: tuple[str, ...] = ("No", "No Agenda/Nomor Surat", "Hasil/Bukti", "Rekomendasi")
    grid_table(doc, header, rows or [["1", *[DOTS] * 3]], (0.8, 6.0, 5.0, 4.2))
    _part(doc, "2.", "Kesepakatan", None, text=False)
    agreements = monitoring.agreements
    if not agreements:
        body(doc, "Tidak terdapat kesepakatan tertulis dengan instansi terkait.", indent=_TEXT)
        return
    rows = [
        [str(i), clean(a.get("item")), clean(a.get("responsible")), date_text(a.get("due_on"))]
        for i, a in enumerate(agreements, 1)
    ]
    header = ("No", "Kesepakatan", "Penanggung jawab", "Batas waktu")
    grid_table(doc, header, rows, (0.8, 8.2, 4.0, 3.0))


def _attachments(doc: Document, monitoring: MonitoringDocument) -> None:
    """The attachments the report carries: a field visit's assignment letter, attendance and
    photographs; an indirect monitoring's list of files, its letter to the agency once
    sent, and the record of its contacts."""
    if is_direct(monitoring):
        letter_no, _ = recorded(monitoring, DocumentKind.SURAT_TUGAS)
        items = [f"Surat Perintah Nomor {letter_no}", "Daftar hadir", "Dokumentasi kegiatan"]
    else:
        items = ["Daftar berkas yang diklarifikasi"]
        if _sent(monitoring):
            letter_no, _ = recorded(monitoring, DocumentKind.SURAT_INSTANSI)
            items.append(f"Surat kepada {agency(monitoring)} Nomor {letter_no}")
        items.append("Dokumentasi komunikasi dengan instansi")
    para(doc)
    para(doc, "Lampiran:", align="left")
    last = len(items)
    numbered(
        doc, [(f"{i}.", f"{item}{'.' if i == last else ';'}") for i, item in enumerate(items, 1)]
    )


def _section(doc: Document, heading: str) -> None:
    """A lettered section heading in bold."""
    para(doc, heading, bold=True, align="left", after=3).paragraph_format.keep_with_next = True


def _part(doc: Document, marker: str, heading: str, value: object, text: bool = True) -> None:
    """A numbered sub-heading, followed by its narrative unless `text` is False."""
    paragraph = para(doc, f"{marker} {heading}", bold=True, align="left", after=3)
    paragraph.paragraph_format.left_indent = Cm(0.5)
    paragraph.paragraph_format.keep_with_next = True
    if text:
        body(doc, value, indent=_TEXT)


def _lines(first: object, second: object) -> str:
    """Two values, one per line."""
    return f"{clean(first)}\n{clean(second)}"


def _with_summary(label: object, summary: object) -> str:
    """An activity's kind, with its summary on the next line when there is one."""
    return f"{clean(label)}\n{clean(summary)}" if summary else clean(label)
