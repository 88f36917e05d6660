"""Typed errors.

`CopdeskError` and its subclasses carry a plain-language message meant for the user (the GUI shows it in a
dialog, the CLI prints it as one line on stderr). Anything else that escapes is a bug.
"""

from __future__ import annotations


class CopdeskError(Exception):
    """An expected failure with a message a user can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(CopdeskError):
    """Input that breaks a rule; `field` names the offending field when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(CopdeskError):
    """A record that does not exist (or was deleted)."""


class PermissionDenied(CopdeskError):
    """The signed-in account's role may not perform this action."""


class WorkflowError(CopdeskError):
    """An illegal state transition (complaint workflow, closed month, closed meeting...)."""


class ConflictError(CopdeskError):
    """The record was changed by someone else since it was read, or a uniqueness rule was broken."""


class AuthenticationError(CopdeskError):
    """Wrong user name or password."""


class AccountLocked(AuthenticationError):
    """Too many failed logins; the account is locked for a while."""


class AccountDisabled(AuthenticationError):
    """The account has been disabled by a district officer."""


class StorageError(CopdeskError):
    """The database cannot be used: not a copdesk database, too new, damaged, disk full..."""


class NotADatabase(StorageError):
    """The file is not a copdesk database (or the key does not open it)."""


class DatabaseTooNew(StorageError):
    """The database was written by a newer copdesk than this one."""


class DiskFull(StorageError):
    """The disk (or the database's size limit) is full; the change was rolled back."""
