"""Committees & meetings: committees with their rosters, the meetings list, open action items, the meeting editor.

Three tabs list committees (with the selected committee's roster and meetings underneath), meetings, and the
action items still open across all committees. Opening a meeting shows the :class:`MeetingEditor` in place of
the tabs; Back returns to them (asking first about unsaved changes).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from copdesk.models.committees import CommitteeType
from copdesk.models.meetings import ActionStatus, MeetingStatus
from copdesk.services.committees import CommitteeService, CommitteeView, MemberView
from copdesk.services.context import ServiceContext
from copdesk.services.meetings import ActionItemView, MeetingService, MeetingSummary, MeetingView
from copdesk.services.organisation import OrganisationService, StationView
from copdesk.services.paging import MAX_PAGE, Page, PageRequest
from copdesk.services.people import PeopleService
from copdesk.ui.committee_dialogs import (
    CommitteeDialog,
    DissolveDialog,
    EndMembershipDialog,
    MemberDialog,
    ScheduleMeetingDialog,
    day_text,
)
from copdesk.ui.dialogs import confirm
from copdesk.ui.forms import GuardedFormDialog, index_of
from copdesk.ui.list_screen import ListScreen, RecordTableView, count_text
from copdesk.ui.list_state import PAGE_SIZE, ListQuery
from copdesk.ui.meeting_editor import ActionDoneDialog, MeetingEditor
from copdesk.ui.paged_model import RIGHT, Column, PagedTableModel
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

FormT = TypeVar("FormT", bound=GuardedFormDialog)


def _time_text(meeting: MeetingSummary) -> str:
    value = meeting.start_time
    return value.strftime("%I:%M %p").lstrip("0") if value is not None else ""


def _committee_status(committee: CommitteeView) -> str:
    if committee.dissolved_on is not None:
        return f"Dissolved {day_text(committee.dissolved_on)}"
    return "Active" if committee.active else "Not yet formed"


COMMITTEE_COLUMNS: tuple[Column[CommitteeView], ...] = (
    Column("Name", lambda c: c.name, sort_key="name", width=250),
    Column("Type", lambda c: c.type_label, sort_key="type", width=250),
    Column("Station", lambda c: c.station_name, sort_key="station", width=130),
    Column("Members", lambda c: c.member_count, alignment=RIGHT, width=80),
    Column("Formed", lambda c: c.formed_on, sort_key="formed_on", width=110),
    Column("Last meeting", lambda c: c.last_held_on, width=110),
    Column("Status", _committee_status),
)
ROSTER_COLUMNS: tuple[Column[MemberView], ...] = (
    Column("Office", lambda m: m.role_label, width=90),
    Column("Category", lambda m: m.category_label, width=170),
    Column("Name", lambda m: m.name, width=190),
    Column("Joined", lambda m: m.joined_on, width=100),
    Column("Left", lambda m: m.left_on),
)
COMMITTEE_MEETING_COLUMNS: tuple[Column[MeetingSummary], ...] = (
    Column("Date", lambda m: m.held_on, sort_key="held_on", width=100),
    Column("Status", lambda m: m.status_label, sort_key="status", width=70),
    Column("Present", lambda m: m.members_present, alignment=RIGHT, width=64),
    Column("Venue", lambda m: m.venue),
)
MEETING_COLUMNS: tuple[Column[MeetingSummary], ...] = (
    Column("Date", lambda m: m.held_on, sort_key="held_on", width=110),
    Column("Time", _time_text, width=80),
    Column("Committee", lambda m: m.committee_name, sort_key="committee", width=250),
    Column("Station", lambda m: m.station_name, sort_key="station", width=130),
    Column("Venue", lambda m: m.venue, width=230),
    Column("Present", lambda m: m.members_present, alignment=RIGHT, width=70),
    Column("Status", lambda m: m.status_label, sort_key="status"),
)
ACTION_COLUMNS: tuple[Column[ActionItemView], ...] = (
    Column("Due by", lambda a: a.due_on, sort_key="due_on", width=100),
    Column("", lambda a: "Overdue" if a.overdue else "", width=70),
    Column("Action", lambda a: a.text, width=280),
    Column("Responsible", lambda a: a.owner, width=160),
    Column("Committee", lambda a: a.committee_name, sort_key="committee", width=190),
    Column("Raised on", lambda a: a.raised_on, sort_key="raised_on", width=100),
    Column("Station", lambda a: a.station_name),
)


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(8)
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


class FilterBox(QComboBox):
    """A filter's drop-down: as wide as its names when there is room, narrower (names cut) on small screens."""

    def __init__(self, characters: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._characters = characters

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Room for a few characters only, so the window still fits a 1024-pixel screen."""
        hint = super().minimumSizeHint()
        narrow = self.fontMetrics().averageCharWidth() * self._characters + 40
        return QSize(min(hint.width(), narrow), hint.height())


def _fill_stations(combo: QComboBox, stations: list[StationView], everyone: str) -> None:
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everyone, None)
    for station in stations:
        combo.addItem(station.name, station.id)
    combo.setCurrentIndex(max(0, index_of(combo, current)))
    combo.blockSignals(False)


class OpenActionSource:
    """The open action items under the names a paged list expects."""

    def __init__(self, service: MeetingService) -> None:
        self.service = service

    def count(self, request: PageRequest) -> int:
        """How many open action items match."""
        return self.service.count_open_action_items(request)

    def page(self, request: PageRequest) -> Page[ActionItemView]:
        """A window of open action items (overdue first)."""
        return self.service.open_action_items(request)


# --- committees ----------------------------------------------------------------------------------------------


class CommitteeList(ListScreen):
    """The committees, searchable by name or notification, filtered by type, station and whether active."""

    title = ""

    def __init__(self, service: CommitteeService, parent: QWidget | None = None) -> None:
        super().__init__(
            service,
            COMMITTEE_COLUMNS,
            search_placeholder="Search by name or notification",
            noun=("committee", "committees"),
            default_sort="name",
            parent=parent,
        )
        self.heading.hide()
        self.body.setContentsMargins(0, 10, 0, 0)
        self.search_box.setMinimumWidth(150)
        self.type_filter = FilterBox(12)
        self.type_filter.addItem("All types", None)
        for kind in CommitteeType:
            self.type_filter.addItem(kind.label, kind.value)
        self.station_filter = FilterBox(8)
        self.station_filter.addItem("All stations", None)
        self.active_filter = FilterBox(10)
        self.active_filter.addItem("Active committees", True)
        self.active_filter.addItem("Dissolved committees", False)
        self.active_filter.addItem("Active and dissolved", None)
        for combo in (self.type_filter, self.station_filter, self.active_filter):
            combo.currentIndexChanged.connect(self.filters_changed)
            self.add_filter(combo)

    def current_filters(self) -> dict[str, Any]:
        """Type, station and active filters, when chosen."""
        filters: dict[str, Any] = {}
        for key, combo in (
            ("type", self.type_filter),
            ("station_id", self.station_filter),
            ("active", self.active_filter),
        ):
            value = combo.currentData()
            if value is not None:
                filters[key] = value
        return filters


class CommitteeDetail(QWidget):
    """The selected committee: its details, roster (with add member / end membership) and meetings."""

    #: Open this meeting (its id) in the editor.
    open_meeting = Signal(object)
    #: The committee or its roster changed (the list should load again).
    committee_changed = Signal()
    #: Schedule a meeting of this committee (a CommitteeView).
    schedule_requested = Signal(object)
    #: Correct this committee (a CommitteeView).
    edit_requested = Signal(object)
    #: The roster was shown (tests wait for it).
    roster_loaded = Signal(int)
    #: The committee's meetings were counted and shown.
    meetings_loaded = Signal(int)
    #: A short note for the status bar.
    status_message = Signal(str)

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = CommitteeService(context)
        self.meetings = MeetingService(context)
        self.people = PeopleService(context)
        self.committee: CommitteeView | None = None
        self._generation = 0
        self.can_update = context.can("committee.update")

        self.title = QLabel("")
        font = self.title.font()
        font.setPointSize(font.pointSize() + 2)
        font.setBold(True)
        self.title.setFont(font)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        set_role(self.info, "muted")
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self._edit)
        self.dissolve_button = QPushButton("Dissolve…")
        self.dissolve_button.clicked.connect(self.dissolve)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.clicked.connect(self.ask_delete)
        self.edit_button.setVisible(self.can_update)
        self.dissolve_button.setVisible(self.can_update)
        self.delete_button.setVisible(context.can("committee.delete"))
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.title)
        titles.addWidget(self.info)
        header.addLayout(titles, 1)
        for button in (self.edit_button, self.dissolve_button, self.delete_button):
            header.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)

        self.roster_model = RowsTableModel(ROSTER_COLUMNS, self)
        self.roster_table = RecordTableView()
        self.roster_table.setModel(self.roster_model)
        self.roster_table.setSortingEnabled(False)
        for number, column in enumerate(ROSTER_COLUMNS):
            if column.width:
                self.roster_table.setColumnWidth(number, column.width)
        self.show_former = QCheckBox("Show former members")
        self.show_former.toggled.connect(lambda _checked: self.load_roster())
        self.add_member_button = QPushButton("Add member…")
        self.add_member_button.clicked.connect(self.add_member)
        self.end_member_button = QPushButton("End membership…")
        self.end_member_button.clicked.connect(self.end_membership)
        self.remove_member_button = QPushButton("Remove…")
        self.remove_member_button.setToolTip("Remove a membership entered by mistake")
        self.remove_member_button.clicked.connect(self.remove_member)
        for button in (self.add_member_button, self.end_member_button, self.remove_member_button):
            button.setVisible(self.can_update)
        self.import_members_button = QPushButton("Import members…")
        self.import_members_button.setToolTip("Add members from a clerk's spreadsheet (.xlsx or .xls)")
        self.import_members_button.setVisible(can_import(context, "committee_members"))
        self.import_members_button.clicked.connect(lambda _checked=False: self.import_members())
        self.roster_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.roster_count = QLabel("")
        set_role(self.roster_count, "muted")
        roster_heading = QHBoxLayout()
        roster_heading.addWidget(_caption("Members"))
        roster_heading.addWidget(self.roster_count)
        roster_heading.addStretch(1)
        roster_heading.addWidget(self.show_former)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 8, 0)
        left.addLayout(roster_heading)
        left.addWidget(self.roster_table, 1)
        left.addLayout(
            _buttons(
                self.add_member_button, self.import_members_button, self.end_member_button, self.remove_member_button
            )
        )

        self.meeting_model = PagedTableModel(
            self.meetings, COMMITTEE_MEETING_COLUMNS, self, query=ListQuery(sort="held_on", descending=True)
        )
        self.meetings_table = RecordTableView()
        self.meetings_table.setModel(self.meeting_model)
        for number, meeting_column in enumerate(COMMITTEE_MEETING_COLUMNS):
            if meeting_column.width:
                self.meetings_table.setColumnWidth(number, meeting_column.width)
        self.meetings_table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.DescendingOrder)
        self.meeting_model.sort_indicator_changed.connect(
            lambda column, order: self.meetings_table.horizontalHeader().setSortIndicator(column, order)
        )
        self.meetings_table.open_requested.connect(self._open_meeting_index)
        self.meetings_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.schedule_button = QPushButton("Schedule meeting…")
        self.schedule_button.clicked.connect(self._schedule)
        self.schedule_button.setVisible(context.can("meeting.create"))
        self.open_meeting_button = QPushButton("Open meeting")
        self.open_meeting_button.clicked.connect(self._open_selected_meeting)
        self.meeting_count = QLabel("")
        set_role(self.meeting_count, "muted")
        meetings_heading = QHBoxLayout()
        meetings_heading.addWidget(_caption("Meetings"))
        meetings_heading.addWidget(self.meeting_count)
        meetings_heading.addStretch(1)
        right = QVBoxLayout()
        right.setContentsMargins(8, 0, 0, 0)
        right.addLayout(meetings_heading)
        right.addWidget(self.meetings_table, 1)
        right.addLayout(_buttons(self.schedule_button, self.open_meeting_button))

        columns = QSplitter(Qt.Orientation.Horizontal)
        left_box, right_box = QWidget(), QWidget()
        left_box.setLayout(left)
        right_box.setLayout(right)
        columns.addWidget(left_box)
        columns.addWidget(right_box)
        columns.setStretchFactor(0, 3)
        columns.setStretchFactor(1, 2)
        columns.setChildrenCollapsible(False)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 6, 0, 0)
        content_layout.setSpacing(8)
        content_layout.addLayout(header)
        content_layout.addWidget(columns, 1)
        self.placeholder = QLabel("Choose a committee above to see its members and meetings.")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.placeholder, "muted")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.placeholder)
        self.pages.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self._update_buttons()

    # -- showing ------------------------------------------------------------------------------------------
    def show_committee(self, committee: CommitteeView | None) -> None:
        """Show this committee (or the placeholder), then load its roster and meetings."""
        changed = committee is None or self.committee is None or committee.id != self.committee.id
        self.committee = committee
        self._generation += 1
        if committee is None:
            self.pages.setCurrentIndex(0)
            self.roster_model.set_rows([])
            self._update_buttons()
            return
        self.pages.setCurrentIndex(1)
        self.title.setText(committee.name)
        parts = [
            committee.type_label,
            f"Police station {committee.station_name}",
            f"formed {day_text(committee.formed_on)}",
        ]
        if committee.notification_ref:
            parts.append(f"notification {committee.notification_ref}")
        if committee.dissolved_on is not None:
            parts.append(f"dissolved {day_text(committee.dissolved_on)}")
        self.info.setText("   ·   ".join(parts))
        if changed:
            self.roster_model.set_rows([])
        self.load_roster()
        self.load_meetings()
        self._update_buttons()

    def load_roster(self) -> None:
        """Load the roster of the shown committee (off the GUI thread)."""
        committee = self.committee
        if committee is None:
            return
        service, former, generation = self.service, self.show_former.isChecked(), self._generation

        def loaded(members: list[MemberView]) -> None:
            if generation != self._generation:
                return
            self.roster_model.set_rows(members)
            current = sum(1 for m in members if m.left_on is None or m.left_on > self.context.today())
            self.roster_count.setText(f"{current} current" + (f", {len(members) - current} former" if former else ""))
            self._update_buttons()
            self.roster_loaded.emit(len(members))

        Task(lambda: service.roster(committee.id, include_former=former), parent=self).on_success(loaded).run()

    def load_meetings(self) -> None:
        """Count the shown committee's meetings, then show them newest first."""
        committee = self.committee
        if committee is None:
            return
        query = self.meeting_model.query.searching("", {"committee_id": committee.id})
        model, generation = self.meeting_model, self._generation

        def counted(total: int) -> None:
            if generation != self._generation:
                return
            model.show(query, total)
            self.meeting_count.setText(count_text(total, "meeting", "meetings"))
            self._update_buttons()
            self.meetings_loaded.emit(total)

        Task(lambda: model.count_for(query), parent=self).on_success(counted).run()

    def selected_member(self) -> MemberView | None:
        """The selected member."""
        index = self.roster_table.currentIndex()
        row = self.roster_model.row_object(index.row()) if index.isValid() else None
        return row if isinstance(row, MemberView) else None

    def selected_meeting(self) -> MeetingSummary | None:
        """The selected meeting."""
        index = self.meetings_table.currentIndex()
        row = self.meeting_model.row_object(index.row()) if index.isValid() else None
        return row if isinstance(row, MeetingSummary) else None

    def _update_buttons(self) -> None:
        committee, member = self.committee, self.selected_member()
        dissolved = committee is not None and committee.dissolved_on is not None
        self.dissolve_button.setEnabled(committee is not None and not dissolved)
        self.add_member_button.setEnabled(committee is not None)
        self.import_members_button.setEnabled(committee is not None and not dissolved)
        self.end_member_button.setEnabled(member is not None and member.left_on is None)
        self.remove_member_button.setEnabled(member is not None)
        self.schedule_button.setEnabled(committee is not None)
        self.open_meeting_button.setEnabled(self.selected_meeting() is not None)

    def _edit(self) -> None:
        if self.committee is not None:
            self.edit_requested.emit(self.committee)

    def _schedule(self) -> None:
        if self.committee is not None:
            self.schedule_requested.emit(self.committee)

    def _open_meeting_index(self, _index: object) -> None:
        self._open_selected_meeting()

    def _open_selected_meeting(self) -> None:
        meeting = self.selected_meeting()
        if meeting is not None:
            self.open_meeting.emit(meeting.id)

    # -- roster -------------------------------------------------------------------------------------------
    def _open(self, dialog: FormT, message: Callable[[object], str]) -> FormT:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(result: object) -> None:
            self.committee_changed.emit()
            self.load_roster()
            self.status_message.emit(message(result))

        dialog.done_with.connect(done)
        dialog.open()
        return dialog

    def add_member(self) -> MemberDialog | None:
        """Open the new-member form (find the person or add them)."""
        committee = self.committee
        if committee is None or not self.can_update:
            return None
        dialog = MemberDialog(
            self.service,
            self.people,
            committee,
            self.roster_model.rows(),
            self,
            today=self.context.today(),
            can_create_person=self.context.can("person.create"),
        )
        return self._open(dialog, lambda m: f"{getattr(m, 'name', 'The member')} added to {committee.name}.")

    def import_members(self) -> SpreadsheetImportWizard | None:
        """Open the import wizard for this committee's members; the roster loads again after an import."""
        committee = self.committee
        if committee is None:
            return None

        def imported(_result: object) -> None:
            self.load_roster()
            self.committee_changed.emit()

        target = "committee_members"
        return open_import_wizard(
            self, self.context, target, committee_id=committee.id, into=committee.name, on_imported=imported
        )

    def end_membership(self) -> EndMembershipDialog | None:
        """Record that the selected member left."""
        member = self.selected_member()
        if member is None or member.left_on is not None or not self.can_update:
            return None
        dialog = EndMembershipDialog(self.service, member, self, today=self.context.today())
        return self._open(dialog, lambda _m: f"{member.name}'s membership ended.")

    def remove_member(self) -> None:
        """Ask, then remove a membership entered by mistake."""
        member = self.selected_member()
        if member is None or not self.can_update:
            return
        service = self.service

        def removed(_none: object) -> None:
            self.committee_changed.emit()
            self.load_roster()

        def remove() -> None:
            Task(lambda: service.remove_member(member.id), parent=self).on_success(removed).run()

        confirm(
            self,
            f"Remove {member.name} from the roster as if never added? "
            "Use “End membership” instead when the member has left.",
            remove,
            yes_text="Remove",
        )

    # -- the committee ------------------------------------------------------------------------------------
    def dissolve(self) -> DissolveDialog | None:
        """Record the day the committee was dissolved."""
        committee = self.committee
        if committee is None or committee.dissolved_on is not None or not self.can_update:
            return None
        dialog = DissolveDialog(self.service, committee, self, today=self.context.today())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(result: object) -> None:
            if isinstance(result, CommitteeView):
                self.show_committee(result)
                self.status_message.emit(f"{result.name} dissolved on {day_text(result.dissolved_on)}.")
            self.committee_changed.emit()

        dialog.done_with.connect(done)
        dialog.open()
        return dialog

    def ask_delete(self) -> None:
        """Ask, then delete a committee entered by mistake (refused while it has meetings)."""
        committee = self.committee
        if committee is None or not self.context.can("committee.delete"):
            return
        service = self.service

        def deleted(_none: object) -> None:
            self.show_committee(None)
            self.committee_changed.emit()

        def delete() -> None:
            Task(lambda: service.delete(committee.id), parent=self).on_success(deleted).run()

        confirm(self, f"Delete the committee {committee.name} and its roster?", delete, yes_text="Delete")


class CommitteesPanel(QWidget):
    """The Committees tab: the list on top, the selected committee's roster and meetings below."""

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = CommitteeService(context)
        self.list = CommitteeList(self.service)
        self.detail = CommitteeDetail(context)
        self.new_button = QPushButton("New committee…")
        self.new_button.setVisible(context.can("committee.create"))
        self.list.toolbar.addWidget(self.new_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.list.table.selectionModel().currentRowChanged.connect(lambda _now, _before: self._selected())
        self.list.reloaded.connect(lambda _total: self._reselect())
        self.list.table.open_requested.connect(lambda _index: self._selected())
        self.detail.committee_changed.connect(self.list.reload)

    def _selected(self) -> None:
        row = self.list.selected_row()
        if isinstance(row, CommitteeView):
            self.detail.show_committee(row)

    def _reselect(self) -> None:
        """After the list loads again, keep the shown committee selected (fresh), else select the first one."""
        shown, model = self.detail.committee, self.list.model
        row = -1
        if shown is not None:
            for number in range(min(model.total, PAGE_SIZE)):
                item = model.row_object(number)
                if isinstance(item, CommitteeView) and item.id == shown.id:
                    row = number
                    break
        if row < 0 and model.total:
            row = 0
        if row < 0:
            self.detail.show_committee(None)
            return
        self.list.table.selectRow(row)
        item = model.row_object(row)
        if isinstance(item, CommitteeView):
            self.detail.show_committee(item)

    def select_committee(self, committee: CommitteeView) -> None:
        """Show this committee's details, and keep it selected when the list loads again."""
        self.detail.show_committee(committee)


# --- meetings ------------------------------------------------------------------------------------------------


PERIODS = ("Any date", "Upcoming", "This month", "Last month", "Last 3 months", "This year")


def period_range(period: str, today: date) -> tuple[date | None, date | None]:
    """The first and last day of a named period around ``today`` (None: unbounded)."""
    first_of_month = today.replace(day=1)
    if period == "Upcoming":
        return today, None
    if period == "This month":
        next_month = (first_of_month + timedelta(days=32)).replace(day=1)
        return first_of_month, next_month - timedelta(days=1)
    if period == "Last month":
        last_month_end = first_of_month - timedelta(days=1)
        return last_month_end.replace(day=1), last_month_end
    if period == "Last 3 months":
        start = first_of_month
        for _ in range(2):
            start = (start - timedelta(days=1)).replace(day=1)
        return start, today
    if period == "This year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    return None, None


class MeetingsPanel(ListScreen):
    """Every meeting, newest first, filtered by committee, station, status and date."""

    title = ""
    #: Open this meeting (its id).
    open_meeting = Signal(object)
    #: Schedule a meeting (of a committee chosen in the form).
    schedule_requested = Signal()

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        self.context = context
        self.service = MeetingService(context)
        super().__init__(
            self.service,
            MEETING_COLUMNS,
            search_placeholder="Search by committee",
            noun=("meeting", "meetings"),
            default_sort="held_on",
            parent=parent,
        )
        self.heading.hide()
        self.body.setContentsMargins(0, 10, 0, 0)
        self.search_box.setMinimumWidth(170)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.committee_filter = FilterBox(12)
        self.committee_filter.addItem("All committees", None)
        self.committee_filter.setMaximumWidth(260)
        self.station_filter = FilterBox(8)
        self.station_filter.addItem("All stations", None)
        self.status_filter = FilterBox(8)
        self.status_filter.addItem("Planned and closed", None)
        for status in MeetingStatus:
            self.status_filter.addItem(status.label, status.value)
        self.period_filter = FilterBox(8)
        for period in PERIODS:
            self.period_filter.addItem(period, period)
        for combo in (self.committee_filter, self.station_filter, self.status_filter, self.period_filter):
            combo.currentIndexChanged.connect(self.filters_changed)
            self.add_filter(combo)
        self.schedule_button = QPushButton("Schedule meeting…")
        self.schedule_button.setVisible(context.can("meeting.create"))
        self.schedule_button.clicked.connect(self.schedule_requested.emit)
        self.toolbar.addWidget(self.schedule_button)
        self.export_button = export_button(self, context, "meetings", lambda: list_request(self))
        add_to_count_line(self, self.export_button)

    def current_filters(self) -> dict[str, Any]:
        """Committee, station, status and date filters, when chosen."""
        filters: dict[str, Any] = {}
        for key, combo in (
            ("committee_id", self.committee_filter),
            ("station_id", self.station_filter),
            ("status", self.status_filter),
        ):
            if combo.currentData() is not None:
                filters[key] = combo.currentData()
        start, end = period_range(str(self.period_filter.currentData()), self.context.today())
        if start is not None:
            filters["date_from"] = start
        if end is not None:
            filters["date_to"] = end
        return filters

    def set_committees(self, committees: list[CommitteeView]) -> None:
        """The committees offered by the committee filter."""
        current = self.committee_filter.currentData()
        self.committee_filter.blockSignals(True)
        self.committee_filter.clear()
        self.committee_filter.addItem("All committees", None)
        for committee in committees:
            self.committee_filter.addItem(f"{committee.name} ({committee.station_name})", committee.id)
        self.committee_filter.setCurrentIndex(max(0, index_of(self.committee_filter, current)))
        self.committee_filter.blockSignals(False)

    def open_record(self, row: Any) -> None:
        """Open the meeting in the editor."""
        if isinstance(row, MeetingSummary):
            self.open_meeting.emit(row.id)


class ActionItemsPanel(ListScreen):
    """Action items still open across all committees, overdue first; mark them done or dropped."""

    title = ""
    #: Open the meeting (its id) an action item was raised at.
    open_meeting = Signal(object)
    #: An action item was marked done or dropped.
    action_changed = Signal()

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        self.context = context
        self.service = MeetingService(context)
        super().__init__(
            OpenActionSource(self.service),
            ACTION_COLUMNS,
            search_placeholder="Search by committee",
            noun=("open action item", "open action items"),
            default_sort="due_on",
            parent=parent,
        )
        self.heading.hide()
        self.body.setContentsMargins(0, 10, 0, 0)
        self.search_box.setMinimumWidth(150)
        self.station_filter = FilterBox(8)
        self.station_filter.addItem("All stations", None)
        self.station_filter.currentIndexChanged.connect(self.filters_changed)
        self.overdue_only = QCheckBox("Overdue only")
        self.overdue_only.toggled.connect(self.filters_changed)
        self.add_filter(self.station_filter)
        self.add_filter(self.overdue_only)
        can_update = context.can("meeting.update")
        self.done_button = QPushButton("Mark done…")
        self.done_button.clicked.connect(self.mark_done)
        self.drop_button = QPushButton("Drop…")
        self.drop_button.clicked.connect(self.drop)
        self.open_button = QPushButton("Open meeting")
        self.open_button.clicked.connect(lambda: self.open_record(self.selected_row()))
        for button in (self.done_button, self.drop_button):
            button.setVisible(can_update)
            self.toolbar.addWidget(button)
        self.toolbar.addWidget(self.open_button)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.reloaded.connect(lambda _total: self._update_buttons())
        self._update_buttons()

    def current_filters(self) -> dict[str, Any]:
        """Station and overdue filters, when chosen."""
        filters: dict[str, Any] = {}
        if self.station_filter.currentData() is not None:
            filters["station_id"] = self.station_filter.currentData()
        if self.overdue_only.isChecked():
            filters["overdue"] = True
        return filters

    def selected_action(self) -> ActionItemView | None:
        """The selected action item."""
        row = self.selected_row()
        return row if isinstance(row, ActionItemView) else None

    def _update_buttons(self) -> None:
        action = self.selected_action()
        self.done_button.setEnabled(action is not None and action.status is ActionStatus.OPEN)
        self.drop_button.setEnabled(action is not None and action.status is ActionStatus.OPEN)
        self.open_button.setEnabled(action is not None)

    def open_record(self, row: Any) -> None:
        """Open the meeting the action item was raised at."""
        if isinstance(row, ActionItemView):
            self.open_meeting.emit(row.meeting_id)

    def _changed(self, message: str) -> None:
        self.status_message.emit(message)
        self.action_changed.emit()
        self.reload()

    def mark_done(self) -> ActionDoneDialog | None:
        """Mark the selected action item done (asks the day it was completed)."""
        action = self.selected_action()
        if action is None or not self.context.can("meeting.update"):
            return None
        dialog = ActionDoneDialog(self.service, action, self, today=self.context.today())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.done_with.connect(lambda _result: self._changed("Action item marked done."))
        dialog.open()
        return dialog

    def drop(self) -> None:
        """Ask, then drop the selected action item (no longer followed up)."""
        action = self.selected_action()
        if action is None or not self.context.can("meeting.update"):
            return
        service = self.service

        def drop() -> None:
            Task(
                lambda: service.set_action_status(action.id, action.version, ActionStatus.DROPPED), parent=self
            ).on_success(lambda _view: self._changed("Action item dropped.")).run()

        confirm(
            self,
            f"Drop the action “{action.text}”? It will no longer be carried to later agendas.",
            drop,
            yes_text="Drop",
        )


# --- the screen ----------------------------------------------------------------------------------------------


class CommitteesScreen(Screen):
    """Committees with their rosters, their meetings, open action items, and the meeting editor."""

    key = "committees"
    title = "Committees & meetings"
    icon = QStyle.StandardPixmap.SP_DirLinkIcon
    can_search = True
    can_save = True

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.can_create = context.can("committee.create") or context.can("meeting.create")
        self.committee_service = CommitteeService(context)
        self.meeting_service = MeetingService(context)
        self.organisation = OrganisationService(context)
        self.stations: list[StationView] = []
        self._stations_loaded = False
        self._stale: set[QWidget] = set()
        self.committee_dialog: CommitteeDialog | None = None
        self.schedule_dialog: ScheduleMeetingDialog | None = None

        self.committees = CommitteesPanel(context)
        self.meetings = MeetingsPanel(context)
        self.action_items = ActionItemsPanel(context)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.committees, "Committees")
        self.tabs.addTab(self.meetings, "Meetings")
        self.tabs.addTab(self.action_items, "Open action items")
        self.tabs.currentChanged.connect(lambda _index: self._tab_shown())
        heading = QLabel(self.title)
        set_role(heading, "heading")
        lists = QWidget()
        lists_layout = QVBoxLayout(lists)
        lists_layout.setContentsMargins(16, 14, 16, 10)
        lists_layout.setSpacing(10)
        lists_layout.addWidget(heading)
        lists_layout.addWidget(self.tabs, 1)

        self.editor = MeetingEditor(context)
        self.stack = QStackedWidget()
        self.stack.addWidget(lists)
        self.stack.addWidget(self.editor)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.committees.new_button.clicked.connect(self.new_committee)
        self.committees.detail.open_meeting.connect(self.open_meeting)
        self.committees.detail.schedule_requested.connect(self.schedule_meeting)
        self.committees.detail.edit_requested.connect(self.edit_committee)
        self.committees.detail.committee_changed.connect(self._committees_changed)
        self.meetings.open_meeting.connect(self.open_meeting)
        self.meetings.schedule_requested.connect(lambda: self.schedule_meeting(None))
        self.action_items.open_meeting.connect(self.open_meeting)
        self.action_items.action_changed.connect(lambda: self._mark_stale(self.meetings, self.committees))
        for panel in (self.committees.list, self.committees.detail, self.meetings, self.action_items):
            panel.status_message.connect(self.status_message)
        self.editor.closed.connect(self.show_lists)
        self.editor.changed.connect(lambda: self._mark_stale(self.committees, self.meetings, self.action_items))
        self.editor.status_message.connect(self.status_message)

    # -- navigation ---------------------------------------------------------------------------------------
    def editor_showing(self) -> bool:
        """True while the meeting editor is shown instead of the lists."""
        return self.stack.currentWidget() is self.editor

    def current_list(self) -> ListScreen:
        """The list of the current tab."""
        widget = self.tabs.currentWidget()
        if widget is self.committees:
            return self.committees.list
        assert isinstance(widget, ListScreen)
        return widget

    def show_lists(self) -> None:
        """Back from the editor to the tabs (lists changed meanwhile load again)."""
        self.stack.setCurrentIndex(0)
        self._tab_shown()

    def open_meeting(self, meeting_id: uuid.UUID) -> None:
        """Show the meeting in the editor (after asking about unsaved changes in the one shown)."""

        def go() -> None:
            self.editor.load(meeting_id)
            self.stack.setCurrentWidget(self.editor)

        if self.editor_showing():
            self.editor.ask_discard(go)
        else:
            go()

    def show_meeting(self, view: MeetingView) -> None:
        """Show a meeting just loaded or scheduled in the editor."""
        self.editor.show_meeting(view)
        self.stack.setCurrentWidget(self.editor)

    def _mark_stale(self, *panels: QWidget) -> None:
        self._stale.update(panels)
        if not self.editor_showing():
            self._tab_shown()

    def _tab_shown(self) -> None:
        widget = self.tabs.currentWidget()
        if widget in self._stale:
            self._stale.discard(widget)
            if widget is self.committees:
                self.committees.list.reload()
                self.committees.detail.load_meetings()
            else:
                self.current_list().reload()
            return
        self.current_list().shown()

    def _committees_changed(self) -> None:
        self._mark_stale(self.meetings, self.action_items)
        self.load_choices()

    # -- loading ------------------------------------------------------------------------------------------
    def load_choices(self) -> None:
        """Load the stations and committees offered by the filters (off the GUI thread)."""
        organisation, committees = self.organisation, self.committee_service
        if self.context.can("org.view"):
            Task(organisation.list_stations, parent=self).on_success(self._show_stations).run()
        request = PageRequest(limit=MAX_PAGE, sort="name")
        Task(lambda: list(committees.page(request).rows), parent=self).on_success(self.meetings.set_committees).run()

    def _show_stations(self, stations: list[StationView]) -> None:
        self.stations = stations
        self._stations_loaded = True
        _fill_stations(self.committees.list.station_filter, stations, "All stations")
        _fill_stations(self.meetings.station_filter, stations, "All stations")
        _fill_stations(self.action_items.station_filter, stations, "All stations")

    # -- committees and meetings --------------------------------------------------------------------------
    def _with_stations(self, then: Callable[[list[StationView]], object]) -> None:
        if self._stations_loaded:
            then(self.stations)
            return

        def loaded(stations: list[StationView]) -> None:
            self._show_stations(stations)
            then(stations)

        Task(self.organisation.list_stations, parent=self).on_success(loaded).run()

    def new_committee(self) -> None:
        """Open the new-committee form."""
        if self.context.can("committee.create"):
            self._with_stations(lambda stations: self._committee_form(stations, None))

    def edit_committee(self, committee: CommitteeView) -> None:
        """Open the form to correct a committee."""
        if self.context.can("committee.update"):
            self._with_stations(lambda stations: self._committee_form(stations, committee))

    def _committee_form(self, stations: list[StationView], committee: CommitteeView | None) -> CommitteeDialog:
        dialog = CommitteeDialog(self.committee_service, stations, committee, self, today=self.context.today())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.done_with.connect(self._committee_saved)
        self.committee_dialog = dialog
        dialog.open()
        return dialog

    def _committee_saved(self, committee: object) -> None:
        if not isinstance(committee, CommitteeView):
            return
        self.status_message.emit(f"Saved {committee.name}.")
        self.committees.select_committee(committee)
        self.committees.list.reload()
        self._committees_changed()

    def schedule_meeting(self, committee: CommitteeView | None) -> None:
        """Open the form to schedule a meeting (of ``committee``, or one chosen in the form)."""
        if not self.context.can("meeting.create"):
            return
        service = self.committee_service
        request = PageRequest(limit=MAX_PAGE, sort="name", filters={"active": True})

        def show(committees: list[CommitteeView]) -> None:
            dialog = ScheduleMeetingDialog(
                self.meeting_service, committees, self, committee=committee, today=self.context.today()
            )
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.done_with.connect(self._scheduled)
            self.schedule_dialog = dialog
            dialog.open()

        Task(lambda: list(service.page(request).rows), parent=self).on_success(show).run()

    def _scheduled(self, meeting: object) -> None:
        if not isinstance(meeting, MeetingView):
            return
        self.status_message.emit(f"Meeting of {meeting.committee_name} scheduled for {day_text(meeting.held_on)}.")
        self._mark_stale(self.committees, self.meetings)
        self.show_meeting(meeting)

    # -- Screen -------------------------------------------------------------------------------------------
    def shown(self) -> None:
        """Load the filters' choices once, and the current tab's list."""
        if not self._stations_loaded:
            self.load_choices()
        if not self.editor_showing():
            self._tab_shown()

    def new_record(self) -> None:
        """Ctrl+N: a new committee on the Committees tab, else schedule a meeting."""
        if self.editor_showing():
            return
        if self.tabs.currentWidget() is self.committees:
            self.new_committee()
        else:
            self.schedule_meeting(None)

    def focus_search(self) -> None:
        """Ctrl+F: the current list's search box."""
        if not self.editor_showing():
            self.current_list().focus_search()

    def save(self) -> None:
        """Ctrl+S: save the meeting being edited."""
        if self.editor_showing():
            self.editor.save()

    def refresh(self) -> None:
        """F5: load the meeting or the current list again."""
        if self.editor_showing():
            self.editor.reload()
            return
        self.load_choices()
        if self.tabs.currentWidget() is self.committees:
            self.committees.list.reload()
            self.committees.detail.load_meetings()
            self.committees.detail.load_roster()
        else:
            self.current_list().reload()

    def has_unsaved_changes(self) -> bool:
        """True while the meeting editor holds unsaved changes."""
        return self.editor_showing() and self.editor.is_dirty()

    def maybe_close(self, proceed: Callable[[], None]) -> None:
        """Ask about the meeting's unsaved changes before leaving."""
        if self.editor_showing():
            self.editor.ask_discard(proceed)
        else:
            proceed()
