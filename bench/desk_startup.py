"""Desk start-up: process start to the main window painted, against a bare PySide6 window, in the same run.

    python bench/desk_startup.py              # 5 runs of each (after one warm-up run of each)
    python bench/desk_startup.py --runs 9

(a) bare: a child process shows a QMainWindow holding a QTableView over a 10,000-row QAbstractTableModel;
(b) copdesk: a child process starts the desk the way ``copdesk.ui.app.run_desk`` does (logging, Qt message
handler, themed application, crash hook), signs in to a demo district as ``dpo`` (key derivation included; the
time a person takes to type the password is not), and shows the real ``MainWindow`` through the desk's
``DeskController.show_window`` — what ``app.py`` does after the sign-in;
(c) informative: the bare window of (a), shown after the sign-in of (b) — how much of copdesk's start is the
service layer (SQLAlchemy, the models, the migrations check, the key derivation) rather than window code.

Both children run this same script (only the standard library is imported before the child starts its work),
with ``QT_QPA_PLATFORM=offscreen`` and the same first-paint probe: an event filter on the top-level window sees
its first ``QEvent.Paint`` and a zero-delay timer started there fires once that whole repaint is done; the child
prints ``time.perf_counter()`` at that moment. The parent takes ``time.perf_counter()`` just before
``subprocess.run`` (the clock is system-wide: CLOCK_MONOTONIC on Linux, QueryPerformanceCounter on Windows), so
each figure runs from process start to the window painted. Runs alternate bare/copdesk so both see the same
machine. For copdesk the bench also prints when the first screen's background loads had delivered (informative).

The children start from compiled bytecode, as an installed desk does: the warm-up run of each writes it into a
temporary ``PYTHONPYCACHEPREFIX`` (the source tree may be run with ``PYTHONDONTWRITEBYTECODE``).

Target: copdesk's median at most 2× the bare window's median.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_RATIO = 2.0
#: The demo accounts' password (``copdesk.services.demo.DEMO_PASSWORD``; not imported: the desk does not load it).
DEMO_PASSWORD = "demo"
ROWS = 10_000
COLUMNS = 8
#: How long a child waits for its first screen's background loads after the paint (informative figure only).
SETTLE_TIMEOUT_S = 20.0


# --- the children -----------------------------------------------------------------------------------------------


def _watch_first_paint(window: Any, painted: Any) -> Any:
    """Call ``painted()`` once the window's first repaint has completed; returns the filter (keep it alive)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.seen = False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if not self.seen and event.type() == QEvent.Type.Paint:
                self.seen = True
                QTimer.singleShot(0, painted)  # runs after the rest of this repaint (children, flush)
            return False

    probe = FirstPaint()
    window.installEventFilter(probe)
    return probe


def bare_child(sign_in: Path | None = None) -> int:
    """A plain QMainWindow with a QTableView over a 10,000-row model; prints PAINTED <perf_counter>.

    With ``sign_in`` the child first signs in to that demo district as the desk does (SQLAlchemy, the models,
    the migrations check, the key derivation): the part of the desk's start that no window code can shorten.
    """
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    if sign_in is not None:
        from copdesk.services.auth import login_district

        login_district(sign_in, "dpo", DEMO_PASSWORD).database.dispose()

    class NumberModel(QAbstractTableModel):
        def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
            return 0 if parent.isValid() else ROWS

        def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
            return 0 if parent.isValid() else COLUMNS

        def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"Row {index.row() + 1:,} · {index.column() + 1}"
            return None

        def headerData(  # noqa: N802
            self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
        ) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"Column {section + 1}" if orientation == Qt.Orientation.Horizontal else str(section + 1)
            return None

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("bare")
    table = QTableView()
    model = NumberModel(table)
    table.setModel(model)
    window.setCentralWidget(table)
    window.resize(1280, 800)

    def painted() -> None:
        print(f"PAINTED {time.perf_counter():.6f}", flush=True)
        print(f"READY {time.perf_counter():.6f}", flush=True)
        app.quit()

    probe = _watch_first_paint(window, painted)
    window.show()
    app.exec()
    del probe
    return 0


def desk_child(db_path: Path) -> int:
    """The desk as ``run_desk`` starts it, signed in to ``db_path`` as dpo; prints PAINTED and READY times."""
    from PySide6.QtCore import QTimer, qInstallMessageHandler

    from copdesk.logs import configure_logging
    from copdesk.services.auth import login_district
    from copdesk.ui import app as desk_app
    from copdesk.ui import tasks
    from copdesk.ui.crash_dialog import install_excepthook

    configure_logging()
    qInstallMessageHandler(desk_app._qt_message)
    app = desk_app.create_application()
    install_excepthook()
    controller = desk_app.DeskController(db_path, quit_application=lambda: None)
    app.setQuitOnLastWindowClosed(False)
    context = login_district(db_path, desk_app.DEMO_USERNAME, DEMO_PASSWORD)  # what the sign-in task runs
    state: dict[str, Any] = {}

    def settled() -> None:
        if tasks.pending_tasks() == 0 or time.perf_counter() - state["painted"] > SETTLE_TIMEOUT_S:
            print(f"READY {time.perf_counter():.6f}", flush=True)
            app.quit()
            return
        QTimer.singleShot(5, settled)

    def painted() -> None:
        state["painted"] = time.perf_counter()
        print(f"PAINTED {state['painted']:.6f}", flush=True)
        window = controller.window
        title = window.current_screen().title if window is not None and window.screens else "-"
        print(f"SCREEN {title}", flush=True)
        settled()

    # show_window() builds the MainWindow and shows it; watch the first window shown from here on.
    original_show = desk_app.MainWindow.show

    def show_watched(window: Any) -> None:
        state["probe"] = _watch_first_paint(window, painted)
        original_show(window)

    desk_app.MainWindow.show = show_watched  # type: ignore[method-assign]
    controller.show_window(context)
    app.exec()
    window = controller.window
    if window is not None:
        window.hide()
    context.database.dispose()
    return 0


# --- the parent -------------------------------------------------------------------------------------------------


def build_demo_district(folder: Path) -> Path:
    """A demo district like the desk's own demo (one district, the setup wizard's number of months)."""
    from copdesk.services.demo import build_demo
    from copdesk.ui.setup_wizard import DEMO_MONTHS

    world = build_demo(folder / "demo", districts=1, months=DEMO_MONTHS)
    return world.district_databases[0]


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(seconds to the first paint, seconds to settled, first screen) of one child process, from its start."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"child {args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    marks: dict[str, str] = {}
    for line in done.stdout.splitlines():
        word, _, rest = line.partition(" ")
        marks[word] = rest
    return float(marks["PAINTED"]) - start, float(marks["READY"]) - start, marks.get("SCREEN", "")


def main() -> int:
    """Run the benchmark; exit 1 when the ratio misses the target."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", choices=["bare", "signin", "desk"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help="an existing demo district database (password demo)")
    args = parser.parse_args()
    if args.child is not None:
        if args.child == "desk":
            code = desk_child(args.db)
        else:
            code = bare_child(args.db if args.child == "signin" else None)
        # PySide6 6.12 on CPython 3.11 drops a reference to None or True on each Qt call without a result and
        # each emit(); the interpreter may then abort while cleaning up at exit. The figures are out: leave.
        sys.stdout.flush()
        os._exit(code)

    folder = Path(tempfile.mkdtemp(prefix="copdesk-startup-"))
    try:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "COPDESK_HOME": str(folder / "home")}
        # An installed desk starts from compiled bytecode: let the children keep theirs (the warm-up run writes
        # it) even where PYTHONDONTWRITEBYTECODE is set for the source tree.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
        os.environ["COPDESK_HOME"] = env["COPDESK_HOME"]
        db_path = args.db
        if db_path is None:
            started = time.perf_counter()
            db_path = build_demo_district(folder)
            print(f"demo district built in {time.perf_counter() - started:.1f} s: {db_path.name}")
        bare_args, desk_args = ["--child", "bare"], ["--child", "desk", "--db", str(db_path)]
        signin_args = ["--child", "signin", "--db", str(db_path)]
        print(f"copdesk desk start-up (Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, offscreen)")
        warm_bare, warm_desk = run_child(bare_args, env), run_child(desk_args, env)
        print(f"  warm-up run (not counted): bare {warm_bare[0] * 1000:.0f} ms, copdesk {warm_desk[0] * 1000:.0f} ms")
        run_child(signin_args, env)
        bare: list[float] = []
        desk: list[float] = []
        settled: list[float] = []
        floor: list[float] = []
        screen = ""
        for _ in range(args.runs):
            bare.append(run_child(bare_args, env)[0])
            painted, ready, screen = run_child(desk_args, env)
            desk.append(painted)
            settled.append(ready)
            floor.append(run_child(signin_args, env)[0])
        bare_median, desk_median = statistics.median(bare), statistics.median(desk)
        ratio = desk_median / bare_median

        def runs(values: list[float]) -> str:
            return ", ".join(f"{v * 1000:.0f}" for v in values)

        print(f"  bare PySide6 window, 10,000-row table: median {bare_median * 1000:6.0f} ms  (runs: {runs(bare)})")
        print(f"  copdesk main window painted:           median {desk_median * 1000:6.0f} ms  (runs: {runs(desk)})")
        print(
            f"  copdesk first screen ({screen}) loaded:  median {statistics.median(settled) * 1000:6.0f} ms  "
            "(background loads delivered; informative)"
        )
        floor_median = statistics.median(floor)
        print(
            f"  bare window after copdesk's sign-in:   median {floor_median * 1000:6.0f} ms  (runs: {runs(floor)}; "
            f"informative: {floor_median / bare_median:.2f}× the bare window before any desk window code)"
        )
        verdict = "ok" if ratio <= TARGET_RATIO else "SLOW"
        print(f"  ratio copdesk / bare: {ratio:.2f}× (target ≤ {TARGET_RATIO:.0f}×): {verdict}")
        return 0 if ratio <= TARGET_RATIO else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
