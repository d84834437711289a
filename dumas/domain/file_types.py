"""What an uploaded file is, read from its bytes, and the names it may be shown and saved by.

The type is decided by the content, never by the name: a PDF starts with `%PDF-`, a PNG
with its eight-byte signature and IHDR chunk, a JPEG with FF D8 FF; a .docx or .xlsx is a
zip whose `[Content_Types].xml` declares the main part of a Word document or an Excel
workbook, and that part is in the zip. A macro-enabled document or workbook (.docm,
.xlsm: a macroEnabled main part or a vbaProject part), a template, and any other zip are
refused. The name the user's computer gave the file is kept for display only: cleaned
here of folders, control and direction characters, and never used as a path.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from xml.etree import ElementTree

from dumas.domain.codes import MediaType
from dumas.domain.text import BIDI_CONTROL

EXTENSIONS = {
    MediaType.PDF: "pdf",
    MediaType.JPEG: "jpg",
    MediaType.PNG: "png",
    MediaType.DOCX: "docx",
    MediaType.XLSX: "xlsx",
}
IMAGES = frozenset({MediaType.JPEG, MediaType.PNG})  # shown on the page (st.image)
_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (
        MediaType.DOCX
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (MediaType.XLSX),
}
_MACROS = re.compile(r"macroEnabled|vbaProject|vbaData|ms-office\.activeX", re.IGNORECASE)
_PNG = b"\x89PNG\r\n\x1a\n"
_ZIP = b"PK\x03\x04"
_MAX_MEMBERS = 10_000  # parts of one document: far above any real one
_MAX_TYPES_BYTES = 1 << 20  # [Content_Types].xml
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
MAX_NAME = 120  # characters of a shown name
_UNSAFE_IN_NAME = re.compile(r'[<>:"/\\|?*]')  # not in a file name on Windows, nor quoted


class NotAccepted(Exception):
    """The bytes are none of the accepted types; `reason` says why ("type" or "macros")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sniff(data: bytes) -> MediaType:
    """The file's type by its content; NotAccepted when it is none of the accepted ones."""
    if data.startswith(b"%PDF-"):
        return MediaType.PDF
    if data.startswith(_PNG) and data[12:16] == b"IHDR":
        return MediaType.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return MediaType.JPEG
    if data.startswith(_ZIP):
        return _office(data)
    raise NotAccepted("type")


def _office(data: bytes) -> MediaType:
    """A Word document or an Excel workbook without macros, by its declared main part."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = package.namelist()
        if len(names) > _MAX_MEMBERS:
            raise NotAccepted("type")
        declared = _content_types(package)
    except NotAccepted:
        raise
    except Exception as exc:  # a damaged zip fails in many ways; all mean "not a document"
        raise NotAccepted("type") from exc
    if any(_MACROS.search(value) for value in (*declared.values(), *names)):
        raise NotAccepted("macros")
    found = {
        _MAIN_PARTS[kind]
        for part, kind in declared.items()
        if kind in _MAIN_PARTS and part.lstrip("/") in names
    }
    if len(found) != 1:
        raise NotAccepted("type")
    return found.pop()


def _content_types(package: zipfile.ZipFile) -> dict[str, str]:
    """Each declared part (an Override's PartName, a Default's `*.ext`) and its type."""
    with package.open("[Content_Types].xml") as part:
        text = part.read(_MAX_TYPES_BYTES + 1)
    if len(text) > _MAX_TYPES_BYTES or _DTD.search(text):
        raise NotAccepted("type")
    declared = {}
    for element in ElementTree.fromstring(text):  # noqa: S314 - no DTD, no entities to expand
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "Override":
            declared[element.get("PartName", "")] = element.get("ContentType", "")
        elif tag == "Default":
            declared["*." + element.get("Extension", "")] = element.get("ContentType", "")
    return declared


def display_name(name: str | None, media_type: MediaType | None = None) -> str:
    """The uploaded name as it may be shown: its last path segment, without control or
    direction characters, spaces collapsed, at most MAX_NAME characters (the extension
    kept); a name left empty becomes `berkas.<type>`."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[/\\]", text)[-1]
    text = BIDI_CONTROL.sub("", text)
    text = "".join(" " if unicodedata.category(ch).startswith("C") else ch for ch in text)
    text = " ".join(text.split()).strip(" .")
    if not text:
        return f"berkas.{EXTENSIONS[media_type]}" if media_type else "berkas"
    if len(text) > MAX_NAME:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 5:
            text = stem[: MAX_NAME - len(extension) - 1].rstrip() + "." + extension
        else:
            text = text[:MAX_NAME].rstrip()
    return text


def download_name(shown: str, media_type: MediaType) -> str:
    """The name a download is saved under (Content-Disposition): the shown name without
    the characters a file name or a quoted header value cannot hold, ending in the
    extension of its type as the content says, whatever the name said."""
    stem = _UNSAFE_IN_NAME.sub("_", display_name(shown, media_type))
    extension = EXTENSIONS[media_type]
    base, dot, old = stem.rpartition(".")
    if dot and base and old.lower() in {*EXTENSIONS.values(), "jpeg"}:
        stem = base
    return f"{stem.strip(' ._') or 'berkas'}.{extension}"
