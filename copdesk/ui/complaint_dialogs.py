"""Complaint forms: the intake form for a walk-in complainant, and the small forms of each workflow step.

The intake form checks every field where it is typed, warns as soon as a typed CNIC already belongs to someone
(and offers to use that person), and shows the tracking number the moment the complaint is saved. The step
forms (assign, start the inquiry, resolve, refer, register an FIR, reject, close, feedback, reopen) each ask
only what the service needs and show its refusals at the field.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from copdesk.domain.complaint_workflow import ClosureCategory, ComplaintChannel, ComplaintStatus, due_date
from copdesk.domain.corpus import ComplaintCategory, complaint_categories
from copdesk.domain.identity import normalise_cnic, normalise_mobile, to_ascii_digits
from copdesk.errors import CopdeskError, ValidationError
from copdesk.models.people import Gender
from copdesk.services.complaints import ComplaintDraft, ComplaintService, ComplaintView
from copdesk.services.organisation import OfficerView, OrganisationService, StationView
from copdesk.services.paging import PageRequest
from copdesk.services.people import DuplicateCnic, PeopleService, PersonDraft, PersonView
from copdesk.ui.dialogs import confirm, show_error
from copdesk.ui.forms import FieldForm, FormDialog
from copdesk.ui.tasks import Task
from copdesk.ui.theme import OK_COLOUR, set_invalid, set_role

CHANNEL_LABELS: dict[ComplaintChannel, str] = {
    ComplaintChannel.WALK_IN: "Walk-in",
    ComplaintChannel.PHONE: "Phone",
    ComplaintChannel.WRITTEN: "Written application",
    ComplaintChannel.COMMITTEE_REFERRAL: "Committee referral",
    ComplaintChannel.OTHER: "Other",
}
CLOSURE_LABELS: dict[ClosureCategory, str] = {
    ClosureCategory.RELIEF_GRANTED: "Relief granted",
    ClosureCategory.PARTIAL_RELIEF: "Partial relief",
    ClosureCategory.NO_RELIEF: "No relief",
    ClosureCategory.REFERRED: "Referred elsewhere",
}
GENDER_LABELS = {Gender.MALE: "Male", Gender.FEMALE: "Female", Gender.TRANSGENDER: "Transgender"}
DATE_FORMAT = "dd MMM yyyy"
DISABLED_TEXT = "#bebebe"
LOOKUP_DELAY_MS = 300
SEARCH_DELAY_MS = 250
PICKER_ROWS = 25
SAME_STATION = "A complaint against a station must be handled by another station: choose another station to handle it."
ACCUSED_STATION_HINT = "Another station must handle this complaint."
NO_ACCUSED_STATION = "A complaint against the police must name the station complained about."


def category_text(category: ComplaintCategory) -> str:
    """``"Theft/burglary — چوری / نقب زنی"``: a category in both languages."""
    return f"{category.name_en} — {category.name_ur}"


def due_hint(category: ComplaintCategory, received_on: date) -> str:
    """``"To be resolved within 30 days: by 24 Dec 2026."``"""
    days = f"{category.due_days} day{'s' if category.due_days != 1 else ''}"
    return f"To be resolved within {days}: by {due_date(received_on, category.due_days):%d %b %Y}."


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in to_ascii_digits(text))


def _to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def date_edit(today: date) -> QDateEdit:
    """A date box with a calendar, written like ``25 Nov 2026``, that cannot go past today."""
    edit = QDateEdit(_qdate(today))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setMaximumDate(_qdate(today))
    edit.setMinimumDate(QDate(2000, 1, 1))
    return edit


def person_line(person: PersonView) -> str:
    """``"Muhammad Ali (Ghulam Rasool) · 35202-1234567-1 · 0300-1234567"``"""
    parts = [person.name + (f" ({person.father_name})" if person.father_name else "")]
    parts += [value for value in (person.cnic, person.mobile) if value]
    return " · ".join(parts)


def index_of(combo: QComboBox, value: object) -> int:
    """The index of the item whose data is ``value`` (findData cannot compare Python objects such as UUIDs)."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


def station_combo(stations: Sequence[StationView], empty: str = "Choose…") -> QComboBox:
    """A combo box of stations with nothing chosen."""
    combo = QComboBox()
    combo.setPlaceholderText(empty)
    for station in stations:
        combo.addItem(station.name, station.id)
    combo.setCurrentIndex(-1)
    return combo


# --- the complainant ---------------------------------------------------------------------------------------


class NewComplainantFields(QWidget):
    """A new complainant's details, checked at each field; a CNIC already recorded is offered for use."""

    #: The user wants the already-recorded person holding the typed CNIC (a PersonView).
    use_existing = Signal(object)

    def __init__(self, people: PeopleService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.people = people
        self.duplicate: PersonView | None = None
        self._touched: set[str] = set()
        self._generation = 0
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
        self.address = QLineEdit()
        self.address.setMaxLength(500)
        self.use_button = QPushButton("Use this person")
        self.use_button.setAutoDefault(False)
        self.use_button.hide()
        self.use_button.clicked.connect(self._use_existing)

        self.form = FieldForm()
        self.form.setContentsMargins(0, 4, 0, 0)
        self.form.setFieldGrowthPolicy(FieldForm.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.form)
        column.addStretch(1)
        self.form.add_field("name", "Name", self.name)
        self.form.add_field("father_name", "Father's or husband's name", self.father_name)
        self.form.add_field("gender", "Gender", self.gender)
        cnic_row = QWidget()
        cnic_layout = QHBoxLayout(cnic_row)
        cnic_layout.setContentsMargins(0, 0, 0, 0)
        cnic_layout.addWidget(self.cnic, 1)
        cnic_layout.addWidget(self.use_button)
        self.form.add_field("cnic", "CNIC", cnic_row, "Optional. 13 digits, with or without dashes.")
        self.form.add_field("mobile", "Mobile", self.mobile, "Optional.")
        self.form.add_field("address", "Address", self.address)

        self._lookup_timer = QTimer(self)
        self._lookup_timer.setSingleShot(True)
        self._lookup_timer.setInterval(LOOKUP_DELAY_MS)
        self._lookup_timer.timeout.connect(self._look_up_cnic)
        self.name.textChanged.connect(lambda: self._changed("name"))
        self.gender.currentIndexChanged.connect(lambda: self._changed("gender"))
        self.mobile.textChanged.connect(lambda: self._changed("mobile"))
        self.cnic.textChanged.connect(self._cnic_changed)
        for field, widget in (("name", self.name), ("cnic", self.cnic), ("mobile", self.mobile)):
            widget.editingFinished.connect(lambda field=field: self._touch(field))

    def values(self) -> tuple[str, ...]:
        """What is typed (to notice unsaved changes)."""
        return (
            self.name.text(),
            self.father_name.text(),
            str(self.gender.currentData() or ""),
            self.cnic.text(),
            self.mobile.text(),
            self.address.text(),
        )

    def draft(self) -> PersonDraft:
        """The new person, as the service takes it."""
        return PersonDraft(
            name=self.name.text(),
            father_name=self.father_name.text(),
            gender=str(self.gender.currentData() or ""),
            cnic=self.cnic.text() or None,
            mobile=self.mobile.text() or None,
            address=self.address.text(),
        )

    def clear_fields(self) -> None:
        """Empty every field and message."""
        for edit in (self.name, self.father_name, self.cnic, self.mobile, self.address):
            edit.clear()
        self.gender.setCurrentIndex(-1)
        self._touched.clear()
        self.duplicate = None
        self.use_button.hide()
        self.form.clear_all()

    def field_problem(self, field: str) -> str:
        """The rule the field's value breaks, or ''."""
        if field == "name":
            return "" if self.name.text().strip() else "Enter the complainant's name."
        if field == "gender":
            return "" if self.gender.currentIndex() >= 0 else "Choose male, female or transgender."
        checks = {"cnic": (self.cnic, normalise_cnic), "mobile": (self.mobile, normalise_mobile)}
        if field in checks:
            edit, normalise = checks[field]
            if edit.text().strip():
                try:
                    normalise(edit.text())
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
        """Check every field, show each problem at its field and focus the first; True when all are fine."""
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
        self.use_button.hide()
        self._generation += 1
        if _digits(self.cnic.text()) >= 13 or "cnic" in self._touched:
            if self._check("cnic") and self.cnic.text().strip():
                self._lookup_timer.start()
            return
        self._lookup_timer.stop()
        if not self.field_problem("cnic"):
            self.form.clear("cnic")

    def _look_up_cnic(self) -> None:
        text, generation, people = self.cnic.text(), self._generation, self.people

        def found(holder: PersonView | None) -> None:
            if generation != self._generation:
                return
            if holder is None:
                self.form.set_ok("cnic", "No one else has this CNIC.")
                return
            self.show_duplicate(holder, error=False)

        Task(lambda: people.find_by_cnic(text), parent=self).on_success(found).run()

    def show_duplicate(self, holder: PersonView, *, error: bool) -> None:
        """Say the CNIC belongs to ``holder`` already and offer to use that person."""
        self.duplicate = holder
        who = holder.name + (f" ({holder.father_name})" if holder.father_name else "")
        text = f"This CNIC is already recorded for {who}. Use that person as the complainant."
        if error:
            self.form.set_error("cnic", text)
        else:
            self.form.set_warning("cnic", text)
        self.use_button.show()

    def _use_existing(self) -> None:
        if self.duplicate is not None:
            self.use_existing.emit(self.duplicate)


class ComplainantPicker(QWidget):
    """Find a person already recorded (by name, CNIC or mobile) and choose them as the complainant."""

    chosen = Signal(object)
    #: A search finished (tests wait for it); the number of people shown.
    searched = Signal(int)

    def __init__(self, people: PeopleService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.people = people
        self.person: PersonView | None = None
        self._found: list[PersonView] = []
        self._generation = 0
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Type a name, CNIC or mobile number")
        self.search_box.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMinimumHeight(120)
        self.results.setUniformItemSizes(True)
        self.status = QLabel("Search for the complainant, then choose them from the list.")
        self.status.setWordWrap(True)
        set_role(self.status, "muted")
        self.chosen_label = QLabel("")
        self.chosen_label.setWordWrap(True)
        self.chosen_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.search_box)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.chosen_label)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search_box.textChanged.connect(self._timer.start)
        self.search_box.returnPressed.connect(self.run_search)
        self.results.currentRowChanged.connect(self._row_chosen)

    def run_search(self) -> None:
        """Look the typed text up among the people (off the GUI thread)."""
        self._timer.stop()
        self._generation += 1
        generation, text, people = self._generation, self.search_box.text().strip(), self.people
        if len(text) < 2:
            self._show([], "Type at least two letters or digits.")
            self.searched.emit(0)
            return

        def found(rows: list[PersonView]) -> None:
            if generation != self._generation:
                return
            if rows:
                more = " (showing the first 25: type more to narrow it)" if len(rows) == PICKER_ROWS else ""
                self._show(rows, f"{len(rows)} {'person' if len(rows) == 1 else 'people'} found{more}.")
            else:
                self._show([], "No one found. Choose 'New person' to add the complainant.")
            self.searched.emit(len(rows))

        request = PageRequest(limit=PICKER_ROWS, search=text)
        Task(lambda: list(people.page(request).rows), parent=self).on_success(found).run()

    def _show(self, rows: list[PersonView], status: str) -> None:
        self._found = rows
        self.results.blockSignals(True)
        self.results.clear()
        self.results.addItems([person_line(person) for person in rows])
        self.results.blockSignals(False)
        self.status.setText(status)

    def _row_chosen(self, row: int) -> None:
        if 0 <= row < len(self._found):
            self.choose(self._found[row])

    def choose(self, person: PersonView) -> None:
        """Make ``person`` the complainant."""
        self.person = person
        self.chosen_label.setText(f"Complainant: {person_line(person)}")
        set_role(self.chosen_label, "field-ok")
        self.chosen.emit(person)

    def clear_choice(self) -> None:
        """Forget the search and the chosen person."""
        self.person = None
        self.search_box.clear()
        self._show([], "Search for the complainant, then choose them from the list.")
        self.chosen_label.setText("")


# --- intake ---------------------------------------------------------------------------------------------------


class RegisteredBanner(QFrame):
    """The tracking number of the complaint just registered, with Copy and New complaint buttons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("registeredBanner")
        self.setStyleSheet(
            f"QFrame#registeredBanner {{ background: #e8f4ec; border: 1px solid #a8d2b4; border-radius: 6px; }}"
            f"QFrame#registeredBanner QLabel {{ background: transparent; border: none; color: {OK_COLOUR}; }}"
        )
        self.caption = QLabel("Complaint registered. Tracking number:")
        self.tracking_no = QLabel("")
        self.tracking_no.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.tracking_no.font()
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        self.tracking_no.setFont(font)
        self.note = QLabel("Give this number to the complainant.")
        self.copy_button = QPushButton("Copy")
        self.copy_button.setAutoDefault(False)
        self.new_button = QPushButton("New complaint")
        self.new_button.setAutoDefault(False)
        #: Shown by the screen when the user may print (it opens the receipt's print preview).
        self.print_button = QPushButton("Print receipt…")
        self.print_button.setAutoDefault(False)
        self.print_button.hide()
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.caption)
        words.addWidget(self.tracking_no)
        words.addWidget(self.note)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 10, 16, 10)
        layout.addLayout(words, 1)
        layout.addWidget(self.copy_button)
        layout.addWidget(self.print_button)
        layout.addWidget(self.new_button)
        self.copy_button.clicked.connect(self.copy)

    def show_number(self, tracking_no: str) -> None:
        """Show the new tracking number."""
        self.tracking_no.setText(tracking_no)
        self.copy_button.setText("Copy")
        self.show()

    def copy(self) -> None:
        """Put the tracking number on the clipboard."""
        QGuiApplication.clipboard().setText(self.tracking_no.text())
        self.copy_button.setText("Copied")


COMPLAINANT_MODES = ("new", "existing", "anonymous")


class IntakeDialog(QDialog):
    """Register a complaint; the tracking number is shown the moment it is saved, ready for the next one."""

    #: The complaint was registered (a ComplaintView).
    saved = Signal(object)

    def __init__(
        self,
        complaints: ComplaintService,
        people: PeopleService,
        stations: Sequence[StationView],
        today: date,
        parent: QWidget | None = None,
        *,
        station_id: uuid.UUID | None = None,
    ) -> None:
        super().__init__(parent)
        self.complaints = complaints
        self.today = today
        self.registered: ComplaintView | None = None
        self._discard_confirmed = False
        self._touched: set[str] = set()
        self.setWindowTitle("New complaint")
        self.categories = complaint_categories()

        self.channel = QComboBox()
        for channel, label in CHANNEL_LABELS.items():
            self.channel.addItem(label, channel.value)
        self.received_on = date_edit(today)
        self.category = QComboBox()
        self.category.setPlaceholderText("Choose…")
        for category in self.categories.values():
            self.category.addItem(category_text(category), category.code)
        self.category.setCurrentIndex(-1)
        self.station = station_combo(stations)
        if station_id is not None:
            self.station.setCurrentIndex(index_of(self.station, station_id))
        self.location = QLineEdit()
        self.location.setMaxLength(500)
        self.location.setPlaceholderText("Mohallah, street or landmark")
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setPlaceholderText("What happened, when and where, in the complainant's words")
        self.description.setFixedHeight(self.fontMetrics().lineSpacing() * 5 + 16)
        self.against_police = QCheckBox("The complaint is against the police")
        self.against_station = station_combo(stations)
        self.against_station.setEnabled(False)

        self.form = FieldForm()
        self.form.add_field("channel", "Received by", self.channel)
        self.form.add_field("received_on", "Received on", self.received_on)
        self.form.add_field("category", "Category", self.category)
        self.form.add_field("station_id", "Handled by station", self.station)
        self.form.add_field("location", "Location", self.location)
        self.form.add_field("description", "Description", self.description)
        self.form.add_field("against_police", "", self.against_police)
        self.form.add_field("against_station_id", "Station complained about", self.against_station)
        self.form.setFieldGrowthPolicy(FieldForm.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        complaint_box = QGroupBox("Complaint")
        complaint_layout = QVBoxLayout(complaint_box)
        complaint_layout.addLayout(self.form)
        complaint_layout.addStretch(1)

        self.new_person = NewComplainantFields(people)
        self.picker = ComplainantPicker(people)
        anonymous_note = QLabel(
            "The complainant's name and details are not recorded. The complaint is registered and followed "
            "up like any other."
        )
        anonymous_note.setWordWrap(True)
        anonymous_note.setAlignment(Qt.AlignmentFlag.AlignTop)
        set_role(anonymous_note, "muted")
        self.complainant_pages = QStackedWidget()
        for page in (self.new_person, self.picker, anonymous_note):
            self.complainant_pages.addWidget(page)
        self.mode_buttons = QButtonGroup(self)
        modes = QHBoxLayout()
        for number, text in enumerate(("New person", "Already recorded", "Anonymous")):
            button = QRadioButton(text)
            self.mode_buttons.addButton(button, number)
            modes.addWidget(button)
        modes.addStretch(1)
        self.mode_buttons.button(0).setChecked(True)
        self.complainant_message = QLabel("")
        self.complainant_message.setWordWrap(True)
        set_role(self.complainant_message, "field-error")
        self.complainant_message.hide()
        complainant_box = QGroupBox("Complainant")
        complainant_layout = QVBoxLayout(complainant_box)
        complainant_layout.addLayout(modes)
        complainant_layout.addWidget(self.complainant_pages, 1)
        complainant_layout.addWidget(self.complainant_message)

        self.banner = RegisteredBanner()
        self.banner.hide()
        self.banner.new_button.clicked.connect(self.new_complaint)

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("Register complaint", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save)
        keys = QLabel("Ctrl+S registers the complaint.")
        set_role(keys, "muted")
        bottom = QHBoxLayout()
        bottom.addWidget(keys)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        heading = QLabel("New complaint")
        set_role(heading, "heading")
        self.columns = QWidget()
        # Greyed out once registered, the messages under the fields too.
        self.columns.setStyleSheet(f"QLabel[role]:disabled {{ color: {DISABLED_TEXT}; }}")
        columns = QHBoxLayout(self.columns)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(14)
        columns.addWidget(complaint_box, 11)
        columns.addWidget(complainant_box, 9)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(self.banner)
        layout.addWidget(self.columns, 1)
        layout.addLayout(bottom)
        self.resize(1040, 640)

        self.mode_buttons.idClicked.connect(self.set_mode)
        self.new_person.use_existing.connect(self.use_person)
        self.picker.chosen.connect(lambda _person: self._show_complainant_problem(""))
        self.category.currentIndexChanged.connect(self._category_changed)
        self.received_on.dateChanged.connect(self._category_changed)
        self.description.textChanged.connect(lambda: self._changed("description"))
        self.station.currentIndexChanged.connect(self._stations_changed)
        self.against_station.currentIndexChanged.connect(self._stations_changed)
        self.against_police.toggled.connect(self._against_toggled)
        self._snapshot = self._values()
        self.channel.setFocus()

    # -- values -----------------------------------------------------------------------------------------
    def mode(self) -> str:
        """``new``, ``existing`` or ``anonymous``: how the complainant is given."""
        return COMPLAINANT_MODES[max(0, self.mode_buttons.checkedId())]

    def set_mode(self, number: int) -> None:
        """Show the complainant page for ``new`` (0), ``existing`` (1) or ``anonymous`` (2)."""
        self.mode_buttons.button(number).setChecked(True)
        self.complainant_pages.setCurrentIndex(number)
        self._show_complainant_problem("")
        if number == 1:
            self.picker.search_box.setFocus()

    def use_person(self, person: PersonView) -> None:
        """Take an already-recorded person as the complainant (from the duplicate CNIC warning)."""
        self.set_mode(1)
        self.picker.choose(person)

    def _values(self) -> tuple[object, ...]:
        return (
            self.category.currentIndex(),
            self.location.text(),
            self.description.toPlainText(),
            self.against_police.isChecked(),
            self.mode(),
            self.new_person.values(),
            self.picker.person.id if self.picker.person else None,
        )

    def is_dirty(self) -> bool:
        """True when something typed has not been registered."""
        return self.registered is None and self._values() != self._snapshot

    def selected_category(self) -> ComplaintCategory | None:
        """The chosen category, if any."""
        code = self.category.currentData()
        return self.categories.get(code) if code else None

    def draft(self) -> ComplaintDraft:
        """What the form holds, as the service takes it (check :meth:`validate` first)."""
        mode = self.mode()
        person = self.picker.person
        return ComplaintDraft(
            received_on=_to_date(self.received_on.date()),
            channel=str(self.channel.currentData()),
            category=str(self.category.currentData() or ""),
            description=self.description.toPlainText(),
            station_id=self.station.currentData(),
            location=self.location.text(),
            complainant_person_id=person.id if mode == "existing" and person is not None else None,
            new_complainant=self.new_person.draft() if mode == "new" else None,
            anonymous=mode == "anonymous",
            against_police=self.against_police.isChecked(),
            against_station_id=self.against_station.currentData() if self.against_police.isChecked() else None,
        )

    # -- checking as the user types --------------------------------------------------------------------
    def field_problem(self, field: str) -> str:
        """The rule the field's value breaks, or ''."""
        if field == "category":
            return "" if self.selected_category() else "Choose a complaint category from the list."
        if field == "station_id":
            return "" if self.station.currentIndex() >= 0 else "Choose a police station from the list."
        if field == "description":
            return "" if self.description.toPlainText().strip() else "Enter the description of the complaint."
        if field == "against_station_id" and self.against_police.isChecked():
            if self.against_station.currentIndex() < 0:
                return NO_ACCUSED_STATION
            if self.against_station.currentData() == self.station.currentData():
                return SAME_STATION
        return ""

    def _check(self, field: str) -> bool:
        problem = self.field_problem(field)
        if problem:
            self.form.set_error(field, problem)
        elif field == "category":
            self._category_changed()
        elif field == "against_station_id" and self.against_police.isChecked():
            self.form.set_hint(field, ACCUSED_STATION_HINT)
        else:
            self.form.clear(field)
        return not problem

    def _changed(self, field: str) -> None:
        if field in self._touched or not self.field_problem(field):
            self._check(field)

    def _category_changed(self) -> None:
        category = self.selected_category()
        if category is None:
            self.form.clear("category")
        else:
            self.form.set_hint("category", due_hint(category, _to_date(self.received_on.date())))

    def _stations_changed(self) -> None:
        if self.station.currentIndex() >= 0:
            self.form.clear("station_id")
        if self.against_police.isChecked() and (
            self.against_station.currentIndex() >= 0 or "against_station_id" in self._touched
        ):
            self._check("against_station_id")

    def _against_toggled(self, checked: bool) -> None:
        self.against_station.setEnabled(checked)
        if checked:
            self.form.set_hint("against_station_id", ACCUSED_STATION_HINT)
            self._stations_changed()
        else:
            self.form.clear("against_station_id")

    def _show_complainant_problem(self, text: str) -> None:
        self.complainant_message.setText(text)
        self.complainant_message.setVisible(bool(text))
        set_invalid(self.picker.search_box, bool(text) and self.mode() == "existing")

    def validate(self) -> bool:
        """Check every field, show each problem where it is, focus the first; True when all are fine."""
        fields = ("category", "station_id", "description", "against_station_id")
        self._touched.update(fields)
        first: QWidget | None = None
        for field in fields:
            if not self._check(field) and first is None:
                first = self.form.input_of(field)
        complainant_ok = True
        if self.mode() == "new":
            complainant_ok = self.new_person.validate()
        elif self.mode() == "existing" and self.picker.person is None:
            self._show_complainant_problem("Choose the complainant from the list, or switch to 'New person'.")
            complainant_ok = False
        if first is not None:
            first.setFocus()
        elif not complainant_ok and self.mode() == "existing":
            self.picker.search_box.setFocus()
        return first is None and complainant_ok

    # -- saving -----------------------------------------------------------------------------------------
    def save(self) -> None:
        """Check the fields, then register the complaint off the GUI thread."""
        if not self.save_button.isEnabled() or self.registered is not None:
            return
        if not self.validate():
            return
        draft, service = self.draft(), self.complaints
        self.save_button.setEnabled(False)
        (
            Task(lambda: service.register(draft), parent=self)
            .on_success(self._saved)
            .on_failure(self._save_failed)
            .on_done(lambda: self.save_button.setEnabled(self.registered is None))
            .run()
        )

    def _saved(self, view: ComplaintView) -> None:
        self.registered = view
        self.banner.show_number(view.tracking_no)
        self._set_form_enabled(False)
        self.close_button.setText("Close")
        self.banner.new_button.setFocus()
        self.saved.emit(view)

    def _save_failed(self, error: CopdeskError) -> None:
        if isinstance(error, DuplicateCnic):
            self.set_mode(0)
            self.new_person.show_duplicate(error.existing, error=True)
            return
        if isinstance(error, ValidationError) and error.field:
            if error.field.startswith("complainant."):
                self.set_mode(0)
                if self.new_person.form.show_validation(ValidationError(error.message, error.field[12:])):
                    return
            if error.field in ("complainant", "complainant_person_id"):
                self._show_complainant_problem(error.message)
                return
            if self.form.show_validation(error):
                return
        show_error(self, error.message)

    def _set_form_enabled(self, enabled: bool) -> None:
        """Grey the form out once its complaint is registered (messages too), or make it usable again."""
        self.columns.setEnabled(enabled)
        for label in self.columns.findChildren(QLabel):
            label.style().unpolish(label)
            label.style().polish(label)
        for box in (*self.columns.findChildren(QLineEdit), *self.columns.findChildren(QComboBox)):
            palette = box.palette()
            palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.PlaceholderText, QColor(DISABLED_TEXT))
            box.setPalette(palette)

    def new_complaint(self) -> None:
        """Clear the form for the next complaint (keeping how and where complaints are being received)."""
        self.registered = None
        self.banner.hide()
        self._set_form_enabled(True)
        self.close_button.setText("Cancel")
        self.category.setCurrentIndex(-1)
        self.location.clear()
        self.description.clear()
        self.against_police.setChecked(False)
        self.against_station.setCurrentIndex(-1)
        self.new_person.clear_fields()
        self.picker.clear_choice()
        self.set_mode(0)
        self._touched.clear()
        self.form.clear_all()
        self._snapshot = self._values()
        self.save_button.setEnabled(True)
        self.channel.setFocus()

    # -- closing ----------------------------------------------------------------------------------------
    def ask_discard(self, proceed: Callable[[], None]) -> None:
        """Call ``proceed`` now if nothing is unsaved, else after the user agrees to discard it."""
        if not self.is_dirty() or self._discard_confirmed:
            proceed()
            return

        def discard() -> None:
            self._discard_confirmed = True
            proceed()

        confirm(
            self,
            "This complaint has not been registered yet. Discard what was typed?",
            discard,
            yes_text="Discard",
            no_text="Keep editing",
        )

    def reject(self) -> None:
        """Cancel, Esc or the window's close button: ask first when something typed is not saved."""
        self.ask_discard(super().reject)


# --- workflow steps ---------------------------------------------------------------------------------------------


class StepDialog(FormDialog):
    """One workflow step: a few fields and a note; OK runs the step and emits the updated ComplaintView."""

    def __init__(
        self,
        service: ComplaintService,
        complaint: ComplaintView,
        title: str,
        ok_text: str,
        intro: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"{title} — {complaint.tracking_no}", ok_text, parent, intro)
        self.service = service
        self.complaint = complaint
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 16)
        self.note_name = "note"
        self.note_problem = ""

    def add_note(self, name: str, label: str, *, required: str = "", hint: str = "") -> None:
        """Add the note box as field ``name``; ``required`` is the message shown when it is left empty."""
        self.note_name, self.note_problem = name, required
        self.form.add_field(name, label, self.note, hint or ("" if required else "Optional."))
        self.note.textChanged.connect(self._note_changed)

    def _note_changed(self) -> None:
        if self.note.toPlainText().strip():
            self.form.clear(self.note_name)

    def note_text(self) -> str:
        """The note typed."""
        return self.note.toPlainText().strip()

    def check(self) -> bool:
        """Show what is missing at its field; True when the step may be tried."""
        if self.note_problem and not self.note_text():
            self.form.set_error(self.note_name, self.note_problem)
            self.note.setFocus()
            return False
        return True

    def call(self) -> Callable[[], ComplaintView]:
        """The service call making the step (subclasses)."""
        raise NotImplementedError

    def operation(self) -> Callable[[], object] | None:
        """The step to run, once the fields are right."""
        return self.call() if self.check() else None


class NoteStepDialog(StepDialog):
    """A step that takes only a note: start the inquiry, resolve, refer, reject, reopen."""

    def __init__(
        self,
        service: ComplaintService,
        complaint: ComplaintView,
        step: str,
        parent: QWidget | None = None,
    ) -> None:
        title, ok_text, intro, name, label, required = NOTE_STEPS[step]
        super().__init__(service, complaint, title, ok_text, intro, parent)
        self.step = step
        self.add_note(name, label, required=required)

    def call(self) -> Callable[[], ComplaintView]:
        """The service method of this step, with the note."""
        complaint_id, note = self.complaint.id, self.note_text()
        method: Callable[[uuid.UUID, str], ComplaintView] = getattr(self.service, self.step)
        return lambda: method(complaint_id, note)


#: step → (title, OK text, intro, note field, note label, message when a required note is missing)
NOTE_STEPS: dict[str, tuple[str, str, str, str, str, str]] = {
    "start_inquiry": (
        "Start the inquiry",
        "Start inquiry",
        "The assigned officer starts inquiring into the complaint.",
        "note",
        "Note",
        "",
    ),
    "resolve": (
        "Resolve",
        "Resolve",
        "The inquiry settled the complaint. Say how, in a sentence or two.",
        "note",
        "How it was resolved",
        "Say how the complaint was resolved.",
    ),
    "refer": (
        "Refer elsewhere",
        "Refer",
        "The complaint belongs to another department, a court or the dispute resolution council.",
        "note",
        "Referred to",
        "Say where the complaint was referred.",
    ),
    "reject": (
        "Reject",
        "Reject",
        "The complaint is not a police matter, is false, or repeats another complaint.",
        "reason",
        "Reason",
        "Give the reason for rejecting the complaint.",
    ),
    "reopen": (
        "Reopen",
        "Reopen",
        "The complainant is not satisfied: the complaint goes back under inquiry.",
        "reason",
        "Reason",
        "Give the reason for reopening the complaint.",
    ),
}


class FirStepDialog(StepDialog):
    """The inquiry led to an FIR: its number is required."""

    def __init__(self, service: ComplaintService, complaint: ComplaintView, parent: QWidget | None = None) -> None:
        super().__init__(
            service, complaint, "Register FIR", "Register FIR", "The inquiry led to a First Information Report.", parent
        )
        self.fir_no = QLineEdit()
        self.fir_no.setMaxLength(32)
        self.fir_no.setPlaceholderText("123/26")
        self.form.add_field("fir_no", "FIR number", self.fir_no)
        self.fir_no.textChanged.connect(lambda: self.form.clear("fir_no"))
        self.add_note("note", "Note")

    def check(self) -> bool:
        """The FIR number is required."""
        if not self.fir_no.text().strip():
            self.form.set_error("fir_no", "Enter the FIR number.")
            self.fir_no.setFocus()
            return False
        return super().check()

    def call(self) -> Callable[[], ComplaintView]:
        """Register the FIR."""
        complaint_id, fir_no, note = self.complaint.id, self.fir_no.text().strip(), self.note_text()
        return lambda: self.service.register_fir(complaint_id, fir_no, note)


class CloseStepDialog(StepDialog):
    """Close a complaint that reached an outcome, saying how it ended for the complainant."""

    def __init__(self, service: ComplaintService, complaint: ComplaintView, parent: QWidget | None = None) -> None:
        super().__init__(
            service, complaint, "Close", "Close complaint", "Say how the complaint ended for the complainant.", parent
        )
        self.closure = QComboBox()
        self.closure.setPlaceholderText("Choose…")
        for category, label in CLOSURE_LABELS.items():
            self.closure.addItem(label, category.value)
        self.closure.setCurrentIndex(-1)
        self.form.add_field("closure_category", "Outcome", self.closure)
        self.closure.currentIndexChanged.connect(lambda: self.form.clear("closure_category"))
        self.add_note("note", "Note")

    def check(self) -> bool:
        """The outcome is required."""
        if self.closure.currentIndex() < 0:
            self.form.set_error("closure_category", "Choose how the complaint ended before closing it.")
            self.closure.setFocus()
            return False
        return super().check()

    def call(self) -> Callable[[], ComplaintView]:
        """Close the complaint."""
        complaint_id, closure, note = self.complaint.id, str(self.closure.currentData()), self.note_text()
        return lambda: self.service.close(complaint_id, closure, note)


class FeedbackStepDialog(StepDialog):
    """The complainant's view of how the closed complaint ended."""

    def __init__(self, service: ComplaintService, complaint: ComplaintView, parent: QWidget | None = None) -> None:
        super().__init__(
            service, complaint, "Feedback", "Record feedback", "Ask the complainant whether they are satisfied.", parent
        )
        self.satisfied = QRadioButton("Satisfied")
        self.not_satisfied = QRadioButton("Not satisfied")
        choice = QWidget()
        row = QHBoxLayout(choice)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.satisfied)
        row.addWidget(self.not_satisfied)
        row.addStretch(1)
        self.form.add_field("feedback", "The complainant is", choice)
        self.satisfied.toggled.connect(lambda: self.form.clear("feedback"))
        self.not_satisfied.toggled.connect(lambda: self.form.clear("feedback"))
        self.add_note("feedback_remarks", "Remarks")

    def check(self) -> bool:
        """One of the two answers is required."""
        if not (self.satisfied.isChecked() or self.not_satisfied.isChecked()):
            self.form.set_error("feedback", "Choose satisfied or not satisfied.")
            return False
        return super().check()

    def call(self) -> Callable[[], ComplaintView]:
        """Record the feedback."""
        complaint_id, satisfied, remarks = self.complaint.id, self.satisfied.isChecked(), self.note_text()
        return lambda: self.service.record_feedback(complaint_id, satisfied, remarks)


class AssignStepDialog(StepDialog):
    """Assign (or reassign) the complaint to an active officer, never one of the station complained about."""

    #: The officers of the chosen station are listed (tests wait for it).
    officers_loaded = Signal(int)

    def __init__(
        self,
        service: ComplaintService,
        organisation: OrganisationService,
        complaint: ComplaintView,
        stations: Sequence[StationView],
        parent: QWidget | None = None,
    ) -> None:
        reassign = complaint.status is ComplaintStatus.ASSIGNED
        intro = "Choose the officer who will inquire into the complaint."
        if complaint.against_police:
            intro += (
                f" This complaint is against {complaint.against_station_name}: "
                "no officer of that station may handle it."
            )
        super().__init__(service, complaint, "Reassign" if reassign else "Assign", "Assign", intro, parent)
        self.organisation = organisation
        self._officers: list[OfficerView] = []
        self._generation = 0
        self.station = QComboBox()
        self.station.addItem("All stations", None)
        for station in stations:
            self.station.addItem(station.name, station.id)
        self.station.setCurrentIndex(max(0, index_of(self.station, complaint.station_id)))
        self.officer = QComboBox()
        self.officer.setPlaceholderText("Choose…")
        self.officer.setMinimumContentsLength(30)
        self.form.add_field("station", "Officers of", self.station)
        self.form.add_field("assigned_officer_id", "Officer", self.officer)
        self.add_note("note", "Note")
        self.station.currentIndexChanged.connect(self.load_officers)
        self.officer.currentIndexChanged.connect(self._officer_changed)
        self.load_officers()

    def load_officers(self) -> None:
        """List the active officers of the chosen station (off the GUI thread)."""
        self._generation += 1
        generation, organisation = self._generation, self.organisation
        station_id = self.station.currentData()
        filters: dict[str, Any] = {"active": True}
        if station_id is not None:
            filters["station_id"] = station_id
        request = PageRequest(limit=1000, sort="name", filters=filters)

        def loaded(officers: list[OfficerView]) -> None:
            if generation != self._generation:
                return
            self._officers = officers
            self.officer.blockSignals(True)
            self.officer.clear()
            for officer in officers:
                station = f", {officer.station_name}" if officer.station_name and station_id is None else ""
                self.officer.addItem(f"{officer.name} — {officer.rank_label}{station}", officer.id)
            self.officer.setCurrentIndex(-1)
            self.officer.blockSignals(False)
            if officers:
                self.form.clear("assigned_officer_id")
            else:
                self.form.set_hint("assigned_officer_id", "No active officer at this station.")
            self.officers_loaded.emit(len(officers))

        Task(lambda: list(organisation.page_officers(request).rows), parent=self).on_success(loaded).run()

    def selected_officer(self) -> OfficerView | None:
        """The chosen officer, if any."""
        row = self.officer.currentIndex()
        return self._officers[row] if 0 <= row < len(self._officers) else None

    def choose_officer(self, officer_id: uuid.UUID) -> None:
        """Choose an officer of the list by id."""
        self.officer.setCurrentIndex(index_of(self.officer, officer_id))

    def officer_problem(self) -> str:
        """Why the chosen officer cannot take the complaint, or ''."""
        officer = self.selected_officer()
        if officer is None:
            return "Choose the officer from the list."
        complaint = self.complaint
        if complaint.against_police and officer.station_id == complaint.against_station_id:
            return "This officer serves at the station complained about; assign an officer of another station."
        if officer.id == complaint.assigned_officer_id:
            return "The complaint is already assigned to this officer."
        return ""

    def _officer_changed(self) -> None:
        problem = self.officer_problem() if self.officer.currentIndex() >= 0 else ""
        if problem:
            self.form.set_error("assigned_officer_id", problem)
        else:
            self.form.clear("assigned_officer_id")

    def check(self) -> bool:
        """An officer who may take the complaint is chosen."""
        problem = self.officer_problem()
        if problem:
            self.form.set_error("assigned_officer_id", problem)
            self.officer.setFocus()
            return False
        return super().check()

    def call(self) -> Callable[[], ComplaintView]:
        """Assign the complaint."""
        officer = self.selected_officer()
        assert officer is not None
        complaint_id, officer_id, note = self.complaint.id, officer.id, self.note_text()
        return lambda: self.service.assign(complaint_id, officer_id, note)
