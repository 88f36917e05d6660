"""Accounts and signing in: district accounts by key slot, hub accounts by argon2id hash, on SQLite and PostgreSQL."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from copdesk.errors import (
    AccountDisabled,
    AccountLocked,
    AuthenticationError,
    ConflictError,
    NotADatabase,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from copdesk.models.accounts import Account, Role
from copdesk.models.audit import AuditEntry
from copdesk.models.base import utcnow
from copdesk.services.accounts import AccountService
from copdesk.services.auth import login_district, login_hub, recover_district_access
from copdesk.services.context import Actor, ServiceContext
from copdesk.services.setup import create_hub
from copdesk.storage import keyslots
from copdesk.storage.database import Database
from copdesk.storage.keyslots import MAX_FAILED_LOGINS, KeySlotFile, account_slot_name

PASSWORD = "test-password"
WRONG = "wrong-password"
NEW_PASSWORD = "a-brand-new-password"
WRONG_MESSAGE = "Wrong user name or password."


@contextmanager
def signed_in(db_path: Path, username: str, password: str) -> Iterator[ServiceContext]:
    ctx = login_district(db_path, username, password)
    try:
        yield ctx
    finally:
        ctx.database.dispose()


def can_login(db_path: Path, username: str, password: str) -> bool:
    try:
        with signed_in(db_path, username, password):
            return True
    except AuthenticationError as exc:
        assert type(exc) is AuthenticationError, f"unexpected {type(exc).__name__}: {exc}"
        return False


def _audit_texts(database: Database) -> list[str]:
    with database.reader() as session:
        return [
            " ".join((e.actor, e.action, e.entity, e.entity_id, e.details))
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        ]


def _audit_entries(database: Database, after_seq: int = 0) -> list[AuditEntry]:
    with database.reader() as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.seq > after_seq).order_by(AuditEntry.seq)))


def _last_seq(database: Database) -> int:
    entries = _audit_entries(database)
    return entries[-1].seq if entries else 0


# --- creating district accounts ------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "username"), [(Role.CLERK, "nazia.clerk"), (Role.STATION_OFFICER, "sho_saddar")])
def test_district_officer_creates_desk_accounts(
    dpo: ServiceContext, district_db_path: Path, role: Role, username: str
) -> None:
    service = AccountService(dpo)
    info = service.create_account(username, "  Nazia Perveen ", role, NEW_PASSWORD)
    assert (info.username, info.display_name, info.role, info.disabled) == (username, "Nazia Perveen", role, False)
    assert info.last_login_at is None
    assert username in [a.username for a in service.list_accounts()]
    assert KeySlotFile.load(district_db_path).has_account(username)

    with signed_in(district_db_path, username, NEW_PASSWORD) as ctx:
        assert ctx.actor == Actor(username, role, "Nazia Perveen", None)
        assert ctx.district_code == "LHR"
    created = [e for e in _audit_entries(dpo.database) if e.action == "create" and e.entity == "account"]
    assert [(e.entity_id, e.actor) for e in created][-1] == (username, "dpo")


def test_list_accounts_shows_the_template_accounts(dpo: ServiceContext) -> None:
    accounts = AccountService(dpo).list_accounts()
    assert [(a.username, a.role, a.disabled) for a in accounts] == [
        ("clerk", Role.CLERK, False),
        ("dpo", Role.DISTRICT_OFFICER, False),
        ("officer", Role.STATION_OFFICER, False),
    ]


@pytest.mark.parametrize("role", [Role.HUB_ANALYST, Role.HUB_ADMIN])
def test_a_district_cannot_have_hub_roles(dpo: ServiceContext, district_db_path: Path, role: Role) -> None:
    with pytest.raises(ValidationError) as refused:
        AccountService(dpo).create_account("hubby", "Hub Person", role, NEW_PASSWORD)
    assert refused.value.field == "role"
    assert "hubby" not in [a.username for a in AccountService(dpo).list_accounts()]
    assert not KeySlotFile.load(district_db_path).has_account("hubby")


def test_a_duplicate_user_name_is_refused_and_does_not_touch_the_existing_account(
    dpo: ServiceContext, district_db_path: Path
) -> None:
    with pytest.raises(ConflictError, match="already an account called clerk"):
        AccountService(dpo).create_account("clerk", "Another Clerk", Role.CLERK, NEW_PASSWORD)
    with pytest.raises(ConflictError):
        AccountService(dpo).create_account("  clerk ", "Another Clerk", Role.CLERK, NEW_PASSWORD)
    assert can_login(district_db_path, "clerk", PASSWORD)
    assert not can_login(district_db_path, "clerk", NEW_PASSWORD)
    assert [a.display_name for a in AccountService(dpo).list_accounts() if a.username == "clerk"] == ["Desk Clerk"]


BAD_USERNAMES = ["", " ", "a", "Clerk", "CLERK", "1clerk", "_clerk", "-clerk", "ali raza", "ali@station", "a" * 33]


def test_bad_user_names_are_refused(dpo: ServiceContext, district_db_path: Path) -> None:
    before = KeySlotFile.load(district_db_path).usernames()
    for username in [*BAD_USERNAMES, "علی", "ali\traza", "ali:raza"]:
        with pytest.raises(ValidationError) as refused:
            AccountService(dpo).create_account(username, "Some One", Role.CLERK, NEW_PASSWORD)
        assert refused.value.field == "username", username
    assert KeySlotFile.load(district_db_path).usernames() == before
    assert len(AccountService(dpo).list_accounts()) == 3


def test_good_user_names_are_accepted(dpo: ServiceContext) -> None:
    for username in ["ab", "ali.raza", "sho-2", "c_1", "a" * 32]:
        assert AccountService(dpo).create_account(username, "Some One", Role.CLERK, NEW_PASSWORD).username == username
    assert AccountService(dpo).create_account(" padded ", "Some One", Role.CLERK, NEW_PASSWORD).username == "padded"


@pytest.mark.parametrize("password", ["", "short", "7chars!"])
def test_a_short_password_is_refused(dpo: ServiceContext, district_db_path: Path, password: str) -> None:
    with pytest.raises(ValidationError) as refused:
        AccountService(dpo).create_account("newclerk", "New Clerk", Role.CLERK, password)
    assert refused.value.field == "password"
    assert not KeySlotFile.load(district_db_path).has_account("newclerk")
    assert "newclerk" not in [a.username for a in AccountService(dpo).list_accounts()]


def test_an_empty_display_name_is_refused(dpo: ServiceContext) -> None:
    with pytest.raises(ValidationError) as refused:
        AccountService(dpo).create_account("newclerk", "   ", Role.CLERK, NEW_PASSWORD)
    assert refused.value.field == "display_name"


# --- signing in to a district --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "role", "display_name"),
    [
        ("clerk", Role.CLERK, "Desk Clerk"),
        ("officer", Role.STATION_OFFICER, "Station Officer"),
        ("dpo", Role.DISTRICT_OFFICER, "District Officer"),
    ],
)
def test_login_district_returns_the_accounts_actor(
    district_db_path: Path, username: str, role: Role, display_name: str
) -> None:
    with signed_in(district_db_path, f" {username} ", PASSWORD) as ctx:
        assert ctx.actor == Actor(username, role, display_name, None)
        assert ctx.district_code == "LHR"
        assert ctx.database.kind == "district"
        assert KeySlotFile.load(district_db_path).has_account(username)
        with ctx.read() as session:
            account = session.scalars(select(Account).where(Account.username == username)).one()
            assert account.last_login_at is not None
            assert utcnow() - account.last_login_at < timedelta(minutes=1)
        last = _audit_entries(ctx.database)[-1]
        assert (last.actor, last.action) == (username, "login")


def test_wrong_password_and_unknown_user_are_refused_alike(district_db_path: Path) -> None:
    messages = []
    for username, password in (("clerk", WRONG), ("nobody", PASSWORD), ("clerk", ""), ("", PASSWORD)):
        with pytest.raises(AuthenticationError) as refused:
            login_district(district_db_path, username, password)
        assert type(refused.value) is AuthenticationError
        messages.append(str(refused.value))
    assert set(messages) == {WRONG_MESSAGE}


def test_login_district_locks_after_repeated_failures(district_db_path: Path) -> None:
    for attempt in range(1, MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError) as refused:
            login_district(district_db_path, "clerk", WRONG)
        assert type(refused.value) is AuthenticationError, f"locked too early, at attempt {attempt}"
    with pytest.raises(AccountLocked, match="locked until"):
        login_district(district_db_path, "clerk", WRONG)
    with pytest.raises(AccountLocked):
        login_district(district_db_path, "clerk", PASSWORD)
    assert can_login(district_db_path, "officer", PASSWORD)  # only that account

    # Once the lockout has passed (moved into the past here) the right password works and clears the lock.
    slots = KeySlotFile.load(district_db_path)
    slots.slots[account_slot_name("clerk")].locked_until = (utcnow() - timedelta(seconds=1)).isoformat()
    slots.save()
    assert can_login(district_db_path, "clerk", PASSWORD)
    after = KeySlotFile.load(district_db_path).slots[account_slot_name("clerk")]
    assert (after.failed_logins, after.locked_until) == (0, None)


# --- disabling, enabling, resetting --------------------------------------------------------------------------


def test_disable_removes_the_slot(dpo: ServiceContext, district_db_path: Path) -> None:
    service = AccountService(dpo)
    service.disable("clerk")
    assert not KeySlotFile.load(district_db_path).has_account("clerk")
    assert not can_login(district_db_path, "clerk", PASSWORD)
    assert {a.username: a.disabled for a in service.list_accounts()} == {
        "clerk": True,
        "dpo": False,
        "officer": False,
    }
    with pytest.raises(ValidationError, match="enable it instead"):
        service.reset_password("clerk", NEW_PASSWORD)
    assert not can_login(district_db_path, "clerk", NEW_PASSWORD)
    assert can_login(district_db_path, "officer", PASSWORD)


def test_enable_with_a_new_password(dpo: ServiceContext, district_db_path: Path) -> None:
    service = AccountService(dpo)
    service.disable("clerk")
    with pytest.raises(ValidationError) as short:
        service.enable("clerk", "short")
    assert short.value.field == "password"
    assert not can_login(district_db_path, "clerk", PASSWORD)

    service.enable("clerk", NEW_PASSWORD)
    assert [a.disabled for a in service.list_accounts() if a.username == "clerk"] == [False]
    assert can_login(district_db_path, "clerk", NEW_PASSWORD)
    assert not can_login(district_db_path, "clerk", PASSWORD)


def test_reset_password(dpo: ServiceContext, district_db_path: Path) -> None:
    before = _last_seq(dpo.database)
    AccountService(dpo).reset_password("officer", NEW_PASSWORD)
    assert can_login(district_db_path, "officer", NEW_PASSWORD)
    assert not can_login(district_db_path, "officer", PASSWORD)
    assert can_login(district_db_path, "clerk", PASSWORD)
    entries = [(e.actor, e.action, e.entity_id) for e in _audit_entries(dpo.database, before) if e.action != "login"]
    assert sorted(entries) == [("dpo", "password_set", "officer"), ("dpo", "update", "officer")]


def test_reset_password_of_a_missing_account(dpo: ServiceContext) -> None:
    with pytest.raises(NotFound):
        AccountService(dpo).reset_password("ghost", NEW_PASSWORD)


def test_change_own_password(clerk: ServiceContext, district_db_path: Path) -> None:
    service = AccountService(clerk)
    with pytest.raises(AuthenticationError):
        service.change_own_password(WRONG, NEW_PASSWORD)
    assert can_login(district_db_path, "clerk", PASSWORD)
    assert not can_login(district_db_path, "clerk", NEW_PASSWORD)
    with pytest.raises(ValidationError) as same:
        service.change_own_password(PASSWORD, PASSWORD)
    assert same.value.field == "new_password"
    with pytest.raises(ValidationError) as short:
        service.change_own_password(PASSWORD, "short")
    assert short.value.field == "password"

    service.change_own_password(PASSWORD, NEW_PASSWORD)
    assert can_login(district_db_path, "clerk", NEW_PASSWORD)
    assert not can_login(district_db_path, "clerk", PASSWORD)


def test_a_district_officer_cannot_disable_themself(dpo: ServiceContext, district_db_path: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        AccountService(dpo).disable("dpo")
    assert refused.value.field == "username"
    assert KeySlotFile.load(district_db_path).has_account("dpo")
    assert can_login(district_db_path, "dpo", PASSWORD)


@pytest.mark.parametrize("role", [Role.CLERK, Role.STATION_OFFICER])
def test_desk_roles_cannot_manage_accounts(
    as_role: Callable[[Role], ServiceContext], district_db_path: Path, role: Role
) -> None:
    service = AccountService(as_role(role))
    before = KeySlotFile.load(district_db_path).slots
    calls: list[Callable[[], object]] = [
        service.list_accounts,
        lambda: service.create_account("newclerk", "New Clerk", Role.CLERK, NEW_PASSWORD),
        lambda: service.disable("dpo"),
        lambda: service.enable("dpo", NEW_PASSWORD),
        lambda: service.reset_password("dpo", NEW_PASSWORD),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert KeySlotFile.load(district_db_path).slots == before
    with as_role(Role.DISTRICT_OFFICER).read() as session:
        assert session.scalars(select(Account.username).order_by(Account.username)).all() == ["clerk", "dpo", "officer"]
        assert not any(session.scalars(select(Account.disabled)))


# --- the recovery sheet --------------------------------------------------------------------------------------


def test_recover_district_access_sets_a_new_password(district_db_path: Path, recovery_key: str) -> None:
    recover_district_access(district_db_path, recovery_key.lower(), "dpo", NEW_PASSWORD)
    assert can_login(district_db_path, "dpo", NEW_PASSWORD)
    assert not can_login(district_db_path, "dpo", PASSWORD)
    with signed_in(district_db_path, "clerk", PASSWORD) as ctx:
        recovered = [e for e in _audit_entries(ctx.database) if e.action == "password_recovered"]
    assert [(e.actor, e.entity_id) for e in recovered] == [("recovery-sheet", "dpo")]


def test_recovery_re_enables_a_disabled_account(dpo: ServiceContext, district_db_path: Path, recovery_key: str) -> None:
    AccountService(dpo).disable("officer")
    recover_district_access(district_db_path, recovery_key, "officer", NEW_PASSWORD)
    with signed_in(district_db_path, "officer", NEW_PASSWORD) as ctx:
        assert ctx.actor.role is Role.STATION_OFFICER


def test_recovery_refuses_a_wrong_key_an_unknown_account_and_a_short_password(
    district_db_path: Path, recovery_key: str
) -> None:
    with pytest.raises(AuthenticationError, match="does not open"):
        recover_district_access(district_db_path, keyslots.generate_recovery_key(), "dpo", NEW_PASSWORD)
    with pytest.raises(AuthenticationError, match="no account called ghost"):
        recover_district_access(district_db_path, recovery_key, "ghost", NEW_PASSWORD)
    with pytest.raises(ValidationError) as short:
        recover_district_access(district_db_path, recovery_key, "dpo", "short")
    assert short.value.field == "password"
    assert not KeySlotFile.load(district_db_path).has_account("ghost")
    assert can_login(district_db_path, "dpo", PASSWORD)


# --- secrets stay out of the audit trail ---------------------------------------------------------------------


def test_no_password_or_hash_in_the_district_audit_trail(
    dpo: ServiceContext, clerk: ServiceContext, district_db_path: Path, recovery_key: str
) -> None:
    passwords = [PASSWORD, WRONG, NEW_PASSWORD, "second-password", "third-password", "recovered-password"]
    service = AccountService(dpo)
    service.create_account("newclerk", "New Clerk", Role.CLERK, "second-password")
    service.reset_password("newclerk", "third-password")
    service.disable("newclerk")
    service.enable("newclerk", NEW_PASSWORD)
    AccountService(clerk).change_own_password(PASSWORD, "second-password")
    with pytest.raises(AuthenticationError):
        login_district(district_db_path, "officer", WRONG)
    recover_district_access(district_db_path, recovery_key, "officer", "recovered-password")
    assert can_login(district_db_path, "newclerk", NEW_PASSWORD)

    texts = _audit_texts(dpo.database)
    assert any("password_set" in t for t in texts) and any("password_recovered" in t for t in texts)
    for entry_text in texts:
        for password in passwords:
            assert password not in entry_text
        assert "$argon2" not in entry_text
        assert "password_hash" not in entry_text
        assert recovery_key not in entry_text and keyslots.normalise_recovery_key(recovery_key) not in entry_text


# --- key-slot changes made by two open sessions --------------------------------------------------------------


def test_a_password_changed_elsewhere_is_not_undone_by_another_open_session(
    dpo: ServiceContext, district_db_path: Path
) -> None:
    """The district officer's session (open since before) must not write back its stale copy of the key file."""
    with signed_in(district_db_path, "clerk", PASSWORD) as clerk_ctx:
        AccountService(clerk_ctx).change_own_password(PASSWORD, NEW_PASSWORD)
    assert can_login(district_db_path, "clerk", NEW_PASSWORD)

    AccountService(dpo).create_account("newclerk", "New Clerk", Role.CLERK, "newclerk-password")

    assert can_login(district_db_path, "newclerk", "newclerk-password")
    assert can_login(district_db_path, "clerk", NEW_PASSWORD), "the clerk's new password was lost"
    assert not can_login(district_db_path, "clerk", PASSWORD), "the clerk's old password works again"


# --- the hub -------------------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, ServiceContext]]:
    """A new hub (SQLite file or PostgreSQL) with admin (hub administrator) and analyst (Punjab hub analyst)."""
    target = str(tmp_path / "hub.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    try:
        ctx = create_hub(
            target,
            admin_username="admin",
            admin_name="Hub Admin",
            admin_password=PASSWORD,
            kdf=keyslots.OWASP_FLOOR_KDF,
        )
    except Exception:
        # A failed create leaks its engine (see test_a_foreign_postgres_database_is_refused_without_leaking): collect
        # it here so its ResourceWarning is not blamed on whichever test runs next. The failure itself propagates.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()
        raise
    AccountService(ctx).create_account("analyst", "Punjab Analyst", Role.HUB_ANALYST, PASSWORD, province_code="PB")
    yield target, ctx
    ctx.database.dispose()


def test_login_hub_right_and_wrong_passwords(hub: tuple[str, ServiceContext]) -> None:
    target, ctx = hub
    analyst = login_hub(target, "analyst", PASSWORD, database=ctx.database)
    assert analyst.actor == Actor("analyst", Role.HUB_ANALYST, "Punjab Analyst", "PB")
    assert analyst.database is ctx.database
    # Also by target alone (opens its own engine).
    admin = login_hub(target, " admin ", PASSWORD)
    try:
        assert admin.actor == Actor("admin", Role.HUB_ADMIN, "Hub Admin", None)
        assert admin.database.kind == "hub"
    finally:
        admin.database.dispose()
    last = _audit_entries(ctx.database)[-1]
    assert (last.actor, last.action) == ("admin", "login")

    for username, password in (("analyst", WRONG), ("nobody", PASSWORD), ("analyst", "")):
        with pytest.raises(AuthenticationError) as refused:
            login_hub(target, username, password, database=ctx.database)
        assert type(refused.value) is AuthenticationError
        assert str(refused.value) == WRONG_MESSAGE
    failed = [(e.actor, e.action) for e in _audit_entries(ctx.database) if e.action == "login_failed"]
    assert failed == [("analyst", "login_failed"), ("nobody", "login_failed"), ("analyst", "login_failed")]


def test_login_hub_locks_after_repeated_failures(hub: tuple[str, ServiceContext]) -> None:
    target, ctx = hub
    # A success in between resets the counter: MAX-1 failures, success, MAX-1 failures do not lock.
    for _ in range(2):
        for _ in range(MAX_FAILED_LOGINS - 1):
            with pytest.raises(AuthenticationError) as refused:
                login_hub(target, "analyst", WRONG, database=ctx.database)
            assert type(refused.value) is AuthenticationError
        login_hub(target, "analyst", PASSWORD, database=ctx.database)

    for attempt in range(1, MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError) as refused:
            login_hub(target, "analyst", WRONG, database=ctx.database)
        assert type(refused.value) is AuthenticationError, f"locked too early, at attempt {attempt}"
    with pytest.raises(AccountLocked):
        login_hub(target, "analyst", WRONG, database=ctx.database)
    with pytest.raises(AccountLocked):
        login_hub(target, "analyst", PASSWORD, database=ctx.database)
    assert login_hub(target, "admin", PASSWORD, database=ctx.database).actor.username == "admin"

    with ctx.database.writer() as session:
        account = session.scalars(select(Account).where(Account.username == "analyst")).one()
        assert account.locked_until is not None and account.locked_until > utcnow()
        account.locked_until = utcnow() - timedelta(seconds=1)
    assert login_hub(target, "analyst", PASSWORD, database=ctx.database).actor.role is Role.HUB_ANALYST
    with ctx.database.reader() as session:
        account = session.scalars(select(Account).where(Account.username == "analyst")).one()
        assert (account.failed_logins, account.locked_until) == (0, None)


def test_hub_disable_enable_and_roles(hub: tuple[str, ServiceContext]) -> None:
    target, ctx = hub
    service = AccountService(ctx)
    for role in (Role.CLERK, Role.STATION_OFFICER, Role.DISTRICT_OFFICER):
        with pytest.raises(ValidationError) as wrong_role:
            service.create_account("desk", "Desk Person", role, NEW_PASSWORD)
        assert wrong_role.value.field == "role"
    with pytest.raises(ConflictError):
        service.create_account("analyst", "Second Analyst", Role.HUB_ANALYST, NEW_PASSWORD)

    service.disable("analyst")
    assert [(a.username, a.disabled) for a in service.list_accounts()] == [("admin", False), ("analyst", True)]
    with pytest.raises(AccountDisabled):
        login_hub(target, "analyst", PASSWORD, database=ctx.database)
    with pytest.raises(ValidationError) as self_disable:
        service.disable("admin")
    assert self_disable.value.field == "username"

    service.enable("analyst", NEW_PASSWORD)
    assert login_hub(target, "analyst", NEW_PASSWORD, database=ctx.database).actor.username == "analyst"
    with pytest.raises(AuthenticationError):
        login_hub(target, "analyst", PASSWORD, database=ctx.database)


def test_hub_password_changes_and_no_secret_in_the_audit_trail(hub: tuple[str, ServiceContext]) -> None:
    target, ctx = hub
    admin = AccountService(ctx)
    admin.reset_password("analyst", "reset-password")
    analyst_ctx = login_hub(target, "analyst", "reset-password", database=ctx.database)
    analyst = AccountService(analyst_ctx)
    with pytest.raises(PermissionDenied):
        analyst.list_accounts()
    with pytest.raises(AuthenticationError, match="old password is wrong"):
        analyst.change_own_password(WRONG, NEW_PASSWORD)
    analyst.change_own_password("reset-password", NEW_PASSWORD)
    assert login_hub(target, "analyst", NEW_PASSWORD, database=ctx.database).actor.username == "analyst"
    with pytest.raises(AuthenticationError):
        login_hub(target, "analyst", "reset-password", database=ctx.database)

    with ctx.database.reader() as session:
        hashes = [a.password_hash for a in session.scalars(select(Account))]
    assert all(h is not None and h.startswith("$argon2id$") for h in hashes)
    for entry_text in _audit_texts(ctx.database):
        for secret in (PASSWORD, WRONG, NEW_PASSWORD, "reset-password", "$argon2", *hashes):
            assert secret is not None and secret not in entry_text
        assert "password_hash" not in entry_text


@pytest.mark.postgres
def test_a_foreign_postgres_database_is_refused_without_leaking(postgres_url: str) -> None:
    """create_hub on a PostgreSQL database that holds someone else's tables: refused, and no connection left open."""
    import psycopg

    with psycopg.connect(postgres_url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        connection.execute("CREATE TABLE payroll (id integer)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(NotADatabase, match="not a copdesk database"):
            create_hub(
                postgres_url,
                admin_username="admin",
                admin_name="Hub Admin",
                admin_password=PASSWORD,
                kdf=keyslots.OWASP_FLOOR_KDF,
            )
        gc.collect()
    leaked = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaked == [], "the engine opened by open_hub_engine was not disposed after the refusal"
