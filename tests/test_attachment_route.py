"""An attached file opened in a tab of its own (`/berkas/<id>`, dumas.ui.routes): a PDF or an
image shown by the browser itself, for a signed-in user whose role may open it, through the
service that checks and audits every opening; a policy with no script on that tab."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from starlette.applications import Starlette

from dumas.domain.codes import RecordKind as R
from dumas.domain.permissions import Role
from dumas.services import auth
from dumas.ui import routes, state
from dumas.ui.auth_gate import COOKIE, now, secret
from dumas.ui.http_security import FILE_POLICY
from tests import attachment_support as support
from tests.asgi_support import Client
from tests.attachment_support import World, attach, scan_pdf

world, db_path = support.world, support.db_path  # the fixtures: one world a run
pytestmark = pytest.mark.usefixtures("app_env")


def _client(world: World, role: Role | None) -> Client:
    """The routes as server.py serves them, with this role's session cookie (None: none)."""
    client = Client(Starlette(routes=routes.ROUTES, middleware=routes.MIDDLEWARE))
    if role is not None:
        with state.get_db().transaction() as cur:
            token = auth.new_session(cur, world.users[role].id, now(), "")
        client.cookies[COOKIE] = auth.cookie_value(token, secret())
    return client


def _opened(attachment_id: int) -> int:
    sql = "SELECT count(*) FROM audit_log WHERE action = 'attachment.open' AND entity_id = $id"
    return state.get_db().cursor().execute(sql, {"id": str(attachment_id)}).fetchall()[0][0]


def test_a_scanned_response_opens_inline_as_the_same_pdf_and_the_opening_is_audited(
    world: World, db_path: Path
):
    scan = scan_pdf("dibuka di tab")
    aid = attach(state.get_db(), world.users[Role.ANALIS], R.RESPONSE, world.response, scan,
                 "Tanggapan Kemendagri.pdf")  # fmt: skip
    reply = _client(world, Role.ANALIS).get(f"/berkas/{aid}")
    assert reply.status_code == 200
    assert reply.content == scan
    assert reply.headers["content-type"] == "application/pdf"
    assert reply.headers["content-disposition"] == (
        "inline; filename*=UTF-8''Tanggapan%20Kemendagri.pdf"
    )
    assert reply.headers["content-security-policy"] == FILE_POLICY
    assert "script-src" not in FILE_POLICY and "frame-ancestors 'none'" in FILE_POLICY
    assert "no-store" in reply.headers["cache-control"]
    assert _opened(aid) == 1


def test_an_office_file_is_saved_not_shown(world: World, db_path: Path):
    out = io.BytesIO()
    docx.Document().save(out)
    aid = attach(state.get_db(), world.users[Role.ANALIS], R.FORWARDING, world.forwarding,
                 out.getvalue(), "surat.docx")  # fmt: skip
    reply = _client(world, Role.ANALIS).get(f"/berkas/{aid}")
    assert reply.status_code == 200
    assert reply.headers["content-disposition"].startswith("attachment; ")


def test_without_a_session_the_file_is_not_sent_and_the_browser_goes_to_sign_in(
    world: World, db_path: Path
):
    aid = attach(state.get_db(), world.users[Role.ANALIS], R.RESPONSE, world.response,
                 scan_pdf("tanpa sesi"), "tanggapan.pdf")  # fmt: skip
    reply = _client(world, None).get(f"/berkas/{aid}")
    assert (reply.status_code, reply.headers["location"], reply.content) == (303, "/", b"")
    assert _opened(aid) == 0


def test_a_role_that_may_not_see_the_complainant_is_refused_the_complaints_own_file(
    world: World, db_path: Path
):
    aid = attach(state.get_db(), world.users[Role.ANALIS], R.COMPLAINT, world.complaint,
                 scan_pdf("surat pengadu"), "surat pengadu.pdf")  # fmt: skip
    reply = _client(world, Role.PIMPINAN).get(f"/berkas/{aid}")
    assert reply.status_code == 403
    assert "%PDF" not in reply.text and reply.text  # a sentence, not the file
    assert _opened(aid) == 0
    assert _client(world, Role.ANALIS).get(f"/berkas/{aid}").status_code == 200


def test_a_file_that_does_not_exist_is_not_found(world: World, db_path: Path):
    reply = _client(world, Role.ANALIS).get("/berkas/987654")
    assert reply.status_code == 404
