"""Reference data: Pakistan's provinces/territories and their districts.

Loaded once from the shipped `resources/reference/pakistan.json`. District codes (three uppercase letters,
e.g. `LHR`) are unique across the country and appear in complaint tracking numbers such as `LHR/2026/000123`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from copdesk.errors import NotFound

__all__ = ["District", "Province", "district", "districts", "parse_reference", "province", "provinces"]

REFERENCE_RESOURCE = "reference/pakistan.json"
_DISTRICT_CODE = re.compile(r"[A-Z]{3}")
_PROVINCE_CODE = re.compile(r"[A-Z]{2,3}")


@dataclass(frozen=True, slots=True)
class District:
    """A district (police district office) of a province or territory."""

    code: str
    name_en: str
    name_ur: str
    province_code: str


@dataclass(frozen=True, slots=True)
class Province:
    """A province or territory with its districts, in the order the reference file lists them."""

    code: str
    name_en: str
    name_ur: str
    districts: tuple[District, ...]


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{REFERENCE_RESOURCE}: missing or empty {key!r} in {item!r}")
    return value


def parse_reference(document: dict[str, Any]) -> tuple[Province, ...]:
    """Build and check provinces from the decoded reference JSON; raises ValueError if it is malformed."""
    if document.get("version") != 1:
        raise ValueError(f"{REFERENCE_RESOURCE}: unsupported version {document.get('version')!r}")
    seen: set[str] = set()
    result: list[Province] = []
    for raw_province in document.get("provinces", []):
        code = _text(raw_province, "code")
        if not _PROVINCE_CODE.fullmatch(code) or code in seen:
            raise ValueError(f"{REFERENCE_RESOURCE}: bad or duplicate province code {code!r}")
        seen.add(code)
        members: list[District] = []
        for raw_district in raw_province.get("districts", []):
            district_code = _text(raw_district, "code")
            if not _DISTRICT_CODE.fullmatch(district_code) or district_code in seen:
                raise ValueError(f"{REFERENCE_RESOURCE}: bad or duplicate district code {district_code!r}")
            seen.add(district_code)
            members.append(
                District(
                    code=district_code,
                    name_en=_text(raw_district, "name_en"),
                    name_ur=_text(raw_district, "name_ur"),
                    province_code=code,
                )
            )
        if not members:
            raise ValueError(f"{REFERENCE_RESOURCE}: province {code!r} has no districts")
        result.append(
            Province(
                code=code,
                name_en=_text(raw_province, "name_en"),
                name_ur=_text(raw_province, "name_ur"),
                districts=tuple(members),
            )
        )
    if not result:
        raise ValueError(f"{REFERENCE_RESOURCE}: no provinces")
    return tuple(result)


@cache
def provinces() -> tuple[Province, ...]:
    """All provinces and territories (loaded once from the shipped reference file)."""
    from copdesk.paths import resource_path  # lazy: keeps this module importable without the app's paths

    path = resource_path(REFERENCE_RESOURCE)
    with path.open(encoding="utf-8") as handle:
        return parse_reference(json.load(handle))


@cache
def _district_index() -> dict[str, District]:
    return {d.code: d for p in provinces() for d in p.districts}


def districts() -> tuple[District, ...]:
    """Every district of every province, in reference-file order."""
    return tuple(_district_index().values())


def district(code: str) -> District:
    """The district with this code (case and surrounding spaces ignored); raises NotFound if there is none."""
    found = _district_index().get(code.strip().upper())
    if found is None:
        raise NotFound(f"There is no district with the code '{code.strip()}'.")
    return found


def province(code: str) -> Province:
    """The province or territory with this code, e.g. `PB` or `ICT`; raises NotFound if there is none."""
    wanted = code.strip().upper()
    for candidate in provinces():
        if candidate.code == wanted:
            return candidate
    raise NotFound(f"There is no province or territory with the code '{code.strip()}'.")
