"""User text inside Streamlit's Markdown: shown as typed, never as formatting, HTML or a link.

Streamlit renders Markdown in st.markdown, st.caption, the alert boxes, headings, and the
labels of expanders, tabs, metrics, buttons and most widgets. Every value that did not come
from the catalogue goes through plain() before it reaches one of them; the catalogue's own
t() does it for the values it formats. Why each rule is needed (measured in Chromium with
Streamlit 1.67) is in docs/user-text.md.
"""

from __future__ import annotations

import re
import string

# Invisible, zero-width and without a line-break opportunity: it ends a pattern that
# Streamlit matches in the text itself, after backslash escapes have been resolved.
WORD_JOINER = "\u2060"

_PUNCTUATION = frozenset(string.punctuation)  # every character CommonMark lets "\" escape
_SPACES = re.compile(r"[ \t\f\v]+")
_TYPOGRAPHIC = re.compile(r"(?<!\S)(?:<->|->|<-|--|>=|<=|~=)(?!\S)")  # arrows, dash, ≥ ≤ ≈
_JOINS = re.compile(
    r"(?<=:)(?=//)"  # scheme://  (GFM autolink literal)
    r"|(?i:(?<=www))(?=\.)"  # www.x.y   (GFM autolink literal)
    r"|(?<=@)(?=[-\w])"  # a@b.c     (GFM e-mail autolink)
    r"|(?<=:)(?=[\w+-]+:)"  # :smile: :streamlit: :material_x: (emoji, logo, icon)
)
_BLANK_LINE = "&nbsp;"  # a line that is not blank, so the paragraph (or list item) goes on


class Markdown(str):
    """Text that may be handed to a Markdown-rendering element as it is."""

    __slots__ = ()


def plain(value: object) -> Markdown:
    """`value` as Markdown that shows exactly its text: no formatting, HTML, maths, icon,
    emoji or link, and no backslash left to read. Line breaks stay line breaks; runs of
    spaces show as one space, as they would anyway. Already-safe Markdown is kept as it is."""
    if isinstance(value, Markdown):
        return value
    lines = [_line(line) for line in str(value).splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return Markdown("  \n".join(line or _BLANK_LINE for line in lines))


def _line(line: str) -> str:
    line = _SPACES.sub(" ", line).strip()
    line = _TYPOGRAPHIC.sub(lambda m: m[0][0] + WORD_JOINER + m[0][1:], line)
    line = _JOINS.sub(WORD_JOINER, line)
    return "".join("\\" + ch if ch in _PUNCTUATION else ch for ch in line)
