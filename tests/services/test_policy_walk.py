"""The policy walk: every public service method is guarded, and every role outside its action is refused."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest

import copdesk.services
from copdesk.errors import PermissionDenied
from copdesk.models.accounts import Role
from copdesk.services import policy
from copdesk.services.context import Actor, Service, ServiceContext, action_of, requires


def _service_classes() -> list[type[Service]]:
    for module in pkgutil.iter_modules(copdesk.services.__path__):
        importlib.import_module(f"copdesk.services.{module.name}")
    found: list[type[Service]] = []
    pending = list(Service.__subclasses__())
    while pending:
        cls = pending.pop()
        if cls.__module__.startswith("copdesk.services."):
            found.append(cls)
        pending.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: c.__qualname__)


def _public_methods() -> Iterator[tuple[type[Service], str, Any]]:
    for cls in _service_classes():
        for name, member in inspect.getmembers(cls, inspect.isfunction):
            if not name.startswith("_"):
                yield cls, name, member


METHODS = list(_public_methods())


class _NoDatabase:
    """Stands in for the database: a guarded method must refuse before it touches anything."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the method reached the database ({name}) before checking the policy")


def _context(role: Role) -> ServiceContext:
    return ServiceContext(database=_NoDatabase(), actor=Actor("walker", role))  # type: ignore[arg-type]


def _dummy_arguments(method: Any) -> tuple[list[Any], dict[str, Any]]:
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for parameter in list(inspect.signature(method).parameters.values())[1:]:
        if parameter.kind is parameter.VAR_POSITIONAL or parameter.kind is parameter.VAR_KEYWORD:
            continue
        if parameter.kind is parameter.KEYWORD_ONLY:
            kwargs[parameter.name] = None
        else:
            args.append(None)
    return args, kwargs


def test_the_walk_finds_the_services() -> None:
    names = {cls.__name__ for cls in _service_classes()}
    assert {"AccountService", "AuditService"} <= names
    assert len(METHODS) >= 10


@pytest.mark.parametrize(("cls", "name", "method"), METHODS, ids=[f"{c.__name__}.{n}" for c, n, _ in METHODS])
def test_every_public_method_names_a_policy_action(cls: type[Service], name: str, method: Any) -> None:
    action = action_of(method)
    assert action is not None, f"{cls.__name__}.{name} is not guarded by @requires"
    assert action in policy.POLICY, f"{cls.__name__}.{name} uses {action!r}, which the policy does not define"


@pytest.mark.parametrize(("cls", "name", "method"), METHODS, ids=[f"{c.__name__}.{n}" for c, n, _ in METHODS])
def test_roles_outside_the_action_are_refused_before_any_work(cls: type[Service], name: str, method: Any) -> None:
    action = action_of(method)
    assert action is not None
    denied = [role for role in Role if not policy.allowed(role, action)]
    for role in denied:
        service = cls(_context(role))
        args, kwargs = _dummy_arguments(method)
        with pytest.raises(PermissionDenied):
            getattr(service, name)(*args, **kwargs)


def test_every_policy_action_is_used_by_a_service_or_is_a_field_rule() -> None:
    used = {action_of(method) for _cls, _name, method in METHODS}
    field_rules = {policy.VIEW_CNIC, policy.VIEW_CONTACT}
    unused = set(policy.POLICY) - used - field_rules
    assert not unused, f"policy actions no service method uses: {sorted(unused)}"


def test_an_action_missing_from_the_policy_is_refused_for_every_role() -> None:
    class Probe(Service):
        @requires("no.such.action")
        def act(self) -> str:
            return "done"

    for role in Role:
        with pytest.raises(PermissionDenied):
            Probe(_context(role)).act()


def test_personal_fields_policy() -> None:
    assert policy.allowed(Role.STATION_OFFICER, policy.VIEW_CNIC)
    assert policy.allowed(Role.DISTRICT_OFFICER, policy.VIEW_CNIC)
    assert not policy.allowed(Role.CLERK, policy.VIEW_CNIC)
    assert policy.allowed(Role.CLERK, policy.VIEW_CONTACT)
    for hub_role in (Role.HUB_ANALYST, Role.HUB_ADMIN):
        assert not policy.allowed(hub_role, policy.VIEW_CNIC)
        assert not policy.allowed(hub_role, policy.VIEW_CONTACT)
