"""Files kept with a record (issue 20): attached, stored once per content, opened with an
audit row each time, refused by content, size and role with nothing written, carried by
backups and listed in the whole-database export.

One world is built per module (a complaint with its forwarding letter, reminder and
response, a second complaint, and a direct monitoring of both letters with the analyst on
its team); each test works on its own copy, whose file store starts empty beside it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest

from dumas import config
from dumas.db import Database, blobs, connect
from dumas.db import backup as backups
from dumas.domain import file_types
from dumas.domain.codes import MediaType, RecordKind
from dumas.domain.errors import Conflict, DomainError, NotFound, ValidationError
from dumas.domain.permissions import Forbidden, Role
from dumas.importer import files as exchange
from dumas.queries import attachments as queries
from dumas.services import attachments
from tests import attachment_support as support
from tests.attachment_support import NOW, World
from tests.cli_support import run_cli

world, db_path = support.world, support.db_path  # the fixtures: one world a run

R = RecordKind
scan_pdf, photo_png, _attach = support.scan_pdf, support.photo_png, support.attach


def _ooxml(
    main: str, part: str, extra: dict[str, bytes] | None = None, *, holds_part: bool = True
) -> bytes:
    """A zip declaring one main part of the given content type, as Office writes it (and
    holding that part, unless told not to)."""
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{main}"/></Types>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", types)
        if holds_part:
            package.writestr(part, "<x/>")
        for name, data in (extra or {}).items():
            package.writestr(name, data)
    return out.getvalue()


def _rows(db: Database, sql: str = "SELECT count(*) FROM attachment") -> object:
    return db.cursor().execute(sql).fetchall()[0][0]


def _audits(db: Database, action: str) -> int:
    return _rows(db, f"SELECT count(*) FROM audit_log WHERE action = '{action}'")


def _objects(db: Database) -> list[Path]:
    root = config.files_dir(db.path)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# Round trip


def test_a_scanned_response_is_kept_beside_the_database_and_each_opening_is_audited(
    db: Database, world: World
):
    scan = scan_pdf()
    aid = _attach(db, world.users[Role.ANALIS], R.RESPONSE, world.response, scan, "tanggapan.pdf")
    digest = blobs.digest_of(scan)
    stored = db.path.parent / "files" / digest[:2] / digest[2:]
    assert stored.read_bytes() == scan  # files/ab/cdef… beside the database
    row = db.cursor().execute(
        "SELECT record_kind, record_id, sha256, size, media_type, display_name, uploaded_by"
        " FROM attachment WHERE id = $id", {"id": aid}
    ).fetchall()[0]  # fmt: skip
    analyst = world.users[Role.ANALIS]
    assert row == ("response", world.response, digest, len(scan), "application/pdf",
                   "tanggapan.pdf", analyst.id)  # fmt: skip
    pimpinan = world.users[Role.PIMPINAN]  # reads complaints, may not record letters
    for _ in range(2):
        opened = attachments.open_file(db, pimpinan, aid)
        assert (opened.data, opened.download_name, opened.media_type) == (
            scan, "tanggapan.pdf", MediaType.PDF)  # fmt: skip
    assert (_audits(db, "attachment.add"), _audits(db, "attachment.open")) == (1, 2)
    opened_by = db.cursor().execute(
        "SELECT actor, entity, entity_id, json_extract_string(new_value, '$.sha256')"
        " FROM audit_log WHERE action = 'attachment.open' ORDER BY id LIMIT 1"
    ).fetchall()[0]  # fmt: skip
    assert opened_by == (pimpinan.username, "attachment", str(aid), digest)


def test_the_same_scan_attached_to_two_letters_is_stored_once_under_two_rows(
    db: Database, world: World
):
    scan, analyst = scan_pdf("sama"), world.users[Role.ANALIS]
    first = _attach(db, analyst, R.FORWARDING, world.forwarding, scan, "penerusan.pdf")
    second = _attach(db, analyst, R.REMINDER, world.reminder, scan, "konfirmasi.pdf")
    assert first != second and _rows(db) == 2
    assert _rows(db, "SELECT count(DISTINCT sha256) FROM attachment") == 1
    assert len(_objects(db)) == 1


def test_the_same_file_twice_on_one_record_is_refused(db: Database, world: World):
    scan, analyst = scan_pdf("dua kali"), world.users[Role.ANALIS]
    _attach(db, analyst, R.RESPONSE, world.response, scan, "a.pdf")
    with pytest.raises(Conflict) as refused:
        _attach(db, analyst, R.RESPONSE, world.response, scan, "b.pdf")
    assert refused.value.messages[0].key == "error.attachment_duplicate"
    assert (_rows(db), _audits(db, "attachment.add")) == (1, 1)


# Refusals leave nothing behind


def _refused_without_a_trace(db: Database, error: type[DomainError], key: str, call) -> None:
    before = _rows(db, "SELECT count(*) FROM audit_log")
    with pytest.raises(error) as refused:
        call()
    assert [m.key for m in refused.value.messages] == [key]
    assert (_rows(db), _objects(db)) == (0, [])
    assert _rows(db, "SELECT count(*) FROM audit_log") == before


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (b"<html><script>alert(1)</script></html>", "error.attachment_type"),
        (b"MZ\x90\x00 an executable", "error.attachment_type"),
        (_ooxml("application/vnd.ms-excel.sheet.macroEnabled.main+xml", "xl/workbook.xml"),
         "error.attachment_macros"),
        (b"", "error.attachment_empty"),
    ],
    ids=["html", "exe", "xlsm", "empty"],
)  # fmt: skip
def test_a_file_named_pdf_is_refused_by_its_content_and_nothing_is_written(
    db: Database, world: World, content: bytes, key: str
):
    analyst = world.users[Role.ANALIS]
    _refused_without_a_trace(db, ValidationError, key, lambda: _attach(
        db, analyst, R.RESPONSE, world.response, content, "tanggapan.pdf"))  # fmt: skip


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_written(
    db: Database, world: World, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("DUMAS_ATTACHMENT_MAX_MB", "1")
    big = scan_pdf() + b"\0" * (1 << 20)
    analyst = world.users[Role.ANALIS]
    _refused_without_a_trace(db, ValidationError, "error.attachment_too_large", lambda: _attach(
        db, analyst, R.RESPONSE, world.response, big, "besar.pdf"))  # fmt: skip


@pytest.mark.parametrize("role", [Role.PIMPINAN, Role.PPK, Role.ASDEP, Role.ADMIN])
def test_a_role_that_may_not_record_letters_cannot_attach_and_nothing_is_written(
    db: Database, world: World, role: Role
):
    who = world.users[role]
    _refused_without_a_trace(db, Forbidden, "error.forbidden", lambda: _attach(
        db, who, R.RESPONSE, world.response, scan_pdf(), "tanggapan.pdf"))  # fmt: skip


def test_a_file_for_a_record_that_does_not_exist_is_refused_before_it_is_stored(
    db: Database, world: World
):
    analyst = world.users[Role.ANALIS]
    _refused_without_a_trace(db, NotFound, "error.unknown_record", lambda: _attach(
        db, analyst, R.RESPONSE, 999_999, scan_pdf(), "tanggapan.pdf"))  # fmt: skip


# The complaint itself: the complainant's identity


def test_files_of_the_complaint_itself_open_only_for_roles_that_may_see_the_complainant(
    db: Database, world: World
):
    letter = scan_pdf("Siti Aminah, Jl. Melati 3")
    aid = _attach(db, world.users[Role.ANALIS], R.COMPLAINT, world.complaint, letter,
                  "surat-siti-aminah.pdf")  # fmt: skip
    for role in (Role.PIMPINAN, Role.PPK, Role.BPP):
        with pytest.raises(Forbidden) as refused:
            attachments.open_file(db, world.users[role], aid)
        assert refused.value.messages[0].key == "error.attachment_personal"
    with pytest.raises(Forbidden):  # sees no complaint at all
        attachments.open_file(db, world.users[Role.ADMIN], aid)
    assert _audits(db, "attachment.open") == 0
    for role in (Role.ANALIS, Role.KASUBBID, Role.KABID, Role.ASDEP, Role.DEPUTI):
        assert attachments.open_file(db, world.users[role], aid).data == letter
    assert _audits(db, "attachment.open") == 5


# A monitoring's documents and results


def test_a_monitorings_documents_and_results_take_files_from_its_team_only(
    db: Database, world: World
):
    analyst, mid = world.users[Role.ANALIS], world.monitoring  # the analyst is on the team
    memo = _attach(db, analyst, R.MONITORING_DOCUMENT, mid, scan_pdf("memo"), "memo.pdf",
                   "memo_deputi")  # fmt: skip
    photo = _attach(db, analyst, R.MONITORING_RESULT, mid, photo_png(), "lokasi.png",
                    str(world.forwarding))  # fmt: skip
    listed = queries.of_monitoring(db.cursor(), mid)
    assert list(listed["id"]) == [memo, photo]
    assert list(listed["media_type"]) == ["application/pdf", "image/png"]
    assert attachments.open_file(db, world.users[Role.PPK], photo).data == photo_png()
    with pytest.raises(Forbidden):  # not on the team
        _attach(db, world.users[Role.KASUBBID], R.MONITORING_DOCUMENT, mid, scan_pdf("x"),
                "x.pdf", "surat_tugas")  # fmt: skip
    with pytest.raises(NotFound):  # a letter this monitoring does not clarify
        _attach(db, analyst, R.MONITORING_RESULT, mid, scan_pdf("y"), "y.pdf", "999999")
    with pytest.raises(Conflict):  # the indirect path's files list, on a field visit
        _attach(db, analyst, R.MONITORING_DOCUMENT, mid, scan_pdf("z"), "z.pdf", "daftar_berkas")
    assert _rows(db) == 2


def test_a_file_taken_off_is_neither_listed_nor_opened_and_its_bytes_stay(
    db: Database, world: World
):
    analyst = world.users[Role.ANALIS]
    aid = _attach(db, analyst, R.FORWARDING, world.forwarding, scan_pdf("salah"), "salah.pdf")
    with pytest.raises(Forbidden):
        attachments.remove(db, world.users[Role.PIMPINAN], aid, now=NOW)
    attachments.remove(db, world.users[Role.KASUBBID], aid, now=NOW)
    assert queries.of_complaint(db.cursor(), world.complaint).empty
    with pytest.raises(NotFound):
        attachments.open_file(db, analyst, aid)
    assert len(_objects(db)) == 1 and _audits(db, "attachment.remove") == 1


@pytest.mark.parametrize(
    ("damage", "error", "key"),
    [("altered", Conflict, "error.attachment_damaged"),
     ("missing", NotFound, "error.attachment_missing")],
)  # fmt: skip
def test_a_stored_file_altered_or_lost_is_refused_when_opened(
    db: Database, world: World, damage: str, error: type[DomainError], key: str
):
    analyst = world.users[Role.ANALIS]
    aid = _attach(db, analyst, R.RESPONSE, world.response, scan_pdf(), "tanggapan.pdf")
    (stored,) = _objects(db)
    if damage == "altered":
        stored.write_bytes(stored.read_bytes() + b"%")
    else:
        stored.unlink()
    with pytest.raises(error) as refused:
        attachments.open_file(db, analyst, aid)
    assert refused.value.messages[0].key == key
    assert _audits(db, "attachment.open") == 0


# Types by content, names for display


def _docx() -> bytes:
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Surat Perintah")
    document.save(out)
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (scan_pdf, MediaType.PDF),
        (photo_png, MediaType.PNG),
        (lambda: b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", MediaType.JPEG),
        (_docx, MediaType.DOCX),
        (_xlsx, MediaType.XLSX),
    ],
    ids=["pdf", "png", "jpg", "docx", "xlsx"],
)
def test_each_accepted_type_is_known_by_its_content(build, expected: MediaType):
    assert file_types.sniff(build()) is expected


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (_ooxml("application/vnd.ms-word.document.macroEnabled.main+xml", "word/document.xml"),
         "macros"),
        (_ooxml("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                "word/document.xml", {"word/vbaProject.bin": b"\0"}), "macros"),
        (_ooxml("application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
                "xl/workbook.xml"), "type"),
        (_ooxml("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                "word/document.xml", holds_part=False), "type"),
        (b"PK\x03\x04 not really a zip", "type"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an encrypted or old Office file", "type"),
        (b"GIF89a", "type"),
    ],
    ids=["docm", "docx-with-vba", "xltx", "main-part-absent", "broken-zip", "ole", "gif"],
)  # fmt: skip
def test_macros_templates_and_other_zips_are_refused(content: bytes, reason: str):
    with pytest.raises(file_types.NotAccepted) as refused:
        file_types.sniff(content)
    assert refused.value.reason == reason


def test_the_shown_name_is_cleaned_and_the_download_name_says_the_type_by_content():
    assert file_types.display_name("C:\\Users\\ana\\Scan 01.pdf") == "Scan 01.pdf"
    assert file_types.display_name("../../etc/passwd") == "passwd"
    assert file_types.display_name("surat\u202egpj.exe") == "suratgpj.exe"  # no direction trick
    assert file_types.display_name("a\nb\x00c.pdf") == "a b c.pdf"
    assert file_types.display_name("   ", MediaType.PNG) == "berkas.png"
    long = file_types.display_name("x" * 300 + ".pdf")
    assert len(long) == file_types.MAX_NAME and long.endswith(".pdf")
    assert file_types.download_name('ba"d:na|me;x.pdf', MediaType.PNG) == "ba_d_na_me;x.png"
    assert file_types.download_name("foto", MediaType.JPEG) == "foto.jpg"
    assert file_types.download_name(".hidden", MediaType.PDF) == "hidden.pdf"


# The schema, the export and the backups


def test_migration_0025_adds_the_attachment_table_to_a_database_from_before(db: Database):
    from dumas.db import migrate

    with db.transaction() as cur:
        cur.execute("DROP TABLE attachment")
        cur.execute("DELETE FROM schema_migration WHERE name = '0025_attachments'")
    assert migrate(db) == ["0025_attachments"]
    assert _rows(db) == 0


def test_the_whole_database_export_lists_the_files_and_hides_complaint_file_names_by_role(
    db: Database, world: World
):
    analyst = world.users[Role.ANALIS]
    _attach(db, analyst, R.COMPLAINT, world.complaint, scan_pdf("pengadu"), "surat-siti.pdf")
    _attach(db, analyst, R.RESPONSE, world.response, scan_pdf(), "tanggapan.pdf")
    for role, names in ((Role.KABID, ["surat-siti.pdf", "tanggapan.pdf"]),
                        (Role.ADMIN, [None, "tanggapan.pdf"])):  # fmt: skip
        with db.transaction() as cur:
            data = exchange.export_for(cur, world.users[role], title="Ekspor", generated="")
        book = openpyxl.load_workbook(io.BytesIO(data))
        assert book.sheetnames == ["Data", "Berkas"]
        sheet = book["Berkas"]
        header = [c.value for c in sheet[5]]
        rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(6)]
        assert [r["Nama berkas"] for r in rows] == names
        assert [r["Jenis catatan"] for r in rows] == ["Surat pengaduan", "Tanggapan"]
        assert rows[1]["No Agenda"] == "UJI-0001" and rows[1]["Jenis berkas"] == "PDF"
        digest = rows[1]["SHA-256"]
        assert rows[1]["Letak di folder berkas"] == f"{digest[:2]}/{digest[2:]}"
    audited = db.cursor().execute(
        "SELECT json_extract(new_value, '$.files')::INT FROM audit_log WHERE action = 'data.export'"
    ).fetchall()  # fmt: skip
    assert audited == [(2,), (2,)]


def test_a_backup_carries_the_files_and_a_restore_brings_them_back(
    db: Database, world: World, tmp_path: Path
):
    analyst = world.users[Role.ANALIS]
    scan = scan_pdf()
    aid = _attach(db, analyst, R.RESPONSE, world.response, scan, "tanggapan.pdf")
    _attach(db, analyst, R.FORWARDING, world.forwarding, scan, "penerusan.pdf")  # the same bytes
    _attach(db, analyst, R.MONITORING_RESULT, world.monitoring, photo_png(), "foto.png",
            str(world.other_forwarding))  # fmt: skip
    db.close()  # the command line opens the file itself
    folder = tmp_path / "cadangan"
    taken = run_cli("backup", "--to", str(folder), db=str(db.path))
    assert taken.returncode == 0, taken.stderr
    assert "Berkas terlampir: 2 berkas di" in taken.stdout
    (backup,) = backups.listed(folder)
    manifest = json.loads(Path(f"{backup}.json").read_text())
    assert manifest["files"]["count"] == 2 and manifest["counts"]["attachment"] == 3
    assert len([p for p in backup.with_suffix(".files").rglob("*") if p.is_file()]) == 2
    target = tmp_path / "pulih" / "dumas.duckdb"
    restored = run_cli("restore", str(backup), db=str(target))
    assert restored.returncode == 0, restored.stderr
    assert "files" in restored.stdout
    again = connect(target)
    try:
        opened = attachments.open_file(again, analyst, aid)
        assert opened.data == scan
        assert len(_objects(again)) == 2
    finally:
        again.close()


@pytest.mark.parametrize("damage", ["missing", "altered"])
def test_verify_catches_a_missing_or_altered_file_of_a_backup(
    db: Database, world: World, tmp_path: Path, damage: str
):
    _attach(db, world.users[Role.ANALIS], R.RESPONSE, world.response, scan_pdf(), "t.pdf")
    taken = backups.take(db, tmp_path / "cadangan", NOW)
    (carried,) = [p for p in taken.path.with_suffix(".files").rglob("*") if p.is_file()]
    if damage == "missing":
        carried.unlink()
    else:
        carried.write_bytes(b"%PDF-1.4 something else")
    with pytest.raises(backups.BackupError) as refused:
        backups.verify(taken.path)
    assert refused.value.key == f"backup.error.file_{damage}"
    assert refused.value.params["path"] == carried
    with pytest.raises(backups.BackupError):  # nothing restored from it
        backups.restore(taken.path, tmp_path / "pulih.duckdb")
    assert not (tmp_path / "pulih.duckdb").exists()


def test_a_second_backup_links_the_files_the_first_holds_and_retention_deletes_them(
    db: Database, world: World, tmp_path: Path
):
    _attach(db, world.users[Role.ANALIS], R.RESPONSE, world.response, scan_pdf(), "t.pdf")
    folder = tmp_path / "cadangan"
    first = backups.take(db, folder, NOW - dt.timedelta(days=1))
    second = backups.take(db, folder, NOW)
    (one,), (two,) = ([p for p in b.path.with_suffix(".files").rglob("*") if p.is_file()]
                      for b in (first, second))  # fmt: skip
    assert one.stat().st_ino == two.stat().st_ino  # one copy on the disk, two names
    backups.prune(folder, keep_daily=1, keep_monthly=0)
    assert not first.path.with_suffix(".files").exists() and two.read_bytes() == scan_pdf()
    assert backups.verify(second.path).files["count"] == 1
