"""Write side: one function per use case, one transaction each, with its audit row."""

from dumas.services.agencies import merge_agency
from dumas.services.common import MAX_LETTER_NO, MAX_TEXT, audit
from dumas.services.followup import (
    ResponseInput,
    create_complaint,
    record_forwarding,
    record_reminder,
    record_response,
    reveal_complainant,
)

__all__ = [
    "MAX_LETTER_NO",
    "MAX_TEXT",
    "ResponseInput",
    "audit",
    "create_complaint",
    "merge_agency",
    "record_forwarding",
    "record_reminder",
    "record_response",
    "reveal_complainant",
]
