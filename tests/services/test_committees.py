"""CommitteeService: committees, their rosters, the membership rules, lists, and the 0003 schema."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection

import copdesk.models.committees as committee_models
import copdesk.models.meetings as meeting_models
from copdesk.domain.corpus import member_categories
from copdesk.errors import ConflictError, NotFound, PermissionDenied, ValidationError, WorkflowError
from copdesk.models.base import Base
from copdesk.models.committees import CommitteeType, MemberRole
from copdesk.models.meetings import AttendanceStatus
from copdesk.models.organisation import Station
from copdesk.models.people import Gender, Person
from copdesk.paths import migrations_dir
from copdesk.services import policy
from copdesk.services.committees import (
    CommitteeDraft,
    CommitteeService,
    MemberDraft,
    active_on,
    committee_active_on,
    periods_overlap,
)
from copdesk.services.context import ServiceContext
from copdesk.services.meetings import MeetingService
from copdesk.services.paging import PageRequest
from copdesk.storage.engine import make_engine, writer

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
TODAY = NOW.astimezone().date()  # what ctx.today() gives on this machine
FORMED = TODAY - timedelta(days=200)

MY_TABLES = [
    committee_models.Committee.__tablename__,
    committee_models.CommitteeMember.__tablename__,
    meeting_models.Meeting.__tablename__,
    meeting_models.ActionItem.__tablename__,
    meeting_models.AgendaItem.__tablename__,
    meeting_models.MemberAttendance.__tablename__,
    meeting_models.OfficerAttendance.__tablename__,
    meeting_models.Guest.__tablename__,
    meeting_models.Decision.__tablename__,
    meeting_models.DisputeHeard.__tablename__,
]


@pytest.fixture(autouse=True)
def _fixed_clock(clerk: ServiceContext, officer: ServiceContext, dpo: ServiceContext) -> None:
    for ctx in (clerk, officer, dpo):
        ctx.clock = lambda: NOW


@pytest.fixture
def committees(clerk: ServiceContext) -> CommitteeService:
    return CommitteeService(clerk)


@pytest.fixture
def stations(dpo: ServiceContext) -> dict[str, uuid.UUID]:
    with dpo.read() as session:
        return {name: station_id for station_id, name in session.execute(select(Station.id, Station.name))}


def add_person(ctx: ServiceContext, name: str, gender: Gender = Gender.MALE, **fields: object) -> uuid.UUID:
    with ctx.write() as session:
        person = Person(name=name, gender=gender.value, **fields)
        session.add(person)
        session.flush()
        return person.id


def committee_draft(station_id: uuid.UUID, **changes: object) -> CommitteeDraft:
    base = CommitteeDraft(
        type=CommitteeType.DISPUTE_RESOLUTION,
        name="DRC City",
        station_id=station_id,
        formed_on=FORMED,
        notification_ref="No. 1234/DRC dated 01-09-2025",
        notes="Notified by the DPO.",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def member(
    person_id: uuid.UUID, role: MemberRole = MemberRole.MEMBER, category: str = "elder", joined_on: date = FORMED
) -> MemberDraft:
    return MemberDraft(person_id=person_id, role=role, category=category, joined_on=joined_on)


# --- schema ------------------------------------------------------------------------------------------------------


def test_migration_creates_the_tables_as_the_models_declare(district_db: object) -> None:
    engine = district_db.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        inspector = inspect(connection)
        for table_name in MY_TABLES:
            model = Base.metadata.tables[table_name]
            reflected = {column["name"]: column for column in inspector.get_columns(table_name)}
            assert set(reflected) == {column.name for column in model.columns}, table_name
            for column in model.columns:
                assert reflected[column.name]["nullable"] == column.nullable, (table_name, column.name)
                assert str(reflected[column.name]["type"]) == str(column.type.compile(connection.dialect)), (
                    table_name,
                    column.name,
                )
            assert inspector.get_pk_constraint(table_name)["name"] == f"pk_{table_name}"
            assert {fk["name"] for fk in inspector.get_foreign_keys(table_name)} == {
                fk.name for fk in model.foreign_key_constraints
            }, table_name
            assert {ix["name"] for ix in inspector.get_indexes(table_name)} == {ix.name for ix in model.indexes}
        assert "committees_fts" in inspector.get_table_names()
        diffs = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    mine = [d for d in diffs if any(t in repr(d) for t in MY_TABLES) and "_fts" not in repr(d)]
    assert mine == []


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_migration_upgrades_and_downgrades(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = (
        f"sqlite+pysqlite:///{tmp_path / 'plain.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    engine = make_engine(url)

    def alembic(connection: Connection) -> Config:
        config = Config()
        config.set_main_option("script_location", str(migrations_dir()))
        config.attributes["connection"] = connection
        return config

    try:
        with writer(engine).begin() as connection:
            command.upgrade(alembic(connection), "0003_committees_meetings")
        inspector = inspect(engine)
        for table_name in MY_TABLES:
            model = Base.metadata.tables[table_name]
            reflected = {column["name"]: column["nullable"] for column in inspector.get_columns(table_name)}
            assert reflected == {column.name: column.nullable for column in model.columns}, table_name
        with writer(engine).begin() as connection:
            command.downgrade(alembic(connection), "0002_organisation_people")
        left = set(inspect(engine).get_table_names())
        assert "people" in left and not left & {*MY_TABLES, "committees_fts"}
    finally:
        engine.dispose()


def test_member_categories_come_from_the_corpus() -> None:
    assert {"elder", "ulema", "lawyer", "youth", "woman", "minority", "retired_officer"} <= set(member_categories())


# --- membership periods (pure rules) -----------------------------------------------------------------------------

_days = st.integers(min_value=0, max_value=40)
_ends = st.one_of(st.none(), _days)


@given(_days, _ends, _days, _ends)
def test_periods_overlap_exactly_when_they_share_a_day(sa: int, ea: int | None, sb: int, eb: int | None) -> None:
    origin = date(2026, 1, 1)

    def day(n: int | None) -> date | None:
        return None if n is None else origin + timedelta(days=n)

    start_a, end_a, start_b, end_b = day(sa), day(ea), day(sb), day(eb)
    assert start_a is not None and start_b is not None
    shared = any(
        active_on(start_a, end_a, origin + timedelta(days=n)) and active_on(start_b, end_b, origin + timedelta(days=n))
        for n in range(0, 90)
    )
    assert periods_overlap(start_a, end_a, start_b, end_b) is shared
    assert periods_overlap(start_b, end_b, start_a, end_a) is shared


def test_a_membership_ends_on_the_day_the_member_leaves() -> None:
    joined, left = date(2026, 1, 1), date(2026, 3, 5)
    assert active_on(joined, left, date(2026, 1, 1))
    assert active_on(joined, left, date(2026, 3, 4))
    assert not active_on(joined, left, date(2026, 3, 5))
    assert not active_on(joined, None, date(2025, 12, 31))
    assert active_on(joined, None, date(2030, 1, 1))


def test_a_committee_may_meet_on_the_day_it_is_dissolved_but_not_after() -> None:
    formed, dissolved = date(2025, 1, 1), date(2026, 3, 5)
    assert committee_active_on(formed, dissolved, dissolved)
    assert not committee_active_on(formed, dissolved, dissolved + timedelta(days=1))
    assert not committee_active_on(formed, None, formed - timedelta(days=1))
    assert committee_active_on(formed, None, formed)


# --- committees ----------------------------------------------------------------------------------------------------


def test_create_and_get(committees: CommitteeService, stations: dict[str, uuid.UUID]) -> None:
    created = committees.create(committee_draft(stations["City"], name="  DRC   City  ", notes="  Notified. "))
    assert created.version == 1
    assert created.type is CommitteeType.DISPUTE_RESOLUTION
    assert created.type_label == "Dispute Resolution Council (DRC)"
    assert (created.name, created.notes) == ("DRC City", "Notified.")
    assert (created.station_id, created.station_name) == (stations["City"], "City")
    assert created.formed_on == FORMED and created.dissolved_on is None
    assert created.active is True
    assert created.member_count == 0 and created.last_held_on is None
    assert committees.get(created.id) == created


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"type": "panchayat"}, "type"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 161}, "name"),
        ({"formed_on": None}, "formed_on"),
        ({"formed_on": TODAY + timedelta(days=1)}, "formed_on"),
        ({"notification_ref": "r" * 121}, "notification_ref"),
    ],
)
def test_create_refuses_bad_input(
    committees: CommitteeService, stations: dict[str, uuid.UUID], changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        committees.create(committee_draft(stations["City"], **changes))
    assert caught.value.field == field
    assert committees.count(PageRequest()) == 0


def test_create_refuses_an_unknown_station(committees: CommitteeService) -> None:
    with pytest.raises(ValidationError) as caught:
        committees.create(committee_draft(uuid.uuid4()))
    assert caught.value.field == "station_id"


def test_a_station_cannot_have_two_committees_of_the_same_name(
    committees: CommitteeService, stations: dict[str, uuid.UUID]
) -> None:
    committees.create(committee_draft(stations["City"]))
    with pytest.raises(ConflictError, match="already has a committee called DRC CITY"):
        committees.create(committee_draft(stations["City"], name="DRC CITY"))
    other = committees.create(committee_draft(stations["Saddar"]))  # another station may use the name
    assert other.station_name == "Saddar"


def test_update_checks_the_version_and_the_dates(
    committees: CommitteeService, clerk: ServiceContext, stations: dict[str, uuid.UUID]
) -> None:
    created = committees.create(committee_draft(stations["City"]))
    updated = committees.update(
        created.id, created.version, committee_draft(stations["Saddar"], type="islahi", name="Islahi Saddar")
    )
    assert (updated.version, updated.type, updated.name, updated.station_name) == (
        2,
        CommitteeType.ISLAHI,
        "Islahi Saddar",
        "Saddar",
    )
    with pytest.raises(ConflictError, match="Someone else changed"):
        committees.update(created.id, created.version, committee_draft(stations["City"]))

    MeetingService(clerk).schedule(created.id, FORMED + timedelta(days=10), "Thana hall")
    with pytest.raises(ValidationError, match="has a meeting on") as caught:
        committees.update(
            created.id, updated.version, committee_draft(stations["Saddar"], formed_on=FORMED + timedelta(days=11))
        )
    assert caught.value.field == "formed_on"
    moved = committees.update(
        created.id, updated.version, committee_draft(stations["Saddar"], formed_on=FORMED + timedelta(days=10))
    )
    assert moved.formed_on == FORMED + timedelta(days=10)


def test_update_refuses_a_formation_after_a_member_joined(
    committees: CommitteeService, clerk: ServiceContext, stations: dict[str, uuid.UUID]
) -> None:
    created = committees.create(committee_draft(stations["City"]))
    committees.add_member(created.id, member(add_person(clerk, "Haji Bashir"), joined_on=FORMED + timedelta(days=3)))
    with pytest.raises(ValidationError, match="A member joined on"):
        committees.update(
            created.id, created.version, committee_draft(stations["City"], formed_on=FORMED + timedelta(days=4))
        )


def test_dissolve(committees: CommitteeService, clerk: ServiceContext, stations: dict[str, uuid.UUID]) -> None:
    created = committees.create(committee_draft(stations["City"]))
    MeetingService(clerk).schedule(created.id, TODAY - timedelta(days=20), "Thana hall")
    with pytest.raises(ValidationError, match="has a meeting on"):
        committees.dissolve(created.id, created.version, TODAY - timedelta(days=21))
    with pytest.raises(ValidationError, match="cannot be dissolved before"):
        committees.dissolve(created.id, created.version, FORMED - timedelta(days=1))
    with pytest.raises(ValidationError, match="future"):
        committees.dissolve(created.id, created.version, TODAY + timedelta(days=1))
    dissolved = committees.dissolve(created.id, created.version, TODAY - timedelta(days=5))
    assert dissolved.dissolved_on == TODAY - timedelta(days=5)
    assert dissolved.active is False
    with pytest.raises(WorkflowError, match="already dissolved"):
        committees.dissolve(created.id, dissolved.version, TODAY)
    with pytest.raises(ValidationError, match="cannot hold meetings after"):
        MeetingService(clerk).schedule(created.id, TODAY - timedelta(days=4), "Thana hall")
    with pytest.raises(ValidationError, match="nobody can join after"):
        committees.add_member(created.id, member(add_person(clerk, "Late Comer"), joined_on=TODAY))


def test_a_committee_dissolved_today_is_still_active_today(
    committees: CommitteeService, stations: dict[str, uuid.UUID]
) -> None:
    created = committees.create(committee_draft(stations["City"]))
    assert committees.dissolve(created.id, created.version, TODAY).active is True


def test_delete_is_for_officers_soft_and_refused_with_meetings(
    committees: CommitteeService,
    clerk: ServiceContext,
    officer: ServiceContext,
    stations: dict[str, uuid.UUID],
) -> None:
    first = committees.create(committee_draft(stations["City"]))
    second = committees.create(committee_draft(stations["City"], name="Vigilance City", type="vigilance"))
    committees.add_member(first.id, member(add_person(clerk, "Haji Bashir")))
    with pytest.raises(PermissionDenied):
        committees.delete(first.id)
    as_officer = CommitteeService(officer)
    as_officer.delete(first.id)
    with pytest.raises(NotFound):
        committees.get(first.id)
    assert [c.id for c in committees.page(PageRequest()).rows] == [second.id]
    with clerk.read() as session:
        rows = session.scalars(select(committee_models.CommitteeMember)).all()
        assert len(rows) == 1 and rows[0].deleted_at is not None and rows[0].deleted_at == NOW
    # the name is free again once the committee is deleted
    assert committees.create(committee_draft(stations["City"])).name == "DRC City"

    MeetingService(clerk).schedule(second.id, TODAY, "Thana hall")
    with pytest.raises(WorkflowError, match="Dissolve it instead"):
        as_officer.delete(second.id)
    assert committees.get(second.id).id == second.id


def test_lists_filter_search_and_sort(committees: CommitteeService, stations: dict[str, uuid.UUID]) -> None:
    drc = committees.create(committee_draft(stations["City"], notification_ref="Order 77/CPLC"))
    islahi = committees.create(
        committee_draft(stations["Saddar"], type="islahi", name="اصلاحی کمیٹی صدر", formed_on=FORMED - timedelta(30))
    )
    old = committees.create(committee_draft(stations["Saddar"], type="vigilance", name="Bazaar vigilance"))
    old = committees.dissolve(old.id, old.version, TODAY - timedelta(days=1))

    def names(**kwargs: object) -> list[str]:
        request = PageRequest(**kwargs)  # type: ignore[arg-type]
        rows = committees.page(request).rows
        assert committees.count(request) == len(rows)
        return [r.name for r in rows]

    assert names() == ["Bazaar vigilance", "DRC City", "اصلاحی کمیٹی صدر"]
    assert names(filters={"type": "islahi"}) == [islahi.name]
    assert names(filters={"station_id": stations["Saddar"]}) == ["Bazaar vigilance", islahi.name]
    assert names(filters={"active": True}) == ["DRC City", islahi.name]
    assert names(filters={"active": False}) == [old.name]
    assert names(search="cplc") == [drc.name]
    assert names(search="order 77") == [drc.name]
    assert names(search="bazaar") == [old.name]
    assert names(search="nothing-like-this") == []
    assert names(search="اصلاحي") == [islahi.name]  # Arabic yeh finds the Urdu spelling
    assert names(sort="formed_on")[0] == islahi.name
    assert names(sort="formed_on", descending=True)[-1] == islahi.name
    assert names(sort="station", descending=True)[-1] == "DRC City"
    with pytest.raises(ValidationError):
        committees.count(PageRequest(filters={"colour": "red"}))
    with pytest.raises(ValidationError):
        committees.page(PageRequest(filters={"type": "panchayat"}))
    with pytest.raises(ValidationError):
        committees.page(PageRequest(sort="colour"))


def test_the_desk_may_view_and_create_but_hub_roles_may_not(as_role: object, stations: dict[str, uuid.UUID]) -> None:
    from copdesk.models.accounts import Role

    for role in (Role.HUB_ANALYST, Role.HUB_ADMIN):
        ctx = as_role(role)  # type: ignore[operator]
        with pytest.raises(PermissionDenied):
            CommitteeService(ctx).count(PageRequest())
        with pytest.raises(PermissionDenied):
            CommitteeService(ctx).create(committee_draft(stations["City"]))


# --- members -------------------------------------------------------------------------------------------------------


@pytest.fixture
def drc(committees: CommitteeService, stations: dict[str, uuid.UUID]) -> uuid.UUID:
    return committees.create(committee_draft(stations["City"])).id


def test_add_member_and_roster(committees: CommitteeService, clerk: ServiceContext, drc: uuid.UUID) -> None:
    zahid = add_person(clerk, "Zahid Hussain", mobile="+923001234567", father_name="Ghulam Rasool")
    amna = add_person(clerk, "Amna Bibi", Gender.FEMALE)
    bashir = add_person(clerk, "Bashir Ahmed")
    added = committees.add_member(drc, member(zahid, category="lawyer"))
    assert (added.name, added.father_name, added.mobile) == ("Zahid Hussain", "Ghulam Rasool", "0300-1234567")
    assert (added.role, added.role_label, added.category, added.category_label) == (
        MemberRole.MEMBER,
        "Member",
        "lawyer",
        "Lawyer",
    )
    assert added.active is True and added.left_on is None
    committees.add_member(drc, member(amna, MemberRole.SECRETARY, "woman"))
    committees.add_member(drc, member(bashir, MemberRole.CONVENER, "elder"))
    roster = committees.roster(drc)
    assert [(m.name, m.role) for m in roster] == [
        ("Bashir Ahmed", MemberRole.CONVENER),
        ("Amna Bibi", MemberRole.SECRETARY),
        ("Zahid Hussain", MemberRole.MEMBER),
    ]
    assert roster[1].gender is Gender.FEMALE
    assert committees.get(drc).member_count == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "chairman"}, "role"),
        ({"category": "astrologer"}, "category"),
        ({"joined_on": None}, "joined_on"),
        ({"joined_on": TODAY + timedelta(days=1)}, "joined_on"),
        ({"joined_on": FORMED - timedelta(days=1)}, "joined_on"),
    ],
)
def test_add_member_refuses_bad_input(
    committees: CommitteeService, clerk: ServiceContext, drc: uuid.UUID, changes: dict[str, object], field: str
) -> None:
    draft = replace(member(add_person(clerk, "Haji Bashir")), **changes)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as caught:
        committees.add_member(drc, draft)
    assert caught.value.field == field
    assert committees.roster(drc) == []


def test_add_member_refuses_a_missing_or_deleted_person(
    committees: CommitteeService, clerk: ServiceContext, drc: uuid.UUID
) -> None:
    with pytest.raises(ValidationError, match="does not exist") as caught:
        committees.add_member(drc, member(uuid.uuid4()))
    assert caught.value.field == "person_id"
    gone = add_person(clerk, "Gone Away")
    with clerk.write() as session:
        session.get_one(Person, gone).deleted_at = NOW
    with pytest.raises(ValidationError, match="does not exist"):
        committees.add_member(drc, member(gone))
    with pytest.raises(NotFound):
        committees.add_member(uuid.uuid4(), member(add_person(clerk, "Someone")))


def test_a_person_is_at_most_once_an_active_member(
    committees: CommitteeService, clerk: ServiceContext, drc: uuid.UUID, stations: dict[str, uuid.UUID]
) -> None:
    person = add_person(clerk, "Haji Bashir")
    first = committees.add_member(drc, member(person))
    with pytest.raises(ConflictError, match="already a member"):
        committees.add_member(drc, member(person, joined_on=TODAY))
    # another committee may have the same person
    other = committees.create(committee_draft(stations["Saddar"]))
    assert committees.add_member(other.id, member(person)).committee_id == other.id
    # after leaving, the person may join again (from the day they left)
    committees.end_membership(first.id, first.version, TODAY - timedelta(days=10))
    again = committees.add_member(drc, member(person, joined_on=TODAY - timedelta(days=10)))
    assert again.active is True
    assert [m.id for m in committees.roster(drc)] == [again.id]
    assert {m.id for m in committees.roster(drc, include_former=True)} == {first.id, again.id}


def test_at_most_one_convener_and_one_secretary_at_a_time(
    committees: CommitteeService, clerk: ServiceContext, drc: uuid.UUID
) -> None:
    convener = committees.add_member(drc, member(add_person(clerk, "Old Convener"), MemberRole.CONVENER))
    secretary = committees.add_member(drc, member(add_person(clerk, "Secretary One"), MemberRole.SECRETARY))
    new_convener = add_person(clerk, "New Convener")
    with pytest.raises(ConflictError, match="already has a convener"):
        committees.add_member(drc, member(new_convener, MemberRole.CONVENER, joined_on=TODAY))
    with pytest.raises(ConflictError, match="already has a secretary"):
        committees.add_member(drc, member(add_person(clerk, "Secretary Two"), MemberRole.SECRETARY))
    # plain members are not limited
    for n in range(3):
        committees.add_member(drc, member(add_person(clerk, f"Member {n}")))
    # hand-over: the new convener joins on the day the old one leaves
    handover = TODAY - timedelta(days=3)
    committees.end_membership(convener.id, convener.version, handover)
    joined = committees.add_member(drc, member(new_convener, MemberRole.CONVENER, joined_on=handover))
    assert joined.role is MemberRole.CONVENER
    # promoting a member to secretary while the secretary serves is refused
    plain = next(m for m in committees.roster(drc) if m.name == "Member 0")
    with pytest.raises(ConflictError, match="already has a secretary"):
        committees.update_member(plain.id, plain.version, member(plain.person_id, MemberRole.SECRETARY))
    assert secretary.role is MemberRole.SECRETARY


def test_update_member(committees: CommitteeService, clerk: ServiceContext, drc: uuid.UUID) -> None:
    person = add_person(clerk, "Maulana Tariq")
    added = committees.add_member(drc, member(person, category="elder"))
    updated = committees.update_member(
        added.id, added.version, member(person, MemberRole.CONVENER, "ulema", FORMED + timedelta(days=1))
    )
    assert (updated.version, updated.role, updated.category_label, updated.joined_on) == (
        2,
        MemberRole.CONVENER,
        "Religious scholar (Ulema)",
        FORMED + timedelta(days=1),
    )
    with pytest.raises(ConflictError, match="Someone else changed"):
        committees.update_member(added.id, added.version, member(person))
    with pytest.raises(ValidationError, match="cannot be moved to another person") as caught:
        committees.update_member(added.id, updated.version, member(add_person(clerk, "Another")))
    assert caught.value.field == "person_id"
    assert committees.get_member(added.id) == updated


def test_end_membership(committees: CommitteeService, clerk: ServiceContext, drc: uuid.UUID) -> None:
    added = committees.add_member(drc, member(add_person(clerk, "Haji Bashir"), joined_on=FORMED + timedelta(5)))
    with pytest.raises(ValidationError, match="cannot be before") as caught:
        committees.end_membership(added.id, added.version, FORMED + timedelta(days=4))
    assert caught.value.field == "left_on"
    with pytest.raises(ValidationError, match="future"):
        committees.end_membership(added.id, added.version, TODAY + timedelta(days=1))
    with pytest.raises(ConflictError):
        committees.end_membership(added.id, added.version + 1, TODAY)
    ended = committees.end_membership(added.id, added.version, TODAY)
    assert (ended.left_on, ended.active) == (TODAY, False)
    assert committees.roster(drc) == []
    assert committees.get(drc).member_count == 0
    with pytest.raises(WorkflowError, match="already ended"):
        committees.end_membership(added.id, ended.version, TODAY)


def test_membership_dates_must_keep_the_meetings_where_attendance_is_marked(
    committees: CommitteeService, clerk: ServiceContext, drc: uuid.UUID
) -> None:
    person = add_person(clerk, "Haji Bashir")
    added = committees.add_member(drc, member(person))
    meetings = MeetingService(clerk)
    held_on = TODAY - timedelta(days=30)
    meeting = meetings.schedule(drc, held_on, "Thana hall")
    meetings.mark_attendance(meeting.id, {added.id: AttendanceStatus.PRESENT})
    with pytest.raises(ValidationError, match="attendance is recorded") as caught:
        committees.end_membership(added.id, added.version, held_on)
    assert caught.value.field == "left_on"
    with pytest.raises(ValidationError, match="attendance is recorded") as caught:
        committees.update_member(added.id, added.version, member(person, joined_on=held_on + timedelta(days=1)))
    assert caught.value.field == "joined_on"
    with pytest.raises(WorkflowError, match="End the membership instead"):
        committees.remove_member(added.id)
    assert committees.end_membership(added.id, added.version, held_on + timedelta(days=1)).left_on == (
        held_on + timedelta(days=1)
    )


def test_remove_member_entered_by_mistake(committees: CommitteeService, clerk: ServiceContext, drc: uuid.UUID) -> None:
    added = committees.add_member(drc, member(add_person(clerk, "Wrong Person")))
    committees.remove_member(added.id)
    assert committees.roster(drc, include_former=True) == []
    with pytest.raises(NotFound):
        committees.get_member(added.id)


def test_roster_names_go_through_privacy(
    committees: CommitteeService, clerk: ServiceContext, drc: uuid.UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    committees.add_member(drc, member(add_person(clerk, "Haji Bashir", mobile="+923001234567")))
    monkeypatch.setitem(policy.POLICY, policy.VIEW_CONTACT, frozenset())  # type: ignore[index]
    (shown,) = committees.roster(drc)
    assert shown.name == "•••"
    assert shown.mobile == "••••-•••••67"
