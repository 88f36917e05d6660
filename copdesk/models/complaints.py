"""Public complaints: the complaint, its history of events, and the yearly tracking-number counter."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from copdesk.domain.complaint_workflow import ClosureCategory, ComplaintChannel, ComplaintStatus, Feedback
from copdesk.models.base import Base, SyncRecord, UtcDateTime
from copdesk.models.people import Person

__all__ = [
    "ClosureCategory",
    "Complaint",
    "ComplaintChannel",
    "ComplaintCounter",
    "ComplaintEvent",
    "ComplaintEventKind",
    "ComplaintStatus",
    "Feedback",
]


class ComplaintEventKind(StrEnum):
    """What a complaint event records."""

    REGISTERED = "registered"
    ASSIGNED = "assigned"
    STATUS = "status"  # a move along the workflow (inquiry started, resolved, referred, FIR, rejected, closed)
    EDITED = "edited"
    FEEDBACK = "feedback"
    ESCALATED = "escalated"
    REOPENED = "reopened"


class Complaint(SyncRecord, Base):
    """A complaint from a member of the public, from intake through inquiry to resolution.

    ``tracking_no`` (``LHR/2026/000123``) is given at intake and never changes. The complainant is a
    :class:`Person` or nobody (``anonymous``). ``station_id`` is the station handling the complaint; a complaint
    ``against_police`` names the station complained about in ``against_station_id``.
    """

    __tablename__ = "complaints"
    __personal_fields__ = frozenset({"search_text"})
    __search_fields__ = ("tracking_no", "tracking_seq", "description", "location", "complainant_name")
    __table_args__ = (
        # Lists are sorted newest first and nearly always filtered by "not deleted", often by status or station.
        # With ``deleted_at IS NULL`` as an equality prefix, these indexes serve the sort, the filter and the
        # count (covering) without touching the table, so the first page stays fast at a million rows.
        Index("ix_complaints_live", "deleted_at", "received_on", "tracking_no"),
        Index("ix_complaints_status_live", "status", "deleted_at", "received_on", "tracking_no"),
        Index("ix_complaints_station_live", "station_id", "deleted_at", "received_on", "tracking_no"),
        Index("ix_complaints_category_live", "category", "deleted_at", "received_on", "tracking_no"),
        # Open complaints past their due day: the overdue list, its count and the escalation run.
        Index("ix_complaints_status_due", "status", "deleted_at", "due_on"),
        # Monthly figures: complaints resolved in a month, and those still unresolved at a month's end.
        Index("ix_complaints_resolved", "deleted_at", "resolved_on", "due_on", "received_on"),
    )
    #: Month locking: these dates may not be set into, or moved out of, a closed month; a complaint received in
    #: a closed month still moves along its workflow afterwards.
    __month_dated_fields__ = ("received_on", "resolved_on", "closed_on")

    tracking_no: Mapped[str] = mapped_column(String(24), nullable=False, unique=True, index=True)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    channel: Mapped[str] = mapped_column(String(24), nullable=False)  # ComplaintChannel
    complainant_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    category: Mapped[str] = mapped_column(String(24), nullable=False)  # a code from corpus.complaint_categories()
    description: Mapped[str] = mapped_column(Text, nullable=False)
    location: Mapped[str] = mapped_column(Text, nullable=False, default="")
    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stations.id"), nullable=False)
    against_police: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    against_station_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("stations.id"))
    assigned_officer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("officers.id"), index=True)
    status: Mapped[str] = mapped_column(String(24), nullable=False)  # ComplaintStatus
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: The day the complaint first reached an outcome (resolved, referred, FIR registered or rejected).
    resolved_on: Mapped[date | None] = mapped_column(Date)
    fir_no: Mapped[str | None] = mapped_column(String(32))
    closure_category: Mapped[str | None] = mapped_column(String(24))  # ClosureCategory
    closed_on: Mapped[date | None] = mapped_column(Date)
    feedback: Mapped[str | None] = mapped_column(String(24))  # Feedback
    feedback_remarks: Mapped[str] = mapped_column(Text, nullable=False, default="")
    feedback_on: Mapped[date | None] = mapped_column(Date)
    reopened_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Normalised tracking number, description, location and complainant's name, indexed by FTS5.
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")

    complainant: Mapped[Person | None] = relationship(Person, lazy="select")

    @property
    def tracking_seq(self) -> str:
        """The tracking number's sequence without leading zeros (so ``123`` finds ``LHR/2026/000123``)."""
        tail = (self.tracking_no or "").rsplit("/", 1)[-1]
        return str(int(tail)) if tail.isdigit() else ""

    @property
    def complainant_name(self) -> str:
        """The complainant's name ("" when anonymous)."""
        person = self.complainant
        return person.name if person is not None else ""


class ComplaintEvent(SyncRecord, Base):
    """One step in a complaint's history: intake, assignment, status change, feedback, escalation, reopening."""

    __tablename__ = "complaint_events"

    complaint_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("complaints.id"), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(24), nullable=False)  # ComplaintEventKind
    from_status: Mapped[str | None] = mapped_column(String(24))  # None for the intake
    to_status: Mapped[str] = mapped_column(String(24), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class ComplaintCounter(Base):
    """The last tracking number given in a year (this database only; not synchronised)."""

    __tablename__ = "complaint_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
