"""The filters of list screens (``PageRequest.filters``), read the same way by every service.

A filter whose value is ``None`` is not set. Bad values raise :class:`ValidationError` naming the filter.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from copdesk.domain.months import Month
from copdesk.errors import ValidationError

__all__ = [
    "DAY_FILTERS",
    "as_filter_bool",
    "as_filter_date",
    "as_month",
    "as_record_id",
    "check_filters",
    "filter_days",
]

#: The filters :func:`filter_days` reads: ``date_from`` and ``date_to`` (inclusive) and ``month`` (``YYYY-MM``).
DAY_FILTERS = frozenset({"date_from", "date_to", "month"})


def check_filters(filters: Mapping[str, Any], known: Collection[str], records: str = "This list") -> dict[str, Any]:
    """The filters that are set; a filter name not in ``known`` is refused ("``records`` cannot be filtered by")."""
    unknown = sorted(set(filters) - set(known))
    if unknown:
        raise ValidationError(f"{records} cannot be filtered by {', '.join(unknown)}.", unknown[0])
    return {name: value for name, value in filters.items() if value is not None}


def as_month(value: Month | str) -> Month:
    """A month given as a :class:`Month` or written ``YYYY-MM`` (``ValidationError`` for anything else)."""
    if isinstance(value, Month):
        return value
    if not isinstance(value, str):
        raise ValidationError("Write the month as YYYY-MM, for example 2026-03.", "month")
    return Month.parse(value)


def as_filter_date(value: Any, field: str) -> date:
    """A list filter's date, given as a ``date`` or as ``YYYY-MM-DD`` text."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValidationError("Write the date as year-month-day, for example 2026-03-15.", field)


def as_filter_bool(value: Any, field: str, message: str = "Choose yes or no for this filter.") -> bool:
    """A yes/no filter: ``True`` or ``False`` only (``message`` for anything else)."""
    if not isinstance(value, bool):
        raise ValidationError(message, field)
    return value


def as_record_id(value: Any, field: str) -> uuid.UUID:
    """A record id (of a filter or an argument), given as a UUID or its text."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise ValidationError("The chosen record is not valid; choose it again from the list.", field) from None


def filter_days(query: Select[Any], column: InstrumentedAttribute[date], filters: Mapping[str, Any]) -> Select[Any]:
    """``query`` kept to the days that the :data:`DAY_FILTERS` among the set ``filters`` allow on ``column``."""
    if "date_from" in filters:
        query = query.where(column >= as_filter_date(filters["date_from"], "date_from"))
    if "date_to" in filters:
        query = query.where(column <= as_filter_date(filters["date_to"], "date_to"))
    if "month" in filters:
        chosen = as_month(filters["month"])
        query = query.where(column.between(chosen.first_day, chosen.last_day))
    return query
