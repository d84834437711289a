"""Hostile text in every free-text field and query parameter, in a real Chromium: each page
shows it exactly as typed, with no formatting, no link and no request to another host.

A local "beacon" server stands for the other host: any image, link preview or maths that
Markdown or plotly made of the text would call it. It must never be called.
"""

from __future__ import annotations

import datetime as dt
import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import openpyxl
import pytest

from dumas import config, services
from dumas.db import connect
from dumas.domain import periods
from dumas.domain.plan_flow import PlanAction
from dumas.importer import import_file
from dumas.queries import plans as pq
from dumas.services import auth, periodic, plans, users
from dumas.services import monitoring_records as records
from tests.browser_support import running_app, settle, sign_in
from tests.conftest import PASSWORD, TODAY
from tests.importing import row
from tests.monitoring_support import people_of

pytestmark = pytest.mark.browser
NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=config.TIMEZONE)
MONTH = periods.parse("2026-10")
VIEWER = "penguji"  # analyst, Asdep and administrator at once: sees every page
WORD_JOINER = "\u2060"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Beacon(http.server.ThreadingHTTPServer):
    """Records every request; the pages must send none."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        beacon = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                beacon.hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"


class Hostile:
    """The hostile forms, pointing at the beacon: short ones fit a letter number."""

    def __init__(self, url: str) -> None:
        self.short = (
            f"**b** :red[x] ![]({url}/img) [x](javascript:alert(1)) $\\href{{{url}/tex}}{{x}}$"
        )
        self.long = (
            f'{self.short} <img src={url}/html onerror=alert(1)> <a href="{url}/a">a</a>'
            " www.x.id a@b.id :smile: ->"
        )
        self.phishing = f"[Sesi berakhir - klik untuk masuk ulang]({url}/phish) {self.short}"

    def field(self, marker: str, *, long: bool = False) -> str:
        """The hostile text of one field, marked so that a failure names the field."""
        return f"{marker} {self.long if long else self.short}"


@pytest.fixture(scope="module")
def beacon() -> Iterator[Beacon]:
    server = Beacon()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def hostile(beacon: Beacon) -> Hostile:
    return Hostile(beacon.url)


@pytest.fixture(scope="module")
def server(template_db: Path, tmp_path_factory, hostile: Hostile) -> Iterator[dict]:
    """The template database with hostile text in every field a page shows, served."""
    path = tmp_path_factory.mktemp("user_text") / "dumas.duckdb"
    path.write_bytes(template_db.read_bytes())
    ids = _seed(path, hostile)
    with running_app(path) as base:
        yield {"base": base, **ids}


def _seed(path: Path, h: Hostile) -> dict:
    """Through the services and the importer, as the app writes them."""
    db = connect(path)
    try:
        p, cur = people_of(db), db.cursor()
        admin = _user(db, "admin.uji")
        for name, marker, roles in ((VIEWER, "NM", ["analis", "asdep", "admin"]),
                                    ("anggota", "TM", ["analis"])):  # fmt: skip
            users.create_user(db, admin, username=name, full_name=h.field(marker),
                              password=PASSWORD, roles=roles, bidang=None)  # fmt: skip
        viewer, member = _user(db, VIEWER), _user(db, "anggota")
        agency = h.field("AGC", long=True)  # created by the import: not in the master list
        import_file(db, viewer, _xlsx([row(agenda_no="SEED-1", agency=agency,
                                           letter_date=dt.date(2026, 10, 2))]),
                    "seed.xlsx", today=TODAY)  # fmt: skip
        agency_id = cur.execute("SELECT id FROM agency WHERE name = $n", {"n": agency}).fetchone()
        complaint = services.create_complaint(
            db, viewer, today=TODAY, agenda_no=h.field("AG"), received_on=dt.date(2026, 10, 1),
            channel="surat", complainant_name=h.field("CN", long=True),
            complainant_contact=h.field("CC", long=True), regency=h.field("RG"),
            summary=h.field("SM", long=True), reported_agency_id=agency_id[0], province_code="31",
        )  # fmt: skip
        services.record_forwarding(
            db, viewer, complaint_id=complaint, agency_id=agency_id[0], letter_no=h.field("LN"),
            letter_date=dt.date(2026, 10, 5), today=TODAY,
        )  # fmt: skip
        letters = [r[0] for r in cur.execute("SELECT id FROM forwarding").fetchall()]
        monitoring = _monitoring(db, p, viewer, member, letters, h)
        draft = plans.create_plan(
            db, viewer, title=h.field("P2"), period="2026-12", source="database",
            bidang=h.field("BD"), now=NOW,
        )  # fmt: skip
        cur.execute(  # a plan from before periods were chosen: its period typed as text
            "UPDATE plan SET period_label = $typed, period_code = NULL WHERE id = $id",
            {"typed": h.field("PE"), "id": draft},
        )
        periodic.save_draft(
            db, viewer, MONTH, narrative={"key_issues": h.field("NR", long=True)}, revision=0,
            now=NOW,
        )  # fmt: skip
        return {"monitoring": monitoring, "draft_plan": draft}
    finally:
        db.close()


def _user(db, name: str):
    cur = db.cursor()
    uid = cur.execute("SELECT id FROM app_user WHERE username = $u", {"u": name}).fetchone()[0]
    return auth.load_user(cur, uid)


def _monitoring(db, p, viewer, member, letters: list[int], h: Hostile) -> int:
    """A plan written by the viewer, decided by the Asdep, its monitoring worked by `member`."""
    plan_id = plans.create_plan(
        db, viewer, title=h.field("PL"), period="2026-12", source="database",
        bidang="Bidang Uji", now=NOW,
    )  # fmt: skip
    rev = lambda: pq.plan(db.cursor(), plan_id)["revision"]  # noqa: E731
    plans.add_letters(db, viewer, plan_id, revision=rev(), forwarding_ids=letters, now=NOW)
    row_id = int(pq.matrix(db.cursor(), plan_id, TODAY)["row_id"][0])
    plans.save_rows(
        db, viewer, plan_id, revision=rev(), added=[], deleted=[], now=NOW,
        updated={row_id: {"method": "surat_resmi", "level": "kabid", "team_lead": p.kabid.id,
                          "team": [member.id], "priority_reason": h.field("PR")}},
    )  # fmt: skip
    steps = [(viewer, PlanAction.SUBMIT), (p.kasubbid, PlanAction.FORWARD),
             (p.kabid, PlanAction.PROPOSE), (p.asdep, PlanAction.APPROVE)]  # fmt: skip
    for who, action in steps:
        plans.act(db, who, plan_id, revision=rev(), action=action, note=h.field("NT"), now=NOW)
    monitoring = int(pq.monitorings(db.cursor(), plan_id)["id"][0])
    scope = {name: h.field(f"S{i}", long=True) for i, name in enumerate(records.SCOPE_FIELDS)}
    records.save_scope(db, member, monitoring, revision=1, values=scope, now=NOW)
    shown = db.cursor().execute(
        "SELECT revision FROM monitoring WHERE id = $id", {"id": monitoring}
    )
    records.record_document(
        db, member, monitoring, revision=shown.fetchone()[0],
        document=records.DocumentRecord("daftar_berkas", letter_no=h.field("DN"), signed_on=TODAY),
        today=TODAY, now=NOW,
    )  # fmt: skip
    return monitoring


def _xlsx(rows: list[list[object]], *, sheet: str = "Rekap", extra: str | None = None) -> bytes:
    from tests.importing import HEADERS

    book = openpyxl.Workbook()
    book.active.title = sheet
    if rows:
        book.active.append([*HEADERS, *([extra] if extra else [])])
    for values in rows:
        book.active.append(values)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# What every page is checked for


def _visible(page) -> str:
    """The text of the page as a reader sees it (word joiners are invisible)."""
    return page.locator("[data-testid='stApp']").inner_text().replace(WORD_JOINER, "")


def _links_and_images(page) -> dict[str, list[str]]:
    return page.evaluate(
        """() => ({
            links: [...document.querySelectorAll('a')].map(a => a.getAttribute('href')
                ?? a.getAttributeNS('http://www.w3.org/1999/xlink', 'href') ?? ''),
            images: [...document.querySelectorAll('img, image')].map(
                i => i.getAttribute('src') ?? i.getAttribute('href') ?? ''),
        })"""
    )


def _check(page, beacon: Beacon, base: str, *expected: str) -> None:
    """The expected texts read literally; no link or image from user text; no beacon call."""
    settle(page)
    page.wait_for_timeout(500)  # lazily loaded Markdown plugins (maths, emoji) included
    assert page.locator("[data-testid='stException']").count() == 0, page.url
    shown = _visible(page)
    missing = [text for text in expected if " ".join(text.split()) not in shown]
    assert missing == [], f"{page.url}: not shown literally: {missing}"
    found = _links_and_images(page)
    foreign = [
        href for href in found["links"]
        if not (href.startswith((base, "/", "./")) or (href.startswith("#") and len(href) > 1)
                or href.startswith(("pemantauan?", "rencana?", "pengaduan?")))
    ]  # fmt: skip
    assert foreign == [], f"{page.url}: links from user text: {foreign}"
    assert [src for src in found["images"] if beacon.url in src] == []
    hits, beacon.hits[:] = list(beacon.hits), []  # each page answers for its own calls
    assert hits == [], f"{page.url}: the beacon was called"


@pytest.fixture(scope="module")
def viewer(server: dict, browser) -> Iterator[object]:
    page = browser.new_context().new_page()
    sign_in(page, server["base"], VIEWER, PASSWORD)
    yield page
    page.close()


def test_the_complaint_page_shows_every_field_of_a_complaint_as_typed(
    server, viewer, beacon, hostile
):
    base, h = server["base"], hostile
    viewer.goto(f"{base}/pengaduan?agenda={quote(h.field('AG'))}")
    settle(viewer)
    viewer.get_by_role("button", name="Tampilkan data pribadi").click()  # audited
    short = [h.field(f) for f in ("AG", "RG", "LN", "NM")]
    long = [h.field(f, long=True) for f in ("AGC", "SM", "CN", "CC")]
    _check(viewer, beacon, base, *short, *long)


def test_query_parameters_are_shown_as_typed_or_not_at_all(server, viewer, beacon, hostile):
    base, h = server["base"], hostile
    viewer.goto(f"{base}/pengaduan?agenda={quote(h.phishing)}")
    _check(viewer, beacon, base, h.phishing)
    for url in ("rencana?plan=", "pemantauan?id=", "laporan?report="):
        viewer.goto(f"{base}/{url}{quote(h.long)}")
        _check(viewer, beacon, base)


def test_plans_monitorings_the_inbox_and_reports_show_names_and_notes_as_typed(
    server, viewer, beacon, hostile
):
    base, h = server["base"], hostile
    viewer.goto(f"{base}/menunggu")
    _check(viewer, beacon, base, h.field("P2"), h.field("PE"), h.field("BD"))
    viewer.goto(f"{base}/rencana?plan={server['draft_plan']}")
    _check(viewer, beacon, base, h.field("P2"), h.field("PE"), h.field("BD"), h.field("NM"))
    viewer.goto(f"{base}/pemantauan?id={server['monitoring']}")
    scope = [h.field(f"S{i}", long=True) for i in range(len(records.SCOPE_FIELDS))]
    _check(viewer, beacon, base, h.field("AGC", long=True), h.field("TM"), h.field("DN"),
           h.field("PL"), *scope)  # fmt: skip
    viewer.goto(f"{base}/laporan?report={MONTH.code}")
    _check(viewer, beacon, base, h.field("NM"))  # who saved the draft (the text: a form)
    viewer.locator(".st-key-chart_open_agencies summary").click()  # drawn once opened
    settle(viewer)
    tick = viewer.locator("[data-testid='stPlotlyChart'] g.ytick text")
    tick.first.wait_for()  # the rerun the click starts draws the chart a moment later
    ticks = tick.all_text_contents()
    assert h.field("AGC", long=True) in ticks  # the chart of letters by agency
    viewer.goto(f"{base}/audit")
    _check(viewer, beacon, base)


def test_the_import_report_shows_file_sheet_column_and_agency_names_as_typed(
    server, viewer, beacon, hostile
):
    base, h = server["base"], hostile
    agency, column = h.field("NEW", long=True), h.field("COL")
    sheet = "SH __b__ $x$ <i> ~d~ #1"  # a sheet name cannot hold [ ] : * ? / \\
    viewer.goto(f"{base}/impor")
    settle(viewer)
    files = [
        (_xlsx([row(agenda_no="IMP-1", agency=agency)], extra=column), [agency, column]),
        (_xlsx([], sheet=sheet), [sheet]),  # "Lembar ... kosong"
        (b"not a workbook", [f"{h.short}.xlsx"]),  # "Berkas ... tidak dapat dibaca"
    ]
    for data, expected in files:
        upload = {"name": f"{h.short}.xlsx", "mimeType": XLSX, "buffer": data}
        viewer.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(upload)
        settle(viewer)
        viewer.get_by_role("button", name="Pratinjau").click()
        _check(viewer, beacon, base, *expected)


def test_the_sign_in_page_echoes_none_of_its_query_parameters(server, browser, beacon, hostile):
    base, page = server["base"], browser.new_context().new_page()
    hostile_value = quote(hostile.long)
    page.goto(f"{base}/?masuk={hostile_value}&keluar={hostile_value}&lang={hostile_value}")
    _check(page, beacon, base)
    page.close()
