"""The weekly duty roster of the neighbourhood watch (Theekri Pehra), pinned on the station wall.

Beats × days, with every shift's time and its volunteers' names and phone numbers. A4 landscape.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from copdesk.documents.layout import (
    HEADER_FILL,
    MUTED,
    RULE,
    Office,
    Out,
    Styles,
    build_pdf,
    check_language,
    format_date,
    letterhead,
    signature_blocks,
    spread,
    tr,
    usable_width,
    weekday,
)
from copdesk.documents.text import BidiParagraph, ltr
from copdesk.services.watch import RosterView, ShiftView

__all__ = ["PAGE", "write_roster"]

PAGE = landscape(A4)
MARGIN = 12 * mm
SHORT = colors.HexColor("#9b1c1c")

W: dict[str, tuple[str, str]] = {
    "title": ("WEEKLY DUTY ROSTER: NEIGHBOURHOOD WATCH (THEEKRI PEHRA)", "ہفتہ وار ڈیوٹی روسٹر: ٹھیکری پہرہ"),
    "week": ("Week of {first} to {last}", "ہفتہ: {first} تا {last}"),
    "beat": ("Beat", "بیٹ"),
    "no_shift": ("–", "–"),
    "short": ("needs {count} more", "مزید {count} درکار"),
    "empty": (
        "No beat has an active watch group or a shift in this week.",
        "اس ہفتے کسی بیٹ میں نہ کوئی فعال گروپ ہے اور نہ کوئی ڈیوٹی۔",
    ),
    "notes": (
        "Volunteers on duty carry their CNIC and report anything suspicious to the station at once. "
        "Police emergency: 15.",
        "ڈیوٹی پر موجود رضاکار اپنا شناختی کارڈ ساتھ رکھیں اور کسی بھی مشکوک بات کی فوری اطلاع تھانے کو دیں۔ "
        "پولیس ایمرجنسی: 15۔",
    ),
    "station_phone": ("Station phone: {phone}", "تھانہ فون: {phone}"),
    "sign_sho": ("Station House Officer (SHO)", "ایس ایچ او (انچارج تھانہ)"),
    "sign_incharge": ("COP in-charge", "انچارج کمیونٹی پولیسنگ"),
    "footer": ("Duty roster, week of {first}", "ڈیوٹی روسٹر، ہفتہ {first}"),
}


def _shift_cell(shifts: tuple[ShiftView, ...], st: Styles, show_group: bool) -> list[Flowable]:
    language = st.language
    cell: list[Flowable] = []
    if not shifts:
        return [BidiParagraph(tr("no_shift", language, W), st.cell.but(align="center", color=MUTED))]
    small = st.cell.but(size=8)
    for number, shift in enumerate(shifts):
        hours = ltr(f"{shift.starts:%H:%M}–{shift.ends:%H:%M}")
        head = f"{hours}  {st.embed(shift.group_name)}" if show_group else hours
        cell.append(BidiParagraph(head, small.but(bold=True, space_before=3 if number else 0)))
        for volunteer in shift.volunteers:
            cell.append(BidiParagraph(volunteer.name, st.user_cell.but(size=8.5)))
            if volunteer.mobile:
                cell.append(BidiParagraph(ltr(volunteer.mobile), small.but(color=MUTED, align=st.side)))
        if shift.short_by:
            cell.append(BidiParagraph(tr("short", language, W, count=shift.short_by), small.but(color=SHORT)))
    return cell


def roster_story(view: RosterView, st: Styles, office: Office, *, printed_on: date | None = None) -> list[Flowable]:
    """The flowables of a weekly roster."""
    language = st.language
    width = usable_width(PAGE, MARGIN)
    story: list[Flowable] = [*letterhead(office, st, station=view.station_id is not None)]
    story.append(st.p(tr("title", language, W), st.title.but(size=13)))
    story.append(
        st.p(
            tr(
                "week",
                language,
                W,
                first=format_date(view.days[0], language),
                last=format_date(view.days[-1], language),
            ),
            st.subtitle.but(space_after=6),
        )
    )
    if not view.rows:
        story.append(st.p(tr("empty", language, W), st.body.but(align="center", color=MUTED, space_before=12)))
    else:
        show_station = view.station_id is None
        head = [st.cellp(tr("beat", language, W), bold=True)]
        for day in view.days:
            head.append(
                BidiParagraph(
                    f"{weekday(day, language)}\n{format_date(day, language)}", st.cell_bold.but(align="center")
                )
            )
        rows: list[list[Any]] = [head]
        for row in view.rows:
            groups = {shift.group_id for day in row.days for shift in day}
            beat: list[Flowable] = [BidiParagraph(row.beat_name, st.user_cell.but(bold=True))]
            if show_station:
                beat.append(BidiParagraph(row.station_name, st.user_cell.but(size=7.5, color=MUTED)))
            rows.append([beat, *(_shift_cell(day, st, len(groups) > 1) for day in row.days)])
        widths = spread([1.25] + [1.0] * len(view.days), width)
        table = Table([st.mirror(r) for r in rows], colWidths=st.mirror(widths), repeatRows=1)
        beat_column = len(widths) - 1 if st.rtl else 0
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.6, RULE),
                    ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                    ("BACKGROUND", (beat_column, 1), (beat_column, -1), colors.HexColor("#f3f4f6")),
                    ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                    ("VALIGN", (0, 1), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story.append(table)
    notes = tr("notes", language, W)
    if office.station_phone:
        notes += "  " + tr("station_phone", language, W, phone=ltr(office.station_phone))
    story.append(st.p(notes, st.cell.but(space_before=6)))
    story.append(Spacer(1, 8 * mm))
    blocks = ((tr("sign_incharge", language, W), ""), (tr("sign_sho", language, W), ""))
    story.append(signature_blocks(blocks, width * 0.6, st))
    if printed_on is not None:
        story.append(
            st.p(tr("printed", language, date=format_date(printed_on, language)), st.small.but(space_before=6))
        )
    return story


def write_roster(
    view: RosterView,
    out: Out,
    *,
    language: str = "en",
    office: Office | None = None,
    printed_on: date | None = None,
) -> None:
    """Write the week's duty roster of ``view`` as an A4 landscape PDF to ``out``.

    ``office`` names the district and, for a station's roster, the station (and its phone).
    """
    chosen = check_language(language)
    st = Styles(chosen)
    office = office or Office()
    build_pdf(
        out,
        roster_story(view, st, office, printed_on=printed_on),
        st,
        title=f"{tr('title', chosen, W)}: {format_date(view.days[0], chosen)}",
        footer=tr("footer", chosen, W, first=format_date(view.days[0], chosen)),
        pagesize=PAGE,
        margin=MARGIN,
    )
