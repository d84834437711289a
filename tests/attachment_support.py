"""The world of the attachment tests (services, pages, browser): a complaint with its
forwarding letter, reminder and response, a second complaint, and a direct monitoring of
both letters with the analyst on its team; and the files they attach."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from dumas import config, services
from dumas.db import Database
from dumas.domain.attachments import Record
from dumas.domain.codes import RecordKind
from dumas.domain.permissions import Role, User
from dumas.services import attachments, auth
from tests import monitoring_support as support
from tests.conftest import ANALYST, TODAY, Factory, built_on_template, username
from tests.monitoring_support import people_of

NOW = dt.datetime.combine(TODAY, dt.time(10), config.TIMEZONE)
AGENDA = "UJI-0001"  # the first complaint's agenda number


@dataclasses.dataclass(frozen=True)
class World:
    path: Path
    complaint: int
    forwarding: int
    reminder: int
    response: int
    other_forwarding: int
    monitoring: int
    users: dict[Role, User]


def built(template_db: Path, factory: pytest.TempPathFactory) -> World:
    """Built once per run (conftest.built_once); this worker's copy."""
    path, made = built_on_template(factory, "attachments", template_db, _build)
    return dataclasses.replace(made, path=path)


@pytest.fixture(scope="module")
def world(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> World:
    return built(template_db, tmp_path_factory)


@pytest.fixture
def db_path(world: World, tmp_path: Path) -> Path:
    """This test's own copy of the world (overrides conftest.db_path)."""
    return copy_of(world, tmp_path)


def _build(db: Database, path: Path) -> World:
    make = Factory(db)
    kemendagri = make.agency("Kementerian Dalam Negeri")
    complaint = make.complaint()
    forwarding = make.forward(complaint, kemendagri, dt.date(2026, 3, 2))
    reminder = services.record_reminder(
        db, ANALYST, forwarding_id=forwarding, kind="konfirmasi_1", letter_no="K-1/2026",
        letter_date=dt.date(2026, 3, 30), today=TODAY,
    )  # fmt: skip
    response = make.respond(complaint, kemendagri, dt.date(2026, 4, 6))
    other = make.forward(make.complaint(), kemendagri, dt.date(2026, 3, 9))
    start = NOW - dt.timedelta(days=3)
    mid = support.approved(db, people_of(db), [forwarding, other], direct=True, now=start)
    cur = db.cursor()
    users = {role: _user(cur, role) for role in Role}
    return World(path, complaint, forwarding, reminder, response, other, mid, users)


def _user(cur, role: Role) -> User:
    uid = cur.execute("SELECT id FROM app_user WHERE username = $u", {"u": username(role)})
    return auth.load_user(cur, uid.fetchall()[0][0])


def copy_of(built: World, folder: Path) -> Path:
    """A test's own copy of the world's database (its file store starts empty beside it)."""
    path = folder / "dumas.duckdb"
    shutil.copy(built.path, path)
    return path


@functools.cache  # the PDF carries the moment it was made: one scan per text
def scan_pdf(text: str = "Tanggapan") -> bytes:
    """A scanned letter as a scanner's software saves it: a picture in a real PDF."""
    page = Image.new("L", (120, 160), 255)
    out = io.BytesIO()
    page.save(out, "PDF", resolution=72, title=text)
    return out.getvalue()


def photo_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 160, 90)).save(out, "PNG")
    return out.getvalue()


def attach(db: Database, who: User, kind: RecordKind, rid: int, data: bytes, name: str,
           part: str = "") -> int:  # fmt: skip
    """Through the service, as the page does."""
    upload = attachments.Upload(name, data)
    return attachments.attach(db, who, Record(kind, rid, part), upload, now=NOW)
