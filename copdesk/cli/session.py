"""Credentials and database opening shared by every CLI command."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from copdesk.errors import CopdeskError
from copdesk.services.auth import login_district, login_hub
from copdesk.services.context import ServiceContext
from copdesk.storage.keyslots import KeySlotFile


class UsageError(CopdeskError):
    """The command line itself is wrong (missing option, bad value)."""


def username(given: str | None) -> str:
    """The account name from ``--user`` or ``COPDESK_USER``."""
    name = given or os.environ.get("COPDESK_USER")
    if not name:
        raise UsageError("Say which account to use: --user NAME (or set COPDESK_USER).")
    return name


def password(prompt: str = "Password: ") -> str:
    """The password from ``COPDESK_PASSWORD``, or typed at a prompt when interactive."""
    value = os.environ.get("COPDESK_PASSWORD")
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UsageError("No password: set COPDESK_PASSWORD when running without a terminal.")
    return getpass.getpass(prompt)


def new_password(prompt: str = "New password: ") -> str:
    """A new password: ``COPDESK_NEW_PASSWORD``, or typed twice at a prompt."""
    value = os.environ.get("COPDESK_NEW_PASSWORD")
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UsageError("No new password: set COPDESK_NEW_PASSWORD when running without a terminal.")
    first = getpass.getpass(prompt)
    if getpass.getpass("Repeat it: ") != first:
        raise UsageError("The two passwords differ.")
    return first


SQLITE_HEADER = b"SQLite format 3\x00"


def is_hub_target(db: str) -> bool:
    """True when ``--db`` names a hub: a URL, or a plain SQLite file (district files are encrypted)."""
    if "://" in db:
        return True
    path = Path(db)
    if KeySlotFile.path_for(path).exists():
        return False
    try:
        with open(path, "rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def open_context(db: str, user: str | None) -> ServiceContext:
    """Sign in to the district or hub database named by ``--db``."""
    name = username(user)
    if is_hub_target(db):
        return login_hub(db, name, password())
    return login_district(Path(db), name, password())
