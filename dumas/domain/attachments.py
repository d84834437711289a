"""Who may attach a file to a record, and who may open it: the rules the services check and
the pages ask (docs/decisions/0017-attached-files-by-digest.md).

Attaching follows who may record the record itself: the follow-up letters (the complaint,
its forwarding letters, reminders and responses) whoever records letters; a monitoring's
documents and results its team, while the monitoring is in steps 4-7 (monitoring_flow.
record_refusal, checked by the service against the stored team and state). Opening
follows who may see the record: the complaint's page for the letters, the monitoring's
page for its records; and a file of the complaint itself (the complainant's own letter,
with their name and address) only for the roles that may see the complainant's identity,
as `reveal_complainant` decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from dumas.domain.codes import RecordKind
from dumas.domain.permissions import Action, User

LETTER_KINDS = frozenset(
    {RecordKind.COMPLAINT, RecordKind.FORWARDING, RecordKind.REMINDER, RecordKind.RESPONSE}
)
MONITORING_KINDS = frozenset({RecordKind.MONITORING_DOCUMENT, RecordKind.MONITORING_RESULT})
# The complaint itself: files that may carry the complainant's identity.
PERSONAL_KINDS = frozenset({RecordKind.COMPLAINT})


@dataclass(frozen=True)
class Record:
    """What a file is attached to: its kind, its id and, for a monitoring's records, its part
    (the document kind; the forwarding letter's id of a result); '' otherwise."""

    kind: RecordKind
    id: int
    part: str = ""


def attach_action(kind: RecordKind) -> Action:
    """The permission that attaching to this kind of record asks first (the monitoring's
    team and state are checked beside it, by the service)."""
    return Action.RECORD_LETTERS if kind in LETTER_KINDS else Action.WORK_MONITORING


def open_refusal(user: User, kind: RecordKind) -> str | None:
    """Why the user may not open a file of this kind of record (a catalogue id), or None."""
    seeing = Action.VIEW_COMPLAINT if kind in LETTER_KINDS else Action.VIEW_MONITORINGS
    if not user.can(seeing):
        return "error.forbidden"
    if kind in PERSONAL_KINDS and not user.can(Action.VIEW_PERSONAL_DATA):
        return "error.attachment_personal"
    return None


def may_open(user: User, kind: RecordKind) -> bool:
    """Whether the page offers to open (and name) a file of this kind to the user."""
    return open_refusal(user, kind) is None
