"""Rules of committee meetings that need no signed-in user.

Limits, loading a meeting or one of its parts, the dates a meeting may have, numbering of agenda points and
decisions, and what still stops a meeting from being closed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, time
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from copdesk.errors import ConflictError, NotFound, ValidationError, WorkflowError
from copdesk.models.committees import Committee, MemberRole
from copdesk.models.meetings import Meeting, MeetingStatus
from copdesk.services.committees import load_committee
from copdesk.services.fields import clean_line, require_date

if TYPE_CHECKING:
    from copdesk.services.meeting_views import AttendanceView

__all__ = [
    "MEETING_INTERVAL_DAYS",
    "MeetingNotReady",
    "check_date_fits",
    "check_schedule",
    "close_problems",
    "day_text",
    "editable_meeting",
    "follow_up_text",
    "live_parts",
    "load_meeting",
    "load_part",
    "next_position",
    "refuse_same_day",
    "renumber",
]

#: A committee is due a meeting when it has held none for this many days.
MEETING_INTERVAL_DAYS = 30
FOLLOW_UP_PREFIX = "Follow-up: "
VENUE_MAX = 200
ITEM_MAX = 1000
MINUTES_MAX = 100_000
LONG_TEXT_MAX = 4000
GUEST_NAME_MAX = 120
DESIGNATION_MAX = 120
OWNER_TEXT_MAX = 160
NATURE_MAX = 200
#: Members are listed convener first, then secretary, then the other members.
ROLE_ORDER = {MemberRole.CONVENER.value: 0, MemberRole.SECRETARY.value: 1, MemberRole.MEMBER.value: 2}
_CLOSED = (
    "This meeting is closed, so it cannot be changed. A station or district officer must reopen it first "
    "(giving the reason)."
)


class MeetingNotReady(WorkflowError):
    """Closing refused: ``problems`` lists, one sentence each, what is still missing."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("The meeting cannot be closed yet: " + " ".join(problems))
        self.problems = tuple(problems)


def follow_up_text(action_text: str) -> str:
    """The agenda text that carries an open action item onto a later meeting."""
    return f"{FOLLOW_UP_PREFIX}{action_text}"


def day_text(value: date) -> str:
    """A day as the meeting messages write it (``05 Mar 2026``)."""
    return f"{value:%d %b %Y}"


def load_meeting(session: Session, meeting_id: uuid.UUID) -> Meeting:
    """The meeting, or NotFound when it (or its committee) does not exist or was deleted."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted_at is not None:
        raise NotFound("This meeting does not exist or has been deleted.")
    try:
        load_committee(session, meeting.committee_id)
    except NotFound:
        raise NotFound("This meeting's committee has been deleted.") from None
    return meeting


def editable_meeting(session: Session, meeting_id: uuid.UUID) -> Meeting:
    """The meeting, refused (WorkflowError) once it is closed."""
    meeting = load_meeting(session, meeting_id)
    if meeting.status == MeetingStatus.CLOSED.value:
        raise WorkflowError(_CLOSED)
    return meeting


def load_part(session: Session, model: Any, part_id: uuid.UUID, what: str) -> Any:
    """A live part of a meeting (agenda item, guest, decision, dispute, action item), or NotFound."""
    part = session.get(model, part_id)
    if part is None or part.deleted_at is not None:
        raise NotFound(f"This {what} does not exist or has been removed.")
    return part


def live_parts(query: Select[Any], model: Any, meeting_id: uuid.UUID) -> Select[Any]:
    """``query`` kept to the parts (rows of ``model``) of the meeting that are not removed."""
    return query.where(model.meeting_id == meeting_id, model.deleted_at.is_(None))


def next_position(session: Session, model: Any, meeting_id: uuid.UUID) -> int:
    """The number of a point added after the meeting's live agenda points or decisions (rows of ``model``)."""
    return (session.scalar(live_parts(select(func.max(model.position)), model, meeting_id)) or 0) + 1


def check_schedule(held_on: date, venue: str, start_time: time | None) -> str:
    """Check a meeting's date and starting time; the venue, cleaned."""
    require_date(held_on, "held_on", "date of the meeting")
    if start_time is not None and not isinstance(start_time, time):
        raise ValidationError("Enter the starting time as hours and minutes.", "start_time")
    return clean_line(venue, "venue", "venue of the meeting", VENUE_MAX, required=True)


def check_date_fits(committee: Committee, held_on: date) -> None:
    """A meeting is held while its committee exists: not before it was formed, not after it was dissolved."""
    if held_on < committee.formed_on:
        raise ValidationError(
            f"The committee was formed on {day_text(committee.formed_on)}; a meeting cannot be held before that.",
            "held_on",
        )
    if committee.dissolved_on is not None and held_on > committee.dissolved_on:
        raise ValidationError(
            f"The committee was dissolved on {day_text(committee.dissolved_on)}; it cannot hold meetings after that.",
            "held_on",
        )


def refuse_same_day(session: Session, committee: Committee, held_on: date, exclude: uuid.UUID | None) -> None:
    """A committee has at most one meeting a day (``exclude``: the meeting being moved)."""
    query = select(Meeting.id).where(
        Meeting.committee_id == committee.id, Meeting.held_on == held_on, Meeting.deleted_at.is_(None)
    )
    if exclude is not None:
        query = query.where(Meeting.id != exclude)
    if session.scalar(query.limit(1)) is not None:
        raise ConflictError(
            f"{committee.name} already has a meeting on {day_text(held_on)}. "
            "Open that meeting instead of adding another."
        )


def renumber(items: Iterable[Any]) -> None:
    """Number the remaining points 1, 2, 3... in their order."""
    for position, item in enumerate(sorted(items, key=lambda i: (i.position, i.created_at)), start=1):
        if item.position != position:
            item.position = position


def close_problems(meeting: Meeting, attendance: Sequence[AttendanceView], today: date) -> list[str]:
    """What still stops ``meeting`` from being closed, one sentence each (empty when it may close)."""
    problems: list[str] = []
    if meeting.held_on > today:
        problems.append(
            f"The meeting is dated {day_text(meeting.held_on)}, which is still to come; close it on or after that day."
        )
    if not attendance:
        problems.append(f"The committee had no members on {day_text(meeting.held_on)}; add its members first.")
    unmarked = [f"{a.name} ({a.role_label.lower()})" for a in attendance if a.status is None]
    if unmarked:
        problems.append(f"Attendance is not marked for: {', '.join(unmarked)}.")
    if not meeting.minutes.strip():
        problems.append("The minutes have not been written.")
    return problems
