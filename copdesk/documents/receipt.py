"""The receipt a complainant takes home.

Tracking number (also as a QR code), what was complained about, and how to ask about progress. It fills the top
half of an A4 sheet; a dashed line marks where to cut.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from copdesk.documents.layout import (
    FRAME_PADDING,
    RULE,
    Office,
    Out,
    Styles,
    build_pdf,
    check_language,
    details_table,
    format_date,
    tr,
)
from copdesk.documents.text import BidiParagraph, draw_line, layout_lines, ltr
from copdesk.services.complaints import ComplaintView

__all__ = ["HALF_A4", "RECEIPT_MARGIN", "SUMMARY_LIMIT", "qr_drawing", "write_receipt"]

#: The receipt's height: half of an A4 sheet (the cut line).
HALF_A4 = A4[1] / 2
RECEIPT_MARGIN = 12 * mm
#: Longer descriptions are shortened on the receipt (the full text stays in the register).
SUMMARY_LIMIT = 420
QR_SIZE = 30 * mm
#: Room kept free above the cut line.
BOTTOM_GAP = 4 * mm

W: dict[str, tuple[str, str]] = {
    "title": ("COMPLAINT RECEIPT", "شکایت کی رسید"),
    "tracking": ("Tracking number", "ٹریکنگ نمبر"),
    "received": ("Date received", "وصولی کی تاریخ"),
    "category": ("Category", "نوعیت"),
    "station": ("Police station", "تھانہ"),
    "complainant": ("Complainant", "درخواست گزار"),
    "anonymous": ("Anonymous", "نام ظاہر نہیں کیا گیا"),
    "place": ("Place", "مقام"),
    "due": ("To be dealt with by", "کارروائی کی آخری تاریخ"),
    "summary": ("Summary", "خلاصہ"),
    "progress_phone": (
        "To ask about progress, call {station} on {phone} or visit the station, and give the tracking number {no}.",
        "پیش رفت معلوم کرنے کے لیے {station} کو فون نمبر {phone} پر کال کریں یا تھانے تشریف لائیں، اور ٹریکنگ"
        " نمبر {no} بتائیں۔",
    ),
    "progress_visit": (
        "To ask about progress, visit {station} and give the tracking number {no}.",
        "پیش رفت معلوم کرنے کے لیے {station} تشریف لائیں اور ٹریکنگ نمبر {no} بتائیں۔",
    ),
    "address": ("Address: {address}", "پتہ: {address}"),
    "keep": ("Keep this receipt until your complaint is settled.", "شکایت نمٹنے تک یہ رسید سنبھال کر رکھیں۔"),
    "received_by": ("Received by (signature and stamp)", "وصول کنندہ (دستخط و مہر)"),
    "cut": ("cut here", "یہاں سے کاٹیں"),
}


def qr_drawing(value: str, size: float = QR_SIZE) -> Drawing:
    """A QR code of ``value`` (reportlab's own encoder), ``size`` points square."""
    widget = QrCodeWidget(value, barLevel="M", barBorder=2)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _shorten(text: str, limit: int = SUMMARY_LIMIT) -> str:
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut + " …"


def _cut_line(st: Styles) -> Any:
    def draw(canvas: Canvas, _document: Any) -> None:
        width = A4[0]
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.setDash(4, 3)
        canvas.line(8 * mm, HALF_A4, width - 8 * mm, HALF_A4)
        canvas.setDash()
        label = layout_lines(tr("cut", st.language, W), st.small, 60 * mm)
        if label:
            line, _offset = label[0]
            x = (width - line.width) / 2
            canvas.setFillColorRGB(1, 1, 1)
            canvas.rect(x - 4, HALF_A4 - 5, line.width + 8, 10, stroke=0, fill=1)
            draw_line(canvas, line, x, HALF_A4 - 2.6, st.small)
        canvas.restoreState()

    return draw


def receipt_story(
    view: ComplaintView,
    st: Styles,
    office: Office,
    *,
    printed_on: date | None = None,
    summary_limit: int = SUMMARY_LIMIT,
) -> list[Flowable]:
    """The flowables of a complaint receipt (the description shortened to ``summary_limit`` characters)."""
    language = st.language
    width = A4[0] - 2 * RECEIPT_MARGIN - 12
    station = office.station_name(language) or view.station_name
    heading: list[Flowable] = []
    top_line = " · ".join(
        part
        for part in (
            tr("police", language, province=office.province_name(language)).upper() if office.province_en else "",
            tr("district", language, district=office.district_name(language)) if office.district_en else "",
        )
        if part
    )
    if top_line:
        heading.append(st.p(top_line, st.title.but(size=12, space_after=0)))
    heading.append(st.p(tr("station", language, station=station), st.subtitle.but(size=10, bold=True, space_after=3)))
    heading.append(st.p(tr("title", language, W), st.title.but(size=14, space_after=4)))

    category = (view.category_name_ur or view.category_name) if language == "ur" else view.category_name
    complainant = tr("anonymous", language, W) if view.anonymous else view.complainant_name
    tracking = BidiParagraph(ltr(view.tracking_no), st.user_cell.but(size=12, bold=True))
    pairs: list[tuple[str, str | Flowable]] = [
        (tr("tracking", language, W), tracking),
        (tr("received", language, W), format_date(view.received_on, language)),
        (tr("category", language, W), category),
        (tr("station", language, W), view.station_name if language == "en" else station),
        (tr("complainant", language, W), complainant),
        (tr("due", language, W), format_date(view.due_on, language)),
    ]
    if view.location:
        pairs.insert(5, (tr("place", language, W), _shorten(view.location, 80)))
    details_width = width - QR_SIZE - 6 * mm
    details = details_table(pairs, details_width, st, columns=1)
    code = Table(
        [[qr_drawing(view.tracking_no)], [BidiParagraph(view.tracking_no, st.cell_bold.but(align="center"))]],
        colWidths=[QR_SIZE + 2 * mm],
    )
    code.setStyle(TableStyle([("ALIGN", (0, 0), (-1, -1), "CENTER"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    top = Table([st.mirror([details, code])], colWidths=st.mirror([details_width, width - details_width]))
    top.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    summary = Table(
        [
            [st.p(tr("summary", language, W), st.cell_bold)],
            [st.user(_shorten(view.description, summary_limit), st.user_cell.but(size=9, align="start"))],
        ],
        colWidths=[width],
    )
    summary.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    station_words = st.embed(tr("station", language, station=station))
    if office.station_phone:
        progress = tr(
            "progress_phone",
            language,
            W,
            station=station_words,
            phone=ltr(office.station_phone),
            no=ltr(view.tracking_no),
        )
    else:
        progress = tr("progress_visit", language, W, station=station_words, no=ltr(view.tracking_no))
    guidance: list[Flowable] = [st.p(progress, st.body.but(size=9.5, bold=True, space_before=5))]
    if office.station_address:
        guidance.append(st.p(tr("address", language, W, address=st.embed(office.station_address)), st.cell))
    guidance.append(st.p(tr("keep", language, W), st.cell.but(space_after=2)))
    signature = Table(
        [
            st.mirror(
                [
                    st.p(
                        tr("printed", language, date=format_date(printed_on, language)) if printed_on else "",
                        st.small,
                    ),
                    st.p(tr("received_by", language, W), st.cell.but(align="center")),
                ]
            )
        ],
        colWidths=st.mirror([width * 0.55, width * 0.45]),
    )
    signature.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LINEABOVE", (1, 0) if not st.rtl else (0, 0), (1, 0) if not st.rtl else (0, 0), 0.6, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [*heading, top, Spacer(1, 3), summary, *guidance, Spacer(1, 7 * mm), signature]


def _height(story: list[Flowable], width: float) -> float:
    total = 0.0
    for flowable in story:
        _width, height = flowable.wrap(width, A4[1])
        total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def _fitting_story(view: ComplaintView, st: Styles, office: Office, printed_on: date | None) -> list[Flowable]:
    """The receipt's story, its summary shortened further while the receipt would not fit half a sheet."""
    room = HALF_A4 - RECEIPT_MARGIN - BOTTOM_GAP - 2 * FRAME_PADDING
    width = A4[0] - 2 * RECEIPT_MARGIN - 2 * FRAME_PADDING
    story = receipt_story(view, st, office, printed_on=printed_on)
    if _height(story, width) <= room:
        return story
    low, high = 20, SUMMARY_LIMIT  # the longest summary that fits, by halving
    best = receipt_story(view, st, office, printed_on=printed_on, summary_limit=low)
    while high - low > 10:
        middle = (low + high) // 2
        candidate = receipt_story(view, st, office, printed_on=printed_on, summary_limit=middle)
        if _height(candidate, width) <= room:
            low, best = middle, candidate
        else:
            high = middle
    return best


def write_receipt(
    view: ComplaintView,
    out: Out,
    *,
    language: str = "en",
    office: Office | None = None,
    printed_on: date | None = None,
) -> None:
    """Write the complainant's receipt for ``view`` as a PDF to ``out``: the top half of one A4 sheet.

    ``office`` gives the station's phone and address for the "how to ask about progress" note.
    """
    chosen = check_language(language)
    st = Styles(chosen)
    office = office or Office(station_en=view.station_name)
    build_pdf(
        out,
        _fitting_story(view, st, office, printed_on),
        st,
        title=f"{tr('title', chosen, W).capitalize()} {view.tracking_no}",
        footer="",
        margin=RECEIPT_MARGIN,
        bottom_margin=HALF_A4 + BOTTOM_GAP,
        numbered=False,
        on_page=_cut_line(st),
    )
