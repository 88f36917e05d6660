"""Crash reports without personal data (Qt-free, so the CLI could use it too).

A report lists where the failure happened (files, lines, functions and the source lines there), the exception
types and the versions of Python, Qt and copdesk. It never holds local variable values, and it keeps an
exception's message only for exception types whose messages come from the code itself (an attribute or a name
that does not exist), never for types whose messages may quote data (``ValueError``, database errors...).
Whatever is kept is passed through :func:`copdesk.logs.scrub` as well.
"""

from __future__ import annotations

import platform
import sys
import traceback
from datetime import datetime
from importlib import metadata
from pathlib import Path
from types import TracebackType

from copdesk import __version__
from copdesk.logs import scrub
from copdesk.paths import logs_dir

#: Exception types whose messages name code (attributes, names, modules), not data.
CODE_MESSAGE_TYPES: tuple[type[BaseException], ...] = (
    AttributeError,
    NameError,
    ImportError,
    NotImplementedError,
    RecursionError,
    TypeError,
)
MESSAGE_LIMIT = 300


def _message_of(exc: BaseException) -> str:
    if not isinstance(exc, CODE_MESSAGE_TYPES):
        return "(message left out: it may contain personal data)"
    return scrub(str(exc))[:MESSAGE_LIMIT]


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and its causes, outermost last (the order Python prints them)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return list(reversed(seen))


def _frames(tb: TracebackType | None) -> list[str]:
    summary = traceback.StackSummary.extract(traceback.walk_tb(tb), capture_locals=False, lookup_lines=True)
    lines: list[str] = []
    for frame in summary:
        lines.append(f'  File "{_short_path(frame.filename)}", line {frame.lineno}, in {frame.name}')
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
    return lines


def _short_path(filename: str) -> str:
    """A source path without the user's home folder (which may carry a person's name)."""
    path = Path(filename)
    parts = path.parts
    for anchor in ("copdesk", "site-packages", "lib"):
        if anchor in parts:
            index = len(parts) - 1 - parts[::-1].index(anchor)
            return str(Path(*parts[index:]))
    return path.name


def _distribution_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def crash_report_text(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, *, now: datetime | None = None
) -> str:
    """A crash report for an unexpected exception: where it happened, never which data it was handling."""
    qt_version = _distribution_version("PySide6-Essentials") or _distribution_version("PySide6") or "not installed"
    exc.__traceback__ = exc.__traceback__ or tb
    lines = [
        "copdesk crash report",
        f"when: {(now or datetime.now().astimezone()).isoformat(timespec='seconds')}",
        f"copdesk: {__version__}",
        f"python: {platform.python_version()} ({sys.platform}, {platform.machine()})",
        f"qt (pyside6): {qt_version}",
        "",
        "No local variable values and no record contents are included in this report.",
        "",
    ]
    for index, link in enumerate(_chain(exc)):
        if index:
            lines += ["", "The exception above led to this one:", ""]
        lines.append("Traceback (most recent call last):")
        lines += _frames(link.__traceback__)
        lines.append(f"{type(link).__module__}.{type(link).__qualname__}: {_message_of(link)}")
    return "\n".join(lines) + "\n"


def save_crash_report(text: str, folder: Path | None = None, *, now: datetime | None = None) -> Path:
    """Write a crash report into the logs folder and return its path."""
    folder = folder or logs_dir()
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = folder / f"crash-{stamp}.txt"
    counter = 1
    while path.exists():
        counter += 1
        path = folder / f"crash-{stamp}-{counter}.txt"
    path.write_text(text, encoding="utf-8")
    return path
