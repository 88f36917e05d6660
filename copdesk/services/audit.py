"""Reading and verifying the audit trail (the chain itself is kept by copdesk.storage.audit_chain)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from copdesk.models.audit import AuditEntry
from copdesk.services.context import Service, requires
from copdesk.storage.audit_chain import ChainReport, verify_chain


@dataclass(frozen=True)
class AuditRow:
    """An audit entry as shown to a user."""

    seq: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    details: str


class AuditService(Service):
    """Reading and verifying the audit trail."""

    @requires("audit.verify")
    def verify(self) -> ChainReport:
        """Verify the whole chain."""
        with self.ctx.read() as session:
            return verify_chain(session)

    @requires("audit.view")
    def recent(self, limit: int = 100, before_seq: int | None = None) -> list[AuditRow]:
        """The newest entries, newest first (page backwards with ``before_seq``)."""
        query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(min(limit, 1_000))
        if before_seq is not None:
            query = query.where(AuditEntry.seq < before_seq)
        with self.ctx.read() as session:
            return [
                AuditRow(e.seq, e.at, e.actor, e.action, e.entity, e.entity_id, e.details)
                for e in session.scalars(query)
            ]
