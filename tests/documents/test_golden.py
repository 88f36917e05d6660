"""The Urdu minutes still look like their golden sample in ``docs/samples/``.

This catches regressions in shaping and ordering that text extraction cannot see.
The comparison is loose on purpose: both images are blurred a little and only clear differences count, so
another poppler or FreeType version (antialiasing, hinting) passes, while words in the wrong order, letters that
no longer join or runs shaped in the wrong direction fail. After a deliberate change of the layout, rewrite the
samples with ``python -m tests.documents.samples`` and look at them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageFilter

import copdesk.documents.text as text_layer
from copdesk.documents.minutes import write_minutes

from . import samples
from .pdf import need_poppler

#: Share of pixels (in %) that may differ clearly between a page and its golden image.
THRESHOLD_PERCENT = 0.05
BLUR = 2
CLEAR_DIFFERENCE = 48  # of 255 grey levels


def difference_percent(new: Path, golden: Path) -> float:
    """Share of pixels (%) that differ by more than :data:`CLEAR_DIFFERENCE` after a light blur."""
    first = Image.open(new).convert("L")
    second = Image.open(golden).convert("L")
    assert first.size == second.size, f"{new.name} is {first.size}, its golden image {second.size}"
    blurred = [image.filter(ImageFilter.BoxBlur(BLUR)) for image in (first, second)]
    clear = ImageChops.difference(*blurred).point(lambda value: 255 if value > CLEAR_DIFFERENCE else 0)
    return 100.0 * clear.histogram()[255] / (first.size[0] * first.size[1])


def _render_urdu_minutes(folder: Path) -> list[Path]:
    pdf = folder / "minutes-ur.pdf"
    write_minutes(samples.urdu_meeting(), pdf, language="ur", office=samples.OFFICE, printed_on=samples.PRINTED_ON)
    return samples.render_png(pdf, folder / "minutes-ur")


def _golden() -> list[Path]:
    golden = sorted(samples.SAMPLES.glob("minutes-ur-*.png"))
    assert golden, "no golden sample: run python -m tests.documents.samples"
    return golden


def test_urdu_minutes_match_the_golden_sample(tmp_path: Path) -> None:
    need_poppler()
    golden = _golden()
    pages = _render_urdu_minutes(tmp_path)
    assert len(pages) == len(golden)
    for new, old in zip(pages, golden, strict=True):
        assert difference_percent(new, old) < THRESHOLD_PERCENT, f"{new.name} differs from its golden sample"


def test_the_comparison_catches_words_in_the_wrong_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    need_poppler()
    golden = _golden()
    monkeypatch.setattr(text_layer, "visual_order", lambda levels: list(range(len(levels))))
    pages = _render_urdu_minutes(tmp_path)
    worst = max(difference_percent(new, old) for new, old in zip(pages, golden, strict=False))
    assert worst > 3 * THRESHOLD_PERCENT
