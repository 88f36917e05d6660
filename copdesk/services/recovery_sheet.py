"""The recovery sheet: the one-time printout that can open a district database when every password is lost."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from copdesk.domain.reference import district


def recovery_sheet_text(recovery_key: str, *, district_code: str, db_path: Path, made_on: date | None = None) -> str:
    """The sheet's text: what the key is for, the key itself, and how to use it."""
    place = district(district_code)
    made_on = made_on or date.today()
    return "\n".join(
        [
            "COPDESK RECOVERY SHEET — KEEP LOCKED AWAY",
            "",
            f"District: {place.name_en} ({place.code})",
            f"Database: {db_path.name}",
            f"Made on:  {made_on:%d %B %Y}",
            "",
            "Recovery key:",
            "",
            f"    {recovery_key}",
            "",
            "This key opens the district's encrypted database if every password is forgotten, and is needed to",
            "restore a backup on a new computer. Anyone holding it can read every record: keep it in the",
            "district officer's safe, never in the same place as the computer or its backups.",
            "",
            "To use it: copdesk recover --db <database> --user <account>, then type this key and a new password.",
            "",
        ]
    )


def write_recovery_sheet(path: Path, recovery_key: str, *, district_code: str, db_path: Path) -> Path:
    """Write the recovery sheet as a text file readable only by its owner."""
    text = recovery_sheet_text(recovery_key, district_code=district_code, db_path=db_path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path
