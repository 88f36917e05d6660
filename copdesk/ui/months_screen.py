"""Month closing: recent months, the checks a month fails, its figures, and closing or reopening it.

The list shows the recent months and their state; the chosen month shows each failing check with a link to the
record, and the month's figures. Only the district officer closes and reopens months.

A month is closed once it is over and every check passes: its figures are stored and its records locked.
Reopening takes a reason, which is kept in the audit trail.

Links: each failing check has an Open button. The screen emits :attr:`MonthsScreen.open_record` with the record
type (``"meeting"``, ``"complaint"``, ``"watch_shift"``) and id, and also tries to open the record itself: when
the main window has a ``show_screen(key)`` method and the screen for the record type (see :data:`LINK_TARGETS`)
is in it with an ``open_<record type>(record_id)`` or ``open_record(record_id)`` method, it switches to that
screen and calls it; otherwise it shows the check's description in a message.
"""

from __future__ import annotations

import importlib
import importlib.util
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from copdesk.domain.months import Month
from copdesk.errors import CopdeskError
from copdesk.services.context import ServiceContext
from copdesk.services.figures import SPECS, FigureSet, FigureSpec, FiguresService
from copdesk.services.months import MonthProblem, MonthService, MonthStatus
from copdesk.services.organisation import OrganisationService, StationView
from copdesk.ui.dialogs import confirm, show_error, show_info
from copdesk.ui.forms import FormDialog
from copdesk.ui.list_screen import RecordTableView
from copdesk.ui.paged_model import Column
from copdesk.ui.print_preview import PrintPreviewDialog, preview_monthly_report
from copdesk.ui.rows_model import RowsTableModel
from copdesk.ui.screen import Screen
from copdesk.ui.tasks import Task
from copdesk.ui.theme import set_role

#: How many months the list shows (the current one and those before it).
RECENT_MONTHS = 12
MIN_REASON = 5
#: The checks list grows with its rows up to this height, then scrolls.
MAX_CHECKS_HEIGHT = 300
STATE_LABELS = {"open": "Open", "closed": "Closed", "reopened": "Reopened"}
RECORD_NOUNS = {"meeting": "meeting", "complaint": "complaint", "watch_shift": "watch shift"}
#: Where a failing check's record is opened: record type → (module, screen class). The screens are looked up
#: when a link is followed, so a screen that does not exist yet simply means the description is shown instead.
LINK_TARGETS: dict[str, tuple[str, str]] = {
    "complaint": ("copdesk.ui.complaints_screen", "ComplaintsScreen"),
    "meeting": ("copdesk.ui.committees_screen", "CommitteesScreen"),
    "watch_shift": ("copdesk.ui.watch_screen", "WatchScreen"),
}


class LinkedId(uuid.UUID):
    """A record id that also answers ``.id`` (so a screen's ``open_record`` may take an id or a row)."""

    @property
    def id(self) -> uuid.UUID:
        """The plain id."""
        return uuid.UUID(int=self.int)


def state_label(state: str) -> str:
    """``Open``, ``Closed`` or ``Reopened``."""
    return STATE_LABELS.get(state, state.capitalize())


def _day(status: MonthStatus) -> date | None:
    return status.closed_at.astimezone().date() if status.closed_at is not None else None


MONTH_COLUMNS: tuple[Column[MonthStatus], ...] = (
    Column("Month", lambda s: Month.parse(s.month).label, width=140),
    Column("State", lambda s: state_label(s.state), width=90),
    Column("Closed by", lambda s: s.closed_by or "", width=90),
    Column("Closed on", _day),
)


@dataclass(frozen=True)
class FigureRow:
    """A figure as a line of the figures table."""

    spec: FigureSpec
    text: str


FIGURE_COLUMNS: tuple[Column[FigureRow], ...] = (
    Column("Figure", lambda f: f.spec.label, width=300),
    Column("Value", lambda f: f.text),
)


def format_figure(spec: FigureSpec, value: Any, station_names: Mapping[str, str] | None = None) -> str:
    """A figure as text by its unit: ``1,234``, ``45.5%``, ``1.25``, ``12.5 days``, ``City 3, Saddar 1``."""
    if value is None:
        return "–  (nothing to measure)"
    if spec.unit == "map":
        if not isinstance(value, Mapping) or not value:
            return "None"
        names = station_names or {}
        parts = sorted((names.get(str(key), "Unknown station"), count) for key, count in value.items())
        return ", ".join(f"{name} {count:,}" for name, count in parts)
    if spec.unit == "percent":
        return f"{float(value):.1f}%"
    if spec.unit == "ratio":
        return f"{float(value):.2f}"
    if spec.unit == "days":
        days = float(value)
        return f"{days:g} day" if days == 1 else f"{days:g} days"
    if isinstance(value, int | float):
        return f"{value:,}"
    return str(value)


def figure_rows(figures: FigureSet, station_names: Mapping[str, str] | None = None) -> list[FigureRow]:
    """The figures in the order of :data:`SPECS`, formatted."""
    return [
        FigureRow(spec, format_figure(spec, figures.values.get(spec.name), station_names))
        for spec in SPECS
        if spec.name in figures.values
    ]


@dataclass(frozen=True)
class MonthDetails:
    """What the right-hand side shows for one month."""

    status: MonthStatus
    figures: FigureSet | None
    station_names: Mapping[str, str]


class ReopenDialog(FormDialog):
    """Ask why a closed month is reopened, then reopen it."""

    def __init__(self, service: MonthService, month: Month, parent: QWidget | None = None) -> None:
        super().__init__(
            f"Reopen {month.label}",
            "Reopen month",
            parent,
            f"Reopening {month.label} unlocks its records so they can be corrected. Its figures are stored again "
            "when it is closed once more. The reason is kept in the audit trail.",
        )
        self.service = service
        self.month = month
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(self.reason.fontMetrics().lineSpacing() * 3 + 16)
        self.reason.setPlaceholderText("What must be corrected, for example: attendance of the 12 March meeting")
        self.form.add_field("reason", "Reason", self.reason, f"At least {MIN_REASON} characters.")
        self.reason.textChanged.connect(self._typed)

    def _typed(self) -> None:
        if len(self.reason.toPlainText().strip()) >= MIN_REASON:
            self.form.clear("reason")

    def operation(self) -> Any:
        """Reopen the month, once a reason of at least five characters is given."""
        reason = self.reason.toPlainText().strip()
        if len(reason) < MIN_REASON:
            self.form.set_error(
                "reason", f"Give the reason for reopening the month (at least {MIN_REASON} characters)."
            )
            self.reason.setFocus()
            return None
        service, month = self.service, str(self.month)
        return lambda: service.reopen(month, reason)


class ProblemRow(QFrame):
    """One failing check: what is wrong, and a button that opens the record."""

    #: The Open button was clicked (the row's MonthProblem).
    open_requested = Signal(object)

    def __init__(self, problem: MonthProblem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem = problem
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.description = QLabel(problem.description)
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(f"Open {RECORD_NOUNS.get(problem.record_type, 'record')}")
        self.open_button.setAutoDefault(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 8, 6)
        layout.setSpacing(12)
        layout.addWidget(self.description, 1)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.open_button.clicked.connect(self._open_clicked)

    def _open_clicked(self) -> None:
        self.open_requested.emit(self.problem)


class ChecksArea(QScrollArea):
    """The list of failing checks: as high as its rows need (up to a limit, then it scrolls)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._width = 0

    def sizeHint(self) -> QSize:  # noqa: N802
        """The rows' height at the current width, at most ``MAX_CHECKS_HEIGHT``."""
        hint = super().sizeHint()
        widget = self.widget()
        if widget is None:
            return hint
        width = self.viewport().width() if self.viewport().width() > 100 else hint.width()
        height = widget.heightForWidth(width) if widget.hasHeightForWidth() else -1
        if height < 0:
            height = widget.sizeHint().height()
        return QSize(hint.width(), min(height + 2 * self.frameWidth(), MAX_CHECKS_HEIGHT))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """A new width wraps the descriptions differently: ask the layout for a new height."""
        super().resizeEvent(event)
        if event.size().width() != self._width:
            self._width = event.size().width()
            self.updateGeometry()


def _bold(label: QLabel, extra_points: int = 0) -> QLabel:
    font: QFont = label.font()
    font.setBold(True)
    if extra_points:
        font.setPointSize(font.pointSize() + extra_points)
    label.setFont(font)
    return label


class MonthsScreen(Screen):
    """The recent months: checks, figures, and closing or reopening a month."""

    key = "months"
    title = "Month closing"
    icon = QStyle.StandardPixmap.SP_DialogApplyButton

    #: A failing check's record should be opened: (record type, record id).
    open_record = Signal(str, object)
    #: The recent months were loaded (tests wait for this).
    months_loaded = Signal()
    #: One month's checks and figures were shown (tests wait for this).
    details_loaded = Signal(str)

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = MonthService(context)
        self.figures_service = FiguresService(context)
        self.organisation = OrganisationService(context)
        self.can_close = context.can("month.close")
        self.can_reopen = context.can("month.reopen")
        self._months: list[MonthStatus] = []
        self._selected = ""
        self._details: MonthDetails | None = None
        self._generation = 0
        self._loaded_once = False

        heading = QLabel(self.title)
        set_role(heading, "heading")
        intro = QLabel(
            "Close each month once it is over and its records are complete: its figures are stored and its records "
            "locked. The checks below list what still has to be finished."
        )
        intro.setWordWrap(True)
        set_role(intro, "muted")

        self.months_model = RowsTableModel(MONTH_COLUMNS, self)
        self.months_table = RecordTableView()
        self.months_table.setSortingEnabled(False)
        self.months_table.setModel(self.months_model)
        for number, column in enumerate(MONTH_COLUMNS):
            if column.width:
                self.months_table.setColumnWidth(number, column.width)
        self.months_table.setMinimumWidth(430)
        self.months_table.setMaximumWidth(470)
        self.months_table.selectionModel().currentRowChanged.connect(self._current_row_changed)

        # the chosen month
        self.month_heading = _bold(QLabel(""), 3)
        self.state_label = QLabel("")
        self.state_label.setWordWrap(True)
        set_role(self.state_label, "muted")
        self.close_button = QPushButton("Close month")
        self.close_button.clicked.connect(self.ask_close)
        self.reopen_button = QPushButton("Reopen…")
        self.reopen_button.clicked.connect(self.ask_reopen)
        self.close_button.setVisible(self.can_close)
        self.reopen_button.setVisible(False)
        self.action_note = QLabel("")
        self.action_note.setWordWrap(True)
        actions = QHBoxLayout()
        actions.setSpacing(10)
        actions.addWidget(self.close_button)
        actions.addWidget(self.reopen_button)
        actions.addWidget(self.action_note, 1)
        self.report_button = QPushButton("Monthly report…")
        self.report_button.setToolTip("The month's COP report for the district: figures, charts and outreach")
        self.report_button.setVisible(context.can("print.documents") and context.can("figures.view"))
        self.report_button.clicked.connect(lambda _checked=False: self.print_report())
        actions.addWidget(self.report_button)

        self.checks_caption = _bold(QLabel("Checks"))
        self.checks_summary = QLabel("")
        self.checks_summary.setWordWrap(True)
        self.checks_box = QWidget()
        self.checks_layout = QVBoxLayout(self.checks_box)
        self.checks_layout.setContentsMargins(0, 0, 4, 0)
        self.checks_layout.setSpacing(6)
        self.checks_layout.addStretch(1)
        self.checks_area = ChecksArea()
        self.checks_area.setWidget(self.checks_box)
        self.checks_area.hide()
        self.problem_rows: list[ProblemRow] = []

        self.figures_caption = _bold(QLabel("Figures"))
        self.figures_note = QLabel("")
        self.figures_note.setWordWrap(True)
        set_role(self.figures_note, "muted")
        self.figures_model = RowsTableModel(FIGURE_COLUMNS, self)
        self.figures_table = RecordTableView()
        self.figures_table.setSortingEnabled(False)
        self.figures_table.setModel(self.figures_model)
        self.figures_table.setColumnWidth(0, FIGURE_COLUMNS[0].width or 300)
        self.figures_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        details = QWidget()
        right = QVBoxLayout(details)
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(8)
        right.addWidget(self.month_heading)
        right.addWidget(self.state_label)
        right.addLayout(actions)
        right.addSpacing(4)
        right.addWidget(self.checks_caption)
        right.addWidget(self.checks_summary)
        right.addWidget(self.checks_area)
        right.addSpacing(4)
        right.addWidget(self.figures_caption)
        right.addWidget(self.figures_note)
        right.addWidget(self.figures_table, 1)
        self.details = details
        details.hide()

        columns = QHBoxLayout()
        columns.setSpacing(20)
        columns.addWidget(self.months_table)
        columns.addWidget(details, 1)
        self.problem_label = QLabel("")
        self.problem_label.setWordWrap(True)
        set_role(self.problem_label, "field-error")
        self.problem_label.hide()

        body = QVBoxLayout(self)
        body.setContentsMargins(16, 14, 16, 10)
        body.setSpacing(10)
        body.addWidget(heading)
        body.addWidget(intro)
        body.addWidget(self.problem_label)
        body.addLayout(columns, 1)

    # -- loading ----------------------------------------------------------------------------------------
    def shown(self) -> None:
        """Load the months the first time the screen is shown."""
        if not self._loaded_once:
            self.refresh()

    def refresh(self) -> None:
        """Load the recent months, then the chosen month's checks and figures (F5)."""
        service = self.service
        Task(lambda: service.recent(RECENT_MONTHS), parent=self).on_success(self._show_months).on_failure(
            self._show_problem
        ).run()

    def _show_problem(self, error: CopdeskError) -> None:
        self.problem_label.setText(error.message)
        self.problem_label.show()

    def _show_months(self, months: list[MonthStatus]) -> None:
        self._loaded_once = True
        self.problem_label.hide()
        self._months = list(months)
        wanted = self._selected or self._default_month()
        self.months_model.set_rows(self._months)
        row = next((i for i, status in enumerate(self._months) if status.month == wanted), 0)
        self.months_loaded.emit()
        if self._months:
            selection = self.months_table.selectionModel()
            selection.blockSignals(True)  # one load below, not one per selection signal
            self.months_table.setCurrentIndex(self.months_model.index(row, 0))
            self.months_table.selectRow(row)
            selection.blockSignals(False)
            self.months_table.viewport().update()
            self._selected = self._months[row].month
            self.load_details(self._selected)

    def _default_month(self) -> str:
        """Last month: the one the office closes next."""
        return str(Month.of(self.context.today()).previous())

    def month_status(self, month: str) -> MonthStatus | None:
        """The listed status of a month (from the recent months), if listed."""
        return next((status for status in self._months if status.month == month), None)

    def months(self) -> list[MonthStatus]:
        """The months listed, newest first."""
        return list(self._months)

    def select_month(self, month: str) -> None:
        """Show a month's checks and figures."""
        row = next((i for i, status in enumerate(self._months) if status.month == month), -1)
        if row >= 0:
            self.months_table.selectRow(row)
            self.months_table.setCurrentIndex(self.months_model.index(row, 0))

    def _current_row_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._month_chosen()

    def _month_chosen(self) -> None:
        index = self.months_table.currentIndex()
        status = self.months_model.row_object(index.row()) if index.isValid() else None
        if not isinstance(status, MonthStatus):
            return
        if status.month == self._selected:
            return
        self._selected = status.month
        self.load_details(status.month)

    def load_details(self, month: str) -> None:
        """Fetch the month's status with its checks, its figures and the station names, off the GUI thread."""
        self._generation += 1
        generation = self._generation
        service, figures, organisation = self.service, self.figures_service, self.organisation
        can_see_figures = self.context.can("figures.view")

        def load() -> MonthDetails:
            status = service.status(month)
            figure_set = figures.for_month(month) if can_see_figures else None
            stations: list[StationView] = organisation.list_stations() if can_see_figures else []
            return MonthDetails(status, figure_set, {str(s.id): s.name for s in stations})

        def show(details: MonthDetails) -> None:
            if generation == self._generation:
                self.show_details(details)

        Task(load, parent=self).on_success(show).on_failure(self._show_problem).run()

    # -- showing a month --------------------------------------------------------------------------------
    def selected_details(self) -> MonthDetails | None:
        """What is shown for the chosen month."""
        return self._details

    def show_details(self, details: MonthDetails) -> None:
        """Show a month's state, checks, figures and the actions the user may take."""
        self._details = details
        status = details.status
        month = Month.parse(status.month)
        self.details.show()
        self.month_heading.setText(f"{month.label} — {state_label(status.state).lower()}")
        self.state_label.setText(self._state_text(status))
        self._show_checks(status, month)
        self._show_figures(details, status)
        self._update_actions(status, month)
        self.details_loaded.emit(status.month)

    def _state_text(self, status: MonthStatus) -> str:
        closed = ""
        if status.closed_at is not None:
            closed = f"closed by {status.closed_by} on {status.closed_at.astimezone():%d %b %Y at %H:%M}"
        if status.state == "closed":
            return f"{closed[0].upper()}{closed[1:]}. Its records are locked and its figures stored."
        if status.state == "reopened":
            return f"Reopened to correct: “{status.reopen_reason}”. It was last {closed}."
        return "Open: records of this month can still be added and changed."

    def _show_checks(self, status: MonthStatus, month: Month) -> None:
        for row in self.problem_rows:
            self.checks_layout.removeWidget(row)
            row.deleteLater()
        self.problem_rows = []
        if status.state == "closed":
            self.checks_summary.setText("Every check passed when the month was closed.")
            set_role(self.checks_summary, "muted")
            self.checks_area.hide()
            return
        count = len(status.problems) + status.more_problems
        if not count:
            self.checks_summary.setText(
                "Every check passes: no meeting left open, no resolved complaint "
                "without a closure category, no watch turn-out left unticked."
            )
            set_role(self.checks_summary, "field-ok")
            self.checks_area.hide()
            return
        noun = "check fails" if count == 1 else "checks fail"
        text = f"{count:,} {noun}. Open each record and finish it:"
        if status.more_problems:
            text = f"{count:,} {noun}; the first {len(status.problems):,} are listed. Open each record and finish it:"
        self.checks_summary.setText(text)
        set_role(self.checks_summary, "field-error")
        for problem in status.problems:
            row = ProblemRow(problem)
            row.open_requested.connect(self.follow_link)
            self.checks_layout.insertWidget(self.checks_layout.count() - 1, row)
            self.problem_rows.append(row)
        self.checks_area.show()
        self.checks_area.updateGeometry()

    def _show_figures(self, details: MonthDetails, status: MonthStatus) -> None:
        figures = details.figures
        if figures is None:
            self.figures_note.setText("Your role does not show the monthly figures.")
            self.figures_model.set_rows([])
            return
        if figures.stored and status.state == "reopened":
            self.figures_note.setText(
                "Stored when the month was last closed. They are worked out again when it is closed once more."
            )
        elif figures.stored:
            self.figures_note.setText("Stored when the month was closed; these are the figures the hub receives.")
        else:
            self.figures_note.setText(
                "Worked out now from the records. They are stored when the month is closed and may change until then."
            )
        self.figures_model.set_rows(figure_rows(figures, details.station_names))

    def _update_actions(self, status: MonthStatus, month: Month) -> None:
        closed = status.state == "closed"
        self.close_button.setVisible(self.can_close and not closed)
        self.reopen_button.setVisible(self.can_reopen and closed)
        if not (self.can_close or self.can_reopen):
            self._note("Only the district officer closes and reopens months.", "muted")
            return
        if closed:
            blocker = self.reopen_blocker(month)
            self.reopen_button.setEnabled(self.can_reopen and not blocker)
            self._note(blocker or "Reopen the month only to correct its records; give the reason.", "muted")
            return
        blocker = self.close_blocker(status, month)
        self.close_button.setEnabled(self.can_close and not blocker)
        if blocker:
            self._note(blocker, "field-warning")
        else:
            self._note("Every check passes: the month can be closed.", "field-ok")

    def print_report(self) -> PrintPreviewDialog | None:
        """Open the print preview of the chosen month's COP report."""
        if not self._selected:
            return None
        return preview_monthly_report(self, self.context, self._selected)

    def _note(self, text: str, role: str) -> None:
        self.action_note.setText(text)
        set_role(self.action_note, role)

    def close_blocker(self, status: MonthStatus, month: Month) -> str:
        """Why the month cannot be closed now ('' when it can)."""
        if month.last_day >= self.context.today():
            return f"{month.label} is not over yet; it can be closed from 1 {month.next().label}."
        count = len(status.problems) + status.more_problems
        if count:
            return f"Finish the {count:,} failing check{'s' if count != 1 else ''} below before closing the month."
        previous = self.month_status(str(month.previous()))
        earlier_closed = any(s.state != "open" for s in self._months if s.month < str(month))
        if previous is not None and previous.state != "closed" and earlier_closed:
            return f"Close {month.previous().label} first: months are closed in order."
        return ""

    def reopen_blocker(self, month: Month) -> str:
        """Why the month cannot be reopened now ('' when it can)."""
        later = self.month_status(str(month.next()))
        if later is not None and later.state == "closed":
            return f"Reopen {month.next().label} first: months are reopened newest first."
        return ""

    # -- closing and reopening --------------------------------------------------------------------------
    def ask_close(self) -> None:
        """Ask, then close the chosen month."""
        details = self._details
        if details is None or not self.close_button.isEnabled() or self.close_button.isHidden():
            return
        month = Month.parse(details.status.month)
        service = self.service

        def close() -> None:
            self.close_button.setEnabled(False)
            Task(lambda: service.close(str(month)), parent=self).on_success(
                lambda _status: self._changed(f"{month.label} is closed.")
            ).on_failure(self._action_failed).run()

        confirm(
            self,
            f"Close {month.label}? Its figures will be stored as they are now, and its records can no longer be "
            "changed unless the month is reopened.",
            close,
            yes_text="Close month",
        )

    def ask_reopen(self) -> ReopenDialog | None:
        """Ask for the reason, then reopen the chosen month."""
        details = self._details
        if details is None or not self.reopen_button.isEnabled() or self.reopen_button.isHidden():
            return None
        month = Month.parse(details.status.month)
        dialog = ReopenDialog(self.service, month, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.done_with.connect(self._reopened)  # a bound method: lambdas on self-deleting dialogs crash PySide
        dialog.open()
        self.reopen_dialog = dialog
        return dialog

    def _reopened(self, status: object) -> None:
        if isinstance(status, MonthStatus):
            self._changed(f"{Month.parse(status.month).label} is reopened.")

    def _action_failed(self, error: CopdeskError) -> None:
        show_error(self, error.message)
        self.refresh()

    def _changed(self, text: str) -> None:
        self.status_message.emit(text)
        self._details = None
        self.refresh()
        update_window = getattr(self.window(), "load_month_status", None)
        if callable(update_window):
            update_window()

    # -- links --------------------------------------------------------------------------------------------
    def follow_link(self, problem: MonthProblem) -> None:
        """Announce the record to open, then open it on its screen (or describe it when that is not possible)."""
        self.open_record.emit(problem.record_type, problem.record_id)
        if not self._open_on_screen(problem.record_type, problem.record_id):
            show_info(self, problem.description, f"{RECORD_NOUNS.get(problem.record_type, 'Record').capitalize()}")

    def _open_on_screen(self, record_type: str, record_id: uuid.UUID) -> bool:
        target = LINK_TARGETS.get(record_type)
        if target is None:
            return False
        module_name, class_name = target
        try:
            if importlib.util.find_spec(module_name) is None:
                return False
        except ModuleNotFoundError:
            return False
        screen_class = getattr(importlib.import_module(module_name), class_name, None)
        key = getattr(screen_class, "key", "")
        window = self.window()
        show_screen = getattr(window, "show_screen", None)
        if not key or not callable(show_screen):
            return False
        keys = getattr(window, "screen_keys", None)
        if callable(keys) and key not in keys():
            return False
        screens: Sequence[Any] = getattr(window, "screens", ())
        screen = next((s for s in screens if getattr(s, "key", None) == key), None)
        opener = None
        if screen is not None:
            opener = getattr(screen, f"open_{record_type}", None) or getattr(screen, "open_record", None)
        if not callable(opener):
            return False
        shown = show_screen(key)
        target_screen = shown if shown is not None else screen
        opener = getattr(target_screen, f"open_{record_type}", None) or getattr(target_screen, "open_record", None)
        if not callable(opener):
            return False
        opener(LinkedId(int=record_id.int))
        return True
