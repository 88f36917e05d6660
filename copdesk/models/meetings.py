"""Committee meetings and their parts: agenda, attendance, guests, decisions, action items, disputes heard.

Every part is its own :class:`SyncRecord` so that a monthly bundle can carry it to the hub.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from copdesk.models.base import Base, SyncRecord, UtcDateTime


class MeetingStatus(StrEnum):
    """A meeting is planned until it is closed; only a closed meeting counts as held."""

    PLANNED = "planned"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """Human-readable status."""
        return self.value.capitalize()


class AttendanceStatus(StrEnum):
    """Whether a committee member came to a meeting."""

    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"

    @property
    def label(self) -> str:
        """Human-readable status."""
        return self.value.capitalize()


class ActionStatus(StrEnum):
    """Progress of an action item decided at a meeting."""

    OPEN = "open"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        """Human-readable status."""
        return self.value.capitalize()


class DisputeOutcome(StrEnum):
    """What became of a dispute the committee heard."""

    RESOLVED = "resolved"
    COMPROMISE = "compromise"
    REFERRED_TO_COURT = "referred_to_court"
    REFERRED_TO_POLICE = "referred_to_police"
    PENDING = "pending"

    @property
    def label(self) -> str:
        """Human-readable outcome."""
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    DisputeOutcome.RESOLVED: "Resolved",
    DisputeOutcome.COMPROMISE: "Compromise (Sulah)",
    DisputeOutcome.REFERRED_TO_COURT: "Referred to court",
    DisputeOutcome.REFERRED_TO_POLICE: "Referred to police",
    DisputeOutcome.PENDING: "Pending",
}


class Meeting(SyncRecord, Base):
    """A meeting of a committee. ``reopen_reason`` holds why a closed meeting was last reopened."""

    __tablename__ = "meetings"
    __month_field__ = "held_on"
    #: Monthly figures count the meetings held in a month: live, closed, by date.
    __table_args__ = (Index("ix_meetings_held", "deleted_at", "status", "held_on"),)

    committee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("committees.id"), nullable=False, index=True)
    held_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    start_time: Mapped[time | None] = mapped_column(Time)
    venue: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    status: Mapped[str] = mapped_column(String(24), nullable=False, index=True)  # a MeetingStatus
    minutes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reopen_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")


class ActionItem(SyncRecord, Base):
    """Something the committee decided must be done, by whom and by when (carried to later agendas while open)."""

    __tablename__ = "action_items"
    __month_dated_fields__ = ("completed_on",)

    committee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("committees.id"), nullable=False, index=True)
    #: The meeting the action was raised at.
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), nullable=False, index=True)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    owner_member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("committee_members.id"), index=True)
    owner_officer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("officers.id"), index=True)
    #: Who is responsible when it is not a member or officer (or a note on them), e.g. "TMA".
    owner_text: Mapped[str] = mapped_column(String(160), nullable=False, default="")
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(24), nullable=False, index=True)  # an ActionStatus
    completed_on: Mapped[date | None] = mapped_column(Date)


class AgendaItem(SyncRecord, Base):
    """One point of a meeting's agenda; follow-ups of open action items point at the action."""

    __tablename__ = "meeting_agenda_items"
    __month_parent__ = ("meeting_id", "Meeting")

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)
    carried_from_action_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("action_items.id"), index=True)


class MemberAttendance(SyncRecord, Base):
    """Whether a committee member was present, absent or excused at a meeting (one row per member)."""

    __tablename__ = "meeting_member_attendance"
    __month_parent__ = ("meeting_id", "Meeting")
    __table_args__ = (UniqueConstraint("meeting_id", "member_id", name="uq_meeting_member_attendance_member"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), nullable=False, index=True)
    member_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("committee_members.id"), nullable=False, index=True)
    status: Mapped[str] = mapped_column(String(24), nullable=False)  # an AttendanceStatus


class OfficerAttendance(SyncRecord, Base):
    """A police officer present at a meeting (removed from the meeting by soft deletion)."""

    __tablename__ = "meeting_officer_attendance"
    __month_parent__ = ("meeting_id", "Meeting")
    __table_args__ = (UniqueConstraint("meeting_id", "officer_id", name="uq_meeting_officer_attendance_officer"),)

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), nullable=False, index=True)
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("officers.id"), nullable=False, index=True)


class Guest(SyncRecord, Base):
    """Someone present who is neither a member nor a district police officer (the name is personal data)."""

    __tablename__ = "meeting_guests"
    __month_parent__ = ("meeting_id", "Meeting")
    __personal_fields__ = frozenset({"name"})

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    gender: Mapped[str] = mapped_column(String(16), nullable=False)  # a people.Gender
    designation: Mapped[str] = mapped_column(String(120), nullable=False, default="")


class Decision(SyncRecord, Base):
    """A decision recorded in the minutes."""

    __tablename__ = "meeting_decisions"
    __month_parent__ = ("meeting_id", "Meeting")

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), nullable=False, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)


class DisputeHeard(SyncRecord, Base):
    """A dispute brought before the committee at a meeting; the parties' names are personal data."""

    __tablename__ = "meeting_disputes"
    __month_parent__ = ("meeting_id", "Meeting")
    __personal_fields__ = frozenset({"parties"})

    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("meetings.id"), nullable=False, index=True)
    parties: Mapped[str] = mapped_column(Text, nullable=False)
    nature: Mapped[str] = mapped_column(String(200), nullable=False)
    outcome: Mapped[str] = mapped_column(String(24), nullable=False)  # a DisputeOutcome
    remarks: Mapped[str] = mapped_column(Text, nullable=False, default="")
