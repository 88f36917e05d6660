"""The bidi paragraph helper: levels, visual order, fonts per character, shaping, wrapping, splitting."""

from __future__ import annotations

import bidi.algorithm as reference
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copdesk.documents.fonts import LATIN, LATIN_BOLD, NASKH, NASKH_BOLD, covers
from copdesk.documents.text import (
    LRM,
    BidiParagraph,
    TextStyle,
    auto_direction,
    embed,
    embedding_levels,
    layout_lines,
    ltr,
    shape_run,
    visual_order,
)

AUTO = TextStyle(size=10, direction="auto")
RTL = TextStyle(size=10, direction="rtl")
URDU_SENTENCE = (
    "اجلاس میں SHO نے بتایا کہ محلہ (گلی نمبر 12) میں 3 چوریاں ہوئیں۔ کمیٹی نے فیصلہ کیا کہ Theekri Pehra شروع کیا"
    " جائے اور رپورٹ اگلے اجلاس تک جمع کرائی جائے۔"
)


def one_line(text: str, style: TextStyle = AUTO) -> tuple[str, ...]:
    lines = layout_lines(text, style, 10_000)
    assert len(lines) == 1
    return lines[0][0].visual_text


# --- levels and order ----------------------------------------------------------------------------------------


def test_levels_of_a_mixed_line_follow_the_unicode_rules() -> None:
    text = "abc ابت (12) x"  # both brackets go with the Urdu before them (rule N0, paired brackets)
    assert embedding_levels(text, base_rtl=False) == [0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 1, 0, 0]
    assert embedding_levels("12 abc", base_rtl=True) == [2, 2, 1, 2, 2, 2]
    assert embedding_levels("ab (cd) ef", base_rtl=True) == [2, 2, 2, 2, 2, 2, 2, 2, 2, 2]
    assert embedding_levels("اب (cd) جد", base_rtl=True) == [1, 1, 1, 1, 2, 2, 1, 1, 1, 1]
    assert embedding_levels("اب [c (d]) جد", base_rtl=False)[3] == embedding_levels("اب [c (d]) جد", False)[8]


def test_left_to_right_text_without_urdu_is_all_on_level_zero() -> None:
    assert embedding_levels("Report 12/2026 (draft)", base_rtl=False) == [0] * 22


def test_zero_width_non_joiner_keeps_the_level_of_its_word() -> None:
    text = "abc نہ\u200cیں"
    levels = embedding_levels(text, base_rtl=False)
    assert levels[6] == 1 and len(levels) == len(text)


def test_visual_order_reverses_runs_at_odd_levels_and_numbers_inside_them() -> None:
    assert visual_order([0, 0, 0]) == [0, 1, 2]
    assert visual_order([1, 1, 1]) == [2, 1, 0]
    assert visual_order([1, 2, 2, 1]) == [3, 1, 2, 0]
    assert visual_order([0, 1, 1, 0, 2]) == [0, 2, 1, 3, 4]
    assert visual_order([]) == []


_ALPHABET = st.sampled_from(list("abcXY") + list("ابتثجپٹ") + list("0123") + [" ", ",", ".", "-", ":"])


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, min_size=1, max_size=40), st.sampled_from(["L", "R"]))
def test_levels_and_visual_order_agree_with_python_bidi(text: str, base: str) -> None:
    text = text.strip()
    if not text:
        return
    levels = embedding_levels(text, base_rtl=base == "R")
    mine = "".join(text[index] for index in visual_order(levels))
    assert mine == reference.get_display(text, base_dir=base)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=5), max_size=30))
def test_visual_order_is_a_permutation(levels: list[int]) -> None:
    assert sorted(visual_order(levels)) == list(range(len(levels)))


def test_auto_direction_goes_by_the_majority_of_letters() -> None:
    assert auto_direction("SHO نے بتایا کہ") is True  # an Urdu sentence that starts with an English word
    assert auto_direction("The SHO (تھانہ) said") is False
    assert auto_direction("12-03-2026") is False
    assert auto_direction("12-03-2026", fallback_rtl=True) is True
    assert auto_direction("ab اب") is False  # a tie goes by the first letter
    assert auto_direction(f"{LRM}اب{LRM}") is True  # marks are not letters


# --- runs: order, fonts, shaping -----------------------------------------------------------------------------


def test_a_mixed_urdu_line_is_laid_out_right_to_left_with_english_and_numbers_left_to_right() -> None:
    runs = one_line("اجلاس میں SHO نے 3 چوریاں (گلی 12) بتائیں")
    assert runs == (" بتائیں", ")", "12", "گلی ", "(", " چوریاں ", "3", " نے ", "SHO", "اجلاس میں ")


def test_urdu_inside_an_english_line_keeps_the_english_order() -> None:
    assert one_line("The SHO (تھانہ سٹی) said 12 times") == ("The SHO (", "تھانہ سٹی", ") said 12 times")


def test_each_run_has_the_font_of_its_script() -> None:
    line = layout_lines("اجلاس میں SHO نے (12)", AUTO, 10_000)[0][0]
    fonts = {run.text: run.font for run in line.runs}
    assert fonts["اجلاس میں "] == NASKH
    assert fonts["SHO"] == LATIN
    assert fonts["12"] == LATIN
    assert fonts["("] == LATIN  # Naskh has no brackets: the Latin font steps in
    assert not covers(NASKH, "(") and not covers(NASKH, "A")
    bold = layout_lines([("نام: ", True), ("Ali", False)], AUTO, 10_000)[0][0]
    assert {run.font for run in bold.runs} == {NASKH_BOLD, LATIN}
    assert {run.font for run in layout_lines("Name ali", AUTO.but(bold=True), 100)[0][0].runs} == {LATIN_BOLD}


def test_right_to_left_runs_are_marked_so_and_brackets_are_mirrored() -> None:
    line = layout_lines("گلی (نمبر)", RTL, 10_000)[0][0]
    assert [run.rtl for run in line.runs] == [True, True, True, True]
    opening = next(run for run in line.runs if run.text == "(")
    closing = next(run for run in line.runs if run.text == ")")
    assert opening.x > closing.x  # in right-to-left text the opening bracket stands at the right
    assert str(opening.glyphs) == ")"  # ...drawn with the mirrored glyph


def test_shaping_joins_urdu_letters() -> None:
    glyphs, width = shape_run("اجلاس", NASKH, True)
    assert width > 0
    assert str(glyphs) != "اجلاس"  # contextual forms and the lam-alef ligature replace the plain letters
    plain, _ = shape_run("abc", LATIN, False)
    assert str(plain) == "abc"


def test_a_phone_number_after_urdu_is_kept_left_to_right_only_with_ltr() -> None:
    assert one_line("فون 046-7974511 پر", RTL) == (" پر", "7974511", "-", "046", "فون ")  # what the rules say
    assert one_line(f"فون {ltr('046-7974511')} پر", RTL) == (" پر", f"{LRM}046-7974511{LRM}", "فون ")
    assert ltr("") == ""


def test_embedded_user_text_keeps_the_surrounding_punctuation_on_the_wording_side() -> None:
    runs = one_line(f"کارروائی اجلاس، {embed('Islahi Committee 4', True)}، 3 ستمبر 2026", RTL)
    assert runs.index("2026") < runs.index("3") < runs.index("Islahi Committee 4")
    assert embed("", True) == ""


# --- wrapping and paragraphs ---------------------------------------------------------------------------------


def test_wrapping_urdu_keeps_the_words_in_reading_order_and_lines_within_the_width() -> None:
    width = 160.0
    lines = layout_lines(URDU_SENTENCE, AUTO, width)
    assert len(lines) > 3
    assert " ".join(line.text for line, _ in lines).split() == URDU_SENTENCE.split()
    for line, offset in lines:
        assert line.width <= width + 0.01
        assert offset == pytest.approx(width - line.width)  # right-aligned: Urdu starts at the right edge
        assert line.rtl
    first = lines[0][0]
    assert first.text.startswith("اجلاس میں")
    assert first.runs[-1].text.startswith("اجلاس")  # the first word is the rightmost run


def test_english_wraps_left_aligned_and_newlines_start_paragraphs() -> None:
    width = layout_lines("one two three", TextStyle(size=10), 1_000)[0][0].width + 1
    lines = layout_lines("one two three four five six\nseven", TextStyle(size=10), width)
    assert [line.text for line, _ in lines][-1] == "seven"
    assert all(offset == 0 for _, offset in lines)
    assert lines[0][0].text == "one two three"


def test_alignment_center_and_end() -> None:
    (line, offset), *_ = layout_lines("abc", TextStyle(size=10, align="center"), 100)
    assert offset == pytest.approx((100 - line.width) / 2)
    (line, offset), *_ = layout_lines("abc", TextStyle(size=10, align="end"), 100)
    assert offset == pytest.approx(100 - line.width)


def test_a_word_longer_than_the_line_is_cut() -> None:
    lines = layout_lines("x" * 200, TextStyle(size=10), 50)
    assert len(lines) > 3
    assert "".join(line.text for line, _ in lines) == "x" * 200
    assert all(line.width <= 50.01 for line, _ in lines)


def test_markup_is_text_not_formatting() -> None:
    text = "<b>Ali</b> & <font color='red'>Sons</font> <para>x</para>"
    paragraph = BidiParagraph(text, TextStyle(size=10))
    paragraph.wrap(10_000, 1_000)
    assert paragraph.lines(10_000)[0][0].text == text
    spans = BidiParagraph([("<i>", True), (" & ", False)], TextStyle(size=10))
    assert spans.plain_text == "<i> & "


def test_control_characters_are_dropped_and_tabs_become_spaces() -> None:
    lines = layout_lines("a\tb\x00c\u202bd", TextStyle(size=10), 1_000)
    assert lines[0][0].text == "a bcd"
    assert [line.text for line, _ in layout_lines("one\r\ntwo\rthree", TextStyle(size=10), 1_000)] == [
        "one",
        "two",
        "three",
    ]


def test_a_paragraph_splits_between_lines() -> None:
    paragraph = BidiParagraph(URDU_SENTENCE, AUTO)
    _width, height = paragraph.wrap(160, 10_000)
    total = len(paragraph.lines(160))
    assert height == pytest.approx(total * paragraph.line_height)
    first, second = paragraph.split(160, paragraph.line_height * 2 + 1)
    assert isinstance(first, BidiParagraph) and isinstance(second, BidiParagraph)
    assert len(first.lines(160)) == 2 and len(second.lines(160)) == total - 2
    assert paragraph.split(160, paragraph.line_height / 2) == []
    assert paragraph.split(160, height + 10) == [paragraph]


def test_urdu_lines_are_taller_than_english_ones_and_min_width_is_the_widest_word() -> None:
    assert BidiParagraph("اجلاس", AUTO).line_height > BidiParagraph("meeting", AUTO).line_height
    paragraph = BidiParagraph("a extraordinarily b", TextStyle(size=10))
    widest = layout_lines("extraordinarily", TextStyle(size=10), 1_000)[0][0].width
    assert paragraph.minWidth() == pytest.approx(widest)
