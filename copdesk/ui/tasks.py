"""One small task runner: run a callable on a worker thread, get the result back on the GUI thread.

Modelled on Anki's ``QueryOp``::

    Task(lambda: service.count(request), parent=self).on_success(self._show_count).run()

Anything that can take more than ~100 ms (a search, a count, a login's key derivation, creating a district)
goes through here so the window never freezes. The callable must not touch widgets. Results and errors are
delivered through a queued signal to a relay object that lives on the GUI thread. When the ``parent`` widget
has been closed and deleted by then, the result is dropped.

Failures: a :class:`~copdesk.errors.CopdeskError` (something the user can act on) is shown in a plain message
box unless ``on_failure`` handles it; any other exception is a bug and goes to the log and the crash dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QWidget

from copdesk.errors import CopdeskError

T = TypeVar("T")
log = logging.getLogger("copdesk.ui.tasks")

#: Relays of tasks whose result has not been delivered yet (keeps them alive while the worker runs).
_pending: set[_Relay] = set()


class _Relay(QObject):
    """Lives on the GUI thread; the worker emits into it, Qt queues the call back to the GUI thread.

    The relay, not the worker, holds the callable and the task (and through them any widgets they refer to).
    Both are released here, on the GUI thread, when the result is delivered: a widget must never lose its last
    Python reference on a worker thread, or Qt would destroy it there.
    """

    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, task: Task[Any], op: Callable[[], Any]) -> None:
        # Owned by the application (C++), so it is deleted only by deleteLater() after its slot has run,
        # never by Python dropping its last reference while Qt is still delivering to it.
        super().__init__(QCoreApplication.instance())
        self._task: Task[Any] | None = task
        self.op: Callable[[], Any] | None = op
        self.succeeded.connect(self._deliver_success)
        self.failed.connect(self._deliver_failure)

    def _release(self) -> Task[Any]:
        _pending.discard(self)
        task, self._task, self.op = self._task, None, None
        assert task is not None
        return task

    @Slot(object)
    def _deliver_success(self, result: object) -> None:
        self._release()._succeeded(result)
        self.deleteLater()

    @Slot(object)
    def _deliver_failure(self, error: object) -> None:
        assert isinstance(error, BaseException)
        self._release()._failed(error)
        self.deleteLater()


class _Worker(QRunnable):
    def __init__(self, relay: _Relay) -> None:
        super().__init__()
        self._relay: _Relay | None = relay

    def run(self) -> None:
        """Runs on a pool thread; borrows the callable from the relay, which the GUI thread keeps alive."""
        relay, self._relay = self._relay, None
        assert relay is not None and relay.op is not None
        try:
            result = relay.op()
        except BaseException as exc:  # noqa: BLE001 - every failure is delivered to the GUI thread
            relay.failed.emit(exc)
        else:
            relay.succeeded.emit(result)


class Task(Generic[T]):
    """A callable to run off the GUI thread, with callbacks that run on it."""

    def __init__(self, op: Callable[[], T], *, parent: QWidget | None = None) -> None:
        self._op = op
        self._parent = parent
        self._on_success: Callable[[T], object] | None = None
        self._on_failure: Callable[[CopdeskError], object] | None = None
        self._on_done: Callable[[], object] | None = None

    def on_success(self, callback: Callable[[T], object]) -> Task[T]:
        """Call ``callback(result)`` on the GUI thread when the callable returns."""
        self._on_success = callback
        return self

    def on_failure(self, callback: Callable[[CopdeskError], object]) -> Task[T]:
        """Handle expected failures (``CopdeskError``) yourself instead of the default message box."""
        self._on_failure = callback
        return self

    def on_done(self, callback: Callable[[], object]) -> Task[T]:
        """Call ``callback()`` after success or failure (e.g. to enable buttons again)."""
        self._on_done = callback
        return self

    def run(self, pool: QThreadPool | None = None) -> None:
        """Start the task on ``pool`` (the application's global pool by default)."""
        relay = _Relay(self, self._op)
        _pending.add(relay)
        (pool or QThreadPool.globalInstance()).start(_Worker(relay))

    # -- delivered on the GUI thread ------------------------------------------------------------------
    def _parent_gone(self) -> bool:
        return self._parent is not None and not shiboken6.isValid(self._parent)

    def _succeeded(self, result: object) -> None:
        if self._parent_gone():
            return
        try:
            if self._on_success is not None:
                self._on_success(result)  # type: ignore[arg-type]
        finally:
            self._done()

    def _failed(self, error: BaseException) -> None:
        if self._parent_gone():
            if not isinstance(error, CopdeskError):
                from copdesk.diagnostics import crash_report_text

                report = crash_report_text(type(error), error, error.__traceback__)
                log.error("a background task failed after its window closed\n%s", report)
            return
        try:
            report_failure(error, self._parent, self._on_failure)
        finally:
            self._done()

    def _done(self) -> None:
        if self._on_done is not None:
            self._on_done()


def report_failure(
    error: BaseException,
    parent: QWidget | None,
    handler: Callable[[CopdeskError], object] | None = None,
) -> None:
    """Show an expected failure plainly (or pass it to ``handler``); send anything else to the crash dialog."""
    if isinstance(error, CopdeskError):
        if handler is not None:
            handler(error)
        else:
            from copdesk.ui.dialogs import show_error

            show_error(parent, error.message)
        return
    from copdesk.ui.crash_dialog import report_exception

    report_exception(error, parent)


def pending_tasks() -> int:
    """How many tasks have not delivered their result yet (tests wait for zero)."""
    return len(_pending)
