"""Committee meetings: scheduling, the record of what happened, closing and reopening.

A meeting is *planned* when scheduled and counts as held only once it is *closed*. Closing needs the
attendance of every member of the committee on the meeting's date and the minutes; a closed meeting refuses
every change until a station or district officer reopens it, giving a reason (kept on the meeting, so the
audit trail records it). Scheduling a meeting puts every open action item raised at an earlier meeting of the
committee on the new agenda as a follow-up.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from copdesk.domain.corpus import member_categories, ranks
from copdesk.errors import ConflictError, NotFound, ValidationError, WorkflowError
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
from copdesk.services.committees import active_on, load_committee, member_active_clause, require_date
from copdesk.services.context import Service, requires
from copdesk.services.paging import Page, PageRequest, apply_search, apply_sort, count_rows, window
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
    "MeetingNotReady",
    "MeetingService",
    "MeetingSummary",
    "MeetingView",
    "OfficerPresentView",
    "follow_up_text",
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
_STALE = "Someone else changed this {what} since you opened it. Reload it and make your change again."
_CLOSED = (
    "This meeting is closed, so it cannot be changed. A station or district officer must reopen it first "
    "(giving the reason)."
)
_ROLE_ORDER = {MemberRole.CONVENER.value: 0, MemberRole.SECRETARY.value: 1, MemberRole.MEMBER.value: 2}
_MEETING_FILTERS = frozenset({"committee_id", "station_id", "status", "date_from", "date_to"})
_ACTION_FILTERS = frozenset({"committee_id", "station_id", "overdue"})


def follow_up_text(action_text: str) -> str:
    """The agenda text that carries an open action item onto a later meeting."""
    return f"{FOLLOW_UP_PREFIX}{action_text}"


# --- drafts --------------------------------------------------------------------------------------------------


def _text(value: str | None, field: str, what: str, maximum: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(f"Enter the {what}.", field)
    if len(text) > maximum:
        raise ValidationError(f"The {what} can be at most {maximum} characters long.", field)
    return text


def _line(value: str | None, field: str, what: str, maximum: int, *, required: bool = True) -> str:
    return _text(" ".join((value or "").split()), field, what, maximum, required=required)


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
        parties = _text(self.parties, "parties", "parties to the dispute", ITEM_MAX)
        nature = _line(self.nature, "nature", "nature of the dispute", NATURE_MAX)
        try:
            outcome = DisputeOutcome(self.outcome)
        except ValueError:
            raise ValidationError("Choose the outcome of the dispute.", "outcome") from None
        remarks = _text(self.remarks, "remarks", "remarks", LONG_TEXT_MAX, required=False)
        return DisputeDraft(parties, nature, outcome, remarks)


# --- views ---------------------------------------------------------------------------------------------------


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


class MeetingNotReady(WorkflowError):
    """Closing refused: ``problems`` lists, one sentence each, what is still missing."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("The meeting cannot be closed yet: " + " ".join(problems))
        self.problems = tuple(problems)


# --- helpers -------------------------------------------------------------------------------------------------


def _check_version(record: Any, expected_version: int, what: str) -> None:
    if record.version != expected_version:
        raise ConflictError(_STALE.format(what=what))


def _category_label(code: str) -> str:
    item = member_categories().get(code)
    return item.name_en if item is not None else code


def _rank_label(code: str) -> str:
    item = ranks().get(code)
    return item.name_en if item is not None else code


def _gender(value: Gender | str) -> Gender:
    try:
        return Gender(value)
    except ValueError:
        raise ValidationError("Choose male, female or transgender.", "gender") from None


def _day(value: date) -> str:
    return f"{value:%d %b %Y}"


def _meeting(session: Session, meeting_id: uuid.UUID) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.deleted_at is not None:
        raise NotFound("This meeting does not exist or has been deleted.")
    try:
        load_committee(session, meeting.committee_id)
    except NotFound:
        raise NotFound("This meeting's committee has been deleted.") from None
    return meeting


def _editable(session: Session, meeting_id: uuid.UUID) -> Meeting:
    meeting = _meeting(session, meeting_id)
    if meeting.status == MeetingStatus.CLOSED.value:
        raise WorkflowError(_CLOSED)
    return meeting


def _part(session: Session, model: Any, part_id: uuid.UUID, what: str) -> Any:
    """A live part of a meeting (agenda item, guest, decision, dispute, action item), or NotFound."""
    part = session.get(model, part_id)
    if part is None or part.deleted_at is not None:
        raise NotFound(f"This {what} does not exist or has been removed.")
    return part


def _live(query: Select[Any], model: Any, meeting_id: uuid.UUID) -> Select[Any]:
    return query.where(model.meeting_id == meeting_id, model.deleted_at.is_(None))


def _check_date_fits(committee: Committee, held_on: date) -> None:
    if held_on < committee.formed_on:
        raise ValidationError(
            f"The committee was formed on {_day(committee.formed_on)}; a meeting cannot be held before that.",
            "held_on",
        )
    if committee.dissolved_on is not None and held_on > committee.dissolved_on:
        raise ValidationError(
            f"The committee was dissolved on {_day(committee.dissolved_on)}; it cannot hold meetings after that.",
            "held_on",
        )


def _refuse_same_day(session: Session, committee: Committee, held_on: date, exclude: uuid.UUID | None) -> None:
    query = select(Meeting.id).where(
        Meeting.committee_id == committee.id, Meeting.held_on == held_on, Meeting.deleted_at.is_(None)
    )
    if exclude is not None:
        query = query.where(Meeting.id != exclude)
    if session.scalar(query.limit(1)) is not None:
        raise ConflictError(
            f"{committee.name} already has a meeting on {_day(held_on)}. Open that meeting instead of adding another."
        )


def _renumber(items: Iterable[Any]) -> None:
    for position, item in enumerate(sorted(items, key=lambda i: (i.position, i.created_at)), start=1):
        if item.position != position:
            item.position = position


_OwnerPerson = aliased(Person)
_OwnerMember = aliased(CommitteeMember)


class MeetingService(Service):
    """Scheduling, recording, closing and reopening committee meetings; action items across committees."""

    # --- reading helpers -----------------------------------------------------------------------------------

    def _owner_line(
        self,
        person_name: str | None,
        member_role: str | None,
        officer_name: str | None,
        officer_rank: str | None,
        owner_text: str,
    ) -> str:
        parts: list[str] = []
        if person_name is not None:
            role = f" ({MemberRole(member_role).label.lower()})" if member_role else ""
            parts.append(show_contact(self.ctx, person_name) + role)
        if officer_name is not None:
            parts.append(f"{_rank_label(officer_rank or '')} {officer_name}".strip())
        if owner_text:
            parts.append(owner_text)
        return "; ".join(parts)

    def _action_query(self) -> Select[Any]:
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

    def _action_view(self, row: Any) -> ActionItemView:
        item: ActionItem = row[0]
        status = ActionStatus(item.status)
        overdue = status is ActionStatus.OPEN and item.due_on is not None and item.due_on < self.ctx.today()
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
            owner=self._owner_line(row[4], row[5], row[6], row[7], item.owner_text),
            due_on=item.due_on,
            status=status,
            status_label=status.label,
            completed_on=item.completed_on,
            overdue=overdue,
        )

    def _action_view_of(self, session: Session, action_id: uuid.UUID) -> ActionItemView:
        row = session.execute(self._action_query().where(ActionItem.id == action_id)).first()
        if row is None:
            raise NotFound("This action item does not exist or has been removed.")
        return self._action_view(row)

    def _attendance(self, session: Session, meeting: Meeting) -> list[AttendanceView]:
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
        rows = sorted(rows, key=lambda r: (_ROLE_ORDER.get(r[0].role, 9), r[1].name.casefold(), r[0].joined_on))
        views: list[AttendanceView] = []
        for member, person, status in rows:
            role = MemberRole(member.role)
            state = AttendanceStatus(status) if status is not None else None
            views.append(
                AttendanceView(
                    member_id=member.id,
                    person_id=person.id,
                    name=show_contact(self.ctx, person.name),
                    gender=Gender(person.gender),
                    role=role,
                    role_label=role.label,
                    category=member.category,
                    category_label=_category_label(member.category),
                    status=state,
                    status_label=state.label if state is not None else "Not marked",
                )
            )
        return views

    def _close_problems(self, meeting: Meeting, attendance: Sequence[AttendanceView]) -> list[str]:
        problems: list[str] = []
        if meeting.held_on > self.ctx.today():
            problems.append(
                f"The meeting is dated {_day(meeting.held_on)}, which is still to come; close it on or after that day."
            )
        if not attendance:
            problems.append(f"The committee had no members on {_day(meeting.held_on)}; add its members first.")
        unmarked = [f"{a.name} ({a.role_label.lower()})" for a in attendance if a.status is None]
        if unmarked:
            problems.append(f"Attendance is not marked for: {', '.join(unmarked)}.")
        if not meeting.minutes.strip():
            problems.append("The minutes have not been written.")
        return problems

    def _officers(self, session: Session, meeting_id: uuid.UUID) -> list[OfficerPresentView]:
        rows = session.scalars(
            select(Officer)
            .join(OfficerAttendance, OfficerAttendance.officer_id == Officer.id)
            .where(OfficerAttendance.meeting_id == meeting_id, OfficerAttendance.deleted_at.is_(None))
        ).all()
        order = {code: i for i, code in enumerate(ranks())}
        rows = sorted(rows, key=lambda o: (-order.get(o.rank, -1), o.name.casefold()))
        return [OfficerPresentView(o.id, o.name, o.rank, _rank_label(o.rank), o.number, Gender(o.gender)) for o in rows]

    def _view(self, session: Session, meeting: Meeting) -> MeetingView:
        committee = session.get_one(Committee, meeting.committee_id)
        station = session.get_one(Station, committee.station_id)
        agenda = session.scalars(
            _live(select(AgendaItem), AgendaItem, meeting.id).order_by(AgendaItem.position, AgendaItem.created_at)
        ).all()
        guests = session.scalars(_live(select(Guest), Guest, meeting.id).order_by(Guest.created_at, Guest.id)).all()
        decisions = session.scalars(
            _live(select(Decision), Decision, meeting.id).order_by(Decision.position, Decision.created_at)
        ).all()
        actions = session.execute(
            self._action_query()
            .where(ActionItem.meeting_id == meeting.id)
            .order_by(ActionItem.created_at, ActionItem.id)
        ).all()
        disputes = session.scalars(
            _live(select(DisputeHeard), DisputeHeard, meeting.id).order_by(DisputeHeard.created_at, DisputeHeard.id)
        ).all()
        attendance = self._attendance(session, meeting)
        status = MeetingStatus(meeting.status)
        kind = CommitteeType(committee.type)
        problems = self._close_problems(meeting, attendance) if status is MeetingStatus.PLANNED else []
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
            agenda=tuple(AgendaItemView(a.id, a.position, a.text, a.carried_from_action_id) for a in agenda),
            attendance=tuple(attendance),
            officers=tuple(self._officers(session, meeting.id)),
            guests=tuple(
                GuestView(g.id, show_contact(self.ctx, g.name), Gender(g.gender), g.designation) for g in guests
            ),
            decisions=tuple(DecisionView(d.id, d.position, d.text) for d in decisions),
            action_items=tuple(self._action_view(row) for row in actions),
            disputes=tuple(self._dispute_view(d) for d in disputes),
            close_problems=tuple(problems),
        )

    def _dispute_view(self, dispute: DisputeHeard) -> DisputeView:
        outcome = DisputeOutcome(dispute.outcome)
        return DisputeView(
            dispute.id,
            dispute.version,
            show_contact(self.ctx, dispute.parties),
            dispute.nature,
            outcome,
            outcome.label,
            dispute.remarks,
        )

    def _agenda(self, session: Session, meeting_id: uuid.UUID) -> list[AgendaItemView]:
        items = session.scalars(
            _live(select(AgendaItem), AgendaItem, meeting_id).order_by(AgendaItem.position, AgendaItem.created_at)
        ).all()
        return [AgendaItemView(a.id, a.position, a.text, a.carried_from_action_id) for a in items]

    # --- meetings ----------------------------------------------------------------------------------------

    @requires("meeting.view")
    def get(self, meeting_id: uuid.UUID) -> MeetingView:
        """The complete meeting: committee, station, agenda, attendance, minutes, decisions, actions, disputes."""
        with self.ctx.read() as session:
            return self._view(session, _meeting(session, meeting_id))

    @requires("meeting.create")
    def schedule(
        self, committee_id: uuid.UUID, held_on: date, venue: str, start_time: time | None = None
    ) -> MeetingView:
        """Plan a meeting; every open action item raised at an earlier meeting goes on its agenda as a follow-up."""
        require_date(held_on, "held_on", "date of the meeting")
        if start_time is not None and not isinstance(start_time, time):
            raise ValidationError("Enter the starting time as hours and minutes.", "start_time")
        venue = _line(venue, "venue", "venue of the meeting", VENUE_MAX)
        with self.ctx.write() as session:
            committee = load_committee(session, committee_id)
            _check_date_fits(committee, held_on)
            _refuse_same_day(session, committee, held_on, None)
            meeting = Meeting(
                committee_id=committee.id,
                held_on=held_on,
                start_time=start_time,
                venue=venue,
                status=MeetingStatus.PLANNED.value,
                minutes="",
                closed_at=None,
                reopen_reason="",
            )
            session.add(meeting)
            session.flush()
            open_items = session.scalars(
                select(ActionItem)
                .join(Meeting, Meeting.id == ActionItem.meeting_id)
                .where(
                    ActionItem.committee_id == committee.id,
                    ActionItem.deleted_at.is_(None),
                    ActionItem.status == ActionStatus.OPEN.value,
                    Meeting.deleted_at.is_(None),
                    Meeting.held_on < held_on,
                )
                .order_by(Meeting.held_on, ActionItem.created_at, ActionItem.id)
            ).all()
            for position, item in enumerate(open_items, start=1):
                session.add(
                    AgendaItem(
                        meeting_id=meeting.id,
                        position=position,
                        text=follow_up_text(item.text),
                        carried_from_action_id=item.id,
                    )
                )
            session.flush()
            return self._view(session, meeting)

    @requires("meeting.update")
    def update(
        self,
        meeting_id: uuid.UUID,
        expected_version: int,
        held_on: date,
        venue: str,
        start_time: time | None = None,
    ) -> MeetingView:
        """Correct a planned meeting's date, venue or starting time."""
        require_date(held_on, "held_on", "date of the meeting")
        if start_time is not None and not isinstance(start_time, time):
            raise ValidationError("Enter the starting time as hours and minutes.", "start_time")
        venue = _line(venue, "venue", "venue of the meeting", VENUE_MAX)
        with self.ctx.write() as session:
            meeting = _editable(session, meeting_id)
            _check_version(meeting, expected_version, "meeting")
            committee = load_committee(session, meeting.committee_id)
            _check_date_fits(committee, held_on)
            _refuse_same_day(session, committee, held_on, meeting.id)
            meeting.held_on = held_on
            meeting.venue = venue
            meeting.start_time = start_time
            session.flush()
            return self._view(session, meeting)

    @requires("meeting.update")
    def set_minutes(self, meeting_id: uuid.UUID, expected_version: int, minutes: str) -> MeetingView:
        """Write (or replace) the minutes of the meeting."""
        text = _text(minutes, "minutes", "minutes", MINUTES_MAX, required=False)
        with self.ctx.write() as session:
            meeting = _editable(session, meeting_id)
            _check_version(meeting, expected_version, "meeting")
            meeting.minutes = text
            session.flush()
            return self._view(session, meeting)

    @requires("meeting.close")
    def close(self, meeting_id: uuid.UUID) -> MeetingView:
        """Close the meeting (from now on it counts as held); MeetingNotReady lists anything still missing."""
        with self.ctx.write() as session:
            meeting = _meeting(session, meeting_id)
            if meeting.status == MeetingStatus.CLOSED.value:
                raise WorkflowError("This meeting is already closed.")
            problems = self._close_problems(meeting, self._attendance(session, meeting))
            if problems:
                raise MeetingNotReady(problems)
            meeting.status = MeetingStatus.CLOSED.value
            meeting.closed_at = self.ctx.now()
            session.flush()
            return self._view(session, meeting)

    @requires("meeting.reopen")
    def reopen(self, meeting_id: uuid.UUID, reason: str) -> MeetingView:
        """Reopen a closed meeting so that it can be corrected; the reason is kept and audited."""
        why = _text(reason, "reason", "reason for reopening the meeting", ITEM_MAX)
        with self.ctx.write() as session:
            meeting = _meeting(session, meeting_id)
            if meeting.status != MeetingStatus.CLOSED.value:
                raise WorkflowError("This meeting is not closed, so there is nothing to reopen.")
            meeting.status = MeetingStatus.PLANNED.value
            meeting.closed_at = None
            meeting.reopen_reason = why
            session.flush()
            return self._view(session, meeting)

    @requires("meeting.delete")
    def delete(self, meeting_id: uuid.UUID) -> None:
        """Delete a meeting entered by mistake, with all its parts; a closed meeting must be reopened first."""
        with self.ctx.write() as session:
            meeting = _editable(session, meeting_id)
            action_ids = select(ActionItem.id).where(
                ActionItem.meeting_id == meeting.id, ActionItem.deleted_at.is_(None)
            )
            followed = session.execute(
                select(Meeting.held_on)
                .join(AgendaItem, AgendaItem.meeting_id == Meeting.id)
                .where(
                    AgendaItem.carried_from_action_id.in_(action_ids),
                    AgendaItem.deleted_at.is_(None),
                    Meeting.deleted_at.is_(None),
                    Meeting.id != meeting.id,
                )
                .order_by(Meeting.held_on)
                .limit(1)
            ).first()
            if followed is not None:
                raise WorkflowError(
                    f"Action items of this meeting are followed up on the agenda of the meeting of "
                    f"{_day(followed[0])}. Remove those follow-ups first."
                )
            now = self.ctx.now()
            for model in (AgendaItem, MemberAttendance, OfficerAttendance, Guest, Decision, DisputeHeard, ActionItem):
                for part in session.scalars(_live(select(model), model, meeting.id)):
                    part.deleted_at = now
            meeting.deleted_at = now

    # --- agenda ------------------------------------------------------------------------------------------

    @requires("meeting.update")
    def set_agenda(self, meeting_id: uuid.UUID, items: Sequence[AgendaEntry | str]) -> list[AgendaItemView]:
        """Replace the agenda with ``items`` in order; entries with an ``item_id`` keep that point (and its link)."""
        entries = [AgendaEntry(i) if isinstance(i, str) else i for i in items]
        texts = [_text(e.text, "agenda", "text of every agenda point", ITEM_MAX) for e in entries]
        with self.ctx.write() as session:
            meeting = _editable(session, meeting_id)
            existing = {a.id: a for a in session.scalars(_live(select(AgendaItem), AgendaItem, meeting.id))}
            kept: set[uuid.UUID] = set()
            for position, (entry, text) in enumerate(zip(entries, texts, strict=True), start=1):
                if entry.item_id is None:
                    session.add(AgendaItem(meeting_id=meeting.id, position=position, text=text))
                    continue
                item = existing.get(entry.item_id)
                if item is None or entry.item_id in kept:
                    raise ValidationError("An agenda point given is not on this meeting's agenda.", "agenda")
                kept.add(item.id)
                if item.position != position:
                    item.position = position
                if item.text != text:
                    item.text = text
            now = self.ctx.now()
            for item_id, item in existing.items():
                if item_id not in kept:
                    item.deleted_at = now
            session.flush()
            return self._agenda(session, meeting.id)

    @requires("meeting.update")
    def add_agenda_item(self, meeting_id: uuid.UUID, text: str) -> AgendaItemView:
        """Add a point at the end of the agenda."""
        clean = _text(text, "text", "agenda point", ITEM_MAX)
        with self.ctx.write() as session:
            meeting = _editable(session, meeting_id)
            last = session.scalar(_live(select(func.max(AgendaItem.position)), AgendaItem, meeting.id)) or 0
            item = AgendaItem(meeting_id=meeting.id, position=last + 1, text=clean)
            session.add(item)
            session.flush()
            return AgendaItemView(item.id, item.position, item.text, None)

    @requires("meeting.update")
    def remove_agenda_item(self, agenda_item_id: uuid.UUID) -> None:
        """Take a point off the agenda (the others are renumbered)."""
        with self.ctx.write() as session:
            item = _part(session, AgendaItem, agenda_item_id, "agenda point")
            meeting = _editable(session, item.meeting_id)
            item.deleted_at = self.ctx.now()
            _renumber(a for a in session.scalars(_live(select(AgendaItem), AgendaItem, meeting.id)) if a is not item)

    # --- attendance --------------------------------------------------------------------------------------

    @requires("meeting.update")
    def mark_attendance(
        self, meeting_id: uuid.UUID, statuses: Mapping[uuid.UUID, AttendanceStatus | str]
    ) -> list[AttendanceView]:
        """Mark members present, absent or excused (members not named keep what they had)."""
        wanted: dict[uuid.UUID, AttendanceStatus] = {}
        for member_id, status in statuses.items():
            try:
                wanted[member_id] = AttendanceStatus(status)
            except ValueError:
                raise ValidationError("Mark each member present, absent or excused.", "attendance") from None
        with self.ctx.write() as session:
            meeting = _editable(session, meeting_id)
            members = {
                m.id: m
                for m in session.scalars(
                    select(CommitteeMember).where(
                        CommitteeMember.id.in_(list(wanted)), CommitteeMember.deleted_at.is_(None)
                    )
                )
            }
            rows = {
                r.member_id: r for r in session.scalars(_live(select(MemberAttendance), MemberAttendance, meeting.id))
            }
            for member_id, status in wanted.items():
                member = members.get(member_id)
                if member is None or member.committee_id != meeting.committee_id:
                    raise ValidationError("Attendance can only be marked for members of this committee.", "attendance")
                if not active_on(member.joined_on, member.left_on, meeting.held_on) and member_id not in rows:
                    name = show_contact(self.ctx, session.get_one(Person, member.person_id).name)
                    raise ValidationError(
                        f"{name} was not a member of the committee on {_day(meeting.held_on)}.", "attendance"
                    )
                row = rows.get(member_id)
                if row is None:
                    session.add(MemberAttendance(meeting_id=meeting.id, member_id=member_id, status=status.value))
                elif row.status != status.value:
                    row.status = status.value
            session.flush()
            return self._attendance(session, meeting)

    @requires("meeting.update")
    def set_officers_present(self, meeting_id: uuid.UUID, officer_ids: Iterable[uuid.UUID]) -> list[OfficerPresentView]:
        """Record exactly which police officers were present (replacing the earlier list)."""
        wanted = list(dict.fromkeys(officer_ids))
        with self.ctx.write() as session:
            meeting = _editable(session, meeting_id)
            found = set(session.scalars(select(Officer.id).where(Officer.id.in_(wanted), Officer.deleted_at.is_(None))))
            if len(found) != len(wanted):
                raise ValidationError("One of the officers chosen does not exist or has been deleted.", "officers")
            rows = {
                r.officer_id: r
                for r in session.scalars(select(OfficerAttendance).where(OfficerAttendance.meeting_id == meeting.id))
            }
            now = self.ctx.now()
            for officer_id, row in rows.items():
                if officer_id not in found and row.deleted_at is None:
                    row.deleted_at = now
                elif officer_id in found and row.deleted_at is not None:
                    row.deleted_at = None
            for officer_id in wanted:
                if officer_id not in rows:
                    session.add(OfficerAttendance(meeting_id=meeting.id, officer_id=officer_id))
            session.flush()
            return self._officers(session, meeting.id)

    # --- guests ------------------------------------------------------------------------------------------

    @requires("meeting.update")
    def add_guest(self, meeting_id: uuid.UUID, name: str, gender: Gender | str, designation: str = "") -> GuestView:
        """Record a guest present at the meeting (not a member, not a district police officer)."""
        clean_name = _line(name, "name", "guest's name", GUEST_NAME_MAX)
        clean_gender = _gender(gender)
        clean_designation = _line(designation, "designation", "designation", DESIGNATION_MAX, required=False)
        with self.ctx.write() as session:
            meeting = _editable(session, meeting_id)
            guest = Guest(
                meeting_id=meeting.id, name=clean_name, gender=clean_gender.value, designation=clean_designation
            )
            session.add(guest)
            session.flush()
            return GuestView(guest.id, show_contact(self.ctx, guest.name), clean_gender, guest.designation)

    @requires("meeting.update")
    def remove_guest(self, guest_id: uuid.UUID) -> None:
        """Remove a guest recorded by mistake."""
        with self.ctx.write() as session:
            guest = _part(session, Guest, guest_id, "guest")
            _editable(session, guest.meeting_id)
            guest.deleted_at = self.ctx.now()

    # --- decisions ---------------------------------------------------------------------------------------

    @requires("meeting.update")
    def add_decision(self, meeting_id: uuid.UUID, text: str) -> DecisionView:
        """Record a decision (numbered after the others)."""
        clean = _text(text, "text", "decision", LONG_TEXT_MAX)
        with self.ctx.write() as session:
            meeting = _editable(session, meeting_id)
            last = session.scalar(_live(select(func.max(Decision.position)), Decision, meeting.id)) or 0
            decision = Decision(meeting_id=meeting.id, position=last + 1, text=clean)
            session.add(decision)
            session.flush()
            return DecisionView(decision.id, decision.position, decision.text)

    @requires("meeting.update")
    def update_decision(self, decision_id: uuid.UUID, text: str) -> DecisionView:
        """Correct a decision's wording."""
        clean = _text(text, "text", "decision", LONG_TEXT_MAX)
        with self.ctx.write() as session:
            decision = _part(session, Decision, decision_id, "decision")
            _editable(session, decision.meeting_id)
            decision.text = clean
            session.flush()
            return DecisionView(decision.id, decision.position, decision.text)

    @requires("meeting.update")
    def remove_decision(self, decision_id: uuid.UUID) -> None:
        """Remove a decision recorded by mistake (the others are renumbered)."""
        with self.ctx.write() as session:
            decision = _part(session, Decision, decision_id, "decision")
            meeting = _editable(session, decision.meeting_id)
            decision.deleted_at = self.ctx.now()
            _renumber(d for d in session.scalars(_live(select(Decision), Decision, meeting.id)) if d is not decision)

    # --- action items ------------------------------------------------------------------------------------

    @requires("meeting.update")
    def add_action_item(self, meeting_id: uuid.UUID, draft: ActionItemDraft) -> ActionItemView:
        """Record an action decided at the meeting (it stays on later agendas as a follow-up until done)."""
        text = _text(draft.text, "text", "action to be taken", ITEM_MAX)
        owner_text = _line(draft.owner_text, "owner_text", "person responsible", OWNER_TEXT_MAX, required=False)
        if draft.due_on is not None:
            require_date(draft.due_on, "due_on", "date the action is due by")
        with self.ctx.write() as session:
            meeting = _editable(session, meeting_id)
            if draft.owner_member_id is not None:
                member = session.get(CommitteeMember, draft.owner_member_id)
                if (
                    member is None
                    or member.deleted_at is not None
                    or member.committee_id != meeting.committee_id
                    or not active_on(member.joined_on, member.left_on, meeting.held_on)
                ):
                    raise ValidationError(
                        f"The person responsible must be a member of this committee on {_day(meeting.held_on)}.",
                        "owner_member_id",
                    )
            if draft.owner_officer_id is not None:
                officer = session.get(Officer, draft.owner_officer_id)
                if officer is None or officer.deleted_at is not None:
                    raise ValidationError("The officer chosen does not exist or has been deleted.", "owner_officer_id")
            if draft.owner_member_id is None and draft.owner_officer_id is None and not owner_text:
                raise ValidationError("Say who is responsible: a member, an officer or a name.", "owner_text")
            if draft.due_on is not None and draft.due_on < meeting.held_on:
                raise ValidationError("The due date cannot be before the meeting.", "due_on")
            item = ActionItem(
                committee_id=meeting.committee_id,
                meeting_id=meeting.id,
                text=text,
                owner_member_id=draft.owner_member_id,
                owner_officer_id=draft.owner_officer_id,
                owner_text=owner_text,
                due_on=draft.due_on,
                status=ActionStatus.OPEN.value,
                completed_on=None,
            )
            session.add(item)
            session.flush()
            return self._action_view_of(session, item.id)

    @requires("meeting.update")
    def set_action_status(
        self,
        action_id: uuid.UUID,
        expected_version: int,
        status: ActionStatus | str,
        completed_on: date | None = None,
    ) -> ActionItemView:
        """Mark an action item done (on ``completed_on``, default today), dropped, or open again.

        Allowed whether or not the meeting that raised it is closed: progress is reported between meetings.
        """
        try:
            new = ActionStatus(status)
        except ValueError:
            raise ValidationError("Choose open, done or dropped.", "status") from None
        with self.ctx.write() as session:
            item = _part(session, ActionItem, action_id, "action item")
            meeting = _meeting(session, item.meeting_id)
            _check_version(item, expected_version, "action item")
            if item.status == new.value:
                raise WorkflowError(f"This action item is already {new.label.lower()}.")
            if new is ActionStatus.DONE:
                done_on = completed_on if completed_on is not None else self.ctx.today()
                require_date(done_on, "completed_on", "date the action was completed")
                if done_on < meeting.held_on:
                    raise ValidationError(
                        f"The action was raised at the meeting of {_day(meeting.held_on)}; it cannot have been "
                        "completed before that.",
                        "completed_on",
                    )
                if done_on > self.ctx.today():
                    raise ValidationError("The completion date cannot be in the future.", "completed_on")
                item.completed_on = done_on
            else:
                if completed_on is not None:
                    raise ValidationError("Only a completed action has a completion date.", "completed_on")
                item.completed_on = None
            item.status = new.value
            session.flush()
            return self._action_view_of(session, item.id)

    @requires("meeting.update")
    def remove_action_item(self, action_id: uuid.UUID) -> None:
        """Remove an action item recorded by mistake (only while its meeting is open and before any follow-up)."""
        with self.ctx.write() as session:
            item = _part(session, ActionItem, action_id, "action item")
            _editable(session, item.meeting_id)
            followed = session.scalar(
                select(AgendaItem.id)
                .join(Meeting, Meeting.id == AgendaItem.meeting_id)
                .where(
                    AgendaItem.carried_from_action_id == item.id,
                    AgendaItem.deleted_at.is_(None),
                    Meeting.deleted_at.is_(None),
                )
                .limit(1)
            )
            if followed is not None:
                raise WorkflowError(
                    "This action item is followed up on a later meeting's agenda; drop it instead of removing it."
                )
            item.deleted_at = self.ctx.now()

    def _action_filters(self, query: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
        unknown = set(filters) - _ACTION_FILTERS
        if unknown:
            raise ValidationError(f"Action items cannot be filtered by {', '.join(sorted(unknown))}.")
        if filters.get("committee_id") is not None:
            query = query.where(ActionItem.committee_id == filters["committee_id"])
        if filters.get("station_id") is not None:
            query = query.where(Committee.station_id == filters["station_id"])
        if filters.get("overdue") is not None:
            overdue = and_(ActionItem.due_on.is_not(None), ActionItem.due_on < self.ctx.today())
            query = query.where(overdue if filters["overdue"] else ~overdue)
        return query

    def _open_actions(self, session: Session, request: PageRequest) -> Select[Any]:
        query = self._action_query().where(ActionItem.status == ActionStatus.OPEN.value)
        query = self._action_filters(query, request.filters)
        return apply_search(query, Committee, session, request.search)

    @requires("meeting.view")
    def count_open_action_items(self, request: PageRequest) -> int:
        """How many open action items match (filters committee_id, station_id, overdue; search: committee)."""
        with self.ctx.read() as session:
            return count_rows(session, self._open_actions(session, request))

    @requires("meeting.view")
    def open_action_items(self, request: PageRequest) -> Page[ActionItemView]:
        """Open action items of every committee: overdue first, then by due date (undated last).

        ``sort`` may also be ``raised_on`` or ``committee``.
        """
        with self.ctx.read() as session:
            query = self._open_actions(session, request)
            key = request.sort or "due_on"
            if key == "due_on":
                undated = case((ActionItem.due_on.is_(None), 1), else_=0)
                due = ActionItem.due_on.desc() if request.descending else ActionItem.due_on.asc()
                query = query.order_by(undated, due, Meeting.held_on, ActionItem.created_at, ActionItem.id)
            else:
                sorts: dict[str, Any] = {"raised_on": Meeting.held_on, "committee": Committee.name}
                query = apply_sort(query, request, sorts, "raised_on", ActionItem.id)
            rows = session.execute(window(query, request)).all()
            return Page(request.offset, [self._action_view(r) for r in rows])

    # --- disputes ----------------------------------------------------------------------------------------

    @requires("meeting.update")
    def add_dispute(self, meeting_id: uuid.UUID, draft: DisputeDraft) -> DisputeView:
        """Record a dispute the committee heard at the meeting."""
        clean = draft.validated()
        with self.ctx.write() as session:
            meeting = _editable(session, meeting_id)
            dispute = DisputeHeard(
                meeting_id=meeting.id,
                parties=clean.parties,
                nature=clean.nature,
                outcome=DisputeOutcome(clean.outcome).value,
                remarks=clean.remarks,
            )
            session.add(dispute)
            session.flush()
            return self._dispute_view(dispute)

    @requires("meeting.update")
    def update_dispute(self, dispute_id: uuid.UUID, expected_version: int, draft: DisputeDraft) -> DisputeView:
        """Correct a dispute heard (parties, nature, outcome, remarks)."""
        clean = draft.validated()
        with self.ctx.write() as session:
            dispute = _part(session, DisputeHeard, dispute_id, "dispute")
            _editable(session, dispute.meeting_id)
            _check_version(dispute, expected_version, "dispute")
            dispute.parties = clean.parties
            dispute.nature = clean.nature
            dispute.outcome = DisputeOutcome(clean.outcome).value
            dispute.remarks = clean.remarks
            session.flush()
            return self._dispute_view(dispute)

    @requires("meeting.update")
    def remove_dispute(self, dispute_id: uuid.UUID) -> None:
        """Remove a dispute recorded by mistake."""
        with self.ctx.write() as session:
            dispute = _part(session, DisputeHeard, dispute_id, "dispute")
            _editable(session, dispute.meeting_id)
            dispute.deleted_at = self.ctx.now()

    # --- lists -------------------------------------------------------------------------------------------

    def _meetings(self, session: Session, request: PageRequest) -> Select[Any]:
        filters = request.filters
        unknown = set(filters) - _MEETING_FILTERS
        if unknown:
            raise ValidationError(f"Meetings cannot be filtered by {', '.join(sorted(unknown))}.")
        present = (
            select(func.count(MemberAttendance.id))
            .where(
                MemberAttendance.meeting_id == Meeting.id,
                MemberAttendance.deleted_at.is_(None),
                MemberAttendance.status == AttendanceStatus.PRESENT.value,
            )
            .correlate(Meeting)
            .scalar_subquery()
        )
        query: Select[Any] = (
            select(Meeting, Committee, Station.name, present)
            .join(Committee, Committee.id == Meeting.committee_id)
            .join(Station, Station.id == Committee.station_id)
            .where(Meeting.deleted_at.is_(None), Committee.deleted_at.is_(None))
        )
        if filters.get("committee_id") is not None:
            query = query.where(Meeting.committee_id == filters["committee_id"])
        if filters.get("station_id") is not None:
            query = query.where(Committee.station_id == filters["station_id"])
        if filters.get("status") is not None:
            try:
                query = query.where(Meeting.status == MeetingStatus(filters["status"]).value)
            except ValueError:
                raise ValidationError("Choose planned or closed.", "status") from None
        if filters.get("date_from") is not None:
            query = query.where(Meeting.held_on >= filters["date_from"])
        if filters.get("date_to") is not None:
            query = query.where(Meeting.held_on <= filters["date_to"])
        return apply_search(query, Committee, session, request.search)

    @staticmethod
    def _summary(row: Any) -> MeetingSummary:
        meeting: Meeting = row[0]
        committee: Committee = row[1]
        status = MeetingStatus(meeting.status)
        kind = CommitteeType(committee.type)
        return MeetingSummary(
            id=meeting.id,
            version=meeting.version,
            committee_id=committee.id,
            committee_name=committee.name,
            committee_type=kind,
            committee_type_label=kind.label,
            station_id=committee.station_id,
            station_name=row[2],
            held_on=meeting.held_on,
            start_time=meeting.start_time,
            venue=meeting.venue,
            status=status,
            status_label=status.label,
            members_present=int(row[3] or 0),
        )

    @requires("meeting.view")
    def count(self, request: PageRequest) -> int:
        """How many meetings match (filters committee_id, station_id, status, date_from, date_to)."""
        with self.ctx.read() as session:
            return count_rows(session, self._meetings(session, request))

    @requires("meeting.view")
    def page(self, request: PageRequest) -> Page[MeetingSummary]:
        """A window of meetings, sorted by ``held_on`` (default), ``committee``, ``station`` or ``status``."""
        sorts: dict[str, Any] = {
            "held_on": Meeting.held_on,
            "committee": Committee.name,
            "station": Station.name,
            "status": Meeting.status,
        }
        with self.ctx.read() as session:
            query = apply_sort(self._meetings(session, request), request, sorts, "held_on", Meeting.id)
            rows = session.execute(window(query, request)).all()
            return Page(request.offset, [self._summary(r) for r in rows])

    @requires("meeting.view")
    def meetings_due(self, station_id: uuid.UUID | None = None) -> list[DueCommittee]:
        """Committees existing today that have held no meeting in the last 30 days, longest waiting first.

        A committee formed less than 30 days ago is not due yet. Only closed meetings count as held.
        """
        today = self.ctx.today()
        threshold = today - timedelta(days=MEETING_INTERVAL_DAYS)
        last_held = (
            select(func.max(Meeting.held_on))
            .where(
                Meeting.committee_id == Committee.id,
                Meeting.deleted_at.is_(None),
                Meeting.status == MeetingStatus.CLOSED.value,
                Meeting.held_on <= today,
            )
            .correlate(Committee)
            .scalar_subquery()
        )
        next_planned = (
            select(func.min(Meeting.held_on))
            .where(
                Meeting.committee_id == Committee.id,
                Meeting.deleted_at.is_(None),
                Meeting.status == MeetingStatus.PLANNED.value,
                Meeting.held_on >= today,
            )
            .correlate(Committee)
            .scalar_subquery()
        )
        reference = func.coalesce(last_held, Committee.formed_on)
        query = (
            select(Committee, Station.name, last_held, next_planned)
            .join(Station, Station.id == Committee.station_id)
            .where(
                Committee.deleted_at.is_(None),
                Committee.formed_on <= today,
                or_(Committee.dissolved_on.is_(None), Committee.dissolved_on >= today),
                reference <= threshold,
            )
        )
        if station_id is not None:
            query = query.where(Committee.station_id == station_id)
        with self.ctx.read() as session:
            due: list[DueCommittee] = []
            for committee, station_name, held, planned in session.execute(query).all():
                since = today - (held if held is not None else committee.formed_on)
                kind = CommitteeType(committee.type)
                due.append(
                    DueCommittee(
                        committee_id=committee.id,
                        committee_name=committee.name,
                        committee_type=kind,
                        committee_type_label=kind.label,
                        station_id=committee.station_id,
                        station_name=station_name,
                        last_held_on=held,
                        days_since=since.days,
                        next_planned_on=planned,
                    )
                )
            due.sort(key=lambda d: (-d.days_since, d.committee_name.casefold()))
            return due
