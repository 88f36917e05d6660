"""SpreadsheetService import: preview, row-level problems, one transaction, all or nothing, rosters, memory."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from copdesk.errors import NotFound, PermissionDenied, ValidationError, WorkflowError
from copdesk.models.accounts import Role
from copdesk.models.audit import AuditEntry
from copdesk.models.base import DatabaseState
from copdesk.models.committees import CommitteeMember, CommitteeType, MemberRole
from copdesk.models.months import MonthClosing, MonthState
from copdesk.models.organisation import Station
from copdesk.models.people import Person
from copdesk.models.watch import Volunteer
from copdesk.services.committees import CommitteeDraft, CommitteeService, MemberDraft
from copdesk.services.context import ServiceContext
from copdesk.services.organisation import OrganisationService
from copdesk.services.paging import PageRequest
from copdesk.services.people import PeopleService, PersonDraft
from copdesk.services.spreadsheets import ImportTarget, SpreadsheetService
from copdesk.services.watch import GroupDraft, VolunteerDraft, WatchService
from copdesk.spreadsheets.mapping import ColumnMapping, MappingMemory
from copdesk.spreadsheets.reader import NotASpreadsheet, SpreadsheetError
from copdesk.storage.recording import SESSION_ACTOR
from tests.spreadsheets.helpers import FIXTURES, PEOPLE_HEADINGS, clerk_workbook

KNOWN_CNIC = "35202-7777777-1"

# S.No, Name, Father's Name, Gender, CNIC No., Mobile No, Address   (data starts on row 3, under a title line)
PEOPLE_ROWS: list[list[Any]] = [
    [1, "Ali Raza", "Muhammad Raza", "M", "35202-1234567-1", "0300-1234567", "House 5, Ward 5"],  # 3 good
    [2, "Bad Cnic", "", "M", "35202-12345", "0300-1234568", ""],  # 4
    [3, "Landline", "", "Male", "35202-1234567-3", "042-35761234", ""],  # 5
    [4, None, "Someone", "F", "35202-1234567-4", None, ""],  # 6 missing name
    [5, "Ali Again", "", "M", "3520212345671", None, ""],  # 7 same CNIC as row 3 (typed as a number)
    [6, "Known Person", "", "M", KNOWN_CNIC, None, ""],  # 8 already in the database
    [7, "بانو بی بی", "غلام نبی", "خاتون", 3520212345682, 3011234567, "محلہ قادری"],  # 9 good
    [8],  # 10 only a serial number: skipped
    [9, "Two Problems", "", "yes", None, "12", ""],  # 11 gender and mobile
    [10, "Nasir Khan", "Abdul Khan", "M", None, "0333-1112223", ""],  # 12 good, no CNIC
    [11, "Nasir  Khan", "abdul khan", "male", None, "0333-1112223", ""],  # 13 repeats row 12
    [12, "Transgender Person", "", "Khwaja Sira", None, None, ""],  # 14 good
]
EXPECTED_PROBLEMS = {
    4: "CNIC must have 13 digits, like 35202-1234567-1 (this one has 10)",
    5: "looks like a landline",
    6: "Enter the person's name.",
    7: "The CNIC 35202-1234567-1 is also on row 3",
    8: f"The CNIC {KNOWN_CNIC} is already recorded for Known Person",
    11: "Write the gender as male, female or transgender (the sheet says 'yes').",
    13: "This row repeats row 12",
}


@pytest.fixture
def people_sheet(tmp_path: Path) -> Path:
    return clerk_workbook(tmp_path / "people.xlsx", PEOPLE_ROWS, title="People of Ward 5")


@pytest.fixture
def known(clerk: ServiceContext) -> uuid.UUID:
    return PeopleService(clerk).create(PersonDraft("Known Person", "", "male", KNOWN_CNIC)).id


def _count(ctx: ServiceContext, model: Any) -> int:
    with ctx.read() as session:
        return int(session.scalar(select(func.count()).select_from(model).where(model.deleted_at.is_(None))) or 0)


def _state(ctx: ServiceContext) -> tuple[int, int, int]:
    with ctx.read() as session:
        state = session.get_one(DatabaseState, 1)
        entries = int(session.scalar(select(func.count()).select_from(AuditEntry)) or 0)
        return state.change_seq, state.audit_seq, entries


def test_preview_lists_every_bad_row_with_its_reason(
    clerk: ServiceContext, people_sheet: Path, known: uuid.UUID
) -> None:
    before = _state(clerk)
    preview = SpreadsheetService(clerk).preview_import(people_sheet, None, None, "people")
    assert _state(clerk) == before  # nothing written
    assert (preview.sheet, preview.header_row) == ("Sheet1", 2)
    assert preview.headers == PEOPLE_HEADINGS
    assert dict(preview.mapping.columns) == {
        "name": 1, "father_name": 2, "gender": 3, "cnic": 4, "mobile": 5, "address": 6,
    }  # fmt: skip
    assert (preview.total_rows, preview.good_rows, preview.bad_rows) == (11, 4, 7)
    assert [p.row for p in preview.problems] == sorted(EXPECTED_PROBLEMS)
    for problem in preview.problems:
        assert EXPECTED_PROBLEMS[problem.row] in problem.reason, problem
    two = next(p for p in preview.problems if p.row == 11)
    assert "mobile number must have 11 digits" in two.reason  # both problems of the row are given
    assert [r.row for r in preview.rows] == [3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14]
    first = preview.rows[0]
    assert first.errors == () and first.values["cnic"] == "35202-1234567-1" and first.values["mobile"] == "0300-1234567"
    assert preview.rows[6].values["cnic"] == "3520212345682" and preview.rows[6].values["mobile"] == "3011234567"
    assert len(SpreadsheetService(clerk).preview_import(people_sheet, None, None, "people", rows_shown=2).rows) == 2


def test_import_writes_the_good_rows_in_one_transaction(
    clerk: ServiceContext, people_sheet: Path, known: uuid.UUID
) -> None:
    people_before = _count(clerk, Person)
    seq_before = _state(clerk)[0]
    result = SpreadsheetService(clerk).run_import(people_sheet, None, None, "people", all_or_nothing=False)
    assert result.applied and (result.imported, result.people_created, result.people_matched) == (4, 4, 0)
    assert result.total_rows == 11 and [p.row for p in result.problems] == sorted(EXPECTED_PROBLEMS)
    assert _count(clerk, Person) == people_before + 4
    assert _state(clerk)[0] == seq_before + 4  # one change-sequence number per record
    people = PeopleService(clerk)
    (ali,) = people.page(PageRequest(search="3520212345671")).rows  # the CNIC digits are searchable
    assert (ali.name, ali.father_name, ali.gender, ali.mobile) == ("Ali Raza", "Muhammad Raza", "male", "0300-1234567")
    (bano,) = people.page(PageRequest(search="03011234567")).rows
    assert (bano.name, bano.gender, bano.address) == ("بانو بی بی", "female", "محلہ قادری")
    assert people.page(PageRequest(search="نسیم")).rows == []
    assert len(people.page(PageRequest(search="Nasir Khan")).rows) == 1
    assert PeopleService(clerk).find_by_cnic("35202-1234568-2") is not None
    with clerk.read() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(2)).all()
        assert (entries[0].action, entries[0].entity) == ("import", "people")  # the import itself, then
        assert (entries[1].action, entries[1].entity) == ("bulk_create", "people")  # the rows it wrote


def test_all_or_nothing_leaves_the_database_unchanged(
    clerk: ServiceContext, people_sheet: Path, known: uuid.UUID
) -> None:
    before = (_count(clerk, Person), _state(clerk))
    result = SpreadsheetService(clerk).run_import(people_sheet, None, None, "people", all_or_nothing=True)
    assert not result.applied and result.imported == 0 and len(result.problems) == 7
    assert (_count(clerk, Person), _state(clerk)) == before
    assert MappingMemory().recall("people", PEOPLE_HEADINGS) is None  # nothing imported, nothing remembered


def test_all_or_nothing_imports_a_clean_file(clerk: ServiceContext, tmp_path: Path) -> None:
    path = clerk_workbook(tmp_path / "clean.xlsx", [row for row in PEOPLE_ROWS if row[0] in (1, 7, 10, 12)])
    result = SpreadsheetService(clerk).run_import(path, "Sheet1", None, "people", all_or_nothing=True)
    assert result.applied and result.imported == 4 and result.problems == ()


def test_the_mapping_used_is_remembered_and_offered_again(clerk: ServiceContext, tmp_path: Path) -> None:
    headings = ("Naam", "Jins", "Shanakhti")
    path = clerk_workbook(tmp_path / "odd.xlsx", [["Ali", "M", "35202-1234567-1"]], headings=headings)
    service = SpreadsheetService(clerk)
    suggestion = service.suggest_mapping(path, None, "people")
    assert not suggestion.remembered and dict(suggestion.mapping.columns) == {"name": 0}
    assert [f.name for f in suggestion.fields] == ["name", "father_name", "gender", "cnic", "mobile", "address"]
    with pytest.raises(ValidationError, match="Choose the column with the gender"):
        service.preview_import(path, None, None, "people")
    mapping = ColumnMapping({"name": 0, "gender": 1, "cnic": 2})
    assert service.run_import(path, None, mapping, "people", all_or_nothing=True).imported == 1
    again = service.suggest_mapping(path, None, "people")
    assert again.remembered and again.mapping == mapping
    assert service.preview_import(path, None, None, "people").bad_rows == 1  # same CNIC is now recorded


def test_defaults_fill_a_missing_column(clerk: ServiceContext, tmp_path: Path) -> None:
    path = clerk_workbook(tmp_path / "women.xlsx", [["Bano"], ["Zainab"]], headings=("Name", "Remarks"))
    mapping = ColumnMapping({"name": 0}, {"gender": "female"})
    result = SpreadsheetService(clerk).run_import(path, None, mapping, "people", all_or_nothing=True)
    assert result.imported == 2
    assert {p.gender for p in PeopleService(clerk).page(PageRequest(search="Zainab")).rows} == {"female"}


def test_sheet_choice_and_unreadable_files(clerk: ServiceContext, tmp_path: Path) -> None:
    service = SpreadsheetService(clerk)
    xls = FIXTURES / "volunteers.xls"
    assert [s.name for s in service.sheets(xls)] == ["Volunteers", "Notes"]
    with pytest.raises(SpreadsheetError, match="no sheet named 'Lists'.*'Volunteers', 'Notes'"):
        service.preview_import(xls, "Lists", None, "people")
    text = tmp_path / "people.xlsx"
    text.write_text("Name,CNIC\nAli,35202-1234567-1\n")
    with pytest.raises(NotASpreadsheet, match="CSV"):
        service.preview_import(text, None, None, "people")


# --- volunteers ------------------------------------------------------------------------------------------------


@pytest.fixture
def group(clerk: ServiceContext, dpo: ServiceContext) -> uuid.UUID:
    with dpo.read() as session:
        city = session.scalars(select(Station.id).where(Station.name == "City")).one()
    beat = OrganisationService(dpo).create_beat(city, "Ward 5")
    return WatchService(clerk).create_group(GroupDraft(beat.id, "Ward 5 night watch", date(2025, 1, 1))).id


def test_volunteers_from_an_old_xls_file(clerk: ServiceContext, group: uuid.UUID) -> None:
    """The .xls fixture: three good rows (dates from date cells, or today when blank) and a bad CNIC."""
    existing = PeopleService(clerk).create(PersonDraft("Fatima Bibi", "Ghulam Nabi", "female", "35202-1234568-2"))
    result = SpreadsheetService(clerk).run_import(
        FIXTURES / "volunteers.xls", "Volunteers", None, ImportTarget.VOLUNTEERS, False, group_id=group
    )
    assert (result.imported, result.people_created, result.people_matched) == (3, 2, 1)
    assert [(p.row, "dashes go after" in p.reason or "13 digits" in p.reason) for p in result.problems] == [(6, True)]
    volunteers = {v.name: v for v in WatchService(clerk).volunteers(group)}
    assert set(volunteers) == {"Ali Raza", "Fatima Bibi", "علی حسن"}
    assert volunteers["Fatima Bibi"].person_id == existing.id  # the recorded person is used, not a copy
    assert volunteers["Ali Raza"].joined_on == date(2025, 1, 15)
    assert volunteers["علی حسن"].joined_on == clerk.today()
    assert all(v.verification_status.value == "pending" for v in volunteers.values())


def test_volunteer_rules(clerk: ServiceContext, group: uuid.UUID, tmp_path: Path) -> None:
    already = PeopleService(clerk).create(PersonDraft("Already There", "", "male", "35202-1111111-1"))
    WatchService(clerk).add_volunteer(group, VolunteerDraft(already.id, date(2025, 2, 1)))
    tomorrow = clerk.today() + timedelta(days=1)
    rows = [
        ["Already There", "M", "35202-1111111-1", None, ""],  # 2 already a volunteer
        ["Future Joiner", "M", None, datetime.combine(tomorrow, datetime.min.time()), ""],  # 3
        ["Bad Date", "M", None, "31-02-2025", ""],  # 4
        ["Long Notes", "M", None, "01-03-2025", "x" * 2_001],  # 5
        ["Fine", "M", None, "01-03-2025", "Evenings"],  # 6
    ]
    path = clerk_workbook(tmp_path / "v.xlsx", rows, headings=("Name", "Gender", "CNIC", "Joined on", "Notes"))
    preview = SpreadsheetService(clerk).preview_import(path, None, None, "volunteers", group_id=group)
    reasons = {p.row: p.reason for p in preview.problems}
    assert "Already There is already a volunteer of this group." in reasons[2]
    assert reasons[3] == "The joining date cannot be in the future."
    assert reasons[4] == "Write the joining date like 05-03-2025 (the sheet says '31-02-2025')."
    assert reasons[5] == "The notes can be at most 2000 characters long."
    assert preview.good_rows == 1 and preview.rows[0].existing_person
    result = SpreadsheetService(clerk).run_import(path, None, None, "volunteers", False, group_id=group)
    (fine,) = [v for v in WatchService(clerk).volunteers(group) if v.name == "Fine"]
    assert result.imported == 1 and fine.joined_on == date(2025, 3, 1) and fine.notes == "Evenings"


def test_volunteers_need_an_active_group(clerk: ServiceContext, group: uuid.UUID, tmp_path: Path) -> None:
    path = clerk_workbook(tmp_path / "v.xlsx", [["Ali", "M"]], headings=("Name", "Gender"))
    service = SpreadsheetService(clerk)
    with pytest.raises(ValidationError, match="Choose the watch group"):
        service.preview_import(path, None, None, "volunteers")
    with pytest.raises(ValidationError, match="Choose the watch group"):
        service.preview_import(path, None, None, "volunteers", group_id=uuid.uuid4())
    view = WatchService(clerk).get_group(group)
    WatchService(clerk).update_group(
        group, view.version, GroupDraft(view.beat_id, view.name, view.formed_on, active=False)
    )
    with pytest.raises(WorkflowError, match="inactive"):
        service.run_import(path, None, None, "volunteers", False, group_id=group)
    assert _count(clerk, Person) == 0


# --- committee members -----------------------------------------------------------------------------------------


@pytest.fixture
def committee(clerk: ServiceContext) -> uuid.UUID:
    with clerk.read() as session:
        city = session.scalars(select(Station.id).where(Station.name == "City")).one()
    draft = CommitteeDraft(CommitteeType.DISPUTE_RESOLUTION, "DRC City", city, date(2025, 1, 1))
    return CommitteeService(clerk).create(draft).id


MEMBER_HEADINGS = ("Name", "Gender", "CNIC", "Designation", "Category", "Date of joining")


def test_committee_member_rules(clerk: ServiceContext, district_db: Any, committee: uuid.UUID, tmp_path: Path) -> None:
    secretary = PeopleService(clerk).create(PersonDraft("Old Secretary", "", "male", "35202-2222222-1"))
    CommitteeService(clerk).add_member(committee, MemberDraft(secretary.id, "secretary", "lawyer", date(2025, 1, 2)))
    with district_db.writer(info={SESSION_ACTOR: "dpo"}) as session:
        session.add(
            MonthClosing(
                month="2025-02",
                state=MonthState.CLOSED.value,
                closed_at=datetime(2025, 3, 1, tzinfo=UTC),
                closed_by="dpo",
                high_water_seq=0,
            )  # fmt: skip
        )
    rows = [
        ["Convener One", "M", None, "Chairman", "Elder", "05-01-2025"],  # 2 good
        ["Convener Two", "M", None, "convener", "ulema", "06-01-2025"],  # 3 second convener in the file
        ["Second Secretary", "F", None, "Secretary", "woman", "07-01-2025"],  # 4 committee has a secretary
        ["Old Secretary", "M", "35202-2222222-1", "", "lawyer", "08-01-2025"],  # 5 already a member
        ["No Category", "M", None, "", "", "09-01-2025"],  # 6
        ["Odd Category", "M", None, "member", "astronaut", "09-01-2025"],  # 7
        ["Too Early", "M", None, "member", "youth", "31-12-2024"],  # 8 before the committee was formed
        ["Closed Month", "M", None, "member", "trader", "10-02-2025"],  # 9 February is closed
        ["No Date", "M", None, "member", "trader", None],  # 10
        ["Boss", "M", None, "boss", "trader", "10-01-2025"],  # 11
        ["Plain Member", "F", None, None, "teacher", "11-01-2025"],  # 12 good, office defaults to member
    ]
    path = clerk_workbook(tmp_path / "m.xlsx", rows, headings=MEMBER_HEADINGS)
    service = SpreadsheetService(clerk)
    result = service.run_import(path, None, None, "committee_members", False, committee_id=committee)
    reasons = {p.row: p.reason for p in result.problems}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert reasons[3] == "Row 2 is already the convener; a committee has one convener."
    assert reasons[4] == "The committee already has a secretary for (part of) this period."
    assert reasons[5] == "This person is already a member of the committee for (part of) this period."
    assert reasons[6] == "Enter the member's category (elder, ulema, lawyer, ...)."
    assert reasons[7].startswith("'astronaut' is not a member category")
    assert reasons[8] == "The committee was formed on 01 Jan 2025; a member cannot join before that."
    assert reasons[9].startswith("February 2025 is closed")
    assert reasons[10] == "Enter the date the member joined."
    assert reasons[11] == "Write the office as convener, secretary or member (the sheet says 'boss')."
    roster = {m.name: m for m in CommitteeService(clerk).roster(committee)}
    assert set(roster) == {"Old Secretary", "Convener One", "Plain Member"}
    assert roster["Convener One"].role is MemberRole.CONVENER and roster["Convener One"].category == "elder"
    assert roster["Plain Member"].role is MemberRole.MEMBER and roster["Plain Member"].joined_on == date(2025, 1, 11)
    with clerk.read() as session:
        assert session.scalar(select(func.count()).select_from(CommitteeMember)) == 3


def test_committee_members_need_a_committee(clerk: ServiceContext, tmp_path: Path) -> None:
    path = clerk_workbook(tmp_path / "m.xlsx", [["A", "M", None, "", "elder", "05-01-2025"]], MEMBER_HEADINGS)
    with pytest.raises(ValidationError, match="Choose the committee"):
        SpreadsheetService(clerk).preview_import(path, None, None, "committee_members")
    with pytest.raises(NotFound):
        SpreadsheetService(clerk).preview_import(path, None, None, "committee_members", committee_id=uuid.uuid4())


# --- policy ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.HUB_ANALYST, Role.HUB_ADMIN])
def test_roles_outside_the_desk_may_not_import(
    as_role: Callable[[Role], ServiceContext], role: Role, people_sheet: Path
) -> None:
    service = SpreadsheetService(as_role(role))
    for call in (
        lambda: service.sheets(people_sheet),
        lambda: service.suggest_mapping(people_sheet, None, "people"),
        lambda: service.preview_import(people_sheet, None, None, "people"),
        lambda: service.run_import(people_sheet, None, None, "people", False),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_volunteer_import_is_refused_without_watch_rights(
    clerk: ServiceContext, group: uuid.UUID, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import also needs the right to do what it does (here: manage watch groups)."""
    from copdesk.services import policy

    monkeypatch.setitem(policy.POLICY, "watch.manage", frozenset())  # type: ignore[index]
    path = clerk_workbook(tmp_path / "v.xlsx", [["Ali", "M"]], headings=("Name", "Gender"))
    with pytest.raises(PermissionDenied, match="watch.manage"):
        SpreadsheetService(clerk).run_import(path, None, None, "volunteers", False, group_id=group)
    assert _count(clerk, Volunteer) == 0
