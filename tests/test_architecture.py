"""Completeness: the core stays free of Streamlit, and every message used exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from dumas import i18n
from dumas.config import ROOT

CORE = [p for p in (ROOT / "dumas").rglob("*.py") if p.relative_to(ROOT).parts[1] != "ui"]
UI_AND_PAGES = [
    *(ROOT / "dumas" / "ui").rglob("*.py"),
    *(ROOT / "pages").glob("*.py"),
    ROOT / "app.py",
]
_KEY_CALL = re.compile(r"""(?:\bt|i18n\.t|Message)\(\s*["']([a-z0-9_]+\.[a-z0-9_.]+)["']""")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_core_never_imports_streamlit():
    offenders = [p.name for p in CORE if "streamlit" in _imports(p)]
    assert CORE and offenders == []


def test_every_literal_message_id_in_the_code_exists_in_both_languages():
    used = set()
    for path in [*CORE, *UI_AND_PAGES]:
        used.update(_KEY_CALL.findall(path.read_text(encoding="utf-8")))
    assert len(used) > 50
    for lang in i18n.LANGUAGES:
        assert sorted(used - set(i18n.MESSAGES[lang])) == []


def test_every_code_with_a_generated_message_id_has_its_message():
    from dumas.domain.codes import Channel, ReminderKind
    from dumas.queries.filters import AGE_BUCKETS, RESPONSE_FILTERS
    from dumas.queries.followup import SORT_COLUMNS

    reminder_kinds = tuple(ReminderKind)
    generated = [
        *(f"channel.{c}" for c in Channel),
        *(f"bucket.{b}" for b in AGE_BUCKETS),
        *(f"status.{s}" for s in RESPONSE_FILTERS),
        *(f"sort.{c}" for c in SORT_COLUMNS),
        *(f"reminder.{k}" for k in reminder_kinds),
        *(f"event.{k}" for k in ("forwarding", "response", *reminder_kinds)),
        *(f"followup.view_{v}" for v in ("list", "charts", "agencies")),
        *(f"list.scope_{v}" for v in ("lacking", "all")),
        *(f"chart.by_{d}" for d in ("bucket", "province", "category")),
        *(f"kpi.over_{d}" for d in (14, 30, 60)),
    ]
    for lang in i18n.LANGUAGES:
        assert [k for k in generated if k not in i18n.MESSAGES[lang]] == []


def test_every_form_field_named_in_an_error_has_a_label():
    fields = set()
    for path in CORE:
        fields.update(re.findall(r'Message\([^)]*?,\s*"([a-z_]+)"\)', path.read_text()))
        validators = r'(?:clean_letter_no|check_date|clean_text)\([^,]+,\s*"([a-z_]+)"'
        fields.update(re.findall(validators, path.read_text()))
    assert {"letter_no", "received_on", "summary", "agency"} <= fields
    for lang in i18n.LANGUAGES:
        assert sorted(f for f in fields if f"field.{f}" not in i18n.MESSAGES[lang]) == []


def test_nothing_in_the_app_edits_or_deletes_audit_rows():
    pattern = re.compile(
        r"(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|\bTRUNCATE\b|DROP\s+TABLE)", re.I
    )
    sources = [*CORE, *UI_AND_PAGES, ROOT / "server.py", ROOT / "dumas" / "db" / "schema.sql"]
    offenders = [p.name for p in sources if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    inserts = [p for p in CORE if "INSERT INTO audit_log" in p.read_text(encoding="utf-8")]
    assert inserts  # the audit trail is only ever appended to
