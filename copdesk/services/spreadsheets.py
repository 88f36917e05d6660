"""Excel export of the desk's lists, and import of people, watch volunteers and committee members.

Export streams the rows of a list into the workbook without ever loading a table: through the list service's
``stream`` where it has one (complaints, people, meetings: one read transaction, so the file is one consistent
snapshot, read in batches without OFFSET), else through its ``page`` 1,000 rows at a time. What the export shows
is exactly what the list screen shows: the same filters, search, sort and privacy masking (a clerk's export has
masked CNICs).

Import reads a clerk's sheet (see :mod:`copdesk.spreadsheets.reader`), maps its columns to fields
(:mod:`copdesk.spreadsheets.mapping`), and checks every row by the same rules as the forms: the person's
details (:class:`~copdesk.services.people.PersonDraft`), CNIC or identical rows repeated in the file, a CNIC
already recorded, a volunteer already in the group, the committee's once-at-a-time rules, closed months. The
good rows are written in one transaction; with "all or nothing" a single bad row stops the whole import.

For volunteers and committee members a row whose CNIC is already recorded uses that person's record (the
sheet's other details for that person are not applied); rows without a CNIC always create a new person.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from copdesk.domain.months import Month
from copdesk.domain.text import normalise_for_search
from copdesk.errors import ValidationError, WorkflowError
from copdesk.models.committees import Committee, CommitteeMember, MemberRole
from copdesk.models.months import MonthClosing, MonthState
from copdesk.models.people import Gender, Person
from copdesk.models.watch import VerificationStatus, Volunteer, WatchGroup
from copdesk.services.committees import CommitteeService, MemberView, load_committee, periods_overlap
from copdesk.services.complaints import ComplaintService, ComplaintView
from copdesk.services.context import Service, requires
from copdesk.services.figures import SPEC_BY_NAME, FiguresService
from copdesk.services.meetings import MeetingService, MeetingSummary
from copdesk.services.organisation import OfficerView, OrganisationService
from copdesk.services.paging import Page, PageRequest
from copdesk.services.people import PeopleService, PersonDraft, PersonView
from copdesk.services.privacy import show_contact
from copdesk.services.watch import NOTES_MAX, GroupView, VolunteerView, WatchService
from copdesk.spreadsheets.export import Column, ProgressCallback, write_xlsx
from copdesk.spreadsheets.mapping import (
    ColumnMapping,
    ImportField,
    ImportTarget,
    MappingMemory,
    fields_for,
    guess_mapping,
    parse_category,
    parse_day,
    parse_gender,
    parse_role,
)
from copdesk.spreadsheets.reader import SheetInfo, SheetRow, SpreadsheetError, cell_text, open_spreadsheet, read_table
from copdesk.storage.audit_chain import append_entry
from copdesk.storage.bulk import bulk_insert

__all__ = [
    "EXPORT_KINDS",
    "ImportPreview",
    "ImportResult",
    "ImportTarget",
    "MappingSuggestion",
    "PreviewRow",
    "RowProblem",
    "SpreadsheetService",
]

T = TypeVar("T")
PAGE_SIZE = 1_000
PREVIEW_ROWS = 50
MAX_FIGURE_MONTHS = 120
_BATCH = 500

#: The lists that can be exported (``export_list(kind, ...)``).
EXPORT_KINDS: tuple[str, ...] = (
    "complaints",
    "people",
    "meetings",
    "watch_groups",
    "officers",
    "monthly_figures",
    "volunteers",
    "committee_members",
)


# --- views -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MappingSuggestion:
    """A sheet's headings and the mapping offered for them (remembered from last time, or guessed)."""

    sheet: str
    header_row: int
    headers: tuple[str, ...]
    fields: tuple[ImportField, ...]
    mapping: ColumnMapping
    remembered: bool


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be imported: its Excel row number and why."""

    row: int
    reason: str


@dataclass(frozen=True)
class PreviewRow:
    """A row as the import would read it: field → text from the sheet, and its problems (none: importable).

    ``existing_person``: the CNIC is already recorded and that person's record would be used.
    """

    row: int
    values: Mapping[str, str]
    errors: tuple[str, ...]
    existing_person: bool


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do: how many rows are good and bad, the first rows, and every bad row's reason."""

    target: ImportTarget
    sheet: str
    header_row: int
    headers: tuple[str, ...]
    mapping: ColumnMapping
    total_rows: int
    good_rows: int
    bad_rows: int
    rows: tuple[PreviewRow, ...]
    problems: tuple[RowProblem, ...]


@dataclass(frozen=True)
class ImportResult:
    """What an import did. ``applied`` is False when "all or nothing" refused the file (nothing imported)."""

    target: ImportTarget
    sheet: str
    total_rows: int
    imported: int
    people_created: int
    people_matched: int
    applied: bool
    problems: tuple[RowProblem, ...]


# --- export specs ----------------------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _humane(value: StrEnum | str | None) -> str:
    return "" if value is None else str(value).replace("_", " ").capitalize()


_COMPLAINT_COLUMNS: tuple[Column[ComplaintView], ...] = (
    Column("Tracking no", lambda c: c.tracking_no, "text", 18),
    Column("Received on", lambda c: c.received_on, "date"),
    Column("Channel", lambda c: _humane(c.channel), "text", 18),
    Column("Category", lambda c: c.category_name, "text", 22),
    Column("Description", lambda c: c.description, "text", 60),
    Column("Location", lambda c: c.location, "text", 24),
    Column("Complainant", lambda c: "Anonymous" if c.anonymous else c.complainant_name, "text", 24),
    Column("Complainant's CNIC", lambda c: c.complainant_cnic, "text", 17),
    Column("Complainant's mobile", lambda c: c.complainant_mobile, "text", 15),
    Column("Station", lambda c: c.station_name, "text", 20),
    Column("Against police", lambda c: _yes_no(c.against_police), "text", 10),
    Column("Station complained about", lambda c: c.against_station_name, "text", 20),
    Column("Assigned officer", lambda c: c.assigned_officer_name, "text", 22),
    Column("Status", lambda c: c.status.label, "text", 16),
    Column("Due on", lambda c: c.due_on, "date"),
    Column("Overdue", lambda c: _yes_no(c.is_overdue), "text", 9),
    Column("Escalated at", lambda c: c.escalated_at, "datetime"),
    Column("Resolved on", lambda c: c.resolved_on, "date"),
    Column("FIR no", lambda c: c.fir_no or "", "text", 12),
    Column("Closure", lambda c: _humane(c.closure_category), "text", 16),
    Column("Closed on", lambda c: c.closed_on, "date"),
    Column("Feedback", lambda c: _humane(c.feedback), "text", 14),
    Column("Feedback remarks", lambda c: c.feedback_remarks, "text", 30),
    Column("Feedback on", lambda c: c.feedback_on, "date"),
    Column("Times reopened", lambda c: c.reopened_count, "int", 9),
)
_PEOPLE_COLUMNS: tuple[Column[PersonView], ...] = (
    Column("Name", lambda p: p.name, "text", 26),
    Column("Father's / husband's name", lambda p: p.father_name, "text", 26),
    Column("Gender", lambda p: _humane(p.gender), "text", 12),
    Column("CNIC", lambda p: p.cnic, "text", 17),
    Column("Mobile", lambda p: p.mobile, "text", 15),
    Column("Address", lambda p: p.address, "text", 40),
    Column("Added on", lambda p: p.created_at, "datetime"),
)
_MEETING_COLUMNS: tuple[Column[MeetingSummary], ...] = (
    Column("Held on", lambda m: m.held_on, "date"),
    Column("Start time", lambda m: m.start_time.strftime("%H:%M") if m.start_time else "", "text", 8),
    Column("Committee", lambda m: m.committee_name, "text", 30),
    Column("Committee type", lambda m: m.committee_type_label, "text", 24),
    Column("Station", lambda m: m.station_name, "text", 20),
    Column("Venue", lambda m: m.venue, "text", 24),
    Column("Status", lambda m: m.status_label, "text", 10),
    Column("Members present", lambda m: m.members_present, "int", 10),
)
_GROUP_COLUMNS: tuple[Column[GroupView], ...] = (
    Column("Group", lambda g: g.name, "text", 26),
    Column("Beat", lambda g: g.beat_name, "text", 20),
    Column("Station", lambda g: g.station_name, "text", 20),
    Column("Formed on", lambda g: g.formed_on, "date"),
    Column("Leader", lambda g: g.leader_name, "text", 24),
    Column("Active", lambda g: _yes_no(g.active), "text", 8),
    Column("Volunteers", lambda g: g.volunteers, "int", 11),
    Column("Verified volunteers", lambda g: g.verified_volunteers, "int", 11),
    Column("Notes", lambda g: g.notes, "text", 30),
)
_OFFICER_COLUMNS: tuple[Column[OfficerView], ...] = (
    Column("Name", lambda o: o.name, "text", 26),
    Column("Rank", lambda o: o.rank_label, "text", 22),
    Column("Number", lambda o: o.number, "text", 12),
    Column("Gender", lambda o: _humane(o.gender), "text", 12),
    Column("Station", lambda o: o.station_name, "text", 20),
    Column("Phone", lambda o: o.phone, "text", 15),
    Column("Active", lambda o: _yes_no(o.active), "text", 8),
)
_VOLUNTEER_COLUMNS: tuple[Column[VolunteerView], ...] = (
    Column("Name", lambda v: v.name, "text", 26),
    Column("Mobile", lambda v: v.mobile, "text", 15),
    Column("Verification", lambda v: v.verification_status.label, "text", 20),
    Column("Verified on", lambda v: v.verified_on, "date"),
    Column("Joined on", lambda v: v.joined_on, "date"),
    Column("Left on", lambda v: v.left_on, "date"),
    Column("Notes", lambda v: v.notes, "text", 30),
)
_MEMBER_COLUMNS: tuple[Column[MemberView], ...] = (
    Column("Name", lambda m: m.name, "text", 26),
    Column("Father's / husband's name", lambda m: m.father_name, "text", 26),
    Column("Gender", lambda m: _humane(m.gender), "text", 12),
    Column("Mobile", lambda m: m.mobile, "text", 15),
    Column("Office", lambda m: m.role_label, "text", 12),
    Column("Category", lambda m: m.category_label, "text", 22),
    Column("Joined on", lambda m: m.joined_on, "date"),
    Column("Left on", lambda m: m.left_on, "date"),
    Column("Active", lambda m: _yes_no(m.active), "text", 8),
)


@dataclass(frozen=True)
class _FigureRow:
    month: str
    label: str
    station: str
    value: float | None
    unit: str
    stored: bool


_FIGURE_COLUMNS: tuple[Column[_FigureRow], ...] = (
    Column("Month", lambda f: f.month, "text", 9),
    Column("Figure", lambda f: f.label, "text", 36),
    Column("Station", lambda f: f.station, "text", 20),
    Column("Value", lambda f: f.value, "float", 10),
    Column("Unit", lambda f: f.unit, "text", 9),
    Column("Source", lambda f: "Stored when the month was closed" if f.stored else "Computed now", "text", 30),
)


def _paged(page: Callable[[PageRequest], Page[T]], request: PageRequest) -> Iterator[T]:
    """Every row of a list, fetched a page of 1,000 at a time through the list service."""
    offset = 0
    while True:
        rows = page(replace(request, offset=offset, limit=PAGE_SIZE)).rows
        yield from rows
        if len(rows) < PAGE_SIZE:
            return
        offset += PAGE_SIZE


def _check_filters(request: PageRequest, allowed: set[str], what: str) -> None:
    unknown = sorted(set(request.filters) - allowed)
    if unknown:
        raise ValidationError(f"{what} cannot be filtered by {', '.join(unknown)}.", "filters")


def _uuid_filter(request: PageRequest, name: str, what: str) -> uuid.UUID:
    value = request.filters.get(name)
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError(f"Choose the {what} whose list to export.", name) from None


def _months(request: PageRequest) -> list[Month]:
    _check_filters(request, {"month", "month_from", "month_to"}, "Monthly figures")
    filters = request.filters
    if filters.get("month") is not None:
        first = last = Month.parse(str(filters["month"]))
    elif filters.get("month_from") is not None and filters.get("month_to") is not None:
        first, last = Month.parse(str(filters["month_from"])), Month.parse(str(filters["month_to"]))
    else:
        raise ValidationError("Choose the month, or the first and last month, of the figures to export.", "month")
    if last < first:
        raise ValidationError("The last month comes before the first one.", "month_to")
    months = [first]
    while months[-1] < last:
        months.append(months[-1].next())
        if len(months) > MAX_FIGURE_MONTHS:
            raise ValidationError(f"Export at most {MAX_FIGURE_MONTHS} months of figures at a time.", "month_to")
    return months


def _figure_rows(service: FiguresService, months: Sequence[Month]) -> Iterator[_FigureRow]:
    for month in months:
        figures = service.for_month(str(month))
        order = {name: index for index, name in enumerate(SPEC_BY_NAME)}
        for name, value in sorted(figures.values.items(), key=lambda item: (order.get(item[0], len(order)), item[0])):
            spec = SPEC_BY_NAME.get(name)
            label = spec.label if spec is not None else _humane(name)
            unit = spec.unit if spec is not None else ""
            if isinstance(value, Mapping):
                for station, number in sorted(value.items()):
                    yield _FigureRow(str(month), label, str(station), _number(number), "count", figures.stored)
            else:
                yield _FigureRow(str(month), label, "", _number(value), unit, figures.stored)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    return float(value) if isinstance(value, int | float) else None


# --- import internals ------------------------------------------------------------------------------------------


@dataclass
class _Row:
    """A data row read and checked."""

    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    person: PersonDraft | None = None
    existing_person_id: uuid.UUID | None = None
    joined_on: date | None = None
    notes: str = ""
    role: MemberRole | None = None
    category: str | None = None


@dataclass
class _Examination:
    sheet: str
    header_row: int
    headers: tuple[str, ...]
    mapping: ColumnMapping
    total: int = 0
    good: list[_Row] = field(default_factory=list)
    shown: list[PreviewRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


_PLACEHOLDERS: dict[str, Any] = {
    "name": "x",
    "father_name": "",
    "gender": Gender.MALE,
    "cnic": None,
    "mobile": None,
    "address": "",
}


_BAD_GENDER = "Choose male, female or transgender."
_NO_GENDER = "Enter the gender (male, female or transgender)."


def _person_draft(draft: PersonDraft) -> tuple[PersonDraft | None, list[str]]:
    """The draft validated by the people rules, with every problem (not only the first one).

    Each field that breaks a rule is noted and replaced by a harmless value so the others are checked too; the
    draft returned (None if that was not possible) keeps the fields that were fine, e.g. for duplicate checks.
    """
    errors: list[str] = []
    current = draft
    for _ in range(len(_PLACEHOLDERS) + 1):
        try:
            return current.validated(), errors
        except ValidationError as exc:
            errors.append(exc.message)
            if exc.field not in _PLACEHOLDERS:
                return None, errors
            current = replace(current, **{exc.field: _PLACEHOLDERS[exc.field]})
    return None, errors


def _identity(draft: PersonDraft) -> tuple[str, str, str]:
    return (normalise_for_search(draft.name), normalise_for_search(draft.father_name), draft.mobile or "")


def _chunks(rows: Iterable[SheetRow], size: int) -> Iterator[list[SheetRow]]:
    batch: list[SheetRow] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Checker:
    """The rules a row must pass for one target, against the database and the rows before it in the file."""

    def __init__(
        self,
        ctx_today: date,
        session: Session,
        target: ImportTarget,
        group: WatchGroup | None,
        committee: Committee | None,
        name_of: Callable[[str | None], str],
    ) -> None:
        self.today = ctx_today
        self.session = session
        self.target = target
        self.group = group
        self.committee = committee
        self.name_of = name_of
        self.cnic_rows: dict[str, int] = {}
        self.identity_rows: dict[tuple[str, str, str], int] = {}
        self.file_offices: dict[MemberRole, int] = {}
        self.members: list[CommitteeMember] = []
        self.closed_months: set[str] = set()
        if committee is not None:
            self.members = list(
                session.scalars(
                    select(CommitteeMember).where(
                        CommitteeMember.committee_id == committee.id, CommitteeMember.deleted_at.is_(None)
                    )
                )
            )
        if target is ImportTarget.COMMITTEE_MEMBERS:
            self.closed_months = set(
                session.scalars(select(MonthClosing.month).where(MonthClosing.state == MonthState.CLOSED.value))
            )

    def check_batch(self, rows: list[_Row]) -> None:
        """Apply the file and database rules to parsed rows (in file order)."""
        cnics = sorted({r.person.cnic for r in rows if r.person is not None and r.person.cnic})
        holders: dict[str, Person] = {}
        if cnics:
            for person in self.session.scalars(
                select(Person)
                .where(Person.cnic.in_(cnics), Person.deleted_at.is_(None))
                .order_by(Person.created_at, Person.id)
            ):
                holders.setdefault(person.cnic or "", person)
        volunteering: set[uuid.UUID] = set()
        if self.group is not None and holders:
            volunteering = set(
                self.session.scalars(
                    select(Volunteer.person_id).where(
                        Volunteer.group_id == self.group.id,
                        Volunteer.person_id.in_([p.id for p in holders.values()]),
                        Volunteer.left_on.is_(None),
                        Volunteer.deleted_at.is_(None),
                    )
                )
            )
        for row in rows:
            self._check_row(row, holders, volunteering)

    def _check_row(self, row: _Row, holders: Mapping[str, Person], volunteering: set[uuid.UUID]) -> None:
        draft = row.person
        if draft is None:
            return
        if draft.cnic:
            first = self.cnic_rows.setdefault(draft.cnic, row.number)
            if first != row.number:
                row.errors.append(f"The CNIC {draft.cnic} is also on row {first}; each person once, please.")
        elif not row.errors:
            identity = _identity(draft)
            first = self.identity_rows.setdefault(identity, row.number)
            if first != row.number:
                row.errors.append(f"This row repeats row {first} (same name, father's name and mobile).")
        holder = holders.get(draft.cnic or "")
        if holder is not None:
            if self.target is ImportTarget.PEOPLE:
                row.errors.append(
                    f"The CNIC {draft.cnic} is already recorded for {self.name_of(holder.name)} "
                    f"(record {str(holder.id)[:8]}); that person is not added again."
                )
            else:
                row.existing_person_id = holder.id
        if self.target is ImportTarget.VOLUNTEERS:
            if row.existing_person_id is not None and row.existing_person_id in volunteering:
                row.errors.append(
                    f"{self.name_of(holder.name if holder else '')} is already a volunteer of this group."
                )
        elif self.target is ImportTarget.COMMITTEE_MEMBERS:
            self._check_membership(row)

    def _check_membership(self, row: _Row) -> None:
        committee, joined, role = self.committee, row.joined_on, row.role
        if committee is None or joined is None or role is None:
            return
        if joined < committee.formed_on:
            row.errors.append(
                f"The committee was formed on {committee.formed_on:%d %b %Y}; a member cannot join before that."
            )
        if committee.dissolved_on is not None and joined > committee.dissolved_on:
            row.errors.append(
                f"The committee was dissolved on {committee.dissolved_on:%d %b %Y}; nobody can join after that."
            )
        if f"{joined.year:04d}-{joined.month:02d}" in self.closed_months:
            row.errors.append(
                f"{Month.of(joined).label} is closed, so members cannot join in it. A district officer can reopen "
                "the month if this must be recorded."
            )
        for other in self.members:
            if not periods_overlap(joined, None, other.joined_on, other.left_on):
                continue
            if row.existing_person_id is not None and other.person_id == row.existing_person_id:
                row.errors.append("This person is already a member of the committee for (part of) this period.")
            elif role is not MemberRole.MEMBER and other.role == role.value:
                row.errors.append(f"The committee already has a {role.value} for (part of) this period.")
        if role is not MemberRole.MEMBER:
            first = self.file_offices.setdefault(role, row.number)
            if first != row.number:
                row.errors.append(f"Row {first} is already the {role.value}; a committee has one {role.value}.")


# --- the service -----------------------------------------------------------------------------------------------


class SpreadsheetService(Service):
    """Excel export of lists; preview and import of people, watch volunteers and committee members."""

    # export

    @requires("spreadsheet.export")
    def export_list(self, kind: str, request: PageRequest, out: Path, progress: ProgressCallback | None = None) -> int:
        """Export a whole list to an .xlsx workbook at ``out``; returns the number of rows written.

        ``kind`` is one of :data:`EXPORT_KINDS`. The request's filters, search and sort are the list's own (the
        request's offset and limit are ignored: the whole list is exported). ``monthly_figures`` takes the
        filters ``month`` or ``month_from`` + ``month_to`` (``YYYY-MM``), ``volunteers`` takes ``group_id`` (and
        ``include_left``), ``committee_members`` takes ``committee_id`` (and ``include_former``).
        ``progress(rows_written, total)`` is called as the export goes; raise from it to cancel.
        """
        out = Path(out)
        if out.suffix.lower() != ".xlsx":
            raise ValidationError("Save the export as an Excel Workbook, with a name ending in .xlsx.", "out")
        title, columns, total, rows = self._export_spec(kind, request)
        try:
            written = write_xlsx(out, title, columns, rows, progress, total)
        finally:
            if isinstance(rows, Generator):  # a stream ends its read transaction now, even when cancelled
                rows.close()
        with self.ctx.write() as session:  # exports carry personal data out of the office: audit each one
            append_entry(session, self.ctx.actor.username, "export", kind, out.name, {"rows": written})
        return written

    def _export_spec(self, kind: str, request: PageRequest) -> tuple[str, Sequence[Column[Any]], int, Iterable[Any]]:
        ctx = self.ctx
        if kind == "complaints":
            complaints = ComplaintService(ctx)
            return "Complaints", _COMPLAINT_COLUMNS, complaints.count(request), complaints.stream(request)
        if kind == "people":
            people = PeopleService(ctx)
            return "People", _PEOPLE_COLUMNS, people.count(request), people.stream(request)
        if kind == "meetings":
            meetings = MeetingService(ctx)
            return "Meetings", _MEETING_COLUMNS, meetings.count(request), meetings.stream(request)
        if kind == "watch_groups":
            watch = WatchService(ctx)
            return "Watch groups", _GROUP_COLUMNS, watch.count(request), _paged(watch.page, request)
        if kind == "officers":
            organisation = OrganisationService(ctx)
            return (
                "Officers",
                _OFFICER_COLUMNS,
                organisation.count_officers(request),
                _paged(organisation.page_officers, request),
            )
        if kind == "monthly_figures":
            months = _months(request)
            figures = FiguresService(ctx)
            return "Monthly figures", _FIGURE_COLUMNS, 0, _figure_rows(figures, months)
        if kind == "volunteers":
            _check_filters(request, {"group_id", "include_left"}, "Volunteers")
            group_id = _uuid_filter(request, "group_id", "watch group")
            volunteers = WatchService(ctx).volunteers(group_id, bool(request.filters.get("include_left", False)))
            return "Volunteers", _VOLUNTEER_COLUMNS, len(volunteers), volunteers
        if kind == "committee_members":
            _check_filters(request, {"committee_id", "include_former"}, "Committee members")
            committee_id = _uuid_filter(request, "committee_id", "committee")
            members = CommitteeService(ctx).roster(committee_id, bool(request.filters.get("include_former", False)))
            return "Committee members", _MEMBER_COLUMNS, len(members), members
        raise ValidationError(f"There is no list called {kind!r} to export.", "kind")

    # import

    @requires("spreadsheet.import")
    def sheets(self, path: Path) -> tuple[SheetInfo, ...]:
        """The worksheets of a workbook (so the clerk can choose one); SpreadsheetError when it cannot be read."""
        with open_spreadsheet(path) as book:
            return book.sheets()

    @requires("spreadsheet.import")
    def suggest_mapping(
        self, path: Path, sheet: str | None, target: ImportTarget | str, header_row: int | None = None
    ) -> MappingSuggestion:
        """The sheet's headings and a mapping for them: the one remembered for these headings, else a guess."""
        kind = ImportTarget(target)
        with open_spreadsheet(path) as book:
            name = self._sheet_name(book.sheets(), sheet)
            table = read_table(book, name, header_row)
            remembered = MappingMemory().recall(kind, table.headers)
            mapping = remembered or guess_mapping(table.headers, kind, header_row)
            return MappingSuggestion(
                name, table.header_row, table.headers, fields_for(kind), mapping, remembered is not None
            )

    @requires("spreadsheet.import")
    def preview_import(
        self,
        path: Path,
        sheet: str | None,
        mapping: ColumnMapping | None,
        target: ImportTarget | str,
        group_id: uuid.UUID | None = None,
        committee_id: uuid.UUID | None = None,
        rows_shown: int = PREVIEW_ROWS,
    ) -> ImportPreview:
        """Check every row of the sheet as the import would, without writing anything.

        ``mapping`` None: the remembered mapping for the sheet's headings, else a guess. Volunteers need the
        ``group_id``, committee members the ``committee_id``.
        """
        kind = ImportTarget(target)
        self._authorise_target(kind)
        with self.ctx.read() as session:
            found = self._examine(session, Path(path), sheet, mapping, kind, group_id, committee_id, rows_shown, False)
        return ImportPreview(
            target=kind,
            sheet=found.sheet,
            header_row=found.header_row,
            headers=found.headers,
            mapping=found.mapping,
            total_rows=found.total,
            good_rows=found.total - len(found.problems),
            bad_rows=len(found.problems),
            rows=tuple(found.shown),
            problems=tuple(found.problems),
        )

    @requires("spreadsheet.import")
    def run_import(
        self,
        path: Path,
        sheet: str | None,
        mapping: ColumnMapping | None,
        target: ImportTarget | str,
        all_or_nothing: bool,
        group_id: uuid.UUID | None = None,
        committee_id: uuid.UUID | None = None,
    ) -> ImportResult:
        """Import the sheet's good rows in one transaction, and list each bad row with its reason.

        With ``all_or_nothing`` a single bad row means nothing is imported (``applied`` False). The mapping used
        is remembered for the next sheet with the same headings.
        """
        kind = ImportTarget(target)
        self._authorise_target(kind)
        with self.ctx.write() as session:
            found = self._examine(session, Path(path), sheet, mapping, kind, group_id, committee_id, 0, True)
            problems = tuple(found.problems)
            if not found.good or (all_or_nothing and problems):
                applied = not (all_or_nothing and problems)
                return ImportResult(kind, found.sheet, found.total, 0, 0, 0, applied, problems)
            created, matched = self._write(session, kind, found.good, group_id, committee_id)
            details = {"rows": len(found.good), "bad_rows": len(problems), "people_created": created}
            append_entry(session, self.ctx.actor.username, "import", kind.value, Path(path).name, details)
        MappingMemory().remember(kind, found.headers, found.mapping)
        return ImportResult(kind, found.sheet, found.total, len(found.good), created, matched, True, problems)

    # import helpers

    def _authorise_target(self, target: ImportTarget) -> None:
        action = {
            ImportTarget.PEOPLE: "person.create",
            ImportTarget.VOLUNTEERS: "watch.manage",
            ImportTarget.COMMITTEE_MEMBERS: "committee.update",
        }[target]
        self.ctx.authorise(action)

    @staticmethod
    def _sheet_name(sheets: Sequence[SheetInfo], sheet: str | None) -> str:
        if sheet is not None:
            if not any(info.name == sheet for info in sheets):
                names = ", ".join(f"'{info.name}'" for info in sheets)
                raise SpreadsheetError(f"The workbook has no sheet named '{sheet}' (it has {names}).")
            return sheet
        visible = [info for info in sheets if not info.hidden] or list(sheets)
        if not visible:
            raise SpreadsheetError("The workbook has no worksheet.")
        return visible[0].name

    def _scope(
        self, session: Session, target: ImportTarget, group_id: uuid.UUID | None, committee_id: uuid.UUID | None
    ) -> tuple[WatchGroup | None, Committee | None]:
        if target is ImportTarget.VOLUNTEERS:
            group = session.get(WatchGroup, group_id) if isinstance(group_id, uuid.UUID) else None
            if group is None or group.deleted_at is not None:
                raise ValidationError("Choose the watch group the volunteers join.", "group_id")
            if not group.active:
                raise WorkflowError("This group is inactive. Make it active again before adding volunteers.")
            return group, None
        if target is ImportTarget.COMMITTEE_MEMBERS:
            if not isinstance(committee_id, uuid.UUID):
                raise ValidationError("Choose the committee the members join.", "committee_id")
            return None, load_committee(session, committee_id)
        return None, None

    def _examine(
        self,
        session: Session,
        path: Path,
        sheet: str | None,
        mapping: ColumnMapping | None,
        target: ImportTarget,
        group_id: uuid.UUID | None,
        committee_id: uuid.UUID | None,
        rows_shown: int,
        keep_good: bool,
    ) -> _Examination:
        group, committee = self._scope(session, target, group_id, committee_id)
        with open_spreadsheet(path) as book:
            name = self._sheet_name(book.sheets(), sheet)
            table = read_table(book, name, mapping.header_row if mapping is not None else None)
            if mapping is None:
                mapping = MappingMemory().recall(target, table.headers) or guess_mapping(
                    table.headers, target, table.header_row
                )
            mapping.check(target, table.headers)
            found = _Examination(name, table.header_row, table.headers, mapping)
            checker = _Checker(
                self.ctx.today(), session, target, group, committee, lambda text: show_contact(self.ctx, text)
            )
            fields = fields_for(target)
            for batch in _chunks(table.rows, _BATCH):
                parsed = [row for row in (self._parse(r, fields, mapping, target) for r in batch) if row is not None]
                checker.check_batch(parsed)
                for row in parsed:
                    found.total += 1
                    if row.errors:
                        found.problems.append(RowProblem(row.number, " ".join(row.errors)))
                    elif keep_good:
                        found.good.append(row)
                    if len(found.shown) < rows_shown:
                        found.shown.append(
                            PreviewRow(row.number, row.values, tuple(row.errors), row.existing_person_id is not None)
                        )
        return found

    def _parse(
        self, sheet_row: SheetRow, fields: Sequence[ImportField], mapping: ColumnMapping, target: ImportTarget
    ) -> _Row | None:
        """A row's fields read and checked on their own (None for a row with nothing in the mapped columns)."""
        cells: dict[str, Any] = {}
        anything = False
        for item in fields:
            column = mapping.column_of(item.name)
            value = sheet_row.get(column) if column is not None else ""
            if isinstance(value, str):
                value = value.strip()
            if value != "":
                anything = column is not None or anything
            cells[item.name] = value if value != "" else (mapping.defaults.get(item.name) or "").strip()
        if not anything:
            return None
        texts = {name: cell_text(value) for name, value in cells.items()}
        row = _Row(sheet_row.number, texts)
        gender: Gender | str = ""
        if texts["gender"]:
            parsed_gender = parse_gender(texts["gender"])
            if parsed_gender is None:
                row.errors.append(
                    f"Write the gender as male, female or transgender (the sheet says '{texts['gender']}')."
                )
                gender = Gender.MALE
            else:
                gender = parsed_gender
        draft = PersonDraft(
            name=texts["name"],
            father_name=texts["father_name"],
            gender=gender,
            cnic=texts["cnic"] or None,
            mobile=texts["mobile"] or None,
            address=texts["address"],
        )
        person, errors = _person_draft(draft)
        if not texts["gender"]:
            errors = [_NO_GENDER if e == _BAD_GENDER else e for e in errors]
        row.errors.extend(errors)
        row.person = person
        if target is not ImportTarget.PEOPLE:
            self._parse_membership(row, cells, target)
        return row

    def _parse_membership(self, row: _Row, cells: Mapping[str, Any], target: ImportTarget) -> None:
        today = self.ctx.today()
        try:
            joined = parse_day(cells["joined_on"])
        except ValueError:
            row.errors.append(f"Write the joining date like 05-03-2025 (the sheet says '{row.values['joined_on']}').")
            joined = None
        if joined is None and target is ImportTarget.VOLUNTEERS and not row.values["joined_on"]:
            joined = today
        if joined is None and target is ImportTarget.COMMITTEE_MEMBERS and not row.values["joined_on"]:
            row.errors.append("Enter the date the member joined.")
        if joined is not None and joined > today:
            row.errors.append("The joining date cannot be in the future.")
        row.joined_on = joined
        if target is ImportTarget.VOLUNTEERS:
            notes = row.values["notes"]
            if len(notes) > NOTES_MAX:
                row.errors.append(f"The notes can be at most {NOTES_MAX} characters long.")
            row.notes = notes
            return
        role = parse_role(row.values["role"])
        if role is None:
            row.errors.append(
                f"Write the office as convener, secretary or member (the sheet says '{row.values['role']}')."
            )
        row.role = role
        category = parse_category(row.values["category"])
        if category is None:
            if row.values["category"]:
                row.errors.append(
                    f"'{row.values['category']}' is not a member category; use elder, ulema, lawyer, youth, woman, "
                    "minority, retired officer, trader, teacher, councillor or other."
                )
            else:
                row.errors.append("Enter the member's category (elder, ulema, lawyer, ...).")
        row.category = category

    def _write(
        self,
        session: Session,
        target: ImportTarget,
        rows: Sequence[_Row],
        group_id: uuid.UUID | None,
        committee_id: uuid.UUID | None,
    ) -> tuple[int, int]:
        """Insert the good rows; returns (people created, existing people used)."""
        new_rows = [row for row in rows if row.existing_person_id is None]
        person_ids: dict[int, uuid.UUID] = {}
        for start in range(0, len(new_rows), PAGE_SIZE):
            batch = new_rows[start : start + PAGE_SIZE]
            ids = bulk_insert(
                session, Person, [_person_columns(row) for row in batch], search_values=_person_search_values
            )
            person_ids.update({row.number: person_id for row, person_id in zip(batch, ids, strict=True)})
        for row in rows:
            if row.existing_person_id is not None:
                person_ids[row.number] = row.existing_person_id
        if target is ImportTarget.VOLUNTEERS:
            for start in range(0, len(rows), PAGE_SIZE):
                bulk_insert(
                    session,
                    Volunteer,
                    [
                        {
                            "group_id": group_id,
                            "person_id": person_ids[row.number],
                            "verification_status": VerificationStatus.PENDING.value,
                            "joined_on": row.joined_on,
                            "notes": row.notes,
                        }
                        for row in rows[start : start + PAGE_SIZE]
                    ],
                )
        elif target is ImportTarget.COMMITTEE_MEMBERS:
            for row in rows:  # one by one: the flush hook enforces closed months and audits each membership
                assert row.role is not None and row.category is not None and row.joined_on is not None
                session.add(
                    CommitteeMember(
                        committee_id=committee_id,
                        person_id=person_ids[row.number],
                        role=row.role.value,
                        category=row.category,
                        joined_on=row.joined_on,
                        left_on=None,
                    )
                )
            session.flush()
        return len(new_rows), len(rows) - len(new_rows)


def _person_columns(row: _Row) -> dict[str, Any]:
    person = row.person
    assert person is not None
    return {
        "name": person.name,
        "father_name": person.father_name,
        "gender": Gender(person.gender).value,
        "cnic": person.cnic,
        "mobile": person.mobile,
        "address": person.address,
    }


def _person_search_values(row: Mapping[str, Any]) -> list[Any]:
    """The values a person's search text is made of, exactly as the model's flush would make them."""
    probe = Person(**{name: row.get(name) for name in ("name", "father_name", "cnic", "mobile")})
    return [getattr(probe, name) for name in Person.__search_fields__]
