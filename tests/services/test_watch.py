"""WatchService: neighbourhood-watch groups, volunteers, shifts, turn-out, rotation, roster and the migration."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import CheckConstraint, Connection, Engine, inspect, select, text
from sqlalchemy.exc import IntegrityError

from copdesk.errors import ConflictError, NotFound, PermissionDenied, ValidationError, WorkflowError
from copdesk.models.base import Base
from copdesk.models.organisation import Beat, Station
from copdesk.models.people import Person
from copdesk.models.watch import DutyShift, ShiftAssignment, VerificationStatus, Volunteer, WatchGroup
from copdesk.paths import migrations_dir
from copdesk.services.context import ServiceContext
from copdesk.services.paging import PageRequest
from copdesk.services.watch import GroupDraft, ShiftDraft, VolunteerDraft, WatchService, describe_shift
from copdesk.storage.engine import make_engine, writer

WATCH_TABLES = ("watch_groups", "watch_volunteers", "watch_shifts", "watch_shift_assignments")
TODAY = date(2025, 3, 10)  # a Monday
NIGHT, MORNING = time(22), time(4)


def fixed_clock(instant: datetime) -> Callable[[], datetime]:
    """A clock that always says ``instant``."""
    return lambda: instant


def local(day: date, at: time) -> datetime:
    """An aware UTC instant for a local wall-clock time (as the service's local-time rules see it)."""
    return datetime.combine(day, at).astimezone().astimezone(UTC)


@dataclass
class World:
    """Two stations with a beat each, six people, and the three desk roles sharing one settable clock."""

    clerk: WatchService
    officer: WatchService
    dpo: WatchService
    contexts: tuple[ServiceContext, ...]
    city_beat: uuid.UUID
    saddar_beat: uuid.UUID
    city: uuid.UUID
    saddar: uuid.UUID
    people: dict[str, uuid.UUID]

    def at(self, day: date, moment: time) -> None:
        for ctx in self.contexts:
            ctx.clock = fixed_clock(local(day, moment))

    def group(self, name: str = "Islampura Pehra", beat: uuid.UUID | None = None, **kwargs: Any) -> uuid.UUID:
        draft = GroupDraft(beat or self.city_beat, name, formed_on=date(2025, 1, 1), **kwargs)
        return self.clerk.create_group(draft).id

    def volunteer(
        self, group: uuid.UUID, who: str, status: VerificationStatus | None = VerificationStatus.VERIFIED
    ) -> uuid.UUID:
        added = self.clerk.add_volunteer(group, VolunteerDraft(self.people[who], joined_on=date(2025, 1, 15)))
        if status is not None and status is not VerificationStatus.PENDING:
            self.officer.verify(added.id, added.version, status)
        return added.id

    def shift(self, group: uuid.UUID, day: date, starts: time = NIGHT, ends: time = MORNING, needed: int = 2) -> Any:
        return self.clerk.create_shift(ShiftDraft(group, day, starts, ends, needed))


NAMES = {
    "ali": ("Ali Raza", "+923001234567"),
    "bilal": ("Bilal Ahmed", "+923011112222"),
    "faisal": ("Faisal Khan", "+923021113333"),
    "hamza": ("Hamza Iqbal", "+923031114444"),
    "imran": ("Imran Butt", "+923041115555"),
    "junaid": ("Junaid Akhtar", None),
}


@pytest.fixture
def world(clerk: ServiceContext, officer: ServiceContext, dpo: ServiceContext) -> World:
    with dpo.write() as session:
        stations = {s.name: s.id for s in session.scalars(select(Station))}
        city_beat = Beat(station_id=stations["City"], name="Mohalla Islampura", description="")
        saddar_beat = Beat(station_id=stations["Saddar"], name="Gulberg Block A", description="")
        session.add_all([city_beat, saddar_beat])
        people = {key: Person(name=name, gender="male", mobile=mobile) for key, (name, mobile) in NAMES.items()}
        session.add_all(people.values())
        session.flush()
        ids = {key: person.id for key, person in people.items()}
        beats = (city_beat.id, saddar_beat.id)
    result = World(
        WatchService(clerk),
        WatchService(officer),
        WatchService(dpo),
        (clerk, officer, dpo),
        beats[0],
        beats[1],
        stations["City"],
        stations["Saddar"],
        ids,
    )
    result.at(TODAY, time(12))
    return result


# -------------------------------------------------------------------------------- migration


def assert_watch_schema(engine: Engine) -> None:
    """The watch tables in the database have the models' columns, types, nullability and named constraints."""
    inspector = inspect(engine)
    dialect = engine.dialect
    for name in WATCH_TABLES:
        table = Base.metadata.tables[name]
        reflected = {c["name"]: c for c in inspector.get_columns(name)}
        assert set(reflected) == set(table.columns.keys()), name
        for column in table.columns:
            found = reflected[column.name]
            assert found["nullable"] == column.nullable, f"{name}.{column.name} nullability"
            assert found["type"].compile(dialect) == column.type.compile(dialect), f"{name}.{column.name} type"
        model_fks = {
            (tuple(fk.parent.name for fk in c.elements), c.referred_table.name, c.name)
            for c in table.foreign_key_constraints
        }
        db_fks = {
            (tuple(fk["constrained_columns"]), fk["referred_table"], fk["name"])
            for fk in inspector.get_foreign_keys(name)
        }
        assert db_fks == model_fks, name
        assert inspector.get_pk_constraint(name)["name"] == f"pk_{name}"
        db_indexes = {i["name"]: i for i in inspector.get_indexes(name)}
        for index in table.indexes:
            assert index.name in db_indexes, f"{name}: index {index.name} missing"
            assert bool(db_indexes[index.name]["unique"]) == bool(index.unique), index.name
    uniques = {u["name"] for u in inspector.get_unique_constraints("watch_shift_assignments")}
    assert "uq_watch_shift_assignments_shift_id_volunteer_id" in uniques
    checks = {c["name"] for c in inspector.get_check_constraints("watch_shifts")}
    model_checks = {c.name for c in Base.metadata.tables["watch_shifts"].constraints if isinstance(c, CheckConstraint)}
    assert checks == model_checks == {"ck_watch_shifts_volunteers_needed_positive"}


def test_the_district_database_has_the_watch_tables_and_search_index(district_db: Any) -> None:
    assert_watch_schema(district_db.engine)
    with district_db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM watch_groups_fts")).scalar_one() == 0


def _alembic(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_migration_upgrades_and_downgrades(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = (
        f"sqlite+pysqlite:///{tmp_path / 'plain.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    engine = make_engine(url)
    try:
        with writer(engine).begin() as connection:
            command.upgrade(_alembic(connection), "0004_watch")
        assert_watch_schema(engine)
        with writer(engine).begin() as connection:
            command.downgrade(_alembic(connection), "0002_organisation_people")
        left = set(inspect(engine).get_table_names())
        assert "beats" in left and not left & {*WATCH_TABLES, "watch_groups_fts"}
    finally:
        engine.dispose()


def test_the_database_refuses_a_second_active_membership(world: World, dpo: ServiceContext) -> None:
    group = world.group()
    world.volunteer(group, "ali", None)
    with pytest.raises(IntegrityError, match="UNIQUE"):
        with dpo.write() as session:
            session.add(Volunteer(group_id=group, person_id=world.people["ali"], joined_on=TODAY))


# -------------------------------------------------------------------------------- groups


def test_create_group_and_read_it_back(world: World) -> None:
    created = world.clerk.create_group(GroupDraft(world.city_beat, "  Islampura   Pehra ", notes=" nightly "))
    assert (created.name, created.formed_on, created.notes, created.active) == (
        "Islampura Pehra",
        TODAY,
        "nightly",
        True,
    )
    assert (created.beat_name, created.station_name, created.station_id) == ("Mohalla Islampura", "City", world.city)
    assert (created.leader_person_id, created.leader_name, created.volunteers, created.version) == (None, "", 0, 1)
    assert world.officer.get_group(created.id) == created


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"beat_id": uuid.uuid4()}, "beat_id"),
        ({"formed_on": TODAY + timedelta(days=1)}, "formed_on"),
        ({"leader_person_id": uuid.uuid4()}, "leader_person_id"),
        ({"notes": "n" * 2001}, "notes"),
    ],
)
def test_group_input_is_validated(world: World, change: dict[str, Any], field: str) -> None:
    draft = replace(GroupDraft(world.city_beat, "Islampura Pehra"), **change)
    with pytest.raises(ValidationError) as caught:
        world.clerk.create_group(draft)
    assert caught.value.field == field


def test_group_names_are_unique_within_a_beat(world: World) -> None:
    world.group("Islampura Pehra")
    with pytest.raises(ConflictError, match="already has a watch group"):
        world.group("islampura pehra")
    assert world.group("Islampura Pehra", beat=world.saddar_beat)  # another beat may use the name


def test_update_group_checks_version_and_leader(world: World) -> None:
    group = world.group()
    view = world.clerk.get_group(group)
    draft = GroupDraft(world.city_beat, "Islampura Pehra", leader_person_id=world.people["ali"])
    with pytest.raises(ValidationError, match="leader must be a volunteer"):
        world.clerk.update_group(group, view.version, draft)
    world.volunteer(group, "ali")
    updated = world.clerk.update_group(group, view.version, draft)
    assert (updated.leader_person_id, updated.leader_name, updated.version) == (world.people["ali"], "Ali Raza", 2)
    assert (updated.volunteers, updated.verified_volunteers) == (1, 1)
    with pytest.raises(ConflictError, match="changed this group"):
        world.clerk.update_group(group, view.version, replace(draft, name="Renamed"))


def test_deactivating_a_group_drops_its_unstarted_shifts_only(world: World) -> None:
    group = world.group()
    ali = world.volunteer(group, "ali")
    tonight = world.shift(group, TODAY)
    last_night = world.shift(group, TODAY - timedelta(days=1))
    world.clerk.assign(tonight.id, ali)
    view = world.clerk.get_group(group)
    updated = world.clerk.update_group(group, view.version, GroupDraft(world.city_beat, view.name, active=False))
    assert updated.active is False
    with pytest.raises(NotFound):
        world.clerk.get_shift(tonight.id)
    assert world.clerk.get_shift(last_night.id).id == last_night.id
    with pytest.raises(WorkflowError, match="inactive"):
        world.shift(group, TODAY + timedelta(days=2))
    with pytest.raises(WorkflowError, match="inactive"):
        world.clerk.add_volunteer(group, VolunteerDraft(world.people["bilal"]))


def test_moving_a_group_moves_its_upcoming_shifts_to_the_new_beat(world: World) -> None:
    group = world.group()
    past = world.shift(group, TODAY - timedelta(days=1))
    upcoming = world.shift(group, TODAY + timedelta(days=1))
    view = world.clerk.get_group(group)
    world.clerk.update_group(group, view.version, GroupDraft(world.saddar_beat, view.name))
    assert world.clerk.get_shift(upcoming.id).beat_id == world.saddar_beat
    assert world.clerk.get_shift(past.id).beat_id == world.city_beat


def test_group_list_filters_searches_sorts_and_pages(world: World) -> None:
    a = world.group("Islampura Pehra")
    b = world.group("Anarkali Night Watch")
    c = world.group("Gulberg Guardians", beat=world.saddar_beat)
    view = world.clerk.get_group(b)
    world.clerk.update_group(b, view.version, GroupDraft(world.city_beat, view.name, active=False))

    def names(**kwargs: Any) -> list[str]:
        request = PageRequest(**kwargs)
        page = world.clerk.page(request)
        assert world.clerk.count(request) == len(page.rows)
        return [g.name for g in page.rows]

    assert names() == ["Anarkali Night Watch", "Gulberg Guardians", "Islampura Pehra"]
    assert names(descending=True)[0] == "Islampura Pehra"
    by_station = names(sort="station")
    assert set(by_station[:2]) == {"Anarkali Night Watch", "Islampura Pehra"} and by_station[2] == "Gulberg Guardians"
    assert names(filters={"station_id": world.saddar}) == ["Gulberg Guardians"]
    assert names(filters={"beat_id": str(world.city_beat)}) == ["Anarkali Night Watch", "Islampura Pehra"]
    assert names(filters={"active": True}) == ["Gulberg Guardians", "Islampura Pehra"]
    assert names(filters={"active": False}) == ["Anarkali Night Watch"]
    assert names(search="islam") == ["Islampura Pehra"]
    assert names(search="night watch") == ["Anarkali Night Watch"]
    assert names(search="nobody") == []
    assert world.clerk.page(PageRequest(offset=1, limit=1)).rows[0].id == c
    with pytest.raises(ValidationError, match="cannot be filtered"):
        world.clerk.count(PageRequest(filters={"district": "LHR"}))
    with pytest.raises(ValidationError, match="Cannot sort"):
        world.clerk.page(PageRequest(sort="leader"))
    world.officer.delete_group(a)
    assert "Islampura Pehra" not in names()


def test_only_officers_delete_groups_and_deleted_groups_are_gone(world: World) -> None:
    group = world.group()
    ali = world.volunteer(group, "ali")
    shift = world.shift(group, TODAY)
    world.clerk.assign(shift.id, ali)
    with pytest.raises(PermissionDenied):
        world.clerk.delete_group(group)
    world.officer.delete_group(group)
    for call in (world.clerk.get_group, world.clerk.volunteers):
        with pytest.raises(NotFound):
            call(group)
    with pytest.raises(NotFound):
        world.clerk.get_shift(shift.id)
    with pytest.raises(NotFound):
        world.clerk.get_volunteer(ali)
    assert world.clerk.uncovered_shifts(TODAY, TODAY) == ()
    world.group()  # the name is free again


# -------------------------------------------------------------------------------- volunteers


def test_add_volunteer_starts_pending_and_lists_by_name_with_mobile(world: World) -> None:
    group = world.group()
    world.clerk.add_volunteer(group, VolunteerDraft(world.people["bilal"]))
    added = world.clerk.add_volunteer(group, VolunteerDraft(world.people["ali"], joined_on=date(2025, 2, 1)))
    assert added.verification_status is VerificationStatus.PENDING
    assert (added.verified_on, added.verified_by, added.joined_on, added.left_on) == (
        None,
        None,
        date(2025, 2, 1),
        None,
    )
    assert (added.name, added.mobile, added.active, added.may_go_on_duty) == ("Ali Raza", "0300-1234567", True, False)
    listed = world.clerk.volunteers(group)
    assert [v.name for v in listed] == ["Ali Raza", "Bilal Ahmed"]
    assert listed[1].joined_on == TODAY


def test_a_person_is_once_an_active_volunteer_of_a_group(world: World) -> None:
    group = world.group()
    first = world.volunteer(group, "ali", None)
    with pytest.raises(ConflictError, match="already a volunteer"):
        world.clerk.add_volunteer(group, VolunteerDraft(world.people["ali"]))
    other = world.group("Other", beat=world.saddar_beat)
    world.clerk.add_volunteer(other, VolunteerDraft(world.people["ali"]))  # another group is fine
    left = world.clerk.leave(first, 1)
    assert left.left_on == TODAY and not left.active
    again = world.clerk.add_volunteer(group, VolunteerDraft(world.people["ali"]))  # rejoining after leaving
    assert [v.id for v in world.clerk.volunteers(group)] == [again.id]
    assert {v.id for v in world.clerk.volunteers(group, include_left=True)} == {first, again.id}


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (lambda w: VolunteerDraft(uuid.uuid4()), "person_id"),
        (lambda w: VolunteerDraft(w.people["ali"], joined_on=TODAY + timedelta(days=1)), "joined_on"),
        (lambda w: VolunteerDraft(w.people["ali"], notes="n" * 2001), "notes"),
    ],
)
def test_volunteer_input_is_validated(world: World, draft: Any, field: str) -> None:
    group = world.group()
    with pytest.raises(ValidationError) as caught:
        world.clerk.add_volunteer(group, draft(world))
    assert caught.value.field == field
    with pytest.raises(NotFound):
        world.clerk.add_volunteer(uuid.uuid4(), VolunteerDraft(world.people["ali"]))


def test_update_volunteer(world: World) -> None:
    volunteer = world.volunteer(world.group(), "ali", None)
    updated = world.clerk.update_volunteer(volunteer, 1, joined_on=date(2025, 1, 20), notes="has a motorcycle")
    assert (updated.joined_on, updated.notes, updated.version) == (date(2025, 1, 20), "has a motorcycle", 2)
    with pytest.raises(ConflictError):
        world.clerk.update_volunteer(volunteer, 1, joined_on=date(2025, 1, 21))
    with pytest.raises(ValidationError) as caught:
        world.clerk.update_volunteer(volunteer, 2, joined_on=TODAY + timedelta(days=3))
    assert caught.value.field == "joined_on"


def test_clerks_cannot_verify_volunteers_officers_can(world: World) -> None:
    volunteer = world.volunteer(world.group(), "ali", None)
    with pytest.raises(PermissionDenied):
        world.clerk.verify(volunteer, 1, VerificationStatus.VERIFIED)
    verified = world.officer.verify(volunteer, 1, "verified")
    assert (verified.verification_status, verified.verified_on, verified.verified_by) == (
        VerificationStatus.VERIFIED,
        TODAY,
        "officer",
    )
    assert verified.may_go_on_duty
    with pytest.raises(ConflictError):
        world.dpo.verify(volunteer, 1, VerificationStatus.REJECTED)
    with pytest.raises(ValidationError, match="pending, verified or rejected"):
        world.dpo.verify(volunteer, 2, "approved")
    back = world.dpo.verify(volunteer, 2, VerificationStatus.PENDING)
    assert (back.verification_status, back.verified_on, back.verified_by) == (VerificationStatus.PENDING, None, None)
    rejected = world.dpo.verify(volunteer, 3, VerificationStatus.REJECTED)
    assert (rejected.verification_status, rejected.verified_by) == (VerificationStatus.REJECTED, "dpo")


def test_rejecting_a_volunteer_takes_them_off_upcoming_shifts_only(world: World) -> None:
    group = world.group()
    ali = world.volunteer(group, "ali")
    past = world.shift(group, TODAY - timedelta(days=2))
    upcoming = world.shift(group, TODAY + timedelta(days=1))
    world.clerk.assign(past.id, ali)
    world.clerk.assign(upcoming.id, ali)
    world.officer.verify(ali, world.clerk.get_volunteer(ali).version, VerificationStatus.REJECTED)
    assert [v.volunteer_id for v in world.clerk.get_shift(past.id).volunteers] == [ali]
    assert world.clerk.get_shift(upcoming.id).volunteers == ()


def test_leaving(world: World) -> None:
    group = world.group()
    ali = world.volunteer(group, "ali")
    world.clerk.update_group(
        group, 1, GroupDraft(world.city_beat, "Islampura Pehra", leader_person_id=world.people["ali"])
    )
    upcoming = world.shift(group, TODAY + timedelta(days=1))
    world.clerk.assign(upcoming.id, ali)
    version = world.clerk.get_volunteer(ali).version
    with pytest.raises(ValidationError, match="future") as caught:
        world.clerk.leave(ali, version, TODAY + timedelta(days=1))
    assert caught.value.field == "left_on"
    with pytest.raises(ValidationError, match="before the date the volunteer joined"):
        world.clerk.leave(ali, version, date(2025, 1, 1))
    with pytest.raises(ConflictError):
        world.clerk.leave(ali, version - 1)
    left = world.clerk.leave(ali, version, date(2025, 3, 1))
    assert left.left_on == date(2025, 3, 1)
    assert world.clerk.get_shift(upcoming.id).volunteers == ()
    group_view = world.clerk.get_group(group)
    assert (group_view.leader_person_id, group_view.volunteers) == (None, 0)
    with pytest.raises(WorkflowError, match="already left"):
        world.clerk.leave(ali, left.version)
    with pytest.raises(ValidationError, match="has left"):
        world.clerk.assign(upcoming.id, ali)


def test_only_officers_delete_volunteers_and_their_assignments_go_too(world: World) -> None:
    group = world.group()
    ali = world.volunteer(group, "ali")
    past = world.shift(group, TODAY - timedelta(days=3))
    world.clerk.assign(past.id, ali)
    with pytest.raises(PermissionDenied):
        world.clerk.delete_volunteer(ali)
    world.officer.delete_volunteer(ali)
    with pytest.raises(NotFound):
        world.clerk.get_volunteer(ali)
    assert world.clerk.volunteers(group, include_left=True) == ()
    assert world.clerk.get_shift(past.id).volunteers == ()
    with pytest.raises(NotFound):
        world.clerk.assign(past.id, ali)


# -------------------------------------------------------------------------------- shifts and assignments


def test_create_shift_across_midnight(world: World) -> None:
    group = world.group()
    shift = world.shift(group, TODAY, needed=3)
    assert (shift.shift_date, shift.starts, shift.ends, shift.ends_next_day) == (TODAY, NIGHT, MORNING, True)
    assert (shift.volunteers_needed, shift.short_by, shift.beat_id, shift.group_name) == (
        3,
        3,
        world.city_beat,
        "Islampura Pehra",
    )
    day = world.shift(group, TODAY, time(8), time(14))
    assert day.ends_next_day is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"volunteers_needed": 0}, "volunteers_needed"),
        ({"volunteers_needed": 51}, "volunteers_needed"),
        ({"starts": time(22), "ends": time(22)}, "ends"),
        ({"notes": "n" * 2001}, "notes"),
    ],
)
def test_shift_input_is_validated(world: World, change: dict[str, Any], field: str) -> None:
    group = world.group()
    with pytest.raises(ValidationError) as caught:
        world.clerk.create_shift(replace(ShiftDraft(group, TODAY), **change))
    assert caught.value.field == field


def test_a_group_cannot_have_two_overlapping_shifts(world: World) -> None:
    group = world.group()
    world.shift(group, TODAY)
    with pytest.raises(ValidationError, match=r"already has a shift at that time: Monday 10 March 2025, 22:00–04:00"):
        world.shift(group, TODAY + timedelta(days=1), time(3), time(6))
    world.shift(group, TODAY + timedelta(days=1), time(4), time(6))  # touching is fine
    other = world.group("Other", beat=world.saddar_beat)
    world.shift(other, TODAY)  # another group may patrol at the same time


def test_only_verified_active_volunteers_of_the_group_go_on_duty(world: World) -> None:
    group = world.group()
    shift = world.shift(group, TODAY)
    pending = world.volunteer(group, "ali", None)
    rejected = world.volunteer(group, "bilal", VerificationStatus.REJECTED)
    outsider = world.volunteer(world.group("Other", beat=world.saddar_beat), "faisal")
    with pytest.raises(ValidationError, match="not yet verified"):
        world.clerk.assign(shift.id, pending)
    with pytest.raises(ValidationError, match="failed police verification"):
        world.clerk.assign(shift.id, rejected)
    with pytest.raises(ValidationError, match="not a volunteer of this shift's group"):
        world.clerk.assign(shift.id, outsider)
    with pytest.raises(NotFound):
        world.clerk.assign(uuid.uuid4(), outsider)
    early = world.shift(group, date(2025, 1, 10))
    hamza = world.volunteer(group, "hamza")
    with pytest.raises(ValidationError, match="joined the group on 15 January 2025"):
        world.clerk.assign(early.id, hamza)
    assigned = world.clerk.assign(shift.id, hamza)
    assert [(v.name, v.mobile, v.turned_out) for v in assigned.volunteers] == [("Hamza Iqbal", "0303-1114444", None)]


def test_a_shift_gets_no_more_volunteers_than_it_needs(world: World) -> None:
    group = world.group()
    shift = world.shift(group, TODAY, needed=2)
    ali, bilal, faisal = (world.volunteer(group, who) for who in ("ali", "bilal", "faisal"))
    world.clerk.assign(shift.id, ali)
    with pytest.raises(ConflictError, match="already on this shift"):
        world.clerk.assign(shift.id, ali)
    full = world.clerk.assign(shift.id, bilal)
    assert full.short_by == 0
    with pytest.raises(ValidationError, match="needs only 2 volunteer"):
        world.clerk.assign(shift.id, faisal)


def test_a_night_shift_clashes_with_an_early_shift_next_day_but_not_the_next_evening(world: World) -> None:
    group = world.group()
    ali = world.volunteer(group, "ali")
    tonight = world.shift(group, TODAY)
    world.clerk.assign(tonight.id, ali)
    early = world.shift(world.group("Dawn Patrol"), TODAY + timedelta(days=1), time(3), time(6))
    same_group_volunteer = world.volunteer(early.group_id, "ali")
    with pytest.raises(ValidationError, match=r"Monday 10 March 2025, 22:00–04:00 \(ends next day\)") as caught:
        world.clerk.assign(early.id, same_group_volunteer)
    assert "Ali Raza is already on duty with Islampura Pehra" in caught.value.message
    next_evening = world.shift(group, TODAY + timedelta(days=1))
    assert world.clerk.assign(next_evening.id, ali).volunteers[0].volunteer_id == ali


def test_double_booking_is_refused_across_groups_in_either_order(world: World) -> None:
    city = world.group()
    saddar = world.group("Gulberg Guardians", beat=world.saddar_beat)
    in_city, in_saddar = world.volunteer(city, "ali"), world.volunteer(saddar, "ali")
    morning = world.shift(saddar, TODAY + timedelta(days=1), time(2), time(6))
    world.clerk.assign(morning.id, in_saddar)  # Tuesday 02:00–06:00 first
    night = world.shift(city, TODAY)
    with pytest.raises(ValidationError, match=r"Gulberg Guardians on Tuesday 11 March 2025, 02:00–06:00") as caught:
        world.clerk.assign(night.id, in_city)
    assert caught.value.field == "volunteer_id"
    world.clerk.unassign(morning.id, in_saddar)
    assert world.clerk.assign(night.id, in_city).volunteers[0].volunteer_id == in_city


def test_unassign_and_assign_again(world: World) -> None:
    group = world.group()
    ali = world.volunteer(group, "ali")
    shift = world.shift(group, TODAY)
    world.clerk.assign(shift.id, ali)
    assert world.clerk.unassign(shift.id, ali).volunteers == ()
    with pytest.raises(NotFound, match="not on this shift"):
        world.clerk.unassign(shift.id, ali)
    again = world.clerk.assign(shift.id, ali)
    assert [v.volunteer_id for v in again.volunteers] == [ali]


def test_turnout_only_once_the_shift_has_started(world: World) -> None:
    group = world.group()
    ali, bilal, faisal = (world.volunteer(group, who) for who in ("ali", "bilal", "faisal"))
    shift = world.shift(group, TODAY)
    world.clerk.assign(shift.id, ali)
    world.clerk.assign(shift.id, bilal)
    world.at(TODAY, time(21, 59))
    with pytest.raises(WorkflowError, match="only once the shift has started"):
        world.clerk.record_turnout(shift.id, {ali: True})
    world.at(TODAY, time(22, 0))
    ticked = world.clerk.record_turnout(shift.id, {ali: True, bilal: False})
    assert {v.volunteer_id: v.turned_out for v in ticked.volunteers} == {ali: True, bilal: False}
    world.at(TODAY + timedelta(days=1), time(9))
    corrected = world.clerk.record_turnout(shift.id, {bilal: True})
    assert {v.volunteer_id: v.turned_out for v in corrected.volunteers} == {ali: True, bilal: True}
    with pytest.raises(ValidationError, match="not on this shift"):
        world.clerk.record_turnout(shift.id, {faisal: True})
    with pytest.raises(ValidationError, match="at least one"):
        world.clerk.record_turnout(shift.id, {})
    with pytest.raises(WorkflowError, match="Turn-out has been recorded"):
        world.clerk.unassign(shift.id, ali)
    with pytest.raises(WorkflowError, match="cannot be deleted"):
        world.clerk.delete_shift(shift.id)


def test_delete_shift_without_turnout(world: World) -> None:
    group = world.group()
    ali = world.volunteer(group, "ali")
    shift = world.shift(group, TODAY)
    world.clerk.assign(shift.id, ali)
    world.clerk.delete_shift(shift.id)
    with pytest.raises(NotFound):
        world.clerk.get_shift(shift.id)
    assert world.clerk.shifts(group, TODAY, TODAY) == ()
    replacement = world.shift(group, TODAY)  # the time is free again, and so is Ali
    assert world.clerk.assign(replacement.id, ali).volunteers[0].volunteer_id == ali


# -------------------------------------------------------------------------------- rotation


def crew(world: World, group: uuid.UUID, *who: str) -> dict[str, uuid.UUID]:
    return {name: world.volunteer(group, name) for name in who}


def test_generate_a_week_fairly_without_consecutive_nights(world: World) -> None:
    group = world.group()
    team = crew(world, group, "ali", "bilal", "faisal", "hamza")
    world.volunteer(group, "imran", None)  # pending: never rostered
    result = world.clerk.generate_rotation(group, TODAY, 7)
    assert (result.first_day, result.last_day, result.shifts_created, result.assignments_made) == (
        TODAY,
        TODAY + timedelta(days=6),
        7,
        14,
    )
    assert [s.shift_date for s in result.shifts] == [TODAY + timedelta(days=i) for i in range(7)]
    assert all((s.starts, s.ends, s.volunteers_needed, s.short_by) == (NIGHT, MORNING, 2, 0) for s in result.shifts)
    assert result.unfilled == () and result.skipped_days == ()
    counts = {d.volunteer_id: d.duties for d in result.duties}
    assert set(counts) == set(team.values())
    assert sorted(counts.values()) == [3, 3, 4, 4]
    for tonight, tomorrow in zip(result.shifts, result.shifts[1:], strict=False):
        assert not {v.volunteer_id for v in tonight.volunteers} & {v.volunteer_id for v in tomorrow.volunteers}
    again = world.clerk.generate_rotation(group, TODAY, 7)
    assert (again.shifts_created, again.assignments_made) == (0, 0)
    assert again.shifts == result.shifts


def test_generate_a_month_respecting_existing_shifts_and_other_groups(world: World) -> None:
    group = world.group()
    team = crew(world, group, "ali", "bilal", "faisal")
    first = date(2025, 3, 1)
    existing = world.shift(group, date(2025, 3, 5), needed=3)
    world.clerk.assign(existing.id, team["ali"])
    other = world.group("Gulberg Guardians", beat=world.saddar_beat)
    ali_elsewhere = world.volunteer(other, "ali")
    busy_night = world.shift(other, date(2025, 3, 20), time(23), time(3))
    world.clerk.assign(busy_night.id, ali_elsewhere)
    evening = world.shift(group, date(2025, 3, 25), time(20), time(23))  # overlaps 22:00 on the 25th
    result = world.clerk.generate_rotation(group, first, 31, per_shift=2)
    assert result.shifts_created == 29  # 31 nights minus the existing one and the skipped one
    assert result.skipped_days == (date(2025, 3, 25),)
    by_day = {s.shift_date: s for s in result.shifts}
    assert len(by_day) == 30 and evening.id not in {s.id for s in result.shifts}
    kept = by_day[date(2025, 3, 5)]
    assert kept.id == existing.id and kept.volunteers_needed == 3 and kept.short_by == 0
    assert team["ali"] in {v.volunteer_id for v in kept.volunteers}
    assert team["ali"] not in {v.volunteer_id for v in by_day[date(2025, 3, 20)].volunteers}
    assert result.unfilled == ()
    counts = {d.volunteer_id: d.duties for d in result.duties}
    assert sum(counts.values()) == 29 * 2 + 3
    assert max(counts.values()) - min(counts.values()) <= 1


def test_generate_reports_unfilled_nights_when_volunteers_are_too_few(world: World) -> None:
    group = world.group()
    team = crew(world, group, "ali")
    result = world.clerk.generate_rotation(group, TODAY, 3, starts=time(21), ends=time(1), per_shift=2)
    assert [(u.shift_date, u.short_by, u.assigned, u.group_name, u.beat_name) for u in result.unfilled] == [
        (TODAY + timedelta(days=i), 1, 1, "Islampura Pehra", "Mohalla Islampura") for i in range(3)
    ]
    assert all([v.volunteer_id for v in s.volunteers] == [team["ali"]] for s in result.shifts)
    assert [(d.name, d.duties) for d in result.duties] == [("Ali Raza", 3)]


def test_generate_does_not_roster_volunteers_before_they_joined(world: World) -> None:
    group = world.group()
    team = crew(world, group, "ali", "bilal")  # both joined on 15 January 2025
    result = world.clerk.generate_rotation(group, date(2025, 1, 13), 4, per_shift=1)
    rostered = {s.shift_date: [v.volunteer_id for v in s.volunteers] for s in result.shifts}
    assert rostered[date(2025, 1, 13)] == [] and rostered[date(2025, 1, 14)] == []
    assert sorted(rostered[date(2025, 1, 15)] + rostered[date(2025, 1, 16)]) == sorted(team.values())
    assert [u.shift_date for u in result.unfilled] == [date(2025, 1, 13), date(2025, 1, 14)]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"days": 0}, "days"),
        ({"days": 32}, "days"),
        ({"per_shift": 0}, "per_shift"),
        ({"starts": time(22), "ends": time(22)}, "ends"),
    ],
)
def test_generate_input_is_validated(world: World, kwargs: dict[str, Any], field: str) -> None:
    group = world.group()
    arguments: dict[str, Any] = {"days": 7, **kwargs}
    with pytest.raises(ValidationError) as caught:
        world.clerk.generate_rotation(group, TODAY, **arguments)
    assert caught.value.field == field


# -------------------------------------------------------------------------------- roster, dashboard, no-shows


def test_weekly_roster_grid(world: World) -> None:
    city = world.group()
    saddar = world.group("Gulberg Guardians", beat=world.saddar_beat)
    ali = world.volunteer(city, "ali")
    monday = world.shift(city, TODAY)
    world.clerk.assign(monday.id, ali)
    world.shift(city, TODAY + timedelta(days=2), time(8), time(12))
    world.shift(city, TODAY + timedelta(days=2))
    world.shift(saddar, TODAY + timedelta(days=6))
    world.shift(city, TODAY + timedelta(days=7))  # next week
    with world.contexts[2].write() as session:  # a beat without a group does not appear
        session.add(Beat(station_id=world.city, name="Empty Beat", description=""))
    world.at(TODAY, time(23))
    world.clerk.record_turnout(monday.id, {ali: True})

    roster = world.clerk.roster(TODAY)
    assert roster.days == tuple(TODAY + timedelta(days=i) for i in range(7))
    assert [(r.station_name, r.beat_name) for r in roster.rows] == [
        ("City", "Mohalla Islampura"),
        ("Saddar", "Gulberg Block A"),
    ]
    city_row, saddar_row = roster.rows
    assert [len(cell) for cell in city_row.days] == [1, 0, 2, 0, 0, 0, 0]
    assert [len(cell) for cell in saddar_row.days] == [0, 0, 0, 0, 0, 0, 1]
    (cell,) = city_row.days[0]
    assert [(v.name, v.mobile, v.turned_out) for v in cell.volunteers] == [("Ali Raza", "0300-1234567", True)]
    assert [s.starts for s in city_row.days[2]] == [time(8), time(22)]
    only_saddar = world.clerk.roster(TODAY, station_id=world.saddar)
    assert [r.beat_name for r in only_saddar.rows] == ["Gulberg Block A"] and only_saddar.station_id == world.saddar


def test_uncovered_shifts_for_the_dashboard(world: World) -> None:
    group = world.group()
    ali, bilal = world.volunteer(group, "ali"), world.volunteer(group, "bilal")
    full = world.shift(group, TODAY)
    short = world.shift(group, TODAY + timedelta(days=1), needed=3)
    empty = world.shift(world.group("Gulberg Guardians", beat=world.saddar_beat), TODAY + timedelta(days=1))
    world.shift(group, TODAY + timedelta(days=5))  # outside the range asked for
    for volunteer in (ali, bilal):
        world.clerk.assign(full.id, volunteer)
    world.clerk.assign(short.id, ali)
    found = world.clerk.uncovered_shifts(TODAY, TODAY + timedelta(days=2))
    assert [(u.shift_id, u.assigned, u.short_by) for u in found] == [(empty.id, 0, 2), (short.id, 1, 2)]
    assert found[1].station_name == "City" and found[0].station_name == "Saddar"
    assert [u.shift_id for u in world.clerk.uncovered_shifts(TODAY, TODAY + timedelta(days=2), world.city)] == [
        short.id
    ]
    with pytest.raises(ValidationError, match="before the first day"):
        world.clerk.uncovered_shifts(TODAY, TODAY - timedelta(days=1))
    with pytest.raises(ValidationError, match="at most 366"):
        world.clerk.uncovered_shifts(TODAY, TODAY + timedelta(days=400))


def test_no_show_counts_per_volunteer_for_a_month(world: World) -> None:
    group = world.group()
    ali, bilal, faisal = (world.volunteer(group, who) for who in ("ali", "bilal", "faisal"))
    nights = [world.shift(group, date(2025, 3, d)) for d in (1, 2, 3)]
    for shift in nights:
        world.clerk.assign(shift.id, ali)
    world.clerk.assign(nights[0].id, bilal)
    feb = world.shift(group, date(2025, 2, 28))
    world.clerk.assign(feb.id, bilal)
    world.clerk.record_turnout(nights[0].id, {ali: False, bilal: True})
    world.clerk.record_turnout(nights[1].id, {ali: False})
    world.clerk.record_turnout(feb.id, {bilal: False})
    counts = world.clerk.no_show_counts(group, date(2025, 3, 17))
    assert [(c.name, c.assigned, c.turned_out, c.no_shows, c.not_recorded) for c in counts] == [
        ("Ali Raza", 3, 0, 2, 1),
        ("Bilal Ahmed", 1, 1, 0, 0),
        ("Faisal Khan", 0, 0, 0, 0),
    ]
    assert counts[2].volunteer_id == faisal
    feb_counts = world.clerk.no_show_counts(group, date(2025, 2, 1))
    assert [(c.name, c.no_shows) for c in feb_counts] == [("Bilal Ahmed", 1), ("Ali Raza", 0), ("Faisal Khan", 0)]


def test_describe_shift() -> None:
    assert describe_shift(date(2025, 3, 10), time(22), time(4)) == "Monday 10 March 2025, 22:00–04:00 (ends next day)"
    assert describe_shift(date(2025, 3, 11), time(8), time(14)) == "Tuesday 11 March 2025, 08:00–14:00"


def test_records_are_stored_as_the_models_say(world: World, dpo: ServiceContext) -> None:
    group = world.group()
    ali = world.volunteer(group, "ali")
    shift = world.shift(group, TODAY)
    world.clerk.assign(shift.id, ali)
    with dpo.read() as session:
        stored_group = session.get(WatchGroup, group)
        stored_shift = session.get(DutyShift, shift.id)
        assignment = session.scalar(select(ShiftAssignment).where(ShiftAssignment.shift_id == shift.id))
        assert stored_group is not None and stored_shift is not None and assignment is not None
        assert stored_group.search_text == "islampura pehra"
        assert (stored_shift.starts, stored_shift.ends, stored_shift.beat_id) == (NIGHT, MORNING, world.city_beat)
        assert (assignment.volunteer_id, assignment.turned_out, assignment.changed_by) == (ali, None, "clerk")
