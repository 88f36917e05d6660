"""PrintService and ``copdesk print``: documents printed from a district database."""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from conftest import PASSWORD
from documents.pdf import need_poppler, page_count, page_size, text_of, words

from copdesk.cli.main import main
from copdesk.domain.complaint_workflow import ComplaintChannel
from copdesk.errors import NotFound, PermissionDenied, ValidationError
from copdesk.models.accounts import Role
from copdesk.models.committees import CommitteeType, MemberRole
from copdesk.models.meetings import AttendanceStatus
from copdesk.models.organisation import Beat
from copdesk.models.people import Gender, Person
from copdesk.models.watch import VerificationStatus
from copdesk.services.committees import CommitteeDraft, CommitteeService, MemberDraft
from copdesk.services.complaints import ComplaintDraft, ComplaintService
from copdesk.services.context import ServiceContext
from copdesk.services.meetings import MeetingService
from copdesk.services.organisation import OrganisationService
from copdesk.services.printing import PrintService
from copdesk.services.watch import GroupDraft, ShiftDraft, VolunteerDraft, WatchService

NOW = datetime(2026, 3, 18, 9, 0, tzinfo=UTC)
TODAY = NOW.astimezone().date()
WEEK = TODAY + timedelta(days=7 - TODAY.weekday())  # next Monday


@pytest.fixture(autouse=True)
def _setup(clerk: ServiceContext, officer: ServiceContext, dpo: ServiceContext) -> None:
    need_poppler()
    for ctx in (clerk, officer, dpo):
        ctx.clock = lambda: NOW


@pytest.fixture
def city(dpo: ServiceContext) -> uuid.UUID:
    organisation = OrganisationService(dpo)
    station = next(s for s in organisation.list_stations() if s.name == "City")
    organisation.update_station(station.id, station.version, "City", "سٹی", "042-99212345", "Near the Mall Road")
    return station.id


def _person(ctx: ServiceContext, name: str, gender: Gender = Gender.MALE, mobile: str | None = None) -> uuid.UUID:
    with ctx.write() as session:
        person = Person(name=name, gender=gender.value, mobile=mobile)
        session.add(person)
        session.flush()
        return person.id


@pytest.fixture
def meeting(clerk: ServiceContext, city: uuid.UUID) -> uuid.UUID:
    committees = CommitteeService(clerk)
    formed = TODAY - timedelta(days=100)
    committee = committees.create(
        CommitteeDraft(CommitteeType.DISPUTE_RESOLUTION, "ڈی آر سی سٹی", city, formed, "No. 7/COP")
    )
    convener = committees.add_member(
        committee.id, MemberDraft(_person(clerk, "چوہدری محمد اسلم"), MemberRole.CONVENER, "elder", formed)
    )
    secretary = committees.add_member(
        committee.id,
        MemberDraft(_person(clerk, "Saima <b>Bibi</b>", Gender.FEMALE), MemberRole.SECRETARY, "woman", formed),
    )
    meetings = MeetingService(clerk)
    held = meetings.schedule(committee.id, TODAY - timedelta(days=1), "تھانہ سٹی", time(11, 0))
    meetings.mark_attendance(held.id, {convener.id: AttendanceStatus.PRESENT, secretary.id: AttendanceStatus.ABSENT})
    meetings.set_minutes(held.id, held.version, "اجلاس میں SHO نے بتایا کہ محلے میں 3 چوریاں ہوئیں۔")
    return held.id


@pytest.fixture
def tracking_no(clerk: ServiceContext, city: uuid.UUID) -> str:
    draft = ComplaintDraft(
        TODAY, ComplaintChannel.WALK_IN, "theft", "Bicycle stolen <i>near</i> the mosque & shop.", city
    )
    return (
        ComplaintService(clerk)
        .register(
            ComplaintDraft(**{**draft.__dict__, "anonymous": True})  # type: ignore[arg-type]
        )
        .tracking_no
    )


@pytest.fixture
def watch_shift(clerk: ServiceContext, officer: ServiceContext, dpo: ServiceContext, city: uuid.UUID) -> None:
    with dpo.write() as session:
        beat = Beat(station_id=city, name="Mohalla Islampura", description="")
        session.add(beat)
        session.flush()
        beat_id = beat.id
    watch = WatchService(clerk)
    group = watch.create_group(GroupDraft(beat_id, "Islampura Pehra", formed_on=TODAY - timedelta(days=60)))
    volunteer = watch.add_volunteer(
        group.id, VolunteerDraft(_person(clerk, "عمران خان", mobile="+923001234567"), TODAY - timedelta(days=30))
    )
    WatchService(officer).verify(volunteer.id, volunteer.version, VerificationStatus.VERIFIED)
    shift = watch.create_shift(ShiftDraft(group.id, WEEK + timedelta(days=2)))
    watch.assign(shift.id, volunteer.id)


# --- the service ---------------------------------------------------------------------------------------------


def test_minutes_are_printed_in_urdu_with_the_station_letterhead(
    clerk: ServiceContext, meeting: uuid.UUID, tmp_path: Path
) -> None:
    out = tmp_path / "minutes.pdf"
    printed = PrintService(clerk).minutes(meeting, out, language="ur")
    assert printed.size == out.stat().st_size > 1000
    assert printed.suggested_name.startswith("minutes-") and printed.suggested_name.endswith(".pdf")
    text = text_of(out)
    for expected in ("کارروائی اجلاس", "تھانہ سٹی", "ضلع لاہور", "چوہدری محمد اسلم", "محلے میں 3 چوریاں", "مسودہ"):
        assert all(word in text for word in words(expected)), expected
    assert "Saima <b>Bibi</b" in text  # the markup prints (poppler moves the last ">" in a right-to-left page)


def test_a_receipt_is_printed_by_tracking_number_with_the_station_phone(
    clerk: ServiceContext, tracking_no: str, tmp_path: Path
) -> None:
    out = tmp_path / "receipt.pdf"
    printed = PrintService(clerk).receipt(tracking_no.lower().replace("/", "-"), out)
    assert page_count(out) == 1
    text = text_of(out)
    assert tracking_no in text
    assert "call Police Station City on 042-99212345" in text
    assert "Bicycle stolen <i>near</i> the mosque & shop." in text
    assert "Anonymous" in text
    assert printed.title == f"Complaint receipt {tracking_no}"
    by_id = io.BytesIO()
    complaint = ComplaintService(clerk).get_by_tracking_no(tracking_no)
    PrintService(clerk).receipt(complaint.id, by_id)
    assert by_id.getvalue().startswith(b"%PDF-")


def test_the_roster_of_a_station_lists_its_volunteers(
    clerk: ServiceContext, city: uuid.UUID, watch_shift: None, tmp_path: Path
) -> None:
    out = tmp_path / "roster.pdf"
    printed = PrintService(clerk).roster(WEEK, city, out)
    assert page_size(out)[0] > page_size(out)[1]  # landscape
    text = text_of(out)
    assert "Police Station City" in text and "Mohalla Islampura" in text
    assert all(word in text for word in words("عمران خان"))
    assert "22:00–04:00" in text
    assert printed.suggested_name == f"roster-city-{WEEK:%Y-%m-%d}.pdf"


def test_the_monthly_report_prints_the_month_figures(clerk: ServiceContext, tracking_no: str, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    month = f"{TODAY:%Y-%m}"
    printed = PrintService(clerk).monthly_report(month, out)
    text = text_of(out)
    assert "MONTHLY REPORT: COMMUNITY ORIENTED POLICING" in text
    assert "The month is not closed yet" in text
    assert "Complaints received" in text
    assert printed.suggested_name == f"cop-report-{month}.pdf"
    assert page_count(out) >= 1


def test_bad_requests_are_refused_in_plain_words(clerk: ServiceContext, meeting: uuid.UUID, tmp_path: Path) -> None:
    service = PrintService(clerk)
    with pytest.raises(ValidationError) as raised:
        service.minutes(meeting, tmp_path / "m.pdf", language="fr")
    assert raised.value.field == "language"
    with pytest.raises(ValidationError, match="does not exist"):
        service.minutes(meeting, tmp_path / "missing" / "m.pdf")
    with pytest.raises(NotFound):
        service.minutes(uuid.uuid4(), tmp_path / "m.pdf")
    with pytest.raises(NotFound):
        service.receipt("LHR/2026/999999", tmp_path / "r.pdf")
    with pytest.raises(ValidationError):
        service.monthly_report("March", tmp_path / "r.pdf")
    with pytest.raises(ValidationError):
        service.roster("2026-03-02", None, tmp_path / "r.pdf")  # type: ignore[arg-type]
    assert not list(tmp_path.glob("*.pdf"))


def test_only_desk_roles_print(as_role: Callable[[Role], ServiceContext], meeting: uuid.UUID, tmp_path: Path) -> None:
    for hub in (Role.HUB_ANALYST, Role.HUB_ADMIN):
        with pytest.raises(PermissionDenied):
            PrintService(as_role(hub)).minutes(meeting, tmp_path / "m.pdf")
    for desk in (Role.CLERK, Role.STATION_OFFICER, Role.DISTRICT_OFFICER):
        ctx = as_role(desk)
        ctx.clock = lambda: NOW
        PrintService(ctx).minutes(meeting, tmp_path / f"{desk.value}.pdf")
    assert len(list(tmp_path.glob("*.pdf"))) == 3


# --- the command line ----------------------------------------------------------------------------------------


@pytest.fixture
def cli(district_db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    monkeypatch.setenv("COPDESK_PASSWORD", PASSWORD)

    def run(*args: str) -> int:
        return main(["print", *args, "--db", str(district_db_path), "--user", "clerk"])

    return run


def test_cli_prints_every_document_and_says_where(
    cli: Callable[..., int],
    meeting: uuid.UUID,
    tracking_no: str,
    watch_shift: None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    targets = {name: tmp_path / f"{name}.pdf" for name in ("minutes", "receipt", "roster", "monthly")}
    assert cli("minutes", "--meeting", str(meeting), "--language", "ur", "--out", str(targets["minutes"])) == 0
    assert cli("receipt", "--complaint", tracking_no, "--out", str(targets["receipt"])) == 0
    assert cli("roster", "--week", f"{WEEK}", "--station", "city", "--out", str(targets["roster"])) == 0
    assert cli("monthly", "--month", f"{TODAY:%Y-%m}", "--out", str(targets["monthly"])) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(path) for path in targets.values()]
    assert all(page_count(path) >= 1 for path in targets.values())
    monkeypatch.chdir(tmp_path)
    assert cli("receipt", "--complaint", tracking_no) == 0
    suggested = Path(capsys.readouterr().out.strip())
    assert suggested.parent == tmp_path and suggested.name.startswith("receipt-") and suggested.exists()


def test_cli_errors_are_one_line(
    cli: Callable[..., int], meeting: uuid.UUID, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("minutes", "--meeting", "not-an-id", "--out", str(tmp_path / "m.pdf")) == 2
    assert "is not a meeting id" in capsys.readouterr().err
    assert cli("roster", "--week", "next week", "--out", str(tmp_path / "r.pdf")) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert cli("roster", "--week", "2026-03-02", "--station", "Nowhere", "--out", str(tmp_path / "r.pdf")) == 1
    err = capsys.readouterr().err
    assert "no police station named 'Nowhere'" in err and "City" in err and len(err.strip().splitlines()) == 1
    assert cli("receipt", "--complaint", "LHR/2026/999999", "--out", str(tmp_path / "r.pdf")) == 1
    assert "999999" in capsys.readouterr().err
