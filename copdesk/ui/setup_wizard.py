"""First-run setup: a new district database with its stations and first district-officer account.

The wizard collects the district, its police stations, the district officer's account and where the database
goes; then it creates the encrypted database (in a task) and shows the one-time recovery key, which must be
saved or printed before the wizard can finish.
"""

from __future__ import annotations

import html
import os
import shutil
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from copdesk.domain.reference import District, Province, provinces
from copdesk.errors import CopdeskError, ValidationError
from copdesk.paths import data_dir, default_district_db
from copdesk.services.accounts import check_username
from copdesk.services.context import ServiceContext
from copdesk.services.recovery_sheet import recovery_sheet_text, write_recovery_sheet
from copdesk.services.setup import DistrictSetup, create_district
from copdesk.storage.keyslots import KeySlotFile
from copdesk.ui.dialogs import show_error
from copdesk.ui.forms import FieldForm, PasswordFields
from copdesk.ui.tasks import Task
from copdesk.ui.theme import mono_font, set_role, urdu_font

WELCOME, DISTRICT, STATIONS, OFFICER, LOCATION, RECOVERY = range(6)
#: ``done()`` code when the user chose the demo database instead of setting up a district.
DEMO_RESULT = 2
#: How many months of records the demo made on first use covers (tests make it smaller to be quick).
DEMO_MONTHS = 6
#: Shown wherever the demo is opened.
DEMO_ACCOUNTS_HINT = "Demo accounts: clerk, officer, dpo — password: demo"


def demo_folder() -> Path:
    """Where the desk keeps its demo: the ``demo`` folder of the per-user data folder."""
    return data_dir() / "demo"


def find_demo_database(folder: Path | None = None) -> Path | None:
    """The demo's district database (``<folder>/districts/<CODE>.db``), when the demo has been made."""
    districts = (folder or demo_folder()) / "districts"
    found = sorted(districts.glob("*.db")) if districts.is_dir() else []
    return found[0] if found else None


def build_demo_database(folder: Path | None = None) -> Path:
    """Make the demo (one district, :data:`DEMO_MONTHS` months of records) and return its district database.

    Slow (a few seconds): run it in a task. The demo is made in a ``.building`` folder beside ``folder`` and
    moved into place when complete, so a demo cut short (the computer switched off) is never offered.
    """
    from copdesk.services.demo import build_demo

    target = folder or demo_folder()
    existing = find_demo_database(target)
    if existing is not None:
        return existing
    building = target.with_name(target.name + ".building")
    if building.exists():
        shutil.rmtree(building)  # what a demo cut short left behind
    world = build_demo(building, districts=1, months=DEMO_MONTHS)
    if target.exists():
        shutil.rmtree(target)  # a demo folder without a district database: nothing worth keeping
    building.rename(target)
    return target / world.district_databases[0].relative_to(building)


def _paragraph(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class WelcomePage(QWizardPage):
    """What copdesk is and what setting up involves; offers the demo (made on first use)."""

    def __init__(self, demo_path: Path | None) -> None:
        super().__init__()
        self.setTitle("Welcome to copdesk")
        self.setSubTitle("Community Oriented Policing records for the district office.")
        layout = QVBoxLayout(self)
        layout.addWidget(
            _paragraph(
                "There is no district database on this computer yet. The next pages set one up: choose the "
                "district, list its police stations, make the district officer's account and choose where "
                "the database is kept."
            )
        )
        layout.addWidget(
            _paragraph(
                "The database is encrypted. At the end you will get a recovery sheet: print it or save it, "
                "and keep it locked away. It is the only way in if every password is forgotten."
            )
        )
        layout.addSpacing(18)
        heading = QLabel("Just looking, or training staff?")
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        installed = demo_path is not None and demo_path.exists()
        self.demo_note = _paragraph(
            "The demo is a made-up district with several months of sample records, for trying copdesk out and for "
            "training. Nothing typed in it reaches a real district."
            + ("" if installed else " The first time, it takes a few seconds to make.")
        )
        layout.addWidget(self.demo_note)
        self.demo_button = QPushButton("Open the demo")
        self.demo_button.setToolTip(DEMO_ACCOUNTS_HINT)
        demo_row = QHBoxLayout()
        demo_row.addWidget(self.demo_button)
        demo_row.addStretch(1)
        layout.addLayout(demo_row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(360)
        self.progress.hide()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._busy = False

    @property
    def busy(self) -> bool:
        """True while the demo is being made."""
        return self._busy

    def set_busy(self, busy: bool) -> None:
        """Show progress while the demo is being made; nothing else can be pressed meanwhile."""
        self._busy = busy
        self.progress.setVisible(busy)
        self.demo_button.setEnabled(not busy)
        if busy:
            self.say("Making the demo district… this takes a few seconds.", "muted")
        self.completeChanged.emit()
        wizard = self.wizard()
        if wizard is not None:
            wizard.button(QWizard.WizardButton.CancelButton).setEnabled(not busy)

    def say(self, text: str, role: str) -> None:
        """Show a line under the demo button ('' hides it)."""
        self.status.setText(text)
        set_role(self.status, role)
        self.status.setVisible(bool(text))

    def isComplete(self) -> bool:  # noqa: N802
        """Next waits while the demo is being made."""
        return not self._busy


class DistrictPage(QWizardPage):
    """Province and district, from the shipped reference data (English names, Urdu names beside)."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Your district")
        self.setSubTitle("Choose the province or territory, then the district this office serves.")
        self.province = QComboBox()
        self.district = QComboBox()
        self.province_ur = QLabel()
        self.district_ur = QLabel()
        for label in (self.province_ur, self.district_ur):
            label.setFont(urdu_font(13))
            label.setAlignment(
                Qt.AlignmentFlag.AlignAbsolute | Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            )
            label.setMinimumWidth(240)
        for item in provinces():
            self.province.addItem(item.name_en, item.code)
        self.province.setCurrentIndex(-1)
        self.province.setPlaceholderText("Choose…")
        self.district.setPlaceholderText("Choose the province first")
        self.code_note = QLabel("")
        set_role(self.code_note, "muted")
        self.code_note.setWordWrap(True)

        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(12)
        grid.addWidget(QLabel("Province or territory"), 0, 0)
        grid.addWidget(self.province, 0, 1)
        grid.addWidget(self.province_ur, 0, 2)
        grid.addWidget(QLabel("District"), 1, 0)
        grid.addWidget(self.district, 1, 1)
        grid.addWidget(self.district_ur, 1, 2)
        grid.setColumnStretch(2, 1)
        grid.setColumnMinimumWidth(1, 340)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.code_note)
        layout.addStretch(1)
        self.province.currentIndexChanged.connect(self._province_changed)
        self.district.currentIndexChanged.connect(self._district_changed)

    def _selected_province(self) -> Province | None:
        code = self.province.currentData()
        return next((p for p in provinces() if p.code == code), None)

    def selected_district(self) -> District | None:
        """The chosen district, or None."""
        province = self._selected_province()
        code = self.district.currentData()
        if province is None or code is None:
            return None
        return next((d for d in province.districts if d.code == code), None)

    def choose(self, district_code: str) -> None:
        """Select a district by its code (and its province)."""
        for province in provinces():
            if any(d.code == district_code for d in province.districts):
                self.province.setCurrentIndex(self.province.findData(province.code))
                self.district.setCurrentIndex(self.district.findData(district_code))
                return

    def _province_changed(self) -> None:
        province = self._selected_province()
        self.district.blockSignals(True)
        self.district.clear()
        if province is not None:
            for item in sorted(province.districts, key=lambda d: d.name_en):
                self.district.addItem(item.name_en, item.code)
            self.district.setPlaceholderText("Choose…")
        self.district.setCurrentIndex(0 if province is not None and len(province.districts) == 1 else -1)
        self.district.blockSignals(False)
        self.province_ur.setText(province.name_ur if province else "")
        self._district_changed()

    def _district_changed(self) -> None:
        chosen = self.selected_district()
        self.district_ur.setText(chosen.name_ur if chosen else "")
        self.code_note.setText(
            f"District code {chosen.code}: complaint tracking numbers will look like "
            f"{chosen.code}/{date.today().year}/000123."
            if chosen
            else ""
        )
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        """A district must be chosen."""
        return self.selected_district() is not None


class StationsPage(QWizardPage):
    """The district's police stations (more can be added later)."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Police stations")
        self.setSubTitle("Type the name of each police station of the district and press Add.")
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. City, Saddar, Model Town")
        self.add_button = QPushButton("Add")
        self.remove_button = QPushButton("Remove")
        self.list = QListWidget()
        self.list.setMinimumHeight(180)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.name, 1)
        row.addWidget(self.add_button)
        side = QVBoxLayout()
        side.addWidget(self.remove_button)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addLayout(side)
        note = _paragraph("Stations can also be added, renamed or removed later, under Settings.")
        set_role(note, "muted")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addLayout(body, 1)
        layout.addWidget(note)
        self.add_button.clicked.connect(self.add_station)
        self.name.returnPressed.connect(self.add_station)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.currentRowChanged.connect(lambda row: self.remove_button.setEnabled(row >= 0))
        self.remove_button.setEnabled(False)

    def stations(self) -> list[str]:
        """The station names in the order typed."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def add_station(self, name: str | None = None) -> bool:
        """Add a station name from the box (or ``name``); refuses blanks and duplicates with a message."""
        text = " ".join((name if isinstance(name, str) else self.name.text()).split())
        if not text:
            self._say("Type the station's name first.", "field-error")
            return False
        if any(existing.casefold() == text.casefold() for existing in self.stations()):
            self._say(f"{text} is already in the list.", "field-error")
            return False
        self.list.addItem(text)
        self.name.clear()
        self._say("", "muted")
        self.name.setFocus()
        return True

    def remove_selected(self) -> None:
        """Remove the selected station."""
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)

    def _say(self, text: str, role: str) -> None:
        self.message.setText(text)
        set_role(self.message, role)

    def validatePage(self) -> bool:  # noqa: N802
        """Typed but not added? Add it rather than lose it."""
        if self.name.text().strip():
            return self.add_station()
        return True


class OfficerPage(QWizardPage):
    """The first account: the district officer, who can then make the other accounts."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("District officer's account")
        self.setSubTitle("This account manages the district: stations, officers and everyone's accounts.")
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText("e.g. Muhammad Asif")
        self.username = QLineEdit()
        self.username.setPlaceholderText("e.g. dpo")
        self.form = FieldForm()
        self.form.add_field("display_name", "Full name", self.display_name)
        self.form.add_field(
            "username",
            "User name",
            self.username,
            "Lower-case letters and digits, typed when signing in.",
        )
        self.passwords = PasswordFields(self.form, self)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addStretch(1)
        self.display_name.textChanged.connect(self._check)
        self.username.textChanged.connect(self._check)
        self.passwords.changed.connect(self.completeChanged)

    def _check(self) -> None:
        if self.username.text().strip():
            try:
                check_username(self.username.text())
            except ValidationError as error:
                self.form.set_error("username", error.message)
            else:
                self.form.clear("username")
        else:
            self.form.clear("username")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        """Name, a valid user name and an acceptable password typed twice."""
        try:
            check_username(self.username.text())
        except ValidationError:
            return False
        return bool(self.display_name.text().strip()) and self.passwords.is_acceptable()


class LocationPage(QWizardPage):
    """Where the database file goes; pressing "Create the district" creates it."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Where to keep the database")
        self.setSubTitle("The usual place is fine unless your office keeps data on another drive.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Create the district")
        self.path = QLineEdit(str(default_district_db()))
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self.browse)
        self.form = FieldForm()
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.path, 1)
        row_layout.addWidget(self.browse_button)
        self.form.add_field("path", "Database file", row)
        note = _paragraph(
            "A key file (the same name ending in .keys) is kept beside the database. Back up both together."
        )
        set_role(note, "muted")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(note)
        layout.addSpacing(12)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.path.textChanged.connect(self._check)
        self._busy = False

    def db_path(self) -> Path:
        """The chosen database file."""
        return Path(os.path.expanduser(self.path.text().strip()))

    def browse(self) -> None:
        """Choose the file with the system's save dialog."""
        chosen, _filter = QFileDialog.getSaveFileName(
            self, "Where to keep the district database", str(self.db_path()), "copdesk database (*.db)"
        )
        if chosen:
            self.path.setText(chosen if chosen.endswith(".db") else chosen + ".db")

    def problem(self) -> str:
        """Why the chosen path cannot be used ('' when it can)."""
        text = self.path.text().strip()
        if not text:
            return "Choose where the database file goes."
        path = self.db_path()
        if path.exists():
            return "A file with this name already exists; choose another name or folder."
        if KeySlotFile.path_for(path).exists():
            return "A key file with this name already exists; choose another name or folder."
        folder = next((p for p in (path.parent, *path.parent.parents) if p.exists()), None)
        if folder is None or not os.access(folder, os.W_OK):
            return "copdesk cannot write in that folder; choose another."
        return ""

    def _check(self) -> None:
        problem = self.problem()
        if problem:
            self.form.set_error("path", problem)
        else:
            self.form.clear("path")
        self.completeChanged.emit()

    def initializePage(self) -> None:  # noqa: N802
        """Show the path's problems, if any, as soon as the page opens."""
        self._check()

    def isComplete(self) -> bool:  # noqa: N802
        """A usable path, and not busy creating."""
        return not self._busy and not self.problem()

    def validatePage(self) -> bool:  # noqa: N802
        """Create the district in a task; the wizard moves on when it is done."""
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        if wizard.setup is not None:
            return True
        if not self._busy:
            wizard.create_database()
        return False

    @property
    def busy(self) -> bool:
        """True while the database is being created."""
        return self._busy

    def set_busy(self, busy: bool, message: str | None = None) -> None:
        """Show progress while the database is being created (``message`` replaces the status line)."""
        self._busy = busy
        self.progress.setVisible(busy)
        self.path.setEnabled(not busy)
        self.browse_button.setEnabled(not busy)
        if message is not None:
            self.status.setText(message)
            set_role(self.status, "muted")
        self.completeChanged.emit()
        wizard = self.wizard()
        if wizard is not None:  # no leaving while the database is being made: its recovery key would be lost
            wizard.button(QWizard.WizardButton.CancelButton).setEnabled(not busy)
            wizard.button(QWizard.WizardButton.BackButton).setEnabled(not busy)

    def show_failure(self, message: str) -> None:
        """Say why creating failed."""
        self.status.setText(message)
        set_role(self.status, "field-error")


class RecoveryPage(QWizardPage):
    """The recovery key, big and clear, with Save and Print; Finish needs the confirmation box ticked."""

    def __init__(self) -> None:
        super().__init__()
        self.setTitle("Recovery sheet")
        self.setSubTitle("The district has been created. Print or save this sheet now: it is shown only once.")
        intro = _paragraph(
            "If every password is forgotten, this key opens the database. Anyone who has it can read every "
            "record, so keep the printed sheet locked away, not next to the computer."
        )
        self.key_label = QLabel("")
        self.key_label.setFont(mono_font(18))
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setStyleSheet(
            "QLabel { background: #ffffff; color: #000000; border: 1px solid #9aa0a6; padding: 14px; }"
        )
        self.save_button = QPushButton("Save as text file…")
        self.print_button = QPushButton("Print…")
        self.save_button.clicked.connect(self.ask_and_save)
        self.print_button.clicked.connect(self.ask_and_print)
        self.result = QLabel("")
        self.result.setWordWrap(True)
        self.confirm = QCheckBox("I have printed or saved the recovery sheet")
        self.confirm.toggled.connect(self.completeChanged)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(self.key_label)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        layout.addWidget(self.result)
        layout.addSpacing(18)
        layout.addWidget(self.confirm)
        layout.addStretch(1)

    def _wizard(self) -> SetupWizard:
        wizard = self.wizard()
        assert isinstance(wizard, SetupWizard)
        return wizard

    def initializePage(self) -> None:  # noqa: N802
        """Show the key in two lines of groups."""
        key = self._wizard().recovery_key()
        groups = key.split("-")
        self.key_label.setText("-".join(groups[:7]) + "-\n" + "-".join(groups[7:]))
        self.setCommitPage(False)

    def isComplete(self) -> bool:  # noqa: N802
        """Only once the user confirms the sheet is safe."""
        return self.confirm.isChecked()

    def sheet_text(self) -> str:
        """The recovery sheet's text."""
        wizard = self._wizard()
        return recovery_sheet_text(
            wizard.recovery_key(), district_code=wizard.district_code(), db_path=wizard.created_path()
        )

    def save_to(self, path: Path) -> Path:
        """Write the sheet to ``path`` (readable only by its owner)."""
        wizard = self._wizard()
        written = write_recovery_sheet(
            path, wizard.recovery_key(), district_code=wizard.district_code(), db_path=wizard.created_path()
        )
        self.result.setText(f"Saved as {written}. Print it, keep the paper safe, then delete the file.")
        set_role(self.result, "field-ok")
        return written

    def ask_and_save(self) -> None:
        """Ask where to save the sheet, then save it."""
        suggestion = self._wizard().created_path().with_suffix(".recovery.txt")
        chosen, _filter = QFileDialog.getSaveFileName(self, "Save the recovery sheet", str(suggestion), "Text (*.txt)")
        if chosen:
            try:
                self.save_to(Path(chosen))
            except OSError as error:
                show_error(self, f"The sheet could not be saved there: {error.strerror}. Choose another place.")

    def sheet_document(self) -> QTextDocument:
        """The sheet laid out for printing: the key large, in a monospaced font."""
        key = self._wizard().recovery_key()
        parts: list[str] = []
        for line in self.sheet_text().splitlines():
            if line.strip() == key:
                parts.append(
                    f'<p style="font-family: monospace; font-size: 18pt; margin: 14px 0;">{html.escape(key)}</p>'
                )
            elif line.startswith("COPDESK"):
                parts.append(f"<h2>{html.escape(line)}</h2>")
            else:
                parts.append(f"<p>{html.escape(line) or '&nbsp;'}</p>")
        document = QTextDocument()
        document.setHtml("".join(parts))
        return document

    def ask_and_print(self) -> None:
        """Show the print dialog and print the sheet."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the recovery sheet")
        if dialog.exec() == QPrintDialog.DialogCode.Accepted:
            self.sheet_document().print_(printer)
            self.result.setText("Sent to the printer. Check that the key printed clearly.")
            set_role(self.result, "field-ok")


class SetupWizard(QWizard):
    """First-run setup of a district database. ``context`` holds the signed-in district officer at the end."""

    #: The district has been created (before the recovery page); carries the ServiceContext.
    district_created = Signal(object)
    #: The user chose to open the demo database instead.
    demo_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, demo_path: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Set up copdesk")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setMinimumSize(780, 580)
        self.setup: DistrictSetup | None = None
        self.demo_path = demo_path
        self.welcome_page = WelcomePage(demo_path)
        self.district_page = DistrictPage()
        self.stations_page = StationsPage()
        self.officer_page = OfficerPage()
        self.location_page = LocationPage()
        self.recovery_page = RecoveryPage()
        for number, page in enumerate(
            (
                self.welcome_page,
                self.district_page,
                self.stations_page,
                self.officer_page,
                self.location_page,
                self.recovery_page,
            )
        ):
            self.setPage(number, page)
        self.setStartId(WELCOME)
        self.welcome_page.demo_button.clicked.connect(self.open_demo)
        self.currentIdChanged.connect(self._page_changed)

    @property
    def context(self) -> ServiceContext | None:
        """The signed-in district officer once the district exists."""
        return self.setup.context if self.setup else None

    def recovery_key(self) -> str:
        """The one-time recovery key ('' before the district exists)."""
        return self.setup.recovery_key if self.setup else ""

    def district_code(self) -> str:
        """The chosen district's code."""
        chosen = self.district_page.selected_district()
        return chosen.code if chosen else ""

    def created_path(self) -> Path:
        """Where the database is (or will be)."""
        return self.location_page.db_path()

    def open_demo(self) -> None:
        """Open the demo: at once when it exists, else after making it in a task (a few seconds)."""
        page = self.welcome_page
        if page.busy:
            return
        existing = self.demo_path if self.demo_path is not None and self.demo_path.exists() else None
        existing = existing or find_demo_database()
        if existing is not None:
            self._demo_ready(existing)
            return
        page.set_busy(True)

        def failed(error: CopdeskError) -> None:
            page.say(f"The demo could not be made: {error.message}", "field-error")

        def done() -> None:
            if self.result() != DEMO_RESULT:
                page.set_busy(False)
                if not page.status.text() or page.status.property("role") == "muted":
                    page.say("The demo could not be made. The details are in the log.", "field-error")

        Task(build_demo_database, parent=self).on_success(self._demo_ready).on_failure(failed).on_done(done).run()

    def _demo_ready(self, path: Path) -> None:
        self.demo_path = path
        self.demo_requested.emit(path)
        self.done(DEMO_RESULT)

    def _page_changed(self, page_id: int) -> None:
        cancel = self.button(QWizard.WizardButton.CancelButton)
        cancel.setEnabled(page_id != RECOVERY)

    def create_database(self) -> None:
        """Create the district database on a worker thread, then move on to the recovery sheet."""
        district = self.district_page.selected_district()
        assert district is not None
        path = self.location_page.db_path()
        officer = self.officer_page
        username, name = officer.username.text().strip(), officer.display_name.text().strip()
        password, stations = officer.passwords.password(), self.stations_page.stations()
        self.location_page.set_busy(True, "Creating the encrypted database…")

        def create() -> DistrictSetup:
            return create_district(
                path,
                district_code=district.code,
                officer_username=username,
                officer_name=name,
                officer_password=password,
                stations=stations,
            )

        def created(setup: DistrictSetup) -> None:
            self.setup = setup
            self.location_page.set_busy(False, "")
            self.district_created.emit(setup.context)
            self.next()

        def failed(error: CopdeskError) -> None:
            self.location_page.show_failure(f"The district was not created: {error.message}")

        def done() -> None:
            if self.setup is None:
                self.location_page.set_busy(False)

        Task(create, parent=self).on_success(created).on_failure(failed).on_done(done).run()

    def reject(self) -> None:
        """Refuse to close while the district or the demo is being made, or the recovery sheet is unsaved."""
        if self.location_page.busy or self.welcome_page.busy:
            return
        if self.setup is not None and not self.recovery_page.confirm.isChecked():
            show_error(
                self,
                "The district has been created. Save or print the recovery sheet and tick the box first: "
                "the key cannot be shown again.",
            )
            return
        super().reject()
