"""An e-mail address as typed into a form: trimmed, one address, the shape mail servers
accept. Internationalised addresses (non-ASCII) are refused: the unit's are ASCII."""

from __future__ import annotations

import re

from dumas.domain.errors import Message

MAX_ADDRESS = 254  # RFC 5321's limit on a path
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"[A-Za-z0-9!#$%&'*+/=?^_`{{|}}~.-]{{1,64}}@{_LABEL}(?:\.{_LABEL})+")


def clean_address(value: str | None, field: str, errors: list[Message]) -> str | None:
    """The address (domain in lower case), or None when empty; a malformed one is refused
    with a message on `field`."""
    text = (value or "").strip()
    if not text:
        return None
    local, _, domain = text.rpartition("@")
    if (
        len(text) > MAX_ADDRESS
        or not _ADDRESS.fullmatch(text)
        or local.startswith(".")
        or local.endswith(".")
        or ".." in local
    ):
        errors.append(Message("error.email", {}, field))
        return None
    return f"{local}@{domain.lower()}"
