"""Sample views for the printed documents: built by hand (no database), fixed, so the PDFs are reproducible.

Run ``python -m tests.documents.samples`` to (re)write the golden sample PNGs in ``docs/samples/``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from copdesk.documents.layout import Office
from copdesk.documents.minutes import write_minutes
from copdesk.documents.monthly_report import MonthlyReportData, write_monthly_report
from copdesk.documents.receipt import write_receipt
from copdesk.documents.roster import write_roster
from copdesk.domain.complaint_workflow import ComplaintChannel, ComplaintStatus
from copdesk.domain.corpus import member_categories, outreach_kinds, ranks
from copdesk.models.committees import CommitteeType, MemberRole
from copdesk.models.meetings import ActionStatus, AttendanceStatus, DisputeOutcome, MeetingStatus
from copdesk.models.outreach import OutreachKind
from copdesk.models.people import Gender
from copdesk.services.complaints import ComplaintView
from copdesk.services.figures import DEFINITION, FigureSet
from copdesk.services.meetings import (
    ActionItemView,
    AgendaItemView,
    AttendanceView,
    DecisionView,
    DisputeView,
    GuestView,
    MeetingView,
    OfficerPresentView,
)
from copdesk.services.months import MonthStatus
from copdesk.services.outreach import AttendanceTotals, KindOutreachTotals, OutreachTotals, StationOutreachTotals
from copdesk.services.watch import RosterRow, RosterView, ShiftAssignmentView, ShiftView

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "docs" / "samples"
RESOLUTION = 80
PRINTED_ON = date(2026, 3, 20)
STATION_ID = uuid.UUID(int=1)
OFFICE = Office.of("LHR", "Gulberg", "گلبرگ", "042-35714441", "Main Boulevard, Gulberg III, Lahore")

#: Text typed into the Urdu meeting (tests look for its words in the extracted text).
URDU_MINUTES = (
    "اجلاس کا آغاز تلاوت قرآن پاک سے ہوا۔ کنوینر چوہدری محمد اسلم نے اراکین کو خوش آمدید کہا اور گزشتہ اجلاس"
    " (15 فروری 2026) کی کارروائی پڑھ کر سنائی گئی جس کی توثیق کی گئی۔\n\n"
    "SHO تھانہ گلبرگ نے بتایا کہ مارچ کے پہلے دو ہفتوں میں موٹر سائیکل چوری کی 7 وارداتیں رپورٹ ہوئیں، جن میں سے"
    " 3 کا سراغ لگا لیا گیا ہے۔ انہوں نے مارکیٹ کمیٹی سے CCTV کیمروں کی تنصیب کی درخواست کی۔\n\n"
    "ملک عبدالرشید نے تجویز دی کہ تاجر حضرات اپنے خرچ پر 12 کیمرے لگائیں گے اور ان کی ریکارڈنگ تھانے کو فراہم کی"
    " جائے گی۔ ہیلپ لائن 1787 اور ایمرجنسی 15 کے بارے میں آگاہی کے لیے پمفلٹ تقسیم کیے جائیں گے۔"
)
URDU_CONVENER = "چوہدری محمد اسلم"
URDU_SECRETARY = "سیدہ فاطمہ زہرا"
MARKUP_NAME = "Ali <b>Raza</b> & Sons"
MARKUP_MINUTES = "The SHO wrote <font color='red'>URGENT</font> & <para>closed</para> on the notice board <i>x</i>."


def _id(number: int) -> uuid.UUID:
    return uuid.UUID(int=number)


def _member(
    number: int, name: str, role: MemberRole, category: str, status: AttendanceStatus, gender: Gender = Gender.MALE
) -> AttendanceView:
    item = member_categories()[category]
    return AttendanceView(
        member_id=_id(100 + number),
        person_id=_id(200 + number),
        name=name,
        gender=gender,
        role=role,
        role_label=role.label,
        category=category,
        category_label=item.name_en,
        status=status,
        status_label=status.label,
    )


def _officer(number: int, name: str, rank: str, belt: str) -> OfficerPresentView:
    return OfficerPresentView(_id(300 + number), name, rank, ranks()[rank].name_en, belt, Gender.MALE)


def _action(
    number: int, meeting: uuid.UUID, text: str, owner: str, due: date, status: ActionStatus, overdue: bool = False
) -> ActionItemView:
    return ActionItemView(
        id=_id(400 + number),
        version=1,
        committee_id=_id(10),
        committee_name="",
        station_name="Gulberg",
        meeting_id=meeting,
        raised_on=date(2026, 3, 16),
        text=text,
        owner_member_id=None,
        owner_officer_id=None,
        owner_text=owner,
        owner=owner,
        due_on=due,
        status=status,
        status_label=status.label,
        completed_on=None,
        overdue=overdue,
    )


def _meeting(**changes: object) -> MeetingView:
    base = MeetingView(
        id=_id(11),
        version=3,
        committee_id=_id(10),
        committee_name="Gulberg Public Conciliatory Committee",
        committee_type=CommitteeType.PUBLIC_CONCILIATORY,
        committee_type_label=CommitteeType.PUBLIC_CONCILIATORY.label,
        notification_ref="No. 214/COP/2025",
        station_id=STATION_ID,
        station_name="Gulberg",
        held_on=date(2026, 3, 16),
        start_time=time(11, 0),
        venue="Gulberg police station, committee room",
        status=MeetingStatus.CLOSED,
        status_label=MeetingStatus.CLOSED.label,
        minutes="",
        closed_at=datetime(2026, 3, 16, 9, 30, tzinfo=UTC),
        reopen_reason="",
        agenda=(),
        attendance=(),
        officers=(),
        guests=(),
        decisions=(),
        action_items=(),
        disputes=(),
    )
    fields = {**base.__dict__, **changes}
    return MeetingView(**fields)  # type: ignore[arg-type]


def urdu_meeting() -> MeetingView:
    """A meeting recorded in Urdu, with English words, digits and brackets inside the Urdu text."""
    meeting_id = _id(11)
    return _meeting(
        committee_name="مصالحتی کمیٹی گلبرگ",
        venue="تھانہ گلبرگ، کمیٹی روم",
        minutes=URDU_MINUTES,
        agenda=(
            AgendaItemView(_id(501), 1, "گلبرگ مارکیٹ میں موٹر سائیکل چوری کی وارداتیں (پچھلے ماہ 7 کیس)", None),
            AgendaItemView(_id(502), 2, "ٹھیکری پہرہ کے رضاکاروں کی تصدیق اور SHO سے ملاقات", None),
            AgendaItemView(_id(503), 3, "سکولوں کے باہر ٹریفک کا انتظام", _id(499)),
        ),
        attendance=(
            _member(1, URDU_CONVENER, MemberRole.CONVENER, "elder", AttendanceStatus.PRESENT),
            _member(2, URDU_SECRETARY, MemberRole.SECRETARY, "woman", AttendanceStatus.PRESENT, Gender.FEMALE),
            _member(3, "ملک عبدالرشید", MemberRole.MEMBER, "trader", AttendanceStatus.PRESENT),
            _member(4, "Dr. Ayesha Siddiqui", MemberRole.MEMBER, "teacher", AttendanceStatus.EXCUSED, Gender.FEMALE),
            _member(5, "حافظ غلام مصطفیٰ", MemberRole.MEMBER, "ulema", AttendanceStatus.ABSENT),
            _member(6, "رانا طارق محمود", MemberRole.MEMBER, "lawyer", AttendanceStatus.PRESENT),
        ),
        officers=(
            _officer(1, "ندیم عباس", "inspector", "LHR-1042"),
            _officer(2, "Muhammad Imran", "asi", "LHR-7731"),
        ),
        guests=(GuestView(_id(601), "نسیم اختر", Gender.FEMALE, "سماجی کارکن"),),
        decisions=(
            DecisionView(_id(701), 1, "مارکیٹ میں 12 CCTV کیمرے 31 مارچ تک نصب کیے جائیں گے۔"),
            DecisionView(_id(702), 2, "ٹھیکری پہرہ کے 5 نئے رضاکاروں کی پولیس تصدیق SHO کرائیں گے۔"),
        ),
        action_items=(
            _action(1, meeting_id, "CCTV کیمروں کی تنصیب", "ملک عبدالرشید (رکن)", date(2026, 3, 31), ActionStatus.OPEN),
            _action(
                2, meeting_id, "رضاکاروں کی پولیس تصدیق", "انسپکٹر ندیم عباس", date(2026, 3, 25), ActionStatus.OPEN
            ),
        ),
        disputes=(
            DisputeView(
                _id(801),
                1,
                "محمد یونس بنام غلام حیدر",
                "دکان کے کرایہ کا تنازعہ",
                DisputeOutcome.COMPROMISE,
                DisputeOutcome.COMPROMISE.label,
                "فریقین میں صلح ہو گئی؛ کرایہ 25,000 روپے ماہانہ طے پایا۔",
            ),
        ),
    )


def english_meeting(paragraphs: int = 14) -> MeetingView:
    """A meeting in English whose texts carry reportlab markup (to be printed literally) and long minutes."""
    meeting_id = _id(11)
    filler = (
        "The committee reviewed the security arrangements for the Gulberg market, the tenant registration drive and "
        "the schools' traffic plan; members asked for more night patrols near the main boulevard."
    )
    minutes = "\n\n".join([MARKUP_MINUTES] + [f"{number}. {filler}" for number in range(2, paragraphs + 1)])
    return _meeting(
        minutes=minutes,
        agenda=(
            AgendaItemView(_id(501), 1, "Motorcycle thefts in Gulberg market", None),
            AgendaItemView(_id(502), 2, "Verification of <b>watch</b> volunteers & their duties", None),
        ),
        attendance=(
            _member(1, "Chaudhry Muhammad Aslam", MemberRole.CONVENER, "elder", AttendanceStatus.PRESENT),
            _member(2, URDU_SECRETARY, MemberRole.SECRETARY, "woman", AttendanceStatus.PRESENT, Gender.FEMALE),
            _member(3, MARKUP_NAME, MemberRole.MEMBER, "trader", AttendanceStatus.PRESENT),
            _member(4, "Hafiz Ghulam Mustafa", MemberRole.MEMBER, "ulema", AttendanceStatus.ABSENT),
            _member(5, "Rana Tariq Mehmood", MemberRole.MEMBER, "lawyer", AttendanceStatus.EXCUSED),
        ),
        officers=(_officer(1, "Nadeem Abbas", "inspector", "LHR-1042"),),
        guests=(GuestView(_id(601), "Naseem Akhtar", Gender.FEMALE, "Social worker"),),
        decisions=(DecisionView(_id(701), 1, "Twelve CCTV cameras to be installed in the market by 31 March."),),
        action_items=(
            _action(
                1, meeting_id, "Install CCTV cameras", "Traders' association", date(2026, 3, 31), ActionStatus.OPEN
            ),
            _action(
                2,
                meeting_id,
                "Verify new volunteers",
                "Inspector Nadeem Abbas",
                date(2026, 3, 17),
                ActionStatus.OPEN,
                True,
            ),
        ),
        disputes=(
            DisputeView(
                _id(801),
                1,
                "Muhammad Younas v. Ghulam Haider",
                "Shop rent",
                DisputeOutcome.COMPROMISE,
                DisputeOutcome.COMPROMISE.label,
                "Rent agreed at Rs 25,000 a month.",
            ),
        ),
    )


def complaint(description: str | None = None, *, anonymous: bool = False) -> ComplaintView:
    """A complaint just registered at the Gulberg station."""
    return ComplaintView(
        id=_id(901),
        version=1,
        tracking_no="LHR/2026/000123",
        received_on=date(2026, 3, 18),
        channel=ComplaintChannel.WALK_IN,
        category="theft",
        category_name="Theft/burglary",
        category_name_ur="چوری / نقب زنی",
        description=description
        if description is not None
        else "My motorcycle (Honda CD-70, LEB-1234) was stolen outside the Gulberg market on 17 March at 8 pm.",
        location="Gulberg market, Main Boulevard",
        anonymous=anonymous,
        complainant_person_id=None if anonymous else _id(902),
        complainant_name="" if anonymous else "محمد یونس",
        complainant_cnic="35202-•••••••-3",
        complainant_mobile="0300-1234567",
        station_id=STATION_ID,
        station_name="Gulberg",
        against_police=False,
        against_station_id=None,
        against_station_name="",
        assigned_officer_id=None,
        assigned_officer_name="",
        status=ComplaintStatus.RECEIVED,
        due_on=date(2026, 4, 17),
        is_overdue=False,
        escalated_at=None,
        resolved_on=None,
        fir_no=None,
        closure_category=None,
        closed_on=None,
        feedback=None,
        feedback_remarks="",
        feedback_on=None,
        reopened_count=0,
        next_statuses=(),
    )


_VOLUNTEERS = (
    ("Muhammad Aslam", "0300-4455667"),
    ("عمران خان", "0321-7788990"),
    ("Bilal Ahmed", "0333-1122334"),
    ("شاہد محمود", "0345-5566778"),
    ("Zahid Hussain", "0301-9988776"),
    ("Tariq Javed", "0312-3344556"),
)


def roster(week_start: date = date(2026, 3, 16)) -> RosterView:
    """A week of night shifts on three beats of the Gulberg station (one shift short of volunteers)."""
    days = tuple(week_start + timedelta(days=offset) for offset in range(7))
    beats = ("Beat 1: Main Market", "بیٹ 2: گلبرگ III", "Beat 3: Liberty")
    rows = []
    serial = 0
    for beat_number, beat in enumerate(beats, start=1):
        cells: list[tuple[ShiftView, ...]] = []
        for day_number, day in enumerate(days):
            if beat_number == 3 and day_number in (2, 5):
                cells.append(())
                continue
            serial += 1
            first = (beat_number + day_number) % len(_VOLUNTEERS)
            people = [_VOLUNTEERS[first], _VOLUNTEERS[(first + 1) % len(_VOLUNTEERS)]]
            if beat_number == 2 and day_number == 4:
                people = people[:1]
            cells.append(
                (
                    ShiftView(
                        id=_id(1000 + serial),
                        version=1,
                        group_id=_id(1100 + beat_number),
                        group_name=f"Watch group {beat_number}",
                        beat_id=_id(1200 + beat_number),
                        shift_date=day,
                        starts=time(22, 0),
                        ends=time(4, 0),
                        volunteers_needed=2,
                        notes="",
                        volunteers=tuple(
                            ShiftAssignmentView(_id(1300 + index), _id(1400 + index), name, mobile, None)
                            for index, (name, mobile) in enumerate(people)
                        ),
                    ),
                )
            )
        rows.append(RosterRow(_id(1200 + beat_number), beat, STATION_ID, "Gulberg", tuple(cells)))
    return RosterView(week_start=week_start, days=days, station_id=STATION_ID, rows=tuple(rows))


def _figures(month: str, scale: float) -> FigureSet:
    values = {
        "committees_active": 12,
        "meetings_held": round(9 * scale),
        "meetings_per_active_committee": round(9 * scale / 12, 2),
        "attendance_rate": round(70 + 10 * scale, 1),
        "women_share_of_attendance": round(18 + 6 * scale, 1),
        "disputes_heard": round(6 * scale),
        "disputes_resolved": round(4 * scale),
        "watch_shifts_planned": 210,
        "watch_shifts_filled": round(180 * scale),
        "watch_no_shows": round(14 / scale),
        "complaints_received": round(64 * scale),
        "complaints_resolved": round(51 * scale),
        "complaints_overdue": round(9 / scale),
        "complaints_resolved_within_30_days_pct": round(72 + 8 * scale, 1),
        "median_days_to_resolve": round(19 / scale, 1),
        "outreach_events": round(7 * scale),
        "outreach_attendance": round(820 * scale),
        "outreach_events_by_station": {str(STATION_ID): round(7 * scale)},
        "officers_trained": round(15 * scale),
    }
    return FigureSet(month, DEFINITION, values, True)


def monthly() -> MonthlyReportData:
    """Figures of February 2026 (closed) with the five months before it, and the month's outreach."""
    months = ("2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02")
    history = tuple(
        _figures(month, scale) for month, scale in zip(months, (0.8, 0.9, 1.1, 0.85, 1.0, 1.15), strict=True)
    )
    kinds = outreach_kinds()
    stations = (
        (STATION_ID, "Gulberg", AttendanceTotals(3, 210, 140, 90)),
        (_id(2), "Model Town", AttendanceTotals(2, 180, 95, 60)),
        (_id(3), "Iqbal Town", AttendanceTotals(3, 230, 88, 70)),
    )
    by_kind = tuple(
        KindOutreachTotals(
            OutreachKind(code),
            item.name_en,
            AttendanceTotals(2, 150, 90, 40) if code in ("khuli_kachehri", "school_visit") else AttendanceTotals(),
        )
        for code, item in kinds.items()
    )
    outreach = OutreachTotals(
        "2026-02",
        8,
        620,
        323,
        220,
        tuple(StationOutreachTotals(station_id, name, totals) for station_id, name, totals in stations),
        by_kind,
    )
    status = MonthStatus("2026-02", "closed", datetime(2026, 3, 5, 7, 0, tzinfo=UTC), "dpo", "", (), 0)
    return MonthlyReportData(history[-1], history, outreach, status, {STATION_ID: "گلبرگ", _id(2): "ماڈل ٹاؤن"})


def render_png(pdf: Path, prefix: Path, resolution: int = RESOLUTION) -> list[Path]:
    """Render every page of ``pdf`` to ``prefix-N.png`` with poppler's pdftoppm; the PNGs written, in order."""
    for old in prefix.parent.glob(f"{prefix.name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", str(resolution), str(pdf), str(prefix)], check=True)
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def write_samples(folder: Path = SAMPLES) -> list[Path]:
    """Write every sample document as PNG pages into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        jobs = {
            "minutes-en": lambda out: write_minutes(english_meeting(4), out, office=OFFICE, printed_on=PRINTED_ON),
            "minutes-ur": lambda out: write_minutes(
                urdu_meeting(), out, language="ur", office=OFFICE, printed_on=PRINTED_ON
            ),
            "receipt-en": lambda out: write_receipt(complaint(), out, office=OFFICE, printed_on=PRINTED_ON),
            "receipt-ur": lambda out: write_receipt(
                complaint(), out, language="ur", office=OFFICE, printed_on=PRINTED_ON
            ),
            "roster-en": lambda out: write_roster(roster(), out, office=OFFICE, printed_on=PRINTED_ON),
            "monthly-report-en": lambda out: write_monthly_report(monthly(), out, office=OFFICE, printed_on=PRINTED_ON),
        }
        for name, job in jobs.items():
            pdf = work / f"{name}.pdf"
            job(pdf)
            written.extend(render_png(pdf, folder / name))
    return written


if __name__ == "__main__":
    if shutil.which("pdftoppm") is None:
        sys.exit("pdftoppm (poppler-utils) is needed to render the samples")
    for path in write_samples():
        print(path.relative_to(ROOT))
