"""Reading PDFs back in tests: page count, size, text and word boxes, through poppler-utils."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from html import unescape
from pathlib import Path

import pytest

_PUNCTUATION = "()[]{}.,:;!?؟،؛۔\"'«»–-/"


def need_poppler() -> None:
    """Skip (saying why) when poppler-utils is not installed."""
    for tool in ("pdftotext", "pdfinfo", "pdftoppm"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} (poppler-utils) is not installed")


def normalise(text: str) -> str:
    """NFKC (Arabic presentation forms become letters), without bidi marks, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The words of ``text`` (normalised, punctuation stripped from both ends, empty ones dropped)."""
    found = (word.strip(_PUNCTUATION) for word in normalise(text).split())
    return [word for word in found if word]


def text_of(pdf: Path, page: int | None = None) -> str:
    """The normalised text of the whole PDF, or of one page (1-based)."""
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    result = subprocess.run(["pdftotext", *pages, str(pdf), "-"], check=True, capture_output=True, text=True)
    return normalise(result.stdout)


def info(pdf: Path) -> dict[str, str]:
    """``pdfinfo``'s fields."""
    result = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return {
        key.strip(): value.strip() for key, _, value in (line.partition(":") for line in result.stdout.splitlines())
    }


def page_count(pdf: Path) -> int:
    """How many pages the PDF has."""
    return int(info(pdf)["Pages"])


def page_size(pdf: Path) -> tuple[float, float]:
    """Width and height of the first page in points."""
    match = re.match(r"([\d.]+) x ([\d.]+) pts", info(pdf)["Page size"])
    assert match is not None
    return float(match.group(1)), float(match.group(2))


@dataclass(frozen=True)
class Word:
    """A word drawn on a page and its box (points, y from the top of the page)."""

    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def word_boxes(pdf: Path) -> list[Word]:
    """Every word with its box (``pdftotext -bbox``)."""
    result = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True)
    found: list[Word] = []
    page = 0
    for line in result.stdout.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if match:
            x0, y0, x1, y1 = (float(match.group(i)) for i in range(1, 5))
            found.append(Word(page, unescape(match.group(5)), x0, y0, x1, y1))
    return found
