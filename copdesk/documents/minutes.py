"""The printed minutes of a committee meeting, to be signed by the convener, the secretary and the SHO."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from copdesk.documents.layout import (
    Language,
    Office,
    Out,
    Styles,
    build_pdf,
    check_language,
    details_table,
    format_date,
    format_short_date,
    format_time,
    grid_table,
    letterhead,
    numbered_list,
    signature_blocks,
    tr,
    usable_width,
)
from copdesk.domain.corpus import member_categories, ranks
from copdesk.models.committees import CommitteeType, MemberRole
from copdesk.models.meetings import ActionStatus, AttendanceStatus, DisputeOutcome, MeetingStatus
from copdesk.services.meetings import MeetingView

__all__ = ["write_minutes"]

W: dict[str, tuple[str, str]] = {
    "title": ("MINUTES OF THE MEETING", "کارروائی اجلاس"),
    "committee": ("Committee", "کمیٹی"),
    "type": ("Type", "نوعیت"),
    "notification": ("Notification", "نوٹیفکیشن"),
    "station": ("Police station", "تھانہ"),
    "date": ("Date", "تاریخ"),
    "time": ("Time", "وقت"),
    "venue": ("Venue", "مقام"),
    "status": ("Status", "حیثیت"),
    "closed": ("Closed on {date}", "{date} کو بند کیا گیا"),
    "draft": ("DRAFT: the meeting is not closed yet", "مسودہ: اجلاس ابھی بند نہیں ہوا"),
    "attendance": ("Attendance", "حاضری"),
    "members": ("Members", "اراکین"),
    "summary": (
        "Present {present}, absent {absent}, excused {excused}{unmarked} (of {total} members). Women present: {women}.",
        "حاضر {present}، غیر حاضر {absent}، رخصت {excused}{unmarked} (کل {total} اراکین)۔ حاضر خواتین: {women}۔",
    ),
    "unmarked": (", not marked {count}", "، درج نہیں {count}"),
    "col_no": ("#", "نمبر"),
    "col_name": ("Name", "نام"),
    "col_role": ("Role", "عہدہ"),
    "col_category": ("Category", "زمرہ"),
    "col_attendance": ("Attendance", "حاضری"),
    "officers": ("Police officers present", "حاضر پولیس افسران"),
    "col_rank": ("Rank", "رینک"),
    "col_number": ("Number", "نمبر"),
    "guests": ("Guests", "مہمان"),
    "col_designation": ("Designation", "حیثیت / عہدہ"),
    "agenda": ("Agenda", "ایجنڈا"),
    "proceedings": ("Proceedings", "کارروائی"),
    "no_minutes": ("The minutes have not been written.", "کارروائی ابھی تحریر نہیں کی گئی۔"),
    "decisions": ("Decisions", "فیصلے"),
    "actions": ("Action items", "عملدرآمد کے نکات"),
    "col_action": ("Action", "کام"),
    "col_owner": ("Responsible", "ذمہ دار"),
    "col_due": ("Due by", "آخری تاریخ"),
    "col_status": ("Status", "حیثیت"),
    "overdue": (" (overdue)", " (تاخیر)"),
    "disputes": ("Disputes heard", "سنے گئے تنازعات"),
    "col_parties": ("Parties", "فریقین"),
    "col_nature": ("Nature", "نوعیت"),
    "col_outcome": ("Outcome", "نتیجہ"),
    "col_remarks": ("Remarks", "ریمارکس"),
    "sign_convener": ("Convener", "کنوینر"),
    "sign_secretary": ("Secretary", "سیکرٹری"),
    "sign_sho": ("Station House Officer (SHO)", "ایس ایچ او (انچارج تھانہ)"),
    "footer": ("Minutes, {committee}, {date}", "کارروائی اجلاس، {committee}، {date}"),
}

_TYPE_UR = {
    CommitteeType.DISPUTE_RESOLUTION: "تنازعات کے حل کی کونسل (ڈی آر سی)",
    CommitteeType.PUBLIC_CONCILIATORY: "عوامی مصالحتی کمیٹی",
    CommitteeType.POLICE_LIAISON: "کمیونٹی پولیس رابطہ کمیٹی",
    CommitteeType.ISLAHI: "اصلاحی کمیٹی",
    CommitteeType.VIGILANCE: "ویجیلنس کمیٹی",
    CommitteeType.OTHER: "دیگر کمیٹی",
}
_ROLE_UR = {MemberRole.CONVENER: "کنوینر", MemberRole.SECRETARY: "سیکرٹری", MemberRole.MEMBER: "رکن"}
_ATTENDANCE_UR = {
    AttendanceStatus.PRESENT: "حاضر",
    AttendanceStatus.ABSENT: "غیر حاضر",
    AttendanceStatus.EXCUSED: "رخصت",
}
_ACTION_UR = {ActionStatus.OPEN: "زیر عمل", ActionStatus.DONE: "مکمل", ActionStatus.DROPPED: "ختم کر دیا گیا"}
_OUTCOME_UR = {
    DisputeOutcome.RESOLVED: "حل ہو گیا",
    DisputeOutcome.COMPROMISE: "صلح",
    DisputeOutcome.REFERRED_TO_COURT: "عدالت کو بھیجا گیا",
    DisputeOutcome.REFERRED_TO_POLICE: "پولیس کو بھیجا گیا",
    DisputeOutcome.PENDING: "زیر التوا",
}


def _pick(language: Language, english: str, urdu: str | None) -> str:
    return (urdu or english) if language == "ur" else english


def _category(code: str, fallback: str, language: Language) -> str:
    item = member_categories().get(code)
    if item is None:
        return fallback
    return item.name_ur if language == "ur" else item.name_en


def _rank(code: str, fallback: str, language: Language) -> str:
    item = ranks().get(code)
    if item is None:
        return fallback
    return item.name_ur if language == "ur" else item.name_en


def _attendance_label(status: AttendanceStatus | None, fallback: str, language: Language) -> str:
    if status is None:
        return "درج نہیں" if language == "ur" else fallback
    return _pick(language, status.label, _ATTENDANCE_UR.get(status))


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of typed text: separated by blank lines; single line breaks are kept inside a paragraph."""
    blocks = [block.strip("\n") for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block.strip()]


def _details(view: MeetingView, st: Styles, language: Language, width: float) -> Flowable:
    if view.status is MeetingStatus.CLOSED and view.closed_at is not None:
        status = tr("closed", language, W, date=format_date(view.closed_at.astimezone().date(), language))
    else:
        status = tr("draft", language, W)
    pairs = [
        (tr("committee", language, W), view.committee_name),
        (tr("type", language, W), _pick(language, view.committee_type_label, _TYPE_UR.get(view.committee_type))),
        (tr("station", language, W), view.station_name),
        (tr("notification", language, W), view.notification_ref),
        (tr("date", language, W), format_date(view.held_on, language)),
        (tr("time", language, W), format_time(view.start_time)),
        (tr("venue", language, W), view.venue),
        (tr("status", language, W), status),
    ]
    return details_table(pairs, width, st)


def _attendance(view: MeetingView, st: Styles, language: Language, width: float) -> list[Flowable]:
    counts = {status: 0 for status in AttendanceStatus}
    unmarked = 0
    for member in view.attendance:
        if member.status is None:
            unmarked += 1
        else:
            counts[member.status] += 1
    summary = tr(
        "summary",
        language,
        W,
        present=counts[AttendanceStatus.PRESENT],
        absent=counts[AttendanceStatus.ABSENT],
        excused=counts[AttendanceStatus.EXCUSED],
        unmarked=tr("unmarked", language, W, count=unmarked) if unmarked else "",
        total=len(view.attendance),
        women=view.women_present,
    )
    rows = [
        [
            str(index),
            member.name,
            _pick(language, member.role_label, _ROLE_UR.get(member.role)),
            _category(member.category, member.category_label, language),
            _attendance_label(member.status, member.status_label, language),
        ]
        for index, member in enumerate(view.attendance, start=1)
    ]
    members = grid_table(
        [tr(key, language, W) for key in ("col_no", "col_name", "col_role", "col_category", "col_attendance")],
        rows,
        (9, 58, 25, 52, 34),
        st,
        user_columns=(1,),
    )
    officers = grid_table(
        [tr(key, language, W) for key in ("col_no", "col_name", "col_rank", "col_number")],
        [
            [str(index), officer.name, _rank(officer.rank, officer.rank_label, language), officer.number]
            for index, officer in enumerate(view.officers, start=1)
        ],
        (9, 70, 60, 39),
        st,
        user_columns=(1, 3),
    )
    guests = grid_table(
        [tr(key, language, W) for key in ("col_no", "col_name", "col_designation")],
        [[str(index), guest.name, guest.designation] for index, guest in enumerate(view.guests, start=1)],
        (9, 85, 84),
        st,
        user_columns=(1, 2),
    )
    return [
        st.heading(tr("attendance", language, W)),
        st.p(tr("members", language, W), st.cell_bold.but(size=10, space_after=2)),
        members,
        Spacer(1, 2),
        st.p(summary, st.cell.but(space_before=2, space_after=4)),
        st.p(tr("officers", language, W), st.cell_bold.but(size=10, space_after=2)),
        officers,
        Spacer(1, 6),
        st.p(tr("guests", language, W), st.cell_bold.but(size=10, space_after=2)),
        guests,
    ]


def _actions(view: MeetingView, st: Styles, language: Language) -> Flowable:
    rows = []
    for index, item in enumerate(view.action_items, start=1):
        status = _pick(language, item.status_label, _ACTION_UR.get(item.status))
        if item.overdue and item.status is ActionStatus.OPEN:
            status += tr("overdue", language, W)
        rows.append([str(index), item.text, item.owner, format_short_date(item.due_on), status])
    return grid_table(
        [tr(key, language, W) for key in ("col_no", "col_action", "col_owner", "col_due", "col_status")],
        rows,
        (9, 80, 40, 24, 25),
        st,
        user_columns=(1, 2),
    )


def _disputes(view: MeetingView, st: Styles, language: Language) -> Flowable:
    rows = [
        [
            str(index),
            dispute.parties,
            dispute.nature,
            _pick(language, dispute.outcome_label, _OUTCOME_UR.get(dispute.outcome)),
            dispute.remarks,
        ]
        for index, dispute in enumerate(view.disputes, start=1)
    ]
    return grid_table(
        [tr(key, language, W) for key in ("col_no", "col_parties", "col_nature", "col_outcome", "col_remarks")],
        rows,
        (9, 45, 40, 30, 54),
        st,
        user_columns=(1, 2, 4),
    )


def _signatories(view: MeetingView) -> tuple[str, str]:
    def holder(role: MemberRole) -> str:
        return next((member.name for member in view.attendance if member.role is role), "")

    return holder(MemberRole.CONVENER), holder(MemberRole.SECRETARY)


def minutes_story(view: MeetingView, st: Styles, office: Office, *, printed_on: date | None = None) -> list[Flowable]:
    """The flowables of the minutes (for :func:`write_minutes` and for documents that bind several minutes)."""
    language = st.language
    width = usable_width()
    story: list[Flowable] = [*letterhead(office, st)]
    story.append(st.p(tr("title", language, W), st.title))
    story.append(st.p(view.committee_name, st.subtitle.but(direction="auto", space_after=8)))
    story.append(_details(view, st, language, width))
    story.extend(_attendance(view, st, language, width))
    story.append(st.heading(tr("agenda", language, W)))
    story.append(numbered_list([item.text for item in view.agenda], width, st))
    story.append(st.heading(tr("proceedings", language, W)))
    blocks = _paragraphs(view.minutes)
    if not blocks:
        story.append(st.p(tr("no_minutes", language, W), st.cell.but(size=10)))
    for block in blocks:
        story.append(st.user(block, st.user_body.but(space_after=5)))
    story.append(st.heading(tr("decisions", language, W)))
    story.append(numbered_list([decision.text for decision in view.decisions], width, st))
    story.append(st.heading(tr("actions", language, W)))
    story.append(_actions(view, st, language))
    story.append(st.heading(tr("disputes", language, W)))
    story.append(_disputes(view, st, language))
    convener, secretary = _signatories(view)
    signatures: Sequence[tuple[str, str]] = (
        (tr("sign_convener", language, W), convener),
        (tr("sign_secretary", language, W), secretary),
        (tr("sign_sho", language, W), ""),
    )
    closing: list[Flowable] = [Spacer(1, 10 * mm), signature_blocks(signatures, width, st)]
    if printed_on is not None:
        closing.append(
            st.p(tr("printed", language, date=format_date(printed_on, language)), st.small.but(space_before=8))
        )
    story.append(KeepTogether(closing))
    return story


def write_minutes(
    view: MeetingView,
    out: Out,
    *,
    language: str = "en",
    office: Office | None = None,
    printed_on: date | None = None,
) -> None:
    """Write the minutes of ``view`` as a PDF (A4) to ``out``, in English (``en``) or Urdu (``ur``).

    ``office`` gives the letterhead (district and station names); without it only the station's name, from the
    view, is printed.
    """
    chosen = check_language(language)
    st = Styles(chosen)
    office = office or Office(station_en=view.station_name)
    footer = tr("footer", chosen, W, committee=st.embed(view.committee_name), date=format_date(view.held_on, chosen))
    build_pdf(
        out,
        minutes_story(view, st, office, printed_on=printed_on),
        st,
        title=f"{tr('title', chosen, W).capitalize()}: {view.committee_name}, {format_date(view.held_on, chosen)}",
        footer=footer,
    )
