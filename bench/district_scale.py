"""District database at national scale: build speed against raw sqlite3, and list/search/figures latency.

    python bench/district_scale.py                       # 1,000,000 complaints, 200,000 people, 50,000 meetings
    python bench/district_scale.py --complaints 100000   # a quicker run
    python bench/district_scale.py --keep /tmp/big       # keep the database (password of dpo: bench-password)

Prints: rows per second for copdesk's bulk path (SQLCipher, stamped, audited, FTS-indexed) and for raw
``executemany`` of the same rows into the same schema with the stdlib ``sqlite3`` (no encryption) and with
``sqlcipher3`` (encrypted), and the time of the first complaints page sorted by date, a page filtered by status and
month, a text search and the month's figures (targets: build at least 1/5 of raw sqlite3's speed; each query
under 100 ms).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from copdesk.domain.corpus import complaint_categories, load_corpus
from copdesk.domain.months import Month
from copdesk.models.committees import Committee
from copdesk.models.complaints import Complaint
from copdesk.models.meetings import Meeting
from copdesk.models.organisation import Station
from copdesk.models.people import Person
from copdesk.services.complaints import ComplaintService
from copdesk.services.figures import FiguresService
from copdesk.services.paging import PageRequest
from copdesk.services.setup import create_district
from copdesk.storage.bulk import bulk_insert
from copdesk.storage.engine import make_engine
from copdesk.storage.fts import search_text_of
from copdesk.storage.keyslots import OWASP_FLOOR_KDF
from copdesk.storage.migrate import upgrade

BATCH = 50_000
STATUSES = ["received", "assigned", "under_inquiry", "resolved", "closed", "closed", "closed", "closed"]
END = date(2026, 10, 31)
DAYS = 5 * 365


def complaint_rows(count: int, stations: list[uuid.UUID], rng: random.Random) -> Iterator[list[dict[str, Any]]]:
    """Complaint rows in batches, spread over five years, newest ending on END."""
    corpus = load_corpus()
    texts = [t["ur"] if "ur" in t and rng.random() < 0.2 else t["en"] for t in corpus["complaint_texts"]]
    places = [m["en"] for m in corpus["mohallas"]]
    categories = list(complaint_categories().values())
    counters: dict[int, int] = {}
    batch: list[dict[str, Any]] = []
    for n in range(count):
        received = END - timedelta(days=int(DAYS * (1 - n / count)))
        counters[received.year] = counters.get(received.year, 0) + 1
        category = categories[n % len(categories)]
        status = STATUSES[rng.randrange(len(STATUSES))] if received > END - timedelta(days=60) else "closed"
        resolved = received + timedelta(days=rng.randrange(1, 40)) if status in ("resolved", "closed") else None
        place = places[n % len(places)]
        batch.append(
            {
                "tracking_no": f"LHR/{received.year}/{counters[received.year]:06d}",
                "received_on": received,
                "channel": "walk_in",
                "complainant_person_id": None,
                "anonymous": True,
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


def complaint_search_values(row: dict[str, Any]) -> list[Any]:
    """What the complaint's search text is made of (as the model's __search_fields__, minus the person)."""
    return [row["tracking_no"], row["tracking_no"].rsplit("/", 1)[-1].lstrip("0"), row["description"], row["location"]]


def person_rows(count: int, rng: random.Random) -> Iterator[list[dict[str, Any]]]:
    """People rows in batches (some names in Urdu)."""
    corpus = load_corpus()
    batch: list[dict[str, Any]] = []
    for n in range(count):
        key = "ur" if rng.random() < 0.15 else "en"
        given = corpus["male_given"][n % len(corpus["male_given"])][key]
        family = corpus["family_names"][(n // 7) % len(corpus["family_names"])][key]
        batch.append(
            {
                "name": f"{given} {family}",
                "father_name": family,
                "gender": "male",
                "cnic": f"35202-{n:07d}-{n % 10}",
                "mobile": f"+9230{n % 10}{n:07d}",
                "address": "",
            }
        )
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def stamped(row: dict[str, Any], seq: int, search: list[Any]) -> dict[str, Any]:
    """The row as the raw baseline inserts it: every column already filled in."""
    now = datetime.now(UTC).replace(tzinfo=None)
    return {
        **row,
        "id": uuid.uuid4().hex,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "changed_by": "bench",
        "change_seq": seq,
        "deleted_at": None,
        "district_code": "LHR",
        "search_text": search_text_of(*search),
    }


def raw_insert(connect: Callable[[], Any], rows: list[dict[str, Any]]) -> float:
    """Seconds for one raw executemany of ``rows`` into the complaints table (one transaction)."""
    columns = list(rows[0])
    sql = f"INSERT INTO complaints ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    values = [tuple(str(v) if isinstance(v, uuid.UUID | date) else v for v in (r[c] for c in columns)) for r in rows]
    connection = connect()
    start = time.perf_counter()
    connection.execute("BEGIN")
    connection.executemany(sql, values)
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def timed(action: Callable[[], Any], repeat: int = 5) -> tuple[float, float]:
    """(first run, median of the following runs) in milliseconds."""
    start = time.perf_counter()
    action()
    first = (time.perf_counter() - start) * 1000
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        runs.append((time.perf_counter() - start) * 1000)
    return first, statistics.median(runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--meetings", type=int, default=50_000)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="copdesk-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1)
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
        with ctx.read() as session:
            stations = [s.id for s in session.query(Station)]

        print(
            f"copdesk district benchmark: {args.complaints:,} complaints, {args.people:,} people, "
            f"{args.meetings:,} meetings (Python {sys.version.split()[0]})"
        )
        start = time.perf_counter()
        for batch in person_rows(args.people, rng):
            with ctx.write() as session:
                bulk_insert(session, Person, batch)
        print(f"  people:     {args.people:>9,} rows in {time.perf_counter() - start:6.1f} s")

        start = time.perf_counter()
        with ctx.write() as session:
            committees = bulk_insert(
                session,
                Committee,
                [
                    {
                        "type": "dispute_resolution",
                        "name": f"Committee {n}",
                        "station_id": stations[n % len(stations)],
                        "notification_ref": "",
                        "formed_on": date(2020, 1, 1),
                        "dissolved_on": None,
                        "notes": "",
                    }
                    for n in range(500)
                ],
            )
        for offset in range(0, args.meetings, BATCH):
            with ctx.write() as session:
                bulk_insert(
                    session,
                    Meeting,
                    [
                        {
                            "committee_id": committees[n % len(committees)],
                            "held_on": END - timedelta(days=int(DAYS * (1 - n / args.meetings))),
                            "start_time": None,
                            "venue": "Thana",
                            "status": "closed",
                            "minutes": "Minutes.",
                            "closed_at": None,
                            "reopen_reason": "",
                        }
                        for n in range(offset, min(args.meetings, offset + BATCH))
                    ],
                )
        print(f"  meetings:   {args.meetings:>9,} rows in {time.perf_counter() - start:6.1f} s")

        # Baselines: the same rows into an identical schema, by raw executemany, plain and encrypted.
        plain_path = folder / "raw-plain.db"
        engine = make_engine(f"sqlite+pysqlite:///{plain_path}")
        upgrade(engine)
        engine.dispose()
        cipher_path = folder / "raw-cipher.db"
        shutil.copyfile(folder / "district.db", cipher_path)
        key = ctx.database.key
        assert key is not None

        def connect_cipher() -> Any:
            import sqlcipher3

            connection = sqlcipher3.connect(str(cipher_path), isolation_level=None)
            connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
            connection.execute("PRAGMA synchronous = FULL")
            return connection

        def connect_plain() -> Any:
            connection = sqlite3.connect(plain_path, isolation_level=None)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            return connection

        ours = plain = cipher = 0.0
        seq = 10**9
        for batch in complaint_rows(args.complaints, stations, rng):
            raw_rows = [stamped(row, seq + n, complaint_search_values(row)) for n, row in enumerate(batch)]
            seq += len(batch)
            plain += raw_insert(connect_plain, raw_rows)
            cipher += raw_insert(connect_cipher, raw_rows)
            start = time.perf_counter()
            with ctx.write() as session:
                bulk_insert(session, Complaint, batch, search_values=complaint_search_values)
            ours += time.perf_counter() - start
        n = args.complaints
        print(
            f"  complaints: {n:>9,} rows — copdesk {n / ours:9,.0f} rows/s ({ours:6.1f} s), "
            f"raw sqlite3 {n / plain:9,.0f} rows/s ({plain:6.1f} s), raw sqlcipher3 {n / cipher:9,.0f} rows/s"
        )
        ratio = plain / ours
        print(
            f"  build speed: {ratio:.2f} of raw sqlite3 executemany (target ≥ 0.20): {'ok' if ratio >= 0.2 else 'SLOW'}"
        )
        print(f"               {cipher / ours:.2f} of raw sqlcipher3 executemany into the same encrypted schema")
        print(f"  database size: {(folder / 'district.db').stat().st_size / 2**20:,.0f} MiB")

        complaints = ComplaintService(ctx)
        figures = FiguresService(ctx)
        month = str(Month.of(END))
        checks = {
            "first page, newest first": lambda: complaints.page(PageRequest(sort="received_on", descending=True)),
            "count of all complaints": lambda: complaints.count(PageRequest()),
            "page filtered by status + month": lambda: complaints.page(
                PageRequest(filters={"status": "under_inquiry", "month": month})
            ),
            "text search 'motorcycle'": lambda: complaints.page(PageRequest(search="motorcycle")),
            "text search Urdu 'چوری'": lambda: complaints.page(PageRequest(search="چوری")),
            "count for a text search": lambda: complaints.count(PageRequest(search="motorcycle")),
            f"figures of {month}": lambda: figures.for_month(month),
        }
        print("  query latency (first run / median of 5), target < 100 ms:")
        for label, action in checks.items():
            first, median = timed(action)
            verdict = "ok" if max(first, median) < 100 else "SLOW"
            print(f"    {label:<34} {first:7.1f} ms / {median:7.1f} ms  {verdict}")
        ctx.database.dispose()
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
