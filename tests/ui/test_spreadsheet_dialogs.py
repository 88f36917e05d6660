"""Excel on the desk: exporting a list with a progress dialog (and cancelling it), and the import wizard.

The wizard is driven from file to result: sheet, column matching (remembered), preview, good rows imported, bad
rows listed with their reason, and "all or nothing".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QPushButton, QWidget, QWizard
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from copdesk.services.context import ServiceContext
from copdesk.services.organisation import OrganisationService
from copdesk.services.paging import PageRequest
from copdesk.services.people import PeopleService, PersonDraft
from copdesk.services.watch import WatchService
from copdesk.services.watch_views import GroupDraft
from copdesk.ui import spreadsheet_dialogs
from copdesk.ui.people_screen import PeopleScreen
from copdesk.ui.spreadsheet_dialogs import (
    NOT_IN_SHEET,
    ExportRun,
    SpreadsheetImportWizard,
    export_list_dialog,
)

from .conftest import GUI_MARKS, click_button, message_boxes

pytestmark = GUI_MARKS

HEADINGS = ("Sr #", "Name", "Father's Name", "Gender", "CNIC No", "Mobile No", "Address")
SHEET_ROWS = (
    (1, "Muhammad Ali", "Ghulam Rasool", "M", "35202-1234567-1", "0300-1234567", "Mohalla Eidgah"),
    (2, "Ayesha Bibi", "Abdul Rehman", "Female", "35202-7654321-2", "03217654321", "Gulberg"),
    (3, "Bilal Ahmed", "Nazir Ahmed", "male", "35202-123", "", "Model Town"),  # CNIC too short: a bad row
    (4, "Sana Iqbal", "Javed Iqbal", "F", "", "", ""),
)
BAD_ROW = 4  # Excel row number of the third data row (the headings are on row 1)


# --- helpers -------------------------------------------------------------------------------------------------


def add_people(context: ServiceContext) -> None:
    service = PeopleService(context)
    service.create(PersonDraft("Muhammad Ali", "Ghulam Rasool", "male", "35202-1234567-1", "0300-1234567"))
    service.create(PersonDraft("Ayesha Bibi", "Abdul Rehman", "female", None, "0321-7654321"))
    service.create(PersonDraft("Sana Iqbal", "Javed Iqbal", "female", "61101-7654321-2", None))


def open_people(qtbot: QtBot, context: ServiceContext) -> PeopleScreen:
    screen = PeopleScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1100, 700)
    screen.show()
    with qtbot.waitSignal(screen.reloaded, timeout=10_000):
        screen.shown()
    return screen


def save_as(monkeypatch: pytest.MonkeyPatch, target: Path) -> list[Path]:
    """Answer the Save dialog with ``target``; returns the names it suggested."""
    suggested: list[Path] = []

    def choose(_parent: QWidget | None, _caption: str, suggestion: Path, _filter: str) -> Path:
        suggested.append(suggestion)
        return target

    monkeypatch.setattr(spreadsheet_dialogs, "ask_save_path", choose)
    return suggested


def clerks_sheet(folder: Path) -> Path:
    """A clerk's workbook: an old sheet first, then the people with one bad row."""
    book = openpyxl.Workbook()
    old = book.active
    assert old is not None
    old.title = "Old list"
    old.append(["Something else"])
    sheet = book.create_sheet("People")
    sheet.append(list(HEADINGS))
    for row in SHEET_ROWS:
        sheet.append(list(row))
    path = folder / "clerk's list.xlsx"
    book.save(path)
    return path


def people_count(context: ServiceContext) -> int:
    return PeopleService(context).count(PageRequest())


def open_wizard(qtbot: QtBot, wizard: SpreadsheetImportWizard, path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Choose ``path`` with Browse… and the sheet People, then go on to the matching page."""
    monkeypatch.setattr(spreadsheet_dialogs, "ask_open_path", lambda *_args: path)
    with qtbot.waitSignal(wizard.file_page.sheets_loaded, timeout=10_000):
        wizard.file_page.browse_button.click()
    assert wizard.file_page.sheet.isEnabled()  # two sheets: the clerk chooses
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled() or wizard.file_page.isComplete()
    wizard.file_page.choose_sheet("People")
    assert wizard.file_page.sheet.currentText() == "People (4 rows)"
    with qtbot.waitSignal(wizard.mapping_page.mapping_loaded, timeout=10_000):
        wizard.next()


def to_preview(qtbot: QtBot, wizard: SpreadsheetImportWizard) -> None:
    with qtbot.waitSignal(wizard.preview_page.preview_loaded, timeout=10_000):
        wizard.next()
    assert wizard.currentPage() is wizard.preview_page


def run_import(qtbot: QtBot, wizard: SpreadsheetImportWizard) -> None:
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.text() == "Import" and commit.isEnabled()
    with qtbot.waitSignal(wizard.imported, timeout=15_000):
        commit.click()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=5_000)


# --- export ----------------------------------------------------------------------------------------------------


def test_export_writes_the_list_as_filtered_and_offers_the_folder(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    wait_tasks: Callable[[], None],
) -> None:
    context = sign_in("clerk")
    add_people(context)
    screen = open_people(qtbot, context)
    with qtbot.waitSignal(screen.reloaded, timeout=10_000):
        screen.gender_filter.setCurrentIndex(screen.gender_filter.findData("female"))
    out = tmp_path / "exports"
    out.mkdir()
    suggested = save_as(monkeypatch, out / "women")  # typed without .xlsx
    opened: list[Path] = []
    monkeypatch.setattr(spreadsheet_dialogs, "open_folder", opened.append)

    assert screen.export_button.isVisibleTo(screen) and screen.export_button.text() == "Export to Excel…"
    screen.export_button.click()
    [run] = screen.findChildren(ExportRun)
    if run.rows_written is None:
        with qtbot.waitSignal(run.finished, timeout=15_000):
            pass
    wait_tasks()
    assert suggested[0].name == f"people-{context.today():%Y-%m-%d}.xlsx"
    assert run.rows_written == 2
    assert not run.progress.isVisible()
    workbook = openpyxl.load_workbook(out / "women.xlsx", read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    workbook.close()
    assert rows[0][0] == "Name" and len(rows) == 3
    assert sorted(r[0] for r in rows[1:]) == ["Ayesha Bibi", "Sana Iqbal"]
    [box] = message_boxes(screen)
    assert box.text() == f"2 rows written to {out / 'women.xlsx'}."
    click_button(box, "Open folder")
    assert opened == [out]


def test_the_progress_dialog_follows_the_rows_written(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], tmp_path: Path
) -> None:
    context = sign_in("clerk")
    parent = QWidget()
    qtbot.addWidget(parent)
    run = ExportRun(parent, context, "complaints", PageRequest(), tmp_path / "complaints.xlsx")
    run.progress.show()
    run._show_progress(1_500, 6_000)
    assert (run.progress.minimum(), run.progress.maximum(), run.progress.value()) == (0, 6_000, 1_500)
    assert run.progress.labelText() == "1,500 of 6,000 rows written to complaints.xlsx…"
    run._show_progress(2_000, 0)  # total unknown
    assert run.progress.labelText() == "2,000 rows written to complaints.xlsx…"
    run.progress.close()


def test_cancelling_an_export_leaves_no_file(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    wait_tasks: Callable[[], None],
) -> None:
    context = sign_in("clerk")
    add_people(context)
    parent = QWidget()
    qtbot.addWidget(parent)
    out = tmp_path / "exports"
    out.mkdir()
    save_as(monkeypatch, out / "people.xlsx")
    reached, go_on = threading.Event(), threading.Event()
    report = ExportRun.report

    def held(self: ExportRun, written: int, total: int) -> None:  # the worker waits here for the click
        reached.set()
        go_on.wait(10)
        report(self, written, total)

    monkeypatch.setattr(ExportRun, "report", held)
    run = export_list_dialog(parent, context, "people", PageRequest())
    assert run is not None
    qtbot.waitUntil(reached.is_set, timeout=10_000)
    assert run.progress.isVisible()
    [cancel] = [b for b in run.progress.findChildren(QPushButton) if b.text() == "Cancel"]
    cancel.click()
    assert run.is_cancelled()
    with qtbot.waitSignal(run.finished, timeout=10_000) as finished:
        go_on.set()
    wait_tasks()
    assert finished.args == [None]
    assert list(out.iterdir()) == []  # neither the workbook nor a half-written part
    [box] = message_boxes(parent)
    assert box.text() == "The export was cancelled; no file was saved."


def test_no_export_without_a_file_name(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    monkeypatch.setattr(spreadsheet_dialogs, "ask_save_path", lambda *_args: None)
    assert export_list_dialog(parent, sign_in("clerk"), "people", PageRequest()) is None
    assert parent.findChildren(ExportRun) == []


# --- import ----------------------------------------------------------------------------------------------------


def test_the_import_wizard_imports_the_good_rows_and_lists_the_bad_one(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    qtmodeltester: ModelTester,
    keep_alive: list[object],
    wait_tasks: Callable[[], None],
) -> None:
    context = sign_in("clerk")
    path = clerks_sheet(tmp_path)
    screen = open_people(qtbot, context)
    assert screen.import_button.isVisibleTo(screen)
    screen.import_button.click()
    [wizard] = screen.findChildren(SpreadsheetImportWizard)
    assert wizard.isVisible() and wizard.windowTitle() == "Import people from Excel"
    open_wizard(qtbot, wizard, path, monkeypatch)

    # the matching: guessed from the headings, required details marked
    mapping = wizard.mapping_page
    chosen = {name: combo.currentText() for name, combo in mapping.columns.items()}
    assert chosen == {
        "name": "Name",
        "father_name": "Father's Name",
        "gender": "Gender",
        "cnic": "CNIC No",
        "mobile": "Mobile No",
        "address": "Address",
    }
    assert "copdesk matched the columns by their headings" in mapping.note.text()
    captions = [mapping.grid.itemAtPosition(row, 0).widget().text() for row in range(1, 7)]  # type: ignore[union-attr]
    assert captions[0] == "Name *" and captions[2] == "Gender *" and captions[3] == "CNIC"

    # the preview: every row checked, the bad one with its reason
    to_preview(qtbot, wizard)
    preview = wizard.preview_page
    qtmodeltester.check(preview.rows_model)
    keep_alive.append(QAbstractItemModelTester(preview.problems_model))
    assert preview.preview is not None
    assert (preview.preview.total_rows, preview.preview.good_rows, preview.preview.bad_rows) == (4, 3, 1)
    assert preview.summary.text().startswith("4 rows: 3 can be imported, 1 has a problem.")
    assert preview.rows_model.rowCount() == 4
    assert preview.tabs.tabText(1) == "Rows with problems (1)"
    [problem] = preview.problems_model.rows()
    assert problem.row == BAD_ROW and "13 digits" in problem.reason
    assert people_count(context) == 0  # nothing saved by the preview

    run_import(qtbot, wizard)
    wait_tasks()
    result = wizard.result_page
    assert result.title() == "Import finished"
    assert result.summary.text() == "3 people imported from 'People'. 1 row was not imported."
    assert [(p.row, "13 digits" in p.reason) for p in result.problems_model.rows()] == [(BAD_ROW, True)]
    assert result.problem_text().startswith(f"Row {BAD_ROW}: CNIC must have 13 digits")
    names = sorted(p.name for p in PeopleService(context).page(PageRequest()).rows)
    assert names == ["Ayesha Bibi", "Muhammad Ali", "Sana Iqbal"]
    qtbot.waitUntil(lambda: screen.count_label.text() == "3 people", timeout=10_000)
    wizard.button(QWizard.WizardButton.FinishButton).click()

    # the same headings next time: the matching is remembered
    again = SpreadsheetImportWizard(context, "people")
    qtbot.addWidget(again)
    again.show()
    open_wizard(qtbot, again, path, monkeypatch)
    assert "the matching you used last time" in again.mapping_page.note.text()
    again.close()


def test_all_or_nothing_imports_nothing_when_a_row_is_bad(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    wait_tasks: Callable[[], None],
) -> None:
    context = sign_in("clerk")
    wizard = SpreadsheetImportWizard(context, "people")
    qtbot.addWidget(wizard)
    wizard.show()
    open_wizard(qtbot, wizard, clerks_sheet(tmp_path), monkeypatch)
    to_preview(qtbot, wizard)
    wizard.preview_page.all_or_nothing.setChecked(True)
    assert "nothing will be imported" in wizard.preview_page.summary.text()
    run_import(qtbot, wizard)
    wait_tasks()
    result = wizard.result_page
    assert result.title() == "Nothing imported"
    assert result.summary.text().startswith("Nothing was imported: 1 row of 4 has a problem")
    assert [p.row for p in result.problems_model.rows()] == [BAD_ROW]
    assert people_count(context) == 0
    wizard.close()


def test_the_matching_must_name_the_required_columns(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wizard = SpreadsheetImportWizard(sign_in("clerk"), "people")
    qtbot.addWidget(wizard)
    wizard.show()
    open_wizard(qtbot, wizard, clerks_sheet(tmp_path), monkeypatch)
    page = wizard.mapping_page
    page.choose_column("gender", None)
    assert page.columns["gender"].currentText() == NOT_IN_SHEET
    wizard.next()
    assert wizard.currentPage() is page
    assert page.message.text() == "Choose the column with the gender, or a value for every row."
    page.choose_column("cnic", "Mobile No")
    page.choose_column("gender", "Gender")
    wizard.next()
    assert wizard.currentPage() is page
    assert page.message.text() == "The column 'Mobile No' is chosen for both CNIC and Mobile."
    page.choose_column("cnic", "CNIC No")
    page.defaults["gender"].setCurrentIndex(2)  # type: ignore[union-attr]  # female when the cell is empty
    assert page.mapping().defaults == {"gender": "female"}
    with qtbot.waitSignal(wizard.preview_page.preview_loaded, timeout=10_000):
        wizard.next()
    assert wizard.currentPage() is wizard.preview_page
    wizard.close()


def test_a_file_that_is_not_a_workbook_is_refused_on_the_first_page(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wizard = SpreadsheetImportWizard(sign_in("clerk"), "people")
    qtbot.addWidget(wizard)
    wizard.show()
    fake = tmp_path / "list.xlsx"
    fake.write_text("name,cnic\nAli,35202-1234567-1\n", encoding="utf-8")
    monkeypatch.setattr(spreadsheet_dialogs, "ask_open_path", lambda *_args: fake)
    with qtbot.waitSignal(wizard.file_page.sheets_loaded, timeout=10_000):
        wizard.file_page.browse_button.click()
    assert wizard.file_page.message.isVisible() and wizard.file_page.message.text()
    assert not wizard.file_page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.close()


def test_volunteers_are_imported_into_the_group(
    qtbot: QtBot,
    sign_in: Callable[[str], ServiceContext],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    wait_tasks: Callable[[], None],
) -> None:
    context = sign_in("officer")
    organisation = OrganisationService(sign_in("dpo"))
    station = organisation.list_stations()[0]
    beat = organisation.create_beat(station.id, "Beat 1", "")
    group = WatchService(context).create_group(GroupDraft(beat.id, "Eidgah Watch", context.today()))
    wizard = SpreadsheetImportWizard(context, "volunteers", group_id=group.id, into=group.name)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.windowTitle() == "Import watch volunteers from Excel into Eidgah Watch"
    open_wizard(qtbot, wizard, clerks_sheet(tmp_path), monkeypatch)
    to_preview(qtbot, wizard)
    run_import(qtbot, wizard)
    wait_tasks()
    assert wizard.result_page.summary.text().startswith("3 watch volunteers imported")
    assert len(WatchService(context).volunteers(group.id, False)) == 3
    wizard.close()
