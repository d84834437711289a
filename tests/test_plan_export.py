"""The monitoring-plan matrix export: a real plan is built, exported, and read back."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from dumas import config
from dumas.db import Database
from dumas.domain.permissions import User
from dumas.queries import plans as plan_queries
from dumas.render.plan_matrix import matrix_xlsx
from dumas.services import auth, plans
from tests.conftest import TODAY, Factory, prebuilt

NOW = dt.datetime(2026, 11, 27, 9, tzinfo=config.TIMEZONE)
GENERATED = "Dibuat pada 27 November 2026 09.00"
TRAP = '=HYPERLINK("http://contoh.invalid/curi","Klik di sini")'
POLRI = "Kepolisian Negara Republik Indonesia"
# Sheet 1 layout (1-based): six title rows, a blank row, two header rows, then the matrix.
GROUP, SUB, FIRST = 8, 9, 10
COLUMN = {  # 1-based column of each figure checked below
    "no": 1, "agency": 2, "province": 3, "origin": 4, "complaints": 5, "letters": 6,
    "oldest_letter_date": 7, "oldest_age_wd": 8, "reminders": 9, "letter_list": 10, "method": 11,
    "priority": 12, "priority_reason": 13, "schedule_from": 14, "schedule_to": 15,
    "days": 16, "level": 17, "team": 18, "persons": 19, "transport": 20, "lodging": 21,
    "allowance": 22, "estimated_cost": 23, "status": 24,
}  # fmt: skip


def _user(db: Database, username: str) -> User:
    """A template account, loaded as the app loads the signed-in user."""
    cur = db.cursor()
    found = cur.execute("SELECT id FROM app_user WHERE username = $u", {"u": username})
    user = auth.load_user(cur, found.fetchall()[0][0])
    assert user is not None
    return user


def _plan(db: Database) -> int:
    """A draft: Kemendagri (2 letters, a 3-person visit), BPN (1 letter), Polri (programme)."""
    make = Factory(db)
    kemendagri = make.agency("Kementerian Dalam Negeri")
    bpn = make.agency("Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional")
    first, second, third = make.complaint(), make.complaint(), make.complaint()
    letters = [
        make.forward(first, kemendagri, dt.date(2026, 3, 2)),
        make.forward(second, kemendagri, dt.date(2026, 4, 6)),
        make.forward(third, bpn, dt.date(2026, 5, 4)),
    ]
    make.respond(second, kemendagri, dt.date(2026, 4, 20), status="dalam_proses")
    analyst, kasubbid = _user(db, "analis.uji"), _user(db, "kasubbid.uji")
    plan_id = plans.create_plan(
        db, analyst, title="Rencana Pemantauan Semester II", period="2026-S2",
        source="database", bidang="Bidang Uji", now=NOW,
    )  # fmt: skip
    plans.add_letters(
        db, analyst, plan_id, revision=_revision(db, plan_id), forwarding_ids=letters, now=NOW
    )
    kemendagri_row, bpn_row = _matrix(db, plan_id)["row_id"].tolist()
    field_visit = {"method": "kunjungan_lapangan", "level": "kabid", "team_lead": analyst.id}
    updated = {
        kemendagri_row: {
            **field_visit, "priority": "tinggi", "priority_reason": TRAP,
            "schedule_from": dt.date(2026, 12, 7), "schedule_to": dt.date(2026, 12, 10),
            "team": [analyst.id, kasubbid.id], "persons": 3, "days": 4,
            "transport": 2_500_000, "lodging": 800_000, "allowance": 530_000,
        },
        bpn_row: {"method": "surat_resmi", "priority": "sedang", "level": "kabid"},
    }  # fmt: skip
    added = {
        **field_visit, "agency_id": make.agency(POLRI), "origin_reason": "Temuan berulang",
        "priority": "rendah", "persons": 2, "days": 2,
        "transport": 1_000_000, "lodging": 500_000, "allowance": 400_000,
    }  # fmt: skip
    plans.save_rows(
        db, analyst, plan_id, revision=_revision(db, plan_id), updated=updated,
        added=[added], deleted=[], now=NOW,
    )  # fmt: skip
    return plan_id


plan_prebuilt = prebuilt("plan-export-plan", _plan)


@pytest.fixture
def plan_id(plan_prebuilt, db_path) -> int:
    """The draft of _plan: the test's database is a copy of that world."""
    return plan_prebuilt[1]


def _revision(db: Database, plan_id: int) -> int:
    return plan_queries.plan(db.cursor(), plan_id)["revision"]


def _matrix(db: Database, plan_id: int) -> pd.DataFrame:
    return plan_queries.matrix(db.cursor(), plan_id, TODAY)


def _export(db: Database, plan_id: int, lang: str = "id") -> bytes:
    """The plan exported exactly as the app will: header, matrix and letters at today."""
    cur = db.cursor()
    header = plan_queries.plan(cur, plan_id)
    rows = plan_queries.matrix(cur, plan_id, TODAY)
    letters = plan_queries.row_letters(cur, plan_id, TODAY)
    return matrix_xlsx(header, rows, letters, lang, GENERATED)


def _sheets(data: bytes, data_only: bool = False) -> list[Worksheet]:
    return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only).worksheets


def _row(ws: Worksheet, number: int) -> dict[str, object]:
    """The cells of matrix row `number` (1-based), by column name."""
    return {name: ws.cell(FIRST + number - 1, col).value for name, col in COLUMN.items()}


def test_matrix_sheet_starts_with_the_paper_title_rows(db: Database, plan_id: int) -> None:
    ws = _sheets(_export(db, plan_id))[0]
    titles = [ws.cell(row, 1).value for row in range(1, 8)]
    assert titles == [
        "MATRIKS RENCANA PEMANTAUAN TINDAK LANJUT PENGADUAN MASYARAKAT",
        "Rencana Pemantauan Semester II",
        "Periode: Semester II 2026",
        "Bidang: Bidang Uji",
        "Tahap: Konsep (analis) — versi 0 — disusun oleh Analis Uji",
        GENERATED,
        None,
    ]
    assert ws["A1"].font.bold
    # Across the first printed page's columns (not the whole sheet, which prints wider).
    assert any(str(r).startswith("A1:") for r in ws.merged_cells.ranges)


def test_group_headings_are_merged_over_their_sub_columns(db: Database, plan_id: int) -> None:
    ws = _sheets(_export(db, plan_id))[0]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(GROUP, COLUMN["transport"]).value == "Perkiraan biaya (Rp)"
    assert f"T{GROUP}:W{GROUP}" in merged
    costs = [ws.cell(SUB, COLUMN[name]).value for name in ("transport", "lodging")]
    costs += [ws.cell(SUB, COLUMN[name]).value for name in ("allowance", "estimated_cost")]
    assert costs == ["Transpor", "Penginapan", "Uang harian", "Jumlah"]
    assert ws.cell(GROUP, COLUMN["oldest_letter_date"]).value == "Surat tertua belum ditanggapi"
    assert f"G{GROUP}:H{GROUP}" in merged
    # Columns without a group span both header rows, as on paper.
    assert ws.cell(GROUP, COLUMN["agency"]).value == "Instansi"
    assert {f"A{GROUP}:A{SUB}", f"B{GROUP}:B{SUB}", f"X{GROUP}:X{SUB}"} <= merged
    assert ws.cell(GROUP, COLUMN["agency"]).font.bold


def test_every_matrix_row_carries_its_agency_counts_labels_and_costs(
    db: Database, plan_id: int
) -> None:
    ws = _sheets(_export(db, plan_id))[0]
    oldest_age = int(_matrix(db, plan_id)["oldest_age_wd"].iloc[0])
    kemendagri = _row(ws, 1)
    del kemendagri["letter_list"]  # checked line by line below
    assert kemendagri == {
        "no": 1, "agency": "Kementerian Dalam Negeri", "province": "DKI Jakarta",
        "origin": "Telaahan database", "complaints": 2, "letters": 2,
        "oldest_letter_date": dt.datetime(2026, 3, 2), "oldest_age_wd": oldest_age, "reminders": 0,
        "method": "Langsung: kunjungan lapangan", "priority": "Tinggi",
        "priority_reason": TRAP, "schedule_from": dt.datetime(2026, 12, 7),
        "schedule_to": dt.datetime(2026, 12, 10), "days": 4, "level": "Kabid ke bawah",
        "team": "Ketua: Analis Uji\nAnggota: Kasubbid Uji", "persons": 3,
        "transport": 7_500_000, "lodging": 7_200_000, "allowance": 6_360_000,
        "estimated_cost": 21_060_000, "status": "Belum diputuskan",
    }  # fmt: skip
    bpn, polri = _row(ws, 2), _row(ws, 3)
    assert (bpn["agency"], bpn["method"], bpn["estimated_cost"]) == (
        "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
        "Tidak langsung: surat resmi",
        None,
    )
    assert (polri["agency"], polri["origin"], polri["letters"]) == (
        POLRI,
        "Program kerja\nTemuan berulang",
        0,
    )
    assert ws.cell(FIRST, COLUMN["estimated_cost"]).number_format == "#,##0"
    assert ws.cell(FIRST, COLUMN["oldest_letter_date"]).number_format == "dd/mm/yyyy"


def test_matrix_workbook_totals_the_estimated_costs_exactly(db: Database, plan_id: int) -> None:
    data = _export(db, plan_id)
    formulas, cached = _sheets(data)[0], _sheets(data, data_only=True)[0]
    total = FIRST + 3
    assert formulas.cell(total, 1).value == "JUMLAH"
    # 3 × (2.500.000 + 800.000 × 3 nights + 530.000 × 4 days) + 2 × (1.000.000 + 500.000 + 800.000)
    expected = {"complaints": 3, "letters": 3, "transport": 9_500_000, "lodging": 8_200_000,
                "allowance": 7_960_000, "estimated_cost": 25_660_000}  # fmt: skip
    for name, value in expected.items():
        col = COLUMN[name]
        letter = openpyxl.utils.get_column_letter(col)
        assert formulas.cell(total, col).value == f"=SUM({letter}{FIRST}:{letter}{total - 1})"
        summed = sum(formulas.cell(row, col).value or 0 for row in range(FIRST, total))
        assert (summed, cached.cell(total, col).value) == (value, value), name
    assert formulas.cell(total, COLUMN["days"]).value is None


def test_cost_sub_columns_add_up_to_the_estimate_of_each_row(db: Database, plan_id: int) -> None:
    ws = _sheets(_export(db, plan_id))[0]
    for number in (1, 3):
        row = _row(ws, number)
        assert row["transport"] + row["lodging"] + row["allowance"] == row["estimated_cost"]


def test_each_row_lists_its_letters_one_per_line(db: Database, plan_id: int) -> None:
    ws = _sheets(_export(db, plan_id))[0]
    letters = plan_queries.row_letters(db.cursor(), plan_id, TODAY)
    first = letters.iloc[0]
    lines = _row(ws, 1)["letter_list"].split("\n")
    assert lines == [
        f"{first['agenda_no']} — {first['letter_no']} — 02/03/2026 — "
        f"Belum ditanggapi, {first['age_wd']} hari kerja",
        f"{letters.iloc[1]['agenda_no']} — {letters.iloc[1]['letter_no']} — 06/04/2026"
        " — Dalam proses",
    ]
    assert ws.cell(FIRST, COLUMN["letter_list"]).alignment.wrap_text
    assert _row(ws, 3)["letter_list"] is None


def test_letters_sheet_lists_every_letter_with_its_row_number(db: Database, plan_id: int) -> None:
    ws = _sheets(_export(db, plan_id))[1]
    assert ws.title == "Daftar Surat"
    assert [cell.value for cell in ws[5]] == [
        "No. baris matriks", "Instansi", "No Agenda", "Nomor surat", "Tanggal surat",
        "Ditanggapi", "Status tindak lanjut", "Umur (hari kerja)", "Konfirmasi terkirim",
    ]  # fmt: skip
    listed = [(r[0], r[1], r[4], r[5], r[6]) for r in ws.iter_rows(min_row=6, values_only=True)]
    assert listed == [
        (1, "Kementerian Dalam Negeri", dt.datetime(2026, 3, 2), "Tidak", "Belum ditanggapi"),
        (1, "Kementerian Dalam Negeri", dt.datetime(2026, 4, 6), "Ya", "Dalam proses"),
        (2, "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional",
         dt.datetime(2026, 5, 4), "Tidak", "Belum ditanggapi"),
    ]  # fmt: skip


def test_formula_looking_reason_is_stored_as_text(db: Database, plan_id: int) -> None:
    ws = _sheets(_export(db, plan_id))[0]
    cell = ws.cell(FIRST, COLUMN["priority_reason"])
    assert (cell.value, cell.data_type) == (TRAP, "s")
    # The only formulas are the JUMLAH row's sums.
    formula_rows = {c.row for row in ws.iter_rows() for c in row if c.data_type == "f"}
    assert formula_rows == {FIRST + 3}


def test_english_workbook_uses_english_labels(db: Database, plan_id: int) -> None:
    matrix, letters = _sheets(_export(db, plan_id, lang="en"))
    assert matrix["A1"].value.startswith("MONITORING PLAN MATRIX")
    assert matrix["A5"].value.startswith("Stage: Draft (analyst) — version 0")
    assert matrix.cell(GROUP, COLUMN["transport"]).value == "Estimated cost (Rp)"
    first = _row(matrix, 1)
    assert (first["method"], first["priority"], first["status"]) == (
        "Direct: field visit",
        "High",
        "Not yet decided",
    )
    assert "Not yet answered, " in first["letter_list"]
    assert matrix.cell(FIRST + 3, 1).value == "TOTAL"
    assert letters.title == "Letters"


def test_matrix_prints_a4_landscape_at_a_legible_scale_with_a_frozen_header(
    db: Database, plan_id: int
) -> None:
    ws = _sheets(_export(db, plan_id))[0]
    assert (ws.page_setup.paperSize, ws.page_setup.orientation) == (9, "landscape")
    # 24 columns fitted to one page wide printed at about 4 pt: a set scale instead, the
    # columns over pages side by side (a group of columns never split), No and Instansi
    # and the two header rows repeated on each.
    assert not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.scale == 85
    assert ws.freeze_panes == f"C{FIRST}"
    assert ws.print_title_rows == f"${GROUP}:${SUB}"
    assert ws.print_title_cols == "$A:$B"
    breaks = [brk.id for brk in ws.col_breaks.brk]
    assert breaks
    groups = [
        ("oldest_letter_date", "oldest_age_wd"), ("priority", "priority_reason"),
        ("schedule_from", "days"), ("team", "persons"), ("transport", "estimated_cost"),
    ]  # fmt: skip
    for first, last in groups:  # no break inside a group
        assert not [b for b in breaks if COLUMN[first] <= b < COLUMN[last]]
    assert ws.column_dimensions["J"].width > ws.column_dimensions["E"].width


def test_an_empty_plan_exports_a_zero_total(db: Database) -> None:
    empty = plans.create_plan(
        db, _user(db, "analis.uji"), title="Rencana Kosong", period="2027",
        source="work_programme", bidang=None, now=NOW,
    )  # fmt: skip
    matrix, letters = _sheets(_export(db, empty))
    assert matrix.cell(4, 1).value == "Bidang: semua bidang"
    assert matrix.cell(FIRST, 1).value == "JUMLAH"
    assert matrix.cell(FIRST, COLUMN["estimated_cost"]).value == 0
    assert letters.max_row == 5  # the preamble and the header only


def _export_edited(db: Database, plan_id: int, index: int, values: dict) -> Worksheet:
    """The matrix sheet with some values of one query row changed before the export."""
    cur = db.cursor()
    rows = plan_queries.matrix(cur, plan_id, TODAY)
    rows.loc[index, list(values)] = list(values.values())
    letters = plan_queries.row_letters(cur, plan_id, TODAY)
    data = matrix_xlsx(plan_queries.plan(cur, plan_id), rows, letters, "id", GENERATED)
    return _sheets(data)[0]


def test_team_cell_names_the_lead_once_even_with_a_comma_in_a_name(
    db: Database, plan_id: int
) -> None:
    names = {"team_lead_name": "Budi, S.H.", "team_names": "Ani, S.Sos.; Budi, S.H.; Citra"}
    ws = _export_edited(db, plan_id, 0, names)
    assert _row(ws, 1)["team"] == "Ketua: Budi, S.H.\nAnggota: Ani, S.Sos.; Citra"


def test_status_cell_shows_the_decision_and_its_note(db: Database, plan_id: int) -> None:
    decision = {"status": "rejected", "decision_note": "Cukup dengan surat konfirmasi"}
    ws = _export_edited(db, plan_id, 1, decision)
    assert _row(ws, 2)["status"] == "Ditolak\nCukup dengan surat konfirmasi"
