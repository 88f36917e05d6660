"""How long printing one meeting's minutes takes (target: under 0.5 s).

    python bench/documents.py               # a large meeting in Urdu and in English, 10 runs each
    python bench/documents.py --runs 30

Prints the first run (fonts loaded, nothing cached) and the median of the following runs, for a meeting with 25
members, 12 agenda points, six paragraphs of minutes (about 3,000 characters), decisions, actions and disputes.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from copdesk.documents.minutes import write_minutes  # noqa: E402
from copdesk.services.meetings import AgendaItemView, MeetingView  # noqa: E402
from tests.documents import samples  # noqa: E402

TARGET_SECONDS = 0.5


def big_meeting(urdu: bool) -> MeetingView:
    """The sample meeting grown to the size of a busy committee's."""
    base = samples.urdu_meeting() if urdu else samples.english_meeting(6)
    members = tuple(
        replace(member, member_id=samples._id(5000 + index), name=f"{member.name} {index}")
        for index in range(4)
        for member in base.attendance
    )[:25]
    agenda = tuple(
        AgendaItemView(samples._id(6000 + index), index + 1, base.agenda[index % len(base.agenda)].text, None)
        for index in range(12)
    )
    minutes = "\n\n".join([base.minutes] * (2 if urdu else 1))
    return replace(base, attendance=members, agenda=agenda, minutes=minutes)


def measure(view: MeetingView, language: str, runs: int) -> tuple[float, float, int]:
    """Seconds of the first run and median seconds of the others; bytes of the PDF."""
    timings: list[float] = []
    size = 0
    for _ in range(runs + 1):
        out = io.BytesIO()
        started = time.perf_counter()
        write_minutes(view, out, language=language, office=samples.OFFICE, printed_on=samples.PRINTED_ON)
        timings.append(time.perf_counter() - started)
        size = len(out.getvalue())
    return timings[0], statistics.median(timings[1:]), size


def main() -> int:
    """Run the benchmark; exit 1 when a median misses the target."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="timed runs after the first (default 10)")
    args = parser.parse_args()
    ok = True
    for label, language, urdu in (("Urdu", "ur", True), ("English", "en", False)):
        first, median, size = measure(big_meeting(urdu), language, max(1, args.runs))
        verdict = "ok" if median < TARGET_SECONDS else "TOO SLOW"
        ok = ok and median < TARGET_SECONDS
        print(f"minutes in {label:<7}: first {first:.3f} s, median {median:.3f} s ({size // 1024} KiB) {verdict}")
    print(f"target: under {TARGET_SECONDS} s per document")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
