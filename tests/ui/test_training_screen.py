"""Training: a session recorded with its attendees through the form, the coverage summary, the lists' models."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from copdesk.domain.months import Month
from copdesk.services.context import ServiceContext
from copdesk.services.organisation import OfficerView, OrganisationService
from copdesk.services.paging import PageRequest
from copdesk.services.training import TrainingDraft, TrainingService, TrainingView
from copdesk.ui.training_screen import AttendeePicker, TrainingDialog, TrainingScreen

from .conftest import GUI_MARKS

pytestmark = GUI_MARKS


def add_officers(dpo: ServiceContext) -> list[OfficerView]:
    org = OrganisationService(dpo)
    city = next(s.id for s in org.list_stations() if s.name == "City")
    officers = [
        org.create_officer("Shahid Mehmood", "inspector", "LHR-1021", "male", city),
        org.create_officer("Saima Batool", "head_constable", "LHR-2210", "female", city),
        org.create_officer("Bilal Khan", "constable", "LHR-3301", "male", None),
        org.create_officer("Nasir Ali", "constable", "LHR-3302", "male", city),
    ]
    left = officers[3]
    org.deactivate_officer(left.id, left.version)  # no longer serving: not offered
    return officers


def open_screen(qtbot: QtBot, context: ServiceContext, keep_alive: list[object]) -> TrainingScreen:
    """Show the screen and load it; kept alive until teardown (its tasks' callbacks hold it)."""
    screen = TrainingScreen(context)
    keep_alive.append(screen)
    qtbot.addWidget(screen)
    screen.resize(1080, 700)
    screen.show()
    with qtbot.waitSignal(screen.reloaded, timeout=10_000):
        screen.shown()
    qtbot.waitUntil(lambda: screen.coverage.value_text("sessions") != "–", timeout=5_000)
    return screen


def wait_for_dialog(qtbot: QtBot, screen: TrainingScreen) -> TrainingDialog:
    qtbot.waitUntil(lambda: screen.open_dialog() is not None, timeout=5_000)
    dialog = screen.open_dialog()
    assert isinstance(dialog, TrainingDialog)
    qtbot.waitUntil(lambda: dialog.picker.model.total > 0, timeout=5_000)
    return dialog


def tick(qtbot: QtBot, picker: AttendeePicker, search: str) -> None:
    """Search the picker for one officer and tick the box, as a user would."""
    with qtbot.waitSignal(picker.reloaded, timeout=10_000) as signal:
        picker.search_box.setText(search)
    assert signal.args == [1]
    index = picker.model.index(0, 0)
    assert picker.model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert picker.model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)


def test_a_session_is_recorded_with_its_attendees_and_the_coverage_shows_it(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], keep_alive: list[object]
) -> None:
    officers = add_officers(sign_in("dpo"))
    context = sign_in("clerk")
    screen = open_screen(qtbot, context, keep_alive)
    assert screen.count_label.text() == "No sessions"
    assert screen.coverage.value_text("officers_trained") == "0"
    screen.new_record()
    dialog = wait_for_dialog(qtbot, screen)
    assert dialog.picker.count_label.text() == "3 serving officers"  # Nasir Ali has left
    assert dialog.topic.findText("Gender-sensitive policing") >= 0  # the standard topics are offered

    dialog.save()  # nothing filled in
    assert dialog.form.message("topic") == "Enter the topic of the training."
    assert dialog.form.message("hours") == "A training session must last some time: enter more than 0 hours."

    dialog.topic.setEditText("Gender-sensitive policing")
    dialog.hours.setValue(2.5)
    assert not dialog.form.has_errors()
    dialog.trainer.setText("SP Training, Police Lines")
    tick(qtbot, dialog.picker, "Saima")
    tick(qtbot, dialog.picker, "LHR-3301")  # by number
    assert dialog.picker.chosen_label.text() == "2 officers chosen: Saima Batool, Bilal Khan."
    with qtbot.waitSignal(screen.reloaded, timeout=10_000) as reloaded:
        dialog.save()
    assert reloaded.args == [1]
    assert screen.open_dialog() is None

    row = screen.model.row_object(0)
    assert row is not None
    stored = TrainingService(context).get(row.id)
    assert stored.topic == "Gender-sensitive policing" and stored.duration_minutes == 150
    assert {a.officer_id for a in stored.attendees} == {officers[1].id, officers[2].id}
    assert [screen.model.data(screen.model.index(0, c)) for c in (1, 2, 3, 4)] == [
        "Gender-sensitive policing",
        "2.5",
        "2",
        "SP Training, Police Lines",
    ]
    qtbot.waitUntil(lambda: screen.coverage.value_text("officers_trained") == "2", timeout=5_000)
    assert screen.coverage.value_text("sessions") == "1"
    assert screen.coverage.value_text("hours") == "2.5"
    assert screen.coverage.note_text("hours") == "hours of training (5 officer-hours)"
    assert screen.coverage.value_text("share") == "67%"  # 2 of the 3 serving officers
    assert "(2 of 3)" in screen.coverage.note_text("share")


def test_an_attendee_is_dropped_and_the_session_corrected(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], keep_alive: list[object]
) -> None:
    officers = add_officers(sign_in("dpo"))
    context = sign_in("officer")
    service = TrainingService(context)
    session = service.create(TrainingDraft("Front desk and complaint management", context.today(), 3, "Inspector Ali"))
    service.set_attendees(session.id, [officers[0].id, officers[1].id])
    screen = open_screen(qtbot, context, keep_alive)
    screen.table.setCurrentIndex(screen.model.index(0, 0))
    screen.table.open_requested.emit(screen.table.currentIndex())
    dialog = wait_for_dialog(qtbot, screen)
    assert dialog.topic.currentText() == "Front desk and complaint management" and dialog.hours.value() == 3
    assert dialog.picker.chosen_label.text().startswith("2 officers chosen:")
    assert not dialog.is_dirty()
    assert dialog.delete_button is not None  # officers may delete sessions
    shahid = dialog.picker.model.row_of(lambda o: o.name == "Shahid Mehmood")
    assert shahid >= 0
    dialog.picker.model.toggle(shahid)  # Enter or double-click on the row
    assert dialog.is_dirty() and screen.has_unsaved_changes()
    with qtbot.waitSignal(screen.reloaded, timeout=10_000):
        dialog.save()
    stored: TrainingView = service.get(session.id)
    assert [a.name for a in stored.attendees] == ["Saima Batool"]
    assert stored.version == session.version  # only the attendees changed
    qtbot.waitUntil(lambda: screen.coverage.value_text("officers_trained") == "1", timeout=5_000)


def test_the_lists_are_sound_models_and_the_period_filters_sessions_and_coverage(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    keep_alive: list[object],
    qtmodeltester: ModelTester,
) -> None:
    officers = add_officers(sign_in("dpo"))
    context = sign_in("clerk")
    service = TrainingService(context)
    today = context.today()
    last_month = Month.of(today).previous()
    old = service.create(TrainingDraft("Human rights and the Constitution", last_month.first_day, 1.5))
    service.set_attendees(old.id, [officers[0].id])
    service.create(TrainingDraft("Beat policing", today, 2))
    screen = open_screen(qtbot, context, keep_alive)
    assert screen.count_label.text() == "2 sessions"
    qtmodeltester.check(screen.model, force_py=True)

    with qtbot.waitSignal(screen.reloaded, timeout=10_000) as signal:
        screen.period_filter.select_month(last_month)
    assert signal.args == [1]
    assert screen.model.data(screen.model.index(0, 1)) == "Human rights and the Constitution"
    qtbot.waitUntil(lambda: screen.coverage.value_text("officers_trained") == "1", timeout=5_000)
    assert screen.coverage.caption.text() == f"Training in\n{last_month.label}"
    assert screen.coverage.value_text("hours") == "1.5"

    screen.new_record()
    dialog = wait_for_dialog(qtbot, screen)
    keep_alive.append(dialog)
    qtmodeltester.check(dialog.picker.model, force_py=True)
    index = dialog.picker.model.index(0, 0)
    assert dialog.picker.model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    assert not dialog.picker.model.flags(dialog.picker.model.index(0, 1)) & Qt.ItemFlag.ItemIsUserCheckable
    assert dialog.picker.model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert dialog.picker.model.data(index, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert service.count(PageRequest()) == 2
