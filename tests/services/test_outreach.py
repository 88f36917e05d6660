"""OutreachService: outreach events, their validation, lists, monthly totals and success stories."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select

from copdesk.domain.corpus import outreach_kinds
from copdesk.domain.months import Month
from copdesk.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from copdesk.models.accounts import Role
from copdesk.models.audit import AuditEntry
from copdesk.models.base import Base
from copdesk.models.organisation import Station
from copdesk.models.outreach import OutreachEvent, OutreachKind
from copdesk.services.context import ServiceContext
from copdesk.services.outreach import (
    ATTENDANCE_MAX,
    AttendanceTotals,
    OutreachDraft,
    OutreachService,
)
from copdesk.services.paging import PageRequest

NOW = datetime(2026, 3, 20, 7, 0, tzinfo=UTC)
TODAY = NOW.astimezone().date()  # what ctx.today() gives on this machine


@pytest.fixture(autouse=True)
def _fixed_clock(clerk: ServiceContext, officer: ServiceContext, dpo: ServiceContext) -> None:
    for ctx in (clerk, officer, dpo):
        ctx.clock = lambda: NOW


@pytest.fixture
def outreach(clerk: ServiceContext) -> OutreachService:
    return OutreachService(clerk)


@pytest.fixture
def stations(dpo: ServiceContext) -> dict[str, uuid.UUID]:
    with dpo.read() as session:
        return {name: station_id for station_id, name in session.execute(select(Station.id, Station.name))}


def draft(station_id: uuid.UUID, **changes: object) -> OutreachDraft:
    base = OutreachDraft(
        kind=OutreachKind.KHULI_KACHEHRI,
        title="Open court at the tehsil hall",
        station_id=station_id,
        held_on=date(2026, 3, 10),
        venue="Tehsil hall",
        men=40,
        women=12,
        youth=9,
        summary="Complaints about street crime were heard.",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def delete_station(ctx: ServiceContext, station_id: uuid.UUID) -> None:
    with ctx.write() as session:
        station = session.get(Station, station_id)
        assert station is not None
        station.deleted_at = ctx.now()


# --- schema ------------------------------------------------------------------------------------------------------


def test_migration_creates_the_outreach_table_as_the_model_declares(district_db: object) -> None:
    engine = district_db.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        inspector = inspect(connection)
        model = Base.metadata.tables["outreach_events"]
        reflected = {column["name"]: column for column in inspector.get_columns("outreach_events")}
        assert set(reflected) == {column.name for column in model.columns}
        for column in model.columns:
            assert reflected[column.name]["nullable"] == column.nullable, column.name
            assert str(reflected[column.name]["type"]) == str(column.type.compile(connection.dialect)), column.name
        assert {fk["name"] for fk in inspector.get_foreign_keys("outreach_events")} == {
            "fk_outreach_events_station_id_stations"
        }
        assert inspector.get_pk_constraint("outreach_events")["name"] == "pk_outreach_events"
        assert [ck["name"] for ck in inspector.get_check_constraints("outreach_events")] == [
            "ck_outreach_events_attendance_not_negative"
        ]
        assert "outreach_events_fts" in inspector.get_table_names()
        diffs = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    mine = [diff for diff in diffs if "outreach_events" in repr(diff) and "outreach_events_fts" not in repr(diff)]
    assert mine == []


def test_database_refuses_negative_attendance_even_without_the_service(
    clerk: ServiceContext, stations: dict[str, uuid.UUID]
) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), clerk.write() as session:
        session.add(OutreachEvent(kind="other", title="x", station_id=stations["City"], held_on=TODAY, men=-1))


def test_outreach_kinds_match_the_corpus() -> None:
    assert [kind.value for kind in OutreachKind] == list(outreach_kinds())


# --- recording ---------------------------------------------------------------------------------------------------


def test_create_and_get(outreach: OutreachService, stations: dict[str, uuid.UUID]) -> None:
    created = outreach.create(
        draft(
            stations["City"],
            kind="school_visit",
            title="  Visit to   Govt. High School ",
            venue=" Govt. High School No. 2 ",
            summary="  Students learnt about the 15 helpline.  ",
            success_story=" A student reported a missing child. ",
            success_story_consent=True,
        )
    )
    assert created.version == 1
    assert created.kind is OutreachKind.SCHOOL_VISIT
    assert created.kind_label == "School visit"
    assert (created.title, created.venue) == ("Visit to Govt. High School", "Govt. High School No. 2")
    assert created.summary == "Students learnt about the 15 helpline."
    assert created.success_story == "A student reported a missing child."
    assert created.success_story_consent is True
    assert (created.station_id, created.station_name) == (stations["City"], "City")
    assert (created.men, created.women, created.youth, created.attendance) == (40, 12, 9, 52)
    assert outreach.get(created.id) == created


def test_valid_edge_values_are_accepted(outreach: OutreachService, stations: dict[str, uuid.UUID]) -> None:
    empty = outreach.create(draft(stations["City"], men=0, women=0, youth=0, held_on=TODAY, venue=""))
    assert (empty.attendance, empty.youth, empty.held_on) == (0, 0, TODAY)
    all_young = outreach.create(draft(stations["City"], men=30, women=20, youth=50))
    assert all_young.youth == all_young.attendance == 50
    biggest = outreach.create(draft(stations["City"], kind="sports_event", men=ATTENDANCE_MAX, women=0, youth=0))
    assert biggest.men == ATTENDANCE_MAX


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": "picnic"}, "kind", "Choose the kind of event"),
        ({"kind": ""}, "kind", "Choose the kind of event"),
        ({"title": "   "}, "title", "Enter the title of the event"),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"venue": "v" * 201}, "venue", "at most 200 characters"),
        ({"held_on": TODAY + timedelta(days=1)}, "held_on", "cannot be in the future"),
        ({"held_on": NOW}, "held_on", "Enter the date of the event"),
        ({"men": -1}, "men", "number of men cannot be negative"),
        ({"women": -5}, "women", "number of women cannot be negative"),
        ({"youth": -1}, "youth", "number of young people cannot be negative"),
        ({"women": "12"}, "women", "as a whole number"),
        ({"men": 2.5}, "men", "as a whole number"),
        ({"men": True}, "men", "as a whole number"),
        ({"men": ATTENDANCE_MAX + 1}, "men", "too large"),
        ({"men": 5, "women": 5, "youth": 11}, "youth", "counted among them"),
        ({"success_story_consent": "yes"}, "success_story_consent", "agreed to publication"),
    ],
)
def test_invalid_input_is_refused_in_plain_words(
    outreach: OutreachService,
    stations: dict[str, uuid.UUID],
    changes: dict[str, object],
    field: str,
    message: str,
) -> None:
    with pytest.raises(ValidationError, match=message) as raised:
        outreach.create(draft(stations["City"], **changes))
    assert raised.value.field == field
    assert outreach.count(PageRequest()) == 0


def test_station_must_exist_and_not_be_deleted(
    outreach: OutreachService, dpo: ServiceContext, stations: dict[str, uuid.UUID]
) -> None:
    with pytest.raises(ValidationError, match="Choose the police station") as raised:
        outreach.create(draft(uuid.uuid4()))
    assert raised.value.field == "station_id"
    event = outreach.create(draft(stations["Saddar"]))
    delete_station(dpo, stations["Saddar"])
    with pytest.raises(ValidationError, match="Choose the police station"):
        outreach.create(draft(stations["Saddar"]))
    # An event already at the deleted station can still be corrected; it cannot be moved to it anew.
    kept = outreach.update(event.id, draft(stations["Saddar"], title="Corrected"), event.version)
    assert (kept.title, kept.station_name) == ("Corrected", "Saddar")
    other = outreach.create(draft(stations["City"]))
    with pytest.raises(ValidationError, match="Choose the police station"):
        outreach.update(other.id, draft(stations["Saddar"]), other.version)


def test_update_checks_the_version(outreach: OutreachService, stations: dict[str, uuid.UUID]) -> None:
    event = outreach.create(draft(stations["City"]))
    updated = outreach.update(event.id, draft(stations["Saddar"], men=10, women=3, youth=0), event.version)
    assert (updated.version, updated.station_name, updated.attendance) == (2, "Saddar", 13)
    with pytest.raises(ConflictError, match="Someone else changed this outreach event"):
        outreach.update(event.id, draft(stations["City"]), event.version)
    assert outreach.get(event.id) == updated
    with pytest.raises(ValidationError, match="cannot be negative"):
        outreach.update(event.id, draft(stations["City"], men=-3), updated.version)
    assert outreach.get(event.id).version == 2


def test_unknown_event_is_not_found(outreach: OutreachService, stations: dict[str, uuid.UUID]) -> None:
    with pytest.raises(NotFound, match="does not exist"):
        outreach.get(uuid.uuid4())
    with pytest.raises(NotFound):
        outreach.update(uuid.uuid4(), draft(stations["City"]), 1)


def test_success_story_is_redacted_in_the_audit_trail(
    outreach: OutreachService, clerk: ServiceContext, stations: dict[str, uuid.UUID]
) -> None:
    event = outreach.create(draft(stations["City"], success_story="Ms Rukhsana got her land back."))
    with clerk.read() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "outreach_events", AuditEntry.entity_id == str(event.id))
        ).one()
    details = json.loads(entry.details)
    assert details["success_story"] == "(personal data)"
    assert details["title"] == "Open court at the tehsil hall"
    assert "Rukhsana" not in entry.details


# --- deleting and the policy --------------------------------------------------------------------------------------


def test_clerk_cannot_delete_station_officer_can(
    outreach: OutreachService, officer: ServiceContext, stations: dict[str, uuid.UUID]
) -> None:
    event = outreach.create(
        draft(stations["City"], success_story="A story.", success_story_consent=True, held_on=date(2026, 3, 1))
    )
    with pytest.raises(PermissionDenied):
        outreach.delete(event.id)
    assert outreach.get(event.id) == event
    as_officer = OutreachService(officer)
    with pytest.raises(ConflictError):
        as_officer.delete(event.id, expected_version=event.version + 1)
    as_officer.delete(event.id, expected_version=event.version)
    with pytest.raises(NotFound):
        outreach.get(event.id)
    with pytest.raises(NotFound):
        outreach.update(event.id, draft(stations["City"]), event.version)
    with pytest.raises(NotFound):
        as_officer.delete(event.id)
    assert outreach.count(PageRequest()) == 0
    assert outreach.page(PageRequest()).rows == []
    assert outreach.month_totals("2026-03").events == 0
    assert outreach.success_stories(2026) == []


def test_district_officer_may_delete(
    dpo: ServiceContext, outreach: OutreachService, stations: dict[str, uuid.UUID]
) -> None:
    event = outreach.create(draft(stations["City"]))
    OutreachService(dpo).delete(event.id)
    assert outreach.count(PageRequest()) == 0


def test_desk_roles_record_and_hub_roles_see_nothing(
    as_role: Callable[[Role], ServiceContext], officer: ServiceContext, stations: dict[str, uuid.UUID]
) -> None:
    made = OutreachService(officer).create(draft(stations["City"]))
    assert made.station_name == "City"
    analyst = OutreachService(as_role(Role.HUB_ANALYST))
    with pytest.raises(PermissionDenied):
        analyst.get(made.id)
    with pytest.raises(PermissionDenied):
        analyst.month_totals("2026-03")
    with pytest.raises(PermissionDenied):
        analyst.create(draft(stations["City"]))


# --- lists ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def listed(outreach: OutreachService, stations: dict[str, uuid.UUID]) -> dict[str, uuid.UUID]:
    city, saddar = stations["City"], stations["Saddar"]
    made = {
        "court": outreach.create(draft(city, held_on=date(2026, 1, 15), men=30, women=10, youth=5)),
        "school": outreach.create(
            draft(
                saddar,
                kind="school_visit",
                title="School visit at Model School",
                venue="Model School Saddar",
                summary="Students asked about cyber harassment.",
                held_on=date(2026, 2, 3),
                men=100,
                women=80,
                youth=170,
                success_story="A girl reported online blackmail.",
                success_story_consent=True,
            )
        ),
        "drugs": outreach.create(
            draft(
                city,
                kind="awareness_drugs",
                title="منشیات سے آگاہی",
                venue="Jamia Masjid",
                summary="Imam and parents discussed drug peddling near the bus stand.",
                held_on=date(2026, 2, 28),
                men=60,
                women=0,
                youth=20,
            )
        ),
        "sports": outreach.create(
            draft(
                saddar,
                kind="sports_event",
                title="Cricket match police vs youth",
                venue="Saddar ground",
                summary="Friendly match.",
                held_on=date(2026, 3, 1),
                men=200,
                women=15,
                youth=150,
                success_story="Two boys joined the watch.",
                success_story_consent=False,
            )
        ),
    }
    return {key: view.id for key, view in made.items()}


def ids(outreach: OutreachService, **request: object) -> list[uuid.UUID]:
    return [row.id for row in outreach.page(PageRequest(**request)).rows]  # type: ignore[arg-type]


def test_page_sorts_and_windows(outreach: OutreachService, listed: dict[str, uuid.UUID]) -> None:
    by_date = [listed[k] for k in ("court", "school", "drugs", "sports")]
    assert ids(outreach) == by_date
    assert ids(outreach, descending=True) == by_date[::-1]
    assert ids(outreach, offset=1, limit=2) == by_date[1:3]
    assert outreach.page(PageRequest(offset=3)).offset == 3
    assert ids(outreach, sort="attendance", descending=True) == [
        listed["sports"],
        listed["school"],
        listed["drugs"],
        listed["court"],
    ]
    assert ids(outreach, sort="kind") == [listed[k] for k in ("drugs", "court", "school", "sports")]
    assert set(ids(outreach, sort="station")[:2]) == {listed["court"], listed["drugs"]}  # City first
    assert set(ids(outreach, sort="station", descending=True)[:2]) == {listed["school"], listed["sports"]}
    with pytest.raises(ValidationError, match="Cannot sort by"):
        outreach.page(PageRequest(sort="men"))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"kind": "school_visit"}, ["school"]),
        ({"kind": OutreachKind.KHULI_KACHEHRI}, ["court"]),
        ({"date_from": date(2026, 2, 1)}, ["school", "drugs", "sports"]),
        ({"date_to": "2026-02-28"}, ["court", "school", "drugs"]),
        ({"date_from": "2026-02-01", "date_to": date(2026, 2, 28)}, ["school", "drugs"]),
        ({"month": "2026-02"}, ["school", "drugs"]),
        ({"month": "2026-04"}, []),
        ({"month": Month(2026, 1)}, ["court"]),
        ({"has_success_story": True}, ["school", "sports"]),
        ({"has_success_story": False}, ["court", "drugs"]),
        ({"kind": None, "month": None}, ["court", "school", "drugs", "sports"]),
    ],
)
def test_filters(
    outreach: OutreachService, listed: dict[str, uuid.UUID], filters: dict[str, object], expected: list[str]
) -> None:
    request = PageRequest(filters=filters)
    assert ids(outreach, filters=filters) == [listed[key] for key in expected]
    assert outreach.count(request) == len(expected)


def test_station_filter_takes_an_id_or_its_text(
    outreach: OutreachService, listed: dict[str, uuid.UUID], stations: dict[str, uuid.UUID]
) -> None:
    assert ids(outreach, filters={"station_id": stations["Saddar"]}) == [listed["school"], listed["sports"]]
    assert ids(outreach, filters={"station_id": str(stations["City"])}) == [listed["court"], listed["drugs"]]


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"colour": "red"}, "colour"),
        ({"kind": "picnic"}, "kind"),
        ({"month": "2026-13"}, "month"),
        ({"month": "March"}, "month"),
        ({"date_from": "15/03/2026"}, "date_from"),
        ({"station_id": "not-an-id"}, "station_id"),
        ({"has_success_story": "yes"}, "has_success_story"),
    ],
)
def test_bad_filters_are_refused(
    outreach: OutreachService, listed: dict[str, uuid.UUID], filters: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        outreach.count(PageRequest(filters=filters))
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("model", ["school"]),  # title and venue
        ("cyber harass", ["school"]),  # summary, prefixes
        ("bus stand", ["drugs"]),
        ("منشیات", ["drugs"]),
        ("tehsil", ["court"]),
        ("ground", ["sports"]),
        ("blackmail", []),  # the success story is not searched
        ("   ", ["court", "school", "drugs", "sports"]),
    ],
)
def test_search_by_title_venue_summary(
    outreach: OutreachService, listed: dict[str, uuid.UUID], search: str, expected: list[str]
) -> None:
    assert ids(outreach, search=search) == [listed[key] for key in expected]
    assert outreach.count(PageRequest(search=search)) == len(expected)


def test_search_follows_edits(outreach: OutreachService, listed: dict[str, uuid.UUID]) -> None:
    court = outreach.get(listed["court"])
    outreach.update(court.id, draft(court.station_id, title="Katchery at Bhalwal"), court.version)
    assert ids(outreach, search="bhalwal") == [court.id]
    assert ids(outreach, search="tehsil") == [court.id]  # still in the venue
    outreach.update(
        court.id, draft(court.station_id, title="Katchery at Bhalwal", venue="Union council"), court.version + 1
    )
    assert ids(outreach, search="tehsil") == []


# --- monthly totals and success stories ---------------------------------------------------------------------------


def test_month_totals(outreach: OutreachService, listed: dict[str, uuid.UUID], stations: dict[str, uuid.UUID]) -> None:
    outreach.create(draft(stations["City"], kind="awareness_drugs", held_on=date(2026, 2, 10), men=5, women=5, youth=1))
    totals = outreach.month_totals("2026-02")
    assert totals.month == "2026-02"
    assert (totals.events, totals.men, totals.women, totals.youth, totals.attendance) == (3, 165, 85, 191, 250)
    assert [(row.station_name, row.totals) for row in totals.by_station] == [
        ("City", AttendanceTotals(2, 65, 5, 21)),
        ("Saddar", AttendanceTotals(1, 100, 80, 170)),
    ]
    assert [row.kind for row in totals.by_kind] == list(OutreachKind)
    assert totals.for_kind("awareness_drugs") == AttendanceTotals(2, 65, 5, 21)
    assert totals.for_kind(OutreachKind.SCHOOL_VISIT) == AttendanceTotals(1, 100, 80, 170)
    assert totals.for_kind(OutreachKind.KHULI_KACHEHRI) == AttendanceTotals()
    assert totals.for_station(stations["Saddar"]).attendance == 180
    assert totals.for_station(uuid.uuid4()) == AttendanceTotals()
    assert next(row for row in totals.by_kind if row.kind is OutreachKind.SCHOOL_VISIT).kind_label == "School visit"


def test_month_totals_of_an_empty_month_list_every_station_and_kind(
    outreach: OutreachService, listed: dict[str, uuid.UUID]
) -> None:
    totals = outreach.month_totals("2025-12")
    assert (totals.events, totals.men, totals.women, totals.youth) == (0, 0, 0, 0)
    assert [row.station_name for row in totals.by_station] == ["City", "Saddar"]
    assert len(totals.by_kind) == len(OutreachKind)
    assert all(row.totals == AttendanceTotals() for row in totals.by_station)
    assert all(row.totals == AttendanceTotals() for row in totals.by_kind)


def test_month_totals_keep_events_of_a_deleted_station(
    outreach: OutreachService, listed: dict[str, uuid.UUID], dpo: ServiceContext, stations: dict[str, uuid.UUID]
) -> None:
    delete_station(dpo, stations["Saddar"])
    totals = outreach.month_totals("2026-03")
    assert [(row.station_name, row.totals.events) for row in totals.by_station] == [("City", 0), ("Saddar", 1)]
    assert [row.station_name for row in outreach.month_totals("2026-01").by_station] == ["City"]


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-00", "not a month"),
        ("2026-13", "not a month"),
        ("26-03", "for example 2026-03"),
        ("", "for example 2026-03"),
        ("2026-03-01", "for example 2026-03"),
        ("March 2026", "for example 2026-03"),
        (202603, "for example 2026-03"),
    ],
)
def test_month_totals_refuse_a_badly_written_month(outreach: OutreachService, month: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as raised:
        outreach.month_totals(month)
    assert raised.value.field == "month"


def test_month_totals_take_a_month_value_or_its_text(outreach: OutreachService, listed: dict[str, uuid.UUID]) -> None:
    assert outreach.month_totals(Month(2026, 2)) == outreach.month_totals(" 2026-2 ")
    assert outreach.month_totals(Month(2026, 2)).month == "2026-02"


def test_success_stories_only_with_consent(
    outreach: OutreachService, listed: dict[str, uuid.UUID], stations: dict[str, uuid.UUID]
) -> None:
    outreach.create(
        draft(stations["City"], held_on=date(2025, 12, 30), success_story="Last year.", success_story_consent=True)
    )
    outreach.create(draft(stations["City"], held_on=date(2026, 1, 2), success_story="", success_story_consent=True))
    early = outreach.create(
        draft(stations["City"], held_on=date(2026, 1, 20), success_story="Land returned.", success_story_consent=True)
    )
    stories = outreach.success_stories(2026)
    assert [story.event_id for story in stories] == [early.id, listed["school"]]  # sports: no consent
    school = stories[1]
    assert (school.story, school.station_name, school.kind, school.kind_label) == (
        "A girl reported online blackmail.",
        "Saddar",
        OutreachKind.SCHOOL_VISIT,
        "School visit",
    )
    assert [story.story for story in outreach.success_stories(2025)] == ["Last year."]
    assert outreach.success_stories(2024) == []
    with pytest.raises(ValidationError, match="four digits"):
        outreach.success_stories(0)
