"""The memorandum from the PPK to the Kepala Biro Keuangan requesting travel facilities."""

from __future__ import annotations

import datetime as dt

from docx.document import Document

from dumas.domain.codes import CostItem, DocumentKind
from dumas.render.documents.blocks import attachment_head, memo_head
from dumas.render.documents.common import (
    DOTS,
    agency,
    clean,
    count,
    date_text,
    destination,
    files,
    issue,
    locus,
    official,
    period,
    recorded,
    rupiah,
)
from dumas.render.documents.docx_tables import bold_row, grid_table
from dumas.render.documents.inputs import CostLine, DocumentSettings, MonitoringDocument
from dumas.render.documents.layout import (
    body,
    new_document,
    para,
    signature,
    tembusan,
    title,
    to_bytes,
)

KIND = DocumentKind.MEMO_KEUANGAN
SUBJECT = "Permohonan Fasilitas Perjalanan Dinas"
# The NIP under the name: one column, so the 18 digits never wrap in a portrait page.
NOMINAL_HEADER = (
    "No", "Nama/NIP", "Pangkat/Gol.", "Jabatan", "Tujuan", "Berangkat–Kembali", "Lama hari"
)  # fmt: skip
COST_HEADER = ("No", "Uraian", "Pelaksana", "Jumlah")
COST_ITEMS = {  # the letter's own words (always Indonesian), not the interface's labels
    CostItem.UANG_HARIAN: "Uang harian",
    CostItem.TRANSPORT: "Transportasi",
    CostItem.PENGINAPAN: "Penginapan",
    CostItem.REPRESENTASI: "Uang representasi",
    CostItem.SEWA_KENDARAAN: "Sewa kendaraan",
}


def travel_request_memo(
    settings: DocumentSettings, monitoring: MonitoringDocument, on: dt.date
) -> bytes:
    """The request with the nominal list and the planned cost estimate attached."""
    number, on = issue(settings, monitoring, KIND, on)
    ppk = official(settings, "ppk")
    doc = new_document(settings)
    memo_head(
        doc,
        number,
        [
            ("Yth.", official(settings, "kepala_biro_keuangan")["title"]),
            ("Dari", ppk["title"]),
            ("Hal", SUBJECT),
            ("Lampiran", files(1)),
            ("Tanggal", date_text(on)),
        ],
    )
    body(doc, _request(monitoring))
    body(doc, "Demikian disampaikan, atas perhatian dan kerja sama Saudara diucapkan terima kasih.")
    para(doc)
    signature(doc, ppk)
    tembusan(doc, copies(settings))
    attachment_head(doc, f"Memorandum {ppk['title']}", number, date_text(on), "DAFTAR NOMINATIF")
    _nominal_list(doc, monitoring)
    title(doc, "RINCIAN PERKIRAAN BIAYA")
    _cost_table(doc, monitoring.costs)
    return to_bytes(doc)


def copies(settings: DocumentSettings) -> list[str]:
    """Tembusan: the Deputi, whose budget pays the trip, and the Asdep, whose team travels
    (docs/letters.md)."""
    return [official(settings, "deputi")["title"], official(settings, "asdep")["title"]]


def planned_total(costs: list[CostLine]) -> int:
    """The exact sum of the planned amounts, in whole rupiah."""
    return sum(int(c.get("planned") or 0) for c in costs)


def _request(monitoring: MonitoringDocument) -> str:
    """What is requested, for whom, on which assignment, and the estimated total."""
    team = monitoring.team
    letter_no, letter_date = recorded(monitoring, DocumentKind.SURAT_TUGAS)
    when = period(monitoring.schedule_from, monitoring.schedule_to)
    return (
        f"Berdasarkan Surat Perintah Nomor {letter_no} tanggal {letter_date}, dalam rangka "
        "pemantauan tindak lanjut penanganan pengaduan masyarakat secara langsung ke "
        f"{agency(monitoring)} di {locus(monitoring)} pada tanggal {when}, dengan hormat "
        f"kami mohon fasilitas perjalanan dinas bagi {count(len(team))} orang pegawai "
        "sebagaimana tercantum dalam daftar nominatif terlampir, dengan perkiraan biaya "
        f"sebesar {rupiah(planned_total(monitoring.costs or []))}."
    )


def _nominal_list(doc: Document, monitoring: MonitoringDocument) -> None:
    """One row per team member with the destination, the dates and the number of days."""
    trip = [
        destination(monitoring),
        period(monitoring.schedule_from, monitoring.schedule_to, " – "),
        count(monitoring.days),
    ]
    rows = [
        [
            str(i),
            f"{clean(m.get('name'))}\n{clean(m.get('nip'))}",
            *(clean(m.get(k)) for k in ("rank", "position")),
            *trip,
        ]
        for i, m in enumerate(monitoring.team, 1)
    ]
    widths = (0.8, 4.0, 2.0, 2.8, 2.2, 2.8, 1.4)
    grid_table(doc, NOMINAL_HEADER, rows or [["1", f"{DOTS}\n{DOTS}", DOTS, DOTS, *trip]], widths)


def _cost_table(doc: Document, costs: list[CostLine]) -> None:
    """The planned costs per item and person, closed by the exact total."""
    rows = [
        [
            str(i),
            COST_ITEMS.get(c.get("item") or "", clean(c.get("item"))),
            clean(c.get("person")) if c.get("person") else "Tim",
            rupiah(int(c.get("planned") or 0)),
        ]
        for i, c in enumerate(costs, 1)
    ]
    rows.append(["", "JUMLAH", "", rupiah(planned_total(costs))])
    table = grid_table(doc, COST_HEADER, rows, (1.0, 6.0, 5.0, 4.0), right=(3,))
    bold_row(table)
