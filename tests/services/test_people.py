"""PeopleService: recording, finding, correcting and deleting members of the public."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copdesk.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from copdesk.models.accounts import Role
from copdesk.models.people import Gender
from copdesk.services.context import ServiceContext
from copdesk.services.paging import PageRequest
from copdesk.services.people import DuplicateCnic, PeopleService, PersonDraft, PersonView, search_query

CNIC = "35202-1234567-1"
MASKED = "35202-•••••••-1"


def ali(**changes: str | None) -> PersonDraft:
    values: dict[str, str | None] = {
        "name": "Ali Raza",
        "father_name": "Muhammad Raza",
        "gender": "male",
        "cnic": CNIC,
        "mobile": "0300-1234567",
        "address": "House 12, Street 4, Gulberg",
    }
    values.update(changes)
    return PersonDraft(**values)  # type: ignore[arg-type]


@pytest.fixture
def desk(clerk: ServiceContext) -> PeopleService:
    return PeopleService(clerk)


@pytest.fixture
def station_officer(officer: ServiceContext) -> PeopleService:
    return PeopleService(officer)


# --- create and validation -------------------------------------------------------------------------------


def test_create_stores_canonical_values(desk: PeopleService, station_officer: PeopleService) -> None:
    draft = PersonDraft(
        "  Ali   Raza ", " Muhammad  Raza", Gender.MALE, "3520212345671", "+92 300 1234567", " Gulberg "
    )
    created = desk.create(draft)
    assert created.version == 1
    full = station_officer.get(created.id)
    assert (full.name, full.father_name, full.gender, full.cnic, full.mobile, full.address) == (
        "Ali Raza",
        "Muhammad Raza",
        Gender.MALE,
        CNIC,
        "0300-1234567",
        "Gulberg",
    )


def test_cnic_and_mobile_are_optional(desk: PeopleService) -> None:
    created = desk.create(PersonDraft("Fatima Bibi", gender="female", cnic="  ", mobile=""))
    assert (created.cnic, created.mobile, created.father_name, created.address) == ("", "", "", "")
    assert created.gender is Gender.FEMALE
    assert desk.create(PersonDraft("Fatima Bibi", gender="female")).id != created.id  # no CNIC, no clash


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"father_name": "y" * 121}, "father_name"),
        ({"gender": ""}, "gender"),
        ({"gender": "Male "}, "gender"),
        ({"cnic": "35202-123456-1"}, "cnic"),
        ({"cnic": "3520-21234567-1"}, "cnic"),
        ({"cnic": "ABCDE-1234567-1"}, "cnic"),
        ({"mobile": "042-35861234"}, "mobile"),
        ({"mobile": "0300-12345"}, "mobile"),
        ({"address": "z" * 501}, "address"),
    ],
)
def test_invalid_drafts_are_refused(desk: PeopleService, changes: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationError) as raised:
        desk.create(ali(**changes))
    assert raised.value.field == field
    assert desk.count(PageRequest()) == 0


def test_validated_accepts_urdu_digits_and_length_limits() -> None:
    clean = ali(name="n" * 120, cnic="۳۵۲۰۲-۱۲۳۴۵۶۷-۱", mobile="۰۳۰۰۱۲۳۴۵۶۷").validated()
    assert (len(clean.name), clean.cnic, clean.mobile, clean.gender) == (120, CNIC, "+923001234567", Gender.MALE)


# --- masking ---------------------------------------------------------------------------------------------


def test_clerk_sees_names_and_mobile_but_a_masked_cnic(desk: PeopleService) -> None:
    view = desk.create(ali())
    assert (view.name, view.father_name, view.mobile, view.address) == (
        "Ali Raza",
        "Muhammad Raza",
        "0300-1234567",
        "House 12, Street 4, Gulberg",
    )
    assert view.cnic == MASKED
    assert desk.get(view.id).cnic == MASKED
    assert desk.page(PageRequest()).rows[0].cnic == MASKED


@pytest.mark.parametrize("role", [Role.STATION_OFFICER, Role.DISTRICT_OFFICER])
def test_officers_see_everything(desk: PeopleService, as_role: Callable[[Role], ServiceContext], role: Role) -> None:
    created = desk.create(ali())
    view = PeopleService(as_role(role)).get(created.id)
    assert (view.cnic, view.name, view.mobile) == (CNIC, "Ali Raza", "0300-1234567")


@pytest.mark.parametrize("role", [Role.HUB_ANALYST, Role.HUB_ADMIN])
def test_hub_roles_cannot_use_the_people_register(as_role: Callable[[Role], ServiceContext], role: Role) -> None:
    service = PeopleService(as_role(role))
    with pytest.raises(PermissionDenied):
        service.count(PageRequest())
    with pytest.raises(PermissionDenied):
        service.find_by_cnic(CNIC)
    with pytest.raises(PermissionDenied):
        service.create(ali())


# --- duplicates ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [CNIC, "3520212345671", "35202 1234567 1", "۳۵۲۰۲۱۲۳۴۵۶۷۱"])
def test_duplicate_cnic_refused_however_typed(desk: PeopleService, typed: str) -> None:
    first = desk.create(ali())
    with pytest.raises(DuplicateCnic) as raised:
        desk.create(ali(name="Someone Else", cnic=typed))
    error = raised.value
    assert isinstance(error, ConflictError)
    assert error.existing.id == first.id
    assert "Ali Raza" in error.message and str(first.id)[:8] in error.message
    assert MASKED in error.message and CNIC not in error.message  # a clerk's message keeps the CNIC masked
    assert desk.count(PageRequest()) == 1


def test_duplicate_message_shows_full_cnic_to_officers(desk: PeopleService, station_officer: PeopleService) -> None:
    desk.create(ali())
    with pytest.raises(ConflictError, match=f"The CNIC {CNIC} is already recorded for Ali Raza"):
        station_officer.create(ali(name="Other"))


def test_deleted_holder_releases_the_cnic(desk: PeopleService, station_officer: PeopleService) -> None:
    first = desk.create(ali())
    station_officer.delete(first.id)
    second = desk.create(ali(name="Ali Raza Khan"))
    assert second.id != first.id
    assert desk.find_by_cnic(CNIC) == second


def test_find_by_cnic(desk: PeopleService) -> None:
    created = desk.create(ali())
    desk.create(ali(name="Other", cnic="35202-7654321-3"))
    for typed in (CNIC, "3520212345671", " 35202 - 1234567 - 1 ", "۳۵۲۰۲-۱۲۳۴۵۶۷-۱"):
        assert desk.find_by_cnic(typed) == created
    for typed in ("35202-1234567-2", "", "35202", "not a cnic", "35202-1234567-"):
        assert desk.find_by_cnic(typed) is None


# --- get, update, delete ---------------------------------------------------------------------------------


def test_get_missing_person(desk: PeopleService) -> None:
    with pytest.raises(NotFound):
        desk.get(uuid.uuid4())


def test_update(desk: PeopleService, station_officer: PeopleService) -> None:
    created = desk.create(ali())
    updated = desk.update(created.id, created.version, ali(mobile="0321 7654321", cnic="3520212345671"))
    assert (updated.version, updated.mobile, updated.cnic) == (2, "0321-7654321", MASKED)  # own CNIC kept
    assert station_officer.get(created.id).cnic == CNIC
    cleared = desk.update(created.id, updated.version, ali(cnic=None, mobile=None, gender="transgender"))
    assert (cleared.cnic, cleared.mobile, cleared.gender) == ("", "", Gender.TRANSGENDER)
    assert desk.get(created.id) == cleared


def test_stale_update_is_refused(desk: PeopleService) -> None:
    created = desk.create(ali())
    desk.update(created.id, created.version, ali(name="Ali Raza Khan"))
    with pytest.raises(ConflictError, match="changed this person's record"):
        desk.update(created.id, created.version, ali(name="Ali R."))
    assert desk.get(created.id).name == "Ali Raza Khan"


def test_update_cannot_take_anothers_cnic(desk: PeopleService) -> None:
    desk.create(ali())
    other = desk.create(ali(name="Bilal", cnic="35202-7654321-3"))
    with pytest.raises(DuplicateCnic) as raised:
        desk.update(other.id, other.version, ali(name="Bilal", cnic="3520212345671"))
    assert raised.value.existing.name == "Ali Raza"
    assert desk.get(other.id).version == other.version


def test_update_validates_and_needs_a_live_record(desk: PeopleService, station_officer: PeopleService) -> None:
    created = desk.create(ali())
    with pytest.raises(ValidationError):
        desk.update(created.id, created.version, ali(name=""))
    station_officer.delete(created.id)
    with pytest.raises(NotFound):
        desk.update(created.id, created.version, ali())


def test_soft_delete_hides_everywhere(desk: PeopleService, station_officer: PeopleService) -> None:
    created = desk.create(ali())
    kept = desk.create(ali(name="Bilal Raza", cnic=None))
    with pytest.raises(PermissionDenied):
        desk.delete(created.id)  # clerks may not delete people
    station_officer.delete(created.id)
    assert [p.id for p in desk.page(PageRequest()).rows] == [kept.id]
    assert desk.count(PageRequest(search="Ali")) == 0
    assert desk.count(PageRequest(search="raza")) == 1
    assert desk.count(PageRequest(search="3520212345671")) == 0
    assert desk.find_by_cnic(CNIC) is None
    with pytest.raises(NotFound):
        desk.get(created.id)
    with pytest.raises(NotFound):
        station_officer.delete(created.id)


# --- search ----------------------------------------------------------------------------------------------


@pytest.fixture
def register(desk: PeopleService) -> dict[str, PersonView]:
    return {
        "ali": desk.create(ali()),
        "kulsoom": desk.create(
            PersonDraft("کلثوم بی بی", "محمد یوسف", Gender.FEMALE, "42101-5555555-2", "0333 9876543")
        ),
        "shakeel": desk.create(PersonDraft("شكيل احمد", "رفيق", Gender.MALE)),  # typed on an Arabic keyboard
    }


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ali", ["ali"]),
        ("ALI raz", ["ali"]),
        ("muhammad", ["ali"]),
        (CNIC, ["ali"]),
        ("3520212345671", ["ali"]),
        ("35202", ["ali"]),
        ("03001234567", ["ali"]),
        ("0300-1234567", ["ali"]),
        ("+92 300 1234567", ["ali"]),
        ("0333", ["kulsoom"]),
        ("42101-5555555-2", ["kulsoom"]),
        ("كلثوم", ["kulsoom"]),  # Arabic kaf for an Urdu-typed name
        ("يوسف", ["kulsoom"]),  # Arabic yeh in the father's name
        ("شکیل", ["shakeel"]),  # Urdu kaf and yeh for an Arabic-typed name
        ("رفیق", ["shakeel"]),
        ("محمد", ["kulsoom"]),
        ("nobody", []),
        ('"ali" OR', []),  # FTS syntax is taken literally
        ("", ["ali", "shakeel", "kulsoom"]),
    ],
)
def test_search(desk: PeopleService, register: dict[str, PersonView], query: str, found: list[str]) -> None:
    request = PageRequest(search=query)
    ids = [p.id for p in desk.page(request).rows]
    assert sorted(ids) == sorted(register[key].id for key in found)
    assert desk.count(request) == len(found)


def test_search_query_rewrites_numbers_only() -> None:
    assert search_query("35202-1234567-1") == "3520212345671"
    assert search_query("0300-1234567") == "03001234567"
    assert search_query("+92 321 7654321") == "03217654321"
    assert search_query("0300") == "0300"
    assert search_query("Ali 0300") == "Ali 0300"
    assert search_query("علی") == "علی"


@given(st.text(max_size=30))
def test_search_query_never_fails(text: str) -> None:
    assert isinstance(search_query(text), str)


def test_gender_filter(desk: PeopleService, register: dict[str, PersonView]) -> None:
    assert [p.id for p in desk.page(PageRequest(filters={"gender": "female"})).rows] == [register["kulsoom"].id]
    assert desk.count(PageRequest(filters={"gender": Gender.MALE})) == 2
    assert desk.count(PageRequest(filters={"gender": None})) == 3
    assert desk.count(PageRequest(search="ali", filters={"gender": "female"})) == 0
    with pytest.raises(ValidationError):
        desk.count(PageRequest(filters={"gender": "unknown"}))
    with pytest.raises(ValidationError):
        desk.count(PageRequest(filters={"cnic": CNIC}))


# --- paging ----------------------------------------------------------------------------------------------


def test_paging_is_stable(desk: PeopleService) -> None:
    for index, name in enumerate(["Zainab", "Ahmed", "Bilal", "Ahmed", "Ahmed", "Mariam", "Bilal"]):
        desk.create(PersonDraft(name, father_name=f"Father {index}", gender="male"))
    everything = desk.page(PageRequest(limit=100)).rows
    assert [p.name for p in everything] == ["Ahmed"] * 3 + ["Bilal"] * 2 + ["Mariam", "Zainab"]
    ahmeds = [p.id for p in everything[:3]]
    assert ahmeds == sorted(ahmeds)  # ties broken by id
    pages = [desk.page(PageRequest(offset=offset, limit=3)) for offset in (0, 3, 6)]
    assert [p.offset for p in pages] == [0, 3, 6]
    assert [len(p.rows) for p in pages] == [3, 3, 1]
    assert [p.id for page in pages for p in page.rows] == [p.id for p in everything]
    descending = desk.page(PageRequest(descending=True)).rows
    assert [p.id for p in descending] == [p.id for p in reversed(everything)]
    by_creation = desk.page(PageRequest(sort="created_at")).rows
    assert [p.id for p in by_creation] == [p.id for p in sorted(everything, key=lambda p: (p.created_at, p.id))]
    assert [p.father_name for p in by_creation] == [f"Father {i}" for i in range(7)]
    assert desk.page(PageRequest(offset=7)).rows == []
    assert desk.count(PageRequest(offset=5, limit=1)) == 7


def test_bad_sort_key(desk: PeopleService) -> None:
    with pytest.raises(ValidationError):
        desk.page(PageRequest(sort="cnic"))


def test_keep_cnic_lets_a_clerk_correct_other_fields(desk: PeopleService, station_officer: PeopleService) -> None:
    person = station_officer.create(PersonDraft("Bilal Khan", "Khalid", "male", "35202-1111111-1", "03001111111"))
    masked = desk.get(person.id)
    assert "•" in masked.cnic
    desk.update(
        person.id,
        masked.version,
        PersonDraft("Bilal Ahmed Khan", "Khalid", "male", masked.cnic, "0300-2222222"),
        keep_cnic=True,
    )
    after = station_officer.get(person.id)
    assert (after.name, after.cnic, after.mobile) == ("Bilal Ahmed Khan", "35202-1111111-1", "0300-2222222")
    with pytest.raises(ValidationError, match="CNIC"):  # without keep_cnic the masked value is not a CNIC
        desk.update(person.id, after.version, PersonDraft("Bilal", "Khalid", "male", masked.cnic))
