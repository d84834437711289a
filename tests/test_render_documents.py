"""The monitoring documents as printed: LibreOffice to PDF, the pages read back.

One batch per module (one LibreOffice start); the realistic monitoring of tests/realistic.py.
"""

from __future__ import annotations

import pytest

from dumas.render.documents import DRAFTS
from tests.realistic import ON, monitoring, settings
from tests.render_support import Pdf, render, to_pdf

pytestmark = render


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pdf]:
    """Every draft of the realistic monitoring, printed."""
    files = {f"{kind}.docx": build(settings(), monitoring(), ON) for kind, build in DRAFTS.items()}
    return to_pdf(files, tmp_path_factory.mktemp("documents"))


@pytest.mark.parametrize("kind", sorted(DRAFTS))
def test_every_monitoring_document_prints_with_the_letterhead_on_its_first_page(
    printed: dict[str, Pdf], kind: str
):
    pdf = printed[kind]
    assert pdf.page_of("KEMENTERIAN SEKRETARIAT NEGARA REPUBLIK INDONESIA") == 0
    assert len(pdf.pages) >= 1
