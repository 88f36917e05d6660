"""Committee meetings: scheduling, the record of what happened, closing and reopening.

A meeting is *planned* when scheduled and counts as held only once it is *closed*. Closing needs the
attendance of every member of the committee on the meeting's date and the minutes; a closed meeting refuses
every change until a station or district officer reopens it, giving a reason (kept on the meeting, so the
audit trail records it). Scheduling a meeting puts every open action item raised at an earlier meeting of the
committee on the new agenda as a follow-up.

The views and drafts live in :mod:`copdesk.services.meeting_views` (re-exported here), the rules that need no
signed-in user in :mod:`copdesk.services.meeting_rules` and the list queries in
:mod:`copdesk.services.meeting_lists`.
"""

from __future__ import annotations

import uuid
from collections.abc import Generator, Iterable, Mapping, Sequence
from datetime import date, time
from typing import Any

from sqlalchemy import case, select

from copdesk.errors import ValidationError, WorkflowError
from copdesk.models.committees import Committee, CommitteeMember
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
from copdesk.models.organisation import Officer
from copdesk.models.people import Gender, Person
from copdesk.services.committees import active_on, load_committee
from copdesk.services.context import Service, requires
from copdesk.services.fields import as_choice, check_version, clean_line, clean_text, require_date
from copdesk.services.meeting_lists import (
    MEETING_SORTS,
    check_meetings_request,
    due_committees,
    meeting_sort,
    meetings_query,
    open_actions_query,
    stream_meetings,
)
from copdesk.services.meeting_rules import (
    DESIGNATION_MAX,
    FOLLOW_UP_PREFIX,
    GUEST_NAME_MAX,
    ITEM_MAX,
    LONG_TEXT_MAX,
    MEETING_INTERVAL_DAYS,
    MINUTES_MAX,
    NATURE_MAX,
    OWNER_TEXT_MAX,
    VENUE_MAX,
    MeetingNotReady,
    check_date_fits,
    check_schedule,
    close_problems,
    day_text,
    editable_meeting,
    follow_up_text,
    live_parts,
    load_meeting,
    load_part,
    next_position,
    refuse_same_day,
    renumber,
)
from copdesk.services.meeting_views import (
    ActionItemDraft,
    ActionItemView,
    AgendaEntry,
    AgendaItemView,
    AttendanceView,
    DecisionView,
    DisputeDraft,
    DisputeView,
    DueCommittee,
    GuestView,
    MeetingSummary,
    MeetingView,
    OfficerPresentView,
    action_view,
    action_view_of,
    agenda_views,
    attendance_views,
    dispute_view,
    meeting_summary,
    meeting_view,
    officers_present,
    summary_of,
)
from copdesk.services.paging import Page, PageRequest, apply_sort, count_rows, window
from copdesk.services.people import as_gender
from copdesk.services.privacy import show_contact

__all__ = [
    "DESIGNATION_MAX",
    "FOLLOW_UP_PREFIX",
    "GUEST_NAME_MAX",
    "ITEM_MAX",
    "LONG_TEXT_MAX",
    "MEETING_INTERVAL_DAYS",
    "MINUTES_MAX",
    "NATURE_MAX",
    "OWNER_TEXT_MAX",
    "STREAM_BATCH",
    "VENUE_MAX",
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


#: Rows read per query by :meth:`MeetingService.stream`.
STREAM_BATCH = 2_000


class MeetingService(Service):
    """Scheduling, recording, closing and reopening committee meetings; action items across committees."""

    # --- meetings ----------------------------------------------------------------------------------------

    @requires("meeting.view")
    def get(self, meeting_id: uuid.UUID) -> MeetingView:
        """The complete meeting: committee, station, agenda, attendance, minutes, decisions, actions, disputes."""
        with self.ctx.read() as session:
            return meeting_view(self.ctx, session, load_meeting(session, meeting_id))

    @requires("meeting.create")
    def schedule(
        self, committee_id: uuid.UUID, held_on: date, venue: str, start_time: time | None = None
    ) -> MeetingView:
        """Plan a meeting; every open action item raised at an earlier meeting goes on its agenda as a follow-up."""
        venue = check_schedule(held_on, venue, start_time)
        with self.ctx.write() as session:
            committee = load_committee(session, committee_id)
            check_date_fits(committee, held_on)
            refuse_same_day(session, committee, held_on, None)
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
            return meeting_view(self.ctx, session, meeting)

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
        venue = check_schedule(held_on, venue, start_time)
        with self.ctx.write() as session:
            meeting = editable_meeting(session, meeting_id)
            check_version(meeting, expected_version, "meeting")
            committee = load_committee(session, meeting.committee_id)
            check_date_fits(committee, held_on)
            refuse_same_day(session, committee, held_on, meeting.id)
            meeting.held_on = held_on
            meeting.venue = venue
            meeting.start_time = start_time
            session.flush()
            return meeting_view(self.ctx, session, meeting)

    @requires("meeting.update")
    def set_minutes(self, meeting_id: uuid.UUID, expected_version: int, minutes: str) -> MeetingView:
        """Write (or replace) the minutes of the meeting."""
        text = clean_text(minutes, "minutes", "minutes", MINUTES_MAX)
        with self.ctx.write() as session:
            meeting = editable_meeting(session, meeting_id)
            check_version(meeting, expected_version, "meeting")
            meeting.minutes = text
            session.flush()
            return meeting_view(self.ctx, session, meeting)

    @requires("meeting.close")
    def close(self, meeting_id: uuid.UUID) -> MeetingView:
        """Close the meeting (from now on it counts as held); MeetingNotReady lists anything still missing."""
        with self.ctx.write() as session:
            meeting = load_meeting(session, meeting_id)
            if meeting.status == MeetingStatus.CLOSED.value:
                raise WorkflowError("This meeting is already closed.")
            problems = close_problems(meeting, attendance_views(self.ctx, session, meeting), self.ctx.today())
            if problems:
                raise MeetingNotReady(problems)
            meeting.status = MeetingStatus.CLOSED.value
            meeting.closed_at = self.ctx.now()
            session.flush()
            return meeting_view(self.ctx, session, meeting)

    @requires("meeting.reopen")
    def reopen(self, meeting_id: uuid.UUID, reason: str) -> MeetingView:
        """Reopen a closed meeting so that it can be corrected; the reason is kept and audited."""
        why = clean_text(reason, "reason", "reason for reopening the meeting", ITEM_MAX, required=True)
        with self.ctx.write() as session:
            meeting = load_meeting(session, meeting_id)
            if meeting.status != MeetingStatus.CLOSED.value:
                raise WorkflowError("This meeting is not closed, so there is nothing to reopen.")
            meeting.status = MeetingStatus.PLANNED.value
            meeting.closed_at = None
            meeting.reopen_reason = why
            session.flush()
            return meeting_view(self.ctx, session, meeting)

    @requires("meeting.delete")
    def delete(self, meeting_id: uuid.UUID) -> None:
        """Delete a meeting entered by mistake, with all its parts; a closed meeting must be reopened first."""
        with self.ctx.write() as session:
            meeting = editable_meeting(session, meeting_id)
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
                    f"{day_text(followed[0])}. Remove those follow-ups first."
                )
            now = self.ctx.now()
            for model in (AgendaItem, MemberAttendance, OfficerAttendance, Guest, Decision, DisputeHeard, ActionItem):
                for part in session.scalars(live_parts(select(model), model, meeting.id)):
                    part.deleted_at = now
            meeting.deleted_at = now

    # --- agenda ------------------------------------------------------------------------------------------

    @requires("meeting.update")
    def set_agenda(self, meeting_id: uuid.UUID, items: Sequence[AgendaEntry | str]) -> list[AgendaItemView]:
        """Replace the agenda with ``items`` in order; entries with an ``item_id`` keep that point (and its link)."""
        entries = [AgendaEntry(i) if isinstance(i, str) else i for i in items]
        texts = [clean_text(e.text, "agenda", "text of every agenda point", ITEM_MAX, required=True) for e in entries]
        with self.ctx.write() as session:
            meeting = editable_meeting(session, meeting_id)
            existing = {a.id: a for a in session.scalars(live_parts(select(AgendaItem), AgendaItem, meeting.id))}
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
            return agenda_views(session, meeting.id)

    @requires("meeting.update")
    def add_agenda_item(self, meeting_id: uuid.UUID, text: str) -> AgendaItemView:
        """Add a point at the end of the agenda."""
        clean = clean_text(text, "text", "agenda point", ITEM_MAX, required=True)
        with self.ctx.write() as session:
            meeting = editable_meeting(session, meeting_id)
            item = AgendaItem(
                meeting_id=meeting.id, position=next_position(session, AgendaItem, meeting.id), text=clean
            )
            session.add(item)
            session.flush()
            return AgendaItemView(item.id, item.position, item.text, None)

    @requires("meeting.update")
    def remove_agenda_item(self, agenda_item_id: uuid.UUID) -> None:
        """Take a point off the agenda (the others are renumbered)."""
        self._remove_part(AgendaItem, agenda_item_id, "agenda point", numbered=True)

    # --- attendance --------------------------------------------------------------------------------------

    @requires("meeting.update")
    def mark_attendance(
        self, meeting_id: uuid.UUID, statuses: Mapping[uuid.UUID, AttendanceStatus | str]
    ) -> list[AttendanceView]:
        """Mark members present, absent or excused (members not named keep what they had)."""
        wanted: dict[uuid.UUID, AttendanceStatus] = {}
        for member_id, status in statuses.items():
            wanted[member_id] = as_choice(
                AttendanceStatus, status, "Mark each member present, absent or excused.", "attendance"
            )
        with self.ctx.write() as session:
            meeting = editable_meeting(session, meeting_id)
            members = {
                m.id: m
                for m in session.scalars(
                    select(CommitteeMember).where(
                        CommitteeMember.id.in_(list(wanted)), CommitteeMember.deleted_at.is_(None)
                    )
                )
            }
            rows = {
                r.member_id: r
                for r in session.scalars(live_parts(select(MemberAttendance), MemberAttendance, meeting.id))
            }
            for member_id, status in wanted.items():
                member = members.get(member_id)
                if member is None or member.committee_id != meeting.committee_id:
                    raise ValidationError("Attendance can only be marked for members of this committee.", "attendance")
                if not active_on(member.joined_on, member.left_on, meeting.held_on) and member_id not in rows:
                    name = show_contact(self.ctx, session.get_one(Person, member.person_id).name)
                    raise ValidationError(
                        f"{name} was not a member of the committee on {day_text(meeting.held_on)}.", "attendance"
                    )
                row = rows.get(member_id)
                if row is None:
                    session.add(MemberAttendance(meeting_id=meeting.id, member_id=member_id, status=status.value))
                elif row.status != status.value:
                    row.status = status.value
            session.flush()
            return attendance_views(self.ctx, session, meeting)

    @requires("meeting.update")
    def set_officers_present(self, meeting_id: uuid.UUID, officer_ids: Iterable[uuid.UUID]) -> list[OfficerPresentView]:
        """Record exactly which police officers were present (replacing the earlier list)."""
        wanted = list(dict.fromkeys(officer_ids))
        with self.ctx.write() as session:
            meeting = editable_meeting(session, meeting_id)
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
            return officers_present(session, meeting.id)

    # --- guests ------------------------------------------------------------------------------------------

    @requires("meeting.update")
    def add_guest(self, meeting_id: uuid.UUID, name: str, gender: Gender | str, designation: str = "") -> GuestView:
        """Record a guest present at the meeting (not a member, not a district police officer)."""
        clean_name = clean_line(name, "name", "guest's name", GUEST_NAME_MAX, required=True)
        clean_gender = as_gender(gender)
        clean_designation = clean_line(designation, "designation", "designation", DESIGNATION_MAX)
        with self.ctx.write() as session:
            meeting = editable_meeting(session, meeting_id)
            guest = Guest(
                meeting_id=meeting.id, name=clean_name, gender=clean_gender.value, designation=clean_designation
            )
            session.add(guest)
            session.flush()
            return GuestView(guest.id, show_contact(self.ctx, guest.name), clean_gender, guest.designation)

    @requires("meeting.update")
    def remove_guest(self, guest_id: uuid.UUID) -> None:
        """Remove a guest recorded by mistake."""
        self._remove_part(Guest, guest_id, "guest")

    # --- decisions ---------------------------------------------------------------------------------------

    @requires("meeting.update")
    def add_decision(self, meeting_id: uuid.UUID, text: str) -> DecisionView:
        """Record a decision (numbered after the others)."""
        clean = clean_text(text, "text", "decision", LONG_TEXT_MAX, required=True)
        with self.ctx.write() as session:
            meeting = editable_meeting(session, meeting_id)
            decision = Decision(
                meeting_id=meeting.id, position=next_position(session, Decision, meeting.id), text=clean
            )
            session.add(decision)
            session.flush()
            return DecisionView(decision.id, decision.position, decision.text)

    @requires("meeting.update")
    def update_decision(self, decision_id: uuid.UUID, text: str) -> DecisionView:
        """Correct a decision's wording."""
        clean = clean_text(text, "text", "decision", LONG_TEXT_MAX, required=True)
        with self.ctx.write() as session:
            decision = load_part(session, Decision, decision_id, "decision")
            editable_meeting(session, decision.meeting_id)
            decision.text = clean
            session.flush()
            return DecisionView(decision.id, decision.position, decision.text)

    @requires("meeting.update")
    def remove_decision(self, decision_id: uuid.UUID) -> None:
        """Remove a decision recorded by mistake (the others are renumbered)."""
        self._remove_part(Decision, decision_id, "decision", numbered=True)

    # --- action items ------------------------------------------------------------------------------------

    @requires("meeting.update")
    def add_action_item(self, meeting_id: uuid.UUID, draft: ActionItemDraft) -> ActionItemView:
        """Record an action decided at the meeting (it stays on later agendas as a follow-up until done)."""
        text = clean_text(draft.text, "text", "action to be taken", ITEM_MAX, required=True)
        owner_text = clean_line(draft.owner_text, "owner_text", "person responsible", OWNER_TEXT_MAX)
        if draft.due_on is not None:
            require_date(draft.due_on, "due_on", "date the action is due by")
        with self.ctx.write() as session:
            meeting = editable_meeting(session, meeting_id)
            if draft.owner_member_id is not None:
                member = session.get(CommitteeMember, draft.owner_member_id)
                if (
                    member is None
                    or member.deleted_at is not None
                    or member.committee_id != meeting.committee_id
                    or not active_on(member.joined_on, member.left_on, meeting.held_on)
                ):
                    raise ValidationError(
                        f"The person responsible must be a member of this committee on {day_text(meeting.held_on)}.",
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
            return action_view_of(self.ctx, session, item.id)

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
        new = as_choice(ActionStatus, status, "Choose open, done or dropped.", "status")
        with self.ctx.write() as session:
            item = load_part(session, ActionItem, action_id, "action item")
            meeting = load_meeting(session, item.meeting_id)
            check_version(item, expected_version, "action item")
            if item.status == new.value:
                raise WorkflowError(f"This action item is already {new.label.lower()}.")
            if new is ActionStatus.DONE:
                done_on = completed_on if completed_on is not None else self.ctx.today()
                require_date(done_on, "completed_on", "date the action was completed")
                if done_on < meeting.held_on:
                    raise ValidationError(
                        f"The action was raised at the meeting of {day_text(meeting.held_on)}; it cannot have been "
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
            return action_view_of(self.ctx, session, item.id)

    @requires("meeting.update")
    def remove_action_item(self, action_id: uuid.UUID) -> None:
        """Remove an action item recorded by mistake (only while its meeting is open and before any follow-up)."""
        with self.ctx.write() as session:
            item = load_part(session, ActionItem, action_id, "action item")
            editable_meeting(session, item.meeting_id)
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

    @requires("meeting.view")
    def count_open_action_items(self, request: PageRequest) -> int:
        """How many open action items match (filters committee_id, station_id, overdue; search: committee)."""
        with self.ctx.read() as session:
            return count_rows(session, open_actions_query(session, request, self.ctx.today()))

    @requires("meeting.view")
    def open_action_items(self, request: PageRequest) -> Page[ActionItemView]:
        """Open action items of every committee: overdue first, then by due date (undated last).

        ``sort`` may also be ``raised_on`` or ``committee``.
        """
        with self.ctx.read() as session:
            query = open_actions_query(session, request, self.ctx.today())
            key = request.sort or "due_on"
            if key == "due_on":
                undated = case((ActionItem.due_on.is_(None), 1), else_=0)
                due = ActionItem.due_on.desc() if request.descending else ActionItem.due_on.asc()
                query = query.order_by(undated, due, Meeting.held_on, ActionItem.created_at, ActionItem.id)
            else:
                sorts: dict[str, Any] = {"raised_on": Meeting.held_on, "committee": Committee.name}
                query = apply_sort(query, request, sorts, "raised_on", ActionItem.id)
            rows = session.execute(window(query, request)).all()
            return Page(request.offset, [action_view(self.ctx, r) for r in rows])

    # --- disputes ----------------------------------------------------------------------------------------

    @requires("meeting.update")
    def add_dispute(self, meeting_id: uuid.UUID, draft: DisputeDraft) -> DisputeView:
        """Record a dispute the committee heard at the meeting."""
        clean = draft.validated()
        with self.ctx.write() as session:
            meeting = editable_meeting(session, meeting_id)
            dispute = DisputeHeard(
                meeting_id=meeting.id,
                parties=clean.parties,
                nature=clean.nature,
                outcome=DisputeOutcome(clean.outcome).value,
                remarks=clean.remarks,
            )
            session.add(dispute)
            session.flush()
            return dispute_view(self.ctx, dispute)

    @requires("meeting.update")
    def update_dispute(self, dispute_id: uuid.UUID, expected_version: int, draft: DisputeDraft) -> DisputeView:
        """Correct a dispute heard (parties, nature, outcome, remarks)."""
        clean = draft.validated()
        with self.ctx.write() as session:
            dispute = load_part(session, DisputeHeard, dispute_id, "dispute")
            editable_meeting(session, dispute.meeting_id)
            check_version(dispute, expected_version, "dispute")
            dispute.parties = clean.parties
            dispute.nature = clean.nature
            dispute.outcome = DisputeOutcome(clean.outcome).value
            dispute.remarks = clean.remarks
            session.flush()
            return dispute_view(self.ctx, dispute)

    @requires("meeting.update")
    def remove_dispute(self, dispute_id: uuid.UUID) -> None:
        """Remove a dispute recorded by mistake."""
        self._remove_part(DisputeHeard, dispute_id, "dispute")

    def _remove_part(self, model: Any, part_id: uuid.UUID, what: str, *, numbered: bool = False) -> None:
        """Remove a part of an open meeting recorded by mistake; ``numbered`` parts left are renumbered."""
        with self.ctx.write() as session:
            part = load_part(session, model, part_id, what)
            meeting = editable_meeting(session, part.meeting_id)
            part.deleted_at = self.ctx.now()
            if numbered:
                renumber(p for p in session.scalars(live_parts(select(model), model, meeting.id)) if p is not part)

    # --- lists -------------------------------------------------------------------------------------------

    @requires("meeting.view")
    def count(self, request: PageRequest) -> int:
        """How many meetings match (filters committee_id, station_id, status, date_from, date_to)."""
        with self.ctx.read() as session:
            return count_rows(session, meetings_query(session, request))

    @requires("meeting.view")
    def page(self, request: PageRequest) -> Page[MeetingSummary]:
        """A window of meetings, sorted by ``held_on`` (default), ``committee``, ``station`` or ``status``."""
        with self.ctx.read() as session:
            query = apply_sort(meetings_query(session, request), request, MEETING_SORTS, "held_on", Meeting.id)
            rows = session.execute(window(query, request)).all()
            return Page(request.offset, [meeting_summary(r) for r in rows])

    @requires("meeting.view")
    def stream(self, request: PageRequest, batch: int = STREAM_BATCH) -> Generator[MeetingSummary, None, None]:
        """Every meeting the request selects, in list order: what :meth:`page` shows, window after window.

        For exports: the request's offset and limit are ignored. The meetings are filtered and ordered once, by a
        query that reads their ids as a cursor (no OFFSET), and fetched ``batch`` at a time as plain rows, with the
        members present counted per batch (see :func:`~copdesk.services.meeting_lists.stream_meetings`). It all
        runs in one read transaction, so the whole list is one consistent snapshot, and memory does not grow with
        the number of meetings. The request is checked at once; the rows are read as the iterator is consumed
        (close it to stop early).
        """
        if batch < 1:
            raise ValidationError("A batch is at least one row.", "batch")
        meeting_sort(request)
        check_meetings_request(request)
        return self._stream(request, batch)

    def _stream(self, request: PageRequest, batch: int) -> Generator[MeetingSummary, None, None]:
        with self.ctx.read() as session:
            for rows in stream_meetings(session, request, batch):
                for row in rows:
                    yield summary_of(*row)

    @requires("meeting.view")
    def meetings_due(self, station_id: uuid.UUID | None = None) -> list[DueCommittee]:
        """Committees existing today that have held no meeting in the last 30 days, longest waiting first.

        A committee formed less than 30 days ago is not due yet. Only closed meetings count as held.
        """
        with self.ctx.read() as session:
            return due_committees(session, self.ctx.today(), station_id)
