"""COP training of officers: training sessions and who attended them."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from copdesk.models.base import Base, SyncRecord


class TrainingSession(SyncRecord, Base):
    """A training session (a lecture, a workshop, a course) given to officers of the district."""

    __tablename__ = "training_sessions"
    __month_field__ = "held_on"
    __table_args__ = (CheckConstraint("duration_minutes > 0", name="duration_positive"),)
    __search_fields__ = ("topic", "trainer", "venue", "notes")

    topic: Mapped[str] = mapped_column(String(200), nullable=False)
    held_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    #: Length of the session in whole minutes (forms and views speak of hours).
    duration_minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    trainer: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    venue: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: Normalised topic, trainer, venue and notes, indexed by FTS5 (see copdesk.storage.fts).
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")


class TrainingAttendance(SyncRecord, Base):
    """An officer's attendance at a training session (one row per session and officer, revived if re-added)."""

    __tablename__ = "training_attendances"
    __month_parent__ = ("session_id", "TrainingSession")
    __table_args__ = (UniqueConstraint("session_id", "officer_id"),)

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("training_sessions.id"), nullable=False, index=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id"), nullable=False, index=True)
