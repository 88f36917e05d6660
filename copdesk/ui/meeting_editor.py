"""The meeting editor: attendance, agenda, minutes, decisions, action items and disputes heard; closing.

The header (date, time, venue), the attendance marks, the officers present and the minutes are edited in place
and saved together (Save, Ctrl+S); leaving with them unsaved asks first. Agenda points, guests, decisions,
action items and disputes are added, changed and removed one at a time, each saved at once. Closing a meeting
saves first, then shows in plain words what still stops it from closing. A closed meeting is read-only; a
station or district officer may reopen it, giving the reason.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from copdesk.errors import CopdeskError, ValidationError
from copdesk.models.meetings import ActionStatus, AttendanceStatus, DisputeOutcome, MeetingStatus
from copdesk.models.people import Gender
from copdesk.services.context import ServiceContext
from copdesk.services.meetings import (
    MINUTES_MAX,
    ActionItemDraft,
    ActionItemView,
    AgendaEntry,
    AttendanceView,
    DecisionView,
    DisputeDraft,
    DisputeView,
    GuestView,
    MeetingNotReady,
    MeetingService,
    MeetingView,
)
from copdesk.services.organisation import OfficerView, OrganisationService
from copdesk.services.paging import MAX_PAGE, PageRequest
from copdesk.ui.committee_dialogs import (
    TIME_FORMAT,
    date_input,
    date_of,
    day_text,
    multiline,
    time_of,
)
from copdesk.ui.dialogs import confirm, show_error
from copdesk.ui.forms import FieldForm, GuardedFormDialog
from copdesk.ui.list_screen import RecordTableView
from copdesk.ui.paged_model import Column
from copdesk.ui.print_preview import PrintPreviewDialog, preview_minutes
from copdesk.ui.rows_model import RowsTableModel
from copdesk.ui.tasks import Task
from copdesk.ui.theme import BASE_POINT_SIZE, OK_COLOUR, UI_FAMILY, URDU_FAMILY, WARNING_COLOUR, set_invalid, set_role

GENDER_LABELS = {Gender.MALE: "Male", Gender.FEMALE: "Female", Gender.TRANSGENDER: "Transgender"}
ATTENDANCE_CHOICES = (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED)
FormT = TypeVar("FormT", bound=GuardedFormDialog)
CARRIED_TIP = "Carried over: an open action item of an earlier meeting, to be followed up."
CARRIED_COLOUR = "#1f4e79"
#: Urdu text in the minutes is drawn this large (Nastaliq needs it to be legible).
URDU_POINT_SIZE = 13

GUEST_COLUMNS: tuple[Column[GuestView], ...] = (
    Column("Name", lambda g: g.name, width=150),
    Column("Gender", lambda g: GENDER_LABELS.get(g.gender, str(g.gender)), width=80),
    Column("Designation", lambda g: g.designation),
)
DECISION_COLUMNS: tuple[Column[DecisionView], ...] = (
    Column("No.", lambda d: d.position, width=50),
    Column("Decision", lambda d: d.text),
)
ACTION_COLUMNS: tuple[Column[ActionItemView], ...] = (
    Column("Action", lambda a: a.text, width=380),
    Column("Responsible", lambda a: a.owner, width=220),
    Column("Due by", lambda a: a.due_on, width=110),
    Column("Status", lambda a: a.status_label + (" (overdue)" if a.overdue else ""), width=110),
    Column("Completed", lambda a: a.completed_on),
)
DISPUTE_COLUMNS: tuple[Column[DisputeView], ...] = (
    Column("Parties", lambda d: d.parties, width=260),
    Column("Nature", lambda d: d.nature, width=220),
    Column("Outcome", lambda d: d.outcome_label, width=160),
    Column("Remarks", lambda d: d.remarks),
)


# --- text direction ------------------------------------------------------------------------------------------


def text_direction(text: str, sample: int = 4000) -> Qt.LayoutDirection:
    """Right-to-left when most letters with a strong direction (of the first ``sample``) are Urdu/Arabic."""
    right = left = 0
    for ch in text[:sample]:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            right += 1
        elif kind == "L":
            left += 1
    return Qt.LayoutDirection.RightToLeft if right > left else Qt.LayoutDirection.LeftToRight


def follow_direction(edit: QPlainTextEdit | QLineEdit) -> None:
    """Set the box's direction (and an Urdu-friendly font) from what it holds; call again when it changes.

    Urdu is drawn in Nastaliq, larger, right-aligned; Latin letters and spaces keep the desk's font.
    """
    text = edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()
    direction = text_direction(text)
    rtl = direction == Qt.LayoutDirection.RightToLeft
    if edit.layoutDirection() != direction:
        edit.setLayoutDirection(direction)
    if isinstance(edit, QPlainTextEdit):
        document = edit.document()
        option = document.defaultTextOption()
        if option.textDirection() != direction:
            option.setTextDirection(direction)
            side = Qt.AlignmentFlag.AlignRight if rtl else Qt.AlignmentFlag.AlignLeft
            option.setAlignment(side | Qt.AlignmentFlag.AlignAbsolute)
            document.setDefaultTextOption(option)
    if edit.property("urdu") != rtl:
        edit.setProperty("urdu", rtl)
        font = QFont(edit.font())
        font.setFamilies([UI_FAMILY, URDU_FAMILY])
        if isinstance(edit, QPlainTextEdit):
            font.setPointSize(URDU_POINT_SIZE if rtl else BASE_POINT_SIZE)
        edit.setFont(font)


# --- forms for the parts of a meeting -------------------------------------------------------------------------


class GuestDialog(GuardedFormDialog):
    """Someone present who is neither a member nor a district police officer."""

    def __init__(self, service: MeetingService, meeting_id: uuid.UUID, parent: QWidget | None = None) -> None:
        super().__init__("Add a guest", "Add guest", parent)
        self.service, self.meeting_id = service, meeting_id
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.gender = QComboBox()
        self.gender.setPlaceholderText("Choose…")
        for gender, label in GENDER_LABELS.items():
            self.gender.addItem(label, gender.value)
        self.gender.setCurrentIndex(-1)
        self.designation = QLineEdit()
        self.designation.setMaxLength(120)
        self.designation.setPlaceholderText("e.g. Headmistress, Government Girls High School")
        self.form.add_field("name", "Name", self.name)
        self.form.add_field("gender", "Gender", self.gender)
        self.form.add_field("designation", "Designation", self.designation, "Optional.")
        self.mark_clean()

    def values(self) -> tuple[object, ...]:
        """The form's values."""
        return (self.name.text(), self.gender.currentData(), self.designation.text())

    def operation(self) -> Callable[[], object] | None:
        """Add the guest after checking the fields."""
        self.form.clear_all()
        ok = True
        if not self.name.text().strip():
            self.form.set_error("name", "Enter the guest's name.")
            ok = False
        if self.gender.currentIndex() < 0:
            self.form.set_error("gender", "Choose male, female or transgender.")
            ok = False
        if not ok:
            return None
        service, meeting_id = self.service, self.meeting_id
        name, gender, designation = self.name.text(), str(self.gender.currentData()), self.designation.text()
        return lambda: service.add_guest(meeting_id, name, gender, designation)


class DecisionDialog(GuardedFormDialog):
    """Correct the wording of a decision."""

    def __init__(self, service: MeetingService, decision: DecisionView, parent: QWidget | None = None) -> None:
        super().__init__(f"Decision {decision.position}", "Save", parent)
        self.service, self.decision = service, decision
        self.text = multiline(5)
        self.text.setPlainText(decision.text)
        follow_direction(self.text)
        self.text.textChanged.connect(lambda: follow_direction(self.text))
        self.form.add_field("text", "Decision", self.text)
        self.mark_clean()

    def values(self) -> tuple[object, ...]:
        """The text."""
        return (self.text.toPlainText(),)

    def operation(self) -> Callable[[], object] | None:
        """Save the new wording."""
        self.form.clear_all()
        if not self.text.toPlainText().strip():
            self.form.set_error("text", "Enter the decision.")
            return None
        service, decision_id, text = self.service, self.decision.id, self.text.toPlainText()
        return lambda: service.update_decision(decision_id, text)


class ActionItemDialog(GuardedFormDialog):
    """An action decided at the meeting: what, who is responsible, by when."""

    def __init__(
        self,
        service: MeetingService,
        meeting: MeetingView,
        officers: Sequence[tuple[uuid.UUID, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            "Add an action item",
            "Add action item",
            parent,
            "Open action items are carried onto the agenda of the committee's next meetings until done or dropped.",
        )
        self.service, self.meeting = service, meeting
        self.text = multiline(3)
        self.text.textChanged.connect(lambda: follow_direction(self.text))
        self.member = QComboBox()
        self.member.addItem("No member", None)
        for member in meeting.attendance:
            self.member.addItem(f"{member.name} ({member.role_label.lower()})", member.member_id)
        self.officer = QComboBox()
        self.officer.addItem("No officer", None)
        for officer_id, label in officers:
            self.officer.addItem(label, officer_id)
        self.owner_text = QLineEdit()
        self.owner_text.setMaxLength(160)
        self.owner_text.setPlaceholderText("e.g. TMA, WAPDA office, the school's headmaster")
        self.has_due = QCheckBox("Due by")
        self.due_on = date_input(meeting.held_on, earliest=meeting.held_on)
        self.due_on.setEnabled(False)
        self.has_due.toggled.connect(self.due_on.setEnabled)
        due_row = QWidget()
        due_layout = QHBoxLayout(due_row)
        due_layout.setContentsMargins(0, 0, 0, 0)
        due_layout.addWidget(self.has_due)
        due_layout.addWidget(self.due_on)
        due_layout.addStretch(1)
        self.form.add_field("text", "Action", self.text)
        self.form.add_field("owner_member_id", "Member responsible", self.member)
        self.form.add_field("owner_officer_id", "Officer responsible", self.officer)
        self.form.add_field(
            "owner_text", "Or someone else", self.owner_text, "Give at least one: member, officer or name."
        )
        self.form.add_field("due_on", "Due date", due_row, "Optional.")
        self.mark_clean()

    def values(self) -> tuple[object, ...]:
        """The form's values."""
        return (
            self.text.toPlainText(),
            self.member.currentData(),
            self.officer.currentData(),
            self.owner_text.text(),
            self.has_due.isChecked(),
            date_of(self.due_on),
        )

    def operation(self) -> Callable[[], object] | None:
        """Add the action item after checking the fields."""
        self.form.clear_all()
        ok = True
        if not self.text.toPlainText().strip():
            self.form.set_error("text", "Enter the action to be taken.")
            ok = False
        if (
            self.member.currentData() is None
            and self.officer.currentData() is None
            and not self.owner_text.text().strip()
        ):
            self.form.set_error("owner_text", "Say who is responsible: a member, an officer or a name.")
            ok = False
        if not ok:
            return None
        draft = ActionItemDraft(
            text=self.text.toPlainText(),
            owner_member_id=self.member.currentData(),
            owner_officer_id=self.officer.currentData(),
            owner_text=self.owner_text.text(),
            due_on=date_of(self.due_on) if self.has_due.isChecked() else None,
        )
        service, meeting_id = self.service, self.meeting.id
        return lambda: service.add_action_item(meeting_id, draft)


class ActionDoneDialog(GuardedFormDialog):
    """Mark an action item done, on the day it was completed."""

    def __init__(
        self, service: MeetingService, action: ActionItemView, parent: QWidget | None = None, *, today: date
    ) -> None:
        super().__init__("Action done", "Mark done", parent, f"“{action.text}”")
        self.service, self.action = service, action
        self.completed_on = date_input(today, latest=today, earliest=min(action.raised_on, today))
        self.form.add_field("completed_on", "Completed on", self.completed_on)
        self.mark_clean()

    def values(self) -> tuple[object, ...]:
        """The day chosen."""
        return (date_of(self.completed_on),)

    def operation(self) -> Callable[[], object] | None:
        """Mark the action item done."""
        service, action, day = self.service, self.action, date_of(self.completed_on)
        return lambda: service.set_action_status(action.id, action.version, ActionStatus.DONE, day)


class DisputeDialog(GuardedFormDialog):
    """A dispute the committee heard: the parties, its nature, the outcome and remarks."""

    def __init__(
        self,
        service: MeetingService,
        meeting_id: uuid.UUID,
        dispute: DisputeView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Add a dispute heard" if dispute is None else "Dispute heard", "Save", parent)
        self.service, self.meeting_id, self.dispute = service, meeting_id, dispute
        self.parties = QLineEdit(dispute.parties if dispute else "")
        self.parties.setPlaceholderText("e.g. Muhammad Aslam vs Abdul Sattar")
        self.nature = QLineEdit(dispute.nature if dispute else "")
        self.nature.setMaxLength(200)
        self.nature.setPlaceholderText("e.g. Boundary wall between two houses")
        self.outcome = QComboBox()
        for outcome in DisputeOutcome:
            self.outcome.addItem(outcome.label, outcome.value)
        self.outcome.setCurrentIndex(
            self.outcome.findData((dispute.outcome if dispute else DisputeOutcome.PENDING).value)
        )
        self.remarks = multiline(3)
        self.remarks.setPlainText(dispute.remarks if dispute else "")
        for edit in (self.parties, self.nature):
            follow_direction(edit)
            edit.textChanged.connect(lambda _text, e=edit: follow_direction(e))
        follow_direction(self.remarks)
        self.remarks.textChanged.connect(lambda: follow_direction(self.remarks))
        self.form.add_field("parties", "Parties", self.parties)
        self.form.add_field("nature", "Nature of the dispute", self.nature)
        self.form.add_field("outcome", "Outcome", self.outcome)
        self.form.add_field("remarks", "Remarks", self.remarks, "Optional.")
        self.mark_clean()

    def values(self) -> tuple[object, ...]:
        """The form's values."""
        return (self.parties.text(), self.nature.text(), self.outcome.currentData(), self.remarks.toPlainText())

    def operation(self) -> Callable[[], object] | None:
        """Add or correct the dispute after checking the fields."""
        self.form.clear_all()
        ok = True
        if not self.parties.text().strip():
            self.form.set_error("parties", "Enter the parties to the dispute.")
            ok = False
        if not self.nature.text().strip():
            self.form.set_error("nature", "Enter the nature of the dispute.")
            ok = False
        if not ok:
            return None
        draft = DisputeDraft(
            self.parties.text(), self.nature.text(), str(self.outcome.currentData()), self.remarks.toPlainText()
        )
        service, meeting_id, dispute = self.service, self.meeting_id, self.dispute
        if dispute is None:
            return lambda: service.add_dispute(meeting_id, draft)
        return lambda: service.update_dispute(dispute.id, dispute.version, draft)


class ReopenDialog(GuardedFormDialog):
    """Reopen a closed meeting so it can be corrected; the reason is kept with the meeting."""

    def __init__(self, service: MeetingService, meeting: MeetingView, parent: QWidget | None = None) -> None:
        super().__init__(
            "Reopen the meeting",
            "Reopen",
            parent,
            f"The meeting of {meeting.committee_name} on {day_text(meeting.held_on)} will count as held again "
            "only when it is closed again. Say why it is being reopened; the reason is kept with the meeting.",
        )
        self.service, self.meeting = service, meeting
        self.reason = multiline(3)
        self.form.add_field("reason", "Reason", self.reason)
        self.mark_clean()

    def values(self) -> tuple[object, ...]:
        """The reason."""
        return (self.reason.toPlainText(),)

    def operation(self) -> Callable[[], object] | None:
        """Reopen the meeting with the reason given."""
        self.form.clear_all()
        if not self.reason.toPlainText().strip():
            self.form.set_error("reason", "Say why the meeting is being reopened.")
            return None
        service, meeting_id, reason = self.service, self.meeting.id, self.reason.toPlainText()
        return lambda: service.reopen(meeting_id, reason)


# --- the editor ----------------------------------------------------------------------------------------------


def _table(model: RowsTableModel, columns: Sequence[Column[Any]]) -> RecordTableView:
    table = RecordTableView()
    table.setModel(model)
    table.setSortingEnabled(False)
    for number, column in enumerate(columns):
        if column.width:
            table.setColumnWidth(number, column.width)
    return table


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _button_row(*widgets: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(8)
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return row


def _officer_label(rank_label: str, name: str, number: str) -> str:
    return f"{rank_label} {name}".strip() + (f" ({number})" if number else "")


class MeetingEditor(QWidget):
    """One meeting of a committee, as the desk records it: the meeting screen's editor page."""

    #: The user left the editor (Back, or the meeting was deleted).
    closed = Signal()
    #: Something of the meeting was saved (lists showing meetings should load again).
    changed = Signal()
    #: A meeting (MeetingView) is shown, fresh from the database.
    loaded = Signal(object)
    #: A short note for the status bar.
    status_message = Signal(str)

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = MeetingService(context)
        self.organisation = OrganisationService(context)
        self.view: MeetingView | None = None
        self.can_update = context.can("meeting.update")
        self.can_close = context.can("meeting.close")
        self.can_reopen = context.can("meeting.reopen")
        self.can_delete = context.can("meeting.delete")
        self._attendance: dict[uuid.UUID, AttendanceStatus | None] = {}
        self._groups: dict[uuid.UUID, QButtonGroup] = {}
        self._officers_known: dict[uuid.UUID, str] = {}
        self._officer_ids: set[uuid.UUID] = set()
        self._snapshot: tuple[object, ...] | None = None
        self._discard_confirmed = False
        self._officers_loaded_for: tuple[uuid.UUID, bool] | None = None
        self._build()

    # -- building -----------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.back_button = QPushButton(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowBack), "Back")
        self.back_button.setToolTip("Back to the list")
        self.back_button.clicked.connect(lambda: self.ask_discard(self.closed.emit))
        self.heading = QLabel("Meeting")
        set_role(self.heading, "heading")
        self.status_label = QLabel("")
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Save the date, venue, attendance and minutes (Ctrl+S)")
        self.save_button.clicked.connect(lambda _checked=False: self.save())
        self.close_button = QPushButton("Close meeting")
        self.close_button.setToolTip("Record the meeting as held; it cannot be changed afterwards")
        self.close_button.clicked.connect(self.close_meeting)
        self.reopen_button = QPushButton("Reopen…")
        self.reopen_button.clicked.connect(self.reopen)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.clicked.connect(self.ask_delete)
        self.print_button = QPushButton("Print minutes…")
        self.print_button.setVisible(False)
        self.print_button.clicked.connect(lambda _checked=False: self.print_minutes())
        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.back_button)
        top.addWidget(self.heading)
        top.addWidget(self.status_label)
        top.addStretch(1)
        for button in (self.print_button, self.delete_button, self.reopen_button, self.close_button, self.save_button):
            top.addWidget(button)

        self.subtitle = QLabel("")
        set_role(self.subtitle, "muted")
        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        set_role(self.notice, "muted")
        self.notice.hide()
        self.problems = QLabel("")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        set_role(self.problems, "field-error")
        self.problems.hide()

        self.held_on = date_input(date.today())
        self.has_time = QCheckBox("Starts at")
        self.start_time = QTimeEdit(QTime(11, 0))
        self.start_time.setDisplayFormat(TIME_FORMAT)
        self.has_time.toggled.connect(self.start_time.setEnabled)
        self.venue = QLineEdit()
        self.venue.setMaxLength(200)
        self.details = FieldForm()
        self.details.add_field("held_on", "Date", self.held_on)
        self.time_form = FieldForm()
        time_row = QWidget()
        time_layout = QHBoxLayout(time_row)
        time_layout.setContentsMargins(0, 0, 0, 0)
        time_layout.addWidget(self.has_time)
        time_layout.addWidget(self.start_time)
        self.time_form.add_field("start_time", "", time_row)
        self.venue_form = FieldForm()
        self.venue_form.add_field("venue", "Venue", self.venue)
        details_row = QHBoxLayout()
        details_row.setSpacing(24)
        details_row.addLayout(self.details)
        details_row.addLayout(self.time_form)
        details_row.addLayout(self.venue_form, 1)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self._attendance_tab(), "Attendance")
        self.tabs.addTab(self._agenda_tab(), "Agenda")
        self.tabs.addTab(self._minutes_tab(), "Minutes")
        self.tabs.addTab(self._decisions_tab(), "Decisions")
        self.tabs.addTab(self._actions_tab(), "Action items")
        self.tabs.addTab(self._disputes_tab(), "Disputes heard")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.notice)
        layout.addWidget(self.problems)
        layout.addLayout(details_row)
        layout.addWidget(self.tabs, 1)

        self.held_on.dateChanged.connect(self._edited)
        self.has_time.toggled.connect(self._edited)
        self.start_time.timeChanged.connect(self._edited)
        self.venue.textChanged.connect(self._edited)
        self.minutes.textChanged.connect(self._minutes_edited)

    def _attendance_tab(self) -> QWidget:
        self.attendance_table = QTableWidget(0, 6)
        self.attendance_table.setHorizontalHeaderLabels(
            ["Member", "Office", "Category", "Present", "Absent", "Excused"]
        )
        self.attendance_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attendance_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.attendance_table.setAlternatingRowColors(True)
        self.attendance_table.verticalHeader().setVisible(False)
        self.attendance_table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.attendance_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        header = self.attendance_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.attendance_table.setColumnWidth(1, 80)
        self.attendance_table.setColumnWidth(2, 172)
        for column in (3, 4, 5):
            self.attendance_table.setColumnWidth(column, 58)
        self.everyone_present = QPushButton("Everyone present")
        self.everyone_present.setToolTip("Mark every member not marked yet as present")
        self.everyone_present.clicked.connect(self.mark_everyone_present)
        self.attendance_summary = QLabel("")
        set_role(self.attendance_summary, "muted")
        left = QVBoxLayout()
        left.setContentsMargins(0, 8, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(_caption("Members"))
        heading.addStretch(1)
        heading.addWidget(self.everyone_present)
        left.addLayout(heading)
        left.addWidget(self.attendance_table, 1)
        left.addWidget(self.attendance_summary)

        self.officers_list = QListWidget()
        self.officers_list.itemChanged.connect(self._officer_ticked)
        self.other_stations = QCheckBox("Show officers of every station")
        self.other_stations.toggled.connect(lambda _checked: self._load_officers())
        self.guest_model = RowsTableModel(GUEST_COLUMNS, self)
        self.guests_table = _table(self.guest_model, GUEST_COLUMNS)
        self.add_guest_button = QPushButton("Add guest…")
        self.add_guest_button.clicked.connect(self.add_guest)
        self.remove_guest_button = QPushButton("Remove")
        self.remove_guest_button.clicked.connect(self.remove_guest)
        right = QVBoxLayout()
        right.setContentsMargins(0, 8, 0, 0)
        right.addWidget(_caption("Police officers present"))
        right.addWidget(self.officers_list, 3)
        right.addWidget(self.other_stations)
        right.addSpacing(6)
        right.addWidget(_caption("Guests"))
        right.addWidget(self.guests_table, 2)
        right.addLayout(_button_row(self.add_guest_button, self.remove_guest_button))

        page = QWidget()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        left_box, right_box = QWidget(), QWidget()
        left_box.setLayout(left)
        right_box.setLayout(right)
        left.setContentsMargins(0, 8, 8, 0)
        right.setContentsMargins(8, 8, 0, 0)
        splitter.addWidget(left_box)
        splitter.addWidget(right_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        return page

    def _agenda_tab(self) -> QWidget:
        self.agenda_list = QListWidget()
        self.agenda_list.setWordWrap(True)
        self.agenda_list.setSpacing(3)
        self.agenda_list.currentRowChanged.connect(lambda _row: self._update_part_buttons())
        self.agenda_text = QLineEdit()
        self.agenda_text.setPlaceholderText("A new agenda point")
        self.agenda_text.setMaxLength(1000)
        self.agenda_text.returnPressed.connect(self.add_agenda_item)
        self.agenda_text.textChanged.connect(lambda: follow_direction(self.agenda_text))
        self.add_agenda_button = QPushButton("Add point")
        self.add_agenda_button.clicked.connect(self.add_agenda_item)
        self.agenda_up = QPushButton("Move up")
        self.agenda_up.clicked.connect(lambda: self.move_agenda_item(-1))
        self.agenda_down = QPushButton("Move down")
        self.agenda_down.clicked.connect(lambda: self.move_agenda_item(1))
        self.remove_agenda_button = QPushButton("Remove")
        self.remove_agenda_button.clicked.connect(self.remove_agenda_item)
        legend = QLabel("↻  Carried over: open action items of earlier meetings, followed up here until done.")
        set_role(legend, "muted")
        add_row = QHBoxLayout()
        add_row.addWidget(self.agenda_text, 1)
        add_row.addWidget(self.add_agenda_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addWidget(self.agenda_list, 1)
        layout.addWidget(legend)
        layout.addLayout(add_row)
        layout.addLayout(_button_row(self.agenda_up, self.agenda_down, self.remove_agenda_button))
        return page

    def _minutes_tab(self) -> QWidget:
        self.minutes = QPlainTextEdit()
        self.minutes.setPlaceholderText("What was discussed, in English or Urdu.")
        self.minutes_hint = QLabel("Write in English or Urdu: the text direction follows what you write.")
        set_role(self.minutes_hint, "muted")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addWidget(self.minutes, 1)
        layout.addWidget(self.minutes_hint)
        return page

    def _decisions_tab(self) -> QWidget:
        self.decision_model = RowsTableModel(DECISION_COLUMNS, self)
        self.decisions_table = _table(self.decision_model, DECISION_COLUMNS)
        self.decisions_table.open_requested.connect(lambda _index: self.change_decision())
        self.decision_text = QLineEdit()
        self.decision_text.setPlaceholderText("A decision of the meeting")
        self.decision_text.setMaxLength(4000)
        self.decision_text.returnPressed.connect(self.add_decision)
        self.decision_text.textChanged.connect(lambda: follow_direction(self.decision_text))
        self.add_decision_button = QPushButton("Add decision")
        self.add_decision_button.clicked.connect(self.add_decision)
        self.change_decision_button = QPushButton("Change…")
        self.change_decision_button.clicked.connect(self.change_decision)
        self.remove_decision_button = QPushButton("Remove")
        self.remove_decision_button.clicked.connect(self.remove_decision)
        add_row = QHBoxLayout()
        add_row.addWidget(self.decision_text, 1)
        add_row.addWidget(self.add_decision_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addWidget(self.decisions_table, 1)
        layout.addLayout(add_row)
        layout.addLayout(_button_row(self.change_decision_button, self.remove_decision_button))
        self.decisions_table.selectionModel().selectionChanged.connect(self._update_part_buttons)
        return page

    def _actions_tab(self) -> QWidget:
        self.action_model = RowsTableModel(ACTION_COLUMNS, self)
        self.actions_table = _table(self.action_model, ACTION_COLUMNS)
        self.add_action_button = QPushButton("Add action item…")
        self.add_action_button.clicked.connect(self.add_action_item)
        self.done_action_button = QPushButton("Mark done…")
        self.done_action_button.clicked.connect(self.mark_action_done)
        self.drop_action_button = QPushButton("Drop…")
        self.drop_action_button.clicked.connect(self.drop_action)
        self.reopen_action_button = QPushButton("Open again")
        self.reopen_action_button.clicked.connect(self.reopen_action)
        self.remove_action_button = QPushButton("Remove")
        self.remove_action_button.clicked.connect(self.remove_action_item)
        note = QLabel("Progress on action items can be recorded even after the meeting is closed.")
        set_role(note, "muted")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addWidget(self.actions_table, 1)
        layout.addWidget(note)
        layout.addLayout(
            _button_row(
                self.add_action_button,
                self.done_action_button,
                self.drop_action_button,
                self.reopen_action_button,
                self.remove_action_button,
            )
        )
        self.actions_table.selectionModel().selectionChanged.connect(self._update_part_buttons)
        return page

    def _disputes_tab(self) -> QWidget:
        self.dispute_model = RowsTableModel(DISPUTE_COLUMNS, self)
        self.disputes_table = _table(self.dispute_model, DISPUTE_COLUMNS)
        self.disputes_table.open_requested.connect(lambda _index: self.change_dispute())
        self.add_dispute_button = QPushButton("Add dispute…")
        self.add_dispute_button.clicked.connect(self.add_dispute)
        self.change_dispute_button = QPushButton("Change…")
        self.change_dispute_button.clicked.connect(self.change_dispute)
        self.remove_dispute_button = QPushButton("Remove")
        self.remove_dispute_button.clicked.connect(self.remove_dispute)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        layout.addWidget(self.disputes_table, 1)
        layout.addLayout(_button_row(self.add_dispute_button, self.change_dispute_button, self.remove_dispute_button))
        self.disputes_table.selectionModel().selectionChanged.connect(self._update_part_buttons)
        return page

    # -- loading ------------------------------------------------------------------------------------------
    def load(self, meeting_id: uuid.UUID) -> None:
        """Load the meeting (off the GUI thread) and show it."""
        service = self.service
        Task(lambda: service.get(meeting_id), parent=self).on_success(self.show_meeting).run()

    def reload(self) -> None:
        """Load the shown meeting again (after asking about unsaved changes)."""
        view = self.view
        if view is not None:
            self.ask_discard(lambda: self.load(view.id))

    def show_meeting(self, view: MeetingView) -> None:
        """Show a meeting: its details, attendance and minutes as saved, and all its parts."""
        same = self.view is not None and self.view.id == view.id
        self.view = view
        self._discard_confirmed = False
        self.problems.hide()
        if not same:
            self.tabs.setCurrentIndex(0)
            self._officers_loaded_for = None
            self._officers_known = {}
        self._fill_inputs(view)
        self._fill_parts(view)
        self._update_attendance_summary()
        self._apply_state()
        self._load_officers()
        self.loaded.emit(view)

    def _fill_inputs(self, view: MeetingView) -> None:
        for widget in (self.held_on, self.has_time, self.start_time, self.venue, self.minutes):
            widget.blockSignals(True)
        self.held_on.setDate(QDate(view.held_on))
        self.has_time.setChecked(view.start_time is not None)
        start = view.start_time
        self.start_time.setTime(QTime(start.hour, start.minute) if start is not None else QTime(11, 0))
        self.venue.setText(view.venue)
        self.minutes.setPlainText(view.minutes)
        for widget in (self.held_on, self.has_time, self.start_time, self.venue, self.minutes):
            widget.blockSignals(False)
        follow_direction(self.minutes)
        for name in ("held_on",):
            self.details.clear(name)
        self.time_form.clear("start_time")
        self.venue_form.clear("venue")
        set_invalid(self.minutes, False)
        self._attendance = {a.member_id: a.status for a in view.attendance}
        self._fill_attendance(view.attendance)
        self._officer_ids = {o.officer_id for o in view.officers}
        for officer in view.officers:
            self._officers_known[officer.officer_id] = _officer_label(officer.rank_label, officer.name, officer.number)
        self._fill_officers()
        self._snapshot = self._values()
        self._edited()

    def _fill_attendance(self, attendance: Sequence[AttendanceView]) -> None:
        table = self.attendance_table
        table.setRowCount(0)
        for old in self._groups.values():
            old.deleteLater()
        self._groups = {}
        table.setRowCount(len(attendance))
        for row, member in enumerate(attendance):
            name = QTableWidgetItem(member.name)
            name.setToolTip(member.name)
            table.setItem(row, 0, name)
            table.setItem(row, 1, QTableWidgetItem(member.role_label))
            table.setItem(row, 2, QTableWidgetItem(member.category_label))
            group = QButtonGroup(table)
            group.setExclusive(True)
            for offset, status in enumerate(ATTENDANCE_CHOICES):
                button = QRadioButton()
                button.setAccessibleName(f"{member.name}: {status.label}")
                button.setToolTip(status.label)
                button.setChecked(member.status is status)
                group.addButton(button, offset)
                cell = QWidget()
                cell_layout = QHBoxLayout(cell)
                cell_layout.setContentsMargins(0, 0, 0, 0)
                cell_layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
                cell_layout.addWidget(button)
                table.setCellWidget(row, 3 + offset, cell)
            group.idClicked.connect(lambda number, member_id=member.member_id: self._marked(member_id, number))
            self._groups[member.member_id] = group

    def _fill_officers(self) -> None:
        self.officers_list.blockSignals(True)
        self.officers_list.clear()
        known = list(self._officers_known.items())
        ordered = [o for o in known if o[0] in self._officer_ids] + [o for o in known if o[0] not in self._officer_ids]
        for officer_id, label in ordered:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, officer_id)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if officer_id in self._officer_ids else Qt.CheckState.Unchecked)
            self.officers_list.addItem(item)
        if not ordered:
            item = QListWidgetItem("No officers recorded for this station. Add them in Settings → Officers.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.officers_list.addItem(item)
        self.officers_list.setEnabled(self._editable())
        self.officers_list.blockSignals(False)

    def _load_officers(self) -> None:
        view = self.view
        if view is None or not self.context.can("org.view"):
            return
        every = self.other_stations.isChecked()
        key = (view.station_id, every)
        if self._officers_loaded_for == key:
            return
        self._officers_loaded_for = key
        filters: dict[str, Any] = {"active": True}
        if not every:
            filters["station_id"] = view.station_id
        request = PageRequest(limit=MAX_PAGE, sort="rank", descending=True, filters=filters)
        organisation = self.organisation

        def loaded(officers: list[OfficerView]) -> None:
            if self.view is None or self.view.station_id != key[0]:
                return
            for officer in officers:
                self._officers_known[officer.id] = _officer_label(officer.rank_label, officer.name, officer.number) + (
                    f", {officer.station_name}" if every and officer.station_name else ""
                )
            self._fill_officers()

        Task(lambda: list(organisation.page_officers(request).rows), parent=self).on_success(loaded).run()

    def _fill_parts(self, view: MeetingView) -> None:
        self.agenda_list.clear()
        carried_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload)
        for item in view.agenda:
            entry = QListWidgetItem(f"{item.position}.  {item.text}")
            entry.setData(Qt.ItemDataRole.UserRole, item)
            if text_direction(item.text) == Qt.LayoutDirection.RightToLeft:
                entry.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if item.carried_from_action_id is not None:
                entry.setIcon(carried_icon)
                entry.setToolTip(CARRIED_TIP)
                entry.setForeground(QBrush(QColor(CARRIED_COLOUR)))
            self.agenda_list.addItem(entry)
        self.guest_model.set_rows(view.guests)
        self.decision_model.set_rows(view.decisions)
        self.action_model.set_rows(view.action_items)
        self.dispute_model.set_rows(view.disputes)
        self._update_tab_titles()
        self._update_part_buttons()

    def _update_tab_titles(self) -> None:
        view = self.view
        if view is None:
            return
        marked = sum(1 for status in self._attendance.values() if status is not None)
        self.tabs.setTabText(0, f"Attendance ({marked} of {len(self._attendance)})")
        self.tabs.setTabText(1, f"Agenda ({len(view.agenda)})")
        self.tabs.setTabText(
            2, "Minutes" if view.minutes.strip() or self.minutes.toPlainText().strip() else "Minutes (empty)"
        )
        self.tabs.setTabText(3, f"Decisions ({len(view.decisions)})")
        open_items = sum(1 for a in view.action_items if a.status is ActionStatus.OPEN)
        self.tabs.setTabText(4, f"Action items ({len(view.action_items)}, {open_items} open)")
        self.tabs.setTabText(5, f"Disputes heard ({len(view.disputes)})")

    def _apply_state(self) -> None:
        view = self.view
        if view is None:
            return
        editable = self._editable()
        closed = view.status is MeetingStatus.CLOSED
        self.heading.setText(f"Meeting of {view.committee_name}")
        self.status_label.setText(f"  {view.status_label}  ")
        self.status_label.setStyleSheet(
            "border-radius: 4px; padding: 2px 4px; color: white; "
            + f"background: {OK_COLOUR if closed else WARNING_COLOUR};"
        )
        parts = [view.committee_type_label, f"Police station {view.station_name}"]
        if view.notification_ref:
            parts.append(f"Notification {view.notification_ref}")
        self.subtitle.setText("   ·   ".join(parts))
        notes: list[str] = []
        if closed and view.closed_at is not None:
            notes.append(f"Closed on {view.closed_at.astimezone():%d %b %Y at %H:%M}; it counts as held.")
            if not self.can_reopen:
                notes.append("Only a station or district officer can reopen it to make corrections.")
        elif view.reopen_reason:
            notes.append(f"Reopened for corrections: {view.reopen_reason}")
        self.notice.setText(" ".join(notes))
        self.notice.setVisible(bool(notes))
        for box in (self.held_on, self.start_time):
            box.setReadOnly(not editable)
            box.setButtonSymbols(
                QAbstractSpinBox.ButtonSymbols.UpDownArrows if editable else QAbstractSpinBox.ButtonSymbols.NoButtons
            )
        self.held_on.setCalendarPopup(editable)
        self.venue.setReadOnly(not editable)
        self.has_time.setEnabled(editable)
        self.start_time.setEnabled(self.has_time.isChecked())
        self.minutes.setReadOnly(not editable)
        self.minutes_hint.setVisible(editable)
        self.everyone_present.setVisible(editable)
        for group in self._groups.values():
            for button in group.buttons():
                button.setEnabled(editable)
        self.officers_list.setEnabled(editable)
        self.other_stations.setVisible(editable)
        self.save_button.setVisible(editable)
        self.close_button.setVisible(not closed and self.can_close)
        self.reopen_button.setVisible(closed and self.can_reopen)
        self.delete_button.setVisible(not closed and self.can_delete)
        # A meeting not closed yet prints as draft minutes (the document says so on its first page).
        self.print_button.setVisible(self.context.can("print.documents"))
        self.print_button.setText("Print minutes…" if closed else "Print draft minutes…")
        self.print_button.setToolTip(
            "The minutes as signed and filed" if closed else "A draft of the minutes: the meeting is not closed yet"
        )
        for widget in (
            self.add_guest_button,
            self.remove_guest_button,
            self.agenda_text,
            self.add_agenda_button,
            self.agenda_up,
            self.agenda_down,
            self.remove_agenda_button,
            self.decision_text,
            self.add_decision_button,
            self.change_decision_button,
            self.remove_decision_button,
            self.add_action_button,
            self.remove_action_button,
            self.add_dispute_button,
            self.change_dispute_button,
            self.remove_dispute_button,
        ):
            widget.setVisible(editable)
        for widget in (self.done_action_button, self.drop_action_button, self.reopen_action_button):
            widget.setVisible(self.can_update)
        self._update_part_buttons()
        self._edited()

    def print_minutes(self) -> PrintPreviewDialog | None:
        """Open the print preview of the minutes as saved (unsaved changes are saved first)."""
        view = self.view
        if view is None:
            return None
        if self._editable() and self.is_dirty():

            def print_saved() -> None:
                self.print_minutes()

            self.save(then=print_saved)
            return None
        return preview_minutes(self, self.context, view.id)

    def _editable(self) -> bool:
        return self.view is not None and self.view.status is MeetingStatus.PLANNED and self.can_update

    # -- the values edited in place -------------------------------------------------------------------------
    def _values(self) -> tuple[object, ...]:
        return (
            date_of(self.held_on),
            time_of(self.start_time) if self.has_time.isChecked() else None,
            self.venue.text(),
            self.minutes.toPlainText(),
            tuple(sorted((str(k), v) for k, v in self._attendance.items() if v is not None)),
            tuple(sorted(str(i) for i in self._officer_ids)),
        )

    def is_dirty(self) -> bool:
        """True when the date, time, venue, attendance, officers or minutes were changed and not saved."""
        return self._snapshot is not None and self._editable() and self._values() != self._snapshot

    def _edited(self) -> None:
        dirty = self.is_dirty()
        self.save_button.setEnabled(dirty)
        self.save_button.setText("Save" if not dirty else "Save changes")

    def _minutes_edited(self) -> None:
        follow_direction(self.minutes)
        self._edited()

    def _marked(self, member_id: uuid.UUID, number: int) -> None:
        self._attendance[member_id] = ATTENDANCE_CHOICES[number]
        self._update_attendance_summary()
        self._edited()

    def _update_attendance_summary(self) -> None:
        view = self.view
        total = len(self._attendance)
        marked = sum(1 for s in self._attendance.values() if s is not None)
        present = sum(1 for s in self._attendance.values() if s is AttendanceStatus.PRESENT)
        women = 0
        if view is not None:
            women = sum(
                1
                for a in view.attendance
                if a.gender is Gender.FEMALE and self._attendance.get(a.member_id) is AttendanceStatus.PRESENT
            ) + sum(1 for g in view.guests if g.gender is Gender.FEMALE)
        text = f"{marked} of {total} members marked, {present} present; {women} women present (members and guests)."
        if total == 0:
            text = "The committee had no members on this date. Add members to the committee first."
        self.attendance_summary.setText(text)
        self._update_tab_titles()

    def attendance_button(self, member_id: uuid.UUID, status: AttendanceStatus) -> QRadioButton:
        """The radio button that marks this member with this status."""
        button = self._groups[member_id].button(ATTENDANCE_CHOICES.index(status))
        assert isinstance(button, QRadioButton)
        return button

    def mark_everyone_present(self) -> None:
        """Mark every member who is not marked yet as present."""
        for member_id, status in list(self._attendance.items()):
            if status is None:
                self.attendance_button(member_id, AttendanceStatus.PRESENT).setChecked(True)
                self._attendance[member_id] = AttendanceStatus.PRESENT
        self._update_attendance_summary()
        self._edited()

    def _officer_ticked(self, item: QListWidgetItem) -> None:
        officer_id = item.data(Qt.ItemDataRole.UserRole)
        if not isinstance(officer_id, uuid.UUID):
            return
        if item.checkState() == Qt.CheckState.Checked:
            self._officer_ids.add(officer_id)
        else:
            self._officer_ids.discard(officer_id)
        self._edited()

    def set_officer_present(self, officer_id: uuid.UUID, present: bool) -> None:
        """Tick (or untick) an officer in the list of officers present."""
        for row in range(self.officers_list.count()):
            item = self.officers_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == officer_id:
                item.setCheckState(Qt.CheckState.Checked if present else Qt.CheckState.Unchecked)
                return
        raise KeyError(officer_id)

    def _check_inputs(self) -> bool:
        ok = True
        if not self.venue.text().strip():
            self.venue_form.set_error("venue", "Enter the venue of the meeting.")
            ok = False
        else:
            self.venue_form.clear("venue")
        if len(self.minutes.toPlainText().strip()) > MINUTES_MAX:
            self.problems.setText(f"The minutes can be at most {MINUTES_MAX:,} characters long.")
            self.problems.show()
            self.tabs.setCurrentIndex(2)
            ok = False
        return ok

    # -- saving, closing, reopening -----------------------------------------------------------------------
    def save(self, then: Callable[[], None] | None = None) -> None:
        """Save the changed date, time, venue, attendance, officers present and minutes; then call ``then``."""
        view, snapshot = self.view, self._snapshot
        if view is None or snapshot is None or not self._editable():
            return
        if not self._check_inputs():
            return
        if not self.is_dirty():
            if then is not None:
                then()
            return
        held_on, start, venue, minutes = date_of(self.held_on), None, self.venue.text(), self.minutes.toPlainText()
        if self.has_time.isChecked():
            start = time_of(self.start_time)
        header_changed = (held_on, start, venue) != snapshot[:3]
        minutes_changed = minutes != snapshot[3]
        saved = {a.member_id: a.status for a in view.attendance}
        marks = {k: v for k, v in self._attendance.items() if v is not None and saved.get(k) is not v}
        officers = set(self._officer_ids) if tuple(sorted(str(i) for i in self._officer_ids)) != snapshot[5] else None
        service, meeting_id = self.service, view.id

        def store() -> MeetingView:
            version = view.version
            if header_changed:
                version = service.update(meeting_id, version, held_on, venue, start).version
            if minutes_changed:
                service.set_minutes(meeting_id, version, minutes)
            if marks:
                service.mark_attendance(meeting_id, marks)
            if officers is not None:
                service.set_officers_present(meeting_id, officers)
            return service.get(meeting_id)

        def stored(fresh: MeetingView) -> None:
            self.show_meeting(fresh)
            self.status_message.emit("Meeting saved.")
            self.changed.emit()
            if then is not None:
                then()

        self.save_button.setEnabled(False)
        Task(store, parent=self).on_success(stored).on_failure(self._save_failed).on_done(self._edited).run()

    def _save_failed(self, error: CopdeskError) -> None:
        if isinstance(error, ValidationError):
            if error.field == "held_on":
                self.details.set_error("held_on", error.message)
                return
            if error.field == "venue":
                self.venue_form.set_error("venue", error.message)
                return
            if error.field == "start_time":
                self.time_form.set_error("start_time", error.message)
                return
        if isinstance(error, CopdeskError) and "already has a meeting" in error.message:
            self.details.set_error("held_on", error.message)
            return
        show_error(self, error.message)

    def close_meeting(self) -> None:
        """Save what is unsaved, then close the meeting; say in plain words what is missing if it cannot."""
        view = self.view
        if view is None or view.status is MeetingStatus.CLOSED:
            return
        self.problems.hide()
        service = self.service

        def close_now() -> None:
            (
                Task(lambda: service.close(view.id), parent=self)
                .on_success(self._closed)
                .on_failure(self._close_refused)
                .run()
            )

        self.save(then=close_now)

    def _closed(self, view: MeetingView) -> None:
        self.show_meeting(view)
        self.status_message.emit(f"The meeting of {day_text(view.held_on)} is closed.")
        self.changed.emit()

    def _close_refused(self, error: CopdeskError) -> None:
        if isinstance(error, MeetingNotReady):
            self.show_problems(error.problems)
            return
        show_error(self, error.message)

    def show_problems(self, problems: Sequence[str]) -> None:
        """Show, one per line, what still stops the meeting from being closed."""
        lines = "\n".join(f"•  {problem}" for problem in problems)
        self.problems.setText(f"The meeting cannot be closed yet:\n{lines}")
        self.problems.show()

    def problem_lines(self) -> list[str]:
        """The problems shown (empty when none)."""
        if self.problems.isHidden():
            return []
        return [line.removeprefix("•  ") for line in self.problems.text().splitlines()[1:]]

    def reopen(self) -> ReopenDialog | None:
        """Ask for the reason, then reopen the closed meeting (station and district officers)."""
        view = self.view
        if view is None or view.status is not MeetingStatus.CLOSED or not self.can_reopen:
            return None
        dialog = ReopenDialog(self.service, view, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.done_with.connect(self._reopened)
        dialog.open()
        return dialog

    def _reopened(self, view: object) -> None:
        if isinstance(view, MeetingView):
            self.show_meeting(view)
            self.status_message.emit("The meeting is open for corrections.")
            self.changed.emit()

    def ask_delete(self) -> None:
        """Ask, then delete a planned meeting entered by mistake (station and district officers)."""
        view = self.view
        if view is None or not self.can_delete:
            return
        service = self.service

        def deleted() -> None:
            self._snapshot = None
            self.view = None
            self.status_message.emit("The meeting was deleted.")
            self.changed.emit()
            self.closed.emit()

        def delete() -> None:
            Task(lambda: service.delete(view.id), parent=self).on_success(lambda _none: deleted()).run()

        confirm(
            self,
            f"Delete the meeting of {view.committee_name} on {day_text(view.held_on)}, with its agenda, attendance, "
            "minutes and everything recorded in it?",
            delete,
            yes_text="Delete meeting",
        )

    # -- parts saved one at a time ------------------------------------------------------------------------
    def _run_part(self, op: Callable[[], object], message: str = "") -> None:
        """Run one change to a part of the meeting, then show the parts fresh (unsaved edits stay)."""

        def done(_result: object) -> None:
            if message:
                self.status_message.emit(message)
            self.refresh_parts()
            self.changed.emit()

        Task(op, parent=self).on_success(done).run()

    def refresh_parts(self) -> None:
        """Load the agenda, guests, decisions, action items and disputes again (not the fields being edited)."""
        view = self.view
        if view is None:
            return
        service = self.service

        def fresh(new: MeetingView) -> None:
            if self.view is None or self.view.id != new.id:
                return
            self.view = new
            self._fill_parts(new)
            self._update_attendance_summary()
            self.loaded.emit(new)

        Task(lambda: service.get(view.id), parent=self).on_success(fresh).run()

    def _open_form(self, dialog: FormT, message: str) -> FormT:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(_result: object) -> None:
            self.status_message.emit(message)
            self.refresh_parts()
            self.changed.emit()

        dialog.done_with.connect(done)
        dialog.open()
        return dialog

    def _selected(self, table: RecordTableView, model: RowsTableModel) -> Any | None:
        index = table.currentIndex()
        return model.row_object(index.row()) if index.isValid() else None

    def _update_part_buttons(self) -> None:
        agenda_row = self.agenda_list.currentRow()
        count = self.agenda_list.count()
        self.agenda_up.setEnabled(agenda_row > 0)
        self.agenda_down.setEnabled(0 <= agenda_row < count - 1)
        self.remove_agenda_button.setEnabled(agenda_row >= 0)
        has_decision = self._selected(self.decisions_table, self.decision_model) is not None
        self.change_decision_button.setEnabled(has_decision)
        self.remove_decision_button.setEnabled(has_decision)
        action = self._selected(self.actions_table, self.action_model)
        status = action.status if isinstance(action, ActionItemView) else None
        self.done_action_button.setEnabled(status is ActionStatus.OPEN)
        self.drop_action_button.setEnabled(status is ActionStatus.OPEN)
        self.reopen_action_button.setEnabled(status is not None and status is not ActionStatus.OPEN)
        self.remove_action_button.setEnabled(action is not None)
        has_dispute = self._selected(self.disputes_table, self.dispute_model) is not None
        self.change_dispute_button.setEnabled(has_dispute)
        self.remove_dispute_button.setEnabled(has_dispute)
        has_guest = self._selected(self.guests_table, self.guest_model) is not None
        self.remove_guest_button.setEnabled(has_guest)

    # agenda
    def add_agenda_item(self) -> None:
        """Add the typed point at the end of the agenda."""
        view, text = self.view, self.agenda_text.text()
        if view is None or not self._editable():
            return
        if not text.strip():
            set_invalid(self.agenda_text, True)
            self.agenda_text.setFocus()
            return
        set_invalid(self.agenda_text, False)
        self.agenda_text.clear()
        service = self.service
        self._run_part(lambda: service.add_agenda_item(view.id, text), "Agenda point added.")

    def remove_agenda_item(self) -> None:
        """Take the selected point off the agenda."""
        item = self.agenda_list.currentItem()
        point = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if point is None or not self._editable():
            return
        service = self.service
        self._run_part(lambda: service.remove_agenda_item(point.id), "Agenda point removed.")

    def move_agenda_item(self, step: int) -> None:
        """Move the selected agenda point up (-1) or down (+1)."""
        view, row = self.view, self.agenda_list.currentRow()
        if view is None or not self._editable() or not 0 <= row + step < len(view.agenda) or row < 0:
            return
        items = list(view.agenda)
        items[row], items[row + step] = items[row + step], items[row]
        entries = [AgendaEntry(item.text, item.id) for item in items]
        service, target = self.service, row + step

        def moved(_result: object) -> None:
            def fresh(new: MeetingView) -> None:
                self.view = new
                self._fill_parts(new)
                self.agenda_list.setCurrentRow(target)

            Task(lambda: service.get(view.id), parent=self).on_success(fresh).run()

        Task(lambda: service.set_agenda(view.id, entries), parent=self).on_success(moved).run()

    # guests
    def add_guest(self) -> GuestDialog | None:
        """Open the form for a guest present at the meeting."""
        if self.view is None or not self._editable():
            return None
        return self._open_form(GuestDialog(self.service, self.view.id, self), "Guest added.")

    def remove_guest(self) -> None:
        """Remove the selected guest (recorded by mistake)."""
        guest = self._selected(self.guests_table, self.guest_model)
        if not isinstance(guest, GuestView) or not self._editable():
            return
        service = self.service
        self._run_part(lambda: service.remove_guest(guest.id), "Guest removed.")

    # decisions
    def add_decision(self) -> None:
        """Add the typed decision."""
        view, text = self.view, self.decision_text.text()
        if view is None or not self._editable():
            return
        if not text.strip():
            set_invalid(self.decision_text, True)
            self.decision_text.setFocus()
            return
        set_invalid(self.decision_text, False)
        self.decision_text.clear()
        service = self.service
        self._run_part(lambda: service.add_decision(view.id, text), "Decision added.")

    def change_decision(self) -> DecisionDialog | None:
        """Correct the selected decision's wording."""
        decision = self._selected(self.decisions_table, self.decision_model)
        if not isinstance(decision, DecisionView) or not self._editable():
            return None
        return self._open_form(DecisionDialog(self.service, decision, self), "Decision changed.")

    def remove_decision(self) -> None:
        """Remove the selected decision."""
        decision = self._selected(self.decisions_table, self.decision_model)
        if not isinstance(decision, DecisionView) or not self._editable():
            return
        service = self.service
        confirm(
            self,
            f"Remove decision {decision.position}?",
            lambda: self._run_part(lambda: service.remove_decision(decision.id), "Decision removed."),
            yes_text="Remove",
        )

    # action items
    def officer_choices(self) -> list[tuple[uuid.UUID, str]]:
        """Officers known to the editor, for choosing who is responsible for an action."""
        return sorted(self._officers_known.items(), key=lambda item: item[1])

    def add_action_item(self) -> ActionItemDialog | None:
        """Open the form for an action decided at the meeting."""
        if self.view is None or not self._editable():
            return None
        dialog = ActionItemDialog(self.service, self.view, self.officer_choices(), self)
        return self._open_form(dialog, "Action item added.")

    def selected_action(self) -> ActionItemView | None:
        """The selected action item."""
        action = self._selected(self.actions_table, self.action_model)
        return action if isinstance(action, ActionItemView) else None

    def mark_action_done(self) -> ActionDoneDialog | None:
        """Mark the selected action item done (asks the day it was completed)."""
        action = self.selected_action()
        if action is None or action.status is not ActionStatus.OPEN or not self.can_update:
            return None
        dialog = ActionDoneDialog(self.service, action, self, today=self.context.today())
        return self._open_form(dialog, "Action item marked done.")

    def drop_action(self) -> None:
        """Ask, then drop the selected open action item (it is no longer followed up)."""
        action = self.selected_action()
        if action is None or action.status is not ActionStatus.OPEN or not self.can_update:
            return
        service = self.service
        confirm(
            self,
            f"Drop the action “{action.text}”? It will no longer be carried to later agendas.",
            lambda: self._run_part(
                lambda: service.set_action_status(action.id, action.version, ActionStatus.DROPPED), "Action dropped."
            ),
            yes_text="Drop",
        )

    def reopen_action(self) -> None:
        """Mark a done or dropped action item open again."""
        action = self.selected_action()
        if action is None or action.status is ActionStatus.OPEN or not self.can_update:
            return
        service = self.service
        self._run_part(
            lambda: service.set_action_status(action.id, action.version, ActionStatus.OPEN), "Action item open again."
        )

    def remove_action_item(self) -> None:
        """Remove the selected action item (recorded by mistake)."""
        action = self.selected_action()
        if action is None or not self._editable():
            return
        service = self.service
        confirm(
            self,
            f"Remove the action “{action.text}”? Use Drop instead if it was decided but will not be done.",
            lambda: self._run_part(lambda: service.remove_action_item(action.id), "Action item removed."),
            yes_text="Remove",
        )

    # disputes
    def add_dispute(self) -> DisputeDialog | None:
        """Open the form for a dispute heard at the meeting."""
        if self.view is None or not self._editable():
            return None
        return self._open_form(DisputeDialog(self.service, self.view.id, None, self), "Dispute added.")

    def change_dispute(self) -> DisputeDialog | None:
        """Correct the selected dispute."""
        dispute = self._selected(self.disputes_table, self.dispute_model)
        if self.view is None or not isinstance(dispute, DisputeView) or not self._editable():
            return None
        return self._open_form(DisputeDialog(self.service, self.view.id, dispute, self), "Dispute changed.")

    def remove_dispute(self) -> None:
        """Remove the selected dispute (recorded by mistake)."""
        dispute = self._selected(self.disputes_table, self.dispute_model)
        if not isinstance(dispute, DisputeView) or not self._editable():
            return
        service = self.service
        confirm(
            self,
            f"Remove the dispute {dispute.parties}?",
            lambda: self._run_part(lambda: service.remove_dispute(dispute.id), "Dispute removed."),
            yes_text="Remove",
        )

    # -- leaving ------------------------------------------------------------------------------------------
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
            "The meeting's date, venue, attendance or minutes have changed but are not saved. Discard the changes?",
            discard,
            yes_text="Discard changes",
            no_text="Keep editing",
        )
