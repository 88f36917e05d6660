"""Community committees (DRCs, public conciliatory, police liaison, Islahi, vigilance) and their members."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from copdesk.models.base import Base, SyncRecord


class CommitteeType(StrEnum):
    """The kinds of community committee a district office keeps."""

    DISPUTE_RESOLUTION = "dispute_resolution"
    PUBLIC_CONCILIATORY = "public_conciliatory"
    POLICE_LIAISON = "police_liaison"
    ISLAHI = "islahi"
    VIGILANCE = "vigilance"
    OTHER = "other"

    @property
    def label(self) -> str:
        """Name of the committee type as written in orders and reports."""
        return _TYPE_LABELS[self]


_TYPE_LABELS = {
    CommitteeType.DISPUTE_RESOLUTION: "Dispute Resolution Council (DRC)",
    CommitteeType.PUBLIC_CONCILIATORY: "Public Conciliatory Committee",
    CommitteeType.POLICE_LIAISON: "Community Police Liaison Committee",
    CommitteeType.ISLAHI: "Islahi (advisory) committee",
    CommitteeType.VIGILANCE: "Vigilance committee",
    CommitteeType.OTHER: "Other committee",
}


class MemberRole(StrEnum):
    """A member's office in the committee (at most one active convener and one active secretary)."""

    CONVENER = "convener"
    SECRETARY = "secretary"
    MEMBER = "member"

    @property
    def label(self) -> str:
        """Human-readable name of the role."""
        return self.value.capitalize()


class Committee(SyncRecord, Base):
    """A community committee of a police station, formed by a notification (order) of the district.

    ``dissolved_on`` is the day the committee was dissolved: it may still meet on that day, never after.
    """

    __tablename__ = "committees"
    __month_dated_fields__ = ("formed_on", "dissolved_on")
    __search_fields__ = ("name", "notification_ref")

    type: Mapped[str] = mapped_column(String(24), nullable=False, index=True)  # a CommitteeType
    name: Mapped[str] = mapped_column(String(160), nullable=False)
    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stations.id"), nullable=False, index=True)
    #: Number and date of the order or notification that formed the committee.
    notification_ref: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    formed_on: Mapped[date] = mapped_column(Date, nullable=False)
    dissolved_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: Normalised name and notification reference, indexed by FTS5 (see copdesk.storage.fts).
    search_text: Mapped[str] = mapped_column(Text, nullable=False, default="")


class CommitteeMember(SyncRecord, Base):
    """A person's membership of a committee.

    The membership runs from ``joined_on`` up to (not including) ``left_on``: a member who left on 5 March is
    not expected at a meeting on 5 March, and a new convener may join that same day.
    """

    __tablename__ = "committee_members"
    __month_dated_fields__ = ("joined_on", "left_on")

    committee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("committees.id"), nullable=False, index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), nullable=False, index=True)
    role: Mapped[str] = mapped_column(String(24), nullable=False)  # a MemberRole
    category: Mapped[str] = mapped_column(String(24), nullable=False)  # a code of corpus.member_categories()
    joined_on: Mapped[date] = mapped_column(Date, nullable=False)
    left_on: Mapped[date | None] = mapped_column(Date)
