"""In-memory paged sources for the list tests: rows are made on demand, so a million rows cost nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from copdesk.errors import CopdeskError, ValidationError
from copdesk.services.paging import Page, PageRequest


@dataclass(frozen=True)
class Row:
    """A fake record: its number and a name made from it."""

    number: int

    @property
    def name(self) -> str:
        """A name that sorts like the number."""
        return f"Person {self.number:07d}"


@dataclass
class NumberSource:
    """``total`` rows numbered 0..total-1; search text ``"7"`` keeps numbers ending in 7; sorts by number."""

    total: int
    pages: list[PageRequest] = field(default_factory=list)
    counts: list[PageRequest] = field(default_factory=list)
    fail_with: Exception | None = None

    def _numbers(self, request: PageRequest) -> range:
        if request.search and request.search.isdigit() and len(request.search) == 1:
            start = int(request.search)
            return range(start, self.total, 10)
        if request.search:
            return range(0)
        return range(self.total)

    def count(self, request: PageRequest) -> int:
        """How many numbers match."""
        self.counts.append(request)
        if self.fail_with is not None:
            raise self.fail_with
        return len(self._numbers(request))

    def page(self, request: PageRequest) -> Page[Row]:
        """One window of rows, ascending or descending by number."""
        self.pages.append(request)
        if self.fail_with is not None:
            raise self.fail_with
        if request.sort not in (None, "number"):
            raise ValidationError(f"Cannot sort by {request.sort!r}.")
        numbers = self._numbers(request)
        if request.descending:
            numbers = numbers[::-1]
        window = numbers[request.offset : request.offset + request.limit]
        return Page(request.offset, [Row(n) for n in window])


class Unavailable(CopdeskError):
    """A failure a user can act on."""
