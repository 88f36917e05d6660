"""Which column of a clerk's sheet holds which field: the mapping, its guess from the headings, and memory.

Headings are matched in English and Urdu ("Name" / "نام", "CNIC" / "شناختی کارڈ", "Mobile" / "موبائل",
"Father's name" / "ولدیت" ...), after the same folding as search (case, Urdu letter variants, punctuation), so
"Father's Name:" and "FATHER NAME" meet. A mapping the clerk confirmed is remembered in a small JSON file in the
data folder, keyed by the target and the sheet's headings, and offered again for the next file with the same
headings. The module also turns a clerk's cell into a field value (gender, office, category, date).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from copdesk.domain.corpus import member_categories
from copdesk.domain.identity import to_ascii_digits
from copdesk.domain.text import normalise_for_search
from copdesk.errors import ValidationError
from copdesk.models.committees import MemberRole
from copdesk.models.people import Gender
from copdesk.spreadsheets.reader import CellValue, cell_text

__all__ = [
    "MAPPINGS_FILE",
    "ColumnMapping",
    "ImportField",
    "ImportTarget",
    "MappingMemory",
    "fields_for",
    "guess_mapping",
    "header_signature",
    "normalise_heading",
    "parse_category",
    "parse_day",
    "parse_gender",
    "parse_role",
]

MAPPINGS_FILE = "spreadsheet-mappings.json"
MAX_REMEMBERED = 200


class ImportTarget(StrEnum):
    """What a sheet's rows become."""

    PEOPLE = "people"
    VOLUNTEERS = "volunteers"
    COMMITTEE_MEMBERS = "committee_members"

    @property
    def label(self) -> str:
        """The target as a clerk reads it."""
        return {"people": "people", "volunteers": "watch volunteers", "committee_members": "committee members"}[
            self.value
        ]


@dataclass(frozen=True)
class ImportField:
    """A field a sheet's column can fill, with the headings that usually name it."""

    name: str
    label: str
    label_ur: str
    required: bool
    kind: Literal["text", "date"] = "text"
    synonyms: tuple[str, ...] = ()


_NAME = ImportField(
    "name",
    "Name",
    "نام",
    True,
    synonyms=("name", "full name", "person name", "member name", "volunteer name", "naam", "نام", "پورا نام", "اسم"),
)
_FATHER = ImportField(
    "father_name",
    "Father's / husband's name",
    "ولدیت / زوجیت",
    False,
    synonyms=(
        "father's name",
        "fathers name",
        "father name",
        "father",
        "father husband name",
        "father/husband name",
        "father's/husband's name",
        "husband name",
        "husband's name",
        "f name",
        "f/name",
        "s/o",
        "d/o",
        "w/o",
        "s/o d/o w/o",
        "parentage",
        "walidiyat",
        "ولدیت",
        "ولد",
        "والد",
        "والد کا نام",
        "ولدیت/زوجیت",
        "زوجیت",
        "شوہر کا نام",
    ),
)
_GENDER = ImportField("gender", "Gender", "جنس", True, synonyms=("gender", "sex", "m/f", "male/female", "جنس"))
_CNIC = ImportField(
    "cnic",
    "CNIC",
    "شناختی کارڈ",
    False,
    synonyms=(
        "cnic",
        "cnic no",
        "cnic number",
        "cnic #",
        "nic",
        "nic no",
        "id card",
        "id card no",
        "id card number",
        "identity card",
        "nadra",
        "شناختی کارڈ",
        "شناختی کارڈ نمبر",
        "قومی شناختی کارڈ",
        "قومی شناختی کارڈ نمبر",
        "شناختی کارڈ نمبر",
    ),
)
_MOBILE = ImportField(
    "mobile",
    "Mobile",
    "موبائل",
    False,
    synonyms=(
        "mobile",
        "mobile no",
        "mobile number",
        "mobile #",
        "cell",
        "cell no",
        "cell number",
        "phone",
        "phone no",
        "phone number",
        "contact",
        "contact no",
        "contact number",
        "موبائل",
        "موبائل نمبر",
        "فون",
        "فون نمبر",
        "رابطہ",
        "رابطہ نمبر",
    ),
)
_ADDRESS = ImportField(
    "address",
    "Address",
    "پتہ",
    False,
    synonyms=("address", "residence", "home address", "postal address", "پتہ", "پتا", "رہائش", "سکونت"),
)
_JOINED_OPTIONAL = ImportField(
    "joined_on",
    "Joined on",
    "تاریخ شمولیت",
    False,
    "date",
    synonyms=("joined on", "joined", "date joined", "joining date", "date of joining", "تاریخ شمولیت", "شمولیت"),
)
_JOINED_REQUIRED = ImportField(
    _JOINED_OPTIONAL.name,
    _JOINED_OPTIONAL.label,
    _JOINED_OPTIONAL.label_ur,
    True,
    "date",
    _JOINED_OPTIONAL.synonyms,
)
_NOTES = ImportField("notes", "Notes", "کیفیت", False, synonyms=("notes", "note", "remarks", "کیفیت", "ریمارکس"))
_ROLE = ImportField(
    "role",
    "Office (convener, secretary, member)",
    "عہدہ",
    False,
    synonyms=("role", "office", "designation", "post", "position", "عہدہ"),
)
_CATEGORY = ImportField(
    "category",
    "Category",
    "زمرہ",
    True,
    synonyms=("category", "member category", "type", "kind", "زمرہ", "کیٹیگری", "قسم"),
)

_PERSON_FIELDS = (_NAME, _FATHER, _GENDER, _CNIC, _MOBILE, _ADDRESS)
_FIELDS: dict[ImportTarget, tuple[ImportField, ...]] = {
    ImportTarget.PEOPLE: _PERSON_FIELDS,
    ImportTarget.VOLUNTEERS: (*_PERSON_FIELDS, _JOINED_OPTIONAL, _NOTES),
    ImportTarget.COMMITTEE_MEMBERS: (*_PERSON_FIELDS, _ROLE, _CATEGORY, _JOINED_REQUIRED),
}


def fields_for(target: ImportTarget | str) -> tuple[ImportField, ...]:
    """The fields a sheet can fill for ``target``, in form order."""
    return _FIELDS[ImportTarget(target)]


_PUNCTUATION = re.compile(r"[^\w#]+")


def normalise_heading(text: str) -> str:
    """A heading folded for matching: search folding, punctuation to spaces, ``'s`` dropped."""
    folded = normalise_for_search(text or "").replace("'s", "s").replace("’s", "s")
    return " ".join(_PUNCTUATION.sub(" ", folded).replace("_", " ").split())


def header_signature(headers: Sequence[str]) -> str:
    """A short key for a list of headings (same headings, same order: same key)."""
    joined = "\x1f".join(normalise_heading(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class ColumnMapping:
    """Which column (0-based) fills which field, and values to use when a field has no column or a blank cell.

    ``header_row``: the sheet's row of headings (None: found automatically).
    """

    columns: Mapping[str, int]
    defaults: Mapping[str, str] = field(default_factory=dict)
    header_row: int | None = None

    def column_of(self, name: str) -> int | None:
        """The column mapped to the field ``name``, or None."""
        return self.columns.get(name)

    def check(self, target: ImportTarget | str, headers: Sequence[str]) -> None:
        """Raise ValidationError unless the mapping fits ``target`` and a sheet with these headings."""
        fields = {f.name: f for f in fields_for(target)}
        for name in (*self.columns, *self.defaults):
            if name not in fields:
                raise ValidationError(f"'{name}' is not a field of {ImportTarget(target).label}.", "mapping")
        used: dict[int, str] = {}
        for name, column in self.columns.items():
            if not isinstance(column, int) or not 0 <= column < len(headers):
                raise ValidationError(f"Choose a column of the sheet for {fields[name].label}.", "mapping")
            if column in used:
                first = fields[used[column]].label
                raise ValidationError(
                    f"The column '{headers[column]}' is chosen for both {first} and {fields[name].label}.", "mapping"
                )
            used[column] = name
        for item in fields.values():
            if item.required and item.name not in self.columns and not (self.defaults.get(item.name) or "").strip():
                raise ValidationError(
                    f"Choose the column with the {item.label.lower()}"
                    + (", or a value for every row." if item.name in ("gender", "category", "joined_on") else "."),
                    "mapping",
                )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {"columns": dict(self.columns), "defaults": dict(self.defaults), "header_row": self.header_row}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ColumnMapping:
        """Back from :meth:`to_json` (ValueError when the data is not a mapping)."""
        columns = {str(k): int(v) for k, v in dict(data.get("columns", {})).items()}
        defaults = {str(k): str(v) for k, v in dict(data.get("defaults", {})).items()}
        header_row = data.get("header_row")
        return cls(columns, defaults, int(header_row) if header_row is not None else None)


@functools.cache
def _phrases(target: ImportTarget) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each field's synonyms, folded once."""
    return tuple(
        (item.name, tuple(p for p in (normalise_heading(s) for s in item.synonyms) if p)) for item in fields_for(target)
    )


def _contains_words(heading: str, phrase: str) -> bool:
    return f" {phrase} " in f" {heading} "


def guess_mapping(headers: Sequence[str], target: ImportTarget | str, header_row: int | None = None) -> ColumnMapping:
    """Guess which column holds which field from the headings (each column and each field used once).

    An exact heading wins over a heading that merely contains a known phrase; among those, the longer phrase
    wins (so "Father's name" goes to the father's name, not to the name).
    """
    candidates: list[tuple[float, int, str]] = []
    for index, heading in enumerate(headers):
        folded = normalise_heading(heading)
        if not folded:
            continue
        for name, phrases in _phrases(ImportTarget(target)):
            best = 0.0
            for phrase in phrases:
                if folded == phrase:
                    best = max(best, 1000.0 + len(phrase))
                elif _contains_words(folded, phrase):
                    best = max(best, float(len(phrase)))
            if best:
                candidates.append((best, index, name))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    columns: dict[str, int] = {}
    taken: set[int] = set()
    for _score, index, name in candidates:
        if name in columns or index in taken:
            continue
        columns[name] = index
        taken.add(index)
    return ColumnMapping(columns, {}, header_row)


class MappingMemory:
    """Mappings the clerk confirmed, remembered per target and headings in ``data_dir()/spreadsheet-mappings.json``."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            from copdesk.paths import data_dir

            path = data_dir() / MAPPINGS_FILE
        self.path = path

    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _key(target: ImportTarget | str, headers: Sequence[str]) -> str:
        return f"{ImportTarget(target).value}:{header_signature(headers)}"

    def recall(self, target: ImportTarget | str, headers: Sequence[str]) -> ColumnMapping | None:
        """The mapping remembered for these headings, if any (and if it still fits them)."""
        entry = self._load().get(self._key(target, headers))
        if not isinstance(entry, dict):
            return None
        try:
            mapping = ColumnMapping.from_json(entry.get("mapping", {}))
            mapping.check(target, headers)
        except (ValueError, TypeError, AttributeError, ValidationError):
            return None
        return mapping

    def remember(self, target: ImportTarget | str, headers: Sequence[str], mapping: ColumnMapping) -> None:
        """Remember ``mapping`` for sheets with these headings (the oldest entries beyond 200 are dropped)."""
        data = self._load()
        key = self._key(target, headers)
        data.pop(key, None)
        data[key] = {
            "headers": list(headers),
            "mapping": mapping.to_json(),
            "saved_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        while len(data) > MAX_REMEMBERED:
            data.pop(next(iter(data)))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".mappings-", dir=self.path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, indent=1)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


# --- cells to field values -----------------------------------------------------------------------------------

_GENDERS: dict[str, Gender] = {}
_GENDER_WORDS: tuple[tuple[Gender, tuple[str, ...]], ...] = (
    (Gender.MALE, ("male", "m", "man", "men", "boy", "mard", "مرد", "مذکر", "لڑکا", "ذکر")),
    (Gender.FEMALE, ("female", "f", "woman", "women", "girl", "aurat", "khatoon", "عورت", "خاتون", "مونث", "لڑکی")),
    (
        Gender.TRANSGENDER,
        ("transgender", "t", "trans", "x", "khawaja sira", "khwaja sira", "خواجہ سرا", "خواجہ سراء", "مخنث"),
    ),
)
for _gender, _words in _GENDER_WORDS:
    for _word in _words:
        _GENDERS[normalise_heading(_word)] = _gender


def parse_gender(text: str) -> Gender | None:
    """The gender a clerk wrote (English, Urdu, M/F/T); None when it is not recognised."""
    return _GENDERS.get(normalise_heading(text))


_ROLES: dict[str, MemberRole] = {}
_ROLE_WORDS: tuple[tuple[MemberRole, tuple[str, ...]], ...] = (
    (MemberRole.CONVENER, ("convener", "convenor", "chairman", "chairperson", "chair", "president", "کنوینر", "صدر")),
    (MemberRole.SECRETARY, ("secretary", "general secretary", "gen secretary", "سیکرٹری", "جنرل سیکرٹری", "معتمد")),
    (MemberRole.MEMBER, ("member", "ممبر", "رکن", "mamber")),
)
for _role, _role_words in _ROLE_WORDS:
    for _word in _role_words:
        _ROLES[normalise_heading(_word)] = _role


def parse_role(text: str) -> MemberRole | None:
    """The committee office a clerk wrote (blank: member); None when it is not recognised."""
    folded = normalise_heading(text)
    return MemberRole.MEMBER if not folded else _ROLES.get(folded)


def parse_category(text: str) -> str | None:
    """The member-category code for a clerk's text (code, English or Urdu name, or its first word), or None."""
    folded = normalise_heading(text)
    if not folded:
        return None
    for code, item in member_categories().items():
        names = {normalise_heading(code), normalise_heading(item.name_en), normalise_heading(item.name_ur)}
        names |= {normalise_heading(part) for part in re.split(r"[/(]", item.name_en) if part.strip()}
        names |= {normalise_heading(part) for part in item.name_ur.split("/") if part.strip()}
        if folded in names:
            return code
    return None


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        1,
    )
    for name in names
}
_DAY_FIRST = re.compile(r"(\d{1,2})[-/. ](\d{1,2}|[A-Za-z]{3,9})[-/. ,]+(\d{4}|\d{2})")
_YEAR_FIRST = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def parse_day(value: CellValue) -> date | None:
    """A calendar day from a date cell or from text; None when blank, ValueError when it is not a date.

    Text is read day first (``05-03-2025``, ``5/3/25``, ``5 Mar 2025``) or ISO (``2025-03-05``), Urdu digits
    allowed.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = to_ascii_digits(cell_text(value)).strip()
    if not text:
        return None
    match = _YEAR_FIRST.fullmatch(text)
    if match:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _DAY_FIRST.fullmatch(text)
    if match is None:
        raise ValueError(text)
    day, month_text, year_text = match.groups()
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text.casefold())
    if month is None:
        raise ValueError(text)
    year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    return date(year, month, int(day))
