"""Month closing and the monthly figures a closed month carries to the hub."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from copdesk.models.base import Base, SyncRecord, UtcDateTime


class MonthState(StrEnum):
    """A month is open until the district officer closes it; reopening needs a reason."""

    CLOSED = "closed"
    REOPENED = "reopened"


class MonthClosing(SyncRecord, Base):
    """The closing of one month of one district (absent while the month has never been closed)."""

    __tablename__ = "month_closings"
    __table_args__ = (UniqueConstraint("district_code", "month", name="uq_month_closings_district_code_month"),)

    month: Mapped[str] = mapped_column(String(7), nullable=False)  # "YYYY-MM"
    state: Mapped[str] = mapped_column(String(16), nullable=False)  # a MonthState
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    closed_by: Mapped[str] = mapped_column(String(64), nullable=False)
    #: The database's change sequence when the month was (last) closed: the next bundle covers up to here.
    high_water_seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    #: How many times the month has been closed (a re-closing issues a new bundle).
    times_closed: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    reopened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reopened_by: Mapped[str | None] = mapped_column(String(64))
    reopen_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")


class MonthlyFigures(SyncRecord, Base):
    """One named, versioned set of figures for a district and month (JSON), stored when the month closes."""

    __tablename__ = "monthly_figures"
    __table_args__ = (UniqueConstraint("district_code", "month", name="uq_monthly_figures_district_code_month"),)

    month: Mapped[str] = mapped_column(String(7), nullable=False)
    definition: Mapped[str] = mapped_column(String(32), nullable=False)  # e.g. "cop-figures/1"
    figures: Mapped[str] = mapped_column(Text, nullable=False)  # canonical JSON
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
