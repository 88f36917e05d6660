"""Monthly bundles: export and import speed of a big month, and a year of bundles from many districts.

    python bench/bundles.py                 # 20,000-record month; 12 months from 10 districts
    python bench/bundles.py --full          # ... and 12 months from 150 districts (about 15 minutes)
    python bench/bundles.py --districts 40  # any number of districts

Prints: the export time of a month with 20,000 changed records (target under 2 s) and its import time at the hub
(target under 3 s); then, for D districts × 12 months of demo-like work (people with CNICs, outreach events,
corrections of earlier records), every bundle is exported, imported and acknowledged month by month, and the bench
prints the total import time and the time per bundle in each quarter of the run (flat = the time grows linearly
with the number of bundles), with a least-squares slope.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from copdesk.domain.months import Month
from copdesk.domain.reference import districts as all_districts
from copdesk.models.accounts import Role
from copdesk.models.organisation import Station
from copdesk.models.outreach import OutreachEvent
from copdesk.models.people import Person
from copdesk.services.bundles import BundleService
from copdesk.services.context import Actor, ServiceContext
from copdesk.services.hub import HubService
from copdesk.services.months import MonthService
from copdesk.services.setup import create_district, create_hub
from copdesk.storage import keyslots
from copdesk.storage.bulk import bulk_insert
from copdesk.storage.recording import SESSION_ACTOR

PASSWORD = "bench-password"
CLOCK = datetime(2026, 1, 15, 9, tzinfo=UTC)
YEAR = [Month(2025, m) for m in range(1, 13)]


class Bench:
    """A hub with keys and a way to add enrolled districts."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        created = create_hub(
            folder / "hub.db", admin_username="admin", admin_name="Admin", admin_password=PASSWORD, kdf=_kdf()
        )
        self.hub_ctx = ServiceContext(created.database, Actor("admin", Role.HUB_ADMIN), None, clock=lambda: CLOCK)
        self.hub = HubService(self.hub_ctx)
        self.profile = self.hub.init_keys(PASSWORD, "Bench hub")
        self.profile_path = self.hub.write_profile(folder, PASSWORD)
        self.stick = folder / "stick"

    def district(self, code: str) -> tuple[ServiceContext, list[uuid.UUID]]:
        """A new enrolled district database; returns its context and station ids."""
        setup = create_district(
            self.folder / f"{code}.db",
            district_code=code,
            officer_username="dpo",
            officer_name="DPO",
            officer_password=PASSWORD,
            stations=["City", "Saddar", "Cantt"],
            kdf=_kdf(),
        )
        ctx = setup.context
        ctx.clock = lambda: CLOCK
        service = BundleService(ctx)
        service.install_hub_profile(self.profile_path.read_bytes(), self.profile.fingerprint)
        files = service.write_enrolment(self.folder / "enrolment")
        self.hub.enrol(files.request.read_bytes(), files.fingerprint)
        with ctx.read() as session:
            stations = list(session.scalars(select(Station.id)))
        return ctx, stations

    def exchange(self, ctx: ServiceContext, month: Month) -> tuple[float, float, int]:
        """Close, export, import and acknowledge one month; returns (export s, import s, records)."""
        MonthService(ctx).close(str(month))
        started = time.perf_counter()
        result = BundleService(ctx).export_month(str(month), self.stick)
        exported = time.perf_counter() - started
        started = time.perf_counter()
        [outcome] = self.hub.import_files([result.path], PASSWORD)
        imported = time.perf_counter() - started
        if outcome.status != "accepted":
            raise SystemExit(f"{result.path.name}: {outcome.status} {outcome.reason}")
        ack = self.hub.write_feedback(ctx.district_code or "", PASSWORD, self.stick)
        BundleService(ctx).apply_feedback(ack.path)
        result.path.unlink()
        ack.path.unlink()
        return exported, imported, result.records


def _kdf() -> keyslots.KdfParams:
    keyslots.DEFAULT_KDF = keyslots.OWASP_FLOOR_KDF  # the key derivation is not what is measured here
    return keyslots.OWASP_FLOOR_KDF


def add_work(
    ctx: ServiceContext,
    month: Month,
    stations: list[uuid.UUID],
    earlier: list[uuid.UUID],
    rng: random.Random,
    *,
    people: int,
    events: int,
    edits: int,
) -> list[uuid.UUID]:
    """A month of demo-like work: new people, outreach events in the month, corrections of earlier people."""
    person_rows = [
        {
            "name": f"Person {rng.randrange(10**9)}",
            "father_name": f"Father {rng.randrange(10**6)}",
            "gender": rng.choice(("male", "female")),
            "cnic": f"3{rng.randrange(1000, 9999)}-{rng.randrange(10**6, 10**7)}-{rng.randrange(10)}",
            "mobile": f"+923{rng.randrange(10**9):09d}",
            "address": f"House {rng.randrange(500)}, Mohalla {rng.randrange(80)}",
        }
        for _ in range(people)
    ]
    event_rows = [
        {
            "kind": "open_court",
            "title": f"Khuli kachehri {i}",
            "station_id": rng.choice(stations),
            "held_on": month.first_day + timedelta(days=rng.randrange(month.days)),
            "venue": f"Community hall {rng.randrange(40)}",
            "men": rng.randrange(200),
            "women": rng.randrange(120),
            "youth": 0,
            "summary": "Complaints heard in public and referred to the stations.",
            "success_story": "",
            "success_story_consent": False,
        }
        for i in range(events)
    ]
    with ctx.database.writer(info={SESSION_ACTOR: "clerk"}) as session:
        new_people = bulk_insert(session, Person, person_rows)
        bulk_insert(session, OutreachEvent, event_rows)
        for person_id in rng.sample(earlier, min(edits, len(earlier))):
            person = session.get(Person, person_id)
            assert person is not None
            person.address = f"Moved to house {rng.randrange(500)}"
    return new_people


def big_month(bench: Bench, records: int) -> None:
    """Export and import of one month with ``records`` changed records."""
    ctx, stations = bench.district("LHR")
    rng = random.Random(1)
    base = add_work(ctx, YEAR[0], stations, [], rng, people=max(1, records // 5), events=0, edits=0)
    bench.exchange(ctx, YEAR[0])
    edits = records // 10
    events = records // 5
    add_work(ctx, YEAR[1], stations, base, rng, people=records - edits - events - 1, events=events, edits=edits)
    exported, imported, count = bench.exchange(ctx, YEAR[1])
    print(f"Month with {count:,} changed records: export {exported:.2f} s (target < 2 s), "
          f"import {imported:.2f} s (target < 3 s)")  # fmt: skip
    ctx.database.dispose()


def many_districts(bench: Bench, count: int) -> None:
    """12 months from ``count`` districts, exchanged month by month; import time per bundle."""
    codes = [d.code for d in all_districts() if d.code != "LHR"][:count]
    if len(codes) < count:
        print(f"(only {len(codes)} districts in the reference data)")
    rng = random.Random(2)
    districts = [(code, *bench.district(code)) for code in codes]
    earlier: dict[str, list[uuid.UUID]] = {code: [] for code in codes}
    times: list[float] = []
    records = 0
    started = time.perf_counter()
    for month in YEAR:
        for code, ctx, stations in districts:
            earlier[code] += add_work(ctx, month, stations, earlier[code], rng, people=120, events=30, edits=20)
            _exported, imported, count_ = bench.exchange(ctx, month)
            times.append(imported)
            records += count_
    wall = time.perf_counter() - started
    for _code, ctx, _stations in districts:
        ctx.database.dispose()
    quarter = max(1, len(times) // 4)
    quarters = [statistics.mean(times[i : i + quarter]) * 1000 for i in range(0, quarter * 4, quarter)]
    slope = _slope(times) * 1000
    print(
        f"{len(times):,} bundles ({len(codes)} districts × 12 months, {records:,} records): total import "
        f"{sum(times):.1f} s, {statistics.mean(times) * 1000:.0f} ms per bundle; whole exchange {wall:.0f} s"
    )
    print("Import time per bundle by quarter of the run: " + ", ".join(f"{q:.0f} ms" for q in quarters))
    print(
        f"Slope: {slope:+.3f} ms per bundle already imported (≈ 0: each import costs the same, the total grows "
        "linearly with the number of bundles)"
    )


def _slope(values: list[float]) -> float:
    n = len(values)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, statistics.mean(values)
    numerator = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    denominator = sum((i - mean_x) ** 2 for i in range(n))
    return numerator / denominator


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000, help="changed records in the big month")
    parser.add_argument("--districts", type=int, default=10, help="districts sending 12 months (default 10)")
    parser.add_argument("--full", action="store_true", help="150 districts")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args(argv)
    count = 150 if args.full else args.districts
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        bench = Bench(folder)
        big_month(bench, args.records)
        many_districts(bench, count)
        bench.hub_ctx.database.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
