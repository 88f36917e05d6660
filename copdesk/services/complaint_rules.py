"""Intake rules of complaints: categories, channels, dates, stations, the against-police rule and complainants.

Each check returns the clean value or raises :class:`ValidationError` naming the offending field.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy.orm import Session

from copdesk.domain.complaint_workflow import ComplaintChannel, ComplaintStatus
from copdesk.domain.corpus import ComplaintCategory, complaint_categories
from copdesk.errors import ValidationError
from copdesk.models.organisation import Officer, Station
from copdesk.models.people import Person
from copdesk.services.complaint_views import ComplaintDraft, ComplaintEdit
from copdesk.services.fields import as_choice, clean_text
from copdesk.services.people import PeopleService, PersonDraft, new_person

__all__ = [
    "EARLIEST_RECEIVED_ON",
    "MAX_DESCRIPTION",
    "MAX_FIR_NO",
    "MAX_LOCATION",
    "MAX_NOTE",
    "check_against_police",
    "check_details",
    "check_officer_not_accused",
    "check_received_on",
    "complainant_of",
    "load_station",
    "parse_category",
    "parse_channel",
    "parse_status",
]

#: The oldest received date accepted at intake.
EARLIEST_RECEIVED_ON = date(2000, 1, 1)
MAX_DESCRIPTION = 10_000
MAX_LOCATION = 500
MAX_NOTE = 2_000
MAX_FIR_NO = 32


def parse_category(code: str) -> ComplaintCategory:
    """The complaint category with this code (one of the corpus)."""
    category = complaint_categories().get((code or "").strip())
    if category is None:
        raise ValidationError("Choose a complaint category from the list.", "category")
    return category


def parse_channel(value: ComplaintChannel | str) -> ComplaintChannel:
    """How the complaint was received, as a :class:`ComplaintChannel`."""
    return as_choice(
        ComplaintChannel,
        value,
        "Choose how the complaint was received (walk-in, phone, written, committee referral or other).",
        "channel",
    )


def check_received_on(value: date, today: date) -> date:
    """The day a complaint was received: not in the future, not before :data:`EARLIEST_RECEIVED_ON`."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError("Enter the date the complaint was received.", "received_on")
    if value > today:
        raise ValidationError("The received date cannot be in the future.", "received_on")
    if value < EARLIEST_RECEIVED_ON:
        raise ValidationError(
            f"The received date is too far in the past (the earliest is {EARLIEST_RECEIVED_ON:%d-%m-%Y}).",
            "received_on",
        )
    return value


def check_details(
    form: ComplaintDraft | ComplaintEdit, today: date
) -> tuple[date, ComplaintChannel, ComplaintCategory, str, str]:
    """The fields intake and edit share, checked: received date, channel, category, description and location."""
    received_on = check_received_on(form.received_on, today)
    channel = parse_channel(form.channel)
    category = parse_category(form.category)
    description = clean_text(
        form.description, "description", "description of the complaint", MAX_DESCRIPTION, required=True
    )
    location = clean_text(form.location, "location", "location", MAX_LOCATION)
    return received_on, channel, category, description, location


def parse_status(value: ComplaintStatus | str) -> ComplaintStatus:
    """A complaint status (the member or its stored value)."""
    return as_choice(ComplaintStatus, value, f"{value!r} is not a complaint status.", "status")


def load_station(session: Session, station_id: uuid.UUID | None, field: str) -> Station:
    """A live police station chosen on the form (``field`` names the form field)."""
    station = session.get(Station, station_id) if isinstance(station_id, uuid.UUID) else None
    if station is None or station.is_deleted:
        raise ValidationError("Choose a police station from the list.", field)
    return station


def check_against_police(
    session: Session, station_id: uuid.UUID, against_police: bool, against_station_id: uuid.UUID | None
) -> None:
    """A complaint against the police names the station complained about, and another station handles it."""
    if not against_police:
        if against_station_id is not None:
            raise ValidationError("Tick 'against police' to name the station complained about.", "against_station_id")
        return
    if against_station_id is None:
        raise ValidationError(
            "A complaint against the police must name the station complained about.", "against_station_id"
        )
    load_station(session, against_station_id, "against_station_id")
    if against_station_id == station_id:
        raise ValidationError("A complaint against a station must be handled by another station.", "station_id")


def check_officer_not_accused(officer: Officer, against_police: bool, against_station_id: uuid.UUID | None) -> None:
    """An officer of the station complained about is not assigned the complaint."""
    if against_police and officer.station_id is not None and officer.station_id == against_station_id:
        raise ValidationError(
            "This officer serves at the station complained about; assign an officer of another station.",
            "assigned_officer_id",
        )


def _new_person(session: Session, people: PeopleService, draft: PersonDraft) -> Person:
    """A new complainant, validated by the people service's rules (and refused if the CNIC is already known)."""
    try:
        clean = draft.validated()
    except ValidationError as exc:
        raise ValidationError(exc.message, f"complainant.{exc.field}" if exc.field else "complainant") from None
    people._refuse_duplicate(session, clean.cnic, None)
    return new_person(clean)


def complainant_of(session: Session, people: PeopleService, draft: ComplaintDraft) -> Person | None:
    """The complainant of an intake: a known person, a new one (added to the session) or None (anonymous)."""
    given = sum((draft.anonymous, draft.complainant_person_id is not None, draft.new_complainant is not None))
    if given == 0:
        raise ValidationError(
            "Choose the complainant, enter a new one, or mark the complaint anonymous.", "complainant"
        )
    if given > 1:
        raise ValidationError(
            "A complaint is either anonymous or has one complainant; choose only one of these.", "complainant"
        )
    if draft.anonymous:
        return None
    if draft.new_complainant is not None:
        created = _new_person(session, people, draft.new_complainant)
        session.add(created)
        return created
    known = session.get(Person, draft.complainant_person_id)
    if known is None or known.is_deleted:
        raise ValidationError("Choose the complainant from the list of people.", "complainant_person_id")
    return known
