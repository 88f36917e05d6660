"""Dashboard: the month at a glance, and what needs attention today.

The month's figures are shown as tiles (formatted by their unit, compared with the month before once the month is
over), with charts of the last six months drawn by :mod:`copdesk.ui.charts`: complaints received and resolved,
meetings held, and how many of the month's watch shifts were fully staffed. Below them three short lists say what
needs attention today: overdue complaints, committees due a meeting and watch shifts of the coming two weeks
still short of volunteers. Each list has a "Show all" link to its screen.

Everything is read in one task (the six months' figures and the three lists), so the window never waits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from copdesk.domain.months import Month
from copdesk.errors import CopdeskError
from copdesk.services.complaints import ComplaintService, ComplaintView
from copdesk.services.context import ServiceContext
from copdesk.services.figures import SPEC_BY_NAME, FigureSet, FigureSpec, FiguresService
from copdesk.services.meeting_views import DueCommittee
from copdesk.services.meetings import MeetingService
from copdesk.services.paging import PageRequest
from copdesk.services.watch import WatchService
from copdesk.services.watch_views import UncoveredShift
from copdesk.ui.charts import SERIES_COLOURS, BarChart, DonutChart, LineChart, Series
from copdesk.ui.list_screen import RecordTableView
from copdesk.ui.paged_model import RIGHT, Column
from copdesk.ui.rows_model import RowsTableModel
from copdesk.ui.screen import Screen
from copdesk.ui.tasks import Task
from copdesk.ui.theme import set_role

T = TypeVar("T")

#: How many months the charts cover (ending with the chosen month).
TREND_MONTHS = 6
#: How many months the month picker offers (this month and those before it).
PICKER_MONTHS = 12
#: At most this many rows in each "needs attention" list; "Show all" leads to the rest.
LIST_ROWS = 7
#: Uncovered watch shifts are looked for from today over this many days (as on the watch screen).
UNCOVERED_DAYS = 14

#: The tiles, in order (two rows of five): figure names of :data:`copdesk.services.figures.SPECS`.
TILE_FIGURES: tuple[str, ...] = (
    "complaints_received",
    "complaints_resolved",
    "complaints_overdue",
    "meetings_held",
    "attendance_rate",
    "women_share_of_attendance",
    "watch_shifts_filled",
    "watch_no_shows",
    "outreach_events",
    "officers_trained",
)
TILES_PER_ROW = 5
#: Shorter captions where the figure's own label is long for a tile (the tooltip has the full label).
TILE_CAPTIONS = {
    "complaints_overdue": "Complaints overdue",
    "attendance_rate": "Members' attendance",
    "women_share_of_attendance": "Women in attendance",
    "watch_shifts_filled": "Watch shifts staffed",
}

TILE_STYLE = """
QFrame#kpiTile { background: #ffffff; border: 1px solid #c9ced4; border-radius: 4px; }
QFrame#kpiTile QLabel { background: transparent; border: none; }
"""
LINK_STYLE = "QPushButton { color: palette(link); text-decoration: underline; border: none; padding: 0 2px; }"


# -- what the task reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Attention(Generic[T]):
    """The first rows of a "needs attention" list and how many there are in all."""

    rows: tuple[T, ...]
    total: int


@dataclass(frozen=True)
class DashboardData:
    """Everything the dashboard shows for one month, read in one go."""

    month: str
    #: The figures of the last :data:`TREND_MONTHS` months, oldest first; the last is the chosen month's.
    figures: tuple[FigureSet, ...]
    today: date
    overdue: Attention[ComplaintView] | None
    meetings_due: Attention[DueCommittee] | None
    uncovered: Attention[UncoveredShift] | None

    @property
    def current(self) -> FigureSet:
        """The chosen month's figures."""
        return self.figures[-1]

    @property
    def previous(self) -> FigureSet | None:
        """The figures of the month before the chosen one."""
        return self.figures[-2] if len(self.figures) > 1 else None


def trend_months(month: Month, count: int = TREND_MONTHS) -> list[Month]:
    """``count`` months ending with ``month``, oldest first."""
    months = [month]
    while len(months) < count:
        months.append(months[-1].previous())
    return list(reversed(months))


def load_dashboard(context: ServiceContext, month: Month, *, months: int = TREND_MONTHS) -> DashboardData:
    """Read the dashboard's figures and lists (blocking: run it in a task)."""
    figures_service = FiguresService(context)
    figures = tuple(figures_service.for_month(str(m)) for m in trend_months(month, months))
    today = context.today()
    overdue: Attention[ComplaintView] | None = None
    if context.can("complaint.view"):
        complaints = ComplaintService(context)
        request = PageRequest(limit=LIST_ROWS, sort="due_on", filters={"overdue_only": True})
        total = complaints.count(request)
        overdue = Attention(tuple(complaints.page(request).rows) if total else (), total)
    meetings_due: Attention[DueCommittee] | None = None
    if context.can("meeting.view"):
        due = MeetingService(context).meetings_due()
        meetings_due = Attention(tuple(due[:LIST_ROWS]), len(due))
    uncovered: Attention[UncoveredShift] | None = None
    if context.can("watch.view"):
        shifts = WatchService(context).uncovered_shifts(today, today + timedelta(days=UNCOVERED_DAYS - 1))
        uncovered = Attention(tuple(shifts[:LIST_ROWS]), len(shifts))
    return DashboardData(str(month), figures, today, overdue, meetings_due, uncovered)


# -- formatting ----------------------------------------------------------------------------------------------


def figure_text(spec: FigureSpec, value: Any) -> str:
    """A figure as a tile shows it: ``1,234``, ``77.4%``, ``0.75``, ``14 days``, or ``–`` (nothing to measure)."""
    if value is None:
        return "–"
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


def change_note(spec: FigureSpec, value: Any, before: Any, before_label: str) -> tuple[str, str]:
    """How a figure moved since the month before, and the label role to show it in.

    ``("▲ 12 on September", "field-ok")`` when it moved the good way, ``field-warning`` the other way, ``muted``
    when it did not move or cannot be compared.
    """
    if not isinstance(value, int | float) or not isinstance(before, int | float):
        return "", "muted"
    difference = float(value) - float(before)
    if abs(difference) < 0.05:
        return f"Same as {before_label}", "muted"
    arrow = "▲" if difference > 0 else "▼"
    if spec.unit == "percent":
        amount = f"{abs(difference):.1f} point{'s' if abs(difference) != 1 else ''}"
    elif spec.unit in ("ratio", "days"):
        amount = f"{abs(difference):g}"
    else:
        amount = f"{abs(difference):,.0f}"
    good = (difference > 0) == spec.higher_is_better
    return f"{arrow} {amount} on {before_label}", "field-ok" if good else "field-warning"


def short_month(month: str) -> str:
    """``Oct 2026`` for ``2026-10``."""
    parsed = Month.parse(month)
    return parsed.first_day.strftime("%b %Y")


def _days_overdue(today: date) -> Callable[[ComplaintView], int]:
    return lambda complaint: max(0, (today - complaint.due_on).days)


def _shift_when(shift: UncoveredShift) -> str:
    return f"{shift.shift_date:%a %d %b}, {shift.starts:%H:%M}"


MEETINGS_DUE_COLUMNS: tuple[Column[DueCommittee], ...] = (
    Column("Committee", lambda d: d.committee_name),
    Column("Days since last", lambda d: d.days_since, alignment=RIGHT),
)
UNCOVERED_COLUMNS: tuple[Column[UncoveredShift], ...] = (
    Column("Date", _shift_when),
    Column("Beat", lambda s: s.beat_name),
    Column("Short by", lambda s: s.short_by, alignment=RIGHT),
)


def overdue_columns(today: date) -> tuple[Column[ComplaintView], ...]:
    """Tracking number, category and days overdue (as of ``today``)."""
    return (
        Column("Tracking no.", lambda c: c.tracking_no),
        Column("Category", lambda c: c.category_name),
        Column("Days overdue", _days_overdue(today), alignment=RIGHT),
    )


# -- widgets -------------------------------------------------------------------------------------------------


class KpiTile(QFrame):
    """One figure: what it is, its value in large type, and a note (the change since last month)."""

    def __init__(self, spec: FigureSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName("kpiTile")
        self.caption = QLabel(TILE_CAPTIONS.get(spec.name, spec.label))
        set_role(self.caption, "muted")
        self.value = QLabel("–")
        font = QFont(self.value.font())
        font.setPointSize(font.pointSize() + 8)
        font.setBold(True)
        self.value.setFont(font)
        self.note = QLabel("")
        set_role(self.note, "muted")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 7)
        layout.setSpacing(0)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.note)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(spec.label)

    def show_value(self, text: str, note: str = "", role: str = "muted") -> None:
        """Show the formatted value and its note."""
        self.value.setText(text)
        self.note.setText(note)
        set_role(self.note, role)
        self.setToolTip(f"{self.spec.label}: {text}" + (f" ({note})" if note else ""))


class AttentionList(QWidget):
    """A short list with a caption (and how many there are in all) and a "Show all" link to the screen."""

    #: "Show all" was clicked (or a row opened): the screen key to go to.
    show_all_requested = Signal(str)

    def __init__(
        self,
        caption: str,
        columns: Sequence[Column[Any]],
        target: str,
        parent: QWidget | None = None,
        *,
        stretch: int = 0,
    ) -> None:
        super().__init__(parent)
        self.target = target
        self._caption = caption
        self.caption = QLabel(caption)
        font = QFont(self.caption.font())
        font.setBold(True)
        self.caption.setFont(font)
        self.show_all_button = QPushButton("Show all")
        self.show_all_button.setFlat(True)
        self.show_all_button.setAutoDefault(False)
        self.show_all_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.show_all_button.setStyleSheet(LINK_STYLE)
        self.show_all_button.clicked.connect(lambda: self.show_all_requested.emit(self.target))
        self.model = RowsTableModel(columns, self)
        self.table = RecordTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for number in range(len(columns)):
            mode = QHeaderView.ResizeMode.Stretch if number == stretch else QHeaderView.ResizeMode.ResizeToContents
            header.setSectionResizeMode(number, mode)
        self.table.open_requested.connect(lambda _index: self.show_all_requested.emit(self.target))
        self.all_clear = QLabel("")
        self.all_clear.setWordWrap(True)
        self.all_clear.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        set_role(self.all_clear, "field-ok")
        self.all_clear.hide()
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.caption)
        top.addStretch(1)
        top.addWidget(self.show_all_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(self.all_clear)
        layout.addStretch(1)
        self._fit_rows(0)

    def _fit_rows(self, rows: int) -> None:
        """As high as the rows shown (the list never scrolls: "Show all" leads to the rest)."""
        header_height = self.table.horizontalHeader().sizeHint().height()
        row_height = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(header_height + max(1, rows) * row_height + 2 * self.table.frameWidth())

    def show_rows(self, rows: Sequence[Any], total: int, explanation: str, clear_text: str) -> None:
        """Show the first rows and the total, or the all-clear sentence when there are none."""
        self.model.set_rows(rows)
        self._fit_rows(len(rows))
        self.caption.setText(f"{self._caption} ({total:,})" if total else self._caption)
        self.caption.setToolTip(explanation)
        self.table.setToolTip(explanation)
        self.show_all_button.setText(f"Show all {total:,}" if total > len(rows) else "Show all")
        self.table.setVisible(bool(total))
        self.all_clear.setText(clear_text)
        self.all_clear.setVisible(not total)

    def set_link_available(self, available: bool) -> None:
        """Offer "Show all" only when the screen it leads to is in the window."""
        self.show_all_button.setVisible(available)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


class DashboardScreen(Screen):
    """The month at a glance: figures as tiles, six-month charts, and what needs attention today."""

    key = "dashboard"
    title = "Dashboard"
    icon = QStyle.StandardPixmap.SP_ComputerIcon

    #: The dashboard of a month was shown ("YYYY-MM"; tests wait for this).
    loaded = Signal(str)
    #: Loading failed (the message shown).
    load_failed = Signal(str)

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.data: DashboardData | None = None
        self._generation = 0
        self._loading = False
        self.setStyleSheet(TILE_STYLE)

        heading = QLabel(self.title)
        set_role(heading, "heading")
        self.month_picker = QComboBox()
        self.month_picker.setMinimumWidth(210)
        this_month = Month.of(context.today())
        month = this_month
        for number in range(PICKER_MONTHS):
            self.month_picker.addItem(month.label + (" (this month)" if number == 0 else ""), str(month))
            month = month.previous()
        self.month_picker.setCurrentIndex(0)
        self.month_picker.currentIndexChanged.connect(lambda _index: self.load())
        month_caption = QLabel("Month")
        month_caption.setBuddy(self.month_picker)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(month_caption)
        top.addWidget(self.month_picker)
        self.status_line = QLabel("")
        self.status_line.setWordWrap(True)
        set_role(self.status_line, "muted")

        # tiles
        self.tiles: dict[str, KpiTile] = {}
        tiles = QGridLayout()
        tiles.setHorizontalSpacing(10)
        tiles.setVerticalSpacing(10)
        for number, name in enumerate(TILE_FIGURES):
            tile = KpiTile(SPEC_BY_NAME[name])
            self.tiles[name] = tile
            tiles.addWidget(tile, number // TILES_PER_ROW, number % TILES_PER_ROW)
        for column in range(TILES_PER_ROW):
            tiles.setColumnStretch(column, 1)

        # charts
        self.complaints_chart = BarChart("Complaints received and resolved")
        self.complaints_chart.set_empty_text("No complaints were received or resolved in these months.")
        self.meetings_chart = LineChart("Meetings held")
        self.meetings_chart.set_empty_text("No committee meeting was held in these months.")
        self.watch_chart = DonutChart("Watch shifts")
        self.watch_chart.set_empty_text("No watch shifts were planned this month.")
        charts = QHBoxLayout()
        charts.setSpacing(10)
        charts.addWidget(self.complaints_chart, 5)
        charts.addWidget(self.meetings_chart, 4)
        charts.addWidget(self.watch_chart, 3)
        for chart in (self.complaints_chart, self.meetings_chart, self.watch_chart):
            chart.setFixedHeight(196)

        # lists
        self.overdue_list = AttentionList(
            "Overdue complaints", overdue_columns(context.today()), "complaints", stretch=1
        )
        self.meetings_list = AttentionList("Committees due a meeting", MEETINGS_DUE_COLUMNS, "committees")
        self.uncovered_list = AttentionList("Watch shifts short of volunteers", UNCOVERED_COLUMNS, "watch", stretch=1)
        self.lists: dict[str, AttentionList] = {}
        lists = QHBoxLayout()
        lists.setSpacing(18)
        for action, panel in (
            ("complaint.view", self.overdue_list),
            ("meeting.view", self.meetings_list),
            ("watch.view", self.uncovered_list),
        ):
            panel.show_all_requested.connect(self.show_all)
            if context.can(action):
                self.lists[panel.target] = panel
                lists.addWidget(panel, 1)
            else:
                panel.hide()
        attention_caption = QLabel("Needs attention today")
        attention_font = QFont(attention_caption.font())
        attention_font.setPointSize(attention_font.pointSize() + 2)
        attention_font.setBold(True)
        attention_caption.setFont(attention_font)

        content = QWidget()
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 4, 0)
        body.setSpacing(10)
        body.addLayout(tiles)
        body.addLayout(charts)
        body.addWidget(attention_caption)
        body.addLayout(lists)
        body.addStretch(1)
        self.content = QScrollArea()
        self.content.setWidgetResizable(True)
        self.content.setFrameShape(QFrame.Shape.NoFrame)
        self.content.setWidget(content)
        self.content.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.loading_label = QLabel("Loading the dashboard…")
        self.loading_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.loading_label, "muted")
        self.error_page = QWidget()
        self.error_label = QLabel("")
        self.error_label.setWordWrap(True)
        self.error_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        set_role(self.error_label, "field-error")
        self.retry_button = QPushButton("Try again")
        self.retry_button.clicked.connect(self.refresh)
        error_layout = QVBoxLayout(self.error_page)
        error_layout.addStretch(1)
        error_layout.addWidget(self.error_label)
        error_layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignHCenter)
        error_layout.addStretch(2)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.loading_label)
        self.pages.addWidget(self.content)
        self.pages.addWidget(self.error_page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 10)
        layout.setSpacing(8)
        layout.addLayout(top)
        layout.addWidget(self.status_line)
        layout.addWidget(self.pages, 1)

    # -- loading ------------------------------------------------------------------------------------------
    def chosen_month(self) -> Month:
        """The month picked (this month unless the user chose another)."""
        return Month.parse(str(self.month_picker.currentData()))

    def select_month(self, month: str) -> None:
        """Pick a month ("YYYY-MM"); its dashboard loads."""
        index = self.month_picker.findData(str(Month.parse(month)))
        if index < 0:
            raise ValueError(f"{month} is not offered by the month picker")
        if index == self.month_picker.currentIndex():
            self.load()
        else:
            self.month_picker.setCurrentIndex(index)

    def shown(self) -> None:
        """Offer the "Show all" links the window allows, and load (again: records may have changed)."""
        self._update_links()
        self.load()

    def refresh(self) -> None:
        """Load the dashboard again (F5)."""
        self.load()

    def is_loading(self) -> bool:
        """True while a load is under way."""
        return self._loading

    def load(self) -> None:
        """Read the chosen month's dashboard in a task; a later load makes an earlier one's result stale."""
        self._generation += 1
        generation = self._generation
        month, context = self.chosen_month(), self.context
        self._loading = True
        if self.data is None or self.pages.currentWidget() is self.error_page:
            self.pages.setCurrentWidget(self.loading_label)
        self.status_line.setText(f"Loading {month.label}…")
        outcome: list[bool] = []

        def show(data: DashboardData) -> None:
            outcome.append(True)
            if generation == self._generation:
                self._show(data)

        def failed(error: CopdeskError) -> None:
            outcome.append(False)
            if generation == self._generation:
                self._show_error(f"The dashboard could not be loaded: {error.message}")

        def done() -> None:
            if generation != self._generation:
                return
            self._loading = False
            if not outcome:  # a bug: the crash dialog has the details
                self._show_error("The dashboard could not be loaded because of an error in copdesk.")

        Task(lambda: load_dashboard(context, month), parent=self).on_success(show).on_failure(failed).on_done(
            done
        ).run()

    def _show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.pages.setCurrentWidget(self.error_page)
        self.status_line.setText("")
        self.load_failed.emit(message)

    def _show(self, data: DashboardData) -> None:
        self.data = data
        month = Month.parse(data.month)
        current, previous = data.current, data.previous
        is_this_month = month == Month.of(data.today)
        if current.stored:
            self.status_line.setText(f"{month.label} is closed: these are the figures stored when it was closed.")
        elif is_this_month:
            self.status_line.setText(f"{month.label} so far, counted from the records as of today.")
        else:
            self.status_line.setText(f"{month.label} is not closed yet: figures counted from the records now.")
        before_label = Month.parse(previous.month).label.split(" ")[0] if previous else ""
        for name, tile in self.tiles.items():
            spec, value = tile.spec, current.values.get(name)
            note, role = "", "muted"
            if name == "watch_shifts_filled":
                planned = current.values.get("watch_shifts_planned")
                note = f"of {planned:,} planned" if isinstance(planned, int) else ""
            elif name == "complaints_overdue" and is_this_month:
                note = f"open, due before {month.last_day:%d %b}"
            elif is_this_month:
                note = "so far this month"
            elif previous is not None:
                note, role = change_note(spec, value, previous.values.get(name), before_label)
            tile.show_value(figure_text(spec, value), note, role)
        self._show_charts(data)
        self._show_lists(data)
        self.pages.setCurrentWidget(self.content)
        self.loaded.emit(data.month)

    def _show_charts(self, data: DashboardData) -> None:
        months = [Month.parse(f.month) for f in data.figures]
        labels = [f"{m.first_day:%b}" for m in months]
        full = [m.label for m in months]
        span = f"{short_month(data.figures[0].month)} – {short_month(data.month)}"
        self.complaints_chart.set_subtitle(span)
        self.meetings_chart.set_subtitle(span)

        def values(name: str) -> tuple[float | None, ...]:
            found = (f.values.get(name) for f in data.figures)
            return tuple(float(v) if isinstance(v, int | float) else None for v in found)

        self.complaints_chart.set_data(
            labels,
            [
                Series("Received", values("complaints_received"), SERIES_COLOURS[0]),
                Series("Resolved", values("complaints_resolved"), SERIES_COLOURS[1]),
            ],
            full_categories=full,
        )
        self.meetings_chart.set_data(
            labels, [Series("Meetings held", values("meetings_held"), SERIES_COLOURS[0])], full_categories=full
        )
        planned = data.current.values.get("watch_shifts_planned") or 0
        filled = data.current.values.get("watch_shifts_filled") or 0
        self.watch_chart.set_subtitle(Month.parse(data.month).label)
        self.watch_chart.set_data(int(filled), int(planned), "Fully staffed", "Short")

    def _show_lists(self, data: DashboardData) -> None:
        if data.overdue is not None:
            self.overdue_list.show_rows(
                data.overdue.rows,
                data.overdue.total,
                _plural(data.overdue.total, "open complaint is", "open complaints are")
                + " past the day they were due; the longest overdue come first.",
                "No open complaint is past its due day.",
            )
        if data.meetings_due is not None:
            self.meetings_list.show_rows(
                data.meetings_due.rows,
                data.meetings_due.total,
                _plural(data.meetings_due.total, "committee has", "committees have")
                + " held no meeting for 30 days or more; the longest waiting come first.",
                "Every committee has met in the last 30 days.",
            )
        if data.uncovered is not None:
            self.uncovered_list.show_rows(
                data.uncovered.rows,
                data.uncovered.total,
                _plural(data.uncovered.total, "watch shift", "watch shifts")
                + f" of the next {UNCOVERED_DAYS} days "
                + ("has" if data.uncovered.total == 1 else "have")
                + " fewer volunteers than needed.",
                f"Every watch shift of the next {UNCOVERED_DAYS} days has enough volunteers.",
            )

    # -- "Show all" -----------------------------------------------------------------------------------------
    def _window_keys(self) -> list[str] | None:
        keys = getattr(self.window(), "screen_keys", None)
        return list(keys()) if callable(keys) else None

    def _update_links(self) -> None:
        keys = self._window_keys()
        for target, panel in self.lists.items():
            panel.set_link_available(keys is not None and target in keys)

    def show_all(self, key: str) -> QWidget | None:
        """Switch the main window to the screen with ``key`` (overdue complaints, uncovered shifts shown)."""
        window = self.window()
        show_screen = getattr(window, "show_screen", None)
        keys = self._window_keys()
        if not callable(show_screen) or keys is None or key not in keys:
            return None
        screen = show_screen(key)
        if key == "complaints":
            overdue = getattr(screen, "overdue_filter", None)
            if isinstance(overdue, QCheckBox):
                overdue.setChecked(True)
        elif key == "watch":
            tabs, uncovered = getattr(screen, "tabs", None), getattr(screen, "uncovered", None)
            if isinstance(tabs, QTabWidget) and isinstance(uncovered, QWidget):
                tabs.setCurrentWidget(uncovered)
        return screen if isinstance(screen, QWidget) else None

    def tile_texts(self) -> dict[str, str]:
        """The value shown on each tile, by figure name."""
        return {name: tile.value.text() for name, tile in self.tiles.items()}
