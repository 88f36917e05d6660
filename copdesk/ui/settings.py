"""The desk's own small settings (window layout, last user name), typed, in one INI file.

They live in the per-user data folder (so tests, which redirect that folder, never touch real settings) and
hold no personal data: window geometry, the last screen and the last account name used to sign in.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings

from copdesk.paths import data_dir

SETTINGS_FILE = "desk.ini"


class DeskSettings:
    """Typed access to the desk's settings file."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or QSettings(str(data_dir() / SETTINGS_FILE), QSettings.Format.IniFormat)

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _text(self, key: str) -> str:
        value = self._settings.value(key, "")
        return value if isinstance(value, str) else ""

    @property
    def window_geometry(self) -> QByteArray | None:
        """The main window's saved geometry."""
        return self._bytes("window/geometry")

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._settings.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        """The main window's saved tool bar and dock state."""
        return self._bytes("window/state")

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self._settings.setValue("window/state", value)

    @property
    def last_screen(self) -> str:
        """The key of the screen that was open when the window was closed."""
        return self._text("window/screen")

    @last_screen.setter
    def last_screen(self, value: str) -> None:
        self._settings.setValue("window/screen", value)

    @property
    def last_username(self) -> str:
        """The account name last used to sign in (offered again in the login dialog)."""
        return self._text("login/username")

    @last_username.setter
    def last_username(self, value: str) -> None:
        self._settings.setValue("login/username", value)

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._settings.sync()
