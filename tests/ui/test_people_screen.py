"""People: the list over the real service, and the person form's checks, duplicate warning and close guard."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from copdesk.services.context import ServiceContext
from copdesk.services.paging import PageRequest
from copdesk.services.people import PeopleService, PersonDraft, PersonView
from copdesk.ui.people_screen import PeopleScreen, PersonDialog

from .conftest import GUI_MARKS, click_button, message_boxes

pytestmark = GUI_MARKS

CNIC = "35202-1234567-1"


def add_people(context: ServiceContext) -> list[PersonView]:
    service = PeopleService(context)
    return [
        service.create(PersonDraft("Muhammad Ali", "Ghulam Rasool", "male", CNIC, "0300-1234567")),
        service.create(PersonDraft("Ayesha Bibi", "Abdul Rehman", "female", None, "0321-7654321")),
        service.create(PersonDraft("Sana Iqbal", "Javed Iqbal", "female", "61101-7654321-2", None)),
    ]


def open_form(qtbot: QtBot, context: ServiceContext, person: PersonView | None = None) -> PersonDialog:
    dialog = PersonDialog(PeopleService(context), person, can_delete=context.can("person.delete"))
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def people_count(context: ServiceContext) -> int:
    return PeopleService(context).count(PageRequest())


def test_save_shows_every_problem_at_its_field_and_saves_nothing(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    context = sign_in("clerk")
    dialog = open_form(qtbot, context)
    dialog.cnic.setText("35202-123")
    dialog.mobile.setText("0400-1234567")
    dialog.save()
    wait_tasks()
    assert dialog.form.message("name") == "Enter the person's name."
    assert dialog.form.message("gender") == "Choose male, female or transgender."
    assert dialog.form.message("cnic") == "CNIC must have 13 digits, like 35202-1234567-1 (this one has 8)"
    assert "landline" in dialog.form.message("mobile")
    assert dialog.form.has_errors()
    assert dialog.isVisible()
    assert people_count(context) == 0


def test_fields_are_checked_as_they_are_left(qtbot: QtBot, sign_in: Callable[[str], ServiceContext]) -> None:
    dialog = open_form(qtbot, sign_in("clerk"))
    dialog.cnic.setText("3520212345")
    assert dialog.form.message("cnic") == "Optional. 13 digits, with or without dashes."  # still typing
    dialog.cnic.editingFinished.emit()
    assert "13 digits" in dialog.form.message("cnic") and "has 10" in dialog.form.message("cnic")
    dialog.cnic.setText("35202 1234567 1")
    assert not dialog.form.has_errors()
    dialog.mobile.setText("0390-1234567")  # eleven digits: checked without waiting
    assert "not a Pakistani mobile network code" in dialog.form.message("mobile")


def test_a_valid_person_is_saved(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    context = sign_in("clerk")
    dialog = open_form(qtbot, context)
    dialog.name.setText("  Zainab   Hussain ")
    dialog.father_name.setText("Imran Hussain")
    dialog.gender.setCurrentIndex(dialog.gender.findData("female"))
    dialog.cnic.setText("3520298765432")
    dialog.mobile.setText("+92 300 1112223")
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as signal:
        dialog.save()
    person = signal.args[0]
    assert person.name == "Zainab Hussain"
    assert person.mobile == "0300-1112223"
    assert dialog.result() == QDialog.DialogCode.Accepted.value
    assert people_count(context) == 1


def test_a_cnic_already_recorded_is_warned_about_while_typing(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    context = sign_in("officer")
    existing = add_people(context)[0]
    dialog = open_form(qtbot, context)
    dialog.cnic.setText("3520212345671")  # the same CNIC typed without dashes
    qtbot.waitUntil(lambda: "already recorded" in dialog.form.message("cnic"), timeout=5_000)
    assert "Muhammad Ali" in dialog.form.message("cnic")
    assert dialog.open_existing_button.isVisible()
    with qtbot.waitSignal(dialog.open_existing) as signal:
        dialog.open_existing_button.click()
    assert signal.args[0].id == existing.id

    dialog.name.setText("Muhammad Ali")
    dialog.gender.setCurrentIndex(dialog.gender.findData("male"))
    dialog.save()  # the service refuses the duplicate; the refusal is shown at the field
    wait_tasks()
    assert dialog.isVisible()
    assert "already recorded for Muhammad Ali" in dialog.form.message("cnic")
    assert people_count(context) == 3


def test_a_new_cnic_is_confirmed_as_free(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    context = sign_in("officer")
    add_people(context)
    dialog = open_form(qtbot, context)
    dialog.cnic.setText("35202-0000001-9")
    qtbot.waitUntil(lambda: dialog.form.message("cnic") == "No one else has this CNIC.", timeout=5_000)
    assert not dialog.open_existing_button.isVisible()


def test_closing_with_unsaved_changes_asks_first(qtbot: QtBot, sign_in: Callable[[str], ServiceContext]) -> None:
    dialog = open_form(qtbot, sign_in("clerk"))
    dialog.reject()  # nothing typed: closes at once
    assert not dialog.isVisible()

    dialog = open_form(qtbot, sign_in("clerk"))
    dialog.address.setPlainText("House 12, Street 4, Ichhra")
    assert dialog.is_dirty()
    dialog.reject()
    [question] = message_boxes(dialog)
    assert question.text() == "This person's details have changed but are not saved. Discard the changes?"
    click_button(question, "Keep editing")
    assert dialog.isVisible()
    dialog.reject()
    [question] = message_boxes(dialog)
    click_button(question, "Discard changes")
    assert not dialog.isVisible()


def test_a_clerk_corrects_a_record_whose_cnic_is_hidden(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    add_people(sign_in("officer"))
    clerk = sign_in("clerk")
    person = PeopleService(clerk).find_by_cnic(CNIC)
    assert person is not None and "•" in person.cnic
    dialog = open_form(qtbot, clerk, person)
    assert dialog.cnic.isReadOnly()
    assert dialog.notice.isVisible()
    assert dialog.delete_button is None  # clerks may not delete people
    dialog.mobile.setText("0333-7654321")
    dialog.save()
    wait_tasks()
    officer_view = PeopleService(sign_in("officer")).find_by_cnic(CNIC)
    assert officer_view is not None
    assert officer_view.mobile == "0333-7654321" and officer_view.cnic == CNIC  # the hidden CNIC is kept


def test_an_officer_corrects_a_person(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    context = sign_in("officer")
    person = add_people(context)[1]
    dialog = open_form(qtbot, context, person)
    assert dialog.name.text() == "Ayesha Bibi" and dialog.mobile.text() == "0321-7654321"
    assert dialog.delete_button is not None
    dialog.father_name.setText("Abdul Rehman Khan")
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as signal:
        dialog.save()
    assert signal.args[0].father_name == "Abdul Rehman Khan"
    assert signal.args[0].version == person.version + 1


def test_the_people_list_counts_searches_and_filters(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
    qtmodeltester: ModelTester,
) -> None:
    context = sign_in("officer")
    add_people(context)
    screen = PeopleScreen(context)
    keep_alive.append(screen)  # the model lives in the screen; the model tester checks it until teardown
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.reloaded, timeout=10_000):
        screen.shown()
    assert screen.count_label.text() == "3 people"
    qtmodeltester.check(screen.model, force_py=True)
    assert [getattr(screen.model.row_object(i), "name", None) for i in range(3)] == [
        "Ayesha Bibi",
        "Muhammad Ali",
        "Sana Iqbal",
    ]

    with qtbot.waitSignal(screen.reloaded, timeout=10_000) as signal:
        screen.search_box.setText("35202-1234567-1")
    assert signal.args == [1]
    assert screen.model.data(screen.model.index(0, 0)) == "Muhammad Ali"

    screen.search_box.setText("")
    with qtbot.waitSignal(screen.reloaded, timeout=10_000) as signal:
        screen.gender_filter.setCurrentIndex(screen.gender_filter.findData("female"))
    assert signal.args == [2]
    assert screen.count_label.text() == "2 people"


def test_the_list_opens_the_form_and_reloads_after_saving(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    context = sign_in("officer")
    add_people(context)
    screen = PeopleScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.reloaded, timeout=10_000):
        screen.shown()
    screen.table.open_requested.emit(screen.model.index(0, 0))
    qtbot.waitUntil(lambda: screen.dialog is not None and screen.dialog.isVisible(), timeout=5_000)
    dialog = screen.dialog
    assert dialog is not None and dialog.name.text() == "Ayesha Bibi"
    dialog.name.setText("Ayesha Siddiqa")
    with qtbot.waitSignal(screen.reloaded, timeout=10_000):
        dialog.save()
    assert getattr(screen.model.row_object(0), "name", None) == "Ayesha Siddiqa"

    screen.new_record()
    assert screen.dialog is not None and screen.dialog.person is None
    assert screen.has_unsaved_changes() is False
    screen.dialog.name.setText("Someone")
    assert screen.has_unsaved_changes() is True
    screen.dialog.done(QDialog.DialogCode.Rejected)
