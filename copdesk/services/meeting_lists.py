"""The lists around meetings: the meetings list, open action items and the committees due a meeting.

Each list is one SQL query (filtered and searched in the database); :class:`MeetingService` sorts and windows it.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from copdesk.models.committees import Committee, CommitteeType
from copdesk.models.meetings import ActionItem, ActionStatus, AttendanceStatus, Meeting, MeetingStatus, MemberAttendance
from copdesk.models.organisation import Station
from copdesk.services.fields import as_choice
from copdesk.services.filters import check_filters
from copdesk.services.meeting_rules import MEETING_INTERVAL_DAYS
from copdesk.services.meeting_views import DueCommittee, action_query
from copdesk.services.paging import PageRequest, apply_search

__all__ = ["ACTION_FILTERS", "MEETING_FILTERS", "due_committees", "meetings_query", "open_actions_query"]

#: Filters of the meetings list (``PageRequest.filters``).
MEETING_FILTERS = frozenset({"committee_id", "station_id", "status", "date_from", "date_to"})
#: Filters of the open action items list.
ACTION_FILTERS = frozenset({"committee_id", "station_id", "overdue"})


def meetings_query(session: Session, request: PageRequest) -> Select[Any]:
    """Meetings matching the request (rows: meeting, committee, station name, members present), unsorted."""
    filters = request.filters
    check_filters(filters, MEETING_FILTERS, "Meetings")
    present = (
        select(func.count(MemberAttendance.id))
        .where(
            MemberAttendance.meeting_id == Meeting.id,
            MemberAttendance.deleted_at.is_(None),
            MemberAttendance.status == AttendanceStatus.PRESENT.value,
        )
        .correlate(Meeting)
        .scalar_subquery()
    )
    query: Select[Any] = (
        select(Meeting, Committee, Station.name, present)
        .join(Committee, Committee.id == Meeting.committee_id)
        .join(Station, Station.id == Committee.station_id)
        .where(Meeting.deleted_at.is_(None), Committee.deleted_at.is_(None))
    )
    if filters.get("committee_id") is not None:
        query = query.where(Meeting.committee_id == filters["committee_id"])
    if filters.get("station_id") is not None:
        query = query.where(Committee.station_id == filters["station_id"])
    if filters.get("status") is not None:
        status = as_choice(MeetingStatus, filters["status"], "Choose planned or closed.", "status")
        query = query.where(Meeting.status == status.value)
    if filters.get("date_from") is not None:
        query = query.where(Meeting.held_on >= filters["date_from"])
    if filters.get("date_to") is not None:
        query = query.where(Meeting.held_on <= filters["date_to"])
    return apply_search(query, Committee, session, request.search)


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
