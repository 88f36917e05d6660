"""Print preview: a printed document shown page by page, in English or Urdu, before it is saved or printed.

The documents come from :class:`~copdesk.services.printing.PrintService` (receipt, minutes, roster, report).

The PDF is written in memory and its pages are drawn as images off the GUI thread. Qt's own PDF module (QtPdf)
is not part of PySide6-Essentials, so the pages are drawn with PDFium through ``pypdfium2`` (the engine QtPdf and
Chrome use; its wheels carry PDFium for Windows, macOS and Linux, so nothing else has to be installed). Without
``pypdfium2`` the dialog still makes the document and saves it; it says plainly that the pages cannot be shown
and printing is then done from the saved PDF.

"Print…" asks for the printer with Qt's print dialog and sends each page as a 300 dpi image, one page at a time
(a page is drawn off the GUI thread, then painted onto the printer), so memory stays small for long reports.
"""

from __future__ import annotations

import io
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from PySide6.QtCore import QRectF, QSize, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeySequence, QPainter, QPixmap, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from copdesk.errors import CopdeskError, ValidationError
from copdesk.services.printing import PrintedDocument, PrintService
from copdesk.ui.dialogs import show_error
from copdesk.ui.tasks import Task
from copdesk.ui.theme import set_role

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from copdesk.services.context import ServiceContext

__all__ = [
    "LANGUAGE_NAMES",
    "PREVIEW_DPI",
    "PRINT_DPI",
    "PdfWriter",
    "PreviewUnavailable",
    "PrintPreviewDialog",
    "RenderedPdf",
    "ask_save_path",
    "default_folder",
    "page_count",
    "preview_minutes",
    "preview_monthly_report",
    "preview_receipt",
    "preview_roster",
    "render_pages",
    "renderer_available",
]

#: How sharp the preview's pages are drawn (the screen shows them scaled) and how sharp they are printed.
PREVIEW_DPI = 144.0
PRINT_DPI = 300.0
#: The document's languages, as the switch names them.
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "ur": "اردو"}
ZOOMS: tuple[tuple[str, str], ...] = (("fit-width", "Fit width"), ("whole-page", "Whole page"), ("actual", "100%"))
LANGUAGE_SWITCH_STYLE = """
QPushButton#languageSwitch { border: 1px solid #9aa5b1; background: #ffffff; padding: 4px 12px; }
QPushButton#languageSwitch:checked { background: #2f5d8a; color: #ffffff; border-color: #2f5d8a; }
QPushButton#languageSwitch:disabled { color: #9aa0a6; }
QPushButton#languageSwitch:checked:disabled { background: #7f9bb8; color: #ffffff; }
"""
PAGE_GAP = 18
PAGE_MARGIN = 24
SCREEN_DPI = 96.0
#: "Fit width" shows a page at most this much larger than its paper size.
MAX_FIT_SCALE = 1.25

#: Writes the document as PDF into ``out`` in a language (``en`` / ``ur``) and says what it wrote.
PdfWriter = Callable[[BinaryIO, str], PrintedDocument]

# PDFium is not thread-safe: one call into it at a time, whichever task makes it.
_PDFIUM_LOCK = threading.Lock()
_MISSING_RENDERER = (
    "The pages cannot be shown on this computer because the PDF viewer part of copdesk (pypdfium2) is missing. "
    "The document itself is ready: save it as PDF and open or print it from there."
)


class PreviewUnavailable(CopdeskError):
    """The PDF's pages cannot be drawn here (no PDF renderer is installed)."""


def renderer_available() -> bool:
    """True when PDF pages can be drawn as images (pypdfium2 is installed)."""
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return False
    return True


def page_count(pdf: bytes) -> int:
    """How many pages a PDF has (PreviewUnavailable without a renderer)."""
    pdfium = _pdfium()
    with _PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            return len(document)
        finally:
            document.close()


def _pdfium():  # type: ignore[no-untyped-def]  # the module, typed by pypdfium2 itself
    try:
        import pypdfium2
    except ImportError:
        raise PreviewUnavailable(_MISSING_RENDERER) from None
    return pypdfium2


def render_pages(pdf: bytes, dpi: float = PREVIEW_DPI, pages: range | None = None) -> list[QImage]:
    """The PDF's pages (all, or those in ``pages``, 0-based) as images at ``dpi``; safe off the GUI thread."""
    pdfium = _pdfium()
    import pypdfium2.raw as pdfium_c

    images: list[QImage] = []
    with _PDFIUM_LOCK:
        document = pdfium.PdfDocument(pdf)
        try:
            wanted = range(len(document)) if pages is None else pages
            for number in wanted:
                page = document[number]
                try:
                    bitmap = page.render(
                        scale=dpi / 72.0, force_bitmap_format=pdfium_c.FPDFBitmap_BGRx, rev_byteorder=True
                    )
                    try:
                        pixels = bytes(bitmap.buffer)
                        image = QImage(
                            pixels,
                            bitmap.width,
                            bitmap.height,
                            bitmap.stride,
                            QImage.Format.Format_RGBX8888,
                        ).copy()  # own the pixels: the bitmap's buffer is freed below
                    finally:
                        bitmap.close()
                finally:
                    page.close()
                image.setDotsPerMeterX(round(dpi / 0.0254))
                image.setDotsPerMeterY(round(dpi / 0.0254))
                images.append(image)
        finally:
            document.close()
    return images


@dataclass(frozen=True)
class RenderedPdf:
    """A document written in one language: its PDF bytes and its pages drawn for the screen.

    ``problem`` says why there are no pages (no renderer); the PDF is there all the same.
    """

    document: PrintedDocument
    language: str
    pdf: bytes
    pages: tuple[QImage, ...] = field(default=())
    problem: str = ""


def make_rendered(writer: PdfWriter, language: str, dpi: float = PREVIEW_DPI) -> RenderedPdf:
    """Write the document into memory and draw its pages (run it off the GUI thread)."""
    buffer = io.BytesIO()
    document = writer(buffer, language)
    pdf = buffer.getvalue()
    try:
        pages = tuple(render_pages(pdf, dpi))
    except PreviewUnavailable as missing:
        return RenderedPdf(document, language, pdf, (), missing.message)
    return RenderedPdf(document, language, pdf, pages)


def default_folder() -> Path:
    """Where files are offered to be saved first: the user's Documents folder (else the home folder)."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(documents) if documents else Path.home()
    return folder if folder.is_dir() else Path.home()


def ask_save_path(parent: QWidget | None, caption: str, suggested: Path, file_filter: str) -> Path | None:
    """Ask where to save a file (the system's Save dialog); None when the user cancels. Tests replace this."""
    chosen, _selected = QFileDialog.getSaveFileName(parent, caption, str(suggested), file_filter)
    return Path(chosen) if chosen else None


def _size_text(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size < 1024 * 1024 else f"{size / (1024 * 1024):,.1f} MB"


class _PageLabel(QLabel):
    """One page on the grey desk of the preview, with a thin border."""

    def __init__(self, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("previewPage")
        self.setAccessibleName(f"Page {number}")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)


class _PageArea(QScrollArea):
    """The scrolling desk the pages lie on; tells the dialog when its width changes."""

    resized = Signal()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """Re-fit the pages after the window is resized."""
        super().resizeEvent(event)
        self.resized.emit()


class PrintPreviewDialog(QDialog):
    """A document's pages as they will print, a language switch, Save as PDF… and Print…."""

    #: The pages of the language shown are ready (their number; 0 when they cannot be drawn).
    rendered = Signal(int)
    #: The PDF was saved (its Path).
    saved = Signal(object)
    #: Pages were sent to the printer (how many).
    printed = Signal(int)

    def __init__(self, heading: str, writer: PdfWriter, parent: QWidget | None = None, *, language: str = "en") -> None:
        super().__init__(parent)
        self.writer = writer
        self.language = language if language in LANGUAGE_NAMES else "en"
        self.current: RenderedPdf | None = None
        self._generation = 0
        self._busy = False
        self._print_job: _PrintJob | None = None
        self.setWindowTitle(heading)
        self.setMinimumSize(720, 560)
        self.resize(960, 760)

        self.heading = QLabel(heading)
        set_role(self.heading, "heading")
        self.info = QLabel("Preparing the document…")
        set_role(self.info, "muted")
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(self.heading)
        titles.addWidget(self.info)

        self.language_buttons: dict[str, QPushButton] = {}
        self.language_group = QButtonGroup(self)
        self.setStyleSheet(LANGUAGE_SWITCH_STYLE)
        self.language_group.setExclusive(True)
        language_caption = QLabel("Language")
        switch = QHBoxLayout()
        switch.setSpacing(0)
        for code, name in LANGUAGE_NAMES.items():
            button = QPushButton(name)
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setChecked(code == self.language)
            button.setToolTip("Print the document in English" if code == "en" else "Print the document in Urdu")
            button.setAccessibleName("English" if code == "en" else "Urdu")
            button.setObjectName("languageSwitch")
            button.setMinimumWidth(76)
            self.language_group.addButton(button)
            self.language_buttons[code] = button
            switch.addWidget(button)
            button.clicked.connect(lambda _checked=False, chosen=code: self.set_language(chosen))
        self.zoom = QComboBox()
        for key, label in ZOOMS:
            self.zoom.addItem(label, key)
        self.zoom.setToolTip("How large the pages are shown")
        self.zoom.setAccessibleName("Zoom")
        self.zoom.currentIndexChanged.connect(lambda _index: self._show_pages())
        zoom_caption = QLabel("Show")
        zoom_caption.setBuddy(self.zoom)
        top = QHBoxLayout()
        top.setSpacing(10)
        top.addLayout(titles, 1)
        top.addWidget(language_caption, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addLayout(switch)
        top.addSpacing(12)
        top.addWidget(zoom_caption, 0, Qt.AlignmentFlag.AlignVCenter)
        top.addWidget(self.zoom, 0, Qt.AlignmentFlag.AlignVCenter)

        self.page_box = QWidget()
        self.page_box.setObjectName("previewDesk")
        self.page_box.setStyleSheet(
            "QWidget#previewDesk { background: #dfe3e8; }"
            "QLabel#previewPage { background: #ffffff; border: 1px solid #b9c0c8; }"
        )
        self.page_layout = QVBoxLayout(self.page_box)
        self.page_layout.setContentsMargins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
        self.page_layout.setSpacing(PAGE_GAP)
        self.page_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.placeholder = QLabel("Preparing the document…")
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setMinimumWidth(420)
        self.placeholder.setMaximumWidth(560)
        set_role(self.placeholder, "muted")
        self.page_layout.addWidget(self.placeholder, 0, Qt.AlignmentFlag.AlignHCenter)
        self.page_labels: list[_PageLabel] = []
        self.area = _PageArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.StyledPanel)
        self.area.setWidget(self.page_box)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(60)
        self._fit_timer.timeout.connect(self._show_pages)
        self.area.resized.connect(self._fit_timer.start)

        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.hide()
        self.save_button = QPushButton("Save as PDF…")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(lambda _checked=False: self.ask_save())
        self.print_button = QPushButton("Print…")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(lambda _checked=False: self.ask_print())
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.note, 10)
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 14)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.area, 1)
        layout.addLayout(bottom)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self).activated.connect(self.ask_print)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self).activated.connect(self.ask_save)
        self._set_busy(True)
        self.render()

    # -- making the document --------------------------------------------------------------------------------
    def set_language(self, language: str) -> None:
        """Show (and later save or print) the document in ``en`` or ``ur``."""
        if language not in LANGUAGE_NAMES:
            raise ValueError(f"unknown language {language!r}")
        self.language_buttons[language].setChecked(True)
        if language == self.language and (self.current is not None or self._busy):
            return
        self.language = language
        self.render()

    def render(self) -> None:
        """Write the document in the chosen language and draw its pages, off the GUI thread."""
        self._generation += 1
        generation, writer, language = self._generation, self.writer, self.language
        self._set_busy(True)
        self.info.setText(f"Preparing the document in {'English' if language == 'en' else 'Urdu'}…")

        def done(result: RenderedPdf) -> None:
            if generation == self._generation:
                self._show(result)

        def failed(error: CopdeskError) -> None:
            if generation != self._generation:
                return
            self.current = None
            self._set_busy(False)
            self.save_button.setEnabled(False)
            self.print_button.setEnabled(False)
            self.info.setText("The document could not be prepared.")
            self._clear_pages()
            self.placeholder.setText(error.message)
            set_role(self.placeholder, "field-error")
            self.placeholder.show()
            self.rendered.emit(0)

        Task(lambda: make_rendered(writer, language), parent=self).on_success(done).on_failure(failed).run()

    def _show(self, result: RenderedPdf) -> None:
        self.current = result
        self._set_busy(False)
        document = result.document
        self.setWindowTitle(document.title)
        self.heading.setText(document.title)
        language = "English" if result.language == "en" else "Urdu"
        if result.pages:
            pages = len(result.pages)
            self.info.setText(f"{pages} page{'s' if pages != 1 else ''} · {language} · {_size_text(document.size)}")
            self.placeholder.hide()
        else:
            self.info.setText(f"{language} · {_size_text(document.size)}")
            self.placeholder.setText(result.problem)
            set_role(self.placeholder, "field-warning")
            self.placeholder.show()
        self.print_button.setEnabled(bool(result.pages))
        self.print_button.setToolTip("" if result.pages else result.problem)
        self._make_page_labels(len(result.pages))
        self._show_pages()
        self.rendered.emit(len(result.pages))

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in (self.save_button, self.print_button, *self.language_buttons.values()):
            button.setEnabled(not busy)
        if busy:
            self.note.hide()

    # -- showing the pages ----------------------------------------------------------------------------------
    def _clear_pages(self) -> None:
        for label in self.page_labels:
            self.page_layout.removeWidget(label)
            label.deleteLater()
        self.page_labels = []

    def _make_page_labels(self, count: int) -> None:
        if len(self.page_labels) == count:
            return
        self._clear_pages()
        for number in range(1, count + 1):
            label = _PageLabel(number, self.page_box)
            self.page_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
            self.page_labels.append(label)

    def page_size_on_screen(self, image: QImage) -> QSize:
        """The size a page is shown at with the chosen zoom."""
        actual = QSize(
            round(image.width() * SCREEN_DPI / PREVIEW_DPI), round(image.height() * SCREEN_DPI / PREVIEW_DPI)
        )
        mode = self.zoom.currentData()
        if mode == "actual":
            return actual
        viewport = self.area.viewport().size()
        room_w = max(200, viewport.width() - 2 * PAGE_MARGIN - 2)
        room_h = max(200, viewport.height() - 2 * PAGE_MARGIN - 2)
        if mode == "whole-page":
            return image.size().scaled(QSize(room_w, room_h), Qt.AspectRatioMode.KeepAspectRatio)
        # Wide enough to read, not blown up past the paper's size by much (the grey desk shows it is a page).
        width = min(
            room_w, round(actual.width() * MAX_FIT_SCALE), round(image.width() / (self.devicePixelRatioF() or 1.0))
        )
        return QSize(width, round(image.height() * width / max(1, image.width())))

    def _show_pages(self) -> None:
        result = self.current
        if result is None or not result.pages:
            return
        ratio = self.devicePixelRatioF() or 1.0
        for label, image in zip(self.page_labels, result.pages, strict=True):
            size = self.page_size_on_screen(image)
            pixels = QSize(round(size.width() * ratio), round(size.height() * ratio))
            scaled = image.scaled(
                pixels, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            pixmap = QPixmap.fromImage(scaled)
            pixmap.setDevicePixelRatio(ratio)
            label.setPixmap(pixmap)
            label.setFixedSize(size.width() + 2, size.height() + 2)

    def page_pixmaps(self) -> list[QPixmap]:
        """The pages as shown now (tests look at them)."""
        return [label.pixmap() for label in self.page_labels]

    # -- saving -------------------------------------------------------------------------------------------
    def ask_save(self) -> None:
        """Ask where to save the PDF (its suggested name in the Documents folder), then save it (Ctrl+S)."""
        result = self.current
        if result is None or self._busy:
            return
        path = ask_save_path(
            self, "Save as PDF", default_folder() / result.document.suggested_name, "PDF document (*.pdf)"
        )
        if path is not None:
            self.save_to(path)

    def save_to(self, path: Path) -> None:
        """Write the PDF shown to ``path`` (``.pdf`` added when missing), off the GUI thread."""
        result = self.current
        if result is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        data = result.pdf

        def write() -> Path:
            try:
                path.write_bytes(data)
            except OSError as exc:
                raise ValidationError(
                    f"The PDF could not be saved as {path} ({exc.strerror or exc}). Choose another folder or name.",
                    "out",
                ) from None
            return path

        def written(saved: Path) -> None:
            self._say(f"Saved as {saved}.", "field-ok")
            self.saved.emit(saved)

        self.save_button.setEnabled(False)
        (
            Task(write, parent=self)
            .on_success(written)
            .on_failure(lambda error: show_error(self, error.message))
            .on_done(lambda: self.save_button.setEnabled(not self._busy))
            .run()
        )

    def _say(self, text: str, role: str) -> None:
        self.note.setText(text)
        set_role(self.note, role)
        self.note.show()

    # -- printing -----------------------------------------------------------------------------------------
    def ask_print(self) -> QDialog | None:
        """Show the print dialog (window-modal, not blocking); print when the user accepts it (Ctrl+P)."""
        result = self.current
        if result is None or not result.pages or self._busy or self._print_job is not None:
            return None
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(result.document.title)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Print: {result.document.title}")
        dialog.setMinMax(1, len(result.pages))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.print_to(printer))
        QDialog.open(dialog)  # QPrintDialog.open() wants a receiver; the plain window-modal open is enough
        return dialog

    def print_to(self, printer: QPrinter) -> None:
        """Send the pages the printer asks for (its page range, else all) to ``printer``."""
        result = self.current
        if result is None or not result.pages or self._print_job is not None:
            return
        first = printer.fromPage() or 1
        last = printer.toPage() or len(result.pages)
        numbers = [n for n in range(first - 1, min(last, len(result.pages)))]
        if not numbers:
            return
        self.print_button.setEnabled(False)
        self._say("Sending the pages to the printer…", "muted")
        job = _PrintJob(self, printer, result, numbers)
        self._print_job = job
        job.start()

    def done(self, result: int) -> None:
        """Closing the window stops a print job that is still sending pages."""
        job, self._print_job = self._print_job, None
        if job is not None:
            job.stop()
        super().done(result)

    def _printed(self, pages: int, problem: str) -> None:
        self._print_job = None
        self.print_button.setEnabled(not self._busy and self.current is not None and bool(self.current.pages))
        if problem:
            self._say(problem, "field-error")
            return
        self._say(f"{pages} page{'s' if pages != 1 else ''} sent to the printer.", "field-ok")
        self.printed.emit(pages)


class _PrintJob:
    """Prints a document page by page: each page is drawn off the GUI thread, then painted on the GUI thread."""

    def __init__(self, dialog: PrintPreviewDialog, printer: QPrinter, result: RenderedPdf, numbers: list[int]) -> None:
        self.dialog = dialog
        self.printer = printer
        self.result = result
        self.numbers = numbers
        self.painter: QPainter | None = None
        self.done = 0
        self.stopped = False

    def start(self) -> None:
        first = self.result.pages[self.numbers[0]]
        from PySide6.QtGui import QPageLayout

        self.printer.setFullPage(True)
        orientation = (
            QPageLayout.Orientation.Landscape if first.width() > first.height() else QPageLayout.Orientation.Portrait
        )
        self.printer.setPageOrientation(orientation)
        self._next()

    def _next(self) -> None:
        if self.stopped:
            return
        if self.done >= len(self.numbers):
            self._finish("")
            return
        number, pdf = self.numbers[self.done], self.result.pdf
        dpi = min(PRINT_DPI, float(self.printer.resolution()) or PRINT_DPI)
        (
            Task(lambda: render_pages(pdf, dpi, range(number, number + 1))[0], parent=self.dialog)
            .on_success(self._paint)
            .on_failure(lambda error: self._finish(error.message))
            .run()
        )

    def _paint(self, image: QImage) -> None:
        if self.stopped:
            return
        if self.painter is None:
            self.painter = QPainter()
            if not self.painter.begin(self.printer):
                self.painter = None
                self._finish("The printer could not be started. Check that it is switched on and connected.")
                return
        elif not self.printer.newPage():
            self._finish("The printer refused the next page.")
            return
        target = QRectF(self.painter.viewport())
        size = image.size().scaled(target.size().toSize(), Qt.AspectRatioMode.KeepAspectRatio)
        left = target.left() + (target.width() - size.width()) / 2
        top = target.top() + (target.height() - size.height()) / 2
        self.painter.drawImage(QRectF(left, top, size.width(), size.height()), image)
        self.done += 1
        self._next()

    def stop(self) -> None:
        """End the job now (the pages painted so far are sent)."""
        self.stopped = True
        if self.painter is not None:
            self.painter.end()
            self.painter = None

    def _finish(self, problem: str) -> None:
        if self.stopped:
            return
        self.stop()
        self.stopped = False
        self.dialog._printed(self.done, problem)


# --- opening a preview for each document ----------------------------------------------------------------------


def open_preview(
    parent: QWidget | None, heading: str, writer: PdfWriter, *, language: str = "en"
) -> PrintPreviewDialog:
    """Open a preview window for a document (window-modal, deleted when closed)."""
    dialog = PrintPreviewDialog(heading, writer, parent, language=language)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def preview_receipt(
    parent: QWidget | None, context: ServiceContext, complaint: uuid.UUID | str, *, language: str = "en"
) -> PrintPreviewDialog:
    """Preview the complainant's receipt of a complaint (by id or tracking number)."""
    service = PrintService(context)
    return open_preview(
        parent, "Complaint receipt", lambda out, lang: service.receipt(complaint, out, language=lang), language=language
    )


def preview_minutes(
    parent: QWidget | None, context: ServiceContext, meeting_id: uuid.UUID, *, language: str = "en"
) -> PrintPreviewDialog:
    """Preview a meeting's minutes (a meeting not closed yet prints marked as a draft)."""
    service = PrintService(context)
    return open_preview(
        parent, "Meeting minutes", lambda out, lang: service.minutes(meeting_id, out, language=lang), language=language
    )


def preview_roster(
    parent: QWidget | None,
    context: ServiceContext,
    week_start: date,
    station_id: uuid.UUID | None,
    *,
    language: str = "en",
) -> PrintPreviewDialog:
    """Preview the duty roster of the week from ``week_start`` (one station's beats, or all)."""
    service = PrintService(context)
    return open_preview(
        parent,
        "Duty roster",
        lambda out, lang: service.roster(week_start, station_id, out, language=lang),
        language=language,
    )


def preview_monthly_report(
    parent: QWidget | None, context: ServiceContext, month: str, *, language: str = "en"
) -> PrintPreviewDialog:
    """Preview the district's monthly COP report for ``month`` (``YYYY-MM``)."""
    service = PrintService(context)
    return open_preview(
        parent,
        "Monthly COP report",
        lambda out, lang: service.monthly_report(month, out, language=lang),
        language=language,
    )
