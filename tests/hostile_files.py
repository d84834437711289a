"""Hostile spreadsheets written byte by byte: stray far cells, false dimensions, zip bombs.

Shared by tests/test_import_hostile.py and the larger run of tests/fuzz_import.py. The
workbooks are assembled from raw XML (inline strings, or a shared strings table), so
that every detail a hostile or careless producer could choose is under the test's control.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from xml.sax.saxutils import escape

from dumas.importer.model import CANONICAL
from dumas.importer.xlsx_trim import column_name

HEADERS = list(CANONICAL.values())
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OLE_HEADER = bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 16 + bytes.fromhex("3e000300feff0900")

Cell = tuple[str, str]  # (reference, text)


def data_rows(count: int, start: int = 1) -> list[list[str]]:
    """Valid rows in the canonical layout, each its own complaint and letter."""
    rows = []
    for n in range(start, start + count):
        values = {
            "agenda_no": f"HST-{n:05d}",
            "received_on": "02/03/2026",
            "complainant_name": "Siti Aminah",
            "channel": "Surat",
            "province": "Jawa Barat",
            "summary": "Jalan desa rusak – mohon perbaikan",
            "agency": "Kementerian Dalam Negeri",
            "letter_no": f"B-{n}/D-4/DM.04.00/03/2026",
            "letter_date": "04/03/2026",
        }
        rows.append([values.get(field, "") for field in CANONICAL])
    return rows


def grid(rows: list[list[str]], first_row: int = 1, empty: bool = False) -> list[Cell]:
    """The cells of rows laid out from A{first_row}, empty ones only if `empty`."""
    return [
        (f"{column_name(c)}{r}", text)
        for r, row in enumerate(rows, start=first_row)
        for c, text in enumerate(row, start=1)
        if empty or text != ""
    ]


def table_cells(rows: int = 3, empty: bool = False) -> list[Cell]:
    """A header row and `rows` valid data rows."""
    return grid([HEADERS, *data_rows(rows)], empty=empty)


def sheet_xml(
    cells: list[Cell],
    *,
    dimension: str | None = "auto",
    prefix: str = "",
    shared: list[str] | None = None,
    refs: bool = True,
) -> bytes:
    """A worksheet part. dimension "auto" declares the cells' true extent; None leaves it
    out. With `shared`, texts go to that shared strings list (by index); else inline."""
    p = f"{prefix}:" if prefix else ""
    by_row: dict[int, list[Cell]] = {}
    for ref, text in cells:
        by_row.setdefault(_row_of(ref), []).append((ref, text))
    if dimension == "auto":
        dimension = f"A1:{_last(cells)}" if cells else "A1"
    xmlns = f'xmlns:{prefix}="{MAIN_NS}"' if prefix else f'xmlns="{MAIN_NS}"'
    parts = [f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {xmlns}>']
    if dimension:
        parts.append(f'<{p}dimension ref="{dimension}"/>')
    parts.append(f"<{p}sheetData>")
    for number in sorted(by_row):
        cells_xml = "".join(_cell(ref, text, p, shared, refs) for ref, text in by_row[number])
        parts.append(f'<{p}row r="{number}">{cells_xml}</{p}row>')
    parts.append(f"</{p}sheetData></{p}worksheet>")
    return "".join(parts).encode()


def workbook(
    sheet: bytes,
    *,
    shared: list[str] | None = None,
    extra: dict[str, bytes] | None = None,
    sheet_name: str = "Data",
) -> bytes:
    """A minimal package around one worksheet part."""
    rels = [("rId1", "worksheet", "worksheets/sheet1.xml")]
    if shared is not None:
        rels.append(("rId2", "sharedStrings", "sharedStrings.xml"))
    parts = {
        "[Content_Types].xml": _content_types(shared is not None),
        "_rels/.rels": _rels([("rId1", "officeDocument", "xl/workbook.xml")]),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" '
            f'xmlns:r="{REL_NS}"><sheets><sheet name="{escape(sheet_name)}" sheetId="1" '
            f'r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": _rels(rels),
        "xl/worksheets/sheet1.xml": sheet,
        **({"xl/sharedStrings.xml": shared_strings_xml(shared)} if shared is not None else {}),
        **(extra or {}),
    }
    return zipped(parts)


def xlsx(cells: list[Cell], *, shared: bool = False, **sheet_options: object) -> bytes:
    """A workbook holding `cells` (inline strings, or a shared strings table)."""
    strings: list[str] | None = [] if shared else None
    return workbook(sheet_xml(cells, shared=strings, **sheet_options), shared=strings)


def shared_strings_xml(strings: list[str]) -> bytes:
    items = "".join(f'<si><t xml:space="preserve">{_text(s)}</t></si>' for s in strings)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">{items}</sst>'
    ).encode()


def zipped(parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def csv_bytes(rows: list[list[str]], encodings: Callable[[int], str] = lambda n: "utf-8") -> bytes:
    """A CSV file, each line (numbered from 1) in the encoding `encodings` gives it."""
    lines = [",".join(f'"{c}"' if "," in c else c for c in row) for row in rows]
    return b"".join((line + "\r\n").encode(encodings(n)) for n, line in enumerate(lines, start=1))


def encrypted_workbook() -> bytes:
    """What Excel writes for a password-protected .xlsx: an OLE compound file."""
    return OLE_HEADER + b"\0" * 480 + "EncryptedPackage".encode("utf-16-le") + bytes(2048)


def zip_bomb(uncompressed: int = 8 << 20) -> bytes:
    """A workbook whose shared strings part expands over a thousand times."""
    padding = b"<!-- " + b" " * uncompressed + b" -->"
    return workbook(
        sheet_xml(table_cells(1)),
        extra={"xl/sharedStrings.xml": b'<sst xmlns="' + MAIN_NS.encode() + b'">' + padding},
    )


TABLES = ("complaint", "forwarding", "response", "reminder", "agency", "letter_fact", "audit_log")


def fingerprint(db) -> dict[str, tuple]:
    """Row count and a hash of every row of the tables an import writes."""
    cur = db.cursor()
    try:
        sql = "SELECT count(*), bit_xor(hash(x)) FROM {} x"
        return {table: cur.execute(sql.format(table)).fetchone() for table in TABLES}
    finally:
        cur.close()


def mutated(data: bytes, rng: random.Random, flips: int) -> bytes:
    """The bytes with `flips` random bytes replaced (a damaged copy)."""
    damaged = bytearray(data)
    for _ in range(flips):
        damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    return bytes(damaged)


def _cell(ref: str, text: str, p: str, shared: list[str] | None, refs: bool) -> str:
    r = f' r="{ref}"' if refs else ""
    if shared is not None:
        shared.append(text)
        return f'<{p}c{r} t="s"><{p}v>{len(shared) - 1}</{p}v></{p}c>'
    text = _text(text)
    return f'<{p}c{r} t="inlineStr"><{p}is><{p}t xml:space="preserve">{text}</{p}t></{p}is></{p}c>'


def _text(text: str) -> str:
    """Text for XML, with Excel's _x0000_ escape for control characters."""
    return "".join(
        f"_x{ord(ch):04X}_" if ord(ch) < 32 and ch not in "\t\n" else ch for ch in escape(text)
    )


def _row_of(ref: str) -> int:
    return int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def _last(cells: list[Cell]) -> str:
    from dumas.importer.xlsx_trim import column_number

    rows = max(_row_of(ref) for ref, _ in cells)
    columns = max(column_number(ref.rstrip("0123456789").encode()) for ref, _ in cells)
    return f"{column_name(columns)}{rows}"


def _rels(entries: list[tuple[str, str, str]]) -> bytes:
    kinds = f"{REL_NS}/"
    items = "".join(
        f'<Relationship Id="{rid}" Type="{kinds}{kind}" Target="{target}"/>'
        for rid, kind, target in entries
    )
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    return f'{head}<Relationships xmlns="{PKG_NS}">{items}</Relationships>'.encode()


def _content_types(shared: bool) -> bytes:
    main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = [
        ("/xl/workbook.xml", f"{main}.sheet.main+xml"),
        ("/xl/worksheets/sheet1.xml", f"{main}.worksheet+xml"),
    ]
    if shared:
        overrides.append(("/xl/sharedStrings.xml", f"{main}.sharedStrings+xml"))
    items = "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in overrides)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/>{items}</Types>'
    ).encode()
