"""Python's cyclic garbage collector, run only on the GUI thread.

Left to itself, the collector runs on whichever thread happens to allocate, a task's worker thread included;
if a cycle it frees holds a Qt widget, the widget is destroyed on that thread and Qt may crash. Anki does the
same as this: automatic collection off, a timer on the GUI thread collecting instead.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

COLLECT_EVERY_MS = 1_000


class GuiThreadCollector(QObject):
    """Disables automatic collection and collects on a GUI-thread timer; ``stop()`` restores the default."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(COLLECT_EVERY_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()

    def collect(self) -> int:
        """Collect now (young generations often, everything when enough has piled up)."""
        threshold = gc.get_threshold()[0]
        if gc.get_count()[0] > threshold * 10:
            return gc.collect()
        return gc.collect(0)

    def stop(self) -> None:
        """Stop the timer and give collection back to Python."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
