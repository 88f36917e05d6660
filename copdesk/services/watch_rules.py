"""Rules and look-ups of the neighbourhood watch: limits, loading records, shift times and duty clashes.

Used by :class:`copdesk.services.watch.WatchService` and the roster functions; nothing here is guarded, so
nothing here is public API of the service.
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from copdesk.domain.rotation import Interval, shift_interval
from copdesk.errors import ConflictError, NotFound, ValidationError
from copdesk.models.organisation import Beat
from copdesk.models.people import Person
from copdesk.models.watch import DutyShift, ShiftAssignment, VerificationStatus, Volunteer, WatchGroup
from copdesk.services.context import ServiceContext
from copdesk.services.filters import as_record_id

NAME_MAX = 120
NOTES_MAX = 2_000
MAX_VOLUNTEERS_PER_SHIFT = 50
MAX_ROTATION_DAYS = 31
MAX_RANGE_DAYS = 366
NIGHT_STARTS = time(22, 0)
NIGHT_ENDS = time(4, 0)

# --- times -----------------------------------------------------------------------------------------------------


def local_now(ctx: ServiceContext) -> datetime:
    """Now as local wall-clock time (what shift times are written in)."""
    return ctx.now().astimezone().replace(tzinfo=None)


def interval_of(shift: DutyShift) -> Interval:
    """The wall-clock interval a shift covers (ending the next day when it runs past midnight)."""
    return shift_interval(shift.shift_date, shift.starts, shift.ends)


def month_bounds(month: date) -> tuple[date, date]:
    """The first and last day of the month containing ``month``."""
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


# --- checks ----------------------------------------------------------------------------------------------------


def check_needed(value: int, field: str) -> int:
    """How many volunteers a shift needs: a whole number from 1 to :data:`MAX_VOLUNTEERS_PER_SHIFT`."""
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_VOLUNTEERS_PER_SHIFT:
        raise ValidationError(f"A shift needs 1 to {MAX_VOLUNTEERS_PER_SHIFT} volunteers.", field)
    return value


def check_times(starts: time, ends: time) -> None:
    """A shift ends at another time than it starts."""
    if starts == ends:
        raise ValidationError("A shift must end at a different time than it starts.", "ends")


def check_range(from_day: date, to_day: date) -> None:
    """A range of days in order, at most :data:`MAX_RANGE_DAYS` long."""
    if to_day < from_day:
        raise ValidationError("The last day cannot be before the first day.", "to_day")
    if (to_day - from_day).days >= MAX_RANGE_DAYS:
        raise ValidationError(f"Choose at most {MAX_RANGE_DAYS} days.", "to_day")


def check_may_serve(volunteer: Volunteer, name: str, shift_date: date) -> None:
    """Only a verified volunteer who has not left, and had joined by the shift's day, goes on duty."""
    if volunteer.left_on is not None:
        raise ValidationError(f"{name} has left the group and cannot be put on duty.", "volunteer_id")
    status = VerificationStatus(volunteer.verification_status)
    if status is VerificationStatus.PENDING:
        raise ValidationError(
            f"{name} is not yet verified by the police; only verified volunteers can be put on duty.",
            "volunteer_id",
        )
    if status is VerificationStatus.REJECTED:
        raise ValidationError(f"{name} failed police verification and cannot be put on duty.", "volunteer_id")
    if shift_date < volunteer.joined_on:
        raise ValidationError(
            f"{name} joined the group on {volunteer.joined_on:%d %B %Y}, after this shift.", "volunteer_id"
        )


def check_unique_name(session: Session, beat_id: uuid.UUID, name: str, group_id: uuid.UUID | None) -> None:
    """A beat has at most one live group of a name (``group_id``: the group being renamed)."""
    query = select(WatchGroup.name).where(
        WatchGroup.beat_id == beat_id, WatchGroup.deleted_at.is_(None), func.lower(WatchGroup.name) == name.lower()
    )
    if group_id is not None:
        query = query.where(WatchGroup.id != group_id)
    if session.scalar(query.limit(1)) is not None:
        raise ConflictError(f"This beat already has a watch group named {name!r}.")


# --- loading ---------------------------------------------------------------------------------------------------


def load_beat(session: Session, beat_id: uuid.UUID) -> Beat:
    """The live beat a group is put in (ValidationError: the form must choose one)."""
    beat = session.get(Beat, as_record_id(beat_id, "beat_id")) if beat_id is not None else None
    if beat is None or beat.deleted_at is not None:
        raise ValidationError("Choose the beat the group belongs to.", "beat_id")
    return beat


def load_group(session: Session, group_id: uuid.UUID) -> WatchGroup:
    """The live watch group, or NotFound."""
    group = session.get(WatchGroup, as_record_id(group_id, "group_id"))
    if group is None or group.deleted_at is not None:
        raise NotFound("This watch group does not exist or has been deleted.")
    return group


def load_volunteer(session: Session, volunteer_id: uuid.UUID) -> Volunteer:
    """The live volunteer, or NotFound."""
    volunteer = session.get(Volunteer, as_record_id(volunteer_id, "volunteer_id"))
    if volunteer is None or volunteer.deleted_at is not None:
        raise NotFound("This volunteer does not exist or has been deleted.")
    return volunteer


def load_shift(session: Session, shift_id: uuid.UUID) -> DutyShift:
    """The live shift, or NotFound."""
    shift = session.get(DutyShift, as_record_id(shift_id, "shift_id"))
    if shift is None or shift.deleted_at is not None:
        raise NotFound("This shift does not exist or has been deleted.")
    return shift


def load_person(session: Session, person_id: uuid.UUID) -> Person:
    """The live person of the people register (ValidationError: the form must choose one)."""
    person = session.get(Person, as_record_id(person_id, "person_id"))
    if person is None or person.deleted_at is not None:
        raise ValidationError("Choose the person from the people register.", "person_id")
    return person


def people_by_id(session: Session, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Person]:
    """The people with these ids, by id (one query)."""
    ids = set(person_ids)
    if not ids:
        return {}
    return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}


def active_volunteer_of(session: Session, group_id: uuid.UUID, person_id: uuid.UUID) -> Volunteer | None:
    """The person's live membership of the group that has not ended, if any."""
    return session.scalar(
        select(Volunteer).where(
            Volunteer.group_id == group_id,
            Volunteer.person_id == as_record_id(person_id, "person_id"),
            Volunteer.deleted_at.is_(None),
            Volunteer.left_on.is_(None),
        )
    )


def live_assignments(session: Session, shift_ids: Sequence[uuid.UUID]) -> list[ShiftAssignment]:
    """The live assignments of these shifts, in the order they were made."""
    if not shift_ids:
        return []
    return list(
        session.scalars(
            select(ShiftAssignment)
            .where(ShiftAssignment.shift_id.in_(shift_ids), ShiftAssignment.deleted_at.is_(None))
            .order_by(ShiftAssignment.created_at, ShiftAssignment.id)
        )
    )


# --- duty ------------------------------------------------------------------------------------------------------


def group_shift_overlapping(session: Session, group_id: uuid.UUID, interval: Interval) -> DutyShift | None:
    """A live shift of the group that overlaps ``interval``, if any."""
    day = interval.start.date()
    for shift in session.scalars(
        select(DutyShift)
        .where(
            DutyShift.group_id == group_id,
            DutyShift.deleted_at.is_(None),
            DutyShift.shift_date.between(day - timedelta(days=1), day + timedelta(days=1)),
        )
        .order_by(DutyShift.shift_date, DutyShift.starts)
    ):
        if interval_of(shift).overlaps(interval):
            return shift
    return None


def duties_of_people(
    session: Session, person_ids: Sequence[uuid.UUID], from_day: date, to_day: date
) -> list[tuple[DutyShift, str, uuid.UUID]]:
    """Live shifts (any group) that these people are on, with the group's name and the person."""
    if not person_ids:
        return []
    rows = session.execute(
        select(DutyShift, WatchGroup.name, Volunteer.person_id)
        .join(ShiftAssignment, ShiftAssignment.shift_id == DutyShift.id)
        .join(Volunteer, ShiftAssignment.volunteer_id == Volunteer.id)
        .join(WatchGroup, DutyShift.group_id == WatchGroup.id)
        .where(
            Volunteer.person_id.in_(person_ids),
            ShiftAssignment.deleted_at.is_(None),
            DutyShift.deleted_at.is_(None),
            DutyShift.shift_date.between(from_day, to_day),
        )
        .order_by(DutyShift.shift_date, DutyShift.starts, DutyShift.id)
    )
    return [(shift, name, person_id) for shift, name, person_id in rows]


def duty_clash(
    session: Session, person_id: uuid.UUID, interval: Interval, exclude_shift: uuid.UUID
) -> tuple[DutyShift, str] | None:
    """Another shift (any group) the person is on that overlaps ``interval``, with its group's name."""
    day = interval.start.date()
    for shift, group_name, _person in duties_of_people(
        session, [person_id], day - timedelta(days=1), day + timedelta(days=1)
    ):
        if shift.id != exclude_shift and interval_of(shift).overlaps(interval):
            return shift, group_name
    return None


def put_on(session: Session, shift_id: uuid.UUID, volunteer_id: uuid.UUID) -> None:
    """Add the assignment, reviving the one taken off earlier (the pair is unique)."""
    earlier = session.scalar(
        select(ShiftAssignment).where(
            ShiftAssignment.shift_id == shift_id, ShiftAssignment.volunteer_id == volunteer_id
        )
    )
    if earlier is None:
        session.add(ShiftAssignment(shift_id=shift_id, volunteer_id=volunteer_id, turned_out=None))
    else:
        earlier.deleted_at = None
        earlier.turned_out = None


def unstarted_shifts(ctx: ServiceContext, session: Session, group_id: uuid.UUID) -> list[DutyShift]:
    """The group's live shifts that have not started yet."""
    now = local_now(ctx)
    candidates = session.scalars(
        select(DutyShift).where(
            DutyShift.group_id == group_id,
            DutyShift.deleted_at.is_(None),
            DutyShift.shift_date >= now.date() - timedelta(days=1),
        )
    )
    return [s for s in candidates if interval_of(s).start > now]


def soft_delete_shift(ctx: ServiceContext, session: Session, shift: DutyShift) -> None:
    """Delete a shift with its assignments (soft)."""
    now = ctx.now()
    for assignment in live_assignments(session, [shift.id]):
        assignment.deleted_at = now
    shift.deleted_at = now


def off_duty(ctx: ServiceContext, session: Session, volunteer: Volunteer) -> None:
    """Take the volunteer off shifts that have not started (and clear them as leader once they left)."""
    now = local_now(ctx)
    rows = session.execute(
        select(ShiftAssignment, DutyShift)
        .join(DutyShift, ShiftAssignment.shift_id == DutyShift.id)
        .where(
            ShiftAssignment.volunteer_id == volunteer.id,
            ShiftAssignment.deleted_at.is_(None),
            DutyShift.deleted_at.is_(None),
            DutyShift.shift_date >= now.date() - timedelta(days=1),
        )
    )
    stamp = ctx.now()
    for assignment, shift in rows:
        if interval_of(shift).start > now and assignment.turned_out is None:
            assignment.deleted_at = stamp
    if volunteer.left_on is not None:
        clear_leader(session, volunteer)


def clear_leader(session: Session, volunteer: Volunteer) -> None:
    """The volunteer is no longer the group's leader."""
    group = session.get(WatchGroup, volunteer.group_id)
    if group is not None and group.leader_person_id == volunteer.person_id:
        group.leader_person_id = None
