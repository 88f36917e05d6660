"""The desk's look: one plain style, one font, a few colours, used by every window."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QStyleFactory, QWidget

UI_FAMILY = "Noto Sans"
URDU_FAMILY = "Noto Nastaliq Urdu"
BASE_POINT_SIZE = 10

ERROR_COLOUR = "#b3261e"
WARNING_COLOUR = "#8a4b00"
OK_COLOUR = "#1e6b34"
MUTED_COLOUR = "#5f6368"

_STYLE_SHEET = f"""
QLabel[role="field-error"] {{ color: {ERROR_COLOUR}; }}
QLabel[role="field-warning"] {{ color: {WARNING_COLOUR}; }}
QLabel[role="field-ok"] {{ color: {OK_COLOUR}; }}
QLabel[role="muted"] {{ color: {MUTED_COLOUR}; }}
QLabel[role="heading"] {{ font-size: 15pt; font-weight: 600; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"], QPlainTextEdit[invalid="true"] {{
    border: 1px solid {ERROR_COLOUR};
}}
QListWidget#sidebar {{ border: none; background: palette(window); outline: 0; padding-top: 8px; }}
QListWidget#sidebar::item {{ padding: 8px 10px; }}
QStatusBar QLabel {{ padding: 0 8px; }}
QListWidget#sidebar::item:selected {{ background: palette(highlight); color: palette(highlighted-text); }}
"""


def apply_theme(app: QApplication) -> None:
    """Fusion style with a light palette, Noto Sans, and the desk's small style sheet (once per application)."""
    if app.property("copdesk_theme") is True:
        return
    app.setProperty("copdesk_theme", True)
    fusion = QStyleFactory.create("Fusion")
    if fusion is not None:
        app.setStyle(fusion)
        app.setPalette(fusion.standardPalette())
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#2f5d8a"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Link, QColor("#1f4e79"))
    app.setPalette(palette)
    font = QFont(UI_FAMILY, BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(_STYLE_SHEET)


def urdu_font(point_size: int = BASE_POINT_SIZE + 2) -> QFont:
    """The font Urdu names are shown in (Nastaliq, slightly larger than the Latin text beside it)."""
    return QFont(URDU_FAMILY, point_size)


def mono_font(point_size: int = BASE_POINT_SIZE) -> QFont:
    """A monospaced font for keys and codes that are copied by hand."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(point_size)
    return font


def set_role(label: QLabel, role: str) -> None:
    """Give a label one of the style sheet's roles (field-error, field-warning, field-ok, muted, heading)."""
    label.setProperty("role", role)
    _repolish(label)


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Mark an input as holding a value that breaks a rule (a red border)."""
    if widget.property("invalid") == invalid:
        return
    widget.setProperty("invalid", invalid)
    _repolish(widget)


def _repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
