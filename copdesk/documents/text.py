"""Text of printed documents in English and Urdu: one paragraph flowable that wraps, orders and shapes.

reportlab joins Arabic-script letters through uharfbuzz, but its right-to-left paragraph layout needs ``rlbidi``,
which is not available. :class:`BidiParagraph` does the layout itself, the way the Unicode bidirectional algorithm
(UAX #9) prescribes:

1. the embedding level of every character is resolved for the whole paragraph (python-bidi's algorithm);
2. the font is chosen character by character: Noto Naskh Arabic for Arabic script, Noto Sans for Latin letters,
   and for digits, spaces and punctuation whichever suits the direction around them;
3. lines are broken in *logical* order at spaces, measuring words by their shaped width;
4. each line is cut into runs of one level and one font, every run is shaped (HarfBuzz, in the run's own
   direction, which also mirrors brackets in right-to-left runs) in logical order, and the runs are placed in
   *visual* order (rule L2: reverse every sequence at or above each odd level, highest first).

Text is drawn glyph by glyph from the shaped runs, never parsed as markup, so ``<b>``, ``&`` and ``<font>`` in
user text print literally. Glyphs without a character of their own (the lam-alef ligature, contextual forms) get
their letters in the PDF's ToUnicode map, so copying or extracting the text gives back the letters typed.
"""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal

import bidi.algorithm as uba
import uharfbuzz
from reportlab.lib.colors import Color, black
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapeData, ShapedStr
from reportlab.platypus import Flowable

from copdesk.documents.fonts import covers, font_pair, register_fonts, remember_glyph_text

__all__ = [
    "BidiParagraph",
    "auto_direction",
    "Line",
    "Run",
    "TextStyle",
    "embedding_levels",
    "embed",
    "layout_lines",
    "ltr",
    "shape_run",
    "visual_order",
]

Direction = Literal["auto", "ltr", "rtl"]
Align = Literal["start", "end", "left", "right", "center"]
#: Explicit embedding/override/isolate controls: dropped (python-bidi's algorithm does not implement isolates).
_DROPPED_TYPES = frozenset({"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
_HB_FEATURES = {"kern": True, "liga": True}
_SHAPING = threading.Lock()
_RTL_TYPES = frozenset({"R", "AL", "AN"})
_LATIN_LEADING, _LATIN_DESCENT = 1.3, 0.22
_ARABIC_LEADING, _ARABIC_DESCENT = 1.65, 0.55
#: Left-to-right mark: wrapped around numbers and codes so that Urdu text around them cannot reorder them.
LRM = "\u200e"
RLM = "\u200f"


def _is_arabic_script(char: str) -> bool:
    code = ord(char)
    return (
        0x0600 <= code <= 0x06FF
        or 0x0750 <= code <= 0x077F
        or 0x0870 <= code <= 0x08FF
        or 0xFB50 <= code <= 0xFDFF
        or 0xFE70 <= code <= 0xFEFF
    )


@dataclass(frozen=True)
class TextStyle:
    """How a paragraph looks.

    ``direction`` is the paragraph's base direction: ``auto`` takes it from the letters (mostly Urdu: right to left,
    mostly English: left to right, see :func:`auto_direction`) and uses ``fallback`` when there is no letter at
    all (digits only, empty).
    ``align`` ``start``/``end`` are relative to that direction (``start`` is the right edge for Urdu).
    """

    size: float = 10.0
    leading: float | None = None
    bold: bool = False
    color: Color = black
    align: Align = "start"
    direction: Direction = "auto"
    fallback: Literal["ltr", "rtl"] = "ltr"
    space_before: float = 0.0
    space_after: float = 0.0

    def line_height(self, arabic: bool) -> float:
        """Distance between baselines: ``leading``, or by default more room for Naskh than for Latin text."""
        if self.leading is not None:
            return self.leading
        return round(self.size * (_ARABIC_LEADING if arabic else _LATIN_LEADING), 2)

    def baseline(self, arabic: bool) -> float:
        """Height of the baseline above the bottom of a line box."""
        natural = self.size * (_ARABIC_LEADING if arabic else _LATIN_LEADING)
        descent = self.size * (_ARABIC_DESCENT if arabic else _LATIN_DESCENT)
        return (self.line_height(arabic) - natural) / 2 + descent

    def but(self, **changes: Any) -> TextStyle:
        """A copy with some attributes changed."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Run:
    """A piece of a line in one font and one direction, shaped, at ``x`` from the line's left edge."""

    x: float
    width: float
    font: str
    rtl: bool
    text: str  # logical order, as typed
    glyphs: str  # a reportlab ShapedStr: glyphs in visual order with HarfBuzz positions


@dataclass(frozen=True)
class Line:
    """A laid-out line: runs in visual order (left to right), its width and its logical text."""

    runs: tuple[Run, ...]
    width: float
    text: str
    rtl: bool

    @property
    def visual_text(self) -> tuple[str, ...]:
        """The runs' logical texts from left to right (what a test compares)."""
        return tuple(run.text for run in self.runs)


# --- bidi levels -----------------------------------------------------------------------------------------------


def embedding_levels(text: str, base_rtl: bool) -> list[int]:
    """The resolved embedding level of every character of one paragraph (UAX #9 rules P to I, python-bidi).

    Characters the algorithm removes (rule X9: zero-width joiners and other boundary neutrals) take the level of
    the character before them, so they stay inside their word's run.
    """
    if not text:
        return []
    if not base_rtl and not any(unicodedata.bidirectional(c) in _RTL_TYPES for c in text):
        return [0] * len(text)  # left-to-right text without any right-to-left character: all on level 0
    storage = uba.get_empty_storage()
    storage["base_level"] = 1 if base_rtl else 0
    storage["base_dir"] = "R" if base_rtl else "L"
    uba.get_embedding_levels(text, storage)
    for index, char in enumerate(storage["chars"]):
        char["index"] = index
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    _resolve_brackets(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    levels: list[int | None] = [None] * len(text)
    for char in storage["chars"]:
        levels[char["index"]] = char["level"]
    resolved: list[int] = []
    previous = storage["base_level"]
    for level in levels:
        previous = level if level is not None else previous
        resolved.append(previous)
    return resolved


def auto_direction(text: str, fallback_rtl: bool = False) -> bool:
    """True when ``text`` reads right to left: it has more Urdu (Arabic-script) letters than Latin ones.

    Unlike the first-letter rule of UAX #9, an Urdu sentence that starts with an English word (``SHO نے بتایا``)
    stays right to left. Equal counts go by the first letter; text without letters takes ``fallback_rtl``.
    """
    rtl = ltr_count = 0
    first: bool | None = None
    for char in text:
        if char in (LRM, RLM):
            continue
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            rtl += 1
            first = True if first is None else first
        elif kind == "L":
            ltr_count += 1
            first = False if first is None else first
    if rtl != ltr_count:
        return rtl > ltr_count
    return fallback_rtl if first is None else first


_BRACKETS = {"(": ")", "[": "]", "{": "}"}
_CLOSING = frozenset(_BRACKETS.values())


def _strong(bidi_type: str) -> str | None:
    """The strong direction a resolved type counts as for brackets (numbers count as right to left)."""
    if bidi_type == "L":
        return "L"
    return "R" if bidi_type in ("R", "AL", "EN", "AN") else None


def _resolve_brackets(storage: dict[str, Any]) -> None:
    """Rule N0 of UAX #9 (paired brackets), which python-bidi's algorithm predates.

    A pair of brackets takes the embedding direction when the text inside has that direction, else the opposite
    direction found inside if the text before the pair has it too. Without this rule ``(12)`` after Urdu in an
    English line gets one bracket on each side of the number.
    """
    chars = storage["chars"]
    for run in storage["runs"]:
        sequence = chars[run["start"] : run["start"] + run["length"]]
        if not sequence:
            continue
        embedding = "R" if sequence[0]["level"] % 2 else "L"
        openers: list[tuple[str, int]] = []
        pairs: list[tuple[int, int]] = []
        for index, char in enumerate(sequence):
            if char["type"] != "ON":
                continue
            if char["ch"] in _BRACKETS:
                if len(openers) == 63:  # BD16: stop looking at deep nesting
                    break
                openers.append((_BRACKETS[char["ch"]], index))
            elif char["ch"] in _CLOSING:
                for depth in range(len(openers) - 1, -1, -1):
                    if openers[depth][0] == char["ch"]:
                        pairs.append((openers[depth][1], index))
                        del openers[depth:]
                        break
        for opening, closing in sorted(pairs):
            inside = {_strong(sequence[k]["type"]) for k in range(opening + 1, closing)} - {None}
            if not inside:
                continue
            if embedding in inside:
                direction = embedding
            else:
                opposite = "R" if embedding == "L" else "L"
                before = run["sor"]
                for k in range(opening - 1, -1, -1):
                    found = _strong(sequence[k]["type"])
                    if found is not None:
                        before = found
                        break
                direction = opposite if before == opposite else embedding
            sequence[opening]["type"] = sequence[closing]["type"] = direction


def visual_order(levels: Sequence[int]) -> list[int]:
    """Rule L2: the order (indices into ``levels``) in which items of these levels are laid out, left to right."""
    order = list(range(len(levels)))
    if not levels:
        return order
    highest = max(levels)
    lowest_odd = min(level for level in levels if level % 2 == 1) if any(lv % 2 for lv in levels) else highest + 1
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(order):
            if levels[order[index]] >= level:
                end = index
                while end < len(order) and levels[order[end]] >= level:
                    end += 1
                order[index:end] = reversed(order[index:end])
                index = end
            else:
                index += 1
    return order


def ltr(text: str) -> str:
    """``text`` (a phone number, a date, a tracking number) kept left to right even inside Urdu text.

    Without the marks, ``046-7974511`` after an Urdu word becomes ``7974511-046`` (the Unicode rules make digits
    after Arabic letters Arabic numbers, and the hyphen then separates two of them).
    """
    return f"{LRM}{text}{LRM}" if text else text


def embed(text: str, rtl: bool) -> str:
    """User text to be placed inside fixed wording: bracketed by marks of the wording's direction.

    The marks stop the neutral characters around the text (commas, spaces, digits of a date) from being drawn
    into its direction, so ``کارروائی اجلاس، Islahi Committee 4، 3 ستمبر`` keeps the Urdu comma and the date on
    the Urdu side.
    """
    mark = RLM if rtl else LRM
    return f"{mark}{text}{mark}" if text else text


# --- fonts and shaping -----------------------------------------------------------------------------------------


def _fonts(text: str, levels: Sequence[int], bold: Sequence[bool]) -> list[str]:
    """The font of every character: Naskh for Arabic script, Noto Sans for Latin; neutrals follow the direction."""
    chosen: list[str] = []
    for index, char in enumerate(text):
        pair = font_pair(bold[index])
        category = unicodedata.category(char)
        if _is_arabic_script(char):
            font = pair.naskh
        elif chosen and (category in ("Mn", "Me") or unicodedata.bidirectional(char) == "BN"):
            font = chosen[-1] if chosen[-1] in (pair.naskh, pair.latin) else pair.latin
        elif levels[index] % 2 == 1 and not char.isalnum() and covers(pair.naskh, char):
            font = pair.naskh  # spaces and punctuation inside Urdu: Naskh's own, when it has them
        elif covers(pair.latin, char) or not covers(pair.naskh, char):
            font = pair.latin
        else:
            font = pair.naskh
        chosen.append(font)
    return chosen


@lru_cache(maxsize=8192)
def shape_run(text: str, font_name: str, rtl: bool) -> tuple[str, float]:
    """Shape one single-direction, single-font run (in logical order) with HarfBuzz.

    Returns a reportlab ``ShapedStr`` (glyphs in visual order, positions in thousandths of an em) and its advance
    width in thousandths of an em (multiply by the font size / 1000 for points).
    """
    register_fonts()
    with _SHAPING:  # reportlab gives new glyphs private codes in the shared font: one shaper at a time
        return _shape(text, font_name, rtl)


def _shape(text: str, font_name: str, rtl: bool) -> tuple[str, float]:
    font: Any = pdfmetrics.getFont(font_name)
    hb_font = font.hbFont(1000)
    buffer = uharfbuzz.Buffer()
    buffer.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
    buffer.flags = uharfbuzz.BufferFlags.REMOVE_DEFAULT_IGNORABLES
    buffer.add_str(text)
    buffer.guess_segment_properties()
    buffer.direction = "rtl" if rtl else "ltr"
    uharfbuzz.shape(hb_font, buffer, _HB_FEATURES)
    chars: list[str] = []
    data: list[ShapeData] = []
    total = 0.0
    face = font.face
    infos = buffer.glyph_infos
    starts = sorted({info.cluster for info in infos}) + [len(text)]
    named: set[int] = set()
    for info, position in zip(infos, buffer.glyph_positions, strict=True):
        glyph = info.codepoint
        mapped = face.glyphToChar.get(glyph)
        if mapped:
            code = mapped[0]
        else:
            code = font.hbAddPrivate(hb_font.glyph_to_string(glyph), glyph, position.x_advance)
            if info.cluster not in named:  # the cluster's first glyph stands for its letters
                named.add(info.cluster)
                cluster_end = starts[starts.index(info.cluster) + 1]
                remember_glyph_text(font_name, code, text[info.cluster : cluster_end])
        advance = font.pdfScale(position.x_advance)
        total += advance
        chars.append(chr(code))
        data.append(
            ShapeData(
                info.cluster,
                advance,
                font.pdfScale(position.y_advance),
                font.pdfScale(position.x_offset),
                font.pdfScale(position.y_offset),
                face.charWidths[code],
            )
        )
    return ShapedStr("".join(chars), shapeData=data), total


# --- layout ----------------------------------------------------------------------------------------------------


@dataclass
class _Paragraph:
    """One paragraph (no line breaks) with its levels and fonts resolved."""

    text: str
    bold: list[bool]
    rtl: bool
    levels: list[int] = field(default_factory=list)
    fonts: list[str] = field(default_factory=list)

    def pieces(self, start: int, end: int) -> list[tuple[int, int]]:
        """Ranges of ``[start, end)`` with one level and one font, in logical order."""
        result: list[tuple[int, int]] = []
        begin = start
        for index in range(start + 1, end + 1):
            if index == end or self.levels[index] != self.levels[begin] or self.fonts[index] != self.fonts[begin]:
                result.append((begin, index))
                begin = index
        return result

    def width(self, start: int, end: int, size: float) -> float:
        """The shaped width of ``[start, end)`` in points."""
        return sum(
            shape_run(self.text[a:b], self.fonts[a], self.levels[a] % 2 == 1)[1] for a, b in self.pieces(start, end)
        ) * (size / 1000.0)

    def line(self, start: int, end: int, size: float) -> Line:
        """Lay out ``[start, end)`` as one line: runs shaped and placed in visual order."""
        pieces = self.pieces(start, end)
        order = visual_order([self.levels[a] for a, _ in pieces])
        runs: list[Run] = []
        x = 0.0
        for index in order:
            a, b = pieces[index]
            rtl = self.levels[a] % 2 == 1
            glyphs, units = shape_run(self.text[a:b], self.fonts[a], rtl)
            width = units * size / 1000.0
            runs.append(Run(x, width, self.fonts[a], rtl, self.text[a:b], glyphs))
            x += width
        return Line(tuple(runs), x, self.text[start:end], self.rtl)


def _clean(text: str) -> str:
    """Tabs and other separators become spaces; invisible embedding controls and other control chars go."""
    out: list[str] = []
    for char in text.replace("\r\n", "\n"):
        kind = unicodedata.bidirectional(char)
        if char == "\n":
            out.append(char)
        elif kind in _DROPPED_TYPES:
            continue
        elif kind in ("S", "WS") or char == "\u00a0":
            out.append(" " if kind == "S" or char in "\t\u000b\u000c" else char)
        elif kind == "B":
            out.append("\n")
        elif unicodedata.category(char) == "Cc":
            continue
        else:
            out.append(char)
    return "".join(out)


def _paragraphs(content: str | Sequence[tuple[str, bool]], style: TextStyle) -> list[_Paragraph]:
    spans = [(content, style.bold)] if isinstance(content, str) else list(content)
    text = ""
    bold: list[bool] = []
    for piece, heavy in spans:
        cleaned = _clean(piece)
        text += cleaned
        bold.extend([heavy] * len(cleaned))
    paragraphs: list[_Paragraph] = []
    offset = 0
    for part in text.split("\n"):
        flags = bold[offset : offset + len(part)]
        offset += len(part) + 1
        if style.direction == "auto":
            rtl = auto_direction(part, style.fallback == "rtl")
        else:
            rtl = style.direction == "rtl"
        paragraph = _Paragraph(part, flags, rtl)
        paragraph.levels = embedding_levels(part, rtl)
        paragraph.fonts = _fonts(part, paragraph.levels, flags)
        paragraphs.append(paragraph)
    return paragraphs


def _words(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every space-separated word."""
    words: list[tuple[int, int]] = []
    start: int | None = None
    for index, char in enumerate(text):
        if char == " ":
            if start is not None:
                words.append((start, index))
                start = None
        elif start is None:
            start = index
    if start is not None:
        words.append((start, len(text)))
    return words


def _split_long_word(paragraph: _Paragraph, start: int, end: int, width: float, size: float) -> list[tuple[int, int]]:
    """Cut a word wider than the line into pieces that fit (never before a combining mark)."""
    pieces: list[tuple[int, int]] = []
    begin = start
    while begin < end:
        cut = begin + 1
        while cut < end and paragraph.width(begin, cut + 1, size) <= width:
            cut += 1
        while cut < end and unicodedata.category(paragraph.text[cut]) in ("Mn", "Me", "Cf"):
            cut += 1
        pieces.append((begin, cut))
        begin = cut
    return pieces


def layout_lines(
    content: str | Sequence[tuple[str, bool]],
    style: TextStyle,
    width: float,
    *,
    prepared: Sequence[_Paragraph] | None = None,
) -> list[tuple[Line, float]]:
    """Wrap text to ``width`` points: every line with its left offset (from the alignment), in reading order.

    ``content`` is plain text (newlines start new paragraphs) or ``(text, bold)`` spans. ``prepared`` may hold
    its paragraphs with levels and fonts already resolved (they do not depend on the width).
    """
    result: list[tuple[Line, float]] = []
    for paragraph in prepared if prepared is not None else _paragraphs(content, style):
        size = style.size
        words = _words(paragraph.text)
        if not words:
            result.append((Line((), 0.0, "", paragraph.rtl), 0.0))
            continue
        lines: list[tuple[int, int]] = []
        line_start: int | None = None
        line_end = 0
        line_width = 0.0
        queue = list(words)
        while queue:
            start, end = queue.pop(0)
            word_width = paragraph.width(start, end, size)
            if line_start is None:
                if word_width > width and end - start > 1:
                    parts = _split_long_word(paragraph, start, end, width, size)
                    queue[0:0] = parts[1:]
                    start, end = parts[0]
                    word_width = paragraph.width(start, end, size)
                line_start, line_end, line_width = start, end, word_width
                continue
            space = paragraph.width(line_end, start, size)
            if line_width + space + word_width <= width + 0.01:
                line_end = end
                line_width += space + word_width
            else:
                lines.append((line_start, line_end))
                line_start = None
                queue.insert(0, (start, end))
        if line_start is not None:
            lines.append((line_start, line_end))
        for start, end in lines:
            line = paragraph.line(start, end, size)
            result.append((line, _offset(line, style, width)))
    return result


def _offset(line: Line, style: TextStyle, width: float) -> float:
    align = style.align
    if align == "start":
        align = "right" if line.rtl else "left"
    elif align == "end":
        align = "left" if line.rtl else "right"
    if align == "right":
        return width - line.width
    if align == "center":
        return (width - line.width) / 2
    return 0.0


# --- the flowable ----------------------------------------------------------------------------------------------


def draw_line(canvas: Any, line: Line, x: float, baseline: float, style: TextStyle) -> None:
    """Draw one laid-out line with its left edge at ``x`` on the baseline ``baseline``."""
    if not line.runs:
        return
    text_object = canvas.beginText()
    text_object.setFillColor(style.color)
    for run in line.runs:
        text_object.setTextOrigin(x + run.x, baseline)
        text_object.setFont(run.font, style.size)
        text_object.textOut(run.glyphs)
    canvas.drawText(text_object)


class BidiParagraph(Flowable):
    """A paragraph of English, Urdu or mixed text: wrapped, ordered, shaped; splits across pages by line.

    ``content`` is plain text (a newline starts a new paragraph) or a sequence of ``(text, bold)`` spans. Nothing in
    the text is interpreted as markup.
    """

    def __init__(
        self,
        content: str | Sequence[tuple[str, bool]],
        style: TextStyle | None = None,
        *,
        _lines: Sequence[tuple[Line, float]] | None = None,
        _width: float | None = None,
    ) -> None:
        super().__init__()
        self.content = content
        self.style = style or TextStyle()
        self.spaceBefore = self.style.space_before
        self.spaceAfter = self.style.space_after
        self.arabic = any(_is_arabic_script(char) for char in self.plain_text)
        self._lines: list[tuple[Line, float]] | None = list(_lines) if _lines is not None else None
        self._prepared: list[_Paragraph] | None = None
        self._laid_width = _width
        self._fixed = _lines is not None

    @property
    def plain_text(self) -> str:
        """The paragraph's text without styling."""
        if isinstance(self.content, str):
            return self.content
        return "".join(text for text, _ in self.content)

    @property
    def line_height(self) -> float:
        """Distance between baselines."""
        return self.style.line_height(self.arabic)

    def _paragraphs(self) -> list[_Paragraph]:
        if self._prepared is None:
            self._prepared = _paragraphs(self.content, self.style)
        return self._prepared

    def lines(self, width: float) -> list[tuple[Line, float]]:
        """The laid-out lines for this width (cached for the last width asked)."""
        if self._fixed and self._lines is not None:
            return self._lines
        if self._lines is None or self._laid_width != width:
            self._lines = layout_lines(self.content, self.style, width, prepared=self._paragraphs())
            self._laid_width = width
        return self._lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab API)
        """Lay out for the available width; the height of all lines."""
        width = self._laid_width if self._fixed and self._laid_width is not None else availWidth
        self.width = width
        self.height = len(self.lines(width)) * self.line_height
        return width, self.height

    def minWidth(self) -> float:  # noqa: N802 (reportlab API)
        """The widest word (what a table needs at least)."""
        return max(
            (
                paragraph.width(start, end, self.style.size)
                for paragraph in self._paragraphs()
                for start, end in _words(paragraph.text)
            ),
            default=0.0,
        )

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 (reportlab API)
        """Split between lines so that the first part fits ``availHeight``."""
        lines = self.lines(availWidth)
        fits = int((availHeight + 0.001) // self.line_height)
        if fits <= 0:
            return []
        if fits >= len(lines):
            return [self]
        return [
            BidiParagraph(self.content, self.style.but(space_after=0.0), _lines=lines[:fits], _width=availWidth),
            BidiParagraph(self.content, self.style.but(space_before=0.0), _lines=lines[fits:], _width=availWidth),
        ]

    def draw(self) -> None:
        """Draw the lines from the top down."""
        width = self._laid_width if self._laid_width is not None else self.width
        line_height = self.line_height
        baseline = self.style.baseline(self.arabic)
        lines = self.lines(width)
        top = len(lines) * line_height
        for index, (line, offset) in enumerate(lines):
            draw_line(self.canv, line, offset, top - (index + 1) * line_height + baseline, self.style)


def join_lines(lines: Iterable[tuple[Line, float]]) -> str:
    """The logical text of laid-out lines, one per line (for tests and debugging)."""
    return "\n".join(line.text for line, _ in lines)
