"""Shared fixtures: isolated data folders, a template district database copied per test, role contexts."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from copdesk.models.accounts import Role  # noqa: E402
from copdesk.services.accounts import add_account  # noqa: E402
from copdesk.services.context import Actor, ServiceContext  # noqa: E402
from copdesk.services.setup import create_district  # noqa: E402
from copdesk.storage import keyslots  # noqa: E402
from copdesk.storage.database import open_district_engine  # noqa: E402
from copdesk.storage.keyslots import KeySlotFile  # noqa: E402
from copdesk.storage.recording import SESSION_ACTOR  # noqa: E402

PASSWORD = "test-password"
DISTRICT_CODE = "LHR"
ROLE_USERS = {Role.CLERK: "clerk", Role.STATION_OFFICER: "officer", Role.DISTRICT_OFFICER: "dpo"}


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches real user folders; key derivation uses OWASP's floor (a legal, faster setting)."""
    home = tmp_path / "copdesk-home"
    home.mkdir()
    monkeypatch.setenv("COPDESK_HOME", str(home))
    monkeypatch.delenv("COPDESK_USER", raising=False)
    monkeypatch.delenv("COPDESK_PASSWORD", raising=False)
    monkeypatch.setattr(keyslots, "DEFAULT_KDF", keyslots.OWASP_FLOOR_KDF)


@pytest.fixture(scope="session")
def district_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A district database built once (accounts clerk/officer/dpo, stations City and Saddar), copied per test."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "district.db"
    setup = create_district(
        path,
        district_code=DISTRICT_CODE,
        officer_username="dpo",
        officer_name="District Officer",
        officer_password=PASSWORD,
        stations=["City", "Saddar"],
        kdf=keyslots.OWASP_FLOOR_KDF,
    )
    database = setup.context.database
    with database.writer(info={SESSION_ACTOR: "dpo"}) as session:
        add_account(
            session,
            database,
            username="clerk",
            display_name="Desk Clerk",
            role=Role.CLERK,
            password=PASSWORD,
            kdf=keyslots.OWASP_FLOOR_KDF,
        )
        add_account(
            session,
            database,
            username="officer",
            display_name="Station Officer",
            role=Role.STATION_OFFICER,
            password=PASSWORD,
            kdf=keyslots.OWASP_FLOOR_KDF,
        )
    with database.engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    key = database.key
    assert key is not None
    database.dispose()
    (folder / "recovery-key.txt").write_text(setup.recovery_key)
    return path, key


@pytest.fixture
def district_db_path(district_template: tuple[Path, bytes], tmp_path: Path) -> Path:
    """A fresh copy of the template district database (and its key file) for this test."""
    source, _key = district_template
    target = tmp_path / "district.db"
    shutil.copyfile(source, target)
    shutil.copyfile(KeySlotFile.path_for(source), KeySlotFile.path_for(target))
    return target


@pytest.fixture
def recovery_key(district_template: tuple[Path, bytes]) -> str:
    """The template database's recovery key."""
    return (district_template[0].parent / "recovery-key.txt").read_text()


@pytest.fixture
def district_db(district_db_path: Path, district_template: tuple[Path, bytes]) -> Iterator[object]:
    """The copied district database, open (as a :class:`copdesk.storage.database.Database`)."""
    database = open_district_engine(district_db_path, district_template[1])
    yield database
    database.dispose()


@pytest.fixture
def as_role(district_db: object) -> Callable[[Role], ServiceContext]:
    """Make a service context on the test database for an account of the given role."""

    def make(role: Role) -> ServiceContext:
        username = ROLE_USERS.get(role, role.value)
        return ServiceContext(
            database=district_db,
            actor=Actor(username, role, username.title()),  # type: ignore[arg-type]
            district_code=DISTRICT_CODE,
        )

    return make


@pytest.fixture
def clerk(as_role: Callable[[Role], ServiceContext]) -> ServiceContext:
    """Service context of the clerk."""
    return as_role(Role.CLERK)


@pytest.fixture
def officer(as_role: Callable[[Role], ServiceContext]) -> ServiceContext:
    """Service context of the station officer."""
    return as_role(Role.STATION_OFFICER)


@pytest.fixture
def dpo(as_role: Callable[[Role], ServiceContext]) -> ServiceContext:
    """Service context of the district officer."""
    return as_role(Role.DISTRICT_OFFICER)


def postgres_admin_url() -> str:
    """Where the test PostgreSQL server is (trust auth on this machine; CI starts one if none runs)."""
    return os.environ.get("COPDESK_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test (skipped, saying why, when no server answers)."""
    import psycopg

    admin = postgres_admin_url().replace("postgresql+psycopg://", "postgresql://")
    name = f"copdesk_test_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        reason = f"no PostgreSQL server reachable at {postgres_admin_url()}: {exc}".splitlines()[0]
        if os.environ.get("COPDESK_REQUIRE_PG"):  # CI starts a server: there a missing one is a failure
            pytest.fail(reason)
        pytest.skip(reason)
    base, _, _db = postgres_admin_url().rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
