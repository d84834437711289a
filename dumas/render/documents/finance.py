"""The financial report of a field visit: each cost line planned against actual, per item
and person, with exact totals; from the team lead to the PPK through the BPP."""

from __future__ import annotations

import datetime as dt

from dumas.domain.codes import DocumentKind
from dumas.render.documents.common import (
    as_signer,
    clean,
    date_text,
    official,
    period,
    recorded,
    rupiah,
    team_lead,
)
from dumas.render.documents.docx_tables import bold_row, grid_table, label_block
from dumas.render.documents.inputs import CostLine, DocumentSettings, MonitoringDocument
from dumas.render.documents.layout import (
    body,
    new_document,
    para,
    place_and_date,
    signature,
    title,
    to_bytes,
)
from dumas.render.documents.travel import COST_ITEMS

HEADER = ("No", "Uraian", "Pelaksana", "Rencana", "Realisasi", "Selisih")


def totals(costs: list[CostLine]) -> tuple[int, int | None]:
    """Planned and actual sums in whole rupiah (actual None while a line lacks it)."""
    planned = sum(int(c.get("planned") or 0) for c in costs)
    actuals = [c.get("actual") for c in costs]
    known = [int(a) for a in actuals if a is not None]
    actual = None if len(known) < len(actuals) else sum(known)
    return planned, actual


def financial_report(
    settings: DocumentSettings, monitoring: MonitoringDocument, on: dt.date
) -> bytes:
    """Rincian biaya perjalanan dinas: planned against actual, signed by the team lead."""
    doc = new_document(settings)
    title(doc, "LAPORAN KEUANGAN PERJALANAN DINAS",
          "PEMANTAUAN TINDAK LANJUT PENGADUAN MASYARAKAT")  # fmt: skip
    letter_no, letter_date = recorded(monitoring, DocumentKind.SURAT_TUGAS)
    label_block(doc, [
        ("Kepada Yth.", f"{official(settings, 'ppk')['title']} melalui Bendahara Pengeluaran "
                        "Pembantu"),
        ("Dasar", f"Surat Perintah Nomor {letter_no} tanggal {letter_date}"),
        ("Instansi tujuan", clean(monitoring.agency)),
        ("Lokus", clean(monitoring.province)),
        ("Waktu", period(monitoring.schedule_from, monitoring.schedule_to)),
    ])  # fmt: skip
    para(doc)
    costs = monitoring.costs
    rows = [
        [str(i), COST_ITEMS.get(c.get("item") or "", clean(c.get("item"))), clean(c.get("person")),
         rupiah(c.get("planned")), rupiah(c.get("actual")), _difference(c)]
        for i, c in enumerate(costs, start=1)
    ]  # fmt: skip
    planned, actual = totals(costs)
    difference = None if actual is None else actual - planned
    rows.append(["", "JUMLAH", "", rupiah(planned), rupiah(actual), _signed(difference)])
    table = grid_table(doc, HEADER, rows, (1.0, 3.6, 3.4, 2.8, 2.8, 2.4), right=(3, 4, 5))
    bold_row(table)
    para(doc)
    body(doc, "Bukti pengeluaran (tiket, kuitansi penginapan, Daftar Pengeluaran Riil, SPD) "
              "terlampir dan disampaikan kepada PPK melalui BPP.")  # fmt: skip
    place_and_date(doc, settings, date_text(on))
    signature(doc, as_signer(team_lead(monitoring), "Ketua Tim"))
    return to_bytes(doc)


def _difference(cost: CostLine) -> str:
    actual = cost.get("actual")
    if actual is None:
        return "–"
    return _signed(int(actual) - int(cost.get("planned") or 0))


def _signed(amount: int | None) -> str:
    if amount is None:
        return "–"
    return ("−" if amount < 0 else "") + rupiah(abs(amount))
