"""A hub on PostgreSQL imports, holds and acknowledges bundles the same way (skipped when no server answers)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from copdesk.models.accounts import Role
from copdesk.models.people import Person
from copdesk.services.context import Actor, ServiceContext
from copdesk.services.hub import HubService
from copdesk.services.setup import create_hub
from copdesk.storage import keyslots
from tests.sync.conftest import World, fixed_clock

pytestmark = pytest.mark.postgres


def test_a_postgresql_hub_round_trip(world: World, postgres_url: str) -> None:
    created = create_hub(
        postgres_url,
        admin_username="admin",
        admin_name="Admin",
        admin_password="hub-password",
        kdf=keyslots.OWASP_FLOOR_KDF,
    )
    ctx = ServiceContext(created.database, Actor("admin", Role.HUB_ADMIN), None, clock=fixed_clock)
    try:
        hub = HubService(ctx)
        profile = hub.init_keys("hub-password", "PostgreSQL hub")
        profile_path = hub.write_profile(world.stick / "pg", "hub-password")
        lhr = world.districts["LHR"]
        lhr.bundles.install_hub_profile(profile_path.read_bytes(), profile.fingerprint)
        files = lhr.bundles.write_enrolment(world.stick / "pg")
        hub.enrol(files.request.read_bytes(), files.fingerprint)
        ids = lhr.add_people(40)
        lhr.close("2026-01")
        january = lhr.export("2026-01", world.stick)
        lhr.edit_person(ids[0], gender="male")
        lhr.close("2026-02")
        february = lhr.export("2026-02", world.stick)
        outcomes = hub.import_files([february.path, january.path, january.path], "hub-password")
        assert [o.status for o in outcomes] == ["accepted", "accepted", "duplicate"]
        with ctx.read() as session:
            assert session.scalar(select(func.count()).select_from(Person)) == 40
            person = session.get(Person, ids[0])
            assert person is not None and person.gender == "male" and person.version == 2
        ack = hub.write_feedback("LHR", "hub-password", world.stick / "pg")
        assert lhr.apply(ack.path).accepted == 2
    finally:
        created.database.dispose()
