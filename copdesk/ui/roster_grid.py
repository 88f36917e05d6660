"""The week's duty roster of the neighbourhood watch: beats down the side, seven days across.

Each cell shows that day's shifts of the beat: the shift's time, the volunteers on it with their turn-out
(✓ turned out, ✗ did not turn out) and, in red, how many volunteers the shift is still short of. A volunteer is
put on duty by dragging their name from the side list onto a day (the drag carries :data:`VOLUNTEER_MIME`), or
by double-clicking a day (or pressing Enter) and picking them. The service refuses double-booking; its message,
naming the clashing shift, is shown and nothing changes.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QDate,
    QMimeData,
    QModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QDrag, QFont, QFontMetrics, QKeyEvent, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from copdesk.errors import CopdeskError
from copdesk.services.context import ServiceContext
from copdesk.services.organisation import StationView
from copdesk.services.paging import PageRequest
from copdesk.services.watch import (
    GroupView,
    RosterRow,
    RosterView,
    RotationResult,
    ShiftView,
    VolunteerView,
    WatchService,
    describe_shift,
)
from copdesk.ui.dialogs import show_error
from copdesk.ui.forms import index_of
from copdesk.ui.paged_model import ModelIndex
from copdesk.ui.print_preview import PrintPreviewDialog, preview_roster
from copdesk.ui.tasks import Task
from copdesk.ui.theme import ERROR_COLOUR, MUTED_COLOUR, OK_COLOUR, set_role
from copdesk.ui.watch_dialogs import AssignDialog, FillWeekDialog, ShiftDialog, TurnoutDialog

#: The drag payload of a volunteer (JSON: volunteer_id, group_id, name).
VOLUNTEER_MIME = "application/x-copdesk-watch-volunteer"
#: ``data(index, SHIFTS_ROLE)``: the cell's shifts (a tuple of ShiftView).
SHIFTS_ROLE = Qt.ItemDataRole.UserRole + 2
#: ``data(index, LINES_ROLE)``: what the cell shows, as a list of :class:`CellLine`.
LINES_ROLE = Qt.ItemDataRole.UserRole + 3

SHORT_BACKGROUND = "#fdecea"
TODAY_BACKGROUND = "#eef3f8"
SELECTED_BACKGROUND = "#c9dcef"
TURNOUT_MARKS: dict[bool | None, str] = {True: "✓", False: "✗", None: "•"}
MAX_GROUPS_LISTED = 1_000
BEAT_HEADER_WIDTH = 130


def week_start_of(day: date) -> date:
    """The Monday of the week holding ``day`` (rosters run Monday to Sunday)."""
    return day - timedelta(days=day.weekday())


def local_now(context: ServiceContext) -> datetime:
    """Now as local wall-clock time, the way shift times are written."""
    return context.now().astimezone().replace(tzinfo=None)


def shift_started(shift: ShiftView, now: datetime) -> bool:
    """True once the shift's start time has passed (turn-out may be ticked then)."""
    return datetime.combine(shift.shift_date, shift.starts) <= now


def shift_time(shift: ShiftView) -> str:
    """``22:00–04:00`` (the end is the next morning when it is before the start)."""
    return f"{shift.starts:%H:%M}–{shift.ends:%H:%M}"


# ---------------------------------------------------------------------------------------------------- drag data


@dataclass(frozen=True)
class DraggedVolunteer:
    """What a volunteer drag carries."""

    volunteer_id: uuid.UUID
    group_id: uuid.UUID
    name: str


def volunteer_mime(volunteer: VolunteerView) -> QMimeData:
    """The drag payload for a volunteer of the side list."""
    mime = QMimeData()
    payload = {"volunteer_id": str(volunteer.id), "group_id": str(volunteer.group_id), "name": volunteer.name}
    mime.setData(VOLUNTEER_MIME, QByteArray(json.dumps(payload).encode("utf-8")))
    mime.setText(volunteer.name)
    return mime


def dragged_volunteer(mime: QMimeData | None) -> DraggedVolunteer | None:
    """The volunteer a drop carries, or None for anything else."""
    if mime is None or not mime.hasFormat(VOLUNTEER_MIME):
        return None
    try:
        payload = json.loads(bytes(mime.data(VOLUNTEER_MIME).data()).decode("utf-8"))
        return DraggedVolunteer(
            uuid.UUID(payload["volunteer_id"]), uuid.UUID(payload["group_id"]), str(payload.get("name", ""))
        )
    except (ValueError, KeyError, TypeError):
        return None


# ---------------------------------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class CellLine:
    """One line of a roster cell: ``kind`` is ``time``, ``volunteer``, ``short`` or ``note``."""

    text: str
    kind: str
    mark: str = ""
    turned_out: bool | None = None


def cell_lines(shifts: Sequence[ShiftView], show_group: bool) -> list[CellLine]:
    """What a cell shows for its shifts."""
    lines: list[CellLine] = []
    for shift in shifts:
        heading = shift_time(shift) + (f"  {shift.group_name}" if show_group else "")
        lines.append(CellLine(heading, "time"))
        for volunteer in shift.volunteers:
            lines.append(
                CellLine(volunteer.name, "volunteer", TURNOUT_MARKS[volunteer.turned_out], volunteer.turned_out)
            )
        if shift.short_by:
            lines.append(CellLine(f"Short by {shift.short_by}", "short"))
    return lines


def shift_tooltip(shift: ShiftView) -> str:
    """A shift described in full (cell tooltips)."""
    parts = [f"{shift.group_name}: {describe_shift(shift.shift_date, shift.starts, shift.ends)}"]
    parts.append(f"{len(shift.volunteers)} of {shift.volunteers_needed} volunteers on duty")
    for volunteer in shift.volunteers:
        state = {True: " (turned out)", False: " (did not turn out)", None: ""}[volunteer.turned_out]
        parts.append(f"  {volunteer.name}{state}")
    if shift.notes:
        parts.append(shift.notes)
    return "\n".join(parts)


class RosterModel(QAbstractTableModel):
    """The roster as a table: one row per beat, one column per day; cells accept dropped volunteers."""

    #: A volunteer was dropped on a cell: (row, column, DraggedVolunteer).
    volunteer_dropped = Signal(int, int, object)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._roster: RosterView | None = None
        self._today: date | None = None
        self._multi_group_rows: set[int] = set()

    # -- state ------------------------------------------------------------------------------------------
    @property
    def roster(self) -> RosterView | None:
        """The week shown (None before the first load)."""
        return self._roster

    def set_roster(self, roster: RosterView | None, today: date | None = None) -> None:
        """Show a week's roster (replacing the one shown)."""
        self.beginResetModel()
        self._roster = roster
        self._today = today
        self._multi_group_rows = set()
        if roster is not None:
            for number, row in enumerate(roster.rows):
                if len({s.group_id for day in row.days for s in day}) > 1:
                    self._multi_group_rows.add(number)
        self.endResetModel()

    def beat_row(self, row: int) -> RosterRow | None:
        """The beat shown on a row."""
        if self._roster is None or not 0 <= row < len(self._roster.rows):
            return None
        return self._roster.rows[row]

    def day(self, column: int) -> date | None:
        """The day shown in a column."""
        if self._roster is None or not 0 <= column < len(self._roster.days):
            return None
        return self._roster.days[column]

    def shifts_at(self, row: int, column: int) -> tuple[ShiftView, ...]:
        """The shifts of a cell (empty outside the grid)."""
        beat = self.beat_row(row)
        if beat is None or not 0 <= column < len(beat.days):
            return ()
        return beat.days[column]

    def all_shifts(self) -> list[ShiftView]:
        """Every shift of the week shown."""
        if self._roster is None:
            return []
        return [s for row in self._roster.rows for day in row.days for s in day]

    def index_of(self, beat_id: uuid.UUID, day: date) -> QModelIndex:
        """The cell of a beat and a day, or an invalid index when not shown."""
        if self._roster is None or day not in self._roster.days:
            return QModelIndex()
        for number, row in enumerate(self._roster.rows):
            if row.beat_id == beat_id:
                return self.index(number, self._roster.days.index(day))
        return QModelIndex()

    def duties_of(self, volunteer_id: uuid.UUID) -> int:
        """How many shifts of the week shown a volunteer is on."""
        return sum(any(v.volunteer_id == volunteer_id for v in s.volunteers) for s in self.all_shifts())

    # -- Qt model ---------------------------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """One row per beat (0 under a parent)."""
        if parent.isValid() or self._roster is None:
            return 0
        return len(self._roster.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Seven days (0 under a parent)."""
        if parent.isValid() or self._roster is None:
            return 0
        return len(self._roster.days)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text (one line per shift time, volunteer and shortfall), colours, tooltip and the shifts."""
        if not index.isValid() or self.beat_row(index.row()) is None or self.day(index.column()) is None:
            return None
        shifts = self.shifts_at(index.row(), index.column())
        if role == SHIFTS_ROLE:
            return shifts
        if role == LINES_ROLE:
            return cell_lines(shifts, index.row() in self._multi_group_rows)
        if role == Qt.ItemDataRole.DisplayRole:
            lines = cell_lines(shifts, index.row() in self._multi_group_rows)
            return "\n".join(f"{line.mark} {line.text}" if line.mark else line.text for line in lines)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n\n".join(shift_tooltip(s) for s in shifts) if shifts else None
        if role == Qt.ItemDataRole.BackgroundRole:
            if any(s.short_by for s in shifts):
                return QBrush(QColor(SHORT_BACKGROUND))
            if self.day(index.column()) == self._today:
                return QBrush(QColor(TODAY_BACKGROUND))
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop).value)
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Days across the top (``Mon 3 Mar``), beats down the side (beat and station)."""
        if orientation == Qt.Orientation.Horizontal:
            day = self.day(section)
            if day is None:
                return None
            if role == Qt.ItemDataRole.DisplayRole:
                return f"{day:%a} {day.day} {day:%b}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{day:%A} {day.day} {day:%B %Y}" + (" (today)" if day == self._today else "")
            if role == Qt.ItemDataRole.FontRole and day == self._today:
                font = QFont()
                font.setBold(True)
                return font
            return None
        beat = self.beat_row(section)
        if beat is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            one_station = self._roster is not None and self._roster.station_id is not None
            return beat.beat_name if one_station else f"{beat.beat_name}\n{beat.station_name}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{beat.beat_name}, {beat.station_name} police station"
        if role == Qt.ItemDataRole.TextAlignmentRole:
            left = (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value
            return int(left) | int(Qt.TextFlag.TextWordWrap.value)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Cells are selectable and take dropped volunteers; never edited in place."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDropEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    # -- drops ------------------------------------------------------------------------------------------
    def mimeTypes(self) -> list[str]:  # noqa: N802
        """Only volunteers can be dropped on the roster."""
        return [VOLUNTEER_MIME]

    def supportedDropActions(self) -> Qt.DropAction:  # noqa: N802
        """A dropped volunteer is copied (they stay in the side list)."""
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction

    def _drop_cell(self, row: int, column: int, parent: ModelIndex) -> tuple[int, int] | None:
        if parent.isValid():
            row, column = parent.row(), parent.column()
        if self.beat_row(row) is None or self.day(column) is None:
            return None
        return row, column

    def canDropMimeData(  # noqa: N802
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: ModelIndex
    ) -> bool:
        """True for a volunteer dragged over a cell."""
        return dragged_volunteer(data) is not None and self._drop_cell(row, column, parent) is not None

    def dropMimeData(  # noqa: N802
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: ModelIndex
    ) -> bool:
        """A volunteer dropped on a cell: report it (the roster panel asks the service to assign them)."""
        if action == Qt.DropAction.IgnoreAction:
            return True
        volunteer = dragged_volunteer(data)
        cell = self._drop_cell(row, column, parent)
        if volunteer is None or cell is None:
            return False
        self.volunteer_dropped.emit(cell[0], cell[1], volunteer)
        return True


# ---------------------------------------------------------------------------------------------------- the view


class RosterCellDelegate(QStyledItemDelegate):
    """Draws a cell's lines: the shift time in bold, volunteers with their turn-out mark, shortfalls in red."""

    PADDING = 4

    def _font(self, base: QFont, line: CellLine) -> QFont:
        font = QFont(base)
        if base.pointSize() > 9:
            font.setPointSize(base.pointSize() - 1)
        font.setBold(line.kind in ("time", "short"))
        return font

    def _line_height(self, base: QFont, line: CellLine) -> int:
        return QFontMetrics(self._font(base, line)).height() + 1

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        """Background and selection as usual, then the lines."""
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, widget)
        lines: list[CellLine] = index.data(LINES_ROLE) or []
        normal = option.palette.text().color()  # the grid's selection colour is light: text stays dark
        rect: QRect = option.rect.adjusted(self.PADDING, 4, -self.PADDING, -4)
        painter.save()
        painter.setClipRect(option.rect)
        y = rect.top()
        for line in lines:
            font = self._font(plain.font, line)
            metrics = QFontMetrics(font)
            height = metrics.height() + 1
            if y + height > rect.bottom() + 4:
                break
            x = rect.left()
            if line.mark:
                mark_colour = {True: OK_COLOUR, False: ERROR_COLOUR, None: None}[line.turned_out]
                painter.setFont(font)
                painter.setPen(QColor(mark_colour) if mark_colour else normal)
                mark_width = metrics.horizontalAdvance("✓") + 5
                painter.drawText(QRect(x, y, mark_width, height), int(Qt.AlignmentFlag.AlignVCenter), line.mark)
                x += mark_width
            colour = normal
            if line.kind == "short":
                colour = QColor(ERROR_COLOUR)
            elif line.kind == "note":
                colour = QColor(MUTED_COLOUR)
            painter.setFont(font)
            painter.setPen(colour)
            width = rect.right() - x
            text = metrics.elidedText(line.text, Qt.TextElideMode.ElideRight, width)
            painter.drawText(QRect(x, y, width, height), int(Qt.AlignmentFlag.AlignVCenter), text)
            y += height
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        """Tall enough for every line of the cell."""
        lines: list[CellLine] = index.data(LINES_ROLE) or []
        font: QFont = option.font
        height = sum(self._line_height(font, line) for line in lines) + 8
        minimum = QFontMetrics(font).height() * 3 + 8
        return QSize(120, max(height, minimum))


class RosterGridView(QTableView):
    """The roster grid: drop volunteers on a day; Enter or double-click opens the day's picker."""

    open_requested = Signal(QModelIndex)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(RosterCellDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        self.setDragDropOverwriteMode(True)
        self.setDropIndicatorShown(True)
        self.setDefaultDropAction(Qt.DropAction.CopyAction)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setMinimumSectionSize(90)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.verticalHeader().setHighlightSections(False)
        self.verticalHeader().setFixedWidth(BEAT_HEADER_WIDTH)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Highlight, QColor(SELECTED_BACKGROUND))
        palette.setColor(QPalette.ColorRole.HighlightedText, palette.color(QPalette.ColorRole.Text))
        self.setPalette(palette)
        self.doubleClicked.connect(self.open_requested)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Enter or Return opens the current day."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class VolunteerDragList(QListWidget):
    """A group's verified volunteers; a name dragged onto the roster puts that volunteer on duty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)

    def set_volunteers(self, volunteers: Sequence[VolunteerView], duties: Callable[[uuid.UUID], int]) -> None:
        """Show these volunteers with their duties in the week shown."""
        self.clear()
        for volunteer in volunteers:
            count = duties(volunteer.id)
            item = QListWidgetItem(f"\u200e{volunteer.name}  ({count})")  # the mark keeps "(n)" on the right
            item.setData(Qt.ItemDataRole.UserRole, volunteer)
            week = f"{count} dut{'ies' if count != 1 else 'y'} this week"
            item.setToolTip(f"{volunteer.name}, {volunteer.mobile}: {week}" if volunteer.mobile else week)
            self.addItem(item)

    def volunteers(self) -> list[VolunteerView]:
        """The volunteers listed."""
        return [self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count())]

    def mimeTypes(self) -> list[str]:  # noqa: N802
        """Drags carry a volunteer."""
        return [VOLUNTEER_MIME]

    def mimeData(self, items: Sequence[QListWidgetItem]) -> QMimeData:  # noqa: N802
        """The payload of the dragged volunteer."""
        volunteer = items[0].data(Qt.ItemDataRole.UserRole) if items else None
        return volunteer_mime(volunteer) if isinstance(volunteer, VolunteerView) else QMimeData()

    def startDrag(self, supported_actions: Qt.DropAction) -> None:  # noqa: N802
        """Start a drag of the current volunteer with a small name badge under the cursor."""
        item = self.currentItem()
        volunteer = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(volunteer, VolunteerView):
            return
        drag = QDrag(self)
        drag.setMimeData(volunteer_mime(volunteer))
        metrics = self.fontMetrics()
        badge = QPixmap(metrics.horizontalAdvance(volunteer.name) + 16, metrics.height() + 8)
        badge.fill(self.palette().highlight().color())
        painter = QPainter(badge)
        painter.setPen(self.palette().highlightedText().color())
        painter.drawText(badge.rect(), int(Qt.AlignmentFlag.AlignCenter), volunteer.name)
        painter.end()
        drag.setPixmap(badge)
        drag.setHotSpot(QPoint(8, badge.height() // 2))
        drag.exec(Qt.DropAction.CopyAction)


# ---------------------------------------------------------------------------------------------------- the panel


@dataclass(frozen=True)
class WeekData:
    """What one load of the roster tab brings: the roster and the station's active groups."""

    roster: RosterView
    groups: tuple[GroupView, ...]


def fill_report(results: Sequence[RotationResult]) -> tuple[str, bool]:
    """A sentence about what "Fill this week" did, and whether every shift is now covered."""
    created = sum(r.shifts_created for r in results)
    made = sum(r.assignments_made for r in results)
    groups = len(results)
    text = (
        f"Filled the week for {groups} group{'s' if groups != 1 else ''}: "
        f"{created} shift{'s' if created != 1 else ''} added, "
        f"{made} duty assignment{'s' if made != 1 else ''} made."
    )
    unfilled = [u for r in results for u in r.unfilled]
    skipped = sum(len(r.skipped_days) for r in results)
    if skipped:
        text += f" {skipped} day{'s' if skipped != 1 else ''} kept an earlier shift at another time."
    if not unfilled:
        return text + " Every shift has enough volunteers.", True
    listed = "; ".join(
        f"{u.group_name}, {describe_shift(u.shift_date, u.starts, u.ends)}, short by {u.short_by}" for u in unfilled[:4]
    )
    more = f"; and {len(unfilled) - 4} more" if len(unfilled) > 4 else ""
    count = len(unfilled)
    return (
        text + f" {count} shift{'s are' if count != 1 else ' is'} still short of verified volunteers: {listed}{more}.",
        False,
    )


class RosterPanel(QWidget):
    """The "Duty roster" tab: week picker, station filter, the grid, and the group's volunteers to drag."""

    #: A freshly loaded week is shown (tests wait for this).
    loaded = Signal()
    #: A short message for the status bar.
    status_message = Signal(str)

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = WatchService(context)
        self.can_manage = context.can("watch.manage")
        self.can_fill = context.can("watch.roster")
        self.groups: tuple[GroupView, ...] = ()
        self._generation = 0
        self._volunteer_generation = 0
        self._loaded_once = False
        self._week = week_start_of(context.today())

        # The arrows flank the week like a calendar's; their names are in the tooltips (and for screen readers).
        self.previous_button = QPushButton()
        self.previous_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowBack))
        self.next_button = QPushButton()
        self.next_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowForward))
        for button, name in ((self.previous_button, "Previous week"), (self.next_button, "Next week")):
            button.setToolTip(name)
            button.setAccessibleName(name)
        self.this_week_button = QPushButton("This week")
        self.week_edit = QDateEdit()
        self.week_edit.setCalendarPopup(True)
        self.week_edit.setDisplayFormat("'Week of' ddd d MMM yyyy")
        self.week_edit.setToolTip("The roster runs Monday to Sunday; any day chosen shows its week.")
        self.week_edit.setMinimumWidth(190)
        self.week_edit.setDate(QDate(self._week.year, self._week.month, self._week.day))
        self.station_filter = QComboBox()
        self.station_filter.addItem("All stations", None)
        self.station_filter.setMinimumWidth(140)
        self.fill_button = QPushButton("Fill this week…")
        self.fill_button.setVisible(self.can_fill)
        self.previous_button.clicked.connect(self.previous_week)
        self.next_button.clicked.connect(self.next_week)
        self.this_week_button.clicked.connect(lambda: self.show_week(self.context.today()))
        self.week_edit.dateChanged.connect(self._week_chosen)
        self.station_filter.currentIndexChanged.connect(lambda _index: self.load())
        self.fill_button.clicked.connect(self.fill_week)
        self.print_button = QPushButton("Print roster…")
        self.print_button.setToolTip("The duty roster of the week shown, for the station chosen")
        self.print_button.setVisible(context.can("print.documents"))
        self.print_button.clicked.connect(lambda _checked=False: self.print_roster())

        toolbar = QHBoxLayout()
        toolbar.setSpacing(8)
        week = QHBoxLayout()
        week.setSpacing(2)
        week.addWidget(self.previous_button)
        week.addWidget(self.week_edit)
        week.addWidget(self.next_button)
        toolbar.addLayout(week)
        toolbar.addWidget(self.this_week_button)
        toolbar.addSpacing(12)
        station_caption = QLabel("Station")
        station_caption.setBuddy(self.station_filter)
        toolbar.addWidget(station_caption)
        toolbar.addWidget(self.station_filter)
        toolbar.addStretch(1)
        toolbar.addWidget(self.print_button)
        toolbar.addWidget(self.fill_button)

        self.report_label = QLabel("")
        self.report_label.setWordWrap(True)
        self.report_label.hide()

        self.model = RosterModel(self)
        self.model.volunteer_dropped.connect(self.assign_dropped)
        self.grid = RosterGridView()
        self.grid.setModel(self.model)
        self.grid.open_requested.connect(self.open_cell)
        self.grid.selectionModel().currentChanged.connect(self._cell_changed)
        self.empty_label = QLabel("")
        self.empty_label.setWordWrap(True)
        set_role(self.empty_label, "muted")
        self.empty_label.hide()

        self.group_filter = QComboBox()
        self.group_filter.currentIndexChanged.connect(lambda _index: self.load_volunteers())
        self.volunteer_list = VolunteerDragList()
        self.side_hint = QLabel(
            "Drag a name onto a day to put the volunteer on duty; (n) is their duties this week.<br><br>"
            f"<span style='color:{OK_COLOUR}'>✓</span> turned out<br>"
            f"<span style='color:{ERROR_COLOUR}'>✗</span> did not turn out<br>"
            "• not ticked yet<br>"
            f"<span style='color:{ERROR_COLOUR}'><b>Short by</b></span>: needs volunteers"
        )
        self.side_hint.setWordWrap(True)
        set_role(self.side_hint, "muted")
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(8, 0, 0, 0)
        caption = QLabel("Verified volunteers of")
        bold = caption.font()
        bold.setBold(True)
        caption.setFont(bold)
        side_layout.addWidget(caption)
        side_layout.addWidget(self.group_filter)
        side_layout.addWidget(self.volunteer_list, 1)
        side_layout.addWidget(self.side_hint)
        side.setMinimumWidth(180)
        side.setVisible(self.can_manage)

        grid_box = QWidget()
        grid_layout = QVBoxLayout(grid_box)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        grid_layout.addWidget(self.grid, 1)
        grid_layout.addWidget(self.empty_label)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(grid_box)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setSizes([850, 190])
        self.splitter.setChildrenCollapsible(False)

        self.open_button = QPushButton("Put on duty…")
        self.turnout_button = QPushButton("Record turn-out…")
        self.add_shift_button = QPushButton("Add a shift…")
        self.open_button.clicked.connect(lambda: self.open_cell(self.grid.currentIndex()))
        self.turnout_button.clicked.connect(lambda _checked=False: self.record_turnout())
        self.add_shift_button.clicked.connect(lambda _checked=False: self.add_shift())
        for button in (self.open_button, self.turnout_button, self.add_shift_button):
            button.setVisible(self.can_manage)
        self.summary_label = QLabel("")
        set_role(self.summary_label, "muted")
        bottom = QHBoxLayout()
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.turnout_button)
        bottom.addWidget(self.add_shift_button)
        bottom.addSpacing(12)
        bottom.addWidget(self.summary_label)
        bottom.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 12, 4, 4)
        layout.setSpacing(8)
        layout.addLayout(toolbar)
        layout.addWidget(self.report_label)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)
        self._update_buttons()

    # -- choosing the week and the station ---------------------------------------------------------------
    @property
    def week_start(self) -> date:
        """The Monday of the week shown."""
        return self._week

    def print_roster(self) -> PrintPreviewDialog:
        """Open the print preview of the week's roster (the station chosen, or all stations)."""
        return preview_roster(self, self.context, self.week_start, self.station_id())

    def set_stations(self, stations: Sequence[StationView]) -> None:
        """Fill the station filter (keeping the choice)."""
        current = self.station_filter.currentData()
        self.station_filter.blockSignals(True)
        self.station_filter.clear()
        self.station_filter.addItem("All stations", None)
        for station in stations:
            self.station_filter.addItem(station.name, station.id)
        self.station_filter.setCurrentIndex(max(0, index_of(self.station_filter, current)))
        self.station_filter.blockSignals(False)

    def station_id(self) -> uuid.UUID | None:
        """The station chosen (None for all)."""
        value = self.station_filter.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def show_week(self, day: date) -> None:
        """Show the week holding ``day``."""
        monday = week_start_of(day)
        self.week_edit.blockSignals(True)
        self.week_edit.setDate(QDate(monday.year, monday.month, monday.day))
        self.week_edit.blockSignals(False)
        if monday != self._week or not self._loaded_once:
            self._week = monday
            self.load()

    def previous_week(self) -> None:
        """Show the week before."""
        self.show_week(self._week - timedelta(days=7))

    def next_week(self) -> None:
        """Show the week after."""
        self.show_week(self._week + timedelta(days=7))

    def _week_chosen(self, chosen: QDate) -> None:
        self.show_week(date(chosen.year(), chosen.month(), chosen.day()))

    # -- loading ----------------------------------------------------------------------------------------
    def shown(self) -> None:
        """Load the week the first time the tab is shown."""
        if not self._loaded_once:
            self.load()

    def load(self) -> None:
        """Load the week's roster and the station's active groups off the GUI thread."""
        self._generation += 1
        generation = self._generation
        service, week, station = self.service, self._week, self.station_id()
        self.summary_label.setText("Loading…")

        def fetch() -> WeekData:
            filters: dict[str, object] = {"active": True}
            if station is not None:
                filters["station_id"] = station
            groups = service.page(PageRequest(limit=MAX_GROUPS_LISTED, filters=filters)).rows
            return WeekData(service.roster(week, station), tuple(groups))

        def show(data: WeekData) -> None:
            if generation == self._generation:
                self._show(data)

        def failed(error: CopdeskError) -> None:
            if generation == self._generation:
                self.summary_label.setText("")
                show_error(self, error.message)

        Task(fetch, parent=self).on_success(show).on_failure(failed).run()

    def _show(self, data: WeekData) -> None:
        self._loaded_once = True
        current = self.grid.currentIndex()
        keep = (current.row(), current.column()) if current.isValid() else None
        self.model.set_roster(data.roster, self.context.today())
        self.groups = data.groups
        self._fill_group_filter()
        if keep is not None and self.model.beat_row(keep[0]) is not None:
            self.grid.setCurrentIndex(self.model.index(*keep))
        shifts = self.model.all_shifts()
        short = sum(1 for s in shifts if s.short_by)
        self.summary_label.setText(
            f"{len(shifts)} shift{'s' if len(shifts) != 1 else ''}"
            + (f", {short} short of volunteers" if short else "")
            + " this week"
        )
        if not data.roster.rows:
            self.empty_label.setText(
                "No beat has an active watch group yet. Form a group on the Groups tab, then plan its shifts here."
            )
        self.empty_label.setVisible(not data.roster.rows)
        self._update_buttons()
        self.load_volunteers()
        self.loaded.emit()

    def _fill_group_filter(self) -> None:
        current = self.group_filter.currentData()
        self.group_filter.blockSignals(True)
        self.group_filter.clear()
        for group in self.groups:
            self.group_filter.addItem(group.name, group.id)
            self.group_filter.setItemData(
                self.group_filter.count() - 1,
                f"{group.name}: {group.beat_name}, {group.station_name}",
                Qt.ItemDataRole.ToolTipRole,
            )
        if self.groups:
            self.group_filter.setCurrentIndex(max(0, index_of(self.group_filter, current)))
        self.group_filter.blockSignals(False)

    def selected_group(self) -> GroupView | None:
        """The group whose volunteers the side list shows."""
        group_id = self.group_filter.currentData()
        return next((g for g in self.groups if g.id == group_id), None)

    def choose_group(self, group_id: uuid.UUID) -> None:
        """Show this group's volunteers in the side list."""
        index = index_of(self.group_filter, group_id)
        if index >= 0:
            self.group_filter.setCurrentIndex(index)

    def load_volunteers(self) -> None:
        """Load the side list: the chosen group's verified volunteers who have not left."""
        self._volunteer_generation += 1
        generation = self._volunteer_generation
        group = self.selected_group()
        if group is None:
            self.volunteer_list.clear()
            return
        service, group_id = self.service, group.id

        def show(volunteers: tuple[VolunteerView, ...]) -> None:
            if generation == self._volunteer_generation:
                self.volunteer_list.set_volunteers([v for v in volunteers if v.may_go_on_duty], self.model.duties_of)

        Task(lambda: service.volunteers(group_id), parent=self).on_success(show).run()

    def refresh(self) -> None:
        """Load the week again (F5)."""
        self.load()

    # -- the selected cell -------------------------------------------------------------------------------
    def _cell_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        beat = self.model.beat_row(current.row()) if current.isValid() else None
        selected = self.selected_group()
        if beat is not None and (selected is None or selected.beat_id != beat.beat_id):
            shifts = self.model.shifts_at(current.row(), current.column())
            wanted = shifts[0].group_id if shifts else None
            group = next((g for g in self.groups if g.id == wanted), None) or next(
                (g for g in self.groups if g.beat_id == beat.beat_id), None
            )
            if group is not None:
                self.choose_group(group.id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        index = self.grid.currentIndex()
        shifts = self.model.shifts_at(index.row(), index.column()) if index.isValid() else ()
        now = local_now(self.context)
        self.open_button.setEnabled(bool(shifts))
        self.turnout_button.setEnabled(any(shift_started(s, now) and s.volunteers for s in shifts))
        self.add_shift_button.setEnabled(bool(self.groups))
        self.fill_button.setEnabled(bool(self.groups))

    def select_cell(self, beat_id: uuid.UUID, day: date) -> bool:
        """Select the cell of a beat and a day of the week shown; False when it is not in the grid."""
        index = self.model.index_of(beat_id, day)
        if not index.isValid():
            return False
        self.grid.setCurrentIndex(index)
        self.grid.scrollTo(index)
        return True

    # -- putting volunteers on duty ----------------------------------------------------------------------
    def _cell_title(self, row: int, column: int) -> str:
        beat, day = self.model.beat_row(row), self.model.day(column)
        if beat is None or day is None:
            return ""
        return f"{beat.beat_name} ({beat.station_name}), {day:%A} {day.day} {day:%B %Y}"

    def open_cell(self, index: QModelIndex) -> QDialog | None:
        """Open the day's picker; on a day without shifts, offer to add one."""
        if not index.isValid() or not self.can_manage:
            return None
        shifts = self.model.shifts_at(index.row(), index.column())
        if not shifts:
            return self.add_shift(index)
        dialog = AssignDialog(
            self.service,
            self._cell_title(index.row(), index.column()),
            shifts,
            local_now(self.context),
            self,
        )
        dialog.changed.connect(self.load)
        dialog.turnout_requested.connect(self.record_turnout)
        return self._open(dialog)

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def assign_dropped(self, row: int, column: int, dragged: DraggedVolunteer) -> None:
        """A volunteer was dropped on a day: put them on their group's shift there (the service checks the rest)."""
        beat, day = self.model.beat_row(row), self.model.day(column)
        if beat is None or day is None or not self.can_manage:
            return
        shifts = [s for s in self.model.shifts_at(row, column) if s.group_id == dragged.group_id]
        if not shifts:
            group = next((g.name for g in self.groups if g.id == dragged.group_id), "their group")
            show_error(
                self,
                f"{dragged.name} cannot go on duty there: {group} has no shift in {beat.beat_name} "
                f"on {day:%A} {day.day} {day:%B %Y}. Add a shift first, or fill the week.",
            )
            return
        shift = next(
            (s for s in shifts if s.short_by and all(v.volunteer_id != dragged.volunteer_id for v in s.volunteers)),
            shifts[0],
        )
        service = self.service

        def done(view: ShiftView) -> None:
            self.status_message.emit(
                f"{dragged.name} is on duty {describe_shift(view.shift_date, view.starts, view.ends)}."
            )
            self.load()

        Task(lambda: service.assign(shift.id, dragged.volunteer_id), parent=self).on_success(done).run()

    # -- turn-out, shifts, filling the week --------------------------------------------------------------
    def record_turnout(self, shift: ShiftView | None = None) -> QDialog | None:
        """Tick who turned out for a shift that has started (the selected day's, when none is given)."""
        if not self.can_manage:
            return None
        now = local_now(self.context)
        if shift is None:
            index = self.grid.currentIndex()
            started = [
                s for s in self.model.shifts_at(index.row(), index.column()) if shift_started(s, now) and s.volunteers
            ]
            if not started:
                return None
            shift = started[0]
        if not shift_started(shift, now):
            return None
        dialog = TurnoutDialog(self.service, shift, self)
        dialog.done_with.connect(lambda _view: self.load())
        return self._open(dialog)

    def add_shift(self, index: QModelIndex | None = None) -> QDialog | None:
        """Plan one shift of a group (preset to the selected beat and day)."""
        if not self.can_manage or not self.groups:
            return None
        index = index if index is not None else self.grid.currentIndex()
        beat = self.model.beat_row(index.row()) if index.isValid() else None
        day = self.model.day(index.column()) if index.isValid() else None
        groups = list(self.groups)
        if beat is not None:
            groups.sort(key=lambda g: (g.beat_id != beat.beat_id, g.name))
        dialog = ShiftDialog(self.service, groups, day or max(self._week, self.context.today()), self)
        dialog.done_with.connect(lambda _view: self.load())
        return self._open(dialog)

    def fill_week(self) -> QDialog | None:
        """Ask which groups to fill, then run the rotation for the week shown."""
        if not self.can_fill or not self.groups:
            return None
        dialog = FillWeekDialog(self.service, self.groups, self._week, self)
        dialog.done_with.connect(self._filled)
        return self._open(dialog)

    def _filled(self, results: object) -> None:
        assert isinstance(results, tuple)
        text, complete = fill_report(results)
        self.report_label.setText(text)
        set_role(self.report_label, "field-ok" if complete else "field-warning")
        self.report_label.show()
        self.status_message.emit(text.split(":")[0] + ".")
        self.load()
