"""Month closing: checks, close (figures stored, high-water mark recorded), reopen with a reason."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from copdesk.domain.months import Month
from copdesk.errors import ValidationError, WorkflowError
from copdesk.models.complaints import Complaint
from copdesk.models.meetings import Meeting
from copdesk.models.months import MonthClosing, MonthlyFigures, MonthState
from copdesk.models.watch import DutyShift, ShiftAssignment
from copdesk.services.context import Service, requires
from copdesk.services.figures import DEFINITION, compute_figures, figures_json
from copdesk.storage.audit_chain import append_entry, load_state

MAX_LISTED = 200


@dataclass(frozen=True)
class MonthProblem:
    """One record that keeps a month from closing, with what to do about it."""

    record_type: str  # "meeting", "complaint", "watch_shift"
    record_id: uuid.UUID
    description: str


@dataclass(frozen=True)
class MonthStatus:
    """Where a month stands: open/closed/reopened, and what (if anything) blocks closing it."""

    month: str
    state: str  # "open", "closed" or "reopened"
    closed_at: datetime | None
    closed_by: str | None
    reopen_reason: str
    problems: tuple[MonthProblem, ...]
    more_problems: int

    @property
    def can_close(self) -> bool:
        """True when every check passes."""
        return not self.problems and self.state != MonthState.CLOSED


def closing_of(session: Session, district_code: str, month: Month) -> MonthClosing | None:
    """The closing row of a month, if it was ever closed."""
    return session.scalar(
        select(MonthClosing).where(MonthClosing.district_code == district_code, MonthClosing.month == str(month))
    )


def closed_months(session: Session, district_code: str) -> set[str]:
    """The months of a district that are closed now."""
    return set(
        session.scalars(
            select(MonthClosing.month).where(
                MonthClosing.district_code == district_code, MonthClosing.state == MonthState.CLOSED
            )
        )
    )


def month_problems(session: Session, district_code: str, month: Month) -> list[MonthProblem]:
    """Every check that fails for the month (at most ``MAX_LISTED`` + 1 are gathered)."""
    first, last = month.first_day, month.last_day
    problems: list[MonthProblem] = []
    for meeting in session.scalars(
        select(Meeting)
        .where(
            Meeting.district_code == district_code,
            Meeting.deleted_at.is_(None),
            Meeting.status != "closed",
            Meeting.held_on.between(first, last),
        )
        .order_by(Meeting.held_on)
        .limit(MAX_LISTED + 1)
    ):
        problems.append(
            MonthProblem(
                "meeting",
                meeting.id,
                f"The meeting of {meeting.held_on:%d %b %Y} is not closed: record its attendance and minutes and "
                "close it, or delete it if it did not take place.",
            )
        )
    for complaint in session.scalars(
        select(Complaint)
        .where(
            Complaint.district_code == district_code,
            Complaint.deleted_at.is_(None),
            Complaint.resolved_on.between(first, last),
            Complaint.closure_category.is_(None),
        )
        .order_by(Complaint.resolved_on)
        .limit(MAX_LISTED + 1)
    ):
        problems.append(
            MonthProblem(
                "complaint",
                complaint.id,
                f"Complaint {complaint.tracking_no} was resolved but has no closure category: close it with one.",
            )
        )
    unticked = (
        select(DutyShift)
        .join(ShiftAssignment, ShiftAssignment.shift_id == DutyShift.id)
        .where(
            DutyShift.district_code == district_code,
            DutyShift.deleted_at.is_(None),
            DutyShift.shift_date.between(first, last),
            ShiftAssignment.deleted_at.is_(None),
            ShiftAssignment.turned_out.is_(None),
        )
        .distinct()
        .order_by(DutyShift.shift_date)
        .limit(MAX_LISTED + 1)
    )
    for shift in session.scalars(unticked):
        problems.append(
            MonthProblem(
                "watch_shift",
                shift.id,
                f"The watch shift of {shift.shift_date:%d %b %Y} has volunteers whose turn-out is not ticked.",
            )
        )
    return problems


class MonthService(Service):
    """The month's status, closing it and reopening it."""

    def _district(self) -> str:
        if not self.ctx.district_code:
            raise ValidationError("Months are closed in a district database.")
        return self.ctx.district_code

    @requires("month.view")
    def status(self, month: str) -> MonthStatus:
        """The month's state and the checks that fail."""
        parsed = Month.parse(month)
        district = self._district()
        with self.ctx.read() as session:
            closing = closing_of(session, district, parsed)
            problems = (
                [] if closing and closing.state == MonthState.CLOSED else month_problems(session, district, parsed)
            )
        state = "open" if closing is None else closing.state
        return MonthStatus(
            str(parsed),
            state,
            closing.closed_at if closing else None,
            closing.closed_by if closing else None,
            closing.reopen_reason if closing else "",
            tuple(problems[:MAX_LISTED]),
            max(0, len(problems) - MAX_LISTED),
        )

    @requires("month.view")
    def recent(self, count: int = 12) -> list[MonthStatus]:
        """The status of the last ``count`` months up to the current one (newest first), without the checks."""
        district = self._district()
        current = Month.of(self.ctx.today())
        months = [current]
        while len(months) < count:
            months.append(months[-1].previous())
        with self.ctx.read() as session:
            rows = {
                c.month: c
                for c in session.scalars(
                    select(MonthClosing).where(
                        MonthClosing.district_code == district, MonthClosing.month.in_([str(m) for m in months])
                    )
                )
            }
        return [
            MonthStatus(
                str(m),
                rows[str(m)].state if str(m) in rows else "open",
                rows[str(m)].closed_at if str(m) in rows else None,
                rows[str(m)].closed_by if str(m) in rows else None,
                rows[str(m)].reopen_reason if str(m) in rows else "",
                (),
                0,
            )
            for m in months
        ]

    @requires("month.close")
    def close(self, month: str) -> MonthStatus:
        """Close a finished month whose checks pass: store its figures and the change-sequence mark, lock it."""
        parsed = Month.parse(month)
        district = self._district()
        if parsed.last_day >= self.ctx.today():
            raise WorkflowError(
                f"{parsed.label} is not over yet; it can be closed from {parsed.next().first_day:%d %B %Y}."
            )
        with self.ctx.write() as session:
            closing = closing_of(session, district, parsed)
            if closing is not None and closing.state == MonthState.CLOSED:
                raise WorkflowError(f"{parsed.label} is already closed.")
            previous = parsed.previous()
            before = closing_of(session, district, previous)
            if _has_closing_before(session, district, parsed) and (before is None or before.state != MonthState.CLOSED):
                raise WorkflowError(f"Close {previous.label} first: months are closed in order.")
            problems = month_problems(session, district, parsed)
            if problems:
                raise WorkflowError(
                    f"{parsed.label} cannot be closed yet: {len(problems)} check(s) fail. The first: "
                    f"{problems[0].description}"
                )
            figures = compute_figures(session, None, parsed)  # a district database holds one district
            now = self.ctx.now()
            stored = session.scalar(
                select(MonthlyFigures).where(
                    MonthlyFigures.district_code == district, MonthlyFigures.month == str(parsed)
                )
            )
            if stored is None:
                session.add(
                    MonthlyFigures(
                        month=str(parsed), definition=DEFINITION, figures=figures_json(figures), computed_at=now
                    )
                )
            else:
                stored.definition = DEFINITION
                stored.figures = figures_json(figures)
                stored.computed_at = now
            session.flush()
            mark = load_state(session).change_seq + 1  # the closing row's own change comes next
            if closing is None:
                session.add(
                    MonthClosing(
                        month=str(parsed),
                        state=MonthState.CLOSED,
                        closed_at=now,
                        closed_by=self.ctx.actor.username,
                        high_water_seq=mark,
                        times_closed=1,
                    )
                )
            else:
                closing.state = MonthState.CLOSED
                closing.closed_at = now
                closing.closed_by = self.ctx.actor.username
                closing.high_water_seq = mark
                closing.times_closed += 1
            append_entry(session, self.ctx.actor.username, "month.close", "month", str(parsed))
        return self.status(str(parsed))

    @requires("month.reopen")
    def reopen(self, month: str, reason: str) -> MonthStatus:
        """Reopen a closed month so that its records can be corrected (the reason is kept and audited)."""
        parsed = Month.parse(month)
        district = self._district()
        if len(reason.strip()) < 5:
            raise ValidationError("Give the reason for reopening the month (what must be corrected).", "reason")
        with self.ctx.write() as session:
            closing = closing_of(session, district, parsed)
            if closing is None or closing.state != MonthState.CLOSED:
                raise WorkflowError(f"{parsed.label} is not closed.")
            later = closing_of(session, district, parsed.next())
            if later is not None and later.state == MonthState.CLOSED:
                raise WorkflowError(f"Reopen {parsed.next().label} first: months are reopened newest first.")
            closing.state = MonthState.REOPENED
            closing.reopened_at = self.ctx.now()
            closing.reopened_by = self.ctx.actor.username
            closing.reopen_reason = reason.strip()
            append_entry(
                session, self.ctx.actor.username, "month.reopen", "month", str(parsed), {"reason": reason.strip()}
            )
        return self.status(str(parsed))


def _has_closing_before(session: Session, district_code: str, month: Month) -> bool:
    """True when some earlier month was ever closed (months are closed in order from the first one closed)."""
    query = select(MonthClosing.id).where(MonthClosing.district_code == district_code, MonthClosing.month < str(month))
    return session.scalar(query.limit(1)) is not None
