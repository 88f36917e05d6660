"""What the neighbourhood-watch screens show: drafts a form gives, frozen views, and the functions that build them.

The builders take the service context because names and mobiles are shown (or masked) as the signed-in role
allows.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from copdesk.domain.rotation import crosses_midnight
from copdesk.models.organisation import Beat, Station
from copdesk.models.people import Person
from copdesk.models.watch import DutyShift, ShiftAssignment, VerificationStatus, Volunteer, WatchGroup
from copdesk.services.context import ServiceContext
from copdesk.services.filters import as_record_id, check_filters
from copdesk.services.paging import PageRequest, apply_search
from copdesk.services.privacy import show_contact, show_mobile
from copdesk.services.watch_rules import NIGHT_ENDS, NIGHT_STARTS, people_by_id

__all__ = [
    "GROUP_FILTERS",
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
    "VolunteerDraft",
    "VolunteerDuty",
    "VolunteerView",
    "describe_shift",
    "group_views",
    "groups_query",
    "shift_views",
    "uncovered_of",
    "uncovered_rows",
    "volunteer_view",
]

#: Filters of the watch groups list (``PageRequest.filters``).
GROUP_FILTERS = frozenset({"station_id", "beat_id", "active"})

# --- drafts and views ------------------------------------------------------------------------------------------


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


def describe_shift(shift_date: date, starts: time, ends: time) -> str:
    """A shift as a clerk reads it: ``Monday 3 March 2025, 22:00–04:00 (ends next day)``."""
    text = f"{shift_date:%A} {shift_date.day} {shift_date:%B %Y}, {starts:%H:%M}–{ends:%H:%M}"
    return text + " (ends next day)" if crosses_midnight(starts, ends) else text


# --- builders ---------------------------------------------------------------------------------------------------


def groups_query(session: Session, request: PageRequest) -> Select[Any]:
    """Watch groups matching the request's filters and search (unsorted)."""
    query = (
        select(WatchGroup)
        .join(Beat, WatchGroup.beat_id == Beat.id)
        .join(Station, Beat.station_id == Station.id)
        .where(WatchGroup.deleted_at.is_(None))
    )
    check_filters(request.filters, GROUP_FILTERS, "Watch groups")
    filters = request.filters
    if filters.get("station_id") is not None:
        query = query.where(Beat.station_id == as_record_id(filters["station_id"], "station_id"))
    if filters.get("beat_id") is not None:
        query = query.where(WatchGroup.beat_id == as_record_id(filters["beat_id"], "beat_id"))
    if filters.get("active") is not None:
        query = query.where(WatchGroup.active.is_(bool(filters["active"])))
    return apply_search(query, WatchGroup, session, request.search)


def group_views(ctx: ServiceContext, session: Session, groups: Sequence[WatchGroup]) -> list[GroupView]:
    """Views of ``groups`` with beat, station, leader and volunteer counts (a few queries for all)."""
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
    leaders = people_by_id(session, [g.leader_person_id for g in groups if g.leader_person_id is not None])
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
                leader_name=show_contact(ctx, leader.name) if leader is not None else "",
                notes=group.notes,
                active=group.active,
                volunteers=total,
                verified_volunteers=verified,
            )
        )
    return views


def volunteer_view(ctx: ServiceContext, volunteer: Volunteer, person: Person) -> VolunteerView:
    """The view of a volunteer (name and mobile as the role may see them)."""
    return VolunteerView(
        id=volunteer.id,
        version=volunteer.version,
        group_id=volunteer.group_id,
        person_id=person.id,
        name=show_contact(ctx, person.name),
        mobile=show_mobile(ctx, person.mobile),
        verification_status=VerificationStatus(volunteer.verification_status),
        verified_on=volunteer.verified_on,
        verified_by=volunteer.verified_by,
        joined_on=volunteer.joined_on,
        left_on=volunteer.left_on,
        notes=volunteer.notes,
    )


def shift_views(ctx: ServiceContext, session: Session, shifts: Sequence[DutyShift]) -> list[ShiftView]:
    """Views of ``shifts`` with their volunteers (two queries for all)."""
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
                    name=show_contact(ctx, person.name),
                    mobile=show_mobile(ctx, person.mobile),
                    turned_out=assignment.turned_out,
                )
                for assignment, volunteer, person in on_shift.get(shift.id, ())
            ),
        )
        for shift in shifts
    ]


def uncovered_of(session: Session, views: Sequence[ShiftView]) -> list[UncoveredShift]:
    """The shifts of ``views`` as rows of the uncovered-shifts report."""
    shifts = {s.id: s for s in session.scalars(select(DutyShift).where(DutyShift.id.in_([v.id for v in views])))}
    return uncovered_rows(session, [(shifts[v.id], len(v.volunteers)) for v in views])


def uncovered_rows(session: Session, rows: Sequence[tuple[DutyShift, int]]) -> list[UncoveredShift]:
    """Rows of the uncovered-shifts report for (shift, volunteers assigned) pairs."""
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
