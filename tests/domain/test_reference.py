from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import pytest

from copdesk.domain.reference import (
    District,
    Province,
    district,
    districts,
    parse_reference,
    province,
    provinces,
)
from copdesk.errors import NotFound
from copdesk.paths import resource_path


def _has_arabic_letter(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" and unicodedata.category(ch).startswith("L") for ch in text)


def test_province_codes_and_order() -> None:
    assert [p.code for p in provinces()] == ["PB", "SD", "KP", "BA", "ICT", "GB", "AJK"]
    assert province("pb").name_en == "Punjab"
    assert province("ICT").name_en == "Islamabad Capital Territory"
    assert province("AJK").name_en == "Azad Jammu and Kashmir"


def test_every_province_has_districts() -> None:
    for item in provinces():
        assert item.districts, item.code
        assert all(d.province_code == item.code for d in item.districts)


def test_district_count_is_complete() -> None:
    assert len(districts()) >= 150
    counts = {p.code: len(p.districts) for p in provinces()}
    assert counts["PB"] >= 36
    assert counts["SD"] >= 29
    assert counts["KP"] >= 34
    assert counts["BA"] >= 33
    assert counts["ICT"] == 1
    assert counts["GB"] >= 10
    assert counts["AJK"] == 10


def test_codes_are_unique_three_uppercase_letters() -> None:
    codes = [d.code for d in districts()]
    assert len(codes) == len(set(codes))
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in codes)
    assert not set(codes) & {p.code for p in provinces()}


def test_names_are_unique_and_well_formed() -> None:
    english = [d.name_en for d in districts()]
    urdu = [d.name_ur for d in districts()]
    assert len(english) == len(set(english))
    assert len(urdu) == len(set(urdu))
    for item in (*provinces(), *districts()):
        assert item.name_en == item.name_en.strip() and item.name_en.isascii()
        assert item.name_ur == item.name_ur.strip()
        assert _has_arabic_letter(item.name_ur), item.code
        assert not any("a" <= ch.lower() <= "z" for ch in item.name_ur), item.code
        # Urdu letters, not their Arabic look-alikes
        assert not set(item.name_ur) & set("يكىة"), item.code


@pytest.mark.parametrize(
    ("code", "name_en", "province_code"),
    [
        ("LHR", "Lahore", "PB"),
        ("FSD", "Faisalabad", "PB"),
        ("RWP", "Rawalpindi", "PB"),
        ("KHS", "Karachi South", "SD"),
        ("KHE", "Karachi East", "SD"),
        ("KHW", "Karachi West", "SD"),
        ("KHC", "Karachi Central", "SD"),
        ("KRG", "Korangi", "SD"),
        ("MLR", "Malir", "SD"),
        ("KMR", "Keamari", "SD"),
        ("PSH", "Peshawar", "KP"),
        ("QTA", "Quetta", "BA"),
        ("ISB", "Islamabad", "ICT"),
        ("GLT", "Gilgit", "GB"),
        ("MZD", "Muzaffarabad", "AJK"),
    ],
)
def test_well_known_districts(code: str, name_en: str, province_code: str) -> None:
    found = district(code)
    assert found == District(code=code, name_en=name_en, name_ur=found.name_ur, province_code=province_code)
    assert found in province(province_code).districts


def test_urdu_spellings_of_major_districts() -> None:
    assert district("LHR").name_ur == "لاہور"
    assert district("KHS").name_ur == "کراچی جنوبی"
    assert district("PSH").name_ur == "پشاور"
    assert district("QTA").name_ur == "کوئٹہ"
    assert district("ISB").name_ur == "اسلام آباد"


def test_district_lookup_ignores_case_and_spaces() -> None:
    assert district(" lhr ") is district("LHR")


@pytest.mark.parametrize("code", ["XXX", "", "LAHORE", "PB", "LH"])
def test_unknown_district_raises_not_found(code: str) -> None:
    with pytest.raises(NotFound) as info:
        district(code)
    assert "no district" in info.value.message


def test_unknown_province_raises_not_found() -> None:
    with pytest.raises(NotFound):
        province("ZZ")


def test_data_is_cached_and_immutable() -> None:
    assert provinces() is provinces()
    item = district("LHR")
    with pytest.raises(AttributeError):
        item.code = "XYZ"  # type: ignore[misc]
    assert isinstance(provinces()[0], Province)
    assert isinstance(provinces()[0].districts, tuple)


def test_districts_follow_reference_file_order() -> None:
    assert districts() == tuple(d for p in provinces() for d in p.districts)


def test_json_file_shape() -> None:
    document = json.loads(resource_path("reference/pakistan.json").read_text(encoding="utf-8"))
    assert document["version"] == 1
    for raw_province in document["provinces"]:
        assert set(raw_province) == {"code", "name_en", "name_ur", "districts"}
        for raw_district in raw_province["districts"]:
            assert set(raw_district) == {"code", "name_en", "name_ur"}


def _doc(**overrides: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "version": 1,
        "provinces": [
            {
                "code": "PB",
                "name_en": "Punjab",
                "name_ur": "پنجاب",
                "districts": [
                    {"code": "LHR", "name_en": "Lahore", "name_ur": "لاہور"},
                ],
            },
        ],
    }
    document.update(overrides)
    return document


def test_parse_reference_accepts_minimal_document() -> None:
    (only,) = parse_reference(_doc())
    assert only.districts == (District("LHR", "Lahore", "لاہور", "PB"),)


@pytest.mark.parametrize(
    "document",
    [
        _doc(version=2),
        _doc(provinces=[]),
        _doc(provinces=[{"code": "PB", "name_en": "Punjab", "name_ur": "پنجاب", "districts": []}]),
        _doc(
            provinces=[
                {
                    "code": "PB",
                    "name_en": "Punjab",
                    "name_ur": "پنجاب",
                    "districts": [
                        {"code": "LHR", "name_en": "Lahore", "name_ur": "لاہور"},
                        {"code": "LHR", "name_en": "Lahore 2", "name_ur": "لاہور"},
                    ],
                }
            ]
        ),
        _doc(
            provinces=[
                {
                    "code": "PB",
                    "name_en": "Punjab",
                    "name_ur": "پنجاب",
                    "districts": [
                        {"code": "lhr", "name_en": "Lahore", "name_ur": "لاہور"},
                    ],
                }
            ]
        ),
        _doc(
            provinces=[
                {
                    "code": "PB",
                    "name_en": "Punjab",
                    "name_ur": "پنجاب",
                    "districts": [
                        {"code": "LHR", "name_en": "", "name_ur": "لاہور"},
                    ],
                }
            ]
        ),
    ],
)
def test_parse_reference_rejects_malformed_documents(document: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        parse_reference(document)
