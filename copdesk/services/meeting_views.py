"""What meeting screens show: the drafts a form gives, the frozen views, and the functions that build them.

The builders take the service context because names are shown (or masked) as the signed-in role allows and
"overdue" depends on today.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, cast

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, aliased

from copdesk.domain.corpus import ranks
from copdesk.errors import NotFound
from copdesk.models.committees import Committee, CommitteeMember, CommitteeType, MemberRole
from copdesk.models.meetings import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    AttendanceStatus,
    Decision,
    DisputeHeard,
    DisputeOutcome,
    Guest,
    Meeting,
    MeetingStatus,
    MemberAttendance,
    OfficerAttendance,
)
from copdesk.models.organisation import Officer, Station
from copdesk.models.people import Gender, Person
from copdesk.services.committees import member_active_clause, member_category_label
from copdesk.services.context import ServiceContext
from copdesk.services.fields import as_choice, clean_line, clean_text
from copdesk.services.meeting_rules import (
    ITEM_MAX,
    LONG_TEXT_MAX,
    NATURE_MAX,
    ROLE_ORDER,
    close_problems,
    live_parts,
)
from copdesk.services.organisation import rank_label
from copdesk.services.privacy import show_contact

__all__ = [
    "ActionItemDraft",
    "ActionItemView",
    "AgendaEntry",
    "AgendaItemView",
    "AttendanceView",
    "DecisionView",
    "DisputeDraft",
    "DisputeView",
    "DueCommittee",
    "GuestView",
    "MeetingSummary",
    "MeetingView",
    "OfficerPresentView",
    "action_query",
    "action_view",
    "action_view_of",
    "agenda_views",
    "attendance_views",
    "dispute_view",
    "meeting_summary",
    "meeting_view",
    "officers_present",
]

# --- drafts --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaEntry:
    """One point of an agenda given to :meth:`MeetingService.set_agenda`; ``item_id`` keeps an existing point."""

    text: str
    item_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ActionItemDraft:
    """An action decided at a meeting: what, by whom (a member, an officer and/or a free text), by when."""

    text: str
    owner_member_id: uuid.UUID | None = None
    owner_officer_id: uuid.UUID | None = None
    owner_text: str = ""
    due_on: date | None = None


@dataclass(frozen=True)
class DisputeDraft:
    """A dispute heard: the parties (personal data), its nature, the outcome and remarks."""

    parties: str
    nature: str
    outcome: DisputeOutcome | str = DisputeOutcome.PENDING
    remarks: str = ""

    def validated(self) -> DisputeDraft:
        """The draft trimmed, with the outcome as :class:`DisputeOutcome`; ValidationError otherwise."""
        parties = clean_text(self.parties, "parties", "parties to the dispute", ITEM_MAX, required=True)
        nature = clean_line(self.nature, "nature", "nature of the dispute", NATURE_MAX, required=True)
        outcome = as_choice(DisputeOutcome, self.outcome, "Choose the outcome of the dispute.", "outcome")
        remarks = clean_text(self.remarks, "remarks", "remarks", LONG_TEXT_MAX)
        return DisputeDraft(parties, nature, outcome, remarks)


# --- views -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaItemView:
    """A point of the agenda; ``carried_from_action_id`` is set on follow-ups of open action items."""

    id: uuid.UUID
    position: int
    text: str
    carried_from_action_id: uuid.UUID | None


@dataclass(frozen=True)
class AttendanceView:
    """A member expected at (or marked for) a meeting; ``status`` is None until attendance is marked."""

    member_id: uuid.UUID
    person_id: uuid.UUID
    name: str
    gender: Gender
    role: MemberRole
    role_label: str
    category: str
    category_label: str
    status: AttendanceStatus | None
    status_label: str


@dataclass(frozen=True)
class OfficerPresentView:
    """A police officer present at a meeting."""

    officer_id: uuid.UUID
    name: str
    rank: str
    rank_label: str
    number: str
    gender: Gender


@dataclass(frozen=True)
class GuestView:
    """A guest at a meeting (the name shown as the viewer's role allows)."""

    id: uuid.UUID
    name: str
    gender: Gender
    designation: str


@dataclass(frozen=True)
class DecisionView:
    """A decision of the meeting, numbered."""

    id: uuid.UUID
    position: int
    text: str


@dataclass(frozen=True)
class ActionItemView:
    """An action item with who owns it (``owner``: a readable line) and whether it is overdue."""

    id: uuid.UUID
    version: int
    committee_id: uuid.UUID
    committee_name: str
    station_name: str
    meeting_id: uuid.UUID
    raised_on: date
    text: str
    owner_member_id: uuid.UUID | None
    owner_officer_id: uuid.UUID | None
    owner_text: str
    owner: str
    due_on: date | None
    status: ActionStatus
    status_label: str
    completed_on: date | None
    overdue: bool


@dataclass(frozen=True)
class DisputeView:
    """A dispute heard at a meeting (the parties shown as the viewer's role allows)."""

    id: uuid.UUID
    version: int
    parties: str
    nature: str
    outcome: DisputeOutcome
    outcome_label: str
    remarks: str


@dataclass(frozen=True)
class MeetingView:
    """Everything needed to show or print a meeting's minutes.

    ``close_problems`` lists what still stops a planned meeting from being closed (empty once closed).
    """

    id: uuid.UUID
    version: int
    committee_id: uuid.UUID
    committee_name: str
    committee_type: CommitteeType
    committee_type_label: str
    notification_ref: str
    station_id: uuid.UUID
    station_name: str
    held_on: date
    start_time: time | None
    venue: str
    status: MeetingStatus
    status_label: str
    minutes: str
    closed_at: datetime | None
    reopen_reason: str
    agenda: tuple[AgendaItemView, ...]
    attendance: tuple[AttendanceView, ...]
    officers: tuple[OfficerPresentView, ...]
    guests: tuple[GuestView, ...]
    decisions: tuple[DecisionView, ...]
    action_items: tuple[ActionItemView, ...]
    disputes: tuple[DisputeView, ...]
    close_problems: tuple[str, ...] = field(default=())

    @property
    def members_present(self) -> int:
        """How many members were present."""
        return sum(1 for a in self.attendance if a.status is AttendanceStatus.PRESENT)

    @property
    def women_present(self) -> int:
        """Women present: members marked present and guests."""
        members = sum(1 for a in self.attendance if a.status is AttendanceStatus.PRESENT and a.gender is Gender.FEMALE)
        return members + sum(1 for g in self.guests if g.gender is Gender.FEMALE)


@dataclass(frozen=True)
class MeetingSummary:
    """A meeting as a row of the meetings list."""

    id: uuid.UUID
    version: int
    committee_id: uuid.UUID
    committee_name: str
    committee_type: CommitteeType
    committee_type_label: str
    station_id: uuid.UUID
    station_name: str
    held_on: date
    start_time: time | None
    venue: str
    status: MeetingStatus
    status_label: str
    members_present: int


@dataclass(frozen=True)
class DueCommittee:
    """An active committee that has held no meeting for :data:`MEETING_INTERVAL_DAYS` days or more."""

    committee_id: uuid.UUID
    committee_name: str
    committee_type: CommitteeType
    committee_type_label: str
    station_id: uuid.UUID
    station_name: str
    last_held_on: date | None
    days_since: int  # since the last meeting held, or since the committee was formed
    next_planned_on: date | None


# --- builders ------------------------------------------------------------------------------------------------

_OwnerPerson = aliased(Person)
_OwnerMember = aliased(CommitteeMember)


def _owner_line(
    ctx: ServiceContext,
    person_name: str | None,
    member_role: str | None,
    officer_name: str | None,
    officer_rank: str | None,
    owner_text: str,
) -> str:
    parts: list[str] = []
    if person_name is not None:
        role = f" ({MemberRole(member_role).label.lower()})" if member_role else ""
        parts.append(show_contact(ctx, person_name) + role)
    if officer_name is not None:
        parts.append(f"{rank_label(officer_rank or '')} {officer_name}".strip())
    if owner_text:
        parts.append(owner_text)
    return "; ".join(parts)


def action_query() -> Select[Any]:
    """Live action items with their meeting's date, committee, station and owner (rows for :func:`action_view`)."""
    query = (
        select(
            ActionItem,
            Meeting.held_on,
            Committee.name,
            Station.name,
            _OwnerPerson.name,
            _OwnerMember.role,
            Officer.name,
            Officer.rank,
        )
        .join(Meeting, Meeting.id == ActionItem.meeting_id)
        .join(Committee, Committee.id == ActionItem.committee_id)
        .join(Station, Station.id == Committee.station_id)
        .outerjoin(_OwnerMember, _OwnerMember.id == ActionItem.owner_member_id)
        .outerjoin(_OwnerPerson, _OwnerPerson.id == _OwnerMember.person_id)
        .outerjoin(Officer, Officer.id == ActionItem.owner_officer_id)
        .where(
            ActionItem.deleted_at.is_(None),
            Meeting.deleted_at.is_(None),
            Committee.deleted_at.is_(None),
        )
    )
    return cast("Select[Any]", query)


def action_view(ctx: ServiceContext, row: Any) -> ActionItemView:
    """The view of a row of :func:`action_query`."""
    item: ActionItem = row[0]
    status = ActionStatus(item.status)
    overdue = status is ActionStatus.OPEN and item.due_on is not None and item.due_on < ctx.today()
    return ActionItemView(
        id=item.id,
        version=item.version,
        committee_id=item.committee_id,
        committee_name=row[2],
        station_name=row[3],
        meeting_id=item.meeting_id,
        raised_on=row[1],
        text=item.text,
        owner_member_id=item.owner_member_id,
        owner_officer_id=item.owner_officer_id,
        owner_text=item.owner_text,
        owner=_owner_line(ctx, row[4], row[5], row[6], row[7], item.owner_text),
        due_on=item.due_on,
        status=status,
        status_label=status.label,
        completed_on=item.completed_on,
        overdue=overdue,
    )


def action_view_of(ctx: ServiceContext, session: Session, action_id: uuid.UUID) -> ActionItemView:
    """One action item, or NotFound."""
    row = session.execute(action_query().where(ActionItem.id == action_id)).first()
    if row is None:
        raise NotFound("This action item does not exist or has been removed.")
    return action_view(ctx, row)


def attendance_views(ctx: ServiceContext, session: Session, meeting: Meeting) -> list[AttendanceView]:
    """The members expected at the meeting (or marked for it): convener, secretary, then members by name."""
    marked = aliased(MemberAttendance)
    rows = session.execute(
        select(CommitteeMember, Person, marked.status)
        .join(Person, Person.id == CommitteeMember.person_id)
        .outerjoin(
            marked,
            and_(
                marked.member_id == CommitteeMember.id,
                marked.meeting_id == meeting.id,
                marked.deleted_at.is_(None),
            ),
        )
        .where(
            CommitteeMember.committee_id == meeting.committee_id,
            CommitteeMember.deleted_at.is_(None),
            or_(member_active_clause(meeting.held_on), marked.id.is_not(None)),
        )
    ).all()
    rows = sorted(rows, key=lambda r: (ROLE_ORDER.get(r[0].role, 9), r[1].name.casefold(), r[0].joined_on))
    views: list[AttendanceView] = []
    for member, person, status in rows:
        role = MemberRole(member.role)
        state = AttendanceStatus(status) if status is not None else None
        views.append(
            AttendanceView(
                member_id=member.id,
                person_id=person.id,
                name=show_contact(ctx, person.name),
                gender=Gender(person.gender),
                role=role,
                role_label=role.label,
                category=member.category,
                category_label=member_category_label(member.category),
                status=state,
                status_label=state.label if state is not None else "Not marked",
            )
        )
    return views


def officers_present(session: Session, meeting_id: uuid.UUID) -> list[OfficerPresentView]:
    """The police officers present, senior ranks first."""
    rows = session.scalars(
        select(Officer)
        .join(OfficerAttendance, OfficerAttendance.officer_id == Officer.id)
        .where(OfficerAttendance.meeting_id == meeting_id, OfficerAttendance.deleted_at.is_(None))
    ).all()
    order = {code: i for i, code in enumerate(ranks())}
    rows = sorted(rows, key=lambda o: (-order.get(o.rank, -1), o.name.casefold()))
    return [OfficerPresentView(o.id, o.name, o.rank, rank_label(o.rank), o.number, Gender(o.gender)) for o in rows]


def dispute_view(ctx: ServiceContext, dispute: DisputeHeard) -> DisputeView:
    """The view of a dispute heard."""
    outcome = DisputeOutcome(dispute.outcome)
    return DisputeView(
        dispute.id,
        dispute.version,
        show_contact(ctx, dispute.parties),
        dispute.nature,
        outcome,
        outcome.label,
        dispute.remarks,
    )


def agenda_views(session: Session, meeting_id: uuid.UUID) -> list[AgendaItemView]:
    """The meeting's agenda, in order."""
    items = session.scalars(
        live_parts(select(AgendaItem), AgendaItem, meeting_id).order_by(AgendaItem.position, AgendaItem.created_at)
    ).all()
    return [AgendaItemView(a.id, a.position, a.text, a.carried_from_action_id) for a in items]


def meeting_view(ctx: ServiceContext, session: Session, meeting: Meeting) -> MeetingView:
    """The complete meeting, with what still stops it from being closed."""
    committee = session.get_one(Committee, meeting.committee_id)
    station = session.get_one(Station, committee.station_id)
    guests = session.scalars(live_parts(select(Guest), Guest, meeting.id).order_by(Guest.created_at, Guest.id)).all()
    decisions = session.scalars(
        live_parts(select(Decision), Decision, meeting.id).order_by(Decision.position, Decision.created_at)
    ).all()
    actions = session.execute(
        action_query().where(ActionItem.meeting_id == meeting.id).order_by(ActionItem.created_at, ActionItem.id)
    ).all()
    disputes = session.scalars(
        live_parts(select(DisputeHeard), DisputeHeard, meeting.id).order_by(DisputeHeard.created_at, DisputeHeard.id)
    ).all()
    attendance = attendance_views(ctx, session, meeting)
    status = MeetingStatus(meeting.status)
    kind = CommitteeType(committee.type)
    problems = close_problems(meeting, attendance, ctx.today()) if status is MeetingStatus.PLANNED else []
    return MeetingView(
        id=meeting.id,
        version=meeting.version,
        committee_id=committee.id,
        committee_name=committee.name,
        committee_type=kind,
        committee_type_label=kind.label,
        notification_ref=committee.notification_ref,
        station_id=station.id,
        station_name=station.name,
        held_on=meeting.held_on,
        start_time=meeting.start_time,
        venue=meeting.venue,
        status=status,
        status_label=status.label,
        minutes=meeting.minutes,
        closed_at=meeting.closed_at,
        reopen_reason=meeting.reopen_reason,
        agenda=tuple(agenda_views(session, meeting.id)),
        attendance=tuple(attendance),
        officers=tuple(officers_present(session, meeting.id)),
        guests=tuple(GuestView(g.id, show_contact(ctx, g.name), Gender(g.gender), g.designation) for g in guests),
        decisions=tuple(DecisionView(d.id, d.position, d.text) for d in decisions),
        action_items=tuple(action_view(ctx, row) for row in actions),
        disputes=tuple(dispute_view(ctx, d) for d in disputes),
        close_problems=tuple(problems),
    )


def meeting_summary(row: Any) -> MeetingSummary:
    """A row of the meetings list: (meeting, committee, station name, members present)."""
    meeting: Meeting = row[0]
    committee: Committee = row[1]
    return summary_of(
        meeting.id,
        meeting.version,
        committee.id,
        committee.name,
        committee.type,
        committee.station_id,
        row[2],
        meeting.held_on,
        meeting.start_time,
        meeting.venue,
        meeting.status,
        row[3],
    )


def summary_of(
    id: uuid.UUID,
    version: int,
    committee_id: uuid.UUID,
    committee_name: str,
    committee_type: str,
    station_id: uuid.UUID,
    station_name: str,
    held_on: date,
    start_time: time | None,
    venue: str,
    status: str,
    members_present: int | None,
) -> MeetingSummary:
    """A row of the meetings list from plain values (the stored type and status; ``None`` present: none)."""
    state = MeetingStatus(status)
    kind = CommitteeType(committee_type)
    return MeetingSummary(
        id=id,
        version=version,
        committee_id=committee_id,
        committee_name=committee_name,
        committee_type=kind,
        committee_type_label=kind.label,
        station_id=station_id,
        station_name=station_name,
        held_on=held_on,
        start_time=start_time,
        venue=venue,
        status=state,
        status_label=state.label,
        members_present=int(members_present or 0),
    )
