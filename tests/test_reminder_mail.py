"""A recorded reminder letter e-mailed to its agency (issue 20), through a real SMTP server on
the loopback (STARTTLS and a login): the .docx that arrives is the letter with its number,
the e-mail is recorded on the letter, and the "Surat konfirmasi" view offers the sending
only where it can happen."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import docx
import pytest

from dumas import config
from dumas.db import Database, connect
from dumas.domain.permissions import Role
from dumas.queries import notices
from dumas.queries import reminders as queries
from dumas.queries import settings as settings_queries
from dumas.render import reminders as files
from dumas.services import agencies
from dumas.services.mail import send_agency_email
from dumas.services.reminders import NumberedLetter, record_reminder_letters
from dumas.ui.escape import plain
from dumas.ui.screens import reminder_mail
from tests import reminder_support as world_of
from tests.conftest import ADMIN, ANALYST, TODAY, open_page
from tests.smtp_support import Server, smtp_server

NOW = dt.datetime(2026, 11, 27, 10, 30, tzinfo=config.TIMEZONE)
ADDRESS = "persuratan@instansi.go.id"
NUMBER = "B-731/Kemensetneg/D-4/DM.04.01/11/2026"


@pytest.fixture(scope="module")
def world(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    return world_of.built(template_db, tmp_path_factory)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with smtp_server("starttls", tmp_path_factory.mktemp("tls")) as running:
        yield running


@pytest.fixture
def mailing(server: Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    yield server
    server.messages.clear()


@pytest.fixture
def db_path(world: tuple[Path, dict], tmp_path: Path) -> Path:
    return world_of.copy_of(world, tmp_path)


def _recorded(
    db: Database, agency_id: int, *, address: str | None = ADDRESS, number: str = NUMBER
) -> int:
    """One agency's konfirmasi I recorded under NUMBER (its address set first); its id."""
    agencies.complete_agency(db, ADMIN, agency_id=agency_id, head_title="Kepala Badan",
                             city="Jakarta", email=address)  # fmt: skip
    ids = [r[0] for r in db.cursor().execute(
        "SELECT id FROM forwarding WHERE agency_id = $a ORDER BY id", {"a": agency_id}
    ).fetchall()]  # fmt: skip
    with db.reading() as cur:
        batch = queries.prepare(cur, queries.Selection(forwarding_ids=tuple(ids)), TODAY)
    first = next(x for x in batch.letters if x.kind == "konfirmasi_1")
    listed = tuple(y.forwarding_id for y in first.letters)
    letter = NumberedLetter(first.agency_id, first.kind, listed, number, TODAY)
    return record_reminder_letters(db, ANALYST, [letter], today=TODAY)[0]


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_recorded_letter_reaches_its_agency_with_its_numbered_docx_and_is_logged_on_it(
    db_path, world, mailing
):
    agency_id = world[1]["agency_ids"][5]
    db = connect(db_path)
    try:
        letter_id = _recorded(db, agency_id)
        with db.reading() as cur:
            (letter,) = queries.recorded_letters(cur, [letter_id])
            settings = settings_queries.for_documents(cur)
        subject, body, attached = files.agency_mail(settings, letter)
        send_agency_email(db, ANALYST, agency_id=agency_id, subject=subject, body=body,
                          attachments=attached, related_kind=reminder_mail.RELATED,
                          related_id=letter_id, now=NOW)  # fmt: skip
        (logged,) = notices.mails_about(db.cursor(), reminder_mail.RELATED, letter_id)
    finally:
        db.close()
    (received,) = mailing.messages
    assert received.recipients == [ADDRESS]
    assert (
        received.message["Subject"] == f"Surat konfirmasi I Nomor {NUMBER} tanggal 27 November 2026"
    )
    body_text = received.part("plain")
    assert "Bersama ini kami sampaikan surat konfirmasi I Nomor " + NUMBER in " ".join(
        body_text.split()
    )
    assert f"tindak lanjut {len(letter.letters)} surat penerusan" in body_text
    (attachment,) = list(received.message.iter_attachments())
    assert attachment.get_filename() == attached[0][0]
    assert attachment.get_content() == attached[0][1]  # the very bytes of the download
    printed = _text(attachment.get_content())
    assert NUMBER in printed and letter.agency in printed
    assert all(y.agenda_no in printed for y in letter.letters)
    assert (logged.outcome, logged.recipient, logged.attachments) == (
        "sent",
        ADDRESS,
        [attached[0][0]],
    )


def test_a_draft_without_its_number_is_never_e_mailed(db_path, world):
    db = connect(db_path)
    try:
        ids = [r[0] for r in db.cursor().execute("SELECT id FROM forwarding").fetchall()]
        with db.reading() as cur:
            batch = queries.prepare(cur, queries.Selection(forwarding_ids=tuple(ids)), TODAY)
            settings = settings_queries.for_documents(cur)
    finally:
        db.close()
    with pytest.raises(ValueError, match="only a recorded letter"):
        files.agency_mail(settings, batch.letters[0])


def _recorded_view(
    db_path: Path, agency_id: int, address: str | None = ADDRESS, number: str = NUMBER
):
    db = connect(db_path)
    try:
        letter_id = _recorded(db, agency_id, address=address, number=number)
    finally:
        db.close()
    at = open_page(Role.ANALIS, "pages/followup.py", view="Surat konfirmasi")
    at.session_state["reminder_recorded"] = [letter_id]
    return at.run(), letter_id


@pytest.mark.usefixtures("app_env")
def test_on_the_page_one_click_sends_the_letter_and_it_is_listed_as_sent(db_path, world, mailing):
    at, letter_id = _recorded_view(db_path, world[1]["agency_ids"][6])
    assert not at.exception
    button = at.button(key=f"reminder_mail_{letter_id}")
    assert button.label == f"Kirim lewat e-mail ke {plain(ADDRESS)}"  # shown as text
    button.click().run()
    assert not at.exception
    assert [m.recipients for m in mailing.messages] == [[ADDRESS]]
    said = f"Surat konfirmasi I Nomor {plain(NUMBER)} terkirim ke {plain(ADDRESS)}."
    assert said in [s.value for s in at.success]
    assert any(c.value.startswith(f"Terkirim ke {plain(ADDRESS)} pada ") for c in at.caption)


@pytest.mark.usefixtures("app_env")
def test_without_smtp_or_an_address_the_page_says_why_and_offers_no_sending(
    db_path, world, monkeypatch
):
    monkeypatch.delenv("DUMAS_SMTP_HOST", raising=False)
    at, letter_id = _recorded_view(db_path, world[1]["agency_ids"][7])
    assert not at.exception
    assert not at.error  # not the user's mistake: a fact of this installation
    assert [i.value for i in at.info if "SMTP" in i.value] == [
        "E-mail belum dapat dikirim dari aplikasi ini: pengelola server belum mengatur SMTP "
        "(DUMAS_SMTP_HOST). Unduh surat bernomor di atas dan kirim seperti biasa."
    ]
    assert not [b for b in at.button if b.key == f"reminder_mail_{letter_id}"]
    at, letter_id = _recorded_view(
        db_path, world[1]["agency_ids"][8], address=None, number="B-732/Kemensetneg/2026"
    )
    assert any("alamat e-mail instansi belum diisi" in c.value for c in at.caption)
    assert not [b for b in at.button if b.key == f"reminder_mail_{letter_id}"]
