"""Bulk insertion stamps rows like the flush hook, indexes their search text, and audits one entry per batch."""

from __future__ import annotations

from sqlalchemy import func, select

from copdesk.models.audit import AuditEntry
from copdesk.models.base import DatabaseState
from copdesk.models.people import Person
from copdesk.services.context import ServiceContext
from copdesk.services.paging import PageRequest
from copdesk.services.people import PeopleService
from copdesk.storage.bulk import bulk_insert


def test_bulk_rows_are_stamped_searchable_and_audited_once(clerk: ServiceContext, officer: ServiceContext) -> None:
    with clerk.read() as session:
        seq_before = session.get(DatabaseState, 1).change_seq  # type: ignore[union-attr]
        audits_before = session.scalar(select(func.count()).select_from(AuditEntry))
    rows = [
        {
            "name": f"Person {n}",
            "father_name": "",
            "gender": "male",
            "cnic": f"35202-000000{n}-1",
            "mobile": f"+92300000000{n}",
            "address": "",
        }
        for n in range(3)
    ]
    with clerk.write() as session:
        ids = bulk_insert(session, Person, rows)
    with clerk.read() as session:
        people = [session.get(Person, i) for i in ids]
        audits = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).all()
    assert [p.change_seq for p in people if p] == [seq_before + 1, seq_before + 2, seq_before + 3]
    assert all(p and p.version == 1 and p.changed_by == "clerk" and p.district_code == "LHR" for p in people)
    assert len(audits) == audits_before + 1
    assert (audits[0].action, audits[0].entity, audits[0].details) == ("bulk_create", "people", '{"rows": 3}')
    found = PeopleService(officer)
    assert found.count(PageRequest(search="3520200000001")) == 1  # CNIC typed without dashes (a derived field)
    assert found.count(PageRequest(search="03000000002")) == 1  # mobile typed the local way
