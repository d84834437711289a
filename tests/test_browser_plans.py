"""A monitoring plan travels through the roles in a real Chromium against `streamlit run`."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest

from dumas import config
from dumas.db import connect, demo
from dumas.db.demo.people import NAMES
from dumas.queries import plans as q
from dumas.services import auth, plans
from dumas.services.users import DEMO_PASSWORD
from tests.browser_support import running_app, settle, sign_in
from tests.conftest import TODAY

pytestmark = pytest.mark.browser
AGENCY = "Kementerian Dalam Negeri"
KABID = NAMES["kabid"]  # the demo Kabid, as the team-lead list shows her
TITLE = "Uji peramban: pemantauan Kemendagri"  # demo plans never carry this title
DIRECTION = "Segera kirim surat klarifikasi; laporkan hasilnya bulan depan."


def open_plan(page, base: str, username: str, plan_id: str) -> None:
    """Sign in through the form (a deep link as the first page may pop up "Page not
    found"), then open the plan by its link."""
    sign_in(page, base, username, DEMO_PASSWORD)
    page.goto(f"{base}/rencana?plan={plan_id}")
    settle(page)
    page.get_by_role("heading", name=TITLE).wait_for()


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
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
    """Open an expander and wait for its opening animation: a selectbox clicked while
    it runs takes the focus but does not open its list."""
    expander = page.locator("[data-testid='stExpander']").filter(has_text=label)
    expander.locator("summary").click()
    # An animation cancelled by a rerun rejects `finished` (AbortError): that one is over too.
    expander.evaluate(
        "e => Promise.all(e.getAnimations({subtree: true}).map(a => a.finished.catch(() => null)))"
    )
    return expander


def fill_bulk(page, choices: dict[str, str]) -> int:
    """Fill "Isi serentak…" (each selectbox: the option starting with the text given) and
    apply it; return how many undecided rows the form said it covers."""
    title = page.locator("[data-testid='stExpander'] summary").filter(has_text="Isi serentak")
    rows = int(re.search(r"Isi serentak untuk (\d+) baris", title.inner_text()).group(1))
    form = expand(page, "Isi serentak untuk").locator("[data-testid='stForm']")
    for label, text in choices.items():
        form.locator("[data-testid='stSelectbox']").filter(has_text=label).locator("input").click()
        page.get_by_role("option", name=re.compile("^" + re.escape(text))).click()
    form.get_by_role("button", name="Terapkan ke semua baris", exact=True).click()
    settle(page)
    flash(page, "Matriks disimpan.")
    return rows


def select_row(page, table: int, row: int) -> None:
    """Tick a row's box in the page's table number `table` (a canvas: the box sits in the
    first column, under a header row; rows are 35 px high)."""
    grid = page.locator("[data-testid='stDataFrame']").nth(table)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 35 * row + 17)


def monitoring_rows(page, folder) -> list[dict]:
    """The listed monitorings, from the page's .xlsx download."""
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh .xlsx").click()
    target = folder / "pemantauan.xlsx"
    info.value.save_as(target)
    sheet = openpyxl.load_workbook(target).active
    header = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Instansi")
    names = [c.value for c in sheet[header]]
    values = sheet.iter_rows(min_row=header + 1, values_only=True)
    return [dict(zip(names, row, strict=True)) for row in values if row[0]]


def monitoring_count(page) -> int:
    """The "{n} pemantauan" caption above the list."""
    caption = page.get_by_text(re.compile(r"^[\d.]+ pemantauan$"))
    return int(caption.inner_text().split()[0].replace(".", ""))


def test_matrix_travels_from_analyst_to_asdep_and_becomes_a_monitoring(browser, tmp_path):
    path = tmp_path / "dumas.duckdb"
    database = connect(path)
    demo.generate(database, 1_500, today=TODAY)
    database.close()

    with running_app(path) as base:
        # The analyst opens a new plan.
        analyst = browser.new_context().new_page()
        sign_in(analyst, base, "analis", DEMO_PASSWORD)
        analyst.goto(f"{base}/rencana")
        settle(analyst)
        expand(analyst, "Rencana baru")
        analyst.get_by_label("Judul").fill(TITLE)
        period = analyst.locator("[data-testid='stSelectbox']").filter(has_text="Periode")
        period.locator("input").click()  # a report period, chosen from the list: typed key
        period.locator("input").press_sequentially("Semester II 2026")  # by key, it opens
        analyst.get_by_role("option", name="Semester II 2026", exact=True).click()
        click(analyst, "Buat rencana")
        flash(analyst, "Rencana dibuat.")
        analyst.wait_for_url(re.compile(r"[?&]plan=\d+"))
        plan_id = re.search(r"[?&]plan=(\d+)", analyst.url).group(1)
        analyst.get_by_role("heading", name=TITLE).wait_for()

        # ...adds the unanswered letters to one agency, found with the dashboard's filters.
        choose_view(analyst, "Tambahkan surat")
        picker = analyst.locator("[data-testid='stMultiSelect']").filter(has_text="Instansi tujuan")
        picker.locator("input").click()  # typed key by key: fill() leaves no options to pick
        picker.locator("input").press_sequentially("Dalam Negeri")
        analyst.get_by_role("option", name=AGENCY, exact=True).click()
        analyst.keyboard.press("Escape")
        settle(analyst)
        assert "agency=" in analyst.url
        add_all = analyst.get_by_role("button", name=re.compile(r"^Tambahkan semua hasil filter"))
        letters = int(re.search(r"\((\d+) surat\)", add_all.inner_text()).group(1))
        assert 0 < letters < 200  # one agency's letters, not the whole backlog
        add_all.click()
        settle(analyst)
        flash(analyst, f"{letters} surat ditambahkan; ")
        added = analyst.locator("[data-testid='stAlert']").filter(has_text="surat ditambahkan")
        rows = int(re.search(r"; (\d+) baris baru", added.inner_text()).group(1))
        assert rows >= 1

        # ...sets method and level on every row, saves, and submits.
        choose_view(analyst, "Matriks")
        covered = fill_bulk(
            analyst,
            {"Metode": "Tidak langsung: surat resmi", "Tingkat pimpinan": "Kabid ke bawah"},
        )
        assert covered == rows
        click(analyst, "Ajukan kepada Kasubbid")
        flash(analyst, "Diajukan kepada Kasubbid.")

        # The Kasubbid forwards it to the Kabid.
        kasubbid = browser.new_context().new_page()
        open_plan(kasubbid, base, "kasubbid", plan_id)
        click(kasubbid, "Teruskan kepada Kabid")
        flash(kasubbid, "Diteruskan kepada Kabid.")

        # The Kabid finds it waiting, names the team lead, and proposes it to the Asdep.
        kabid = browser.new_context().new_page()
        sign_in(kabid, base, "kabid", DEMO_PASSWORD)
        kabid.goto(f"{base}/menunggu")
        settle(kabid)
        kabid.get_by_role("link", name=TITLE).click()
        kabid.wait_for_url(re.compile(rf"/rencana\?plan={plan_id}$"))
        settle(kabid)
        kabid.get_by_role("heading", name=TITLE).wait_for()
        fill_bulk(kabid, {"Ketua tim": KABID})
        click(kabid, "Usulkan tim kepada Asdep")
        flash(kabid, "Diusulkan kepada Asdep.")

        # The Asdep approves it with a direction.
        asdep = browser.new_context().new_page()
        sign_in(asdep, base, "asdep", DEMO_PASSWORD)
        asdep.goto(f"{base}/pemantauan")
        settle(asdep)
        before = monitoring_count(asdep)
        asdep.goto(f"{base}/rencana?plan={plan_id}")
        settle(asdep)
        asdep.get_by_role("heading", name=TITLE).wait_for()
        asdep.get_by_label("Catatan").fill(DIRECTION)
        click(asdep, "Setujui")
        flash(asdep, "Disetujui.")

        # The decided plan lists its monitorings: one opens in the same tab, and links back.
        asdep.get_by_text("Pemantauan dari rencana ini", exact=True).wait_for()
        select_row(asdep, 0, 0)  # the monitorings' table comes before the matrix
        asdep.wait_for_url(re.compile(r"/pemantauan\?id=\d+$"))
        settle(asdep)
        asdep.get_by_role("heading", name=AGENCY).wait_for()
        asdep.get_by_role("link", name=f"Buka rencana: {TITLE}").click()
        asdep.wait_for_url(re.compile(rf"/rencana\?plan={plan_id}$"))
        settle(asdep)
        asdep.get_by_role("heading", name=TITLE).wait_for()
        assert asdep.context.pages == [asdep]  # no new tab, no new session

        # The monitorings appear: one per row of the matrix.
        asdep.goto(f"{base}/pemantauan")
        settle(asdep)
        assert monitoring_count(asdep) == before + rows
        # The list is drawn on a canvas; its .xlsx names the agency and the plan.
        listed = [r for r in monitoring_rows(asdep, tmp_path) if r["Rencana"] == TITLE]
        assert len(listed) == rows
        assert {(r["Instansi"], r["Tingkat pimpinan"], r["Metode"]) for r in listed} == {
            (AGENCY, "Kabid ke bawah", "Tidak langsung: surat resmi")
        }
        assert {r["Ketua tim"] for r in listed} == {KABID}
        assert sum(r["Surat"] for r in listed) == letters

    database = connect(path)
    try:
        cur = database.cursor()
        plan = cur.execute(
            "SELECT id, state, period_code, period_label FROM plan WHERE title = $title",
            {"title": TITLE},
        ).fetchall()
        assert plan == [(int(plan_id), "decided", "2026-S2", "Semester II 2026")]
        found = cur.execute(
            """
            SELECT m.id, a.name, m.level, m.method, u.full_name, count(l.forwarding_id)
              FROM monitoring AS m
              JOIN agency AS a ON a.id = m.agency_id
              JOIN app_user AS u ON u.id = m.team_lead
              JOIN monitoring_letter AS l ON l.monitoring_id = m.id
             WHERE m.plan_id = $plan
             GROUP BY ALL
            """,
            {"plan": int(plan_id)},
        ).fetchall()
        assert {r[1:5] for r in found} == {(AGENCY, "kabid", "surat_resmi", KABID)}
        assert len(found) == rows
        assert sum(r[5] for r in found) == letters
        note = cur.execute(
            "SELECT note FROM plan_event WHERE plan_id = $plan AND action = 'approve'",
            {"plan": int(plan_id)},
        ).fetchall()
        assert note == [(DIRECTION,)]
    finally:
        database.close()


UNSAVED_TITLE = "Uji peramban: perubahan matriks belum disimpan"
REASON = "Sudah tiga kali diingatkan"


def _ready_plan(path) -> tuple[int, int]:
    """A draft plan by the demo analyst, two letters to one agency, every row ready to
    submit; returns the plan and its first row."""
    database = connect(path)
    try:
        cur = database.cursor()
        uid, bidang = cur.execute(
            "SELECT id, bidang FROM app_user WHERE username = 'analis'"
        ).fetchone()
        analyst = auth.load_user(cur, uid)
        letters = [r[0] for r in cur.execute(
            """
            SELECT forwarding_id FROM letter_facts($today)
             WHERE NOT answered AND agency_id = (SELECT min(agency_id) FROM letter_facts($today)
                                                  WHERE NOT answered)
             ORDER BY forwarding_id LIMIT 2
            """,
            {"today": TODAY},
        ).fetchall()]  # fmt: skip
        now = dt.datetime.combine(TODAY, dt.time(9), config.TIMEZONE)
        plan_id = plans.create_plan(database, analyst, title=UNSAVED_TITLE,
                                    period="2026-S2", source="database",
                                    bidang=bidang, now=now)  # fmt: skip
        plans.add_letters(database, analyst, plan_id, revision=1, forwarding_ids=letters, now=now)
        matrix = q.matrix(database.cursor(), plan_id, TODAY)
        rows = [int(r) for r in matrix["row_id"]]
        revision = q.plan(database.cursor(), plan_id)["revision"]
        plans.save_rows(database, analyst, plan_id, revision=revision,
                        updated={r: {"method": "surat_resmi", "level": "kabid"} for r in rows},
                        added=[], deleted=[], now=now)  # fmt: skip
        return plan_id, rows[0]
    finally:
        database.close()


def test_an_unsaved_matrix_edit_outlives_a_view_and_a_page_and_goes_with_the_submission(
    browser, tmp_path
):
    path = tmp_path / "dumas.duckdb"
    database = connect(path)
    demo.generate(database, 300, today=TODAY)
    database.close()
    plan_id, row_id = _ready_plan(path)

    with running_app(path) as base:
        page = browser.new_context().new_page()
        sign_in(page, base, "analis", DEMO_PASSWORD)
        page.goto(f"{base}/rencana?plan={plan_id}")
        settle(page)
        page.get_by_role("heading", name=UNSAVED_TITLE).wait_for()
        # The grid is a canvas; its accessibility table selects a cell when one is focused
        # and follows the arrow keys (redrawn 200 ms after the last key): from row 1's first
        # cell, right to "Alasan prioritas".
        grid = page.locator("[data-testid='stDataFrame'] table[role='grid']").first
        grid.locator("tbody tr >> nth=0 >> td >> nth=0").focus()
        target = grid.locator("th[role='columnheader']", has_text="Alasan prioritas")
        selected = grid.locator("tbody tr >> nth=0 >> td[aria-selected='true']")
        for _ in range(30):
            at = selected.first.get_attribute("aria-colindex") if selected.count() else None
            if target.count() and at == target.get_attribute("aria-colindex"):
                break
            page.keyboard.press("ArrowRight")
            page.wait_for_timeout(400)
        page.keyboard.press("Enter")  # opens the cell's editor
        editor = page.locator("textarea.gdg-input")
        editor.wait_for()
        # The overlay editor sets its starting value once it has mounted, which can land
        # after the first typed keys: type until the editor holds the whole text.
        for _ in range(5):
            editor.press_sequentially(REASON)
            page.wait_for_timeout(300)
            if editor.input_value() == REASON:
                break
            editor.fill("")
        assert editor.input_value() == REASON
        editor.press("Enter")
        settle(page)
        # Not saved: the page says so.
        alert = page.locator("[data-testid='stAlert']")
        alert.filter(has_text="Ada perubahan matriks yang belum disimpan").first.wait_for()
        # Another view leaves the grid: the edit is kept for the session and comes back
        # with the grid; so does another page.
        choose_view(page, "Surat per baris")
        alert.filter(has_text="tetap disimpan sementara selama sesi ini").first.wait_for()
        choose_view(page, "Matriks")
        alert.filter(has_text="belum Anda simpan ditampilkan lagi").first.wait_for()
        page.get_by_role("link", name="Menunggu Saya").click()
        settle(page)
        alert.filter(has_text="tetap disimpan sementara selama sesi ini").first.wait_for()
        page.get_by_role("link", name="Matriks Rencana Pemantauan").click()
        settle(page)
        box = page.locator("[data-testid='stSelectbox']").filter(has_text="Rencana pemantauan")
        box.locator("input").click()  # back to the plan, in the same session
        page.get_by_role("option", name=re.compile(f"^#{plan_id} ")).click()
        settle(page)
        alert.filter(has_text="belum Anda simpan ditampilkan lagi").first.wait_for()
        # "Ajukan" takes the kept edit with it.
        click(page, "Ajukan kepada Kasubbid")
        flash(
            page, "Diajukan kepada Kasubbid. Perubahan matriks yang belum disimpan ikut disimpan."
        )

    database = connect(path)
    try:
        cur = database.cursor()
        state = cur.execute("SELECT state FROM plan WHERE id = $id", {"id": plan_id}).fetchone()
        reason = cur.execute(
            "SELECT priority_reason FROM plan_row WHERE id = $id", {"id": row_id}
        ).fetchone()
        assert (state[0], reason[0]) == ("submitted", REASON)
    finally:
        database.close()
