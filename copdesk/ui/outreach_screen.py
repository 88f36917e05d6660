"""Outreach: the list of outreach events (khuli kachehris, school visits, awareness sessions...) and their form.

The form checks each field before saving: the kind, title and station are required, the date cannot be in the
future, and the number of young people can never exceed the men and women together (young people are counted
among them). The shared pieces here (a period filter, date boxes, the record dialog with its unsaved-changes
guard) are used by the training screen too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from copdesk.domain.corpus import outreach_kinds
from copdesk.domain.months import Month
from copdesk.errors import CopdeskError, ValidationError
from copdesk.services.context import ServiceContext
from copdesk.services.organisation import OrganisationService, StationView
from copdesk.services.outreach import ATTENDANCE_MAX, OutreachDraft, OutreachService, OutreachView
from copdesk.ui.dialogs import confirm
from copdesk.ui.forms import FieldForm
from copdesk.ui.list_screen import ListScreen
from copdesk.ui.paged_model import RIGHT, Column
from copdesk.ui.tasks import Task
from copdesk.ui.theme import ERROR_COLOUR, set_invalid, set_role

DATE_FORMAT = "dd MMM yyyy"
#: How many months back the period filter offers (the current month included).
PERIOD_MONTHS = 12
#: How many whole years the period filter offers (the current year included).
PERIOD_YEARS = 3

OUTREACH_COLUMNS: tuple[Column[OutreachView], ...] = (
    Column("Date", lambda e: e.held_on, sort_key="held_on", width=110),
    Column("Kind", lambda e: e.kind_label, sort_key="kind", width=230),
    Column("Title", lambda e: e.title, sort_key="title", width=260),
    Column("Station", lambda e: e.station_name, sort_key="station", width=140),
    Column("Men", lambda e: e.men, alignment=RIGHT, width=70),
    Column("Women", lambda e: e.women, alignment=RIGHT, width=70),
    Column("Youth", lambda e: e.youth, alignment=RIGHT, width=70),
    Column("Total", lambda e: e.attendance, sort_key="attendance", alignment=RIGHT, width=80),
)
#: The column that takes the spare width of the outreach list.
OUTREACH_STRETCH_COLUMN = 2


# --- shared pieces (the training screen uses them too) -------------------------------------------------------------


def to_qdate(day: date) -> QDate:
    """A Python date as a QDate."""
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    """A QDate as a Python date."""
    return date(day.year(), day.month(), day.day())


def date_edit(today: date, value: date | None = None) -> QDateEdit:
    """A date box with a calendar that cannot go past ``today`` (records are of things that happened)."""
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setMinimumDate(QDate(2000, 1, 1))
    edit.setMaximumDate(to_qdate(today))
    edit.setDate(to_qdate(value or today))
    edit.setMinimumWidth(150)
    return edit


def multiline(lines: int = 3) -> QPlainTextEdit:
    """A text box a few lines high where Tab moves on to the next field."""
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 16)
    return edit


def left_aligned(widget: QWidget) -> QWidget:
    """``widget`` at its natural width in a row as wide as the form, so the message under it has room."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widget)
    layout.addStretch(1)
    return row


#: Spin boxes are not covered by the theme's red border for invalid inputs; record dialogs add it.
SPIN_BOX_STYLE = f'QAbstractSpinBox[invalid="true"] {{ border: 1px solid {ERROR_COLOUR}; padding: 2px; }}'


def stretch_column(table: Any, column: int) -> None:
    """Let one column of a list take the spare width (instead of the last one)."""
    header: QHeaderView = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)


class PeriodFilter(QComboBox):
    """Any time, one of the recent months, or a whole year; gives the list filters for the choice."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItem("Any time", None)
        month = Month.of(today)
        for _ in range(PERIOD_MONTHS):
            self.addItem(month.label, str(month))
            month = month.previous()
        for year in range(today.year, today.year - PERIOD_YEARS, -1):
            self.addItem(f"All of {year}", year)
        self.setMaxVisibleItems(self.count())
        self.setMinimumContentsLength(14)
        self._today = today

    def select_month(self, month: Month | None) -> None:
        """Choose a month (or Any time for None); months not offered leave the choice as it is."""
        index = self.findData(str(month)) if month is not None else 0
        if index >= 0:
            self.setCurrentIndex(index)

    def filters(self) -> dict[str, Any]:
        """``month`` for a month, ``date_from``/``date_to`` for a year, nothing for any time."""
        chosen = self.currentData()
        if isinstance(chosen, str):
            return {"month": chosen}
        if isinstance(chosen, int):
            return {"date_from": date(chosen, 1, 1), "date_to": date(chosen, 12, 31)}
        return {}

    def month(self) -> Month | None:
        """The month chosen (None for any time or a whole year)."""
        chosen = self.currentData()
        return Month.parse(chosen) if isinstance(chosen, str) else None

    def year(self) -> int | None:
        """The year chosen (None for any time or a month)."""
        chosen = self.currentData()
        return chosen if isinstance(chosen, int) else None


class RecordDialog(QDialog):
    """A record's form: Save (Ctrl+S) checks the fields, then saves off the GUI thread; Cancel asks first.

    Subclasses fill :attr:`body` (usually with :attr:`form`) and implement :meth:`values`, :meth:`validate`
    and :meth:`operation`. Rule breaks the service reports are shown at their field, other failures in the
    dialog.
    """

    #: The saved record (a service view).
    saved = Signal(object)
    #: The deleted record's id.
    deleted = Signal(object)

    def __init__(self, window_title: str, heading: str, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title)
        self.setStyleSheet(SPIN_BOX_STYLE)
        self._noun = noun
        self._snapshot: tuple[object, ...] = ()
        self._discard_confirmed = False
        self.form = FieldForm()

        self.notice = QLabel("")
        self.notice.setWordWrap(True)
        set_role(self.notice, "field-error")
        self.notice.hide()

        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        self.delete_button: QPushButton | None = None
        self.bottom = QHBoxLayout()
        self.bottom.addStretch(1)
        self.bottom.addWidget(self.buttons)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save)

        self.heading = QLabel(heading)
        set_role(self.heading, "heading")
        self.body = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.addWidget(self.heading)
        layout.addSpacing(4)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.notice)
        layout.addLayout(self.bottom)

    # -- to implement -----------------------------------------------------------------------------------
    def values(self) -> tuple[object, ...]:
        """Everything the user can change, to tell whether something is unsaved."""
        raise NotImplementedError

    def validate(self) -> bool:
        """Check every field, show each problem at its field, focus the first; True when all are fine."""
        raise NotImplementedError

    def operation(self) -> Callable[[], object]:
        """The service call that saves the form (called once :meth:`validate` passed)."""
        raise NotImplementedError

    # -- state ------------------------------------------------------------------------------------------
    def mark_clean(self) -> None:
        """What the form holds now counts as saved."""
        self._snapshot = self.values()

    def is_dirty(self) -> bool:
        """True when something was typed that is not saved."""
        return self.values() != self._snapshot

    def show_problem(self, message: str) -> None:
        """Show a problem that belongs to no single field."""
        self.notice.setText(message)
        self.notice.show()

    def add_delete_button(self, question: str, delete: Callable[[], object]) -> QPushButton:
        """Offer Delete… (asks ``question`` first, then runs ``delete`` off the GUI thread)."""
        button = QPushButton("Delete…")
        button.setAutoDefault(False)
        button.clicked.connect(lambda: self.ask_delete(question, delete))
        self.bottom.insertWidget(0, button)
        self.delete_button = button
        return button

    # -- saving -----------------------------------------------------------------------------------------
    def save(self) -> None:
        """Check the fields, then save off the GUI thread; the dialog closes when the save succeeded."""
        if not self.save_button.isEnabled() or self.save_button.isHidden():
            return
        self.notice.hide()
        if not self.validate():
            return
        self.save_button.setEnabled(False)
        (
            Task(self.operation(), parent=self)
            .on_success(self.save_succeeded)
            .on_failure(self.save_failed)
            .on_done(lambda: self.save_button.setEnabled(True))
            .run()
        )

    def save_succeeded(self, result: object) -> None:
        """The record was saved: report it and close."""
        self.mark_clean()
        self.saved.emit(result)
        self.accept()

    def save_failed(self, error: CopdeskError) -> None:
        """Show the service's refusal at its field, or in the dialog."""
        if isinstance(error, ValidationError) and self.form.show_validation(error):
            return
        self.show_problem(error.message)

    def ask_delete(self, question: str, delete: Callable[[], object]) -> None:
        """Ask, then delete the record (it disappears from lists and totals)."""

        def run() -> None:
            Task(delete, parent=self).on_success(lambda _none: self._deleted()).on_failure(
                lambda error: self.show_problem(error.message)
            ).run()

        confirm(self, question, run, yes_text="Delete")

    def _deleted(self) -> None:
        self.mark_clean()
        self.deleted.emit(None)
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
            f"This {self._noun} has changed but is not saved. Discard the changes?",
            discard,
            yes_text="Discard changes",
            no_text="Keep editing",
        )

    def reject(self) -> None:
        """Cancel, Esc or the window's close button: ask first when there are unsaved changes."""
        self.ask_discard(super().reject)


class RecordListScreen(ListScreen):
    """A list screen whose records open in one :class:`RecordDialog` at a time."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dialog: RecordDialog | None = None
        self._saved_text: Callable[[Any], str] = lambda _view: "Saved."

    def open_dialog(self) -> RecordDialog | None:
        """The record form that is open now, if any."""
        dialog = self.dialog
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            return dialog
        return None

    def present(self, dialog: RecordDialog, saved_text: Callable[[Any], str]) -> RecordDialog:
        """Open ``dialog`` (window-modal, never blocking) and reload the list when it saves or deletes."""
        # Bound methods, not lambdas: a lambda connected to a signal of a dialog that deletes itself on close
        # can crash PySide when the dialog goes.
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._saved_text = saved_text
        dialog.saved.connect(self._dialog_saved)
        dialog.deleted.connect(self._dialog_deleted)
        dialog.finished.connect(self._dialog_finished)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_saved(self, view: object) -> None:
        self._record_changed(self._saved_text(view))

    def _dialog_deleted(self, _record_id: object) -> None:
        self._record_changed("The record was deleted.")

    def raise_open_dialog(self) -> bool:
        """Bring the open form to the front; True when there was one."""
        current = self.open_dialog()
        if current is None:
            return False
        current.raise_()
        current.activateWindow()
        return True

    def _dialog_finished(self, _result: int) -> None:
        self.dialog = None

    def _record_changed(self, text: str) -> None:
        self.status_message.emit(text)
        self.record_changed()

    def record_changed(self) -> None:
        """A record was saved or deleted: load the list again."""
        self.reload()

    def has_unsaved_changes(self) -> bool:
        """True while an open form has unsaved changes."""
        dialog = self.open_dialog()
        return dialog is not None and dialog.is_dirty()

    def maybe_close(self, proceed: Callable[[], None]) -> None:
        """Ask about the open form's unsaved changes before leaving."""
        dialog = self.open_dialog()
        if dialog is None:
            proceed()
            return

        def close_and_proceed() -> None:
            dialog.done(QDialog.DialogCode.Rejected)
            proceed()

        dialog.ask_discard(close_and_proceed)


# --- outreach -------------------------------------------------------------------------------------------------------


def _count_box() -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, ATTENDANCE_MAX)
    box.setGroupSeparatorShown(True)
    box.setAccelerated(True)
    box.setMinimumWidth(120)
    box.setAlignment(Qt.AlignmentFlag.AlignRight)
    return box


class OutreachDialog(RecordDialog):
    """Record an outreach event, or correct one."""

    def __init__(
        self,
        service: OutreachService,
        stations: Sequence[StationView],
        today: date,
        event: OutreachView | None = None,
        parent: QWidget | None = None,
        *,
        can_delete: bool = False,
    ) -> None:
        super().__init__(
            "New outreach event" if event is None else "Outreach event",
            "New outreach event" if event is None else "Outreach event",
            "outreach event",
            parent,
        )
        self.service = service
        self.outreach = event
        self.setMinimumWidth(680)

        self.kind = QComboBox()
        self.kind.setPlaceholderText("Choose…")
        for code, kind in outreach_kinds().items():
            self.kind.addItem(kind.name_en, code)
            self.kind.setItemData(self.kind.count() - 1, kind.name_ur, Qt.ItemDataRole.ToolTipRole)
        self.kind.setCurrentIndex(-1)
        self.title = QLineEdit()
        self.title.setMaxLength(200)
        self.title.setPlaceholderText("For example: Khuli kachehri at Ichhra")
        self.station = QComboBox()
        self.station.setPlaceholderText("Choose…")
        for station in stations:
            self.station.addItem(station.name, station.id)
        self.station.setCurrentIndex(0 if len(stations) == 1 else -1)
        self.station.setMinimumContentsLength(16)
        self.held_on = date_edit(today)
        self.venue = QLineEdit()
        self.venue.setMaxLength(200)
        self.men = _count_box()
        self.women = _count_box()
        self.youth = _count_box()
        self.total = QLabel("0")
        self.summary = multiline(3)
        self.success_story = multiline(3)
        self.success_story.setPlaceholderText("Optional: what changed for someone thanks to this event.")
        self.consent = QCheckBox("The people in the story agreed to its publication")

        self.form.add_field("kind", "Kind of event", self.kind)
        self.form.add_field("title", "Title", self.title)
        self.form.add_field("station_id", "Station", self.station)
        self.form.add_field("held_on", "Date", self.held_on)
        self.form.add_field("venue", "Venue", self.venue, "Optional.")
        self.form.add_field("men", "Men", left_aligned(self.men))
        self.form.add_field("women", "Women", left_aligned(self.women))
        self.form.add_field("youth", "Young people", left_aligned(self.youth), self.youth_hint())
        self.form.add_field("total", "Total attendance", self.total)
        self.form.add_field("summary", "Summary", self.summary)
        self.form.add_field("success_story", "Success story", self.success_story)
        self.form.add_field("success_story_consent", "Consent", self.consent)
        self.body.addLayout(self.form)
        self.body.addStretch(1)
        self.resize(720, 700)

        if event is not None:
            self._load(event)
            if can_delete:
                self.add_delete_button(
                    f"Delete the outreach event '{event.title}'? It will no longer count in the month's figures.",
                    lambda: service.delete(event.id, event.version),
                )
        self._attendance_changed()
        self._story_changed()
        self.mark_clean()

        self.kind.currentIndexChanged.connect(lambda: self.form.clear("kind"))
        self.station.currentIndexChanged.connect(lambda: self.form.clear("station_id"))
        self.title.textChanged.connect(lambda: self.form.clear("title") if self.title.text().strip() else None)
        self.title.editingFinished.connect(lambda: self._check("title"))
        for box in (self.men, self.women, self.youth):
            box.valueChanged.connect(self._attendance_changed)
        self.success_story.textChanged.connect(self._story_changed)

    def _load(self, event: OutreachView) -> None:
        self.kind.setCurrentIndex(self.kind.findData(event.kind.value))
        self.title.setText(event.title)
        if self.station.findData(event.station_id) < 0:  # a station deleted since: keep it on the event
            self.station.addItem(event.station_name, event.station_id)
        self.station.setCurrentIndex(self.station.findData(event.station_id))
        self.held_on.setMaximumDate(max(self.held_on.maximumDate(), to_qdate(event.held_on)))
        self.held_on.setDate(to_qdate(event.held_on))
        self.venue.setText(event.venue)
        self.men.setValue(event.men)
        self.women.setValue(event.women)
        self.youth.setValue(event.youth)
        self.summary.setPlainText(event.summary)
        self.success_story.setPlainText(event.success_story)
        self.consent.setChecked(event.success_story_consent)

    # -- values -----------------------------------------------------------------------------------------
    def values(self) -> tuple[object, ...]:
        """Everything the form holds."""
        return (
            self.kind.currentData(),
            self.title.text(),
            self.station.currentData(),
            self.held_on.date(),
            self.venue.text(),
            self.men.value(),
            self.women.value(),
            self.youth.value(),
            self.summary.toPlainText(),
            self.success_story.toPlainText(),
            self.consent.isChecked(),
        )

    def draft(self) -> OutreachDraft:
        """What the form holds, as a draft for the service."""
        story = self.success_story.toPlainText().strip()
        return OutreachDraft(
            kind=str(self.kind.currentData() or ""),
            title=self.title.text(),
            station_id=self.station.currentData(),
            held_on=from_qdate(self.held_on.date()),
            venue=self.venue.text(),
            men=self.men.value(),
            women=self.women.value(),
            youth=self.youth.value(),
            summary=self.summary.toPlainText(),
            success_story=story,
            success_story_consent=bool(story) and self.consent.isChecked(),
        )

    # -- checks -----------------------------------------------------------------------------------------
    def youth_hint(self) -> str:
        """The neutral note under the young people's count."""
        return "Counted among the men and women above, so never more than they are together."

    def field_problem(self, field: str) -> str:
        """The rule the field's value breaks, or ''."""
        if field == "kind":
            return "" if self.kind.currentIndex() >= 0 else "Choose the kind of event."
        if field == "title":
            return "" if self.title.text().strip() else "Enter the title of the event."
        if field == "station_id":
            return "" if self.station.currentIndex() >= 0 else "Choose the police station that held the event."
        if field == "youth":
            together = self.men.value() + self.women.value()
            if self.youth.value() > together:
                return (
                    f"Young people are counted among the men and women, so there can be at most {together:,} "
                    f"(men and women together), not {self.youth.value():,}."
                )
        return ""

    def _check(self, field: str) -> bool:
        problem = self.field_problem(field)
        if problem:
            self.form.set_error(field, problem)
        else:
            self.form.clear(field)
        if field == "youth":
            set_invalid(self.youth, bool(problem))
        return not problem

    def _attendance_changed(self) -> None:
        together = self.men.value() + self.women.value()
        self.total.setText(f"{together:,}  (men and women; young people are among them)")
        self._check("youth")

    def _story_changed(self) -> None:
        has_story = bool(self.success_story.toPlainText().strip())
        self.consent.setEnabled(has_story)
        if not has_story:
            self.consent.setChecked(False)

    def validate(self) -> bool:
        """Check every field and focus the first one that is wrong."""
        fields = ("kind", "title", "station_id", "youth")
        results = [self._check(field) for field in fields]
        for field, ok in zip(fields, results, strict=True):
            if not ok:
                (self.youth if field == "youth" else self.form.input_of(field)).setFocus()
                return False
        return True

    def operation(self) -> Callable[[], OutreachView]:
        """Create or update the event."""
        draft, service, event = self.draft(), self.service, self.outreach
        if event is None:
            return lambda: service.create(draft)
        return lambda: service.update(event.id, draft, event.version)


class OutreachScreen(RecordListScreen):
    """Every outreach event of the district, newest first, with filters by kind, station and period."""

    key = "outreach"
    title = "Outreach"
    icon = QStyle.StandardPixmap.SP_MessageBoxInformation

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        self.context = context
        self.service = OutreachService(context)
        self.organisation = OrganisationService(context)
        self.can_create = context.can("outreach.manage")
        super().__init__(
            self.service,
            OUTREACH_COLUMNS,
            search_placeholder="Search title, venue or summary",
            noun=("event", "events"),
            default_sort="held_on",
            parent=parent,
        )
        self.model.sort(0, Qt.SortOrder.DescendingOrder)  # newest first
        stretch_column(self.table, OUTREACH_STRETCH_COLUMN)
        # Four filters do not fit beside the search box on a small screen: they get a row of their own.
        self.filter_bar = QHBoxLayout()
        self.filter_bar.setSpacing(8)
        filter_row = QHBoxLayout()
        filter_row.addLayout(self.filter_bar)
        filter_row.addStretch(1)
        self.body.insertLayout(self.body.indexOf(self.problem_label), filter_row)
        self._stations: list[StationView] = []
        self._stations_loaded = False

        self.kind_filter = QComboBox()
        self.kind_filter.addItem("All kinds", None)
        for code, kind in outreach_kinds().items():
            self.kind_filter.addItem(kind.name_en, code)
        self.kind_filter.setMinimumContentsLength(12)
        self.kind_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.station_filter = QComboBox()
        self.station_filter.addItem("All stations", None)
        self.station_filter.setMinimumContentsLength(11)
        self.station_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.period_filter = PeriodFilter(context.today())
        self.story_filter = QCheckBox("Success stories")
        self.story_filter.setToolTip("Only events with a success story")
        for combo in (self.kind_filter, self.station_filter, self.period_filter):
            combo.currentIndexChanged.connect(self.filters_changed)
        self.story_filter.toggled.connect(self.filters_changed)
        self.add_filter(self.kind_filter, "Kind")
        self.add_filter(self.station_filter, "Station")
        self.add_filter(self.period_filter, "When")
        self.add_filter(self.story_filter)
        self.new_button = QPushButton("New event")
        self.new_button.setVisible(self.can_create)
        self.new_button.clicked.connect(self.new_record)
        self.toolbar.addWidget(self.new_button)

    # -- list -------------------------------------------------------------------------------------------
    def current_filters(self) -> dict[str, Any]:
        """Kind, station, period and success-story filters, as chosen."""
        filters: dict[str, Any] = dict(self.period_filter.filters())
        if self.kind_filter.currentData() is not None:
            filters["kind"] = self.kind_filter.currentData()
        if self.station_filter.currentData() is not None:
            filters["station_id"] = self.station_filter.currentData()
        if self.story_filter.isChecked():
            filters["has_success_story"] = True
        return filters

    def shown(self) -> None:
        """Load the stations (for the filter and the form) and, the first time, the list."""
        if not self._stations_loaded:
            self.load_stations()
        super().shown()

    def refresh(self) -> None:
        """Load the stations and the list again (F5)."""
        self.load_stations()
        super().refresh()

    def load_stations(self) -> None:
        """Fetch the stations off the GUI thread."""
        Task(self.organisation.list_stations, parent=self).on_success(self._show_stations).run()

    def _show_stations(self, stations: list[StationView]) -> None:
        self._stations = list(stations)
        self._stations_loaded = True
        current = self.station_filter.currentData()
        self.station_filter.blockSignals(True)
        self.station_filter.clear()
        self.station_filter.addItem("All stations", None)
        for station in stations:
            self.station_filter.addItem(station.name, station.id)
        self.station_filter.setCurrentIndex(max(0, self.station_filter.findData(current)))
        self.station_filter.blockSignals(False)

    # -- records ----------------------------------------------------------------------------------------
    def new_record(self) -> None:
        """Open an empty outreach form."""
        if self.can_create:
            self._show_dialog(None)

    def open_record(self, row: Any) -> None:
        """Load the event fresh (its current version) and open the form."""
        service, event_id = self.service, row.id
        Task(lambda: service.get(event_id), parent=self).on_success(self._show_dialog).run()

    def _show_dialog(self, event: OutreachView | None) -> OutreachDialog | None:
        if self.raise_open_dialog():
            return None
        dialog = OutreachDialog(
            self.service,
            self._stations,
            self.context.today(),
            event,
            self,
            can_delete=self.context.can("outreach.delete"),
        )
        if not self.can_create:
            dialog.save_button.hide()
        self.present(dialog, lambda view: f"Saved the outreach event '{view.title}'.")
        return dialog
