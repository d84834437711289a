"""Header matching: the file's column headings mapped to the import's fields."""

from __future__ import annotations

import re

from dumas.importer.model import CANONICAL, REQUIRED_COLUMNS, ImportFileError

_WORD = re.compile(r"[^\W_]+")
# Words that mean the same inside any header: "Tgl" is "Tanggal", "Nomor"/"No." are "No".
_WORD_ALIASES = {"tgl": "tanggal", "nomor": "no"}
# Other headings that clerks use for a field (matched like the canonical ones).
_ALIASES: dict[str, tuple[str, ...]] = {
    "complainant_name": ("Nama Pengadu", "Nama Pelapor"),
    "summary": ("Perihal", "Substansi"),
    "agency": ("Instansi Terkait", "Ditujukan Kepada"),
    "received_on": ("Tanggal Agenda", "Tanggal Terima"),
    "response_status": ("Status", "Status Tindak Lanjut"),
}
_COUNTER = "no"  # a leading row-counter column: "No", "No." or "Nomor" alone


def header_key(text: object) -> str:
    """Matching key of a heading: case, spaces, line breaks and punctuation ignored."""
    words = _WORD.findall(str(text).lower())
    return "".join(_WORD_ALIASES.get(word, word) for word in words)


def _field_by_key() -> dict[str, str]:
    """Heading key -> field, for the canonical headers and their aliases."""
    keys = {header_key(header): name for name, header in CANONICAL.items()}
    for name, aliases in _ALIASES.items():
        keys.update({header_key(alias): name for alias in aliases})
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


def combined_headings(top: list[object], sub: list[object]) -> list[str]:
    """One heading per column of a header written over two rows.

    A group title stands above its sub-headings, merged over them (so written in the
    first one's cell only): each sub-heading becomes "Group Sub" ("Surat Penerusan No"),
    or the sub-heading alone when only that names a field. A heading spanning both rows
    is written in the top row only and stays as it is.
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
        known = header_key(both) in FIELD_BY_KEY or header_key(below) not in FIELD_BY_KEY
        headings.append(both if known else below)
    return headings


def count_known(cells: list[object]) -> int:
    """How many distinct fields a candidate header row names."""
    return len({FIELD_BY_KEY[k] for k in map(header_key, cells) if k in FIELD_BY_KEY})


def map_columns(headers: list[str]) -> tuple[dict[int, str], list[str], list[str]]:
    """(cell index -> field, unknown headings as written, missing required canonical headers)."""
    columns: dict[int, str] = {}
    seen: dict[str, str] = {}
    unknown: list[str] = []
    first = next((i for i, h in enumerate(headers) if header_key(h)), None)
    for index, heading in enumerate(headers):
        key = header_key(heading)
        if not key or (index == first and key == _COUNTER):
            continue
        name = FIELD_BY_KEY.get(key)
        if name is None:
            unknown.append(display_header(heading))
        elif name in seen:
            raise ImportFileError(
                "import.error.duplicate_column",
                {"column": display_header(heading), "first": seen[name]},
            )
        else:
            seen[name] = display_header(heading)
            columns[index] = name
    missing = [CANONICAL[name] for name in REQUIRED_COLUMNS if name not in seen]
    return columns, unknown, missing
