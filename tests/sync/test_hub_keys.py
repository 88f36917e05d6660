"""The hub keys: created once, usable only with a slot's password, re-wrapped or dropped with the account's password."""

from __future__ import annotations

import pytest

from copdesk.errors import AuthenticationError, PermissionDenied, ValidationError, WorkflowError
from copdesk.services.hub import drop_key_slot, rewrap_key_slot
from copdesk.sync import identity
from tests.sync.conftest import ANALYST_PASSWORD, HUB_PASSWORD, World


def test_the_profile_matches_the_keys_and_they_are_made_once(world: World) -> None:
    profile = world.hub.service.profile()
    written = identity.read_hub_profile(world.profile.read_bytes())
    assert (written.fingerprint, written.encryption_fingerprint) == (
        profile.fingerprint,
        profile.encryption_fingerprint,
    )
    assert profile.name == "Federal COP Hub" and profile.key_id == written.signing_public.key_id_hex
    with pytest.raises(WorkflowError, match="already has its keys"):
        world.hub.service.init_keys(HUB_PASSWORD, "Again")
    with pytest.raises(ValidationError, match="name"):
        world.hub.service.init_keys(HUB_PASSWORD, "x")


def test_a_password_change_rewraps_the_slot_and_a_reset_drops_it(world: World) -> None:
    analyst = world.hub.as_analyst()
    with world.hub.ctx.database.writer() as session:
        assert rewrap_key_slot(session, "analyst", ANALYST_PASSWORD, "a brand new password")
        assert not rewrap_key_slot(session, "nobody", "x", "y")
    with pytest.raises(AuthenticationError):
        analyst.write_feedback("LHR", ANALYST_PASSWORD, world.stick)
    assert world.hub.as_analyst().write_feedback("LHR", "a brand new password", world.stick).version == 1
    with world.hub.ctx.database.writer() as session:
        with pytest.raises(AuthenticationError):
            rewrap_key_slot(session, "analyst", "wrong password", "another password")
    with world.hub.ctx.database.writer() as session:
        assert drop_key_slot(session, "analyst")
    with pytest.raises(PermissionDenied, match="grant"):
        world.hub.as_analyst().write_feedback("LHR", "a brand new password", world.stick)
    with pytest.raises(AuthenticationError, match="Wrong password for analyst"):
        world.hub.service.grant_key_access(HUB_PASSWORD, "analyst", "not the password")
    world.hub.service.grant_key_access(HUB_PASSWORD, "analyst", ANALYST_PASSWORD)
    assert world.hub.as_analyst().write_feedback("LHR", ANALYST_PASSWORD, world.stick).version == 2


def test_the_registry_lists_what_arrived(world: World) -> None:
    lhr = world.districts["LHR"]
    lhr.add_people(1)
    lhr.close("2026-01")
    bundle = lhr.export("2026-01", world.stick)
    (world.stick / "empty.bundle").write_bytes(b"")
    world.hub.import_(bundle.path, world.stick / "empty.bundle")
    rows = world.hub.service.received()
    assert [(r.file_name, r.status) for r in rows] == [
        ("empty.bundle", "rejected"),
        (bundle.path.name, "accepted"),
    ]
    assert rows[1].new == 5 and rows[1].district == "LHR" and rows[1].month == "2026-01"
    assert "empty" in rows[0].reason
    assert [r.file_name for r in world.hub.service.received("LHR")] == [bundle.path.name]
