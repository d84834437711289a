"""The app's venv holds what the app imports and no test tools; the tests add the rest."""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions

from dumas.config import ROOT

APP_CODE = [*(ROOT / "dumas").rglob("*.py"), ROOT / "app.py", ROOT / "server.py",
            *(ROOT / "pages").glob("*.py")]  # fmt: skip
TEST_TOOLS = {"pytest", "pytest-xdist", "playwright", "mypy", "ruff", "pandas-stubs", "aiosmtpd"}


def _pins(name: str) -> dict[str, str]:
    """Package (normalised) -> version, of the lines `name==version` in a requirements file."""
    pins = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-r ")):
            continue
        package, _, version = line.partition("==")
        pins[_normal(package)] = version
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_top_names() -> set[str]:
    names = set()
    for path in APP_CODE:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"dumas", "pages", "__future__"}


def test_every_package_the_app_imports_is_pinned_in_requirements_txt():
    runtime = _pins("requirements.txt")
    owners = packages_distributions()
    imported = _imported_top_names()
    assert {"streamlit", "duckdb", "pandas", "docx"} <= imported  # the scan reads the code
    missing = {
        name: owners.get(name)
        for name in imported
        if not any(_normal(d) in runtime for d in owners.get(name, []))
    }
    assert missing == {}


def test_the_test_tools_are_not_in_the_apps_requirements_but_in_the_dev_ones():
    runtime, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert TEST_TOOLS.isdisjoint(runtime)
    assert set(dev) >= TEST_TOOLS
    assert set(runtime).isdisjoint(dev)  # each package pinned once
    assert "-r requirements.txt" in (ROOT / "requirements-dev.txt").read_text(encoding="utf-8")
    # the tests' allocator (installed apart, without its dependency): not in the app's venv
    assert set(_pins("requirements-allocator.txt")) == {"cmeel-mimalloc"}
    assert "cmeel-mimalloc" not in runtime


def test_every_requirement_is_an_exact_pin():
    for name in ("requirements.txt", "requirements-dev.txt", "requirements-allocator.txt"):
        pins = _pins(name)
        assert pins and all(re.fullmatch(r"\d[\w.]*", v) for v in pins.values()), name
