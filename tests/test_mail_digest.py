"""The daily digest of "Menunggu Saya" by e-mail, delivered to a real SMTP server on the
loopback (tests/smtp_support.py) by the scheduled job, as "Jalankan sekarang" starts it.

The world, built once: an analyst's draft long overdue (its title typed with markup), a
plan waiting for the Kabid, one long waiting for the Asdep, one for the Kasubbid (who left
notices off), and a field visit's money waiting for the BPP. Each persona's digest lists
exactly what their "Menunggu Saya" lists, overdue marked; the PPK, with nothing waiting,
gets no e-mail; the Deputi, with no address, neither. The password is nowhere after it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from dumas import config, i18n
from dumas.db import Database, connect
from dumas.domain import periods
from dumas.domain.errors import ValidationError
from dumas.domain.permissions import SYSTEM, Role, User
from dumas.domain.plan_flow import PlanAction
from dumas.jobs import catalogue, schedule
from dumas.jobs import digest as digest_job
from dumas.jobs.model import JobRun
from dumas.jobs.scheduler import Scheduler
from dumas.mail import digest
from dumas.periodic import contents
from dumas.queries import inbox
from dumas.services import auth, notices, plans, users
from dumas.services import jobs as job_services
from dumas.services import monitoring as monitoring_service
from tests.cli_support import run_cli
from tests.conftest import ADMIN, Factory, built_once, username
from tests.monitoring_support import approved, people_of
from tests.smtp_support import PASSWORD, Received, Server, free_port, smtp_server

TZ = config.TIMEZONE
NOW = dt.datetime(2026, 11, 27, 7, 0, tzinfo=TZ)  # a Friday, a working day, at DUMAS_DIGEST_AT
LONG_AGO = dt.datetime(2026, 11, 17, 9, 0, tzinfo=TZ)
LATELY = dt.datetime(2026, 11, 27, 3, 0, tzinfo=TZ)
URL = "https://dumas.setneg.go.id"
TYPED = "Rencana <b>Sengketa</b> & Co"  # a title typed with markup: shown as typed
ROUTE = ((Role.ANALIS, PlanAction.SUBMIT), (Role.KASUBBID, PlanAction.FORWARD),
         (Role.KABID, PlanAction.PROPOSE))  # fmt: skip
# Who reads what: (address, language, area) per persona; the Kasubbid left notices off.
READERS = {
    Role.ANALIS: ("analis@setneg.go.id", "id", False),
    Role.KABID: ("kabid@setneg.go.id", "id", True),
    Role.ASDEP: ("asdep@setneg.go.id", "en", True),
    Role.BPP: ("bpp@setneg.go.id", "id", False),
    Role.PPK: ("ppk@setneg.go.id", "id", False),  # nothing waits for the PPK
    Role.DEPUTI: (None, "id", False),  # asked for it, but has no address
}


def _person(db: Database, role: Role) -> User:
    cur = db.cursor()
    uid = cur.execute("SELECT id FROM app_user WHERE username = $u", {"u": username(role)})
    user = auth.load_user(cur, uid.fetchone()[0])
    assert user is not None
    return user


def _plan(db: Database, title: str, steps: int, at: dt.datetime, letter: int) -> int:
    """A plan of one complete row drafted at `at`, then moved `steps` steps an hour apart."""
    analyst = _person(db, Role.ANALIS)

    def revision() -> int:
        return db.cursor().execute("SELECT revision FROM plan WHERE id = $id", {"id": plan_id})\
            .fetchone()[0]  # fmt: skip

    plan_id = plans.create_plan(db, analyst, title=title, period="2026-S2", source="database",
                                bidang="Bidang Uji", now=at)  # fmt: skip
    plans.add_letters(db, analyst, plan_id, revision=revision(), forwarding_ids=[letter], now=at)
    row = db.cursor().execute("SELECT id FROM plan_row WHERE plan_id = $id", {"id": plan_id})
    values = {"method": "surat_resmi", "level": "kabid", "team_lead": analyst.id,
              "team": [analyst.id]}  # fmt: skip
    plans.save_rows(db, analyst, plan_id, revision=revision(), updated={row.fetchone()[0]: values},
                    added=[], deleted=[], now=at)  # fmt: skip
    for n, (role, action) in enumerate(ROUTE[:steps], start=1):
        plans.act(db, _person(db, role), plan_id, revision=revision(), action=action, note=None,
                  now=at + dt.timedelta(hours=n))  # fmt: skip
    return plan_id


def _money_waiting_for_the_bpp(db: Database, make: Factory, agency: int) -> int:
    """A field visit in step 8 whose accountability the team handed over: the BPP's turn."""
    p = people_of(db)
    mid = approved(db, p, [make.forward(make.complaint(), agency, dt.date(2026, 6, 2))],
                   direct=True, now=LONG_AGO)  # fmt: skip
    cur = db.cursor()
    cur.execute("UPDATE monitoring SET state = 'submission' WHERE id = $id", {"id": mid})
    cur.execute("UPDATE monitoring_cost SET actual = planned WHERE monitoring_id = $m", {"m": mid})
    seen = cur.execute("SELECT revision FROM monitoring WHERE id = $id", {"id": mid}).fetchone()[0]
    monitoring_service.record_finance(db, p.kabid, mid, revision=seen, stage="submitted_on",
                                      on=dt.date(2026, 11, 24), today=dt.date(2026, 11, 24),
                                      now=dt.datetime(2026, 11, 24, 10, tzinfo=TZ))  # fmt: skip
    return mid


def _readers(db: Database) -> None:
    """Addresses set by the Administrator, notices chosen by each reader."""
    admin = _person(db, Role.ADMIN)
    for role, (address, language, area) in READERS.items():
        user = _person(db, role)
        if address:
            seen = db.cursor().execute("SELECT revision FROM app_user WHERE id = $id",
                                       {"id": user.id}).fetchone()[0]  # fmt: skip
            users.set_email(db, admin, user.id, revision=seen, email=address)
        notices.set_notices(db, user, digest=True, area=area, language=language, now=LONG_AGO)


@pytest.fixture(scope="module")
def world(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    def build(path: Path) -> dict[str, int]:
        shutil.copy(template_db, path)
        db = connect(path)
        try:
            make = Factory(db)
            agency = make.agency("Kementerian Dalam Negeri")
            letter = make.forward(make.complaint(), agency, dt.date(2026, 6, 1))
            made = {
                "draft": _plan(db, TYPED, 0, LONG_AGO, letter),
                "for_kabid": _plan(db, "Rencana untuk Kabid", 2, LATELY, letter),
                "for_asdep": _plan(db, "Rencana untuk Asdep", 3, LONG_AGO, letter),
                "for_kasubbid": _plan(db, "Rencana untuk Kasubbid", 1, LATELY, letter),
                "money": _money_waiting_for_the_bpp(db, make, agency),
            }
            _readers(db)
            return made
        finally:
            db.close()

    return built_once(tmp_path_factory, "mail-digest", build)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """One plain SMTP server (with a login) for the module."""
    with smtp_server("none") as running:
        yield running


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclasses.dataclass
class Delivery:
    """The digest job's run on a copy of the world, and what came of it."""

    db: Database
    mails: dict[str, Received]
    records: list[logging.LogRecord]
    ids: dict[str, int]

    def to(self, role: Role) -> Received:
        return self.mails[READERS[role][0] or ""]


@pytest.fixture(scope="module")
def delivery(
    world: tuple[Path, dict], server: Server, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Delivery]:
    """An Administrator asks for the digest job now; the scheduler runs it at 07:00."""
    path = tmp_path_factory.mktemp("delivered") / "dumas.duckdb"
    shutil.copy(world[0], path)
    db = connect(path)
    captured, root = _Records(), logging.getLogger()
    level = root.level
    root.addHandler(captured)
    root.setLevel(logging.DEBUG)
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in server.env(DUMAS_PUBLIC_URL=URL, DUMAS_IMPORT_DROP="off").items():
                patch.setenv(name, value)
            job_services.request_run(db, ADMIN, catalogue.DIGEST, now=NOW)
            for thread in Scheduler(lambda: db, clock=lambda: NOW).tick():
                thread.join()
    finally:
        root.removeHandler(captured)
        root.setLevel(level)
    mails = {received.recipients[0]: received for received in server.messages}
    server.messages.clear()
    yield Delivery(db, mails, captured.records, world[1])
    db.close()


def _listed(text: str) -> list[list[tuple[str, str | None]]]:
    """The text part's sections as (title, overdue marker) per numbered item."""
    sections: list[list[tuple[str, str | None]]] = []
    for line in text.splitlines():
        if found := re.match(r"^\d+\. (.*?)(?:  \[(.*)\])?$", line):
            sections[-1].append((found.group(1), found.group(2)))
        elif line.isupper():  # a section's heading
            sections.append([])
    return sections


def _subject(mail: Received) -> str:
    """The subject as a mail client shows it (a long one is folded onto the next line)."""
    return " ".join(str(mail.message["Subject"]).split())


def _expected(db: Database, role: Role, lang: str, area: bool) -> list[list[tuple]]:
    """What "Menunggu Saya" lists for the persona at NOW, in the digest's words."""
    items = inbox.inbox(db.cursor(), _person(db, role), NOW)

    def words(item) -> tuple[str, str | None]:
        title = item.title
        if item.kind == "report":  # titled in the reader's language
            title = contents.default_title(periods.parse(item.period_code), lang)
        if item.late is None:
            return (title, None)
        return (title, i18n.t("inbox.late_by", lang, late=i18n.fmt_late(item.late, lang)))

    mine = [words(item) for item in items if item.mine]
    return [mine, [words(item) for item in items if not item.mine]] if area else [mine]


@pytest.mark.parametrize("role", [Role.ANALIS, Role.KABID, Role.ASDEP, Role.BPP])
def test_each_personas_digest_lists_exactly_what_their_inbox_lists_overdue_marked(delivery, role):
    address, lang, area = READERS[role]
    mail = delivery.to(role)
    assert mail.recipients == [address] and mail.sender == "dumas@setneg.go.id"
    assert _listed(mail.part("plain")) == _expected(delivery.db, role, lang, area)


def test_the_analyst_is_mailed_the_overdue_draft_with_a_link_to_it(delivery):
    mail = delivery.to(Role.ANALIS)
    text = mail.part("plain")
    assert (
        _subject(mail) == "Menunggu Saya, 27 November 2026: 1 menunggu tindakan Anda, 1 terlambat"
    )
    assert text.startswith("Yth. Analis Uji,\n\nBerikut yang menunggu di Dumas Monitor per "
                           "27 November 2026 07.00 WIB.\n")  # fmt: skip
    assert f"1. {TYPED}  [Terlambat 7 hari kerja]" in text
    assert f"   {URL}/rencana?plan={delivery.ids['draft']}" in text
    assert f"Buka Menunggu Saya: {URL}/menunggu" in text


def test_the_kabid_gets_the_plan_waiting_for_them_and_the_overdue_list_of_their_bidang(
    delivery,
):
    text = delivery.to(Role.KABID).part("plain")
    mine, area = _listed(text)
    assert mine == [("Rencana untuk Kabid", None)]  # on time: no marker
    assert {title for title, _ in area} >= {TYPED, "Rencana untuk Asdep"}
    assert all(late and late.startswith("Terlambat") for _, late in area)
    assert "TERLAMBAT DI BIDANG ANDA, MENUNGGU TINDAKAN ORANG LAIN:" in text


def test_the_asdep_reads_the_digest_in_english_as_chosen(delivery):
    mail = delivery.to(Role.ASDEP)
    assert _subject(mail) == (
        "Waiting for me, 27 November 2026: 2 waiting for you, 2 overdue; 2 overdue in your area"
    )
    text = mail.part("plain")
    assert text.startswith("Dear Asdep Uji,")
    assert ("Rencana untuk Asdep", "Late by 8 working days") in _listed(text)[0]


def test_the_bpp_is_mailed_the_accountability_waiting_with_a_link_to_the_monitoring(delivery):
    text = delivery.to(Role.BPP).part("plain")
    assert "   Pemantauan · lokus DKI Jakarta · Langsung: kunjungan lapangan" in text
    assert "langkah 8b. Pertanggungjawaban keuangan kepada PPK melalui BPP" in text
    assert f"{URL}/pemantauan?id={delivery.ids['money']}" in text


def test_no_mail_goes_to_notices_left_off_to_nothing_waiting_or_to_no_address(delivery):
    waiting = inbox.inbox(delivery.db.cursor(), _person(delivery.db, Role.KASUBBID), NOW)
    assert any(item.mine for item in waiting)  # the Kasubbid has work, but chose no e-mail
    assert not [i for i in inbox.inbox(delivery.db.cursor(), _person(delivery.db, Role.PPK), NOW)
                if i.mine]  # fmt: skip
    assert sorted(delivery.mails) == sorted(
        READERS[r][0] for r in (Role.ANALIS, Role.KABID, Role.ASDEP, Role.BPP)
    )


def test_the_html_part_shows_what_users_typed_escaped_never_as_markup(delivery):
    page = delivery.to(Role.ANALIS).part("html")
    assert "Rencana &lt;b&gt;Sengketa&lt;/b&gt; &amp; Co" in page
    assert "<b>Sengketa</b>" not in page
    link = f'<a href="{URL}/rencana?plan={delivery.ids["draft"]}">'
    assert link in page and '<html lang="id">' in page
    assert '<html lang="en">' in delivery.to(Role.ASDEP).part("html")


def test_the_run_is_recorded_in_job_run_and_each_e_mail_in_the_mail_log(delivery):
    cur = delivery.db.cursor()
    run = cur.execute("SELECT outcome, message, log FROM job_run WHERE job = 'digest'").fetchall()
    assert [(outcome, message) for outcome, message, _ in run] == [
        ("ok", "4 ringkasan dikirim, 0 gagal, 1 tanpa isi (tidak ada yang menunggu), "
               "0 sudah dikirim hari ini, 1 tanpa alamat e-mail.")
    ]  # fmt: skip
    assert "ppk.uji: tidak ada yang menunggu, tidak ada e-mail." in run[0][2].splitlines()
    logged = cur.execute(
        "SELECT recipient, kind, outcome, digest_day, actor FROM mail_log ORDER BY recipient"
    ).fetchall()
    assert logged == [(READERS[r][0], "digest", "sent", NOW.date(), "sistem")
                      for r in (Role.ANALIS, Role.ASDEP, Role.BPP, Role.KABID)]  # fmt: skip


def test_a_second_run_the_same_day_mails_nobody_again(delivery, server, monkeypatch):
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    later = notices.send_digests(delivery.db, SYSTEM, now=NOW + dt.timedelta(hours=3))
    assert server.messages == []
    assert {o.username: o.status for o in later} == {
        "analis.uji": "already", "asdep.uji": "already", "bpp.uji": "already",
        "deputi.uji": "no_address", "kabid.uji": "already", "ppk.uji": "nothing",
    }  # fmt: skip


def test_the_password_is_in_no_table_no_log_record_and_no_job_log_line(delivery):
    cur = delivery.db.cursor()
    tables = [r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    holding = [t for t in tables
               if cur.execute(f"SELECT count(*) FROM {t} AS x WHERE x::VARCHAR LIKE $p",
                              {"p": f"%{PASSWORD}%"}).fetchone()[0]]  # fmt: skip
    assert len(tables) > 30 and holding == []
    assert delivery.records and not [r for r in delivery.records if PASSWORD in r.getMessage()]


def _outcomes_with(world, tmp_path, monkeypatch, env: dict[str, str]) -> tuple[Database, list]:
    path = tmp_path / "dumas.duckdb"
    shutil.copy(world[0], path)
    db = connect(path)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    run = JobRun(catalogue.DIGEST, NOW)
    outcome = digest_job.run(db, run)
    return db, [outcome, run.lines]


def test_a_wrong_password_is_a_failed_run_with_the_servers_words_and_no_crash(
    world, server, tmp_path, monkeypatch
):
    wrong = server.env(DUMAS_SMTP_PASSWORD="salah-sandi")
    db, (outcome, lines) = _outcomes_with(world, tmp_path, monkeypatch, wrong)
    assert outcome.outcome == "failed"
    assert outcome.message.startswith("0 ringkasan dikirim, 4 gagal")
    refused = "535 5.7.8 Authentication credentials invalid"
    assert f"analis.uji: gagal dikirim ke analis@setneg.go.id: {refused}" in lines
    logged = db.cursor().execute("SELECT DISTINCT outcome, message FROM mail_log").fetchall()
    assert logged == [("failed", refused)]
    assert server.messages == []
    db.close()


def test_a_refused_connection_is_recorded_as_failed(world, server, tmp_path, monkeypatch):
    env = server.env(DUMAS_SMTP_PORT=str(free_port()))
    db, (outcome, _) = _outcomes_with(world, tmp_path, monkeypatch, env)
    reasons = db.cursor().execute("SELECT DISTINCT outcome, message FROM mail_log").fetchall()
    assert outcome.outcome == "failed"
    assert reasons == [("failed", "ConnectionRefusedError: [Errno 111] Connection refused")]
    db.close()


def test_without_smtp_nothing_is_sent_the_job_is_off_and_the_refusal_says_why(
    world, tmp_path, monkeypatch
):
    monkeypatch.delenv("DUMAS_SMTP_HOST", raising=False)
    db, (outcome, _) = _outcomes_with(world, tmp_path, monkeypatch, {})
    assert catalogue.enabled()[catalogue.DIGEST] is False
    assert (outcome.outcome, outcome.message) == ("failed", i18n.t("mail.error.not_configured"))
    with pytest.raises(ValidationError) as refused:
        notices.send_digests(db, SYSTEM, now=NOW)
    assert [m.key for m in refused.value.messages] == ["mail.error.not_configured"]
    assert db.cursor().execute("SELECT count(*) FROM mail_log").fetchone()[0] == 0
    db.close()


def test_the_command_line_sends_todays_digests_and_says_so(world, server, tmp_path, monkeypatch):
    path = tmp_path / "dumas.duckdb"
    shutil.copy(world[0], path)
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    done = run_cli("digest", db=str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].startswith("4 ringkasan dikirim, 0 gagal")
    assert len(server.messages) == 4
    server.messages.clear()
    monkeypatch.delenv("DUMAS_SMTP_HOST")
    refused = run_cli("digest", "--lang", "en", db=str(path))
    assert (refused.returncode, refused.stderr.strip()) == (2, i18n.t("mail.error.not_configured",
                                                                      "en"))  # fmt: skip


def test_the_command_line_hands_the_digest_over_to_the_running_app():
    from dumas.__main__ import build_parser
    from dumas.cli import handover

    args = build_parser().parse_args(["digest", "--db", "/srv/dumas.duckdb", "--lang", "en"])
    assert "digest" in handover.COMMANDS
    assert handover.request(args)["argv"] == ["digest", "--db=/srv/dumas.duckdb", "--lang=en"]


def test_without_a_public_address_the_digest_carries_no_link_and_says_so(delivery):
    reader = digest.Reader(_person(delivery.db, Role.ANALIS), "analis@setneg.go.id", "id", False)
    mine, area = digest.items_for(delivery.db.cursor(), reader, NOW)
    composed = digest.compose(reader, mine, area, NOW, None)
    assert composed is not None
    assert "http" not in composed.text and "href" not in composed.html
    assert i18n.t("mail.digest.no_link") in composed.text


def test_the_digests_links_are_the_inbox_pages_own():
    from dumas.ui import navigation
    from dumas.ui.screens import inbox as page

    paths = {spec.path: spec.url_path for spec in navigation.PAGES}
    for kind, (page_path, param, _) in page._KINDS.items():
        assert digest.LINKS[kind] == (paths[page_path], param)
    assert paths["pages/inbox.py"] == digest.INBOX_PATH


def test_the_digest_runs_on_working_days_only_at_its_time():
    rule = schedule.WorkingDays(
        dt.time(7, 0), lambda day: day.weekday() < 5 and day not in HOLIDAYS
    )
    assert rule.next_run(NOW) == dt.datetime(2026, 11, 30, 7, 0, tzinfo=TZ)  # Friday -> Monday
    assert rule.next_run(NOW - dt.timedelta(minutes=1)) == NOW
    assert rule.next_run(dt.datetime(2026, 12, 23, 8, 0, tzinfo=TZ)) == dt.datetime(
        2026, 12, 28, 7, 0, tzinfo=TZ
    )  # 24 and 25 December off, then the weekend


HOLIDAYS = {dt.date(2026, 12, 24), dt.date(2026, 12, 25)}


def test_a_user_without_an_area_may_not_ask_for_its_overdue_list(delivery):
    with pytest.raises(ValidationError) as refused:
        notices.set_notices(delivery.db, _person(delivery.db, Role.ANALIS), digest=True,
                            area=True, language="id", now=NOW)  # fmt: skip
    assert [(m.key, m.field) for m in refused.value.messages] == [
        ("notices.error.area", "notice_area")
    ]
