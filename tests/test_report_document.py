"""The periodic report as an official .docx, read back with python-docx."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from typing import Any

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table

from dumas.periodic.images import chart_png
from dumas.periodic.table import Chart, ReportTable
from dumas.render.documents import DOTS, periodic_report_docx

TRAP = '=HYPERLINK("http://x.test","klik")'
SETTINGS = {
    "letterhead": ["KEMENTERIAN SEKRETARIAT NEGARA REPUBLIK INDONESIA", "Jalan Veteran No. 17-18"],
    "font_name": "Arial",
    "font_size": 12,
    "city": "Jakarta",
    "officials": {"asdep": {"title": "Asisten Deputi Pengaduan Masyarakat",
                            "name": "Dr. Siti Rahma, S.H.", "nip": "197001011995032001"}},
}  # fmt: skip
COLUMNS = [
    {"name": "agency", "label": "Instansi", "kind": "text"},
    {"name": "current", "label": "Periode ini", "kind": "int"},
    {"name": "rate", "label": "Tingkat tanggapan", "kind": "pct"},
    {"name": "cost", "label": "Biaya", "kind": "rupiah"},
]
BAR = {"type": "bar", "category": "agency", "values": ["current"]}


def _agencies(chart: dict | None = BAR) -> ReportTable:
    """Three agencies (one with a control character) and a total."""
    return ReportTable.from_dict({
        "key": "agencies",
        "title": "3a. Surat penerusan menurut instansi",
        "columns": COLUMNS,
        "rows": [
            {"agency": "Kementerian Dalam Negeri", "current": 1234, "rate": 0.75,
             "cost": 1_500_000},
            {"agency": "Badan Pertanahan\x07 Nasional", "current": 56, "rate": None,
             "cost": None},
            {"agency": "Pemerintah Provinsi $DKI$ Jakarta", "current": 0, "rate": 0.5,
             "cost": 250_000},
        ],
        "total": {"agency": "Jumlah", "current": 1290, "rate": 0.573, "cost": 1_750_000},
        "chart": chart,
    })  # fmt: skip


def _findings() -> ReportTable:
    """A chart-less table without a total."""
    return ReportTable.from_dict({
        "key": "monitoring",
        "title": "6. Pemantauan dan hasilnya",
        "columns": [{"name": "figure", "label": "Angka", "kind": "text"},
                    {"name": "value", "label": "Jumlah", "kind": "int"}],
        "rows": [{"figure": "Pemantauan disetujui", "value": 2}],
        "total": None,
        "chart": None,
    })  # fmt: skip


def _empty() -> ReportTable:
    """A table that asks for a chart but has no rows."""
    return replace(_findings(), key="trend", title="8. Tren", rows=(),
                   chart=Chart("bar", "figure", ("value",)))  # fmt: skip


def _report(**overrides: object) -> dict[str, Any]:
    return {
        "title": "Laporan Mei 2026",
        "unit": "Asisten Deputi Pengaduan Masyarakat, Kementerian Sekretariat Negara",
        "period_label": "Mei 2026 (1 Mei 2026 – 31 Mei 2026)",
        "generated": "Dibuat 5 Juni 2026 10.00",
        "final": False,
        "finalised": None,
        "narrative": {"key_issues": "BPN belum menjawab.\n\nKemendagri terlambat.",
                      "recommendations": "Surati BPN."},
        "tables": [_agencies(), _findings(), _empty()],
        **overrides,
    }  # fmt: skip


def _open(report: dict, lang: str = "id") -> Document:
    return docx.Document(io.BytesIO(periodic_report_docx(report, SETTINGS, lang)))


def _texts(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _after(doc: Document, heading: str, count: int) -> list[str]:
    """The `count` non-empty paragraphs following a heading."""
    texts = [t for t in _texts(doc) if t.strip()]
    start = texts.index(heading) + 1
    return texts[start : start + count]


def _grid(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _bold(row) -> bool:
    runs = [run for cell in row.cells for p in cell.paragraphs for run in p.runs]
    return bool(runs) and all(run.bold for run in runs)


def _pictures(doc: Document) -> list[bytes]:
    """The bytes of every inline picture, in order."""
    blobs = []
    for shape in doc.inline_shapes:
        rid = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        blobs.append(doc.part.related_parts[rid].blob)
    return blobs


def test_the_title_in_capitals_the_unit_and_the_period_open_the_report() -> None:
    texts = [t for t in _texts(_open(_report())) if t.strip()]
    assert texts[:3] == [
        "LAPORAN MEI 2026",
        "Asisten Deputi Pengaduan Masyarakat, Kementerian Sekretariat Negara",
        "Periode: Mei 2026 (1 Mei 2026 – 31 Mei 2026)",
    ]
    assert _open(_report()).paragraphs[0].runs[0].bold


def test_a_draft_says_draf_with_the_note_that_its_figures_may_change() -> None:
    texts = _texts(_open(_report()))
    assert "Status: KONSEP" in texts and "Status: FINAL" not in texts
    assert "Angka dalam konsep dapat berubah sampai laporan difinalkan." in texts
    assert "Dibuat 5 Juni 2026 10.00" in texts


def test_a_final_report_carries_no_status_line_and_is_dated_the_day_it_was_finalised() -> None:
    line = "Difinalkan oleh Dr. Siti Rahma pada 5 Juni 2026 10.00"
    at = dt.datetime(2026, 6, 4, 20, 30, tzinfo=dt.UTC)  # 5 June 03.30 in Jakarta
    texts = _texts(_open(_report(final=True, finalised=line, finalised_at=at)))
    assert not any(t.startswith(("Status", "Difinalkan", "Dibuat")) for t in texts)
    assert not any("draf" in t.lower() for t in texts)
    assert "Jakarta, 5 Juni 2026" in texts and f"Jakarta, {DOTS}" not in texts
    undated = _texts(_open(_report(final=True, finalised=None)))
    assert f"Jakarta, {DOTS}" in undated  # a final report that does not say when


def test_each_narrative_line_is_a_paragraph_under_its_heading() -> None:
    doc = _open(_report())
    assert _after(doc, "I. Pokok Permasalahan", 3) == [
        "BPN belum menjawab.",
        "Kemendagri terlambat.",
        "II. Rekomendasi",
    ]
    assert _after(doc, "II. Rekomendasi", 2) == ["Surati BPN.", "III. Data"]


@pytest.mark.parametrize("narrative", [None, {}, {"key_issues": "  ", "recommendations": None}])
def test_an_empty_narrative_leaves_dots_for_the_drafter(narrative: dict | None) -> None:
    doc = _open(_report(narrative=narrative))
    assert _after(doc, "I. Pokok Permasalahan", 1) == [DOTS]
    assert _after(doc, "II. Rekomendasi", 1) == [DOTS]


def test_every_report_table_is_a_docx_table_under_its_own_numbered_caption() -> None:
    doc = _open(_report())
    assert len(doc.tables) == 3
    texts = _texts(doc)
    captions = ["Tabel 3a. Surat penerusan menurut instansi",  # the numbers of the page
                "Tabel 6. Pemantauan dan hasilnya", "Tabel 8. Tren"]  # fmt: skip
    assert [t for t in texts if t.startswith("Tabel ")] == captions
    assert _grid(doc.tables[0])[0] == ["Instansi", "Periode ini", "Tingkat tanggapan", "Biaya"]
    assert _grid(doc.tables[2]) == [["Angka", "Jumlah"], ["–", "–"]]  # no rows: a dash line


def test_cells_show_indonesian_counts_percentages_rupiah_and_a_dash_when_missing() -> None:
    rows = _grid(_open(_report()).tables[0])[1:]
    assert rows == [
        ["Kementerian Dalam Negeri", "1.234", "75,0%", "Rp1.500.000"],
        ["Badan Pertanahan Nasional", "56", "–", "–"],
        ["Pemerintah Provinsi $DKI$ Jakarta", "0", "50,0%", "Rp250.000"],
        ["Jumlah", "1.290", "57,3%", "Rp1.750.000"],
    ]


def test_numbers_align_right_and_names_stay_left() -> None:
    row = _open(_report()).tables[0].rows[1]
    alignments = [cell.paragraphs[0].alignment for cell in row.cells]
    assert alignments[0] is None and all(a == 2 for a in alignments[1:])  # 2: RIGHT


def test_only_the_total_row_is_bold_after_the_header() -> None:
    rows = _open(_report()).tables[0].rows
    assert [_bold(row) for row in rows] == [True, False, False, False, True]
    assert not _bold(_open(_report()).tables[1].rows[-1])  # no total: the last row is plain


def test_the_header_row_repeats_on_each_page() -> None:
    for table in _open(_report()).tables:
        flag = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
        assert flag is not None and flag.get(qn("w:val")) == "true"
        assert table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(
            qn("w:tblHeader")) is None  # fmt: skip


def test_a_png_picture_and_its_caption_follow_each_table_with_a_chart() -> None:
    doc = _open(_report(tables=[_agencies(), _findings(), _empty(), _agencies()]))
    pictures = _pictures(doc)
    assert len(doc.inline_shapes) == len(pictures) == 2  # neither the chart-less nor the empty
    assert all(blob.startswith(b"\x89PNG") for blob in pictures)
    assert 14.5 < doc.inline_shapes[0].width.cm < 15.5
    figures = [t for t in _texts(doc) if t.startswith("Gambar ")]
    assert figures == ["Gambar 3a. Surat penerusan menurut instansi",
                       "Gambar 3a. Surat penerusan menurut instansi"]  # fmt: skip


def test_chart_png_is_none_without_a_chart_or_without_rows() -> None:
    assert chart_png(_findings(), "id") is None
    assert chart_png(_empty(), "id") is None
    assert chart_png(_agencies(chart=None), "id") is None


def test_chart_png_is_a_deterministic_16_cm_wide_150_dpi_png_without_a_software_stamp() -> None:
    first, second = chart_png(_agencies(), "id"), chart_png(_agencies(), "en")
    assert first is not None and first.startswith(b"\x89PNG")
    assert first == chart_png(_agencies(), "id")
    assert first != second  # English tick labels differ ("1,000" against "1.000")
    width, height = int.from_bytes(first[16:20], "big"), int.from_bytes(first[20:24], "big")
    assert 930 <= width <= 960 and 460 <= height <= 960  # 16 cm; 8 to 16 cm high
    assert b"Software" not in first and b"matplotlib" not in first.lower()


def test_user_text_stays_literal_and_loses_characters_xml_cannot_hold() -> None:
    narrative = {"key_issues": f"{TRAP}\x0b lanjut\x00", "recommendations": "Surati\x1f BPN."}
    doc = _open(_report(narrative=narrative, title=f"Laporan {TRAP}"))
    assert _after(doc, "I. Pokok Permasalahan", 1) == [f"{TRAP} lanjut"]
    assert _after(doc, "II. Rekomendasi", 1) == ["Surati BPN."]
    assert f"LAPORAN {TRAP.upper()}" in _texts(doc)
    body = doc.element.body.xml
    assert "fldSimple" not in body and "instrText" not in body  # no Word field anywhere


def test_english_words_and_separators_with_lang_en() -> None:
    doc = _open(_report(), lang="en")
    texts = _texts(doc)
    for line in ("Status: DRAFT", "I. Key issues", "II. Recommendations", "III. Data",
                 "Table 3a. Surat penerusan menurut instansi", "Period: Mei 2026 (1 Mei 2026 – "
                 "31 Mei 2026)", "Figure 3a. Surat penerusan menurut instansi"):  # fmt: skip
        assert line in texts
    assert "Figures in a draft may change until the report is finalised." in texts
    assert _grid(doc.tables[0])[1] == ["Kementerian Dalam Negeri", "1,234", "75.0%",
                                       "Rp1,500,000"]  # fmt: skip


def test_the_kop_heads_the_first_page_and_the_asdep_signs_at_the_end() -> None:
    doc = _open(_report())
    kop = [p.text for p in doc.sections[0].first_page_header.paragraphs]
    assert kop[0] == "KEMENTERIAN SEKRETARIAT NEGARA REPUBLIK INDONESIA"
    tail = [t for t in _texts(doc) if t.strip()][-5:]
    assert tail == ["Demikian laporan ini disampaikan.", f"Jakarta, {DOTS}",
                    "Asisten Deputi Pengaduan Masyarakat,", "Dr. Siti Rahma, S.H.",
                    "NIP 197001011995032001"]  # fmt: skip


def test_a_report_built_from_the_database_has_every_table_and_chart(db, make) -> None:
    from dumas.domain import periods
    from dumas.periodic import contents
    from dumas.queries import settings

    kemendagri = make.agency("Kementerian Dalam Negeri")
    for day, channel in ((4, "surat"), (6, "email"), (20, "surat")):
        complaint = make.complaint(received_on=dt.date(2026, 5, day), channel=channel)
        make.forward(complaint, kemendagri, dt.date(2026, 5, day + 1))
    cur = db.cursor()
    report = contents.build(cur, periods.parse("2026-05"), "id", title="Laporan Mei 2026",
                           generated="Dibuat")  # fmt: skip
    doc = docx.Document(io.BytesIO(periodic_report_docx(report, settings.for_documents(cur))))
    assert len(doc.tables) == len(report["tables"]) >= 10
    charted = [t for t in report["tables"] if chart_png(t, "id") is not None]
    assert len(doc.inline_shapes) == len(charted) >= 3
    channels = _grid(doc.tables[0])
    assert channels[0][:2] == ["Saluran", "Periode ini"]
    assert ["Surat", "2", "0", "0"] in channels and channels[-1] == ["Jumlah", "3", "0", "0"]
    assert "Tabel 1. Pengaduan diterima menurut saluran" in _texts(doc)


def test_a_long_table_charts_its_first_fifteen_rows_and_the_caption_says_so() -> None:
    one = _agencies().rows[0]
    many = replace(_agencies(), rows=tuple({**one, "agency": f"Instansi {i}", "current": 100 - i}
                                           for i in range(20)))  # fmt: skip
    first = replace(many, rows=many.rows[:15])
    assert chart_png(many, "id") == chart_png(first, "id")
    doc = _open(_report(tables=[many]))
    assert len(_grid(doc.tables[0])) == 1 + 20 + 1  # the table keeps every row and the total
    assert "Gambar 3a. Surat penerusan menurut instansi (15 baris pertama dari 20)" in _texts(doc)
