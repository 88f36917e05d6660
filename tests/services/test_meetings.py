"""MeetingService: scheduling, carrying action items over, recording, closing, reopening, lists and dues."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from copdesk.errors import ConflictError, NotFound, PermissionDenied, ValidationError, WorkflowError
from copdesk.models.audit import AuditEntry
from copdesk.models.committees import Committee, CommitteeType, MemberRole
from copdesk.models.meetings import ActionStatus, AgendaItem, AttendanceStatus, DisputeOutcome, MeetingStatus
from copdesk.models.organisation import Officer, Station
from copdesk.models.people import Gender, Person
from copdesk.services import policy
from copdesk.services.committees import CommitteeDraft, CommitteeService, MemberDraft
from copdesk.services.context import ServiceContext
from copdesk.services.meetings import (
    ActionItemDraft,
    AgendaEntry,
    DisputeDraft,
    MeetingNotReady,
    MeetingService,
    follow_up_text,
)
from copdesk.services.paging import PageRequest

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
TODAY = NOW.astimezone().date()  # what ctx.today() gives on this machine
FORMED = TODAY - timedelta(days=200)
PRESENT, ABSENT, EXCUSED = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED


@pytest.fixture(autouse=True)
def _fixed_clock(clerk: ServiceContext, officer: ServiceContext, dpo: ServiceContext) -> None:
    for ctx in (clerk, officer, dpo):
        ctx.clock = lambda: NOW


@pytest.fixture
def meetings(clerk: ServiceContext) -> MeetingService:
    return MeetingService(clerk)


@pytest.fixture
def stations(dpo: ServiceContext) -> dict[str, uuid.UUID]:
    with dpo.read() as session:
        return {name: station_id for station_id, name in session.execute(select(Station.id, Station.name))}


def add_person(ctx: ServiceContext, name: str, gender: Gender = Gender.MALE) -> uuid.UUID:
    with ctx.write() as session:
        person = Person(name=name, gender=gender.value)
        session.add(person)
        session.flush()
        return person.id


def add_officer(
    ctx: ServiceContext, name: str, rank: str, station_id: uuid.UUID, gender: Gender = Gender.MALE
) -> uuid.UUID:
    with ctx.write() as session:
        officer = Officer(name=name, rank=rank, number="", gender=gender.value, station_id=station_id, phone="")
        session.add(officer)
        session.flush()
        return officer.id


@dataclass(frozen=True)
class Drc:
    """A committee with a convener, a (woman) secretary and a member."""

    id: uuid.UUID
    convener: uuid.UUID
    secretary: uuid.UUID
    member: uuid.UUID

    @property
    def everyone(self) -> list[uuid.UUID]:
        return [self.convener, self.secretary, self.member]


def make_committee(ctx: ServiceContext, station_id: uuid.UUID, name: str = "DRC City", formed_on: date = FORMED) -> Drc:
    committees = CommitteeService(ctx)
    committee = committees.create(
        CommitteeDraft(CommitteeType.DISPUTE_RESOLUTION, name, station_id, formed_on, f"Order {name}")
    )

    def add(person: str, role: MemberRole, category: str, gender: Gender = Gender.MALE) -> uuid.UUID:
        draft = MemberDraft(add_person(ctx, person, gender), role, category, formed_on)
        return committees.add_member(committee.id, draft).id

    return Drc(
        committee.id,
        add(f"Convener of {name}", MemberRole.CONVENER, "elder"),
        add(f"Secretary of {name}", MemberRole.SECRETARY, "woman", Gender.FEMALE),
        add(f"Member of {name}", MemberRole.MEMBER, "lawyer"),
    )


@pytest.fixture
def drc(clerk: ServiceContext, stations: dict[str, uuid.UUID]) -> Drc:
    return make_committee(clerk, stations["City"])


def hold(meetings: MeetingService, committee: Drc, held_on: date, minutes: str = "Met and discussed.") -> uuid.UUID:
    """Schedule, record and close a meeting where everyone came."""
    meeting = meetings.schedule(committee.id, held_on, "Thana City hall")
    meetings.mark_attendance(meeting.id, dict.fromkeys(committee.everyone, PRESENT))
    meetings.set_minutes(meeting.id, meeting.version, minutes)
    return meetings.close(meeting.id).id


def follow_ups(meetings: MeetingService, meeting_id: uuid.UUID) -> list[tuple[str, uuid.UUID | None]]:
    return [(a.text, a.carried_from_action_id) for a in meetings.get(meeting_id).agenda]


# --- scheduling --------------------------------------------------------------------------------------------------


def test_schedule_and_get(meetings: MeetingService, drc: Drc, stations: dict[str, uuid.UUID]) -> None:
    scheduled = meetings.schedule(drc.id, TODAY - timedelta(days=1), "  Thana  City hall ", time(10, 30))
    assert scheduled.version == 1
    assert (scheduled.status, scheduled.status_label) == (MeetingStatus.PLANNED, "Planned")
    assert (scheduled.committee_id, scheduled.committee_name, scheduled.committee_type) == (
        drc.id,
        "DRC City",
        CommitteeType.DISPUTE_RESOLUTION,
    )
    assert scheduled.notification_ref == "Order DRC City"
    assert (scheduled.station_id, scheduled.station_name) == (stations["City"], "City")
    assert (scheduled.held_on, scheduled.start_time, scheduled.venue) == (
        TODAY - timedelta(days=1),
        time(10, 30),
        "Thana City hall",
    )
    assert scheduled.agenda == () and scheduled.minutes == "" and scheduled.closed_at is None
    assert [(a.member_id, a.role, a.status, a.status_label) for a in scheduled.attendance] == [
        (drc.convener, MemberRole.CONVENER, None, "Not marked"),
        (drc.secretary, MemberRole.SECRETARY, None, "Not marked"),
        (drc.member, MemberRole.MEMBER, None, "Not marked"),
    ]
    assert scheduled.attendance[1].gender is Gender.FEMALE
    assert scheduled.attendance[1].category_label == "Woman"
    assert len(scheduled.close_problems) == 2
    assert meetings.get(scheduled.id) == scheduled


@pytest.mark.parametrize(
    ("held_on", "venue", "start_time", "field"),
    [
        (None, "Hall", None, "held_on"),
        (NOW, "Hall", None, "held_on"),  # a timestamp is not a calendar day
        (TODAY, "   ", None, "venue"),
        (TODAY, "v" * 201, None, "venue"),
        (TODAY, "Hall", "10:30", "start_time"),
        (FORMED - timedelta(days=1), "Hall", None, "held_on"),
    ],
)
def test_schedule_refuses_bad_input(
    meetings: MeetingService, drc: Drc, held_on: object, venue: str, start_time: object, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        meetings.schedule(drc.id, held_on, venue, start_time)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert meetings.count(PageRequest()) == 0


def test_a_meeting_cannot_be_before_formation_or_after_dissolution(
    meetings: MeetingService, clerk: ServiceContext, drc: Drc
) -> None:
    with pytest.raises(ValidationError, match="formed on"):
        meetings.schedule(drc.id, FORMED - timedelta(days=1), "Hall")
    assert meetings.schedule(drc.id, FORMED, "Hall").held_on == FORMED
    committees = CommitteeService(clerk)
    dissolved_on = TODAY - timedelta(days=10)
    committees.dissolve(drc.id, committees.get(drc.id).version, dissolved_on)
    with pytest.raises(ValidationError, match="dissolved on"):
        meetings.schedule(drc.id, dissolved_on + timedelta(days=1), "Hall")
    assert meetings.schedule(drc.id, dissolved_on, "Hall").held_on == dissolved_on  # the day itself is allowed


def test_two_meetings_of_one_committee_on_the_same_day_are_refused(
    meetings: MeetingService,
    clerk: ServiceContext,
    officer: ServiceContext,
    drc: Drc,
    stations: dict[str, uuid.UUID],
) -> None:
    first = meetings.schedule(drc.id, TODAY, "Hall")
    with pytest.raises(ConflictError, match="already has a meeting on"):
        meetings.schedule(drc.id, TODAY, "Another hall")
    other = make_committee(clerk, stations["Saddar"], "DRC Saddar")
    assert meetings.schedule(other.id, TODAY, "Hall").committee_id == other.id
    MeetingService(officer).delete(first.id)
    assert meetings.schedule(drc.id, TODAY, "Hall").held_on == TODAY


def test_schedule_refuses_an_unknown_or_deleted_committee(meetings: MeetingService) -> None:
    with pytest.raises(NotFound):
        meetings.schedule(uuid.uuid4(), TODAY, "Hall")


def test_update_reschedules_with_version_check(meetings: MeetingService, drc: Drc) -> None:
    first = meetings.schedule(drc.id, TODAY - timedelta(days=2), "Hall")
    second = meetings.schedule(drc.id, TODAY, "Hall")
    moved = meetings.update(first.id, first.version, TODAY - timedelta(days=3), "Katchehri", time(9))
    assert (moved.version, moved.held_on, moved.venue, moved.start_time) == (
        2,
        TODAY - timedelta(days=3),
        "Katchehri",
        time(9),
    )
    with pytest.raises(ConflictError, match="Someone else changed"):
        meetings.update(first.id, first.version, TODAY - timedelta(days=4), "Hall")
    with pytest.raises(ConflictError, match="already has a meeting"):
        meetings.update(first.id, moved.version, second.held_on, "Hall")


# --- carrying open action items over ----------------------------------------------------------------------------


def test_open_action_items_are_carried_to_the_next_meeting_exactly_once(meetings: MeetingService, drc: Drc) -> None:
    first = meetings.schedule(drc.id, TODAY - timedelta(days=60), "Hall")
    street = meetings.add_action_item(first.id, ActionItemDraft("Repair street lights", owner_text="TMA"))
    drains = meetings.add_action_item(first.id, ActionItemDraft("Clean the drains", owner_member_id=drc.member))
    patrol = meetings.add_action_item(first.id, ActionItemDraft("Night patrol in bazaar", owner_text="SHO"))
    meetings.set_action_status(drains.id, drains.version, ActionStatus.DONE, TODAY - timedelta(days=50))
    meetings.set_action_status(patrol.id, patrol.version, ActionStatus.DROPPED)
    meetings.mark_attendance(first.id, dict.fromkeys(drc.everyone, PRESENT))
    meetings.set_minutes(first.id, 1, "Lights and drains were discussed.")
    meetings.close(first.id)

    second = meetings.schedule(drc.id, TODAY - timedelta(days=30), "Hall")
    assert follow_ups(meetings, second.id) == [("Follow-up: Repair street lights", street.id)]
    assert second.agenda[0].position == 1

    # still open at the next meeting: carried again, once, onto that meeting's agenda
    third = meetings.schedule(drc.id, TODAY - timedelta(days=1), "Hall")
    assert follow_ups(meetings, third.id) == [(follow_up_text("Repair street lights"), street.id)]
    assert follow_ups(meetings, second.id) == [("Follow-up: Repair street lights", street.id)]  # not added twice

    # once done, no longer carried
    current = meetings.open_action_items(PageRequest()).rows[0]
    meetings.set_action_status(street.id, current.version, ActionStatus.DONE)
    fourth = meetings.schedule(drc.id, TODAY, "Hall")
    assert fourth.agenda == ()


def test_only_actions_raised_before_the_new_meeting_are_carried(meetings: MeetingService, drc: Drc) -> None:
    later = meetings.schedule(drc.id, TODAY - timedelta(days=10), "Hall")
    meetings.add_action_item(later.id, ActionItemDraft("Visit the school", owner_text="Convener"))
    back_dated = meetings.schedule(drc.id, TODAY - timedelta(days=40), "Hall")  # entered late, held earlier
    assert back_dated.agenda == ()


def test_actions_of_a_deleted_meeting_are_not_carried(
    meetings: MeetingService, officer: ServiceContext, drc: Drc
) -> None:
    wrong = meetings.schedule(drc.id, TODAY - timedelta(days=10), "Hall")
    meetings.add_action_item(wrong.id, ActionItemDraft("Entered by mistake", owner_text="Nobody"))
    MeetingService(officer).delete(wrong.id)
    assert meetings.schedule(drc.id, TODAY, "Hall").agenda == ()
    assert meetings.count_open_action_items(PageRequest()) == 0


# --- agenda ------------------------------------------------------------------------------------------------------


def test_agenda_add_remove_and_replace(meetings: MeetingService, drc: Drc) -> None:
    first = meetings.schedule(drc.id, TODAY - timedelta(days=30), "Hall")
    action = meetings.add_action_item(first.id, ActionItemDraft("Repair street lights", owner_text="TMA"))
    meeting = meetings.schedule(drc.id, TODAY, "Hall")
    carried = meeting.agenda[0]
    recitation = meetings.add_agenda_item(meeting.id, "  Recitation from the Holy Quran ")
    assert (recitation.position, recitation.text) == (2, "Recitation from the Holy Quran")
    theft = meetings.add_agenda_item(meeting.id, "Motorcycle thefts")
    meetings.remove_agenda_item(recitation.id)
    assert [(a.position, a.text) for a in meetings.get(meeting.id).agenda] == [
        (1, "Follow-up: Repair street lights"),
        (2, "Motorcycle thefts"),
    ]
    replaced = meetings.set_agenda(
        meeting.id, ["Recitation", AgendaEntry("Street lights (follow-up)", carried.id), "Any other business"]
    )
    assert [(a.position, a.text, a.carried_from_action_id) for a in replaced] == [
        (1, "Recitation", None),
        (2, "Street lights (follow-up)", action.id),
        (3, "Any other business", None),
    ]
    assert theft.id not in {a.id for a in replaced}
    assert meetings.get(meeting.id).agenda == tuple(replaced)
    with pytest.raises(ValidationError):
        meetings.set_agenda(meeting.id, ["Fine", "   "])
    with pytest.raises(ValidationError, match="not on this meeting's agenda"):
        meetings.set_agenda(meeting.id, [AgendaEntry("Stolen", theft.id)])
    with pytest.raises(ValidationError):
        meetings.add_agenda_item(meeting.id, "")
    assert len(meetings.get(meeting.id).agenda) == 3


# --- attendance, officers, guests --------------------------------------------------------------------------------


def test_mark_attendance(
    meetings: MeetingService, clerk: ServiceContext, drc: Drc, stations: dict[str, uuid.UUID]
) -> None:
    meeting = meetings.schedule(drc.id, TODAY, "Hall")
    marked = meetings.mark_attendance(meeting.id, {drc.convener: PRESENT, drc.secretary: "excused"})
    assert [(a.member_id, a.status) for a in marked] == [
        (drc.convener, PRESENT),
        (drc.secretary, EXCUSED),
        (drc.member, None),
    ]
    again = meetings.mark_attendance(meeting.id, {drc.convener: ABSENT, drc.member: PRESENT})
    assert [a.status for a in again] == [ABSENT, EXCUSED, PRESENT]
    view = meetings.get(meeting.id)
    assert (view.members_present, view.women_present) == (1, 0)
    with pytest.raises(ValidationError, match="present, absent or excused"):
        meetings.mark_attendance(meeting.id, {drc.member: "late"})
    with pytest.raises(ValidationError, match="members of this committee"):
        meetings.mark_attendance(meeting.id, {uuid.uuid4(): PRESENT})
    other = make_committee(clerk, stations["Saddar"], "DRC Saddar")
    with pytest.raises(ValidationError, match="members of this committee"):
        meetings.mark_attendance(meeting.id, {other.member: PRESENT})
    assert [a.status for a in meetings.get(meeting.id).attendance] == [ABSENT, EXCUSED, PRESENT]


def test_attendance_is_expected_only_from_members_on_the_meeting_date(
    meetings: MeetingService, clerk: ServiceContext, drc: Drc
) -> None:
    committees = CommitteeService(clerk)
    newcomer = committees.add_member(
        drc.id, MemberDraft(add_person(clerk, "New Member"), MemberRole.MEMBER, "youth", TODAY - timedelta(days=5))
    )
    leaver = committees.get_member(drc.member)
    committees.end_membership(leaver.id, leaver.version, TODAY - timedelta(days=20))
    old_meeting = meetings.schedule(drc.id, TODAY - timedelta(days=30), "Hall")
    assert {a.member_id for a in old_meeting.attendance} == set(drc.everyone)
    new_meeting = meetings.schedule(drc.id, TODAY, "Hall")
    assert {a.member_id for a in new_meeting.attendance} == {drc.convener, drc.secretary, newcomer.id}
    with pytest.raises(ValidationError, match="^New Member was not a member of the committee on"):
        meetings.mark_attendance(old_meeting.id, {newcomer.id: PRESENT})
    with pytest.raises(ValidationError, match="^Member of DRC City was not a member"):
        meetings.mark_attendance(new_meeting.id, {drc.member: PRESENT})


def test_officers_present(
    meetings: MeetingService, clerk: ServiceContext, drc: Drc, stations: dict[str, uuid.UUID]
) -> None:
    sho = add_officer(clerk, "Tariq Mehmood", "inspector", stations["City"])
    asi = add_officer(clerk, "Nazia Parveen", "asi", stations["City"], Gender.FEMALE)
    meeting = meetings.schedule(drc.id, TODAY, "Hall")
    both = meetings.set_officers_present(meeting.id, [asi, sho, asi])
    assert [(o.officer_id, o.rank_label, o.name) for o in both] == [  # senior rank first
        (sho, "Inspector", "Tariq Mehmood"),
        (asi, "Assistant Sub-Inspector", "Nazia Parveen"),
    ]
    assert both[1].gender is Gender.FEMALE
    assert meetings.set_officers_present(meeting.id, [asi])[0].officer_id == asi
    assert [o.officer_id for o in meetings.get(meeting.id).officers] == [asi]
    again = meetings.set_officers_present(meeting.id, [sho, asi])  # a removed officer comes back
    assert {o.officer_id for o in again} == {sho, asi}
    assert meetings.set_officers_present(meeting.id, []) == []
    with pytest.raises(ValidationError, match="does not exist"):
        meetings.set_officers_present(meeting.id, [uuid.uuid4()])


def test_guests(meetings: MeetingService, drc: Drc) -> None:
    meeting = meetings.schedule(drc.id, TODAY, "Hall")
    guest = meetings.add_guest(meeting.id, " Dr.  Saima Khan ", "female", "Principal, Girls High School")
    assert (guest.name, guest.gender, guest.designation) == (
        "Dr. Saima Khan",
        Gender.FEMALE,
        "Principal, Girls High School",
    )
    other = meetings.add_guest(meeting.id, "Malik Riaz", Gender.MALE)
    meetings.mark_attendance(meeting.id, {drc.secretary: PRESENT})
    assert meetings.get(meeting.id).women_present == 2
    meetings.remove_guest(other.id)
    assert [g.id for g in meetings.get(meeting.id).guests] == [guest.id]
    with pytest.raises(ValidationError) as caught:
        meetings.add_guest(meeting.id, "Someone", "unknown")
    assert caught.value.field == "gender"
    with pytest.raises(ValidationError) as caught:
        meetings.add_guest(meeting.id, "  ", Gender.MALE)
    assert caught.value.field == "name"
    with pytest.raises(NotFound):
        meetings.remove_guest(other.id)


# --- minutes, decisions, action items, disputes -------------------------------------------------------------------


def test_minutes_and_decisions(meetings: MeetingService, drc: Drc) -> None:
    meeting = meetings.schedule(drc.id, TODAY, "Hall")
    written = meetings.set_minutes(meeting.id, meeting.version, "  The meeting began at 10 am.\n\nTea was served.  ")
    assert (written.version, written.minutes) == (2, "The meeting began at 10 am.\n\nTea was served.")
    with pytest.raises(ConflictError):
        meetings.set_minutes(meeting.id, meeting.version, "Overwrite")
    first = meetings.add_decision(meeting.id, "Street lights to be repaired.")
    second = meetings.add_decision(meeting.id, "Next meeting in April.")
    third = meetings.add_decision(meeting.id, "Thanks to the SHO.")
    assert [first.position, second.position, third.position] == [1, 2, 3]
    meetings.remove_decision(first.id)
    assert meetings.update_decision(third.id, "Thanks to the SHO and staff.").position == 2
    assert [(d.position, d.text) for d in meetings.get(meeting.id).decisions] == [
        (1, "Next meeting in April."),
        (2, "Thanks to the SHO and staff."),
    ]
    with pytest.raises(ValidationError):
        meetings.add_decision(meeting.id, " ")


def test_action_items(
    meetings: MeetingService, clerk: ServiceContext, drc: Drc, stations: dict[str, uuid.UUID]
) -> None:
    sho = add_officer(clerk, "Tariq Mehmood", "inspector", stations["City"])
    meeting = meetings.schedule(drc.id, TODAY - timedelta(days=10), "Hall")
    by_member = meetings.add_action_item(
        meeting.id, ActionItemDraft("Talk to the traders", owner_member_id=drc.convener, due_on=TODAY)
    )
    assert by_member.owner == "Convener of DRC City (convener)"
    assert (by_member.status, by_member.raised_on, by_member.committee_name) == (
        ActionStatus.OPEN,
        TODAY - timedelta(days=10),
        "DRC City",
    )
    by_officer = meetings.add_action_item(
        meeting.id, ActionItemDraft("Extra patrol", owner_officer_id=sho, owner_text="with Dolphin squad")
    )
    assert by_officer.owner == "Inspector Tariq Mehmood; with Dolphin squad"
    assert [a.id for a in meetings.get(meeting.id).action_items] == [by_member.id, by_officer.id]

    with pytest.raises(ValidationError, match="Say who is responsible"):
        meetings.add_action_item(meeting.id, ActionItemDraft("Nobody does it"))
    with pytest.raises(ValidationError, match="before the meeting") as caught:
        meetings.add_action_item(meeting.id, ActionItemDraft("Late", owner_text="TMA", due_on=TODAY - timedelta(11)))
    assert caught.value.field == "due_on"
    other = make_committee(clerk, stations["Saddar"], "DRC Saddar")
    with pytest.raises(ValidationError, match="member of this committee") as caught:
        meetings.add_action_item(meeting.id, ActionItemDraft("Wrong owner", owner_member_id=other.convener))
    assert caught.value.field == "owner_member_id"
    with pytest.raises(ValidationError):
        meetings.add_action_item(meeting.id, ActionItemDraft("Ghost", owner_officer_id=uuid.uuid4()))
    with pytest.raises(ValidationError):
        meetings.add_action_item(meeting.id, ActionItemDraft("  ", owner_text="TMA"))

    # status changes
    with pytest.raises(ValidationError, match="before that") as caught:
        meetings.set_action_status(by_member.id, by_member.version, "done", TODAY - timedelta(days=11))
    assert caught.value.field == "completed_on"
    with pytest.raises(ValidationError, match="future"):
        meetings.set_action_status(by_member.id, by_member.version, "done", TODAY + timedelta(days=1))
    with pytest.raises(ValidationError):
        meetings.set_action_status(by_member.id, by_member.version, "finished")
    with pytest.raises(ValidationError, match="Only a completed action"):
        meetings.set_action_status(by_member.id, by_member.version, "dropped", TODAY)
    with pytest.raises(WorkflowError, match="already open"):
        meetings.set_action_status(by_member.id, by_member.version, "open")
    done = meetings.set_action_status(by_member.id, by_member.version, ActionStatus.DONE)
    assert (done.status, done.completed_on, done.version) == (ActionStatus.DONE, TODAY, 2)
    with pytest.raises(ConflictError):
        meetings.set_action_status(by_member.id, by_member.version, ActionStatus.OPEN)
    reopened = meetings.set_action_status(by_member.id, done.version, ActionStatus.OPEN)
    assert (reopened.status, reopened.completed_on) == (ActionStatus.OPEN, None)

    meetings.remove_action_item(by_officer.id)
    assert [a.id for a in meetings.get(meeting.id).action_items] == [by_member.id]


def test_an_action_followed_up_elsewhere_cannot_be_removed(
    meetings: MeetingService, officer: ServiceContext, drc: Drc
) -> None:
    first = meetings.schedule(drc.id, TODAY - timedelta(days=10), "Hall")
    action = meetings.add_action_item(first.id, ActionItemDraft("Repair lights", owner_text="TMA"))
    second = meetings.schedule(drc.id, TODAY, "Hall")
    with pytest.raises(WorkflowError, match="drop it instead"):
        meetings.remove_action_item(action.id)
    with pytest.raises(WorkflowError, match="Remove those follow-ups first"):
        MeetingService(officer).delete(first.id)
    meetings.remove_agenda_item(second.agenda[0].id)
    meetings.remove_action_item(action.id)
    assert meetings.get(first.id).action_items == ()


def test_disputes(meetings: MeetingService, drc: Drc, monkeypatch: pytest.MonkeyPatch) -> None:
    meeting = meetings.schedule(drc.id, TODAY, "Hall")
    heard = meetings.add_dispute(
        meeting.id, DisputeDraft("Aslam vs Akram (brothers)", " Land   boundary ", "pending", "Next hearing fixed.")
    )
    assert (heard.parties, heard.nature, heard.outcome, heard.outcome_label) == (
        "Aslam vs Akram (brothers)",
        "Land boundary",
        DisputeOutcome.PENDING,
        "Pending",
    )
    settled = meetings.update_dispute(
        heard.id, heard.version, DisputeDraft("Aslam vs Akram (brothers)", "Land boundary", DisputeOutcome.COMPROMISE)
    )
    assert (settled.version, settled.outcome_label, settled.remarks) == (2, "Compromise (Sulah)", "")
    with pytest.raises(ConflictError):
        meetings.update_dispute(heard.id, heard.version, DisputeDraft("A vs B", "Debt", "resolved"))
    for bad, field in (
        (DisputeDraft(" ", "Debt"), "parties"),
        (DisputeDraft("A vs B", ""), "nature"),
        (DisputeDraft("A vs B", "Debt", "settled"), "outcome"),
    ):
        with pytest.raises(ValidationError) as caught:
            meetings.add_dispute(meeting.id, bad)
        assert caught.value.field == field
    monkeypatch.setitem(policy.POLICY, policy.VIEW_CONTACT, frozenset())  # type: ignore[index]
    (shown,) = meetings.get(meeting.id).disputes
    assert (shown.parties, shown.nature) == ("•••", "Land boundary")
    assert all(a.name == "•••" for a in meetings.get(meeting.id).attendance)
    meetings.remove_dispute(heard.id)
    assert meetings.get(meeting.id).disputes == ()


# --- closing and reopening ----------------------------------------------------------------------------------------


def test_closing_needs_every_members_attendance_and_the_minutes(meetings: MeetingService, drc: Drc) -> None:
    meeting = meetings.schedule(drc.id, TODAY, "Hall")
    with pytest.raises(MeetingNotReady) as caught:
        meetings.close(meeting.id)
    assert caught.value.problems == (
        "Attendance is not marked for: Convener of DRC City (convener), Secretary of DRC City (secretary), "
        "Member of DRC City (member).",
        "The minutes have not been written.",
    )
    assert isinstance(caught.value, WorkflowError)
    assert caught.value.message.startswith("The meeting cannot be closed yet: Attendance is not marked for")

    meetings.mark_attendance(meeting.id, {drc.convener: PRESENT, drc.secretary: ABSENT})
    with pytest.raises(MeetingNotReady) as caught:
        meetings.close(meeting.id)
    assert caught.value.problems == (
        "Attendance is not marked for: Member of DRC City (member).",
        "The minutes have not been written.",
    )
    meetings.mark_attendance(meeting.id, {drc.member: EXCUSED})
    with pytest.raises(MeetingNotReady) as caught:
        meetings.close(meeting.id)
    assert caught.value.problems == ("The minutes have not been written.",)
    meetings.set_minutes(meeting.id, meeting.version, "   ")
    with pytest.raises(MeetingNotReady):
        meetings.close(meeting.id)
    written = meetings.set_minutes(meeting.id, meetings.get(meeting.id).version, "Law and order was discussed.")
    assert written.close_problems == ()
    closed = meetings.close(meeting.id)
    assert (closed.status, closed.closed_at, closed.close_problems) == (MeetingStatus.CLOSED, NOW, ())
    with pytest.raises(WorkflowError, match="already closed"):
        meetings.close(meeting.id)


def test_a_committee_without_members_cannot_close_a_meeting(
    meetings: MeetingService, clerk: ServiceContext, stations: dict[str, uuid.UUID]
) -> None:
    committee = CommitteeService(clerk).create(
        CommitteeDraft(CommitteeType.VIGILANCE, "Empty vigilance", stations["City"], FORMED)
    )
    meeting = meetings.schedule(committee.id, TODAY, "Hall")
    meetings.set_minutes(meeting.id, meeting.version, "Nobody came.")
    with pytest.raises(MeetingNotReady) as caught:
        meetings.close(meeting.id)
    assert caught.value.problems == (f"The committee had no members on {TODAY:%d %b %Y}; add its members first.",)


def test_a_meeting_still_to_come_cannot_be_closed(meetings: MeetingService, drc: Drc) -> None:
    meeting = meetings.schedule(drc.id, TODAY + timedelta(days=7), "Hall")
    meetings.mark_attendance(meeting.id, dict.fromkeys(drc.everyone, PRESENT))
    meetings.set_minutes(meeting.id, meeting.version, "Written in advance.")
    with pytest.raises(MeetingNotReady, match="still to come"):
        meetings.close(meeting.id)


def test_a_closed_meeting_refuses_every_edit(
    meetings: MeetingService, clerk: ServiceContext, officer: ServiceContext, drc: Drc, stations: dict[str, uuid.UUID]
) -> None:
    sho = add_officer(clerk, "Tariq Mehmood", "inspector", stations["City"])
    meeting = meetings.schedule(drc.id, TODAY, "Hall")
    item = meetings.add_agenda_item(meeting.id, "Law and order")
    guest = meetings.add_guest(meeting.id, "Malik Riaz", Gender.MALE)
    decision = meetings.add_decision(meeting.id, "Patrol to increase.")
    action = meetings.add_action_item(meeting.id, ActionItemDraft("Patrol", owner_officer_id=sho))
    dispute = meetings.add_dispute(meeting.id, DisputeDraft("A vs B", "Debt"))
    closed_id = hold(meetings, drc, TODAY - timedelta(days=1))  # another, closed, meeting for the version
    assert meetings.get(closed_id).status is MeetingStatus.CLOSED
    meetings.mark_attendance(meeting.id, dict.fromkeys(drc.everyone, PRESENT))
    version = meetings.set_minutes(meeting.id, meeting.version, "Done.").version
    meetings.close(meeting.id)

    edits = [
        lambda: meetings.update(meeting.id, version + 1, TODAY, "Elsewhere"),
        lambda: meetings.set_minutes(meeting.id, version + 1, "Changed"),
        lambda: meetings.set_agenda(meeting.id, ["New"]),
        lambda: meetings.add_agenda_item(meeting.id, "New"),
        lambda: meetings.remove_agenda_item(item.id),
        lambda: meetings.mark_attendance(meeting.id, {drc.member: ABSENT}),
        lambda: meetings.set_officers_present(meeting.id, [sho]),
        lambda: meetings.add_guest(meeting.id, "Someone", Gender.MALE),
        lambda: meetings.remove_guest(guest.id),
        lambda: meetings.add_decision(meeting.id, "New"),
        lambda: meetings.update_decision(decision.id, "Changed"),
        lambda: meetings.remove_decision(decision.id),
        lambda: meetings.add_action_item(meeting.id, ActionItemDraft("New", owner_text="TMA")),
        lambda: meetings.remove_action_item(action.id),
        lambda: meetings.add_dispute(meeting.id, DisputeDraft("C vs D", "Debt")),
        lambda: meetings.update_dispute(dispute.id, dispute.version, DisputeDraft("C vs D", "Debt")),
        lambda: meetings.remove_dispute(dispute.id),
        lambda: MeetingService(officer).delete(meeting.id),
    ]
    for edit in edits:
        with pytest.raises(WorkflowError, match="This meeting is closed"):
            edit()
    after = meetings.get(meeting.id)
    assert (after.venue, after.minutes, len(after.agenda), len(after.guests), len(after.disputes)) == (
        "Hall",
        "Done.",
        1,
        1,
        1,
    )
    # progress on action items is reported between meetings, so it is allowed
    assert meetings.set_action_status(action.id, action.version, ActionStatus.DONE).status is ActionStatus.DONE


def test_reopen_is_for_officers_needs_a_reason_and_is_audited(
    meetings: MeetingService, officer: ServiceContext, drc: Drc
) -> None:
    meeting_id = hold(meetings, drc, TODAY - timedelta(days=2))
    with pytest.raises(PermissionDenied):
        meetings.reopen(meeting_id, "Typo in the minutes")
    as_officer = MeetingService(officer)
    with pytest.raises(ValidationError) as caught:
        as_officer.reopen(meeting_id, "   ")
    assert caught.value.field == "reason"
    reopened = as_officer.reopen(meeting_id, "  Typo in the minutes ")
    assert (reopened.status, reopened.closed_at, reopened.reopen_reason) == (
        MeetingStatus.PLANNED,
        None,
        "Typo in the minutes",
    )
    with pytest.raises(WorkflowError, match="not closed"):
        as_officer.reopen(meeting_id, "Again")
    fixed = meetings.set_minutes(meeting_id, reopened.version, "Met and discussed street crime.")
    assert meetings.close(meeting_id).minutes == fixed.minutes
    with officer.read() as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "meetings", AuditEntry.entity_id == str(meeting_id))
        ).all()
    reopen_entries = [e for e in entries if json.loads(e.details).get("reopen_reason") == "Typo in the minutes"]
    assert len(reopen_entries) == 1
    assert reopen_entries[0].actor == "officer" and reopen_entries[0].action == "update"
    assert json.loads(reopen_entries[0].details)["status"] == "planned"


def test_a_meeting_counts_as_held_only_once_closed(meetings: MeetingService, clerk: ServiceContext, drc: Drc) -> None:
    committees = CommitteeService(clerk)
    planned = meetings.schedule(drc.id, TODAY - timedelta(days=3), "Hall")
    assert committees.get(drc.id).last_held_on is None
    assert [d.committee_id for d in meetings.meetings_due()] == [drc.id]
    meetings.mark_attendance(planned.id, dict.fromkeys(drc.everyone, PRESENT))
    meetings.set_minutes(planned.id, planned.version, "Held.")
    meetings.close(planned.id)
    assert committees.get(drc.id).last_held_on == TODAY - timedelta(days=3)
    assert meetings.meetings_due() == []


# --- deletion -------------------------------------------------------------------------------------------------------


def test_delete_is_for_officers_and_soft(meetings: MeetingService, officer: ServiceContext, drc: Drc) -> None:
    meeting = meetings.schedule(drc.id, TODAY, "Hall")
    meetings.add_agenda_item(meeting.id, "Law and order")
    meetings.mark_attendance(meeting.id, {drc.member: PRESENT})
    with pytest.raises(PermissionDenied):
        meetings.delete(meeting.id)
    MeetingService(officer).delete(meeting.id)
    with pytest.raises(NotFound):
        meetings.get(meeting.id)
    assert meetings.count(PageRequest()) == 0
    with officer.read() as session:
        items = session.scalars(select(AgendaItem)).all()
    assert len(items) == 1 and items[0].deleted_at == NOW
    # deleted parts do not block removing the membership either
    CommitteeService(officer).remove_member(drc.member)


def test_unknown_meetings_and_meetings_of_a_deleted_committee_are_not_found(
    meetings: MeetingService, clerk: ServiceContext, drc: Drc
) -> None:
    with pytest.raises(NotFound):
        meetings.get(uuid.uuid4())
    with pytest.raises(NotFound):
        meetings.add_agenda_item(uuid.uuid4(), "Anything")
    meeting = meetings.schedule(drc.id, TODAY, "Hall")
    with clerk.write() as session:  # deleted behind the service's back (e.g. arriving from a bundle)
        session.get_one(Committee, drc.id).deleted_at = NOW
    with pytest.raises(NotFound, match="committee has been deleted"):
        meetings.get(meeting.id)
    assert meetings.count(PageRequest()) == 0


# --- lists ----------------------------------------------------------------------------------------------------------


def test_meetings_list_filters_search_and_sort(
    meetings: MeetingService, clerk: ServiceContext, drc: Drc, stations: dict[str, uuid.UUID]
) -> None:
    saddar = make_committee(clerk, stations["Saddar"], "Liaison Saddar")
    held = hold(meetings, drc, TODAY - timedelta(days=40))
    planned = meetings.schedule(drc.id, TODAY - timedelta(days=5), "Hall").id
    other = meetings.schedule(saddar.id, TODAY - timedelta(days=20), "Saddar hall").id

    def ids(**kwargs: object) -> list[uuid.UUID]:
        request = PageRequest(**kwargs)  # type: ignore[arg-type]
        rows = meetings.page(request).rows
        assert meetings.count(request) == len(rows)
        return [r.id for r in rows]

    assert ids() == [held, other, planned]
    assert ids(descending=True) == [planned, other, held]
    assert ids(filters={"committee_id": drc.id}) == [held, planned]
    assert ids(filters={"station_id": stations["Saddar"]}) == [other]
    assert ids(filters={"status": "closed"}) == [held]
    assert ids(filters={"status": MeetingStatus.PLANNED}) == [other, planned]
    assert ids(filters={"date_from": TODAY - timedelta(days=20), "date_to": TODAY - timedelta(days=6)}) == [other]
    assert ids(search="liaison") == [other]
    by_committee = ids(sort="committee")
    assert by_committee[-1] == other and set(by_committee[:2]) == {held, planned}
    summary = meetings.page(PageRequest(filters={"status": "closed"})).rows[0]
    assert (summary.members_present, summary.committee_name, summary.station_name, summary.status_label) == (
        3,
        "DRC City",
        "City",
        "Closed",
    )
    with pytest.raises(ValidationError):
        meetings.count(PageRequest(filters={"status": "cancelled"}))
    with pytest.raises(ValidationError):
        meetings.count(PageRequest(filters={"venue": "Hall"}))
    with pytest.raises(ValidationError):
        meetings.page(PageRequest(sort="venue"))


def test_open_action_items_across_committees_overdue_first(
    meetings: MeetingService, clerk: ServiceContext, drc: Drc, stations: dict[str, uuid.UUID]
) -> None:
    saddar = make_committee(clerk, stations["Saddar"], "Liaison Saddar")
    city_meeting = meetings.schedule(drc.id, TODAY - timedelta(days=30), "Hall")
    saddar_meeting = meetings.schedule(saddar.id, TODAY - timedelta(days=20), "Hall")
    no_date = meetings.add_action_item(city_meeting.id, ActionItemDraft("Sometime", owner_text="TMA"))
    due_later = meetings.add_action_item(
        saddar_meeting.id, ActionItemDraft("Next week", owner_text="SHO", due_on=TODAY + timedelta(days=7))
    )
    overdue_old = meetings.add_action_item(
        city_meeting.id, ActionItemDraft("Long overdue", owner_text="TMA", due_on=TODAY - timedelta(days=20))
    )
    overdue_new = meetings.add_action_item(
        saddar_meeting.id, ActionItemDraft("Just overdue", owner_text="TMA", due_on=TODAY - timedelta(days=1))
    )
    done = meetings.add_action_item(city_meeting.id, ActionItemDraft("Finished", owner_text="TMA", due_on=TODAY))
    meetings.set_action_status(done.id, done.version, ActionStatus.DONE)

    page = meetings.open_action_items(PageRequest())
    assert [a.id for a in page.rows] == [overdue_old.id, overdue_new.id, due_later.id, no_date.id]
    assert [a.overdue for a in page.rows] == [True, True, False, False]
    assert page.rows[1].committee_name == "Liaison Saddar" and page.rows[1].station_name == "Saddar"
    assert meetings.count_open_action_items(PageRequest()) == 4
    assert [a.id for a in meetings.open_action_items(PageRequest(offset=1, limit=2)).rows] == [
        overdue_new.id,
        due_later.id,
    ]
    overdue = PageRequest(filters={"overdue": True})
    assert meetings.count_open_action_items(overdue) == 2
    assert [a.id for a in meetings.open_action_items(PageRequest(filters={"overdue": False})).rows] == [
        due_later.id,
        no_date.id,
    ]
    assert [a.id for a in meetings.open_action_items(PageRequest(filters={"committee_id": drc.id})).rows] == [
        overdue_old.id,
        no_date.id,
    ]
    assert meetings.count_open_action_items(PageRequest(filters={"station_id": stations["Saddar"]})) == 2
    assert meetings.count_open_action_items(PageRequest(search="liaison")) == 2
    by_raising = [a.id for a in meetings.open_action_items(PageRequest(sort="raised_on")).rows]
    assert set(by_raising[:2]) == {no_date.id, overdue_old.id}
    assert set(by_raising[2:]) == {due_later.id, overdue_new.id}
    with pytest.raises(ValidationError):
        meetings.count_open_action_items(PageRequest(filters={"owner": "TMA"}))


def test_meetings_due(meetings: MeetingService, clerk: ServiceContext, stations: dict[str, uuid.UUID]) -> None:
    committees = CommitteeService(clerk)
    never_met = make_committee(clerk, stations["City"], "Never met", formed_on=TODAY - timedelta(days=90))
    met_recently = make_committee(clerk, stations["City"], "Met recently", formed_on=TODAY - timedelta(days=90))
    met_long_ago = make_committee(clerk, stations["Saddar"], "Met long ago", formed_on=TODAY - timedelta(days=90))
    make_committee(clerk, stations["City"], "Just formed", formed_on=TODAY - timedelta(days=29))
    dissolved = make_committee(clerk, stations["City"], "Dissolved", formed_on=TODAY - timedelta(days=90))
    committees.dissolve(dissolved.id, committees.get(dissolved.id).version, TODAY - timedelta(days=1))
    hold(meetings, met_recently, TODAY - timedelta(days=29))
    hold(meetings, met_long_ago, TODAY - timedelta(days=30))
    meetings.schedule(met_long_ago.id, TODAY + timedelta(days=3), "Hall")

    due = meetings.meetings_due()
    assert [(d.committee_name, d.days_since, d.last_held_on, d.next_planned_on) for d in due] == [
        ("Never met", 90, None, None),
        ("Met long ago", 30, TODAY - timedelta(days=30), TODAY + timedelta(days=3)),
    ]
    assert due[1].station_name == "Saddar" and due[0].committee_id == never_met.id
    assert [d.committee_name for d in meetings.meetings_due(stations["Saddar"])] == ["Met long ago"]


def test_hub_roles_cannot_see_meetings(as_role: object) -> None:
    from copdesk.models.accounts import Role

    ctx = as_role(Role.HUB_ANALYST)  # type: ignore[operator]
    with pytest.raises(PermissionDenied):
        MeetingService(ctx).meetings_due()
    with pytest.raises(PermissionDenied):
        MeetingService(ctx).get(uuid.uuid4())
