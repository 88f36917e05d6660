"""``copdesk``: the desk, the hub and their maintenance from the command line.

Every failure a user can cause (wrong argument, wrong password, a file that is not a copdesk database, a database
from a newer copdesk) ends with one clear line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from importlib import import_module
from pathlib import Path
from typing import NoReturn

from copdesk import __version__
from copdesk.cli import session
from copdesk.errors import CopdeskError
from copdesk.models.accounts import Role
from copdesk.services.accounts import AccountService
from copdesk.services.audit import AuditService

#: Modules that add their own commands: each has ``register(commands, hub_commands)``.
COMMAND_MODULES: tuple[str, ...] = ("spreadsheet_commands", "print_commands", "bundle_commands")

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_BUG = 70

log = logging.getLogger("copdesk.cli")
Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _db_options(parser: argparse.ArgumentParser, *, user: bool = True) -> None:
    parser.add_argument("--db", required=True, help="database file (district or hub) or a hub database URL")
    if user:
        parser.add_argument("--user", help="account name (default: $COPDESK_USER)")


def _cmd_gui(args: argparse.Namespace) -> int:
    from copdesk.ui.app import run_desk  # Qt is imported only when the desk is started

    return run_desk(Path(args.db) if args.db else None)


def _cmd_init(args: argparse.Namespace) -> int:
    from copdesk.services.setup import create_district

    setup = create_district(
        Path(args.db),
        district_code=args.district,
        officer_username=session.username(args.user),
        officer_name=args.name,
        officer_password=session.new_password("Password for the district officer: "),
        stations=args.station or [],
    )
    setup.context.database.dispose()
    sheet = Path(args.recovery_sheet) if args.recovery_sheet else Path(args.db).with_suffix(".recovery.txt")
    from copdesk.services.recovery_sheet import write_recovery_sheet

    write_recovery_sheet(sheet, setup.recovery_key, district_code=args.district, db_path=Path(args.db))
    print(f"District database created: {args.db}")
    print(f"Recovery sheet written to {sheet}: print it, keep it locked away, then delete the file.")
    return 0


def _cmd_recover(args: argparse.Namespace) -> int:
    from copdesk.services.auth import recover_district_access

    key = os.environ.get("COPDESK_RECOVERY_KEY") or (
        session.password("Recovery key (from the recovery sheet): ") if sys.stdin.isatty() else ""
    )
    if not key:
        raise session.UsageError("No recovery key: set COPDESK_RECOVERY_KEY when running without a terminal.")
    recover_district_access(Path(args.db), key, session.username(args.user), session.new_password())
    print(f"New password set for {args.user or os.environ.get('COPDESK_USER')}.")
    return 0


def _cmd_account_list(args: argparse.Namespace) -> int:
    ctx = session.open_context(args.db, args.user)
    for account in AccountService(ctx).list_accounts():
        state = "disabled" if account.disabled else "active"
        print(f"{account.username:<20} {account.role.label:<20} {state:<9} {account.display_name}")
    return 0


def _cmd_account_add(args: argparse.Namespace) -> int:
    ctx = session.open_context(args.db, args.user)
    password = session.new_password(f"Password for {args.username}: ")
    AccountService(ctx).create_account(args.username, args.name, Role(args.role), password, args.province)
    print(f"Account {args.username} created ({Role(args.role).label}).")
    return 0


def _cmd_account_disable(args: argparse.Namespace) -> int:
    ctx = session.open_context(args.db, args.user)
    AccountService(ctx).disable(args.username)
    print(f"Account {args.username} disabled.")
    return 0


def _cmd_account_enable(args: argparse.Namespace) -> int:
    ctx = session.open_context(args.db, args.user)
    AccountService(ctx).enable(args.username, session.new_password(f"New password for {args.username}: "))
    print(f"Account {args.username} enabled.")
    return 0


def _cmd_account_reset(args: argparse.Namespace) -> int:
    ctx = session.open_context(args.db, args.user)
    AccountService(ctx).reset_password(args.username, session.new_password(f"New password for {args.username}: "))
    print(f"Password of {args.username} reset.")
    return 0


def _cmd_passwd(args: argparse.Namespace) -> int:
    ctx = session.open_context(args.db, args.user)
    old = session.password()
    AccountService(ctx).change_own_password(old, session.new_password())
    print("Password changed.")
    return 0


def _cmd_audit_verify(args: argparse.Namespace) -> int:
    ctx = session.open_context(args.db, args.user)
    report = AuditService(ctx).verify()
    if report.ok:
        print(f"Audit trail intact: {report.entries} entries, head {report.head[:16]}…")
        return 0
    print(f"Audit trail BROKEN at entry {report.first_broken_seq}: {report.problem}.", file=sys.stderr)
    return EXIT_FAILURE


def _cmd_hub_init(args: argparse.Namespace) -> int:
    from copdesk.services.hub import HubService
    from copdesk.services.setup import create_hub

    password = session.new_password("Password for the hub administrator: ")
    ctx = create_hub(args.db, admin_username=session.username(args.user), admin_name=args.name, admin_password=password)
    try:
        hub = HubService(ctx)
        fingerprint = hub.init_keys(password, args.hub_name).fingerprint
        profile = hub.write_profile(Path(args.out), password)
    finally:
        ctx.database.dispose()
    print(f"Hub database created: {args.db}")
    print(f"Hub keys created for {args.hub_name}. Fingerprint to give the districts: {fingerprint}")
    print(f"Public profile for district setup written to {profile}")
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from copdesk.services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, build_demo

    out = Path(args.out)
    if (out / "districts").exists() and any((out / "districts").iterdir()):
        raise session.UsageError(f"{out} already holds a demo; choose an empty folder.")
    world = build_demo(
        out,
        districts=args.districts,
        months=args.months,
        seed=args.seed,
        hub_db=args.hub_db,
        progress=lambda message: print(f"  building {message}…", flush=True),
    )
    first, last = world.months[0], world.months[-1]
    print(f"Demo world in {out} ({len(world.district_databases)} districts, months {first} to {last}):")
    for path in world.district_databases:
        print(f"  district  {path}")
    print(f"  hub       {world.hub}")
    accounts = ", ".join(DEMO_ACCOUNTS)
    print(f"District accounts: {accounts}; hub accounts: admin, analyst. Password for all: {DEMO_PASSWORD}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser."""
    parser = _Parser(
        prog="copdesk",
        description="Community Oriented Policing desk and hub. With no command, starts the desk.",
        epilog="Passwords are asked for at a prompt, or read from COPDESK_PASSWORD (and COPDESK_NEW_PASSWORD) "
        "when not interactive. The account may be given by COPDESK_USER.",
    )
    parser.add_argument("--version", action="version", version=f"copdesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    gui = commands.add_parser("gui", help="start the district desk (first-run setup when there is no database)")
    gui.add_argument("--db", help="district database file (default: in the per-user data folder)")
    gui.set_defaults(handler=_cmd_gui)

    init = commands.add_parser("init", help="create a new district database")
    init.add_argument("--db", required=True, help="where to create the database file")
    init.add_argument("--district", required=True, help="district code, e.g. LHR")
    init.add_argument("--user", help="user name of the first district officer (default: $COPDESK_USER)")
    init.add_argument("--name", required=True, help="the district officer's name")
    init.add_argument("--station", action="append", help="a police station of the district (repeatable)")
    init.add_argument("--recovery-sheet", help="where to write the recovery sheet (default: beside the database)")
    init.set_defaults(handler=_cmd_init)

    recover = commands.add_parser("recover", help="set a new password with the recovery sheet's key")
    _db_options(recover)
    recover.set_defaults(handler=_cmd_recover)

    passwd = commands.add_parser("passwd", help="change your own password")
    _db_options(passwd)
    passwd.set_defaults(handler=_cmd_passwd)

    account = commands.add_parser("account", help="manage accounts").add_subparsers(
        dest="account_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    listing = account.add_parser("list", help="list accounts")
    _db_options(listing)
    listing.set_defaults(handler=_cmd_account_list)
    add = account.add_parser("add", help="create an account")
    _db_options(add)
    add.add_argument("username")
    add.add_argument("--name", required=True, help="the person's name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--province", help="hub analysts: limit to one province (code)")
    add.set_defaults(handler=_cmd_account_add)
    for name, handler, text in (
        ("disable", _cmd_account_disable, "disable an account"),
        ("enable", _cmd_account_enable, "enable an account with a new password"),
        ("reset-password", _cmd_account_reset, "give an account a new password"),
    ):
        sub = account.add_parser(name, help=text)
        _db_options(sub)
        sub.add_argument("username")
        sub.set_defaults(handler=handler)

    audit = commands.add_parser("audit", help="the audit trail").add_subparsers(
        dest="audit_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    verify = audit.add_parser("verify", help="check the audit trail's hash chain")
    _db_options(verify)
    verify.set_defaults(handler=_cmd_audit_verify)

    demo = commands.add_parser("demo", help="make a demo world: district databases and a hub")
    demo.add_argument("--out", required=True, help="an empty folder for the demo")
    demo.add_argument("--districts", type=int, default=3, help="how many districts (default 3)")
    demo.add_argument("--months", type=int, default=6, help="how many full months of records (default 6)")
    demo.add_argument("--seed", type=int, default=7, help="random seed; the same seed gives the same demo")
    demo.add_argument("--hub-db", help="hub database URL (default: OUT/hub.db), e.g. postgresql+psycopg://…")
    demo.set_defaults(handler=_cmd_demo)

    hub = commands.add_parser("hub", help="the federal hub").add_subparsers(
        dest="hub_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    hub_init = hub.add_parser("init", help="create the hub database and its first administrator")
    _db_options(hub_init)
    hub_init.add_argument("--name", required=True, help="the administrator's name")
    hub_init.add_argument("--hub-name", default="Federal COP Hub", help="the hub's name shown to districts")
    hub_init.add_argument("--out", default=".", help="folder for the public profile file (default: here)")
    hub_init.set_defaults(handler=_cmd_hub_init)
    for module in COMMAND_MODULES:
        import_module(f"copdesk.cli.{module}").register(commands, hub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = getattr(args, "handler", _cmd_gui)
    if not hasattr(args, "db"):
        args.db = None
    try:
        return handler(args)
    except session.UsageError as exc:
        print(f"copdesk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CopdeskError as exc:
        print(f"copdesk: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("copdesk: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line for the user, the details in the log file
        from copdesk.logs import log_bug

        where = log_bug(exc)
        print(f"copdesk: unexpected error ({type(exc).__name__}); details were written to {where}", file=sys.stderr)
        return EXIT_BUG
