"""Header matching: the file's column headings mapped to the import's fields."""

from __future__ import annotations

import re
from collections.abc import Mapping

from dumas.importer.model import CANONICAL, REQUIRED_COLUMNS, ImportFileError

_WORD = re.compile(r"[^\W_]+")
# Words that mean the same inside any header: "Tgl" is "Tanggal", "Nomor"/"No." are "No",
# "Srt" is "Surat", "Kab." is "Kabupaten", "TL" is "Tindak Lanjut".
_WORD_ALIASES = {
    "tgl": "tanggal",
    "nomor": "no",
    "nmr": "no",
    "srt": "surat",
    "kab": "kabupaten",
    "prov": "provinsi",
    "ket": "keterangan",
    "tl": "tindaklanjut",
}
# Other headings that clerks use for a field (matched like the canonical ones). Left out on
# purpose, as they could mean two fields: "Tanggal", "Masalah", "Keterangan", "No" alone.
_ALIASES: dict[str, tuple[str, ...]] = {
    "agenda_no": ("Agenda",),
    "received_on": ("Tanggal Agenda", "Tanggal Terima", "Tanggal Masuk", "Tanggal Penerimaan"),
    "complainant_name": ("Nama Pengadu", "Nama Pelapor", "Nama", "Pelapor"),
    "channel": ("Saluran Pengaduan", "Media", "Media Pengaduan"),
    "regency": ("Kabupaten", "Kota"),
    "reported_agency": ("Terlapor", "Pihak Terlapor", "Instansi Dilaporkan"),
    "problem_code": ("Kode", "Kode Permasalahan"),
    "category": ("Kategori Masalah", "Kategori Permasalahan", "Kategori Pengaduan"),
    "summary": (
        "Perihal",
        "Substansi",
        "Uraian",
        "Uraian Masalah",
        "Uraian Pengaduan",
        "Ringkasan Masalah",
        "Ringkasan Pengaduan",
        "Isi Pengaduan",
        "Pokok Masalah",
    ),
    # "Instansi" alone is where the letter went, not the agency complained about.
    "agency": ("Instansi", "Instansi Terkait", "Ditujukan Kepada", "Diteruskan Kepada"),
    # "Surat" alone is the unit's own letter, the forwarding one; the agency's is "Tanggapan".
    "letter_no": ("No Surat", "No Penerusan"),
    "letter_date": ("Tanggal Surat", "Tanggal Penerusan"),
    "response_no": ("No Tanggapan", "No Surat Balasan"),
    "response_date": ("Tanggal Surat Tanggapan", "Tanggal Balasan", "Tanggal Surat Balasan"),
    "response_status": ("Status", "Status Tindak Lanjut"),
    "response_summary": ("Tanggapan", "Isi Tanggapan", "Uraian Tanggapan"),
}
_COUNTER = "no"  # a leading row-counter column: "No", "No." or "Nomor" alone


def _part_keys(text: object) -> list[str]:
    """The key of each slash-separated part of a heading ("Kab./Kota": kabupaten, kota)."""
    keys = []
    for part in str(text).lower().split("/"):
        key = "".join(_WORD_ALIASES.get(word, word) for word in _WORD.findall(part))
        if key:
            keys.append(key)
    return keys


def header_key(text: object) -> str:
    """Matching key of a heading: case, spaces, line breaks and punctuation ignored, the
    parts of a slashed heading in either order ("Kota/Kab" is "Kabupaten/Kota")."""
    return "".join(sorted(_part_keys(text)))


def _field_by_key() -> dict[str, str]:
    """Heading key -> field, for the canonical headers and their aliases (each key once)."""
    keys = {header_key(header): name for name, header in CANONICAL.items()}
    for name, aliases in _ALIASES.items():
        for alias in aliases:
            key = header_key(alias)
            if keys.setdefault(key, name) != name:
                raise ImportError(f"heading {alias!r} would mean {keys[key]} and {name}")
    for key, name in _grouped_keys().items():
        keys.setdefault(key, name)
    return keys


def _grouped_keys() -> dict[str, str]:
    """Keys of a heading written group title first, as a two-row header combines them:
    "Surat Penerusan" over "No" is "Surat Penerusan No" (No Surat Penerusan), "Tanggapan"
    over "No" is "Tanggapan No" (No Surat Tanggapan). Each known heading's words turned
    round at every point, also without "Surat"; a key two fields would share is left out."""
    headings = [(name, h) for name, h in CANONICAL.items()]
    headings += [(name, h) for name, aliases in _ALIASES.items() for h in aliases]
    found: dict[str, set[str]] = {}
    for name, heading in headings:
        words = [_WORD_ALIASES.get(w, w) for w in _WORD.findall(heading.lower())]
        shorter = [w for w in words if w != "surat"]
        for variant in (words, shorter) if len(shorter) > 1 else (words,):
            for cut in range(1, len(variant)):
                found.setdefault("".join(variant[cut:] + variant[:cut]), set()).add(name)
    return {key: next(iter(names)) for key, names in found.items() if len(names) == 1}


FIELD_BY_KEY = _field_by_key()


def display_header(text: object) -> str:
    """A heading as written, with line breaks and runs of spaces made single spaces."""
    return "" if text is None else " ".join(str(text).split())


def heading_fields(text: object, aliases: Mapping[str, str] | None = None) -> set[str]:
    """The fields a heading names: one, none (unknown), or several (a slashed heading whose
    parts name different fields, "Kode/Kategori"). Built-in names before stored aliases."""
    aliases = aliases or {}
    key = header_key(text)
    found = FIELD_BY_KEY.get(key) or aliases.get(key)
    if found is not None:
        return {found}
    parts = _part_keys(text)
    if len(parts) < 2:
        return set()
    named = [FIELD_BY_KEY.get(part) or aliases.get(part) for part in parts]
    fields = {name for name in named if name is not None}
    if len(fields) == 1 and None not in named:
        return fields  # every part names the same field ("Perihal/Substansi")
    return fields if len(fields) > 1 else set()


def combined_headings(
    top: list[object], sub: list[object], aliases: Mapping[str, str] | None = None
) -> list[str]:
    """One heading per column of a header written over two rows.

    A group title stands above its sub-headings, merged over them (so written in the
    first one's cell only): each sub-heading becomes "Group Sub" ("Surat Penerusan No"),
    or the sub-heading alone when only that names a field. A heading spanning both rows
    is written in the top row only and stays as it is. `aliases` (headings users taught)
    are known headings here too, so "Group Sub" taught once is read as such again.
    """
    group, headings = "", []
    for index in range(max(len(top), len(sub))):
        above = display_header(top[index]) if index < len(top) else ""
        below = display_header(sub[index]) if index < len(sub) else ""
        if above and below:
            group = above
        elif not below:
            group = ""
            headings.append(above)
            continue
        both = f"{group} {below}" if group else below
        known = heading_fields(both, aliases) or not heading_fields(below, aliases)
        headings.append(both if known else below)
    return headings


def count_known(cells: list[object], aliases: Mapping[str, str] | None = None) -> int:
    """How many distinct fields a candidate header row names (ambiguous headings left out)."""
    found = set()
    for cell in cells:
        fields = heading_fields(cell, aliases) if cell is not None else set()
        if len(fields) == 1:
            found |= fields
    return len(found)


def counter_index(headers: list[str]) -> int | None:
    """The index of a leading row-counter column ("No" as the first heading), if any."""
    first = next((i for i, h in enumerate(headers) if header_key(h)), None)
    return first if first is not None and header_key(headers[first]) == _COUNTER else None


def map_columns(
    headers: list[str], aliases: Mapping[str, str] | None = None
) -> tuple[dict[int, str], list[str], list[str]]:
    """(cell index -> field, unknown headings as written, missing required canonical headers).

    `aliases`: heading key -> field, the headings users taught the import (stored in the
    database, read by the caller: this runs in the reader child too).
    """
    columns: dict[int, str] = {}
    seen: dict[str, str] = {}
    unknown: list[str] = []
    counter = counter_index(headers)
    for index, heading in enumerate(headers):
        if index == counter or not header_key(heading):
            continue
        fields = heading_fields(heading, aliases)
        if not fields:
            unknown.append(display_header(heading))
            continue
        if len(fields) > 1:
            names = ", ".join(CANONICAL[name] for name in CANONICAL if name in fields)
            params: dict[str, object] = {"column": display_header(heading), "fields": names}
            raise ImportFileError("import.error.ambiguous_column", params)
        (name,) = fields
        if name in seen:
            raise ImportFileError(
                "import.error.duplicate_column",
                {"column": display_header(heading), "first": seen[name]},
            )
        seen[name] = display_header(heading)
        columns[index] = name
    missing = [CANONICAL[name] for name in REQUIRED_COLUMNS if name not in seen]
    return columns, unknown, missing


def encode_aliases(aliases: Mapping[str, str]) -> str:
    """Stored aliases as one command-line argument for the reader child ("key=field,...");
    keys are letters and digits only, fields are identifiers."""
    return ",".join(f"{key}={name}" for key, name in sorted(aliases.items()) if name in CANONICAL)


def decode_aliases(text: str) -> dict[str, str]:
    """encode_aliases undone; anything not shaped as it writes is left out."""
    pairs = (item.partition("=") for item in text.split(",") if item)
    return {key: name for key, _, name in pairs if key and name in CANONICAL}
