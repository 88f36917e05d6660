"""Checks of what a form sends, shared by the services: text, calendar days, choices and stale edits.

Each check returns the clean value or raises :class:`ValidationError` (``ConflictError`` for a stale edit) with
a plain sentence and the name of the offending field.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import TypeVar

from copdesk.errors import ConflictError, ValidationError
from copdesk.models.base import SyncRecord

__all__ = ["STALE_EDIT", "as_choice", "check_version", "clean_line", "clean_text", "require_date"]

#: The message of an edit made on a record someone else has changed since it was opened.
STALE_EDIT = "Someone else changed this {what} since you opened it. Reload it and make your change again."

E = TypeVar("E", bound=Enum)


def clean_line(value: str | None, field: str, what: str, limit: int, *, required: bool = False) -> str:
    """A one-line text: trimmed, inner spaces collapsed, at most ``limit`` characters (and not blank if required)."""
    return clean_text(" ".join((value or "").split()), field, what, limit, required=required)


def clean_text(value: str | None, field: str, what: str, limit: int, *, required: bool = False) -> str:
    """A text that may run over several lines: trimmed, at most ``limit`` characters (not blank if required)."""
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(f"Enter the {what}.", field)
    if len(text) > limit:
        raise ValidationError(f"The {what} can be at most {limit} characters long.", field)
    return text


def require_date(value: object, field: str, what: str, *, today: date | None = None) -> date:
    """``value`` if it is a calendar day (not a timestamp), else ValidationError asking for the ``what``.

    With ``today``, a day after it is refused too (``what`` names the date: "date the committee was formed").
    """
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError(f"Enter the {what}.", field)
    if today is not None and value > today:
        raise ValidationError(f"The {what} cannot be in the future.", field)
    return value


def as_choice(kind: type[E], value: object, message: str, field: str) -> E:
    """``value`` as a member of the enumeration ``kind`` (the member or its stored value), else ``message``."""
    try:
        return kind(value)
    except ValueError:
        raise ValidationError(message, field) from None


def check_version(record: SyncRecord, expected_version: int, what: str) -> None:
    """Refuse an edit of ``record`` (a ``what``) made on a version someone else has changed since."""
    if record.version != expected_version:
        raise ConflictError(STALE_EDIT.format(what=what))
