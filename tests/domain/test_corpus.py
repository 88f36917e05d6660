"""The shipped demo corpus: sizes, Urdu script, placeholders, codes; and the typed loader."""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Any

import pytest

from copdesk.domain.corpus import (
    ComplaintCategory,
    LabelledCode,
    complaint_categories,
    load_corpus,
    member_categories,
    outreach_kinds,
    ranks,
)

MINIMUM_SIZES = {
    "male_given": 120,
    "female_given": 120,
    "family_names": 100,
    "mohallas": 80,
    "station_suffixes": 3,
    "complaint_categories": 11,
    "agenda_items": 30,
    "decisions": 30,
    "action_items": 30,
    "dispute_natures": 20,
    "minutes_openers": 10,
    "outreach_kinds": 9,
    "outreach_summaries": 20,
    "success_stories": 10,
    "training_topics": 15,
    "ranks": 9,
    "member_categories": 11,
}

CATEGORY_DUE_DAYS = {
    "theft": 30,
    "property_dispute": 45,
    "family_dispute": 30,
    "harassment": 15,
    "fraud": 30,
    "police_misconduct": 15,
    "traffic": 15,
    "noise_nuisance": 15,
    "missing_person": 7,
    "threats": 15,
    "other": 30,
}
OUTREACH_CODES = [
    "khuli_kachehri",
    "school_visit",
    "awareness_extremism",
    "awareness_drugs",
    "women_safety",
    "traffic_awareness",
    "community_meeting",
    "sports_event",
    "other",
]
RANK_CODES = ["constable", "head_constable", "asi", "si", "inspector", "dsp", "sp", "ssp", "dpo"]
MEMBER_CODES = [
    "elder",
    "ulema",
    "lawyer",
    "youth",
    "woman",
    "minority",
    "retired_officer",
    "trader",
    "teacher",
    "councillor",
    "other",
]
CODED_LISTS = ["complaint_categories", "outreach_kinds", "ranks", "member_categories"]
NAME_LISTS = ["male_given", "female_given", "family_names", "mohallas", "station_suffixes"]
ALLOWED_PLACEHOLDERS = {"place", "name", "committee"}

ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
LATIN_LETTER = re.compile(r"[A-Za-z]")


@pytest.fixture(scope="module")
def corpus() -> dict[str, Any]:
    return load_corpus()


def _strings(corpus: dict[str, Any]) -> Iterator[tuple[str, int, str, str]]:
    """Every (list key, index, field, text) for the human-readable `en`/`ur` fields."""
    for key, items in corpus.items():
        for index, item in enumerate(items):
            for field in ("en", "ur"):
                if field in item:
                    yield key, index, field, item[field]


def _literal_text(text: str) -> str:
    """`text` with its placeholders removed (raises ValueError on malformed braces)."""
    return "".join(literal for literal, _field, _spec, _conv in string.Formatter().parse(text))


def test_every_list_meets_its_minimum_size(corpus: dict[str, Any]) -> None:
    for key, minimum in MINIMUM_SIZES.items():
        assert len(corpus[key]) >= minimum, key


def test_complaint_texts_cover_every_category_with_enough_urdu(corpus: dict[str, Any]) -> None:
    texts = corpus["complaint_texts"]
    for code in CATEGORY_DUE_DAYS:
        assert sum(1 for t in texts if t["category"] == code) >= 8, code
    assert {t["category"] for t in texts} <= set(CATEGORY_DUE_DAYS)
    assert 3 * sum(1 for t in texts if "ur" in t) >= len(texts)


def test_outreach_summaries_use_known_kinds(corpus: dict[str, Any]) -> None:
    assert {s["kind"] for s in corpus["outreach_summaries"]} <= set(OUTREACH_CODES)


def test_every_item_has_english_and_where_required_urdu(corpus: dict[str, Any]) -> None:
    optional_urdu = {"complaint_texts", "outreach_summaries"}
    for key, items in corpus.items():
        for index, item in enumerate(items):
            assert isinstance(item.get("en"), str) and item["en"].strip() == item["en"] != "", (key, index)
            if key not in optional_urdu:
                assert isinstance(item.get("ur"), str) and item["ur"].strip() == item["ur"] != "", (key, index)


def test_urdu_strings_are_in_arabic_script(corpus: dict[str, Any]) -> None:
    for key, index, field, text in _strings(corpus):
        if field != "ur":
            continue
        literal = _literal_text(text)
        assert ARABIC_LETTER.search(literal), (key, index, text)
        assert not LATIN_LETTER.search(literal), (key, index, text)


def test_placeholders_are_well_formed_and_known(corpus: dict[str, Any]) -> None:
    for key, index, field, text in _strings(corpus):
        try:
            parsed = list(string.Formatter().parse(text))
        except ValueError as exc:  # unbalanced braces
            pytest.fail(f"{key}[{index}].{field}: {exc}: {text!r}")
        for _literal, name, spec, conversion in parsed:
            if name is None:
                continue
            assert name in ALLOWED_PLACEHOLDERS, (key, index, field, name)
            assert not spec and conversion is None, (key, index, field, text)


def test_translations_keep_the_same_placeholders(corpus: dict[str, Any]) -> None:
    def names(text: str) -> set[str]:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}

    for key, items in corpus.items():
        for index, item in enumerate(items):
            if "ur" in item:
                assert names(item["en"]) == names(item["ur"]), (key, index)


def test_minutes_openers_name_committee_and_place(corpus: dict[str, Any]) -> None:
    for opener in corpus["minutes_openers"]:
        for text in (opener["en"], opener["ur"]):
            assert "{committee}" in text and "{place}" in text, text


def test_codes_are_unique_and_exact(corpus: dict[str, Any]) -> None:
    for key in CODED_LISTS:
        codes = [item["code"] for item in corpus[key]]
        assert len(codes) == len(set(codes)), key
        assert all(re.fullmatch(r"[a-z][a-z_]*", code) for code in codes), key
    assert [c["code"] for c in corpus["complaint_categories"]] == list(CATEGORY_DUE_DAYS)
    assert [c["code"] for c in corpus["outreach_kinds"]] == OUTREACH_CODES
    assert [c["code"] for c in corpus["ranks"]] == RANK_CODES
    assert [c["code"] for c in corpus["member_categories"]] == MEMBER_CODES


def test_name_lists_have_no_duplicates(corpus: dict[str, Any]) -> None:
    for key in NAME_LISTS:
        english = [item["en"] for item in corpus[key]]
        assert len(english) == len(set(english)), key


def test_complaint_categories_are_typed_with_positive_due_days() -> None:
    categories = complaint_categories()
    assert list(categories) == list(CATEGORY_DUE_DAYS)
    for code, category in categories.items():
        assert isinstance(category, ComplaintCategory)
        assert category.code == code
        assert isinstance(category.due_days, int) and category.due_days > 0
        assert category.due_days == CATEGORY_DUE_DAYS[code]
    assert categories["missing_person"].name_en == "Missing person"


def test_labelled_code_lists_are_ordered_and_typed() -> None:
    for mapping, expected in (
        (outreach_kinds(), OUTREACH_CODES),
        (ranks(), RANK_CODES),
        (member_categories(), MEMBER_CODES),
    ):
        assert list(mapping) == expected
        for code, label in mapping.items():
            assert isinstance(label, LabelledCode) and label.code == code
            assert label.name_en and ARABIC_LETTER.search(label.name_ur)
    assert ranks()["dpo"].name_en == "District Police Officer"
    assert outreach_kinds()["khuli_kachehri"].name_en == "Open court / Khuli Kachehri"


def test_load_corpus_is_cached() -> None:
    assert load_corpus() is load_corpus()
