"""What complaint screens show: the intake and edit drafts, the frozen views, and the functions that build them.

The complainant's personal data are shown (or masked) as the signed-in role allows, and "overdue" and the moves
offered depend on today, so the builders take the service context.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from copdesk.domain.complaint_workflow import (
    ClosureCategory,
    ComplaintChannel,
    ComplaintStatus,
    Feedback,
    available_transitions,
    is_overdue,
)
from copdesk.domain.corpus import complaint_categories
from copdesk.models.complaints import Complaint, ComplaintEvent, ComplaintEventKind
from copdesk.models.organisation import Officer, Station
from copdesk.models.people import Person
from copdesk.services.context import ServiceContext
from copdesk.services.people import PersonDraft
from copdesk.services.privacy import show_cnic, show_contact, show_mobile

__all__ = [
    "ComplaintDraft",
    "ComplaintEdit",
    "ComplaintEventView",
    "ComplaintView",
    "complaint_views",
    "event_view",
]


@dataclass(frozen=True)
class ComplaintDraft:
    """What the intake form collects.

    Give exactly one of ``complainant_person_id``, ``new_complainant`` or ``anonymous=True``.
    """

    received_on: date
    channel: ComplaintChannel | str
    category: str
    description: str
    station_id: uuid.UUID
    location: str = ""
    complainant_person_id: uuid.UUID | None = None
    new_complainant: PersonDraft | None = None
    anonymous: bool = False
    against_police: bool = False
    against_station_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ComplaintEdit:
    """The editable fields of a complaint (all of them, as the edit form shows them)."""

    received_on: date
    channel: ComplaintChannel | str
    category: str
    description: str
    station_id: uuid.UUID
    location: str = ""
    against_police: bool = False
    against_station_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ComplaintView:
    """A complaint as shown on screen; the complainant's personal data are masked by role."""

    id: uuid.UUID
    version: int
    tracking_no: str
    received_on: date
    channel: ComplaintChannel
    category: str
    category_name: str
    category_name_ur: str
    description: str
    location: str
    anonymous: bool
    complainant_person_id: uuid.UUID | None
    complainant_name: str
    complainant_cnic: str
    complainant_mobile: str
    station_id: uuid.UUID
    station_name: str
    against_police: bool
    against_station_id: uuid.UUID | None
    against_station_name: str
    assigned_officer_id: uuid.UUID | None
    assigned_officer_name: str
    status: ComplaintStatus
    due_on: date
    is_overdue: bool
    escalated_at: datetime | None
    resolved_on: date | None
    fir_no: str | None
    closure_category: ClosureCategory | None
    closed_on: date | None
    feedback: Feedback | None
    feedback_remarks: str
    feedback_on: date | None
    reopened_count: int
    #: The moves that would succeed today (what the screen offers as buttons).
    next_statuses: tuple[ComplaintStatus, ...]


@dataclass(frozen=True)
class ComplaintEventView:
    """One step of a complaint's history."""

    id: uuid.UUID
    at: datetime
    actor: str
    kind: ComplaintEventKind
    from_status: ComplaintStatus | None
    to_status: ComplaintStatus
    note: str


def event_view(event: ComplaintEvent) -> ComplaintEventView:
    """One step of a complaint's history."""
    return ComplaintEventView(
        id=event.id,
        at=event.at,
        actor=event.actor,
        kind=ComplaintEventKind(event.kind),
        from_status=ComplaintStatus(event.from_status) if event.from_status else None,
        to_status=ComplaintStatus(event.to_status),
        note=event.note,
    )


def complaint_views(ctx: ServiceContext, session: Session, complaints: Sequence[Complaint]) -> list[ComplaintView]:
    """Views of ``complaints``, with station, officer and complainant names loaded in three queries."""
    station_ids = {c.station_id for c in complaints} | {
        c.against_station_id for c in complaints if c.against_station_id
    }
    officer_ids = {c.assigned_officer_id for c in complaints if c.assigned_officer_id}
    person_ids = {c.complainant_person_id for c in complaints if c.complainant_person_id}
    stations = (
        {s.id: s.name for s in session.scalars(select(Station).where(Station.id.in_(station_ids)))}
        if station_ids
        else {}
    )
    officers = (
        {o.id: o.name for o in session.scalars(select(Officer).where(Officer.id.in_(officer_ids)))}
        if officer_ids
        else {}
    )
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))} if person_ids else {}
    categories = complaint_categories()
    today = ctx.today()
    views = []
    for c in complaints:
        person = people.get(c.complainant_person_id) if c.complainant_person_id else None
        category = categories.get(c.category)
        status = ComplaintStatus(c.status)
        views.append(
            ComplaintView(
                id=c.id,
                version=c.version,
                tracking_no=c.tracking_no,
                received_on=c.received_on,
                channel=ComplaintChannel(c.channel),
                category=c.category,
                category_name=category.name_en if category else c.category,
                category_name_ur=category.name_ur if category else c.category,
                description=c.description,
                location=c.location,
                anonymous=c.anonymous,
                complainant_person_id=c.complainant_person_id,
                complainant_name=show_contact(ctx, person.name) if person else "",
                complainant_cnic=show_cnic(ctx, person.cnic) if person else "",
                complainant_mobile=show_mobile(ctx, person.mobile) if person else "",
                station_id=c.station_id,
                station_name=stations.get(c.station_id, ""),
                against_police=c.against_police,
                against_station_id=c.against_station_id,
                against_station_name=stations.get(c.against_station_id, "") if c.against_station_id else "",
                assigned_officer_id=c.assigned_officer_id,
                assigned_officer_name=officers.get(c.assigned_officer_id, "") if c.assigned_officer_id else "",
                status=status,
                due_on=c.due_on,
                is_overdue=is_overdue(status, c.due_on, today),
                escalated_at=c.escalated_at,
                resolved_on=c.resolved_on,
                fir_no=c.fir_no,
                closure_category=ClosureCategory(c.closure_category) if c.closure_category else None,
                closed_on=c.closed_on,
                feedback=Feedback(c.feedback) if c.feedback else None,
                feedback_remarks=c.feedback_remarks,
                feedback_on=c.feedback_on,
                reopened_count=c.reopened_count,
                next_statuses=available_transitions(status, c.feedback, c.closed_on, today),
            )
        )
    return views
