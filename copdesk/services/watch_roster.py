"""Duty planning for the neighbourhood watch: the night rotation, the week's roster and turn-out figures.

Functions over an open session, called by the guarded methods of :class:`copdesk.services.watch.WatchService`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from copdesk.domain.rotation import Interval, ShiftSlot, plan_rotation, shift_interval
from copdesk.models.organisation import Beat, Station
from copdesk.models.watch import DutyShift, ShiftAssignment, VerificationStatus, Volunteer, WatchGroup
from copdesk.services.context import ServiceContext
from copdesk.services.filters import as_record_id
from copdesk.services.privacy import show_contact
from copdesk.services.watch_rules import (
    duties_of_people,
    interval_of,
    live_assignments,
    local_now,
    month_bounds,
    people_by_id,
    put_on,
)
from copdesk.services.watch_views import (
    NoShowCount,
    RosterRow,
    RosterView,
    RotationResult,
    ShiftView,
    UncoveredShift,
    VolunteerDuty,
    shift_views,
    uncovered_of,
    uncovered_rows,
)

__all__ = ["fill_rotation", "no_show_tally", "uncovered_between", "week_roster"]


def fill_rotation(
    ctx: ServiceContext,
    session: Session,
    group: WatchGroup,
    first_day: date,
    days: int,
    starts: time,
    ends: time,
    needed: int,
) -> RotationResult:
    """Create the group's missing night shifts for ``days`` days from ``first_day`` and fill them fairly.

    See :meth:`copdesk.services.watch.WatchService.generate_rotation`; the arguments are already checked.
    """
    last_day = first_day + timedelta(days=days - 1)
    slots, skipped, created = _night_slots(session, group, first_day, days, starts, ends, needed)
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
    for assignment in live_assignments(session, list(slot_ids)):
        on_slots[assignment.shift_id].append(str(assignment.volunteer_id))
    prior: dict[str, int] = defaultdict(int)
    busy: dict[str, list[Interval]] = defaultdict(list)
    for volunteer in pool:
        if volunteer.joined_on > first_day:  # not on duty before joining
            busy[str(volunteer.id)].append(
                Interval(datetime.combine(first_day, time()), datetime.combine(volunteer.joined_on, time()))
            )
    for other, _group_name, person_id in duties_of_people(
        session, list(by_person), first_day - timedelta(days=1), last_day + timedelta(days=1)
    ):
        if other.id in slot_ids:
            continue
        key = str(by_person[person_id].id)
        busy[key].append(interval_of(other))
        if other.group_id == group.id and first_day <= other.shift_date <= last_day:
            prior[key] += 1
    plan = plan_rotation(
        [str(v.id) for v in pool],
        [ShiftSlot(str(s.id), interval_of(s), s.volunteers_needed, tuple(on_slots.get(s.id, ()))) for s in slots],
        prior_counts=prior,
        busy=busy,
    )
    made = 0
    for key, volunteer_ids in plan.assignments.items():
        for volunteer_key in volunteer_ids:
            put_on(session, uuid.UUID(key), uuid.UUID(volunteer_key))
            made += 1
    session.flush()

    slots.sort(key=lambda s: (s.shift_date, s.starts))
    views = tuple(shift_views(ctx, session, slots))
    unfilled = tuple(uncovered_of(session, [v for v in views if v.short_by > 0]))
    people = people_by_id(session, [v.person_id for v in pool])
    pool.sort(key=lambda v: (plan.counts[str(v.id)], people[v.person_id].name, str(v.id)))
    duties = [VolunteerDuty(v.id, show_contact(ctx, people[v.person_id].name), plan.counts[str(v.id)]) for v in pool]
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


def _night_slots(
    session: Session, group: WatchGroup, first_day: date, days: int, starts: time, ends: time, needed: int
) -> tuple[list[DutyShift], list[date], int]:
    """The period's shifts of the group at ``starts`` (created where missing), the days skipped, how many new."""
    last_day = first_day + timedelta(days=days - 1)
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
        if any(interval_of(s).overlaps(interval) for s in existing):
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
    return slots, skipped, created


def week_roster(ctx: ServiceContext, session: Session, week_start: date, station_id: uuid.UUID | None) -> RosterView:
    """The week's roster from ``week_start``: every beat with an active group or a shift, × seven days."""
    days = tuple(week_start + timedelta(days=i) for i in range(7))
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
        station = as_record_id(station_id, "station_id")
        shift_query = shift_query.where(Beat.station_id == station)
        beat_query = beat_query.where(Beat.station_id == station)
    shifts = list(session.scalars(shift_query))
    views = shift_views(ctx, session, shifts)
    by_cell: dict[tuple[uuid.UUID, date], list[ShiftView]] = defaultdict(list)
    for view in views:
        by_cell[(view.beat_id, view.shift_date)].append(view)
    beats_with_groups = set(
        session.scalars(select(WatchGroup.beat_id).where(WatchGroup.deleted_at.is_(None), WatchGroup.active.is_(True)))
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
        station_id=None if station_id is None else as_record_id(station_id, "station_id"),
        rows=rows,
    )


def uncovered_between(
    session: Session, from_day: date, to_day: date, station_id: uuid.UUID | None
) -> tuple[UncoveredShift, ...]:
    """Shifts between two days (inclusive) with fewer volunteers than they need, in time order."""
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
        query = query.where(Beat.station_id == as_record_id(station_id, "station_id"))
    rows = [(shift, int(count)) for shift, count in session.execute(query)]
    return tuple(uncovered_rows(session, rows))


def no_show_tally(ctx: ServiceContext, session: Session, group: WatchGroup, month: date) -> tuple[NoShowCount, ...]:
    """Turn-out per volunteer of the group over the month containing ``month``, most no-shows first."""
    first, last = month_bounds(month)
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
    now = local_now(ctx)
    tally: dict[uuid.UUID, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for volunteer_id, turned_out, shift in rows:
        counts = tally[volunteer_id]
        counts[0] += 1
        if turned_out is True:
            counts[1] += 1
        elif turned_out is False:
            counts[2] += 1
        elif interval_of(shift).start <= now:
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
    people = people_by_id(session, [v.person_id for v in volunteers])
    ordered = sorted(
        volunteers, key=lambda v: (-tally[v.id][2] if v.id in tally else 0, people[v.person_id].name, v.id)
    )
    return tuple(
        NoShowCount(v.id, show_contact(ctx, people[v.person_id].name), *tally.get(v.id, [0, 0, 0, 0])) for v in ordered
    )
