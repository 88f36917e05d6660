"""The one policy table: which role may perform which action. Deny by default.

Every public service method names its action with :func:`copdesk.services.context.requires`; an action that is
not in :data:`POLICY` is refused for everyone. The policy also says which roles see personal fields.
"""

from __future__ import annotations

from collections.abc import Mapping

from copdesk.models.accounts import Role

CLERK = Role.CLERK
STATION = Role.STATION_OFFICER
DISTRICT = Role.DISTRICT_OFFICER
ANALYST = Role.HUB_ANALYST
HUB_ADMIN = Role.HUB_ADMIN

DESK = frozenset({CLERK, STATION, DISTRICT})
OFFICERS = frozenset({STATION, DISTRICT})
HUB = frozenset({ANALYST, HUB_ADMIN})

#: Personal fields: who may see them in full. Others see them masked or not at all.
VIEW_CONTACT = "personal.view_contact"  # names of private persons, phone numbers, addresses
VIEW_CNIC = "personal.view_cnic"  # CNIC numbers

POLICY: Mapping[str, frozenset[Role]] = {
    # accounts and audit
    "account.list": frozenset({DISTRICT, HUB_ADMIN}),
    "account.create": frozenset({DISTRICT, HUB_ADMIN}),
    "account.disable": frozenset({DISTRICT, HUB_ADMIN}),
    "account.enable": frozenset({DISTRICT, HUB_ADMIN}),
    "account.reset_password": frozenset({DISTRICT, HUB_ADMIN}),
    "account.change_own_password": DESK | HUB,
    "audit.view": frozenset({DISTRICT, HUB_ADMIN, ANALYST}),
    "audit.verify": frozenset({DISTRICT, HUB_ADMIN, ANALYST}),
    # personal data (see the note above)
    VIEW_CONTACT: DESK,
    VIEW_CNIC: OFFICERS,
    # organisation: stations, beats, officers
    "org.view": DESK,
    "org.manage": frozenset({DISTRICT}),
    # people
    "person.view": DESK,
    "person.create": DESK,
    "person.update": DESK,
    "person.delete": OFFICERS,
    # committees and meetings
    "committee.view": DESK,
    "committee.create": DESK,
    "committee.update": DESK,
    "committee.delete": OFFICERS,
    "meeting.view": DESK,
    "meeting.create": DESK,
    "meeting.update": DESK,
    "meeting.close": DESK,
    "meeting.reopen": OFFICERS,
    "meeting.delete": OFFICERS,
    # neighbourhood watch (Theekree Pehra)
    "watch.view": DESK,
    "watch.manage": DESK,
    "watch.verify_volunteer": OFFICERS,
    "watch.roster": DESK,
    "watch.delete": OFFICERS,
    # complaints
    "complaint.view": DESK,
    "complaint.create": DESK,
    "complaint.update": DESK,
    "complaint.assign": OFFICERS,
    "complaint.progress": DESK,
    "complaint.close": OFFICERS,
    "complaint.reopen": OFFICERS,
    "complaint.feedback": DESK,
    "complaint.delete": frozenset({DISTRICT}),
    # outreach and training
    "outreach.view": DESK,
    "outreach.manage": DESK,
    "outreach.delete": OFFICERS,
    "training.view": DESK,
    "training.manage": DESK,
    "training.delete": OFFICERS,
    # month closing and figures
    "month.view": DESK,
    "month.close": frozenset({DISTRICT}),
    "month.reopen": frozenset({DISTRICT}),
    "figures.view": DESK | HUB,
    # documents and spreadsheets
    "print.documents": DESK,
    "spreadsheet.export": DESK,
    "spreadsheet.import": DESK,
    # monthly bundles (district) and the hub's side of the exchange
    "bundle.view": DESK,
    "bundle.manage": frozenset({DISTRICT}),
    "bundle.export": frozenset({DISTRICT}),
    "bundle.apply_feedback": frozenset({DISTRICT}),
    "hub.view": HUB,
    "hub.keys": frozenset({HUB_ADMIN}),
    "hub.enrol": frozenset({HUB_ADMIN}),
    "hub.import": HUB,
    "hub.feedback": HUB,
}


def allowed(role: Role, action: str) -> bool:
    """True when ``role`` may perform ``action``; unknown actions are denied."""
    return role in POLICY.get(action, frozenset())
