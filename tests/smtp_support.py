"""A real SMTP server on the loopback for the mail tests (aiosmtpd in a thread): plain,
STARTTLS or SSL on connect, with a login if asked, keeping every message it accepts. The
TLS certificate is made here, for 127.0.0.1, by a CA made here too (`cryptography`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.policy
import ipaddress
import logging
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOST = "127.0.0.1"
# aiosmtpd's own log (a client refusing its certificate, a deprecation) is the test server's,
# not the app's: kept out of the records the tests read.
logging.getLogger("mail.log").propagate = False
USER, PASSWORD = "dumas-surat", "Rahasia-SMTP-8f3a!"  # the password the tests look for


@dataclass(frozen=True)
class Received:
    """One message as the server took it: the envelope and the parsed message."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        """The text/plain or text/html part's text (its lines as sent, without the CR)."""
        found = self.message.get_body(preferencelist=(subtype,))
        assert found is not None and found.get_content_subtype() == subtype, subtype
        return found.get_content().replace("\r\n", "\n")


@dataclass
class _Handler:
    messages: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:  # aiosmtpd's name
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"


def _login(server, session, envelope, mechanism, auth_data) -> AuthResult:
    good = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER
    ok = good and auth_data.password.decode() == PASSWORD
    return AuthResult(success=ok, handled=False)  # refused: 535, said by aiosmtpd


@dataclass(frozen=True)
class Server:
    """A running server: where it listens, what it received, the CA a client must trust."""

    port: int
    tls: str
    messages: list[Received]
    ca_file: Path | None

    def env(self, **extra: str) -> dict[str, str]:
        """The DUMAS_SMTP_* settings that send through this server."""
        settings = {
            "DUMAS_SMTP_HOST": HOST, "DUMAS_SMTP_PORT": str(self.port), "DUMAS_SMTP_TLS": self.tls,
            "DUMAS_SMTP_FROM": "dumas@setneg.go.id", "DUMAS_SMTP_USER": USER,
            "DUMAS_SMTP_PASSWORD": PASSWORD, "DUMAS_SMTP_TIMEOUT": "5",
        }  # fmt: skip
        if self.ca_file:
            settings["DUMAS_SMTP_CA_FILE"] = str(self.ca_file)
        return {**settings, **extra}


def free_port() -> int:
    """A port nothing listens on now (for the server, or for a refused connection)."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _name(text: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, text)])


def certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A CA (ca.pem) and a certificate for 127.0.0.1 it signed (cert.pem, key.pem)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())

    def made(subject: str, issuer: str, public, signer, ca: bool) -> x509.Certificate:
        built = (
            x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
            .public_key(public).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )  # fmt: skip
        if not ca:
            names = [x509.IPAddress(ipaddress.ip_address(HOST)), x509.DNSName("localhost")]
            built = built.add_extension(x509.SubjectAlternativeName(names), critical=False)
        return built.sign(signer, hashes.SHA256())

    ca = made("Dumas test CA", "Dumas test CA", ca_key.public_key(), ca_key, True)
    leaf = made(HOST, "Dumas test CA", key.public_key(), ca_key, False)
    paths = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return paths


@contextlib.contextmanager
def smtp_server(tls: str = "none", folder: Path | None = None) -> Iterator[Server]:
    """A server on a free loopback port that asks for USER/PASSWORD: `none` (the login
    allowed without TLS), `starttls` (required before anything) or `ssl` (on connect);
    TLS needs a `folder` for its certificates."""
    handler = _Handler()
    context, ca_file = None, None
    if tls != "none":
        assert folder is not None
        ca_file, cert, key = certificates(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
    # The login is asked for over TLS (STARTTLS first); on a plain server, and over SSL on
    # connect (which aiosmtpd does not count as TLS), it is offered without it.
    options: dict[str, object] = {"authenticator": _login, "auth_required": tls == "starttls",
                                  "auth_require_tls": tls == "starttls"}  # fmt: skip
    if tls == "starttls":
        options |= {"tls_context": context, "require_starttls": True}
    port = free_port()
    controller = Controller(handler, hostname=HOST, port=port,
                            ssl_context=context if tls == "ssl" else None,
                            server_hostname=HOST, **options)  # fmt: skip
    controller.start()
    try:
        yield Server(port, tls, handler.messages, ca_file)
    finally:
        controller.stop()
