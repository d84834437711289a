"""A field visit's results recorded in a real Chromium, and its substance report downloaded."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import docx
import pytest

from dumas import config
from dumas.db import Database, connect, demo
from dumas.domain.monitoring_flow import MonitoringAction
from dumas.domain.permissions import User
from dumas.domain.plan_flow import PlanAction
from dumas.queries import monitoring as mq
from dumas.queries import plans as pq
from dumas.services import auth, memo_answer, plans
from dumas.services import monitoring as ms
from dumas.services import monitoring_records as rec
from dumas.services.users import DEMO_PASSWORD
from tests.browser_support import running_app, settle, sign_in
from tests.conftest import TODAY

pytestmark = pytest.mark.browser
BIDANG = "Bidang Pemantauan I"  # the demo accounts' bidang
EVIDENCE = "Surat jawaban Itjen 700/55/Itjen diserahkan saat rapat"
CONCLUSIONS = "Satu surat sudah ditindaklanjuti; satu surat belum."
RECOMMENDATIONS = "Kirim surat konfirmasi kedua untuk surat yang belum ditindaklanjuti."
ASDEP_TITLE = "Asisten Deputi Pengaduan Masyarakat"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), config.TIMEZONE)


def _user(db: Database, name: str) -> User:
    cur = db.cursor()
    found = cur.execute("SELECT id FROM app_user WHERE username = $u", {"u": name}).fetchone()
    return auth.load_user(cur, found[0])


def _two_unanswered_letters(db: Database) -> list[tuple[int, str]]:
    """Two unanswered letters (id, agenda number) of one agency and locus, in no plan yet."""
    rows = (
        db.cursor()
        .execute(
            """
            WITH free AS (
                SELECT forwarding_id, agency_id, province_code, agenda_no, letter_date
                  FROM letter_facts($today)
                 WHERE NOT answered AND province_code IS NOT NULL
                   AND forwarding_id NOT IN (SELECT forwarding_id FROM plan_letter)
            ),
            pair AS (
                SELECT agency_id, province_code FROM free GROUP BY ALL
                HAVING count(DISTINCT agenda_no) >= 2
                 ORDER BY agency_id, province_code LIMIT 1
            )
            SELECT forwarding_id, agenda_no
              FROM free JOIN pair USING (agency_id, province_code)
             QUALIFY row_number() OVER (PARTITION BY agenda_no ORDER BY forwarding_id) = 1
             ORDER BY letter_date, forwarding_id
             LIMIT 2
            """,
            {"today": TODAY},
        )
        .fetchall()
    )
    assert len(rows) == 2
    return rows


def _approved_visit(db: Database, letters: list[int]) -> int:
    """A Kabid-led field visit with the analyst, approved (steps 1-3) by the services."""
    analyst, kasubbid, kabid, asdep = (
        _user(db, name) for name in ("analis", "kasubbid", "kabid", "asdep")
    )
    planned = dt.date(2026, 11, 9)  # a Monday, three weeks before TODAY
    plan_id = plans.create_plan(
        db, analyst, title="Uji peramban: kunjungan lapangan", period="2026-11",
        source="database", bidang=BIDANG, now=_at(planned, 9),
    )  # fmt: skip

    def plan_rev() -> int:
        return pq.plan(db.cursor(), plan_id)["revision"]

    plans.add_letters(
        db, analyst, plan_id, revision=plan_rev(), forwarding_ids=letters, now=_at(planned, 9)
    )
    row_ids = [int(r) for r in pq.matrix(db.cursor(), plan_id, planned)["row_id"]]
    assert len(row_ids) == 1  # one agency, one locus
    visit = {
        "method": "kunjungan_lapangan", "level": "kabid", "persons": 2, "days": 2,
        "transport": 1_500_000, "lodging": 700_000, "allowance": 430_000,
        "team_lead": kabid.id, "team": [analyst.id],
    }  # fmt: skip
    plans.save_rows(
        db, analyst, plan_id, revision=plan_rev(), updated={row_ids[0]: visit}, added=[],
        deleted=[], now=_at(planned, 10),
    )  # fmt: skip
    for who, action, hour in (
        (analyst, PlanAction.SUBMIT, 11),
        (kasubbid, PlanAction.FORWARD, 13),
        (kabid, PlanAction.PROPOSE, 14),
        (asdep, PlanAction.APPROVE, 16),
    ):
        plans.act(
            db, who, plan_id, revision=plan_rev(), action=action, note="ok", now=_at(planned, hour)
        )
    return int(pq.monitorings(db.cursor(), plan_id)["id"][0])


def _rev(db: Database, mid: int) -> int:
    return mq.detail(db.cursor(), mid)["revision"]


def _memo_recorded(db: Database, letters: list[int]) -> int:
    """The field visit in step 4 with its scope and the memo to the Deputi recorded: the
    memo waits for the Deputi's direction and approval."""
    mid, analyst = _approved_visit(db, letters), _user(db, "analis")
    prepared = dt.date(2026, 11, 11)  # Wednesday: step 4
    rec.save_scope(
        db, analyst, mid, revision=_rev(db, mid), now=_at(prepared, 9),
        values={"purpose": "Klarifikasi tindak lanjut", "partner": "Inspektorat Jenderal",
                "mechanism": "Rapat koordinasi"},
    )  # fmt: skip
    memo = rec.DocumentRecord("memo_deputi", "31/D-4/DM.00.00/11/2026", prepared)
    rec.record_document(db, analyst, mid, revision=_rev(db, mid), document=memo, today=TODAY,
                        now=_at(prepared, 10))  # fmt: skip
    return mid


def _monitoring_in_execution(db: Database, letters: list[int]) -> int:
    """The field visit carried through preparation (the Deputi approving the memo in the
    app) and coordination (steps 4-5) by the services; returns its id."""
    mid = _memo_recorded(db, letters)
    analyst, kabid, deputi = (_user(db, name) for name in ("analis", "kabid", "deputi"))

    def rev() -> int:
        return _rev(db, mid)

    prepared = dt.date(2026, 11, 11)  # Wednesday: step 4
    memo_answer.answer_memo(db, deputi, mid, revision=rev(), outcome="approved",
                            note="Lanjutkan", now=_at(prepared, 10))  # fmt: skip
    for kind, number in (
        ("surat_tugas", "B-77/Kemensetneg/D-4/DM.00.00/11/2026"),
        ("memo_keuangan", "32/D-4/DM.00.00/11/2026"),
    ):
        rec.record_document(
            db, analyst, mid, revision=rev(), document=rec.DocumentRecord(kind, number, prepared),
            today=TODAY, now=_at(prepared, 10),
        )  # fmt: skip
    ms.act(
        db,
        analyst,
        mid,
        revision=rev(),
        action=MonitoringAction.PREPARED,
        note=None,
        now=_at(prepared, 11),
    )
    coordinated = dt.date(2026, 11, 12)  # Thursday: step 5
    rec.save_coordination(
        db, kabid, mid, revision=rev(), today=TODAY, now=_at(coordinated, 9),
        values={"letter_sent_on": coordinated, "material_sent_on": coordinated,
                "contact_name": "Budi Santoso", "contact_position": "Inspektur"},
    )  # fmt: skip
    ms.act(
        db, kabid, mid, revision=rev(), action=MonitoringAction.COORDINATED, note=None,
        now=_at(coordinated, 14),
    )  # fmt: skip
    assert mq.detail(db.cursor(), mid)["state"] == "execution"
    return mid


def click(page, name: str, scope=None) -> None:
    (scope or page).get_by_role("button", name=name, exact=True).click()
    settle(page)


def flash(page, text: str) -> None:
    """The success line the previous click left."""
    page.locator("[data-testid='stAlert']").filter(has_text=text).wait_for()


def choose_view(page, name: str) -> None:
    """One option of the "Tampilan" segmented control."""
    control = page.get_by_role("radiogroup", name="Tampilan", exact=True)
    control.get_by_role("radio", name=name, exact=True).click()
    settle(page)


def expand(page, label: str):
    """Open an expander and wait for its opening animation (see test_browser_plans)."""
    expander = page.locator("[data-testid='stExpander']").filter(has_text=label)
    expander.locator("summary").click()
    # An animation cancelled by a rerun rejects `finished` (AbortError): that one is over too.
    expander.evaluate(
        "e => Promise.all(e.getAnimations({subtree: true}).map(a => a.finished.catch(() => null)))"
    )
    return expander


def select(page, scope, label: str, option: str) -> None:
    """Pick the option starting with `option` in the selectbox labelled `label`. Typed
    key by key: after a form's rerun a click alone may focus the box without opening it."""
    box = scope.locator("[data-testid='stSelectbox']").filter(
        has=page.locator("label", has_text=re.compile(f"^{re.escape(label)}$"))
    )
    box.locator("input").click()
    box.locator("input").press_sequentially(option)
    page.get_by_role("option", name=re.compile("^" + re.escape(option))).click()


def type_date(scope, label: str, day: dt.date) -> None:
    """A date input (DD/MM/YYYY): its day, month and year segments typed in order; each
    full segment moves the cursor to the next."""
    field = scope.get_by_role("group", name=label, exact=True)
    field.get_by_role("spinbutton", name=f"day, {label}").click()
    field.page.keyboard.type(f"{day:%d%m%Y}")
    year = field.get_by_role("spinbutton", name=f"year, {label}")
    assert year.get_attribute("aria-valuetext") == str(day.year)


def record_result(page, agenda: str, result: str, evidence: str | None) -> None:
    select(page, page, "Surat", agenda)
    settle(page)
    form = page.locator("[data-testid='stForm']").filter(has_text="Simpan hasil")
    select(page, form, "Hasil", result)
    if evidence:
        form.get_by_label("Bukti", exact=True).fill(evidence)
    click(page, "Simpan hasil", form)
    flash(page, "Hasil surat dicatat.")


def cell_texts(document) -> list[list[str]]:
    return [[c.text for c in row.cells] for t in document.tables for row in t.rows]


def test_team_records_a_field_visits_results_and_downloads_the_substance_report(
    browser, tmp_path: Path
):
    path = tmp_path / "dumas.duckdb"
    database = connect(path)
    try:
        demo.generate(database, 1_500, today=TODAY)
        letters = _two_unanswered_letters(database)
        mid = _monitoring_in_execution(database, [f for f, _ in letters])
    finally:
        database.close()
    (first, first_agenda), (second, second_agenda) = letters

    with running_app(path) as base:
        page = browser.new_context(accept_downloads=True).new_page()
        sign_in(page, base, "kabid", DEMO_PASSWORD)
        page.goto(f"{base}/pemantauan?id={mid}")
        settle(page)
        page.get_by_text("Tahap:").first.wait_for()
        choose_view(page, "Pelaksanaan")

        # The meeting at the agency, in the activity log.
        activity = expand(page, "Catat kegiatan")
        select(page, activity, "Jenis", "Rapat koordinasi dan kesepakatan")
        type_date(activity, "Tanggal kegiatan", dt.date(2026, 11, 24))  # a Tuesday
        activity.get_by_label("Tempat", exact=True).fill("Kantor Itjen Kemendagri")
        activity.get_by_label("Peserta", exact=True).fill("Tim pemantauan; Inspektorat")
        click(page, "Tambahkan", activity)
        flash(page, "Ditambahkan.")

        # A result for each letter.
        record_result(page, first_agenda, "Sudah ditindaklanjuti", EVIDENCE)
        record_result(page, second_agenda, "Belum ditindaklanjuti", None)

        click(page, "Pelaksanaan selesai: susun laporan")
        flash(page, "Tercatat: Pelaksanaan selesai.")
        page.get_by_text(re.compile(r"Tahap:\s*Penyusunan laporan")).wait_for()

        # The narrative of the report, then its draft.
        choose_view(page, "Laporan")
        form = page.locator("[data-testid='stForm']").filter(has_text="Kesimpulan")
        form.get_by_label("Kesimpulan", exact=True).fill(CONCLUSIONS)
        form.get_by_label("Rekomendasi", exact=True).fill(RECOMMENDATIONS)
        click(page, "Simpan", form)
        flash(page, "Disimpan.")
        with page.expect_download() as info:
            page.locator(".st-key-docx_laporan_substansi button").click()
        target = tmp_path / "laporan.docx"
        info.value.save_as(target)
        assert info.value.suggested_filename == f"laporan-pemantauan-{mid}.docx"

    report = docx.Document(str(target))
    text = "\n".join(p.text for p in report.paragraphs)
    assert text.startswith("LAPORAN HASIL PEMANTAUAN")
    assert CONCLUSIONS in text and RECOMMENDATIONS in text
    cells = cell_texts(report)
    assert ["Kepada Yth.", ":", ASDEP_TITLE] in cells  # a Kabid-level report goes to the Asdep
    # Stacked cells: the agenda number over the letter number, the result over its evidence.
    stacked = {row[1].split("\n")[0]: row for row in cells if len(row) == 4}
    results = {
        agenda: stacked[agenda] for agenda in (first_agenda, second_agenda) if agenda in stacked
    }
    assert set(results) == {first_agenda, second_agenda}
    assert results[first_agenda][2].split("\n") == ["Sudah ditindaklanjuti", EVIDENCE]
    assert results[second_agenda][2].split("\n")[0] == "Belum ditindaklanjuti"

    database = connect(path)
    try:
        cur = database.cursor()
        found = cur.execute(
            "SELECT forwarding_id, result, evidence FROM monitoring_result"
            " WHERE monitoring_id = $m ORDER BY forwarding_id",
            {"m": mid},
        ).fetchall()
        assert sorted(found) == sorted(
            [(first, "ditindaklanjuti", EVIDENCE), (second, "belum", None)]
        )
        state = cur.execute("SELECT state FROM monitoring WHERE id = $m", {"m": mid}).fetchone()
        assert state == ("reporting",)
    finally:
        database.close()


def _report_submitted_money_at_the_bpp(db: Database, letters: list[int]) -> int:
    """The field visit in step 8: its report submitted to the Asdep, and its money handed
    over by the team and received by the BPP (steps 6-7 set directly: this test is about
    step 4's answer and step 8's two tracks)."""
    mid = _monitoring_in_execution(db, letters)
    analyst, bpp = _user(db, "analis"), _user(db, "bpp")
    db.cursor().execute("UPDATE monitoring SET state = 'reporting' WHERE id = $id", {"id": mid})
    written = dt.date(2026, 11, 23)
    report = {"conclusions": CONCLUSIONS, "recommendations": RECOMMENDATIONS}
    rec.save_report(db, analyst, mid, revision=_rev(db, mid), now=_at(written, 9), values=report)
    cost = [{"item": "transport", "user_id": None, "planned": 1_500_000, "actual": 1_450_000}]
    rec.save_costs(db, analyst, mid, revision=_rev(db, mid), now=_at(written, 10), rows=cost)
    ms.act(db, analyst, mid, revision=_rev(db, mid), action=MonitoringAction.SUBMIT_REPORT,
           note=None, now=_at(written, 11))  # fmt: skip
    for who, stage, day in ((analyst, "submitted_on", 24), (bpp, "bpp_received_on", 25)):
        on = dt.date(2026, 11, day)
        ms.record_finance(db, who, mid, revision=_rev(db, mid), stage=stage, on=on, today=on,
                          now=_at(on, 10))  # fmt: skip
    return mid


def _state_line(page, state: str) -> None:
    page.get_by_text(re.compile(r"Tahap:\s*" + re.escape(state))).first.wait_for()


def test_the_deputi_approves_a_visits_memo_and_step_8s_two_tracks_close_it(browser, tmp_path: Path):
    """The Deputi gives direction and approval to one field visit's memo; on another, the
    Asdep accepts the substance report while its money is still with the BPP, and the
    PPK's acceptance of the money then closes the monitoring."""
    path = tmp_path / "dumas.duckdb"
    database = connect(path)
    try:
        demo.generate(database, 1_500, today=TODAY)
        waiting = _memo_recorded(database, [f for f, _ in _two_unanswered_letters(database)])
        closing = _report_submitted_money_at_the_bpp(
            database, [f for f, _ in _two_unanswered_letters(database)]
        )
    finally:
        database.close()
    direction = "Fokus pada surat yang belum dijawab; libatkan Inspektorat."

    with running_app(path) as base:
        deputi = browser.new_context().new_page()
        sign_in(deputi, base, "deputi", DEMO_PASSWORD)
        deputi.goto(f"{base}/pemantauan?id={waiting}")
        settle(deputi)
        choose_view(deputi, "Persiapan")
        deputi.get_by_label("Arahan atau catatan", exact=True).fill(direction)
        deputi.locator(".st-key-memo_approved button").click()
        settle(deputi)
        flash(deputi, "Keputusan Deputi dicatat.")
        deputi.get_by_text(direction, exact=False).first.wait_for()

        asdep = browser.new_context().new_page()
        sign_in(asdep, base, "asdep", DEMO_PASSWORD)
        asdep.goto(f"{base}/pemantauan?id={closing}")
        settle(asdep)
        _state_line(asdep, "Penyampaian laporan")
        click(asdep, "Terima laporan substansi")
        flash(asdep, "Tercatat:")
        _state_line(asdep, "Laporan diterima, menunggu pertanggungjawaban keuangan")

        ppk = browser.new_context().new_page()
        sign_in(ppk, base, "ppk", DEMO_PASSWORD)
        ppk.goto(f"{base}/pemantauan?id={closing}")
        settle(ppk)
        choose_view(ppk, "Laporan")
        ppk.locator(".st-key-fin_ppk_accepted_on button").click()
        settle(ppk)
        _state_line(ppk, "Selesai")

    database = connect(path)
    try:
        cur = database.cursor()
        answer = cur.execute(
            "SELECT outcome, via, note FROM monitoring_memo_answer WHERE monitoring_id = $m",
            {"m": waiting},
        ).fetchall()
        assert answer == [("approved", "app", direction)]
        moves = cur.execute(
            "SELECT action, to_state FROM monitoring_event WHERE monitoring_id = $m"
            " AND action IN ('acknowledge', 'finance_ppk_accepted_on') ORDER BY id",
            {"m": closing},
        ).fetchall()
        assert moves == [("acknowledge", "accepted"), ("finance_ppk_accepted_on", "closed")]
    finally:
        database.close()
