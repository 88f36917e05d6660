"""Sending a closed month to the hub, step by step: choose the month, see what goes out, choose where, done.

:class:`BundleExportWizard` runs :meth:`~copdesk.services.bundles.BundleService.export_month` in a task once the
district officer has chosen a closed month, seen what the bundle carries and chosen a folder (a USB drive when one
is plugged in, else Documents). The last page shows the file and a ready-to-send e-mail (subject and text with the
district, month, file name and the file's SHA-256), to copy or to open in the e-mail program through a ``mailto:``
link. A month already sent is saved again from the outbox, byte for byte.

The service has no preview of a bundle before it is made, so the preview shows what the month's closing, the
district's bundle status, the outbox and the month's stored figures say.

Tests replace :func:`ask_folder`, :func:`open_folder` and :func:`open_url` (they would open system windows).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from PySide6.QtCore import QStandardPaths, QStorageInfo, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from copdesk.domain.months import Month
from copdesk.domain.reference import district as reference_district
from copdesk.errors import CopdeskError
from copdesk.services.bundles import BundleService, ExportResult, OutboxEntryView, SyncStatusView
from copdesk.services.context import ServiceContext
from copdesk.services.figures import SPEC_BY_NAME, FigureSet, FiguresService
from copdesk.services.months import MonthService, MonthStatus
from copdesk.ui.list_screen import RecordTableView
from copdesk.ui.months_screen import format_figure
from copdesk.ui.paged_model import Column, ModelIndex
from copdesk.ui.rows_model import RowsTableModel
from copdesk.ui.tasks import Task
from copdesk.ui.theme import MUTED_COLOUR, set_role

#: How many months (the current one and those before it) the first page offers.
MONTHS_OFFERED = 24
#: Outbox statuses after which the month's bundle is made again.
REFUSED = frozenset({"rejected", "conflict"})
#: The month's figures shown on the preview page, in this order.
HEADLINE_FIGURES = (
    "meetings_held",
    "disputes_heard",
    "complaints_received",
    "complaints_resolved",
    "watch_shifts_planned",
    "outreach_events",
    "outreach_attendance",
    "officers_trained",
)
#: Windows' ``GetDriveTypeW`` answer for a removable drive (USB stick, memory card).
DRIVE_REMOVABLE = 2
STATE_WORDS = {"open": "Open", "closed": "Closed", "reopened": "Reopened"}
#: The figure tiles of the preview page look like the dashboard's.
TILE_STYLE = """
QFrame#figureTile { background: #ffffff; border: 1px solid #c9ced4; border-radius: 4px; }
QFrame#figureTile QLabel { background: transparent; border: none; }
"""


# -- seams the tests replace ---------------------------------------------------------------------------------------
def ask_folder(parent: QWidget | None, caption: str, start: Path) -> Path | None:
    """Ask for a folder (the system's folder dialog); None when the user cancels."""
    chosen = QFileDialog.getExistingDirectory(parent, caption, str(start))
    return Path(chosen) if chosen else None


def open_folder(folder: Path) -> None:
    """Show a folder in the system's file manager."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def open_url(url: QUrl) -> bool:
    """Open a link (here: a ``mailto:`` link in the e-mail program)."""
    return QDesktopServices.openUrl(url)


# -- where bundles go ----------------------------------------------------------------------------------------------
def documents_folder() -> Path:
    """The user's Documents folder (else the home folder)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(documents) if documents else Path.home()
    return folder if folder.is_dir() else Path.home()


def is_removable_root(root: Path) -> bool:
    """True for a removable drive's mount point.

    ``/media/<user>/<label>`` or ``/run/media/<user>/<label>`` on Linux, ``/Volumes/<label>`` on a Mac, a drive
    letter of type removable on Windows.
    """
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import ctypes

        return bool(ctypes.windll.kernel32.GetDriveTypeW(str(root)) == DRIVE_REMOVABLE)  # type: ignore[attr-defined]
    parts = root.parts
    if sys.platform == "darwin":  # pragma: no cover - macOS only
        return len(parts) == 3 and parts[1] == "Volumes"
    return (len(parts) >= 3 and parts[1] == "media") or (len(parts) >= 5 and parts[1:3] == ("run", "media"))


@dataclass(frozen=True)
class Drive:
    """A removable drive mounted now."""

    root: Path
    name: str
    free: int

    @property
    def caption(self) -> str:
        """``KINGSTON (/media/dpo/KINGSTON), 3.2 GB free``."""
        return f"{self.name} ({self.root}), {size_text(self.free)} free"


def removable_drives() -> list[Drive]:
    """The writable removable drives (USB sticks) mounted now."""
    found: list[Drive] = []
    for volume in QStorageInfo.mountedVolumes():
        if not volume.isValid() or not volume.isReady() or volume.isReadOnly():
            continue
        root = Path(volume.rootPath())
        if is_removable_root(root):
            found.append(Drive(root, volume.displayName() or root.name or str(root), volume.bytesAvailable()))
    return found


def default_destination(drives: Sequence[Drive] | None = None) -> Path:
    """Where a bundle is offered to go first: a USB drive if one is plugged in, else Documents."""
    drives = removable_drives() if drives is None else drives
    return drives[0].root if drives else documents_folder()


# -- words ---------------------------------------------------------------------------------------------------------
def size_text(size: int) -> str:
    """``812 bytes``, ``45 KB``, ``1.2 MB``, ``3.4 GB``."""
    if size < 1024:
        return f"{size:,} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:,.0f} KB"
    if size < 1024**3:
        return f"{size / 1024**2:,.1f} MB"
    return f"{size / 1024**3:,.1f} GB"


def range_text(from_seq: int, to_seq: int) -> str:
    """``changes 101 to 250`` (what the bundle's change-sequence range covers)."""
    if to_seq <= from_seq:
        return "no changes besides the month's closing"
    if to_seq == from_seq + 1:
        return f"change {to_seq:,}"
    return f"changes {from_seq + 1:,} to {to_seq:,}"


def district_name(code: str) -> str:
    """The district's English name from the reference data (the code when it is not there)."""
    try:
        return reference_district(code).name_en
    except Exception:  # noqa: BLE001 - an unknown code is shown as it is
        return code


def outbox_status_text(entry: OutboxEntryView) -> str:
    """What the hub said about a bundle, in plain words."""
    if entry.status == "accepted":
        return "Accepted by the hub"
    if entry.status == "pending":
        return "At the hub, waiting for an earlier bundle"
    if entry.status == "duplicate":
        return "Received twice by the hub"
    if entry.status in REFUSED:
        reason = f": {entry.hub_reason}" if entry.hub_reason else ""
        return f"Refused by the hub{reason}"
    return "Waiting for the hub's acknowledgement"


def latest_entries(outbox: Sequence[OutboxEntryView]) -> dict[str, OutboxEntryView]:
    """The newest outbox entry of each month."""
    latest: dict[str, OutboxEntryView] = {}
    for entry in outbox:
        current = latest.get(entry.month)
        if current is None or entry.sequence > current.sequence:
            latest[entry.month] = entry
    return latest


def sharing_text(status: SyncStatusView) -> str:
    """What personal data the district's policy lets travel."""
    cnic = "CNIC numbers in clear" if status.cnic_in_clear else "CNIC numbers only as codes the hub cannot read back"
    contact = (
        "private persons' names and contact details included"
        if status.contact_details
        else "private persons' names and contact details left out"
    )
    return f"{cnic}; {contact}."


# -- the month to send ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthChoice:
    """One month on the first page: whether it can be sent and, if not, why."""

    month: str
    state: str
    sendable: bool
    note: str
    sent: OutboxEntryView | None

    @property
    def label(self) -> str:
        """``October 2026``."""
        return Month.parse(self.month).label


def month_choices(months: Sequence[MonthStatus], outbox: Sequence[OutboxEntryView], current: str) -> list[MonthChoice]:
    """The months offered (newest first): closed ones can be sent; the others say why not.

    Months before the first one ever closed (or sent) are left out: the district did not use copdesk then.
    """
    latest = latest_entries(outbox)
    used = [s.month for s in months if s.state != "open" or s.month in latest]
    earliest = min(used) if used else min((s.month for s in months[:2]), default="")
    choices: list[MonthChoice] = []
    for status in months:
        if status.month < earliest:
            continue
        sent = latest.get(status.month)
        if status.state == "closed":
            if sent is None:
                note = "Not sent yet"
            elif sent.status in REFUSED:
                note = f"Bundle {sent.sequence} was refused by the hub: a new bundle will be made"
            else:
                note = f"Sent as bundle {sent.sequence} ({outbox_status_text(sent).lower()}); can be saved again"
            choices.append(MonthChoice(status.month, status.state, True, note, sent))
            continue
        if status.month >= current:
            note = "Not over yet: it can be sent once it is over and closed"
        elif status.state == "reopened":
            note = "Reopened for corrections: close it again on the Month closing screen first"
        else:
            note = "Still open: close it on the Month closing screen first (only closed months are sent)"
        choices.append(MonthChoice(status.month, status.state, False, note, sent))
    return choices


def first_choice(choices: Sequence[MonthChoice]) -> int:
    """The row chosen at first: the oldest closed month not sent yet, else the newest closed month (-1: none)."""
    unsent = [
        row
        for row, choice in enumerate(choices)
        if choice.sendable and (choice.sent is None or choice.sent.status in REFUSED)
    ]
    if unsent:
        return unsent[-1]
    return next((row for row, choice in enumerate(choices) if choice.sendable), -1)


MONTH_CHOICE_COLUMNS: tuple[Column[MonthChoice], ...] = (
    Column("Month", lambda c: c.label, width=150),
    Column("State", lambda c: STATE_WORDS.get(c.state, c.state.capitalize()), width=90),
    Column("To the hub", lambda c: c.note),
)


class MonthChoiceModel(RowsTableModel):
    """The months: months that cannot be sent are greyed out and cannot be chosen."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(MONTH_CHOICE_COLUMNS, parent)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text; grey text (and the reason as a tooltip) for months that cannot be sent."""
        choice = self.row_object(index.row()) if index.isValid() else None
        if isinstance(choice, MonthChoice) and not choice.sendable:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(MUTED_COLOUR))
            if role == Qt.ItemDataRole.ToolTipRole:
                return choice.note
        return super().data(index, role)

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Months that cannot be sent are neither enabled nor selectable."""
        choice = self.row_object(index.row()) if index.isValid() else None
        if isinstance(choice, MonthChoice) and not choice.sendable:
            return Qt.ItemFlag.ItemNeverHasChildren
        return super().flags(index)


# -- the e-mail ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EmailDraft:
    """A ready-to-send e-mail about a bundle."""

    subject: str
    body: str

    def text(self) -> str:
        """Subject line and body, as shown and copied."""
        return f"Subject: {self.subject}\n\n{self.body}"

    def mailto(self, to: str = "") -> QUrl:
        """A ``mailto:`` link that fills in the subject and the body (line ends as CR LF, RFC 6068)."""
        body = self.body.replace("\r\n", "\n").replace("\n", "\r\n")
        query = f"subject={quote(self.subject, safe='')}&body={quote(body, safe='')}"
        return QUrl.fromEncoded(f"mailto:{quote(to, safe='@')}?{query}".encode("ascii"))


def email_draft(
    result: ExportResult, district_code: str, hub_name: str | None, sender: str, district: str | None = None
) -> EmailDraft:
    """The e-mail that goes with a bundle: district, month, file name, size and SHA-256 to check on arrival."""
    name = district or district_name(district_code)
    month = Month.parse(result.month).label
    file_name = result.path.name
    subject = f"COP monthly bundle: {name} ({district_code}), {month}, bundle {result.sequence}"
    lines = [
        f"[Attach the file {file_name} before sending: an e-mail link cannot attach files. "
        f"It is in {result.path.parent}]",
        "",
        f"To {hub_name or 'the federal COP hub'},",
        "",
        f"Please find attached the Community Oriented Policing bundle of {name} district ({district_code}) "
        f"for {month}.",
    ]
    if result.resent:
        lines.append("It is the same file as the one sent before, sent again.")
    lines += [
        "",
        f"File name: {file_name}",
        f"Size: {result.size:,} bytes",
        f"Bundle number: {result.sequence}",
        f"Records: {result.records:,} ({range_text(result.from_seq, result.to_seq)})",
        f"SHA-256: {result.sha256}",
        "",
        "The file is signed by the district and encrypted for the hub. Please check that the SHA-256 of the file "
        "you received is the one above, import it, and send us the hub's acknowledgement file.",
        "",
        "Regards,",
        sender,
        f"{name} district",
    ]
    return EmailDraft(subject, "\n".join(lines))


def result_summary(result: ExportResult) -> str:
    """One sentence about a bundle written (or saved again)."""
    month = Month.parse(result.month).label
    if result.resent:
        return (
            f"The bundle already made for {month} (number {result.sequence}) was saved again from the outbox, "
            f"byte for byte: {result.records:,} records, {size_text(result.size)}."
        )
    return (
        f"Bundle {result.sequence} for {month} was written and checked: {result.records:,} records "
        f"({range_text(result.from_seq, result.to_seq)}), {size_text(result.size)}."
    )


class SendInstructions(QWidget):
    """The written file (with Open folder) and the ready-to-send e-mail (Copy, Open in e-mail program)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft: EmailDraft | None = None
        self.folder: Path | None = None
        self.path_label = QLabel("")
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.path_label.setWordWrap(True)
        self.open_folder_button = QPushButton("Open folder")
        self.open_folder_button.setAutoDefault(False)
        self.open_folder_button.clicked.connect(lambda _checked=False: self.open_folder())
        file_row = QHBoxLayout()
        file_row.setSpacing(12)
        file_caption = QLabel("File")
        file_caption.setMinimumWidth(60)
        file_row.addWidget(file_caption)
        file_row.addWidget(self.path_label, 1)
        file_row.addWidget(self.open_folder_button)

        mail_caption = QLabel("Take the USB drive to the hub, or send the file by e-mail with this text:")
        mail_caption.setWordWrap(True)
        self.draft_text = QPlainTextEdit()
        self.draft_text.setReadOnly(True)
        self.draft_text.setMinimumHeight(200)
        self.draft_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setAutoDefault(False)
        self.copy_button.setToolTip("Copy the subject and the text, to paste them into an e-mail")
        self.copy_button.clicked.connect(lambda _checked=False: self.copy_draft())
        self.mail_button = QPushButton("Open in e-mail program")
        self.mail_button.setAutoDefault(False)
        self.mail_button.setToolTip("A new e-mail with this subject and text (attach the file yourself)")
        self.mail_button.clicked.connect(lambda _checked=False: self.open_email())
        self.mail_note = QLabel("")
        self.mail_note.setWordWrap(True)
        set_role(self.mail_note, "muted")
        buttons = QHBoxLayout()
        buttons.addWidget(self.mail_note, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.mail_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(file_row)
        layout.addSpacing(6)
        layout.addWidget(mail_caption)
        layout.addWidget(self.draft_text, 1)
        layout.addLayout(buttons)

    def show_result(self, result: ExportResult, draft: EmailDraft) -> None:
        """Show this file and its e-mail."""
        self.draft = draft
        self.folder = result.path.parent
        self.path_label.setText(str(result.path))
        self.draft_text.setPlainText(draft.text())
        self.copy_button.setText("Copy")
        self.mail_note.setText("E-mail links cannot attach files: attach the bundle yourself before sending.")

    def open_folder(self) -> None:
        """Show the bundle's folder in the file manager."""
        if self.folder is not None:
            open_folder(self.folder)

    def copy_draft(self) -> None:
        """Put the e-mail's subject and text on the clipboard."""
        if self.draft is not None:
            QGuiApplication.clipboard().setText(self.draft.text())
            self.copy_button.setText("Copied")

    def open_email(self) -> None:
        """Open a new e-mail with the subject and the text filled in."""
        if self.draft is None:
            return
        if not open_url(self.draft.mailto()):
            self.mail_note.setText("No e-mail program answered: press Copy and paste the text into an e-mail.")


class BundleSavedDialog(QDialog):
    """A bundle saved (again) from the outbox: where it is, and its e-mail."""

    def __init__(self, result: ExportResult, draft: EmailDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.export_result = result
        self.setWindowTitle("Bundle saved")
        self.setMinimumWidth(700)
        heading = QLabel(f"Bundle {result.sequence} for {Month.parse(result.month).label}")
        set_role(heading, "heading")
        self.summary = QLabel(result_summary(result))
        self.summary.setWordWrap(True)
        set_role(self.summary, "field-ok")
        self.instructions = SendInstructions()
        self.instructions.show_result(result, draft)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.instructions, 1)
        layout.addWidget(buttons)
        self.resize(760, 560)


# -- the pages -----------------------------------------------------------------------------------------------------
class _Page(QWizardPage):
    """A page of the export wizard, with a message line."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.hide()

    def export_wizard(self) -> BundleExportWizard:
        """The wizard this page is on."""
        wizard = self.wizard()
        assert isinstance(wizard, BundleExportWizard)
        return wizard

    def say(self, text: str, role: str = "field-error") -> None:
        """Show a message on the page ('' hides it)."""
        self.message.setText(text)
        set_role(self.message, role)
        self.message.setVisible(bool(text))


class MonthPage(_Page):
    """Choose a closed month; open months are shown greyed out with the reason."""

    #: The months were read (tests wait for this).
    months_loaded = Signal()

    def __init__(self, context: ServiceContext, month: str | None = None) -> None:
        super().__init__(
            "Choose the month",
            "Only closed months are sent: their records are final and their figures stored.",
        )
        self.months = MonthService(context)
        self.bundles = BundleService(context)
        self.today = Month.of(context.today())
        self.wanted = month
        self.loaded = False
        self.model = MonthChoiceModel(self)
        self.table = RecordTableView()
        self.table.setSortingEnabled(False)
        self.table.setModel(self.model)
        for number, column in enumerate(MONTH_CHOICE_COLUMNS):
            if column.width:
                self.table.setColumnWidth(number, column.width)
        self.table.selectionModel().currentRowChanged.connect(lambda *_args: self.completeChanged.emit())
        self.table.open_requested.connect(lambda _index: self._next())
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

    def initializePage(self) -> None:  # noqa: N802
        """Read the recent months and the outbox (once)."""
        if self.loaded:
            return
        months, bundles, current = self.months, self.bundles, str(self.today)
        self.say("Reading the months…", "muted")

        def load() -> list[MonthChoice]:
            return month_choices(months.recent(MONTHS_OFFERED), bundles.outbox(), current)

        def failed(error: CopdeskError) -> None:
            self.say(error.message)
            self.months_loaded.emit()

        Task(load, parent=self).on_success(self.show_choices).on_failure(failed).run()

    def show_choices(self, choices: list[MonthChoice]) -> None:
        """List the months and choose the one to send next."""
        self.loaded = True
        self.model.set_rows(choices)
        wanted = next((row for row, c in enumerate(choices) if c.month == self.wanted and c.sendable), -1)
        row = wanted if wanted >= 0 else first_choice(choices)
        if row >= 0:
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))
            self.say("")
        else:
            self.say("No month is closed yet: close a month on the Month closing screen, then send it.", "muted")
        self.completeChanged.emit()
        self.months_loaded.emit()

    def choose(self, month: str) -> bool:
        """Choose a month by its ``YYYY-MM`` (False when it cannot be sent)."""
        for row, choice in enumerate(self.model.rows()):
            if choice.month == month and choice.sendable:
                self.table.setCurrentIndex(self.model.index(row, 0))
                self.table.selectRow(row)
                return True
        return False

    def chosen(self) -> MonthChoice | None:
        """The month chosen, if it can be sent."""
        index = self.table.currentIndex()
        choice = self.model.row_object(index.row()) if index.isValid() else None
        return choice if isinstance(choice, MonthChoice) and choice.sendable else None

    def _next(self) -> None:
        if self.isComplete():
            self.export_wizard().next()

    def isComplete(self) -> bool:  # noqa: N802
        """Once a closed month is chosen."""
        return self.chosen() is not None


@dataclass(frozen=True)
class PreviewFacts:
    """What is known about a month's bundle before it is written."""

    month: MonthStatus
    status: SyncStatusView
    stored: OutboxEntryView | None
    figures: FigureSet | None


class PreviewPage(_Page):
    """What goes out: which bundle, which changes, what personal data, the month's headline figures."""

    #: The facts were read and shown (tests wait for this).
    preview_loaded = Signal()

    def __init__(self, context: ServiceContext) -> None:
        super().__init__("What goes to the hub", "")
        self.context = context
        self.bundles = BundleService(context)
        self.months = MonthService(context)
        self.figures = FiguresService(context) if context.can("figures.view") else None
        self.facts: PreviewFacts | None = None
        self._generation = 0

        self.headline = QLabel("")
        self.headline.setWordWrap(True)
        font = self.headline.font()
        font.setBold(True)
        self.headline.setFont(font)
        self.details = QGridLayout()
        self.details.setHorizontalSpacing(16)
        self.details.setVerticalSpacing(8)
        self.details.setColumnStretch(1, 1)
        self.values: dict[str, QLabel] = {}
        for row, (key, caption) in enumerate(
            (
                ("bundle", "Bundle"),
                ("records", "Records"),
                ("closed", "Month closed"),
                ("personal", "Personal data"),
                ("hub", "Goes to"),
                ("protection", "Protection"),
            )
        ):
            value = QLabel("")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[key] = value
            top = Qt.AlignmentFlag.AlignTop
            self.details.addWidget(QLabel(caption), row, 0, top | Qt.AlignmentFlag.AlignLeft)
            self.details.addWidget(value, row, 1, top)
        self.figures_caption = QLabel("The month's figures (they travel with the records)")
        caption_font = self.figures_caption.font()
        caption_font.setBold(True)
        self.figures_caption.setFont(caption_font)
        self.figures_grid = QGridLayout()
        self.figures_grid.setHorizontalSpacing(12)
        self.figures_grid.setVerticalSpacing(10)
        self.figure_tiles: dict[str, QLabel] = {}
        for number, name in enumerate(HEADLINE_FIGURES):
            tile = QFrame()
            tile.setObjectName("figureTile")
            tile.setStyleSheet(TILE_STYLE)
            tile_layout = QVBoxLayout(tile)
            tile_layout.setContentsMargins(10, 6, 10, 8)
            tile_layout.setSpacing(2)
            figure_caption = QLabel(SPEC_BY_NAME[name].label)
            set_role(figure_caption, "muted")
            figure_caption.setWordWrap(True)
            value = QLabel("–")
            value_font = value.font()
            value_font.setBold(True)
            value_font.setPointSize(value_font.pointSize() + 4)
            value.setFont(value_font)
            tile_layout.addWidget(figure_caption)
            tile_layout.addWidget(value)
            self.figure_tiles[name] = value
            self.figures_grid.addWidget(tile, number // 4, number % 4)
        for column in range(4):
            self.figures_grid.setColumnStretch(column, 1)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.headline)
        layout.addLayout(self.details)
        layout.addSpacing(8)
        layout.addWidget(self.figures_caption)
        layout.addLayout(self.figures_grid)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        """Read the month's closing, the bundle status, the outbox and the figures (off the GUI thread)."""
        choice = self.export_wizard().month_page.chosen()
        if choice is None:
            return
        self.setSubTitle(f"{choice.label}: check what the bundle carries. Nothing is written before the next page.")
        self._generation += 1
        generation, month = self._generation, choice.month
        bundles, months, figures = self.bundles, self.months, self.figures
        self.facts = None
        self.headline.setText("Reading the month…")
        self.say("")
        self.completeChanged.emit()

        def load() -> PreviewFacts:
            latest = latest_entries(bundles.outbox()).get(month)
            stored = latest if latest is not None and latest.status not in REFUSED else None
            return PreviewFacts(
                months.status(month),
                bundles.status(),
                stored,
                figures.for_month(month) if figures is not None else None,
            )

        def loaded(facts: PreviewFacts) -> None:
            if generation == self._generation:
                self.show_facts(facts)

        def failed(error: CopdeskError) -> None:
            if generation == self._generation:
                self.headline.setText("")
                self.say(error.message)
                self.preview_loaded.emit()

        Task(load, parent=self).on_success(loaded).on_failure(failed).run()

    def show_facts(self, facts: PreviewFacts) -> None:
        """Fill the page from what was read."""
        self.facts = facts
        status, month, stored = facts.status, facts.month, facts.stored
        label = Month.parse(month.month).label
        if stored is not None:
            self.headline.setText(
                f"{label} was already sent as bundle {stored.sequence}: that same file is saved again, byte for byte."
            )
            self.values["bundle"].setText(
                f"Number {stored.sequence}, {stored.file_name}, made on {stored.created_at.astimezone():%d %b %Y} "
                f"({size_text(stored.size)}); {outbox_status_text(stored).lower()}."
            )
            self.values["records"].setText(
                f"{stored.records:,} records: {range_text(stored.from_seq, stored.to_seq)}, "
                "with the month's closing and figures."
            )
        else:
            number = status.highest_sequence + 1
            self.headline.setText(f"A new bundle, number {number}, is made for {label}.")
            self.values["bundle"].setText(f"Number {number} (the hub checks that none is missing or repeated).")
            since = (
                f"after change {status.acked_through_seq:,}, the last one the hub confirmed"
                if status.acked_through_seq
                else "since the beginning (the hub has confirmed nothing yet)"
            )
            self.values["records"].setText(
                f"Every record created, changed or deleted {since}, up to the moment {label} was closed; "
                "with the month's closing and figures."
            )
        closed_on = f" on {month.closed_at.astimezone():%d %b %Y}" if month.closed_at else ""
        closed_by = f" by {month.closed_by}" if month.closed_by else ""
        if month.reopen_reason:
            self.values["closed"].setText(
                f"Closed again{closed_on}{closed_by}, after being reopened: {month.reopen_reason.rstrip('.')}."
            )
        else:
            self.values["closed"].setText(f"Closed{closed_on}{closed_by}.")
        self.values["personal"].setText(sharing_text(status))
        hub = status.hub_name or "the federal hub"
        fingerprint = f" (fingerprint {status.hub_fingerprint})" if status.hub_fingerprint else ""
        self.values["hub"].setText(f"{hub}{fingerprint}.")
        self.values["protection"].setText(
            "Signed with this district's key and encrypted: only the hub, and this district with its recovery "
            "sheet, can open it."
        )
        self._show_figures(facts.figures)
        self.completeChanged.emit()
        self.preview_loaded.emit()

    def _show_figures(self, figures: FigureSet | None) -> None:
        self.figures_caption.setVisible(figures is not None)
        for name, tile in self.figure_tiles.items():
            frame = tile.parentWidget()
            if frame is not None:
                frame.setVisible(figures is not None)
            if figures is not None:
                tile.setText(format_figure(SPEC_BY_NAME[name], figures.values.get(name)))

    def figure_text(self, name: str) -> str:
        """The shown value of a headline figure."""
        return self.figure_tiles[name].text()

    def isComplete(self) -> bool:  # noqa: N802
        """Once the facts are shown."""
        return self.facts is not None


class DestinationPage(_Page):
    """Where the file goes (a USB drive when one is plugged in), then Write bundle runs the export."""

    #: The export finished, well or not (tests wait for this).
    export_finished = Signal()

    def __init__(self, context: ServiceContext) -> None:
        super().__init__(
            "Where to save it",
            "A USB drive to take to the hub, or a folder to attach the file to an e-mail from.",
        )
        self.bundles = BundleService(context)
        self.result: ExportResult | None = None
        self.running = False
        self.drives: list[Drive] = []
        self.setCommitPage(True)
        self.folder_edit = QLineEdit()
        self.folder_edit.setMinimumWidth(420)
        self.folder_edit.textChanged.connect(lambda _text: self._folder_changed())
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(lambda _checked=False: self.browse())
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.browse_button)
        self.drive_combo = QComboBox()
        self.drive_combo.setMinimumContentsLength(30)
        self.drive_combo.activated.connect(lambda _index: self._drive_chosen())
        self.look_again_button = QPushButton("Look again")
        self.look_again_button.setToolTip("Look for USB drives again (after plugging one in)")
        self.look_again_button.clicked.connect(lambda _checked=False: self.find_drives(choose=True))
        self.drive_note = QLabel("")
        self.drive_note.setWordWrap(True)
        set_role(self.drive_note, "muted")
        drive_row = QHBoxLayout()
        drive_row.addWidget(self.drive_combo, 1)
        drive_row.addWidget(self.drive_note, 1)
        drive_row.addWidget(self.look_again_button)
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(10)
        folder_caption = QLabel("Save in")
        folder_caption.setBuddy(self.folder_edit)
        drive_caption = QLabel("USB drives")
        drive_caption.setBuddy(self.drive_combo)
        grid.addWidget(folder_caption, 0, 0)
        grid.addLayout(folder_row, 0, 1)
        grid.addWidget(drive_caption, 1, 0)
        grid.addLayout(drive_row, 1, 1)
        grid.setColumnStretch(1, 1)
        self.confirm_text = QLabel("")
        self.confirm_text.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(360)
        self.progress.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addSpacing(12)
        layout.addWidget(self.confirm_text)
        layout.addSpacing(6)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        """Offer a USB drive (or Documents) and say what Write bundle does."""
        choice = self.export_wizard().month_page.chosen()
        facts = self.export_wizard().preview_page.facts
        if choice is None:
            return
        self.find_drives(choose=not self.folder_edit.text())
        what = (
            f"the bundle already made for {choice.label} ({facts.stored.file_name})"
            if facts is not None and facts.stored is not None
            else f"the bundle of {choice.label}"
        )
        self.confirm_text.setText(
            f"Write bundle saves {what} in this folder, reads it back and checks its signature. It also stays in "
            "the outbox, so it can be saved again later."
        )
        self.say("")

    def find_drives(self, *, choose: bool) -> None:
        """Look for USB drives; with ``choose``, put the first one (else Documents) in the folder box."""
        self.drives = removable_drives()
        self.show_drives(choose=choose)

    def show_drives(self, *, choose: bool) -> None:
        """Offer ``self.drives``."""
        self.drive_combo.clear()
        for drive in self.drives:
            self.drive_combo.addItem(drive.caption, str(drive.root))
        self.drive_combo.setVisible(bool(self.drives))
        self.drive_note.setVisible(not self.drives)
        self.drive_note.setText("No USB drive found. Plug one in and press Look again, or choose a folder.")
        if choose:
            self.folder_edit.setText(str(default_destination(self.drives)))

    def _drive_chosen(self) -> None:
        root = self.drive_combo.currentData()
        if isinstance(root, str):
            self.folder_edit.setText(root)

    def browse(self) -> None:
        """Choose the folder with the system's folder dialog."""
        start = Path(self.folder_edit.text()) if self.folder_edit.text() else documents_folder()
        chosen = ask_folder(self, "Save the bundle in", start)
        if chosen is not None:
            self.folder_edit.setText(str(chosen))

    def set_folder(self, folder: Path) -> None:
        """Save in this folder."""
        self.folder_edit.setText(str(folder))

    def _folder_changed(self) -> None:
        self.say("")
        self.completeChanged.emit()

    def folder_problem(self) -> str:
        """Why the typed folder cannot take the bundle ('' when it can)."""
        text = self.folder_edit.text().strip()
        if not text:
            return "Choose the folder (or USB drive) to save the bundle in."
        folder = Path(text).expanduser()
        if not folder.is_dir():
            return f"There is no folder {folder}. Plug in the USB drive, or choose another folder."
        if not os.access(folder, os.W_OK):
            return f"The folder {folder} cannot be written to (a write-protected USB drive?). Choose another."
        return ""

    def isComplete(self) -> bool:  # noqa: N802
        """Once a folder is typed (and not while the export runs)."""
        return bool(self.folder_edit.text().strip()) and not self.running

    def validatePage(self) -> bool:  # noqa: N802
        """Write the bundle (off the GUI thread); the wizard moves on once it is written and checked."""
        if self.result is not None:
            return True
        if self.running:
            return False
        problem = self.folder_problem()
        choice = self.export_wizard().month_page.chosen()
        if problem or choice is None:
            self.say(problem or "Go back and choose a closed month.")
            return False
        folder, month, bundles = Path(self.folder_edit.text().strip()).expanduser(), choice.month, self.bundles
        wizard = self.export_wizard()
        self.set_running(True)
        self.say("Writing the bundle and checking it…", "muted")

        def written(result: ExportResult) -> None:
            self.result = result
            self.set_running(False)
            self.say("")
            wizard.exported.emit(result)
            self.export_finished.emit()
            wizard.next()

        def failed(error: CopdeskError) -> None:
            self.set_running(False)
            self.say(error.message)
            self.export_finished.emit()

        Task(lambda: bundles.export_month(month, folder), parent=self).on_success(written).on_failure(failed).run()
        return False

    def set_running(self, running: bool) -> None:
        """Show the busy bar; nothing else can be pressed while the bundle is written."""
        self.running = running
        self.progress.setVisible(running)
        for widget in (self.folder_edit, self.browse_button, self.drive_combo, self.look_again_button):
            widget.setEnabled(not running)
        wizard = self.wizard()
        if wizard is not None:
            wizard.button(QWizard.WizardButton.CancelButton).setEnabled(not running)
            wizard.button(QWizard.WizardButton.BackButton).setEnabled(not running)
        self.completeChanged.emit()


class DonePage(_Page):
    """The file written, Open folder, and the ready-to-send e-mail."""

    def __init__(self, context: ServiceContext) -> None:
        super().__init__("Bundle written", "")
        self.context = context
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        set_role(self.summary, "field-ok")
        self.instructions = SendInstructions()
        self.draft: EmailDraft | None = None
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.summary)
        layout.addWidget(self.instructions, 1)

    def initializePage(self) -> None:  # noqa: N802
        """Show the file and its e-mail."""
        wizard = self.export_wizard()
        result = wizard.destination_page.result
        facts = wizard.preview_page.facts
        if result is None:
            return
        self.setTitle("Bundle saved again" if result.resent else "Bundle written")
        self.setSubTitle("Send the file to the hub; import the hub's acknowledgement file when it comes back.")
        self.summary.setText(result_summary(result))
        actor = self.context.actor
        hub_name = facts.status.hub_name if facts is not None else None
        self.draft = email_draft(
            result, self.context.district_code or "", hub_name, actor.display_name or actor.username
        )
        self.instructions.show_result(result, self.draft)


class BundleExportWizard(QWizard):
    """Send a closed month to the hub: month, preview, destination, done."""

    #: A bundle was written or saved again (its ExportResult).
    exported = Signal(object)

    def __init__(self, context: ServiceContext, parent: QWidget | None = None, *, month: str | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Send a month to the hub")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Write bundle")
        self.setButtonText(QWizard.WizardButton.FinishButton, "Close")
        self.setMinimumSize(860, 620)
        self.resize(960, 680)
        self.month_page = MonthPage(context, month)
        self.preview_page = PreviewPage(context)
        self.destination_page = DestinationPage(context)
        self.done_page = DonePage(context)
        for page in (self.month_page, self.preview_page, self.destination_page, self.done_page):
            self.addPage(page)

    def reject(self) -> None:
        """Cancel and Esc wait while the bundle is being written."""
        if self.destination_page.running:
            return
        super().reject()


def open_export_wizard(
    parent: QWidget | None,
    context: ServiceContext,
    *,
    month: str | None = None,
    on_exported: Callable[[ExportResult], object] | None = None,
) -> BundleExportWizard:
    """Open the export wizard (window-modal, deleted when closed); ``on_exported`` runs after a bundle is saved."""
    wizard = BundleExportWizard(context, parent, month=month)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if on_exported is not None:
        wizard.exported.connect(on_exported)
    wizard.open()
    return wizard
