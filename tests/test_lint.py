"""The code base stays ruff-clean, and Qt stays inside copdesk/ui (ruff's banned-import rule TID251)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ruff() -> list[str]:
    found = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(found).exists():
        pytest.fail("ruff is not installed: it is part of the [test] extra")
    return [found]


def test_ruff_lint_is_clean() -> None:
    result = subprocess.run(
        [*_ruff(), "check", "copdesk", "tests", "bench"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_qt_import_outside_ui_is_rejected(tmp_path: Path) -> None:
    """The banned-import rule really fires for a domain module that imports Qt."""
    offender = ROOT / "copdesk" / "services" / "_lint_probe.py"
    offender.write_text('"""Probe."""\n\nfrom PySide6.QtCore import QObject\n\n__all__ = ["QObject"]\n')
    try:
        result = subprocess.run(
            [*_ruff(), "check", str(offender)], cwd=ROOT, capture_output=True, text=True, check=False
        )
    finally:
        offender.unlink()
    assert result.returncode != 0
    assert "TID251" in result.stdout
