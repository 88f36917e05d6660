"""The demo's enrolled world: hub keys, enrolled districts, and every month but the last already exchanged."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from copdesk.services.auth import login_district, login_hub
from copdesk.services.bundles import BundleService
from copdesk.services.hub import HubService
from copdesk.storage.keyslots import KdfParams


@dataclass(frozen=True)
class DemoDistrict:
    """A demo district database and the recovery key it was made with."""

    path: Path
    recovery_key: str


def enrol_and_exchange(
    folder: Path,
    hub_target: str,
    districts: Sequence[DemoDistrict],
    months: Sequence[str],
    password: str,
    progress: Callable[[str], None] | None = None,
    *,
    kdf: KdfParams | None = None,
) -> Path:
    """Give the hub its keys, enrol every district and exchange every month but the last.

    Each district exports its months one by one; the hub imports each bundle and answers with an
    acknowledgement, which the district applies. The last month stays closed but unsent, so a newcomer can try
    ``copdesk bundle export`` → ``copdesk hub import`` at once. Files go to ``folder/exchange``; the hub profile
    to ``folder/hub-profile.json``. Returns the profile's path.
    """
    report = progress or (lambda _message: None)
    exchange = folder / "exchange"
    hub_ctx = login_hub(hub_target, "admin", password)
    try:
        hub = HubService(hub_ctx)
        profile = hub.init_keys(password, "Federal COP Hub (demo)", kdf=kdf)
        profile_path = hub.write_profile(folder, password)
        hub.grant_key_access(password, "analyst", password, kdf=kdf)
        for district in districts:
            report(f"bundles of {district.path.stem}")
            ctx = login_district(district.path, "dpo", password)
            try:
                service = BundleService(ctx)
                service.install_hub_profile(profile_path.read_bytes(), profile.fingerprint)
                files = service.write_enrolment(exchange / "enrolment")
                hub.enrol(files.request.read_bytes(), files.fingerprint)
                for month in months[:-1]:
                    bundle = service.export_month(month, exchange / "bundles")
                    [outcome] = hub.import_files([bundle.path], password)
                    if outcome.status != "accepted":
                        raise RuntimeError(f"demo bundle {bundle.path.name}: {outcome.status} {outcome.reason}")
                    ack = hub.write_feedback(str(ctx.district_code), password, exchange / "acks")
                    service.apply_feedback(ack.path)
            finally:
                ctx.database.dispose()
    finally:
        hub_ctx.database.dispose()
    return profile_path
