"""Metric cards at 1,280 px in a real Chromium against `streamlit run` (issue 16: "1.075…",
"Rp24.0…"): every card shows its whole value, a large one in its short form ("161 rb",
"Rp33,9 jt") with the exact value on hover."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

import pytest
from playwright.sync_api import expect

from dumas import i18n
from dumas.db import connect, demo
from dumas.queries import plans as q
from dumas.services.users import DEMO_PASSWORD
from tests.browser_support import running_app, settle, sign_in
from tests.conftest import TODAY

pytestmark = pytest.mark.browser
WIDE = {"width": 1_280, "height": 900}
# 150,000 complaints (about 4 s to build): the letter counts pass i18n.COMPACT_FROM, so the
# dashboard's count cards take their short form, as the 1,075,091 letters do.
COMPLAINTS = 150_000
PLAN = "Pemantauan surat tertua (contoh, menunggu Asdep)"  # a demo plan costing millions
SHORT = re.compile(r"^(Rp)?\d{1,3}(,\d{1,2})?\u00a0(rb|jt|M|T)$")  # "161 rb", "Rp33,9 jt"
EXACT = re.compile(r"^Nilai persis: ((?:Rp)?\d{1,3}(?:\.\d{3})*)$", re.MULTILINE)

# Whether the value element, or anything in it, is wider than it shows (an ellipsis).
CUT_OFF = """value => [value, ...value.querySelectorAll('*')]
    .filter(e => e.scrollWidth > e.clientWidth)
    .map(e => `${e.tagName} ${e.scrollWidth} > ${e.clientWidth}`)"""


class Server(NamedTuple):
    base: str
    plan_id: int
    cost: int  # the plan's estimated cost, whole rupiah
    letters: int  # forwarding letters in the database


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The demo with COMPLAINTS complaints, and the cost of its plan PLAN (read before the
    app opens the file: DuckDB lets one process at a time have it)."""
    path = tmp_path_factory.mktemp("figures") / "dumas.duckdb"
    database = connect(path)
    try:
        demo.generate(database, COMPLAINTS, today=TODAY)
        cur = database.cursor()
        [(plan_id,)] = cur.execute("SELECT id FROM plan WHERE title = $t", {"t": PLAN}).fetchall()
        cost = int(q.matrix(cur, plan_id, TODAY)["estimated_cost"].fillna(0).sum())
        [(letters,)] = cur.execute("SELECT count(*) FROM forwarding").fetchall()
    finally:
        database.close()
    with running_app(path) as base:
        yield Server(base, plan_id, cost, letters)


def _whole(exact: str) -> tuple[float, bool]:
    """'Rp33.945.000' -> (33945000, True)."""
    return float(exact.removeprefix("Rp").replace(".", "")), exact.startswith("Rp")


def cards(page) -> dict[str, tuple[str, str | None]]:
    """Every metric card on the page: label -> (value, hover help). Each value fits its
    card; a short value's help holds the exact value, which it abbreviates."""
    found = page.locator("[data-testid='stMetric']")
    expect(found.first).to_be_visible()
    tooltip = page.locator("[data-testid='stTooltipContent']")
    shown: dict[str, tuple[str, str | None]] = {}
    for card in found.all():
        label = card.locator("[data-testid='stMetricLabel']").inner_text().strip()
        value = card.locator("[data-testid='stMetricValue']")
        assert value.evaluate(CUT_OFF) == [], f"{label}: {value.inner_text()!r} is cut off"
        help_text = None
        target = card.locator("[data-testid='stTooltipHoverTarget']")
        if target.count():
            target.hover()
            expect(tooltip).to_be_visible()
            help_text = tooltip.inner_text().strip()
            page.mouse.move(0, 0)
            expect(tooltip).to_have_count(0)
        shown[label] = (value.inner_text().strip(), help_text)
    for label, (value, help_text) in shown.items():
        if SHORT.match(value):
            exact = EXACT.search(help_text or "")
            assert exact, f"{label}: {value!r} has no exact value on hover ({help_text!r})"
            amount, rupiah = _whole(exact.group(1))
            assert i18n.fmt_compact(amount, "id", rupiah=rupiah) == value, label
    return shown


def test_the_dashboards_cards_show_their_whole_figures_at_1280_px(server, browser):
    page = browser.new_context(viewport=WIDE).new_page()
    sign_in(page, server.base, "asdep", DEMO_PASSWORD)
    shown = cards(page)
    assert len(shown) == 13  # two rows of five, and the summary's three
    # The letters pass 100,000: short, and exact on hover.
    assert shown["Surat penerusan"] == (
        i18n.fmt_compact(server.letters, "id"),
        f"Nilai persis: {i18n.fmt_int(server.letters, 'id')}",
    )
    assert SHORT.match(shown["Pengaduan diteruskan"][0])


def test_a_plans_cost_in_millions_fits_its_card_at_1280_px(server, browser):
    cost = server.cost
    assert cost >= 10_000_000  # "Rp24.0…" in the issue: eleven characters and more

    page = browser.new_context(viewport=WIDE).new_page()
    sign_in(page, server.base, "asdep", DEMO_PASSWORD)
    page.goto(f"{server.base}/rencana?plan={server.plan_id}")
    settle(page)
    page.get_by_role("heading", name=PLAN).wait_for()
    shown = cards(page)
    assert len(shown) == 5
    assert shown["Perkiraan biaya (Rp)"] == (
        i18n.fmt_compact(cost, "id", rupiah=True),
        f"Nilai persis: {i18n.fmt_rupiah(cost, 'id')}",
    )
