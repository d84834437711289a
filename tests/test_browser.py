"""A real Chromium (Debian's) against a real `streamlit run server.py`, as users would."""

from __future__ import annotations

import urllib.parse
import urllib.request
from urllib.parse import quote

import openpyxl
import pytest

from dumas.services.users import DEMO_PASSWORD
from tests.browser_support import demo_app, menu, metric, settle, sign_in

pytestmark = pytest.mark.browser
AGENCY = "Kementerian Dalam Negeri"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """A demo database of 1,500 complaints (with one demo account per role)."""
    with demo_app(tmp_path_factory.mktemp("browser"), 1_500) as base:
        yield base


def test_analyst_records_a_response_and_the_unanswered_count_drops(server, browser, tmp_path):
    page = browser.new_page(accept_downloads=True)
    sign_in(page, server, "analis", DEMO_PASSWORD)
    before_all = metric(page, "Belum ditanggapi")

    # Filter by one agency through the sidebar multiselect.
    picker = page.locator("[data-testid='stMultiSelect']").filter(has_text="Instansi tujuan")
    picker.locator("input").click()  # typed key by key: fill() leaves no options to pick
    picker.locator("input").press_sequentially("Dalam Negeri")
    page.get_by_role("option", name=AGENCY, exact=True).click()
    page.keyboard.press("Escape")
    settle(page)
    before = metric(page, "Belum ditanggapi")
    assert 0 < before < before_all
    assert "agency=" in page.url  # the filter survives a reload

    # Download the filtered list and read it back.
    with page.expect_download() as info:
        page.get_by_role("button", name="Unduh .xlsx").click()
    target = tmp_path / "daftar.xlsx"
    info.value.save_as(target)
    sheet = openpyxl.load_workbook(target).active
    assert sheet["A1"].value == "Surat penerusan yang belum ditanggapi"
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "No Agenda")
    rows = [r for r in sheet.iter_rows(min_row=header_row + 1, values_only=True) if r[0]]
    assert len(rows) == before
    assert {r[3] for r in rows} == {AGENCY}
    agenda = rows[0][0]

    # Open the complaint by its deep link and record the agency's response.
    page.goto(f"{server}/pengaduan?agenda={quote(agenda)}")
    settle(page)
    form = page.locator("[data-testid='stForm']").first
    agency_box = form.locator("[data-testid='stSelectbox'] input").first
    if agency_box.input_value() != AGENCY:  # a complaint forwarded to two agencies
        agency_box.fill(AGENCY)
        page.get_by_role("option", name=AGENCY, exact=True).click()
    assert agency_box.input_value() == AGENCY
    form.get_by_label("Nomor surat").fill("B-4321/Kemendagri/2026")
    form.get_by_role("button", name="Simpan").click()
    settle(page)
    page.get_by_text("Tanggapan instansi tercatat.").wait_for()

    # Back on the dashboard, with the same filter: one fewer unanswered letter.
    page.goto(f"{server}/?agency={quote(AGENCY)}")
    settle(page)
    assert metric(page, "Belum ditanggapi") == before - 1
    page.close()


def test_roles_see_their_own_menus_stay_signed_in_on_reload_and_sign_out(server, browser):
    analyst = browser.new_context().new_page()
    sign_in(analyst, server, "analis", DEMO_PASSWORD)
    assert menu(analyst) == [
        "Tindak Lanjut", "Menunggu Saya", "Matriks Rencana Pemantauan", "Pemantauan",
        "Laporan Berkala", "Cari Pengaduan", "Impor dan Ekspor Data", "Akun Saya",
    ]  # fmt: skip
    assert analyst.get_by_text("DEMO").first.is_visible()

    asdep = browser.new_context().new_page()
    sign_in(asdep, server, "asdep", DEMO_PASSWORD)
    assert menu(asdep) == [
        "Tindak Lanjut", "Menunggu Saya", "Matriks Rencana Pemantauan", "Pemantauan",
        "Laporan Berkala", "Cari Pengaduan", "Impor dan Ekspor Data", "Jejak Audit", "Akun Saya",
    ]  # fmt: skip

    asdep.reload()
    settle(asdep)
    assert "Jejak Audit" in menu(asdep)  # still signed in after a reload
    cookie = next(c for c in asdep.context.cookies() if c["name"] == "dumas_session")
    assert cookie["httpOnly"] is True

    asdep.get_by_role("button", name="Keluar").click()
    asdep.wait_for_url(f"{server}/?keluar=1")
    settle(asdep)
    assert asdep.get_by_text("Anda sudah keluar.").is_visible()
    assert asdep.locator("input[name='password']").is_visible()
    asdep.reload()
    settle(asdep)
    assert asdep.locator("input[name='password']").is_visible()  # the session has ended


def test_a_wrong_password_is_refused_with_a_message(server, browser):
    page = browser.new_context().new_page()
    page.goto(f"{server}/")
    settle(page)
    page.locator("input[name='username']").fill("analis")
    page.locator("input[name='password']").fill("bukan-sandinya")
    page.get_by_role("button", name="Masuk", exact=True).click()
    page.wait_for_url(f"{server}/?masuk=gagal")
    settle(page)
    assert page.get_by_text("Nama pengguna atau kata sandi salah.").is_visible()


def test_an_unknown_address_says_so_in_indonesian_not_streamlits_page_not_found(server, browser):
    page = browser.new_context().new_page()
    sign_in(page, server, "analis", DEMO_PASSWORD)
    page.goto(f"{server}/halaman-tidak-ada")
    settle(page)
    assert page.get_by_text("Halaman “halaman-tidak-ada” tidak ditemukan.").is_visible()
    assert page.get_by_text("Page not found").count() == 0
    assert "tidak_ditemukan" not in page.url  # gone: a reload does not repeat the warning
    assert metric(page, "Belum ditanggapi") > 0  # the main page, working

    signed_out = browser.new_context().new_page()
    signed_out.goto(f"{server}/rencana")  # a bookmark opened before signing in
    settle(signed_out)
    assert signed_out.locator("input[name='password']").is_visible()
    assert signed_out.get_by_text("Page not found").count() == 0


def test_switching_the_dashboard_view_keeps_the_figures_and_the_address(server, browser):
    page = browser.new_context().new_page()
    sign_in(page, server, "analis", DEMO_PASSWORD)
    unanswered = metric(page, "Belum ditanggapi")
    control = page.get_by_role("radiogroup", name="Tampilan", exact=True)
    control.get_by_role("radio", name="Grafik", exact=True).click()  # reruns the views alone
    settle(page)
    assert "view=Grafik" in page.url  # the view switch still writes the address
    page.locator("[data-testid='stPlotlyChart']").nth(3).wait_for()
    assert metric(page, "Belum ditanggapi") == unanswered  # the KPI cards stay
    page.reload()
    settle(page)
    charts = page.locator("[data-testid='stPlotlyChart']")
    charts.nth(3).wait_for()  # drawn after the frame: waited for, not looked at once
    assert charts.count() == 4  # the view survives


REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) =>
  window.reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`));
"""


def test_pages_pass_the_content_security_policy_with_charts_tables_downloads_and_uploads(
    server, browser
):
    violations: list[str] = []
    context = browser.new_context(accept_downloads=True)
    context.expose_function("reportViolation", lambda text: violations.append(text))  # kept
    context.add_init_script(REPORT_VIOLATIONS)
    page = context.new_page()
    console: list[str] = []  # what Chromium says about the headers themselves
    page.on("console", lambda m: console.append(m.text) if "Policy" in m.text else None)

    response = page.goto(f"{server}/")
    assert response.headers["content-security-policy"].startswith("default-src 'none';")
    assert "camera=()" in response.headers["permissions-policy"]
    sign_in(page, server, "analis", DEMO_PASSWORD)
    with page.expect_download():  # the list as .xlsx (a /media/ link)
        page.get_by_role("button", name="Unduh .xlsx").click()

    page.goto(f"{server}/laporan")  # Plotly charts (drawn once opened) and dataframes
    settle(page)
    page.locator("[data-testid='stExpander'] summary", has_text="Grafik").first.click()
    settle(page)
    page.locator(".js-plotly-plot").first.hover()
    with page.expect_download():  # Plotly draws the PNG through a blob: image
        page.locator(".modebar-btn[data-title^='Download']").first.click()
    page.locator("[data-testid='stDataFrame'] canvas").first.wait_for()

    page.goto(f"{server}/impor")
    settle(page)
    page.locator("input[type=file]").set_input_files(
        {"name": "rekap.csv", "mimeType": "text/csv", "buffer": b"No Agenda,Ringkasan\nA-1,x\n"}
    )
    settle(page)
    page.get_by_text("rekap.csv").first.wait_for()  # uploaded, and read

    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(f"{server}/?keluar=1")
    settle(page)
    assert violations == [] and console == []
    context.close()


def test_a_form_on_another_site_cannot_sign_the_browser_in(server, browser):
    context = browser.new_context()
    page = context.new_page()
    attack = f"""<form method="post" action="{server}/auth/masuk">
      <input name="username" value="analis"><input name="password" value="{DEMO_PASSWORD}">
      </form><script>document.forms[0].submit()</script>"""
    page.route(
        "http://situs-lain.test/",
        lambda route: route.fulfill(body=attack, content_type="text/html"),
    )
    with page.expect_response(f"{server}/auth/masuk") as posted:
        page.goto("http://situs-lain.test/")
    assert posted.value.status == 403
    assert posted.value.request.headers["origin"] == "http://situs-lain.test"
    page.wait_for_url(f"{server}/auth/masuk")
    assert "Permintaan ditolak" in page.content()
    assert not any(c["name"] == "dumas_session" for c in context.cookies())
    page.goto(f"{server}/")
    settle(page)
    page.locator("input[name='password']").wait_for()  # the sign-in form: still signed out
    context.close()


def test_x_forwarded_for_from_a_client_is_not_believed_by_the_real_server(server):
    """Started as `make run` starts it. Were the header believed, the last sign-in would
    come from a familiar address with no failures of its own, and succeed."""

    def post(password: str, claimed: str) -> str:
        form = urllib.parse.urlencode({"username": "ppk", "password": password}).encode()
        headers = {"Origin": server, "X-Forwarded-For": claimed}
        request = urllib.request.Request(f"{server}/auth/masuk", data=form, headers=headers)
        with urllib.request.build_opener(_NoRedirect).open(request) as response:
            return response.headers["location"]

    assert post(DEMO_PASSWORD, "198.51.100.7") == "/"
    for i in range(5):
        assert post("tebakan-saja", f"203.0.113.{i + 1}") == "/?masuk=gagal"
    assert post(DEMO_PASSWORD, "198.51.100.7") == "/?masuk=gagal"  # all from 127.0.0.1


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

    def http_error_303(self, request, response, code, message, headers):
        return response
