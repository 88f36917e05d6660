"""The lists around meetings: the meetings list, open action items and the committees due a meeting.

Each list is one SQL query (filtered and searched in the database); :class:`MeetingService` sorts and windows it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal_column, or_, select
from sqlalchemy.orm import Session

from copdesk.errors import ValidationError
from copdesk.models.committees import Committee, CommitteeType
from copdesk.models.meetings import ActionItem, ActionStatus, AttendanceStatus, Meeting, MeetingStatus, MemberAttendance
from copdesk.models.organisation import Station
from copdesk.services.fields import as_choice
from copdesk.services.filters import check_filters
from copdesk.services.meeting_rules import MEETING_INTERVAL_DAYS
from copdesk.services.meeting_views import DueCommittee, action_query
from copdesk.services.paging import PageRequest, apply_search

__all__ = [
    "ACTION_FILTERS",
    "MEETING_FILTERS",
    "MEETING_SORTS",
    "check_meetings_request",
    "due_committees",
    "meeting_sort",
    "meetings_query",
    "open_actions_query",
    "stream_meetings",
]

#: Filters of the meetings list (``PageRequest.filters``).
MEETING_FILTERS = frozenset({"committee_id", "station_id", "status", "date_from", "date_to"})
#: Sort keys of the meetings list (``PageRequest.sort``; ``held_on`` by default), then the meeting's id.
MEETING_SORTS: dict[str, Any] = {
    "held_on": Meeting.held_on,
    "committee": Committee.name,
    "station": Station.name,
    "status": Meeting.status,
}
#: Filters of the open action items list.
ACTION_FILTERS = frozenset({"committee_id", "station_id", "overdue"})


def _present() -> list[ColumnElement[bool]]:
    """The terms of the attendance rows that count a member present."""
    return [MemberAttendance.deleted_at.is_(None), MemberAttendance.status == AttendanceStatus.PRESENT.value]


def check_meetings_request(request: PageRequest) -> str | None:
    """Check the request's filters (ValidationError); returns the stored status filtered on, if any."""
    check_filters(request.filters, MEETING_FILTERS, "Meetings")
    if request.filters.get("status") is None:
        return None
    return as_choice(MeetingStatus, request.filters["status"], "Choose planned or closed.", "status").value


def _meetings(query: Select[Any], session: Session, request: PageRequest, *, by_day: bool = False) -> Select[Any]:
    """``query`` (selecting from meetings) joined to committee and station and kept to the request's meetings.

    ``by_day``: on SQLite, write "not deleted" as ``+meetings.deleted_at IS NULL`` so that it does not use an index
    (the documented way to choose one): a query in day order then walks the ``held_on`` index instead of reading
    every live meeting through ``ix_meetings_held`` and sorting them all.
    """
    filters = request.filters
    status = check_meetings_request(request)
    live: ColumnElement[Any] = Meeting.deleted_at.expression
    if by_day and session.get_bind().dialect.name == "sqlite":
        live = literal_column("+meetings.deleted_at", type_=Meeting.__table__.c.deleted_at.type)
    query = (
        query.join(Committee, Committee.id == Meeting.committee_id)
        .join(Station, Station.id == Committee.station_id)
        .where(live.is_(None), Committee.deleted_at.is_(None))
    )
    if filters.get("committee_id") is not None:
        query = query.where(Meeting.committee_id == filters["committee_id"])
    if filters.get("station_id") is not None:
        query = query.where(Committee.station_id == filters["station_id"])
    if status is not None:
        query = query.where(Meeting.status == status)
    if filters.get("date_from") is not None:
        query = query.where(Meeting.held_on >= filters["date_from"])
    if filters.get("date_to") is not None:
        query = query.where(Meeting.held_on <= filters["date_to"])
    return apply_search(query, Committee, session, request.search)


def meetings_query(session: Session, request: PageRequest) -> Select[Any]:
    """Meetings matching the request (rows: meeting, committee, station name, members present), unsorted."""
    present = (
        select(func.count(MemberAttendance.id))
        .where(MemberAttendance.meeting_id == Meeting.id, *_present())
        .correlate(Meeting)
        .scalar_subquery()
    )
    return _meetings(select(Meeting, Committee, Station.name, present).select_from(Meeting), session, request)


def meeting_sort(request: PageRequest) -> str:
    """The request's sort key (one of :data:`MEETING_SORTS`, ``held_on`` by default)."""
    key = request.sort or "held_on"
    if key not in MEETING_SORTS:
        raise ValidationError(f"Cannot sort by {key!r}.")
    return key


def stream_meetings(session: Session, request: PageRequest, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """Every meeting the request selects, in list order (sort key, then id), ``batch`` rows at a time.

    A row holds the values :func:`~copdesk.services.meeting_views.summary_of` takes, in its order. One query
    reads the ordered ids as a cursor, without OFFSET; each batch of ids then fetches its rows, and counts the
    members present at its meetings in one grouped query instead of a subquery per meeting. Run it inside one
    read transaction.
    """
    key = meeting_sort(request)
    sort, tie = MEETING_SORTS[key], Meeting.id.expression
    order = [sort.desc(), tie.desc()] if request.descending else [sort.asc(), tie.asc()]
    ids = _meetings(select(Meeting.id).select_from(Meeting), session, request, by_day=key == "held_on")
    rows = (
        select(
            Meeting.id,
            Meeting.version,
            Committee.id,
            Committee.name,
            Committee.type,
            Committee.station_id,
            Station.name,
            Meeting.held_on,
            Meeting.start_time,
            Meeting.venue,
            Meeting.status,
        )
        .join(Committee, Committee.id == Meeting.committee_id)
        .join(Station, Station.id == Committee.station_id)
    )
    present = select(MemberAttendance.meeting_id, func.count(MemberAttendance.id)).where(*_present())
    connection = session.connection()
    for chunk in connection.execution_options(yield_per=batch).execute(ids.order_by(*order)).partitions():
        wanted = [meeting for (meeting,) in chunk]
        found = {row[0]: row for row in connection.execute(rows.where(Meeting.id.in_(wanted)))}
        counted = present.where(MemberAttendance.meeting_id.in_(wanted)).group_by(MemberAttendance.meeting_id)
        members = dict(connection.execute(counted).all())
        yield [(*found[meeting], members.get(meeting)) for meeting in wanted if meeting in found]


def open_actions_query(session: Session, request: PageRequest, today: date) -> Select[Any]:
    """Open action items matching the request (rows of :func:`action_query`), unsorted; overdue as of ``today``."""
    filters = request.filters
    check_filters(filters, ACTION_FILTERS, "Action items")
    query = action_query().where(ActionItem.status == ActionStatus.OPEN.value)
    if filters.get("committee_id") is not None:
        query = query.where(ActionItem.committee_id == filters["committee_id"])
    if filters.get("station_id") is not None:
        query = query.where(Committee.station_id == filters["station_id"])
    if filters.get("overdue") is not None:
        overdue = and_(ActionItem.due_on.is_not(None), ActionItem.due_on < today)
        query = query.where(overdue if filters["overdue"] else ~overdue)
    return apply_search(query, Committee, session, request.search)


def due_committees(session: Session, today: date, station_id: uuid.UUID | None) -> list[DueCommittee]:
    """Committees existing ``today`` that have held no meeting for :data:`MEETING_INTERVAL_DAYS` days.

    Longest waiting first. Only closed meetings count as held; a committee counts from the day it was formed.
    """
    threshold = today - timedelta(days=MEETING_INTERVAL_DAYS)
    last_held = (
        select(func.max(Meeting.held_on))
        .where(
            Meeting.committee_id == Committee.id,
            Meeting.deleted_at.is_(None),
            Meeting.status == MeetingStatus.CLOSED.value,
            Meeting.held_on <= today,
        )
        .correlate(Committee)
        .scalar_subquery()
    )
    next_planned = (
        select(func.min(Meeting.held_on))
        .where(
            Meeting.committee_id == Committee.id,
            Meeting.deleted_at.is_(None),
            Meeting.status == MeetingStatus.PLANNED.value,
            Meeting.held_on >= today,
        )
        .correlate(Committee)
        .scalar_subquery()
    )
    reference = func.coalesce(last_held, Committee.formed_on)
    query = (
        select(Committee, Station.name, last_held, next_planned)
        .join(Station, Station.id == Committee.station_id)
        .where(
            Committee.deleted_at.is_(None),
            Committee.formed_on <= today,
            or_(Committee.dissolved_on.is_(None), Committee.dissolved_on >= today),
            reference <= threshold,
        )
    )
    if station_id is not None:
        query = query.where(Committee.station_id == station_id)
    due: list[DueCommittee] = []
    for committee, station_name, held, planned in session.execute(query).all():
        since = today - (held if held is not None else committee.formed_on)
        kind = CommitteeType(committee.type)
        due.append(
            DueCommittee(
                committee_id=committee.id,
                committee_name=committee.name,
                committee_type=kind,
                committee_type_label=kind.label,
                station_id=committee.station_id,
                station_name=station_name,
                last_held_on=held,
                days_since=since.days,
                next_planned_on=planned,
            )
        )
    due.sort(key=lambda d: (-d.days_since, d.committee_name.casefold()))
    return due
