"""Public complaints: intake, assignment, inquiry, outcome, closing, feedback, reopening and escalation.

Every change of a complaint is recorded as a :class:`ComplaintEvent`, so :meth:`ComplaintService.history` tells
the whole story. The workflow itself (which move is legal) lives in :mod:`copdesk.domain.complaint_workflow`.

The drafts and views live in :mod:`copdesk.services.complaint_views`, the intake rules in
:mod:`copdesk.services.complaint_rules` and the list's filters, search and query plan in
:mod:`copdesk.services.complaint_queries`; the public names are re-exported here.
"""

from __future__ import annotations

import uuid
from collections.abc import Generator
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from copdesk.domain.complaint_workflow import (
    OPEN_STATUSES,
    OUTCOME_STATUSES,
    ClosureCategory,
    ComplaintStatus,
    Feedback,
    check_reopen,
    check_transition,
    due_date,
    format_tracking_no,
    parse_tracking_no,
)
from copdesk.errors import NotFound, StorageError, ValidationError, WorkflowError
from copdesk.models.base import DatabaseState
from copdesk.models.complaints import Complaint, ComplaintCounter, ComplaintEvent, ComplaintEventKind
from copdesk.models.organisation import Officer
from copdesk.services.complaint_queries import (
    COMPLAINT_FILTERS,
    COMPLAINT_SORTS,
    complaints_query,
    count_complaints,
    filter_terms,
    sort_key,
    stream_complaints,
)
from copdesk.services.complaint_rules import (
    EARLIEST_RECEIVED_ON,
    MAX_DESCRIPTION,
    MAX_FIR_NO,
    MAX_LOCATION,
    MAX_NOTE,
    check_against_police,
    check_details,
    check_officer_not_accused,
    complainant_of,
    load_station,
)
from copdesk.services.complaint_views import (
    VIEW_FIELDS,
    ComplaintDraft,
    ComplaintEdit,
    ComplaintEventView,
    ComplaintView,
    ComplaintViewBuilder,
    complaint_views,
    event_view,
)
from copdesk.services.context import Service, requires
from copdesk.services.fields import check_version, clean_text
from copdesk.services.paging import Page, PageRequest, apply_sort, window
from copdesk.services.people import PeopleService, PersonDraft

__all__ = [
    "COMPLAINT_FILTERS",
    "COMPLAINT_SORTS",
    "EARLIEST_RECEIVED_ON",
    "MAX_DESCRIPTION",
    "MAX_FIR_NO",
    "MAX_LOCATION",
    "MAX_NOTE",
    "SEARCH_LOOKUP_LIMIT",
    "STREAM_BATCH",
    "ComplaintDraft",
    "ComplaintEdit",
    "ComplaintEventView",
    "ComplaintService",
    "ComplaintView",
    "PersonDraft",
]

#: Up to this many search matches, a list fetches the matching rows and sorts them; above it, it walks the date
#: index instead (see :func:`copdesk.services.complaint_queries.complaints_query`). Read at each call.
SEARCH_LOOKUP_LIMIT = 2_000
#: Rows read per query by :meth:`ComplaintService.stream`.
STREAM_BATCH = 2_000


class ComplaintService(Service):
    """Complaints from intake to resolution, with their history."""

    # reads

    @requires("complaint.view")
    def get(self, complaint_id: uuid.UUID) -> ComplaintView:
        """One complaint; :class:`NotFound` if it does not exist or was deleted."""
        with self.ctx.read() as session:
            return complaint_views(self.ctx, session, [self._load(session, complaint_id)])[0]

    @requires("complaint.view")
    def get_by_tracking_no(self, text: str) -> ComplaintView:
        """The complaint with this tracking number (typed in any common shape, e.g. ``lhr-2026-123``)."""
        tracking_no = parse_tracking_no(text)
        with self.ctx.read() as session:
            complaint = session.scalar(
                select(Complaint).where(Complaint.tracking_no == tracking_no, Complaint.deleted_at.is_(None))
            )
            if complaint is None:
                raise NotFound(f"There is no complaint with tracking number {tracking_no}.")
            return complaint_views(self.ctx, session, [complaint])[0]

    @requires("complaint.view")
    def history(self, complaint_id: uuid.UUID) -> list[ComplaintEventView]:
        """The complaint's events, oldest first."""
        with self.ctx.read() as session:
            self._load(session, complaint_id)
            events = session.scalars(
                select(ComplaintEvent)
                .where(ComplaintEvent.complaint_id == complaint_id, ComplaintEvent.deleted_at.is_(None))
                .order_by(ComplaintEvent.at, ComplaintEvent.change_seq)
            )
            return [event_view(e) for e in events]

    @requires("complaint.view")
    def count(self, request: PageRequest) -> int:
        """How many complaints match the request's filters and search."""
        with self.ctx.read() as session:
            return count_complaints(session, request, self.ctx.today(), SEARCH_LOOKUP_LIMIT)

    @requires("complaint.view")
    def page(self, request: PageRequest) -> Page[ComplaintView]:
        """A sorted, filtered, searched window of complaints (see :data:`COMPLAINT_FILTERS`)."""
        sorts = {name: getattr(Complaint, name) for name in COMPLAINT_SORTS}
        with self.ctx.read() as session:
            query = apply_sort(
                complaints_query(session, request, self.ctx.today(), SEARCH_LOOKUP_LIMIT),
                request,
                sorts,
                "received_on",
                Complaint.tracking_no,
            )
            complaints = list(session.scalars(window(query, request)))
            return Page(offset=request.offset, rows=complaint_views(self.ctx, session, complaints))

    @requires("complaint.view")
    def stream(self, request: PageRequest, batch: int = STREAM_BATCH) -> Generator[ComplaintView, None, None]:
        """Every complaint the request selects, in list order: what :meth:`page` shows, window after window.

        For exports: the request's offset and limit are ignored. The complaints are filtered and ordered once,
        by a query that reads their keys as a cursor (no OFFSET), and fetched ``batch`` at a time as plain rows
        with the names joined, not as ORM records (see :func:`~copdesk.services.complaint_queries.stream_complaints`).
        It all runs in one read transaction, so the whole list is one consistent snapshot, and memory does not
        grow with the number of complaints. The request is checked at once; the rows are read as the iterator is
        consumed (close it to stop early).
        """
        if batch < 1:
            raise ValidationError("A batch is at least one row.", "batch")
        sort_key(request)
        filter_terms(request, self.ctx.today())
        return self._stream(request, batch)

    def _stream(self, request: PageRequest, batch: int) -> Generator[ComplaintView, None, None]:
        build = ComplaintViewBuilder(self.ctx).build
        with self.ctx.read() as session:
            for rows in stream_complaints(session, request, self.ctx.today(), SEARCH_LOOKUP_LIMIT, VIEW_FIELDS, batch):
                for row in rows:
                    yield build(*row)

    @requires("complaint.view")
    def overdue(self, as_of: date | None = None) -> list[ComplaintView]:
        """Open complaints past their due day on ``as_of`` (default today), the longest overdue first."""
        as_of = as_of or self.ctx.today()
        with self.ctx.read() as session:
            complaints = session.scalars(
                select(Complaint)
                .where(
                    Complaint.deleted_at.is_(None),
                    Complaint.status.in_([s.value for s in OPEN_STATUSES]),
                    Complaint.due_on < as_of,
                )
                .order_by(Complaint.due_on, Complaint.tracking_no)
            )
            return complaint_views(self.ctx, session, list(complaints))

    # intake and edits

    @requires("complaint.create")
    def register(self, draft: ComplaintDraft) -> ComplaintView:
        """Register a complaint and give it its tracking number (the complainant may be created with it)."""
        received_on, channel, category, description, location = check_details(draft, self.ctx.today())
        with self.ctx.write() as session:
            load_station(session, draft.station_id, "station_id")
            check_against_police(session, draft.station_id, draft.against_police, draft.against_station_id)
            person = complainant_of(session, PeopleService(self.ctx), draft)
            complaint = Complaint(
                tracking_no=self._next_tracking_no(session, received_on.year),
                received_on=received_on,
                channel=channel.value,
                complainant=person,
                anonymous=draft.anonymous,
                category=category.code,
                description=description,
                location=location,
                station_id=draft.station_id,
                against_police=draft.against_police,
                against_station_id=draft.against_station_id,
                status=ComplaintStatus.RECEIVED.value,
                due_on=due_date(received_on, category.due_days),
                feedback_remarks="",
                reopened_count=0,
            )
            session.add(complaint)
            session.flush()
            self._event(
                session,
                complaint,
                ComplaintEventKind.REGISTERED,
                None,
                ComplaintStatus.RECEIVED,
                f"Registered as {complaint.tracking_no}.",
            )
            session.flush()
            return complaint_views(self.ctx, session, [complaint])[0]

    @requires("complaint.update")
    def update(self, complaint_id: uuid.UUID, expected_version: int, edit: ComplaintEdit) -> ComplaintView:
        """Change a complaint's editable fields (not once it is closed); the due day follows the category."""
        received_on, channel, category, description, location = check_details(edit, self.ctx.today())
        with self.ctx.write() as session:
            complaint = self._load(session, complaint_id)
            check_version(complaint, expected_version, "complaint")
            if complaint.status == ComplaintStatus.CLOSED:
                raise WorkflowError("A closed complaint cannot be edited.")
            load_station(session, edit.station_id, "station_id")
            check_against_police(session, edit.station_id, edit.against_police, edit.against_station_id)
            if complaint.assigned_officer_id is not None:
                officer = session.get(Officer, complaint.assigned_officer_id)
                if officer is not None:
                    check_officer_not_accused(officer, edit.against_police, edit.against_station_id)
            if received_on.year != complaint.received_on.year:
                raise ValidationError(
                    f"The received date must stay in the year of the tracking number ({complaint.received_on.year}).",
                    "received_on",
                )
            values: dict[str, Any] = {
                "received_on": received_on,
                "channel": channel.value,
                "category": category.code,
                "description": description,
                "location": location,
                "station_id": edit.station_id,
                "against_police": edit.against_police,
                "against_station_id": edit.against_station_id,
                "due_on": due_date(received_on, category.due_days),
            }
            changed = [name for name, value in values.items() if getattr(complaint, name) != value]
            if changed:
                for name in changed:
                    setattr(complaint, name, values[name])
                labels = ", ".join(name.replace("_", " ") for name in changed if name != "due_on")
                status = ComplaintStatus(complaint.status)
                self._event(session, complaint, ComplaintEventKind.EDITED, status, status, f"Changed: {labels}.")
                session.flush()
            return complaint_views(self.ctx, session, [complaint])[0]

    @requires("complaint.delete")
    def delete(self, complaint_id: uuid.UUID, expected_version: int) -> None:
        """Delete a complaint (registered by mistake); it disappears from lists and lookups."""
        with self.ctx.write() as session:
            complaint = self._load(session, complaint_id)
            check_version(complaint, expected_version, "complaint")
            complaint.deleted_at = self.ctx.now()

    # workflow

    @requires("complaint.assign")
    def assign(self, complaint_id: uuid.UUID, officer_id: uuid.UUID, note: str = "") -> ComplaintView:
        """Assign (or reassign, before the inquiry starts) the complaint to an officer."""
        note = clean_text(note, "note", "note", MAX_NOTE)
        with self.ctx.write() as session:
            complaint = self._load(session, complaint_id)
            source = ComplaintStatus(complaint.status)
            check_transition(source, ComplaintStatus.ASSIGNED)
            officer = session.get(Officer, officer_id) if isinstance(officer_id, uuid.UUID) else None
            if officer is None or officer.is_deleted:
                raise ValidationError("Choose an officer from the list.", "assigned_officer_id")
            if not officer.active:
                raise ValidationError(
                    "This officer is no longer active; choose another officer.", "assigned_officer_id"
                )
            check_officer_not_accused(officer, complaint.against_police, complaint.against_station_id)
            if officer.id == complaint.assigned_officer_id:
                raise ValidationError("The complaint is already assigned to this officer.", "assigned_officer_id")
            complaint.assigned_officer_id = officer.id
            complaint.status = ComplaintStatus.ASSIGNED.value
            text = f"Assigned to {officer.name}." + (f" {note}" if note else "")
            self._event(session, complaint, ComplaintEventKind.ASSIGNED, source, ComplaintStatus.ASSIGNED, text)
            session.flush()
            return complaint_views(self.ctx, session, [complaint])[0]

    @requires("complaint.progress")
    def start_inquiry(self, complaint_id: uuid.UUID, note: str = "") -> ComplaintView:
        """Start the inquiry of an assigned complaint."""
        note = clean_text(note, "note", "note", MAX_NOTE)
        return self._move(complaint_id, ComplaintStatus.UNDER_INQUIRY, note or "Inquiry started.")

    @requires("complaint.progress")
    def resolve(self, complaint_id: uuid.UUID, note: str) -> ComplaintView:
        """The inquiry resolved the complaint; ``note`` says how."""
        note = clean_text(note, "note", "note on how the complaint was resolved", MAX_NOTE, required=True)
        return self._move(complaint_id, ComplaintStatus.RESOLVED, note)

    @requires("complaint.progress")
    def refer(self, complaint_id: uuid.UUID, note: str) -> ComplaintView:
        """The complaint was referred elsewhere (another department, a court, the DRC); ``note`` says where."""
        note = clean_text(note, "note", "note on where the complaint was referred", MAX_NOTE, required=True)
        return self._move(complaint_id, ComplaintStatus.REFERRED, note)

    @requires("complaint.progress")
    def register_fir(self, complaint_id: uuid.UUID, fir_no: str, note: str = "") -> ComplaintView:
        """The inquiry led to an FIR; its number is kept on the complaint."""
        fir_no = clean_text(fir_no, "fir_no", "FIR number", MAX_FIR_NO, required=True)
        note = clean_text(note, "note", "note", MAX_NOTE)
        return self._move(
            complaint_id,
            ComplaintStatus.FIR_REGISTERED,
            f"FIR {fir_no} registered." + (f" {note}" if note else ""),
            fir_no=fir_no,
        )

    @requires("complaint.progress")
    def reject(self, complaint_id: uuid.UUID, reason: str) -> ComplaintView:
        """Reject the complaint (not a police matter, false, duplicate...); ``reason`` is required."""
        reason = clean_text(reason, "reason", "reason for rejecting the complaint", MAX_NOTE, required=True)
        return self._move(complaint_id, ComplaintStatus.REJECTED, reason)

    @requires("complaint.close")
    def close(
        self, complaint_id: uuid.UUID, closure_category: ClosureCategory | str | None, note: str = ""
    ) -> ComplaintView:
        """Close a complaint that has reached an outcome, saying how it ended for the complainant."""
        note = clean_text(note, "note", "note", MAX_NOTE)
        with self.ctx.write() as session:
            complaint = self._load(session, complaint_id)
            check_transition(complaint.status, ComplaintStatus.CLOSED)
            try:
                category = ClosureCategory(closure_category) if closure_category else None
            except ValueError:
                category = None
            if category is None:
                raise ValidationError(
                    "Choose how the complaint ended (relief granted, partial relief, no relief or referred) "
                    "before closing it.",
                    "closure_category",
                )
            source = ComplaintStatus(complaint.status)
            complaint.status = ComplaintStatus.CLOSED.value
            complaint.closure_category = category.value
            complaint.closed_on = self.ctx.today()
            text = f"Closed: {category.value.replace('_', ' ')}." + (f" {note}" if note else "")
            self._event(session, complaint, ComplaintEventKind.STATUS, source, ComplaintStatus.CLOSED, text)
            session.flush()
            return complaint_views(self.ctx, session, [complaint])[0]

    @requires("complaint.feedback")
    def record_feedback(self, complaint_id: uuid.UUID, satisfied: bool, remarks: str = "") -> ComplaintView:
        """Record whether the complainant is satisfied with how a closed complaint ended (once per closing)."""
        remarks = clean_text(remarks, "feedback_remarks", "remarks", MAX_NOTE)
        with self.ctx.write() as session:
            complaint = self._load(session, complaint_id)
            if complaint.status != ComplaintStatus.CLOSED:
                raise WorkflowError("Feedback is recorded once the complaint is closed.")
            if complaint.feedback is not None:
                raise WorkflowError("The complainant's feedback on this closing is already recorded.")
            feedback = Feedback.SATISFIED if satisfied else Feedback.NOT_SATISFIED
            complaint.feedback = feedback.value
            complaint.feedback_remarks = remarks
            complaint.feedback_on = self.ctx.today()
            text = ("Complainant satisfied." if satisfied else "Complainant not satisfied.") + (
                f" {remarks}" if remarks else ""
            )
            status = ComplaintStatus.CLOSED
            self._event(session, complaint, ComplaintEventKind.FEEDBACK, status, status, text)
            session.flush()
            return complaint_views(self.ctx, session, [complaint])[0]

    @requires("complaint.reopen")
    def reopen(self, complaint_id: uuid.UUID, reason: str) -> ComplaintView:
        """Reopen a closed complaint for a new inquiry (the complainant was not satisfied, within the window)."""
        reason = clean_text(reason, "reason", "reason for reopening", MAX_NOTE, required=True)
        with self.ctx.write() as session:
            complaint = self._load(session, complaint_id)
            check_reopen(complaint.status, complaint.feedback, complaint.closed_on, self.ctx.today())
            check_transition(ComplaintStatus.CLOSED, ComplaintStatus.UNDER_INQUIRY)
            complaint.status = ComplaintStatus.UNDER_INQUIRY.value
            complaint.reopened_count += 1
            complaint.closure_category = None
            complaint.closed_on = None
            complaint.feedback = None
            complaint.feedback_remarks = ""
            complaint.feedback_on = None
            self._event(
                session,
                complaint,
                ComplaintEventKind.REOPENED,
                ComplaintStatus.CLOSED,
                ComplaintStatus.UNDER_INQUIRY,
                reason,
            )
            session.flush()
            return complaint_views(self.ctx, session, [complaint])[0]

    @requires("complaint.progress")
    def escalate_overdue(self) -> int:
        """Mark open complaints that became overdue as escalated to the district officer; how many were marked."""
        today = self.ctx.today()
        with self.ctx.write() as session:
            complaints = session.scalars(
                select(Complaint)
                .where(
                    Complaint.deleted_at.is_(None),
                    Complaint.status.in_([s.value for s in OPEN_STATUSES]),
                    Complaint.due_on < today,
                    Complaint.escalated_at.is_(None),
                )
                .options(selectinload(Complaint.complainant))  # the search text is rebuilt on every change
            ).all()
            now = self.ctx.now()
            for complaint in complaints:
                complaint.escalated_at = now
                status = ComplaintStatus(complaint.status)
                self._event(
                    session,
                    complaint,
                    ComplaintEventKind.ESCALATED,
                    status,
                    status,
                    f"Overdue since {complaint.due_on:%d-%m-%Y}; escalated to the district officer.",
                )
            return len(complaints)

    # internals

    def _move(self, complaint_id: uuid.UUID, target: ComplaintStatus, note: str, **values: Any) -> ComplaintView:
        """Move a complaint along the workflow (not closing, not reopening) and record the event."""
        with self.ctx.write() as session:
            complaint = self._load(session, complaint_id)
            source = ComplaintStatus(complaint.status)
            if source is ComplaintStatus.CLOSED and target is ComplaintStatus.UNDER_INQUIRY:
                raise WorkflowError(
                    "This complaint is closed. It can only be reopened by an officer, after the complainant "
                    "says they are not satisfied."
                )
            check_transition(source, target)
            complaint.status = target.value
            if target in OUTCOME_STATUSES and complaint.resolved_on is None:
                complaint.resolved_on = self.ctx.today()
            for name, value in values.items():
                setattr(complaint, name, value)
            self._event(session, complaint, ComplaintEventKind.STATUS, source, target, note)
            session.flush()
            return complaint_views(self.ctx, session, [complaint])[0]

    def _load(self, session: Session, complaint_id: uuid.UUID) -> Complaint:
        complaint = session.get(Complaint, complaint_id) if isinstance(complaint_id, uuid.UUID) else None
        if complaint is None or complaint.is_deleted:
            raise NotFound("This complaint does not exist or was deleted.")
        return complaint

    def _event(
        self,
        session: Session,
        complaint: Complaint,
        kind: ComplaintEventKind,
        source: ComplaintStatus | None,
        target: ComplaintStatus,
        note: str,
    ) -> None:
        session.add(
            ComplaintEvent(
                complaint_id=complaint.id,
                at=self.ctx.now(),
                actor=self.ctx.actor.username,
                kind=kind.value,
                from_status=source.value if source is not None else None,
                to_status=target.value,
                note=note,
            )
        )

    def _next_tracking_no(self, session: Session, year: int) -> str:
        """The next tracking number of ``year``, counted in this write transaction."""
        district_code = session.scalar(select(DatabaseState.district_code).where(DatabaseState.id == 1))
        district_code = district_code or self.ctx.district_code
        if not district_code:
            raise StorageError("This database has no district, so complaints cannot be numbered.")
        counter = session.get(ComplaintCounter, year, with_for_update=True)
        if counter is None:
            # A first complaint of the year (or a lost counter): continue after any number already given.
            prefix = f"{district_code.upper()}/{year:04d}/"
            highest = session.scalar(
                select(func.max(Complaint.tracking_no)).where(Complaint.tracking_no.startswith(prefix))
            )
            last = int(highest.rsplit("/", 1)[-1]) if highest else 0
            counter = ComplaintCounter(year=year, last=last)
            session.add(counter)
        counter.last += 1
        return format_tracking_no(district_code, year, counter.last)
