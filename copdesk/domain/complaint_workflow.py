"""The complaint workflow: statuses, legal transitions, reopening, due dates and tracking numbers.

Pure rules, no database. A complaint moves

    received → assigned | rejected
    assigned → under_inquiry | assigned (reassigned) | rejected
    under_inquiry → resolved | referred | fir_registered | rejected
    resolved | referred | fir_registered | rejected → closed (with a closure category)
    closed → under_inquiry, only by reopening after "not satisfied" feedback within the reopening window.

Every illegal move is refused with a plain sentence a clerk understands (:class:`WorkflowError`).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum

from copdesk.domain.identity import to_ascii_digits
from copdesk.errors import ValidationError, WorkflowError

__all__ = [
    "OPEN_STATUSES",
    "OUTCOME_STATUSES",
    "REOPEN_WINDOW_DAYS",
    "ClosureCategory",
    "ComplaintChannel",
    "ComplaintStatus",
    "Feedback",
    "allowed_transitions",
    "available_transitions",
    "can_reopen",
    "check_reopen",
    "check_transition",
    "due_date",
    "format_tracking_no",
    "is_overdue",
    "parse_tracking_no",
    "reopen_deadline",
]

#: Days after closing during which a complainant who is not satisfied can have the complaint reopened.
REOPEN_WINDOW_DAYS = 30


class ComplaintStatus(StrEnum):
    """Where a complaint stands."""

    RECEIVED = "received"
    ASSIGNED = "assigned"
    UNDER_INQUIRY = "under_inquiry"
    RESOLVED = "resolved"
    REFERRED = "referred"
    FIR_REGISTERED = "fir_registered"
    REJECTED = "rejected"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """Human-readable name of the status."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ComplaintStatus.RECEIVED: "Received",
    ComplaintStatus.ASSIGNED: "Assigned",
    ComplaintStatus.UNDER_INQUIRY: "Under inquiry",
    ComplaintStatus.RESOLVED: "Resolved",
    ComplaintStatus.REFERRED: "Referred",
    ComplaintStatus.FIR_REGISTERED: "FIR registered",
    ComplaintStatus.REJECTED: "Rejected",
    ComplaintStatus.CLOSED: "Closed",
}


class ComplaintChannel(StrEnum):
    """How the complaint reached the police."""

    WALK_IN = "walk_in"
    PHONE = "phone"
    WRITTEN = "written"
    COMMITTEE_REFERRAL = "committee_referral"
    OTHER = "other"


class ClosureCategory(StrEnum):
    """How a closed complaint ended for the complainant (required to close)."""

    RELIEF_GRANTED = "relief_granted"
    PARTIAL_RELIEF = "partial_relief"
    NO_RELIEF = "no_relief"
    REFERRED = "referred"


class Feedback(StrEnum):
    """The complainant's view of the outcome."""

    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"


S = ComplaintStatus

#: Statuses in which the police still owe the complainant an outcome (these can become overdue).
OPEN_STATUSES: frozenset[ComplaintStatus] = frozenset({S.RECEIVED, S.ASSIGNED, S.UNDER_INQUIRY})
#: Statuses that end an inquiry and wait for closing.
OUTCOME_STATUSES: frozenset[ComplaintStatus] = frozenset({S.RESOLVED, S.REFERRED, S.FIR_REGISTERED, S.REJECTED})

_TRANSITIONS: dict[ComplaintStatus, tuple[ComplaintStatus, ...]] = {
    S.RECEIVED: (S.ASSIGNED, S.REJECTED),
    S.ASSIGNED: (S.UNDER_INQUIRY, S.ASSIGNED, S.REJECTED),
    S.UNDER_INQUIRY: (S.RESOLVED, S.REFERRED, S.FIR_REGISTERED, S.REJECTED),
    S.RESOLVED: (S.CLOSED,),
    S.REFERRED: (S.CLOSED,),
    S.FIR_REGISTERED: (S.CLOSED,),
    S.REJECTED: (S.CLOSED,),
    S.CLOSED: (S.UNDER_INQUIRY,),
}

_OUTCOME_VERBS = {
    S.RESOLVED: "resolved",
    S.REFERRED: "referred elsewhere",
    S.FIR_REGISTERED: "registered as an FIR",
}


def allowed_transitions(status: ComplaintStatus | str) -> tuple[ComplaintStatus, ...]:
    """The statuses a complaint in ``status`` may move to (reopening a closed complaint has extra conditions)."""
    return _TRANSITIONS[ComplaintStatus(status)]


def _refusal(source: ComplaintStatus, target: ComplaintStatus) -> str:
    """The plain sentence explaining why ``source → target`` is not allowed."""
    if source is target:
        return f"The complaint is already {source.label.lower()}."
    if target is S.RECEIVED:
        return "A complaint cannot be sent back to 'received'."
    if source is S.CLOSED:
        return (
            "This complaint is closed. It can only be reopened for a new inquiry, after the complainant "
            "says they are not satisfied."
        )
    if source in OUTCOME_STATUSES:
        return f"This complaint is already {source.label.lower()}; the only next step is to close it."
    if target is S.CLOSED:
        return "A complaint can only be closed once it is resolved, referred, registered as an FIR or rejected."
    if target is S.UNDER_INQUIRY and source is S.RECEIVED:
        return "A complaint must be assigned before its inquiry starts."
    if target is S.UNDER_INQUIRY:
        return "The inquiry into this complaint has already started."
    if target is S.ASSIGNED:
        return "The inquiry has already started, so the complaint can no longer be assigned to another officer."
    if target in _OUTCOME_VERBS:
        return f"The inquiry must be started before the complaint can be {_OUTCOME_VERBS[target]}."
    return f"A complaint cannot go from {source.label.lower()} to {target.label.lower()}."  # pragma: no cover


def check_transition(source: ComplaintStatus | str, target: ComplaintStatus | str) -> None:
    """Raise :class:`WorkflowError` with a plain explanation unless ``source → target`` is legal."""
    source, target = ComplaintStatus(source), ComplaintStatus(target)
    if target not in _TRANSITIONS[source]:
        raise WorkflowError(_refusal(source, target))


def reopen_deadline(closed_on: date) -> date:
    """The last day on which a complaint closed on ``closed_on`` can be reopened."""
    return closed_on + timedelta(days=REOPEN_WINDOW_DAYS)


def check_reopen(
    status: ComplaintStatus | str, feedback: Feedback | str | None, closed_on: date | None, today: date
) -> None:
    """Raise :class:`WorkflowError` unless the complaint may be reopened today."""
    if ComplaintStatus(status) is not S.CLOSED:
        raise WorkflowError("Only a closed complaint can be reopened.")
    if feedback is None or Feedback(feedback) is not Feedback.NOT_SATISFIED:
        raise WorkflowError("A complaint can only be reopened after the complainant says they are not satisfied.")
    if closed_on is None or today > reopen_deadline(closed_on):
        raise WorkflowError(
            f"A complaint can only be reopened within {REOPEN_WINDOW_DAYS} days of closing; "
            "register a new complaint instead."
        )


def can_reopen(
    status: ComplaintStatus | str, feedback: Feedback | str | None, closed_on: date | None, today: date
) -> bool:
    """True when :func:`check_reopen` would allow reopening today."""
    try:
        check_reopen(status, feedback, closed_on, today)
    except WorkflowError:
        return False
    return True


def available_transitions(
    status: ComplaintStatus | str, feedback: Feedback | str | None, closed_on: date | None, today: date
) -> tuple[ComplaintStatus, ...]:
    """The moves that would succeed today (what a screen offers as buttons)."""
    status = ComplaintStatus(status)
    if status is S.CLOSED:
        return (S.UNDER_INQUIRY,) if can_reopen(status, feedback, closed_on, today) else ()
    return allowed_transitions(status)


def due_date(received_on: date, due_days: int) -> date:
    """The day by which a complaint received on ``received_on`` should be resolved."""
    return received_on + timedelta(days=due_days)


def is_overdue(status: ComplaintStatus | str, due_on: date, as_of: date) -> bool:
    """True when the complaint is still open after its due day."""
    return ComplaintStatus(status) in OPEN_STATUSES and as_of > due_on


# --- tracking numbers ----------------------------------------------------------------------------------------

_TRACKING_EXAMPLE = "LHR/2026/000123"
_TRACKING_SHAPE = re.compile(r"([A-Za-z]{2,8})\s*[/\-\s]\s*([0-9]{4})\s*[/\-\s]\s*([0-9]{1,9})")


def format_tracking_no(district_code: str, year: int, number: int) -> str:
    """The tracking number ``<DISTRICT>/<YYYY>/<NNNNNN>`` (at least six digits)."""
    if number < 1 or not 1000 <= year <= 9999:
        raise ValueError("tracking numbers need a positive number and a four-digit year")
    return f"{district_code.upper()}/{year:04d}/{number:06d}"


def parse_tracking_no(text: str) -> str:
    """The canonical tracking number for what a clerk typed (``lhr-2026-123`` → ``LHR/2026/000123``).

    Raises :class:`ValidationError` when the text is not shaped like a tracking number.
    """
    raw = to_ascii_digits(text).strip()
    match = _TRACKING_SHAPE.fullmatch(raw)
    if match is None or int(match.group(3)) == 0:
        raise ValidationError(f"A tracking number looks like {_TRACKING_EXAMPLE}.", "tracking_no")
    return format_tracking_no(match.group(1), int(match.group(2)), int(match.group(3)))
