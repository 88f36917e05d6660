"""Every filesystem location copdesk uses, in one place.

Works from a source checkout, an installed wheel and a PyInstaller bundle (``sys._MEIPASS``). Tests redirect the
per-user folders by setting ``COPDESK_HOME``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "copdesk"


def _package_root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """The folder of shipped resources (reference data, fonts, translations, icons)."""
    bundled = Path(__file__).resolve().parent / "resources"
    if bundled.is_dir():  # installed wheel: resources are package data
        return bundled
    return _package_root() / "resources"


def resource_path(relative: str) -> Path:
    """Path of a shipped resource, e.g. ``resource_path("reference/pakistan.json")``."""
    return resources_dir() / relative


def migrations_dir() -> Path:
    """The Alembic script folder."""
    return Path(__file__).resolve().parent / "storage" / "migrations"


def data_dir() -> Path:
    """Per-user local data folder: database, key slots, logs, backups, outbox."""
    override = os.environ.get("COPDESK_HOME")
    base = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    base.mkdir(parents=True, exist_ok=True)
    return base


def default_district_db() -> Path:
    """Where a district database lives unless the user chooses another place."""
    return data_dir() / "district.db"


def logs_dir() -> Path:
    """Folder of the rotating log file and crash reports."""
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def backups_dir(db_path: Path) -> Path:
    """Folder of automatic backups for the database at ``db_path``."""
    path = db_path.parent / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path
