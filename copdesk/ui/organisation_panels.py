"""Stations, beats and officers of the district (tabs of the Settings screen).

Everyone at the desk may look; only the district officer (``org.manage``) sees the buttons that change them.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from copdesk.domain.corpus import ranks
from copdesk.models.people import Gender
from copdesk.services.context import ServiceContext
from copdesk.services.organisation import BeatView, OfficerView, OrganisationService, StationView
from copdesk.services.paging import Page, PageRequest
from copdesk.ui.dialogs import confirm
from copdesk.ui.forms import FormDialog, index_of
from copdesk.ui.list_screen import ListScreen, RecordTableView
from copdesk.ui.paged_model import Column
from copdesk.ui.rows_model import RowsTableModel
from copdesk.ui.tasks import Task
from copdesk.ui.theme import set_role, urdu_font

GENDER_LABELS = {Gender.MALE: "Male", Gender.FEMALE: "Female", Gender.TRANSGENDER: "Transgender"}
MANAGERS_ONLY = "Only the district officer can change stations, beats and officers."

STATION_COLUMNS: tuple[Column[StationView], ...] = (
    Column("Station", lambda s: s.name, width=170),
    Column("Urdu name", lambda s: s.name_ur, width=140),
    Column("Phone", lambda s: s.phone),
)
BEAT_COLUMNS: tuple[Column[BeatView], ...] = (
    Column("Beat", lambda b: b.name, width=170),
    Column("Description", lambda b: b.description),
)
OFFICER_COLUMNS: tuple[Column[OfficerView], ...] = (
    Column("Name", lambda o: o.name, sort_key="name", width=220),
    Column("Rank", lambda o: o.rank_label, sort_key="rank", width=200),
    Column("Number", lambda o: o.number, sort_key="number", width=110),
    Column("Station", lambda o: o.station_name, sort_key="station", width=150),
    Column("Phone", lambda o: o.phone, width=130),
    Column("Active", lambda o: o.active),
)


def _multiline(height_lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * height_lines + 16)
    return edit


class StationDialog(FormDialog):
    """Add a police station, or change one."""

    def __init__(
        self, service: OrganisationService, station: StationView | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("New police station" if station is None else "Police station", "Save", parent)
        self.service, self.station = service, station
        self.name = QLineEdit(station.name if station else "")
        self.name_ur = QLineEdit(station.name_ur if station else "")
        self.name_ur.setFont(urdu_font())
        self.name_ur.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.phone = QLineEdit(station.phone if station else "")
        self.address = _multiline()
        self.address.setPlainText(station.address if station else "")
        self.form.add_field("name", "Name", self.name)
        self.form.add_field("name_ur", "Name in Urdu", self.name_ur, "Optional.")
        self.form.add_field("phone", "Office phone", self.phone, "Optional.")
        self.form.add_field("address", "Address", self.address)

    def operation(self) -> Callable[[], object] | None:
        """Create or update the station."""
        self.form.clear_all()
        if not self.name.text().strip():
            self.form.set_error("name", "Enter the station's name.")
            return None
        service, station = self.service, self.station
        values = (self.name.text(), self.name_ur.text(), self.phone.text(), self.address.toPlainText())
        if station is None:
            return lambda: service.create_station(*values)
        return lambda: service.update_station(station.id, station.version, *values)


class BeatDialog(FormDialog):
    """Add a beat to a station, or change one."""

    def __init__(
        self,
        service: OrganisationService,
        station: StationView,
        beat: BeatView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(f"New beat of {station.name}" if beat is None else "Beat", "Save", parent)
        self.service, self.station, self.beat = service, station, beat
        self.name = QLineEdit(beat.name if beat else "")
        self.description = _multiline()
        self.description.setPlainText(beat.description if beat else "")
        self.form.add_field("name", "Name", self.name)
        self.form.add_field("description", "Description", self.description, "Optional: streets, landmarks.")

    def operation(self) -> Callable[[], object] | None:
        """Create or update the beat."""
        self.form.clear_all()
        if not self.name.text().strip():
            self.form.set_error("name", "Enter the beat's name.")
            return None
        service, station, beat = self.service, self.station, self.beat
        name, description = self.name.text(), self.description.toPlainText()
        if beat is None:
            return lambda: service.create_beat(station.id, name, description)
        return lambda: service.update_beat(beat.id, beat.version, name, description)


def _table(model: RowsTableModel, columns: tuple[Column[Any], ...]) -> RecordTableView:
    table = RecordTableView()
    table.setModel(model)
    table.setSortingEnabled(False)
    for number, column in enumerate(columns):
        if column.width:
            table.setColumnWidth(number, column.width)
    return table


class StationsPanel(QWidget):
    """Stations on the left, the selected station's beats on the right."""

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.service = OrganisationService(context)
        self.manage = context.can("org.manage")
        self.station_model = RowsTableModel(STATION_COLUMNS, self)
        self.beat_model = RowsTableModel(BEAT_COLUMNS, self)
        self.stations = _table(self.station_model, STATION_COLUMNS)
        self.beats = _table(self.beat_model, BEAT_COLUMNS)
        self.add_station_button = QPushButton("Add station…")
        self.edit_station_button = QPushButton("Change…")
        self.delete_station_button = QPushButton("Delete…")
        self.add_beat_button = QPushButton("Add beat…")
        self.edit_beat_button = QPushButton("Change…")
        self.delete_beat_button = QPushButton("Delete…")
        self.add_station_button.clicked.connect(lambda: self._open(StationDialog(self.service, None, self)))
        self.edit_station_button.clicked.connect(self.edit_station)
        self.delete_station_button.clicked.connect(self.delete_station)
        self.add_beat_button.clicked.connect(self.add_beat)
        self.edit_beat_button.clicked.connect(self.edit_beat)
        self.delete_beat_button.clicked.connect(self.delete_beat)
        self.stations.open_requested.connect(lambda _index: self.edit_station())
        self.beats.open_requested.connect(lambda _index: self.edit_beat())

        left = QVBoxLayout()
        left.addWidget(self._caption("Police stations"))
        left.addWidget(self.stations, 1)
        left.addLayout(self._buttons(self.add_station_button, self.edit_station_button, self.delete_station_button))
        right = QVBoxLayout()
        self.beats_caption = self._caption("Beats")
        right.addWidget(self.beats_caption)
        right.addWidget(self.beats, 1)
        right.addLayout(self._buttons(self.add_beat_button, self.edit_beat_button, self.delete_beat_button))
        columns = QHBoxLayout()
        columns.setSpacing(18)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 12, 4, 4)
        layout.addLayout(columns, 1)
        if not self.manage:
            note = QLabel(MANAGERS_ONLY)
            set_role(note, "muted")
            layout.addWidget(note)
        self.stations.selectionModel().selectionChanged.connect(self._station_changed)
        self.beats.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    @staticmethod
    def _caption(text: str) -> QLabel:
        label = QLabel(text)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        return label

    def _buttons(self, *buttons: QPushButton) -> QHBoxLayout:
        row = QHBoxLayout()
        for button in buttons:
            button.setVisible(self.manage)
            row.addWidget(button)
        row.addStretch(1)
        return row

    def selected_station(self) -> StationView | None:
        """The selected station."""
        index = self.stations.currentIndex()
        row = self.station_model.row_object(index.row()) if index.isValid() else None
        return row if isinstance(row, StationView) else None

    def selected_beat(self) -> BeatView | None:
        """The selected beat."""
        index = self.beats.currentIndex()
        row = self.beat_model.row_object(index.row()) if index.isValid() else None
        return row if isinstance(row, BeatView) else None

    def load(self) -> None:
        """Load the stations (then the selected station's beats)."""
        Task(self.service.list_stations, parent=self).on_success(self._show_stations).run()

    def _show_stations(self, stations: list[StationView]) -> None:
        previous = self.selected_station()
        self.station_model.set_rows(stations)
        rows = [s.id for s in stations]
        if stations:
            self.stations.selectRow(rows.index(previous.id) if previous and previous.id in rows else 0)
        self._station_changed()

    def _station_changed(self) -> None:
        station = self.selected_station()
        self.beats_caption.setText(f"Beats of {station.name}" if station else "Beats")
        self.beat_model.set_rows([])
        if station is not None:
            service, station_id = self.service, station.id
            Task(lambda: service.list_beats(station_id), parent=self).on_success(self._show_beats).run()
        self._update_buttons()

    def _show_beats(self, beats: list[BeatView]) -> None:
        station = self.selected_station()
        self.beat_model.set_rows([b for b in beats if station is not None and b.station_id == station.id])
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_station = self.selected_station() is not None
        self.edit_station_button.setEnabled(has_station)
        self.delete_station_button.setEnabled(has_station)
        self.add_beat_button.setEnabled(has_station)
        has_beat = self.selected_beat() is not None
        self.edit_beat_button.setEnabled(has_beat)
        self.delete_beat_button.setEnabled(has_beat)

    def _open(self, dialog: FormDialog) -> FormDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.done_with.connect(lambda _result: self.load())
        dialog.open()
        return dialog

    def edit_station(self) -> FormDialog | None:
        """Change the selected station."""
        station = self.selected_station()
        if station is None or not self.manage:
            return None
        return self._open(StationDialog(self.service, station, self))

    def add_beat(self) -> FormDialog | None:
        """Add a beat to the selected station."""
        station = self.selected_station()
        if station is None or not self.manage:
            return None
        return self._open(BeatDialog(self.service, station, None, self))

    def edit_beat(self) -> FormDialog | None:
        """Change the selected beat."""
        station, beat = self.selected_station(), self.selected_beat()
        if station is None or beat is None or not self.manage:
            return None
        return self._open(BeatDialog(self.service, station, beat, self))

    def delete_station(self) -> None:
        """Ask, then delete the selected station (refused while it has beats or officers)."""
        station = self.selected_station()
        if station is None:
            return
        service, station_id = self.service, station.id

        def delete() -> None:
            Task(lambda: service.delete_station(station_id), parent=self).on_success(lambda _none: self.load()).run()

        confirm(self, f"Delete the police station {station.name}?", delete, yes_text="Delete")

    def delete_beat(self) -> None:
        """Ask, then delete the selected beat."""
        beat = self.selected_beat()
        if beat is None:
            return
        service, beat_id = self.service, beat.id

        def delete() -> None:
            Task(lambda: service.delete_beat(beat_id), parent=self).on_success(lambda _none: self.load()).run()

        confirm(self, f"Delete the beat {beat.name}?", delete, yes_text="Delete")


class OfficerSource:
    """The officers' list methods under the names a paged list expects."""

    def __init__(self, service: OrganisationService) -> None:
        self.service = service

    def count(self, request: PageRequest) -> int:
        """How many officers match."""
        return self.service.count_officers(request)

    def page(self, request: PageRequest) -> Page[OfficerView]:
        """A window of officers."""
        return self.service.page_officers(request)


class OfficerDialog(FormDialog):
    """Add an officer, or change (and deactivate or reactivate) one."""

    def __init__(
        self,
        service: OrganisationService,
        stations: list[StationView],
        officer: OfficerView | None = None,
        parent: QWidget | None = None,
        *,
        editable: bool = True,
    ) -> None:
        super().__init__("New officer" if officer is None else "Officer", "Save", parent)
        self.service, self.officer = service, officer
        self.name = QLineEdit(officer.name if officer else "")
        self.rank = QComboBox()
        for code, rank in ranks().items():
            self.rank.addItem(rank.name_en, code)
        self.rank.setPlaceholderText("Choose…")
        self.rank.setCurrentIndex(self.rank.findData(officer.rank) if officer else -1)
        self.number = QLineEdit(officer.number if officer else "")
        self.gender = QComboBox()
        for gender, label in GENDER_LABELS.items():
            self.gender.addItem(label, gender.value)
        self.gender.setPlaceholderText("Choose…")
        self.gender.setCurrentIndex(self.gender.findData(Gender(officer.gender).value) if officer else -1)
        self.station = QComboBox()
        self.station.addItem("Not posted to a station", None)
        for station in stations:
            self.station.addItem(station.name, station.id)
        if officer is not None and officer.station_id is not None:
            self.station.setCurrentIndex(max(0, index_of(self.station, officer.station_id)))
        self.phone = QLineEdit(officer.phone if officer else "")
        self.phone.setPlaceholderText("0300-1234567")
        self.form.add_field("name", "Name", self.name)
        self.form.add_field("rank", "Rank", self.rank)
        self.form.add_field("number", "Belt or service number", self.number, "Optional.")
        self.form.add_field("gender", "Gender", self.gender)
        self.form.add_field("station_id", "Station", self.station)
        self.form.add_field("phone", "Mobile", self.phone, "Optional.")
        self.active_button: QPushButton | None = None
        if officer is not None and editable:
            text = "Mark as left…" if officer.active else "Mark as serving again"
            self.active_button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
            self.active_button.clicked.connect(self.toggle_active)
        if not editable:
            for widget in (self.name, self.rank, self.number, self.gender, self.station, self.phone):
                widget.setEnabled(False)
            self.ok_button.hide()
            note = QLabel(MANAGERS_ONLY)
            set_role(note, "muted")
            self.extra.addWidget(note)

    def operation(self) -> Callable[[], object] | None:
        """Create or update the officer."""
        self.form.clear_all()
        problems = {
            "name": "" if self.name.text().strip() else "Enter the officer's name.",
            "rank": "" if self.rank.currentIndex() >= 0 else "Choose the officer's rank.",
            "gender": "" if self.gender.currentIndex() >= 0 else "Choose male, female or transgender.",
        }
        for field, problem in problems.items():
            if problem:
                self.form.set_error(field, problem)
        if any(problems.values()):
            return None
        service, officer = self.service, self.officer
        station_id: uuid.UUID | None = self.station.currentData()
        values = (
            self.name.text(),
            str(self.rank.currentData()),
            self.number.text(),
            str(self.gender.currentData()),
            station_id,
            self.phone.text() or None,
        )
        if officer is None:
            return lambda: service.create_officer(*values)
        return lambda: service.update_officer(officer.id, officer.version, *values)

    def toggle_active(self) -> None:
        """Mark the officer as having left (inactive) or as serving again."""
        officer = self.officer
        if officer is None:
            return
        service = self.service

        def operation() -> OfficerView:
            if officer.active:
                return service.deactivate_officer(officer.id, officer.version)
            return service.reactivate_officer(officer.id, officer.version)

        def run() -> None:
            Task(operation, parent=self).on_success(self._succeeded).on_failure(self._failed).run()

        if officer.active:
            confirm(
                self,
                f"Mark {officer.name} as no longer serving in the district? The record is kept for history.",
                run,
                yes_text="Mark as left",
            )
        else:
            run()


class OfficersPanel(ListScreen):
    """The district's officers: a searchable, sortable list; the district officer adds and changes them."""

    title = ""

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        self.service = OrganisationService(context)
        self.manage = context.can("org.manage")
        super().__init__(
            OfficerSource(self.service),
            OFFICER_COLUMNS,
            search_placeholder="Search by name or number",
            noun=("officer", "officers"),
            default_sort="name",
            parent=parent,
        )
        self.heading.hide()
        self.body.setContentsMargins(4, 12, 4, 4)
        self._stations: list[StationView] = []
        self.station_filter = QComboBox()
        self.station_filter.addItem("All stations", None)
        self.station_filter.setMinimumWidth(140)
        self.station_filter.currentIndexChanged.connect(self.filters_changed)
        self.show_inactive = QCheckBox("Include officers who left")
        self.show_inactive.toggled.connect(self.filters_changed)
        self.add_filter(self.station_filter, "Station")
        self.add_filter(self.show_inactive)
        self.new_button = QPushButton("New officer…")
        self.new_button.setVisible(self.manage)
        self.new_button.clicked.connect(self.new_record)
        self.toolbar.addWidget(self.new_button)

    def current_filters(self) -> dict[str, Any]:
        """Station and active filters."""
        filters: dict[str, Any] = {}
        station_id = self.station_filter.currentData()
        if station_id is not None:
            filters["station_id"] = station_id
        if not self.show_inactive.isChecked():
            filters["active"] = True
        return filters

    def load(self) -> None:
        """Load the stations for the filter, then the list."""
        Task(self.service.list_stations, parent=self).on_success(self._show_stations).run()
        self.reload()

    def _show_stations(self, stations: list[StationView]) -> None:
        self._stations = stations
        current = self.station_filter.currentData()
        self.station_filter.blockSignals(True)
        self.station_filter.clear()
        self.station_filter.addItem("All stations", None)
        for station in stations:
            self.station_filter.addItem(station.name, station.id)
        self.station_filter.setCurrentIndex(max(0, index_of(self.station_filter, current)))
        self.station_filter.blockSignals(False)

    def _dialog(self, officer: OfficerView | None) -> OfficerDialog:
        dialog = OfficerDialog(self.service, self._stations, officer, self, editable=self.manage)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.done_with.connect(lambda _result: self.reload())
        dialog.open()
        return dialog

    def new_record(self) -> None:
        """Open an empty officer form (district officer only)."""
        if self.manage:
            self._dialog(None)

    def open_record(self, row: Any) -> None:
        """Open the officer's form (read-only for those who may not change it)."""
        service = self.service
        Task(lambda: service.get_officer(row.id), parent=self).on_success(self._dialog).run()
