"""The streaming reads used by exports: ``stream(request)`` returns exactly what ``page()`` windows return.

Complaints, people and meetings, for a clerk and an officer (masking), over sorts with ties, filters and searches.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select

from copdesk.errors import PermissionDenied, ValidationError
from copdesk.models.accounts import Role
from copdesk.models.committees import Committee, CommitteeMember
from copdesk.models.complaints import Complaint
from copdesk.models.meetings import Meeting, MemberAttendance
from copdesk.models.organisation import Officer, Station
from copdesk.models.people import Person
from copdesk.services import complaints as complaints_module
from copdesk.services.complaints import ComplaintService
from copdesk.services.context import ServiceContext
from copdesk.services.meetings import MeetingService
from copdesk.services.paging import MAX_PAGE, Page, PageRequest
from copdesk.services.people import PeopleService
from copdesk.storage.bulk import bulk_insert
from copdesk.storage.recording import SESSION_ACTOR

TODAY = date(2026, 3, 15)
STATUSES = ("received", "assigned", "under_inquiry", "resolved", "referred", "fir_registered", "rejected", "closed")
CATEGORIES = ("theft", "harassment", "property_dispute", "fraud", "retired_code")  # the last is not in the corpus
CHANNELS = ("walk_in", "phone", "written")
WORDS = ("motorcycle", "shop", "mobile", "cattle", "plot")


def _clock() -> datetime:
    return datetime(TODAY.year, TODAY.month, TODAY.day, 10, tzinfo=UTC)


@dataclass
class Desk:
    """Contexts of a clerk and a station officer (fixed clock) over a district with varied complaints."""

    clerk: ServiceContext
    officer: ServiceContext
    city: uuid.UUID
    saddar: uuid.UUID
    aslam: uuid.UUID
    live: int  # complaints not deleted


def _people(session: Any, count: int) -> list[uuid.UUID]:
    rows = [
        {
            "name": f"Bushra {n}" if n % 5 else f"علی {n}",
            "father_name": f"Akram {n % 7}",
            "gender": "female" if n % 2 else "male",
            "cnic": f"35202-{n:07d}-{n % 10}" if n % 3 else None,
            "mobile": f"+92300{n:07d}" if n % 4 else None,
            "address": f"House {n}, Ward {n % 9}",
        }
        for n in range(count)
    ]
    return bulk_insert(session, Person, rows)


def _complaints(
    stations: list[uuid.UUID], officers: list[uuid.UUID], people: list[uuid.UUID], count: int
) -> list[dict[str, Any]]:
    rng = random.Random(7)
    rows = []
    for n in range(count):
        received = TODAY - timedelta(days=rng.randrange(60))  # few days, many complaints on each: ties
        status = STATUSES[rng.randrange(len(STATUSES))]
        closed = received + timedelta(days=rng.randrange(1, 20)) if status == "closed" else None
        anonymous = n % 9 == 0
        against = n % 11 == 0
        rows.append(
            {
                "tracking_no": f"LHR/2026/{rng.randrange(10**6):06d}{n:04d}",  # not in received order
                "received_on": received,
                "channel": CHANNELS[n % len(CHANNELS)],
                "complainant_person_id": None if anonymous else people[n % len(people)],
                "anonymous": anonymous,
                "category": CATEGORIES[rng.randrange(len(CATEGORIES))],
                "description": f"My {WORDS[n % len(WORDS)]} was taken near the market ({n}).",
                "location": f"Mohallah {n % 13}",
                "station_id": stations[n % 2],
                "against_police": against,
                "against_station_id": stations[(n + 1) % 2] if against else None,
                "assigned_officer_id": officers[n % len(officers)] if status != "received" and n % 4 else None,
                "status": status,
                "due_on": received + timedelta(days=rng.choice((7, 15, 30))),
                "escalated_at": _clock() - timedelta(days=1) if n % 17 == 0 else None,
                "resolved_on": received + timedelta(days=1) if status in ("resolved", "closed") else None,
                "fir_no": f"{n}/26" if status == "fir_registered" else None,
                "closure_category": "relief_granted" if status == "closed" else None,
                "closed_on": closed,
                "feedback": ("not_satisfied" if n % 2 else "satisfied") if closed else None,
                "feedback_remarks": "Nothing was done." if closed and n % 2 else "",
                "feedback_on": closed,
                "reopened_count": n % 3,
                "deleted_at": _clock() if n % 23 == 0 else None,
            }
        )
    return rows


@pytest.fixture
def desk(district_db: Any, as_role: Callable[[Role], ServiceContext]) -> Desk:
    clerk, officer = as_role(Role.CLERK), as_role(Role.STATION_OFFICER)
    clerk.clock = officer.clock = _clock
    with district_db.writer(info={SESSION_ACTOR: "dpo"}) as session:
        stations = {s.name: s.id for s in session.scalars(select(Station))}
        officers = [
            Officer(name="Muhammad Aslam", rank="inspector", gender="male", station_id=stations["City"]),
            Officer(name="Bushra Bibi", rank="sub_inspector", gender="female", station_id=stations["Saddar"]),
            Officer(name="Nadeem Abbas", rank="dsp", gender="male", station_id=None),
        ]
        session.add_all(officers)
        session.flush()
        officer_ids = [o.id for o in officers]
        people = _people(session, 60)
        rows = _complaints([stations["City"], stations["Saddar"]], officer_ids, people, 260)
        bulk_insert(
            session,
            Complaint,
            rows,
            search_values=lambda row: [row["tracking_no"], row["description"], row["location"]],
        )
    live = sum(1 for row in rows if row["deleted_at"] is None)
    return Desk(clerk, officer, stations["City"], stations["Saddar"], officer_ids[0], live)


def _paged(page: Callable[[PageRequest], Page[Any]], request: PageRequest, limit: int) -> list[Any]:
    """Every row of the list through ``page()`` windows of ``limit`` rows (what the export used to do)."""
    rows: list[Any] = []
    while True:
        window = page(replace(request, offset=len(rows), limit=limit)).rows
        rows.extend(window)
        if len(window) < limit:
            return rows


def _requests(desk: Desk) -> list[PageRequest]:
    return [
        PageRequest(),
        PageRequest(descending=True),
        PageRequest(sort="status"),
        PageRequest(sort="channel", descending=True),
        PageRequest(sort="tracking_no"),
        PageRequest(sort="tracking_no", descending=True),
        PageRequest(sort="due_on", descending=True),
        PageRequest(sort="category", filters={"station_id": desk.saddar}),
        PageRequest(filters={"status": ["closed", "resolved"], "month": "2026-02"}),
        PageRequest(sort="due_on", filters={"overdue_only": True}),
        PageRequest(filters={"against_police": True, "received_from": TODAY - timedelta(days=30)}),
        PageRequest(filters={"assigned_officer_id": desk.aslam, "received_to": TODAY - timedelta(days=10)}),
        PageRequest(search="motorcycle"),
        PageRequest(search="cattle market", sort="status", descending=True),
        PageRequest(search="motorcycle", filters={"station_id": desk.city}),
        PageRequest(search="nothing-matches-this"),
        PageRequest(offset=40, limit=3),  # a window's offset and limit do not cut a stream
    ]


def test_complaint_stream_is_the_concatenation_of_pages(desk: Desk) -> None:
    for ctx in (desk.clerk, desk.officer):
        service = ComplaintService(ctx)
        for request in _requests(desk):
            expected = _paged(service.page, request, 25)
            assert list(service.stream(request, batch=7)) == expected, request
            assert list(service.stream(request)) == expected, request
            assert len(expected) == service.count(request), request
    everything = list(ComplaintService(desk.clerk).stream(PageRequest()))
    assert len(everything) == desk.live and len({view.id for view in everything}) == desk.live


def test_complaint_stream_follows_the_search_plan_for_many_matches(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Above SEARCH_LOOKUP_LIMIT matches the list walks the date index instead: the stream does the same."""
    monkeypatch.setattr(complaints_module, "SEARCH_LOOKUP_LIMIT", 5)
    service = ComplaintService(desk.officer)
    for request in _requests(desk):
        if request.search:
            assert list(service.stream(request, batch=9)) == _paged(service.page, request, 25), request


def test_complaint_stream_masks_personal_fields_by_role(desk: Desk) -> None:
    clerk = list(ComplaintService(desk.clerk).stream(PageRequest(), batch=50))
    officer = list(ComplaintService(desk.officer).stream(PageRequest(), batch=50))
    assert [v.id for v in clerk] == [v.id for v in officer]
    with_cnic = [(c, o) for c, o in zip(clerk, officer, strict=True) if o.complainant_cnic]
    assert with_cnic
    for seen_by_clerk, seen_by_officer in with_cnic:
        assert seen_by_officer.complainant_cnic.count("•") == 0
        assert (
            seen_by_clerk.complainant_cnic
            == f"{seen_by_officer.complainant_cnic[:5]}-•••••••-" + (seen_by_officer.complainant_cnic[-1])
        )
    assert all(v.complainant_name == v.complainant_cnic == "" for v in clerk if v.anonymous)
    assert any(v.complainant_name.startswith("علی") for v in clerk)  # a clerk sees names, not CNICs


def test_complaint_stream_has_the_names_and_the_moves(desk: Desk) -> None:
    views = list(ComplaintService(desk.officer).stream(PageRequest(), batch=11))
    assert {v.station_name for v in views} == {"City", "Saddar"}
    against = [v for v in views if v.against_police]
    assert against and all(v.against_station_name in {"City", "Saddar"} for v in against)
    assert all(v.against_station_name == "" for v in views if not v.against_police)
    assert {v.assigned_officer_name for v in views if v.assigned_officer_id} == {
        "Muhammad Aslam",
        "Bushra Bibi",
        "Nadeem Abbas",
    }
    assert all(v.assigned_officer_name == "" for v in views if v.assigned_officer_id is None)
    closed = [v for v in views if v.status.value == "closed"]
    reopenable = [v for v in closed if v.next_statuses]
    assert reopenable and len(reopenable) < len(closed)  # only "not satisfied" within the window
    keys = [(v.received_on, v.tracking_no) for v in views]
    assert keys == sorted(keys)


def test_complaint_stream_orders_once_and_reads_batches_without_offset(desk: Desk) -> None:
    statements: list[tuple[str, Any]] = []
    engine = desk.clerk.database.engine

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM complaints" in statement and "count(" not in statement:
            statements.append((" ".join(statement.split()), parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        views = list(ComplaintService(desk.clerk).stream(PageRequest(sort="status"), batch=20))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(views) == desk.live
    ordered, *batches = statements
    assert "ORDER BY complaints.status ASC, complaints.tracking_no ASC" in ordered[0]
    assert "LIMIT" not in ordered[0] and "OFFSET" not in ordered[0]  # one pass over the list, as a cursor
    assert len(batches) == -(-desk.live // 20)
    for statement, parameters in batches:
        assert "LEFT OUTER JOIN people" in statement and "ORDER BY" not in statement and "OFFSET" not in statement
        assert len(parameters) <= 20


def test_complaint_stream_is_one_snapshot(desk: Desk) -> None:
    """Rows written while an export runs do not show up half-way (one read transaction)."""
    stream = ComplaintService(desk.clerk).stream(PageRequest(), batch=10)
    first = next(stream)
    with desk.clerk.database.writer(info={SESSION_ACTOR: "dpo"}) as session:
        late = _complaints([desk.city, desk.saddar], [desk.aslam], [], 1)[0]
        late.update(tracking_no="LHR/2026/9999999", received_on=TODAY, deleted_at=None, complainant_person_id=None)
        bulk_insert(session, Complaint, [late])
    rest = list(stream)
    assert len([first, *rest]) == desk.live
    assert "LHR/2026/9999999" not in {v.tracking_no for v in rest}
    assert ComplaintService(desk.clerk).count(PageRequest()) == desk.live + 1


def test_complaint_stream_can_stop_early(desk: Desk) -> None:
    stream = ComplaintService(desk.clerk).stream(PageRequest(), batch=5)
    taken = [next(stream) for _ in range(12)]
    stream.close()  # ends the read transaction
    assert [v.tracking_no for v in taken] == [
        v.tracking_no for v in ComplaintService(desk.clerk).page(PageRequest(limit=12)).rows
    ]


def test_complaint_stream_checks_the_request_at_once(desk: Desk, as_role: Callable[[Role], ServiceContext]) -> None:
    service = ComplaintService(desk.clerk)
    with pytest.raises(ValidationError, match="Cannot sort by"):
        service.stream(PageRequest(sort="description"))
    with pytest.raises(ValidationError) as bad_filter:
        service.stream(PageRequest(filters={"colour": "red"}))
    assert "colour" in bad_filter.value.message
    with pytest.raises(ValidationError) as bad_status:
        service.stream(PageRequest(filters={"status": "lost"}))
    assert bad_status.value.field == "status"
    with pytest.raises(ValidationError, match="batch"):
        service.stream(PageRequest(), batch=0)
    with pytest.raises(PermissionDenied):
        ComplaintService(as_role(Role.HUB_ANALYST)).stream(PageRequest())
    assert list(service.stream(PageRequest(filters={"status": "closed", "station_id": None}), batch=MAX_PAGE)) == (
        _paged(service.page, PageRequest(filters={"status": "closed"}), MAX_PAGE)
    )


# --- people ----------------------------------------------------------------------------------------------------


def _add_namesakes(database: Any) -> None:
    """People sharing a name (and, added together, a creation time), some deleted: ties for the sort."""
    rows = [
        {
            "name": "Zahid Iqbal" if n % 2 else "احمد",
            "father_name": "",
            "gender": "male",
            "cnic": None,
            "mobile": f"+92321{n:07d}",
            "address": "",
            "deleted_at": _clock() if n % 5 == 0 else None,
        }
        for n in range(24)
    ]
    with database.writer(info={SESSION_ACTOR: "dpo"}) as session:
        bulk_insert(session, Person, rows)


def test_people_stream_is_the_concatenation_of_pages(desk: Desk) -> None:
    _add_namesakes(desk.clerk.database)
    requests = [
        PageRequest(),
        PageRequest(descending=True),
        PageRequest(sort="created_at"),
        PageRequest(sort="created_at", descending=True),
        PageRequest(filters={"gender": "female"}),
        PageRequest(search="Zahid"),
        PageRequest(search="0300-0000012"),  # a mobile number typed as a clerk writes it
        PageRequest(search="35202-0000005-5", filters={"gender": None}),
        PageRequest(offset=10, limit=2),
    ]
    for ctx in (desk.clerk, desk.officer):
        service = PeopleService(ctx)
        for request in requests:
            expected = _paged(service.page, request, 9)
            assert list(service.stream(request, batch=4)) == expected, request
            assert list(service.stream(request)) == expected, request
            assert len(expected) == service.count(request), request
    clerk = list(PeopleService(desk.clerk).stream(PageRequest()))
    officer = list(PeopleService(desk.officer).stream(PageRequest()))
    assert len(clerk) == 60 + 19 and [p.id for p in clerk] == [p.id for p in officer]
    assert {p.cnic for p in clerk if p.cnic} == {f"35202-•••••••-{p.cnic[-1]}" for p in officer if p.cnic}
    assert [p.name for p in clerk].count("Zahid Iqbal") == 10


def test_people_stream_checks_the_request_at_once(desk: Desk, as_role: Callable[[Role], ServiceContext]) -> None:
    service = PeopleService(desk.clerk)
    with pytest.raises(ValidationError, match="Cannot sort by"):
        service.stream(PageRequest(sort="cnic"))
    with pytest.raises(ValidationError) as bad_gender:
        service.stream(PageRequest(filters={"gender": "unknown"}))
    assert bad_gender.value.field == "gender"
    with pytest.raises(ValidationError, match="cannot be filtered by"):
        service.stream(PageRequest(filters={"station_id": desk.city}))
    with pytest.raises(ValidationError, match="batch"):
        service.stream(PageRequest(), batch=-1)
    with pytest.raises(PermissionDenied):
        PeopleService(as_role(Role.HUB_ADMIN)).stream(PageRequest())


# --- meetings --------------------------------------------------------------------------------------------------


@dataclass
class Meetings:
    """Committees (two sharing a name, one deleted) and their meetings, some with members present."""

    city_drc: uuid.UUID
    live: int


def _meetings(desk: Desk) -> Meetings:
    rng = random.Random(11)
    with desk.clerk.database.writer(info={SESSION_ACTOR: "dpo"}) as session:
        committees = bulk_insert(
            session,
            Committee,
            [
                {
                    "type": kind,
                    "name": name,
                    "station_id": station,
                    "notification_ref": f"Order {n}",
                    "formed_on": TODAY - timedelta(days=400),
                    "dissolved_on": None,
                    "notes": "",
                    "deleted_at": _clock() if n == 3 else None,
                }
                for n, (kind, name, station) in enumerate(
                    [
                        ("dispute_resolution", "DRC City", desk.city),
                        ("police_liaison", "Liaison committee", desk.saddar),
                        ("islahi", "Liaison committee", desk.city),
                        ("vigilance", "Disbanded", desk.saddar),
                    ]
                )
            ],
        )
        people = _people(session, 6)
        members = bulk_insert(
            session,
            CommitteeMember,
            [
                {
                    "committee_id": committees[n % 3],
                    "person_id": person,
                    "role": "member",
                    "category": "elder",
                    "joined_on": TODAY - timedelta(days=300),
                    "left_on": None,
                }
                for n, person in enumerate(people)
            ],
        )
        rows = [
            {
                "committee_id": committees[n % 4],
                "held_on": TODAY - timedelta(days=rng.randrange(40)),  # many meetings on each day: ties
                "start_time": time(10, 30) if n % 3 else None,
                "venue": f"Hall {n % 5}",
                "status": "closed" if n % 3 else "planned",
                "minutes": "",
                "closed_at": None,
                "reopen_reason": "",
                "deleted_at": _clock() if n % 13 == 0 else None,
            }
            for n in range(150)
        ]
        meetings = bulk_insert(session, Meeting, rows)
        bulk_insert(
            session,
            MemberAttendance,
            [
                {
                    "meeting_id": meeting,
                    "member_id": member,
                    "status": ("present", "absent", "excused")[(n + m) % 3],
                    "deleted_at": _clock() if (n + m) % 7 == 0 else None,
                }
                for n, meeting in enumerate(meetings)
                if n % 2
                for m, member in enumerate(members)
                if m % 3 == n % 3
            ],
        )
    live = sum(1 for n, row in enumerate(rows) if row["deleted_at"] is None and n % 4 != 3)
    return Meetings(committees[0], live)


def test_meeting_stream_is_the_concatenation_of_pages(desk: Desk) -> None:
    data = _meetings(desk)
    requests = [
        PageRequest(),
        PageRequest(descending=True),
        PageRequest(sort="committee"),
        PageRequest(sort="committee", descending=True),
        PageRequest(sort="station"),
        PageRequest(sort="status", descending=True),
        PageRequest(filters={"status": "closed", "station_id": desk.city}),
        PageRequest(filters={"committee_id": data.city_drc, "date_from": TODAY - timedelta(days=20)}),
        PageRequest(filters={"date_to": TODAY - timedelta(days=10)}, sort="committee"),
        PageRequest(search="liaison"),
        PageRequest(offset=5, limit=5),
    ]
    service = MeetingService(desk.clerk)
    for request in requests:
        expected = _paged(service.page, request, 11)
        assert list(service.stream(request, batch=6)) == expected, request
        assert list(service.stream(request)) == expected, request
        assert len(expected) == service.count(request), request
    everything = list(service.stream(PageRequest()))
    assert len(everything) == data.live
    assert any(m.members_present for m in everything) and any(not m.members_present for m in everything)
    assert "Disbanded" not in {m.committee_name for m in everything}


def test_meeting_stream_checks_the_request_at_once(desk: Desk, as_role: Callable[[Role], ServiceContext]) -> None:
    service = MeetingService(desk.clerk)
    with pytest.raises(ValidationError, match="Cannot sort by"):
        service.stream(PageRequest(sort="venue"))
    with pytest.raises(ValidationError) as bad_status:
        service.stream(PageRequest(filters={"status": "postponed"}))
    assert bad_status.value.field == "status"
    with pytest.raises(ValidationError, match="cannot be filtered by"):
        service.stream(PageRequest(filters={"overdue": True}))
    with pytest.raises(ValidationError, match="batch"):
        service.stream(PageRequest(), batch=0)
    with pytest.raises(PermissionDenied):
        MeetingService(as_role(Role.HUB_ANALYST)).stream(PageRequest())
