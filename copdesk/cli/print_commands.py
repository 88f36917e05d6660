"""``copdesk print``: the office's paper documents as PDF files.

    copdesk print minutes --db DB --user U --meeting ID [--language ur] [--out FILE.pdf]
    copdesk print receipt --db DB --user U --complaint LHR/2026/000123 [--out FILE.pdf]
    copdesk print roster  --db DB --user U --week 2026-03-02 [--station NAME] [--out FILE.pdf]
    copdesk print monthly --db DB --user U --month 2026-03 [--out FILE.pdf]

Each command prints the path of the file it wrote (by default a suggested name in the current folder).
"""

from __future__ import annotations

import argparse
import io
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import BinaryIO

from copdesk.cli import session
from copdesk.errors import NotFound
from copdesk.services.organisation import OrganisationService
from copdesk.services.printing import PrintedDocument, PrintService

__all__ = ["register"]


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="district database file")
    parser.add_argument("--user", help="account name (default: $COPDESK_USER)")
    parser.add_argument("--out", help="PDF file to write (default: a suggested name in the current folder)")
    parser.add_argument("--language", choices=("en", "ur"), default="en", help="English (en) or Urdu (ur)")


def _save(args: argparse.Namespace, write: Callable[[Path | BinaryIO], PrintedDocument]) -> int:
    if args.out:
        target = Path(args.out)
        write(target)
    else:
        buffer = io.BytesIO()
        document = write(buffer)
        target = Path.cwd() / document.suggested_name
        target.write_bytes(buffer.getvalue())
    print(target)
    return 0


def _meeting_id(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        raise session.UsageError(f"{text!r} is not a meeting id (copy it from the meeting's screen).") from None


def _week(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise session.UsageError(
            f"Write the first day of the week as YYYY-MM-DD, for example 2026-03-02 (not {text!r})."
        ) from None


def _cmd_minutes(args: argparse.Namespace) -> int:
    meeting = _meeting_id(args.meeting)
    service = PrintService(session.open_context(args.db, args.user))
    return _save(args, lambda out: service.minutes(meeting, out, language=args.language))


def _cmd_receipt(args: argparse.Namespace) -> int:
    service = PrintService(session.open_context(args.db, args.user))
    return _save(args, lambda out: service.receipt(args.complaint, out, language=args.language))


def _cmd_roster(args: argparse.Namespace) -> int:
    week = _week(args.week)
    ctx = session.open_context(args.db, args.user)
    station_id: uuid.UUID | None = None
    if args.station:
        wanted = " ".join(args.station.split()).casefold()
        stations = OrganisationService(ctx).list_stations()
        match = [s for s in stations if wanted in (s.name.casefold(), s.name_ur.casefold())]
        if not match:
            names = ", ".join(s.name for s in stations) or "none"
            raise NotFound(f"There is no police station named {args.station!r} (the stations are: {names}).")
        station_id = match[0].id
    service = PrintService(ctx)
    return _save(args, lambda out: service.roster(week, station_id, out, language=args.language))


def _cmd_monthly(args: argparse.Namespace) -> int:
    service = PrintService(session.open_context(args.db, args.user))
    return _save(args, lambda out: service.monthly_report(args.month, out, language=args.language))


def register(commands: argparse._SubParsersAction, hub_commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``copdesk print …``."""
    printing = commands.add_parser("print", help="print documents (PDF): minutes, receipts, rosters, reports")
    actions = printing.add_subparsers(
        dest="print_command", metavar="DOCUMENT", required=True, parser_class=type(printing)
    )
    minutes = actions.add_parser("minutes", help="the minutes of a meeting, to be signed")
    _options(minutes)
    minutes.add_argument("--meeting", required=True, help="the meeting's id")
    minutes.set_defaults(handler=_cmd_minutes)

    receipt = actions.add_parser("receipt", help="a complainant's receipt (half an A4 sheet)")
    _options(receipt)
    receipt.add_argument("--complaint", required=True, help="tracking number, e.g. LHR/2026/000123")
    receipt.set_defaults(handler=_cmd_receipt)

    roster = actions.add_parser("roster", help="the neighbourhood watch's weekly duty roster (A4 landscape)")
    _options(roster)
    roster.add_argument("--week", required=True, help="first day of the week, YYYY-MM-DD")
    roster.add_argument("--station", help="only this police station's beats (its name)")
    roster.set_defaults(handler=_cmd_roster)

    monthly = actions.add_parser("monthly", help="the district's monthly COP report")
    _options(monthly)
    monthly.add_argument("--month", required=True, help="the month, YYYY-MM")
    monthly.set_defaults(handler=_cmd_monthly)
