"""Outreach events: record them, list and search them, total them for the month and pick success stories.

Everyone at the desk may look and record (``outreach.view`` / ``outreach.manage``); deleting takes a station or
district officer (``outreach.delete``).

Attendance is counted as men and women; the total attendance is ``men + women``. Youth is the number of young
people *among* those men and women (it overlaps them), so it is never added to the total and can never exceed it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from copdesk.domain.corpus import outreach_kinds
from copdesk.domain.months import Month
from copdesk.errors import NotFound, ValidationError
from copdesk.models.organisation import Station
from copdesk.models.outreach import OutreachEvent, OutreachKind
from copdesk.services.context import Service, requires
from copdesk.services.fields import as_choice, check_version, clean_line, require_date
from copdesk.services.filters import (
    DAY_FILTERS,
    as_filter_bool,
    as_filter_date,
    as_month,
    as_record_id,
    check_filters,
    filter_days,
)
from copdesk.services.paging import Page, PageRequest, apply_search, apply_sort, count_rows, window
from copdesk.services.privacy import show_contact

__all__ = [
    "AttendanceTotals",
    "KindOutreachTotals",
    "OutreachDraft",
    "OutreachService",
    "OutreachTotals",
    "OutreachView",
    "StationOutreachTotals",
    "SuccessStory",
    "as_filter_date",
    "as_month",
    "kind_label",
]

TITLE_MAX = 200
VENUE_MAX = 200
#: A sanity limit on each attendance count (a typing slip such as an extra zero is caught, a large mela is not).
ATTENDANCE_MAX = 1_000_000
_MISSING = "This outreach event does not exist or has been deleted."
FILTERS = frozenset({"kind", "station_id", "has_success_story"}) | DAY_FILTERS


def kind_label(kind: str) -> str:
    """The English label of an outreach kind code (the code itself if the corpus does not know it)."""
    labelled = outreach_kinds().get(kind)
    return labelled.name_en if labelled is not None else kind


# --- values in and out --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutreachDraft:
    """What the outreach form sends. ``youth`` counts the young people among the men and women."""

    kind: OutreachKind | str
    title: str
    station_id: uuid.UUID
    held_on: date
    venue: str = ""
    men: int = 0
    women: int = 0
    youth: int = 0
    summary: str = ""
    success_story: str = ""
    #: The people named in the success story agreed to its publication.
    success_story_consent: bool = False


@dataclass(frozen=True)
class OutreachView:
    """An outreach event as shown in lists and forms (the success story masked for roles that may not see it)."""

    id: uuid.UUID
    version: int
    kind: OutreachKind
    kind_label: str
    title: str
    station_id: uuid.UUID
    station_name: str
    held_on: date
    venue: str
    men: int
    women: int
    youth: int
    summary: str
    success_story: str
    success_story_consent: bool

    @property
    def attendance(self) -> int:
        """Total attendance: men and women (youth are counted among them)."""
        return self.men + self.women


@dataclass(frozen=True)
class SuccessStory:
    """A success story whose people agreed to publication, for the annual report."""

    event_id: uuid.UUID
    held_on: date
    kind: OutreachKind
    kind_label: str
    title: str
    station_id: uuid.UUID
    station_name: str
    venue: str
    story: str


@dataclass(frozen=True)
class AttendanceTotals:
    """Number of events and their attendance (youth counted among the men and women)."""

    events: int = 0
    men: int = 0
    women: int = 0
    youth: int = 0

    @property
    def attendance(self) -> int:
        """Total attendance: men and women."""
        return self.men + self.women

    def plus(self, other: AttendanceTotals) -> AttendanceTotals:
        """The sum of two totals."""
        return AttendanceTotals(
            self.events + other.events, self.men + other.men, self.women + other.women, self.youth + other.youth
        )


@dataclass(frozen=True)
class StationOutreachTotals:
    """A station's outreach totals for a month."""

    station_id: uuid.UUID
    station_name: str
    totals: AttendanceTotals


@dataclass(frozen=True)
class KindOutreachTotals:
    """One kind of event's totals for a month."""

    kind: OutreachKind
    kind_label: str
    totals: AttendanceTotals


@dataclass(frozen=True)
class OutreachTotals:
    """A month's outreach figures: the whole district, per station (every station) and per kind (every kind)."""

    month: str
    events: int
    men: int
    women: int
    youth: int
    by_station: tuple[StationOutreachTotals, ...]
    by_kind: tuple[KindOutreachTotals, ...]

    @property
    def attendance(self) -> int:
        """Total attendance: men and women (youth are counted among them)."""
        return self.men + self.women

    def for_station(self, station_id: uuid.UUID) -> AttendanceTotals:
        """The totals of one station (zeros if it held no event)."""
        return next((row.totals for row in self.by_station if row.station_id == station_id), AttendanceTotals())

    def for_kind(self, kind: OutreachKind | str) -> AttendanceTotals:
        """The totals of one kind of event (zeros if there was none)."""
        return next((row.totals for row in self.by_kind if row.kind == kind), AttendanceTotals())


# --- rules ----------------------------------------------------------------------------------------------------------


def _kind(value: OutreachKind | str) -> OutreachKind:
    kind = as_choice(OutreachKind, value, "Choose the kind of event from the list.", "kind")
    if kind.value not in outreach_kinds():
        raise ValidationError("Choose the kind of event from the list.", "kind")
    return kind


def _count(value: Any, field: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"Enter the number of {what} as a whole number.", field)
    if value < 0:
        raise ValidationError(f"The number of {what} cannot be negative.", field)
    if value > ATTENDANCE_MAX:
        raise ValidationError(f"The number of {what} is too large; check it.", field)
    return value


def _attendance(draft: OutreachDraft) -> tuple[int, int, int]:
    men = _count(draft.men, "men", "men")
    women = _count(draft.women, "women", "women")
    youth = _count(draft.youth, "youth", "young people")
    if youth > men + women:
        raise ValidationError(
            "The number of young people cannot be more than the men and women together: "
            "young people are counted among them.",
            "youth",
        )
    return men, women, youth


def _view(service: Service, event: OutreachEvent, station_name: str) -> OutreachView:
    return OutreachView(
        id=event.id,
        version=event.version,
        kind=OutreachKind(event.kind),
        kind_label=kind_label(event.kind),
        title=event.title,
        station_id=event.station_id,
        station_name=station_name,
        held_on=event.held_on,
        venue=event.venue,
        men=event.men,
        women=event.women,
        youth=event.youth,
        summary=event.summary,
        success_story=show_contact(service.ctx, event.success_story),
        success_story_consent=event.success_story_consent,
    )


class OutreachService(Service):
    """Record, list, total and report outreach events."""

    # --- changes ---

    @requires("outreach.manage")
    def create(self, draft: OutreachDraft) -> OutreachView:
        """Record a new outreach event."""
        with self.ctx.write() as session:
            event = OutreachEvent()
            station = self._apply(session, event, draft)
            session.add(event)
            session.flush()
            return _view(self, event, station.name)

    @requires("outreach.manage")
    def update(self, event_id: uuid.UUID, draft: OutreachDraft, expected_version: int) -> OutreachView:
        """Change an outreach event; ``ConflictError`` if someone else changed it since ``expected_version``."""
        with self.ctx.write() as session:
            event = self._load(session, event_id)
            check_version(event, expected_version, "outreach event")
            station = self._apply(session, event, draft)
            session.flush()
            return _view(self, event, station.name)

    @requires("outreach.delete")
    def delete(self, event_id: uuid.UUID, expected_version: int | None = None) -> None:
        """Delete an outreach event (it disappears from lists, totals and reports)."""
        with self.ctx.write() as session:
            event = self._load(session, event_id)
            if expected_version is not None:
                check_version(event, expected_version, "outreach event")
            event.deleted_at = self.ctx.now()

    # --- reading ---

    @requires("outreach.view")
    def get(self, event_id: uuid.UUID) -> OutreachView:
        """One outreach event (``NotFound`` if it does not exist or was deleted)."""
        with self.ctx.read() as session:
            event = self._load(session, event_id)
            station = session.get(Station, event.station_id)
            return _view(self, event, station.name if station is not None else "")

    @requires("outreach.view")
    def count(self, request: PageRequest) -> int:
        """How many events the list shows.

        Filters: ``kind``, ``station_id``, ``date_from``, ``date_to``, ``month`` (``YYYY-MM``) and
        ``has_success_story`` (bool); the search looks in title, venue and summary.
        """
        with self.ctx.read() as session:
            return count_rows(session, self._listing(session, request))

    @requires("outreach.view")
    def page(self, request: PageRequest) -> Page[OutreachView]:
        """A page of events, sorted by ``held_on`` (default), ``kind``, ``attendance``, ``title`` or ``station``."""
        with self.ctx.read() as session:
            sort_columns: dict[str, ColumnElement[Any]] = {
                "held_on": OutreachEvent.held_on.expression,
                "kind": OutreachEvent.kind.expression,
                "attendance": OutreachEvent.men + OutreachEvent.women,
                "title": OutreachEvent.title.expression,
                "station": Station.name.expression,
            }
            query = apply_sort(self._listing(session, request), request, sort_columns, "held_on", OutreachEvent.id)
            rows = session.execute(window(query, request)).all()
            return Page(request.offset, [_view(self, event, name) for event, name in rows])

    @requires("outreach.view")
    def success_stories(self, year: int) -> list[SuccessStory]:
        """The year's success stories whose people agreed to publication, oldest first (for the annual report)."""
        if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
            raise ValidationError("Enter the year as four digits, for example 2026.", "year")
        with self.ctx.read() as session:
            query = (
                select(OutreachEvent, Station.name)
                .join(Station, Station.id == OutreachEvent.station_id)
                .where(
                    OutreachEvent.deleted_at.is_(None),
                    OutreachEvent.held_on.between(date(year, 1, 1), date(year, 12, 31)),
                    OutreachEvent.success_story_consent.is_(True),
                    OutreachEvent.success_story != "",
                )
                .order_by(OutreachEvent.held_on, OutreachEvent.title, OutreachEvent.id)
            )
            return [
                SuccessStory(
                    event_id=event.id,
                    held_on=event.held_on,
                    kind=OutreachKind(event.kind),
                    kind_label=kind_label(event.kind),
                    title=event.title,
                    station_id=event.station_id,
                    station_name=name,
                    venue=event.venue,
                    story=show_contact(self.ctx, event.success_story),
                )
                for event, name in session.execute(query).all()
            ]

    @requires("outreach.view")
    def month_totals(self, month: Month | str) -> OutreachTotals:
        """A month's (``YYYY-MM``) events and attendance: district, every station and every kind (zeros included)."""
        chosen = as_month(month)
        first, last = chosen.first_day, chosen.last_day
        with self.ctx.read() as session:
            grouped = session.execute(
                select(
                    OutreachEvent.station_id,
                    OutreachEvent.kind,
                    func.count(),
                    func.sum(OutreachEvent.men),
                    func.sum(OutreachEvent.women),
                    func.sum(OutreachEvent.youth),
                )
                .where(OutreachEvent.deleted_at.is_(None), OutreachEvent.held_on.between(first, last))
                .group_by(OutreachEvent.station_id, OutreachEvent.kind)
            ).all()
            per_station: dict[uuid.UUID, AttendanceTotals] = {}
            per_kind: dict[str, AttendanceTotals] = {}
            overall = AttendanceTotals()
            for station_id, kind, events, men, women, youth in grouped:
                totals = AttendanceTotals(int(events), int(men or 0), int(women or 0), int(youth or 0))
                per_station[station_id] = per_station.get(station_id, AttendanceTotals()).plus(totals)
                per_kind[kind] = per_kind.get(kind, AttendanceTotals()).plus(totals)
                overall = overall.plus(totals)
            stations = session.execute(
                select(Station.id, Station.name).where(
                    (Station.deleted_at.is_(None)) | Station.id.in_(list(per_station))
                )
            ).all()
        by_station = tuple(
            StationOutreachTotals(station_id, name, per_station.get(station_id, AttendanceTotals()))
            for station_id, name in sorted(stations, key=lambda row: (row[1].casefold(), str(row[0])))
        )
        by_kind = tuple(
            KindOutreachTotals(OutreachKind(code), kind_label(code), per_kind.get(code, AttendanceTotals()))
            for code in outreach_kinds()
        )
        return OutreachTotals(
            str(chosen),
            overall.events,
            overall.men,
            overall.women,
            overall.youth,
            by_station,
            by_kind,
        )

    # --- helpers ---

    def _load(self, session: Session, event_id: uuid.UUID) -> OutreachEvent:
        event = session.get(OutreachEvent, event_id) if isinstance(event_id, uuid.UUID) else None
        if event is None or event.is_deleted:
            raise NotFound(_MISSING)
        return event

    def _apply(self, session: Session, event: OutreachEvent, draft: OutreachDraft) -> Station:
        """Check ``draft`` and copy it onto ``event``; returns the event's station."""
        kind = _kind(draft.kind)
        title = clean_line(draft.title, "title", "title of the event", TITLE_MAX, required=True)
        station = session.get(Station, draft.station_id) if isinstance(draft.station_id, uuid.UUID) else None
        # A station deleted since the event was recorded may stay on it, but cannot be chosen anew.
        if station is None or (station.is_deleted and station.id != event.station_id):
            raise ValidationError("Choose the police station that held the event.", "station_id")
        held_on = require_date(draft.held_on, "held_on", "date of the event", today=self.ctx.today())
        venue = clean_line(draft.venue, "venue", "venue", VENUE_MAX)
        men, women, youth = _attendance(draft)
        if not isinstance(draft.success_story_consent, bool):
            raise ValidationError("Say whether the people in the story agreed to publication.", "success_story_consent")
        event.kind = kind.value
        event.title = title
        event.station_id = station.id
        event.held_on = held_on
        event.venue = venue
        event.men, event.women, event.youth = men, women, youth
        event.summary = (draft.summary or "").strip()
        event.success_story = (draft.success_story or "").strip()
        event.success_story_consent = draft.success_story_consent
        return station

    def _listing(self, session: Session, request: PageRequest) -> Select[Any]:
        query = cast(
            Select[Any],
            select(OutreachEvent, Station.name)
            .join(Station, Station.id == OutreachEvent.station_id)
            .where(OutreachEvent.deleted_at.is_(None)),
        )
        filters = check_filters(request.filters, FILTERS, "Outreach events")
        if "kind" in filters:
            query = query.where(OutreachEvent.kind == _kind(filters["kind"]).value)
        if "station_id" in filters:
            query = query.where(OutreachEvent.station_id == as_record_id(filters["station_id"], "station_id"))
        query = filter_days(query, OutreachEvent.held_on, filters)
        if "has_success_story" in filters:
            wanted = as_filter_bool(
                filters["has_success_story"], "has_success_story", "Choose yes or no for 'has a success story'."
            )
            query = query.where(OutreachEvent.success_story != "" if wanted else OutreachEvent.success_story == "")
        return apply_search(query, OutreachEvent, session, request.search)
