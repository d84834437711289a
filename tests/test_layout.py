"""The package layout explains itself: layers at the top, each package saying what it holds."""

from __future__ import annotations

import ast

from dumas.config import ROOT

DUMAS = ROOT / "dumas"
# The top of dumas/ holds the layers (the terminal's `cli` beside the browser's `ui`) and the
# features that cut across them (importer, periodic, mail), nothing else.
TOP_PACKAGES = {
    "bench", "cli", "jobs", "db", "domain", "i18n", "importer", "periodic", "queries", "render",
    "services", "ui", "mail",
}  # fmt: skip
TOP_MODULES = {"__init__.py", "__main__.py", "config.py"}


def test_the_top_of_the_package_holds_only_the_layers():
    packages = {p.name for p in DUMAS.iterdir() if p.is_dir() and p.name != "__pycache__"}
    modules = {p.name for p in DUMAS.iterdir() if p.is_file()}
    assert packages == TOP_PACKAGES
    assert modules == TOP_MODULES


def test_every_package_says_what_it_holds():
    silent = []
    for init in DUMAS.rglob("__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        if not doc or len(doc) < 30:
            silent.append(str(init.relative_to(ROOT)))
    assert len(list(DUMAS.rglob("__init__.py"))) >= len(TOP_PACKAGES)
    assert silent == []


def test_no_module_of_one_package_shares_a_name_with_its_package():
    clashes = [
        str(p.relative_to(ROOT))
        for p in DUMAS.rglob("*.py")
        if p.stem == p.parent.name and p.parent != DUMAS
    ]
    assert clashes == []
