from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from copdesk.domain.complaint_workflow import (
    OPEN_STATUSES,
    REOPEN_WINDOW_DAYS,
    ComplaintStatus,
    Feedback,
    allowed_transitions,
    available_transitions,
    can_reopen,
    check_reopen,
    check_transition,
    due_date,
    format_tracking_no,
    is_overdue,
    parse_tracking_no,
    reopen_deadline,
)
from copdesk.errors import ValidationError, WorkflowError

S = ComplaintStatus

#: The workflow as the brief states it, written out independently of the module under test.
LEGAL: dict[ComplaintStatus, set[ComplaintStatus]] = {
    S.RECEIVED: {S.ASSIGNED, S.REJECTED},
    S.ASSIGNED: {S.UNDER_INQUIRY, S.ASSIGNED, S.REJECTED},
    S.UNDER_INQUIRY: {S.RESOLVED, S.REFERRED, S.FIR_REGISTERED, S.REJECTED},
    S.RESOLVED: {S.CLOSED},
    S.REFERRED: {S.CLOSED},
    S.FIR_REGISTERED: {S.CLOSED},
    S.REJECTED: {S.CLOSED},
    S.CLOSED: {S.UNDER_INQUIRY},
}
PAIRS = list(itertools.product(S, S))


def test_there_are_eight_statuses_and_every_one_has_a_rule() -> None:
    assert len(S) == 8
    assert set(LEGAL) == set(S)


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_transition_matrix(source: ComplaintStatus, target: ComplaintStatus) -> None:
    if target in LEGAL[source]:
        check_transition(source, target)
        check_transition(source.value, target.value)  # plain strings, as stored, work too
        assert target in allowed_transitions(source)
    else:
        with pytest.raises(WorkflowError) as raised:
            check_transition(source, target)
        message = raised.value.message
        assert message.endswith(".")
        assert message[0].isupper()
        # A clerk reads labels, never the stored codes.
        assert "_" not in message
        assert target not in allowed_transitions(source)


@pytest.mark.parametrize("status", list(S))
def test_allowed_transitions_are_exactly_the_legal_ones(status: ComplaintStatus) -> None:
    allowed = allowed_transitions(status)
    assert set(allowed) == LEGAL[status]
    assert len(allowed) == len(set(allowed))
    assert isinstance(allowed, tuple)


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        (S.RECEIVED, S.UNDER_INQUIRY, "A complaint must be assigned before its inquiry starts."),
        (S.RECEIVED, S.RESOLVED, "The inquiry must be started before the complaint can be resolved."),
        (S.ASSIGNED, S.FIR_REGISTERED, "The inquiry must be started before the complaint can be registered as an FIR."),
        (S.UNDER_INQUIRY, S.ASSIGNED, "The inquiry has already started, so the complaint can no longer be assigned"),
        (S.UNDER_INQUIRY, S.CLOSED, "A complaint can only be closed once it is resolved"),
        (S.RESOLVED, S.UNDER_INQUIRY, "This complaint is already resolved; the only next step is to close it."),
        (S.CLOSED, S.ASSIGNED, "This complaint is closed. It can only be reopened"),
        (S.ASSIGNED, S.RECEIVED, "A complaint cannot be sent back to 'received'."),
        (S.REJECTED, S.REJECTED, "The complaint is already rejected."),
    ],
)
def test_refusals_explain_themselves(source: ComplaintStatus, target: ComplaintStatus, message: str) -> None:
    with pytest.raises(WorkflowError) as raised:
        check_transition(source, target)
    assert raised.value.message.startswith(message)


def test_unknown_status_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        check_transition("open", "closed")


# --- reopening -------------------------------------------------------------------------------------------------

CLOSED_ON = date(2026, 3, 10)


def test_reopen_window_is_thirty_days_inclusive() -> None:
    assert REOPEN_WINDOW_DAYS == 30
    assert reopen_deadline(CLOSED_ON) == date(2026, 4, 9)
    check_reopen(S.CLOSED, Feedback.NOT_SATISFIED, CLOSED_ON, CLOSED_ON)
    check_reopen(S.CLOSED, "not_satisfied", CLOSED_ON, date(2026, 4, 9))
    with pytest.raises(WorkflowError, match="within 30 days of closing"):
        check_reopen(S.CLOSED, Feedback.NOT_SATISFIED, CLOSED_ON, date(2026, 4, 10))


@pytest.mark.parametrize("feedback", [None, Feedback.SATISFIED, "satisfied"])
def test_reopen_needs_not_satisfied_feedback(feedback: Feedback | str | None) -> None:
    with pytest.raises(WorkflowError, match="not satisfied"):
        check_reopen(S.CLOSED, feedback, CLOSED_ON, CLOSED_ON)
    assert not can_reopen(S.CLOSED, feedback, CLOSED_ON, CLOSED_ON)


@pytest.mark.parametrize("status", [s for s in S if s is not S.CLOSED])
def test_only_closed_complaints_reopen(status: ComplaintStatus) -> None:
    with pytest.raises(WorkflowError, match="Only a closed complaint"):
        check_reopen(status, Feedback.NOT_SATISFIED, CLOSED_ON, CLOSED_ON)


def test_reopen_without_closing_date_is_refused() -> None:
    assert not can_reopen(S.CLOSED, Feedback.NOT_SATISFIED, None, CLOSED_ON)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 400))
def test_can_reopen_exactly_within_window(closed_on: date, days_later: int) -> None:
    today = closed_on + timedelta(days=days_later)
    assert can_reopen(S.CLOSED, Feedback.NOT_SATISFIED, closed_on, today) == (days_later <= REOPEN_WINDOW_DAYS)
    expected = (S.UNDER_INQUIRY,) if days_later <= REOPEN_WINDOW_DAYS else ()
    assert available_transitions(S.CLOSED, Feedback.NOT_SATISFIED, closed_on, today) == expected


@pytest.mark.parametrize("status", [s for s in S if s is not S.CLOSED])
def test_available_transitions_of_open_statuses_are_the_allowed_ones(status: ComplaintStatus) -> None:
    assert available_transitions(status, None, None, CLOSED_ON) == allowed_transitions(status)


def test_closed_with_satisfied_feedback_offers_nothing() -> None:
    assert available_transitions(S.CLOSED, Feedback.SATISFIED, CLOSED_ON, CLOSED_ON) == ()


# --- due dates and overdue ---------------------------------------------------------------------------------------


def test_due_date_adds_the_category_days() -> None:
    assert due_date(date(2026, 1, 20), 15) == date(2026, 2, 4)
    assert due_date(date(2024, 2, 20), 10) == date(2024, 3, 1)  # leap year


@given(
    st.sampled_from(list(S)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
    st.integers(-100, 100),
)
def test_overdue_means_open_after_the_due_day(status: ComplaintStatus, due_on: date, offset: int) -> None:
    as_of = due_on + timedelta(days=offset)
    assert is_overdue(status, due_on, as_of) == (status in OPEN_STATUSES and offset > 0)


def test_open_statuses() -> None:
    assert OPEN_STATUSES == {S.RECEIVED, S.ASSIGNED, S.UNDER_INQUIRY}
    assert not is_overdue(S.UNDER_INQUIRY, date(2026, 1, 1), date(2026, 1, 1))  # due today is not late
    assert is_overdue(S.UNDER_INQUIRY, date(2026, 1, 1), date(2026, 1, 2))


# --- tracking numbers --------------------------------------------------------------------------------------------


def test_tracking_number_format() -> None:
    assert format_tracking_no("LHR", 2026, 123) == "LHR/2026/000123"
    assert format_tracking_no("fsd", 2027, 1) == "FSD/2027/000001"
    assert format_tracking_no("LHR", 2026, 1_234_567) == "LHR/2026/1234567"
    with pytest.raises(ValueError):
        format_tracking_no("LHR", 2026, 0)
    with pytest.raises(ValueError):
        format_tracking_no("LHR", 26, 1)


@pytest.mark.parametrize(
    "typed",
    ["LHR/2026/000123", "lhr/2026/123", "LHR-2026-123", " LHR 2026 000123 ", "lhr / 2026 / 0123", "LHR/۲۰۲۶/۱۲۳"],
)
def test_tracking_number_parsing_accepts_common_shapes(typed: str) -> None:
    assert parse_tracking_no(typed) == "LHR/2026/000123"


@pytest.mark.parametrize("typed", ["", "123", "LHR/26/123", "LHR/2026/0", "LHR/2026/abc", "L/2026/1", "LHR2026123"])
def test_tracking_number_parsing_refuses_other_text(typed: str) -> None:
    with pytest.raises(ValidationError) as raised:
        parse_tracking_no(typed)
    assert raised.value.field == "tracking_no"
    assert "LHR/2026/000123" in raised.value.message


@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=8),
    st.integers(1000, 9999),
    st.integers(1, 999_999),
)
def test_tracking_number_round_trip(district: str, year: int, number: int) -> None:
    formatted = format_tracking_no(district, year, number)
    assert parse_tracking_no(formatted) == formatted
    assert parse_tracking_no(formatted.lower().replace("/", "-")) == formatted
    assert parse_tracking_no(f"{district}/{year}/{number}") == formatted
    assert len(formatted.rsplit("/", 1)[-1]) == 6
