"""The district's own organisation: police stations, their beats, and officers."""

from __future__ import annotations

import uuid

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from copdesk.models.base import Base, SyncRecord


class Station(SyncRecord, Base):
    """A police station of the district."""

    __tablename__ = "stations"

    name: Mapped[str] = mapped_column(String(120), nullable=False)
    name_ur: Mapped[str] = mapped_column(String(120), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(32), nullable=False, default="")  # the office's line, not personal
    address: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Beat(SyncRecord, Base):
    """A beat or area of a station (neighbourhood-watch groups and duty shifts belong to beats)."""

    __tablename__ = "beats"

    station_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stations.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Officer(SyncRecord, Base):
    """A police officer of the district (assigned complaints, present at meetings, trained)."""

    __tablename__ = "officers"
    __personal_fields__ = frozenset({"phone"})

    name: Mapped[str] = mapped_column(String(120), nullable=False)
    rank: Mapped[str] = mapped_column(String(24), nullable=False)  # a code from the corpus' ranks
    number: Mapped[str] = mapped_column(String(32), nullable=False, default="")  # belt / service number
    gender: Mapped[str] = mapped_column(String(16), nullable=False)
    station_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("stations.id"), index=True)
    phone: Mapped[str] = mapped_column(String(16), nullable=False, default="")
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
