"""The district's monthly report of Community Oriented Policing.

The month's figures (as defined in :data:`copdesk.services.figures.SPECS`) against the month before, two charts
over the last months, and outreach by station and by kind of event.

Chart texts are digits and Latin month names only (reportlab's graphics do not shape Urdu); titles and legends
are paragraphs beside the charts, so they print in either language.
"""

from __future__ import annotations

import calendar
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, Rect
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from copdesk.documents.fonts import LATIN
from copdesk.documents.layout import (
    HEADER_FILL,
    MUTED,
    RULE,
    URDU_MONTHS,
    Language,
    Office,
    Out,
    Styles,
    build_pdf,
    check_language,
    format_date,
    grid_table,
    letterhead,
    signature_blocks,
    spread,
    tr,
    usable_width,
)
from copdesk.documents.text import BidiParagraph, ltr
from copdesk.domain.corpus import outreach_kinds
from copdesk.domain.months import Month
from copdesk.services.figures import SPECS, FigureSet, FigureSpec
from copdesk.services.months import MonthStatus
from copdesk.services.outreach import OutreachTotals

__all__ = ["FIGURE_GROUPS", "MonthlyReportData", "chart_months", "format_figure", "write_monthly_report"]

RECEIVED = colors.HexColor("#3b5b8c")
RESOLVED = colors.HexColor("#8fb3d9")
ATTENDANCE = colors.HexColor("#2f6b3a")
WOMEN = colors.HexColor("#b5651d")

#: How the figures are grouped in the report (figures missing here are printed under "Other figures").
FIGURE_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "group_committees",
        (
            "committees_active",
            "meetings_held",
            "meetings_per_active_committee",
            "attendance_rate",
            "women_share_of_attendance",
        ),
    ),
    ("group_disputes", ("disputes_heard", "disputes_resolved")),
    ("group_watch", ("watch_shifts_planned", "watch_shifts_filled", "watch_no_shows")),
    (
        "group_complaints",
        (
            "complaints_received",
            "complaints_resolved",
            "complaints_overdue",
            "complaints_resolved_within_30_days_pct",
            "median_days_to_resolve",
        ),
    ),
    ("group_outreach", ("outreach_events", "outreach_attendance", "officers_trained")),
)

W: dict[str, tuple[str, str]] = {
    "title": ("MONTHLY REPORT: COMMUNITY ORIENTED POLICING", "ماہانہ رپورٹ: کمیونٹی پولیسنگ"),
    "closed": (
        "The month was closed on {date}: these are the figures stored at closing ({definition}).",
        "یہ مہینہ {date} کو بند کیا گیا: یہ وہ اعداد و شمار ہیں جو بندش کے وقت محفوظ کیے گئے ({definition})۔",
    ),
    "open": (
        "The month is not closed yet: the figures are provisional, computed from the records on {date}.",
        "یہ مہینہ ابھی بند نہیں ہوا: اعداد و شمار عارضی ہیں، جو {date} کو ریکارڈ سے نکالے گئے۔",
    ),
    "reopened": (
        "The month was reopened ({reason}): the figures are provisional, computed from the records on {date}.",
        "یہ مہینہ دوبارہ کھولا گیا ({reason}): اعداد و شمار عارضی ہیں، جو {date} کو ریکارڈ سے نکالے گئے۔",
    ),
    "problems": (
        "{count} record(s) still keep the month from being closed.",
        "{count} اندراجات ابھی مہینہ بند کرنے میں رکاوٹ ہیں۔",
    ),
    "figures": ("Figures of the month", "مہینے کے اعداد و شمار"),
    "col_figure": ("Figure", "پیمانہ"),
    "col_month": ("This month", "یہ مہینہ"),
    "col_previous": ("Previous month", "گزشتہ مہینہ"),
    "col_change": ("Change", "فرق"),
    "group_committees": ("Committees and meetings", "کمیٹیاں اور اجلاس"),
    "group_disputes": ("Disputes", "تنازعات"),
    "group_watch": ("Neighbourhood watch", "ٹھیکری پہرہ"),
    "group_complaints": ("Complaints", "شکایات"),
    "group_outreach": ("Outreach and training", "عوامی رابطہ اور تربیت"),
    "group_other": ("Other figures", "دیگر اعداد و شمار"),
    "trends": ("The last months", "گزشتہ مہینے"),
    "chart_complaints": ("Complaints received and resolved", "موصول اور نمٹائی گئی شکایات"),
    "chart_attendance": ("Attendance at committee meetings (%)", "کمیٹی اجلاسوں میں حاضری (%)"),
    "received": ("Received", "موصول"),
    "resolved": ("Resolved", "نمٹائی گئیں"),
    "attendance_rate": ("Members' attendance", "اراکین کی حاضری"),
    "women_share": ("Women's share", "خواتین کا حصہ"),
    "by_station": ("Outreach by police station", "تھانہ وار عوامی رابطہ"),
    "by_kind": ("Outreach by kind of event", "تقریب کی نوعیت کے لحاظ سے عوامی رابطہ"),
    "col_station": ("Police station", "تھانہ"),
    "col_kind": ("Kind of event", "نوعیت"),
    "col_events": ("Events", "تقریبات"),
    "col_men": ("Men", "مرد"),
    "col_women": ("Women", "خواتین"),
    "col_youth": ("of whom youth", "جن میں نوجوان"),
    "col_attendance": ("Attendance", "حاضری"),
    "total": ("Total", "کل"),
    "days": ("{value} days", "{value} دن"),
    "sign_incharge": ("COP in-charge", "انچارج کمیونٹی پولیسنگ"),
    "sign_dpo": ("District Police Officer", "ڈسٹرکٹ پولیس آفیسر"),
    "footer": ("Monthly COP report, {month}", "ماہانہ رپورٹ کمیونٹی پولیسنگ، {month}"),
}

#: Urdu names of the figures (English names come from ``SPECS``).
FIGURE_LABELS_UR: Mapping[str, str] = {
    "committees_active": "فعال کمیٹیاں",
    "meetings_held": "منعقدہ اجلاس",
    "meetings_per_active_committee": "فی فعال کمیٹی اجلاس",
    "attendance_rate": "اراکین کی حاضری کی شرح",
    "women_share_of_attendance": "حاضری میں خواتین کا حصہ",
    "disputes_heard": "سنے گئے تنازعات",
    "disputes_resolved": "حل یا صلح شدہ تنازعات",
    "watch_shifts_planned": "طے شدہ پہرہ ڈیوٹیاں",
    "watch_shifts_filled": "مکمل عملے والی ڈیوٹیاں",
    "watch_no_shows": "ڈیوٹی پر غیر حاضری",
    "complaints_received": "موصول شکایات",
    "complaints_resolved": "نمٹائی گئی شکایات",
    "complaints_overdue": "مہینے کے آخر میں تاخیر شدہ شکایات",
    "complaints_resolved_within_30_days_pct": "30 دن میں نمٹائی گئی شکایات",
    "median_days_to_resolve": "نمٹانے میں درمیانی مدت",
    "outreach_events": "عوامی رابطہ تقریبات",
    "outreach_attendance": "عوامی رابطہ میں حاضری",
    "outreach_events_by_station": "تھانہ وار عوامی رابطہ تقریبات",
    "officers_trained": "تربیت یافتہ افسران",
}

_URDU_MONTHS = (
    "",
    "جنوری",
    "فروری",
    "مارچ",
    "اپریل",
    "مئی",
    "جون",
    "جولائی",
    "اگست",
    "ستمبر",
    "اکتوبر",
    "نومبر",
    "دسمبر",
)


@dataclass(frozen=True)
class MonthlyReportData:
    """What the monthly report prints, gathered by the services.

    ``history`` holds the figures of the months up to and including ``figures``' month, oldest first (the charts
    and the "previous month" column use it). ``station_names_ur`` gives Urdu station names where known.
    """

    figures: FigureSet
    history: tuple[FigureSet, ...]
    outreach: OutreachTotals
    status: MonthStatus | None = None
    station_names_ur: Mapping[uuid.UUID, str] = field(default_factory=dict)


def _month_label(month: Month, language: Language) -> str:
    return f"{URDU_MONTHS[month.month]} {month.year}" if language == "ur" else month.label


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def format_figure(spec: FigureSpec, value: Any, language: Language) -> str:
    """A figure as printed: ``12``, ``85.3%``, ``1.25``, ``14.5 days``; ``–`` when there is no value."""
    if value is None or spec.unit == "map":
        return "–"
    if spec.unit == "percent":
        return ltr(f"{_number(float(value))}%")
    if spec.unit == "days":
        return tr("days", language, W, value=_number(float(value)))
    return _number(float(value))


def _change(spec: FigureSpec, now: Any, before: Any) -> str:
    if now is None or before is None or spec.unit == "map":
        return ""
    difference = float(now) - float(before)
    if difference == 0:
        return "0"
    text = _number(abs(difference)) + (" pt" if spec.unit == "percent" else "")
    return ltr(("+" if difference > 0 else "–") + text)


def _label(spec: FigureSpec, language: Language) -> str:
    return FIGURE_LABELS_UR.get(spec.name, spec.label) if language == "ur" else spec.label


def _figures_table(data: MonthlyReportData, st: Styles, width: float) -> Flowable:
    language = st.language
    values = data.figures.values
    previous = data.history[-2].values if len(data.history) >= 2 else {}
    specs = {spec.name: spec for spec in SPECS if spec.unit != "map"}
    grouped = [(key, [specs[name] for name in names if name in specs]) for key, names in FIGURE_GROUPS]
    listed = {name for _key, names in FIGURE_GROUPS for name in names}
    other = [spec for name, spec in specs.items() if name not in listed]
    if other:
        grouped.append(("group_other", other))
    header = [tr(key, language, W) for key in ("col_figure", "col_month", "col_previous", "col_change")]
    rows: list[list[Any]] = [st.mirror([st.cellp(text, bold=True) for text in header])]
    group_rows: list[int] = []
    number_style = st.cell.but(align="center")
    for key, members in grouped:
        group_rows.append(len(rows))
        rows.append([st.cellp(tr(key, language, W), bold=True), "", "", ""])  # spanned: the first cell shows
        for spec in members:
            rows.append(
                st.mirror(
                    [
                        st.cellp(_label(spec, language)),
                        BidiParagraph(
                            format_figure(spec, values.get(spec.name), language), number_style.but(bold=True)
                        ),
                        BidiParagraph(
                            format_figure(spec, previous.get(spec.name), language) if previous else "–", number_style
                        ),
                        BidiParagraph(_change(spec, values.get(spec.name), previous.get(spec.name)), number_style),
                    ]
                )
            )
    widths = spread([52, 16, 16, 16], width)
    table = Table(rows, colWidths=st.mirror(widths), repeatRows=1)
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for index in group_rows:
        style.append(("SPAN", (0, index), (-1, index)))
        style.append(("BACKGROUND", (0, index), (-1, index), colors.HexColor("#f3f4f6")))
    table.setStyle(TableStyle(style))
    return table


def _category_names(history: Sequence[FigureSet], language: Language) -> list[str]:
    names = []
    for figure_set in history:
        month = Month.parse(figure_set.month)
        names.append(
            f"{month.month:02d}/{month.year}"
            if language == "ur"
            else f"{calendar.month_abbr[month.month]} {month.year}"
        )
    return names


def _axis_style(chart: Any) -> None:
    for axis in (chart.categoryAxis, chart.valueAxis):
        axis.labels.fontName = LATIN
        axis.labels.fontSize = 7
        axis.strokeColor = RULE
    chart.valueAxis.gridStrokeColor = colors.HexColor("#d0d0d0")
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.valueMin = 0


def _complaints_chart(history: Sequence[FigureSet], language: Language, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 28, 18, width - 36, height - 26
    received = [int(f.values.get("complaints_received") or 0) for f in history]
    resolved = [int(f.values.get("complaints_resolved") or 0) for f in history]
    chart.data = [received, resolved]
    chart.categoryAxis.categoryNames = _category_names(history, language)
    chart.bars[0].fillColor = RECEIVED
    chart.bars[1].fillColor = RESOLVED
    chart.bars.strokeColor = None
    chart.barSpacing = 1
    chart.groupSpacing = 6
    _axis_style(chart)
    chart.valueAxis.valueMax = max([*received, *resolved, 1]) * 1.15
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = LATIN
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 5
    drawing.add(chart)
    return drawing


def _attendance_chart(history: Sequence[FigureSet], language: Language, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    chart = HorizontalLineChart()
    chart.x, chart.y, chart.width, chart.height = 28, 18, width - 36, height - 26
    rate = [f.values.get("attendance_rate") for f in history]
    women = [f.values.get("women_share_of_attendance") for f in history]
    chart.data = [rate, women]  # months without meetings are gaps
    joinable = all(sum(value is not None for value in series) >= 2 for series in chart.data)
    chart.categoryAxis.categoryNames = _category_names(history, language)
    chart.lines[0].strokeColor = ATTENDANCE
    chart.lines[1].strokeColor = WOMEN
    chart.lines.strokeWidth = 1.6
    chart.lines.symbol = makeMarker("FilledCircle", size=3.5)
    chart.lines[0].symbol = makeMarker("FilledCircle", size=3.5, fillColor=ATTENDANCE)
    chart.lines[1].symbol = makeMarker("FilledCircle", size=3.5, fillColor=WOMEN)
    chart.joinedLines = 1 if joinable else 0  # a line needs two points: otherwise dots only
    _axis_style(chart)
    chart.valueAxis.valueMax = 100
    chart.valueAxis.valueStep = 25
    drawing.add(chart)
    return drawing


def _legend(entries: Sequence[tuple[Any, str]], st: Styles) -> Flowable:
    cells: list[Any] = []
    widths: list[float] = []
    for color, text in entries:
        swatch = Drawing(8, 8)
        swatch.add(Rect(0, 0, 8, 8, fillColor=color, strokeColor=None))
        cells.extend(st.mirror([swatch, st.p(text, st.cell.but(size=8))]))
        widths.extend(st.mirror([11.0, 34 * mm]))
    table = Table([cells], colWidths=widths, hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _has_records(figures: FigureSet) -> bool:
    return any(
        isinstance(value, int | float) and not isinstance(value, bool) and value
        for name, value in figures.values.items()
        if name != "committees_active"
    )


def chart_months(history: Sequence[FigureSet]) -> tuple[FigureSet, ...]:
    """The months the charts show: ``history`` without the leading months that have no records at all."""
    months = list(history)
    while len(months) > 1 and not _has_records(months[0]):
        months.pop(0)
    return tuple(months)


def _charts(data: MonthlyReportData, st: Styles, width: float) -> Flowable:
    language = st.language
    history = chart_months(data.history)
    half = (width - 8 * mm) / 2
    height = 52 * mm
    complaints = [
        st.p(tr("chart_complaints", language, W), st.cell_bold.but(align="center", space_after=2)),
        _complaints_chart(history, language, half, height),
        _legend([(RECEIVED, tr("received", language, W)), (RESOLVED, tr("resolved", language, W))], st),
    ]
    attendance = [
        st.p(tr("chart_attendance", language, W), st.cell_bold.but(align="center", space_after=2)),
        _attendance_chart(history, language, half, height),
        _legend([(ATTENDANCE, tr("attendance_rate", language, W)), (WOMEN, tr("women_share", language, W))], st),
    ]
    table = Table([st.mirror([complaints, "", attendance])], colWidths=[half, 8 * mm, half])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("BOX", (0, 0), (0, 0), 0.4, colors.HexColor("#b0b0b0")),
                ("BOX", (2, 0), (2, 0), 0.4, colors.HexColor("#b0b0b0")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _outreach_tables(data: MonthlyReportData, st: Styles) -> list[Flowable]:
    language = st.language
    totals = data.outreach
    station_rows: list[list[Any]] = []
    for row in totals.by_station:
        name = (data.station_names_ur.get(row.station_id) or row.station_name) if language == "ur" else row.station_name
        t = row.totals
        station_rows.append([name, str(t.events), str(t.men), str(t.women), str(t.youth), str(t.attendance)])
    station_rows.append(
        [
            st.cellp(tr("total", language, W), bold=True),
            *(
                BidiParagraph(str(value), st.cell_bold.but(align="center"))
                for value in (totals.events, totals.men, totals.women, totals.youth, totals.attendance)
            ),
        ]
    )
    kinds = outreach_kinds()
    kind_rows: list[list[Any]] = []
    for kind_row in totals.by_kind:
        item = kinds.get(kind_row.kind.value)
        label = (item.name_ur if item else kind_row.kind_label) if language == "ur" else kind_row.kind_label
        kind_rows.append([label, str(kind_row.totals.events), str(kind_row.totals.attendance)])
    header = [
        tr(k, language, W) for k in ("col_station", "col_events", "col_men", "col_women", "col_youth", "col_attendance")
    ]
    return [
        st.heading(tr("by_station", language, W)),
        grid_table(header, station_rows, (36, 12, 12, 12, 13, 15), st, user_columns=(0,), numeric_columns=range(1, 6)),
        st.heading(tr("by_kind", language, W)),
        grid_table(
            [tr(k, language, W) for k in ("col_kind", "col_events", "col_attendance")],
            kind_rows,
            (60, 20, 20),
            st,
            numeric_columns=(1, 2),
        ),
    ]


def _status_lines(data: MonthlyReportData, st: Styles, printed_on: date | None) -> list[Flowable]:
    language = st.language
    status = data.status
    when = format_date(printed_on, language) if printed_on else ""
    if data.figures.stored and status is not None and status.closed_at is not None:
        text = tr(
            "closed",
            language,
            W,
            date=format_date(status.closed_at.astimezone().date(), language),
            definition=ltr(data.figures.definition),
        )
    elif status is not None and status.state == "reopened":
        text = tr("reopened", language, W, reason=st.embed(status.reopen_reason), date=when)
    else:
        text = tr("open", language, W, date=when)
    lines: list[Flowable] = [st.p(text, st.body.but(size=9, align="center", color=MUTED))]
    if status is not None and not data.figures.stored and (status.problems or status.more_problems):
        count = len(status.problems) + status.more_problems
        lines.append(st.p(tr("problems", language, W, count=count), st.body.but(size=9, align="center", color=MUTED)))
    return lines


def monthly_report_story(
    data: MonthlyReportData, st: Styles, office: Office, *, printed_on: date | None = None
) -> list[Flowable]:
    """The flowables of the monthly report."""
    language = st.language
    width = usable_width()
    month = Month.parse(data.figures.month)
    story: list[Flowable] = [*letterhead(office, st, station=False)]
    story.append(st.p(tr("title", language, W), st.title.but(size=14)))
    story.append(st.p(_month_label(month, language), st.subtitle.but(size=13, bold=True, space_after=3)))
    story.extend(_status_lines(data, st, printed_on))
    story.append(st.heading(tr("figures", language, W)))
    story.append(_figures_table(data, st, width))
    story.append(KeepTogether([st.heading(tr("trends", language, W)), _charts(data, st, width)]))
    story.extend(_outreach_tables(data, st))
    story.append(Spacer(1, 14 * mm))
    blocks = ((tr("sign_incharge", language, W), ""), (tr("sign_dpo", language, W), ""))
    closing: list[Flowable] = [signature_blocks(blocks, width * 0.75, st)]
    if printed_on is not None:
        closing.append(
            st.p(tr("printed", language, date=format_date(printed_on, language)), st.small.but(space_before=8))
        )
    story.append(KeepTogether(closing))
    return story


def write_monthly_report(
    data: MonthlyReportData,
    out: Out,
    *,
    language: str = "en",
    office: Office | None = None,
    printed_on: date | None = None,
) -> None:
    """Write the monthly COP report of ``data`` as an A4 PDF to ``out``."""
    chosen = check_language(language)
    st = Styles(chosen)
    office = office or Office()
    month = _month_label(Month.parse(data.figures.month), chosen)
    build_pdf(
        out,
        monthly_report_story(data, st, office, printed_on=printed_on),
        st,
        title=f"{tr('title', chosen, W)}: {month}",
        footer=tr("footer", chosen, W, month=month),
    )
