"""Outreach: the form's checks at the field (young people never more than men and women), saving, the list."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtWidgets import QDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from copdesk.domain.months import Month
from copdesk.services.context import ServiceContext
from copdesk.services.organisation import OrganisationService
from copdesk.services.outreach import OutreachDraft, OutreachService, OutreachView
from copdesk.services.paging import PageRequest
from copdesk.ui.outreach_screen import OutreachDialog, OutreachScreen

from .conftest import GUI_MARKS, click_button, message_boxes

pytestmark = GUI_MARKS


def stations(context: ServiceContext) -> dict[str, uuid.UUID]:
    return {station.name: station.id for station in OrganisationService(context).list_stations()}


def add_events(context: ServiceContext) -> list[OutreachView]:
    service, ids = OutreachService(context), stations(context)
    today = context.today()
    earlier = Month.of(today).previous().first_day
    return [
        service.create(
            OutreachDraft("khuli_kachehri", "Khuli kachehri at Ichhra", ids["City"], today, "Ichhra", 120, 40, 30)
        ),
        service.create(
            OutreachDraft(
                "school_visit",
                "Visit to Government Girls High School",
                ids["Saddar"],
                earlier,
                "GGHS Saddar",
                5,
                60,
                50,
                summary="Talk on reporting harassment.",
                success_story="A student reported harassment on her route and the harasser was caught.",
                success_story_consent=True,
            )
        ),
        service.create(
            OutreachDraft("sports_event", "کرکٹ میچ", ids["City"], earlier + timedelta(days=3), "", 80, 0, 60)
        ),
    ]


def open_screen(qtbot: QtBot, context: ServiceContext, keep_alive: list[object]) -> OutreachScreen:
    """Show the screen and load it; kept alive until teardown (its tasks' callbacks hold it)."""
    screen = OutreachScreen(context)
    keep_alive.append(screen)
    qtbot.addWidget(screen)
    screen.resize(1080, 700)
    screen.show()
    with qtbot.waitSignal(screen.reloaded, timeout=10_000):
        screen.shown()
    qtbot.waitUntil(lambda: screen.station_filter.count() == 3, timeout=5_000)
    return screen


def event_count(context: ServiceContext) -> int:
    return OutreachService(context).count(PageRequest())


def test_too_many_young_people_is_shown_at_the_field_then_the_event_is_saved_and_listed(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None], keep_alive: list[object]
) -> None:
    context = sign_in("clerk")
    screen = open_screen(qtbot, context, keep_alive)
    assert screen.count_label.text() == "No events"
    screen.new_record()
    dialog = screen.dialog
    assert isinstance(dialog, OutreachDialog) and dialog.isVisible()

    dialog.save()  # nothing filled in: each required field says what it needs
    assert dialog.form.message("kind") == "Choose the kind of event."
    assert dialog.form.message("title") == "Enter the title of the event."
    assert dialog.form.message("station_id") == "Choose the police station that held the event."

    dialog.kind.setCurrentIndex(dialog.kind.findData("awareness_drugs"))
    dialog.title.setText("Awareness session on drugs at Government College")
    dialog.station.setCurrentIndex(dialog.station.findText("Saddar"))
    dialog.venue.setText("Government College hall")
    dialog.men.setValue(10)
    dialog.women.setValue(5)
    dialog.youth.setValue(20)  # shown at the field as soon as it is typed
    assert "at most 15" in dialog.form.message("youth") and "not 20" in dialog.form.message("youth")
    assert dialog.youth.property("invalid") is True
    assert dialog.total.text().startswith("15")
    dialog.save()
    wait_tasks()
    assert dialog.isVisible()
    assert event_count(context) == 0

    dialog.youth.setValue(12)
    assert "Counted among the men and women" in dialog.form.message("youth")
    assert not dialog.form.has_errors()
    with qtbot.waitSignal(screen.reloaded, timeout=10_000) as reloaded:
        dialog.save()
    assert reloaded.args == [1]
    assert screen.open_dialog() is None  # closed (and deleted) once saved
    assert screen.count_label.text() == "1 event"
    row = screen.model.row_object(0)
    assert isinstance(row, OutreachView)
    assert (row.title, row.station_name, row.men, row.women, row.youth) == (
        "Awareness session on drugs at Government College",
        "Saddar",
        10,
        5,
        12,
    )
    texts = [screen.model.data(screen.model.index(0, column)) for column in range(8)]
    assert texts[1:] == [
        "Awareness session on drugs",
        "Awareness session on drugs at Government College",
        "Saddar",
        "10",
        "5",
        "12",
        "15",
    ]
    stored = OutreachService(context).get(row.id)
    assert stored.youth == 12 and stored.held_on == context.today() and stored.venue == "Government College hall"


def test_consent_can_only_be_given_for_a_written_story(qtbot: QtBot, sign_in: Callable[[str], ServiceContext]) -> None:
    context = sign_in("clerk")
    dialog = OutreachDialog(OutreachService(context), OrganisationService(context).list_stations(), context.today())
    qtbot.addWidget(dialog)
    dialog.open()
    assert not dialog.consent.isEnabled()
    dialog.success_story.setPlainText("A lost child was found within an hour.")
    assert dialog.consent.isEnabled()
    dialog.consent.setChecked(True)
    dialog.success_story.setPlainText("   ")
    assert not dialog.consent.isEnabled() and not dialog.consent.isChecked()
    assert dialog.held_on.maximumDate() == dialog.held_on.date()  # no future dates


def test_the_list_counts_filters_and_searches(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    keep_alive: list[object],
    qtmodeltester: ModelTester,
) -> None:
    context = sign_in("officer")
    events = add_events(context)
    screen = open_screen(qtbot, context, keep_alive)
    assert screen.count_label.text() == "3 events"
    qtmodeltester.check(screen.model, force_py=True)
    assert [getattr(screen.model.row_object(i), "held_on", None) for i in range(3)] == sorted(
        (getattr(screen.model.row_object(i), "held_on", date.min) for i in range(3)), reverse=True
    )  # newest first

    def filtered(change: Callable[[], object]) -> int:
        with qtbot.waitSignal(screen.reloaded, timeout=10_000) as signal:
            change()
        return int(signal.args[0])

    assert filtered(lambda: screen.kind_filter.setCurrentIndex(screen.kind_filter.findData("school_visit"))) == 1
    assert filtered(lambda: screen.kind_filter.setCurrentIndex(0)) == 3
    assert filtered(lambda: screen.station_filter.setCurrentIndex(screen.station_filter.findText("City"))) == 2
    previous = Month.of(context.today()).previous()
    assert filtered(lambda: screen.period_filter.select_month(previous)) == 1  # City, last month: the cricket match
    assert screen.model.data(screen.model.index(0, 2)) == "کرکٹ میچ"
    assert filtered(lambda: screen.station_filter.setCurrentIndex(0)) == 2
    assert filtered(lambda: screen.story_filter.setChecked(True)) == 1
    assert screen.model.data(screen.model.index(0, 1)) == "School visit"
    assert filtered(lambda: screen.story_filter.setChecked(False)) == 2
    this_year = context.today().year
    expected = sum(event.held_on.year == this_year for event in events)
    assert filtered(lambda: screen.period_filter.setCurrentIndex(screen.period_filter.findData(this_year))) == expected
    assert filtered(lambda: screen.period_filter.setCurrentIndex(0)) == 3
    assert filtered(lambda: screen.search_box.setText("harassment")) == 1  # found in the summary
    assert screen.count_label.text() == "1 event"


def test_an_officer_corrects_and_deletes_an_event_a_clerk_may_not_delete(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None], keep_alive: list[object]
) -> None:
    officer = sign_in("officer")
    event = add_events(officer)[0]
    clerk_screen = open_screen(qtbot, sign_in("clerk"), keep_alive)
    clerk_screen.open_record(event)
    qtbot.waitUntil(lambda: clerk_screen.dialog is not None, timeout=5_000)
    assert clerk_screen.dialog is not None and clerk_screen.dialog.delete_button is None
    clerk_screen.dialog.done(QDialog.DialogCode.Rejected)

    screen = open_screen(qtbot, officer, keep_alive)
    screen.table.setCurrentIndex(screen.model.index(0, 0))
    screen.table.open_requested.emit(screen.table.currentIndex())
    qtbot.waitUntil(lambda: screen.dialog is not None, timeout=5_000)
    dialog = screen.dialog
    assert isinstance(dialog, OutreachDialog)
    assert dialog.title.text() == "Khuli kachehri at Ichhra" and dialog.men.value() == 120
    dialog.women.setValue(55)
    assert screen.has_unsaved_changes()
    with qtbot.waitSignal(screen.reloaded, timeout=10_000):
        dialog.save()
    assert OutreachService(officer).get(event.id).women == 55

    screen.open_record(event)
    qtbot.waitUntil(lambda: screen.dialog is not None, timeout=5_000)
    dialog = screen.dialog
    assert isinstance(dialog, OutreachDialog) and dialog.delete_button is not None
    dialog.delete_button.click()
    [question] = message_boxes(dialog)
    with qtbot.waitSignal(screen.reloaded, timeout=10_000) as signal:
        click_button(question, "Delete")
    assert signal.args == [2]
    assert event_count(officer) == 2


def test_closing_the_form_with_unsaved_changes_asks_first(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], keep_alive: list[object]
) -> None:
    context = sign_in("clerk")
    screen = open_screen(qtbot, context, keep_alive)
    screen.new_record()
    dialog = screen.dialog
    assert isinstance(dialog, OutreachDialog)
    dialog.title.setText("Khuli kachehri")
    proceeded: list[bool] = []
    screen.maybe_close(lambda: proceeded.append(True))
    [question] = message_boxes(dialog)
    assert question.text() == "This outreach event has changed but is not saved. Discard the changes?"
    click_button(question, "Keep editing")
    assert dialog.isVisible() and not proceeded
    screen.maybe_close(lambda: proceeded.append(True))
    click_button(message_boxes(dialog)[0], "Discard changes")
    assert proceeded == [True] and screen.open_dialog() is None
