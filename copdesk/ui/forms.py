"""Form building blocks: fields that show their rule break right under the input, and a password pair.

Validation is shown at the field as the user types or when they press Save, in the same plain sentences the
services use (``ValidationError(message, field)``), so a clerk sees what to fix and where.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from copdesk.errors import CopdeskError, ValidationError
from copdesk.storage.keyslots import MIN_PASSWORD_LENGTH
from copdesk.ui.dialogs import confirm
from copdesk.ui.theme import set_invalid, set_role


@dataclass
class _Field:
    widget: QWidget
    message: QLabel
    #: The caption and the box holding input and message: referenced here so Python keeps them alive
    #: until the layout is put on a widget (QFormLayout.addRow does not take ownership of them).
    caption: QLabel
    box: QWidget


class FieldForm(QFormLayout):
    """A form layout whose fields each have a message line for errors, warnings and hints."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.setVerticalSpacing(6)
        self.setHorizontalSpacing(14)
        self._fields: dict[str, _Field] = {}
        self._hints: dict[str, str] = {}

    def add_field(self, name: str, label: str, widget: QWidget, hint: str = "") -> QWidget:
        """Add ``widget`` under ``name`` with a caption and an optional hint shown below it."""
        message = QLabel(hint)
        message.setWordWrap(True)
        set_role(message, "muted")
        message.setVisible(bool(hint))
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(message)
        caption = QLabel(label)
        caption.setBuddy(widget)
        self.addRow(caption, box)
        self._fields[name] = _Field(widget, message, caption, box)
        self._hints[name] = hint
        return widget

    def input_of(self, name: str) -> QWidget:
        """The input of a field."""
        return self._fields[name].widget

    def message(self, name: str) -> str:
        """The message shown under a field ('' when none)."""
        label = self._fields[name].message
        return label.text() if label.isVisible() or label.text() else ""

    def _show(self, name: str, text: str, role: str, invalid: bool) -> None:
        field = self._fields[name]
        field.message.setText(text)
        set_role(field.message, role)
        field.message.setVisible(bool(text))
        set_invalid(field.widget, invalid)

    def set_error(self, name: str, text: str) -> None:
        """Show a rule break under the field and mark the input red."""
        self._show(name, text, "field-error", True)

    def set_warning(self, name: str, text: str) -> None:
        """Show a warning under the field (the value may still be saved)."""
        self._show(name, text, "field-warning", False)

    def set_ok(self, name: str, text: str) -> None:
        """Show a positive note under the field."""
        self._show(name, text, "field-ok", False)

    def set_hint(self, name: str, text: str) -> None:
        """Show a neutral hint under the field."""
        self._show(name, text, "muted", False)

    def clear(self, name: str) -> None:
        """Back to the field's hint (or nothing)."""
        self._show(name, self._hints.get(name, ""), "muted", False)

    def clear_all(self) -> None:
        """Clear every field's message."""
        for name in self._fields:
            self.clear(name)

    def has_errors(self) -> bool:
        """True while any field shows an error."""
        return any(field.widget.property("invalid") is True for field in self._fields.values())

    def show_validation(self, error: ValidationError) -> bool:
        """Show a service's ValidationError at its field and focus it; False when the field is not here."""
        if error.field is None or error.field not in self._fields:
            return False
        self.set_error(error.field, error.message)
        self._fields[error.field].widget.setFocus()
        return True


def password_advice(password: str) -> tuple[str, str]:
    """How good a new password is: ``(level, message)`` where level is ``error``, ``warning`` or ``ok``."""
    if not password:
        return "error", f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) < MIN_PASSWORD_LENGTH:
        missing = MIN_PASSWORD_LENGTH - len(password)
        return "error", f"Too short: {missing} more character{'s' if missing != 1 else ''} needed."
    kinds = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if len(password) >= 14 or (len(password) >= 10 and kinds >= 3):
        return "ok", "Strong password."
    if kinds >= 2:
        return "ok", "Good password. A longer one is even safer."
    return "warning", "Easy to guess: use a longer password, or mix words with digits."


class PasswordFields(QObject):
    """A new password typed twice, as two rows of a :class:`FieldForm`.

    The first row says how strong the password is, the second whether both are the same.
    """

    changed = Signal()

    def __init__(
        self,
        form: FieldForm,
        parent: QObject,
        *,
        label: str = "Password",
        repeat_label: str = "Password again",
    ) -> None:
        super().__init__(parent)
        self.form = form
        self.first = QLineEdit()
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setPlaceholderText(f"At least {MIN_PASSWORD_LENGTH} characters")
        self.second = QLineEdit()
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setPlaceholderText("The same password again")
        form.add_field("password", label, self.first)
        form.add_field("repeat", repeat_label, self.second)
        self.first.textChanged.connect(self._check)
        self.second.textChanged.connect(self._check)
        self._check()

    def password(self) -> str:
        """The password typed (when :meth:`is_acceptable`)."""
        return self.first.text()

    def set_password(self, password: str) -> None:
        """Type the same password in both boxes."""
        self.first.setText(password)
        self.second.setText(password)

    def is_acceptable(self) -> bool:
        """True when the password is long enough and typed the same twice."""
        first = self.first.text()
        return len(first) >= MIN_PASSWORD_LENGTH and first == self.second.text()

    def clear(self) -> None:
        """Empty both boxes."""
        self.first.clear()
        self.second.clear()

    def _check(self) -> None:
        first, second = self.first.text(), self.second.text()
        level, advice = password_advice(first)
        if not first:
            self.form.set_hint("password", advice)
        elif level == "error":
            self.form.set_error("password", advice)
        elif level == "warning":
            self.form.set_warning("password", advice)
        else:
            self.form.set_ok("password", advice)
        if not second:
            self.form.clear("repeat")
        elif second != first:
            self.form.set_error("repeat", "The two passwords are not the same.")
        else:
            self.form.set_ok("repeat", "Both passwords are the same.")
        self.changed.emit()


class FormDialog(QDialog):
    """A small form whose OK button runs one service call in a task and closes when it succeeds.

    Subclasses fill ``self.form`` and implement :meth:`operation`, which returns the call to make (or None
    when a field is wrong, after showing why). Rule breaks the service reports are shown at their field;
    other expected failures in the dialog; the result is emitted as ``done_with``.
    """

    #: The operation's result, once it succeeded.
    done_with = Signal(object)

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None, intro: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(520)
        self.form = FieldForm()
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        set_role(self.error_label, "field-error")
        self.error_label.hide()
        self.buttons = QDialogButtonBox()
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel).clicked.connect(self.reject)
        self.ok_button.clicked.connect(self.submit)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(20, 16, 20, 14)
        if intro:
            label = QLabel(intro)
            label.setWordWrap(True)
            self.body.addWidget(label)
        self.body.addLayout(self.form)
        self.extra = QVBoxLayout()
        self.body.addLayout(self.extra)
        self.body.addWidget(self.error_label)
        self.body.addStretch(1)
        self.body.addWidget(self.buttons)

    def operation(self) -> Callable[[], object] | None:
        """The service call to run, or None (after showing the problem) when the form is not right."""
        raise NotImplementedError

    def show_problem(self, message: str) -> None:
        """Show a problem that belongs to no single field."""
        self.error_label.setText(message)
        self.error_label.show()

    def submit(self) -> None:
        """Run the operation off the GUI thread; close on success."""
        self.error_label.hide()
        op = self.operation()
        if op is None:
            return
        self.ok_button.setEnabled(False)
        from copdesk.ui.tasks import Task

        (
            Task(op, parent=self)
            .on_success(self._succeeded)
            .on_failure(self._failed)
            .on_done(lambda: self.ok_button.setEnabled(True))
            .run()
        )

    def _succeeded(self, result: object) -> None:
        self.done_with.emit(result)
        self.accept()

    def _failed(self, error: CopdeskError) -> None:
        if isinstance(error, ValidationError) and self.form.show_validation(error):
            return
        self.show_problem(error.message)


def index_of(combo: QComboBox, value: object) -> int:
    """The index of the item whose data equals ``value``, or -1.

    ``QComboBox.findData`` compares Python objects (such as UUIDs) by identity, so an equal id would not match.
    """
    for index in range(combo.count()):
        if combo.itemData(index) == value:
            return index
    return -1


class GuardedFormDialog(FormDialog):
    """A :class:`FormDialog` that asks before unsaved changes are thrown away and saves on Ctrl+S."""

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None, intro: str = "") -> None:
        super().__init__(title, ok_text, parent, intro)
        self._snapshot: tuple[object, ...] | None = None
        self._discard_confirmed = False
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.submit)

    def values(self) -> tuple[object, ...]:
        """What the form holds now (compared with the values it was opened with)."""
        return ()

    def mark_clean(self) -> None:
        """Take the current values as the saved ones."""
        self._snapshot = self.values()

    def is_dirty(self) -> bool:
        """True when something was changed and not saved."""
        return self._snapshot is not None and self.values() != self._snapshot

    def ask_discard(self, proceed: Callable[[], None]) -> None:
        """Call ``proceed`` now if nothing is unsaved, else once the user agrees to discard the changes."""
        if not self.is_dirty() or self._discard_confirmed:
            proceed()
            return

        def discard() -> None:
            self._discard_confirmed = True
            proceed()

        confirm(
            self,
            "Your changes in this form are not saved. Discard them?",
            discard,
            yes_text="Discard changes",
            no_text="Keep editing",
        )

    def reject(self) -> None:
        """Cancel, Esc or the close button: ask first when something is unsaved."""
        self.ask_discard(super().reject)

    def _succeeded(self, result: object) -> None:
        self.mark_clean()
        super()._succeeded(result)
