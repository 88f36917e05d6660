"""Excel export and import at district scale.

    python bench/spreadsheets.py                     # 100,000 complaints (peak memory measured at 10k and 100k)
    python bench/spreadsheets.py --complaints 30000  # a quicker run
    python bench/spreadsheets.py --import-rows 0     # skip the import part
    python bench/spreadsheets.py --complaints 0 --people 100000 --meetings 20000 --import-rows 0

Builds a fresh district (``create_district`` + ``bulk_insert``: 20,000 people, complaints with complainants),
exports the complaints list as a clerk sees it (masked CNICs) through ``SpreadsheetService.export_list`` — which
streams it from ``ComplaintService.stream`` — and prints the wall and CPU time (target: under 10 s for 100,000
rows; the CPU time tells a slow machine from slow code) and the tracemalloc peak at 10,000 rows and at the full
size (target: the same order, i.e. flat). Then it exports the people list (and ``--meetings`` meetings, if any)
the same way, and imports a people sheet of ``--import-rows`` rows (preview + import) and prints those times.
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from copdesk.domain.corpus import complaint_categories, load_corpus
from copdesk.models.accounts import Role
from copdesk.models.committees import Committee, CommitteeType
from copdesk.models.complaints import Complaint
from copdesk.models.meetings import Meeting
from copdesk.models.organisation import Station
from copdesk.models.people import Person
from copdesk.services.context import Actor, ServiceContext
from copdesk.services.paging import PageRequest
from copdesk.services.setup import create_district
from copdesk.services.spreadsheets import SpreadsheetService
from copdesk.spreadsheets.export import Column, write_xlsx
from copdesk.storage.bulk import bulk_insert
from copdesk.storage.keyslots import OWASP_FLOOR_KDF
from copdesk.storage.recording import SESSION_ACTOR

BATCH = 20_000
END = date(2026, 10, 31)
STATUSES = ["received", "assigned", "under_inquiry", "resolved", "closed", "closed", "closed"]


def people_rows(count: int, first: int = 0) -> list[dict[str, Any]]:
    """People with CNICs and mobiles (some names in Urdu)."""
    corpus = load_corpus()
    rows = []
    for n in range(first, first + count):
        key = "ur" if n % 7 == 0 else "en"
        given = corpus["male_given"][n % len(corpus["male_given"])][key]
        family = corpus["family_names"][(n // 7) % len(corpus["family_names"])][key]
        rows.append(
            {
                "name": f"{given} {family}",
                "father_name": family,
                "gender": "male",
                "cnic": f"35202-{n:07d}-{n % 10}",
                "mobile": f"+9230{n % 10}{n:07d}",
                "address": f"House {n % 400}, Ward {n % 30}",
            }
        )
    return rows


def complaint_rows(
    start: int, count: int, stations: list[uuid.UUID], people: list[uuid.UUID], rng: random.Random
) -> Iterator[list[dict[str, Any]]]:
    """Complaint rows in batches, spread over three years before END, most with a complainant."""
    corpus = load_corpus()
    texts = [t["en"] for t in corpus["complaint_texts"]]
    places = [m["en"] for m in corpus["mohallas"]]
    categories = list(complaint_categories().values())
    batch: list[dict[str, Any]] = []
    for n in range(start, start + count):
        received = END - timedelta(days=rng.randrange(3 * 365))
        category = categories[n % len(categories)]
        status = STATUSES[rng.randrange(len(STATUSES))]
        resolved = received + timedelta(days=rng.randrange(1, 40)) if status in ("resolved", "closed") else None
        place = places[n % len(places)]
        anonymous = n % 12 == 0
        batch.append(
            {
                "tracking_no": f"LHR/B/{n:07d}",
                "received_on": received,
                "channel": "walk_in",
                "complainant_person_id": None if anonymous else people[n % len(people)],
                "anonymous": anonymous,
                "category": category.code,
                "description": texts[n % len(texts)].format(place=place, name="Ali"),
                "location": place,
                "station_id": stations[n % len(stations)],
                "against_police": False,
                "against_station_id": None,
                "assigned_officer_id": None,
                "status": status,
                "due_on": received + timedelta(days=category.due_days),
                "escalated_at": None,
                "resolved_on": resolved,
                "fir_no": None,
                "closure_category": "relief_granted" if status == "closed" else None,
                "closed_on": resolved if status == "closed" else None,
                "feedback": None,
                "feedback_remarks": "",
                "feedback_on": None,
                "reopened_count": 0,
            }
        )
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def add_complaints(ctx: ServiceContext, start: int, count: int, people: list[uuid.UUID], rng: random.Random) -> None:
    """Bulk-insert ``count`` complaints."""
    with ctx.read() as session:
        stations = [s.id for s in session.query(Station)]
    for batch in complaint_rows(start, count, stations, people, rng):
        with ctx.database.writer(info={SESSION_ACTOR: "dpo"}) as session:
            bulk_insert(
                session,
                Complaint,
                batch,
                search_values=lambda row: [row["tracking_no"], row["description"], row["location"]],
            )


def export_once(clerk: ServiceContext, kind: str, out: Path, trace: bool) -> tuple[int, float, float, int]:
    """(rows, wall seconds, CPU seconds, tracemalloc peak bytes or 0) of one export of the ``kind`` list."""
    if trace:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    try:
        rows = SpreadsheetService(clerk).export_list(kind, PageRequest(), out)
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        return rows, time.perf_counter() - start, time.process_time() - cpu, peak
    finally:
        if trace:
            tracemalloc.stop()


def report_export(clerk: ServiceContext, folder: Path, label: str, kind: str = "complaints") -> tuple[float, int]:
    """Export twice (timed, then traced) and print the figures; returns (wall seconds, peak bytes)."""
    out = folder / f"{kind}-{label}.xlsx"
    rows, seconds, cpu, _ = export_once(clerk, kind, out, trace=False)
    _, traced_seconds, _, peak = export_once(clerk, kind, out, trace=True)
    print(
        f"  export {rows:>7,} {kind}: {seconds:6.2f} s wall, {cpu:6.2f} s CPU ({rows / seconds:,.0f} rows/s), "
        f"{out.stat().st_size / 2**20:5.1f} MB file; tracemalloc peak {peak / 2**20:5.1f} MB "
        f"(traced run {traced_seconds:.1f} s)"
    )
    return seconds, peak


def add_meetings(ctx: ServiceContext, count: int) -> None:
    """Bulk-insert ``count`` meetings of 200 committees spread over the stations (three years before END)."""
    with ctx.read() as session:
        stations = [s.id for s in session.query(Station)]
    rng = random.Random(5)
    with ctx.database.writer(info={SESSION_ACTOR: "dpo"}) as session:
        committees = bulk_insert(
            session,
            Committee,
            [
                {
                    "type": list(CommitteeType)[n % len(CommitteeType)].value,
                    "name": f"Committee {n}",
                    "station_id": stations[n % len(stations)],
                    "notification_ref": f"No. {n}/CP",
                    "formed_on": END - timedelta(days=4 * 365),
                    "dissolved_on": None,
                    "notes": "",
                }
                for n in range(200)
            ],
        )
    for first in range(0, count, BATCH):
        with ctx.database.writer(info={SESSION_ACTOR: "dpo"}) as session:
            bulk_insert(
                session,
                Meeting,
                [
                    {
                        "committee_id": committees[n % len(committees)],
                        "held_on": END - timedelta(days=rng.randrange(3 * 365)),
                        "start_time": None,
                        "venue": f"Station hall {n % 10}",
                        "status": "closed" if n % 4 else "planned",
                        "minutes": "",
                        "closed_at": None,
                        "reopen_reason": "",
                    }
                    for n in range(first, min(first + BATCH, count))
                ],
            )


def report_import(ctx: ServiceContext, clerk: ServiceContext, folder: Path, rows: int) -> None:
    """Write a people sheet of ``rows`` rows, preview it and import it as the clerk."""
    sheet = folder / "people-to-import.xlsx"
    people = people_rows(rows, first=5_000_000)
    columns: list[Column[dict[str, Any]]] = [
        Column("Name", lambda p: p["name"]),
        Column("Father's name", lambda p: p["father_name"]),
        Column("Gender", lambda p: p["gender"]),
        Column("CNIC", lambda p: p["cnic"]),
        Column("Mobile", lambda p: "0" + p["mobile"][3:]),
        Column("Address", lambda p: p["address"]),
    ]
    write_xlsx(sheet, "People", columns, people)
    service = SpreadsheetService(clerk)
    start = time.perf_counter()
    preview = service.preview_import(sheet, None, None, "people")
    previewed = time.perf_counter() - start
    start = time.perf_counter()
    result = service.run_import(sheet, None, None, "people", all_or_nothing=True)
    imported = time.perf_counter() - start
    print(
        f"  import {rows:>7,} people: preview {previewed:6.2f} s ({preview.good_rows:,} good), "
        f"import {imported:6.2f} s ({result.imported:,} imported, {rows / imported:,.0f} rows/s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--meetings", type=int, default=0, help="also export this many meetings")
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="copdesk-bench-xlsx-"))
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(3)
    try:
        setup = create_district(
            folder / "district.db",
            district_code="LHR",
            officer_username="dpo",
            officer_name="Bench DPO",
            officer_password="bench-password",
            stations=[f"Station {n}" for n in range(1, 11)],
            kdf=OWASP_FLOOR_KDF,
        )
        ctx = setup.context
        clerk = ServiceContext(ctx.database, Actor("clerk", Role.CLERK, "Clerk"), ctx.district_code)
        start = time.perf_counter()
        with ctx.database.writer(info={SESSION_ACTOR: "dpo"}) as session:
            people = bulk_insert(session, Person, people_rows(args.people))
        small = min(10_000, args.complaints)
        add_complaints(ctx, 0, small, people, rng)
        built = time.perf_counter() - start
        print(f"Built {args.people:,} people and {small:,} complaints in {built:.1f} s ({folder})")
        peak_small = report_export(clerk, folder, "small")[1] if small else 0
        if args.complaints > small:
            start = time.perf_counter()
            add_complaints(ctx, small, args.complaints - small, people, rng)
            print(f"Added {args.complaints - small:,} complaints in {time.perf_counter() - start:.1f} s")
            seconds, peak_large = report_export(clerk, folder, "large")
            verdict = "OK" if seconds < 10 else "SLOW"
            print(
                f"  {args.complaints:,} rows in {seconds:.2f} s (target < 10 s: {verdict}); peak memory "
                f"{peak_large / max(peak_small, 1):.2f}x the peak at {small:,} rows"
            )
        report_export(clerk, folder, "all", "people")
        if args.meetings:
            start = time.perf_counter()
            add_meetings(ctx, args.meetings)
            print(f"Added {args.meetings:,} meetings in {time.perf_counter() - start:.1f} s")
            report_export(clerk, folder, "all", "meetings")
        if args.import_rows:
            report_import(ctx, clerk, folder, args.import_rows)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  process peak RSS {rss:,.0f} MB (includes building the database)")
        ctx.database.dispose()
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
