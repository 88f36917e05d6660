"""Neighbourhood watch (Theekree Pehra): groups and their volunteers, the weekly duty roster, uncovered shifts.

The Groups tab lists the groups (paged, searchable, by station, beat and status); choosing one shows its
volunteers, where volunteers are added from the people register, verified by an officer, or marked as left.
The Duty roster tab is in :mod:`copdesk.ui.roster_grid`; the forms in :mod:`copdesk.ui.watch_dialogs`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import shiboken6
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from copdesk.services.context import ServiceContext
from copdesk.services.organisation import BeatView, OrganisationService, StationView
from copdesk.services.people import PeopleService
from copdesk.services.watch import (
    GroupView,
    UncoveredShift,
    VerificationStatus,
    VolunteerView,
    WatchService,
)
from copdesk.ui.forms import FormDialog, index_of
from copdesk.ui.list_screen import ListScreen, RecordTableView
from copdesk.ui.paged_model import CENTRE, Column
from copdesk.ui.roster_grid import RosterPanel, week_start_of
from copdesk.ui.rows_model import RowsTableModel
from copdesk.ui.screen import Screen
from copdesk.ui.spreadsheet_dialogs import (
    SpreadsheetImportWizard,
    add_to_count_line,
    can_import,
    export_button,
    list_request,
    open_import_wizard,
)
from copdesk.ui.tasks import Task
from copdesk.ui.theme import set_role
from copdesk.ui.watch_dialogs import (
    GroupDialog,
    GuardedFormDialog,
    LeaveDialog,
    VerifyDialog,
    VolunteerDialog,
    long_date,
)

UNCOVERED_DAYS = 14
ACTIVE_CHOICES: tuple[tuple[str, bool | None], ...] = (
    ("Active groups", True),
    ("Inactive groups", False),
    ("All groups", None),
)

GROUP_COLUMNS: tuple[Column[GroupView], ...] = (
    Column("Group", lambda g: g.name, sort_key="name", width=180),
    Column("Beat", lambda g: g.beat_name, sort_key="beat", width=125),
    Column("Station", lambda g: g.station_name, sort_key="station", width=100),
    Column("Volunteers", lambda g: f"{g.volunteers} ({g.verified_volunteers} verified)", width=105),
    Column("Status", lambda g: "Active" if g.active else "Inactive", sort_key="active", width=60),
)


def verification_text(volunteer: VolunteerView) -> str:
    """``Verified on 3 March 2025 by officer``, ``Verification pending``."""
    status = volunteer.verification_status
    if volunteer.verified_on is None or status is VerificationStatus.PENDING:
        return status.label
    text = f"{status.label} on {long_date(volunteer.verified_on)}"
    return text + (f" by {volunteer.verified_by}" if volunteer.verified_by else "")


#: Verification as the volunteers table writes it (the full wording is in the form).
SHORT_STATUS = {
    VerificationStatus.PENDING: "Pending",
    VerificationStatus.VERIFIED: "Verified",
    VerificationStatus.REJECTED: "Rejected",
}

VOLUNTEER_COLUMNS: tuple[Column[VolunteerView], ...] = (
    Column("Name", lambda v: v.name, width=160),
    Column("Mobile", lambda v: v.mobile, width=105),
    Column("Verification", lambda v: SHORT_STATUS[v.verification_status], width=85),
    Column("Joined", lambda v: v.joined_on, width=90),
    Column("Left", lambda v: v.left_on, width=90),
)
LEFT_COLUMN = 4

UNCOVERED_COLUMNS: tuple[Column[UncoveredShift], ...] = (
    Column("Day", lambda u: f"{u.shift_date:%a} {u.shift_date.day} {u.shift_date:%b %Y}", width=130),
    Column(
        "Time",
        lambda u: f"{u.starts:%H:%M}–{u.ends:%H:%M}" + (" (next day)" if u.ends <= u.starts else ""),
        width=160,
    ),
    Column("Group", lambda u: u.group_name, width=230),
    Column("Beat", lambda u: u.beat_name, width=190),
    Column("Station", lambda u: u.station_name, width=130),
    Column("On duty", lambda u: f"{u.assigned} of {u.volunteers_needed}", alignment=CENTRE, width=80),
    Column("Short by", lambda u: u.short_by, alignment=CENTRE),
)


@dataclass(frozen=True)
class Places:
    """The district's stations and beats (for filters and the group form)."""

    stations: tuple[StationView, ...]
    beats: tuple[BeatView, ...]


def bold_caption(text: str) -> QLabel:
    """A bold caption above a list."""
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


# ---------------------------------------------------------------------------------------------------- groups


class GroupDetail(QWidget):
    """One group: its details and its volunteers, with add, verify (officers) and leave."""

    #: Something about the group changed (the list's counts are reloaded).
    changed = Signal()
    #: The user wants to change the group.
    edit_requested = Signal()

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = WatchService(context)
        self.group: GroupView | None = None
        self._generation = 0
        self.can_manage = context.can("watch.manage")
        self.can_verify = context.can("watch.verify_volunteer")

        self.title = QLabel("Choose a group")
        set_role(self.title, "heading")
        self.title.setWordWrap(True)
        self.about = QLabel("")
        self.about.setWordWrap(True)
        set_role(self.about, "muted")
        self.edit_button = QPushButton("Change group…")
        self.edit_button.setVisible(self.can_manage)
        self.edit_button.clicked.connect(self.edit_requested)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.edit_button, 0, Qt.AlignmentFlag.AlignTop)

        self.model = RowsTableModel(VOLUNTEER_COLUMNS, self)
        self.table = RecordTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        for number, column in enumerate(VOLUNTEER_COLUMNS):
            if column.width:
                self.table.setColumnWidth(number, column.width)
        self.show_left = QCheckBox("Show volunteers who have left")
        self.show_left.toggled.connect(self._show_left_toggled)
        self.table.setColumnHidden(LEFT_COLUMN, True)

        self.add_button = QPushButton("Add volunteer…")
        self.add_button.clicked.connect(self.add_volunteer)
        self.add_button.setVisible(self.can_manage)
        self.import_button = QPushButton("Import volunteers…")
        self.import_button.setToolTip("Add this group's volunteers from a clerk's spreadsheet (.xlsx or .xls)")
        self.import_button.setVisible(can_import(context, "volunteers"))
        self.import_button.clicked.connect(lambda _checked=False: self.import_volunteers())
        # Only officers record police verification: clerks do not get the button at all.
        self.verify_button: QPushButton | None = None
        if self.can_verify:
            self.verify_button = QPushButton("Police verification…")
            self.verify_button.clicked.connect(self.verify)
        self.leave_button = QPushButton("Mark as left…")
        self.leave_button.clicked.connect(self.leave)
        self.leave_button.setVisible(self.can_manage)
        self.table.open_requested.connect(lambda _index: self.verify() if self.can_verify else None)

        volunteers_row = QHBoxLayout()
        volunteers_row.addWidget(bold_caption("Volunteers"))
        volunteers_row.addStretch(1)
        volunteers_row.addWidget(self.show_left)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.import_button)
        if self.verify_button is not None:
            buttons.addWidget(self.verify_button)
        buttons.addWidget(self.leave_button)
        buttons.addStretch(1)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        set_role(self.note, "muted")
        self.volunteer_info = QLabel("")
        self.volunteer_info.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.about)
        layout.addSpacing(4)
        layout.addLayout(volunteers_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.volunteer_info)
        layout.addLayout(buttons)
        layout.addWidget(self.note)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.show_group(None)

    def _show_left_toggled(self, checked: bool) -> None:
        self.table.setColumnHidden(LEFT_COLUMN, not checked)
        self.load_volunteers()

    def show_group(self, group: GroupView | None) -> None:
        """Show a group (None: nothing chosen) and load its volunteers."""
        same = group is not None and self.group is not None and group.id == self.group.id
        self.group = group
        if group is None:
            self.title.setText("Choose a group")
            self.about.setText("Its volunteers are shown here.")
            self.model.set_rows([])
            self.note.setText("")
        else:
            self.title.setText(group.name)
            leader = f"led by {group.leader_name}" if group.leader_name else "no leader chosen"
            status = "active" if group.active else "inactive: not on the roster"
            self.about.setText(
                f"Beat: {group.beat_name}, {group.station_name} police station.\n"
                f"Formed on {long_date(group.formed_on)}; {leader}; {status}."
            )
            self.load_volunteers(keep_selection=same)
        self._update_buttons()

    def load_volunteers(self, keep_selection: bool = True) -> None:
        """Load the group's volunteers off the GUI thread."""
        group = self.group
        if group is None:
            return
        self._generation += 1
        generation = self._generation
        service, include_left = self.service, self.show_left.isChecked()
        selected = self.selected() if keep_selection else None

        def show(volunteers: tuple[VolunteerView, ...]) -> None:
            if generation != self._generation:
                return
            self.model.set_rows(volunteers)
            if selected is not None:
                for row, volunteer in enumerate(volunteers):
                    if volunteer.id == selected.id:
                        self.table.selectRow(row)
            active = [v for v in volunteers if v.active]
            verified = sum(v.may_go_on_duty for v in active)
            text = f"{len(active)} volunteer{'s' if len(active) != 1 else ''}, {verified} verified for duty."
            if not self.can_verify:
                text += " Only officers record police verification."
            self.note.setText(text)
            self._update_buttons()

        Task(lambda: service.volunteers(group.id, include_left), parent=self).on_success(show).run()

    def import_volunteers(self) -> SpreadsheetImportWizard | None:
        """Open the import wizard for this group's volunteers; the list loads again after an import."""
        group = self.group
        if group is None:
            return None

        def imported(_result: object) -> None:
            self.load_volunteers()
            self.changed.emit()

        return open_import_wizard(
            self, self.context, "volunteers", group_id=group.id, into=group.name, on_imported=imported
        )

    def selected(self) -> VolunteerView | None:
        """The selected volunteer."""
        index = self.table.currentIndex()
        row = self.model.row_object(index.row()) if index.isValid() else None
        return row if isinstance(row, VolunteerView) else None

    def select(self, volunteer_id: uuid.UUID) -> bool:
        """Select a volunteer in the table; False when not shown."""
        for row, volunteer in enumerate(self.model.rows()):
            if volunteer.id == volunteer_id:
                self.table.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        group, volunteer = self.group, self.selected()
        self.edit_button.setEnabled(group is not None)
        self.add_button.setEnabled(group is not None and group.active)
        self.import_button.setEnabled(group is not None and group.active)
        if self.verify_button is not None:
            self.verify_button.setEnabled(volunteer is not None and volunteer.active)
        self.leave_button.setEnabled(volunteer is not None and volunteer.active)
        if volunteer is None:
            self.volunteer_info.setText(
                "Choose a volunteer to record their police verification or that they left."
                if self.can_verify
                else "Choose a volunteer to record that they left."
            )
        else:
            joined = f"joined on {long_date(volunteer.joined_on)}"
            left = f", left on {long_date(volunteer.left_on)}" if volunteer.left_on else ""
            self.volunteer_info.setText(f"{volunteer.name}: {verification_text(volunteer)}; {joined}{left}.")

    def _open(self, dialog: FormDialog) -> FormDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.done_with.connect(self._volunteer_changed)
        dialog.open()
        return dialog

    def _volunteer_changed(self, volunteer: object) -> None:
        if isinstance(volunteer, VolunteerView):
            self.load_volunteers()
            self.changed.emit()

    def add_volunteer(self) -> VolunteerDialog | None:
        """Open the form that adds a person from the register to the group."""
        group = self.group
        if group is None or not self.can_manage or not group.active:
            return None
        members = {v.person_id for v in self.model.rows() if v.active}
        dialog = VolunteerDialog(
            self.service,
            PeopleService(self.context),
            group,
            members,
            self.context.today(),
            self,
            can_add_people=self.context.can("person.create"),
        )
        self._open(dialog)
        return dialog

    def verify(self) -> VerifyDialog | None:
        """Record the police verification of the selected volunteer (officers only)."""
        volunteer = self.selected()
        if volunteer is None or not self.can_verify or not volunteer.active:
            return None
        dialog = VerifyDialog(self.service, volunteer, self)
        self._open(dialog)
        return dialog

    def leave(self) -> LeaveDialog | None:
        """Record that the selected volunteer left the group."""
        volunteer = self.selected()
        if volunteer is None or not self.can_manage or not volunteer.active:
            return None
        dialog = LeaveDialog(self.service, volunteer, self.context.today(), self)
        self._open(dialog)
        return dialog


class GroupsPanel(ListScreen):
    """The "Groups" tab: the paged list of groups beside the chosen group's volunteers."""

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        self.context = context
        self.service = WatchService(context)
        self.can_manage = context.can("watch.manage")
        self.places = Places((), ())
        self._wanted: uuid.UUID | None = None
        self.dialog: GroupDialog | None = None
        super().__init__(
            self.service,
            GROUP_COLUMNS,
            search_placeholder="Search groups by name",
            noun=("group", "groups"),
            default_sort="name",
            parent=parent,
        )
        self.heading.hide()
        self.body.setContentsMargins(4, 12, 4, 4)
        self.station_filter = QComboBox()
        self.station_filter.addItem("All stations", None)
        self.beat_filter = QComboBox()
        self.beat_filter.addItem("All beats", None)
        self.beat_filter.setMinimumWidth(100)
        self.active_filter = QComboBox()
        for label, value in ACTIVE_CHOICES:
            self.active_filter.addItem(label, value)
        self.station_filter.currentIndexChanged.connect(self._station_changed)
        self.beat_filter.currentIndexChanged.connect(lambda _index: self.filters_changed())
        self.active_filter.currentIndexChanged.connect(lambda _index: self.filters_changed())
        self.add_filter(self.station_filter, "Station")
        self.add_filter(self.beat_filter, "Beat")
        self.add_filter(self.active_filter)
        self.new_button = QPushButton("New group…")
        self.new_button.setVisible(self.can_manage)
        self.new_button.clicked.connect(self.new_record)
        self.toolbar.addWidget(self.new_button)
        self.export_button = export_button(self, context, "watch_groups", lambda: list_request(self))
        add_to_count_line(self, self.export_button)

        self.detail = GroupDetail(context)
        self.detail.changed.connect(self._detail_changed)
        self.detail.edit_requested.connect(self.edit_group)
        self.body.removeWidget(self.table)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([575, 465])
        self.body.insertWidget(self.body.indexOf(self.problem_label) + 1, self.splitter, 1)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.reloaded.connect(self._reselect)

    # -- places and filters ------------------------------------------------------------------------------
    def set_places(self, places: Places) -> None:
        """Fill the station and beat filters."""
        self.places = places
        current = self.station_filter.currentData()
        self.station_filter.blockSignals(True)
        self.station_filter.clear()
        self.station_filter.addItem("All stations", None)
        for station in places.stations:
            self.station_filter.addItem(station.name, station.id)
        self.station_filter.setCurrentIndex(max(0, index_of(self.station_filter, current)))
        self.station_filter.blockSignals(False)
        self._fill_beats()

    def _fill_beats(self) -> None:
        station = self.station_filter.currentData()
        current = self.beat_filter.currentData()
        self.beat_filter.blockSignals(True)
        self.beat_filter.clear()
        self.beat_filter.addItem("All beats", None)
        for beat in self.places.beats:
            if station is None or beat.station_id == station:
                label = beat.name if station is not None else f"{beat.name} ({beat.station_name})"
                self.beat_filter.addItem(label, beat.id)
        self.beat_filter.setCurrentIndex(max(0, index_of(self.beat_filter, current)))
        self.beat_filter.blockSignals(False)

    def _station_changed(self) -> None:
        self._fill_beats()
        self.filters_changed()

    def current_filters(self) -> dict[str, Any]:
        """Station, beat and status as chosen."""
        filters: dict[str, Any] = {}
        for key, combo in (("station_id", self.station_filter), ("beat_id", self.beat_filter)):
            if combo.currentData() is not None:
                filters[key] = combo.currentData()
        active = self.active_filter.currentData()
        if active is not None:
            filters["active"] = active
        return filters

    # -- the chosen group --------------------------------------------------------------------------------
    def selected_group(self) -> GroupView | None:
        """The group chosen in the list."""
        row = self.selected_row()
        return row if isinstance(row, GroupView) else None

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = self.model.row_object(current.row()) if current.isValid() else None
        self.detail.show_group(row if isinstance(row, GroupView) else None)

    def select_group(self, group_id: uuid.UUID) -> bool:
        """Choose a group among the first rows of the list; False when it is not there."""
        for row in range(min(self.model.total, 200)):
            group = self.model.row_object(row)
            if isinstance(group, GroupView) and group.id == group_id:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
                return True
        return False

    def _reselect(self, _total: int) -> None:
        """After a reload, choose the group wanted (or the one shown) again, fresh; else show none."""
        wanted, self._wanted = self._wanted, None
        if wanted is None and self.detail.group is not None:
            wanted = self.detail.group.id
        if wanted is None or not self.select_group(wanted):
            self.detail.show_group(None)

    def reload_keeping(self, group_id: uuid.UUID | None) -> None:
        """Load the list again and choose ``group_id`` afterwards."""
        self._wanted = group_id
        self.reload()

    def _detail_changed(self) -> None:
        group = self.detail.group
        self.reload_keeping(group.id if group is not None else None)

    # -- forms ------------------------------------------------------------------------------------------
    def _group_dialog(self, group: GroupView | None, volunteers: tuple[VolunteerView, ...] = ()) -> GroupDialog:
        """Open the group form (kept as ``self.dialog`` while it is open)."""
        dialog = GroupDialog(
            self.service,
            self.places.beats,
            self.context.today(),
            group,
            volunteers,
            self,
            can_delete=self.context.can("watch.delete"),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.done_with.connect(self._group_saved)
        dialog.deleted.connect(self._group_deleted)
        self.dialog = dialog
        dialog.open()
        return dialog

    def new_record(self) -> None:
        """Open an empty group form."""
        if self.can_manage:
            self._group_dialog(None)

    def open_record(self, row: Any) -> None:
        """Enter or double-click: change the group."""
        if isinstance(row, GroupView):
            self.edit_group()

    def edit_group(self) -> None:
        """Load the chosen group fresh (with its volunteers, for the leader) and open its form."""
        group = self.selected_group()
        if group is None or not self.can_manage:
            return
        service, group_id = self.service, group.id
        (
            Task(lambda: (service.get_group(group_id), service.volunteers(group_id)), parent=self)
            .on_success(lambda loaded: self._group_dialog(*loaded))
            .run()
        )

    def _group_saved(self, group: object) -> None:
        if isinstance(group, GroupView):
            self.status_message.emit(f"Saved {group.name}.")
            self.reload_keeping(group.id)

    def _group_deleted(self, _group_id: object) -> None:
        self.status_message.emit("The group was deleted.")
        self.reload()


# ---------------------------------------------------------------------------------------------------- uncovered


class UncoveredPanel(QWidget):
    """The "Uncovered shifts" tab: shifts of the coming two weeks that are short of volunteers."""

    #: The user wants a shift on the roster (an UncoveredShift).
    open_requested = Signal(object)
    #: The list was loaded (tests wait for this).
    loaded = Signal(int)

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = WatchService(context)
        self._generation = 0
        self.station_filter = QComboBox()
        self.station_filter.addItem("All stations", None)
        self.station_filter.setMinimumWidth(150)
        self.station_filter.currentIndexChanged.connect(lambda _index: self.load())
        self.period = QLabel("")
        set_role(self.period, "muted")
        self.model = RowsTableModel(UNCOVERED_COLUMNS, self)
        self.table = RecordTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        for number, column in enumerate(UNCOVERED_COLUMNS):
            if column.width:
                self.table.setColumnWidth(number, column.width)
        self.table.open_requested.connect(self._open)
        self.count_label = QLabel("")
        set_role(self.count_label, "muted")
        hint = QLabel("Double-click a shift to see it on the duty roster.")
        set_role(hint, "muted")
        toolbar = QHBoxLayout()
        caption = QLabel("Station")
        caption.setBuddy(self.station_filter)
        toolbar.addWidget(caption)
        toolbar.addWidget(self.station_filter)
        toolbar.addSpacing(12)
        toolbar.addWidget(self.period, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        bottom.addWidget(hint)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 12, 4, 4)
        layout.setSpacing(10)
        layout.addLayout(toolbar)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

    def set_stations(self, stations: tuple[StationView, ...]) -> None:
        """Fill the station filter (keeping the choice)."""
        current = self.station_filter.currentData()
        self.station_filter.blockSignals(True)
        self.station_filter.clear()
        self.station_filter.addItem("All stations", None)
        for station in stations:
            self.station_filter.addItem(station.name, station.id)
        self.station_filter.setCurrentIndex(max(0, index_of(self.station_filter, current)))
        self.station_filter.blockSignals(False)

    def load(self) -> None:
        """Load the shifts short of volunteers from today for two weeks."""
        self._generation += 1
        generation = self._generation
        first = self.context.today()
        last = first + timedelta(days=UNCOVERED_DAYS - 1)
        self.period.setText(f"Shifts from {long_date(first)} to {long_date(last)} that need more volunteers.")
        service, station = self.service, self.station_filter.currentData()

        def show(rows: tuple[UncoveredShift, ...]) -> None:
            if generation != self._generation:
                return
            self.model.set_rows(rows)
            missing = sum(u.short_by for u in rows)
            self.count_label.setText(
                "Every planned shift has enough volunteers."
                if not rows
                else f"{len(rows)} shift{'s' if len(rows) != 1 else ''} short of {missing} "
                f"volunteer{'s' if missing != 1 else ''}"
            )
            self.loaded.emit(len(rows))

        Task(lambda: service.uncovered_shifts(first, last, station), parent=self).on_success(show).run()

    def _open(self, index: QModelIndex) -> None:
        row = self.model.row_object(index.row())
        if isinstance(row, UncoveredShift):
            self.open_requested.emit(row)


# ---------------------------------------------------------------------------------------------------- the screen


class WatchScreen(Screen):
    """Neighbourhood watch: groups and volunteers, the weekly duty roster and the shifts still uncovered."""

    key = "watch"
    title = "Neighbourhood watch"
    icon = QStyle.StandardPixmap.SP_FileDialogContentsView
    can_search = True

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.can_create = context.can("watch.manage")
        self.places = Places((), ())
        self._places_loaded = False
        self.groups = GroupsPanel(context)
        self.roster = RosterPanel(context)
        self.uncovered = UncoveredPanel(context)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.groups, "Groups")
        self.tabs.addTab(self.roster, "Duty roster")
        self.tabs.addTab(self.uncovered, "Uncovered shifts")
        self.tabs.currentChanged.connect(lambda _index: self._tab_shown())
        for panel in (self.groups, self.roster):
            panel.status_message.connect(self.status_message)
        self.uncovered.open_requested.connect(self.show_on_roster)
        heading = QLabel(self.title)
        set_role(heading, "heading")
        subtitle = QLabel("Theekree Pehra")
        set_role(subtitle, "muted")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addWidget(subtitle, 0, Qt.AlignmentFlag.AlignBottom)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 10)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    # -- loading ----------------------------------------------------------------------------------------
    def load_places(self) -> None:
        """Load the stations and beats for the filters and forms (off the GUI thread)."""
        organisation = OrganisationService(self.context)

        def fetch() -> Places:
            return Places(tuple(organisation.list_stations()), tuple(organisation.list_beats()))

        Task(fetch, parent=self).on_success(self._set_places).run()

    def _set_places(self, places: Places) -> None:
        self.places = places
        self._places_loaded = True
        self.groups.set_places(places)
        self.roster.set_stations(places.stations)
        self.uncovered.set_stations(places.stations)

    def shown(self) -> None:
        """Load the places once and the current tab."""
        if not self._places_loaded:
            self.load_places()
        self._tab_shown()

    def _tab_shown(self) -> None:
        panel = self.tabs.currentWidget()
        if panel is self.groups:
            self.groups.shown()
        elif panel is self.roster:
            self.roster.shown()
        elif panel is self.uncovered:
            self.uncovered.load()

    def refresh(self) -> None:
        """Load the current tab again (F5)."""
        panel = self.tabs.currentWidget()
        if panel is self.groups:
            self.groups.reload()
        elif panel is self.roster:
            self.roster.load()
        else:
            self.uncovered.load()

    # -- Records menu -----------------------------------------------------------------------------------
    def new_record(self) -> None:
        """Ctrl+N: a new group (on the roster tab: a new shift)."""
        if self.tabs.currentWidget() is self.roster:
            self.roster.add_shift()
            return
        self.tabs.setCurrentWidget(self.groups)
        self.groups.new_record()

    def focus_search(self) -> None:
        """Ctrl+F: search the groups."""
        self.tabs.setCurrentWidget(self.groups)
        self.groups.focus_search()

    def show_on_roster(self, shift: UncoveredShift) -> None:
        """Show the week of an uncovered shift on the roster with its day selected."""
        self.tabs.setCurrentWidget(self.roster)
        station = index_of(self.roster.station_filter, shift.station_id)
        if self.roster.station_id() not in (None, shift.station_id) and station >= 0:
            self.roster.station_filter.setCurrentIndex(station)

        def select() -> None:
            self.roster.loaded.disconnect(select)
            self.roster.select_cell(shift.beat_id, shift.shift_date)

        self.roster.loaded.connect(select)
        if week_start_of(shift.shift_date) == self.roster.week_start:
            self.roster.load()
        else:
            self.roster.show_week(shift.shift_date)

    # -- unsaved changes --------------------------------------------------------------------------------
    def open_form(self) -> GuardedFormDialog | None:
        """The form open now on this screen, if any."""
        for dialog in self.findChildren(GuardedFormDialog):
            if shiboken6.isValid(dialog) and dialog.isVisible():
                return dialog
        return None

    def has_unsaved_changes(self) -> bool:
        """True while an open form has unsaved changes."""
        dialog = self.open_form()
        return dialog is not None and dialog.is_dirty()

    def maybe_close(self, proceed: Callable[[], None]) -> None:
        """Ask about an open form's unsaved changes before leaving."""
        dialog = self.open_form()
        if dialog is None:
            proceed()
            return

        def close_and_proceed() -> None:
            dialog.done(QDialog.DialogCode.Rejected)
            proceed()

        dialog.ask_discard(close_and_proceed)
