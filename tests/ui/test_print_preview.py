"""Print preview: receipts and minutes page by page in English and Urdu, Save as PDF, Print, and the buttons.

The buttons are those of the complaint window, the intake banner, the meeting editor, the roster and month closing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

import pytest
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from copdesk.errors import ValidationError
from copdesk.models.committees import CommitteeType, MemberRole
from copdesk.models.meetings import AttendanceStatus
from copdesk.services.committees import CommitteeDraft, CommitteeService, MemberDraft
from copdesk.services.complaints import ComplaintDraft, ComplaintService, ComplaintView
from copdesk.services.context import ServiceContext
from copdesk.services.meetings import MeetingService, MeetingView
from copdesk.services.organisation import OrganisationService
from copdesk.services.people import PeopleService, PersonDraft
from copdesk.services.printing import PrintedDocument
from copdesk.ui import print_preview
from copdesk.ui.complaints_screen import ComplaintDialog, ComplaintsScreen
from copdesk.ui.meeting_editor import MeetingEditor
from copdesk.ui.months_screen import MonthsScreen
from copdesk.ui.print_preview import (
    PreviewUnavailable,
    PrintPreviewDialog,
    page_count,
    preview_minutes,
    preview_receipt,
    renderer_available,
)
from copdesk.ui.roster_grid import RosterPanel

from .conftest import GUI_MARKS

pytestmark = [
    *GUI_MARKS,
    pytest.mark.skipif(not renderer_available(), reason="pypdfium2 (the PDF page renderer) is not installed"),
]

RENDER_TIMEOUT = 20_000


# --- records to print ------------------------------------------------------------------------------------------


def register_complaint(context: ServiceContext) -> ComplaintView:
    station = OrganisationService(context).list_stations()[0]
    draft = ComplaintDraft(
        received_on=context.today(),
        channel="walk_in",
        category="theft",
        description="My motorcycle was stolen outside the mosque.",
        station_id=station.id,
        location="Mohallah Eidgah",
        anonymous=True,
    )
    return ComplaintService(context).register(draft)


def planned_meeting(context: ServiceContext) -> MeetingView:
    """A meeting of a committee with three members, a week ago, minutes written, not closed yet."""
    station = OrganisationService(context).list_stations()[0]
    committees = CommitteeService(context)
    committee = committees.create(
        CommitteeDraft(
            CommitteeType.DISPUTE_RESOLUTION, "DRC City", station.id, context.today() - timedelta(days=40), "12/COP"
        )
    )
    people = PeopleService(context)
    for name, gender, role in (
        ("Muhammad Ali", "male", MemberRole.CONVENER),
        ("Ayesha Bibi", "female", MemberRole.SECRETARY),
        ("Sana Iqbal", "female", MemberRole.MEMBER),
    ):
        person = people.create(PersonDraft(name, "", gender))
        committees.add_member(committee.id, MemberDraft(person.id, role, "elder", committee.formed_on))
    meetings = MeetingService(context)
    meeting = meetings.schedule(committee.id, context.today() - timedelta(days=7), "Police Station City")
    meetings.mark_attendance(meeting.id, {a.member_id: AttendanceStatus.PRESENT for a in meeting.attendance})
    return meetings.set_minutes(meeting.id, meeting.version, "Street lights of Mohalla Islampura discussed.")


def pdf_text(pdf: bytes) -> str:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        texts = []
        for page in document:
            text_page = page.get_textpage()
            texts.append(text_page.get_text_range())
            text_page.close()
            page.close()
        return "\n".join(texts)
    finally:
        document.close()


def ink(image: QImage) -> int:
    """How many of a sample of the image's pixels are not white (something is printed there)."""
    step = 7
    dark = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            if image.pixelColor(x, y).lightness() < 200:
                dark += 1
    return dark


def wait_rendered(qtbot: QtBot, dialog: PrintPreviewDialog) -> int:
    with qtbot.waitSignal(dialog.rendered, timeout=RENDER_TIMEOUT) as blocker:
        pass
    return int(blocker.args[0]) if blocker.args else 0


def previews(parent: QWidget) -> list[PrintPreviewDialog]:
    return [d for d in parent.findChildren(PrintPreviewDialog) if d.isVisible()]


# --- the preview ---------------------------------------------------------------------------------------------


def test_a_receipt_is_shown_as_its_page_and_the_language_switch_draws_it_again_in_urdu(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext]
) -> None:
    context = sign_in("clerk")
    complaint = register_complaint(context)
    dialog = preview_receipt(None, context, complaint.id)
    qtbot.addWidget(dialog)
    assert wait_rendered(qtbot, dialog) == 1
    assert dialog.windowTitle() == f"Complaint receipt {complaint.tracking_no}"
    assert dialog.info.text().startswith("1 page · English · ")
    assert dialog.current is not None and dialog.current.pdf.startswith(b"%PDF")
    assert complaint.tracking_no in pdf_text(dialog.current.pdf)
    pixmaps = dialog.page_pixmaps()
    assert len(pixmaps) == 1 and not pixmaps[0].isNull() and pixmaps[0].width() > 300
    english = pixmaps[0].toImage()
    assert ink(english) > 100
    assert dialog.save_button.isEnabled() and dialog.print_button.isEnabled()

    with qtbot.waitSignal(dialog.rendered, timeout=RENDER_TIMEOUT):
        dialog.language_buttons["ur"].click()
    assert dialog.language == "ur" and dialog.language_buttons["ur"].isChecked()
    assert dialog.info.text().startswith("1 page · Urdu · ")
    assert dialog.current is not None and dialog.current.language == "ur"
    urdu = dialog.page_pixmaps()[0].toImage()
    assert ink(urdu) > 100
    assert urdu != english
    dialog.close()


def test_minutes_show_every_page_and_a_planned_meeting_prints_as_a_draft(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext]
) -> None:
    context = sign_in("clerk")
    meeting = planned_meeting(context)
    dialog = preview_minutes(None, context, meeting.id, language="ur")
    qtbot.addWidget(dialog)
    pages = wait_rendered(qtbot, dialog)
    assert current_pages(dialog) == pages >= 1
    assert dialog.info.text().startswith(f"{pages} page{'s' if pages != 1 else ''} · Urdu")
    assert dialog.language_buttons["ur"].isChecked()
    assert all(ink(p.toImage()) > 50 for p in dialog.page_pixmaps())
    with qtbot.waitSignal(dialog.rendered, timeout=RENDER_TIMEOUT):
        dialog.set_language("en")
    assert dialog.current is not None
    assert "DRAFT" in pdf_text(dialog.current.pdf)
    assert page_count(dialog.current.pdf) == len(dialog.page_pixmaps())

    MeetingService(context).close(meeting.id)
    closed = preview_minutes(None, context, meeting.id)
    qtbot.addWidget(closed)
    wait_rendered(qtbot, closed)
    assert closed.current is not None and "DRAFT" not in pdf_text(closed.current.pdf)
    dialog.close()
    closed.close()


def current_pages(dialog: PrintPreviewDialog) -> int:
    assert dialog.current is not None
    return len(dialog.current.pages)


def test_the_zoom_changes_the_size_the_pages_are_shown_at(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext]
) -> None:
    context = sign_in("clerk")
    dialog = preview_receipt(None, context, register_complaint(context).tracking_no)
    qtbot.addWidget(dialog)
    dialog.resize(1000, 700)
    wait_rendered(qtbot, dialog)
    fit_width = dialog.page_labels[0].width()
    dialog.zoom.setCurrentIndex(dialog.zoom.findData("whole-page"))
    whole_page = dialog.page_labels[0]
    assert whole_page.height() <= dialog.area.viewport().height()
    assert whole_page.width() < fit_width
    dialog.close()


def test_save_as_pdf_writes_the_document_shown(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = sign_in("clerk")
    complaint = register_complaint(context)
    dialog = preview_receipt(None, context, complaint.id)
    qtbot.addWidget(dialog)
    wait_rendered(qtbot, dialog)
    asked: list[tuple[str, Path]] = []
    folder = tmp_path / "saved"
    folder.mkdir()

    def choose(_parent: QWidget | None, caption: str, suggested: Path, _filter: str) -> Path:
        asked.append((caption, suggested))
        return folder / "for the complainant"  # typed without .pdf

    monkeypatch.setattr(print_preview, "ask_save_path", choose)
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        dialog.save_button.click()
    target = folder / "for the complainant.pdf"
    assert saved.args == [target]
    assert asked and asked[0][1].name == f"receipt-{complaint.tracking_no.lower().replace('/', '-')}.pdf"
    assert dialog.current is not None and target.read_bytes() == dialog.current.pdf
    assert dialog.note.text() == f"Saved as {target}."

    monkeypatch.setattr(print_preview, "ask_save_path", lambda *_args: None)  # the user cancels
    dialog.ask_save()
    assert sorted(p.name for p in folder.iterdir()) == ["for the complainant.pdf"]
    dialog.close()


def test_print_sends_every_page_to_the_printer_and_the_print_dialog_does_not_block(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], tmp_path: Path
) -> None:
    context = sign_in("clerk")
    meeting = planned_meeting(context)
    dialog = preview_minutes(None, context, meeting.id)
    qtbot.addWidget(dialog)
    pages = wait_rendered(qtbot, dialog)

    asked = dialog.ask_print()
    assert isinstance(asked, QPrintDialog) and asked.isVisible()
    asked.reject()

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    with qtbot.waitSignal(dialog.printed, timeout=30_000) as printed:
        dialog.print_to(printer)
    assert printed.args == [pages]
    assert page_count(out.read_bytes()) == pages
    assert dialog.note.text() == f"{pages} page{'s' if pages != 1 else ''} sent to the printer."
    dialog.close()


def test_a_document_that_cannot_be_made_says_why_and_offers_nothing_to_save(qtbot: QtBot) -> None:
    def refuse(_out: BinaryIO, _language: str) -> PrintedDocument:
        raise ValidationError("This meeting has been deleted.")

    dialog = PrintPreviewDialog("Meeting minutes", refuse)
    qtbot.addWidget(dialog)
    dialog.open()
    assert wait_rendered(qtbot, dialog) == 0
    assert dialog.placeholder.text() == "This meeting has been deleted."
    assert not dialog.save_button.isEnabled() and not dialog.print_button.isEnabled()
    dialog.close()


def test_without_a_page_renderer_the_document_can_still_be_saved(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing(*_args: object, **_kwargs: object) -> list[QImage]:
        raise PreviewUnavailable("The pages cannot be shown on this computer.")

    monkeypatch.setattr(print_preview, "render_pages", missing)
    context = sign_in("clerk")
    dialog = preview_receipt(None, context, register_complaint(context).id)
    qtbot.addWidget(dialog)
    assert wait_rendered(qtbot, dialog) == 0
    assert dialog.placeholder.isVisible() and "cannot be shown" in dialog.placeholder.text()
    assert dialog.save_button.isEnabled() and not dialog.print_button.isEnabled()
    assert dialog.current is not None and dialog.current.pdf.startswith(b"%PDF")
    dialog.close()


# --- the buttons on the screens ------------------------------------------------------------------------------


def test_the_complaint_window_and_the_intake_banner_print_the_receipt(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext]
) -> None:
    context = sign_in("clerk")
    complaint = register_complaint(context)
    stations = OrganisationService(context).list_stations()
    window = ComplaintDialog(context, ComplaintService(context), complaint, stations)
    qtbot.addWidget(window)
    window.open()
    assert window.print_button.isVisibleTo(window)
    window.print_button.click()
    [dialog] = previews(window)
    wait_rendered(qtbot, dialog)
    assert dialog.windowTitle() == f"Complaint receipt {complaint.tracking_no}"
    dialog.close()
    window.close()

    screen = ComplaintsScreen(context)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.stations_loaded, timeout=10_000):
        pass
    screen.new_record()
    intake = screen.intake
    assert intake is not None
    assert not intake.banner.print_button.isVisibleTo(intake)  # nothing registered yet: banner hidden
    intake.registered = complaint
    intake.banner.show_number(complaint.tracking_no)
    assert intake.banner.print_button.isVisibleTo(intake)
    intake.banner.print_button.click()
    [from_banner] = previews(intake)
    wait_rendered(qtbot, from_banner)
    assert complaint.tracking_no in from_banner.windowTitle()
    from_banner.close()
    intake.done(0)


def test_the_meeting_editor_prints_draft_minutes_before_closing_and_minutes_after(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext]
) -> None:
    context = sign_in("officer")
    meeting = planned_meeting(context)
    editor = MeetingEditor(context)
    qtbot.addWidget(editor)
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        editor.load(meeting.id)
    assert editor.print_button.isVisibleTo(editor)
    assert editor.print_button.text() == "Print draft minutes…"
    editor.print_button.click()
    [dialog] = previews(editor)
    wait_rendered(qtbot, dialog)
    assert dialog.current is not None and "DRAFT" in pdf_text(dialog.current.pdf)
    dialog.close()

    MeetingService(context).close(meeting.id)
    with qtbot.waitSignal(editor.loaded, timeout=10_000):
        editor.load(meeting.id)
    assert editor.print_button.text() == "Print minutes…"


def test_the_roster_and_the_monthly_report_open_their_preview(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext]
) -> None:
    context = sign_in("dpo")
    panel = RosterPanel(context)
    qtbot.addWidget(panel)
    assert panel.print_button.isVisibleTo(panel)
    panel.print_button.click()
    [roster] = previews(panel)
    assert wait_rendered(qtbot, roster) >= 1
    assert roster.current is not None
    assert roster.current.document.title == f"Duty roster, week of {panel.week_start:%d %B %Y}"
    roster.close()

    screen = MonthsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.details_loaded, timeout=15_000):
        screen.shown()
    assert screen.report_button.isVisibleTo(screen)
    screen.report_button.click()
    [report] = previews(screen)
    assert wait_rendered(qtbot, report) >= 1
    assert report.current is not None and report.current.document.title.startswith("Monthly COP report")


def test_a_complaint_that_cannot_be_found_is_reported_in_the_preview(
    qtbot: QtBot, sign_in: Callable[[str], ServiceContext]
) -> None:
    context = sign_in("clerk")
    dialog = preview_receipt(None, context, uuid.uuid4())
    qtbot.addWidget(dialog)
    assert wait_rendered(qtbot, dialog) == 0
    assert dialog.placeholder.isVisible()
    assert dialog.info.text() == "The document could not be prepared."
    assert dialog.placeholder.text()  # the service's own sentence
    dialog.close()
