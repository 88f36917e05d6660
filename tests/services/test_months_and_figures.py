"""Monthly figures on a hand-computed example; month closing, locking and reopening."""

from __future__ import annotations

import json
import uuid
from datetime import date, time

import pytest
from sqlalchemy import select

from copdesk.domain.months import Month
from copdesk.errors import PermissionDenied, ValidationError, WorkflowError
from copdesk.models.audit import AuditEntry
from copdesk.models.base import DatabaseState
from copdesk.models.committees import Committee, CommitteeMember
from copdesk.models.complaints import Complaint
from copdesk.models.meetings import DisputeHeard, Guest, Meeting, MemberAttendance, OfficerAttendance
from copdesk.models.months import MonthClosing, MonthlyFigures
from copdesk.models.organisation import Beat, Officer, Station
from copdesk.models.outreach import OutreachEvent
from copdesk.models.people import Person
from copdesk.models.training import TrainingAttendance, TrainingSession
from copdesk.models.watch import DutyShift, ShiftAssignment, Volunteer, WatchGroup
from copdesk.services.context import ServiceContext
from copdesk.services.figures import SPECS, FiguresService, compute_figures
from copdesk.services.months import MonthService

FEB = "2026-02"


def _station_ids(ctx: ServiceContext) -> dict[str, uuid.UUID]:
    with ctx.read() as session:
        return {s.name: s.id for s in session.scalars(select(Station))}


def _build_example(ctx: ServiceContext) -> dict[str, uuid.UUID]:
    """The February 2026 example whose figures are worked out by hand in test_figures_by_hand."""
    stations = _station_ids(ctx)
    city, saddar = stations["City"], stations["Saddar"]
    ids: dict[str, uuid.UUID] = {}
    with ctx.write() as s:
        people = {
            name: Person(name=name, gender=gender)
            for name, gender in [("P1", "male"), ("P2", "female"), ("P3", "male"), ("P4", "female"), ("P5", "male")]
        }
        s.add_all(people.values())
        c1 = Committee(type="dispute_resolution", name="C1", station_id=city, formed_on=date(2026, 1, 1))
        c2 = Committee(
            type="islahi", name="C2", station_id=city, formed_on=date(2025, 6, 1), dissolved_on=date(2026, 2, 10)
        )
        c3 = Committee(type="vigilance", name="C3", station_id=saddar, formed_on=date(2026, 3, 5))
        s.add_all([c1, c2, c3])
        s.flush()
        members = {}
        for name, committee in [("P1", c1), ("P2", c1), ("P3", c1), ("P4", c2), ("P5", c2)]:
            members[name] = CommitteeMember(
                committee_id=committee.id,
                person_id=people[name].id,
                role="member",
                category="elder",
                joined_on=date(2025, 6, 1),
            )
        s.add_all(members.values())
        m1 = Meeting(committee_id=c1.id, held_on=date(2026, 2, 5), venue="Thana", status="closed", minutes="m")
        m2 = Meeting(committee_id=c2.id, held_on=date(2026, 2, 8), venue="Thana", status="closed", minutes="m")
        m3 = Meeting(committee_id=c1.id, held_on=date(2026, 2, 20), venue="Thana", status="planned")
        s.add_all([m1, m2, m3])
        s.flush()
        ids["planned_meeting"] = m3.id
        ids["closed_meeting"] = m1.id
        for meeting, name, status in [
            (m1, "P1", "present"),
            (m1, "P2", "present"),
            (m1, "P3", "absent"),
            (m2, "P4", "present"),
            (m2, "P5", "excused"),
            (m3, "P1", "present"),
        ]:
            s.add(MemberAttendance(meeting_id=meeting.id, member_id=members[name].id, status=status))
        s.add(Guest(meeting_id=m1.id, name="Guest", gender="female"))
        officers = [Officer(name=f"O{n}", rank="asi", gender="male", station_id=city) for n in range(1, 5)]
        s.add_all(officers)
        s.flush()
        s.add(OfficerAttendance(meeting_id=m1.id, officer_id=officers[0].id))
        s.add_all(
            [
                DisputeHeard(meeting_id=m1.id, parties="A vs B", nature="water", outcome="resolved"),
                DisputeHeard(meeting_id=m1.id, parties="C vs D", nature="wall", outcome="pending"),
                DisputeHeard(meeting_id=m2.id, parties="E vs F", nature="loan", outcome="compromise"),
            ]
        )
        beat = Beat(station_id=city, name="Beat 1")
        s.add(beat)
        s.flush()
        group = WatchGroup(beat_id=beat.id, name="G", formed_on=date(2025, 1, 1))
        s.add(group)
        s.flush()
        v1 = Volunteer(
            group_id=group.id, person_id=people["P1"].id, verification_status="verified", joined_on=date(2025, 1, 1)
        )
        v2 = Volunteer(
            group_id=group.id, person_id=people["P3"].id, verification_status="verified", joined_on=date(2025, 1, 1)
        )
        s.add_all([v1, v2])
        shifts = [
            DutyShift(
                group_id=group.id, beat_id=beat.id, shift_date=day, starts=time(22), ends=time(4), volunteers_needed=2
            )
            for day in (date(2026, 2, 3), date(2026, 2, 4), date(2026, 3, 1))
        ]
        s.add_all(shifts)
        s.flush()
        ids["shift"] = shifts[1].id
        s.add_all(
            [
                ShiftAssignment(shift_id=shifts[0].id, volunteer_id=v1.id, turned_out=True),
                ShiftAssignment(shift_id=shifts[0].id, volunteer_id=v2.id, turned_out=False),
                ShiftAssignment(shift_id=shifts[1].id, volunteer_id=v1.id, turned_out=True),
                ShiftAssignment(shift_id=shifts[2].id, volunteer_id=v2.id, turned_out=False),
            ]
        )

        def complaint(n: int, received: date, due: date, resolved: date | None, closure: str | None) -> Complaint:
            return Complaint(
                tracking_no=f"LHR/2026/{n:06d}",
                received_on=received,
                channel="walk_in",
                anonymous=True,
                category="theft",
                description="d",
                station_id=city,
                status="closed" if closure else ("resolved" if resolved else "under_inquiry"),
                due_on=due,
                resolved_on=resolved,
                closure_category=closure,
                closed_on=resolved if closure else None,
            )

        k1 = complaint(1, date(2026, 2, 1), date(2026, 3, 3), date(2026, 2, 11), "relief_granted")
        k2 = complaint(2, date(2026, 1, 20), date(2026, 2, 19), date(2026, 2, 25), None)
        k3 = complaint(3, date(2026, 2, 10), date(2026, 2, 20), None, None)
        k4 = complaint(4, date(2026, 2, 15), date(2026, 3, 15), None, None)
        k5 = complaint(5, date(2026, 1, 5), date(2026, 2, 4), date(2026, 1, 30), "no_relief")
        s.add_all([k1, k2, k3, k4, k5])
        s.flush()
        ids["unclosed_complaint"] = k2.id
        ids["open_complaint"] = k3.id
        s.add_all(
            [
                OutreachEvent(
                    kind="school_visit", title="E1", station_id=city, held_on=date(2026, 2, 2), men=10, women=5
                ),
                OutreachEvent(kind="khuli_kachehri", title="E2", station_id=saddar, held_on=date(2026, 2, 9), men=20),
                OutreachEvent(kind="khuli_kachehri", title="E3", station_id=saddar, held_on=date(2026, 3, 9), men=99),
            ]
        )
        sessions = [
            TrainingSession(topic="T", held_on=day, duration_minutes=60)
            for day in (date(2026, 2, 12), date(2026, 2, 19), date(2026, 3, 2))
        ]
        s.add_all(sessions)
        s.flush()
        for session_index, officer_indexes in [(0, (0, 1)), (1, (1, 2)), (2, (3,))]:
            for officer_index in officer_indexes:
                s.add(TrainingAttendance(session_id=sessions[session_index].id, officer_id=officers[officer_index].id))
    ids["city"], ids["saddar"] = city, saddar
    return ids


def test_figures_by_hand(dpo: ServiceContext) -> None:
    ids = _build_example(dpo)
    figures = FiguresService(dpo).for_month(FEB)
    assert not figures.stored
    assert figures.values == {
        "committees_active": 2,  # C1 and C2 (dissolved 10 Feb); C3 formed in March
        "meetings_held": 2,  # the planned meeting of 20 Feb does not count
        "meetings_per_active_committee": 1.0,
        "attendance_rate": 60.0,  # 3 present of 5 marked in held meetings
        "women_share_of_attendance": 60.0,  # P2, P4 and the guest of 3 members + 1 guest + 1 officer
        "disputes_heard": 3,
        "disputes_resolved": 2,  # resolved + compromise
        "watch_shifts_planned": 2,
        "watch_shifts_filled": 1,
        "watch_no_shows": 1,
        "complaints_received": 3,  # K1, K3, K4
        "complaints_resolved": 2,  # K1 (10 days) and K2 (36 days)
        "complaints_overdue": 1,  # K3: due 20 Feb, unresolved at month end
        "complaints_resolved_within_30_days_pct": 50.0,
        "median_days_to_resolve": 23.0,
        "outreach_events": 2,
        "outreach_attendance": 35,
        "outreach_events_by_station": {str(ids["city"]): 1, str(ids["saddar"]): 1},
        "officers_trained": 3,
    }
    assert {spec.name for spec in SPECS} == set(figures.values)


def test_closing_checks_block_until_fixed_then_lock_the_month(dpo: ServiceContext) -> None:
    ids = _build_example(dpo)
    months = MonthService(dpo)
    status = months.status(FEB)
    assert status.state == "open" and not status.can_close
    kinds = {(p.record_type, p.record_id) for p in status.problems}
    assert ("meeting", ids["planned_meeting"]) in kinds
    assert ("complaint", ids["unclosed_complaint"]) in kinds
    assert ("watch_shift", ids["shift"]) not in kinds  # every assignment of that shift is ticked
    with pytest.raises(WorkflowError, match="cannot be closed yet"):
        months.close(FEB)

    with dpo.write() as s:
        s.get(Meeting, ids["planned_meeting"]).deleted_at = dpo.now()  # type: ignore[union-attr]
        complaint = s.get(Complaint, ids["unclosed_complaint"])
        assert complaint is not None
        complaint.closure_category, complaint.status, complaint.closed_on = (
            "partial_relief",
            "closed",
            date(2026, 2, 26),
        )
    closed = months.close(FEB)
    assert closed.state == "closed" and closed.closed_by == "dpo"

    with dpo.read() as s:
        stored = s.scalar(select(MonthlyFigures).where(MonthlyFigures.month == FEB))
        closing = s.scalar(select(MonthClosing).where(MonthClosing.month == FEB))
        state = s.get(DatabaseState, 1)
        assert stored is not None and closing is not None and state is not None
        assert json.loads(stored.figures) == compute_figures(s, "LHR", Month(2026, 2))
        assert closing.high_water_seq == closing.change_seq  # the closing itself is the last change it covers
    assert FiguresService(dpo).for_month(FEB).stored

    # Locked: records of February cannot change, or be created in it...
    with pytest.raises(WorkflowError, match="February 2026 is closed"), dpo.write() as s:
        s.get(Meeting, ids["closed_meeting"]).venue = "Elsewhere"  # type: ignore[union-attr]
    with pytest.raises(WorkflowError, match="February 2026 is closed"), dpo.write() as s:
        s.add(OutreachEvent(kind="other", title="late", station_id=ids["city"], held_on=date(2026, 2, 27)))
    with pytest.raises(WorkflowError, match="February 2026 is closed"), dpo.write() as s:
        s.get(Complaint, ids["open_complaint"]).resolved_on = date(2026, 2, 27)  # type: ignore[union-attr]
    # ...but a February complaint can still progress in March.
    with dpo.write() as s:
        open_complaint = s.get(Complaint, ids["open_complaint"])
        assert open_complaint is not None
        open_complaint.resolved_on, open_complaint.status = date(2026, 3, 2), "resolved"

    with pytest.raises(WorkflowError, match="already closed"):
        months.close(FEB)
    with pytest.raises(ValidationError, match="reason"):
        months.reopen(FEB, "")
    reopened = months.reopen(FEB, "Venue of the 5 Feb meeting was wrong")
    assert reopened.state == "reopened" and reopened.reopen_reason.startswith("Venue")
    with dpo.write() as s:
        s.get(Meeting, ids["closed_meeting"]).venue = "Police Lines"  # type: ignore[union-attr]
    months.close(FEB)
    with dpo.read() as s:
        assert s.scalar(select(MonthClosing.times_closed).where(MonthClosing.month == FEB)) == 2
        actions = s.execute(select(AuditEntry.action)).scalars().all()
    assert actions.count("month.close") == 2 and actions.count("month.reopen") == 1


def test_months_close_in_order_and_reopen_newest_first(dpo: ServiceContext) -> None:
    months = MonthService(dpo)
    months.close("2026-01")  # the first closing may be any finished month
    with pytest.raises(WorkflowError, match="Close February 2026 first"):
        months.close("2026-03")
    months.close("2026-02")
    months.close("2026-03")
    with pytest.raises(WorkflowError, match="Reopen March 2026 first"):
        months.reopen("2026-02", "a correction is needed")
    months.reopen("2026-03", "a correction is needed")
    months.reopen("2026-02", "a correction is needed")
    with pytest.raises(WorkflowError, match="Close February 2026 first"):
        months.close("2026-03")
    recent = {m.month: m.state for m in months.recent(24)}
    assert recent["2026-01"] == "closed" and recent["2026-02"] == "reopened" and recent["2025-12"] == "open"


def test_the_current_month_cannot_be_closed(dpo: ServiceContext) -> None:
    current = dpo.today().strftime("%Y-%m")
    with pytest.raises(WorkflowError, match="not over yet"):
        MonthService(dpo).close(current)


@pytest.mark.parametrize("text", ["2026-13", "26-02", "February", ""])
def test_bad_month_text(dpo: ServiceContext, text: str) -> None:
    with pytest.raises(ValidationError, match="month"):
        MonthService(dpo).status(text)


def test_only_the_district_officer_closes_and_reopens(clerk: ServiceContext, officer: ServiceContext) -> None:
    for ctx in (clerk, officer):
        with pytest.raises(PermissionDenied):
            MonthService(ctx).close("2026-01")
        with pytest.raises(PermissionDenied):
            MonthService(ctx).reopen("2026-01", "some reason")
    assert MonthService(clerk).status("2026-01").state == "open"
