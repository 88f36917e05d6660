"""Bundles: where the district stands with the hub, the outbox of monthly bundles, and the hub's answers.

The status panel shows whether the district is enrolled, the hub's name and fingerprint, this district's key
fingerprint, what the hub has confirmed and the next bundle's number. The outbox lists every bundle written with
what the hub said about it; "Save a copy…" saves a bundle again from the outbox, byte for byte. The district
officer sends a month with the export wizard (:mod:`copdesk.ui.bundle_wizard`), imports the hub's
acknowledgement file, and, before the first exchange, installs the hub's profile and writes the enrolment request.

Tests replace :func:`ask_open_file` and the wizard module's :func:`~copdesk.ui.bundle_wizard.ask_folder`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from copdesk.domain.months import Month
from copdesk.errors import CopdeskError, ValidationError, WorkflowError
from copdesk.services.bundles import (
    BundleService,
    EnrolmentFiles,
    ExportResult,
    FeedbackResult,
    OutboxEntryView,
    SyncStatusView,
)
from copdesk.services.context import ServiceContext
from copdesk.sync.identity import normalise_fingerprint
from copdesk.ui import bundle_wizard
from copdesk.ui.bundle_wizard import (
    REFUSED,
    BundleExportWizard,
    BundleSavedDialog,
    email_draft,
    latest_entries,
    open_export_wizard,
    outbox_status_text,
    sharing_text,
    size_text,
)
from copdesk.ui.dialogs import show_error, show_info
from copdesk.ui.forms import FormDialog
from copdesk.ui.list_screen import RecordTableView
from copdesk.ui.paged_model import RIGHT, Column
from copdesk.ui.rows_model import RowsTableModel
from copdesk.ui.screen import Screen
from copdesk.ui.tasks import Task
from copdesk.ui.theme import mono_font, set_role

ACK_FILTER = "Hub acknowledgements (*.ack);;All files (*)"
PROFILE_FILTER = "Hub profile (*.json);;All files (*)"


def ask_open_file(parent: QWidget | None, caption: str, folder: Path, file_filter: str) -> Path | None:
    """Ask for a file to open (the system's Open dialog); None when the user cancels. Tests replace this."""
    chosen, _selected = QFileDialog.getOpenFileName(parent, caption, str(folder), file_filter)
    return Path(chosen) if chosen else None


def acknowledged_text(entry: OutboxEntryView) -> str:
    """``Yes, 05 Nov 2026`` or ``No``."""
    if entry.acknowledged_at is None:
        return "No"
    return f"Yes, {entry.acknowledged_at.astimezone():%d %b %Y}"


OUTBOX_COLUMNS: tuple[Column[OutboxEntryView], ...] = (
    Column("Month", lambda e: Month.parse(e.month).label, width=130),
    Column("Bundle", lambda e: e.sequence, alignment=RIGHT, width=70),
    Column("File", lambda e: e.file_name, width=260),
    Column("Size", lambda e: size_text(e.size), alignment=RIGHT, width=80),
    Column("Made", lambda e: e.created_at, width=140),
    Column("Acknowledged", acknowledged_text, width=120),
    Column("What the hub said", outbox_status_text),
)


@dataclass(frozen=True)
class BundlesOverview:
    """What the screen shows: the status (None before the district's identity exists, with why) and the outbox."""

    status: SyncStatusView | None
    problem: str
    outbox: list[OutboxEntryView]


def enrolment_text(status: SyncStatusView | None, problem: str = "") -> str:
    """Whether the district is enrolled with the hub, in plain words."""
    if status is None:
        return problem or "Not set up: a district officer sets up bundles with the recovery sheet."
    if not status.hub_fingerprint:
        return "Not enrolled: install the hub's profile, then send the enrolment request to the hub."
    if status.feedback_version == 0:
        return "Hub profile installed. The hub's first acknowledgement confirms the enrolment."
    return "Enrolled: the hub acknowledges this district's bundles."


def copy_problem(entry: OutboxEntryView, outbox: list[OutboxEntryView]) -> str:
    """Why this outbox entry cannot be saved again as it is ('' when it can)."""
    if entry.status in REFUSED:
        return "The hub refused this bundle: send its month again (Send a month…) to make a new one."
    latest = latest_entries(outbox).get(entry.month)
    if latest is not None and latest.sequence != entry.sequence:
        return f"Bundle {latest.sequence} replaced this one for {Month.parse(entry.month).label}."
    return ""


def feedback_text(result: FeedbackResult) -> str:
    """What applying the hub's acknowledgement did, in plain words."""

    def bundles(count: int) -> str:
        return f"{count} bundle{'s' if count != 1 else ''}"

    lines = [
        f"The hub's acknowledgement number {result.version} was applied.",
        f"{bundles(result.accepted)} accepted, {result.pending} waiting at the hub, {len(result.rejected)} refused.",
        f"The next bundle starts after change {result.acked_through_seq:,}, the last one the hub confirmed.",
    ]
    for sequence, reason in result.rejected:
        why = reason.strip().rstrip(".") or "no reason given"
        lines.append(f"Bundle {sequence} was refused: {why}. Send its month again to make a new bundle.")
    lines.extend(f"Warning: {warning}" for warning in result.warnings)
    return "\n".join(lines)


def refusal_text(error: CopdeskError) -> str:
    """Why the hub's file was not applied, and that nothing changed."""
    message = error.message.strip()
    if "nothing was changed" not in message.lower():
        message += " Nothing was changed."
    return f"This file was not applied. {message}"


class RecoveryKeyDialog(FormDialog):
    """Create the district's bundle identity, checked against the recovery sheet's key."""

    def __init__(self, service: BundleService, parent: QWidget | None = None) -> None:
        super().__init__(
            "Set up bundles",
            "Set up",
            parent,
            "Type the recovery key from this district's recovery sheet. copdesk then makes the district's signing "
            "key, protected by the database and by the recovery sheet.",
        )
        self.service = service
        self.recovery_key = QLineEdit()
        self.recovery_key.setFont(mono_font())
        self.form.add_field("recovery_key", "Recovery key", self.recovery_key, "As printed on the recovery sheet.")

    def operation(self) -> Callable[[], object] | None:
        """Set up, once a key is typed."""
        key = self.recovery_key.text().strip()
        if not key:
            self.form.set_error("recovery_key", "Type the recovery key from the recovery sheet.")
            return None
        service = self.service
        return lambda: service.set_up(key)


class HubProfileDialog(FormDialog):
    """Install the hub's profile file, checked against the fingerprint typed from the hub's letter."""

    def __init__(self, service: BundleService, parent: QWidget | None = None) -> None:
        super().__init__(
            "Install the hub's profile",
            "Install",
            parent,
            "The hub's profile (hub-profile.json) comes from the hub on a USB drive or by e-mail. Type the "
            "fingerprint printed on the hub's letter: the profile is installed only when the two match.",
        )
        self.service = service
        self.path: Path | None = None
        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("Choose the file…")
        self.browse_button = QPushButton("Browse…")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(lambda _checked=False: self.browse())
        file_row = QWidget()
        row = QHBoxLayout(file_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.file_edit, 1)
        row.addWidget(self.browse_button)
        self.fingerprint = QLineEdit()
        self.fingerprint.setFont(mono_font())
        self.fingerprint.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.form.add_field("file", "Profile file", file_row)
        self.form.add_field("fingerprint", "Fingerprint", self.fingerprint, "From the hub's letter.")
        self.fingerprint.textChanged.connect(lambda _text: self.form.clear("fingerprint"))
        self.setMinimumWidth(640)

    def browse(self) -> None:
        """Choose the profile file."""
        path = ask_open_file(self, "The hub's profile", bundle_wizard.default_destination(), PROFILE_FILTER)
        if path is not None:
            self.choose_file(path)

    def choose_file(self, path: Path) -> None:
        """Use this profile file."""
        self.path = path
        self.file_edit.setText(str(path))
        self.form.clear("file")

    def operation(self) -> Callable[[], object] | None:
        """Install the profile once a file is chosen and a well-formed fingerprint typed."""
        self.form.clear_all()
        if self.path is None:
            self.form.set_error("file", "Choose the hub's profile file.")
            return None
        try:
            fingerprint = normalise_fingerprint(self.fingerprint.text())
        except ValidationError as error:
            self.form.set_error("fingerprint", error.message)
            self.fingerprint.setFocus()
            return None
        service, path = self.service, self.path

        def install() -> SyncStatusView:
            try:
                profile = path.read_bytes()
            except OSError:
                raise ValidationError(f"{path} cannot be read; copy it from the USB drive again.", "file") from None
            return service.install_hub_profile(profile, fingerprint)

        return install


class BundlesScreen(Screen):
    """The district's exchange with the hub: status, outbox, sending a month, the hub's acknowledgements."""

    key = "bundles"
    title = "Bundles"
    icon = QStyle.StandardPixmap.SP_DriveNetIcon

    #: The status and the outbox were loaded and shown (tests wait for this).
    loaded = Signal()
    #: An acknowledgement file was applied (FeedbackResult) or refused (the CopdeskError).
    feedback_done = Signal(object)
    #: A copy of an outbox bundle was saved (ExportResult), or saving failed (the CopdeskError).
    copy_done = Signal(object)

    def __init__(self, context: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.service = BundleService(context)
        self.can_export = context.can("bundle.export")
        self.can_manage = context.can("bundle.manage")
        self.can_apply = context.can("bundle.apply_feedback")
        self.can_create = self.can_export
        self.overview: BundlesOverview | None = None
        self.wizard: BundleExportWizard | None = None
        self.last_dialog: QWidget | None = None
        self._generation = 0

        heading = QLabel(self.title)
        set_role(heading, "heading")
        intro = QLabel(
            "Each closed month goes to the federal hub as one signed, encrypted file, on a USB drive or by e-mail. "
            "The hub answers with an acknowledgement file: import it here, so the next bundle starts after what "
            "the hub confirmed."
        )
        intro.setWordWrap(True)
        set_role(intro, "muted")

        # status
        self.status_box = QGroupBox("This district and the hub")
        status_grid = QGridLayout(self.status_box)
        status_grid.setContentsMargins(12, 12, 12, 10)
        status_grid.setHorizontalSpacing(14)
        status_grid.setVerticalSpacing(6)
        status_grid.setColumnMinimumWidth(2, 12)
        status_grid.setColumnStretch(1, 1)
        status_grid.setColumnStretch(4, 1)
        self.status_values: dict[str, QLabel] = {}
        for number, (key, caption) in enumerate(
            (
                ("enrolment", "Enrolment"),
                ("hub", "Hub"),
                ("hub_fingerprint", "Hub's fingerprint"),
                ("district_key", "This district's key"),
                ("accepted", "Last bundle accepted"),
                ("confirmed", "Hub has everything up to"),
                ("next", "Next bundle"),
                ("personal", "Personal data sent"),
            )
        ):
            value = QLabel("")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if key in ("hub_fingerprint", "district_key"):
                value.setFont(mono_font())  # never wrapped: read out over the phone, group by group
            else:
                value.setWordWrap(True)
            self.status_values[key] = value
            row, first = number % 4, 0 if number < 4 else 3
            top = Qt.AlignmentFlag.AlignTop
            status_grid.addWidget(QLabel(caption), row, first, top | Qt.AlignmentFlag.AlignLeft)
            status_grid.addWidget(value, row, first + 1, top)
        status_grid.setRowStretch(4, 1)

        # the district officer's actions
        self.send_button = QPushButton("Send a month…")
        self.send_button.setToolTip("Write a closed month's bundle to a USB drive or a folder")
        self.send_button.clicked.connect(lambda _checked=False: self.send_month())
        self.send_button.setVisible(self.can_export)
        self.import_button = QPushButton("Import hub file…")
        self.import_button.setToolTip("Apply the hub's acknowledgement file (copdesk-hub-…-ack-….ack)")
        self.import_button.clicked.connect(lambda _checked=False: self.import_hub_file())
        self.import_button.setVisible(self.can_apply)
        self.feedback_label = QLabel("")
        self.feedback_label.setWordWrap(True)
        self.feedback_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.feedback_label.hide()
        actions = QHBoxLayout()
        actions.setSpacing(10)
        actions.addWidget(self.send_button)
        actions.addWidget(self.import_button)
        actions.addStretch(1)

        # setting up (before the first exchange)
        self.setup_box = QGroupBox("Set up the exchange with the hub")
        self.setup_text = QLabel(
            "1. Install the hub's profile (hub-profile.json, from the hub) and type the fingerprint from the hub's "
            "letter.\n"
            "2. Write the enrolment request and letter: send the request file to the hub, and post the signed letter "
            "(or read the fingerprint to the hub by phone).\n"
            "3. Send the first closed month: the hub's acknowledgement confirms the enrolment."
        )
        self.setup_text.setWordWrap(True)
        self.set_up_button = QPushButton("Set up with the recovery sheet…")
        self.set_up_button.clicked.connect(lambda _checked=False: self.set_up())
        self.profile_button = QPushButton("Install the hub's profile…")
        self.profile_button.clicked.connect(lambda _checked=False: self.install_hub_profile())
        self.enrolment_button = QPushButton("Write the enrolment request…")
        self.enrolment_button.clicked.connect(lambda _checked=False: self.write_enrolment())
        setup_buttons = QHBoxLayout()
        setup_buttons.setSpacing(10)
        for button in (self.set_up_button, self.profile_button, self.enrolment_button):
            setup_buttons.addWidget(button)
        setup_buttons.addStretch(1)
        setup_layout = QVBoxLayout(self.setup_box)
        setup_layout.setContentsMargins(12, 12, 12, 10)
        setup_layout.addWidget(self.setup_text)
        setup_layout.addLayout(setup_buttons)
        self.setup_box.hide()

        # the outbox
        self.outbox_model = RowsTableModel(OUTBOX_COLUMNS, self)
        self.outbox_table = RecordTableView()
        self.outbox_table.setSortingEnabled(False)
        self.outbox_table.setModel(self.outbox_model)
        for number, column in enumerate(OUTBOX_COLUMNS):
            if column.width:
                self.outbox_table.setColumnWidth(number, column.width)
        self.outbox_table.open_requested.connect(lambda _index: self.save_copy())
        self.outbox_table.selectionModel().currentRowChanged.connect(lambda *_args: self._selection_changed())
        self.count_label = QLabel("")
        set_role(self.count_label, "muted")
        self.copy_button = QPushButton("Save a copy…")
        self.copy_button.setToolTip("Save the chosen bundle again, byte for byte, to send it once more")
        self.copy_button.clicked.connect(lambda _checked=False: self.save_copy())
        self.copy_button.setVisible(self.can_export)
        outbox_bottom = QHBoxLayout()
        outbox_bottom.addWidget(self.count_label, 1)
        outbox_bottom.addWidget(self.copy_button)
        outbox_box = QGroupBox("Outbox")
        outbox_layout = QVBoxLayout(outbox_box)
        outbox_layout.setContentsMargins(12, 12, 12, 10)
        outbox_layout.addWidget(self.outbox_table, 1)
        outbox_layout.addLayout(outbox_bottom)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 10)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.status_box)
        layout.addLayout(actions)
        layout.addWidget(self.feedback_label)
        layout.addWidget(self.setup_box)
        layout.addWidget(outbox_box, 1)
        self._update_buttons()

    # -- loading ---------------------------------------------------------------------------------------------------
    def shown(self) -> None:
        """Load the status and the outbox each time the screen is shown (months may have been closed since)."""
        self.refresh()

    def refresh(self) -> None:
        """Load the status and the outbox again (F5); an older load still on its way is then ignored."""
        self._generation += 1
        service, generation = self.service, self._generation

        def load() -> BundlesOverview:
            try:
                status, problem = service.status(), ""
            except WorkflowError as error:
                status, problem = None, error.message
            return BundlesOverview(status, problem, service.outbox())

        def loaded(overview: BundlesOverview) -> None:
            if generation == self._generation:
                self.show_overview(overview)

        def failed(error: CopdeskError) -> None:
            if generation == self._generation:
                self.status_values["enrolment"].setText(error.message)
                self.loaded.emit()

        Task(load, parent=self).on_success(loaded).on_failure(failed).run()

    def show_overview(self, overview: BundlesOverview) -> None:
        """Show the status and the outbox."""
        selected = self.selected()
        self.overview = overview
        status, outbox = overview.status, overview.outbox
        values = self.status_values
        values["enrolment"].setText(enrolment_text(status, overview.problem))
        if status is None:
            for key in values:
                if key != "enrolment":
                    values[key].setText("–")
        else:
            values["hub"].setText(status.hub_name or "No hub profile installed")
            values["hub_fingerprint"].setText(status.hub_fingerprint or "–")
            values["district_key"].setText(status.fingerprint)
            values["district_key"].setToolTip(f"Key id {status.key_id} (minisign)")
            accepted = [e for e in outbox if e.status == "accepted"]
            if accepted:
                last = max(accepted, key=lambda e: e.sequence)
                values["accepted"].setText(f"Number {last.sequence} ({Month.parse(last.month).label})")
            else:
                values["accepted"].setText("None yet")
            if status.feedback_version:
                values["confirmed"].setText(
                    f"Change {status.acked_through_seq:,}, from acknowledgement number {status.feedback_version}"
                )
                values["confirmed"].setToolTip("The next bundle starts after this change.")
            else:
                values["confirmed"].setText("Nothing confirmed yet: no acknowledgement has been imported")
            values["next"].setText(f"Number {status.highest_sequence + 1}")
            values["personal"].setText(sharing_text(status))
        self.setup_box.setVisible(
            self.can_manage and (status is None or not status.hub_fingerprint or status.feedback_version == 0)
        )
        self.outbox_model.set_rows(outbox)
        acknowledged = sum(e.acknowledged_at is not None for e in outbox)
        if outbox:
            bundles = f"{len(outbox)} bundle{'s' if len(outbox) != 1 else ''}"
            self.count_label.setText(f"{bundles} written, {acknowledged} acknowledged by the hub.")
        else:
            self.count_label.setText("No bundle written yet.")
        if selected is not None:
            for row, entry in enumerate(outbox):
                if entry.bundle_id == selected.bundle_id:
                    self.outbox_table.selectRow(row)
        self._update_buttons()
        self.loaded.emit()

    def _selection_changed(self) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        overview = self.overview
        status = overview.status if overview is not None else None
        hub_ready = status is not None and bool(status.hub_fingerprint)
        need_hub = "" if hub_ready else "Install the hub's profile first."
        self.send_button.setEnabled(hub_ready)
        self.send_button.setToolTip(need_hub or "Write a closed month's bundle to a USB drive or a folder")
        self.import_button.setEnabled(hub_ready)
        self.import_button.setToolTip(need_hub or "Apply the hub's acknowledgement file (copdesk-hub-…-ack-….ack)")
        self.set_up_button.setVisible(status is None)
        self.profile_button.setEnabled(status is not None)
        self.enrolment_button.setEnabled(status is not None)
        entry = self.selected()
        problem = copy_problem(entry, overview.outbox) if entry is not None and overview is not None else ""
        self.copy_button.setEnabled(entry is not None and hub_ready and not problem)
        self.copy_button.setToolTip(problem or "Save the chosen bundle again, byte for byte, to send it once more")

    def selected(self) -> OutboxEntryView | None:
        """The outbox entry chosen."""
        index = self.outbox_table.currentIndex()
        row = self.outbox_model.row_object(index.row()) if index.isValid() else None
        return row if isinstance(row, OutboxEntryView) else None

    def select_bundle(self, sequence: int) -> bool:
        """Choose the outbox entry with this bundle number."""
        for row, entry in enumerate(self.outbox_model.rows()):
            if entry.sequence == sequence:
                self.outbox_table.setCurrentIndex(self.outbox_model.index(row, 0))
                self.outbox_table.selectRow(row)
                return True
        return False

    # -- sending ---------------------------------------------------------------------------------------------------
    def new_record(self) -> None:
        """Ctrl+N: send a month."""
        self.send_month()

    def send_month(self, month: str | None = None) -> BundleExportWizard | None:
        """Open the export wizard (district officer, with the hub's profile installed)."""
        if not self.can_export or not self.send_button.isEnabled():
            return None
        wizard = open_export_wizard(self, self.context, month=month, on_exported=lambda _result: self.refresh())
        self.wizard = wizard
        return wizard

    def save_copy(self, folder: Path | None = None) -> None:
        """Save the chosen outbox bundle again (the stored file, byte for byte) in a folder the user picks."""
        entry = self.selected()
        overview = self.overview
        if entry is None or overview is None or not self.can_export or not self.copy_button.isEnabled():
            return
        if folder is None:
            folder = bundle_wizard.ask_folder(self, "Save a copy of the bundle in", bundle_wizard.default_destination())
            if folder is None:
                return
        service, month, target = self.service, entry.month, folder
        self.copy_button.setEnabled(False)
        self.status_message.emit(f"Saving bundle {entry.sequence}…")

        def failed(error: CopdeskError) -> None:
            self.last_dialog = show_error(self, error.message)
            self.status_message.emit("The bundle was not saved.")
            self.copy_done.emit(error)

        (
            Task(lambda: service.export_month(month, target), parent=self)
            .on_success(lambda result: self._copy_saved(entry, result))
            .on_failure(failed)
            .on_done(self._update_buttons)
            .run()
        )

    def _copy_saved(self, entry: OutboxEntryView, result: ExportResult) -> None:
        overview = self.overview
        status = overview.status if overview is not None else None
        actor = self.context.actor
        draft = email_draft(
            result,
            self.context.district_code or "",
            status.hub_name if status is not None else None,
            actor.display_name or actor.username,
        )
        dialog = BundleSavedDialog(result, draft, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if result.bundle_id != entry.bundle_id:
            dialog.summary.setText(
                f"Bundle {entry.sequence} could not be saved as it was (the month was closed again or the signing "
                f"key changed since), so bundle {result.sequence} was made for "
                f"{Month.parse(result.month).label} instead."
            )
            set_role(dialog.summary, "field-warning")
        dialog.open()
        self.last_dialog = dialog
        self.status_message.emit(f"Saved {result.path.name}.")
        self.copy_done.emit(result)
        if result.bundle_id != entry.bundle_id:
            self.refresh()

    # -- the hub's answer ------------------------------------------------------------------------------------------
    def import_hub_file(self, path: Path | None = None) -> None:
        """Check and apply the hub's acknowledgement file, then say what it changed (or why it was refused)."""
        if not self.can_apply or not self.import_button.isEnabled():
            return
        if path is None:
            path = ask_open_file(
                self, "The hub's acknowledgement file", bundle_wizard.default_destination(), ACK_FILTER
            )
            if path is None:
                return
        service, chosen = self.service, path
        self.import_button.setEnabled(False)
        self.status_message.emit("Checking the hub's file…")
        (
            Task(lambda: service.apply_feedback(chosen), parent=self)
            .on_success(self._feedback_applied)
            .on_failure(self._feedback_refused)
            .on_done(self._update_buttons)
            .run()
        )

    def _feedback_applied(self, result: FeedbackResult) -> None:
        text = feedback_text(result)
        self.feedback_label.setText(text)
        trouble = bool(result.warnings or result.rejected)
        set_role(self.feedback_label, "field-warning" if trouble else "field-ok")
        self.feedback_label.show()
        if trouble:
            self.last_dialog = show_error(self, text, "Hub's acknowledgement applied: please read")
        else:
            self.last_dialog = show_info(self, text, "Hub's acknowledgement applied")
        self.status_message.emit(f"Applied the hub's acknowledgement number {result.version}.")
        self.feedback_done.emit(result)
        self.refresh()

    def _feedback_refused(self, error: CopdeskError) -> None:
        text = refusal_text(error)
        self.feedback_label.setText(text)
        set_role(self.feedback_label, "field-error")
        self.feedback_label.show()
        self.last_dialog = show_error(self, text, "Hub's file refused")
        self.status_message.emit("The hub's file was not applied.")
        self.feedback_done.emit(error)

    # -- setting up ------------------------------------------------------------------------------------------------
    def _open(self, dialog: FormDialog) -> FormDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.done_with.connect(lambda _result: self.refresh())
        dialog.open()
        self.last_dialog = dialog
        return dialog

    def set_up(self) -> FormDialog | None:
        """Create the bundle identity with the recovery sheet's key (district officer)."""
        if not self.can_manage:
            return None
        return self._open(RecoveryKeyDialog(self.service, self))

    def install_hub_profile(self) -> HubProfileDialog | None:
        """Install the hub's profile, checked against the fingerprint from the hub's letter."""
        if not self.can_manage:
            return None
        dialog = HubProfileDialog(self.service, self)
        self._open(dialog)
        return dialog

    def write_enrolment(self, folder: Path | None = None) -> None:
        """Write the enrolment request and the printable letter to a folder the user picks."""
        if not self.can_manage:
            return
        if folder is None:
            folder = bundle_wizard.ask_folder(
                self, "Write the enrolment request in", bundle_wizard.default_destination()
            )
            if folder is None:
                return
        service, target = self.service, folder
        Task(lambda: service.write_enrolment(target), parent=self).on_success(self._enrolment_written).run()

    def _enrolment_written(self, files: EnrolmentFiles) -> None:
        self.last_dialog = show_info(
            self,
            f"The enrolment request and letter were written to {files.request.parent}:\n\n"
            f"  {files.request.name}: send this file to the hub (USB drive or e-mail).\n"
            f"  {files.letter.name}: print it, sign it and post it to the hub, or read the fingerprint to them "
            "by phone.\n\n"
            f"This district's key fingerprint: {files.fingerprint}",
            "Enrolment request written",
        )
        self.status_message.emit(f"Wrote {files.request.name}.")
