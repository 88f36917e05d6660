"""Members of the public: complainants, committee members and watch volunteers.

A person is recorded once: a CNIC can belong to only one (non-deleted) person, so the desk finds the existing
record instead of typing the same person twice. Names, CNIC, mobile and address are personal data and are
shown through :mod:`copdesk.services.privacy`.
"""

from __future__ import annotations

import uuid
from collections.abc import Generator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from operator import attrgetter
from typing import Any

from sqlalchemy import ColumnElement, Select, literal_column, select
from sqlalchemy.orm import Session

from copdesk.domain.identity import normalise_cnic, normalise_mobile
from copdesk.errors import ConflictError, NotFound, ValidationError
from copdesk.models.people import Gender, Person
from copdesk.services.context import Service, requires
from copdesk.services.fields import as_choice, check_version, clean_line, clean_text
from copdesk.services.filters import check_filters
from copdesk.services.paging import Page, PageRequest, apply_search, apply_sort, count_rows, window
from copdesk.services.privacy import show_cnic, show_contact, show_mobile

__all__ = [
    "STREAM_BATCH",
    "DuplicateCnic",
    "PeopleService",
    "PersonDraft",
    "PersonView",
    "as_gender",
    "new_person",
    "search_query",
]

NAME_MAX = 120
ADDRESS_MAX = 500
_SORTS: dict[str, ColumnElement[Any]] = {
    "name": Person.name.expression,
    "created_at": Person.created_at.expression,
}
#: Rows read per query by :meth:`PeopleService.stream`.
STREAM_BATCH = 2_000
#: The columns a :class:`PersonView` is built from, in the order ``PeopleService._build`` takes them.
_VIEW_FIELDS = (
    "id",
    "version",
    "name",
    "father_name",
    "gender",
    "cnic",
    "mobile",
    "address",
    "created_at",
    "updated_at",
)
_person_values = attrgetter(*_VIEW_FIELDS)
_GENDERS = {gender.value: gender for gender in Gender}


def as_gender(value: Gender | str) -> Gender:
    """``value`` as a :class:`Gender` (the member or its stored value); ValidationError otherwise."""
    return as_choice(Gender, value, "Choose male, female or transgender.", "gender")


@dataclass(frozen=True)
class PersonDraft:
    """What a form gives for a new or edited person (checked by :meth:`validated`).

    Blank ``cnic`` / ``mobile`` mean "not given"; both accept any common shape (dashes, spaces, Urdu digits).
    """

    name: str
    father_name: str = ""
    gender: Gender | str = ""
    cnic: str | None = None
    mobile: str | None = None
    address: str = ""

    def validated(self) -> PersonDraft:
        """The draft with names trimmed, gender as :class:`Gender`, CNIC and mobile in canonical form.

        Raises :class:`ValidationError` naming the first field that breaks a rule.
        """
        name = " ".join((self.name or "").split())
        if not name:
            raise ValidationError("Enter the person's name.", "name")
        if len(name) > NAME_MAX:
            raise ValidationError(f"The name can be at most {NAME_MAX} characters long.", "name")
        father_name = clean_line(self.father_name, "father_name", "father's or husband's name", NAME_MAX)
        gender = as_gender(self.gender)
        cnic = normalise_cnic(self.cnic, "cnic") if self.cnic and self.cnic.strip() else None
        mobile = normalise_mobile(self.mobile, "mobile") if self.mobile and self.mobile.strip() else None
        address = clean_text(self.address, "address", "address", ADDRESS_MAX)
        return PersonDraft(name, father_name, gender, cnic, mobile, address)


def new_person(clean: PersonDraft) -> Person:
    """A new :class:`Person` record holding a draft already checked by :meth:`PersonDraft.validated`."""
    return Person(
        name=clean.name,
        father_name=clean.father_name,
        gender=Gender(clean.gender).value,
        cnic=clean.cnic,
        mobile=clean.mobile,
        address=clean.address,
    )


@dataclass(frozen=True)
class PersonView:
    """A person as the signed-in role may see them (personal fields masked where the policy says so)."""

    id: uuid.UUID
    version: int
    name: str
    father_name: str
    gender: Gender
    cnic: str
    mobile: str
    address: str
    created_at: datetime
    updated_at: datetime


class DuplicateCnic(ConflictError):
    """A CNIC that another (non-deleted) person already holds; ``existing`` is that person."""

    def __init__(self, message: str, existing: PersonView) -> None:
        super().__init__(message)
        self.existing = existing


def search_query(text: str) -> str:
    """Rewrite a typed CNIC or mobile number to the form the search index holds; other text unchanged.

    ``35202-1234567-1`` and ``3520212345671`` both become the 13 digits; ``0300-1234567`` or
    ``+92 300 1234567`` become ``03001234567``.
    """
    stripped = (text or "").strip()
    if not stripped or not any(ch.isdigit() for ch in stripped):
        return text
    try:
        return normalise_cnic(stripped).replace("-", "")
    except ValidationError:
        pass
    try:
        return "0" + normalise_mobile(stripped)[3:]
    except ValidationError:
        return text


class PeopleService(Service):
    """Recording, finding and correcting members of the public."""

    def _view(self, person: Person) -> PersonView:
        return self._build(*_person_values(person))

    def _build(
        self,
        id: uuid.UUID,
        version: int,
        name: str,
        father_name: str,
        gender: str,
        cnic: str | None,
        mobile: str | None,
        address: str,
        created_at: datetime,
        updated_at: datetime,
    ) -> PersonView:
        """A view from the :data:`_VIEW_FIELDS` values of a person (an ORM record or a row of a stream)."""
        ctx = self.ctx
        return PersonView(
            id=id,
            version=version,
            name=show_contact(ctx, name),
            father_name=show_contact(ctx, father_name),
            gender=_GENDERS.get(gender) or Gender(gender),
            cnic=show_cnic(ctx, cnic),
            mobile=show_mobile(ctx, mobile),
            address=show_contact(ctx, address),
            created_at=created_at,
            updated_at=updated_at,
        )

    @staticmethod
    def _person(session: Session, person_id: uuid.UUID) -> Person:
        person = session.get(Person, person_id)
        if person is None or person.deleted_at is not None:
            raise NotFound("This person does not exist or has been deleted.")
        return person

    @staticmethod
    def _holder(session: Session, cnic: str, exclude: uuid.UUID | None = None) -> Person | None:
        query = select(Person).where(Person.cnic == cnic, Person.deleted_at.is_(None))
        if exclude is not None:
            query = query.where(Person.id != exclude)
        return session.scalars(query.order_by(Person.created_at, Person.id).limit(1)).first()

    def _refuse_duplicate(self, session: Session, cnic: str | None, exclude: uuid.UUID | None) -> None:
        if cnic is None:
            return
        holder = self._holder(session, cnic, exclude)
        if holder is None:
            return
        existing = self._view(holder)
        added = holder.created_at.astimezone().date().isoformat()
        raise DuplicateCnic(
            f"The CNIC {existing.cnic} is already recorded for {existing.name} "
            f"(record {str(holder.id)[:8]}, added on {added}). "
            "Open that person's record instead of adding them again.",
            existing,
        )

    def _query(self, session: Session, request: PageRequest) -> Select[Any]:
        query: Select[Any] = select(Person).where(Person.deleted_at.is_(None))
        query = self._filters(query, request.filters)
        return apply_search(query, Person, session, search_query(request.search))

    @staticmethod
    def _filters(query: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
        check_filters(filters, {"gender"}, "People")
        gender = filters.get("gender")
        if gender is not None:
            query = query.where(Person.gender == as_gender(gender).value)
        return query

    @requires("person.create")
    def create(self, draft: PersonDraft) -> PersonView:
        """Record a new person; :class:`DuplicateCnic` when the CNIC already belongs to someone."""
        clean = draft.validated()
        with self.ctx.write() as session:
            self._refuse_duplicate(session, clean.cnic, None)
            person = new_person(clean)
            session.add(person)
            session.flush()
            return self._view(person)

    @requires("person.view")
    def find_by_cnic(self, cnic: str) -> PersonView | None:
        """The person holding this CNIC (typed in any accepted shape), or None; None too for incomplete input."""
        try:
            canonical = normalise_cnic(cnic or "")
        except ValidationError:
            return None
        with self.ctx.read() as session:
            holder = self._holder(session, canonical)
            return self._view(holder) if holder is not None else None

    @requires("person.view")
    def get(self, person_id: uuid.UUID) -> PersonView:
        """One person; NotFound when the record does not exist or was deleted."""
        with self.ctx.read() as session:
            return self._view(self._person(session, person_id))

    @requires("person.update")
    def update(
        self, person_id: uuid.UUID, expected_version: int, draft: PersonDraft, *, keep_cnic: bool = False
    ) -> PersonView:
        """Replace a person's details; ConflictError when the record changed meanwhile or the CNIC is taken.

        With ``keep_cnic`` the stored CNIC stays as it is and the draft's is ignored: a clerk, who sees CNICs
        masked, can still correct a name or a phone number.
        """
        clean = replace(draft, cnic=None).validated() if keep_cnic else draft.validated()
        with self.ctx.write() as session:
            person = self._person(session, person_id)
            check_version(person, expected_version, "person's record")
            if not keep_cnic:
                self._refuse_duplicate(session, clean.cnic, person.id)
                person.cnic = clean.cnic
            person.name = clean.name
            person.father_name = clean.father_name
            person.gender = Gender(clean.gender).value
            person.mobile = clean.mobile
            person.address = clean.address
            session.flush()
            return self._view(person)

    @requires("person.delete")
    def delete(self, person_id: uuid.UUID) -> None:
        """Delete a person's record (soft: it disappears from lists, searches and CNIC look-ups)."""
        with self.ctx.write() as session:
            self._person(session, person_id).deleted_at = self.ctx.now()

    @requires("person.view")
    def count(self, request: PageRequest) -> int:
        """How many people match the request's search and filters (``gender``)."""
        with self.ctx.read() as session:
            return count_rows(session, self._query(session, request))

    @requires("person.view")
    def page(self, request: PageRequest) -> Page[PersonView]:
        """A window of people, sorted by ``name`` (default) or ``created_at``, searched and filtered."""
        with self.ctx.read() as session:
            query = apply_sort(self._query(session, request), request, _SORTS, "name", Person.id.expression)
            people = session.scalars(window(query, request)).all()
            return Page(request.offset, [self._view(p) for p in people])

    @requires("person.view")
    def stream(self, request: PageRequest, batch: int = STREAM_BATCH) -> Generator[PersonView, None, None]:
        """Every person the request selects, in list order: what :meth:`page` shows, window after window.

        For exports: the request's offset and limit are ignored. One query reads the ids in list order (sort key,
        then id) as a cursor, without OFFSET, so the list is sorted once (no index serves these sorts); each
        ``batch`` of ids then fetches its rows as plain values, not ORM records. It all runs in one read
        transaction, so the whole list is one consistent snapshot, and memory does not grow with the number of
        people. The request is checked at once; the rows are read as the iterator is consumed (close it to stop
        early).
        """
        if batch < 1:
            raise ValidationError("A batch is at least one row.", "batch")
        key = request.sort or "name"
        if key not in _SORTS:
            raise ValidationError(f"Cannot sort by {key!r}.")
        self._filters(select(Person), request.filters)
        return self._stream(request, _SORTS[key], batch)

    def _stream(self, request: PageRequest, sort: ColumnElement[Any], batch: int) -> Generator[PersonView, None, None]:
        tie = Person.id.expression
        order = [sort.desc(), tie.desc()] if request.descending else [sort.asc(), tie.asc()]
        build = self._build
        with self.ctx.read() as session:
            # The key: the rowid on SQLite (an integer, the table's own b-tree), the id elsewhere.
            key = literal_column("people.rowid") if session.get_bind().dialect.name == "sqlite" else tie
            ids = self._query(session, request).with_only_columns(key).select_from(Person).order_by(*order)
            rows = select(key, *[getattr(Person, name) for name in _VIEW_FIELDS])
            connection = session.connection()
            for chunk in connection.execution_options(yield_per=batch).execute(ids).partitions():
                wanted = [person for (person,) in chunk]
                found = {row[0]: row[1:] for row in connection.execute(rows.where(key.in_(wanted)))}
                for person in wanted:
                    if person in found:
                        yield build(*found[person])
