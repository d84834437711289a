"""What the document builders take: the unit's settings and one monitoring's facts.

`dumas.queries.settings.for_documents` and `dumas.queries.monitoring.document_data` build them from
the database; tests build them by hand. Every field may be missing (a draft prints dots),
so the settings and the nested rows are total=False dicts and the monitoring's fields
default to empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal, TypedDict

# The settings keys a letter number is built from.
NumberingCode = Literal["security_code", "agency_code", "unit_code", "archive_code"]


class Official(TypedDict, total=False):
    """A signatory's office as configured; `acting` is "Plt." or "Plh." when acting."""

    title: str | None
    name: str | None
    nip: str | None
    acting: str | None


class DocumentSettings(TypedDict, total=False):
    """The letterhead, font, numbering codes and officials (queries.settings.for_documents)."""

    letterhead: list[str]
    font_name: str
    font_size: int
    city: str
    security_code: str
    agency_code: str
    unit_code: str
    archive_code: str
    officials: dict[str, Official]
    legal_basis: list[str]  # the Dasar items, in order (default: the SOP's Dasar Hukum)
    reply_days: int  # working days an agency is asked to answer within (the unit's own)


class TeamMember(TypedDict, total=False):
    """One member of the monitoring team, lead first."""

    id: int
    name: str | None
    nip: str | None
    rank: str | None
    position: str | None
    is_lead: bool


class CitedLetter(TypedDict, total=False):
    """A forwarding letter the monitoring clarifies, with its state in Indonesian."""

    agenda_no: str | None
    letter_no: str | None
    letter_date: dt.date | None
    summary: str | None
    status: str
    age_wd: int | None


class Recorded(TypedDict, total=False):
    """A document's number and signing date once the registry has numbered it."""

    letter_no: str | None
    signed_on: dt.date | None


class CostLine(TypedDict, total=False):
    """One cost line in whole rupiah; `actual` None until it is known."""

    item: str
    person: str | None
    planned: int
    actual: int | None


class Activity(TypedDict, total=False):
    """One activity of the visit, its kind already as an Indonesian label."""

    kind_label: str
    date: dt.date | None
    place: str | None
    participants: str | None
    summary: str | None


class Agreement(TypedDict, total=False):
    """One follow-up agreed with the agency."""

    item: str
    responsible: str | None
    due_on: dt.date | None


class Finding(TypedDict, total=False):
    """What the monitoring found for one letter, the result as an Indonesian label."""

    agenda_no: str | None
    letter_no: str | None
    result_label: str
    evidence: str | None
    recommendation: str | None


@dataclass(frozen=True)
class MonitoringDocument:
    """One monitoring as every document of it reads it (dumas.queries.monitoring)."""

    id: int | None = None
    level: str | None = None
    method: str | None = None
    agency: str | None = None
    agency_head: str | None = None
    agency_city: str | None = None
    province: str | None = None
    schedule_from: dt.date | None = None
    schedule_to: dt.date | None = None
    days: int | None = None
    plan_title: str | None = None
    plan_period: str | None = None
    approved_on: dt.date | None = None
    team: list[TeamMember] = field(default_factory=list)
    letters: list[CitedLetter] = field(default_factory=list)
    scope: dict[str, object] = field(default_factory=dict)  # the monitoring_scope row
    documents: dict[str, Recorded] = field(default_factory=dict)  # by document kind
    costs: list[CostLine] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    results: list[Finding] = field(default_factory=list)
    report: dict[str, object] = field(default_factory=dict)  # the monitoring_report row
