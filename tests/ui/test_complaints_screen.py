"""Complaints: intake, checks at the field, workflow buttons by role and status, history, overdue, filters.

Intake covers new, existing and anonymous complainants; the list is checked with qtmodeltester.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QBrush, QFont, QGuiApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from copdesk.domain.complaint_workflow import ClosureCategory, ComplaintStatus
from copdesk.services.complaints import ComplaintDraft, ComplaintService, ComplaintView
from copdesk.services.context import ServiceContext
from copdesk.services.organisation import OrganisationService
from copdesk.services.paging import PageRequest
from copdesk.services.people import PeopleService, PersonDraft
from copdesk.ui.complaint_dialogs import (
    SAME_STATION,
    AssignStepDialog,
    CloseStepDialog,
    IntakeDialog,
    NoteStepDialog,
    index_of,
)
from copdesk.ui.complaints_screen import (
    DUE_COLUMN,
    OVERDUE_BACKGROUND,
    ComplaintDialog,
    ComplaintsScreen,
)

from .conftest import GUI_MARKS, click_button, message_boxes

pytestmark = GUI_MARKS

TRACKING_NO = re.compile(r"^[A-Z]{2,8}/[0-9]{4}/[0-9]{6}$")


@dataclass
class District:
    """The test district's stations and two officers."""

    city: uuid.UUID
    saddar: uuid.UUID
    aslam: uuid.UUID  # inspector at City
    bushra: uuid.UUID  # sub-inspector at Saddar


def organise(sign_in: Callable[[str], ServiceContext]) -> District:
    organisation = OrganisationService(sign_in("dpo"))
    stations = {s.name: s.id for s in organisation.list_stations()}
    aslam = organisation.create_officer("Muhammad Aslam", "inspector", "LHR-1001", "male", stations["City"])
    bushra = organisation.create_officer("Bushra Bibi", "si", "LHR-1002", "female", stations["Saddar"])
    return District(stations["City"], stations["Saddar"], aslam.id, bushra.id)


def register(context: ServiceContext, station_id: uuid.UUID, **changes: object) -> ComplaintView:
    values: dict[str, object] = {
        "received_on": context.today(),
        "channel": "walk_in",
        "category": "theft",
        "description": "My motorcycle was stolen outside the mosque.",
        "station_id": station_id,
        "location": "Mohallah Eidgah",
        "anonymous": True,
    }
    values.update(changes)
    return ComplaintService(context).register(ComplaintDraft(**values))  # type: ignore[arg-type]


def open_screen(qtbot: QtBot, context: ServiceContext) -> ComplaintsScreen:
    screen = ComplaintsScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1200, 700)
    screen.show()
    with qtbot.waitSignal(screen.reloaded, timeout=10_000):
        screen.shown()
    qtbot.waitUntil(lambda: bool(screen.stations), timeout=5_000)
    return screen


def open_intake(qtbot: QtBot, context: ServiceContext) -> IntakeDialog:
    stations = OrganisationService(context).list_stations()
    dialog = IntakeDialog(ComplaintService(context), PeopleService(context), stations, context.today())
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog


def fill_complaint(dialog: IntakeDialog, station_id: uuid.UUID, description: str = "") -> None:
    dialog.category.setCurrentIndex(dialog.category.findData("theft"))
    dialog.station.setCurrentIndex(index_of(dialog.station, station_id))
    dialog.location.setText("Anarkali bazaar")
    dialog.description.setPlainText(description or "My mobile phone was snatched near the bus stop.")


def complaint_count(context: ServiceContext, **filters: object) -> int:
    return ComplaintService(context).count(PageRequest(filters=filters))


# --- intake ---------------------------------------------------------------------------------------------------


def test_a_walk_in_with_a_new_complainant_gets_a_tracking_number_at_once(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    district = organise(sign_in)
    clerk = sign_in("clerk")
    screen = open_screen(qtbot, clerk)
    assert screen.count_label.text() == "No complaints"

    screen.new_record()
    qtbot.waitUntil(lambda: screen.intake is not None and screen.intake.isVisible(), timeout=5_000)
    intake = screen.intake
    assert intake is not None
    assert intake.channel.currentData() == "walk_in"
    assert intake.received_on.date().toPython() == clerk.today()
    fill_complaint(intake, district.city)
    assert (
        intake.form.message("category")
        == f"To be resolved within 30 days: by {clerk.today() + timedelta(30):%d %b %Y}."
    )
    person = intake.new_person
    person.name.setText("Ali Raza")
    person.father_name.setText("Ghulam Abbas")
    person.gender.setCurrentIndex(person.gender.findData("male"))
    person.cnic.setText("35202-1111111-1")
    person.mobile.setText("0300-7654321")
    assert screen.has_unsaved_changes()

    with qtbot.waitSignal(screen.reloaded, timeout=10_000) as reloaded:
        screen.save()  # Ctrl+S
    assert reloaded.args == [1]
    assert intake.banner.isVisible()
    tracking_no = intake.banner.tracking_no.text()
    assert TRACKING_NO.match(tracking_no)
    assert not intake.columns.isEnabled()  # the saved complaint cannot be registered twice
    assert not screen.has_unsaved_changes()

    listed = screen.model.row_object(0)
    assert isinstance(listed, ComplaintView)
    assert listed.tracking_no == tracking_no
    assert listed.complainant_name == "Ali Raza"
    assert listed.status is ComplaintStatus.RECEIVED
    assert screen.model.data(screen.model.index(0, 0)) == tracking_no
    assert PeopleService(clerk).count(PageRequest(search="Ali Raza")) == 1

    intake.banner.copy_button.click()
    assert QGuiApplication.clipboard().text() == tracking_no
    intake.banner.new_button.click()
    assert not intake.banner.isVisible() and intake.columns.isEnabled()
    assert intake.description.toPlainText() == "" and intake.new_person.name.text() == ""
    assert intake.station.currentData() == district.city  # kept for the next walk-in
    intake.reject()
    wait_tasks()


def test_an_anonymous_complaint_is_registered_without_a_complainant(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext]
) -> None:
    district = organise(sign_in)
    clerk = sign_in("clerk")
    intake = open_intake(qtbot, clerk)
    intake.mode_buttons.button(2).click()
    assert intake.mode() == "anonymous"
    assert intake.complainant_pages.currentIndex() == 2
    fill_complaint(intake, district.saddar, "Drugs are sold openly behind the graveyard every evening.")
    with qtbot.waitSignal(intake.saved, timeout=10_000) as saved:
        intake.save()
    view = ComplaintService(clerk).get(saved.args[0].id)
    assert view.anonymous is True
    assert view.complainant_person_id is None
    assert view.station_id == district.saddar
    assert intake.banner.tracking_no.text() == view.tracking_no
    assert PeopleService(clerk).count(PageRequest()) == 0


def test_invalid_fields_are_shown_at_the_field_and_nothing_is_saved(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    district = organise(sign_in)
    clerk = sign_in("clerk")
    intake = open_intake(qtbot, clerk)
    intake.new_person.cnic.setText("35202-123")
    intake.save()
    wait_tasks()
    assert intake.form.message("description") == "Enter the description of the complaint."
    assert intake.form.message("category") == "Choose a complaint category from the list."
    assert intake.form.message("station_id") == "Choose a police station from the list."
    assert intake.new_person.form.message("name") == "Enter the complainant's name."
    assert intake.new_person.form.message("gender") == "Choose male, female or transgender."
    assert intake.new_person.form.message("cnic") == "CNIC must have 13 digits, like 35202-1234567-1 (this one has 8)"
    assert intake.form.has_errors() and intake.new_person.form.has_errors()
    assert not intake.banner.isVisible()
    assert complaint_count(clerk) == 0

    intake.description.setPlainText("Someone")  # typing clears the error at once
    assert intake.form.message("description") == ""

    # A complaint against the police is never handled by the station complained about: said at once.
    intake.station.setCurrentIndex(index_of(intake.station, district.city))
    intake.against_police.setChecked(True)
    assert intake.against_station.isEnabled()
    intake.against_station.setCurrentIndex(index_of(intake.against_station, district.city))
    assert intake.form.message("against_station_id") == SAME_STATION
    intake.against_station.setCurrentIndex(index_of(intake.against_station, district.saddar))
    assert intake.form.message("against_station_id") == "Another station must handle this complaint."

    # Choosing "already recorded" without choosing anyone is refused where the complainant is chosen.
    intake.mode_buttons.button(1).click()
    intake.category.setCurrentIndex(intake.category.findData("police_misconduct"))
    intake.save()
    wait_tasks()
    assert intake.complainant_message.isVisible()
    assert "Choose the complainant from the list" in intake.complainant_message.text()
    assert complaint_count(clerk) == 0


def test_a_known_cnic_offers_the_existing_person_and_the_picker_finds_people(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    district = organise(sign_in)
    officer = sign_in("officer")
    people = PeopleService(officer)
    known = people.create(PersonDraft("Ayesha Bibi", "Abdul Rehman", "female", "35202-2222222-2", "0321-7654321"))
    people.create(PersonDraft("Ayesha Siddiqa", "Muhammad Siddiq", "female", None, None))
    intake = open_intake(qtbot, officer)
    fill_complaint(intake, district.city)
    intake.new_person.cnic.setText("3520222222222")
    qtbot.waitUntil(lambda: "already recorded" in intake.new_person.form.message("cnic"), timeout=5_000)
    assert "Ayesha Bibi" in intake.new_person.form.message("cnic")
    assert intake.new_person.use_button.isVisible()
    intake.new_person.use_button.click()
    assert intake.mode() == "existing"
    assert intake.picker.person is not None and intake.picker.person.id == known.id

    with qtbot.waitSignal(intake.picker.searched, timeout=10_000) as searched:
        intake.picker.search_box.setText("Ayesha")
    assert searched.args == [2]
    assert intake.picker.results.count() == 2
    with qtbot.waitSignal(intake.picker.searched, timeout=10_000) as searched:
        intake.picker.search_box.setText("0321-7654321")
    assert searched.args == [1]
    intake.picker.results.setCurrentRow(0)
    assert intake.picker.person is not None and intake.picker.person.id == known.id

    with qtbot.waitSignal(intake.saved, timeout=10_000) as saved:
        intake.save()
    assert ComplaintService(officer).get(saved.args[0].id).complainant_person_id == known.id
    assert people.count(PageRequest()) == 2  # nobody was added twice


def test_closing_the_intake_form_with_something_typed_asks_first(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext]
) -> None:
    intake = open_intake(qtbot, sign_in("clerk"))
    intake.reject()
    assert not intake.isVisible()
    intake = open_intake(qtbot, sign_in("clerk"))
    intake.description.setPlainText("Half typed")
    intake.reject()
    [question] = message_boxes(intake)
    click_button(question, "Keep editing")
    assert intake.isVisible()
    intake.reject()
    [question] = message_boxes(intake)
    click_button(question, "Discard")
    assert not intake.isVisible()


# --- the workflow ---------------------------------------------------------------------------------------------


def test_an_officer_walks_a_complaint_through_assign_inquiry_resolve_close_and_reopen(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    district = organise(sign_in)
    officer = sign_in("officer")
    complaint = register(officer, district.city)
    screen = open_screen(qtbot, officer)
    screen.table.selectRow(0)
    screen.table.open_requested.emit(screen.model.index(0, 0))
    qtbot.waitUntil(lambda: screen.detail is not None and screen.detail.isVisible(), timeout=5_000)
    detail = screen.detail
    assert detail is not None and detail.view.id == complaint.id
    assert detail.steps() == ["assign", "reject"]
    assert not detail.overdue_banner.isVisible()

    def step(name: str) -> object:
        detail.step_buttons[name].click()
        dialog = detail.step_dialog
        assert dialog is not None and dialog.isVisible()
        return dialog

    assign = step("assign")
    assert isinstance(assign, AssignStepDialog)
    qtbot.waitUntil(lambda: assign.officer.count() == 1, timeout=5_000)  # the officers of City only
    assign.choose_officer(district.aslam)
    with qtbot.waitSignal(detail.changed, timeout=10_000):
        assign.ok_button.click()
    assert detail.view.status is ComplaintStatus.ASSIGNED
    assert detail.steps() == ["start_inquiry", "assign", "reject"]
    assert detail.step_buttons["assign"].text() == "Reassign…"
    assert detail.fields["officer"].text() == "Muhammad Aslam"

    inquiry = step("start_inquiry")
    assert isinstance(inquiry, NoteStepDialog)
    with qtbot.waitSignal(detail.changed, timeout=10_000):
        inquiry.ok_button.click()
    assert detail.steps() == ["resolve", "refer", "register_fir", "reject"]

    resolve = step("resolve")
    assert isinstance(resolve, NoteStepDialog)
    resolve.ok_button.click()  # the note is required
    assert resolve.form.message("note") == "Say how the complaint was resolved."
    assert resolve.isVisible()
    resolve.note.setPlainText("Motorcycle recovered and handed over.")
    with qtbot.waitSignal(detail.changed, timeout=10_000):
        resolve.ok_button.click()
    assert detail.steps() == ["close"]

    close = step("close")
    assert isinstance(close, CloseStepDialog)
    close.ok_button.click()
    assert close.form.message("closure_category") == "Choose how the complaint ended before closing it."
    close.closure.setCurrentIndex(close.closure.findData(ClosureCategory.RELIEF_GRANTED.value))
    with qtbot.waitSignal(detail.changed, timeout=10_000):
        close.ok_button.click()
    assert detail.steps() == ["feedback"]

    feedback = step("feedback")
    feedback.not_satisfied.setChecked(True)  # type: ignore[attr-defined]
    with qtbot.waitSignal(detail.changed, timeout=10_000):
        feedback.ok_button.click()  # type: ignore[attr-defined]
    assert detail.steps() == ["reopen"]

    reopen = step("reopen")
    assert isinstance(reopen, NoteStepDialog)
    reopen.note.setPlainText("The complainant says the motorcycle returned was damaged.")
    with qtbot.waitSignal(detail.changed, timeout=10_000):
        reopen.ok_button.click()
    wait_tasks()

    stored = ComplaintService(officer).get(complaint.id)
    assert stored.status is ComplaintStatus.UNDER_INQUIRY
    assert stored.reopened_count == 1
    assert stored.assigned_officer_id == district.aslam
    assert detail.steps() == ["resolve", "refer", "register_fir", "reject"]
    titles = [title for title, _when, _note in detail.timeline.entries()]
    assert titles == [
        "Reopened",
        "Feedback recorded",
        "Closed",
        "Resolved",
        "Inquiry started",
        "Assigned",
        "Registered",
    ]
    assert detail.timeline.entries()[3][2] == "Motorcycle recovered and handed over."
    assert detail.timeline.entries()[0][1].endswith("· officer")
    assert getattr(screen.model.row_object(0), "status", None) is ComplaintStatus.UNDER_INQUIRY


def test_an_officer_of_the_station_complained_about_cannot_be_chosen(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    district = organise(sign_in)
    officer = sign_in("officer")
    complaint = register(
        officer, district.saddar, category="police_misconduct", against_police=True, against_station_id=district.city
    )
    detail = ComplaintDialog(
        officer, ComplaintService(officer), complaint, OrganisationService(officer).list_stations()
    )
    qtbot.addWidget(detail)
    detail.open()
    assert "City" in detail.fields["against"].text()
    assign = detail.start_step("assign")
    assert isinstance(assign, AssignStepDialog)
    assign.station.setCurrentIndex(0)  # all stations
    qtbot.waitUntil(lambda: assign.officer.count() == 2, timeout=5_000)
    assign.choose_officer(district.aslam)  # serves at City, the station complained about
    assert "serves at the station complained about" in assign.form.message("assigned_officer_id")
    assign.ok_button.click()
    wait_tasks()
    assert ComplaintService(officer).get(complaint.id).status is ComplaintStatus.RECEIVED
    assign.choose_officer(district.bushra)
    assert assign.form.message("assigned_officer_id") == ""
    with qtbot.waitSignal(detail.changed, timeout=10_000):
        assign.ok_button.click()
    assert ComplaintService(officer).get(complaint.id).assigned_officer_id == district.bushra


def test_a_clerk_never_sees_assign_close_or_reopen(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    district = organise(sign_in)
    clerk, officer = sign_in("clerk"), sign_in("officer")
    stations = OrganisationService(clerk).list_stations()
    moves = ComplaintService(officer)

    def steps_for_clerk(view: ComplaintView) -> ComplaintDialog:
        dialog = ComplaintDialog(clerk, ComplaintService(clerk), ComplaintService(clerk).get(view.id), stations)
        qtbot.addWidget(dialog)
        return dialog

    received = register(clerk, district.city)
    assert steps_for_clerk(received).steps() == ["reject"]

    assigned = moves.assign(register(clerk, district.city).id, district.aslam)
    assert steps_for_clerk(assigned).steps() == ["start_inquiry", "reject"]

    resolved = moves.resolve(moves.start_inquiry(assigned.id).id, "Settled between the parties.")
    dialog = steps_for_clerk(resolved)
    assert dialog.steps() == []
    assert "close" not in dialog.step_buttons
    assert dialog.no_steps.text() == "An officer closes this complaint next."

    closed = moves.close(resolved.id, ClosureCategory.RELIEF_GRANTED)
    assert steps_for_clerk(closed).steps() == ["feedback"]
    unhappy = moves.record_feedback(closed.id, False, "Nothing was done.")
    assert ComplaintStatus.UNDER_INQUIRY in unhappy.next_statuses  # an officer could reopen it...
    assert steps_for_clerk(unhappy).steps() == []  # ...a clerk cannot
    wait_tasks()


# --- the list -------------------------------------------------------------------------------------------------


def test_an_overdue_complaint_is_highlighted_with_a_legend(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    district = organise(sign_in)
    officer = sign_in("officer")
    today = officer.today()
    late = register(officer, district.city, received_on=today - timedelta(days=40))  # theft: 30 days
    on_time = register(officer, district.city, received_on=today)
    assert late.is_overdue and not on_time.is_overdue
    screen = ComplaintsScreen(officer)
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.counted, timeout=10_000) as counted:
        screen.shown()
    assert counted.args == ["2 complaints · 1 overdue"]
    model = screen.model
    rows = {getattr(model.row_object(r), "id", None): r for r in range(model.rowCount())}
    late_row, on_time_row = rows[late.id], rows[on_time.id]

    background = model.data(model.index(late_row, 0), Qt.ItemDataRole.BackgroundRole)
    assert isinstance(background, QBrush) and background.color().name() == OVERDUE_BACKGROUND
    due_font = model.data(model.index(late_row, DUE_COLUMN), Qt.ItemDataRole.FontRole)
    assert isinstance(due_font, QFont) and due_font.bold()
    assert model.data(model.index(late_row, 1), Qt.ItemDataRole.FontRole) is None  # only the due date is bold
    tooltip = model.data(model.index(late_row, 0), Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith(f"Overdue: due on {late.due_on:%d %b %Y}, 10 days ago.")
    assert model.data(model.index(on_time_row, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(on_time_row, DUE_COLUMN), Qt.ItemDataRole.FontRole) is None
    assert screen.legend.text() == "Overdue" and "due date" in screen.legend.toolTip()

    dialog = screen.show_complaint(late)
    assert dialog.overdue_banner.isVisible()
    assert dialog.overdue_banner.text() == f"Overdue: due on {late.due_on:%d %b %Y}, 10 days ago."
    assert "overdue by 10 days" in dialog.fields["due"].text()
    dialog.done(0)
    wait_tasks()

    assert screen.escalate_button.isVisible()
    screen.escalate_button.click()
    [question] = message_boxes(screen)
    with qtbot.waitSignal(screen.reloaded, timeout=10_000):
        click_button(question, "Escalate")
    assert ComplaintService(officer).get(late.id).escalated_at is not None
    assert ComplaintService(officer).get(on_time.id).escalated_at is None
    dialog = screen.show_complaint(ComplaintService(officer).get(late.id))
    assert "Escalated to the district officer on" in dialog.overdue_banner.text()
    dialog.done(0)
    wait_tasks()


def test_filters_and_search_change_the_count(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    wait_tasks: Callable[[], None],
    keep_alive: list[object],
    qtmodeltester: ModelTester,
) -> None:
    district = organise(sign_in)
    officer = sign_in("officer")
    today = officer.today()
    register(officer, district.city, description="گلی میں کھڑی موٹر سائیکل چوری ہو گئی۔")
    register(officer, district.saddar, category="harassment", description="Boys tease girls at the college gate.")
    register(officer, district.saddar, category="fraud", description="A caller took my ATM PIN.")
    overdue = register(officer, district.city, received_on=today - timedelta(days=45), description="Old theft.")
    ComplaintService(officer).assign(overdue.id, district.aslam)
    screen = open_screen(qtbot, officer)
    keep_alive.append(screen)  # the model tester checks the model until teardown
    assert screen.model.total == 4
    qtmodeltester.check(screen.model, force_py=True)
    assert [getattr(screen.model.row_object(r), "received_on", None) for r in range(4)][-1] == overdue.received_on

    def changes(action: Callable[[], None]) -> int:
        with qtbot.waitSignal(screen.reloaded, timeout=10_000) as signal:
            action()
        return int(signal.args[0])

    assert changes(lambda: screen.search_box.setText("college")) == 1
    assert screen.count_label.text().startswith("1 complaint")
    assert changes(lambda: screen.search_box.setText("موٹر سائیکل")) == 1
    assert changes(lambda: screen.search_box.setText("")) == 4
    status = screen.status_filter.findText("Assigned")
    assert changes(lambda: screen.status_filter.setCurrentIndex(status)) == 1
    assert changes(lambda: screen.status_filter.setCurrentIndex(0)) == 4
    saddar = index_of(screen.station_filter, district.saddar)
    assert saddar > 0
    assert changes(lambda: screen.station_filter.setCurrentIndex(saddar)) == 2
    fraud = screen.category_filter.findData("fraud")
    assert changes(lambda: screen.category_filter.setCurrentIndex(fraud)) == 1
    assert changes(lambda: screen.category_filter.setCurrentIndex(0)) == 2
    assert changes(lambda: screen.station_filter.setCurrentIndex(0)) == 4
    assert changes(lambda: screen.overdue_filter.setChecked(True)) == 1
    assert changes(lambda: screen.overdue_filter.setChecked(False)) == 4
    assert changes(lambda: screen.period_filter.period.setCurrentText("Today")) == 3
    assert changes(lambda: screen.period_filter.set_custom(today - timedelta(days=50), today - timedelta(days=40))) == 1
    assert screen.current_filters() == {
        "received_from": today - timedelta(days=50),
        "received_to": today - timedelta(days=40),
    }
    assert changes(lambda: screen.period_filter.period.setCurrentText("Any date")) == 4
    qtmodeltester.check(screen.model, force_py=True)
    wait_tasks()


def test_sorting_by_a_column_asks_the_service_for_that_order(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], wait_tasks: Callable[[], None]
) -> None:
    district = organise(sign_in)
    officer = sign_in("officer")
    today = officer.today()
    first = register(officer, district.city, received_on=today - timedelta(days=3), category="missing_person")
    second = register(officer, district.city, received_on=today, category="property_dispute")
    screen = open_screen(qtbot, officer)
    assert [getattr(screen.model.row_object(r), "id", None) for r in range(2)] == [second.id, first.id]  # newest
    screen.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)  # due date: the missing person is due first
    assert screen.model.query.sort == "due_on"
    assert [getattr(screen.model.row_object(r), "id", None) for r in range(2)] == [first.id, second.id]
    screen.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert screen.model.query.sort == "tracking_no" and screen.model.query.descending
    assert [getattr(screen.model.row_object(r), "id", None) for r in range(2)] == [second.id, first.id]
    wait_tasks()


def test_due_date_hint_follows_the_received_date(qtbot: QtBot, sign_in: Callable[[str], ServiceContext]) -> None:
    clerk = sign_in("clerk")
    intake = open_intake(qtbot, clerk)
    intake.category.setCurrentIndex(intake.category.findData("missing_person"))
    earlier = clerk.today() - timedelta(days=2)
    intake.received_on.setDate(QDate(earlier.year, earlier.month, earlier.day))
    assert intake.form.message("category") == f"To be resolved within 7 days: by {earlier + timedelta(7):%d %b %Y}."
    assert intake.received_on.maximumDate().toPython() == clerk.today()
    assert isinstance(intake.received_on.date().toPython(), date)
