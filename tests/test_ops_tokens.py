"""The command line's tokens and the endpoint it hands its work to (issue 17): an
Administrator creates and revokes tokens (only their hashes are kept), POST /ops/command
runs import, report, summary or backup in the app's process for a valid token from this
machine, and refuses everything else. The real `streamlit run` is tests/test_cli_handover.py."""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import json
import os
import shutil
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request

from dumas import config
from dumas.__main__ import build_parser
from dumas.cli import handover
from dumas.cli.console import Console
from dumas.db import Database
from dumas.domain.errors import ValidationError
from dumas.domain.permissions import Forbidden, Role, User
from dumas.services import auth, ops_tokens
from dumas.ui import routes
from dumas.ui.http_security import from_this_machine
from tests.asgi_support import Client
from tests.cli_support import run_cli
from tests.conftest import TODAY, open_page, username

NOW = dt.datetime.combine(TODAY, dt.time(21, 0), config.TIMEZONE)


def _user(db: Database, role: Role) -> User:
    with db.reading() as cur:
        uid = cur.execute("SELECT id FROM app_user WHERE username = $u",
                          {"u": username(role)}).fetchall()[0][0]  # fmt: skip
        user = auth.load_user(cur, uid)
    assert user is not None
    return user


def _rows(db: Database, sql: str) -> list[tuple]:
    with db.reading() as cur:
        return cur.execute(sql).fetchall()


# The service


def test_an_administrator_creates_a_token_kept_only_as_its_hash_and_audited(db: Database):
    token = ops_tokens.create_token(db, _user(db, Role.ADMIN), label=" impor  malam ", now=NOW)
    assert len(token) >= 43  # secrets.token_urlsafe(32)
    stored = _rows(db, "SELECT label, token_hash, created_by, last_used_at FROM ops_token")
    assert stored == [("impor malam", ops_tokens.digest(token), _user(db, Role.ADMIN).id, None)]
    assert token not in repr(_rows(db, "SELECT * FROM ops_token"))
    assert token not in repr(_rows(db, "SELECT * FROM audit_log"))
    (audited,) = _rows(db, "SELECT actor, new_value FROM audit_log "
                           "WHERE action = 'ops_token.create'")  # fmt: skip
    assert audited[0] == username(Role.ADMIN) and json.loads(audited[1]) == {"name": "impor malam"}
    with db.reading() as cur:
        assert ops_tokens.verify(cur, token) == ops_tokens.OpsToken(1, "impor malam")
        assert ops_tokens.verify(cur, token + "x") is None
        assert ops_tokens.verify(cur, "") is None


@pytest.mark.parametrize("role", [Role.ANALIS, Role.KABID, Role.ASDEP, Role.PIMPINAN])
def test_only_an_administrator_may_create_or_revoke_a_token(db: Database, role: Role):
    made = ops_tokens.create_token(db, _user(db, Role.ADMIN), label="cadangan", now=NOW)
    before = _rows(db, "SELECT count(*) FROM audit_log")
    with pytest.raises(Forbidden):
        ops_tokens.create_token(db, _user(db, role), label="milik saya", now=NOW)
    with pytest.raises(Forbidden):
        ops_tokens.revoke_token(db, _user(db, role), token_id=1, now=NOW)
    assert _rows(db, "SELECT label, revoked_at FROM ops_token") == [("cadangan", None)]
    assert _rows(db, "SELECT count(*) FROM audit_log") == before
    with db.reading() as cur:
        assert ops_tokens.verify(cur, made) is not None


def test_a_revoked_token_is_no_longer_accepted_and_its_label_is_free_again(db: Database):
    admin = _user(db, Role.ADMIN)
    token = ops_tokens.create_token(db, admin, label="Impor malam", now=NOW)
    with pytest.raises(ValidationError) as taken:
        ops_tokens.create_token(db, admin, label="impor MALAM", now=NOW)
    assert taken.value.messages[0].key == "ops_token.error.label_taken"
    assert ops_tokens.revoke_token(db, admin, token_id=1, now=NOW) == "Impor malam"
    with db.reading() as cur:
        assert ops_tokens.verify(cur, token) is None
    with pytest.raises(ValidationError) as again:
        ops_tokens.revoke_token(db, admin, token_id=1, now=NOW)
    assert again.value.messages[0].key == "ops_token.error.revoked"
    ops_tokens.create_token(db, admin, label="impor malam", now=NOW)
    actions = _rows(db, "SELECT action FROM audit_log WHERE entity = 'ops_token' ORDER BY id")
    assert actions == [("ops_token.create",), ("ops_token.revoke",), ("ops_token.create",)]


def test_a_token_needs_a_label(db: Database):
    with pytest.raises(ValidationError) as refused:
        ops_tokens.create_token(db, _user(db, Role.ADMIN), label="  ", now=NOW)
    assert [(m.key, m.field) for m in refused.value.messages] == [("error.required", "token_label")]
    assert _rows(db, "SELECT count(*) FROM ops_token") == [(0,)]


# Where the endpoint may be asked from


def _request(peer: str, headers: dict[str, str] | None = None) -> Request:
    raw = [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "client": (peer, 50000), "headers": raw})


@pytest.mark.parametrize(
    ("peer", "headers", "local"),
    [
        ("127.0.0.1", {}, True),
        ("127.0.0.53", {}, True),
        ("::1", {}, True),
        ("::ffff:127.0.0.1", {}, True),
        ("10.0.0.7", {}, False),
        ("192.168.1.20", {}, False),
        ("::ffff:10.0.0.7", {}, False),
        ("testclient", {}, False),
        # a proxy on this machine connects from loopback: what it relays is not local
        ("127.0.0.1", {"x-forwarded-for": "203.0.113.9"}, False),
        ("127.0.0.1", {"forwarded": "for=203.0.113.9"}, False),
        ("127.0.0.1", {"x-real-ip": "203.0.113.9"}, False),
    ],
)
def test_the_command_endpoint_is_asked_only_from_this_machine(peer, headers, local, monkeypatch):
    monkeypatch.delenv("DUMAS_OPS_REMOTE", raising=False)
    assert from_this_machine(_request(peer, headers)) is local
    assert routes.command_allowed_from(_request(peer, headers)) is local


def test_the_remote_setting_lets_another_machine_ask_the_command_endpoint(monkeypatch):
    monkeypatch.setenv("DUMAS_OPS_REMOTE", "1")
    assert routes.command_allowed_from(_request("10.0.0.7"))
    monkeypatch.setenv("DUMAS_OPS_REMOTE", "0")
    assert not routes.command_allowed_from(_request("10.0.0.7"))


# The endpoint, in this process


def _client(peer: str = "127.0.0.1") -> Client:
    return Client(Starlette(routes=routes.ROUTES, middleware=routes.MIDDLEWARE), peer=peer)


def _body(db_path: Path, *argv: str, **extra: object) -> dict[str, object]:
    command, *rest = argv
    return {"argv": [command, f"--db={db_path}", *rest], "lang": "id", "cwd": os.getcwd(),
            "files": {}, **extra}  # fmt: skip


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def _copy(db: Database, folder: Path) -> Path:
    """The database as it stands, for a direct run (this process holds it read-write, and
    DuckDB opens a file in one process with one configuration only)."""
    db.con.execute("CHECKPOINT")
    copy = folder / "kembar.duckdb"
    shutil.copy(db.path, copy)
    return copy


@pytest.fixture
def token(db: Database) -> str:
    return ops_tokens.create_token(db, _user(db, Role.ADMIN), label="impor malam", now=NOW)


@pytest.mark.usefixtures("app_env")
def test_a_command_handed_over_prints_what_a_direct_run_prints_and_is_audited(
    db: Database, db_path: Path, token: str, tmp_path: Path
):
    reply = _client().post_json("/ops/command", _body(db_path, "summary", "--json"),
                                headers=_bearer(token))  # fmt: skip
    assert reply.status_code == 200, reply.text
    handed = json.loads(reply.text)
    direct = run_cli("summary", "--json", db=str(_copy(db, tmp_path)))
    assert (handed["exit"], handed["stdout"], handed["stderr"], handed["files"]) == (
        direct.returncode, direct.stdout, direct.stderr, {})  # fmt: skip
    (audited,) = _rows(db, "SELECT actor, new_value FROM audit_log WHERE action = 'ops.command'")
    assert audited[0] == "token:impor malam"
    assert json.loads(audited[1])["argv"][0] == "summary"
    assert _rows(db, "SELECT last_used_at IS NOT NULL FROM ops_token") == [(True,)]


@pytest.mark.usefixtures("app_env")
def test_the_command_endpoint_refuses_a_wrong_or_revoked_token(
    db: Database, db_path: Path, token: str
):
    body = _body(db_path, "summary", "--json")
    for sent in ({}, _bearer(""), _bearer(token[:-1]), {"authorization": f"Basic {token}"}):
        refused = _client().post_json("/ops/command", body, headers=sent)
        assert (refused.status_code, refused.text) == (401, "")
    ops_tokens.revoke_token(db, _user(db, Role.ADMIN), token_id=1, now=NOW)
    revoked = _client().post_json("/ops/command", body, headers=_bearer(token))
    assert revoked.status_code == 401
    assert _rows(db, "SELECT count(*) FROM audit_log WHERE action = 'ops.command'") == [(0,)]


@pytest.mark.usefixtures("app_env")
def test_the_command_endpoint_refuses_another_machine_without_a_word(
    db: Database, db_path: Path, token: str, monkeypatch
):
    monkeypatch.delenv("DUMAS_OPS_REMOTE", raising=False)
    refused = _client(peer="10.0.0.7").post_json(
        "/ops/command", _body(db_path, "summary"), headers=_bearer(token)
    )
    assert (refused.status_code, refused.text) == (403, "")
    relayed_by_a_proxy = {**_bearer(token), "x-forwarded-for": "203.0.113.9"}
    relayed = _client().post_json("/ops/command", _body(db_path, "summary"),
                                  headers=relayed_by_a_proxy)  # fmt: skip
    assert (relayed.status_code, relayed.text) == (403, "")


@pytest.mark.usefixtures("app_env")
@pytest.mark.parametrize(
    "argv",
    [("init",), ("demo", "--complaints=5"), ("restore", "cadangan.duckdb"), ("bench",)],
)
def test_the_command_endpoint_refuses_the_commands_it_does_not_run(
    db: Database, db_path: Path, token: str, argv: tuple[str, ...]
):
    refused = _client().post_json("/ops/command", _body(db_path, *argv), headers=_bearer(token))
    assert refused.status_code == 400
    said = json.loads(refused.text)["error"]
    assert said == (f"Perintah {argv[0]} tidak diteruskan ke aplikasi; yang diteruskan hanya "
                    "import, report, summary, backup, digest.")  # fmt: skip
    assert _rows(db, "SELECT count(*) FROM audit_log WHERE action = 'ops.command'") == [(0,)]


@pytest.mark.usefixtures("app_env")
def test_the_command_endpoint_refuses_what_is_no_command_and_another_database(
    db: Database, db_path: Path, token: str, tmp_path: Path
):
    client, headers = _client(), _bearer(token)
    bad = [
        {"argv": "summary", "cwd": os.getcwd()},
        {"argv": [], "cwd": os.getcwd()},
        _body(db_path, "summary", cwd="relatif"),
        _body(db_path, "import", "--", "a.xlsx", files={"a.xlsx": "bukan base64!"}),
        _body(db_path, "summary", "--help"),
        _body(db_path, "report", "--period=2026-05", "--tidak-ada"),
    ]
    for body in bad:
        assert client.post_json("/ops/command", body, headers=headers).status_code == 400, body
    other = tmp_path / "lain.duckdb"
    other.write_bytes(b"")
    elsewhere = client.post_json("/ops/command", _body(other, "summary"), headers=headers)
    assert elsewhere.status_code == 409
    assert json.loads(elsewhere.text)["error"].startswith("Aplikasi ini melayani basis data lain")
    assert _rows(db, "SELECT count(*) FROM audit_log WHERE action = 'ops.command'") == [(0,)]


@pytest.mark.usefixtures("app_env")
def test_a_command_that_fails_in_the_app_answers_with_a_code_the_log_has(
    db_path: Path, token: str, monkeypatch, caplog
):
    from dumas import __main__ as commands

    def broken(args: argparse.Namespace, console: Console) -> int:
        raise RuntimeError("rusak di tengah jalan")

    monkeypatch.setitem(commands.COMMANDS, "summary", broken)
    reply = _client().post_json("/ops/command", _body(db_path, "summary"), headers=_bearer(token))
    assert reply.status_code == 500
    said = json.loads(reply.text)["error"]
    code = said.rsplit("kode ", 1)[1].rstrip(".")
    assert said.startswith("Perintah gagal di aplikasi") and "rusak" not in said
    assert f"[{code}]" in caplog.text and "rusak di tengah jalan" in caplog.text


# The command line's side (no app: what it sends, and its one-line refusals)


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


def test_the_command_line_sends_its_options_spelled_out_and_the_file_by_its_bytes(
    tmp_path: Path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    Path("-rekap.xlsx").write_bytes(b"isi berkas")
    monkeypatch.setenv("DUMAS_BACKUP_DIR", "cadangan")
    sent = handover.request(_args("import", "--db", "x.duckdb", "--sheet=-Rekap", "--skip-invalid",
                                  "--rejects", "out/tolak.xlsx", "--", "-rekap.xlsx"))  # fmt: skip
    assert sent["cwd"] == str(tmp_path)
    assert sent["files"] == {"-rekap.xlsx": base64.b64encode(b"isi berkas").decode()}
    again = build_parser().parse_args(sent["argv"])  # the app parses it back to the same command
    assert (again.file, again.sheet, again.rejects, again.skip_invalid, again.dry_run) == (
        "-rekap.xlsx", "-Rekap", "out/tolak.xlsx", True, False)  # fmt: skip
    assert again.db == str(tmp_path / "x.duckdb")
    backup = build_parser().parse_args(handover.request(_args("backup"))["argv"])
    assert backup.to == "cadangan"  # the folder a direct run would use, as the user sees it
    asked = _args("report", "--period", "2026-05", "--xlsx", "r.xlsx", "--final")
    report = build_parser().parse_args(handover.request(asked)["argv"])
    assert (report.period, report.xlsx, report.docx, report.final) == (
        "2026-05", "r.xlsx", None, True)  # fmt: skip


def _hand_over(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = handover.hand_over(_args(*argv), "/srv/dumas.duckdb", Console(out, err))
    return code, out.getvalue(), err.getvalue()


def test_without_a_token_the_command_line_says_how_to_get_one(monkeypatch):
    for name in ("DUMAS_OPS_TOKEN", "DUMAS_OPS_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    code, out, err = _hand_over("summary", "--lang", "en")
    assert (code, out) == (3, "")
    assert err.startswith("The database /srv/dumas.duckdb is in use by another process")
    assert "an Administrator creates one on Import and export data → Backups" in err
    assert len(err.strip().splitlines()) == 1
    init = _hand_over("init")  # not handed over: the busy message of before
    assert init[0] == 3 and "token" not in init[2]


def test_an_unreadable_token_file_or_an_unreachable_app_ends_in_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv("DUMAS_OPS_TOKEN", raising=False)
    code, _, err = _hand_over("summary", "--token-file", str(tmp_path / "tidak-ada"))
    assert code == 3
    assert (
        err
        == f"Berkas token {tmp_path / 'tidak-ada'} tidak dapat dibaca: No such file or directory.\n"
    )
    (tmp_path / "token").write_text("rahasia\n")
    monkeypatch.setenv("DUMAS_OPS_TOKEN_FILE", str(tmp_path / "token"))
    monkeypatch.setenv("DUMAS_APP_URL", "http://127.0.0.1:9")  # the discard port: nobody
    code, out, err = _hand_over("summary")
    assert (code, out) == (3, "")
    assert err.startswith("Aplikasi di http://127.0.0.1:9 tidak dapat dihubungi (")
    assert len(err.splitlines()) == 1


# The page


@pytest.mark.usefixtures("app_env")
def test_an_administrator_creates_a_token_on_the_backup_tab_and_sees_it_once(db: Database):
    at = open_page(Role.ADMIN, "pages/import_data.py")
    at.text_input(key="ops_token_label").input("impor malam")
    at.button(key="ops_token_create").click().run()
    assert not at.exception, at.exception
    shown = [c.value for c in at.code]
    (stored,) = _rows(db, "SELECT token_hash FROM ops_token")
    assert len(shown) == 1 and ops_tokens.digest(shown[0]) == stored[0]
    assert "Token impor malam dibuat." in at.success[0].value
    assert "--token-file" in "".join(m.value for m in at.markdown)
    assert at.dataframe[-1].value["label"].tolist() == ["impor malam"]
    at.run()
    assert [c.value for c in at.code] == []  # shown once: it is nowhere to be read again


@pytest.mark.usefixtures("app_env")
def test_an_administrator_revokes_a_token_from_the_page(db: Database, token: str):
    at = open_page(Role.ADMIN, "pages/import_data.py")
    at.selectbox(key="ops_token_revoke").select(1).run()
    at.button(key="ops_token_revoke_button").click().run()
    assert not at.exception, at.exception
    assert any("Token impor malam dicabut" in s.value for s in at.success)
    with db.reading() as cur:
        assert ops_tokens.verify(cur, token) is None


@pytest.mark.usefixtures("app_env")
def test_a_role_without_the_permission_does_not_see_the_token_section():
    at = open_page(Role.ANALIS, "pages/import_data.py")
    assert not at.exception, at.exception
    assert [w.key for w in at.text_input if w.key == "ops_token_label"] == []
    assert all("Token baris perintah" not in h.value for h in at.subheader)
