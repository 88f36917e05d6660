"""Search text normalisation for English and Urdu (SQLite FTS5 and LIKE).

The same function is applied when a row is indexed and when a query is typed, so both sides meet in one
folded form. Urdu text reaches the app typed on Urdu keyboards, on Arabic keyboards and pasted from the web
or from InPage conversions, so the same word arrives with different code points. The folding below is lossy
on purpose; it is only ever used for matching, never for display.

Decisions:

* NFKC first: folds Arabic presentation forms (U+FB50..U+FEFF), full-width Latin and ligatures.
* Latin is casefolded.
* Yeh: Arabic yeh ي, alef maksura ى, yeh with hamza ئ and also bari-ye ے / ۓ all fold to Urdu choti-ye ی.
  Bari-ye is a separate letter in writing, but which of the two a clerk types at the end of a word
  (نے / نی, والے / والی) is inconsistent, and names are often transliterated either way, so search folds them.
* Kaf: Arabic ك → Urdu ک.
* Heh: Arabic ه, teh marbuta ة, Kurdish ae ە, heh-goal with hamza ۂ and heh with yeh ۀ → Urdu gol-heh ہ.
  Do-chashmi heh ھ stays distinct because it marks aspirates (بھ, پھ, جھ ...) and folding it would merge
  different words.
* Alef: أ إ آ ٱ → ا; waw with hamza ؤ → و.
* Removed: harakat and Quranic marks (U+064B..U+065F, U+0670, U+06D6..U+06ED), tatweel U+0640, and every
  format character (zero-width space/joiners, bidi marks U+200B..U+200F, U+061C, U+202A..U+202E, BOM ...).
* Digits: Arabic-Indic and Urdu (Extended Arabic-Indic) digits → ASCII.
* Control characters become spaces; whitespace runs collapse to one space; ends are trimmed.
"""

from __future__ import annotations

import unicodedata

__all__ = ["fts_match_expression", "normalise_for_search", "search_terms"]

_YEH = "\u06cc"  # ی
_KAF = "\u06a9"  # ک
_HEH = "\u06c1"  # ہ
_ALEF = "\u0627"  # ا
_WAW = "\u0648"  # و

_FOLD: dict[int, str | None] = {
    0x064A: _YEH,  # ي Arabic yeh
    0x0649: _YEH,  # ى alef maksura
    0x0626: _YEH,  # ئ yeh with hamza above
    0x06D2: _YEH,  # ے bari-ye
    0x06D3: _YEH,  # ۓ bari-ye with hamza above
    0x06CD: _YEH,  # ۍ yeh with tail (Pashto)
    0x06D0: _YEH,  # ې yeh (Pashto/Uyghur)
    0x0643: _KAF,  # ك Arabic kaf
    0x0647: _HEH,  # ه Arabic heh
    0x0629: _HEH,  # ة teh marbuta
    0x06D5: _HEH,  # ە ae
    0x06C2: _HEH,  # ۂ heh goal with hamza above
    0x06C0: _HEH,  # ۀ heh with yeh above
    0x0623: _ALEF,  # أ
    0x0625: _ALEF,  # إ
    0x0622: _ALEF,  # آ
    0x0671: _ALEF,  # ٱ alef wasla
    0x0672: _ALEF,  # ٲ
    0x0673: _ALEF,  # ٳ
    0x0624: _WAW,  # ؤ
    0x0640: None,  # tatweel
    0x0670: None,  # superscript alef
}
for _cp in range(0x064B, 0x0660):  # harakat, hamza above/below, other combining marks
    _FOLD[_cp] = None
for _cp in range(0x06D6, 0x06EE):  # Quranic annotation marks
    _FOLD[_cp] = None
for _i in range(10):
    _FOLD[0x0660 + _i] = str(_i)  # Arabic-Indic digits
    _FOLD[0x06F0 + _i] = str(_i)  # Extended Arabic-Indic (Urdu) digits


def _strip_controls(text: str) -> str:
    """Drop format/surrogate characters and turn control characters into spaces."""
    out: list[str] = []
    for ch in text:
        if ch.isascii() and ch.isprintable():
            out.append(ch)
            continue
        category = unicodedata.category(ch)
        if category in ("Cf", "Cs"):
            continue
        out.append(" " if category == "Cc" else ch)
    return "".join(out)


def normalise_for_search(text: str) -> str:
    """Fold `text` for matching: NFKC, casefold, Urdu/Arabic letter variants, no diacritics, ASCII digits.

    Idempotent: `normalise_for_search(normalise_for_search(s)) == normalise_for_search(s)`.
    """
    folded = unicodedata.normalize("NFKC", text)
    folded = unicodedata.normalize("NFKC", folded.casefold())
    folded = _strip_controls(folded).translate(_FOLD)
    # Removing a mark can leave a sequence NFKC would still change; settle it (converges in practice).
    for _ in range(3):
        again = _strip_controls(unicodedata.normalize("NFKC", folded).casefold()).translate(_FOLD)
        if again == folded:
            break
        folded = again
    return " ".join(folded.split())


def search_terms(query: str) -> list[str]:
    """Split a user's query into normalised words (empty list for a blank query)."""
    return normalise_for_search(query).split()


def fts_match_expression(query: str) -> str | None:
    """Build a safe SQLite FTS5 MATCH expression from any user input; None when there is nothing to find.

    Every word becomes a quoted prefix phrase (`"word"*`) and the words are ANDed, so a row matches when it
    has a word starting with each query word. Quotes in the input are doubled, so no input can be read as
    FTS5 syntax (AND, OR, NEAR, column filters, parentheses ...).
    """
    terms = search_terms(query)
    if not terms:
        return None
    return " ".join('"' + term.replace("\x00", "").replace('"', '""') + '"*' for term in terms)
