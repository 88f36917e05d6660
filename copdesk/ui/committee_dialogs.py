"""Committee forms: a committee, its dissolution, a member (with a person picker), ending a membership, a meeting.

Each form checks its fields where they are typed before anything is saved, shows the service's rule breaks at
the field they concern, and asks before typed changes are thrown away.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, time

from PySide6.QtCore import QDate, Qt, QTime, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from copdesk.domain.corpus import member_categories
from copdesk.errors import ConflictError, CopdeskError, ValidationError
from copdesk.models.committees import CommitteeType, MemberRole
from copdesk.services.committees import CommitteeDraft, CommitteeService, CommitteeView, MemberDraft, MemberView
from copdesk.services.meetings import MeetingService
from copdesk.services.organisation import StationView
from copdesk.services.paging import PageRequest
from copdesk.services.people import PeopleService, PersonView
from copdesk.ui.forms import GuardedFormDialog, index_of
from copdesk.ui.people_screen import PersonDialog
from copdesk.ui.tasks import Task
from copdesk.ui.theme import set_role

DATE_FORMAT = "dd MMM yyyy"
TIME_FORMAT = "h:mm AP"
PICKER_DELAY_MS = 250
PICKER_ROWS = 8


# --- small inputs --------------------------------------------------------------------------------------------


def date_input(value: date | None = None, *, latest: date | None = None, earliest: date | None = None) -> QDateEdit:
    """A date box with a calendar, showing ``12 Mar 2026``; ``latest``/``earliest`` bound what can be picked."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setMinimumWidth(140)
    if earliest is not None:
        edit.setMinimumDate(QDate(earliest))
    if latest is not None:
        edit.setMaximumDate(QDate(latest))
    edit.setDate(QDate(value or latest or date.today()))
    return edit


def date_of(edit: QDateEdit) -> date:
    """The day a date box holds."""
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value


def time_of(edit: QTimeEdit) -> time:
    """The time a time box holds (hours and minutes)."""
    value = edit.time().toPython()
    assert isinstance(value, time)
    return value.replace(second=0, microsecond=0)


def multiline(lines: int = 3) -> QPlainTextEdit:
    """A small plain-text box of ``lines`` lines where Tab moves to the next field."""
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 16)
    return edit


def day_text(value: date | None) -> str:
    """``12 Mar 2026`` (empty for no day)."""
    return f"{value:%d %b %Y}" if value is not None else ""


# --- committees ----------------------------------------------------------------------------------------------


class CommitteeDialog(GuardedFormDialog):
    """Record a newly formed committee, or correct one's details."""

    def __init__(
        self,
        service: CommitteeService,
        stations: Sequence[StationView],
        committee: CommitteeView | None = None,
        parent: QWidget | None = None,
        *,
        today: date | None = None,
    ) -> None:
        super().__init__(
            "New committee" if committee is None else "Committee",
            "Save",
            parent,
            "" if committee is not None else "Record a committee formed by a notification of the district.",
        )
        self.service, self.committee = service, committee
        self.today = today or date.today()
        self.type = QComboBox()
        self.type.setPlaceholderText("Choose…")
        for kind in CommitteeType:
            self.type.addItem(kind.label, kind.value)
        self.type.setCurrentIndex(self.type.findData(committee.type.value) if committee else -1)
        self.name = QLineEdit(committee.name if committee else "")
        self.name.setMaxLength(160)
        self.name.setPlaceholderText("e.g. Dispute Resolution Council, City")
        self.station = QComboBox()
        self.station.setPlaceholderText("Choose…")
        for station in stations:
            self.station.addItem(station.name, station.id)
        if committee is not None:
            self.station.setCurrentIndex(index_of(self.station, committee.station_id))
        else:
            self.station.setCurrentIndex(0 if len(stations) == 1 else -1)
        self.formed_on = date_input(committee.formed_on if committee else self.today, latest=self.today)
        self.notification_ref = QLineEdit(committee.notification_ref if committee else "")
        self.notification_ref.setMaxLength(120)
        self.notification_ref.setPlaceholderText("e.g. No. 1234/COP dated 02-01-2026")
        self.notes = multiline()
        self.notes.setPlainText(committee.notes if committee else "")
        self.form.add_field("type", "Type", self.type)
        self.form.add_field("name", "Name", self.name)
        self.form.add_field("station_id", "Police station", self.station)
        self.form.add_field("formed_on", "Formed on", self.formed_on)
        self.form.add_field("notification_ref", "Notification", self.notification_ref, "Optional: number and date.")
        self.form.add_field("notes", "Notes", self.notes)
        self.name.editingFinished.connect(lambda: self._check("name"))
        self.type.currentIndexChanged.connect(lambda: self._check("type"))
        self.station.currentIndexChanged.connect(lambda: self._check("station_id"))
        self.mark_clean()

    def values(self) -> tuple[object, ...]:
        """The form's values."""
        return (
            self.type.currentData(),
            self.name.text(),
            self.station.currentData(),
            date_of(self.formed_on),
            self.notification_ref.text(),
            self.notes.toPlainText(),
        )

    def field_problem(self, field: str) -> str:
        """The rule the field's value breaks, or ''."""
        if field == "type" and self.type.currentIndex() < 0:
            return "Choose the type of committee."
        if field == "name" and not self.name.text().strip():
            return "Enter the committee's name."
        if field == "station_id" and self.station.currentIndex() < 0:
            return "Choose the police station the committee belongs to."
        if field == "formed_on" and date_of(self.formed_on) > self.today:
            return "The date the committee was formed cannot be in the future."
        return ""

    def _check(self, field: str) -> bool:
        problem = self.field_problem(field)
        if problem:
            self.form.set_error(field, problem)
        else:
            self.form.clear(field)
        return not problem

    def operation(self) -> Callable[[], object] | None:
        """Create or update the committee after checking every field."""
        results = [self._check(field) for field in ("type", "name", "station_id", "formed_on")]
        if not all(results):
            return None
        draft = CommitteeDraft(
            type=str(self.type.currentData()),
            name=self.name.text(),
            station_id=self.station.currentData(),
            formed_on=date_of(self.formed_on),
            notification_ref=self.notification_ref.text(),
            notes=self.notes.toPlainText(),
        )
        try:
            draft.validated()
        except ValidationError as error:
            if not self.form.show_validation(error):
                self.show_problem(error.message)
            return None
        service, committee = self.service, self.committee
        if committee is None:
            return lambda: service.create(draft)
        return lambda: service.update(committee.id, committee.version, draft)

    def _failed(self, error: CopdeskError) -> None:
        if isinstance(error, ConflictError) and "already has a committee" in error.message:
            self.form.set_error("name", error.message)
            return
        super()._failed(error)


class DissolveDialog(GuardedFormDialog):
    """Record the day a committee was dissolved."""

    def __init__(
        self, service: CommitteeService, committee: CommitteeView, parent: QWidget | None = None, *, today: date
    ) -> None:
        super().__init__(
            f"Dissolve {committee.name}",
            "Dissolve",
            parent,
            "A dissolved committee may still meet on the day it was dissolved, never after. Its records are kept.",
        )
        self.service, self.committee = service, committee
        self.dissolved_on = date_input(today, latest=today, earliest=committee.formed_on)
        self.form.add_field("dissolved_on", "Dissolved on", self.dissolved_on)
        self.mark_clean()

    def values(self) -> tuple[object, ...]:
        """The date chosen."""
        return (date_of(self.dissolved_on),)

    def operation(self) -> Callable[[], object] | None:
        """Dissolve the committee on the chosen day."""
        service, committee, day = self.service, self.committee, date_of(self.dissolved_on)
        return lambda: service.dissolve(committee.id, committee.version, day)


# --- members -------------------------------------------------------------------------------------------------


def person_line(person: PersonView) -> str:
    """``Muhammad Ali s/o Ghulam Rasool · 35202-1234567-1`` for a picker."""
    parts = [person.name]
    if person.father_name:
        parts[0] += f", {person.father_name}"
    if person.cnic:
        parts.append(person.cnic)
    if person.mobile:
        parts.append(person.mobile)
    return "  ·  ".join(parts)


class PersonPicker(QWidget):
    """Find a person already recorded (name, CNIC or mobile), or add a new one through the person form."""

    #: The person chosen (a PersonView), or None when the choice was cleared.
    chosen = Signal(object)
    #: A search finished and the results are shown (tests wait for it).
    searched = Signal(int)

    def __init__(self, people: PeopleService, parent: QWidget | None = None, *, can_create: bool = True) -> None:
        super().__init__(parent)
        self.people = people
        self.person: PersonView | None = None
        self.person_dialog: PersonDialog | None = None
        self._generation = 0
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type a name, CNIC or mobile number")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setFixedHeight(self.results.fontMetrics().height() * 5 + 24)
        self.results.setUniformItemSizes(True)
        self.new_button = QPushButton("New person…")
        self.new_button.setAutoDefault(False)
        self.new_button.setVisible(can_create)
        self.choice = QLabel("No one chosen yet.")
        self.choice.setWordWrap(True)
        set_role(self.choice, "muted")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.search, 1)
        row.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.results)
        layout.addWidget(self.choice)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PICKER_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self.search.returnPressed.connect(self.run_search)
        self.results.currentItemChanged.connect(self._item_chosen)
        self.new_button.clicked.connect(self.new_person)

    def run_search(self) -> None:
        """Look up the people matching the search text (off the GUI thread, the first few only)."""
        self._timer.stop()
        text = self.search.text().strip()
        self._generation += 1
        generation = self._generation
        if not text:
            self.results.clear()
            self.searched.emit(0)
            return
        people = self.people
        request = PageRequest(limit=PICKER_ROWS, search=text, sort="name")

        def found(rows: list[PersonView]) -> None:
            if generation != self._generation:
                return
            self.results.blockSignals(True)
            self.results.clear()
            for person in rows:
                item = QListWidgetItem(person_line(person))
                item.setData(Qt.ItemDataRole.UserRole, person)
                self.results.addItem(item)
            if not rows:
                item = QListWidgetItem("No one recorded matches. Add them with “New person…”.")
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                self.results.addItem(item)
            self.results.blockSignals(False)
            self.searched.emit(len(rows))

        Task(lambda: list(people.page(request).rows), parent=self).on_success(found).run()

    def _item_chosen(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        person = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(person, PersonView):
            self.choose(person)

    def choose(self, person: PersonView | None) -> None:
        """Make ``person`` the chosen one."""
        self.person = person
        self.choice.setText(f"Chosen: {person_line(person)}" if person else "No one chosen yet.")
        set_role(self.choice, "field-ok" if person else "muted")
        self.chosen.emit(person)

    def new_person(self) -> PersonDialog:
        """Open the person form (it checks the fields and warns about a CNIC already recorded)."""
        dialog = PersonDialog(self.people, None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open_existing_button.setText("Choose that person")
        if self.search.text().strip() and not any(ch.isdigit() for ch in self.search.text()):
            dialog.name.setText(self.search.text().strip())
        dialog.saved.connect(self.choose)
        dialog.open_existing.connect(lambda person: self._use_existing(dialog, person))
        self.person_dialog = dialog
        dialog.open()
        return dialog

    def _use_existing(self, dialog: PersonDialog, person: PersonView) -> None:
        dialog.done(QDialog.DialogCode.Rejected)
        self.choose(person)


def role_problem(roster: Sequence[MemberView], role: MemberRole, joined_on: date, person_id: uuid.UUID | None) -> str:
    """Why this membership would clash with the roster (same person twice, a second convener...), or ''.

    A new membership runs from ``joined_on`` on; another clashes when it has not ended by that day.
    """
    for other in roster:
        if other.left_on is not None and other.left_on <= joined_on:
            continue
        if role is not MemberRole.MEMBER and other.role is role and other.person_id != person_id:
            return (
                f"The committee already has a {role.value}: {other.name}. End that membership first "
                f"(the new {role.value} may join on the day {other.name} leaves)."
            )
    return ""


class MemberDialog(GuardedFormDialog):
    """Add a person to a committee's roster: who, in which office and category, from when."""

    def __init__(
        self,
        service: CommitteeService,
        people: PeopleService,
        committee: CommitteeView,
        roster: Sequence[MemberView],
        parent: QWidget | None = None,
        *,
        today: date,
        can_create_person: bool = True,
    ) -> None:
        super().__init__(f"New member of {committee.name}", "Add member", parent)
        self.setMinimumWidth(640)
        self.service, self.committee, self.roster = service, committee, list(roster)
        self.today = today
        self.picker = PersonPicker(people, self, can_create=can_create_person)
        self.role = QComboBox()
        for role in MemberRole:
            self.role.addItem(role.label, role.value)
        self.role.setCurrentIndex(self.role.findData(MemberRole.MEMBER.value))
        self.category = QComboBox()
        self.category.setPlaceholderText("Choose…")
        for code, item in member_categories().items():
            self.category.addItem(item.name_en, code)
        self.category.setCurrentIndex(-1)
        latest = committee.dissolved_on if committee.dissolved_on and committee.dissolved_on < today else today
        self.joined_on = date_input(max(committee.formed_on, min(today, latest)), latest=latest)
        self.joined_on.setMinimumDate(QDate(committee.formed_on))
        self.form.add_field("person_id", "Person", self.picker)
        self.form.add_field("role", "Office", self.role)
        self.form.add_field("category", "Category", self.category)
        self.form.add_field("joined_on", "Joined on", self.joined_on)
        self.picker.chosen.connect(lambda _person: self._check("person_id"))
        self.role.currentIndexChanged.connect(lambda: self._check("role"))
        self.category.currentIndexChanged.connect(lambda: self._check("category"))
        self.joined_on.dateChanged.connect(lambda: self._check("role"))
        self.mark_clean()

    def values(self) -> tuple[object, ...]:
        """The form's values."""
        person = self.picker.person
        return (
            person.id if person else None,
            self.role.currentData(),
            self.category.currentData(),
            date_of(self.joined_on),
        )

    def field_problem(self, field: str) -> str:
        """The rule the field's value breaks, or ''."""
        person = self.picker.person
        if field == "person_id":
            if person is None:
                return "Find the person, or add them with “New person…”."
            for other in self.roster:
                if other.person_id == person.id and (other.left_on is None or other.left_on > date_of(self.joined_on)):
                    return f"{other.name} is already a member of this committee."
        if field == "role":
            return role_problem(
                self.roster, MemberRole(self.role.currentData()), date_of(self.joined_on), person.id if person else None
            )
        if field == "category" and self.category.currentIndex() < 0:
            return "Choose the member's category (elder, ulema, lawyer, ...)."
        return ""

    def _check(self, field: str) -> bool:
        problem = self.field_problem(field)
        if problem:
            self.form.set_error(field, problem)
        else:
            self.form.clear(field)
        return not problem

    def operation(self) -> Callable[[], object] | None:
        """Add the member after checking every field."""
        results = [self._check(field) for field in ("person_id", "role", "category")]
        person = self.picker.person
        if not all(results) or person is None:
            return None
        draft = MemberDraft(
            person.id, str(self.role.currentData()), str(self.category.currentData()), date_of(self.joined_on)
        )
        service, committee_id = self.service, self.committee.id
        return lambda: service.add_member(committee_id, draft)

    def _failed(self, error: CopdeskError) -> None:
        if isinstance(error, ConflictError) and "already has a" in error.message:
            self.form.set_error("role", error.message)
            return
        if isinstance(error, ConflictError) and "already a member" in error.message:
            self.form.set_error("person_id", error.message)
            return
        super()._failed(error)


class EndMembershipDialog(GuardedFormDialog):
    """Record the day a member left the committee."""

    def __init__(
        self, service: CommitteeService, member: MemberView, parent: QWidget | None = None, *, today: date
    ) -> None:
        super().__init__(
            f"End {member.name}'s membership",
            "End membership",
            parent,
            f"{member.name} ({member.role_label.lower()}) stops being a member on this day; the record is kept.",
        )
        self.service, self.member = service, member
        self.left_on = date_input(max(today, member.joined_on), latest=max(today, member.joined_on))
        self.left_on.setMinimumDate(QDate(member.joined_on))
        self.form.add_field("left_on", "Left on", self.left_on)
        self.mark_clean()

    def values(self) -> tuple[object, ...]:
        """The date chosen."""
        return (date_of(self.left_on),)

    def operation(self) -> Callable[[], object] | None:
        """End the membership on the chosen day."""
        service, member, day = self.service, self.member, date_of(self.left_on)
        return lambda: service.end_membership(member.id, member.version, day)


# --- meetings ------------------------------------------------------------------------------------------------


class ScheduleMeetingDialog(GuardedFormDialog):
    """Plan a meeting of a committee: date, starting time and venue. Open action items go on its agenda."""

    def __init__(
        self,
        service: MeetingService,
        committees: Sequence[CommitteeView],
        parent: QWidget | None = None,
        *,
        committee: CommitteeView | None = None,
        today: date,
    ) -> None:
        super().__init__(
            "Schedule a meeting",
            "Schedule",
            parent,
            "Open action items of earlier meetings are put on the new meeting's agenda as follow-ups.",
        )
        self.service = service
        self.committee = QComboBox()
        self.committee.setPlaceholderText("Choose…")
        choices = list(committees)
        if committee is not None and all(c.id != committee.id for c in choices):
            choices.insert(0, committee)
        for item in choices:
            self.committee.addItem(f"{item.name} ({item.station_name})", item.id)
        self.committee.setCurrentIndex(index_of(self.committee, committee.id) if committee else -1)
        self.committee.setEnabled(committee is None)
        self.held_on = date_input(today)
        self.has_time = QCheckBox("Starts at")
        self.start_time = QTimeEdit(QTime(11, 0))
        self.start_time.setDisplayFormat(TIME_FORMAT)
        self.start_time.setEnabled(False)
        self.has_time.toggled.connect(self.start_time.setEnabled)
        time_row = QWidget()
        time_layout = QHBoxLayout(time_row)
        time_layout.setContentsMargins(0, 0, 0, 0)
        time_layout.addWidget(self.has_time)
        time_layout.addWidget(self.start_time)
        time_layout.addStretch(1)
        self.venue = QLineEdit()
        self.venue.setMaxLength(200)
        self.venue.setPlaceholderText("e.g. Police Station City, meeting hall")
        self.form.add_field("committee", "Committee", self.committee)
        self.form.add_field("held_on", "Date", self.held_on)
        self.form.add_field("start_time", "Time", time_row, "Optional.")
        self.form.add_field("venue", "Venue", self.venue)
        self.venue.editingFinished.connect(lambda: self._check("venue"))
        self.committee.currentIndexChanged.connect(lambda: self._check("committee"))
        self.mark_clean()

    def values(self) -> tuple[object, ...]:
        """The form's values."""
        return (
            self.committee.currentData(),
            date_of(self.held_on),
            self.has_time.isChecked(),
            time_of(self.start_time),
            self.venue.text(),
        )

    def field_problem(self, field: str) -> str:
        """The rule the field's value breaks, or ''."""
        if field == "committee" and self.committee.currentIndex() < 0:
            return "Choose the committee that meets."
        if field == "venue" and not self.venue.text().strip():
            return "Enter the venue of the meeting."
        return ""

    def _check(self, field: str) -> bool:
        problem = self.field_problem(field)
        if problem:
            self.form.set_error(field, problem)
        else:
            self.form.clear(field)
        return not problem

    def operation(self) -> Callable[[], object] | None:
        """Schedule the meeting after checking every field."""
        results = [self._check(field) for field in ("committee", "venue")]
        if not all(results):
            return None
        service, committee_id = self.service, self.committee.currentData()
        held_on, venue = date_of(self.held_on), self.venue.text()
        start = time_of(self.start_time) if self.has_time.isChecked() else None
        return lambda: service.schedule(committee_id, held_on, venue, start)

    def _failed(self, error: CopdeskError) -> None:
        if isinstance(error, ConflictError) and "already has a meeting" in error.message:
            self.form.set_error("held_on", error.message)
            return
        super()._failed(error)
