"""Outreach events: open courts (Khuli Kachehri), school visits, awareness sessions and the like."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from copdesk.models.base import Base, SyncRecord


class OutreachKind(StrEnum):
    """Kinds of outreach event; the codes (and their labels) are those of ``copdesk.domain.corpus.outreach_kinds``."""

    KHULI_KACHEHRI = "khuli_kachehri"
    SCHOOL_VISIT = "school_visit"
    AWARENESS_EXTREMISM = "awareness_extremism"
    AWARENESS_DRUGS = "awareness_drugs"
    WOMEN_SAFETY = "women_safety"
    TRAFFIC_AWARENESS = "traffic_awareness"
    COMMUNITY_MEETING = "community_meeting"
    SPORTS_EVENT = "sports_event"
    OTHER = "other"


class OutreachEvent(SyncRecord, Base):
    """An outreach event held by a police station, with its attendance.

    Attendance is counted as ``men`` and ``women``; their sum is the total attendance. ``youth`` counts the young
    people *among* them (a subset that overlaps men and women), so it is never added to the total.

    ``success_story`` is an optional account for the annual report. It often names private persons, so it is
    personal data; it is offered for publication only when ``success_story_consent`` records that the people
    named agreed.
    """

    __tablename__ = "outreach_events"
    __month_field__ = "held_on"
    __table_args__ = (CheckConstraint("men >= 0 AND women >= 0 AND youth >= 0", name="attendance_not_negative"),)
    __personal_fields__ = frozenset({"success_story"})
    __search_fields__ = ("title", "venue", "summary")

    kind: Mapped[str] = mapped_column(String(24), nullable=False, index=True)  # an OutreachKind
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stations.id"), nullable=False, index=True)
    held_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    venue: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    men: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    women: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Young people among the men and women (not added to the total).
    youth: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    success_story: Mapped[str] = mapped_column(Text, nullable=False, default="")
    success_story_consent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: Normalised title, venue and summary, indexed by FTS5 (see copdesk.storage.fts).
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
