"""Every workbook the app writes, as printed: LibreOffice to PDF, the pages read back.

One world per module (a real DuckDB: forty letters to agencies with long names, long
summaries, a plan of forty rows with costs in the millions, an approved monitoring, the
audit trail they leave) and one LibreOffice start for all the workbooks. The periodic
report's workbook is printed by tests/test_report_workbook.py's own render tests.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dumas import config
from dumas.db import Database, connect
from dumas.domain.plan_flow import PlanAction
from dumas.importer.files import export_xlsx, rejects_xlsx, template_xlsx
from dumas.importer.model import RawTable, RowError
from dumas.queries import audit as audit_queries
from dumas.queries import complaints as complaint_queries
from dumas.queries import followup
from dumas.queries import plans as plan_queries
from dumas.queries.exchange import import_layout
from dumas.queries.filters import Filters
from dumas.render import followup_table
from dumas.render.plan_matrix import matrix_xlsx
from dumas.render.xlsx import to_xlsx
from dumas.services import plans
from tests.conftest import ADMIN, TODAY, Factory
from tests.monitoring_support import People, approved, people_of
from tests.render_support import Pdf, Word, render, to_pdf

pytestmark = render

NOW = dt.datetime(2026, 11, 27, 9, tzinfo=config.TIMEZONE)
GENERATED = "Dibuat pada 27 November 2026 09.00"
ROWS = 40  # matrix rows: enough to run over several printed pages
SUMMARIES = [
    "Sengketa tanah ulayat masyarakat adat di Kabupaten Manokwari yang belum diselesaikan "
    "meskipun telah dimediasi tiga kali oleh pemerintah daerah dan kantor pertanahan",
    "Keterlambatan pembayaran ganti rugi pembebasan lahan jalan nasional ruas Bogor–Sukabumi "
    "sebesar Rp1.720.000.000 kepada 37 kepala keluarga",
    "Dugaan pungutan liar dalam pelayanan administrasi kependudukan di tingkat kecamatan",
    "Permohonan kejelasan status kepegawaian tenaga honorer yang telah mengabdi 15 tahun",
]


def _agencies(db: Database, count: int) -> list[tuple[int, str]]:
    """The reference agencies with the longest names first."""
    return (
        db.cursor()
        .execute(
            "SELECT id, name FROM agency ORDER BY length(name) DESC, id LIMIT $n", {"n": count}
        )
        .fetchall()
    )


def _build(db: Database) -> dict[str, object]:
    """Forty letters, a forty-row plan walked to the Asdep, an approved monitoring."""
    make, people = Factory(db), people_of(db)
    letters, first_complaint = [], None
    for index, (agency_id, _) in enumerate(_agencies(db, ROWS)):
        complaint = make.complaint(summary=SUMMARIES[index % len(SUMMARIES)])
        first_complaint = first_complaint or complaint
        on = dt.date(2026, 1, 5) + dt.timedelta(days=index)
        letters.append(make.forward(complaint, agency_id, on))
        if index % 3 == 0:
            make.respond(complaint, agency_id, on + dt.timedelta(days=20), status="dalam_proses")
    plan_id = _plan(db, people, letters)
    approved(db, people, letters[:1], direct=True, now=NOW)
    return {"plan_id": plan_id, "complaint_id": first_complaint}


def _plan(db: Database, p: People, letters: list[int]) -> int:
    """A plan of one row per agency, half of them field visits for three people."""
    plan_id = plans.create_plan(
        db, p.analyst, title="Rencana Pemantauan Tindak Lanjut Pengaduan Masyarakat Semester II",
        period="2026-S2", source="database", bidang="Bidang Uji", now=NOW,
    )  # fmt: skip
    revision = lambda: plan_queries.plan(db.cursor(), plan_id)["revision"]  # noqa: E731
    plans.add_letters(db, p.analyst, plan_id, revision=revision(), forwarding_ids=letters, now=NOW)
    rows = plan_queries.matrix(db.cursor(), plan_id, TODAY)["row_id"].tolist()
    visit = {
        "method": "kunjungan_lapangan", "level": "kabid", "priority": "tinggi",
        "priority_reason": "Belum ditanggapi lebih dari 200 hari kerja dan berulang",
        "team_lead": p.kabid.id, "team": [p.kabid.id, p.analyst.id, p.kasubbid.id],
        "persons": 3, "days": 4, "schedule_from": dt.date(2026, 12, 7),
        "schedule_to": dt.date(2026, 12, 10),
        "transport": 4_150_000, "lodging": 2_000_000, "allowance": 1_720_000,
    }  # fmt: skip
    letter = {"method": "surat_resmi", "level": "kabid", "priority": "sedang"}
    updated = {row: visit if i % 2 == 0 else letter for i, row in enumerate(rows)}
    plans.save_rows(
        db, p.analyst, plan_id, revision=revision(), updated=updated, added=[], deleted=[],
        now=NOW,
    )  # fmt: skip
    for who, action in ((p.analyst, PlanAction.SUBMIT), (p.kasubbid, PlanAction.FORWARD)):
        plans.act(db, who, plan_id, revision=revision(), action=action, note="Lengkap", now=NOW)
    return plan_id


@pytest.fixture(scope="module")
def world(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("workbooks") / "dumas.duckdb"
    shutil.copy(template_db, path)
    db = connect(path)
    db.built = _build(db)  # type: ignore[attr-defined]
    yield db
    db.close()


def _rejects() -> bytes:
    """Two rejected rows of an import, one with two reasons, blank cells left blank."""
    headers = ["No Agenda", "Tanggal Diterima", "Instansi Tujuan", "Ringkasan Pengaduan",
               "Nomor Surat Penerusan", "Tanggal Surat Penerusan", "Nomor Tanggapan"]  # fmt: skip
    rows = [
        (5, ["PM-2026/01/01234", "12/01/2026", TEAM_AGENCY, SUMMARIES[0],
             "B-1187/Kemensetneg/D-4/DM.04.02/01/2026", "31/02/2026", ""]),
        (9, ["PM-2026/01/01240", "", TEAM_AGENCY, SUMMARIES[1],
             "B-1193/Kemensetneg/D-4/DM.04.02/01/2026", "05/01/2026", ""]),
    ]  # fmt: skip
    table = RawTable("Rekap Tindak Lanjut 2026", 3, headers, rows)
    errors = [
        RowError(5, "Tanggal Surat Penerusan", "import.error.bad_date", {"value": "31/02/2026"}),
        RowError(9, "Tanggal Diterima", "import.error.required", {}),
        RowError(9, "Tanggal Surat Penerusan", "import.error.before_received",
                 {"value": "05/01/2026", "received": "12/01/2026"}),
    ]  # fmt: skip
    return rejects_xlsx(table, errors, "id", GENERATED)


TEAM_AGENCY = "Kementerian Pelindungan Pekerja Migran Indonesia/Badan Pelindungan Pekerja Migran"


def _workbooks(db: Database) -> dict[str, bytes]:
    """Each kind of workbook, built as its page builds it."""
    from dumas.ui.screens.monitoring import COLUMNS as MONITORING_COLUMNS
    from dumas.ui.screens.monitoring import named
    from dumas.ui.screens.sbm import SBM_COLUMNS

    cur, built = db.cursor(), db.built  # type: ignore[attr-defined]
    plan_id = built["plan_id"]
    common = {"lang": "id", "filters_text": "", "generated": GENERATED}
    letters = followup.letters(cur, Filters(), TODAY, limit=1000)
    agencies = followup.agency_table(cur, Filters(), TODAY, 1)
    provinces = cur.execute("SELECT code, name FROM province ORDER BY code").df()
    sbm = pd.DataFrame({
        "province_code": provinces["code"], "province": provinces["name"],
        "daily_allowance": pd.array([530_000 + 10_000 * i for i in range(len(provinces))],
                                    dtype="Int64"),
        "lodging_cap": pd.array([1_720_000 + 25_000 * i for i in range(len(provinces))],
                                dtype="Int64"),
    })  # fmt: skip
    timeline = followup_table.with_event_names(
        complaint_queries.timeline(cur, built["complaint_id"]), "id"
    )
    return {
        "letters.xlsx": followup_table.workbook(
            followup_table.with_status_names(letters, "id"),
            followup_table.LETTER_EXPORT_COLUMNS,
            title="Surat penerusan yang belum ditanggapi",
            **common,
        ),
        "agencies.xlsx": followup_table.workbook(
            agencies, followup_table.AGENCY_COLUMNS, title="Responsivitas instansi", **common
        ),
        "sbm.xlsx": followup_table.workbook(
            sbm,
            SBM_COLUMNS,
            lang="id",
            title="Standar Biaya Masukan tahun 2026",
            filters_text="Rupiah per orang: uang harian per hari, batas penginapan per malam.",
            generated=GENERATED,
        ),
        "monitorings.xlsx": followup_table.workbook(
            named(plan_queries.monitorings(cur), "id"),
            MONITORING_COLUMNS,
            title="Pemantauan",
            **common,
        ),
        "history.xlsx": followup_table.workbook(
            timeline,
            followup_table.TIMELINE_COLUMNS,
            title="Riwayat surat pengaduan PM-2026/01/01234",
            **common,
        ),
        "audit.xlsx": audit_queries.audit_xlsx(
            cur, ADMIN, lang="id", title="Jejak Audit", filters_text="", generated=GENERATED
        ),
        "rejects.xlsx": _rejects(),
        "export.xlsx": export_xlsx(
            import_layout(cur), title="Data tindak lanjut", generated=GENERATED
        ),
        "template.xlsx": template_xlsx(),
        "matrix.xlsx": matrix_xlsx(
            plan_queries.plan(cur, plan_id),
            plan_queries.matrix(cur, plan_id, TODAY),
            plan_queries.row_letters(cur, plan_id, TODAY),
            "id",
            GENERATED,
        ),
    }


def _calibration() -> bytes:
    """A one-cell table that prints at 100%: how tall a 10 pt word's box is in this PDF."""
    frame = pd.DataFrame({"kata": ["Kalibrasi"]})
    return to_xlsx(frame, title="Kalibrasi", filters="", generated=GENERATED)


@pytest.fixture(scope="module")
def books(world: Database) -> dict[str, bytes]:
    return _workbooks(world)


@pytest.fixture(scope="module")
def printed(books: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pdf]:
    files = {**books, "calibration.xlsx": _calibration()}
    return to_pdf(files, tmp_path_factory.mktemp("printed"))


def _overlaps(words: list[Word]) -> list[tuple[Word, Word]]:
    """Pairs of words on one page whose letters overlap: the boxes' middle 60% (a box holds
    the font's ascent and descent, so the boxes of two lines of one cell touch)."""
    found = []
    by_page: dict[int, list[tuple[float, float, Word]]] = {}
    for word in words:
        trim = 0.2 * word.height
        by_page.setdefault(word.page, []).append((word.y0 + trim, word.y1 - trim, word))
    for page in by_page.values():
        page.sort(key=lambda item: item[0])
        for index, (_, bottom, a) in enumerate(page):
            for other_top, _, b in page[index + 1 :]:
                if other_top >= bottom:
                    break
                if min(a.x1, b.x1) - max(a.x0, b.x0) > 0.5:
                    found.append((a, b))
    return found


def _point_size(pdf: Pdf, calibration: Pdf) -> float:
    """The smallest font size (points) a workbook's words print at, by the calibration's
    10 pt words printed at 100%."""
    ratio = min(w.height for w in calibration.words() if w.text == "Kalibrasi") / 10
    return min(w.height for w in pdf.words()) / ratio


KINDS = sorted(
    ["letters", "agencies", "sbm", "monitorings", "history", "audit", "rejects", "export",
     "template", "matrix"]
)  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_no_printed_word_overlaps_another_in_any_workbook(printed: dict[str, Pdf], kind: str):
    pdf = printed[kind]
    clashes = _overlaps(pdf.words())
    assert not clashes, [(a.text, b.text, a.page) for a, b in clashes[:5]]


@pytest.mark.parametrize("kind", KINDS)
def test_every_workbook_prints_its_text_at_eight_points_or_more(printed: dict[str, Pdf], kind: str):
    assert _point_size(printed[kind], printed["calibration"]) >= 8


def test_the_plan_matrix_of_forty_rows_runs_over_several_pages_at_a_legible_size(
    printed: dict[str, Pdf],
):
    pdf = printed["matrix"]
    matrix_pages = [p for p in pdf.pages if "Daftar Surat" not in p and "No urut" not in p]
    assert len(pdf.pages) > 1
    assert len(matrix_pages) > 2
    assert _point_size(pdf, printed["calibration"]) >= 8


def test_the_plan_matrix_repeats_its_header_and_the_agency_column_on_every_page(
    printed: dict[str, Pdf],
):
    pdf = printed["matrix"]
    first_sheet = [page for page in pdf.pages if "Konfirmasi" in page or "Prioritas" in page]
    assert len(first_sheet) >= 4
    for page in first_sheet:
        assert "Instansi" in page  # the repeated column's heading and the header rows
    assert pdf.page_of("Jadwal") >= 1  # the later column groups on a page of their own
    assert "Jumlah" in pdf.pages[1] or "Prioritas" in pdf.pages[1]


def test_the_audit_export_reads_in_words_not_codes(
    books: dict[str, bytes], printed: dict[str, Pdf]
):
    rows = list(_sheet(books["audit.xlsx"]).iter_rows(values_only=True))
    cells = [c for row in rows for c in row]
    plan = "Rencana: Rencana Pemantauan Tindak Lanjut Pengaduan Masyarakat Semester II"
    forward = next(r for r in rows if r[2] == "Kasubbid meneruskan rencana" and r[3] == plan)
    assert forward[5].split("\n") == [
        "Status: Diajukan kepada Kasubbid → Pembahasan Kasubbid dan Kabid",
        "Catatan: Lengkap",
        "Versi: 1",
    ]
    assert "Administrator membuat akun pengguna" in cells
    assert "Pengguna: Kabid Uji" in cells
    printed_text = printed["audit"].text
    for words in ("Kasubbid meneruskan rencana", "Analis mengajukan rencana", "Catatan: Lengkap"):
        assert printed["audit"].on_one_line(words)
    for code in ("plan.forward", "app_user", '"state"', "user.create", "submitted"):
        assert code not in printed_text
        assert not any(code in str(c) for c in cells if c)


def test_the_audit_export_reads_in_english_for_an_english_reader(world: Database):
    data = audit_queries.audit_xlsx(
        world.cursor(), ADMIN, lang="en", title="Audit trail", filters_text="", generated="now"
    )
    cells = [c for row in _sheet(data).iter_rows(values_only=True) for c in row if c]
    assert "Kasubbid forwarded the plan" in cells
    assert any(str(c).startswith("Status: Submitted to the Kasubbid → ") for c in cells)


def _sheet(data: bytes, index: int = 0):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[index]


def test_a_rejects_file_leaves_empty_cells_empty_and_gives_each_reason_its_line(
    books: dict[str, bytes], printed: dict[str, Pdf]
):
    ws = _sheet(books["rejects.xlsx"])
    header = [c.value for c in ws[5]]
    second = {name: cell.value for name, cell in zip(header, ws[7], strict=True)}
    assert second["Tanggal Diterima"] is None and second["Nomor Tanggapan"] is None
    assert second["Alasan"].split("\n") == [
        "Tanggal Diterima: Wajib diisi.",
        "Tanggal Surat Penerusan: Tanggal surat penerusan (05/01/2026) lebih awal dari "
        "tanggal pengaduan diterima (12/01/2026).",
    ]
    assert header[:2] == ["Baris", "Alasan"]  # why, beside which row, on the first page
    lines = printed["rejects"].lines()
    first = next(n for n, line in enumerate(lines) if "Tanggal Diterima: Wajib diisi." in line)
    assert lines[first].split()[:5] == ["9", "Tanggal", "Diterima:", "Wajib", "diisi."]
    assert lines[first + 1].split()[:3] == ["Tanggal", "Surat", "Penerusan:"]  # its own line


def test_a_workbook_nobody_filtered_has_no_filter_line(books: dict[str, bytes]):
    for name in ("letters.xlsx", "agencies.xlsx", "monitorings.xlsx", "audit.xlsx"):
        ws = _sheet(books[name])
        assert ws["A2"].value == GENERATED
        assert not any(str(ws.cell(r, 1).value or "").startswith("Filter") for r in (2, 3, 4))


def test_the_complaint_history_sheet_name_is_shortened_by_whole_words(books: dict[str, bytes]):
    book = openpyxl.load_workbook(io.BytesIO(books["history.xlsx"]))
    assert book.sheetnames == ["Riwayat surat pengaduan"]


@pytest.mark.parametrize("name", [f"{kind}.xlsx" for kind in KINDS if kind != "matrix"])
def test_every_workbook_prints_on_a4_one_page_wide_with_its_header_on_every_page(
    books: dict[str, bytes], name: str
):
    book = openpyxl.load_workbook(io.BytesIO(books[name]))
    for ws in book.worksheets:
        assert ws.page_setup.paperSize == 9
        assert ws.print_title_rows
        if ws.sheet_properties.pageSetUpPr.fitToPage:
            assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)
        else:  # too wide to fit legibly: a set scale, the first column on every page
            assert name in ("export.xlsx", "template.xlsx", "monitorings.xlsx")
            assert ws.page_setup.scale >= 85 and ws.print_title_cols == "$A:$A"


def test_a_narrow_table_prints_portrait_and_a_wide_one_landscape(books: dict[str, bytes]):
    assert _sheet(books["sbm.xlsx"]).page_setup.orientation == "portrait"
    assert _sheet(books["letters.xlsx"]).page_setup.orientation == "landscape"


def test_the_plan_matrix_prints_landscape_at_a_set_scale_with_header_rows_and_columns(
    books: dict[str, bytes],
):
    ws = _sheet(books["matrix.xlsx"])
    assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape")
    assert ws.page_setup.scale == 85
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$8:$9"
    assert ws.print_title_cols == "$A:$B"
    assert ws.col_breaks.count >= 1


def test_wrapped_rows_are_as_tall_as_their_text(books: dict[str, bytes]):
    ws = _sheet(books["letters.xlsx"])
    header = [c.value for c in ws[5]]
    summary = header.index("Ringkasan") + 1
    assert ws.cell(6, summary).alignment.wrap_text
    assert all((ws.row_dimensions[row].height or 0) > 13 for row in range(6, ws.max_row + 1))
