"""Reference values written by hand: variants match through the shipped aliases, an unknown
value is imported as written, and an Administrator maps it (alias, stored rows, facts)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from dumas import config
from dumas.db import Database, connect
from dumas.domain.errors import Conflict
from dumas.domain.permissions import Forbidden, Role
from dumas.importer import import_file
from dumas.importer.files import export_xlsx
from dumas.importer.import_report import count_lines
from dumas.importer.values import alias_key, lookups_from_db
from dumas.queries.exchange import import_layout
from dumas.queries.reference_values import unmatched_values
from dumas.services.reference_values import map_unmatched_value
from tests.conftest import ADMIN, ANALYST, TODAY, open_page
from tests.importing import row, stored, xlsx

RESPONSE = {
    "response_no": "T-7/Kemendagri/2026",
    "response_date": dt.date(2026, 3, 20),
    "response_summary": "Sudah ditangani",
}
# Two complaints written as clerks write them: one with a value no master list knows in
# each coded column, one with the unknown category spelt otherwise.
HAND_WRITTEN = [
    row(category="Perpajakan", channel="Faksimile", province="Atlantis", problem_code="99",
        response_status="Ditolak", **RESPONSE),
    row(agenda_no="IMP-0002", letter_no="B-2/D-4/DM.04.00/03/2026", category="PERPAJAKAN"),
]  # fmt: skip


def _run(db: Database, data: bytes, **mode: bool):
    return import_file(db, ANALYST, data, "rekap.xlsx", today=TODAY, **mode)


def _complaints(db: Database) -> list[tuple]:
    sql = """
        SELECT agenda_no, category_code, category_raw, channel, channel_raw, province_code,
               province_raw, problem_code, problem_code_raw
          FROM complaint ORDER BY agenda_no
    """
    return db.cursor().execute(sql).fetchall()


def _snapshot(db: Database) -> dict[str, list]:
    cur = db.cursor()
    return {
        table: cur.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
        for table in ("complaint", "response", "letter_fact", "reference_alias")
    }


def _shipped() -> list[dict[str, str]]:
    with (config.REFERENCE_DIR / "reference_aliases.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ---- variants -------------------------------------------------------------------------


def test_every_shipped_variant_names_a_master_value_and_matches_it(db: Database) -> None:
    lookups = lookups_from_db(db.cursor())
    masters = {
        "category": {r[0] for r in db.cursor().execute("SELECT code FROM category").fetchall()},
        "province": {r[0] for r in db.cursor().execute("SELECT code FROM province").fetchall()},
        "problem_code": {
            r[0] for r in db.cursor().execute("SELECT code FROM problem_code").fetchall()
        },
        "channel": set(lookups.channels.values()),
        "response_status": set(lookups.statuses.values()),
    }
    shipped = _shipped()
    assert {"category", "channel", "province", "problem_code", "response_status"} == {
        a["list"] for a in shipped
    }
    for alias in shipped:
        assert alias["code"] in masters[alias["list"]], alias
        assert lookups.of(alias["list"])[alias_key(alias["list"], alias["alias"])] == alias["code"]


def test_variants_written_by_hand_import_as_their_master_values(db: Database) -> None:
    rows = [
        row(category="Pertanahan/Agraria", channel="Surat Masuk", province="Jogja",
            problem_code="Sengketa Tanah", response_status="Sudah Selesai", **RESPONSE),
        row(agenda_no="IMP-0002", letter_no="B-2", category="kepegawaian / asn",
            channel="WA", province="Kaltara", problem_code="04"),
        row(agenda_no="IMP-0003", letter_no="B-3", category="Sengketa  Tanah",
            channel="LAPOR!", province="Prov. NTB", problem_code="Lain-lain"),
    ]  # fmt: skip
    report = _run(db, xlsx(rows))
    assert report.applied and report.errors == [] and report.unmatched == {}
    assert _complaints(db) == [
        ("IMP-0001", "pertanahan", None, "surat", None, "34", None, "03", None),
        ("IMP-0002", "kepegawaian", None, "whatsapp", None, "65", None, "04", None),
        ("IMP-0003", "pertanahan", None, "lapor", None, "52", None, "10", None),
    ]
    status = db.cursor().execute("SELECT status, status_raw FROM response").fetchall()
    assert status == [("selesai", None)]


# ---- unknown values -------------------------------------------------------------------


def test_an_unknown_value_is_counted_by_column_in_the_preview_and_nothing_is_written(db):
    before = _snapshot(db)
    preview = _run(db, xlsx(HAND_WRITTEN), dry_run=True)
    assert preview.errors == [] and not preview.applied
    assert preview.unmatched == {
        "channel": [("Faksimile", 1)],
        "province": [("Atlantis", 1)],
        "problem_code": [("99", 1)],
        "category": [("Perpajakan", 2)],  # both spellings, under the first
        "response_status": [("Ditolak", 1)],
    }
    lines = count_lines(preview, "id")
    assert (
        "Nilai tidak dikenal di kolom Kategori, akan disimpan apa adanya sampai dipetakan"
        " Administrator: Perpajakan (2 baris)"
    ) in lines
    assert (
        "Unknown values in column Saluran, to be kept as written until an Administrator maps"
        " them: Faksimile (1 rows)"
    ) in count_lines(preview, "en")
    assert _snapshot(db) == before


def test_an_unknown_value_is_imported_as_written_and_named_in_the_report(db: Database) -> None:
    report = _run(db, xlsx(HAND_WRITTEN))
    assert report.applied and report.errors == []
    assert report.counts["complaint"].created == 2
    assert (
        "Nilai tidak dikenal di kolom Status Tanggapan, disimpan apa adanya sampai dipetakan"
        " Administrator: Ditolak (1 baris)"
    ) in count_lines(report, "id")
    # The category falls back to "lainnya"; the others to nothing; the text is kept.
    assert _complaints(db) == [
        ("IMP-0001", "lainnya", "Perpajakan", None, "Faksimile", None, "Atlantis", None, "99"),
        ("IMP-0002", "lainnya", "PERPAJAKAN", "surat", None, "31", None, "02", None),
    ]
    # A response of an unknown status is a response in process; its text is kept.
    status = db.cursor().execute("SELECT status, status_raw FROM response").fetchall()
    assert status == [("dalam_proses", "Ditolak")]
    audit = db.cursor().execute("SELECT new_value FROM audit_log WHERE action = 'import'")
    assert json.loads(audit.fetchone()[0])["unmatched"]["category"] == 1


def test_an_unknown_value_too_long_for_a_text_cell_is_refused_as_text_is(db: Database) -> None:
    report = _run(db, xlsx([row(category="x" * 4001)]))
    assert [(e.column, e.key) for e in report.errors] == [("Kategori", "import.error.too_long")]
    assert not report.applied


def test_a_known_value_in_a_later_file_replaces_the_value_kept_as_written(db: Database) -> None:
    _run(db, xlsx([row(category="Perpajakan", channel="Faksimile")]))
    _run(db, xlsx([row(category=None, channel=None)]))  # empty cells keep what is stored
    assert _complaints(db)[0][1:5] == ("lainnya", "Perpajakan", None, "Faksimile")
    report = _run(db, xlsx([row(category="Pertanahan", channel="Email")]))
    assert report.counts["complaint"].updated == 1 and report.unmatched == {}
    assert _complaints(db)[0][1:5] == ("pertanahan", None, "email", None)


def test_the_export_writes_a_value_kept_as_written_back_as_written(
    db: Database, empty_db_path: Path
) -> None:
    _run(db, xlsx(HAND_WRITTEN))
    data = export_xlsx(import_layout(db.cursor()), title="Ekspor", generated="uji")
    again = connect(empty_db_path)
    try:
        report = _run(again, data)
        assert report.applied and report.errors == []
        assert _complaints(again) == _complaints(db)
    finally:
        again.close()


# ---- mapping --------------------------------------------------------------------------


def test_mapping_an_unknown_value_updates_the_rows_the_facts_and_the_audit(db: Database) -> None:
    _run(db, xlsx(HAND_WRITTEN))
    [category] = [v for v in unmatched_values(db.cursor()) if v.list == "category"]
    assert (category.written, category.spellings, category.records) == (
        "PERPAJAKAN", ("PERPAJAKAN", "Perpajakan"), 2
    )  # fmt: skip
    updated = map_unmatched_value(db, ADMIN, listed="category", written="Perpajakan",
                                  code="pelayanan_publik")  # fmt: skip
    assert updated == 2
    cur = db.cursor()
    assert cur.execute("SELECT DISTINCT category_code, category_raw FROM complaint").fetchall() == [
        ("pelayanan_publik", None)
    ]
    facts = cur.execute("SELECT DISTINCT category_code FROM letter_fact").fetchall()
    assert facts == [("pelayanan_publik",)]
    alias = cur.execute(
        "SELECT alias, code FROM reference_alias"
        " WHERE list = 'category' AND alias_key = 'perpajakan'"
    ).fetchall()
    assert alias == [("Perpajakan", "pelayanan_publik")]
    actor, entity, old, new = cur.execute(
        "SELECT actor, entity_id, old_value, new_value FROM audit_log"
        " WHERE action = 'reference.map'"
    ).fetchone()
    assert (actor, entity) == (ADMIN.username, "category:perpajakan")
    assert json.loads(old)["written"] == ["PERPAJAKAN", "Perpajakan"]
    assert json.loads(new) == {
        "list": "category",
        "alias": "Perpajakan",
        "code": "pelayanan_publik",
    }
    assert [v.list for v in unmatched_values(cur)] == [
        "channel", "province", "problem_code", "response_status"
    ]  # fmt: skip


def test_mapping_a_response_status_updates_the_response_and_its_letter_facts(db) -> None:
    _run(db, xlsx(HAND_WRITTEN))
    map_unmatched_value(db, ADMIN, listed="response_status", written="Ditolak",
                        code="tidak_dapat_ditindaklanjuti")  # fmt: skip
    cur = db.cursor()
    assert cur.execute("SELECT status, status_raw FROM response").fetchall() == [
        ("tidak_dapat_ditindaklanjuti", None)
    ]
    last = cur.execute("SELECT last_status FROM letter_facts($d) WHERE answered", {"d": TODAY})
    assert last.fetchall() == [("tidak_dapat_ditindaklanjuti",)]


def test_importing_the_same_file_after_the_mapping_changes_nothing(db: Database) -> None:
    _run(db, xlsx(HAND_WRITTEN))
    for listed, written, code in [
        ("category", "Perpajakan", "pertanahan"),
        ("channel", "Faksimile", "surat"),
        ("province", "Atlantis", "31"),
        ("problem_code", "99", "10"),
        ("response_status", "Ditolak", "bukan_kewenangan"),
    ]:
        map_unmatched_value(db, ADMIN, listed=listed, written=written, code=code)
    before = _snapshot(db)
    report = _run(db, xlsx(HAND_WRITTEN))
    counts = {k: (c.created, c.updated, c.unchanged) for k, c in report.counts.items()}
    assert counts == {"complaint": (0, 0, 2), "forwarding": (0, 0, 2), "response": (0, 0, 1)}
    assert report.unmatched == {}
    assert _snapshot(db) == before


def test_an_analyst_may_not_map_an_unknown_value(db: Database) -> None:
    _run(db, xlsx(HAND_WRITTEN))
    before = _snapshot(db)
    with pytest.raises(Forbidden):
        map_unmatched_value(db, ANALYST, listed="category", written="Perpajakan", code="korupsi")
    assert _snapshot(db) == before


def test_a_value_mapped_meanwhile_on_another_screen_is_refused(db: Database) -> None:
    _run(db, xlsx(HAND_WRITTEN))
    map_unmatched_value(db, ADMIN, listed="channel", written="Faksimile", code="surat")
    before = _snapshot(db)
    with pytest.raises(Conflict):
        map_unmatched_value(db, ADMIN, listed="channel", written="Faksimile", code="email")
    assert _snapshot(db) == before


def test_a_value_is_mapped_only_to_a_value_of_its_own_master_list(db: Database) -> None:
    _run(db, xlsx(HAND_WRITTEN))
    before = _snapshot(db)
    for listed, code in [("category", "31"), ("channel", "pertanahan"), ("province", "99")]:
        with pytest.raises(Exception, match="unknown_reference_value"):
            map_unmatched_value(db, ADMIN, listed=listed, written="x", code=code)
    assert _snapshot(db) == before


# ---- the page -------------------------------------------------------------------------

IMPORT_PAGE = "pages/import_data.py"


@pytest.mark.usefixtures("app_env")
def test_an_administrator_maps_an_unknown_value_on_the_merge_tab(db_path: Path) -> None:
    at = open_page(Role.ADMIN, IMPORT_PAGE)
    at.file_uploader(key="import_upload").upload("rekap.xlsx", xlsx(HAND_WRITTEN)).run()
    at.button(key="import_run").click().run()
    assert not at.exception
    report = next(m.value for m in at.markdown if m.value.startswith("- "))
    assert "Nilai tidak dikenal di kolom Kategori, disimpan apa adanya" in report
    value = at.selectbox(key="unmatched_value")
    assert value.value is None  # a mapping is a deliberate choice
    assert "Kategori: PERPAJAKAN (2)" in value.options
    value.set_value("category:perpajakan").run()
    at.selectbox(key="unmatched_target").set_value("pertanahan").run()
    at.button(key="unmatched_run").click().run()
    assert not at.exception
    done = "PERPAJAKAN dipetakan ke Pertanahan; 2 data diperbarui dan nilainya kini menjadi alias."
    assert done in [s.value for s in at.success]
    assert "Kategori: PERPAJAKAN (2)" not in at.selectbox(key="unmatched_value").options
    complaints = stored(db_path, "SELECT DISTINCT category_code, category_raw FROM complaint")
    assert complaints == [("pertanahan", None)]
    facts = stored(db_path, "SELECT DISTINCT category_code FROM letter_fact")
    assert facts == [("pertanahan",)]


@pytest.mark.usefixtures("app_env")
def test_an_analyst_is_not_offered_the_mapping(db_path: Path) -> None:
    db = connect(db_path)
    try:
        _run(db, xlsx(HAND_WRITTEN))
    finally:
        db.close()
    at = open_page(Role.ANALIS, IMPORT_PAGE)
    assert not at.exception
    assert "Gabungkan instansi" not in [tab.label for tab in at.tabs]
    assert not [s for s in at.selectbox if s.key == "unmatched_value"]
    assert not [b for b in at.button if b.key == "unmatched_run"]
