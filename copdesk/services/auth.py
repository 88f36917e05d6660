"""Signing in: to a district database (through its key slot) or to the hub (through a password hash)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from copdesk.errors import AccountDisabled, AccountLocked, AuthenticationError
from copdesk.models.accounts import Account, Role
from copdesk.services.accounts import password_hasher
from copdesk.services.context import Actor, ServiceContext
from copdesk.storage import keyslots
from copdesk.storage.audit_chain import append_entry, load_state
from copdesk.storage.database import Database, check_database_file, open_district_engine, open_hub_engine
from copdesk.storage.keyslots import KeySlotFile
from copdesk.storage.recording import SESSION_ACTOR


def _actor(account: Account) -> Actor:
    return Actor(account.username, Role(account.role), account.display_name, account.province_code)


def login_district(db_path: Path, username: str, password: str) -> ServiceContext:
    """Open a district database as ``username``; wrong passwords count towards a temporary lockout."""
    check_database_file(db_path)
    slots = KeySlotFile.load(db_path)
    key = slots.unlock(username.strip(), password)
    database = open_district_engine(db_path, key)
    try:
        with database.writer(info={SESSION_ACTOR: username}) as session:
            account = session.scalar(select(Account).where(Account.username == username.strip()))
            if account is None:
                raise AuthenticationError("Wrong user name or password.")
            if account.disabled:
                raise AccountDisabled("This account has been disabled. Ask the district officer.")
            account.last_login_at = datetime.now(UTC)
            append_entry(session, account.username, "login")
            actor = _actor(account)
            district_code = load_state(session).district_code
    except BaseException:
        database.dispose()
        raise
    return ServiceContext(database=database, actor=actor, district_code=district_code)


def recover_district_access(db_path: Path, recovery_key: str, username: str, new_password: str) -> None:
    """Set a new password for an existing district account using the recovery sheet's key."""
    keyslots.check_password_strength(new_password)
    check_database_file(db_path)
    slots = KeySlotFile.load(db_path)
    key = slots.unlock_with_recovery_key(recovery_key)
    database = open_district_engine(db_path, key)
    try:
        with database.writer(info={SESSION_ACTOR: "recovery-sheet"}) as session:
            account = session.scalar(select(Account).where(Account.username == username.strip()))
            if account is None:
                raise AuthenticationError(f"There is no account called {username}.")
            account.disabled = False
            account.password_changed_at = datetime.now(UTC)
            slots.set_password(account.username, new_password, key)
            slots.save()
            append_entry(session, "recovery-sheet", "password_recovered", "account", account.username)
    finally:
        database.dispose()


def login_hub(target: str | Path, username: str, password: str, *, database: Database | None = None) -> ServiceContext:
    """Open the hub database as ``username``; failed logins are audited and lock the account for a while."""
    opened_here = database is None
    database = database or open_hub_engine(target)
    try:
        return _login_hub(database, username.strip(), password)
    except BaseException:
        if opened_here:
            database.dispose()
        raise


def _login_hub(database: Database, username: str, password: str) -> ServiceContext:
    now = datetime.now(UTC)
    with database.writer(info={SESSION_ACTOR: username}) as session:
        account = session.scalar(select(Account).where(Account.username == username))
        if account is None:
            append_entry(session, username[:64], "login_failed")
            problem: AuthenticationError = AuthenticationError("Wrong user name or password.")
        elif account.locked_until is not None and account.locked_until > now:
            problem = AccountLocked(
                f"Too many wrong passwords: this account is locked until "
                f"{account.locked_until.astimezone():%H:%M}. Try again later."
            )
        else:
            try:
                password_hasher().verify(account.password_hash or "", password)
            except (VerificationError, InvalidHashError):
                account.failed_logins += 1
                append_entry(session, username, "login_failed")
                if account.failed_logins >= keyslots.MAX_FAILED_LOGINS:
                    account.failed_logins = 0
                    account.locked_until = now + keyslots.LOCKOUT
                    problem = AccountLocked("Too many wrong passwords: this account is locked for 15 minutes.")
                else:
                    problem = AuthenticationError("Wrong user name or password.")
            else:
                if account.disabled:
                    problem = AccountDisabled("This account has been disabled. Ask the hub administrator.")
                else:
                    account.failed_logins = 0
                    account.locked_until = None
                    account.last_login_at = now
                    append_entry(session, username, "login")
                    return ServiceContext(database=database, actor=_actor(account))
    raise problem
