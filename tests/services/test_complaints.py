from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import event, inspect, select, text

from copdesk.domain.complaint_workflow import REOPEN_WINDOW_DAYS
from copdesk.errors import ConflictError, NotFound, PermissionDenied, ValidationError, WorkflowError
from copdesk.models.accounts import Role
from copdesk.models.audit import AuditEntry
from copdesk.models.base import Base
from copdesk.models.complaints import (
    ClosureCategory,
    Complaint,
    ComplaintChannel,
    ComplaintCounter,
    ComplaintEventKind,
    ComplaintStatus,
    Feedback,
)
from copdesk.models.organisation import Officer, Station
from copdesk.models.people import Person
from copdesk.services import complaints as complaints_module
from copdesk.services.complaints import ComplaintDraft, ComplaintEdit, ComplaintService, ComplaintView
from copdesk.services.context import ServiceContext
from copdesk.services.paging import PageRequest
from copdesk.services.people import DuplicateCnic, PersonDraft
from copdesk.storage.recording import SESSION_ACTOR

S = ComplaintStatus
TODAY = date(2026, 3, 15)
MY_TABLES = ("complaints", "complaint_events", "complaint_counters")


class Clock:
    """A settable clock shared by every context of a test."""

    def __init__(self, day: date) -> None:
        self.now = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def set_day(self, day: date) -> None:
        self.now = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


@dataclass
class Desk:
    """Services for each role on one database, the clock, and the organisation the tests use."""

    clock: Clock
    clerk: ComplaintService
    officer: ComplaintService
    dpo: ComplaintService
    city: uuid.UUID
    saddar: uuid.UUID
    aslam: uuid.UUID  # inspector at City
    bushra: uuid.UUID  # sub-inspector at Saddar
    nadeem: uuid.UUID  # DSP, no station
    kamran: uuid.UUID  # inactive, at City
    database: Any

    def draft(self, **changes: Any) -> ComplaintDraft:
        base = ComplaintDraft(
            received_on=self.clock().date(),
            channel=ComplaintChannel.WALK_IN,
            category="theft",
            description="My motorcycle was stolen outside the mosque.",
            station_id=self.city,
            location="Mohallah Eidgah",
            anonymous=True,
        )
        return replace(base, **changes)

    def register(self, **changes: Any) -> ComplaintView:
        return self.clerk.register(self.draft(**changes))

    def add_person(self, name: str, cnic: str | None = None) -> uuid.UUID:
        with self.database.writer(info={SESSION_ACTOR: "dpo"}) as session:
            person = Person(name=name, father_name="", gender="male", cnic=cnic, mobile=None, address="")
            session.add(person)
            session.flush()
            return person.id


@pytest.fixture
def desk(district_db: Any, as_role: Callable[[Role], ServiceContext]) -> Desk:
    clock = Clock(TODAY)
    contexts = {role: as_role(role) for role in (Role.CLERK, Role.STATION_OFFICER, Role.DISTRICT_OFFICER)}
    for ctx in contexts.values():
        ctx.clock = clock
    with district_db.writer(info={SESSION_ACTOR: "dpo"}) as session:
        stations = {s.name: s.id for s in session.scalars(select(Station))}
        officers = {
            "aslam": Officer(name="Muhammad Aslam", rank="inspector", gender="male", station_id=stations["City"]),
            "bushra": Officer(name="Bushra Bibi", rank="sub_inspector", gender="female", station_id=stations["Saddar"]),
            "nadeem": Officer(name="Nadeem Abbas", rank="dsp", gender="male", station_id=None),
            "kamran": Officer(name="Kamran Ali", rank="asi", gender="male", station_id=stations["City"], active=False),
        }
        session.add_all(officers.values())
        session.flush()
        ids = {key: officer.id for key, officer in officers.items()}
    return Desk(
        clock=clock,
        clerk=ComplaintService(contexts[Role.CLERK]),
        officer=ComplaintService(contexts[Role.STATION_OFFICER]),
        dpo=ComplaintService(contexts[Role.DISTRICT_OFFICER]),
        city=stations["City"],
        saddar=stations["Saddar"],
        database=district_db,
        **ids,
    )


def drive(desk: Desk, status: ComplaintStatus, **changes: Any) -> ComplaintView:
    """A new complaint brought to ``status`` along legal moves."""
    svc = desk.dpo
    view = desk.register(**changes)
    if status is S.RECEIVED:
        return view
    if status is S.REJECTED:
        return svc.reject(view.id, "Not a police matter.")
    view = svc.assign(view.id, desk.aslam)
    if status is S.ASSIGNED:
        return view
    view = svc.start_inquiry(view.id)
    if status is S.UNDER_INQUIRY:
        return view
    if status in (S.RESOLVED, S.CLOSED):
        view = svc.resolve(view.id, "Motorcycle recovered and handed over.")
    elif status is S.REFERRED:
        view = svc.refer(view.id, "Referred to the civil court.")
    elif status is S.FIR_REGISTERED:
        view = svc.register_fir(view.id, "123/26")
    if status is S.CLOSED:
        view = svc.close(view.id, ClosureCategory.RELIEF_GRANTED)
    assert view.status is status
    return view


# --- schema ----------------------------------------------------------------------------------------------------


def test_migration_creates_exactly_the_model_tables(district_db: Any) -> None:
    with district_db.engine.connect() as connection:
        names = set(inspect(connection).get_table_names())
        assert set(MY_TABLES) <= names
        assert "complaints_fts" in names

        def include(name: str | None, kind: str, parent: dict[str, str | None]) -> bool:
            if kind == "schema":
                return True
            table = name if kind == "table" else parent.get("table_name")
            return table in MY_TABLES

        def include_object(obj: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
            table = name if kind == "table" else getattr(getattr(obj, "table", None), "name", None)
            return table in MY_TABLES

        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_name": include,
                "include_object": include_object,
                "target_metadata": Base.metadata,
            },
        )
        assert compare_metadata(context, Base.metadata) == []
        inspector = inspect(connection)
        for table in MY_TABLES:
            reflected = {c["name"]: c for c in inspector.get_columns(table)}
            declared = Base.metadata.tables[table].columns
            assert set(reflected) == set(declared.keys())
            for column in declared:
                assert reflected[column.name]["nullable"] == column.nullable, (table, column.name)
        indexes = {i["name"]: i for i in inspector.get_indexes("complaints")}
        assert indexes["ix_complaints_live"]["column_names"] == ["deleted_at", "received_on", "tracking_no"]
        assert indexes["ix_complaints_status_live"]["column_names"] == [
            "status",
            "deleted_at",
            "received_on",
            "tracking_no",
        ]
        assert indexes["ix_complaints_tracking_no"]["unique"]
        foreign = {fk["name"] for fk in inspector.get_foreign_keys("complaints")}
        assert foreign == {
            "fk_complaints_complainant_person_id_people",
            "fk_complaints_station_id_stations",
            "fk_complaints_against_station_id_stations",
            "fk_complaints_assigned_officer_id_officers",
        }
        assert inspector.get_pk_constraint("complaint_counters")["name"] == "pk_complaint_counters"


def _plans(desk: Desk, call: Callable[[], object]) -> list[str]:
    """The SQLite query plans of the list queries (on complaints, with LIMIT) that ``call`` runs."""
    statements: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "FROM complaints" in statement and "LIMIT" in statement:
            statements.append((statement, parameters))

    engine = desk.database.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    plans = []
    with engine.connect() as connection:
        for statement, parameters in statements:
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            plans.append(" | ".join(row[3] for row in rows))
    assert plans, "no list query ran"
    return plans


@pytest.mark.parametrize(
    ("request_", "index"),
    [
        (PageRequest(sort="received_on", descending=True), "ix_complaints_live"),
        (PageRequest(sort="received_on", descending=True, offset=500), "ix_complaints_live"),
        (PageRequest(sort="received_on", descending=True, filters={"month": "2026-03"}), "ix_complaints_live"),
        (
            PageRequest(sort="received_on", descending=True, filters={"status": "closed", "month": "2026-03"}),
            "ix_complaints_status_live",
        ),
        (PageRequest(sort="received_on", descending=True, filters={"station_id": uuid.uuid4()}), "station_live"),
        (PageRequest(sort="received_on", descending=True, filters={"category": "theft"}), "category_live"),
    ],
)
def test_lists_walk_an_index_in_order(desk: Desk, request_: PageRequest, index: str) -> None:
    (plan,) = _plans(desk, lambda: desk.clerk.page(request_))
    assert index in plan
    assert "TEMP B-TREE" not in plan  # no sorting of all rows to show the first page


def test_a_search_with_few_matches_fetches_them_by_rowid(desk: Desk) -> None:
    request = PageRequest(sort="received_on", descending=True, search="motorcycle", filters={"status": "closed"})
    (plan,) = _plans(desk, lambda: desk.clerk.page(request))
    assert "INTEGER PRIMARY KEY" in plan
    assert "ix_complaints_status_live" not in plan


def test_a_search_with_many_matches_walks_the_date_index(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(complaints_module, "SEARCH_LOOKUP_LIMIT", 0)
    desk.register()
    request = PageRequest(sort="received_on", descending=True, search="motorcycle")
    (plan,) = _plans(desk, lambda: desk.clerk.page(request))
    assert "ix_complaints_live" in plan
    assert "TEMP B-TREE" not in plan


# --- intake ------------------------------------------------------------------------------------------------------


def test_tracking_numbers_are_sequential_per_year_and_restart_in_a_new_year(desk: Desk) -> None:
    first = [desk.register().tracking_no for _ in range(3)]
    assert first == ["LHR/2026/000001", "LHR/2026/000002", "LHR/2026/000003"]
    # A late entry for last year continues last year's sequence, not this year's.
    assert desk.register(received_on=date(2025, 12, 31)).tracking_no == "LHR/2025/000001"
    assert desk.register().tracking_no == "LHR/2026/000004"
    desk.clock.set_day(date(2027, 1, 2))
    assert desk.register().tracking_no == "LHR/2027/000001"
    assert desk.register(received_on=date(2026, 12, 30)).tracking_no == "LHR/2026/000005"
    with desk.database.reader() as session:
        numbers = list(session.scalars(select(Complaint.tracking_no)))
        counters = {c.year: c.last for c in session.scalars(select(ComplaintCounter))}
    assert len(numbers) == len(set(numbers)) == 7
    assert counters == {2025: 1, 2026: 5, 2027: 1}


def test_a_lost_counter_continues_after_the_highest_number(desk: Desk) -> None:
    desk.register()
    desk.register()
    with desk.database.writer() as session:
        session.execute(text("DELETE FROM complaint_counters"))
    assert desk.register().tracking_no == "LHR/2026/000003"


def test_register_returns_the_complaint_and_records_the_intake(desk: Desk) -> None:
    view = desk.register(category="harassment", received_on=date(2026, 3, 10), channel="phone")
    assert view.tracking_no == "LHR/2026/000001"
    assert view.status is S.RECEIVED
    assert view.channel is ComplaintChannel.PHONE
    assert view.due_on == date(2026, 3, 25)  # harassment: 15 days
    assert view.category_name == "Harassment" and view.category_name_ur == "ہراسانی"
    assert view.station_name == "City"
    assert view.version == 1
    assert view.next_statuses == (S.ASSIGNED, S.REJECTED)
    assert view.resolved_on is None and view.closed_on is None and view.reopened_count == 0
    assert desk.clerk.get(view.id) == view
    (event,) = desk.clerk.history(view.id)
    assert event.kind is ComplaintEventKind.REGISTERED
    assert (event.from_status, event.to_status, event.actor) == (None, S.RECEIVED, "clerk")
    assert "LHR/2026/000001" in event.note


def test_anonymous_complaint_has_no_complainant(desk: Desk) -> None:
    view = desk.register(anonymous=True)
    assert view.anonymous
    assert view.complainant_person_id is None
    assert (view.complainant_name, view.complainant_cnic, view.complainant_mobile) == ("", "", "")


def test_new_complainant_is_created_with_the_complaint(desk: Desk) -> None:
    person = PersonDraft(name="  Ali   Raza ", gender="male", cnic="۳۵۲۰۲۱۲۳۴۵۶۷۱", mobile="0300 1234567")
    view = desk.register(anonymous=False, new_complainant=person)
    assert view.complainant_person_id is not None
    assert not view.anonymous
    assert view.complainant_name == "Ali Raza"
    assert view.complainant_cnic == "35202-•••••••-1"  # a clerk may not see CNICs
    assert view.complainant_mobile == "0300-1234567"
    assert desk.officer.get(view.id).complainant_cnic == "35202-1234567-1"
    with desk.database.reader() as session:
        stored = session.get(Person, view.complainant_person_id)
        assert stored is not None
        assert (stored.cnic, stored.mobile) == ("35202-1234567-1", "+923001234567")
        assert stored.changed_by == "clerk"


def test_existing_person_as_complainant(desk: Desk) -> None:
    person_id = desk.add_person("Fatima Bibi")
    view = desk.register(anonymous=False, complainant_person_id=person_id)
    assert view.complainant_person_id == person_id
    assert view.complainant_name == "Fatima Bibi"
    with pytest.raises(ValidationError) as raised:
        desk.register(anonymous=False, complainant_person_id=uuid.uuid4())
    assert raised.value.field == "complainant_person_id"


def test_new_complainant_with_a_known_cnic_is_refused(desk: Desk) -> None:
    desk.add_person("Fatima Bibi", cnic="35202-1234567-1")
    with pytest.raises(DuplicateCnic) as raised:
        desk.register(
            anonymous=False, new_complainant=PersonDraft(name="F. Bibi", gender="female", cnic="3520212345671")
        )
    assert raised.value.existing.name == "Fatima Bibi"
    assert desk.clerk.count(PageRequest()) == 0


INVALID_INTAKE: list[tuple[dict[str, Any], str]] = [
    ({"anonymous": False}, "complainant"),
    ({"anonymous": True, "new_complainant": PersonDraft(name="Ali", gender="male")}, "complainant"),
    ({"anonymous": True, "complainant_person_id": uuid.uuid4()}, "complainant"),
    ({"category": "jaywalking"}, "category"),
    ({"category": ""}, "category"),
    ({"description": "   "}, "description"),
    ({"description": "x" * 10_001}, "description"),
    ({"received_on": TODAY + timedelta(days=1)}, "received_on"),
    ({"received_on": date(1999, 12, 31)}, "received_on"),
    ({"channel": "email"}, "channel"),
    ({"station_id": uuid.uuid4()}, "station_id"),
    ({"location": "y" * 501}, "location"),
    (
        {"anonymous": False, "new_complainant": PersonDraft(name="Ali", gender="male", cnic="3520-123")},
        "complainant.cnic",
    ),
    (
        {"anonymous": False, "new_complainant": PersonDraft(name="Ali", gender="male", mobile="042-1234567")},
        "complainant.mobile",
    ),
    ({"anonymous": False, "new_complainant": PersonDraft(name=" ", gender="male")}, "complainant.name"),
    ({"anonymous": False, "new_complainant": PersonDraft(name="Ali", gender="")}, "complainant.gender"),
]


def test_invalid_intake_is_refused_and_writes_nothing(desk: Desk) -> None:
    for changes, field in INVALID_INTAKE:
        with pytest.raises(ValidationError) as raised:
            desk.register(**changes)
        assert raised.value.field == field, changes
        assert raised.value.message[0].isupper(), raised.value.message
    with desk.database.reader() as session:
        assert session.scalar(select(Complaint.id).limit(1)) is None
        assert session.scalar(select(Person.id).limit(1)) is None
        assert session.scalar(select(ComplaintCounter.year).limit(1)) is None
    # No tracking number was used up.
    assert desk.register().tracking_no == "LHR/2026/000001"


# --- workflow through the service --------------------------------------------------------------------------------

LEGAL = {
    S.RECEIVED: {S.ASSIGNED, S.REJECTED},
    S.ASSIGNED: {S.UNDER_INQUIRY, S.ASSIGNED, S.REJECTED},
    S.UNDER_INQUIRY: {S.RESOLVED, S.REFERRED, S.FIR_REGISTERED, S.REJECTED},
    S.RESOLVED: {S.CLOSED},
    S.REFERRED: {S.CLOSED},
    S.FIR_REGISTERED: {S.CLOSED},
    S.REJECTED: {S.CLOSED},
    S.CLOSED: {S.UNDER_INQUIRY},
}


def _act(desk: Desk, complaint: ComplaintView, target: ComplaintStatus) -> ComplaintView:
    svc = desk.dpo
    if target is S.ASSIGNED:
        officer = desk.bushra if complaint.assigned_officer_id == desk.aslam else desk.aslam
        return svc.assign(complaint.id, officer, "Please inquire.")
    if target is S.UNDER_INQUIRY:
        if complaint.status is S.CLOSED:
            svc.record_feedback(complaint.id, satisfied=False, remarks="Nothing was done.")
            return svc.reopen(complaint.id, "Complainant not satisfied.")
        return svc.start_inquiry(complaint.id)
    if target is S.RESOLVED:
        return svc.resolve(complaint.id, "Resolved by the parties.")
    if target is S.REFERRED:
        return svc.refer(complaint.id, "Referred to the DRC.")
    if target is S.FIR_REGISTERED:
        return svc.register_fir(complaint.id, "45/26", "Theft case.")
    if target is S.REJECTED:
        return svc.reject(complaint.id, "False complaint.")
    assert target is S.CLOSED
    return svc.close(complaint.id, ClosureCategory.PARTIAL_RELIEF, "Closed.")


def test_full_transition_matrix_through_the_service(desk: Desk) -> None:
    checked = 0
    for source in S:
        for target in S:
            if target is S.RECEIVED:
                continue  # no action leads back to 'received' (the domain test covers the refusal)
            complaint = drive(desk, source)
            before = len(desk.dpo.history(complaint.id))
            if target in LEGAL[source]:
                view = _act(desk, complaint, target)
                assert view.status is target, (source, target)
                last = desk.dpo.history(complaint.id)[-1]
                assert (last.from_status, last.to_status) == (source, target)
                assert len(desk.dpo.history(complaint.id)) > before
            else:
                with pytest.raises(WorkflowError):
                    _act(desk, complaint, target)
                after = desk.dpo.get(complaint.id)
                assert after.status is source, (source, target)
                assert len(desk.dpo.history(complaint.id)) == before + (
                    1 if source is S.CLOSED and target is S.UNDER_INQUIRY else 0  # the feedback was recorded
                )
            checked += 1
    assert checked == 8 * 7


def test_inquiry_needs_an_assignment_first(desk: Desk) -> None:
    view = desk.register()
    with pytest.raises(WorkflowError, match="A complaint must be assigned before its inquiry starts."):
        desk.clerk.start_inquiry(view.id)


def test_closed_complaint_cannot_simply_restart_its_inquiry(desk: Desk) -> None:
    view = drive(desk, S.CLOSED)
    desk.dpo.record_feedback(view.id, satisfied=False)
    with pytest.raises(WorkflowError, match="reopened"):
        desk.dpo.start_inquiry(view.id)
    assert desk.dpo.get(view.id).status is S.CLOSED


def test_assignment_records_the_officer_and_reassignment_is_kept_in_history(desk: Desk) -> None:
    view = desk.register()
    assigned = desk.officer.assign(view.id, desk.aslam, "Urgent.")
    assert assigned.assigned_officer_id == desk.aslam
    assert assigned.assigned_officer_name == "Muhammad Aslam"
    assert assigned.status is S.ASSIGNED
    reassigned = desk.officer.assign(view.id, desk.nadeem)
    assert reassigned.assigned_officer_name == "Nadeem Abbas"
    events = desk.officer.history(view.id)
    assert [e.kind for e in events] == [
        ComplaintEventKind.REGISTERED,
        ComplaintEventKind.ASSIGNED,
        ComplaintEventKind.ASSIGNED,
    ]
    assert events[1].note == "Assigned to Muhammad Aslam. Urgent."
    assert (events[2].from_status, events[2].to_status) == (S.ASSIGNED, S.ASSIGNED)
    with pytest.raises(ValidationError, match="already assigned to this officer"):
        desk.officer.assign(view.id, desk.nadeem)


@pytest.mark.parametrize("who", ["kamran", "unknown"])
def test_assignment_needs_an_active_known_officer(desk: Desk, who: str) -> None:
    view = desk.register()
    officer_id = desk.kamran if who == "kamran" else uuid.uuid4()
    with pytest.raises(ValidationError) as raised:
        desk.officer.assign(view.id, officer_id)
    assert raised.value.field == "assigned_officer_id"
    assert desk.officer.get(view.id).status is S.RECEIVED


def test_outcome_notes_are_required(desk: Desk) -> None:
    view = drive(desk, S.UNDER_INQUIRY)
    with pytest.raises(ValidationError) as raised:
        desk.clerk.resolve(view.id, "  ")
    assert raised.value.field == "note"
    with pytest.raises(ValidationError):
        desk.clerk.refer(view.id, "")
    with pytest.raises(ValidationError) as raised:
        desk.clerk.register_fir(view.id, " ")
    assert raised.value.field == "fir_no"
    with pytest.raises(ValidationError) as raised:
        desk.clerk.reject(view.id, "")
    assert raised.value.field == "reason"
    assert desk.clerk.get(view.id).status is S.UNDER_INQUIRY


def test_fir_number_is_kept_and_resolved_on_is_set_once(desk: Desk) -> None:
    view = drive(desk, S.UNDER_INQUIRY)
    desk.clock.set_day(TODAY + timedelta(days=3))
    fir = desk.clerk.register_fir(view.id, " 77/26 ", "Accused identified.")
    assert fir.fir_no == "77/26"
    assert fir.resolved_on == TODAY + timedelta(days=3)
    assert desk.clerk.history(view.id)[-1].note == "FIR 77/26 registered. Accused identified."
    desk.clock.set_day(TODAY + timedelta(days=5))
    closed = desk.officer.close(view.id, "no_relief")
    assert closed.closed_on == TODAY + timedelta(days=5)
    desk.clerk.record_feedback(view.id, satisfied=False)
    desk.officer.reopen(view.id, "No arrest yet.")
    again = desk.clerk.resolve(view.id, "Accused arrested.")
    assert again.resolved_on == TODAY + timedelta(days=3)  # the first time it reached an outcome


@pytest.mark.parametrize("category", [None, "", "compensation"])
def test_closing_needs_a_closure_category(desk: Desk, category: str | None) -> None:
    view = drive(desk, S.RESOLVED)
    with pytest.raises(ValidationError) as raised:
        desk.officer.close(view.id, category)
    assert raised.value.field == "closure_category"
    after = desk.officer.get(view.id)
    assert after.status is S.RESOLVED and after.closure_category is None and after.closed_on is None


def test_closing_records_category_and_date(desk: Desk) -> None:
    view = drive(desk, S.REFERRED)
    closed = desk.officer.close(view.id, "referred", "Sent to the DRC.")
    assert closed.status is S.CLOSED
    assert closed.closure_category is ClosureCategory.REFERRED
    assert closed.closed_on == TODAY
    assert desk.officer.history(view.id)[-1].note == "Closed: referred. Sent to the DRC."


# --- feedback and reopening --------------------------------------------------------------------------------------


def test_feedback_then_reopen_within_the_window(desk: Desk) -> None:
    view = drive(desk, S.CLOSED)
    desk.clock.set_day(TODAY + timedelta(days=2))
    with_feedback = desk.clerk.record_feedback(view.id, satisfied=False, remarks="The culprit was never found.")
    assert with_feedback.feedback is Feedback.NOT_SATISFIED
    assert with_feedback.feedback_on == TODAY + timedelta(days=2)
    assert with_feedback.feedback_remarks == "The culprit was never found."
    assert with_feedback.next_statuses == (S.UNDER_INQUIRY,)
    desk.clock.set_day(TODAY + timedelta(days=REOPEN_WINDOW_DAYS))  # the last day of the window
    reopened = desk.officer.reopen(view.id, "Complainant not satisfied.")
    assert reopened.status is S.UNDER_INQUIRY
    assert reopened.reopened_count == 1
    assert (reopened.closure_category, reopened.closed_on, reopened.feedback, reopened.feedback_on) == (
        None,
        None,
        None,
        None,
    )
    assert reopened.feedback_remarks == ""
    kinds = [e.kind for e in desk.officer.history(view.id)][-3:]
    assert kinds == [ComplaintEventKind.STATUS, ComplaintEventKind.FEEDBACK, ComplaintEventKind.REOPENED]
    last = desk.officer.history(view.id)[-1]
    assert (last.from_status, last.to_status, last.note) == (S.CLOSED, S.UNDER_INQUIRY, "Complainant not satisfied.")


def test_reopen_after_the_window_is_refused(desk: Desk) -> None:
    view = drive(desk, S.CLOSED)
    desk.clerk.record_feedback(view.id, satisfied=False)
    desk.clock.set_day(TODAY + timedelta(days=REOPEN_WINDOW_DAYS + 1))
    assert desk.officer.get(view.id).next_statuses == ()
    with pytest.raises(WorkflowError, match="within 30 days"):
        desk.officer.reopen(view.id, "Too late.")
    assert desk.officer.get(view.id).status is S.CLOSED


def test_reopen_needs_not_satisfied_feedback(desk: Desk) -> None:
    view = drive(desk, S.CLOSED)
    with pytest.raises(WorkflowError, match="not satisfied"):
        desk.officer.reopen(view.id, "No feedback yet.")
    desk.clerk.record_feedback(view.id, satisfied=True, remarks="Thank you.")
    with pytest.raises(WorkflowError, match="not satisfied"):
        desk.officer.reopen(view.id, "Satisfied though.")
    with pytest.raises(ValidationError):
        desk.officer.reopen(view.id, " ")
    assert desk.officer.get(view.id).feedback is Feedback.SATISFIED


def test_feedback_only_on_closed_complaints_and_once(desk: Desk) -> None:
    view = drive(desk, S.RESOLVED)
    with pytest.raises(WorkflowError, match="once the complaint is closed"):
        desk.clerk.record_feedback(view.id, satisfied=True)
    desk.officer.close(view.id, "relief_granted")
    desk.clerk.record_feedback(view.id, satisfied=True)
    with pytest.raises(WorkflowError, match="already recorded"):
        desk.clerk.record_feedback(view.id, satisfied=False)


# --- complaints against the police -------------------------------------------------------------------------------


def test_against_police_is_handled_by_another_station(desk: Desk) -> None:
    view = desk.register(
        category="police_misconduct", against_police=True, against_station_id=desk.city, station_id=desk.saddar
    )
    assert view.against_police and view.against_station_name == "City" and view.station_name == "Saddar"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"against_police": True}, "against_station_id"),
        ({"against_police": True, "against_station_id": "city", "station_id": "city"}, "station_id"),
        ({"against_police": False, "against_station_id": "city", "station_id": "saddar"}, "against_station_id"),
        ({"against_police": True, "against_station_id": uuid.uuid4(), "station_id": "saddar"}, "against_station_id"),
    ],
)
def test_against_police_rule_at_intake(desk: Desk, changes: dict[str, Any], field: str) -> None:
    resolved = {k: getattr(desk, v) if v in ("city", "saddar") else v for k, v in changes.items()}
    with pytest.raises(ValidationError) as raised:
        desk.register(**resolved)
    assert raised.value.field == field
    assert desk.dpo.count(PageRequest()) == 0


def test_officer_of_the_accused_station_is_never_assigned(desk: Desk) -> None:
    view = desk.register(against_police=True, against_station_id=desk.city, station_id=desk.saddar)
    with pytest.raises(ValidationError, match="station complained about") as raised:
        desk.dpo.assign(view.id, desk.aslam)
    assert raised.value.field == "assigned_officer_id"
    assert desk.dpo.get(view.id).assigned_officer_id is None
    assert desk.dpo.assign(view.id, desk.bushra).assigned_officer_id == desk.bushra
    assert desk.dpo.assign(view.id, desk.nadeem).assigned_officer_id == desk.nadeem  # district officer: fine


def test_against_police_rule_on_station_change(desk: Desk) -> None:
    view = desk.register(against_police=True, against_station_id=desk.city, station_id=desk.saddar)
    edit = ComplaintEdit(
        received_on=view.received_on,
        channel=view.channel,
        category=view.category,
        description=view.description,
        station_id=desk.city,
        location=view.location,
        against_police=True,
        against_station_id=desk.city,
    )
    with pytest.raises(ValidationError) as raised:
        desk.clerk.update(view.id, view.version, edit)
    assert raised.value.field == "station_id"
    # An ordinary complaint assigned to a City officer cannot be turned into one against City.
    ordinary = desk.dpo.assign(desk.register(station_id=desk.saddar).id, desk.aslam)
    edit = replace(edit, station_id=desk.saddar)
    with pytest.raises(ValidationError) as raised:
        desk.clerk.update(ordinary.id, ordinary.version, edit)
    assert raised.value.field == "assigned_officer_id"
    assert desk.clerk.get(ordinary.id).against_police is False


# --- editing and deleting ----------------------------------------------------------------------------------------


def _edit_of(view: ComplaintView, **changes: Any) -> ComplaintEdit:
    edit = ComplaintEdit(
        received_on=view.received_on,
        channel=view.channel,
        category=view.category,
        description=view.description,
        station_id=view.station_id,
        location=view.location,
        against_police=view.against_police,
        against_station_id=view.against_station_id,
    )
    return replace(edit, **changes)


def test_update_changes_fields_and_recomputes_the_due_day(desk: Desk) -> None:
    view = desk.register(received_on=date(2026, 3, 1))
    assert view.due_on == date(2026, 3, 31)
    updated = desk.clerk.update(
        view.id, view.version, _edit_of(view, category="missing_person", description="Son missing since Friday.")
    )
    assert updated.due_on == date(2026, 3, 8)
    assert updated.category == "missing_person"
    assert updated.version == view.version + 1
    assert updated.tracking_no == view.tracking_no
    last = desk.clerk.history(view.id)[-1]
    assert last.kind is ComplaintEventKind.EDITED and last.note == "Changed: category, description."
    # An edit that changes nothing writes nothing.
    same = desk.clerk.update(view.id, updated.version, _edit_of(updated))
    assert same.version == updated.version
    with pytest.raises(ConflictError):
        desk.clerk.update(view.id, view.version, _edit_of(view, location="Elsewhere"))


def test_update_validates_like_intake(desk: Desk) -> None:
    view = desk.register()
    for changes, field in (
        ({"category": "bogus"}, "category"),
        ({"description": ""}, "description"),
        ({"received_on": TODAY + timedelta(days=1)}, "received_on"),
        ({"received_on": date(2025, 12, 31)}, "received_on"),  # the tracking number's year is fixed
        ({"station_id": uuid.uuid4()}, "station_id"),
    ):
        with pytest.raises(ValidationError) as raised:
            desk.clerk.update(view.id, view.version, _edit_of(view, **changes))
        assert raised.value.field == field
    assert desk.clerk.get(view.id).version == 1


def test_closed_complaint_cannot_be_edited(desk: Desk) -> None:
    view = drive(desk, S.CLOSED)
    with pytest.raises(WorkflowError, match="closed complaint cannot be edited"):
        desk.clerk.update(view.id, view.version, _edit_of(view, location="Elsewhere"))


def test_delete_hides_the_complaint(desk: Desk) -> None:
    view = desk.register()
    kept = desk.register()
    with pytest.raises(ConflictError):
        desk.dpo.delete(view.id, view.version + 1)
    desk.dpo.delete(view.id, view.version)
    with pytest.raises(NotFound):
        desk.dpo.get(view.id)
    with pytest.raises(NotFound):
        desk.dpo.get_by_tracking_no(view.tracking_no)
    with pytest.raises(NotFound):
        desk.dpo.assign(view.id, desk.aslam)
    assert [r.id for r in desk.dpo.page(PageRequest()).rows] == [kept.id]
    assert desk.dpo.count(PageRequest()) == 1


def test_get_by_tracking_number(desk: Desk) -> None:
    desk.register()
    second = desk.register()
    assert desk.clerk.get_by_tracking_no("lhr-2026-2").id == second.id
    assert desk.clerk.get_by_tracking_no(" LHR/2026/000002 ").id == second.id
    with pytest.raises(NotFound, match="LHR/2026/000009"):
        desk.clerk.get_by_tracking_no("LHR/2026/9")
    with pytest.raises(ValidationError):
        desk.clerk.get_by_tracking_no("motorcycle")
    with pytest.raises(NotFound):
        desk.clerk.get(uuid.uuid4())


# --- overdue and escalation --------------------------------------------------------------------------------------


def test_overdue_and_escalation(desk: Desk) -> None:
    late = desk.register(category="harassment", received_on=TODAY - timedelta(days=20))  # due 5 days ago
    due_today = desk.register(category="harassment", received_on=TODAY - timedelta(days=15))
    fresh = desk.register(category="theft", received_on=TODAY - timedelta(days=5))
    finished = drive(desk, S.RESOLVED, category="missing_person", received_on=TODAY - timedelta(days=30))
    assert desk.clerk.get(late.id).is_overdue
    assert not desk.clerk.get(due_today.id).is_overdue
    assert not desk.clerk.get(fresh.id).is_overdue
    assert not desk.clerk.get(finished.id).is_overdue
    assert [v.id for v in desk.clerk.overdue()] == [late.id]
    assert {v.id for v in desk.clerk.overdue(TODAY + timedelta(days=1))} == {late.id, due_today.id}
    overdue_page = desk.clerk.page(PageRequest(filters={"overdue_only": True}))
    assert [v.id for v in overdue_page.rows] == [late.id]

    assert desk.clerk.escalate_overdue() == 1
    escalated = desk.clerk.get(late.id)
    assert escalated.escalated_at == desk.clock.now
    event = desk.clerk.history(late.id)[-1]
    assert event.kind is ComplaintEventKind.ESCALATED
    assert "escalated to the district officer" in event.note
    assert (event.from_status, event.to_status) == (S.RECEIVED, S.RECEIVED)
    assert desk.clerk.escalate_overdue() == 0  # already escalated
    desk.clock.set_day(TODAY + timedelta(days=1))
    assert desk.clerk.escalate_overdue() == 1  # due_today became overdue
    assert desk.clerk.get(fresh.id).escalated_at is None
    assert desk.clerk.get(finished.id).escalated_at is None


# --- lists, filters, paging and search ---------------------------------------------------------------------------


@pytest.fixture
def listed(desk: Desk) -> dict[str, ComplaintView]:
    person = desk.add_person("Zainab Noor")
    views = {
        "bike": desk.register(
            received_on=date(2026, 1, 5),
            description="میری موٹر سائیکل مسجد کے باہر سے چوری ہو گئی۔",
            location="محلہ عیدگاہ",
        ),
        "land": desk.register(
            received_on=date(2026, 2, 10),
            category="property_dispute",
            channel="written",
            station_id=desk.saddar,
            description="Boundary wall dispute with the neighbour.",
            anonymous=False,
            complainant_person_id=person,
        ),
        "police": desk.register(
            received_on=date(2026, 2, 20),
            category="police_misconduct",
            channel="phone",
            station_id=desk.saddar,
            against_police=True,
            against_station_id=desk.city,
            description="Rude behaviour at the City station.",
        ),
        "threat": desk.register(received_on=date(2026, 3, 1), category="threats", description="Threatening calls."),
        "old": desk.register(received_on=date(2025, 11, 30), category="fraud", description="Committee fraud."),
    }
    desk.dpo.assign(views["threat"].id, desk.aslam)
    desk.dpo.reject(views["old"].id, "Civil matter.")
    return {key: desk.dpo.get(v.id) for key, v in views.items()}


def _ids(desk: Desk, **request: Any) -> list[uuid.UUID]:
    page_request = PageRequest(**request)
    rows = desk.clerk.page(page_request).rows
    assert desk.clerk.count(page_request) == len(rows)
    return [r.id for r in rows]


def test_default_order_is_by_received_date(desk: Desk, listed: dict[str, ComplaintView]) -> None:
    newest_first = _ids(desk, sort="received_on", descending=True)
    assert newest_first == [listed[k].id for k in ("threat", "police", "land", "bike", "old")]
    assert _ids(desk) == list(reversed(newest_first))
    assert _ids(desk, sort="due_on")[0] == listed["old"].id
    with pytest.raises(ValidationError):
        desk.clerk.page(PageRequest(sort="description"))


def test_paging_windows_cover_the_list_once(desk: Desk, listed: dict[str, ComplaintView]) -> None:
    pages = [desk.clerk.page(PageRequest(offset=o, limit=2, sort="received_on", descending=True)) for o in (0, 2, 4)]
    assert [len(p.rows) for p in pages] == [2, 2, 1]
    assert [p.offset for p in pages] == [0, 2, 4]
    ids = [r.id for p in pages for r in p.rows]
    assert ids == _ids(desk, sort="received_on", descending=True)
    assert desk.clerk.page(PageRequest(offset=10)).rows == []


FILTER_CASES: list[tuple[dict[str, Any], set[str]]] = [
    ({"status": "received"}, {"bike", "land", "police"}),
    ({"status": S.ASSIGNED}, {"threat"}),
    ({"status": ["assigned", "rejected"]}, {"threat", "old"}),
    ({"status": []}, {"bike", "land", "police", "threat", "old"}),
    ({"category": "threats"}, {"threat"}),
    ({"channel": "written"}, {"land"}),
    ({"against_police": True}, {"police"}),
    ({"against_police": False}, {"bike", "land", "threat", "old"}),
    ({"month": "2026-02"}, {"land", "police"}),
    ({"month": "2025-11"}, {"old"}),
    ({"received_from": date(2026, 2, 10), "received_to": date(2026, 2, 20)}, {"land", "police"}),
    ({"received_from": date(2026, 2, 11)}, {"police", "threat"}),
    ({"status": "received", "month": "2026-02"}, {"land", "police"}),
    ({"overdue_only": True}, {"bike", "police"}),  # theft 30 d, misconduct 15 d; property 45 d is not due
    ({"overdue_only": False, "status": None}, {"bike", "land", "police", "threat", "old"}),
]


def test_filters(desk: Desk, listed: dict[str, ComplaintView]) -> None:
    for filters, expected in FILTER_CASES:
        assert set(_ids(desk, filters=filters)) == {listed[k].id for k in expected}, filters


def test_station_and_officer_filters(desk: Desk, listed: dict[str, ComplaintView]) -> None:
    assert set(_ids(desk, filters={"station_id": desk.saddar})) == {listed["land"].id, listed["police"].id}
    assert _ids(desk, filters={"assigned_officer_id": desk.aslam}) == [listed["threat"].id]


BAD_FILTERS: list[tuple[dict[str, Any], str]] = [
    ({"priority": "high"}, "priority"),
    ({"month": "2026-13"}, "month"),
    ({"month": "March"}, "month"),
    ({"status": "open"}, "status"),
    ({"category": "bogus"}, "category"),
    ({"received_from": "2026-01-01"}, "received_from"),
    ({"station_id": "City"}, "station_id"),
    ({"overdue_only": "yes"}, "overdue_only"),
]


def test_bad_filters_are_refused(desk: Desk) -> None:
    for filters, field in BAD_FILTERS:
        with pytest.raises(ValidationError) as raised:
            desk.clerk.page(PageRequest(filters=filters))
        assert raised.value.field == field, filters
        with pytest.raises(ValidationError):
            desk.clerk.count(PageRequest(filters=filters))


SEARCH_CASES: list[tuple[str, set[str]]] = [
    ("سائیکل", {"bike"}),
    ("سائيكل", {"bike"}),  # typed on an Arabic keyboard: Arabic yeh and kaf
    ("موٹر چوری", {"bike"}),
    ("عیدگاہ", {"bike"}),
    ("boundary", {"land"}),
    ("zainab", {"land"}),  # the complainant's name
    ("LHR/2026/000003", {"police"}),
    ("3", {"police"}),  # the tracking sequence without zeros
    ("Threat", {"threat"}),
    ("police station", set()),  # every word must match
    ("   ", {"bike", "land", "police", "threat", "old"}),
]


@pytest.mark.parametrize("plan", ["lookup", "walk"])
def test_search(desk: Desk, listed: dict[str, ComplaintView], monkeypatch: pytest.MonkeyPatch, plan: str) -> None:
    if plan == "walk":
        monkeypatch.setattr(complaints_module, "SEARCH_LOOKUP_LIMIT", 0)
    for search, expected in SEARCH_CASES:
        assert set(_ids(desk, search=search)) == {listed[k].id for k in expected}, search


@pytest.mark.parametrize("plan", ["lookup", "walk"])
def test_search_combines_with_filters_and_skips_deleted(
    desk: Desk, listed: dict[str, ComplaintView], monkeypatch: pytest.MonkeyPatch, plan: str
) -> None:
    if plan == "walk":
        monkeypatch.setattr(complaints_module, "SEARCH_LOOKUP_LIMIT", 0)
    assert _ids(desk, search="LHR", filters={"status": "rejected"}) == [listed["old"].id]
    assert set(_ids(desk, search="lhr", filters={"station_id": desk.saddar})) == {
        listed["land"].id,
        listed["police"].id,
    }
    assert _ids(desk, search="lhr", filters={"month": "2026-01"}) == [listed["bike"].id]
    assert _ids(desk, search="lhr", filters={"category": "threats", "channel": "walk_in"}) == [listed["threat"].id]
    assert _ids(desk, search="lhr 2026", sort="received_on", descending=True) == [
        listed[k].id for k in ("threat", "police", "land", "bike")
    ]
    desk.dpo.delete(listed["land"].id, listed["land"].version)
    assert desk.clerk.count(PageRequest(search="lhr")) == 4
    assert set(_ids(desk, search="lhr")) == {listed[k].id for k in ("bike", "police", "threat", "old")}
    assert _ids(desk, search="boundary") == []
    assert desk.clerk.count(PageRequest(search="boundary")) == 0
    assert desk.clerk.count(PageRequest()) == 4


def test_search_text_is_personal_in_the_audit_trail(desk: Desk, listed: dict[str, ComplaintView]) -> None:
    with desk.database.reader() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "complaints")).all()
    created = [json.loads(e.details) for e in entries if e.entity_id == str(listed["land"].id)]
    assert created and created[0]["search_text"] == "(personal data)"
    assert "Zainab" not in " ".join(e.details for e in entries)


def test_views_mask_the_complainant_by_role(
    desk: Desk, listed: dict[str, ComplaintView], as_role: Callable[[Role], ServiceContext]
) -> None:
    row = next(r for r in desk.clerk.page(PageRequest(filters={"channel": "written"})).rows)
    assert row.complainant_name == "Zainab Noor"  # desk roles see names
    with pytest.raises(PermissionDenied):
        ComplaintService(as_role(Role.HUB_ANALYST)).page(PageRequest())


# --- policy ------------------------------------------------------------------------------------------------------


def test_clerk_cannot_close_assign_reopen_or_delete(desk: Desk) -> None:
    view = drive(desk, S.RESOLVED)
    with pytest.raises(PermissionDenied):
        desk.clerk.close(view.id, "relief_granted")
    with pytest.raises(PermissionDenied):
        desk.clerk.assign(desk.register().id, desk.aslam)
    with pytest.raises(PermissionDenied):
        desk.clerk.reopen(view.id, "Not satisfied.")
    with pytest.raises(PermissionDenied):
        desk.clerk.delete(view.id, view.version)
    with pytest.raises(PermissionDenied):
        desk.officer.delete(view.id, view.version)
    assert desk.clerk.get(view.id).status is S.RESOLVED
    assert desk.officer.close(view.id, "relief_granted").status is S.CLOSED
