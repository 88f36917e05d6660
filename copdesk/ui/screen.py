"""The screens of the main window, and what the Records menu asks of them.

The main window knows screens only through this base class: New (Ctrl+N), Search (Ctrl+F), Save (Ctrl+S) and
Refresh (F5) are dispatched to the screen that is showing, and the window asks the screen before it closes so
unsaved changes are never lost silently.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStyle, QWidget


class Screen(QWidget):
    """A page of the main window (People, Settings...). Subclasses override what they support."""

    #: Stable key (used to remember the last screen).
    key: str = ""
    #: Name in the sidebar.
    title: str = ""
    #: Sidebar icon (a standard icon of the current style).
    icon: QStyle.StandardPixmap = QStyle.StandardPixmap.SP_FileIcon
    #: Which Records-menu actions make sense here.
    can_create: bool = False
    can_search: bool = False
    can_save: bool = False

    #: A short message for the status bar ("Saved Muhammad Ali", "3 accounts").
    status_message = Signal(str)

    def new_record(self) -> None:
        """Start a new record (Ctrl+N)."""

    def focus_search(self) -> None:
        """Put the cursor in the search box (Ctrl+F)."""

    def save(self) -> None:
        """Save the record being edited (Ctrl+S)."""

    def refresh(self) -> None:
        """Load the shown data again (F5)."""

    def shown(self) -> None:
        """Called each time the screen becomes the current one."""

    def has_unsaved_changes(self) -> bool:
        """True while something typed here has not been saved."""
        return False

    def maybe_close(self, proceed: Callable[[], None]) -> None:
        """Call ``proceed`` when the screen may be left (after asking about unsaved changes if any)."""
        proceed()
