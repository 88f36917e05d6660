"""The night-watch rotation: fair, never double-booked, rested where possible, deterministic."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from copdesk.domain.rotation import Interval, ShiftSlot, crosses_midnight, plan_rotation, shift_interval

START = date(2025, 3, 1)


def nights(days: int, needed: int, starts: time = time(22), ends: time = time(4)) -> list[ShiftSlot]:
    """One night shift a day from START."""
    return [
        ShiftSlot(f"n{i:02d}", shift_interval(START + timedelta(days=i), starts, ends), needed) for i in range(days)
    ]


def pool(size: int) -> list[str]:
    return [f"v{i:02d}" for i in range(size)]


def spans_of(plan_assignments: dict[str, tuple[str, ...]], slots: list[ShiftSlot]) -> dict[str, list[Interval]]:
    by_key = {slot.key: slot for slot in slots}
    spans: dict[str, list[Interval]] = {}
    for key, volunteers in plan_assignments.items():
        for v in (*by_key[key].assigned, *volunteers):
            spans.setdefault(v, []).append(by_key[key].interval)
    return spans


# -------------------------------------------------------------------- spans


def test_a_night_shift_ends_the_next_morning() -> None:
    span = shift_interval(date(2025, 3, 1), time(22), time(4))
    assert span == Interval(datetime(2025, 3, 1, 22), datetime(2025, 3, 2, 4))
    assert crosses_midnight(time(22), time(4))
    assert crosses_midnight(time(22), time(22))
    assert not crosses_midnight(time(18), time(22))


def test_a_day_shift_ends_the_same_day() -> None:
    assert shift_interval(date(2025, 3, 1), time(8), time(14)) == Interval(
        datetime(2025, 3, 1, 8), datetime(2025, 3, 1, 14)
    )


def test_a_night_shift_clashes_with_an_early_shift_next_morning_but_not_the_next_evening() -> None:
    night = shift_interval(date(2025, 3, 1), time(22), time(4))
    assert night.overlaps(shift_interval(date(2025, 3, 2), time(2), time(6)))
    assert not night.overlaps(shift_interval(date(2025, 3, 2), time(22), time(4)))
    assert not night.overlaps(shift_interval(date(2025, 3, 2), time(4), time(8)))  # touching ends do not clash


def test_an_interval_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="end after"):
        Interval(datetime(2025, 3, 1, 4), datetime(2025, 3, 1, 4))


# -------------------------------------------------------------------- examples


def test_a_week_with_four_volunteers_two_a_night_rotates_in_pairs() -> None:
    plan = plan_rotation(pool(4), nights(7, 2))
    assert [plan.assignments[f"n{i:02d}"] for i in range(4)] == [
        ("v00", "v01"),
        ("v02", "v03"),
        ("v00", "v01"),
        ("v02", "v03"),
    ]
    assert plan.shortfalls == {}
    assert plan.counts == {"v00": 4, "v01": 4, "v02": 3, "v03": 3}


def test_too_few_volunteers_leaves_each_night_short_and_says_by_how_many() -> None:
    plan = plan_rotation(pool(1), nights(3, 2))
    assert plan.assignments == {"n00": ("v00",), "n01": ("v00",), "n02": ("v00",)}
    assert plan.shortfalls == {"n00": 1, "n01": 1, "n02": 1}


def test_no_volunteers_leaves_every_slot_short() -> None:
    plan = plan_rotation([], nights(2, 3))
    assert plan.assignments == {}
    assert plan.shortfalls == {"n00": 3, "n01": 3}


def test_a_busy_volunteer_is_not_double_booked_and_the_night_is_left_short() -> None:
    slots = nights(1, 2)
    busy = {"v01": [Interval(datetime(2025, 3, 2, 1), datetime(2025, 3, 2, 3))]}
    plan = plan_rotation(pool(2), slots, busy=busy)
    assert plan.assignments == {"n00": ("v00",)}
    assert plan.shortfalls == {"n00": 1}


def test_volunteers_already_on_a_slot_are_kept_and_counted() -> None:
    slots = nights(2, 2)
    slots[0] = ShiftSlot(slots[0].key, slots[0].interval, 2, ("v02",))
    plan = plan_rotation(pool(4), slots)
    assert plan.assignments["n00"] == ("v00",)
    assert plan.assignments["n01"] == ("v01", "v03")  # v02 already has a duty and worked the night before
    assert plan.counts == {"v00": 1, "v01": 1, "v02": 1, "v03": 1}


def test_a_full_slot_gets_nobody_new() -> None:
    slots = [ShiftSlot("x", shift_interval(START, time(22), time(4)), 1, ("v00",))]
    plan = plan_rotation(pool(3), slots)
    assert plan.assignments == {}
    assert plan.shortfalls == {}


def test_prior_counts_make_the_least_used_go_first() -> None:
    plan = plan_rotation(pool(3), nights(2, 1), prior_counts={"v00": 2, "v01": 1})
    assert plan.assignments == {"n00": ("v02",), "n01": ("v01",)}
    assert plan.counts == {"v00": 2, "v01": 2, "v02": 1}


def test_rest_is_preferred_among_equally_used_volunteers() -> None:
    busy = {"v00": [shift_interval(START - timedelta(days=1), time(22), time(4))]}  # worked the night before
    plan = plan_rotation(pool(2), nights(1, 1), busy=busy, prior_counts={"v00": 0, "v01": 1})
    assert plan.assignments == {"n00": ("v00",)}  # fairness first: v01 already has more duties
    plan = plan_rotation(pool(2), nights(1, 1), busy=busy)
    assert plan.assignments == {"n00": ("v01",)}  # equal duties: the rested one goes


def test_slot_keys_must_be_unique() -> None:
    slot = nights(1, 1)[0]
    with pytest.raises(ValueError, match="unique"):
        plan_rotation(pool(2), [slot, slot])


# -------------------------------------------------------------------- properties

volunteer_pools = st.lists(st.sampled_from(pool(12)), min_size=0, max_size=12, unique=True)


@st.composite
def busy_maps(draw: st.DrawFn, volunteers: list[str]) -> dict[str, list[Interval]]:
    result: dict[str, list[Interval]] = {}
    for v in volunteers:
        spans = []
        for _ in range(draw(st.integers(0, 3))):
            start = datetime.combine(START, time()) + timedelta(hours=draw(st.integers(-24, 24 * 10)))
            spans.append(Interval(start, start + timedelta(hours=draw(st.integers(1, 12)))))
        if spans:
            result[v] = spans
    return result


@st.composite
def slot_lists(draw: st.DrawFn) -> list[ShiftSlot]:
    """Slots at arbitrary hours over ten days (they may overlap each other)."""
    count = draw(st.integers(0, 12))
    slots = []
    for i in range(count):
        start = datetime.combine(START, time()) + timedelta(hours=draw(st.integers(0, 24 * 10)))
        end = start + timedelta(hours=draw(st.integers(1, 10)))
        slots.append(ShiftSlot(f"s{i:02d}", Interval(start, end), draw(st.integers(1, 4))))
    return slots


@settings(max_examples=150, deadline=None)
@given(volunteers=volunteer_pools, days=st.integers(1, 31), needed=st.integers(1, 5))
def test_without_constraints_duties_differ_by_at_most_one(volunteers: list[str], days: int, needed: int) -> None:
    plan = plan_rotation(volunteers, nights(days, needed))
    if volunteers:
        assert max(plan.counts.values()) - min(plan.counts.values()) <= 1
        assert sum(plan.counts.values()) == days * min(needed, len(volunteers))


@settings(max_examples=150, deadline=None)
@given(
    volunteers=volunteer_pools,
    days=st.integers(1, 31),
    needed=st.integers(1, 4),
    prior=st.lists(st.integers(0, 6), min_size=12, max_size=12),
)
def test_prior_duties_never_widen_the_spread(volunteers: list[str], days: int, needed: int, prior: list[int]) -> None:
    prior_counts = {v: prior[int(v[1:])] for v in volunteers}
    plan = plan_rotation(volunteers, nights(days, needed), prior_counts=prior_counts)
    if volunteers:
        before = max(prior_counts.values()) - min(prior_counts.values())
        assert max(plan.counts.values()) - min(plan.counts.values()) <= max(1, before)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), volunteers=volunteer_pools, slots=slot_lists())
def test_nobody_is_double_booked_or_twice_on_a_shift(
    data: st.DataObject, volunteers: list[str], slots: list[ShiftSlot]
) -> None:
    busy = data.draw(busy_maps(volunteers))
    plan = plan_rotation(volunteers, slots, busy=busy)
    for key, chosen in plan.assignments.items():
        assert len(set(chosen)) == len(chosen)
        assert set(chosen) <= set(volunteers)
        slot = next(s for s in slots if s.key == key)
        assert len(chosen) <= slot.needed
    for v, spans in spans_of(dict(plan.assignments), slots).items():
        everything = sorted(spans + busy.get(v, []))
        for a in spans:
            for b in everything:
                if b is not a:
                    assert not a.overlaps(b), f"{v} double-booked: {a} and {b}"


@settings(max_examples=150, deadline=None)
@given(data=st.data(), volunteers=volunteer_pools, slots=slot_lists())
def test_a_slot_is_short_only_when_everyone_is_on_it_or_busy(
    data: st.DataObject, volunteers: list[str], slots: list[ShiftSlot]
) -> None:
    busy = data.draw(busy_maps(volunteers))
    plan = plan_rotation(volunteers, slots, busy=busy)
    spans = spans_of(dict(plan.assignments), slots)
    for key, missing in plan.shortfalls.items():
        slot = next(s for s in slots if s.key == key)
        on_it = set(plan.assignments.get(key, ()))
        assert len(on_it) + missing == slot.needed
        for v in set(volunteers) - on_it:
            elsewhere = [s for s in spans.get(v, []) + busy.get(v, []) if s is not slot.interval]
            assert any(slot.interval.overlaps(s) for s in elsewhere), f"{v} was free for {key}"
    for slot in slots:
        if slot.key not in plan.shortfalls:
            assert len(plan.assignments.get(slot.key, ())) == slot.needed


@settings(max_examples=100, deadline=None)
@given(data=st.data(), volunteers=volunteer_pools, slots=slot_lists(), seed=st.integers(0, 2**32 - 1))
def test_the_plan_does_not_depend_on_input_order(
    data: st.DataObject, volunteers: list[str], slots: list[ShiftSlot], seed: int
) -> None:
    busy = data.draw(busy_maps(volunteers))
    shuffled_volunteers, shuffled_slots = list(volunteers), list(slots)
    rng = random.Random(seed)
    rng.shuffle(shuffled_volunteers)
    rng.shuffle(shuffled_slots)
    first = plan_rotation(volunteers, slots, busy=busy)
    again = plan_rotation(shuffled_volunteers, shuffled_slots, busy=busy)
    assert first == again
    assert first == plan_rotation(volunteers, slots, busy=busy)


@settings(max_examples=150, deadline=None)
@given(size=st.integers(2, 12), days=st.integers(2, 31), needed=st.integers(1, 6))
def test_no_consecutive_nights_when_the_pool_allows(size: int, days: int, needed: int) -> None:
    if size < 2 * needed:
        needed = size // 2
    plan = plan_rotation(pool(size), nights(days, needed))
    for i in range(days - 1):
        tonight = set(plan.assignments[f"n{i:02d}"])
        tomorrow = set(plan.assignments[f"n{i + 1:02d}"])
        assert not tonight & tomorrow, f"night {i}: {sorted(tonight & tomorrow)} on two nights running"
