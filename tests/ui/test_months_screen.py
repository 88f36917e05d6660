"""Month closing: a failing check listed with its link, closing once fixed, reopening with a reason, roles."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from PySide6.QtWidgets import QMainWindow, QStackedWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from copdesk.services.committees import CommitteeDraft, CommitteeService
from copdesk.services.context import ServiceContext
from copdesk.services.figures import SPECS
from copdesk.services.meetings import MeetingService
from copdesk.services.months import MonthService
from copdesk.services.organisation import OrganisationService
from copdesk.ui import months_screen
from copdesk.ui.months_screen import LinkedId, MonthsScreen, ReopenDialog
from copdesk.ui.screen import Screen

from .conftest import GUI_MARKS, click_button, message_boxes

pytestmark = GUI_MARKS

#: The desk's clock in these tests: 15 March 2026, so February is the month to close.
NOW = datetime(2026, 3, 15, 7, 0, tzinfo=UTC)
FEBRUARY = "2026-02"


def at_fixed_time(context: ServiceContext) -> ServiceContext:
    context.clock = lambda: NOW
    return context


def plan_meeting(dpo: ServiceContext) -> uuid.UUID:
    """A committee with a meeting planned on 10 February 2026 that was never closed."""
    city = next(s.id for s in OrganisationService(dpo).list_stations() if s.name == "City")
    committee = CommitteeService(dpo).create(
        CommitteeDraft("dispute_resolution", "Anarkali Musalihat Committee", city, date(2025, 6, 1))
    )
    return MeetingService(dpo).schedule(committee.id, date(2026, 2, 10), "City police station").id


def open_screen(qtbot: QtBot, context: ServiceContext, keep_alive: list[object], month: str = FEBRUARY) -> MonthsScreen:
    """Show the screen and load it; kept alive until teardown (its tasks' callbacks hold it)."""
    screen = MonthsScreen(context)
    keep_alive.append(screen)
    qtbot.addWidget(screen)
    screen.resize(1080, 720)
    screen.show()
    with qtbot.waitSignal(screen.details_loaded, timeout=10_000) as signal:
        screen.shown()
    assert signal.args == [FEBRUARY]  # last month is chosen first: it is the one to close next
    if month != FEBRUARY:
        with qtbot.waitSignal(screen.details_loaded, timeout=10_000):
            screen.select_month(month)
    return screen


def reloaded(qtbot: QtBot, screen: MonthsScreen, action: Callable[[], object]) -> None:
    with qtbot.waitSignal(screen.details_loaded, timeout=10_000):
        action()


def test_a_failing_check_blocks_closing_then_the_district_officer_closes_and_reopens(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    keep_alive: list[object],
    qtmodeltester: ModelTester,
) -> None:
    dpo = at_fixed_time(sign_in("dpo"))
    meeting_id = plan_meeting(dpo)
    screen = open_screen(qtbot, dpo, keep_alive)
    qtmodeltester.check(screen.months_model, force_py=True)
    assert [s.month for s in screen.months()][:3] == ["2026-03", "2026-02", "2026-01"]
    assert screen.months_table.selectionModel().isRowSelected(1) and screen.months_table.currentIndex().row() == 1

    # the failing check, with its link, and Close disabled with the reason
    assert screen.month_heading.text() == "February 2026 — open"
    [row] = screen.problem_rows
    assert row.problem.record_type == "meeting" and row.problem.record_id == meeting_id
    assert "The meeting of 10 Feb 2026 is not closed" in row.description.text()
    assert row.open_button.text() == "Open meeting"
    assert screen.checks_summary.text() == "1 check fails. Open each record and finish it:"
    assert screen.close_button.isVisible() and not screen.close_button.isEnabled()
    assert screen.action_note.text() == "Finish the 1 failing check below before closing the month."
    assert not screen.reopen_button.isVisible()
    assert screen.figures_note.text().startswith("Worked out now")

    # the link: announced, and (no screen for meetings here) the check is described in a message
    with qtbot.waitSignal(screen.open_record, timeout=2_000) as link:
        row.open_button.click()
    assert link.args == ["meeting", meeting_id]
    [message] = message_boxes(screen)
    assert "is not closed" in message.text()
    click_button(message, "OK")

    # fixed through the services: the meeting did not take place
    MeetingService(dpo).delete(meeting_id)
    reloaded(qtbot, screen, screen.refresh)
    assert screen.problem_rows == []
    assert screen.close_button.isEnabled()
    assert screen.action_note.text() == "Every check passes: the month can be closed."

    screen.close_button.click()
    [question] = message_boxes(screen)
    assert question.text().startswith("Close February 2026?")
    reloaded(qtbot, screen, lambda: click_button(question, "Close month"))
    assert screen.month_heading.text() == "February 2026 — closed"
    assert screen.state_label.text().startswith("Closed by dpo on ")
    assert MonthService(dpo).status(FEBRUARY).state == "closed"
    listed = screen.month_status(FEBRUARY)
    assert listed is not None and listed.state == "closed"
    assert screen.months_model.data(screen.months_model.index(1, 1)) == "Closed"
    assert not screen.close_button.isVisible() and screen.reopen_button.isVisible()
    # the stored figures, each formatted by its unit
    assert screen.figures_note.text().startswith("Stored when the month was closed")
    figures = {row.spec.name: row.text for row in screen.figures_model.rows()}
    assert len(figures) == len(SPECS)
    assert figures["meetings_held"] == "0"
    assert figures["attendance_rate"] == "–  (nothing to measure)"
    assert figures["outreach_events_by_station"] == "None"
    qtmodeltester.check(screen.figures_model, force_py=True)

    # reopening asks for a reason of at least five characters, shown at the field
    dialog = screen.ask_reopen()
    assert isinstance(dialog, ReopenDialog) and dialog.isVisible()
    dialog.reason.setPlainText("typo")
    dialog.ok_button.click()
    assert dialog.form.message("reason") == "Give the reason for reopening the month (at least 5 characters)."
    assert dialog.isVisible()
    assert MonthService(dpo).status(FEBRUARY).state == "closed"
    dialog.reason.setPlainText("Attendance of the 10 February meeting was wrong")
    assert dialog.form.message("reason") == "At least 5 characters."
    reloaded(qtbot, screen, dialog.ok_button.click)
    assert screen.month_heading.text() == "February 2026 — reopened"
    assert "Attendance of the 10 February meeting was wrong" in screen.state_label.text()
    assert MonthService(dpo).status(FEBRUARY).reopen_reason == "Attendance of the 10 February meeting was wrong"
    assert screen.close_button.isVisible() and screen.close_button.isEnabled()


def test_the_current_month_cannot_be_closed_before_it_is_over(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], keep_alive: list[object]
) -> None:
    screen = open_screen(qtbot, at_fixed_time(sign_in("dpo")), keep_alive, "2026-03")
    assert screen.month_heading.text() == "March 2026 — open"
    assert not screen.close_button.isEnabled()
    assert screen.action_note.text() == "March 2026 is not over yet; it can be closed from 1 April 2026."
    assert screen.figures_model.rowCount() == len(SPECS)


def test_a_clerk_sees_the_checks_but_no_close_or_reopen_buttons(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], keep_alive: list[object]
) -> None:
    plan_meeting(at_fixed_time(sign_in("dpo")))
    screen = open_screen(qtbot, at_fixed_time(sign_in("clerk")), keep_alive)
    assert len(screen.problem_rows) == 1
    assert screen.close_button.isHidden() and screen.reopen_button.isHidden()
    assert screen.action_note.text() == "Only the district officer closes and reopens months."
    assert screen.ask_reopen() is None


class FakeCommitteesScreen(Screen):
    """Stands in for the committees screen: it records the ids it is asked to open."""

    key = "committees"
    title = "Committees"

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[uuid.UUID] = []

    def open_record(self, record_id: uuid.UUID) -> None:
        self.opened.append(record_id)


class FakeWindow(QMainWindow):
    """Just enough of the main window for links: screens, screen_keys() and show_screen(key)."""

    def __init__(self, screens: list[Screen]) -> None:
        super().__init__()
        self.stack = QStackedWidget()
        self.screens = screens
        for screen in screens:
            self.stack.addWidget(screen)
        self.setCentralWidget(self.stack)

    def screen_keys(self) -> list[str]:
        return [screen.key for screen in self.screens]

    def show_screen(self, key: str) -> Screen:
        screen = self.screens[self.screen_keys().index(key)]
        self.stack.setCurrentWidget(screen)
        return screen


def test_a_link_opens_the_record_on_its_screen_when_the_window_has_it(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    monkeypatch: pytest.MonkeyPatch,
    keep_alive: list[object],
) -> None:
    dpo = at_fixed_time(sign_in("dpo"))
    meeting_id = plan_meeting(dpo)
    monkeypatch.setitem(months_screen.LINK_TARGETS, "meeting", (__name__, "FakeCommitteesScreen"))
    screen = MonthsScreen(dpo)
    committees = FakeCommitteesScreen()
    window = FakeWindow([screen, committees])
    keep_alive.append(window)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(screen.details_loaded, timeout=10_000):
        screen.shown()
    screen.problem_rows[0].open_button.click()
    assert window.stack.currentWidget() is committees
    [opened] = committees.opened
    assert isinstance(opened, LinkedId)
    assert opened == meeting_id and opened.id == meeting_id  # an id that also answers .id, like a row
    assert message_boxes(screen) == []
