"""Dashboard on a demo district: tiles equal the service's figures, charts paint, lists and "Show all" links."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from copdesk.domain.months import Month
from copdesk.errors import StorageError
from copdesk.models.accounts import Role
from copdesk.services.auth import login_district
from copdesk.services.complaints import ComplaintService
from copdesk.services.context import ServiceContext
from copdesk.services.demo import DEMO_PASSWORD, build_demo
from copdesk.services.figures import SPEC_BY_NAME, FiguresService
from copdesk.services.meetings import MeetingService
from copdesk.services.paging import PageRequest
from copdesk.services.watch import ShiftDraft, WatchService
from copdesk.ui.charts import SERIES_COLOURS, BarChart, DonutChart, LineChart, Series, nice_ticks
from copdesk.ui.complaints_screen import ComplaintsScreen
from copdesk.ui.dashboard_screen import (
    LIST_ROWS,
    TILE_FIGURES,
    TREND_MONTHS,
    DashboardScreen,
    change_note,
    figure_text,
)
from copdesk.ui.main_window import MainWindow, build_screens
from copdesk.ui.watch_screen import WatchScreen

from .conftest import GUI_MARKS

pytestmark = GUI_MARKS


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo district (two closed months of records), shared by this module's tests (they only read)."""
    world = build_demo(tmp_path_factory.mktemp("dashboard-demo"), districts=1, months=2)
    return world.district_databases[0]


@pytest.fixture
def demo_login(demo_db: Path) -> Iterator[Callable[[str], ServiceContext]]:
    opened: list[ServiceContext] = []

    def login(username: str) -> ServiceContext:
        context = login_district(demo_db, username, DEMO_PASSWORD)
        opened.append(context)
        return context

    yield login
    for context in opened:
        context.database.dispose()


def expected_text(name: str, value: Any) -> str:
    """How a tile writes a figure, worked out here independently of the screen's code."""
    if value is None:
        return "–"
    if SPEC_BY_NAME[name].unit == "percent":
        return f"{value:.1f}%"
    return f"{value:,}"


def open_dashboard(qtbot: QtBot, context: ServiceContext) -> DashboardScreen:
    screen = DashboardScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1080, 720)
    screen.show()
    with qtbot.waitSignal(screen.loaded, timeout=20_000):
        screen.shown()
    return screen


def choose(qtbot: QtBot, screen: DashboardScreen, month: str) -> None:
    with qtbot.waitSignal(screen.loaded, timeout=20_000) as signal:
        screen.select_month(month)
    assert signal.args == [month]


def painted(widget: QWidget) -> QImage:
    return widget.grab().toImage()


def pixels_of(image: QImage, colour: str, tolerance: int = 6) -> int:
    """How many pixels (sampling every other one) are within ``tolerance`` of ``colour``."""
    target = QColor(colour)
    found = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            pixel = image.pixelColor(x, y)
            if (
                abs(pixel.red() - target.red()) <= tolerance
                and abs(pixel.green() - target.green()) <= tolerance
                and abs(pixel.blue() - target.blue()) <= tolerance
            ):
                found += 1
    return found


def test_the_tiles_show_the_services_figures_for_this_month_and_a_closed_one(
    qtbot: QtBot, demo_login: Callable[[str], ServiceContext], keep_alive: list[object], qtmodeltester: ModelTester
) -> None:
    dpo = demo_login("dpo")
    figures = FiguresService(dpo)
    this_month = Month.of(dpo.today())
    screen = open_dashboard(qtbot, dpo)
    keep_alive.append(screen)
    assert screen.chosen_month() == this_month  # this month first
    now = figures.for_month(str(this_month))
    assert screen.tile_texts() == {name: expected_text(name, now.values[name]) for name in TILE_FIGURES}
    assert "so far" in screen.status_line.text()
    assert screen.tiles["meetings_held"].note.text() == "so far this month"

    last = this_month.previous()
    choose(qtbot, screen, str(last))
    closed = figures.for_month(str(last))
    assert closed.stored  # the demo closes its months: the figures shown are the stored ones
    assert screen.tile_texts() == {name: expected_text(name, closed.values[name]) for name in TILE_FIGURES}
    assert "closed" in screen.status_line.text()
    planned = closed.values["watch_shifts_planned"]
    assert screen.tiles["watch_shifts_filled"].note.text() == f"of {planned:,} planned"
    before = figures.for_month(str(last.previous())).values["complaints_received"]
    difference = closed.values["complaints_received"] - before
    note = screen.tiles["complaints_received"].note.text()
    assert note.endswith(last.previous().label.split(" ")[0])
    assert (f"▲ {difference:,}" in note) if difference > 0 else (f"▼ {-difference:,}" in note or "Same" in note)

    # the charts cover the six months ending with the chosen one, with the service's figures
    months = [last]
    while len(months) < TREND_MONTHS:
        months.append(months[-1].previous())
    months.reverse()
    received = tuple(float(figures.for_month(str(m)).values["complaints_received"]) for m in months)
    assert screen.complaints_chart.categories() == tuple(f"{m.first_day:%b}" for m in months)
    assert screen.complaints_chart.series()[0].values == received
    held = tuple(float(figures.for_month(str(m)).values["meetings_held"]) for m in months)
    assert screen.meetings_chart.series()[0].values == held

    for panel in (screen.overdue_list, screen.meetings_list, screen.uncovered_list):
        qtmodeltester.check(panel.model, force_py=True)


def test_the_lists_show_what_needs_attention_today(
    qtbot: QtBot, demo_login: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    clerk, dpo = demo_login("clerk"), demo_login("dpo")
    watch = WatchService(dpo)
    group = watch.page(PageRequest(limit=1, filters={"active": True})).rows[0]
    shift = watch.create_shift(ShiftDraft(group.id, clerk.today() + timedelta(days=3), time(18), time(21), 3))
    try:
        screen = open_dashboard(qtbot, clerk)
        wait_tasks()
    finally:
        watch.delete_shift(shift.id)  # the demo district is shared by this module's tests

    overdue = ComplaintService(clerk).overdue()
    assert len(overdue) > LIST_ROWS  # the demo has plenty: the list shows the longest overdue only
    shown = screen.overdue_list.model.rows()
    assert [c.tracking_no for c in shown] == [c.tracking_no for c in overdue[:LIST_ROWS]]
    assert screen.overdue_list.caption.text() == f"Overdue complaints ({len(overdue)})"
    assert screen.overdue_list.show_all_button.text() == f"Show all {len(overdue)}"
    days = screen.overdue_list.model.index(0, 2).data()
    assert days == f"{(clerk.today() - overdue[0].due_on).days:,}"

    due = MeetingService(clerk).meetings_due()
    assert [d.committee_name for d in screen.meetings_list.model.rows()] == [d.committee_name for d in due][:LIST_ROWS]
    if not due:
        assert screen.meetings_list.all_clear.isVisible()

    [uncovered] = screen.uncovered_list.model.rows()
    assert uncovered.shift_id == shift.id and uncovered.short_by == 3
    assert screen.uncovered_list.model.index(0, 2).data() == "3"
    assert not screen.uncovered_list.all_clear.isVisible()


def test_the_charts_paint_bars_a_line_and_a_ring(qtbot: QtBot, demo_login: Callable[[str], ServiceContext]) -> None:
    dpo = demo_login("dpo")
    screen = open_dashboard(qtbot, dpo)
    choose(qtbot, screen, str(Month.of(dpo.today()).previous()))
    bars = painted(screen.complaints_chart)
    assert pixels_of(bars, SERIES_COLOURS[0]) > 150 and pixels_of(bars, SERIES_COLOURS[1]) > 150
    assert pixels_of(painted(screen.meetings_chart), SERIES_COLOURS[0]) > 40
    ring = painted(screen.watch_chart)
    assert pixels_of(ring, SERIES_COLOURS[1]) > 300
    assert screen.watch_chart.share() is not None

    # pointing at a bar names the month and the value
    chart = screen.complaints_chart
    middle = chart.height() * 3 // 4
    texts = {chart.hit_text(x, middle) for x in range(chart.width())} - {""}
    last = Month.of(dpo.today()).previous()
    received = FiguresService(dpo).for_month(str(last)).values["complaints_received"]
    assert f"{last.label} — Received: {received:,}" in texts


def test_an_empty_chart_says_so_instead_of_drawing(qtbot: QtBot) -> None:
    bars = BarChart("Complaints received and resolved")
    line = LineChart("Meetings held")
    ring = DonutChart("Watch shifts")
    for chart in (bars, line, ring):
        qtbot.addWidget(chart)
        chart.resize(360, 220)
        chart.set_empty_text("Nothing recorded in these months.")
    bars.set_data(["Sep", "Oct"], [Series("Received", (0.0, 0.0)), Series("Resolved", (0.0, None))])
    line.set_data(["Sep", "Oct"], [Series("Meetings held", (None, 0.0))])
    ring.set_data(0, 0, "Fully staffed", "Short")
    for chart in (bars, line, ring):
        image = painted(chart)
        assert pixels_of(image, SERIES_COLOURS[0]) == 0 and pixels_of(image, SERIES_COLOURS[1]) == 0
        assert pixels_of(image, "#ffffff", 0) < image.width() * image.height() // 4  # the card and some text
    with pytest.raises(ValueError, match="2 categories"):
        bars.set_data(["Sep", "Oct"], [Series("Received", (1.0,))])


def test_show_all_switches_to_the_screen_with_the_list(
    qtbot: QtBot, demo_login: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    officer = demo_login("officer")
    window = MainWindow(officer)
    qtbot.addWidget(window)
    window.show()
    dashboard = window.show_screen("dashboard")
    assert isinstance(dashboard, DashboardScreen)
    qtbot.waitUntil(lambda: dashboard.data is not None, timeout=20_000)
    wait_tasks()
    assert dashboard.overdue_list.show_all_button.isVisible()

    dashboard.overdue_list.show_all_button.click()
    complaints = window.current_screen()
    assert isinstance(complaints, ComplaintsScreen)
    assert complaints.overdue_filter.isChecked()  # the list opens on the overdue complaints
    wait_tasks()

    window.show_screen("dashboard")
    wait_tasks()
    dashboard.uncovered_list.show_all_button.click()
    watch = window.current_screen()
    assert isinstance(watch, WatchScreen)
    assert watch.tabs.currentWidget() is watch.uncovered
    wait_tasks()

    window.show_screen("dashboard")
    wait_tasks()
    dashboard.meetings_list.show_all_button.click()
    assert window.current_screen().key == "committees"
    wait_tasks()


def test_without_a_main_window_there_is_nowhere_to_show_all(
    qtbot: QtBot, demo_login: Callable[[str], ServiceContext]
) -> None:
    screen = open_dashboard(qtbot, demo_login("clerk"))
    assert not screen.overdue_list.show_all_button.isVisible()
    assert screen.show_all("complaints") is None


def test_loading_shows_a_clean_state_and_failures_a_message_with_try_again(
    qtbot: QtBot,
    demo_login: Callable[[str], ServiceContext],
    monkeypatch: pytest.MonkeyPatch,
    bugs: list[BaseException],
) -> None:
    clerk = demo_login("clerk")
    screen = DashboardScreen(clerk)
    qtbot.addWidget(screen)
    screen.show()

    def unreadable(_service: FiguresService, _month: str) -> None:
        raise StorageError("The database could not be read.")

    monkeypatch.setattr(FiguresService, "for_month", unreadable)
    with qtbot.waitSignal(screen.load_failed, timeout=20_000) as failure:
        screen.shown()
        assert screen.pages.currentWidget() is screen.loading_label  # until the task is back
        assert screen.status_line.text() == f"Loading {Month.of(clerk.today()).label}…"
        assert screen.is_loading()
    assert failure.args == ["The dashboard could not be loaded: The database could not be read."]
    assert screen.pages.currentWidget() is screen.error_page
    assert screen.error_label.text() == failure.args[0]
    assert not screen.is_loading()

    def broken(_service: FiguresService, _month: str) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(FiguresService, "for_month", broken)
    with qtbot.waitSignal(screen.load_failed, timeout=20_000):
        screen.retry_button.click()
    assert "error in copdesk" in screen.error_label.text()
    assert [type(error) for error in bugs] == [RuntimeError]  # went to the crash dialog
    bugs.clear()

    monkeypatch.undo()
    with qtbot.waitSignal(screen.loaded, timeout=20_000):
        screen.retry_button.click()
    assert screen.pages.currentWidget() is screen.content
    assert screen.tile_texts()["complaints_received"] != "–"


def test_a_later_month_wins_over_one_still_loading(qtbot: QtBot, demo_login: Callable[[str], ServiceContext]) -> None:
    dpo = demo_login("dpo")
    screen = open_dashboard(qtbot, dpo)
    this_month = Month.of(dpo.today())
    earlier, latest = this_month.previous().previous(), this_month.previous()
    with qtbot.waitSignal(screen.loaded, timeout=20_000) as signal:
        screen.select_month(str(earlier))
        screen.select_month(str(latest))
    assert signal.args == [str(latest)]
    qtbot.wait(200)
    assert screen.data is not None and screen.data.month == str(latest)
    assert screen.month_picker.currentData() == str(latest)


@pytest.mark.parametrize("role", [Role.CLERK, Role.STATION_OFFICER, Role.DISTRICT_OFFICER])
def test_every_desk_role_has_the_dashboard_first(
    qtbot: QtBot, role: Role, demo_login: Callable[[str], ServiceContext]
) -> None:
    context = demo_login({Role.CLERK: "clerk", Role.STATION_OFFICER: "officer"}.get(role, "dpo"))
    screens = build_screens(context)
    for screen in screens:
        qtbot.addWidget(screen)
    assert isinstance(screens[0], DashboardScreen)
    assert set(screens[0].lists) == {"complaints", "committees", "watch"}


def test_figures_are_written_by_their_unit_and_compared_with_last_month() -> None:
    spec = SPEC_BY_NAME
    assert figure_text(spec["complaints_received"], 1234) == "1,234"
    assert figure_text(spec["attendance_rate"], 77.42) == "77.4%"
    assert figure_text(spec["women_share_of_attendance"], None) == "–"
    assert figure_text(spec["meetings_per_active_committee"], 0.75) == "0.75"
    assert figure_text(spec["median_days_to_resolve"], 1.0) == "1 day"
    assert figure_text(spec["median_days_to_resolve"], 14.5) == "14.5 days"
    assert change_note(spec["complaints_resolved"], 88, 70, "September") == ("▲ 18 on September", "field-ok")
    assert change_note(spec["watch_no_shows"], 37, 34, "September") == ("▲ 3 on September", "field-warning")
    assert change_note(spec["complaints_overdue"], 4, 10, "September") == ("▼ 6 on September", "field-ok")
    assert change_note(spec["attendance_rate"], 77.4, 78.9, "May") == ("▼ 1.5 points on May", "field-warning")
    assert change_note(spec["meetings_held"], 6, 6, "May") == ("Same as May", "muted")
    assert change_note(spec["attendance_rate"], None, 70.0, "May") == ("", "muted")


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (0, [0, 1]),
        (3, [0, 1, 2, 3]),
        (8.96, [0, 2, 4, 6, 8, 10]),
        (98.6, [0, 20, 40, 60, 80, 100]),
        (100, [0, 20, 40, 60, 80, 100]),
        (1234, [0, 500, 1000, 1500]),
    ],
)
def test_axis_ticks_are_round_and_reach_the_top(top: float, ticks: list[float]) -> None:
    assert nice_ticks(top) == ticks


def test_tooltips_are_blank_away_from_the_values(qtbot: QtBot) -> None:
    chart = BarChart("Complaints")
    qtbot.addWidget(chart)
    chart.resize(400, 220)
    chart.set_data(["Sep", "Oct"], [Series("Received", (5.0, 9.0))], full_categories=["September", "October"])
    chart.grab()
    assert chart.hit_text(2, 2) == ""
    texts = {chart.hit_text(x, 180) for x in range(400)} - {""}
    assert texts == {"September — Received: 5", "October — Received: 9"}
