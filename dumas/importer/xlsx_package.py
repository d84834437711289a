""".xlsx packages inspected before any reader sees them (runs in the reader child).

A workbook is a zip of XML parts. Before calamine reads one, this module opens the zip
with caps on member count, sizes and compression ratio (zip bombs), finds each sheet's
part through workbook.xml and its relationships, and can rebuild the package with one
part replaced (the trimmed sheet of dumas.importer.xlsx_extent).
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from dumas.importer.model import ImportFileError

MAX_MEMBERS = 5_000  # parts in one package
MAX_PART_BYTES = 512 << 20  # uncompressed size of any one part
MAX_TOTAL_BYTES = 1 << 30  # uncompressed size of all parts together
MAX_RATIO = 250  # uncompressed / compressed, for parts above RATIO_FLOOR
RATIO_FLOOR = 1 << 20  # small parts may compress as well as they like
MAX_XML_BYTES = 16 << 20  # workbook.xml and relationship parts
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # what Excel writes for a password-protected file
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class Sheet:
    """A sheet listed in workbook.xml, with the zip member holding its cells."""

    name: str
    part: str | None
    visible: bool
    worksheet: bool  # a worksheet (not a chart sheet)


def open_package(data: bytes, filename: str) -> zipfile.ZipFile:
    """The zip, refused when it is no workbook, encrypted, or expands beyond the caps."""
    if data.startswith(OLE_MAGIC):
        raise ImportFileError("import.error.encrypted", {"filename": filename})
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except MemoryError:
        raise
    except Exception as exc:  # zipfile fails in many ways on damaged bytes (found by fuzzing)
        raise ImportFileError("import.error.unreadable", {"filename": filename}) from exc
    members = package.infolist()
    total = sum(info.file_size for info in members)
    if len(members) > MAX_MEMBERS or total > MAX_TOTAL_BYTES or any(map(_bomb, members)):
        raise ImportFileError("import.error.zip_bomb", {"filename": filename})
    return package


def _bomb(info: zipfile.ZipInfo) -> bool:
    """A part larger than the cap, or compressed far beyond what XML allows."""
    if info.file_size > MAX_PART_BYTES:
        return True
    return info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size


def read_part(package: zipfile.ZipFile, name: str, limit: int = MAX_XML_BYTES) -> bytes:
    """A part's bytes, refused (ValueError) beyond `limit`."""
    with package.open(name) as part:
        data = part.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{name}: larger than {limit} bytes")
    return data


def sheets(package: zipfile.ZipFile) -> list[Sheet]:
    """The sheets in workbook order; raises KeyError/ValueError/ParseError if unreadable."""
    book_part = _office_document(package)
    book = _parse(package, book_part)
    targets = _relationships(package, book_part)
    found = []
    for element in book.iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
        kind, part = targets.get(rid or "", ("", None))
        found.append(
            Sheet(
                name=element.get("name", ""),
                part=part if part in package.NameToInfo else None,
                visible=element.get("state", "visible") == "visible",
                worksheet=kind == "worksheet",
            )
        )
    return found


def first_sheet(listed: list[Sheet]) -> Sheet | None:
    """The first visible worksheet (what Excel opens on), else the first sheet."""
    for sheet in listed:
        if sheet.worksheet and sheet.visible:
            return sheet
    return listed[0] if listed else None


def shared_strings_part(package: zipfile.ZipFile) -> str | None:
    """The member holding the shared strings table, if the workbook has one."""
    targets = _relationships(package, _office_document(package))
    part = next((p for kind, p in targets.values() if kind == "sharedStrings"), None)
    return part if part in package.NameToInfo else None


def rebuilt(package: zipfile.ZipFile, replaced: dict[str, bytes]) -> bytes:
    """The package with some parts replaced (stored uncompressed: it is read at once)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for info in package.infolist():
            data = replaced[info.filename] if info.filename in replaced else package.read(info)
            out.writestr(info.filename, data)
    return buffer.getvalue()


def _office_document(package: zipfile.ZipFile) -> str:
    """The workbook part named by the package relationships (normally xl/workbook.xml)."""
    if "_rels/.rels" in package.NameToInfo:
        for kind, part in _relationships(package, "").values():
            if kind == "officeDocument" and part in package.NameToInfo:
                return part
    return "xl/workbook.xml"


def _relationships(package: zipfile.ZipFile, source: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type's last word, member path) of a part ('' for the package)."""
    folder, name = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in package.NameToInfo:
        return {}
    targets = {}
    for element in _parse(package, rels).iter():
        if _local(element.tag) == "Relationship" and element.get("TargetMode") != "External":
            target = element.get("Target", "")
            path = target[1:] if target.startswith("/") else posixpath.join(folder, target)
            kind = element.get("Type", "").rsplit("/", 1)[-1]
            targets[element.get("Id", "")] = (kind, posixpath.normpath(path))
    return targets


def _parse(package: zipfile.ZipFile, name: str) -> ElementTree.Element:
    """A small XML part as a tree, refused if it declares a DTD (hence no entity expansion)."""
    data = read_part(package, name)
    if _DTD.search(data):
        raise ValueError(f"{name} declares a DTD")
    return ElementTree.fromstring(data)  # noqa: S314 - no DTD, so no entities to expand


def _local(tag: str) -> str:
    """An XML name without its namespace."""
    return tag.rsplit("}", 1)[-1]
