from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copdesk.domain.text import fts_match_expression, normalise_for_search, search_terms

# --- normalise_for_search -------------------------------------------------------------------------------


def test_latin_is_casefolded_and_whitespace_collapsed() -> None:
    assert normalise_for_search("  Muhammad   ALI\tKhan\n") == "muhammad ali khan"
    assert normalise_for_search("STRASSE") == normalise_for_search("Straße")
    assert normalise_for_search("") == ""
    assert normalise_for_search(" \t\n ") == ""


def test_nfkc_folds_full_width_and_presentation_forms() -> None:
    assert normalise_for_search("ＡＬＩ") == "ali"
    # "محمد" written with Arabic presentation forms (as some PDFs and old converters produce it)
    assert normalise_for_search("\ufee3\ufea4\ufee4\ufeaa") == "محمد"
    # lam-alef ligature
    assert normalise_for_search("\ufefb") == "لا"


def test_arabic_yeh_and_kaf_match_urdu_letters() -> None:
    # كراچي typed on an Arabic keyboard = کراچی typed on an Urdu keyboard
    assert normalise_for_search("كراچي") == normalise_for_search("کراچی") == "کراچی"
    assert normalise_for_search("علي") == normalise_for_search("علی")
    assert normalise_for_search("مصطفى") == normalise_for_search("مصطفی")
    assert normalise_for_search("كوٹلي") == normalise_for_search("کوٹلی")


def test_bari_ye_folds_into_choti_ye() -> None:
    assert normalise_for_search("گانچھے") == normalise_for_search("گانچھی")
    assert normalise_for_search("ۓ") == "ی"
    assert normalise_for_search("ئ") == "ی"


def test_heh_variants_fold_to_gol_heh_but_do_chashmi_stays() -> None:
    assert normalise_for_search("لاهور") == normalise_for_search("لاہور")
    assert normalise_for_search("فاطمة") == normalise_for_search("فاطمہ")
    assert normalise_for_search("ە") == "ہ"
    assert normalise_for_search("ۂ") == "ہ"
    # do-chashmi heh marks aspirates and is kept: جھنگ is not جہنگ
    assert "\u06be" in normalise_for_search("جھنگ")
    assert normalise_for_search("جھنگ") != normalise_for_search("جہنگ")


def test_alef_and_waw_variants() -> None:
    assert normalise_for_search("آباد") == "اباد"
    assert normalise_for_search("أحمد") == normalise_for_search("احمد")
    assert normalise_for_search("إسلام") == normalise_for_search("اسلام")
    assert normalise_for_search("ٱ") == "ا"
    assert normalise_for_search("مؤمن") == normalise_for_search("مومن")


def test_diacritics_tatweel_and_invisible_characters_removed() -> None:
    assert normalise_for_search("مُحَمَّد") == "محمد"
    assert normalise_for_search("موسیٰ") == "موسی"
    assert normalise_for_search("محـــمد") == "محمد"
    assert normalise_for_search("مح\u200cمد") == "محمد"
    assert normalise_for_search("\u200fعلی\u200e") == "علی"
    assert normalise_for_search("علی\u061c") == "علی"
    assert normalise_for_search("قرآن\u06d6") == "قران"
    assert normalise_for_search("a\x00b") == "a b"


def test_digits_become_ascii() -> None:
    assert normalise_for_search("۳۵۲۰۲-۱۲۳۴۵۶۷-۱") == "35202-1234567-1"
    assert normalise_for_search("٣٥٢٠٢") == "35202"
    assert normalise_for_search("ایف آئی آر ۱۲۳") == "ایف ایی ار 123"


def test_same_name_written_many_ways_normalises_once() -> None:
    spellings = ["محمد علی", "مُحمّد علي", "ﻣﺤﻤﺪ  علی", "محمد\u200c علی", "محـمد علی"]
    assert {normalise_for_search(s) for s in spellings} == {"محمد علی"}


@given(st.text())
def test_normalise_for_search_is_idempotent(text: str) -> None:
    once = normalise_for_search(text)
    assert normalise_for_search(once) == once


@given(st.text())
def test_normalised_text_has_no_stray_whitespace(text: str) -> None:
    result = normalise_for_search(text)
    assert result == result.strip()
    assert "  " not in result
    assert "\x00" not in result


_URDU_ALPHABET = st.sampled_from(
    list("ابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھءیےيكةهىئأإآؤ۰۱۲۳۴۵۶۷۸۹") + ["\u064e", "\u0650", "\u0651", "\u0640"]
)


@given(st.lists(_URDU_ALPHABET, max_size=30).map("".join))
def test_urdu_output_contains_no_folded_code_points(text: str) -> None:
    result = normalise_for_search(text)
    assert normalise_for_search(result) == result
    for forbidden in "يكةهىئأإآؤےٱ\u064e\u0650\u0651\u0640۰۱۲۳۴۵۶۷۸۹":
        assert forbidden not in result


# --- search_terms / fts_match_expression ----------------------------------------------------------------


def test_search_terms() -> None:
    assert search_terms("  Ali  KHAN ") == ["ali", "khan"]
    assert search_terms("محمد علي") == ["محمد", "علی"]
    assert search_terms("") == []
    assert search_terms("\u200b \t") == []


def test_fts_match_expression_quotes_every_term() -> None:
    assert fts_match_expression("Ali Khan") == '"ali"* "khan"*'
    assert fts_match_expression('say "hi"') == '"say"* """hi"""*'
    assert fts_match_expression("a OR b") == '"a"* "or"* "b"*'
    assert fts_match_expression("NEAR(a b) x:y ^z -w *") == '"near(a"* "b)"* "x:y"* "^z"* "-w"* "*"*'
    assert fts_match_expression("كراچي") == '"کراچی"*'


@pytest.mark.parametrize("query", ["", "   ", "\u200b", "\u0640", "\u064e"])
def test_fts_match_expression_none_for_empty_query(query: str) -> None:
    assert fts_match_expression(query) is None


@pytest.fixture(scope="module")
def fts() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    rows = [
        "Muhammad Ali Khan",
        "محمد علی کراچی",
        "35202-1234567-1",
        "شکایت لاہور پولیس",
        "O'Brien",
    ]
    connection.executemany("INSERT INTO t(x) VALUES (?)", [(normalise_for_search(r),) for r in rows])
    yield connection
    connection.close()


def _search(connection: sqlite3.Connection, query: str) -> list[str]:
    expression = fts_match_expression(query)
    if expression is None:
        return []
    return [row[0] for row in connection.execute("SELECT x FROM t WHERE t MATCH ? ORDER BY rowid", (expression,))]


def test_fts_search_finds_rows_across_spellings(fts: sqlite3.Connection) -> None:
    assert _search(fts, "ali") == ["muhammad ali khan"]
    assert _search(fts, "MUHAM kha") == ["muhammad ali khan"]
    assert _search(fts, "علي كراچي") == ["محمد علی کراچی"]  # Arabic yeh/kaf find Urdu text
    assert _search(fts, "مُحَمَّد") == ["محمد علی کراچی"]  # diacritics ignored
    assert _search(fts, "لاهور") == ["شکایت لاہور پولیس"]  # Arabic heh finds gol-heh
    assert _search(fts, "۳۵۲۰۲-۱۲۳") == ["35202-1234567-1"]  # Urdu digits, prefix of a CNIC
    assert _search(fts, "o'bri") == ["o'brien"]
    assert _search(fts, "ali karachi") == []
    assert _search(fts, '"') == []
    assert _search(fts, "ali -") == ["muhammad ali khan"]


@settings(max_examples=300)
@given(st.text())
def test_fts_match_expression_never_breaks_fts5(fts: sqlite3.Connection, text: str) -> None:
    expression = fts_match_expression(text)
    if expression is None:
        assert search_terms(text) == []
        return
    fts.execute("SELECT * FROM t WHERE t MATCH ?", (expression,)).fetchall()


_FTS_SYNTAX = st.sampled_from(
    [
        '"',
        "'",
        "*",
        "^",
        ":",
        "(",
        ")",
        "-",
        "+",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "NEAR(",
        "x:",
        "{",
        "}",
        ",",
        " ",
        "\x00",
    ]
)


@settings(max_examples=300)
@given(st.lists(st.one_of(_FTS_SYNTAX, st.text(max_size=3)), max_size=12).map("".join))
def test_fts_match_expression_survives_fts5_syntax(fts: sqlite3.Connection, text: str) -> None:
    expression = fts_match_expression(text)
    if expression is not None:
        fts.execute("SELECT * FROM t WHERE t MATCH ?", (expression,)).fetchall()
