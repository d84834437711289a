"""Rules every typed or imported text follows, whatever field it lands in."""

from __future__ import annotations

import re

# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069):
# invisible, they make a text read otherwise than it is stored ("gpj.exe" shows as
# "exe.jpg"), so a name or a number could pass for another. Refused in every field.
# The plain marks U+200E/U+200F are left alone: they come with pasted Arabic script.
BIDI_CONTROL = re.compile("[\u202a-\u202e\u2066-\u2069]")
