"""The financial report of a field visit: planned against actual, exact totals."""

from __future__ import annotations

import datetime as dt

from dumas.render.documents import financial_report
from tests.test_documents import lines, monitoring, open_docx, settings, signature_of, table_with

COSTS = [
    {"item": "uang_harian", "person": "Kabid Uji", "planned": 2_120_000, "actual": 2_120_000},
    {"item": "transport", "person": "Kabid Uji", "planned": 2_500_000, "actual": 2_351_500},
    {"item": "penginapan", "person": None, "planned": 2_400_000, "actual": 2_550_000},
]


def test_financial_report_lists_each_line_planned_against_actual_with_exact_totals():
    doc = open_docx(financial_report(settings(), monitoring(costs=COSTS), dt.date(2026, 5, 25)))
    table = table_with(doc, "Realisasi")
    assert table[0] == ["No", "Uraian", "Pelaksana", "Rencana", "Realisasi", "Selisih"]
    assert table[2][1:] == ["Transportasi", "Kabid Uji", "Rp2.500.000", "Rp2.351.500",
                            "−Rp148.500"]  # fmt: skip
    assert table[3][5] == "Rp150.000"
    # 2.120.000 + 2.500.000 + 2.400.000 planned; 2.120.000 + 2.351.500 + 2.550.000 actual
    assert table[-1][1:] == ["JUMLAH", "", "Rp7.020.000", "Rp7.021.500", "Rp1.500"]


def test_financial_report_goes_to_the_ppk_through_the_bpp_signed_by_the_team_lead():
    doc = open_docx(financial_report(settings(), monitoring(costs=COSTS), dt.date(2026, 5, 25)))
    text = "\n".join(lines(doc))
    assert "Pejabat Pembuat Komitmen melalui Bendahara Pengeluaran Pembantu" in text
    name, _ = signature_of(doc, "Ketua Tim")
    assert name == monitoring().team[0]["name"]


def test_a_line_without_its_actual_amount_leaves_the_actual_total_open():
    costs = [*COSTS[:2], {**COSTS[2], "actual": None}]
    doc = open_docx(financial_report(settings(), monitoring(costs=costs), dt.date(2026, 5, 25)))
    total = table_with(doc, "Realisasi")[-1]
    assert total[3] == "Rp7.020.000"
    assert total[4].startswith("....") and total[5] == "–"
