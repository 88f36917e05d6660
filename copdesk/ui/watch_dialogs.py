"""The neighbourhood watch's forms and pickers.

Groups, volunteers (with a person picker), police verification, leaving, shifts, the day's volunteer picker,
turn-out ticks and "Fill this week".

Forms check their fields before anything is saved, show the service's rule breaks at the field, and ask before
typed changes are thrown away.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from copdesk.errors import CopdeskError
from copdesk.services.organisation import BeatView
from copdesk.services.people import PeopleService, PersonView
from copdesk.services.watch import (
    GroupDraft,
    GroupView,
    RotationResult,
    ShiftDraft,
    ShiftView,
    VerificationStatus,
    VolunteerDraft,
    VolunteerView,
    WatchService,
    describe_shift,
)
from copdesk.ui.dialogs import confirm
from copdesk.ui.forms import FieldForm, FormDialog, GuardedFormDialog, index_of
from copdesk.ui.list_screen import ListScreen
from copdesk.ui.paged_model import Column
from copdesk.ui.people_screen import PersonDialog
from copdesk.ui.tasks import Task
from copdesk.ui.theme import set_role

DATE_FORMAT = "d MMM yyyy"
NAME_MAX = 120
MAX_PER_SHIFT = 50

PICKER_COLUMNS: tuple[Column[PersonView], ...] = (
    Column("Name", lambda p: p.name, sort_key="name", width=190),
    Column("Father's or husband's name", lambda p: p.father_name, width=190),
    Column("CNIC", lambda p: p.cnic, width=140),
    Column("Mobile", lambda p: p.mobile),
)


def qdate(day: date) -> QDate:
    """A calendar day for a date box."""
    return QDate(day.year, day.month, day.day)


def day_of(edit: QDateEdit) -> date:
    """The day a date box holds."""
    value = edit.date()
    return date(value.year(), value.month(), value.day())


def time_of(edit: QTimeEdit) -> time:
    """The time a time box holds (to the minute)."""
    value = edit.time()
    return time(value.hour(), value.minute())


def date_box(day: date, *, latest: date | None = None, earliest: date | None = None) -> QDateEdit:
    """A date box with a calendar, limited to ``earliest``..``latest``."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    if earliest is not None:
        edit.setMinimumDate(qdate(earliest))
    if latest is not None:
        edit.setMaximumDate(qdate(latest))
    edit.setDate(qdate(day))
    return edit


def time_box(value: time) -> QTimeEdit:
    """A 24-hour time box."""
    edit = QTimeEdit()
    edit.setDisplayFormat("HH:mm")
    edit.setTime(QTime(value.hour, value.minute))
    return edit


def check_shift_times(form: FieldForm, starts_box: QTimeEdit, ends_box: QTimeEdit) -> bool:
    """Show at the end time whether the shift ends next morning, or that it cannot end when it starts."""
    starts, ends = time_of(starts_box), time_of(ends_box)
    if starts == ends:
        form.set_error("ends", "A shift must end at a different time than it starts.")
        return False
    if ends < starts:
        form.set_hint("ends", "Ends the next morning.")
    else:
        form.clear("ends")
    return True


def notes_box(text: str = "", lines: int = 3) -> QPlainTextEdit:
    """A few lines of notes (Tab moves on)."""
    edit = QPlainTextEdit(text)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 16)
    return edit


def long_date(day: date) -> str:
    """``3 March 2025``."""
    return f"{day.day} {day:%B %Y}"


# ---------------------------------------------------------------------------------------------------- groups


class GroupDialog(GuardedFormDialog):
    """Form a watch group in a beat, or change one (name, beat, leader, active)."""

    #: The group was deleted (its id).
    deleted = Signal(object)

    def __init__(
        self,
        service: WatchService,
        beats: Sequence[BeatView],
        today: date,
        group: GroupView | None = None,
        volunteers: Sequence[VolunteerView] = (),
        parent: QWidget | None = None,
        *,
        can_delete: bool = False,
    ) -> None:
        super().__init__(
            "New watch group" if group is None else "Watch group",
            "Form group" if group is None else "Save",
            parent,
            "A Theekree Pehra group of residents who keep watch in one beat."
            if group is None
            else "Change the group's details.",
        )
        self.service, self.group, self.beats = service, group, list(beats)
        self.name = QLineEdit(group.name if group else "")
        self.name.setMaxLength(NAME_MAX)
        self.name.setPlaceholderText("Theekree Pehra Mohalla Islampura")
        self.station = QComboBox()
        self.station.setPlaceholderText("Choose…")
        stations: dict[uuid.UUID, str] = {}
        for beat in self.beats:
            stations.setdefault(beat.station_id, beat.station_name)
        for station_id, station_name in stations.items():
            self.station.addItem(station_name, station_id)
        self.beat = QComboBox()
        self.beat.setPlaceholderText("Choose the station first")
        self.formed_on = date_box(group.formed_on if group else today, latest=today)
        self.notes = notes_box(group.notes if group else "")
        self.form.add_field("name", "Name", self.name)
        self.form.add_field("station", "Police station", self.station)
        self.form.add_field("beat_id", "Beat", self.beat)
        self.form.add_field("formed_on", "Formed on", self.formed_on)
        self.leader: QComboBox | None = None
        self.active: QCheckBox | None = None
        if group is not None:
            self.leader = QComboBox()
            self.leader.addItem("No leader chosen", None)
            for volunteer in volunteers:
                if volunteer.active:
                    self.leader.addItem(volunteer.name, volunteer.person_id)
            self.leader.setCurrentIndex(max(0, index_of(self.leader, group.leader_person_id)))
            self.form.add_field("leader_person_id", "Leader", self.leader, "One of the group's volunteers.")
            self.active = QCheckBox("Active: the group keeps watch and is on the roster")
            self.active.setChecked(group.active)
            self.active.toggled.connect(self._active_toggled)
            self.form.add_field("active", "Status", self.active)
        self.form.add_field("notes", "Notes", self.notes, "Optional.")
        self.station.currentIndexChanged.connect(self._station_changed)
        self.name.editingFinished.connect(self._check_name)
        if group is not None:
            self.station.setCurrentIndex(index_of(self.station, group.station_id))
            self.beat.setCurrentIndex(index_of(self.beat, group.beat_id))
        elif self.station.count() == 1:
            self.station.setCurrentIndex(0)
        if not self.beats:
            self.form.set_warning("beat_id", "There are no beats yet. The district officer adds them in Settings.")
        self.delete_button: QPushButton | None = None
        if group is not None and can_delete:
            self.delete_button = self.buttons.addButton("Delete group…", QDialogButtonBox.ButtonRole.ActionRole)
            self.delete_button.setAutoDefault(False)
            self.delete_button.clicked.connect(self.ask_delete)
        self.mark_clean()

    def values(self) -> tuple[Any, ...]:
        """The form's values."""
        return (
            self.name.text(),
            self.beat.currentData(),
            day_of(self.formed_on),
            self.leader.currentData() if self.leader else None,
            self.active.isChecked() if self.active else True,
            self.notes.toPlainText(),
        )

    def _station_changed(self) -> None:
        station_id = self.station.currentData()
        current = self.beat.currentData()
        self.beat.clear()
        self.beat.setPlaceholderText("Choose…")
        for beat in self.beats:
            if beat.station_id == station_id:
                self.beat.addItem(beat.name, beat.id)
        self.beat.setCurrentIndex(index_of(self.beat, current) if current is not None else -1)
        if self.beat.count() == 1:
            self.beat.setCurrentIndex(0)
        self.form.clear("station")
        self.form.clear("beat_id")

    def _check_name(self) -> bool:
        if not self.name.text().strip():
            self.form.set_error("name", "Enter the group's name.")
            return False
        self.form.clear("name")
        return True

    def _active_toggled(self, checked: bool) -> None:
        if self.group is not None and self.group.active and not checked:
            self.form.set_warning(
                "active", "The group's shifts that have not started yet will be taken off the roster."
            )
        else:
            self.form.clear("active")

    def draft(self) -> GroupDraft:
        """The form as a draft for the service."""
        beat_id = self.beat.currentData()
        assert isinstance(beat_id, uuid.UUID)
        return GroupDraft(
            beat_id=beat_id,
            name=self.name.text(),
            formed_on=day_of(self.formed_on),
            leader_person_id=self.leader.currentData() if self.leader else None,
            notes=self.notes.toPlainText(),
            active=self.active.isChecked() if self.active else True,
        )

    def operation(self) -> Callable[[], object] | None:
        """Create or update the group, after checking the fields here."""
        ok = self._check_name()
        if self.station.currentIndex() < 0:
            self.form.set_error("station", "Choose the police station.")
            ok = False
        elif self.beat.currentIndex() < 0:
            self.form.set_error("beat_id", "Choose the beat the group keeps watch in.")
            ok = False
        if not ok:
            return None
        draft, service, group = self.draft(), self.service, self.group
        if group is None:
            return lambda: service.create_group(draft)
        return lambda: service.update_group(group.id, group.version, draft)

    def ask_delete(self) -> None:
        """Ask, then delete the group with its volunteers and shifts."""
        group = self.group
        if group is None:
            return
        service = self.service

        def delete() -> None:
            Task(lambda: service.delete_group(group.id), parent=self).on_success(lambda _none: self._deleted()).run()

        confirm(
            self,
            f"Delete {group.name} with its volunteers and duty shifts?",
            delete,
            yes_text="Delete group",
        )

    def _deleted(self) -> None:
        assert self.group is not None
        self.mark_clean()
        self.deleted.emit(self.group.id)
        self.accept()


# ---------------------------------------------------------------------------------------------------- volunteers


class PersonPicker(ListScreen):
    """The people register, searchable by name, CNIC or mobile; a click chooses a person."""

    #: The person chosen (a PersonView).
    chosen = Signal(object)

    def __init__(self, service: PeopleService, parent: QWidget | None = None) -> None:
        super().__init__(
            service,
            PICKER_COLUMNS,
            search_placeholder="Search the people register by name, CNIC or mobile",
            noun=("person", "people"),
            default_sort="name",
            parent=parent,
        )
        self.heading.hide()
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(6)
        self.table.setMinimumHeight(180)
        self.new_person_button = QPushButton("New person…")
        self.new_person_button.setAutoDefault(False)
        self.toolbar.addWidget(self.new_person_button)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _old: self._choose_row(current.row()))

    def _choose_row(self, row: int) -> None:
        person = self.model.row_object(row)
        if isinstance(person, PersonView):
            self.chosen.emit(person)

    def open_record(self, row: Any) -> None:
        """Double-click or Enter chooses the person."""
        if isinstance(row, PersonView):
            self.chosen.emit(row)


class VolunteerDialog(GuardedFormDialog):
    """Add a person from the people register to a group as a volunteer (verification pending)."""

    def __init__(
        self,
        service: WatchService,
        people: PeopleService,
        group: GroupView,
        member_person_ids: set[uuid.UUID],
        today: date,
        parent: QWidget | None = None,
        *,
        can_add_people: bool = True,
    ) -> None:
        super().__init__(
            f"New volunteer of {group.name}",
            "Add volunteer",
            parent,
            "Find the person in the people register. Someone not recorded yet is added with New person…; "
            "the police then verify the volunteer before they go on duty.",
        )
        self.setMinimumWidth(760)
        self.service, self.people, self.group = service, people, group
        self.member_person_ids = set(member_person_ids)
        self.person: PersonView | None = None
        self.person_dialog: PersonDialog | None = None
        self.picker = PersonPicker(people)
        self.picker.new_person_button.setVisible(can_add_people)
        self.picker.new_person_button.clicked.connect(self.new_person)
        self.picker.chosen.connect(self.choose)
        self.joined_on = date_box(today, latest=today)
        self.notes = notes_box(lines=2)
        self.form.add_field("person_id", "Person", self.picker, "Click a person to choose them.")
        self.form.add_field("joined_on", "Joined on", self.joined_on)
        self.form.add_field("notes", "Notes", self.notes, "Optional.")
        heading = QLabel(f"New volunteer of {group.name}")
        set_role(heading, "heading")
        heading.setWordWrap(True)
        self.body.insertWidget(0, heading)
        self.picker.table.setMinimumHeight(260)
        self.resize(860, 620)
        self.mark_clean()

    def showEvent(self, event: Any) -> None:  # noqa: N802
        """Load the register when the form opens."""
        super().showEvent(event)
        self.picker.shown()

    def values(self) -> tuple[Any, ...]:
        """The form's values."""
        return (self.person.id if self.person else None, day_of(self.joined_on), self.notes.toPlainText())

    def choose(self, person: PersonView) -> None:
        """Choose the person who joins; a person already in the group is refused at the field."""
        self.person = person
        details = ", ".join(part for part in (person.father_name, person.cnic, person.mobile) if part)
        text = person.name + (f" ({details})" if details else "")
        if person.id in self.member_person_ids:
            self.form.set_error("person_id", f"{person.name} is already a volunteer of this group.")
        else:
            self.form.set_ok("person_id", f"Chosen: {text}")

    def new_person(self) -> PersonDialog:
        """Record a new person (the form warns when the CNIC is already recorded) and choose them."""
        dialog = PersonDialog(self.people, None, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._person_added)
        dialog.open_existing.connect(self._use_existing)
        self.person_dialog = dialog
        dialog.open()
        return dialog

    def _person_added(self, person: PersonView) -> None:
        self.choose(person)
        self.picker.search_box.setText(person.name)

    def _use_existing(self, person: PersonView) -> None:
        dialog = self.person_dialog
        if dialog is None or not shiboken6.isValid(dialog):
            return

        def switch() -> None:
            dialog.done(QDialog.DialogCode.Rejected)
            self._person_added(person)

        dialog.ask_discard(switch)

    def operation(self) -> Callable[[], object] | None:
        """Add the chosen person to the group."""
        person = self.person
        if person is None:
            self.form.set_error("person_id", "Choose the person who joins the group.")
            return None
        if person.id in self.member_person_ids:
            self.form.set_error("person_id", f"{person.name} is already a volunteer of this group.")
            return None
        service, group_id = self.service, self.group.id
        draft = VolunteerDraft(person.id, day_of(self.joined_on), self.notes.toPlainText())
        return lambda: service.add_volunteer(group_id, draft)


VERIFICATION_CHOICES: tuple[tuple[VerificationStatus, str], ...] = (
    (VerificationStatus.VERIFIED, "Verified: the volunteer may be put on duty."),
    (VerificationStatus.REJECTED, "Rejected: failed the police check; comes off shifts that have not started."),
    (VerificationStatus.PENDING, "Pending: the check is not finished."),
)


class VerifyDialog(FormDialog):
    """Record the police (character) verification of a volunteer (officers only)."""

    def __init__(self, service: WatchService, volunteer: VolunteerView, parent: QWidget | None = None) -> None:
        super().__init__(
            "Police verification",
            "Record",
            parent,
            f"The result of the police verification of {volunteer.name}. "
            f"Now: {volunteer.verification_status.label.lower()}.",
        )
        self.service, self.volunteer = service, volunteer
        self.choices = QButtonGroup(self)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.buttons_by_status: dict[VerificationStatus, QRadioButton] = {}
        for status, text in VERIFICATION_CHOICES:
            button = QRadioButton(text)
            self.choices.addButton(button)
            self.buttons_by_status[status] = button
            column.addWidget(button)
        wanted = (
            VerificationStatus.VERIFIED
            if volunteer.verification_status is VerificationStatus.PENDING
            else volunteer.verification_status
        )
        self.buttons_by_status[wanted].setChecked(True)
        self.form.add_field("verification_status", "Result", box)

    def chosen(self) -> VerificationStatus | None:
        """The status ticked."""
        return next((s for s, b in self.buttons_by_status.items() if b.isChecked()), None)

    def choose(self, status: VerificationStatus) -> None:
        """Tick a status."""
        self.buttons_by_status[status].setChecked(True)

    def operation(self) -> Callable[[], object] | None:
        """Record the new status."""
        status = self.chosen()
        if status is None or status is self.volunteer.verification_status:
            self.form.set_error("verification_status", "Choose a different result, or press Cancel.")
            return None
        service, volunteer = self.service, self.volunteer
        return lambda: service.verify(volunteer.id, volunteer.version, status)


class LeaveDialog(GuardedFormDialog):
    """Record that a volunteer left the group."""

    def __init__(
        self, service: WatchService, volunteer: VolunteerView, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            "Volunteer leaves",
            "Record leaving",
            parent,
            f"{volunteer.name} leaves the group. They come off the shifts that have not started yet; "
            "their past duties stay on record.",
        )
        self.service, self.volunteer = service, volunteer
        earliest = min(volunteer.joined_on, today)
        self.left_on = date_box(today, latest=today, earliest=earliest)
        self.form.add_field("left_on", "Left on", self.left_on, f"Joined on {long_date(volunteer.joined_on)}.")
        self.mark_clean()

    def values(self) -> tuple[Any, ...]:
        """The form's values."""
        return (day_of(self.left_on),)

    def operation(self) -> Callable[[], object] | None:
        """Record the leaving."""
        service, volunteer, left_on = self.service, self.volunteer, day_of(self.left_on)
        return lambda: service.leave(volunteer.id, volunteer.version, left_on)


# ---------------------------------------------------------------------------------------------------- shifts


def shift_label(shift: ShiftView) -> str:
    """``Theekree Pehra Anarkali, 22:00–04:00``."""
    return f"{shift.group_name}, {shift.starts:%H:%M}–{shift.ends:%H:%M}"


class AssignDialog(QDialog):
    """The volunteer picker of one day of the roster: who is on the shift, and who may be put on it."""

    #: A volunteer was put on or taken off, or the shift was removed (the roster loads again).
    changed = Signal()
    #: The user wants to tick turn-out for this shift (a ShiftView).
    turnout_requested = Signal(object)

    def __init__(
        self,
        service: WatchService,
        title: str,
        shifts: Sequence[ShiftView],
        now: datetime,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.shifts = list(shifts)
        self.now = now
        self._volunteers: dict[uuid.UUID, tuple[VolunteerView, ...]] = {}
        self._generation = 0
        self.setWindowTitle("Put volunteers on duty")
        self.setMinimumWidth(640)

        heading = QLabel(title)
        set_role(heading, "heading")
        heading.setWordWrap(True)
        self.shift_box = QComboBox()
        for shift in self.shifts:
            self.shift_box.addItem(shift_label(shift), shift.id)
        self.shift_box.setVisible(len(self.shifts) > 1)
        self.shift_text = QLabel("")
        self.shift_text.setWordWrap(True)
        self.need_text = QLabel("")
        self.on_duty = QListWidget()
        self.eligible = QListWidget()
        for widget in (self.on_duty, self.eligible):
            widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            widget.setAlternatingRowColors(True)
        self.take_off_button = QPushButton("Take off duty")
        self.put_on_button = QPushButton("Put on duty")
        self.put_on_button.setDefault(True)
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        set_role(self.error_label, "field-error")
        self.error_label.hide()

        lists = QGridLayout()
        lists.setHorizontalSpacing(16)
        on_caption, eligible_caption = QLabel("On duty"), QLabel("Verified volunteers who can go on duty")
        for caption in (on_caption, eligible_caption):
            font = caption.font()
            font.setBold(True)
            caption.setFont(font)
        lists.addWidget(on_caption, 0, 0)
        lists.addWidget(eligible_caption, 0, 1)
        lists.addWidget(self.on_duty, 1, 0)
        lists.addWidget(self.eligible, 1, 1)
        lists.addWidget(self.take_off_button, 2, 0, Qt.AlignmentFlag.AlignLeft)
        lists.addWidget(self.put_on_button, 2, 1, Qt.AlignmentFlag.AlignLeft)

        self.buttons = QDialogButtonBox()
        self.turnout_button = self.buttons.addButton("Record turn-out…", QDialogButtonBox.ButtonRole.ActionRole)
        self.remove_button = self.buttons.addButton("Remove this shift…", QDialogButtonBox.ButtonRole.ActionRole)
        close = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        for button in (self.turnout_button, self.remove_button, close, self.take_off_button):
            button.setAutoDefault(False)
        close.clicked.connect(self.reject)
        self.turnout_button.clicked.connect(self._turnout)
        self.remove_button.clicked.connect(self.ask_remove)
        self.put_on_button.clicked.connect(self.put_on)
        self.take_off_button.clicked.connect(self.take_off)
        self.eligible.itemDoubleClicked.connect(lambda _item: self.put_on())
        self.eligible.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.on_duty.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.shift_box.currentIndexChanged.connect(lambda _index: self._shift_changed())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.addWidget(heading)
        layout.addWidget(self.shift_box)
        layout.addWidget(self.shift_text)
        layout.addWidget(self.need_text)
        layout.addLayout(lists, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.resize(700, 480)
        self._shift_changed()

    # -- the shift shown ---------------------------------------------------------------------------------
    def shift(self) -> ShiftView:
        """The shift being filled."""
        return self.shifts[max(0, self.shift_box.currentIndex())]

    def started(self) -> bool:
        """True once the shift has started."""
        shift = self.shift()
        return datetime.combine(shift.shift_date, shift.starts) <= self.now

    def _shift_changed(self) -> None:
        self.error_label.hide()
        shift = self.shift()
        self.shift_text.setText(f"{shift.group_name}: {describe_shift(shift.shift_date, shift.starts, shift.ends)}")
        self._show_shift()
        if shift.group_id in self._volunteers:
            self._show_eligible()
        else:
            self._load_volunteers(shift.group_id)

    def _show_shift(self) -> None:
        shift = self.shift()
        self.need_text.setText(
            f"{len(shift.volunteers)} of {shift.volunteers_needed} volunteers on duty"
            + (f"; short by {shift.short_by}." if shift.short_by else "; the shift is full.")
        )
        set_role(self.need_text, "field-warning" if shift.short_by else "field-ok")
        self.on_duty.clear()
        for volunteer in shift.volunteers:
            state = {True: "  (turned out)", False: "  (did not turn out)", None: ""}[volunteer.turned_out]
            item = QListWidgetItem(volunteer.name + state)
            item.setData(Qt.ItemDataRole.UserRole, volunteer.volunteer_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, volunteer.turned_out)
            self.on_duty.addItem(item)
        self._update_buttons()

    def _load_volunteers(self, group_id: uuid.UUID) -> None:
        self._generation += 1
        generation, service = self._generation, self.service
        self.eligible.clear()

        def show(volunteers: tuple[VolunteerView, ...]) -> None:
            self._volunteers[group_id] = volunteers
            if generation == self._generation:
                self._show_eligible()

        Task(lambda: service.volunteers(group_id), parent=self).on_success(show).run()

    def eligible_volunteers(self) -> list[VolunteerView]:
        """Verified volunteers of the shift's group, who had joined by then and are not on it."""
        shift = self.shift()
        on = {v.volunteer_id for v in shift.volunteers}
        return [
            v
            for v in self._volunteers.get(shift.group_id, ())
            if v.may_go_on_duty and v.joined_on <= shift.shift_date and v.id not in on
        ]

    def _show_eligible(self) -> None:
        self.eligible.clear()
        for volunteer in self.eligible_volunteers():
            item = QListWidgetItem(volunteer.name)
            item.setData(Qt.ItemDataRole.UserRole, volunteer.id)
            self.eligible.addItem(item)
        if self.eligible.count():
            self.eligible.setCurrentRow(0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        shift = self.shift()
        item = self.on_duty.currentItem()
        self.put_on_button.setEnabled(self.eligible.currentItem() is not None and shift.short_by > 0)
        self.take_off_button.setEnabled(item is not None and item.data(Qt.ItemDataRole.UserRole + 1) is None)
        self.turnout_button.setVisible(self.started())
        self.turnout_button.setEnabled(bool(shift.volunteers))

    def choose(self, volunteer_id: uuid.UUID) -> bool:
        """Select a volunteer in the list of those who can go on duty; False when not listed."""
        for row in range(self.eligible.count()):
            if self.eligible.item(row).data(Qt.ItemDataRole.UserRole) == volunteer_id:
                self.eligible.setCurrentRow(row)
                return True
        return False

    # -- changes ----------------------------------------------------------------------------------------
    def _updated(self, view: ShiftView) -> None:
        self.shifts = [view if s.id == view.id else s for s in self.shifts]
        self._show_shift()
        self._show_eligible()
        self.changed.emit()

    def _failed(self, error: CopdeskError) -> None:
        self.error_label.setText(error.message)
        self.error_label.show()

    def put_on(self) -> None:
        """Put the selected volunteer on the shift (the service refuses double-booking, with the reason)."""
        item = self.eligible.currentItem()
        if item is None or not self.put_on_button.isEnabled():
            return
        self.error_label.hide()
        service, shift_id, volunteer_id = self.service, self.shift().id, item.data(Qt.ItemDataRole.UserRole)
        self.put_on_button.setEnabled(False)
        (
            Task(lambda: service.assign(shift_id, volunteer_id), parent=self)
            .on_success(self._updated)
            .on_failure(self._failed)
            .on_done(self._update_buttons)
            .run()
        )

    def take_off(self) -> None:
        """Take the selected volunteer off the shift."""
        item = self.on_duty.currentItem()
        if item is None or not self.take_off_button.isEnabled():
            return
        self.error_label.hide()
        service, shift_id, volunteer_id = self.service, self.shift().id, item.data(Qt.ItemDataRole.UserRole)
        (
            Task(lambda: service.unassign(shift_id, volunteer_id), parent=self)
            .on_success(self._updated)
            .on_failure(self._failed)
            .run()
        )

    def _turnout(self) -> None:
        self.turnout_requested.emit(self.shift())
        self.accept()

    def ask_remove(self) -> None:
        """Ask, then take the shift off the roster."""
        shift, service = self.shift(), self.service

        def removed() -> None:
            self.changed.emit()
            self.accept()

        def remove() -> None:
            (
                Task(lambda: service.delete_shift(shift.id), parent=self)
                .on_success(lambda _none: removed())
                .on_failure(self._failed)
                .run()
            )

        confirm(
            self,
            f"Take the shift of {describe_shift(shift.shift_date, shift.starts, shift.ends)} off the roster?",
            remove,
            yes_text="Remove shift",
        )


class TurnoutDialog(GuardedFormDialog):
    """Tick, for a shift that has started, which volunteers turned out and which did not."""

    def __init__(self, service: WatchService, shift: ShiftView, parent: QWidget | None = None) -> None:
        super().__init__(
            "Turn-out",
            "Save turn-out",
            parent,
            f"{shift.group_name}: {describe_shift(shift.shift_date, shift.starts, shift.ends)}. "
            "Tick each volunteer who was on duty.",
        )
        self.service, self.shift = service, shift
        self.ticks: dict[uuid.UUID, tuple[QRadioButton, QRadioButton]] = {}
        for number, volunteer in enumerate(shift.volunteers):
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            came, missed = QRadioButton("Turned out"), QRadioButton("Did not turn out")
            group = QButtonGroup(row)
            group.addButton(came)
            group.addButton(missed)
            came.setChecked(volunteer.turned_out is True)
            missed.setChecked(volunteer.turned_out is False)
            line.addWidget(came)
            line.addWidget(missed)
            line.addStretch(1)
            self.ticks[volunteer.volunteer_id] = (came, missed)
            self.form.add_field(f"volunteer_{number}", volunteer.name, row)
        everyone = QPushButton("Everyone turned out")
        everyone.setAutoDefault(False)
        everyone.clicked.connect(self.all_turned_out)
        self.extra.addWidget(everyone, 0, Qt.AlignmentFlag.AlignLeft)
        self.mark_clean()

    def values(self) -> tuple[Any, ...]:
        """The ticks."""
        return tuple((came.isChecked(), missed.isChecked()) for came, missed in self.ticks.values())

    def tick(self, volunteer_id: uuid.UUID, turned_out: bool) -> None:
        """Tick one volunteer as turned out or not."""
        came, missed = self.ticks[volunteer_id]
        (came if turned_out else missed).setChecked(True)

    def all_turned_out(self) -> None:
        """Tick everyone as turned out."""
        for came, _missed in self.ticks.values():
            came.setChecked(True)

    def operation(self) -> Callable[[], object] | None:
        """Record the ticks."""
        turnout = {
            volunteer_id: came.isChecked()
            for volunteer_id, (came, missed) in self.ticks.items()
            if came.isChecked() or missed.isChecked()
        }
        if not turnout:
            self.show_problem("Tick at least one volunteer as turned out or not.")
            return None
        service, shift_id = self.service, self.shift.id
        return lambda: service.record_turnout(shift_id, turnout)


class ShiftDialog(GuardedFormDialog):
    """Plan one duty shift of a group."""

    def __init__(
        self, service: WatchService, groups: Sequence[GroupView], day: date, parent: QWidget | None = None
    ) -> None:
        super().__init__("New duty shift", "Add shift", parent, "A shift that ends before it starts ends next morning.")
        self.service = service
        self.group = QComboBox()
        for group in groups:
            self.group.addItem(f"{group.name} ({group.beat_name}, {group.station_name})", group.id)
        self.shift_date = date_box(day)
        self.starts = time_box(time(22, 0))
        self.ends = time_box(time(4, 0))
        self.needed = QSpinBox()
        self.needed.setRange(1, MAX_PER_SHIFT)
        self.needed.setValue(2)
        self.notes = notes_box(lines=2)
        self.form.add_field("group_id", "Group", self.group)
        self.form.add_field("shift_date", "Day", self.shift_date)
        self.form.add_field("starts", "Starts", self.starts)
        self.form.add_field("ends", "Ends", self.ends)
        self.form.add_field("volunteers_needed", "Volunteers needed", self.needed)
        self.form.add_field("notes", "Notes", self.notes, "Optional.")
        self.starts.timeChanged.connect(lambda _t: self._check_times())
        self.ends.timeChanged.connect(lambda _t: self._check_times())
        self._check_times()
        self.mark_clean()

    def values(self) -> tuple[Any, ...]:
        """The form's values."""
        return (
            self.group.currentData(),
            day_of(self.shift_date),
            time_of(self.starts),
            time_of(self.ends),
            self.needed.value(),
            self.notes.toPlainText(),
        )

    def _check_times(self) -> bool:
        return check_shift_times(self.form, self.starts, self.ends)

    def operation(self) -> Callable[[], object] | None:
        """Create the shift."""
        if not self._check_times():
            return None
        group_id = self.group.currentData()
        if not isinstance(group_id, uuid.UUID):
            self.form.set_error("group_id", "Choose the group.")
            return None
        draft = ShiftDraft(
            group_id,
            day_of(self.shift_date),
            time_of(self.starts),
            time_of(self.ends),
            self.needed.value(),
            self.notes.toPlainText(),
        )
        service = self.service
        return lambda: service.create_shift(draft)


class FillWeekDialog(FormDialog):
    """Fill a week of night shifts for the chosen groups with the rotation (fair, never double-booked)."""

    def __init__(
        self, service: WatchService, groups: Sequence[GroupView], week_start: date, parent: QWidget | None = None
    ) -> None:
        last = date.fromordinal(week_start.toordinal() + 6)
        super().__init__(
            "Fill this week",
            "Fill the week",
            parent,
            f"Plans a night shift for every day from {long_date(week_start)} to {long_date(last)} and puts verified "
            "volunteers on them in turn. Shifts already planned are kept and filled up; nobody is double-booked.",
        )
        self.service, self.week_start = service, week_start
        self.group_list = QListWidget()
        for group in groups:
            item = QListWidgetItem(f"{group.name} ({group.beat_name}) – {group.verified_volunteers} verified")
            item.setData(Qt.ItemDataRole.UserRole, group.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.group_list.addItem(item)
        rows = min(max(len(groups), 2), 8)
        self.group_list.setFixedHeight(self.group_list.sizeHintForRow(0) * rows + 8 if groups else 60)
        self.starts = time_box(time(22, 0))
        self.ends = time_box(time(4, 0))
        self.per_shift = QSpinBox()
        self.per_shift.setRange(1, MAX_PER_SHIFT)
        self.per_shift.setValue(2)
        self.form.add_field("groups", "Groups", self.group_list)
        self.form.add_field("starts", "Shift starts", self.starts)
        self.form.add_field("ends", "Shift ends", self.ends)
        self.form.add_field("per_shift", "Volunteers per shift", self.per_shift)
        self.starts.timeChanged.connect(lambda _t: self._check_times())
        self.ends.timeChanged.connect(lambda _t: self._check_times())
        self._check_times()

    def _check_times(self) -> bool:
        return check_shift_times(self.form, self.starts, self.ends)

    def chosen_groups(self) -> list[uuid.UUID]:
        """The ticked groups."""
        return [
            self.group_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.group_list.count())
            if self.group_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def set_chosen(self, group_ids: Sequence[uuid.UUID]) -> None:
        """Tick exactly these groups."""
        for i in range(self.group_list.count()):
            item = self.group_list.item(i)
            wanted = item.data(Qt.ItemDataRole.UserRole) in group_ids
            item.setCheckState(Qt.CheckState.Checked if wanted else Qt.CheckState.Unchecked)

    def operation(self) -> Callable[[], object] | None:
        """Run the rotation for each ticked group; the results are reported on the roster."""
        self.form.clear_all()
        groups = self.chosen_groups()
        if not groups:
            self.form.set_error("groups", "Tick at least one group.")
            return None
        if not self._check_times():
            return None
        starts, ends = time_of(self.starts), time_of(self.ends)
        service, first, per_shift = self.service, self.week_start, self.per_shift.value()

        def fill() -> tuple[RotationResult, ...]:
            return tuple(service.generate_rotation(g, first, 7, starts, ends, per_shift) for g in groups)

        return fill
