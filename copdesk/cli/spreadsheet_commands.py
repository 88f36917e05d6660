"""``copdesk export`` (a list to .xlsx) and ``copdesk import people|volunteers|committee-members`` (from Excel)."""

from __future__ import annotations

import argparse
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from copdesk.cli.session import UsageError, open_context
from copdesk.domain.months import Month
from copdesk.errors import ValidationError
from copdesk.services.paging import PageRequest
from copdesk.services.spreadsheets import EXPORT_KINDS, ImportResult, ImportTarget, SpreadsheetService

EXIT_BAD_ROWS = 1


def register(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    hub_commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    """Add ``export`` and ``import`` to the command line."""
    export = commands.add_parser("export", help="export a list to an Excel workbook (.xlsx)")
    export.add_argument("--db", required=True, help="district database file")
    export.add_argument("--user", help="account name (default: $COPDESK_USER)")
    export.add_argument("--list", dest="kind", required=True, choices=EXPORT_KINDS, help="which list")
    export.add_argument(
        "--month", help="YYYY-MM: complaints received or meetings held that month; the month of the figures"
    )
    export.add_argument("--to-month", help="monthly figures: the last month of a range that starts at --month")
    export.add_argument("--search", default="", help="only rows matching this text (as the list's search box)")
    export.add_argument("--group", help="volunteers: the watch group's id")
    export.add_argument("--committee", help="committee members: the committee's id")
    export.add_argument("--out", required=True, help="the .xlsx file to write")
    export.set_defaults(handler=_cmd_export)

    importing = commands.add_parser("import", help="import people, watch volunteers or committee members from Excel")
    targets = importing.add_subparsers(dest="import_target", metavar="WHAT", required=True)
    for target in ImportTarget:
        sub = targets.add_parser(target.value.replace("_", "-"), help=f"import {target.label} from a spreadsheet")
        sub.add_argument("--db", required=True, help="district database file")
        sub.add_argument("--user", help="account name (default: $COPDESK_USER)")
        sub.add_argument("file", help="the .xlsx or .xls workbook")
        sub.add_argument("--sheet", help="the sheet's name (default: the first sheet)")
        sub.add_argument("--all-or-nothing", action="store_true", help="import nothing at all if any row has a problem")
        sub.add_argument(
            "--gender", choices=["male", "female", "transgender"], help="gender for rows that do not give one"
        )
        if target is ImportTarget.VOLUNTEERS:
            sub.add_argument("--group", required=True, help="the watch group's id")
        if target is ImportTarget.COMMITTEE_MEMBERS:
            sub.add_argument("--committee", required=True, help="the committee's id")
            sub.add_argument("--category", help="member category for rows that do not give one (e.g. elder)")
            sub.add_argument("--joined-on", help="joining date for rows that do not give one (YYYY-MM-DD)")
        sub.set_defaults(handler=_cmd_import, target=target)


def _uuid(value: str | None, option: str) -> uuid.UUID | None:
    if value is None:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise UsageError(f"{option} must be a record id like 0f8fad5b-d9cb-469f-a165-70867728950e.") from None


def _export_filters(args: argparse.Namespace) -> dict[str, Any]:
    kind, month = args.kind, args.month
    if args.to_month and kind != "monthly_figures":
        raise UsageError("--to-month is only for --list monthly_figures.")
    if kind == "monthly_figures":
        if not month:
            raise UsageError("Say which month's figures to export: --month YYYY-MM (and --to-month for a range).")
        if args.to_month:
            return {"month_from": month, "month_to": args.to_month}
        return {"month": month}
    if kind == "volunteers":
        return {"group_id": _uuid(args.group, "--group") or _missing("--group")}
    if kind == "committee_members":
        return {"committee_id": _uuid(args.committee, "--committee") or _missing("--committee")}
    if month is None:
        return {}
    if kind == "complaints":
        return {"month": str(Month.parse(month))}
    if kind == "meetings":
        parsed = Month.parse(month)
        return {"date_from": parsed.first_day, "date_to": parsed.last_day}
    raise UsageError(f"--month does not apply to --list {kind}.")


def _missing(option: str) -> Any:
    raise UsageError(f"This list needs {option} ID.")


def _cmd_export(args: argparse.Namespace) -> int:
    filters = _export_filters(args)
    ctx = open_context(args.db, args.user)
    request = PageRequest(search=args.search or "", filters=filters)
    written = SpreadsheetService(ctx).export_list(args.kind, request, Path(args.out))
    print(f"Exported {written:,} row(s) to {args.out}.")
    return 0


def _cmd_import(args: argparse.Namespace) -> int:
    target: ImportTarget = args.target
    group_id = _uuid(getattr(args, "group", None), "--group")
    committee_id = _uuid(getattr(args, "committee", None), "--committee")
    ctx = open_context(args.db, args.user)
    service = SpreadsheetService(ctx)
    path = Path(args.file)
    suggestion = service.suggest_mapping(path, args.sheet, target)
    defaults = dict(suggestion.mapping.defaults)
    for name in ("gender", "category", "joined_on"):
        value = getattr(args, name, None)
        if value:
            defaults[name] = value
    mapping = replace(suggestion.mapping, defaults=defaults, header_row=suggestion.header_row)
    try:
        mapping.check(target, suggestion.headers)
    except ValidationError as exc:
        headings = ", ".join(f"'{h}'" for h in suggestion.headers if h)
        raise ValidationError(f"{exc.message} The sheet's headings are: {headings}.", exc.field) from None
    used = ", ".join(
        f"{item.label} = column '{suggestion.headers[mapping.columns[item.name]]}'"
        for item in suggestion.fields
        if item.name in mapping.columns
    )
    print(f"Sheet '{suggestion.sheet}', headings on row {suggestion.header_row}: {used}.")
    result = service.run_import(path, suggestion.sheet, mapping, target, args.all_or_nothing, group_id, committee_id)
    _print_result(result, args.all_or_nothing)
    return EXIT_BAD_ROWS if result.problems else 0


def _print_result(result: ImportResult, all_or_nothing: bool) -> None:
    bad = len(result.problems)
    if result.applied:
        matched = f", {result.people_matched:,} already recorded" if result.target is not ImportTarget.PEOPLE else ""
        print(
            f"{result.total_rows:,} row(s) read; {result.imported:,} {result.target.label} imported "
            f"({result.people_created:,} new people{matched}); {bad:,} row(s) not imported."
        )
    elif all_or_nothing:
        print(f"{result.total_rows:,} row(s) read; nothing imported because {bad:,} row(s) have problems:")
    for problem in result.problems:
        print(f"  row {problem.row}: {problem.reason}")
