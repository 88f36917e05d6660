"""Printing: the office's paper documents as PDF files (minutes, complaint receipts, duty rosters, monthly report).

The service gathers the records through the other services (so their rules and the masking of personal data
apply) and hands their views to :mod:`copdesk.documents`, which never reads the database.
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from copdesk.documents.layout import Office, check_language
from copdesk.documents.minutes import write_minutes
from copdesk.documents.monthly_report import MonthlyReportData, write_monthly_report
from copdesk.documents.receipt import write_receipt
from copdesk.documents.roster import write_roster
from copdesk.domain.months import Month
from copdesk.errors import ValidationError
from copdesk.services.complaints import ComplaintService
from copdesk.services.context import Service, requires
from copdesk.services.figures import FiguresService
from copdesk.services.meetings import MeetingService
from copdesk.services.months import MonthService
from copdesk.services.organisation import OrganisationService, StationView
from copdesk.services.outreach import OutreachService
from copdesk.services.watch import WatchService

__all__ = ["HISTORY_MONTHS", "PrintService", "PrintedDocument"]

#: How many months (this one included) the monthly report's charts show.
HISTORY_MONTHS = 6


@dataclass(frozen=True)
class PrintedDocument:
    """A document written: its title, a file name to suggest when saving it, and how many bytes were written."""

    title: str
    suggested_name: str
    size: int


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return slug[:60] or "document"


def _write(render: Callable[[BinaryIO], None], out: Path | BinaryIO) -> int:
    """Render into memory, then write to ``out`` (a path is replaced only once the whole PDF is ready)."""
    buffer = io.BytesIO()
    render(buffer)
    data = buffer.getvalue()
    if isinstance(out, Path):
        if not out.parent.is_dir():
            raise ValidationError(f"The folder {out.parent} does not exist; choose another place to save.", "out")
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise ValidationError(f"The file {out} could not be written ({exc.strerror or exc}).", "out") from None
    else:
        out.write(data)
    return len(data)


class PrintService(Service):
    """The printed documents of a district office."""

    def _office(self, station: StationView | None = None) -> Office:
        if station is None:
            return Office.of(self.ctx.district_code)
        return Office.of(self.ctx.district_code, station.name, station.name_ur, station.phone, station.address)

    def _station(self, station_id: uuid.UUID) -> StationView:
        return OrganisationService(self.ctx).get_station(station_id)

    @requires("print.documents")
    def minutes(self, meeting_id: uuid.UUID, out: Path | BinaryIO, *, language: str = "en") -> PrintedDocument:
        """Print a meeting's minutes (A4) to ``out``, in English (``en``) or Urdu (``ur``)."""
        chosen = check_language(language)
        view = MeetingService(self.ctx).get(meeting_id)
        office = self._office(self._station(view.station_id))
        size = _write(
            lambda target: write_minutes(view, target, language=chosen, office=office, printed_on=self.ctx.today()),
            out,
        )
        name = f"minutes-{_slug(view.committee_name)}-{view.held_on:%Y-%m-%d}.pdf"
        return PrintedDocument(f"Minutes: {view.committee_name}, {view.held_on:%d %B %Y}", name, size)

    @requires("print.documents")
    def receipt(self, complaint: uuid.UUID | str, out: Path | BinaryIO, *, language: str = "en") -> PrintedDocument:
        """Print the complainant's receipt (top half of an A4 sheet) for a complaint given by id or tracking number."""
        chosen = check_language(language)
        complaints = ComplaintService(self.ctx)
        view = (
            complaints.get(complaint) if isinstance(complaint, uuid.UUID) else complaints.get_by_tracking_no(complaint)
        )
        office = self._office(self._station(view.station_id))
        size = _write(
            lambda target: write_receipt(view, target, language=chosen, office=office, printed_on=self.ctx.today()),
            out,
        )
        name = f"receipt-{_slug(view.tracking_no)}.pdf"
        return PrintedDocument(f"Complaint receipt {view.tracking_no}", name, size)

    @requires("print.documents")
    def roster(
        self, week_start: date, station_id: uuid.UUID | None, out: Path | BinaryIO, *, language: str = "en"
    ) -> PrintedDocument:
        """Print the neighbourhood-watch duty roster of the week from ``week_start`` (A4 landscape).

        With ``station_id`` only that station's beats are printed, under the station's letterhead.
        """
        chosen = check_language(language)
        if not isinstance(week_start, date):
            raise ValidationError("Enter the first day of the week.", "week_start")
        station = self._station(station_id) if station_id is not None else None
        view = WatchService(self.ctx).roster(week_start, station_id)
        office = self._office(station)
        size = _write(
            lambda target: write_roster(view, target, language=chosen, office=office, printed_on=self.ctx.today()),
            out,
        )
        where = f"-{_slug(station.name)}" if station is not None else ""
        return PrintedDocument(
            f"Duty roster, week of {week_start:%d %B %Y}", f"roster{where}-{week_start:%Y-%m-%d}.pdf", size
        )

    @requires("print.documents")
    def monthly_report(self, month: str, out: Path | BinaryIO, *, language: str = "en") -> PrintedDocument:
        """Print the district's monthly COP report for ``month`` (``YYYY-MM``): figures, charts, outreach."""
        chosen = check_language(language)
        parsed = Month.parse(month)
        figures = FiguresService(self.ctx)
        months = [parsed]
        while len(months) < HISTORY_MONTHS and months[-1] > Month(2000, 1):
            months.append(months[-1].previous())
        history = tuple(figures.for_month(str(m)) for m in reversed(months))
        stations = OrganisationService(self.ctx).list_stations()
        data = MonthlyReportData(
            figures=history[-1],
            history=history,
            outreach=OutreachService(self.ctx).month_totals(str(parsed)),
            status=MonthService(self.ctx).status(str(parsed)) if self.ctx.district_code else None,
            station_names_ur={station.id: station.name_ur for station in stations if station.name_ur},
        )
        office = self._office()
        size = _write(
            lambda target: write_monthly_report(
                data, target, language=chosen, office=office, printed_on=self.ctx.today()
            ),
            out,
        )
        return PrintedDocument(f"Monthly COP report, {parsed.label}", f"cop-report-{parsed}.pdf", size)
