"""A letter e-mailed to an agency with its .docx attached, through a real SMTP server on the
loopback that requires STARTTLS and a login (its certificate made by the test); the
agency's address kept in the master list; the SMTP settings as the environment gives them.
The reminders will call send_agency_email; here it is called as they will."""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Iterator

import docx
import pytest

from dumas import config
from dumas.domain.errors import ValidationError
from dumas.domain.permissions import Forbidden, Role, User
from dumas.mail import address, smtp
from dumas.queries import notices
from dumas.services import agencies
from dumas.services.mail import DeliveryFailed, send_agency_email
from tests.conftest import ADMIN, ANALYST
from tests.smtp_support import PASSWORD, USER, Server, smtp_server

NOW = dt.datetime(2026, 11, 27, 10, 30, tzinfo=config.TIMEZONE)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
AGENCY_ADDRESS = "persuratan@kemendagri.go.id"
LETTER = "Surat Konfirmasi I - Kementerian Dalam Negeri.docx"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One STARTTLS server with a login for the module."""
    with smtp_server("starttls", tmp_path_factory.mktemp("tls")) as running:
        yield running


@pytest.fixture(scope="module")
def letter() -> bytes:
    document = docx.Document()
    document.add_paragraph("Dengan hormat, mohon tanggapan atas surat penerusan kami.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture
def mailing(server: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    yield server
    server.messages.clear()


def _with_address(db, agency_id: int, email: str | None = AGENCY_ADDRESS) -> None:
    agencies.complete_agency(db, ADMIN, agency_id=agency_id, head_title="Menteri Dalam Negeri",
                             city="Jakarta", email=email)  # fmt: skip


def _send(db, agency_id: int, data: bytes, actor: User = ANALYST, **changed) -> int:
    values = {"subject": "Surat Konfirmasi I: tanggapan atas surat penerusan",
              "body": "Dengan hormat,\r\nterlampir surat konfirmasi kami.",
              "attachments": [(LETTER, data, DOCX)], "related_kind": "reminder",
              "related_id": 12} | changed  # fmt: skip
    return send_agency_email(db, actor, agency_id=agency_id, now=NOW, **values)


def _logged(db) -> list[tuple]:
    sql = "SELECT recipient, kind, outcome, related_kind, related_id, attachments FROM mail_log"
    return db.cursor().execute(sql).fetchall()


def test_a_letter_reaches_the_agency_over_starttls_with_the_docx_intact(
    db, kemendagri, mailing, letter
):
    _with_address(db, kemendagri)
    log_id = _send(db, kemendagri, letter)
    [received] = mailing.messages
    assert received.recipients == [AGENCY_ADDRESS] and received.sender == "dumas@setneg.go.id"
    assert received.message["Subject"] == "Surat Konfirmasi I: tanggapan atas surat penerusan"
    assert received.part("plain") == "Dengan hormat,\nterlampir surat konfirmasi kami.\n"
    [attached] = list(received.message.iter_attachments())
    assert (attached.get_filename(), attached.get_content_type()) == (LETTER, DOCX)
    assert attached.get_content() == letter  # byte for byte
    assert (
        docx.Document(io.BytesIO(attached.get_content()))
        .paragraphs[0]
        .text.startswith("Dengan hormat")
    )
    assert _logged(db) == [(AGENCY_ADDRESS, "agency", "sent", "reminder", "12", [LETTER])]
    [about] = notices.mails_about(db.cursor(), "reminder", 12)
    assert (about.id, about.outcome, about.actor) == (log_id, "sent", ANALYST.username)
    audited = (
        db.cursor()
        .execute("SELECT actor, entity_id FROM audit_log WHERE action = 'mail.send'")
        .fetchall()
    )
    assert audited == [(ANALYST.username, str(log_id))]


def test_a_subject_with_a_line_break_stays_one_line_and_adds_no_header(
    db, kemendagri, mailing, letter
):
    _with_address(db, kemendagri)
    _send(db, kemendagri, letter, subject="Konfirmasi\r\nBcc: orang.lain@contoh.id")
    [received] = mailing.messages
    assert received.recipients == [AGENCY_ADDRESS]
    assert received.message["Subject"] == "Konfirmasi Bcc: orang.lain@contoh.id"
    assert received.message["Bcc"] is None


def test_an_agency_without_an_address_is_refused_and_nothing_is_sent(
    db, kemendagri, mailing, letter
):
    with pytest.raises(ValidationError) as refused:
        _send(db, kemendagri, letter)
    [message] = refused.value.messages
    assert (message.key, message.params) == (
        "mail.error.agency_no_address", {"name": "Kementerian Dalam Negeri"}
    )  # fmt: skip
    assert mailing.messages == [] and _logged(db) == []


def test_without_smtp_nothing_is_sent_and_the_refusal_says_so(db, kemendagri, monkeypatch, letter):
    _with_address(db, kemendagri)
    monkeypatch.delenv("DUMAS_SMTP_HOST", raising=False)
    with pytest.raises(ValidationError) as refused:
        _send(db, kemendagri, letter)
    assert [m.key for m in refused.value.messages] == ["mail.error.not_configured"]
    assert _logged(db) == []


def test_a_server_the_app_cannot_trust_is_a_failed_outcome_recorded_and_said(
    db, kemendagri, mailing, monkeypatch, letter
):
    _with_address(db, kemendagri)
    monkeypatch.delenv("DUMAS_SMTP_CA_FILE")  # the test's CA is not the system's
    with pytest.raises(DeliveryFailed) as failed:
        _send(db, kemendagri, letter)
    [message] = failed.value.messages
    assert message.key == "mail.error.failed"
    assert "CERTIFICATE_VERIFY_FAILED" in str(message.params["reason"])
    assert [row[2] for row in _logged(db)] == ["failed"] and mailing.messages == []
    reason = db.cursor().execute("SELECT message FROM mail_log").fetchone()[0]
    assert reason == message.params["reason"] and PASSWORD not in reason


def test_ssl_on_connect_delivers_the_letter_too(db, kemendagri, tmp_path, monkeypatch, letter):
    _with_address(db, kemendagri)
    with smtp_server("ssl", tmp_path) as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        _send(db, kemendagri, letter)
        [received] = server.messages
    assert next(received.message.iter_attachments()).get_content() == letter


def test_a_role_that_records_no_letters_may_not_email_an_agency(db, kemendagri, mailing, letter):
    _with_address(db, kemendagri)
    bpp = User(7001, "bpp.uji", "Bpp Uji", frozenset({Role.BPP}))
    with pytest.raises(Forbidden):
        _send(db, kemendagri, letter, actor=bpp)
    assert mailing.messages == [] and _logged(db) == []


def test_an_empty_subject_body_or_file_is_refused_before_anything_is_sent(db, kemendagri, mailing):
    _with_address(db, kemendagri)
    with pytest.raises(ValidationError) as refused:
        _send(db, kemendagri, b"", subject=" ", body="\n")
    assert [(m.key, m.field) for m in refused.value.messages] == [
        ("error.required", "mail_subject"),
        ("error.required", "mail_body"),
        ("mail.error.empty_attachment", "mail_attachments"),
    ]
    assert mailing.messages == [] and _logged(db) == []


def test_the_agency_address_is_checked_kept_removed_and_each_change_audited(db, kemendagri):
    with pytest.raises(ValidationError) as refused:
        _with_address(db, kemendagri, "persuratan kemendagri")
    assert [(m.key, m.field) for m in refused.value.messages] == [("error.email", "agency_email")]
    _with_address(db, kemendagri, " Persuratan@Kemendagri.GO.ID ")
    _with_address(db, kemendagri, None)  # not given: kept as stored
    stored = "SELECT email FROM agency WHERE id = $id"
    assert db.cursor().execute(stored, {"id": kemendagri}).fetchone()[0] == (
        "Persuratan@kemendagri.go.id"
    )
    _with_address(db, kemendagri, "")  # emptied: removed
    assert db.cursor().execute(stored, {"id": kemendagri}).fetchone()[0] is None
    changes = "SELECT new_value ->> 'email' FROM audit_log WHERE action = 'agency.complete'"
    audited = db.cursor().execute(changes + " ORDER BY id").fetchall()
    assert audited == [("Persuratan@kemendagri.go.id",), (None,)]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("nama@instansi.go.id", "nama@instansi.go.id"),
        ("  Nama.Depan+surat@Instansi.Go.Id ", "Nama.Depan+surat@instansi.go.id"),
        ("nama@instansi", None),
        ("nama@@instansi.go.id", None),
        ("nama@instansi.go.id\r\nBcc: x@y.id", None),
        ("nama.@instansi.go.id", None),
        ("nämä@instansi.go.id", None),
        ("a, b@instansi.go.id", None),
    ],
)
def test_an_address_is_kept_only_in_the_shape_mail_servers_accept(typed, kept):
    errors: list = []
    assert address.clean_address(typed, "email", errors) == kept
    assert [m.key for m in errors] == ([] if kept else ["error.email"])


def test_the_password_may_come_from_a_file_and_shows_in_no_repr(tmp_path, monkeypatch):
    secret = tmp_path / "smtp-password"
    secret.write_text(f"{PASSWORD}\n", encoding="utf-8")
    monkeypatch.setenv("DUMAS_SMTP_HOST", "mail.setneg.go.id")
    monkeypatch.setenv("DUMAS_SMTP_FROM", "dumas@setneg.go.id")
    monkeypatch.setenv("DUMAS_SMTP_PASSWORD_FILE", str(secret))
    monkeypatch.delenv("DUMAS_SMTP_PASSWORD", raising=False)
    settings = config.smtp()
    assert settings is not None
    assert (settings.password, settings.port, settings.tls) == (PASSWORD, 587, "starttls")
    assert PASSWORD not in repr(settings)
    monkeypatch.setenv("DUMAS_SMTP_PASSWORD_FILE", str(tmp_path / "missing"))
    with pytest.raises(ValueError, match=r"DUMAS_SMTP_PASSWORD_FILE .* cannot be read"):
        config.smtp()


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("DUMAS_SMTP_TLS", "tls", "DUMAS_SMTP_TLS must be one of none, starttls, ssl"),
        ("DUMAS_SMTP_PORT", "smtp", "DUMAS_SMTP_PORT must be a whole number"),
        ("DUMAS_SMTP_FROM", "", "DUMAS_SMTP_FROM must be the sender's e-mail address"),
        ("DUMAS_PUBLIC_URL", "dumas.setneg.go.id", "DUMAS_PUBLIC_URL must start with http"),
    ],
)
def test_a_mail_setting_that_cannot_be_used_is_refused_naming_it(monkeypatch, name, value, said):
    monkeypatch.setenv("DUMAS_SMTP_HOST", "mail.setneg.go.id")
    monkeypatch.setenv("DUMAS_SMTP_FROM", "dumas@setneg.go.id")
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=said):
        config.public_url() if name == "DUMAS_PUBLIC_URL" else config.smtp()


def test_a_failure_never_carries_the_password_in_any_form_a_login_sends():
    settings = config.SmtpSettings("h", 587, "starttls", "d@setneg.go.id", USER, PASSWORD)
    login = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    said = smtp.scrub(f"535 {PASSWORD} {login} {base64.b64encode(PASSWORD.encode()).decode()}",
                      settings)  # fmt: skip
    assert said == "535 *** *** ***"
