"""Editable .docx drafts of the official documents of a monitoring (tata naskah dinas).

Pure functions: plain data in (inputs.py), bytes out; no database, no Streamlit. Every monitoring
document is in Indonesian whatever the interface language, and missing values print as
dots for the drafter to fill in by hand. The periodic report (periodic.py) is written in the
language it is given (Indonesian for the official copy).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dumas.documents.agency_letter import letter_to_agency
from dumas.documents.assignment import assignment_letter
from dumas.documents.common import DOTS, letter_number
from dumas.documents.files import files_to_clarify
from dumas.documents.finance import financial_report
from dumas.documents.inputs import DocumentSettings, MonitoringDocument
from dumas.documents.memo_deputi import memo_to_deputi
from dumas.documents.periodic import periodic_report_docx
from dumas.documents.report import substance_report
from dumas.documents.travel import travel_request_memo

Builder = Callable[[DocumentSettings, MonitoringDocument, dt.date], bytes]

# The document kinds as recorded in monitoring["documents"], each with its builder.
BUILDERS: dict[str, Builder] = {
    "memo_deputi": memo_to_deputi,
    "surat_tugas": assignment_letter,
    "memo_keuangan": travel_request_memo,
    "daftar_berkas": files_to_clarify,
    "surat_instansi": letter_to_agency,
    "laporan_substansi": substance_report,
}

# Every draft the app offers: the recorded kinds and the financial report (no number).
DRAFTS: dict[str, Builder] = {**BUILDERS, "laporan_keuangan": financial_report}

__all__ = [
    "BUILDERS",
    "DOTS",
    "DRAFTS",
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
