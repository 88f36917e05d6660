"""Fair night-watch rotation (Theekree Pehra): who patrols which shift. Pure rules, no database.

Times here are local wall-clock times (naive ``datetime``), the way a roster is written. A shift whose end time
is at or before its start time ends the next day (22:00–04:00). Spans are half-open, so a shift ending at 04:00
does not clash with one starting at 04:00.

:func:`plan_rotation` fills shifts in time order. For each shift it takes, among the volunteers free at that time,
those with the fewest duties so far (fairness comes first), then those who are not on duty the night before or
after (rest), then by id (so the same input always gives the same roster).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

__all__ = ["Interval", "RotationPlan", "ShiftSlot", "crosses_midnight", "plan_rotation", "shift_interval"]


@dataclass(frozen=True, order=True)
class Interval:
    """A half-open span of local time, ``[start, end)``."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("an interval must end after it starts")

    def overlaps(self, other: Interval) -> bool:
        """True when the two spans share any moment (touching ends do not count)."""
        return self.start < other.end and other.start < self.end


def crosses_midnight(starts: time, ends: time) -> bool:
    """True when a shift with these times ends on the next day."""
    return ends <= starts


def shift_interval(day: date, starts: time, ends: time) -> Interval:
    """The span of a shift on ``day``; one ending at or before its start time ends the next day."""
    end_day = day + timedelta(days=1) if crosses_midnight(starts, ends) else day
    return Interval(datetime.combine(day, starts), datetime.combine(end_day, ends))


@dataclass(frozen=True)
class ShiftSlot:
    """A shift to fill: a stable key, its span, how many volunteers it needs and who is already on it."""

    key: str
    interval: Interval
    needed: int
    assigned: tuple[str, ...] = ()

    @property
    def day(self) -> date:
        """The calendar day the shift starts on."""
        return self.interval.start.date()


@dataclass(frozen=True)
class RotationPlan:
    """The result: volunteers added per slot, places left empty, and each volunteer's duties over the period."""

    assignments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Only slots that are short: the number of places no free volunteer could fill.
    shortfalls: Mapping[str, int] = field(default_factory=dict)
    #: Prior duties + those already on the slots + the new ones, per volunteer of the pool.
    counts: Mapping[str, int] = field(default_factory=dict)


def plan_rotation(
    volunteers: Sequence[str],
    slots: Sequence[ShiftSlot],
    *,
    prior_counts: Mapping[str, int] | None = None,
    busy: Mapping[str, Sequence[Interval]] | None = None,
) -> RotationPlan:
    """Fill ``slots`` fairly from ``volunteers``.

    - ``prior_counts``: duties each volunteer already has in the same period outside these slots (counted for
      fairness); volunteers already on a slot (``ShiftSlot.assigned``) are kept and counted too;
    - ``busy``: spans when a volunteer is already on duty elsewhere; they are never double-booked against them,
      nor against another slot that overlaps;
    - when there are no busy spans and no prior duties, duties per volunteer differ by at most one;
    - a volunteer on duty the day before or after is taken only if fairness leaves no other choice;
    - a slot is left short (see ``RotationPlan.shortfalls``) only when every volunteer is on it or busy.

    The result does not depend on the order of ``volunteers`` or ``slots``.
    """
    keys = [slot.key for slot in slots]
    if len(set(keys)) != len(keys):
        raise ValueError("slot keys must be unique")
    pool = sorted(set(volunteers))
    members = set(pool)
    prior = prior_counts or {}
    counts = {v: int(prior.get(v, 0)) for v in pool}
    taken: dict[str, list[Interval]] = {v: list((busy or {}).get(v, ())) for v in pool}
    duty_days: dict[str, set[date]] = {v: {span.start.date() for span in spans} for v, spans in taken.items()}
    ordered = sorted(slots, key=lambda s: (s.interval.start, s.interval.end, s.key))
    for slot in ordered:
        for v in set(slot.assigned) & members:
            counts[v] += 1
            taken[v].append(slot.interval)
            duty_days[v].add(slot.day)

    assignments: dict[str, tuple[str, ...]] = {}
    shortfalls: dict[str, int] = {}
    for slot in ordered:
        on_slot = set(slot.assigned)
        free_places = slot.needed - len(on_slot)
        if free_places <= 0:
            continue
        neighbours = {slot.day - timedelta(days=1), slot.day + timedelta(days=1)}
        candidates = [
            v for v in pool if v not in on_slot and not any(slot.interval.overlaps(span) for span in taken[v])
        ]
        candidates.sort(key=lambda v: (counts[v], bool(duty_days[v] & neighbours), v))
        chosen = tuple(candidates[:free_places])
        for v in chosen:
            counts[v] += 1
            taken[v].append(slot.interval)
            duty_days[v].add(slot.day)
        if chosen:
            assignments[slot.key] = chosen
        if len(chosen) < free_places:
            shortfalls[slot.key] = free_places - len(chosen)
    return RotationPlan(assignments=assignments, shortfalls=shortfalls, counts=counts)
