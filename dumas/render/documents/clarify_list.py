"""The list of files to clarify, prepared for an indirect monitoring (SOP step 4b)."""

from __future__ import annotations

import datetime as dt

from dumas.domain.codes import DocumentKind
from dumas.render.documents.blocks import letters_table
from dumas.render.documents.common import (
    agency,
    as_signer,
    clean,
    date_text,
    issue,
    locus,
    method_phrase,
    team_lead,
)
from dumas.render.documents.docx_tables import label_block
from dumas.render.documents.inputs import DocumentSettings, MonitoringDocument
from dumas.render.documents.layout import (
    new_document,
    para,
    place_and_date,
    signature,
    title,
    to_bytes,
)

KIND = DocumentKind.DAFTAR_BERKAS
TITLE = "DAFTAR BERKAS YANG AKAN DIKLARIFIKASI"
LEAD_TITLE = "Ketua Tim"


def files_to_clarify(
    settings: DocumentSettings, monitoring: MonitoringDocument, on: dt.date
) -> bytes:
    """The agency and plan, the letters to clarify, signed by the team lead."""
    _, on = issue(settings, monitoring, KIND, on)
    doc = new_document(settings)
    title(doc, TITLE)
    plan = f"{clean(monitoring.plan_title)} periode {clean(monitoring.plan_period)}"
    label_block(
        doc,
        [
            ("Instansi", agency(monitoring)),
            ("Lokus", locus(monitoring)),
            ("Rencana", plan),
            ("Metode", f"Pemantauan {method_phrase(monitoring)}"),
        ],
    )
    letters_table(doc, monitoring.letters)
    para(doc)
    place_and_date(doc, settings, date_text(on))
    signature(doc, as_signer(team_lead(monitoring), LEAD_TITLE))
    return to_bytes(doc)
