"""Documents and workbooks as printed: converted to PDF by LibreOffice, read back by poppler.

`make test` installs Debian's `libreoffice-writer-nogui`, `libreoffice-calc-nogui`,
`poppler-utils` and `fonts-liberation2` (as it installs Chromium). Tests marked `render`
are skipped, with the reason, only where they could not be installed; `make test-fast`
leaves them out.

`to_pdf` converts a batch of files in one LibreOffice start (about 1.5 s, then a fraction of
a second per file), each batch with its own profile so parallel workers never share one.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

# Every render test carries this: the marker (left out of test-fast) and the skip.
render = [
    pytest.mark.render,
    pytest.mark.skipif(
        not (SOFFICE and PDFTOTEXT),
        reason="LibreOffice or poppler's pdftotext is not installed and could not be: as root, "
        "`make test` runs apt-get install libreoffice-writer-nogui libreoffice-calc-nogui "
        "poppler-utils",
    ),
]


@dataclass(frozen=True)
class Word:
    """One word as printed: its page (0-based), its box in points and its text."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        """The box's height in points: about 1.15 times the font size."""
        return self.y1 - self.y0


@dataclass(frozen=True)
class Pdf:
    """A converted file: its pages' text laid out as printed, and its words with their boxes."""

    path: Path
    pages: list[str]

    @property
    def text(self) -> str:
        return "\n".join(self.pages)

    def lines(self) -> list[str]:
        """Every printed line, with runs of spaces (layout columns) kept."""
        return [line for page in self.pages for line in page.splitlines()]

    def page_of(self, needle: str) -> int:
        """The first page (0-based) whose text holds `needle`, spaces normalised."""
        want = _squash(needle)
        for number, page in enumerate(self.pages):
            if want in _squash(page):
                return number
        raise AssertionError(f"{needle!r} is printed on no page of {self.path.name}")

    def on_one_line(self, value: str) -> bool:
        """Whether `value` is printed whole on one line (a number never wraps)."""
        return any(value in line for line in self.lines())

    def words(self) -> list[Word]:
        """Every word with its box, read by `pdftotext -bbox`."""
        out = subprocess.run(
            [str(PDFTOTEXT), "-bbox", str(self.path), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        words: list[Word] = []
        page = -1
        for line in out.splitlines():
            if "<page " in line:
                page += 1
            found = _WORD.search(line)
            if found:
                x0, y0, x1, y1, text = found.groups()
                words.append(Word(page, float(x0), float(y0), float(x1), float(y1), text))
        return words


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>'
)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@functools.cache
def _arial_or_its_twin() -> None:
    """Arial, or Liberation Sans with its metrics, as on an office computer: the workbooks
    are laid out for it (docs/letters.md); another font prints them wider and smaller."""
    found = subprocess.run(["fc-match", "-f", "%{family}", "Arial"], capture_output=True,
                           text=True, check=False).stdout  # fmt: skip
    if "Arial" not in found and "Liberation Sans" not in found:
        raise AssertionError(
            f"Arial prints as {found or 'nothing'}: install Liberation Sans "
            "(`make system-packages` installs fonts-liberation2)"
        )


def to_pdf(files: Mapping[str, bytes], workdir: Path) -> dict[str, Pdf]:
    """Each file (name with its extension -> bytes) converted to PDF, by name without extension."""
    _arial_or_its_twin()
    source = workdir / "source"
    out = workdir / "pdf"
    source.mkdir(parents=True, exist_ok=True)
    out.mkdir(exist_ok=True)
    paths = []
    for name, data in files.items():
        path = source / name
        path.write_bytes(data)
        paths.append(path)
    profile = (workdir / "profile").resolve().as_uri()
    command = [str(SOFFICE), f"-env:UserInstallation={profile}", "--headless", "--norestore"]
    done = subprocess.run(
        [*command, "--convert-to", "pdf", "--outdir", str(out), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    result: dict[str, Pdf] = {}
    for path in paths:
        pdf = out / f"{path.stem}.pdf"
        if not pdf.exists():
            raise AssertionError(f"LibreOffice did not convert {path.name}: {done.stderr[-2000:]}")
        text = subprocess.run(
            [str(PDFTOTEXT), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        pages = text.split("\f")
        if pages and not pages[-1].strip():
            pages = pages[:-1]
        result[path.stem] = Pdf(pdf, pages)
    return result
