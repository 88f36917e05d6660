"""Creating a new district database or hub database (first run, demo, tests)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from copdesk.domain.reference import district as reference_district
from copdesk.errors import StorageError, ValidationError
from copdesk.models.accounts import Role
from copdesk.models.base import DatabaseState
from copdesk.models.organisation import Station
from copdesk.services.accounts import add_account
from copdesk.services.bundles import provision_identity
from copdesk.services.context import Actor, ServiceContext
from copdesk.storage.audit_chain import append_entry
from copdesk.storage.database import create_district_engine, open_hub_engine
from copdesk.storage.keyslots import (
    KdfParams,
    KeySlotFile,
    generate_database_key,
    generate_recovery_key,
)
from copdesk.storage.recording import SESSION_ACTOR


@dataclass(frozen=True)
class DistrictSetup:
    """What setting up a district produces: the signed-in context and the one-time recovery key."""

    context: ServiceContext
    recovery_key: str


def create_district(
    db_path: Path,
    *,
    district_code: str,
    officer_username: str,
    officer_name: str,
    officer_password: str,
    stations: list[str] | tuple[str, ...] = (),
    enforce_strength: bool = True,
    kdf: KdfParams | None = None,
) -> DistrictSetup:
    """Create an encrypted district database with its first district-officer account and stations.

    The recovery key is returned once: print it on the recovery sheet; copdesk keeps only a wrapped slot.
    """
    district = reference_district(district_code)
    names = [s.strip() for s in stations if s.strip()]
    if len({n.casefold() for n in names}) != len(names):
        raise ValidationError("Two stations have the same name.", "stations")
    slot_file_path = KeySlotFile.path_for(db_path)
    if slot_file_path.exists():
        raise StorageError(f"A key file already exists at {slot_file_path}; choose another place.")
    key = generate_database_key()
    database = create_district_engine(db_path, key)
    slots = KeySlotFile.create(db_path, database_id=str(uuid.uuid4()))
    recovery_key = generate_recovery_key()
    try:
        slots.set_recovery_key(recovery_key, key)
        slots.save()
        with database.writer(info={SESSION_ACTOR: officer_username}) as session:
            session.add(
                DatabaseState(
                    id=1,
                    kind="district",
                    database_id=uuid.UUID(slots.database_id),
                    district_code=district.code,
                    province_code=district.province_code,
                    change_seq=0,
                    audit_seq=0,
                    audit_head="0" * 64,
                )
            )
            session.flush()
            account = add_account(
                session,
                database,
                username=officer_username,
                display_name=officer_name,
                role=Role.DISTRICT_OFFICER,
                password=officer_password,
                enforce_strength=enforce_strength,
                kdf=kdf,
            )
            append_entry(session, account.username, "district_created", "district", district.code)
            for name in names:
                session.add(Station(name=name))
            provision_identity(session, key, district.code, recovery_key)
    except BaseException:
        database.dispose()
        for leftover in (db_path, slot_file_path, *db_path.parent.glob(db_path.name + "-*")):
            leftover.unlink(missing_ok=True)
        raise
    actor = Actor(account.username, Role.DISTRICT_OFFICER, account.display_name)
    return DistrictSetup(ServiceContext(database, actor, district.code), recovery_key)


def create_hub(
    target: str | Path,
    *,
    admin_username: str,
    admin_name: str,
    admin_password: str,
    enforce_strength: bool = True,
    kdf: KdfParams | None = None,
) -> ServiceContext:
    """Create a hub database (SQLite file or PostgreSQL URL) with its first hub-administrator account."""
    database = open_hub_engine(target, create=True)
    with database.writer(info={SESSION_ACTOR: admin_username}) as session:
        if session.get(DatabaseState, 1) is not None:
            database.dispose()
            raise StorageError("A hub database already exists there.")
        session.add(DatabaseState(id=1, kind="hub", change_seq=0, audit_seq=0, audit_head="0" * 64))
        session.flush()
        account = add_account(
            session,
            database,
            username=admin_username,
            display_name=admin_name,
            role=Role.HUB_ADMIN,
            password=admin_password,
            enforce_strength=enforce_strength,
            kdf=kdf,
        )
        append_entry(session, account.username, "hub_created")
    return ServiceContext(database, Actor(account.username, Role.HUB_ADMIN, account.display_name))
