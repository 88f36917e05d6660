"""The bundled fonts of printed documents, registered with reportlab once.

Noto Sans carries Latin text, digits and punctuation; Noto Naskh Arabic carries Urdu. Naskh has no Latin letters,
so :mod:`copdesk.documents.text` chooses the font character by character (see :func:`font_for`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from copdesk.paths import resource_path

__all__ = [
    "LATIN",
    "LATIN_BOLD",
    "NASKH",
    "NASKH_BOLD",
    "FontPair",
    "covers",
    "font_pair",
    "register_fonts",
    "remember_glyph_text",
]

LATIN = "CopdeskSans"
LATIN_BOLD = "CopdeskSans-Bold"
NASKH = "CopdeskNaskh"
NASKH_BOLD = "CopdeskNaskh-Bold"

_FILES = {
    LATIN: "fonts/NotoSans-Regular.ttf",
    LATIN_BOLD: "fonts/NotoSans-Bold.ttf",
    NASKH: "fonts/NotoNaskhArabic-Regular.ttf",
    NASKH_BOLD: "fonts/NotoNaskhArabic-Bold.ttf",
}
_lock = threading.Lock()
_registered = False
#: Text of glyphs that have no character of their own (ligatures, contextual forms), by (font face, code).
_GLYPH_TEXT: dict[tuple[str, int], str] = {}


@dataclass(frozen=True)
class FontPair:
    """The Latin and the Arabic-script font of one weight."""

    latin: str
    naskh: str


def register_fonts() -> None:
    """Register the bundled fonts with reportlab (once per process; later calls return at once)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, relative in _FILES.items():
            path = resource_path(relative)
            if not path.is_file():
                raise FileNotFoundError(f"The font file {path} is missing; reinstall copdesk.")
            pdfmetrics.registerFont(TTFont(name, str(path), shapable=True))
        _install_glyph_text_cmap()
        addMapping(LATIN, 0, 0, LATIN)
        addMapping(LATIN, 1, 0, LATIN_BOLD)
        addMapping(LATIN, 0, 1, LATIN)
        addMapping(LATIN, 1, 1, LATIN_BOLD)
        _registered = True


def font_pair(bold: bool) -> FontPair:
    """The fonts for regular or bold text."""
    register_fonts()
    return FontPair(LATIN_BOLD, NASKH_BOLD) if bold else FontPair(LATIN, NASKH)


@cache
def _cmap(font_name: str) -> frozenset[int]:
    register_fonts()
    font = pdfmetrics.getFont(font_name)
    return frozenset(font.face.charToGlyph)  # type: ignore[attr-defined]


def covers(font_name: str, char: str) -> bool:
    """True when ``font_name`` has a glyph for ``char``."""
    return ord(char) in _cmap(font_name)


def remember_glyph_text(font_name: str, code: int, text: str) -> None:
    """Say which text a private-use code (a glyph HarfBuzz chose that has no character) stands for.

    reportlab gives such glyphs private-use codes; without this, copying or extracting the text of a PDF gives
    those codes instead of, say, the two letters of the lam-alef ligature.
    """
    register_fonts()
    face = pdfmetrics.getFont(font_name).face  # type: ignore[attr-defined]
    _GLYPH_TEXT.setdefault((face.name.decode("latin-1"), code), text)


def _install_glyph_text_cmap() -> None:
    """Make reportlab's ToUnicode maps carry the remembered text of private-use glyphs (once)."""
    original = ttfonts.makeToUnicodeCMap
    if getattr(original, "copdesk", False):
        return

    def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
        face = fontname.partition("+")[2]
        cmap = original(fontname, subset)
        for index, code in enumerate(subset):
            text = _GLYPH_TEXT.get((face, code))
            if text:
                utf16 = text.encode("utf-16-be").hex().upper()
                cmap = cmap.replace(f"<{index:02X}> <{code:04X}>", f"<{index:02X}> <{utf16}>", 1)
        return cmap

    make_to_unicode_cmap.copdesk = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap
