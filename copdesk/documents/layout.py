"""What every printed document shares: wording, letterhead, styles, tables, signatures, "Page X of Y".

Documents are built from flowables of :mod:`copdesk.documents.text` only, so every piece of text (fixed labels
as much as names and minutes) is shaped, ordered and escaped the same way. In Urdu the whole page is mirrored:
tables read from the right, labels stand at the right, the page number sits at the left.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path
from typing import Any, BinaryIO, Literal

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from copdesk.documents.fonts import register_fonts
from copdesk.documents.text import BidiParagraph, TextStyle, draw_line, embed, layout_lines, ltr
from copdesk.errors import NotFound, ValidationError

__all__ = [
    "LANGUAGES",
    "URDU_MONTHS",
    "Language",
    "Office",
    "Styles",
    "build_pdf",
    "check_language",
    "details_table",
    "format_date",
    "format_time",
    "grid_table",
    "letterhead",
    "numbered_list",
    "spread",
    "usable_width",
    "signature_blocks",
    "tr",
    "weekday",
]

Language = Literal["en", "ur"]
LANGUAGES: tuple[Language, ...] = ("en", "ur")
Out = Path | BinaryIO

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#333333")
HEADER_FILL = colors.HexColor("#e4e7eb")
MARGIN = 16 * mm
FRAME_PADDING = 6  # reportlab's default padding of a frame

URDU_MONTHS = (
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
_URDU_WEEKDAYS = ("پیر", "منگل", "بدھ", "جمعرات", "جمعہ", "ہفتہ", "اتوار")

#: Wording shared by several documents, in English and Urdu.
WORDS: dict[str, tuple[str, str]] = {
    "police": ("{province} Police", "{province} پولیس"),
    "district": ("District {district}", "ضلع {district}"),
    "cop": ("Community Oriented Policing", "کمیونٹی پولیسنگ"),
    "station": ("Police Station {station}", "تھانہ {station}"),
    "page": ("Page {page} of {pages}", "صفحہ {page} از {pages}"),
    "printed": ("Printed on {date}", "طباعت: {date}"),
    "none": ("None recorded.", "کوئی اندراج نہیں۔"),
    "no": ("No.", "نمبر"),
    "signature": ("Signature", "دستخط"),
    "name": ("Name", "نام"),
    "phone": ("Phone", "فون"),
}


def check_language(language: str) -> Language:
    """``en`` or ``ur``; anything else is refused with a plain sentence."""
    if language == "en":
        return "en"
    if language == "ur":
        return "ur"
    raise ValidationError("Choose English (en) or Urdu (ur) for the printed document.", "language")


def tr(key: str, language: Language, table: dict[str, tuple[str, str]] | None = None, **values: Any) -> str:
    """The wording ``key`` (from ``table``, else the shared words) in ``language``, with ``values`` filled in."""
    source = table if table is not None and key in table else WORDS
    english, urdu = source[key]
    return (urdu if language == "ur" else english).format(**values)


def format_date(day: date | None, language: Language) -> str:
    """``3 September 2026`` / ``3 ستمبر 2026``; an empty string for no date."""
    if day is None:
        return ""
    if language == "ur":
        return f"{day.day} {URDU_MONTHS[day.month]} {day.year}"
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def format_short_date(day: date | None) -> str:
    """``03-09-2026`` kept left to right (for narrow table cells in both languages)."""
    return "" if day is None else ltr(f"{day:%d-%m-%Y}")


def format_time(moment: time | None) -> str:
    """``11:00`` (24-hour clock, as offices write it); empty for no time."""
    return "" if moment is None else ltr(f"{moment:%H:%M}")


def weekday(day: date, language: Language) -> str:
    """The day of the week: ``Monday`` / ``پیر``."""
    return _URDU_WEEKDAYS[day.weekday()] if language == "ur" else calendar.day_name[day.weekday()]


# --- the office ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Office:
    """Who issues the document: province, district and (when there is one) the police station."""

    district_code: str = ""
    district_en: str = ""
    district_ur: str = ""
    province_en: str = ""
    province_ur: str = ""
    station_en: str = ""
    station_ur: str = ""
    station_phone: str = ""
    station_address: str = ""

    @classmethod
    def of(
        cls,
        district_code: str | None,
        station_name: str = "",
        station_name_ur: str = "",
        station_phone: str = "",
        station_address: str = "",
    ) -> Office:
        """The office of a district (names from the reference data) and, optionally, one of its stations."""
        from copdesk.domain.reference import district, province

        district_en = district_ur = province_en = province_ur = ""
        code = (district_code or "").strip().upper()
        if code:
            try:
                found = district(code)
                district_en, district_ur = found.name_en, found.name_ur
                home = province(found.province_code)
                province_en, province_ur = home.name_en, home.name_ur
            except NotFound:
                district_en = code
        return cls(
            code,
            district_en,
            district_ur,
            province_en,
            province_ur,
            station_name,
            station_name_ur,
            station_phone,
            station_address,
        )

    def district_name(self, language: Language) -> str:
        """The district's name in ``language`` (English when there is no Urdu name)."""
        return (self.district_ur or self.district_en) if language == "ur" else self.district_en

    def province_name(self, language: Language) -> str:
        """The province's name in ``language``."""
        return (self.province_ur or self.province_en) if language == "ur" else self.province_en

    def station_name(self, language: Language) -> str:
        """The station's name in ``language`` (English when there is no Urdu name)."""
        return (self.station_ur or self.station_en) if language == "ur" else self.station_en


# --- styles --------------------------------------------------------------------------------------------------


class Styles:
    """The text styles of one document language, and shorthand to make paragraphs in them.

    Fixed wording takes the document's direction; text typed by users (names, minutes) finds its own direction
    from its first letter and is aligned to the document's side.
    """

    def __init__(self, language: Language) -> None:
        register_fonts()
        self.language = language
        self.rtl = language == "ur"
        side: Literal["left", "right"] = "right" if self.rtl else "left"
        direction: Literal["ltr", "rtl"] = "rtl" if self.rtl else "ltr"
        base = TextStyle(size=10, direction=direction, fallback=direction, align="start", color=INK)
        self.side = side
        self.body = base
        self.user_body = base.but(direction="auto", align="start")
        self.title = base.but(size=15, bold=True, align="center", space_after=2)
        self.subtitle = base.but(size=11.5, align="center", space_after=2)
        self.section = base.but(size=11.5, bold=True, space_before=9, space_after=3)
        self.cell = base.but(size=9)
        self.cell_bold = self.cell.but(bold=True)
        self.user_cell = self.cell.but(direction="auto", align=side)
        self.head = self.cell.but(bold=True)
        self.small = base.but(size=8, color=MUTED)
        self.center = base.but(align="center")

    def p(self, text: str | Sequence[tuple[str, bool]], style: TextStyle | None = None) -> BidiParagraph:
        """A paragraph of fixed wording (body style unless another is given)."""
        return BidiParagraph(text, style or self.body)

    def user(self, text: str, style: TextStyle | None = None) -> BidiParagraph:
        """A paragraph of text typed by a user (its own direction, aligned to the document's side)."""
        return BidiParagraph(text, style or self.user_body)

    def heading(self, text: str) -> BidiParagraph:
        """A section heading, kept with what follows."""
        paragraph = BidiParagraph(text, self.section)
        paragraph.keepWithNext = True
        return paragraph

    def cellp(self, text: str, *, bold: bool = False, user: bool = False) -> BidiParagraph:
        """A table cell: fixed wording, bold wording, or user text."""
        if user:
            return BidiParagraph(text, self.user_cell.but(bold=bold))
        return BidiParagraph(text, self.cell_bold if bold else self.cell)

    def embed(self, text: str) -> str:
        """User text made safe to place inside this language's fixed wording (see :func:`text.embed`)."""
        return embed(text, self.rtl)

    def mirror(self, cells: Sequence[Any]) -> list[Any]:
        """A row of cells in printing order: reversed in Urdu, so that the first column stands at the right."""
        return list(reversed(cells)) if self.rtl else list(cells)


# --- building blocks -----------------------------------------------------------------------------------------


def letterhead(office: Office, st: Styles, *, station: bool = True) -> list[Flowable]:
    """The office's heading: province police, district, COP, the station; closed by a double rule."""
    language = st.language
    lines: list[Flowable] = []
    if office.province_en:
        lines.append(
            st.p(tr("police", language, province=office.province_name(language)).upper(), st.title.but(size=16))
        )
    if office.district_en:
        lines.append(st.p(tr("district", language, district=office.district_name(language)), st.title.but(size=13)))
    lines.append(st.p(tr("cop", language), st.subtitle.but(size=10.5)))
    if station and office.station_en:
        lines.append(
            st.p(tr("station", language, station=office.station_name(language)), st.subtitle.but(size=10.5, bold=True))
        )
    lines.append(HRFlowable(width="100%", thickness=1.6, color=RULE, spaceBefore=4, spaceAfter=1.2))
    lines.append(HRFlowable(width="100%", thickness=0.5, color=RULE, spaceBefore=0, spaceAfter=8))
    return lines


def spread(weights: Sequence[float], total: float) -> list[float]:
    """Column widths in proportion to ``weights`` that add up to ``total``."""
    scale = total / sum(weights)
    return [weight * scale for weight in weights]


def grid_table(
    header: Sequence[str],
    rows: Sequence[Sequence[Flowable | str]],
    weights: Sequence[float],
    st: Styles,
    *,
    width: float | None = None,
    user_columns: Sequence[int] = (),
    numeric_columns: Sequence[int] = (),
    empty: str | None = None,
) -> Flowable:
    """A ruled table with a shaded header row repeated on every page; string cells become paragraphs.

    Columns share ``width`` (default: the frame's width) in proportion to ``weights``. ``user_columns`` are the
    columns holding text typed by users; ``numeric_columns`` are centred. With no rows, ``empty`` (or "None
    recorded.") is printed instead.
    """
    widths = spread(weights, width if width is not None else usable_width())
    if not rows:
        return st.p(empty or tr("none", st.language), st.cell.but(color=MUTED, space_after=2))
    numeric = set(numeric_columns)

    def make(index: int, cell: Flowable | str, bold: bool = False) -> Flowable:
        if not isinstance(cell, str):
            return cell
        if index in numeric:
            return BidiParagraph(cell, (st.cell_bold if bold else st.cell).but(align="center"))
        return st.cellp(cell, bold=bold, user=index in user_columns and not bold)

    head = st.mirror([make(index, text, bold=True) for index, text in enumerate(header)])
    body = [st.mirror([make(index, cell) for index, cell in enumerate(row)]) for row in rows]
    table = Table([head, *body], colWidths=st.mirror(widths), repeatRows=1, hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, RULE),
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def details_table(
    pairs: Sequence[tuple[str, str | Flowable]], width: float, st: Styles, *, columns: int = 2
) -> Flowable:
    """Label–value pairs in ``columns`` pairs per row, labels bold (string values are user text)."""
    label_width = width / columns * 0.34
    value_width = width / columns - label_width
    cells: list[list[Flowable | str]] = []
    row: list[Flowable | str] = []
    for label, value in pairs:
        row.extend([st.cellp(label, bold=True), st.cellp(value, user=True) if isinstance(value, str) else value])
        if len(row) == 2 * columns:
            cells.append(st.mirror(row))
            row = []
    if row:
        row.extend(["", ""] * (columns - len(row) // 2))
        cells.append(st.mirror(row))
    table = Table(cells, colWidths=st.mirror([label_width, value_width] * columns), hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#b0b0b0")),
            ]
        )
    )
    return table


def numbered_list(items: Sequence[str], width: float, st: Styles, *, empty: str | None = None) -> Flowable:
    """Numbered points of user text (agenda, decisions), the numbers in their own column."""
    if not items:
        return st.p(empty or tr("none", st.language), st.cell.but(size=10, color=MUTED, space_after=2))
    number_width = 9 * mm
    rows = [
        st.mirror([st.p(f"{index}.", st.body.but(align=st.side)), st.user(text, st.user_body.but(align=st.side))])
        for index, text in enumerate(items, start=1)
    ]
    table = Table(rows, colWidths=st.mirror([number_width, width - number_width]), hAlign="CENTER")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def signature_blocks(blocks: Sequence[tuple[str, str]], width: float, st: Styles) -> Flowable:
    """Signature blocks side by side: room to sign, a line, the office held and the name printed."""
    gap = 10 * mm
    count = len(blocks)
    block_width = (width - gap * (count - 1)) / count
    widths: list[float] = []
    signs: list[Flowable | str] = []
    titles: list[Flowable | str] = []
    names: list[Flowable | str] = []
    for index, (title, name) in enumerate(blocks):
        if index:
            widths.append(gap)
            signs.append("")
            titles.append("")
            names.append("")
        widths.append(block_width)
        signs.append(Spacer(1, 13 * mm))
        titles.append(st.p(title, st.cell_bold.but(size=9.5, align="center")))
        names.append(BidiParagraph(name or " ", st.user_cell.but(align="center")))
    table = Table([st.mirror(signs), st.mirror(titles), st.mirror(names)], colWidths=st.mirror(widths))
    style: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 1), (-1, -1), 2),
    ]
    for column in range(0, len(widths), 2):
        style.append(("LINEABOVE", (column, 1), (column, 1), 0.7, RULE))
    table.setStyle(TableStyle(style))
    return table


# --- the page frame ------------------------------------------------------------------------------------------


def _numbered_canvas(footer: str, st: Styles, margin: float) -> Callable[..., Canvas]:
    """A canvas class that, once every page is known, writes the footer and "Page X of Y" on each page."""
    small = st.small

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab API)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, total)
                super().showPage()
            super().save()

        def _footer(self, number: int, total: int) -> None:
            width, _height = self._pagesize
            usable = width - 2 * margin
            y = margin * 0.55
            self.setStrokeColor(colors.HexColor("#999999"))
            self.setLineWidth(0.4)
            self.line(margin, y + 11, width - margin, y + 11)
            page_text = tr("page", st.language, page=number, pages=total)
            page_side: Literal["left", "right"] = "left" if st.rtl else "right"
            text_side: Literal["left", "right"] = "right" if st.rtl else "left"
            for text, side, room in ((page_text, page_side, usable * 0.3), (footer, text_side, usable * 0.68)):
                lines = layout_lines(text, small.but(align=side), room)
                if not lines:
                    continue
                line, offset = lines[0]
                x = margin + offset if side == "left" else width - margin - room + offset
                draw_line(self, line, x, y, small)

    return NumberedCanvas


def build_pdf(
    out: Out,
    story: Sequence[Flowable],
    st: Styles,
    *,
    title: str,
    footer: str,
    pagesize: tuple[float, float] = A4,
    margin: float = MARGIN,
    bottom_margin: float | None = None,
    numbered: bool = True,
    on_page: Callable[[Canvas, Any], None] | None = None,
) -> None:
    """Write ``story`` as a PDF to ``out`` (a path or a binary file) with the page frame of copdesk documents.

    ``numbered`` documents get the footer and "Page X of Y" on every page; ``on_page`` draws extras on each page.
    """
    register_fonts()
    target: Any = str(out) if isinstance(out, Path) else out
    document = SimpleDocTemplate(
        target,
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=bottom_margin if bottom_margin is not None else margin + 6 * mm,
        title=title,
        author="copdesk",
        creator="copdesk",
        subject=title,
        invariant=1,
        lang="ur" if st.rtl else "en",
    )
    kwargs: dict[str, Any] = {"canvasmaker": _numbered_canvas(footer, st, margin)} if numbered else {}
    if on_page is not None:
        kwargs["onFirstPage"] = on_page
        kwargs["onLaterPages"] = on_page
    document.build(list(story), **kwargs)


def usable_width(pagesize: tuple[float, float] = A4, margin: float = MARGIN) -> float:
    """Width available to flowables on a page (inside the margins and the frame's padding)."""
    return pagesize[0] - 2 * margin - 2 * FRAME_PADDING
