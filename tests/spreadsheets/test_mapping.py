"""Column mapping: guesses from English and Urdu headings, checks, memory, and cells to field values."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copdesk.errors import ValidationError
from copdesk.models.committees import MemberRole
from copdesk.models.people import Gender
from copdesk.paths import data_dir
from copdesk.spreadsheets import mapping as mapping_module
from copdesk.spreadsheets.mapping import (
    MAPPINGS_FILE,
    ColumnMapping,
    ImportTarget,
    MappingMemory,
    fields_for,
    guess_mapping,
    header_signature,
    normalise_heading,
    parse_category,
    parse_day,
    parse_gender,
    parse_role,
)


def test_english_headings_are_guessed() -> None:
    headers = ["S.No", "Name", "Father's Name", "Gender", "CNIC No.", "Mobile No", "Address", "Remarks"]
    mapping = guess_mapping(headers, ImportTarget.PEOPLE)
    assert dict(mapping.columns) == {"name": 1, "father_name": 2, "gender": 3, "cnic": 4, "mobile": 5, "address": 6}


def test_urdu_headings_are_guessed() -> None:
    headers = ["نمبر شمار", "نام", "ولدیت", "جنس", "شناختی کارڈ نمبر", "موبائل نمبر", "پتہ"]
    mapping = guess_mapping(headers, ImportTarget.PEOPLE)
    assert dict(mapping.columns) == {"name": 1, "father_name": 2, "gender": 3, "cnic": 4, "mobile": 5, "address": 6}


def test_urdu_letter_variants_and_odd_spacing_still_match() -> None:
    # Arabic yeh/kaf/heh typed instead of the Urdu letters, and a heading with a colon
    headers = ["نام:", "والد كا نام", "موبايل", "FATHER NAME"]
    mapping = guess_mapping(headers, ImportTarget.PEOPLE)
    assert mapping.column_of("name") == 0 and mapping.column_of("father_name") == 1
    assert mapping.column_of("mobile") == 2  # the second father's-name column is left unmapped
    assert len(set(mapping.columns.values())) == len(mapping.columns)


def test_longer_phrases_win_over_words_they_contain() -> None:
    mapping = guess_mapping(["Name of Member", "Father / Husband Name", "Contact"], ImportTarget.PEOPLE)
    assert dict(mapping.columns) == {"name": 0, "father_name": 1, "mobile": 2}


def test_target_fields_and_membership_headings() -> None:
    assert [f.name for f in fields_for("volunteers")][-2:] == ["joined_on", "notes"]
    headers = ["Name", "CNIC", "Designation", "Category", "Date of joining"]
    mapping = guess_mapping(headers, ImportTarget.COMMITTEE_MEMBERS)
    assert dict(mapping.columns) == {"name": 0, "cnic": 1, "role": 2, "category": 3, "joined_on": 4}
    assert "role" not in guess_mapping(headers, ImportTarget.PEOPLE).columns


def test_check_names_what_is_wrong() -> None:
    headers = ["Name", "Gender", "CNIC"]
    ColumnMapping({"name": 0, "gender": 1, "cnic": 2}).check("people", headers)
    ColumnMapping({"name": 0}, {"gender": "male"}).check("people", headers)
    cases = [
        (ColumnMapping({"name": 0}), "Choose the column with the gender, or a value for every row."),
        (ColumnMapping({"gender": 1}), "Choose the column with the name."),
        (ColumnMapping({"name": 0, "gender": 0}), "The column 'Name' is chosen for both Name and Gender."),
        (ColumnMapping({"name": 0, "gender": 5}), "Choose a column of the sheet for Gender."),
        (ColumnMapping({"name": 0, "gender": 1, "role": 2}), "'role' is not a field of people."),
        (ColumnMapping({"name": 0}, {"gender": "  "}), "Choose the column with the gender"),
    ]
    for mapping, message in cases:
        with pytest.raises(ValidationError, match=message.replace("(", "\\(").replace(")", "\\)")):
            mapping.check("people", headers)


def test_mapping_json_round_trip() -> None:
    mapping = ColumnMapping({"name": 1, "cnic": 3}, {"gender": "female"}, 2)
    assert ColumnMapping.from_json(json.loads(json.dumps(mapping.to_json()))) == mapping


def test_signature_ignores_case_and_punctuation_but_not_order() -> None:
    assert header_signature(["Name", "CNIC No."]) == header_signature(["NAME", "cnic no"])
    assert header_signature(["Name", "CNIC"]) != header_signature(["CNIC", "Name"])
    assert normalise_heading("  Father's   Name: ") == "fathers name"


def test_memory_remembers_per_target_and_headings() -> None:
    memory = MappingMemory()
    assert memory.path == data_dir() / MAPPINGS_FILE
    headers = ["Naam", "Jins", "Card"]
    mapping = ColumnMapping({"name": 0, "gender": 1, "cnic": 2})
    assert memory.recall("people", headers) is None
    memory.remember("people", headers, mapping)
    assert MappingMemory().recall("people", ["NAAM", "jins", "card"]) == mapping
    assert memory.recall("volunteers", headers) is None
    assert memory.recall("people", ["Naam", "Jins"]) is None
    saved = json.loads(memory.path.read_text(encoding="utf-8"))
    assert list(saved.values())[0]["headers"] == headers


def test_memory_ignores_a_broken_file_and_stale_entries(tmp_path: Path) -> None:
    memory = MappingMemory(tmp_path / "m.json")
    memory.path.write_text("{not json", encoding="utf-8")
    assert memory.recall("people", ["Name"]) is None
    memory.remember("people", ["Name", "Sex"], ColumnMapping({"name": 0, "gender": 1}))
    data = json.loads(memory.path.read_text(encoding="utf-8"))
    key = next(iter(data))
    data[key]["mapping"]["columns"]["gender"] = 9  # no longer fits the headings
    memory.path.write_text(json.dumps(data), encoding="utf-8")
    assert memory.recall("people", ["Name", "Sex"]) is None


def test_memory_keeps_the_newest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mapping_module, "MAX_REMEMBERED", 5)
    memory = MappingMemory(tmp_path / "m.json")
    mapping = ColumnMapping({"name": 0}, {"gender": "male"})
    for i in range(8):
        memory.remember("people", [f"Name {i}"], mapping)
    memory.remember("people", ["Name 3"], mapping)  # used again: now the newest
    memory.remember("people", ["Name 8"], mapping)
    assert [memory.recall("people", [f"Name {i}"]) is not None for i in range(9)] == [
        False, False, False, True, False, True, True, True, True,
    ]  # fmt: skip
    assert len(json.loads(memory.path.read_text(encoding="utf-8"))) == 5


@pytest.mark.parametrize(
    ("text", "gender"),
    [
        ("M", Gender.MALE),
        ("male", Gender.MALE),
        ("مرد", Gender.MALE),
        ("Female", Gender.FEMALE),
        ("f", Gender.FEMALE),
        ("خاتون", Gender.FEMALE),
        ("Khwaja Sira", Gender.TRANSGENDER),
        ("خواجہ سرا", Gender.TRANSGENDER),
        ("yes", None),
        ("", None),
    ],
)
def test_parse_gender(text: str, gender: Gender | None) -> None:
    assert parse_gender(text) is gender


def test_parse_role_and_category() -> None:
    assert parse_role("") is MemberRole.MEMBER
    assert parse_role("Chairman") is MemberRole.CONVENER
    assert parse_role("General Secretary") is MemberRole.SECRETARY
    assert parse_role("صدر") is MemberRole.CONVENER
    assert parse_role("boss") is None
    assert parse_category("elder") == "elder"
    assert parse_category("Elder / notable") == "elder"
    assert parse_category("Notable") == "elder"
    assert parse_category("Religious scholar") == "ulema"
    assert parse_category("وکیل") == "lawyer"
    assert parse_category("RETIRED OFFICER") == "retired_officer"
    assert parse_category("astronaut") is None
    assert parse_category("") is None


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (date(2025, 3, 5), date(2025, 3, 5)),
        (datetime(2025, 3, 5, 10, 0), date(2025, 3, 5)),
        ("05-03-2025", date(2025, 3, 5)),
        ("5/3/2025", date(2025, 3, 5)),
        ("5.3.25", date(2025, 3, 5)),
        ("2025-03-05", date(2025, 3, 5)),
        ("5 Mar 2025", date(2025, 3, 5)),
        ("05-March-2025", date(2025, 3, 5)),
        ("۰۵-۰۳-۲۰۲۵", date(2025, 3, 5)),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_day(value: date | str, day: date | None) -> None:
    assert parse_day(value) == day


@pytest.mark.parametrize("text", ["yesterday", "32-01-2025", "05-13-2025", "5 Foo 2025", "2025/02/30"])
def test_parse_day_refuses_non_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_day(text)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))
def test_parse_day_reads_the_forms_clerks_write(day: date) -> None:
    assert parse_day(day.strftime("%d-%m-%Y")) == day
    assert parse_day(day.strftime("%d/%m/%Y")) == day
    assert parse_day(day.isoformat()) == day
    assert parse_day(day.strftime("%d %b %Y")) == day


@given(st.lists(st.text(max_size=12), max_size=10))
def test_a_guess_never_uses_a_column_or_field_twice(headers: list[str]) -> None:
    for target in ImportTarget:
        mapping = guess_mapping(headers, target)
        assert len(set(mapping.columns.values())) == len(mapping.columns)
        assert set(mapping.columns) <= {f.name for f in fields_for(target)}
        assert all(0 <= column < len(headers) for column in mapping.columns.values())
