"""People: the list of members of the public, and the form to add or correct a person.

The form checks each field where it is typed (name, gender, CNIC, mobile) before anything is saved, warns as
soon as a typed CNIC already belongs to someone (looked up off the GUI thread), and asks before unsaved
changes are thrown away.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from copdesk.domain.identity import normalise_cnic, normalise_mobile, to_ascii_digits
from copdesk.errors import CopdeskError, ValidationError
from copdesk.models.people import Gender
from copdesk.services.context import ServiceContext
from copdesk.services.people import DuplicateCnic, PeopleService, PersonDraft, PersonView
from copdesk.ui.dialogs import confirm, show_error
from copdesk.ui.forms import FieldForm
from copdesk.ui.list_screen import ListScreen
from copdesk.ui.paged_model import Column
from copdesk.ui.spreadsheet_dialogs import (
    add_to_count_line,
    can_import,
    export_button,
    list_request,
    open_import_wizard,
)
from copdesk.ui.tasks import Task
from copdesk.ui.theme import set_role

GENDER_LABELS = {Gender.MALE: "Male", Gender.FEMALE: "Female", Gender.TRANSGENDER: "Transgender"}
MASK_CHARACTER = "•"
DUPLICATE_DELAY_MS = 300

PEOPLE_COLUMNS: tuple[Column[PersonView], ...] = (
    Column("Name", lambda p: p.name, sort_key="name", width=230),
    Column("Father's or husband's name", lambda p: p.father_name, width=230),
    Column("Gender", lambda p: GENDER_LABELS.get(p.gender, str(p.gender)), width=110),
    Column("CNIC", lambda p: p.cnic, width=160),
    Column("Mobile", lambda p: p.mobile, width=140),
    Column("Added", lambda p: p.created_at, sort_key="created_at"),
)


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in to_ascii_digits(text))


class PersonDialog(QDialog):
    """Add a person, or correct one; Save checks every field first and shows problems at the field."""

    saved = Signal(object)
    deleted = Signal(object)
    #: The user wants the existing record that holds the typed CNIC (a PersonView).
    open_existing = Signal(object)

    def __init__(
        self,
        service: PeopleService,
        person: PersonView | None = None,
        parent: QWidget | None = None,
        *,
        can_delete: bool = False,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.person = person
        self.duplicate: PersonView | None = None
        self._discard_confirmed = False
        self._lookup_generation = 0
        self._touched: set[str] = set()
        self.setWindowTitle("New person" if person is None else "Person")
        self.setMinimumWidth(640)

        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.father_name = QLineEdit()
        self.father_name.setMaxLength(120)
        self.gender = QComboBox()
        self.gender.setPlaceholderText("Choose…")
        for gender, label in GENDER_LABELS.items():
            self.gender.addItem(label, gender.value)
        self.gender.setCurrentIndex(-1)
        self.cnic = QLineEdit()
        self.cnic.setPlaceholderText("35202-1234567-1")
        self.cnic.setMaxLength(20)
        self.mobile = QLineEdit()
        self.mobile.setPlaceholderText("0300-1234567")
        self.mobile.setMaxLength(20)
        self.address = QPlainTextEdit()
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 16)

        self.form = FieldForm()
        self.form.add_field("name", "Name", self.name)
        self.form.add_field("father_name", "Father's or husband's name", self.father_name)
        self.form.add_field("gender", "Gender", self.gender)
        cnic_row = QWidget()
        cnic_layout = QHBoxLayout(cnic_row)
        cnic_layout.setContentsMargins(0, 0, 0, 0)
        cnic_layout.addWidget(self.cnic, 1)
        self.open_existing_button = QPushButton("Open that record")
        self.open_existing_button.hide()
        self.open_existing_button.clicked.connect(self._open_existing)
        cnic_layout.addWidget(self.open_existing_button)
        self.form.add_field("cnic", "CNIC", cnic_row, "Optional. 13 digits, with or without dashes.")
        self.form.add_field("mobile", "Mobile", self.mobile, "Optional.")
        self.form.add_field("address", "Address", self.address)

        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        set_role(self.notice, "field-warning")
        self.notice.hide()

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        bottom = QHBoxLayout()
        self.delete_button: QPushButton | None = None
        if person is not None and can_delete:
            self.delete_button = QPushButton("Delete…")
            self.delete_button.setAutoDefault(False)
            self.delete_button.clicked.connect(self.ask_delete)
            bottom.addWidget(self.delete_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        save_shortcut = QShortcut(QKeySequence("Ctrl+S"), self)
        save_shortcut.activated.connect(self.save)

        heading = QLabel("New person" if person is None else "Correct this person's details")
        set_role(heading, "heading")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.addWidget(heading)
        layout.addSpacing(4)
        layout.addLayout(self.form)
        layout.addWidget(self.notice)
        layout.addStretch(1)
        layout.addLayout(bottom)
        self.resize(700, 580)

        self._lookup_timer = QTimer(self)
        self._lookup_timer.setSingleShot(True)
        self._lookup_timer.setInterval(DUPLICATE_DELAY_MS)
        self._lookup_timer.timeout.connect(self._look_up_cnic)

        if person is not None:
            self._load(person)
        self._snapshot = self._values()
        self.name.textChanged.connect(lambda: self._changed("name"))
        self.gender.currentIndexChanged.connect(lambda: self._changed("gender"))
        self.cnic.textChanged.connect(self._cnic_changed)
        self.mobile.textChanged.connect(lambda: self._changed("mobile"))
        self.name.editingFinished.connect(lambda: self._touch("name"))
        self.cnic.editingFinished.connect(lambda: self._touch("cnic"))
        self.mobile.editingFinished.connect(lambda: self._touch("mobile"))

    # -- values -----------------------------------------------------------------------------------------
    def _load(self, person: PersonView) -> None:
        self.name.setText(person.name)
        self.father_name.setText(person.father_name)
        self.gender.setCurrentIndex(self.gender.findData(Gender(person.gender).value))
        self.cnic.setText(person.cnic)
        self.mobile.setText(person.mobile)
        self.address.setPlainText(person.address)
        if MASK_CHARACTER in person.cnic:
            self.cnic.setReadOnly(True)
            self.form.set_hint("cnic", "Only officers can see or change a CNIC; it is kept as it is.")
            self.notice.setText("This person's CNIC is hidden from your role; your other corrections are saved.")
            self.notice.show()

    def _values(self) -> tuple[str, ...]:
        return (
            self.name.text(),
            self.father_name.text(),
            str(self.gender.currentData() or ""),
            self.cnic.text(),
            self.mobile.text(),
            self.address.toPlainText(),
        )

    def draft(self) -> PersonDraft:
        """What the form holds, as a draft for the service."""
        return PersonDraft(
            name=self.name.text(),
            father_name=self.father_name.text(),
            gender=str(self.gender.currentData() or ""),
            cnic=None if MASK_CHARACTER in self.cnic.text() else (self.cnic.text() or None),
            mobile=self.mobile.text() or None,
            address=self.address.toPlainText(),
        )

    def is_dirty(self) -> bool:
        """True when something was typed that is not saved."""
        return self._values() != self._snapshot

    # -- checking as the user types --------------------------------------------------------------------
    def field_problem(self, field: str) -> str:
        """The rule the field's value breaks, or ''."""
        if field == "name":
            return "" if self.name.text().strip() else "Enter the person's name."
        if field == "gender":
            return "" if self.gender.currentIndex() >= 0 else "Choose male, female or transgender."
        if field == "cnic" and self.cnic.text().strip() and not self.cnic.isReadOnly():
            try:
                normalise_cnic(self.cnic.text())
            except ValidationError as error:
                return error.message
        if field == "mobile" and self.mobile.text().strip():
            try:
                normalise_mobile(self.mobile.text())
            except ValidationError as error:
                return error.message
        return ""

    def _touch(self, field: str) -> None:
        self._touched.add(field)
        self._check(field)

    def _changed(self, field: str) -> None:
        if field in self._touched or (field == "mobile" and _digits(self.mobile.text()) >= 11):
            self._check(field)
        elif not self.field_problem(field):
            self.form.clear(field)

    def _check(self, field: str) -> bool:
        problem = self.field_problem(field)
        if problem:
            self.form.set_error(field, problem)
        elif field != "cnic" or self.duplicate is None:
            self.form.clear(field)
        return not problem

    def validate(self) -> bool:
        """Check every field, show each problem at its field, focus the first; True when all are fine."""
        fields = ("name", "gender", "cnic", "mobile")
        self._touched.update(fields)
        results = [self._check(field) for field in fields]
        for field, ok in zip(fields, results, strict=True):
            if not ok:
                (self.cnic if field == "cnic" else self.form.input_of(field)).setFocus()
                return False
        return True

    def _cnic_changed(self) -> None:
        self.duplicate = None
        self.open_existing_button.hide()
        self._lookup_generation += 1
        text = self.cnic.text()
        if self.cnic.isReadOnly():
            return
        if _digits(text) >= 13 or "cnic" in self._touched:
            if self._check("cnic") and text.strip():
                self._lookup_timer.start()
            return
        self._lookup_timer.stop()
        if not self.field_problem("cnic"):
            self.form.clear("cnic")

    def _look_up_cnic(self) -> None:
        text = self.cnic.text()
        generation = self._lookup_generation
        service = self.service

        def found(holder: PersonView | None) -> None:
            if generation != self._lookup_generation:
                return
            if holder is None or (self.person is not None and holder.id == self.person.id):
                self.form.set_ok("cnic", "No one else has this CNIC.")
                return
            self.duplicate = holder
            self.form.set_warning(
                "cnic",
                f"This CNIC is already recorded for {holder.name}"
                + (f", {holder.father_name}" if holder.father_name else "")
                + ". Open that record instead of adding the person again.",
            )
            self.open_existing_button.show()

        Task(lambda: service.find_by_cnic(text), parent=self).on_success(found).run()

    def _open_existing(self) -> None:
        if self.duplicate is not None:
            self.open_existing.emit(self.duplicate)

    # -- saving -----------------------------------------------------------------------------------------
    def save(self) -> None:
        """Check the fields, then create or update the person off the GUI thread."""
        if not self.save_button.isEnabled():
            return
        if not self.validate():
            return
        draft = self.draft()
        try:
            draft.validated()
        except ValidationError as error:
            if not self.form.show_validation(error):
                show_error(self, error.message)
            return
        service, person = self.service, self.person

        def store() -> PersonView:
            if person is None:
                return service.create(draft)
            return service.update(person.id, person.version, draft, keep_cnic=MASK_CHARACTER in person.cnic)

        self.save_button.setEnabled(False)
        (
            Task(store, parent=self)
            .on_success(self._saved)
            .on_failure(self._save_failed)
            .on_done(self._enable_save)
            .run()
        )

    def _enable_save(self) -> None:
        self.save_button.setEnabled(self.person is None or MASK_CHARACTER not in self.person.cnic)

    def _saved(self, view: PersonView) -> None:
        self.person = view
        self._snapshot = self._values()
        self.saved.emit(view)
        self.accept()

    def _save_failed(self, error: CopdeskError) -> None:
        if isinstance(error, DuplicateCnic):
            self.duplicate = error.existing
            self.form.set_error("cnic", error.message)
            self.open_existing_button.show()
            return
        if isinstance(error, ValidationError) and self.form.show_validation(error):
            return
        show_error(self, error.message)

    def ask_delete(self) -> None:
        """Ask, then delete the person (soft delete: the record disappears from lists and searches)."""
        person = self.person
        if person is None:
            return
        service = self.service

        def delete() -> None:
            Task(lambda: service.delete(person.id), parent=self).on_success(lambda _none: self._deleted()).run()

        confirm(self, f"Delete {person.name}'s record?", delete, yes_text="Delete")

    def _deleted(self) -> None:
        assert self.person is not None
        self._snapshot = self._values()
        self.deleted.emit(self.person.id)
        self.accept()

    # -- closing ----------------------------------------------------------------------------------------
    def ask_discard(self, proceed: Callable[[], None]) -> None:
        """Call ``proceed`` now if nothing is unsaved, else after the user agrees to discard the changes."""
        if not self.is_dirty() or self._discard_confirmed:
            proceed()
            return

        def discard() -> None:
            self._discard_confirmed = True
            proceed()

        confirm(
            self,
            "This person's details have changed but are not saved. Discard the changes?",
            discard,
            yes_text="Discard changes",
            no_text="Keep editing",
        )

    def reject(self) -> None:
        """Cancel, Esc or the window's close button: ask first when there are unsaved changes."""
        self.ask_discard(super().reject)


class PeopleScreen(ListScreen):
    """Every member of the public recorded in the district, searchable by name, CNIC or mobile."""

    key = "people"
    title = "People"
    icon = QStyle.StandardPixmap.SP_DirHomeIcon

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        self.service = PeopleService(context)
        self.context = context
        self.can_create = context.can("person.create")
        super().__init__(
            self.service,
            PEOPLE_COLUMNS,
            search_placeholder="Search by name, father's name, CNIC or mobile",
            noun=("person", "people"),
            default_sort="name",
            parent=parent,
        )
        self.gender_filter = QComboBox()
        self.gender_filter.addItem("Everyone", None)
        for gender, label in GENDER_LABELS.items():
            self.gender_filter.addItem(label, gender.value)
        self.gender_filter.currentIndexChanged.connect(self.filters_changed)
        self.add_filter(self.gender_filter, "Gender")
        self.new_button = QPushButton("New person")
        self.new_button.setEnabled(self.can_create)
        self.new_button.clicked.connect(self.new_record)
        self.toolbar.addWidget(self.new_button)
        self.import_button = QPushButton("Import from Excel…")
        self.import_button.setToolTip("Add people from a clerk's spreadsheet (.xlsx or .xls)")
        self.import_button.setVisible(can_import(context, "people"))
        self.import_button.clicked.connect(self.import_people)
        self.toolbar.addWidget(self.import_button)
        self.export_button = export_button(self, context, "people", lambda: list_request(self))
        add_to_count_line(self, self.export_button)
        self.dialog: PersonDialog | None = None

    def import_people(self) -> QWidget:
        """Open the import wizard for people; the list loads again after an import."""
        return open_import_wizard(self, self.context, "people", on_imported=lambda _result: self.reload())

    def current_filters(self) -> dict[str, Any]:
        """The gender filter, when one is chosen."""
        gender = self.gender_filter.currentData()
        return {"gender": gender} if gender else {}

    def new_record(self) -> None:
        """Open an empty person form."""
        if self.can_create:
            self._show_dialog(None)

    def open_record(self, row: Any) -> None:
        """Load the person fresh (its current version) and open the form."""
        service = self.service
        Task(lambda: service.get(row.id), parent=self).on_success(self._show_dialog).run()

    def _open_dialog(self) -> PersonDialog | None:
        """The person form that is open now, if any."""
        dialog = self.dialog
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            return dialog
        return None

    def _show_dialog(self, person: PersonView | None) -> PersonDialog | None:
        current = self._open_dialog()
        if current is not None:
            current.raise_()
            current.activateWindow()
            return None
        dialog = PersonDialog(self.service, person, self, can_delete=self.context.can("person.delete"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._person_saved)
        dialog.deleted.connect(self._person_deleted)
        dialog.open_existing.connect(self._switch_to_existing)
        dialog.finished.connect(self._dialog_finished)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_finished(self, _result: int) -> None:
        self.dialog = None

    def _switch_to_existing(self, person: PersonView) -> None:
        current = self._open_dialog()
        if current is None:
            return

        def switch() -> None:
            current.done(QDialog.DialogCode.Rejected)
            self.open_record(person)

        current.ask_discard(switch)

    def _person_deleted(self, _person_id: object) -> None:
        self.status_message.emit("The record was deleted.")
        self.reload()

    def _person_saved(self, person: PersonView) -> None:
        self.status_message.emit(f"Saved {person.name}.")
        self.reload()

    def has_unsaved_changes(self) -> bool:
        """True while an open person form has unsaved changes."""
        dialog = self._open_dialog()
        return dialog is not None and dialog.is_dirty()

    def maybe_close(self, proceed: Callable[[], None]) -> None:
        """Ask about the open form's unsaved changes before leaving."""
        dialog = self._open_dialog()
        if dialog is None:
            proceed()
            return

        def close_and_proceed() -> None:
            dialog.done(QDialog.DialogCode.Rejected)
            proceed()

        dialog.ask_discard(close_and_proceed)
