"""Who is acting, on which database: the context every service method runs in, and its guard."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from copdesk.errors import PermissionDenied
from copdesk.models.accounts import Role
from copdesk.models.base import utcnow
from copdesk.services import policy
from copdesk.storage.database import Database
from copdesk.storage.recording import SESSION_ACTOR

P = ParamSpec("P")
R = TypeVar("R")

ACTION_ATTRIBUTE = "__copdesk_action__"


@dataclass(frozen=True)
class Actor:
    """The signed-in account."""

    username: str
    role: Role
    display_name: str = ""
    province_code: str | None = None


@dataclass
class ServiceContext:
    """An open database, the signed-in actor and a clock (replaceable in tests)."""

    database: Database
    actor: Actor
    district_code: str | None = None
    clock: Callable[[], datetime] = field(default=utcnow)

    def now(self) -> datetime:
        """Current time (UTC, timezone-aware)."""
        return self.clock()

    def today(self) -> date:
        """Today's date in local time (what a clerk would write on a form)."""
        return self.clock().astimezone().date()

    def can(self, action: str) -> bool:
        """True when the actor's role may perform ``action``."""
        return policy.allowed(self.actor.role, action)

    def authorise(self, action: str) -> None:
        """Raise :class:`PermissionDenied` unless the actor may perform ``action``."""
        if not self.can(action):
            raise PermissionDenied(
                f"Your role ({self.actor.role.label}) may not do this ({action}). Ask a district officer."
            )

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read session."""
        with self.database.reader() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write session: changes are stamped, sequenced and audited under this actor, then committed."""
        with self.database.writer(info={SESSION_ACTOR: self.actor.username}) as session:
            yield session


class Service:
    """Base of every service: holds the context. Public methods must be guarded with :func:`requires`."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx


def requires(action: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Guard a service method: the actor's role must be allowed ``action`` (checked before anything else)."""

    def decorate(method: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(method)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            service = args[0]
            assert isinstance(service, Service)
            service.ctx.authorise(action)
            return method(*args, **kwargs)

        setattr(guarded, ACTION_ATTRIBUTE, action)
        return guarded

    return decorate


def action_of(method: Any) -> str | None:
    """The policy action a service method is guarded by, if any."""
    return getattr(method, ACTION_ATTRIBUTE, None)
