"""Personal fields as each role may see them: in full, masked, or not at all (see policy.VIEW_*)."""

from __future__ import annotations

from copdesk.services import policy
from copdesk.services.context import ServiceContext

HIDDEN = "•••"


def show_cnic(ctx: ServiceContext, cnic: str | None) -> str:
    """A CNIC in full for roles that may see it, otherwise masked (``35202-•••••••-1``)."""
    if not cnic:
        return ""
    if ctx.can(policy.VIEW_CNIC):
        return cnic
    return f"{cnic[:5]}-•••••••-{cnic[-1]}" if len(cnic) == 15 else HIDDEN


def show_contact(ctx: ServiceContext, value: str | None) -> str:
    """A private person's name, phone or address for roles that may see it, otherwise a mask."""
    if not value:
        return ""
    return value if ctx.can(policy.VIEW_CONTACT) else HIDDEN


def show_mobile(ctx: ServiceContext, e164: str | None) -> str:
    """A mobile number in local form (``0300-1234567``) or masked keeping the last two digits."""
    if not e164:
        return ""
    from copdesk.domain.identity import format_mobile_local

    local = format_mobile_local(e164)
    return local if ctx.can(policy.VIEW_CONTACT) else f"••••-•••••{local[-2:]}"
