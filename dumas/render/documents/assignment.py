"""The assignment letter (Surat Perintah), signed by the Asdep or the PPK by level."""

from __future__ import annotations

import datetime as dt

from dumas.domain.codes import DocumentKind, Level
from dumas.render.documents.blocks import team_table
from dumas.render.documents.common import (
    agency,
    clean,
    date_text,
    grounds,
    is_direct,
    issue,
    locus,
    method_phrase,
    official,
    recipient_key,
)
from dumas.render.documents.docx_tables import CLAUSE_WIDTHS, clause_block, plain_table
from dumas.render.documents.inputs import DocumentSettings, MonitoringDocument
from dumas.render.documents.layout import (
    new_document,
    para,
    place_and_date,
    signature,
    tembusan,
    title,
    to_bytes,
)

KIND = DocumentKind.SURAT_TUGAS
TITLE = "SURAT PERINTAH"


def assignment_letter(
    settings: DocumentSettings, monitoring: MonitoringDocument, on: dt.date
) -> bytes:
    """Menimbang, Dasar, MEMERINTAHKAN, Kepada (the team), Untuk; signed by level."""
    number, on = issue(settings, monitoring, KIND, on)
    doc = new_document(settings)
    title(doc, TITLE, f"Nomor {number}")
    clause_block(doc, "Menimbang", _considering(monitoring))
    clause_block(doc, "Dasar", _grounds(settings, monitoring))
    para(doc, "MEMERINTAHKAN:", bold=True, align="center", after=6)
    plain_table(doc, [["Kepada", ":", "", ""]], CLAUSE_WIDTHS, gap=False)
    team_table(doc, monitoring.team)
    clause_block(doc, "Untuk", _tasks(settings, monitoring))
    place_and_date(doc, settings, date_text(on))
    signature(doc, official(settings, signer_key(monitoring)))
    tembusan(doc, _copies(settings, monitoring))
    return to_bytes(doc)


def signer_key(monitoring: MonitoringDocument) -> str:
    """Who signs: the PPK when the Asdep leads the monitoring, else the Asdep (SOP 4a(2))."""
    return "ppk" if monitoring.level == Level.ASDEP else "asdep"


def _considering(monitoring: MonitoringDocument) -> list[tuple[str, str]]:
    """Menimbang a. and b., each starting "bahwa"."""
    return [
        (
            "a.",
            "bahwa dalam rangka memastikan tindak lanjut penanganan pengaduan masyarakat "
            f"yang telah diteruskan kepada {agency(monitoring)}, perlu dilakukan pemantauan "
            f"{method_phrase(monitoring)};",
        ),
        (
            "b.",
            "bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu "
            "menugaskan pegawai sebagai Tim Pemantauan Tindak Lanjut Pengaduan Masyarakat "
            "dengan Surat Perintah;",
        ),
    ]


def _grounds(settings: DocumentSettings, monitoring: MonitoringDocument) -> list[tuple[str, str]]:
    """Dasar: the legal basis of the settings (the SOP's Dasar Hukum, the SOP last), then
    the approved plan."""
    plan = f"{clean(monitoring.plan_title)} periode {clean(monitoring.plan_period)}"
    approved = date_text(monitoring.approved_on)
    items = grounds(settings, [f"{plan} yang disetujui pada tanggal {approved}"])
    return [(f"{i}.", item) for i, item in enumerate(items, 1)]


def _tasks(settings: DocumentSettings, monitoring: MonitoringDocument) -> list[tuple[str, str]]:
    """Untuk: what and where, from and to which date, and to whom to report."""
    start = date_text(monitoring.schedule_from)
    end = date_text(monitoring.schedule_to)
    recipient = official(settings, recipient_key(monitoring))["title"]
    return [
        (
            "1.",
            "melaksanakan pemantauan tindak lanjut penanganan pengaduan masyarakat "
            f"{method_phrase(monitoring)} pada {agency(monitoring)} di {locus(monitoring)}, "
            f"mulai tanggal {start} sampai dengan tanggal {end};",
        ),
        ("2.", f"melaporkan hasil pelaksanaan tugas kepada {recipient};"),
        ("3.", "melaksanakan perintah ini dengan penuh tanggung jawab."),
    ]


def _copies(settings: DocumentSettings, monitoring: MonitoringDocument) -> list[str]:
    """Tembusan: the Deputi, and the finance bureau when the team travels."""
    copies = [official(settings, "deputi")["title"]]
    if is_direct(monitoring):
        copies.append(official(settings, "kepala_biro_keuangan")["title"])
    return copies
