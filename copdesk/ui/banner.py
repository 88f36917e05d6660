"""A strip across the top of the main window for something the user must not miss (a damaged database).

The banner stays until the window closes: it has no close button. It shows a bold headline, a sentence or two
of explanation, and optionally a button (e.g. "Details…").
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

from copdesk.ui.theme import ERROR_COLOUR

BANNER_STYLE = f"""
QFrame#banner {{ background: {ERROR_COLOUR}; border: none; }}
QFrame#banner QLabel {{ color: #ffffff; background: transparent; }}
QFrame#banner QLabel#bannerHeadline {{ font-weight: 600; }}
QFrame#banner QPushButton {{
    color: #ffffff; background: transparent; border: 1px solid #ffffff; border-radius: 3px; padding: 4px 14px;
}}
QFrame#banner QPushButton:hover {{ background: rgba(255, 255, 255, 0.18); }}
QFrame#banner QPushButton:focus {{ border-width: 2px; }}
"""


class Banner(QFrame):
    """A red strip with a warning icon, a headline and an explanation; hidden until :meth:`show_message`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setStyleSheet(BANNER_STYLE)
        self.setAccessibleName("Warning")

        self.icon = QLabel()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        self.icon.setPixmap(icon.pixmap(28, 28))
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.headline = QLabel()
        self.headline.setObjectName("bannerHeadline")
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.text = QLabel()
        self.text.setObjectName("bannerText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.button = QPushButton()
        self.button.hide()
        self._on_button: Callable[[], object] | None = None
        self.button.clicked.connect(self._button_clicked)

        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.headline)
        words.addWidget(self.text)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.setSpacing(12)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(words, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_message(
        self,
        headline: str,
        text: str,
        *,
        button: str | None = None,
        on_button: Callable[[], object] | None = None,
    ) -> None:
        """Show ``headline`` (bold) over ``text``, with a button calling ``on_button`` when ``button`` is given."""
        self.headline.setText(headline)
        self.text.setText(text)
        self.setAccessibleDescription(f"{headline} {text}")
        self._on_button = on_button
        self.button.setText(button or "")
        self.button.setVisible(button is not None)
        self.show()

    def _button_clicked(self) -> None:
        if self._on_button is not None:
            self._on_button()
