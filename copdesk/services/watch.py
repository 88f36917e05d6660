"""Neighbourhood watch (Theekree Pehra): groups, volunteers, duty shifts, turn-out and the night rotation.

Rules kept here:

- a person is at most once an active volunteer of a group; only verified, active volunteers go on duty;
- police verification is recorded by officers only;
- nobody is double-booked: a volunteer (the same person, in any group) is never on two shifts that overlap;
- a shift never gets more volunteers than it needs;
- turn-out is ticked only once the shift has started (local time);
- a volunteer who leaves, is rejected or deleted comes off the shifts that have not started yet, and so do the
  shifts of a group that is deactivated or deleted.

The drafts and views live in :mod:`copdesk.services.watch_views` (re-exported here), the rules and look-ups
in :mod:`copdesk.services.watch_rules`, the rotation, roster and turn-out figures in
:mod:`copdesk.services.watch_roster`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, time

from sqlalchemy import func, select

from copdesk.domain.rotation import shift_interval
from copdesk.errors import ConflictError, NotFound, ValidationError, WorkflowError
from copdesk.models.organisation import Beat, Station
from copdesk.models.people import Person
from copdesk.models.watch import DutyShift, ShiftAssignment, VerificationStatus, Volunteer, WatchGroup
from copdesk.services.context import Service, requires
from copdesk.services.fields import as_choice, check_version, clean_line, clean_text
from copdesk.services.filters import as_record_id
from copdesk.services.paging import Page, PageRequest, apply_sort, count_rows, window
from copdesk.services.privacy import show_contact
from copdesk.services.watch_roster import fill_rotation, no_show_tally, uncovered_between, week_roster
from copdesk.services.watch_rules import (
    MAX_RANGE_DAYS,
    MAX_ROTATION_DAYS,
    MAX_VOLUNTEERS_PER_SHIFT,
    NAME_MAX,
    NIGHT_ENDS,
    NIGHT_STARTS,
    NOTES_MAX,
    active_volunteer_of,
    check_may_serve,
    check_needed,
    check_range,
    check_times,
    check_unique_name,
    clear_leader,
    duty_clash,
    group_shift_overlapping,
    interval_of,
    live_assignments,
    load_beat,
    load_group,
    load_person,
    load_shift,
    load_volunteer,
    local_now,
    off_duty,
    put_on,
    soft_delete_shift,
    unstarted_shifts,
)
from copdesk.services.watch_views import (
    GroupDraft,
    GroupView,
    NoShowCount,
    RosterRow,
    RosterView,
    RotationResult,
    ShiftAssignmentView,
    ShiftDraft,
    ShiftView,
    UncoveredShift,
    VolunteerDraft,
    VolunteerDuty,
    VolunteerView,
    describe_shift,
    group_views,
    groups_query,
    shift_views,
    volunteer_view,
)

__all__ = [
    "MAX_RANGE_DAYS",
    "MAX_ROTATION_DAYS",
    "MAX_VOLUNTEERS_PER_SHIFT",
    "NAME_MAX",
    "NIGHT_ENDS",
    "NIGHT_STARTS",
    "NOTES_MAX",
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


class WatchService(Service):
    """Neighbourhood-watch groups, volunteers, duty shifts, turn-out, rotation and roster."""

    # ---------------------------------------------------------------- groups

    @requires("watch.view")
    def get_group(self, group_id: uuid.UUID) -> GroupView:
        """One watch group."""
        with self.ctx.read() as session:
            return group_views(self.ctx, session, [load_group(session, group_id)])[0]

    @requires("watch.view")
    def count(self, request: PageRequest) -> int:
        """How many groups the list shows (filters ``station_id``, ``beat_id``, ``active``; search by name)."""
        with self.ctx.read() as session:
            return count_rows(session, groups_query(session, request))

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
            query = apply_sort(groups_query(session, request), request, sorts, "name", WatchGroup.id)
            groups = list(session.scalars(window(query, request)))
            return Page(request.offset, tuple(group_views(self.ctx, session, groups)))

    @requires("watch.manage")
    def create_group(self, draft: GroupDraft) -> GroupView:
        """Form a new watch group in a beat (with no leader until its volunteers are added)."""
        with self.ctx.write() as session:
            beat = load_beat(session, draft.beat_id)
            name = clean_line(draft.name, "name", "group's name", NAME_MAX, required=True)
            formed_on = self._formed_on(draft.formed_on)
            if draft.leader_person_id is not None:
                raise ValidationError(
                    "Add the leader to the group as a volunteer first, then choose them as leader.",
                    "leader_person_id",
                )
            check_unique_name(session, beat.id, name, None)
            group = WatchGroup(
                beat_id=beat.id,
                name=name,
                formed_on=formed_on,
                leader_person_id=None,
                notes=clean_text(draft.notes, "notes", "notes", NOTES_MAX),
                active=bool(draft.active),
            )
            session.add(group)
            session.flush()
            return group_views(self.ctx, session, [group])[0]

    @requires("watch.manage")
    def update_group(self, group_id: uuid.UUID, expected_version: int, draft: GroupDraft) -> GroupView:
        """Edit a group. Deactivating it takes its shifts that have not started off the roster."""
        with self.ctx.write() as session:
            group = load_group(session, group_id)
            check_version(group, expected_version, "group")
            beat = load_beat(session, draft.beat_id)
            name = clean_line(draft.name, "name", "group's name", NAME_MAX, required=True)
            formed_on = self._formed_on(draft.formed_on or group.formed_on)
            check_unique_name(session, beat.id, name, group.id)
            if (
                draft.leader_person_id is not None
                and active_volunteer_of(session, group.id, draft.leader_person_id) is None
            ):
                raise ValidationError(
                    "The leader must be a volunteer of this group who has not left.", "leader_person_id"
                )
            upcoming = unstarted_shifts(self.ctx, session, group.id)
            if beat.id != group.beat_id:
                for shift in upcoming:
                    shift.beat_id = beat.id
            if group.active and not draft.active:
                for shift in upcoming:
                    soft_delete_shift(self.ctx, session, shift)
            group.beat_id = beat.id
            group.name = name
            group.formed_on = formed_on
            group.leader_person_id = draft.leader_person_id
            group.notes = clean_text(draft.notes, "notes", "notes", NOTES_MAX)
            group.active = bool(draft.active)
            session.flush()
            return group_views(self.ctx, session, [group])[0]

    @requires("watch.delete")
    def delete_group(self, group_id: uuid.UUID) -> None:
        """Delete a group with its volunteers, shifts and assignments (all soft)."""
        with self.ctx.write() as session:
            group = load_group(session, group_id)
            now = self.ctx.now()
            for shift in session.scalars(
                select(DutyShift).where(DutyShift.group_id == group.id, DutyShift.deleted_at.is_(None))
            ):
                soft_delete_shift(self.ctx, session, shift)
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
            group = load_group(session, group_id)
            query = (
                select(Volunteer, Person)
                .join(Person, Volunteer.person_id == Person.id)
                .where(Volunteer.group_id == group.id, Volunteer.deleted_at.is_(None))
                .order_by(Person.name, Volunteer.joined_on, Volunteer.id)
            )
            if not include_left:
                query = query.where(Volunteer.left_on.is_(None))
            return tuple(volunteer_view(self.ctx, volunteer, person) for volunteer, person in session.execute(query))

    @requires("watch.view")
    def get_volunteer(self, volunteer_id: uuid.UUID) -> VolunteerView:
        """One volunteer."""
        with self.ctx.read() as session:
            volunteer = load_volunteer(session, volunteer_id)
            return volunteer_view(self.ctx, volunteer, load_person(session, volunteer.person_id))

    @requires("watch.manage")
    def add_volunteer(self, group_id: uuid.UUID, draft: VolunteerDraft) -> VolunteerView:
        """Add a person to a group as a volunteer (police verification pending)."""
        with self.ctx.write() as session:
            group = load_group(session, group_id)
            if not group.active:
                raise WorkflowError("This group is inactive. Make it active again before adding volunteers.")
            person = load_person(session, draft.person_id)
            if active_volunteer_of(session, group.id, person.id) is not None:
                raise ConflictError(f"{show_contact(self.ctx, person.name)} is already a volunteer of this group.")
            joined_on = self._joined_on(draft.joined_on)
            volunteer = Volunteer(
                group_id=group.id,
                person_id=person.id,
                verification_status=VerificationStatus.PENDING,
                joined_on=joined_on,
                notes=clean_text(draft.notes, "notes", "notes", NOTES_MAX),
            )
            session.add(volunteer)
            session.flush()
            return volunteer_view(self.ctx, volunteer, person)

    @requires("watch.manage")
    def update_volunteer(
        self, volunteer_id: uuid.UUID, expected_version: int, *, joined_on: date, notes: str = ""
    ) -> VolunteerView:
        """Correct when a volunteer joined and the notes about them."""
        with self.ctx.write() as session:
            volunteer = load_volunteer(session, volunteer_id)
            check_version(volunteer, expected_version, "volunteer")
            joined = self._joined_on(joined_on)
            if volunteer.left_on is not None and joined > volunteer.left_on:
                raise ValidationError("The joining date cannot be after the date the volunteer left.", "joined_on")
            volunteer.joined_on = joined
            volunteer.notes = clean_text(notes, "notes", "notes", NOTES_MAX)
            session.flush()
            return volunteer_view(self.ctx, volunteer, load_person(session, volunteer.person_id))

    @requires("watch.manage")
    def leave(self, volunteer_id: uuid.UUID, expected_version: int, left_on: date | None = None) -> VolunteerView:
        """Record that a volunteer left the group; they come off shifts that have not started."""
        with self.ctx.write() as session:
            volunteer = load_volunteer(session, volunteer_id)
            check_version(volunteer, expected_version, "volunteer")
            if volunteer.left_on is not None:
                raise WorkflowError(f"This volunteer already left the group on {volunteer.left_on:%d %B %Y}.")
            left = left_on or self.ctx.today()
            if left > self.ctx.today():
                raise ValidationError("The date of leaving cannot be in the future.", "left_on")
            if left < volunteer.joined_on:
                raise ValidationError("The date of leaving cannot be before the date the volunteer joined.", "left_on")
            volunteer.left_on = left
            off_duty(self.ctx, session, volunteer)
            session.flush()
            return volunteer_view(self.ctx, volunteer, load_person(session, volunteer.person_id))

    @requires("watch.verify_volunteer")
    def verify(self, volunteer_id: uuid.UUID, expected_version: int, status: VerificationStatus | str) -> VolunteerView:
        """Record the police verification of a volunteer (officers only).

        Verified or rejected records today's date and the officer; back to pending clears them. A volunteer who
        is no longer verified comes off the shifts that have not started.
        """
        new_status = as_choice(
            VerificationStatus, status, "Choose pending, verified or rejected.", "verification_status"
        )
        with self.ctx.write() as session:
            volunteer = load_volunteer(session, volunteer_id)
            check_version(volunteer, expected_version, "volunteer")
            volunteer.verification_status = new_status
            if new_status is VerificationStatus.PENDING:
                volunteer.verified_on = None
                volunteer.verified_by = None
            else:
                volunteer.verified_on = self.ctx.today()
                volunteer.verified_by = self.ctx.actor.username
            if new_status is not VerificationStatus.VERIFIED:
                off_duty(self.ctx, session, volunteer)
            session.flush()
            return volunteer_view(self.ctx, volunteer, load_person(session, volunteer.person_id))

    @requires("watch.delete")
    def delete_volunteer(self, volunteer_id: uuid.UUID) -> None:
        """Delete a volunteer added by mistake, with all their shift assignments (soft)."""
        with self.ctx.write() as session:
            volunteer = load_volunteer(session, volunteer_id)
            now = self.ctx.now()
            for assignment in session.scalars(
                select(ShiftAssignment).where(
                    ShiftAssignment.volunteer_id == volunteer.id, ShiftAssignment.deleted_at.is_(None)
                )
            ):
                assignment.deleted_at = now
            clear_leader(session, volunteer)
            volunteer.deleted_at = now

    # ---------------------------------------------------------------- shifts

    @requires("watch.view")
    def get_shift(self, shift_id: uuid.UUID) -> ShiftView:
        """One shift with its volunteers."""
        with self.ctx.read() as session:
            return shift_views(self.ctx, session, [load_shift(session, shift_id)])[0]

    @requires("watch.view")
    def shifts(self, group_id: uuid.UUID, from_day: date, to_day: date) -> tuple[ShiftView, ...]:
        """A group's shifts between two days (inclusive), in time order."""
        check_range(from_day, to_day)
        with self.ctx.read() as session:
            group = load_group(session, group_id)
            rows = session.scalars(
                select(DutyShift)
                .where(
                    DutyShift.group_id == group.id,
                    DutyShift.deleted_at.is_(None),
                    DutyShift.shift_date.between(from_day, to_day),
                )
                .order_by(DutyShift.shift_date, DutyShift.starts, DutyShift.id)
            )
            return tuple(shift_views(self.ctx, session, list(rows)))

    @requires("watch.manage")
    def create_shift(self, draft: ShiftDraft) -> ShiftView:
        """Put a shift on the group's roster (it may not overlap another shift of the same group)."""
        needed = check_needed(draft.volunteers_needed, "volunteers_needed")
        check_times(draft.starts, draft.ends)
        with self.ctx.write() as session:
            group = load_group(session, draft.group_id)
            if not group.active:
                raise WorkflowError("This group is inactive. Make it active again before planning its shifts.")
            interval = shift_interval(draft.shift_date, draft.starts, draft.ends)
            clash = group_shift_overlapping(session, group.id, interval)
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
                notes=clean_text(draft.notes, "notes", "notes", NOTES_MAX),
            )
            session.add(shift)
            session.flush()
            return shift_views(self.ctx, session, [shift])[0]

    @requires("watch.manage")
    def delete_shift(self, shift_id: uuid.UUID) -> None:
        """Take a shift off the roster, unless turn-out has been recorded for it."""
        with self.ctx.write() as session:
            shift = load_shift(session, shift_id)
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
            soft_delete_shift(self.ctx, session, shift)

    @requires("watch.manage")
    def assign(self, shift_id: uuid.UUID, volunteer_id: uuid.UUID) -> ShiftView:
        """Put a verified, active volunteer of the group on a shift (never double-booked, never over the need)."""
        with self.ctx.write() as session:
            shift = load_shift(session, shift_id)
            volunteer = load_volunteer(session, volunteer_id)
            person = load_person(session, volunteer.person_id)
            name = show_contact(self.ctx, person.name)
            if volunteer.group_id != shift.group_id:
                raise ValidationError(f"{name} is not a volunteer of this shift's group.", "volunteer_id")
            check_may_serve(volunteer, name, shift.shift_date)
            current = live_assignments(session, [shift.id])
            if any(a.volunteer_id == volunteer.id for a in current):
                raise ConflictError(f"{name} is already on this shift.")
            if len(current) >= shift.volunteers_needed:
                raise ValidationError(
                    f"This shift needs only {shift.volunteers_needed} volunteer(s) and is already full.",
                    "volunteer_id",
                )
            clash = duty_clash(session, volunteer.person_id, interval_of(shift), exclude_shift=shift.id)
            if clash is not None:
                other, group_name = clash
                raise ValidationError(
                    f"{name} is already on duty with {group_name} on "
                    f"{describe_shift(other.shift_date, other.starts, other.ends)}, which overlaps this shift.",
                    "volunteer_id",
                )
            put_on(session, shift.id, volunteer.id)
            session.flush()
            return shift_views(self.ctx, session, [shift])[0]

    @requires("watch.manage")
    def unassign(self, shift_id: uuid.UUID, volunteer_id: uuid.UUID) -> ShiftView:
        """Take a volunteer off a shift (not once their turn-out is recorded)."""
        with self.ctx.write() as session:
            shift = load_shift(session, shift_id)
            assignment = next(
                (a for a in live_assignments(session, [shift.id]) if a.volunteer_id == volunteer_id), None
            )
            if assignment is None:
                raise NotFound("This volunteer is not on this shift.")
            if assignment.turned_out is not None:
                raise WorkflowError("Turn-out has been recorded for this volunteer; they cannot be taken off.")
            assignment.deleted_at = self.ctx.now()
            session.flush()
            return shift_views(self.ctx, session, [shift])[0]

    @requires("watch.manage")
    def record_turnout(self, shift_id: uuid.UUID, turnout: Mapping[uuid.UUID, bool]) -> ShiftView:
        """Tick who turned out for a shift (only once it has started); a tick can be corrected later."""
        if not turnout:
            raise ValidationError("Tick at least one volunteer.", "turnout")
        with self.ctx.write() as session:
            shift = load_shift(session, shift_id)
            if local_now(self.ctx) < interval_of(shift).start:
                raise WorkflowError(
                    "Turn-out can be recorded only once the shift has started "
                    f"({describe_shift(shift.shift_date, shift.starts, shift.ends)})."
                )
            by_volunteer = {a.volunteer_id: a for a in live_assignments(session, [shift.id])}
            for volunteer_id, came in turnout.items():
                assignment = by_volunteer.get(as_record_id(volunteer_id, "turnout"))
                if assignment is None:
                    raise ValidationError("One of the ticked volunteers is not on this shift.", "turnout")
                if not isinstance(came, bool):
                    raise ValidationError("Tick each volunteer as turned out or not.", "turnout")
                assignment.turned_out = came
            session.flush()
            return shift_views(self.ctx, session, [shift])[0]

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
        needed = check_needed(per_shift, "per_shift")
        check_times(starts, ends)
        with self.ctx.write() as session:
            group = load_group(session, group_id)
            if not group.active:
                raise WorkflowError("This group is inactive. Make it active again before planning its shifts.")
            return fill_rotation(self.ctx, session, group, first_day, days, starts, ends, needed)

    @requires("watch.roster")
    def roster(self, week_start: date, station_id: uuid.UUID | None = None) -> RosterView:
        """The week's roster from ``week_start``: every beat with an active group or a shift, × seven days."""
        with self.ctx.read() as session:
            return week_roster(self.ctx, session, week_start, station_id)

    @requires("watch.view")
    def uncovered_shifts(
        self, from_day: date, to_day: date, station_id: uuid.UUID | None = None
    ) -> tuple[UncoveredShift, ...]:
        """Shifts between two days (inclusive) with fewer volunteers than they need, in time order."""
        check_range(from_day, to_day)
        with self.ctx.read() as session:
            return uncovered_between(session, from_day, to_day, station_id)

    @requires("watch.view")
    def no_show_counts(self, group_id: uuid.UUID, month: date) -> tuple[NoShowCount, ...]:
        """Turn-out per volunteer of a group over the month containing ``month``, most no-shows first.

        Lists every volunteer put on a shift that month and every volunteer who has not left.
        """
        with self.ctx.read() as session:
            return no_show_tally(self.ctx, session, load_group(session, group_id), month)

    # ---------------------------------------------------------------- private

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
