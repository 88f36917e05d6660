"""The complaints list on a district with a million complaints: first rows, scrolling, typing, memory.

    python bench/desk_list.py                           # reuses /tmp/big1m/district.db when it is there
    python bench/desk_list.py --db /tmp/big/district.db # any district made by bench/district_scale.py --keep
    python bench/desk_list.py --build /tmp/big1m        # build one (1,000,000 complaints, about 10 minutes)
    python bench/desk_list.py --build /tmp/big --complaints 100000 --people 20000

One process, ``QT_QPA_PLATFORM=offscreen``, the desk's own application (theme, garbage collector timer), signed
in as ``dpo`` (password ``bench-password``, as ``bench/district_scale.py`` makes it). It opens the real
``ComplaintsScreen`` at 1280×800 and prints, each with its target:

- first rows: from making the screen until the first page is loaded and the table has painted it, median of five
  openings, the first of them on a cold database (target under 300 ms); and when the count line is complete;
- scrolling to the middle and to the end: how long until those rows are painted, and how long each page query
  took (and on which thread);
- typing: ``QTest.keyClicks`` types ``motorcycle`` and then (as key events) ``موبائل فون`` into the search box,
  one character every 300 ms (slower than the 250 ms search delay, so every prefix is searched: the worst case),
  then waits for the results. Throughout the run a 10 ms ``QTimer`` records the longest gap of the GUI event
  loop: a gap is the time the window could not react (target: no gap over 100 ms while typing — the window
  never blocks);
- memory: the process's peak RSS (``ru_maxrss``) and current RSS (target under 300 MB).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # district_scale

DEFAULT_DB = Path("/tmp/big1m/district.db")
PASSWORD = "bench-password"
FIRST_ROWS_TARGET_MS = 300.0
GAP_TARGET_MS = 100.0
RSS_TARGET_MB = 300.0
TICK_MS = 10
OPENINGS = 5
TYPING_DELAY_MS = 300
SEARCHES = ("motorcycle", "موبائل فون")
WAIT_LIMIT_S = 60.0


def build_district(folder: Path, complaints: int, people: int) -> Path:
    """A district like ``bench/district_scale.py --keep`` makes (people and complaints only; dpo's password above)."""
    import random

    from district_scale import complaint_rows, complaint_search_values, person_rows

    from copdesk.models.complaints import Complaint
    from copdesk.models.organisation import Station
    from copdesk.models.people import Person
    from copdesk.services.setup import create_district
    from copdesk.storage.bulk import bulk_insert
    from copdesk.storage.keyslots import OWASP_FLOOR_KDF

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "district.db"
    setup = create_district(
        path,
        district_code="LHR",
        officer_username="dpo",
        officer_name="Bench DPO",
        officer_password=PASSWORD,
        stations=[f"Station {n}" for n in range(1, 11)],
        kdf=OWASP_FLOOR_KDF,
    )
    ctx = setup.context
    rng = random.Random(1)
    with ctx.read() as session:
        stations = [s.id for s in session.query(Station)]
    started = time.perf_counter()
    for batch in person_rows(people, rng):
        with ctx.write() as session:
            bulk_insert(session, Person, batch)
    for batch in complaint_rows(complaints, stations, rng):
        with ctx.write() as session:
            bulk_insert(session, Complaint, batch, search_values=complaint_search_values)
    ctx.database.dispose()
    print(f"built {complaints:,} complaints and {people:,} people in {time.perf_counter() - started:.0f} s: {path}")
    return path


def current_rss_mb() -> float:
    """The process's resident memory now, in MiB (Linux /proc; falls back to the peak elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return peak_rss_mb()


def peak_rss_mb() -> float:
    """The process's peak resident memory, in MiB (``ru_maxrss`` is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


class GapMonitor:
    """A 10 ms timer on the GUI thread that remembers the longest interval between its ticks, per phase."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.phase = "start"
        self.longest: dict[str, float] = {}
        self.where: dict[str, str] = {}
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._timer.start()

    @property
    def last_tick(self) -> float:
        """When the timer last ticked (perf_counter seconds)."""
        return self._last

    def _tick(self) -> None:
        now = time.perf_counter()
        gap = (now - self._last) * 1000
        self._last = now
        if gap > self.longest.get(self.phase, 0.0):
            self.longest[self.phase] = gap

    def start_phase(self, phase: str) -> None:
        """Attribute the following gaps to ``phase``."""
        self.phase = phase
        self.longest.setdefault(phase, 0.0)

    def stop(self) -> None:
        """Stop ticking."""
        self._timer.stop()


class GapExplainer:
    """``--explain``: a thread that samples the GUI thread's Python stack while the 10 ms tick is late."""

    def __init__(self, monitor: GapMonitor, late_ms: float = 60.0) -> None:
        self._monitor = monitor
        self._late = late_ms / 1000
        self._main = threading.main_thread().ident
        self.samples: dict[str, int] = {}
        self._running = True
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import traceback

        while self._running:
            time.sleep(0.02)
            if time.perf_counter() - self._monitor.last_tick < self._late:
                continue
            frame = sys._current_frames().get(self._main or 0)
            if frame is None:
                continue
            stack = traceback.extract_stack(frame)[-6:]
            where = " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(stack))
            key = f"[{self._monitor.phase}] {where}"
            self.samples[key] = self.samples.get(key, 0) + 1

    def report(self) -> None:
        """Print where the GUI thread was while the event loop was late, most frequent first."""
        self._running = False
        print("  where the GUI thread was while the event loop was late (20 ms samples):")
        for where, count in sorted(self.samples.items(), key=lambda item: -item[1])[:15]:
            print(f"    {count:4}× {where}")


class PageLog:
    """Wraps a source's ``page`` to time each query and note whether it ran on the GUI thread."""

    def __init__(self, source: Any) -> None:
        self.calls: list[tuple[int, float, bool]] = []
        page = source.page

        def timed_page(request: Any) -> Any:
            started = time.perf_counter()
            try:
                return page(request)
            finally:
                on_gui = threading.current_thread() is threading.main_thread()
                self.calls.append((request.offset, (time.perf_counter() - started) * 1000, on_gui))

        source.page = timed_page

    def since(self, mark: int) -> list[tuple[int, float, bool]]:
        """The calls made after the first ``mark`` calls."""
        return self.calls[mark:]


def wait_for(app: Any, condition: Callable[[], bool], what: str) -> None:
    """Run the event loop until ``condition()`` holds."""
    deadline = time.perf_counter() + WAIT_LIMIT_S
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit(f"gave up waiting for {what}")
        app.processEvents()
        time.sleep(0.001)


def row_loaded(model: Any, row: int) -> Callable[[], bool]:
    """A condition: the list has ``row`` and its page is in memory."""
    return lambda: model.rowCount() > row and model.is_row_loaded(row)


def search_shown(model: Any, text: str, reloads: list[int], *, rows: bool = False) -> Callable[[], bool]:
    """A condition: the list shows the search ``text``, its count has come (and with ``rows``, its first rows)."""
    return lambda: model.query.search == text and bool(reloads) and (not rows or model.is_row_loaded(0))


def describe_pages(calls: list[tuple[int, float, bool]]) -> str:
    """``"2 queries: 190, 210 ms (worker thread)"``."""
    if not calls:
        return "no query"
    times = ", ".join(f"{ms:.0f}" for _offset, ms, _gui in calls)
    threads = {"GUI thread" if gui else "worker thread" for _offset, _ms, gui in calls}
    return f"{len(calls)} page quer{'y' if len(calls) == 1 else 'ies'}: {times} ms ({', '.join(sorted(threads))})"


def type_text(widget: Any, text: str) -> float:
    """Type ``text`` one character every TYPING_DELAY_MS (the event loop runs in between); when the last key went.

    ``QTest.keyClicks`` types ASCII; other characters (Urdu) are sent as key events carrying the character, as
    an input method delivers them.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    last = time.perf_counter()
    for number, character in enumerate(text):
        if number:
            QTest.qWait(TYPING_DELAY_MS)
        if character.isascii():
            QTest.keyClicks(widget, character)
        else:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character))
        last = time.perf_counter()
    return last


def verdict(ok: bool) -> str:
    """``ok`` or ``MISSED``."""
    return "ok" if ok else "MISSED"


def main() -> int:
    """Run the benchmark; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help=f"district database to use (default {DEFAULT_DB} when present)")
    parser.add_argument("--build", type=Path, help="build a district in this folder first (it is kept)")
    parser.add_argument("--complaints", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--explain", action="store_true", help="sample the GUI thread's stack during long gaps")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    if args.build is not None:
        db_path = build_district(args.build, args.complaints, args.people)
    else:
        db_path = args.db or DEFAULT_DB
        if not db_path.exists():
            raise SystemExit(f"No district at {db_path}: pass --db, or --build DIR to make one.")

    from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool, QTimer
    from PySide6.QtWidgets import QAbstractItemView

    from copdesk.services.auth import login_district
    from copdesk.ui.app import create_application
    from copdesk.ui.complaints_screen import ComplaintsScreen

    app = create_application()
    context = login_district(db_path, "dpo", PASSWORD)
    monitor = GapMonitor()
    explainer = GapExplainer(monitor) if args.explain else None
    print(f"copdesk complaints list: {db_path} (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, offscreen)")

    class PaintWatch(QObject):
        """Notes when a paint of the table has finished while ``target()`` held (the rows were on screen)."""

        def __init__(self) -> None:
            super().__init__()
            self.target: Callable[[], bool] = lambda: False
            self.seen = False

        def expect(self, target: Callable[[], bool]) -> None:
            self.target, self.seen = target, False

        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint:
                QTimer.singleShot(0, self._painted)  # runs once this paint is over
            return False

        def _painted(self) -> None:
            if self.target():
                self.seen = True

        def painted_it(self) -> bool:
            return self.seen

    # -- first rows (the first opening finds the database cold; the median is over all openings) ---------------
    monitor.start_phase("open")
    first_rows: list[float] = []
    counts: list[float] = []
    open_pages: list[str] = []
    screen: Any = None
    for _opening in range(OPENINGS):
        if screen is not None:
            screen.close()
            screen.deleteLater()
            QThreadPool.globalInstance().waitForDone()
            app.processEvents()
        started = time.perf_counter()
        screen = ComplaintsScreen(context)
        pages = PageLog(screen.service)
        counted: list[str] = []
        screen.counted.connect(counted.append)
        screen.resize(1280, 800)
        model, table = screen.model, screen.table
        painter = PaintWatch()
        painter.expect(row_loaded(model, 0))
        table.viewport().installEventFilter(painter)
        screen.show()
        screen.shown()  # what the main window does when the screen is chosen
        wait_for(app, painter.painted_it, "the first rows painted")
        first_rows.append((time.perf_counter() - started) * 1000)
        open_pages.append(describe_pages(pages.since(0)))
        wait_for(app, partial(bool, counted), "the count (with the overdue count)")
        counts.append((time.perf_counter() - started) * 1000)
    first_rows_ms = statistics.median(first_rows)
    count_line = screen.count_label.text()
    total = model.rowCount()

    # -- scrolling ----------------------------------------------------------------------------------------------
    scrolls: list[tuple[str, float, str, float]] = []
    for label, row in (("middle", total // 2), ("end", total - 1)):
        monitor.start_phase(f"scroll {label}")
        mark = len(pages.calls)
        started = time.perf_counter()
        painter.expect(row_loaded(model, row))
        table.scrollTo(model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)
        wait_for(app, painter.painted_it, f"row {row:,} painted")
        elapsed = (time.perf_counter() - started) * 1000
        scrolls.append((label, elapsed, describe_pages(pages.since(mark)), monitor.longest[monitor.phase]))
    table.scrollToTop()

    # -- typing -------------------------------------------------------------------------------------------------
    typing: list[tuple[str, float, int, float]] = []
    screen.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
    for text in SEARCHES:
        wait_for(app, lambda: screen.count_label.text() != "Counting…", "the previous search")
        screen.search_box.clear()
        monitor.start_phase(f"typing {text}")
        reloads: list[int] = []
        screen.reloaded.connect(reloads.append)
        painter.expect(search_shown(model, text, reloads, rows=True))
        last_key = type_text(screen.search_box, text)
        wait_for(app, search_shown(model, text, reloads), f"the search {text!r}")
        if model.rowCount():
            wait_for(app, painter.painted_it, "the found rows painted")
        shown = (time.perf_counter() - last_key) * 1000
        screen.reloaded.disconnect(reloads.append)
        typing.append((text, monitor.longest[monitor.phase], model.rowCount(), shown))
    monitor.start_phase("end")
    monitor.stop()

    # -- report -------------------------------------------------------------------------------------------------
    print(f"  rows: {total:,} complaints")
    runs = ", ".join(f"{ms:.0f}" for ms in first_rows)
    print(
        f"  first rows painted:       {first_rows_ms:7.0f} ms median (target < {FIRST_ROWS_TARGET_MS:.0f} ms): "
        f"{verdict(first_rows_ms < FIRST_ROWS_TARGET_MS)}  [openings: {runs} ms; first opening: {open_pages[0]}; "
        f"longest event-loop gap {monitor.longest['open']:.0f} ms]"
    )
    print(f"  count line complete:      {statistics.median(counts):7.0f} ms median  ({count_line})")
    for label, elapsed, queries, gap in scrolls:
        print(
            f"  scroll to the {label + ':':<8}     {elapsed:7.0f} ms to painted rows  [{queries}; "
            f"longest event-loop gap {gap:.0f} ms: {verdict(gap <= GAP_TARGET_MS)}]"
        )
    for text, gap, found, shown in typing:
        print(
            f"  typing {text!r:<13} longest event-loop gap {gap:5.0f} ms (target ≤ {GAP_TARGET_MS:.0f} ms): "
            f"{verdict(gap <= GAP_TARGET_MS)}  [{found:,} found, rows shown {shown:.0f} ms after the last key]"
        )
    worst = max(gap for _text, gap, _found, _shown in typing)
    peak, now = peak_rss_mb(), current_rss_mb()
    print(
        f"  memory: peak RSS {peak:.0f} MiB, current RSS {now:.0f} MiB (target < {RSS_TARGET_MB:.0f} MB): "
        f"{verdict(peak < RSS_TARGET_MB)}"
    )
    page_times = [ms for _offset, ms, _gui in pages.calls]
    if page_times:
        print(
            f"  page queries: {len(page_times)}, median {statistics.median(page_times):.0f} ms, "
            f"longest {max(page_times):.0f} ms"
        )
    if explainer is not None:
        explainer.report()
    screen.close()
    screen.deleteLater()
    QThreadPool.globalInstance().waitForDone()
    app.processEvents()
    context.database.dispose()
    ok = first_rows_ms < FIRST_ROWS_TARGET_MS and worst <= GAP_TARGET_MS and peak < RSS_TARGET_MB
    return 0 if ok else 1


if __name__ == "__main__":
    code = main()
    # PySide6 6.12 on CPython 3.11 drops a reference to None or True on every call of a Qt method without a
    # result and on every emit(), and the interpreter may abort when it cleans up at exit: leave without it.
    sys.stdout.flush()
    os._exit(code)
