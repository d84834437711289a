"""Each monitoring fact lands in the periodic report of the period it happened in.

An Asdep-led official-letter monitoring of two Kemendagri letters is approved on Tuesday
20 October 2026; it is carried out in November (an electronic contact on 3 November,
the letter to the agency signed on 5 November), its results are recorded on 5 November
(one letter followed up, with the agency's response dated that day; one not yet), and
the Deputi accepts its substance report on 10 November. October counts the approval
only; November counts the rest, whether or not October was finalised first. Days are
Asia/Jakarta days: an approval at 06.30 WIB on 1 November is November's.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dumas import config
from dumas.db import Database, migrate
from dumas.domain import periods
from dumas.domain.monitoring_flow import MonitoringAction
from dumas.domain.report_flow import ReportMove
from dumas.periodic import contents
from dumas.queries import monitoring as mq
from dumas.queries import periodic
from dumas.services import ResponseInput
from dumas.services import monitoring as ms
from dumas.services import monitoring_records as rec
from dumas.services import periodic as final
from tests.conftest import TODAY
from tests.monitoring_support import People, approved, people_of

OCTOBER, NOVEMBER = periods.parse("2026-10"), periods.parse("2026-11")
FACTS = ("approved", "approved_direct", "approved_indirect", "carried_out", "reports_accepted",
         "closed", "complaints", "letters", "answered_after")  # fmt: skip


def wib(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=config.TIMEZONE)


@pytest.fixture
def people(db: Database) -> People:
    return people_of(db)


@pytest.fixture
def letters(make, kemendagri: int) -> list[int]:
    first, second = make.complaint(province_code="31"), make.complaint(province_code="31")
    return [make.forward(first, kemendagri, dt.date(2026, 9, 1)),
            make.forward(second, kemendagri, dt.date(2026, 9, 8))]  # fmt: skip


def rev(db: Database, mid: int) -> int:
    return mq.detail(db.cursor(), mid)["revision"]


def move(db: Database, who, mid: int, action: MonitoringAction, at: dt.datetime) -> None:
    ms.act(db, who, mid, revision=rev(db, mid), action=action, note=None, now=at)


def approved_in_october(db: Database, p: People, letters: list[int]) -> int:
    """Approved on 20 October; steps 4 and 5 (not counted in the report) are skipped."""
    mid = approved(db, p, letters, direct=False, now=wib(10, 20, 10))
    db.cursor().execute("UPDATE monitoring SET state = 'execution' WHERE id = $id", {"id": mid})
    return mid


def carried_out_in_november(db: Database, p: People, mid: int, letters: list[int]) -> None:
    """Step 6 on 3-5 November, the report submitted on 9 and accepted on 10 November."""
    contact = {"kind": "kontak_elektronik", "activity_date": dt.date(2026, 11, 3),
               "channel": "email", "participants": "Sekretaris Itjen",
               "summary": "Meminta data tindak lanjut"}  # fmt: skip
    rec.add_activity(db, p.analyst, mid, values=contact, today=TODAY, now=wib(11, 3, 10))
    letter = rec.DocumentRecord("surat_instansi", "B-77/Kemensetneg/D-4/DM.00.00/11/2026",
                                dt.date(2026, 11, 5))  # fmt: skip
    rec.record_document(db, p.analyst, mid, revision=rev(db, mid), document=letter,
                        today=TODAY, now=wib(11, 5, 9))  # fmt: skip
    answer = ResponseInput("T-5/2026", dt.date(2026, 11, 5), "selesai", None)
    for forwarding_id, found in zip(letters, (
        rec.ResultInput("ditindaklanjuti", "Surat jawaban", None, answer),
        rec.ResultInput("belum", None, "Surat kedua"),
    ), strict=True):  # fmt: skip
        rec.record_result(db, p.analyst, mid, forwarding_id=forwarding_id, found=found,
                          today=TODAY, now=wib(11, 5, 14))  # fmt: skip
    move(db, p.analyst, mid, MonitoringAction.EXECUTED, wib(11, 5, 15))
    report = {"conclusions": "Sebagian ditindaklanjuti", "recommendations": "Surat kedua"}
    rec.save_report(db, p.analyst, mid, revision=rev(db, mid), now=wib(11, 9, 9), values=report)
    move(db, p.analyst, mid, MonitoringAction.SUBMIT_REPORT, wib(11, 9, 10))
    move(db, p.deputi, mid, MonitoringAction.ACKNOWLEDGE, wib(11, 10, 9))


def facts(db: Database, period: periods.Period) -> dict[str, object]:
    summary = periodic.monitoring_summary(db.cursor(), period)
    findings = summary["findings"]
    found = dict(zip(findings["result"], findings["letters"], strict=True))
    return {**{k: summary[k] for k in FACTS}, "findings": found}


OCTOBER_FACTS = {"approved": 1, "approved_direct": 0, "approved_indirect": 1, "carried_out": 0,
                 "reports_accepted": 0, "closed": 0, "complaints": 0, "letters": 0,
                 "answered_after": 0, "findings": {}}  # fmt: skip
NOVEMBER_FACTS = {"approved": 0, "approved_direct": 0, "approved_indirect": 0, "carried_out": 1,
                  "reports_accepted": 1, "closed": 1, "complaints": 2, "letters": 2,
                  "answered_after": 1, "findings": {"belum": 1, "ditindaklanjuti": 1}}  # fmt: skip


def test_a_monitoring_approved_in_october_and_carried_out_in_november_counts_in_each(
    db, people, letters
):
    mid = approved_in_october(db, people, letters)
    carried_out_in_november(db, people, mid, letters)
    assert facts(db, OCTOBER) == OCTOBER_FACTS
    assert facts(db, NOVEMBER) == NOVEMBER_FACTS
    assert facts(db, periods.parse("2026-S2")) == {  # the semester holds each fact once
        **NOVEMBER_FACTS, "approved": 1, "approved_indirect": 1}  # fmt: skip


def _monitoring_table(report: dict) -> dict[str, int]:
    table = next(t for t in report["tables"] if t.key == "monitoring")
    return {r["figure"]: r["value"] for r in table.rows}


def test_november_facts_arriving_after_octobers_finalisation_count_in_november(db, people, letters):
    p = people
    mid = approved_in_october(db, p, letters)
    final.save_draft(db, p.analyst, OCTOBER, narrative={}, revision=0, now=wib(11, 2, 8))
    final.review(db, p.kabid, OCTOBER, move=ReportMove.CHECK, revision=1, now=wib(11, 2, 8))
    final.finalise(db, p.asdep, OCTOBER, narrative={}, revision=1, now=wib(11, 2, 9))
    carried_out_in_november(db, p, mid, letters)
    october = _monitoring_table(final.frozen(db.cursor(), OCTOBER))
    assert october["Pemantauan disetujui"] == 1
    assert october["Surat yang diklarifikasi"] == 0 and "Belum ditindaklanjuti" not in october
    assert final.reconcile(db.cursor(), OCTOBER, wib(11, 27, 9)) == []  # nothing moved back
    november = _monitoring_table(contents.build(db.cursor(), NOVEMBER, "id", title="Laporan",
                                                generated=""))  # fmt: skip
    assert {k: november[k] for k in ("Pemantauan disetujui", "Pemantauan dilaksanakan",
                                      "Laporan substansi diterima", "Surat yang diklarifikasi",
                                      "Surat ditanggapi setelah dipantau")} == {
        "Pemantauan disetujui": 0, "Pemantauan dilaksanakan": 1,
        "Laporan substansi diterima": 1, "Surat yang diklarifikasi": 2,
        "Surat ditanggapi setelah dipantau": 1}  # fmt: skip


def test_an_october_fact_recorded_after_october_was_finalised_is_a_reconciliation_note(
    db, people, letters
):
    """Carried out on 30 October, the move recorded on 3 November: October stays as sent
    and its reconciliation note shows the monitoring; November does not count it."""
    p = people
    mid = approved_in_october(db, p, letters)
    visit = {"kind": "kontak_elektronik", "activity_date": dt.date(2026, 10, 30),
             "channel": "telepon", "participants": "Sekretaris Itjen",
             "summary": "Konfirmasi"}  # fmt: skip
    rec.add_activity(db, p.analyst, mid, values=visit, today=TODAY, now=wib(10, 30, 10))
    final.save_draft(db, p.analyst, OCTOBER, narrative={}, revision=0, now=wib(11, 2, 8))
    final.review(db, p.kabid, OCTOBER, move=ReportMove.CHECK, revision=1, now=wib(11, 2, 8))
    final.finalise(db, p.asdep, OCTOBER, narrative={}, revision=1, now=wib(11, 2, 9))
    for forwarding_id in letters:
        rec.record_result(db, p.analyst, mid, forwarding_id=forwarding_id,
                          found=rec.ResultInput("sebagian", None, None), today=TODAY,
                          now=wib(11, 3, 9))  # fmt: skip
    move(db, p.analyst, mid, MonitoringAction.EXECUTED, wib(11, 3, 10))
    changes = final.reconcile(db.cursor(), OCTOBER, wib(11, 27, 9))
    assert [(c["row"], c["final"], c["today"]) for c in changes] == [
        ("Pemantauan dilaksanakan", 0, 1)
    ]
    assert _monitoring_table(final.frozen(db.cursor(), OCTOBER))["Pemantauan dilaksanakan"] == 0
    assert facts(db, NOVEMBER)["carried_out"] == 0
    assert facts(db, NOVEMBER)["findings"] == {"sebagian": 2}  # recorded in November


def test_days_are_jakarta_days_whatever_the_servers_time_zone(db, people, make, kemendagri):
    p = people
    db.cursor().execute("SET GLOBAL TimeZone = 'UTC'")  # as the server may run
    early, late = (make.forward(make.complaint(), kemendagri, dt.date(2026, 9, 1))
                   for _ in range(2))  # fmt: skip
    first_morning = approved(db, p, [early], direct=False, now=wib(11, 1, 6, 30))
    approved(db, p, [late], direct=False, now=wib(10, 31, 23, 30))
    rec.record_result(db, p.analyst, first_morning, forwarding_id=early,
                      found=rec.ResultInput("belum", None, None), today=TODAY,
                      now=wib(11, 1, 6, 30))  # fmt: skip
    assert (facts(db, OCTOBER)["approved"], facts(db, NOVEMBER)["approved"]) == (1, 1)
    assert facts(db, OCTOBER)["findings"] == {}
    assert facts(db, NOVEMBER)["findings"] == {"belum": 1}
    trend = periodic.trend(db.cursor(), NOVEMBER).set_index("figure")
    assert trend.loc["monitorings_approved"].tolist()[:2] == [1, 1]  # November, October


def _recorded_at(db: Database, mid: int, forwarding_id: int) -> dt.datetime:
    sql = (
        "SELECT recorded_at FROM monitoring_result WHERE (monitoring_id, forwarding_id) = ($m, $f)"
    )
    return db.cursor().execute(sql, {"m": mid, "f": forwarding_id}).fetchone()[0]


def test_a_result_counts_from_its_first_save_and_again_from_each_change(db, people, letters):
    p = people
    mid = approved_in_october(db, p, letters)

    def save(result: str, evidence: str | None, at: dt.datetime) -> None:
        found = rec.ResultInput(result, evidence, None)
        rec.record_result(db, p.analyst, mid, forwarding_id=letters[0], found=found, today=TODAY,
                          now=at)  # fmt: skip

    save("belum", None, wib(10, 29, 9))
    save("belum", "Konfirmasi telepon", wib(11, 2, 9))  # the same finding, better evidenced
    assert _recorded_at(db, mid, letters[0]) == wib(10, 29, 9)
    save("ditindaklanjuti", "Surat jawaban", wib(11, 4, 9))  # the finding changed
    assert _recorded_at(db, mid, letters[0]) == wib(11, 4, 9)
    assert facts(db, OCTOBER)["findings"] == {}
    assert facts(db, NOVEMBER)["findings"] == {"ditindaklanjuti": 1}


def test_the_result_dates_migration_takes_each_results_save_from_the_audit(db, people, letters):
    p = people
    mid = approved_in_october(db, p, letters)
    for result in ("belum", "sebagian", "sebagian"):
        rec.record_result(db, p.analyst, mid, forwarding_id=letters[0],
                          found=rec.ResultInput(result, result, None), today=TODAY,
                          now=wib(11, 4, 9))  # fmt: skip
    rec.record_result(db, p.analyst, mid, forwarding_id=letters[1],
                      found=rec.ResultInput("belum", None, None), today=TODAY,
                      now=wib(11, 4, 9))  # fmt: skip
    cur = db.cursor()
    ids, saves = zip(*cur.execute(
        "SELECT id, logged_at FROM audit_log WHERE action = 'monitoring.result' ORDER BY id"
    ).fetchall(), strict=True)  # fmt: skip
    # the database as it stood before migration 0014a, the second letter's save unlogged
    cur.execute("DELETE FROM audit_log WHERE id = $id", {"id": ids[3]})
    cur.execute("ALTER TABLE monitoring_result DROP COLUMN recorded_at")
    cur.execute("DELETE FROM schema_migration WHERE name = '0014a_result_dates'")
    assert migrate(db) == ["0014a_result_dates"]
    assert _recorded_at(db, mid, letters[0]) == saves[1]  # when it became "sebagian"
    assert _recorded_at(db, mid, letters[1]) == wib(10, 20, 10)  # no audit row: the approval
