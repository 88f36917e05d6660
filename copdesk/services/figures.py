"""The monthly figures of COP, computed in SQL from the records (the same code runs at the hub).

One named, versioned definition (:data:`DEFINITION`) yields one set of figures per district and month. The hub
recomputes them from the imported records and flags any difference from what the district sent, so every figure
here must depend only on records that travel in bundles.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, cast, distinct, func, or_, select
from sqlalchemy.orm import Session

from copdesk.domain.months import Month
from copdesk.models.committees import Committee, CommitteeMember
from copdesk.models.complaints import Complaint
from copdesk.models.meetings import DisputeHeard, Guest, Meeting, MemberAttendance, OfficerAttendance
from copdesk.models.months import MonthlyFigures
from copdesk.models.organisation import Officer
from copdesk.models.outreach import OutreachEvent
from copdesk.models.people import Gender, Person
from copdesk.models.training import TrainingAttendance, TrainingSession
from copdesk.models.watch import DutyShift, ShiftAssignment
from copdesk.services.context import Service, requires

DEFINITION = "cop-figures/1"
RESOLVED_STATES = ("resolved", "referred", "fir_registered", "rejected", "closed")


@dataclass(frozen=True)
class FigureSpec:
    """What a figure means, for screens, reports and criteria."""

    name: str
    label: str
    unit: str  # "count", "percent", "ratio", "days", "map"
    higher_is_better: bool = True


SPECS: tuple[FigureSpec, ...] = (
    FigureSpec("committees_active", "Committees active", "count"),
    FigureSpec("meetings_held", "Meetings held", "count"),
    FigureSpec("meetings_per_active_committee", "Meetings held per active committee", "ratio"),
    FigureSpec("attendance_rate", "Members' attendance rate", "percent"),
    FigureSpec("women_share_of_attendance", "Women's share of attendance", "percent"),
    FigureSpec("disputes_heard", "Disputes heard", "count"),
    FigureSpec("disputes_resolved", "Disputes resolved or compromised", "count"),
    FigureSpec("watch_shifts_planned", "Watch shifts planned", "count"),
    FigureSpec("watch_shifts_filled", "Watch shifts fully staffed", "count"),
    FigureSpec("watch_no_shows", "Watch no-shows", "count", higher_is_better=False),
    FigureSpec("complaints_received", "Complaints received", "count"),
    FigureSpec("complaints_resolved", "Complaints resolved", "count"),
    FigureSpec("complaints_overdue", "Complaints overdue at month end", "count", higher_is_better=False),
    FigureSpec("complaints_resolved_within_30_days_pct", "Resolved within 30 days", "percent"),
    FigureSpec("median_days_to_resolve", "Median days to resolve", "days", higher_is_better=False),
    FigureSpec("outreach_events", "Outreach events", "count"),
    FigureSpec("outreach_attendance", "Outreach attendance", "count"),
    FigureSpec("outreach_events_by_station", "Outreach events per station", "map"),
    FigureSpec("officers_trained", "Officers trained", "count"),
)
SPEC_BY_NAME: Mapping[str, FigureSpec] = {spec.name: spec for spec in SPECS}


def _days_between(session: Session, later: Any, earlier: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return cast(later, Date) - cast(earlier, Date)


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def compute_figures(session: Session, district_code: str | None, month: Month) -> dict[str, Any]:
    """Every figure of :data:`SPECS` for one district and month, in SQL.

    In a district database pass ``district_code=None``: every record is the district's, and leaving the
    constant column out lets SQLite use the date indexes. The hub passes the code.
    """
    first, last = month.first_day, month.last_day

    def live(model: Any) -> ColumnElement[bool]:
        alive = model.deleted_at.is_(None)
        return alive if district_code is None else and_(model.district_code == district_code, alive)

    scalar = lambda query: session.scalar(query) or 0  # noqa: E731

    committees_active = scalar(
        select(func.count(Committee.id)).where(
            live(Committee),
            Committee.formed_on <= last,
            or_(Committee.dissolved_on.is_(None), Committee.dissolved_on >= first),
        )
    )
    held = and_(live(Meeting), Meeting.status == "closed", Meeting.held_on.between(first, last))
    meetings_held = scalar(select(func.count()).select_from(Meeting).where(held))

    attendance = (
        select(MemberAttendance.status, Person.gender)
        .join(Meeting, Meeting.id == MemberAttendance.meeting_id)
        .join(CommitteeMember, CommitteeMember.id == MemberAttendance.member_id)
        .join(Person, Person.id == CommitteeMember.person_id)
        .where(held, MemberAttendance.deleted_at.is_(None))
        .subquery()
    )
    marked, present, women_members = session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((attendance.c.status == "present", 1), else_=0)), 0),
            func.coalesce(
                func.sum(
                    case(
                        (and_(attendance.c.status == "present", attendance.c.gender == Gender.FEMALE.value), 1), else_=0
                    )
                ),
                0,
            ),
        )
    ).one()
    guests, women_guests = session.execute(
        select(
            func.count(Guest.id),
            func.coalesce(func.sum(case((Guest.gender == Gender.FEMALE.value, 1), else_=0)), 0),
        )
        .join(Meeting, Meeting.id == Guest.meeting_id)
        .where(held, Guest.deleted_at.is_(None))
    ).one()
    officers, women_officers = session.execute(
        select(
            func.count(OfficerAttendance.id),
            func.coalesce(func.sum(case((Officer.gender == Gender.FEMALE.value, 1), else_=0)), 0),
        )
        .join(Meeting, Meeting.id == OfficerAttendance.meeting_id)
        .join(Officer, Officer.id == OfficerAttendance.officer_id)
        .where(held, OfficerAttendance.deleted_at.is_(None))
    ).one()
    attendees = int(present) + int(guests) + int(officers)
    women = int(women_members) + int(women_guests) + int(women_officers)

    disputes_heard, disputes_resolved = session.execute(
        select(
            func.count(DisputeHeard.id),
            func.coalesce(func.sum(case((DisputeHeard.outcome.in_(("resolved", "compromise")), 1), else_=0)), 0),
        )
        .join(Meeting, Meeting.id == DisputeHeard.meeting_id)
        .where(held, DisputeHeard.deleted_at.is_(None))
    ).one()

    shifts = and_(live(DutyShift), DutyShift.shift_date.between(first, last))
    staffed = (
        select(ShiftAssignment.shift_id, func.count(ShiftAssignment.id).label("n"))
        .where(ShiftAssignment.deleted_at.is_(None))
        .group_by(ShiftAssignment.shift_id)
        .subquery()
    )
    watch_planned, watch_filled = session.execute(
        select(
            func.count(DutyShift.id),
            func.coalesce(
                func.sum(case((func.coalesce(staffed.c.n, 0) >= DutyShift.volunteers_needed, 1), else_=0)), 0
            ),
        )
        .outerjoin(staffed, staffed.c.shift_id == DutyShift.id)
        .where(shifts)
    ).one()
    watch_no_shows = scalar(
        select(func.count(ShiftAssignment.id))
        .join(DutyShift, DutyShift.id == ShiftAssignment.shift_id)
        .where(shifts, ShiftAssignment.deleted_at.is_(None), ShiftAssignment.turned_out.is_(False))
    )

    complaints_received = scalar(
        select(func.count()).select_from(Complaint).where(live(Complaint), Complaint.received_on.between(first, last))
    )
    resolved_in_month = and_(live(Complaint), Complaint.resolved_on.between(first, last))
    days = _days_between(session, Complaint.resolved_on, Complaint.received_on)
    complaints_resolved, within_30 = session.execute(
        select(func.count(), func.coalesce(func.sum(case((days <= 30, 1), else_=0)), 0))
        .select_from(Complaint)
        .where(resolved_in_month)
    ).one()
    median_days = _median(session, select(days.label("d")).where(resolved_in_month), int(complaints_resolved))
    # Unresolved at month end and past due: two index ranges on (resolved_on, due_on) instead of a table scan.
    complaints_overdue = sum(
        scalar(
            select(func.count())
            .select_from(Complaint)
            .where(live(Complaint), unresolved, Complaint.due_on < last, Complaint.received_on <= last)
        )
        for unresolved in (Complaint.resolved_on.is_(None), Complaint.resolved_on > last)
    )

    events = and_(live(OutreachEvent), OutreachEvent.held_on.between(first, last))
    outreach_events, outreach_attendance = session.execute(
        select(func.count(OutreachEvent.id), func.coalesce(func.sum(OutreachEvent.men + OutreachEvent.women), 0)).where(
            events
        )
    ).one()
    by_station = {
        str(station_id): int(count)
        for station_id, count in session.execute(
            select(OutreachEvent.station_id, func.count(OutreachEvent.id))
            .where(events)
            .group_by(OutreachEvent.station_id)
        )
    }
    officers_trained = scalar(
        select(func.count(distinct(TrainingAttendance.officer_id)))
        .join(TrainingSession, TrainingSession.id == TrainingAttendance.session_id)
        .where(
            live(TrainingSession), TrainingAttendance.deleted_at.is_(None), TrainingSession.held_on.between(first, last)
        )
    )

    return {
        "committees_active": int(committees_active),
        "meetings_held": int(meetings_held),
        "meetings_per_active_committee": (
            None if committees_active == 0 else round(meetings_held / committees_active, 2)
        ),
        "attendance_rate": _pct(int(present), int(marked)),
        "women_share_of_attendance": _pct(women, attendees),
        "disputes_heard": int(disputes_heard),
        "disputes_resolved": int(disputes_resolved),
        "watch_shifts_planned": int(watch_planned),
        "watch_shifts_filled": int(watch_filled),
        "watch_no_shows": int(watch_no_shows),
        "complaints_received": int(complaints_received),
        "complaints_resolved": int(complaints_resolved),
        "complaints_overdue": int(complaints_overdue),
        "complaints_resolved_within_30_days_pct": _pct(int(within_30), int(complaints_resolved)),
        "median_days_to_resolve": median_days,
        "outreach_events": int(outreach_events),
        "outreach_attendance": int(outreach_attendance),
        "outreach_events_by_station": dict(sorted(by_station.items())),
        "officers_trained": int(officers_trained),
    }


def _median(session: Session, values: Any, count: int) -> float | None:
    """Median of a one-column query, in SQL (ORDER BY with OFFSET; portable to SQLite and PostgreSQL)."""
    if count == 0:
        return None
    subquery = values.subquery()
    middle = session.scalars(
        select(subquery.c.d).order_by(subquery.c.d).offset((count - 1) // 2).limit(2 if count % 2 == 0 else 1)
    ).all()
    return round(float(sum(middle)) / len(middle), 1)


def figures_json(figures: Mapping[str, Any]) -> str:
    """Canonical JSON of a figure set (stable key order, so equal figures give equal text)."""
    return json.dumps(figures, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class FigureSet:
    """A month's figures, with whether they are the stored (closed-month) set or computed just now."""

    month: str
    definition: str
    values: Mapping[str, Any]
    stored: bool


class FiguresService(Service):
    """Reading a district's monthly figures."""

    @requires("figures.view")
    def for_month(self, month: str) -> FigureSet:
        """The stored figures of a closed month, or the figures computed now for an open one."""
        parsed = Month.parse(month)
        district = self.ctx.district_code or ""
        with self.ctx.read() as session:
            stored = session.scalar(
                select(MonthlyFigures).where(
                    MonthlyFigures.district_code == district,
                    MonthlyFigures.month == str(parsed),
                    MonthlyFigures.deleted_at.is_(None),
                )
            )
            if stored is not None:
                return FigureSet(str(parsed), stored.definition, json.loads(stored.figures), True)
            scope = None if self.ctx.database.kind == "district" else district
            return FigureSet(str(parsed), DEFINITION, compute_figures(session, scope, parsed), False)
