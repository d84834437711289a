"""The periodic report's tables on a small month built by hand (May 2026).

    A  received Mon 4 May (surat, DKI), to Kemendagri Tue 5 May, answered Tue 12 May
       (5 working days: on time)
    B  received 6 May (email, Jabar), to Kemendagri 7 May, answered 10 June (after May)
    C  received 20 May (surat, DKI), to BPN 21 May, never answered
    D  received 10 April (lapor), to BPN 13 April, answered 27 May (the month before)
    E  received 15 May 2025 (surat), to Kemendagri 16 May 2025, never answered (a year ago)

May 2026 holds Ascension (14), cuti bersama (15, 28) and Idul Adha (27): B's age at
31 May counts 8, 11-13, 18-22, 25, 26 and 29 May = 12 working days.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dumas.db import Database
from dumas.domain import periods
from dumas.queries import periodic
from tests.conftest import Factory, prebuilt

MAY = periods.parse("2026-05")
KEMENDAGRI = "Kementerian Dalam Negeri"
BPN = "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional"


def _month(db: Database) -> None:
    """The five complaints A-E of the module's docstring, their letters and responses."""
    make = Factory(db)
    kemendagri = make.agency(KEMENDAGRI)
    bpn = make.agency(BPN)
    d = dt.date
    a = make.complaint(received_on=d(2026, 5, 4), channel="surat", province_code="31")
    make.forward(a, kemendagri, d(2026, 5, 5))
    make.respond(a, kemendagri, d(2026, 5, 12))
    b = make.complaint(received_on=d(2026, 5, 6), channel="email", province_code="32")
    make.forward(b, kemendagri, d(2026, 5, 7))
    make.respond(b, kemendagri, d(2026, 6, 10))
    c = make.complaint(received_on=d(2026, 5, 20), channel="surat", province_code="31")
    make.forward(c, bpn, d(2026, 5, 21))
    e = make.complaint(received_on=d(2026, 4, 10), channel="lapor", province_code="31")
    make.forward(e, bpn, d(2026, 4, 13))
    make.respond(e, bpn, d(2026, 5, 27))
    f = make.complaint(received_on=d(2025, 5, 15), channel="surat", province_code="33")
    make.forward(f, kemendagri, d(2025, 5, 16))


month_prebuilt = prebuilt("reports-month", _month)


@pytest.fixture
def month(month_prebuilt, db_path) -> None:
    """The month of _month: the test's database is a copy of that world."""


def _rows(frame) -> list[tuple]:
    return [tuple(None if v != v else v for v in row) for row in frame.itertuples(index=False)]


def test_periods_read_months_semesters_years_and_ranges_with_their_comparisons():
    assert (MAY.start, MAY.end) == (dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert MAY.previous().code == "2026-04" and MAY.year_ago().code == "2025-05"
    assert periods.parse("2026-01").previous().code == "2025-12"
    first = periods.parse("2026-S1")
    assert (first.end, first.previous().code) == (dt.date(2026, 6, 30), "2025-S2")
    assert periods.parse("2026").previous().code == "2025"
    spring = periods.parse("2026-03-01..2026-03-10")
    assert spring.previous().code == "2026-02-19..2026-02-28"
    for bad in ("2026-13", "2026-S3", "26", "2026-05-10..2026-05-01", "1999"):
        with pytest.raises(ValueError):
            periods.parse(bad)


def test_a_plan_is_for_a_month_a_semester_or_a_year_never_a_range():
    assert [periods.plan_period(c).kind for c in ("2026-07", "2026-S2", "2027")] == [
        "month", "semester", "year"
    ]  # fmt: skip
    for bad in ("2026-07-01..2026-09-30", "Semester II 2026", ""):
        with pytest.raises(ValueError):
            periods.plan_period(bad)


def test_a_plans_periods_are_this_year_and_next_those_not_over_first():
    offered = [p.code for p in periods.plan_choices(dt.date(2026, 7, 1))]
    assert offered[:4] == ["2026", "2026-S2", "2026-07", "2026-08"]
    assert offered[-7:] == ["2026-S1", "2026-06", "2026-05", "2026-04", "2026-03", "2026-02",
                            "2026-01"]  # fmt: skip
    assert len(offered) == len(set(offered)) == 30 and "2027-S2" in offered


def test_complaints_received_by_channel_in_may_april_and_may_a_year_ago(db, month):
    table = periodic.received_by(db.cursor(), "channel", MAY)
    assert _rows(table) == [("surat", 2, 0, 1), ("email", 1, 0, 0), ("lapor", 0, 1, 0)]


def test_complaints_by_province_keep_a_province_seen_only_a_year_ago(db, month):
    table = periodic.received_by(db.cursor(), "province", MAY)
    # 31: A and C in May, D in April; 32: B; 33: only E, in May 2025
    assert _rows(table) == [("31", 2, 1, 0), ("32", 1, 0, 0), ("33", 0, 0, 1)]
    by_problem = periodic.received_by(db.cursor(), "problem_code", MAY)
    assert _rows(by_problem) == [("03", 3, 1, 1)]  # every complaint of the month is "03"
    by_category = periodic.received_by(db.cursor(), "category", MAY)
    assert _rows(by_category) == [("pertanahan", 3, 1, 1)]


def test_response_status_by_agency_is_judged_at_the_end_of_may(db, month):
    table = periodic.response_status(db.cursor(), MAY)
    assert _rows(table) == [
        (KEMENDAGRI, 2, 1, 0, 1, 0.5),  # A on time; B answered only in June
        (BPN, 1, 0, 0, 1, 0.0),  # C
        (None, 3, 1, 0, 2, pytest.approx(1 / 3)),  # the total row
    ]


def test_ageing_of_the_unanswered_at_each_periods_end(db, month):
    table = periodic.ageing_at_end(db.cursor(), MAY)
    # 31 May: B (12 working days) and C (4) are 0-14; E (a year old) is over 60.
    # 30 April: D (13 working days since 13 April) and E. 31 May 2025: E (at most 11).
    assert _rows(table) == [
        ("0_14", 2, 1, 1),
        ("15_30", 0, 0, 0),
        ("31_60", 0, 0, 0),
        ("over_60", 1, 1, 0),
    ]


def test_forwarded_by_agency_keeps_the_top_and_sums_the_rest(db, month):
    table = periodic.forwarded_by_agency(db.cursor(), MAY, top=1)
    assert _rows(table) == [
        (KEMENDAGRI, "Kementerian", 2, 0, 1),
        (None, None, 1, 1, 0),  # BPN: C in May, D in April
    ]


def test_forwarded_by_agency_category_counts_every_letter_of_each_period(db, month):
    codes = dict(db.cursor().execute("SELECT name, category_code FROM agency").fetchall())
    assert codes[KEMENDAGRI] == codes[BPN]  # both ministries
    table = periodic.forwarded_by_category(db.cursor(), MAY)
    assert _rows(table) == [(codes[KEMENDAGRI], 3, 1, 1)]  # A, B, C / D / E


def test_trend_compares_may_with_april_and_with_may_a_year_ago(db, month):
    table = periodic.trend(db.cursor(), MAY).set_index("figure")
    assert table.loc["received"].tolist() == [3, 1, 1]
    assert table.loc["forwarded"].tolist() == [3, 1, 1]
    assert table.loc["answered"].tolist() == [1, 0, 0]  # D answered only in May
    assert table.loc["response_rate"].tolist() == pytest.approx([1 / 3, 0.0, 0.0])
    assert table.loc["unanswered_at_end"].tolist() == [3, 2, 1]  # B, C, E / D, E / E
    assert table.loc["monitorings_approved"].tolist() == [0, 0, 0]


def test_monitoring_and_money_of_may_count_what_the_monitoring_changed(db, make, kemendagri):
    from dumas import config
    from dumas.services import ResponseInput
    from dumas.services import monitoring_records as rec
    from tests.monitoring_support import approved, people_of

    d = dt.date
    first, second = make.complaint(province_code="31"), make.complaint(province_code="31")
    letters = [make.forward(first, kemendagri, d(2026, 3, 2)),
               make.forward(second, kemendagri, d(2026, 3, 9))]  # fmt: skip
    people = people_of(db)
    at = dt.datetime(2026, 5, 18, 9, tzinfo=config.TIMEZONE)
    mid = approved(db, people, letters, direct=True, now=at)
    answered = ResponseInput("T-1/2026", d(2026, 5, 25), "selesai", None)
    rec.record_result(db, people.analyst, mid, forwarding_id=letters[0],
                      found=rec.ResultInput("ditindaklanjuti", None, None, answered),
                      today=d(2026, 11, 27), now=at)  # fmt: skip
    rec.record_result(db, people.analyst, mid, forwarding_id=letters[1],
                      found=rec.ResultInput("belum", None, None),
                      today=d(2026, 11, 27), now=at)  # fmt: skip
    revision = (
        db.cursor()
        .execute("SELECT revision FROM monitoring WHERE id = $id", {"id": mid})
        .fetchone()[0]
    )
    costs = [
        {"item": "transport", "user_id": None, "planned": 2_500_000, "actual": 2_410_000},
        {"item": "penginapan", "user_id": None, "planned": 1_600_000, "actual": 1_600_000},
    ]
    rec.save_costs(db, people.analyst, mid, revision=revision, now=at, rows=costs)
    summary = periodic.monitoring_summary(db.cursor(), MAY)
    assert {k: summary[k] for k in ("approved", "approved_direct", "approved_indirect",
                                    "complaints", "letters", "answered_after")} == {
        "approved": 1, "approved_direct": 1, "approved_indirect": 0, "complaints": 2,
        "letters": 2, "answered_after": 1}  # fmt: skip
    assert _rows(summary["findings"]) == [("belum", 1), ("ditindaklanjuti", 1)]
    assert _rows(periodic.money(db.cursor(), MAY)) == [(KEMENDAGRI, mid, 4_100_000, 4_010_000)]
    assert periodic.monitoring_summary(db.cursor(), periods.parse("2026-04"))["approved"] == 0


def test_the_report_data_labels_every_table_in_the_users_language(db, month):
    from dumas.periodic import contents as build

    report = build.build(db.cursor(), MAY, "id", title="Laporan Mei 2026", generated="Dibuat")
    tables = {t.key: t for t in report["tables"]}
    assert list(tables) == ["channels", "problems", "categories", "provinces", "agencies",
                            "agency_categories", "response", "ageing", "monitoring", "money",
                            "trend"]  # fmt: skip
    assert tables["agency_categories"].rows == (
        {"label": "Kementerian", "current": 3, "previous": 1, "year_ago": 1},
    )
    assert report["period_label"] == "Mei 2026 (1 Mei 2026 – 31 Mei 2026)"
    channels = tables["channels"]
    assert [r["label"] for r in channels.rows] == ["Surat", "Email", "SP4N-LAPOR!"]
    assert channels.total == {"label": "Jumlah", "current": 3, "previous": 1, "year_ago": 1}
    assert tables["response"].total["agency"] == "Jumlah"
    assert tables["response"].total["forwarded"] == 3
    assert tables["ageing"].rows[0]["label"] == "0–14 hari kerja"
    english = build.build(db.cursor(), MAY, "en", title="May", generated="")
    assert english["tables"][0].columns[1].label == "This period"
    assert build.period_label(periods.parse("2026-S1"), "en").startswith("Semester I 2026")


def test_the_command_line_writes_the_periods_workbook_and_document_and_prints_each_path(
    db_path, tmp_path
):
    import docx
    import openpyxl

    from dumas import config
    from dumas.db import connect
    from tests.cli_support import run_cli

    target, document = tmp_path / "laporan-2026-05.xlsx", tmp_path / "laporan-2026-05.docx"
    db = str(db_path)
    both = ["--period", "2026-05", "--xlsx", str(target), "--docx", str(document)]
    done = run_cli("report", *both, db=db)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [str(target), str(document)]
    words = [p.text for p in docx.Document(str(document)).paragraphs]
    assert "LAPORAN PEMANTAUAN TINDAK LANJUT PENGADUAN MASYARAKAT, BULAN MEI 2026" in words
    book = openpyxl.load_workbook(target)
    assert len(book.sheetnames) == 12  # the cover and eleven tables
    assert (
        book["Sampul"]["A1"].value
        == "Laporan Pemantauan Tindak Lanjut Pengaduan Masyarakat, Bulan Mei 2026"
    )
    assert "KONSEP" in [c.value for row in book["Sampul"].iter_rows() for c in row]
    refused = run_cli("report", "--period", "2026-05", "--xlsx", str(target), "--final", db=db)
    assert refused.returncode == 1  # since issue 14: --final only after the Kabid's check
    assert "tidak tersedia pada tahap laporan 2026-05" in refused.stderr
    database = connect(db_path)
    try:
        _drafted_and_checked(database, MAY, dt.datetime(2026, 6, 2, 9, tzinfo=config.TIMEZONE))
    finally:
        database.close()
    done = run_cli("report", "--period", "2026-05", "--xlsx", str(target), "--final", db=db)
    assert done.returncode == 0, done.stderr
    cover = [c.value for row in openpyxl.load_workbook(target)["Sampul"].iter_rows() for c in row]
    assert "FINAL" in cover
    assert any(isinstance(v, str) and v.startswith("Difinalkan oleh Sistem") for v in cover)
    refused = run_cli("report", "--period", "2026-13", "--xlsx", str(target), db=db)
    assert refused.returncode == 2
    assert "Periode tidak dikenal: 2026-13" in refused.stderr
    nothing = run_cli("report", "--period", "2026-05", db=db)
    assert nothing.returncode == 2
    assert "--xlsx BERKAS.xlsx dan/atau --docx BERKAS.docx" in nothing.stderr


def test_a_finalised_report_stays_as_sent_when_late_data_arrive(db, month, make, bpn):
    from dumas import config
    from dumas.domain.errors import Conflict
    from dumas.domain.permissions import Role
    from dumas.services import auth
    from dumas.services import periodic as final
    from tests.conftest import username

    cur = db.cursor()
    uid = cur.execute("SELECT id FROM app_user WHERE username = $u",
                      {"u": username(Role.ASDEP)}).fetchone()[0]  # fmt: skip
    asdep = auth.load_user(cur, uid)
    now = dt.datetime(2026, 6, 5, 10, tzinfo=config.TIMEZONE)
    _drafted_and_checked(db, MAY, now)  # since issue 14: the Kabid checks before the Asdep
    final.finalise(db, asdep, MAY, narrative={"key_issues": "BPN belum menjawab"}, revision=1,
                   now=now)  # fmt: skip
    # C's answer, dated 29 May, is only recorded in June
    c = cur.execute("SELECT complaint_id FROM forwarding WHERE letter_date = DATE '2026-05-21'"
                    ).fetchone()[0]  # fmt: skip
    make.respond(c, bpn, dt.date(2026, 5, 29))
    frozen = final.frozen(db.cursor(), MAY)
    response = next(t for t in frozen["tables"] if t.key == "response")
    assert response.total["not_yet"] == 2  # as sent
    assert frozen["finalised_by"] == asdep.full_name and frozen["final"] is True
    changes = final.reconcile(db.cursor(), MAY, now)
    bpn_row = [(c["column"], c["final"], c["today"]) for c in changes if c["row"] == BPN]
    # 22, 25, 26 and 29 May: answered in 4 working days, on time
    assert bpn_row == [("on_time", 0, 1), ("not_yet", 1, 0), ("response_rate", 0.0, 1.0)]
    with pytest.raises(Conflict):
        final.finalise(db, asdep, MAY, narrative={}, revision=2, now=now)


def _drafted_and_checked(db, period, now: dt.datetime) -> None:
    """The analyst's draft (revision 1) of the period, checked by the Kabid."""
    from dumas.domain.report_flow import ReportMove
    from dumas.services import periodic as final
    from tests.monitoring_support import people_of

    people = people_of(db)
    final.save_draft(db, people.analyst, period, narrative={"key_issues": "Draf"}, revision=0,
                     now=now)  # fmt: skip
    final.review(db, people.kabid, period, move=ReportMove.CHECK, revision=1, now=now)


def test_report_charts_lay_many_or_long_labels_as_horizontal_bars_first_row_on_top():
    from dumas.periodic.table import ReportTable
    from dumas.render import charts

    def table(title: str, rows: list[dict]) -> ReportTable:
        return ReportTable.from_dict({"key": "provinces", "title": title, "columns": columns,
                                      "rows": rows, "chart": chart})  # fmt: skip

    columns = [{"name": "label", "label": "Provinsi", "kind": "text"},
               {"name": "current", "label": "Periode ini", "kind": "int"},
               {"name": "previous", "label": "Periode sebelumnya", "kind": "int"}]  # fmt: skip
    chart = {"type": "bar", "category": "label", "values": ["current", "previous"]}
    rows = [{"label": f"Provinsi {i}", "current": 40 - i, "previous": i} for i in range(38)]
    wide = charts.report_chart(table("2c", rows))
    assert [bar.orientation for bar in wide.data] == ["h", "h"]
    assert list(wide.data[0].y[:2]) == ["Provinsi 0", "Provinsi 1"]
    assert list(wide.data[0].x[:2]) == [40, 39]
    assert wide.layout.yaxis.autorange == "reversed" and wide.layout.height > 1000
    few = charts.report_chart(table("1", rows[:3]))
    assert [bar.orientation for bar in few.data] == [None, None]
    assert [bar.name for bar in few.data] == ["Periode ini", "Periode sebelumnya"]
    assert charts.report_chart(table("x", [])) is None
