"""Declarative base, portable column types and the sync-ready record mixin."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import BigInteger, Date, DateTime, Integer, MetaData, String, TypeDecorator, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always returned timezone-aware, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every copdesk table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        date: Date,
        uuid.UUID: Uuid,
        str: String,
    }


class SyncRecord:
    """Mixin for every domain record: what a bundle needs to carry it to the hub and back.

    - ``id``: a UUID, the same in every database the record reaches;
    - ``version``: raised by every edit (and checked on update, so a stale edit fails instead of
      overwriting someone else's);
    - ``created_at`` / ``updated_at`` and ``changed_by`` (the account's user name);
    - ``change_seq``: this database's change sequence number at the record's last change;
    - ``deleted_at``: deletion is soft, so that sync can carry it;
    - ``district_code``: the district the record belongs to (constant in a district database, varies at the hub).

    These fields are filled in by :mod:`copdesk.services.recording`, never by hand.
    """

    #: Attribute names whose values are personal data: redacted in the audit trail, hidden by policy.
    __personal_fields__: ClassVar[frozenset[str]] = frozenset()
    #: Attribute names whose values are normalised into a ``search_text`` column on every change (FTS5).
    __search_fields__: ClassVar[tuple[str, ...]] = ()
    #: Month locking (see copdesk.storage.recording): the date that puts the whole record in a month...
    __month_field__: ClassVar[str | None] = None
    #: ...or the record belongs to its parent's month: (foreign-key attribute, parent class name)...
    __month_parent__: ClassVar[tuple[str, str] | None] = None
    #: ...and/or dates that may not be set into, or moved out of, a closed month.
    __month_dated_fields__: ClassVar[tuple[str, ...]] = ()

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)

    @declared_attr
    def change_seq(cls) -> Mapped[int]:
        return mapped_column(BigInteger, nullable=False, default=0, index=True)

    @declared_attr
    def district_code(cls) -> Mapped[str]:
        return mapped_column(String(8), nullable=False, index=True)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # The application raises the version itself (see recording.py) so that the hub can store a district's
        # versions unchanged; SQLAlchemy still uses it for optimistic concurrency on UPDATE.
        return {"version_id_col": cls.version, "version_id_generator": False}

    @property
    def is_deleted(self) -> bool:
        """True once the record has been (soft-)deleted."""
        return self.deleted_at is not None


class DatabaseState(Base):
    """The single row that identifies a database and holds its counters."""

    __tablename__ = "database_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # "district" or "hub"
    database_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False, default=uuid.uuid4)
    district_code: Mapped[str | None] = mapped_column(String(8))
    province_code: Mapped[str | None] = mapped_column(String(8))
    change_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    audit_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    audit_head: Mapped[str] = mapped_column(String(64), nullable=False, default="0" * 64)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False, default=utcnow)
