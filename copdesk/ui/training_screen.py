"""Training: COP training sessions of officers, who attended them, and how much of the force has been trained.

The list shows the sessions with a small coverage summary for the chosen month (or the current one): sessions,
officers trained, hours, and the share of active officers trained since 1 January. The form takes the topic
(standard COP topics offered while typing), date, hours, trainer and venue, and a picker of active officers with
a search box.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from copdesk.domain.months import Month
from copdesk.errors import CopdeskError
from copdesk.services.context import ServiceContext
from copdesk.services.organisation import OfficerView, OrganisationService
from copdesk.services.paging import Page, PageRequest
from copdesk.services.training import (
    HOURS_MAX,
    TrainingCoverage,
    TrainingDraft,
    TrainingRow,
    TrainingService,
    TrainingView,
)
from copdesk.ui.list_screen import SEARCH_DELAY_MS, RecordTableView, count_text
from copdesk.ui.list_state import ListQuery
from copdesk.ui.outreach_screen import (
    PeriodFilter,
    RecordDialog,
    RecordListScreen,
    date_edit,
    from_qdate,
    left_aligned,
    multiline,
    stretch_column,
    to_qdate,
)
from copdesk.ui.paged_model import RIGHT, Column, ModelIndex, PagedTableModel
from copdesk.ui.tasks import Task
from copdesk.ui.theme import set_invalid, set_role

#: The officers the picker offers: active ones only (an inactive officer cannot be added to a training).
ACTIVE_ONLY = {"active": True}
#: How many chosen officers are named under the picker before "and N more".
NAMES_SHOWN = 6


def hours_text(hours: float) -> str:
    """``1.5`` → ``"1.5"``, ``6.0`` → ``"6"``, ``0.25`` → ``"0.25"``."""
    return f"{round(hours, 2):g}"


TRAINING_COLUMNS: tuple[Column[TrainingRow], ...] = (
    Column("Date", lambda t: t.held_on, sort_key="held_on", width=110),
    Column("Topic", lambda t: t.topic, sort_key="topic", width=330),
    Column("Hours", lambda t: hours_text(t.hours), sort_key="hours", alignment=RIGHT, width=70),
    Column("Officers", lambda t: t.attendee_count, sort_key="attendees", alignment=RIGHT, width=80),
    Column("Trainer", lambda t: t.trainer, width=180),
    Column("Venue", lambda t: t.venue, width=180),
)
TRAINING_STRETCH_COLUMN = 1

OFFICER_CHOICE_COLUMNS: tuple[Column[OfficerView], ...] = (
    Column("Name", lambda o: o.name, sort_key="name", width=190),
    Column("Rank", lambda o: o.rank_label, sort_key="rank", width=165),
    Column("Number", lambda o: o.number, sort_key="number", width=95),
    Column("Station", lambda o: o.station_name, sort_key="station"),
)


class ActiveOfficers:
    """The district's officers as a paged source (the picker asks for active ones)."""

    def __init__(self, service: OrganisationService) -> None:
        self.service = service

    def count(self, request: PageRequest) -> int:
        """How many officers match."""
        return self.service.count_officers(request)

    def page(self, request: PageRequest) -> Page[OfficerView]:
        """A window of officers."""
        return self.service.page_officers(request)


class OfficerChoiceModel(PagedTableModel):
    """A lazy list of officers with a tick box in the first column; the ticks are kept across searches."""

    #: The set of chosen officers changed.
    chosen_changed = Signal()

    def __init__(self, source: ActiveOfficers, parent: Any = None) -> None:
        super().__init__(source, OFFICER_CHOICE_COLUMNS, parent, query=ListQuery(filters=ACTIVE_ONLY, sort="name"))
        self._chosen: dict[uuid.UUID, str] = {}

    # -- choice -----------------------------------------------------------------------------------------
    def chosen(self) -> dict[uuid.UUID, str]:
        """The chosen officers' ids and names, in the order they were chosen."""
        return dict(self._chosen)

    def set_chosen(self, officers: dict[uuid.UUID, str]) -> None:
        """Replace the choice (e.g. with a session's attendees)."""
        self._chosen = dict(officers)
        self._ticks_changed()

    def choose(self, officer_id: uuid.UUID, name: str, chosen: bool) -> None:
        """Tick or untick one officer."""
        if chosen:
            self._chosen[officer_id] = name
        else:
            self._chosen.pop(officer_id, None)
        self._ticks_changed()

    def toggle(self, row: int) -> None:
        """Tick the officer on ``row`` if unticked, else untick."""
        officer = self.row_object(row)
        if isinstance(officer, OfficerView):
            self.choose(officer.id, officer.name, officer.id not in self._chosen)

    def _ticks_changed(self) -> None:
        if self.total:
            self.dataChanged.emit(self.index(0, 0), self.index(self.total - 1, 0), [Qt.ItemDataRole.CheckStateRole])
        self.chosen_changed.emit()

    # -- Qt model ---------------------------------------------------------------------------------------
    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """As the paged model, plus the tick box of the first column."""
        if role == Qt.ItemDataRole.CheckStateRole:
            if not index.isValid() or index.column() != 0:
                return None
            officer = self.row_object(index.row())
            if officer is None:
                return None
            return Qt.CheckState.Checked if officer.id in self._chosen else Qt.CheckState.Unchecked
        return super().data(index, role)

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        """Ticking or unticking the first column chooses or drops the officer."""
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != 0:
            return False
        officer = self.row_object(index.row())
        if not isinstance(officer, OfficerView):
            return False
        checked = Qt.CheckState(value.value if isinstance(value, Qt.CheckState) else int(value))
        self.choose(officer.id, officer.name, checked == Qt.CheckState.Checked)
        return True

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """The first column can be ticked."""
        flags = super().flags(index)
        if index.isValid() and index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags


class AttendeePicker(QWidget):
    """Choose the officers who attended: a search box over the active officers, and tick boxes."""

    #: The count finished and the list shows the new search (tests wait for this).
    reloaded = Signal(int)

    def __init__(self, service: OrganisationService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = OfficerChoiceModel(ActiveOfficers(service), self)
        self._generation = 0
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search officers by name or number")
        self.search_box.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.reload)
        self.search_box.textChanged.connect(self._timer.start)
        self.search_box.returnPressed.connect(self.reload)
        self.table = RecordTableView()
        self.table.setModel(self.model)
        for number, column in enumerate(OFFICER_CHOICE_COLUMNS):
            if column.width:
                self.table.setColumnWidth(number, column.width)
        self.table.horizontalHeader().setSortIndicator(self.model.sort_column(), self.model.sort_order())
        self.model.sort_indicator_changed.connect(self._set_sort_indicator)
        self.table.open_requested.connect(self._toggle_index)
        self.count_label = QLabel("")
        set_role(self.count_label, "muted")
        self.chosen_label = QLabel("")
        self.chosen_label.setWordWrap(True)
        self.problem_label = QLabel("")
        self.problem_label.setWordWrap(True)
        set_role(self.problem_label, "field-error")
        self.problem_label.hide()
        self.model.chosen_changed.connect(self._show_chosen)
        self.model.load_failed.connect(self._show_problem)

        caption = QLabel("Officers who attended")
        caption.setBuddy(self.search_box)
        font = caption.font()
        font.setBold(True)
        caption.setFont(font)
        hint = QLabel("Tick each officer who attended (Enter or double-click ticks too). Only serving officers.")
        hint.setWordWrap(True)
        set_role(hint, "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(caption)
        layout.addWidget(hint)
        layout.addWidget(self.search_box)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.chosen_label)
        self._show_chosen()

    def _set_sort_indicator(self, column: int, order: Qt.SortOrder) -> None:
        self.table.horizontalHeader().setSortIndicator(column, order)

    def _toggle_index(self, index: QModelIndex) -> None:
        self.model.toggle(index.row())

    def chosen_ids(self) -> list[uuid.UUID]:
        """The chosen officers' ids, in the order they were chosen."""
        return list(self.model.chosen())

    def reload(self) -> None:
        """Count the matching officers off the GUI thread, then show them."""
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        query = self.model.query.searching(self.search_box.text(), ACTIVE_ONLY)
        model = self.model

        def counted(total: int) -> None:
            if generation != self._generation:
                return
            self.problem_label.hide()
            model.show(query, total)
            self.count_label.setText(count_text(total, "serving officer", "serving officers"))
            self.reloaded.emit(total)

        def failed(error: CopdeskError) -> None:
            if generation == self._generation:
                self._show_problem(error.message)

        Task(lambda: model.count_for(query), parent=self).on_success(counted).on_failure(failed).run()

    def _show_problem(self, message: str) -> None:
        self.problem_label.setText(message)
        self.problem_label.show()

    def _show_chosen(self) -> None:
        names = list(self.model.chosen().values())
        if not names:
            self.chosen_label.setText("No officer chosen yet.")
            set_role(self.chosen_label, "muted")
            return
        shown = ", ".join(names[:NAMES_SHOWN])
        more = len(names) - NAMES_SHOWN
        if more > 0:
            shown += f" and {more} more"
        noun = "officer" if len(names) == 1 else "officers"
        self.chosen_label.setText(f"{len(names)} {noun} chosen: {shown}.")
        set_role(self.chosen_label, "field-ok")


class TrainingDialog(RecordDialog):
    """Record a training session and its attendees, or correct them."""

    def __init__(
        self,
        service: TrainingService,
        organisation: OrganisationService,
        topics: Sequence[str],
        today: date,
        training: TrainingView | None = None,
        parent: QWidget | None = None,
        *,
        can_delete: bool = False,
    ) -> None:
        heading = "New training session" if training is None else "Training session"
        super().__init__(heading, heading, "training session", parent)
        self.service = service
        self.training = training
        self._saved_attendees: list[uuid.UUID] = []

        self.topic = QComboBox()
        self.topic.setEditable(True)
        self.topic.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.topic.setMinimumContentsLength(20)
        self.topic.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.topic.addItems(list(topics))
        self.topic.setCurrentIndex(-1)
        self.topic.setEditText("")
        line = self.topic.lineEdit()
        assert line is not None
        line.setPlaceholderText("Choose a standard topic or type another")
        line.setMaxLength(200)
        completer = QCompleter(list(topics), self.topic)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.topic.setCompleter(completer)
        self.held_on = date_edit(today)
        self.hours = QDoubleSpinBox()
        self.hours.setRange(0, HOURS_MAX)
        self.hours.setDecimals(2)
        self.hours.setSingleStep(0.5)
        self.hours.setSuffix(" hours")
        self.hours.setMinimumWidth(150)
        self.hours.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.trainer = QLineEdit()
        self.trainer.setMaxLength(120)
        self.venue = QLineEdit()
        self.venue.setMaxLength(200)
        self.notes = multiline(4)
        self.form.add_field("topic", "Topic", self.topic)
        self.form.add_field("held_on", "Date", self.held_on)
        self.form.add_field(
            "hours", "Length", left_aligned(self.hours), "In hours; half hours as .5: 1.5 is an hour and a half."
        )
        self.form.add_field("trainer", "Trainer", self.trainer, "Optional.")
        self.form.add_field("venue", "Venue", self.venue, "Optional.")
        self.form.add_field("notes", "Notes", self.notes)
        self.picker = AttendeePicker(organisation)

        left = QVBoxLayout()
        left.addLayout(self.form)
        left.addStretch(1)
        columns = QHBoxLayout()
        columns.setSpacing(24)
        columns.addLayout(left, 4)
        columns.addWidget(self.picker, 6)
        self.body.addLayout(columns, 1)
        self.setMinimumWidth(960)
        self.resize(1120, 640)

        if training is not None:
            self._load(training)
            if can_delete:
                self.add_delete_button(
                    f"Delete the training session '{training.topic}' of {training.held_on:%d %b %Y} "
                    "and its list of attendees?",
                    lambda: service.delete(training.id, training.version),
                )
        self.mark_clean()
        self.topic.editTextChanged.connect(lambda text: self.form.clear("topic") if text.strip() else None)
        self.hours.valueChanged.connect(lambda: self._check("hours"))
        self.picker.reload()

    def _load(self, training: TrainingView) -> None:
        self.topic.setEditText(training.topic)
        self.held_on.setMaximumDate(max(self.held_on.maximumDate(), to_qdate(training.held_on)))
        self.held_on.setDate(to_qdate(training.held_on))
        self.hours.setValue(training.hours)
        self.trainer.setText(training.trainer)
        self.venue.setText(training.venue)
        self.notes.setPlainText(training.notes)
        self.picker.model.set_chosen({a.officer_id: a.name for a in training.attendees})
        self._saved_attendees = [a.officer_id for a in training.attendees]

    # -- values -----------------------------------------------------------------------------------------
    def values(self) -> tuple[object, ...]:
        """Everything the form holds (the attendees as a set: their order does not matter)."""
        return (*self._fields(), frozenset(self.picker.chosen_ids()))

    def _fields(self) -> tuple[object, ...]:
        return (
            self.topic.currentText(),
            self.held_on.date(),
            self.hours.value(),
            self.trainer.text(),
            self.venue.text(),
            self.notes.toPlainText(),
        )

    def draft(self) -> TrainingDraft:
        """What the form holds, as a draft for the service."""
        return TrainingDraft(
            topic=self.topic.currentText(),
            held_on=from_qdate(self.held_on.date()),
            hours=self.hours.value(),
            trainer=self.trainer.text(),
            venue=self.venue.text(),
            notes=self.notes.toPlainText(),
        )

    # -- checks -----------------------------------------------------------------------------------------
    def field_problem(self, field: str) -> str:
        """The rule the field's value breaks, or ''."""
        if field == "topic" and not self.topic.currentText().strip():
            return "Enter the topic of the training."
        if field == "hours" and self.hours.value() <= 0:
            return "A training session must last some time: enter more than 0 hours."
        return ""

    def _check(self, field: str) -> bool:
        problem = self.field_problem(field)
        if problem:
            self.form.set_error(field, problem)
        else:
            self.form.clear(field)
        if field == "hours":
            set_invalid(self.hours, bool(problem))
        return not problem

    def validate(self) -> bool:
        """Check the topic and the hours; focus the first that is wrong."""
        fields = ("topic", "hours")
        results = [self._check(field) for field in fields]
        for field, ok in zip(fields, results, strict=True):
            if not ok:
                (self.hours if field == "hours" else self.topic).setFocus()
                return False
        return True

    def operation(self) -> Callable[[], object]:
        """Create or update the session, then set its attendees (when they changed)."""
        service, training, draft = self.service, self.training, self.draft()
        attendees = self.picker.chosen_ids()
        fields_changed = training is None or self._fields() != self._snapshot[: len(self._fields())]
        attendees_changed = training is None or set(attendees) != set(self._saved_attendees)

        def store() -> TrainingView | tuple[TrainingView, CopdeskError]:
            if training is None:
                view = service.create(draft)
            elif fields_changed:
                view = service.update(training.id, draft, training.version)
            else:
                view = service.get(training.id)
            if attendees_changed and (attendees or training is not None):
                try:
                    view = service.set_attendees(view.id, attendees)
                except CopdeskError as error:  # the session is saved; say what is wrong with the attendees
                    return view, error
            return view

        return store

    def save_succeeded(self, result: object) -> None:
        """Close when everything was saved; when only the attendees failed, keep the form open on the record."""
        if isinstance(result, tuple):
            view, error = result
            self.training = view
            self._saved_attendees = [a.officer_id for a in view.attendees]
            self.saved.emit(view)
            self.show_problem(f"The session was saved, but not its attendees: {error.message}")
            return
        super().save_succeeded(result)


class CoverageSummary(QFrame):
    """A month's training coverage in a few large figures."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.caption = QLabel("")
        font = self.caption.font()
        font.setBold(True)
        self.caption.setFont(font)
        self.caption.setMinimumWidth(150)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(28)
        layout.addWidget(self.caption)
        self.figures: dict[str, tuple[QLabel, QLabel]] = {}
        for name in ("sessions", "officers_trained", "hours", "share"):
            value = QLabel("–")
            value_font = value.font()
            value_font.setPointSize(value_font.pointSize() + 5)
            value_font.setBold(True)
            value.setFont(value_font)
            note = QLabel("")
            set_role(note, "muted")
            column = QVBoxLayout()
            column.setSpacing(0)
            column.addWidget(value)
            column.addWidget(note)
            layout.addLayout(column)
            self.figures[name] = (value, note)
        layout.addStretch(1)

    def value_text(self, name: str) -> str:
        """The large figure shown for ``sessions``, ``officers_trained``, ``hours`` or ``share``."""
        return self.figures[name][0].text()

    def note_text(self, name: str) -> str:
        """The caption under a figure."""
        return self.figures[name][1].text()

    def show_coverage(self, coverage: TrainingCoverage) -> None:
        """Show a month's coverage."""
        month = Month.parse(coverage.month)
        self.caption.setText(f"Training in\n{month.label}")

        def put(name: str, value: str, note: str) -> None:
            self.figures[name][0].setText(value)
            self.figures[name][1].setText(note)

        put("sessions", f"{coverage.sessions:,}", "session" if coverage.sessions == 1 else "sessions")
        put(
            "officers_trained",
            f"{coverage.officers_trained:,}",
            "officer trained" if coverage.officers_trained == 1 else "officers trained",
        )
        put(
            "hours",
            hours_text(coverage.hours),
            f"hours of training ({hours_text(coverage.officer_hours)} officer-hours)",
        )
        put(
            "share",
            f"{coverage.share_trained_year_to_date:.0%}",
            f"of serving officers trained in {month.year} ({coverage.active_trained_year_to_date:,} of "
            f"{coverage.active_officers:,})",
        )


class TrainingScreen(RecordListScreen):
    """The district's training sessions, newest first, with the chosen month's coverage."""

    key = "training"
    title = "Training"
    icon = QStyle.StandardPixmap.SP_FileDialogInfoView

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        self.context = context
        self.service = TrainingService(context)
        self.organisation = OrganisationService(context)
        self.can_create = context.can("training.manage")
        super().__init__(
            self.service,
            TRAINING_COLUMNS,
            search_placeholder="Search topic, trainer, venue or notes",
            noun=("session", "sessions"),
            default_sort="held_on",
            parent=parent,
        )
        self.model.sort(0, Qt.SortOrder.DescendingOrder)  # newest first
        stretch_column(self.table, TRAINING_STRETCH_COLUMN)
        self.period_filter = PeriodFilter(context.today())
        self.period_filter.currentIndexChanged.connect(self.filters_changed)
        self.add_filter(self.period_filter, "When")
        self.new_button = QPushButton("New session")
        self.new_button.setVisible(self.can_create)
        self.new_button.clicked.connect(self.new_record)
        self.toolbar.addWidget(self.new_button)
        self.coverage = CoverageSummary()
        self.body.insertWidget(self.body.indexOf(self.problem_label), self.coverage)
        self._coverage_generation = 0

    # -- list and coverage ------------------------------------------------------------------------------
    def current_filters(self) -> dict[str, Any]:
        """The period chosen."""
        return self.period_filter.filters()

    def coverage_month(self) -> Month:
        """The month the summary is for: the month chosen, the end of the year chosen, or this month."""
        this_month = Month.of(self.context.today())
        chosen = self.period_filter.month()
        if chosen is not None:
            return chosen
        year = self.period_filter.year()
        if year is not None and year < this_month.year:
            return Month(year, 12)
        return this_month

    def load_coverage(self) -> None:
        """Work out the coverage off the GUI thread."""
        self._coverage_generation += 1
        generation, month, service = self._coverage_generation, str(self.coverage_month()), self.service

        def show(coverage: TrainingCoverage) -> None:
            if generation == self._coverage_generation:
                self.coverage.show_coverage(coverage)

        Task(lambda: service.coverage(month), parent=self).on_success(show).run()

    def filters_changed(self) -> None:
        """The period changed: load the list and the coverage again."""
        self.load_coverage()
        super().filters_changed()

    def shown(self) -> None:
        """The first time: load the list and the coverage."""
        if not self._loaded_once:
            self.load_coverage()
        super().shown()

    def refresh(self) -> None:
        """Load the list and the coverage again (F5)."""
        self.load_coverage()
        super().refresh()

    def record_changed(self) -> None:
        """A session was saved or deleted: the list and the coverage change."""
        self.load_coverage()
        super().record_changed()

    # -- records ----------------------------------------------------------------------------------------
    def new_record(self) -> None:
        """Open an empty training form (the topic suggestions are fetched first)."""
        if self.can_create and not self.raise_open_dialog():
            service = self.service
            Task(lambda: (service.topic_suggestions(), None), parent=self).on_success(self._show_dialog).run()

    def open_record(self, row: Any) -> None:
        """Load the session fresh (its current version and attendees) and open the form."""
        if self.raise_open_dialog():
            return
        service, session_id = self.service, row.id
        Task(lambda: (service.topic_suggestions(), service.get(session_id)), parent=self).on_success(
            self._show_dialog
        ).run()

    def _show_dialog(self, loaded: tuple[list[str], TrainingView | None]) -> TrainingDialog | None:
        if self.raise_open_dialog():
            return None
        topics, training = loaded
        dialog = TrainingDialog(
            self.service,
            self.organisation,
            topics,
            self.context.today(),
            training,
            self,
            can_delete=self.context.can("training.delete"),
        )
        if not self.can_create:
            dialog.save_button.hide()
        self.present(dialog, lambda view: f"Saved the training session '{view.topic}'.")
        return dialog
