"""Calendar months as values: ``Month.parse("2026-03")``, first and last day, neighbours."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from copdesk.errors import ValidationError

_PATTERN = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not (2000 <= self.year <= 2100 and 1 <= self.month <= 12):
            raise ValidationError(f"{self.year}-{self.month:02d} is not a month copdesk can record.", "month")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse ``YYYY-MM`` (a clear ValidationError otherwise)."""
        match = _PATTERN.match(text or "")
        if not match:
            raise ValidationError(f"Write the month as YYYY-MM, for example 2026-03 (not {text!r}).", "month")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        """The month a day falls in."""
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        """The month's first day."""
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        """The month's last day."""
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def days(self) -> int:
        """How many days the month has."""
        return calendar.monthrange(self.year, self.month)[1]

    def previous(self) -> Month:
        """The month before."""
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        """The month after."""
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """``March 2026``."""
        return f"{calendar.month_name[self.month]} {self.year}"
