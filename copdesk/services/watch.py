"""Neighbourhood watch (Theekree Pehra): groups, volunteers, duty shifts, turn-out and the night rotation.

Rules kept here:

- a person is at most once an active volunteer of a group; only verified, active volunteers go on duty;
- police verification is recorded by officers only;
- nobody is double-booked: a volunteer (the same person, in any group) is never on two shifts that overlap;
- a shift never gets more volunteers than it needs;
- turn-out is ticked only once the shift has started (local time);
- a volunteer who leaves, is rejected or deleted comes off the shifts that have not started yet, and so do the
  shifts of a group that is deactivated or deleted.
"""

from __future__ import annotations

import calendar
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from copdesk.domain.rotation import Interval, ShiftSlot, crosses_midnight, plan_rotation, shift_interval
from copdesk.errors import ConflictError, NotFound, ValidationError, WorkflowError
from copdesk.models.organisation import Beat, Station
from copdesk.models.people import Person
from copdesk.models.watch import DutyShift, ShiftAssignment, VerificationStatus, Volunteer, WatchGroup
from copdesk.services.context import Service, requires
from copdesk.services.paging import Page, PageRequest, apply_search, apply_sort, count_rows, window
from copdesk.services.privacy import show_contact, show_mobile

__all__ = [
    "GroupDraft",
    "GroupView",
    "NoShowCount",
    "RosterRow",
    "RosterView",
    "RotationResult",
    "ShiftAssignmentView",
    "ShiftDraft",
    "ShiftView",
    "UncoveredShift",
    "VerificationStatus",
    "VolunteerDraft",
    "VolunteerDuty",
    "VolunteerView",
    "WatchService",
    "describe_shift",
]

NAME_MAX = 120
NOTES_MAX = 2_000
MAX_VOLUNTEERS_PER_SHIFT = 50
MAX_ROTATION_DAYS = 31
MAX_RANGE_DAYS = 366
NIGHT_STARTS = time(22, 0)
NIGHT_ENDS = time(4, 0)
_FILTERS = frozenset({"station_id", "beat_id", "active"})


# ---------------------------------------------------------------------------------------------------- views


@dataclass(frozen=True)
class GroupDraft:
    """What the group form gives. ``formed_on`` defaults to today; the leader must be a volunteer of the group."""

    beat_id: uuid.UUID
    name: str
    formed_on: date | None = None
    leader_person_id: uuid.UUID | None = None
    notes: str = ""
    active: bool = True


@dataclass(frozen=True)
class GroupView:
    """A watch group with its beat, station, leader and how many volunteers it has."""

    id: uuid.UUID
    version: int
    beat_id: uuid.UUID
    beat_name: str
    station_id: uuid.UUID
    station_name: str
    name: str
    formed_on: date
    leader_person_id: uuid.UUID | None
    leader_name: str
    notes: str
    active: bool
    #: Volunteers who have not left.
    volunteers: int
    #: Of those, the police-verified ones (who may go on duty).
    verified_volunteers: int


@dataclass(frozen=True)
class VolunteerDraft:
    """A person joining a group. ``joined_on`` defaults to today."""

    person_id: uuid.UUID
    joined_on: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class VolunteerView:
    """A volunteer with the person's name and mobile as the signed-in role may see them."""

    id: uuid.UUID
    version: int
    group_id: uuid.UUID
    person_id: uuid.UUID
    name: str
    mobile: str
    verification_status: VerificationStatus
    verified_on: date | None
    verified_by: str | None
    joined_on: date
    left_on: date | None
    notes: str

    @property
    def active(self) -> bool:
        """True until the volunteer leaves the group."""
        return self.left_on is None

    @property
    def may_go_on_duty(self) -> bool:
        """Only verified volunteers who have not left are put on duty."""
        return self.active and self.verification_status is VerificationStatus.VERIFIED


@dataclass(frozen=True)
class ShiftDraft:
    """A new shift. ``ends`` at or before ``starts`` means the shift ends the next morning (22:00–04:00)."""

    group_id: uuid.UUID
    shift_date: date
    starts: time = NIGHT_STARTS
    ends: time = NIGHT_ENDS
    volunteers_needed: int = 2
    notes: str = ""


@dataclass(frozen=True)
class ShiftAssignmentView:
    """A volunteer on a shift and whether they turned out (None until ticked)."""

    volunteer_id: uuid.UUID
    person_id: uuid.UUID
    name: str
    mobile: str
    turned_out: bool | None


@dataclass(frozen=True)
class ShiftView:
    """A duty shift with its volunteers."""

    id: uuid.UUID
    version: int
    group_id: uuid.UUID
    group_name: str
    beat_id: uuid.UUID
    shift_date: date
    starts: time
    ends: time
    volunteers_needed: int
    notes: str
    volunteers: tuple[ShiftAssignmentView, ...]

    @property
    def ends_next_day(self) -> bool:
        """True for a shift that runs past midnight."""
        return crosses_midnight(self.starts, self.ends)

    @property
    def short_by(self) -> int:
        """How many more volunteers the shift needs."""
        return max(0, self.volunteers_needed - len(self.volunteers))


@dataclass(frozen=True)
class UncoveredShift:
    """A shift with fewer volunteers than it needs (dashboard, rotation report)."""

    shift_id: uuid.UUID
    group_id: uuid.UUID
    group_name: str
    beat_id: uuid.UUID
    beat_name: str
    station_id: uuid.UUID
    station_name: str
    shift_date: date
    starts: time
    ends: time
    volunteers_needed: int
    assigned: int

    @property
    def short_by(self) -> int:
        """How many more volunteers the shift needs."""
        return max(0, self.volunteers_needed - self.assigned)


@dataclass(frozen=True)
class VolunteerDuty:
    """How many duties a volunteer has over a rotation period."""

    volunteer_id: uuid.UUID
    name: str
    duties: int


@dataclass(frozen=True)
class RotationResult:
    """What :meth:`WatchService.generate_rotation` did for the period."""

    group_id: uuid.UUID
    first_day: date
    last_day: date
    shifts_created: int
    assignments_made: int
    #: The period's night shifts of the group, in date order, as they stand now.
    shifts: tuple[ShiftView, ...]
    #: Shifts still short of volunteers (too few verified volunteers were free).
    unfilled: tuple[UncoveredShift, ...]
    #: Days with no night shift because another shift of the group already takes that time.
    skipped_days: tuple[date, ...]
    #: Duties per available volunteer over the period (this group), fewest first.
    duties: tuple[VolunteerDuty, ...]


@dataclass(frozen=True)
class RosterRow:
    """One beat of the roster grid: for each of the seven days, that day's shifts."""

    beat_id: uuid.UUID
    beat_name: str
    station_id: uuid.UUID
    station_name: str
    days: tuple[tuple[ShiftView, ...], ...]


@dataclass(frozen=True)
class RosterView:
    """A week's roster: beats × seven days (for the roster screen and the printed roster)."""

    week_start: date
    days: tuple[date, ...]
    station_id: uuid.UUID | None
    rows: tuple[RosterRow, ...]


@dataclass(frozen=True)
class NoShowCount:
    """A volunteer's turn-out over a month: shifts put on, turned out, did not turn out, not yet ticked."""

    volunteer_id: uuid.UUID
    name: str
    assigned: int
    turned_out: int
    no_shows: int
    not_recorded: int


# ---------------------------------------------------------------------------------------------------- helpers


def describe_shift(shift_date: date, starts: time, ends: time) -> str:
    """A shift as a clerk reads it: ``Monday 3 March 2025, 22:00–04:00 (ends next day)``."""
    text = f"{shift_date:%A} {shift_date.day} {shift_date:%B %Y}, {starts:%H:%M}–{ends:%H:%M}"
    return text + " (ends next day)" if crosses_midnight(starts, ends) else text


def _clean_name(value: str) -> str:
    name = " ".join((value or "").split())
    if not name:
        raise ValidationError("Enter the group's name.", "name")
    if len(name) > NAME_MAX:
        raise ValidationError(f"The group's name can be at most {NAME_MAX} characters long.", "name")
    return name


def _clean_notes(value: str) -> str:
    notes = (value or "").strip()
    if len(notes) > NOTES_MAX:
        raise ValidationError(f"The notes can be at most {NOTES_MAX} characters long.", "notes")
    return notes


def _as_uuid(value: Any, field: str) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError("This is not a valid record reference.", field) from None


def _interval(shift: DutyShift) -> Interval:
    return shift_interval(shift.shift_date, shift.starts, shift.ends)


def _month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


# ---------------------------------------------------------------------------------------------------- service


class WatchService(Service):
    """Neighbourhood-watch groups, volunteers, duty shifts, turn-out, rotation and roster."""

    # ---------------------------------------------------------------- groups

    @requires("watch.view")
    def get_group(self, group_id: uuid.UUID) -> GroupView:
        """One watch group."""
        with self.ctx.read() as session:
            return self._group_views(session, [self._group(session, group_id)])[0]

    @requires("watch.view")
    def count(self, request: PageRequest) -> int:
        """How many groups the list shows (filters ``station_id``, ``beat_id``, ``active``; search by name)."""
        with self.ctx.read() as session:
            return count_rows(session, self._group_query(session, request))

    @requires("watch.view")
    def page(self, request: PageRequest) -> Page[GroupView]:
        """A page of groups, sorted by ``name`` (default), ``formed_on``, ``beat``, ``station`` or ``active``."""
        with self.ctx.read() as session:
            sorts = {
                "name": WatchGroup.name,
                "formed_on": WatchGroup.formed_on,
                "beat": Beat.name,
                "station": Station.name,
                "active": WatchGroup.active,
            }
            query = apply_sort(self._group_query(session, request), request, sorts, "name", WatchGroup.id)
            groups = list(session.scalars(window(query, request)))
            return Page(request.offset, tuple(self._group_views(session, groups)))

    @requires("watch.manage")
    def create_group(self, draft: GroupDraft) -> GroupView:
        """Form a new watch group in a beat (with no leader until its volunteers are added)."""
        with self.ctx.write() as session:
            beat = self._beat(session, draft.beat_id)
            name = _clean_name(draft.name)
            formed_on = self._formed_on(draft.formed_on)
            if draft.leader_person_id is not None:
                raise ValidationError(
                    "Add the leader to the group as a volunteer first, then choose them as leader.",
                    "leader_person_id",
                )
            self._check_unique_name(session, beat.id, name, None)
            group = WatchGroup(
                beat_id=beat.id,
                name=name,
                formed_on=formed_on,
                leader_person_id=None,
                notes=_clean_notes(draft.notes),
                active=bool(draft.active),
            )
            session.add(group)
            session.flush()
            return self._group_views(session, [group])[0]

    @requires("watch.manage")
    def update_group(self, group_id: uuid.UUID, expected_version: int, draft: GroupDraft) -> GroupView:
        """Edit a group. Deactivating it takes its shifts that have not started off the roster."""
        with self.ctx.write() as session:
            group = self._group(session, group_id)
            self._check_version(group, expected_version, "group")
            beat = self._beat(session, draft.beat_id)
            name = _clean_name(draft.name)
            formed_on = self._formed_on(draft.formed_on or group.formed_on)
            self._check_unique_name(session, beat.id, name, group.id)
            if (
                draft.leader_person_id is not None
                and self._active_volunteer_of(session, group.id, draft.leader_person_id) is None
            ):
                raise ValidationError(
                    "The leader must be a volunteer of this group who has not left.", "leader_person_id"
                )
            upcoming = self._unstarted_shifts(session, group.id)
            if beat.id != group.beat_id:
                for shift in upcoming:
                    shift.beat_id = beat.id
            if group.active and not draft.active:
                for shift in upcoming:
                    self._delete_shift(session, shift)
            group.beat_id = beat.id
            group.name = name
            group.formed_on = formed_on
            group.leader_person_id = draft.leader_person_id
            group.notes = _clean_notes(draft.notes)
            group.active = bool(draft.active)
            session.flush()
            return self._group_views(session, [group])[0]

    @requires("watch.delete")
    def delete_group(self, group_id: uuid.UUID) -> None:
        """Delete a group with its volunteers, shifts and assignments (all soft)."""
        with self.ctx.write() as session:
            group = self._group(session, group_id)
            now = self.ctx.now()
            for shift in session.scalars(
                select(DutyShift).where(DutyShift.group_id == group.id, DutyShift.deleted_at.is_(None))
            ):
                self._delete_shift(session, shift)
            for volunteer in session.scalars(
                select(Volunteer).where(Volunteer.group_id == group.id, Volunteer.deleted_at.is_(None))
            ):
                volunteer.deleted_at = now
            group.deleted_at = now

    # ---------------------------------------------------------------- volunteers

    @requires("watch.view")
    def volunteers(self, group_id: uuid.UUID, include_left: bool = False) -> tuple[VolunteerView, ...]:
        """The group's volunteers by name (those who left only with ``include_left``)."""
        with self.ctx.read() as session:
            group = self._group(session, group_id)
            query = (
                select(Volunteer, Person)
                .join(Person, Volunteer.person_id == Person.id)
                .where(Volunteer.group_id == group.id, Volunteer.deleted_at.is_(None))
                .order_by(Person.name, Volunteer.joined_on, Volunteer.id)
            )
            if not include_left:
                query = query.where(Volunteer.left_on.is_(None))
            return tuple(self._volunteer_view(volunteer, person) for volunteer, person in session.execute(query))

    @requires("watch.view")
    def get_volunteer(self, volunteer_id: uuid.UUID) -> VolunteerView:
        """One volunteer."""
        with self.ctx.read() as session:
            volunteer = self._volunteer(session, volunteer_id)
            return self._volunteer_view(volunteer, self._person(session, volunteer.person_id))

    @requires("watch.manage")
    def add_volunteer(self, group_id: uuid.UUID, draft: VolunteerDraft) -> VolunteerView:
        """Add a person to a group as a volunteer (police verification pending)."""
        with self.ctx.write() as session:
            group = self._group(session, group_id)
            if not group.active:
                raise WorkflowError("This group is inactive. Make it active again before adding volunteers.")
            person = self._person(session, draft.person_id)
            if self._active_volunteer_of(session, group.id, person.id) is not None:
                raise ConflictError(f"{show_contact(self.ctx, person.name)} is already a volunteer of this group.")
            joined_on = self._joined_on(draft.joined_on)
            volunteer = Volunteer(
                group_id=group.id,
                person_id=person.id,
                verification_status=VerificationStatus.PENDING,
                joined_on=joined_on,
                notes=_clean_notes(draft.notes),
            )
            session.add(volunteer)
            session.flush()
            return self._volunteer_view(volunteer, person)

    @requires("watch.manage")
    def update_volunteer(
        self, volunteer_id: uuid.UUID, expected_version: int, *, joined_on: date, notes: str = ""
    ) -> VolunteerView:
        """Correct when a volunteer joined and the notes about them."""
        with self.ctx.write() as session:
            volunteer = self._volunteer(session, volunteer_id)
            self._check_version(volunteer, expected_version, "volunteer")
            joined = self._joined_on(joined_on)
            if volunteer.left_on is not None and joined > volunteer.left_on:
                raise ValidationError("The joining date cannot be after the date the volunteer left.", "joined_on")
            volunteer.joined_on = joined
            volunteer.notes = _clean_notes(notes)
            session.flush()
            return self._volunteer_view(volunteer, self._person(session, volunteer.person_id))

    @requires("watch.manage")
    def leave(self, volunteer_id: uuid.UUID, expected_version: int, left_on: date | None = None) -> VolunteerView:
        """Record that a volunteer left the group; they come off shifts that have not started."""
        with self.ctx.write() as session:
            volunteer = self._volunteer(session, volunteer_id)
            self._check_version(volunteer, expected_version, "volunteer")
            if volunteer.left_on is not None:
                raise WorkflowError(f"This volunteer already left the group on {volunteer.left_on:%d %B %Y}.")
            left = left_on or self.ctx.today()
            if left > self.ctx.today():
                raise ValidationError("The date of leaving cannot be in the future.", "left_on")
            if left < volunteer.joined_on:
                raise ValidationError("The date of leaving cannot be before the date the volunteer joined.", "left_on")
            volunteer.left_on = left
            self._off_duty(session, volunteer)
            session.flush()
            return self._volunteer_view(volunteer, self._person(session, volunteer.person_id))

    @requires("watch.verify_volunteer")
    def verify(self, volunteer_id: uuid.UUID, expected_version: int, status: VerificationStatus | str) -> VolunteerView:
        """Record the police verification of a volunteer (officers only).

        Verified or rejected records today's date and the officer; back to pending clears them. A volunteer who
        is no longer verified comes off the shifts that have not started.
        """
        try:
            new_status = VerificationStatus(status)
        except ValueError:
            raise ValidationError("Choose pending, verified or rejected.", "verification_status") from None
        with self.ctx.write() as session:
            volunteer = self._volunteer(session, volunteer_id)
            self._check_version(volunteer, expected_version, "volunteer")
            volunteer.verification_status = new_status
            if new_status is VerificationStatus.PENDING:
                volunteer.verified_on = None
                volunteer.verified_by = None
            else:
                volunteer.verified_on = self.ctx.today()
                volunteer.verified_by = self.ctx.actor.username
            if new_status is not VerificationStatus.VERIFIED:
                self._off_duty(session, volunteer)
            session.flush()
            return self._volunteer_view(volunteer, self._person(session, volunteer.person_id))

    @requires("watch.delete")
    def delete_volunteer(self, volunteer_id: uuid.UUID) -> None:
        """Delete a volunteer added by mistake, with all their shift assignments (soft)."""
        with self.ctx.write() as session:
            volunteer = self._volunteer(session, volunteer_id)
            now = self.ctx.now()
            for assignment in session.scalars(
                select(ShiftAssignment).where(
                    ShiftAssignment.volunteer_id == volunteer.id, ShiftAssignment.deleted_at.is_(None)
                )
            ):
                assignment.deleted_at = now
            self._clear_leader(session, volunteer)
            volunteer.deleted_at = now

    # ---------------------------------------------------------------- shifts

    @requires("watch.view")
    def get_shift(self, shift_id: uuid.UUID) -> ShiftView:
        """One shift with its volunteers."""
        with self.ctx.read() as session:
            return self._shift_views(session, [self._shift(session, shift_id)])[0]

    @requires("watch.view")
    def shifts(self, group_id: uuid.UUID, from_day: date, to_day: date) -> tuple[ShiftView, ...]:
        """A group's shifts between two days (inclusive), in time order."""
        self._check_range(from_day, to_day)
        with self.ctx.read() as session:
            group = self._group(session, group_id)
            rows = session.scalars(
                select(DutyShift)
                .where(
                    DutyShift.group_id == group.id,
                    DutyShift.deleted_at.is_(None),
                    DutyShift.shift_date.between(from_day, to_day),
                )
                .order_by(DutyShift.shift_date, DutyShift.starts, DutyShift.id)
            )
            return tuple(self._shift_views(session, list(rows)))

    @requires("watch.manage")
    def create_shift(self, draft: ShiftDraft) -> ShiftView:
        """Put a shift on the group's roster (it may not overlap another shift of the same group)."""
        needed = self._check_needed(draft.volunteers_needed, "volunteers_needed")
        self._check_times(draft.starts, draft.ends)
        with self.ctx.write() as session:
            group = self._group(session, draft.group_id)
            if not group.active:
                raise WorkflowError("This group is inactive. Make it active again before planning its shifts.")
            interval = shift_interval(draft.shift_date, draft.starts, draft.ends)
            clash = self._group_shift_overlapping(session, group.id, interval)
            if clash is not None:
                raise ValidationError(
                    "This group already has a shift at that time: "
                    f"{describe_shift(clash.shift_date, clash.starts, clash.ends)}.",
                    "starts",
                )
            shift = DutyShift(
                group_id=group.id,
                beat_id=group.beat_id,
                shift_date=draft.shift_date,
                starts=draft.starts,
                ends=draft.ends,
                volunteers_needed=needed,
                notes=_clean_notes(draft.notes),
            )
            session.add(shift)
            session.flush()
            return self._shift_views(session, [shift])[0]

    @requires("watch.manage")
    def delete_shift(self, shift_id: uuid.UUID) -> None:
        """Take a shift off the roster, unless turn-out has been recorded for it."""
        with self.ctx.write() as session:
            shift = self._shift(session, shift_id)
            recorded = session.scalar(
                select(func.count()).where(
                    ShiftAssignment.shift_id == shift.id,
                    ShiftAssignment.deleted_at.is_(None),
                    ShiftAssignment.turned_out.is_not(None),
                )
            )
            if recorded:
                raise WorkflowError(
                    "Turn-out has been recorded for this shift, so it is part of the record and cannot be deleted."
                )
            self._delete_shift(session, shift)

    @requires("watch.manage")
    def assign(self, shift_id: uuid.UUID, volunteer_id: uuid.UUID) -> ShiftView:
        """Put a verified, active volunteer of the group on a shift (never double-booked, never over the need)."""
        with self.ctx.write() as session:
            shift = self._shift(session, shift_id)
            volunteer = self._volunteer(session, volunteer_id)
            person = self._person(session, volunteer.person_id)
            name = show_contact(self.ctx, person.name)
            if volunteer.group_id != shift.group_id:
                raise ValidationError(f"{name} is not a volunteer of this shift's group.", "volunteer_id")
            self._check_may_serve(volunteer, name, shift.shift_date)
            current = self._live_assignments(session, [shift.id])
            if any(a.volunteer_id == volunteer.id for a in current):
                raise ConflictError(f"{name} is already on this shift.")
            if len(current) >= shift.volunteers_needed:
                raise ValidationError(
                    f"This shift needs only {shift.volunteers_needed} volunteer(s) and is already full.",
                    "volunteer_id",
                )
            clash = self._clash(session, volunteer.person_id, _interval(shift), exclude_shift=shift.id)
            if clash is not None:
                other, group_name = clash
                raise ValidationError(
                    f"{name} is already on duty with {group_name} on "
                    f"{describe_shift(other.shift_date, other.starts, other.ends)}, which overlaps this shift.",
                    "volunteer_id",
                )
            self._put_on(session, shift.id, volunteer.id)
            session.flush()
            return self._shift_views(session, [shift])[0]

    @requires("watch.manage")
    def unassign(self, shift_id: uuid.UUID, volunteer_id: uuid.UUID) -> ShiftView:
        """Take a volunteer off a shift (not once their turn-out is recorded)."""
        with self.ctx.write() as session:
            shift = self._shift(session, shift_id)
            assignment = next(
                (a for a in self._live_assignments(session, [shift.id]) if a.volunteer_id == volunteer_id), None
            )
            if assignment is None:
                raise NotFound("This volunteer is not on this shift.")
            if assignment.turned_out is not None:
                raise WorkflowError("Turn-out has been recorded for this volunteer; they cannot be taken off.")
            assignment.deleted_at = self.ctx.now()
            session.flush()
            return self._shift_views(session, [shift])[0]

    @requires("watch.manage")
    def record_turnout(self, shift_id: uuid.UUID, turnout: Mapping[uuid.UUID, bool]) -> ShiftView:
        """Tick who turned out for a shift (only once it has started); a tick can be corrected later."""
        if not turnout:
            raise ValidationError("Tick at least one volunteer.", "turnout")
        with self.ctx.write() as session:
            shift = self._shift(session, shift_id)
            if self._local_now() < _interval(shift).start:
                raise WorkflowError(
                    "Turn-out can be recorded only once the shift has started "
                    f"({describe_shift(shift.shift_date, shift.starts, shift.ends)})."
                )
            by_volunteer = {a.volunteer_id: a for a in self._live_assignments(session, [shift.id])}
            for volunteer_id, came in turnout.items():
                assignment = by_volunteer.get(_as_uuid(volunteer_id, "turnout"))
                if assignment is None:
                    raise ValidationError("One of the ticked volunteers is not on this shift.", "turnout")
                if not isinstance(came, bool):
                    raise ValidationError("Tick each volunteer as turned out or not.", "turnout")
                assignment.turned_out = came
            session.flush()
            return self._shift_views(session, [shift])[0]

    # ---------------------------------------------------------------- rotation and roster

    @requires("watch.roster")
    def generate_rotation(
        self,
        group_id: uuid.UUID,
        first_day: date,
        days: int,
        starts: time = NIGHT_STARTS,
        ends: time = NIGHT_ENDS,
        per_shift: int = 2,
    ) -> RotationResult:
        """Create the group's missing night shifts for ``days`` days from ``first_day`` and fill them fairly.

        Existing shifts at the same start time are kept (with their own need) and filled up; existing
        assignments stay and count towards fairness. Volunteers busy elsewhere (any group) are not double-booked.
        Shifts that remain short are reported in ``unfilled``.
        """
        if not isinstance(days, int) or not 1 <= days <= MAX_ROTATION_DAYS:
            raise ValidationError(f"A rotation covers 1 to {MAX_ROTATION_DAYS} days.", "days")
        needed = self._check_needed(per_shift, "per_shift")
        self._check_times(starts, ends)
        last_day = first_day + timedelta(days=days - 1)
        with self.ctx.write() as session:
            group = self._group(session, group_id)
            if not group.active:
                raise WorkflowError("This group is inactive. Make it active again before planning its shifts.")
            existing = list(
                session.scalars(
                    select(DutyShift).where(
                        DutyShift.group_id == group.id,
                        DutyShift.deleted_at.is_(None),
                        DutyShift.shift_date.between(first_day - timedelta(days=1), last_day),
                    )
                )
            )
            slots: list[DutyShift] = []
            skipped: list[date] = []
            created = 0
            for offset in range(days):
                day = first_day + timedelta(days=offset)
                same = next((s for s in existing if s.shift_date == day and s.starts == starts), None)
                if same is not None:
                    slots.append(same)
                    continue
                interval = shift_interval(day, starts, ends)
                if any(_interval(s).overlaps(interval) for s in existing):
                    skipped.append(day)
                    continue
                shift = DutyShift(
                    group_id=group.id,
                    beat_id=group.beat_id,
                    shift_date=day,
                    starts=starts,
                    ends=ends,
                    volunteers_needed=needed,
                    notes="",
                )
                session.add(shift)
                existing.append(shift)
                slots.append(shift)
                created += 1
            session.flush()

            pool = list(
                session.scalars(
                    select(Volunteer).where(
                        Volunteer.group_id == group.id,
                        Volunteer.deleted_at.is_(None),
                        Volunteer.left_on.is_(None),
                        Volunteer.verification_status == VerificationStatus.VERIFIED,
                    )
                )
            )
            by_person = {v.person_id: v for v in pool}
            slot_ids = {s.id for s in slots}
            on_slots: dict[uuid.UUID, list[str]] = defaultdict(list)
            for assignment in self._live_assignments(session, list(slot_ids)):
                on_slots[assignment.shift_id].append(str(assignment.volunteer_id))
            prior: dict[str, int] = defaultdict(int)
            busy: dict[str, list[Interval]] = defaultdict(list)
            for volunteer in pool:
                if volunteer.joined_on > first_day:  # not on duty before joining
                    busy[str(volunteer.id)].append(
                        Interval(datetime.combine(first_day, time()), datetime.combine(volunteer.joined_on, time()))
                    )
            for other, _group_name, person_id in self._duties_of_people(
                session, list(by_person), first_day - timedelta(days=1), last_day + timedelta(days=1)
            ):
                if other.id in slot_ids:
                    continue
                key = str(by_person[person_id].id)
                busy[key].append(_interval(other))
                if other.group_id == group.id and first_day <= other.shift_date <= last_day:
                    prior[key] += 1
            plan = plan_rotation(
                [str(v.id) for v in pool],
                [ShiftSlot(str(s.id), _interval(s), s.volunteers_needed, tuple(on_slots.get(s.id, ()))) for s in slots],
                prior_counts=prior,
                busy=busy,
            )
            made = 0
            for key, volunteer_ids in plan.assignments.items():
                for volunteer_key in volunteer_ids:
                    self._put_on(session, uuid.UUID(key), uuid.UUID(volunteer_key))
                    made += 1
            session.flush()

            slots.sort(key=lambda s: (s.shift_date, s.starts))
            views = tuple(self._shift_views(session, slots))
            unfilled = tuple(self._uncovered(session, [v for v in views if v.short_by > 0]))
            people = self._people(session, [v.person_id for v in pool])
            pool.sort(key=lambda v: (plan.counts[str(v.id)], people[v.person_id].name, str(v.id)))
            duties = [
                VolunteerDuty(v.id, show_contact(self.ctx, people[v.person_id].name), plan.counts[str(v.id)])
                for v in pool
            ]
            return RotationResult(
                group_id=group.id,
                first_day=first_day,
                last_day=last_day,
                shifts_created=created,
                assignments_made=made,
                shifts=views,
                unfilled=unfilled,
                skipped_days=tuple(skipped),
                duties=tuple(duties),
            )

    @requires("watch.roster")
    def roster(self, week_start: date, station_id: uuid.UUID | None = None) -> RosterView:
        """The week's roster from ``week_start``: every beat with an active group or a shift, × seven days."""
        days = tuple(week_start + timedelta(days=i) for i in range(7))
        with self.ctx.read() as session:
            shift_query = (
                select(DutyShift)
                .join(WatchGroup, DutyShift.group_id == WatchGroup.id)
                .join(Beat, DutyShift.beat_id == Beat.id)
                .where(
                    DutyShift.deleted_at.is_(None),
                    WatchGroup.deleted_at.is_(None),
                    DutyShift.shift_date.between(days[0], days[-1]),
                )
                .order_by(DutyShift.shift_date, DutyShift.starts, WatchGroup.name, DutyShift.id)
            )
            beat_query = (
                select(Beat, Station)
                .join(Station, Beat.station_id == Station.id)
                .where(Beat.deleted_at.is_(None))
                .order_by(Station.name, Beat.name, Beat.id)
            )
            if station_id is not None:
                station = _as_uuid(station_id, "station_id")
                shift_query = shift_query.where(Beat.station_id == station)
                beat_query = beat_query.where(Beat.station_id == station)
            shifts = list(session.scalars(shift_query))
            views = self._shift_views(session, shifts)
            by_cell: dict[tuple[uuid.UUID, date], list[ShiftView]] = defaultdict(list)
            for view in views:
                by_cell[(view.beat_id, view.shift_date)].append(view)
            beats_with_groups = set(
                session.scalars(
                    select(WatchGroup.beat_id).where(WatchGroup.deleted_at.is_(None), WatchGroup.active.is_(True))
                )
            )
            beats_with_shifts = {view.beat_id for view in views}
            rows = tuple(
                RosterRow(
                    beat_id=beat.id,
                    beat_name=beat.name,
                    station_id=station.id,
                    station_name=station.name,
                    days=tuple(tuple(by_cell.get((beat.id, day), ())) for day in days),
                )
                for beat, station in session.execute(beat_query)
                if beat.id in beats_with_groups or beat.id in beats_with_shifts
            )
            return RosterView(
                week_start=week_start,
                days=days,
                station_id=None if station_id is None else _as_uuid(station_id, "station_id"),
                rows=rows,
            )

    @requires("watch.view")
    def uncovered_shifts(
        self, from_day: date, to_day: date, station_id: uuid.UUID | None = None
    ) -> tuple[UncoveredShift, ...]:
        """Shifts between two days (inclusive) with fewer volunteers than they need, in time order."""
        self._check_range(from_day, to_day)
        with self.ctx.read() as session:
            assigned = (
                select(ShiftAssignment.shift_id, func.count().label("assigned"))
                .where(ShiftAssignment.deleted_at.is_(None))
                .group_by(ShiftAssignment.shift_id)
                .subquery()
            )
            query = (
                select(DutyShift, func.coalesce(assigned.c.assigned, 0))
                .join(WatchGroup, DutyShift.group_id == WatchGroup.id)
                .join(Beat, DutyShift.beat_id == Beat.id)
                .outerjoin(assigned, assigned.c.shift_id == DutyShift.id)
                .where(
                    DutyShift.deleted_at.is_(None),
                    WatchGroup.deleted_at.is_(None),
                    DutyShift.shift_date.between(from_day, to_day),
                    func.coalesce(assigned.c.assigned, 0) < DutyShift.volunteers_needed,
                )
                .order_by(DutyShift.shift_date, DutyShift.starts, Beat.name, WatchGroup.name, DutyShift.id)
            )
            if station_id is not None:
                query = query.where(Beat.station_id == _as_uuid(station_id, "station_id"))
            rows = [(shift, int(count)) for shift, count in session.execute(query)]
            return tuple(self._uncovered_rows(session, rows))

    @requires("watch.view")
    def no_show_counts(self, group_id: uuid.UUID, month: date) -> tuple[NoShowCount, ...]:
        """Turn-out per volunteer of a group over the month containing ``month``, most no-shows first.

        Lists every volunteer put on a shift that month and every volunteer who has not left.
        """
        first, last = _month_bounds(month)
        with self.ctx.read() as session:
            group = self._group(session, group_id)
            rows = session.execute(
                select(ShiftAssignment.volunteer_id, ShiftAssignment.turned_out, DutyShift)
                .join(DutyShift, ShiftAssignment.shift_id == DutyShift.id)
                .where(
                    DutyShift.group_id == group.id,
                    DutyShift.deleted_at.is_(None),
                    ShiftAssignment.deleted_at.is_(None),
                    DutyShift.shift_date.between(first, last),
                )
            ).all()
            now = self._local_now()
            tally: dict[uuid.UUID, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
            for volunteer_id, turned_out, shift in rows:
                counts = tally[volunteer_id]
                counts[0] += 1
                if turned_out is True:
                    counts[1] += 1
                elif turned_out is False:
                    counts[2] += 1
                elif _interval(shift).start <= now:
                    counts[3] += 1
            volunteers = list(
                session.scalars(
                    select(Volunteer).where(
                        Volunteer.group_id == group.id,
                        Volunteer.deleted_at.is_(None),
                        or_(Volunteer.left_on.is_(None), Volunteer.id.in_(list(tally))),
                    )
                )
            )
            people = self._people(session, [v.person_id for v in volunteers])
            ordered = sorted(
                volunteers, key=lambda v: (-tally[v.id][2] if v.id in tally else 0, people[v.person_id].name, v.id)
            )
            return tuple(
                NoShowCount(v.id, show_contact(self.ctx, people[v.person_id].name), *tally.get(v.id, [0, 0, 0, 0]))
                for v in ordered
            )

    # ---------------------------------------------------------------- private: lookups and checks

    def _local_now(self) -> datetime:
        """Now as local wall-clock time (what shift times are written in)."""
        return self.ctx.now().astimezone().replace(tzinfo=None)

    @staticmethod
    def _check_version(record: Any, expected_version: int, what: str) -> None:
        if record.version != expected_version:
            raise ConflictError(
                f"Someone else changed this {what} since you opened it. Reload it and make your change again."
            )

    @staticmethod
    def _check_needed(value: int, field: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_VOLUNTEERS_PER_SHIFT:
            raise ValidationError(f"A shift needs 1 to {MAX_VOLUNTEERS_PER_SHIFT} volunteers.", field)
        return value

    @staticmethod
    def _check_times(starts: time, ends: time) -> None:
        if starts == ends:
            raise ValidationError("A shift must end at a different time than it starts.", "ends")

    @staticmethod
    def _check_range(from_day: date, to_day: date) -> None:
        if to_day < from_day:
            raise ValidationError("The last day cannot be before the first day.", "to_day")
        if (to_day - from_day).days >= MAX_RANGE_DAYS:
            raise ValidationError(f"Choose at most {MAX_RANGE_DAYS} days.", "to_day")

    def _formed_on(self, formed_on: date | None) -> date:
        day = formed_on or self.ctx.today()
        if day > self.ctx.today():
            raise ValidationError("The date the group was formed cannot be in the future.", "formed_on")
        return day

    def _joined_on(self, joined_on: date | None) -> date:
        day = joined_on or self.ctx.today()
        if day > self.ctx.today():
            raise ValidationError("The joining date cannot be in the future.", "joined_on")
        return day

    def _check_may_serve(self, volunteer: Volunteer, name: str, shift_date: date) -> None:
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

    @staticmethod
    def _beat(session: Session, beat_id: uuid.UUID) -> Beat:
        beat = session.get(Beat, _as_uuid(beat_id, "beat_id")) if beat_id is not None else None
        if beat is None or beat.deleted_at is not None:
            raise ValidationError("Choose the beat the group belongs to.", "beat_id")
        return beat

    @staticmethod
    def _group(session: Session, group_id: uuid.UUID) -> WatchGroup:
        group = session.get(WatchGroup, _as_uuid(group_id, "group_id"))
        if group is None or group.deleted_at is not None:
            raise NotFound("This watch group does not exist or has been deleted.")
        return group

    @staticmethod
    def _volunteer(session: Session, volunteer_id: uuid.UUID) -> Volunteer:
        volunteer = session.get(Volunteer, _as_uuid(volunteer_id, "volunteer_id"))
        if volunteer is None or volunteer.deleted_at is not None:
            raise NotFound("This volunteer does not exist or has been deleted.")
        return volunteer

    @staticmethod
    def _shift(session: Session, shift_id: uuid.UUID) -> DutyShift:
        shift = session.get(DutyShift, _as_uuid(shift_id, "shift_id"))
        if shift is None or shift.deleted_at is not None:
            raise NotFound("This shift does not exist or has been deleted.")
        return shift

    @staticmethod
    def _person(session: Session, person_id: uuid.UUID) -> Person:
        person = session.get(Person, _as_uuid(person_id, "person_id"))
        if person is None or person.deleted_at is not None:
            raise ValidationError("Choose the person from the people register.", "person_id")
        return person

    @staticmethod
    def _people(session: Session, person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Person]:
        ids = set(person_ids)
        if not ids:
            return {}
        return {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(ids)))}

    @staticmethod
    def _check_unique_name(session: Session, beat_id: uuid.UUID, name: str, group_id: uuid.UUID | None) -> None:
        query = select(WatchGroup.name).where(
            WatchGroup.beat_id == beat_id, WatchGroup.deleted_at.is_(None), func.lower(WatchGroup.name) == name.lower()
        )
        if group_id is not None:
            query = query.where(WatchGroup.id != group_id)
        if session.scalar(query.limit(1)) is not None:
            raise ConflictError(f"This beat already has a watch group named {name!r}.")

    @staticmethod
    def _active_volunteer_of(session: Session, group_id: uuid.UUID, person_id: uuid.UUID) -> Volunteer | None:
        return session.scalar(
            select(Volunteer).where(
                Volunteer.group_id == group_id,
                Volunteer.person_id == _as_uuid(person_id, "person_id"),
                Volunteer.deleted_at.is_(None),
                Volunteer.left_on.is_(None),
            )
        )

    @staticmethod
    def _live_assignments(session: Session, shift_ids: Sequence[uuid.UUID]) -> list[ShiftAssignment]:
        if not shift_ids:
            return []
        return list(
            session.scalars(
                select(ShiftAssignment)
                .where(ShiftAssignment.shift_id.in_(shift_ids), ShiftAssignment.deleted_at.is_(None))
                .order_by(ShiftAssignment.created_at, ShiftAssignment.id)
            )
        )

    @staticmethod
    def _group_shift_overlapping(session: Session, group_id: uuid.UUID, interval: Interval) -> DutyShift | None:
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
            if _interval(shift).overlaps(interval):
                return shift
        return None

    @staticmethod
    def _duties_of_people(
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

    def _clash(
        self, session: Session, person_id: uuid.UUID, interval: Interval, exclude_shift: uuid.UUID
    ) -> tuple[DutyShift, str] | None:
        day = interval.start.date()
        for shift, group_name, _person in self._duties_of_people(
            session, [person_id], day - timedelta(days=1), day + timedelta(days=1)
        ):
            if shift.id != exclude_shift and _interval(shift).overlaps(interval):
                return shift, group_name
        return None

    @staticmethod
    def _put_on(session: Session, shift_id: uuid.UUID, volunteer_id: uuid.UUID) -> None:
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

    def _unstarted_shifts(self, session: Session, group_id: uuid.UUID) -> list[DutyShift]:
        now = self._local_now()
        candidates = session.scalars(
            select(DutyShift).where(
                DutyShift.group_id == group_id,
                DutyShift.deleted_at.is_(None),
                DutyShift.shift_date >= now.date() - timedelta(days=1),
            )
        )
        return [s for s in candidates if _interval(s).start > now]

    def _delete_shift(self, session: Session, shift: DutyShift) -> None:
        now = self.ctx.now()
        for assignment in self._live_assignments(session, [shift.id]):
            assignment.deleted_at = now
        shift.deleted_at = now

    def _off_duty(self, session: Session, volunteer: Volunteer) -> None:
        """Take the volunteer off shifts that have not started (and clear them as leader once they left)."""
        now = self._local_now()
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
        stamp = self.ctx.now()
        for assignment, shift in rows:
            if _interval(shift).start > now and assignment.turned_out is None:
                assignment.deleted_at = stamp
        if volunteer.left_on is not None:
            self._clear_leader(session, volunteer)

    @staticmethod
    def _clear_leader(session: Session, volunteer: Volunteer) -> None:
        group = session.get(WatchGroup, volunteer.group_id)
        if group is not None and group.leader_person_id == volunteer.person_id:
            group.leader_person_id = None

    # ---------------------------------------------------------------- private: queries and views

    def _group_query(self, session: Session, request: PageRequest) -> Select[Any]:
        query = (
            select(WatchGroup)
            .join(Beat, WatchGroup.beat_id == Beat.id)
            .join(Station, Beat.station_id == Station.id)
            .where(WatchGroup.deleted_at.is_(None))
        )
        unknown = set(request.filters) - _FILTERS
        if unknown:
            raise ValidationError(f"Cannot filter watch groups by {', '.join(sorted(unknown))}.")
        filters = request.filters
        if filters.get("station_id") is not None:
            query = query.where(Beat.station_id == _as_uuid(filters["station_id"], "station_id"))
        if filters.get("beat_id") is not None:
            query = query.where(WatchGroup.beat_id == _as_uuid(filters["beat_id"], "beat_id"))
        if filters.get("active") is not None:
            query = query.where(WatchGroup.active.is_(bool(filters["active"])))
        return apply_search(query, WatchGroup, session, request.search)

    def _group_views(self, session: Session, groups: Sequence[WatchGroup]) -> list[GroupView]:
        if not groups:
            return []
        ids = [g.id for g in groups]
        places = {
            beat.id: (beat, station)
            for beat, station in session.execute(
                select(Beat, Station)
                .join(Station, Beat.station_id == Station.id)
                .where(Beat.id.in_({g.beat_id for g in groups}))
            )
        }
        counts: dict[uuid.UUID, tuple[int, int]] = {
            group_id: (int(total), int(verified or 0))
            for group_id, total, verified in session.execute(
                select(
                    Volunteer.group_id,
                    func.count(),
                    func.sum(case((Volunteer.verification_status == VerificationStatus.VERIFIED.value, 1), else_=0)),
                )
                .where(Volunteer.group_id.in_(ids), Volunteer.deleted_at.is_(None), Volunteer.left_on.is_(None))
                .group_by(Volunteer.group_id)
            )
        }
        leaders = self._people(session, [g.leader_person_id for g in groups if g.leader_person_id is not None])
        views = []
        for group in groups:
            beat, station = places[group.beat_id]
            leader = leaders.get(group.leader_person_id) if group.leader_person_id is not None else None
            total, verified = counts.get(group.id, (0, 0))
            views.append(
                GroupView(
                    id=group.id,
                    version=group.version,
                    beat_id=beat.id,
                    beat_name=beat.name,
                    station_id=station.id,
                    station_name=station.name,
                    name=group.name,
                    formed_on=group.formed_on,
                    leader_person_id=group.leader_person_id,
                    leader_name=show_contact(self.ctx, leader.name) if leader is not None else "",
                    notes=group.notes,
                    active=group.active,
                    volunteers=total,
                    verified_volunteers=verified,
                )
            )
        return views

    def _volunteer_view(self, volunteer: Volunteer, person: Person) -> VolunteerView:
        return VolunteerView(
            id=volunteer.id,
            version=volunteer.version,
            group_id=volunteer.group_id,
            person_id=person.id,
            name=show_contact(self.ctx, person.name),
            mobile=show_mobile(self.ctx, person.mobile),
            verification_status=VerificationStatus(volunteer.verification_status),
            verified_on=volunteer.verified_on,
            verified_by=volunteer.verified_by,
            joined_on=volunteer.joined_on,
            left_on=volunteer.left_on,
            notes=volunteer.notes,
        )

    def _shift_views(self, session: Session, shifts: Sequence[DutyShift]) -> list[ShiftView]:
        if not shifts:
            return []
        group_names: dict[uuid.UUID, str] = {
            group_id: name
            for group_id, name in session.execute(
                select(WatchGroup.id, WatchGroup.name).where(WatchGroup.id.in_({s.group_id for s in shifts}))
            )
        }
        on_shift: dict[uuid.UUID, list[tuple[ShiftAssignment, Volunteer, Person]]] = defaultdict(list)
        for assignment, volunteer, person in session.execute(
            select(ShiftAssignment, Volunteer, Person)
            .join(Volunteer, ShiftAssignment.volunteer_id == Volunteer.id)
            .join(Person, Volunteer.person_id == Person.id)
            .where(ShiftAssignment.shift_id.in_([s.id for s in shifts]), ShiftAssignment.deleted_at.is_(None))
            .order_by(Person.name, Volunteer.id)
        ):
            on_shift[assignment.shift_id].append((assignment, volunteer, person))
        return [
            ShiftView(
                id=shift.id,
                version=shift.version,
                group_id=shift.group_id,
                group_name=group_names.get(shift.group_id, ""),
                beat_id=shift.beat_id,
                shift_date=shift.shift_date,
                starts=shift.starts,
                ends=shift.ends,
                volunteers_needed=shift.volunteers_needed,
                notes=shift.notes,
                volunteers=tuple(
                    ShiftAssignmentView(
                        volunteer_id=volunteer.id,
                        person_id=person.id,
                        name=show_contact(self.ctx, person.name),
                        mobile=show_mobile(self.ctx, person.mobile),
                        turned_out=assignment.turned_out,
                    )
                    for assignment, volunteer, person in on_shift.get(shift.id, ())
                ),
            )
            for shift in shifts
        ]

    def _uncovered(self, session: Session, views: Sequence[ShiftView]) -> list[UncoveredShift]:
        shifts = {s.id: s for s in session.scalars(select(DutyShift).where(DutyShift.id.in_([v.id for v in views])))}
        return self._uncovered_rows(session, [(shifts[v.id], len(v.volunteers)) for v in views])

    @staticmethod
    def _uncovered_rows(session: Session, rows: Sequence[tuple[DutyShift, int]]) -> list[UncoveredShift]:
        if not rows:
            return []
        groups: dict[uuid.UUID, str] = {
            group_id: name
            for group_id, name in session.execute(
                select(WatchGroup.id, WatchGroup.name).where(WatchGroup.id.in_({s.group_id for s, _ in rows}))
            )
        }
        places = {
            beat.id: (beat, station)
            for beat, station in session.execute(
                select(Beat, Station)
                .join(Station, Beat.station_id == Station.id)
                .where(Beat.id.in_({s.beat_id for s, _ in rows}))
            )
        }
        return [
            UncoveredShift(
                shift_id=shift.id,
                group_id=shift.group_id,
                group_name=groups.get(shift.group_id, ""),
                beat_id=shift.beat_id,
                beat_name=places[shift.beat_id][0].name,
                station_id=places[shift.beat_id][1].id,
                station_name=places[shift.beat_id][1].name,
                shift_date=shift.shift_date,
                starts=shift.starts,
                ends=shift.ends,
                volunteers_needed=shift.volunteers_needed,
                assigned=assigned,
            )
            for shift, assigned in rows
        ]
