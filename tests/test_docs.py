"""The repository explains itself: its documents' links resolve, and no code points outside it."""

from __future__ import annotations

import re
from pathlib import Path

from dumas.config import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")  # [text](target)
_OUTSIDE = re.compile(r"\.\./shared/|\b(?:FIGURES|LETTERS|DOMAIN|STYLE|STACK)\.md\b")


def _relative_links(document: Path) -> list[str]:
    """Every link target of a Markdown file that is not a URL or an anchor in the page."""
    targets = _LINK.findall(document.read_text(encoding="utf-8"))
    return [t for t in targets if not re.match(r"^(?:[a-z]+:|#)", t)]


def test_every_relative_link_in_the_readme_and_docs_points_to_an_existing_file() -> None:
    broken = [
        f"{document.relative_to(ROOT)}: {target}"
        for document in DOCUMENTS
        for target in _relative_links(document)
        if not (document.parent / target.split("#")[0]).exists()
    ]
    assert len(DOCUMENTS) > 5 and not broken


def test_the_docs_index_lists_every_document_and_decision_record() -> None:
    index = ROOT / "docs" / "README.md"
    listed = {(index.parent / t).resolve() for t in _relative_links(index)}
    documents = {d.resolve() for d in DOCUMENTS if d.parent != ROOT and d != index}
    assert documents and documents <= listed


def test_no_code_or_test_refers_to_documents_outside_the_repository() -> None:
    files = [
        path
        for folder in ("dumas", "pages", "tests")
        for path in (ROOT / folder).rglob("*")
        if path.suffix in {".py", ".sql", ".md"} and path.name != "test_docs.py"
    ]
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [*files, ROOT / "app.py", ROOT / "server.py", *DOCUMENTS]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _OUTSIDE.search(line)
    ]
    assert len(files) > 100 and found == []


def test_the_readmes_configuration_names_every_setting_the_code_reads() -> None:
    """deploy/dumas.env.example is checked likewise by tests/test_deploy.py."""
    read = {
        name
        for path in (ROOT / "dumas").rglob("*.py")
        for name in re.findall(r"""["'](DUMAS_[A-Z_]+)["']""", path.read_text(encoding="utf-8"))
    }
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    assert len(read) > 30 and sorted(n for n in read if n not in section) == []
