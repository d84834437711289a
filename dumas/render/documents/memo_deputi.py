"""The memorandum from the Asdep to the Deputi proposing a direct monitoring (SOP step 4a(1))."""

from __future__ import annotations

import datetime as dt

from dumas.domain.codes import DocumentKind
from dumas.render.documents.blocks import attachment_head, letters_table, memo_head
from dumas.render.documents.common import (
    agency,
    clean,
    count,
    date_text,
    files,
    issue,
    locus,
    official,
    period,
)
from dumas.render.documents.inputs import DocumentSettings, MonitoringDocument
from dumas.render.documents.layout import (
    body,
    new_document,
    numbered,
    para,
    signature,
    tembusan,
    to_bytes,
)

KIND = DocumentKind.MEMO_DEPUTI
SUBJECT = "Usulan Rencana Pelaksanaan Pemantauan Tindak Lanjut Penanganan Pengaduan Masyarakat"
MATRIX = "MATRIKS DATA SURAT TINDAK LANJUT PENANGANAN PENGADUAN MASYARAKAT YANG AKAN DIKLARIFIKASI"


def memo_to_deputi(
    settings: DocumentSettings, monitoring: MonitoringDocument, on: dt.date
) -> bytes:
    """The proposal memorandum with the six scope items and the letters matrix attached."""
    number, on = issue(settings, monitoring, KIND, on)
    asdep, deputi = official(settings, "asdep"), official(settings, "deputi")
    doc = new_document(settings)
    memo_head(
        doc,
        number,
        [
            ("Yth.", deputi["title"]),
            ("Dari", asdep["title"]),
            ("Hal", f"{SUBJECT} ke {agency(monitoring)}"),
            ("Lampiran", files(1)),
            ("Tanggal", date_text(on)),
        ],
    )
    body(doc, _opening(monitoring))
    numbered(doc, _scope(monitoring), indent=0.5)
    para(doc)
    body(doc, "Demikian disampaikan, mohon arahan dan persetujuan Bapak/Ibu.")
    para(doc)
    signature(doc, asdep)
    tembusan(doc, copies(settings))
    of = f"Memorandum {asdep['title']}"
    attachment_head(doc, of, number, date_text(on), MATRIX)
    letters_table(doc, monitoring.letters)
    return to_bytes(doc)


def copies(settings: DocumentSettings) -> list[str]:
    """Tembusan: the PPK, who prepares the travel once the Deputi approves (docs/letters.md)."""
    return [official(settings, "ppk")["title"]]


def _opening(monitoring: MonitoringDocument) -> str:
    """Which approved plan the visit belongs to, where and when it takes place."""
    plan = f"{clean(monitoring.plan_title)} periode {clean(monitoring.plan_period)}"
    when = period(monitoring.schedule_from, monitoring.schedule_to)
    return (
        f"Menindaklanjuti {plan} yang telah disetujui pada tanggal "
        f"{date_text(monitoring.approved_on)}, dengan hormat kami sampaikan usulan "
        "rencana pelaksanaan kegiatan pemantauan tindak lanjut penanganan pengaduan "
        f"masyarakat secara langsung ke {agency(monitoring)} di {locus(monitoring)} pada "
        f"tanggal {when} ({count(monitoring.days)} hari), dengan cakupan "
        "pelaksanaan pemantauan sebagai berikut:"
    )


def _scope(monitoring: MonitoringDocument) -> list[tuple[str, str]]:
    """The six scope items a)-f) of SOP step 4a(1); f) points to the attached matrix."""
    scope = monitoring.scope
    letters = len(monitoring.letters)
    items = [
        ("Tujuan perjalanan dinas", scope.get("purpose")),
        ("Partner/pasangan kerja di instansi yang dituju", scope.get("partner")),
        ("Mekanisme kunjungan kerja", scope.get("mechanism")),
        ("Prospek hasil kunjungan kerja", scope.get("expected_results")),
        ("Prospek hubungan dengan instansi terkait", scope.get("expected_relationship")),
    ]
    lines = [f"{label}: {clean(value)};" for label, value in items]
    lines.append(
        "Matriks data surat tindak lanjut penanganan pengaduan masyarakat yang akan "
        f"diklarifikasi: {count(letters)} surat, sebagaimana terlampir."
    )
    return [(f"{letter})", line) for letter, line in zip("abcdef", lines, strict=True)]
