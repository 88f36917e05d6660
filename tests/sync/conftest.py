"""A small enrolled world for bundle tests: a hub with keys and districts LHR and ISB, copied per test."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from copdesk.models.accounts import Role
from copdesk.models.base import DatabaseState
from copdesk.models.people import Person
from copdesk.models.sync import EnrolledDistrict, ReceivedBundle
from copdesk.services.accounts import add_account
from copdesk.services.bundles import BundleService, ExportResult, FeedbackResult
from copdesk.services.context import Actor, ServiceContext
from copdesk.services.hub import FeedbackFile, HubService, ImportOutcome
from copdesk.services.months import MonthService
from copdesk.services.setup import create_district, create_hub
from copdesk.storage import keyslots
from copdesk.storage.bulk import bulk_insert
from copdesk.storage.database import Database, open_district_engine, open_hub_engine
from copdesk.storage.keyslots import KeySlotFile
from copdesk.storage.recording import SESSION_ACTOR
from copdesk.sync import payload

HUB_PASSWORD = "hub-password"
ANALYST_PASSWORD = "analyst-password"
DPO_PASSWORD = "dpo-password"
CLOCK = datetime(2026, 10, 15, 9, tzinfo=UTC)
CODES = ("LHR", "ISB")


def fixed_clock() -> datetime:
    """The test clock (months up to 2026-09 can be closed)."""
    return CLOCK


@dataclass
class District:
    """A district database of the test world, signed in as its district officer."""

    code: str
    path: Path
    key: bytes
    recovery_key: str
    ctx: ServiceContext = field(init=False)

    def __post_init__(self) -> None:
        self.open()

    def open(self) -> None:
        """(Re)open the database."""
        database = open_district_engine(self.path, self.key)
        self.ctx = ServiceContext(database, Actor("dpo", Role.DISTRICT_OFFICER, "DPO"), self.code, clock=fixed_clock)

    def close_db(self) -> None:
        """Dispose of the engine (before copying files)."""
        with self.ctx.database.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        self.ctx.database.dispose()

    @property
    def bundles(self) -> BundleService:
        """The district's bundle service."""
        return BundleService(self.ctx)

    def add_people(self, count: int, start: int = 0) -> list[uuid.UUID]:
        """Bulk-insert people with CNICs."""
        rows = [
            {
                "name": f"Person {i}",
                "father_name": f"Father {i}",
                "gender": "female" if i % 3 == 0 else "male",
                "cnic": f"35202-{1_000_000 + i}-{i % 10}",
                "mobile": f"+92300{1_000_000 + i}",
                "address": f"House {i}, Street {i % 40}",
            }
            for i in range(start, start + count)
        ]
        with self.ctx.database.writer(info={SESSION_ACTOR: "clerk"}) as session:
            return bulk_insert(session, Person, rows)

    def edit_person(self, person_id: uuid.UUID, **changes: Any) -> None:
        """Change a person (the flush hook raises its version and change sequence)."""
        with self.ctx.database.writer(info={SESSION_ACTOR: "clerk"}) as session:
            person = session.get(Person, person_id)
            assert person is not None
            for name, value in changes.items():
                setattr(person, name, value)

    def close(self, month: str) -> None:
        """Close a month."""
        MonthService(self.ctx).close(month)

    def reopen(self, month: str) -> None:
        """Reopen a month."""
        MonthService(self.ctx).reopen(month, "A correction is needed.")

    def export(self, month: str, out: Path) -> ExportResult:
        """Export a closed month."""
        return self.bundles.export_month(month, out)

    def apply(self, path: Path) -> FeedbackResult:
        """Apply a hub acknowledgement."""
        return self.bundles.apply_feedback(path)

    def change_seq(self) -> int:
        """The database's change sequence."""
        with self.ctx.read() as session:
            state = session.get(DatabaseState, 1)
            assert state is not None
            return state.change_seq


@dataclass
class Hub:
    """The hub database of the test world, signed in as its administrator."""

    path: Path
    ctx: ServiceContext = field(init=False)

    def __post_init__(self) -> None:
        self.open()

    def open(self) -> None:
        """(Re)open the database."""
        self.ctx = ServiceContext(
            open_hub_engine(self.path), Actor("admin", Role.HUB_ADMIN, "Admin"), None, clock=fixed_clock
        )

    def as_analyst(self) -> HubService:
        """The hub service for the analyst."""
        return HubService(
            ServiceContext(self.ctx.database, Actor("analyst", Role.HUB_ANALYST, "Analyst"), None, clock=fixed_clock)
        )

    @property
    def service(self) -> HubService:
        """The hub service for the administrator."""
        return HubService(self.ctx)

    def import_(self, *paths: Path, dry_run: bool = False) -> list[ImportOutcome]:
        """Import files."""
        return self.service.import_files(list(paths), HUB_PASSWORD, dry_run=dry_run)

    def feedback(self, code: str, out: Path) -> FeedbackFile:
        """Write an acknowledgement."""
        return self.service.write_feedback(code, HUB_PASSWORD, out)

    def snapshot(self) -> dict[str, Any]:
        """Every synced record, each district's progress and each bundle's final status."""
        state: dict[str, Any] = {}
        with self.ctx.read() as session:
            for table in payload.sync_tables():
                t = table.table
                rows = session.execute(select(t).order_by(t.c.id)).all()
                state[table.name] = [tuple(str(v) for v in row) for row in rows]
            state["districts"] = [
                (d.district_code, d.covered_through, d.highest_sequence, d.replay_floor)
                for d in session.scalars(select(EnrolledDistrict).order_by(EnrolledDistrict.district_code))
            ]
            statuses: dict[str, str] = {}
            for row in session.scalars(select(ReceivedBundle).order_by(ReceivedBundle.id)):
                statuses[str(row.bundle_id)] = row.status
            state["bundles"] = statuses
        return state

    def count(self, model: Any) -> int:
        """Rows of a model at the hub."""
        with self.ctx.read() as session:
            return len(session.scalars(select(model.id)).all())


@dataclass
class World:
    """The hub and the districts, plus a folder standing in for the USB stick."""

    hub: Hub
    districts: dict[str, District]
    stick: Path
    profile: Path

    def close(self) -> None:
        """Dispose of every engine."""
        self.hub.ctx.database.dispose()
        for district in self.districts.values():
            district.ctx.database.dispose()


@pytest.fixture(scope="session")
def world_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[bytes, str]]]:
    """A hub with keys (admin and analyst may use them) and two enrolled districts, built once."""
    saved = keyslots.DEFAULT_KDF
    keyslots.DEFAULT_KDF = keyslots.OWASP_FLOOR_KDF
    folder = tmp_path_factory.mktemp("sync-world")
    try:
        hub_ctx = create_hub(
            folder / "hub.db",
            admin_username="admin",
            admin_name="Hub Administrator",
            admin_password=HUB_PASSWORD,
            kdf=keyslots.OWASP_FLOOR_KDF,
        )
        with hub_ctx.database.writer(info={SESSION_ACTOR: "admin"}) as session:
            add_account(
                session,
                hub_ctx.database,
                username="analyst",
                display_name="Hub Analyst",
                role=Role.HUB_ANALYST,
                password=ANALYST_PASSWORD,
                kdf=keyslots.OWASP_FLOOR_KDF,
            )
        hub_service = HubService(hub_ctx)
        profile = hub_service.init_keys(HUB_PASSWORD, "Federal COP Hub")
        profile_path = hub_service.write_profile(folder, HUB_PASSWORD)
        hub_service.grant_key_access(HUB_PASSWORD, "analyst", ANALYST_PASSWORD)
        keys: dict[str, tuple[bytes, str]] = {}
        for code in CODES:
            setup = create_district(
                folder / f"{code}.db",
                district_code=code,
                officer_username="dpo",
                officer_name="District Officer",
                officer_password=DPO_PASSWORD,
                stations=["City", "Saddar"],
                kdf=keyslots.OWASP_FLOOR_KDF,
            )
            ctx = setup.context
            ctx.clock = fixed_clock
            service = BundleService(ctx)
            service.install_hub_profile(profile_path.read_bytes(), profile.fingerprint)
            files = service.write_enrolment(folder / "enrolment")
            hub_service.enrol(files.request.read_bytes(), files.fingerprint)
            database = ctx.database
            assert database.key is not None
            keys[code] = (database.key, setup.recovery_key)
            _checkpoint(database)
        _checkpoint(hub_ctx.database)
    finally:
        keyslots.DEFAULT_KDF = saved
    return folder, keys


def _checkpoint(database: Database) -> None:
    with database.engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    database.dispose()


def copy_world(template: tuple[Path, dict[str, tuple[bytes, str]]], target: Path) -> World:
    """A fresh copy of the template world in ``target``."""
    source, keys = template
    target.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / "hub.db", target / "hub.db")
    shutil.copyfile(source / "hub-profile.json", target / "hub-profile.json")
    districts = {}
    for code, (key, recovery) in keys.items():
        db = target / f"{code}.db"
        shutil.copyfile(source / f"{code}.db", db)
        shutil.copyfile(KeySlotFile.path_for(source / f"{code}.db"), KeySlotFile.path_for(db))
        districts[code] = District(code, db, key, recovery)
    stick = target / "stick"
    stick.mkdir()
    return World(Hub(target / "hub.db"), districts, stick, target / "hub-profile.json")


@pytest.fixture
def world(world_template: tuple[Path, dict[str, tuple[bytes, str]]], tmp_path: Path) -> Iterator[World]:
    """A fresh copy of the enrolled world for this test."""
    made = copy_world(world_template, tmp_path / "world")
    yield made
    made.close()
