"""Demo-data corpus: names, places, complaint texts, meeting prose and coded label lists.

Loaded once from the shipped `resources/demo/corpus.json`. The seeded demo generator draws from the raw dict
(`load_corpus`); the coded lists (complaint categories, outreach kinds, ranks, member categories) are also
offered as ordered, typed mappings because real modules use them for labels and due dates.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = [
    "CORPUS_RESOURCE",
    "ComplaintCategory",
    "LabelledCode",
    "complaint_categories",
    "load_corpus",
    "member_categories",
    "outreach_kinds",
    "ranks",
]

CORPUS_RESOURCE = "demo/corpus.json"


@dataclass(frozen=True, slots=True)
class ComplaintCategory:
    """A complaint category with its English and Urdu names and the days allowed to resolve it."""

    code: str
    name_en: str
    name_ur: str
    due_days: int


@dataclass(frozen=True, slots=True)
class LabelledCode:
    """A stable code with its English and Urdu display names."""

    code: str
    name_en: str
    name_ur: str


@cache
def load_corpus() -> dict[str, Any]:
    """The whole corpus as parsed JSON (cached; treat it as read-only)."""
    from copdesk.paths import resource_path

    with resource_path(CORPUS_RESOURCE).open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _labelled(key: str) -> dict[str, LabelledCode]:
    return {
        item["code"]: LabelledCode(code=item["code"], name_en=item["en"], name_ur=item["ur"])
        for item in load_corpus()[key]
    }


def complaint_categories() -> dict[str, ComplaintCategory]:
    """Complaint categories by code, in file order (a fresh dict each call)."""
    return {
        item["code"]: ComplaintCategory(
            code=item["code"], name_en=item["en"], name_ur=item["ur"], due_days=int(item["due_days"])
        )
        for item in load_corpus()["complaint_categories"]
    }


def outreach_kinds() -> dict[str, LabelledCode]:
    """Outreach event kinds by code, in file order."""
    return _labelled("outreach_kinds")


def ranks() -> dict[str, LabelledCode]:
    """Police ranks by code, lowest (constable) to highest (DPO)."""
    return _labelled("ranks")


def member_categories() -> dict[str, LabelledCode]:
    """Committee member categories by code, in file order."""
    return _labelled("member_categories")
