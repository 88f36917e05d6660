"""Neighbourhood watch (Theekree Pehra): watch groups of a beat, their volunteers, duty shifts and turn-out."""

from __future__ import annotations

import uuid
from datetime import date, time
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from copdesk.models import organisation, people  # noqa: F401  (the tables our foreign keys refer to)
from copdesk.models.base import Base, SyncRecord

#: A person is at most once an active (not left, not deleted) volunteer of a group.
ACTIVE_VOLUNTEER_WHERE = "left_on IS NULL AND deleted_at IS NULL"


class VerificationStatus(StrEnum):
    """Police verification of a volunteer (character check): only verified volunteers go on duty."""

    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        """The status as shown to a clerk."""
        return {"pending": "Verification pending", "verified": "Verified", "rejected": "Rejected"}[self.value]


class WatchGroup(SyncRecord, Base):
    """A neighbourhood-watch group of a beat (its leader is one of its volunteers)."""

    __tablename__ = "watch_groups"
    __search_fields__ = ("name",)

    beat_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("beats.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    formed_on: Mapped[date] = mapped_column(nullable=False)
    #: The person leading the group; always an active volunteer of the group (or nobody).
    leader_person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), index=True)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: Normalised name, indexed by FTS5 (see copdesk.storage.fts).
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Volunteer(SyncRecord, Base):
    """A member of the public serving in a watch group. Personal data stays on the person record."""

    __tablename__ = "watch_volunteers"
    __table_args__ = (
        Index(
            "uq_watch_volunteers_active_person",
            "group_id",
            "person_id",
            unique=True,
            sqlite_where=text(ACTIVE_VOLUNTEER_WHERE),
            postgresql_where=text(ACTIVE_VOLUNTEER_WHERE),
        ),
    )

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("watch_groups.id"), nullable=False, index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), nullable=False, index=True)
    verification_status: Mapped[str] = mapped_column(String(24), nullable=False, default=VerificationStatus.PENDING)
    verified_on: Mapped[date | None] = mapped_column()
    verified_by: Mapped[str | None] = mapped_column(String(64))  # the officer's user name
    joined_on: Mapped[date] = mapped_column(nullable=False)
    left_on: Mapped[date | None] = mapped_column()
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


class DutyShift(SyncRecord, Base):
    """A patrol shift of a group on one day; ``ends`` at or before ``starts`` means it ends the next day."""

    __tablename__ = "watch_shifts"
    __month_field__ = "shift_date"
    __table_args__ = (CheckConstraint("volunteers_needed >= 1", name="volunteers_needed_positive"),)

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("watch_groups.id"), nullable=False, index=True)
    #: The group's beat, copied here so that roster grids (beats × days) need no join through the group.
    beat_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("beats.id"), nullable=False, index=True)
    shift_date: Mapped[date] = mapped_column(nullable=False, index=True)
    starts: Mapped[time] = mapped_column(Time, nullable=False)
    ends: Mapped[time] = mapped_column(Time, nullable=False)
    volunteers_needed: Mapped[int] = mapped_column(Integer, nullable=False, default=2)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")


class ShiftAssignment(SyncRecord, Base):
    """A volunteer put on a shift; ``turned_out`` stays None until ticked after the shift has started."""

    __tablename__ = "watch_shift_assignments"
    __month_parent__ = ("shift_id", "DutyShift")
    __table_args__ = (
        UniqueConstraint("shift_id", "volunteer_id", name="uq_watch_shift_assignments_shift_id_volunteer_id"),
    )

    shift_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("watch_shifts.id"), nullable=False, index=True)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("watch_volunteers.id"), nullable=False, index=True)
    turned_out: Mapped[bool | None] = mapped_column(Boolean)
