"""Public complaints: intake, assignment, inquiry, outcome, closing, feedback, reopening and escalation.

Every change of a complaint is recorded as a :class:`ComplaintEvent`, so :meth:`ComplaintService.history` tells
the whole story. The workflow itself (which move is legal) lives in :mod:`copdesk.domain.complaint_workflow`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select, table
from sqlalchemy.orm import Session, selectinload

from copdesk.domain.complaint_workflow import (
    OPEN_STATUSES,
    OUTCOME_STATUSES,
    ClosureCategory,
    ComplaintChannel,
    ComplaintStatus,
    Feedback,
    available_transitions,
    check_reopen,
    check_transition,
    due_date,
    format_tracking_no,
    is_overdue,
    parse_tracking_no,
)
from copdesk.domain.corpus import ComplaintCategory, complaint_categories
from copdesk.domain.text import fts_match_expression
from copdesk.errors import ConflictError, NotFound, StorageError, ValidationError, WorkflowError
from copdesk.models.base import DatabaseState
from copdesk.models.complaints import Complaint, ComplaintCounter, ComplaintEvent, ComplaintEventKind
from copdesk.models.organisation import Officer, Station
from copdesk.models.people import Gender, Person
from copdesk.services.context import Service, requires
from copdesk.services.paging import Page, PageRequest, apply_search, apply_sort, count_rows, window
from copdesk.services.people import PeopleService, PersonDraft
from copdesk.services.privacy import show_cnic, show_contact, show_mobile
from copdesk.storage.fts import fts_table

__all__ = [
    "COMPLAINT_FILTERS",
    "COMPLAINT_SORTS",
    "ComplaintDraft",
    "ComplaintEdit",
    "ComplaintEventView",
    "ComplaintService",
    "ComplaintView",
    "PersonDraft",
]

#: The oldest received date accepted at intake.
EARLIEST_RECEIVED_ON = date(2000, 1, 1)
MAX_DESCRIPTION = 10_000
MAX_LOCATION = 500
MAX_NOTE = 2_000
MAX_FIR_NO = 32
#: Up to this many search matches, a list fetches the matching rows and sorts them; above it, it walks the date
#: index instead (see ``ComplaintService._query``).
SEARCH_LOOKUP_LIMIT = 2_000
_ROWID: ColumnElement[int] = literal_column("complaints.rowid")
_FTS_ROWID: ColumnElement[int] = literal_column("complaints_fts.rowid")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")

#: Keys accepted in ``PageRequest.filters`` (a ``None`` value means "no filter").
COMPLAINT_FILTERS = frozenset(
    {
        "status",  # one status or several
        "station_id",
        "assigned_officer_id",
        "category",
        "channel",
        "received_from",  # date, inclusive
        "received_to",  # date, inclusive
        "month",  # "YYYY-MM"
        "overdue_only",  # bool
        "against_police",  # bool
    }
)
#: Keys accepted in ``PageRequest.sort`` (the default is ``received_on``; ask ``descending`` for newest first).
COMPLAINT_SORTS = ("received_on", "tracking_no", "due_on", "status", "category", "channel")


# --- inputs and views ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplaintDraft:
    """What the intake form collects.

    Give exactly one of ``complainant_person_id``, ``new_complainant`` or ``anonymous=True``.
    """

    received_on: date
    channel: ComplaintChannel | str
    category: str
    description: str
    station_id: uuid.UUID
    location: str = ""
    complainant_person_id: uuid.UUID | None = None
    new_complainant: PersonDraft | None = None
    anonymous: bool = False
    against_police: bool = False
    against_station_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ComplaintEdit:
    """The editable fields of a complaint (all of them, as the edit form shows them)."""

    received_on: date
    channel: ComplaintChannel | str
    category: str
    description: str
    station_id: uuid.UUID
    location: str = ""
    against_police: bool = False
    against_station_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ComplaintView:
    """A complaint as shown on screen; the complainant's personal data are masked by role."""

    id: uuid.UUID
    version: int
    tracking_no: str
    received_on: date
    channel: ComplaintChannel
    category: str
    category_name: str
    category_name_ur: str
    description: str
    location: str
    anonymous: bool
    complainant_person_id: uuid.UUID | None
    complainant_name: str
    complainant_cnic: str
    complainant_mobile: str
    station_id: uuid.UUID
    station_name: str
    against_police: bool
    against_station_id: uuid.UUID | None
    against_station_name: str
    assigned_officer_id: uuid.UUID | None
    assigned_officer_name: str
    status: ComplaintStatus
    due_on: date
    is_overdue: bool
    escalated_at: datetime | None
    resolved_on: date | None
    fir_no: str | None
    closure_category: ClosureCategory | None
    closed_on: date | None
    feedback: Feedback | None
    feedback_remarks: str
    feedback_on: date | None
    reopened_count: int
    #: The moves that would succeed today (what the screen offers as buttons).
    next_statuses: tuple[ComplaintStatus, ...]


@dataclass(frozen=True)
class ComplaintEventView:
    """One step of a complaint's history."""

    id: uuid.UUID
    at: datetime
    actor: str
    kind: ComplaintEventKind
    from_status: ComplaintStatus | None
    to_status: ComplaintStatus
    note: str


# --- validation helpers ----------------------------------------------------------------------------------------


def _text(value: str | None, field: str, label: str, *, required: bool, max_chars: int) -> str:
    """Trimmed text, refused when required and blank or when too long."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise ValidationError(f"Enter the {label}.", field)
    if len(cleaned) > max_chars:
        raise ValidationError(f"The {label} is too long (at most {max_chars} characters).", field)
    return cleaned


def _category(code: str) -> ComplaintCategory:
    category = complaint_categories().get((code or "").strip())
    if category is None:
        raise ValidationError("Choose a complaint category from the list.", "category")
    return category


def _channel(value: ComplaintChannel | str) -> ComplaintChannel:
    try:
        return ComplaintChannel(value)
    except ValueError:
        raise ValidationError(
            "Choose how the complaint was received (walk-in, phone, written, committee referral or other).",
            "channel",
        ) from None


def _received_on(value: date, today: date) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError("Enter the date the complaint was received.", "received_on")
    if value > today:
        raise ValidationError("The received date cannot be in the future.", "received_on")
    if value < EARLIEST_RECEIVED_ON:
        raise ValidationError(
            f"The received date is too far in the past (the earliest is {EARLIEST_RECEIVED_ON:%d-%m-%Y}).",
            "received_on",
        )
    return value


def _status(value: ComplaintStatus | str) -> ComplaintStatus:
    try:
        return ComplaintStatus(value)
    except ValueError:
        raise ValidationError(f"{value!r} is not a complaint status.", "status") from None


def _station(session: Session, station_id: uuid.UUID | None, field: str) -> Station:
    station = session.get(Station, station_id) if isinstance(station_id, uuid.UUID) else None
    if station is None or station.is_deleted:
        raise ValidationError("Choose a police station from the list.", field)
    return station


def _check_against_police(
    session: Session, station_id: uuid.UUID, against_police: bool, against_station_id: uuid.UUID | None
) -> None:
    """A complaint against the police names the station complained about, and another station handles it."""
    if not against_police:
        if against_station_id is not None:
            raise ValidationError("Tick 'against police' to name the station complained about.", "against_station_id")
        return
    if against_station_id is None:
        raise ValidationError(
            "A complaint against the police must name the station complained about.", "against_station_id"
        )
    _station(session, against_station_id, "against_station_id")
    if against_station_id == station_id:
        raise ValidationError("A complaint against a station must be handled by another station.", "station_id")


def _check_officer_not_accused(officer: Officer, against_police: bool, against_station_id: uuid.UUID | None) -> None:
    if against_police and officer.station_id is not None and officer.station_id == against_station_id:
        raise ValidationError(
            "This officer serves at the station complained about; assign an officer of another station.",
            "assigned_officer_id",
        )


def _new_person(session: Session, people: PeopleService, draft: PersonDraft) -> Person:
    """A new complainant, validated by the people service's rules (and refused if the CNIC is already known)."""
    try:
        clean = draft.validated()
    except ValidationError as exc:
        raise ValidationError(exc.message, f"complainant.{exc.field}" if exc.field else "complainant") from None
    people._refuse_duplicate(session, clean.cnic, None)
    return Person(
        name=clean.name,
        father_name=clean.father_name,
        gender=Gender(clean.gender).value,
        cnic=clean.cnic,
        mobile=clean.mobile,
        address=clean.address,
    )


def _complainant(session: Session, people: PeopleService, draft: ComplaintDraft) -> Person | None:
    given = sum((draft.anonymous, draft.complainant_person_id is not None, draft.new_complainant is not None))
    if given == 0:
        raise ValidationError(
            "Choose the complainant, enter a new one, or mark the complaint anonymous.", "complainant"
        )
    if given > 1:
        raise ValidationError(
            "A complaint is either anonymous or has one complainant; choose only one of these.", "complainant"
        )
    if draft.anonymous:
        return None
    if draft.new_complainant is not None:
        created = _new_person(session, people, draft.new_complainant)
        session.add(created)
        return created
    known = session.get(Person, draft.complainant_person_id)
    if known is None or known.is_deleted:
        raise ValidationError("Choose the complainant from the list of people.", "complainant_person_id")
    return known


def _month_range(value: Any) -> tuple[date, date]:
    match = _MONTH.fullmatch(str(value).strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError("A month is written YYYY-MM, like 2026-03.", "month")
    first = date(int(match.group(1)), int(match.group(2)), 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def _statuses(value: Any) -> list[ComplaintStatus]:
    values: Iterable[Any] = [value] if isinstance(value, str) else value
    return [_status(item) for item in values]


def _filter_date(value: Any, field: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError("Enter a date.", field)
    return value


def _filter_id(value: Any, field: str) -> uuid.UUID:
    if not isinstance(value, uuid.UUID):
        raise ValidationError("Choose an entry from the list.", field)
    return value


def _filter_bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError("This filter is either on or off.", field)
    return value


def _column(name: str, indexed: bool) -> ColumnElement[Any]:
    """A complaints column; with ``indexed=False`` written ``+complaints.<name>``.

    SQLite does not use an index for a term whose column carries a unary ``+``: the documented way to choose
    which index a query uses.
    """
    if indexed:
        column: ColumnElement[Any] = getattr(Complaint, name)
        return column
    column_type = Complaint.__table__.c[name].type if name in Complaint.__table__.c else None
    return literal_column(f"+complaints.{name}", type_=column_type)


def _fts_search(session: Session, text: str) -> tuple[int, Select[Any]] | None:
    """For a search on SQLite: how many rows the FTS5 index matches, and the subquery of their rowids."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    expression = fts_match_expression(text or "")
    if expression is None:
        return None
    fts = fts_table(Complaint.__tablename__)
    match = literal_column(fts).op("MATCH")(expression)
    matches = int(session.scalar(select(func.count()).select_from(table(fts)).where(match)) or 0)
    return matches, select(_FTS_ROWID).select_from(table(fts)).where(match)


# --- the service -------------------------------------------------------------------------------------------------


class ComplaintService(Service):
    """Complaints from intake to resolution, with their history."""

    # reads

    @requires("complaint.view")
    def get(self, complaint_id: uuid.UUID) -> ComplaintView:
        """One complaint; :class:`NotFound` if it does not exist or was deleted."""
        with self.ctx.read() as session:
            return self._views(session, [self._load(session, complaint_id)])[0]

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
            return self._views(session, [complaint])[0]

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
            return [
                ComplaintEventView(
                    id=e.id,
                    at=e.at,
                    actor=e.actor,
                    kind=ComplaintEventKind(e.kind),
                    from_status=ComplaintStatus(e.from_status) if e.from_status else None,
                    to_status=ComplaintStatus(e.to_status),
                    note=e.note,
                )
                for e in events
            ]

    @requires("complaint.view")
    def count(self, request: PageRequest) -> int:
        """How many complaints match the request's filters and search."""
        with self.ctx.read() as session:
            return self._count(session, request)

    @requires("complaint.view")
    def page(self, request: PageRequest) -> Page[ComplaintView]:
        """A sorted, filtered, searched window of complaints (see :data:`COMPLAINT_FILTERS`)."""
        sorts = {name: getattr(Complaint, name) for name in COMPLAINT_SORTS}
        with self.ctx.read() as session:
            query = apply_sort(self._query(session, request), request, sorts, "received_on", Complaint.tracking_no)
            complaints = list(session.scalars(window(query, request)))
            return Page(offset=request.offset, rows=self._views(session, complaints))

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
            return self._views(session, list(complaints))

    # intake and edits

    @requires("complaint.create")
    def register(self, draft: ComplaintDraft) -> ComplaintView:
        """Register a complaint and give it its tracking number (the complainant may be created with it)."""
        today = self.ctx.today()
        received_on = _received_on(draft.received_on, today)
        channel = _channel(draft.channel)
        category = _category(draft.category)
        description = _text(
            draft.description, "description", "description of the complaint", required=True, max_chars=MAX_DESCRIPTION
        )
        location = _text(draft.location, "location", "location", required=False, max_chars=MAX_LOCATION)
        with self.ctx.write() as session:
            _station(session, draft.station_id, "station_id")
            _check_against_police(session, draft.station_id, draft.against_police, draft.against_station_id)
            person = _complainant(session, PeopleService(self.ctx), draft)
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
            return self._views(session, [complaint])[0]

    @requires("complaint.update")
    def update(self, complaint_id: uuid.UUID, expected_version: int, edit: ComplaintEdit) -> ComplaintView:
        """Change a complaint's editable fields (not once it is closed); the due day follows the category."""
        today = self.ctx.today()
        received_on = _received_on(edit.received_on, today)
        channel = _channel(edit.channel)
        category = _category(edit.category)
        description = _text(
            edit.description, "description", "description of the complaint", required=True, max_chars=MAX_DESCRIPTION
        )
        location = _text(edit.location, "location", "location", required=False, max_chars=MAX_LOCATION)
        with self.ctx.write() as session:
            complaint = self._load(session, complaint_id)
            self._check_version(complaint, expected_version)
            if complaint.status == ComplaintStatus.CLOSED:
                raise WorkflowError("A closed complaint cannot be edited.")
            _station(session, edit.station_id, "station_id")
            _check_against_police(session, edit.station_id, edit.against_police, edit.against_station_id)
            if complaint.assigned_officer_id is not None:
                officer = session.get(Officer, complaint.assigned_officer_id)
                if officer is not None:
                    _check_officer_not_accused(officer, edit.against_police, edit.against_station_id)
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
            return self._views(session, [complaint])[0]

    @requires("complaint.delete")
    def delete(self, complaint_id: uuid.UUID, expected_version: int) -> None:
        """Delete a complaint (registered by mistake); it disappears from lists and lookups."""
        with self.ctx.write() as session:
            complaint = self._load(session, complaint_id)
            self._check_version(complaint, expected_version)
            complaint.deleted_at = self.ctx.now()

    # workflow

    @requires("complaint.assign")
    def assign(self, complaint_id: uuid.UUID, officer_id: uuid.UUID, note: str = "") -> ComplaintView:
        """Assign (or reassign, before the inquiry starts) the complaint to an officer."""
        note = _text(note, "note", "note", required=False, max_chars=MAX_NOTE)
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
            _check_officer_not_accused(officer, complaint.against_police, complaint.against_station_id)
            if officer.id == complaint.assigned_officer_id:
                raise ValidationError("The complaint is already assigned to this officer.", "assigned_officer_id")
            complaint.assigned_officer_id = officer.id
            complaint.status = ComplaintStatus.ASSIGNED.value
            text = f"Assigned to {officer.name}." + (f" {note}" if note else "")
            self._event(session, complaint, ComplaintEventKind.ASSIGNED, source, ComplaintStatus.ASSIGNED, text)
            session.flush()
            return self._views(session, [complaint])[0]

    @requires("complaint.progress")
    def start_inquiry(self, complaint_id: uuid.UUID, note: str = "") -> ComplaintView:
        """Start the inquiry of an assigned complaint."""
        note = _text(note, "note", "note", required=False, max_chars=MAX_NOTE)
        return self._move(complaint_id, ComplaintStatus.UNDER_INQUIRY, note or "Inquiry started.")

    @requires("complaint.progress")
    def resolve(self, complaint_id: uuid.UUID, note: str) -> ComplaintView:
        """The inquiry resolved the complaint; ``note`` says how."""
        note = _text(note, "note", "note on how the complaint was resolved", required=True, max_chars=MAX_NOTE)
        return self._move(complaint_id, ComplaintStatus.RESOLVED, note)

    @requires("complaint.progress")
    def refer(self, complaint_id: uuid.UUID, note: str) -> ComplaintView:
        """The complaint was referred elsewhere (another department, a court, the DRC); ``note`` says where."""
        note = _text(note, "note", "note on where the complaint was referred", required=True, max_chars=MAX_NOTE)
        return self._move(complaint_id, ComplaintStatus.REFERRED, note)

    @requires("complaint.progress")
    def register_fir(self, complaint_id: uuid.UUID, fir_no: str, note: str = "") -> ComplaintView:
        """The inquiry led to an FIR; its number is kept on the complaint."""
        fir_no = _text(fir_no, "fir_no", "FIR number", required=True, max_chars=MAX_FIR_NO)
        note = _text(note, "note", "note", required=False, max_chars=MAX_NOTE)
        return self._move(
            complaint_id,
            ComplaintStatus.FIR_REGISTERED,
            f"FIR {fir_no} registered." + (f" {note}" if note else ""),
            fir_no=fir_no,
        )

    @requires("complaint.progress")
    def reject(self, complaint_id: uuid.UUID, reason: str) -> ComplaintView:
        """Reject the complaint (not a police matter, false, duplicate...); ``reason`` is required."""
        reason = _text(reason, "reason", "reason for rejecting the complaint", required=True, max_chars=MAX_NOTE)
        return self._move(complaint_id, ComplaintStatus.REJECTED, reason)

    @requires("complaint.close")
    def close(
        self, complaint_id: uuid.UUID, closure_category: ClosureCategory | str | None, note: str = ""
    ) -> ComplaintView:
        """Close a complaint that has reached an outcome, saying how it ended for the complainant."""
        note = _text(note, "note", "note", required=False, max_chars=MAX_NOTE)
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
            return self._views(session, [complaint])[0]

    @requires("complaint.feedback")
    def record_feedback(self, complaint_id: uuid.UUID, satisfied: bool, remarks: str = "") -> ComplaintView:
        """Record whether the complainant is satisfied with how a closed complaint ended (once per closing)."""
        remarks = _text(remarks, "feedback_remarks", "remarks", required=False, max_chars=MAX_NOTE)
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
            return self._views(session, [complaint])[0]

    @requires("complaint.reopen")
    def reopen(self, complaint_id: uuid.UUID, reason: str) -> ComplaintView:
        """Reopen a closed complaint for a new inquiry (the complainant was not satisfied, within the window)."""
        reason = _text(reason, "reason", "reason for reopening", required=True, max_chars=MAX_NOTE)
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
            return self._views(session, [complaint])[0]

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
            return self._views(session, [complaint])[0]

    def _load(self, session: Session, complaint_id: uuid.UUID) -> Complaint:
        complaint = session.get(Complaint, complaint_id) if isinstance(complaint_id, uuid.UUID) else None
        if complaint is None or complaint.is_deleted:
            raise NotFound("This complaint does not exist or was deleted.")
        return complaint

    @staticmethod
    def _check_version(complaint: Complaint, expected_version: int) -> None:
        if complaint.version != expected_version:
            raise ConflictError(
                "Someone else changed this complaint since you opened it. Reload it and make your change again."
            )

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

    def _conditions(self, request: PageRequest, *, indexed: bool = True) -> list[ColumnElement[bool]]:
        """The WHERE terms of the request's filters (not the search, not "not deleted").

        With ``indexed=False`` every term is written so that SQLite will not use an index for it (see
        :func:`_column`).
        """
        filters: Mapping[str, Any] = {k: v for k, v in request.filters.items() if v is not None}
        unknown = sorted(set(filters) - COMPLAINT_FILTERS)
        if unknown:
            raise ValidationError(f"Complaints cannot be filtered by {unknown[0]!r}.", unknown[0])

        def column(name: str) -> ColumnElement[Any]:
            return _column(name, indexed)

        terms: list[ColumnElement[bool]] = []
        if "status" in filters:
            statuses = _statuses(filters["status"])
            if len(statuses) == 1:
                terms.append(column("status") == statuses[0].value)
            elif statuses:
                terms.append(column("status").in_([s.value for s in statuses]))
        if "station_id" in filters:
            terms.append(column("station_id") == _filter_id(filters["station_id"], "station_id"))
        if "assigned_officer_id" in filters:
            officer_id = _filter_id(filters["assigned_officer_id"], "assigned_officer_id")
            terms.append(column("assigned_officer_id") == officer_id)
        if "category" in filters:
            terms.append(column("category") == _category(filters["category"]).code)
        if "channel" in filters:
            terms.append(column("channel") == _channel(filters["channel"]).value)
        if "received_from" in filters:
            terms.append(column("received_on") >= _filter_date(filters["received_from"], "received_from"))
        if "received_to" in filters:
            terms.append(column("received_on") <= _filter_date(filters["received_to"], "received_to"))
        if "month" in filters:
            first, last = _month_range(filters["month"])
            terms += [column("received_on") >= first, column("received_on") <= last]
        if "overdue_only" in filters and _filter_bool(filters["overdue_only"], "overdue_only"):
            terms += [
                column("status").in_([s.value for s in OPEN_STATUSES]),
                column("due_on") < self.ctx.today(),
            ]
        if "against_police" in filters:
            terms.append(column("against_police") == _filter_bool(filters["against_police"], "against_police"))
        return terms

    def _query(self, session: Session, request: PageRequest) -> Select[Any]:
        """The complaints selected by the request's filters and search (unsorted, unwindowed).

        On SQLite a search chooses its plan by how many rows match (the FTS5 count is cheap). A few matches are
        fetched by rowid and sorted: no other term may use an index then. Many matches are found by walking an
        index in list order and keeping the rows whose rowid the search returned, which reaches a first page
        without reading every match: the rowid term may not use its index then.
        """
        query = select(Complaint)
        search = _fts_search(session, request.search)
        if search is None:
            terms = [Complaint.deleted_at.is_(None), *self._conditions(request)]
            return apply_search(query.where(*terms), Complaint, session, request.search)
        matches, rowids = search
        if matches <= SEARCH_LOOKUP_LIMIT:
            terms = [_column("deleted_at", False).is_(None), *self._conditions(request, indexed=False)]
            return query.where(*terms, _ROWID.in_(rowids))
        terms = [Complaint.deleted_at.is_(None), *self._conditions(request)]
        return query.where(*terms, _column("rowid", False).in_(rowids))

    def _count(self, session: Session, request: PageRequest) -> int:
        """How many complaints the request selects; without filters, from counts that read no table rows."""
        if self._conditions(request) or session.get_bind().dialect.name != "sqlite":
            return count_rows(session, self._query(session, request))
        deleted = select(func.count()).select_from(Complaint).where(Complaint.deleted_at.is_not(None))
        search = _fts_search(session, request.search)
        if search is None:
            total = int(session.scalar(select(func.count()).select_from(Complaint)) or 0)
            return total - int(session.scalar(deleted) or 0)
        matches, rowids = search
        if not session.scalar(deleted):
            return matches
        # Count the matches in the FTS5 index, leaving out the (few) deleted complaints.
        deleted_rowids = select(_ROWID).select_from(Complaint).where(Complaint.deleted_at.is_not(None))
        return int(
            session.scalar(select(func.count()).select_from(rowids.where(_FTS_ROWID.not_in(deleted_rowids)).subquery()))
            or 0
        )

    def _views(self, session: Session, complaints: Sequence[Complaint]) -> list[ComplaintView]:
        """Views of ``complaints``, with station, officer and complainant names loaded in three queries."""
        station_ids = {c.station_id for c in complaints} | {
            c.against_station_id for c in complaints if c.against_station_id
        }
        officer_ids = {c.assigned_officer_id for c in complaints if c.assigned_officer_id}
        person_ids = {c.complainant_person_id for c in complaints if c.complainant_person_id}
        stations = (
            {s.id: s.name for s in session.scalars(select(Station).where(Station.id.in_(station_ids)))}
            if station_ids
            else {}
        )
        officers = (
            {o.id: o.name for o in session.scalars(select(Officer).where(Officer.id.in_(officer_ids)))}
            if officer_ids
            else {}
        )
        people = (
            {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(person_ids)))} if person_ids else {}
        )
        categories = complaint_categories()
        today = self.ctx.today()
        views = []
        for c in complaints:
            person = people.get(c.complainant_person_id) if c.complainant_person_id else None
            category = categories.get(c.category)
            status = ComplaintStatus(c.status)
            views.append(
                ComplaintView(
                    id=c.id,
                    version=c.version,
                    tracking_no=c.tracking_no,
                    received_on=c.received_on,
                    channel=ComplaintChannel(c.channel),
                    category=c.category,
                    category_name=category.name_en if category else c.category,
                    category_name_ur=category.name_ur if category else c.category,
                    description=c.description,
                    location=c.location,
                    anonymous=c.anonymous,
                    complainant_person_id=c.complainant_person_id,
                    complainant_name=show_contact(self.ctx, person.name) if person else "",
                    complainant_cnic=show_cnic(self.ctx, person.cnic) if person else "",
                    complainant_mobile=show_mobile(self.ctx, person.mobile) if person else "",
                    station_id=c.station_id,
                    station_name=stations.get(c.station_id, ""),
                    against_police=c.against_police,
                    against_station_id=c.against_station_id,
                    against_station_name=stations.get(c.against_station_id, "") if c.against_station_id else "",
                    assigned_officer_id=c.assigned_officer_id,
                    assigned_officer_name=officers.get(c.assigned_officer_id, "") if c.assigned_officer_id else "",
                    status=status,
                    due_on=c.due_on,
                    is_overdue=is_overdue(status, c.due_on, today),
                    escalated_at=c.escalated_at,
                    resolved_on=c.resolved_on,
                    fir_no=c.fir_no,
                    closure_category=ClosureCategory(c.closure_category) if c.closure_category else None,
                    closed_on=c.closed_on,
                    feedback=Feedback(c.feedback) if c.feedback else None,
                    feedback_remarks=c.feedback_remarks,
                    feedback_on=c.feedback_on,
                    reopened_count=c.reopened_count,
                    next_statuses=available_transitions(status, c.feedback, c.closed_on, today),
                )
            )
        return views
