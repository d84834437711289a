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
    return keys


FIELD_BY_KEY = _field_by_key()


def display_header(text: object) -> str:
    """A heading as written, with line breaks and runs of spaces made single spaces."""
    return "" if text is None else " ".join(str(text).split())


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
