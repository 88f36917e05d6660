"""COP training of officers: sessions, who attended them, and how much of the force has been trained.

Everyone at the desk may look and record (``training.view`` / ``training.manage``); deleting a session takes a
station or district officer (``training.delete``). Durations are kept in whole minutes and shown in hours.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, func, select
from sqlalchemy.orm import Session

from copdesk.domain.corpus import load_corpus, ranks
from copdesk.domain.months import Month
from copdesk.errors import NotFound, ValidationError
from copdesk.models.organisation import Officer, Station
from copdesk.models.training import TrainingAttendance, TrainingSession
from copdesk.services.context import Service, requires
from copdesk.services.fields import check_version, clean_line, require_date
from copdesk.services.filters import DAY_FILTERS, as_month, as_record_id, check_filters, filter_days
from copdesk.services.organisation import rank_label
from copdesk.services.paging import Page, PageRequest, apply_search, apply_sort, count_rows, window

__all__ = [
    "TrainingAttendee",
    "TrainingCoverage",
    "TrainingDraft",
    "TrainingRow",
    "TrainingService",
    "TrainingView",
    "minutes_from_hours",
]

TOPIC_MAX = 200
TRAINER_MAX = 120
VENUE_MAX = 200
#: The longest session one record may hold (a ten-week course of forty-hour weeks); more is taken for a slip.
HOURS_MAX = 400
FILTERS = frozenset({"officer_id"}) | DAY_FILTERS
_MISSING = "This training session does not exist or has been deleted."


def minutes_from_hours(hours: float | int | Decimal) -> int:
    """Whole minutes for a duration in hours (``1.5`` → 90); ``ValidationError`` unless more than 0 and sane."""
    if isinstance(hours, bool) or not isinstance(hours, int | float | Decimal):
        raise ValidationError("Enter how many hours the training lasted, for example 2 or 1.5.", "hours")
    value = float(hours)
    if not math.isfinite(value):
        raise ValidationError("Enter how many hours the training lasted, for example 2 or 1.5.", "hours")
    if value > HOURS_MAX:
        raise ValidationError(f"A training session can last at most {HOURS_MAX} hours; check the hours.", "hours")
    minutes = round(value * 60)
    if minutes < 1:
        raise ValidationError("A training session must last some time: enter more than 0 hours.", "hours")
    return minutes


@dataclass(frozen=True)
class TrainingDraft:
    """What the training form sends; ``hours`` may have a fraction (1.5 is an hour and a half)."""

    topic: str
    held_on: date
    hours: float
    trainer: str = ""
    venue: str = ""
    notes: str = ""


@dataclass(frozen=True)
class TrainingAttendee:
    """An officer who attended a session."""

    officer_id: uuid.UUID
    name: str
    rank: str
    rank_label: str
    number: str
    station_name: str
    active: bool


@dataclass(frozen=True)
class TrainingRow:
    """A training session as a list row."""

    id: uuid.UUID
    version: int
    topic: str
    held_on: date
    duration_minutes: int
    trainer: str
    venue: str
    notes: str
    attendee_count: int

    @property
    def hours(self) -> float:
        """The session's length in hours (90 minutes → 1.5)."""
        return self.duration_minutes / 60


@dataclass(frozen=True)
class TrainingView(TrainingRow):
    """A training session with its attendees, senior ranks first."""

    attendees: tuple[TrainingAttendee, ...] = ()


@dataclass(frozen=True)
class TrainingCoverage:
    """How much training a month saw, and how much of the force has been trained this year.

    ``hours`` adds up the sessions' lengths; ``officer_hours`` adds up each attendee's hours. The year-to-date
    share is the number of officers active today who attended at least one session from 1 January to the end of
    the month, divided by the number of officers active today (0.0 when there are none).
    """

    month: str
    sessions: int
    officers_trained: int
    hours: float
    officer_hours: float
    active_officers: int
    active_trained_year_to_date: int
    share_trained_year_to_date: float


def _row(training: TrainingSession, attendee_count: int) -> TrainingRow:
    return TrainingRow(
        id=training.id,
        version=training.version,
        topic=training.topic,
        held_on=training.held_on,
        duration_minutes=training.duration_minutes,
        trainer=training.trainer,
        venue=training.venue,
        notes=training.notes,
        attendee_count=attendee_count,
    )


def _attendee_count() -> ColumnElement[int]:
    """The number of (undeleted) attendees of the outer query's session."""
    return (
        select(func.count())
        .select_from(TrainingAttendance)
        .join(Officer, Officer.id == TrainingAttendance.officer_id)
        .where(
            TrainingAttendance.session_id == TrainingSession.id,
            TrainingAttendance.deleted_at.is_(None),
            Officer.deleted_at.is_(None),
        )
        .correlate(TrainingSession)
        .scalar_subquery()
    )


class TrainingService(Service):
    """Record training sessions and their attendees; measure training coverage."""

    # --- changes ---

    @requires("training.manage")
    def create(self, draft: TrainingDraft) -> TrainingView:
        """Record a new training session (add its attendees with :meth:`set_attendees`)."""
        with self.ctx.write() as session:
            training = TrainingSession()
            self._apply(training, draft)
            session.add(training)
            session.flush()
            return self._view(session, training)

    @requires("training.manage")
    def update(self, session_id: uuid.UUID, draft: TrainingDraft, expected_version: int) -> TrainingView:
        """Change a session; ``ConflictError`` if someone else changed it since ``expected_version``."""
        with self.ctx.write() as session:
            training = self._load(session, session_id)
            check_version(training, expected_version, "training session")
            self._apply(training, draft)
            session.flush()
            return self._view(session, training)

    @requires("training.manage")
    def set_attendees(self, session_id: uuid.UUID, officer_ids: Sequence[uuid.UUID]) -> TrainingView:
        """Make ``officer_ids`` the session's attendees (repeats ignored).

        Only active officers can be added; an officer already on the list stays on it even if no longer active.
        """
        wanted = list(dict.fromkeys(as_record_id(officer_id, "officer_ids") for officer_id in officer_ids))
        with self.ctx.write() as session:
            training = self._load(session, session_id)
            rows = {
                row.officer_id: row
                for row in session.scalars(
                    select(TrainingAttendance).where(TrainingAttendance.session_id == training.id)
                )
            }
            current = {officer_id for officer_id, row in rows.items() if row.deleted_at is None}
            officers = (
                {o.id: o for o in session.scalars(select(Officer).where(Officer.id.in_(wanted)))} if wanted else {}
            )
            for officer_id in wanted:
                officer = officers.get(officer_id)
                if officer is None or officer.is_deleted:
                    raise ValidationError(
                        "One of the chosen officers is not on the district's list of officers; choose again.",
                        "officer_ids",
                    )
                if not officer.active and officer_id not in current:
                    raise ValidationError(
                        f"{officer.name} is no longer an active officer, so cannot be added to a training.",
                        "officer_ids",
                    )
            now = self.ctx.now()
            keep = set(wanted)
            for officer_id, row in rows.items():
                if row.deleted_at is None and officer_id not in keep:
                    row.deleted_at = now
            for officer_id in wanted:
                existing = rows.get(officer_id)
                if existing is None:
                    session.add(TrainingAttendance(session_id=training.id, officer_id=officer_id))
                elif existing.deleted_at is not None:
                    existing.deleted_at = None
            session.flush()
            return self._view(session, training)

    @requires("training.delete")
    def delete(self, session_id: uuid.UUID, expected_version: int | None = None) -> None:
        """Delete a session and its attendance (they disappear from lists and coverage)."""
        with self.ctx.write() as session:
            training = self._load(session, session_id)
            if expected_version is not None:
                check_version(training, expected_version, "training session")
            now = self.ctx.now()
            training.deleted_at = now
            for row in session.scalars(
                select(TrainingAttendance).where(
                    TrainingAttendance.session_id == training.id, TrainingAttendance.deleted_at.is_(None)
                )
            ):
                row.deleted_at = now

    # --- reading ---

    @requires("training.view")
    def get(self, session_id: uuid.UUID) -> TrainingView:
        """One session with its attendees' names and ranks (``NotFound`` if missing or deleted)."""
        with self.ctx.read() as session:
            return self._view(session, self._load(session, session_id))

    @requires("training.view")
    def count(self, request: PageRequest) -> int:
        """How many sessions the list shows.

        Filters: ``date_from``, ``date_to``, ``month`` (``YYYY-MM``), ``officer_id`` (sessions the officer
        attended); the search looks in topic, trainer, venue and notes.
        """
        with self.ctx.read() as session:
            return count_rows(session, self._listing(session, request))

    @requires("training.view")
    def page(self, request: PageRequest) -> Page[TrainingRow]:
        """A page of sessions, sorted by ``held_on`` (default), ``topic``, ``hours`` or ``attendees``."""
        with self.ctx.read() as session:
            attendees = _attendee_count()
            sort_columns: dict[str, ColumnElement[Any]] = {
                "held_on": TrainingSession.held_on.expression,
                "topic": TrainingSession.topic.expression,
                "hours": TrainingSession.duration_minutes.expression,
                "attendees": attendees,
            }
            query = self._listing(session, request).add_columns(attendees)
            query = apply_sort(query, request, sort_columns, "held_on", TrainingSession.id)
            rows = session.execute(window(query, request)).all()
            return Page(request.offset, [_row(training, int(count)) for training, count in rows])

    @requires("training.view")
    def topic_suggestions(self) -> list[str]:
        """Topics to offer while typing: the standard COP topics, then others already used in this district."""
        standard = [str(item["en"]) for item in load_corpus().get("training_topics", [])]
        seen = {topic.casefold() for topic in standard}
        with self.ctx.read() as session:
            used = session.scalars(
                select(TrainingSession.topic).where(TrainingSession.deleted_at.is_(None)).distinct()
            ).all()
        extra = sorted({topic for topic in used if topic.casefold() not in seen}, key=str.casefold)
        return standard + extra

    @requires("training.view")
    def coverage(self, month: Month | str) -> TrainingCoverage:
        """A month's (``YYYY-MM``) training coverage.

        Sessions, distinct officers trained and hours in the month, and the share of active officers trained from
        1 January to the month's end (see :class:`TrainingCoverage`).
        """
        chosen = as_month(month)
        first, last = chosen.first_day, chosen.last_day
        live = (
            TrainingSession.deleted_at.is_(None),
            TrainingAttendance.deleted_at.is_(None),
            Officer.deleted_at.is_(None),
        )
        attended = (
            select()
            .select_from(TrainingAttendance)
            .join(TrainingSession, TrainingSession.id == TrainingAttendance.session_id)
            .join(Officer, Officer.id == TrainingAttendance.officer_id)
            .where(*live)
        )
        with self.ctx.read() as session:
            sessions, minutes = session.execute(
                select(func.count(), func.coalesce(func.sum(TrainingSession.duration_minutes), 0)).where(
                    TrainingSession.deleted_at.is_(None), TrainingSession.held_on.between(first, last)
                )
            ).one()
            trained, officer_minutes = session.execute(
                attended.add_columns(
                    func.count(func.distinct(TrainingAttendance.officer_id)),
                    func.coalesce(func.sum(TrainingSession.duration_minutes), 0),
                ).where(TrainingSession.held_on.between(first, last))
            ).one()
            active = session.scalar(
                select(func.count()).select_from(Officer).where(Officer.deleted_at.is_(None), Officer.active.is_(True))
            )
            trained_ytd = session.scalar(
                attended.add_columns(func.count(func.distinct(TrainingAttendance.officer_id))).where(
                    TrainingSession.held_on.between(date(first.year, 1, 1), last), Officer.active.is_(True)
                )
            )
        active = int(active or 0)
        trained_ytd = int(trained_ytd or 0)
        return TrainingCoverage(
            month=str(chosen),
            sessions=int(sessions),
            officers_trained=int(trained),
            hours=int(minutes) / 60,
            officer_hours=int(officer_minutes) / 60,
            active_officers=active,
            active_trained_year_to_date=trained_ytd,
            share_trained_year_to_date=trained_ytd / active if active else 0.0,
        )

    # --- helpers ---

    def _load(self, session: Session, session_id: uuid.UUID) -> TrainingSession:
        training = session.get(TrainingSession, session_id) if isinstance(session_id, uuid.UUID) else None
        if training is None or training.is_deleted:
            raise NotFound(_MISSING)
        return training

    def _apply(self, training: TrainingSession, draft: TrainingDraft) -> None:
        topic = clean_line(draft.topic, "topic", "topic of the training", TOPIC_MAX, required=True)
        held_on = require_date(draft.held_on, "held_on", "date of the training", today=self.ctx.today())
        minutes = minutes_from_hours(draft.hours)
        trainer = clean_line(draft.trainer, "trainer", "trainer's name", TRAINER_MAX)
        venue = clean_line(draft.venue, "venue", "venue", VENUE_MAX)
        training.topic = topic
        training.held_on = held_on
        training.duration_minutes = minutes
        training.trainer = trainer
        training.venue = venue
        training.notes = (draft.notes or "").strip()

    def _view(self, session: Session, training: TrainingSession) -> TrainingView:
        order = {code: index for index, code in enumerate(ranks())}
        rows = session.execute(
            select(Officer, Station.name)
            .join(TrainingAttendance, TrainingAttendance.officer_id == Officer.id)
            .outerjoin(Station, Station.id == Officer.station_id)
            .where(
                TrainingAttendance.session_id == training.id,
                TrainingAttendance.deleted_at.is_(None),
                Officer.deleted_at.is_(None),
            )
        ).all()
        attendees = tuple(
            TrainingAttendee(
                officer_id=officer.id,
                name=officer.name,
                rank=officer.rank,
                rank_label=rank_label(officer.rank),
                number=officer.number,
                station_name=station_name or "",
                active=officer.active,
            )
            for officer, station_name in sorted(
                rows, key=lambda row: (-order.get(row[0].rank, -1), row[0].name.casefold(), str(row[0].id))
            )
        )
        row = _row(training, len(attendees))
        return TrainingView(**{f.name: getattr(row, f.name) for f in fields(TrainingRow)}, attendees=attendees)

    def _listing(self, session: Session, request: PageRequest) -> Select[Any]:
        query = select(TrainingSession).where(TrainingSession.deleted_at.is_(None))
        filters = check_filters(request.filters, FILTERS, "Training sessions")
        query = filter_days(query, TrainingSession.held_on, filters)
        if "officer_id" in filters:
            officer_id = as_record_id(filters["officer_id"], "officer_id")
            query = query.where(
                exists().where(
                    TrainingAttendance.session_id == TrainingSession.id,
                    TrainingAttendance.officer_id == officer_id,
                    TrainingAttendance.deleted_at.is_(None),
                )
            )
        return apply_search(query, TrainingSession, session, request.search)
