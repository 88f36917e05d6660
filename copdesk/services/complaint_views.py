"""What complaint screens show: the intake and edit drafts, the frozen views, and the functions that build them.

The complainant's personal data are shown (or masked) as the signed-in role allows, and "overdue" and the moves
offered depend on today, so the builders take the service context.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from operator import attrgetter
from typing import Any, TypeVar

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
    "ComplaintViewBuilder",
    "VIEW_FIELDS",
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


#: The complaint columns a :class:`ComplaintView` is built from, in the order :class:`ComplaintViewBuilder` takes
#: them; after them come the names: station, station complained about, assigned officer, and the complainant's
#: name, CNIC and mobile (``None`` where there is none).
VIEW_FIELDS: tuple[str, ...] = (
    "id",
    "version",
    "tracking_no",
    "received_on",
    "channel",
    "category",
    "description",
    "location",
    "anonymous",
    "complainant_person_id",
    "station_id",
    "against_police",
    "against_station_id",
    "assigned_officer_id",
    "status",
    "due_on",
    "escalated_at",
    "resolved_on",
    "fir_no",
    "closure_category",
    "closed_on",
    "feedback",
    "feedback_remarks",
    "feedback_on",
    "reopened_count",
)
_complaint_values = attrgetter(*VIEW_FIELDS)
E = TypeVar("E", bound=Enum)


def _lookup(kind: type[E]) -> Callable[[str], E]:
    """``kind(value)``, answered from a dictionary for the stored values (the call is slow at 100,000 rows)."""
    members: dict[Any, E] = {member.value: member for member in kind}

    def member(value: str) -> E:
        found = members.get(value)
        return found if found is not None else kind(value)

    return member


class ComplaintViewBuilder:
    """Builds :class:`ComplaintView` values for one context on one day, from plain column values.

    Lists and exports build thousands of views, so what depends only on a stored value (enum members, the
    category's names, the moves offered) is looked up once per value; personal fields still go through
    :mod:`copdesk.services.privacy` for every row.
    """

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx
        self.today = ctx.today()
        self._categories = complaint_categories()
        self._channel = _lookup(ComplaintChannel)
        self._status = _lookup(ComplaintStatus)
        self._closure = _lookup(ClosureCategory)
        self._feedback = _lookup(Feedback)
        self._moves: dict[tuple[str, str | None, date | None], tuple[ComplaintStatus, ...]] = {}

    def _next_statuses(
        self, status: ComplaintStatus, feedback: str | None, closed_on: date | None
    ) -> tuple[ComplaintStatus, ...]:
        key = (status.value, feedback, closed_on if status is ComplaintStatus.CLOSED else None)
        moves = self._moves.get(key)
        if moves is None:
            moves = self._moves[key] = available_transitions(status, feedback, closed_on, self.today)
        return moves

    def build(
        self,
        id: uuid.UUID,
        version: int,
        tracking_no: str,
        received_on: date,
        channel: str,
        category: str,
        description: str,
        location: str,
        anonymous: bool,
        complainant_person_id: uuid.UUID | None,
        station_id: uuid.UUID,
        against_police: bool,
        against_station_id: uuid.UUID | None,
        assigned_officer_id: uuid.UUID | None,
        status: str,
        due_on: date,
        escalated_at: datetime | None,
        resolved_on: date | None,
        fir_no: str | None,
        closure_category: str | None,
        closed_on: date | None,
        feedback: str | None,
        feedback_remarks: str,
        feedback_on: date | None,
        reopened_count: int,
        station_name: str | None,
        against_station_name: str | None,
        officer_name: str | None,
        person_name: str | None,
        person_cnic: str | None,
        person_mobile: str | None,
    ) -> ComplaintView:
        """One view from the :data:`VIEW_FIELDS` values followed by the six names (see there)."""
        ctx = self.ctx
        found = self._categories.get(category)
        state = self._status(status)
        return ComplaintView(
            id=id,
            version=version,
            tracking_no=tracking_no,
            received_on=received_on,
            channel=self._channel(channel),
            category=category,
            category_name=found.name_en if found else category,
            category_name_ur=found.name_ur if found else category,
            description=description,
            location=location,
            anonymous=anonymous,
            complainant_person_id=complainant_person_id,
            complainant_name=show_contact(ctx, person_name),
            complainant_cnic=show_cnic(ctx, person_cnic),
            complainant_mobile=show_mobile(ctx, person_mobile),
            station_id=station_id,
            station_name=station_name or "",
            against_police=against_police,
            against_station_id=against_station_id,
            against_station_name=(against_station_name or "") if against_station_id else "",
            assigned_officer_id=assigned_officer_id,
            assigned_officer_name=(officer_name or "") if assigned_officer_id else "",
            status=state,
            due_on=due_on,
            is_overdue=is_overdue(state, due_on, self.today),
            escalated_at=escalated_at,
            resolved_on=resolved_on,
            fir_no=fir_no,
            closure_category=self._closure(closure_category) if closure_category else None,
            closed_on=closed_on,
            feedback=self._feedback(feedback) if feedback else None,
            feedback_remarks=feedback_remarks,
            feedback_on=feedback_on,
            reopened_count=reopened_count,
            next_statuses=self._next_statuses(state, feedback, closed_on),
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
    builder = ComplaintViewBuilder(ctx)
    views = []
    for c in complaints:
        person = people.get(c.complainant_person_id) if c.complainant_person_id else None
        values: tuple[Any, ...] = (
            *_complaint_values(c),
            stations.get(c.station_id),
            stations.get(c.against_station_id) if c.against_station_id else None,
            officers.get(c.assigned_officer_id) if c.assigned_officer_id else None,
            person.name if person else None,
            person.cnic if person else None,
            person.mobile if person else None,
        )
        views.append(builder.build(*values))
    return views
