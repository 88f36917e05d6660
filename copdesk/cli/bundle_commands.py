"""``copdesk bundle …`` (district) and ``copdesk hub init-keys/enrol/import/feedback/…`` (hub) commands."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from copdesk.cli import session
from copdesk.services.auth import login_hub
from copdesk.services.bundles import BundleService
from copdesk.services.context import ServiceContext
from copdesk.services.hub import HubService
from copdesk.sync import format

EXIT_FAILURE = 1


def _db_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", required=True, help="district database file, or the hub database (file or URL)")
    parser.add_argument("--user", help="account name (default: $COPDESK_USER)")


def _hub_context(args: argparse.Namespace) -> tuple[ServiceContext, str]:
    """Sign in to the hub; the same password opens the account's slot of the hub keys."""
    password = session.password()
    return login_hub(args.db, session.username(args.user), password), password


def _recovery_key() -> str:
    key = os.environ.get("COPDESK_RECOVERY_KEY") or (
        session.password("Recovery key (from the recovery sheet): ") if sys.stdin.isatty() else ""
    )
    if not key:
        raise session.UsageError("No recovery key: set COPDESK_RECOVERY_KEY when running without a terminal.")
    return key


# -- district ------------------------------------------------------------------------------------------------------
def _cmd_bundle_setup(args: argparse.Namespace) -> int:
    ctx = session.open_context(args.db, args.user)
    try:
        service = BundleService(ctx)
        from copdesk.models.sync import SyncIdentity

        with ctx.read() as s:
            has_identity = s.get(SyncIdentity, 1) is not None
        if not has_identity:
            service.set_up(_recovery_key())
            print("Bundle identity created (signing key and CNIC secret, covered by the recovery sheet).")
        if args.hub_profile:
            status = service.install_hub_profile(Path(args.hub_profile).read_bytes(), args.fingerprint)
            print(f"Hub profile installed: {status.hub_name} (fingerprint {status.hub_fingerprint}).")
        files = service.write_enrolment(Path(args.out))
        print(f"Signing key fingerprint: {files.fingerprint}")
        print(f"Enrolment letter (print it, sign it, post it): {files.letter}")
        print(files.request)
        return 0
    finally:
        ctx.database.dispose()


def _cmd_bundle_rotate(args: argparse.Namespace) -> int:
    ctx = session.open_context(args.db, args.user)
    try:
        files = BundleService(ctx).rotate_key(Path(args.out))
        print(f"New signing key fingerprint: {files.fingerprint} (signed by the previous key)")
        print(f"Enrolment letter: {files.letter}")
        print(files.request)
        return 0
    finally:
        ctx.database.dispose()


def _cmd_bundle_export(args: argparse.Namespace) -> int:
    ctx = session.open_context(args.db, args.user)
    try:
        result = BundleService(ctx).export_month(args.month, Path(args.out))
    finally:
        ctx.database.dispose()
    how = "sent again (the outbox's copy)" if result.resent else "written"
    print(
        f"Bundle {result.sequence} for {result.month} {how}: {result.records} records "
        f"(changes {result.from_seq + 1} to {result.to_seq}), {result.size:,} bytes."
    )
    print(result.path)
    return 0


def _cmd_bundle_import(args: argparse.Namespace) -> int:
    ctx = session.open_context(args.db, args.user)
    try:
        result = BundleService(ctx).apply_feedback(Path(args.file))
    finally:
        ctx.database.dispose()
    for warning in result.warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    print(
        f"Acknowledgement {result.version} applied: {result.accepted} bundle(s) accepted, {result.pending} waiting, "
        f"{len(result.rejected)} refused. The next bundle starts after change {result.acked_through_seq}."
    )
    for sequence, reason in result.rejected:
        print(f"  bundle {sequence} refused: {reason} — export its month again.")
    return 0


def _cmd_bundle_outbox(args: argparse.Namespace) -> int:
    ctx = session.open_context(args.db, args.user)
    try:
        entries = BundleService(ctx).outbox()
    finally:
        ctx.database.dispose()
    for e in entries:
        print(f"{e.sequence:>6} {e.month} {e.status:<9} {e.records:>7} records  {e.file_name}  {e.hub_reason}")
    return 0


def _cmd_bundle_split(args: argparse.Namespace) -> int:
    source = Path(args.file)
    signed, signature = format.split_for_minisign(format.read_file(source))
    out = Path(args.out)
    part = out / (source.name + ".signed")
    sig = out / (source.name + ".signed.minisig")
    format.write_atomically(part, signed)
    format.write_atomically(sig, signature)
    print(f"Check with: minisign -V -P <district public key> -m {part} -x {sig}")
    print(part)
    return 0


# -- hub -------------------------------------------------------------------------------------------------------------
def _cmd_hub_init_keys(args: argparse.Namespace) -> int:
    ctx, password = _hub_context(args)
    try:
        service = HubService(ctx)
        profile = service.init_keys(password, args.name)
        path = service.write_profile(Path(args.out), password)
    finally:
        ctx.database.dispose()
    print(f"Hub keys created for {profile.name}. Fingerprint to give the districts: {profile.fingerprint}")
    print(path)
    return 0


def _cmd_hub_profile(args: argparse.Namespace) -> int:
    ctx, password = _hub_context(args)
    try:
        path = HubService(ctx).write_profile(Path(args.out), password)
    finally:
        ctx.database.dispose()
    print(path)
    return 0


def _cmd_hub_grant(args: argparse.Namespace) -> int:
    ctx, password = _hub_context(args)
    try:
        their = session.new_password(f"Current password of {args.username}: ")
        HubService(ctx).grant_key_access(password, args.username, their)
    finally:
        ctx.database.dispose()
    print(f"{args.username} may now use the hub keys (import and acknowledge bundles).")
    return 0


def _cmd_hub_enrol(args: argparse.Namespace) -> int:
    ctx, _password = _hub_context(args)
    try:
        key = HubService(ctx).enrol(Path(args.file).read_bytes(), args.fingerprint)
    finally:
        ctx.database.dispose()
    print(f"District {key.district_code}: key {key.key_id} ({key.fingerprint}) enrolled by {key.how}, {key.status}.")
    return 0


def _cmd_hub_revoke(args: argparse.Namespace) -> int:
    ctx, _password = _hub_context(args)
    try:
        key = HubService(ctx).revoke(args.district, args.key, args.reason)
    finally:
        ctx.database.dispose()
    print(f"District {key.district_code}: key {key.key_id} revoked. Its bundles are refused from now on.")
    return 0


def _cmd_hub_import(args: argparse.Namespace) -> int:
    ctx, password = _hub_context(args)
    try:
        outcomes = HubService(ctx).import_files([Path(p) for p in args.paths], password, dry_run=args.dry_run)
    finally:
        ctx.database.dispose()
    if not outcomes:
        raise session.UsageError("No bundle files were found there.")
    prefix = "would be " if args.dry_run else ""
    for o in outcomes:
        where = f" {o.district} #{o.sequence} {o.month or ''}".rstrip() if o.district else ""
        counts = (
            f" — {o.new} new, {o.updated} updated, {o.unchanged} unchanged, {o.conflicting} conflicting"
            if o.status != "rejected" and o.status != "duplicate"
            else ""
        )
        print(f"{o.file_name}:{where} {prefix}{o.status}{counts}")
        if o.reason:
            print(f"    {o.reason}")
        for name in o.released:
            print(f"    and the waiting {name} was applied")
    return 0 if all(o.ok for o in outcomes) else EXIT_FAILURE


def _cmd_hub_feedback(args: argparse.Namespace) -> int:
    ctx, password = _hub_context(args)
    try:
        written = HubService(ctx).write_feedback(args.district, password, Path(args.out))
    finally:
        ctx.database.dispose()
    print(
        f"Acknowledgement {written.version} for {written.district}: {written.bundles} bundle(s), "
        f"everything up to change {written.covered_through}."
    )
    print(written.path)
    return 0


def _cmd_hub_districts(args: argparse.Namespace) -> int:
    ctx, _password = _hub_context(args)
    try:
        rows = HubService(ctx).districts()
    finally:
        ctx.database.dispose()
    for d in rows:
        keys = ", ".join(f"{k.key_id} {k.status}" for k in d.keys)
        print(
            f"{d.district_code:<6} up to change {d.covered_through:>9}  last bundle {d.highest_sequence:>4}  "
            f"waiting {d.pending}  keys: {keys}"
        )
    return 0


def _cmd_hub_conflicts(args: argparse.Namespace) -> int:
    ctx, _password = _hub_context(args)
    try:
        rows = HubService(ctx).conflicts()
    finally:
        ctx.database.dispose()
    for c in rows:
        print(f"{c.id:>4} {c.district} #{c.sequence} {c.kind}: {c.detail}")
    return 0


def _cmd_hub_resolve(args: argparse.Namespace) -> int:
    ctx, password = _hub_context(args)
    try:
        view = HubService(ctx).resolve_conflict(args.conflict, password, args.keep)
    finally:
        ctx.database.dispose()
    print(f"Conflict {view.id} resolved: kept the {args.keep} records.")
    return 0


def register(commands: argparse._SubParsersAction, hub_commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the bundle commands and the hub's exchange commands."""
    bundle = commands.add_parser("bundle", help="monthly bundles to the hub").add_subparsers(
        dest="bundle_command", metavar="ACTION", required=True, parser_class=commands._parser_class
    )
    setup = bundle.add_parser("setup", help="create the district's signing identity, install the hub profile")
    _db_options(setup)
    setup.add_argument("--hub-profile", help="the hub's profile file (hub-profile.json)")
    setup.add_argument("--fingerprint", help="the hub's fingerprint, to check the profile against")
    setup.add_argument("--out", required=True, help="folder for the enrolment request and letter")
    setup.set_defaults(handler=_cmd_bundle_setup)
    rotate = bundle.add_parser("rotate-key", help="replace the signing key (the new one is signed by the old)")
    _db_options(rotate)
    rotate.add_argument("--out", required=True, help="folder for the enrolment request and letter")
    rotate.set_defaults(handler=_cmd_bundle_rotate)
    export = bundle.add_parser("export", help="write the bundle of a closed month")
    _db_options(export)
    export.add_argument("--month", required=True, help="YYYY-MM")
    export.add_argument("--out", required=True, help="folder (USB stick or e-mail attachments)")
    export.set_defaults(handler=_cmd_bundle_export)
    apply = bundle.add_parser("import", help="apply the hub's acknowledgement file")
    _db_options(apply)
    apply.add_argument("file")
    apply.set_defaults(handler=_cmd_bundle_import)
    outbox = bundle.add_parser("outbox", help="list the bundles written and what the hub said")
    _db_options(outbox)
    outbox.set_defaults(handler=_cmd_bundle_outbox)
    split = bundle.add_parser("split", help="cut a bundle into the signed part and its minisign signature")
    split.add_argument("file")
    split.add_argument("--out", required=True, help="folder for the two parts")
    split.set_defaults(handler=_cmd_bundle_split)

    init_keys = hub_commands.add_parser("init-keys", help="create the hub's keys and write its public profile")
    _db_options(init_keys)
    init_keys.add_argument("--name", required=True, help="the hub's name, e.g. 'National Police Bureau'")
    init_keys.add_argument("--out", required=True, help="folder for hub-profile.json")
    init_keys.set_defaults(handler=_cmd_hub_init_keys)
    profile = hub_commands.add_parser("profile", help="write the hub's public profile file again")
    _db_options(profile)
    profile.add_argument("--out", required=True)
    profile.set_defaults(handler=_cmd_hub_profile)
    grant = hub_commands.add_parser("grant-keys", help="let another hub account use the hub keys")
    _db_options(grant)
    grant.add_argument("username")
    grant.set_defaults(handler=_cmd_hub_grant)
    enrol = hub_commands.add_parser("enrol", help="register a district's signing key from its enrolment request")
    _db_options(enrol)
    enrol.add_argument("file")
    enrol.add_argument("--fingerprint", help="the fingerprint on the district's enrolment letter")
    enrol.set_defaults(handler=_cmd_hub_enrol)
    revoke = hub_commands.add_parser("revoke", help="revoke a district's signing key")
    _db_options(revoke)
    revoke.add_argument("--district", required=True)
    revoke.add_argument("--key", required=True, help="the key's fingerprint or key id")
    revoke.add_argument("--reason", required=True)
    revoke.set_defaults(handler=_cmd_hub_revoke)
    imp = hub_commands.add_parser("import", help="import bundle files (or the *.bundle files of folders)")
    _db_options(imp)
    imp.add_argument("paths", nargs="+", metavar="PATH")
    imp.add_argument("--dry-run", action="store_true", help="only say what would happen")
    imp.set_defaults(handler=_cmd_hub_import)
    fb = hub_commands.add_parser("feedback", help="write the signed acknowledgement for a district")
    _db_options(fb)
    fb.add_argument("--district", required=True)
    fb.add_argument("--out", required=True)
    fb.set_defaults(handler=_cmd_hub_feedback)
    districts = hub_commands.add_parser("districts", help="enrolled districts, their keys and progress")
    _db_options(districts)
    districts.set_defaults(handler=_cmd_hub_districts)
    conflicts = hub_commands.add_parser("conflicts", help="conflicts waiting for an analyst")
    _db_options(conflicts)
    conflicts.set_defaults(handler=_cmd_hub_conflicts)
    resolve = hub_commands.add_parser("resolve", help="decide a conflict")
    _db_options(resolve)
    resolve.add_argument("conflict", type=int)
    resolve.add_argument("--keep", required=True, choices=["stored", "incoming"])
    resolve.set_defaults(handler=_cmd_hub_resolve)
