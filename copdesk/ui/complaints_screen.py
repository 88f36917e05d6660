"""Complaints: the list (overdue complaints highlighted), the complaint's page with its workflow, and intake.

The list is a lazy table over :class:`~copdesk.services.complaints.ComplaintService`; open complaints past their
due date get a soft red background and a bold due date. A complaint opens in a window showing every field, a
button for each step the complaint may legally take next (and the signed-in role may make), and its history,
newest first. The intake form is in :mod:`copdesk.ui.complaint_dialogs`.
"""

from __future__ import annotations

import html
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from copdesk.domain.complaint_workflow import OPEN_STATUSES, OUTCOME_STATUSES, ComplaintStatus
from copdesk.domain.corpus import complaint_categories
from copdesk.models.complaints import ComplaintEventKind
from copdesk.services.complaints import ComplaintEventView, ComplaintService, ComplaintView
from copdesk.services.context import ServiceContext
from copdesk.services.organisation import OrganisationService, StationView
from copdesk.services.people import PeopleService
from copdesk.ui.complaint_dialogs import (
    CHANNEL_LABELS,
    CLOSURE_LABELS,
    AssignStepDialog,
    CloseStepDialog,
    FeedbackStepDialog,
    FirStepDialog,
    IntakeDialog,
    NoteStepDialog,
    StepDialog,
    date_edit,
    index_of,
)
from copdesk.ui.dialogs import confirm
from copdesk.ui.list_screen import ListScreen
from copdesk.ui.list_state import ListQuery
from copdesk.ui.paged_model import Column, ModelIndex, PagedTableModel, display_text
from copdesk.ui.print_preview import PrintPreviewDialog, preview_receipt
from copdesk.ui.spreadsheet_dialogs import export_button, list_request
from copdesk.ui.tasks import Task
from copdesk.ui.theme import MUTED_COLOUR, set_role

OVERDUE_BACKGROUND = "#fbe4e2"
OVERDUE_BORDER = "#e9a9a3"
OVERDUE_TEXT = "#8c1d18"
OVERDUE_LEGEND = "Open past its due date: the complainant is still waiting (due date in bold)."

COMPLAINT_COLUMNS: tuple[Column[ComplaintView], ...] = (
    Column("Tracking no", lambda c: c.tracking_no, sort_key="tracking_no", width=128),
    Column("Received", lambda c: c.received_on, sort_key="received_on", width=96),
    Column("Category", lambda c: c.category_name, sort_key="category", width=162),
    Column("Station", lambda c: c.station_name, width=122),
    Column("Status", lambda c: c.status.label, sort_key="status", width=102),
    Column("Due", lambda c: c.due_on, sort_key="due_on", width=96),
    Column("Officer", lambda c: c.assigned_officer_name, width=136),
    Column("Description", lambda c: " ".join(c.description.split())),
)
DUE_COLUMN = 5

#: The list's status filter: label → statuses (None: every status).
STATUS_FILTERS: tuple[tuple[str, tuple[ComplaintStatus, ...] | None], ...] = (
    ("All statuses", None),
    ("Still open", tuple(s for s in ComplaintStatus if s in OPEN_STATUSES)),
    ("Awaiting closing", tuple(s for s in ComplaintStatus if s in OUTCOME_STATUSES)),
    *((status.label, (status,)) for status in ComplaintStatus),
)
PERIODS = ("Any date", "Today", "Last 7 days", "Last 30 days", "This month", "Last month", "This year", "Custom…")

#: Workflow step → (button text, policy action).
STEP_ACTIONS: dict[str, tuple[str, str]] = {
    "assign": ("Assign…", "complaint.assign"),
    "start_inquiry": ("Start inquiry…", "complaint.progress"),
    "resolve": ("Resolve…", "complaint.progress"),
    "refer": ("Refer…", "complaint.progress"),
    "register_fir": ("Register FIR…", "complaint.progress"),
    "reject": ("Reject…", "complaint.progress"),
    "close": ("Close…", "complaint.close"),
    "feedback": ("Record feedback…", "complaint.feedback"),
    "reopen": ("Reopen…", "complaint.reopen"),
}
_STEP_OF_STATUS = {
    ComplaintStatus.ASSIGNED: "assign",
    ComplaintStatus.RESOLVED: "resolve",
    ComplaintStatus.REFERRED: "refer",
    ComplaintStatus.FIR_REGISTERED: "register_fir",
    ComplaintStatus.REJECTED: "reject",
    ComplaintStatus.CLOSED: "close",
}


def complaint_steps(view: ComplaintView, can: Callable[[str], bool]) -> list[str]:
    """The steps to offer as buttons: legal moves of the complaint today that the role may make."""
    steps: list[str] = []
    for status in view.next_statuses:
        if status is ComplaintStatus.UNDER_INQUIRY:
            step = "reopen" if view.status is ComplaintStatus.CLOSED else "start_inquiry"
        else:
            step = _STEP_OF_STATUS.get(status, "")
        if step and step not in steps:
            steps.append(step)
    if view.status is ComplaintStatus.CLOSED and view.feedback is None:
        steps.append("feedback")
    return [step for step in steps if can(STEP_ACTIONS[step][1])]


def days_late(view: ComplaintView, today: date) -> int:
    """How many days past its due date the complaint is."""
    return max(0, (today - view.due_on).days)


def overdue_text(view: ComplaintView, today: date) -> str:
    """``"Overdue: due on 04 Nov 2026, 21 days ago."``"""
    late = days_late(view, today)
    return f"Overdue: due on {view.due_on:%d %b %Y}, {late} day{'s' if late != 1 else ''} ago."


def is_right_to_left(text: str) -> bool:
    """True when the text's first strongly directional letter is Urdu or Arabic (written right to left)."""
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction == "L":
            return False
        if direction in ("R", "AL"):
            return True
    return False


class DirectionalDelegate(QStyledItemDelegate):
    """Cells whose text starts in Urdu are laid out right to left: right-aligned, cut short on the left."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: ModelIndex) -> None:  # noqa: N802
        """The usual look, mirrored for right-to-left text."""
        super().initStyleOption(option, index)
        text = str(getattr(option, "text", "") or "")
        if is_right_to_left(text):
            option.direction = Qt.LayoutDirection.RightToLeft  # type: ignore[attr-defined]
            option.displayAlignment = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter  # type: ignore[attr-defined]


class ComplaintTableModel(PagedTableModel):
    """The complaints list: overdue rows get a soft red background, a bold dark red due date and a tooltip."""

    def __init__(self, *args: Any, today: Callable[[], date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._today = today
        self._background = QBrush(QColor(OVERDUE_BACKGROUND))
        self._due_colour = QBrush(QColor(OVERDUE_TEXT))

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """As the paged model, plus the overdue look (background, foreground, font, tooltip)."""
        styled = (
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.FontRole,
            Qt.ItemDataRole.ToolTipRole,
        )
        if role not in styled or not index.isValid() or not 0 <= index.column() < self.columnCount():
            return super().data(index, role)
        row = self.shown_row(index.row())
        overdue = isinstance(row, ComplaintView) and row.is_overdue
        if role == Qt.ItemDataRole.ToolTipRole:
            text = super().data(index, role)
            if overdue and isinstance(row, ComplaintView):
                note = overdue_text(row, self._today())
                return f"{note}\n{text}" if text else note
            return text
        if not overdue:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background
        if index.column() != DUE_COLUMN:
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._due_colour
        font = QFont()
        font.setBold(True)
        return font


# --- the complaint's page -------------------------------------------------------------------------------------


def event_title(event: ComplaintEventView) -> str:
    """What happened, in a few words (``"Inquiry started"``, ``"Assigned"``...)."""
    kind = event.kind
    if kind is ComplaintEventKind.REGISTERED:
        return "Registered"
    if kind is ComplaintEventKind.ASSIGNED:
        return "Reassigned" if event.from_status is ComplaintStatus.ASSIGNED else "Assigned"
    if kind is ComplaintEventKind.EDITED:
        return "Details changed"
    if kind is ComplaintEventKind.FEEDBACK:
        return "Feedback recorded"
    if kind is ComplaintEventKind.ESCALATED:
        return "Escalated to the district officer"
    if kind is ComplaintEventKind.REOPENED:
        return "Reopened"
    if event.to_status is ComplaintStatus.UNDER_INQUIRY:
        return "Inquiry started"
    return event.to_status.label


class Timeline(QScrollArea):
    """A complaint's history as a vertical timeline, newest first: what, who and when, and the note.

    The whole timeline is one rich-text label (not a widget per event), so showing it again is cheap.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._entries: list[tuple[str, str, str]] = []
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setContentsMargins(2, 2, 8, 2)
        self.setWidget(self.label)
        self._show_placeholder("Loading the history…")

    def _show_placeholder(self, text: str) -> None:
        self.label.setText(f'<span style="color:{MUTED_COLOUR}">{html.escape(text)}</span>')

    def set_events(self, events: Sequence[ComplaintEventView]) -> None:
        """Show ``events`` newest first."""
        ordered = sorted(events, key=lambda e: e.at, reverse=True)
        self._entries = [(event_title(e), f"{display_text(e.at)} · {e.actor}", e.note) for e in ordered]
        if not ordered:
            self._show_placeholder("No history recorded.")
            return
        rows = []
        for number, (title, meta, note) in enumerate(self._entries):
            colour = "#2f5d8a" if number == 0 else "#9aa7b4"
            text = f"<b>{html.escape(title)}</b><br/><span style='color:{MUTED_COLOUR}'>{html.escape(meta)}</span>"
            if note:
                text += f"<br/>{html.escape(note)}"
            rows.append(
                f"<tr><td style='color:{colour}; padding-right:8px'>●</td>"
                f"<td style='padding-bottom:12px'>{text}</td></tr>"
            )
        self.label.setText(f"<table cellspacing='0' cellpadding='0'>{''.join(rows)}</table>")

    def entries(self) -> list[tuple[str, str, str]]:
        """The shown entries as (what, when · who, note), newest first."""
        return list(self._entries)


def _value_label() -> QLabel:
    label = QLabel("")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


STATUS_CHIP_COLOURS = {"open": ("#e3edf7", "#1f4e79"), "outcome": ("#fdf0d9", "#7a4a00"), "closed": ("#ececec", "#444")}


class ComplaintDialog(QDialog):
    """One complaint: every field, the next legal steps as buttons, and the history timeline."""

    #: The complaint changed (a ComplaintView).
    changed = Signal(object)
    #: The history was shown (tests wait for it).
    history_loaded = Signal()

    def __init__(
        self,
        context: ServiceContext,
        service: ComplaintService,
        view: ComplaintView,
        stations: Sequence[StationView],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.service = service
        self.stations = list(stations)
        self.view = view
        self.step_dialog: StepDialog | None = None
        self.step_buttons: dict[str, QPushButton] = {}
        self.setMinimumSize(820, 560)
        self.resize(1000, 640)

        self.tracking_no = QLabel("")
        set_role(self.tracking_no, "heading")
        self.tracking_no.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_chip = QLabel("")
        self.status_chip.setContentsMargins(10, 3, 10, 3)
        top = QHBoxLayout()
        top.addWidget(self.tracking_no)
        top.addSpacing(8)
        top.addWidget(self.status_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addStretch(1)

        self.overdue_banner = QLabel("")
        self.overdue_banner.setWordWrap(True)
        self.overdue_banner.setStyleSheet(
            f"background: {OVERDUE_BACKGROUND}; border: 1px solid {OVERDUE_BORDER}; border-radius: 6px;"
            f"color: {OVERDUE_TEXT}; padding: 8px 12px; font-weight: 600;"
        )
        self.overdue_banner.hide()

        self.fields: dict[str, QLabel] = {}
        details = QFormLayout()
        details.setHorizontalSpacing(14)
        details.setVerticalSpacing(7)
        details.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        for name, caption in (
            ("received", "Received"),
            ("category", "Category"),
            ("complainant", "Complainant"),
            ("station", "Handled by"),
            ("against", "Against police"),
            ("officer", "Officer"),
            ("due", "Due"),
            ("location", "Location"),
            ("outcome", "Outcome"),
            ("feedback", "Feedback"),
        ):
            self.fields[name] = _value_label()
            details.addRow(self._caption(caption), self.fields[name])
        self.description = QPlainTextEdit()
        self.description.setReadOnly(True)
        self.description.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 16)
        details.addRow(self._caption("Description"), self.description)
        left = QWidget()
        left.setLayout(details)

        self.timeline = Timeline()
        history_heading = QLabel("History")
        font = history_heading.font()
        font.setBold(True)
        history_heading.setFont(font)
        right = QVBoxLayout()
        right.addWidget(history_heading)
        right.addWidget(self.timeline, 1)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addWidget(left, 3)
        separator = QFrame()
        separator.setFrameShape(QFrame.Shape.VLine)
        separator.setStyleSheet("color: #d5dbe1;")
        columns.addWidget(separator)
        columns.addLayout(right, 2)

        self.steps_caption = QLabel("Next step:")
        self.steps_row = QHBoxLayout()
        self.steps_row.setSpacing(8)
        self.no_steps = QLabel("")
        set_role(self.no_steps, "muted")
        self.close_button = QPushButton("Close window")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.accept)
        self.print_button = QPushButton("Print receipt…")
        self.print_button.setAutoDefault(False)
        self.print_button.setToolTip("The complainant's receipt with the tracking number, in English or Urdu")
        self.print_button.setVisible(context.can("print.documents"))
        self.print_button.clicked.connect(lambda _checked=False: self.print_receipt())
        bottom = QHBoxLayout()
        bottom.addWidget(self.steps_caption)
        bottom.addLayout(self.steps_row)
        bottom.addWidget(self.no_steps)
        bottom.addStretch(1)
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.overdue_banner)
        layout.addLayout(columns, 1)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setStyleSheet("color: #d5dbe1;")
        layout.addWidget(rule)
        layout.addLayout(bottom)
        self.show_view(view)
        self.load_history()

    @staticmethod
    def _caption(text: str) -> QLabel:
        label = QLabel(text)
        set_role(label, "muted")
        return label

    def print_receipt(self) -> PrintPreviewDialog:
        """Open the print preview of the complainant's receipt."""
        return preview_receipt(self, self.context, self.view.id)

    # -- showing --------------------------------------------------------------------------------------
    def show_view(self, view: ComplaintView) -> None:
        """Show ``view``'s fields, status, overdue banner and step buttons."""
        self.view = view
        today = self.context.today()
        self.setWindowTitle(f"Complaint {view.tracking_no}")
        self.tracking_no.setText(view.tracking_no)
        self._show_status(view.status)
        if view.is_overdue:
            text = overdue_text(view, today)
            if view.escalated_at is not None:
                text += f" Escalated to the district officer on {view.escalated_at.astimezone():%d %b %Y}."
            self.overdue_banner.setText(text)
        self.overdue_banner.setVisible(view.is_overdue)
        f = self.fields
        f["received"].setText(f"{view.received_on:%d %b %Y} · {CHANNEL_LABELS.get(view.channel, view.channel)}")
        f["category"].setText(f"{view.category_name} — {view.category_name_ur}")
        if view.anonymous:
            f["complainant"].setText("Anonymous")
        else:
            who = [view.complainant_name, view.complainant_cnic, view.complainant_mobile]
            f["complainant"].setText(" · ".join(part for part in who if part))
        f["station"].setText(view.station_name)
        f["against"].setText(
            f"Yes: against {view.against_station_name}. No officer of that station may handle it."
            if view.against_police
            else "No"
        )
        f["officer"].setText(view.assigned_officer_name or "Not assigned yet")
        due = f"{view.due_on:%d %b %Y}"
        if view.is_overdue:
            due += f" (overdue by {days_late(view, today)} days)"
        f["due"].setText(due)
        f["due"].setStyleSheet(f"color: {OVERDUE_TEXT}; font-weight: 600;" if view.is_overdue else "")
        f["location"].setText(view.location or "—")
        f["outcome"].setText(self._outcome(view))
        f["feedback"].setText(self._feedback(view))
        self.description.setPlainText(view.description)
        self._show_steps()

    def _show_status(self, status: ComplaintStatus) -> None:
        group = "open" if status in OPEN_STATUSES else "outcome" if status in OUTCOME_STATUSES else "closed"
        background, colour = STATUS_CHIP_COLOURS[group]
        self.status_chip.setText(status.label)
        self.status_chip.setStyleSheet(
            f"background: {background}; color: {colour}; border-radius: 9px; font-weight: 600;"
        )

    @staticmethod
    def _outcome(view: ComplaintView) -> str:
        parts: list[str] = []
        if view.resolved_on is not None:
            parts.append(
                f"{view.status.label if view.status in OUTCOME_STATUSES else 'Outcome'} on {view.resolved_on:%d %b %Y}"
            )
        if view.fir_no:
            parts.append(f"FIR {view.fir_no}")
        if view.closure_category is not None and view.closed_on is not None:
            parts.append(f"Closed on {view.closed_on:%d %b %Y}: {CLOSURE_LABELS[view.closure_category].lower()}")
        if view.reopened_count:
            parts.append(f"reopened {view.reopened_count} time{'s' if view.reopened_count != 1 else ''}")
        return " · ".join(parts) or "—"

    @staticmethod
    def _feedback(view: ComplaintView) -> str:
        if view.feedback is None:
            return "Not recorded yet" if view.status is ComplaintStatus.CLOSED else "—"
        text = "Satisfied" if view.feedback.value == "satisfied" else "Not satisfied"
        if view.feedback_on is not None:
            text += f" ({view.feedback_on:%d %b %Y})"
        return text + (f": {view.feedback_remarks}" if view.feedback_remarks else "")

    def steps(self) -> list[str]:
        """The steps offered as buttons now."""
        return list(self.step_buttons)

    def _show_steps(self) -> None:
        for button in self.step_buttons.values():
            self.steps_row.removeWidget(button)
            button.deleteLater()
        self.step_buttons = {}
        for step in complaint_steps(self.view, self.context.can):
            text = STEP_ACTIONS[step][0]
            if step == "assign" and self.view.status is ComplaintStatus.ASSIGNED:
                text = "Reassign…"
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, step=step: self.start_step(step))
            self.steps_row.addWidget(button)
            self.step_buttons[step] = button
        if self.step_buttons:
            self.no_steps.hide()
            self.steps_caption.show()
            return
        self.steps_caption.hide()
        self.no_steps.setText(self._no_steps_text())
        self.no_steps.show()

    def _no_steps_text(self) -> str:
        view = self.view
        if view.status is ComplaintStatus.CLOSED:
            return "This complaint is closed."
        if view.status in OUTCOME_STATUSES:
            return "An officer closes this complaint next."
        return "An officer assigns this complaint next."

    def load_history(self) -> None:
        """Load the complaint's history (off the GUI thread)."""
        service, complaint_id = self.service, self.view.id

        def loaded(events: list[ComplaintEventView]) -> None:
            self.timeline.set_events(events)
            self.history_loaded.emit()

        Task(lambda: service.history(complaint_id), parent=self).on_success(loaded).run()

    # -- steps ----------------------------------------------------------------------------------------
    def start_step(self, step: str) -> StepDialog:
        """Open the form of a workflow step; the complaint is shown again once the step is made."""
        service, view = self.service, self.view
        dialog: StepDialog
        if step == "assign":
            dialog = AssignStepDialog(service, OrganisationService(self.context), view, self.stations, self)
        elif step == "register_fir":
            dialog = FirStepDialog(service, view, self)
        elif step == "close":
            dialog = CloseStepDialog(service, view, self)
        elif step == "feedback":
            dialog = FeedbackStepDialog(service, view, self)
        else:
            dialog = NoteStepDialog(service, view, step, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.done_with.connect(self._stepped)
        self.step_dialog = dialog
        dialog.open()
        return dialog

    def _stepped(self, view: ComplaintView) -> None:
        self.show_view(view)
        self.load_history()
        self.changed.emit(view)


# --- filters ----------------------------------------------------------------------------------------------------


class PeriodFilter(QWidget):
    """When complaints were received: a period, or a custom range of two dates."""

    changed = Signal()

    def __init__(self, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self.period = QComboBox()
        self.period.addItems(PERIODS)
        self.start = date_edit(today())
        self.end = date_edit(today())
        self.start.setDate(self.start.date().addDays(-30))
        self.start.setToolTip("Received on or after")
        self.end.setToolTip("Received on or before")
        self.dash = QLabel("–")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for widget in (self.period, self.start, self.dash, self.end):
            layout.addWidget(widget)
        self._show_custom(False)
        self.period.currentIndexChanged.connect(self._period_changed)
        self.start.dateChanged.connect(self._dates_changed)
        self.end.dateChanged.connect(self._dates_changed)

    def _show_custom(self, shown: bool) -> None:
        for widget in (self.start, self.dash, self.end):
            widget.setVisible(shown)

    def _period_changed(self) -> None:
        self._show_custom(self.period.currentText() == "Custom…")
        self.changed.emit()

    def _dates_changed(self) -> None:
        if self.period.currentText() == "Custom…":
            self.changed.emit()

    def set_custom(self, start: date, end: date) -> None:
        """Choose a custom range."""
        self.blockSignals(True)
        self.period.setCurrentText("Custom…")
        self.start.setDate(QDate(start.year, start.month, start.day))
        self.end.setDate(QDate(end.year, end.month, end.day))
        self.blockSignals(False)
        self.changed.emit()

    def range(self) -> tuple[date | None, date | None]:
        """The first and last day received (None: open-ended)."""
        today = self._today()
        choice = self.period.currentText()
        if choice == "Today":
            return today, today
        if choice == "Last 7 days":
            return today - timedelta(days=6), today
        if choice == "Last 30 days":
            return today - timedelta(days=29), today
        if choice == "This month":
            return today.replace(day=1), today
        if choice == "Last month":
            last = today.replace(day=1) - timedelta(days=1)
            return last.replace(day=1), last
        if choice == "This year":
            return today.replace(month=1, day=1), today
        if choice == "Custom…":
            start, end = self.start.date().toPython(), self.end.date().toPython()
            assert isinstance(start, date) and isinstance(end, date)
            return min(start, end), max(start, end)
        return None, None


# --- the screen ---------------------------------------------------------------------------------------------------


class ComplaintsScreen(ListScreen):
    """Every complaint of the district: search, filters, overdue highlighting, intake and the workflow."""

    key = "complaints"
    title = "Complaints"
    icon = QStyle.StandardPixmap.SP_FileDialogDetailedView
    #: The stations were loaded (tests wait for it).
    stations_loaded = Signal()
    #: The count line is complete, overdue count included (tests wait for it).
    counted = Signal(str)

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        self.context = context
        self.service = ComplaintService(context)
        self.people = PeopleService(context)
        self.can_create = context.can("complaint.create")
        super().__init__(
            self.service,
            COMPLAINT_COLUMNS,
            search_placeholder="Search tracking no, description, location or complainant",
            noun=("complaint", "complaints"),
            default_sort="received_on",
            parent=parent,
        )
        # Newest first, with the overdue look: replace the plain model made by the list screen.
        plain_model, plain_selection = self.model, self.table.selectionModel()
        self.model = ComplaintTableModel(
            self.service,
            COMPLAINT_COLUMNS,
            self,
            query=ListQuery(sort="received_on", descending=True),
            today=context.today,
            fetch_in_background=True,
        )
        self.table.setModel(self.model)
        self.table.setItemDelegate(DirectionalDelegate(self.table))
        plain_selection.deleteLater()
        plain_model.deleteLater()
        self.table.horizontalHeader().setSortIndicator(self.model.sort_column(), self.model.sort_order())
        for number, column in enumerate(COMPLAINT_COLUMNS):
            if column.width:
                self.table.setColumnWidth(number, column.width)
        self.model.load_failed.connect(self._show_problem)
        self.model.sort_indicator_changed.connect(self._set_sort_indicator)

        self.stations: list[StationView] = []
        self.last_station_id: uuid.UUID | None = None
        self.intake: IntakeDialog | None = None
        self.detail: ComplaintDialog | None = None
        self._count_generation = 0

        self.new_button = QPushButton("New complaint")
        self.new_button.setEnabled(self.can_create)
        self.new_button.setToolTip("Register a complaint (Ctrl+N)")
        self.new_button.clicked.connect(self.new_record)
        self.toolbar.addWidget(self.new_button)

        self.status_filter = QComboBox()
        for label, statuses in STATUS_FILTERS:
            self.status_filter.addItem(label, [s.value for s in statuses] if statuses else None)
        self.period_filter = PeriodFilter(context.today)
        self.station_filter = QComboBox()
        self.station_filter.addItem("All stations", None)
        self.category_filter = QComboBox()
        self.category_filter.addItem("All categories", None)
        for category in complaint_categories().values():
            self.category_filter.addItem(category.name_en, category.code)
            self.category_filter.setItemData(
                self.category_filter.count() - 1, category.name_ur, Qt.ItemDataRole.ToolTipRole
            )
        self.overdue_filter = QCheckBox("Overdue only")
        self.overdue_filter.setToolTip(OVERDUE_LEGEND)
        filters = QHBoxLayout()
        filters.setSpacing(8)
        # No captions: each box's first item says what it filters, so the bar fits a 1024-pixel screen.
        for widget, tip, characters in (
            (self.status_filter, "Status", 14),
            (self.period_filter.period, "When the complaint was received", 11),
            (self.station_filter, "Police station handling the complaint", 14),
            (self.category_filter, "Category", 14),
        ):
            widget.setToolTip(tip)
            widget.setAccessibleName(tip)
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(characters)
        for bar_item in (self.status_filter, self.period_filter, self.station_filter, self.category_filter):
            filters.addWidget(bar_item)
        filters.addWidget(self.overdue_filter)
        filters.addStretch(1)
        self.body.insertLayout(2, filters)
        self.status_filter.currentIndexChanged.connect(self.filters_changed)
        self.period_filter.changed.connect(self.filters_changed)
        self.station_filter.currentIndexChanged.connect(self.filters_changed)
        self.category_filter.currentIndexChanged.connect(self.filters_changed)
        self.overdue_filter.toggled.connect(self.filters_changed)

        swatch = QLabel()
        swatch.setFixedSize(16, 16)
        swatch.setStyleSheet(f"background: {OVERDUE_BACKGROUND}; border: 1px solid {OVERDUE_BORDER};")
        swatch.setToolTip(OVERDUE_LEGEND)
        self.legend = QLabel("Overdue")
        self.legend.setToolTip(OVERDUE_LEGEND)
        set_role(self.legend, "muted")
        self.escalate_button = QPushButton("Escalate overdue…")
        self.escalate_button.setToolTip("Mark every overdue open complaint as escalated to the district officer")
        self.escalate_button.setVisible(context.can("complaint.progress"))
        self.escalate_button.clicked.connect(self.ask_escalate)
        footer = QHBoxLayout()
        self.body.removeWidget(self.count_label)
        footer.addWidget(self.count_label)
        footer.addStretch(1)
        footer.addWidget(swatch)
        footer.addWidget(self.legend)
        footer.addSpacing(12)
        footer.addWidget(self.escalate_button)
        self.export_button = export_button(self, context, "complaints", lambda: list_request(self))
        footer.addWidget(self.export_button)
        self.body.addLayout(footer)
        self.reloaded.connect(self._count_overdue)
        self.load_stations()

    # -- stations ---------------------------------------------------------------------------------------
    def load_stations(self, then: Callable[[], None] | None = None) -> None:
        """Load the stations for the filter and the forms (off the GUI thread), then call ``then``."""
        organisation = OrganisationService(self.context)

        def loaded(stations: list[StationView]) -> None:
            self.stations = stations
            current = self.station_filter.currentData()
            self.station_filter.blockSignals(True)
            while self.station_filter.count() > 1:
                self.station_filter.removeItem(1)
            for station in stations:
                self.station_filter.addItem(station.name, station.id)
            self.station_filter.setCurrentIndex(max(0, index_of(self.station_filter, current)))
            self.station_filter.blockSignals(False)
            self.stations_loaded.emit()
            if then is not None:
                then()

        Task(organisation.list_stations, parent=self).on_success(loaded).run()

    # -- list -------------------------------------------------------------------------------------------
    def current_filters(self) -> dict[str, Any]:
        """Status, received range, station, category and overdue-only, as the service filters."""
        start, end = self.period_filter.range()
        filters: dict[str, Any] = {
            "status": self.status_filter.currentData(),
            "received_from": start,
            "received_to": end,
            "station_id": self.station_filter.currentData(),
            "category": self.category_filter.currentData(),
            "overdue_only": True if self.overdue_filter.isChecked() else None,
        }
        return {key: value for key, value in filters.items() if value is not None}

    def _count_overdue(self, total: int) -> None:
        """Add how many of the listed complaints are overdue to the count line."""
        self._count_generation += 1
        generation, query, model = self._count_generation, self.model.query, self.model
        base = self.count_label.text()
        if total == 0 or self.overdue_filter.isChecked():
            self.counted.emit(base)
            return
        overdue_query = query.searching(query.search, {**query.filters, "overdue_only": True})

        def counted(overdue: int) -> None:
            if generation != self._count_generation:
                return
            text = f"{base} · {overdue:,} overdue" if overdue else base
            self.count_label.setText(text)
            self.counted.emit(text)

        Task(lambda: model.count_for(overdue_query), parent=self).on_success(counted).on_failure(
            lambda _error: self.counted.emit(base)
        ).run()

    # -- intake -----------------------------------------------------------------------------------------
    def new_record(self) -> None:
        """Open the intake form (Ctrl+N)."""
        if not self.can_create:
            return
        current = self._open_intake()
        if current is not None:
            current.raise_()
            current.activateWindow()
            return
        if not self.stations:
            self.load_stations(self._show_intake)
            return
        self._show_intake()

    def _show_intake(self) -> None:
        if self._open_intake() is not None:
            return
        dialog = IntakeDialog(
            self.service, self.people, self.stations, self.context.today(), self, station_id=self.last_station_id
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._registered)
        dialog.finished.connect(self._intake_finished)
        dialog.banner.print_button.setVisible(self.context.can("print.documents"))
        dialog.banner.print_button.clicked.connect(lambda _checked=False: self.print_registered(dialog))
        self.intake = dialog
        dialog.open()

    def print_registered(self, dialog: IntakeDialog) -> PrintPreviewDialog | None:
        """Open the print preview of the receipt of the complaint just registered in ``dialog``."""
        if dialog.registered is None:
            return None
        return preview_receipt(dialog, self.context, dialog.registered.id)

    def _open_intake(self) -> IntakeDialog | None:
        dialog = self.intake
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            return dialog
        return None

    def _intake_finished(self, _result: int) -> None:
        self.intake = None

    def _registered(self, view: ComplaintView) -> None:
        self.last_station_id = view.station_id
        self.status_message.emit(f"Registered complaint {view.tracking_no}.")
        self.reload()

    def save(self) -> None:
        """Ctrl+S: register the complaint in the intake form."""
        dialog = self._open_intake()
        if dialog is not None:
            dialog.save()

    # -- a complaint ------------------------------------------------------------------------------------
    def open_record(self, row: Any) -> None:
        """Load the complaint fresh and show it with its workflow and history."""
        service = self.service
        Task(lambda: service.get(row.id), parent=self).on_success(self.show_complaint).run()

    def show_complaint(self, view: ComplaintView) -> ComplaintDialog:
        """Show a complaint in its own window (replacing the one shown before)."""
        current = self.detail
        if current is not None and shiboken6.isValid(current) and current.isVisible():
            current.done(QDialog.DialogCode.Accepted)
        dialog = ComplaintDialog(self.context, self.service, view, self.stations, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.changed.connect(self._complaint_changed)
        self.detail = dialog
        dialog.open()
        return dialog

    def _complaint_changed(self, view: ComplaintView) -> None:
        self.status_message.emit(f"Complaint {view.tracking_no}: {view.status.label.lower()}.")
        self.reload()

    def ask_escalate(self) -> None:
        """Ask, then escalate every overdue open complaint to the district officer."""
        service = self.service

        def escalated(count: int) -> None:
            self.status_message.emit(
                f"{count} overdue complaint{'s' if count != 1 else ''} escalated to the district officer."
                if count
                else "No overdue complaint was waiting to be escalated."
            )
            self.reload()

        def escalate() -> None:
            Task(service.escalate_overdue, parent=self).on_success(escalated).run()

        confirm(
            self,
            "Escalate every overdue open complaint to the district officer? Each one is marked in its history.",
            escalate,
            yes_text="Escalate",
        )

    # -- Screen -----------------------------------------------------------------------------------------
    def has_unsaved_changes(self) -> bool:
        """True while the intake form holds something not registered."""
        dialog = self._open_intake()
        return dialog is not None and dialog.is_dirty()

    def maybe_close(self, proceed: Callable[[], None]) -> None:
        """Ask about the intake form's unsaved complaint before leaving."""
        dialog = self._open_intake()
        if dialog is None:
            proceed()
            return

        def close_and_proceed() -> None:
            dialog.done(QDialog.DialogCode.Rejected)
            proceed()

        dialog.ask_discard(close_and_proceed)

    def refresh(self) -> None:
        """Load the stations and the list again (F5)."""
        self.load_stations()
        self.reload()


__all__ = [
    "COMPLAINT_COLUMNS",
    "ComplaintDialog",
    "ComplaintTableModel",
    "ComplaintsScreen",
    "PeriodFilter",
    "Timeline",
    "complaint_steps",
]
