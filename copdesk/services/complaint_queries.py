"""The complaints list in SQL: its filters, its free-text search and the plan that keeps both fast.

A district holds up to a million complaints, so the list never loads them all: filters become WHERE terms, the
search goes through the FTS5 index, and on SQLite the query is shaped so that the right index is used (see
:func:`complaints_query`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal_column, select, table
from sqlalchemy.orm import Session, aliased

from copdesk.domain.complaint_workflow import OPEN_STATUSES, ComplaintStatus
from copdesk.domain.text import fts_match_expression
from copdesk.errors import ValidationError
from copdesk.models.complaints import Complaint
from copdesk.models.organisation import Officer, Station
from copdesk.models.people import Person
from copdesk.services.complaint_rules import parse_category, parse_channel, parse_status
from copdesk.services.filters import as_filter_bool, as_month, check_filters
from copdesk.services.paging import PageRequest, count_rows
from copdesk.storage.fts import fts_table
from copdesk.storage.fts import matches as search_clause

__all__ = [
    "AGAINST_STATION",
    "COMPLAINT_FILTERS",
    "COMPLAINT_SORTS",
    "STATION",
    "complaint_terms",
    "complaints_query",
    "count_complaints",
    "filter_terms",
    "sort_key",
    "stream_complaints",
]

#: The station handling a complaint and the station complained about, as joined by :func:`stream_complaints`.
STATION = aliased(Station, name="station")
AGAINST_STATION = aliased(Station, name="against_station")

_ROWID: ColumnElement[int] = literal_column("complaints.rowid")
_FTS_ROWID: ColumnElement[int] = literal_column("complaints_fts.rowid")

#: Keys accepted in ``PageRequest.filters`` (a ``None`` value means "no filter").
COMPLAINT_FILTERS = frozenset(
    {
        "status",  # one status or several
        "station_id",
        "assigned_officer_id",
        "category",
        "channel",
        "received_from",  # date, inclusive
        "received_to",  # date, inclusive
        "month",  # "YYYY-MM"
        "overdue_only",  # bool
        "against_police",  # bool
    }
)
#: Keys accepted in ``PageRequest.sort`` (the default is ``received_on``; ask ``descending`` for newest first).
COMPLAINT_SORTS = ("received_on", "tracking_no", "due_on", "status", "category", "channel")


def _statuses(value: Any) -> list[ComplaintStatus]:
    values: Iterable[Any] = [value] if isinstance(value, str) else value
    return [parse_status(item) for item in values]


def _filter_date(value: Any, field: str) -> date:
    """A date filter of this list: a ``date`` only (no text, unlike ``filters.as_filter_date``)."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError("Enter a date.", field)
    return value


def _filter_id(value: Any, field: str) -> uuid.UUID:
    """A record filter of this list: a ``UUID`` only (no text, unlike ``filters.as_record_id``)."""
    if not isinstance(value, uuid.UUID):
        raise ValidationError("Choose an entry from the list.", field)
    return value


def _column(name: str, indexed: bool) -> ColumnElement[Any]:
    """A complaints column; with ``indexed=False`` written ``+complaints.<name>``.

    SQLite does not use an index for a term whose column carries a unary ``+``: the documented way to choose
    which index a query uses.
    """
    if indexed:
        column: ColumnElement[Any] = getattr(Complaint, name)
        return column
    column_type = Complaint.__table__.c[name].type if name in Complaint.__table__.c else None
    return literal_column(f"+complaints.{name}", type_=column_type)


def _fts_search(session: Session, text: str) -> tuple[int, Select[Any]] | None:
    """For a search on SQLite: how many rows the FTS5 index matches, and the subquery of their rowids."""
    if session.get_bind().dialect.name != "sqlite":
        return None
    expression = fts_match_expression(text or "")
    if expression is None:
        return None
    fts = fts_table(Complaint.__tablename__)
    match = literal_column(fts).op("MATCH")(expression)
    matches = int(session.scalar(select(func.count()).select_from(table(fts)).where(match)) or 0)
    return matches, select(_FTS_ROWID).select_from(table(fts)).where(match)


def filter_terms(request: PageRequest, today: date, *, indexed: bool = True) -> list[ColumnElement[bool]]:
    """The WHERE terms of the request's filters (not the search, not "not deleted"); overdue as of ``today``.

    With ``indexed=False`` every term is written so that SQLite will not use an index for it (see
    :func:`_column`).
    """
    filters: Mapping[str, Any] = check_filters(
        {k: v for k, v in request.filters.items() if v is not None}, COMPLAINT_FILTERS, "Complaints"
    )

    def column(name: str) -> ColumnElement[Any]:
        return _column(name, indexed)

    terms: list[ColumnElement[bool]] = []
    if "status" in filters:
        statuses = _statuses(filters["status"])
        if len(statuses) == 1:
            terms.append(column("status") == statuses[0].value)
        elif statuses:
            terms.append(column("status").in_([s.value for s in statuses]))
    if "station_id" in filters:
        terms.append(column("station_id") == _filter_id(filters["station_id"], "station_id"))
    if "assigned_officer_id" in filters:
        officer_id = _filter_id(filters["assigned_officer_id"], "assigned_officer_id")
        terms.append(column("assigned_officer_id") == officer_id)
    if "category" in filters:
        terms.append(column("category") == parse_category(filters["category"]).code)
    if "channel" in filters:
        terms.append(column("channel") == parse_channel(filters["channel"]).value)
    if "received_from" in filters:
        terms.append(column("received_on") >= _filter_date(filters["received_from"], "received_from"))
    if "received_to" in filters:
        terms.append(column("received_on") <= _filter_date(filters["received_to"], "received_to"))
    if "month" in filters:
        month = as_month(filters["month"])
        terms += [column("received_on") >= month.first_day, column("received_on") <= month.last_day]
    if "overdue_only" in filters and as_filter_bool(filters["overdue_only"], "overdue_only"):
        terms += [
            column("status").in_([s.value for s in OPEN_STATUSES]),
            column("due_on") < today,
        ]
    if "against_police" in filters:
        terms.append(column("against_police") == as_filter_bool(filters["against_police"], "against_police"))
    return terms


def complaint_terms(
    session: Session, request: PageRequest, today: date, lookup_limit: int
) -> tuple[list[ColumnElement[bool]], bool]:
    """The WHERE terms selecting the request's complaints, and whether other terms may use an index.

    On SQLite a search chooses its plan by how many rows match (the FTS5 count is cheap). Up to ``lookup_limit``
    matches (``complaints.SEARCH_LOOKUP_LIMIT``) are fetched by rowid and sorted: no other term may use an index
    then (the flag is False). More matches are found by walking an index in list order and keeping the rows
    whose rowid the search returned, which reaches a first page without reading every match: the rowid term may
    not use its index then.
    """
    search = _fts_search(session, request.search)
    if search is None:
        terms = [Complaint.deleted_at.is_(None), *filter_terms(request, today)]
        clause = search_clause(Complaint, request.search, session.get_bind().dialect.name)
        return (terms if clause is None else [*terms, clause]), True
    found, rowids = search
    if found <= lookup_limit:
        terms = [_column("deleted_at", False).is_(None), *filter_terms(request, today, indexed=False)]
        return [*terms, _ROWID.in_(rowids)], False
    terms = [Complaint.deleted_at.is_(None), *filter_terms(request, today)]
    return [*terms, _column("rowid", False).in_(rowids)], True


def complaints_query(session: Session, request: PageRequest, today: date, lookup_limit: int) -> Select[Any]:
    """The complaints selected by the request's filters and search (unsorted, unwindowed).

    See :func:`complaint_terms` for the plan.
    """
    terms, _ = complaint_terms(session, request, today, lookup_limit)
    return select(Complaint).where(*terms)


def sort_key(request: PageRequest) -> str:
    """The request's sort key (one of :data:`COMPLAINT_SORTS`, ``received_on`` by default)."""
    key = request.sort or "received_on"
    if key not in COMPLAINT_SORTS:
        raise ValidationError(f"Cannot sort by {key!r}.")
    return key


def stream_complaints(
    session: Session,
    request: PageRequest,
    today: date,
    lookup_limit: int,
    fields: Sequence[str],
    batch: int,
) -> Iterator[list[Sequence[Any]]]:
    """Every complaint the request selects, in list order, ``batch`` rows at a time.

    A row holds the complaint's ``fields``, then the names of its station, of the station complained about and
    of the assigned officer, and the complainant's name, CNIC and mobile (``None`` where there is none): the
    station, officer and person are outer-joined, so the joins add no complaint and drop none.

    The order is the list's (the sort key, then the unique tracking number, as :meth:`ComplaintService.page`
    sorts), with the list's plan (:func:`complaint_terms`). One query reads the complaints' keys in that order
    as a cursor, without OFFSET; each batch of keys then fetches its rows with the names. So the complaints are
    filtered and ordered once (an index walk for the default order; for a sort key no index serves, one sort of
    the keys, where paging by keyset would sort the table again for every batch), and no more than a batch of
    rows is held at a time. Run it inside one read transaction: then every batch sees the same snapshot.
    """
    key = sort_key(request)
    terms, indexed = complaint_terms(session, request, today, lookup_limit)
    sort, tie = _column(key, indexed), _column("tracking_no", indexed)
    order = [sort.desc(), tie.desc()] if request.descending else [sort.asc(), tie.asc()]
    # The key: the rowid on SQLite (an integer, the table's own b-tree), the id elsewhere.
    record_key = _ROWID if session.get_bind().dialect.name == "sqlite" else Complaint.id
    ids = select(record_key).select_from(Complaint).where(*terms).order_by(*order)
    names = [STATION.name, AGAINST_STATION.name, Officer.name, Person.name, Person.cnic, Person.mobile]
    rows = (
        select(record_key, *[getattr(Complaint, name) for name in fields], *names)
        .select_from(Complaint)
        .outerjoin(STATION, STATION.id == Complaint.station_id)
        .outerjoin(AGAINST_STATION, AGAINST_STATION.id == Complaint.against_station_id)
        .outerjoin(Officer, Officer.id == Complaint.assigned_officer_id)
        .outerjoin(Person, Person.id == Complaint.complainant_person_id)
    )
    connection = session.connection()
    for chunk in connection.execution_options(yield_per=batch).execute(ids).partitions():
        wanted = [complaint for (complaint,) in chunk]
        found = {row[0]: row[1:] for row in connection.execute(rows.where(record_key.in_(wanted)))}
        yield [found[complaint] for complaint in wanted if complaint in found]


def count_complaints(session: Session, request: PageRequest, today: date, lookup_limit: int) -> int:
    """How many complaints the request selects; without filters, from counts that read no table rows."""
    if filter_terms(request, today) or session.get_bind().dialect.name != "sqlite":
        return count_rows(session, complaints_query(session, request, today, lookup_limit))
    deleted = select(func.count()).select_from(Complaint).where(Complaint.deleted_at.is_not(None))
    search = _fts_search(session, request.search)
    if search is None:
        total = int(session.scalar(select(func.count()).select_from(Complaint)) or 0)
        return total - int(session.scalar(deleted) or 0)
    matches, rowids = search
    if not session.scalar(deleted):
        return matches
    # Count the matches in the FTS5 index, leaving out the (few) deleted complaints.
    deleted_rowids = select(_ROWID).select_from(Complaint).where(Complaint.deleted_at.is_not(None))
    return int(
        session.scalar(select(func.count()).select_from(rowids.where(_FTS_ROWID.not_in(deleted_rowids)).subquery()))
        or 0
    )
