"""Excel on the desk: export any list to .xlsx with a progress bar, and the import wizard for a clerk's sheet.

Export (:func:`export_list_dialog`) asks where to save the workbook, then runs
:meth:`~copdesk.services.spreadsheets.SpreadsheetService.export_list` in a task. The service calls back from the
worker thread as rows are written; the callback hands the numbers to the GUI thread through a queued signal and
raises :class:`ExportCancelled` once the user pressed Cancel, which makes the writer delete its half-written file.

Import (:class:`SpreadsheetImportWizard`): choose the file and the sheet, match each detail to a column (the
matching used last time for sheets with the same headings is offered again), check every row, import the good
rows in one transaction (or nothing, if the clerk asks for all or nothing), then see each bad row with its reason.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from copdesk.domain.corpus import member_categories
from copdesk.errors import CopdeskError, ValidationError
from copdesk.services.paging import PageRequest
from copdesk.services.spreadsheets import (
    ImportPreview,
    ImportResult,
    MappingSuggestion,
    PreviewRow,
    RowProblem,
    SpreadsheetService,
)
from copdesk.spreadsheets.mapping import ColumnMapping, ImportField, ImportTarget, fields_for, parse_day
from copdesk.spreadsheets.reader import SheetInfo
from copdesk.ui.dialogs import show_error, show_info
from copdesk.ui.list_screen import RecordTableView
from copdesk.ui.paged_model import Column, ModelIndex
from copdesk.ui.print_preview import ask_save_path, default_folder
from copdesk.ui.rows_model import RowsTableModel
from copdesk.ui.tasks import Task
from copdesk.ui.theme import ERROR_COLOUR, MUTED_COLOUR, set_role

if TYPE_CHECKING:
    from copdesk.services.context import ServiceContext
    from copdesk.ui.list_screen import ListScreen

__all__ = [
    "EXPORT_LABELS",
    "ExportCancelled",
    "ExportRun",
    "FilePage",
    "MappingPage",
    "PreviewPage",
    "ResultPage",
    "SpreadsheetImportWizard",
    "add_to_count_line",
    "ask_open_path",
    "can_import",
    "export_button",
    "export_list_dialog",
    "list_request",
    "open_folder",
    "open_import_wizard",
    "preview_columns",
]

#: What each exportable list is called in messages.
EXPORT_LABELS: dict[str, str] = {
    "complaints": "complaints",
    "people": "people",
    "meetings": "meetings",
    "watch_groups": "watch groups",
    "officers": "officers",
    "monthly_figures": "monthly figures",
    "volunteers": "volunteers",
    "committee_members": "committee members",
}
EXCEL_FILTER = "Excel workbook (*.xlsx)"
IMPORT_FILTER = "Excel workbooks (*.xlsx *.xlsm *.xls);;All files (*)"
NOT_IN_SHEET = "— not in the sheet —"
#: Fields whose blank cells can be filled with one value for every row.
DEFAULTABLE = ("gender", "category", "joined_on")


def open_folder(folder: Path) -> None:
    """Show a folder in the system's file manager (tests replace this)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def ask_open_path(parent: QWidget | None, caption: str, folder: Path, file_filter: str) -> Path | None:
    """Ask for a file to open (the system's Open dialog); None when the user cancels. Tests replace this."""
    chosen, _selected = QFileDialog.getOpenFileName(parent, caption, str(folder), file_filter)
    return Path(chosen) if chosen else None


# --- export --------------------------------------------------------------------------------------------------


class ExportCancelled(CopdeskError):
    """The user cancelled an export (raised from the progress callback; no file is left behind)."""


def list_request(screen: ListScreen) -> PageRequest:
    """What a list screen shows now (its search box, filters and sort), as a request for the export."""
    return screen.model.query.searching(screen.search_box.text(), screen.current_filters()).request()


class ExportRun(QObject):
    """One export under way: the progress dialog, the worker's callback, Cancel, and the message at the end."""

    #: Rows written so far and the total (0: unknown); emitted on the worker thread, delivered on the GUI thread.
    progressed = Signal(int, int)
    #: The export ended: the rows written, or None when it was cancelled or failed.
    finished = Signal(object)

    def __init__(self, parent: QWidget, context: ServiceContext, kind: str, request: PageRequest, path: Path) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.service = SpreadsheetService(context)
        self.kind = kind
        self.request = request
        self.path = path
        self.rows_written: int | None = None
        self.result_box: QMessageBox | None = None
        self._cancelled = threading.Event()
        label = EXPORT_LABELS.get(kind, kind.replace("_", " "))
        self.progress = QProgressDialog(f"Exporting {label} to {path.name}…", "Cancel", 0, 0, parent)
        self.progress.setWindowTitle("Export to Excel")
        # Not modal: the desk stays usable while a long list streams out (and a modal progress dialog would run
        # a nested event loop inside every setValue).
        self.progress.setWindowModality(Qt.WindowModality.NonModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setMinimumWidth(420)
        self.progress.canceled.connect(self.cancel)
        self.progressed.connect(self._show_progress)

    def start(self) -> None:
        """Show the progress dialog and run the export off the GUI thread."""
        service, kind, request, path = self.service, self.kind, self.request, self.path
        self.progress.show()
        (
            Task(lambda: service.export_list(kind, request, path, self.report), parent=self.parent_widget)
            .on_success(self._done)
            .on_failure(self._failed)
            .run()
        )

    def report(self, written: int, total: int) -> None:
        """The service's progress callback (worker thread): pass the numbers on, or stop when cancelled."""
        if self._cancelled.is_set():
            raise ExportCancelled("The export was cancelled; no file was saved.")
        try:
            self.progressed.emit(written, total)
        except RuntimeError:  # the window was closed meanwhile
            raise ExportCancelled("The export was cancelled; no file was saved.") from None

    def cancel(self) -> None:
        """Stop the export at its next progress report (the half-written file is deleted)."""
        self._cancelled.set()

    def is_cancelled(self) -> bool:
        """True once Cancel was pressed."""
        return self._cancelled.is_set()

    def _show_progress(self, written: int, total: int) -> None:
        if self._cancelled.is_set():
            return
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(written, total))
            self.progress.setLabelText(f"{written:,} of {total:,} rows written to {self.path.name}…")
        else:
            self.progress.setLabelText(f"{written:,} rows written to {self.path.name}…")

    def _close_progress(self) -> None:
        self.progress.canceled.disconnect(self.cancel)
        self.progress.close()
        self.progress.deleteLater()

    def _done(self, rows: int) -> None:
        self._close_progress()
        self.rows_written = rows
        noun = "row" if rows == 1 else "rows"
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Export to Excel",
            f"{rows:,} {noun} written to {self.path}.",
            QMessageBox.StandardButton.NoButton,
            self.parent_widget,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setTextFormat(Qt.TextFormat.PlainText)
        folder_button = box.addButton("Open folder", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Ok)
        folder = self.path.parent

        def answered() -> None:
            if box.clickedButton() is folder_button:
                open_folder(folder)

        box.finished.connect(answered)
        box.open()
        self.result_box = box
        self.finished.emit(rows)

    def _failed(self, error: CopdeskError) -> None:
        self._close_progress()
        if isinstance(error, ExportCancelled):
            self.result_box = show_info(self.parent_widget, error.message, "Export to Excel")
        else:
            self.result_box = show_error(self.parent_widget, error.message, "Export to Excel")
        self.finished.emit(None)


def export_list_dialog(
    parent: QWidget, context: ServiceContext, kind: str, request: PageRequest, *, name: str = ""
) -> ExportRun | None:
    """Ask where to save the list ``kind`` as .xlsx (a suggested name), then export it with a progress bar.

    ``request`` carries the list's search, filters and sort (its window is ignored: the whole list is written).
    Returns the export under way, or None when the user cancelled the file dialog.
    """
    stem = name or f"{kind.replace('_', '-')}-{context.today():%Y-%m-%d}"
    path = ask_save_path(parent, "Export to Excel", default_folder() / f"{stem}.xlsx", EXCEL_FILTER)
    if path is None:
        return None
    if path.suffix.lower() != ".xlsx":
        path = path.with_name(path.name + ".xlsx")
    run = ExportRun(parent, context, kind, request, path)
    run.start()
    return run


def add_to_count_line(screen: ListScreen, *widgets: QWidget) -> None:
    """Put ``widgets`` at the right end of a list screen's count line (e.g. its "Export to Excel…" button)."""
    index = screen.body.indexOf(screen.count_label)
    if index < 0:
        for widget in widgets:
            screen.toolbar.addWidget(widget)
        return
    screen.body.removeWidget(screen.count_label)
    row = QHBoxLayout()
    row.addWidget(screen.count_label)
    row.addStretch(1)
    for widget in widgets:
        row.addWidget(widget)
    screen.body.insertLayout(index, row)


def export_button(
    parent: QWidget, context: ServiceContext, kind: str, request: Callable[[], PageRequest]
) -> QPushButton:
    """An "Export to Excel…" button exporting the list ``kind`` as ``request()`` asks; hidden without the right."""
    button = QPushButton("Export to Excel…")
    button.setToolTip("Save the whole list, as searched and filtered now, as an Excel workbook")
    button.setVisible(context.can("spreadsheet.export"))
    button.clicked.connect(lambda _checked=False: export_list_dialog(parent, context, kind, request()))
    return button


# --- import wizard -------------------------------------------------------------------------------------------


def _field_caption(item: ImportField) -> str:
    return f"{item.label} *" if item.required else item.label


def _sheet_caption(info: SheetInfo) -> str:
    size = f" ({info.rows - 1:,} rows)" if info.rows and info.rows > 1 else ""
    return f"{info.name}{size}{' — hidden' if info.hidden else ''}"


class _PreviewModel(RowsTableModel):
    """The first rows of the sheet as the import reads them; rows with a problem in red."""

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Red text for rows that cannot be imported; the whole text of a cell as its tooltip."""
        if role == Qt.ItemDataRole.ToolTipRole:
            text = super().data(index, Qt.ItemDataRole.DisplayRole)
            return text if isinstance(text, str) and len(text) > 30 else None
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self.row_object(index.row())
            if isinstance(row, PreviewRow) and row.errors:
                return QBrush(QColor(ERROR_COLOUR))
            if isinstance(row, PreviewRow) and row.existing_person:
                return QBrush(QColor(MUTED_COLOUR))
            return None
        return super().data(index, role)


def _row_check(row: PreviewRow) -> str:
    if row.errors:
        return " ".join(row.errors)
    return "OK — already recorded; that person's record is used" if row.existing_person else "OK"


def preview_columns(target: ImportTarget) -> list[Column[PreviewRow]]:
    """The preview table's columns for a target: the row number, each field, and the check."""
    columns: list[Column[PreviewRow]] = [Column("Row", lambda r: r.row, width=52)]
    widths = {"name": 170, "father_name": 170, "gender": 84, "cnic": 130, "mobile": 110, "address": 160}
    for item in fields_for(target):
        columns.append(
            Column(item.label, lambda r, name=item.name: r.values.get(name, ""), width=widths.get(item.name, 110))
        )
    columns.append(Column("Check", _row_check))
    return columns


PROBLEM_COLUMNS: tuple[Column[RowProblem], ...] = (
    Column("Row", lambda p: p.row, width=60),
    Column("Why it cannot be imported", lambda p: p.reason),
)


class _Page(QWizardPage):
    """A wizard page with a message line for problems."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.hide()

    def import_wizard(self) -> SpreadsheetImportWizard:
        """The wizard this page is on."""
        wizard = self.wizard()
        assert isinstance(wizard, SpreadsheetImportWizard)
        return wizard

    def say(self, text: str, role: str = "field-error") -> None:
        """Show a message under the page's inputs ('' hides it)."""
        self.message.setText(text)
        set_role(self.message, role)
        self.message.setVisible(bool(text))


class FilePage(_Page):
    """Choose the workbook and the sheet to import."""

    #: The workbook's sheets were read (tests wait for this).
    sheets_loaded = Signal()

    def __init__(self, service: SpreadsheetService) -> None:
        super().__init__(
            "Choose the spreadsheet",
            "An Excel workbook (.xlsx, or .xls from older Excel) with a row of headings and one row per person.",
        )
        self.service = service
        self.sheets: tuple[SheetInfo, ...] = ()
        self.loaded_path: Path | None = None
        self._generation = 0
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Choose a file…")
        self.path_edit.setReadOnly(True)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(lambda _checked=False: self.browse())
        self.sheet = QComboBox()
        self.sheet.setEnabled(False)
        self.sheet.currentIndexChanged.connect(lambda _index: self.completeChanged.emit())
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        file_caption = QLabel("File")
        file_caption.setBuddy(self.browse_button)
        sheet_caption = QLabel("Sheet")
        sheet_caption.setBuddy(self.sheet)
        grid.addWidget(file_caption, 0, 0)
        grid.addLayout(row, 0, 1)
        grid.addWidget(sheet_caption, 1, 0)
        grid.addWidget(self.sheet, 1, 1)
        grid.setColumnStretch(1, 1)
        hint = QLabel(
            "Each row becomes one record. Rows are checked before anything is saved: you will see which rows "
            "can be imported and why the others cannot."
        )
        hint.setWordWrap(True)
        set_role(hint, "muted")
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        layout.addSpacing(8)
        layout.addWidget(hint)
        layout.addStretch(1)

    def browse(self) -> None:
        """Ask for the workbook, then read its sheets."""
        start = self.loaded_path.parent if self.loaded_path is not None else default_folder()
        path = ask_open_path(self, "Import from Excel", start, IMPORT_FILTER)
        if path is not None:
            self.set_path(path)

    def set_path(self, path: Path) -> None:
        """Read the sheets of ``path`` off the GUI thread and offer them."""
        self._generation += 1
        generation, service = self._generation, self.service
        self.path_edit.setText(str(path))
        self.loaded_path = None
        self.sheets = ()
        self.sheet.clear()
        self.sheet.setEnabled(False)
        self.say("Reading the workbook…", "muted")
        self.completeChanged.emit()

        def loaded(sheets: tuple[SheetInfo, ...]) -> None:
            if generation != self._generation:
                return
            self.sheets = tuple(sheets)
            self.loaded_path = path
            ordered = sorted(self.sheets, key=lambda info: info.hidden)
            for info in ordered:
                self.sheet.addItem(_sheet_caption(info), info.name)
            self.sheet.setEnabled(len(ordered) > 1)
            self.say("" if ordered else "This workbook has no sheet.")
            self.completeChanged.emit()
            self.sheets_loaded.emit()

        def failed(error: CopdeskError) -> None:
            if generation == self._generation:
                self.say(error.message)
                self.sheets_loaded.emit()

        Task(lambda: service.sheets(path), parent=self).on_success(loaded).on_failure(failed).run()

    def chosen_sheet(self) -> str | None:
        """The sheet chosen, or None."""
        value = self.sheet.currentData()
        return value if isinstance(value, str) else None

    def choose_sheet(self, name: str) -> None:
        """Choose a sheet by its name."""
        index = self.sheet.findData(name)
        if index >= 0:
            self.sheet.setCurrentIndex(index)

    def isComplete(self) -> bool:  # noqa: N802
        """Once a workbook is read and a sheet chosen."""
        return self.loaded_path is not None and self.chosen_sheet() is not None


class MappingPage(_Page):
    """Which column of the sheet holds which detail, with values for blank cells where that makes sense."""

    #: The sheet's headings and the offered matching are shown (tests wait for this).
    mapping_loaded = Signal()

    def __init__(self, service: SpreadsheetService, target: ImportTarget) -> None:
        super().__init__(
            "Match the columns",
            "For each detail, choose the column of your sheet that holds it. Details marked * are required.",
        )
        self.service = service
        self.target = target
        self.suggestion: MappingSuggestion | None = None
        self._loaded_for: tuple[Path, str] | None = None
        self._generation = 0
        self.columns: dict[str, QComboBox] = {}
        self.defaults: dict[str, QComboBox | QLineEdit] = {}
        self.note = QLabel("")
        self.note.setWordWrap(True)
        set_role(self.note, "muted")
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(6)
        for column, text in enumerate(("Detail", "Column of your sheet", "If its cell is empty, use")):
            header = QLabel(text)
            font = header.font()
            font.setBold(True)
            header.setFont(font)
            self.grid.addWidget(header, 0, column)
        for number, item in enumerate(fields_for(target), 1):
            caption = QLabel(_field_caption(item))
            combo = QComboBox()
            combo.setMinimumContentsLength(24)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumWidth(280)
            combo.setAccessibleName(item.label)
            caption.setBuddy(combo)
            self.columns[item.name] = combo
            self.grid.addWidget(caption, number, 0)
            self.grid.addWidget(combo, number, 1)
            default = self._default_input(item)
            if default is not None:
                self.defaults[item.name] = default
                self.grid.addWidget(default, number, 2)
        self.grid.setColumnMinimumWidth(2, 230)
        self.grid.setColumnStretch(3, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addSpacing(6)
        layout.addLayout(self.grid)
        layout.addWidget(self.message)
        layout.addStretch(1)

    @staticmethod
    def _default_input(item: ImportField) -> QComboBox | QLineEdit | None:
        nothing = "Nothing: the row is refused" if item.required else "Nothing"
        choices: tuple[tuple[str, str], ...] = ()
        if item.name == "gender":
            choices = (("male", "Male"), ("female", "Female"), ("transgender", "Transgender"))
        elif item.name == "category":
            choices = tuple((code, category.name_en) for code, category in member_categories().items())
        elif item.name == "joined_on":
            edit = QLineEdit()
            edit.setPlaceholderText("A date, e.g. 05-03-2025" if item.required else "Nothing: the day of the import")
            edit.setAccessibleName(f"{item.label} when the cell is empty")
            return edit
        else:
            return None
        box = QComboBox()
        box.addItem(nothing, "")
        for value, label in choices:
            box.addItem(label, value)
        box.setAccessibleName(f"{item.label} when the cell is empty")
        return box

    def initializePage(self) -> None:  # noqa: N802
        """Read the sheet's headings and the offered matching (once per file and sheet)."""
        wizard = self.import_wizard()
        path, sheet = wizard.file_page.loaded_path, wizard.file_page.chosen_sheet()
        if path is None or sheet is None or self._loaded_for == (path, sheet):
            return
        self._generation += 1
        generation, service, target = self._generation, self.service, self.target
        self.suggestion = None
        self.note.setText("Reading the sheet's headings…")
        self.say("")
        self.completeChanged.emit()

        def loaded(suggestion: MappingSuggestion) -> None:
            if generation != self._generation:
                return
            self._loaded_for = (path, sheet)
            self.show_suggestion(suggestion)

        def failed(error: CopdeskError) -> None:
            if generation == self._generation:
                self.note.setText("")
                self.say(error.message)
                self.mapping_loaded.emit()

        Task(lambda: service.suggest_mapping(path, sheet, target), parent=self).on_success(loaded).on_failure(
            failed
        ).run()

    def show_suggestion(self, suggestion: MappingSuggestion) -> None:
        """Offer the sheet's headings in every combo, the suggested column chosen."""
        self.suggestion = suggestion
        headers = suggestion.headers
        for name, combo in self.columns.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_IN_SHEET, -1)
            for index, heading in enumerate(headers):
                combo.addItem(heading.strip() or f"Column {index + 1} (no heading)", index)
            column = suggestion.mapping.column_of(name)
            combo.setCurrentIndex(0 if column is None else column + 1)
            combo.blockSignals(False)
        for name, widget in self.defaults.items():
            value = suggestion.mapping.defaults.get(name, "")
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            else:
                widget.setText(value)
        row_text = f"The headings are on row {suggestion.header_row} of '{suggestion.sheet}'."
        if suggestion.remembered:
            self.note.setText(f"{row_text} This is the matching you used last time for a sheet with these headings.")
        else:
            self.note.setText(f"{row_text} copdesk matched the columns by their headings: check each one.")
        self.completeChanged.emit()
        self.mapping_loaded.emit()

    def choose_column(self, field_name: str, heading: str | None) -> None:
        """Match a detail to the column with this heading (None: not in the sheet)."""
        combo = self.columns[field_name]
        if heading is None:
            combo.setCurrentIndex(0)
            return
        index = combo.findText(heading)
        if index < 0:
            raise ValueError(f"no column {heading!r}")
        combo.setCurrentIndex(index)

    def mapping(self) -> ColumnMapping:
        """The matching chosen on the page."""
        columns: dict[str, int] = {}
        for name, combo in self.columns.items():
            value = combo.currentData()
            if isinstance(value, int) and value >= 0:
                columns[name] = value
        defaults: dict[str, str] = {}
        for name, widget in self.defaults.items():
            value = widget.currentData() if isinstance(widget, QComboBox) else widget.text().strip()
            if value:
                defaults[name] = str(value)
        header_row = self.suggestion.header_row if self.suggestion is not None else None
        return ColumnMapping(columns, defaults, header_row)

    def isComplete(self) -> bool:  # noqa: N802
        """Once the headings are shown."""
        return self.suggestion is not None

    def validatePage(self) -> bool:  # noqa: N802
        """Check the matching (required details, one column per detail, a readable date) before previewing."""
        if self.suggestion is None:
            return False
        mapping = self.mapping()
        try:
            mapping.check(self.target, self.suggestion.headers)
            joined = mapping.defaults.get("joined_on")
            if joined:
                try:
                    parse_day(joined)
                except ValueError:
                    raise ValidationError(
                        f"Write the joining date for empty cells like 05-03-2025 (not '{joined}').", "mapping"
                    ) from None
        except ValidationError as error:
            self.say(error.message)
            return False
        self.say("")
        return True


class PreviewPage(_Page):
    """Every row checked: how many are good and bad, the first rows, every bad row; then Import."""

    #: The check of every row is shown (tests wait for this).
    preview_loaded = Signal()

    def __init__(self, service: SpreadsheetService, target: ImportTarget) -> None:
        super().__init__(
            "Check the rows",
            "Every row has been checked by the same rules as the forms. Nothing is saved until you press Import.",
        )
        self.service = service
        self.target = target
        self.preview: ImportPreview | None = None
        self.result: ImportResult | None = None
        self.running = False
        self._generation = 0
        self._previewed: tuple[Path, str, ColumnMapping] | None = None
        self.setCommitPage(True)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.rows_model = _PreviewModel(preview_columns(target), self)
        self.rows_table = RecordTableView()
        self.rows_table.setSortingEnabled(False)
        self.rows_table.setModel(self.rows_model)
        self.problems_model = RowsTableModel(PROBLEM_COLUMNS, self)
        self.problems_table = RecordTableView()
        self.problems_table.setSortingEnabled(False)
        self.problems_table.setModel(self.problems_model)
        for table, columns in ((self.rows_table, preview_columns(target)), (self.problems_table, PROBLEM_COLUMNS)):
            for number, column in enumerate(columns):
                if column.width:
                    table.setColumnWidth(number, column.width)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.rows_table, "First rows")
        self.tabs.addTab(self.problems_table, "Rows with problems")
        self.all_or_nothing = QCheckBox("Import only if every row is good (if any row has a problem, import nothing)")
        self.all_or_nothing.toggled.connect(lambda _on: self._update_summary())
        self.all_or_nothing.toggled.connect(lambda _on: self.completeChanged.emit())
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.all_or_nothing)
        layout.addWidget(self.message)

    def initializePage(self) -> None:  # noqa: N802
        """Check every row of the sheet with the matching chosen (off the GUI thread)."""
        wizard = self.import_wizard()
        path, sheet = wizard.file_page.loaded_path, wizard.file_page.chosen_sheet()
        mapping = wizard.mapping_page.mapping()
        if path is None or sheet is None:
            return
        key = (path, sheet, mapping)
        if self._previewed == key and self.preview is not None:
            return
        self._generation += 1
        generation, service, target = self._generation, self.service, self.target
        group_id, committee_id = wizard.group_id, wizard.committee_id
        self.preview = None
        self.rows_model.set_rows([])
        self.problems_model.set_rows([])
        self.summary.setText("Checking every row…")
        self.say("")
        self.completeChanged.emit()

        def checked(preview: ImportPreview) -> None:
            if generation != self._generation:
                return
            self._previewed = key
            self.show_preview(preview)

        def failed(error: CopdeskError) -> None:
            if generation == self._generation:
                self.summary.setText("")
                self.say(error.message)
                self.preview_loaded.emit()

        Task(
            lambda: service.preview_import(path, sheet, mapping, target, group_id, committee_id), parent=self
        ).on_success(checked).on_failure(failed).run()

    def show_preview(self, preview: ImportPreview) -> None:
        """Show the counts, the first rows and every bad row."""
        self.preview = preview
        self.rows_model.set_rows(preview.rows)
        self.problems_model.set_rows(preview.problems)
        shown = len(preview.rows)
        first = f"First {shown} rows" if shown < preview.total_rows else "All rows"
        self.tabs.setTabText(0, first)
        self.tabs.setTabText(1, f"Rows with problems ({preview.bad_rows:,})")
        self.tabs.setTabEnabled(1, preview.bad_rows > 0)
        self._update_summary()
        self.completeChanged.emit()
        self.preview_loaded.emit()

    def _update_summary(self) -> None:
        preview = self.preview
        if preview is None:
            return
        label = self.target.label
        if preview.total_rows == 0:
            self.summary.setText("The sheet has no rows to import under its headings.")
            return
        rows = f"{preview.total_rows:,} row{'s' if preview.total_rows != 1 else ''}"
        if preview.bad_rows == 0:
            self.summary.setText(f"{rows}: every row can be imported as {label}.")
            set_role(self.summary, "field-ok")
            return
        bad = f"{preview.bad_rows:,} {'has a problem' if preview.bad_rows == 1 else 'have problems'}"
        if self.all_or_nothing.isChecked():
            tail = " With the option below nothing will be imported until every row is corrected."
        elif preview.good_rows:
            tail = f" Import brings in the {preview.good_rows:,} good rows; the others are listed at the end."
        else:
            tail = " No row can be imported: correct the sheet and try again."
        self.summary.setText(f"{rows}: {preview.good_rows:,} can be imported, {bad}.{tail}")
        set_role(self.summary, "field-warning")

    def isComplete(self) -> bool:  # noqa: N802
        """Once every row is checked and there is something to do (not while the import runs)."""
        preview = self.preview
        if preview is None or self.running:
            return False
        return preview.good_rows > 0 or (self.all_or_nothing.isChecked() and preview.total_rows > 0)

    def validatePage(self) -> bool:  # noqa: N802
        """Import (off the GUI thread); the wizard moves on to the result when the import is done."""
        if self.result is not None:
            return True
        if self.running or self.preview is None:
            return False
        wizard = self.import_wizard()
        path, sheet = wizard.file_page.loaded_path, wizard.file_page.chosen_sheet()
        mapping, target = wizard.mapping_page.mapping(), self.target
        all_or_nothing = self.all_or_nothing.isChecked()
        group_id, committee_id = wizard.group_id, wizard.committee_id
        service = self.service
        self.running = True
        self.all_or_nothing.setEnabled(False)
        self.summary.setText("Importing…")
        set_role(self.summary, "muted")
        self.completeChanged.emit()

        def imported(result: ImportResult) -> None:
            self.result = result
            self.running = False
            wizard.imported.emit(result)
            wizard.next()

        def failed(error: CopdeskError) -> None:
            self.running = False
            self.all_or_nothing.setEnabled(True)
            self._update_summary()
            self.say(error.message)
            self.completeChanged.emit()

        assert path is not None
        Task(
            lambda: service.run_import(path, sheet, mapping, target, all_or_nothing, group_id, committee_id),
            parent=self,
        ).on_success(imported).on_failure(failed).run()
        return False


class ResultPage(_Page):
    """What the import did, and each row that was not imported with its reason."""

    def __init__(self) -> None:
        super().__init__(
            "Import finished",
            "Rows that were not imported are listed with the reason: correct them in the sheet and import them again.",
        )
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        self.problems_caption = QLabel("These rows were not imported:")
        self.problems_model = RowsTableModel(PROBLEM_COLUMNS, self)
        self.problems_table = RecordTableView()
        self.problems_table.setSortingEnabled(False)
        self.problems_table.setModel(self.problems_model)
        self.problems_table.setColumnWidth(0, PROBLEM_COLUMNS[0].width or 60)
        self.problems_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.copy_button = QPushButton("Copy the list")
        self.copy_button.setToolTip("Copy each row number and reason, to correct the sheet or send by e-mail")
        self.copy_button.clicked.connect(lambda _checked=False: self.copy_problems())
        copy_row = QHBoxLayout()
        copy_row.addStretch(1)
        copy_row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addSpacing(6)
        layout.addWidget(self.problems_caption)
        layout.addWidget(self.problems_table, 1)
        layout.addLayout(copy_row)

    def initializePage(self) -> None:  # noqa: N802
        """Show the import's result."""
        result = self.import_wizard().preview_page.result
        if result is not None:
            self.show_result(result)

    def show_result(self, result: ImportResult) -> None:
        """Say what was imported and list the rows that were not."""
        label = result.target.label
        bad = len(result.problems)
        if not result.applied:
            self.setTitle("Nothing imported")
            self.summary.setText(
                f"Nothing was imported: {bad:,} row{'s' if bad != 1 else ''} of {result.total_rows:,} "
                f"{'has a problem' if bad == 1 else 'have problems'}, and you chose to import only if every row is "
                "good. Correct the rows below in the sheet and import it again."
            )
            set_role(self.summary, "field-warning")
        else:
            self.setTitle("Import finished")
            text = f"{result.imported:,} {label} imported from '{result.sheet}'."
            if result.people_matched:
                text += f" {result.people_matched:,} of them were already recorded; their records were used."
            if bad:
                text += f" {bad:,} row{'s were' if bad != 1 else ' was'} not imported."
            self.summary.setText(text)
            set_role(self.summary, "field-ok" if not bad else "field-warning")
        self.setSubTitle(
            "Rows that were not imported are listed with the reason: correct them in the sheet and import them again."
            if bad
            else "Every row of the sheet was imported."
        )
        self.problems_model.set_rows(result.problems)
        self.problems_table.setCurrentIndex(QModelIndex())
        for widget in (self.problems_caption, self.problems_table, self.copy_button):
            widget.setVisible(bool(bad))

    def problem_text(self) -> str:
        """The bad rows as text, one line each."""
        rows: list[RowProblem] = self.problems_model.rows()
        return "\n".join(f"Row {problem.row}: {problem.reason}" for problem in rows)

    def copy_problems(self) -> None:
        """Put the list of bad rows on the clipboard."""
        QGuiApplication.clipboard().setText(self.problem_text())
        self.copy_button.setText("Copied")


class SpreadsheetImportWizard(QWizard):
    """Import people, watch volunteers or committee members from a clerk's spreadsheet, step by step."""

    #: The import ran (an ImportResult; ``applied`` False when all-or-nothing refused it).
    imported = Signal(object)

    def __init__(
        self,
        context: ServiceContext,
        target: ImportTarget | str,
        parent: QWidget | None = None,
        *,
        group_id: uuid.UUID | None = None,
        committee_id: uuid.UUID | None = None,
        into: str = "",
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.target = ImportTarget(target)
        self.group_id = group_id
        self.committee_id = committee_id
        self.service = SpreadsheetService(context)
        label = self.target.label
        self.setWindowTitle(f"Import {label} from Excel" + (f" into {into}" if into else ""))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        self.setButtonText(QWizard.WizardButton.FinishButton, "Close")
        self.setMinimumSize(860, 620)
        self.resize(960, 680)
        self.file_page = FilePage(self.service)
        self.mapping_page = MappingPage(self.service, self.target)
        self.preview_page = PreviewPage(self.service, self.target)
        self.result_page = ResultPage()
        for page in (self.file_page, self.mapping_page, self.preview_page, self.result_page):
            self.addPage(page)

    def choose_file(self, path: Path) -> None:
        """Use this workbook (as if chosen with Browse…)."""
        self.file_page.set_path(path)


def open_import_wizard(
    parent: QWidget | None,
    context: ServiceContext,
    target: ImportTarget | str,
    *,
    group_id: uuid.UUID | None = None,
    committee_id: uuid.UUID | None = None,
    into: str = "",
    on_imported: Callable[[ImportResult], object] | None = None,
) -> SpreadsheetImportWizard:
    """Open the import wizard (window-modal, deleted when closed); ``on_imported`` runs after an import."""
    wizard = SpreadsheetImportWizard(context, target, parent, group_id=group_id, committee_id=committee_id, into=into)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_imported is not None:
        wizard.imported.connect(on_imported)
    wizard.open()
    return wizard


def can_import(context: ServiceContext, target: ImportTarget | str) -> bool:
    """True when the signed-in role may import rows of ``target``."""
    action = {
        ImportTarget.PEOPLE: "person.create",
        ImportTarget.VOLUNTEERS: "watch.manage",
        ImportTarget.COMMITTEE_MEMBERS: "committee.update",
    }[ImportTarget(target)]
    return context.can("spreadsheet.import") and context.can(action)
