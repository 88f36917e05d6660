"""Accounts of people who use copdesk, and their roles."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from copdesk.models.base import Base, UtcDateTime, utcnow


class Role(StrEnum):
    """What an account may do is decided by its role (see ``copdesk.services.policy``)."""

    CLERK = "clerk"
    STATION_OFFICER = "station_officer"
    DISTRICT_OFFICER = "district_officer"
    HUB_ANALYST = "hub_analyst"
    HUB_ADMIN = "hub_admin"

    @property
    def label(self) -> str:
        """Human-readable name of the role."""
        return _ROLE_LABELS[self]

    @property
    def is_hub(self) -> bool:
        """True for roles that exist only at the federal hub."""
        return self in (Role.HUB_ANALYST, Role.HUB_ADMIN)


_ROLE_LABELS = {
    Role.CLERK: "Clerk",
    Role.STATION_OFFICER: "Station officer",
    Role.DISTRICT_OFFICER: "District officer",
    Role.HUB_ANALYST: "Hub analyst",
    Role.HUB_ADMIN: "Hub administrator",
}


class Account(Base):
    """A person's login. District passwords live in the key-slot file; hub passwords as argon2id hashes."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(120), nullable=False)
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    #: Hub accounts only: a provincial analyst sees and amends only this province.
    province_code: Mapped[str | None] = mapped_column(String(8))
    #: Hub accounts only (district accounts are checked by their key slot).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    password_changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    @property
    def role_enum(self) -> Role:
        """The role as an enum."""
        return Role(self.role)
