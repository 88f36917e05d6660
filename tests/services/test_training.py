"""TrainingService: training sessions, attendance, lists and coverage."""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from copdesk.domain.corpus import load_corpus
from copdesk.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from copdesk.models.accounts import Role
from copdesk.models.base import Base
from copdesk.models.organisation import Officer, Station
from copdesk.models.training import TrainingAttendance, TrainingSession
from copdesk.services.context import ServiceContext
from copdesk.services.paging import PageRequest
from copdesk.services.training import HOURS_MAX, TrainingDraft, TrainingService, minutes_from_hours

NOW = datetime(2026, 3, 20, 7, 0, tzinfo=UTC)
TODAY = NOW.astimezone().date()  # what ctx.today() gives on this machine
MY_TABLES = ("training_sessions", "training_attendances")


@pytest.fixture(autouse=True)
def _fixed_clock(clerk: ServiceContext, officer: ServiceContext, dpo: ServiceContext) -> None:
    for ctx in (clerk, officer, dpo):
        ctx.clock = lambda: NOW


@pytest.fixture
def training(clerk: ServiceContext) -> TrainingService:
    return TrainingService(clerk)


def draft(**changes: object) -> TrainingDraft:
    base = TrainingDraft(
        topic="Community engagement and public dealing",
        held_on=date(2026, 3, 5),
        hours=2,
        trainer="DSP Training",
        venue="Police Lines hall",
        notes="Role plays at the front desk.",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
def officers(dpo: ServiceContext) -> dict[str, uuid.UUID]:
    """Officers of the district: five active, one already inactive."""
    people = [
        ("Bilal Ahmed", "constable", "C-101", True),
        ("Sana Riaz", "asi", "A-7", True),
        ("Tariq Mehmood", "inspector", "I-3", True),
        ("Ayesha Khan", "constable", "C-88", True),
        ("Zahid Iqbal", "head_constable", "HC-4", True),
        ("Retired Rana", "si", "S-1", False),
    ]
    with dpo.write() as session:
        city = session.scalars(select(Station).where(Station.name == "City")).one()
        rows = {
            name: Officer(name=name, rank=rank, number=number, gender="male", station_id=city.id, active=active)
            for name, rank, number, active in people
        }
        session.add_all(rows.values())
        session.flush()
        return {name.split()[0]: officer.id for name, officer in rows.items()}


def set_officer(ctx: ServiceContext, officer_id: uuid.UUID, *, active: bool = True, deleted: bool = False) -> None:
    with ctx.write() as session:
        officer = session.get(Officer, officer_id)
        assert officer is not None
        officer.active = active
        if deleted:
            officer.deleted_at = ctx.now()


# --- schema ------------------------------------------------------------------------------------------------------


def test_migration_creates_the_training_tables_as_the_models_declare(district_db: object) -> None:
    engine = district_db.engine  # type: ignore[attr-defined]
    with engine.connect() as connection:
        inspector = inspect(connection)
        for table in MY_TABLES:
            model = Base.metadata.tables[table]
            reflected = {column["name"]: column for column in inspector.get_columns(table)}
            assert set(reflected) == {column.name for column in model.columns}, table
            for column in model.columns:
                assert reflected[column.name]["nullable"] == column.nullable, (table, column.name)
                compiled = str(column.type.compile(connection.dialect))
                assert str(reflected[column.name]["type"]) == compiled, (table, column.name)
            assert inspector.get_pk_constraint(table)["name"] == f"pk_{table}"
        assert {fk["name"] for fk in inspector.get_foreign_keys("training_attendances")} == {
            "fk_training_attendances_session_id_training_sessions",
            "fk_training_attendances_officer_id_officers",
        }
        assert [u["name"] for u in inspector.get_unique_constraints("training_attendances")] == [
            "uq_training_attendances_session_id"
        ]
        assert [ck["name"] for ck in inspector.get_check_constraints("training_sessions")] == [
            "ck_training_sessions_duration_positive"
        ]
        assert "training_sessions_fts" in inspector.get_table_names()
        diffs = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata)
    mine = [diff for diff in diffs if any(t in repr(diff) for t in MY_TABLES) and "_fts" not in repr(diff)]
    assert mine == []


def test_database_refuses_a_session_without_duration_and_a_repeated_attendance(
    clerk: ServiceContext, officers: dict[str, uuid.UUID]
) -> None:
    with pytest.raises(IntegrityError), clerk.write() as session:
        session.add(TrainingSession(topic="x", held_on=TODAY, duration_minutes=0))
    made = TrainingService(clerk).create(draft())
    with pytest.raises(IntegrityError), clerk.write() as session:
        session.add(TrainingAttendance(session_id=made.id, officer_id=officers["Bilal"]))
        session.add(TrainingAttendance(session_id=made.id, officer_id=officers["Bilal"]))


# --- hours ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "minutes"),
    [(2, 120), (1.5, 90), (0.25, 15), (Decimal("2.25"), 135), (1 / 60, 1), (HOURS_MAX, HOURS_MAX * 60)],
)
def test_hours_become_whole_minutes(hours: float, minutes: int) -> None:
    assert minutes_from_hours(hours) == minutes


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        (0, "more than 0 hours"),
        (-1, "more than 0 hours"),
        (0.001, "more than 0 hours"),  # less than half a minute
        (math.nan, "for example 2 or 1.5"),
        (math.inf, "for example 2 or 1.5"),
        ("2", "for example 2 or 1.5"),
        (True, "for example 2 or 1.5"),
        (None, "for example 2 or 1.5"),
        (HOURS_MAX + 0.5, f"at most {HOURS_MAX} hours"),
    ],
)
def test_bad_hours_are_refused(hours: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as raised:
        minutes_from_hours(hours)  # type: ignore[arg-type]
    assert raised.value.field == "hours"


@given(st.integers(min_value=1, max_value=HOURS_MAX * 60))
def test_minutes_survive_the_round_trip_through_hours(minutes: int) -> None:
    assert minutes_from_hours(minutes / 60) == minutes


# --- sessions ------------------------------------------------------------------------------------------------------


def test_create_and_get(training: TrainingService) -> None:
    made = training.create(
        draft(topic="  Gender-sensitive   policing ", hours=1.5, trainer=" SP Investigation ", notes="  Notes.  ")
    )
    assert (made.topic, made.trainer, made.notes) == ("Gender-sensitive policing", "SP Investigation", "Notes.")
    assert (made.duration_minutes, made.hours) == (90, 1.5)
    assert (made.version, made.attendee_count, made.attendees) == (1, 0, ())
    assert training.get(made.id) == made


def test_today_is_a_valid_date(training: TrainingService) -> None:
    assert training.create(draft(held_on=TODAY)).held_on == TODAY


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"topic": "  "}, "topic", "Enter the topic of the training"),
        ({"topic": "t" * 201}, "topic", "at most 200 characters"),
        ({"held_on": TODAY + timedelta(days=1)}, "held_on", "date of the training cannot be in the future"),
        ({"held_on": "2026-03-01"}, "held_on", "Enter the date of the training"),
        ({"hours": 0}, "hours", "must last some time"),
        ({"hours": -2}, "hours", "must last some time"),
        ({"trainer": "t" * 121}, "trainer", "at most 120 characters"),
        ({"venue": "v" * 201}, "venue", "at most 200 characters"),
    ],
)
def test_invalid_sessions_are_refused(
    training: TrainingService, changes: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as raised:
        training.create(draft(**changes))
    assert raised.value.field == field
    assert training.count(PageRequest()) == 0


def test_update_checks_the_version(training: TrainingService) -> None:
    made = training.create(draft())
    updated = training.update(made.id, draft(topic="Human rights and the Constitution", hours=3), made.version)
    assert (updated.version, updated.topic, updated.duration_minutes) == (2, "Human rights and the Constitution", 180)
    with pytest.raises(ConflictError, match="Someone else changed this training session"):
        training.update(made.id, draft(), made.version)
    with pytest.raises(ValidationError, match="must last some time"):
        training.update(made.id, draft(hours=0), updated.version)
    assert training.get(made.id) == updated
    with pytest.raises(NotFound, match="does not exist"):
        training.update(uuid.uuid4(), draft(), 1)


# --- attendance ----------------------------------------------------------------------------------------------------


def test_set_attendees_lists_names_and_ranks_senior_first(
    training: TrainingService, officers: dict[str, uuid.UUID]
) -> None:
    made = training.create(draft())
    chosen = [officers["Bilal"], officers["Tariq"], officers["Sana"], officers["Bilal"], officers["Ayesha"]]
    view = training.set_attendees(made.id, chosen)
    assert [(a.name, a.rank, a.rank_label) for a in view.attendees] == [
        ("Tariq Mehmood", "inspector", "Inspector"),
        ("Sana Riaz", "asi", "Assistant Sub-Inspector"),
        ("Ayesha Khan", "constable", "Constable"),
        ("Bilal Ahmed", "constable", "Constable"),
    ]
    assert view.attendee_count == 4
    assert {a.station_name for a in view.attendees} == {"City"}
    assert view.attendees[0].number == "I-3"
    assert training.get(made.id) == view
    assert view.version == made.version  # attendance does not change the session itself


def test_attendees_can_be_removed_and_added_again(
    training: TrainingService, officers: dict[str, uuid.UUID], clerk: ServiceContext
) -> None:
    made = training.create(draft())
    training.set_attendees(made.id, [officers["Bilal"], officers["Sana"]])
    assert [a.name for a in training.set_attendees(made.id, [officers["Sana"]]).attendees] == ["Sana Riaz"]
    again = training.set_attendees(made.id, [officers["Bilal"], officers["Sana"]])
    assert [a.name for a in again.attendees] == ["Sana Riaz", "Bilal Ahmed"]
    with clerk.read() as session:
        rows = session.scalars(select(TrainingAttendance).where(TrainingAttendance.session_id == made.id)).all()
    assert len(rows) == 2  # the removed row was revived, not duplicated
    assert training.set_attendees(made.id, []).attendees == ()


def test_only_active_officers_can_be_added(
    training: TrainingService, officers: dict[str, uuid.UUID], dpo: ServiceContext
) -> None:
    made = training.create(draft())
    with pytest.raises(ValidationError, match="Retired Rana is no longer an active officer") as raised:
        training.set_attendees(made.id, [officers["Bilal"], officers["Retired"]])
    assert raised.value.field == "officer_ids"
    assert training.get(made.id).attendees == ()  # nothing was saved
    training.set_attendees(made.id, [officers["Bilal"], officers["Zahid"]])
    set_officer(dpo, officers["Zahid"], active=False)
    # Someone who attended while active stays on the list ...
    kept = training.set_attendees(made.id, [officers["Bilal"], officers["Zahid"], officers["Sana"]])
    assert [(a.name, a.active) for a in kept.attendees] == [
        ("Sana Riaz", True),
        ("Zahid Iqbal", False),
        ("Bilal Ahmed", True),
    ]
    # ... but once removed cannot be added back.
    training.set_attendees(made.id, [officers["Bilal"]])
    with pytest.raises(ValidationError, match="Zahid Iqbal is no longer an active officer"):
        training.set_attendees(made.id, [officers["Zahid"]])


def test_unknown_and_deleted_officers_are_refused(
    training: TrainingService, officers: dict[str, uuid.UUID], dpo: ServiceContext
) -> None:
    made = training.create(draft())
    with pytest.raises(ValidationError, match="not on the district's list of officers") as raised:
        training.set_attendees(made.id, [uuid.uuid4()])
    assert raised.value.field == "officer_ids"
    with pytest.raises(ValidationError, match="choose it again"):
        training.set_attendees(made.id, ["nobody"])  # type: ignore[list-item]
    training.set_attendees(made.id, [officers["Ayesha"], officers["Bilal"]])
    set_officer(dpo, officers["Ayesha"], deleted=True)
    assert [a.name for a in training.get(made.id).attendees] == ["Bilal Ahmed"]
    with pytest.raises(ValidationError, match="not on the district's list"):
        training.set_attendees(made.id, [officers["Ayesha"]])
    with pytest.raises(NotFound):
        training.set_attendees(uuid.uuid4(), [officers["Bilal"]])


# --- deleting and the policy --------------------------------------------------------------------------------------


def test_clerk_cannot_delete_station_officer_can(
    training: TrainingService, officer: ServiceContext, clerk: ServiceContext, officers: dict[str, uuid.UUID]
) -> None:
    made = training.create(draft())
    training.set_attendees(made.id, [officers["Bilal"]])
    with pytest.raises(PermissionDenied):
        training.delete(made.id)
    assert training.count(PageRequest()) == 1
    as_officer = TrainingService(officer)
    with pytest.raises(ConflictError):
        as_officer.delete(made.id, expected_version=made.version + 1)
    as_officer.delete(made.id, expected_version=made.version)
    with pytest.raises(NotFound):
        training.get(made.id)
    with pytest.raises(NotFound):
        training.set_attendees(made.id, [])
    with pytest.raises(NotFound):
        as_officer.delete(made.id)
    assert training.count(PageRequest()) == 0
    assert training.count(PageRequest(filters={"officer_id": officers["Bilal"]})) == 0
    coverage = training.coverage("2026-03")
    assert (coverage.sessions, coverage.officers_trained, coverage.hours) == (0, 0, 0.0)
    with clerk.read() as session:
        attendance = session.scalars(select(TrainingAttendance)).one()
    assert attendance.deleted_at is not None  # the attendance went with the session


def test_district_officer_may_delete_hub_roles_see_nothing(
    training: TrainingService, dpo: ServiceContext, as_role: Callable[[Role], ServiceContext]
) -> None:
    made = training.create(draft())
    analyst = TrainingService(as_role(Role.HUB_ANALYST))
    with pytest.raises(PermissionDenied):
        analyst.get(made.id)
    with pytest.raises(PermissionDenied):
        analyst.coverage("2026-03")
    TrainingService(dpo).delete(made.id)
    assert training.count(PageRequest()) == 0


# --- lists ----------------------------------------------------------------------------------------------------------


@pytest.fixture
def listed(training: TrainingService, officers: dict[str, uuid.UUID]) -> dict[str, uuid.UUID]:
    january = training.create(draft(topic="Human rights and the Constitution", held_on=date(2026, 1, 12), hours=3))
    february = training.create(
        draft(
            topic="Front desk and complaint management",
            held_on=date(2026, 2, 20),
            hours=1,
            trainer="Inspector Legal",
            venue="Saddar police station",
            notes="Register entries checked.",
        )
    )
    march = training.create(draft(topic="صنفی حساسیت پر مبنی پولیسنگ", held_on=date(2026, 3, 2), hours=4.5))
    training.set_attendees(january.id, [officers["Bilal"]])
    training.set_attendees(february.id, [officers["Bilal"], officers["Sana"], officers["Tariq"]])
    training.set_attendees(march.id, [officers["Sana"], officers["Ayesha"]])
    return {"january": january.id, "february": february.id, "march": march.id}


def ids(training: TrainingService, **request: object) -> list[uuid.UUID]:
    return [row.id for row in training.page(PageRequest(**request)).rows]  # type: ignore[arg-type]


def test_page_sorts_and_windows(training: TrainingService, listed: dict[str, uuid.UUID]) -> None:
    by_date = [listed["january"], listed["february"], listed["march"]]
    assert ids(training) == by_date
    assert ids(training, descending=True) == by_date[::-1]
    assert ids(training, offset=1, limit=1) == [listed["february"]]
    assert ids(training, sort="hours") == [listed["february"], listed["january"], listed["march"]]
    assert ids(training, sort="attendees", descending=True) == [listed["february"], listed["march"], listed["january"]]
    assert ids(training, sort="topic")[0] == listed["february"]
    rows = training.page(PageRequest()).rows
    assert [(row.attendee_count, row.hours) for row in rows] == [(1, 3.0), (3, 1.0), (2, 4.5)]
    with pytest.raises(ValidationError, match="Cannot sort by"):
        training.page(PageRequest(sort="trainer"))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"month": "2026-02"}, ["february"]),
        ({"month": "2025-02"}, []),
        ({"date_from": date(2026, 2, 1)}, ["february", "march"]),
        ({"date_to": "2026-02-20"}, ["january", "february"]),
        ({"date_from": "2026-01-13", "date_to": "2026-03-01"}, ["february"]),
        ({"month": None}, ["january", "february", "march"]),
    ],
)
def test_date_filters(
    training: TrainingService, listed: dict[str, uuid.UUID], filters: dict[str, object], expected: list[str]
) -> None:
    assert ids(training, filters=filters) == [listed[key] for key in expected]
    assert training.count(PageRequest(filters=filters)) == len(expected)


def test_officer_filter_lists_the_sessions_the_officer_attended(
    training: TrainingService, listed: dict[str, uuid.UUID], officers: dict[str, uuid.UUID]
) -> None:
    assert ids(training, filters={"officer_id": officers["Bilal"]}) == [listed["january"], listed["february"]]
    assert ids(training, filters={"officer_id": str(officers["Sana"])}) == [listed["february"], listed["march"]]
    assert ids(training, filters={"officer_id": officers["Zahid"]}) == []
    training.set_attendees(listed["february"], [officers["Sana"]])
    assert ids(training, filters={"officer_id": officers["Bilal"]}) == [listed["january"]]


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"kind": "x"}, "kind"),
        ({"month": "2026/02"}, "month"),
        ({"date_to": "yesterday"}, "date_to"),
        ({"officer_id": 42}, "officer_id"),
    ],
)
def test_bad_filters_are_refused(training: TrainingService, filters: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        training.count(PageRequest(filters=filters))
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("human rights", ["january"]),  # topic
        ("inspector leg", ["february"]),  # trainer, prefix
        ("saddar", ["february"]),  # venue
        ("register", ["february"]),  # notes
        ("صنفی", ["march"]),
        ("police lines", ["january", "march"]),
        ("nothing-like-this", []),
    ],
)
def test_search(training: TrainingService, listed: dict[str, uuid.UUID], search: str, expected: list[str]) -> None:
    assert ids(training, search=search) == [listed[key] for key in expected]
    assert training.count(PageRequest(search=search)) == len(expected)


def test_topic_suggestions(training: TrainingService) -> None:
    standard = [item["en"] for item in load_corpus()["training_topics"]]
    assert training.topic_suggestions() == standard
    training.create(draft(topic="Use of body cameras"))
    training.create(draft(topic=standard[0]))
    assert training.topic_suggestions() == [*standard, "Use of body cameras"]


# --- coverage -------------------------------------------------------------------------------------------------------


def test_coverage_of_a_month_and_the_year_to_date(
    training: TrainingService, listed: dict[str, uuid.UUID], officers: dict[str, uuid.UUID], dpo: ServiceContext
) -> None:
    last_year = training.create(draft(held_on=date(2025, 12, 10), hours=2))
    training.set_attendees(last_year.id, [officers["Zahid"]])
    second_march = training.create(draft(held_on=date(2026, 3, 15), hours=0.5))
    training.set_attendees(second_march.id, [officers["Ayesha"]])

    march = training.coverage("2026-03")
    assert march.month == "2026-03"
    assert march.sessions == 2
    assert march.officers_trained == 2  # Sana and Ayesha; Ayesha twice counts once
    assert march.hours == 5.0  # 4.5 + 0.5
    assert march.officer_hours == 9.5  # 4.5 x 2 + 0.5
    assert march.active_officers == 5
    assert march.active_trained_year_to_date == 4  # Bilal, Sana, Tariq, Ayesha; Zahid only last year
    assert march.share_trained_year_to_date == pytest.approx(0.8)

    january = training.coverage("2026-01")
    assert (january.sessions, january.officers_trained, january.hours, january.officer_hours) == (1, 1, 3.0, 3.0)
    assert (january.active_trained_year_to_date, january.share_trained_year_to_date) == (1, pytest.approx(0.2))

    # An officer who leaves is no longer counted among those to train nor among the trained.
    set_officer(dpo, officers["Tariq"], active=False)
    march = training.coverage("2026-03")
    assert (march.active_officers, march.active_trained_year_to_date) == (4, 3)
    assert march.share_trained_year_to_date == pytest.approx(0.75)
    assert march.officers_trained == 2


def test_coverage_without_officers_or_training(training: TrainingService) -> None:
    empty = training.coverage("2026-03")
    assert (empty.sessions, empty.officers_trained, empty.hours, empty.officer_hours) == (0, 0, 0.0, 0.0)
    assert (empty.active_officers, empty.active_trained_year_to_date, empty.share_trained_year_to_date) == (0, 0, 0.0)
    with pytest.raises(ValidationError, match="for example 2026-03"):
        training.coverage("03-2026")
