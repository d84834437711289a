"""The demo generator and the shipped reference data."""

from __future__ import annotations

import csv
import datetime as dt
import inspect
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dumas import config
from dumas.db import Database, connect, demo
from dumas.db.reference import normalise_name
from tests.conftest import built_once

TODAY = dt.date(2026, 11, 27)
SIZE = 2_000
DATA_TABLES = ("complaint", "forwarding", "reminder", "response")
DEFAULT_SEED = inspect.signature(demo.generate).parameters["seed"].default


def build_demo(path: Path) -> None:
    """The demo database of SIZE complaints on TODAY, at path (closed when built)."""
    database = connect(path)
    try:
        demo.generate(database, SIZE, today=TODAY)
    finally:
        database.close()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """One demo database shared by the read-only tests of this module, built once per run
    for it and tests/test_demo_consistency.py (conftest.built_once)."""
    path, _ = built_once(tmp_path_factory, "demo", build_demo)
    database = connect(path)
    yield database
    database.close()


def scalar(db: Database, sql: str, params: dict | None = None) -> object:
    return db.cursor().execute(sql, params or {}).fetchone()[0]


def checksums(db: Database) -> dict[str, tuple[int, int]]:
    """Row count and an order-independent hash of every row, per data table."""
    cur = db.cursor()
    return {
        table: cur.execute(f"SELECT count(*), sum(hash(t)::HUGEINT) FROM {table} AS t").fetchone()
        for table in DATA_TABLES
    }


def reference_rows(filename: str) -> list[dict[str, str]]:
    with (config.REFERENCE_DIR / filename).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_demo_is_deterministic_for_the_same_seed(template_db: Path, tmp_path: Path) -> None:
    sums = []  # 500 complaints: every kind of letter and response, a fifth of the time of 2,000
    for name, seed in (("a", DEFAULT_SEED), ("b", DEFAULT_SEED), ("c", DEFAULT_SEED + 1)):
        shutil.copy(template_db, tmp_path / f"{name}.duckdb")
        database = connect(tmp_path / f"{name}.duckdb")
        demo.generate(database, 500, seed=seed, today=TODAY)
        sums.append(checksums(database))
        database.close()
    assert sums[0] == sums[1]
    assert sums[0] != sums[2]  # the seed matters


def test_demo_returns_its_counts_and_writes_audit_rows_for_data_and_accounts(
    empty_db_path: Path,
) -> None:
    database = connect(empty_db_path)
    counts = demo.generate(database, 500, seed=3, today=TODAY, actor="analis.uji")
    assert counts == {t: scalar(database, f"SELECT count(*) FROM {t}") for t in DATA_TABLES}
    assert counts["complaint"] == 500
    rows = (
        database.cursor()
        .execute("SELECT actor, action, new_value FROM audit_log ORDER BY id")
        .fetchall()
    )
    assert [(r[0], r[1]) for r in rows[:2]] == [
        ("sistem.demo", "user.create_demo_accounts"),
        ("analis.uji", "demo.generate"),
    ]
    assert '"seed": 3' in rows[1][2]
    assert scalar(database, "SELECT count(*) FROM app_user") == 9  # one demo account per role
    # then the demo plans, each step by its demo account through the services
    assert {r[0] for r in rows[2:]} == {"analis", "kasubbid", "kabid", "asdep", "admin", "ppk",
                                        "deputi"}  # forwards, approves the memo  # fmt: skip
    assert {r[1] for r in rows[2:]} >= {"plan.create", "plan.submit", "plan.approve"}
    database.close()


def test_demo_plans_show_each_stage_with_monitorings_from_the_decided_one(demo_db) -> None:
    states = dict(
        demo_db.cursor().execute("SELECT state, count(*) FROM plan GROUP BY state").fetchall()
    )
    assert states == {"decided": 1, "proposed": 1, "draft": 1}
    monitorings = (
        demo_db.cursor()
        .execute("SELECT count(*), count(estimated_cost) FROM monitoring")
        .fetchone()
    )
    assert monitorings[0] >= 2 and monitorings[1] >= 1  # a field visit carries its cost
    progressed = dict(
        demo_db.cursor().execute("SELECT method, state FROM monitoring WHERE id <= 2").fetchall()
    )
    assert progressed == {"kunjungan_lapangan": "reporting", "surat_resmi": "closed"}


def test_demo_plans_are_for_report_periods_named_with_their_year(demo_db) -> None:
    stored = demo_db.cursor().execute("SELECT period_code, period_label FROM plan").fetchall()
    assert len(stored) == 3
    for code, label in stored:
        assert re.fullmatch(r"\d{4}-(S[12]|\d{2})", code), code  # a semester or a month
        assert label.endswith(code[:4]), label  # "Semester II 2026", "Desember 2026"


def test_demo_field_visits_past_step_4_carry_the_deputis_approval_of_their_memo(demo_db) -> None:
    unapproved = (
        demo_db.cursor()
        .execute(
            """
        SELECT m.id FROM monitoring AS m
          JOIN monitoring_document AS d ON d.monitoring_id = m.id AND d.kind = 'memo_deputi'
          LEFT JOIN monitoring_memo_answer AS a ON a.monitoring_id = m.id
               AND a.memo_no = d.letter_no AND a.outcome = 'approved'
         WHERE m.method = 'kunjungan_lapangan' AND m.state <> 'preparation' AND a.id IS NULL
        """
        )
        .fetchall()
    )
    past = "SELECT count(*) FROM monitoring WHERE method = 'kunjungan_lapangan'"
    past += " AND state <> 'preparation'"
    assert demo_db.cursor().execute(past).fetchone()[0] >= 1
    assert unapproved == []


def test_demo_refuses_a_database_with_complaints(demo_db: Database) -> None:
    before = checksums(demo_db)
    with pytest.raises(ValueError, match="already has complaints"):
        demo.generate(demo_db, 10, today=TODAY)
    assert checksums(demo_db) == before


def test_demo_dates_nothing_after_today(demo_db: Database) -> None:
    dates = {
        "complaint": "received_on",
        "forwarding": "letter_date",
        "reminder": "letter_date",
        "response": "response_date",
    }
    five_years_ago = TODAY.replace(year=TODAY.year - 5)
    for table, column in dates.items():
        low, high = (
            demo_db.cursor().execute(f"SELECT min({column}), max({column}) FROM {table}").fetchone()
        )
        assert five_years_ago < low and high <= TODAY, table
    assert scalar(demo_db, "SELECT max(created_at)::DATE FROM complaint") <= TODAY


def test_demo_forwards_after_receipt_and_some_complaints_to_two_agencies(
    demo_db: Database,
) -> None:
    assert not scalar(
        demo_db,
        """
        SELECT count(*)
          FROM forwarding AS f
          JOIN complaint AS c ON c.id = f.complaint_id
         WHERE f.letter_date < c.received_on
        """,
    )
    two = scalar(
        demo_db,
        """
        SELECT avg((n = 2)::INTEGER)
          FROM (SELECT count(DISTINCT agency_id) AS n FROM forwarding GROUP BY complaint_id)
        """,
    )
    assert 0.04 < two < 0.13


def test_demo_responses_never_precede_their_forwarding(demo_db: Database) -> None:
    orphans = scalar(
        demo_db,
        """
        SELECT count(*)
          FROM response AS r
         WHERE NOT EXISTS (
               SELECT 1
                 FROM forwarding AS f
                WHERE f.complaint_id = r.complaint_id
                  AND f.agency_id = r.agency_id
                  AND f.letter_date <= r.response_date)
        """,
    )
    assert orphans == 0


def test_demo_letters_and_responses_fall_on_working_days(demo_db: Database) -> None:
    for table, column in (
        ("forwarding", "letter_date"),
        ("reminder", "letter_date"),
        ("response", "response_date"),
    ):
        off_days = scalar(
            demo_db,
            f"""
            SELECT count(*)
              FROM {table} AS t
              JOIN calendar_day AS c ON c.d = t.{column}
             WHERE NOT c.is_working
            """,
        )
        assert off_days == 0, table


def test_demo_reminders_chase_only_letters_still_unanswered(demo_db: Database) -> None:
    assert scalar(demo_db, "SELECT count(*) FROM reminder") > 0
    answered_before = scalar(
        demo_db,
        """
        SELECT count(*)
          FROM reminder AS m
          JOIN forwarding AS f ON f.id = m.forwarding_id
          JOIN response AS r
            ON r.complaint_id = f.complaint_id
           AND r.agency_id = f.agency_id
           AND r.response_date >= f.letter_date
         WHERE r.response_date <= m.letter_date
        """,
    )
    assert answered_before == 0
    too_early = scalar(
        demo_db,
        """
        SELECT count(*)
          FROM reminder AS m
          JOIN forwarding AS f ON f.id = m.forwarding_id
          JOIN calendar_day AS a ON a.d = f.letter_date
          JOIN calendar_day AS b ON b.d = m.letter_date
         WHERE b.wd_index - a.wd_index < CASE m.kind WHEN 'konfirmasi_1' THEN 30 ELSE 60 END
        """,
    )
    assert too_early == 0
    second_without_first = scalar(
        demo_db,
        """
        SELECT count(*)
          FROM reminder AS m
         WHERE m.kind = 'konfirmasi_2'
           AND NOT EXISTS (SELECT 1 FROM reminder AS k
                            WHERE k.forwarding_id = m.forwarding_id
                              AND k.kind = 'konfirmasi_1')
        """,
    )
    assert second_without_first == 0


def test_demo_covers_every_response_status_and_channel(demo_db: Database) -> None:
    cur = demo_db.cursor()
    statuses = dict(cur.execute("SELECT status, count(*) FROM response GROUP BY 1").fetchall())
    assert set(statuses) == {
        "dalam_proses",
        "selesai",
        "bukan_kewenangan",
        "tidak_dapat_ditindaklanjuti",
        "perlu_klarifikasi",
    }
    assert sorted(statuses, key=statuses.get)[-2:] in (
        ["dalam_proses", "selesai"],
        ["selesai", "dalam_proses"],
    )
    channels = {r[0] for r in cur.execute("SELECT DISTINCT channel FROM complaint").fetchall()}
    assert channels == set(demo.CHANNELS)
    kinds = {r[0] for r in cur.execute("SELECT DISTINCT kind FROM reminder").fetchall()}
    assert kinds == {"konfirmasi_1", "konfirmasi_2"}


def test_demo_sends_some_letters_a_final_answer_after_dalam_proses(demo_db: Database) -> None:
    followed_up = scalar(
        demo_db,
        """
        SELECT count(*)
          FROM response AS a
          JOIN response AS b
            ON b.complaint_id = a.complaint_id
           AND b.agency_id = a.agency_id
           AND b.response_date > a.response_date
         WHERE a.status = 'dalam_proses'
           AND b.status = 'selesai'
        """,
    )
    assert followed_up > 0


def test_demo_has_chronically_silent_agencies(demo_db: Database) -> None:
    rates = [
        r[0]
        for r in demo_db.cursor()
        .execute(
            """
            SELECT avg(answered::INTEGER)
              FROM (SELECT f.agency_id,
                           EXISTS (SELECT 1 FROM response AS r
                                    WHERE r.complaint_id = f.complaint_id
                                      AND r.agency_id = f.agency_id
                                      AND r.response_date >= f.letter_date) AS answered
                      FROM forwarding AS f)
             GROUP BY agency_id
            HAVING count(*) >= 30
            """
        )
        .fetchall()
    ]
    assert min(rates) < 0.20
    assert max(rates) > 0.70


def test_demo_places_each_complaint_in_a_regency_of_its_province(demo_db: Database) -> None:
    known = {(r["province_code"], r["name"]) for r in reference_rows("regencies.csv")}
    found = set(
        demo_db.cursor().execute("SELECT DISTINCT province_code, regency FROM complaint").fetchall()
    )
    assert found <= known


def test_demo_complainants_have_a_name_and_a_phone_or_email(demo_db: Database) -> None:
    cur = demo_db.cursor()
    contacts = [r[0] for r in cur.execute("SELECT complainant_contact FROM complaint").fetchall()]
    assert all(c.startswith(("08", "+628")) or "@" in c for c in contacts)
    assert not scalar(demo_db, "SELECT count(*) FROM complaint WHERE complainant_name = ''")


def test_reference_data_has_38_provinces_and_10_problem_codes() -> None:
    provinces = {r["code"]: r["name"] for r in reference_rows("provinces.csv")}
    assert len(provinces) == 38
    assert provinces["31"] == "DKI Jakarta"
    assert provinces["96"] == "Papua Barat Daya"
    codes = [r["code"] for r in reference_rows("problem_codes.csv")]
    assert codes == [f"{i:02d}" for i in range(1, 11)]
    regencies = {r["province_code"] for r in reference_rows("regencies.csv")}
    assert regencies == set(provinces)


def test_reference_data_loads_into_a_new_database(demo_db: Database) -> None:
    assert scalar(demo_db, "SELECT count(*) FROM province") == 38
    assert scalar(demo_db, "SELECT count(*) FROM problem_code") == 10
    agencies = reference_rows("agencies.csv")
    assert scalar(demo_db, "SELECT count(*) FROM agency") == len(agencies)
    pemprov = [a for a in agencies if a["category_code"] == "pemprov"]
    assert len({a["province_code"] for a in pemprov}) == 38


def test_every_alias_points_to_an_existing_agency() -> None:
    agencies = {r["id"]: r["name"] for r in reference_rows("agencies.csv")}
    aliases = reference_rows("agency_aliases.csv")
    assert all(a["agency_id"] in agencies for a in aliases)
    by_name = {normalise_name(name): agency_id for agency_id, name in agencies.items()}
    assert len(by_name) == len(agencies)  # names stay distinct after normalisation
    owner: dict[str, str] = {}
    for alias in aliases:
        key = normalise_name(alias["alias"])
        assert by_name.get(key, alias["agency_id"]) == alias["agency_id"], alias
        assert owner.setdefault(key, alias["agency_id"]) == alias["agency_id"], alias


# The schema has no foreign keys (docs/decisions/0001-no-foreign-keys.md): the services keep
# references whole, and the demo database, which fills every part of the workflow, shows it.
_PEOPLE = ("user_id", "actor_id", "approved_by", "created_by", "finalised_by", "recorded_by",
           "saved_by", "answered_by", "entered_by", "uploaded_by", "removed_by")  # fmt: skip
_REFERENCES = {  # a reference column's name -> the table and key it points at
    **dict.fromkeys(("agency_id", "reported_agency_id"), ("agency", "id")),
    "complaint_id": ("complaint", "id"),
    "forwarding_id": ("forwarding", "id"),
    "response_id": ("response", "id"),
    "plan_id": ("plan", "id"),
    "plan_row_id": ("plan_row", "id"),
    "monitoring_id": ("monitoring", "id"),
    **dict.fromkeys(_PEOPLE, ("app_user", "id")),
    "province_code": ("province", "code"),
    "problem_code": ("problem_code", "code"),
    "category_code": ("category", "code"),
}
_OWN_REFERENCES = {("agency", "category_code"): ("agency_category", "code"),
                   ("job_request", "requested_by"): ("app_user", "username"),
                   ("reminder", "letter_id"): ("reminder_letter", "id")}  # fmt: skip
_NOT_REFERENCES = {("audit_log", "entity_id"), ("periodic_report", "period_code"),
                   ("report_draft", "period_code"),
                   ("periodic_report_event", "period_code"),
                   ("plan", "period_code"), ("mail_log", "related_id"),
                   ("attachment", "record_id")}  # fmt: skip
# the command line acts as id 0
_SYSTEM_ACTOR = ("actor_id", "approved_by", "finalised_by", "uploaded_by")


_REFERENCE_COLUMNS = """
    SELECT table_name, column_name
      FROM information_schema.columns
     WHERE table_schema = 'main' AND regexp_matches(column_name, '_(id|by|code)$')
     ORDER BY ALL
"""  # every (table, column) named like a reference: *_id, *_by, *_code


def test_every_reference_column_is_known_and_points_at_an_existing_row(
    demo_db: Database,
) -> None:
    orphans = {}
    for table, column in demo_db.cursor().execute(_REFERENCE_COLUMNS).fetchall():
        if (table, column) in _NOT_REFERENCES:
            continue
        target, key = _OWN_REFERENCES.get((table, column)) or _REFERENCES[column]
        system = f"AND r.{column} <> 0" if column in _SYSTEM_ACTOR else ""
        orphans[table, column] = scalar(
            demo_db,
            f"""
            SELECT count(*) FROM {table} AS r
             WHERE r.{column} IS NOT NULL {system}
               AND NOT EXISTS (SELECT 1 FROM {target} AS t WHERE t.{key} = r.{column})
            """,  # names from information_schema and the maps above, never input
        )
    assert orphans and not {where: n for where, n in orphans.items() if n}
