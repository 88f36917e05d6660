"""Community committees and their members.

A committee belongs to a police station and is formed by a notification (order). Its members are people
(see :mod:`copdesk.services.people`) with an office (convener, secretary, member) and a category (elder,
ulema, lawyer, ...). A membership runs from ``joined_on`` up to, not including, ``left_on``; a person is at
most once a member of a committee at any time, and a committee has at most one convener and one secretary at
any time. A committee dissolved on a day may still meet that day, never later.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from copdesk.domain.corpus import member_categories
from copdesk.errors import ConflictError, NotFound, ValidationError, WorkflowError
from copdesk.models.committees import Committee, CommitteeMember, CommitteeType, MemberRole
from copdesk.models.meetings import Meeting, MeetingStatus, MemberAttendance
from copdesk.models.organisation import Station
from copdesk.models.people import Gender, Person
from copdesk.services.context import Service, requires
from copdesk.services.fields import as_choice, check_version, clean_line, clean_text, require_date
from copdesk.services.filters import check_filters
from copdesk.services.paging import Page, PageRequest, apply_search, apply_sort, count_rows, window
from copdesk.services.privacy import show_contact, show_mobile

__all__ = [
    "CommitteeDraft",
    "CommitteeService",
    "CommitteeView",
    "MemberDraft",
    "MemberView",
    "active_on",
    "committee_active_on",
    "load_committee",
    "member_active_clause",
    "member_category_label",
    "periods_overlap",
    "require_date",
]

NAME_MAX = 160
REFERENCE_MAX = 120
NOTES_MAX = 4000
_ROLE_ORDER = {MemberRole.CONVENER: 0, MemberRole.SECRETARY: 1, MemberRole.MEMBER: 2}
_FILTERS = frozenset({"type", "station_id", "active"})


# --- membership periods (pure rules) -------------------------------------------------------------------------


def active_on(joined_on: date, left_on: date | None, day: date) -> bool:
    """True when a membership running from ``joined_on`` up to (not including) ``left_on`` covers ``day``."""
    return joined_on <= day and (left_on is None or day < left_on)


def periods_overlap(start_a: date, end_a: date | None, start_b: date, end_b: date | None) -> bool:
    """True when two half-open periods ``[start, end)`` (``end`` None: still running) share at least one day."""
    if (end_a is not None and end_a <= start_a) or (end_b is not None and end_b <= start_b):
        return False  # an empty period shares no day with anything
    return (end_b is None or start_a < end_b) and (end_a is None or start_b < end_a)


def committee_active_on(formed_on: date, dissolved_on: date | None, day: date) -> bool:
    """True when a committee exists on ``day``: formed by then and not dissolved before it."""
    return formed_on <= day and (dissolved_on is None or day <= dissolved_on)


def member_active_clause(day: date) -> ColumnElement[bool]:
    """SQL condition: the membership covers ``day`` (see :func:`active_on`)."""
    return and_(
        CommitteeMember.joined_on <= day,
        or_(CommitteeMember.left_on.is_(None), CommitteeMember.left_on > day),
    )


# --- drafts and views ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitteeDraft:
    """What the committee form gives (checked by :meth:`validated`)."""

    type: CommitteeType | str
    name: str
    station_id: uuid.UUID
    formed_on: date
    notification_ref: str = ""
    notes: str = ""

    def validated(self) -> CommitteeDraft:
        """The draft with text trimmed and the type as :class:`CommitteeType`; ValidationError on bad input."""
        kind = as_choice(CommitteeType, self.type, "Choose the type of committee.", "type")
        name = clean_line(self.name, "name", "committee's name", NAME_MAX, required=True)
        if not isinstance(self.station_id, uuid.UUID):
            raise ValidationError("Choose the police station the committee belongs to.", "station_id")
        formed_on = require_date(self.formed_on, "formed_on", "date the committee was formed")
        reference = clean_line(self.notification_ref, "notification_ref", "notification reference", REFERENCE_MAX)
        notes = clean_text(self.notes, "notes", "notes", NOTES_MAX)
        return CommitteeDraft(kind, name, self.station_id, formed_on, reference, notes)


@dataclass(frozen=True)
class CommitteeView:
    """A committee as shown in lists and forms. ``active``: exists today; ``member_count``: members today."""

    id: uuid.UUID
    version: int
    type: CommitteeType
    type_label: str
    name: str
    station_id: uuid.UUID
    station_name: str
    notification_ref: str
    formed_on: date
    dissolved_on: date | None
    notes: str
    active: bool
    member_count: int
    last_held_on: date | None


@dataclass(frozen=True)
class MemberDraft:
    """A membership as the form gives it: who, in which office and category, from when."""

    person_id: uuid.UUID
    role: MemberRole | str
    category: str
    joined_on: date

    def validated(self) -> MemberDraft:
        """The draft with role as :class:`MemberRole` and a known category; ValidationError otherwise."""
        if not isinstance(self.person_id, uuid.UUID):
            raise ValidationError("Choose the person who is a member.", "person_id")
        role = as_choice(MemberRole, self.role, "Choose convener, secretary or member.", "role")
        category = (self.category or "").strip()
        if category not in member_categories():
            raise ValidationError("Choose the member's category (elder, ulema, lawyer, ...).", "category")
        joined_on = require_date(self.joined_on, "joined_on", "date the member joined")
        return MemberDraft(self.person_id, role, category, joined_on)


@dataclass(frozen=True)
class MemberView:
    """A committee member with the person's name shown as the viewer's role allows."""

    id: uuid.UUID
    version: int
    committee_id: uuid.UUID
    person_id: uuid.UUID
    name: str
    father_name: str
    gender: Gender
    mobile: str
    role: MemberRole
    role_label: str
    category: str
    category_label: str
    joined_on: date
    left_on: date | None
    active: bool


# --- loading -------------------------------------------------------------------------------------------------


def load_committee(session: Session, committee_id: uuid.UUID) -> Committee:
    """The committee, or NotFound when it does not exist or was deleted."""
    committee = session.get(Committee, committee_id)
    if committee is None or committee.deleted_at is not None:
        raise NotFound("This committee does not exist or has been deleted.")
    return committee


def _member(session: Session, member_id: uuid.UUID) -> CommitteeMember:
    member = session.get(CommitteeMember, member_id)
    if member is None or member.deleted_at is not None:
        raise NotFound("This committee member does not exist or has been removed.")
    load_committee(session, member.committee_id)
    return member


def _station(session: Session, station_id: uuid.UUID) -> Station:
    station = session.get(Station, station_id)
    if station is None or station.deleted_at is not None:
        raise ValidationError("Choose a police station of the district.", "station_id")
    return station


def member_category_label(code: str) -> str:
    """The English name of a member category code (the code itself if the corpus does not know it)."""
    item = member_categories().get(code)
    return item.name_en if item is not None else code


class CommitteeService(Service):
    """Forming, correcting, dissolving and deleting committees, and keeping their rosters."""

    # --- helpers -----------------------------------------------------------------------------------------

    def _member_view(self, member: CommitteeMember, person: Person, committee: Committee) -> MemberView:
        today = self.ctx.today()
        role = MemberRole(member.role)
        return MemberView(
            id=member.id,
            version=member.version,
            committee_id=member.committee_id,
            person_id=member.person_id,
            name=show_contact(self.ctx, person.name),
            father_name=show_contact(self.ctx, person.father_name),
            gender=Gender(person.gender),
            mobile=show_mobile(self.ctx, person.mobile),
            role=role,
            role_label=role.label,
            category=member.category,
            category_label=member_category_label(member.category),
            joined_on=member.joined_on,
            left_on=member.left_on,
            active=active_on(member.joined_on, member.left_on, today)
            and committee_active_on(committee.formed_on, committee.dissolved_on, today),
        )

    def _columns(self) -> tuple[Any, Any]:
        today = self.ctx.today()
        member_count = (
            select(func.count(CommitteeMember.id))
            .where(
                CommitteeMember.committee_id == Committee.id,
                CommitteeMember.deleted_at.is_(None),
                member_active_clause(today),
            )
            .correlate(Committee)
            .scalar_subquery()
        )
        last_held = (
            select(func.max(Meeting.held_on))
            .where(
                Meeting.committee_id == Committee.id,
                Meeting.deleted_at.is_(None),
                Meeting.status == MeetingStatus.CLOSED.value,
            )
            .correlate(Committee)
            .scalar_subquery()
        )
        return member_count, last_held

    def _committee_view(
        self, committee: Committee, station_name: str, member_count: int, last_held: date | None
    ) -> CommitteeView:
        kind = CommitteeType(committee.type)
        return CommitteeView(
            id=committee.id,
            version=committee.version,
            type=kind,
            type_label=kind.label,
            name=committee.name,
            station_id=committee.station_id,
            station_name=station_name,
            notification_ref=committee.notification_ref,
            formed_on=committee.formed_on,
            dissolved_on=committee.dissolved_on,
            notes=committee.notes,
            active=committee_active_on(committee.formed_on, committee.dissolved_on, self.ctx.today()),
            member_count=int(member_count or 0),
            last_held_on=last_held,
        )

    def _view_of(self, session: Session, committee_id: uuid.UUID) -> CommitteeView:
        member_count, last_held = self._columns()
        row = session.execute(
            select(Committee, Station.name, member_count, last_held)
            .join(Station, Station.id == Committee.station_id)
            .where(Committee.id == committee_id, Committee.deleted_at.is_(None))
        ).first()
        if row is None:
            raise NotFound("This committee does not exist or has been deleted.")
        return self._committee_view(row[0], row[1], row[2], row[3])

    def _refuse_duplicate_name(
        self, session: Session, name: str, station_id: uuid.UUID, exclude: uuid.UUID | None
    ) -> None:
        query = select(Committee.id).where(
            Committee.deleted_at.is_(None),
            Committee.station_id == station_id,
            func.lower(Committee.name) == name.lower(),
        )
        if exclude is not None:
            query = query.where(Committee.id != exclude)
        if session.scalar(query.limit(1)) is not None:
            raise ConflictError(f"This station already has a committee called {name}. Choose another name.")

    def _query(self, session: Session, request: PageRequest) -> Select[Any]:
        check_filters(request.filters, _FILTERS, "Committees")
        member_count, last_held = self._columns()
        query: Select[Any] = (
            select(Committee, Station.name, member_count, last_held)
            .join(Station, Station.id == Committee.station_id)
            .where(Committee.deleted_at.is_(None))
        )
        filters: Mapping[str, Any] = request.filters
        if filters.get("type") is not None:
            kind = as_choice(CommitteeType, filters["type"], "Choose the type of committee.", "type")
            query = query.where(Committee.type == kind.value)
        if filters.get("station_id") is not None:
            query = query.where(Committee.station_id == filters["station_id"])
        if filters.get("active") is not None:
            today = self.ctx.today()
            active = and_(
                Committee.formed_on <= today,
                or_(Committee.dissolved_on.is_(None), Committee.dissolved_on >= today),
            )
            query = query.where(active if filters["active"] else ~active)
        return apply_search(query, Committee, session, request.search)

    def _check_member_rules(
        self,
        session: Session,
        committee: Committee,
        person_id: uuid.UUID,
        role: MemberRole,
        joined_on: date,
        left_on: date | None,
        exclude: uuid.UUID | None,
    ) -> None:
        """The membership period fits the committee, and breaks no once-at-a-time rule."""
        if joined_on < committee.formed_on:
            raise ValidationError(
                f"The committee was formed on {committee.formed_on:%d %b %Y}; a member cannot join before that.",
                "joined_on",
            )
        if committee.dissolved_on is not None and joined_on > committee.dissolved_on:
            raise ValidationError(
                f"The committee was dissolved on {committee.dissolved_on:%d %b %Y}; nobody can join after that.",
                "joined_on",
            )
        query = select(CommitteeMember).where(
            CommitteeMember.committee_id == committee.id, CommitteeMember.deleted_at.is_(None)
        )
        if exclude is not None:
            query = query.where(CommitteeMember.id != exclude)
        for other in session.scalars(query):
            if not periods_overlap(joined_on, left_on, other.joined_on, other.left_on):
                continue
            if other.person_id == person_id:
                raise ConflictError(
                    "This person is already a member of the committee for (part of) this period. "
                    "Open their membership instead of adding them again."
                )
            if role is not MemberRole.MEMBER and other.role == role.value:
                raise ConflictError(
                    f"The committee already has a {role.value} for (part of) this period. End that "
                    f"membership first (the new {role.value} may join on the day the other one leaves)."
                )

    @staticmethod
    def _check_attendance_within(
        session: Session, member: CommitteeMember, joined_on: date, left_on: date | None
    ) -> None:
        """Refuse a period that would leave out a meeting at which the member's attendance is recorded."""
        days = session.scalars(
            select(Meeting.held_on)
            .join(MemberAttendance, MemberAttendance.meeting_id == Meeting.id)
            .where(
                MemberAttendance.member_id == member.id,
                MemberAttendance.deleted_at.is_(None),
                Meeting.deleted_at.is_(None),
            )
            .order_by(Meeting.held_on)
        ).all()
        outside = [d for d in days if not active_on(joined_on, left_on, d)]
        if outside:
            listed = ", ".join(f"{d:%d %b %Y}" for d in outside)
            raise ValidationError(
                f"The member's attendance is recorded at the meeting(s) of {listed}; "
                "the membership dates must include those meetings.",
                "left_on" if left_on is not None and outside[-1] >= left_on else "joined_on",
            )

    # --- committees ----------------------------------------------------------------------------------------

    @requires("committee.view")
    def get(self, committee_id: uuid.UUID) -> CommitteeView:
        """One committee; NotFound when it does not exist or was deleted."""
        with self.ctx.read() as session:
            return self._view_of(session, committee_id)

    @requires("committee.create")
    def create(self, draft: CommitteeDraft) -> CommitteeView:
        """Record a newly formed committee."""
        clean = draft.validated()
        require_date(clean.formed_on, "formed_on", "date the committee was formed", today=self.ctx.today())
        with self.ctx.write() as session:
            _station(session, clean.station_id)
            self._refuse_duplicate_name(session, clean.name, clean.station_id, None)
            committee = Committee(
                type=CommitteeType(clean.type).value,
                name=clean.name,
                station_id=clean.station_id,
                notification_ref=clean.notification_ref,
                formed_on=clean.formed_on,
                dissolved_on=None,
                notes=clean.notes,
            )
            session.add(committee)
            session.flush()
            return self._view_of(session, committee.id)

    @requires("committee.update")
    def update(self, committee_id: uuid.UUID, expected_version: int, draft: CommitteeDraft) -> CommitteeView:
        """Correct a committee's details (not its dissolution: see :meth:`dissolve`)."""
        clean = draft.validated()
        require_date(clean.formed_on, "formed_on", "date the committee was formed", today=self.ctx.today())
        with self.ctx.write() as session:
            committee = load_committee(session, committee_id)
            check_version(committee, expected_version, "committee")
            _station(session, clean.station_id)
            self._refuse_duplicate_name(session, clean.name, clean.station_id, committee.id)
            if committee.dissolved_on is not None and clean.formed_on > committee.dissolved_on:
                raise ValidationError("The committee cannot be formed after it was dissolved.", "formed_on")
            first_meeting = session.scalar(
                select(func.min(Meeting.held_on)).where(
                    Meeting.committee_id == committee.id, Meeting.deleted_at.is_(None)
                )
            )
            if first_meeting is not None and clean.formed_on > first_meeting:
                raise ValidationError(
                    f"The committee has a meeting on {first_meeting:%d %b %Y}; it must have been formed by then.",
                    "formed_on",
                )
            first_joined = session.scalar(
                select(func.min(CommitteeMember.joined_on)).where(
                    CommitteeMember.committee_id == committee.id, CommitteeMember.deleted_at.is_(None)
                )
            )
            if first_joined is not None and clean.formed_on > first_joined:
                raise ValidationError(
                    f"A member joined on {first_joined:%d %b %Y}; the committee must have been formed by then.",
                    "formed_on",
                )
            committee.type = CommitteeType(clean.type).value
            committee.name = clean.name
            committee.station_id = clean.station_id
            committee.notification_ref = clean.notification_ref
            committee.formed_on = clean.formed_on
            committee.notes = clean.notes
            session.flush()
            return self._view_of(session, committee.id)

    @requires("committee.update")
    def dissolve(self, committee_id: uuid.UUID, expected_version: int, dissolved_on: date) -> CommitteeView:
        """Record that the committee was dissolved on ``dissolved_on`` (it holds no meeting after that day)."""
        require_date(dissolved_on, "dissolved_on", "date the committee was dissolved", today=self.ctx.today())
        with self.ctx.write() as session:
            committee = load_committee(session, committee_id)
            check_version(committee, expected_version, "committee")
            if committee.dissolved_on is not None:
                raise WorkflowError(f"This committee was already dissolved on {committee.dissolved_on:%d %b %Y}.")
            if dissolved_on < committee.formed_on:
                raise ValidationError(
                    f"The committee was formed on {committee.formed_on:%d %b %Y}; it cannot be dissolved before.",
                    "dissolved_on",
                )
            last_meeting = session.scalar(
                select(func.max(Meeting.held_on)).where(
                    Meeting.committee_id == committee.id, Meeting.deleted_at.is_(None)
                )
            )
            if last_meeting is not None and dissolved_on < last_meeting:
                raise ValidationError(
                    f"The committee has a meeting on {last_meeting:%d %b %Y}; it cannot be dissolved before that.",
                    "dissolved_on",
                )
            committee.dissolved_on = dissolved_on
            session.flush()
            return self._view_of(session, committee.id)

    @requires("committee.delete")
    def delete(self, committee_id: uuid.UUID) -> None:
        """Delete a committee entered by mistake (with its members); refused while it has meetings."""
        with self.ctx.write() as session:
            committee = load_committee(session, committee_id)
            has_meetings = session.scalar(
                select(Meeting.id).where(Meeting.committee_id == committee.id, Meeting.deleted_at.is_(None)).limit(1)
            )
            if has_meetings is not None:
                raise WorkflowError(
                    "This committee has meetings on record, so it cannot be deleted. Dissolve it instead, "
                    "or delete its meetings first."
                )
            now = self.ctx.now()
            for member in session.scalars(
                select(CommitteeMember).where(
                    CommitteeMember.committee_id == committee.id, CommitteeMember.deleted_at.is_(None)
                )
            ):
                member.deleted_at = now
            committee.deleted_at = now

    @requires("committee.view")
    def count(self, request: PageRequest) -> int:
        """How many committees match the search (name, notification) and filters (type, station_id, active)."""
        with self.ctx.read() as session:
            return count_rows(session, self._query(session, request))

    @requires("committee.view")
    def page(self, request: PageRequest) -> Page[CommitteeView]:
        """A window of committees, sorted by ``name`` (default), ``formed_on``, ``type`` or ``station``."""
        sorts: dict[str, Any] = {
            "name": Committee.name,
            "formed_on": Committee.formed_on,
            "type": Committee.type,
            "station": Station.name,
        }
        with self.ctx.read() as session:
            query = apply_sort(self._query(session, request), request, sorts, "name", Committee.id)
            rows = session.execute(window(query, request)).all()
            return Page(request.offset, [self._committee_view(r[0], r[1], r[2], r[3]) for r in rows])

    # --- members -------------------------------------------------------------------------------------------

    @requires("committee.update")
    def add_member(self, committee_id: uuid.UUID, draft: MemberDraft) -> MemberView:
        """Add a person to the committee's roster."""
        clean = draft.validated()
        require_date(clean.joined_on, "joined_on", "date the member joined", today=self.ctx.today())
        with self.ctx.write() as session:
            committee = load_committee(session, committee_id)
            person = session.get(Person, clean.person_id)
            if person is None or person.deleted_at is not None:
                raise ValidationError("This person does not exist or has been deleted.", "person_id")
            role = MemberRole(clean.role)
            self._check_member_rules(session, committee, person.id, role, clean.joined_on, None, None)
            member = CommitteeMember(
                committee_id=committee.id,
                person_id=person.id,
                role=role.value,
                category=clean.category,
                joined_on=clean.joined_on,
                left_on=None,
            )
            session.add(member)
            session.flush()
            return self._member_view(member, person, committee)

    @requires("committee.update")
    def update_member(self, member_id: uuid.UUID, expected_version: int, draft: MemberDraft) -> MemberView:
        """Correct a membership's office, category or joining date (the person stays the same)."""
        clean = draft.validated()
        require_date(clean.joined_on, "joined_on", "date the member joined", today=self.ctx.today())
        with self.ctx.write() as session:
            member = _member(session, member_id)
            check_version(member, expected_version, "membership")
            if clean.person_id != member.person_id:
                raise ValidationError(
                    "A membership cannot be moved to another person. End it and add the other person instead.",
                    "person_id",
                )
            committee = load_committee(session, member.committee_id)
            if member.left_on is not None and clean.joined_on > member.left_on:
                raise ValidationError("The joining date cannot be after the leaving date.", "joined_on")
            role = MemberRole(clean.role)
            self._check_member_rules(
                session, committee, member.person_id, role, clean.joined_on, member.left_on, member.id
            )
            self._check_attendance_within(session, member, clean.joined_on, member.left_on)
            member.role = role.value
            member.category = clean.category
            member.joined_on = clean.joined_on
            session.flush()
            return self._member_view(member, session.get_one(Person, member.person_id), committee)

    @requires("committee.update")
    def end_membership(self, member_id: uuid.UUID, expected_version: int, left_on: date) -> MemberView:
        """Record that the member left on ``left_on`` (from that day they are no longer a member)."""
        require_date(left_on, "left_on", "date the member left", today=self.ctx.today())
        with self.ctx.write() as session:
            member = _member(session, member_id)
            check_version(member, expected_version, "membership")
            if member.left_on is not None:
                raise WorkflowError(f"This membership already ended on {member.left_on:%d %b %Y}.")
            if left_on < member.joined_on:
                raise ValidationError(
                    f"The member joined on {member.joined_on:%d %b %Y}; the leaving date cannot be before that.",
                    "left_on",
                )
            self._check_attendance_within(session, member, member.joined_on, left_on)
            member.left_on = left_on
            session.flush()
            committee = load_committee(session, member.committee_id)
            return self._member_view(member, session.get_one(Person, member.person_id), committee)

    @requires("committee.update")
    def remove_member(self, member_id: uuid.UUID) -> None:
        """Remove a membership entered by mistake; refused once the member's attendance has been recorded."""
        with self.ctx.write() as session:
            member = _member(session, member_id)
            marked = session.scalar(
                select(MemberAttendance.id)
                .join(Meeting, Meeting.id == MemberAttendance.meeting_id)
                .where(
                    MemberAttendance.member_id == member.id,
                    MemberAttendance.deleted_at.is_(None),
                    Meeting.deleted_at.is_(None),
                )
                .limit(1)
            )
            if marked is not None:
                raise WorkflowError(
                    "This member's attendance is recorded at a meeting, so the membership cannot be removed. "
                    "End the membership instead."
                )
            member.deleted_at = self.ctx.now()

    @requires("committee.view")
    def get_member(self, member_id: uuid.UUID) -> MemberView:
        """One membership; NotFound when it does not exist or was removed."""
        with self.ctx.read() as session:
            member = _member(session, member_id)
            committee = load_committee(session, member.committee_id)
            return self._member_view(member, session.get_one(Person, member.person_id), committee)

    @requires("committee.view")
    def roster(self, committee_id: uuid.UUID, include_former: bool = False) -> list[MemberView]:
        """The committee's members: convener, secretary, then members by name; former ones only if asked."""
        today = self.ctx.today()
        with self.ctx.read() as session:
            committee = load_committee(session, committee_id)
            query = (
                select(CommitteeMember, Person)
                .join(Person, Person.id == CommitteeMember.person_id)
                .where(CommitteeMember.committee_id == committee.id, CommitteeMember.deleted_at.is_(None))
            )
            if not include_former:
                query = query.where(or_(CommitteeMember.left_on.is_(None), CommitteeMember.left_on > today))
            rows = session.execute(query).all()
            rows = sorted(
                rows,
                key=lambda r: (
                    r[0].left_on is not None and r[0].left_on <= today,
                    _ROLE_ORDER[MemberRole(r[0].role)],
                    r[1].name.casefold(),
                    r[0].joined_on,
                ),
            )
            return [self._member_view(member, person, committee) for member, person in rows]
