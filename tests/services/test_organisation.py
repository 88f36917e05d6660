"""OrganisationService: stations, beats and officers."""

from __future__ import annotations

import uuid

import pytest

from copdesk.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from copdesk.models.people import Gender
from copdesk.services.context import ServiceContext
from copdesk.services.organisation import OrganisationService, StationView
from copdesk.services.paging import PageRequest


@pytest.fixture
def org(dpo: ServiceContext) -> OrganisationService:
    return OrganisationService(dpo)


def station(org: OrganisationService, name: str) -> StationView:
    return next(s for s in org.list_stations() if s.name == name)


# --- stations --------------------------------------------------------------------------------------------


def test_stations_listed_by_name_and_visible_to_every_desk_role(
    org: OrganisationService, clerk: ServiceContext, officer: ServiceContext
) -> None:
    created = org.create_station("  Cantt   Road ", name_ur="کینٹ", phone="042-99201234", address=" Mall Road ")
    assert (created.name, created.name_ur, created.phone, created.address) == (
        "Cantt Road",
        "کینٹ",
        "042-99201234",
        "Mall Road",
    )
    assert created.version == 1
    for ctx in (clerk, officer):
        assert [s.name for s in OrganisationService(ctx).list_stations()] == ["Cantt Road", "City", "Saddar"]
    assert org.get_station(created.id) == created


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"name": "Ok", "name_ur": "ک" * 121}, "name_ur"),
        ({"name": "Ok", "phone": "call me"}, "phone"),
        ({"name": "Ok", "phone": "1" * 33}, "phone"),
    ],
)
def test_station_input_is_validated(org: OrganisationService, kwargs: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        org.create_station(**kwargs)
    assert raised.value.field == field
    assert [s.name for s in org.list_stations()] == ["City", "Saddar"]


def test_station_phone_accepts_urdu_digits(org: OrganisationService) -> None:
    assert org.create_station("Model Town", phone="۰۴۲ ۳۵۸۶۱۲۳۴").phone == "042 35861234"


def test_station_names_unique_case_insensitive_among_live_stations(org: OrganisationService) -> None:
    with pytest.raises(ConflictError, match="already a police station called City"):
        org.create_station("cITY")
    cantt = org.create_station("Cantt")
    org.delete_station(cantt.id)
    again = org.create_station("CANTT")  # the deleted one no longer holds the name
    assert again.id != cantt.id


def test_update_station(org: OrganisationService) -> None:
    city = station(org, "City")
    updated = org.update_station(city.id, city.version, "city", name_ur="سٹی", phone="042-1111111")
    assert (updated.name, updated.name_ur, updated.phone, updated.version) == ("city", "سٹی", "042-1111111", 2)
    with pytest.raises(ConflictError, match="changed this police station"):
        org.update_station(city.id, city.version, "City Centre")
    with pytest.raises(ConflictError, match="Saddar"):
        org.update_station(city.id, updated.version, "saddar")
    with pytest.raises(ValidationError):
        org.update_station(city.id, updated.version, "")
    with pytest.raises(NotFound):
        org.update_station(uuid.uuid4(), 1, "Nowhere")
    assert org.get_station(city.id) == updated


def test_station_deletion_refused_while_it_has_beats_or_active_officers(org: OrganisationService) -> None:
    city = station(org, "City")
    beat = org.create_beat(city.id, "Anarkali")
    man = org.create_officer("Ahmed Ali", "si", "1001", Gender.MALE, city.id)
    with pytest.raises(ConflictError, match=r"City still has 1 beat and 1 active officer\. Move or delete"):
        org.delete_station(city.id)
    org.delete_beat(beat.id)
    with pytest.raises(ConflictError, match=r"still has 1 active officer\."):
        org.delete_station(city.id)
    org.deactivate_officer(man.id, man.version)
    org.delete_station(city.id)
    assert [s.name for s in org.list_stations()] == ["Saddar"]
    with pytest.raises(NotFound):
        org.get_station(city.id)
    with pytest.raises(NotFound):
        org.delete_station(city.id)
    with pytest.raises(NotFound):
        org.create_beat(city.id, "Mall")
    # The inactive officer keeps the old posting for history but cannot be reactivated there.
    with pytest.raises(ValidationError, match="City has been deleted"):
        org.reactivate_officer(man.id, org.get_officer(man.id).version)


# --- beats -----------------------------------------------------------------------------------------------


def test_beats_listed_per_station_and_overall(org: OrganisationService, clerk: ServiceContext) -> None:
    city, saddar = station(org, "City"), station(org, "Saddar")
    org.create_beat(city.id, "Mall Road", " shops ")
    org.create_beat(saddar.id, "Askari")
    org.create_beat(city.id, "Anarkali")
    viewer = OrganisationService(clerk)
    assert [(b.station_name, b.name) for b in viewer.list_beats()] == [
        ("City", "Anarkali"),
        ("City", "Mall Road"),
        ("Saddar", "Askari"),
    ]
    city_beats = viewer.list_beats(city.id)
    assert [b.name for b in city_beats] == ["Anarkali", "Mall Road"]
    assert city_beats[1].description == "shops"
    assert viewer.get_beat(city_beats[0].id) == city_beats[0]
    with pytest.raises(NotFound):
        viewer.list_beats(uuid.uuid4())


def test_beat_names_unique_per_station(org: OrganisationService) -> None:
    city, saddar = station(org, "City"), station(org, "Saddar")
    first = org.create_beat(city.id, "Anarkali")
    with pytest.raises(ConflictError, match="City already has a beat called Anarkali"):
        org.create_beat(city.id, "ANARKALI")
    assert org.create_beat(saddar.id, "Anarkali").station_id == saddar.id
    other = org.create_beat(city.id, "Mall")
    with pytest.raises(ConflictError):
        org.update_beat(other.id, other.version, "anarkali")
    org.delete_beat(first.id)
    assert org.update_beat(other.id, other.version, "anarkali").name == "anarkali"
    with pytest.raises(ValidationError) as raised:
        org.create_beat(city.id, " ")
    assert raised.value.field == "name"


def test_update_and_delete_beat(org: OrganisationService) -> None:
    beat = org.create_beat(station(org, "City").id, "Anarkali")
    updated = org.update_beat(beat.id, beat.version, "Anarkali Bazaar", "the old market")
    assert (updated.name, updated.description, updated.version) == ("Anarkali Bazaar", "the old market", 2)
    with pytest.raises(ConflictError, match="changed this beat"):
        org.update_beat(beat.id, beat.version, "Stale")
    org.delete_beat(beat.id)
    assert org.list_beats() == []
    with pytest.raises(NotFound):
        org.get_beat(beat.id)
    with pytest.raises(NotFound):
        org.update_beat(beat.id, updated.version, "Again")


# --- officers --------------------------------------------------------------------------------------------


def test_create_officer(org: OrganisationService, clerk: ServiceContext) -> None:
    city = station(org, "City")
    created = org.create_officer(" Ahmed  Ali ", "si", " ۱۰۰۱ ", "male", city.id, phone="+92 300 1234567")
    assert (created.name, created.rank, created.rank_label, created.number) == (
        "Ahmed Ali",
        "si",
        "Sub-Inspector",
        "1001",
    )
    assert (created.gender, created.station_id, created.station_name, created.active) == (
        Gender.MALE,
        city.id,
        "City",
        True,
    )
    assert created.phone == "0300-1234567"
    assert OrganisationService(clerk).get_officer(created.id) == created
    unposted = org.create_officer("Sana Bibi", "asi", "", Gender.FEMALE)
    assert (unposted.station_id, unposted.station_name, unposted.phone) == (None, "", "")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "a" * 121}, "name"),
        ({"rank": "general"}, "rank"),
        ({"rank": ""}, "rank"),
        ({"gender": "other"}, "gender"),
        ({"phone": "042-35861234"}, "phone"),
        ({"phone": "0300-12345"}, "phone"),
        ({"number": "9" * 33}, "number"),
    ],
)
def test_officer_input_is_validated(org: OrganisationService, kwargs: dict[str, str], field: str) -> None:
    values: dict[str, str] = {"name": "Ahmed", "rank": "constable", "number": "7", "gender": "male"}
    values.update(kwargs)
    with pytest.raises(ValidationError) as raised:
        org.create_officer(**values)  # type: ignore[arg-type]
    assert raised.value.field == field
    assert org.count_officers(PageRequest()) == 0


def test_officer_station_must_exist(org: OrganisationService) -> None:
    with pytest.raises(NotFound):
        org.create_officer("Ahmed", "constable", "7", Gender.MALE, uuid.uuid4())


def test_officer_numbers_unique_among_live_officers(org: OrganisationService) -> None:
    first = org.create_officer("Ahmed", "constable", "LHR-7", Gender.MALE)
    with pytest.raises(ConflictError, match="LHR-7 already belongs to Ahmed"):
        org.create_officer("Bilal", "constable", "lhr-7", Gender.MALE)
    second = org.create_officer("Bilal", "constable", "", Gender.MALE)
    org.create_officer("Chand", "constable", "", Gender.MALE)  # blank numbers never clash
    with pytest.raises(ConflictError):
        org.update_officer(second.id, second.version, "Bilal", "constable", "LHR-7", Gender.MALE)
    org.delete_officer(first.id)
    assert org.update_officer(second.id, second.version, "Bilal", "constable", "LHR-7", Gender.MALE).number == "LHR-7"


def test_update_officer(org: OrganisationService) -> None:
    city, saddar = station(org, "City"), station(org, "Saddar")
    man = org.create_officer("Ahmed", "constable", "7", Gender.MALE, city.id, "03001234567")
    moved = org.update_officer(man.id, man.version, "Ahmed Khan", "head_constable", "7", "male", saddar.id)
    assert (moved.name, moved.rank, moved.station_name, moved.phone, moved.version) == (
        "Ahmed Khan",
        "head_constable",
        "Saddar",
        "",
        2,
    )
    with pytest.raises(ConflictError, match="changed this officer"):
        org.update_officer(man.id, man.version, "Ahmed", "constable", "7", Gender.MALE)
    with pytest.raises(ValidationError):
        org.update_officer(man.id, moved.version, "Ahmed", "captain", "7", Gender.MALE)
    assert org.get_officer(man.id) == moved


def test_deactivate_reactivate_and_delete_officer(org: OrganisationService) -> None:
    man = org.create_officer("Ahmed", "constable", "7", Gender.MALE)
    inactive = org.deactivate_officer(man.id, man.version)
    assert (inactive.active, inactive.version) == (False, 2)
    with pytest.raises(ConflictError):
        org.reactivate_officer(man.id, man.version)
    active = org.reactivate_officer(man.id, inactive.version)
    assert (active.active, active.version) == (True, 3)
    org.delete_officer(man.id)
    assert org.count_officers(PageRequest()) == 0
    with pytest.raises(NotFound):
        org.get_officer(man.id)
    with pytest.raises(NotFound):
        org.delete_officer(man.id)


@pytest.fixture
def force(org: OrganisationService) -> dict[str, uuid.UUID]:
    city, saddar = station(org, "City"), station(org, "Saddar")
    ids = {
        "ahmed": org.create_officer("Ahmed Ali", "si", "1001", Gender.MALE, city.id).id,
        "bushra": org.create_officer("Bushra Khan", "inspector", "2002", Gender.FEMALE, saddar.id).id,
        "kamran": org.create_officer("كامران علي", "constable", "3003", Gender.MALE, city.id).id,  # Arabic ك ي
        "zafar": org.create_officer("Zafar Iqbal", "asi", "1010", Gender.MALE, None).id,
    }
    zafar = org.get_officer(ids["zafar"])
    org.deactivate_officer(zafar.id, zafar.version)
    return ids


def names(org: OrganisationService, request: PageRequest) -> list[str]:
    page = org.page_officers(request)
    assert org.count_officers(PageRequest(search=request.search, filters=request.filters)) >= len(page.rows)
    return [o.name for o in page.rows]


def test_officer_search_by_name_number_and_urdu_variants(org: OrganisationService, force: dict[str, uuid.UUID]) -> None:
    assert names(org, PageRequest(search="ahm")) == ["Ahmed Ali"]
    assert names(org, PageRequest(search="KHAN bush")) == ["Bushra Khan"]
    assert names(org, PageRequest(search="10")) == ["Ahmed Ali", "Zafar Iqbal"]
    assert names(org, PageRequest(search="۲۰۰۲")) == ["Bushra Khan"]  # Urdu digits
    assert names(org, PageRequest(search="کامران علی")) == ["كامران علي"]  # typed with Urdu ک ی
    assert names(org, PageRequest(search="nobody")) == []
    assert names(org, PageRequest(search="100%")) == []  # LIKE wildcards are literal
    assert org.count_officers(PageRequest(search="a")) == 3


def test_officer_filters(org: OrganisationService, force: dict[str, uuid.UUID]) -> None:
    city = station(org, "City")
    assert names(org, PageRequest(filters={"station_id": city.id})) == ["Ahmed Ali", "كامران علي"]
    assert names(org, PageRequest(filters={"rank": "inspector"})) == ["Bushra Khan"]
    assert names(org, PageRequest(filters={"active": False})) == ["Zafar Iqbal"]
    assert org.count_officers(PageRequest(filters={"active": True, "station_id": city.id})) == 2
    assert org.count_officers(PageRequest(filters={"station_id": None})) == 4
    for filters in ({"rank": "major"}, {"beat": "x"}, {"active": "yes"}, {"station_id": "City"}):
        with pytest.raises(ValidationError):
            org.count_officers(PageRequest(filters=filters))


def test_officer_sorting_and_paging(org: OrganisationService, force: dict[str, uuid.UUID]) -> None:
    assert names(org, PageRequest()) == ["Ahmed Ali", "Bushra Khan", "Zafar Iqbal", "كامران علي"]
    assert names(org, PageRequest(sort="rank")) == ["كامران علي", "Zafar Iqbal", "Ahmed Ali", "Bushra Khan"]
    assert names(org, PageRequest(sort="rank", descending=True)) == [
        "Bushra Khan",
        "Ahmed Ali",
        "Zafar Iqbal",
        "كامران علي",
    ]
    assert names(org, PageRequest(sort="number")) == ["Ahmed Ali", "Zafar Iqbal", "Bushra Khan", "كامران علي"]
    assert names(org, PageRequest(sort="station", limit=1))[0] == "Zafar Iqbal"  # no station sorts first
    page = org.page_officers(PageRequest(offset=1, limit=2))
    assert (page.offset, [o.name for o in page.rows]) == (1, ["Bushra Khan", "Zafar Iqbal"])
    with pytest.raises(ValidationError):
        org.page_officers(PageRequest(sort="phone"))


# --- policy ----------------------------------------------------------------------------------------------


def test_only_the_district_officer_manages_the_organisation(
    clerk: ServiceContext, officer: ServiceContext, org: OrganisationService
) -> None:
    city = station(org, "City")
    beat = org.create_beat(city.id, "Anarkali")
    man = org.create_officer("Ahmed", "constable", "7", Gender.MALE)
    calls: list[tuple[str, tuple[object, ...]]] = [
        ("create_station", ("Cantt",)),
        ("update_station", (city.id, city.version, "Town")),
        ("delete_station", (city.id,)),
        ("create_beat", (city.id, "Mall")),
        ("update_beat", (beat.id, beat.version, "Mall")),
        ("delete_beat", (beat.id,)),
        ("create_officer", ("Bilal", "constable", "8", Gender.MALE)),
        ("update_officer", (man.id, man.version, "Bilal", "constable", "8", Gender.MALE)),
        ("deactivate_officer", (man.id, man.version)),
        ("reactivate_officer", (man.id, man.version)),
        ("delete_officer", (man.id,)),
    ]
    for ctx in (clerk, officer):
        service = OrganisationService(ctx)
        for method, args in calls:
            with pytest.raises(PermissionDenied, match="may not do this"):
                getattr(service, method)(*args)
        assert len(service.list_beats()) == 1
        assert service.count_officers(PageRequest()) == 1
    assert [s.name for s in org.list_stations()] == ["City", "Saddar"]
    assert org.get_station(city.id).version == city.version
