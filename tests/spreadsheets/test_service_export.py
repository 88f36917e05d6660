"""SpreadsheetService.export_list: every list kind, streaming and paging, masking, filters, progress, policy."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from copdesk.errors import NotFound, PermissionDenied, ValidationError
from copdesk.models.accounts import Role
from copdesk.models.committees import CommitteeType, MemberRole
from copdesk.models.organisation import Officer, Station
from copdesk.models.people import Person
from copdesk.services.committees import CommitteeDraft, CommitteeService, MemberDraft
from copdesk.services.complaints import ComplaintDraft, ComplaintService
from copdesk.services.context import ServiceContext
from copdesk.services.meetings import MeetingService
from copdesk.services.organisation import OrganisationService
from copdesk.services.paging import PageRequest
from copdesk.services.people import PeopleService, PersonDraft
from copdesk.services.spreadsheets import EXPORT_KINDS, SpreadsheetService
from copdesk.services.watch import GroupDraft, VolunteerDraft, WatchService
from copdesk.storage.bulk import bulk_insert
from copdesk.storage.recording import SESSION_ACTOR


def _sheet(path: Path) -> list[tuple[Any, ...]]:
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def _stations(ctx: ServiceContext) -> dict[str, uuid.UUID]:
    with ctx.read() as session:
        return {s.name: s.id for s in session.scalars(select(Station))}


def _complaint(ctx: ServiceContext, station: uuid.UUID, **changes: Any) -> None:
    draft = ComplaintDraft(
        received_on=changes.pop("received_on", ctx.today()),
        channel="walk_in",
        category="theft",
        description=changes.pop("description", "My motorcycle was stolen outside the mosque."),
        station_id=station,
        new_complainant=PersonDraft(
            "Ali Raza", "Muhammad Raza", "male", changes.pop("cnic", "35202-1234567-1"), "0300-1234567", "Ward 5"
        ),
    )
    ComplaintService(ctx).register(draft)


def test_complaints_export_matches_the_list_and_masks_cnic_for_a_clerk(
    clerk: ServiceContext, officer: ServiceContext, tmp_path: Path
) -> None:
    city = _stations(clerk)["City"]
    _complaint(clerk, city, description='=HYPERLINK("http://evil")')
    assert SpreadsheetService(clerk).export_list("complaints", PageRequest(), tmp_path / "c.xlsx") == 1
    header, row = _sheet(tmp_path / "c.xlsx")
    assert header[:5] == ("Tracking no", "Received on", "Channel", "Category", "Description")
    values = dict(zip(header, row, strict=True))
    assert values["Received on"] == datetime.combine(clerk.today(), datetime.min.time())
    assert values["Description"] == '=HYPERLINK("http://evil")'
    assert values["Complainant"] == "Ali Raza"
    assert values["Complainant's CNIC"] == "35202-•••••••-1"  # a clerk sees CNICs masked, as in the list
    assert values["Complainant's mobile"] == "0300-1234567"
    assert values["Status"] == "Received" and values["Times reopened"] == 0 and values["Overdue"] == "No"
    SpreadsheetService(officer).export_list("complaints", PageRequest(), tmp_path / "o.xlsx")
    assert dict(zip(*_sheet(tmp_path / "o.xlsx"), strict=True))["Complainant's CNIC"] == "35202-1234567-1"


def test_complaints_filters_and_search_are_the_lists_own(clerk: ServiceContext, tmp_path: Path) -> None:
    city = _stations(clerk)["City"]
    today = clerk.today()
    last_month = today.replace(day=1) - timedelta(days=1)
    _complaint(clerk, city, description="Buffalo stolen from the dera", cnic="35202-1234567-1")
    _complaint(clerk, city, received_on=last_month, description="Loud music at night", cnic="35202-1234567-3")
    service = SpreadsheetService(clerk)
    month = f"{today:%Y-%m}"
    assert service.export_list("complaints", PageRequest(filters={"month": month}), tmp_path / "m.xlsx") == 1
    assert service.export_list("complaints", PageRequest(search="buffalo"), tmp_path / "s.xlsx") == 1
    assert _sheet(tmp_path / "s.xlsx")[1][4] == "Buffalo stolen from the dera"
    assert service.export_list("complaints", PageRequest(search="nothing-like-this"), tmp_path / "n.xlsx") == 0
    with pytest.raises(ValidationError, match="cannot be filtered by.*colour"):
        service.export_list("complaints", PageRequest(filters={"colour": "red"}), tmp_path / "x.xlsx")


def test_a_long_list_is_streamed_in_order(
    clerk: ServiceContext, district_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with district_db.writer(info={SESSION_ACTOR: "dpo"}) as session:
        bulk_insert(
            session,
            Person,
            [
                {"name": f"Person {i:05d}", "father_name": "", "gender": "male", "cnic": None, "mobile": None}
                for i in range(2_345)
            ],
        )
    streams: list[PageRequest] = []
    closed: list[bool] = []
    original = PeopleService.stream

    def spy(self: PeopleService, request: PageRequest, batch: int = 500) -> Iterator[Any]:
        streams.append(request)
        try:
            yield from original(self, request, batch)
        finally:
            closed.append(True)

    def no_pages(self: PeopleService, request: PageRequest) -> Any:
        raise AssertionError("the export streams the list; it does not page through it")

    monkeypatch.setattr(PeopleService, "stream", spy)
    monkeypatch.setattr(PeopleService, "page", no_pages)
    progress: list[tuple[int, int]] = []
    out = tmp_path / "people.xlsx"
    request = PageRequest(offset=7, limit=3)
    written = SpreadsheetService(clerk).export_list(
        "people", request, out, lambda done, total: progress.append((done, total))
    )
    assert written == 2_345  # offset/limit of the request are ignored
    assert streams == [request] and closed == [True]
    assert progress[0] == (500, 2_345) and progress[-1] == (2_345, 2_345)
    names = [row[0] for row in _sheet(out)[1:]]
    assert names == [f"Person {i:05d}" for i in range(2_345)]


def test_a_cancelled_export_ends_its_stream(
    clerk: ServiceContext, district_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with district_db.writer(info={SESSION_ACTOR: "dpo"}) as session:
        bulk_insert(
            session,
            Person,
            [
                {"name": f"P{i}", "father_name": "", "gender": "male", "cnic": None, "mobile": None}
                for i in range(1_200)
            ],
        )
    ended: list[int] = []
    original = PeopleService.stream

    def spy(self: PeopleService, request: PageRequest, batch: int = 500) -> Iterator[Any]:
        read = 0
        try:
            for person in original(self, request, batch):
                read += 1
                yield person
        finally:
            ended.append(read)

    def cancel(done: int, total: int) -> None:
        raise KeyboardInterrupt  # what a Cancel button's callback may raise

    monkeypatch.setattr(PeopleService, "stream", spy)
    out = tmp_path / "people.xlsx"
    try:
        SpreadsheetService(clerk).export_list("people", PageRequest(), out, cancel)
    except KeyboardInterrupt:
        # While the traceback (and so the export's frames) is alive: the stream was closed at once, ending its
        # read transaction, not whenever it is garbage-collected.
        assert ended == [500]
    else:
        pytest.fail("the export was not cancelled")
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_lists_without_a_stream_are_paged_through_in_order(
    clerk: ServiceContext, district_db: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with district_db.writer(info={SESSION_ACTOR: "dpo"}) as session:
        bulk_insert(
            session,
            Officer,
            [{"name": f"Officer {i:05d}", "rank": "asi", "gender": "male", "station_id": None} for i in range(2_100)],
        )
    pages: list[tuple[int, int]] = []
    original = OrganisationService.page_officers

    def spy(self: OrganisationService, request: PageRequest) -> Any:
        pages.append((request.offset, request.limit))
        return original(self, request)

    monkeypatch.setattr(OrganisationService, "page_officers", spy)
    out = tmp_path / "officers.xlsx"
    assert SpreadsheetService(clerk).export_list("officers", PageRequest(offset=3, limit=5), out) == 2_100
    assert pages == [(0, 1_000), (1_000, 1_000), (2_000, 1_000)]
    assert [row[0] for row in _sheet(out)[1:]] == [f"Officer {i:05d}" for i in range(2_100)]


def test_people_meetings_groups_officers_rosters(clerk: ServiceContext, dpo: ServiceContext, tmp_path: Path) -> None:
    stations = _stations(dpo)
    organisation = OrganisationService(dpo)
    organisation.create_officer("Muhammad Aslam", "inspector", "LHR-1", "male", stations["City"], "0300-7654321")
    beat = organisation.create_beat(stations["City"], "Ward 5")
    person = PeopleService(clerk).create(PersonDraft("Bano Bibi", "Ghulam Nabi", "female", None, "0301-1234567"))
    group = WatchService(clerk).create_group(GroupDraft(beat.id, "Ward 5 night watch", date(2025, 1, 1)))
    WatchService(clerk).add_volunteer(group.id, VolunteerDraft(person.id, date(2025, 2, 1), "Evenings only"))
    committee = CommitteeService(clerk).create(
        CommitteeDraft(CommitteeType.DISPUTE_RESOLUTION, "DRC City", stations["City"], date(2025, 1, 1))
    )
    CommitteeService(clerk).add_member(
        committee.id, MemberDraft(person.id, MemberRole.CONVENER, "elder", date(2025, 1, 5))
    )
    meeting = MeetingService(clerk).schedule(committee.id, date(2025, 2, 10), "Thana City")
    service = SpreadsheetService(clerk)

    service.export_list("people", PageRequest(), tmp_path / "p.xlsx")
    people = _sheet(tmp_path / "p.xlsx")
    assert people[0][:6] == ("Name", "Father's / husband's name", "Gender", "CNIC", "Mobile", "Address")
    assert people[1][:5] == ("Bano Bibi", "Ghulam Nabi", "Female", None, "0301-1234567")
    assert isinstance(people[1][6], datetime)

    assert service.export_list("meetings", PageRequest(), tmp_path / "m.xlsx") == 1
    meetings = _sheet(tmp_path / "m.xlsx")
    assert meetings[1][0] == datetime(2025, 2, 10) and meetings[1][2] == "DRC City" and meetings[1][7] == 0
    assert meetings[1][5] == "Thana City" and meetings[1][6] == "Planned"
    assert meeting.held_on == date(2025, 2, 10)

    service.export_list("watch_groups", PageRequest(), tmp_path / "g.xlsx")
    groups = _sheet(tmp_path / "g.xlsx")
    assert groups[1][:4] == ("Ward 5 night watch", "Ward 5", "City", datetime(2025, 1, 1))
    assert groups[1][6:8] == (1, 0)

    service.export_list("officers", PageRequest(), tmp_path / "o.xlsx")
    officers = _sheet(tmp_path / "o.xlsx")
    assert officers[1][0] == "Muhammad Aslam" and officers[1][2] == "LHR-1" and officers[1][5] == "0300-7654321"

    service.export_list("volunteers", PageRequest(filters={"group_id": group.id}), tmp_path / "v.xlsx")
    volunteers = _sheet(tmp_path / "v.xlsx")
    assert volunteers[1][:3] == ("Bano Bibi", "0301-1234567", "Verification pending")
    assert volunteers[1][4] == datetime(2025, 2, 1) and volunteers[1][6] == "Evenings only"

    service.export_list(
        "committee_members", PageRequest(filters={"committee_id": str(committee.id)}), tmp_path / "r.xlsx"
    )
    roster = _sheet(tmp_path / "r.xlsx")
    assert roster[1][:6] == ("Bano Bibi", "Ghulam Nabi", "Female", "0301-1234567", "Convener", "Elder / notable")


def test_monthly_figures_one_row_per_figure(officer: ServiceContext, tmp_path: Path) -> None:
    service = SpreadsheetService(officer)
    out = tmp_path / "f.xlsx"
    written = service.export_list(
        "monthly_figures", PageRequest(filters={"month_from": "2025-01", "month_to": "2025-03"}), out
    )
    rows = _sheet(out)
    assert rows[0] == ("Month", "Figure", "Station", "Value", "Unit", "Source")
    assert written == len(rows) - 1 and written % 3 == 0
    assert {r[0] for r in rows[1:]} == {"2025-01", "2025-02", "2025-03"}
    first = [r for r in rows[1:] if r[0] == "2025-01"]
    assert [r[1] for r in first][:2] == ["Committees active", "Meetings held"]  # the figures' own order
    complaints = next(r for r in first if r[1] == "Complaints received")
    assert complaints[3] == 0 and complaints[4] == "count" and complaints[5] == "Computed now"
    assert service.export_list("monthly_figures", PageRequest(filters={"month": "2025-02"}), out) == written // 3


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({}, "Choose the month"),
        ({"month_from": "2025-05", "month_to": "2025-01"}, "last month comes before"),
        ({"month_from": "2010-01", "month_to": "2025-01"}, "at most 120 months"),
        ({"month": "March"}, "YYYY-MM"),
        ({"station": "x"}, "cannot be filtered by station"),
    ],
)
def test_monthly_figures_filters_are_checked(
    officer: ServiceContext, tmp_path: Path, filters: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        SpreadsheetService(officer).export_list("monthly_figures", PageRequest(filters=filters), tmp_path / "f.xlsx")
    assert not (tmp_path / "f.xlsx").exists()


def test_unknown_kind_and_missing_roster_ids(clerk: ServiceContext, tmp_path: Path) -> None:
    service = SpreadsheetService(clerk)
    with pytest.raises(ValidationError, match="no list called 'payroll'"):
        service.export_list("payroll", PageRequest(), tmp_path / "x.xlsx")
    with pytest.raises(ValidationError, match="Choose the watch group"):
        service.export_list("volunteers", PageRequest(), tmp_path / "x.xlsx")
    with pytest.raises(NotFound):
        service.export_list(
            "committee_members", PageRequest(filters={"committee_id": uuid.uuid4()}), tmp_path / "x.xlsx"
        )
    with pytest.raises(ValidationError, match="cannot be filtered by colour"):
        service.export_list("volunteers", PageRequest(filters={"colour": 1}), tmp_path / "x.xlsx")
    with pytest.raises(ValidationError, match="name ending in .xlsx"):
        service.export_list("people", PageRequest(), tmp_path / "people.xls")
    assert set(EXPORT_KINDS) >= {"complaints", "people", "meetings", "watch_groups", "officers", "monthly_figures"}


@pytest.mark.parametrize("role", [Role.HUB_ANALYST, Role.HUB_ADMIN])
def test_roles_outside_the_desk_may_not_export(
    as_role: Callable[[Role], ServiceContext], role: Role, tmp_path: Path
) -> None:
    with pytest.raises(PermissionDenied):
        SpreadsheetService(as_role(role)).export_list("people", PageRequest(), tmp_path / "p.xlsx")
    assert not (tmp_path / "p.xlsx").exists()


def test_exports_and_imports_are_audited(tmp_path: Path, clerk: ServiceContext) -> None:
    """Every export (personal data leaving the office) and import is in the audit trail."""
    from copdesk.models.audit import AuditEntry

    service = SpreadsheetService(clerk)
    written = service.export_list("people", PageRequest(), tmp_path / "people.xlsx")
    with clerk.read() as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert (entry.actor, entry.action, entry.entity, entry.entity_id) == ("clerk", "export", "people", "people.xlsx")
    assert f'"rows": {written}' in entry.details
