"""Accounts: create, list, disable, enable, reset and change passwords.

District accounts are opened by their key slot (see :mod:`copdesk.storage.keyslots`); hub accounts by an
argon2id password hash in the hub database. Either way the rules are the same and are enforced here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from copdesk.errors import AuthenticationError, ConflictError, NotFound, ValidationError
from copdesk.models.accounts import Account, Role
from copdesk.services.context import Service, requires
from copdesk.storage.audit_chain import append_entry
from copdesk.storage.database import Database
from copdesk.storage.keyslots import KdfParams, KeySlotFile, check_password_strength

_USERNAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
DESK_ROLES = frozenset({Role.CLERK, Role.STATION_OFFICER, Role.DISTRICT_OFFICER})
HUB_ROLES = frozenset({Role.HUB_ANALYST, Role.HUB_ADMIN})


def password_hasher(kdf: KdfParams | None = None) -> PasswordHasher:
    """argon2id hasher for hub account passwords (same cost parameters as district key slots)."""
    from copdesk.storage import keyslots

    kdf = kdf or keyslots.DEFAULT_KDF
    kdf.check_floor()
    return PasswordHasher(time_cost=kdf.time_cost, memory_cost=kdf.memory_kib, parallelism=kdf.parallelism)


@dataclass(frozen=True)
class AccountInfo:
    """An account as shown in the accounts list (never the password or its hash)."""

    username: str
    display_name: str
    role: Role
    disabled: bool
    province_code: str | None
    created_at: datetime
    last_login_at: datetime | None


def _info(account: Account) -> AccountInfo:
    return AccountInfo(
        account.username,
        account.display_name,
        Role(account.role),
        account.disabled,
        account.province_code,
        account.created_at,
        account.last_login_at,
    )


def check_username(username: str) -> str:
    """Validate a user name: lower-case letters, digits, dot, dash or underscore, 2 to 32 characters."""
    username = username.strip()
    if not _USERNAME.match(username):
        raise ValidationError(
            "A user name is 2 to 32 lower-case letters or digits (dot, dash and underscore allowed), "
            "starting with a letter.",
            "username",
        )
    return username


def roles_for(database: Database) -> frozenset[Role]:
    """The roles an account may have in this kind of database."""
    return DESK_ROLES if database.kind == "district" else HUB_ROLES


def add_account(
    session: Session,
    database: Database,
    *,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    province_code: str | None = None,
    enforce_strength: bool = True,
    kdf: KdfParams | None = None,
) -> Account:
    """Create an account and its credentials (used by setup and by :class:`AccountService`)."""
    username = check_username(username)
    if not display_name.strip():
        raise ValidationError("Enter the person's name.", "display_name")
    if role not in roles_for(database):
        raise ValidationError(f"A {database.kind} database cannot have a {role.label} account.", "role")
    if enforce_strength:
        check_password_strength(password)
    if session.scalar(select(Account).where(Account.username == username)) is not None:
        raise ConflictError(f"There is already an account called {username}.")
    account = Account(
        username=username,
        display_name=display_name.strip(),
        role=role.value,
        province_code=province_code,
        disabled=False,
        failed_logins=0,
    )
    if database.kind == "hub":
        account.password_hash = password_hasher(kdf).hash(password)
    session.add(account)
    session.flush()
    if database.kind == "district":
        slots = _slots(database)
        slots.set_password(username, password, _key(database), kdf)
        slots.save()
    return account


def _slots(database: Database) -> KeySlotFile:
    """The key-slot file as it is on disk now (another session may have changed it since login)."""
    if database.path is None:
        raise AuthenticationError("This database has no key slots.")
    return KeySlotFile.load(database.path)


def _key(database: Database) -> bytes:
    if database.key is None:
        raise AuthenticationError("The database key is not available.")
    return database.key


def _account(session: Session, username: str) -> Account:
    account = session.scalar(select(Account).where(Account.username == username))
    if account is None:
        raise NotFound(f"There is no account called {username}.")
    return account


class AccountService(Service):
    """Managing accounts (district officer at a district, hub administrator at the hub)."""

    @requires("account.list")
    def list_accounts(self) -> list[AccountInfo]:
        """All accounts, by user name."""
        with self.ctx.read() as session:
            return [_info(a) for a in session.scalars(select(Account).order_by(Account.username))]

    @requires("account.create")
    def create_account(
        self, username: str, display_name: str, role: Role, password: str, province_code: str | None = None
    ) -> AccountInfo:
        """Create an account with a first password (which the person should change)."""
        with self.ctx.write() as session:
            return _info(
                add_account(
                    session,
                    self.ctx.database,
                    username=username,
                    display_name=display_name,
                    role=role,
                    password=password,
                    province_code=province_code,
                )
            )

    @requires("account.disable")
    def disable(self, username: str) -> None:
        """Disable an account: its password no longer opens anything (its key slot is removed)."""
        if username == self.ctx.actor.username:
            raise ValidationError("You cannot disable your own account.", "username")
        with self.ctx.write() as session:
            account = _account(session, username)
            account.disabled = True
            if self.ctx.database.kind == "district":
                slots = _slots(self.ctx.database)
                slots.remove_account(username)
                slots.save()
            else:
                from copdesk.services.hub import drop_key_slot  # hub.py imports this module

                drop_key_slot(session, username)

    @requires("account.enable")
    def enable(self, username: str, new_password: str) -> None:
        """Enable a disabled account again, with a new password."""
        check_password_strength(new_password)
        with self.ctx.write() as session:
            account = _account(session, username)
            account.disabled = False
            self._set_password(session, account, new_password)

    @requires("account.reset_password")
    def reset_password(self, username: str, new_password: str) -> None:
        """Give another account a new password (the person forgot theirs)."""
        check_password_strength(new_password)
        with self.ctx.write() as session:
            account = _account(session, username)
            if account.disabled:
                raise ValidationError("This account is disabled; enable it instead.", "username")
            self._set_password(session, account, new_password)

    @requires("account.change_own_password")
    def change_own_password(self, old_password: str, new_password: str) -> None:
        """Change the signed-in account's password after checking the old one."""
        check_password_strength(new_password)
        if old_password == new_password:
            raise ValidationError("The new password must differ from the old one.", "new_password")
        database = self.ctx.database
        with self.ctx.write() as session:
            account = _account(session, self.ctx.actor.username)
            if database.kind == "district":
                _slots(database).unlock(account.username, old_password)
            else:
                try:
                    password_hasher().verify(account.password_hash or "", old_password)
                except Exception:
                    raise AuthenticationError("The old password is wrong.") from None
            self._set_password(session, account, new_password, old_password)

    def _set_password(self, session: Session, account: Account, password: str, old_password: str | None = None) -> None:
        database = self.ctx.database
        account.password_changed_at = self.ctx.now()
        account.failed_logins = 0
        account.locked_until = None
        if database.kind == "hub":
            account.password_hash = password_hasher().hash(password)
            # The hub keys are wrapped per account: keep access across one's own change, drop it on a reset.
            from copdesk.services.hub import drop_key_slot, rewrap_key_slot  # hub.py imports this module

            if old_password is None:
                drop_key_slot(session, account.username)
            else:
                rewrap_key_slot(session, account.username, old_password, password)
        else:
            slots = _slots(database)
            slots.set_password(account.username, password, _key(database))
            slots.save()
        append_entry(session, self.ctx.actor.username, "password_set", "account", account.username)
