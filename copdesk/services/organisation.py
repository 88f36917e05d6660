"""The district's organisation: police stations, their beats, and the officers who serve there.

Everyone at the desk may look (``org.view``); only the district officer changes it (``org.manage``).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session

from copdesk.domain.corpus import ranks
from copdesk.domain.identity import normalise_mobile, to_ascii_digits
from copdesk.domain.text import search_terms
from copdesk.errors import ConflictError, NotFound, ValidationError
from copdesk.models.organisation import Beat, Officer, Station
from copdesk.models.people import Gender
from copdesk.services.context import Service, requires
from copdesk.services.fields import check_version, clean_line
from copdesk.services.filters import as_filter_bool, check_filters
from copdesk.services.paging import Page, PageRequest, apply_sort, count_rows, window
from copdesk.services.people import as_gender
from copdesk.services.privacy import show_mobile

__all__ = ["BeatView", "OfficerView", "OrganisationService", "StationView", "rank_label"]

NAME_MAX = 120
NUMBER_MAX = 32
STATION_PHONE_MAX = 32
_OFFICE_PHONE = re.compile(r"[0-9+\-() /,]*")

# Arabic letter variants folded to their Urdu forms for officer search (the same folding as
# copdesk.domain.text.normalise_for_search applies to the query; officers have no search_text column).
_SQL_FOLD: tuple[tuple[str, str], ...] = (
    ("\u064a", "\u06cc"),  # ي Arabic yeh → ی
    ("\u0649", "\u06cc"),  # ى alef maksura → ی
    ("\u0626", "\u06cc"),  # ئ yeh with hamza → ی
    ("\u06d2", "\u06cc"),  # ے bari-ye → ی
    ("\u06d3", "\u06cc"),  # ۓ bari-ye with hamza → ی
    ("\u0643", "\u06a9"),  # ك Arabic kaf → ک
    ("\u0647", "\u06c1"),  # ه Arabic heh → ہ
    ("\u0629", "\u06c1"),  # ة teh marbuta → ہ
    ("\u06c2", "\u06c1"),  # ۂ heh goal with hamza → ہ
    ("\u0623", "\u0627"),  # أ → ا
    ("\u0625", "\u0627"),  # إ → ا
    ("\u0622", "\u0627"),  # آ → ا
    ("\u0624", "\u0648"),  # ؤ → و
)


@dataclass(frozen=True)
class StationView:
    """A police station as shown in lists and forms."""

    id: uuid.UUID
    version: int
    name: str
    name_ur: str
    phone: str
    address: str


@dataclass(frozen=True)
class BeatView:
    """A beat (area) of a station."""

    id: uuid.UUID
    version: int
    station_id: uuid.UUID
    station_name: str
    name: str
    description: str


@dataclass(frozen=True)
class OfficerView:
    """A police officer; the phone number is shown (or masked) as the viewer's role allows."""

    id: uuid.UUID
    version: int
    name: str
    rank: str
    rank_label: str
    number: str
    gender: Gender
    station_id: uuid.UUID | None
    station_name: str
    phone: str
    active: bool


def _station_view(station: Station) -> StationView:
    return StationView(station.id, station.version, station.name, station.name_ur, station.phone, station.address)


def _beat_view(beat: Beat, station_name: str) -> BeatView:
    return BeatView(beat.id, beat.version, beat.station_id, station_name, beat.name, beat.description)


def _office_phone(value: str) -> str:
    phone = " ".join(to_ascii_digits(value or "").split())
    if len(phone) > STATION_PHONE_MAX:
        raise ValidationError(f"The phone number can be at most {STATION_PHONE_MAX} characters long.", "phone")
    if not _OFFICE_PHONE.fullmatch(phone):
        raise ValidationError("The phone number can only contain digits, spaces, dashes and a +.", "phone")
    return phone


def _rank(value: str) -> str:
    code = (value or "").strip()
    if code not in ranks():
        raise ValidationError("Choose the officer's rank from the list.", "rank")
    return code


def rank_label(code: str) -> str:
    """The English name of a rank code (the code itself if the corpus does not know it)."""
    rank = ranks().get(code)
    return rank.name_en if rank is not None else code


def _officer_phone(value: str | None) -> str:
    if value is None or not value.strip():
        return ""
    return normalise_mobile(value, field="phone")


def _officer_number(value: str) -> str:
    number = " ".join(to_ascii_digits(value or "").split())
    if len(number) > NUMBER_MAX:
        raise ValidationError(f"The belt or service number can be at most {NUMBER_MAX} characters long.", "number")
    return number


def _folded(column: ColumnElement[str]) -> ColumnElement[str]:
    """``column`` lower-cased with Arabic letter variants replaced by their Urdu forms, in SQL."""
    expression: ColumnElement[str] = column
    for variant, urdu in _SQL_FOLD:
        expression = func.replace(expression, variant, urdu)
    return func.lower(expression)


class OrganisationService(Service):
    """Stations, beats and officers of the district."""

    # --- helpers ---------------------------------------------------------------------------------------

    def _station(self, session: Session, station_id: uuid.UUID) -> Station:
        station = session.get(Station, station_id)
        if station is None or station.deleted_at is not None:
            raise NotFound("This police station does not exist or has been deleted.")
        return station

    def _beat(self, session: Session, beat_id: uuid.UUID) -> Beat:
        beat = session.get(Beat, beat_id)
        if beat is None or beat.deleted_at is not None:
            raise NotFound("This beat does not exist or has been deleted.")
        return beat

    def _officer(self, session: Session, officer_id: uuid.UUID) -> Officer:
        officer = session.get(Officer, officer_id)
        if officer is None or officer.deleted_at is not None:
            raise NotFound("This officer does not exist or has been deleted.")
        return officer

    def _live_stations(self) -> Select[Any]:
        query = select(Station).where(Station.deleted_at.is_(None))
        if self.ctx.district_code:
            query = query.where(Station.district_code == self.ctx.district_code)
        return query

    def _check_station_name(self, session: Session, name: str, exclude: uuid.UUID | None) -> None:
        for other in session.scalars(self._live_stations()):
            if other.id != exclude and other.name.casefold() == name.casefold():
                raise ConflictError(f"There is already a police station called {other.name}.")

    def _check_beat_name(self, session: Session, station: Station, name: str, exclude: uuid.UUID | None) -> None:
        query = select(Beat).where(Beat.station_id == station.id, Beat.deleted_at.is_(None))
        for other in session.scalars(query):
            if other.id != exclude and other.name.casefold() == name.casefold():
                raise ConflictError(f"{station.name} already has a beat called {other.name}.")

    def _check_officer_number(self, session: Session, number: str, exclude: uuid.UUID | None) -> None:
        if not number:
            return
        query = select(Officer).where(Officer.deleted_at.is_(None), func.lower(Officer.number) == number.lower())
        for other in session.scalars(query):
            if other.id != exclude:
                raise ConflictError(f"The number {other.number} already belongs to {other.name}.")

    def _officer_view(self, officer: Officer, station_name: str | None) -> OfficerView:
        return OfficerView(
            id=officer.id,
            version=officer.version,
            name=officer.name,
            rank=officer.rank,
            rank_label=rank_label(officer.rank),
            number=officer.number,
            gender=Gender(officer.gender),
            station_id=officer.station_id,
            station_name=station_name or "",
            phone=show_mobile(self.ctx, officer.phone),
            active=officer.active,
        )

    # --- stations --------------------------------------------------------------------------------------

    @requires("org.view")
    def list_stations(self) -> list[StationView]:
        """Every police station of the district (not deleted), by name."""
        with self.ctx.read() as session:
            query = self._live_stations().order_by(Station.name, Station.id)
            return [_station_view(s) for s in session.scalars(query)]

    @requires("org.view")
    def get_station(self, station_id: uuid.UUID) -> StationView:
        """One police station; NotFound when it does not exist or was deleted."""
        with self.ctx.read() as session:
            return _station_view(self._station(session, station_id))

    @requires("org.manage")
    def create_station(self, name: str, name_ur: str = "", phone: str = "", address: str = "") -> StationView:
        """Add a police station; its name must not be used by another station of the district."""
        name = clean_line(name, "name", "station's name", NAME_MAX, required=True)
        name_ur = clean_line(name_ur, "name_ur", "station's Urdu name", NAME_MAX)
        phone = _office_phone(phone)
        with self.ctx.write() as session:
            self._check_station_name(session, name, None)
            station = Station(name=name, name_ur=name_ur, phone=phone, address=(address or "").strip())
            session.add(station)
            session.flush()
            return _station_view(station)

    @requires("org.manage")
    def update_station(
        self,
        station_id: uuid.UUID,
        expected_version: int,
        name: str,
        name_ur: str = "",
        phone: str = "",
        address: str = "",
    ) -> StationView:
        """Change a station's details (all fields are replaced); ConflictError when it changed meanwhile."""
        name = clean_line(name, "name", "station's name", NAME_MAX, required=True)
        name_ur = clean_line(name_ur, "name_ur", "station's Urdu name", NAME_MAX)
        phone = _office_phone(phone)
        with self.ctx.write() as session:
            station = self._station(session, station_id)
            check_version(station, expected_version, "police station")
            self._check_station_name(session, name, station.id)
            station.name, station.name_ur, station.phone = name, name_ur, phone
            station.address = (address or "").strip()
            session.flush()
            return _station_view(station)

    @requires("org.manage")
    def delete_station(self, station_id: uuid.UUID) -> None:
        """Delete a station; refused while it still has beats or active officers."""
        with self.ctx.write() as session:
            station = self._station(session, station_id)
            beats = count_rows(session, select(Beat.id).where(Beat.station_id == station.id, Beat.deleted_at.is_(None)))
            officers = count_rows(
                session,
                select(Officer.id).where(
                    Officer.station_id == station.id, Officer.deleted_at.is_(None), Officer.active.is_(True)
                ),
            )
            if beats or officers:
                held = []
                if beats:
                    held.append(f"{beats} beat{'s' if beats != 1 else ''}")
                if officers:
                    held.append(f"{officers} active officer{'s' if officers != 1 else ''}")
                raise ConflictError(
                    f"{station.name} still has {' and '.join(held)}. "
                    "Move or delete them first, then delete the station."
                )
            station.deleted_at = self.ctx.now()

    # --- beats -----------------------------------------------------------------------------------------

    @requires("org.view")
    def list_beats(self, station_id: uuid.UUID | None = None) -> list[BeatView]:
        """The beats of one station by name, or of every station by station name then beat name."""
        with self.ctx.read() as session:
            query = (
                select(Beat, Station.name)
                .join(Station, Station.id == Beat.station_id)
                .where(Beat.deleted_at.is_(None), Station.deleted_at.is_(None))
            )
            if station_id is not None:
                self._station(session, station_id)
                query = query.where(Beat.station_id == station_id)
            query = query.order_by(Station.name, Beat.name, Beat.id)
            return [_beat_view(beat, station_name) for beat, station_name in session.execute(query)]

    @requires("org.view")
    def get_beat(self, beat_id: uuid.UUID) -> BeatView:
        """One beat; NotFound when it does not exist or was deleted."""
        with self.ctx.read() as session:
            beat = self._beat(session, beat_id)
            return _beat_view(beat, self._station(session, beat.station_id).name)

    @requires("org.manage")
    def create_beat(self, station_id: uuid.UUID, name: str, description: str = "") -> BeatView:
        """Add a beat to a station; its name must not be used by another beat of that station."""
        name = clean_line(name, "name", "beat's name", NAME_MAX, required=True)
        with self.ctx.write() as session:
            station = self._station(session, station_id)
            self._check_beat_name(session, station, name, None)
            beat = Beat(station_id=station.id, name=name, description=(description or "").strip())
            session.add(beat)
            session.flush()
            return _beat_view(beat, station.name)

    @requires("org.manage")
    def update_beat(self, beat_id: uuid.UUID, expected_version: int, name: str, description: str = "") -> BeatView:
        """Rename a beat or change its description; ConflictError when it changed meanwhile."""
        name = clean_line(name, "name", "beat's name", NAME_MAX, required=True)
        with self.ctx.write() as session:
            beat = self._beat(session, beat_id)
            check_version(beat, expected_version, "beat")
            station = self._station(session, beat.station_id)
            self._check_beat_name(session, station, name, beat.id)
            beat.name, beat.description = name, (description or "").strip()
            session.flush()
            return _beat_view(beat, station.name)

    @requires("org.manage")
    def delete_beat(self, beat_id: uuid.UUID) -> None:
        """Delete a beat."""
        with self.ctx.write() as session:
            self._beat(session, beat_id).deleted_at = self.ctx.now()

    # --- officers --------------------------------------------------------------------------------------

    def _officer_query(self, session: Session, request: PageRequest) -> Select[Any]:
        query = cast(
            Select[Any],
            select(Officer, Station.name)
            .outerjoin(Station, Station.id == Officer.station_id)
            .where(Officer.deleted_at.is_(None)),
        )
        query = self._officer_filters(query, request.filters)
        for term in search_terms(request.search):
            query = query.where(
                or_(
                    _folded(Officer.name.expression).contains(term, autoescape=True),
                    func.lower(Officer.number).contains(term, autoescape=True),
                )
            )
        return query

    @staticmethod
    def _officer_filters(query: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
        check_filters(filters, {"station_id", "rank", "active"}, "Officers")
        station_id = filters.get("station_id")
        if station_id is not None:
            if not isinstance(station_id, uuid.UUID):
                raise ValidationError("Choose the police station from the list.", "station_id")
            query = query.where(Officer.station_id == station_id)
        if filters.get("rank") is not None:
            query = query.where(Officer.rank == _rank(filters["rank"]))
        active = filters.get("active")
        if active is not None:
            query = query.where(
                Officer.active.is_(as_filter_bool(active, "active", "Choose active or inactive officers."))
            )
        return query

    @staticmethod
    def _officer_sorts() -> dict[str, ColumnElement[Any]]:
        seniority = {code: index for index, code in enumerate(ranks())}
        return {
            "name": Officer.name.expression,
            "rank": case(seniority, value=Officer.rank, else_=len(seniority)),
            "number": Officer.number.expression,
            "station": func.coalesce(Station.name, ""),
            "created_at": Officer.created_at.expression,
        }

    @requires("org.view")
    def count_officers(self, request: PageRequest) -> int:
        """How many officers match the request's search (name, number) and filters (station_id, rank, active)."""
        with self.ctx.read() as session:
            return count_rows(session, self._officer_query(session, request))

    @requires("org.view")
    def page_officers(self, request: PageRequest) -> Page[OfficerView]:
        """A window of officers; sort by name (default), rank (seniority), number, station or created_at."""
        with self.ctx.read() as session:
            query = self._officer_query(session, request)
            query = apply_sort(query, request, self._officer_sorts(), "name", Officer.id.expression)
            rows = session.execute(window(query, request)).all()
            return Page(request.offset, [self._officer_view(officer, station) for officer, station in rows])

    @requires("org.view")
    def get_officer(self, officer_id: uuid.UUID) -> OfficerView:
        """One officer; NotFound when the officer does not exist or was deleted."""
        with self.ctx.read() as session:
            officer = self._officer(session, officer_id)
            station = session.get(Station, officer.station_id) if officer.station_id else None
            return self._officer_view(officer, station.name if station else None)

    @requires("org.manage")
    def create_officer(
        self,
        name: str,
        rank: str,
        number: str,
        gender: Gender | str,
        station_id: uuid.UUID | None = None,
        phone: str | None = None,
    ) -> OfficerView:
        """Add an officer (posted to a station, or to none); a non-empty number must be unique."""
        name = clean_line(name, "name", "officer's name", NAME_MAX, required=True)
        rank, number, gender = _rank(rank), _officer_number(number), as_gender(gender)
        phone = _officer_phone(phone)
        with self.ctx.write() as session:
            station = self._station(session, station_id) if station_id is not None else None
            self._check_officer_number(session, number, None)
            officer = Officer(
                name=name,
                rank=rank,
                number=number,
                gender=gender.value,
                station_id=station.id if station else None,
                phone=phone,
                active=True,
            )
            session.add(officer)
            session.flush()
            return self._officer_view(officer, station.name if station else None)

    @requires("org.manage")
    def update_officer(
        self,
        officer_id: uuid.UUID,
        expected_version: int,
        name: str,
        rank: str,
        number: str,
        gender: Gender | str,
        station_id: uuid.UUID | None = None,
        phone: str | None = None,
    ) -> OfficerView:
        """Change an officer's details (all fields are replaced); ConflictError when changed meanwhile."""
        name = clean_line(name, "name", "officer's name", NAME_MAX, required=True)
        rank, number, gender = _rank(rank), _officer_number(number), as_gender(gender)
        phone = _officer_phone(phone)
        with self.ctx.write() as session:
            officer = self._officer(session, officer_id)
            check_version(officer, expected_version, "officer")
            station = self._station(session, station_id) if station_id is not None else None
            self._check_officer_number(session, number, officer.id)
            officer.name, officer.rank, officer.number, officer.gender = name, rank, number, gender.value
            officer.station_id = station.id if station else None
            officer.phone = phone
            session.flush()
            return self._officer_view(officer, station.name if station else None)

    @requires("org.manage")
    def deactivate_officer(self, officer_id: uuid.UUID, expected_version: int) -> OfficerView:
        """Mark an officer inactive (transferred out, retired): kept for history, no longer offered."""
        return self._set_active(officer_id, expected_version, False)

    @requires("org.manage")
    def reactivate_officer(self, officer_id: uuid.UUID, expected_version: int) -> OfficerView:
        """Mark an inactive officer active again."""
        return self._set_active(officer_id, expected_version, True)

    def _set_active(self, officer_id: uuid.UUID, expected_version: int, active: bool) -> OfficerView:
        with self.ctx.write() as session:
            officer = self._officer(session, officer_id)
            check_version(officer, expected_version, "officer")
            station = session.get(Station, officer.station_id) if officer.station_id else None
            if active and station is not None and station.deleted_at is not None:
                raise ValidationError(
                    f"{station.name} has been deleted; post the officer to another station first.", "station_id"
                )
            if officer.active != active:
                officer.active = active
                session.flush()
            return self._officer_view(officer, station.name if station else None)

    @requires("org.manage")
    def delete_officer(self, officer_id: uuid.UUID) -> None:
        """Delete an officer entered by mistake (use deactivate for one who left)."""
        with self.ctx.write() as session:
            self._officer(session, officer_id).deleted_at = self.ctx.now()
