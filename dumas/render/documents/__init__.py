"""Editable .docx drafts of the official documents of a monitoring (tata naskah dinas).

Pure functions: plain data in (inputs.py), bytes out; no database, no Streamlit. Every monitoring
document is in Indonesian whatever the interface language, and missing values print as
dots for the drafter to fill in by hand. The periodic report (periodic.py) is written in the
language it is given (Indonesian for the official copy).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dumas.domain.codes import DocumentKind
from dumas.periodic.docx import periodic_report_docx
from dumas.render.documents.agency_letter import letter_to_agency
from dumas.render.documents.assignment import assignment_letter
from dumas.render.documents.clarify_list import files_to_clarify
from dumas.render.documents.common import DOTS, letter_number
from dumas.render.documents.finance import financial_report
from dumas.render.documents.inputs import DocumentSettings, MonitoringDocument
from dumas.render.documents.memo_deputi import memo_to_deputi
from dumas.render.documents.substance_report import substance_report
from dumas.render.documents.travel import travel_request_memo

Builder = Callable[[DocumentSettings, MonitoringDocument, dt.date], bytes]

# The document kinds as recorded in monitoring["documents"], each with its builder.
BUILDERS: dict[str, Builder] = {
    DocumentKind.MEMO_DEPUTI: memo_to_deputi,
    DocumentKind.SURAT_TUGAS: assignment_letter,
    DocumentKind.MEMO_KEUANGAN: travel_request_memo,
    DocumentKind.DAFTAR_BERKAS: files_to_clarify,
    DocumentKind.SURAT_INSTANSI: letter_to_agency,
    DocumentKind.LAPORAN_SUBSTANSI: substance_report,
}
# The financial report is a draft only: it has no number, so it is never recorded.
FINANCIAL_REPORT = "laporan_keuangan"  # its label is document.laporan_keuangan

# Every draft the app offers: the recorded kinds and the financial report.
DRAFTS: dict[str, Builder] = {**BUILDERS, FINANCIAL_REPORT: financial_report}

__all__ = [
    "BUILDERS",
    "DOTS",
    "DRAFTS",
    "FINANCIAL_REPORT",
    "assignment_letter",
    "files_to_clarify",
    "financial_report",
    "letter_number",
    "letter_to_agency",
    "memo_to_deputi",
    "periodic_report_docx",
    "substance_report",
    "travel_request_memo",
]
